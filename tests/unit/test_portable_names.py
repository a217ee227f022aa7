"""``portable_name``: every file name as a locator the store keeps as it is, never two as one."""

from __future__ import annotations

import os
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscms.domain import SourceRef
from newscms.services.importing import portable_name

# File names are bytes on POSIX: anything but "/" and NUL, which a path component cannot hold.
NAME_BYTES = st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\0" not in b)
NAME_TEXT = st.text(min_size=1, max_size=40).filter(lambda t: "/" not in t and "\0" not in t)


@given(st.one_of(NAME_BYTES, NAME_TEXT.map(os.fsencode)))
def test_the_bytes_come_back_and_the_store_keeps_the_text(raw: bytes) -> None:
    locator = portable_name(os.fsdecode(raw))
    assert unquote_to_bytes(locator) == raw  # reversible, hence never two names as one
    locator.encode("utf-8")  # valid text for every database
    assert SourceRef(format="legacy", locator=locator).locator == locator


@pytest.mark.parametrize(
    ("name", "locator"),
    [
        ("export/2016/kaesong.txt", "export/2016/kaesong.txt"),
        ("caffè e tè.txt", "caffè e tè.txt"),
        ("北京.html", "北京.html"),
        (os.fsdecode(b"story-\xff.txt"), "story-%FF.txt"),
        ("100%FF.txt", "100%25FF.txt"),  # else it would read as the byte above
        ("100% sure.txt", "100% sure.txt"),
        ("two  spaces.txt", "two %20spaces.txt"),
        (" leading.txt", "%20leading.txt"),
        ("tab\there.txt", "tab%09here.txt"),
        ("no\u00a0break.txt", "no%C2%A0break.txt"),
        ("line\nbreak.txt", "line%0Abreak.txt"),
    ],
)
def test_plain_names_stay_as_they_are_and_the_rest_is_escaped(name: str, locator: str) -> None:
    assert portable_name(name) == locator
