"""Sitemaps (sitemaps.org 0.9), sitemap indexes and Google News sitemaps, streamed.

Articles come from any iterable (a generator from the store) and are written one
``<url>`` at a time, so a million-URL sitemap never holds the articles or the document
in memory. ``iter_sitemap`` / ``iter_news_sitemap`` give a file as chunks of bytes, one
per URL, for a streamed HTTP response; ``write_sitemap`` / ``write_news_sitemap`` write
those same chunks to a file. Any ``SitemapItem`` will do instead of a full ``Article``: the store's
``stream_sitemap_entries`` reads only the columns a sitemap needs.

The writer emits the entries' bytes itself: the markup is fixed and every text goes
through ``xml.sax.saxutils.escape`` after ``xml_text``, and this keeps it several times
faster than building elements (a sitemap is millions of tiny, identical elements) and
lets it count every byte exactly before a file would pass its limit.

A sitemap file may list at most 50,000 URLs and weigh at most 50 MiB uncompressed;
``write_sitemaps`` starts a new file before either limit is reached and writes the index
of the files at the end. A Google News sitemap lists only the articles published in the
two days before ``now``, at most 1,000 per file.

Each ``<url>`` lists the article's images (any role; Google's image extension, loc
only, since Google ignores the other image tags). The ``image`` namespace is declared
on the ``<url>`` that has images, so a sitemap without images is written as before.

Only published articles are listed: drafts, scheduled and archived articles have no
public page. A listing with nothing to list gives a well-formed ``<urlset/>`` with no
``<url>``, which crawlers accept although the XSD asks for at least one.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, NamedTuple, Protocol
from xml.sax.saxutils import escape

from newscms.domain import Status
from newscms.errors import ValidationError
from newscms.formats._media import sitemap_images
from newscms.formats._syndication import last_modified, xml_text
from newscms.formats.feeds import write_chunks
from newscms.formats.site import Linkable, to_uri
from newscms.utils.dates import ensure_aware
from newscms.utils.locales import normalize_locale

if TYPE_CHECKING:
    from collections.abc import Generator, Iterable, Iterator
    from pathlib import Path
    from types import TracebackType

    from newscms.domain import ArticleMedia
    from newscms.formats.site import Site

__all__ = [
    "IMAGE_NS",
    "MAX_BYTES",
    "MAX_URLS",
    "NEWS_MAX_URLS",
    "NEWS_NS",
    "NEWS_WINDOW",
    "SITEMAP_NS",
    "SitemapFile",
    "SitemapItem",
    "SitemapSet",
    "iter_news_sitemap",
    "iter_sitemap",
    "news_language",
    "write_news_sitemap",
    "write_news_sitemaps",
    "write_sitemap",
    "write_sitemap_index",
    "write_sitemaps",
]

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
NEWS_MAX_URLS = 1_000
NEWS_WINDOW = timedelta(days=2)
MAX_LOC = 2048

# Chinese in the Google News sitemap is "zh-cn" or "zh-tw" by script; these regions
# write Traditional characters when the locale names no script.
_TRADITIONAL_REGIONS = frozenset({"TW", "HK", "MO"})
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_URLSET_END = b"</urlset>\n"


class SitemapItem(Linkable, Protocol):
    """What a sitemap reads of an article: an ``Article``, or a light entry from the store.

    ``media`` are the article's media items; its images (any role) are listed.
    """

    @property
    def headline(self) -> str: ...  # noqa: D102 - the attributes document themselves
    @property
    def updated_at(self) -> datetime: ...  # noqa: D102
    @property
    def media(self) -> tuple[ArticleMedia, ...]: ...  # noqa: D102


@dataclass(frozen=True, slots=True)
class SitemapFile:
    """One sitemap file written: where it is, where it will be served, what it lists."""

    path: Path
    url: str
    urls: int
    lastmod: datetime | None


@dataclass(frozen=True, slots=True)
class SitemapSet:
    """The sitemap files of one listing and the index that names them."""

    index: Path
    index_url: str
    files: tuple[SitemapFile, ...]

    @property
    def urls(self) -> int:
        """How many URLs the files list in all."""
        return sum(file.urls for file in self.files)


class _Entry(NamedTuple):
    """One ``<url>``, already serialized, and its last modification for the index.

    A named tuple rather than a dataclass: a million of them are made per sitemap.
    """

    data: bytes
    lastmod: datetime


def news_language(locale: str) -> str:
    """The publication language as the Google News sitemap allows it.

    ``zh-cn`` for Simplified and ``zh-tw`` for Traditional Chinese (by script, else by
    region: Taiwan, Hong Kong, Macao), otherwise the two- or three-letter language code.

    Raises:
        LocaleError: ``locale`` is not a valid BCP 47 tag.
    """
    parts = normalize_locale(locale).split("-")
    language = parts[0]
    if language != "zh":
        return language
    if "Hant" in parts or any(part in _TRADITIONAL_REGIONS for part in parts[1:]):
        return "zh-tw" if "Hans" not in parts else "zh-cn"
    return "zh-cn"


def iter_sitemap(
    articles: Iterable[SitemapItem], *, site: Site, max_urls: int = MAX_URLS
) -> Iterator[bytes]:
    """One ``sitemap.xml`` of the published ``articles`` as bytes, one chunk per URL.

    What ``write_sitemap`` writes, for a streamed response; ``max_urls`` is checked at
    once, each article when its chunk is made.

    Raises:
        ValidationError: ``max_urls`` is out of range (at once); more than ``max_urls``
            articles, or an article URL that is too long or cannot be built (when reached).
    """
    limit = _limit(max_urls, MAX_URLS, "max_urls")
    return _urlset(_entries(articles, site), news=False, max_urls=limit)


def write_sitemap(
    articles: Iterable[SitemapItem], out: IO[bytes], *, site: Site, max_urls: int = MAX_URLS
) -> int:
    """Write one ``sitemap.xml`` of the published ``articles`` to ``out``, streaming.

    Each URL has its ``lastmod`` (the last change readers saw, with the site zone's
    offset). For more than ``max_urls`` URLs use ``write_sitemaps``.

    Returns:
        The number of URLs written.

    Raises:
        ValidationError: More than ``max_urls`` articles, an article URL longer than
            2,048 characters, or the site could not build one.
    """
    limit = _limit(max_urls, MAX_URLS, "max_urls")
    return write_chunks(_urlset(_entries(articles, site), news=False, max_urls=limit), out)


def iter_news_sitemap(
    articles: Iterable[SitemapItem],
    *,
    site: Site,
    now: datetime,
    window: timedelta = NEWS_WINDOW,
    max_urls: int = NEWS_MAX_URLS,
) -> Iterator[bytes]:
    """A Google News sitemap as bytes, one chunk per URL: ``write_news_sitemap`` streamed.

    Raises:
        ValidationError: ``max_urls`` above 1,000 (at once); more recent articles than
            ``max_urls``, or a bad URL (when reached).
        NaiveDatetimeError: ``now`` has no time zone (at once).
    """
    return _news_urlset(articles, site=site, now=now, window=window, max_urls=max_urls)


def write_news_sitemap(
    articles: Iterable[SitemapItem],
    out: IO[bytes],
    *,
    site: Site,
    now: datetime,
    window: timedelta = NEWS_WINDOW,
    max_urls: int = NEWS_MAX_URLS,
) -> int:
    """Write a Google News sitemap of the articles published in ``window`` before ``now``.

    The publication is ``site.name``; the language is reduced by ``news_language``;
    the title is the headline and the publication date has the site zone's offset.
    Articles published earlier, or later than ``now`` (scheduled), are left out.

    Returns:
        The number of URLs written.

    Raises:
        ValidationError: More than ``max_urls`` recent articles (Google reads at most
            1,000 per file; use ``write_news_sitemaps``), or a bad URL.
        NaiveDatetimeError: ``now`` has no time zone.
    """
    chunks = _news_urlset(articles, site=site, now=now, window=window, max_urls=max_urls)
    return write_chunks(chunks, out)


def write_sitemap_index(
    sitemaps: Iterable[SitemapFile], out: IO[bytes], *, site: Site | None = None
) -> int:
    """Write a sitemap index naming ``sitemaps`` (their ``url`` and ``lastmod``) to ``out``.

    Args:
        sitemaps: The sitemap files, as ``write_sitemaps`` reports them.
        out: A binary file object.
        site: Gives the zone of the ``lastmod`` dates (UTC without it).

    Returns:
        The number of sitemaps listed.
    """
    out.write(_DECLARATION + f'<sitemapindex xmlns="{SITEMAP_NS}">\n'.encode())
    count = 0
    for sitemap in sitemaps:
        changed = sitemap.lastmod
        stamp = (site.timestamp(changed) if site else _w3c(changed)) if changed else None
        lastmod = f"<lastmod>{stamp}</lastmod>" if stamp else ""
        out.write(f"<sitemap><loc>{_text(sitemap.url)}</loc>{lastmod}</sitemap>\n".encode())
        count += 1
    out.write(b"</sitemapindex>\n")
    return count


def write_sitemaps(
    articles: Iterable[SitemapItem],
    directory: Path,
    *,
    site: Site,
    files_url: str,
    name: str = "sitemap",
    max_urls: int = MAX_URLS,
    max_bytes: int = MAX_BYTES,
) -> SitemapSet:
    """Write the sitemap of any number of articles as ``name-1.xml``, ... and ``name.xml``.

    Files are filled up to ``max_urls`` URLs or ``max_bytes`` bytes, whichever comes
    first; ``name.xml`` is the index to submit (or name in ``robots.txt``).

    Args:
        articles: The articles, in any order; consumed once, never held.
        directory: Where to write the files (created if missing).
        site: Builds the article URLs.
        files_url: The public URL of ``directory`` (``"https://example.com/sitemaps/"``),
            so the index can name each file.
        name: The base name of the files.
        max_urls: URLs per file, at most 50,000 (lower it to test splitting).
        max_bytes: Bytes per file, at most 50 MiB.

    Returns:
        The files written and the index.

    Raises:
        ValidationError: A limit above the protocol's, or a bad URL.
    """
    entries = _entries(articles, site)
    return _write_split(
        entries, directory, site=site, files_url=files_url, name=name, news=False,
        max_urls=_limit(max_urls, MAX_URLS, "max_urls"),
        max_bytes=_limit(max_bytes, MAX_BYTES, "max_bytes"),
    )  # fmt: skip


def write_news_sitemaps(
    articles: Iterable[SitemapItem],
    directory: Path,
    *,
    site: Site,
    files_url: str,
    now: datetime,
    window: timedelta = NEWS_WINDOW,
    name: str = "news-sitemap",
    max_urls: int = NEWS_MAX_URLS,
) -> SitemapSet:
    """Write a Google News sitemap of any size as ``name-1.xml``, ... and the index ``name.xml``.

    Like ``write_news_sitemap``, split into files of at most ``max_urls`` (1,000) URLs.

    Raises:
        ValidationError: ``max_urls`` above 1,000, or a bad URL.
        NaiveDatetimeError: ``now`` has no time zone.
    """
    entries = _entries(_recent(articles, now, window), site, news=True)
    return _write_split(
        entries, directory, site=site, files_url=files_url, name=name, news=True,
        max_urls=_limit(max_urls, NEWS_MAX_URLS, "max_urls"), max_bytes=MAX_BYTES,
    )  # fmt: skip


class _Urlset:
    """One ``<urlset>`` being written to a stream, counting its URLs and bytes."""

    def __init__(self, out: IO[bytes], *, news: bool) -> None:
        self._out = out
        self.urls = 0
        self.lastmod: datetime | None = None
        head = _urlset_head(news=news)
        out.write(head)
        self.written = len(head)

    def fits(self, entry: _Entry, max_urls: int, max_bytes: int) -> bool:
        """Whether ``entry`` can still go into this file without passing either limit."""
        size = self.written + len(entry.data) + len(_URLSET_END)
        return self.urls < max_urls and size <= max_bytes

    def add(self, entry: _Entry) -> None:
        self._out.write(entry.data)
        self.written += len(entry.data)
        self.urls += 1
        if self.lastmod is None or entry.lastmod > self.lastmod:
            self.lastmod = entry.lastmod

    def close(self) -> None:
        self._out.write(_URLSET_END)
        self.written += len(_URLSET_END)

    def __enter__(self) -> _Urlset:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()


def _news_urlset(
    articles: Iterable[SitemapItem],
    *,
    site: Site,
    now: datetime,
    window: timedelta,
    max_urls: int,
) -> Generator[bytes, None, int]:
    """The chunks of a Google News sitemap, ``max_urls`` and ``now`` checked at once."""
    limit = _limit(max_urls, NEWS_MAX_URLS, "max_urls")
    entries = _entries(_recent(articles, now, window), site, news=True)
    return _urlset(entries, news=True, max_urls=limit)


def _urlset_head(*, news: bool) -> bytes:
    news_ns = f' xmlns:news="{NEWS_NS}"' if news else ""
    return _DECLARATION + f'<urlset xmlns="{SITEMAP_NS}"{news_ns}>\n'.encode()


def _urlset(entries: Iterator[_Entry], *, news: bool, max_urls: int) -> Generator[bytes, None, int]:
    """One ``<urlset>``: its head, one chunk per entry, its end; returns how many URLs."""
    yield _urlset_head(news=news)
    urls = 0
    for entry in entries:
        if urls >= max_urls:
            raise ValidationError(
                f"more than {max_urls} URLs do not fit in one sitemap; "
                "use write_sitemaps / write_news_sitemaps to split them",
                field="articles",
            )
        yield entry.data
        urls += 1
    yield _URLSET_END
    return urls


def _write_split(
    entries: Iterator[_Entry],
    directory: Path,
    *,
    site: Site,
    files_url: str,
    name: str,
    news: bool,
    max_urls: int,
    max_bytes: int,
) -> SitemapSet:
    base = to_uri(files_url, field="files_url")
    base += "" if base.endswith("/") else "/"
    directory.mkdir(parents=True, exist_ok=True)
    files: list[SitemapFile] = []
    with ExitStack() as stack:
        urlset: _Urlset | None = None
        path = directory
        for entry in entries:
            if urlset is None or not urlset.fits(entry, max_urls, max_bytes):
                if urlset is not None:
                    stack.close()
                    files.append(_done(urlset, path, base))
                path = directory / f"{name}-{len(files) + 1}.xml"
                out = stack.enter_context(path.open("wb"))
                urlset = stack.enter_context(_Urlset(out, news=news))
                if not urlset.fits(entry, max_urls, max_bytes):
                    raise ValidationError(
                        f"one entry takes {len(entry.data)} bytes; max_bytes is too small",
                        field="max_bytes",
                    )
            urlset.add(entry)
        if urlset is None:  # nothing to list: one empty sitemap, so the index is not empty
            path = directory / f"{name}-1.xml"
            out = stack.enter_context(path.open("wb"))
            urlset = stack.enter_context(_Urlset(out, news=news))
        stack.close()
        files.append(_done(urlset, path, base))
    index = directory / f"{name}.xml"
    with index.open("wb") as out:
        write_sitemap_index(files, out, site=site)
    return SitemapSet(index=index, index_url=base + index.name, files=tuple(files))


def _done(urlset: _Urlset, path: Path, base: str) -> SitemapFile:
    return SitemapFile(path=path, url=base + path.name, urls=urlset.urls, lastmod=urlset.lastmod)


def _entries(
    articles: Iterable[SitemapItem], site: Site, *, news: bool = False
) -> Iterator[_Entry]:
    """The ``<url>`` of each published article, serialized as the articles arrive."""
    publication = _text(site.name)
    url_for, timestamp, published = site.url_for, site.timestamp, Status.PUBLISHED
    for article in articles:
        if article.status is not published:
            continue
        loc = url_for(article)
        if len(loc) > MAX_LOC:
            raise ValidationError(
                f"the URL of article {article.id} is {len(loc)} characters long; "
                f"sitemaps allow {MAX_LOC}",
                field="article_url",
            )
        changed = last_modified(article)
        images = _images(article.media) if article.media else ""
        opening = f'<url xmlns:image="{IMAGE_NS}">' if images else "<url>"
        head = f"{opening}<loc>{_text(loc)}</loc><lastmod>{timestamp(changed)}</lastmod>"
        if news and article.published_at is not None:
            head += (
                "<news:news><news:publication>"
                f"<news:name>{publication}</news:name>"
                f"<news:language>{news_language(article.locale)}</news:language>"
                "</news:publication>"
                f"<news:publication_date>{timestamp(article.published_at)}"
                "</news:publication_date>"
                f"<news:title>{_text(article.headline)}</news:title>"
                "</news:news>"
            )
        yield _Entry(f"{head}{images}</url>\n".encode(), changed)


def _images(media: tuple[ArticleMedia, ...]) -> str:
    """The ``<image:image>`` elements of an entry's images; empty when it has none."""
    return "".join(
        f"<image:image><image:loc>{_text(uri)}</image:loc></image:image>"
        for uri in sitemap_images(media)
    )


def _recent(
    articles: Iterable[SitemapItem], now: datetime, window: timedelta
) -> Iterator[SitemapItem]:
    """The articles published in ``window`` up to ``now`` (Google News wants two days).

    ``now`` is checked at once, before the first article is read.
    """
    moment = ensure_aware(now, field="now")
    start = moment - window
    return (
        article
        for article in articles
        if article.published_at is not None and start <= article.published_at <= moment
    )


def _limit(value: int, protocol: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= protocol:
        raise ValidationError(f"must be between 1 and {protocol}", field=field)
    return value


def _w3c(value: datetime) -> str:
    """W3C Datetime (ISO 8601 with offset), as sitemap indexes want it."""
    return ensure_aware(value, field="lastmod").isoformat(timespec="seconds")


def _text(value: str) -> str:
    """Element text: only characters XML carries, markup characters escaped."""
    return escape(xml_text(value))
