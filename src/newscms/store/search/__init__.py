"""Full-text search in every language, on SQLite (FTS5), PostgreSQL and MariaDB.

``uow.search.search(query, ...)`` returns a ``Page`` of ``SearchHit``; the index is kept
in step by every save, in the same transaction; ``reindex(store)`` rebuilds it. The
text every engine indexes is prepared in Python (``text``), queries are parsed once
(``query``) and rendered per engine (``sqlite_fts5``, ``postgres``, ``mariadb``).
docs/search.md describes the syntax, the engines and the costs.
"""

from newscms.domain.search_hit import SearchHit as SearchHit
from newscms.store.search.query import MAX_QUERY_LENGTH as MAX_QUERY_LENGTH
from newscms.store.search.query import MAX_TERMS as MAX_TERMS
from newscms.store.search.query import SearchQuery as SearchQuery
from newscms.store.search.query import parse_query as parse_query
from newscms.store.search.rebuild import reindex as reindex
from newscms.store.search.repository import SearchRepository as SearchRepository

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "SearchHit",
    "SearchQuery",
    "SearchRepository",
    "parse_query",
    "reindex",
]
