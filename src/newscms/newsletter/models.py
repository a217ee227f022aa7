"""What the newsletter stores and reports: subscribers, digests, send reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from newscms.utils.locales import fallback_chain, language_of

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

__all__ = [
    "DEFAULT_FREQUENCY",
    "Digest",
    "DigestItem",
    "DigestSection",
    "Frequency",
    "SendReport",
    "Subscriber",
    "SubscriberStatus",
]


class Frequency(StrEnum):
    """How often a subscriber hears from the newsroom."""

    EACH_ARTICLE = "each_article"
    DAILY = "daily"
    WEEKLY = "weekly"


DEFAULT_FREQUENCY = Frequency.DAILY
"""A news reader's rhythm: one morning message, not one per story, not stale by Sunday."""


class SubscriberStatus(StrEnum):
    """Where an address stands: only ``active`` ones receive mail."""

    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True, slots=True)
class Subscriber:
    """One address and its preferences, as stored.

    Attributes:
        editions: The locales of the editions followed (empty: the subscriber's own).
        tag_ids: Tags (topics, regions, ...) followed; empty means every article.
    """

    id: UUID
    email: str
    locale: str
    frequency: Frequency
    editions: tuple[str, ...]
    tag_ids: tuple[UUID, ...]
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None = None
    unsubscribed_at: datetime | None = None
    suppressed_at: datetime | None = None
    suppressed_reason: str | None = None

    @property
    def status(self) -> SubscriberStatus:
        """Whether the address may receive mail now, and if not why."""
        if self.suppressed_at is not None:
            return SubscriberStatus.SUPPRESSED
        if self.unsubscribed_at is not None:
            return SubscriberStatus.UNSUBSCRIBED
        if self.confirmed_at is None:
            return SubscriberStatus.PENDING
        return SubscriberStatus.ACTIVE

    @property
    def followed_editions(self) -> tuple[str, ...]:
        """The editions a digest reads: those chosen, else the subscriber's own locale's.

        ``it-IT`` reads the ``it-IT`` edition and the ``it`` one, ``zh-Hant-TW`` also
        ``zh-Hant`` and ``zh``: a reader's region does not hide the edition of its language.
        """
        return self.editions or fallback_chain(self.locale, default=language_of(self.locale))


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One article as a digest lists it: small, so a run holds a whole period of them."""

    id: UUID
    locale: str
    headline: str
    summary: str
    url: str
    published_at: datetime
    group: str
    tag_ids: frozenset[UUID]


@dataclass(frozen=True, slots=True)
class DigestSection:
    """The articles of one region (or section), newest first."""

    title: str
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """A subscriber's digest for one period: the sections and both rendered parts."""

    subject: str
    sections: tuple[DigestSection, ...]
    text: str
    html: str

    @property
    def article_count(self) -> int:
        """How many articles the digest lists."""
        return sum(len(section.items) for section in self.sections)


@dataclass(slots=True)
class SendReport:
    """What a digest run did.

    Attributes:
        digest_key: The digest's identity in the send log (``daily:20260115T0600``).
        sent: Messages the SMTP server accepted in this run.
        already_sent: Subscribers a previous run had already sent this digest to.
        in_doubt: Claimed by a run that stopped before the server's answer was recorded:
            never sent again unless asked (at most once), listed for an operator.
        empty: Subscribers nothing in the period matched (no message is sent).
        failed: Permanent refusals (the address is suppressed as a hard bounce).
        deferred: Temporary refusals; the next run tries them again.
    """

    digest_key: str
    sent: int = 0
    already_sent: int = 0
    in_doubt: int = 0
    empty: int = 0
    failed: int = 0
    deferred: int = 0
    message_ids: list[str] = field(default_factory=list, repr=False)
