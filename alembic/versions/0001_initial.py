"""Initial schema: articles, slugs, bylines, tags, article tags, relations, meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.types import JSONData, Key, LongText, UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    ref = f"{schema}.{p}" if schema else p

    def fk(table: str) -> sa.ForeignKey:
        return sa.ForeignKey(f"{ref}{table}.id", ondelete="CASCADE")

    def boolean() -> sa.Boolean:
        return sa.Boolean(create_constraint=False)

    op.create_table(
        f"{p}articles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("locale", Key(35), nullable=False),
        sa.Column("slug", Key(200), nullable=False),
        sa.Column("headline", sa.String(500), nullable=False),
        sa.Column("subheadline", sa.String(1000)),
        sa.Column("summary", sa.Text()),
        sa.Column("body", LongText, nullable=False),
        sa.Column("byline", JSONData, nullable=False),
        sa.Column("dateline_place", sa.String(200)),
        sa.Column("dateline_source", sa.String(200)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_public", boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("first_published_at", UTCDateTime()),
        sa.Column("listed_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("canonical_url", sa.String(2000)),
        sa.Column("url_key", Key(64)),
        sa.Column("title_key", Key(64), nullable=False),
        sa.Column("source_format", sa.String(32)),
        sa.Column("source_locator", sa.String(2000)),
        sa.Column("source_key", Key(64)),
        sa.Column("date_provenance", JSONData),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("locale", "slug"),
        sa.UniqueConstraint("source_key"),
        schema=schema,
        **MYSQL,
    )
    for name, columns in {
        "listing": ["is_public", "listed_at", "id"],
        "locale_listing": ["locale", "is_public", "listed_at", "id"],
        "status_listing": ["status", "listed_at", "id"],
        "recent": ["listed_at", "id"],
        "title_key": ["title_key"],
        "url_key": ["url_key"],
    }.items():
        op.create_index(f"ix_{p}articles_{name}", f"{p}articles", columns, schema=schema)

    op.create_table(
        f"{p}article_slugs",
        sa.Column("locale", Key(35), nullable=False),
        sa.Column("slug", Key(200), nullable=False),
        sa.Column("article_id", sa.Uuid(), fk("articles"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("locale", "slug"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(
        f"ix_{p}article_slugs_article", f"{p}article_slugs", ["article_id"], schema=schema
    )

    op.create_table(
        f"{p}article_people",
        sa.Column("article_id", sa.Uuid(), fk("articles"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_key", Key(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "position"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(
        f"ix_{p}article_people_person", f"{p}article_people", ["person_key"], schema=schema
    )

    op.create_table(
        f"{p}tags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", Key(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        schema=schema,
        **MYSQL,
    )
    op.create_table(
        f"{p}tag_names",
        sa.Column("tag_id", sa.Uuid(), fk("tags"), nullable=False),
        sa.Column("locale", Key(35), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", Key(200), nullable=False),
        sa.PrimaryKeyConstraint("tag_id", "locale"),
        schema=schema,
        **MYSQL,
    )
    op.create_table(
        f"{p}tag_slugs",
        sa.Column("kind", Key(32), nullable=False),
        sa.Column("locale", Key(35), nullable=False),
        sa.Column("slug", Key(200), nullable=False),
        sa.Column("tag_id", sa.Uuid(), fk("tags"), nullable=False),
        sa.PrimaryKeyConstraint("kind", "locale", "slug"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(f"ix_{p}tag_slugs_tag", f"{p}tag_slugs", ["tag_id"], schema=schema)

    op.create_table(
        f"{p}article_tags",
        sa.Column("article_id", sa.Uuid(), fk("articles"), nullable=False),
        sa.Column("tag_id", sa.Uuid(), fk("tags"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_public", boolean(), nullable=False),
        sa.Column("listed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "tag_id"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(
        f"ix_{p}article_tags_listing",
        f"{p}article_tags",
        ["tag_id", "is_public", "listed_at", "article_id"],
        schema=schema,
    )

    op.create_table(
        f"{p}relations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_id", sa.Uuid(), fk("articles"), nullable=False),
        sa.Column("kind", Key(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Uuid(), fk("articles")),
        sa.Column("target_key", Key(80), nullable=False),
        sa.Column("pending_title", sa.String(500)),
        sa.Column("pending_published_at", UTCDateTime()),
        sa.Column("pending_url", sa.String(2000)),
        sa.Column("pending_slug", Key(200)),
        sa.Column("pending_locale", Key(35)),
        sa.Column("pending_title_key", Key(64)),
        sa.Column("pending_url_key", Key(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "kind", "target_key"),
        schema=schema,
        **MYSQL,
    )
    for name, columns in {
        "source": ["source_id", "position"],
        "target": ["target_id"],
        "pending_title": ["pending_title_key"],
        "pending_url": ["pending_url_key"],
        "pending_slug": ["pending_locale", "pending_slug"],
    }.items():
        op.create_index(f"ix_{p}relations_{name}", f"{p}relations", columns, schema=schema)

    meta = op.create_table(
        f"{p}meta",
        sa.Column("key", Key(64), nullable=False),
        sa.Column("value", sa.String(1000), nullable=False),
        sa.PrimaryKeyConstraint("key"),
        schema=schema,
        **MYSQL,
    )
    # Signs pagination cursors; made here so every worker of a site shares it.
    op.bulk_insert(meta, [{"key": "cursor_secret", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    for table in (
        "meta",
        "relations",
        "article_tags",
        "tag_slugs",
        "tag_names",
        "tags",
        "article_people",
        "article_slugs",
        "articles",
    ):
        op.drop_table(f"{p}{table}", schema=schema)
