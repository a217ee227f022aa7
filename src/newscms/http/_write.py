"""The editors' write API as a route table: create, read, update, delete and publish articles.

Every handler takes ``(uow, request, **path_params)`` with a read-write unit of work and
returns an ``HttpResponse``; the adapter commits the unit before sending it, and rolls
it back when the handler raises. Updates are conditional twice over: ``If-Match`` is
compared with the article's current ETag (412 when it moved), and the save carries the
version that was checked as ``expected_version``, so a save that lands in between is a
409 rather than a lost update.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from newscms.domain import ArticleDraft, ArticlePatch
from newscms.errors import NotFoundError, ValidationError
from newscms.formats import to_json
from newscms.formats.feeds import last_modified
from newscms.http._conditional import etag_for, evaluate_preconditions, validator_headers
from newscms.http._links import link_header, without_query
from newscms.http._messages import HttpResponse, Route, json_response
from newscms.http._problems import problem_response
from newscms.http._read import finish

if TYPE_CHECKING:
    from newscms.domain import Article
    from newscms.formats import Site
    from newscms.http._messages import HttpRequest
    from newscms.store import UnitOfWork

__all__ = ["WriteAPI"]


class WriteAPI:
    """The routes editors write through, for an adapter to mount behind its own authorization.

    ``GET /articles/{article_id}`` reads any article, draft or not, with the ETag that
    ``If-Match`` then names. Bodies are JSON: an ``ArticleDraft`` to create, an
    ``ArticlePatch`` to update (``expected_version`` may be left out when ``If-Match``
    is sent: the version the ETag matched is used).

    Args:
        site: Gives the public URL of a published article (``Link: rel="alternate"``).
    """

    def __init__(self, *, site: Site) -> None:
        self.site = site
        self.routes: tuple[Route, ...] = (
            Route("editor_article", "GET", "/articles/{article_id}", False, self._read),
            Route("create_article", "POST", "/articles", True, self._create),
            Route("update_article", "PATCH", "/articles/{article_id}", True, self._update),
            Route("delete_article", "DELETE", "/articles/{article_id}", True, self._delete),
            Route("publish_article", "POST", "/articles/{article_id}/publish", True, self._publish),
        )

    def _read(self, uow: UnitOfWork, request: HttpRequest, article_id: str) -> HttpResponse:
        current = _current(uow, article_id)
        if isinstance(current, HttpResponse):
            return current
        decided = evaluate_preconditions(
            request, etag=etag_for(current), last_modified=last_modified(current)
        )
        return finish(request, decided or self._article(current))

    def _create(self, uow: UnitOfWork, request: HttpRequest) -> HttpResponse:
        draft = ArticleDraft.model_validate_json(request.body)
        article = uow.articles.create(draft)
        location = f"{without_query(request.url).rstrip('/')}/{article.id}"
        return self._article(article, status=201, extra=(("Location", location),))

    def _update(self, uow: UnitOfWork, request: HttpRequest, article_id: str) -> HttpResponse:
        current = _writable(uow, request, article_id)
        if isinstance(current, HttpResponse):
            return current
        patch = _patch(request, current)
        return self._article(uow.articles.update(current.id, patch))

    def _delete(self, uow: UnitOfWork, request: HttpRequest, article_id: str) -> HttpResponse:
        current = _writable(uow, request, article_id)
        if isinstance(current, HttpResponse):
            return current
        uow.articles.delete(current.id, expected_version=_checked_version(request, current))
        return HttpResponse(204)

    def _publish(self, uow: UnitOfWork, request: HttpRequest, article_id: str) -> HttpResponse:
        current = _writable(uow, request, article_id)
        if isinstance(current, HttpResponse):
            return current
        version = _checked_version(request, current)
        return self._article(uow.workflow.publish(current.id, expected_version=version))

    def _article(
        self, article: Article, *, status: int = 200, extra: tuple[tuple[str, str], ...] = ()
    ) -> HttpResponse:
        """The article's JSON form with its validators (and its public page, when it has one)."""
        headers = (*extra, *validator_headers(etag_for(article), last_modified(article)))
        public = self.site.public_url(article)
        if public is not None:
            headers = (*headers, link_header(public, "alternate"))
        return json_response(to_json(article), status=status, headers=headers)


def _current(uow: UnitOfWork, article_id: str) -> Article | HttpResponse:
    """The article the path names (any status), or the 404 of a path naming none."""
    try:
        return uow.articles.get(article_id)
    except (ValidationError, NotFoundError) as error:
        return problem_response(error, in_path=True)


def _preconditions(request: HttpRequest, current: Article) -> HttpResponse | None:
    return evaluate_preconditions(
        request, etag=etag_for(current), last_modified=last_modified(current)
    )


def _checked_version(request: HttpRequest, current: Article) -> int | None:
    """The version ``If-Match`` was checked against: a save based on anything else is a 409."""
    return current.version if request.header("if-match") is not None else None


def _patch(request: HttpRequest, current: Article) -> ArticlePatch:
    """The body as an ``ArticlePatch``; ``expected_version`` defaults to what If-Match checked.

    Raises:
        ValidationError: The body is not JSON, or not a valid patch (every field listed).
    """
    try:
        data: Any = json.loads(request.body)
    except (ValueError, RecursionError):
        return ArticlePatch.model_validate_json(request.body)  # raises pydantic's own words
    version = _checked_version(request, current)
    if isinstance(data, dict) and "expected_version" not in data and version is not None:
        data["expected_version"] = version
    return ArticlePatch.model_validate(data)


def _writable(uow: UnitOfWork, request: HttpRequest, article_id: str) -> Article | HttpResponse:
    """The article a write names, or the response that ends it (404, 412) before any write."""
    current = _current(uow, article_id)
    if isinstance(current, HttpResponse):
        return current
    return _preconditions(request, current) or current
