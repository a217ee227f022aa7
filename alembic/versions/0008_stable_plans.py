"""Mostly-NULL indexes made partial, so planner statistics cannot make them look useless.

Almost every relation is resolved and has NULL pending keys. SQLite's ANALYZE counts the
NULLs as one value, so after it the full indexes looked unselective and each lookup of a
pending key scanned the whole relations table (an edit of an article took ~40 ms at
100,000 articles); the same for the translation-group index, which an edit's
"articles showing this one" query needs. The partial indexes hold only the rows with
the key set (PostgreSQL too); MariaDB has no partial indexes and keeps the full ones.
The indexes are those of ``tables.MOSTLY_NULL_INDEXES`` named in ``_REBUILT`` (later
revisions add their own).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.tables import MOSTLY_NULL_INDEXES, not_null_predicate

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REBUILT = (
    "relations_pending_title",
    "relations_pending_url",
    "relations_pending_slug",
    "articles_translation_group",
)


def _rebuild(*, partial: bool) -> None:
    p, schema = current_prefix(), current_schema()
    if op.get_bind().dialect.name not in ("sqlite", "postgresql"):
        return
    for name in _REBUILT:
        index = MOSTLY_NULL_INDEXES[name]
        table = f"{p}{index.table}"
        op.drop_index(f"ix_{p}{name}", table_name=table, schema=schema)
        options = not_null_predicate(index.key) if partial else {}
        op.create_index(f"ix_{p}{name}", table, list(index.columns), schema=schema, **options)


def upgrade() -> None:
    _rebuild(partial=True)


def downgrade() -> None:
    _rebuild(partial=False)
