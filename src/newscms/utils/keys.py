"""Lookup keys derived from content: digests that index well on every backend.

The store indexes them and the domain's matching rules compare them, so both layers
must derive them the same way: here, once.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

from newscms.utils.slugs import slugify

__all__ = [
    "PERSON_KEY_MAX",
    "media_key",
    "person_key",
    "source_key",
    "tag_locale",
    "title_key",
    "url_key",
]

PERSON_KEY_MAX = 200
"""Length of the key a spelling of a person's name is found by."""

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def title_key(title: str) -> str:
    """Digest of a headline that ignores case, punctuation, quote styles and spacing.

    ``Beijing "does not want…"`` and ``beijing “does not want…”`` give the same key, so a
    see-also title finds the article it names.
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _digest(_NOT_WORD.sub(" ", folded).strip())


def url_key(url: str) -> str:
    """Digest of a URL with scheme, ``www.``, fragment and trailing slash ignored."""
    text = url.strip()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text, flags=re.IGNORECASE)
    text = text.split("#", 1)[0]
    host, sep, rest = text.partition("/")
    host = host.lower().removeprefix("www.")
    return _digest(f"{host}{sep}{rest}".rstrip("/"))


def media_key(url: str) -> str:
    """``url_key`` of a media URL with its percent-escapes decoded: one picture, one key.

    A feed or ninjs writes ``/平壤.jpg`` as ``/%E5%B9%B3%E5%A3%A4.jpg`` (URIs are ASCII);
    read back, it is still the same picture.
    """
    return url_key(unquote(url))


@lru_cache(maxsize=4096)
def person_key(name: str) -> str:
    """The key a spelling of a person's name is found by: its slug (case and accents aside).

    Kept for the names seen last: a batch names the same few bylines on many articles.
    """
    return slugify(name, max_length=PERSON_KEY_MAX) or name.strip().casefold()[:PERSON_KEY_MAX]


def source_key(format: str, locator: str) -> str:
    """Digest identifying an imported source document (its format and where it lives)."""
    return _digest(f"{format}\n{locator.strip()}")


@lru_cache(maxsize=256)
def tag_locale(locale: str) -> str:
    """The locale tag names are kept under: language and script, region dropped.

    ``en-US`` and ``en-GB`` editions share one English name per tag, while ``zh-Hans``
    and ``zh-Hant`` keep their own (韩国 / 韓國).
    """
    language, *rest = locale.split("-")
    scripts = [part for part in rest if len(part) == 4]
    return "-".join([language, *scripts])
