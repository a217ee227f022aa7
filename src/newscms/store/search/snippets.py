"""Highlighted headlines and snippets: the words a query matched, marked in the original text.

Matching is done on the same tokens the index holds (``text.spans``), so ``Seul``
marks ``Seúl`` and ``北京`` marks the two characters inside ``北京市``. Everything
around a mark is HTML-escaped: the result is safe to put in a page as it is.

A snippet is a window of about ``SNIPPET_LENGTH`` characters of the summary and body
where the most different query terms appear. Finding it must stay cheap for twenty
hits of 2,500-character bodies, so candidate places are found by substring search in
the folded text and only the chosen window is split into tokens and checked.
Given the article's language, words with the same Snowball stem as a query word are
marked too (``votes`` and ``Voting`` for ``vote``), as the index found them.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from newscms.store.search.query import Term
from newscms.store.search.stemming import stem_tokens
from newscms.store.search.text import fold, is_unsegmented, normalize_space, spans

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from newscms.store.search.query import SearchQuery
    from newscms.store.search.text import Span

__all__ = ["MARK_CLOSE", "MARK_OPEN", "SNIPPET_LENGTH", "highlight", "snippet"]

SNIPPET_LENGTH = 200
"""Characters of text a snippet shows, about."""
MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"
ELLIPSIS = "…"
_CANDIDATES = 64  # places looked at per term: enough to find the best window
_MAX_WORD = 30  # a cut moves to a word boundary only this far
_MARGIN = 40  # characters tokenized beyond the window, so phrases at its edges still match


def _stem_term(term: Term, language: str) -> Term:
    """``term`` with its tokens as their stems in ``language`` (as the index holds them)."""
    return Term(tuple(stem_tokens(term.tokens, language)), prefix=term.prefix)


def _numbered(terms: Sequence[Term], language: str | None) -> list[tuple[int, Term]]:
    """Each term by its number, and in its stemmed form too when ``language`` is given."""
    numbered = list(enumerate(terms))
    if language is None:
        return numbered
    return numbered + [(number, _stem_term(term, language)) for number, term in numbered]


def _matches(
    found: Sequence[Span], terms: Sequence[Term], language: str | None = None
) -> list[tuple[int, int]]:
    """Character ranges of ``found`` that the terms match (or their stems, in ``language``)."""
    keys = [span[0] for span in found]
    ranges = _ranges(found, keys, terms)
    if language is not None:
        stemmed = [_stem_term(term, language) for term in terms]
        ranges += _ranges(found, stem_tokens(keys, language), stemmed)
    return _merge(ranges)


def _ranges(
    found: Sequence[Span], keys: Sequence[str], terms: Iterable[Term]
) -> list[tuple[int, int]]:
    """Character ranges of ``found`` whose ``keys`` (tokens, or their stems) terms match."""
    at: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        at.setdefault(key, []).append(index)
    ranges: list[tuple[int, int]] = []
    for term in terms:
        phrase, stem = term.phrase, term.stem
        if phrase:
            size = len(phrase)
            for index in at.get(phrase[0], ()):
                if index + size <= len(found) and all(
                    keys[index + offset] == phrase[offset] for offset in range(1, size)
                ):
                    ranges.append((found[index][1], found[index + size - 1][2]))
        if stem is not None:
            single = is_unsegmented(stem) and len(stem) == 1
            for token, indexes in at.items():
                if token.startswith(stem):
                    for index in indexes:
                        _, start, end, head = found[index]
                        ranges.append((start, head if single else end))
    return ranges


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, marks: Sequence[tuple[int, int]], start: int, end: int) -> str:
    """``text[start:end]`` escaped, with ``marks`` (clipped to the window) wrapped."""
    parts: list[str] = []
    cursor = start
    for mark_start, mark_end in marks:
        low, high = max(mark_start, start), min(mark_end, end)
        if low >= high:
            continue
        parts.append(html.escape(text[cursor:low]))
        parts.append(MARK_OPEN + html.escape(text[low:high]) + MARK_CLOSE)
        cursor = high
    parts.append(html.escape(text[cursor:end]))
    return "".join(parts)


def highlight(text: str, query: SearchQuery, *, language: str | None = None) -> str:
    """All of ``text``, HTML-escaped, with every match of the query's terms in ``<mark>``.

    ``language`` is the Snowball stemmer of the text's article (``stemming.language_of``):
    words sharing a query word's stem are marked too.
    """
    return _render(text, _matches(spans(text), query.terms, language), 0, len(text))


def _needles(term: Term) -> tuple[str, ...]:
    """Strings whose presence in the folded text suggests a match of ``term``."""
    first = term.phrase[0] if term.phrase else term.stem
    needles = [first] if first else []
    if term.stem is not None and term.phrase:
        needles.append(term.stem)
    return tuple(needles)


def _candidates(folded: str, terms: Sequence[tuple[int, Term]]) -> list[tuple[int, int]]:
    """(position, term number) of likely matches, by position."""
    found: list[tuple[int, int]] = []
    for number, term in terms:
        for needle in _needles(term):
            at = folded.find(needle)
            count = 0
            while at >= 0 and count < _CANDIDATES:
                found.append((at, number))
                count += 1
                at = folded.find(needle, at + len(needle))
    found.sort()
    return found


def _best_window(candidates: Sequence[tuple[int, int]], length: int) -> int:
    """Start of the window of ``length`` holding the most different terms, then most matches."""
    best_start, best_score = candidates[0][0], (0, 0)
    counts: dict[int, int] = {}
    low = 0
    for high, (position, number) in enumerate(candidates):
        counts[number] = counts.get(number, 0) + 1
        while position - candidates[low][0] > length // 2:
            old = candidates[low][1]
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
            low += 1
        score = (len(counts), high - low + 1)
        if score > best_score:
            best_score, best_start = score, candidates[low][0]
    return best_start


def _word_start(text: str, at: int) -> int:
    """Move ``at`` back to the start of its word (text without spaces stays where it is)."""
    floor = max(0, at - _MAX_WORD)
    back = at
    while back > floor and not text[back - 1].isspace():
        back -= 1
    return back if back == 0 or text[back - 1].isspace() else at


def _word_end(text: str, at: int) -> int:
    """Move ``at`` forward to the end of its word (text without spaces stays where it is)."""
    ceiling = min(len(text), at + _MAX_WORD)
    forward = at
    while forward < ceiling and not text[forward].isspace():
        forward += 1
    return forward if forward == len(text) or text[forward].isspace() else at


def snippet(
    text: str, query: SearchQuery, *, length: int = SNIPPET_LENGTH, language: str | None = None
) -> str:
    """About ``length`` characters of ``text`` around its best matches, HTML-escaped.

    Matches are wrapped in ``<mark>``, cuts shown with ``…``. When nothing in the text
    matches (the hit was on the headline or a tag), the snippet is its start.
    ``language`` is ``highlight``'s: words sharing a query word's stem match too.
    """
    if not text.strip():
        return ""
    terms = query.terms
    # Only positions matter here: ASCII text needs no more than lowering.
    folded = text.lower() if text.isascii() else fold(text)
    start = 0
    if len(folded) == len(text):  # positions in the folded text are positions in text
        candidates = _candidates(folded, _numbered(terms, language))
        if candidates:
            # Centre the window on the cluster, a little context before it.
            start = max(0, _best_window(candidates, length) - length // 4)
            # A window running past the end starts earlier: no room is wasted.
            start = min(start, max(0, len(text) - length))
    start = _word_start(text, start) if start else 0
    end = min(len(text), start + length)
    if end < len(text):
        end = _word_end(text, end)
    found = spans(text, max(0, start - _MARGIN), min(len(text), end + _MARGIN))
    marks = _matches(found, terms, language)
    if not any(low < end and high > start for low, high in marks) and start:
        # The candidates were parts of other words: show the beginning instead.
        start, end = 0, min(len(text), length)
        if end < len(text):
            end = _word_end(text, end)
        marks = _matches(spans(text, 0, min(len(text), end + _MARGIN)), terms, language)
    body = _render(text, marks, start, end)
    body = normalize_space(body)
    return f"{ELLIPSIS if start else ''}{body}{ELLIPSIS if end < len(text) else ''}"
