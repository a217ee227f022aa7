"""Articles: create, read by id or slug, update without lost updates, list by keyset.

Every write runs in its own savepoint and either happens whole or not at all. Slugs are
unique per locale and allocated atomically; every slug an article ever had keeps
resolving to it. Reads return complete ``Article`` objects in three statements, whatever
the page size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import Integer, bindparam, delete, exists, insert, or_, select, update
from sqlalchemy import exc as sa_exc

from newscms.domain.article import Article, ArticleDraft, ArticlePatch, Person, SourceRef
from newscms.domain.page import Page
from newscms.domain.status import Status, listed_at
from newscms.domain.workflow import EventKind
from newscms.errors import (
    DuplicateError,
    NaiveDatetimeError,
    NotFoundError,
    ValidationError,
)
from newscms.store._base import (
    Repository,
    as_kind,
    as_locale,
    as_uuid,
    as_version,
    check_limit,
    expect,
    expect_items,
)
from newscms.store._errors import translated
from newscms.store.article_rows import (
    byline_json,
    check_version,
    load_row,
    match_keys,
    sync_listing,
    write_columns,
)
from newscms.store.creation import (
    article_values,
    insert_articles,
    people_rows,
    tag_rows,
)
from newscms.store.cursor import query_fingerprint
from newscms.store.journal import SNAPSHOT_FIELDS, Entry
from newscms.store.keys import source_key, title_key, url_key
from newscms.store.loading import loader_for
from newscms.utils.slugs import slugify

if TYPE_CHECKING:
    import builtins
    from collections.abc import Collection, Iterable, Sequence

    from sqlalchemy import Row
    from sqlalchemy.sql import ColumnElement, Select
    from sqlalchemy.sql.elements import BindParameter

    from newscms.store.loading import ArticleLoader

__all__ = ["ArticleFilter", "ArticleRepository"]

SLUG_MAX = 200
_SLUG_ATTEMPTS = 20
_SUFFIX = re.compile(r"-(\d+)$")
_CURSOR_AT = "cursor_listed_at"


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """What a listing is restricted to; every field is optional."""

    locale: str | None = None
    status: Status | None = None
    public: bool = False
    tag: UUID | None = None
    tag_kind: str | None = None
    person: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None


class ArticleRepository(Repository):
    """Articles of one unit of work."""

    @property
    def _loader(self) -> ArticleLoader:
        return loader_for(self.t, self.uow.settings.default_locale)

    # -- reads ---------------------------------------------------------------------

    @translated
    def get(self, article_id: UUID | str, *, public: bool = False) -> Article:
        """The article with this id.

        With ``public`` set, only what readers may see is returned: drafts, archived
        and not-yet-due scheduled articles are not found, and neither are relations
        to them.

        Raises:
            NotFoundError: no such article (or, with ``public``, not visible).
        """
        article_id = as_uuid(article_id, "article_id")
        found = self._load(self._one("id", public=public), {"id": article_id}, public=public)
        if not found:
            raise NotFoundError(f"no article with id {article_id}", kind="article", key=article_id)
        return found[0]

    @translated
    def get_by_slug(self, locale: str, slug: str, *, public: bool = False) -> Article:
        """The article at (``locale``, ``slug``); a former slug finds it too.

        When ``article.slug != slug`` the slug was an old one: redirect to the new URL.

        Raises:
            NotFoundError: no article has or had this slug in this locale.
        """
        locale = as_locale(locale, "locale")
        expect(slug, str, "slug")
        found = self._load(
            self._one("slug", public=public),
            {"locale": locale, "slug": slug.strip().lower()},
            public=public,
        )
        if not found:
            raise NotFoundError(
                f"no article with slug {slug!r} in {locale}", kind="article", key=(locale, slug)
            )
        return found[0]

    @translated
    def find_by_source(self, source: SourceRef) -> Article | None:
        """The article imported from ``source`` (same format and locator), if any."""
        expect(source, SourceRef, "source")
        key = source_key(source.format, source.locator)
        found = self._load(self._one("source", public=False), {"source_key": key}, public=False)
        return found[0] if found else None

    def _one(self, by: str, *, public: bool) -> Select[Any]:
        """The statement reading one article by ``id``, ``slug`` or ``source``, built once."""
        statements = self._loader.statements
        shape = ("article", by, public)
        query = statements.get(shape)
        if query is None:
            a, s = self.t.articles, self.t.article_slugs
            columns = self._loader.article_columns
            if by == "slug":
                query = (
                    select(*columns)
                    .join(s, s.c.article_id == a.c.id)
                    .where(s.c.locale == bindparam("locale"), s.c.slug == bindparam("slug"))
                )
            elif by == "source":
                query = select(*columns).where(a.c.source_key == bindparam("source_key"))
            else:
                query = select(*columns).where(a.c.id == bindparam("id"))
            if public:
                query = query.where(a.c.is_public.is_(True), a.c.listed_at <= bindparam("now"))
            statements[shape] = query
        return query

    @translated
    def list(
        self,
        *,
        locale: str | None = None,
        status: Status | str | None = None,
        public: bool = False,
        tag: UUID | str | None = None,
        tag_kind: str | None = None,
        person: str | None = None,
        published_after: datetime | None = None,
        published_before: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[Article]:
        """Articles newest first, one page at a time (keyset pagination).

        Args:
            locale: only this locale.
            status: only this status as readers see it (a due scheduled article is
                ``published``).
            public: only what the public may see now (published, or scheduled and due).
            tag: only articles carrying this tag id.
            tag_kind: only articles carrying a tag of this kind.
            person: only articles whose byline credits this name.
            published_after: only articles published at or after this moment.
            published_before: only articles published before this moment.
            limit: page size, 1 to 200.
            cursor: ``next_cursor`` of the previous page, unchanged.

        Raises:
            InvalidCursorError: the cursor was edited or belongs to other filters.
        """
        filters = self._filter(
            locale=locale,
            status=status,
            public=public,
            tag=tag,
            tag_kind=tag_kind,
            person=person,
            published_after=published_after,
            published_before=published_before,
        )
        check_limit(limit)
        scope = query_fingerprint("articles", *filters.__slots__, *self._filter_values(filters))
        after = self._decode_cursor(cursor, scope) if cursor is not None else None
        now = self.uow.now()
        query, values = self._listing_query(filters, after, now)
        values["limit"] = limit + 1  # one more row says whether a next page exists
        rows = self.conn.execute(query, values).all()
        articles = self._loader.load(self.conn, rows[:limit], now=now, public=filters.public)
        next_cursor = None
        if len(rows) > limit:
            # The stored listing time, not one recomputed from the article: an embargo
            # (even a lifted one) keeps an article where it was listed.
            last = rows[limit - 1]._mapping
            key = last[_CURSOR_AT].isoformat()
            next_cursor = self.uow.cursors.encode([key, last["id"].hex], scope)
        return Page[Article].model_construct(items=tuple(articles), next_cursor=next_cursor)

    def _filter(
        self,
        *,
        locale: str | None,
        status: Status | str | None,
        public: bool,
        tag: UUID | str | None,
        tag_kind: str | None,
        person: str | None,
        published_after: datetime | None,
        published_before: datetime | None,
    ) -> ArticleFilter:
        if status is not None:
            try:
                status = Status(status)
            except ValueError:
                choices = ", ".join(s.value for s in Status)
                raise ValidationError(f"must be one of {choices}", field="status") from None
        for name, value in (
            ("published_after", published_after),
            ("published_before", published_before),
        ):
            if value is not None and not isinstance(value, datetime):
                raise ValidationError("must be a timezone-aware datetime", field=name)
            if value is not None and value.utcoffset() is None:
                raise NaiveDatetimeError(
                    "a naive datetime was given; attach a time zone (for example tzinfo=UTC)",
                    field=name,
                )
        return ArticleFilter(
            locale=as_locale(locale, "locale") if locale is not None else None,
            status=status,
            public=bool(public),
            tag=as_uuid(tag, "tag") if tag is not None else None,
            tag_kind=as_kind(tag_kind, "tag_kind") if tag_kind is not None else None,
            person=slugify(expect(person, str, "person"), max_length=SLUG_MAX) if person else None,
            published_after=published_after,
            published_before=published_before,
        )

    @staticmethod
    def _filter_values(filters: ArticleFilter) -> tuple[object, ...]:
        return tuple(str(getattr(filters, name)) for name in filters.__slots__)

    def _decode_cursor(self, cursor: str, scope: str) -> tuple[datetime, UUID]:
        from newscms.errors import InvalidCursorError

        values = self.uow.cursors.decode(cursor, scope)
        try:
            moment, ident = values
            return datetime.fromisoformat(str(moment)), UUID(hex=str(ident))
        except (ValueError, TypeError):
            raise InvalidCursorError(
                "the cursor's position is unreadable", field="cursor"
            ) from None

    def _listing_query(
        self, f: ArticleFilter, after: tuple[datetime, UUID] | None, now: datetime
    ) -> tuple[Select[Any], dict[str, Any]]:
        """The listing statement for these filters (built once per shape) and its values."""
        # Past the first page the cursor is the tighter upper bound; two bounds on the
        # walked column make SQLite range-scan from the looser one.
        bounded = (f.public or f.status is Status.PUBLISHED) and (after is None or after[0] > now)
        shape = (
            "listing",
            f.tag is not None,
            f.locale is not None,
            f.status,
            f.public,
            f.tag_kind is not None,
            f.person is not None,
            f.published_after is not None,
            f.published_before is not None,
            after is not None,
            bounded,
        )
        statements = self._loader.statements
        query = statements.get(shape)
        if query is None:
            query = statements[shape] = self._build_listing(
                f, paging=after is not None, bounded=bounded
            )
        values: dict[str, Any] = {
            "now": now,
            "tag": f.tag,
            "locale": f.locale,
            "tag_kind": f.tag_kind,
            "person": f.person,
            "published_after": f.published_after,
            "published_before": f.published_before,
        }
        if after is not None:
            values["after_at"], values["after_id"] = after
        return query, values

    def _build_listing(self, f: ArticleFilter, *, paging: bool, bounded: bool) -> Select[Any]:
        """A listing statement for the filters ``f`` sets, every value a bound parameter."""
        a, at = self.t.articles, self.t.article_tags
        columns = self._loader.article_columns
        if f.tag is not None:
            # Walk the tag's (tag_id, is_public, listed_at) index in order and join.
            order_at, order_id = at.c.listed_at, at.c.article_id
            query = select(*columns, order_at.label(_CURSOR_AT))
            query = query.select_from(at).join(a, a.c.id == at.c.article_id)
            query = query.where(at.c.tag_id == bindparam("tag"))
            visible_flag = at.c.is_public
        else:
            order_at, order_id = a.c.listed_at, a.c.id
            query = select(*columns, order_at.label(_CURSOR_AT))
            visible_flag = a.c.is_public
        conditions = self._status_conditions(f, visible_flag, order_at, bounded=bounded)
        conditions += self._content_conditions(f)
        if paging:
            moment: BindParameter[datetime] = bindparam("after_at")
            ident: BindParameter[UUID] = bindparam("after_id")
            # Written as a range the index can seek ("<= moment") plus a tie-break filter.
            conditions += [order_at <= moment, or_(order_at < moment, order_id < ident)]
        return (
            query.where(*conditions)
            .order_by(order_at.desc(), order_id.desc())
            .limit(bindparam("limit", type_=Integer()))
        )

    def _status_conditions(
        self,
        f: ArticleFilter,
        visible_flag: ColumnElement[bool],
        listed: ColumnElement[datetime],
        *,
        bounded: bool,
    ) -> builtins.list[ColumnElement[bool]]:
        """What ``public`` and ``status`` require, judged at the bound ``now``.

        ``bounded`` adds the public upper bound on the walked column (``listed <= now``).
        """
        a = self.t.articles
        conditions: builtins.list[ColumnElement[bool]] = []
        if f.public or f.status is Status.PUBLISHED:
            conditions.append(visible_flag.is_(True))
            if bounded:
                conditions.append(listed <= bindparam("now"))
        if f.status is Status.SCHEDULED:
            conditions += [a.c.status == Status.SCHEDULED.value, a.c.listed_at > bindparam("now")]
        elif f.status in (Status.DRAFT, Status.ARCHIVED):
            conditions.append(a.c.status == f.status.value)
        if f.status not in (None, Status.PUBLISHED) and f.public:
            conditions.append(a.c.id.is_(None))  # nothing private is public
        return conditions

    def _content_conditions(self, f: ArticleFilter) -> builtins.list[ColumnElement[bool]]:
        """What the locale, date, tag kind and person filters require."""
        a, at = self.t.articles, self.t.article_tags
        conditions: builtins.list[ColumnElement[bool]] = []
        if f.locale is not None:
            conditions.append(a.c.locale == bindparam("locale"))
        if f.published_after is not None:
            conditions.append(a.c.published_at >= bindparam("published_after"))
        if f.published_before is not None:
            conditions.append(a.c.published_at < bindparam("published_before"))
        if f.tag_kind is not None:
            tg = self.t.tags
            # Correlate on the article only: with a tag filter the outer query reads
            # article_tags too, and auto-correlation would test only the filtered tag.
            conditions.append(
                exists()
                .where(at.c.article_id == a.c.id)
                .where(tg.c.id == at.c.tag_id, tg.c.kind == bindparam("tag_kind"))
                .correlate(a)
            )
        if f.person is not None:
            ap = self.t.article_people
            conditions.append(
                exists().where(ap.c.article_id == a.c.id, ap.c.person_key == bindparam("person"))
            )
        return conditions

    def _load(
        self,
        query: Select[Any],
        values: dict[str, Any] | None = None,
        *,
        public: bool,
        now: datetime | None = None,
    ) -> builtins.list[Article]:
        """Run ``query`` with ``values`` (and ``now``) and complete its rows.

        ``public`` hides relations to what readers may not see; the query itself already
        carries any public filter on the articles (as ``listed_at <= :now``).
        """
        if now is None:
            now = self.uow.now()
        rows = self.conn.execute(query, {**(values or {}), "now": now}).all()
        return self._loader.load(self.conn, rows, now=now, public=public)

    # -- writes --------------------------------------------------------------------

    @translated
    def create(self, draft: ArticleDraft) -> Article:
        """Store a new article; its slug is derived from the headline unless given.

        Tags named by the draft are created when missing; relations to targets not
        stored yet are kept as pending; pending relations elsewhere that name this
        article resolve to it.

        Raises:
            DuplicateError: the id, the explicit slug or the source is already stored.
            NotFoundError: a tag id or relation target id does not exist.
            RelationError: a relation would link the article to itself.
        """
        expect(draft, ArticleDraft, "draft")
        with self.uow.atomic():
            return self._created(insert_articles(self, [draft]))[0]

    @translated
    def create_many(self, drafts: Iterable[ArticleDraft]) -> builtins.list[Article]:
        """Store several articles in one savepoint: all of them, or none if one is refused.

        Much faster than ``create`` in a loop: each table gets one insert for the batch.
        """
        drafts = [expect(d, ArticleDraft, "drafts") for d in expect_items(drafts, "drafts")]
        if not drafts:
            return []
        with self.uow.atomic():
            return self._created(insert_articles(self, drafts))

    def _created(self, ids: Sequence[UUID]) -> builtins.list[Article]:
        """Load freshly inserted articles and journal their first revision and events."""
        a = self.t.articles
        by_id = {art.id: art for art in self._load(select(a).where(a.c.id.in_(ids)), public=False)}
        articles = [by_id[i] for i in ids]
        entries = []
        for article in articles:
            events = [EventKind.CREATED]
            if article.status is Status.PUBLISHED:
                events.append(EventKind.PUBLISHED)
            elif article.status is Status.SCHEDULED:
                events.append(EventKind.SCHEDULED)
            fields = [f for f in SNAPSHOT_FIELDS if getattr(article, f) not in (None, "", ())]
            if article.tags:
                fields.append("tags")
            entries.append(Entry(article, "create", tuple(sorted(fields)), tuple(events)))
        self.uow.journal.record_many(entries)
        return articles

    def insert_one(self, draft: ArticleDraft) -> UUID:
        """Insert one new article, retrying its slug if a concurrent writer takes it.

        The path of a batch that lost a race (see ``store.creation``); no savepoint.
        """
        a = self.t.articles
        values = article_values(draft, draft.id or uuid4(), self.uow.now())
        article_id: UUID = values["id"]
        if draft.id is not None and self.conn.scalar(select(a.c.id).where(a.c.id == draft.id)):
            raise DuplicateError(f"an article with id {draft.id} already exists")
        src_key = values["source_key"]
        if src_key and self.conn.scalar(select(a.c.id).where(a.c.source_key == src_key)):
            raise DuplicateError(
                f"an article imported from {values['source_locator']} already exists; "
                "update it instead of creating it again"
            )
        self._insert_with_slug(values, draft.slug)
        self._write_people(article_id, draft.byline)
        tag_ids = self.uow.tags.resolve(draft.tags, locale=draft.locale)
        self._write_tags(article_id, tag_ids, values["is_public"], values["listed_at"])
        self.uow.relations.insert(article_id, draft.relations)
        self.uow.relations.resolve_pending(match_keys(values))
        return article_id

    @translated
    def stored_of(self, drafts: Sequence[ArticleDraft]) -> builtins.list[bool]:
        """For each draft, whether an article with its id or its source is stored.

        Two queries for any number of drafts: an importer uses it to send the new ones
        to ``create_many`` and only the others through ``find_by_source``.
        """
        a = self.t.articles
        keys = {source_key(d.source.format, d.source.locator) for d in drafts if d.source}
        ids = {d.id for d in drafts if d.id is not None}
        found: set[object] = set()
        if keys:
            found.update(self.conn.scalars(select(a.c.source_key).where(a.c.source_key.in_(keys))))
        if ids:
            found.update(self.conn.scalars(select(a.c.id).where(a.c.id.in_(ids))))
        return [
            (d.id is not None and d.id in found)
            or (d.source is not None and source_key(d.source.format, d.source.locator) in found)
            for d in drafts
        ]

    # -- slugs ---------------------------------------------------------------------

    def _insert_with_slug(self, values: dict[str, Any], explicit: str | None) -> str:
        """Insert the article row under the first free slug; returns the slug it got."""
        locale = values["locale"]
        base = explicit or self.derive_slug(values["headline"], locale)
        for attempt in range(_SLUG_ATTEMPTS):
            slug = (
                base if explicit else self.free_slug(locale, base, values["id"], locked=attempt > 0)
            )
            try:
                with self.uow.retryable_insert():
                    self.conn.execute(insert(self.t.articles).values(slug=slug, **values))
                    self._claim_slug(locale, slug, values["id"])
            except sa_exc.IntegrityError:
                if explicit:
                    raise DuplicateError(
                        f"the slug {slug!r} is already used in {locale}; choose another"
                    ) from None
                continue  # a concurrent writer took it: try the next free one
            values["slug"] = slug
            return slug
        raise DuplicateError(f"could not allocate a free slug for {base!r} in {locale}")

    def derive_slug(self, headline: str, locale: str) -> str:
        """The slug the store's slugifier makes of ``headline``, leaving room for ``-N``."""
        slug = self.uow.settings.slugifier(headline, locale)
        return slug[: SLUG_MAX - 8].rstrip("-_") or slug[: SLUG_MAX - 8]

    def free_slug(
        self,
        locale: str,
        base: str,
        article_id: UUID,
        *,
        locked: bool = False,
        reserved: Collection[str] = (),
    ) -> str:
        """``base``, or ``base-2``, ``base-3``…: the first that no other article has or had.

        ``reserved`` slugs count as taken too (those given to a batch's earlier articles).
        """
        s = self.t.article_slugs
        # "base" and every "base-…" in one index range ("." follows "-"), not a LIKE scan.
        query = select(s.c.slug, s.c.article_id).where(
            s.c.locale == locale, s.c.slug >= base, s.c.slug < f"{base}."
        )
        if locked:  # after losing a race, read what was committed since our snapshot
            query = query.with_for_update(read=True)
        taken = {t for t in reserved if t == base or t.startswith(f"{base}-")}
        for slug, owner in self.conn.execute(query):
            if slug != base and not slug.startswith(f"{base}-"):
                continue
            if owner == article_id:
                if slug == base:
                    return base  # an old slug of this very article: take it back
                continue
            taken.add(slug)
        if base not in taken:
            return base
        numbers = {
            int(m.group(1)) for t in taken if (m := _SUFFIX.search(t)) and t[: m.start()] == base
        }
        n = 2
        while n in numbers:
            n += 1
        return f"{base}-{n}"

    def _claim_slug(self, locale: str, slug: str, article_id: UUID) -> None:
        s = self.t.article_slugs
        owner = self.conn.scalar(
            select(s.c.article_id).where(s.c.locale == locale, s.c.slug == slug)
        )
        if owner is None:
            self.conn.execute(
                insert(s).values(
                    locale=locale, slug=slug, article_id=article_id, created_at=self.uow.now()
                )
            )
        elif owner != article_id:
            raise DuplicateError(f"the slug {slug!r} is already used in {locale}")

    # -- dependent rows ------------------------------------------------------------

    def _write_people(self, article_id: UUID, byline: Sequence[Person]) -> None:
        if byline:
            self.conn.execute(insert(self.t.article_people), people_rows(article_id, byline))

    def _write_tags(
        self, article_id: UUID, tag_ids: Sequence[UUID], public: bool, sort_at: datetime
    ) -> None:
        if tag_ids:
            rows = tag_rows(article_id, tag_ids, public, sort_at)
            self.conn.execute(insert(self.t.article_tags), rows)

    # -- update and delete ------------------------------------------------------------

    @translated
    def update(self, article_id: UUID | str, patch: ArticlePatch) -> Article:
        """Apply ``patch`` if the article is still at ``patch.expected_version``.

        A patch that changes nothing writes nothing and keeps the version. Every save
        stores a revision and emits ``updated`` (and ``slug_changed`` when the slug moved).

        Raises:
            NotFoundError: no such article.
            ConflictError: someone saved the article since ``expected_version``; nothing
                was written. The error names the fields they changed.
            DuplicateError: an explicit new slug is already used.
        """
        return self.apply(article_id, patch, action="update")

    def apply(
        self,
        article_id: UUID | str,
        patch: ArticlePatch,
        *,
        action: str,
        correction: str | None = None,
    ) -> Article:
        """Apply ``patch`` and journal it as ``action`` (``update``, ``restore``, ``correct``).

        With ``correction``, the change is also entered in the article's public
        correction log with that note, and emits ``corrected`` instead of ``updated``.
        """
        article_id = as_uuid(article_id, "article_id")
        expect(patch, ArticlePatch, "patch")
        with self.uow.atomic():
            row = load_row(self.uow, article_id)
            check_version(self.uow, row, patch.expected_version)
            changes = self._column_changes(row, patch)
            new_slug = self._slug_change(row, patch)
            tag_ids = self._tag_change(row, patch)
            fields = _changed_fields(changes, tags=tag_ids is not None, slug=new_slug is not None)
            if not fields:
                return self.get(article_id)
            if correction is not None:
                changes["corrections"] = [
                    *(row.corrections or []),
                    _correction_entry(self.uow.now(), correction, fields, row.version + 1),
                ]
            write_columns(self.uow, row, changes)
            if new_slug is not None:
                self._reslug(row, new_slug)
            if patch.byline is not None and "byline" in changes:
                ap = self.t.article_people
                self.conn.execute(delete(ap).where(ap.c.article_id == article_id))
                self._write_people(article_id, patch.byline)
            current = load_row(self.uow, article_id)
            if tag_ids is not None:
                at = self.t.article_tags
                self.conn.execute(delete(at).where(at.c.article_id == article_id))
                self._write_tags(article_id, tag_ids, current.is_public, current.listed_at)
            elif {"listed_at", "is_public"} & changes.keys():
                sync_listing(self.uow, article_id)
            if {"title_key", "url_key", "published_at"} & changes.keys() or new_slug:
                self.uow.relations.resolve_pending(match_keys(current._mapping))
            article = self.get(article_id)
            events = [EventKind.CORRECTED if correction is not None else EventKind.UPDATED]
            if new_slug is not None:
                events.append(EventKind.SLUG_CHANGED)
            self.uow.journal.record(
                article, action=action, changed=fields, events=events, old_slug=row.slug
            )
        return article

    def _column_changes(self, row: Row[Any], patch: ArticlePatch) -> dict[str, Any]:
        """The article columns ``patch`` changes, with derived columns kept consistent."""
        wanted: dict[str, Any] = {}
        given = patch.changes()
        for field in ("headline", "subheadline", "summary", "body", "canonical_url"):
            if field in given:
                wanted[field] = given[field]
        if "byline" in given:
            wanted["byline"] = byline_json(patch.byline or ())
        if "dateline" in given:
            wanted["dateline_place"] = patch.dateline.place if patch.dateline else None
            wanted["dateline_source"] = patch.dateline.source if patch.dateline else None
        if "source" in given:
            src = patch.source
            wanted["source_format"] = src.format if src else None
            wanted["source_locator"] = src.locator if src else None
            wanted["source_key"] = source_key(src.format, src.locator) if src else None
        if "date_provenance" in given:
            wanted["date_provenance"] = (
                patch.date_provenance.model_dump() if patch.date_provenance else None
            )
        if "headline" in wanted:
            wanted["title_key"] = title_key(wanted["headline"])
        if "canonical_url" in wanted:
            wanted["url_key"] = (
                url_key(wanted["canonical_url"]) if wanted["canonical_url"] else None
            )
        status = Status(row.status)
        published_at = given.get("published_at", row.published_at)
        embargoed_until = given.get("embargoed_until", row.embargoed_until)
        if "published_at" in given:
            if published_at is None and status is not Status.DRAFT:
                raise ValidationError(
                    f"a {status.value} article needs a publication time", field="published_at"
                )
            wanted["published_at"] = published_at
        if "embargoed_until" in given:
            wanted["embargoed_until"] = embargoed_until
        if {"published_at", "embargoed_until"} & given.keys():
            wanted["listed_at"] = listed_at(status, published_at, row.created_at, embargoed_until)
        return {key: value for key, value in wanted.items() if getattr(row, key) != value}

    def _slug_change(self, row: Row[Any], patch: ArticlePatch) -> str | None:
        if patch.slug is not None:
            return patch.slug if patch.slug != row.slug else None
        headline_changed = patch.headline is not None and patch.headline != row.headline
        never_published = row.first_published_at is None and row.status == Status.DRAFT.value
        if patch.regenerate_slug or (headline_changed and never_published):
            base = self.derive_slug(patch.headline or row.headline, row.locale)
            # "x-2" already says "x" when it was numbered from "x", but "top-10" derived
            # from "Top 10" does not say "Top": compare with the old headline's slug too.
            numbered = _SUFFIX.sub("", row.slug) == base
            if base == row.slug or (
                numbered and self.derive_slug(row.headline, row.locale) == base
            ):
                return None  # the slug already says this headline
            return self.free_slug(row.locale, base, row.id, locked=False)
        return None

    def _tag_change(self, row: Row[Any], patch: ArticlePatch) -> builtins.list[UUID] | None:
        """The tag ids ``patch`` gives the article, or ``None`` when its tags stay as they are."""
        if patch.tags is None:
            return None
        tag_ids = self.uow.tags.resolve(patch.tags, locale=row.locale)
        at = self.t.article_tags
        current = self.conn.scalars(
            select(at.c.tag_id).where(at.c.article_id == row.id).order_by(at.c.position)
        ).all()
        return None if list(current) == tag_ids else tag_ids

    def _reslug(self, row: Row[Any], slug: str) -> None:
        a = self.t.articles
        try:
            with self.uow.retryable_insert():
                self._claim_slug(row.locale, slug, row.id)
                self.conn.execute(update(a).where(a.c.id == row.id).values(slug=slug))
        except sa_exc.IntegrityError:
            raise DuplicateError(
                f"the slug {slug!r} is already used in {row.locale}; choose another"
            ) from None

    @translated
    def delete(self, article_id: UUID | str, *, expected_version: int | None = None) -> None:
        """Delete an article for good; relations pointing at it become pending again.

        Its revisions go with it; a ``deleted`` event is emitted.

        Raises:
            NotFoundError: no such article.
            ConflictError: ``expected_version`` is given and no longer current.
        """
        article_id = as_uuid(article_id, "article_id")
        expected_version = as_version(expected_version)
        a = self.t.articles
        with self.uow.atomic():
            row = load_row(self.uow, article_id)
            check_version(self.uow, row, expected_version)
            self.uow.relations.unresolve_incoming(row)
            self.uow.journal.deleted(row)
            self.conn.execute(delete(a).where(a.c.id == article_id))


# Article columns and the article field each one belongs to, for the revision log.
_COLUMN_FIELDS = {
    "dateline_place": "dateline",
    "dateline_source": "dateline",
    "source_format": "source",
    "source_locator": "source",
    "source_key": "source",
}
_DERIVED_COLUMNS = frozenset({"title_key", "url_key", "listed_at", "is_public", "corrections"})


def _changed_fields(changes: dict[str, Any], *, tags: bool, slug: bool) -> builtins.list[str]:
    """The article fields a set of column changes touches, for the revision log."""
    fields = [
        _COLUMN_FIELDS.get(column, column) for column in changes if column not in _DERIVED_COLUMNS
    ]
    if tags:
        fields.append("tags")
    if slug:
        fields.append("slug")
    return sorted(set(fields))


def _correction_entry(
    now: datetime, note: str, fields: Sequence[str], version: int
) -> dict[str, Any]:
    """One entry of the public correction log, as stored in the article row."""
    return {
        "id": uuid4().hex,
        "created_at": now.isoformat(),
        "note": note,
        "fields": list(fields),
        "version": version,
    }
