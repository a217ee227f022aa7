"""Hostile HTML: what the sanitizer makes of depth, reopened formatting and URL tricks.

No timings here: each test pins what the sanitizer returns. The depth tests failed before
the nesting bound (html5ever kept every level, and took O(depth) per tag to do so).
"""

from __future__ import annotations

import re
from pathlib import Path

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms import ArticleDraft
from newscms.utils import _html_depth
from newscms.utils._html_depth import LIMIT, bound_nesting
from newscms.utils.html import ALLOWED_ATTRIBUTES, URL_ATTRIBUTES, sanitize_html

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})
XML_CHAR = re.compile("^[\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")

# An nh3 that keeps every element but those whose content it would write out raw, to see
# how deep html5ever really built a tree.
KEPT = frozenset(
    {
        "a", "abbr", "address", "article", "aside", "b", "big", "blockquote", "body", "br",
        "button", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dialog", "div", "dl", "dt", "em", "fieldset", "figcaption", "figure",
        "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "i", "img", "input", "ins", "label", "li", "listing", "main", "mark", "marquee",
        "menu", "nav", "nobr", "object", "ol", "optgroup", "option", "p", "pre", "q", "rb",
        "rp", "rt", "rtc", "ruby", "s", "search", "section", "select", "small", "span",
        "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "template",
        "tfoot", "th", "thead", "tr", "tt", "u", "ul", "x",
    }
)  # fmt: skip
EVERY_TAG = nh3.Cleaner(
    tags=set(KEPT), attributes={}, clean_content_tags={"script", "style"}, link_rel=None
)


def depth(html: str) -> int:
    """How deep well-formed HTML (what nh3 writes) nests."""
    level = deepest = 0
    for close, name in re.findall(r"<(/?)([a-z][a-z0-9]*)", html):
        if name not in VOID:
            level += -1 if close else 1
            deepest = max(deepest, level)
    return deepest


# -- depth ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    [
        "<blockquote>",
        "<div><p>",
        "<b>",
        "<i>",
        '<a href="https://example.org/">',
        "<b><i><a>",
        '<b class="{n}">',
        "<table><tr><td>",
        "<ul><li>",
        "<ol><li><p>",
        "<dl><dt><dd>",
        "<q><em><strong><code>",
        "<p><b>x</b><span>",
    ],
)
def test_deep_markup_is_cut_at_the_limit_and_keeps_its_text(unit: str) -> None:
    html = "".join(unit.replace("{n}", str(n)) + "w" for n in range(5000))
    body = sanitize_html(html)
    assert depth(body) <= LIMIT
    assert body.count("w") == 5000


def test_the_deep_draft_of_the_issue() -> None:
    draft = ArticleDraft(locale="en", headline="Deep", body="<blockquote>x" * 80_000)
    assert depth(draft.body) <= LIMIT
    assert draft.body.count("x") == 80_000
    assert ArticleDraft(locale="en", headline="Divs", body="<div>" * 80_000).body == ""


def test_end_tags_of_cut_elements_go_with_them() -> None:
    body = sanitize_html("<blockquote>" * 300 + "in" + "</blockquote>" * 300 + "<p>after</p>")
    assert body.endswith("</blockquote><p>after</p>")
    assert body.count("<blockquote>") == body.count("</blockquote>") <= LIMIT


def test_a_cut_does_not_join_a_stray_lt_to_the_text_after_it() -> None:
    # Cutting <dl/> out of "<<dl/>x" must not leave "<x", a tag that was never there.
    html = "<p>" + "<code><<dl/>x " * 3000
    assert depth(EVERY_TAG.clean(bound_nesting(html))) <= LIMIT
    body = sanitize_html(html)
    assert body.count("&lt;") == body.count("x ") == 3000


def test_reopened_formatting_does_not_multiply_the_body() -> None:
    # html5ever reopens a formatting element that a block closed in every later
    # paragraph: eight of them made every <p>x</p> ten times longer.
    html = "<div>" + "".join(f"<b id={n}>" for n in range(8)) + "</div>" + "<p>x</p>" * 20_000
    body = sanitize_html(html)
    assert len(body) < 3 * len(html)
    assert body.count("x") == 20_000


def test_a_sloppy_unclosed_bold_is_still_reopened_as_browsers_do() -> None:
    body = sanitize_html("<p><b>Note: " + "</p><p>text" * 200 + "</p>")
    assert body.count("<b>") == 201


@pytest.mark.parametrize(
    "html",
    [
        "<p>" + "one<p>two<br>" * 3000,
        "<ul>" + "<li>item" * 3000 + "</ul>",
        "<table>" + "<tr><td>a<td>b" * 2000 + "</table>",
        "<select>" + "<option>o" * 3000 + "</select>",
        "<dl>" + "<dt>t<dd>d" * 2000 + "</dl>",
        "<div>" + "<font face=Arial><b>x</b><i>y</font>z<p>w" * 1000 + "</div>",
        "<p>" + "<b><i>x</b>y</i>" * 2000,
        "<ul>" * 40 + "<li>deep" + "</ul>" * 40,
        "<table><tr><td>" * 20 + "cell",
        "<div><script>" + "<div>" * 500 + "</script></div>" * 50,
    ],
    ids=lambda html: html[:24],
)
def test_documents_that_nest_normally_are_left_exactly_as_they_were(html: str) -> None:
    assert bound_nesting(html) is html


def test_a_big_inline_svg_loses_nothing_that_shows() -> None:
    # Self-closing tags are taken as open inside svg (the safe side), so a big drawing gets
    # cut; nh3 drops svg with all its content anyway.
    html = "<p>before</p><svg>" + "<path d='M0 0'/>" * 3000 + "</svg><p>after</p>"
    assert sanitize_html(html) == "<p>before</p><p>after</p>"


def test_example_pages_are_left_exactly_as_they_were() -> None:
    pages = sorted(EXAMPLES.rglob("*.htm*"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert bound_nesting(html) is html, page


# Random tag soup, repeated: whatever html5ever makes of a pattern, it must not go deeper
# than the bound however often the pattern repeats.
OPENED = (
    "a", "b", "i", "em", "font", "nobr", "div", "p", "span", "li", "ul", "dd", "dt", "h2",
    "pre", "form", "button", "table", "tr", "td", "th", "caption", "colgroup", "select",
    "option", "svg", "math", "mi", "g", "foreignObject", "annotation-xml", "template",
    "object", "ruby", "rt", "x",
)  # fmt: skip
CLOSED = (
    "a", "b", "i", "div", "p", "span", "li", "ul", "table", "tr", "td", "form", "svg", "g",
    "math", "x", "br",
)  # fmt: skip
TOKENS = st.sampled_from(
    [
        *(f"<{name}>" for name in OPENED),
        *(f"</{name}>" for name in CLOSED),
        '<b id="%">',
        '<font color="red">',
        '<annotation-xml encoding="text/html">',
        "<textarea>",
        "<plaintext>",
        "<script>",
        "x",
        " ",
        "<!-- c -->",
        "<",
    ]
)


def _repeat(pattern: list[str], times: int) -> str:
    return "".join("".join(pattern).replace("%", str(n % 5)) for n in range(times))


@settings(max_examples=60, deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=6))
def test_no_repeated_pattern_nests_past_the_bound(pattern: list[str]) -> None:
    html = _repeat(pattern, 600)
    assert depth(EVERY_TAG.clean(bound_nesting(html))) <= 3 * LIMIT


@settings(max_examples=60, deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=6), st.lists(TOKENS, max_size=4))
def test_skipping_repeats_changes_nothing(pattern: list[str], tail: list[str]) -> None:
    html = _repeat(pattern, 1500) + "".join(tail)
    skipped = bound_nesting(html)
    every = _html_depth._PROBE_EVERY
    try:
        _html_depth._PROBE_EVERY = 10**9  # never look for repeats: every token worked out
        assert bound_nesting(html) == skipped
    finally:
        _html_depth._PROBE_EVERY = every


# -- URLs -------------------------------------------------------------------------------

URL_PLACES = [("a", "href"), ("img", "src"), ("q", "cite"), ("blockquote", "cite"),
              ("del", "cite"), ("ins", "cite")]  # fmt: skip


@pytest.mark.parametrize(("tag", "attribute"), URL_PLACES)
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "jav&#x09;ascript:alert(1)",
        "java&#10;script:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "&#x20;&#x0c;javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "java&#1;script:alert(1)",
    ],
)
def test_unsafe_url_schemes_are_dropped_everywhere(tag: str, attribute: str, url: str) -> None:
    body = sanitize_html(f'<p><{tag} {attribute}="{url}">quoted</{tag}></p>')
    assert f"{attribute}=" not in body
    assert "script" not in body.lower()


@pytest.mark.parametrize(("tag", "attribute"), URL_PLACES)
@pytest.mark.parametrize("url", ["https://example.org/a?b=1", "/relative/path", "page.html"])
def test_safe_urls_stay(tag: str, attribute: str, url: str) -> None:
    assert f'{attribute}="{url}"' in sanitize_html(f'<{tag} {attribute}="{url}">q</{tag}>')


def test_every_url_attribute_the_allow_list_keeps_is_checked() -> None:
    url_valued = {
        "action", "background", "cite", "codebase", "data", "formaction", "href", "icon",
        "itemtype", "longdesc", "manifest", "ping", "poster", "src", "srcset", "usemap",
    }  # fmt: skip
    for tag, attributes in ALLOWED_ATTRIBUTES.items():
        assert attributes & url_valued <= URL_ATTRIBUTES, tag


def test_a_quote_from_a_javascript_url_reaches_no_format() -> None:
    draft = ArticleDraft(
        locale="en",
        headline="Quotes",
        body=(
            '<blockquote cite="javascript:alert(1)"><p><q cite=" vbscript:x">Q</q></p></blockquote>'
        ),
    )
    assert draft.body == "<blockquote><p><q>Q</q></p></blockquote>"


def test_character_references_to_controls_are_cleaned_like_controls() -> None:
    body = sanitize_html('<p title="a&#1;b">x&#1;y&#x7f;z&#x81;&#xfffe;!</p>')
    assert body == '<p title="ab">xyz!</p>'
    assert XML_CHAR.match(sanitize_html('<a href="/x" title="&#2;t">t&#0;</a>'))
