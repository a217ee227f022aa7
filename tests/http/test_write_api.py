"""The write handlers on the three backends: a save that lands between check and write."""

from __future__ import annotations

import json

import pytest

from newscms import ArticleDraft, ArticlePatch, Store
from newscms.errors import ConflictError
from newscms.formats import Site
from newscms.http import HttpRequest, WriteAPI, etag_for

SITE = Site(name="N", base_url="https://n.example/", article_url="https://n.example/{slug}")


class _StaleReads:
    """A unit of work whose ``articles.get`` returns what an editor read earlier."""

    def __init__(self, uow, stale):  # type: ignore[no-untyped-def]
        self._uow, self._stale = uow, stale

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self._uow, name)

    @property
    def articles(self):  # type: ignore[no-untyped-def]
        stale, real = self._stale, self._uow.articles

        class Articles:
            def __getattr__(self, name):  # type: ignore[no-untyped-def]
                return getattr(real, name)

            def get(self, article_id):  # type: ignore[no-untyped-def]
                return stale

        return Articles()


def test_a_save_between_the_if_match_check_and_the_write_is_a_409(store: Store, snapshot) -> None:  # type: ignore[no-untyped-def]
    with store.session() as uow:
        seen = uow.articles.create(ArticleDraft(locale="en", headline="Race"))
        uow.articles.update(seen.id, ArticlePatch(expected_version=1, summary="Theirs."))
    before = snapshot()
    api = WriteAPI(site=SITE)
    route = {route.name: route for route in api.routes}["update_article"]
    request = HttpRequest(
        "PATCH",
        f"https://n.example/api/articles/{seen.id}",
        headers={"If-Match": etag_for(seen)},
        body=json.dumps({"summary": "Mine."}).encode(),
    )
    with pytest.raises(ConflictError) as caught, store.session() as uow:
        route.handler(_StaleReads(uow, seen), request, article_id=str(seen.id))
    assert (caught.value.current_version, caught.value.expected_version) == (2, 1)
    assert snapshot() == before
