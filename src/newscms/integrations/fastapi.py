"""FastAPI adapter: units of work as dependencies, problem+json errors, the ready routers.

``NewsCMS(store, site=...)`` holds everything; ``install(app)`` adds the exception
handlers, ``read_router()`` / ``write_router()`` are ``APIRouter`` objects made from the
route tables of ``newscms.http`` (one loop, no route written by hand), and
``news.reader`` / ``news.unit`` are the dependencies of your own routes.

When each unit of work ends is the point of this module. FastAPI runs the code after
a dependency's ``yield`` once the response is *sent*, unless the dependency is declared
with ``scope="function"`` (FastAPI 0.121 and later), which ends it when the path
operation returns, *before* the response goes out. ``news.unit`` is such a dependency:
the transaction commits first, and a commit that fails becomes the error response
instead of a success already on its way. ``news.reader`` keeps the default scope, so a
streamed body (feeds, sitemaps) can go on reading in it until the last chunk is sent
or the client goes away; then it ends.

With a store that has replicas, both read the request's consistency token (the
``NewsCMS-After`` header, else the ``newscms_after`` cookie; ``newscms.store.replicas``)
so they see what it names, and a write of the ready routers answers with the cookie of
its own token once committed. In your own routes, ``news.unit`` commits after your
function returns: read ``news.token(request)`` in a later dependency or middleware.
"""

import inspect
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

from newscms.errors import MissingDependencyError, NewsCMSError
from newscms.formats import Site
from newscms.http import (
    HttpRequest,
    HttpResponse,
    ReadAPI,
    Route,
    WriteAPI,
    problem_response,
    validation_problem,
)
from newscms.store import Store, UnitOfWork
from newscms.store.replicas import consistency_cookie, request_token

try:
    from fastapi import APIRouter, Depends, FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import Headers
    from starlette.responses import Response, StreamingResponse
except ImportError as error:  # pragma: no cover - the extra is installed in the tests
    raise MissingDependencyError(error.name or "fastapi", extra="fastapi") from None

if "scope" not in inspect.signature(Depends).parameters:  # pragma: no cover - pinned >= 0.121
    # Without Depends(scope="function") a unit of work would commit after the response.
    raise MissingDependencyError("fastapi>=0.121", extra="fastapi")

__all__ = ["NewsCMS", "to_http_request", "to_response"]

_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})
_TOKEN = "newscms_token"
_RESPONSE = "newscms_response"


class NewsCMS:
    """newscms in a FastAPI application: dependencies, error handlers and routers.

    Args:
        store: The store every unit of work opens in.
        site: Builds article URLs and names the feeds (see ``newscms.formats.Site``).
        page_size: Items per listing page when ``?limit=`` is absent.
        feed_size: Items per feed.
        cache_control: ``Cache-Control`` of the read routes' 200 and 304 responses.
    """

    def __init__(
        self,
        store: Store,
        *,
        site: Site,
        page_size: int = 20,
        feed_size: int = 50,
        cache_control: str | None = None,
    ) -> None:
        self.store = store
        self.site = site
        self.read_api = ReadAPI(
            site=site,
            default_locale=store.settings.default_locale,
            page_size=page_size,
            feed_size=feed_size,
            cache_control=cache_control,
        )
        self.write_api = WriteAPI(site=site)

        def reader(request: Request) -> Iterator[UnitOfWork]:
            """A read-only unit of work, ended after the response (streamed bodies too)."""
            after = request_token(request.headers, request.cookies)
            with store.session(readonly=True, after=after) as uow:
                yield uow

        def write_unit(request: Request) -> Iterator[UnitOfWork]:
            after = request_token(request.headers, request.cookies)
            with store.session(after=after) as uow:
                yield uow
            # Read here, in the thread that committed: the token is per thread.
            token = store.consistency_token
            setattr(request.state, _TOKEN, token)
            response = getattr(request.state, _RESPONSE, None)
            if token is not None and isinstance(response, Response):
                cookie = consistency_cookie(token, store.replica_policy)
                response.headers.append("set-cookie", cookie)

        async def unit(
            uow: Annotated[UnitOfWork, Depends(write_unit, scope="function")],
        ) -> UnitOfWork:
            """A read-write unit of work, committed before the response is sent."""
            return uow

        self.reader: Callable[..., Iterator[UnitOfWork]] = reader
        self.unit: Callable[..., Awaitable[UnitOfWork]] = unit

    @staticmethod
    def token(request: Request) -> str | None:
        """The consistency token of the write ``news.unit`` committed for ``request``."""
        token: str | None = getattr(request.state, _TOKEN, None)
        return token

    def install(self, app: FastAPI) -> None:
        """Answer ``NewsCMSError`` and request validation errors as problem+json (RFC 9457)."""
        app.add_exception_handler(NewsCMSError, _newscms_error)
        app.add_exception_handler(RequestValidationError, _request_validation_error)

    def read_router(self, **router_kwargs: Any) -> APIRouter:
        """An ``APIRouter`` of the public read routes (``ReadAPI``); kwargs go to ``APIRouter``."""
        return self._router(self.read_api.routes, router_kwargs)

    def write_router(self, **router_kwargs: Any) -> APIRouter:
        """An ``APIRouter`` of the editors' routes (``WriteAPI``); add your authorization.

        For example ``news.write_router(dependencies=[Depends(require_editor)])``.
        """
        return self._router(self.write_api.routes, router_kwargs)

    def _router(self, routes: tuple[Route, ...], options: dict[str, Any]) -> APIRouter:
        router = APIRouter(**options)
        for route in routes:
            endpoint = self._endpoint(route)
            parameters = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in route.path_params
            ] + [
                {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
                for name in route.query
            ]
            router.add_api_route(
                route.path,
                endpoint,
                methods=[route.method],
                name=route.name,
                openapi_extra={"parameters": parameters} if parameters else None,
            )
            if route.method == "GET":  # answered by the same handler, which drops the body
                router.add_api_route(
                    route.path, endpoint, methods=["HEAD"], include_in_schema=False
                )
        return router

    def _endpoint(self, route: Route) -> Callable[..., Awaitable[Response]]:
        """The path operation of one route: the request in, the handler in a thread, out."""
        handler = route.handler
        dependency = self.unit if route.writes else self.reader
        reads_body = route.method not in ("GET", "HEAD")

        async def endpoint(
            request: Request, uow: Annotated[UnitOfWork, Depends(dependency)]
        ) -> Response:
            body = await request.body() if reads_body else b""
            message = to_http_request(request, body=body)
            answer = await run_in_threadpool(handler, uow, message, **request.path_params)
            response = to_response(answer)
            if route.writes:  # the unit commits after this returns, and sets the cookie
                setattr(request.state, _RESPONSE, response)
            return response

        endpoint.__name__ = route.name
        return endpoint


def to_http_request(request: Request, *, body: bytes = b"") -> HttpRequest:
    """The ``newscms.http`` view of a Starlette request (the first value of each parameter)."""
    query: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, value)
    return HttpRequest(
        method=request.method, url=str(request.url), headers=request.headers, query=query, body=body
    )


def to_response(response: HttpResponse) -> Response:
    """A Starlette response of an ``HttpResponse``: bytes as they are, an iterator streamed."""
    raw = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers
    ]
    headers = Headers(raw=raw)
    if isinstance(response.body, bytes):
        return Response(response.body, status_code=response.status, headers=headers)
    return StreamingResponse(response.body, status_code=response.status, headers=headers)


async def _newscms_error(request: Request, error: Exception) -> Response:
    return to_response(problem_response(error))


async def _request_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = []
    for failure in error.errors():
        location = [str(part) for part in failure.get("loc", ())]
        if location and location[0] in _SOURCES:
            location = location[1:]
        message = str(failure.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append((".".join(location), message))
    return to_response(validation_problem(problems))
