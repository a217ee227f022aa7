"""Names of the search index's engine-specific objects, which live outside the ``MetaData``.

The portable part of the index is the ordinary table ``<prefix>search_documents`` (in
``Tables``). The text index itself differs by engine and is created by migration 0003
only where it belongs:

- SQLite: ``<prefix>search_index``, an FTS5 virtual table (and the ``_data``, ``_idx``,
  ``_docsize``, ``_config`` and ``_content`` shadow tables FTS5 makes), plus a trigger
  deleting its rows with their ``search_documents`` row;
- PostgreSQL: ``<prefix>search_index``, a table of one ``tsvector`` per article with a
  GIN index;
- MariaDB/MySQL: ``<prefix>search_index``, a table of one prepared text per article with
  an InnoDB FULLTEXT index.

PostgreSQL also indexes ``search_documents`` by listing time (``ix_<prefix>search_index_recent``,
migration 0014): the walk that finds a common word's newest matches.

Schema comparisons (the migration environment, the tests, a host's autogenerate)
skip these names: ``is_engine_specific`` says which.
"""

from __future__ import annotations

__all__ = [
    "INDEX_TABLE",
    "REINDEX_FLAG",
    "index_table_name",
    "is_engine_specific",
    "recent_index_name",
]

INDEX_TABLE = "search_index"
REINDEX_FLAG = "search_reindex_needed"
"""Key in the meta table while articles stored before the index existed are not indexed."""


def index_table_name(prefix: str) -> str:
    """The engine-specific index table of a table prefix."""
    return f"{prefix}{INDEX_TABLE}"


def recent_index_name(prefix: str) -> str:
    """PostgreSQL's index of ``search_documents`` by listing time (the candidate walk)."""
    return f"ix_{index_table_name(prefix)}_recent"


def is_engine_specific(name: str, prefix: str) -> bool:
    """Whether ``name`` is an engine-specific part of the index.

    The index table, one of FTS5's shadow tables, or an index of the engine's own.
    """
    table = index_table_name(prefix)
    return name == table or name.startswith((f"{table}_", f"ix_{table}_"))
