"""``newscms export`` on every backend: formats to stdout, files and directories; errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree

from newscms.cli import cli
from newscms.domain import Article, ArticleDraft, Status
from newscms.formats.sitemaps import SITEMAP_NS
from newscms.services.exporting import FORMATS
from newscms.store import Store

pytestmark = pytest.mark.backends

BASE = "https://news.example.com"
NS = {"s": SITEMAP_NS}


@pytest.fixture
def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def stories(engine) -> list[Article]:
    """Two public articles (newest first) and a draft, dated by the real clock the CLI reads."""
    store = Store(engine)
    now = datetime.now(UTC)
    try:
        with store.session() as uow:
            return [
                uow.articles.create(
                    ArticleDraft(
                        locale="en",
                        headline="Kaesong closure hits families",
                        summary="Workers fear for their jobs.",
                        body="<p>The complex closed.</p>",
                        status=Status.PUBLISHED,
                        published_at=now - timedelta(hours=1),
                        tags=[{"kind": "region", "name": "KOREA"}],
                    )
                ),
                uow.articles.create(
                    ArticleDraft(
                        locale="it",
                        headline="Il papa e i vescovi indiani",
                        status=Status.PUBLISHED,
                        published_at=datetime(2013, 2, 15, 9, 0, tzinfo=UTC),
                    )
                ),
                uow.articles.create(ArticleDraft(locale="en", headline="Unfinished draft")),
            ]
    finally:
        store.dispose()


def run(url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", url, "export", *args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_a_feed_goes_to_stdout_and_nothing_else_does(url, stories):
    code, out, err = run(url, "rss", "--base-url", BASE + "/")
    assert code == 0, err
    assert err == ""
    feed = feedparser.parse(out.encode())
    assert feed.bozo == 0
    assert [e.id for e in feed.entries] == [stories[0].id.urn, stories[1].id.urn]
    assert feed.entries[0].link == f"{BASE}/en/{stories[0].slug}"
    assert feed.feed.title == "news.example.com"  # the host name, without --site-name


def test_files_and_options_reach_the_formats(url, stories, tmp_path):
    path = tmp_path / "feeds" / "korea.atom"
    code, _, err = run(
        url, "atom", "-o", str(path), "--base-url", BASE, "--site-name", "Example News",
        "--tag", "korea", "--kind", "region", "--full-content", "--title", "Korea",
        "--feed-url", f"{BASE}/korea.atom", "--timezone", "Asia/Seoul",
    )  # fmt: skip
    assert code == 0, err
    assert err.strip() == f"wrote 1 article to {path}"
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0
    assert feed.feed.title == "Korea"
    assert [e.id for e in feed.entries] == [stories[0].id.urn]
    assert feed.entries[0].content[0].value == "<p>The complex closed.</p>"
    assert feed.entries[0].published.endswith("+09:00")


def test_json_and_ninjs_with_the_listing_filters(url, stories):
    code, out, _ = run(url, "json", "--all")
    assert code == 0
    assert len(json.loads(out)["items"]) == 3
    code, out, _ = run(url, "json", "--status", "draft")
    assert [item["slug"] for item in json.loads(out)["items"]] == [stories[2].slug]
    code, out, _ = run(url, "json", "--public", "--locale", "it", "--limit", "5")
    assert [item["slug"] for item in json.loads(out)["items"]] == [stories[1].slug]
    code, out, _ = run(url, "ninjs", "--public", "--limit", "1", "--ninjs-version", "2.1")
    items = json.loads(out)
    assert [item["uri"] for item in items] == [stories[0].id.urn]
    assert items[0]["standard"]["version"] == "2.1"
    assert "altids" not in items[0] or all(a["role"] != "canonical-url" for a in items[0]["altids"])


def test_one_article_by_slug(url, stories, tmp_path):
    story = stories[0]
    code, out, _ = run(url, "json", "--slug", story.slug)
    assert code == 0
    assert json.loads(out)["id"] == str(story.id)
    code, out, _ = run(url, "jsonld", "--slug", story.slug, "--base-url", BASE)
    assert json.loads(out)["url"] == f"{BASE}/en/{story.slug}"
    code, out, _ = run(url, "print", "--slug", story.slug, "--base-url", BASE)
    assert out.startswith("KOREA\n\nKaesong closure hits families\n")
    assert out.rstrip().endswith(f"{BASE}/en/{story.slug}")
    page = tmp_path / "print.html"
    code, _, err = run(url, "print", "--html", "--slug", story.slug, "-o", str(page))
    assert code == 0, err
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out, _ = run(url, "print", "--slug", stories[1].slug, "--locale", "it")
    assert "Il papa e i vescovi indiani" in out


def test_sitemaps_write_a_directory(url, stories, tmp_path):
    directory = tmp_path / "sitemaps"
    code, _, err = run(
        url, "sitemap", "-o", str(directory), "--base-url", BASE,
        "--files-url", f"{BASE}/sitemaps/", "--url-template", "{base_url}/{year}/{month}/{slug}",
    )  # fmt: skip
    assert code == 0, err
    assert err.strip() == f"wrote 2 URLs to 2 files in {directory}"
    index = etree.parse(str(directory / "sitemap.xml")).getroot()
    assert index.xpath("s:sitemap/s:loc/text()", namespaces=NS) == [
        f"{BASE}/sitemaps/sitemap-1.xml"
    ]
    urls = etree.parse(str(directory / "sitemap-1.xml")).getroot()
    assert urls.xpath("s:url/s:loc/text()", namespaces=NS)[1] == (
        f"{BASE}/2013/02/{stories[1].slug}"
    )
    code, _, err = run(url, "news-sitemap", "-o", str(directory), env={"NEWSCMS_BASE_URL": BASE})
    assert code == 0, err
    news = etree.parse(str(directory / "news-sitemap-1.xml")).getroot()
    assert len(news) == 1  # only the article of the last two days
    assert sorted(p.name for p in directory.iterdir()) == [
        "news-sitemap-1.xml",
        "news-sitemap.xml",
        "sitemap-1.xml",
        "sitemap.xml",
    ]


def test_progress_on_a_terminal_never_reaches_stdout(url, stories):
    code, out, err = run(url, "rss", "--base-url", BASE, env={"FORCE_COLOR": "1"})
    assert code == 0
    assert "exporting: 2 articles" in err  # rich's live line, on stderr only
    assert feedparser.parse(out.encode()).bozo == 0
    assert out.startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sitemap", "--base-url", BASE], "error: sitemap writes a directory of files"),
        (["rss"], "error: site: the rss format links to the articles"),
        (["json", "--slug", "no-such-story"], "error: no article with slug 'no-such-story'"),
        (["rss", "--base-url", BASE, "--tag", "nowhere"], "error: no tag with slug 'nowhere'"),
        (["rss", "--base-url", BASE, "--slug", "x"], "error: slug: the rss format lists"),
        (["print", "--html"], "error: slug: the print HTML page holds one article"),
        (["rss", "--base-url", "ftp://x.org"], "error: base_url: 'ftp://x.org' is not"),
        (
            ["rss", "--base-url", BASE, "--url-template", "{base_url}/{title}"],
            "error: article_url: {title} is not a placeholder",
        ),
        (["rss", "--base-url", BASE, "--timezone", "Mars/Olympus"], "error: timezone:"),
        (["json", "--locale", "not a locale"], "error: locale:"),
    ],
    ids=lambda value: value if isinstance(value, str) else " ".join(value),
)
def test_errors_are_one_line_on_stderr_with_status_1(url, stories, tmp_path, args, message):
    code, out, err = run(url, *args)
    assert code == 1
    assert out == ""
    assert err.startswith(message), err
    assert err.count("\n") == 1  # one line, no traceback


def test_unknown_formats_are_a_usage_error(url):
    result = CliRunner().invoke(cli, ["--db", url, "export", "yaml"])
    assert result.exit_code == 2
    assert "'yaml' is not one of" in result.stderr
    help_text = CliRunner().invoke(cli, ["--db", url, "export", "--help"]).stdout
    for name in FORMATS:
        assert name in help_text
    assert "{base_url}/{locale}/{slug}" in help_text


def test_an_export_into_a_file_keeps_the_old_one_on_failure(url, stories, tmp_path: Path):
    path = tmp_path / "feed.rss"
    assert run(url, "rss", "--base-url", BASE, "-o", str(path))[0] == 0
    before = path.read_bytes()
    code, _, err = run(url, "rss", "--base-url", BASE, "-o", str(path), "--tag", "nowhere")
    assert code == 1
    assert err.startswith("error: no tag")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["feed.rss"]
