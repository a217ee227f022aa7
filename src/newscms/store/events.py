"""Article events: handlers called after commit, and the durable outbox drained at least once.

Two ways to hear about changes, for two needs:

- ``store.subscribe(handler)``: called in-process right after the transaction commits
  (never for a rolled-back one). Fast, best effort: a handler that raises is logged on
  the ``newscms.events`` logger and the others still run; the data is already safe.
- The outbox: every event is also written, in the same transaction as the change, to
  ``<prefix>events``. ``drain_events`` (``newscms events drain``) hands undelivered events
  to a callable in order and marks each one delivered after it returns: at least once,
  in order per article (one drainer runs at a time), surviving crashes and restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update

from newscms.domain.workflow import ArticleEvent, EventKind
from newscms.errors import StoreError, ValidationError
from newscms.store._locks import LockBusy, busy_message, connection_lock, transaction_lock

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from sqlalchemy import Engine

    from newscms.store._context import UnitState

__all__ = [
    "DRAIN_LOCK",
    "DrainResult",
    "EventBus",
    "EventHandler",
    "drain_events",
    "drain_lock",
    "prune_events",
]

logger = logging.getLogger("newscms.events")

EventHandler = Callable[[ArticleEvent], None]
"""Receives one event; whatever it returns is ignored, whatever it raises is reported."""

DRAIN_LOCK = "newscms_events_drain"
_DRAIN_BUSY = busy_message("draining the event outbox")


@dataclass
class EventBus:
    """The in-process handlers of one store, called after each commit."""

    handlers: list[tuple[frozenset[EventKind] | None, EventHandler]] = field(default_factory=list)
    failures: int = 0

    def subscribe(
        self, handler: EventHandler, *, kinds: Sequence[EventKind | str] | None = None
    ) -> None:
        """Call ``handler`` after commit for every event (or only those of ``kinds``)."""
        if not callable(handler):
            raise ValidationError("must be callable", field="handler")
        wanted = None
        if kinds is not None:
            try:
                wanted = frozenset(EventKind(kind) for kind in kinds)
            except ValueError:
                choices = ", ".join(k.value for k in EventKind)
                raise ValidationError(f"must be among {choices}", field="kinds") from None
        self.handlers.append((wanted, handler))

    def dispatch(self, events: Sequence[ArticleEvent]) -> None:
        """Call every matching handler for each event, in order; report, never raise."""
        for event in events:
            for kinds, handler in self.handlers:
                if kinds is not None and event.kind not in kinds:
                    continue
                try:
                    handler(event)
                except Exception:
                    self.failures += 1
                    logger.exception(
                        "newscms event handler %r failed on %s of article %s",
                        handler,
                        event.kind.value,
                        event.article_id,
                    )


@contextmanager
def drain_lock(engine: Engine) -> Iterator[None]:
    """One drainer at a time, so events of one article are never delivered out of order.

    On MariaDB/MySQL the lock is held on a connection of its own from before the
    drain's transaction begins until after it commits: the next drainer then sees
    these deliveries as done. PostgreSQL's is taken inside the drain's transaction
    (``drain_events``), and SQLite's write transaction is the lock.
    """
    with engine.connect() as connection:
        try:
            with connection_lock(connection, DRAIN_LOCK, wait_seconds=60):
                yield
        except LockBusy as busy:
            raise StoreError(_DRAIN_BUSY(busy)) from busy


@dataclass(frozen=True, slots=True)
class DrainResult:
    """What one drain did: events delivered, and the failure that stopped it, if any."""

    delivered: int
    remaining: int
    error: str | None = None


def drain_events(uow: UnitState, deliver: EventHandler, *, limit: int = 1000) -> DrainResult:
    """Deliver up to ``limit`` undelivered outbox events in order, marking each as delivered.

    Delivery stops at the first event ``deliver`` raises on; that event and the ones
    after it stay undelivered for the next drain (at-least-once delivery). Run it under
    ``drain_lock`` (``Store.drain_events`` does), so drainers take turns on every backend.
    """
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100_000:
        raise ValidationError("must be an integer from 1 to 100000", field="limit")
    ev = uow.settings.tables.events
    conn = uow.connection
    delivered = 0
    error = None
    try:
        transaction_lock(conn, DRAIN_LOCK)
    except LockBusy as busy:
        raise StoreError(_DRAIN_BUSY(busy)) from busy
    rows = conn.execute(
        select(ev.c.id, ev.c.payload)
        .where(ev.c.delivered_at.is_(None))
        .order_by(ev.c.id)
        .limit(limit)
    ).all()
    for row in rows:
        event = ArticleEvent.model_validate({**row.payload, "sequence": row.id})
        try:
            deliver(event)
        except Exception as exc:
            error = f"event {row.id} ({event.kind.value} of {event.article_id}): {exc}"
            logger.warning("newscms outbox delivery stopped at %s", error)
            break
        conn.execute(update(ev).where(ev.c.id == row.id).values(delivered_at=uow.now()))
        delivered += 1
    remaining = conn.scalar(select(func.count()).select_from(ev).where(ev.c.delivered_at.is_(None)))
    return DrainResult(delivered=delivered, remaining=int(remaining or 0), error=error)


def prune_events(uow: UnitState, *, delivered_before: datetime) -> int:
    """Delete outbox events delivered before ``delivered_before``; returns how many."""
    if delivered_before.tzinfo is None:
        raise ValidationError("must be timezone-aware", field="delivered_before")
    ev = uow.settings.tables.events
    result = uow.connection.execute(
        delete(ev).where(ev.c.delivered_at.is_not(None), ev.c.delivered_at < delivered_before)
    )
    return int(result.rowcount)
