"""The export service: every format from the store, checked by tools nobody here wrote."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree
from referencing import Registry, Resource

from newscms.domain import Article, ArticleDraft, Page, RelationDraft, Status
from newscms.errors import NotFoundError, ValidationError
from newscms.formats import (
    dump_json,
    to_json,
    to_jsonld,
    to_ninjs,
    to_print_html,
    to_text,
)
from newscms.formats.sitemaps import NEWS_NS, SITEMAP_NS
from newscms.importers.ninjs import parse_ninjs
from newscms.services.exporting import (
    FEED_LIMIT,
    FORMATS,
    SAMPLE_SLUG,
    ExportFilter,
    ExportOptions,
    export,
    make_site,
    write_demo_outputs,
)
from newscms.services.importing import import_paths
from newscms.store import Store

pytestmark = pytest.mark.backends

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "data" / "schemas"
JSON_SCHEMAS = ROOT / "docs" / "schema"
T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the FakeClock's start
SITE = make_site("https://news.example.com/", name="Example News", timezone="Europe/Rome")
NS = {"s": SITEMAP_NS, "n": NEWS_NS}


# -- the external checkers ----------------------------------------------------------------


def _offline(uri: str) -> Resource:
    raise AssertionError(f"the validator tried to fetch {uri}; every schema must be local")


def _json_validator(path: Path, *extra: tuple[str, Path]) -> Draft202012Validator:
    registry: Registry = Registry(retrieve=_offline)  # type: ignore[call-arg]
    for uri, resource in extra:
        contents = json.loads(resource.read_text(encoding="utf-8"))
        registry = registry.with_resource(uri, Resource.from_contents(contents))
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


GEOJSON = ("https://geojson.org/schema/GeoJSON.json", SCHEMAS / "geojson.json")
NINJS = {v: _json_validator(SCHEMAS / f"ninjs-{v}.json", GEOJSON) for v in ("2.2", "2.1")}
PAGE = _json_validator(JSON_SCHEMAS / "page.json")
ARTICLE = _json_validator(JSON_SCHEMAS / "article.json")
ATOM = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
SITEMAP = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
SITEINDEX = etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))


def errors(validator: Draft202012Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


@pytest.fixture(scope="module")
def news_schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    """sitemap.xsd and sitemap-news.xsd in one schema, offline."""
    combined = tmp_path_factory.mktemp("xsd") / "sitemap-with-news.xsd"
    sitemap, news = (SCHEMAS / "sitemap.xsd").as_uri(), (SCHEMAS / "sitemap-news.xsd").as_uri()
    combined.write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<xsd:import namespace="{SITEMAP_NS}" schemaLocation="{sitemap}"/>'
        f'<xsd:import namespace="{NEWS_NS}" schemaLocation="{news}"/>'
        "</xsd:schema>",
        encoding="utf-8",
    )
    return etree.XMLSchema(etree.parse(str(combined), etree.XMLParser(no_network=True)))


def valid_xml(schema: etree.XMLSchema | etree.RelaxNG, path: Path) -> etree._Element:
    root = etree.parse(str(path)).getroot()
    assert schema.validate(root), schema.error_log
    return root


# -- the content --------------------------------------------------------------------------


@pytest.fixture
def corpus(store: Store) -> dict[str, Article]:
    """Public articles in English, Italian and Chinese with tags and relations, a draft,
    an archived article and a scheduled one."""
    korea = {"kind": "region", "name": "KOREA", "locale": "en"}
    with store.session() as uow:
        older = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Tokyo to demand total nuclear power ban on Pyongyang",
                summary="Japan wants a ban.",
                body="<p>Tokyo & Seoul <em>agree</em>.</p>",
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(days=3),
                tags=[korea],
            )
        )
        stored = {
            "older": older,
            "sample": uow.articles.create(
                ArticleDraft(
                    locale="en",
                    headline='Beijing "does not want to help Pyongyang in its arms race"',
                    summary="A source in South Korea's Interior Ministry tells AsiaNews.",
                    body="<p>The Chinese government is losing patience.</p>",
                    byline=[{"name": "Joseph Yun Li-sun"}],
                    dateline={"place": "Seoul", "source": "AsiaNews"},
                    status=Status.PUBLISHED,
                    published_at=T0 - timedelta(hours=6),
                    tags=[korea, {"kind": "topic", "name": "Nuclear weapons"}],
                    relations=[
                        RelationDraft(target_id=older.id),
                        RelationDraft(
                            pending={"title": "Not imported yet", "url": "https://x.org/a"}
                        ),
                    ],
                )
            ),
            "italian": uow.articles.create(
                ArticleDraft(
                    locale="it",
                    headline="Pechino «non vuole aiutare Pyongyang»",
                    body="<p>Il governo cinese perde la pazienza.</p>",
                    status=Status.PUBLISHED,
                    published_at=T0 - timedelta(hours=2),
                    tags=[korea],
                )
            ),
            "chinese": uow.articles.create(
                ArticleDraft(
                    locale="zh-Hans",
                    headline="北京不想帮助平壤进行军备竞赛",
                    body="<p>中国政府对朝鲜失去耐心。</p>",
                    status=Status.PUBLISHED,
                    published_at=T0 - timedelta(days=5),
                )
            ),
            "draft": uow.articles.create(ArticleDraft(locale="en", headline="Unfinished")),
            "scheduled": uow.articles.create(
                ArticleDraft(
                    locale="en",
                    headline="Tomorrow's story",
                    status=Status.SCHEDULED,
                    published_at=T0 + timedelta(days=1),
                )
            ),
        }
        stored["gone"] = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Withdrawn story",
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(days=1),
            )
        )
        stored["gone"] = uow.workflow.archive(stored["gone"].id)
    return stored


def listing(store: Store, **filters: object) -> list[Article]:
    with store.session(readonly=True) as uow:
        return list(uow.articles.list(limit=200, **filters).items)


PUBLIC = ("italian", "sample", "older", "chinese")  # newest first


def run(store: Store, name: str, target: Any, **kwargs: Any) -> Any:
    return export(store, name, target, site=kwargs.pop("site", SITE), **kwargs)


# -- JSON, ninjs, JSON-LD -------------------------------------------------------------------


def test_json_listing_is_a_valid_page_equal_to_the_unstreamed_form(store, corpus, tmp_path):
    path = tmp_path / "articles.json"
    result = run(store, "json", path)
    everything = listing(store)
    assert result.count == len(everything) == len(corpus)
    assert result.paths == (path,)
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert errors(PAGE, document) == []
    page = Page[Article](items=tuple(everything))
    assert text == json.dumps(to_json(page), ensure_ascii=False, indent=2) + "\n"
    assert "北京不想帮助平壤" in text  # UTF-8, not \u escapes


def test_json_of_one_article_is_its_json_form(store, corpus):
    out = io.BytesIO()
    result = run(store, "json", out, filters=ExportFilter(slug=corpus["sample"].slug))
    assert result.count == 1 and result.paths == ()
    document = json.loads(out.getvalue())
    assert errors(ARTICLE, document) == []
    with store.session(readonly=True) as uow:
        assert out.getvalue().decode() == dump_json(uow.articles.get(corpus["sample"].id)) + "\n"


@pytest.mark.parametrize("version", ["2.2", "2.1"])
def test_ninjs_items_validate_and_come_back_as_the_articles(store, corpus, tmp_path, version):
    path = tmp_path / "items.json"
    options = ExportOptions(ninjs_version=version)  # type: ignore[arg-type]
    result = run(store, "ninjs", path, filters=ExportFilter(public=True), options=options)
    items = json.loads(path.read_text(encoding="utf-8"))
    articles = listing(store, public=True)
    assert result.count == len(items) == len(PUBLIC)
    assert items == [to_ninjs(a, site=SITE, version=version) for a in articles]
    for item in items:
        assert errors(NINJS[version], item) == []
    parsed = parse_ninjs(path.read_bytes(), source=str(path))
    assert [d.id for d in parsed.drafts] == [a.id for a in articles]
    assert [d.headline for d in parsed.drafts] == [a.headline for a in articles]


def test_ninjs_and_jsonld_of_one_article(store, corpus):
    slug = ExportFilter(slug=corpus["sample"].slug)
    with store.session(readonly=True) as uow:
        article = uow.articles.get(corpus["sample"].id)
    out = io.BytesIO()
    run(store, "ninjs", out, filters=slug)
    item = json.loads(out.getvalue())
    assert errors(NINJS["2.2"], item) == []
    assert item == to_ninjs(article, site=SITE)
    assert [a["name"] for a in item["associations"]] == ["see_also", "see_also"]
    out = io.BytesIO()
    run(store, "jsonld", out, filters=slug)
    document = json.loads(out.getvalue())
    assert document == to_jsonld(article, site=SITE)
    assert document["@type"] == "NewsArticle"
    assert document["url"] == "https://news.example.com/en/" + article.slug


def test_jsonld_listing_is_an_array_of_documents(store, corpus, tmp_path):
    path = tmp_path / "articles.jsonld"
    run(store, "jsonld", path, filters=ExportFilter(locale="en", public=True))
    documents = json.loads(path.read_text(encoding="utf-8"))
    english = listing(store, locale="en", public=True)
    assert documents == [to_jsonld(a, site=SITE) for a in english]
    assert [d["inLanguage"] for d in documents] == ["en", "en"]


# -- feeds ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rss", "atom"])
def test_feeds_list_the_public_articles_newest_first(store, corpus, tmp_path, name):
    path = tmp_path / f"feed.{name}"
    options = ExportOptions(full_content=True, feed_url=f"https://news.example.com/feed.{name}")
    result = run(store, name, path, options=options)
    assert result.count == len(PUBLIC)
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [e.id for e in parsed.entries] == [corpus[key].id.urn for key in PUBLIC]
    assert [e.link for e in parsed.entries] == [SITE.url_for(corpus[key]) for key in PUBLIC]
    assert all(e.published_parsed for e in parsed.entries)
    assert parsed.feed.title == "Example News"
    sample = parsed.entries[1]
    assert sample.title == corpus["sample"].headline
    assert "losing patience" in sample.content[0].value  # full content
    assert [t.term for t in sample.tags] == ["KOREA", "Nuclear weapons"]
    if name == "atom":
        valid_xml(ATOM, path)


def test_feeds_take_the_filters(store, corpus):
    out = io.BytesIO()
    run(store, "rss", out, filters=ExportFilter(locale="it"))
    parsed = feedparser.parse(out.getvalue())
    assert [e.id for e in parsed.entries] == [corpus["italian"].id.urn]
    assert parsed.feed.language == "it"
    out = io.BytesIO()
    run(store, "atom", out, filters=ExportFilter(tag="korea", tag_kind="region", limit=2))
    parsed = feedparser.parse(out.getvalue())
    assert [e.id for e in parsed.entries] == [corpus[k].id.urn for k in ("italian", "sample")]
    # Every status, when asked: drafts have no publication date but still an entry.
    out = io.BytesIO()
    run(store, "rss", out, filters=ExportFilter(public=False))
    assert len(feedparser.parse(out.getvalue()).entries) == len(corpus)


def test_an_empty_atom_feed_is_still_valid(store, corpus, tmp_path):
    path = tmp_path / "empty.atom"
    assert run(store, "atom", path, filters=ExportFilter(locale="fr")).count == 0
    root = valid_xml(ATOM, path)
    updated = root.findtext("{http://www.w3.org/2005/Atom}updated")
    assert updated == SITE.timestamp(T0)


def test_a_feed_holds_fifty_articles_unless_told_otherwise(store):
    with store.session() as uow:
        uow.articles.create_many(
            [
                ArticleDraft(
                    locale="en",
                    headline=f"Story number {n}",
                    status=Status.PUBLISHED,
                    published_at=T0 - timedelta(minutes=n),
                )
                for n in range(FEED_LIMIT + 3)
            ]
        )
    out = io.BytesIO()
    assert run(store, "rss", out).count == FEED_LIMIT
    titles = [e.title for e in feedparser.parse(out.getvalue()).entries]
    assert titles == [f"Story number {n}" for n in range(FEED_LIMIT)]
    assert run(store, "atom", io.BytesIO(), filters=ExportFilter(limit=52)).count == 52
    assert run(store, "json", io.BytesIO()).count == FEED_LIMIT + 3  # others: everything


# -- sitemaps ---------------------------------------------------------------------------


def test_the_sitemap_directory_validates_and_names_every_public_url(store, corpus, tmp_path):
    directory = tmp_path / "sitemaps"
    options = ExportOptions(files_url="https://news.example.com/sitemaps/")
    result = run(store, "sitemap", directory, options=options)
    assert result.count == len(PUBLIC)
    assert [p.name for p in result.paths] == ["sitemap-1.xml", "sitemap.xml"]
    assert sorted(p.name for p in directory.iterdir()) == ["sitemap-1.xml", "sitemap.xml"]
    index = valid_xml(SITEINDEX, directory / "sitemap.xml")
    assert index.xpath("s:sitemap/s:loc/text()", namespaces=NS) == [
        "https://news.example.com/sitemaps/sitemap-1.xml"
    ]
    urls = valid_xml(SITEMAP, directory / "sitemap-1.xml")
    expected = [SITE.url_for(corpus[key]) for key in PUBLIC]
    assert urls.xpath("s:url/s:loc/text()", namespaces=NS) == expected
    assert "https://news.example.com/zh-Hans/" in expected[-1]


def test_sitemaps_replace_the_files_of_an_earlier_run(store, corpus, tmp_path):
    directory = tmp_path / "site"
    directory.mkdir()
    for stale in ("sitemap-7.xml", "sitemap.xml"):
        (directory / stale).write_text("stale", encoding="utf-8")
    (directory / "news-sitemap-1.xml").write_text("another sitemap's", encoding="utf-8")
    (directory / "robots.txt").write_text("Sitemap: ...", encoding="utf-8")
    run(store, "sitemap", directory)
    names = sorted(p.name for p in directory.iterdir())
    assert names == ["news-sitemap-1.xml", "robots.txt", "sitemap-1.xml", "sitemap.xml"]
    valid_xml(SITEINDEX, directory / "sitemap.xml")
    assert (directory / "news-sitemap-1.xml").read_text(encoding="utf-8") == "another sitemap's"


def test_the_news_sitemap_lists_the_last_two_days(store, corpus, tmp_path, news_schema):
    directory = tmp_path / "news"
    result = run(store, "news-sitemap", directory)
    assert [p.name for p in result.paths] == ["news-sitemap-1.xml", "news-sitemap.xml"]
    root = valid_xml(news_schema, directory / "news-sitemap-1.xml")
    valid_xml(SITEINDEX, directory / "news-sitemap.xml")
    recent = [corpus[key] for key in ("italian", "sample")]  # "older" is 3 days old
    assert root.xpath("s:url/s:loc/text()", namespaces=NS) == [SITE.url_for(a) for a in recent]
    assert root.xpath("s:url/n:news/n:title/text()", namespaces=NS) == [a.headline for a in recent]
    assert root.xpath("s:url/n:news/n:publication/n:language/text()", namespaces=NS) == [
        "it",
        "en",
    ]
    # A tag filter reads whole articles instead of the light entries: the same sitemap.
    tagged = run(store, "news-sitemap", tmp_path / "tagged", filters=ExportFilter(tag="korea"))
    assert tagged.count == 2
    assert (tmp_path / "tagged" / "news-sitemap-1.xml").read_bytes() == (
        directory / "news-sitemap-1.xml"
    ).read_bytes()
    later = ExportOptions(now=T0 + timedelta(days=4))
    assert run(store, "news-sitemap", directory, options=later).count == 0
    urls = etree.parse(str(directory / "news-sitemap-1.xml")).getroot()
    assert urls.xpath("s:url", namespaces=NS) == []


# -- print ------------------------------------------------------------------------------


def test_print_writes_text_pages_and_one_html_page(store, corpus, tmp_path):
    path = tmp_path / "print.txt"
    result = run(store, "print", path, filters=ExportFilter(public=True))
    articles = listing(store, public=True)
    assert result.count == len(articles)
    text = path.read_text(encoding="utf-8")
    assert text == "\f\n".join(to_text(a, site=SITE) for a in articles)
    assert text.count("\f") == len(articles) - 1
    out = io.BytesIO()
    options = ExportOptions(html=True)
    run(store, "print", out, filters=ExportFilter(slug=corpus["chinese"].slug, locale="zh-Hans"),
        options=options)  # fmt: skip
    with store.session(readonly=True) as uow:
        chinese = uow.articles.get(corpus["chinese"].id)
    assert out.getvalue().decode() == to_print_html(chinese, site=SITE)
    assert '<html lang="zh-Hans"' in out.getvalue().decode()


# -- what the service refuses -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "filters", "options", "field"),
    [
        ("yaml", ExportFilter(), ExportOptions(), "format"),
        ("rss", ExportFilter(slug="x"), ExportOptions(), "slug"),
        ("sitemap", ExportFilter(slug="x"), ExportOptions(), "slug"),
        ("json", ExportFilter(slug="x", tag="korea"), ExportOptions(), "slug"),
        ("print", ExportFilter(), ExportOptions(html=True), "slug"),
        ("sitemap", ExportFilter(status="draft"), ExportOptions(), "status"),
        ("news-sitemap", ExportFilter(public=False), ExportOptions(), "status"),
        ("json", ExportFilter(limit=0), ExportOptions(), "limit"),
        ("json", ExportFilter(status="lost"), ExportOptions(), "status"),
        ("json", ExportFilter(locale="no such locale"), ExportOptions(), "locale"),
    ],
)
def test_bad_requests_are_refused_with_the_field_named(
    store, corpus, tmp_path, name, filters, options, field
):
    target = tmp_path / "out"
    with pytest.raises(ValidationError) as caught:
        run(store, name, target, filters=filters, options=options)
    assert caught.value.field == field
    assert not target.exists()


@pytest.mark.parametrize("name", ["jsonld", "rss", "atom", "sitemap", "news-sitemap"])
def test_formats_that_link_need_a_site(store, corpus, tmp_path, name):
    with pytest.raises(ValidationError) as caught:
        export(store, name, tmp_path / "out")
    assert caught.value.field == "site"
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind


def test_json_ninjs_and_print_need_no_site(store, corpus):
    for name in ("json", "ninjs", "print"):
        assert export(store, name, io.BytesIO(), filters=ExportFilter(public=True)).count == 4


def test_unknown_slugs_and_tags_are_not_found(store, corpus, tmp_path):
    with pytest.raises(NotFoundError):
        run(store, "json", tmp_path / "a.json", filters=ExportFilter(slug="no-such-story"))
    with pytest.raises(NotFoundError):
        run(store, "rss", tmp_path / "a.rss", filters=ExportFilter(tag="no-such-tag"))
    # Drafts are not found when only what the public sees is asked for.
    with pytest.raises(NotFoundError):
        run(store, "json", io.BytesIO(), filters=ExportFilter(slug="unfinished", public=True))
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_previous_file_untouched(store, corpus, tmp_path):
    path = tmp_path / "feed.rss"
    run(store, "rss", path)
    before = path.read_bytes()
    with pytest.raises(NotFoundError):
        run(store, "rss", path, filters=ExportFilter(tag="no-such-tag"))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["feed.rss"]  # no scratch file either


def test_unwritable_destinations_are_refused(store, corpus, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        run(store, "rss", blocker / "feed.rss")
    assert caught.value.field == "output"
    with pytest.raises(ValidationError) as caught:
        run(store, "sitemap", blocker)
    assert caught.value.field == "output"
    with pytest.raises(ValidationError) as caught:
        run(store, "sitemap", io.BytesIO())
    assert caught.value.field == "output"


def test_progress_is_told_how_many_articles_went_by(store, corpus, tmp_path):
    seen: list[int] = []
    run(store, "json", io.BytesIO(), progress=seen.append)
    assert seen == [len(corpus)]
    seen.clear()
    run(store, "news-sitemap", tmp_path, progress=seen.append)
    assert seen == [2]


def test_every_format_is_exported_by_the_same_call(store, corpus, tmp_path):
    for name, spec in FORMATS.items():
        target = tmp_path / name
        filters = ExportFilter(slug=corpus["sample"].slug) if spec.single else ExportFilter()
        result = run(store, name, target, filters=filters)
        assert result.paths and all(path.is_file() for path in result.paths)
        assert result.count >= 1


# -- the demo ---------------------------------------------------------------------------


def test_the_demo_outputs_of_the_examples(store, tmp_path, news_schema):
    examples = ROOT / "examples"
    report = import_paths(store, [examples / "legacy"], source_root=examples)
    assert report.ok
    written = write_demo_outputs(store, tmp_path / "demo-output")
    names = [path.name for path in written]
    assert names == [
        "feed.rss",
        "feed.atom",
        "sitemap-1.xml",
        "sitemap.xml",
        "news-sitemap-1.xml",
        "news-sitemap.xml",
        f"{SAMPLE_SLUG}.json",
        f"{SAMPLE_SLUG}.ninjs.json",
        f"{SAMPLE_SLUG}.jsonld",
        f"{SAMPLE_SLUG}.txt",
        f"{SAMPLE_SLUG}.html",
    ]
    assert all(path.is_file() and path.parent == tmp_path / "demo-output" for path in written)
    by_name = dict(zip(names, written, strict=True))
    for feed in ("feed.rss", "feed.atom"):
        parsed = feedparser.parse(by_name[feed].read_bytes())
        assert parsed.bozo == 0
        assert len(parsed.entries) == 11
    valid_xml(ATOM, by_name["feed.atom"])
    valid_xml(SITEINDEX, by_name["sitemap.xml"])
    assert len(valid_xml(SITEMAP, by_name["sitemap-1.xml"])) == 11
    # The examples are years old: the news sitemap is the one of the newest article's day.
    news = valid_xml(news_schema, by_name["news-sitemap-1.xml"])
    assert len(news) >= 1
    item = json.loads(by_name[f"{SAMPLE_SLUG}.ninjs.json"].read_text(encoding="utf-8"))
    assert errors(NINJS["2.2"], item) == []
    assert item["headlines"][0]["value"].startswith('Beijing "does not want')
    assert [p["name"] for p in item["places"]] == ["KOREA", "CHINA"]
    document = json.loads(by_name[f"{SAMPLE_SLUG}.jsonld"].read_text(encoding="utf-8"))
    assert document["@type"] == "NewsArticle"
    assert document["url"].startswith("https://www.asianews.it/news-en/")
    assert errors(ARTICLE, json.loads(by_name[f"{SAMPLE_SLUG}.json"].read_text("utf-8"))) == []
    text = by_name[f"{SAMPLE_SLUG}.txt"].read_text(encoding="utf-8")
    assert text.startswith("KOREA - CHINA\n\nBeijing")
    assert "June 14, 2012" in text
    html = by_name[f"{SAMPLE_SLUG}.html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en"' in html
    # Without a sample only the listings are written; a missing sample is not found.
    assert len(write_demo_outputs(store, tmp_path / "again", sample_slug=None)) == 6
    with pytest.raises(NotFoundError):
        write_demo_outputs(store, tmp_path / "third", sample_slug="no-such-story")
