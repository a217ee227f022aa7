"""Streamed bodies: chunks gathered for the network, and the resources they hold released."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from newscms.http._messages import HttpResponse

__all__ = ["CHUNK_SIZE", "close_body", "gathered", "release_after"]

CHUNK_SIZE = 64 * 1024
"""About how many bytes a streamed body sends at once."""


def gathered(chunks: Iterable[bytes], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The bytes of ``chunks`` in pieces of about ``size`` bytes.

    A sitemap yields one tiny chunk per URL; sent one by one, each would cost a trip
    through the server (and a worker thread) of its own. Closing this closes ``chunks``.
    """
    source = iter(chunks)
    try:
        pending: list[bytes] = []
        held = 0
        for chunk in source:
            if not chunk:
                continue
            pending.append(chunk)
            held += len(chunk)
            if held >= size:
                yield b"".join(pending)
                pending.clear()
                held = 0
        if pending:
            yield b"".join(pending)
    finally:
        close_body(source)


def close_body(body: object) -> None:
    """Close a streamed body (a generator, or anything with ``close``) that will not be read."""
    close = getattr(body, "close", None)
    if callable(close):
        close()


def release_after(response: HttpResponse, release: Callable[[], object]) -> HttpResponse:
    """``response``, with ``release()`` called once its body is sent, or at once if not streamed.

    For an adapter whose framework ends a request before a streamed body is read
    (Flask, Django): give the unit of work's exit as ``release``; it runs when the
    iterator is exhausted, closed, or collected.
    """
    if isinstance(response.body, bytes):
        release()
        return response
    return replace(response, body=_Released(response.body, release))


class _Released:
    """Iterates ``chunks``; calls ``release`` once: at the end, at ``close``, or when collected.

    A class rather than a generator: a generator closed before its first chunk never
    runs its ``finally``.
    """

    def __init__(self, chunks: Iterator[bytes], release: Callable[[], object]) -> None:
        self._chunks = chunks
        self._release: Callable[[], object] | None = release

    def __iter__(self) -> _Released:
        return self

    def __next__(self) -> bytes:
        if self._release is None:
            raise StopIteration
        try:
            return next(self._chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop: close the chunks and release what they held (once)."""
        release, self._release = self._release, None
        if release is not None:
            try:
                close_body(self._chunks)
            finally:
                release()

    def __del__(self) -> None:
        self.close()
