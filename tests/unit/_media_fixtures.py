"""Media for the format tests: an article with a lead image, a gallery and renditions.

Built by hand as ``ArticleMedia`` (what the store puts on an ``Article``), with texts
that need escaping in every format, so each test sees the same pictures.
"""

from __future__ import annotations

import uuid

from newscms.domain import Article, ArticleMedia, FocalPoint, MediaKind, MediaRole, Rendition


def media_id(name: str) -> uuid.UUID:
    """The same UUID for the same name, so outputs are reproducible."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://newscms.test/media/{name}")


LEAD = ArticleMedia(
    id=media_id("lead"),
    role=MediaRole.LEAD,
    kind=MediaKind.IMAGE,
    url="https://www.asianews.it/files/img/kim-jong-un.jpg",
    mime_type="image/jpeg",
    width=3000,
    height=2000,
    alt='Kim Jong-un & generals at a "parade" <Pyongyang>',
    caption="The North Korean leader at a military parade\nin Pyongyang, 2012.",
    credit="Photo: AFP / Ed Jones",
    copyright_holder="Agence France-Presse",
    focal_point=FocalPoint(x=0.4, y=0.3),
    renditions=(
        Rendition(
            name="16x9",
            url="https://www.asianews.it/files/img/kim-jong-un-16x9.jpg",
            width=1600,
            height=900,
            mime_type="image/jpeg",
        ),
        Rendition(
            name="1x1",
            url="https://www.asianews.it/files/img/kim-jong-un-1x1.webp",
            width=1200,
            height=1200,
            mime_type="image/webp",
        ),
        Rendition(
            name="thumbnail",
            url="https://www.asianews.it/files/img/kim-jong-un-thumb.jpg",
            width=200,
            height=133,
        ),
    ),
)

GALLERY = ArticleMedia(
    id=media_id("gallery"),
    role=MediaRole.GALLERY,
    kind=MediaKind.IMAGE,
    url="https://www.asianews.it/files/img/平壤-street.png",
    mime_type="image/png",
    width=800,
    height=600,
    caption="Pyongyang's main street",
    caption_locale="it",
)

INLINE = ArticleMedia(
    id=media_id("inline"),
    role=MediaRole.INLINE,
    kind=MediaKind.IMAGE,
    url="https://www.asianews.it/files/img/map.gif",
    mime_type="image/gif",
)

VIDEO = ArticleMedia(
    id=media_id("video"),
    role=MediaRole.GALLERY,
    kind=MediaKind.VIDEO,
    url="https://www.asianews.it/files/video/parade.mp4",
    mime_type="video/mp4",
    width=1920,
    height=1080,
    caption="The parade, filmed",
    credit="KCNA",
)

ALL_MEDIA = (LEAD, GALLERY, INLINE, VIDEO)
"""Every kind of item in every role, the lead first."""


def with_media(article: Article, *media: ArticleMedia) -> Article:
    """``article`` showing ``media`` (all of ``ALL_MEDIA`` when none is given)."""
    return article.model_copy(update={"media": media or ALL_MEDIA})
