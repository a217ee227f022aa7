"""The editorial status of an article, and what it means for readers at a given moment."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["Status", "effective_status", "is_public_status", "listed_at"]


class Status(StrEnum):
    """Where an article stands: ``draft`` → ``scheduled`` → ``published`` → ``archived``."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


def is_public_status(status: Status) -> bool:
    """Whether an article in ``status`` is seen by the public once its time has come."""
    return status in (Status.PUBLISHED, Status.SCHEDULED)


def listed_at(status: Status, published_at: datetime | None, created_at: datetime) -> datetime:
    """The time an article sorts by in listings: its publication time once it has one.

    Drafts sort by creation time even when a publication time is planned.
    """
    if status is not Status.DRAFT and published_at is not None:
        return published_at
    return created_at


def effective_status(status: Status, published_at: datetime | None, now: datetime) -> Status:
    """The status a reader sees at ``now``: a scheduled article whose time has come is published.

    This is decided at read time, so scheduled publishing needs no job or cron.
    """
    if status is Status.SCHEDULED and published_at is not None and published_at <= now:
        return Status.PUBLISHED
    return status
