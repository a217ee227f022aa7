"""Dates with the month named or the fields marked, read through CLDR (issue #12)."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from babel.dates import format_date
from hypothesis import example, given
from hypothesis import strategies as st

from newscms.errors import DateParseError
from newscms.importers import parse
from newscms.importers.base import ImportOptions
from newscms.utils.dates import names_a_date, parse_date

# Languages whose long and full CLDR dates read back; numeric medium formats (ja, ko,
# de, cs) are numeric dates, and Hebrew and Thai glue words to the month or weekday.
ROUND_TRIP = ("en", "it", "es", "zh", "zh-Hant", "fr", "pt", "ru", "pl", "vi", "ar", "tr", "nl")
ROUND_TRIP += ("id", "hi", "uk", "el", "fa", "sv", "ro", "hu", "ja", "ko")


@given(
    day=st.dates(min_value=date(1800, 1, 1), max_value=date(2199, 12, 31)),
    locale=st.sampled_from(ROUND_TRIP),
    length=st.sampled_from(("full", "long")),
)
@example(day=date(2012, 6, 14), locale="es", length="long")
@example(day=date(2012, 6, 14), locale="zh", length="full")
def test_cldr_dates_read_back(day: date, locale: str, length: str) -> None:
    written = format_date(day, length, locale=locale.replace("-", "_"))
    parsed = parse_date(written, locales=[locale], zone="UTC")
    assert parsed.value.date() == day
    assert parsed.rule in ("month-name", "marked-fields")
    assert not parsed.time_known


NAMED, MARKED = "month-name", "marked-fields"


@pytest.mark.parametrize(
    ("raw", "locales", "expected", "rule", "time_known"),
    [
        ("14 June 2012", ["en"], "2012-06-13 22:00", NAMED, False),
        ("June 14th, 2012 at 09:30", ["en"], "2012-06-14 07:30", NAMED, True),
        ("14 giugno 2012", ["it"], "2012-06-13 22:00", NAMED, False),
        ("giovedì 14 giugno 2012, 09.30", ["it"], "2012-06-14 07:30", NAMED, True),
        ("14 de junio de 2012", ["es"], "2012-06-13 22:00", NAMED, False),
        ("2012年6月14日", ["zh"], "2012-06-13 22:00", MARKED, False),
        ("2012年6月14日星期四 15:14", ["zh"], "2012-06-14 13:14", MARKED, True),
        ("14 June 2012 3:30 PM", ["en"], "2012-06-14 13:30", NAMED, True),
        ("14 June 2012 00:00", ["en"], "2012-06-13 22:00", NAMED, False),
        # The first language of the chain decides a name two of them share.
        ("3 mar 2012", ["es", "en"], "2012-03-02 23:00", NAMED, False),
    ],
)  # fmt: skip
def test_named_and_marked_dates(
    raw: str, locales: list[str], expected: str, rule: str, time_known: bool
) -> None:
    parsed = parse_date(raw, locales=locales)
    assert (f"{parsed.value:%Y-%m-%d %H:%M}", parsed.rule) == (expected, rule)
    assert parsed.time_known is time_known
    assert parsed.zone == "Europe/Rome"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("31 June 2012", "day is out of range"),
        ("Monday, June 14, 2012", "is a Thursday"),
        ("14 June 2012 25:10", "hour must be in"),
        ("14 June 1650", "outside 1800-2200"),
    ],
)
def test_invalid_named_dates_say_why(raw: str, why: str) -> None:
    with pytest.raises(DateParseError, match=why):
        parse_date(raw)
    assert names_a_date(raw)


@pytest.mark.parametrize(
    "text",
    [
        "June 2012",
        "The 14 June 2012 verdict",
        "14 June",
        "June 14, 2012, June 15, 2012",
        "14 giugno 2012",  # Italian is not among the default locales
        "Pope in China",
        "",
    ],
)
def test_text_that_is_not_a_named_date(text: str) -> None:
    assert not names_a_date(text)
    with pytest.raises(DateParseError):
        parse_date(text)


@given(st.text(max_size=60))
@example("14 14 June")
@example("2012年2012年")
def test_any_text_is_a_date_or_a_typed_refusal(text: str) -> None:
    try:
        parsed = parse_date(text, locales=["en", "it", "es", "zh"])
    except DateParseError:
        return
    assert parsed.value.tzinfo is UTC


PAGE = """{date}
CINA
Vescovo ordinato a Pechino
di Mario Rossi

Pechino (AsiaNews) - Un vescovo è stato ordinato oggi nella capitale cinese, con una \
cerimonia che ha visto migliaia di fedeli e molti sacerdoti venuti da lontano.

Il testo continua con altre informazioni sulla cerimonia e sui fedeli presenti.
"""


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("14 giugno 2012, 09.30", "2012-06-14 07:30"),
        ("giovedì 14 giugno 2012", "2012-06-13 22:00"),
        ("June 14, 2012", "2012-06-13 22:00"),
    ],
)
def test_legacy_page_opening_with_a_named_date(written: str, expected: str) -> None:
    page = PAGE.format(date=written).encode()
    draft = parse(page, source="news-it/cina-24963.txt", options=ImportOptions()).drafts[0]
    assert draft.locale == "it"
    assert f"{draft.published_at:%Y-%m-%d %H:%M}" == expected
    assert draft.date_provenance is not None
    assert draft.date_provenance.rule == NAMED
