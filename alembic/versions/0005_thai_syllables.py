"""Search: Thai is indexed as syllables, no longer as character bigrams.

No schema change. Documents indexed before this revision hold Thai as bigrams, which
a query no longer asks for, so a database that holds Thai articles (locale ``th``) is
flagged for one ``newscms reindex``: searches ask for it until it has run, instead of
quietly missing Thai words. Databases without Thai articles are not flagged.

Revision ID: 0005
Revises: 0004
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

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    articles = sa.table(
        f"{current_prefix()}articles", sa.column("id"), sa.column("locale"), schema=current_schema()
    )
    thai = sa.or_(articles.c.locale == "th", articles.c.locale.like("th-%"))
    if bind.execute(sa.select(articles.c.id).where(thai).limit(1)).first() is None:
        return
    flag_search_reindex(revision)


def downgrade() -> None:
    unflag_search_reindex(revision)
