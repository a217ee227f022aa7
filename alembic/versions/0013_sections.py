"""Sections: section tags form a tree, a parent and an order among siblings on each tag.

Every existing tag stays at the top (``parent_id`` NULL, ``position`` 0). The columns
are added and dropped in place, with no foreign key: on SQLite either would need a copy
of the tags table, whose delete would cascade into every table that refers to it. The
store keeps the tree whole itself (a merged section's subsections move with it, a
deleted one's go to the top).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    table = f"{p}tags"
    op.add_column(table, sa.Column("parent_id", sa.Uuid()), schema=schema)
    op.add_column(
        table,
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        schema=schema,
    )
    op.create_index(f"ix_{p}tags_parent", table, ["parent_id", "position"], schema=schema)


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    table = f"{p}tags"
    op.drop_index(f"ix_{p}tags_parent", table_name=table, schema=schema)
    op.drop_column(table, "position", schema=schema)
    op.drop_column(table, "parent_id", schema=schema)
