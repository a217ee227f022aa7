"""Which search engine a database gets: FTS5, PostgreSQL text search or InnoDB FULLTEXT.

Apart from ``engine`` (the base every engine extends) so the engines import it and
this imports them, with no cycle.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from newscms.errors import StoreError
from newscms.store.search.mariadb import MariaDBFulltext
from newscms.store.search.postgres import PostgresTextSearch
from newscms.store.search.sqlite_fts5 import SQLiteFTS5

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newscms.store.search.engine import SearchEngine
    from newscms.store.tables import Tables

__all__ = ["engine_for"]


@lru_cache(maxsize=32)
def _engine(dialect: str, tables: Tables) -> SearchEngine:
    if dialect == "sqlite":
        return SQLiteFTS5(tables)
    if dialect == "postgresql":
        return PostgresTextSearch(tables)
    if dialect in ("mysql", "mariadb"):
        return MariaDBFulltext(tables)
    raise StoreError(f"newscms has no search engine for the {dialect} database")


def engine_for(conn: Connection, tables: Tables) -> SearchEngine:
    """The search engine of the connection's database (built once per dialect and tables)."""
    return _engine(conn.dialect.name, tables)
