"""A unit of work: one connection, one transaction, and the repositories that use it."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn

from newscms.errors import ReadOnlyError
from newscms.store._errors import is_retryable, retryable_error
from newscms.store._journal import Journal
from newscms.store.articles import ArticleRepository
from newscms.store.legacy_urls import LegacyUrlRepository
from newscms.store.media import MediaRepository
from newscms.store.people import PeopleRepository
from newscms.store.related import RelatedRepository
from newscms.store.relations import RelationRepository
from newscms.store.revisions import RevisionRepository
from newscms.store.search.repository import SearchRepository
from newscms.store.tags import TagRepository
from newscms.store.workflow import WorkflowRepository

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from sqlalchemy import Connection, NestedTransaction
    from sqlalchemy.orm import Session

    from newscms.domain.workflow import ArticleEvent
    from newscms.errors import RetryableError
    from newscms.store._cursor import CursorCodec
    from newscms.store._settings import StoreSettings

__all__ = ["UnitOfWork"]


class UnitOfWork:
    """The repositories of one transaction.

    ``articles`` (content), ``workflow`` (status changes, corrections, scheduling,
    previews), ``revisions`` (history, diff, restore), ``tags``, ``relations``,
    ``search`` (full-text search), ``related`` (related-article suggestions),
    ``legacy_urls`` (the addresses articles had on the site they were migrated from)
    ``media`` (images and other media items) and ``people`` (who bylines credit).
    Each write method runs in a savepoint of its own, so a refused write leaves the
    transaction exactly as it was, even inside a host application's transaction.
    A deadlock or serialization failure is different: the database has ended the
    transaction, so the unit of work fails whole. Every later call raises the same
    ``RetryableError`` and nothing of it commits. ``actor`` is recorded as the author
    of every revision saved here. A ``readonly`` unit refuses every write method with
    ``ReadOnlyError`` before it touches anything.
    """

    def __init__(
        self,
        settings: StoreSettings,
        connection: Connection,
        cursors: CursorCodec,
        *,
        actor: str | None = None,
        host_session: Session | Connection | None = None,
        readonly: bool = False,
    ) -> None:
        self.settings = settings
        self.readonly = readonly
        self._connection = connection
        self.failure: RetryableError | None = None
        self.cursors = cursors
        self.actor = actor
        self.host_session = host_session
        # Events of this transaction, handed to the store's handlers after it commits.
        self.events: list[ArticleEvent] = []
        # Values every write of this transaction may reuse (tag ids by slug, ...).
        self.cache: dict[Any, Any] = {}

    # The repositories are made on first use: most units of work (a page, a feed) use
    # one or two of them, and making all nine cost more than an empty transaction.

    @cached_property
    def tags(self) -> TagRepository:
        """Tags: names per locale, merges, splits, places."""
        return TagRepository(self)

    @cached_property
    def relations(self) -> RelationRepository:
        """Relations between articles (see-also links), pending ones included."""
        return RelationRepository(self)

    @cached_property
    def articles(self) -> ArticleRepository:
        """Articles: reads, listings and the entries into the write path."""
        return ArticleRepository(self)

    @cached_property
    def workflow(self) -> WorkflowRepository:
        """Status changes, corrections, scheduling and previews."""
        return WorkflowRepository(self)

    @cached_property
    def revisions(self) -> RevisionRepository:
        """Article history: revisions, diffs, restores."""
        return RevisionRepository(self)

    @cached_property
    def search(self) -> SearchRepository:
        """Full-text search and its index."""
        return SearchRepository(self)

    @cached_property
    def related(self) -> RelatedRepository:
        """Related-article suggestions."""
        return RelatedRepository(self)

    @cached_property
    def legacy_urls(self) -> LegacyUrlRepository:
        """The addresses articles had on the site they were migrated from."""
        return LegacyUrlRepository(self)

    @cached_property
    def media(self) -> MediaRepository:
        """Media items: images with their texts, credit and renditions."""
        return MediaRepository(self)

    @cached_property
    def people(self) -> PeopleRepository:
        """People credited on articles: profiles, their slugs, merges."""
        return PeopleRepository(self)

    @cached_property
    def journal(self) -> Journal:
        """What every write records beside the row: revisions, events, search documents."""
        return Journal(self, self.search)

    @property
    def connection(self) -> Connection:
        """The transaction's connection; refused once the unit of work has failed."""
        if self.failure is not None:
            raise self.failure
        return self._connection

    @property
    def dialect(self) -> str:
        """The backend's name: ``sqlite``, ``postgresql``, ``mysql`` or ``mariadb``."""
        return self._connection.dialect.name

    def fail(self, error: BaseException) -> RetryableError:
        """Mark the unit of work failed by ``error`` (a retryable conflict) for good."""
        if self.failure is None:
            self.failure = retryable_error(error)
            self.events.clear()
            self.cache.clear()
        return self.failure

    def now(self) -> datetime:
        """The store clock's current moment (aware, UTC)."""
        return self.settings.now()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Run a block in a savepoint: it all happens or none of it does.

        A refusal (bad input, a duplicate, a stale version) rolls the savepoint back
        and leaves the rest of the transaction usable; a retryable conflict fails the
        whole unit of work instead (see the class).
        """
        queued = len(self.events)
        try:
            with self._savepoint():
                yield
        except BaseException:
            self.cache.clear()  # cached ids may name rows the rollback removed
            del self.events[queued:]  # a rolled-back write announces nothing
            raise

    @contextmanager
    def retryable_insert(self) -> Iterator[None]:
        """A savepoint around an insert that may lose a race to a concurrent writer.

        The caller catches the ``IntegrityError`` of a lost race and tries again.
        SQLite has a single writer and this transaction already holds the lock, so its
        checks cannot be overtaken and the savepoint is skipped there.
        """
        if self.dialect == "sqlite":
            yield
            return
        with self._savepoint():
            yield

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        if self.readonly:
            raise ReadOnlyError(
                "this unit of work is read-only (store.session(readonly=True)): "
                "write in store.session() instead"
            )
        savepoint = self.connection.begin_nested()
        try:
            yield
        except BaseException as exc:
            if is_retryable(exc):
                self._raise_failed(exc)
            self._roll_back(savepoint)
            raise
        try:
            savepoint.commit()
        except Exception as error:
            if is_retryable(error):
                self._raise_failed(error)
            raise

    def _raise_failed(self, error: BaseException) -> NoReturn:
        """Fail the unit of work whole: the database has ended its transaction.

        Its savepoints are gone with it (or, on PostgreSQL, useless), so none is rolled
        back; the whole transaction is, when the unit of work ends.
        """
        failure = self.fail(error)
        if failure is error:
            raise failure
        raise failure from error

    def _roll_back(self, savepoint: NestedTransaction) -> None:
        """Undo a savepoint; if the database already ended the transaction, fail whole."""
        try:
            savepoint.rollback()
        except Exception as rollback_error:
            # InnoDB rolls back the whole transaction on a deadlock, taking the savepoint
            # with it (1305 SAVEPOINT does not exist): nothing of this unit survives.
            self._raise_failed(rollback_error)
