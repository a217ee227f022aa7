"""A unit of work: one connection, one transaction, and the repositories that use it."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from newscms.store.articles import ArticleRepository
from newscms.store.journal import Journal
from newscms.store.related import RelatedRepository
from newscms.store.relations import RelationRepository
from newscms.store.revisions import RevisionRepository
from newscms.store.search.repository import SearchRepository
from newscms.store.tags import TagRepository
from newscms.store.workflow import WorkflowRepository

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from newscms.domain.workflow import ArticleEvent
    from newscms.store.cursor import CursorCodec
    from newscms.store.store import StoreSettings

__all__ = ["UnitOfWork"]


class UnitOfWork:
    """The repositories of one transaction.

    ``articles`` (content), ``workflow`` (status changes, corrections, scheduling,
    previews), ``revisions`` (history, diff, restore), ``tags``, ``relations``,
    ``search`` (full-text search) and ``related`` (related-article suggestions).
    Each write method runs in a savepoint of its own, so a refused write leaves the
    transaction exactly as it was, even inside a host application's transaction.
    ``actor`` is recorded as the author of every revision saved here.
    """

    def __init__(
        self,
        settings: StoreSettings,
        connection: Connection,
        cursors: CursorCodec,
        *,
        actor: str | None = None,
        host_session: Session | Connection | None = None,
    ) -> None:
        self.settings = settings
        self.connection = connection
        self.cursors = cursors
        self.actor = actor
        self.host_session = host_session
        self.tags = TagRepository(self)
        self.relations = RelationRepository(self)
        self.articles = ArticleRepository(self)
        self.workflow = WorkflowRepository(self)
        self.revisions = RevisionRepository(self)
        self.search = SearchRepository(self)
        self.related = RelatedRepository(self)
        self.journal = Journal(self)
        # Events of this transaction, handed to the store's handlers after it commits.
        self.events: list[ArticleEvent] = []
        # Values every write of this transaction may reuse (tag ids by slug, ...).
        self.cache: dict[Any, Any] = {}

    @property
    def dialect(self) -> str:
        """The backend's name: ``sqlite``, ``postgresql``, ``mysql`` or ``mariadb``."""
        return self.connection.dialect.name

    def now(self) -> datetime:
        """The store clock's current moment (aware, UTC)."""
        return self.settings.now()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Run a block in a savepoint: it all happens or none of it does."""
        queued = len(self.events)
        with self.connection.begin_nested():
            try:
                yield
            except BaseException:
                self.cache.clear()  # cached ids may name rows the rollback removed
                del self.events[queued:]  # a rolled-back write announces nothing
                raise

    @contextmanager
    def retryable_insert(self) -> Iterator[None]:
        """A savepoint around an insert that may lose a race to a concurrent writer.

        SQLite has a single writer and this transaction already holds the lock, so its
        checks cannot be overtaken and the savepoint is skipped there.
        """
        if self.dialect == "sqlite":
            yield
            return
        with self.connection.begin_nested():
            yield
