"""Dates of news content: read legacy, ISO 8601 and RFC 2822 strings; convert and format them.

Everything newscms keeps is an aware UTC ``datetime``; naive datetimes are refused.
:func:`parse_date` reads a string and says how it read it (:class:`ParsedDate`):

- ``iso-8601``: ``2012-06-14``, ``2012-06-14T09:30:00+02:00``, ...
- ``rfc-2822``: ``Thu, 14 Jun 2012 09:30:00 +0200`` (RSS, e-mail)
- ``numeric-month-first`` / ``numeric-day-first``: ``MM/DD/YYYY`` / ``DD/MM/YYYY``
  because the caller said so (``order``)
- ``numeric-month-first-inferred`` / ``numeric-day-first-inferred``: the same, decided
  by the string itself (a field above 12) or by the other dates of the document
- ``numeric-either-order``: ``05/05/2012``, both readings are the same date
- ``month-name``: ``14 June 2012``, ``14 de junio de 2012``, ``giovedì 14 giugno 2012,
  09.30``: the month named in one of the caller's ``locales``, through CLDR (Babel)
- ``marked-fields``: ``2012年6月14日``, ``2012년 6월 14일``: numbers labelled by the
  markers the locale's CLDR patterns write after them

A wall time without an offset is read in a named IANA zone (``Europe/Rome`` by default,
the wall clock of the legacy site). At DST edges :func:`local_to_utc` follows PEP 495
with ``fold=0``: a wall time skipped by the spring-forward gap moves forward by the gap
(02:30 on 2012-03-25 in Rome is 03:30 CEST, 01:30 UTC) and a wall time repeated by the
autumn fold is its first occurrence (02:30 on 2012-10-28 in Rome is 02:30 CEST, 00:30 UTC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates as babel_dates

from newscms.errors import AmbiguousDateError, DateParseError, NaiveDatetimeError, ValidationError
from newscms.utils._named_dates import read_named_date
from newscms.utils.locales import babel_locale

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "DEFAULT_DATE_LOCALES",
    "DEFAULT_ZONE",
    "DateOrder",
    "ParsedDate",
    "ensure_aware",
    "format_date",
    "format_relative",
    "in_zone",
    "infer_date_order",
    "isoformat",
    "local_to_utc",
    "names_a_date",
    "parse_date",
    "time_zone",
    "to_utc",
]

DEFAULT_ZONE = "Europe/Rome"

_ACCEPTED = (
    "MM/DD/YYYY or DD/MM/YYYY with an optional HH:MM, "
    "ISO 8601 (2012-06-14T09:30:00+02:00), RFC 2822 (Thu, 14 Jun 2012 09:30:00 +0200) "
    "or the month named in the document's language (14 June 2012)"
)
DEFAULT_DATE_LOCALES = ("en",)
"""The languages month names are read in when the caller names none."""
_ORDER_OPTION = "--date-order month-first|day-first"
_FIRST_YEAR, _LAST_YEAR = 1800, 2200
_FORMATS = frozenset({"full", "long", "medium", "short"})
_Length = Literal["full", "long", "medium", "short"]

# Separators must repeat (``14.06.2012``, not ``14.06-2012``): a mix is more likely a typo.
_NUMERIC = re.compile(
    r"""(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})
        (?:(?:\ ?,\ ?|\ )(?P<hour>\d{1,2})(?P<tsep>[:.])(?P<minute>\d{2})
           (?:(?P=tsep)(?P<sec>\d{2}))?)?""",
    re.ASCII | re.VERBOSE,
)
_ISO = re.compile(
    r"""(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})
        (?:[T\ ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<sec>\d{2})(?:[.,](?P<fraction>\d+))?)?
           (?P<offset>Z|(?P<sign>[+-])(?P<oh>[01]\d|2[0-3])(?::?(?P<om>[0-5]\d))?)?)?""",
    re.ASCII | re.VERBOSE | re.IGNORECASE,
)
_RFC_2822 = re.compile(
    r"""(?:(?:mon|tue|wed|thu|fri|sat|sun),?\ )?
        \d{1,2}\ (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\ \d{4}
        \ \d{1,2}:\d{2}(?::\d{2})?
        (?:\ (?P<zone>[+-](?:[01]\d|2[0-3])[0-5]\d|UT|GMT|Z|[ECMP][SD]T))?""",
    re.ASCII | re.VERBOSE | re.IGNORECASE,
)


class DateOrder(StrEnum):
    """How to read ``dd/dd/yyyy``: month first (US), day first (most of Europe), or infer."""

    MONTH_FIRST = "month-first"
    DAY_FIRST = "day-first"
    INFER = "infer"


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A parsed date and how it was read (its provenance).

    Attributes:
        value: The instant, aware and in UTC.
        raw: The string as given.
        rule: Which rule read it; one of the names in the module docstring.
        time_known: False when the string had no time or the ``00.00`` placeholder.
        zone: Where the wall time was read: an IANA zone name, ``"UTC"``, or an
            offset such as ``"+02:00"`` for strings that carry one.
        order: The order a numeric date was read in; None for ISO 8601, RFC 2822 and
            numeric dates that read the same either way.
    """

    value: datetime
    raw: str
    rule: str
    time_known: bool
    zone: str
    order: DateOrder | None = None


class _AmbiguousOrder(ValueError):
    """Both readings of a numeric date are valid, differ, and nothing decides."""


def parse_date(
    raw: str,
    *,
    order: DateOrder | str = DateOrder.INFER,
    zone: str = DEFAULT_ZONE,
    evidence: Iterable[str] = (),
    midnight_is_unknown: bool = True,
    field: str | None = None,
    locales: Iterable[str] = DEFAULT_DATE_LOCALES,
) -> ParsedDate:
    """Read a date string into an aware UTC instant, recording how it was read.

    Args:
        raw: A numeric legacy date (``06/14/2012, 00.00``), ISO 8601, RFC 2822, or a
            date with its month named (``14 giugno 2012``) or its fields marked
            (``2012年6月14日``). Surrounding and repeated whitespace, non-breaking
            spaces included, is ignored.
        order: How to read numeric dates; ``INFER`` decides from the string, then from
            ``evidence``, then accepts dates that read the same either way.
        zone: IANA zone of wall times that carry no offset.
        evidence: Other dates of the same document; used only to infer the order.
        midnight_is_unknown: Treat an exact ``00:00`` in a numeric date as the legacy
            "time not recorded" placeholder (``time_known`` False; value still midnight).
        field: Name of the input, put on the errors raised.
        locales: The languages, in order of preference, whose CLDR month and weekday
            names and date words are read; a name two of them share means what the
            first says.

    Returns:
        The instant in UTC with its provenance.

    Raises:
        AmbiguousDateError: A numeric date could be month-first or day-first.
        DateParseError: The string is not a date in an accepted format, or not a valid date.
        ValidationError: ``zone`` or ``order`` is not valid.
    """
    if not isinstance(raw, str):
        raise DateParseError(f"a date must be a string, not {raw!r}", raw=repr(raw), field=field)
    where = _iana_zone(zone)
    how = _date_order(order)
    text = " ".join(raw.split())
    try:
        if match := _ISO.fullmatch(text):
            return _from_iso(match, raw, where)
        if match := _RFC_2822.fullmatch(text):
            return _from_rfc_2822(match, raw, where)
        if match := _NUMERIC.fullmatch(text):
            return _from_numeric(
                match, raw, where, order=how, evidence=evidence, midnight=midnight_is_unknown
            )
        if (named := read_named_date(text, _date_locales(locales))) is not None:
            _check_year(named.year)
            rule = "month-name" if named.month_named else "marked-fields"
            wall = named.wall()
            midnight = wall.hour == wall.minute == wall.second == 0
            known = named.time_known and not (midnight_is_unknown and midnight)
            return ParsedDate(_to_utc(wall, where), raw, rule, known, where.key)
    except _AmbiguousOrder as exc:
        raise AmbiguousDateError(str(exc), raw=raw, field=field) from None
    except ValueError as exc:
        raise DateParseError(f"{raw!r} is not a valid date: {exc}", raw=raw, field=field) from None
    raise DateParseError(
        f"{raw!r} is not a date newscms can read; use {_ACCEPTED}", raw=raw, field=field
    )


def names_a_date(text: str, *, locales: Iterable[str] = DEFAULT_DATE_LOCALES) -> bool:
    """Whether ``text`` is, word for word, a date with its month named or its fields marked.

    A shape check for importers telling a date line from a headline: ``14 June 2012``
    and ``31 June 2012`` (which ``parse_date`` then refuses as invalid) are; ``June
    2012`` and ``The 14 June 2012 verdict`` are not.
    """
    try:
        return read_named_date(" ".join(text.split()), _date_locales(locales)) is not None
    except ValueError:
        return True


def infer_date_order(raws: Iterable[str]) -> DateOrder | None:
    """Infer the order of a document's numeric dates from the ones that settle it.

    A first field above 12 (``20/07/2005``) votes day-first, a second one (``06/14/2012``)
    month-first; strings that are not numeric dates or settle nothing are skipped.

    Returns:
        The order every deciding date agrees on; None when none decides or they disagree.
    """
    votes: set[DateOrder] = set()
    for raw in raws:
        match = _NUMERIC.fullmatch(" ".join(raw.split())) if isinstance(raw, str) else None
        if match is None or len(match["year"]) != 4:
            continue
        first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
        if first > 12 and _is_date(year, second, first):
            votes.add(DateOrder.DAY_FIRST)
        elif second > 12 and _is_date(year, first, second):
            votes.add(DateOrder.MONTH_FIRST)
    return votes.pop() if len(votes) == 1 else None


def ensure_aware(value: datetime, *, field: str) -> datetime:
    """Return ``value`` converted to UTC, refusing a naive datetime.

    Raises:
        NaiveDatetimeError: ``value`` has no time zone; ``field`` names it.
        ValidationError: ``value`` is not a datetime.
    """
    if not isinstance(value, datetime):
        raise ValidationError(f"expected an aware datetime, not {value!r}", field=field)
    if value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{value.isoformat()} has no time zone, so the instant it names is unknown; "
            "attach one (datetime.now(UTC), local_to_utc)",
            field=field,
        )
    return to_utc(value, field=field)


def to_utc(value: datetime, *, field: str | None = None) -> datetime:
    """An aware ``value`` as UTC, refused when UTC cannot hold it.

    ``datetime(1, 1, 1, 1, tzinfo=+05:00)`` or 9999-12-31 23:00 at -05:00 lie outside
    the years 1 to 9999 once in UTC, where Python's datetime ends.

    Raises:
        ValidationError: the moment is outside what UTC can represent.
    """
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationError(
            f"{value.isoformat()} is outside the years 1 to 9999 once in UTC", field=field
        ) from None


def in_zone(value: datetime, zone: tzinfo) -> datetime:
    """An aware ``value`` as wall time in ``zone``; in UTC where that wall time cannot exist.

    Within hours of year 1 or 9999 a zone's local time may fall outside what datetime
    holds; the instant is then written in UTC, which names the same moment.
    """
    try:
        return value.astimezone(zone)
    except OverflowError:
        return value.astimezone(UTC)


def local_to_utc(local: datetime, zone: str) -> datetime:
    """Convert a naive wall-clock time in ``zone`` to an aware UTC datetime.

    DST edges follow PEP 495 with ``fold=0``: a wall time skipped by a spring-forward
    gap takes the offset in force before the gap, so it moves forward by the gap
    (02:30 on 2012-03-25 in Europe/Rome is 03:30 CEST, 01:30 UTC); a wall time repeated
    by an autumn fold is its first occurrence (02:30 on 2012-10-28 is CEST, 00:30 UTC).

    Raises:
        ValidationError: ``local`` already has a time zone (field ``local``), or ``zone``
            is not an IANA zone (field ``zone``).
    """
    if local.tzinfo is not None:
        raise ValidationError(
            f"{local.isoformat()} already has a time zone; use ensure_aware", field="local"
        )
    return _to_utc(local, _iana_zone(zone))


def isoformat(value: datetime) -> str:
    """ISO 8601 in UTC with an explicit offset: ``"2012-06-13T22:00:00+00:00"``.

    Raises:
        NaiveDatetimeError: ``value`` has no time zone.
    """
    return ensure_aware(value, field="value").isoformat()


def format_date(
    value: datetime,
    locale: str,
    *,
    zone: str | None = None,
    format: str = "long",
    time: bool = False,
) -> str:
    """Format the calendar date of ``value`` for readers of ``locale``.

    ``format_date(dt, "it")`` is ``"14 giugno 2012"``, in ``"zh"`` ``"2012年6月14日"``.

    Args:
        value: An aware datetime.
        locale: A BCP 47 locale; CLDR data falls back along its chain (``it-CH`` -> ``it``).
        zone: IANA zone (or fixed offset, ``"+08:00"``) the date is taken in; UTC when
            None, because a date depends on where it is read and newscms does not guess
            the reader's zone.
        format: CLDR length: ``full``, ``long``, ``medium`` or ``short``.
        time: Append the short localized time (``"June 14, 2012, 11:30 AM"``).

    Returns:
        The localized date, and time when asked.

    Raises:
        NaiveDatetimeError: ``value`` has no time zone.
        ValidationError: ``zone`` or ``format`` is not valid.
        LocaleError: ``locale`` is not a known locale.
    """
    instant = ensure_aware(value, field="value")
    where = time_zone(zone or "UTC")
    if format not in _FORMATS:
        raise ValidationError(f"use one of {', '.join(sorted(_FORMATS))}", field="format")
    length = cast("_Length", format)
    cldr = babel_locale(locale)
    local = in_zone(instant, where)
    day = babel_dates.format_date(local.date(), length, locale=cldr)
    if not time:
        return day
    clock = babel_dates.format_time(local, "short", tzinfo=where, locale=cldr)
    # Babel's own glue: CLDR joins date and time with a per-locale pattern like "{1}, {0}".
    pattern = str(babel_dates.get_datetime_format(length, locale=cldr)).replace("'", "")
    return pattern.replace("{0}", clock).replace("{1}", day)


def format_relative(value: datetime, *, now: datetime, locale: str) -> str:
    """Say how far ``value`` is from ``now``: ``"3 hours ago"``, ``"in 2 days"``.

    Raises:
        NaiveDatetimeError: ``value`` or ``now`` has no time zone.
        LocaleError: ``locale`` is not a known locale.
    """
    delta = ensure_aware(value, field="value") - ensure_aware(now, field="now")
    return babel_dates.format_timedelta(delta, add_direction=True, locale=babel_locale(locale))


_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def time_zone(name: str) -> tzinfo:
    """The zone a ``ParsedDate.zone`` (or any zone newscms is given) names.

    An IANA name (``"Europe/Rome"``, ``"UTC"``) or a fixed offset as ``ParsedDate``
    records it for strings that carried one (``"+08:00"``).

    Raises:
        ValidationError: ``name`` is neither.
    """
    offset = _OFFSET.match(name) if isinstance(name, str) else None
    if offset is not None:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta < timedelta(hours=24):
            return timezone(-delta if sign == "-" else delta)
    return _iana_zone(name)


def _iana_zone(name: str) -> ZoneInfo:
    """A named zone, whose rules (DST) can read wall times; offsets cannot."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValidationError(
            f"{name!r} is not an IANA time zone such as 'Europe/Rome' or 'UTC'", field="zone"
        ) from None


def _date_locales(locales: Iterable[str]) -> tuple[str, ...]:
    if isinstance(locales, str):
        return (locales,)
    try:
        return tuple(locale for locale in locales if isinstance(locale, str))
    except TypeError:
        raise ValidationError("name the locales as a list of strings", field="locales") from None


def _date_order(order: DateOrder | str) -> DateOrder:
    try:
        return DateOrder(str(order).strip().lower().replace("_", "-"))
    except ValueError:
        choices = ", ".join(o.value for o in DateOrder)
        raise ValidationError(f"{order!r} is not one of {choices}", field="order") from None


def _to_utc(wall: datetime, zone: tzinfo) -> datetime:
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _check_year(year: int) -> None:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValueError(f"year {year} is outside {_FIRST_YEAR}-{_LAST_YEAR}")


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return True


def _offset_name(offset: timedelta | None) -> str:
    if not offset:
        return "UTC"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{'-' if offset < timedelta(0) else '+'}{minutes // 60:02}:{minutes % 60:02}"


def _from_iso(match: re.Match[str], raw: str, zone: ZoneInfo) -> ParsedDate:
    year = int(match["year"])
    _check_year(year)
    # Precision beyond microseconds (Go, .NET) is dropped, not rounded into the next second.
    micro = int((match["fraction"] or "0")[:6].ljust(6, "0"))
    wall = datetime(
        year,
        int(match["month"]),
        int(match["day"]),
        int(match["hour"] or 0),
        int(match["minute"] or 0),
        int(match["sec"] or 0),
        micro,
    )
    if match["offset"] is None:
        return ParsedDate(_to_utc(wall, zone), raw, "iso-8601", match["hour"] is not None, zone.key)
    offset = timedelta(hours=int(match["oh"] or 0), minutes=int(match["om"] or 0))
    offset = -offset if match["sign"] == "-" else offset
    value = wall.replace(tzinfo=timezone(offset)).astimezone(UTC)
    return ParsedDate(value, raw, "iso-8601", True, _offset_name(offset))


def _from_rfc_2822(match: re.Match[str], raw: str, zone: ZoneInfo) -> ParsedDate:
    parsed = parsedate_to_datetime(match.string)
    _check_year(parsed.year)
    if parsed.tzinfo is None:
        if match["zone"] is None:  # no zone at all: wall time where the site is
            return ParsedDate(_to_utc(parsed, zone), raw, "rfc-2822", True, zone.key)
        parsed = parsed.replace(tzinfo=UTC)  # "-0000": UTC, sender's own zone unknown
    return ParsedDate(
        parsed.astimezone(UTC), raw, "rfc-2822", True, _offset_name(parsed.utcoffset())
    )


def _from_numeric(
    match: re.Match[str],
    raw: str,
    zone: ZoneInfo,
    *,
    order: DateOrder,
    evidence: Iterable[str],
    midnight: bool,
) -> ParsedDate:
    if len(match["year"]) == 2:
        raise ValueError("a two-digit year is ambiguous across centuries; write it in full")
    first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
    _check_year(year)
    if not first or not second:
        raise ValueError("days and months start at 1")
    chosen, inferred = _choose_order(raw, year, first, second, order=order, evidence=evidence)
    month, day = (second, first) if chosen is DateOrder.DAY_FIRST else (first, second)
    wall = datetime(
        year, month, day, int(match["hour"] or 0), int(match["minute"] or 0), int(match["sec"] or 0)
    )
    placeholder = midnight and not (wall.hour or wall.minute or wall.second)
    time_known = match["hour"] is not None and not placeholder
    if chosen is None:
        rule = "numeric-either-order"
    else:
        rule = f"numeric-{chosen.value}{'-inferred' if inferred else ''}"
    return ParsedDate(_to_utc(wall, zone), raw, rule, time_known, zone.key, chosen)


def _choose_order(
    raw: str, year: int, first: int, second: int, *, order: DateOrder, evidence: Iterable[str]
) -> tuple[DateOrder | None, bool]:
    """The order to read ``first/second/year`` in, and whether it was inferred."""
    if order is not DateOrder.INFER:
        month, day = (first, second) if order is DateOrder.MONTH_FIRST else (second, first)
        other = DateOrder.DAY_FIRST if order is DateOrder.MONTH_FIRST else DateOrder.MONTH_FIRST
        if month > 12 and _is_date(year, day, month):
            raise ValueError(
                f"there is no month {month}, so it is not {order.value}; "
                f"it looks {other.value}: pass --date-order {other.value}"
            )
        return order, False
    if first > 12 and second > 12:
        raise ValueError(f"neither {first} nor {second} can be a month")
    if first > 12 or second > 12:
        return (DateOrder.DAY_FIRST if first > 12 else DateOrder.MONTH_FIRST), True
    from_evidence = infer_date_order(evidence)
    if from_evidence is not None:
        return from_evidence, True
    if first == second:
        return None, True
    raise _AmbiguousOrder(
        f"{raw!r} is ambiguous: {year}-{first:02}-{second:02} if month-first, "
        f"{year}-{second:02}-{first:02} if day-first, and no other date of the document "
        f"settles it; pass {_ORDER_OPTION} to say which"
    )
