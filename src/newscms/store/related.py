"""``uow.related``: what to read next, editors' picks first, then stories sharing rare tags.

``find(article_id, limit=10)`` returns, in order:

1. **curated**: the article's outgoing relations whose target is stored, public now and
   in the same locale, in the editors' order;
2. **suggested**: other public articles of the same locale sharing its tags, by the sum
   of the shared tags' rarity (IDF), then the newest first.

Never the article itself, never twice, never anything the public cannot see.

The cost is bounded whatever the size of the archive; no statement reads more than a
fixed number of index entries per tag of the article:

- the article's locale and tags: one primary-key lookup;
- the curated targets: the relations' ``(source_id, position)`` index;
- per tag (at most ``MAX_TAGS``), the newest ``WINDOW`` public articles of the locale
  carrying it, walking ``article_tags (tag_id, is_public, listed_at, article_id)``
  newest first and probing each entry's article row for its locale; all tags in one
  ``UNION ALL``;
- per tag, how many public articles carry it, counting at most ``DF_CAP`` entries of
  the same index: a tag on more articles than that is simply *common*. The rarity of a
  tag is ``ln(1 + DF_CAP / count)``: 8.0 for a tag on one article, 0.7 for a common one;
- the chosen articles: the three statements of any article read.

A popular tag therefore suggests only its newest ``WINDOW`` articles, while a rare tag
reaches all of its own: the stories that share a rare tag with the article are found
however old they are, which is what makes a suggestion relevant.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Integer, String, Uuid, bindparam, func, literal, select, union_all

from newscms.domain._base import DomainModel
from newscms.domain.article import Article
from newscms.domain.tag import TagRef
from newscms.errors import NotFoundError
from newscms.store._base import Repository, as_uuid, check_limit
from newscms.store._context import UnitState
from newscms.store._errors import translated
from newscms.store._listing import is_visible, public_conditions
from newscms.store._loading import loader_for
from newscms.store.types import UTCDateTime

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy.sql import Executable

    from newscms.store.tables import Tables

__all__ = ["DF_CAP", "MAX_TAGS", "WINDOW", "RelatedArticle", "RelatedRepository", "rarity"]

MAX_TAGS = 12
"""Tags of the article considered (the first ones, in the article's order)."""
WINDOW = 50
"""Newest articles of the locale read per tag: at most this many suggestions per tag."""
DF_CAP = 2000
"""Index entries counted per tag; a tag on more public articles than this is common."""


def rarity(count: int) -> float:
    """How much sharing a tag carried by ``count`` public articles says (an IDF)."""
    return math.log1p(DF_CAP / max(1, min(count, DF_CAP)))


class RelatedArticle(DomainModel):
    """One article to read next, and why it was chosen.

    ``reason`` is ``"relation"`` for an editor's pick (``relation_kind`` says which kind:
    ``see_also``, ``follow_up``, …) or ``"tags"`` for a suggestion, which carries the
    tags it shares with the article (named in its locale) and its ``score``, the sum of
    their rarity.
    """

    article: Article
    reason: Literal["relation", "tags"]
    relation_kind: str | None = None
    shared_tags: tuple[TagRef, ...] = ()
    score: float | None = None


class RelatedRepository(Repository[UnitState]):
    """Related-article suggestions of one unit of work."""

    @translated
    def find(self, article_id: UUID | str, *, limit: int = 10) -> tuple[RelatedArticle, ...]:
        """Up to ``limit`` public articles of the same locale to read after this one.

        The article itself may be a draft (an editor previewing it); what is suggested
        is always public now.

        Raises:
            NotFoundError: no article has this id.
        """
        article_id = as_uuid(article_id, "article_id")
        check_limit(limit)
        now = self.uow.now()
        locale, tags = self._source(article_id)
        curated = self._curated(article_id, locale, now)
        chosen = {target for target, _ in curated} | {article_id}
        suggested = self._suggested(
            article_id, locale=locale, tags=tags, now=now, limit=limit, excluded=chosen
        )
        ids = [target for target, _ in curated][:limit]
        ids += [candidate for candidate, _, _ in suggested][: limit - len(ids)]
        articles = self._load(ids, now)
        kinds = dict(curated)
        scores = {candidate: (score, shared) for candidate, score, shared in suggested}
        result = []
        for ident in ids:
            article = articles.get(ident)
            if article is None:
                continue  # deleted or unpublished by another transaction meanwhile
            if ident in kinds:
                result.append(
                    RelatedArticle.model_construct(
                        article=article,
                        reason="relation",
                        relation_kind=kinds[ident],
                        shared_tags=(),
                        score=None,
                    )
                )
            else:
                score, shared = scores[ident]
                result.append(
                    RelatedArticle.model_construct(
                        article=article,
                        reason="tags",
                        relation_kind=None,
                        shared_tags=tuple(t for t in article.tags if t.id in shared),
                        score=score,
                    )
                )
        return tuple(result)

    @property
    def _sql(self) -> _Statements:
        return _statements(self.t)

    def _source(self, article_id: UUID) -> tuple[str, list[UUID]]:
        rows = self.conn.execute(self._sql.source, {"article_id": article_id}).all()
        if not rows:
            raise NotFoundError(f"no article with id {article_id}", kind="article", key=article_id)
        tags = [row.tag_id for row in rows if row.tag_id is not None]
        return rows[0].locale, tags[:MAX_TAGS]

    def _curated(self, article_id: UUID, locale: str, now: datetime) -> list[tuple[UUID, str]]:
        """Targets of the article's relations that the public sees, in order, once each."""
        rows = self.conn.execute(
            self._sql.curated, {"article_id": article_id, "locale": locale, "now": now}
        ).all()
        seen: dict[UUID, str] = {}
        for target, kind in rows:
            seen.setdefault(target, kind)
        return list(seen.items())

    def _suggested(
        self,
        article_id: UUID,
        *,
        locale: str,
        tags: Sequence[UUID],
        now: datetime,
        limit: int,
        excluded: set[UUID],
    ) -> list[tuple[UUID, float, frozenset[UUID]]]:
        """Candidates sharing the article's tags: (id, score, shared tag ids), best first."""
        if not tags:
            return []
        values = {f"tag_{n}": tag for n, tag in enumerate(tags)}
        rows = self.conn.execute(
            self._sql.walks(len(tags)),
            {**values, "article_id": article_id, "locale": locale, "now": now, "window": WINDOW},
        ).all()
        counts: dict[int, int] = dict(
            self.conn.execute(
                self._sql.counts(len(tags)), {**values, "now": now, "cap": DF_CAP}
            ).all()
        )
        weight = {tag: rarity(counts.get(n, 0)) for n, tag in enumerate(tags)}
        shared: dict[UUID, set[UUID]] = {}
        newest: dict[UUID, datetime] = {}
        for tag, candidate, listed in rows:
            if candidate in excluded:
                continue
            shared.setdefault(candidate, set()).add(tag)
            newest[candidate] = listed
        ranked = sorted(
            (
                (candidate, sum(weight[tag] for tag in tags if tag in found), frozenset(found))
                for candidate, found in shared.items()
            ),
            key=lambda item: (-item[1], _negated(newest[item[0]]), _negated_id(item[0])),
        )
        return ranked[:limit]

    def _load(self, ids: Sequence[UUID], now: datetime) -> dict[UUID, Article]:
        if not ids:
            return {}
        rows = [
            row
            for row in self.conn.execute(self._sql.load, {"ids": list(ids)}).all()
            if is_visible(row.is_public, row.listed_at, row.expires_at, now)
        ]
        loader = loader_for(self.t, self.uow.settings.locales)
        return {
            article.id: article
            for article in loader.load(
                self.conn, [row._mapping for row in rows], now=now, public=True
            )
        }


class _Statements:
    """The plan's statements for one set of tables, built once with bound parameters.

    Building a statement of a dozen subqueries costs SQLAlchemy more than running it;
    built once, each is compiled once and then only executed.
    """

    def __init__(self, tables: Tables) -> None:
        a, at, r = tables.articles, tables.article_tags, tables.relations
        self.t = tables
        self.now = bindparam("now", type_=UTCDateTime())
        self.source = (
            select(a.c.locale, at.c.tag_id)
            .select_from(a.outerjoin(at, at.c.article_id == a.c.id))
            .where(a.c.id == bindparam("article_id", type_=Uuid()))
            .order_by(at.c.position)
        )
        target = a.alias("target")
        self.curated = (
            select(r.c.target_id, r.c.kind)
            .join(target, target.c.id == r.c.target_id)
            .where(
                r.c.source_id == bindparam("article_id", type_=Uuid()),
                *public_conditions(
                    target.c.is_public, target.c.listed_at, target.c.expires_at, self.now
                ),
                target.c.locale == bindparam("locale", type_=String()),
                target.c.id != bindparam("article_id", type_=Uuid()),
            )
            .order_by(r.c.position)
        )
        # By primary key alone: with the visibility columns in the WHERE clause SQLite
        # may walk the (is_public, listed_at) index over every public article instead.
        self.load = select(a).where(a.c.id.in_(bindparam("ids", expanding=True, type_=Uuid())))
        self._walks: dict[int, Executable] = {}
        self._counts: dict[int, Executable] = {}

    def walks(self, count: int) -> Executable:
        """Per tag ``tag_n``, the newest ``window`` public articles of ``locale`` with it."""
        if count not in self._walks:
            a, at = self.t.articles, self.t.article_tags
            parts = [
                select(at.c.tag_id, at.c.article_id, at.c.listed_at)
                .join(a, a.c.id == at.c.article_id)
                .where(
                    at.c.tag_id == bindparam(f"tag_{n}", type_=Uuid()),
                    *public_conditions(at.c.is_public, at.c.listed_at, at.c.expires_at, self.now),
                    a.c.locale == bindparam("locale", type_=String()),
                    at.c.article_id != bindparam("article_id", type_=Uuid()),
                )
                .order_by(at.c.listed_at.desc(), at.c.article_id.desc())
                .limit(bindparam("window", type_=Integer()))
                .subquery()
                for n in range(count)
            ]
            self._walks[count] = union_all(*(select(part) for part in parts))
        return self._walks[count]

    def counts(self, count: int) -> Executable:
        """Per tag ``tag_n``, its public articles, counted up to ``cap``: (n, count)."""
        if count not in self._counts:
            at = self.t.article_tags
            capped = [
                select(literal(n).label("tag"), at.c.article_id)
                .where(
                    at.c.tag_id == bindparam(f"tag_{n}", type_=Uuid()),
                    *public_conditions(at.c.is_public, at.c.listed_at, at.c.expires_at, self.now),
                )
                .limit(bindparam("cap", type_=Integer()))
                .subquery()
                for n in range(count)
            ]
            parts = union_all(*(select(part.c.tag) for part in capped)).subquery()
            self._counts[count] = select(parts.c.tag, func.count()).group_by(parts.c.tag)
        return self._counts[count]


@lru_cache(maxsize=32)
def _statements(tables: Tables) -> _Statements:
    return _Statements(tables)


def _negated(moment: datetime) -> float:
    """A sort key putting later moments first."""
    return -moment.timestamp()


def _negated_id(ident: UUID) -> int:
    """A sort key putting larger ids first (ties of score and time, as the index orders)."""
    return -ident.int
