"""On disk: the database space of the articles the ingest family loaded, on each path.

Measured right after the load, before any write workload: every table of a path's
prefix with its indexes (and, on SQLite, the FTS5 shadow tables; on PostgreSQL, TOAST),
read from the database itself: SQLite's ``dbstat`` (pages in use), PostgreSQL's
``pg_total_relation_size``, InnoDB's data and index length. Two figures:

- ``disk.content``: what both paths store, the articles with their slugs, tags,
  relations and search index (search documents and the engine's text index);
- ``disk``: everything each path stored, the revisions and outbox events too (the
  Core loader keeps a first revision per article and the same events, as newscms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from benchmarks.harness import BenchmarkError, Figure, WorkloadFamily

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from benchmarks.harness import Bench

__all__ = ["FAMILY"]

MB = 1024 * 1024
# The tables that hold history and the outbox, left out of ``disk.content``.
HISTORY = ("revisions", "events")


def _sizes(conn: Connection, prefix: str) -> dict[str, int]:
    """Bytes by table or index name, for every object whose name carries ``prefix``."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        rows = conn.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all()
    elif dialect == "postgresql":
        rows = conn.execute(
            text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = current_schema()"
            )
        ).all()
    else:
        rows = conn.execute(
            text(
                "SELECT table_name, data_length + index_length FROM information_schema.tables "
                "WHERE table_schema = DATABASE()"
            )
        ).all()
    return {str(name): int(size or 0) for name, size in rows if prefix in str(name)}


def _history(name: str, prefix: str) -> bool:
    return any(f"{prefix}{table}" in name for table in HISTORY)


def run(bench: Bench) -> list[Figure]:
    """Both paths' database space, with and without newscms's history tables."""
    ours_prefix, core_prefix = bench.tables.prefix, bench.core_tables.prefix
    with bench.engine.connect() as conn:
        ours, theirs = _sizes(conn, ours_prefix), _sizes(conn, core_prefix)
    if not ours or not theirs:
        raise BenchmarkError("disk: no tables found for one of the paths")
    content = sum(size for name, size in ours.items() if not _history(name, ours_prefix))
    core = sum(size for name, size in theirs.items() if not _history(name, core_prefix))
    everything, core_everything = sum(ours.values()), sum(theirs.values())
    details = {
        "method": {
            "sqlite": "dbstat: pages in use per table and index",
            "postgresql": "pg_total_relation_size: tables with indexes and TOAST",
        }.get(bench.engine.dialect.name, "information_schema: data_length + index_length"),
        "largest_newscms": dict(sorted(ours.items(), key=lambda item: -item[1])[:6]),
        "largest_core": dict(sorted(theirs.items(), key=lambda item: -item[1])[:6]),
    }
    scale = bench.options.scale
    return [
        Figure.from_samples(
            "disk.content",
            f"on disk, articles + search index ({scale:,} articles)",
            "memory",
            "MB",
            newscms=[content / MB],
            core=[core / MB],
            checked=1,
            **details,
        ),
        Figure.from_samples(
            "disk",
            f"on disk, with revisions and events ({scale:,} articles)",
            "memory",
            "MB",
            newscms=[everything / MB],
            core=[core_everything / MB],
            checked=1,
            history_mb=round((everything - content) / MB, 1),
            core_history_mb=round((core_everything - core) / MB, 1),
        ),
    ]


FAMILY = WorkloadFamily(
    name="disk",
    order=5,
    description="database space of the loaded articles on both paths",
    runner=run,
)
