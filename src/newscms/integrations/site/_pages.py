"""What each page of the reference site shows, assembled from the store's domain objects.

No framework here: the app hands in articles, tags and pages read in its unit of work,
and a ``Links`` made from the request, and gets back plain values for the templates.
Every date, byline, dateline, share link and JSON-LD document comes from
``newscms.formats``, so the site says exactly what the feeds and the printable page say.
Text is given to the templates as text (they escape it); only what is already safe HTML
(the sanitized body, the JSON-LD script, search snippets, the linked see-also titles) is
marked ``Markup``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup

from newscms.domain import RelationKind, Status, Tag, TagKind
from newscms.formats import article_date, jsonld_script, share_payload, to_jsonld

# The printable page's byline and see-also rules, used as they are so the two pages
# cannot drift apart (see the report: they want public names in newscms.formats).
from newscms.formats.printable import byline_text, dateline_text, see_also_items
from newscms.integrations.site._labels import labels_for
from newscms.utils.locales import babel_locale

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from newscms.domain import Article, ArticleRef, ArticleTeaser, Relation, SearchHit, TagRef
    from newscms.formats import Site

__all__ = [
    "ArticleView",
    "Chrome",
    "Language",
    "Links",
    "TagLink",
    "Teaser",
    "article_view",
    "chrome",
    "search_teasers",
    "tag_link",
    "teasers",
]


@dataclass(frozen=True, slots=True)
class Links:
    """The site's own URLs under ``root`` (the app's absolute base URL, ending in ``/``)."""

    root: str

    def home(self, locale: str) -> str:
        """The home page of one edition."""
        return f"{self.root}{_segment(locale)}/"

    def printable(self, article: Article | ArticleRef) -> str:
        """The printable version of an article."""
        return f"{self.root}{_segment(article.locale)}/{_segment(article.slug)}/print"

    def tag(self, locale: str, slug: str, kind: str) -> str:
        """A tag's page; a region's is under ``regions/`` so it is never a topic's."""
        folder = "regions" if kind == TagKind.REGION else "tags"
        return f"{self.root}{_segment(locale)}/{folder}/{_segment(slug)}"

    def person(self, locale: str, slug: str) -> str:
        """The page of the person whose slug in ``locale`` is ``slug``."""
        return f"{self.root}{_segment(locale)}/people/{_segment(slug)}"

    def search(self, locale: str) -> str:
        """The search page of one edition."""
        return f"{self.root}{_segment(locale)}/search"

    def feed(self, locale: str, kind: str) -> str:
        """The RSS (``kind="rss"``) or Atom feed of one edition, served by the read API."""
        return f"{self.root}api/feeds/{_segment(locale)}/{kind}"

    def sitemap(self) -> str:
        """The sitemap of every public article, served by the read API."""
        return f"{self.root}api/sitemap.xml"

    def static(self, name: str) -> str:
        """A packaged static file (the style sheet)."""
        return f"{self.root}static/{name}"


@dataclass(frozen=True, slots=True)
class TagLink:
    """A tag as a link: its name in the page's locale and its page."""

    name: str
    url: str
    kind: str


@dataclass(frozen=True, slots=True)
class Picture:
    """An article's lead image as a page shows it: the image, its alt text, caption and credit."""

    url: str
    alt: str
    width: int | None
    height: int | None
    caption: str | None
    credit: str | None
    srcset: str | None

    @classmethod
    def of(cls, article: Article | ArticleTeaser) -> Picture | None:
        """The lead image of ``article``, or None when it has none."""
        lead = article.lead_image
        if lead is None:
            return None
        srcset = None
        if lead.width and lead.height:
            # Only sizes of the same picture: a crop to another aspect ratio is not one.
            ratio = lead.width / lead.height
            same = [r for r in lead.renditions if abs(r.width / r.height - ratio) <= ratio / 100]
            sizes = sorted({(r.width, r.url) for r in same} | {(lead.width, lead.url)})
            if len(sizes) > 1:
                srcset = ", ".join(f"{url} {width}w" for width, url in sizes)
        return cls(
            url=lead.url,
            alt=lead.alt or "",
            width=lead.width,
            height=lead.height,
            caption=lead.caption,
            credit=lead.credit,
            srcset=srcset,
        )


@dataclass(frozen=True, slots=True)
class Teaser:
    """One story in a listing: headline, date, region line and summary, linked."""

    url: str
    headline: str | Markup
    date: str | None
    stamp: str | None
    regions: tuple[TagLink, ...] = ()
    summary: str | Markup | None = None
    picture: Picture | None = None


@dataclass(frozen=True, slots=True)
class Language:
    """One language version of a story, for the switcher."""

    locale: str
    name: str
    url: str
    current: bool = False


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every page of one edition shows around its content."""

    locale: str
    direction: str
    labels: dict[str, str]
    site_name: str
    home_url: str
    search_url: str
    rss_url: str
    atom_url: str
    css_url: str


@dataclass(frozen=True, slots=True)
class ArticleView:
    """Everything the article page shows, in the order of the legacy page."""

    url: str
    headline: str
    subheadline: str | None
    date: str | None
    stamp: str | None
    regions: tuple[TagLink, ...]
    byline: str | None
    dateline: str | None
    summary: str | None
    body: Markup
    tags: tuple[TagLink, ...]
    see_also: tuple[tuple[Markup, str | None], ...]
    mailto: str
    print_url: str
    jsonld: Markup
    languages: tuple[Language, ...] = field(default=())
    picture: Picture | None = None


def chrome(locale: str, site: Site, links: Links) -> Chrome:
    """The header and footer of a page in ``locale``: words, home, search and feeds."""
    return Chrome(
        locale=locale,
        direction=babel_locale(locale).text_direction,
        labels=labels_for(locale),
        site_name=site.name,
        home_url=links.home(locale),
        search_url=links.search(locale),
        rss_url=links.feed(locale, "rss"),
        atom_url=links.feed(locale, "atom"),
        css_url=links.static("site.css"),
    )


def tag_link(tag: TagRef | Tag, locale: str, links: Links, default_locale: str) -> TagLink:
    """A tag (as an article carries it, or a stored one) named and linked in ``locale``."""
    if isinstance(tag, Tag):
        name = tag.name_in(locale, default_locale)
        return TagLink(name.name, links.tag(locale, name.slug, tag.kind), tag.kind)
    return TagLink(tag.name, links.tag(locale, tag.slug, tag.kind), tag.kind)


def teasers(
    articles: Iterable[Article | ArticleTeaser], site: Site, links: Links, default_locale: str
) -> tuple[Teaser, ...]:
    """The listing entries of ``articles``: each links to its page on ``site``."""
    return tuple(
        Teaser(
            url=site.url_for(article),
            headline=article.headline,
            date=article_date(article, site=site),
            stamp=_stamp(article, site),
            regions=_regions(article, links, default_locale),
            summary=article.summary,
            picture=Picture.of(article),
        )
        for article in articles
    )


def search_teasers(
    hits: Iterable[SearchHit], site: Site, links: Links, default_locale: str
) -> tuple[Teaser, ...]:
    """Search hits as listing entries: the headline and snippet with matches marked."""
    return tuple(
        Teaser(
            url=site.url_for(hit.article),
            # The store escaped the text and added only <mark> elements.
            headline=Markup(hit.headline),
            date=article_date(hit.article, site=site),
            stamp=_stamp(hit.article, site),
            regions=_regions(hit.article, links, default_locale),
            summary=Markup(hit.snippet),
        )
        for hit in hits
    )


def article_view(
    article: Article,
    site: Site,
    links: Links,
    *,
    default_locale: str,
    incoming: Sequence[Relation] = (),
) -> ArticleView:
    """The article page of ``article``.

    Args:
        article: The public article.
        site: Builds its URL (canonical, share, JSON-LD) and those of related stories.
        links: The site's own URLs (tag pages, printable version).
        default_locale: The last step of every tag name's fallback chain.
        incoming: Relations other articles hold to this one; those of kind
            ``translation`` are language versions too (a translation points at its
            original, so the original learns of it only this way).
    """
    url = site.url_for(article)
    see_also = tuple(
        # Titles come escaped (and linked where the target is public) from the printable page.
        (Markup(title), when)
        for title, when in see_also_items(article, site, links=True)
    )
    topics = tuple(
        tag_link(tag, article.locale, links, default_locale)
        for tag in article.tags
        if tag.kind != TagKind.REGION
    )
    return ArticleView(
        url=url,
        headline=article.headline,
        subheadline=article.subheadline,
        date=article_date(article, site=site),
        stamp=_stamp(article, site),
        regions=_regions(article, links, default_locale),
        byline=byline_text(article),
        dateline=dateline_text(article.dateline) if article.dateline else None,
        summary=article.summary,
        body=Markup(article.body),  # sanitized when it was stored
        tags=topics,
        see_also=see_also,
        mailto=share_payload(article, url).mailto,
        print_url=links.printable(article),
        jsonld=Markup(jsonld_script(to_jsonld(article, site=site))),
        languages=_languages(article, incoming, site),
        picture=Picture.of(article),
    )


def _languages(article: Article, incoming: Sequence[Relation], site: Site) -> tuple[Language, ...]:
    """The story's public language versions, this one included, by locale; none if alone."""
    versions: dict[str, ArticleRef] = {}
    outgoing = [r.target for r in article.relations if r.kind == RelationKind.TRANSLATION]
    sources = [r.source for r in incoming if r.kind == RelationKind.TRANSLATION]
    for ref in (*article.translations, *outgoing, *sources):
        if ref is not None and ref.status == Status.PUBLISHED and ref.id != article.id:
            versions.setdefault(ref.locale, ref)
    if not versions:
        return ()
    found = [
        Language(ref.locale, _language_name(ref.locale), site.url_for(ref))
        for ref in versions.values()
        if ref.locale != article.locale
    ]
    mine = Language(article.locale, _language_name(article.locale), site.url_for(article), True)
    return tuple(sorted([mine, *found], key=lambda language: language.locale))


def _language_name(locale: str) -> str:
    """A locale's name in its own language (``italiano``, ``中文``)."""
    name = babel_locale(locale).display_name or locale
    return name[:1].upper() + name[1:]


def _regions(
    article: Article | ArticleTeaser, links: Links, default_locale: str
) -> tuple[TagLink, ...]:
    return tuple(
        tag_link(tag, article.locale, links, default_locale)
        for tag in article.tags_of_kind(TagKind.REGION)
    )


def _stamp(article: Article | ArticleTeaser, site: Site) -> str | None:
    """The machine-readable publication time of a ``<time datetime>``."""
    return site.timestamp(article.published_at) if article.published_at is not None else None


def _segment(value: str) -> str:
    return quote(value, safe="")
