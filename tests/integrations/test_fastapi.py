"""The FastAPI adapter against a real FastAPI app and the real databases.

Every read and write route through FastAPI's test client, conditional requests and
redirects, problem+json with field detail, refusals that leave the data untouched, the
write unit committed before the response, and no connection left checked out by a
streamed body, even when the client goes away.
"""

import json
from datetime import timedelta
from typing import Annotated, Any
from xml.etree import ElementTree

import anyio
import feedparser
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from starlette.requests import ClientDisconnect

from newscms import ArticleDraft, ArticlePatch
from newscms.errors import RetryableError
from newscms.integrations.fastapi import NewsCMS
from newscms.store import UnitOfWork

PROBLEM = "application/problem+json"


@pytest.fixture
def cms(news, site) -> NewsCMS:  # type: ignore[no-untyped-def]
    return NewsCMS(news.store, site=site, page_size=2)


@pytest.fixture
def app(cms: NewsCMS) -> FastAPI:
    app = FastAPI()
    cms.install(app)
    app.include_router(cms.read_router(), prefix="/api")
    app.include_router(cms.write_router(), prefix="/api")

    @app.get("/my/{slug}")
    def mine(slug: str, uow: Annotated[UnitOfWork, Depends(cms.reader)]) -> dict[str, str]:
        return {"headline": uow.articles.get_by_slug("en", slug, public=True).headline}

    @app.post("/my", status_code=201)
    def create(uow: Annotated[UnitOfWork, Depends(cms.unit)]) -> dict[str, str]:
        return {"id": str(uow.articles.create(ArticleDraft(locale="en", headline="Mine")).id)}

    @app.get("/count")
    def count(n: int) -> dict[str, int]:
        return {"n": n}

    return app


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


# -- reads -------------------------------------------------------------------------------


def test_article_routes_answer_with_validators_and_304(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    base = f"/api/articles/en/{news.lead_slug}"
    for path, media in [
        (base, "application/json"),
        (f"{base}/ninjs", "application/json"),
        (f"{base}/jsonld", "application/ld+json"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == media
        etag = response.headers["etag"]
        assert not etag.startswith("W/")  # strong: functions of the article and site
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        since = response.headers["last-modified"]
        assert client.get(path, headers={"If-Modified-Since": since}).status_code == 304
        head = client.head(path)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["etag"] == etag
        assert head.headers["content-length"] == str(len(response.content))
    article = client.get(base).json()
    assert article["id"] == str(news.lead)
    assert article["published_at"].endswith("+00:00")
    assert client.get(f"{base}/jsonld").json()["@type"] == "NewsArticle"


def test_an_expiring_article_is_never_cached_past_its_expiry_then_is_gone(
    news, site, clock
) -> None:  # type: ignore[no-untyped-def]
    cms = NewsCMS(news.store, site=site, cache_control="public, max-age=300, s-maxage=600")
    app = FastAPI()
    cms.install(app)
    app.include_router(cms.read_router(), prefix="/api")
    client = TestClient(app)
    with news.store.session() as uow:
        lead = uow.articles.get(news.lead)
        uow.articles.update(
            lead.id,
            ArticlePatch(
                expected_version=lead.version, expires_at=clock.now + timedelta(seconds=90)
            ),
        )
    path = f"/api/articles/en/{lead.slug}"
    for suffix in ("", "/ninjs", "/jsonld"):
        response = client.get(path + suffix)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "public, max-age=90, s-maxage=90"
    other = client.get("/api/articles")
    assert other.headers["cache-control"] == "public, max-age=300, s-maxage=600"
    clock.advance(seconds=90)
    assert client.get(path).status_code == 404


def test_a_former_slug_or_other_spelling_is_a_301_to_the_current_address(
    client: TestClient, news
) -> None:  # type: ignore[no-untyped-def]
    current = f"http://testserver/api/articles/en/{news.lead_slug}"
    for path, target in [
        (f"/api/articles/en/{news.former_slug}?x=1", f"{current}?x=1"),
        (f"/api/articles/EN/{news.lead_slug}", current),
        (f"/api/articles/en/{news.former_slug}/ninjs", f"{current}/ninjs"),
        (f"/api/articles/en/{news.former_slug.upper()}/jsonld", f"{current}/jsonld"),
    ]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 301, path
        assert response.headers["location"] == target
    assert client.get(f"/api/articles/en/{news.former_slug}").url == current


def test_what_the_path_names_nothing_is_a_404(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    for path in [
        f"/api/articles/xx-!!/{news.lead_slug}",
        "/api/articles/en/no-such-article",
        "/api/articles/en/not-yet",  # the draft
        "/api/tags/xx-!!/korea",
        "/api/tags/en/no-such-tag",
        "/api/feeds/not a locale/rss",
        "/api/feeds/xx-!!/atom",
    ]:
        body = _problem(client.get(path), 404)
        assert body["type"] == "urn:newscms:problem:not-found", path
    body = _problem(client.get(f"/api/articles/xx-!!/{news.lead_slug}"), 404)
    assert [error["field"] for error in body["errors"]] == ["locale"]


def test_a_slug_of_another_edition_falls_back_to_it_by_a_redirect(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    """it -> en is the store's fallback chain: the English article's own URL answers."""
    response = client.get(f"/api/articles/it/{news.lead_slug}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"].endswith(f"/api/articles/en/{news.lead_slug}")


def test_listing_pages_are_teasers_linked_by_next(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/api/articles?locale=en&limit=3&utm=feed")
    assert first.status_code == 200
    page = first.json()
    assert len(page["items"]) == 3
    assert "body" not in page["items"][0]
    assert set(page["items"][0]) == {
        "id", "locale", "slug", "headline", "subheadline", "summary", "published_at",
        "updated_at", "tags", "url",
    }  # fmt: skip
    following = page["next"]
    assert first.headers["link"] == f'<{following}>; rel="next"'
    assert "locale=en" in following
    assert "limit=3" in following
    assert "utm=feed" in following
    second = client.get(following).json()
    assert second["next"] is None
    seen = [item["id"] for item in page["items"] + second["items"]]
    assert len(set(seen)) == news.public_en
    assert str(news.draft) not in seen
    etag = first.headers["etag"]
    assert etag.startswith("W/")
    again = client.get("/api/articles?locale=en&limit=3&utm=feed", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    italian = client.get("/api/articles?locale=it").json()["items"]
    assert [item["id"] for item in italian] == [str(news.translation)]


def test_tag_page_and_search(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/tags/en/{news.region_slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["tag"]["id"] == str(news.region_id)
    assert [item["id"] for item in body["items"]] == [str(news.lead)]
    etag = response.headers["etag"]
    assert (
        client.get(f"/api/tags/en/{news.region_slug}", headers={"If-None-Match": etag}).status_code
        == 304
    )
    moved = client.get(f"/api/tags/en/{news.region_slug.upper()}", follow_redirects=False)
    assert moved.status_code == 301
    hits = client.get("/api/search?q=pyongyang&locale=en").json()
    assert [hit["article"]["id"] for hit in hits["items"]] == [str(news.lead)]
    assert "<mark>" in hits["items"][0]["headline"]
    paged = client.get("/api/search?q=briefing&limit=2")
    assert len(paged.json()["items"]) == 2
    assert "q=briefing" in paged.json()["next"]
    assert paged.headers["link"].endswith('rel="next"')


def test_bad_query_values_are_400_or_422_problems(client: TestClient) -> None:
    for path, status, field in [
        ("/api/articles?limit=abc", 422, "limit"),
        ("/api/articles?limit=0", 422, "limit"),
        ("/api/articles?limit=201", 422, "limit"),
        ("/api/articles?limit=" + "9" * 5000, 422, "limit"),
        ("/api/articles?locale=xx-!!", 422, "locale"),
        ("/api/articles?tag=not-an-id", 422, "tag"),
        ("/api/articles?cursor=forged", 400, None),
        ("/api/search?q=", 400, None),
        ("/api/search", 400, None),
        ("/api/search?q=x&cursor=forged", 400, None),
        ("/count?n=many", 422, "n"),
    ]:
        body = _problem(client.get(path), status)
        if field is not None:
            assert [error["field"] for error in body["errors"]] == [field], path


def test_feeds_stream_and_parse(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    for kind, media in [("rss", "application/rss+xml"), ("atom", "application/atom+xml")]:
        with client.stream("GET", f"/api/feeds/en/{kind}") as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == media
            assert "content-length" not in response.headers  # streamed
            data = b"".join(response.iter_bytes())
            etag = response.headers["etag"]
        feed = feedparser.parse(data)
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == news.public_en
        assert feed.entries[-1].title == "Beijing talks with Pyongyang"
        assert (
            client.get(f"/api/feeds/en/{kind}", headers={"If-None-Match": etag}).status_code == 304
        )
        assert client.head(f"/api/feeds/en/{kind}").content == b""
    empty = client.get("/api/feeds/zh/atom")
    assert empty.status_code == 200
    assert feedparser.parse(empty.content).entries == []
    assert client.get("/api/feeds/EN/rss", follow_redirects=False).status_code == 301
    assert news.store.engine.pool.checkedout() == 0


def test_sitemaps_stream_and_release_their_connection(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for path, count in [
        ("/api/sitemap.xml", news.public_en + 1),
        ("/api/news-sitemap.xml", news.public_en + 1),
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/xml"
        urls = ElementTree.fromstring(response.content).findall("s:url", namespace)
        assert len(urls) == count
        assert news.store.engine.pool.checkedout() == 0


def test_a_client_that_goes_away_mid_stream_leaves_no_connection_out(app: FastAPI, news) -> None:  # type: ignore[no-untyped-def]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            raise OSError("connection reset by peer")
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": "/api/sitemap.xml",
        "raw_path": b"/api/sitemap.xml",
        "root_path": "", "query_string": b"", "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1234), "server": ("testserver", 80),
    }  # fmt: skip

    async def run() -> None:
        with pytest.raises(ClientDisconnect):
            await app(scope, receive, send)

    anyio.run(run)
    assert sent[0]["status"] == 200
    assert news.store.engine.pool.checkedout() == 0


def test_custom_routes_use_the_dependencies(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/my/{news.lead_slug}").json() == {
        "headline": "Beijing talks with Pyongyang"
    }
    _problem(client.get("/my/nothing-here"), 404)
    created = client.post("/my")
    assert created.status_code == 201
    with news.store.session(readonly=True) as uow:
        assert uow.articles.get(created.json()["id"]).headline == "Mine"
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/articles/{locale}/{slug}"]["get"]
    assert [parameter["name"] for parameter in operation["parameters"]] == ["locale", "slug"]
    assert "head" not in schema["paths"]["/api/articles/{locale}/{slug}"]


# -- writes ------------------------------------------------------------------------------


def test_create_read_update_publish_delete(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    created = client.post("/api/articles", json={"locale": "en", "headline": "Fresh news"})
    assert created.status_code == 201
    location = created.headers["location"]
    assert location == f"http://testserver/api/articles/{created.json()['id']}"
    etag = created.headers["etag"]
    assert client.get(location).headers["etag"] == etag
    assert client.get(location, headers={"If-None-Match": etag}).status_code == 304
    assert "link" not in created.headers  # a draft has no public page
    updated = client.patch(location, json={"summary": "In short."}, headers={"If-Match": etag})
    assert updated.status_code == 200
    assert updated.json()["summary"] == "In short."
    assert updated.json()["version"] == 2
    published = client.post(f"{location}/publish", headers={"If-Match": updated.headers["etag"]})
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.headers["link"] == '<https://www.asianews.it/en/fresh-news>; rel="alternate"'
    assert client.get("/api/articles/en/fresh-news").status_code == 200
    assert client.delete(location, headers={"If-Match": etag}).status_code == 412
    gone = client.delete(location, headers={"If-Match": published.headers["etag"]})
    assert gone.status_code == 204
    _problem(client.get(location), 404)
    _problem(client.patch(location, json={"summary": "x", "expected_version": 1}), 404)
    _problem(client.patch("/api/articles/not-an-id", json={"summary": "x"}), 404)


def test_refused_writes_leave_the_data_untouched(client: TestClient, news, snapshot) -> None:  # type: ignore[no-untyped-def]
    location = f"/api/articles/{news.lead}"
    etag = client.get(location).headers["etag"]
    before = snapshot()
    stale = '"00000000000000000000000000000000"'
    _problem(client.patch(location, json={"summary": "x"}, headers={"If-Match": stale}), 412)
    _problem(client.patch(location, json={"summary": "x"}, headers={"If-Match": f"W/{etag}"}), 412)
    _problem(client.delete(location, headers={"If-Match": stale}), 412)
    _problem(client.post(f"{location}/publish", headers={"If-Match": stale}), 412)
    conflict = _problem(client.patch(location, json={"summary": "x", "expected_version": 1}), 409)
    assert conflict["current_version"] == 2
    assert conflict["expected_version"] == 1
    assert conflict["changed_fields"] == ["slug"]
    invalid = _problem(
        client.post("/api/articles", json={"locale": "xx-!!", "headline": " ", "status": "gone"}),
        422,
    )
    assert {error["field"] for error in invalid["errors"]} == {"locale", "headline", "status"}
    _problem(client.post("/api/articles", content=b"{not json"), 422)
    _problem(client.patch(location, json={"headline": None}, headers={"If-Match": etag}), 422)
    _problem(client.patch(location, json={"summary": "x"}), 422)  # no version, no If-Match
    _problem(client.post(f"{location}/publish", headers={"If-Match": etag}), 409)  # published
    assert snapshot() == before


def test_etag_moves_with_a_tag_rename_though_the_version_does_not(client: TestClient, news) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/articles/en/{news.lead_slug}"
    before = client.get(path)
    with news.store.session() as uow:
        uow.tags.set_name(news.region_id, "Korean peninsula", locale="en")
    after = client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["version"] == before.json()["version"]
    assert after.headers["etag"] != before.headers["etag"]
    assert "Korean peninsula" in [tag["name"] for tag in after.json()["tags"]]
    stale = client.patch(
        f"/api/articles/{news.lead}",
        json={"summary": "x"},
        headers={"If-Match": before.headers["etag"]},
    )
    _problem(stale, 412)


def test_the_write_unit_commits_before_the_response_is_sent(
    client: TestClient, news, snapshot
) -> None:  # type: ignore[no-untyped-def]
    engine = news.store.engine
    before = snapshot()

    def refuse(connection: Any) -> None:
        raise RetryableError("the commit lost a race", cause="test: refused at commit")

    event.listen(engine, "commit", refuse)
    try:
        for response in (
            client.post("/api/articles", json={"locale": "en", "headline": "Never stored"}),
            client.post("/my"),
        ):
            body = _problem(response, 503)  # not the handler's 201
            assert response.headers["retry-after"] == "1"
            assert "test:" not in json.dumps(body)
    finally:
        event.remove(engine, "commit", refuse)
    assert snapshot() == before
    assert engine.pool.checkedout() == 0
