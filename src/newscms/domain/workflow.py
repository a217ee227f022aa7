"""The editorial record of an article: corrections, revisions and the events it emits."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from newscms.domain._base import DomainModel
from newscms.domain.status import Status

__all__ = [
    "ArticleEvent",
    "Correction",
    "EventKind",
    "FieldChange",
    "Revision",
    "RevisionDiff",
]


class Correction(DomainModel):
    """A public correction: what was corrected, when, and the note readers see.

    The article keeps its original publication date; the correction log is part of
    its public record (JSON, JSON-LD).
    """

    id: UUID
    created_at: datetime
    note: str
    fields: tuple[str, ...]
    version: int


class Revision(DomainModel):
    """One saved state of an article: who saved it, when, what changed, and the full snapshot."""

    article_id: UUID
    version: int
    created_at: datetime
    actor: str | None
    action: str
    changed_fields: tuple[str, ...]
    snapshot: dict[str, Any]


class FieldChange(DomainModel):
    """How one field differs between two revisions; ``text_diff`` for long text fields."""

    field: str
    before: Any
    after: Any
    text_diff: str | None = None


class RevisionDiff(DomainModel):
    """Field-by-field differences between two revisions of one article."""

    article_id: UUID
    from_version: int
    to_version: int
    changes: tuple[FieldChange, ...]


class EventKind(StrEnum):
    """What happened to an article; hosts purge caches and send webhooks on these."""

    CREATED = "created"
    UPDATED = "updated"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    EXPIRED = "expired"
    ARCHIVED = "archived"
    CORRECTED = "corrected"
    SLUG_CHANGED = "slug_changed"
    DELETED = "deleted"


class ArticleEvent(DomainModel):
    """An event about one article, delivered after its transaction commits.

    ``sequence`` is its position in the durable outbox (events of one article are
    delivered in sequence order); ``old_slug`` is set for ``slug_changed``;
    ``embargoed_until`` is the article's embargo, so a ``published`` event sent when one
    lifts (by ``publish_due``) says which.
    """

    kind: EventKind
    article_id: UUID
    locale: str
    slug: str
    old_slug: str | None = None
    status: Status
    version: int
    occurred_at: datetime
    embargoed_until: datetime | None = None
    sequence: int | None = None
