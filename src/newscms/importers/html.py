"""Articles from published HTML pages: schema.org JSON-LD, Open Graph, and the article element.

The page is parsed with lxml (``lxml.html``): libxml2's C parser is fast, recovers from
the broken markup real pages are full of the way browsers do, gives XPath to find the
metadata and the body, and is already a dependency of newscms (WordPress exports are
read with it too). BeautifulSoup would add a dependency and be slower; selectolax
would add one and has no XPath.

Each field is taken from the first source that has it:

- headline: JSON-LD ``headline`` (or ``name``), ``og:title``, the first ``<h1>``,
  ``<title>`` (without a trailing `` | Site name``);
- summary: JSON-LD ``description``, ``og:description``, ``<meta name=description>``;
- byline: JSON-LD ``author`` (Person or Organization objects, ``@id`` references into
  an ``@graph``, strings, lists), else ``article:author`` / ``<meta name=author>``
  when they are names rather than profile URLs;
- published_at: JSON-LD ``datePublished``, ``article:published_time``, an
  ``itemprop=datePublished`` element; a time without an offset is read in
  ``ImportOptions.timezone``;
- dateline: JSON-LD ``dateline``, else the name of ``locationCreated`` or
  ``contentLocation``;
- tags: JSON-LD ``keywords`` (a comma-separated string or a list) and ``article:tag``
  as topic tags; ``articleSection`` and ``article:section`` as section tags;
- locale: ``ImportOptions.locale``, JSON-LD ``inLanguage``, ``og:locale``, ``<html lang>``;
- canonical_url: JSON-LD ``url`` / ``mainEntityOfPage``, ``og:url``, ``<link rel=canonical>``;
- media: one lead image, the first usable of JSON-LD ``image`` (a URL, a list, an
  ``ImageObject`` with ``url`` or ``contentUrl``, ``width``, ``height``, ``caption``,
  ``creditText``, ``copyrightHolder`` and ``encodingFormat``, or an ``@id`` reference to
  one) and ``og:image`` (with the ``og:image:width``, ``:height``, ``:alt`` and ``:type``
  that follow it; ``og:image:secure_url`` when it is https). When both name the same
  image, JSON-LD's details win and Open Graph's fill the gaps. Relative URLs are
  resolved against the canonical URL (else the page's own, when its source is a URL);
  an image URL that is still not absolute http(s) is dropped and counted in
  ``ParsedSource.skipped`` (``media:url``), as is any piece the domain refuses (see
  ``newscms.importers.base.MediaList``). Images inside the body stay in the body,
  not media items: a page says nothing of them but their ``src`` and ``alt``;
- body: the ``itemprop=articleBody`` element, else the ``<article>`` with the most
  text, else a common content class (``entry-content``, ...), else JSON-LD
  ``articleBody`` as paragraphs. The headline, byline, share and navigation chrome
  inside it is removed (``h1``, ``header``, ``nav``, ``aside``, ``footer``, forms,
  and elements whose class names say ``share``, ``byline``, ``related``, ...);
  figures and their captions stay. Links are made absolute, then the draft sanitizes
  the HTML (no scripts, handlers or ``javascript:`` URLs survive).

``article:modified_time`` / ``dateModified`` are not carried: a draft has no field for
the last modification. A page without a headline is an ``ImportFailure``. A page with
a headline but no publication date becomes a *draft* without ``published_at``:
nothing says when it was published, and using the import time would invent a date.

A JSON-LD block that is not JSON is skipped (it must not hide the rest of the page). One
that is JSON but cannot be read, because it nests deeper than Python's JSON reader goes
or is longer than ``_JSON_LD_MAX``, may be the article: when no other block gives the
article, the page is an ``ImportFailure`` saying why, not a page without JSON-LD.
libxml2 caps text nodes at 10 MB and cut longer JSON-LD blocks off; the page is parsed
with ``huge_tree`` so that they arrive whole. That option lifts libxml2's size and depth
caps only: its HTML parser never expands entities, and ``no_network`` keeps it from
fetching anything.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from html import escape, unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree

from newscms.domain import MediaRole, Status, TagKind
from newscms.errors import ImportFailure, LocaleError
from newscms.importers.base import (
    DEFAULT_OPTIONS,
    ImportOptions,
    MediaList,
    MediaPieces,
    ParsedSource,
    TagList,
    absolute_url,
    build_draft,
    decode_text,
    http_url,
    provenance,
    read_date,
    read_dateline,
)
from newscms.utils.html import paragraphs_to_html
from newscms.utils.keys import url_key
from newscms.utils.locales import normalize_locale
from newscms.utils.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from lxml.html import HtmlElement

__all__ = ["ARTICLE_TYPES", "FORMAT", "og_images", "parse_html"]

FORMAT = "html"

ARTICLE_TYPES: frozenset[str] = frozenset(
    {
        "AnalysisNewsArticle", "Article", "AskPublicNewsArticle", "BackgroundNewsArticle",
        "BlogPosting", "DiscussionForumPosting", "LiveBlogPosting", "NewsArticle",
        "OpinionNewsArticle", "Report", "ReportageNewsArticle", "ReviewNewsArticle",
        "SatiricalArticle", "ScholarlyArticle", "SocialMediaPosting", "TechArticle",
    }
)  # fmt: skip
"""schema.org types whose node is the article (``Article`` and its subtypes)."""

# Inside the article element, these are page furniture, not the story.
_CHROME_TAGS = (
    "h1", "header", "nav", "aside", "footer", "form", "button", "input", "select",
    "textarea", "script", "style", "noscript", "template", "iframe", "object", "embed",
    "svg", "dialog", "meta", "link",
)  # fmt: skip
_CHROME_ROLES = frozenset({"banner", "complementary", "contentinfo", "navigation", "search"})
_CHROME_CLASS_WORDS = frozenset(
    {
        "ad", "ads", "advert", "advertisement", "author", "breadcrumb", "breadcrumbs",
        "byline", "comments", "meta", "newsletter", "print", "promo", "related", "share",
        "sharing", "social", "subscribe", "tags",
    }
)  # fmt: skip
_CHROME_ITEMPROPS = frozenset({"author", "datePublished", "dateModified", "headline", "publisher"})
_BODY_CLASSES = ("entry-content", "post-content", "article-body", "article-content", "story-body")
_CLASS_WORD = re.compile(r"[\s_-]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_JSON_WRAPPERS = re.compile(
    r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$"
)
_TITLE_SEPARATORS = (" | ", " - ", " \u2013 ", " \u2014 ", " :: ")
_MAX_DEPTH = 10
# The longest JSON-LD block read: the longest body (2,000,000 characters) with every
# character escaped as a \u surrogate pair (12 characters), which no real page reaches.
_JSON_LD_MAX = 24_000_000


def parse_html(
    data: str | bytes, *, source: str, options: ImportOptions = DEFAULT_OPTIONS
) -> ParsedSource:
    """Read the article of one HTML page into a draft.

    Args:
        data: The page as text, or as bytes in the charset its BOM or ``<meta charset>``
            declares (UTF-8, then Windows-1252, when it declares none).
        source: The page's file path or URL: its source identity, the base of relative
            links, and the name every error message gives.
        options: Locale and time zone for what the page leaves open; see ``ImportOptions``.

    Returns:
        A ``ParsedSource`` of format ``html`` with one draft: published when the page
        gives a publication date, else a draft; ``skipped`` counts the pieces of its
        lead image that were left out (``media:url``, ``media:size``, ...).

    Raises:
        ImportFailure: The page is empty or has no headline, its date cannot be read,
            its language cannot be told, a field is refused, or a JSON-LD block that may
            be the article cannot be read (nested too deeply, or too long).
    """
    document = _document(data, source)
    page = _Page(document, source)
    headline = page.headline()
    if headline is None:
        raise ImportFailure(
            "the page has no headline (no JSON-LD headline, og:title, <h1> or <title>)",
            source=source,
        )
    published = None
    if (raw := page.published_raw()) is not None:
        published = read_date(
            raw,
            source=source,
            line=page.line,
            order=options.date_order,
            zone=options.timezone,
        )
    tags = TagList()
    for name in page.keywords():
        tags.add(TagKind.TOPIC, name)
    for name in page.sections():
        tags.add(TagKind.SECTION, name)
    canonical = page.canonical_url()
    base = canonical or http_url(source)
    locale = options.locale or page.locale()
    skipped: Counter[str] = Counter()
    media = MediaList(locale, skipped, base=base)
    _add_lead_image(media, [*page.ld_images(), *map(_og_pieces, og_images(document))])
    draft = build_draft(
        document=source,
        locale=locale,
        headline=headline,
        summary=page.summary(),
        body=page.body(base=base),
        byline=[{"name": name} for name in page.authors()],
        dateline=page.dateline(),
        status=Status.PUBLISHED if published else Status.DRAFT,
        published_at=published.value if published else None,
        tags=tags.fields,
        canonical_url=canonical,
        source={"format": FORMAT, "locator": source},
        date_provenance=provenance(published) if published else None,
        media=media.attachments,
    )
    return ParsedSource(FORMAT, (draft,), skipped)


# Open Graph image properties and the piece each gives (``og:image:url`` is ``og:image``).
_OG_IMAGE = {
    "og:image": "url",
    "og:image:url": "url",
    "og:image:secure_url": "secure_url",
    "og:image:type": "type",
    "og:image:width": "width",
    "og:image:height": "height",
    "og:image:alt": "alt",
}


def og_images(document: HtmlElement) -> list[dict[str, str]]:
    """The page's Open Graph images in order, each with the structured properties it has.

    Open Graph ties ``og:image:width`` and the like to the ``og:image`` before them (a
    page may list several images), so the meta tags are read in document order; a
    property repeated for one image keeps its first value.

    Returns:
        One mapping per image of ``url``, ``secure_url``, ``type``, ``width``, ``height``
        and ``alt`` (those the page gives), values as written.
    """
    images: list[dict[str, str]] = []
    for element in document.iter("meta"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        piece, content = _OG_IMAGE.get(key), (element.get("content") or "").strip()
        if piece is None or not content:
            continue
        current = images[-1] if images else None
        if current is None or (piece == "url" and "url" in current):
            if current is not None and current.get("url") == content:
                continue  # og:image:url repeating the og:image just read
            current = {}
            images.append(current)
        current.setdefault(piece, content)
    return images


def _og_pieces(image: Mapping[str, str]) -> MediaPieces:
    """An Open Graph image as media pieces: its https ``secure_url`` wins over ``url``."""
    secure = image.get("secure_url", "")
    url = secure if secure.lower().startswith("https://") else image.get("url") or secure
    return MediaPieces(
        url=url,
        mime_type=image.get("type"),
        width=image.get("width"),
        height=image.get("height"),
        alt=image.get("alt"),
    )


def _add_lead_image(media: MediaList, candidates: list[MediaPieces]) -> None:
    """Add the first candidate the media list accepts as the lead, its details merged.

    The candidates naming the same image as the chosen one (by URL, as the store compares
    them) fill in the pieces it lacks, earlier candidates winning.
    """
    for index, candidate in enumerate(candidates):
        url = absolute_url(candidate.url, media.base)
        if url is None:
            media.add(MediaRole.LEAD, candidate)  # refused: counted as media:url
            continue
        merged = candidate
        for other in candidates[index + 1 :]:
            other_url = absolute_url(other.url, media.base)
            if other_url is not None and url_key(other_url) == url_key(url):
                merged = merged.over(other)
        if media.add(MediaRole.LEAD, merged):
            return


def _document(data: str | bytes, source: str) -> HtmlElement:
    text = clean_text(_decode(data, source))
    # lxml refuses text that still declares a byte encoding; the text is decoded already.
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        raise ImportFailure("the page is empty", source=source)
    # A parser per page: lxml parsers must not be shared between threads.
    parser = lxml.html.HTMLParser(huge_tree=True, no_network=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise ImportFailure(f"cannot parse the page as HTML: {exc}", source=source) from None


def _decode(data: str | bytes, source: str) -> str:
    """The page as text: by its BOM, its ``<meta charset>``, else UTF-8, else Windows-1252."""
    if isinstance(data, str):
        return data
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, source=source)
    encoding = "utf-8"
    if (match := _CHARSET.search(data[:4096])) is not None:
        try:
            encoding = codecs.lookup(match[1].decode("ascii")).name
        except LookupError:
            encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        # Browsers read an undeclared or mislabelled page as Windows-1252.
        return data.decode("cp1252" if encoding == "utf-8" else encoding, errors="replace")


def _json_ld(text: str) -> tuple[Any, str | None]:
    """A JSON-LD block's data, or why it cannot be read (None for a block that is not JSON)."""
    if len(text) > _JSON_LD_MAX:
        return None, (
            f"a JSON-LD block is {len(text):,} characters long, more than the "
            f"{_JSON_LD_MAX:,} newscms reads; shorten it (or remove it and let the page's "
            "meta tags and article element speak)"
        )
    try:
        return json.loads(_JSON_WRAPPERS.sub("", text), strict=False), None
    except RecursionError:
        return None, (
            "a JSON-LD block is nested too deeply to read (arrays or objects about a "
            "thousand levels deep, the most Python's JSON reader goes); flatten it (or "
            "remove it and let the page's meta tags and article element speak)"
        )
    except ValueError:
        return None, None  # not JSON: a broken block must not hide the rest of the page


def _types(node: Mapping[str, Any]) -> set[str]:
    """A JSON-LD node's types, without a ``schema:`` or ``https://schema.org/`` prefix."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", value)[-1] for value in values if isinstance(value, str)}


def _walk(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every node of a JSON-LD document: top level, lists, ``@graph`` and ``mainEntity``."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity"):
            if key in data:
                yield from _walk(data[key], depth + 1)


class _Page:
    """An HTML page's article: its JSON-LD node, its meta tags and its elements."""

    def __init__(self, document: HtmlElement, source: str) -> None:
        self.document = document
        self.source = source
        self.meta: dict[str, list[str]] = {}
        for element in document.iter("meta"):
            key = element.get("property") or element.get("name") or element.get("itemprop")
            content = element.get("content")
            if key and content is not None and content.strip():
                self.meta.setdefault(key.strip().lower(), []).append(content.strip())
        self.ld: dict[str, Any] = {}
        self.line: int | None = None
        self.nodes: dict[str, dict[str, Any]] = {}
        self._read_json_ld()

    def _read_json_ld(self) -> None:
        """Find the article node among the page's JSON-LD blocks.

        When none gives the article but one could not be read (too deep or too long), that
        one may be the article: an ``ImportFailure`` says so rather than read on without it.
        """
        found: list[tuple[dict[str, Any], int | None]] = []
        unread: tuple[str, int | None] | None = None
        for script in self.document.iter("script"):
            kind = (script.get("type") or "").split(";")[0].strip().lower()
            if kind != "application/ld+json":
                continue
            data, why = _json_ld(script.text or "")
            if why is not None:
                unread = unread or (why, script.sourceline)
                continue
            for node in _walk(data):
                if isinstance(node.get("@id"), str):
                    self.nodes.setdefault(node["@id"], node)
                if _types(node) & ARTICLE_TYPES:
                    found.append((node, script.sourceline))
        if found:
            # The node with a headline is the article; others may be related stories.
            self.ld, self.line = next(((n, s) for n, s in found if n.get("headline")), found[0])
        elif unread is not None:
            raise ImportFailure(unread[0], source=self.source, line=unread[1])

    def meta_values(self, key: str) -> list[str]:
        """Every content of the meta tags named ``key`` (property, name or itemprop)."""
        return self.meta.get(key.lower(), [])

    def resolve(self, value: Any) -> Any:
        """A JSON-LD ``{"@id": ...}`` reference replaced by the node it names, if on the page."""
        if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
            return self.nodes.get(value["@id"], value)
        return value

    def texts(self, value: Any) -> list[str]:
        """The text values of a JSON-LD property: strings, named objects and lists of them."""
        items = value if isinstance(value, list) else [value]
        found: list[str] = []
        for item in items:
            value = self.resolve(item)
            if isinstance(value, dict):
                value = value.get("name") or value.get("@value") or _person_name(value)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                text = " ".join(unescape(str(value)).split())
                if text:
                    found.append(text)
        return found

    def first_text(self, *values: Any) -> str | None:
        """The first non-empty text among ``values``."""
        for value in values:
            if texts := self.texts(value):
                return texts[0]
        return None

    def headline(self) -> str | None:
        """The headline, from the first source that has one."""
        found = self.first_text(
            self.ld.get("headline"), self.ld.get("name"), *self.meta_values("og:title")
        )
        if found:
            return found
        for h1 in self.document.iter("h1"):
            if text := " ".join(h1.text_content().split()):
                return text
        title = self.document.find(".//title")
        if title is None or not (text := " ".join(title.text_content().split())):
            return None
        for site in self.meta_values("og:site_name"):
            for separator in _TITLE_SEPARATORS:
                text = text.removesuffix(f"{separator}{site}")
        return text

    def summary(self) -> str | None:
        """The standfirst: JSON-LD description, og:description, then the meta description."""
        return self.first_text(
            self.ld.get("description"),
            *self.meta_values("og:description"),
            *self.meta_values("description"),
        )

    def published_raw(self) -> str | None:
        """The publication date as written, from the first source that has one."""
        found = self.first_text(
            self.ld.get("datePublished"),
            *self.meta_values("article:published_time"),
            *self.meta_values("datePublished"),
        )
        if found:
            return found
        for element in self.document.xpath('//*[@itemprop="datePublished"]'):
            if value := (element.get("datetime") or element.get("content") or "").strip():
                return value
        return None

    def authors(self) -> list[str]:
        """The credited names: JSON-LD authors, else author meta tags that are not URLs."""
        names = self.texts(self.ld.get("author"))
        if not names:
            candidates = self.meta_values("article:author") + self.meta_values("author")
            names = [n for n in candidates if http_url(n) is None and "/" not in n]
        return list(dict.fromkeys(names))

    def ld_images(self) -> list[MediaPieces]:
        """The article's JSON-LD ``image``: URLs and ``ImageObject`` nodes, in order."""
        value = self.ld.get("image")
        found: list[MediaPieces] = []
        for item in value if isinstance(value, list) else [value]:
            node = self.resolve(item)
            if isinstance(node, str):
                found.append(MediaPieces(url=node))
            elif isinstance(node, dict):
                url = next(
                    (u for key in ("url", "contentUrl") for u in _strings(node.get(key))), None
                )
                if url is None:
                    continue
                encoding = node.get("encodingFormat")
                found.append(
                    MediaPieces(
                        url=url,
                        mime_type=encoding if isinstance(encoding, str) else None,
                        width=_quantity(node.get("width")),
                        height=_quantity(node.get("height")),
                        caption=self.first_text(node.get("caption")),
                        credit=self.first_text(node.get("creditText")),
                        copyright_holder=self.first_text(node.get("copyrightHolder")),
                    )
                )
        return found

    def keywords(self) -> list[str]:
        """Topic tags: JSON-LD keywords (comma-separated or a list), then article:tag."""
        raw = self.ld.get("keywords")
        values = self.texts(raw)
        if isinstance(raw, str):
            values = [part for value in values for part in value.split(",")]
        return values + self.meta_values("article:tag")

    def sections(self) -> list[str]:
        """Section tags: JSON-LD articleSection, then article:section."""
        return self.texts(self.ld.get("articleSection")) + self.meta_values("article:section")

    def dateline(self) -> Any:
        """Where the story was filed: JSON-LD dateline, else the place it was created/about."""
        if text := self.first_text(self.ld.get("dateline")):
            return read_dateline(text[:200])
        place = self.first_text(self.ld.get("locationCreated"), self.ld.get("contentLocation"))
        return {"place": place[:200]} if place else None

    def locale(self) -> str:
        """The page's language: JSON-LD inLanguage, og:locale, then ``<html lang>``."""
        language = self.ld.get("inLanguage")
        if isinstance(language, dict):
            language = language.get("alternateName") or language.get("name")
        candidates = [
            *self.texts(language),
            *self.meta_values("og:locale"),
            self.document.get("lang") or "",
            self.document.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
            *self.meta_values("content-language"),
        ]
        for candidate in candidates:
            try:
                return normalize_locale(candidate.strip())
            except LocaleError:
                continue
        raise ImportFailure(
            "cannot tell the page's language (no JSON-LD inLanguage, og:locale or "
            "<html lang>); pass --locale (ImportOptions.locale)",
            source=self.source,
        )

    def canonical_url(self) -> str | None:
        """The article's own address, absolute (against a URL source) and without fragment."""
        page = self.resolve(self.ld.get("mainEntityOfPage"))
        if isinstance(page, dict):
            page = page.get("url") or page.get("@id")
        candidates = [
            *self.texts(self.ld.get("url")),
            *self.texts(page),
            *self.meta_values("og:url"),
            *(link.get("href") or "" for link in self.document.xpath('//link[@rel="canonical"]')),
        ]
        base = http_url(self.source)
        for candidate in candidates:
            try:
                absolute = urldefrag(urljoin(base, candidate) if base else candidate).url
            except ValueError:  # an unbalanced IPv6 bracket and the like
                continue
            if (url := http_url(absolute)) is not None:
                return url
        return None

    def body(self, *, base: str | None) -> str:
        """The story's HTML, chrome removed and links absolute; the draft sanitizes it."""
        element = self._body_element()
        if element is not None:
            _strip_chrome(element)
            if base is not None:
                element.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
            html = escape(element.text or "", quote=False) + "".join(
                lxml.html.tostring(child, encoding="unicode") for child in element
            )
            if " ".join(element.text_content().split()):
                return html
        text = self.first_text(self.ld.get("articleBody"))
        raw = self.ld.get("articleBody")
        if text and isinstance(raw, str):
            # Keep the paragraph breaks that whitespace-collapsing would lose.
            return paragraphs_to_html(re.split(r"\n\s*\n|\n", unescape(raw)))
        return ""

    def _body_element(self) -> HtmlElement | None:
        for element in self.document.xpath('//*[@itemprop="articleBody"]'):
            return element
        articles = list(self.document.iter("article"))
        if articles:
            return max(articles, key=lambda article: len(article.text_content()))
        for name in _BODY_CLASSES:
            query = f'//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'
            for element in self.document.xpath(query):
                return element
        return None


def _strings(value: Any) -> list[str]:
    """A JSON-LD property's string values (one, or a list of them)."""
    return [
        item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str)
    ]


def _quantity(value: Any) -> Any:
    """A schema.org size: a number or text, or a ``QuantitativeValue`` holding one."""
    return value.get("value") if isinstance(value, dict) else value


def _person_name(node: Mapping[str, Any]) -> str | None:
    """A schema.org Person's name when it is given in parts (givenName, familyName)."""
    parts = [node.get("givenName"), node.get("familyName")]
    name = " ".join(part for part in parts if isinstance(part, str) and part.strip())
    return name or None


def _is_chrome(element: HtmlElement) -> bool:
    if element.tag in _CHROME_TAGS or element.get("hidden") is not None:
        return True
    if (element.get("role") or "").strip().lower() in _CHROME_ROLES:
        return True
    if (element.get("itemprop") or "").strip() in _CHROME_ITEMPROPS:
        return True
    words = set(_CLASS_WORD.split((element.get("class") or "").lower()))
    return bool(words & _CHROME_CLASS_WORDS)


def _strip_chrome(container: HtmlElement) -> None:
    """Remove the page furniture inside ``container`` (its text after each removal stays)."""
    doomed = [
        element
        for element in container.iterdescendants()
        if isinstance(element.tag, str) and _is_chrome(element)
    ]
    for element in doomed:
        # One inside an element already dropped goes with it; dropping it again is harmless.
        element.drop_tree()
