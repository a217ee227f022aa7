"""SQLite: an FTS5 table ranked with bm25, headline weighing most.

``<prefix>search_index`` has one column per field and uses FTS5's ``ascii`` tokenizer:
it splits only at ASCII punctuation and spaces and leaves every other character alone,
so the tokens newscms prepared in Python reach the index unchanged (``unicode61``
would split Devanagari words at their vowel signs). The FTS5 rowid is the article's
``search_documents.id``; a trigger deletes the FTS5 row with it, so a cascade from a
deleted article can never leave a stale row behind.

A query becomes an FTS5 expression in which every token is a double-quoted string
(tokens never contain a quote), so no FTS5 operator can come from what a reader typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
)

from newscms.store.search.documents import FIELDS
from newscms.store.search.engine import RANK_SCALE, Match, SearchEngine

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from uuid import UUID

    from sqlalchemy import Connection, Select
    from sqlalchemy.sql import ColumnElement

    from newscms.store.search.documents import PreparedDocument
    from newscms.store.search.query import SearchQuery, Term
    from newscms.store.tables import Tables

__all__ = ["BM25_WEIGHTS", "SQLiteFTS5", "fts5_expression"]

BM25_WEIGHTS: dict[str, float] = {
    "headline": 10.0,
    "summary": 4.0,
    "body": 1.0,
    "tags": 6.0,
    "chars": 1.0,
}
"""bm25 weight of each column: headline > tags > summary > body (and run-end characters)."""


def _term(term: Term) -> str:
    parts = []
    if term.phrase:
        parts.append('"' + " ".join(term.phrase) + '"')
    if term.stem is not None:
        parts.append(f'"{term.stem}"*')
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def fts5_expression(query: SearchQuery) -> str:
    """The FTS5 query expression of a parsed query."""
    expression = " AND ".join(
        "(" + " OR ".join(_term(term) for term in group) + ")" for group in query.groups
    )
    for term in query.excluded:
        expression = f"({expression}) NOT {_term(term)}"
    return expression


class SQLiteFTS5(SearchEngine):
    """The FTS5 index of a SQLite database."""

    key_column: ClassVar[str] = "id"
    stems_in_python: ClassVar[bool] = True

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.table = Table(
            self.name,
            MetaData(schema=tables.schema),
            Column("rowid", Integer(), primary_key=True),
            *(Column(name, Text()) for name in FIELDS),
        )
        self._replace = insert(self.table).prefix_with("OR REPLACE")
        # FTS5's hidden column named after the table: MATCH and bm25() take it.
        self._hidden: ColumnElement[Any] = literal_column(f'"{self.name}"')

    def write(
        self,
        conn: Connection,
        documents: Sequence[PreparedDocument],
        document_ids: Mapping[UUID, int],
    ) -> None:
        """Insert or replace the FTS5 rows (one statement for all ``documents``)."""
        rows = [
            {"rowid": document_ids[doc.article_id], **{name: doc.field(name) for name in FIELDS}}
            for doc in self.indexed(documents)
            if doc.article_id in document_ids
        ]
        if rows:
            conn.execute(self._replace, rows)

    def match(
        self, conn: Connection, query: SearchQuery, *, locale: str | None, cache: dict[Any, Any]
    ) -> Match:
        """One shape for every query: the FTS5 expression is a bound string."""
        return Match("fts5", {"fts5_query": fts5_expression(query)})

    def matches(self, query: SearchQuery, match: Match) -> Select[Any]:
        """Rows matching the FTS5 expression, ranked by weighted bm25 (lower is better)."""
        score = -func.bm25(self._hidden, *(BM25_WEIGHTS[name] for name in FIELDS))
        return select(
            self.table.c.rowid.label("key"),
            cast(score * RANK_SCALE, BigInteger).label("rank"),
        ).where(self._hidden.op("MATCH")(bindparam("fts5_query", type_=Text())))
