"""Media: media items (metadata of images kept in the host's storage) and the media an
article shows, in order and role; ``articles.media_count`` says which articles show any.

Existing articles show none (``media_count`` 0); images inside their bodies stay there.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.types import JSONData, Key, UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    ref = f"{schema}.{p}" if schema else p
    op.add_column(
        f"{p}articles",
        sa.Column("media_count", sa.Integer(), nullable=False, server_default="0"),
        schema=schema,
    )
    op.create_table(
        f"{p}media",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("url_key", Key(64), nullable=False),
        sa.Column("storage_key", sa.String(500)),
        sa.Column("mime_type", sa.String(128)),
        sa.Column("width", sa.Integer()),
        sa.Column("height", sa.Integer()),
        sa.Column("alt", JSONData, nullable=False),
        sa.Column("caption", JSONData, nullable=False),
        sa.Column("credit", sa.String(300)),
        sa.Column("copyright_holder", sa.String(300)),
        sa.Column("focal_point", JSONData),
        sa.Column("renditions", JSONData, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url_key"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(f"ix_{p}media_recent", f"{p}media", ["created_at", "id"], schema=schema)
    op.create_table(
        f"{p}article_media",
        sa.Column(
            "article_id",
            sa.Uuid(),
            sa.ForeignKey(f"{ref}articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Uuid(), sa.ForeignKey(f"{ref}media.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "position"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(f"ix_{p}article_media_media", f"{p}article_media", ["media_id"], schema=schema)


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    op.drop_table(f"{p}article_media", schema=schema)
    op.drop_table(f"{p}media", schema=schema)
    op.drop_column(f"{p}articles", "media_count", schema=schema)
