"""Shared fixtures: database backends, stores on them, and a controllable clock.

Every store test runs on SQLite, PostgreSQL and MariaDB. Each test session (and each
xdist worker) creates its own databases and drops them at the end; each test starts
from empty tables. A server that cannot be reached is skipped locally with the reason,
and is a failure when ``CI=true``: CI must prove all three backends.

Server URLs come from ``NEWSCMS_TEST_POSTGRES_URL`` and ``NEWSCMS_TEST_MARIADB_URL``
(defaults: the local servers described in DEVELOPERS.md).

The store suite also runs on a fourth backend, ``pgbouncer``: the PostgreSQL server
seen through a PgBouncer in transaction mode that the ``pgbouncer`` fixture starts
(Debian's ``pgbouncer`` package, run as the ``postgres`` OS user when the tests run
as root, since PgBouncer refuses root). Without it the tests are skipped, under
``CI=true`` failed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from benchmarks.replicas import ReplicaUnavailable, free_port, server_user
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.engine import make_url

from newscms.store import Store, Tables, build_tables, create_engine

POSTGRES_URL = os.environ.get(
    "NEWSCMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MARIADB_URL = os.environ.get("NEWSCMS_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ("sqlite", "postgresql", "mariadb")

# Property tests in CI must fail or pass the same way on every run: a fixed seed, no
# example database carried over from an earlier run, and the blob that replays a
# failure printed in the log. Timing is no property (CI shares two cores), so neither
# the deadline nor the too-slow health check applies. Both profiles start from
# hypothesis's defaults, not from the "ci" profile it loads by itself under CI=true.
# Loaded here, before the test modules are imported, so that their
# ``@settings(max_examples=...)`` inherit the profile and override only what they set;
# ``pytest --hypothesis-profile=NAME`` still picks another one.
_HYPOTHESIS_DEFAULTS = settings.get_profile("default")
settings.register_profile(
    "ci",
    _HYPOTHESIS_DEFAULTS,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", _HYPOTHESIS_DEFAULTS, deadline=None)
settings.load_profile("ci" if IN_CI else "dev")

# Rows the schema itself owns (the cursor secret) survive the per-test cleaning.
_KEPT_TABLES = ("meta",)


def _unreachable(backend: str, error: Exception) -> None:
    reason = f"{backend} is unreachable: {str(error).splitlines()[0]}"
    if IN_CI:
        pytest.fail(f"{reason} (CI=true requires every backend)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Server:
    """A database server on which tests create and drop throwaway databases."""

    backend: str
    admin_url: str
    created: list[str] = field(default_factory=list)

    def create_database(self) -> str:
        """Create an empty database and return its URL."""
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"newscms_t_{worker}_{uuid.uuid4().hex[:10]}"
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                if self.backend == "postgresql":
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                else:
                    charset = "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                    conn.execute(text(f"CREATE DATABASE `{name}` {charset}"))
        finally:
            admin.dispose()
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        """Drop every database this server object created."""
        if not self.created:
            return  # nothing to drop, and the server may be down
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for name in self.created:
                    if self.backend == "postgresql":
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    else:
                        conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        finally:
            admin.dispose()
        self.created.clear()


class SQLiteServer(Server):
    """SQLite "server": databases are files in a temporary directory."""

    def __init__(self, directory: Path) -> None:
        super().__init__("sqlite", "")
        self.directory = directory

    def create_database(self) -> str:
        return f"sqlite:///{self.directory / f'{uuid.uuid4().hex[:10]}.db'}"

    def drop_all(self) -> None:
        """Files vanish with the temporary directory."""


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """The three backends' servers; databases they create are dropped at the end."""
    result: dict[str, Server] = {
        "sqlite": SQLiteServer(tmp_path_factory.mktemp("sqlite")),
        "postgresql": Server("postgresql", POSTGRES_URL),
        "mariadb": Server("mariadb", MARIADB_URL),
    }
    yield result
    for server in result.values():
        server.drop_all()


def _reachable(server: Server) -> None:
    if server.backend == "sqlite":
        return
    engine = create_engine(server.admin_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # any driver or network failure means "unreachable"
        _unreachable(server.backend, error)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def server_for(servers: dict[str, Server]) -> object:
    """Return a function giving a reachable server for a backend (skips or fails if not)."""
    checked: set[str] = set()

    def get(backend: str) -> Server:
        server = servers[backend]
        if backend not in checked:
            _reachable(server)
            checked.add(backend)
        return server

    return get


def missing(reason: str) -> None:
    """Skip for a component this machine lacks; fail under ``CI=true``, which needs it."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true requires it: .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


def as_postgres_user() -> dict[str, Any]:
    """``subprocess`` options running a server as ``postgres`` when the tests run as root."""
    try:
        return server_user()
    except ReplicaUnavailable as error:
        missing(str(error))
        raise  # pragma: no cover - missing() never returns


def owned_tempdir(prefix: str) -> Path:
    """A fresh directory under the system temp dir that the servers' OS user owns."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    options = as_postgres_user()
    if options:
        shutil.chown(directory, options["user"], options["group"])
    return directory


@dataclass
class PgBouncer:
    """A PgBouncer in transaction mode in front of the test PostgreSQL server."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes]

    def url(self, postgres_url: str) -> str:
        """``postgres_url`` (a database of the test server) reached through PgBouncer.

        ``prepare_threshold=none``: psycopg must not prepare statements on the server
        behind PgBouncer 1.18 (Debian 12's), which cannot follow them across its pool.
        """
        url = make_url(postgres_url).set(port=self.port, host="127.0.0.1")
        url = url.update_query_dict({"prepare_threshold": "none"})
        return url.render_as_string(hide_password=False)

    def stop(self) -> None:
        """Stop the pooler and remove its directory."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck pooler
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_pgbouncer(postgres_url: str) -> PgBouncer:
    """Start PgBouncer (transaction pooling) for the server of ``postgres_url``."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        missing("pgbouncer is not installed (apt-get install pgbouncer)")
    server = make_url(postgres_url)
    user = server.username or "postgres"
    directory = owned_tempdir("newscms-pgbouncer-")
    port = free_port()
    (directory / "users.txt").write_text(f'"{user}" ""\n')
    (directory / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server.host or '127.0.0.1'} port={server.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {directory / 'users.txt'}\n"
        "pool_mode = transaction\nmax_client_conn = 500\ndefault_pool_size = 10\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {directory / 'pgbouncer.log'}\n"
    )
    with (directory / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen(
            [binary, str(directory / "pgbouncer.ini")],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            **as_postgres_user(),
        )
    bouncer = PgBouncer(port, directory, process)
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            log = "".join(
                path.read_text(errors="replace")[-2000:]
                for path in (directory / "stderr.txt", directory / "pgbouncer.log")
                if path.exists()
            )
            shutil.rmtree(directory, ignore_errors=True)
            pytest.fail(f"pgbouncer exited at start: {log}", pytrace=False)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return bouncer
        except OSError:
            if time.monotonic() > deadline:
                bouncer.stop()
                pytest.fail("pgbouncer did not listen within 15 s", pytrace=False)
            time.sleep(0.05)


@pytest.fixture(scope="session")
def pgbouncer(server_for) -> Iterator[PgBouncer]:  # type: ignore[no-untyped-def]
    """A PgBouncer in transaction mode in front of the test PostgreSQL server."""
    bouncer = start_pgbouncer(server_for("postgresql").admin_url)
    yield bouncer
    bouncer.stop()


@pytest.fixture(scope="session")
def migrated_engine_for(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Engine]]:
    """Return a function giving one migrated database per backend (``pgbouncer`` too).

    ``pgbouncer`` is the PostgreSQL server through PgBouncer; the pooler starts only
    when a test asks for that backend.
    """
    engines: dict[str, Engine] = {}

    def get(backend: str) -> Engine:
        if backend not in engines:
            server_for = request.getfixturevalue("server_for")
            if backend == "pgbouncer":
                bouncer: PgBouncer = request.getfixturevalue("pgbouncer")
                url = bouncer.url(server_for("postgresql").create_database())
            else:
                url = server_for(backend).create_database()
            engine = create_engine(url)
            Store(engine, check_schema=False).migrate()
            engines[backend] = engine
        return engines[backend]

    yield get
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(
    request: pytest.FixtureRequest, migrated_engine_for: Callable[[str], Engine]
) -> Engine:
    """One migrated database per backend for the whole session (cleaned per test)."""
    return migrated_engine_for(request.param)


@dataclass
class FakeClock:
    """A clock tests move by hand; starts at a fixed, known moment."""

    now: datetime = field(default_factory=lambda: datetime(2026, 1, 15, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward and return the new moment."""
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """A controllable clock injected into the store."""
    return FakeClock()


def clean_tables(engine: Engine, prefix: str = "newscms_") -> None:
    """Delete every content row (keeping the schema, its version and the cursor secret)."""
    tables = build_tables(prefix)
    kept = {f"{prefix}{name}" for name in _KEPT_TABLES}
    with engine.begin() as conn:
        for table in reversed(tables.metadata.sorted_tables):  # children before parents
            if table.name not in kept:
                conn.execute(delete(table))


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    """A migrated database with empty tables, on each backend in turn."""
    clean_tables(migrated_engine)
    return migrated_engine


@pytest.fixture
def store(engine: Engine, clock: FakeClock) -> Store:
    """A ``Store`` on an empty, migrated database with a controllable clock."""
    return Store(engine, clock=clock)


@pytest.fixture
def backend(engine: Engine) -> str:
    """The name of the backend the current test runs on."""
    return "mariadb" if engine.dialect.name in ("mysql", "mariadb") else engine.dialect.name


# -- every table at once: snapshots and resets (store and fuzz tests) --------------------

Snapshot = dict[str, list[tuple[Any, ...]]]


def _sort_key(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(repr(value) for value in row)


@pytest.fixture
def snapshot(store: Store) -> Callable[[], Snapshot]:
    """Return a function reading every row of every newscms table, in a stable order.

    Two equal snapshots mean nothing at all was written in between.
    """
    tables: Tables = store.tables

    def take() -> Snapshot:
        with store.engine.connect() as conn:
            return {
                table.name: sorted(
                    (tuple(row) for row in conn.execute(select(table))), key=_sort_key
                )
                for table in tables.metadata.sorted_tables
            }

    return take


@pytest.fixture
def reset(store: Store) -> Callable[[], None]:
    """Return a function emptying every content table (for each hypothesis example)."""
    tables: Tables = store.tables

    def run() -> None:
        with store.engine.begin() as conn:
            for table in reversed(tables.metadata.sorted_tables):
                if table is not tables.meta:
                    conn.execute(delete(table))

    return run
