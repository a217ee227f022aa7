"""People: bylines credit profiles (``people``), found by any spelling (``person_names``),
with a slug per locale (``person_slugs``).

Existing bylines become people: one profile per distinct name key of ``article_people``
(its first spelling, by article creation, is the profile's name; every spelling that
maps to the key finds it), a slug in each locale it was credited in, and every byline
entry of every article gets its profile's id and slug (articles are rewritten in
batches of 500). A downgrade drops the profiles and takes the ids and slugs out of the
bylines again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

from newscms.store.migrations import current_prefix, current_schema
from newscms.store.types import JSONData, Key, UTCDateTime
from newscms.utils.keys import person_key

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}
_BATCH = 500


def _tables() -> tuple[sa.Table, sa.Table, sa.Table, sa.Table, sa.Table]:
    p, schema = current_prefix(), current_schema()
    meta = sa.MetaData(schema=schema)
    articles = sa.Table(
        f"{p}articles",
        meta,
        sa.Column("id", sa.Uuid()),
        sa.Column("locale", sa.String()),
        sa.Column("byline", JSONData),
        sa.Column("created_at", UTCDateTime()),
    )
    article_people = sa.Table(
        f"{p}article_people",
        meta,
        sa.Column("article_id", sa.Uuid()),
        sa.Column("position", sa.Integer()),
        sa.Column("person_key", sa.String()),
        sa.Column("name", sa.String()),
        sa.Column("person_id", sa.Uuid()),
    )
    people = sa.Table(
        f"{p}people",
        meta,
        sa.Column("id", sa.Uuid()),
        sa.Column("name", sa.String()),
        sa.Column("bio", JSONData),
        sa.Column("tag_id", sa.Uuid()),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("version", sa.Integer()),
    )
    names = sa.Table(
        f"{p}person_names",
        meta,
        sa.Column("name_key", sa.String()),
        sa.Column("name", sa.String()),
        sa.Column("person_id", sa.Uuid()),
    )
    slugs = sa.Table(
        f"{p}person_slugs",
        meta,
        sa.Column("locale", sa.String()),
        sa.Column("slug", sa.String()),
        sa.Column("person_id", sa.Uuid()),
        sa.Column("current", sa.Boolean()),
        sa.Column("created_at", UTCDateTime()),
    )
    return articles, article_people, people, names, slugs


def _create() -> None:
    p, schema = current_prefix(), current_schema()
    ref = f"{schema}.{p}" if schema else p
    op.create_table(
        f"{p}people",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("bio", JSONData, nullable=False),
        sa.Column("tag_id", sa.Uuid(), sa.ForeignKey(f"{ref}tags.id", ondelete="SET NULL")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        schema=schema,
        **MYSQL,
    )
    op.create_table(
        f"{p}person_names",
        sa.Column("name_key", Key(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column(
            "person_id",
            sa.Uuid(),
            sa.ForeignKey(f"{ref}people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name_key"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(f"ix_{p}person_names_person", f"{p}person_names", ["person_id"], schema=schema)
    op.create_table(
        f"{p}person_slugs",
        sa.Column("locale", Key(35), nullable=False),
        sa.Column("slug", Key(200), nullable=False),
        sa.Column(
            "person_id",
            sa.Uuid(),
            sa.ForeignKey(f"{ref}people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("current", sa.Boolean(create_constraint=False), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("locale", "slug"),
        schema=schema,
        **MYSQL,
    )
    op.create_index(f"ix_{p}person_slugs_person", f"{p}person_slugs", ["person_id"], schema=schema)
    op.add_column(f"{p}article_people", sa.Column("person_id", sa.Uuid()), schema=schema)


def _carry_over() -> None:
    """One profile per name key, its slugs, and the ids and slugs in every byline."""
    bind = op.get_bind()
    articles, article_people, people, names, slugs = _tables()
    now = datetime.now(UTC)
    credited = bind.execute(
        sa.select(article_people.c.person_key, article_people.c.name, articles.c.locale)
        .join(articles, articles.c.id == article_people.c.article_id)
        .order_by(articles.c.created_at, articles.c.id, article_people.c.position)
    ).all()
    profiles: dict[str, object] = {}
    spellings: dict[str, tuple[str, object]] = {}
    locales: set[tuple[object, str]] = set()
    for key, name, locale in credited:
        if key not in profiles:
            profiles[key] = uuid4()
            bind.execute(
                people.insert().values(
                    id=profiles[key], name=name, bio={}, tag_id=None,
                    created_at=now, updated_at=now, version=1,
                )
            )  # fmt: skip
        spelling = person_key(name)
        if spelling not in spellings:
            spellings[spelling] = (name, profiles[key])
        locales.add((profiles[key], locale))
    if spellings:
        bind.execute(
            names.insert(),
            [{"name_key": k, "name": n, "person_id": pid} for k, (n, pid) in spellings.items()],
        )
    slug_of = {pid: key for key, pid in profiles.items()}  # the key is the name's slug
    if locales:
        bind.execute(
            slugs.insert(),
            [
                {"locale": locale, "slug": slug_of[pid], "person_id": pid, "current": True,
                 "created_at": now}
                for pid, locale in sorted(locales, key=str)
            ],
        )  # fmt: skip
    for key, pid in profiles.items():
        bind.execute(
            article_people.update().where(article_people.c.person_key == key).values(person_id=pid)
        )

    def credited_profile(entry: dict[str, str]) -> dict[str, str]:
        profile = profiles.get(person_key(entry["name"]))
        if profile is None:
            return entry
        return {**entry, "id": str(profile), "slug": slug_of[profile]}

    _rewrite(credited_profile)


def _anonymous(entry: dict[str, str]) -> dict[str, str]:
    """A byline entry as 0011 stored it: the name and role only."""
    return {key: value for key, value in entry.items() if key not in ("id", "slug")}


def _rewrite(change: Callable[[dict[str, str]], dict[str, str]]) -> None:
    """Every article's byline entries passed through ``change``, in keyset batches."""
    bind = op.get_bind()
    articles = _tables()[0]
    last = None
    while True:
        query = sa.select(articles.c.id, articles.c.byline).order_by(articles.c.id).limit(_BATCH)
        if last is not None:
            query = query.where(articles.c.id > last)
        rows = bind.execute(query).all()
        if not rows:
            return
        for article_id, byline in rows:
            entries = [change(entry) for entry in byline or []]
            if entries != (byline or []):
                bind.execute(
                    articles.update().where(articles.c.id == article_id).values(byline=entries)
                )
        last = rows[-1][0]


def upgrade() -> None:
    p, schema = current_prefix(), current_schema()
    _create()
    _carry_over()
    with op.batch_alter_table(f"{p}article_people", schema=schema) as batch:
        batch.alter_column("person_id", existing_type=sa.Uuid(), nullable=False)
        batch.create_foreign_key(
            f"fk_{p}article_people_person_id", f"{p}people", ["person_id"], ["id"],
            referent_schema=schema,
        )  # fmt: skip
    op.create_index(
        f"ix_{p}article_people_profile", f"{p}article_people", ["person_id"], schema=schema
    )


def downgrade() -> None:
    p, schema = current_prefix(), current_schema()
    _rewrite(_anonymous)
    with op.batch_alter_table(f"{p}article_people", schema=schema) as batch:
        batch.drop_constraint(f"fk_{p}article_people_person_id", type_="foreignkey")
    op.drop_index(f"ix_{p}article_people_profile", table_name=f"{p}article_people", schema=schema)
    op.drop_column(f"{p}article_people", "person_id", schema=schema)
    op.drop_table(f"{p}person_slugs", schema=schema)
    op.drop_table(f"{p}person_names", schema=schema)
    op.drop_table(f"{p}people", schema=schema)
