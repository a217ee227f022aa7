"""Hostile values for the fuzz suite: what a careless or malicious caller sends.

Text with lone surrogates, controls, NUL, bidi overrides, combining marks, byte-order
marks and path and SQL tricks; datetimes naive, aware in every zone and at the ends of
time; integers past every column and booleans (which are ints); values of the wrong
type altogether.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

__all__ = ["anything", "hostile_datetimes", "hostile_ints", "hostile_text"]

_TRICKS = [
    "",
    " ",
    "\x00",
    "\udcff",
    "\ud800x",
    "a\udcfe\udcff",
    "\u202eevil\u202c",
    "e\u0301\u0301\u0301",
    "\ufeffbom",
    "../../etc/passwd",
    "'; DROP TABLE newscms_articles; --",
    "<script>alert(1)</script>",
    "%00%2e%2e",
    "*",
    "-",
    '"',
    "a" * 10_000,
    "\ua4d0",  # a Lisu letter MariaDB's parser once dropped
    "北京",
    "\n\r\t",
]

hostile_text = st.one_of(
    st.sampled_from(_TRICKS),
    st.text(
        st.characters(categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Cs", "Co"]),
        max_size=40,
    ),
)
"""Text of every kind, including what is not valid Unicode at all."""

_EDGES = [
    datetime.min,
    datetime.max,
    datetime.min.replace(tzinfo=UTC),
    datetime.max.replace(tzinfo=UTC),
    datetime(1, 1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
    datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-23, minutes=-59))),
    datetime(1970, 1, 1, tzinfo=UTC),
]

hostile_datetimes = st.one_of(
    st.sampled_from(_EDGES),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
)
"""Naive and aware moments, at the ends of time and in every zone."""

hostile_ints = st.one_of(
    st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, 2**64, -(2**63), 10**30, True, False]),
    st.integers(),
)
"""Integers past every column, negative, and booleans."""

anything = st.one_of(
    st.none(),
    hostile_text,
    hostile_ints,
    hostile_datetimes,
    st.floats(),
    st.binary(max_size=16),
    st.uuids(),
    st.timedeltas(),
    st.lists(st.one_of(st.none(), hostile_text, hostile_ints), max_size=3),
    st.dictionaries(hostile_text, hostile_text, max_size=2),
    st.just(object()),
)
"""A value of any type at all."""
