"""Snowball stems for the engines that have no stemmer of their own (SQLite, MariaDB).

PostgreSQL stems with its text-search configurations, which are the Snowball stemmers;
SQLite's FTS5 and InnoDB's FULLTEXT do not stem. For them newscms stems in Python with
PyStemmer (the Snowball C library) by the article's language: each token of the
headline, summary, body and tags is indexed as its stem (``voted`` as ``vote``), and a
query term is asked for as its stems in the languages searched, besides its exact
form. So ``vote`` finds ``voted`` and ``votes`` in English articles on every engine.

The languages are PostgreSQL's (``LANGUAGES``); the others (Chinese, Japanese, Korean,
Thai, …) are indexed as they are, and their bigram or syllable tokens are never stemmed.
A search with a locale asks for that language's stems; one without asks for the stems
of every language the archive holds (found with a skip scan of the articles' locale
index, once per unit of work). Folding comes first (``text.fold``): the stemmer sees
``pres`` for ``prés``, at index and query time alike.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import Stemmer
from sqlalchemy import text

from newscms.store._base import quoted_name
from newscms.store.search.query import SearchQuery, Term
from newscms.store.search.text import is_unsegmented

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy import Connection

    from newscms.store.search.documents import PreparedDocument
    from newscms.store.tables import Tables

__all__ = [
    "LANGUAGES",
    "language_of",
    "languages_searched",
    "stem_tokens",
    "stemmed_document",
    "stemmed_query",
    "stored_locales",
]

LANGUAGES: dict[str, str] = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
"""Language subtag → Snowball stemmer (and PostgreSQL text-search configuration) name."""

_LOCALES_KEY = "search_stored_locales"
# Distinct locales stored, one index probe each (no engine here has a skip scan it uses).
_LOCALES = """
WITH RECURSIVE locales(locale) AS (
    SELECT MIN(locale) FROM {articles}
    UNION ALL
    SELECT (SELECT MIN(a.locale) FROM {articles} a WHERE a.locale > l.locale)
    FROM locales l WHERE l.locale IS NOT NULL
)
SELECT locale FROM locales WHERE locale IS NOT NULL
"""

_local = threading.local()  # PyStemmer's stemmers must not be shared between threads
_MEMO_MAX = 100_000  # words remembered per language and thread (~15 MB at most)


def language_of(locale: str) -> str | None:
    """The Snowball stemmer of a locale's language, or None when it has none."""
    return LANGUAGES.get(locale.split("-", 1)[0].lower())


def _stemmer(language: str) -> tuple[Any, dict[str, str]]:
    """This thread's stemmer of ``language`` and its memo of stems (word → stem)."""
    stemmers: dict[str, tuple[Any, dict[str, str]]] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    found = stemmers.get(language)
    if found is None:
        found = stemmers[language] = (Stemmer.Stemmer(language), {})
    return found


def stem_tokens(tokens: Sequence[str], language: str) -> list[str]:
    """``tokens`` as their stems in ``language``; bigram and syllable tokens unchanged.

    Stems are remembered (texts repeat their words): a body of 450 words takes a dict
    lookup per word instead of a call into the stemmer.
    """
    stemmer, memo = _stemmer(language)
    try:
        return list(map(memo.__getitem__, tokens))
    except KeyError:
        pass
    if len(memo) > _MEMO_MAX:
        memo.clear()
    missing = list({token for token in tokens if token not in memo})
    for token, stem in zip(missing, stemmer.stemWords(missing), strict=True):
        memo[token] = token if stem != token and is_unsegmented(token) else stem
    return [memo[token] for token in tokens]


def stemmed_document(document: PreparedDocument) -> PreparedDocument:
    """``document`` with its words as their stems in the article's language.

    Every field but ``chars`` (single run-end characters of bigram runs).
    """
    language = language_of(document.locale)
    if language is None:
        return document

    def stemmed(name: str) -> str:
        value = document.field(name)
        return " ".join(stem_tokens(value.split(" "), language)) if value else value

    return replace(
        document,
        headline=stemmed("headline"),
        summary=stemmed("summary"),
        body=stemmed("body"),
        tags=stemmed("tags"),
    )


def stemmed_query(query: SearchQuery, languages: Iterable[str]) -> SearchQuery:
    """``query`` with each term also asked for as its stems in ``languages``.

    A term matches its exact form or any of its stems; an excluded term excludes them
    all. A prefix (``presid*``) is asked for as it is and as its own stem, so
    ``president*`` still finds ``presidents``, indexed as ``presid``.
    """
    chosen = tuple(dict.fromkeys(languages))
    if not chosen:
        return query
    return SearchQuery(
        groups=tuple(_variants(group, chosen) for group in query.groups),
        excluded=_variants(query.excluded, chosen),
        text=query.text,
    )


def _variants(terms: Sequence[Term], languages: Sequence[str]) -> tuple[Term, ...]:
    found: dict[Term, None] = {}
    for term in terms:
        found[term] = None
        for language in languages:
            stems = tuple(stem_tokens(term.tokens, language))
            found[Term(stems, prefix=term.prefix)] = None
            if term.prefix:
                found[Term((*stems[:-1], term.tokens[-1]), prefix=True)] = None
    return tuple(found)


def stored_locales(conn: Connection, tables: Tables, cache: dict[Any, Any]) -> list[str]:
    """The distinct locales of the stored articles, read once per unit of work."""
    found: list[str] | None = cache.get(_LOCALES_KEY)
    if found is None:
        quoted = quoted_name(conn, tables.articles.fullname)
        found = list(conn.execute(text(_LOCALES.format(articles=quoted))).scalars())
        cache[_LOCALES_KEY] = found
    return found


def languages_searched(
    conn: Connection, tables: Tables, locale: str | None, cache: dict[Any, Any]
) -> list[str]:
    """The stemmers a search reads its query with: the locale's, or every stored language's."""
    locales = [locale] if locale is not None else stored_locales(conn, tables, cache)
    return sorted({language for loc in locales if (language := language_of(loc)) is not None})
