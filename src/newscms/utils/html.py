"""Article body HTML: sanitize with nh3, turn into plain text, build from paragraphs.

A body is stored only after ``sanitize_html``: no scripts, event handlers, styles,
iframes or ``javascript:`` URLs, but the structure a story needs (paragraphs, headings,
links, emphasis, quotes, lists, figures, tables) is kept. The allow-list is data, below.

Every URL the allow-list keeps (``href``, ``src``, ``cite``) must be relative or use one of
``URL_SCHEMES``; nh3 checks ``href`` and ``src`` itself but not ``cite``, so
``_keep_attribute`` checks them all, the way browsers read a URL (controls and spaces
around it, tabs and newlines inside it ignored). Sanitizing takes time linear in the size
of the fragment whatever it holds: ``_html_depth.bound_nesting`` cuts what would nest
deeper than html5ever can parse quickly (see there).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import nh3

from newscms.utils._html_depth import bound_nesting
from newscms.utils.keys import media_key
from newscms.utils.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from uuid import UUID

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "MEDIA_ATTRIBUTE",
    "URL_ATTRIBUTES",
    "URL_SCHEMES",
    "html_to_text",
    "link_media_images",
    "paragraphs_to_html",
    "sanitize_html",
    "word_count",
]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
        "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "ins", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong",
        "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
        "ul",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang", "title"}),
    "abbr": frozenset({"title"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "img": frozenset({"alt", "data-media-id", "height", "src", "title", "width"}),
    "ins": frozenset({"cite", "datetime"}),
    "ol": frozenset({"start", "reversed"}),
    "q": frozenset({"cite"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "time": frozenset({"datetime"}),
}

MEDIA_ATTRIBUTE = "data-media-id"
"""The ``<img>`` attribute naming the media item an inline image shows (its UUID)."""

_MEDIA_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([a-z][a-z0-9-]*)="([^"]*)"')

URL_ATTRIBUTES: frozenset[str] = frozenset({"href", "src", "cite"})
"""The attributes in ``ALLOWED_ATTRIBUTES`` whose value is a URL."""

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
"""The schemes a kept URL may have; a URL without a scheme is relative and kept too."""

# What a browser skips before it reads a URL's scheme: C0 controls and spaces around it,
# ASCII tabs and newlines anywhere (the WHATWG URL parser). Character references are
# decoded before nh3 calls _keep_attribute, so "jav&#x09;ascript:" arrives as a tab.
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_INSIDE = str.maketrans("", "", "\t\n\r")
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: drop a URL of a scheme not allowed, a media ref of no id."""
    if attribute == MEDIA_ATTRIBUTE:
        return value if _MEDIA_ID.fullmatch(value) else None
    if attribute not in URL_ATTRIBUTES:
        return value
    scheme = _URL_SCHEME.match(value.strip(_URL_EDGES).translate(_URL_INSIDE))
    if scheme is None or scheme[1].lower() in URL_SCHEMES:
        return value
    return None


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_keep_attribute,
    url_schemes=set(URL_SCHEMES),
    strip_comments=True,
    link_rel="noopener noreferrer",
    clean_content_tags={"script", "style"},
)

_BLOCKS = frozenset(
    {"p", "blockquote", "li", "h2", "h3", "h4", "h5", "h6", "pre", "figure", "figcaption",
     "table", "tr", "dt", "dd", "hr", "ul", "ol", "dl", "div"}
)  # fmt: skip
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_WORD = re.compile("\\w+(?:[-'\u2019]\\w+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def link_media_images(body: str, media: Mapping[str, UUID]) -> str:
    """``body`` (sanitized) with each ``<img>`` naming the media item its ``src`` shows.

    ``media`` maps ``newscms.utils.keys.media_key`` of each URL an item is reachable at
    (its own, its renditions') to the item's id. An image showing none of them loses a
    reference it had (the item is no longer attached), so the body never names an item
    the article does not show.
    """

    def linked(match: re.Match[str]) -> str:
        tag = match[0]
        attributes = dict(_ATTRIBUTE.findall(tag))
        src = attributes.get("src")
        wanted = media.get(media_key(html.unescape(src))) if src else None
        had = attributes.get(MEDIA_ATTRIBUTE)
        if (str(wanted) if wanted else None) == had:
            return tag
        tag = re.sub(rf'\s{MEDIA_ATTRIBUTE}="[^"]*"', "", tag)
        if wanted is None:
            return tag
        end = "/>" if tag.endswith("/>") else ">"
        return f'{tag[: -len(end)].rstrip()} {MEDIA_ATTRIBUTE}="{wanted}"{end}'

    return _IMG.sub(linked, body) if "<img" in body else body


def sanitize_html(fragment: str) -> str:
    """Return ``fragment`` with everything unsafe removed and the story structure kept.

    Characters no document can carry (controls, lone surrogates) are cleaned first, so a
    sanitized body always fits in a feed, a ninjs document and every database. Markup
    nested deeper than ``_html_depth.LIMIT`` loses the tags past that depth (not their
    text), which keeps the time linear in the size of ``fragment``.
    """
    body = _CLEANER.clean(bound_nesting(clean_text(fragment))).strip()
    cleaned = clean_text(body)
    if cleaned != body:
        # A character reference decoded to a control ("&#1;"): cleaning it off can join a
        # scheme nh3 has already let through ("java&#1;script:"), so sanitize once more.
        return _CLEANER.clean(bound_nesting(cleaned)).strip()
    return body


class _TextExtractor(HTMLParser):
    """Collect text, putting a blank line between block elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self._current)).strip()
        text = re.sub(r" ?\n ?", "\n", text)
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()
        elif tag == "br":
            self._current.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data.replace("\n", " "))


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: one paragraph per block, separated by a blank line."""
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    parser._flush()
    return "\n\n".join(parser.blocks)


def paragraphs_to_html(paragraphs: Iterable[str]) -> str:
    """Build a body from plain-text paragraphs, escaping them (``<p>…</p>`` each)."""
    return "".join(
        f"<p>{html.escape(text.strip(), quote=False)}</p>" for text in paragraphs if text.strip()
    )


def word_count(text: str) -> int:
    """Count words in plain text; each CJK character counts as one word (no spaces there)."""
    cjk = len(_CJK.findall(text))
    return cjk + len(_WORD.findall(_CJK.sub(" ", text)))
