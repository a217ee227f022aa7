"""A short reference to a stored article, as relations and listings show it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from newscms.domain._base import DomainModel
from newscms.domain.status import Status

__all__ = ["ArticleRef"]


class ArticleRef(DomainModel):
    """Enough of an article to link to it: id, locale, slug, headline, status and date."""

    id: UUID
    locale: str
    slug: str
    headline: str
    status: Status
    published_at: datetime | None
