"""Exports: any delivery format of stored articles, streamed to a file, a stream or a directory.

``export(store, "rss", Path("feed.rss"), site=site, filters=ExportFilter(locale="en"))``
reads one consistent snapshot of the store (``read_snapshot``) and streams the listing
into the format's writer, so the largest export holds one page of articles at a time
(a sitemap, one small entry). ``newscms export`` is a thin shell over it, and
``write_demo_outputs`` renders the demo's feeds, sitemaps and sample article with it.
``export_redirects(store, target, site=site, format="nginx")`` writes the redirect map
of the articles' legacy URLs (CSV, or an nginx ``map`` block) the same way, to the same
kinds of destination.

=================  =============================================================
``json``           the JSON form: one article, or a listing as a ``Page`` document
``ninjs``          IPTC ninjs: one item, or a JSON array of items
``jsonld``         schema.org ``NewsArticle``: one document, or a JSON array
``rss``, ``atom``  a feed of the newest public articles (50 unless ``limit``)
``sitemap``        ``sitemap.xml`` (the index) and ``sitemap-1.xml``, ... in a directory
``news-sitemap``   the Google News sitemap: ``news-sitemap.xml`` and its files
``print``          plain text (articles separated by a form feed) or, for one
                   article, the print-styled HTML page
=================  =============================================================

Feeds and sitemaps list what the public sees (sitemaps nothing else); the other formats
take every status unless told otherwise. An export writes through to what its path
names. A regular file (or a new path) is written beside itself, synced and renamed
into place when complete, so a failed export leaves the previous file as it was; a
symbolic link is followed and its target replaced the same way, so the link stays.
Anything else (``/dev/stdout``, ``/dev/null``, a terminal, a FIFO) is written as a
stream, never replaced, and a write it refuses (``/dev/full``) is an error. A directory
is refused, but for the sitemaps: a sitemap directory gets its new files by rename
too, and loses the numbered files of an earlier, longer sitemap.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import secrets
import stat
import textwrap
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, TypeAlias, TypeVar
from urllib.parse import urlsplit

from newscms.errors import ValidationError
from newscms.formats import (
    Site,
    dump_json,
    to_json,
    to_jsonld,
    to_ninjs,
    to_print_html,
    to_text,
    write_atom,
    write_news_sitemaps,
    write_rss,
    write_sitemaps,
)
from newscms.formats.sitemaps import NEWS_WINDOW
from newscms.services.importing import portable_name
from newscms.store.legacy_urls import stream_redirects
from newscms.store.streaming import read_snapshot, stream_articles, stream_sitemap_entries

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from datetime import datetime
    from uuid import UUID

    from newscms.domain import Article, Status
    from newscms.formats import NinjsVersion, SitemapItem
    from newscms.store import Store, UnitOfWork

__all__ = [
    "DEFAULT_URL_TEMPLATE",
    "DEMO_SITE",
    "FEED_LIMIT",
    "FORMATS",
    "NGINX_VARIABLE",
    "REDIRECT_FORMATS",
    "SAMPLE_SLUG",
    "ExportFilter",
    "ExportFormat",
    "ExportOptions",
    "ExportResult",
    "RedirectFormat",
    "export",
    "export_redirects",
    "make_site",
    "write_demo_outputs",
]

T = TypeVar("T")

ExportFormat = Literal["json", "ninjs", "jsonld", "rss", "atom", "sitemap", "news-sitemap", "print"]

RedirectFormat = Literal["csv", "nginx"]
"""A format of ``export_redirects``: a CSV file, or an nginx ``map`` block."""

REDIRECT_FORMATS: tuple[RedirectFormat, ...] = ("csv", "nginx")
"""The formats of ``export_redirects``."""

NGINX_VARIABLE = "newscms_redirect"
"""The variable the nginx redirect map sets: ``$newscms_redirect``, empty for other URLs."""

FEED_LIMIT = 50
"""Articles in a feed unless the filter's ``limit`` says otherwise."""

DEFAULT_URL_TEMPLATE = "{base_url}/{locale}/{slug}"
"""The article URL template of ``make_site``: ``{base_url}`` plus ``Site``'s placeholders."""

PROGRESS_STEP = 500
"""Articles between two calls of an export's ``progress`` callback."""

SAMPLE_SLUG = "beijing-does-not-want-to-help-pyongyang-in-its-arms-race"
"""The slug of the page newscms was made for, as the legacy importer stores it (locale en)."""

DEMO_SITE = Site(
    name="AsiaNews",
    base_url="https://www.asianews.it/",
    article_url="https://www.asianews.it/news-{language}/{slug}",
    timezone="Europe/Rome",
)
"""The site the demo's outputs link to: the examples are AsiaNews pages."""

_INDEX_NAMES = {"sitemap": "sitemap", "news-sitemap": "news-sitemap"}


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which stored articles an export takes; every field is optional.

    Attributes:
        locale: Only this locale (also the feed's language and the locale of ``slug``
            and ``tag``; the store's default locale when None).
        tag: Only articles with the tag of this slug.
        tag_kind: The kind of ``tag`` (when two kinds share a slug), or alone: only
            articles with a tag of this kind.
        status: Only this status, as readers see it.
        public: Only what the public sees now; None takes the format's default (feeds
            and sitemaps: True, the others: False).
        limit: At most this many articles, newest first; None takes the format's
            default (feeds: ``FEED_LIMIT``, the others: all).
        slug: One article (``json``, ``ninjs``, ``jsonld`` and ``print`` only).
    """

    locale: str | None = None
    tag: str | None = None
    tag_kind: str | None = None
    status: Status | str | None = None
    public: bool | None = None
    limit: int | None = None
    slug: str | None = None


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """How a format writes what the filter took.

    Attributes:
        ninjs_version: ``"2.2"`` or ``"2.1"``.
        full_content: Feeds carry each body as HTML, not only the summary.
        html: ``print`` writes the print-styled HTML page instead of plain text.
        title: The feed's title (default: the site's name).
        description: The feed's description (default: "The latest articles from ...").
        feed_url: Where the feed itself will be served (its ``self`` link).
        files_url: Where a sitemap directory will be served (default: the site's
            home page), so the index can name its files.
        now: The end of the Google News sitemap's two days (default: the store's now).
    """

    ninjs_version: NinjsVersion = "2.2"
    full_content: bool = False
    html: bool = False
    title: str | None = None
    description: str | None = None
    feed_url: str | None = None
    files_url: str | None = None
    now: datetime | None = None


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote.

    Attributes:
        format: The format's name.
        count: Articles written (for sitemaps: URLs listed).
        paths: Files written, in order (a sitemap's index last); empty for a stream.
    """

    format: str
    count: int
    paths: tuple[Path, ...] = ()


@dataclass
class _Job:
    """One export under way: its snapshot, site, filters, options and destination."""

    format: str
    uow: UnitOfWork
    site: Site | None
    filters: ExportFilter
    options: ExportOptions
    public: bool
    limit: int | None
    progress: Callable[[int], None] | None
    out: IO[bytes] | None = None
    directory: Path | None = None
    paths: list[Path] = field(default_factory=list)

    def needs_site(self) -> Site:
        if self.site is None:
            raise ValidationError(
                f"the {self.format} format links to the articles: give a site "
                "(site=..., or --base-url on the command line)",
                field="site",
            )
        return self.site

    def one(self) -> Article:
        """The article named by the filter's slug."""
        assert self.filters.slug is not None
        locale = self.filters.locale or self.uow.settings.default_locale
        return self.uow.articles.get_by_slug(locale, self.filters.slug, public=self.public)

    def articles(self) -> Iterator[Article]:
        """The filtered listing, newest first, streamed and reported to ``progress``."""
        return self.reporting(self.listing())

    def listing(self, *, since: datetime | None = None) -> Iterator[Article]:
        """The filtered listing (published at or after ``since``), newest first.

        Its first page is read now, so a filter the store refuses fails before a
        byte is written (to a stream, nothing could take it back).
        """
        f = self.filters
        tag_id = self.tag_id()
        return _started(
            stream_articles(
                self.uow,
                public=self.public,
                locale=f.locale,
                status=f.status,
                tag=tag_id,
                tag_kind=f.tag_kind if tag_id is None else None,
                published_after=since,
                limit=self.limit,
            )
        )

    def tag_id(self) -> UUID | None:
        f = self.filters
        if f.tag is None:
            return None
        locale = f.locale or self.uow.settings.default_locale
        return self.uow.tags.get_by_slug(f.tag, locale=locale, kind=f.tag_kind).id

    def reporting(self, items: Iterable[T]) -> Iterator[T]:
        """``items`` again, telling ``progress`` how many went by."""
        return _reported(items, self.progress)

    @property
    def stream(self) -> IO[bytes]:
        assert self.out is not None
        return self.out


def _reported(items: Iterable[T], progress: Callable[[int], None] | None) -> Iterator[T]:
    """``items`` again, telling ``progress`` how many went by (every ``PROGRESS_STEP``)."""
    if progress is None:
        yield from items
        return
    done = 0
    for item in items:
        yield item
        done += 1
        if done % PROGRESS_STEP == 0:
            progress(done)
    progress(done)


def _started(items: Iterator[T]) -> Iterator[T]:
    """``items`` with its first one already taken (and any error it raises raised)."""
    first = list(itertools.islice(items, 1))
    return itertools.chain(first, items)


def make_site(
    base_url: str,
    *,
    name: str | None = None,
    url_template: str = DEFAULT_URL_TEMPLATE,
    timezone: str = "UTC",
) -> Site:
    """A ``Site`` from plain settings, as the command line gives them.

    Args:
        base_url: The site's home page.
        name: The publication's name (default: the home page's host name).
        url_template: Article URLs: ``{base_url}`` (the home page without its final
            slash) and the placeholders of ``newscms.formats.site.TEMPLATE_FIELDS``.
        timezone: The newsroom's IANA zone.

    Raises:
        ValidationError: A setting is not valid (``field`` names it).
    """
    if not isinstance(base_url, str) or not base_url.strip():
        raise ValidationError("a site needs its home page URL", field="base_url")
    home = base_url.strip()
    if name is None:
        name = urlsplit(home).hostname or home
    template = url_template.replace("{base_url}", home.rstrip("/"))
    return Site(name=name, base_url=home, article_url=template, timezone=timezone)


def export(
    store: Store,
    format: ExportFormat | str,
    target: Path | str | IO[bytes],
    *,
    site: Site | None = None,
    filters: ExportFilter | None = None,
    options: ExportOptions | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write stored articles in one of the ``FORMATS``, streaming from one snapshot.

    Args:
        store: Where the articles are.
        format: One of ``FORMATS``.
        target: A file path, a binary stream (stdout, a response), or for the two
            sitemap formats a directory.
        site: The publication (URLs, name, zone); needed by every format but ``json``,
            ``ninjs`` and ``print``, which use it when given.
        filters: Which articles; see ``ExportFilter``.
        options: How to write them; see ``ExportOptions``.
        progress: Called with the number of articles done, every ``PROGRESS_STEP``
            articles and at the end.

    Returns:
        The count of articles (or URLs) and the files written.

    Raises:
        ValidationError: An unknown format, a filter the format cannot take, a missing
            site, or a destination that cannot be written (``field`` names it).
        NotFoundError: The ``slug`` or ``tag`` of the filter does not exist.
    """
    spec = FORMATS.get(str(format))
    if spec is None:
        raise ValidationError(f"{format!r} is not one of {', '.join(FORMATS)}", field="format")
    name = str(format)
    filters = filters or ExportFilter()
    options = options or ExportOptions()
    spec.check(name, filters, options, target)
    public = spec.public if filters.public is None else filters.public
    limit = spec.limit if filters.limit is None else filters.limit
    with read_snapshot(store) as uow:
        job = _Job(name, uow, site, filters, options, public, limit, progress)
        if spec.directory:
            job.directory = Path(target)  # type: ignore[arg-type]  # check() refused streams
            count = spec.writer(job)
        else:

            def write(out: IO[bytes]) -> int:
                job.out = out
                return spec.writer(job)

            count, paths = _deliver(target, name, write)
            job.paths += paths
    return ExportResult(format=name, count=count, paths=tuple(job.paths))


def _deliver(
    target: Path | str | IO[bytes], format: str, write: Callable[[IO[bytes]], int]
) -> tuple[int, list[Path]]:
    """``write`` into what ``target`` names (see ``_output``) or into the stream it is.

    Returns:
        What ``write`` returned (the count written) and the file written, if any.

    Raises:
        ValidationError: The destination cannot be written (field ``output``).
    """
    if isinstance(target, str | Path):
        path = Path(target)
        with _output(path, format) as out:
            count = write(out)
        return count, [path]
    try:
        return write(target), []
    except OSError as exc:  # the stream refused a write: full, closed, gone
        called = getattr(target, "name", None)  # "<stdout>", a file's path
        shown = called if isinstance(called, str) else "the output stream"
        reason = exc.strerror or str(exc)
        raise ValidationError(f"cannot write {shown}: {reason}", field="output") from None


# -- the formats -----------------------------------------------------------------------


def _json(job: _Job) -> int:
    if job.filters.slug is not None:
        job.stream.write(dump_json(job.one()).encode() + b"\n")
        return 1
    # The listing is the JSON form of a Page (docs/schema/page.json), written an item
    # at a time: the same text json.dumps would give for the whole page.
    out, articles = job.stream, job.articles()
    out.write(b'{\n  "items": ')
    count = _json_list(out, (to_json(article) for article in articles), depth=1)
    out.write(b',\n  "next_cursor": null\n}\n')
    return count


def _ninjs(job: _Job) -> int:
    version = job.options.ninjs_version

    def item(article: Article) -> dict[str, object]:
        return to_ninjs(article, site=job.site, version=version)

    return _json_documents(job, item)


def _jsonld(job: _Job) -> int:
    site = job.needs_site()
    return _json_documents(job, lambda article: to_jsonld(article, site=site))


def _json_documents(job: _Job, document: Callable[[Article], dict[str, object]]) -> int:
    """One document for ``slug``, else a JSON array of the listing's documents."""
    out = job.stream
    if job.filters.slug is not None:
        text = json.dumps(document(job.one()), ensure_ascii=False, indent=2)
        out.write(text.encode() + b"\n")
        return 1
    count = _json_list(out, (document(article) for article in job.articles()), depth=0)
    out.write(b"\n")
    return count


def _json_list(out: IO[bytes], documents: Iterable[object], *, depth: int) -> int:
    """Write a JSON array as ``json.dumps(..., indent=2)`` would, one document at a time."""
    pad = "  " * (depth + 1)
    count = 0
    for document in documents:
        text = textwrap.indent(json.dumps(document, ensure_ascii=False, indent=2), pad)
        out.write(((",\n" if count else "[\n") + text).encode())
        count += 1
    out.write(b"[]" if not count else ("\n" + "  " * depth + "]").encode())
    return count


def _print(job: _Job) -> int:
    out = job.stream
    if job.options.html:
        out.write(to_print_html(job.one(), site=job.site).encode())
        return 1
    if job.filters.slug is not None:
        out.write(to_text(job.one(), site=job.site).encode())
        return 1
    count = 0
    for article in job.articles():
        # A form feed between articles: each starts on a new sheet when printed.
        out.write((("\f\n" if count else "") + to_text(article, site=job.site)).encode())
        count += 1
    return count


def _feed(job: _Job) -> int:
    site = job.needs_site()
    o = job.options
    title = o.title or site.name
    description = o.description or f"The latest articles from {site.name}"
    locale = job.filters.locale
    articles = job.articles()
    if job.format == "rss":
        return write_rss(
            articles, job.stream, site=site, title=title, link=site.base_url,
            description=description, locale=locale, self_url=o.feed_url,
            full_content=o.full_content,
        )  # fmt: skip
    # An empty Atom feed still needs its "updated": the snapshot's moment.
    first = next(articles, None)
    updated = job.uow.now() if first is None else None
    listing = articles if first is None else itertools.chain([first], articles)
    return write_atom(
        listing, job.stream, site=site, title=title, link=site.base_url,
        description=description, locale=locale, self_url=o.feed_url,
        full_content=o.full_content, updated=updated,
    )  # fmt: skip


def _sitemap(job: _Job) -> int:
    site = job.needs_site()
    news = job.format == "news-sitemap"
    now = job.options.now or job.uow.now()
    files_url = job.options.files_url or site.base_url
    assert job.directory is not None
    with _directory(job.directory, _INDEX_NAMES[job.format]) as scratch:
        entries = job.reporting(_sitemap_items(job, since=now - NEWS_WINDOW if news else None))
        if news:
            written = write_news_sitemaps(
                entries, scratch, site=site, files_url=files_url, now=now, name="news-sitemap"
            )
        else:
            written = write_sitemaps(entries, scratch, site=site, files_url=files_url)
    job.paths += [job.directory / file.path.name for file in written.files]
    job.paths.append(job.directory / written.index.name)
    return written.urls


def _sitemap_items(job: _Job, *, since: datetime | None) -> Iterator[SitemapItem]:
    """Light entries, or whole articles when a tag filter needs the tags."""
    f = job.filters
    if f.tag is not None or f.tag_kind is not None:
        return job.listing(since=since)
    entries = _started(stream_sitemap_entries(job.uow, locale=f.locale, published_after=since))
    return itertools.islice(entries, job.limit) if job.limit is not None else entries


@dataclass(frozen=True, slots=True)
class _Format:
    """A format's writer and the filters it takes."""

    writer: Callable[[_Job], int]
    public: bool = False
    limit: int | None = None
    single: bool = True
    """Takes ``slug`` (one article)."""
    directory: bool = False
    """Writes a directory of files rather than one file."""

    def check(
        self, name: str, filters: ExportFilter, options: ExportOptions, target: object
    ) -> None:
        """Refuse what this format cannot do, before anything is read or written."""
        if filters.slug is not None:
            if not self.single:
                raise ValidationError(
                    f"the {name} format lists articles; drop the slug", field="slug"
                )
            extra = [n for n in ("tag", "tag_kind", "status", "limit") if getattr(filters, n)]
            if extra:
                raise ValidationError(
                    f"a slug names one article; drop {', '.join(extra)}", field="slug"
                )
        elif name == "print" and options.html:
            raise ValidationError(
                "the print HTML page holds one article: give its slug", field="slug"
            )
        if self.directory:
            if filters.public is False or filters.status not in (None, "published"):
                raise ValidationError(
                    "sitemaps list only what the public sees; drop the status filter",
                    field="status",
                )
            if not isinstance(target, str | Path):
                raise ValidationError(
                    f"the {name} format writes a directory of files: give its path",
                    field="output",
                )
        _check_target(target)
        if filters.limit is not None and (
            isinstance(filters.limit, bool) or not isinstance(filters.limit, int)
            or filters.limit < 1
        ):  # fmt: skip
            raise ValidationError("must be a positive integer", field="limit")


def _check_target(target: object) -> None:
    """Refuse an empty path: ``Path("")`` is ".", and an empty name is a mistake."""
    if isinstance(target, str) and not target:
        raise ValidationError(
            "is empty: give the path of a file (or, for sitemaps, a directory)",
            field="output",
        )


FORMATS: dict[str, _Format] = {
    "json": _Format(_json),
    "ninjs": _Format(_ninjs),
    "jsonld": _Format(_jsonld),
    "rss": _Format(_feed, public=True, limit=FEED_LIMIT, single=False),
    "atom": _Format(_feed, public=True, limit=FEED_LIMIT, single=False),
    "sitemap": _Format(_sitemap, public=True, single=False, directory=True),
    "news-sitemap": _Format(_sitemap, public=True, single=False, directory=True),
    "print": _Format(_print),
}
"""Every export format, by name."""


# -- redirects --------------------------------------------------------------------------


def export_redirects(
    store: Store,
    target: Path | str | IO[bytes],
    *,
    site: Site,
    format: RedirectFormat | str = "csv",
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write the redirect map from the legacy URLs of public articles to their new URLs.

    Every legacy URL recorded for an article readers may see now (see
    ``newscms.store.LegacyUrlRepository``) is one line, in one snapshot of the store,
    streamed: the listing holds one page of URLs at a time.

    ``csv`` (RFC 4180, UTF-8) has the header ``legacy_url,new_url``: the legacy URL as
    recorded and the article's URL on ``site``. ``nginx`` is a ``map`` block for the
    ``http`` context, from the request URI (the normalised path and query of each
    legacy URL) to the new URL in the variable ``$newscms_redirect``; a ``server``
    block then answers ``if ($newscms_redirect) { return 301 $newscms_redirect; }``.
    nginx compares map strings ignoring case, so URLs that differ only in case are
    written as exact, case-sensitive regular expressions; finding them costs a first
    pass over the URLs that keeps a number per URL. The comment heading the block
    gives the ``map_hash_max_size`` and ``map_hash_bucket_size`` nginx needs for it.

    Args:
        store: Where the articles are.
        target: A file path or a binary stream, as for ``export``.
        site: The new site: each article's URL is ``site.url_for(article)``.
        format: One of ``REDIRECT_FORMATS``.
        progress: Called with the number of URLs written, every ``PROGRESS_STEP`` URLs
            and at the end.

    Returns:
        The count of redirects and the file written.

    Raises:
        ValidationError: An unknown format, no site, or a destination that cannot be
            written (``field`` names it).
    """
    writer = _REDIRECT_WRITERS.get(str(format))
    if writer is None:
        choices = ", ".join(REDIRECT_FORMATS)
        raise ValidationError(f"{format!r} is not one of {choices}", field="format")
    if not isinstance(site, Site):
        raise ValidationError(
            "a redirect map sends readers to the articles' new URLs: give the site "
            "(site=..., or --base-url on the command line)",
            field="site",
        )
    _check_target(target)
    with read_snapshot(store) as uow:
        count, paths = _deliver(target, "redirects", lambda out: writer(uow, site, out, progress))
    return ExportResult(format="redirects", count=count, paths=tuple(paths))


_RedirectWriter: TypeAlias = (
    "Callable[[UnitOfWork, Site, IO[bytes], Callable[[int], None] | None], int]"
)
"""A redirect format's writer: it streams the snapshot's redirects into the output."""


def _redirects_csv(
    uow: UnitOfWork, site: Site, out: IO[bytes], progress: Callable[[int], None] | None
) -> int:
    lines = csv.writer(_Utf8(out))
    lines.writerow(("legacy_url", "new_url"))
    count = 0
    for redirect in _reported(_started(stream_redirects(uow)), progress):
        lines.writerow((redirect.url, site.url_for(redirect.article)))
        count += 1
    return count


def _redirects_nginx(
    uow: UnitOfWork, site: Site, out: IO[bytes], progress: Callable[[int], None] | None
) -> int:
    # First pass: how many, the longest key, and which keys nginx could not tell apart
    # (its map strings ignore case). A hash per URL; a false match only makes one more
    # exact regular expression.
    seen: set[int] = set()
    clashing: set[int] = set()
    count = longest = 0
    for redirect in _started(stream_redirects(uow)):
        path = redirect.path
        folded = hash(path.lower())
        (clashing if folded in seen else seen).add(folded)
        longest = max(longest, len(path))
        count += 1
    seen.clear()
    header = _NGINX_HEADER.format(
        count=count,
        max_size=max(count, _NGINX_MIN_MAX_SIZE),
        bucket_size=_nginx_bucket_size(longest),
        variable=NGINX_VARIABLE,
    )
    out.write(header.encode())
    written = 0
    for redirect in _reported(stream_redirects(uow), progress):
        path = redirect.path
        key = f"~^{_pcre_literal(path)}$" if hash(path.lower()) in clashing else path
        # "$" would start a variable in the value, and nginx has no escape for it.
        url = site.url_for(redirect.article).replace("$", "%24")
        out.write(f"    {_nginx_string(key)} {_nginx_string(url)};\n".encode())
        written += 1
    out.write(b"}\n")
    return written


_REDIRECT_WRITERS: dict[str, _RedirectWriter] = {"csv": _redirects_csv, "nginx": _redirects_nginx}

_NGINX_HEADER = """\
# {count:,} legacy URLs and the new URLs of their articles (newscms export redirects).
# Include this file in the http block, after these settings (or larger values):
#     map_hash_max_size {max_size};
#     map_hash_bucket_size {bucket_size};
# and redirect in a server block with:
#     if (${variable}) {{ return 301 ${variable}; }}
map $request_uri ${variable} {{
"""
_NGINX_MIN_MAX_SIZE = 2048  # nginx's own default


def _nginx_bucket_size(longest: int) -> int:
    """The ``map_hash_bucket_size`` that holds a key of ``longest`` bytes.

    A bucket holds at least one entry, a pointer and the key padded to a pointer's
    size, and ends with a pointer (nginx's ``ngx_hash_init``); the size is a power of
    two from 64, as nginx rounds it to its cache line anyway.
    """
    entry = 8 + (longest + 2 + 7) // 8 * 8 + 8
    size = 64
    while size < entry:
        size *= 2
    return size


def _nginx_string(text: str) -> str:
    """``text`` as one quoted nginx configuration token (backslashes and quotes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pcre_literal(text: str) -> str:
    """``text`` as a regular expression matching exactly it: every symbol escaped.

    A backslash before a character that is not a letter or digit always means that
    character itself in PCRE, whatever the character.
    """
    return "".join(c if c.isascii() and c.isalnum() else "\\" + c for c in text)


class _Utf8:
    """A binary stream as the text file ``csv.writer`` writes to: UTF-8, nothing kept."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(text.encode())


# -- files ----------------------------------------------------------------------------


def _scratch_name(name: str) -> str:
    """A hidden name beside the destination that no other export picks."""
    return f".{name}.{secrets.token_hex(4)}.tmp"


@contextmanager
def _output(path: Path, format: str) -> Iterator[IO[bytes]]:
    """What ``-o path`` names, opened for one file's export: replaced whole, or written through.

    A regular file (or a new path) is written beside itself and renamed into place once
    complete, so a failed export leaves it as it was; a symbolic link is followed and
    its target written the same way, so the link stays. This process's own descriptors
    (``/dev/stdout``, ``/dev/fd/N``) are written to as they are, and anything else that
    is not a directory (a terminal, ``/dev/null``, a FIFO) cannot be replaced without
    destroying it: it is opened and written as a stream. A write a stream refuses
    (``/dev/full``) is an error, not a success.

    Raises:
        ValidationError: The destination is a directory, or cannot be written (field
            ``output``); a stream may have taken part of the export by then.
    """
    descriptor = _own_descriptor(path)
    if descriptor is not None:
        with _streaming(path, descriptor=descriptor) as out:
            yield out
        return
    try:
        status: os.stat_result | None = os.stat(path)  # every link followed: what -o means
    except FileNotFoundError:
        status = None
    except (OSError, ValueError) as exc:
        raise _cannot_write(path, exc) from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise ValidationError(
            f"{_shown(path)} is a directory; the {format} format writes one file: "
            "give the file's path",
            field="output",
        )
    target = _replaceable(path, status)
    if target is None:
        with _streaming(path, truncate=status is not None and stat.S_ISREG(status.st_mode)) as out:
            yield out
    else:
        with _replacing(target, status, create_parents=not os.path.islink(path)) as out:
            yield out


def _replaceable(path: Path, status: os.stat_result | None) -> Path | None:
    """The file a rename must land on to write ``path``, or None when only a stream can.

    That is ``path`` with its links resolved, when it is a regular file or does not
    exist yet (a dangling link names the file to create). A regular file whose resolved
    path is not that same file (another process's ``/proc/PID/fd/N``, a file deleted
    since it was opened) is written through instead.
    """
    if status is not None and not stat.S_ISREG(status.st_mode):
        return None
    real = Path(os.path.realpath(path))
    if status is None:
        return real
    try:
        same = os.path.samestat(os.stat(real), status)
    except OSError:
        same = False
    return real if same else None


@contextmanager
def _replacing(
    path: Path, previous: os.stat_result | None, *, create_parents: bool
) -> Iterator[IO[bytes]]:
    """A file written beside ``path``, synced, and renamed onto it once complete."""
    scratch = path.with_name(_scratch_name(path.name))
    try:
        if create_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        # open() rather than tempfile: the file gets the umask's permissions, as a
        # file served by a web server must, or the permissions of the file it replaces.
        with scratch.open("xb") as out:
            if previous is not None:
                os.fchmod(out.fileno(), stat.S_IMODE(previous.st_mode))
            yield out
            out.flush()
            os.fsync(out.fileno())
        scratch.replace(path)
        _sync_directory(path.parent)
    except OSError as exc:
        _remove(scratch)
        raise _cannot_write(path, exc) from None
    except BaseException:
        _remove(scratch)
        raise


# The names of this process's own open files: /dev/stdout is /proc/self/fd/1 on Linux.
_OWN_DESCRIPTOR = re.compile(
    r"/(?:dev/(?:fd/(\d+)|(stdout|stderr))|proc/(?:self|thread-self)/fd/(\d+))"
)
_STANDARD = {"stdout": 1, "stderr": 2}


def _own_descriptor(path: Path) -> int | None:
    """The descriptor ``path`` names when it is one of this process's own (``/dev/stdout``).

    Writing to a copy of it is writing where the shell pointed it, appending when it was
    opened to append (``>> log``); resolving the name instead would find the file behind
    it and rename over it, or reopen it at its start.
    """
    match = _OWN_DESCRIPTOR.fullmatch(os.path.abspath(path))
    if match is None:
        return None
    number = match[1] or match[3]
    return int(number) if number else _STANDARD[match[2]]


@contextmanager
def _streaming(
    path: Path, *, truncate: bool = False, descriptor: int | None = None
) -> Iterator[IO[bytes]]:
    """``path`` (or a copy of ``descriptor``) written as it is: no scratch, no rename."""
    # O_NOCTTY: writing to a terminal must not make it this process's controlling one.
    flags = os.O_WRONLY | os.O_NOCTTY | (os.O_TRUNC if truncate else 0)
    try:
        opened = os.dup(descriptor) if descriptor is not None else os.open(path, flags)
        with os.fdopen(opened, "wb") as out:
            yield out
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable; a file system that cannot is left as it is."""
    with suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _cannot_write(path: Path, exc: OSError | ValueError) -> ValidationError:
    reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
    return ValidationError(f"cannot write {_shown(path)}: {reason}", field="output")


def _shown(path: Path) -> str:
    """A path as a one-line message can show it (a name that is not UTF-8 gets %XX)."""
    return portable_name(os.fspath(path))


def _remove(path: Path) -> None:
    """Delete a scratch file if there is one (its directory may not even exist)."""
    with suppress(OSError):
        path.unlink(missing_ok=True)


@contextmanager
def _directory(directory: Path, name: str) -> Iterator[Path]:
    """A scratch directory whose files replace ``directory``'s ``name*.xml`` at the end.

    Numbered files of an earlier, longer sitemap are removed, so the directory holds
    exactly the files the new index names.
    """
    try:
        is_directory = stat.S_ISDIR(os.stat(directory).st_mode)
    except FileNotFoundError:
        is_directory = True  # made below
    except (OSError, ValueError) as exc:
        raise _cannot_write(directory, exc) from None
    if not is_directory:
        raise ValidationError(
            f"{_shown(directory)} is not a directory; the {name} format writes a "
            "directory of files: give its path",
            field="output",
        )
    numbered = re.compile(rf"{re.escape(name)}-\d+\.xml")
    scratch = directory / _scratch_name(name)
    try:
        scratch.mkdir(parents=True)
        yield scratch
        fresh = {path.name for path in scratch.iterdir()}
        index = f"{name}.xml"
        for child in sorted(fresh - {index}):
            (scratch / child).replace(directory / child)
        (scratch / index).replace(directory / index)  # last: it names the others
        for old in directory.iterdir():
            if numbered.fullmatch(old.name) and old.name not in fresh:
                old.unlink()
    except OSError as exc:
        raise _cannot_write(directory, exc) from None
    finally:
        if scratch.exists():
            for leftover in scratch.iterdir():
                leftover.unlink()
            scratch.rmdir()


# -- the demo -------------------------------------------------------------------------


def write_demo_outputs(
    store: Store,
    directory: Path | str,
    *,
    site: Site = DEMO_SITE,
    sample_slug: str | None = SAMPLE_SLUG,
    sample_locale: str = "en",
    news_now: datetime | None = None,
) -> tuple[Path, ...]:
    """Write the demo's delivery outputs of ``store`` into ``directory``.

    ``feed.rss`` and ``feed.atom`` (the 50 newest public articles), the sitemap
    (``sitemap.xml``, the index, and its files), the Google News sitemap
    (``news-sitemap.xml`` and its files), and the sample article as JSON
    (``<slug>.json``), ninjs (``<slug>.ninjs.json``), JSON-LD (``<slug>.jsonld``) and
    printable text and HTML (``<slug>.txt``, ``<slug>.html``).

    Args:
        store: The demo's store, holding the imported examples.
        directory: Where to write (created when missing).
        site: The site the outputs link to.
        sample_slug: The sample article's slug; None writes no sample outputs.
        sample_locale: The sample article's locale.
        news_now: The end of the news sitemap's two days. By default the publication
            time of the newest public article: the examples are years old, and the
            demo shows the news sitemap the site had when its newest article came out.

    Returns:
        Every file written, in the order above.

    Raises:
        NotFoundError: No article has ``sample_slug`` in ``sample_locale``.
        ValidationError: ``directory`` cannot be written (field ``output``).
    """
    directory = Path(directory)
    written: list[Path] = []
    for name, file in (("rss", "feed.rss"), ("atom", "feed.atom")):
        written += export(store, name, directory / file, site=site).paths
    written += export(store, "sitemap", directory, site=site).paths
    moment = news_now or _newest_publication(store)
    news = ExportOptions(now=moment)
    written += export(store, "news-sitemap", directory, site=site, options=news).paths
    if sample_slug is None:
        return tuple(written)
    sample = ExportFilter(slug=sample_slug, locale=sample_locale)
    for name, suffix, options in (
        ("json", ".json", ExportOptions()),
        ("ninjs", ".ninjs.json", ExportOptions()),
        ("jsonld", ".jsonld", ExportOptions()),
        ("print", ".txt", ExportOptions()),
        ("print", ".html", ExportOptions(html=True)),
    ):
        path = directory / f"{sample_slug}{suffix}"
        written += export(store, name, path, site=site, filters=sample, options=options).paths
    return tuple(written)


def _newest_publication(store: Store) -> datetime | None:
    """When the newest public article came out (None when nothing is public)."""
    with read_snapshot(store) as uow:
        newest = next(stream_sitemap_entries(uow, batch_size=1), None)
    return newest.published_at if newest is not None else None
