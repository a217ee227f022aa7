"""Legacy URLs: the addresses a migrated article had on the old site, made comparable.

A legacy URL is matched on its **path and query** only. After a migration the old host
name points at the new site, so the request that has to find the article is
``/news-en/x.html`` whatever host it was sent to; the host stays in the recorded URL, for
the record. Three spellings are accepted: an absolute ``http``/``https`` URL, a
root-relative path (``/news-en/x.html``) and a bare relative locator as an importer
knows its files (``news-en/x.html`` is ``/news-en/x.html``).

Two spellings that any HTTP client would send as the same request target match
(RFC 3986, section 6.2.2):

* the fragment is dropped (it never reaches a server), and so is an empty query;
* percent-encoding is normalised: escapes of unreserved characters are decoded
  (``%7E`` is ``~``), every other escape is upper-cased (``%c3%a9`` is ``%C3%A9``),
  and characters a URI cannot carry (non-ASCII text as UTF-8, spaces, ``"``, ``<``,
  ...) are percent-encoded, so ``/%7Euser/caf%c3%a9`` and ``/~user/café`` match;
* dot segments are resolved (``/a/./b/../c`` is ``/a/c``), as a browser does before
  it sends a request, and a path starting with several slashes starts with one (a
  path cannot begin ``//`` once the host is gone).

Case and a trailing slash are kept: real servers tell ``/News.html`` from
``/news.html`` and ``/dir`` from ``/dir/``. An escape of a reserved character stays an
escape (``%2F`` is not ``/``), and escapes that are not UTF-8 (``%E9``, Latin-1) are
kept as they are. ``legacy_url_key`` is the SHA-256 hex digest of the normalised
path and query: the store's key for any length of URL.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from newscms.errors import ValidationError

__all__ = [
    "LEGACY_URL_MAX",
    "LegacyUrl",
    "legacy_url_key",
    "normalize_legacy_url",
    "parse_legacy_url",
]

LEGACY_URL_MAX = 2000
"""The longest legacy URL recorded, in characters (the store's column holds that many)."""

_FIELD = "url"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# What a path and a query may carry unescaped besides the unreserved characters
# (RFC 3986 pchar: sub-delims, ":" and "@"; "/" between segments; "?" in a query).
_PATH_SAFE = "!$&'()*+,;=:@/"
_QUERY_SAFE = _PATH_SAFE + "?"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HTTP = ("http", "https")


class LegacyUrl(NamedTuple):
    """A legacy URL read once: how it is recorded, what it matches on, and its key.

    Attributes:
        url: The URL as recorded: as given, without surrounding spaces and fragment,
            a bare relative locator with its leading ``/``.
        path: The normalised path and query it is matched on (``/news-en/x.html``).
        key: The SHA-256 hex digest of ``path`` (64 characters).
    """

    url: str
    path: str
    key: str


def parse_legacy_url(url: object) -> LegacyUrl:
    """Read a legacy URL: its recorded form, its normalised path and query, and its key.

    Args:
        url: An absolute http(s) URL, a root-relative path or a bare relative locator.

    Returns:
        The recorded URL, the normalised path and query, and the key.

    Raises:
        ValidationError: ``url`` is not a string, is empty or longer than 2,000
            characters, holds control characters or text that is not Unicode (lone
            surrogates), names no path, or has a scheme other than http(s) (``field``
            is ``"url"``).
    """
    text = _checked_text(url)
    recorded = _recorded(text)
    path, query = _path_and_query(recorded)
    normalized = _normalized_path(path)
    query = _normalized(query, _QUERY_SAFE)
    target = f"{normalized}?{query}" if query else normalized
    key = hashlib.sha256(target.encode("ascii")).hexdigest()
    return LegacyUrl(url=recorded, path=target, key=key)


def normalize_legacy_url(url: object) -> str:
    """The path and query a legacy URL is matched on: ``/~user/caf%C3%A9?id=3``.

    Raises:
        ValidationError: ``url`` is not a legacy URL (see ``parse_legacy_url``).
    """
    return parse_legacy_url(url).path


def legacy_url_key(url: object) -> str:
    """The 64-character key of a legacy URL: SHA-256 of its normalised path and query.

    Raises:
        ValidationError: ``url`` is not a legacy URL (see ``parse_legacy_url``).
    """
    return parse_legacy_url(url).key


def _checked_text(url: object) -> str:
    """``url`` stripped of surrounding spaces, refused when it cannot be a legacy URL."""
    if not isinstance(url, str):
        raise ValidationError(
            f"a legacy URL must be a string, not {type(url).__name__}", field=_FIELD
        )
    text = url.strip()
    if not text:
        raise ValidationError("a legacy URL is empty", field=_FIELD)
    if len(text) > LEGACY_URL_MAX:
        raise ValidationError(_too_long(len(text)), field=_FIELD)
    if _CONTROL.search(text):
        raise ValidationError(
            "a legacy URL holds a control character (a tab, a line break, ...); "
            "percent-encode it or remove it",
            field=_FIELD,
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            "a legacy URL holds text that is not Unicode (a lone surrogate, from a "
            "mis-decoded file name or page)",
            field=_FIELD,
        ) from None
    return text


def _recorded(text: str) -> str:
    """The URL as recorded: without its fragment, a bare relative locator with its ``/``.

    Spaces before the fragment go with it (``/a #top`` is ``/a``), as surrounding ones
    do: the recorded form must read back as the same URL.
    """
    without_fragment = text.partition("#")[0].rstrip()
    if not without_fragment or without_fragment.startswith("?"):
        raise ValidationError(
            f"{_shown(text)} names no page, only a query or a fragment of one; "
            "give its path ('/news-en/x.html')",
            field=_FIELD,
        )
    scheme = _SCHEME.match(without_fragment)
    if scheme is not None and scheme.group()[:-1].lower() not in _HTTP:
        raise ValidationError(
            f"{_shown(text)} is a {scheme.group()[:-1]!r} URL; a legacy URL is an http(s) "
            "URL, a path ('/news-en/x.html') or a relative locator ('news-en/x.html')",
            field=_FIELD,
        )
    recorded = without_fragment
    if scheme is None and not without_fragment.startswith("/"):
        recorded = "/" + without_fragment
    if len(recorded) > LEGACY_URL_MAX:
        raise ValidationError(_too_long(len(recorded)), field=_FIELD)
    return recorded


def _path_and_query(text: str) -> tuple[str, str]:
    """The path and query of a recorded URL; an absolute one (or ``//host/...``) loses its host."""
    if not (_SCHEME.match(text) or text.startswith("//")):
        path, _, query = text.partition("?")
        return path, query
    try:
        parts = urlsplit(text if _SCHEME.match(text) else "http:" + text)
        host = parts.hostname
    except ValueError as exc:
        raise ValidationError(f"{_shown(text)} is not a URL: {exc}", field=_FIELD) from None
    if not parts.netloc or not host:
        raise ValidationError(
            f"{_shown(text)} has no host name; write a path as '/news-en/x.html'",
            field=_FIELD,
        )
    return parts.path or "/", parts.query


def _normalized_path(path: str) -> str:
    """The path with its escapes normalised, dot segments resolved and one leading slash."""
    segments = _normalized(path, _PATH_SAFE).split("/")[1:]
    kept: list[str] = []
    for segment in segments:
        if segment == ".":
            continue
        if segment == "..":
            if kept:
                kept.pop()
            continue
        kept.append(segment)
    # "/a/b/.." is "/a/" (RFC 3986, 5.2.4): a final dot segment leaves a trailing slash.
    if segments and segments[-1] in (".", "..") and kept:
        kept.append("")
    return "/" + "/".join(kept).lstrip("/")


def _normalized(text: str, safe: str) -> str:
    """``text`` percent-encoded as a URI carries it: unreserved escapes decoded, others upper-cased.

    A ``%`` that starts no escape stands for itself, so it becomes ``%25``.
    """
    text = _LONE_PERCENT.sub("%25", text)
    text = quote(text, safe=safe + "%")
    return _ESCAPE.sub(_unescaped, text)


def _unescaped(match: re.Match[str]) -> str:
    character = chr(int(match.group(1), 16))
    return character if character in _UNRESERVED else "%" + match.group(1).upper()


def _too_long(length: int) -> str:
    return f"a legacy URL is {length:,} characters long; at most {LEGACY_URL_MAX:,} are recorded"


def _shown(text: str) -> str:
    """A URL quoted back in a message, shortened: the whole of a long one helps nobody."""
    return repr(text if len(text) <= 120 else text[:117] + "...")
