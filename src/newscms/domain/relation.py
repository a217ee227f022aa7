"""Relations: directed, typed, ordered links between articles.

A relation may point at an article that is not stored yet (a *pending* target known
by title and date, URL or slug, as a legacy page's "See also" list does); it resolves
by itself when a matching article arrives.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BeforeValidator, model_validator

from newscms.domain._base import DomainModel, Identifier, LocaleTag, Url, UTCDatetime, text_check
from newscms.domain.article_ref import ArticleRef
from newscms.errors import ValidationError

__all__ = ["PendingTarget", "Relation", "RelationDraft", "RelationKind"]

PendingTitle = Annotated[str, BeforeValidator(text_check(500))]
PendingSlug = Annotated[str, BeforeValidator(text_check(200))]


class RelationKind(StrEnum):
    """The relation kinds newscms knows by name; other lowercase identifiers are accepted."""

    SEE_ALSO = "see_also"
    TRANSLATION = "translation"
    FOLLOW_UP = "follow_up"
    CORRECTION = "correction"
    BACKGROUND = "background"


class PendingTarget(DomainModel):
    """What is known of a target article that is not stored yet.

    A title (with the target's publication date when known), a URL, or a slug in a locale
    identifies it; it resolves against a new article with the same URL (canonical or
    source), the same slug, or the same title published within a day and a half of
    ``published_at`` (legacy dates carry no zone and often no time).
    """

    title: PendingTitle | None = None
    published_at: UTCDatetime | None = None
    url: Url | None = None
    slug: PendingSlug | None = None
    locale: LocaleTag | None = None

    @model_validator(mode="after")
    def _identifiable(self) -> PendingTarget:
        if self.title is None and self.url is None and self.slug is None:
            raise ValidationError("a pending target needs a title, a URL or a slug", field="title")
        if self.slug is not None and self.locale is None:
            raise ValidationError("a pending target known by slug also needs it", field="locale")
        return self


class RelationDraft(DomainModel):
    """A relation a caller asks for: to a stored article by id, or to a pending target."""

    kind: Identifier = RelationKind.SEE_ALSO
    target_id: UUID | None = None
    pending: PendingTarget | None = None

    @model_validator(mode="after")
    def _one_target(self) -> RelationDraft:
        if (self.target_id is None) == (self.pending is None):
            raise ValidationError("give either target_id or pending, not both", field="target_id")
        return self


class Relation(DomainModel):
    """A stored relation; ``target`` is ``None`` while the target is pending."""

    id: UUID
    kind: Identifier
    position: int
    source: ArticleRef
    target: ArticleRef | None
    pending: PendingTarget | None = None

    @property
    def is_pending(self) -> bool:
        """True while the target article has not arrived."""
        return self.target is None
