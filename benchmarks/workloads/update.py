"""Optimistic update with a re-slug: an editor retitles a published article and saves.

Each update is one transaction and returns the updated article. newscms runs
``uow.articles.update`` with ``expected_version`` and ``regenerate_slug``; the baseline
updates the same article in its own ``core_`` tables (loaded identically by the ingest
workload) with a version-guarded UPDATE, records the new slug and reads the article
back. Both must end with the same slug, headline and version. Runs last: it changes data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from benchmarks import core
from benchmarks.generator import revised_headline
from benchmarks.harness import Figure, Samples, WorkloadFamily, duel, expect_equal
from newscms import ArticlePatch

if TYPE_CHECKING:
    from uuid import UUID

    from benchmarks.harness import Bench
    from newscms import Article

__all__ = ["FAMILY"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One editor's save: which article, the version they saw, the new headline."""

    article_id: UUID
    version: int
    headline: str


def _edits(bench: Bench, count: int) -> list[Edit]:
    """Distinct published articles, each edited once, spread over the whole table."""
    a = bench.tables.articles
    with bench.engine.connect() as conn:
        rows = conn.execute(
            select(a.c.id, a.c.locale, a.c.headline, a.c.version)
            .where(a.c.is_public.is_(True))
            .order_by(a.c.id)
        ).all()
    rows = bench.rng("update").sample(rows, min(count, len(rows)))
    return [Edit(row.id, row.version, revised_headline(row.locale, row.headline)) for row in rows]


def run(bench: Bench) -> list[Figure]:
    """Time one-transaction updates with a new slug on both paths."""
    options = bench.options
    wanted = (options.warmup + options.operations) * options.repeat
    extra = options.operations if options.profile else 0
    edits = _edits(bench, wanted + extra)
    # A small database may hold fewer articles than the runs would edit: share them out.
    per_round = min(options.warmup + options.operations, (len(edits) - extra) // options.repeat)
    warmup = min(options.warmup, per_round // 4)
    store, core_tables, now = bench.store, bench.core_tables, bench.now

    def ours(edit: Edit) -> Article:
        patch = ArticlePatch(
            expected_version=edit.version, headline=edit.headline, regenerate_slug=True
        )
        with store.session() as uow:
            return uow.articles.update(edit.article_id, patch)

    def theirs(edit: Edit) -> core.CoreArticle:
        with bench.engine.begin() as conn:
            return core.update_headline(
                conn,
                core_tables,
                edit.article_id,
                expected_version=edit.version,
                headline=edit.headline,
                now=now,
            )

    def check(edit: Edit, a: Article, b: core.CoreArticle) -> None:
        expect_equal(
            f"the update of {edit.article_id}",
            (a.id, a.slug, a.headline, a.version),
            (b.row.id, b.row.slug, b.row.headline, b.row.version),
        )
        expect_equal(
            f"the tags after the update of {edit.article_id}",
            [tag.slug for tag in a.tags],
            [tag.slug for tag in b.tags],
        )

    newscms_samples, core_samples = Samples(), Samples()
    checked = 0
    for start in range(0, per_round * options.repeat, per_round):
        chunk = edits[start : start + per_round]
        checked += duel(
            chunk[warmup:],
            ours,
            theirs,
            check,
            newscms_samples=newscms_samples,
            core_samples=core_samples,
            checks=options.checks,
            warmup=chunk[:warmup],
        )
    with bench.profiling("update.reslug"):
        for edit in edits[len(edits) - extra :] if extra else ():
            ours(edit)
    return [
        Figure.from_samples(
            "update.reslug",
            "optimistic update with re-slug",
            "rate",
            "updates/s",
            newscms=newscms_samples,
            core=core_samples,
            checked=checked,
            scope="one transaction per update, returning the updated article",
        )
    ]


FAMILY = WorkloadFamily(
    name="update",
    order=90,
    description="optimistic update of a published article with a new headline and slug",
    runner=run,
)
