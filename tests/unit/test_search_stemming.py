"""Snowball stems for SQLite and MariaDB: the same at index and query time, never lossy.

The store tests run the stemmed queries on every backend (tests/store/test_search.py);
these check the pure functions: what a document becomes, what a query asks for.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.errors import QueryError
from newscms.store.search.documents import PreparedDocument
from newscms.store.search.query import parse_query
from newscms.store.search.stemming import (
    LANGUAGES,
    language_of,
    stem_tokens,
    stemmed_document,
    stemmed_query,
)
from newscms.store.search.text import tokens

FAST = settings(max_examples=200, deadline=None)
words = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12)
languages = st.sampled_from(sorted(set(LANGUAGES.values())))


def _document(locale: str, text: str) -> PreparedDocument:
    prepared = " ".join(tokens(text))
    return PreparedDocument(uuid.uuid4(), locale, prepared, prepared, prepared, prepared, "x")


@pytest.mark.parametrize(
    ("locale", "language"),
    [("en", "english"), ("en-GB", "english"), ("pt-BR", "portuguese"), ("IT", "italian")],
)
def test_a_locale_has_its_language_stemmer(locale: str, language: str) -> None:
    assert language_of(locale) == language


@pytest.mark.parametrize("locale", ["zh", "ja", "ko", "th", "und", "x-klingon"])
def test_languages_without_a_stemmer_have_none(locale: str) -> None:
    assert language_of(locale) is None


def test_a_document_is_indexed_as_the_stems_of_its_language() -> None:
    english = stemmed_document(_document("en", "Officials voted; the votes are counted"))
    assert english.headline == "offici vote the vote are count"
    assert english.chars == "x"  # run-end characters are never stemmed
    italian = stemmed_document(_document("it", "I ricongiungimenti familiari"))
    assert italian.body == "i ricongiung familiar"


def test_unsegmented_tokens_and_unstemmed_languages_are_left_as_they_are() -> None:
    mixed = stemmed_document(_document("en", "北京 votes กรุงเทพ"))
    assert mixed.body.split() == [*tokens("北京"), "vote", *tokens("กรุงเทพ")]
    chinese = _document("zh", "北京 votes")
    assert stemmed_document(chinese) is chinese


@FAST
@given(st.lists(words, min_size=1, max_size=8), languages)
def test_stems_are_made_alike_in_text_and_in_queries(parts: list[str], language: str) -> None:
    found = tokens(" ".join(parts))
    stems = stem_tokens(found, language)
    assert len(stems) == len(found)
    assert stem_tokens(found, language) == stems  # the memo answers as the stemmer did
    assert [stem_tokens([token], language)[0] for token in found] == stems
    assert all(stem for stem in stems)


@FAST
@given(st.lists(words, min_size=1, max_size=4), st.lists(languages, max_size=3))
def test_a_stemmed_query_still_asks_for_every_word_as_written(
    parts: list[str], chosen: list[str]
) -> None:
    text = " ".join(parts)
    try:
        query = parse_query(text)
    except QueryError:  # only queries that parse are of interest here
        return
    asked = stemmed_query(query, chosen)
    assert len(asked.groups) == len(query.groups)
    for original, group in zip(query.groups, asked.groups, strict=True):
        assert set(original) <= set(group)
        assert len(group) == len(set(group))
    assert asked.text == query.text


def test_a_prefix_is_asked_as_written_and_as_its_stem() -> None:
    asked = stemmed_query(parse_query("officials*"), ["english"])
    assert {(term.tokens, term.prefix) for term in asked.groups[0]} == {
        (("officials",), True),
        (("offici",), True),
    }
    excluded = stemmed_query(parse_query("korea -reunions"), ["english"])
    assert {term.tokens for term in excluded.excluded} == {("reunions",), ("reunion",)}


def test_threads_stem_with_stemmers_of_their_own() -> None:
    text = tokens("officials voted while the protesters gathered outside parliament " * 50)
    expected = stem_tokens(text, "english")
    results: list[list[str]] = []

    def work() -> None:
        for _ in range(50):
            results.append(stem_tokens(text, "english"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 200
    assert all(result == expected for result in results)
