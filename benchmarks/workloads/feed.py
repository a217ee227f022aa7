"""Feed of 50: the newest public articles of the site as an RSS 2.0 document.

newscms lists the 50 newest public articles with ``uow.articles.list(public=True,
limit=50)`` and writes them with ``newscms.formats.write_rss``. The baseline reads the
same 50 with the keyset query on the ``(is_public, listed_at, id)`` index and the two
statements every Core read uses for tags and relations (``core.list_newest``), wraps
each row in a plain object carrying what the formatter reads, and writes it with the
same ``write_rss``: the formatter is the same, so the figure compares what each path
costs to get the articles to it. Both feeds must be the same bytes.

Each operation lists and writes the whole feed into memory, inside an open unit of work
(connection) per round, as a feed endpoint with a warm pool does.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any

from benchmarks import core
from benchmarks.harness import Figure, Samples, WorkloadFamily, duel, expect_equal
from newscms.formats import Site, write_rss

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from benchmarks.harness import Bench

__all__ = ["FAMILY", "SITE"]

SIZE = 50
BASE = "https://news.example.com/"
SITE = Site(name="Benchmark News", base_url=BASE, article_url=BASE + "{locale}/{slug}")
CHANNEL: dict[str, str] = {
    "title": "Benchmark News",
    "link": BASE,
    "description": "The latest articles from Benchmark News",
}


@dataclass(frozen=True, slots=True)
class _Named:
    name: str


@dataclass(frozen=True, slots=True)
class FeedItem:
    """What ``write_rss`` reads of an article, from a baseline row."""

    id: UUID
    locale: str
    slug: str
    headline: str
    summary: str | None
    body: str
    published_at: datetime | None
    updated_at: datetime
    byline: tuple[_Named, ...]
    tags: tuple[core.CoreTag, ...]
    media: tuple[object, ...] = ()  # the generated articles show no media


def _item(article: core.CoreArticle) -> FeedItem:
    row = article.row
    return FeedItem(
        id=row.id,
        locale=row.locale,
        slug=row.slug,
        headline=row.headline,
        summary=row.summary,
        body=row.body,
        published_at=row.published_at,
        updated_at=row.updated_at,
        byline=tuple(_Named(person["name"]) for person in row.byline or ()),
        tags=article.tags,
    )


def _rss(items: Any) -> bytes:
    out = BytesIO()
    write_rss(items, out, site=SITE, **CHANNEL)
    return out.getvalue()


def run(bench: Bench) -> list[Figure]:
    """Time the feed of the 50 newest public articles on both paths."""
    options = bench.options
    tables, now = bench.tables, bench.now
    ours, theirs = Samples(), Samples()
    checked = 0
    sizes: list[int] = []

    def check(_: None, a: bytes, b: bytes) -> None:
        expect_equal("the feed of 50 (RSS bytes)", a, b)
        sizes.append(len(a))

    for _ in range(options.repeat):
        with (
            bench.store.session(readonly=True) as uow,
            bench.engine.connect() as conn,
            conn.begin(),
        ):
            checked += duel(
                [None] * options.operations,
                lambda _: _rss(uow.articles.list(public=True, limit=SIZE).items),
                lambda _: _rss(
                    [_item(a) for a in core.list_newest(conn, tables, now, limit=SIZE)[0]]
                ),
                check,
                newscms_samples=ours,
                core_samples=theirs,
                checks=options.checks,
                warmup=[None] * options.warmup,
            )
    with bench.profiling("feed"), bench.store.session(readonly=True) as uow:
        for _ in range(options.operations):
            _rss(uow.articles.list(public=True, limit=SIZE).items)
    return [
        Figure.from_samples(
            "feed",
            f"feed of the newest {SIZE} (RSS 2.0)",
            "latency",
            "ms",
            newscms=ours,
            core=theirs,
            checked=checked,
            items=SIZE,
            feed_bytes=sizes[0] if sizes else 0,
            formatter="newscms.formats.write_rss on both paths",
        )
    ]


FAMILY = WorkloadFamily(
    name="feed",
    order=38,
    description="RSS feed of the 50 newest public articles",
    runner=run,
)
