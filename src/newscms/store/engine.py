"""Engines that behave correctly for newscms on each backend.

SQLite needs the most care: Python's ``sqlite3`` driver starts transactions late and
breaks SAVEPOINT, so newscms takes over ``BEGIN`` itself (the recipe from SQLAlchemy's
SQLite documentation), turns on foreign keys (cascades depend on them), WAL and a busy
timeout. MySQL/MariaDB connections use ``utf8mb4`` so every script round-trips.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import NoSuchModuleError

from newscms.errors import MissingDependencyError, ValidationError

__all__ = ["create_engine", "prepare_engine"]

_PREPARED = "_newscms_prepared"

_DRIVER_EXTRAS = {"psycopg": "postgres", "pymysql": "mysql"}


def create_engine(url: str | URL, **options: Any) -> Engine:
    """Create an engine for ``url`` with the settings newscms relies on.

    Plain ``postgresql://`` and ``mysql://``/``mariadb://`` URLs get the drivers newscms
    ships extras for (psycopg 3, PyMySQL).

    Raises:
        ValidationError: the URL cannot be parsed.
        MissingDependencyError: the database driver's extra is not installed.
    """
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError or ValueError here
        raise ValidationError(f"not a database URL: {exc}", field="url") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername in ("mysql", "mariadb"):
        parsed = parsed.set(drivername=f"{parsed.drivername}+pymysql")
    if parsed.get_backend_name() in ("mysql", "mariadb"):
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
        options.setdefault("pool_recycle", 3600)
    if parsed.get_backend_name() != "sqlite":
        options.setdefault("pool_pre_ping", True)
    try:
        engine = sa_create_engine(parsed, **options)
    except NoSuchModuleError:
        raise ValidationError(
            f"not a database URL: no database backend is called {parsed.drivername!r} "
            "(use sqlite:///file.db, postgresql://… or mysql://…)",
            field="url",
        ) from None
    except ModuleNotFoundError as exc:
        driver = parsed.get_driver_name()
        raise MissingDependencyError(
            exc.name or driver, extra=_DRIVER_EXTRAS.get(driver, driver)
        ) from None
    return prepare_engine(engine)


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
