"""Full-text search: the filter row of every article, and each engine's text index.

``<prefix>search_documents`` is an ordinary table (in the models). The text index is
engine-specific and is not in the models; schema comparisons skip it by name
(``newscms.store.search.schema``):

- SQLite: an FTS5 virtual table with the ``ascii`` tokenizer (newscms prepares the
  tokens), and a trigger removing its row with the ``search_documents`` row;
- PostgreSQL: a table of ``tsvector`` (and the text-search configuration it was made
  with) with a GIN index;
- MariaDB/MySQL: a table of prepared text with an InnoDB FULLTEXT index, created with
  stop words off (the session setting is read when the index is created).

Articles stored before this revision are not indexed here (preparing their text is
the library's work, which may change after this revision was written): a flag in the
meta table makes searches ask for ``newscms reindex`` until it has run.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.types import EventId, Key, UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}
FIELDS = ("headline", "summary", "body", "tags", "chars")
REINDEX_FLAG = "search_reindex_needed"


def _quoted(name: str, schema: str | None = None) -> str:
    preparer = op.get_bind().dialect.identifier_preparer
    return f"{preparer.quote(schema)}.{preparer.quote(name)}" if schema else preparer.quote(name)


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    ref = f"{schema}.{p}" if schema else p
    op.create_table(
        f"{p}search_documents",
        sa.Column("id", EventId, nullable=False, autoincrement=True),
        sa.Column(
            "article_id",
            sa.Uuid(),
            sa.ForeignKey(f"{ref}articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("locale", Key(35), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_public", sa.Boolean(create_constraint=False), nullable=False),
        sa.Column("listed_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id"),
        schema=schema,
        **MYSQL,
    )
    index = f"{p}search_index"
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        columns = ", ".join(FIELDS)
        op.execute(
            f"CREATE VIRTUAL TABLE {_quoted(index, schema)} "
            f"USING fts5({columns}, tokenize = 'ascii')"
        )
        op.execute(
            f"CREATE TRIGGER {_quoted(f'{index}_unindex', schema)} "
            f"AFTER DELETE ON {_quoted(f'{p}search_documents')} "
            f"BEGIN DELETE FROM {_quoted(index)} WHERE rowid = old.id; END"
        )
    elif dialect == "postgresql":
        op.create_table(
            index,
            sa.Column(
                "article_id",
                sa.Uuid(),
                sa.ForeignKey(f"{ref}search_documents.article_id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("config", sa.String(32), nullable=False),
            sa.Column("vector", postgresql.TSVECTOR(), nullable=False),
            sa.PrimaryKeyConstraint("article_id"),
            schema=schema,
        )
        op.create_index(
            f"ix_{index}_vector", index, ["vector"], postgresql_using="gin", schema=schema
        )
    elif dialect in ("mysql", "mariadb"):
        op.create_table(
            index,
            sa.Column(
                "article_id",
                sa.Uuid(),
                sa.ForeignKey(f"{ref}search_documents.article_id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column(
                "document",
                mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"),
                nullable=False,
            ),
            sa.PrimaryKeyConstraint("article_id"),
            schema=schema,
            **MYSQL,
        )
        bind = op.get_bind()
        stopwords = bind.exec_driver_sql("SELECT @@SESSION.innodb_ft_enable_stopword").scalar()
        op.execute("SET SESSION innodb_ft_enable_stopword = OFF")
        op.create_index(
            f"ix_{index}_document", index, ["document"], mysql_prefix="FULLTEXT", schema=schema
        )
        op.execute(f"SET SESSION innodb_ft_enable_stopword = {int(stopwords or 0)}")

    articles = sa.table(f"{p}articles", sa.column("id"), schema=schema)
    if op.get_bind().execute(sa.select(articles.c.id).limit(1)).first() is not None:
        meta = sa.table(f"{p}meta", sa.column("key"), sa.column("value"), schema=schema)
        op.execute(meta.insert().values(key=REINDEX_FLAG, value=revision))


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    index = f"{p}search_index"
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {_quoted(f'{index}_unindex', schema)}")
        op.execute(f"DROP TABLE IF EXISTS {_quoted(index, schema)}")
    elif dialect in ("postgresql", "mysql", "mariadb"):
        op.drop_table(index, schema=schema)
    meta = sa.table(f"{p}meta", sa.column("key"), sa.column("value"), schema=schema)
    op.execute(meta.delete().where(meta.c.key == REINDEX_FLAG))
    op.drop_table(f"{p}search_documents", schema=schema)
