"""Requests, responses and routes as plain data, so no web framework is needed to use them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HttpRequest", "HttpResponse", "Route", "json_body", "json_response"]


class _Headers(Mapping[str, str]):
    """Header fields looked up by any spelling of their name.

    A field given more than once (or under two spellings) is one value joined with
    ``", "``, as RFC 9110 section 5.3 allows for list-valued fields such as
    ``If-None-Match``.
    """

    __slots__ = ("_fields",)

    def __init__(self, source: Mapping[str, str]) -> None:
        fields: dict[str, str] = {}
        for name, value in source.items():
            key = name.lower()
            fields[key] = f"{fields[key]}, {value}" if key in fields else value
        self._fields = fields

    def __getitem__(self, name: str) -> str:
        return self._fields[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._fields

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"Headers({self._fields!r})"


@dataclass(frozen=True)
class HttpRequest:
    """What a handler reads of a request; an adapter builds it from its framework's.

    Attributes:
        method: ``"GET"``, ``"HEAD"``, ``"POST"``, ...
        url: The absolute URL the client asked for (``Link`` and ``Location`` are made
            from it, so give the public scheme and host when behind a proxy).
        headers: Header fields; looked up case-insensitively, whatever mapping is given.
        query: The first value of each query parameter.
        body: The request body.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        object.__setattr__(self, "headers", _Headers(self.headers))
        object.__setattr__(self, "query", dict(self.query))

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any spelling), or None when it was not sent."""
        return self.headers.get(name)


@dataclass(frozen=True)
class HttpResponse:
    """What a handler answers: a status, header fields and a body.

    A body that is an iterator of bytes is streamed: the adapter sends each chunk as it
    comes and must keep the unit of work the handler read in open until the iterator
    is exhausted or closed.
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | Iterator[bytes] = b""

    @property
    def media_type(self) -> str | None:
        """The ``Content-Type`` header's value, or None for a response without a body."""
        return self.header("content-type")

    @property
    def streamed(self) -> bool:
        """Whether the body is an iterator of chunks rather than bytes."""
        return not isinstance(self.body, bytes)

    def header(self, name: str) -> str | None:
        """The value of the first header field called ``name`` (any spelling), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Route:
    """One endpoint of a route table, for an adapter to register in its framework.

    Attributes:
        name: A stable name (``"article"``, ``"feed_rss"``), usable for URL reversing.
        method: ``"GET"``, ``"POST"``, ``"PATCH"`` or ``"DELETE"``; a ``GET`` route
            answers ``HEAD`` too (the handler drops the body itself).
        path: The path template, relative to where the table is mounted; each
            ``{name}`` placeholder is one whole path segment, given to the handler
            as a keyword argument (percent-decoded).
        writes: Whether the handler needs a read-write unit of work (committed before
            the response is sent); a read-only one otherwise.
        handler: ``handler(uow, request, **path_params) -> HttpResponse``. It raises
            ``NewsCMSError`` for a refused request (the adapter answers
            ``problem_response(error)`` and rolls the unit of work back); a path
            parameter naming nothing is already answered as a 404.
        query: The query parameters the handler reads (for API documentation).
    """

    name: str
    method: str
    path: str
    writes: bool
    handler: Callable[..., HttpResponse]
    query: tuple[str, ...] = ()

    @property
    def path_params(self) -> tuple[str, ...]:
        """The names of the path's placeholders, in order."""
        return tuple(
            segment[1:-1]
            for segment in self.path.split("/")
            if segment.startswith("{") and segment.endswith("}")
        )


def json_body(data: Any) -> bytes:
    """``data`` as compact UTF-8 JSON (non-ASCII kept as is)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(
    data: Any,
    *,
    status: int = 200,
    headers: tuple[tuple[str, str], ...] = (),
    media_type: str = "application/json",
) -> HttpResponse:
    """A response whose body is ``data`` as JSON."""
    return HttpResponse(status, (("Content-Type", media_type), *headers), json_body(data))
