"""Related articles: ``uow.related.find`` against the same bounded plan written in Core.

For public articles spread over the archive, ten suggestions: the article's curated
relations (public, same locale, in order), then other public articles of the locale
sharing its tags, scored by the tags' rarity and then recency. The baseline runs the
same statements by hand (the article's tags; its curated targets; per tag, the newest
``WINDOW`` public articles of the locale from the ``article_tags`` listing index, in
one ``UNION ALL``; per tag, a count of public articles capped at ``DF_CAP``; the
chosen articles with the three statements of every Core read) and scores in Python the
same way, so both paths return the same articles in the same order.

The figure's details also time the straightforward query issue #7 started from (one
``GROUP BY`` over every article sharing a tag, which reads all of a popular tag's
articles) on a sample of the same articles, to show what the bounded plan saves.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal, select, union_all

from benchmarks import core
from benchmarks.harness import Figure, Samples, WorkloadFamily, duel, expect_equal
from newscms.store.related import DF_CAP, MAX_TAGS, WINDOW

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy import Connection

    from benchmarks.harness import Bench
    from newscms.store import RelatedArticle, Tables

__all__ = ["FAMILY", "core_related"]

LIMIT = 10
NAIVE_SAMPLE = 30


def _rarity(count: int) -> float:
    return math.log1p(DF_CAP / max(1, min(count, DF_CAP)))


def core_related(
    conn: Connection, t: Tables, article_id: UUID, now: datetime, *, limit: int = LIMIT
) -> list[tuple[core.CoreArticle, str]]:
    """Up to ``limit`` (article, why) to read after ``article_id``, written by hand."""
    a, at, r = t.articles, t.article_tags, t.relations
    source = conn.execute(
        select(a.c.locale, at.c.tag_id)
        .select_from(a.outerjoin(at, at.c.article_id == a.c.id))
        .where(a.c.id == article_id)
        .order_by(at.c.position)
    ).all()
    locale = source[0].locale
    tags = [row.tag_id for row in source if row.tag_id is not None][:MAX_TAGS]
    target = a.alias("target")
    curated: dict[UUID, str] = {}
    for target_id, kind in conn.execute(
        select(r.c.target_id, r.c.kind)
        .join(target, target.c.id == r.c.target_id)
        .where(
            r.c.source_id == article_id,
            target.c.is_public.is_(True),
            target.c.listed_at <= now,
            target.c.locale == locale,
            target.c.id != article_id,
        )
        .order_by(r.c.position)
    ):
        curated.setdefault(target_id, kind)
    suggested: list[UUID] = []
    if tags:
        walks = [
            select(at.c.tag_id, at.c.article_id, at.c.listed_at)
            .join(a, a.c.id == at.c.article_id)
            .where(
                at.c.tag_id == tag,
                at.c.is_public.is_(True),
                at.c.listed_at <= now,
                a.c.locale == locale,
                at.c.article_id != article_id,
            )
            .order_by(at.c.listed_at.desc(), at.c.article_id.desc())
            .limit(WINDOW)
            .subquery()
            for tag in tags
        ]
        rows = conn.execute(union_all(*(select(walk) for walk in walks))).all()
        capped = [
            select(literal(n).label("tag"), at.c.article_id)
            .where(at.c.tag_id == tag, at.c.is_public.is_(True), at.c.listed_at <= now)
            .limit(DF_CAP)
            .subquery()
            for n, tag in enumerate(tags)
        ]
        parts = union_all(*(select(part.c.tag) for part in capped)).subquery()
        counts = dict(conn.execute(select(parts.c.tag, func.count()).group_by(parts.c.tag)).all())
        weight = {tag: _rarity(counts.get(n, 0)) for n, tag in enumerate(tags)}
        shared: dict[UUID, set[UUID]] = {}
        newest: dict[UUID, datetime] = {}
        for tag, candidate, listed in rows:
            if candidate in curated or candidate == article_id:
                continue
            shared.setdefault(candidate, set()).add(tag)
            newest[candidate] = listed
        suggested = sorted(
            shared,
            key=lambda c: (
                -sum(weight[tag] for tag in tags if tag in shared[c]),
                -newest[c].timestamp(),
                -c.int,
            ),
        )
    chosen = [(ident, "relation") for ident in curated][:limit]
    chosen += [(ident, "tags") for ident in suggested][: limit - len(chosen)]
    if not chosen:
        return []
    found = conn.execute(
        select(a).where(
            a.c.id.in_([ident for ident, _ in chosen]),
            a.c.is_public.is_(True),
            a.c.listed_at <= now,
        )
    ).all()
    loaded = {item.row.id: item for item in core.complete(conn, t, found, now)}
    return [(loaded[ident], why) for ident, why in chosen if ident in loaded]


def naive_related(conn: Connection, t: Tables, article_id: UUID, now: datetime) -> list[Any]:
    """The straightforward query: score every article sharing a tag, then sort."""
    a, at = t.articles, t.article_tags
    mine = select(at.c.tag_id).where(at.c.article_id == article_id).scalar_subquery()
    other = at.alias("other")
    return conn.execute(
        select(other.c.article_id, func.count().label("shared"), func.max(other.c.listed_at))
        .join(a, a.c.id == other.c.article_id)
        .where(
            other.c.tag_id.in_(mine),
            other.c.article_id != article_id,
            other.c.is_public.is_(True),
            other.c.listed_at <= now,
        )
        .group_by(other.c.article_id)
        .order_by(func.count().desc(), func.max(other.c.listed_at).desc())
        .limit(LIMIT)
    ).all()


def _keys(bench: Bench, count: int) -> list[UUID]:
    """Public articles spread over the archive, in a shuffled order."""
    a = bench.tables.articles
    step = max(1, bench.options.scale // max(count, 1))
    with bench.engine.connect() as conn:
        ids = conn.scalars(
            select(a.c.id)
            .where(a.c.is_public.is_(True), a.c.listed_at <= bench.now)
            .order_by(a.c.id)
        ).all()
    keys = list(ids[::step])
    bench.rng("related").shuffle(keys)
    return keys


def run(bench: Bench) -> list[Figure]:
    """Time ten suggestions per article on both paths."""
    options = bench.options
    keys = _keys(bench, options.operations + options.warmup)
    warmup, timed = keys[: options.warmup], keys[options.warmup :] or keys
    tables, now = bench.tables, bench.now
    ours, theirs = Samples(), Samples()
    checked = 0
    found: list[int] = []

    def check(key: UUID, a: tuple[RelatedArticle, ...], b: list[Any]) -> None:
        expect_equal(
            f"related({key})",
            [(item.article.id, item.reason) for item in a],
            [(item.row.id, why) for item, why in b],
        )
        found.append(len(a))

    for _ in range(options.repeat):
        with (
            bench.store.session(readonly=True) as uow,
            bench.engine.connect() as conn,
            conn.begin(),
        ):
            checked += duel(
                timed,
                lambda key: uow.related.find(key, limit=LIMIT),
                lambda key: core_related(conn, tables, key, now),
                check,
                newscms_samples=ours,
                core_samples=theirs,
                checks=options.checks,
                warmup=warmup,
            )
    naive: list[float] = []
    with bench.engine.connect() as conn, conn.begin():
        for key in timed[:NAIVE_SAMPLE]:
            start = time.perf_counter()
            naive_related(conn, tables, key, now)
            naive.append(time.perf_counter() - start)
    with bench.profiling("related"), bench.store.session(readonly=True) as uow:
        for key in timed:
            uow.related.find(key, limit=LIMIT)
    return [
        Figure.from_samples(
            "related",
            "related articles: picks, then shared rare tags (10)",
            "latency",
            "ms",
            newscms=ours,
            core=theirs,
            checked=checked,
            mean_found=round(sum(found) / len(found), 1) if found else 0,
            window_per_tag=WINDOW,
            df_cap=DF_CAP,
            naive_group_by_median_ms=round(statistics.median(naive) * 1e3, 2) if naive else None,
        )
    ]


FAMILY = WorkloadFamily(
    name="related",
    order=35,
    description="related articles: curated relations, then shared tags weighted by rarity",
    runner=run,
)
