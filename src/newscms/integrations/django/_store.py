"""The ``Store`` of a Django project, built from ``DATABASES`` and following it.

Django renames a database when its test runner creates the test database (and again
for each clone of a parallel run), so the store is looked up, not kept: every
``get_store()`` reads the alias's current settings and rebuilds the store (disposing the
old pool) when they name another database. newscms keeps its own engine and pool; it
never borrows Django's connection.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings  # type: ignore[import-untyped]
from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped]
from django.db import connections  # type: ignore[import-untyped]
from sqlalchemy.engine import URL
from sqlalchemy.pool import QueuePool

from newscms.store import Store, create_engine

__all__ = ["close_stores", "database_alias", "database_url", "get_store"]

_lock = threading.Lock()
_stores: dict[str, tuple[URL, Store]] = {}

# Django's own connection options that mean nothing to newscms's engine (it sets the
# isolation level and the character set it relies on itself).
_DJANGO_ONLY = frozenset(
    {"isolation_level", "charset", "pool", "server_side_binding", "assume_role", "cursor_factory"}
)
_MYSQL_SSL_KEYS = ("ca", "cert", "key", "capath", "cipher", "check_hostname")


def database_alias() -> str:
    """The Django database alias newscms uses: ``NEWSCMS_DATABASE`` (default ``"default"``)."""
    alias = getattr(settings, "NEWSCMS_DATABASE", "default")
    if not isinstance(alias, str) or alias not in settings.DATABASES:
        raise ImproperlyConfigured(
            f"NEWSCMS_DATABASE = {alias!r} is not an alias of DATABASES "
            f"({', '.join(sorted(settings.DATABASES))})"
        )
    return alias


def database_url(alias: str | None = None) -> URL:
    """The SQLAlchemy URL of a Django database, as its connection is configured now.

    ``NEWSCMS_DATABASE_URL`` wins when set (then newscms does not follow Django's test
    database). SQLite, PostgreSQL (psycopg 3) and MySQL/MariaDB (PyMySQL) are mapped,
    Django's in-memory test database as a shared-cache SQLite URI.

    Raises:
        ImproperlyConfigured: the engine or an option has no newscms equivalent.
    """
    explicit = getattr(settings, "NEWSCMS_DATABASE_URL", None)
    if explicit:
        return _parse(str(explicit))
    alias = alias or database_alias()
    config: Mapping[str, Any] = connections[alias].settings_dict
    engine = str(config.get("ENGINE", ""))
    backend = engine.rsplit(".", 1)[-1]
    if backend in ("sqlite3", "spatialite"):
        return _sqlite_url(alias, config.get("NAME"))
    if backend in ("postgresql", "postgis"):
        return _server_url("postgresql+psycopg", alias, config)
    if backend == "mysql":
        return _server_url("mysql+pymysql", alias, config)
    raise ImproperlyConfigured(
        f"DATABASES[{alias!r}] uses {engine!r}; newscms supports SQLite, PostgreSQL and "
        "MySQL/MariaDB (or set NEWSCMS_DATABASE_URL)"
    )


def _parse(url: str) -> URL:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError or ValueError here
        raise ImproperlyConfigured(f"NEWSCMS_DATABASE_URL is not a database URL: {exc}") from None


def _sqlite_url(alias: str, name: object) -> URL:
    database = str(name) if isinstance(name, str | PurePath) else ""
    if database in ("", ":memory:"):
        raise ImproperlyConfigured(
            f"DATABASES[{alias!r}] is a private in-memory SQLite database, which no second "
            "connection can open; give it a file NAME (tests get a shared one by themselves)"
        )
    if not database.startswith("file:"):
        return URL.create("sqlite", database=database)
    # A URI (Django's in-memory test database, "file:memorydb_default?mode=memory&cache=shared"):
    # without uri=true SQLite would create a file of that name.
    path, _, query = database.partition("?")
    return URL.create("sqlite", database=path, query={**dict(parse_qsl(query)), "uri": "true"})


def _server_url(driver: str, alias: str, config: Mapping[str, Any]) -> URL:
    host = str(config.get("HOST") or "") or None
    port = str(config.get("PORT") or "") or None
    query: dict[str, str] = {}
    if host is not None and host.startswith("/"):  # a Unix socket, as Django reads it
        query["host" if driver.startswith("postgresql") else "unix_socket"] = host
        host = None
    for key, value in dict(config.get("OPTIONS") or {}).items():
        if key in _DJANGO_ONLY:
            continue
        if key == "ssl" and driver.startswith("mysql") and isinstance(value, Mapping):
            query.update({f"ssl_{k}": str(v) for k, v in value.items() if k in _MYSQL_SSL_KEYS})
        elif isinstance(value, str | int | float | bool):
            query[key] = str(int(value)) if isinstance(value, bool) else str(value)
        else:
            raise ImproperlyConfigured(
                f"DATABASES[{alias!r}]['OPTIONS'][{key!r}] cannot be passed to newscms's own "
                "engine; set NEWSCMS_DATABASE_URL to the URL newscms should use"
            )
    return URL.create(
        driver,
        username=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=host,
        port=int(port) if port else None,
        database=config.get("NAME") or None,
        query=query,
    )


def _build(url: URL) -> Store:
    options: dict[str, Any] = dict(getattr(settings, "NEWSCMS_STORE", None) or {})
    engine_options: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite" and url.query.get("mode") == "memory":
        # A shared-cache memory database takes many connections; say so, rather than
        # let SQLAlchemy pick a one-connection pool from the URL.
        engine_options["poolclass"] = QueuePool
    return Store(create_engine(url, **engine_options), **options)


def get_store(alias: str | None = None) -> Store:
    """The project's ``Store`` on the database Django's connection ``alias`` names now.

    Built on first use and shared (it is thread-safe); rebuilt when the connection's
    settings change (the test runner switching to the test database).
    Options for ``Store`` come from ``NEWSCMS_STORE`` (a dict: ``prefix``, ``schema``,
    ``default_locale``, ``clock``, ...).
    """
    alias = alias or database_alias()
    url = database_url(alias)
    with _lock:
        current = _stores.get(alias)
        if current is not None and current[0] == url:
            return current[1]
        if current is not None:
            current[1].dispose()
        store = _build(url)
        _stores[alias] = (url, store)
        return store


def close_stores() -> None:
    """Dispose of every store built so far (their pools close; later use rebuilds them).

    Call it before a database is dropped: PostgreSQL refuses to drop a database while
    newscms's pooled connections are open (``NewsCMSTestRunner`` does it for you).
    """
    with _lock:
        for _url, store in _stores.values():
            store.dispose()
        _stores.clear()
