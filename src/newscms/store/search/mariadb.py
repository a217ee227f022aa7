"""MariaDB and MySQL: an InnoDB FULLTEXT index queried in boolean mode.

MariaDB has no n-gram parser (MySQL's ``ngram`` is not in MariaDB) and InnoDB's own
parser skips words shorter than ``innodb_ft_min_token_size`` (3 by default, a server
setting newscms cannot change), which would lose every Chinese bigram and words such
as ``un`` or ``g7``. So the document is the Python-prepared text in one column with a
binary collation (the folding is newscms's, not the collation's), and every token
shorter than three characters is padded with ``_`` (``un`` → ``un_``, ``北京`` →
``北京_``), the same way at index and query time. ``_`` never occurs in a prepared
token, so padding cannot make two words meet. Stop words are off for the index
(migration 0003 creates it with ``innodb_ft_enable_stopword=OFF``).

InnoDB's parser knows the letters of Unicode 5.0 only: it ends a word at every letter
beyond the BMP (CJK extension B ideographs, historic scripts) and at the BMP's letters,
marks and digits of later versions (Lisu U+A4D0, Vai, Javanese, Myanmar medials, ...;
``WORD_CHARACTERS``, measured). Each such character is written as ``_`` and its five
hex digits (``𠀀`` → ``_20000``, U+A4D0 → ``_0a4d0``): fixed width, so a prefix of a word
stays a prefix. An encoded token longer than ``innodb_ft_max_token_size`` (84) would not
be indexed at all, so it is cut there, between two encoded characters.

Fields are weighed by repetition (headline three times, tags and summary twice, body
once), separated by a ``___`` token so a phrase never runs from one into the next.

InnoDB applies FULLTEXT changes when the transaction commits: inside the transaction
that saved an article, the index would not find it by its new words (and never by its
old ones: rows changed by the transaction are hidden from the old index entries). So
the repository keeps the ids this unit of work indexed, leaves them out of the
FULLTEXT query, and matches them here, in Python, against their document as the
transaction reads it back (``stored``, ``score``): a transaction finds what it saved,
and a rolled-back save is never found.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import BigInteger, Column, MetaData, Table, Text, Uuid, bindparam, cast, select
from sqlalchemy.dialects.mysql import insert
from sqlalchemy.dialects.mysql import match as mysql_match

from newscms.store.search.engine import RANK_SCALE, Match, SearchEngine

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence
    from uuid import UUID

    from sqlalchemy import Connection, Select

    from newscms.store.search.documents import PreparedDocument
    from newscms.store.search.query import SearchQuery, Term
    from newscms.store.tables import Tables

__all__ = [
    "FIELD_REPEATS",
    "MAX_TOKEN",
    "MIN_TOKEN",
    "WORD_CHARACTERS",
    "MariaDBFulltext",
    "boolean_query",
    "document_text",
]

MIN_TOKEN = 3
"""InnoDB's default ``innodb_ft_min_token_size``: shorter tokens are padded to it."""
MAX_TOKEN = 84
"""InnoDB's default ``innodb_ft_max_token_size``: longer words are not indexed at all, so
encoded tokens are cut to it."""
FIELD_REPEATS: tuple[tuple[str, int], ...] = (
    ("headline", 3),
    ("tags", 2),
    ("summary", 2),
    ("body", 1),
    ("chars", 1),
)
"""How often each field is written into the document: InnoDB's relevance grows with a
word's frequency, so this is its field weighting."""
SEPARATOR = "_" * MIN_TOKEN
PENDING_SCALE = 10
"""A transaction's own unsaved articles score a tenth per occurrence of the query's words
(InnoDB's relevance is unknown until the commit)."""

# The characters InnoDB's FULLTEXT parser keeps inside a word (utf8mb4, whose ctype
# table is Unicode 5.0's): every other letter, mark or digit ends a word there, so
# newscms writes it as "_" and five hex digits. Measured, not derived: Python's
# unicodedata has no Unicode age to compute "assigned by 5.0" from, and the table has
# quirks an age rule would miss (U+9FA6-U+9FBA, ideographs of Unicode 4.1, are not in
# it; U+02EC, U+0374, U+0CF1-U+0CF2 and U+17B4-U+17B5 were symbols or format
# characters in 5.0). A code point outside it is encoded, so a letter assigned after
# this measurement (a newer Python's Unicode) is encoded too; a server that knows more
# letters costs a few bytes, never a match. `tools/mariadb_word_chars.py --check`
# compares a server with it, and prints a new table without `--check`.
WORD_CHARACTERS: tuple[tuple[int, int], ...] = (
    # Measured by tools/mariadb_word_chars.py on MariaDB 10.11.19-MariaDB-0+deb12u1,
    # Python 3.11 (Unicode 14.0.0).
    (0x0030, 0x0039), (0x0041, 0x005A), (0x005F, 0x005F), (0x0061, 0x007A), (0x00AA, 0x00AA),
    (0x00B2, 0x00B3), (0x00B5, 0x00B5), (0x00B9, 0x00BA), (0x00BC, 0x00BE), (0x00C0, 0x00D6),
    (0x00D8, 0x00F6), (0x00F8, 0x02C1), (0x02C6, 0x02D1), (0x02E0, 0x02E4), (0x02EE, 0x02EE),
    (0x0300, 0x036F), (0x037A, 0x037D), (0x0386, 0x0386), (0x0388, 0x038A), (0x038C, 0x038C),
    (0x038E, 0x03A1), (0x03A3, 0x03CE), (0x03D0, 0x03F5), (0x03F7, 0x0481), (0x0483, 0x0486),
    (0x0488, 0x0513), (0x0531, 0x0556), (0x0559, 0x0559), (0x0561, 0x0587), (0x0591, 0x05BD),
    (0x05BF, 0x05BF), (0x05C1, 0x05C2), (0x05C4, 0x05C5), (0x05C7, 0x05C7), (0x05D0, 0x05EA),
    (0x05F0, 0x05F2), (0x0610, 0x0615), (0x0621, 0x063A), (0x0640, 0x065E), (0x0660, 0x0669),
    (0x066E, 0x06D3), (0x06D5, 0x06DC), (0x06DE, 0x06E8), (0x06EA, 0x06FC), (0x06FF, 0x06FF),
    (0x0710, 0x074A), (0x074D, 0x076D), (0x0780, 0x07B1), (0x07C0, 0x07F5), (0x07FA, 0x07FA),
    (0x0901, 0x0939), (0x093C, 0x094D), (0x0950, 0x0954), (0x0958, 0x0963), (0x0966, 0x096F),
    (0x097B, 0x097F), (0x0981, 0x0983), (0x0985, 0x098C), (0x098F, 0x0990), (0x0993, 0x09A8),
    (0x09AA, 0x09B0), (0x09B2, 0x09B2), (0x09B6, 0x09B9), (0x09BC, 0x09C4), (0x09C7, 0x09C8),
    (0x09CB, 0x09CE), (0x09D7, 0x09D7), (0x09DC, 0x09DD), (0x09DF, 0x09E3), (0x09E6, 0x09F1),
    (0x09F4, 0x09F9), (0x0A01, 0x0A03), (0x0A05, 0x0A0A), (0x0A0F, 0x0A10), (0x0A13, 0x0A28),
    (0x0A2A, 0x0A30), (0x0A32, 0x0A33), (0x0A35, 0x0A36), (0x0A38, 0x0A39), (0x0A3C, 0x0A3C),
    (0x0A3E, 0x0A42), (0x0A47, 0x0A48), (0x0A4B, 0x0A4D), (0x0A59, 0x0A5C), (0x0A5E, 0x0A5E),
    (0x0A66, 0x0A74), (0x0A81, 0x0A83), (0x0A85, 0x0A8D), (0x0A8F, 0x0A91), (0x0A93, 0x0AA8),
    (0x0AAA, 0x0AB0), (0x0AB2, 0x0AB3), (0x0AB5, 0x0AB9), (0x0ABC, 0x0AC5), (0x0AC7, 0x0AC9),
    (0x0ACB, 0x0ACD), (0x0AD0, 0x0AD0), (0x0AE0, 0x0AE3), (0x0AE6, 0x0AEF), (0x0B01, 0x0B03),
    (0x0B05, 0x0B0C), (0x0B0F, 0x0B10), (0x0B13, 0x0B28), (0x0B2A, 0x0B30), (0x0B32, 0x0B33),
    (0x0B35, 0x0B39), (0x0B3C, 0x0B43), (0x0B47, 0x0B48), (0x0B4B, 0x0B4D), (0x0B56, 0x0B57),
    (0x0B5C, 0x0B5D), (0x0B5F, 0x0B61), (0x0B66, 0x0B6F), (0x0B71, 0x0B71), (0x0B82, 0x0B83),
    (0x0B85, 0x0B8A), (0x0B8E, 0x0B90), (0x0B92, 0x0B95), (0x0B99, 0x0B9A), (0x0B9C, 0x0B9C),
    (0x0B9E, 0x0B9F), (0x0BA3, 0x0BA4), (0x0BA8, 0x0BAA), (0x0BAE, 0x0BB9), (0x0BBE, 0x0BC2),
    (0x0BC6, 0x0BC8), (0x0BCA, 0x0BCD), (0x0BD7, 0x0BD7), (0x0BE6, 0x0BF2), (0x0C01, 0x0C03),
    (0x0C05, 0x0C0C), (0x0C0E, 0x0C10), (0x0C12, 0x0C28), (0x0C2A, 0x0C33), (0x0C35, 0x0C39),
    (0x0C3E, 0x0C44), (0x0C46, 0x0C48), (0x0C4A, 0x0C4D), (0x0C55, 0x0C56), (0x0C60, 0x0C61),
    (0x0C66, 0x0C6F), (0x0C82, 0x0C83), (0x0C85, 0x0C8C), (0x0C8E, 0x0C90), (0x0C92, 0x0CA8),
    (0x0CAA, 0x0CB3), (0x0CB5, 0x0CB9), (0x0CBC, 0x0CC4), (0x0CC6, 0x0CC8), (0x0CCA, 0x0CCD),
    (0x0CD5, 0x0CD6), (0x0CDE, 0x0CDE), (0x0CE0, 0x0CE3), (0x0CE6, 0x0CEF), (0x0D02, 0x0D03),
    (0x0D05, 0x0D0C), (0x0D0E, 0x0D10), (0x0D12, 0x0D28), (0x0D2A, 0x0D39), (0x0D3E, 0x0D43),
    (0x0D46, 0x0D48), (0x0D4A, 0x0D4D), (0x0D57, 0x0D57), (0x0D60, 0x0D61), (0x0D66, 0x0D6F),
    (0x0D82, 0x0D83), (0x0D85, 0x0D96), (0x0D9A, 0x0DB1), (0x0DB3, 0x0DBB), (0x0DBD, 0x0DBD),
    (0x0DC0, 0x0DC6), (0x0DCA, 0x0DCA), (0x0DCF, 0x0DD4), (0x0DD6, 0x0DD6), (0x0DD8, 0x0DDF),
    (0x0DF2, 0x0DF3), (0x0E01, 0x0E3A), (0x0E40, 0x0E4E), (0x0E50, 0x0E59), (0x0E81, 0x0E82),
    (0x0E84, 0x0E84), (0x0E87, 0x0E88), (0x0E8A, 0x0E8A), (0x0E8D, 0x0E8D), (0x0E94, 0x0E97),
    (0x0E99, 0x0E9F), (0x0EA1, 0x0EA3), (0x0EA5, 0x0EA5), (0x0EA7, 0x0EA7), (0x0EAA, 0x0EAB),
    (0x0EAD, 0x0EB9), (0x0EBB, 0x0EBD), (0x0EC0, 0x0EC4), (0x0EC6, 0x0EC6), (0x0EC8, 0x0ECD),
    (0x0ED0, 0x0ED9), (0x0EDC, 0x0EDD), (0x0F00, 0x0F00), (0x0F18, 0x0F19), (0x0F20, 0x0F33),
    (0x0F35, 0x0F35), (0x0F37, 0x0F37), (0x0F39, 0x0F39), (0x0F3E, 0x0F47), (0x0F49, 0x0F6A),
    (0x0F71, 0x0F84), (0x0F86, 0x0F8B), (0x0F90, 0x0F97), (0x0F99, 0x0FBC), (0x0FC6, 0x0FC6),
    (0x1000, 0x1021), (0x1023, 0x1027), (0x1029, 0x102A), (0x102C, 0x1032), (0x1036, 0x1039),
    (0x1040, 0x1049), (0x1050, 0x1059), (0x10A0, 0x10C5), (0x10D0, 0x10FA), (0x10FC, 0x10FC),
    (0x1100, 0x1159), (0x115F, 0x11A2), (0x11A8, 0x11F9), (0x1200, 0x1248), (0x124A, 0x124D),
    (0x1250, 0x1256), (0x1258, 0x1258), (0x125A, 0x125D), (0x1260, 0x1288), (0x128A, 0x128D),
    (0x1290, 0x12B0), (0x12B2, 0x12B5), (0x12B8, 0x12BE), (0x12C0, 0x12C0), (0x12C2, 0x12C5),
    (0x12C8, 0x12D6), (0x12D8, 0x1310), (0x1312, 0x1315), (0x1318, 0x135A), (0x135F, 0x135F),
    (0x1369, 0x137C), (0x1380, 0x138F), (0x13A0, 0x13F4), (0x1401, 0x166C), (0x166F, 0x1676),
    (0x1681, 0x169A), (0x16A0, 0x16EA), (0x16EE, 0x16F0), (0x1700, 0x170C), (0x170E, 0x1714),
    (0x1720, 0x1734), (0x1740, 0x1753), (0x1760, 0x176C), (0x176E, 0x1770), (0x1772, 0x1773),
    (0x1780, 0x17B3), (0x17B6, 0x17D3), (0x17D7, 0x17D7), (0x17DC, 0x17DD), (0x17E0, 0x17E9),
    (0x17F0, 0x17F9), (0x180B, 0x180D), (0x1810, 0x1819), (0x1820, 0x1877), (0x1880, 0x18A9),
    (0x1900, 0x191C), (0x1920, 0x192B), (0x1930, 0x193B), (0x1946, 0x196D), (0x1970, 0x1974),
    (0x1980, 0x19A9), (0x19B0, 0x19C9), (0x19D0, 0x19D9), (0x1A00, 0x1A1B), (0x1B00, 0x1B4B),
    (0x1B50, 0x1B59), (0x1B6B, 0x1B73), (0x1D00, 0x1DCA), (0x1DFE, 0x1E9B), (0x1EA0, 0x1EF9),
    (0x1F00, 0x1F15), (0x1F18, 0x1F1D), (0x1F20, 0x1F45), (0x1F48, 0x1F4D), (0x1F50, 0x1F57),
    (0x1F59, 0x1F59), (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D), (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4),
    (0x1FB6, 0x1FBC), (0x1FBE, 0x1FBE), (0x1FC2, 0x1FC4), (0x1FC6, 0x1FCC), (0x1FD0, 0x1FD3),
    (0x1FD6, 0x1FDB), (0x1FE0, 0x1FEC), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFC), (0x2070, 0x2071),
    (0x2074, 0x2079), (0x207F, 0x2089), (0x2090, 0x2094), (0x20D0, 0x20EF), (0x2102, 0x2102),
    (0x2107, 0x2107), (0x210A, 0x2113), (0x2115, 0x2115), (0x2119, 0x211D), (0x2124, 0x2124),
    (0x2126, 0x2126), (0x2128, 0x2128), (0x212A, 0x212D), (0x212F, 0x2139), (0x213C, 0x213F),
    (0x2145, 0x2149), (0x214E, 0x214E), (0x2153, 0x2184), (0x2460, 0x249B), (0x24EA, 0x24FF),
    (0x2776, 0x2793), (0x2C00, 0x2C2E), (0x2C30, 0x2C5E), (0x2C60, 0x2C6C), (0x2C74, 0x2C77),
    (0x2C80, 0x2CE4), (0x2CFD, 0x2CFD), (0x2D00, 0x2D25), (0x2D30, 0x2D65), (0x2D6F, 0x2D6F),
    (0x2D80, 0x2D96), (0x2DA0, 0x2DA6), (0x2DA8, 0x2DAE), (0x2DB0, 0x2DB6), (0x2DB8, 0x2DBE),
    (0x2DC0, 0x2DC6), (0x2DC8, 0x2DCE), (0x2DD0, 0x2DD6), (0x2DD8, 0x2DDE), (0x3005, 0x3007),
    (0x3021, 0x302F), (0x3031, 0x3035), (0x3038, 0x303C), (0x3041, 0x3096), (0x3099, 0x309A),
    (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x3105, 0x312C), (0x3131, 0x318E),
    (0x3192, 0x3195), (0x31A0, 0x31B7), (0x31F0, 0x31FF), (0x3220, 0x3229), (0x3251, 0x325F),
    (0x3280, 0x3289), (0x32B1, 0x32BF), (0x3400, 0x4DB5), (0x4E00, 0x9FA5), (0x9FBB, 0x9FBB),
    (0xA000, 0xA48C), (0xA717, 0xA71A), (0xA800, 0xA827), (0xA840, 0xA873), (0xAC00, 0xD7A3),
    (0xF900, 0xFA2D), (0xFA30, 0xFA6A), (0xFA70, 0xFAD9), (0xFB00, 0xFB06), (0xFB13, 0xFB17),
    (0xFB1D, 0xFB28), (0xFB2A, 0xFB36), (0xFB38, 0xFB3C), (0xFB3E, 0xFB3E), (0xFB40, 0xFB41),
    (0xFB43, 0xFB44), (0xFB46, 0xFBB1), (0xFBD3, 0xFD3D), (0xFD50, 0xFD8F), (0xFD92, 0xFDC7),
    (0xFDF0, 0xFDFB), (0xFE00, 0xFE0F), (0xFE20, 0xFE23), (0xFE70, 0xFE74), (0xFE76, 0xFEFC),
    (0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A), (0xFF66, 0xFFBE), (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF), (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC),
)  # fmt: skip
_UNIT = 6
"""Characters of one encoded character: ``_`` and five hex digits (every letter, mark and
digit is below U+100000). Fixed width, so a prefix of a word stays a prefix."""

_NOT_WORD = re.compile(
    "[^\x00-\x7f"
    + "".join(f"{chr(low)}-{chr(high)}" for low, high in WORD_CHARACTERS if low >= 0x80)
    + "]"
)


def _hex(match: re.Match[str]) -> str:
    return f"_{ord(match.group()):05x}"


def _encode(token: str) -> str:
    """Every character InnoDB's parser would not keep in a word as ``_`` and five hex digits.

    ASCII passes unchanged: a token's ASCII characters are letters and digits.
    """
    return token if token.isascii() else _NOT_WORD.sub(_hex, token)


def _cut(token: str) -> str:
    """An encoded token cut to ``MAX_TOKEN`` characters, never inside an encoded character.

    Index and query cut alike, so a long word and a prefix of it still match.
    """
    token = token[:MAX_TOKEN]
    partial = token.rfind("_", MAX_TOKEN - _UNIT + 1)
    return token[:partial] if partial != -1 else token


@lru_cache(maxsize=65536)
def _token(token: str) -> str:
    """One token as InnoDB indexes it and is asked for it: encoded, cut, padded with ``_``.

    The one rule for documents and queries alike, so they always match; cached, as a
    document repeats its words (a body of 100,000 characters takes 2-4 ms).
    """
    token = _cut(_encode(token))
    return token + "_" * (MIN_TOKEN - len(token)) if len(token) < MIN_TOKEN else token


def _stem(stem: str) -> str:
    """A prefix as InnoDB is asked for it: encoded and cut, not padded (``a`` starts ``a__``)."""
    return _cut(_encode(stem))


def _pad(text: str) -> str:
    """Every token of a field's prepared text as InnoDB indexes it (``_token``)."""
    return " ".join([_token(token) for token in text.split()])


def document_text(document: PreparedDocument) -> str:
    """The single text column MariaDB indexes for one article."""
    parts = [
        _pad(document.field(name))
        for name, repeats in FIELD_REPEATS
        for _ in range(repeats)
        if document.field(name)
    ]
    return f" {SEPARATOR} ".join(parts)


def _term(term: Term) -> str:
    parts = []
    if term.phrase:
        padded = [_token(token) for token in term.phrase]
        parts.append(padded[0] if len(padded) == 1 else '"' + " ".join(padded) + '"')
    if term.stem is not None:
        parts.append(f"{_stem(term.stem)}*")
    return parts[0] if len(parts) == 1 else "(" + " ".join(f"+{part}" for part in parts) + ")"


def boolean_query(query: SearchQuery) -> str:
    """The ``AGAINST (... IN BOOLEAN MODE)`` text of a parsed query.

    Tokens hold only letters, digits, marks and padding, never an operator character.
    """
    parts = []
    for group in query.groups:
        if len(group) == 1:
            parts.append("+" + _term(group[0]))
        else:
            parts.append("+(" + " ".join(_term(term) for term in group) + ")")
    parts += ["-" + _term(term) for term in query.excluded]
    return " ".join(parts)


def _fields(document: str) -> list[list[str]]:
    """The tokens of each field written into a document (phrases never cross fields).

    They stay as InnoDB indexes them (encoded, cut, padded): a term is compared with
    them in that form too, so matching here is InnoDB's, cut words included.
    """
    return [part.split() for part in document.split(f" {SEPARATOR} ")]


def _occurrences(term: Term, fields: list[list[str]]) -> int:
    """How often ``term`` occurs in the fields (0 when it does not match)."""
    found = 0
    if term.phrase:
        phrase = tuple(_token(token) for token in term.phrase)
        size = len(phrase)
        found = sum(
            1
            for tokens in fields
            for at in range(len(tokens) - size + 1)
            if tuple(tokens[at : at + size]) == phrase
        )
        if not found:
            return 0
    if term.stem is not None:
        stem = _stem(term.stem)
        starts = sum(1 for tokens in fields for token in tokens if token.startswith(stem))
        if not starts:
            return 0
        found += starts
    return found


class MariaDBFulltext(SearchEngine):
    """The FULLTEXT index of a MariaDB or MySQL database."""

    key_column: ClassVar[str] = "article_id"
    stems_in_python: ClassVar[bool] = True
    indexes_at_commit: ClassVar[bool] = True

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.table = Table(
            self.name,
            MetaData(schema=tables.schema),
            Column("article_id", Uuid(), primary_key=True),
            Column("document", Text()),
        )
        statement = insert(self.table)
        self._upsert = statement.on_duplicate_key_update(document=statement.inserted.document)

    def write(
        self,
        conn: Connection,
        documents: Sequence[PreparedDocument],
        document_ids: Mapping[UUID, int],
    ) -> None:
        """Insert or replace the documents (one statement for all of them)."""
        if not documents:
            return
        conn.execute(
            self._upsert,
            [
                {"article_id": doc.article_id, "document": document_text(doc)}
                for doc in self.indexed(documents)
            ],
        )

    def stored(self, conn: Connection, article_ids: Collection[UUID]) -> dict[UUID, str]:
        """The documents of these articles as this transaction sees them."""
        rows = conn.execute(
            select(self.table.c.article_id, self.table.c.document).where(
                self.table.c.article_id.in_(list(article_ids))
            )
        )
        found: dict[UUID, str] = {}
        for article_id, document in rows:
            found[article_id] = document
        return found

    def score(self, query: SearchQuery, stored: str) -> int | None:
        """Boolean-mode semantics in Python; the rank grows with the words' occurrences."""
        fields = _fields(stored)
        if any(_occurrences(term, fields) for term in query.excluded):
            return None
        total = 0
        for group in query.groups:
            found = sum(_occurrences(term, fields) for term in group)
            if not found:
                return None
            total += found
        return total * RANK_SCALE // PENDING_SCALE

    def match(
        self, conn: Connection, query: SearchQuery, *, locale: str | None, cache: dict[Any, Any]
    ) -> Match:
        """One shape for every query: the boolean-mode text is a bound string."""
        return Match("fulltext", {"against": boolean_query(query)})

    def matches(self, query: SearchQuery, match: Match) -> Select[Any]:
        """Rows matching in boolean mode, ranked by InnoDB's relevance."""
        against = bindparam("against", type_=Text())
        relevance = mysql_match(self.table.c.document, against=against).in_boolean_mode()
        return select(
            self.table.c.article_id.label("key"),
            cast(relevance * RANK_SCALE, BigInteger).label("rank"),
        ).where(relevance)
