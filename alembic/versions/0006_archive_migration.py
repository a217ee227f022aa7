"""Archive migration: translation groups, place codes on tags, legacy URLs, date evidence.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.types import Key, UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    ref = f"{schema}.{p}" if schema else p
    with op.batch_alter_table(f"{p}articles", schema=schema) as batch:
        batch.add_column(sa.Column("translation_group", sa.Uuid()))
    op.create_index(
        f"ix_{p}articles_translation_group",
        f"{p}articles",
        ["translation_group", "locale"],
        schema=schema,
    )
    with op.batch_alter_table(f"{p}tags", schema=schema) as batch:
        batch.add_column(sa.Column("code", Key(32)))
        batch.create_unique_constraint(f"uq_{p}tags_kind_code", ["kind", "code"])
    op.create_table(
        f"{p}legacy_urls",
        sa.Column("url_key", Key(64), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column(
            "article_id",
            sa.Uuid(),
            sa.ForeignKey(f"{ref}articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("url_key"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(f"ix_{p}legacy_urls_article", f"{p}legacy_urls", ["article_id"], schema=schema)
    op.create_table(
        f"{p}date_evidence",
        sa.Column("source", Key(32), nullable=False),
        sa.Column("locale", Key(35), nullable=False),
        sa.Column("kind", Key(32), nullable=False),
        sa.Column("month_first", sa.Integer(), nullable=False),
        sa.Column("day_first", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "locale", "kind"),
        schema=schema,
        **MYSQL,
    )


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    op.drop_table(f"{p}date_evidence", schema=schema)
    op.drop_table(f"{p}legacy_urls", schema=schema)
    with op.batch_alter_table(f"{p}tags", schema=schema) as batch:
        batch.drop_constraint(f"uq_{p}tags_kind_code", type_="unique")
        batch.drop_column("code")
    op.drop_index(f"ix_{p}articles_translation_group", f"{p}articles", schema=schema)
    with op.batch_alter_table(f"{p}articles", schema=schema) as batch:
        batch.drop_column("translation_group")
