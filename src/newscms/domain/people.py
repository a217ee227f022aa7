"""People: the reporters, photographers and translators credited on articles.

A ``PersonProfile`` is one person: a name, a slug per locale (their page's address in
each edition), an optional bio per locale and an optional link to a person tag. A
byline entry (``newscms.domain.article.Person``) credits a profile in a role and keeps
the name as the article printed it; the store matches a byline name to the profile
known by that spelling, and creates one for a name it has never seen. Merging two
spellings keeps both names and every slug leading to the one profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any
from uuid import UUID

from pydantic import BeforeValidator, Field, model_validator

from newscms.domain._base import DomainModel, LocaleTag, UTCDatetime, text_check
from newscms.errors import ValidationError

__all__ = ["PersonDraft", "PersonPatch", "PersonProfile"]

PERSON_NAME_MAX = 200
BIO_MAX = 5000

PersonName = Annotated[str, BeforeValidator(text_check(PERSON_NAME_MAX))]
Bio = Annotated[str, BeforeValidator(text_check(BIO_MAX, multiline=True))]
Bios = Annotated[Mapping[LocaleTag, Bio], Field(max_length=200)]


class PersonDraft(DomainModel):
    """A new person as a caller describes them; slugs are derived from the name per locale."""

    id: UUID | None = None
    name: PersonName
    bio: Bios = Field(default_factory=dict)
    tag_id: UUID | None = None


class PersonPatch(DomainModel):
    """A partial update of a person based on the version the editor saw.

    A new ``name`` is the profile's name from now on; the old spelling still finds the
    profile (bylines printed it) and its slugs keep resolving. ``bio`` replaces the
    whole mapping; ``tag_id=None`` removes the link to a tag.
    """

    expected_version: Annotated[int, Field(ge=1)]
    name: PersonName | None = None
    bio: Bios | None = None
    tag_id: UUID | None = None

    @model_validator(mode="after")
    def _required_stay_required(self) -> PersonPatch:
        for name in ("name", "bio"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValidationError("cannot be cleared; give a new value instead", field=name)
        return self

    def changes(self) -> dict[str, Any]:
        """The fields this patch sets, with their new values."""
        return {name: getattr(self, name) for name in self.model_fields_set - {"expected_version"}}


class PersonProfile(DomainModel):
    """A stored person: their name, slug per locale, bio per locale and linked tag.

    ``names`` are every spelling bylines credit the person by (the profile's own first).
    """

    id: UUID
    name: str
    names: tuple[str, ...] = ()
    slugs: Mapping[str, str] = Field(default_factory=dict)
    bio: Mapping[str, str] = Field(default_factory=dict)
    tag_id: UUID | None = None
    created_at: UTCDatetime
    updated_at: UTCDatetime
    version: int

    def bio_in(self, chain: Sequence[str]) -> tuple[str | None, str | None]:
        """The bio in the first locale of ``chain`` that has one, and that locale."""
        for locale in chain:
            if locale in self.bio:
                return self.bio[locale], locale
        return None, None
