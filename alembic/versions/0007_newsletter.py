"""Newsletter: subscribers, the send log, suppressions, share rate limits, aggregate counts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.types import EventId, JSONData, Key, UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    ref = f"{schema}.{p}" if schema else p
    op.create_table(
        f"{p}subscribers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", Key(254), nullable=False),
        sa.Column("locale", Key(35), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("editions", JSONData, nullable=False),
        sa.Column("tag_ids", JSONData, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime()),
        sa.Column("unsubscribed_at", UTCDateTime()),
        sa.Column("suppressed_at", UTCDateTime()),
        sa.Column("suppressed_reason", sa.String(32)),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(
        f"ix_{p}subscribers_mailing", f"{p}subscribers", ["frequency", "id"], schema=schema
    )
    op.create_table(
        f"{p}newsletter_sends",
        sa.Column("digest_key", Key(64), nullable=False),
        sa.Column(
            "subscriber_id",
            sa.Uuid(),
            sa.ForeignKey(f"{ref}subscribers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("error", sa.String(500)),
        sa.PrimaryKeyConstraint("digest_key", "subscriber_id"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(
        f"ix_{p}newsletter_sends_subscriber",
        f"{p}newsletter_sends",
        ["subscriber_id"],
        schema=schema,
    )
    op.create_table(
        f"{p}newsletter_suppressions",
        sa.Column("email", Key(254), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("email"),
        schema=schema,
        **MYSQL,
    )
    op.create_table(
        f"{p}newsletter_shares",
        sa.Column("id", EventId, nullable=False, autoincrement=True),
        sa.Column("sender_key", Key(64), nullable=False),
        sa.Column("recipient_key", Key(64), nullable=False),
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(
        f"ix_{p}newsletter_shares_sender",
        f"{p}newsletter_shares",
        ["sender_key", "sent_at"],
        schema=schema,
    )
    op.create_index(
        f"ix_{p}newsletter_shares_recipient",
        f"{p}newsletter_shares",
        ["recipient_key", "sent_at"],
        schema=schema,
    )
    op.create_table(
        f"{p}newsletter_counts",
        sa.Column("name", Key(64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
        schema=schema,
        **MYSQL,
    )


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    op.drop_table(f"{p}newsletter_counts", schema=schema)
    op.drop_table(f"{p}newsletter_shares", schema=schema)
    op.drop_table(f"{p}newsletter_suppressions", schema=schema)
    op.drop_table(f"{p}newsletter_sends", schema=schema)
    op.drop_table(f"{p}subscribers", schema=schema)
