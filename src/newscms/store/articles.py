"""Articles: create, read by id or slug, update without lost updates, list by keyset.

The repository is a façade. Reads are built here and return complete ``Article``
objects in three statements, whatever the page size; the listing rules (visibility,
keyset cursors) live in ``store._listing``; every write is an entry into the one write
path (``store._write_path``), which keeps the slug history, listing rows, pending
relations, revisions, events and the search index in step in one savepoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, bindparam, exists, select

from newscms.domain.article import Article, ArticleDraft, ArticlePatch, ArticleTeaser, SourceRef
from newscms.domain.page import Page
from newscms.domain.status import Status
from newscms.errors import NotFoundError, ValidationError
from newscms.store import _write_path
from newscms.store._base import (
    Repository,
    as_flag,
    as_locale,
    as_lookup,
    as_uuid,
    as_version,
    check_limit,
    expect,
    expect_items,
)
from newscms.store._cursor import query_fingerprint
from newscms.store._direct import Prepared
from newscms.store._errors import translated
from newscms.store._listing import (
    ArticleFilter,
    article_filter,
    decode_position,
    encode_position,
    public_conditions,
    seek_below,
    status_conditions,
)
from newscms.store._loading import loader_for
from newscms.store._patches import patch_change
from newscms.store._work import Work
from newscms.utils.keys import source_key

if TYPE_CHECKING:
    import builtins
    from collections.abc import Iterable, Mapping
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy.sql import ColumnElement, Select

    from newscms.store._loading import ArticleLoader

__all__ = ["ArticleFilter", "ArticleRepository"]

_CURSOR_AT = "cursor_listed_at"


class ArticleRepository(Repository[Work]):
    """Articles of one unit of work."""

    @property
    def _loader(self) -> ArticleLoader:
        return loader_for(self.t, self.uow.settings.locales)

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
        public = as_flag(public, "public")
        found = self._load(self._one("id", public=public), {"id": article_id}, public=public)
        if not found:
            raise NotFoundError(f"no article with id {article_id}", kind="article", key=article_id)
        return found[0]

    @translated
    def get_by_slug(
        self,
        locale: str,
        slug: str,
        *,
        public: bool = False,
        fallback: bool | Sequence[str] = True,
    ) -> Article:
        """The article at (``locale``, ``slug``); a former slug finds it too.

        When ``article.slug != slug`` the slug was an old one, or another edition's:
        redirect to the article's own URL. When no article in ``locale`` has the slug,
        the next locales of the fallback chain are tried (``fallback``: True for the
        store's chain, False for none, or the locales to try in order); the article
        found there is replaced by its edition in ``locale`` when its translation group
        has one, else returned as it is with ``fallback_for`` set to ``locale``.

        Raises:
            NotFoundError: no article has or had this slug in this locale (or along
                the chain).
        """
        locale = as_locale(locale, "locale")
        public = as_flag(public, "public")
        chain = self._chain(locale, fallback)
        key = as_lookup(slug, "slug")
        if key is not None:
            for candidate in chain:
                found = self._load(
                    self._one("slug", public=public),
                    {"locale": candidate, "slug": key.strip().lower()},
                    public=public,
                )
                if found:
                    if candidate == locale:
                        return found[0]
                    return self._edition_of(found[0], locale, chain, public=public)
        raise NotFoundError(
            f"no article with slug {slug!r} in {locale}", kind="article", key=(locale, slug)
        )

    @translated
    def edition(
        self,
        article_id: UUID | str,
        locale: str,
        *,
        public: bool = False,
        fallback: bool | Sequence[str] = True,
    ) -> Article:
        """The edition of the article's story in ``locale``, or along its fallback chain.

        The article itself when it is in ``locale``; else the first edition of its
        translation group in a locale of the chain (``fallback`` as for
        ``get_by_slug``), marked with ``fallback_for=locale``; else the article itself,
        marked the same way.

        Raises:
            NotFoundError: no such article (or, with ``public``, not visible).
        """
        locale = as_locale(locale, "locale")
        chain = self._chain(locale, fallback)
        article = self.get(article_id, public=public)
        return self._edition_of(article, locale, chain, public=public)

    def _chain(self, locale: str, fallback: bool | Sequence[str]) -> tuple[str, ...]:
        """The locales a read of ``locale`` tries, ``locale`` first."""
        if fallback is True:
            return self.uow.settings.locales.chain(locale)
        if fallback is False:
            return (locale,)
        if isinstance(fallback, str) or not isinstance(fallback, Sequence):
            raise ValidationError(
                "give True, False or a list of locales to fall back to", field="fallback"
            )
        return tuple(dict.fromkeys([locale, *(as_locale(f, "fallback") for f in fallback)]))

    def _edition_of(
        self, article: Article, locale: str, chain: Sequence[str], *, public: bool
    ) -> Article:
        """``article``'s edition in the first locale of ``chain`` its group has."""
        editions = {ref.locale: ref for ref in article.translations}
        editions[article.locale] = article.ref
        for candidate in chain:
            ref = editions.get(candidate)
            if ref is None:
                continue
            chosen = article if ref.id == article.id else self.get(ref.id, public=public)
            if candidate == locale:
                return chosen
            return chosen.model_copy(update={"fallback_for": locale})
        return article.model_copy(update={"fallback_for": locale})

    @translated
    def find_by_source(self, source: SourceRef) -> Article | None:
        """The article imported from ``source`` (same format and locator), if any."""
        expect(source, SourceRef, "source")
        key = source_key(source.format, source.locator)
        found = self._load(self._one("source", public=False), {"source_key": key}, public=False)
        return found[0] if found else None

    def _one(self, by: str, *, public: bool) -> Prepared:
        """The statement reading one article by ``id``, ``slug`` or ``source``, built once."""
        statements = self._loader.statements
        shape = ("article", by, public)
        prepared = statements.get(shape)
        if prepared is None:
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
                query = query.where(
                    *public_conditions(
                        a.c.is_public, a.c.listed_at, a.c.expires_at, bindparam("now")
                    )
                )
            prepared = statements[shape] = Prepared(query)
        return prepared

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
        person_id: UUID | str | None = None,
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
            person: only articles whose byline credits the person known by this name
                (any spelling of theirs).
            person_id: only articles whose byline credits this person (``uow.people``).
            published_after: only articles published at or after this moment.
            published_before: only articles published before this moment.
            limit: page size, 1 to 200.
            cursor: ``next_cursor`` of the previous page, unchanged.

        Raises:
            InvalidCursorError: the cursor was edited or belongs to other filters.
        """
        rows, next_cursor, now, public = self._listed(
            teasers=False,
            locale=locale,
            status=status,
            public=public,
            tag=tag,
            tag_kind=tag_kind,
            person=person,
            person_id=person_id,
            published_after=published_after,
            published_before=published_before,
            limit=limit,
            cursor=cursor,
        )
        articles = self._loader.load(self.conn, rows, now=now, public=public)
        return Page[Article].model_construct(items=tuple(articles), next_cursor=next_cursor)

    @translated
    def teasers(
        self,
        *,
        locale: str | None = None,
        status: Status | str | None = None,
        public: bool = False,
        tag: UUID | str | None = None,
        tag_kind: str | None = None,
        person: str | None = None,
        person_id: UUID | str | None = None,
        published_after: datetime | None = None,
        published_before: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[ArticleTeaser]:
        """The page ``list`` returns, as teasers: no body, relations or editions read.

        What a listing page, a feed of headlines or an API index shows, at a fraction
        of the cost: the body is most of a stored row, and a full article takes two or
        three more statements to complete. Same arguments, same order; a cursor of
        either method pages the other.

        Raises:
            InvalidCursorError: the cursor was edited or belongs to other filters.
        """
        rows, next_cursor, now, _ = self._listed(
            teasers=True,
            locale=locale,
            status=status,
            public=public,
            tag=tag,
            tag_kind=tag_kind,
            person=person,
            person_id=person_id,
            published_after=published_after,
            published_before=published_before,
            limit=limit,
            cursor=cursor,
        )
        found = self._loader.load_teasers(self.conn, rows, now=now)
        return Page[ArticleTeaser].model_construct(items=tuple(found), next_cursor=next_cursor)

    def _listed(
        self,
        *,
        teasers: bool,
        locale: str | None,
        status: Status | str | None,
        public: bool,
        tag: UUID | str | None,
        tag_kind: str | None,
        person: str | None,
        person_id: UUID | str | None,
        published_after: datetime | None,
        published_before: datetime | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[Sequence[Mapping[Any, Any]], str | None, datetime, bool]:
        """A page of ``list`` or ``teasers``: its rows, next cursor, moment and publicity."""
        filters = article_filter(
            locale=locale,
            status=status,
            public=public,
            tag=tag,
            tag_kind=tag_kind,
            person=person,
            person_id=person_id,
            published_after=published_after,
            published_before=published_before,
        )
        check_limit(limit)
        scope = query_fingerprint("articles", *filters.__slots__, *filters.values())
        after = None
        if cursor is not None:
            after = decode_position(self.uow.cursors, cursor, scope)
        now = self.uow.now()
        query, values = self._listing_query(filters, after, now, teasers=teasers)
        values["limit"] = limit + 1  # one more row says whether a next page exists
        rows = query.mappings(self.conn, values)
        next_cursor = None
        if len(rows) > limit:
            # The stored listing time, not one recomputed from the article: an embargo
            # (even a lifted one) keeps an article where it was listed.
            last = rows[limit - 1]
            next_cursor = encode_position(self.uow.cursors, scope, last[_CURSOR_AT], last["id"])
        return rows[:limit], next_cursor, now, filters.public

    def _listing_query(
        self,
        f: ArticleFilter,
        after: tuple[datetime, UUID] | None,
        now: datetime,
        *,
        teasers: bool,
    ) -> tuple[Prepared, dict[str, Any]]:
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
            f.person_id is not None,
            f.published_after is not None,
            f.published_before is not None,
            after is not None,
            bounded,
            teasers,
        )
        statements = self._loader.statements
        query = statements.get(shape)
        if query is None:
            query = statements[shape] = Prepared(
                self._build_listing(f, paging=after is not None, bounded=bounded, teasers=teasers)
            )
        values: dict[str, Any] = {
            "now": now,
            "tag": f.tag,
            "locale": f.locale,
            "tag_kind": f.tag_kind,
            "person": f.person,
            "person_id": f.person_id,
            "published_after": f.published_after,
            "published_before": f.published_before,
        }
        if after is not None:
            values["after_at"], values["after_id"] = after
        return query, values

    def _build_listing(
        self, f: ArticleFilter, *, paging: bool, bounded: bool, teasers: bool
    ) -> Select[Any]:
        """A listing statement for the filters ``f`` sets, every value a bound parameter."""
        a, at = self.t.articles, self.t.article_tags
        loader = self._loader
        columns = loader.teaser_columns if teasers else loader.article_columns
        if f.tag is not None:
            # Walk the tag's (tag_id, is_public, listed_at) index in order and join.
            order_at, order_id = at.c.listed_at, at.c.article_id
            query = select(*columns, order_at.label(_CURSOR_AT))
            query = query.select_from(at).join(a, a.c.id == at.c.article_id)
            query = query.where(at.c.tag_id == bindparam("tag"))
            walked = at
        else:
            order_at, order_id = a.c.listed_at, a.c.id
            query = select(*columns, order_at.label(_CURSOR_AT))
            walked = a
        conditions = status_conditions(
            f,
            is_public=walked.c.is_public,
            listed=order_at,
            expires=walked.c.expires_at,
            status=a.c.status,
            now=bindparam("now"),
            bounded=bounded,
        )
        conditions += self._content_conditions(f)
        if paging:
            conditions += seek_below(
                order_at, order_id, bindparam("after_at"), bindparam("after_id")
            )
        return (
            query.where(*conditions)
            .order_by(order_at.desc(), order_id.desc())
            .limit(bindparam("limit", type_=Integer()))
        )

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
        if f.person is not None or f.person_id is not None:
            ap, pn = self.t.article_people, self.t.person_names
            credited = (
                ap.c.person_id == bindparam("person_id")
                if f.person_id is not None
                else ap.c.person_id.in_(
                    select(pn.c.person_id).where(pn.c.name_key == bindparam("person"))
                )
            )
            conditions.append(exists().where(ap.c.article_id == a.c.id, credited))
        return conditions

    def _load(
        self,
        query: Prepared,
        values: dict[str, Any],
        *,
        public: bool,
    ) -> builtins.list[Article]:
        """Run ``query`` with ``values`` (and ``now``) and complete its rows.

        ``public`` hides relations to what readers may not see; the query itself already
        carries any public filter on the articles (as ``listed_at <= :now``).
        """
        now = self.uow.now()
        rows = query.mappings(self.conn, {**values, "now": now})
        return self._loader.load(self.conn, rows, now=now, public=public)

    def load_where(self, condition: ColumnElement[bool]) -> builtins.list[Article]:
        """The complete articles whose rows meet ``condition`` (for the write path)."""
        rows = self.conn.execute(select(self.t.articles).where(condition)).mappings().all()
        return self._loader.load(self.conn, rows, now=self.uow.now())

    # -- writes: entries into the one write path ------------------------------------

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
            return _write_path.create(self.uow, [draft])[0]

    @translated
    def create_many(self, drafts: Iterable[ArticleDraft]) -> builtins.list[Article]:
        """Store several articles in one savepoint: all of them, or none if one is refused.

        Much faster than ``create`` in a loop: each table gets one insert for the batch.
        """
        drafts = [expect(d, ArticleDraft, "drafts") for d in expect_items(drafts, "drafts")]
        if not drafts:
            return []
        with self.uow.atomic():
            return _write_path.create(self.uow, drafts)

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

    @translated
    def update(self, article_id: UUID | str, patch: ArticlePatch) -> Article:
        """Apply ``patch`` if the article is still at ``patch.expected_version``.

        A patch that changes nothing writes nothing and keeps the version. Every save
        stores a revision and emits ``updated`` (and ``slug_changed`` when the slug moved).
        Without ``expected_version``, concurrent saves of one article queue and each
        applies to the one before it.

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
        return _write_path.save(
            self.uow,
            article_id,
            patch.expected_version,
            lambda row: patch_change(self.uow, row, patch, correction=correction),
            action=action,
        )

    @translated
    def delete(self, article_id: UUID | str, *, expected_version: int | None = None) -> None:
        """Delete an article for good; relations pointing at it become pending again.

        Its revisions go with it; a ``deleted`` event is emitted.

        Raises:
            NotFoundError: no such article.
            ConflictError: ``expected_version`` is given and no longer current.
        """
        article_id = as_uuid(article_id, "article_id")
        _write_path.delete_article(self.uow, article_id, as_version(expected_version))
