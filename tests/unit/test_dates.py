from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newscms.errors import (
    AmbiguousDateError,
    DateParseError,
    LocaleError,
    NaiveDatetimeError,
    ValidationError,
)
from newscms.utils.dates import (
    DateOrder,
    ParsedDate,
    ensure_aware,
    format_date,
    format_relative,
    infer_date_order,
    isoformat,
    local_to_utc,
    parse_date,
)

ROME, SHANGHAI = "Europe/Rome", "Asia/Shanghai"
MF, DF = DateOrder.MONTH_FIRST, DateOrder.DAY_FIRST


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NMF, NDF = "numeric-month-first", "numeric-day-first"
NMFI, NDFI = f"{NMF}-inferred", f"{NDF}-inferred"
ISO, RFC = "iso-8601", "rfc-2822"


def row(
    raw: str,
    value: str,
    rule: str,
    time_known: bool,
    *,
    in_zone: str = ROME,
    read_as: DateOrder | None = None,
    **kwargs: object,
) -> object:
    """An accepted string with parse_date's kwargs, its UTC instant and its provenance."""
    expected = ParsedDate(utc(value), raw, rule, time_known, in_zone, read_as)
    return pytest.param(raw, kwargs, expected, id=repr(raw))


ACCEPTED = [
    # the three strings of the sample legacy page
    row("06/14/2012, 00.00", "2012-06-13 22:00", NMFI, False, read_as=MF),
    row("12/02/2016 15:14", "2016-02-12 14:14", NDFI, True, read_as=DF, evidence=["20/07/2005"]),
    row("20/07/2005", "2005-07-19 22:00", NDFI, False, read_as=DF),
    # numeric, explicit order (a string is accepted too)
    row("06/14/2012, 00.00", "2012-06-13 22:00", NMF, False, read_as=MF, order=MF),
    row("12/02/2016 15:14", "2016-02-12 14:14", NDF, True, read_as=DF, order=DF),
    row("12/02/2016 15:14", "2016-12-02 14:14", NMF, True, read_as=MF, order="month-first"),
    row("6/4/2012", "2012-04-05 22:00", NDF, False, read_as=DF, order="DAY_FIRST"),
    # numeric, other separators and time forms
    row("14.06.2012", "2012-06-13 22:00", NDFI, False, read_as=DF),
    row("14-06-2012", "2012-06-13 22:00", NDFI, False, read_as=DF),
    row("06/14/2012 9.30", "2012-06-14 07:30", NMFI, True, read_as=MF),
    row("06/14/2012,09:30:15", "2012-06-14 07:30:15", NMFI, True, read_as=MF),
    row("06/14/2012 , 23:59", "2012-06-14 21:59", NMFI, True, read_as=MF),
    row("05/05/2012", "2012-05-04 22:00", "numeric-either-order", False),
    row("29/02/2012", "2012-02-28 23:00", NDFI, False, read_as=DF),
    # whitespace, non-breaking spaces included
    row("\xa006/14/2012,\xa000.00  ", "2012-06-13 22:00", NMFI, False, read_as=MF),
    row(
        " 12/02/2016\u202f\u202f15:14\n",
        "2016-02-12 14:14",
        NDFI,
        True,
        read_as=DF,
        evidence=["20/07/2005"],
    ),
    # the placeholder can be switched off; other zones
    row("06/14/2012 00:00", "2012-06-13 22:00", NMFI, True, read_as=MF, midnight_is_unknown=False),
    row(
        "06/14/2012 12:00",
        "2012-06-14 04:00",
        NMFI,
        True,
        in_zone=SHANGHAI,
        read_as=MF,
        zone=SHANGHAI,
    ),
    row("06/14/2012 12:00", "2012-06-14 12:00", NMFI, True, in_zone="UTC", read_as=MF, zone="UTC"),
    # ISO 8601: without an offset the wall time is read in the zone
    row("2012-06-14", "2012-06-13 22:00", ISO, False),
    row("2012-06-14T09:30", "2012-06-14 07:30", ISO, True),
    row("2012-06-14T00:00", "2012-06-13 22:00", ISO, True),
    row("2012-06-14T09:30:00Z", "2012-06-14 09:30", ISO, True, in_zone="UTC"),
    row("2012-06-14t09:30:00z", "2012-06-14 09:30", ISO, True, in_zone="UTC"),
    row("2012-06-14T00:00:00Z", "2012-06-14 00:00", ISO, True, in_zone="UTC"),
    row("2012-06-14T09:30:00+02:00", "2012-06-14 07:30", ISO, True, in_zone="+02:00"),
    row("2012-06-14T09:30-0530", "2012-06-14 15:00", ISO, True, in_zone="-05:30"),
    row("2012-06-14T09:30+09", "2012-06-14 00:30", ISO, True, in_zone="+09:00"),
    row("2012-06-14 09:30:00.123456+00:00", "2012-06-14 09:30:00.123456", ISO, True, in_zone="UTC"),
    row(
        "2012-06-14T09:30:00.1234567-00:00", "2012-06-14 09:30:00.123456", ISO, True, in_zone="UTC"
    ),
    # RFC 2822: a wrong weekday is tolerated; no zone at all is wall time in the zone
    row("Thu, 14 Jun 2012 09:30:00 +0200", "2012-06-14 07:30", RFC, True, in_zone="+02:00"),
    row("Mon, 14 Jun 2012 09:30:00 +0200", "2012-06-14 07:30", RFC, True, in_zone="+02:00"),
    row("14 Jun 2012 09:30 GMT", "2012-06-14 09:30", RFC, True, in_zone="UTC"),
    row("14 jun 2012 00:00 gmt", "2012-06-14 00:00", RFC, True, in_zone="UTC"),
    row("Thu, 14 Jun 2012 09:30:00 EDT", "2012-06-14 13:30", RFC, True, in_zone="-04:00"),
    row("14 Jun 2012 09:30:00 -0000", "2012-06-14 09:30", RFC, True, in_zone="UTC"),
    row("14 Jun 2012 09:30", "2012-06-14 07:30", RFC, True),
]


@pytest.mark.parametrize(("raw", "kwargs", "expected"), ACCEPTED)
def test_parse_date_accepted_formats(
    raw: str, kwargs: dict[str, object], expected: ParsedDate
) -> None:
    parsed = parse_date(raw, **kwargs)  # type: ignore[arg-type]
    assert parsed == expected
    assert parsed.value.tzinfo is UTC


def test_sample_header_date_is_local_midnight() -> None:
    parsed = parse_date("06/14/2012, 00.00")
    assert isoformat(parsed.value) == "2012-06-13T22:00:00+00:00"
    assert parsed.value.astimezone(ZoneInfo(ROME)).isoformat() == "2012-06-14T00:00:00+02:00"


# --- refused strings ---------------------------------------------------------------------


def test_ambiguous_without_evidence() -> None:
    with pytest.raises(AmbiguousDateError) as info:
        parse_date("03/04/2012", field="see_also.0.date")
    error = info.value
    assert error.raw == "03/04/2012"
    assert error.field == "see_also.0.date"
    message = str(error)
    assert "'03/04/2012'" in message
    assert "--date-order month-first|day-first" in message
    assert "2012-03-04" in message
    assert "2012-04-03" in message


@pytest.mark.parametrize(
    ("raw", "order", "hint"),
    [
        ("14/06/2012", MF, "--date-order day-first"),
        ("06/14/2012 10:00", DF, "--date-order month-first"),
    ],
)
def test_impossible_under_given_order_names_the_other(
    raw: str, order: DateOrder, hint: str
) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(raw, order=order)
    assert not isinstance(info.value, AmbiguousDateError)
    assert info.value.raw == raw
    assert hint in str(info.value)
    assert f"looks {hint.rsplit(' ', 1)[1]}" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "order"),
    [
        ("31/02/2012", DateOrder.INFER),
        ("02/30/2012", DateOrder.INFER),
        ("13/13/2012", DateOrder.INFER),
        ("00/05/2012", DateOrder.INFER),
        ("45/06/2012", DateOrder.INFER),
        ("29/02/2013", DF),
        ("31/02/2012", MF),
        ("06/14/2012 24:00", DateOrder.INFER),
        ("06/14/2012 12:60", DateOrder.INFER),
        ("06/14/2012 12:30:61", DateOrder.INFER),
        ("06/14/1799", DateOrder.INFER),
        ("06/14/2201", DateOrder.INFER),
        ("2012-02-30", DateOrder.INFER),
        ("2012-06-14T25:00", DateOrder.INFER),
        ("1799-12-31T23:00:00Z", DateOrder.INFER),
        ("2201-01-01", DateOrder.INFER),
        ("31 Feb 2012 09:30 GMT", DateOrder.INFER),
        ("14 Jun 2012 24:30 GMT", DateOrder.INFER),
        ("14 Jun 1799 09:30 GMT", DateOrder.INFER),
    ],
)
def test_impossible_dates_are_refused(raw: str, order: DateOrder) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(raw, order=order, field="published_at")
    assert not isinstance(info.value, AmbiguousDateError)
    assert info.value.raw == raw
    assert info.value.field == "published_at"
    assert "is not a valid date" in str(info.value)


@pytest.mark.parametrize("raw", ["06/14/12", "14.06.12 10:00", "1/2/12"])
def test_two_digit_years_are_refused(raw: str) -> None:
    with pytest.raises(DateParseError, match="two-digit year"):
        parse_date(raw, order=MF)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "yesterday",
        "2012/06/14",
        "14.06-2012",
        "06/14/2012 10:30.15",
        "06/14/2012 10",
        "06/14/02012",
        "14 Juno 2012 09:30 GMT",
        "14 Jun 2012 09:30 XYZ",
        "2012-06-14T09:30+25:00",
        "2012-06-14Z",
        "١٤/٠٦/٢٠١٢",
        "06/14/2012, 00.00 CEST",
    ],
)
def test_garbage_is_refused_with_the_accepted_formats(raw: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(raw, field="date")
    assert info.value.raw == raw
    assert info.value.field == "date"
    message = str(info.value)
    assert repr(raw) in message
    assert "MM/DD/YYYY" in message
    assert "ISO 8601" in message
    assert "RFC 2822" in message


def test_non_string_is_refused() -> None:
    with pytest.raises(DateParseError):
        parse_date(None)  # type: ignore[arg-type]


def test_invalid_zone_and_order() -> None:
    with pytest.raises(ValidationError) as info:
        parse_date("2012-06-14", zone="Mars/Olympus_Mons")
    assert info.value.field == "zone"
    with pytest.raises(ValidationError) as info:
        parse_date("2012-06-14", zone="../etc/passwd")
    assert info.value.field == "zone"
    with pytest.raises(ValidationError) as info:
        parse_date("2012-06-14", order="sideways")
    assert info.value.field == "order"


# --- evidence ----------------------------------------------------------------------------


def test_evidence_settles_the_order() -> None:
    parsed = parse_date("03/04/2012", evidence=["20/07/2005"])
    assert parsed.value == utc("2012-04-02 22:00")  # 3 April, CEST
    assert parsed.order is DF
    assert parsed.rule == "numeric-day-first-inferred"
    parsed = parse_date("03/04/2012", evidence=iter(["nonsense", "2012-06-14", "06/14/2012"]))
    assert parsed.value == utc("2012-03-03 23:00")  # 4 March, CET
    assert parsed.order is MF


def test_the_string_itself_beats_the_evidence() -> None:
    assert parse_date("06/14/2012", evidence=["20/07/2005"]).order is MF


def test_evidence_beats_the_either_order_rule() -> None:
    parsed = parse_date("05/05/2012", evidence=["20/07/2005"])
    assert parsed.rule == "numeric-day-first-inferred"
    assert parsed.order is DF


def test_contradictory_evidence_is_ambiguous() -> None:
    with pytest.raises(AmbiguousDateError) as info:
        parse_date("12/02/2016 15:14", evidence=["06/14/2012, 00.00", "20/07/2005"])
    assert info.value.raw == "12/02/2016 15:14"
    assert "--date-order" in str(info.value)


def test_explicit_order_ignores_evidence() -> None:
    parsed = parse_date("03/04/2012", order=MF, evidence=["20/07/2005"])
    assert parsed.value == utc("2012-03-03 23:00")


@pytest.mark.parametrize(
    ("raws", "expected"),
    [
        ([], None),
        (["20/07/2005"], DF),
        (["12/02/2016 15:14", "20/07/2005"], DF),
        (["06/14/2012, 00.00"], MF),
        (["06/14/2012", "07/20/2005 10:00"], MF),
        (["06/14/2012", "20/07/2005"], None),
        (["03/04/2012", "05/05/2012"], None),
        (["31/02/2012", "45/06/2012", "20/07/05"], None),
        (["2012-06-14", "Thu, 14 Jun 2012 09:30:00 +0200", "", "junk"], None),
        (["\xa020.07.2005 "], DF),
    ],
)
def test_infer_date_order(raws: list[str], expected: DateOrder | None) -> None:
    assert infer_date_order(raws) is expected


# --- DST ---------------------------------------------------------------------------------


def test_nonexistent_wall_time_moves_forward() -> None:
    value = local_to_utc(datetime(2012, 3, 25, 2, 30), ROME)
    assert value == utc("2012-03-25 01:30")
    assert value.astimezone(ZoneInfo(ROME)).strftime("%H:%M %Z") == "03:30 CEST"
    assert parse_date("25/03/2012 02:30").value == value
    assert parse_date("2012-03-25T02:30").value == value


def test_repeated_wall_time_is_the_first_occurrence() -> None:
    value = local_to_utc(datetime(2012, 10, 28, 2, 30), ROME)
    assert value == utc("2012-10-28 00:30")
    assert value.astimezone(ZoneInfo(ROME)).strftime("%H:%M %Z") == "02:30 CEST"
    assert parse_date("28/10/2012 02:30").value == value
    assert parse_date("2012-10-28T02:30").value == value
    # the second occurrence is reachable through an explicit offset
    assert parse_date("2012-10-28T02:30+01:00").value == utc("2012-10-28 01:30")


def test_local_to_utc_refuses_aware_and_bad_zones() -> None:
    with pytest.raises(ValidationError) as info:
        local_to_utc(utc("2012-06-14 00:00"), ROME)
    assert info.value.field == "local"
    with pytest.raises(ValidationError) as info:
        local_to_utc(datetime(2012, 6, 14), "Rome")
    assert info.value.field == "zone"


# --- aware datetimes ---------------------------------------------------------------------


def test_ensure_aware() -> None:
    rome = datetime(2012, 6, 14, 0, 0, tzinfo=ZoneInfo(ROME))
    converted = ensure_aware(rome, field="published_at")
    assert converted == utc("2012-06-13 22:00")
    assert converted.tzinfo is UTC
    with pytest.raises(NaiveDatetimeError) as info:
        ensure_aware(datetime(2012, 6, 14), field="published_at")
    assert info.value.field == "published_at"
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValidationError) as refused:
        ensure_aware("2012-06-14", field="published_at")  # type: ignore[arg-type]
    assert refused.value.field == "published_at"


def test_isoformat() -> None:
    assert isoformat(utc("2012-06-13 22:00")) == "2012-06-13T22:00:00+00:00"
    plus_two = datetime(2012, 6, 14, tzinfo=timezone(timedelta(hours=2)))
    assert isoformat(plus_two) == "2012-06-13T22:00:00+00:00"
    assert isoformat(utc("2012-06-14 09:30:00.000005")) == "2012-06-14T09:30:00.000005+00:00"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (isoformat, "value"),
        (lambda naive: format_date(naive, "en"), "value"),
        (lambda naive: format_relative(naive, now=utc("2012-01-01 00:00"), locale="en"), "value"),
        (lambda naive: format_relative(utc("2012-01-01 00:00"), now=naive, locale="en"), "now"),
    ],
)
def test_naive_datetimes_are_refused(call: object, field: str) -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        call(datetime(2012, 6, 14))  # type: ignore[operator]
    assert info.value.field == field


# --- formatting --------------------------------------------------------------------------

JUNE_14 = utc("2012-06-14 09:30")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "June 14, 2012"),
        ("en-US", "June 14, 2012"),
        ("it", "14 giugno 2012"),
        ("it-IT", "14 giugno 2012"),
        ("zh", "2012年6月14日"),
        ("zh-Hant-TW", "2012年6月14日"),
        ("es", "14 de junio de 2012"),
    ],
)
def test_format_date_long(locale: str, expected: str) -> None:
    assert format_date(JUNE_14, locale) == expected


@pytest.mark.parametrize(
    ("locale", "form", "expected"),
    [
        ("en", "short", "6/14/12"),
        ("en", "medium", "Jun 14, 2012"),
        ("it", "full", "giovedì 14 giugno 2012"),
        ("es", "full", "jueves, 14 de junio de 2012"),
        ("zh", "short", "2012/6/14"),
    ],
)
def test_format_date_lengths(locale: str, form: str, expected: str) -> None:
    assert format_date(JUNE_14, locale, format=form) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "June 14, 2012, 11:30\u202fAM"),
        ("it", "14 giugno 2012 11:30"),
        ("zh", "2012年6月14日 11:30"),
        ("es", "14 de junio de 2012, 11:30"),
    ],
)
def test_format_date_with_time(locale: str, expected: str) -> None:
    assert format_date(JUNE_14, locale, zone=ROME, time=True) == expected


def test_format_date_takes_the_date_in_the_zone() -> None:
    rome_midnight = parse_date("06/14/2012, 00.00").value
    assert format_date(rome_midnight, "it") == "13 giugno 2012"  # UTC by default
    assert format_date(rome_midnight, "it", zone=ROME) == "14 giugno 2012"


def test_format_date_refuses_bad_arguments() -> None:
    with pytest.raises(ValidationError) as info:
        format_date(JUNE_14, "en", format="yyyy")
    assert info.value.field == "format"
    with pytest.raises(ValidationError) as info:
        format_date(JUNE_14, "en", zone="Nowhere/City")
    assert info.value.field == "zone"
    with pytest.raises(LocaleError):
        format_date(JUNE_14, "not a locale")


@pytest.mark.parametrize(
    ("locale", "delta", "expected"),
    [
        ("en", timedelta(hours=-3), "3 hours ago"),
        ("en", timedelta(days=2), "in 2 days"),
        ("it", timedelta(hours=-3), "3 ore fa"),
        ("it", timedelta(days=2), "tra 2 giorni"),
        ("es", timedelta(hours=-3), "hace 3 horas"),
        ("es", timedelta(days=2), "dentro de 2 días"),
        ("zh", timedelta(hours=-3), "3小时前"),
        ("zh", timedelta(days=2), "2天后"),
    ],
)
def test_format_relative(locale: str, delta: timedelta, expected: str) -> None:
    assert format_relative(JUNE_14 + delta, now=JUNE_14, locale=locale) == expected


def test_format_relative_mixes_zones() -> None:
    now = datetime(2012, 6, 14, 11, 30, tzinfo=ZoneInfo(ROME))  # == JUNE_14
    assert format_relative(JUNE_14 - timedelta(hours=3), now=now, locale="en") == "3 hours ago"


# --- properties --------------------------------------------------------------------------

FIRST, LAST = datetime(1801, 1, 1), datetime(2199, 12, 31)
EVIDENCE = {MF: ["07/20/2005"], DF: ["20/07/2005"]}


@settings(max_examples=200, deadline=None)
@given(
    instant=st.datetimes(FIRST, LAST).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)),
    zone=st.timezones(),
    order=st.sampled_from([MF, DF]),
    explicit=st.booleans(),
)
# The second 02:30 of 2012-10-28 in Rome (fold=1) reads as the first; local midnight
# is the legacy "time not recorded" placeholder; Lord Howe repeats half an hour (fold=1).
@example(instant=utc("2012-10-28 01:30"), zone=ZoneInfo(ROME), order=DF, explicit=True)
@example(instant=utc("2012-06-13 22:00"), zone=ZoneInfo(ROME), order=MF, explicit=False)
@example(
    instant=utc("2012-03-31 15:15"), zone=ZoneInfo("Australia/Lord_Howe"), order=MF, explicit=True
)
def test_numeric_wall_time_round_trip(
    instant: datetime, zone: ZoneInfo, order: DateOrder, explicit: bool
) -> None:
    wall = instant.astimezone(zone)
    day_month = (wall.month, wall.day) if order is MF else (wall.day, wall.month)
    # Local mean time before standard zones has offsets with seconds (Rome: +00:49:56).
    clock = f"{wall.hour:02}:{wall.minute:02}" + (f":{wall.second:02}" if wall.second else "")
    raw = f"{day_month[0]:02}/{day_month[1]:02}/{wall.year} {clock}"
    parsed = parse_date(
        raw,
        order=order if explicit else DateOrder.INFER,
        evidence=() if explicit else EVIDENCE[order],
        zone=zone.key,
    )
    # The documented DST rule: a repeated wall time is its first occurrence (fold=0).
    assert parsed.value == wall.replace(fold=0).astimezone(UTC)
    if not wall.fold:
        assert parsed.value == instant
    assert parsed.value.tzinfo is UTC
    assert parsed.order is order
    assert parsed.zone == zone.key
    assert parsed.time_known == bool(wall.hour or wall.minute or wall.second)


@settings(max_examples=200, deadline=None)
@given(value=st.datetimes(FIRST, LAST, timezones=st.timezones(), allow_imaginary=False))
@example(value=datetime(2012, 10, 28, 2, 30, fold=1, tzinfo=ZoneInfo(ROME)))
def test_iso_round_trip(value: datetime) -> None:
    parsed = parse_date(isoformat(value))
    assert parsed.value == value.astimezone(UTC)
    assert parsed.value.tzinfo is UTC
    assert (parsed.rule, parsed.zone, parsed.time_known) == ("iso-8601", "UTC", True)


def _never_escapes(raw: str, order: DateOrder, evidence: list[str]) -> None:
    try:
        parsed = parse_date(raw, order=order, evidence=evidence)
    except (DateParseError, AmbiguousDateError, ValidationError):
        return
    assert parsed.value.tzinfo is UTC
    assert parsed.value.utcoffset() == timedelta(0)
    assert parsed.raw == raw


@settings(max_examples=200, deadline=None)
@given(raw=st.text(), order=st.sampled_from(DateOrder), evidence=st.lists(st.text(), max_size=3))
def test_any_text_parses_or_raises_a_newscms_error(
    raw: str, order: DateOrder, evidence: list[str]
) -> None:
    _never_escapes(raw, order, evidence)


# Date-shaped strings whose fields are often out of range: "d" is a day, month, hour or
# minute slot, "y" a year slot; one slot in ten gets junk.
TEMPLATES = [
    ("{}/{}/{}", "ddy"),
    ("{}.{}.{} {}.{}", "ddydd"),
    ("{}-{}-{}, {}:{}:{}", "ddyddd"),
    ("{}-{}-{}", "ydd"),
    ("{}-{}-{}T{}:{}:{}.{}+{}:{}", "yddddyddd"),
    ("{}-{}-{} {}:{}-{}", "yddddd"),
    ("Thu, {} Jun {} {}:{}:{} +{}{}", "dyddddd"),
    ("{} Feb {} {}:{} GMT", "dydd"),
]
SMALL = st.integers(0, 12) | st.integers(0, 61)
SLOTS = {
    "d": SMALL.map(str) | SMALL.map("{:02}".format),
    "y": st.integers(1795, 2205).map(str) | st.integers(0, 99).map("{:02}".format),
}
JUNK = st.sampled_from(["", "0", "000", "99999", "x", "-1", "\u0661"])


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    pattern, kinds = draw(st.sampled_from(TEMPLATES))
    parts = [draw(JUNK if draw(st.integers(0, 9)) == 0 else SLOTS[kind]) for kind in kinds]
    return pattern.format(*parts)


NEAR_MISSES = near_misses()


@settings(max_examples=200, deadline=None)
@given(
    raw=NEAR_MISSES,
    order=st.sampled_from(DateOrder),
    evidence=st.lists(NEAR_MISSES, max_size=3),
)
def test_near_miss_dates_parse_or_raise_a_newscms_error(
    raw: str, order: DateOrder, evidence: list[str]
) -> None:
    _never_escapes(raw, order, evidence)


def test_time_zone_reads_iana_names_and_recorded_offsets() -> None:
    from datetime import timezone

    from newscms.utils.dates import time_zone

    assert str(time_zone("Europe/Rome")) == "Europe/Rome"
    assert time_zone("+08:00") == timezone(timedelta(hours=8))
    assert time_zone("-03:30") == timezone(-timedelta(hours=3, minutes=30))
    parsed = parse_date("2012-06-14T09:30:00+08:00")
    assert parsed.value.astimezone(time_zone(parsed.zone)).hour == 9
    assert format_date(parsed.value, "en", zone=parsed.zone) == "June 14, 2012"
    with pytest.raises(ValidationError, match="zone"):
        time_zone("Mars/Olympus")
