"""The reference site (``newscms serve``) through FastAPI's test client.

Every page on SQLite: what it shows, where it links, redirects for former slugs and
other spellings, real 404 and problem pages, entity tags, escaping of hostile text,
template overrides. The listings (home, tag and search pages, whose queries differ by
backend) are walked page by page on the three backends.
"""

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from newscms import ArticleDraft, ArticlePatch, PersonPatch, Store
from newscms.integrations.site import create_app, reference_site

SQLITE = pytest.mark.parametrize("migrated_engine", ["sqlite"], indirect=True)
HTML = "text/html; charset=utf-8"
ROOT = "http://testserver/"


@pytest.fixture
def site_client(news) -> TestClient:  # type: ignore[no-untyped-def]
    site = reference_site(ROOT, name="AsiaNews", timezone="Europe/Rome")
    return TestClient(create_app(news.store, site=site, page_size=2))


def _page(client: TestClient, path: str, status: int = 200, **kwargs: Any) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == status, (path, response.text[:500])
    assert response.headers["content-type"] == HTML
    return response.text


def _links(html: str, css_class: str | None = None) -> list[str]:
    """The hrefs of the page, in order (only those of ``<a class=css_class>`` when given)."""
    if css_class is None:
        return [unescape(h) for h in re.findall(r'<a [^>]*href="([^"]*)"', html)]
    pattern = rf'<a class="{css_class}" href="([^"]*)"'
    return [unescape(h) for h in re.findall(pattern, html)]


def _headlines(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<h2><a href="[^"]*">(.*?)</a></h2>', html)]


def _next(html: str) -> str | None:
    found = re.search(r'<a rel="next" href="([^"]*)"', html)
    return unescape(found.group(1)).removeprefix(ROOT[:-1]) if found else None


def _walk(client: TestClient, path: str) -> list[list[str]]:
    """The headlines of every page of a listing, following its "older stories" links."""
    pages: list[list[str]] = []
    following: str | None = path
    while following is not None:
        html = _page(client, following)
        pages.append(_headlines(html))
        following = _next(html)
        assert len(pages) < 10
    return pages


# -- the listings, on every backend ---------------------------------------------------


def test_home_lists_public_stories_newest_first_a_page_at_a_time(site_client, news) -> None:  # type: ignore[no-untyped-def]
    pages = _walk(site_client, "/en/")
    assert [len(page) for page in pages] == [2, 2]
    headlines = [h for page in pages for h in page]
    assert headlines == [
        "Briefing number 3",
        "Briefing number 2",
        "Briefing number 1",
        "Beijing talks with Pyongyang",
    ]
    assert "Not yet" not in headlines  # the draft
    assert _page(site_client, "/it/").count('<li class="teaser">') == 1


def test_tag_and_region_pages_list_their_stories_a_page_at_a_time(site_client, news) -> None:  # type: ignore[no-untyped-def]
    pages = _walk(site_client, "/en/tags/nuclear-weapons")
    assert [h for page in pages for h in page][-1] == "Beijing talks with Pyongyang"
    assert [len(page) for page in pages] == [2, 2]
    region = _page(site_client, f"/en/regions/{news.region_slug}")
    assert "<h1>KOREA</h1>" in region
    assert '<p class="kind">Region</p>' in region
    assert _headlines(region) == ["Beijing talks with Pyongyang"]


def test_search_finds_public_stories_a_page_at_a_time(site_client, news) -> None:  # type: ignore[no-untyped-def]
    pages = _walk(site_client, "/en/search?q=briefing")
    found = sorted(re.sub("<[^>]+>", "", h) for page in pages for h in page)
    assert found == ["Briefing number 1", "Briefing number 2", "Briefing number 3"]
    html = _page(site_client, "/en/search?q=briefing")
    assert "<mark>" in html  # matches are marked
    assert "Search results for “briefing”" in html


# -- pages, on SQLite -----------------------------------------------------------------


@SQLITE
def test_root_redirects_to_the_default_edition(site_client) -> None:  # type: ignore[no-untyped-def]
    response = site_client.get("/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"{ROOT}en/"


@SQLITE
def test_article_page_shows_everything_the_legacy_page_did(site_client, news) -> None:  # type: ignore[no-untyped-def]
    url = f"{ROOT}en/{news.lead_slug}"
    html = _page(site_client, f"/en/{news.lead_slug}")
    assert '<html lang="en" dir="ltr">' in html
    assert "<h1>Beijing talks with Pyongyang</h1>" in html
    assert '<p class="byline">by Joseph Yun Li-sun</p>' in html
    assert re.search(r'<p class="date"><time datetime="[^"]+">\w+ \d+, \d{4}, ', html)
    assert f'<a href="{ROOT}en/regions/{news.region_slug}">KOREA</a>' in html
    assert f'<a href="{ROOT}en/tags/nuclear-weapons" rel="tag">Nuclear weapons</a>' in html
    assert '<p class="summary">China does not want to help North Korea&#39;s arms race.</p>' in html
    assert "<p>Seoul (AsiaNews) - A source in the ministry...</p>" in html  # the body, as HTML
    mailto = _links(html, "send")[0]
    assert mailto.startswith("mailto:?subject=Beijing%20talks%20with%20Pyongyang&body=")
    assert _links(html, "print") == [f"{url}/print"]
    assert f'<link rel="canonical" href="{url}">' in html
    assert (
        f'type="application/rss+xml" title="AsiaNews (RSS)" href="{ROOT}api/feeds/en/rss"' in html
    )
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    assert script is not None
    document = json.loads(script.group(1))
    assert (document["@type"], document["headline"], document["url"]) == (
        "NewsArticle", "Beijing talks with Pyongyang", url,
    )  # fmt: skip
    # The language switcher: the Italian version translates this one.
    italian = f"{ROOT}it/{news.translation_slug}"
    assert f'<a href="{italian}" hreflang="it" lang="it">Italiano</a>' in html
    assert f'<link rel="alternate" hreflang="it" href="{italian}">' in html
    back = _page(site_client, f"/it/{news.translation_slug}")
    assert f'<a href="{url}" hreflang="en" lang="en">English</a>' in back
    assert '<span aria-current="page" lang="it">Italiano</span>' in back
    assert "Invia ad un amico" in back  # the Italian edition's words
    assert "Versione stampabile" in back


@SQLITE
def test_see_also_lists_targets_with_their_dates(site_client, news) -> None:  # type: ignore[no-untyped-def]
    with news.store.session() as uow:
        uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Follow-up story",
                status="published",
                relations=[
                    {"target_id": news.lead},
                    {"pending": {"title": "Older story", "published_at": "2005-07-20T10:00:00Z"}},
                ],
            )
        )
    html = _page(site_client, "/en/follow-up-story")
    section = html[html.index('<section class="see-also">') :]
    assert "<h2>See also</h2>" in section
    assert f'<a href="{ROOT}en/{news.lead_slug}">Beijing talks with Pyongyang</a> <time>' in section
    assert "<li>Older story <time>July 20, 2005</time></li>" in section


@SQLITE
def test_printable_version(site_client, news) -> None:  # type: ignore[no-untyped-def]
    html = _page(site_client, f"/en/{news.lead_slug}/print")
    assert "<h1>Beijing talks with Pyongyang</h1>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert f'<link rel="canonical" href="{ROOT}en/{news.lead_slug}">' in html


@SQLITE
def test_former_slugs_and_other_spellings_redirect_permanently(site_client, news) -> None:  # type: ignore[no-untyped-def]
    for path, target in [
        (f"/en/{news.former_slug}", f"{ROOT}en/{news.lead_slug}"),
        (f"/EN/{news.lead_slug}", f"{ROOT}en/{news.lead_slug}"),
        (f"/en/{news.former_slug}/print", f"{ROOT}en/{news.lead_slug}/print"),
        ("/EN/", f"{ROOT}en/"),
        ("/EN/search?q=korea", f"{ROOT}en/search?q=korea"),
        (f"/en/tags/{news.region_slug}", f"{ROOT}en/regions/{news.region_slug}"),
    ]:
        response = site_client.get(path, follow_redirects=False)
        assert response.status_code == 301, path
        assert response.headers["location"] == target, path
    with news.store.session() as uow:
        uow.tags.set_name(news.region_id, "North Korea", locale="en")
    response = site_client.get(f"/en/regions/{news.region_slug}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"{ROOT}en/regions/north-korea"


@SQLITE
@pytest.mark.parametrize(
    "path",
    [
        "/en/no-such-story",
        "/en/no-such-story/print",
        "/xx-notalocale/",
        "/xx-notalocale/some-story",
        "/en/tags/no-such-tag",
        "/en/regions/nuclear-weapons",  # a topic, not a region
        "/en/a/b/c",
        "/favicon.ico",
    ],
)
def test_what_names_nothing_is_a_real_404_page(site_client, news, path: str) -> None:  # type: ignore[no-untyped-def]
    html = _page(site_client, path, status=404)
    assert "<h1>Page not found</h1>" in html


@SQLITE
def test_drafts_are_not_found_and_the_api_answers_json(site_client, news) -> None:  # type: ignore[no-untyped-def]
    assert "<h1>Page not found</h1>" in _page(site_client, "/en/not-yet", status=404)
    response = site_client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    problem = site_client.get("/api/articles/en/not-yet")
    assert (problem.status_code, problem.headers["content-type"]) == (
        404, "application/problem+json",
    )  # fmt: skip


@SQLITE
def test_bad_requests_are_problem_pages_and_write_nothing(site_client, news, snapshot) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    for path in [
        "/en/?cursor=forged",
        "/en/tags/nuclear-weapons?cursor=x",
        "/en/search?q=a&cursor=x",
    ]:
        html = _page(site_client, path, status=400)
        assert "<h1>Invalid cursor</h1>" in html
    html = _page(site_client, "/en/search?q=" + "x" * 600, status=400)
    assert "at most 500" in html or "too long" in html
    assert snapshot() == before


def test_an_unready_database_is_a_503_page_and_a_503_problem(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'empty.db'}")
    client = TestClient(create_app(store, site=reference_site(ROOT)))
    html = _page(client, "/en/", status=503)
    assert "<h1>Storage not ready</h1>" in html
    assert "newscms migrate" not in html  # what only an operator can fix stays in the log
    api = client.get("/api/articles")
    assert (api.status_code, api.headers["content-type"]) == (503, "application/problem+json")
    store.dispose()


@SQLITE
def test_article_pages_revalidate_with_their_entity_tag(site_client, news) -> None:  # type: ignore[no-untyped-def]
    path = f"/en/{news.lead_slug}"
    first = site_client.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = site_client.get(path, headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    head = site_client.head(path)
    assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", etag)
    with news.store.session() as uow:  # a tag rename changes the page, not the article's version
        uow.tags.set_name(news.region_id, "South and North Korea", locale="en")
    changed = site_client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "South and North Korea" in changed.text
    printable = site_client.get(f"{path}/print")
    assert printable.headers["etag"] not in (etag, changed.headers["etag"])
    assert (
        site_client.get(
            f"{path}/print", headers={"If-None-Match": printable.headers["etag"]}
        ).status_code
        == 304
    )


@SQLITE
def test_a_new_translation_changes_the_original_page(site_client, news) -> None:  # type: ignore[no-untyped-def]
    path = f"/en/{news.lead_slug}"
    etag = site_client.get(path).headers["etag"]
    with news.store.session() as uow:
        uow.articles.create(
            ArticleDraft(
                locale="es",
                headline="Pekín habla con Pyongyang",
                status="published",
                relations=[{"kind": "translation", "target_id": news.lead}],
            )
        )
    response = site_client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert 'hreflang="es" lang="es">Español</a>' in response.text


@SQLITE
def test_hostile_headlines_and_tags_are_shown_as_text(site_client, news) -> None:  # type: ignore[no-untyped-def]
    with news.store.session() as uow:
        hostile = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline='<script>alert("headline")</script> & "quotes"',
                summary="<img src=x onerror=alert(1)>",
                body="<p>ok</p><script>alert('body')</script>",
                byline=["<b>Mallory</b>"],
                status="published",
                tags=['<script>alert("tag")</script>', {"name": "</p><i>", "kind": "region"}],
            )
        )
    pages = [
        _page(site_client, f"/en/{hostile.slug}"),
        _page(site_client, "/en/"),
        _page(site_client, "/en/search?q=alert"),
        _page(site_client, "/en/search?q=%3Cscript%3Ealert(1)%3C/script%3E"),
    ]
    tag = next(t for t in hostile.tags if t.kind == "topic")
    pages.append(_page(site_client, f"/en/tags/{tag.slug}"))
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>Mallory" not in html
        assert "</p><i>" not in html
    article = pages[0]
    assert (
        "<h1>&lt;script&gt;alert(&#34;headline&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;</h1>"
        in article
    )
    assert "&lt;script&gt;alert(&#34;tag&#34;)&lt;/script&gt;</a>" in article
    assert "<p>ok</p>" in article  # the sanitized body is HTML
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', article, re.S)
    assert script is not None
    assert json.loads(script.group(1))["headline"] == hostile.headline
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[3]  # the query, echoed as text


@SQLITE
def test_a_person_has_a_page_of_their_stories_and_their_old_slugs_move_there(
    site_client, news
) -> None:  # type: ignore[no-untyped-def]
    with news.store.session() as uow:
        story = uow.articles.create(
            ArticleDraft(
                locale="en", headline="Rescue boats", status="published", byline=["Ann Lee"]
            )
        )
        person = uow.people.get(story.byline[0].id)
        uow.people.update(
            person.id, PersonPatch(expected_version=1, bio={"en": "<b>Reporter</b>."})
        )
    page = _page(site_client, "/en/people/ann-lee")
    assert "<h1>Ann Lee</h1>" in page
    assert '<p class="bio">&lt;b&gt;Reporter&lt;/b&gt;.</p>' in page
    assert _headlines(page) == ["Rescue boats"]
    article = _page(site_client, f"/en/{story.slug}")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', article, re.S)
    assert script is not None
    assert json.loads(script.group(1))["author"] == [
        {"@type": "Person", "name": "Ann Lee", "url": f"{ROOT}en/people/ann-lee"}
    ]
    with news.store.session() as uow:
        uow.people.update(person.id, PersonPatch(expected_version=2, name="Ann Lee-Park"))
    moved = site_client.get("/en/people/ann-lee", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (301, f"{ROOT}en/people/ann-lee-park")
    _page(site_client, "/en/people/nobody", status=404)


@SQLITE
def test_a_lead_image_shows_with_its_caption_credit_and_sizes(site_client, news) -> None:  # type: ignore[no-untyped-def]
    base = "https://cdn.example.com/2026/flood"
    picture = {
        "url": f"{base}.jpg",
        "width": 1600,
        "height": 900,
        "alt": {"en": 'Rescuers & "boats"'},
        "caption": {"en": "<script>alert('caption')</script> Water in the streets."},
        "credit": "Photo: AFP",
        "renditions": [
            {"name": "w640", "url": f"{base}-w640.jpg", "width": 640, "height": 360},
            {"name": "1x1", "url": f"{base}-1x1.jpg", "width": 900, "height": 900},
        ],
    }
    with news.store.session() as uow:
        story = uow.articles.create(
            ArticleDraft(
                locale="en", headline="Floods", status="published", media=[{"media": picture}]
            )
        )
    article = _page(site_client, f"/en/{story.slug}")
    figure = re.search(r'<figure class="lead-image">(.*?)</figure>', article, re.S)
    assert figure is not None
    assert f'src="{base}.jpg" alt="Rescuers &amp; &#34;boats&#34;" width="1600" height="900"' in (
        figure.group(1)
    )
    assert f'srcset="{base}-w640.jpg 640w, {base}.jpg 1600w"' in figure.group(1)  # no 1x1 crop
    assert "&lt;script&gt;alert(&#39;caption&#39;)&lt;/script&gt; Water" in figure.group(1)
    assert '<span class="credit">Photo: AFP</span>' in figure.group(1)
    home = _page(site_client, "/en/")
    assert f'<figure class="teaser-image">\n<img src="{base}.jpg"' in home


@SQLITE
def test_feeds_sitemaps_and_robots_point_at_the_site_pages(site_client, news) -> None:  # type: ignore[no-untyped-def]
    rss = site_client.get("/api/feeds/en/rss")
    assert rss.status_code == 200
    assert f"<link>{ROOT}en/{news.lead_slug}</link>" in rss.text
    atom = site_client.get("/api/feeds/en/atom")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    sitemap = site_client.get("/api/sitemap.xml")
    assert f"<loc>{ROOT}en/{news.lead_slug}</loc>" in sitemap.text
    robots = site_client.get("/robots.txt")
    assert f"Sitemap: {ROOT}api/sitemap.xml" in robots.text
    css = site_client.get("/static/site.css")
    assert (css.status_code, css.headers["content-type"].split(";")[0]) == (200, "text/css")


@SQLITE
def test_templates_can_be_replaced_one_by_one(news, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "home.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1 class="mine">{{ words.latest }}: '
        "{{ teasers | length }}</h1>{% endblock %}",
        encoding="utf-8",
    )
    app: FastAPI = create_app(news.store, site=reference_site(ROOT), templates=tmp_path)
    client = TestClient(app)
    assert '<h1 class="mine">Latest news: 4</h1>' in _page(client, "/en/")
    assert "<h1>Beijing talks with Pyongyang</h1>" in _page(client, f"/en/{news.lead_slug}")
    with pytest.raises(Exception, match="no template directory"):
        create_app(news.store, site=reference_site(ROOT), templates=tmp_path / "missing")


@SQLITE
def test_a_page_updates_when_its_article_does(site_client, news) -> None:  # type: ignore[no-untyped-def]
    with news.store.session() as uow:
        lead = uow.articles.get(news.lead)
        uow.articles.update(lead.id, ArticlePatch(expected_version=lead.version, headline="New"))
    assert "<h1>New</h1>" in _page(site_client, f"/en/{news.lead_slug}")
