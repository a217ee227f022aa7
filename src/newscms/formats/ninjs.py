"""IPTC ninjs 2.2 (and 2.1): an article as a news agency item, and newscms's exchange format.

Identity: ``uri`` is ``urn:uuid:<article id>`` (RFC 9562's registered URN namespace).
The id is stable for the article's life and survives export and import, whereas a URL
changes with the slug, the site or the host's routing, and a draft has none. The public
URL travels in ``altids`` with the role ``canonical-url``.

How an article maps (``profile`` is ``"newscms"``, so a reader knows these conventions):

===================  ==========================================================
``headlines``        ``main``: headline; ``sub``: subheadline
``descriptions``     ``summary``: summary (plain text)
``bodies``           ``main``: body as ``text/html``, with plain-text char/word counts
``by``, ``people``   byline; each person has ``rel`` = their role, or ``author``
``located``          dateline place
``infosources``      dateline source (no role: it originated the story, as NewsML-G2
                     reads an info source without one); the import source's web
                     site with the role ``import`` when the source is a URL
``subjects``         topic, section and other tags; ``rel`` is the tag kind
``places``           region tags; person, organization and event tags go to
                     ``people``, ``organisations`` and ``events``. Tags carry
                     ``uri`` = ``urn:uuid:<tag id>`` and ``literal`` = their slug
``firstcreated``     publication time (``published_at``); absent for an unscheduled draft
``contentcreated``   creation time in the CMS; ``versioncreated``: last update
``pubstatus``        published: ``usable``; draft and scheduled: ``withheld``;
                     archived: ``canceled`` (no longer public)
``altids``           ``canonical-url`` and ``source:<format>`` (import identity)
``associations``     one per relation, in order, ``name`` = relation kind; a pending
                     target is described by what is known (title, date, URL, slug)
                     and named by the relation's id, since it has no id of its own.
                     Then one per media item, in order: ``name`` = its role
                     (``lead``, ``gallery``, ``inline``), ``type`` ``picture``,
                     ``video`` or ``audio`` (a relation is always ``text``), ``uri``
                     = ``urn:uuid:<media id>``, ``descriptions`` ``caption`` and
                     ``alt`` (plain text) with ``language`` = the caption's locale
                     (else the alt text's), ``by`` = credit line,
                     ``copyrightholder``, and ``renditions``: the original first,
                     named ``original``, then each rendition by its name
===================  ==========================================================

ninjs has no place for a media item's focal point, so it is not written.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from babel.lists import format_list

from newscms.domain.ninjs_profile import (
    BYLINE_REL,
    CANONICAL_URL_ROLE,
    IMPORT_SOURCE_ROLE,
    MEDIA_TYPES,
    NINJS_PROFILE,
    ORIGINAL_RENDITION,
    PUBSTATUS,
    SOURCE_ROLE_PREFIX,
    TAG_COLLECTIONS,
)
from newscms.errors import ValidationError
from newscms.formats._media import media_uri
from newscms.formats.site import http_uri
from newscms.utils.dates import in_zone
from newscms.utils.html import html_to_text, word_count
from newscms.utils.locales import babel_locale

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from uuid import UUID

    from newscms.domain import Article, Relation, TagRef
    from newscms.domain.article_ref import ArticleRef
    from newscms.domain.media import ArticleMedia, Rendition
    from newscms.formats.site import Site

__all__ = [
    "NINJS_SCHEMAS",
    "NinjsVersion",
    "ninjs_uri",
    "to_ninjs",
]

NinjsVersion = Literal["2.2", "2.1"]

NINJS_SCHEMAS: dict[str, str] = {
    "2.2": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json",
    "2.1": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json",
}

# ninjs counts exclude figure captions; the body is sanitized, so captions are well formed.
_CAPTION = re.compile(r"<figcaption\b.*?</figcaption>", re.DOTALL | re.IGNORECASE)


def ninjs_uri(identifier: UUID) -> str:
    """The ninjs ``uri`` of an article (or tag) id: ``urn:uuid:<id>``."""
    return identifier.urn


def to_ninjs(
    article: Article,
    *,
    site: Site | None = None,
    version: NinjsVersion = "2.2",
) -> dict[str, Any]:
    """The article as an IPTC ninjs 2.2 (or 2.1) news item, ready for ``json.dumps``.

    Args:
        article: The article to export.
        site: Gives the canonical URL of the article (and of related articles) when it
            has none of its own, and the zone dates are written in (UTC without it).
        version: ``"2.2"`` (the latest 2.x) or ``"2.1"``.

    Returns:
        The ninjs document as plain data; empty fields are left out.

    Raises:
        ValidationError: ``version`` is not one of ``NINJS_SCHEMAS``, or ``site`` could
            not build a URL.
    """
    if version not in NINJS_SCHEMAS:
        raise ValidationError(
            f"ninjs {version!r} is not supported; use one of {', '.join(NINJS_SCHEMAS)}",
            field="version",
        )
    zone = site.zone if site is not None else UTC

    def stamp(value: datetime) -> str:
        # Full precision (unlike feeds): ninjs is an exchange format, and times survive it.
        return in_zone(value, zone).isoformat()

    item: dict[str, Any] = {
        "uri": ninjs_uri(article.id),
        "standard": {"name": "ninjs", "version": version, "schema": NINJS_SCHEMAS[version]},
        "type": "text",
        "profile": NINJS_PROFILE,
        "representationtype": "full",
        "version": str(article.version),
        "language": article.locale,
        "slugline": article.slug,
        "pubstatus": PUBSTATUS.get(article.status, "withheld"),
        "contentcreated": stamp(article.created_at),
        "versioncreated": stamp(article.updated_at),
    }
    if article.published_at is not None:
        item["firstcreated"] = stamp(article.published_at)
    if article.embargoed_until is not None:
        item["embargoed"] = stamp(article.embargoed_until)
    if article.expires_at is not None:
        item["expires"] = stamp(article.expires_at)
    item["headlines"] = _headlines(article.headline, article.subheadline)
    if article.summary:
        item["descriptions"] = [
            {"role": "summary", "contenttype": "text/plain", "value": article.summary}
        ]
    if article.body:
        item["bodies"] = [_body(article.body)]
    if article.byline:
        names = [person.name for person in article.byline]
        item["by"] = format_list(names, locale=babel_locale(article.locale))
    item |= _tag_arrays(article)
    if article.dateline is not None and article.dateline.place:
        item["located"] = article.dateline.place
    if infosources := _infosources(article):
        item["infosources"] = infosources
    if altids := _altids(article, site):
        item["altids"] = altids
    associations = [_association(rel, site, stamp) for rel in article.relations]
    # The other editions of the story's translation group, unless a relation names them.
    related = {rel.target.id for rel in article.relations if rel.target is not None}
    associations += [
        _stored_association("translation", ref, site, stamp)
        for ref in article.translations
        if ref.id not in related
    ]
    associations += [entry for item in article.media if (entry := _media(item, article.locale))]
    if associations:
        item["associations"] = associations
    return item


def _headlines(main: str, sub: str | None) -> list[dict[str, str]]:
    headlines = [{"role": "main", "contenttype": "text/plain", "value": main}]
    if sub:
        headlines.append({"role": "sub", "contenttype": "text/plain", "value": sub})
    return headlines


def _body(html: str) -> dict[str, Any]:
    text = html_to_text(_CAPTION.sub("", html))
    return {
        "role": "main",
        "contenttype": "text/html",
        "charcount": len(text),
        "wordcount": word_count(text),
        "value": html,
    }


def _tag_entry(tag: TagRef, *, with_kind: bool) -> dict[str, str]:
    entry = {"name": tag.name, "uri": ninjs_uri(tag.id), "literal": tag.slug}
    if with_kind:
        entry["rel"] = tag.kind
    return entry


def _tag_arrays(article: Article) -> dict[str, list[dict[str, str]]]:
    """Every tag in the ninjs array of its kind, and the byline people.

    The arrays appear in the order of the article's first tag of each kind, so a reader
    that takes them in document order gets the tags back in their order whenever tags
    of one kind are kept together (ninjs has no place for an order across arrays).
    """
    arrays: dict[str, list[dict[str, str]]] = {}
    for tag in article.tags:
        collection = TAG_COLLECTIONS.get(tag.kind, "subjects")
        arrays.setdefault(collection, []).append(
            _tag_entry(tag, with_kind=collection == "subjects")
        )
    byline = [{"name": p.name, "rel": p.role or BYLINE_REL} for p in article.byline]
    if byline:
        arrays["people"] = byline + arrays.get("people", [])
    return arrays


def _infosources(article: Article) -> list[dict[str, str]]:
    sources = []
    if article.dateline is not None and article.dateline.source:
        sources.append({"name": article.dateline.source})
    if article.source is not None and (url := http_uri(article.source.locator)):
        host = urlsplit(url).hostname or url
        sources.append({"name": host, "uri": url, "role": IMPORT_SOURCE_ROLE})
    return sources


def _altids(article: Article, site: Site | None) -> list[dict[str, str]]:
    altids = []
    canonical = article.canonical_url or (site.public_url(article) if site is not None else None)
    if canonical:
        altids.append({"role": CANONICAL_URL_ROLE, "value": canonical})
    if article.source is not None:
        role = SOURCE_ROLE_PREFIX + article.source.format
        altids.append({"role": role, "value": article.source.locator})
    return altids


def _association(
    relation: Relation, site: Site | None, stamp: Callable[[datetime], str]
) -> dict[str, Any]:
    """One related article: what newscms knows of it, resolved or still pending."""
    target, pending = relation.target, relation.pending
    if target is not None:
        return _stored_association(relation.kind, target, site, stamp)
    entry: dict[str, Any] = {"name": relation.kind, "type": "text", "representationtype": "partial"}
    entry["uri"] = ninjs_uri(relation.id)
    if pending is None:
        return entry
    if pending.locale:
        entry["language"] = pending.locale
    if pending.slug:
        entry["slugline"] = pending.slug
    if pending.published_at is not None:
        entry["firstcreated"] = stamp(pending.published_at)
    if pending.title:
        entry["headlines"] = _headlines(pending.title, None)
    if pending.url:
        entry["altids"] = [{"role": CANONICAL_URL_ROLE, "value": pending.url}]
    return entry


def _media(item: ArticleMedia, locale: str) -> dict[str, Any] | None:
    """A media item the article shows, in its role; None when its URL is not http(s)."""
    href = media_uri(item)
    if href is None:
        return None
    entry: dict[str, Any] = {"name": item.role.value, "uri": ninjs_uri(item.id)}
    entry["type"] = MEDIA_TYPES[item.kind]
    texts = [
        (role, text, borrowed or locale)
        for role, text, borrowed in (
            ("caption", item.caption, item.caption_locale),
            ("alt", item.alt, item.alt_locale),
        )
        if text
    ]
    if texts:
        # One language per item: the caption's, or the alt text's when it has no caption.
        entry["language"] = texts[0][2]
        entry["descriptions"] = [
            {"role": role, "contenttype": "text/plain", "value": text} for role, text, _ in texts
        ]
    if item.credit:
        entry["by"] = item.credit
    if item.copyright_holder:
        entry["copyrightholder"] = item.copyright_holder
    entry["renditions"] = [_rendition(ORIGINAL_RENDITION, href, item)] + [
        _rendition(rendition.name, uri, rendition)
        for rendition in item.renditions
        if (uri := media_uri(rendition))
    ]
    return entry


def _rendition(name: str, href: str, shown: ArticleMedia | Rendition) -> dict[str, Any]:
    rendition: dict[str, Any] = {"name": name, "href": href}
    if shown.mime_type:
        rendition["contenttype"] = shown.mime_type
    if shown.width is not None and shown.height is not None:
        rendition["width"] = shown.width
        rendition["height"] = shown.height
    return rendition


def _stored_association(
    name: str, target: ArticleRef, site: Site | None, stamp: Callable[[datetime], str]
) -> dict[str, Any]:
    """A stored article associated with this one (related, or another edition)."""
    entry: dict[str, Any] = {"name": name, "type": "text", "representationtype": "partial"}
    entry["uri"] = ninjs_uri(target.id)
    entry["language"] = target.locale
    entry["slugline"] = target.slug
    entry["pubstatus"] = PUBSTATUS.get(target.status, "withheld")
    if target.published_at is not None:
        entry["firstcreated"] = stamp(target.published_at)
    entry["headlines"] = _headlines(target.headline, None)
    url = site.public_url(target) if site is not None else None
    if url:
        entry["altids"] = [{"role": CANONICAL_URL_ROLE, "value": url}]
    return entry
