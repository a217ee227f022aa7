"""``AsyncStore``: the async face of the store, over the very same repository code.

The repositories are written once, as synchronous code. The async face runs them on an
asyncio engine through SQLAlchemy's greenlet bridge (the mechanism behind
``AsyncConnection.run_sync`` and ``AsyncSession``): each call runs the sync method in a
greenlet, and every time the driver waits for the database the greenlet hands the
await to the event loop. Nothing is written twice: an ``AsyncStore`` holds a ``Store``
on ``async_engine.sync_engine``, so settings, cursor signing, the schema check, the
event bus, units of work that fail whole and ``run``'s retries are the sync ones.

::

    astore = AsyncStore("sqlite+aiosqlite:///news.db")  # or an AsyncEngine
    await astore.migrate()
    async with astore.session() as uow:
        article = await uow.articles.create(ArticleDraft(locale="en", headline="Hello"))
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeAlias, TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.util import await_only, greenlet_spawn

from newscms.domain.workflow import ArticleEvent
from newscms.errors import ValidationError
from newscms.store._async.repositories import (
    AsyncArticleRepository,
    AsyncLegacyUrlRepository,
    AsyncMediaRepository,
    AsyncPeopleRepository,
    AsyncRelatedRepository,
    AsyncRelationRepository,
    AsyncRevisionRepository,
    AsyncSearchRepository,
    AsyncTagRepository,
    AsyncWorkflowRepository,
)
from newscms.store._settings import Clock, Slugifier, default_slugifier, utc_now
from newscms.store.engine import create_async_engine, prepare_async_engine
from newscms.store.search.rebuild import reindex
from newscms.store.search.repository import REINDEX_BATCH
from newscms.store.store import DEFAULT_DATABASE_URL, Store
from newscms.store.tables import DEFAULT_PREFIX

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Generator, Mapping, Sequence
    from datetime import datetime, timedelta
    from types import TracebackType

    from sqlalchemy import MetaData

    from newscms.domain.article import Article
    from newscms.domain.workflow import EventKind
    from newscms.errors import RetryableError
    from newscms.store._settings import StoreSettings
    from newscms.store.events import DrainResult, EventBus
    from newscms.store.maintenance import Optimized
    from newscms.store.migrations import SchemaStatus
    from newscms.store.replicas import ReplicaPolicy
    from newscms.store.search.repository import Progress
    from newscms.store.store import HostUnitOfWork
    from newscms.store.tables import Tables
    from newscms.store.unit import UnitOfWork

__all__ = [
    "AsyncArticleRepository",
    "AsyncEventHandler",
    "AsyncLegacyUrlRepository",
    "AsyncMediaRepository",
    "AsyncPeopleRepository",
    "AsyncRelatedRepository",
    "AsyncRelationRepository",
    "AsyncRevisionRepository",
    "AsyncSearchRepository",
    "AsyncStore",
    "AsyncTagRepository",
    "AsyncUnitOfWork",
    "AsyncWorkflowRepository",
    "create_async_engine",
]

P = ParamSpec("P")
T = TypeVar("T")

AsyncEventHandler: TypeAlias = Callable[[ArticleEvent], Awaitable[None] | None]
"""An event handler of the async face: a plain function or a coroutine function."""


class AsyncUnitOfWork:
    """The repositories of one transaction, as coroutines.

    ``articles``, ``workflow``, ``revisions``, ``tags``, ``relations``, ``search``,
    ``related``, ``legacy_urls``, ``media`` and ``people`` have the methods of the sync
    repositories with the same parameters and results, each to be awaited. Calls run
    one at a time on the transaction's connection (``asyncio.gather`` over one unit of
    work queues them). A unit of work fails whole exactly as the sync one does: see
    ``newscms.store.UnitOfWork``.
    """

    def __init__(self, unit: UnitOfWork) -> None:
        self.sync = unit
        self._turn = asyncio.Lock()
        self.articles = AsyncArticleRepository(self, unit.articles)
        self.tags = AsyncTagRepository(self, unit.tags)
        self.relations = AsyncRelationRepository(self, unit.relations)
        self.workflow = AsyncWorkflowRepository(self, unit.workflow)
        self.revisions = AsyncRevisionRepository(self, unit.revisions)
        self.search = AsyncSearchRepository(self, unit.search)
        self.related = AsyncRelatedRepository(self, unit.related)
        self.legacy_urls = AsyncLegacyUrlRepository(self, unit.legacy_urls)
        self.media = AsyncMediaRepository(self, unit.media)
        self.people = AsyncPeopleRepository(self, unit.people)

    @property
    def actor(self) -> str | None:
        """Who saves in this unit of work (recorded on revisions)."""
        return self.sync.actor

    @property
    def failure(self) -> RetryableError | None:
        """The conflict that failed this unit of work whole, if one did."""
        return self.sync.failure

    def now(self) -> datetime:
        """The store clock's current moment (aware, UTC)."""
        return self.sync.now()

    async def run_sync(
        self,
        function: Callable[Concatenate[UnitOfWork, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Await ``function(sync_uow, *args, **kwargs)``: sync newscms code in this transaction.

        Several repository calls in one ``run_sync`` cost one trip through the bridge.
        """
        return await self.call(function, self.sync, *args, **kwargs)

    async def call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Await ``function(*args, **kwargs)`` run in the greenlet bridge, after earlier calls."""
        async with self._turn:
            return await greenlet_spawn(functools.partial(function, *args, **kwargs))


def _async_replica(replica: object) -> AsyncEngine:
    """A replica's async engine (a URL made into one), refusing anything else."""
    if isinstance(replica, AsyncEngine):
        return prepare_async_engine(replica)
    if isinstance(replica, str):
        return create_async_engine(replica)
    raise ValidationError(
        f"expected an AsyncEngine or a database URL, got {type(replica).__name__}",
        field="replicas",
    )


class _BridgedStore(Store):
    """The sync ``Store`` the async face runs, always inside the greenlet bridge."""

    def _pause(self, seconds: float) -> None:
        # Between two attempts of ``run``: wait on the event loop, never block its thread.
        await_only(asyncio.sleep(seconds))


class AsyncStore:
    """Stored news content on one database, for asyncio code.

    Takes the settings of ``newscms.Store`` (see there). ``bind`` is an ``AsyncEngine``
    or a URL; plain and blocking URLs get newscms's async drivers (``sqlite:///x.db``
    runs on aiosqlite, ``postgresql://`` on psycopg 3, ``mysql://``/``mariadb://`` on
    aiomysql). Create one per database when the app starts and share it within its
    event loop.

    Raises:
        ValidationError: ``bind`` is a sync ``Engine`` (use ``Store``) or no URL.
        MissingDependencyError: the ``async`` extra is not installed.
    """

    def __init__(
        self,
        bind: AsyncEngine | str = DEFAULT_DATABASE_URL,
        *,
        prefix: str = DEFAULT_PREFIX,
        schema: str | None = None,
        clock: Clock = utc_now,
        slugifier: Slugifier = default_slugifier,
        default_locale: str = "en",
        locale_fallbacks: Mapping[str, Sequence[str]] | None = None,
        cursor_secret: bytes | str | None = None,
        check_schema: bool = True,
        outbox: bool = True,
        replicas: Sequence[AsyncEngine | str] = (),
        replica_policy: ReplicaPolicy | None = None,
    ) -> None:
        if isinstance(bind, AsyncEngine):
            engine = prepare_async_engine(bind)
        elif isinstance(bind, str):
            engine = create_async_engine(bind)
        else:
            hint = ": use newscms.Store for a sync Engine" if isinstance(bind, Engine) else ""
            raise ValidationError(
                f"expected an AsyncEngine or a database URL, got {type(bind).__name__}{hint}",
                field="bind",
            )
        self.engine = engine
        if isinstance(replicas, str) or not isinstance(replicas, list | tuple):
            raise ValidationError("expected a list of replica engines or URLs", field="replicas")
        self.replicas: tuple[AsyncEngine, ...] = tuple(map(_async_replica, replicas))
        self._store = _BridgedStore(
            engine.sync_engine,
            prefix=prefix,
            schema=schema,
            clock=clock,
            slugifier=slugifier,
            default_locale=default_locale,
            locale_fallbacks=locale_fallbacks,
            cursor_secret=cursor_secret,
            check_schema=check_schema,
            outbox=outbox,
            replicas=[replica.sync_engine for replica in self.replicas],
            replica_policy=replica_policy,
        )

    @property
    def consistency_token(self) -> str | None:
        """The token of the last write unit of work committed in this task (see ``Store``)."""
        return self._store.consistency_token

    @property
    def settings(self) -> StoreSettings:
        """The store's tables, clock, slugifier and default locale."""
        return self._store.settings

    @property
    def tables(self) -> Tables:
        """The newscms tables of this store (for joins from a host's own queries)."""
        return self._store.tables

    @property
    def metadata(self) -> MetaData:
        """The ``MetaData`` holding only newscms tables (never merge it into yours)."""
        return self._store.metadata

    @property
    def event_bus(self) -> EventBus:
        """The after-commit handlers (``failures`` counts the ones that raised)."""
        return self._store.event_bus

    def __repr__(self) -> str:
        return f"AsyncStore({self.engine.url.render_as_string(hide_password=True)!r})"

    # -- schema -------------------------------------------------------------------

    async def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the newscms tables to ``revision`` (default: the newest)."""
        await greenlet_spawn(self._store.migrate, revision)

    async def schema_status(self) -> SchemaStatus:
        """The schema revision in the database and the one this newscms needs."""
        return await greenlet_spawn(self._store.schema_status)

    async def optimize(self) -> Optimized:
        """Refresh the planner's statistics and compact the text index: ``Store.optimize``."""
        return await greenlet_spawn(self._store.optimize)

    # -- units of work ------------------------------------------------------------

    @asynccontextmanager
    async def session(
        self, *, readonly: bool = False, actor: str | None = None, after: str | None = None
    ) -> AsyncIterator[AsyncUnitOfWork]:
        """One transaction: committed when the block ends, rolled back if it raises.

        As ``Store.session`` (replicas and ``after`` too); a task cancelled inside the
        block rolls back and gives its connection back to the pool. Event handlers run
        after the commit.
        """
        opened = self._store.session(readonly=readonly, actor=actor, after=after)
        unit = await greenlet_spawn(opened.__enter__)
        try:
            yield AsyncUnitOfWork(unit)
        except BaseException as error:
            if not await greenlet_spawn(opened.__exit__, type(error), error, error.__traceback__):
                raise
        else:
            await greenlet_spawn(opened.__exit__, None, None, None)

    async def run(
        self,
        work: Callable[[UnitOfWork], T],
        *,
        retries: int = 3,
        actor: str | None = None,
        readonly: bool = False,
    ) -> T:
        """Run sync ``work(uow)`` in a unit of work, again after a conflict: ``Store.run``.

        ``work`` gets the sync unit of work (its calls are not awaited) and runs in the
        bridge; the pause between attempts waits on the event loop.

        Raises:
            RetryableError: the last attempt still lost to a concurrent transaction.
        """
        return await greenlet_spawn(
            self._store.run, work, retries=retries, actor=actor, readonly=readonly
        )

    def using(
        self,
        session: AsyncSession | AsyncConnection,
        *,
        write: bool = False,
        actor: str | None = None,
    ) -> HostUnit:
        """A unit of work inside a host's own ``AsyncSession`` (or ``AsyncConnection``).

        ``uow = await astore.using(session)``, or ``async with astore.using(session) as
        uow:`` to have the host's own statements' errors translated too; see
        ``Store.using`` (``write=True`` included).
        """
        return HostUnit(self._store, session, write=write, actor=actor)

    # -- events and scheduled work ---------------------------------------------------

    def subscribe(
        self,
        handler: AsyncEventHandler,
        *,
        kinds: Sequence[EventKind | str] | None = None,
    ) -> None:
        """Call ``handler(event)`` after each commit, awaiting it if it is a coroutine.

        As ``Store.subscribe``: a handler that raises is logged and counted, the others
        still run, and nothing runs after a rollback. The unit of work's ``async with``
        ends once its handlers have run.
        """
        if not callable(handler):
            raise ValidationError("must be callable", field="handler")
        self._store.subscribe(_awaiting(handler), kinds=kinds)

    async def drain_events(self, deliver: AsyncEventHandler, *, limit: int = 1000) -> DrainResult:
        """Deliver undelivered outbox events to ``deliver`` (awaited if async), in order."""
        if not callable(deliver):
            raise ValidationError("must be callable", field="deliver")
        return await greenlet_spawn(self._store.drain_events, _awaiting(deliver), limit=limit)

    async def prune_events(self, *, older_than: timedelta) -> int:
        """Delete outbox events delivered more than ``older_than`` ago; returns how many."""
        return await greenlet_spawn(self._store.prune_events, older_than=older_than)

    async def publish_due(self, *, actor: str | None = None) -> tuple[Article, ...]:
        """Record the publication of every scheduled article whose time has come."""
        return await greenlet_spawn(self._store.publish_due, actor=actor)

    async def reindex(
        self,
        *,
        locale: str | None = None,
        batch_size: int = REINDEX_BATCH,
        progress: Progress | None = None,
    ) -> int:
        """Rebuild the search index, one transaction per batch: ``newscms.store.search.reindex``."""
        return await greenlet_spawn(
            reindex, self._store, locale=locale, batch_size=batch_size, progress=progress
        )

    async def resolve_legacy(self, url: str) -> Article:
        """The public article a legacy URL names: ``Store.resolve_legacy``.

        Raises:
            NotFoundError: no article has the URL, or readers may not see it.
            ValidationError: ``url`` is not a legacy URL.
        """
        return await greenlet_spawn(self._store.resolve_legacy, url)

    async def dispose(self) -> None:
        """Close every pooled connection, the replicas' too (the engines stay usable)."""
        await self.engine.dispose()
        for replica in self.replicas:
            await replica.dispose()


class HostUnit:
    """``astore.using(session)``: await it for the unit of work, or use it with ``async with``.

    With ``async with``, SQLAlchemy and driver errors the host's own statements raise
    in the block leave it as newscms errors (see ``newscms.store.HostUnitOfWork``).
    """

    def __init__(
        self,
        store: Store,
        session: AsyncSession | AsyncConnection,
        *,
        write: bool,
        actor: str | None,
    ) -> None:
        self._store = store
        self._session = session
        self._write = write
        self._actor = actor
        self._unit: HostUnitOfWork | None = None

    def __await__(self) -> Generator[Any, None, AsyncUnitOfWork]:
        return self._open().__await__()

    async def _open(self) -> AsyncUnitOfWork:
        session = self._session
        if isinstance(session, AsyncSession):
            host: Any = session.sync_session
        elif isinstance(session, AsyncConnection):
            host = session.sync_connection
        else:
            raise ValidationError(
                "expected a SQLAlchemy AsyncSession or AsyncConnection, "
                f"got {type(session).__name__}",
                field="session",
            )
        unit = await greenlet_spawn(self._store.using, host, write=self._write, actor=self._actor)
        self._unit = unit
        return AsyncUnitOfWork(unit)

    async def __aenter__(self) -> AsyncUnitOfWork:
        return await self._open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._unit is not None
        await greenlet_spawn(self._unit.__exit__, exc_type, error, traceback)


def _awaiting(handler: AsyncEventHandler) -> Callable[[ArticleEvent], None]:
    """``handler`` as the sync event bus calls it: inside the bridge, a coroutine awaited."""

    @functools.wraps(handler)
    def call(event: ArticleEvent) -> None:
        result = handler(event)
        if inspect.isawaitable(result):
            await_only(result)

    return call
