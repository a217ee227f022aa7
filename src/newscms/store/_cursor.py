"""Opaque, signed keyset cursors.

A cursor carries the sort key of the last row of a page and a fingerprint of the query
it belongs to, signed with HMAC-SHA256. An edited, truncated or foreign cursor is a
clear ``InvalidCursorError`` instead of a silently wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import TYPE_CHECKING

from newscms.errors import InvalidCursorError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["CursorCodec", "query_fingerprint"]

_VERSION = 1
_SIGNATURE_BYTES = 16
_MAX_LENGTH = 2048

CursorValue = str | int | float | None


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def query_fingerprint(*parts: object) -> str:
    """A short, stable digest of a query's filters; a cursor only fits its own query."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


class CursorCodec:
    """Encode and verify cursors with one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("a cursor secret needs at least 16 bytes")
        self._secret = secret

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def encode(self, key: Sequence[CursorValue], scope: str) -> str:
        """A cursor pointing after the row whose sort key is ``key`` in query ``scope``."""
        payload = json.dumps(
            {"v": _VERSION, "k": list(key), "s": scope}, separators=(",", ":")
        ).encode("utf-8")
        return f"{_b64encode(payload)}.{_b64encode(self._sign(payload))}"

    def decode(self, cursor: str, scope: str) -> list[CursorValue]:
        """The sort key inside ``cursor``, after checking its signature and its query.

        Raises:
            InvalidCursorError: the cursor is malformed, was edited, or belongs to
                another query (other filters or another listing).
        """
        if not isinstance(cursor, str) or not cursor or len(cursor) > _MAX_LENGTH:
            raise InvalidCursorError("not a cursor returned by newscms", field="cursor")
        body, _, signature = cursor.partition(".")
        try:
            payload = _b64decode(body)
            given = _b64decode(signature)
        except (binascii.Error, ValueError):
            raise InvalidCursorError("the cursor is not valid base64", field="cursor") from None
        if not hmac.compare_digest(given, self._sign(payload)):
            raise InvalidCursorError(
                "the cursor was altered or made by another site; start from the first page",
                field="cursor",
            )
        data = json.loads(payload)
        if data.get("v") != _VERSION or not isinstance(data.get("k"), list):
            raise InvalidCursorError("the cursor has an unknown format", field="cursor")
        if data.get("s") != scope:
            raise InvalidCursorError(
                "the cursor belongs to another query; pass the same filters as the first page",
                field="cursor",
            )
        key: list[CursorValue] = data["k"]
        return key
