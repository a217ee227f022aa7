"""Sitemaps, indexes and Google News sitemaps, validated against the official XSDs offline."""

from __future__ import annotations

import io
import re
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple
from uuid import UUID

import pytest
from _media_fixtures import ALL_MEDIA, INLINE, LEAD, VIDEO, with_media
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newscms.domain import Article, ArticleMedia, ArticleRef, Status
from newscms.errors import ValidationError
from newscms.formats import (
    Site,
    news_language,
    write_news_sitemap,
    write_news_sitemaps,
    write_sitemap,
    write_sitemaps,
)
from newscms.formats.feeds import last_modified
from newscms.formats.sitemaps import IMAGE_NS, NEWS_NS, SITEMAP_NS
from newscms.utils.locales import normalize_locale

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"
NS = {"s": SITEMAP_NS, "n": NEWS_NS, "i": IMAGE_NS}
FILES_URL = "https://www.asianews.it/sitemaps/"


def xsd(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


SITEMAP, SITEINDEX = xsd("sitemap.xsd"), xsd("siteindex.xsd")


@pytest.fixture(scope="module")
def news_schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    """sitemap.xsd and sitemap-news.xsd together: <url> admits <news:news> only strictly."""
    combined = tmp_path_factory.mktemp("xsd") / "sitemap-with-news.xsd"
    sitemap, news = (SCHEMAS / "sitemap.xsd").as_uri(), (SCHEMAS / "sitemap-news.xsd").as_uri()
    combined.write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<xsd:import namespace="{SITEMAP_NS}" schemaLocation="{sitemap}"/>'
        f'<xsd:import namespace="{NEWS_NS}" schemaLocation="{news}"/>'
        "</xsd:schema>",
        encoding="utf-8",
    )
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(combined), parser))


def valid(schema: etree.XMLSchema, document: bytes) -> etree._Element:
    root = etree.fromstring(document)
    assert schema.validate(root), schema.error_log
    return root


def published(examples: list[Article]) -> list[Article]:
    return [a for a in examples if a.status is Status.PUBLISHED]


def many(make: Callable[..., Article], count: int, start: datetime) -> Iterator[Article]:
    """``count`` published articles, one a minute before ``start``, built only when asked for."""
    template = make("many")
    for index in range(count):
        moment = start - timedelta(minutes=index)
        yield template.model_copy(
            update={"slug": f"article-{index}", "published_at": moment, "updated_at": moment}
        )


def test_the_news_schema_rejects_a_broken_news_entry(news_schema: etree.XMLSchema) -> None:
    document = (
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}"><url><loc>https://example.com/a</loc>'
        "<news:news><news:publication><news:name>X</news:name><news:language>zh-Hant</news:language>"
        "</news:publication><news:publication_date>2026-01-15</news:publication_date>"
        "<news:title>T</news:title></news:news></url></urlset>"
    ).encode()
    assert not news_schema.validate(etree.fromstring(document))
    assert "language" in str(news_schema.error_log)


def test_sitemap_of_the_examples(examples: list[Article], site: Site) -> None:
    out = io.BytesIO()
    count = write_sitemap(iter(examples), out, site=site)
    root = valid(SITEMAP, out.getvalue())
    expected = published(examples)
    assert count == len(expected) < len(examples)  # drafts and archived are left out
    assert root.xpath("s:url/s:loc/text()", namespaces=NS) == [site.url_for(a) for a in expected]
    assert root.xpath("s:url/s:lastmod/text()", namespaces=NS) == [
        site.timestamp(last_modified(a)) for a in expected
    ]


def test_split_into_files_with_an_index(
    make: Callable[..., Article], site: Site, now: datetime, tmp_path: Path
) -> None:
    result = write_sitemaps(
        many(make, 25, now), tmp_path, site=site, files_url=FILES_URL, max_urls=10
    )
    assert [file.urls for file in result.files] == [10, 10, 5]
    assert result.urls == 25
    assert result.index == tmp_path / "sitemap.xml"
    assert result.index_url == FILES_URL + "sitemap.xml"
    index = valid(SITEINDEX, result.index.read_bytes())
    assert index.xpath("s:sitemap/s:loc/text()", namespaces=NS) == [
        FILES_URL + f"sitemap-{n}.xml" for n in (1, 2, 3)
    ]
    locs = []
    for file, lastmod in zip(
        result.files, index.xpath("s:sitemap/s:lastmod/text()", namespaces=NS), strict=True
    ):
        root = valid(SITEMAP, file.path.read_bytes())
        locs += root.xpath("s:url/s:loc/text()", namespaces=NS)
        assert file.lastmod is not None
        assert datetime.fromisoformat(lastmod) == file.lastmod
        newest = max(
            datetime.fromisoformat(t) for t in root.xpath("s:url/s:lastmod/text()", namespaces=NS)
        )
        assert newest == file.lastmod
    assert locs == [site.url_for(a) for a in many(make, 25, now)]


def test_files_never_pass_the_byte_limit(
    make: Callable[..., Article], site: Site, now: datetime, tmp_path: Path
) -> None:
    result = write_sitemaps(
        many(make, 40, now), tmp_path, site=site, files_url=FILES_URL, max_bytes=1500
    )
    sizes = [file.path.stat().st_size for file in result.files]
    assert len(sizes) > 3
    assert max(sizes) <= 1500
    entry = (len(result.files[0].path.read_bytes()) - 110) // result.files[0].urls
    assert min(sizes[:-1]) > 1500 - 2 * entry  # files are filled, not cut early
    assert sum(file.urls for file in result.files) == 40
    for file in result.files:
        valid(SITEMAP, file.path.read_bytes())
    with pytest.raises(ValidationError) as caught:
        write_sitemaps(many(make, 1, now), tmp_path, site=site, files_url=FILES_URL, max_bytes=150)
    assert caught.value.field == "max_bytes"


def test_limits_above_the_protocol_are_refused(site: Site, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        write_sitemaps([], tmp_path, site=site, files_url=FILES_URL, max_urls=50_001)
    assert caught.value.field == "max_urls"
    with pytest.raises(ValidationError):
        write_news_sitemap(
            [], io.BytesIO(), site=site, now=datetime.now().astimezone(), max_urls=1001
        )


def test_one_file_refuses_more_than_its_limit(
    make: Callable[..., Article], site: Site, now: datetime
) -> None:
    with pytest.raises(ValidationError, match="write_sitemaps"):
        write_sitemap(many(make, 6, now), io.BytesIO(), site=site, max_urls=5)


def test_nothing_to_list_still_gives_an_index(site: Site, tmp_path: Path) -> None:
    result = write_sitemaps([], tmp_path, site=site, files_url="https://www.asianews.it/sitemaps")
    assert [file.urls for file in result.files] == [0]
    assert result.files[0].url == FILES_URL + "sitemap-1.xml"
    valid(SITEINDEX, result.index.read_bytes())
    assert etree.fromstring(result.files[0].path.read_bytes()).tag == f"{{{SITEMAP_NS}}}urlset"


def test_urls_are_written_as_the_articles_arrive(
    make: Callable[..., Article], site: Site, now: datetime
) -> None:
    out = io.BytesIO()
    seen: list[str] = []

    def listing() -> Iterator[Article]:
        for article in many(make, 50, now):
            # Everything handed out before must already be in the stream.
            assert all(url.encode() in out.getvalue() for url in seen)
            seen.append(site.url_for(article))
            yield article

    assert write_sitemap(listing(), out, site=site) == 50


def test_memory_stays_flat_while_streaming(
    make: Callable[..., Article], site: Site, now: datetime, tmp_path: Path
) -> None:
    write_sitemaps(many(make, 10, now), tmp_path / "warm-up", site=site, files_url=FILES_URL)
    tracemalloc.start()
    try:
        result = write_sitemaps(
            many(make, 6_000, now), tmp_path, site=site, files_url=FILES_URL, max_urls=2_500
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [file.urls for file in result.files] == [2_500, 2_500, 1_000]
    written = sum(file.path.stat().st_size for file in result.files)
    assert written > 600_000
    assert peak < written / 4  # a few articles and buffers, never the document


def test_news_sitemap_lists_the_last_two_days(
    examples: list[Article],
    make: Callable[..., Article],
    site: Site,
    now: datetime,
    news_schema: etree.XMLSchema,
) -> None:
    too_old = make("too-old", published_at=now - timedelta(days=2, minutes=1))
    edge = make("edge", published_at=now - timedelta(days=2))
    future = make("future", status=Status.SCHEDULED, published_at=now + timedelta(hours=1))
    out = io.BytesIO()
    count = write_news_sitemap([*examples, too_old, edge, future], out, site=site, now=now)
    root = valid(news_schema, out.getvalue())
    assert count == 3
    entries = root.findall("s:url", NS)
    assert [e.findtext("s:loc", namespaces=NS) for e in entries] == [
        site.url_for(a)
        for a in (
            *[
                a
                for a in examples
                if a.slug in ("pechino-non-vuole-aiutare-pyongyang", "tai-wan-xin-wen")
            ],
            edge,
        )
    ]
    italian = entries[0]
    assert italian.findtext("n:news/n:publication/n:name", namespaces=NS) == "AsiaNews"
    assert italian.findtext("n:news/n:publication/n:language", namespaces=NS) == "it"
    assert italian.findtext("n:news/n:title", namespaces=NS).startswith("Pechino «non vuole")  # type: ignore[union-attr]
    assert (
        italian.findtext("n:news/n:publication_date", namespaces=NS) == "2026-01-15T16:00:00+01:00"
    )
    taiwan = entries[1]
    assert taiwan.findtext("n:news/n:publication/n:language", namespaces=NS) == "zh-tw"


def test_news_sitemaps_split_by_a_thousand(
    make: Callable[..., Article],
    site: Site,
    now: datetime,
    tmp_path: Path,
    news_schema: etree.XMLSchema,
) -> None:
    result = write_news_sitemaps(
        many(make, 2_100, now), tmp_path, site=site, files_url=FILES_URL, now=now
    )
    assert [f.urls for f in result.files] == [1000, 1000, 100]
    assert result.index.name == "news-sitemap.xml"
    valid(SITEINDEX, result.index.read_bytes())
    for file in result.files:
        valid(news_schema, file.path.read_bytes())


def test_a_url_too_long_for_a_sitemap_is_an_error(
    make: Callable[..., Article], now: datetime
) -> None:
    site = Site(
        name="X",
        base_url="https://example.com/",
        article_url=lambda a: "https://example.com/" + "a" * 2100,
    )
    with pytest.raises(ValidationError) as caught:
        write_sitemap([make("x")], io.BytesIO(), site=site)
    assert caught.value.field == "article_url"


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("it-CH", "it"),
        ("fil", "fil"),
        ("zh", "zh-cn"),
        ("zh-CN", "zh-cn"),
        ("zh-Hans", "zh-cn"),
        ("zh-Hans-HK", "zh-cn"),
        ("zh-Hant", "zh-tw"),
        ("zh-TW", "zh-tw"),
        ("zh-HK", "zh-tw"),
        ("zh-Hant-MO", "zh-tw"),
        ("zh_hant_tw", "zh-tw"),
    ],
)
def test_news_language(locale: str, language: str) -> None:
    assert news_language(locale) == language


LOCALE_TAGS = st.builds(
    lambda lang, script, region: "-".join(p for p in (lang, script, region) if p),
    st.sampled_from(["en", "it", "zh", "ja", "ko", "es", "fil", "haw", "yue", "ast"]),
    st.sampled_from([None, "Hans", "Hant", "Latn", "Cyrl"]),
    st.sampled_from([None, "CN", "TW", "HK", "MO", "SG", "US", "IT", "419"]),
)


@settings(max_examples=150, deadline=None)
@given(LOCALE_TAGS)
def test_news_language_always_fits_the_schema(tag: str) -> None:
    normalize_locale(tag)
    assert re.fullmatch("zh-cn|zh-tw|[a-z]{2,3}", news_language(tag))


def test_news_sitemap_needs_an_aware_now(site: Site, asianews: Any) -> None:
    with pytest.raises(ValidationError):
        write_news_sitemap([asianews], io.BytesIO(), site=site, now=datetime(2026, 1, 15))


# The site builds the <loc> of every entry: what it accepts and what it makes of it.


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"article_url": "https://example.com/{title}"}, "article_url"),
        ({"article_url": "https://example.com/{slug!r}"}, "article_url"),
        ({"article_url": "https://example.com/{year}/"}, "article_url"),
        ({"article_url": "ftp://example.com/{slug}"}, "article_url"),
        ({"article_url": 42}, "article_url"),
        ({"base_url": "example.com"}, "base_url"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": " "}, "name"),
    ],
)
def test_a_site_refuses_what_cannot_work(options: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {
        "name": "X",
        "base_url": "https://example.com/",
        "article_url": "https://example.com/{slug}",
    }
    with pytest.raises(ValidationError) as caught:
        Site(**(values | options))
    assert caught.value.field == field


def test_urls_are_plain_ascii_uris(make: Callable[..., Article]) -> None:
    article = make("x", slug="北京-新闻", locale="zh-CN")
    site = Site(
        name="X", base_url="https://例え.jp/", article_url="https://例え.jp/{locale}/{slug}"
    )
    assert site.base_url == "https://xn--r8jz45g.jp/"
    assert (
        site.url_for(article)
        == "https://xn--r8jz45g.jp/zh-CN/%E5%8C%97%E4%BA%AC-%E6%96%B0%E9%97%BB"
    )
    builder = Site(
        name="X",
        base_url="https://example.com/",
        article_url=lambda a: f"https://example.com/a b/{a.id}?q=é",
    )
    assert builder.url_for(article) == f"https://example.com/a%20b/{article.id}?q=%C3%A9"


def test_dates_in_urls_are_in_the_site_zone(make: Callable[..., Article]) -> None:
    site = Site(
        name="X",
        base_url="https://example.com/",
        article_url="https://example.com/{year}/{month}/{day}/{id}",
        timezone="Asia/Tokyo",
    )
    article = make("late", published_at=datetime(2012, 12, 31, 20, 0, tzinfo=UTC))
    assert site.url_for(article) == f"https://example.com/2013/01/01/{article.id}"


def test_drafts_have_no_public_url(make: Callable[..., Article], site: Site) -> None:
    draft = make("draft", status=Status.DRAFT, published_at=None)
    assert site.public_url(draft) is None
    with pytest.raises(ValidationError, match="no publication date"):
        site.url_for(draft)


@pytest.fixture(scope="module")
def image_schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    """sitemap.xsd with sitemap-news.xsd and sitemap-image.xsd: <url> admits both strictly."""
    combined = tmp_path_factory.mktemp("xsd") / "sitemap-with-images.xsd"
    imports = "".join(
        f'<xsd:import namespace="{namespace}" schemaLocation="{(SCHEMAS / name).as_uri()}"/>'
        for namespace, name in (
            (SITEMAP_NS, "sitemap.xsd"),
            (NEWS_NS, "sitemap-news.xsd"),
            (IMAGE_NS, "sitemap-image.xsd"),
        )
    )
    combined.write_text(
        f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>',
        encoding="utf-8",
    )
    return etree.XMLSchema(etree.parse(str(combined), etree.XMLParser(no_network=True)))


IMAGE_MARKUP = re.compile(
    rf' xmlns:image="{re.escape(IMAGE_NS)}"|<image:image>.*?</image:image>'.encode()
)
IMAGE_LOCS = [
    LEAD.url,
    "https://www.asianews.it/files/img/%E5%B9%B3%E5%A3%A4-street.png",  # as a URI
    INLINE.url,
]  # every image, whatever its role; never the video


def test_the_image_schema_rejects_a_broken_image(image_schema: etree.XMLSchema) -> None:
    document = (
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:image="{IMAGE_NS}"><url><loc>https://example.com/a</loc>'
        "<image:image><image:caption>no loc</image:caption></image:image></url></urlset>"
    ).encode()
    assert not image_schema.validate(etree.fromstring(document))
    assert not SITEMAP.validate(etree.fromstring(document))  # strict: needs the image schema


def test_sitemap_lists_every_image_of_an_article(
    examples: list[Article], site: Site, image_schema: etree.XMLSchema
) -> None:
    out = io.BytesIO()
    write_sitemap([with_media(a, *ALL_MEDIA, LEAD) for a in examples], out, site=site)
    root = valid(image_schema, out.getvalue())
    entries = root.findall("s:url", NS)
    assert len(entries) == len(published(examples))
    for entry in entries:
        assert entry.xpath("i:image/i:loc/text()", namespaces=NS) == IMAGE_LOCS  # each once


def test_news_sitemap_lists_images_too(
    examples: list[Article], site: Site, now: datetime, image_schema: etree.XMLSchema
) -> None:
    out = io.BytesIO()
    assert write_news_sitemap([with_media(a) for a in examples], out, site=site, now=now) == 2
    for entry in valid(image_schema, out.getvalue()).findall("s:url", NS):
        assert entry.find("n:news", NS) is not None
        assert entry.xpath("i:image/i:loc/text()", namespaces=NS) == IMAGE_LOCS


def test_media_only_add_their_own_elements(
    examples: list[Article], site: Site, now: datetime
) -> None:
    illustrated = [with_media(a) for a in examples]
    for write in (write_sitemap, partial(write_news_sitemap, now=now)):
        plain, pictured, other = io.BytesIO(), io.BytesIO(), io.BytesIO()
        write(examples, plain, site=site)
        write(illustrated, pictured, site=site)
        write([with_media(a, VIDEO) for a in examples], other, site=site)
        assert b"image" not in plain.getvalue()
        assert IMAGE_MARKUP.sub(b"", pictured.getvalue()) == plain.getvalue()
        assert other.getvalue() == plain.getvalue()  # a video is no image


def test_byte_limits_count_the_images(
    make: Callable[..., Article], site: Site, now: datetime, tmp_path: Path
) -> None:
    articles = [with_media(a) for a in many(make, 30, now)]
    result = write_sitemaps(articles, tmp_path, site=site, files_url=FILES_URL, max_bytes=2500)
    assert len(result.files) > 2
    assert all(file.path.stat().st_size <= 2500 for file in result.files)
    assert result.urls == 30


def test_at_most_a_thousand_images_per_url(asianews: Article, site: Site) -> None:
    images = [
        LEAD.model_copy(update={"url": f"https://www.asianews.it/files/img/{n}.jpg"})
        for n in range(1_001)
    ]
    out = io.BytesIO()
    write_sitemap([with_media(asianews, *images)], out, site=site)
    root = etree.fromstring(out.getvalue())
    assert len(root.findall("s:url/i:image", NS)) == 1_000


class LightEntry(NamedTuple):
    """A sitemap entry as the store streams it: no body, no tags, its media."""

    id: UUID
    locale: str
    slug: str
    headline: str
    status: Status
    published_at: datetime | None
    updated_at: datetime
    media: tuple[ArticleMedia, ...] = ()

    @property
    def ref(self) -> ArticleRef:
        return ArticleRef.of(self)


def test_a_light_entry_lists_its_images(
    asianews: Article, site: Site, image_schema: etree.XMLSchema
) -> None:
    entry = LightEntry(
        asianews.id, asianews.locale, asianews.slug, asianews.headline, asianews.status,
        asianews.published_at, asianews.updated_at, ALL_MEDIA,
    )  # fmt: skip
    light, full = io.BytesIO(), io.BytesIO()
    write_sitemap([entry], light, site=site)
    write_sitemap([with_media(asianews)], full, site=site)
    assert light.getvalue() == full.getvalue()
    valid(image_schema, light.getvalue())
