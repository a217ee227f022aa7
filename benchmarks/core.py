"""The baselines: the same work written by hand in plain SQLAlchemy Core.

Each function here is what a careful developer would write against newscms's schema
without newscms: the best straightforward statement for the job, built inline the way
Core code usually is (SQLAlchemy caches the compiled SQL), executemany for bulk writes,
plain tuples and small dataclasses out instead of validated models. They return the
same articles, tags and relations as the newscms paths; the harness compares a sample
of results to make sure, so a baseline can never win by doing less.

The writers (``CoreLoader`` for ingest, ``CoreImporter`` for legacy pages) also keep the
search index, as a loader of a searchable site must: the ``search_documents`` filter rows
and the engine's text rows, with the text prepared by newscms's own ``prepare`` (the way
they sanitize with its ``sanitize_html`` and slug with its ``slugify``), so both paths
index the same tokens. ``CoreLoader`` also keeps history and tells subscribers, as
newscms does: a first revision per article (its row as compressed JSON) and the outbox
events (issue #15 compares ingests with both on both sides). ``CoreImporter`` writes
neither: newscms's history and outbox are part of its import cost.

Two choices are deliberate and documented in docs/performance.md:

- keyset pages use ``listed_at <= :at AND (listed_at < :at OR (listed_at = :at AND
  id < :id))``: the redundant first term is a range every backend can seek to in the
  listing index, so page 50 reads the same number of index entries as page 1;
- "is this slug free" reads the range ``slug >= 'base-' AND slug < 'base.'`` rather
  than ``LIKE 'base-%'``, which SQLite (case-insensitive LIKE) and PostgreSQL (non-C
  collations) cannot answer from the primary key.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias
from typing import cast as type_cast
from uuid import UUID, uuid4

from sqlalchemy import Uuid, and_, column, insert, or_, select, table, text, update

from benchmarks.generator import TAG_LOCALE
from newscms.importers import ImportOptions, parse
from newscms.services.importing import IMPORT_GROUP
from newscms.store.relations import TITLE_MATCH_WINDOW
from newscms.store.search.documents import FIELDS, PreparedDocument, prepare
from newscms.store.search.mariadb import document_text
from newscms.store.search.postgres import CONFIGURATIONS
from newscms.store.search.stemming import stemmed_document
from newscms.utils import sanitize_html, slugify
from newscms.utils.keys import source_key, tag_locale, title_key

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy import Connection, Engine, Row
    from sqlalchemy.sql import ColumnElement, FromClause

    from benchmarks.generator import GeneratedArticle
    from newscms.domain import ArticleDraft
    from newscms.services import SourceFile
    from newscms.store import Tables

__all__ = [
    "ConflictError",
    "CoreArticle",
    "CoreImporter",
    "CoreLoader",
    "CoreRelation",
    "CoreTag",
    "Keyset",
    "complete",
    "get_by_slug",
    "list_by_locale",
    "list_by_tag",
    "list_newest",
    "prepared",
    "update_headline",
    "write_search_index",
]

Keyset: TypeAlias = tuple["datetime", UUID]
"""Where a keyset page starts: the last row's (listed_at, id)."""


class ConflictError(Exception):
    """The article moved past the version the editor saw (the baseline's lost-update guard)."""


@dataclass(frozen=True, slots=True)
class CoreTag:
    """A tag on an article, named in the article's locale (or the default one)."""

    id: UUID
    kind: str
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class CoreRelation:
    """An outgoing relation and what a page shows of its target."""

    id: UUID
    kind: str
    position: int
    target_id: UUID | None
    target_slug: str | None
    target_headline: str | None


@dataclass(frozen=True, slots=True)
class CoreArticle:
    """An article row with its tags and relations."""

    row: Row[Any]
    tags: tuple[CoreTag, ...]
    relations: tuple[CoreRelation, ...]


# -- reads ------------------------------------------------------------------------------

# What a teaser listing leaves out: the long texts and the lookup keys (a teaser shows
# the headline, summary, dates and tags).
_NOT_IN_TEASERS = frozenset(
    {"body", "corrections", "source_format", "source_locator", "url_key", "title_key", "source_key"}
)


@lru_cache(maxsize=8)
def _target(t: Tables) -> FromClause:
    """The articles table aliased as a relation's target, made once as modules usually do."""
    return t.articles.alias("target")


def complete(
    conn: Connection, t: Tables, rows: Sequence[Row[Any]], now: datetime
) -> list[CoreArticle]:
    """Add tags and public relations to article rows: two statements for the whole page."""
    if not rows:
        return []
    tags = _tags_of(conn, t, rows)
    relations = _relations_of(conn, t, [row.id for row in rows], now)
    return [CoreArticle(row, tags[row.id], tuple(relations.get(row.id, ()))) for row in rows]


def complete_teasers(conn: Connection, t: Tables, rows: Sequence[Row[Any]]) -> list[CoreArticle]:
    """Add tags to teaser rows (no body): one statement for the whole page."""
    if not rows:
        return []
    tags = _tags_of(conn, t, rows)
    return [CoreArticle(row, tags[row.id], ()) for row in rows]


def _tags_of(
    conn: Connection, t: Tables, rows: Sequence[Row[Any]]
) -> dict[UUID, tuple[CoreTag, ...]]:
    """The tags of each article row, named in its locale (or the default one), in order."""
    at, tg, tn = t.article_tags, t.tags, t.tag_names
    locales = {row.locale for row in rows} | {TAG_LOCALE}
    names: dict[tuple[UUID, UUID], dict[str, tuple[str, str, str]]] = defaultdict(dict)
    order: dict[UUID, list[UUID]] = defaultdict(list)
    tag_rows = conn.execute(
        select(at.c.article_id, at.c.tag_id, tg.c.kind, tn.c.locale, tn.c.name, tn.c.slug)
        .join(tg, tg.c.id == at.c.tag_id)
        .join(tn, tn.c.tag_id == at.c.tag_id)
        .where(at.c.article_id.in_([row.id for row in rows]), tn.c.locale.in_(locales))
        .order_by(at.c.article_id, at.c.position)
    )
    for article_id, tag_id, kind, locale, name, slug in tag_rows:
        key = (article_id, tag_id)
        if key not in names:
            order[article_id].append(tag_id)
        names[key][locale] = (kind, name, slug)
    result = {}
    for row in rows:
        tags = []
        for tag_id in order.get(row.id, ()):
            localized = names[(row.id, tag_id)]
            kind, name, slug = localized.get(row.locale) or localized[TAG_LOCALE]
            tags.append(CoreTag(tag_id, kind, name, slug))
        result[row.id] = tuple(tags)
    return result


def _relations_of(
    conn: Connection, t: Tables, ids: list[UUID], now: datetime
) -> dict[UUID, list[CoreRelation]]:
    """The outgoing relations of each article, targets public at ``now`` or pending."""
    r, target = t.relations, _target(t)
    relations: dict[UUID, list[CoreRelation]] = defaultdict(list)
    relation_rows = conn.execute(
        select(
            r.c.id,
            r.c.source_id,
            r.c.kind,
            r.c.position,
            r.c.target_id,
            target.c.slug,
            target.c.headline,
        )
        .outerjoin(target, target.c.id == r.c.target_id)
        .where(
            r.c.source_id.in_(ids),
            or_(
                r.c.target_id.is_(None),
                and_(target.c.is_public.is_(True), target.c.listed_at <= now),
            ),
        )
        .order_by(r.c.source_id, r.c.position)
    )
    for rel_id, source_id, kind, position, target_id, slug, headline in relation_rows:
        relations[source_id].append(CoreRelation(rel_id, kind, position, target_id, slug, headline))
    return relations


def get_by_slug(
    conn: Connection, t: Tables, locale: str, slug: str, now: datetime
) -> CoreArticle | None:
    """The public article at (locale, slug), old slugs included, with tags and relations."""
    a, s = t.articles, t.article_slugs
    row = conn.execute(
        select(a)
        .join(s, s.c.article_id == a.c.id)
        .where(
            s.c.locale == locale,
            s.c.slug == slug,
            a.c.is_public.is_(True),
            a.c.listed_at <= now,
        )
    ).first()
    return complete(conn, t, [row], now)[0] if row is not None else None


def _after(at: ColumnElement[Any], ident: ColumnElement[Any], key: Keyset) -> ColumnElement[bool]:
    moment, last_id = key
    return and_(at <= moment, or_(at < moment, and_(at == moment, ident < last_id)))


def list_by_tag(
    conn: Connection,
    t: Tables,
    tag_id: UUID,
    now: datetime,
    *,
    limit: int,
    after: Keyset | None = None,
    teasers: bool = False,
) -> tuple[list[CoreArticle], Keyset | None]:
    """Newest public articles with a tag: one page, and the key of the next one."""
    a, at = t.articles, t.article_tags
    query = (
        select(*_listed_columns(t, teasers))
        .select_from(at)
        .join(a, a.c.id == at.c.article_id)
        .where(at.c.tag_id == tag_id, at.c.is_public.is_(True), at.c.listed_at <= now)
    )
    if after is not None:
        query = query.where(_after(at.c.listed_at, at.c.article_id, after))
    query = query.order_by(at.c.listed_at.desc(), at.c.article_id.desc()).limit(limit + 1)
    return _page(conn, t, conn.execute(query).all(), now, limit, teasers=teasers)


def list_by_locale(
    conn: Connection,
    t: Tables,
    locale: str,
    now: datetime,
    *,
    limit: int,
    after: Keyset | None = None,
    teasers: bool = False,
) -> tuple[list[CoreArticle], Keyset | None]:
    """Newest public articles of a locale: one page, and the key of the next one."""
    a = t.articles
    query = select(*_listed_columns(t, teasers)).where(
        a.c.locale == locale, a.c.is_public.is_(True), a.c.listed_at <= now
    )
    if after is not None:
        query = query.where(_after(a.c.listed_at, a.c.id, after))
    query = query.order_by(a.c.listed_at.desc(), a.c.id.desc()).limit(limit + 1)
    return _page(conn, t, conn.execute(query).all(), now, limit, teasers=teasers)


def list_newest(
    conn: Connection, t: Tables, now: datetime, *, limit: int
) -> tuple[list[CoreArticle], Keyset | None]:
    """The newest public articles of the whole site (a feed): one page."""
    a = t.articles
    query = (
        select(a)
        .where(a.c.is_public.is_(True), a.c.listed_at <= now)
        .order_by(a.c.listed_at.desc(), a.c.id.desc())
        .limit(limit + 1)
    )
    return _page(conn, t, conn.execute(query).all(), now, limit)


def _listed_columns(t: Tables, teasers: bool) -> tuple[ColumnElement[Any], ...]:
    """Every article column, or a teaser's: all but the body and the other long texts."""
    a = t.articles
    if not teasers:
        return tuple(a.c)
    return tuple(c for c in a.c if c.name not in _NOT_IN_TEASERS)


def _page(
    conn: Connection,
    t: Tables,
    rows: Sequence[Row[Any]],
    now: datetime,
    limit: int,
    *,
    teasers: bool = False,
) -> tuple[list[CoreArticle], Keyset | None]:
    more = len(rows) > limit
    rows = rows[:limit]
    following = (rows[-1].listed_at, rows[-1].id) if more else None
    if teasers:
        return complete_teasers(conn, t, rows), following
    return complete(conn, t, rows, now), following


# -- writes -----------------------------------------------------------------------------


def _free_slug(conn: Connection, t: Tables, locale: str, base: str, article_id: UUID) -> str:
    """``base`` or the first free ``base-N``: one range read of the slug history."""
    s = t.article_slugs
    rows = conn.execute(
        select(s.c.slug, s.c.article_id).where(
            s.c.locale == locale,
            or_(s.c.slug == base, and_(s.c.slug >= f"{base}-", s.c.slug < f"{base}.")),
        )
    ).all()
    if any(slug == base and owner == article_id for slug, owner in rows):
        return base
    taken = {slug for slug, owner in rows if owner != article_id}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def update_headline(
    conn: Connection,
    t: Tables,
    article_id: UUID,
    *,
    expected_version: int,
    headline: str,
    now: datetime,
) -> CoreArticle:
    """Give an article a new headline and slug if nobody saved it since ``expected_version``.

    The old slug stays in the history so its URL keeps resolving; the updated article
    is read back, as an edit form shows it after saving.
    """
    a, s = t.articles, t.article_slugs
    locale = conn.scalar(select(a.c.locale).where(a.c.id == article_id))
    if locale is None:
        raise LookupError(f"no article {article_id}")
    slug = _free_slug(conn, t, locale, slugify(headline, locale=locale), article_id)
    changed = conn.execute(
        update(a)
        .where(a.c.id == article_id, a.c.version == expected_version)
        .values(
            headline=headline,
            title_key=title_key(headline),
            slug=slug,
            version=expected_version + 1,
            updated_at=now,
        )
    )
    if changed.rowcount != 1:
        raise ConflictError(f"article {article_id} is no longer at version {expected_version}")
    owned = conn.scalar(select(s.c.article_id).where(s.c.locale == locale, s.c.slug == slug))
    if owned is None:
        conn.execute(
            insert(s).values(locale=locale, slug=slug, article_id=article_id, created_at=now)
        )
    row = conn.execute(select(a).where(a.c.id == article_id)).one()
    return complete(conn, t, [row], now)[0]


# -- the search index -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Named:
    name: str


@dataclass(frozen=True, slots=True)
class _Indexed:
    """The fields newscms's ``prepare`` reads of an ``Article``, and nothing else."""

    id: UUID
    locale: str
    headline: str
    subheadline: str | None
    summary: str | None
    body: str
    tags: tuple[_Named, ...]


def prepared(
    article_id: UUID,
    locale: str,
    *,
    headline: str,
    summary: str | None,
    body: str,
    tag_names: Sequence[str],
    subheadline: str | None = None,
) -> PreparedDocument:
    """An article's index text, prepared by newscms's ``prepare`` from the stored values.

    ``body`` is the stored (sanitized) HTML; ``tag_names`` are the names the article's
    readers see, in the article's order.
    """
    source = _Indexed(
        article_id,
        locale,
        headline,
        subheadline,
        summary,
        body,
        tuple(_Named(name) for name in tag_names),
    )
    return prepare(type_cast("Any", source))


_GAP = "'_:1'::tsvector"
_HALF = f" || {_GAP} || ".join(
    f"setweight(to_tsvector({{config}}, :{field}), '{weight}')"
    for field, weight in (
        ("headline", "A"), ("tags", "B"), ("summary", "C"), ("body", "D"), ("chars", "D")
    )
)  # fmt: skip
PG_INSERT = (
    "INSERT INTO {table} (article_id, config, vector) VALUES (:id, CAST(:config AS varchar), "
    "ts_delete(CASE WHEN CAST(:config AS varchar) = 'simple' THEN "
    + _HALF.format(config="'simple'::regconfig")
    + " ELSE "
    + _HALF.format(config="CAST(CAST(:config AS varchar) AS regconfig)")
    + f" || {_GAP} || "
    + _HALF.format(config="'simple'::regconfig")
    + " END, '_'))"
)
"""One article's vector as newscms builds it: each field weighted, in the article's
language and in ``simple``, a one-position gap between fields (the gap's lexeme removed)."""


def write_search_index(conn: Connection, t: Tables, documents: Sequence[PreparedDocument]) -> None:
    """The index rows of articles just written: two statements for the whole batch.

    The filter rows are copied from the article rows (``INSERT ... SELECT``); the text
    rows go into the engine's table with executemany: FTS5 keyed by the filter row's id
    on SQLite, a weighted ``tsvector`` per article on PostgreSQL, the padded document
    on MariaDB. SQLite and MariaDB get the words' Snowball stems, as newscms writes them.
    """
    if not documents:
        return
    a, d = t.articles, t.search_documents
    columns = ["article_id", "locale", "status", "is_public", "listed_at", "published_at"]
    source = select(
        a.c.id, a.c.locale, a.c.status, a.c.is_public, a.c.listed_at, a.c.published_at
    ).where(a.c.id.in_([doc.article_id for doc in documents]))
    statement = insert(d).from_select(columns, source)
    name = f"{t.prefix}search_index"
    dialect = conn.dialect.name
    if dialect == "sqlite":
        ids = dict(conn.execute(statement.returning(d.c.article_id, d.c.id)).all())
        fts = table(name, column("rowid"), *(column(field) for field in FIELDS))
        conn.execute(
            insert(fts),
            [
                {"rowid": ids[doc.article_id], **{f: doc.field(f) for f in FIELDS}}
                for doc in map(stemmed_document, documents)
            ],
        )
        return
    conn.execute(statement)
    if dialect == "postgresql":
        conn.execute(
            text(PG_INSERT.format(table=name)),
            [
                {
                    "id": doc.article_id,
                    "config": CONFIGURATIONS.get(doc.locale.split("-")[0], "simple"),
                    **{f: doc.field(f) for f in FIELDS},
                }
                for doc in documents
            ],
        )
        return
    fulltext = table(name, column("article_id", Uuid()), column("document"))
    conn.execute(
        insert(fulltext),
        [
            {"article_id": doc.article_id, "document": document_text(stemmed_document(doc))}
            for doc in documents
        ],
    )


class CorePeople:
    """The people bylines credit, by hand: one profile per name key, a slug per locale.

    What newscms writes for a byline (``people``, ``person_names``, ``person_slugs``
    and each entry's profile id and slug), kept in memory for the names seen, and read
    from the database in one statement per batch for the others.
    """

    def __init__(self, tables: Tables, now: datetime) -> None:
        self.t = tables
        self.now = now
        self.ids: dict[str, UUID] = {}
        self.slugs: dict[tuple[UUID, str], str] = {}

    def credit(
        self, conn: Connection, bylines: Sequence[tuple[Sequence[str], str]]
    ) -> list[list[tuple[str, UUID, str]]]:
        """Each byline's (name, person id, slug in the locale), creating what is missing."""
        t, now = self.t, self.now
        wanted = {slugify(name, max_length=200): name for names, _ in bylines for name in names}
        unknown = [key for key in wanted if key not in self.ids]
        if unknown:
            pn = t.person_names
            for key, owner in conn.execute(
                select(pn.c.name_key, pn.c.person_id).where(pn.c.name_key.in_(unknown))
            ):
                self.ids[key] = owner
            new = [key for key in unknown if key not in self.ids]
            for key in new:
                self.ids[key] = uuid4()
            if new:
                conn.execute(
                    insert(t.people),
                    [
                        {"id": self.ids[k], "name": wanted[k], "bio": {}, "created_at": now,
                         "updated_at": now, "version": 1}
                        for k in new
                    ],
                )  # fmt: skip
                conn.execute(
                    insert(pn),
                    [{"name_key": k, "name": wanted[k], "person_id": self.ids[k]} for k in new],
                )
        slugs = []
        unseen = {
            self.ids[slugify(name, max_length=200)]
            for names, locale in bylines
            for name in names
            if (self.ids[slugify(name, max_length=200)], locale) not in self.slugs
        }
        if unseen:  # stored by an earlier run (or pass) over the same database
            ps = t.person_slugs
            for person, locale, slug in conn.execute(
                select(ps.c.person_id, ps.c.locale, ps.c.slug).where(
                    ps.c.person_id.in_(list(unseen)), ps.c.current.is_(True)
                )
            ):
                self.slugs[person, locale] = slug
        for names, locale in bylines:
            for name in names:
                person = self.ids[slugify(name, max_length=200)]
                if (person, locale) not in self.slugs:
                    self.slugs[person, locale] = slugify(name, locale=locale)
                    slugs.append(
                        {"locale": locale, "slug": self.slugs[person, locale],
                         "person_id": person, "current": True, "created_at": now}
                    )  # fmt: skip
        if slugs:
            conn.execute(insert(t.person_slugs), slugs)
        return [
            [
                (name, self.ids[key], self.slugs[self.ids[key], locale])
                for name in names
                for key in [slugify(name, max_length=200)]
            ]
            for names, locale in bylines
        ]


def byline_rows(
    article_id: UUID, credited: Sequence[tuple[str, UUID, str]]
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """An article's byline JSON and ``article_people`` rows, as newscms stores them."""
    byline = [{"name": n, "id": str(person), "slug": slug} for n, person, slug in credited]
    rows = [
        {
            "article_id": article_id,
            "position": position,
            "person_key": slugify(name, max_length=200),
            "name": name,
            "person_id": person,
        }
        for position, (name, person, _) in enumerate(credited)
    ]
    return byline, rows


def comparable_row(row: Row[Any]) -> tuple[Any, ...]:
    """An article row as both paths must store it: people's ids aside (each path makes
    its own profiles), their names and slugs kept."""
    return tuple(
        [{k: v for k, v in entry.items() if k != "id"} for entry in value]
        if name == "byline"
        else value
        for name, value in row._mapping.items()
    )


_SNAPSHOT_COLUMNS = (
    "locale",
    "slug",
    "headline",
    "summary",
    "body",
    "dateline_place",
    "dateline_source",
    "status",
)
"""The article columns a revision keeps as they are (dates are written as ISO text)."""


class CoreLoader:
    """A hand-written bulk loader: the rows newscms would write, with executemany per table.

    It sanitizes, slugs and prepares the search text like newscms does (same functions,
    so the rows are equal), writes the content rows and the search index (filter rows
    and the engine's text rows), and keeps what a loader owning the job would keep in
    memory: tag ids and person keys, a few thousand entries. Slug clashes are read from
    the database per batch. Each article gets a first revision and its outbox events.
    """

    def __init__(self, tables: Tables, now: datetime) -> None:
        self.t = tables
        self.now = now
        self.tag_ids: dict[tuple[str, str], UUID] = {}
        self.tag_slugs: dict[tuple[str, str], str] = {}
        self.people = CorePeople(tables, now)

    def load(self, conn: Connection, batch: Sequence[GeneratedArticle]) -> None:
        """Insert one batch of articles with everything they carry."""
        t, now = self.t, self.now
        slugs = self._slugs(conn, batch)
        self._tags(conn, batch)
        articles, people, tags, relations = [], [], [], []
        documents = []
        credits = self.people.credit(conn, [(item.byline, item.locale) for item in batch])
        for item, slug, credited in zip(batch, slugs, credits, strict=True):
            byline, byline_people = byline_rows(item.id, credited)
            listed = item.published_at if item.published else item.created_at
            assert listed is not None
            body = sanitize_html(item.body)
            documents.append(
                prepared(
                    item.id,
                    item.locale,
                    headline=item.headline,
                    summary=item.summary,
                    body=body,
                    tag_names=[spec.name for spec in item.tags],  # named in TAG_LOCALE only
                )
            )
            articles.append(
                {
                    "id": item.id,
                    "locale": item.locale,
                    "slug": slug,
                    "headline": item.headline,
                    "summary": item.summary,
                    "body": body,
                    "byline": byline,
                    "dateline_place": item.dateline_place,
                    "dateline_source": item.dateline_source,
                    "status": "published" if item.published else "draft",
                    "is_public": item.published,
                    "created_at": item.created_at,
                    "updated_at": max(now, item.created_at),
                    "published_at": item.published_at,
                    "first_published_at": item.published_at,
                    "listed_at": listed,
                    "version": 1,
                    "title_key": title_key(item.headline),
                    "corrections": [],  # newscms starts every article's correction log empty
                }
            )
            people += byline_people
            tags += [
                {
                    "article_id": item.id,
                    "tag_id": self.tag_ids[(spec.kind, spec.name)],
                    "position": position,
                    "is_public": item.published,
                    "listed_at": listed,
                }
                for position, spec in enumerate(item.tags)
            ]
            relations += [
                {
                    "id": uuid4(),
                    "source_id": item.id,
                    "kind": "see_also",
                    "position": position,
                    "target_id": target,
                    "target_key": target.hex,
                    "created_at": now,
                }
                for position, target in enumerate(item.see_also)
            ]
        conn.execute(insert(t.articles), articles)
        conn.execute(
            insert(t.article_slugs),
            [
                {
                    "locale": row["locale"],
                    "slug": row["slug"],
                    "article_id": row["id"],
                    "created_at": now,
                }
                for row in articles
            ],
        )
        revisions, events = self._journal(batch, articles)
        for target, rows in (
            (t.article_people, people),
            (t.article_tags, tags),
            (t.relations, relations),
            (t.revisions, revisions),
            (t.events, events),
        ):
            if rows:
                conn.execute(insert(target), rows)
        write_search_index(conn, t, documents)

    def _journal(
        self, batch: Sequence[GeneratedArticle], articles: Sequence[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """A first revision (the row and its tags as compressed JSON) and the outbox events.

        What a loader keeping history and telling subscribers writes by hand: the
        article's state as JSON compressed with zlib, a ``created`` event for each
        article and a ``published`` one for each the public can see.
        """
        now = self.now.isoformat()
        revisions, events = [], []
        for item, row in zip(batch, articles, strict=True):
            published = row["published_at"].isoformat() if row["published_at"] else None
            snapshot = {
                **{name: row[name] for name in _SNAPSHOT_COLUMNS},
                "byline": row["byline"],
                "published_at": published,
                "tags": [
                    {
                        "id": str(self.tag_ids[(spec.kind, spec.name)]),
                        "kind": spec.kind,
                        "name": spec.name,
                        "slug": self.tag_slugs[(spec.kind, spec.name)],
                    }
                    for spec in item.tags
                ],
            }
            data = json.dumps(snapshot, ensure_ascii=False, sort_keys=True).encode()
            revisions.append(
                {
                    "article_id": row["id"],
                    "version": 1,
                    "created_at": self.now,
                    "actor": None,
                    "action": "create",
                    "changed_fields": sorted(name for name, value in snapshot.items() if value),
                    "base_version": None,
                    "snapshot": zlib.compress(data),
                }
            )
            kinds = ("created", "published") if row["is_public"] else ("created",)
            events += [
                {
                    "article_id": row["id"],
                    "kind": kind,
                    "payload": {
                        "kind": kind,
                        "article_id": str(row["id"]),
                        "locale": row["locale"],
                        "slug": row["slug"],
                        "old_slug": None,
                        "status": row["status"],
                        "version": 1,
                        "occurred_at": now,
                        "embargoed_until": None,
                    },
                    "created_at": self.now,
                }
                for kind in kinds
            ]
        return revisions, events

    def _slugs(self, conn: Connection, batch: Sequence[GeneratedArticle]) -> list[str]:
        """A free slug per article: bases already stored are read in one query per locale."""
        s = self.t.article_slugs
        bases = [slugify(item.headline, locale=item.locale) for item in batch]
        wanted: dict[str, set[str]] = defaultdict(set)
        for item, base in zip(batch, bases, strict=True):
            wanted[item.locale].add(base)
        taken: dict[str, set[str]] = defaultdict(set)
        for locale, candidates in wanted.items():
            taken[locale].update(
                conn.scalars(select(s.c.slug).where(s.c.locale == locale, s.c.slug.in_(candidates)))
            )
        numbered: set[tuple[str, str]] = set()
        slugs = []
        for item, base in zip(batch, bases, strict=True):
            used = taken[item.locale]
            slug = base
            if base in used:
                if (item.locale, base) not in numbered:
                    numbered.add((item.locale, base))
                    used.update(
                        conn.scalars(
                            select(s.c.slug).where(
                                s.c.locale == item.locale,
                                s.c.slug >= f"{base}-",
                                s.c.slug < f"{base}.",
                            )
                        )
                    )
                n = 2
                while f"{base}-{n}" in used:
                    n += 1
                slug = f"{base}-{n}"
            used.add(slug)
            slugs.append(slug)
        return slugs

    def _tags(self, conn: Connection, batch: Sequence[GeneratedArticle]) -> None:
        """Know the id of every tag the batch names, creating the missing ones."""
        missing = {
            (spec.kind, spec.name)
            for item in batch
            for spec in item.tags
            if (spec.kind, spec.name) not in self.tag_ids
        }
        if not missing:
            return
        t = self.t
        ts = t.tag_slugs
        slug_of = {key: slugify(key[1], locale=TAG_LOCALE) for key in missing}
        stored = conn.execute(
            select(ts.c.kind, ts.c.slug, ts.c.tag_id).where(
                ts.c.locale == TAG_LOCALE, ts.c.slug.in_(set(slug_of.values()))
            )
        )
        by_slug = {(kind, slug): tag_id for kind, slug, tag_id in stored}
        new: list[dict[str, Any]] = []
        for key, slug in slug_of.items():
            tag_id = by_slug.get((key[0], slug))
            if tag_id is None:
                tag_id = uuid4()
                new.append({"id": tag_id, "kind": key[0], "name": key[1], "slug": slug})
            self.tag_ids[key] = tag_id
            self.tag_slugs[key] = slug
        if new:
            conn.execute(
                insert(t.tags),
                [{"id": n["id"], "kind": n["kind"], "created_at": self.now} for n in new],
            )
            conn.execute(
                insert(t.tag_slugs),
                [
                    {"kind": n["kind"], "locale": TAG_LOCALE, "slug": n["slug"], "tag_id": n["id"]}
                    for n in new
                ],
            )
            conn.execute(
                insert(t.tag_names),
                [
                    {"tag_id": n["id"], "locale": TAG_LOCALE, "name": n["name"], "slug": n["slug"]}
                    for n in new
                ],
            )


IMPORT_OPTIONS = ImportOptions()
"""What ``newscms import`` does by default: detect the locale, Rome's clock, infer dates."""


class CoreImporter:
    """A hand-written importer: parse each file, write its rows with Core, 100 files a transaction.

    It parses with newscms's parser (``newscms.importers.parse``), as the ingest baseline
    sanitizes with newscms's sanitizer, then does by hand what an import must: look the
    source up first (a re-import would update it), read the slugs it could clash with,
    look tags up, find see-also targets by title key and date, resolve the pending
    relations that name the new article, and index the article for search. Every
    statement is the straightforward one for its job, built inline.
    """

    def __init__(self, engine: Engine, tables: Tables, now: datetime) -> None:
        self.engine = engine
        self.t = tables
        self.now = now
        self.people = CorePeople(tables, now)

    def run(self, files: Sequence[SourceFile]) -> int:
        """Import ``files``; returns how many articles were created.

        Files are written ``IMPORT_GROUP`` to a transaction, as newscms's import does.
        """
        created = 0
        for start in range(0, len(files), IMPORT_GROUP):
            with self.engine.begin() as conn:
                for file in files[start : start + IMPORT_GROUP]:
                    source = file.path.read_bytes()
                    parsed = parse(source, source=file.locator, options=IMPORT_OPTIONS)
                    for draft in parsed.drafts:
                        created += self._article(conn, draft)
        return created

    def _article(self, conn: Connection, draft: ArticleDraft) -> int:
        t, now = self.t, self.now
        a = t.articles
        assert draft.source is not None
        assert draft.published_at is not None
        key = source_key(draft.source.format, draft.source.locator)
        if conn.scalar(select(a.c.id).where(a.c.source_key == key)) is not None:
            return 0  # stored already: a re-import would compare and update it
        article_id = uuid4()
        base = slugify(draft.headline, locale=draft.locale)
        slug = _free_slug(conn, t, draft.locale, base, article_id)
        title = title_key(draft.headline)
        (credited,) = self.people.credit(conn, [([p.name for p in draft.byline], draft.locale)])
        byline, byline_people = byline_rows(article_id, credited)
        conn.execute(
            insert(a).values(
                id=article_id,
                locale=draft.locale,
                slug=slug,
                headline=draft.headline,
                summary=draft.summary,
                body=draft.body,
                byline=byline,
                dateline_place=draft.dateline.place if draft.dateline else None,
                dateline_source=draft.dateline.source if draft.dateline else None,
                status="published",
                is_public=True,
                created_at=now,
                updated_at=now,
                published_at=draft.published_at,
                first_published_at=draft.published_at,
                listed_at=draft.published_at,
                version=1,
                title_key=title,
                source_format=draft.source.format,
                source_locator=draft.source.locator,
                source_key=key,
                date_provenance=draft.date_provenance.model_dump()
                if draft.date_provenance
                else None,
                corrections=[],
                translation_group=draft.translation_group,
            )
        )
        conn.execute(
            insert(t.article_slugs).values(
                locale=draft.locale, slug=slug, article_id=article_id, created_at=now
            )
        )
        if byline_people:
            conn.execute(insert(t.article_people), byline_people)
        names = self._tags(conn, article_id, draft)
        self._relations(conn, article_id, draft)
        self._resolve(conn, article_id, draft, title)
        document = prepared(
            article_id,
            draft.locale,
            headline=draft.headline,
            summary=draft.summary,
            body=draft.body,
            tag_names=names,
        )
        write_search_index(conn, t, [document])
        return 1

    def _tags(self, conn: Connection, article_id: UUID, draft: ArticleDraft) -> list[str]:
        """Link the draft's tags (creating new ones); returns their names, in order."""
        t = self.t
        ts, tn = t.tag_slugs, t.tag_names
        locale = tag_locale(draft.locale)
        wanted: dict[tuple[str, str], str] = {}
        for tag in draft.tags:
            assert tag.name is not None
            wanted.setdefault((str(tag.kind), slugify(tag.name, locale=locale)), tag.name)
        if not wanted:
            return []
        found = {
            (kind, slug): (tag_id, name)
            for kind, slug, tag_id, name in conn.execute(
                select(ts.c.kind, ts.c.slug, ts.c.tag_id, tn.c.name)
                .join(tn, and_(tn.c.tag_id == ts.c.tag_id, tn.c.locale == ts.c.locale))
                .where(ts.c.locale == locale, ts.c.slug.in_({slug for _, slug in wanted}))
            )
        }
        for (kind, slug), name in wanted.items():
            if (kind, slug) not in found:
                tag_id = uuid4()
                found[(kind, slug)] = (tag_id, name)
                conn.execute(insert(t.tags).values(id=tag_id, kind=kind, created_at=self.now))
                conn.execute(insert(ts).values(kind=kind, locale=locale, slug=slug, tag_id=tag_id))
                conn.execute(insert(tn).values(tag_id=tag_id, locale=locale, name=name, slug=slug))
        conn.execute(
            insert(t.article_tags),
            [
                {
                    "article_id": article_id,
                    "tag_id": found[key][0],
                    "position": position,
                    "is_public": True,
                    "listed_at": draft.published_at,
                }
                for position, key in enumerate(wanted)
            ],
        )
        return [found[key][1] for key in wanted]

    def _relations(self, conn: Connection, article_id: UUID, draft: ArticleDraft) -> None:
        a, r = self.t.articles, self.t.relations
        rows: list[dict[str, Any]] = []
        for position, relation in enumerate(draft.relations):
            pending = relation.pending
            assert pending is not None
            assert pending.title is not None
            key = title_key(pending.title)
            candidates = conn.execute(
                select(a.c.id, a.c.published_at).where(
                    a.c.title_key == key, a.c.locale == pending.locale
                )
            ).all()
            near = [row for row in candidates if _near(pending.published_at, row.published_at)]
            row: dict[str, Any] = {
                "id": uuid4(),
                "source_id": article_id,
                "kind": str(relation.kind),
                "position": position,
                "created_at": self.now,
                "target_id": None,
                "pending_title": None,
                "pending_published_at": None,
                "pending_locale": None,
                "pending_title_key": None,
            }
            if near:
                row.update(target_id=near[0].id, target_key=near[0].id.hex)
            else:
                row.update(
                    target_key=_pending_key(pending.title, pending.published_at, pending.locale),
                    pending_title=pending.title,
                    pending_published_at=pending.published_at,
                    pending_locale=pending.locale,
                    pending_title_key=key,
                )
            rows.append(row)
        if rows:
            conn.execute(insert(r), rows)

    def _resolve(self, conn: Connection, article_id: UUID, draft: ArticleDraft, title: str) -> None:
        r = self.t.relations
        assert draft.published_at is not None
        conn.execute(
            update(r)
            .where(
                r.c.target_id.is_(None),
                r.c.pending_title_key == title,
                r.c.pending_locale == draft.locale,
                r.c.pending_published_at.between(
                    draft.published_at - TITLE_MATCH_WINDOW, draft.published_at + TITLE_MATCH_WINDOW
                ),
            )
            .values(
                target_id=article_id,
                target_key=article_id.hex,
                pending_title=None,
                pending_published_at=None,
                pending_locale=None,
                pending_title_key=None,
            )
        )


def _near(wanted: datetime | None, actual: datetime | None) -> bool:
    if wanted is None:
        return True
    return actual is not None and abs(actual - wanted) <= TITLE_MATCH_WINDOW


def _pending_key(title: str, published_at: datetime | None, locale: str | None) -> str:
    """The store's digest of a pending target (title, date, URL, locale, slug)."""
    parts = (title, published_at.isoformat() if published_at else "", "", locale or "", "")
    return "p:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
