"""Reads over a streaming replica: throughput with and without one, and read-your-writes.

``python -m benchmarks.replicas`` builds an archive of ``--scale`` generated articles on
the PostgreSQL server of ``NEWSCMS_BENCH_POSTGRES_URL``, starts a streaming replica of
that server (``StreamingReplica``: ``pg_basebackup`` into a temporary directory, its own
port, run as the ``postgres`` OS user when run as root), and measures from ``--clients``
client processes, for ``--seconds`` each:

- get-by-slug and tag-page reads (requests/s: one read-only unit of work each) against
  ``Store(primary)`` and ``Store(primary, replicas=[replica])``;
- the cost of a read-your-writes read: a write followed by a read presenting its token,
  against the same read without a token (latency, milliseconds).

The figures are printed; docs/scaling.md quotes them. Both servers share this machine's
cores, so a replica here adds no CPU: the script measures what routing costs and what a
replica serves, not the scale-out a second machine brings.

The tests (tests/replicas) start their replica with the same ``StreamingReplica``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from newscms.store import create_engine

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["ReplicaUnavailable", "StreamingReplica", "free_port", "main", "server_user"]

PG_BIN = Path(os.environ.get("NEWSCMS_PG_BIN", "/usr/lib/postgresql/15/bin"))
REPLICATION_LINE = "host replication all 127.0.0.1/32 trust"
# A hot standby refuses to start with fewer of these than its primary has.
_SAME_AS_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class ReplicaUnavailable(Exception):
    """This machine cannot run a replica of the server (the message says why)."""


def server_user() -> dict[str, Any]:
    """``subprocess`` options running as ``postgres`` when run as root.

    PostgreSQL and PgBouncer refuse to run as root (CI runs as root). The tests start
    their servers with these options too.

    Raises:
        ReplicaUnavailable: running as root and there is no ``postgres`` OS user.
    """
    if os.geteuid() != 0:
        return {}
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ReplicaUnavailable("running as root and there is no postgres OS user") from None
    return {"user": "postgres", "group": "postgres", "extra_groups": []}


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **server_user())
    if done.returncode != 0:
        raise ReplicaUnavailable(f"{Path(command[0]).name} failed: {done.stderr.strip()[-1500:]}")


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class StreamingReplica:
    """A hot standby of a local PostgreSQL server, in a temporary data directory."""

    primary_url: str
    directory: Path
    port: int
    host: str = "127.0.0.1"

    @property
    def data(self) -> Path:
        """The replica's data directory."""
        return self.directory / "data"

    @classmethod
    def create(cls, primary_url: str) -> StreamingReplica:
        """Copy the server of ``primary_url`` with ``pg_basebackup`` and start it as a standby.

        Raises:
            ReplicaUnavailable: no server binaries, the server is not local, or the copy
                or the start failed.
        """
        for binary in ("pg_basebackup", "pg_ctl"):
            if not (PG_BIN / binary).exists():
                raise ReplicaUnavailable(f"{PG_BIN / binary} is missing (set NEWSCMS_PG_BIN)")
        settings = _allow_replication(primary_url)
        directory = Path(tempfile.mkdtemp(prefix="newscms-replica-"))
        options = server_user()
        if options:
            shutil.chown(directory, options["user"], options["group"])
        replica = cls(primary_url, directory, free_port())
        _drop_stale_slots(primary_url)
        try:
            url = make_url(primary_url)
            _run(
                str(PG_BIN / "pg_basebackup"),
                f"--host={url.host or '127.0.0.1'}",
                f"--port={url.port or 5432}",
                f"--username={url.username or 'postgres'}",
                f"--pgdata={replica.data}",
                "--wal-method=stream",
                # A slot keeps the WAL the standby has not received yet: while it is
                # stopped (the failover tests) a busy primary would recycle it, and
                # the restarted standby could never catch up.
                "--create-slot",
                f"--slot={replica.slot}",
                "--write-recovery-conf",
                "--checkpoint=fast",
                "--no-sync",
            )
            replica._configure(settings)
            replica.start()
        except BaseException:
            replica.remove()
            raise
        return replica

    def _configure(self, primary: dict[str, str]) -> None:
        """Debian keeps the server's configuration outside the data directory: write one."""
        lines = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.directory}'",
            "hot_standby = on",
            "shared_buffers = '64MB'",
            "wal_receiver_status_interval = '1s'",
            *(f"{name} = {value}" for name, value in primary.items()),
        ]
        (self.data / "postgresql.conf").write_text("\n".join(lines) + "\n")
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        (self.data / "pg_ident.conf").write_text("")
        options = server_user()
        if options:
            for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
                shutil.chown(self.data / name, options["user"], options["group"])

    def url(self, database_url: str) -> str:
        """``database_url`` (a database of the primary) on this replica."""
        return (
            make_url(database_url)
            .set(host=self.host, port=self.port)
            .render_as_string(hide_password=False)
        )

    def start(self) -> None:
        """Start the standby and wait until it accepts read-only connections."""
        log = self.directory / "replica.log"
        _run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "-t", "60", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the standby (``fast``: disconnect clients; ``immediate``: as if it crashed)."""
        _run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def slot(self) -> str:
        """The replication slot on the primary that keeps this standby's WAL."""
        return f"{_SLOT_PREFIX}{self.port}_{os.getpid()}"

    def remove(self) -> None:
        """Stop the standby if it runs, drop its slot and delete its data directory."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(ReplicaUnavailable):
                self.stop("immediate")
        _drop_slots(self.primary_url, keep=lambda name: name != self.slot)
        shutil.rmtree(self.directory, ignore_errors=True)

    def execute(self, sql: str) -> Any:
        """Run one statement on the replica (as superuser) and return its first value."""
        engine = create_engine(self.url(self.primary_url), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql)).scalar()
        finally:
            engine.dispose()

    def pause(self) -> None:
        """Stop replaying WAL (``pg_wal_replay_pause``); it still receives it."""
        self.execute("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while self.execute("SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                raise ReplicaUnavailable("the replica did not pause its replay within 10 s")
            time.sleep(0.02)

    def resume(self) -> None:
        """Replay WAL again (``pg_wal_replay_resume``)."""
        self.execute("SELECT pg_wal_replay_resume()")

    def catch_up(self, timeout: float = 180) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        engine = create_engine(self.primary_url)
        try:
            with engine.connect() as conn:
                target = conn.execute(text("SELECT pg_current_wal_insert_lsn()")).scalar()
        finally:
            engine.dispose()
        deadline = time.monotonic() + timeout
        while not self.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            if time.monotonic() > deadline:
                raise ReplicaUnavailable(f"the replica did not replay {target} in {timeout} s")
            time.sleep(0.02)


_SLOT_PREFIX = "newscms_replica_"


def _drop_slots(primary_url: str, keep: Callable[[str], bool]) -> None:
    """Drop the physical slots of this module's standbys that no standby is using.

    ``keep`` names the slots to leave alone. A failure is left for the next run,
    which drops what a dead run left (``_drop_stale_slots``).
    """
    engine = create_engine(primary_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            names = conn.scalars(
                text(
                    "SELECT slot_name FROM pg_replication_slots "
                    "WHERE NOT active AND slot_name LIKE :prefix"
                ),
                {"prefix": f"{_SLOT_PREFIX}%"},
            ).all()
            for name in names:
                if not keep(name):
                    conn.execute(text("SELECT pg_drop_replication_slot(:name)"), {"name": name})
    except SQLAlchemyError:
        pass
    finally:
        engine.dispose()


def _drop_stale_slots(primary_url: str) -> None:
    """Drop the slots of test runs that died before removing their standby.

    A slot no standby uses keeps WAL on the primary for ever. A slot whose run is
    still alive (its process id ends the name) is left alone: its standby may be
    stopped for a moment by a failover test.
    """
    _drop_slots(primary_url, keep=lambda name: _alive(int(name.rsplit("_", 1)[-1])))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _allow_replication(primary_url: str) -> dict[str, str]:
    """Let ``pg_basebackup`` in (a ``replication`` line in the local ``pg_hba.conf``).

    Idempotent: the line is appended only when absent, then the configuration is
    reloaded; nothing is restarted. Returns the settings the standby must copy.
    """
    engine = create_engine(primary_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.execute(text("SHOW wal_level")).scalar() == "minimal":
                raise ReplicaUnavailable("the server runs with wal_level=minimal")
            settings = {
                name: str(conn.execute(text(f"SHOW {name}")).scalar()) for name in _SAME_AS_PRIMARY
            }
            allowed = conn.execute(
                text(
                    "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) "
                    "AND type = 'host' AND address = '127.0.0.1' AND auth_method = 'trust'"
                )
            ).scalar()
            if allowed:
                return settings
            hba = Path(str(conn.execute(text("SHOW hba_file")).scalar()))
            try:
                current = hba.read_text()
                if REPLICATION_LINE not in (line.strip() for line in current.splitlines()):
                    with hba.open("a") as file:
                        file.write(
                            f"\n# added by newscms's tests and benchmarks\n{REPLICATION_LINE}\n"
                        )
            except OSError as error:
                raise ReplicaUnavailable(
                    f"cannot allow replication in {hba} ({error}); add '{REPLICATION_LINE}'"
                ) from None
            conn.execute(text("SELECT pg_reload_conf()"))
            time.sleep(0.5)  # the postmaster rereads the file asynchronously
            return settings
    finally:
        engine.dispose()


# -- the benchmark ------------------------------------------------------------------


@dataclass(frozen=True)
class ClientJob:
    """One client process's reads: which store, which workload, which keys, when."""

    primary: str
    replicas: tuple[str, ...]
    workload: str
    keys: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    start_at: float
    seconds: float


def _client(job: ClientJob) -> tuple[int, dict[str, int]]:
    """Read as fast as one process can for ``job.seconds``; count reads and where they ran."""
    import random

    from newscms.store import Store

    store = Store(job.primary, replicas=list(job.replicas), check_schema=False)
    rng = random.Random(os.getpid())
    served: dict[str, int] = {}
    done = 0

    def read() -> None:
        with store.session(readonly=True) as uow:
            if job.workload == "get":
                locale, slug = rng.choice(job.keys)
                uow.articles.get_by_slug(locale, slug, public=True)
            else:
                uow.articles.list(public=True, tag=rng.choice(job.tags), limit=20)
            port = str(uow.connection.engine.url.port)
            served[port] = served.get(port, 0) + 1

    while time.time() < job.start_at:  # warm the pools and caches, then start together
        read()
    served.clear()
    end = job.start_at + job.seconds
    while time.time() < end:
        read()
        done += 1
    store.dispose()
    return done, served


def throughput(jobs: list[ClientJob]) -> tuple[float, dict[str, int]]:
    """Requests/s of ``jobs`` run at once, one process each, and the reads per server port."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        results = pool.map(_client, jobs)
    served: dict[str, int] = {}
    for _, ports in results:
        for port, count in ports.items():
            served[port] = served.get(port, 0) + count
    return sum(done for done, _ in results) / jobs[0].seconds, served


def _median_ms(samples: list[float]) -> float:
    import statistics

    return statistics.median(samples) * 1000


def read_your_writes_cost(
    primary: str, replica: str, keys: tuple[tuple[str, str], ...], rounds: int
) -> dict[str, float]:
    """Latency of a write and of the read after it, with and without a token (ms)."""
    from datetime import UTC, datetime

    from newscms import ArticleDraft
    from newscms.store import Store

    alone = Store(primary, check_schema=False)
    routed = Store(primary, replicas=[replica], check_schema=False)
    figures: dict[str, list[float]] = {
        name: []
        for name in ("write", "write_token", "read", "read_token_after_write", "read_old_token")
    }
    on_primary = 0
    clock = time.perf_counter
    for index in range(rounds):
        for store, name in ((alone, "write"), (routed, "write_token")):
            draft = ArticleDraft(
                locale="en",
                headline=f"Breaking {name} {index} {os.getpid()}",
                status="published",  # type: ignore[arg-type]
                published_at=datetime(2026, 1, 1, tzinfo=UTC),
                body="<p>A story breaks.</p>",
            )
            started = clock()
            with store.session() as uow:
                created = uow.articles.create(draft)
            figures[name].append(clock() - started)
        token = routed.consistency_token
        started = clock()
        with routed.session(readonly=True, after=token) as uow:
            uow.articles.get_by_slug("en", created.slug)
            on_primary += uow.connection.engine is routed.engine
        figures["read_token_after_write"].append(clock() - started)
        locale, slug = keys[index % len(keys)]
        for after, name in ((None, "read"), (token, "read_old_token")):
            started = clock()
            with routed.session(readonly=True, after=after) as uow:
                uow.articles.get_by_slug(locale, slug, public=True)
            figures[name].append(clock() - started)
    alone.dispose()
    routed.dispose()
    result = {name: _median_ms(samples) for name, samples in figures.items()}
    result["read_token_after_write_on_primary_pct"] = 100 * on_primary / rounds
    return result


def _load(url: str, scale: int, echo: Callable[[str], None]) -> None:
    """Generate ``scale`` articles through newscms's write path, 1,000 per unit of work."""
    from benchmarks.generator import articles, batched
    from benchmarks.workloads.ingest import to_draft
    from newscms.store import Store

    store = Store(url)
    store.migrate()
    started = time.monotonic()
    loaded = 0
    for batch in batched(articles(scale, seed=7), 1000):
        with store.session() as uow:
            uow.articles.create_many([to_draft(item) for item in batch])
        loaded += len(batch)
        if loaded % 10_000 == 0 or loaded == scale:
            rate = loaded / (time.monotonic() - started)
            echo(f"  loaded {loaded:,} articles ({rate:,.0f}/s)")
    with store.engine.connect() as conn:
        conn.execute(text("COMMIT"))
        conn.execute(text("ANALYZE"))
    store.dispose()


def _samples(url: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...], dict[str, Any]]:
    """Keys of public articles, the tags of the tag pages, and the archive's size."""
    from newscms.store import Store

    store = Store(url)
    t = store.tables
    with store.engine.connect() as conn:
        keys = tuple(
            (row.locale, row.slug)
            for row in conn.execute(
                text(
                    f"SELECT locale, slug FROM {t.articles.name} WHERE is_public "
                    "ORDER BY md5(id::text) LIMIT 5000"
                )
            )
        )
        tags = tuple(
            str(row[0])
            for row in conn.execute(
                text(
                    f"SELECT tag_id FROM {t.article_tags.name} GROUP BY tag_id "
                    "ORDER BY count(*) DESC LIMIT 50"
                )
            )
        )
        size = {
            "articles": conn.execute(text(f"SELECT count(*) FROM {t.articles.name}")).scalar(),
            "database_mb": conn.execute(
                text("SELECT pg_database_size(current_database()) / 1048576")
            ).scalar(),
        }
    store.dispose()
    return keys, tags, size


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (see the module docstring) and print its figures."""
    import argparse
    import json

    from benchmarks.databases import SERVER_URLS, throwaway_database

    parser = argparse.ArgumentParser(prog="python -m benchmarks.replicas", description=__doc__)
    parser.add_argument("--scale", type=int, default=100_000, help="articles (default 100000)")
    parser.add_argument("--clients", type=int, default=4, help="client processes (default 4)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per figure (default 10)")
    parser.add_argument("--rounds", type=int, default=200, help="read-your-writes rounds")
    parser.add_argument("--url", help="use this already loaded database instead of a new one")
    parser.add_argument(
        "--replica",
        help="host:port of a running streaming replica of the server (on another machine) "
        "instead of starting one here",
    )
    options = parser.parse_args(argv)
    variable, default = SERVER_URLS["postgresql"]
    server = os.environ.get(variable, default)

    def echo(line: str) -> None:
        print(line, flush=True)

    if options.replica:
        host, _, port = options.replica.rpartition(":")
        replica = StreamingReplica(server, Path(tempfile.mkdtemp()), int(port), host=host)
    else:
        echo(f"starting a streaming replica of {server} ...")
        replica = StreamingReplica.create(server)
    try:
        with throwaway_database("postgresql") as fresh:
            url = options.url or fresh
            if not options.url:
                echo(f"loading {options.scale:,} articles into a new database ...")
                _load(url, options.scale, echo)
            replica.catch_up(timeout=600)
            keys, tags, size = _samples(url)
            echo(f"archive: {size}")
            results: dict[str, Any] = {"archive": size, "clients": options.clients}
            for workload in ("get", "tag"):
                for label, replicas in (("primary", ()), ("primary+replica", (replica.url(url),))):
                    jobs = [
                        ClientJob(
                            url,
                            replicas,
                            workload,
                            keys,
                            tags,
                            time.time() + 8,
                            options.seconds,
                        )
                        for _ in range(options.clients)
                    ]
                    rate, served = throughput(jobs)
                    results[f"{workload}.{label}"] = {"requests_per_s": rate, "served_by": served}
                    echo(f"{workload:>4} {label:<16} {rate:8.1f} requests/s  served by {served}")
            cost = read_your_writes_cost(url, replica.url(url), keys, options.rounds)
            results["read_your_writes_ms"] = cost
            for name, value in cost.items():
                echo(f"  {name:<40} {value:8.2f}")
            echo(json.dumps(results, indent=2))
    finally:
        replica.remove()


if __name__ == "__main__":
    main()
