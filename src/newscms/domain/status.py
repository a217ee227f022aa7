"""The editorial status of an article, and what it means for readers at a given moment."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from newscms.errors import ValidationError, WorkflowError

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "TRANSITIONS",
    "Status",
    "Transition",
    "check_expiry",
    "check_transition",
    "effective_status",
    "is_public_status",
    "listed_at",
]


class Status(StrEnum):
    """Where an article stands: ``draft`` → ``scheduled`` → ``published`` → ``archived``."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


def is_public_status(status: Status) -> bool:
    """Whether an article in ``status`` is seen by the public once its time has come."""
    return status in (Status.PUBLISHED, Status.SCHEDULED)


def listed_at(
    status: Status,
    published_at: datetime | None,
    created_at: datetime,
    embargoed_until: datetime | None = None,
) -> datetime:
    """The time an article sorts by in listings, and from which the public sees it.

    That is its publication time once it has one, or the end of its embargo when that
    is later (an embargoed story appears when it may be read); drafts sort by creation
    time even when a publication time is planned.
    """
    if status is not Status.DRAFT and published_at is not None:
        if embargoed_until is not None and embargoed_until > published_at:
            return embargoed_until
        return published_at
    return created_at


def check_expiry(
    expires_at: datetime | None,
    published_at: datetime | None,
    embargoed_until: datetime | None = None,
) -> None:
    """Refuse an expiry that would hide an article before the public could ever see it.

    An article leaves public view at ``expires_at``; one that expires at or before its
    publication, or before its embargo ends, is a mistake in the dates, not a choice.

    Raises:
        ValidationError: ``expires_at`` is not later than both other times.
    """
    if expires_at is None:
        return
    for name, moment in (("published_at", published_at), ("embargoed_until", embargoed_until)):
        if moment is not None and expires_at <= moment:
            raise ValidationError(
                f"must be later than {name} ({moment.isoformat()}): an article that "
                "expires before it appears is never shown",
                field="expires_at",
            )


def effective_status(status: Status, published_at: datetime | None, now: datetime) -> Status:
    """The status a reader sees at ``now``: a scheduled article whose time has come is published.

    This is decided at read time, so scheduled publishing needs no job or cron.
    """
    if status is Status.SCHEDULED and published_at is not None and published_at <= now:
        return Status.PUBLISHED
    return status


class Transition(StrEnum):
    """An editorial action that moves an article from one status to another."""

    SCHEDULE = "schedule"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    ARCHIVE = "archive"


# Which statuses (as readers see them) each action starts from, and where it leads.
TRANSITIONS: dict[Transition, tuple[frozenset[Status], Status]] = {
    Transition.SCHEDULE: (frozenset({Status.DRAFT, Status.SCHEDULED}), Status.SCHEDULED),
    Transition.PUBLISH: (frozenset({Status.DRAFT, Status.SCHEDULED}), Status.PUBLISHED),
    Transition.UNPUBLISH: (
        frozenset({Status.SCHEDULED, Status.PUBLISHED, Status.ARCHIVED}),
        Status.DRAFT,
    ),
    Transition.ARCHIVE: (
        frozenset({Status.DRAFT, Status.SCHEDULED, Status.PUBLISHED}),
        Status.ARCHIVED,
    ),
}


def check_transition(action: Transition, current: Status) -> Status:
    """The status ``action`` leads to from ``current``; ``WorkflowError`` if it cannot apply."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        allowed = ", ".join(sorted(s.value for s in sources))
        raise WorkflowError(
            f"cannot {action.value} an article that is {current.value}; "
            f"{action.value} applies to: {allowed}"
        )
    return target
