"""Editorial workflow: embargoes, the public correction log, revisions, the event outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.types import Blob, EventId, JSONData, UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    ref = f"{schema}.{p}" if schema else p
    with op.batch_alter_table(f"{p}articles", schema=schema) as batch:
        batch.add_column(sa.Column("embargoed_until", UTCDateTime()))
        batch.add_column(sa.Column("corrections", JSONData))

    op.create_table(
        f"{p}revisions",
        sa.Column(
            "article_id",
            sa.Uuid(),
            sa.ForeignKey(f"{ref}articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(200)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("changed_fields", JSONData, nullable=False),
        sa.Column("base_version", sa.Integer()),
        sa.Column("snapshot", Blob, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "version"),
        schema=schema,
        **MYSQL,
    )
    op.create_table(
        f"{p}events",
        sa.Column("id", EventId, nullable=False, autoincrement=True),
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", JSONData, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(
        f"ix_{p}events_undelivered", f"{p}events", ["delivered_at", "id"], schema=schema
    )


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    op.drop_table(f"{p}events", schema=schema)
    op.drop_table(f"{p}revisions", schema=schema)
    with op.batch_alter_table(f"{p}articles", schema=schema) as batch:
        batch.drop_column("corrections")
        batch.drop_column("embargoed_until")
