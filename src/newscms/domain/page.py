"""One page of a keyset-paginated listing."""

from __future__ import annotations

from typing import Generic, TypeVar

from newscms.domain._base import DomainModel

__all__ = ["Page"]

T = TypeVar("T")


class Page(DomainModel, Generic[T]):
    """Items of one page, newest first, and the opaque cursor of the next page.

    ``next_cursor`` is ``None`` on the last page. Pass it back unchanged to get the next
    page; cursors are signed, so an edited one is refused rather than misread.
    """

    items: tuple[T, ...]
    next_cursor: str | None = None
