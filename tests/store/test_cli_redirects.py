"""``newscms export redirects`` on every backend: the CSV and nginx maps, and their refusals."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from newscms.cli import cli
from newscms.domain import ArticleDraft, Status
from newscms.store import Store
from newscms.store.legacy_urls import REDIRECT_BATCH

pytestmark = pytest.mark.backends

BASE = "https://news.example.com"


@pytest.fixture
def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def legacy(engine) -> dict[str, str]:
    """Public and unpublished articles with legacy URLs; each URL's expected new URL."""
    store = Store(engine)
    now = datetime.now(UTC)
    try:
        with store.session() as uow:
            lead = uow.articles.create(
                ArticleDraft(
                    locale="en",
                    headline="Beijing does not want",
                    status=Status.PUBLISHED,
                    published_at=now - timedelta(hours=1),
                )
            )
            italian = uow.articles.create(
                ArticleDraft(locale="it", headline="Pechino non vuole", status=Status.PUBLISHED)
            )
            draft = uow.articles.create(ArticleDraft(locale="en", headline="Not yet"))
            assert not uow.legacy_urls.add_many(
                [
                    (lead.id, "http://www.asianews.it/news-en/Beijing-24963.html"),
                    (lead.id, '/news en/a "quoted" $name\'s;{x}.html'),
                    (lead.id, "/News.html"),
                    (italian.id, "/news.html"),
                    (italian.id, "news-it/Pechino-24963.html?print=1"),
                    (draft.id, "/draft.html"),
                ]
            )
    finally:
        store.dispose()
    return {
        "http://www.asianews.it/news-en/Beijing-24963.html": f"{BASE}/en/{lead.slug}",
        '/news en/a "quoted" $name\'s;{x}.html': f"{BASE}/en/{lead.slug}",
        "/News.html": f"{BASE}/en/{lead.slug}",
        "/news.html": f"{BASE}/it/{italian.slug}",
        "/news-it/Pechino-24963.html?print=1": f"{BASE}/it/{italian.slug}",
    }


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", url, "export", "redirects", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    # The bytes as written: CliRunner's text turns CSV's "\r\n" into "\n".
    return result.exit_code, result.stdout_bytes.decode(), result.stderr


def nginx_entries(text: str) -> dict[str, str]:
    """The map block's entries, each token unquoted as nginx reads a quoted string."""
    body = re.search(r"^map \$request_uri \$newscms_redirect \{\n(.*)^\}\n\Z", text, re.M | re.S)
    assert body is not None, text
    token = r'"((?:[^"\\]|\\.)*)"'
    entries = {}
    for line in body.group(1).splitlines():
        found = re.fullmatch(rf"    {token} {token};", line)
        assert found is not None, line
        key, value = (re.sub(r"\\(.)", r"\1", part) for part in found.groups())
        entries[key] = value
    return entries


def test_the_csv_map_lists_every_public_articles_urls(url, legacy):
    code, out, err = run(url, "--base-url", BASE)
    assert code == 0, err
    assert err == ""
    assert out.startswith("legacy_url,new_url\r\n")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["legacy_url", "new_url"]
    assert dict(rows[1:]) == legacy  # as recorded: no draft, the relative one with its "/"
    assert len(rows) == len(legacy) + 1


def test_the_url_template_makes_the_new_urls(url, legacy, tmp_path):
    path = tmp_path / "redirects.csv"
    code, _, err = run(
        url, "--base-url", BASE, "--url-template", "{base_url}/{language}/{id}/{slug}.html",
        "-o", str(path),
    )  # fmt: skip
    assert code == 0, err
    assert err.strip() == f"wrote {len(legacy)} redirects to {path}"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert all(
        re.fullmatch(rf"{BASE}/(en|it)/[0-9a-f-]{{36}}/[a-z-]+\.html", new) for _, new in rows[1:]
    )


def test_the_nginx_map_matches_exactly_what_it_redirects(url, legacy, tmp_path):
    path = tmp_path / "redirects.map"
    code, _, err = run(url, "--base-url", BASE, "--format", "nginx", "-o", str(path))
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "if ($newscms_redirect) { return 301 $newscms_redirect; }" in text
    assert f"# {len(legacy)} legacy URLs" in text
    assert re.search(r"map_hash_bucket_size \d+;", text)
    entries = nginx_entries(text)
    lead, italian = legacy["/News.html"], legacy["/news.html"]
    assert entries == {
        "/news-en/Beijing-24963.html": lead,
        # The request URI as a browser sends it: no space, quote or brace unescaped.
        "/news%20en/a%20%22quoted%22%20$name's;%7Bx%7D.html": lead,
        # nginx matches map strings ignoring case: these two are exact expressions.
        r"~^\/News\.html$": lead,
        r"~^\/news\.html$": italian,
        "/news-it/Pechino-24963.html?print=1": italian,
    }


def test_a_dollar_in_a_new_url_is_escaped_for_nginx(url, legacy):
    code, out, err = run(
        url, "--base-url", BASE, "--url-template", "{base_url}/$/{slug}", "--format", "nginx"
    )
    assert code == 0, err
    values = set(nginx_entries(out).values())
    assert values and all("/%24/" in value and "$" not in value for value in values)


def test_an_empty_archive_has_an_empty_map(url):
    code, out, _ = run(url, "--base-url", BASE)
    assert (code, out) == (0, "legacy_url,new_url\r\n")
    code, out, _ = run(url, "--base-url", BASE, "--format", "nginx")
    assert code == 0
    assert nginx_entries(out) == {}


def test_a_long_map_streams_page_after_page(url, engine):
    store = Store(engine)
    try:
        with store.session() as uow:
            article = uow.articles.create(
                ArticleDraft(locale="en", headline="Archive", status=Status.PUBLISHED)
            )
            count = REDIRECT_BATCH * 2 + 5
            uow.legacy_urls.add_many([(article.id, f"/a/{n}.html") for n in range(count)])
    finally:
        store.dispose()
    code, out, _ = run(url, "--base-url", BASE)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert sorted(old for old, _ in rows) == sorted(f"/a/{n}.html" for n in range(count))
    code, out, _ = run(url, "--base-url", BASE, "--format", "nginx")
    assert len(nginx_entries(out)) == count


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ((), 1, "give --base-url"),
        (("--base-url", BASE, "--format", "apache"), 2, "'apache' is not one of"),
        (("--base-url", BASE, "--locale", "en"), 2, "drop --locale"),
        (("--base-url", BASE, "--tag", "korea"), 2, "drop --tag"),
        (("--base-url", BASE, "--all"), 2, "drop --public/--all"),
        (("--base-url", BASE, "--limit", "5"), 2, "drop --limit"),
        (("--base-url", "not a url"), 1, "absolute http(s) URL"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(url, legacy, args, code, says):
    exit_code, out, err = run(url, *args)
    assert exit_code == code
    assert out == ""
    assert says in err


def test_format_belongs_to_redirects_only(url, legacy, tmp_path):
    result = CliRunner().invoke(cli, ["--db", url, "export", "json", "--format", "csv"])
    assert result.exit_code == 2
    assert "--format is the format of FORMAT redirects" in result.stderr
    code, _, err = run(url, "--base-url", BASE, "-o", str(tmp_path))
    assert code == 1
    assert "is a directory" in err
    help_text = CliRunner().invoke(cli, ["--db", url, "export", "--help"]).stdout
    assert "redirects" in help_text
    assert "--format" in help_text
