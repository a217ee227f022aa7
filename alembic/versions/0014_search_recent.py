"""PostgreSQL: the search filter rows indexed by listing time, for the candidate walk.

A word in most articles is ranked among its newest matches only (``CANDIDATES``). To
find them, PostgreSQL walks this index newest first and checks each row's vector,
stopping once it has enough, instead of reading and sorting every match. The other
engines rank every match and get no index. Engine-specific, so schema comparisons skip
it by name (``newscms.store.search.schema``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.search.schema import recent_index_name

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    p, schema = current_prefix(), current_schema()
    op.create_index(
        recent_index_name(p), f"{p}search_documents", ["listed_at", "article_id"], schema=schema
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    p, schema = current_prefix(), current_schema()
    op.drop_index(recent_index_name(p), table_name=f"{p}search_documents", schema=schema)
