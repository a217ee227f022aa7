"""Routing of read-only units of work over PostgreSQL streaming replicas.

Each replica keeps what was last seen of it: when it may be tried again after a
failure, the WAL position it had replayed, its lag, and when those were measured. A read
goes to the first usable replica in rotation; a read with a consistency token goes to
one that has replayed the token's position, waiting for one up to the policy's bound.
``None`` from ``begin`` means "read the primary". Measurements run inside the read's own
transaction, as its first statement, so they cost no extra connection and hold behind
PgBouncer's transaction pooling; at READ COMMITTED every later statement of the read
sees at least what the measurement saw, because replay only moves forward.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from newscms.store.replicas import lsn_value

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import Connection, Engine, RootTransaction

    from newscms.store.replicas import ReplicaPolicy

__all__ = ["ReplicaSet", "commit_position"]

# The replica's replay position and its lag. A replica that has replayed everything it
# received is not behind, however old its last replayed transaction (an idle primary
# commits nothing). After a restart it may replay its local WAL past where streaming
# resumes, hence "<=". Otherwise the lag is the age of the last transaction it replayed.
_MEASURE = text(
    "SELECT pg_last_wal_replay_lsn()::text, CASE WHEN pg_last_wal_receive_lsn() "
    "<= pg_last_wal_replay_lsn() THEN 0 ELSE COALESCE(EXTRACT(EPOCH FROM now() - "
    "pg_last_xact_replay_timestamp()), 0) END"
)
# Read after the commit: the insert position is past the commit record, so a replica
# that replayed it has applied the commit.
_POSITION = text("SELECT pg_current_wal_insert_lsn()::text")
_POLL = 0.005


def commit_position(connection: Connection) -> str:
    """The primary's WAL position now, on a connection whose transaction has committed."""
    position = connection.execute(_POSITION).scalar_one()
    connection.rollback()
    return str(position)


@dataclass
class _Replica:
    """One replica's engine and what was last seen of it."""

    engine: Engine
    down_until: float = 0.0
    replayed: int = -1
    lag: float = 0.0
    measured_at: float = float("-inf")


class ReplicaSet:
    """The replicas of a store, the health last seen of each, and the choice of one."""

    def __init__(
        self,
        engines: Sequence[Engine],
        policy: ReplicaPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self._replicas = [_Replica(engine) for engine in engines]
        self._sleep = sleep  # the async face's pause yields to the event loop instead
        self._clock = clock
        self._turn = itertools.count()
        self._lock = threading.Lock()

    @property
    def engines(self) -> tuple[Engine, ...]:
        """The replicas' engines, in the order given."""
        return tuple(replica.engine for replica in self._replicas)

    def __bool__(self) -> bool:
        return bool(self._replicas)

    def begin(
        self, options: dict[str, str], after: int | None
    ) -> tuple[Connection, RootTransaction] | None:
        """A begun transaction on a replica fit for this read, or ``None`` for the primary.

        ``after`` is the WAL position the read must see. When no usable replica has
        replayed it, the replicas are asked again until the policy's ``wait`` is spent.
        """
        deadline = self._clock() + self.policy.wait
        while True:
            behind = False
            for replica in self._rotation():
                opened = self._try(replica, options, after)
                if opened is not None:
                    return opened
                behind = behind or (after is not None and self._usable(replica))
            if not behind or self._clock() + _POLL > deadline:
                return None
            self._sleep(_POLL)

    def failed(self, engine: Engine) -> None:
        """Leave the replica of ``engine`` alone for a while: its connection broke."""
        for replica in self._replicas:
            if replica.engine is engine:
                self._mark_down(replica)

    def _rotation(self) -> list[_Replica]:
        start = next(self._turn) % len(self._replicas)
        ordered = self._replicas[start:] + self._replicas[:start]
        return [replica for replica in ordered if self._usable(replica)]

    def _usable(self, replica: _Replica) -> bool:
        return replica.down_until <= self._clock()

    def _mark_down(self, replica: _Replica) -> None:
        with self._lock:
            replica.down_until = self._clock() + self.policy.retry_after
            replica.measured_at = float("-inf")

    def _try(
        self, replica: _Replica, options: dict[str, str], after: int | None
    ) -> tuple[Connection, RootTransaction] | None:
        """Begin on ``replica`` if it is reachable, near enough and, with ``after``, there."""
        now = self._clock()
        stale = now - replica.measured_at >= self.policy.check_every
        if not stale and replica.lag > self.policy.max_lag:
            return None  # measured too far behind a moment ago: not worth a connection
        try:
            connection = replica.engine.connect()
        except SQLAlchemyError:
            self._mark_down(replica)
            return None
        try:
            connection = connection.execution_options(**options)
            transaction = connection.begin()
            if stale or (after is not None and replica.replayed < after):
                self._measure(replica, connection, now)
            if replica.lag > self.policy.max_lag:
                # Too far behind: every read without a token would show old news. It is
                # measured again by the first read after ``check_every``.
                connection.close()
                return None
            if after is not None and replica.replayed < after:
                connection.close()
                return None
        except SQLAlchemyError:
            connection.invalidate()
            connection.close()
            self._mark_down(replica)
            return None
        return connection, transaction

    def _measure(self, replica: _Replica, connection: Connection, now: float) -> None:
        position, lag = connection.execute(_MEASURE).one()
        with self._lock:
            # Not a standby at all (promoted, or a primary given as a replica): it has
            # every commit there is, and no lag.
            replica.replayed = lsn_value(position) if position else 1 << 64
            replica.lag = float(lag or 0)
            replica.measured_at = now
