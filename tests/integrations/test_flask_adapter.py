"""The Flask extension against Flask's test client, on every backend.

Read blueprint (each route, 304, 301, 404 problems, streamed feeds), write blueprint
(201, If-Match 412, commit before the response), the per-request unit of work of the
app's own views, and that refused requests leave the data as it was.
"""

from __future__ import annotations

import json

import flask
import pytest
import sqlalchemy.exc
from flask import Flask
from sqlalchemy import event

from newscms import ArticleDraft
from newscms.errors import NotFoundError
from newscms.formats import Site
from newscms.integrations.flask import NewsCMS
from newscms.store import Store

SITE = Site(
    name="Example News",
    base_url="https://news.example/",
    article_url="https://news.example/news/{locale}/{slug}",
)


@pytest.fixture
def news(store):
    return NewsCMS(store, site=SITE)


@pytest.fixture
def app(news):
    app = Flask(__name__)
    news.init_app(app)
    app.register_blueprint(news.read_blueprint(), url_prefix="/api")
    app.register_blueprint(news.write_blueprint(), url_prefix="/editor")

    @app.get("/own/<locale>/<slug>")
    def own(locale, slug):
        return {"headline": news.uow().articles.get_by_slug(locale, slug, public=True).headline}

    @app.post("/own")
    def create():
        article = news.uow().articles.create(ArticleDraft(**flask.request.get_json()))
        if flask.request.args.get("refuse"):
            flask.abort(409)
        return {"id": str(article.id)}, 201

    return app


@pytest.fixture
def client(app):
    return app.test_client()


def _published(store, headline="Seoul talks resume", **fields):
    with store.session() as uow:
        article = uow.articles.create(ArticleDraft(locale="en", headline=headline, **fields))
        return uow.workflow.publish(article.id)


def test_each_read_route(store, client):
    article = _published(store, tags=["Elections"], body="<p>Talks in Seoul.</p>")
    slug = article.slug
    for url, media_type in [
        ("/api/articles?locale=en", "application/json"),
        (f"/api/articles/en/{slug}", "application/json"),
        (f"/api/articles/en/{slug}/ninjs", "application/json"),
        (f"/api/articles/en/{slug}/jsonld", "application/ld+json"),
        ("/api/tags/en/elections", "application/json"),
        ("/api/search?q=seoul&locale=en", "application/json"),
        ("/api/feeds/en/rss", "application/rss+xml"),
        ("/api/feeds/en/atom", "application/atom+xml"),
        ("/api/sitemap.xml", "application/xml"),
        ("/api/news-sitemap.xml", "application/xml"),
    ]:
        with client.get(url) as response:
            assert response.status_code == 200, (url, response.get_data())
            assert response.mimetype == media_type, url
    listing = client.get("/api/articles?locale=en").get_json()
    assert [item["slug"] for item in listing["items"]] == [slug]
    assert "body" not in listing["items"][0]
    assert client.get(f"/api/articles/en/{slug}").get_json()["headline"] == article.headline


def test_paging_link_header(store, client):
    for n in range(3):
        _published(store, headline=f"Story {n}")
    first = client.get("/api/articles?locale=en&limit=2")
    assert first.status_code == 200
    next_url = first.get_json()["next"]
    assert next_url.startswith("http://localhost/api/articles?")
    assert first.headers["Link"] == f'<{next_url}>; rel="next"'
    second = client.get(next_url)
    assert len(second.get_json()["items"]) == 1
    assert second.get_json()["next"] is None


def test_conditional_get_and_former_slug(store, client):
    article = _published(store)
    url = f"/api/articles/en/{article.slug}"
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert "Content-Type" not in again.headers
    assert client.head(url).get_data() == b""

    from newscms import ArticlePatch

    with store.session() as uow:
        patch = ArticlePatch(slug="seoul-talks-moved", expected_version=article.version)
        uow.articles.update(article.id, patch)
    moved = client.get(url)
    assert moved.status_code == 301
    assert moved.headers["Location"] == "http://localhost/api/articles/en/seoul-talks-moved"


@pytest.mark.parametrize(
    "url", ["/api/articles/en/no-such-story", "/api/articles/xx-@@/story", "/api/tags/en/none"]
)
def test_unknown_paths_are_404_problems(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 404
    assert {"type", "title", "detail"} <= set(body)


def test_bad_query_is_a_problem_with_field_detail(client):
    response = client.get("/api/articles?limit=0")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "limit"


def test_streamed_feed_keeps_then_releases_its_unit_of_work(store, client):
    _published(store)
    response = client.get("/api/feeds/en/rss")
    assert response.is_streamed
    assert b"Seoul talks resume" in response.get_data()
    response.close()
    assert store.engine.pool.checkedout() == 0
    # Closed before the first chunk: the unit of work is released all the same.
    client.get("/api/sitemap.xml").close()
    assert store.engine.pool.checkedout() == 0


def test_write_routes_and_if_match(store, client, snapshot):
    created = client.post("/editor/articles", json={"locale": "en", "headline": "Editors at work"})
    assert created.status_code == 201, created.get_data()
    location, etag = created.headers["Location"], created.headers["ETag"]
    assert location == f"http://localhost/editor/articles/{created.get_json()['id']}"
    with store.session(readonly=True) as uow:  # committed before the client saw the 201
        assert uow.articles.get(created.get_json()["id"]).headline == "Editors at work"

    path = location.removeprefix("http://localhost")
    before = snapshot()
    stale = client.patch(path, json={"headline": "Changed"}, headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    assert client.delete(path, headers={"If-Match": '"stale"'}).status_code == 412
    bad = client.patch(path, data=b"{not json", headers={"If-Match": etag})
    assert bad.status_code == 422
    assert snapshot() == before

    changed = client.patch(path, json={"headline": "Changed"}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.get_data()
    assert changed.get_json()["headline"] == "Changed"
    assert client.delete(path, headers={"If-Match": changed.headers["ETag"]}).status_code == 204
    with store.session(readonly=True) as uow, pytest.raises(NotFoundError):
        uow.articles.get(created.get_json()["id"])


def test_a_failed_commit_never_answers_201(store, client, snapshot):
    before = snapshot()

    def refuse(_connection):
        raise sqlalchemy.exc.OperationalError("COMMIT", None, Exception("disk I/O error"))

    event.listen(store.engine, "commit", refuse)
    try:
        response = client.post("/editor/articles", json={"locale": "en", "headline": "Lost"})
        own = client.post("/own", json={"locale": "en", "headline": "Lost too"})
    finally:
        event.remove(store.engine, "commit", refuse)
    assert response.status_code == 503, response.get_data()
    assert response.mimetype == "application/problem+json"
    assert own.status_code == 503
    assert snapshot() == before


def test_own_views_share_one_unit_of_work_per_request(store, client, snapshot):
    article = _published(store)
    assert client.get(f"/own/en/{article.slug}").get_json() == {"headline": article.headline}
    missing = client.get("/own/en/no-such-story")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"

    before = snapshot()
    refused = client.post("/own?refuse=1", json={"locale": "en", "headline": "Rolled back"})
    assert refused.status_code == 409
    invalid = client.post("/own", json={"locale": "en", "headline": ""})
    assert invalid.status_code == 422
    assert invalid.get_json()["errors"][0]["field"] == "headline"
    assert snapshot() == before
    kept = client.post("/own", json={"locale": "en", "headline": "Kept"})
    assert kept.status_code == 201
    with store.session(readonly=True) as uow:
        assert uow.articles.get(kept.get_json()["id"]).headline == "Kept"


def test_init_app_builds_the_store_from_the_config(tmp_path):
    url = f"sqlite:///{tmp_path / 'news.db'}"
    Store(url).migrate()
    news = NewsCMS(site=SITE)
    app = Flask(__name__)
    app.config.update(NEWSCMS_DATABASE_URL=url, NEWSCMS_STORE={"default_locale": "it"})
    news.init_app(app)
    app.register_blueprint(news.read_blueprint(default_locale="it"))
    with app.app_context():
        assert str(news.store.engine.url) == url
        assert news.store.settings.default_locale == "it"
    response = app.test_client().get("/articles")
    assert response.status_code == 200
    assert json.loads(response.get_data()) == {"items": [], "next": None}
    with app.app_context():
        news.store.dispose()


def test_blueprints_need_a_site(store):
    with pytest.raises(TypeError, match="need a Site"):
        NewsCMS(store).read_blueprint()
