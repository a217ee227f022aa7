"""newscms in a Flask app: one unit of work per request, problem+json errors, blueprints.

``NewsCMS(store, site=site)`` (or ``init_app`` with ``NEWSCMS_DATABASE_URL`` in the
config) gives every request one unit of work, opened on first use by ``news.uow()``:
read-only for ``GET``/``HEAD``/``OPTIONS``, read-write otherwise. A read-write unit is
committed before the response leaves the app when the status is below 400, and rolled
back otherwise (an error handler's answer, an exception); a failed commit replaces the
response by its problem. With a store that has replicas, a committed write sets the
consistency cookie and every later unit reads what the request's token (the
``NewsCMS-After`` header, else that cookie) names (``newscms.store.replicas``).
``read_blueprint()`` / ``write_blueprint()`` register the
neutral route tables of ``newscms.http``.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, current_app, g, request

from newscms.errors import NewsCMSError
from newscms.http import (
    HttpRequest,
    HttpResponse,
    ReadAPI,
    Route,
    WriteAPI,
    problem_response,
    release_after,
)
from newscms.store import DEFAULT_DATABASE_URL, Store
from newscms.store.replicas import consistency_cookie, request_token

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from newscms.formats import Site
    from newscms.store import UnitOfWork

__all__ = ["NewsCMS"]

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_EXTENSION = "newscms"
_UNIT = "_newscms_unit"


class _Refused(Exception):
    """Rolls a unit of work back when the response says the request failed."""


@dataclass
class _Unit:
    """The request's unit of work and the context that ends it."""

    uow: UnitOfWork
    context: ExitStack = field(default_factory=ExitStack)
    writes: bool = False


class NewsCMS:
    """The Flask extension: a store, a unit of work per request and the route tables.

    Args:
        store: The ``Store`` to serve; when None, ``init_app`` builds one per app from
            ``NEWSCMS_DATABASE_URL`` (default ``sqlite:///newscms.db``) and
            ``NEWSCMS_STORE`` (a dict of ``Store`` options such as ``prefix``).
        site: The publication the read API's feeds, sitemaps and links speak for.
        app: Call ``init_app(app)`` at once.
    """

    def __init__(
        self, store: Store | None = None, *, site: Site | None = None, app: Flask | None = None
    ) -> None:
        self._store = store
        self.site = site
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Install the unit-of-work hooks and the NewsCMSError handler on ``app``."""
        store = self._store
        if store is None:
            options = dict(app.config.get("NEWSCMS_STORE") or {})
            store = Store(app.config.get("NEWSCMS_DATABASE_URL", DEFAULT_DATABASE_URL), **options)
        app.extensions[_EXTENSION] = store
        app.after_request(_finish)
        app.teardown_request(_teardown)
        app.register_error_handler(NewsCMSError, _problem)

    @property
    def store(self) -> Store:
        """The store of the current app (the one given, or the one ``init_app`` built)."""
        if self._store is not None:
            return self._store
        store: Store = current_app.extensions[_EXTENSION]
        return store

    def uow(self) -> UnitOfWork:
        """The request's unit of work, opened on first use (read-only for safe methods)."""
        unit: _Unit | None = g.get(_UNIT)
        if unit is None:
            context = ExitStack()
            readonly = request.method in _READ_METHODS
            after = request_token(request.headers, request.cookies)
            uow = context.enter_context(self.store.session(readonly=readonly, after=after))
            unit = _Unit(uow, context, writes=not readonly)
            setattr(g, _UNIT, unit)
        return unit.uow

    def read_blueprint(
        self,
        *,
        site: Site | None = None,
        name: str = "newscms_read",
        default_locale: str = "en",
        page_size: int = 20,
    ) -> Blueprint:
        """A blueprint of every read route (articles, tags, search, feeds, sitemaps)."""
        api = ReadAPI(site=self._site(site), default_locale=default_locale, page_size=page_size)
        return self._blueprint(name, api.routes)

    def write_blueprint(
        self, *, site: Site | None = None, name: str = "newscms_write"
    ) -> Blueprint:
        """A blueprint of the write routes; protect it (``before_request``) before exposing it."""
        return self._blueprint(name, WriteAPI(site=self._site(site)).routes)

    def _site(self, site: Site | None) -> Site:
        chosen = site or self.site
        if chosen is None:
            raise TypeError("the newscms blueprints need a Site: NewsCMS(site=...) or site=...")
        return chosen

    def _blueprint(self, name: str, routes: Iterable[Route]) -> Blueprint:
        blueprint = Blueprint(name, __name__)
        for route in routes:
            blueprint.add_url_rule(
                _PLACEHOLDER.sub(r"<\1>", route.path),
                endpoint=route.name,
                view_func=self._view(route),
                methods=[route.method],
            )
        return blueprint

    def _view(self, route: Route) -> Callable[..., Response]:
        def view(**params: str) -> Response:
            answer = route.handler(self.uow(), _neutral_request(), **params)
            return _flask_response(answer)

        view.__name__ = route.name
        return view


def _neutral_request() -> HttpRequest:
    headers = {name: ", ".join(request.headers.getlist(name)) for name in request.headers.keys()}  # noqa: SIM118 - Headers iterates (name, value) pairs
    return HttpRequest(
        method=request.method,
        url=request.url,
        headers=headers,
        query=request.args.to_dict(flat=True),
        body=request.get_data(cache=True),
    )


def _flask_response(answer: HttpResponse) -> Response:
    if not isinstance(answer.body, bytes):
        unit: _Unit | None = g.get(_UNIT)
        if unit is not None:
            # Flask ends the request before the body is read: the body's last chunk (or
            # its close) ends this unit of work instead of the request's teardown.
            setattr(g, _UNIT, None)
            answer = release_after(answer, unit.context.close)
    response = Response(answer.body, status=answer.status)
    response.headers.remove("Content-Type")
    for name, value in answer.headers:
        response.headers.add(name, value)
    return response


def _problem(error: NewsCMSError) -> Response:
    return _flask_response(problem_response(error))


def _finish(response: Response) -> Response:
    """Commit (status below 400) or roll back the unit before the response is sent."""
    unit: _Unit | None = g.get(_UNIT)
    if unit is None:
        return response
    setattr(g, _UNIT, None)
    if response.status_code >= 400:
        _rollback(unit)
        return response
    try:
        unit.context.close()
    except NewsCMSError as error:  # the commit failed: say so instead of the success
        return _flask_response(problem_response(error))
    store: Store = current_app.extensions[_EXTENSION]
    token = store.consistency_token if unit.writes else None
    if token is not None:
        response.headers.add("Set-Cookie", consistency_cookie(token, store.replica_policy))
    return response


def _teardown(error: BaseException | None) -> None:
    """Roll back a unit no response ended (an exception escaped before ``after_request``)."""
    unit: _Unit | None = g.get(_UNIT)
    if unit is not None:
        setattr(g, _UNIT, None)
        _rollback(unit)


def _rollback(unit: _Unit) -> None:
    refused = _Refused()
    unit.context.__exit__(type(refused), refused, None)
