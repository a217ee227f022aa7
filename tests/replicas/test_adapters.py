"""Read-your-writes through the web adapters: the token travels in a cookie or a header."""

from __future__ import annotations

import uuid

import pytest

from newscms.formats import Site
from newscms.store.replicas import CONSISTENCY_COOKIE, CONSISTENCY_HEADER, ReplicaPolicy

pytestmark = pytest.mark.xdist_group("replica")

SITE = Site(
    name="Example News",
    base_url="https://news.example/",
    article_url="https://news.example/news/{locale}/{slug}",
)


def flask_client(store):  # type: ignore[no-untyped-def]
    from flask import Flask

    from newscms.integrations.flask import NewsCMS

    app = Flask(__name__)
    news = NewsCMS(store, site=SITE, app=app)
    app.register_blueprint(news.write_blueprint(), url_prefix="/editor")
    return app.test_client()


def fastapi_client(store):  # type: ignore[no-untyped-def]
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from newscms.integrations.fastapi import NewsCMS

    app = FastAPI()
    news = NewsCMS(store, site=SITE)
    news.install(app)
    app.include_router(news.write_router(), prefix="/editor")
    return TestClient(app)


def status(response) -> int:  # type: ignore[no-untyped-def]
    return getattr(response, "status_code", None) or response.status


@pytest.mark.parametrize("make_client", [flask_client, fastapi_client], ids=["flask", "fastapi"])
def test_an_editor_reads_back_what_they_wrote_while_the_replica_lags(cluster, make_client):
    # A bound the paused replica will not pass during the test: it keeps serving.
    store = cluster.store(ReplicaPolicy(max_lag=600, wait=0.3, retry_after=1, check_every=0.2))
    client = make_client(store)
    cluster.replica.pause()
    headline = f"Written through the adapter {uuid.uuid4().hex[:8]}"
    created = client.post("/editor/articles", json={"locale": "en", "headline": headline})
    assert status(created) == 201
    cookie = created.headers["Set-Cookie"]
    assert cookie.startswith(f"{CONSISTENCY_COOKIE}=") and "HttpOnly" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    body = created.get_json() if hasattr(created, "get_json") else created.json()
    path = f"/editor/articles/{body['id']}"
    # The test client sends the cookie back: the read waits, then reads the primary.
    assert status(client.get(path)) == 200
    # A client holding no token reads the replica, which has not replayed the write.
    fresh = make_client(store)
    assert status(fresh.get(path)) == 404
    # An API client presents the token in the header instead of a cookie.
    assert status(fresh.get(path, headers={CONSISTENCY_HEADER: token})) == 200
    # A mangled token is ignored, not an error.
    assert status(fresh.get(path, headers={CONSISTENCY_HEADER: "not a token"})) == 404
