"""Newsletter and "send to a friend", built into the library a host app already calls.

Subscriptions with double opt-in, digests in each edition's language, delivery through
SMTP with a send log, one-click unsubscribe, privacy export and erasure.

Start with ``Newsletter(store, site=..., secret=..., sender=..., links=..., mailer=Mailer(...))``;
docs/newsletter.md walks through it.
"""

from __future__ import annotations

from newscms.newsletter._tokens import TOKEN_LIFETIMES, Action
from newscms.newsletter.mailer import Mailer, SMTPSettings
from newscms.newsletter.models import (
    DEFAULT_FREQUENCY,
    Digest,
    DigestItem,
    DigestSection,
    Frequency,
    SendReport,
    Subscriber,
    SubscriberStatus,
)
from newscms.newsletter.service import (
    DIGEST_LIMIT,
    SHARE_LIMITS,
    Newsletter,
    ShareLimit,
    digest_key,
    normalize_address,
)

__all__ = [
    "DEFAULT_FREQUENCY",
    "DIGEST_LIMIT",
    "SHARE_LIMITS",
    "TOKEN_LIFETIMES",
    "Action",
    "Digest",
    "DigestItem",
    "DigestSection",
    "Frequency",
    "Mailer",
    "Newsletter",
    "SMTPSettings",
    "SendReport",
    "ShareLimit",
    "Subscriber",
    "SubscriberStatus",
    "digest_key",
    "normalize_address",
]
