"""An article as the index holds it: prepared text per field, and its filter row.

``prepare`` turns an ``Article`` into the four fields every engine indexes (their
tokens joined by spaces); ``upsert_documents`` copies what search filters on (locale,
status, visibility, dates) from the articles table into ``search_documents`` in one
statement, so the copy can never disagree with the row it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import mysql, postgresql, sqlite

from newscms.store.search.text import indexed, plain_text

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from sqlalchemy import Connection
    from sqlalchemy.sql import Executable

    from newscms.domain.article import Article
    from newscms.store.tables import Tables

__all__ = ["FIELDS", "MAX_INDEXED_BODY", "PreparedDocument", "prepare", "upsert_documents"]

FIELDS = ("headline", "summary", "body", "tags", "chars")
"""The indexed fields. Ranking weighs the headline most, then tags, summary and body;
``chars`` holds the last characters of the unsegmented runs of all the others (see
``text.indexed``), found by one-character searches and weighed like the body."""

MAX_INDEXED_BODY = 100_000
"""Characters of body text indexed: a long read is found by its first 15,000 words or so,
and no engine's per-row limit (PostgreSQL's 1 MB tsvector) can be reached."""


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """The prepared text of one article: each field's tokens joined by single spaces."""

    article_id: UUID
    locale: str
    headline: str
    summary: str
    body: str
    tags: str
    chars: str

    def field(self, name: str) -> str:
        """One field's prepared text by name (``FIELDS``)."""
        value: str = getattr(self, name)
        return value


def prepare(article: Article) -> PreparedDocument:
    """The index's view of ``article``: its four fields and their run-end characters.

    The fields are the headline; the subheadline and summary; the body's text; the
    names of its tags as the article's readers see them.
    """
    summary = "\n".join(part for part in (article.subheadline, article.summary) if part)
    sources = {
        "headline": article.headline,
        "summary": summary,
        "body": plain_text(article.body)[:MAX_INDEXED_BODY],
        "tags": "\n".join(tag.name for tag in article.tags),
    }
    fields: dict[str, str] = {}
    chars: dict[str, None] = {}
    for name, source in sources.items():
        words, ends = indexed(source) if source else ([], [])
        fields[name] = " ".join(words)
        chars.update(dict.fromkeys(ends))
    return PreparedDocument(
        article_id=article.id,
        locale=article.locale,
        headline=fields["headline"],
        summary=fields["summary"],
        body=fields["body"],
        tags=fields["tags"],
        chars=" ".join(chars),
    )


_COPIED = ("locale", "status", "is_public", "listed_at", "published_at", "expires_at")


@lru_cache(maxsize=32)
def _upsert(tables: Tables, dialect: str) -> Executable:
    """The upsert of filter rows from the articles table, built once per tables and dialect.

    Building it costs more than running it, so it is made once with an expanding
    parameter for the ids.
    """
    a, d = tables.articles, tables.search_documents
    columns = ("article_id", *_COPIED)
    source = select(a.c.id, *(a.c[name] for name in _COPIED)).where(
        a.c.id.in_(bindparam("ids", expanding=True))
    )
    if dialect == "sqlite":
        lite = sqlite.insert(d).from_select(columns, source)
        return lite.on_conflict_do_update(
            index_elements=[d.c.article_id], set_={n: lite.excluded[n] for n in _COPIED}
        ).returning(d.c.article_id, d.c.id)
    if dialect == "postgresql":
        pg = postgresql.insert(d).from_select(columns, source)
        return pg.on_conflict_do_update(
            index_elements=[d.c.article_id], set_={n: pg.excluded[n] for n in _COPIED}
        )
    my = mysql.insert(d).from_select(columns, source)
    return my.on_duplicate_key_update({n: my.inserted[n] for n in _COPIED})


def upsert_documents(
    conn: Connection, tables: Tables, article_ids: Sequence[UUID]
) -> dict[UUID, int]:
    """Copy the articles' filter columns into ``search_documents`` (insert or update).

    Returns the document id of each article where the engine needs it (SQLite, whose
    FTS5 rows are keyed by it), else an empty mapping.
    """
    dialect = conn.dialect.name
    result = conn.execute(_upsert(tables, dialect), {"ids": list(article_ids)})
    if dialect != "sqlite":
        return {}
    ids: dict[UUID, int] = {}
    for article_id, ident in result.all():
        ids[article_id] = ident
    return ids
