"""Throwaway databases: created for one benchmark run, dropped at its end.

SQLite runs in WAL mode on a file in a temporary directory (newscms's engine sets WAL
and ``synchronous=NORMAL`` on every connection). PostgreSQL and MariaDB get a fresh
database on the server named by ``NEWSCMS_BENCH_POSTGRES_URL`` /
``NEWSCMS_BENCH_MARIADB_URL``, like the test suite's (tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks.harness import BenchmarkError
from newscms.store import create_engine

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from sqlalchemy import Engine

__all__ = ["SERVER_URLS", "analyze", "server_version", "throwaway_database"]

SERVER_URLS = {
    "postgresql": (
        "NEWSCMS_BENCH_POSTGRES_URL",
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    ),
    "mariadb": ("NEWSCMS_BENCH_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def _server_url(backend: str) -> str:
    variable, default = SERVER_URLS[backend]
    return os.environ.get(variable, default)


@contextmanager
def throwaway_database(backend: str, *, keep: bool = False) -> Iterator[str]:
    """Create an empty database for ``backend`` and yield its URL; drop it afterwards.

    With ``keep`` the database survives the run (its URL is printed for inspection).
    """
    if backend == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="newscms-bench-"))
        try:
            yield f"sqlite:///{directory / 'bench.db'}"
        finally:
            if not keep:
                shutil.rmtree(directory, ignore_errors=True)
        return
    if backend not in SERVER_URLS:
        raise BenchmarkError(f"unknown backend {backend!r}")
    admin_url = _server_url(backend)
    name = f"newscms_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if backend == "postgresql":
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                conn.execute(
                    text(
                        f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                    )
                )
    except Exception as error:  # any driver or network failure: say which server and why
        admin.dispose()
        variable = SERVER_URLS[backend][0]
        raise BenchmarkError(
            f"cannot create a database on {backend} ({str(error).splitlines()[0]}); "
            f"start the server or set {variable}"
        ) from None
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                if backend == "postgresql":
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                else:
                    conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def server_version(engine: Engine) -> str:
    """The database server's own version string."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return f"SQLite {conn.exec_driver_sql('select sqlite_version()').scalar()}"
        return str(conn.exec_driver_sql("select version()").scalar())


def analyze(engine: Engine, tables: Sequence[str]) -> None:
    """Refresh the planner's statistics after the bulk load, as a deployment would.

    A server with autovacuum off (this machine's PostgreSQL) never gathers them, and
    its planner then guesses join orders from empty tables. SQLite never gathers them
    by itself, but a real deployment runs ANALYZE (``newscms optimize``), and a plan
    that flips with statistics must show here (issue #15: an edit's lookups did).
    """
    with engine.begin() as conn:
        if engine.dialect.name in ("postgresql", "sqlite"):
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql(f"ANALYZE TABLE {', '.join(tables)}")
