"""``clean_text``: whatever comes in, what goes out fits XML, UTF-8 and every database."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newscms import ArticleDraft
from newscms.utils.html import sanitize_html
from newscms.utils.text import clean_text

XML_CHAR = re.compile("^[\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")


def test_known_cases() -> None:
    assert clean_text("plain ASCII stays") == "plain ASCII stays"
    assert clean_text("a\x00b\x1bc\x7fd") == "abcd"
    assert clean_text("line\x0bbreak\x0cpage") == "line break page"
    assert clean_text("\ufeffBOM in the middle\ufeff") == "BOM in the middle"
    assert clean_text("smart \x93quotes\x94") == "smart quotes"  # C1 controls
    assert clean_text("broken \ud800 surrogate") == "broken \ufffd surrogate"
    assert clean_text("tab\tnew\nline\r\n") == "tab\tnew\nline\r\n"
    assert clean_text("北京 Città 🎉") == "北京 Città 🎉"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_becomes_xml_and_utf8_safe(text: str) -> None:
    cleaned = clean_text(text)
    assert XML_CHAR.match(cleaned)
    cleaned.encode("utf-8")
    assert clean_text(cleaned) == cleaned
    element = etree.Element("t")
    element.text = cleaned  # lxml refuses anything XML cannot carry
    assert etree.fromstring(etree.tostring(element)).text in (cleaned, None)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1))
def test_drafts_and_bodies_never_carry_unstorable_characters(text: str) -> None:
    body = sanitize_html(f"<p>{text}</p>")
    body.encode("utf-8")
    try:
        draft = ArticleDraft(locale="en", headline=text, summary=text)
    except ValueError:
        return  # blank once cleaned: refused with a ValidationError
    for value in (draft.headline, draft.summary or ""):
        assert XML_CHAR.match(value)
