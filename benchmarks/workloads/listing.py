"""Newest-first public listings, page 1 and page 50 by keyset: by tag and by locale.

Tags: the most used one (about 10% of articles) and a rare one (the least used tag that
still has 50 pages; in a database too small for that, a tag a tenth as common as the
most used one). When a listing has fewer than 50 pages, its last full page is measured.
Locales: ``en`` (80% of articles) and ``it`` (20%). Pages hold 20 articles, complete
with tags and relations, on both paths. The popular tag and ``en`` are also measured as
teasers (``uow.articles.teasers``; Core selects the same columns, no body, and reads the
tags only). The cursor of page 50 is found by walking pages 1-49 untimed, on both paths,
comparing every page on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from benchmarks import core
from benchmarks.harness import Figure, Samples, WorkloadFamily, duel, expect_equal
from benchmarks.workloads.get import same_article
from newscms import Article

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy import Connection

    from benchmarks.harness import Bench
    from newscms import ArticleTeaser, Page, UnitOfWork

__all__ = ["FAMILY"]

LIMIT = 20
DEEP_PAGE = 50

CoreListing = Callable[..., tuple[list[core.CoreArticle], core.Keyset | None]]


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing as both paths ask for it."""

    id: str
    title: str
    filters: dict[str, Any]
    baseline: CoreListing
    baseline_argument: Any
    articles: int
    teasers: bool = False

    def ours(self, uow: UnitOfWork, cursor: str | None) -> Page[Article] | Page[ArticleTeaser]:
        read = uow.articles.teasers if self.teasers else uow.articles.list
        return read(public=True, limit=LIMIT, cursor=cursor, **self.filters)

    def theirs(
        self, bench: Bench, conn: Connection, after: core.Keyset | None
    ) -> tuple[list[core.CoreArticle], core.Keyset | None]:
        return self.baseline(
            conn,
            bench.tables,
            self.baseline_argument,
            bench.now,
            limit=LIMIT,
            after=after,
            teasers=self.teasers,
        )


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page starts, in each path's own terms."""

    page: int
    cursor: str | None
    after: core.Keyset | None


def _same_page(
    what: str,
    ours: Page[Article] | Page[ArticleTeaser],
    theirs: tuple[list[core.CoreArticle], core.Keyset | None],
    *,
    deep: bool,
) -> None:
    items, following = theirs
    expect_equal(f"{what}: the articles", [a.id for a in ours.items], [a.row.id for a in items])
    expect_equal(
        f"{what}: whether a next page exists", ours.next_cursor is not None, following is not None
    )
    if deep:
        for article, other in zip(ours.items, items, strict=True):
            if isinstance(article, Article):
                same_article(what, article, other)
            else:
                _same_teaser(what, article, other)


def _same_teaser(what: str, ours: ArticleTeaser, theirs: core.CoreArticle) -> None:
    """Raise unless both paths returned the same teaser and tags (and neither a body)."""
    row = theirs.row
    expect_equal(
        f"{what}: the teaser",
        (ours.id, ours.slug, ours.headline, ours.summary, ours.version, "body" in row._fields),
        (row.id, row.slug, row.headline, row.summary, row.version, False),
    )
    expect_equal(
        f"{what}: its tags",
        [(tag.id, tag.kind, tag.name, tag.slug) for tag in ours.tags],
        [(tag.id, tag.kind, tag.name, tag.slug) for tag in theirs.tags],
    )


def _tag_counts(bench: Bench) -> list[tuple[UUID, int]]:
    at = bench.tables.article_tags
    count = func.count().label("n")
    with bench.engine.connect() as conn:
        rows = conn.execute(
            select(at.c.tag_id, count)
            .where(at.c.is_public.is_(True), at.c.listed_at <= bench.now)
            .group_by(at.c.tag_id)
            .order_by(count.desc(), at.c.tag_id)
        ).all()
    return [(row.tag_id, int(row.n)) for row in rows]


def _locale_counts(bench: Bench) -> dict[str, int]:
    a = bench.tables.articles
    with bench.engine.connect() as conn:
        rows = conn.execute(
            select(a.c.locale, func.count())
            .where(a.c.is_public.is_(True), a.c.listed_at <= bench.now)
            .group_by(a.c.locale)
        ).all()
    return {locale: int(n) for locale, n in rows}


def listings(bench: Bench) -> list[Listing]:
    """The listings to measure, with how many public articles each one walks through."""
    counts = _tag_counts(bench)
    total = sum(_locale_counts(bench).values()) or 1
    popular = counts[0]
    deep_enough = [item for item in counts[1:] if item[1] >= DEEP_PAGE * LIMIT]
    # Too small a database for a second 50-page tag: take one a tenth as common as the top.
    rare = (
        deep_enough[-1]
        if deep_enough
        else min(counts, key=lambda item: abs(item[1] - popular[1] / 10))
    )
    found = [
        Listing(
            f"listing.tag.{name}",
            f"tag listing, {name} tag ({n / total:.1%})",
            {"tag": tag_id},
            core.list_by_tag,
            tag_id,
            n,
        )
        for name, (tag_id, n) in (("popular", popular), ("rare", rare))
    ]
    locales = sorted(_locale_counts(bench).items())
    for locale, n in locales:
        found.append(
            Listing(
                f"listing.locale.{locale}",
                f"locale listing, {locale} ({n / total:.0%})",
                {"locale": locale},
                core.list_by_locale,
                locale,
                n,
            )
        )
    popular_id, popular_n = popular
    largest, largest_n = max(locales, key=lambda item: item[1])
    found += [
        Listing(
            "listing.teasers.tag.popular",
            f"teasers, popular tag ({popular_n / total:.1%})",
            {"tag": popular_id},
            core.list_by_tag,
            popular_id,
            popular_n,
            teasers=True,
        ),
        Listing(
            f"listing.teasers.locale.{largest}",
            f"teasers, locale {largest} ({largest_n / total:.0%})",
            {"locale": largest},
            core.list_by_locale,
            largest,
            largest_n,
            teasers=True,
        ),
    ]
    return found


def _positions(bench: Bench, listing: Listing, uow: UnitOfWork, conn: Connection) -> list[Position]:
    """Page 1 and the deepest page up to 50, walking (and comparing) every page between."""
    positions = [Position(1, None, None)]
    previous = positions[0]
    cursor: str | None = None
    after: core.Keyset | None = None
    for page in range(1, DEEP_PAGE):
        ours = listing.ours(uow, cursor)
        theirs = listing.theirs(bench, conn, after)
        _same_page(f"{listing.id} page {page}", ours, theirs, deep=False)
        if ours.next_cursor is None or theirs[1] is None:
            # A short listing: measure its last full page, so both pages hold LIMIT articles.
            if len(ours.items) == LIMIT and page > 1:
                positions.append(Position(page, cursor, after))
            elif previous.page > 1:
                positions.append(previous)
            return positions
        previous = Position(page, cursor, after)
        cursor, after = ours.next_cursor, theirs[1]
    positions.append(Position(DEEP_PAGE, cursor, after))
    return positions


def _measure(bench: Bench, listing: Listing, position: Position) -> Figure:
    """Time one page of one listing on both paths, ``repeat`` rounds of fresh transactions."""
    options = bench.options
    ours, theirs = Samples(), Samples()
    what = f"{listing.id} page {position.page}"
    checked = 0

    def check(key: Position, a: Page[Article] | Page[ArticleTeaser], b: Any) -> None:
        _same_page(what, a, b, deep=True)

    for _ in range(options.repeat):
        with (
            bench.store.session(readonly=True) as uow,
            bench.engine.connect() as conn,
            conn.begin(),
        ):
            checked += duel(
                [position] * options.operations,
                lambda key: listing.ours(uow, key.cursor),
                lambda key: listing.theirs(bench, conn, key.after),
                check,
                newscms_samples=ours,
                core_samples=theirs,
                checks=options.checks,
                warmup=[position] * options.warmup,
            )
    suffix = "p1" if position.page == 1 else "p50"
    with bench.profiling(f"{listing.id}.{suffix}"), bench.store.session(readonly=True) as uow:
        for _ in range(options.operations):
            listing.ours(uow, position.cursor)
    return Figure.from_samples(
        f"{listing.id}.{suffix}",
        f"{listing.title}, page {position.page}",
        "latency",
        "ms",
        newscms=ours,
        core=theirs,
        checked=checked,
        page=position.page,
        page_size=LIMIT,
        public_articles=listing.articles,
    )


def run(bench: Bench) -> list[Figure]:
    """Time each listing's first and deepest page on both paths."""
    figures: list[Figure] = []
    for listing in listings(bench):
        with (
            bench.store.session(readonly=True) as uow,
            bench.engine.connect() as conn,
            conn.begin(),
        ):
            positions = _positions(bench, listing, uow, conn)
        first, *deeper = (_measure(bench, listing, position) for position in positions)
        for figure in deeper:
            figure.details["vs_page1_newscms"] = round(
                figure.newscms.median / first.newscms.median, 2
            )
            figure.details["vs_page1_core"] = round(figure.core.median / first.core.median, 2)
        figures += [first, *deeper]
    return figures


FAMILY = WorkloadFamily(
    name="listing",
    order=20,
    description="newest-first public listings by tag and by locale, page 1 and page 50",
    runner=run,
)
