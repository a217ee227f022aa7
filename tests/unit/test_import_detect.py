from __future__ import annotations

import contextlib
import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms import importers
from newscms.errors import ImportFailure, NewsCMSError, ValidationError
from newscms.importers import (
    FORMATS,
    ImportOptions,
    detect_format,
    parse,
    parse_html,
    parse_legacy,
    parse_wxr,
)

ROOT = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(
    [
        *((path, "legacy") for path in (ROOT / "legacy").glob("*.txt")),
        *((path, "html") for path in (ROOT / "html").glob("*.html")),
        *((path, "wxr") for path in (ROOT / "wordpress").glob("*.xml")),
    ]
)
PARSERS = {"legacy": parse_legacy, "html": parse_html, "wxr": parse_wxr}

NINJS = {
    "uri": "urn:newsml:asianews.example:2012:beijing-pyongyang",
    "type": "text",
    "version": "1",
    "headline": "Beijing does not want to help Pyongyang",
}


def test_public_api_is_curated() -> None:
    assert importers.__all__ == sorted(importers.__all__)
    assert set(importers.__all__) == {
        "DEFAULT_OPTIONS",
        "FORMATS",
        "ImportOptions",
        "ParsedSource",
        "detect_format",
        "parse",
        "parse_html",
        "parse_legacy",
        "parse_wxr",
    }
    assert FORMATS == ("legacy", "html", "wxr", "ninjs")


def test_examples_exist_in_every_format() -> None:
    assert {fmt for _, fmt in EXAMPLES} == {"legacy", "html", "wxr"}
    assert len(EXAMPLES) >= 16


@pytest.mark.parametrize(("path", "expected"), EXAMPLES, ids=lambda v: getattr(v, "name", v))
def test_each_example_is_detected(path: Path, expected: str) -> None:
    data = path.read_bytes()
    assert detect_format(data, name=str(path)) == expected
    assert detect_format(data.decode("utf-8"), name=str(path)) == expected


@pytest.mark.parametrize(("path", "expected"), EXAMPLES, ids=lambda v: getattr(v, "name", v))
def test_parse_auto_dispatches_to_the_format_parser(path: Path, expected: str) -> None:
    data = path.read_bytes()
    parsed = parse(data, source=str(path))
    assert parsed.format == expected
    assert parsed == PARSERS[expected](data, source=str(path))
    assert parse(data, source=str(path), format=expected) == parsed


def test_legacy_page_with_bom_and_leading_blank_lines() -> None:
    data = b"\xef\xbb\xbf\r\n\r\n" + (ROOT / "legacy").glob("*.txt").__next__().read_bytes()
    assert detect_format(data, name="p.txt") == "legacy"


def test_utf16_html_is_detected() -> None:
    data = "<!DOCTYPE html><html><head><title>T</title></head></html>".encode("utf-16")
    assert detect_format(data, name="p.html") == "html"


def test_ninjs_documents_are_detected() -> None:
    assert detect_format(json.dumps(NINJS), name="a.json") == "ninjs"
    assert detect_format(json.dumps([NINJS, NINJS]).encode(), name="a.json") == "ninjs"


@pytest.mark.parametrize(
    "content",
    [
        "",
        "   \n\n",
        "Just some text.\nWith two lines.",
        "Beijing does not want to help\n06/14/2012",
        '{"title": "JSON, but not ninjs"}',
        '{"uri": "urn:x"}',
        "[]",
        '{"uri": ',
        '<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title></channel></rss>',
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_unknown_content_is_an_import_failure(content: str) -> None:
    with pytest.raises(ImportFailure) as failure:
        detect_format(content, name="mystery.dat")
    assert failure.value.source == "mystery.dat"
    assert "--format" in str(failure.value) or "JSON" in str(failure.value)


def test_unknown_format_name_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as error:
        parse("06/14/2012\nHeadline", source="p.txt", format="docx")
    assert error.value.field == "format"


def test_format_given_overrides_detection() -> None:
    with pytest.raises(ImportFailure, match=r"well-formed|WordPress"):
        parse((ROOT / "legacy").glob("*.txt").__next__().read_bytes(), source="p.txt", format="wxr")


def test_options_reach_the_parser() -> None:
    path = ROOT / "legacy" / "asianews-en-2012-06-14-beijing-pyongyang.txt"
    parsed = parse(path.read_bytes(), source=str(path), options=ImportOptions(locale="en-GB"))
    assert parsed.drafts[0].locale == "en-GB"


NINJS_2 = {
    "uri": "urn:newsml:asianews.example:2012:beijing-pyongyang",
    "type": "text",
    "headlines": [{"value": "Beijing does not want to help Pyongyang"}],
    "language": "en",
    "versioncreated": "2012-06-14T10:00:00Z",
}


def test_ninjs_is_handed_to_the_ninjs_importer() -> None:
    if importlib.util.find_spec("newscms.importers.ninjs") is None:
        with pytest.raises(ImportFailure, match="ninjs"):
            parse(json.dumps(NINJS_2), source="a.json")
        return
    parsed = parse(json.dumps(NINJS_2).encode(), source="a.json")
    assert parsed.format == "ninjs"
    assert parsed.drafts[0].headline == "Beijing does not want to help Pyongyang"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_detection_of_anything_names_a_format_or_fails_cleanly(data: bytes | str) -> None:
    with contextlib.suppress(ImportFailure):
        assert detect_format(data, name="fuzz") in FORMATS


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_parse_of_anything_gives_drafts_or_a_newscms_error(data: bytes | str) -> None:
    with contextlib.suppress(NewsCMSError):
        parse(data, source="fuzz")
