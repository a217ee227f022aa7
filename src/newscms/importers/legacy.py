"""Legacy news pages, as the old site's text export wrote them, read into article drafts.

A page always comes in this order (blank lines anywhere, or none at all)::

    06/14/2012, 00.00                    its date; a time of 00.00 means "not recorded"
    KOREA - CHINA                        region tags, " - " between them     (optional)
    Send to a friend                     share chrome                        (optional)
    Beijing "does not want to ..."       the headline
    by Joseph Yun Li-sun                 the byline                          (optional)
    A source in South Korea's ...        the summary: the first paragraph
    Seoul (AsiaNews) - The Chinese ...   the body, one paragraph a line; the first opens
    ...                                  with the dateline "Place (Source) - "
    TAGs                                 topic tags, one a line              (optional)
    Send to a friend / Printable version / CLOSE X
    See also                             related stories: a title line, then its date
    Newsletter ... the footer motto      the rest of the page, ignored

The parser reads that structure rather than exact words or layout: one non-blank line
is one paragraph; the chrome words of every edition (``legacy_editions``) mark where
the body ends; a line followed by a date line in the page's tail is a "See also" item
even when the list's heading is worded differently; a byline right after the line
before it settles which line is the headline, so an unknown chrome line in the header
is skipped instead of being read as the headline; the body ends at the first chrome
line or "See also" item, so a page whose chrome is missing still keeps its list out of
the body and drops its newsletter box and footer motto. When the first paragraph already
opens with a dateline there is no summary: it is the body's first paragraph.

Dates: the page's own date is read with ``ImportOptions.date_order`` (``infer``: from
itself, a field above 12 decides); the "See also" dates are a separate group, read with
``ImportOptions.see_also_date_order`` or inferred from the list's dates together (the
sample's ``12/02/2016 15:14`` is day-first because ``20/07/2005`` is). A date its page
does not settle is read by the convention the corpus proved for that kind of date in
that edition (``ImportOptions.date_evidence``, see ``conventions``); one nothing settles
is an ``UnsettledDate`` failure naming the file, the line, the raw string and the option
to pass, and carrying the page's own votes. Dates may also be written with month
names in any edition's language (``14 giugno 2012``), read with CLDR data. The locale
is ``ImportOptions.locale`` or detected: from the edition's chrome words, else its
byline word, else its script, else its most frequent short words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newscms.domain import RelationKind, Status, TagKind
from newscms.errors import ImportFailure
from newscms.importers.base import (
    DEFAULT_OPTIONS,
    CorpusContext,
    ImportOptions,
    ParsedSource,
    TagList,
    build_draft,
    decode_text,
    provenance,
    read_date,
    split_dateline,
    votes_of,
)
from newscms.importers.conventions import DateKind, DateVote
from newscms.importers.legacy_editions import EDITIONS, FOOTER_MOTTO, Chrome, Edition
from newscms.utils.dates import DateOrder, names_a_date
from newscms.utils.html import paragraphs_to_html
from newscms.utils.locales import language_of
from newscms.utils.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from newscms.domain import ArticleDraft, Dateline

__all__ = ["FORMAT", "looks_like_legacy", "parse_legacy"]

FORMAT = "legacy"

# A line that is a date and nothing else: 06/14/2012, 00.00 / 20/07/2005 / 2012-06-14 10:30.
# Only the shape is checked here; parse_date reads it (and refuses an impossible one).
_DATE_SHAPE = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}"
    r"(?:(?:\s*,\s*|\s+|T)\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?)?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?",
    re.ASCII,
)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_LOCALES = tuple(edition.locale for edition in EDITIONS)
"""The editions' languages, in which a date line's month may be named."""
_REGION_SEPARATOR = re.compile(r"\s+[-\u2013—]\s+")
# Characters that end or quote a sentence: no region or author name contains them.
_SENTENCE_MARKS = frozenset('!?;:"“”«»()[]{}。\uff01\uff1f\uff1b\uff1a\uff0c')
_MAX_REGION = 40
_MAX_UNCASED_REGION = 6  # 印度尼西亚, 吉尔吉斯斯坦: caseless headlines are longer
_MAX_NAME_WORDS = 6
_MAX_NAME = 80
# The head is the date, at most a region line, the headline and the byline: the byline
# is the second or third line that is not known chrome (or the fourth, see _head).
_HEAD_LINES = 3
_HEADER_CHROME = frozenset({Chrome.SHARE, Chrome.PRINT, Chrome.CLOSE})
_TAIL_START = frozenset({Chrome.TAGS, Chrome.SEE_ALSO, Chrome.NEWSLETTER, Chrome.FOOTER})
_SEE_ALSO_OPTION = "--see-also-date-order"
_NOT_ALNUM = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """A chrome line's identity: its letters and digits, case folded."""
    return _NOT_ALNUM.sub("", text.casefold())


def _chrome_tables() -> tuple[dict[str, Chrome], dict[str, frozenset[str]]]:
    roles: dict[str, Chrome] = {}
    voters: dict[str, set[str]] = {}
    for edition in EDITIONS:
        for role, phrases in edition.chrome.items():
            for phrase in phrases:
                roles[_key(phrase)] = role
                voters.setdefault(_key(phrase), set()).add(edition.locale)
    return roles, {key: frozenset(locales) for key, locales in voters.items()}


_ROLES, _VOTERS = _chrome_tables()
# A line twice as long as the longest chrome phrase is content, whatever its words, and
# is not worth the key (paragraphs are long).
_MAX_CHROME = max(len(key) for key in _ROLES) * 2


def _byline_patterns(edition: Edition) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The regexes of an edition's byline: the opening word, and what separates names."""
    words = "|".join(re.escape(word) for word in edition.byline)
    joiners = "|".join(re.escape(word) for word in edition.joiners)
    opener = re.compile(rf"(?:{words})(?:\s*[:\uff1a]\s*|\s+)(?P<names>\S.*)", re.IGNORECASE)
    separator = re.compile(rf"\s*[,\uff0c、]\s*|\s+(?:{joiners})\s+", re.IGNORECASE)
    return opener, separator


_BYLINES = {edition.locale: _byline_patterns(edition) for edition in EDITIONS}


@dataclass(frozen=True, slots=True)
class _Line:
    """A non-blank line of the page: where it is, its text, its chrome key and role."""

    number: int
    text: str
    key: str
    role: Chrome | None


def _line(number: int, text: str) -> _Line:
    key = _key(text) if len(text) <= _MAX_CHROME else ""
    role = _ROLES.get(key)
    if role is None and FOOTER_MOTTO.match(text):
        role = Chrome.FOOTER
    return _Line(number, text, key, role)


def _lines(text: str) -> list[_Line]:
    """The page's non-blank lines, whitespace (non-breaking spaces too) collapsed."""
    lines = []
    for number, raw in enumerate(_NEWLINE.split(clean_text(text)), start=1):
        line = " ".join(raw.split())
        if line:
            lines.append(_line(number, line))
    return lines


def _is_date(text: str) -> bool:
    """A numeric date's shape, or a date with its month named in an edition's language."""
    return _DATE_SHAPE.fullmatch(text) is not None or names_a_date(text, locales=_LOCALES)


def _is_date_line(line: _Line) -> bool:
    return line.role is None and _is_date(line.text)


def looks_like_legacy(text: str) -> bool:
    """Whether ``text`` opens like a legacy page: its first non-blank line is a date."""
    for raw in _NEWLINE.split(clean_text(text[:4096])):
        line = " ".join(raw.split())
        if line:
            return _is_date(line)
    return False


def parse_legacy(
    text: str | bytes, *, source: str, options: ImportOptions = DEFAULT_OPTIONS
) -> ParsedSource:
    """Read one legacy page into an article draft.

    Args:
        text: The page, as text or as UTF-8 bytes (a BOM, CRLF and stray spaces are fine).
        source: The page's file path or URL: its source identity and the name every
            error message gives.
        options: Locale, site time zone and date orders; see ``ImportOptions``.

    Returns:
        A ``ParsedSource`` of format ``legacy`` with one published draft.

    Raises:
        ImportFailure: The page has no date or no headline, a date is ambiguous or
            invalid, its language cannot be told, or a field is refused; the message
            names the file and the line.
    """
    lines = _lines(decode_text(text, source=source))
    if not lines:
        raise ImportFailure("the page is empty", source=source)
    page = _Page(lines, source, options)
    draft = page.draft()
    return ParsedSource(FORMAT, (draft,), dates=page.votes)


class _Page:
    """One page being read: its lines, in the fixed order of the format."""

    def __init__(self, lines: list[_Line], source: str, options: ImportOptions) -> None:
        self.lines = lines
        self.source = source
        self.options = options
        self.locale = ""
        self.editions: tuple[Edition, ...] = EDITIONS
        self.votes: tuple[DateVote, ...] = ()

    def draft(self) -> ArticleDraft:
        """The page as a draft, every field read and checked."""
        date_line = self.lines[0]
        if not _is_date_line(date_line):
            raise ImportFailure(
                "a legacy page opens with its date (like 06/14/2012, 00.00), "
                f"but the first line is {date_line.text[:80]!r}",
                source=self.source,
                line=date_line.number,
            )
        self.locale, self.editions = self._language()
        region_at, headline_at, byline_at, names = self._head()
        start = self._after_chrome((byline_at or headline_at) + 1)
        end = next(
            (i for i in range(start, len(self.lines)) if self._ends_body(i)), len(self.lines)
        )
        tags_at, pairs_at = self._tail(end)
        see_also_raws = [self.lines[date_at].text for _, date_at in pairs_at]
        self.votes = (
            *votes_of([date_line.text], self.locale, DateKind.HEADER),
            *votes_of(see_also_raws, self.locale, DateKind.SEE_ALSO),
        )
        header = self._corpus(DateKind.HEADER)
        published = read_date(
            date_line.text,
            source=self.source,
            line=date_line.number,
            order=self.options.date_order,
            zone=self.options.timezone,
            corpus=header,
            locales=self._date_locales(),
        )
        lines: dict[str, int | None] = {}
        relations = self._see_also(pairs_at, lines)

        tags = TagList()
        if region_at is not None:
            region = self.lines[region_at]
            for name in _REGION_SEPARATOR.split(region.text):
                tags.add(TagKind.REGION, name, line=region.number)
        for i in tags_at:
            tags.add(TagKind.TOPIC, self.lines[i].text, line=self.lines[i].number)
        headline = self.lines[headline_at]
        lines |= {
            "headline": headline.number,
            "published_at": date_line.number,
            "date_provenance": date_line.number,
            "byline": self.lines[byline_at].number if byline_at is not None else None,
            **tags.lines,
        }
        summary, dateline, body = self._summary_and_body(self.lines[start:end], lines)
        return build_draft(
            document=self.source,
            lines=lines,
            locale=self.locale,
            headline=headline.text,
            summary=summary,
            body=body,
            byline=[{"name": name} for name in names],
            dateline=dateline,
            status=Status.PUBLISHED,
            published_at=published.value,
            tags=tags.fields,
            relations=relations,
            source={"format": FORMAT, "locator": self.source},
            date_provenance=provenance(published, header),
        )

    def _date_locales(self) -> tuple[str, ...]:
        """The languages month names are read in: the page's own first, then the others."""
        return (self.locale, *(locale for locale in _LOCALES if locale != self.locale))

    def _corpus(self, kind: DateKind) -> CorpusContext:
        """What the corpus proved about ``kind`` dates of this page's edition."""
        return CorpusContext(self.options.date_evidence, self.locale, kind, self.votes)

    def _language(self) -> tuple[str, tuple[Edition, ...]]:
        """The page's locale and the editions whose words to read it with."""
        if self.options.locale is not None:
            language = language_of(self.options.locale)
            own = tuple(e for e in EDITIONS if language_of(e.locale) == language)
            return self.options.locale, own or EDITIONS
        votes: Counter[str] = Counter()
        for line in self.lines:
            if line.key in _VOTERS:
                votes.update(_VOTERS[line.key])
        locale = _winner(votes)
        if locale is None:
            bylines = {
                e.locale
                for line in self.lines[1 : 2 + _HEAD_LINES]
                for e in EDITIONS
                if _byline_names(line.text, (e,)) is not None
            }
            locale = bylines.pop() if len(bylines) == 1 else None
        if locale is None:
            locale = _language_of_text(" ".join(line.text for line in self.lines))
        if locale is None:
            raise ImportFailure(
                "cannot tell the page's language: no edition's chrome words, byline word "
                "or common words were found; pass --locale (ImportOptions.locale)",
                source=self.source,
            )
        return locale, tuple(e for e in EDITIONS if e.locale == locale)

    def _head(self) -> tuple[int | None, int, int | None, tuple[str, ...]]:
        """Where the region line, headline and byline are, and the byline's names.

        The head's first lines that are not known chrome are (region,) headline
        (, byline). A byline second or third settles which line is the headline; a
        byline fourth does too when the line it skips after the region line reads like
        chrome worded differently (a few words, no sentence). Without a byline, the first
        line is the region line when it looks like one (capitals, or short caseless
        names) or the share chrome follows it.
        """
        candidates: list[int] = []
        for i in range(1, len(self.lines)):
            role = self.lines[i].role
            if role in _TAIL_START or len(candidates) == _HEAD_LINES + 1:
                break
            if role is None:
                candidates.append(i)
        if not candidates:
            raise self._no_headline()
        for position in range(1, len(candidates)):
            if position == _HEAD_LINES and not _reads_like_chrome(self.lines[candidates[1]].text):
                break
            names = _byline_names(self.lines[candidates[position]].text, self.editions)
            if names is not None:
                region = candidates[0] if position >= 2 else None
                if region is not None and not self._is_region(region):
                    region = None  # an unknown chrome line, not a region
                return region, candidates[position - 1], candidates[position], names
        if self._is_region(candidates[0]):
            if len(candidates) < 2:
                raise self._no_headline()
            return candidates[0], candidates[1], None, ()
        return None, candidates[0], None, ()

    def _is_region(self, at: int) -> bool:
        following = self.lines[at + 1].role if at + 1 < len(self.lines) else None
        return following in _HEADER_CHROME or _looks_like_regions(self.lines[at].text)

    def _no_headline(self) -> ImportFailure:
        return ImportFailure(
            "the page has no headline: after its date (and region line) a headline "
            "line must come before the tags, 'See also' or footer",
            source=self.source,
            line=self.lines[0].number,
        )

    def _ends_body(self, at: int) -> bool:
        """Whether the body stops before line ``at``: chrome, or a "See also" item's title."""
        if self.lines[at].role is not None:
            return True
        return at + 1 < len(self.lines) and _is_date_line(self.lines[at + 1])

    def _after_chrome(self, start: int) -> int:
        """The first line from ``start`` on that is not share, print or close chrome."""
        while start < len(self.lines) and self.lines[start].role in _HEADER_CHROME:
            start += 1
        return start

    def _tail(self, start: int) -> tuple[list[int], list[tuple[int, int]]]:
        """Read the page after its body: the topic tag lines and the (title, date) pairs.

        Tags are the lines under the TAGs marker up to the next chrome line. A line
        followed by a date line is a "See also" item wherever it stands in the tail. The
        newsletter box or the footer motto ends the page; so does a line in the "See
        also" list that is not an item. Unknown lines among the chrome are skipped.
        """
        tags: list[int] = []
        pairs: list[tuple[int, int]] = []
        state: Chrome | None = None
        i = start
        while i < len(self.lines):
            line = self.lines[i]
            if line.role in (Chrome.NEWSLETTER, Chrome.FOOTER):
                break
            if line.role is not None:
                state = line.role
            elif i + 1 < len(self.lines) and _is_date_line(self.lines[i + 1]):
                pairs.append((i, i + 1))
                state = Chrome.SEE_ALSO
                i += 1
            elif state is Chrome.TAGS:
                tags.append(i)
            elif state is Chrome.SEE_ALSO and pairs:
                break
            i += 1
        return tags, pairs

    def _summary_and_body(
        self, paragraphs: Sequence[_Line], lines: dict[str, int | None]
    ) -> tuple[str | None, Dateline | None, str]:
        """The summary, dateline and body HTML from the paragraph lines.

        The first paragraph is the summary unless it opens with a dateline, which
        only the body's first paragraph does.
        """
        texts = [line.text for line in paragraphs]
        summary = None
        if texts and split_dateline(texts[0])[0] is None:
            summary = texts.pop(0)
            lines["summary"] = paragraphs[0].number
        dateline = None
        if texts:
            dateline, texts[0] = split_dateline(texts[0])
            lines["dateline"] = lines["body"] = paragraphs[-len(texts)].number
        return summary, dateline, paragraphs_to_html(texts)

    def _see_also(
        self, pairs: Sequence[tuple[int, int]], lines: dict[str, int | None]
    ) -> list[dict[str, Any]]:
        """The "See also" items as pending relations, their dates read as one group."""
        order = self.options.see_also_date_order or DateOrder.INFER
        raws = [self.lines[date_at].text for _, date_at in pairs]
        relations: list[dict[str, Any]] = []
        for title_at, date_at in pairs:
            date = self.lines[date_at]
            parsed = read_date(
                date.text,
                source=self.source,
                line=date.number,
                order=order,
                zone=self.options.timezone,
                evidence=raws,
                option=_SEE_ALSO_OPTION,
                corpus=self._corpus(DateKind.SEE_ALSO),
                locales=self._date_locales(),
            )
            lines[f"relations.{len(relations)}"] = self.lines[title_at].number
            target = {
                "title": self.lines[title_at].text,
                "published_at": parsed.value,
                "locale": self.locale,
            }
            relations.append({"kind": RelationKind.SEE_ALSO, "pending": target})
        return relations


def _winner(votes: Counter[str]) -> str | None:
    """The one locale with the most votes; None on a tie or without votes."""
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


_WORD = re.compile(r"[^\W\d_]+")


def _language_of_text(text: str) -> str | None:
    """The edition whose script fills a third of the letters, else whose short words lead."""
    letters = sum(1 for char in text if char.isalpha()) or 1
    for edition in EDITIONS:
        if edition.script and len(re.findall(edition.script, text)) * 3 >= letters:
            return edition.locale
    words = Counter(word.casefold() for word in _WORD.findall(text))
    votes = Counter(
        {e.locale: sum(words[w] for w in e.function_words) for e in EDITIONS if e.function_words}
    )
    return _winner(+votes)


def _looks_like_regions(text: str) -> bool:
    """Whether a line reads as region names: capitals (or short caseless names), no sentence."""
    parts = _REGION_SEPARATOR.split(text)
    for part in parts:
        if len(part) > _MAX_REGION or any(c in _SENTENCE_MARKS or c.isdigit() for c in part):
            return False
    cased = [char for char in text if char.lower() != char.upper()]
    if cased:
        return all(char.isupper() for char in cased)
    return len(parts) > 1 or len(parts[0]) <= _MAX_UNCASED_REGION


def _reads_like_chrome(text: str) -> bool:
    """A short label rather than a sentence: a few words, no sentence punctuation."""
    return len(text.split()) <= _MAX_NAME_WORDS and not any(c in _SENTENCE_MARKS for c in text)


def _byline_names(text: str, editions: Iterable[Edition]) -> tuple[str, ...] | None:
    """The names of a byline line in one of ``editions``' words; None when it is not one."""
    for edition in editions:
        opener, separator = _BYLINES[edition.locale]
        match = opener.fullmatch(text)
        if match is None:
            continue
        names = tuple(name for name in separator.split(match["names"]) if name)
        if names and all(_plausible_name(name) for name in names):
            return names
    return None


def _plausible_name(name: str) -> bool:
    """A person's name: a few words, opening with a capital (or a caseless letter).

    This is what keeps a summary that starts with the byline word ("By the end of
    the year, ...", Spanish "De acuerdo con ...") from being read as a byline.
    """
    words = name.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or len(name) > _MAX_NAME:
        return False
    if any(char in _SENTENCE_MARKS or char.isdigit() for char in name):
        return False
    if name.endswith(".") and len(words[-1]) > 3:  # a sentence, not "Jr." or "S.J."
        return False
    first = name[0]
    return first.isalpha() and (first.isupper() or first.lower() == first.upper())
