"""Read replicas: the routing policy and the consistency token of read-your-writes.

``Store(primary, replicas=[...])`` sends read-only units of work to a PostgreSQL
streaming replica and everything else to the primary (see docs/scaling.md). A write unit
of work leaves a *consistency token*: the primary's WAL position just after its commit,
in PostgreSQL's own ``pg_lsn`` text form (``"0/16B3748"``). A read presenting it runs on a
replica that has replayed that position, or on the primary. The token is not a secret
and not signed: a forged one can only make a read slower (it waits, then reads the
primary), never show data the reader could not see otherwise.

This module holds what callers and the web adapters need: the policy, the parsing of a
token that came back from a client, and the cookie and header that carry it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from newscms.errors import ValidationError

__all__ = [
    "CONSISTENCY_COOKIE",
    "CONSISTENCY_HEADER",
    "Lookup",
    "ReplicaPolicy",
    "consistency_cookie",
    "lsn_value",
    "request_token",
]

CONSISTENCY_COOKIE = "newscms_after"
"""The cookie the web adapters set after a write and read back on every request."""

CONSISTENCY_HEADER = "NewsCMS-After"
"""A request header carrying a token (API clients); it wins over the cookie."""


class Lookup(Protocol):
    """What ``request_token`` reads headers and cookies from (any framework's)."""

    def get(self, key: str, /) -> str | None:
        """The value of ``key``, or ``None``."""


_LSN = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")


@dataclass(frozen=True)
class ReplicaPolicy:
    """How reads are spread over the replicas, and how long they may lag.

    Args:
        max_lag: seconds a replica may be behind the primary and still serve reads
            without a token; one further behind is skipped until it has caught up.
        wait: seconds a read with a token waits, in total, for some replica to replay
            it before reading the primary instead.
        retry_after: seconds a replica that could not be reached is left alone before
            it is tried again.
        check_every: seconds between two measurements of a replica's lag (made in the
            read's own transaction, so a measurement costs one statement, not a
            connection).
        token_max_age: seconds the web adapters keep the token cookie; later reads
            are routed as if the reader had never written.
    """

    max_lag: float = 10.0
    wait: float = 0.5
    retry_after: float = 5.0
    check_every: float = 1.0
    token_max_age: int = 300

    def __post_init__(self) -> None:
        for name in ("max_lag", "wait", "retry_after", "check_every", "token_max_age"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                raise ValidationError("must be a non-negative number of seconds", field=name)


def lsn_value(token: str) -> int:
    """The WAL position a consistency token names, as an integer one can compare.

    Raises:
        ValidationError: ``token`` is not a PostgreSQL LSN (``"16/B374D848"``).
    """
    if not isinstance(token, str) or not _LSN.fullmatch(token):
        raise ValidationError(
            "is not a consistency token (a WAL position such as '16/B374D848', "
            "as store.consistency_token gives)",
            field="after",
        )
    high, _, low = token.partition("/")
    return int(high, 16) << 32 | int(low, 16)


def request_token(headers: Lookup, cookies: Lookup) -> str | None:
    """The consistency token a request presents (header first, then cookie), if valid.

    A malformed value is ignored rather than refused: an old or mangled cookie must not
    break a page, and without a token the read is still correct, only perhaps older.
    """
    for value in (headers.get(CONSISTENCY_HEADER), cookies.get(CONSISTENCY_COOKIE)):
        if value and _LSN.fullmatch(value.strip()):
            return value.strip()
    return None


def consistency_cookie(token: str, policy: ReplicaPolicy) -> str:
    """The ``Set-Cookie`` value a response to a write carries, so later reads see it."""
    lsn_value(token)  # never echo anything but a token into a header
    return (
        f"{CONSISTENCY_COOKIE}={token}; Max-Age={int(policy.token_max_age)}; Path=/; "
        "HttpOnly; SameSite=Lax"
    )
