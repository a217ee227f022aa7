"""Dates written in words, read through CLDR: ``14 June 2012``, ``2012年6月14日``.

The vocabulary of each locale comes from Babel's CLDR data, never from hand-written
tables: month names (wide and abbreviated, format and stand-alone), weekday names, the
literal words of the locale's date and date-time patterns (``de`` in Spanish, ``at`` in
English, ``y.`` in Hungarian) and the markers CLDR writes after numeric fields (``年``,
``月``, ``日``; ``년``, ``월``, ``일``). A string is a date when every token is one of
these, a year, a day, a time or punctuation, and it names exactly one year, month and
day; the order of the fields does not matter, because a named or marked month cannot be
confused with a day. That reads the orders of every territory of a language
(``June 14, 2012`` and ``14 June 2012``) without knowing them.

Names are looked up along the caller's chain of locales; the first locale that knows a
name gives its meaning, so a name shared by two languages (``mar``) means what the
document's own language means by it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates

__all__ = ["NamedDate", "read_named_date"]

_Field = str  # "year", "month" or "day"
_Phrase = tuple[str, ...]
_NUMERIC_FIELDS = {"y": "year", "M": "month", "L": "month", "d": "day"}
_CLOCK = re.compile(r"(\d{1,2})[:.h](\d{2})(?:[:.](\d{2}))?(?!\d)")
_PATTERN_FIELD = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")
_ORDINALS = frozenset({"st", "nd", "rd", "th", "º", "ª", "er"})
_IGNORED = frozenset(",.-/،、·\u200e\u200f")
_LONGEST_PHRASE = 4
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: inside Persian and Indic words


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM" or char in _JOINERS


def _tokens(text: str) -> list[str]:
    """Clock times, runs of digits, runs of letters and marks, single other characters.

    Punctuation that only separates (commas, dots, dashes, bidi marks) is dropped.
    """
    found: list[str] = []
    at, end = 0, len(text)
    while at < end:
        char = text[at]
        if char.isspace() or char in _IGNORED:
            at += 1
            continue
        if char.isdigit() and (clock := _CLOCK.match(text, at)) is not None:
            found.append(clock.group())
            at = clock.end()
            continue
        stop = at + 1
        if char.isdigit():
            while stop < end and text[stop].isdigit():
                stop += 1
        elif _is_word_char(char):
            while stop < end and _is_word_char(text[stop]):
                stop += 1
        found.append(_fold(text[at:stop]))
        at = stop
    return found


@dataclass(frozen=True, slots=True)
class NamedDate:
    """A date read from words: its wall-clock fields and whether a time was written."""

    year: int
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0
    time_known: bool = False
    month_named: bool = True

    def wall(self) -> datetime:
        """The naive wall-clock time the string names."""
        return datetime(self.year, self.month, self.day, self.hour, self.minute, self.second)


@dataclass(slots=True)
class _Vocabulary:
    """What the words of one chain of locales mean: phrases of folded tokens."""

    months: dict[_Phrase, int] = field(default_factory=dict)
    weekdays: dict[_Phrase, int] = field(default_factory=dict)
    connectors: set[_Phrase] = field(default_factory=set)
    periods: dict[_Phrase, str] = field(default_factory=dict)
    markers: dict[str, _Field] = field(default_factory=dict)
    month_prefixes: set[str] = field(default_factory=set)

    def phrase_at(self, tokens: list[str], at: int) -> tuple[str, int | str, int]:
        """The longest known phrase at ``at``: its kind, its meaning and its length."""
        for length in range(min(_LONGEST_PHRASE, len(tokens) - at), 0, -1):
            phrase = tuple(tokens[at : at + length])
            if phrase in self.months:
                return "month", self.months[phrase], length
            if phrase in self.weekdays:
                return "weekday", self.weekdays[phrase], length
            if phrase in self.periods:
                return "period", self.periods[phrase], length
            if phrase in self.connectors:
                return "connector", "", length
        return "", "", 0


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _literals(pattern: str) -> tuple[list[_Phrase], dict[str, _Field]]:
    """A CLDR pattern's literal phrases, and the markers written right after numeric fields."""
    phrases: list[_Phrase] = []
    markers: dict[str, _Field] = {}
    pieces = [m.group(0) for m in _PATTERN_FIELD.finditer(pattern)]
    for index, piece in enumerate(pieces):
        if piece.startswith("'"):
            text = piece[1:-1].replace("''", "'")
        elif piece[0].isascii() and piece[0].isalpha():
            continue
        else:
            text = piece
        tokens = _tokens(text)
        if tokens:
            phrases.append(tuple(tokens))
        before = pieces[index - 1] if index else ""
        numeric = before[:1] in _NUMERIC_FIELDS and len(before) <= 2
        if numeric and tokens and not text[:1].isspace():
            markers[tokens[0]] = _NUMERIC_FIELDS[before[0]]
    return phrases, markers


def _add_locale(vocabulary: _Vocabulary, cldr: Locale) -> None:
    _add_names(vocabulary, cldr)
    patterns = [str(babel_dates.get_date_format(w, cldr).pattern) for w in ("full", "long")]
    patterns += [str(babel_dates.get_datetime_format(w, cldr)) for w in ("full", "long")]
    for pattern in patterns:
        phrases, markers = _literals(pattern.replace("{0}", "").replace("{1}", ""))
        vocabulary.connectors.update(phrases)
        for marker, meaning in markers.items():
            vocabulary.markers.setdefault(marker, meaning)
    for era in (
        babel_dates.get_era_names("abbreviated", locale=cldr).get(1),
        babel_dates.get_era_names("wide", locale=cldr).get(1),
    ):
        if era:  # AD, n. Chr., ค.ศ.: the era every date newscms reads is in
            vocabulary.connectors.add(tuple(_tokens(era)))
    for key, name in babel_dates.get_period_names("abbreviated", "format", cldr).items():
        if key in ("am", "pm"):
            vocabulary.periods.setdefault(tuple(_tokens(name)), key)


def _add_names(vocabulary: _Vocabulary, cldr: Locale) -> None:
    """The locale's month and weekday names (and month markers: 6월, tháng 6)."""
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in babel_dates.get_month_names(width, context, cldr).items():
                tokens = tuple(_tokens(name))
                if not any(token.isdigit() for token in tokens):
                    vocabulary.months.setdefault(tokens, number)
                elif len(tokens) == 2 and tokens[0].isdigit():  # 6월, 6月: a marked number
                    vocabulary.markers.setdefault(tokens[1], "month")
                elif len(tokens) == 2 and tokens[1].isdigit():  # thg 6, tháng 6
                    vocabulary.month_prefixes.add(tokens[0])
            for number, name in babel_dates.get_day_names(width, context, cldr).items():
                vocabulary.weekdays.setdefault(tuple(_tokens(name)), number)


@cache
def _vocabulary(locales: tuple[str, ...]) -> _Vocabulary:
    vocabulary = _Vocabulary()
    for locale in locales:
        try:
            cldr = Locale.parse(locale, sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        _add_locale(vocabulary, cldr)
    # A month or weekday name is never a mere connector, whatever a pattern quotes.
    vocabulary.connectors -= vocabulary.months.keys() | vocabulary.weekdays.keys()
    return vocabulary


def read_named_date(text: str, locales: tuple[str, ...]) -> NamedDate | None:
    """Read ``text`` as a date whose month is named or marked in one of ``locales``.

    Returns:
        The fields it names; None when ``text`` is not such a date (a token that none
        of the locales' CLDR vocabulary explains, or a field missing or repeated).

    Raises:
        ValueError: It is such a date but not a valid one (``31 June``, a weekday that
            does not match, an hour past 23).
    """
    if not text or len(text) > 120 or not any(c.isalpha() or ord(c) > 0x2E7F for c in text):
        return None
    reading = _Reading(_vocabulary(locales), _tokens(text))
    try:
        reading.read()
    except _NotADate:
        return None
    return reading.named()


class _NotADate(Exception):
    """A token no vocabulary explains, or a field named twice."""


class _Reading:
    """One string being read token by token into date fields."""

    def __init__(self, vocabulary: _Vocabulary, tokens: list[str]) -> None:
        self.vocabulary = vocabulary
        self.tokens = tokens
        self.fields: dict[str, int] = {}
        self.weekday: int | None = None
        self.clock: re.Match[str] | None = None
        self.period: str | None = None
        self.marked_month = False

    def read(self) -> None:
        index = 0
        while index < len(self.tokens):
            token = self.tokens[index]
            following = self.tokens[index + 1] if index + 1 < len(self.tokens) else ""
            if (time := _CLOCK.fullmatch(token)) is not None:
                if self.clock is not None:
                    raise _NotADate
                self.clock = time
                index += 1
            elif token.isdigit():
                index += self._number(index, token, following)
            else:
                index += self._words(index, token, following)
        if self.fields.keys() != {"year", "month", "day"}:
            raise _NotADate

    def _set(self, name: str, value: int) -> None:
        if name in self.fields:
            raise _NotADate
        self.fields[name] = value

    def _number(self, index: int, token: str, following: str) -> int:
        """Read a number and what labels it; returns how many tokens it took."""
        meaning, rest = _marked(self.vocabulary, following)
        taken = 1
        if meaning is not None:
            if rest:  # 14日星期四: the marker runs into the next word
                self.tokens[index + 1] = rest
            else:
                taken = 2
            self.marked_month = self.marked_month or meaning == "month"
        elif len(token) == 4:
            meaning = "year"
        elif len(token) <= 2:
            meaning = "day"
            taken += following in _ORDINALS
        else:
            raise _NotADate
        self._set(meaning, int(token))
        return taken

    def _words(self, index: int, token: str, following: str) -> int:
        """Read the phrase at ``index``; returns how many tokens it took."""
        kind, meaning, length = self.vocabulary.phrase_at(self.tokens, index)
        if not kind and token in self.vocabulary.month_prefixes and following.isdigit():
            kind, meaning, length = "month", int(following), 2  # tháng 6
        elif not kind and len(token) <= 5 and _CLOCK.fullmatch(following):
            # CLDR has no word for "at" a time (at, ore, alle, a las): one short word
            # right before the clock is allowed, anything else is not a date.
            kind, length = "connector", 1
        if kind == "month":
            self._set("month", int(meaning))
        elif kind == "weekday":
            self.weekday = int(meaning)
        elif kind == "period" and self.clock is not None:
            self.period = str(meaning)
        elif kind != "connector":
            raise _NotADate
        return length

    def named(self) -> NamedDate:
        return _named(
            self.fields, self.weekday, self.clock, self.period, month_named=not self.marked_month
        )


def _marked(vocabulary: _Vocabulary, token: str) -> tuple[_Field | None, str]:
    """The field a marker opening ``token`` labels (年, 월) and what follows it in the token."""
    for length in range(min(len(token), 3), 0, -1):
        meaning = vocabulary.markers.get(token[:length])
        if meaning in ("year", "month", "day"):
            return meaning, token[length:]
    return None, ""


def _named(
    fields: dict[str, int],
    weekday: int | None,
    clock: re.Match[str] | None,
    period: str | None,
    *,
    month_named: bool,
) -> NamedDate:
    hour = minute = second = 0
    if clock is not None:
        hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        if period is not None:
            if not 1 <= hour <= 12:
                raise ValueError(f"{hour} is not an hour of a 12-hour clock")
            hour = hour % 12 + (12 if period == "pm" else 0)
    named = NamedDate(
        fields["year"],
        fields["month"],
        fields["day"],
        hour,
        minute,
        second,
        time_known=clock is not None,
        month_named=month_named,
    )
    wall = named.wall()  # raises ValueError for 31 June or 25:00
    if weekday is not None and wall.weekday() != weekday:
        raise ValueError(f"{wall:%Y-%m-%d} is a {wall:%A}, not the weekday written")
    return named
