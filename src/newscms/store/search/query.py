"""What a reader types, parsed into a query every engine runs the same way.

The syntax is the one of web search boxes (PostgreSQL's ``websearch_to_tsquery``):

- ``seoul korea``: both words (folded: ``Seul`` also finds ``Seúl``);
- ``"north korea"``: the words next to each other, in this order;
- ``seoul or pyongyang``: either (``or`` in any case, or ``|``); ``or`` binds tighter
  than the implicit *and*: ``summit seoul or pyongyang`` is *summit and (seoul or
  pyongyang)*;
- ``-missile``, ``-"nuclear test"``, ``NOT missile``: without it;
- ``vot*``: words starting with ``vot`` (at least two letters before the ``*``);
- ``AND``, ``+word`` and every other operator character of any engine (``( ) ~ ^ : @ <
  > NEAR``…) mean nothing special: they are punctuation, and punctuation separates words.

A word that splits into several tokens (``kim-jong-un``, ``l'Italia``, ``北京市``) is
matched as a phrase of them. Nothing the reader types ever reaches an engine as syntax:
engines receive only tokens, quoted by the engine module.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from newscms.errors import QueryError
from newscms.store.search.text import is_unsegmented, tokens

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "MAX_TOKENS",
    "SearchQuery",
    "Term",
    "parse_query",
]

MAX_QUERY_LENGTH = 500
"""Characters a query may have (a search box, not a document)."""
MAX_TERMS = 32
"""Words and phrases a query may have, exclusions included."""
MAX_TOKENS = 64
"""Tokens a query may have in all (a Chinese sentence of 64 characters is 63 bigrams)."""
MIN_PREFIX = 2
"""Letters a prefix search needs before its ``*`` (one ideograph is enough)."""

_ITEM = re.compile(r'(?P<neg>-+)?"(?P<quoted>[^"]*)"?|(?P<chunk>[^\s"]+)')
_OR = frozenset({"or", "|", "||"})
_AND = frozenset({"AND", "&", "&&"})
_NOT = frozenset({"NOT", "!"})
_PREFIX = re.compile(r"\*[^\w*]*$")


@dataclass(frozen=True, slots=True)
class Term:
    """Tokens that must appear next to each other; with ``prefix``, the last one starts a word.

    A prefix term of several tokens (``kim-jo*``) needs the phrase of its first tokens
    and, anywhere, a word starting with its last token.
    """

    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def phrase(self) -> tuple[str, ...]:
        """The tokens matched as a phrase (all of them unless the last is a prefix)."""
        return self.tokens[:-1] if self.prefix else self.tokens

    @property
    def stem(self) -> str | None:
        """The prefix a word must start with, if any."""
        return self.tokens[-1] if self.prefix else None

    def key(self) -> str:
        """A stable text form, for query fingerprints."""
        return " ".join(self.tokens) + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query: every group must match and no excluded term may.

    A group matches when any of its terms does (``seoul or pyongyang``).
    """

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()
    text: str = field(default="", compare=False)

    @property
    def terms(self) -> tuple[Term, ...]:
        """The terms a hit contains (those to highlight)."""
        return tuple(term for group in self.groups for term in group)

    def key(self) -> str:
        """A canonical text form: two queries with the same key find the same articles."""
        groups = ";".join("|".join(term.key() for term in group) for group in self.groups)
        excluded = ";".join(term.key() for term in self.excluded)
        return f"{groups}!{excluded}"

    def fingerprint(self) -> str:
        """A short digest of ``key`` (for cursors and caches)."""
        return hashlib.sha256(self.key().encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class _Item:
    kind: str  # "term", "or", "and"
    term: Term | None = None
    negated: bool = False


def _term(text: str, *, prefix: bool) -> Term | None:
    found = tokens(text)
    if not found:
        return None
    if len(found) == 1 and is_unsegmented(found[0]) and len(found[0]) == 1:
        # One ideograph: indexed as the first character of bigrams, so a prefix.
        return Term((found[0],), prefix=True)
    if prefix and is_unsegmented(found[-1]):
        prefix = False  # bigrams already match inside words
    if prefix and len(found[-1]) < MIN_PREFIX:
        raise QueryError(
            f"a prefix search needs at least {MIN_PREFIX} letters before the *: {text.strip()!r}",
            field="query",
        )
    return Term(tuple(found), prefix=prefix)


def _items(text: str) -> list[_Item]:
    items: list[_Item] = []
    negate_next = False
    for match in _ITEM.finditer(text):
        if match.group("quoted") is not None:
            term = _term(match.group("quoted"), prefix=False)
            negated = negate_next or bool(match.group("neg"))
            negate_next = False
            if term is not None:
                items.append(_Item("term", term, negated))
            continue
        chunk = match.group("chunk")
        if chunk.casefold() in _OR:
            items.append(_Item("or"))
            continue
        if chunk in _AND:
            continue
        if chunk in _NOT:
            negate_next = True
            continue
        negated = negate_next or chunk.startswith("-")
        negate_next = False
        body = chunk.lstrip("-+")
        term = _term(body, prefix=bool(_PREFIX.search(body)))
        if term is not None:
            items.append(_Item("term", term, negated))
    return items


def _group(items: list[_Item]) -> tuple[list[list[Term]], list[Term]]:
    """Join ``a or b`` into groups; an ``or`` not between two wanted terms is the word."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    for index, item in enumerate(items):
        if item.kind == "or":
            before = items[index - 1] if index else None
            after = items[index + 1] if index + 1 < len(items) else None
            if (
                before is not None
                and after is not None
                and before.kind == after.kind == "term"
                and not before.negated
                and not after.negated
                and groups
            ):
                joining = True
            elif not any(i.kind == "term" and not i.negated for i in items):
                groups.append([Term(("or",))])
            continue
        assert item.term is not None
        if item.negated:
            excluded.append(item.term)
        elif joining:
            groups[-1].append(item.term)
        else:
            groups.append([item.term])
        joining = False
    return groups, excluded


def parse_query(text: object) -> SearchQuery:
    """Parse what a reader typed.

    Raises:
        QueryError: ``text`` is not a string, is longer than ``MAX_QUERY_LENGTH``, has
            more than ``MAX_TERMS`` terms or ``MAX_TOKENS`` tokens, has nothing to search
            for (only punctuation, or only exclusions), or puts ``*`` after one letter.
    """
    if not isinstance(text, str):
        raise QueryError(f"a query is text, not {type(text).__name__}", field="query")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is {len(text):,} characters long; at most {MAX_QUERY_LENGTH} are "
            "searched for, so shorten it to the words that matter",
            field="query",
        )
    groups, excluded = _group(_items(text))
    if not groups:
        raise QueryError(
            "nothing to search for: type at least one word (exclusions alone find nothing)"
            if excluded
            else "nothing to search for: type at least one word",
            field="query",
        )
    terms = [term for group in groups for term in group] + excluded
    if len(terms) > MAX_TERMS:
        raise QueryError(
            f"the query has {len(terms)} words and phrases; at most {MAX_TERMS} are allowed",
            field="query",
        )
    if sum(len(term.tokens) for term in terms) > MAX_TOKENS:
        raise QueryError(
            f"the query is too long to search for (over {MAX_TOKENS} words or character "
            "pairs); shorten it",
            field="query",
        )
    return SearchQuery(
        groups=tuple(tuple(dict.fromkeys(group)) for group in dict.fromkeys(map(tuple, groups))),
        excluded=tuple(dict.fromkeys(excluded)),
        text=text,
    )
