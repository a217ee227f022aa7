"""schema.org ``NewsArticle`` as JSON-LD, for the ``<head>`` of an article page.

Byline people are ``author`` (no role, or a writing role), ``translator``, ``editor`` or
``contributor`` (any other role: photographer, ...), so the credit says what they did.
Region tags are both ``contentLocation`` and ``about`` (as ``Place``); person,
organization and event tags are ``about`` too. The other editions of the article's
translation group, and relations of kind ``translation``, link the language versions
of one story: the earlier-published one is taken as the original, so a
later article is a ``translationOfWork`` of it and an earlier one lists the later ones as
``workTranslation``; when a date is missing the other version is a ``workTranslation``.
``image`` lists the lead image, its high-resolution renditions (the aspect ratios Google
asks for) and the gallery, as ``ImageObject``s with their size, caption and credit.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from newscms.domain import RelationKind, TagKind
from newscms.formats._media import high_resolution, lead_picture, media_uri, pictures
from newscms.formats.printable import dateline_text
from newscms.formats.site import http_uri
from newscms.utils.html import html_to_text, word_count

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from newscms.domain import Article, Person, Relation
    from newscms.domain.article_ref import ArticleRef
    from newscms.domain.media import ArticleMedia, Rendition
    from newscms.formats.site import Site

__all__ = ["ABOUT_TYPES", "CREDIT_PROPERTIES", "PIXEL", "jsonld_script", "to_jsonld"]

CREDIT_PROPERTIES: dict[str, str] = {
    "author": "author",
    "writer": "author",
    "reporter": "author",
    "correspondent": "author",
    "translator": "translator",
    "editor": "editor",
}
"""The schema.org property for a byline role; other roles are ``contributor``."""

ABOUT_TYPES: dict[str, str] = {
    TagKind.REGION: "Place",
    TagKind.PERSON: "Person",
    TagKind.ORGANIZATION: "Organization",
    TagKind.EVENT: "Event",
}
"""The schema.org type of the ``about`` entry of each tag kind; other kinds are not ``about``."""

PIXEL = "E37"
"""UN/CEFACT's unit code for a pixel: the ``unitCode`` of an image's width and height."""

# "</script>" inside a string would end the script element early; these escapes keep
# the JSON identical once parsed.
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def to_jsonld(
    article: Article,
    *,
    site: Site,
    include_body: bool = False,
) -> dict[str, Any]:
    """The article as a schema.org ``NewsArticle`` JSON-LD document.

    Args:
        article: The article.
        site: The publisher, the article's URL and the zone dates are written in.
        include_body: Add ``articleBody`` (plain text) and ``wordCount``; search engines
            read the page itself, so the default keeps the script small.

    Returns:
        The JSON-LD document as plain data, ready for ``json.dumps`` or ``jsonld_script``.

    Raises:
        ValidationError: ``site`` could not build the article's URL.
    """
    page_url = site.url_for(article)
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": f"{page_url}#article",
        "identifier": article.id.urn,
        "url": article.canonical_url or page_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "headline": article.headline,
        "inLanguage": article.locale,
    }
    if article.subheadline:
        doc["alternativeHeadline"] = article.subheadline
    if article.summary:
        doc["description"] = article.summary
    doc |= _images(article)
    if include_body and article.body:
        text = html_to_text(article.body)
        doc["articleBody"] = text
        doc["wordCount"] = word_count(text)
    if article.published_at is not None:
        doc["datePublished"] = site.timestamp(article.published_at)
    doc["dateModified"] = site.timestamp(article.updated_at)
    if article.expires_at is not None:
        doc["expires"] = site.timestamp(article.expires_at)
    doc |= _credits(article.byline, site, article.locale)
    if article.dateline is not None:
        doc["dateline"] = dateline_text(article.dateline)
    if sections := [tag.name for tag in article.tags_of_kind(TagKind.SECTION)]:
        doc["articleSection"] = sections
    if keywords := [tag.name for tag in article.tags_of_kind(TagKind.TOPIC)]:
        doc["keywords"] = keywords
    if places := [_node("Place", tag.name, tag.id.urn) for tag in article.tags_of_kind("region")]:
        doc["contentLocation"] = places
    about = [
        _node(ABOUT_TYPES[tag.kind], tag.name, tag.id.urn)
        for tag in article.tags
        if tag.kind in ABOUT_TYPES
    ]
    if about:
        doc["about"] = about
    doc |= _translations(article, site)
    if article.source is not None and (based_on := http_uri(article.source.locator)):
        doc["isBasedOn"] = based_on
    doc["publisher"] = _publisher(site)
    if article.corrections:  # the public correction log, oldest first
        doc["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.note,
                "datePublished": site.timestamp(correction.created_at),
            }
            for correction in article.corrections
        ]
    return doc


def jsonld_script(document: Mapping[str, Any]) -> str:
    """Wrap a JSON-LD document in a ``<script type="application/ld+json">`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no headline can close the
    script element or be read as markup; ``json.loads`` of the element's text gives
    ``document`` back unchanged.
    """
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return f'<script type="application/ld+json">{text.translate(_SCRIPT_ESCAPES)}</script>'


def _node(kind: str, name: str, identifier: str) -> dict[str, str]:
    return {"@type": kind, "@id": identifier, "name": name}


def _credits(byline: Sequence[Person], site: Site, locale: str) -> dict[str, list[dict[str, str]]]:
    """The byline as schema.org ``author``/``contributor``/... Persons, linked to their pages."""
    credits: dict[str, list[dict[str, str]]] = {}
    for person in byline:
        role = (person.role or "author").strip().lower()
        prop = CREDIT_PROPERTIES.get(role, "contributor")
        node = {"@type": "Person", "name": person.name}
        if (page := site.person_page(person, locale)) is not None:
            node["url"] = page
        credits.setdefault(prop, []).append(node)
    return credits


def _translations(article: Article, site: Site) -> dict[str, Any]:
    """``translationOfWork`` (the original) and ``workTranslation`` (later versions)."""
    original: dict[str, Any] | None = None
    translations: list[dict[str, Any]] = []
    versions = [_edition(ref, site) for ref in article.translations]
    grouped = {ref.id for ref in article.translations}
    versions += [
        _work(relation, site)
        for relation in article.relations
        if relation.kind == RelationKind.TRANSLATION
        and (relation.target is None or relation.target.id not in grouped)
    ]
    for work, published in versions:
        if not work:
            continue
        mine = article.published_at
        if original is None and mine and published and published < mine:
            original = work
        else:
            translations.append(work)
    links: dict[str, Any] = {}
    if original is not None:
        links["translationOfWork"] = original
    if translations:
        links["workTranslation"] = translations
    return links


def _work(relation: Relation, site: Site) -> tuple[dict[str, Any], datetime | None]:
    """The related article as a linked ``NewsArticle`` node, and its publication time."""
    target, pending = relation.target, relation.pending
    if target is not None:
        return _edition(target, site)
    if pending is None:
        return {}, None
    node = {"@type": "NewsArticle"}
    if pending.title:
        node["headline"] = pending.title
    if pending.locale:
        node["inLanguage"] = pending.locale
    if pending.url and (link := http_uri(pending.url)):
        node["url"] = link
    return (node if len(node) > 1 else {}), pending.published_at


def _edition(target: ArticleRef, site: Site) -> tuple[dict[str, Any], datetime | None]:
    """A stored version of the story as a linked ``NewsArticle`` node, and its time."""
    node: dict[str, Any] = {"@type": "NewsArticle", "headline": target.headline}
    node["inLanguage"] = target.locale
    if url := site.public_url(target):
        node = {"@id": f"{url}#article", **node, "url": url}
    return node, target.published_at


def _images(article: Article) -> dict[str, list[dict[str, Any]]]:
    """``image``: the lead image, its high-resolution renditions, then the gallery."""
    lead = lead_picture(article)
    images: list[dict[str, Any]] = []
    for item in pictures(article):
        images.append(_image_object(item, item))
        if item is lead:
            images += [_image_object(item, rendition) for rendition in high_resolution(item)]
    return {"image": images} if images else {}


def _image_object(item: ArticleMedia, shown: ArticleMedia | Rendition) -> dict[str, Any]:
    """``shown`` (``item`` itself or one of its renditions) with ``item``'s texts and rights."""
    url = media_uri(shown)
    node: dict[str, Any] = {"@type": "ImageObject", "url": url, "contentUrl": url}
    if shown.width is not None and shown.height is not None:
        node["width"] = _pixels(shown.width)
        node["height"] = _pixels(shown.height)
    if shown.mime_type:
        node["encodingFormat"] = shown.mime_type
    if item.caption:
        node["caption"] = item.caption
    if item.alt:
        node["description"] = item.alt
    if item.credit:
        node["creditText"] = item.credit
    if item.copyright_holder:
        node["copyrightHolder"] = {"@type": "Organization", "name": item.copyright_holder}
    return node


def _pixels(value: int) -> dict[str, Any]:
    # schema.org's width and height take a Distance or a QuantitativeValue, not a number.
    return {"@type": "QuantitativeValue", "value": value, "unitCode": PIXEL}


def _publisher(site: Site) -> dict[str, Any]:
    publisher: dict[str, Any] = {
        "@type": "NewsMediaOrganization",
        "name": site.publisher_name,
        "url": site.base_url,
    }
    if site.logo_url:
        publisher["logo"] = {"@type": "ImageObject", "url": site.logo_url}
    return publisher
