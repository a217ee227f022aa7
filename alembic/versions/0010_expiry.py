"""Expiry: ``expires_at`` on articles and on their listing rows.

An article leaves public view at ``expires_at`` (reads, listings, feeds, sitemaps,
search) with no job to run; the time is copied, like ``is_public`` and ``listed_at``,
into ``article_tags`` and ``search_documents`` so each listing and search filters on the
rows it walks. Every existing article keeps NULL (it never expires). A partial index
(full on MariaDB) finds the articles ``publish_due`` still has to announce as expired,
and the tag listing index ends with ``expires_at``, so a tag's public articles are
still counted and walked in the index alone.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.tables import MOSTLY_NULL_INDEXES, not_null_predicate
from newscms.store.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("articles", "article_tags", "search_documents")
_INDEX = "articles_expiry"
_LISTING = ("tag_id", "is_public", "listed_at", "article_id")


def _tag_listing(columns: tuple[str, ...]) -> None:
    """Rebuild the tag listing index on ``columns``.

    A stand-in index on ``tag_id`` holds the place meanwhile: MariaDB refuses to drop
    the only index its foreign key on ``tag_id`` can use.
    """
    p, schema = current_prefix(), current_schema()
    table, name, stand_in = f"{p}article_tags", f"ix_{p}article_tags_listing", f"ix_{p}tmp_0010"
    op.create_index(stand_in, table, ["tag_id"], schema=schema)
    op.drop_index(name, table_name=table, schema=schema)
    op.create_index(name, table, list(columns), schema=schema)
    op.drop_index(stand_in, table_name=table, schema=schema)


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    for table in _TABLES:
        op.add_column(f"{p}{table}", sa.Column("expires_at", UTCDateTime()), schema=schema)
    index = MOSTLY_NULL_INDEXES[_INDEX]
    op.create_index(
        f"ix_{p}{_INDEX}",
        f"{p}{index.table}",
        list(index.columns),
        schema=schema,
        **not_null_predicate(index.key),
    )
    _tag_listing((*_LISTING, "expires_at"))


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    _tag_listing(_LISTING)
    op.drop_index(f"ix_{p}{_INDEX}", table_name=f"{p}articles", schema=schema)
    # In place (SQLite 3.35+ drops an unindexed column itself): a batch copy of the
    # articles table would cascade its delete into every table that refers to it.
    for table in _TABLES:
        op.drop_column(f"{p}{table}", "expires_at", schema=schema)
