"""A short reference to a stored article, as relations and listings show it."""

# ruff: noqa: D102 - the members of ``Referable`` are the fields ``ArticleRef`` documents.

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from newscms.domain._base import DomainModel
from newscms.domain.status import Status

__all__ = ["ArticleRef", "Referable"]


class Referable(Protocol):
    """Anything carrying the fields of an ``ArticleRef`` (an article, a sitemap entry)."""

    @property
    def id(self) -> UUID: ...
    @property
    def locale(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def headline(self) -> str: ...
    @property
    def status(self) -> Status: ...
    @property
    def published_at(self) -> datetime | None: ...


class ArticleRef(DomainModel):
    """Enough of an article to link to it: id, locale, slug, headline, status and date."""

    id: UUID
    locale: str
    slug: str
    headline: str
    status: Status
    published_at: datetime | None

    @classmethod
    def of(cls, item: Referable) -> ArticleRef:
        """The reference of ``item``, its values taken as they are (already validated)."""
        return cls.model_construct(
            id=item.id,
            locale=item.locale,
            slug=item.slug,
            headline=item.headline,
            status=item.status,
            published_at=item.published_at,
        )
