"""New articles in batches: a few statements per batch, whatever its size.

The write path's ``create`` inserts through ``insert_articles``:
every check (ids, sources, slugs, tags, relation targets) is one query for the whole
batch, every table gets one multi-row insert. On PostgreSQL and MariaDB a concurrent
writer may still take a slug or a tag between the check and the insert; the batch is
then undone and its articles are inserted one by one, each retrying its own race.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select

from newscms.domain.status import Status, is_public_status, listed_at
from newscms.errors import DuplicateError
from newscms.store import _slugs, _tag_resolution
from newscms.store._listing import LISTING_COLUMNS
from newscms.store._media_rows import MediaLinks, link_rows
from newscms.store.media import resolve_attachments, shown_at
from newscms.store.people import resolve_bylines
from newscms.store.relations import MatchKeys
from newscms.utils.html import link_media_images
from newscms.utils.keys import person_key, source_key, title_key, url_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from newscms.domain.article import ArticleDraft, Person
    from newscms.store._work import Work

__all__ = [
    "article_values",
    "byline_json",
    "insert_articles",
    "match_keys",
    "people_rows",
    "tag_rows",
]


def article_values(draft: ArticleDraft, article_id: UUID, now: datetime) -> dict[str, Any]:
    """The articles-table row of a new article (all but its slug), as of ``now``.

    A published draft without a date is published now; a scheduled one whose time has
    passed is published; the listing time and visibility follow from the status.
    """
    status, published_at = draft.status, draft.published_at
    if status is Status.PUBLISHED and published_at is None:
        published_at = now
    if status is Status.SCHEDULED and published_at is not None and published_at <= now:
        status = Status.PUBLISHED
    created_at = draft.created_at or now
    source = draft.source
    return {
        "id": article_id,
        "locale": draft.locale,
        "headline": draft.headline,
        "subheadline": draft.subheadline,
        "summary": draft.summary,
        "body": draft.body,
        "byline": byline_json(draft.byline),
        "dateline_place": draft.dateline.place if draft.dateline else None,
        "dateline_source": draft.dateline.source if draft.dateline else None,
        "status": status.value,
        "is_public": is_public_status(status),
        "created_at": created_at,
        "updated_at": max(now, created_at),
        "published_at": published_at,
        "first_published_at": published_at
        if status in (Status.PUBLISHED, Status.ARCHIVED)
        else None,
        "listed_at": listed_at(status, published_at, created_at, draft.embargoed_until),
        "version": 1,
        "canonical_url": draft.canonical_url,
        "url_key": url_key(draft.canonical_url) if draft.canonical_url else None,
        "title_key": title_key(draft.headline),
        "source_format": source.format if source else None,
        "source_locator": source.locator if source else None,
        "source_key": source_key(source.format, source.locator) if source else None,
        "date_provenance": draft.date_provenance.model_dump() if draft.date_provenance else None,
        "embargoed_until": draft.embargoed_until,
        "expires_at": draft.expires_at,
        "corrections": [],
        "translation_group": draft.translation_group,
        "media_count": len(draft.media),
    }


def byline_json(byline: Sequence[Person]) -> list[dict[str, str]]:
    """The byline as stored in the article row: each name, role, profile id and slug."""
    stored = []
    for person in byline:
        entry = {"name": person.name}
        if person.role:
            entry["role"] = person.role
        if person.id is not None:
            entry["id"] = str(person.id)
        if person.slug is not None:
            entry["slug"] = person.slug
        stored.append(entry)
    return stored


def match_keys(row: Mapping[Any, Any]) -> MatchKeys:
    """What pending relations can match this article on (``row``: its column values)."""
    return MatchKeys(
        id=row["id"],
        locale=row["locale"],
        slug=row["slug"],
        title_key=row["title_key"],
        url_key=row["url_key"],
        published_at=row["published_at"],
    )


def people_rows(article_id: UUID, byline: Sequence[Person]) -> list[dict[str, Any]]:
    """The ``article_people`` rows of a resolved byline (each entry has its profile id)."""
    return [
        {
            "article_id": article_id,
            "position": position,
            "person_key": person_key(person.name),
            "name": person.name,
            "person_id": person.id,
        }
        for position, person in enumerate(byline)
    ]


def tag_rows(
    article_id: UUID, tag_ids: Sequence[UUID], article: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The ``article_tags`` rows of an article, carrying its listing columns (``article``'s)."""
    listing = {name: article[name] for name in LISTING_COLUMNS}
    return [
        {"article_id": article_id, "tag_id": tag_id, "position": position, **listing}
        for position, tag_id in enumerate(tag_ids)
    ]


def insert_articles(uow: Work, drafts: Sequence[ArticleDraft]) -> list[UUID]:
    """Insert new articles with their slugs, bylines, tags and relations; returns their ids.

    Raises:
        DuplicateError: an id, an explicit slug or a source is already stored (or
            appears twice in ``drafts``).
        NotFoundError: a tag id or relation target id does not exist.
        RelationError: a relation would link an article to itself.
    """
    if uow.dialect == "sqlite":  # one writer, holding the lock: no race to lose
        return _Batch(uow, drafts).insert()
    try:
        with uow.retryable_insert():
            return _Batch(uow, drafts).insert()
    except sa_exc.IntegrityError:
        _tag_resolution.forget_cached(uow)  # ids cached in the undone savepoint name nothing
        return [_insert_one(uow, draft) for draft in drafts]


def _insert_one(uow: Work, draft: ArticleDraft) -> UUID:
    """Insert one new article, retrying its slug while concurrent writers take them.

    The path of a batch that lost a race; no savepoint of its own.
    """
    a = uow.settings.tables.articles
    conn = uow.connection
    values = article_values(draft, draft.id or uuid4(), uow.now())
    article_id: UUID = values["id"]
    if draft.id is not None and conn.scalar(select(a.c.id).where(a.c.id == draft.id)):
        raise DuplicateError(f"an article with id {draft.id} already exists")
    src_key = values["source_key"]
    if src_key and conn.scalar(select(a.c.id).where(a.c.source_key == src_key)):
        raise DuplicateError(
            f"an article imported from {values['source_locator']} already exists; "
            "update it instead of creating it again"
        )
    (byline,) = resolve_bylines(uow, [(draft.byline, draft.locale)])
    values["byline"] = byline_json(byline)
    links = _attach_media(uow, [values], [draft])
    _slugs.insert_with_slug(uow, values, draft.slug)
    if byline:
        conn.execute(insert(uow.settings.tables.article_people), people_rows(article_id, byline))
    tag_ids = _tag_resolution.resolve(uow, draft.tags, locale=draft.locale)
    if tag_ids:
        conn.execute(
            insert(uow.settings.tables.article_tags),
            tag_rows(article_id, tag_ids, values),
        )
    _insert_links(uow, [article_id], links)
    uow.relations.insert(article_id, draft.relations)
    uow.relations.resolve_pending(match_keys(values))
    return article_id


def _attach_media(
    uow: Work, rows: Sequence[dict[str, Any]], drafts: Sequence[ArticleDraft]
) -> list[MediaLinks]:
    """The media links of new articles, their bodies' images naming the items they show.

    New media items are created (once per URL); called before the rows are inserted.
    """
    links = resolve_attachments(uow, [(draft.media, draft.locale) for draft in drafts])
    urls = shown_at(uow, links)  # no statement when no article of the batch shows media
    for row in rows:
        row["body"] = link_media_images(row["body"], urls)
    return links


def _insert_links(uow: Work, ids: Sequence[UUID], links: Sequence[MediaLinks]) -> None:
    """The ``article_media`` rows of new articles, once the articles are in."""
    rows = [
        row
        for article_id, linked in zip(ids, links, strict=True)
        for row in link_rows(article_id, linked)
    ]
    if rows:
        uow.connection.execute(insert(uow.settings.tables.article_media), rows)


class _Batch:
    """One batch of new articles, checked and inserted together."""

    def __init__(self, uow: Work, drafts: Sequence[ArticleDraft]) -> None:
        self.uow = uow
        self.conn = uow.connection
        self.t = uow.settings.tables
        self.drafts = drafts
        now = self.uow.now()
        self.now = now
        self.rows = [article_values(d, d.id or uuid4(), now) for d in drafts]

    def insert(self) -> list[UUID]:
        t, conn, now = self.t, self.conn, self.now
        self._check_new()
        for row, slug in zip(self.rows, self._slugs(), strict=True):
            row["slug"] = slug
        ids = [row["id"] for row in self.rows]
        bylines = resolve_bylines(self.uow, [(d.byline, d.locale) for d in self.drafts])
        for row, byline in zip(self.rows, bylines, strict=True):
            row["byline"] = byline_json(byline)
        links = _attach_media(self.uow, self.rows, self.drafts)
        conn.execute(insert(t.articles), self.rows)
        conn.execute(
            insert(t.article_slugs),
            [
                {"locale": r["locale"], "slug": r["slug"], "article_id": r["id"], "created_at": now}
                for r in self.rows
            ],
        )
        people = [
            person
            for byline, row in zip(bylines, self.rows, strict=True)
            for person in people_rows(row["id"], byline)
        ]
        if people:
            conn.execute(insert(t.article_people), people)
        tag_ids = _tag_resolution.resolve_many(self.uow, [(d.tags, d.locale) for d in self.drafts])
        tags = [
            tag
            for row, ids_of_row in zip(self.rows, tag_ids, strict=True)
            for tag in tag_rows(row["id"], ids_of_row, row)
        ]
        if tags:
            conn.execute(insert(t.article_tags), tags)
        _insert_links(self.uow, ids, links)
        relations = self.uow.relations
        relations.insert_new(
            [(row["id"], d.relations) for d, row in zip(self.drafts, self.rows, strict=True)]
        )
        relations.resolve_pending_many(
            [match_keys(row) for row in self.rows], skip_sources=set(ids)
        )
        return ids

    def _check_new(self) -> None:
        """Refuse ids and sources that are stored already or repeat within the batch."""
        a = self.t.articles
        for column, what in (("id", "the id"), ("source_key", "the source")):
            values = [row[column] for row in self.rows if row[column] is not None]
            if len(values) != len(set(values)):
                raise DuplicateError(f"two of the new articles have {what}")
        given = [row["id"] for row, d in zip(self.rows, self.drafts, strict=True) if d.id]
        if given and (stored := self.conn.scalar(select(a.c.id).where(a.c.id.in_(given)))):
            raise DuplicateError(f"an article with id {stored} already exists")
        sources = {row["source_key"]: row for row in self.rows if row["source_key"]}
        if sources:
            stored_key = self.conn.scalar(
                select(a.c.source_key).where(a.c.source_key.in_(list(sources)))
            )
            if stored_key is not None:
                raise DuplicateError(
                    f"an article imported from {sources[stored_key]['source_locator']} already "
                    "exists; update it instead of creating it again"
                )

    def _slugs(self) -> list[str]:
        """A free slug per new article: explicit ones checked, derived ones numbered.

        The derived bases of each locale are looked up in one query; only a base that
        is taken costs a second one, for its numbered variants.
        """
        s = self.t.article_slugs
        bases = [d.slug or _slugs.derive_slug(self.uow, d.headline, d.locale) for d in self.drafts]
        by_locale: dict[str, set[str]] = defaultdict(set)
        for draft, base in zip(self.drafts, bases, strict=True):
            by_locale[draft.locale].add(base)
        taken: dict[str, set[str]] = {
            locale: set(
                self.conn.scalars(
                    select(s.c.slug).where(s.c.locale == locale, s.c.slug.in_(list(wanted)))
                )
            )
            for locale, wanted in by_locale.items()
        }
        assigned: dict[str, set[str]] = defaultdict(set)
        slugs: list[str] = []
        for draft, row, base in zip(self.drafts, self.rows, bases, strict=True):
            locale, mine = draft.locale, assigned[draft.locale]
            if base in taken[locale] or base in mine:
                if draft.slug:
                    raise DuplicateError(
                        f"the slug {base!r} is already used in {locale}; choose another"
                    )
                slug = _slugs.free_slug(self.uow, locale, base, row["id"], reserved=mine)
            else:
                slug = base
            mine.add(slug)
            slugs.append(slug)
        return slugs
