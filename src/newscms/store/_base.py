"""What every repository shares: its unit of work, tables and argument checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Generic, TypeVar
from uuid import UUID

import pydantic

from newscms.domain._base import Identifier
from newscms.errors import LocaleError, ValidationError
from newscms.utils.locales import normalize_locale

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from newscms.store._context import UnitState
    from newscms.store.tables import Tables

__all__ = [
    "Repository",
    "as_count",
    "as_flag",
    "as_kind",
    "as_locale",
    "as_lookup",
    "as_uuid",
    "as_version",
    "check_limit",
    "expect",
    "expect_items",
    "quoted_name",
]

T = TypeVar("T")
U = TypeVar("U", bound="UnitState")

MAX_PAGE = 200
_INT_MAX = 2**31 - 1

_KIND: pydantic.TypeAdapter[str] = pydantic.TypeAdapter(Identifier)


class Repository(Generic[U]):
    """Base of the repositories: a unit of work and its tables."""

    def __init__(self, uow: U) -> None:
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


def expect_items(values: object, field: str) -> list[object]:
    """The items of a list, tuple or other iterable (a string is refused, not split up)."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(f"expected a list, got {type(values).__name__}", field=field)
    return list(values)


def as_locale(value: object, field: str) -> str:
    """A locale in its canonical BCP 47 spelling; anything else is a ``LocaleError``."""
    if not isinstance(value, str):  # checked first: the normalizer's cache needs a string
        raise LocaleError(
            f"a locale must be a string like 'en' or 'it-IT', not {value!r}", field=field
        )
    try:
        return normalize_locale(value)
    except LocaleError as exc:
        raise LocaleError(exc.message, field=field) from None


def as_kind(value: object, field: str) -> str:
    """A tag or relation kind (``"region"``, ``"see_also"``) checked as the domain checks it."""
    try:
        return _KIND.validate_python(value)
    except pydantic.ValidationError as exc:
        raise ValidationError.from_pydantic(exc, prefix=field) from None


def as_version(value: object, field: str = "expected_version") -> int | None:
    """An expected version (a positive integer), or ``None`` when the caller gives none."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _INT_MAX:
        raise ValidationError("must be a positive integer (the version you read)", field=field)
    return value


def as_flag(value: object, field: str) -> bool:
    """A yes/no option: ``True`` or ``False``, nothing that merely looks like one."""
    if not isinstance(value, bool):
        raise ValidationError(f"expected True or False, got {type(value).__name__}", field=field)
    return value


def as_count(value: object, field: str, *, least: int = 1) -> int:
    """An integer from ``least`` up to what an integer column holds (2**31 - 1)."""
    if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= _INT_MAX:
        raise ValidationError(f"must be an integer from {least} to {_INT_MAX}", field=field)
    return value


def as_lookup(value: object, field: str) -> str | None:
    """``value`` as a key to look up, or ``None`` when no stored key can equal it.

    Text that is not valid Unicode (lone surrogates, from a mis-decoded URL or file
    name) cannot be sent to the database, so it names nothing: the lookup finds nothing.
    """
    text = expect(value, str, field)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text


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


def quoted_name(conn: Connection, name: str) -> str:
    """``name`` (``schema.table`` or ``table``, as ``Table.fullname``) quoted for raw SQL."""
    quote = conn.dialect.identifier_preparer.quote
    return ".".join(quote(part) for part in name.split("."))
