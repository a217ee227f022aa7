"""The reference news site as a FastAPI application: HTML pages over the read API.

``create_app`` makes the app: ``NewsCMS`` (the FastAPI adapter) installs its error
handlers and mounts the JSON read API under ``/api`` (feeds and sitemaps included);
the pages are path operations reading in ``news.reader``'s read-only unit of work and
rendering Jinja2 templates. The rules stay where they live: visibility and paging in
the store, dates, bylines, share links and JSON-LD in ``newscms.formats``, validators,
conditional requests, next-page links and the error-to-status mapping in
``newscms.http``; this module only decides which page answers which URL.

A request no page answers may be an address of the site the content was migrated
from: before its 404, the store's legacy URLs are asked (``store.resolve_legacy``),
and a public article's page answers with a 301.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from newscms._version import __version__
from newscms.errors import (
    InvalidCursorError,
    MissingDependencyError,
    NewsCMSError,
    NotFoundError,
    QueryError,
    ValidationError,
)
from newscms.formats import Site, to_print_html
from newscms.http import (
    evaluate_preconditions,
    next_link,
    problem_response,
    weak_etag,
)
from newscms.integrations.fastapi import NewsCMS, to_http_request, to_response
from newscms.integrations.site._pages import (
    Links,
    article_view,
    chrome,
    search_teasers,
    tag_link,
    teasers,
)
from newscms.store import Store, UnitOfWork
from newscms.utils.locales import normalize_locale

try:
    from fastapi import Depends, FastAPI, Request
    from fastapi.exception_handlers import http_exception_handler
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader
    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import URL
    from starlette.exceptions import HTTPException
    from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Match
    from starlette.staticfiles import StaticFiles
except ImportError as error:  # pragma: no cover - the extra is installed in the tests
    raise MissingDependencyError(error.name or "jinja2", extra="web") from None

__all__ = ["create_app", "reference_site"]

_PACKAGE = "newscms.integrations.site"
_API = "/api"


def reference_site(base_url: str, *, name: str = "newscms", timezone: str = "UTC") -> Site:
    """The ``Site`` of the reference site at ``base_url``: articles at ``{locale}/{slug}``.

    People credited on them have their pages at ``{locale}/people/{slug}``.

    Feeds, sitemaps, JSON-LD and share links then point at the site's own article pages.

    Raises:
        ValidationError: ``base_url`` is not an absolute http(s) URL, or ``name`` is empty.
    """
    root = base_url if base_url.endswith("/") else base_url + "/"
    return Site(
        name=name,
        base_url=root,
        article_url=root + "{locale}/{slug}",
        timezone=timezone,
        person_url=root + "{locale}/people/{slug}",
    )


def create_app(
    store: Store,
    *,
    site: Site | None = None,
    templates: str | Path | None = None,
    page_size: int = 20,
    media_dir: str | Path | None = None,
) -> FastAPI:
    """The reference public news site over ``store``, as a FastAPI application.

    Args:
        store: The store every request reads in (read-only units of work).
        site: Names the publication and builds article URLs (canonical links, feeds,
            sitemaps, JSON-LD, share links); by default ``reference_site`` at
            ``http://127.0.0.1:8000/``. Its article URLs should be this app's
            ``/{locale}/{slug}`` pages.
        templates: A directory whose templates replace the packaged ones of the same
            name (``base.html``, ``article.html``, ...); the others stay as packaged.
        page_size: Stories per listing page (home, tag, region and search pages).
        media_dir: A directory served at ``/media`` (a ``LocalDirectoryStorage`` whose
            base URL is this app's ``/media/``); in production a web server or CDN
            serves pictures instead.

    Returns:
        The app: pages at ``/{locale}/...``, the JSON read API at ``/api``.

    Raises:
        ValidationError: ``page_size`` is not from 1 to 200.
    """
    site = site if site is not None else reference_site("http://127.0.0.1:8000/")
    news = NewsCMS(store, site=site, page_size=page_size)
    app = FastAPI(
        title=site.name,
        version=__version__,
        docs_url=f"{_API}/docs",
        redoc_url=None,
        openapi_url=f"{_API}/openapi.json",
        # Done by the pages' 404 handler, after the legacy URLs: "/x.html/" (the home
        # page of no edition) must not hide the legacy URL "/x.html".
        redirect_slashes=False,
    )
    news.install(app)
    pages = _Pages(news, _environment(templates))
    # The site's own handlers replace the adapter's: HTML for pages, problem+json for /api.
    app.add_exception_handler(NewsCMSError, pages.newscms_error)
    app.add_exception_handler(HTTPException, pages.http_error)
    app.add_exception_handler(Exception, pages.server_error)
    app.include_router(news.read_router(), prefix=_API)

    @app.api_route(_API + "/{rest:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def api_not_found(rest: str) -> Response:
        """Anything else under /api is no page (``api`` could read as a locale)."""
        raise HTTPException(404)

    app.mount("/static", StaticFiles(packages=[(_PACKAGE, "static")]), name="static")
    if media_dir is not None:
        app.mount("/media", StaticFiles(directory=media_dir, check_dir=True), name="media")
    pages.register(app)
    return app


def _environment(templates: str | Path | None) -> Environment:
    """Jinja2 with autoescaping everywhere; ``templates`` first, then the packaged ones."""
    packaged = PackageLoader(_PACKAGE, "templates")
    if templates is None:
        return Environment(loader=packaged, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    if not Path(templates).is_dir():
        raise ValidationError(f"no template directory at {templates}", field="templates")
    loader = ChoiceLoader([FileSystemLoader(templates), packaged])
    return Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)


class _Pages:
    """The HTML pages: one method per page, registered on the app by ``register``."""

    def __init__(self, news: NewsCMS, environment: Environment) -> None:
        self.news = news
        self.site = news.site
        self.default_locale = news.read_api.default_locale
        self.page_size = news.read_api.page_size
        self.env = environment
        # A page's bytes depend on the article, this newscms, the site and the templates:
        # all of them go into its entity tag, so an upgrade or a new template is no 304.
        sources = [
            environment.loader.get_source(environment, name)[0]
            for name in environment.list_templates()
            if environment.loader is not None
        ]
        site = self.site
        self.variant = weak_etag(
            __version__, site.name, site.base_url, repr(site.article_url), site.timezone, *sources
        )

    def register(self, app: FastAPI) -> None:
        """Add the pages' routes, most specific first (``search`` is no article's slug)."""
        # This module has no ``from __future__ import annotations``: FastAPI reads these
        # annotations at run time, and a local alias has no name in the module's globals.
        reader = Annotated[UnitOfWork, Depends(self.news.reader)]
        get = ["GET", "HEAD"]

        @app.api_route("/", methods=get, include_in_schema=False)
        def root(request: Request) -> Response:
            return RedirectResponse(self._links(request).home(self.default_locale), 302)

        @app.api_route("/robots.txt", methods=get, include_in_schema=False)
        def robots(request: Request) -> Response:
            sitemap = self._links(request).sitemap()
            return PlainTextResponse(f"User-agent: *\nAllow: /\nSitemap: {sitemap}\n")

        @app.api_route("/{locale}/", methods=get, include_in_schema=False)
        def home(request: Request, locale: str, uow: reader) -> Response:
            return self.home(request, uow, locale)

        @app.api_route("/{locale}/search", methods=get, include_in_schema=False)
        def search(request: Request, locale: str, uow: reader) -> Response:
            return self.search(request, uow, locale)

        @app.api_route("/{locale}/tags/{slug}", methods=get, include_in_schema=False)
        def tag(request: Request, locale: str, slug: str, uow: reader) -> Response:
            return self.tag(request, uow, locale, slug, region=False)

        @app.api_route("/{locale}/regions/{slug}", methods=get, include_in_schema=False)
        def region(request: Request, locale: str, slug: str, uow: reader) -> Response:
            return self.tag(request, uow, locale, slug, region=True)

        @app.api_route("/{locale}/people/{slug}", methods=get, include_in_schema=False)
        def person(request: Request, locale: str, slug: str, uow: reader) -> Response:
            return self.person(request, uow, locale, slug)

        @app.api_route("/{locale}/{slug}/print", methods=get, include_in_schema=False)
        def printable(request: Request, locale: str, slug: str, uow: reader) -> Response:
            return self.article(request, uow, locale, slug, printable=True)

        @app.api_route("/{locale}/{slug}", methods=get, include_in_schema=False)
        def article(request: Request, locale: str, slug: str, uow: reader) -> Response:
            return self.article(request, uow, locale, slug, printable=False)

    # -- pages -------------------------------------------------------------------------

    def home(self, request: Request, uow: UnitOfWork, locale: str) -> Response:
        """The latest public stories of one edition, ``page_size`` at a time."""
        links = self._links(request)
        wanted = self._edition(request, locale)
        if isinstance(wanted, Response):
            return wanted
        if wanted != locale:
            return self._moved(links.home(wanted), request)
        page = self._listing(
            request, lambda cursor: uow.articles.teasers(
                public=True, locale=wanted, limit=self.page_size, cursor=cursor
            )
        )  # fmt: skip
        if isinstance(page, Response):
            return page
        items, following = page
        return self._render(
            "home.html", request, wanted,
            teasers=teasers(items, self.site, links, self.default_locale), next_url=following,
        )  # fmt: skip

    def tag(
        self, request: Request, uow: UnitOfWork, locale: str, slug: str, *, region: bool
    ) -> Response:
        """A tag's (or region's) page: its name and its public stories in one edition."""
        links = self._links(request)
        try:
            found = uow.tags.get_by_slug(slug, locale=locale, kind="region" if region else None)
        except (ValidationError, NotFoundError) as error:
            return self._error(request, error, in_path=True)
        wanted = normalize_locale(locale)  # valid: the lookup checked it
        link = tag_link(found, wanted, links, self.default_locale)
        current = found.name_in(wanted, self.default_locale).slug
        if (wanted, current, region) != (locale, slug, link.kind == "region"):
            return self._moved(link.url, request)
        page = self._listing(
            request, lambda cursor: uow.articles.teasers(
                public=True, locale=wanted, tag=found.id, limit=self.page_size, cursor=cursor
            )
        )  # fmt: skip
        if isinstance(page, Response):
            return page
        items, following = page
        return self._render(
            "tag.html", request, wanted, tag=link,
            teasers=teasers(items, self.site, links, self.default_locale), next_url=following,
        )  # fmt: skip

    def person(self, request: Request, uow: UnitOfWork, locale: str, slug: str) -> Response:
        """A person's page: their name, bio and public stories in one edition."""
        links = self._links(request)
        try:
            found = uow.people.get_by_slug(locale, slug)
        except (ValidationError, NotFoundError) as error:
            return self._error(request, error, in_path=True)
        wanted = normalize_locale(locale)  # valid: the lookup checked it
        current = found.slugs.get(wanted, slug)
        page_url = links.person(wanted, current)
        if (wanted, current) != (locale, slug):  # a former slug, or a merged spelling's
            return self._moved(page_url, request)
        bio, _ = found.bio_in(uow.settings.locales.chain(wanted))
        page = self._listing(
            request, lambda cursor: uow.people.articles(
                found.id, locale=wanted, public=True, limit=self.page_size, cursor=cursor
            )
        )  # fmt: skip
        if isinstance(page, Response):
            return page
        items, following = page
        return self._render(
            "person.html", request, wanted, person=found.name, bio=bio, url=page_url,
            teasers=teasers(items, self.site, links, self.default_locale), next_url=following,
        )  # fmt: skip

    def search(self, request: Request, uow: UnitOfWork, locale: str) -> Response:
        """The search form and, for a query, its public hits in one edition."""
        links = self._links(request)
        wanted = self._edition(request, locale)
        if isinstance(wanted, Response):
            return wanted
        if wanted != locale:
            return self._moved(links.search(wanted), request)
        query = _first(request, "q") or ""
        if not query.strip():
            return self._render("search.html", request, wanted, query=query, teasers=None)
        page = self._listing(
            request, lambda cursor: uow.search.search(
                query, locale=wanted, public=True, limit=self.page_size, cursor=cursor
            )
        )  # fmt: skip
        if isinstance(page, Response):
            return page
        hits, following = page
        return self._render(
            "search.html", request, wanted, query=query, next_url=following,
            teasers=search_teasers(hits, self.site, links, self.default_locale),
        )  # fmt: skip

    def article(
        self, request: Request, uow: UnitOfWork, locale: str, slug: str, *, printable: bool
    ) -> Response:
        """An article's page (or its printable version), revalidated by its entity tag."""
        links = self._links(request)
        try:
            found = uow.articles.get_by_slug(locale, slug, public=True)
        except (ValidationError, NotFoundError) as error:
            return self._error(request, error, in_path=True)
        if (found.locale, found.slug) != (locale, slug):  # a former slug, or another spelling
            target = links.printable(found) if printable else self.site.url_for(found)
            return self._moved(target, request)
        incoming = () if printable else uow.relations.incoming(found.id)
        # What the page shows of the articles translating this one is not in its
        # fingerprint (that covers its own relations only), so it joins the tag.
        shown = [
            f"{r.source.id} {r.source.locale} {r.source.slug} {r.source.status}"
            for r in incoming
            if r.kind == "translation"
        ]
        kind = "print" if printable else "page"
        etag = weak_etag(self.variant, kind, found.fingerprint, *shown)
        decided = evaluate_preconditions(to_http_request(request), etag=etag, last_modified=None)
        if decided is not None:
            return to_response(decided)
        headers = {"ETag": etag}
        if printable:
            return HTMLResponse(to_print_html(found, site=self.site), headers=headers)
        view = article_view(
            found, self.site, links, default_locale=self.default_locale, incoming=incoming
        )
        return self._render("article.html", request, found.locale, article=view, headers=headers)

    # -- errors ------------------------------------------------------------------------

    async def newscms_error(self, request: Request, error: Exception) -> Response:
        """A refused request: problem+json under ``/api``, an error page elsewhere."""
        if _in_api(request):
            return to_response(problem_response(error))
        # A 404 page first asks the store for a legacy URL: off the event loop.
        return await run_in_threadpool(self._error, request, error)

    async def http_error(self, request: Request, error: Exception) -> Response:
        """No such route (404) or method (405): FastAPI's JSON under ``/api``, else a page.

        When no route matched, a legacy URL has the first turn (a 301 to its article),
        then the same path with or without its final slash (a 307, Starlette's rule).
        """
        assert isinstance(error, HTTPException)
        if error.status_code == 404 and request.scope.get("route") is None:
            try:
                moved = await run_in_threadpool(self._legacy_redirect, request)
            except NewsCMSError as failure:  # the store is unready or unreachable: a 503
                return await self.newscms_error(request, failure)
            if moved is None:
                moved = _slash_twin(request)
            if moved is not None:
                return moved
        if _in_api(request):
            return await http_exception_handler(request, error)
        if error.status_code == 404:
            return self._not_found_page(request)
        detail = str(error.detail)
        return self._render(
            "error.html", request, self._page_locale(request), status=error.status_code,
            title=detail, detail=detail, headers=dict(error.headers or {}),
        )  # fmt: skip

    async def server_error(self, request: Request, error: Exception) -> Response:
        """A bug: a 500 that shows nothing of it (``problem_response`` logs it)."""
        if _in_api(request):
            return to_response(problem_response(error))
        return self._error(request, error)

    def _error(self, request: Request, error: BaseException, *, in_path: bool = False) -> Response:
        """The error page of ``error``: the status, title and detail of its problem response."""
        answer = problem_response(error, in_path=in_path)
        if answer.status == 404:
            return self._not_found(request)
        assert isinstance(answer.body, bytes)
        problem = json.loads(answer.body)
        headers = {name: value for name, value in answer.headers if name != "Content-Type"}
        return self._render(
            "error.html", request, self._page_locale(request), status=answer.status,
            title=problem["title"], detail=problem["detail"], headers=headers,
        )  # fmt: skip

    def _not_found(self, request: Request) -> Response:
        """The 404 page, unless the address is a legacy URL of a public article (a 301)."""
        moved = self._legacy_redirect(request)
        return moved if moved is not None else self._not_found_page(request)

    def _not_found_page(self, request: Request) -> Response:
        locale = self._page_locale(request)
        words = chrome(locale, self.site, self._links(request)).labels
        return self._render(
            "error.html", request, locale, status=404,
            title=words["not_found"], detail=words["not_found_detail"],
        )  # fmt: skip

    def _legacy_redirect(self, request: Request) -> Response | None:
        """301 to the public article whose legacy URL the request is, else None.

        The old site's address is matched on its path and query as the client sent
        them (percent-encoding as it was: ``%2F`` is not ``/``); the query is part of
        it, so it is not carried over to the new address.
        """
        if request.method not in ("GET", "HEAD") or _in_api(request):
            return None
        target = _request_target(request)
        if target is None:
            return None
        try:
            found = self.news.store.resolve_legacy(target)
        except (ValidationError, NotFoundError):
            return None
        return RedirectResponse(self.site.url_for(found), 301)

    # -- helpers -----------------------------------------------------------------------

    def _render(
        self,
        name: str,
        request: Request,
        locale: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> Response:
        page = chrome(locale, self.site, self._links(request))
        text = self.env.get_template(name).render(chrome=page, words=page.labels, **context)
        return HTMLResponse(text, status_code=status, headers=headers)

    def _links(self, request: Request) -> Links:
        """This app's URLs, under the prefix it is mounted at (not ``request.base_url``)."""
        prefix = str(request.scope.get("root_path", "")).rstrip("/")
        return Links(str(request.url.replace(path=prefix + "/", query="", fragment="")))

    def _edition(self, request: Request, locale: str) -> str | Response:
        """The locale of the URL in its canonical spelling, or the 404 page of a bad one."""
        try:
            return normalize_locale(locale)
        except ValidationError as error:
            return self._error(request, error, in_path=True)

    def _page_locale(self, request: Request) -> str:
        """The edition of an error page: the first path segment if a locale, else the default."""
        first = _path(request).split("/")[1]
        try:
            return normalize_locale(first) if first else self.default_locale
        except ValidationError:
            return self.default_locale

    def _listing(
        self, request: Request, read: Callable[[str | None], Any]
    ) -> tuple[tuple[Any, ...], str | None] | Response:
        """A page of a listing at the request's ``cursor``, and the next page's URL."""
        try:
            page = read(_first(request, "cursor") or None)
        except (InvalidCursorError, QueryError, ValidationError) as error:
            return self._error(request, error)
        return page.items, next_link(page, to_http_request(request))

    def _moved(self, url: str, request: Request) -> Response:
        """301 to the page's current address, the query kept (a former slug, another spelling)."""
        query = urlsplit(str(request.url)).query
        return RedirectResponse(f"{url}?{query}" if query else url, 301)


def _first(request: Request, name: str) -> str | None:
    """The first value of query parameter ``name``."""
    values = request.query_params.getlist(name)
    return values[0] if values else None


def _path(request: Request) -> str:
    """The request's path inside this app (without the prefix it is mounted under)."""
    path: str = request.url.path
    return path.removeprefix(request.scope.get("root_path", "")) or "/"


# Legacy URLs match on path and query alone, so this host is a stand-in: in an absolute
# URL a path starting with "//" stays a path (alone, "//x/y" would name the host x).
_LEGACY_BASE = "http://legacy.invalid"
# What a path carries unescaped (RFC 3986), when the server gives no raw path to read.
_PATH_SAFE = "/!$&'()*+,;=:@"


def _request_target(request: Request) -> str | None:
    """The request's path (inside this app) and query as the client sent them, as a URL.

    None when the client sent bytes that are not UTF-8, which no legacy URL holds.
    """
    raw = request.scope.get("raw_path")
    try:
        if isinstance(raw, bytes):
            path = raw.decode("utf-8").partition("?")[0]
            root = str(request.scope.get("root_path", ""))
            if root and path.startswith(root):
                path = path[len(root) :] or "/"
        else:
            path = quote(_path(request), safe=_PATH_SAFE)
        query = bytes(request.scope.get("query_string", b"")).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return f"{_LEGACY_BASE}{path}?{query}" if query else f"{_LEGACY_BASE}{path}"


def _slash_twin(request: Request) -> Response | None:
    """307 to the path with (or without) its final slash when a route has that one.

    What Starlette's router does with ``redirect_slashes``, which ``create_app`` turns
    off so that legacy URLs are asked first.
    """
    path = _path(request)
    if path == "/":
        return None
    scope = dict(request.scope)
    scope["path"] = scope["path"].rstrip("/") if path.endswith("/") else scope["path"] + "/"
    for route in request.app.router.routes:
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            return RedirectResponse(str(URL(scope=scope)), 307)
    return None


def _in_api(request: Request) -> bool:
    path = _path(request)
    return path == _API or path.startswith(_API + "/")
