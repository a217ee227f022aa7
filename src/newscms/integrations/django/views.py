"""Django views over the neutral route tables of ``newscms.http``.

``read_patterns()`` turns every ``ReadAPI`` route into a ``path()`` (``{slug}`` becomes
``<str:slug>``, the route's name the URL name); each request gets a read-only unit of
work, kept open while a streamed body (feeds, sitemaps) is still being sent. A request
presenting a consistency token (header or cookie, ``newscms.store.replicas``) reads what
it names; a committed write answers with the cookie of its own token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from django.conf import settings  # type: ignore[import-untyped]
from django.http import (  # type: ignore[import-untyped]
    HttpResponse as DjangoResponse,
)
from django.http import StreamingHttpResponse
from django.urls import path  # type: ignore[import-untyped]
from django.views.decorators.http import require_http_methods  # type: ignore[import-untyped]

from newscms.errors import NewsCMSError
from newscms.formats import Site
from newscms.http import (
    HttpRequest,
    HttpResponse,
    ReadAPI,
    Route,
    problem_response,
    release_after,
)
from newscms.integrations.django._store import get_store
from newscms.store.replicas import consistency_cookie, request_token

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["django_response", "read_patterns", "route_view"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class _Refused(Exception):
    """Rolls a unit of work back when the handler answered with an error status."""


def read_patterns(api: ReadAPI | None = None) -> list[Any]:
    """URL patterns of every read route; ``api`` defaults to one built from the settings.

    The settings are ``NEWSCMS_SITE`` (a ``newscms.formats.Site`` or the dict of its
    arguments), ``NEWSCMS_PAGE_SIZE`` (default 20) and ``NEWSCMS_STORE["default_locale"]``.
    """
    if api is None:
        api = ReadAPI(
            site=_site(),
            default_locale=dict(getattr(settings, "NEWSCMS_STORE", None) or {}).get(
                "default_locale", "en"
            ),
            page_size=getattr(settings, "NEWSCMS_PAGE_SIZE", 20),
        )
    return [
        path(
            _PLACEHOLDER.sub(r"<str:\1>", route.path.lstrip("/")),
            route_view(route),
            name=route.name,
        )
        for route in api.routes
    ]


def _site() -> Site:
    configured = getattr(settings, "NEWSCMS_SITE", None)
    if isinstance(configured, Site):
        return configured
    if isinstance(configured, Mapping):
        return Site(**configured)
    from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped]

    raise ImproperlyConfigured(
        "NEWSCMS_SITE must be a newscms.formats.Site or a dict of its arguments "
        "(name, base_url, article_url, ...) to serve newscms's read views"
    )


def route_view(route: Route) -> Callable[..., Any]:
    """A Django view running ``route`` in a unit of work (read-write if the route writes)."""
    methods = ["GET", "HEAD"] if route.method == "GET" else [route.method]

    def view(request: Any, **params: str) -> Any:
        neutral = _neutral_request(request)
        work = ExitStack()
        token: str | None = None
        try:
            store = get_store()
            after = request_token(request.headers, request.COOKIES)
            uow = work.enter_context(store.session(readonly=not route.writes, after=after))
            answer = route.handler(uow, neutral, **params)
            if answer.status >= 400:  # refused (a 404, a 412): nothing of it may commit
                work.__exit__(_Refused, _Refused(), None)
            elif route.writes:
                work.close()  # committed before the response exists
                token = store.consistency_token
            # A bytes body ends the unit now; a streamed one when it is sent or closed.
            answer = release_after(answer, work.close)
        except NewsCMSError as error:
            work.__exit__(type(error), error, error.__traceback__)
            return django_response(problem_response(error))
        except BaseException as error:
            work.__exit__(type(error), error, error.__traceback__)
            raise
        response = django_response(answer)
        if token is not None:  # later reads of this client see what it just wrote
            response["Set-Cookie"] = consistency_cookie(token, store.replica_policy)
        return response

    view.__name__ = f"newscms_{route.name}"
    guarded: Callable[..., Any] = require_http_methods(methods)(view)
    return guarded


def _neutral_request(request: Any) -> HttpRequest:
    return HttpRequest(
        method=request.method,
        url=request.build_absolute_uri(),
        headers=dict(request.headers),
        query={name: request.GET.getlist(name)[0] for name in request.GET},
        body=request.body,
    )


def django_response(answer: HttpResponse) -> Any:
    """The Django response for a neutral one (a ``StreamingHttpResponse`` for an iterator)."""
    if isinstance(answer.body, bytes):
        response = DjangoResponse(answer.body, status=answer.status)
    else:  # Django closes the iterator when the response is done, sent or not
        response = StreamingHttpResponse(answer.body, status=answer.status)
    del response["Content-Type"]
    joined: dict[str, str] = {}
    for name, value in answer.headers:
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
        response[name] = joined[key]
    return response
