"""What every search engine module provides, and how the right one is chosen.

An engine module (``sqlite_fts5``, ``postgres``, ``mariadb``) knows one database's text
index: how to write prepared documents into it and how to turn a parsed query into a
``SELECT`` of matching keys and ranks. Everything else (filters, ordering, cursors,
loading articles, snippets) is the repository's, identical on every backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from newscms.store.search.schema import index_table_name
from newscms.store.search.stemming import languages_searched, stemmed_document, stemmed_query

if TYPE_CHECKING:
    from collections.abc import Collection, Hashable, Mapping, Sequence
    from uuid import UUID

    from sqlalchemy import Connection, Select, Subquery

    from newscms.store.search.documents import PreparedDocument
    from newscms.store.search.query import SearchQuery
    from newscms.store.tables import Tables

__all__ = ["RANK_SCALE", "Match", "SearchEngine"]

RANK_SCALE = 1_000_000_000
"""Ranks are compared as integers (score x 1e9): a float read back through a driver may
not equal the one the database compares, and cursors must resume exactly. bm25 scores
of a small collection are as small as 1e-6, hence the large scale."""


@dataclass(frozen=True, slots=True)
class Match:
    """A query as an engine runs it: a statement shape and the values bound into it.

    Building a search statement costs SQLAlchemy more than running it, so statements
    are kept per shape and built once (see ``SearchEngine.statements``).
    """

    shape: Hashable
    values: dict[str, Any]


class SearchEngine(ABC):
    """One database's text index."""

    key_column: ClassVar[str]
    """The ``search_documents`` column the match key equals (``id`` or ``article_id``)."""

    stems_in_python: ClassVar[bool] = False
    """Whether the index holds Snowball stems made by newscms (``stemming``), for an
    engine with no stemmer of its own: documents are written and queries asked so."""

    candidate_limit: ClassVar[int | None] = None
    """How many matches, newest first, an engine ranks at most (``None``: all of them).

    For an engine whose ranking reads every matching document (PostgreSQL's
    ``ts_rank`` reads each vector): a word in most articles would otherwise be ranked
    over the whole archive for one page. Such an engine implements ``unranked``.
    """

    indexes_at_commit: ClassVar[bool] = False
    """Whether index changes become searchable only when the transaction commits
    (InnoDB FULLTEXT). Such an engine also implements ``stored`` and ``score``, so a
    transaction still finds the articles it saved: see the repository's ``search``."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.name = index_table_name(tables.prefix)
        self.statements: dict[Hashable, Select[Any]] = {}
        """Whole search statements by shape (the repository's); bounded by ``STATEMENTS``."""

    def searched(
        self, conn: Connection, query: SearchQuery, *, locale: str | None, cache: dict[Any, Any]
    ) -> SearchQuery:
        """``query`` as this engine is asked it: with its stems where newscms stems.

        ``locale`` and ``cache`` are ``match``'s; the result is what ``match``,
        ``matches`` and ``score`` are then given.
        """
        if not self.stems_in_python:
            return query
        return stemmed_query(query, languages_searched(conn, self.tables, locale, cache))

    def indexed(self, documents: Sequence[PreparedDocument]) -> Sequence[PreparedDocument]:
        """``documents`` as this engine indexes them: stemmed where newscms stems."""
        if not self.stems_in_python:
            return documents
        return [stemmed_document(document) for document in documents]

    @abstractmethod
    def write(
        self,
        conn: Connection,
        documents: Sequence[PreparedDocument],
        document_ids: Mapping[UUID, int],
    ) -> None:
        """Store (or replace) the text of ``documents``; their filter rows already exist."""

    @abstractmethod
    def match(
        self, conn: Connection, query: SearchQuery, *, locale: str | None, cache: dict[Any, Any]
    ) -> Match:
        """How ``query`` matches here: the shape of its statement and the values to bind.

        Cheap: no statement is built. ``locale`` is the locale the search is restricted
        to, if any (PostgreSQL reads the query with that language's stemmer); ``cache``
        lives as long as the unit of work.
        """

    @abstractmethod
    def matches(self, query: SearchQuery, match: Match) -> Select[Any]:
        """The statement of ``match.shape``: documents as ``key`` and ``rank``.

        ``key`` equals ``search_documents.<key_column>``; ``rank`` is an integer
        (``RANK_SCALE``), higher is better. Its parameters are named as in
        ``match.values``, so the statement serves every query of the same shape.
        """

    def unranked(self, query: SearchQuery, match: Match) -> Select[Any]:
        """The keys (``key``) of the documents ``match`` finds, without ranking them."""
        raise NotImplementedError

    def ranked(self, query: SearchQuery, match: Match, candidates: Subquery) -> Select[Any]:
        """The ``candidates`` (``unranked``'s keys, as ``key``) that match, ranked.

        Every column of ``candidates`` and ``rank``, as in ``matches``: what an engine
        with a ``candidate_limit`` ranks instead of every match.
        """
        raise NotImplementedError

    def planned_per_call(self, conn: Connection) -> AbstractContextManager[None]:
        """Around a search statement: what keeps its plan right for its words (nothing here)."""
        del conn
        return nullcontext()

    def stored(self, conn: Connection, article_ids: Collection[UUID]) -> dict[UUID, str]:
        """The indexed text of these articles as this transaction sees it."""
        raise NotImplementedError

    def score(self, query: SearchQuery, stored: str) -> int | None:
        """The rank of a stored text for ``query`` (``None`` when it does not match)."""
        raise NotImplementedError
