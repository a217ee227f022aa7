"""The public read API as a route table: articles, tags, search, feeds and sitemaps.

Every handler takes ``(uow, request, **path_params)`` and returns an ``HttpResponse``;
an adapter registers each route with its framework and gives the handler a read-only
unit of work. What each route answers, and how it can be cached, is in docs/http.md.
"""

from __future__ import annotations

import hashlib
import re
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any

from newscms._version import __version__
from newscms.errors import NotFoundError, ValidationError
from newscms.formats import (
    iter_atom,
    iter_news_sitemap,
    iter_rss,
    iter_sitemap,
    to_json,
    to_jsonld,
    to_ninjs,
)
from newscms.formats.feeds import last_modified
from newscms.formats.sitemaps import MAX_URLS, NEWS_MAX_URLS, NEWS_WINDOW
from newscms.http._conditional import (
    etag_for,
    evaluate_preconditions,
    validator_headers,
    weak_etag,
)
from newscms.http._links import link_header, next_link, replace_segments, without_query
from newscms.http._messages import HttpResponse, Route, json_body
from newscms.http._problems import problem_response
from newscms.http._projection import search_hit, teaser
from newscms.http._streams import close_body, gathered
from newscms.store.streaming import ARTICLE_BATCH, stream_sitemap_entries
from newscms.utils.locales import normalize_locale

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import datetime

    from newscms.domain import Article, Page
    from newscms.formats import Site
    from newscms.http._messages import HttpRequest
    from newscms.store import UnitOfWork

__all__ = ["JSON", "JSON_LD", "ReadAPI", "finish"]

JSON = "application/json"
JSON_LD = "application/ld+json"
_RSS = "application/rss+xml"
_ATOM = "application/atom+xml"
_XML = "application/xml"


class ReadAPI:
    """The GET routes of a public news site's API, for an adapter to mount.

    Args:
        site: Builds article URLs (teasers, feeds, sitemaps, JSON-LD) and names the feeds.
        default_locale: The edition listed and searched when ``?locale=`` is absent.
        page_size: Items per listing page when ``?limit=`` is absent (1 to 200).
        feed_size: Items per feed (1 to 200).
        cache_control: A ``Cache-Control`` value sent with every 200 and 304 (for
            example ``"public, max-age=60"``); none by default. Its lifetimes are
            lowered for an article that expires sooner.

    Raises:
        ValidationError: A size out of range, or a bad ``default_locale``.
    """

    def __init__(
        self,
        *,
        site: Site,
        default_locale: str = "en",
        page_size: int = 20,
        feed_size: int = 50,
        cache_control: str | None = None,
    ) -> None:
        self.site = site
        self.default_locale = normalize_locale(default_locale)
        self.page_size = _size(page_size, "page_size")
        self.feed_size = _size(feed_size, "feed_size")
        self.cache_control = cache_control
        # Feeds are validated by the articles they list (a weak ETag) and by everything
        # else their bytes depend on: this library's version and the site's settings.
        url = site.article_url
        template = url if isinstance(url, str) else getattr(url, "__qualname__", repr(url))
        self._variant = weak_etag(
            __version__, site.name, site.base_url, template, site.logo_url or "",
            site.publisher_name, site.timezone, str(self.feed_size),
        )  # fmt: skip
        listing = ("locale", "limit", "cursor")
        self.routes: tuple[Route, ...] = (
            Route("articles", "GET", "/articles", False, self._articles, (*listing, "tag")),
            Route("article", "GET", "/articles/{locale}/{slug}", False, self._article),
            Route("article_ninjs", "GET", "/articles/{locale}/{slug}/ninjs", False, self._ninjs),
            Route("article_jsonld", "GET", "/articles/{locale}/{slug}/jsonld", False, self._jsonld),
            Route("tag", "GET", "/tags/{locale}/{slug}", False, self._tag, ("limit", "cursor")),
            Route("search", "GET", "/search", False, self._search, ("q", *listing)),
            Route("feed_rss", "GET", "/feeds/{locale}/rss", False, self._feed_rss),
            Route("feed_atom", "GET", "/feeds/{locale}/atom", False, self._feed_atom),
            Route("sitemap", "GET", "/sitemap.xml", False, self._sitemap),
            Route("news_sitemap", "GET", "/news-sitemap.xml", False, self._news_sitemap),
        )  # fmt: skip

    # -- articles ----------------------------------------------------------------------

    def _article(
        self, uow: UnitOfWork, request: HttpRequest, locale: str, slug: str
    ) -> HttpResponse:
        found = self._find(uow, request, locale, slug, keep=0)
        if isinstance(found, HttpResponse):
            return found
        return self._send(
            request, lambda: json_body(to_json(found)), JSON,
            etag=etag_for(found), modified=last_modified(found), until=_until(uow, found),
        )  # fmt: skip

    def _ninjs(self, uow: UnitOfWork, request: HttpRequest, locale: str, slug: str) -> HttpResponse:
        found = self._find(uow, request, locale, slug, keep=1)
        if isinstance(found, HttpResponse):
            return found
        body = json_body(to_ninjs(found, site=self.site))
        return self._send(
            request, lambda: body, JSON,
            etag=_strong(body), modified=last_modified(found), until=_until(uow, found),
        )  # fmt: skip

    def _jsonld(
        self, uow: UnitOfWork, request: HttpRequest, locale: str, slug: str
    ) -> HttpResponse:
        found = self._find(uow, request, locale, slug, keep=1)
        if isinstance(found, HttpResponse):
            return found
        body = json_body(to_jsonld(found, site=self.site))
        return self._send(
            request, lambda: body, JSON_LD,
            etag=_strong(body), modified=last_modified(found), until=_until(uow, found),
        )  # fmt: skip

    def _find(
        self, uow: UnitOfWork, request: HttpRequest, locale: str, slug: str, *, keep: int
    ) -> Article | HttpResponse:
        """The public article at (locale, slug); a 404, or a 301 to its current address."""
        try:
            article = uow.articles.get_by_slug(locale, slug, public=True)
        except (ValidationError, NotFoundError) as error:
            return problem_response(error, in_path=True)
        if (article.locale, article.slug) != (locale, slug):
            return _moved(request, (article.locale, article.slug), keep=keep)
        return article

    # -- listings ----------------------------------------------------------------------

    def _articles(self, uow: UnitOfWork, request: HttpRequest) -> HttpResponse:
        page = uow.articles.teasers(
            public=True,
            locale=_param(request, "locale") or self.default_locale,
            tag=_param(request, "tag"),
            limit=self._limit(request),
            cursor=_param(request, "cursor"),
        )
        return self._listing(request, page, [teaser(a, self.site) for a in page.items])

    def _tag(self, uow: UnitOfWork, request: HttpRequest, locale: str, slug: str) -> HttpResponse:
        try:
            tag = uow.tags.get_by_slug(slug, locale=locale)
        except (ValidationError, NotFoundError) as error:
            return problem_response(error, in_path=True)
        wanted = normalize_locale(locale)  # valid: the lookup checked it
        current = tag.name_in(wanted, self.default_locale).slug
        if (wanted, current) != (locale, slug):
            return _moved(request, (wanted, current), keep=0)
        page = uow.articles.teasers(
            public=True,
            locale=wanted,
            tag=tag.id,
            limit=self._limit(request),
            cursor=_param(request, "cursor"),
        )
        items = [teaser(a, self.site) for a in page.items]
        return self._listing(request, page, items, tag=to_json(tag))

    def _search(self, uow: UnitOfWork, request: HttpRequest) -> HttpResponse:
        page = uow.search.search(
            request.query.get("q", ""),
            locale=_param(request, "locale") or self.default_locale,
            public=True,
            limit=self._limit(request),
            cursor=_param(request, "cursor"),
        )
        return self._listing(request, page, [search_hit(hit, self.site) for hit in page.items])

    def _listing(
        self, request: HttpRequest, page: Page[Any], items: list[dict[str, Any]], **extra: Any
    ) -> HttpResponse:
        """A page as ``{..., "items", "next"}`` with its ``Link``; weakly tagged by its bytes."""
        following = next_link(page, request)
        body = json_body({**extra, "items": items, "next": following})
        headers = (link_header(following),) if following else ()
        return self._send(request, lambda: body, JSON, etag=weak_etag(body), headers=headers)

    def _limit(self, request: HttpRequest) -> int:
        raw = _param(request, "limit")
        if raw is None:
            return self.page_size
        if raw.isascii() and raw.isdigit() and len(raw) <= 9:
            return int(raw)
        # Not a number: 0 is out of range too, so the store refuses it with its own
        # message and field ("limit: must be an integer from 1 to 200").
        return 0

    # -- feeds and sitemaps ------------------------------------------------------------

    def _feed_rss(self, uow: UnitOfWork, request: HttpRequest, locale: str) -> HttpResponse:
        return self._feed(uow, request, locale, "rss")

    def _feed_atom(self, uow: UnitOfWork, request: HttpRequest, locale: str) -> HttpResponse:
        return self._feed(uow, request, locale, "atom")

    def _feed(self, uow: UnitOfWork, request: HttpRequest, locale: str, kind: str) -> HttpResponse:
        """The newest public articles of one locale as a feed, streamed item by item."""
        try:
            page = uow.articles.list(public=True, locale=locale, limit=self.feed_size)
        except ValidationError as error:
            return problem_response(error, in_path=True)
        wanted = normalize_locale(locale)
        if wanted != locale:
            return _moved(request, (wanted,), keep=1)
        articles = page.items
        etag = weak_etag(self._variant, kind, *(article.fingerprint for article in articles))
        modified = max((last_modified(a) for a in articles), default=None)
        site = self.site
        common: dict[str, Any] = {
            "site": site, "title": site.name, "link": site.base_url, "locale": wanted,
            "self_url": without_query(request.url),
        }  # fmt: skip
        chunks: Callable[[], Iterator[bytes]]
        if kind == "rss":
            chunks = partial(iter_rss, articles, description=site.name, **common)
            media = _RSS
        else:
            updated = None if articles else uow.now()  # an empty Atom feed needs a date
            chunks = partial(iter_atom, articles, updated=updated, **common)
            media = _ATOM
        return self._send(request, lambda: gathered(chunks()), media, etag=etag, modified=modified)

    def _sitemap(self, uow: UnitOfWork, request: HttpRequest) -> HttpResponse:
        """Every public article's URL, newest first, up to the protocol's 50,000, streamed."""
        entries = islice(stream_sitemap_entries(uow), MAX_URLS)
        return self._send(request, lambda: gathered(iter_sitemap(entries, site=self.site)), _XML)

    def _news_sitemap(self, uow: UnitOfWork, request: HttpRequest) -> HttpResponse:
        """The public articles of the last two days (at most 1,000), streamed."""
        now = uow.now()
        entries = stream_sitemap_entries(uow, published_after=now - NEWS_WINDOW)
        recent = islice(entries, NEWS_MAX_URLS)
        return self._send(
            request, lambda: gathered(iter_news_sitemap(recent, site=self.site, now=now)), _XML
        )

    # -- answering ---------------------------------------------------------------------

    def _send(
        self,
        request: HttpRequest,
        render: Callable[[], bytes | Iterator[bytes]],
        media_type: str,
        *,
        etag: str | None = None,
        modified: datetime | None = None,
        headers: Sequence[tuple[str, str]] = (),
        until: int | None = None,
    ) -> HttpResponse:
        """200 with the rendered body, or the 304 / 412 its validators decide; HEAD has no body.

        ``until`` is how many seconds the representation stays public (an article that
        expires): no cache lifetime of ``Cache-Control`` goes beyond it.
        """
        control = self.cache_control
        if control and until is not None:
            control = _CACHE_LIFETIME.sub(lambda m: f"{m[1]}={min(int(m[2]), until)}", control)
        cache = (("Cache-Control", control),) if control else ()
        validators = validator_headers(etag, modified)
        decided = evaluate_preconditions(request, etag=etag, last_modified=modified)
        if decided is not None:
            if decided.status == 304:
                return HttpResponse(304, (*decided.headers, *cache))
            return decided
        response = HttpResponse(
            200, (("Content-Type", media_type), *validators, *cache, *headers), render()
        )
        return finish(request, response)


def finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """``response`` as the answer to ``request``: without its body for HEAD.

    A HEAD response keeps every header field of the GET one, with the body's
    ``Content-Length`` when it is known; a streamed body is closed unread.
    """
    if request.method != "HEAD":
        return response
    headers = response.headers
    if isinstance(response.body, bytes):
        headers = (*headers, ("Content-Length", str(len(response.body))))
    else:
        close_body(response.body)
    return HttpResponse(response.status, headers)


def _moved(request: HttpRequest, current: Sequence[str], *, keep: int) -> HttpResponse:
    """301 to the address of the current (locale, slug): the old one was a former name."""
    location = replace_segments(request.url, current, keep=keep)
    return finish(request, HttpResponse(301, (("Location", location),)))


def _param(request: HttpRequest, name: str) -> str | None:
    """A query parameter's value; an empty one (``?locale=``) counts as absent."""
    value = request.query.get(name)
    return value or None


_CACHE_LIFETIME = re.compile(r"\b(max-age|s-maxage|stale-while-revalidate)=(\d+)", re.I)


def _until(uow: UnitOfWork, article: Article) -> int | None:
    """Whole seconds until ``article`` expires (leaves public view), or None if it never does."""
    if article.expires_at is None:
        return None
    return max(0, int((article.expires_at - uow.now()).total_seconds()))


def _strong(body: bytes) -> str:
    """A strong entity tag of exactly these bytes."""
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _size(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ARTICLE_BATCH:
        raise ValidationError(f"must be an integer from 1 to {ARTICLE_BATCH}", field=field)
    return value
