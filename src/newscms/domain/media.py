"""Media: images (and room for video and audio) with their texts, credit and renditions.

newscms keeps what a page needs to show and describe a picture — its public URL, type,
size, alt text and caption per locale, credit, copyright holder, focal point and the
renditions someone made of it — never the bytes: those live in a storage of the host's
choice (``newscms.services.media``). An article refers to media items in order, each
with a role (lead image, gallery, inline).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from newscms.domain._base import DomainModel, HttpUrl, LocaleTag, UTCDatetime, text_check
from newscms.errors import ValidationError

__all__ = [
    "ArticleMedia",
    "FocalPoint",
    "MediaAttachment",
    "MediaDraft",
    "MediaItem",
    "MediaKind",
    "MediaPatch",
    "MediaRole",
    "Rendition",
]

ALT_MAX = 1000
CAPTION_MAX = 5000
CREDIT_MAX = 300
STORAGE_KEY_MAX = 500
DIMENSION_MAX = 100_000
RENDITIONS_MAX = 50
PER_ARTICLE_MAX = 100

_MIME = re.compile(r"^(image|video|audio)/[a-z0-9][a-z0-9.+-]{0,99}$")
_RENDITION_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_STORAGE_KEY = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.(?:/|$))[A-Za-z0-9._~!$&'()*+,;=:@/-]+$")


class MediaKind(StrEnum):
    """What a media item is; its MIME type must be of the same family."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


class MediaRole(StrEnum):
    """What a media item is to an article: its lead image, one of a gallery, or inline."""

    LEAD = "lead"
    GALLERY = "gallery"
    INLINE = "inline"


def _mime(value: object) -> str:
    if not isinstance(value, str) or not _MIME.match(value.strip().lower()):
        raise ValueError(f"{value!r} is not an image, video or audio MIME type like image/jpeg")
    return value.strip().lower()


def _storage_key(value: object) -> str:
    if not isinstance(value, str) or not _STORAGE_KEY.match(value) or "//" in value:
        raise ValueError(
            f"{value!r} is not a storage key: use a relative path of URL-safe characters, "
            "without '..' segments"
        )
    return value


def _rendition_name(value: object) -> str:
    if not isinstance(value, str) or not _RENDITION_NAME.match(value.strip().lower()):
        raise ValueError(
            f"{value!r} is not a rendition name: lowercase letters, digits, '-' and '_', at most 32"
        )
    return value.strip().lower()


MimeType = Annotated[str, BeforeValidator(_mime)]
StorageKey = Annotated[
    str, BeforeValidator(text_check(STORAGE_KEY_MAX)), AfterValidator(_storage_key)
]
RenditionName = Annotated[str, BeforeValidator(_rendition_name)]
Dimension = Annotated[int, Field(ge=1, le=DIMENSION_MAX, strict=True)]
AltText = Annotated[str, BeforeValidator(text_check(ALT_MAX))]
Caption = Annotated[str, BeforeValidator(text_check(CAPTION_MAX, multiline=True))]
Credit = Annotated[str, BeforeValidator(text_check(CREDIT_MAX))]
Texts = Annotated[Mapping[LocaleTag, AltText], Field(max_length=200)]
Captions = Annotated[Mapping[LocaleTag, Caption], Field(max_length=200)]


class FocalPoint(DomainModel):
    """The point a crop must keep, as fractions of the width and height from the top left."""

    x: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
    y: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class Rendition(DomainModel):
    """One size or crop of a media item someone made (``thumbnail``, ``w1200``, ``16x9``)."""

    name: RenditionName
    url: HttpUrl
    width: Dimension
    height: Dimension
    mime_type: MimeType | None = None


def _check_item(values: Any) -> None:
    """The rules a media item's fields keep together, for drafts and stored items alike."""
    kind, mime = values.kind, values.mime_type
    if mime is not None and not mime.startswith(f"{kind.value}/"):
        raise ValidationError(f"{mime!r} is not a type of {kind.value}", field="mime_type")
    if (values.width is None) != (values.height is None):
        raise ValidationError("give both width and height, or neither", field="width")
    names = [rendition.name for rendition in values.renditions]
    if len(names) != len(set(names)):
        raise ValidationError("each rendition needs its own name", field="renditions")


class _MediaFields(DomainModel):
    """What a caller says about a media item (a draft, and a stored item's own fields)."""

    kind: MediaKind = MediaKind.IMAGE
    url: HttpUrl
    storage_key: StorageKey | None = None
    mime_type: MimeType | None = None
    width: Dimension | None = None
    height: Dimension | None = None
    alt: Texts = Field(default_factory=dict)
    caption: Captions = Field(default_factory=dict)
    credit: Credit | None = None
    copyright_holder: Credit | None = None
    focal_point: FocalPoint | None = None
    renditions: Annotated[tuple[Rendition, ...], Field(max_length=RENDITIONS_MAX)] = ()

    @model_validator(mode="after")
    def _consistent(self) -> _MediaFields:
        _check_item(self)
        return self


class MediaDraft(_MediaFields):
    """A new media item as a caller describes it.

    ``url`` is where readers fetch the original (one media item per URL: an article
    attaching a draft whose URL is already stored reuses that item and adds the texts of
    locales it lacked); ``storage_key`` is where the bytes are in the host's storage,
    when newscms put them there. ``alt`` and ``caption`` are per locale; ``credit`` is
    the line printed with the picture (``Photo: AFP / Jane Doe``).
    """

    id: UUID | None = None


class MediaItem(_MediaFields):
    """A stored media item, as every read returns it."""

    id: UUID
    created_at: UTCDatetime
    updated_at: UTCDatetime
    version: int

    def text(self, field: str, chain: Sequence[str]) -> tuple[str | None, str | None]:
        """``alt`` or ``caption`` in the first locale of ``chain`` that has one, and that locale."""
        texts: Mapping[str, str] = getattr(self, field)
        for candidate in chain:
            if candidate in texts:
                return texts[candidate], candidate
        return None, None


class MediaPatch(DomainModel):
    """A partial update of a media item based on the version the editor saw.

    Only the fields given change; ``alt`` and ``caption`` replace the whole mapping
    (send every locale's text). The articles showing the item hear of it.
    """

    expected_version: Annotated[int, Field(ge=1)]
    url: HttpUrl | None = None
    storage_key: StorageKey | None = None
    mime_type: MimeType | None = None
    width: Dimension | None = None
    height: Dimension | None = None
    alt: Texts | None = None
    caption: Captions | None = None
    credit: Credit | None = None
    copyright_holder: Credit | None = None
    focal_point: FocalPoint | None = None
    renditions: Annotated[tuple[Rendition, ...], Field(max_length=RENDITIONS_MAX)] | None = None

    @model_validator(mode="after")
    def _required_stay_required(self) -> MediaPatch:
        for name in ("url", "alt", "caption", "renditions"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValidationError("cannot be cleared; give a new value instead", field=name)
        return self

    def changes(self) -> dict[str, Any]:
        """The fields this patch sets, with their new values."""
        return {name: getattr(self, name) for name in self.model_fields_set - {"expected_version"}}


class MediaAttachment(DomainModel):
    """A media item an article shows, as a caller writes it: a stored one by id, or a new one.

    A bare UUID (or its text) means a stored item in the lead role.
    """

    role: MediaRole = MediaRole.LEAD
    id: UUID | None = None
    media: MediaDraft | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, data: object) -> object:
        if isinstance(data, UUID | str):
            return {"id": data}
        return data

    @model_validator(mode="after")
    def _one_item(self) -> MediaAttachment:
        if (self.id is None) == (self.media is None):
            raise ValidationError("give a stored media id or a new media item", field="id")
        return self


MediaAttachments = Annotated[tuple[MediaAttachment, ...], Field(max_length=PER_ARTICLE_MAX)]


class ArticleMedia(DomainModel):
    """A media item as an article shows it: in its role, with its texts in the article's locale.

    ``alt`` and ``caption`` come from the next locale of the fallback chain when the
    item has none in the article's; ``alt_locale`` and ``caption_locale`` then say which.
    """

    id: UUID
    role: MediaRole
    kind: MediaKind
    url: str
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    copyright_holder: str | None = None
    focal_point: FocalPoint | None = None
    renditions: tuple[Rendition, ...] = ()
    alt_locale: str | None = None
    caption_locale: str | None = None

    @classmethod
    def of(cls, item: MediaItem, role: MediaRole, chain: Sequence[str]) -> ArticleMedia:
        """``item`` in ``role`` on an article whose locale's fallback chain is ``chain``."""
        alt, alt_locale = item.text("alt", chain)
        caption, caption_locale = item.text("caption", chain)
        own = chain[0]
        return cls.model_construct(
            id=item.id,
            role=role,
            kind=item.kind,
            url=item.url,
            mime_type=item.mime_type,
            width=item.width,
            height=item.height,
            alt=alt,
            caption=caption,
            credit=item.credit,
            copyright_holder=item.copyright_holder,
            focal_point=item.focal_point,
            renditions=item.renditions,
            alt_locale=None if alt_locale == own else alt_locale,
            caption_locale=None if caption_locale == own else caption_locale,
        )
