"""URLs of other pages and resources, made from the URL the client asked for.

Each comes back as a plain-ASCII URI (``newscms.formats.site.to_uri``), ready for a
header field, whatever the framework decoded the request's path to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from newscms.formats.site import to_uri

if TYPE_CHECKING:
    from collections.abc import Sequence

    from newscms.domain import Page
    from newscms.http._messages import HttpRequest

__all__ = ["link_header", "next_link", "replace_segments", "with_query", "without_query"]


def with_query(url: str, **params: str | None) -> str:
    """``url`` with the query parameters ``params`` set (None removes one), the others kept.

    The other parameters keep their order and repeats; a set parameter goes last.
    """
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    kept += [(k, v) for k, v in params.items() if v is not None]
    return to_uri(urlunsplit(parts._replace(query=urlencode(kept, quote_via=quote))))


def without_query(url: str) -> str:
    """``url`` without its query and fragment (a feed's own address)."""
    return to_uri(urlunsplit(urlsplit(url)._replace(query="", fragment="")))


def next_link(page: Page[Any], request: HttpRequest) -> str | None:
    """The absolute URL of the page after ``page``: the request's, its ``cursor`` replaced.

    Every other query parameter (``locale``, ``limit``, ``q``, ...) is kept, so the next
    page lists the same thing. None on the last page.
    """
    if page.next_cursor is None:
        return None
    return with_query(request.url, cursor=page.next_cursor)


def link_header(url: str, rel: str = "next") -> tuple[str, str]:
    """A ``Link`` header field (RFC 8288) pointing at ``url``: ``<url>; rel="next"``."""
    return ("Link", f'<{url}>; rel="{rel}"')


def replace_segments(url: str, last: Sequence[str], *, keep: int = 0) -> str:
    """``url`` with the path segments before its ``keep`` last ones replaced by ``last``.

    The redirect of a former slug: ``/articles/en/old/ninjs`` with ``last=("en",
    "new")`` and ``keep=1`` is ``/articles/en/new/ninjs``. The query is kept.
    """
    parts = urlsplit(url)
    segments = parts.path.split("/")
    tail = segments[len(segments) - keep :] if keep else []
    head = segments[: len(segments) - keep - len(last)]
    path = "/".join([*head, *(quote(value, safe="") for value in last), *tail])
    return to_uri(urlunsplit(parts._replace(path=path, fragment="")))
