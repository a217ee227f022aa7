"""What the store's internals may use of a unit of work: its state, not its repositories.

Repositories and the modules below them are typed against ``UnitState`` (and the
write path against ``Work``), never against ``UnitOfWork`` itself: the unit of work
builds the repositories, so naming it from them would make the store one import knot.
``UnitOfWork`` satisfies both protocols.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from datetime import datetime

    from sqlalchemy import Connection

    from newscms.domain.workflow import ArticleEvent
    from newscms.store._cursor import CursorCodec
    from newscms.store._settings import StoreSettings

__all__ = ["UnitState"]


class UnitState(Protocol):
    """One transaction's connection, settings, clock, caches and queued events."""

    @property
    def settings(self) -> StoreSettings:
        """The store's tables, clock and slugifier."""

    @property
    def connection(self) -> Connection:
        """The transaction's connection (refused once the unit of work has failed)."""

    @property
    def dialect(self) -> str:
        """The backend's name."""

    @property
    def cursors(self) -> CursorCodec:
        """The codec signing pagination cursors."""

    @property
    def actor(self) -> str | None:
        """Who saves in this unit of work (recorded on revisions)."""

    @property
    def events(self) -> list[ArticleEvent]:
        """Events queued for the after-commit handlers."""

    @property
    def cache(self) -> dict[Any, Any]:
        """Values writes of this transaction may reuse; cleared when a savepoint rolls back."""

    def now(self) -> datetime:
        """The store clock's current moment (aware, UTC)."""

    def atomic(self) -> AbstractContextManager[None]:
        """A savepoint: the block happens whole or not at all."""

    def retryable_insert(self) -> AbstractContextManager[None]:
        """A savepoint around an insert that may lose a race to a concurrent writer."""
