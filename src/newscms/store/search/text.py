# ruff: noqa: RUF001, RUF002, RUF003 - letters of many scripts are what this module folds
"""Text as the search index sees it: folded, split into words, unsegmented scripts as bigrams.

Every engine indexes and queries the *same tokens*, made here in Python, so that
``Seul`` finds ``Seúl``, ``北京`` finds ``北京市`` and a query means the same thing on
SQLite, PostgreSQL and MariaDB. The engines only split the prepared text at spaces.

The pipeline (``tokens``):

1. **fold**: NFKC (``ﬁ`` → ``fi``, full-width → ASCII, half-width katakana → katakana),
   case folding (``Straße`` → ``strasse``), accents removed from letters (``Seúl`` →
   ``seul``, Cyrillic ``ё`` → ``е``; marks that *are* letters stay: Devanagari vowel signs, kana
   voicing marks, ``й``), a few letters spelled out (``ø`` → ``o``, ``æ`` → ``ae``);
2. **split** into words: runs of letters, digits and combining marks; everything else
   (punctuation, symbols, emoji, ``_``, spaces, controls, NUL, unassigned and private
   code points) separates words;
3. **segment** runs of scripts written without spaces: Thai into its syllables by
   PyThaiNLP's dictionary (``กรุงเทพมหานคร`` → ``กรุง เทพ มหา นคร``, so a word is a
   phrase of syllables, found in a sentence and inside a compound alike); the others
   (Han, kana, Hangul, Lao, Khmer, Myanmar, Yi, …) into overlapping bigrams of
   characters, plus the run's last character alone (``北京市`` → ``北京 京市 市``), so
   any substring of two or more characters is a phrase of bigrams and a single
   character is a prefix search;
4. **cap** every token at ``MAX_TOKEN_LENGTH`` characters.

Each character is judged once (``_decide``) and remembered; a text is then folded by
replacing only its distinct characters that change, which keeps ~2,500 characters of
European text to well under a tenth of a millisecond. ``spans`` gives the same tokens
with their place in the original text, for highlighting.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from itertools import pairwise
from typing import NamedTuple

from newscms.utils._thai import thai_syllables

__all__ = [
    "MAX_TOKEN_LENGTH",
    "Span",
    "fold",
    "indexed",
    "is_unsegmented",
    "normalize_space",
    "plain_text",
    "spans",
    "tokens",
]

MAX_TOKEN_LENGTH = 64
"""Longer words are cut to this length (MariaDB indexes no word over 84 characters, and
cuts there the words it receives encoded: ``mariadb.MAX_TOKEN``)."""

# Combining accents removed from letters: Latin, Greek and Cyrillic diacritics, Hebrew
# points and Arabic vowel marks. Marks outside these blocks (Indic vowel signs, kana
# voicing marks, Thai tone marks) are part of their letters and are kept.
ACCENT_RANGES: tuple[tuple[int, int], ...] = (
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0483, 0x0489),  # Cyrillic combining marks
    (0x0591, 0x05BD),  # Hebrew cantillation and points
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C5),
    (0x05C7, 0x05C7),
    (0x0610, 0x061A),  # Arabic signs
    (0x064B, 0x065F),  # Arabic harakat
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x1AB0, 0x1AFF),  # combining diacritical marks extended
    (0x1DC0, 0x1DFF),  # combining diacritical marks supplement
    (0x20D0, 0x20FF),  # combining marks for symbols
    (0xFE20, 0xFE2F),  # combining half marks
)

KEPT_LETTERS = frozenset("йїў")
"""Letters that are letters of their own alphabet, not accented ones: never folded."""

SPELLED_OUT: dict[str, str] = {
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ł": "l",
    "ħ": "h",
    "ŧ": "t",
    "ı": "i",
    "ȷ": "j",
    "ƒ": "f",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
}
"""Letters with no decomposition that readers type without their stroke or ligature."""

JOINING_INVISIBLES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x180B, 0x180F),  # Mongolian variation selectors
    (0xFE00, 0xFE0F),  # variation selectors
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
"""Invisible characters inside words that pick a glyph or a break, not a letter: removed."""

UNSEGMENTED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul jamo
    (0x1780, 0x17FF),  # Khmer
    (0x1980, 0x19DF),  # New Tai Lue
    (0x19E0, 0x19FF),  # Khmer symbols
    (0x1A20, 0x1AAF),  # Tai Tham
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x3038, 0x303C),
    (0x3041, 0x30FF),  # hiragana, katakana
    (0x3100, 0x312F),  # bopomofo
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31A0, 0x31BF),  # bopomofo extended
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA000, 0xA4CF),  # Yi
    (0xA960, 0xA97F),  # Hangul jamo extended A
    (0xA9E0, 0xA9FF),  # Myanmar extended B
    (0xAA60, 0xAA7F),  # Myanmar extended A
    (0xAA80, 0xAADF),  # Tai Viet
    (0xAC00, 0xD7FF),  # Hangul syllables, jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x16FE0, 0x16FFF),  # ideographic symbols
    (0x1B000, 0x1B16F),  # kana supplement and extensions
    (0x20000, 0x323AF),  # CJK extensions B-H
)
"""Scripts written without spaces between words: segmented into bigrams."""

THAI_RANGE = (0x0E00, 0x0E7F)
"""Thai, segmented into syllables rather than bigrams."""
_THAI_RUN = re.compile("[\u0e00-\u0e7f]+")
# NFKC spells the vowel sara am (ำ) as nikhahit + sara aa; the dictionary knows ำ.
_SARA_AM = ("\u0e4d\u0e32", "\u0e33")

_WORD_CATEGORIES = frozenset("LMN")
BLOCK_TAGS = (
    "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "table", "caption",
    "thead", "tbody", "tfoot", "tr", "td", "th", "img",
)  # fmt: skip
"""Elements that separate words; other tags (``<b>``, ``<a>``, ``<em>``) sit inside them."""

_BLOCK = re.compile(rf"</?(?:{'|'.join(BLOCK_TAGS)})\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S+")
_MANY_CHANGES = 64  # distinct changing characters past which one translate beats replaces


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


class _Decision(NamedTuple):
    """What folding does with one character, and what kind of character it is."""

    folded: str  # its replacement in folded text ("" removes it, " " separates words)
    word: bool  # a letter, digit or mark: part of a word in the original text
    unsegmented: bool  # a letter of a script written without spaces


_DECISIONS: dict[str, _Decision] = {}


def _decide(char: str) -> _Decision:
    """Judge one character (after NFKC and case folding) and remember the judgement."""
    known = _DECISIONS.get(char)
    if known is not None:
        return known
    code = ord(char)
    category = unicodedata.category(char)
    unsegmented = _within(code, UNSEGMENTED_RANGES)
    if _within(code, JOINING_INVISIBLES):
        decision = _Decision("", True, False)
    elif category[0] not in _WORD_CATEGORIES or char == "_":
        decision = _Decision(" ", False, False)
    elif _within(code, ACCENT_RANGES):
        decision = _Decision("", True, False)
    elif char in SPELLED_OUT:
        decision = _Decision(SPELLED_OUT[char], True, False)
    elif char in KEPT_LETTERS:
        decision = _Decision(char, True, unsegmented)
    else:
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if not _within(ord(c), ACCENT_RANGES))
        base = unicodedata.normalize("NFC", base) if base != decomposed else char
        # An accented spelled-out letter (ǽ, ǿ) loses its accent, then is spelled out.
        base = "".join(SPELLED_OUT.get(letter, letter) for letter in base)
        decision = _Decision(base or char, True, unsegmented)
    _DECISIONS[char] = decision
    return decision


def _fold_and_split(text: str) -> tuple[str, bool]:
    """``text`` folded with separators as spaces, and whether it has unsegmented letters.

    Only the distinct characters that change are replaced, each in one pass.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    if _SARA_AM[0] in folded:
        folded = folded.replace(*_SARA_AM)
    if folded.isascii():
        changes = {c: " " for c in set(folded) if not c.isalnum()}
        unsegmented = False
    else:
        changes = {}
        unsegmented = False
        for char in set(folded):
            decision = _decide(char)
            unsegmented = unsegmented or decision.unsegmented
            if decision.folded != char:
                changes[char] = decision.folded
    if len(changes) > _MANY_CHANGES:
        return folded.translate({ord(c): r for c, r in changes.items()}), unsegmented
    for char, replacement in changes.items():
        folded = folded.replace(char, replacement)
    return folded, unsegmented


def fold(text: str) -> str:
    """``text`` folded for matching: NFKC, case folded, accents off, separators as spaces.

    >>> fold("Seúl, «Straße»")
    'seul   strasse '
    """
    return _fold_and_split(text)[0]


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _first_unit_end(text: str, at: int) -> int:
    """Where the character at ``at`` ends, with the marks on it."""
    at += 1
    while at < len(text) and _is_mark(text[at]):
        at += 1
    return at


def _clusters(run: str) -> list[str]:
    """Characters with the marks that follow them (Thai and Khmer vowel signs, ...)."""
    units: list[str] = []
    for char in run:
        if units and _is_mark(char):
            units[-1] += char
        else:
            units.append(char)
    return units


def _bigrams(run: str) -> tuple[list[str], str | None]:
    """``北京市`` → (``北京 京市``, ``市``): overlapping pairs, then the last character.

    The last character starts no pair; it is ``None`` for a run of one character, which
    is a token itself.
    """
    units = _clusters(run) if not run.isalpha() else list(run)
    if len(units) == 1:
        return units, None
    return [first + second for first, second in pairwise(units)], units[-1]


@cache
def _runs() -> re.Pattern[str]:
    """Runs of unsegmented script, and runs of anything else."""
    letters = "".join(f"{chr(low)}-{chr(high)}" for low, high in UNSEGMENTED_RANGES)
    return re.compile(f"(?P<unsegmented>[{letters}]+)|[^{letters}]+")


def _segment(word: str, ends: list[str]) -> list[str]:
    """A word as tokens: bigrams for its unsegmented runs, the rest as it is.

    The last characters of the runs are appended to ``ends``.
    """
    found: list[str] = []
    for match in _runs().finditer(word):
        if match.lastgroup == "unsegmented":
            run = match.group()
            if _THAI_RUN.fullmatch(run):
                found += thai_syllables(run)
                continue
            pairs, last = _bigrams(run)
            found += pairs
            if last is not None:
                ends.append(last)
        else:
            found.append(match.group())
    return found


def _tokens(text: str) -> tuple[list[str], list[str]]:
    folded, unsegmented = _fold_and_split(text)
    words = folded.split()
    ends: list[str] = []
    if unsegmented:
        expanded: list[str] = []
        runs = _runs()
        for word in words:
            match = runs.match(word)
            if match is not None and (match.lastgroup == "unsegmented" or match.end() < len(word)):
                expanded += _segment(word, ends)
            else:
                expanded.append(word)
        words = expanded
    if any(len(word) > MAX_TOKEN_LENGTH for word in words):
        words = [word[:MAX_TOKEN_LENGTH] for word in words]
    return words, ends


def tokens(text: str) -> list[str]:
    """The tokens of ``text``, in order, exactly as they are indexed and searched for.

    >>> tokens("Seúl: «L'Italia» e 北京市")
    ['seul', 'l', 'italia', 'e', '北京', '京市']
    """
    return _tokens(text)[0]


def indexed(text: str) -> tuple[list[str], list[str]]:
    """``tokens(text)``, and the last characters of its unsegmented runs.

    Those characters start no bigram, so a one-character search (a prefix of bigrams)
    would miss them; they are indexed apart (the ``chars`` field), never between the
    tokens, where they would break every phrase running past the end of a run.

    >>> indexed("北京 大学")
    (['北京', '大学'], ['京', '学'])
    """
    return _tokens(text)


def is_unsegmented(token: str) -> bool:
    """Whether ``token`` comes from a script written without spaces (a bigram or a unigram)."""
    return not token.isascii() and _decide(token[0]).unsegmented


def plain_text(body: str) -> str:
    """The text of a sanitized HTML body, for the index and for snippets.

    Block tags become spaces, inline tags vanish (``<b>hist</b>oria`` is one word),
    entities are decoded.

    Exact for what ``sanitize_html`` produces (it escapes ``<`` and ``>`` inside
    attribute values), and ~100 times faster than ``html_to_text``, which keeps the
    paragraph structure the index has no use for.
    """
    return html.unescape(_TAG.sub("", _BLOCK.sub(" ", body)))


def normalize_space(text: str) -> str:
    """Collapse runs of white space to one space (for snippets)."""
    return _SPACES.sub(" ", text).strip()


Span = tuple[str, int, int, int]
"""A token and where it is in the original text: ``(token, start, end, head)``.

``text[start:end]`` is the word (or bigram) it comes from; ``head`` ends its first
character, so a one-character search inside a bigram highlights that character only.
Plain tuples: snippets build thousands of them per search.
"""

_WORD_TOKENS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_WORD_TOKENS_MAX = 65536


def _word_tokens(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = _WORD_TOKENS.get(word)
    if found is None:
        if len(_WORD_TOKENS) >= _WORD_TOKENS_MAX:
            _WORD_TOKENS.clear()
        parts, ends = _tokens(word)
        found = _WORD_TOKENS[word] = (tuple(parts), tuple(ends))
    return found


def _separated(text: str) -> str:
    """``text`` with every character that is not part of a word replaced by a space.

    The length stays the same, so positions in the result are positions in ``text``.
    """
    for char in set(text):
        if char.isascii():
            if not char.isalnum():
                text = text.replace(char, " ")
        elif not _decide(char).word:
            text = text.replace(char, " ")
    return text


def spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The tokens of ``text[start:end]`` with their places in ``text``.

    The tokens are those ``tokens`` gives for each word (a run of letters, digits and
    marks of the original text), in order; the last characters of unsegmented runs
    (``indexed``) follow them all, so they never come between a phrase's tokens.
    Characters that only become letters under NFKC (``㈱``) are not words here, so
    their tokens are never highlighted.
    """
    stop = len(text) if end is None else min(end, len(text))
    window = _separated(text[start:stop])
    found: list[Span] = []
    tails: list[Span] = []
    cursor = 0
    for word in window.split():
        at = window.find(word, cursor)
        cursor = at + len(word)
        parts, ends = _word_tokens(word)
        if len(parts) == 1 and not ends:
            found.append((parts[0], at + start, cursor + start, cursor + start))
        elif parts or ends:
            main, tail = _place(word, parts, ends, at + start, cursor + start)
            found += main
            tails += tail
    return found + tails


def _units(run: str) -> list[tuple[int, str]]:
    """The characters (with their marks) of an unsegmented run, with their offsets."""
    units = _clusters(run) if not run.isalpha() else list(run)
    placed, offset = [], 0
    for unit in units:
        placed.append((offset, unit))
        offset += len(unit)
    return placed


def _place(
    word: str, parts: tuple[str, ...], ends: tuple[str, ...], begin: int, finish: int
) -> tuple[list[Span], list[Span]]:
    """Spans of the tokens and run ends of one word.

    They are placed character by character when folding turned each character into
    exactly one, else each spans the whole word (a length kept overall is not enough:
    ``Æ`` → ``ae`` and a dropped variation selector cancel out).
    """
    folded = fold(word)
    singles = [fold(char) for char in word]
    if all(len(single) == 1 for single in singles) and "".join(singles) == folded:
        main: list[Span] = []
        tail: list[Span] = []
        for match in _runs().finditer(folded):
            base = begin + match.start()
            if match.lastgroup == "unsegmented" and _THAI_RUN.fullmatch(match.group()):
                for syllable in thai_syllables(match.group()):
                    main.append((syllable, base, base + len(syllable), base + len(syllable)))
                    base += len(syllable)
            elif match.lastgroup == "unsegmented":
                units = _units(match.group())
                if len(units) == 1:
                    stop = base + len(units[0][1])
                    main.append((units[0][1], base, stop, stop))
                    continue
                for (offset, unit), (_, following) in pairwise(units):
                    low = base + offset
                    main.append(
                        (unit + following, low, low + len(unit) + len(following), low + len(unit))
                    )
                offset, last = units[-1]
                tail.append(
                    (last, base + offset, base + offset + len(last), base + offset + len(last))
                )
            else:
                for piece in _NON_SPACE.finditer(match.group()):
                    low, high = base + piece.start(), base + piece.end()
                    main.append((piece.group()[:MAX_TOKEN_LENGTH], low, high, high))
        if tuple(span[0] for span in main) == parts and tuple(span[0] for span in tail) == ends:
            return main, tail
    return (
        [(part, begin, finish, finish) for part in parts],
        [(char, begin, finish, finish) for char in ends],
    )
