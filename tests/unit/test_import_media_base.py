"""The media helpers every importer shares: sizes, pieces, and the list that drops bad ones."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import MediaKind, MediaRole
from newscms.domain.media import DIMENSION_MAX
from newscms.importers.base import MediaList, MediaPieces, RenditionPieces, dimension, media_kind


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (800, 800), (800.0, 800), ("800", 800), (" 800px ", 800), ("800.0", 800),
        (DIMENSION_MAX, DIMENSION_MAX), (DIMENSION_MAX + 1, None), (0, None), (-1, None),
        ("-1", None), (12.5, None), ("12.5", None), (float("inf"), None), (float("nan"), None),
        (True, None), (None, None), ("", None), ("1e3", None), ("9" * 5000, None), ([800], None),
    ],
)  # fmt: skip
def test_dimension(value: Any, expected: int | None) -> None:
    assert dimension(value) == expected


@settings(max_examples=200)
@given(st.one_of(st.integers(), st.floats(), st.text(max_size=12), st.booleans(), st.none()))
def test_a_dimension_is_always_in_range_or_none(value: Any) -> None:
    found = dimension(value)
    assert found is None or 1 <= found <= DIMENSION_MAX


def test_media_kind_of_a_mime_type() -> None:
    assert media_kind("image/jpeg") is MediaKind.IMAGE
    assert media_kind(" Video/MP4 ") is MediaKind.VIDEO
    assert media_kind("application/pdf") is None
    assert media_kind(None) is None


def test_pieces_over_fill_gaps_and_keep_the_size_whole() -> None:
    mine = MediaPieces(url="https://x.example/a.jpg", caption="Mine", width=100)
    theirs = MediaPieces(url="https://x.example/a.jpg", caption="Theirs", alt="Alt", width=1,
                         height=2, credit="C")  # fmt: skip
    merged = mine.over(theirs)
    assert (merged.caption, merged.alt, merged.credit) == ("Mine", "Alt", "C")
    assert (merged.width, merged.height) == (100, None)  # never 100 x 2
    sized = MediaPieces(url="https://x.example/a.jpg").over(theirs)
    assert (sized.width, sized.height) == (1, 2)


def test_the_list_keeps_each_url_once_in_its_first_role() -> None:
    skipped: Counter[str] = Counter()
    media = MediaList("it", skipped, base="https://x.example/news/")
    assert media.add(MediaRole.LEAD, MediaPieces(url="a.jpg", alt="Uno"))
    assert not media.add(MediaRole.INLINE, MediaPieces(url="http://www.x.example/news/a.jpg#x"))
    assert media.has("/news/a.jpg")
    ((attachment),) = media.attachments
    assert attachment.role is MediaRole.LEAD
    assert attachment.media is not None
    assert (attachment.media.url, attachment.media.alt) == (
        "https://x.example/news/a.jpg",
        {"it": "Uno"},
    )
    assert skipped == Counter()


def test_texts_in_another_locale_and_blank_texts() -> None:
    media = MediaList("en", Counter())
    media.add(MediaRole.LEAD, MediaPieces(url="https://x.example/a", alt=" ", caption="Ciao",
                                          locale="it"))  # fmt: skip
    (attachment,) = media.attachments
    assert attachment.media is not None
    assert (attachment.media.alt, attachment.media.caption) == ({}, {"it": "Ciao"})


def test_every_refused_piece_is_counted_by_name() -> None:
    skipped: Counter[str] = Counter()
    media = MediaList("en", skipped)
    pieces = MediaPieces(
        url="https://x.example/a.jpg",
        kind=MediaKind.VIDEO,
        mime_type="image/jpeg",  # not a type of video
        width=10,
        height=0,
        alt="a" * 1001,
        caption="c" * 5001,
        credit="x" * 301,
        copyright_holder="\x00",
        renditions=(
            RenditionPieces(name="ok", url="https://x.example/ok.mp4", width=1, height=1),
            RenditionPieces(name="OK", url="https://x.example/dup.mp4", width=1, height=1),
            RenditionPieces(name="self", url="https://x.example/a.jpg", width=1, height=1),
            RenditionPieces(name="!!!", url="https://x.example/n.mp4", width=1, height=1),
        ),
    )
    assert media.add(MediaRole.GALLERY, pieces)
    (attachment,) = media.attachments
    assert attachment.media is not None
    assert attachment.media.model_dump(exclude_defaults=True) == {
        "kind": MediaKind.VIDEO,
        "url": "https://x.example/a.jpg",
        "renditions": ({"name": "ok", "url": "https://x.example/ok.mp4", "width": 1,
                        "height": 1},),
    }  # fmt: skip
    assert skipped == Counter(
        {
            "media:size": 1,
            "media:mime_type": 1,
            "media:alt": 1,
            "media:caption": 1,
            "media:credit": 1,
            "media:copyright_holder": 1,
            "media:rendition": 2,  # the name twice, and a name of no letters
        }
    )


def test_urls_that_are_not_http_and_items_past_the_limit() -> None:
    skipped: Counter[str] = Counter()
    media = MediaList("en", skipped)
    for url in ("relative.jpg", "javascript:x", "https://x.example/" + "a" * 3000):
        assert not media.add(MediaRole.LEAD, MediaPieces(url=url))
    for number in range(101):
        media.add(MediaRole.GALLERY, MediaPieces(url=f"https://x.example/{number}.jpg"))
    assert len(media.attachments) == 100
    assert skipped == Counter({"media:url": 2, "media:invalid": 1, "media:limit": 1})
