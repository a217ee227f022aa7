"""The reference site answers the old site's addresses: a 301 to the article's page.

On SQLite like the other page tests of tests/integrations/test_site.py, through
FastAPI's test client; the lookups themselves are tested on every backend in
tests/store/test_legacy_url_repository.py.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from newscms.integrations.site import create_app, reference_site

SQLITE = pytest.mark.parametrize("migrated_engine", ["sqlite"], indirect=True)
ROOT = "http://testserver/"
LEGACY = [
    "http://www.asianews.it/news-en/Beijing-talks-with-Pyongyang-24963.html",
    "/Beijing-24963.html",  # one segment: no edition's home page hides it
    "/news.php?id=24963&lang=en",
    "/archive/2012/06/",  # a final slash
    "/~user/café.html",
    "/a%2Fb.html",
]


@pytest.fixture
def legacy(news) -> Any:  # type: ignore[no-untyped-def]
    """The lead story's legacy URLs, and one of the draft's."""
    with news.store.session() as uow:
        pairs = [(news.lead, url) for url in LEGACY] + [(news.draft, "/not-yet.html")]
        assert uow.legacy_urls.add_many(pairs) == []
    return news


@pytest.fixture
def site_client(news) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(news.store, site=reference_site(ROOT, name="AsiaNews")))


def _moved(client: TestClient, path: str, method: str = "GET") -> tuple[int, str | None]:
    response = client.request(method, path, follow_redirects=False)
    return response.status_code, response.headers.get("location")


@SQLITE
@pytest.mark.parametrize(
    "path",
    [
        "/news-en/Beijing-talks-with-Pyongyang-24963.html",
        "/Beijing-24963.html",
        "/news.php?id=24963&lang=en",
        "/archive/2012/06/",
        "/~user/café.html",
        "/%7Euser/caf%c3%a9.html",  # another spelling of the same address
        "/a%2Fb.html",
    ],
)
def test_a_legacy_url_moved_permanently_to_its_article(site_client, legacy, path: str) -> None:  # type: ignore[no-untyped-def]
    target = f"{ROOT}en/{legacy.lead_slug}"
    assert _moved(site_client, path) == (301, target)
    assert _moved(site_client, path, "HEAD") == (301, target)
    assert site_client.get(path).status_code == 200  # and the article's page is there


@SQLITE
@pytest.mark.parametrize(
    "path",
    [
        "/not-yet.html",  # the draft's: readers may not see it
        "/news.php?id=1",  # the query is part of the address
        "/news.php",
        "/Archive/2012/06/",  # so is case
        "/a/b.html",  # an escaped slash is no slash
        "/api/news-en/Beijing-talks-with-Pyongyang-24963.html",
    ],
)
def test_other_addresses_are_not_redirected(site_client, legacy, path: str) -> None:  # type: ignore[no-untyped-def]
    response = site_client.get(path)
    assert response.status_code == 404, path
    assert not response.history or all(r.status_code != 301 for r in response.history)


@SQLITE
def test_only_reads_are_redirected(site_client, legacy) -> None:  # type: ignore[no-untyped-def]
    assert site_client.post("/Beijing-24963.html", follow_redirects=False).status_code != 301


@SQLITE
def test_the_sites_own_pages_and_slash_redirects_come_first(site_client, legacy) -> None:  # type: ignore[no-untyped-def]
    with legacy.store.session() as uow:
        other = uow.articles.get(legacy.translation)
        # A legacy URL that is also a page of the new site: the page answers.
        uow.legacy_urls.add(other.id, f"/en/{legacy.lead_slug}")
    assert site_client.get(f"/en/{legacy.lead_slug}", follow_redirects=False).status_code == 200
    # Without a legacy URL, a missing final slash still finds the edition's home page.
    assert _moved(site_client, "/en") == (307, f"{ROOT}en/")
    assert _moved(site_client, "/en/search/?q=x") == (307, f"{ROOT}en/search?q=x")


@SQLITE
def test_a_former_slug_still_redirects_as_before(site_client, legacy) -> None:  # type: ignore[no-untyped-def]
    path = f"/en/{legacy.former_slug}"
    assert _moved(site_client, path) == (301, f"{ROOT}en/{legacy.lead_slug}")
