"""Articles: what a caller writes (``ArticleDraft``, ``ArticlePatch``) and what a read returns.

Drafts and patches validate and normalize everything a caller sends (locale spelling,
UTC times, sanitized body); ``Article`` is the stored, read-only result the store hands
back, with its tags and outgoing relations loaded.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Annotated, Any, Protocol
from uuid import UUID

from pydantic import BeforeValidator, Field, model_validator

from newscms.domain._base import (
    DomainModel,
    HttpUrl,
    Identifier,
    LocaleTag,
    Url,
    UTCDatetime,
    text_check,
)
from newscms.domain.article_ref import ArticleRef, Referable
from newscms.domain.media import ArticleMedia, MediaAttachments, MediaKind, MediaRole
from newscms.domain.relation import Relation, RelationDraft
from newscms.domain.status import Status, check_expiry
from newscms.domain.tag import TagInputs, TagRef
from newscms.domain.workflow import Correction
from newscms.errors import ValidationError
from newscms.utils.html import sanitize_html

__all__ = [
    "CONTENT_FIELDS",
    "Article",
    "ArticleDraft",
    "ArticlePatch",
    "ArticleTeaser",
    "DateProvenance",
    "Dateline",
    "Person",
    "SourceRef",
]

CONTENT_FIELDS = (
    "headline",
    "subheadline",
    "summary",
    "body",
    "byline",
    "dateline",
    "canonical_url",
)
"""What an article says, as editors write it: what a restore brings back and a source
re-import sets, as opposed to its editorial state (status, dates, slug)."""

HEADLINE_MAX = 500
SUBHEADLINE_MAX = 1000
SUMMARY_MAX = 5000
BODY_MAX = 2_000_000
SLUG_MAX = 200

Headline = Annotated[str, BeforeValidator(text_check(HEADLINE_MAX))]
Subheadline = Annotated[str, BeforeValidator(text_check(SUBHEADLINE_MAX))]
Summary = Annotated[str, BeforeValidator(text_check(SUMMARY_MAX, multiline=True))]
ShortText = Annotated[str, BeforeValidator(text_check(200))]

_SLUG_JOINERS = re.compile(r"[-_]")


def _slug_word(word: str) -> bool:
    """A word of a slug: a letter or digit, then letters, digits and combining marks.

    The marks are the vowel signs and viramas of Devanagari, Thai and other scripts, which
    are part of a word there (``भारत``, ``ไทย``) although Python's word class excludes them.
    """
    return (
        bool(word)
        and word[0].isalnum()
        and all(char.isalnum() or unicodedata.category(char).startswith("M") for char in word)
    )


def _slug(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    slug = value.strip().lower()
    if not slug or len(slug) > SLUG_MAX or not all(map(_slug_word, _SLUG_JOINERS.split(slug))):
        raise ValueError(
            f"{value!r} is not a slug: use letters and digits joined by '-' or '_', "
            f"at most {SLUG_MAX} characters"
        )
    return slug


Slug = Annotated[str, BeforeValidator(_slug)]


def _body(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected HTML text, got {type(value).__name__}")
    if len(value) > BODY_MAX:
        raise ValueError(f"is {len(value)} characters long; the limit is {BODY_MAX}")
    return sanitize_html(value)


Body = Annotated[str, BeforeValidator(_body)]


class Person(DomainModel):
    """Someone credited on an article, as the article prints them; a bare string is a name.

    ``id`` is their profile (``uow.people``): give it to credit a known person, else the
    store finds the profile known by ``name`` or creates one. Reads carry the ``id`` and
    the profile's ``slug`` in the article's locale (their page); ``name`` stays the
    credit line the article printed.
    """

    name: ShortText
    role: ShortText | None = None
    id: UUID | None = None
    slug: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: object) -> object:
        return {"name": data} if isinstance(data, str) else data


Byline = Annotated[tuple[Person, ...], Field(max_length=20)]


class Dateline(DomainModel):
    """Where a story was filed and by which source: ``Seoul (AsiaNews)``."""

    place: ShortText | None = None
    source: ShortText | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Dateline:
        if self.place is None and self.source is None:
            raise ValidationError("needs a place, a source or both", field="place")
        return self


class SourceRef(DomainModel):
    """Where an imported article came from; re-importing the same source updates it."""

    format: Identifier
    locator: Url


class DateProvenance(DomainModel):
    """How ``published_at`` was read from a legacy source, kept for audits and display.

    ``evidence`` says, for a date read by the convention learned from the corpus (a
    rule ending in ``-corpus``), on how many dates of the source that convention rests.
    """

    raw: ShortText
    rule: ShortText
    zone: ShortText
    time_known: bool = True
    evidence: ShortText | None = None


class ArticleDraft(DomainModel):
    """A new article as a caller writes it.

    ``slug`` is derived from the headline when absent; ``id`` and the timestamps are
    set by the store unless given (imports keep the original ones). A ``published``
    draft without ``published_at`` is published at the store's clock time. Articles
    that share a ``translation_group`` are the language editions of one story.
    ``expires_at`` takes the article out of public view at that instant (reads,
    listings, feeds, sitemaps, search) with no job to run, as scheduling does.
    ``media`` are the images (and other media) it shows, in order, each in a role.
    """

    id: UUID | None = None
    locale: LocaleTag
    headline: Headline
    subheadline: Subheadline | None = None
    summary: Summary | None = None
    body: Body = ""
    byline: Byline = ()
    dateline: Dateline | None = None
    status: Status = Status.DRAFT
    published_at: UTCDatetime | None = None
    created_at: UTCDatetime | None = None
    slug: Slug | None = None
    tags: TagInputs = ()
    relations: Annotated[tuple[RelationDraft, ...], Field(max_length=200)] = ()
    canonical_url: HttpUrl | None = None
    source: SourceRef | None = None
    date_provenance: DateProvenance | None = None
    embargoed_until: UTCDatetime | None = None
    expires_at: UTCDatetime | None = None
    translation_group: UUID | None = None
    media: MediaAttachments = ()

    @model_validator(mode="after")
    def _schedule_needs_time(self) -> ArticleDraft:
        if self.status is Status.SCHEDULED and self.published_at is None:
            raise ValidationError(
                "status 'scheduled' needs published_at (when to publish)", field="published_at"
            )
        check_expiry(self.expires_at, self.published_at, self.embargoed_until)
        return self


class ArticlePatch(DomainModel):
    """A partial update of an article based on the version the editor saw.

    Only the fields given are changed (``summary=None`` clears the summary). When the
    stored version is no longer ``expected_version`` nothing is written and the store
    raises ``ConflictError``. The slug follows the headline while the article has never
    been published; afterwards it changes only when ``slug`` is given or
    ``regenerate_slug`` is true. Old slugs keep resolving either way.
    """

    expected_version: Annotated[int, Field(ge=1)]
    headline: Headline | None = None
    subheadline: Subheadline | None = None
    summary: Summary | None = None
    body: Body | None = None
    byline: Byline | None = None
    dateline: Dateline | None = None
    published_at: UTCDatetime | None = None
    slug: Slug | None = None
    regenerate_slug: bool = False
    tags: TagInputs | None = None
    canonical_url: HttpUrl | None = None
    source: SourceRef | None = None
    date_provenance: DateProvenance | None = None
    embargoed_until: UTCDatetime | None = None
    expires_at: UTCDatetime | None = None
    translation_group: UUID | None = None
    media: MediaAttachments | None = None

    @model_validator(mode="after")
    def _required_stay_required(self) -> ArticlePatch:
        for name in ("headline", "body", "byline", "tags", "media"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValidationError("cannot be cleared; give a new value instead", field=name)
        return self

    def changes(self) -> dict[str, Any]:
        """The fields this patch sets, with their new values."""
        control = {"expected_version", "regenerate_slug"}
        return {name: getattr(self, name) for name in self.model_fields_set - control}


class _Listing(Referable, Protocol):
    """The fields ``_Listed``'s helpers read (an ``Article`` or an ``ArticleTeaser``)."""

    @property
    def tags(self) -> tuple[TagRef, ...]: ...
    @property
    def date_provenance(self) -> DateProvenance | None: ...
    @property
    def media(self) -> tuple[ArticleMedia, ...]: ...


class _Listed:
    """What a full article and its teaser both answer, written once."""

    @property
    def ref(self: _Listing) -> ArticleRef:
        """This article as a short reference (for relations and links)."""
        return ArticleRef.of(self)

    @property
    def published_time_known(self: _Listing) -> bool:
        """False when the source gave only a date (the time of day is a placeholder)."""
        return self.date_provenance is None or self.date_provenance.time_known

    @property
    def lead_image(self: _Listing) -> ArticleMedia | None:
        """The first image in the lead role, if any: what a teaser, feed or JSON-LD shows."""
        for item in self.media:
            if item.role is MediaRole.LEAD and item.kind is MediaKind.IMAGE:
                return item
        return None

    @property
    def section(self: _Listing) -> TagRef | None:
        """The primary section: the first tag of kind ``section`` (the others are secondary)."""
        return next((tag for tag in self.tags if tag.kind == "section"), None)

    def tags_of_kind(self: _Listing, kind: str) -> tuple[TagRef, ...]:
        """This article's tags of one kind (``"region"``, ``"topic"``, …), in order."""
        return tuple(tag for tag in self.tags if tag.kind == kind)


class Article(_Listed, DomainModel):
    """A stored article as every read returns it; never a live database row.

    ``translations`` are the other editions of its ``translation_group`` (by locale).
    ``fallback_for`` names the locale a read asked for when none was stored in it
    and this article, in another locale of the fallback chain, was served instead.
    """

    id: UUID
    locale: str
    slug: str
    headline: str
    subheadline: str | None = None
    summary: str | None = None
    body: str = ""
    byline: tuple[Person, ...] = ()
    dateline: Dateline | None = None
    status: Status
    created_at: UTCDatetime
    updated_at: UTCDatetime
    published_at: UTCDatetime | None = None
    first_published_at: UTCDatetime | None = None
    tags: tuple[TagRef, ...] = ()
    relations: tuple[Relation, ...] = ()
    version: int
    canonical_url: str | None = None
    source: SourceRef | None = None
    date_provenance: DateProvenance | None = None
    embargoed_until: UTCDatetime | None = None
    expires_at: UTCDatetime | None = None
    corrections: tuple[Correction, ...] = ()
    translation_group: UUID | None = None
    translations: tuple[ArticleRef, ...] = ()
    fallback_for: str | None = None
    media: tuple[ArticleMedia, ...] = ()

    @property
    def fingerprint(self) -> str:
        """A digest of this article's whole JSON form: what an HTTP ``ETag`` validates.

        It changes whenever anything a reader is shown changes: the article's own
        fields, a tag's name, a related article's headline or visibility, an embargo
        lifting. ``version`` counts only the article's own saves (optimistic
        concurrency), so it is no cache validator. Computed from the representation
        itself, on demand, so it cannot drift from it.
        """
        return hashlib.blake2b(self.model_dump_json().encode(), digest_size=16).hexdigest()


class ArticleTeaser(_Listed, DomainModel):
    """An article as a listing shows it: every field of ``Article`` but the heavy ones.

    No ``body``, ``relations``, ``translations``, ``corrections`` or ``source``, and of
    ``media`` only the lead items: ``uow.articles.teasers`` reads a page of these
    without touching the body (most of a stored row) and without the statements that
    complete a full article, which makes a listing cost little more than its index
    walk. Read the article itself (``get``) for the rest.
    """

    id: UUID
    locale: str
    slug: str
    headline: str
    subheadline: str | None = None
    summary: str | None = None
    byline: tuple[Person, ...] = ()
    dateline: Dateline | None = None
    status: Status
    created_at: UTCDatetime
    updated_at: UTCDatetime
    published_at: UTCDatetime | None = None
    first_published_at: UTCDatetime | None = None
    tags: tuple[TagRef, ...] = ()
    version: int
    canonical_url: str | None = None
    date_provenance: DateProvenance | None = None
    embargoed_until: UTCDatetime | None = None
    expires_at: UTCDatetime | None = None
    translation_group: UUID | None = None
    media: tuple[ArticleMedia, ...] = ()
