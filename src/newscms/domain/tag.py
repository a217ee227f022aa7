"""Tags: one concept with a kind and a name and slug per locale.

``KOREA`` (en), ``COREA`` (it) and ``韩国`` (zh) are three names of one region tag, so
an article's tags read correctly in every edition and a tag page gathers all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BeforeValidator, Field, model_validator

from newscms.domain._base import DomainModel, Identifier, LocaleTag, text_check
from newscms.errors import ValidationError
from newscms.utils.locales import fallback_chain

__all__ = ["Tag", "TagInput", "TagKind", "TagName", "TagRef"]

TAG_NAME_MAX = 200

TagText = Annotated[str, BeforeValidator(text_check(TAG_NAME_MAX))]


class TagKind(StrEnum):
    """The kinds newscms knows by name; any other lowercase identifier is accepted too."""

    TOPIC = "topic"
    REGION = "region"
    PERSON = "person"
    ORGANIZATION = "organization"
    EVENT = "event"
    SECTION = "section"


class TagName(DomainModel):
    """A tag's name and URL slug in one locale."""

    name: TagText
    slug: str


class Tag(DomainModel):
    """A stored tag: its kind, its names per locale and, in listings, how many articles use it.

    ``code`` identifies the tag's concept outside newscms (an ISO 3166 code for a
    place), so imports in any language find the same tag. Sections (kind
    ``section``) form a tree: ``parent_id`` and ``position`` among their siblings.
    """

    id: UUID
    kind: Identifier
    names: Mapping[LocaleTag, TagName]
    article_count: int | None = None
    code: str | None = None
    parent_id: UUID | None = None
    position: int = 0

    def name_in(self, locale: str, default: str = "en") -> TagName:
        """The name to show in ``locale``, following its fallback chain, else any name."""
        for candidate in fallback_chain(locale, default):
            if candidate in self.names:
                return self.names[candidate]
        return next(iter(self.names.values()))


class TagRef(DomainModel):
    """A tag as it appears on an article: named in the article's locale.

    When the tag has no name in that locale, ``name`` and ``slug`` are those of the
    next locale of the fallback chain that has one, and ``name_locale`` says which.
    """

    id: UUID
    kind: Identifier
    name: str
    slug: str
    name_locale: str | None = None


class TagInput(DomainModel):
    """How a caller names a tag when writing an article: by name and kind, or by id.

    A name is looked up in the article's locale (or ``locale`` when given) and the tag is
    created when it does not exist yet. A bare string means a topic tag of that name.
    """

    kind: Identifier = TagKind.TOPIC
    name: TagText | None = None
    id: UUID | None = None
    locale: LocaleTag | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: object) -> object:
        if isinstance(data, str):
            return {"name": data}
        return data

    @model_validator(mode="after")
    def _named_or_identified(self) -> TagInput:
        if (self.name is None) == (self.id is None):
            raise ValidationError("give a tag either a name or an id, not both", field="name")
        return self


TagInputs = Annotated[tuple[TagInput, ...], Field(max_length=100)]
