"""Tell which format a source document is in, and hand it to that format's parser.

Detection reads the document itself, never trusts the file name alone: a JSON object
with ninjs keys is ``ninjs``; XML with an ``<rss>`` root in WordPress's export
namespace is ``wxr``; markup with an HTML doctype or an ``<html>`` (``<head>``,
``<body>``, ``<article>``, ...) root is ``html``; other XML (a plain RSS feed) is not
imported; text whose first non-blank line is a date is a ``legacy`` page.
Anything else is an ``ImportFailure`` that says to pass ``--format``.
"""

from __future__ import annotations

import codecs
import importlib
import json
import re
from typing import TYPE_CHECKING, Any

from newscms.errors import ImportFailure, ValidationError
from newscms.importers.base import DEFAULT_OPTIONS, ImportOptions, ParsedSource
from newscms.importers.html import parse_html
from newscms.importers.legacy import looks_like_legacy, parse_legacy
from newscms.importers.wxr import WP_NAMESPACE_PREFIX, parse_wxr

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["FORMATS", "NINJS_KEYS", "detect_format", "parse"]

FORMATS = ("legacy", "html", "wxr", "ninjs")
"""The formats newscms imports, as ``detect_format`` names them."""

NINJS_KEYS = frozenset(
    {
        "altids", "associations", "bodies", "body_html", "body_text", "byline",
        "contentcreated", "copyrightholder", "copyrightnotice", "descriptions",
        "firstcreated", "headline", "headlines", "language", "mimetype", "people",
        "profile", "pubstatus", "renditions", "representationtype", "subject", "type",
        "urgency", "usageterms", "version", "versioncreated",
    }
)  # fmt: skip
"""Top-level ninjs properties (1.x to 3.0); a ninjs document has ``uri`` and some of these."""

_SNIFF = 65536
# The first element of a document, after its XML declaration, comments and doctype.
_ROOT = re.compile(r"<(?![?!/])([A-Za-z][\w:.-]*)")
_HTML_DOCTYPE = re.compile(r"<!doctype\s+html\b", re.IGNORECASE)
# Elements an HTML page (or a saved fragment of one) starts with.
_HTML_ROOTS = frozenset({"html", "head", "body", "article", "main", "meta", "title", "link", "div"})
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_HINT = "pass --format legacy|html|wxr|ninjs if it is one of them"


def _head(data: str | bytes) -> str:
    """The document's start as text, decoded leniently: detection must not fail on bytes."""
    if isinstance(data, str):
        return data[:_SNIFF].lstrip("\ufeff")
    head = data[:_SNIFF]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_format(data: str | bytes, *, name: str) -> str:
    """Name the format of a source document from its content.

    Args:
        data: The document, text or bytes.
        name: Its file path or URL, for the error message.

    Returns:
        One of ``"legacy"``, ``"html"``, ``"wxr"`` or ``"ninjs"``.

    Raises:
        ImportFailure: The content is none of them (the message says what it looked like).
    """
    head = _head(data)
    start = head.lstrip()
    if start.startswith(("{", "[")):
        return _json_format(data, name)
    if start.startswith("<"):
        root = _ROOT.search(_COMMENTS.sub("", head))
        element = root[1].lower() if root else ""
        if element == "rss" and WP_NAMESPACE_PREFIX in head:
            return "wxr"
        if _HTML_DOCTYPE.search(head) or element in _HTML_ROOTS:
            return "html"
        raise ImportFailure(
            f"is markup but neither an HTML page nor a WordPress export (its root is "
            f"<{element}>); {_HINT}",
            source=name,
        )
    if looks_like_legacy(head):
        return "legacy"
    raise ImportFailure(
        "is not a format newscms imports: not a legacy page (its first line a date), "
        f"an HTML page, a WordPress export or a ninjs document; {_HINT}",
        source=name,
    )


def _json_format(data: str | bytes, name: str) -> str:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ImportFailure(f"looks like JSON but is not valid JSON: {exc}", source=name) from None
    items = document if isinstance(document, list) else [document]
    if items and all(_is_ninjs(item) for item in items):
        return "ninjs"
    raise ImportFailure(f"is JSON but not a ninjs document (no 'uri'); {_HINT}", source=name)


def _is_ninjs(item: object) -> bool:
    return isinstance(item, dict) and "uri" in item and bool(NINJS_KEYS & item.keys())


def parse(
    data: str | bytes,
    *,
    source: str,
    format: str = "auto",
    options: ImportOptions = DEFAULT_OPTIONS,
) -> ParsedSource:
    """Parse a source document in the format given, or the one it is detected to be.

    Args:
        data: The document, text or bytes.
        source: Its file path or URL: the drafts' source identity and the name every
            error message gives.
        format: ``"auto"`` (detect), ``"legacy"``, ``"html"``, ``"wxr"`` or ``"ninjs"``.
        options: Locale, site time zone and date orders; see ``ImportOptions``.

    Returns:
        The drafts the document holds, and what it held that is not an article.

    Raises:
        ImportFailure: The format cannot be detected, or the document cannot be read in it.
        ValidationError: ``format`` is not one of the names above (field ``format``).
    """
    chosen = format.strip().lower()
    if chosen == "auto":
        chosen = detect_format(data, name=source)
    parser = _PARSERS.get(chosen)
    if parser is None and chosen == "ninjs":
        parser = _ninjs_parser(source)
    if parser is None:
        choices = ", ".join(("auto", *FORMATS))
        raise ValidationError(f"{format!r} is not one of {choices}", field="format")
    return parser(data, source=source, options=options)


_PARSERS: dict[str, Callable[..., ParsedSource]] = {
    "legacy": parse_legacy,
    "html": parse_html,
    "wxr": parse_wxr,
}


def _ninjs_parser(source: str) -> Callable[..., ParsedSource]:
    """``newscms.importers.ninjs.parse_ninjs``, imported only when a ninjs document comes."""
    try:
        module: Any = importlib.import_module("newscms.importers.ninjs")
    except ModuleNotFoundError as exc:
        if exc.name != "newscms.importers.ninjs":
            raise
        raise ImportFailure(
            "is a ninjs document, but this newscms has no ninjs importer", source=source
        ) from None
    parser: Callable[..., ParsedSource] = module.parse_ninjs
    return parser
