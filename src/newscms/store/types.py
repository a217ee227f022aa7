"""Column types that behave the same on SQLite, PostgreSQL and MariaDB/MySQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.types import TypeDecorator, TypeEngine

from newscms.errors import NaiveDatetimeError
from newscms.utils.dates import to_utc

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.engine import Dialect

__all__ = ["Blob", "EventId", "JSONData", "Key", "LongText", "UTCDateTime"]


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time: aware datetimes in, aware UTC datetimes out; naive ones refused.

    PostgreSQL stores ``timestamptz``; MariaDB/MySQL ``DATETIME(6)`` and SQLite text,
    both holding UTC wall time, so ordering and comparison work on every backend.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Pick each backend's native moment type."""
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive values; send UTC (as wall time where the column has no zone)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError("naive datetimes cannot be stored; attach a time zone")
        value = to_utc(value)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None] | None:
        """On SQLite, text to an aware datetime in one step (a page reads hundreds).

        SQLAlchemy's SQLite processor parses with a regular expression and this type
        then attaches the zone; ``datetime.fromisoformat`` reads the stored form at C
        speed. Anything it cannot read goes the general way.
        """
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or general is None:
            return general
        parse = datetime.fromisoformat

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                try:
                    # The stored form is naive UTC: parsing it with its zone is several
                    # times cheaper than attaching the zone afterwards.
                    return parse(value + "+00:00")
                except ValueError:
                    return general(value)
            return general(value)

        return process

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Hand back aware UTC datetimes whatever the backend stored."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def Key(length: int) -> String:
    """A short string compared and sorted byte for byte (slugs, keys), on every backend.

    MariaDB's default collations are case- and accent-insensitive, which would make
    ``café`` and ``cafe`` the same slug; PostgreSQL's locale collations sort punctuation
    loosely, which would break prefix ranges (``slug >= 'x-' AND slug < 'x.'``) and their
    index use. SQLite's default ``BINARY`` is already exact.
    """
    return (
        String(length)
        .with_variant(
            mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
        )
        .with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
    )


LongText: TypeEngine[str] = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
"""Article bodies: MySQL's ``TEXT`` stops at 64 KB, ``MEDIUMTEXT`` holds 16 MB."""


class _JSON(TypeDecorator[Any]):
    """JSON whose commonest stored values are read without the JSON parser."""

    impl = JSON
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        """``[]`` and ``null`` (no byline, no provenance: most rows) read at once.

        Only where the driver hands back text (SQLite, MariaDB); psycopg decodes JSON
        itself.
        """
        general = super().result_processor(dialect, coltype)
        if general is None:
            return None

        def process(value: Any) -> Any:
            if value == "[]":
                return []  # a new list each time: callers may change it
            if value == "null":
                return None
            return general(value)

        return process


JSONData: TypeEngine[Any] = _JSON()
"""Small structured values (bylines, provenance) stored as JSON on every backend."""

Blob: TypeEngine[bytes] = LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")
"""Compressed snapshots: MySQL's ``BLOB`` stops at 64 KB."""

EventId: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")
"""An ever-growing event number; SQLite only auto-increments an ``INTEGER`` primary key."""
