"""Engines that behave correctly for newscms on each backend.

SQLite needs the most care: Python's ``sqlite3`` driver starts transactions late and
breaks SAVEPOINT, so newscms takes over ``BEGIN`` itself (the recipe from SQLAlchemy's
SQLite documentation), turns on foreign keys (cascades depend on them), WAL and a busy
timeout. MySQL/MariaDB connections use ``utf8mb4`` so every script round-trips.
PostgreSQL behind PgBouncer's transaction pooling (``transaction_pooling=True``, or
``?prepare_threshold=none`` in the URL) gets psycopg 3 without server-side prepared
statements: PgBouncer before 1.21 hands each transaction to any server connection,
where a statement prepared on another does not exist. Nothing else newscms does keeps
state in a database session (its advisory locks are transaction-scoped, it sends no
session ``SET``), so that is the whole of the support.

Server connections are checked for liveness when they have sat idle in the pool, not
on every checkout (see ``create_engine``): a busy web app reuses a connection within
milliseconds, and a ping there is a round trip per request for nothing. The
async face (``create_async_engine``) gets the same preparation: it is installed on the
async engine's ``sync_engine``, which is what the repositories run on.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, InvalidatePoolError, InvalidRequestError, NoSuchModuleError

from newscms.errors import MissingDependencyError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "PING_IDLE_AFTER",
    "create_async_engine",
    "create_engine",
    "prepare_async_engine",
    "prepare_engine",
]

_PREPARED = "_newscms_prepared"
_READ_COMMITTED = "_newscms_read_committed"
_IDLE_SINCE = "newscms_idle_since"

PING_IDLE_AFTER = 1.0
"""Seconds a pooled server connection may sit idle before it is pinged on checkout.

Connections a server or a firewall drops are the idle ones; one reused within a second
was working a second ago, and pinging it would add a round trip to every unit of work.
"""

_DRIVER_EXTRAS = {
    "psycopg": "postgres",
    "pymysql": "mysql",
    "aiosqlite": "async",
    "aiomysql": "async",
    "greenlet": "async",
}

# The driver a URL without one (or, for the async face, with a blocking one) gets.
_SYNC_DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql"}
_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "psycopg", "mysql": "aiomysql"}
_BLOCKING_DRIVERS = {"pysqlite", "psycopg2", "pg8000", "pymysql", "mysqldb", "mysqlconnector"}

E = TypeVar("E")


def create_engine(
    url: str | URL,
    *,
    transaction_pooling: bool = False,
    ping_idle_after: float = PING_IDLE_AFTER,
    **options: Any,
) -> Engine:
    """Create an engine for ``url`` with the settings newscms relies on.

    Plain ``postgresql://`` and ``mysql://``/``mariadb://`` URLs get the drivers newscms
    ships extras for (psycopg 3, PyMySQL). ``transaction_pooling=True`` says the URL
    points at PgBouncer in transaction mode (PostgreSQL only): psycopg then prepares no
    statements on the server (``prepare_threshold=None``), which such a pooler needs.

    A server connection that sat idle in the pool for ``ping_idle_after`` seconds or
    more is pinged before it is handed out, and replaced (with every connection older
    than it) when the ping fails; ``0`` pings on every checkout, and passing
    SQLAlchemy's own ``pool_pre_ping`` turns this off in favour of it. What remains
    unchecked is a connection reused within the interval: if the server went away in
    that second, the unit of work using it fails (``StoreError``) and the pool then
    reconnects every connection, as SQLAlchemy does on any disconnect.
    MySQL/MariaDB connections are set to READ COMMITTED once, when they connect (see
    ``Store``), instead of at every unit of work.

    Raises:
        ValidationError: the URL cannot be parsed, or ``transaction_pooling`` is asked
            of another database than PostgreSQL.
        MissingDependencyError: the database driver's extra is not installed.
    """
    ping = _ping_interval(ping_idle_after, options)
    parsed = _database_url(url, asyncio=False, options=options)
    if transaction_pooling:
        parsed = _without_prepared_statements(parsed)
    return _configured(prepare_engine(_build(sa_create_engine, parsed, options)), options, ping)


def create_async_engine(
    url: str | URL, *, ping_idle_after: float = PING_IDLE_AFTER, **options: Any
) -> AsyncEngine:
    """Create an asyncio engine for ``url`` with the settings newscms relies on.

    The async drivers newscms's ``async`` extra installs are chosen for plain and
    blocking URLs alike: ``sqlite:///x.db`` becomes ``sqlite+aiosqlite:///x.db``,
    ``postgresql://`` psycopg 3 (async), ``mysql://``/``mariadb://`` aiomysql.

    Raises:
        ValidationError: the URL cannot be parsed, or names no async driver.
        MissingDependencyError: the ``async`` extra (or the driver) is not installed.
    """
    try:
        from sqlalchemy.ext.asyncio import create_async_engine as sa_create_async_engine
    except ImportError as exc:  # pragma: no cover - SQLAlchemy always ships the module
        raise MissingDependencyError(exc.name or "greenlet", extra="async") from None
    ping = _ping_interval(ping_idle_after, options)
    parsed = _database_url(url, asyncio=True, options=options)
    engine = prepare_async_engine(_build(sa_create_async_engine, parsed, options))
    _configured(engine.sync_engine, options, ping)
    return engine


def reads_committed(engine: Engine) -> bool:
    """Whether ``engine``'s MySQL/MariaDB connections were set to READ COMMITTED on connect.

    The store then needs no per-transaction isolation setting (two round trips on
    MySQL: one to set it, one to reset it when the connection returns to the pool).
    """
    return getattr(engine, _READ_COMMITTED, False)


def reads_statement_by_statement(engine: Engine) -> bool:
    """Whether a read-only unit of work on ``engine`` may run its statements unbracketed.

    At READ COMMITTED, PostgreSQL gives every statement of a transaction its own
    snapshot, so statements run one by one (autocommit) see exactly what they would see
    inside ``BEGIN`` … ``COMMIT``, and a read saves those two round trips. Any other
    isolation level (or a level not known yet: no connection made) keeps the
    transaction. SQLite and MariaDB keep theirs: one snapshot for the whole unit.
    """
    dialect = engine.dialect
    if dialect.name != "postgresql":
        return False
    level = engine.get_execution_options().get("isolation_level")
    if level is None:  # the level the first connection found (set once it connected)
        level = getattr(dialect, "default_isolation_level", None)
    return bool(level == "READ COMMITTED")


def _ping_interval(seconds: object, options: dict[str, Any]) -> float | None:
    """The idle seconds after which to ping, or None when SQLAlchemy's pre-ping is asked."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds >= 0:
        raise ValidationError("must be a number of seconds, 0 or more", field="ping_idle_after")
    return None if "pool_pre_ping" in options else float(seconds)


def _configured(engine: Engine, options: dict[str, Any], ping: float | None) -> Engine:
    """``engine`` with the idle ping and the isolation mark ``create_engine`` promises."""
    if engine.dialect.name == "sqlite":
        return engine
    if ping is not None:
        _ping_when_idle(engine, ping)
    if options.get("isolation_level") == "READ COMMITTED":
        setattr(engine, _READ_COMMITTED, True)
    return engine


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """Ping a pooled connection on checkout once it has been idle ``seconds`` or more.

    A failed ping invalidates the pool (the server probably restarted: every connection
    made before is stale), and the pool hands out a fresh connection instead.
    """
    dialect = engine.dialect
    clock = time.monotonic

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = clock()

    @event.listens_for(engine.pool, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)  # None: connected just now
        if idle_since is None or clock() - idle_since < seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise InvalidatePoolError(f"an idle connection is gone: {error}") from error


def _database_url(url: str | URL, *, asyncio: bool, options: dict[str, Any]) -> URL:
    """``url`` parsed, with newscms's driver and per-backend options (set in ``options``)."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError or ValueError here
        raise ValidationError(f"not a database URL: {exc}", field="url") from None
    backend = parsed.get_backend_name()
    if backend == "postgres":  # the old spelling, which SQLAlchemy no longer knows
        backend = "postgresql"
    family = "mysql" if backend == "mariadb" else backend
    driver = parsed.drivername.partition("+")[2]
    if asyncio and (not driver or driver in _BLOCKING_DRIVERS) and family in _ASYNC_DRIVERS:
        parsed = parsed.set(drivername=f"{backend}+{_ASYNC_DRIVERS[family]}")
    elif not driver and family in _SYNC_DRIVERS:
        parsed = parsed.set(drivername=f"{backend}+{_SYNC_DRIVERS[family]}")
    if family == "mysql":
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
        options.setdefault("pool_recycle", 3600)
        options.setdefault("isolation_level", "READ COMMITTED")
    if family == "postgresql" and "prepare_threshold" in parsed.query:
        _prepare_threshold(parsed.query["prepare_threshold"])  # refused now, not at connect
    return parsed


def _without_prepared_statements(parsed: URL) -> URL:
    """``parsed`` asking psycopg for no server-side prepared statements (PgBouncer).

    The setting stays in the URL, so an engine's ``url`` handed on (to the CLI, to a
    worker) keeps it.
    """
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ValidationError(
            "transaction pooling (PgBouncer) is supported on PostgreSQL only", field="url"
        )
    return parsed.update_query_dict({"prepare_threshold": "none"})


def _prepare_threshold(value: object) -> int | None:
    """The ``prepare_threshold`` psycopg wants, from its URL spelling (``none``, a number)."""
    text = str(value[-1] if isinstance(value, tuple) else value).strip().lower()
    if text in ("none", ""):
        return None
    if text.isdigit():
        return int(text)
    raise ValidationError(
        "prepare_threshold must be a number or 'none' (behind PgBouncer)", field="url"
    )


def _build(factory: Callable[..., E], parsed: URL, options: dict[str, Any]) -> E:
    """``factory(parsed, **options)``, its failures as newscms errors."""
    try:
        return factory(parsed, **options)
    except NoSuchModuleError:
        raise ValidationError(
            f"not a database URL: no database backend is called {parsed.drivername!r} "
            "(use sqlite:///file.db, postgresql://… or mysql://…)",
            field="url",
        ) from None
    except InvalidRequestError as exc:  # an asyncio engine over a blocking driver
        raise ValidationError(f"not an async database URL: {exc}", field="url") from None
    except ModuleNotFoundError as exc:
        driver = parsed.get_driver_name()
        name = exc.name or driver
        raise MissingDependencyError(
            name, extra=_DRIVER_EXTRAS.get(name, _DRIVER_EXTRAS.get(driver, driver))
        ) from None


def prepare_async_engine(engine: AsyncEngine) -> AsyncEngine:
    """Install newscms's per-connection settings on an asyncio ``engine`` (idempotent)."""
    prepare_engine(engine.sync_engine)
    if engine.dialect.driver == "aiomysql":
        _repair_aiomysql()
    return engine


def _repair_aiomysql() -> None:
    """Let aiomysql send bytes again under PyMySQL 1.2.3 and later.

    aiomysql 0.3.2 escapes bytes with ``pymysql.converters.escape_bytes_prefixed``, which
    PyMySQL 1.2.3 turned into a placeholder string, so every bytes parameter (revision
    snapshots) fails with "'str' object is not callable" (aio-libs/aiomysql#1080). Only
    that broken combination is touched, with PyMySQL's own ``_binary X'…'`` escaping.
    """
    import aiomysql.connection  # type: ignore[import-untyped]
    from pymysql.converters import escape_bytes  # type: ignore[import-untyped]

    if not callable(aiomysql.connection.escape_bytes_prefixed):
        aiomysql.connection.escape_bytes_prefixed = escape_bytes


def prepare_engine(engine: Engine) -> Engine:
    """Install newscms's per-connection settings on ``engine`` (idempotent).

    SQLite needs the most; a host app that hands its own SQLite engine to ``Store``
    gets them too, which is what makes savepoints and cascades work there. psycopg
    gets ``prepare_threshold`` from the URL as the value it expects.
    """
    if getattr(engine, _PREPARED, False):
        return engine
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        setattr(engine, _PREPARED, True)
        _prepare_psycopg(engine)
    elif engine.dialect.name == "sqlite":
        setattr(engine, _PREPARED, True)
        _prepare_sqlite(engine)
    return engine


def _prepare_psycopg(engine: Engine) -> None:
    @event.listens_for(engine, "do_connect")
    def _on_do_connect(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        # SQLAlchemy passes URL query values as strings; psycopg wants None or an int.
        if "prepare_threshold" in params:
            params["prepare_threshold"] = _prepare_threshold(params["prepare_threshold"])


def _prepare_sqlite(engine: Engine) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    statements = {mode: f"BEGIN {mode}" for mode in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")}
    dialect = engine.dialect

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write unit of work takes the write lock up front, so two writers queue on the
        # busy timeout instead of failing when a read lock cannot be upgraded. BEGIN goes
        # straight to the driver: through SQLAlchemy's statement machinery it cost a
        # third of an empty unit of work. Its errors are wrapped as SQLAlchemy would.
        statement = statements[
            connection.get_execution_options().get("newscms_sqlite_begin", "DEFERRED")
        ]
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(statement)
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        finally:
            cursor.close()
