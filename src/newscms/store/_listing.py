"""Who may see an article, and where a page of articles resumes: the listing rules.

Listings, search, streamed exports, related articles and the loader all decide
visibility with these functions, so "public" means one thing everywhere: a published
(or scheduled) article whose listing time, its publication or the end of its embargo,
has come, and whose expiry, if it has one, has not. Keyset pages resume below the last
row read by ``(listed_at, id)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import and_, false, or_

from newscms.domain.status import Status
from newscms.errors import InvalidCursorError, NaiveDatetimeError, ValidationError
from newscms.store._base import as_flag, as_kind, as_locale, as_uuid, expect
from newscms.utils.dates import to_utc
from newscms.utils.keys import person_key

if TYPE_CHECKING:
    from sqlalchemy.sql import ColumnElement

    from newscms.store._cursor import CursorCodec

__all__ = [
    "LISTING_COLUMNS",
    "ArticleFilter",
    "article_filter",
    "decode_position",
    "encode_position",
    "is_visible",
    "public_conditions",
    "seek_below",
    "status_conditions",
    "unexpired",
]


LISTING_COLUMNS = ("is_public", "listed_at", "expires_at")
"""The article columns that decide visibility and order, copied into the rows a
listing or search walks (``article_tags``, ``search_documents``) by every save."""


def is_visible(
    is_public: bool, listed_at: datetime, expires_at: datetime | None, now: datetime
) -> bool:
    """Whether the public may see an article at ``now``: public, due and not expired."""
    return bool(is_public) and listed_at <= now and (expires_at is None or now < expires_at)


def public_conditions(
    is_public: ColumnElement[bool],
    listed: ColumnElement[datetime],
    expires: ColumnElement[datetime | None],
    now: Any,
) -> list[ColumnElement[bool]]:
    """``is_visible`` as SQL, on any table carrying the three listing columns."""
    return [is_public.is_(True), listed <= now, unexpired(expires, now)]


def unexpired(expires: ColumnElement[datetime | None], now: Any) -> ColumnElement[bool]:
    """The expiry half of ``public_conditions``, for a query that bounds ``listed`` itself."""
    return or_(expires.is_(None), expires > now)


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """What a listing or search is restricted to; every field is optional."""

    locale: str | None = None
    status: Status | None = None
    public: bool = False
    tag: UUID | None = None
    tag_kind: str | None = None
    person: str | None = None
    person_id: UUID | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None

    def values(self) -> tuple[str, ...]:
        """Every field as text, in order: what a cursor's scope is signed with."""
        return tuple(str(getattr(self, name)) for name in self.__slots__)


def article_filter(
    *,
    locale: str | None = None,
    status: Status | str | None = None,
    public: bool = False,
    tag: UUID | str | None = None,
    tag_kind: str | None = None,
    person: str | None = None,
    person_id: UUID | str | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
) -> ArticleFilter:
    """Check a caller's listing filters and make them an ``ArticleFilter``.

    Raises:
        ValidationError: a filter is of the wrong type or not a known value.
        NaiveDatetimeError: a date filter has no time zone.
    """
    if status is not None:
        try:
            status = Status(status)
        except ValueError:
            choices = ", ".join(s.value for s in Status)
            raise ValidationError(f"must be one of {choices}", field="status") from None
    for name, value in (
        ("published_after", published_after),
        ("published_before", published_before),
    ):
        if value is not None and not isinstance(value, datetime):
            raise ValidationError("must be a timezone-aware datetime", field=name)
        if value is not None and value.utcoffset() is None:
            raise NaiveDatetimeError(
                "a naive datetime was given; attach a time zone (for example tzinfo=UTC)",
                field=name,
            )
        if value is not None:
            to_utc(value, field=name)  # a moment UTC cannot hold is refused here, by name
    return ArticleFilter(
        locale=as_locale(locale, "locale") if locale is not None else None,
        status=status,
        public=as_flag(public, "public"),
        tag=as_uuid(tag, "tag") if tag is not None else None,
        tag_kind=as_kind(tag_kind, "tag_kind") if tag_kind is not None else None,
        person=person_key(expect(person, str, "person")) if person else None,
        person_id=as_uuid(person_id, "person_id") if person_id is not None else None,
        published_after=published_after,
        published_before=published_before,
    )


def status_conditions(
    f: ArticleFilter,
    *,
    is_public: ColumnElement[bool],
    listed: ColumnElement[datetime],
    expires: ColumnElement[datetime | None],
    status: ColumnElement[str],
    now: Any,
    bounded: bool = True,
) -> list[ColumnElement[bool]]:
    """What ``public`` and ``status`` require, judged at ``now``, as readers see statuses.

    A scheduled article whose time has come *is* published; a public filter with a
    private status matches nothing. ``bounded=False`` leaves out the public upper bound
    on ``listed`` when the caller puts a tighter one there (a keyset page below "now").
    """
    conditions: list[ColumnElement[bool]] = []
    if f.public or f.status is Status.PUBLISHED:
        conditions += (
            public_conditions(is_public, listed, expires, now)
            if bounded
            else [is_public.is_(True), unexpired(expires, now)]
        )
    if f.status is Status.SCHEDULED:
        conditions += [status == Status.SCHEDULED.value, listed > now]
    elif f.status in (Status.DRAFT, Status.ARCHIVED):
        conditions.append(status == f.status.value)
    if f.status not in (None, Status.PUBLISHED) and f.public:
        conditions.append(false())  # nothing private is public
    return conditions


def seek_below(
    listed: ColumnElement[datetime], ident: ColumnElement[UUID], at: Any, last_id: Any
) -> list[ColumnElement[bool]]:
    """Rows after ``(at, last_id)`` in newest-first order, written so an index can seek.

    A range on the walked column (``<= at``) plus the tie-break, instead of one OR
    every backend would evaluate row by row.
    """
    return [listed <= at, or_(listed < at, and_(listed == at, ident < last_id))]


def encode_position(cursors: CursorCodec, scope: str, *position: object) -> str:
    """A signed cursor resuming after ``position`` (datetimes and ids as text)."""
    values: list[str | int | float | None] = []
    for part in position:
        if isinstance(part, datetime):
            values.append(part.isoformat())
        elif isinstance(part, UUID):
            values.append(part.hex)
        elif part is None or isinstance(part, str | int | float):
            values.append(part)
        else:
            raise TypeError(f"a cursor position cannot hold {type(part).__name__}")
    return cursors.encode(values, scope)


def decode_position(
    cursors: CursorCodec, cursor: str, scope: str, *, ranked: bool = False
) -> tuple[Any, ...]:
    """The ``(listed_at, id)`` (or ``(rank, listed_at, id)``) a cursor resumes after.

    Raises:
        InvalidCursorError: the cursor is forged, belongs to other filters, or unreadable.
    """
    values = cursors.decode(cursor, scope)
    try:
        if ranked:
            rank, moment, ident = values
            if not isinstance(rank, int) or isinstance(rank, bool):
                raise TypeError(rank)
            return rank, datetime.fromisoformat(str(moment)), UUID(hex=str(ident))
        moment, ident = values
        return datetime.fromisoformat(str(moment)), UUID(hex=str(ident))
    except (ValueError, TypeError):
        raise InvalidCursorError("the cursor's position is unreadable", field="cursor") from None
