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
    SchemaError,
    StoreError,
    ValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["translate_errors", "translated"]

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


def _describe(error: sa_exc.DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise SQLAlchemy and driver errors as the matching newscms error."""
    try:
        yield
    except NewsCMSError:
        raise
    except sa_exc.IntegrityError as error:
        detail = _describe(error)
        kind = DuplicateError if any(w in detail.lower() for w in _DUPLICATE) else IntegrityError
        raise kind(f"the database refused the write: {detail}") from error
    except (sa_exc.ProgrammingError, sa_exc.OperationalError) as error:
        detail = _describe(error)
        if _MISSING_SCHEMA.search(detail):
            raise SchemaError(
                f"the newscms tables are missing ({detail}); run `newscms migrate` "
                "or call store.migrate()"
            ) from error
        raise StoreError(f"the database failed: {detail}") from error
    except sa_exc.DataError as error:
        raise ValidationError(f"the database refused a value: {_describe(error)}") from error
    except sa_exc.DBAPIError as error:
        raise StoreError(f"the database failed: {_describe(error)}") from error
    except sa_exc.StatementError as error:
        # A column type refused a value before it was sent (a naive datetime, ...):
        # that refusal is already a newscms error, so it goes out as it is.
        if isinstance(error.orig, NewsCMSError):
            raise error.orig from None
        raise StoreError(f"the database layer failed: {error}") from error
    except sa_exc.SQLAlchemyError as error:
        raise StoreError(f"the database layer failed: {error}") from error


def translated(method: Callable[P, R]) -> Callable[P, R]:
    """Decorate a public store method so it only ever raises newscms errors."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translate_errors():
            return method(*args, **kwargs)

    return wrapper
