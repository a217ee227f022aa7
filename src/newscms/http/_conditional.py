"""Validators and conditional requests (RFC 9110 sections 8.8 and 13).

Entity tags:

- ``etag_for(article)`` is strong: the article's ``fingerprint``, a digest of its whole
  JSON form, which moves whenever anything a reader is shown moves (a tag renamed, a
  related article retitled), although ``version`` does not.
- ``weak_etag(*parts)`` digests whatever a derived representation is made of
  (listings, tag pages, feeds): equal tags promise an equivalent document, not the
  same bytes.

``evaluate_preconditions`` applies ``If-Match``, ``If-Unmodified-Since``,
``If-None-Match`` and ``If-Modified-Since`` in the order of section 13.2.2, comparing
strongly for ``If-Match`` and weakly for ``If-None-Match``. Header values are read
leniently: text that is not an entity tag or an HTTP-date never raises; an unreadable
date is ignored (as the RFC says), an unreadable ``If-Match`` matches nothing.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

from newscms.http._messages import HttpResponse
from newscms.http._problems import precondition_failed

if TYPE_CHECKING:
    from newscms.domain import Article
    from newscms.http._messages import HttpRequest

__all__ = [
    "etag_for",
    "evaluate_preconditions",
    "http_date",
    "parse_entity_tags",
    "parse_http_date",
    "validator_headers",
    "weak_etag",
]

# An entity-tag (section 8.8.3): an optional weakness indicator and a quoted opaque tag
# of visible characters other than the double quote (obs-text included).
_ENTITY_TAG = re.compile(r'(W/)?("[\x21\x23-\x7e\x80-\xff]*")')
_SAFE_METHODS = frozenset({"GET", "HEAD"})


def etag_for(article: Article) -> str:
    """The strong entity tag of an article's JSON form: its quoted ``fingerprint``."""
    return f'"{article.fingerprint}"'


def weak_etag(*parts: str | bytes) -> str:
    """A weak entity tag digesting ``parts``, each length-prefixed so none runs into the next."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return f'W/"{digest.hexdigest()}"'


def http_date(moment: datetime) -> str:
    """``moment`` as an HTTP-date (``Sun, 06 Nov 1994 08:49:37 GMT``), to the second."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    """An HTTP-date (or the obsolete RFC 850 and asctime forms) as UTC; None if unreadable."""
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000": a date whose zone is unknown; HTTP means GMT
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def parse_entity_tags(value: str) -> tuple[str, ...] | None:
    """The entity tags of an ``If-Match`` / ``If-None-Match`` value; None for ``*``.

    Members that are not entity tags are skipped, so any text is read without error.
    """
    if value.strip() == "*":
        return None
    return tuple(weak + opaque for weak, opaque in _ENTITY_TAG.findall(value))


def validator_headers(
    etag: str | None, last_modified: datetime | None
) -> tuple[tuple[str, str], ...]:
    """The ``ETag`` and ``Last-Modified`` header fields of a representation."""
    headers: list[tuple[str, str]] = []
    if etag is not None:
        headers.append(("ETag", etag))
    if last_modified is not None:
        headers.append(("Last-Modified", http_date(last_modified)))
    return tuple(headers)


def evaluate_preconditions(
    request: HttpRequest, *, etag: str | None, last_modified: datetime | None
) -> HttpResponse | None:
    """Answer a conditional request from the current validators, or None to go on.

    RFC 9110 section 13.2.2, in order: a false ``If-Match`` is 412; without
    ``If-Match``, a resource modified after ``If-Unmodified-Since`` is 412; a true
    match of ``If-None-Match`` is 304 for GET and HEAD and 412 otherwise; without
    ``If-None-Match``, a GET or HEAD of a resource not modified after
    ``If-Modified-Since`` is 304.

    Args:
        request: The request and its conditional header fields.
        etag: The current representation's entity tag; None when there is none (the
            resource does not exist: ``If-Match: *`` fails, ``If-None-Match: *`` passes).
        last_modified: When it last changed; compared to the second, as HTTP-dates are.

    Returns:
        A 304 (with the validators) or 412 (problem+json) response, or None.
    """
    modified = last_modified.replace(microsecond=0) if last_modified is not None else None
    if_match = request.header("if-match")
    if if_match is not None:
        if not _matches(if_match, etag, weak=False):
            return precondition_failed(
                "the resource changed since it was read: If-Match does not name its "
                "current ETag; read it again"
            )
    else:
        since = request.header("if-unmodified-since")
        limit = parse_http_date(since) if since is not None else None
        if limit is not None and modified is not None and modified > limit:
            return precondition_failed("the resource changed after If-Unmodified-Since")
    if_none_match = request.header("if-none-match")
    if if_none_match is not None:
        if _matches(if_none_match, etag, weak=True):
            if request.method in _SAFE_METHODS:
                return _not_modified(etag, last_modified)
            return precondition_failed("the resource matches If-None-Match")
    elif request.method in _SAFE_METHODS:
        since = request.header("if-modified-since")
        limit = parse_http_date(since) if since is not None else None
        if limit is not None and modified is not None and modified <= limit:
            return _not_modified(etag, last_modified)
    return None


def _matches(value: str, etag: str | None, *, weak: bool) -> bool:
    """Whether a header's entity tags (or ``*``) match ``etag``, weakly or strongly."""
    if etag is None:
        return False
    tags = parse_entity_tags(value)
    if tags is None:
        return True
    if weak:
        current = etag.removeprefix("W/")
        return any(tag.removeprefix("W/") == current for tag in tags)
    return not etag.startswith("W/") and etag in tags


def _not_modified(etag: str | None, last_modified: datetime | None) -> HttpResponse:
    return HttpResponse(304, validator_headers(etag, last_modified))
