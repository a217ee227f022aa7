"""Feeds and sitemaps as chunks: one source of each format, arguments checked up front."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from newscms.errors import NaiveDatetimeError, ValidationError
from newscms.formats import (
    iter_atom,
    iter_news_sitemap,
    iter_rss,
    iter_sitemap,
    write_atom,
    write_news_sitemap,
    write_rss,
    write_sitemap,
)


@pytest.fixture
def articles(make_article):  # type: ignore[no-untyped-def]
    return [make_article(f"story-{number}") for number in range(5)]


FEED = {"title": "News", "link": "https://news.example/", "self_url": "https://news.example/rss"}


@pytest.mark.parametrize(
    ("chunks", "write", "extra"),
    [(iter_rss, write_rss, {"description": "All of it"}), (iter_atom, write_atom, {})],
)
def test_a_feed_is_one_chunk_per_item_and_the_file_is_those_chunks(  # type: ignore[no-untyped-def]
    chunks, write, extra, articles, http_site
) -> None:
    parts = list(chunks(articles, site=http_site, **FEED, **extra))
    assert len(parts) == len(articles) + 2  # the head, each item, the end
    out = io.BytesIO()
    assert write(articles, out, site=http_site, **FEED, **extra) == len(articles)
    assert b"".join(parts) == out.getvalue()
    with pytest.raises(ValidationError, match="link"):
        chunks(articles, site=http_site, **{**FEED, "link": "ftp://x"}, **extra)


def test_an_empty_atom_feed_needs_its_date_at_once(http_site) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="updated"):
        iter_atom([], site=http_site, **FEED)


def test_a_sitemap_is_one_chunk_per_url(articles, http_site) -> None:  # type: ignore[no-untyped-def]
    parts = list(iter_sitemap(articles, site=http_site))
    assert len(parts) == len(articles) + 2
    out = io.BytesIO()
    assert write_sitemap(articles, out, site=http_site) == len(articles)
    assert b"".join(parts) == out.getvalue()
    with pytest.raises(ValidationError, match="max_urls"):
        iter_sitemap(articles, site=http_site, max_urls=0)
    with pytest.raises(ValidationError, match="write_sitemaps"):
        list(iter_sitemap(articles, site=http_site, max_urls=2))


def test_a_news_sitemap_checks_its_moment_at_once(articles, http_site) -> None:  # type: ignore[no-untyped-def]
    now = articles[0].published_at + timedelta(hours=1)
    parts = list(iter_news_sitemap(articles, site=http_site, now=now))
    out = io.BytesIO()
    assert write_news_sitemap(articles, out, site=http_site, now=now) == len(articles)
    assert b"".join(parts) == out.getvalue()
    with pytest.raises(NaiveDatetimeError):
        iter_news_sitemap(articles, site=http_site, now=now.replace(tzinfo=None))
