"""Driver errors become newscms errors here, at the store's edge, and nowhere else."""

from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from sqlalchemy import exc as sa_exc

from newscms.errors import (
    DuplicateError,
    IntegrityError,
    NewsCMSError,
    RetryableError,
    SchemaError,
    StoreError,
    ValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["is_retryable", "retryable_error", "translate_errors", "translated"]

P = ParamSpec("P")
R = TypeVar("R")

# A table or column of newscms's schema is missing, as SQLite, PostgreSQL and MariaDB say
# it. Only these: a missing database, savepoint or function is no reason to migrate.
_MISSING_SCHEMA = re.compile(
    r"no such (table|column)|(relation|column) \S+ does not exist"
    r"|table \S+ doesn't exist|unknown column",
    re.IGNORECASE,
)
_DUPLICATE = ("unique", "duplicate")
# Conflicts between concurrent transactions, which end the transaction and go away
# when it runs again: PostgreSQL's SQLSTATEs (serialization failure, deadlock, lock not
# available), MariaDB/MySQL's error numbers (lock wait timeout, deadlock, record changed
# since read, table definition changed), SQLite's busy lock. (The savepoint InnoDB
# discards with a deadlocked transaction is the unit of work's to notice: 1305 also
# means a missing function.)
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_RETRYABLE_MYSQL = frozenset({1205, 1213, 1020, 1412})
_RETRYABLE_SQLITE = ("database is locked", "database table is locked")
_MYSQL_DRIVERS = ("pymysql", "MySQLdb", "mysql")


def _describe(error: sa_exc.DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)


def is_retryable(error: BaseException) -> bool:
    """Whether ``error`` is a deadlock, serialization failure or lock timeout.

    Such an error ends the database transaction (InnoDB rolls all of it back), so the
    unit of work it happened in can only fail whole and run again.
    """
    if isinstance(error, RetryableError):
        return True
    if not isinstance(error, sa_exc.DBAPIError) or error.orig is None:
        return False
    orig = error.orig
    if getattr(orig, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int) and type(orig).__module__.startswith(_MYSQL_DRIVERS):
        return args[0] in _RETRYABLE_MYSQL
    message = str(orig).lower()
    return isinstance(error, sa_exc.OperationalError) and message.startswith(_RETRYABLE_SQLITE)


def retryable_error(error: BaseException) -> RetryableError:
    """The ``RetryableError`` telling the caller to run the unit of work again."""
    if isinstance(error, RetryableError):
        return error
    cause = _describe(error) if isinstance(error, sa_exc.DBAPIError) else str(error)
    return RetryableError(
        f"a concurrent transaction won ({cause}); nothing of this unit of work was "
        "committed: run it again (store.run(work, retries=N) does)",
        cause=cause,
    )


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise SQLAlchemy and driver errors as the matching newscms error."""
    try:
        yield
    except NewsCMSError:
        raise
    except sa_exc.DBAPIError as error:
        if is_retryable(error):
            raise retryable_error(error) from error
        raise _translate_database_error(error) from error
    except sa_exc.StatementError as error:
        # A column type refused a value before it was sent (a naive datetime, ...):
        # that refusal is already a newscms error, so it goes out as it is.
        if isinstance(error.orig, NewsCMSError):
            raise error.orig from None
        raise StoreError(f"the database layer failed: {error}") from error
    except sa_exc.SQLAlchemyError as error:
        raise StoreError(f"the database layer failed: {error}") from error


def _translate_database_error(error: sa_exc.DBAPIError) -> NewsCMSError:
    """The newscms error for a driver error that is not a retryable conflict."""
    detail = _describe(error)
    if isinstance(error, sa_exc.IntegrityError):
        kind = DuplicateError if any(w in detail.lower() for w in _DUPLICATE) else IntegrityError
        return kind(f"the database refused the write: {detail}")
    if isinstance(error, sa_exc.ProgrammingError | sa_exc.OperationalError):
        if _MISSING_SCHEMA.search(detail):
            return SchemaError(
                f"the newscms tables are missing ({detail}); run `newscms migrate` "
                "or call store.migrate()"
            )
    elif isinstance(error, sa_exc.DataError):
        return ValidationError(f"the database refused a value: {detail}")
    return StoreError(f"the database failed: {detail}")


def translated(method: Callable[P, R]) -> Callable[P, R]:
    """Decorate a public store method so it only ever raises newscms errors."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translate_errors():
            return method(*args, **kwargs)

    return wrapper
