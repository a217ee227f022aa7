"""Named locks that serialise one kind of work across processes, held until it commits.

Migrations and the outbox drainer each need "one at a time, and the next one sees what
the previous one committed". PostgreSQL's transaction advisory lock is released by the
commit itself and needs no session state (it works behind PgBouncer's transaction
pooling). MariaDB/MySQL's ``GET_LOCK`` belongs to a connection, not a transaction, so it
is taken before the work's transaction begins and released after it has ended: released
earlier, the next runner would read the state before the commit. SQLite's single writer
already is the lock.
"""

from __future__ import annotations

import hashlib
import zlib
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy import Connection

__all__ = ["LockBusy", "busy_message", "connection_lock", "mysql_lock_name", "transaction_lock"]


class LockBusy(Exception):
    """The lock was not granted in time; ``detail`` is the database's word, if any."""

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail
        super().__init__(detail or "the lock was not granted in time")


def _first_line(error: sa_exc.DBAPIError) -> str:
    return str(error.orig if error.orig is not None else error).strip().splitlines()[0]


@contextmanager
def connection_lock(
    connection: Connection, name: str, *, wait_seconds: int, database: str | None = None
) -> Iterator[None]:
    """Hold MariaDB/MySQL's ``GET_LOCK(name)`` on ``connection`` around a whole transaction.

    Take it before the transaction begins; it is released after the block, once the
    work has committed (or rolled back). The name is made per database (lock names
    are server-wide), from ``database`` or the connection's current one. Elsewhere this
    does nothing (see ``transaction_lock``).

    Raises:
        LockBusy: another holder kept it for ``wait_seconds``.
    """
    if connection.dialect.name not in ("mysql", "mariadb"):
        yield
        return
    key = mysql_lock_name(connection, name, database)
    try:
        got = connection.execute(
            text("SELECT GET_LOCK(:name, :wait)"), {"name": key, "wait": wait_seconds}
        ).scalar()
    except sa_exc.DBAPIError as exc:
        raise LockBusy(_first_line(exc)) from exc
    if got != 1:  # 0 after the wait, NULL if the server refused
        raise LockBusy()
    try:
        # End the transaction the lock query began, so the work's own begins afterwards
        # and reads the state only now that the lock is held.
        connection.commit()
        yield
    finally:
        _release(connection, key)


def mysql_lock_name(connection: Connection, name: str, database: str | None = None) -> str:
    """The server-wide ``GET_LOCK`` name of lock ``name`` for this database.

    Names are limited to 64 characters, hence the hash of the database name.
    """
    database = database or str(connection.execute(text("SELECT DATABASE()")).scalar())
    return f"{name}_{hashlib.sha256(database.encode()).hexdigest()[:32]}"


def _release(connection: Connection, key: str) -> None:
    """Release the lock; if that fails, drop the connection, which releases it too.

    A pooled connection still holding the lock would stall every later holder for the
    whole wait, so a failed release must not hand it back to the pool.
    """
    try:
        connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": key})
        connection.commit()
    except sa_exc.SQLAlchemyError:  # a broken connection: the work's own error matters
        connection.invalidate()


def transaction_lock(connection: Connection, name: str) -> None:
    """Take PostgreSQL's advisory lock ``name`` until this transaction ends.

    Elsewhere this does nothing (MariaDB/MySQL hold ``connection_lock``; SQLite's
    ``BEGIN IMMEDIATE`` already holds the only write lock).

    Raises:
        LockBusy: a ``lock_timeout`` the caller set ended the wait.
    """
    if connection.dialect.name != "postgresql":
        return
    try:
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name.encode())}
        )
    except sa_exc.DBAPIError as exc:
        raise LockBusy(_first_line(exc)) from exc


def busy_message(what: str) -> Callable[[LockBusy], str]:
    """A function saying, for a ``LockBusy``, that another process is doing ``what``."""

    def message(busy: LockBusy) -> str:
        detail = f" ({busy.detail})" if busy.detail else ""
        return f"another process is {what} and did not finish in time; try later{detail}"

    return message
