"""RSS 2.0 and Atom 1.0 feeds of any listing, written incrementally.

The articles come from any iterable (a generator streaming from the store works) and
are written as they arrive with lxml's incremental writer, newest first as given.
``iter_rss`` / ``iter_atom`` give the feed as chunks of bytes, one per item, for a
streamed HTTP response; ``write_rss`` / ``write_atom`` write those same chunks to a file.
Choices, for feed readers more than for the specs:

- ids never change: ``urn:uuid:<article id>`` (Atom ``id``; RSS ``guid`` with
  ``isPermaLink="false"``), so renaming a slug does not re-announce an article;
- RSS credits people with ``dc:creator``, because ``<author>`` must be an e-mail
  address; Atom has ``<author><name>``. The publisher is the feed's author, so Atom's
  rule "the feed or every entry has an author" always holds;
- tags are categories (RSS ``domain`` is the tag kind); every entry links to the
  article, so Atom's rule "an entry has a link or content" always holds;
- ``full_content`` adds the body as HTML (RSS ``content:encoded``, Atom ``content``);
  otherwise entries carry the summary only;
- the lead image is an enclosure (RSS ``enclosure``, whose required ``length`` is ``0``
  as the size is not known, written only when its type is; Atom ``link
  rel="enclosure"``, with no ``length``) and a Media RSS ``media:content`` with its
  size, credit, copyright and a small rendition as ``media:thumbnail``; no caption,
  since feedparser reads ``media:description`` as the entry's own summary. The
  ``media`` namespace is declared on that element, so an item without a lead image
  is written exactly as before;
- dates: RFC 822 in RSS, RFC 3339 in Atom, with the site zone's offset;
- characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/U+FFFF), and the
  C1 controls it discourages, are dropped rather than breaking the feed.
"""

from __future__ import annotations

import io
import itertools
from email.utils import format_datetime
from typing import IO, TYPE_CHECKING

from lxml import etree

from newscms.errors import ValidationError
from newscms.formats._media import lead_picture, media_uri, thumbnail
from newscms.formats._syndication import last_modified, xml_text
from newscms.formats.site import to_uri
from newscms.utils.dates import in_zone

if TYPE_CHECKING:
    from collections.abc import Generator, Iterable, Iterator, Mapping
    from datetime import datetime

    from newscms.domain import Article, ArticleMedia
    from newscms.formats.site import Site

# ``last_modified`` and ``xml_text`` live in ``_syndication`` (sitemaps use them too) and
# stay importable from here, where they were first published.
__all__ = [
    "ATOM_NS",
    "GENERATOR",
    "MEDIA_NS",
    "iter_atom",
    "iter_rss",
    "last_modified",
    "write_atom",
    "write_chunks",
    "write_rss",
    "xml_text",
]

ATOM_NS = "http://www.w3.org/2005/Atom"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_XML_LANG = f"{{{_XML_NS}}}lang"
GENERATOR = "newscms"


def iter_rss(
    articles: Iterable[Article],
    *,
    site: Site,
    title: str,
    link: str,
    description: str,
    locale: str | None = None,
    self_url: str | None = None,
    full_content: bool = False,
    updated: datetime | None = None,
) -> Iterator[bytes]:
    """An RSS 2.0 feed of ``articles`` as bytes, one chunk per item (for a streamed response).

    The arguments are those of ``write_rss``. The URLs are checked and the first article
    read when it is called, so a bad argument raises before any byte is produced; the
    rest is read one article per chunk.

    Raises:
        ValidationError: ``link`` or ``self_url`` is not an http(s) URL (at once), or the
            site could not build an article's URL (when its item is reached).
    """
    return _rss(
        articles, site=site, title=title, link=link, description=description, locale=locale,
        self_url=self_url, full_content=full_content, updated=updated,
    )  # fmt: skip


def write_rss(
    articles: Iterable[Article],
    out: IO[bytes],
    *,
    site: Site,
    title: str,
    link: str,
    description: str,
    locale: str | None = None,
    self_url: str | None = None,
    full_content: bool = False,
    updated: datetime | None = None,
) -> int:
    """Write an RSS 2.0 feed of ``articles`` to ``out``, one item at a time.

    Args:
        articles: The listing, newest first; any iterable, consumed once.
        out: A binary file object (a file, ``BytesIO``, a response stream).
        site: Builds each article's link and sets the zone of the dates.
        title: The channel title (``"AsiaNews: Korea"``).
        link: The web page of the listing.
        description: One sentence about the listing.
        locale: The listing's language, when it has one; articles in another
            language say so with ``xml:lang``.
        self_url: Where the feed itself is served, as an ``atom:link rel="self"``.
        full_content: Add each body as ``content:encoded`` HTML.
        updated: ``lastBuildDate``; by default the newest change of the first article.

    Returns:
        The number of items written.

    Raises:
        ValidationError: ``link`` or ``self_url`` is not an http(s) URL, or the site
            could not build an article's URL.
    """
    chunks = _rss(
        articles, site=site, title=title, link=link, description=description, locale=locale,
        self_url=self_url, full_content=full_content, updated=updated,
    )  # fmt: skip
    return write_chunks(chunks, out)


def iter_atom(
    articles: Iterable[Article],
    *,
    site: Site,
    title: str,
    link: str,
    description: str | None = None,
    locale: str | None = None,
    self_url: str | None = None,
    feed_id: str | None = None,
    full_content: bool = False,
    updated: datetime | None = None,
) -> Iterator[bytes]:
    """An Atom 1.0 feed of ``articles`` as bytes, one chunk per entry (for a streamed response).

    The arguments are those of ``write_atom``; as with ``iter_rss``, the arguments are
    checked (and the first article read) when it is called.

    Raises:
        ValidationError: ``articles`` is empty and ``updated`` is None, or a URL is not
            http(s) (at once); the site could not build an article's URL (at its entry).
    """
    return _atom_feed(
        articles, site=site, title=title, link=link, description=description, locale=locale,
        self_url=self_url, feed_id=feed_id, full_content=full_content, updated=updated,
    )  # fmt: skip


def write_atom(
    articles: Iterable[Article],
    out: IO[bytes],
    *,
    site: Site,
    title: str,
    link: str,
    description: str | None = None,
    locale: str | None = None,
    self_url: str | None = None,
    feed_id: str | None = None,
    full_content: bool = False,
    updated: datetime | None = None,
) -> int:
    """Write an Atom 1.0 feed of ``articles`` to ``out``, one entry at a time.

    Args:
        articles: The listing, newest first; any iterable, consumed once.
        out: A binary file object.
        site: Builds each article's link, names the feed's author (the publisher)
            and sets the zone of the dates.
        title: The feed title.
        link: The web page of the listing (``rel="alternate"``).
        description: The feed's ``subtitle``.
        locale: The listing's language (``xml:lang``); entries in another language
            carry their own.
        self_url: Where the feed itself is served (``rel="self"``, recommended).
        feed_id: A permanent IRI naming the feed; by default ``self_url``, else ``link``.
        full_content: Add each body as ``content`` of type ``html``.
        updated: The feed's ``updated``; by default the newest change of the first
            article (listings are newest first). Required for an empty feed.

    Returns:
        The number of entries written.

    Raises:
        ValidationError: ``articles`` is empty and ``updated`` is None, a URL is not
            http(s), or the site could not build an article's URL.
    """
    chunks = _atom_feed(
        articles, site=site, title=title, link=link, description=description, locale=locale,
        self_url=self_url, feed_id=feed_id, full_content=full_content, updated=updated,
    )  # fmt: skip
    return write_chunks(chunks, out)


def write_chunks(chunks: Generator[bytes, None, int], out: IO[bytes]) -> int:
    """Write every chunk of a feed or sitemap generator to ``out``; return what it counted."""
    while True:
        try:
            chunk = next(chunks)
        except StopIteration as done:
            count: int = done.value
            return count
        out.write(chunk)


def _rss(
    articles: Iterable[Article],
    *,
    site: Site,
    title: str,
    link: str,
    description: str,
    locale: str | None,
    self_url: str | None,
    full_content: bool,
    updated: datetime | None,
) -> Generator[bytes, None, int]:
    """Check the arguments now; the generator of the feed's chunks, counting its items."""
    page = to_uri(link, field="link")
    href = to_uri(self_url, field="self_url") if self_url else None
    head, first = _peek(articles)
    stamp = updated if updated is not None else (last_modified(first) if first else None)

    def chunks() -> Generator[bytes, None, int]:
        # lxml's incremental writer would invent a prefix for xml:lang, and binding any
        # other prefix to the XML namespace is an error; declaring "xml" itself is allowed.
        nsmap = {"atom": ATOM_NS, "dc": _DC_NS, "content": _CONTENT_NS, "xml": _XML_NS}
        buffer = io.BytesIO()
        count = 0
        with etree.xmlfile(buffer, encoding="utf-8") as xf:
            xf.write_declaration()
            with (
                xf.element("rss", {"version": "2.0"}, nsmap=nsmap),
                xf.element("channel", _lang(locale)),
            ):
                _leaf(xf, "title", title)
                _leaf(xf, "link", page)
                _leaf(xf, "description", description)
                if locale:
                    _leaf(xf, "language", locale)
                _leaf(xf, "generator", GENERATOR)
                if stamp is not None:
                    _leaf(xf, "lastBuildDate", _rfc822(stamp, site))
                if href:
                    attrib = {"href": href, "rel": "self", "type": "application/rss+xml"}
                    _leaf(xf, f"{{{ATOM_NS}}}link", None, attrib)
                yield _taken(xf, buffer)
                for article in head:
                    _rss_item(xf, article, site, locale=locale, full_content=full_content)
                    count += 1
                    yield _taken(xf, buffer)
        yield buffer.getvalue()
        return count

    return chunks()


def _atom_feed(
    articles: Iterable[Article],
    *,
    site: Site,
    title: str,
    link: str,
    description: str | None,
    locale: str | None,
    self_url: str | None,
    feed_id: str | None,
    full_content: bool,
    updated: datetime | None,
) -> Generator[bytes, None, int]:
    """Check the arguments now; the generator of the feed's chunks, counting its entries."""
    page = to_uri(link, field="link")
    href = to_uri(self_url, field="self_url") if self_url else None
    head, first = _peek(articles)
    if updated is None:
        if first is None:
            raise ValidationError(
                "an empty Atom feed still needs its 'updated' time; pass updated=",
                field="updated",
            )
        updated = last_modified(first)
    moment = site.timestamp(updated)

    def chunks() -> Generator[bytes, None, int]:
        buffer = io.BytesIO()
        count = 0
        with etree.xmlfile(buffer, encoding="utf-8") as xf:
            xf.write_declaration()
            nsmap = {None: ATOM_NS, "xml": _XML_NS}
            with xf.element(_atom("feed"), _lang(locale), nsmap=nsmap):
                _leaf(xf, _atom("id"), feed_id or self_url or page)
                _leaf(xf, _atom("title"), title, {"type": "text"})
                if description:
                    _leaf(xf, _atom("subtitle"), description, {"type": "text"})
                alternate = {"rel": "alternate", "type": "text/html", "href": page}
                _leaf(xf, _atom("link"), None, alternate)
                if href:
                    attrib = {"rel": "self", "type": "application/atom+xml", "href": href}
                    _leaf(xf, _atom("link"), None, attrib)
                _leaf(xf, _atom("updated"), moment)
                with xf.element(_atom("author")):
                    _leaf(xf, _atom("name"), site.publisher_name)
                    _leaf(xf, _atom("uri"), site.base_url)
                _leaf(xf, _atom("generator"), GENERATOR)
                if site.logo_url:
                    _leaf(xf, _atom("logo"), site.logo_url)
                yield _taken(xf, buffer)
                for article in head:
                    _atom_entry(xf, article, site, locale=locale, full_content=full_content)
                    count += 1
                    yield _taken(xf, buffer)
        yield buffer.getvalue()
        return count

    return chunks()


def _taken(xf: etree._IncrementalFileWriter, buffer: io.BytesIO) -> bytes:
    """What the writer has produced since the last chunk, emptying the buffer."""
    xf.flush()
    data = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return data


def _rss_item(
    xf: etree._IncrementalFileWriter,
    article: Article,
    site: Site,
    *,
    locale: str | None,
    full_content: bool,
) -> None:
    with xf.element("item", _lang(article.locale) if article.locale != locale else {}):
        _leaf(xf, "title", article.headline)
        _leaf(xf, "link", site.url_for(article))
        _leaf(xf, "guid", article.id.urn, {"isPermaLink": "false"})
        if article.published_at is not None:
            _leaf(xf, "pubDate", _rfc822(article.published_at, site))
        for person in article.byline:
            _leaf(xf, f"{{{_DC_NS}}}creator", person.name)
        for tag in article.tags:
            _leaf(xf, "category", tag.name, {"domain": tag.kind})
        if article.summary:
            _leaf(xf, "description", article.summary)
        if full_content and article.body:
            _leaf(xf, f"{{{_CONTENT_NS}}}encoded", article.body)
        if (lead := lead_picture(article)) is not None:
            href = media_uri(lead) or ""
            if lead.mime_type:  # RSS requires a type; 0 is the convention for "size unknown"
                _leaf(xf, "enclosure", None, {"url": href, "length": "0", "type": lead.mime_type})
            _media_content(xf, lead, href)


def _atom_entry(
    xf: etree._IncrementalFileWriter,
    article: Article,
    site: Site,
    *,
    locale: str | None,
    full_content: bool,
) -> None:
    with xf.element(_atom("entry"), _lang(article.locale) if article.locale != locale else {}):
        _leaf(xf, _atom("id"), article.id.urn)
        _leaf(xf, _atom("title"), article.headline, {"type": "text"})
        href = site.url_for(article)
        _leaf(xf, _atom("link"), None, {"rel": "alternate", "type": "text/html", "href": href})
        if article.published_at is not None:
            _leaf(xf, _atom("published"), site.timestamp(article.published_at))
        _leaf(xf, _atom("updated"), site.timestamp(last_modified(article)))
        for person in article.byline:
            with xf.element(_atom("author")):
                _leaf(xf, _atom("name"), person.name)
        for tag in article.tags:
            _leaf(xf, _atom("category"), None, {"term": tag.name})
        if article.summary:
            _leaf(xf, _atom("summary"), article.summary, {"type": "text"})
        if full_content and article.body:
            _leaf(xf, _atom("content"), article.body, {"type": "html"})
        if (lead := lead_picture(article)) is not None:
            href = media_uri(lead) or ""
            enclosure = {"rel": "enclosure", "href": href}  # Atom's length is optional
            if lead.mime_type:
                enclosure["type"] = lead.mime_type
            _leaf(xf, _atom("link"), None, enclosure)
            _media_content(xf, lead, href)


def _media_content(xf: etree._IncrementalFileWriter, item: ArticleMedia, href: str) -> None:
    """The lead image as Media RSS ``media:content``, declaring its namespace on itself.

    No ``media:description``: feedparser (and readers built on it) takes it for the
    entry's own summary or content, so a caption would replace the article's text.
    """
    attrib = {"url": href, "medium": item.kind.value}
    if item.mime_type:
        attrib["type"] = item.mime_type
    if item.width is not None and item.height is not None:
        attrib |= {"width": str(item.width), "height": str(item.height)}
    with xf.element(_media("content"), attrib, nsmap={"media": MEDIA_NS}):
        if item.credit:
            _leaf(xf, _media("credit"), item.credit)
        if item.copyright_holder:
            _leaf(xf, _media("copyright"), item.copyright_holder)
        if (small := thumbnail(item)) is not None:
            size = {"width": str(small.width), "height": str(small.height)}
            _leaf(xf, _media("thumbnail"), None, {"url": media_uri(small) or ""} | size)


def _media(name: str) -> str:
    return f"{{{MEDIA_NS}}}{name}"


def _atom(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def _leaf(
    xf: etree._IncrementalFileWriter,
    tag: str,
    text: str | None,
    attrib: Mapping[str, str] | None = None,
) -> None:
    """Write one element with text (made XML-safe) and attributes."""
    clean = {name: xml_text(value) for name, value in (attrib or {}).items()}
    with xf.element(tag, clean):
        if text:
            xf.write(xml_text(text))


def _lang(locale: str | None) -> dict[str, str]:
    return {_XML_LANG: locale} if locale else {}


def _rfc822(value: datetime, site: Site) -> str:
    return format_datetime(in_zone(value, site.zone))


def _peek(articles: Iterable[Article]) -> tuple[Iterator[Article], Article | None]:
    """The articles again, and the first of them (None when there are none)."""
    iterator = iter(articles)
    first = next(iterator, None)
    if first is None:
        return iterator, None
    return itertools.chain([first], iterator), first
