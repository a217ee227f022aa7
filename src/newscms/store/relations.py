"""Relations between articles: add, remove, reorder, list, and pending targets that resolve.

A relation's target may not be stored yet. It is then *pending*, known by title and
date, URL or slug, and it resolves by itself the moment a matching article is created,
whichever of the two arrives first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import and_, delete, func, insert, select, tuple_, update

from newscms.domain.matching import (
    TITLE_MATCH_WINDOW,
    MatchKeys,
    PendingKeys,
    names_article,
    pick_target,
)
from newscms.domain.relation import PendingTarget, Relation, RelationDraft
from newscms.errors import DuplicateError, NotFoundError, RelationError, ValidationError
from newscms.store._base import Repository, as_uuid, check_limit, expect, expect_items
from newscms.store._context import UnitState
from newscms.store._errors import translated
from newscms.store._loading import article_ref, loader_for

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence

    from sqlalchemy import ColumnElement, Row

    from newscms.store._loading import ArticleLoader

# The matching rule's names stay importable from here, where the store's callers found them.
__all__ = ["TITLE_MATCH_WINDOW", "MatchKeys", "RelationRepository"]


def _pending_key(pending: PendingTarget) -> str:
    """``target_key`` of a pending target: a digest of everything that identifies it."""
    parts = (
        pending.title or "",
        pending.published_at.isoformat() if pending.published_at else "",
        pending.url or "",
        pending.locale or "",
        pending.slug or "",
    )
    return "p:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class RelationRepository(Repository[UnitState]):
    """Relations of one unit of work."""

    @property
    def _loader(self) -> ArticleLoader:
        return loader_for(self.t, self.uow.settings.locales)

    # -- reads ---------------------------------------------------------------------

    @translated
    def outgoing(self, article_id: UUID | str) -> tuple[Relation, ...]:
        """The article's relations in order, each with its target or pending target."""
        article = self._article_row(as_uuid(article_id, "article_id"))
        now = self.uow.now()
        source = self._loader.ref(article, now)
        query = self._loader.relations_query.where(self.t.relations.c.source_id == article.id)
        return tuple(self._loader.relation(row, source, now) for row in self.conn.execute(query))

    @translated
    def incoming(self, article_id: UUID | str) -> tuple[Relation, ...]:
        """Relations other articles hold to this one, newest source first."""
        article = self._article_row(as_uuid(article_id, "article_id"))
        now = self.uow.now()
        r, a = self.t.relations, self.t.articles
        target = self._loader.ref(article, now)
        rows = self.conn.execute(
            select(r.c.id, r.c.kind, r.c.position, r.c.source_id, a.c.locale, a.c.slug)
            .add_columns(a.c.headline, a.c.status, a.c.published_at)
            .join(a, a.c.id == r.c.source_id)
            .where(r.c.target_id == article.id)
            .order_by(a.c.listed_at.desc(), a.c.id.desc(), r.c.position)
        )
        return tuple(
            Relation.model_construct(
                id=row.id,
                kind=row.kind,
                position=row.position,
                source=article_ref(
                    id=row.source_id,
                    locale=row.locale,
                    slug=row.slug,
                    headline=row.headline,
                    status=row.status,
                    published_at=row.published_at,
                    now=now,
                ),
                target=target,
                pending=None,
            )
            for row in rows
        )

    @translated
    def pending(self, *, limit: int = 100) -> tuple[Relation, ...]:
        """Relations still waiting for their target article, oldest first."""
        check_limit(limit)
        r, a = self.t.relations, self.t.articles
        query = (
            self._loader.relations_query.where(r.c.target_id.is_(None))
            .order_by(None)
            .order_by(r.c.created_at, r.c.id)
            .limit(limit)
        )
        rows = self.conn.execute(query).all()
        if not rows:
            return ()
        now = self.uow.now()
        sources = {
            row.id: self._loader.ref(row, now)
            for row in self.conn.execute(select(a).where(a.c.id.in_({r.source_id for r in rows})))
        }
        return tuple(self._loader.relation(row, sources[row.source_id], now) for row in rows)

    @translated
    def count_pending(self) -> int:
        """How many relations are waiting for their target article."""
        r = self.t.relations
        return int(self.conn.scalar(select(func.count()).where(r.c.target_id.is_(None))) or 0)

    # -- writes --------------------------------------------------------------------

    @translated
    def add(
        self, source_id: UUID | str, draft: RelationDraft, *, position: int | None = None
    ) -> Relation:
        """Relate an article to another (or to a pending target), at ``position`` or last.

        A pending target that matches a stored article resolves at once.

        Raises:
            NotFoundError: the source or target article does not exist.
            RelationError: the article would relate to itself.
            DuplicateError: the same relation already exists.
        """
        expect(draft, RelationDraft, "draft")
        if position is not None and (not isinstance(position, int) or position < 0):
            raise ValidationError("must be a non-negative integer", field="position")
        source = self._article_row(as_uuid(source_id, "source_id"))
        with self.uow.atomic():
            relation_id = self.insert(source.id, [draft], position=position)[0]
        return next(rel for rel in self.outgoing(source.id) if rel.id == relation_id)

    @translated
    def remove(self, relation_id: UUID | str) -> None:
        """Delete a relation.

        Raises:
            NotFoundError: no such relation.
        """
        relation_id = as_uuid(relation_id, "relation_id")
        r = self.t.relations
        with self.uow.atomic():
            if self.conn.execute(delete(r).where(r.c.id == relation_id)).rowcount == 0:
                raise NotFoundError(
                    f"no relation with id {relation_id}", kind="relation", key=relation_id
                )

    @translated
    def reorder(
        self, source_id: UUID | str, relation_ids: Sequence[UUID | str]
    ) -> tuple[Relation, ...]:
        """Put an article's relations in the given order; every one must be listed once.

        Raises:
            ValidationError: the ids are not exactly the article's relations.
        """
        source = self._article_row(as_uuid(source_id, "source_id"))
        order = [
            as_uuid(value, "relation_ids") for value in expect_items(relation_ids, "relation_ids")
        ]
        r = self.t.relations
        current = set(self.conn.scalars(select(r.c.id).where(r.c.source_id == source.id)))
        if len(order) != len(set(order)) or set(order) != current:
            raise ValidationError(
                "list each of the article's relations exactly once", field="relation_ids"
            )
        with self.uow.atomic():
            for index, relation_id in enumerate(order):
                self.conn.execute(update(r).where(r.c.id == relation_id).values(position=index))
        return self.outgoing(source.id)

    # -- used by the article repository ---------------------------------------------

    def insert_new(self, items: Sequence[tuple[UUID, Sequence[RelationDraft]]]) -> None:
        """Insert the relations of articles created in this savepoint, in one statement.

        New articles have no relations yet, so positions start at 0 and no stored
        relation can clash; every named target is checked in one query.
        """
        wanted = {d.target_id for _, drafts in items for d in drafts if d.target_id is not None}
        known = self._existing_articles(wanted)
        targets = self._targets(
            PendingKeys.of(d.pending) for _, drafts in items for d in drafts if d.pending
        )
        rows = [
            row
            for source_id, drafts in items
            for row in self._rows(source_id, drafts, start=0, known=known, targets=targets)
        ]
        if rows:
            self.conn.execute(insert(self.t.relations), rows)

    def _existing_articles(self, ids: set[UUID]) -> set[UUID]:
        """Which of ``ids`` are stored articles (one query)."""
        if not ids:
            return set()
        a = self.t.articles
        return set(self.conn.scalars(select(a.c.id).where(a.c.id.in_(ids))))

    def insert(
        self, source_id: UUID, drafts: Iterable[RelationDraft], *, position: int | None = None
    ) -> list[UUID]:
        """Insert relations from ``source_id``; returns their ids. No savepoint of its own."""
        r = self.t.relations
        drafts = list(drafts)
        if not drafts:
            return []
        if position is None:
            last = self.conn.scalar(
                select(func.max(r.c.position)).where(r.c.source_id == source_id)
            )
            position = 0 if last is None else last + 1
        else:
            self.conn.execute(
                update(r)
                .where(r.c.source_id == source_id, r.c.position >= position)
                .values(position=r.c.position + len(drafts))
            )
        rows = self._rows(source_id, drafts, start=position)
        keys = {(row["kind"], row["target_key"]) for row in rows}
        existing = self.conn.execute(
            select(r.c.kind, r.c.target_key).where(
                r.c.source_id == source_id, r.c.target_key.in_({k for _, k in keys})
            )
        ).all()
        if clash := {(row.kind, row.target_key) for row in existing} & keys:
            kind, _ = sorted(clash)[0]
            raise DuplicateError(f"the article already has this {kind} relation")
        self.conn.execute(insert(r), rows)
        return [row["id"] for row in rows]

    def _rows(
        self,
        source_id: UUID,
        drafts: Sequence[RelationDraft],
        *,
        start: int,
        known: set[UUID] | None = None,
        targets: _Targets | None = None,
    ) -> list[dict[str, Any]]:
        """The rows of one article's new relations from position ``start``, none twice."""
        now = self.uow.now()
        rows: list[dict[str, Any]] = []
        keys: set[tuple[str, str]] = set()
        for offset, draft in enumerate(drafts):
            row = self._row(source_id, draft, known=known, targets=targets)
            key = (row["kind"], row["target_key"])
            if key in keys:
                raise DuplicateError(f"the same {draft.kind} relation is listed twice")
            keys.add(key)
            row.update(id=uuid4(), source_id=source_id, position=start + offset, created_at=now)
            rows.append(row)
        return rows

    def _row(
        self,
        source_id: UUID,
        draft: RelationDraft,
        *,
        known: set[UUID] | None = None,
        targets: _Targets | None = None,
    ) -> dict[str, Any]:
        """The row of one relation.

        ``known`` holds target ids already checked to exist, ``targets`` the stored
        articles pending targets may name (both read for a whole batch at once).
        """
        target_id = draft.target_id
        pending = draft.pending
        keys = PendingKeys.of(pending) if pending is not None else None
        if target_id is not None:
            if target_id == source_id:
                raise RelationError("an article cannot be related to itself")
            if target_id not in (known or self._existing_articles({target_id})):
                raise NotFoundError(
                    f"no article with id {target_id} to relate to", kind="article", key=target_id
                )
        else:
            assert keys is not None
            targets = targets if targets is not None else self._targets([keys])
            target_id = targets.find(keys, exclude=source_id)
        if target_id is not None:
            # Every row of one executemany must name the same columns.
            return {
                "kind": draft.kind,
                "target_id": target_id,
                "target_key": target_id.hex,
                **_CLEARED,
            }
        assert pending is not None
        assert keys is not None
        return {
            "kind": draft.kind,
            "target_id": None,
            "target_key": _pending_key(pending),
            "pending_title": pending.title,
            "pending_published_at": pending.published_at,
            "pending_url": pending.url,
            "pending_slug": pending.slug,
            "pending_locale": pending.locale,
            "pending_title_key": keys.title_key,
            "pending_url_key": keys.url_key,
        }

    def _targets(self, pendings: Iterable[PendingKeys]) -> _Targets:
        """The stored articles ``pendings`` may name, read in at most three queries."""
        a, s = self.t.articles, self.t.article_slugs
        pendings = list(pendings)
        urls = {p.url_key for p in pendings if p.url_key}
        slugs = {(p.locale, p.slug) for p in pendings if p.slug and p.locale}
        titles = {p.title_key for p in pendings if p.title_key}
        # Each query reads the columns named as the fields of ``MatchKeys``.
        keys = (a.c.id, a.c.title_key, a.c.url_key, a.c.published_at)
        targets = _Targets()
        if urls:
            query = select(a.c.locale, a.c.slug, *keys).where(a.c.url_key.in_(urls))
            for row in self.conn.execute(query).mappings():
                targets.by_url.setdefault(row["url_key"], []).append(MatchKeys(**row))
        if slugs:
            # Every slug the article ever had: a see-also list may name a former one.
            query = (
                select(s.c.locale, s.c.slug, *keys)
                .join(a, a.c.id == s.c.article_id)
                .where(tuple_(s.c.locale, s.c.slug).in_(slugs))
            )
            for row in self.conn.execute(query).mappings():
                targets.by_slug[row["locale"], row["slug"]] = MatchKeys(**row)
        if titles:
            query = select(a.c.locale, a.c.slug, *keys).where(a.c.title_key.in_(titles))
            for row in self.conn.execute(query).mappings():
                targets.by_title.setdefault(row["title_key"], []).append(MatchKeys(**row))
        return targets

    def resolve_pending(self, article: MatchKeys) -> int:
        """Point every pending relation that names ``article`` at it; returns how many."""
        return self.resolve_pending_many([article], skip_sources={article.id})

    def resolve_pending_many(
        self, articles: Sequence[MatchKeys], *, skip_sources: Collection[UUID]
    ) -> int:
        """Point pending relations naming any of ``articles`` at it; returns how many.

        Relations from ``skip_sources`` are left alone: the articles created together
        in one batch looked for each other when their own relations were inserted.
        A pending relation naming several of the articles goes to the first named.
        """
        if not articles:
            return 0
        r = self.t.relations
        # One indexed lookup per kind of key (pending keys are cleared once resolved, and
        # their indexes are partial); an OR of them, or a filter on target_id IS NULL,
        # would walk every pending relation. Slugs are asked per locale: SQLite does not
        # see that a row-value IN implies the partial index's condition.
        lookups: list[ColumnElement[bool]] = [
            r.c.pending_title_key.in_({a.title_key for a in articles})
        ]
        if urls := {a.url_key for a in articles if a.url_key}:
            lookups.append(r.c.pending_url_key.in_(urls))
        slugs: dict[str, set[str]] = {}
        for a in articles:
            slugs.setdefault(a.locale, set()).add(a.slug)
        lookups += [
            and_(r.c.pending_locale == locale, r.c.pending_slug.in_(names))
            for locale, names in slugs.items()
        ]
        rows = {
            row.id: row
            for condition in lookups
            for row in self.conn.execute(select(r).where(condition))
            if row.target_id is None and row.source_id not in skip_sources
        }
        resolved = 0
        for row in sorted(rows.values(), key=lambda row: (row.source_id, row.position)):
            pending = PendingKeys(
                title_key=row.pending_title_key,
                url_key=row.pending_url_key,
                slug=row.pending_slug,
                locale=row.pending_locale,
                published_at=row.pending_published_at,
            )
            article = next((a for a in articles if names_article(pending, a)), None)
            if article is None:
                continue
            duplicate = self.conn.scalar(
                select(r.c.id).where(
                    r.c.source_id == row.source_id,
                    r.c.kind == row.kind,
                    r.c.target_key == article.id.hex,
                )
            )
            if duplicate is not None:
                self.conn.execute(delete(r).where(r.c.id == row.id))
                continue
            self.conn.execute(
                update(r)
                .where(r.c.id == row.id)
                .values(target_id=article.id, target_key=article.id.hex, **_CLEARED)
            )
            resolved += 1
        return resolved

    def unresolve_incoming(self, article: Row[Any]) -> None:
        """Turn relations pointing at ``article`` back into pending ones (it is being deleted).

        If the article comes back (a re-import), the relations find it again.
        """
        r = self.t.relations
        pending = PendingTarget.model_construct(
            title=article.headline,
            published_at=article.published_at,
            url=article.canonical_url,
            slug=article.slug,
            locale=article.locale,
        )
        self.conn.execute(
            update(r)
            .where(r.c.target_id == article.id)
            .values(
                target_id=None,
                target_key=_pending_key(pending),
                pending_title=pending.title,
                pending_published_at=pending.published_at,
                pending_url=pending.url,
                pending_slug=pending.slug,
                pending_locale=pending.locale,
                pending_title_key=article.title_key,
                pending_url_key=article.url_key,
            )
        )

    def count_incoming(self, article_ids: Sequence[UUID]) -> dict[UUID, int]:
        """Relations pointing at each of ``article_ids`` from articles not among them."""
        if not article_ids:
            return {}
        r = self.t.relations
        query = (
            select(r.c.target_id, func.count())
            .where(r.c.target_id.in_(article_ids), r.c.source_id.not_in(article_ids))
            .group_by(r.c.target_id)
        )
        return {row[0]: row[1] for row in self.conn.execute(query)}

    def _article_row(self, article_id: UUID) -> Row[Any]:
        a = self.t.articles
        row = self.conn.execute(select(a).where(a.c.id == article_id)).first()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}", kind="article", key=article_id)
        return row


@dataclass
class _Targets:
    """Stored articles by the keys a pending target names them by (see ``_targets``)."""

    by_url: dict[str, list[MatchKeys]] = field(default_factory=dict)
    by_slug: dict[tuple[str, str], MatchKeys] = field(default_factory=dict)
    by_title: dict[str, list[MatchKeys]] = field(default_factory=dict)

    def find(self, pending: PendingKeys, *, exclude: UUID) -> UUID | None:
        """The stored article other than ``exclude`` that ``pending`` names (``pick_target``)."""
        slug = (pending.locale, pending.slug) if pending.slug and pending.locale else None
        slugged = self.by_slug.get(slug) if slug else None
        candidates = [
            *(self.by_url.get(pending.url_key, ()) if pending.url_key else ()),
            *((slugged,) if slugged is not None else ()),
            *(self.by_title.get(pending.title_key, ()) if pending.title_key else ()),
        ]
        return pick_target(pending, (c for c in candidates if c.id != exclude))


_CLEARED = {
    "pending_title": None,
    "pending_published_at": None,
    "pending_url": None,
    "pending_slug": None,
    "pending_locale": None,
    "pending_title_key": None,
    "pending_url_key": None,
}
