"""What feeds and sitemaps both tell the machines that read them.

Text XML 1.0 can carry, and when an article last changed for its readers: a feed
reader and a crawler must see the same text and the same date for one article.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["Dated", "last_modified", "xml_text"]

# XML 1.0's Char production, negated: what may never appear in a document; plus the C1
# controls XML discourages (section 2.2), which readers take for Windows-1252 quotes.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# Control characters that separate words (vertical tab, form feed, ...) become spaces.
_CONTROL_SPACES = {
    code: " " for code in range(0xA0) if chr(code).isspace() and code not in (0x09, 0x0A, 0x0D)
}


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry or discourages (C1 controls).

    Controls that separate words (vertical tab, form feed, ...) become spaces.
    """
    if text.isascii() and text.isprintable():  # the common case, and a fast one
        return text
    return _NOT_XML.sub("", text.translate(_CONTROL_SPACES))


class Dated(Protocol):
    """What ``last_modified`` reads: an ``Article``, or a sitemap's light entry."""

    @property
    def published_at(self) -> datetime | None: ...
    @property
    def updated_at(self) -> datetime: ...


def last_modified(article: Dated) -> datetime:
    """When an article last changed for readers: a scheduled one changes when it goes live."""
    if article.published_at is not None and article.published_at > article.updated_at:
        return article.published_at
    return article.updated_at
