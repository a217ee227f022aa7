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

from newscms.store.migrations import current_prefix, current_schema

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REINDEX_FLAG = "search_reindex_needed"


def _meta() -> sa.TableClause:
    return sa.table(
        f"{current_prefix()}meta", sa.column("key"), sa.column("value"), schema=current_schema()
    )


def upgrade() -> None:
    bind = op.get_bind()
    articles = sa.table(
        f"{current_prefix()}articles", sa.column("id"), sa.column("locale"), schema=current_schema()
    )
    thai = sa.or_(articles.c.locale == "th", articles.c.locale.like("th-%"))
    if bind.execute(sa.select(articles.c.id).where(thai).limit(1)).first() is None:
        return
    meta = _meta()
    if bind.execute(sa.select(meta.c.key).where(meta.c.key == REINDEX_FLAG)).first() is None:
        op.execute(meta.insert().values(key=REINDEX_FLAG, value=revision))


def downgrade() -> None:
    meta = _meta()
    op.execute(meta.delete().where(meta.c.key == REINDEX_FLAG, meta.c.value == revision))
