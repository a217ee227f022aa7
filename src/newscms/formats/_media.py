"""Which of an article's media each format shows, and at which address: decided once.

Every format reads an article's media through these helpers, so a feed, a sitemap, the
JSON-LD and the printable page agree on which pictures an article has, in which order,
and never write an address that is not an http(s) URI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from newscms.domain.media import MediaKind, MediaRole
from newscms.formats.site import http_uri

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from newscms.domain.media import ArticleMedia, Rendition

__all__ = [
    "HIGH_RESOLUTION_PIXELS",
    "SITEMAP_IMAGES_MAX",
    "THUMBNAIL_MAX_WIDTH",
    "Illustrated",
    "WithUrl",
    "high_resolution",
    "lead_picture",
    "media_uri",
    "pictures",
    "sitemap_images",
    "thumbnail",
]

HIGH_RESOLUTION_PIXELS = 50_000
"""Google's minimum for an article image (width times height): smaller renditions are
thumbnails, not alternatives to the original."""

THUMBNAIL_MAX_WIDTH = 400
"""The widest rendition a feed offers as a thumbnail."""

SITEMAP_IMAGES_MAX = 1_000
"""Google's limit of ``<image:image>`` per ``<url>`` of an image sitemap."""


class Illustrated(Protocol):
    """What the helpers read: an ``Article``, an ``ArticleTeaser`` or a sitemap entry."""

    @property
    def media(self) -> tuple[ArticleMedia, ...]: ...


class WithUrl(Protocol):
    """A media item or one of its renditions: anything with a public ``url``."""

    @property
    def url(self) -> str: ...


def media_uri(item: WithUrl) -> str | None:
    """``item``'s URL as a plain-ASCII http(s) URI, or None when it is not one (never written)."""
    return http_uri(item.url)


def pictures(article: Illustrated) -> list[ArticleMedia]:
    """The images shown around the body: lead images first, then the gallery, each in order.

    Inline images are left out (the body places them); so is any item whose URL is not
    an http(s) URL. The first is ``article.lead_image`` whenever it has a usable URL.
    """
    images = [
        item
        for item in article.media
        if item.kind is MediaKind.IMAGE and media_uri(item) is not None
    ]
    leads = [item for item in images if item.role is MediaRole.LEAD]
    return leads + [item for item in images if item.role is MediaRole.GALLERY]


def lead_picture(article: Illustrated) -> ArticleMedia | None:
    """The article's lead image, when its URL is usable: what a feed item shows."""
    shown = pictures(article)
    return shown[0] if shown and shown[0].role is MediaRole.LEAD else None


def sitemap_images(media: Iterable[ArticleMedia]) -> Iterator[str]:
    """The URIs of every image (any role) an image sitemap lists, each once, at most 1,000."""
    seen: set[str] = set()
    for item in media:
        if len(seen) >= SITEMAP_IMAGES_MAX:
            return
        uri = media_uri(item) if item.kind is MediaKind.IMAGE else None
        if uri is not None and uri not in seen:
            seen.add(uri)
            yield uri


def high_resolution(item: ArticleMedia) -> list[Rendition]:
    """``item``'s renditions large enough to stand for it (the 16x9, 4x3, 1x1 crops), in order."""
    return [
        rendition
        for rendition in item.renditions
        if rendition.width * rendition.height >= HIGH_RESOLUTION_PIXELS
        and media_uri(rendition) is not None
    ]


def thumbnail(item: ArticleMedia) -> Rendition | None:
    """The largest rendition at most ``THUMBNAIL_MAX_WIDTH`` wide, or None when none is small."""
    small = [
        rendition
        for rendition in item.renditions
        if rendition.width <= THUMBNAIL_MAX_WIDTH and media_uri(rendition) is not None
    ]
    return max(small, key=lambda rendition: rendition.width * rendition.height, default=None)
