"""Engines that behave correctly for newscms on each backend.

SQLite needs the most care: Python's ``sqlite3`` driver starts transactions late and
breaks SAVEPOINT, so newscms takes over ``BEGIN`` itself (the recipe from SQLAlchemy's
SQLite documentation), turns on foreign keys (cascades depend on them), WAL and a busy
timeout. MySQL/MariaDB connections use ``utf8mb4`` so every script round-trips. The
async face (``create_async_engine``) gets the same preparation: it is installed on the
async engine's ``sync_engine``, which is what the repositories run on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import InvalidRequestError, NoSuchModuleError

from newscms.errors import MissingDependencyError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["create_async_engine", "create_engine", "prepare_async_engine", "prepare_engine"]

_PREPARED = "_newscms_prepared"

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


def create_engine(url: str | URL, **options: Any) -> Engine:
    """Create an engine for ``url`` with the settings newscms relies on.

    Plain ``postgresql://`` and ``mysql://``/``mariadb://`` URLs get the drivers newscms
    ships extras for (psycopg 3, PyMySQL).

    Raises:
        ValidationError: the URL cannot be parsed.
        MissingDependencyError: the database driver's extra is not installed.
    """
    parsed = _database_url(url, asyncio=False, options=options)
    return prepare_engine(_build(sa_create_engine, parsed, options))


def create_async_engine(url: str | URL, **options: Any) -> AsyncEngine:
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
    parsed = _database_url(url, asyncio=True, options=options)
    return prepare_async_engine(_build(sa_create_async_engine, parsed, options))


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
    if family != "sqlite":
        options.setdefault("pool_pre_ping", True)
    return parsed


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

    Only SQLite needs any; a host app that hands its own SQLite engine to ``Store``
    gets them too, which is what makes savepoints and cascades work there.
    """
    if engine.dialect.name != "sqlite" or getattr(engine, _PREPARED, False):
        return engine
    setattr(engine, _PREPARED, True)
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

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write unit of work takes the write lock up front, so two writers queue on the
        # busy timeout instead of failing when a read lock cannot be upgraded.
        mode = connection.get_execution_options().get("newscms_sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
