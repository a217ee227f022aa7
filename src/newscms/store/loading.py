"""Rows to domain objects: the store's read edge.

Reads never hand out live rows. A page of articles is completed with its tags and
relations in two more statements, whatever its size (three in all), and the models
are built with ``model_construct``: the data was validated on the way in.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import Row, select

from newscms.domain.article import Article, Dateline, DateProvenance, Person, SourceRef
from newscms.domain.article_ref import ArticleRef
from newscms.domain.relation import PendingTarget, Relation
from newscms.domain.status import Status, effective_status
from newscms.domain.tag import TagRef
from newscms.domain.workflow import Correction
from newscms.store.keys import tag_locale
from newscms.utils.locales import fallback_chain

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy import Connection

    from newscms.store.tables import Tables

__all__ = ["ArticleLoader", "article_ref", "is_visible", "loader_for"]


def is_visible(is_public: bool, listed_at: datetime, now: datetime) -> bool:
    """Whether the public may see an article at ``now`` (published, or scheduled and due)."""
    return bool(is_public) and listed_at <= now


def pick_name(names: Mapping[str, tuple[str, str]], locale: str, default: str) -> tuple[str, str]:
    """The (name, slug) of a tag for ``locale``: its fallback chain first, else any name."""
    for candidate in fallback_chain(tag_locale(locale), default):
        found = names.get(candidate)
        if found is not None:
            return found
    return next(iter(names.values()))


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
    return ArticleRef.model_construct(
        id=id,
        locale=locale,
        slug=slug,
        headline=headline,
        status=effective_status(Status(status), published_at, now),
        published_at=published_at,
    )


@lru_cache(maxsize=32)
def loader_for(tables: Tables, default_locale: str) -> ArticleLoader:
    """The (cached) loader for a set of tables: its queries are built once."""
    return ArticleLoader(tables, default_locale)


class ArticleLoader:
    """Turn article rows into complete ``Article`` objects for one set of tables."""

    def __init__(self, tables: Tables, default_locale: str) -> None:
        self.t = tables
        self.default_locale = default_locale
        a, at, tg, tn, r = (
            tables.articles,
            tables.article_tags,
            tables.tags,
            tables.tag_names,
            tables.relations,
        )
        target = a.alias("target")
        self.tags_query = (
            select(at.c.article_id, tg.c.id, tg.c.kind, tn.c.locale, tn.c.name, tn.c.slug)
            .join(tg, tg.c.id == at.c.tag_id)
            .join(tn, tn.c.tag_id == tg.c.id)
            .order_by(at.c.article_id, at.c.position)
        )
        self.relations_query = (
            select(
                r,
                target.c.locale.label("t_locale"),
                target.c.slug.label("t_slug"),
                target.c.headline.label("t_headline"),
                target.c.status.label("t_status"),
                target.c.published_at.label("t_published_at"),
                target.c.is_public.label("t_is_public"),
                target.c.listed_at.label("t_listed_at"),
            )
            .outerjoin(target, target.c.id == r.c.target_id)
            .order_by(r.c.source_id, r.c.position)
        )

    def load(
        self,
        conn: Connection,
        rows: Sequence[Row[Any]],
        *,
        now: datetime,
        public: bool = False,
    ) -> list[Article]:
        """Complete ``rows`` of the articles table with their tags and relations.

        With ``public`` set, relations to targets the public cannot see are left out.
        """
        if not rows:
            return []
        ids = [row.id for row in rows]
        tags = self._load_tags(conn, ids, {row.id: row.locale for row in rows})
        refs = {row.id: self.ref(row, now) for row in rows}
        relations = self._load_relations(conn, refs, now=now, public=public)
        return [
            self.article(row, now, tags.get(row.id, ()), relations.get(row.id, ())) for row in rows
        ]

    def _load_tags(
        self, conn: Connection, ids: list[UUID], locales: Mapping[UUID, str]
    ) -> dict[UUID, tuple[TagRef, ...]]:
        query = self.tags_query.where(self.t.article_tags.c.article_id.in_(ids))
        names: dict[tuple[UUID, UUID], dict[str, tuple[str, str]]] = {}
        kinds: dict[UUID, str] = {}
        order: dict[UUID, list[UUID]] = defaultdict(list)
        for article_id, tag_id, kind, locale, name, slug in conn.execute(query):
            key = (article_id, tag_id)
            if key not in names:
                names[key] = {}
                order[article_id].append(tag_id)
            names[key][locale] = (name, slug)
            kinds[tag_id] = kind
        result: dict[UUID, tuple[TagRef, ...]] = {}
        for article_id, tag_ids in order.items():
            refs = []
            for tag_id in tag_ids:
                name, slug = pick_name(
                    names[(article_id, tag_id)], locales[article_id], self.default_locale
                )
                refs.append(
                    TagRef.model_construct(id=tag_id, kind=kinds[tag_id], name=name, slug=slug)
                )
            result[article_id] = tuple(refs)
        return result

    def _load_relations(
        self, conn: Connection, sources: Mapping[UUID, ArticleRef], *, now: datetime, public: bool
    ) -> dict[UUID, tuple[Relation, ...]]:
        query = self.relations_query.where(self.t.relations.c.source_id.in_(list(sources)))
        result: dict[UUID, list[Relation]] = defaultdict(list)
        for row in conn.execute(query):
            if (
                row.target_id is not None
                and public
                and not is_visible(row.t_is_public, row.t_listed_at, now)
            ):
                continue
            result[row.source_id].append(self.relation(row, sources[row.source_id], now))
        return {key: tuple(value) for key, value in result.items()}

    def relation(self, row: Row[Any], source: ArticleRef, now: datetime) -> Relation:
        """A relation row (joined with its target's ``t_*`` columns) as a ``Relation``."""
        target = None
        if row.target_id is not None:
            target = article_ref(
                id=row.target_id,
                locale=row.t_locale,
                slug=row.t_slug,
                headline=row.t_headline,
                status=row.t_status,
                published_at=row.t_published_at,
                now=now,
            )
        return Relation.model_construct(
            id=row.id,
            kind=row.kind,
            position=row.position,
            source=source,
            target=target,
            pending=pending_from_row(row) if target is None else None,
        )

    @staticmethod
    def ref(row: Row[Any], now: datetime) -> ArticleRef:
        """An article row as a short ``ArticleRef``."""
        return article_ref(
            id=row.id,
            locale=row.locale,
            slug=row.slug,
            headline=row.headline,
            status=row.status,
            published_at=row.published_at,
            now=now,
        )

    @staticmethod
    def article(
        row: Row[Any], now: datetime, tags: Iterable[TagRef], relations: Iterable[Relation]
    ) -> Article:
        """An article row plus its tags and relations as an ``Article``."""
        status = effective_status(Status(row.status), row.published_at, now)
        first_published_at = row.first_published_at
        if first_published_at is None and status is Status.PUBLISHED:
            first_published_at = row.published_at  # scheduled, and due: published at its time
        dateline = None
        if row.dateline_place is not None or row.dateline_source is not None:
            dateline = Dateline.model_construct(
                place=row.dateline_place, source=row.dateline_source
            )
        source = None
        if row.source_format is not None:
            source = SourceRef.model_construct(format=row.source_format, locator=row.source_locator)
        provenance = None
        if row.date_provenance:
            provenance = DateProvenance.model_construct(**row.date_provenance)
        return Article.model_construct(
            id=row.id,
            locale=row.locale,
            slug=row.slug,
            headline=row.headline,
            subheadline=row.subheadline,
            summary=row.summary,
            body=row.body,
            byline=tuple(
                Person.model_construct(name=p["name"], role=p.get("role")) for p in row.byline
            ),
            dateline=dateline,
            status=status,
            created_at=row.created_at,
            updated_at=row.updated_at,
            published_at=row.published_at,
            first_published_at=first_published_at,
            tags=tuple(tags),
            relations=tuple(relations),
            version=row.version,
            canonical_url=row.canonical_url,
            source=source,
            date_provenance=provenance,
            embargoed_until=row.embargoed_until,
            corrections=tuple(
                Correction.model_construct(
                    id=UUID(hex=entry["id"]),
                    created_at=datetime.fromisoformat(entry["created_at"]),
                    note=entry["note"],
                    fields=tuple(entry["fields"]),
                    version=entry["version"],
                )
                for entry in row.corrections or ()
            ),
        )


def pending_from_row(row: Row[Any]) -> PendingTarget:
    """The pending target described by a relation row's ``pending_*`` columns."""
    return PendingTarget.model_construct(
        title=row.pending_title,
        published_at=row.pending_published_at,
        url=row.pending_url,
        slug=row.pending_slug,
        locale=row.pending_locale,
    )
