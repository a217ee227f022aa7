"""Concurrent migrations take turns on the server backends, and a busy lock is one line.

Several workers of a host application often start at once and each calls ``migrate()``.
The lock must be held until the migration (and the version row it writes) has
committed; otherwise the next runner reads the old version and runs the last migration
again ("Table 'newscms_search_documents' already exists" on MariaDB, whose DDL commits
by itself). These tests race runners, each with its own engine, on fresh databases.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.engine import make_url

from newscms.cli import cli
from newscms.errors import MigrationError
from newscms.store import Store, _locks, build_tables, create_engine, migrations
from newscms.store.migrations import head_revision
from newscms.store.search.schema import index_table_name

SERVERS = ["postgresql", "mariadb"]
RUNNERS = 4
ROUNDS = 20
TABLES = build_tables()
# Every table the head schema has: the models', the version table, the engine's index.
EXPECTED_TABLES = {table.name for table in TABLES.metadata.sorted_tables} | {
    TABLES.version_table,
    index_table_name(TABLES.prefix),
}


@contextmanager
def fresh_database(server: Any) -> Iterator[str]:
    """A database of its own with a random name, dropped as soon as the block ends."""
    url = server.create_database()
    try:
        yield url
    finally:
        name = make_url(url).database
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                if server.backend == "postgresql":
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                else:
                    conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        finally:
            admin.dispose()
        server.created.remove(name)


def race(engines: list[Engine], before: Callable[[int], None] = lambda _: None) -> list[str]:
    """Migrate on every engine at once, one thread each; return the errors raised."""
    errors: list[str] = []
    barrier = threading.Barrier(len(engines))

    def run(index: int, engine: Engine) -> None:
        try:
            barrier.wait(timeout=30)
            before(index)
            Store(engine, check_schema=False).migrate()
        except Exception as exc:  # collected and asserted by the caller
            errors.append(f"runner {index}: {type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=run, args=(i, engine), daemon=True)
        for i, engine in enumerate(engines)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a migration never finished"
    return errors


@contextmanager
def engines_on(url: str, count: int) -> Iterator[list[Engine]]:
    """``count`` engines on ``url``, each already connected, so the runners start together."""
    engines = [create_engine(url) for _ in range(count)]
    try:
        for engine in engines:
            with engine.connect():
                pass
        yield engines
    finally:
        for engine in engines:
            engine.dispose()


@pytest.mark.parametrize("backend", SERVERS)
def test_concurrent_migrations_of_fresh_databases_all_succeed(server_for, backend: str) -> None:  # type: ignore[no-untyped-def]
    server = server_for(backend)
    for round_ in range(ROUNDS):
        with fresh_database(server) as url, engines_on(url, RUNNERS) as engines:
            errors = race(engines)
            assert errors == [], f"round {round_}: {errors}"
            status = Store(engines[0], check_schema=False).schema_status()
            assert status.current == head_revision(), f"round {round_}"
            assert set(inspect(engines[0]).get_table_names()) >= EXPECTED_TABLES, round_


@pytest.mark.parametrize("backend", SERVERS)
def test_next_runner_waits_for_the_commit_of_the_version(server_for, backend: str) -> None:  # type: ignore[no-untyped-def]
    """The first runner's commit is slowed down; the second still sees its new version.

    Without the lock held over the commit, the second runner takes the lock while the
    first one's version row is uncommitted, and fails every time on MariaDB.
    """
    server = server_for(backend)
    with fresh_database(server) as url, engines_on(url, 2) as (first, second):
        locked = threading.Event()
        stamped = threading.Event()

        def after_execute(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
            if "GET_LOCK" in statement or "pg_advisory_xact_lock" in statement:
                locked.set()
            if "alembic_version" in statement and statement.lstrip().upper().startswith(
                ("UPDATE", "INSERT")
            ):
                stamped.set()

        def slow_commit(conn: Connection) -> None:
            if stamped.is_set():
                time.sleep(0.5)  # the window in which a released lock lets a runner in

        event.listen(first, "after_cursor_execute", after_execute)
        event.listen(first, "commit", slow_commit)

        def second_waits_for_the_first(index: int) -> None:
            if index == 1:
                assert locked.wait(timeout=30)

        assert race([first, second], before=second_waits_for_the_first) == []
        assert Store(second, check_schema=False).schema_status().current == head_revision()


def _run_cli(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _assert_one_line_error(code: int, err: str, expected: str) -> None:
    assert code == 1
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert err.startswith("error: ")
    assert expected in err


def test_mariadb_lock_timeout_is_a_one_line_error(server_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    server = server_for("mariadb")
    # GET_LOCK with a wait of 0 answers at once: the test need not wait five minutes.
    monkeypatch.setattr(migrations, "_LOCK_WAIT_SECONDS", 0)
    with fresh_database(server) as url, engines_on(url, 1) as (holder,):
        with holder.connect() as conn:
            name = _locks.mysql_lock_name(conn, migrations._LOCK_NAME, TABLES.schema)
            assert conn.execute(text("SELECT GET_LOCK(:n, 0)"), {"n": name}).scalar() == 1
            code, _, err = _run_cli(url, "migrate")
            _assert_one_line_error(code, err, "another process is migrating this database")
            with pytest.raises(MigrationError, match="did not finish in time"):
                Store(holder, check_schema=False).migrate()
            conn.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": name})
        # The refused runners kept no lock on a pooled connection: migrating works now.
        code, out, err = _run_cli(url, "migrate")
        assert (code, err) == (0, "")
        assert f"to {head_revision()}" in out


def test_postgresql_lock_timeout_is_a_one_line_error(server_for) -> None:  # type: ignore[no-untyped-def]
    server = server_for("postgresql")
    with fresh_database(server) as url, engines_on(url, 1) as (holder,):
        # The host's own lock_timeout ends the wait for the advisory lock.
        impatient = make_url(url).update_query_dict({"options": "-c lock_timeout=200"})
        impatient_url = impatient.render_as_string(hide_password=False)
        with holder.connect() as conn, conn.begin():
            key = zlib.crc32(b"newscms_migrate")
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            code, _, err = _run_cli(impatient_url, "migrate")
            _assert_one_line_error(code, err, "another process is migrating this database")
            assert "lock timeout" in err
        code, out, err = _run_cli(impatient_url, "migrate")
        assert (code, err) == (0, "")
        assert f"to {head_revision()}" in out


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "not a database URL"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/newscms", "the database failed"),
        ("mysql+pymysql://root@127.0.0.1:1/newscms", "the database failed"),
        ("sqlite:////nonexistent/directory/newscms.db", "the database failed"),
    ],
)
def test_migrate_on_a_bad_database_url_is_a_one_line_error(url: str, expected: str) -> None:
    code, out, err = _run_cli(url, "migrate")
    assert out == ""
    _assert_one_line_error(code, err, expected)


def test_migrate_on_an_unknown_dialect_is_a_one_line_error() -> None:
    code, _, err = _run_cli("nosuchdb://somewhere/newscms", "migrate")
    _assert_one_line_error(code, err, "not a database URL")
