"""Signed, expiring preview tokens: let a front end show one unpublished article.

A token names one article and an expiry time, signed with HMAC-SHA256 under a secret
the host supplies (never stored by newscms). Tampered, expired, truncated or foreign
tokens are refused with ``PreviewTokenError``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime
from uuid import UUID

from newscms.errors import NaiveDatetimeError, PreviewTokenError, ValidationError

__all__ = ["make_preview_token", "read_preview_token"]

_PURPOSE = b"newscms-preview-v1"
_MIN_SECRET = 16


def _key(secret: bytes | str) -> bytes:
    try:
        key = secret.encode("utf-8") if isinstance(secret, str) else secret
    except UnicodeEncodeError:  # lone surrogates: no key can be made of it
        raise ValidationError("must be valid Unicode text or bytes", field="secret") from None
    if not isinstance(key, bytes) or len(key) < _MIN_SECRET:
        raise ValidationError(f"must be at least {_MIN_SECRET} bytes long", field="secret")
    return key


def _sign(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, _PURPOSE + b"\n" + payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_preview_token(article_id: UUID, *, secret: bytes | str, expires_at: datetime) -> str:
    """A token that lets its bearer read article ``article_id`` until ``expires_at``."""
    if expires_at.tzinfo is None:
        raise NaiveDatetimeError("attach a time zone to the expiry", field="expires_at")
    payload = f"{article_id.hex}.{int(expires_at.timestamp())}".encode("ascii")
    return f"{_b64(payload)}.{_b64(_sign(_key(secret), payload))}"


def read_preview_token(token: str, *, secret: bytes | str, now: datetime) -> UUID:
    """The article id a valid token grants, checked against ``secret`` and ``now``.

    Raises:
        PreviewTokenError: the token is malformed, altered, signed with another secret,
            or expired.
    """
    key = _key(secret)
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 512:
        raise PreviewTokenError("not a preview token")
    body, signature = token.split(".")
    try:
        payload, given = _unb64(body), _unb64(signature)
    except (binascii.Error, ValueError):
        raise PreviewTokenError("not a preview token") from None
    if not hmac.compare_digest(given, _sign(key, payload)):
        raise PreviewTokenError("the preview token was altered or signed with another secret")
    try:
        ident, expires = payload.decode("ascii").split(".")
        article_id, deadline = UUID(hex=ident), datetime.fromtimestamp(int(expires), UTC)
    except (UnicodeDecodeError, ValueError):
        raise PreviewTokenError("the preview token is malformed") from None
    if now >= deadline:
        raise PreviewTokenError(f"the preview token expired at {deadline.isoformat()}")
    return article_id
