"""``Store``: the entry point to stored news content.

A ``Store`` wraps an engine (yours, or one made from a URL), knows its tables (prefix
and schema) and the callables injected into it (clock, slugifier). Work happens in a
unit of work: ``with store.session() as uow:`` is one transaction of newscms's own, and
``store.using(session)`` joins a host application's SQLAlchemy ``Session`` so the host's
transaction covers its tables and newscms's together.

With ``replicas``, read-only units of work run on PostgreSQL streaming replicas and
the rest on the primary, with read-your-writes through consistency tokens
(``newscms.store.replicas``; the guarantees are stated in docs/scaling.md).
"""

from __future__ import annotations

import random
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import TYPE_CHECKING, Self, TypeVar

from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from newscms.errors import RetryableError, SchemaError, UnavailableError, ValidationError
from newscms.store import migrations
from newscms.store._base import as_flag
from newscms.store._cursor import CursorCodec
from newscms.store._errors import is_retryable, translate_errors
from newscms.store._replicas import ReplicaSet, commit_position
from newscms.store._settings import Clock, Slugifier, StoreSettings, default_slugifier, utc_now
from newscms.store.engine import (
    create_engine,
    prepare_engine,
    reads_committed,
    reads_statement_by_statement,
)
from newscms.store.events import (
    DrainResult,
    EventBus,
    EventHandler,
    drain_events,
    drain_lock,
    prune_events,
)
from newscms.store.maintenance import Optimized, optimize
from newscms.store.replicas import ReplicaPolicy, lsn_value
from newscms.store.tables import DEFAULT_PREFIX, Tables, build_tables
from newscms.store.unit import UnitOfWork
from newscms.utils.locales import LocaleFallback
from newscms.utils.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from types import TracebackType

    from sqlalchemy import MetaData, RootTransaction

    from newscms.domain.article import Article
    from newscms.domain.workflow import EventKind
    from newscms.store.migrations import SchemaStatus

__all__ = [
    "DEFAULT_DATABASE_URL",
    "Clock",
    "HostUnitOfWork",
    "Slugifier",
    "Store",
    "StoreSettings",
    "utc_now",
]

DEFAULT_DATABASE_URL = "sqlite:///newscms.db"

T = TypeVar("T")


class Store:
    """Stored news content on one database.

    Args:
        bind: an ``Engine`` or a database URL (default ``sqlite:///newscms.db``).
        prefix: prefix of every newscms table name, so they sit beside a host's tables.
        schema: database schema holding the tables (PostgreSQL), or ``None``.
        clock: returns "now"; scheduled publishing and timestamps read it.
        slugifier: turns (headline, locale) into a slug.
        default_locale: the site's main locale, the last step of every fallback chain.
        locale_fallbacks: more steps of the chains reads fall back along when a value is
            missing in the locale asked for (``{"it": ["en"], "zh-Hant": ["zh-Hans"]}``);
            see ``newscms.utils.locales.LocaleFallback``. Without it, a locale falls back
            to its own subtags (``zh-Hant-TW`` -> ``zh-Hant`` -> ``zh``), then the default.
        cursor_secret: key signing pagination cursors; by default a random key stored
            in the database at migration time, shared by every worker of the site.
        check_schema: refuse to work (with the command to run) while the schema is behind.
        outbox: also write every event to the durable outbox table (``drain_events``);
            turn off only when nothing drains it.
        replicas: PostgreSQL streaming replicas of ``bind`` (engines or URLs): read-only
            units of work run on them, with read-your-writes (see ``session``).
        replica_policy: how far a replica may lag, how long a read waits for one to
            replay its token, when a failed replica is tried again.
    """

    def __init__(
        self,
        bind: Engine | str = DEFAULT_DATABASE_URL,
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
        replicas: Sequence[Engine | str] = (),
        replica_policy: ReplicaPolicy | None = None,
    ) -> None:
        if not isinstance(bind, Engine | str):
            hint = (
                ": use newscms.store.asyncio.AsyncStore for an AsyncEngine"
                if hasattr(bind, "sync_engine")
                else ""
            )
            raise ValidationError(
                f"expected an Engine or a database URL, got {type(bind).__name__}{hint}",
                field="bind",
            )
        self.engine = prepare_engine(bind) if isinstance(bind, Engine) else create_engine(bind)
        self._replicas = ReplicaSet(
            _replica_engines(self.engine, replicas), _policy(replica_policy), sleep=self._pause
        )
        # Per thread and per asyncio task: the WAL position of the last write unit of
        # work committed there (a store is shared by every thread of a web server).
        self._token: ContextVar[str | None] = ContextVar("newscms_consistency", default=None)
        self.settings = StoreSettings(
            tables=build_tables(prefix, schema),
            clock=clock,
            slugifier=slugifier,
            locales=LocaleFallback.of(default_locale, locale_fallbacks),
            outbox=bool(outbox),
        )
        self.event_bus = EventBus()
        if isinstance(cursor_secret, str):
            cursor_secret = cursor_secret.encode("utf-8")
        if cursor_secret is not None and len(cursor_secret) < 16:
            raise ValidationError("must be at least 16 bytes long", field="cursor_secret")
        self._cursor_secret = cursor_secret
        self._cursor_codec: CursorCodec | None = None
        self._check_schema = check_schema
        self._schema_checked = False
        self._lock = threading.Lock()

    @property
    def tables(self) -> Tables:
        """The newscms tables of this store (for joins from a host's own queries)."""
        return self.settings.tables

    @property
    def replicas(self) -> tuple[Engine, ...]:
        """The engines of the read replicas, in the order given (empty without any)."""
        return self._replicas.engines

    @property
    def replica_policy(self) -> ReplicaPolicy:
        """The lag bound, wait and retry interval the replica routing follows."""
        return self._replicas.policy

    @property
    def consistency_token(self) -> str | None:
        """The token of the last write unit of work committed in this thread or task.

        A WAL position in PostgreSQL's text form (``"0/16B3748"``), or ``None`` when
        nothing was written here yet or the store has no replicas. A read presenting it
        (``store.session(readonly=True, after=token)``, here or in another process; the
        web adapters' cookie) sees this write and everything committed before it.
        """
        return self._token.get()

    @property
    def metadata(self) -> MetaData:
        """The ``MetaData`` holding only newscms tables (never merge it into yours)."""
        return self.settings.tables.metadata

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    # -- schema -------------------------------------------------------------------

    def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the newscms tables to ``revision`` (default: the newest)."""
        migrations.migrate(self.engine, self.tables, revision)
        self._schema_checked = False

    def schema_status(self) -> SchemaStatus:
        """The schema revision in the database and the one this newscms needs."""
        with translate_errors(), self.engine.connect() as connection:
            return migrations.schema_status(connection, self.tables)

    def _ensure_ready(self, connection: Connection) -> None:
        if self._schema_checked:
            return
        # The queries run outside the lock: under the async face they yield to the event
        # loop, and a second unit of work starting meanwhile must not block its thread.
        # Both read the same rows, so doing it twice at first use is harmless.
        if self._check_schema:
            migrations.schema_status(connection, self.tables).require_current()
        secret = None
        if self._cursor_codec is None:
            secret = self._cursor_secret or self._stored_secret(connection)
        with self._lock:
            if self._cursor_codec is None and secret is not None:
                self._cursor_codec = CursorCodec(secret)
            self._schema_checked = True

    def _stored_secret(self, connection: Connection) -> bytes:
        meta = self.tables.meta
        value = connection.scalar(select(meta.c.value).where(meta.c.key == "cursor_secret"))
        if value is None:
            raise SchemaError("the newscms meta table has no cursor secret; run `newscms migrate`")
        return bytes.fromhex(value)

    @property
    def cursors(self) -> CursorCodec:
        """The codec signing this store's pagination cursors."""
        if self._cursor_codec is None:
            with translate_errors(), self.engine.connect() as connection:
                self._ensure_ready(connection)
        assert self._cursor_codec is not None
        return self._cursor_codec

    # -- units of work ------------------------------------------------------------

    @contextmanager
    def session(
        self, *, readonly: bool = False, actor: str | None = None, after: str | None = None
    ) -> Iterator[UnitOfWork]:
        """One transaction: committed when the block ends, rolled back if it raises.

        ``readonly`` lets SQLite readers run beside a writer instead of queueing, and
        sends the unit to a replica when the store has some: with ``after`` (a
        consistency token), one that has replayed it, else the primary after at most
        ``replica_policy.wait``. A read-write unit runs on the primary and, when it
        commits, sets ``consistency_token``. ``actor`` (a user name) is recorded on every
        revision saved in it. Event handlers run after the commit, never after a rollback.

        Raises:
            UnavailableError: the primary cannot be reached and the unit needs it (a
                write, or a read whose token no replica has replayed).
            ValidationError: ``after`` is not a consistency token.
        """
        actor = _actor(actor)
        position = lsn_value(after) if after is not None else None
        with translate_errors():
            plain, transaction = self._begin(readonly=readonly, after=position)
            try:
                with plain:
                    with transaction:
                        self._ensure_ready(plain)
                        uow = UnitOfWork(
                            self.settings, plain, self.cursors, actor=actor, readonly=readonly
                        )
                        yield uow
                        if uow.failure is not None:
                            # The block caught the conflict and went on: nothing commits.
                            raise uow.failure
                    if not readonly and self._replicas:
                        self._token.set(commit_position(plain))
            except DBAPIError as error:
                if error.connection_invalidated and plain.engine is not self.engine:
                    self._replicas.failed(plain.engine)  # the replica went away mid-read
                raise
        self.event_bus.dispatch(uow.events)

    def _begin(self, *, readonly: bool, after: int | None) -> tuple[Connection, RootTransaction]:
        """A begun transaction where this unit of work belongs: a replica, or the primary."""
        options = _transaction_options(
            self.engine.dialect.name,
            write=not readonly,
            committed=reads_committed(self.engine),
            unbracketed=readonly and reads_statement_by_statement(self.engine),
        )
        if readonly and self._replicas:
            opened = self._replicas.begin(options, after)
            if opened is not None:
                return opened
        try:
            plain = self.engine.connect()
        except DBAPIError as error:
            if not isinstance(error, OperationalError) or self.engine.dialect.name == "sqlite":
                raise  # SQLite's are about a file, not a server to wait for
            raise UnavailableError(
                "the primary database cannot be reached "
                f"({str(error.orig or error).strip().splitlines()[0]}); nothing can be "
                "written until it is back"
                + (", reads go on on the replicas" if self._replicas else "")
            ) from error
        connection = plain.execution_options(**options)
        return connection, connection.begin()

    def run(
        self,
        work: Callable[[UnitOfWork], T],
        *,
        retries: int = 3,
        actor: str | None = None,
        readonly: bool = False,
    ) -> T:
        """Run ``work(uow)`` in a unit of work, running it whole again after a conflict.

        A deadlock, serialization failure or lock timeout (``RetryableError``) rolls
        the unit back; ``work`` is then called again in a fresh one, up to ``retries``
        more times, after a short randomized pause. ``work`` must therefore do nothing
        outside the database it cannot repeat. Other errors propagate at once.

        Raises:
            RetryableError: the last attempt still lost to a concurrent transaction.
        """
        if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 100:
            raise ValidationError("must be an integer from 0 to 100", field="retries")
        for attempt in range(retries + 1):
            try:
                with self.session(actor=actor, readonly=readonly) as uow:
                    return work(uow)
            except RetryableError:
                if attempt == retries:
                    raise
                # Back off a little, at random, so the writers that collided spread out.
                self._pause(random.uniform(0, 0.02 * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, seconds: float) -> None:
        """Wait between two attempts of ``run`` (the async face waits without blocking)."""
        time.sleep(seconds)

    def using(
        self, session: Session | Connection, *, write: bool = False, actor: str | None = None
    ) -> HostUnitOfWork:
        """A unit of work inside a host's own ``Session`` (or ``Connection``) transaction.

        newscms writes through the session's connection and never commits: the host
        does, for its tables and newscms's at once. With a ``Session``, event handlers
        run after the host commits (and never after a rollback); with a bare
        ``Connection`` newscms cannot see the commit, so use the outbox (``drain_events``).

        ``write=True`` begins the transaction as newscms begins its own write units,
        before the session's first statement: on SQLite it takes the write lock up front
        (``BEGIN IMMEDIATE``), so concurrent requests queue instead of failing with
        "database is locked" when a read is followed by a write; on MariaDB/MySQL the
        transaction runs at READ COMMITTED (the host's statements in it too). Used as a
        context manager (``with store.using(...) as uow:``), the unit of work also
        translates the errors the host's own statements raise in the block (its flush,
        its commit) into newscms errors.

        Raises:
            ValidationError: not a ``Session``/``Connection``, or ``write=True`` after
                the session's transaction already ran a statement.
        """
        actor = _actor(actor)
        write = as_flag(write, "write")
        if not isinstance(session, Session | Connection):
            raise ValidationError(
                f"expected a SQLAlchemy Session or Connection, got {type(session).__name__}",
                field="session",
            )
        with translate_errors():
            connection = _host_connection(session, write=write)
            self._ensure_ready(connection)
            uow = HostUnitOfWork(
                self.settings, connection, self.cursors, actor=actor, host_session=session
            )
        if isinstance(session, Session):
            self._dispatch_after_commit(session, uow)
        return uow

    def _dispatch_after_commit(self, session: Session, uow: UnitOfWork) -> None:
        def before_commit(_session: Session) -> None:
            # The database ended the transaction under a deadlock; a commit now would
            # store only what the host wrote after it.
            if uow.failure is not None:
                raise uow.failure

        def committed(_session: Session) -> None:
            events, uow.events[:] = list(uow.events), []
            self.event_bus.dispatch(events)

        def rolled_back(_session: Session) -> None:
            uow.events.clear()

        event.listen(session, "before_commit", before_commit)
        event.listen(session, "after_commit", committed, once=True)
        event.listen(session, "after_rollback", rolled_back, once=True)

    # -- events and scheduled work ---------------------------------------------------

    def subscribe(
        self, handler: EventHandler, *, kinds: Sequence[EventKind | str] | None = None
    ) -> None:
        """Call ``handler(event)`` after each commit, for every event or only ``kinds``.

        A handler that raises is logged (logger ``newscms.events``) and counted in
        ``store.event_bus.failures``; the other handlers still run and no data is touched.
        """
        self.event_bus.subscribe(handler, kinds=kinds)

    def drain_events(self, deliver: EventHandler, *, limit: int = 1000) -> DrainResult:
        """Deliver undelivered outbox events to ``deliver`` in order (at least once)."""
        with translate_errors(), drain_lock(self.engine), self.session() as uow:
            return drain_events(uow, deliver, limit=limit)

    def prune_events(self, *, older_than: timedelta) -> int:
        """Delete outbox events delivered more than ``older_than`` ago; returns how many."""
        if not isinstance(older_than, timedelta) or older_than < timedelta(0):
            raise ValidationError("must be a non-negative timedelta", field="older_than")
        with self.session() as uow:
            try:
                cutoff = uow.now() - older_than
            except OverflowError:
                return 0  # before the year 1: nothing was delivered that long ago
            return prune_events(uow, delivered_before=cutoff)

    def publish_due(self, *, actor: str | None = None) -> tuple[Article, ...]:
        """Record the publication of every scheduled article whose time has come.

        Reads already show such articles as published; this writes the transition,
        its revision and its ``published`` event. Idempotent and safe to run from
        several workers at once.
        """
        with self.session(actor=actor) as uow:
            return uow.workflow.publish_due()

    def optimize(self) -> Optimized:
        """Refresh the planner's statistics and compact the text index, after large writes.

        Run it after a bulk import or migration (``newscms optimize``); it touches only
        newscms's tables, on the primary. See ``store/maintenance.py`` for what each
        backend does.
        """
        with translate_errors():
            return optimize(self.engine, self.settings.tables)

    # -- reads ---------------------------------------------------------------------

    def resolve_legacy(self, url: str) -> Article:
        """The public article a legacy URL names: what a request for the old site finds.

        The URL is matched on its path and query (see ``newscms.utils.legacy_urls``),
        so ``http://old.example/news-en/x.html`` and ``/news-en/x.html`` are one. Its
        new address is ``site.url_for(article)``.

        Raises:
            NotFoundError: no article has the URL, or readers may not see it (a draft,
                an archived or a not yet due scheduled article).
            ValidationError: ``url`` is not a legacy URL.
        """
        with self.session(readonly=True) as uow:
            return uow.legacy_urls.article(url, public=True)

    def dispose(self) -> None:
        """Close every pooled connection, the replicas' too (the engines stay usable)."""
        self.engine.dispose()
        for replica in self._replicas.engines:
            replica.dispose()


class HostUnitOfWork(UnitOfWork):
    """A unit of work inside a host application's transaction (``store.using``).

    Its repositories work as in any unit of work. As a context manager it also covers
    the host's own statements in the block: every SQLAlchemy or driver error raised
    there (the host's flush hitting a busy SQLite database, a unique key of the host's
    table) leaves the block as the matching newscms error, a lost race as a
    ``RetryableError`` that also keeps the host's commit from storing half of the work.
    It never commits or rolls back: the host does.
    """

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is None:
            if self.failure is not None:
                # The block caught the conflict and went on: nothing of it may commit.
                raise self.failure
            return
        if isinstance(error, SQLAlchemyError):
            if is_retryable(error):
                self.fail(error)
            with translate_errors():
                raise error


def _transaction_options(
    dialect: str, *, write: bool, committed: bool = False, unbracketed: bool = False
) -> dict[str, str]:
    """Execution options of a connection before newscms begins its transaction.

    SQLite: a writer takes the write lock at once (the engine's begin hook reads the
    mode). MariaDB/MySQL: InnoDB's default REPEATABLE READ hides rows a concurrent
    writer committed (the tag or slug it just won a race for); newscms relies on READ
    COMMITTED, PostgreSQL's default, to see them. ``committed`` says the engine's
    connections are already set to it (``create_engine`` does so when they connect),
    which spares two round trips per transaction. ``unbracketed`` (a read-only unit at
    PostgreSQL's READ COMMITTED) runs each statement on its own: the same snapshots,
    without the ``BEGIN`` and ``COMMIT`` round trips (``reads_statement_by_statement``).
    """
    options = {"newscms_sqlite_begin": "IMMEDIATE" if write else "DEFERRED"}
    if unbracketed:
        options["isolation_level"] = "AUTOCOMMIT"
    elif dialect in ("mysql", "mariadb") and not committed:
        options["isolation_level"] = "READ COMMITTED"
    return options


def _host_connection(session: Session | Connection, *, write: bool) -> Connection:
    """The connection of a host's transaction, begun for writing when ``write`` asks so."""
    if not write:
        return session.connection() if isinstance(session, Session) else session
    if isinstance(session, Connection):
        if session.in_transaction():
            raise _begun_too_early()
        # Sets the mode of this connection's transactions from now on, newscms's and
        # the host's alike: the caller asked for a connection that writes.
        return session.execution_options(**_transaction_options(session.dialect.name, write=True))
    if _has_connection(session):
        raise _begun_too_early()
    options = _transaction_options(session.get_bind().dialect.name, write=True)
    return session.connection(execution_options=options)


def _has_connection(session: Session) -> bool:
    """Whether the session's transaction already holds a connection (has begun on it)."""
    transaction = session.get_transaction()
    if transaction is None:
        return False
    held = getattr(transaction, "connections", None)  # public since SQLAlchemy 2.1.7
    if held is None:  # pragma: no cover - earlier SQLAlchemy releases
        held = [value[0] for value in transaction._connections.values()]
    bind = session.get_bind()
    return any(connection.engine is bind or connection is bind for connection in held)


def _begun_too_early() -> ValidationError:
    return ValidationError(
        "write=True must come before the transaction's first statement (SQLite takes its "
        "write lock when the transaction begins, and this one has begun): call "
        "store.using(session, write=True) first, or use a new Session",
        field="write",
    )


def _replica_engines(primary: Engine, replicas: object) -> list[Engine]:
    """The replicas' engines (URLs made into engines), refusing what cannot be one."""
    if isinstance(replicas, str | Engine) or not isinstance(replicas, list | tuple):
        raise ValidationError("expected a list of replica engines or URLs", field="replicas")
    engines = []
    for replica in replicas:
        if not isinstance(replica, Engine | str):
            raise ValidationError(
                f"expected an Engine or a database URL, got {type(replica).__name__}",
                field="replicas",
            )
        engine = prepare_engine(replica) if isinstance(replica, Engine) else create_engine(replica)
        if engine.dialect.name != "postgresql" or primary.dialect.name != "postgresql":
            raise ValidationError(
                "read replicas are PostgreSQL streaming replicas of a PostgreSQL primary",
                field="replicas",
            )
        engines.append(engine)
    return engines


def _policy(policy: object) -> ReplicaPolicy:
    if policy is None:
        return ReplicaPolicy()
    if not isinstance(policy, ReplicaPolicy):
        raise ValidationError(
            f"expected a ReplicaPolicy, got {type(policy).__name__}", field="replica_policy"
        )
    return policy


_ACTOR_MAX = 200


def _actor(actor: object) -> str | None:
    """The name revisions record as their author: text, cleaned, at most 200 characters."""
    if actor is None:
        return None
    if not isinstance(actor, str):
        raise ValidationError(f"expected a name, got {type(actor).__name__}", field="actor")
    name = " ".join(clean_text(actor).split())
    if not name:
        return None
    if len(name) > _ACTOR_MAX:
        raise ValidationError(f"is longer than {_ACTOR_MAX} characters", field="actor")
    return name
