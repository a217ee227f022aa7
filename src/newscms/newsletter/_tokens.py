"""Signed, expiring newsletter links: confirm, preferences and unsubscribe.

The links are signed with the store's own cursor machinery (``CursorCodec``: HMAC-SHA256
over a versioned JSON payload and a scope), keyed with a secret the host supplies. The
action is the scope, so an unsubscribe token cannot confirm and a cursor cannot
unsubscribe anyone. A token names the subscriber, the moment it was issued and its
expiry; ``issued`` lets a confirmation link that predates an unsubscribe be refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from newscms.errors import InvalidCursorError, SubscriptionTokenError, ValidationError
from newscms.store._cursor import CursorCodec

__all__ = ["TOKEN_LIFETIMES", "Action", "TokenCodec", "TokenGrant"]

_SCOPE = "newscms-newsletter-v1:"
_MIN_SECRET = 16


class Action(StrEnum):
    """What a newsletter link lets its bearer do."""

    CONFIRM = "confirm"
    PREFERENCES = "preferences"
    UNSUBSCRIBE = "unsubscribe"


TOKEN_LIFETIMES: dict[Action, timedelta] = {
    # Double opt-in must be a fresh act of the address's owner: three days covers a
    # weekend away from the inbox, and an old confirmation mail found later is refused.
    Action.CONFIRM: timedelta(hours=72),
    # Sent in every message: a quarter's digests keep a working link.
    Action.PREFERENCES: timedelta(days=90),
    # Unsubscribing must work from any message a reader still has: a year (CAN-SPAM asks
    # for 30 days after sending, mailbox providers' bulk-sender rules for "always").
    Action.UNSUBSCRIBE: timedelta(days=365),
}
"""How long each kind of link works after it was made (see docs/newsletter.md)."""


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """What a verified token grants: an action on one subscriber, issued at a moment."""

    action: Action
    subscriber_id: UUID
    issued_at: datetime


def secret_bytes(secret: bytes | str) -> bytes:
    """The host's secret as bytes, refused when shorter than 16 bytes."""
    try:
        key = secret.encode("utf-8") if isinstance(secret, str) else secret
    except UnicodeEncodeError:
        raise ValidationError("must be valid Unicode text or bytes", field="secret") from None
    if not isinstance(key, bytes) or len(key) < _MIN_SECRET:
        raise ValidationError(f"must be at least {_MIN_SECRET} bytes long", field="secret")
    return key


class TokenCodec:
    """Make and verify newsletter tokens under one secret."""

    def __init__(self, secret: bytes | str) -> None:
        self._codec = CursorCodec(secret_bytes(secret))

    def make(self, action: Action, subscriber_id: UUID, *, now: datetime) -> str:
        """A token granting ``action`` on ``subscriber_id`` for its lifetime from ``now``."""
        expires = now + TOKEN_LIFETIMES[action]
        key: list[str | int] = [subscriber_id.hex, int(now.timestamp()), int(expires.timestamp())]
        return self._codec.encode(key, _SCOPE + action.value)

    def read(self, token: object, action: Action, *, now: datetime) -> TokenGrant:
        """What ``token`` grants, checked for signature, action and expiry.

        Raises:
            SubscriptionTokenError: the token is malformed, altered, signed with
                another secret, made for another action, or expired.
        """
        if not isinstance(token, str) or not token:
            raise SubscriptionTokenError(f"not a newsletter {action.value} link")
        try:
            key = self._codec.decode(token, _SCOPE + action.value)
        except InvalidCursorError:
            raise SubscriptionTokenError(
                f"this {action.value} link was altered, cut short or made for another "
                "action; use the link exactly as it was sent"
            ) from None
        try:
            ident, issued, expires = key
            subscriber_id = UUID(hex=str(ident))
            issued_at = datetime.fromtimestamp(int(str(issued)), UTC)
            deadline = datetime.fromtimestamp(int(str(expires)), UTC)
        except (TypeError, ValueError):
            raise SubscriptionTokenError(f"this {action.value} link is malformed") from None
        if now >= deadline:
            raise SubscriptionTokenError(
                f"this {action.value} link expired on {deadline:%Y-%m-%d}; ask for a new one"
            )
        return TokenGrant(action=action, subscriber_id=subscriber_id, issued_at=issued_at)
