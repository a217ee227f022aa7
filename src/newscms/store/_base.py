"""What every repository shares: its unit of work, tables and argument checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from newscms.errors import ValidationError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newscms.store.tables import Tables
    from newscms.store.unit import UnitOfWork

__all__ = ["Repository", "as_uuid", "expect"]

T = TypeVar("T")

MAX_PAGE = 200


class Repository:
    """Base of the repositories: a unit of work and its tables."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.t: Tables = uow.settings.tables

    @property
    def conn(self) -> Connection:
        """The connection of the unit of work's transaction."""
        return self.uow.connection


def expect(value: object, kind: type[T], field: str) -> T:
    """Return ``value`` if it is a ``kind``, else raise a ``ValidationError`` naming ``field``."""
    if not isinstance(value, kind):
        raise ValidationError(f"expected {kind.__name__}, got {type(value).__name__}", field=field)
    return value


def as_uuid(value: object, field: str) -> UUID:
    """Accept a UUID or its string form; anything else is a ``ValidationError``."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    raise ValidationError(f"{value!r} is not an id (a UUID)", field=field)


def check_limit(limit: object) -> int:
    """A page size between 1 and ``MAX_PAGE``."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"must be an integer from 1 to {MAX_PAGE}", field="limit")
    return limit
