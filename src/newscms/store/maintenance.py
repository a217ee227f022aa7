"""Maintenance after large writes: the planner's statistics and the text index compacted.

A bulk import leaves the planner without statistics for the new rows and the text
index in many small segments. ``optimize`` refreshes both, on newscms's own tables
only, without holding anything past its own statements:

- SQLite: ``ANALYZE`` of each table, then FTS5's ``optimize`` (merges the index's
  segments into one b-tree);
- PostgreSQL: ``VACUUM (ANALYZE)`` of each table, outside a transaction (VACUUM cannot
  run in one), which also marks pages all-visible for index-only scans and flushes the
  GIN index's pending list;
- MariaDB: ``ANALYZE TABLE`` (InnoDB's FULLTEXT index merges on its own; ``OPTIMIZE
  TABLE`` would rebuild every table, which is not what an import needs).

No plan depends on it: the indexes on mostly-NULL keys are partial so that statistics
cannot make them look useless (``tables.MOSTLY_NULL_INDEXES``), and the test suite
checks that every plan the benchmarks rely on is the same before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter
from typing import TYPE_CHECKING

from newscms.store._base import quoted_name
from newscms.store.search.schema import index_table_name

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from newscms.store.tables import Tables

__all__ = ["Optimized", "optimize"]


@dataclass(frozen=True, slots=True)
class Optimized:
    """What ``Store.optimize`` did: the tables whose statistics it refreshed, and how long."""

    tables: tuple[str, ...]
    search_index: bool
    """Whether the text index was compacted (SQLite's FTS5 only)."""
    seconds: float


def optimize(engine: Engine, tables: Tables) -> Optimized:
    """Refresh the planner's statistics of ``tables`` and compact the text index."""
    started = perf_counter()
    dialect = engine.dialect.name
    names = tuple(table.fullname for table in tables.metadata.sorted_tables)
    if dialect != "sqlite":  # an ordinary table there (FTS5's is virtual: compacted below)
        index = index_table_name(tables.prefix)
        names += (f"{tables.schema}.{index}" if tables.schema else index,)
    compacted = False
    if dialect == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {quoted_name(conn, name)}")
    else:
        with engine.begin() as conn:
            if dialect == "sqlite":
                for name in names:
                    conn.exec_driver_sql(f"ANALYZE {quoted_name(conn, name)}")
                compacted = _compact_fts5(conn, tables)
            else:
                conn.exec_driver_sql(
                    f"ANALYZE TABLE {', '.join(quoted_name(conn, name) for name in names)}"
                )
    return Optimized(names, compacted, perf_counter() - started)


def _compact_fts5(conn: Connection, tables: Tables) -> bool:
    """Merge the FTS5 index's segments (``INSERT … VALUES('optimize')``); False without it."""
    name = index_table_name(tables.prefix)
    schema = f"{quoted_name(conn, tables.schema)}." if tables.schema else ""
    master = f"{schema}sqlite_master"
    if conn.exec_driver_sql(f"SELECT 1 FROM {master} WHERE name = ?", (name,)).first() is None:
        return False
    quoted = f"{schema}{quoted_name(conn, name)}"
    conn.exec_driver_sql(f"INSERT INTO {quoted}({quoted_name(conn, name)}) VALUES ('optimize')")
    return True
