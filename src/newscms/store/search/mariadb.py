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

InnoDB's parser does not count letters beyond the BMP (CJK extension B ideographs,
historic scripts) as letters, so each is written as ``_`` and its five hex digits
(``𠀀`` → ``_20000``): fixed width, so a prefix of a word stays a prefix.

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

__all__ = ["FIELD_REPEATS", "MIN_TOKEN", "MariaDBFulltext", "boolean_query", "document_text"]

MIN_TOKEN = 3
"""InnoDB's default ``innodb_ft_min_token_size``: shorter tokens are padded to it."""
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

_ONE = re.compile(r"(?<!\S)(\S)(?!\S)")
_TWO = re.compile(r"(?<!\S)(\S\S)(?!\S)")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral(match: re.Match[str]) -> str:
    return f"_{ord(match.group()):05x}"


def _encode(text: str) -> str:
    """Letters beyond the BMP as ``_`` and five hex digits (all letters are below U+100000)."""
    return _ASTRAL.sub(_astral, text) if _ASTRAL.search(text) else text


def _pad(text: str) -> str:
    """Every token of ``text`` encoded, then padded to ``MIN_TOKEN`` characters with ``_``."""
    return _TWO.sub(r"\1_", _ONE.sub(r"\1__", _encode(text)))


def _token(token: str) -> str:
    token = _encode(token)
    return token + "_" * (MIN_TOKEN - len(token)) if len(token) < MIN_TOKEN else token


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
        parts.append(f"{_encode(term.stem)}*")
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


_HEX = re.compile(r"_([0-9a-f]{5})")


def _decoded(token: str) -> str:
    """A document token as ``text.tokens`` made it: padding off, BMP-outside letters back."""
    token = token.rstrip("_") if len(token) == MIN_TOKEN else token
    return _HEX.sub(lambda match: chr(int(match.group(1), 16)), token) if "_" in token else token


def _fields(document: str) -> list[list[str]]:
    """The tokens of each field written into a document (phrases never cross fields)."""
    return [
        [_decoded(token) for token in part.split()] for part in document.split(f" {SEPARATOR} ")
    ]


def _occurrences(term: Term, fields: list[list[str]]) -> int:
    """How often ``term`` occurs in the fields (0 when it does not match)."""
    found = 0
    if term.phrase:
        size = len(term.phrase)
        found = sum(
            1
            for tokens in fields
            for at in range(len(tokens) - size + 1)
            if tuple(tokens[at : at + size]) == term.phrase
        )
        if not found:
            return 0
    if term.stem is not None:
        starts = sum(1 for tokens in fields for token in tokens if token.startswith(term.stem))
        if not starts:
            return 0
        found += starts
    return found


class MariaDBFulltext(SearchEngine):
    """The FULLTEXT index of a MariaDB or MySQL database."""

    key_column: ClassVar[str] = "article_id"
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
            [{"article_id": doc.article_id, "document": document_text(doc)} for doc in documents],
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
