"""``DATABASES`` entries mapped to the URLs of newscms's own engine (no server needed)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from newscms.integrations.django import database_alias, database_url


def test_sqlite_file():
    assert database_url("default").render_as_string() == "sqlite:////srv/site/db.sqlite3"


def test_in_memory_test_database_is_a_shared_uri_not_a_file():
    url = database_url("memtest")
    assert url.database == "file:memorydb_memtest"
    assert dict(url.query) == {"mode": "memory", "cache": "shared", "uri": "true"}


def test_private_in_memory_database_is_refused():
    with pytest.raises(ImproperlyConfigured, match="in-memory SQLite"):
        database_url("memory")


def test_postgresql_with_options():
    url = database_url("pg")
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "editor",
        "p@ss:/word",
        "db.internal",
        6432,
        "news",
    )
    # libpq options pass through; Django's own isolation_level does not.
    assert dict(url.query) == {"sslmode": "require", "connect_timeout": "5"}


def test_postgresql_unix_socket():
    url = database_url("pgsocket")
    assert url.host is None
    assert dict(url.query) == {"host": "/var/run/postgresql"}


def test_mysql_maps_to_pymysql_with_ssl():
    url = database_url("mysql")
    assert url.drivername == "mysql+pymysql"
    assert (url.host, url.port, url.database) == ("127.0.0.1", 3306, "news")
    assert dict(url.query) == {"ssl_ca": "/etc/ca.pem", "read_timeout": "10"}


def test_options_newscms_cannot_take_are_refused_with_the_way_out():
    with pytest.raises(ImproperlyConfigured, match="NEWSCMS_DATABASE_URL"):
        database_url("mysqlbad")


def test_unsupported_engine():
    with pytest.raises(ImproperlyConfigured, match="supports SQLite, PostgreSQL and MySQL"):
        database_url("dummy")


def test_explicit_url_and_alias_settings():
    with override_settings(NEWSCMS_DATABASE_URL="postgresql://news@db/elsewhere"):
        assert database_url().database == "elsewhere"
    with override_settings(NEWSCMS_DATABASE_URL="::not a url"), pytest.raises(ImproperlyConfigured):
        database_url()
    with override_settings(NEWSCMS_DATABASE="pg"):
        assert database_alias() == "pg"
    with override_settings(NEWSCMS_DATABASE="nope"), pytest.raises(ImproperlyConfigured):
        database_alias()
