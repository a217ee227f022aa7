"""Search: SQLite and MariaDB index words as their Snowball stems, as PostgreSQL does.

No schema change. Documents indexed before this revision on SQLite or MariaDB hold the
words as they are written, which a query no longer asks for alone (``vote`` is asked as
``vote`` or its stems; ``voted`` is now indexed as ``vote``), so a database holding
articles in a language newscms stems (``newscms.store.search.stemming.LANGUAGES``) is
flagged for one ``newscms reindex``: searches ask for it until it has run, instead of
quietly missing words. PostgreSQL (which stems itself) and databases without such
articles are not flagged. A downgrade flags the same databases, for the same reason the
other way round.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema, flag_search_reindex
from newscms.store.search.stemming import language_of

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _flag_if_stemmed() -> None:
    """Ask for a reindex when the index's words may be in the other form."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        return
    articles = sa.table(f"{current_prefix()}articles", sa.column("locale"), schema=current_schema())
    locales = bind.execute(sa.select(articles.c.locale).distinct()).scalars()
    if not any(language_of(locale) is not None for locale in locales):
        return
    flag_search_reindex(revision)


def upgrade() -> None:
    _flag_if_stemmed()


def downgrade() -> None:
    # The index now holds stems, which the code of 0008 does not ask for: reindex there.
    _flag_if_stemmed()
