"""Streaming reads: whole listings in keyset pages, light sitemap entries, one snapshot."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newscms.domain import Article, ArticleDraft, ArticleRef, Status
from newscms.errors import LocaleError, NaiveDatetimeError, ValidationError
from newscms.formats import Site, write_news_sitemap, write_sitemap
from newscms.store import Store
from newscms.store.streaming import (
    SitemapEntry,
    read_snapshot,
    stream_articles,
    stream_sitemap_entries,
)

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the FakeClock's start
SITE = Site(
    name="Example",
    base_url="https://example.com/",
    article_url="https://example.com/{locale}/{slug}",
)


def draft(headline: str, at: datetime | None, **fields: object) -> ArticleDraft:
    fields.setdefault("status", Status.PUBLISHED if at is not None else Status.DRAFT)
    return ArticleDraft(
        locale=fields.pop("locale", "en"),  # type: ignore[arg-type]
        headline=headline,
        published_at=at,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def corpus(store: Store) -> dict[str, Article]:
    """Published articles in two locales with tags (microsecond times, a tie of three),
    a draft, an archived one, one scheduled for later and one whose time has come."""
    work = {"kind": "topic", "name": "Work", "locale": "en"}
    drafts = {
        "korea": draft("Kaesong closure", T0 - timedelta(hours=1, microseconds=123457),
                       tags=[{"kind": "region", "name": "KOREA"}, work]),
        "china": draft("Beijing and Pyongyang", T0 - timedelta(days=3, microseconds=9),
                       tags=[{"kind": "region", "name": "CHINA"}]),
        "roma": draft("Il papa a Manila", T0 - timedelta(days=1), locale="it",
                      tags=[work]),
        "tie-1": draft("Same minute one", T0 - timedelta(hours=5)),
        "tie-2": draft("Same minute two", T0 - timedelta(hours=5)),
        "tie-3": draft("Same minute three", T0 - timedelta(hours=5), locale="it"),
        "old": draft("Tacloban relief", datetime(2013, 11, 14, 9, 30, tzinfo=UTC)),
        "draft": draft("Unfinished", None),
        "gone": draft("Withdrawn story", T0 - timedelta(days=10)),
        "later": draft("Tomorrow's story", T0 + timedelta(hours=2), status=Status.SCHEDULED),
        "due": draft("Due story", T0 + timedelta(minutes=30), status=Status.SCHEDULED),
    }  # fmt: skip
    with store.session() as uow:
        stored = {key: uow.articles.create(value) for key, value in drafts.items()}
        stored["gone"] = uow.workflow.archive(stored["gone"].id)
    return stored


def all_pages(uow, **filters: object) -> list[Article]:
    """The listing walked page by page through the repository's own pagination."""
    items: list[Article] = []
    cursor = None
    while True:
        page = uow.articles.list(limit=200, cursor=cursor, **filters)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items


# -- stream_articles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"public": False},
        {"locale": "it"},
        {"tag_kind": "region"},
        {"status": "draft", "public": False},
        {"status": "scheduled", "public": False},
    ],
    ids=repr,
)
def test_stream_articles_is_the_listing_whatever_the_page_size(store, corpus, filters) -> None:
    with read_snapshot(store) as uow:
        expected = all_pages(uow, **{"public": True, **filters})
        assert expected, "every filter here selects something"
        for size in (1, 2, 3, 200):
            streamed = list(stream_articles(uow, batch_size=size, **filters))
            assert streamed == expected  # complete articles: tags and relations included


def test_stream_articles_filters_by_tag_and_stops_at_the_limit(store, corpus) -> None:
    with read_snapshot(store) as uow:
        work = uow.tags.get_by_slug("work", locale="en")
        tagged = list(stream_articles(uow, tag=work.id, batch_size=1))
        assert [a.id for a in tagged] == [corpus["korea"].id, corpus["roma"].id]
        assert all("Work" in [t.name for t in a.tags] for a in tagged)
        newest = list(stream_articles(uow, limit=4, batch_size=3))
        assert newest == all_pages(uow, public=True)[:4]
        assert list(stream_articles(uow, limit=1000)) == all_pages(uow, public=True)


def test_stream_articles_refuses_bad_sizes_and_filters(store, corpus) -> None:
    with store.session(readonly=True) as uow:
        for bad in (0, -1, 201, True, 2.5):
            with pytest.raises(ValidationError) as caught:
                next(stream_articles(uow, batch_size=bad))  # type: ignore[arg-type]
            assert caught.value.field == "batch_size"
        with pytest.raises(ValidationError) as caught:
            next(stream_articles(uow, limit=0))
        assert caught.value.field == "limit"
        with pytest.raises(ValidationError) as caught:
            next(stream_articles(uow, status="lost"))
        assert caught.value.field == "status"


# -- stream_sitemap_entries ------------------------------------------------------------


def as_entry(article: Article) -> SitemapEntry:
    return SitemapEntry(
        article.id,
        article.locale,
        article.slug,
        article.headline,
        article.status,
        article.published_at,
        article.updated_at,
    )


@pytest.mark.parametrize("public", [True, False])
def test_entries_carry_exactly_what_the_articles_say(store, corpus, public) -> None:
    with read_snapshot(store) as uow:
        articles = all_pages(uow, public=public)
        for size in (1, 2, 4, 5000):
            entries = list(stream_sitemap_entries(uow, public=public, batch_size=size))
            # Same order as the listing (listed_at, then id, newest first), same values:
            # ids, aware UTC datetimes to the microsecond, the status a reader sees now.
            assert entries == [as_entry(article) for article in articles]
    for entry in entries:
        assert isinstance(entry.id, type(corpus["korea"].id))
        assert entry.updated_at.tzinfo is UTC
        assert entry.published_at is None or entry.published_at.tzinfo is UTC
    slugs = {entry.slug for entry in entries}
    if public:
        assert corpus["due"].slug not in slugs  # scheduled for 12:30, it is 12:00
        assert {corpus[key].slug for key in ("draft", "gone", "later")}.isdisjoint(slugs)
    else:
        statuses = {entry.slug: entry.status for entry in entries}
        assert statuses[corpus["draft"].slug] is Status.DRAFT
        assert statuses[corpus["gone"].slug] is Status.ARCHIVED
        assert statuses[corpus["later"].slug] is Status.SCHEDULED


def test_a_scheduled_article_is_listed_as_published_once_its_time_comes(
    store, corpus, clock
) -> None:
    clock.advance(hours=1)
    with read_snapshot(store) as uow:
        entries = {e.slug: e for e in stream_sitemap_entries(uow)}
    due = entries[corpus["due"].slug]
    assert due.status is Status.PUBLISHED
    assert due.published_at == corpus["due"].published_at
    assert corpus["later"].slug not in entries


def test_entries_filter_by_locale_and_publication_time(store, corpus) -> None:
    with read_snapshot(store) as uow:
        italian = list(stream_sitemap_entries(uow, locale="it", batch_size=1))
        assert [e.slug for e in italian] == [corpus["tie-3"].slug, corpus["roma"].slug]
        since = T0 - timedelta(days=2)
        recent = list(stream_sitemap_entries(uow, published_after=since, batch_size=2))
        expected = [
            as_entry(a)
            for a in all_pages(uow, public=True)
            if a.published_at is not None and a.published_at >= since
        ]
        assert recent == expected
        assert corpus["china"].slug not in {e.slug for e in recent}
        zoned = since.astimezone(ZoneInfo("Asia/Seoul"))
        assert list(stream_sitemap_entries(uow, published_after=zoned)) == recent


def test_ties_on_the_listing_time_cross_page_boundaries_intact(store) -> None:
    moment = T0 - timedelta(hours=3)
    with store.session() as uow:
        created = uow.articles.create_many([draft(f"Tie {n}", moment) for n in range(7)])
    with read_snapshot(store) as uow:
        for size in (1, 2, 3, 6, 7, 8):
            entries = list(stream_sitemap_entries(uow, batch_size=size))
            assert sorted(e.id for e in entries) == sorted(a.id for a in created)
            assert [e.id for e in entries] == [a.id for a in all_pages(uow, public=True)]


def test_entries_are_read_a_page_at_a_time(store, statements) -> None:
    with store.session() as uow:
        uow.articles.create_many(
            [draft(f"Story {n}", T0 - timedelta(minutes=n)) for n in range(10)]
        )
    with read_snapshot(store) as uow:
        stream = stream_sitemap_entries(uow, batch_size=3)
        with statements:
            first = list(itertools.islice(stream, 3))
            assert len(first) == 3
            reads = [s for s in statements.statements if s.lstrip().upper().startswith("SELECT")]
            assert len(reads) == 1  # one page read, the rest still in the database
            rest = list(stream)
        reads = [s for s in statements.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(first) + len(rest) == 10
    assert len(reads) == 4  # pages of 3, 3, 3 and 1


def test_entries_refuse_bad_arguments(store) -> None:
    with store.session(readonly=True) as uow:
        with pytest.raises(ValidationError) as caught:
            next(stream_sitemap_entries(uow, batch_size=0))
        assert caught.value.field == "batch_size"
        with pytest.raises(NaiveDatetimeError):
            next(stream_sitemap_entries(uow, published_after=datetime(2026, 1, 1)))
        with pytest.raises(LocaleError):
            next(stream_sitemap_entries(uow, locale="not a locale!"))


def test_a_sitemap_from_entries_is_the_sitemap_from_articles(store, corpus) -> None:
    seen: list[object] = []

    def url(article: Article | ArticleRef) -> str:
        seen.append(type(article))
        return f"https://example.com/{article.locale}/{article.id}"

    by_callable = Site(name="Example", base_url="https://example.com/", article_url=url)
    with read_snapshot(store) as uow:
        for site in (SITE, by_callable):
            light, full = io.BytesIO(), io.BytesIO()
            write_sitemap(stream_sitemap_entries(uow), light, site=site)
            write_sitemap(stream_articles(uow), full, site=site)
            assert light.getvalue() == full.getvalue()
            assert light.getvalue().count(b"<url>") == 7
            light, full = io.BytesIO(), io.BytesIO()
            write_news_sitemap(stream_sitemap_entries(uow), light, site=site, now=T0)
            write_news_sitemap(stream_articles(uow), full, site=site, now=T0)
            assert light.getvalue() == full.getvalue()
    # A host's URL callable is written for articles: an entry reaches it as an ArticleRef.
    assert set(seen) == {ArticleRef, Article}


# -- one snapshot ------------------------------------------------------------------------


def test_a_stream_is_one_snapshot_at_one_moment(store, clock) -> None:
    with store.session() as uow:
        uow.articles.create_many(
            [draft(f"Story {n}", T0 - timedelta(hours=n + 1)) for n in range(6)]
        )
    with read_snapshot(store) as uow:
        moment = uow.now()
        stream = stream_sitemap_entries(uow, batch_size=2)
        first = list(itertools.islice(stream, 2))
        # Meanwhile another transaction commits an article that sorts into a later page,
        # and the clock moves on.
        with store.session() as writer:
            late = writer.articles.create(draft("Committed meanwhile", T0 - timedelta(days=1)))
        clock.advance(hours=3)
        rest = list(stream)
        assert uow.now() == moment
        assert late.id not in {e.id for e in first + rest}
        assert len(first + rest) == 6
        articles = list(stream_articles(uow, batch_size=1))
        assert len(articles) == 6
    with read_snapshot(store) as uow:
        assert late.id in {e.id for e in stream_sitemap_entries(uow)}
        assert uow.now() == T0 + timedelta(hours=3)
