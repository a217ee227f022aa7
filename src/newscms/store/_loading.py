"""Rows to domain objects: the store's read edge.

Reads never hand out live rows. A page of articles is completed with its tags and
relations in two more statements, whatever its size (three in all). The statements are
built once per set of tables (building one costs SQLAlchemy more than SQLite takes to
run it), and the models are built without validation: the data was validated on the
way in.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import Row, String, and_, bindparam, select, type_coerce

from newscms.domain.article import (
    Article,
    ArticleTeaser,
    Dateline,
    DateProvenance,
    Person,
    SourceRef,
)
from newscms.domain.article_ref import ArticleRef
from newscms.domain.relation import PendingTarget, Relation
from newscms.domain.status import Status, effective_status
from newscms.domain.tag import TagRef
from newscms.domain.workflow import Correction
from newscms.store._direct import Prepared, read_together
from newscms.store._listing import is_visible
from newscms.store._media_rows import load_shown
from newscms.utils.keys import tag_locale

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from sqlalchemy import Connection, RowMapping

    from newscms.domain.media import ArticleMedia
    from newscms.store.tables import Tables
    from newscms.utils.locales import LocaleFallback

__all__ = ["ArticleLoader", "article_ref", "loader_for"]

M = TypeVar("M", bound=BaseModel)

_set = object.__setattr__


def _builder(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """A ``model_construct`` for values that name every field, in declaration order.

    It makes the same object (same ``__dict__``, every field set) in a fraction of the
    time, which counts when a page builds hundreds of models. Models with aliases,
    private attributes or post-init hooks are refused: their construction differs.
    """
    fields = frozenset(model.model_fields)
    if (
        model.__pydantic_post_init__ is not None
        or model.__private_attributes__
        or model.model_config.get("extra") == "allow"
        or any(f.alias or f.validation_alias for f in model.model_fields.values())
    ):
        raise TypeError(f"{model.__name__} needs model_construct")
    new = model.__new__

    def build(values: dict[str, Any]) -> M:
        instance = new(model)
        _set(instance, "__dict__", values)
        _set(instance, "__pydantic_fields_set__", set(fields))
        _set(instance, "__pydantic_extra__", None)
        _set(instance, "__pydantic_private__", None)
        return instance

    return build


_article = _builder(Article)
_teaser = _builder(ArticleTeaser)
_article_ref = _builder(ArticleRef)
_tag_ref = _builder(TagRef)
_relation = _builder(Relation)
_pending = _builder(PendingTarget)
_person = _builder(Person)
_dateline = _builder(Dateline)
_source_ref = _builder(SourceRef)
_STATUS = {status.value: status for status in Status}
# Article columns only writes and lookups use; an article is built without them.
_UNREAD = frozenset({"is_public", "listed_at", "url_key", "title_key", "source_key"})
# ``media_count`` is read (it says whether a row shows media) but is no model field.
# And those a teaser leaves out besides: the body is most of a stored row.
_NOT_IN_TEASERS = _UNREAD | {"body", "corrections", "source_format", "source_locator"}


class _Shown(NamedTuple):
    """What a row shows a reader at a moment, shared by articles and teasers."""

    status: Status
    first_published_at: datetime | None
    dateline: Dateline | None
    provenance: DateProvenance | None
    byline: tuple[Person, ...]


_MEMO_ENTRIES = 20_000  # at most, in each memo shared by every read (tag ids, tag refs)


def _status(stored: str, published_at: datetime | None, now: datetime) -> Status:
    """``effective_status`` of a stored status string, without the enum lookup."""
    status = _STATUS[stored]
    if status is Status.SCHEDULED:
        return effective_status(status, published_at, now)
    return status


def _pick(
    names: Mapping[str, tuple[str, str]], chain: tuple[str, ...]
) -> tuple[str, str, str | None]:
    """A tag's (name, slug) in the first of ``chain``'s locales it has, else its first name.

    The third value is the locale the name came from when it is not the first of the
    chain (a fallback), else None.
    """
    for candidate in chain:
        found = names.get(candidate)
        if found is not None:
            return (*found, None if candidate == chain[0] else candidate)
    locale, found = next(iter(names.items()))
    return (*found, locale)


def article_ref(
    *,
    id: UUID,
    locale: str,
    slug: str,
    headline: str,
    status: str,
    published_at: datetime | None,
    now: datetime,
) -> ArticleRef:
    """An ``ArticleRef`` from stored values, with the status a reader sees at ``now``."""
    return _article_ref(
        {
            "id": id,
            "locale": locale,
            "slug": slug,
            "headline": headline,
            "status": _status(status, published_at, now),
            "published_at": published_at,
        }
    )


@lru_cache(maxsize=32)
def loader_for(tables: Tables, locales: LocaleFallback) -> ArticleLoader:
    """The (cached) loader for a set of tables: its queries are built once."""
    return ArticleLoader(tables, locales)


class ArticleLoader:
    """Turn article rows into complete ``Article`` objects for one set of tables."""

    def __init__(self, tables: Tables, locales: LocaleFallback) -> None:
        self.t = tables
        self.locales = locales
        a, at, tg, tn, r = (
            tables.articles,
            tables.article_tags,
            tables.tags,
            tables.tag_names,
            tables.relations,
        )
        target = a.alias("target")
        target_columns = (
            target.c.locale.label("t_locale"),
            target.c.slug.label("t_slug"),
            target.c.headline.label("t_headline"),
            target.c.status.label("t_status"),
            target.c.published_at.label("t_published_at"),
            target.c.is_public.label("t_is_public"),
            target.c.listed_at.label("t_listed_at"),
            target.c.expires_at.label("t_expires_at"),
        )
        self.relations_query = (
            select(r, *target_columns)
            .outerjoin(target, target.c.id == r.c.target_id)
            .order_by(r.c.source_id, r.c.position)
        )
        # The completing statements, built once: for one article (an equality, cheaper
        # to run than an expanding IN) and for a page. Ids that repeat come back raw, as
        # the driver gives them, and are made UUIDs once per value (see ``_uuids``).
        # A page reads a tag's names in the locales its readers fall back along only (a
        # tag of a multilingual archive has one per edition); a tag with none of them
        # comes back once with no name, and its names are read by ``_names_of``. One
        # article reads all its tags' names: a handful of rows, and no expanding list to
        # render per call. Rows come in index order and are put in tag order here:
        # sorting in SQL took SQLite a temporary B-tree per page.
        tag_rows = select(
            type_coerce(at.c.article_id, String()).label("article_key"),
            type_coerce(at.c.tag_id, String()).label("tag_key"),
            at.c.position,
            tg.c.kind,
            tn.c.locale,
            tn.c.name,
            tn.c.slug,
        ).join(tg, tg.c.id == at.c.tag_id)
        in_chains = tn.c.locale.in_(bindparam("locales", expanding=True, type_=tn.c.locale.type))
        self._names_of = Prepared(
            select(type_coerce(tn.c.tag_id, String()), tn.c.locale, tn.c.name, tn.c.slug)
            .where(tn.c.tag_id.in_(bindparam("tags", expanding=True, type_=tn.c.tag_id.type)))
            .order_by(tn.c.tag_id, tn.c.locale)
        )
        relations = (
            select(
                r.c.id,
                type_coerce(r.c.source_id, String()).label("source_key"),
                type_coerce(r.c.target_id, String()).label("target_key"),
                r.c.kind,
                r.c.position,
                r.c.pending_title,
                r.c.pending_published_at,
                r.c.pending_url,
                r.c.pending_slug,
                r.c.pending_locale,
                *target_columns,
            )
            .outerjoin(target, target.c.id == r.c.target_id)
            .order_by(r.c.source_id, r.c.position)
        )
        many = bindparam("ids", expanding=True, type_=at.c.article_id.type)
        self._tags_of = (
            Prepared(
                tag_rows.outerjoin(tn, tn.c.tag_id == tg.c.id).where(
                    at.c.article_id == bindparam("id", type_=at.c.article_id.type)
                )
            ),
            Prepared(
                tag_rows.outerjoin(tn, and_(tn.c.tag_id == tg.c.id, in_chains)).where(
                    at.c.article_id.in_(many)
                )
            ),
        )
        self._relations_of = (
            Prepared(relations.where(r.c.source_id == bindparam("id", type_=r.c.source_id.type))),
            Prepared(relations.where(r.c.source_id.in_(many))),
        )
        # The editions of the translation groups of a page, by group, then locale.
        groups = bindparam("groups", expanding=True, type_=a.c.translation_group.type)
        self._editions_of = Prepared(
            select(
                a.c.translation_group,
                a.c.id,
                a.c.locale,
                a.c.slug,
                a.c.headline,
                a.c.status,
                a.c.published_at,
                a.c.is_public,
                a.c.listed_at,
                a.c.expires_at,
            )
            .where(a.c.translation_group.in_(groups))
            .order_by(a.c.translation_group, a.c.locale, a.c.id)
        )
        # Read statements of the repositories, each built once for these tables (a read
        # path keys its own by the shape of what it asks, its values are bound per call).
        self.statements: dict[tuple[object, ...], Prepared] = {}
        # What ``load`` reads of an article row: a read selects these, not lookup keys.
        self.article_columns = tuple(c for c in a.c if c.name not in _UNREAD)
        self.teaser_columns = tuple(c for c in a.c if c.name not in _NOT_IN_TEASERS)
        # Tag ids by their raw value, and tag refs by what they show, shared by every
        # read: pages name the same tags.
        self._tag_ids: dict[object, UUID] = {}
        self._tag_refs: dict[tuple[object, str, str, str, str | None], TagRef] = {}

    def load(
        self,
        conn: Connection,
        rows: Sequence[Mapping[Any, Any]],
        *,
        now: datetime,
        public: bool = False,
    ) -> list[Article]:
        """Complete ``rows`` of the articles table with their tags and relations.

        With ``public`` set, relations to targets the public cannot see are left out.
        """
        if not rows:
            return []
        by_id = {m["id"]: m for m in rows}
        ids = list(by_id)
        values: dict[str, Any] = {"id": ids[0]} if len(ids) == 1 else {"ids": ids}
        to_uuid = _uuids(ids)
        # Tags, relations and editions do not depend on each other: one round trip
        # where the driver pipelines (psycopg), one statement after the other elsewhere.
        tag_statement, tag_values, chains = self._tags_read(values, by_id)
        reads = [(tag_statement, tag_values), (self._relations_of["ids" in values], values)]
        groups = list({m["translation_group"] for m in rows} - {None})
        if groups:
            reads.append((self._editions_of, {"groups": groups}))
        found = read_together(conn, reads)
        tags = self._tags_from(conn, found[0], chains, by_id, to_uuid)
        relations = self._relations_from(found[1], by_id, to_uuid, now=now, public=public)
        editions = self._editions_from(found[2], now=now, public=public) if groups else {}
        media = self._load_media(conn, rows)
        shared: dict[object, Any] = {}
        return [
            self._article(
                m,
                now,
                tags.get(m["id"], ()),
                relations.get(m["id"], ()),
                editions=tuple(
                    ref for ref in editions.get(m["translation_group"], ()) if ref.id != m["id"]
                ),
                media=media.get(m["id"], ()),
                shared=shared,
            )
            for m in rows
        ]

    def _load_media(
        self, conn: Connection, mappings: Sequence[Mapping[Any, Any]], *, lead_only: bool = False
    ) -> dict[Any, tuple[ArticleMedia, ...]]:
        """What the page's articles show (one statement, only if one of them shows any)."""
        showing = [(m["id"], m["locale"]) for m in mappings if m["media_count"]]
        return load_shown(conn, self.t, self.locales, showing, lead_only=lead_only)

    def _editions_from(
        self, rows: Sequence[Sequence[Any]], *, now: datetime, public: bool
    ) -> dict[UUID, list[ArticleRef]]:
        """The editions of the page's translation groups, by group (``_editions_of``'s rows).

        With ``public`` set, editions the public cannot see are left out.
        """
        found: dict[UUID, list[ArticleRef]] = {}
        for (
            group,
            id_,
            locale,
            slug,
            headline,
            status,
            published_at,
            is_public,
            listed,
            expires,
        ) in rows:
            if public and not is_visible(is_public, listed, expires, now):
                continue
            ref = article_ref(
                id=id_ if isinstance(id_, UUID) else UUID(str(id_)),
                locale=locale,
                slug=slug,
                headline=headline,
                status=status,
                published_at=published_at,
                now=now,
            )
            found.setdefault(group if isinstance(group, UUID) else UUID(str(group)), []).append(ref)
        return found

    def _load_tags(
        self,
        conn: Connection,
        values: dict[str, Any],
        articles: Mapping[UUID, Mapping[Any, Any]],
        to_uuid: Callable[[object], UUID],
    ) -> dict[UUID, tuple[TagRef, ...]]:
        """The tags of ``articles`` (``values``: their ``id`` or ``ids``), by article."""
        statement, asked, chains = self._tags_read(values, articles)
        return self._tags_from(conn, statement.all(conn, asked), chains, articles, to_uuid)

    def _tags_read(
        self, values: dict[str, Any], articles: Mapping[UUID, Mapping[Any, Any]]
    ) -> tuple[Prepared, dict[str, Any], dict[str, tuple[str, ...]]]:
        """The tags statement for ``articles``, its values, and each locale's name chain."""
        page = "ids" in values
        chain_of = self.locales.chain
        chains = {m["locale"]: chain_of(tag_locale(m["locale"])) for m in articles.values()}
        if page:
            locales = dict.fromkeys(locale for chain in chains.values() for locale in chain)
            values = {**values, "locales": list(locales)}
        return self._tags_of[page], values, chains

    def _tags_from(
        self,
        conn: Connection,
        rows: Sequence[Sequence[Any]],
        chains: Mapping[str, tuple[str, ...]],
        articles: Mapping[UUID, Mapping[Any, Any]],
        to_uuid: Callable[[object], UUID],
    ) -> dict[UUID, tuple[TagRef, ...]]:
        """The tag refs of each article from the tags statement's rows (``_tags_read``)."""
        # Names by tag (a tag's names are the same on every article carrying it).
        names: dict[object, dict[str, tuple[str, str]]] = {}
        kinds: dict[object, str] = {}
        order: dict[object, dict[object, int]] = {}
        for article_key, tag_key, position, kind, locale, name, slug in rows:
            found = names.get(tag_key)
            if found is None:
                found = names[tag_key] = {}
                kinds[tag_key] = kind
            if locale is not None:
                found[locale] = (name, slug)
            listed = order.get(article_key)
            if listed is None:
                listed = order[article_key] = {}
            listed[tag_key] = position
        unnamed = [key for key, found in names.items() if not found]
        if unnamed:
            for tag_key, locale, name, slug in self._names_of.all(
                conn, {"tags": [self._tag_id(key) for key in unnamed]}
            ):
                names[tag_key][locale] = (name, slug)
        result: dict[UUID, tuple[TagRef, ...]] = {}
        # A tag read along one chain is the same (frozen) ref on every article of the
        # page, and on every page while what it shows is unchanged (``_tag_ref_for``).
        made: dict[tuple[object, tuple[str, ...]], TagRef] = {}
        for article_key, positions in order.items():
            article_id = to_uuid(article_key)
            chain = chains[articles[article_id]["locale"]]
            refs = []
            for tag_key in sorted(positions, key=positions.__getitem__):
                ref = made.get((tag_key, chain))
                if ref is None:
                    ref = made[tag_key, chain] = self._tag_ref_for(
                        tag_key, kinds[tag_key], *_pick(names[tag_key], chain)
                    )
                refs.append(ref)
            result[article_id] = tuple(refs)
        return result

    def _tag_ref_for(
        self, tag_key: object, kind: str, name: str, slug: str, name_locale: str | None
    ) -> TagRef:
        """The (frozen, shared) ref of a tag as these values show it, made once while kept.

        Keyed by every value it holds, so a renamed tag gets a new ref, never a stale one.
        """
        memo = self._tag_refs
        key = (tag_key, kind, name, slug, name_locale)
        found = memo.get(key)
        if found is None:
            if len(memo) >= _MEMO_ENTRIES:
                memo.clear()
            found = memo[key] = _tag_ref(
                {
                    "id": self._tag_id(tag_key),
                    "kind": kind,
                    "name": name,
                    "slug": slug,
                    "name_locale": name_locale,
                }
            )
        return found

    def _tag_id(self, raw: object) -> UUID:
        """The UUID of a raw tag id, made once while the (bounded) memo keeps it."""
        memo = self._tag_ids
        found = memo.get(raw)
        if found is None:
            if len(memo) >= _MEMO_ENTRIES:
                memo.clear()
            found = memo[raw] = raw if isinstance(raw, UUID) else UUID(str(raw))
        return found

    def _relations_from(
        self,
        rows: Sequence[Sequence[Any]],
        articles: Mapping[UUID, Mapping[Any, Any]],
        to_uuid: Callable[[object], UUID],
        *,
        now: datetime,
        public: bool,
    ) -> dict[UUID, tuple[Relation, ...]]:
        """The relations of each article from ``_relations_of``'s rows."""
        grouped: dict[object, list[Relation]] = {}
        sources: dict[object, ArticleRef] = {}
        # Unpacked by position (the statement's column order): a page has many rows.
        for (
            relation_id,
            source_key,
            target_key,
            kind,
            position,
            pending_title,
            pending_published_at,
            pending_url,
            pending_slug,
            pending_locale,
            t_locale,
            t_slug,
            t_headline,
            t_status,
            t_published_at,
            t_is_public,
            t_listed_at,
            t_expires_at,
        ) in rows:
            target = pending = None
            if target_key is not None:
                if public and not is_visible(t_is_public, t_listed_at, t_expires_at, now):
                    continue
                target = _article_ref(
                    {
                        "id": to_uuid(target_key),
                        "locale": t_locale,
                        "slug": t_slug,
                        "headline": t_headline,
                        "status": _status(t_status, t_published_at, now),
                        "published_at": t_published_at,
                    }
                )
            else:
                pending = _pending(
                    {
                        "title": pending_title,
                        "published_at": pending_published_at,
                        "url": pending_url,
                        "slug": pending_slug,
                        "locale": pending_locale,
                    }
                )
            links = grouped.get(source_key)
            if links is None:
                links = grouped[source_key] = []
                # One ref per source, shared by its relations.
                sources[source_key] = self._ref(articles[to_uuid(source_key)], now)
            links.append(
                _relation(
                    {
                        "id": relation_id,
                        "kind": kind,
                        "position": position,
                        "source": sources[source_key],
                        "target": target,
                        "pending": pending,
                    }
                )
            )
        return {to_uuid(key): tuple(links) for key, links in grouped.items()}

    def relation(self, row: Row[Any], source: ArticleRef, now: datetime) -> Relation:
        """A relation row (joined with its target's ``t_*`` columns) as a ``Relation``."""
        m = row._mapping
        return _relation_from(m, source, m["target_id"], now)

    @staticmethod
    def ref(row: Row[Any], now: datetime) -> ArticleRef:
        """An article row as a short ``ArticleRef``."""
        return ArticleLoader._ref(row._mapping, now)

    @staticmethod
    def _ref(m: Mapping[Any, Any], now: datetime) -> ArticleRef:
        """An article row's mapping as a short ``ArticleRef``."""
        return article_ref(
            id=m["id"],
            locale=m["locale"],
            slug=m["slug"],
            headline=m["headline"],
            status=m["status"],
            published_at=m["published_at"],
            now=now,
        )

    def load_teasers(
        self, conn: Connection, rows: Sequence[Mapping[Any, Any]], *, now: datetime
    ) -> list[ArticleTeaser]:
        """``rows`` (of ``teaser_columns``) completed with their tags: one more statement."""
        if not rows:
            return []
        by_id = {m["id"]: m for m in rows}
        ids = list(by_id)
        values: dict[str, Any] = {"id": ids[0]} if len(ids) == 1 else {"ids": ids}
        tags = self._load_tags(conn, values, by_id, _uuids(ids))
        media = self._load_media(conn, rows, lead_only=True)
        shared: dict[object, Any] = {}
        return [
            self._teaser(m, now, tags.get(m["id"], ()), media.get(m["id"], ()), shared)
            for m in rows
        ]

    @staticmethod
    def _shown(m: Mapping[Any, Any], now: datetime, shared: dict[object, Any]) -> _Shown:
        """The values an article and its teaser both derive from a row at ``now``.

        ``shared`` keeps the (frozen) datelines and byline entries made for a page:
        its articles name the same places and reporters.
        """
        published_at = m["published_at"]
        status = _status(m["status"], published_at, now)
        first_published_at = m["first_published_at"]
        if first_published_at is None and status is Status.PUBLISHED:
            first_published_at = published_at  # scheduled, and due: published at its time
        dateline = None
        place, dateline_source = m["dateline_place"], m["dateline_source"]
        if place is not None or dateline_source is not None:
            dateline = shared.get((place, dateline_source))
            if dateline is None:
                dateline = shared[place, dateline_source] = _dateline(
                    {"place": place, "source": dateline_source}
                )
        provenance = None
        if m["date_provenance"]:
            provenance = DateProvenance.model_construct(**m["date_provenance"])
        credited = []
        for p in m["byline"]:
            key = (p["name"], p.get("role"), p.get("id"), p.get("slug"))
            person = shared.get(key)
            if person is None:
                person = shared[key] = _person(
                    {
                        "name": key[0],
                        "role": key[1],
                        "id": UUID(key[2]) if key[2] is not None else None,
                        "slug": key[3],
                    }
                )
            credited.append(person)
        return _Shown(status, first_published_at, dateline, provenance, tuple(credited))

    @staticmethod
    def _teaser(
        m: Mapping[Any, Any],
        now: datetime,
        tags: Iterable[TagRef],
        media: tuple[ArticleMedia, ...],
        shared: dict[object, Any],
    ) -> ArticleTeaser:
        """A teaser row's mapping plus its tags and lead media as an ``ArticleTeaser``."""
        shown = ArticleLoader._shown(m, now, shared)
        return _teaser(
            {
                "id": m["id"],
                "locale": m["locale"],
                "slug": m["slug"],
                "headline": m["headline"],
                "subheadline": m["subheadline"],
                "summary": m["summary"],
                "byline": shown.byline,
                "dateline": shown.dateline,
                "status": shown.status,
                "created_at": m["created_at"],
                "updated_at": m["updated_at"],
                "published_at": m["published_at"],
                "first_published_at": shown.first_published_at,
                "tags": tuple(tags),
                "version": m["version"],
                "canonical_url": m["canonical_url"],
                "date_provenance": shown.provenance,
                "embargoed_until": m["embargoed_until"],
                "expires_at": m["expires_at"],
                "translation_group": m["translation_group"],
                "media": media,
            }
        )

    @staticmethod
    def _article(
        m: Mapping[Any, Any],
        now: datetime,
        tags: Iterable[TagRef],
        relations: Iterable[Relation],
        *,
        editions: tuple[ArticleRef, ...],
        media: tuple[ArticleMedia, ...],
        shared: dict[object, Any],
    ) -> Article:
        """An article row's mapping plus its tags and relations as an ``Article``."""
        shown = ArticleLoader._shown(m, now, shared)
        source = None
        if m["source_format"] is not None:
            source = _source_ref({"format": m["source_format"], "locator": m["source_locator"]})
        corrections = m["corrections"]
        return _article(
            {
                "id": m["id"],
                "locale": m["locale"],
                "slug": m["slug"],
                "headline": m["headline"],
                "subheadline": m["subheadline"],
                "summary": m["summary"],
                "body": m["body"],
                "byline": shown.byline,
                "dateline": shown.dateline,
                "status": shown.status,
                "created_at": m["created_at"],
                "updated_at": m["updated_at"],
                "published_at": m["published_at"],
                "first_published_at": shown.first_published_at,
                "tags": tuple(tags),
                "relations": tuple(relations),
                "version": m["version"],
                "canonical_url": m["canonical_url"],
                "source": source,
                "date_provenance": shown.provenance,
                "embargoed_until": m["embargoed_until"],
                "expires_at": m["expires_at"],
                "corrections": tuple(
                    Correction.model_construct(
                        id=UUID(hex=entry["id"]),
                        created_at=datetime.fromisoformat(entry["created_at"]),
                        note=entry["note"],
                        fields=tuple(entry["fields"]),
                        version=entry["version"],
                    )
                    for entry in corrections
                )
                if corrections
                else (),
                "translation_group": m["translation_group"],
                "translations": editions,
                "fallback_for": None,
                "media": media,
            }
        )


def _uuids(known: Iterable[UUID]) -> Callable[[object], UUID]:
    """A converter of raw id values to UUIDs that makes each distinct value once.

    Raw ids are hex strings, or UUIDs where the driver makes them (psycopg); ``known``
    ids come back as the very objects given. A page repeats its article and tag ids
    on many rows, and building a ``UUID`` costs more than the rest of a row.
    """
    memo: dict[object, UUID] = {}
    for ident in known:
        memo[ident.hex] = memo[ident] = ident

    def to_uuid(raw: object) -> UUID:
        found = memo.get(raw)
        if found is None:
            found = memo[raw] = raw if isinstance(raw, UUID) else UUID(str(raw))
        return found

    return to_uuid


def _relation_from(
    m: RowMapping, source: ArticleRef, target_id: UUID | None, now: datetime
) -> Relation:
    """A relation from a row's mapping (with its target's ``t_*`` columns)."""
    target = pending = None
    if target_id is not None:
        target = article_ref(
            id=target_id,
            locale=m["t_locale"],
            slug=m["t_slug"],
            headline=m["t_headline"],
            status=m["t_status"],
            published_at=m["t_published_at"],
            now=now,
        )
    else:
        pending = _pending(
            {
                "title": m["pending_title"],
                "published_at": m["pending_published_at"],
                "url": m["pending_url"],
                "slug": m["pending_slug"],
                "locale": m["pending_locale"],
            }
        )
    return _relation(
        {
            "id": m["id"],
            "kind": m["kind"],
            "position": m["position"],
            "source": source,
            "target": target,
            "pending": pending,
        }
    )
