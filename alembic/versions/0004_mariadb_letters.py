"""MariaDB/MySQL: the search index encodes the letters InnoDB's parser would drop.

No schema change. Documents indexed before this revision hold such letters as they
were (split into fragments), so a database that holds articles is flagged for one
``newscms reindex``: searches ask for it until it has run, instead of quietly missing
those words. SQLite and PostgreSQL index as before and are not flagged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import (
    current_prefix,
    current_schema,
    flag_search_reindex,
    unflag_search_reindex,
)

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name not in ("mysql", "mariadb"):
        return
    articles = sa.table(f"{current_prefix()}articles", sa.column("id"), schema=current_schema())
    if bind.execute(sa.select(articles.c.id).limit(1)).first() is None:
        return
    flag_search_reindex(revision)


def downgrade() -> None:
    unflag_search_reindex(revision)
