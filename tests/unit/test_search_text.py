# ruff: noqa: RUF001 - full-width letters and typographic apostrophes are what is folded
"""Text preparation, query parsing, engine query rendering and highlighting (no database)."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newscms.errors import QueryError
from newscms.store.search.mariadb import (
    MAX_TOKEN,
    MIN_TOKEN,
    WORD_CHARACTERS,
    MariaDBFulltext,
    boolean_query,
    document_text,
)
from newscms.store.search.query import MAX_QUERY_LENGTH, SearchQuery, Term, parse_query
from newscms.store.search.snippets import highlight, snippet
from newscms.store.search.sqlite_fts5 import fts5_expression
from newscms.store.search.text import (
    MAX_TOKEN_LENGTH,
    fold,
    indexed,
    is_unsegmented,
    plain_text,
    spans,
    tokens,
)
from newscms.store.tables import build_tables

FAST = settings(max_examples=200, deadline=None)
any_text = st.text(alphabet=st.characters(codec=None), max_size=80)
words = st.text(alphabet=st.characters(categories=["L", "M", "N"]), min_size=1, max_size=10)


# -- folding and tokens -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seúl", ["seul"]),
        ("SEÚL", ["seul"]),
        ("Straße", ["strasse"]),
        ("ÆØÅ æøå", ["aeoa", "aeoa"]),
        ("Łódź Đakovo", ["lodz", "dakovo"]),
        ("İstanbul", ["istanbul"]),
        ("Ёлка", ["елка"]),
        ("Йошкар-Ола", ["йошкар", "ола"]),  # й is a letter of its own: kept
        ("Ελλάδα", ["ελλαδα"]),
        ("ﬁnance ｆｕｌｌ", ["finance", "full"]),
        ("L’Italia «così»", ["l", "italia", "cosi"]),
        ("kim-jong-un", ["kim", "jong", "un"]),
        ("infor\u00admation", ["information"]),  # a soft hyphen joins
        ("e\u0301te\u0301", ["ete"]),  # decomposed accents too
        ("हिन्दी", ["हिन्दी"]),  # vowel signs are part of the word
        ("がくせい", ["がく", "くせ", "せい"]),  # voicing marks stay
        ("北京市政府", ["北京", "京市", "市政", "政府"]),
        ("iPhone手机", ["iphone", "手机"]),
        ("서울에서", ["서울", "울에", "에서"]),
        ("ที่นี่", ["ที่", "นี่"]),  # Thai: syllables, marks with their letters
        ("a_b\x00c😀d", ["a", "b", "c", "d"]),
        ("x²", ["x2"]),
        ("", []),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_run_ends_are_indexed_apart_from_the_tokens():
    assert indexed("北京 大学") == (["北京", "大学"], ["京", "学"])
    assert indexed("京") == (["京"], [])
    assert indexed("Seoul 首尔市") == (["seoul", "首尔", "尔市"], ["市"])


def test_long_words_are_cut():
    assert tokens("a" * 200) == ["a" * MAX_TOKEN_LENGTH]


@FAST
@given(any_text)
def test_tokens_are_clean_words(text):
    for token in tokens(text) + indexed(text)[1]:
        assert token
        assert len(token) <= MAX_TOKEN_LENGTH
        for char in token:
            assert unicodedata.category(char)[0] in "LMN", (token, char)
        assert token == token.casefold() or not token.isascii()


@FAST
@given(any_text)
def test_preparing_prepared_text_changes_nothing(text):
    prepared = " ".join(tokens(text))
    assert tokens(prepared) == tokens(text)
    assert fold(fold(text)) == fold(text)


@FAST
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_the_ascii_fast_path_splits_like_the_rule(text):
    assert tokens(text) == re.findall(r"[a-z0-9]+", text.lower())


@FAST
@given(st.lists(words, min_size=1, max_size=6))
@example(["Æᄀ\U000e0100"])  # Æ → ae and a dropped variation selector keep the length
def test_spans_point_at_the_words_they_come_from(parts):
    text = " ".join(parts)
    found = spans(text)
    main = [token for token, *_ in found if token in tokens(text)]
    assert main[: len(tokens(text))] == tokens(text)
    for _token, start, end, head in found:
        assert 0 <= start < head <= end <= len(text)
        assert tokens(text[start:end]) or indexed(text[start:end])[1]


def test_plain_text_joins_inline_tags_and_splits_blocks():
    body = "<p>La <b>hist</b>ória &amp; co.</p><p>Next<br>line</p><ul><li>a</li><li>b</li></ul>"
    assert tokens(plain_text(body)) == ["la", "historia", "co", "next", "line", "a", "b"]


# -- queries ----------------------------------------------------------------------------


def _shape(text: str) -> tuple[list[list[str]], list[str]]:
    query = parse_query(text)
    groups = [[term.key() for term in group] for group in query.groups]
    return groups, [term.key() for term in query.excluded]


@pytest.mark.parametrize(
    ("text", "groups", "excluded"),
    [
        ("seoul korea", [["seoul"], ["korea"]], []),
        ('"north korea"', [["north korea"]], []),
        ("summit seoul or pyongyang", [["summit"], ["seoul", "pyongyang"]], []),
        ("a OR b | c", [["a", "b", "c"]], []),
        ('-missile NOT "nuclear test" peace', [["peace"]], ["missile", "nuclear test"]),
        ("war AND peace && x", [["war"], ["peace"], ["x"]], []),
        ("vot* (kim-jo*)", [["vot*"], ["kim jo*"]], []),
        ("北京市 京 北京*", [["北京 京市"], ["京*"], ["北京"]], []),
        ("or", [["or"]], []),
        ("a or -b", [["a"]], ["b"]),
        ("(war OR peace) NEAR/3", [["war", "peace"], ["near 3"]], []),
        ('café" unclosed "quote', [["cafe"], ["unclosed"], ["quote"]], []),
        ("+seoul ~korea ^x @y <z>", [["seoul"], ["korea"], ["x"], ["y"], ["z"]], []),
        ("seoul seoul", [["seoul"]], []),
    ],
)
def test_query_syntax(text, groups, excluded):
    assert _shape(text) == (groups, excluded)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "nothing to search for"),
        ("*** ((( )))", "nothing to search for"),
        ("-only -exclusions", "exclusions alone"),
        ("a*", "at least 2 letters"),
        ("x" * (MAX_QUERY_LENGTH + 1), "at most 500"),
        ("w " * 33, None),
        ("北" * 70, "too long"),
        (None, "is text"),
        (b"bytes", "is text"),
    ],
)
def test_queries_that_cannot_run(text, message):
    with pytest.raises(QueryError, match=message) as error:
        parse_query(text)
    assert error.value.field == "query"


operators = st.sampled_from([*'()"*-+~^:@<>|&!', "AND", "OR", "NOT", "NEAR", "or"])
typed = st.one_of(
    any_text,
    st.lists(st.one_of(operators, words), max_size=12).map(" ".join),
    st.lists(st.one_of(operators, words), max_size=12).map("".join),
)


@FAST
@given(typed)
@example("Ǽ")  # folded to æ, which folds again to ae: spelled out after the accent goes
def test_any_text_parses_or_is_a_query_error(text):
    try:
        query = parse_query(text)
    except QueryError:
        return
    assert query.groups
    for term in (*query.terms, *query.excluded):
        assert term.tokens
        assert all(token in tokens(token) or is_unsegmented(token) for token in term.tokens)
    assert parse_query(text).key() == query.key()


# -- what each engine receives --------------------------------------------------------------

_FTS5_STRUCTURE = re.compile(r'^(?:"[^"]+"\*?|\(|\)| AND | OR | NOT )+$')


@FAST
@given(typed)
def test_fts5_receives_only_quoted_tokens(text):
    try:
        query = parse_query(text)
    except QueryError:
        return
    expression = fts5_expression(query)
    assert _FTS5_STRUCTURE.match(expression), expression
    for quoted in re.findall(r'"([^"]+)"', expression):
        assert all(tokens(part) == [part] or is_unsegmented(part) for part in quoted.split(" "))


@FAST
@given(typed)
def test_mariadb_receives_only_padded_tokens_and_its_own_operators(text):
    try:
        query = parse_query(text)
    except QueryError:
        return
    expression = boolean_query(query)
    stripped = re.sub(r'[+\-()"]', " ", expression)
    for word in stripped.split():
        assert len(word) >= 3 or word.endswith("*"), word
        assert not set(word.rstrip("*")) & set('+-><()~*:"&|@')


def test_engine_renderings_of_one_query():
    query = parse_query('seoul or "north korea" -missile vot* 北京 un')
    assert fts5_expression(query) == (
        '(("seoul" OR "north korea") AND ("vot"*) AND ("北京") AND ("un")) NOT "missile"'
    )
    assert boolean_query(query) == '+(seoul "north korea") +vot* +北京_ +un_ -missile'


def test_the_mariadb_document_pads_repeats_and_separates_fields():
    from uuid import uuid4

    from newscms.store.search.documents import PreparedDocument

    doc = PreparedDocument(uuid4(), "en", "un summit", "", "body 𠀀x", "korea", "")
    assert document_text(doc) == (
        "un_ summit ___ un_ summit ___ un_ summit ___ korea ___ korea ___ body _20000x"
    )


_MARIADB_WORD = frozenset(
    chr(code) for low, high in WORD_CHARACTERS for code in range(low, high + 1)
)
letters = st.text(alphabet=st.characters(categories=["L", "M", "N"]), min_size=1, max_size=30)


def _document(text):
    from uuid import uuid4

    from newscms.store.search.documents import PreparedDocument

    return PreparedDocument(uuid4(), "en", " ".join(tokens(text)), "", "", "", "")


@FAST
@given(st.one_of(any_text, st.lists(letters, max_size=6).map(" ".join)))
def test_innodb_keeps_every_token_mariadb_receives_whole(text):
    """Only characters InnoDB's parser keeps in a word, in words it indexes (3 to 84 long)."""
    stored = document_text(_document(text)).split()
    try:
        query = re.sub(r'[+\-()"*]', " ", boolean_query(parse_query(text))).split()
    except QueryError:
        query = []
    for token in stored + query:
        assert set(token) <= _MARIADB_WORD, token
        assert len(token) <= MAX_TOKEN, token
    assert all(len(token) >= MIN_TOKEN for token in stored)  # query prefixes may be shorter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ua4d0", "+_0a4d0"),  # Lisu, Unicode 5.2: not a letter to InnoDB
        ("a\ua4d0b", "+a_0a4d0b"),  # inside a word: the word stays one
        ("\ua984\ua9a4", "+_0a984_0a9a4"),  # Javanese
        ("\u1000\u103b", "+က_0103b"),  # a Myanmar medial (5.1) on a letter InnoDB knows
        ("\u0525", "+_00525"),  # Cyrillic, added in 5.1
        ("\U00010428\U00010429", "+_10428_10429"),  # Deseret: beyond the BMP, never a letter
        ("seúl москва", "+seul +москва"),  # letters InnoDB knows pass unchanged
        ("\ua4d0\ua4d1*", "+_0a4d0_0a4d1*"),  # a prefix, encoded the same way
    ],
)
def test_letters_innodb_does_not_know_are_written_in_hex(text, expected):
    assert boolean_query(parse_query(text)) == expected


def test_long_encoded_words_are_cut_between_characters():
    # 20 Lisu letters are 120 encoded characters: InnoDB would not index the word at all.
    word = "\ua4d0" * 20
    assert document_text(_document(word)).split()[0] == "_0a4d0" * 14
    assert boolean_query(parse_query(word)) == "+" + "_0a4d0" * 14
    # Never inside an encoded character: 1 + 13 * 6 = 79, the next one would end at 85.
    assert boolean_query(parse_query("a" + word)) == "+a" + "_0a4d0" * 13
    assert boolean_query(parse_query(word + "*")) == "+" + "_0a4d0" * 14 + "*"


@FAST
@given(st.lists(letters, min_size=1, max_size=6))
def test_mariadb_matches_its_own_saves_as_innodb_does(parts):
    """Before the commit, the Python match finds every word, cut long words included."""
    engine = MariaDBFulltext(build_tables())
    text = " ".join(parts)
    stored = document_text(_document(text))
    for word in parts:
        try:
            query = parse_query(word)
        except QueryError:
            continue
        assert engine.score(query, stored) is not None, word
    assert engine.score(parse_query("absent"), stored) is None


# -- highlighting ----------------------------------------------------------------------------

_MARKED = re.compile(r"<mark>(.*?)</mark>")


@FAST
@given(any_text, st.lists(words, min_size=1, max_size=3))
def test_highlight_escapes_everything_and_marks_only_matches(text, query_words):
    try:
        query = parse_query(" ".join(query_words))
    except QueryError:
        return
    marked = highlight(text, query)
    assert "<" not in _MARKED.sub("", marked).replace("<mark>", "").replace("</mark>", "")
    assert html.unescape(marked.replace("<mark>", "").replace("</mark>", "")) == text
    for inside in _MARKED.findall(marked):
        assert tokens(html.unescape(inside)) or indexed(html.unescape(inside))[1]


def test_highlight_marks_folded_and_unsegmented_matches():
    query = parse_query('Seul "north korea" 北京 vot*')
    assert highlight("Seúl & <North> Korea voting in 北京市", query) == (
        "<mark>Seúl</mark> &amp; &lt;<mark>North&gt; Korea</mark> <mark>voting</mark> "
        "in <mark>北京</mark>市"
    )
    assert highlight("东京和北京", parse_query("京")) == "东<mark>京</mark>和北<mark>京</mark>"


def test_highlight_marks_words_of_the_same_stem_in_the_articles_language():
    query = parse_query('vote "family reunion" officials*')
    text = "Voting ends; the votes of families at the Family Reunions, said an official"
    assert highlight(text, query, language="english") == (
        "<mark>Voting</mark> ends; the <mark>votes</mark> of families at the "
        "<mark>Family Reunions</mark>, said an <mark>official</mark>"
    )
    assert highlight(text, query) == text  # without the language: exact forms only
    body = ("Filler words come first. " * 30) + "Officials voted on Tuesday. " + "More. " * 30
    found = snippet(body, parse_query("vote"), language="english")
    assert found.startswith("…") and "<mark>voted</mark>" in found


def test_a_snippet_is_a_window_around_the_best_matches():
    text = ("Filler words come first. " * 30) + "The flood relief arrived. " + "More. " * 30
    found = snippet(text, parse_query("flood relief"))
    assert found.startswith("…") and found.endswith("…")
    assert "<mark>flood</mark> <mark>relief</mark>" in found
    assert len(html.unescape(_MARKED.sub(r"\1", found))) <= 260


def test_a_snippet_without_matches_is_the_start():
    assert snippet("Short text.", parse_query("absent")) == "Short text."
    assert snippet("", parse_query("absent")) == ""


@FAST
@given(st.lists(st.one_of(words, st.sampled_from([" ", ". ", "<b>", "&", "\n"])), max_size=80))
def test_a_snippet_is_escaped_text_of_the_original(parts):
    text = "".join(parts)
    found = snippet(text, parse_query("a or b or 北京"))
    plain = html.unescape(_MARKED.sub(r"\1", found)).strip("…")
    assert " ".join(plain.split()) in " ".join(text.split())
    assert "<" not in _MARKED.sub("", found)


def test_terms_keep_their_meaning():
    term = Term(("kim", "jo"), prefix=True)
    assert term.phrase == ("kim",) and term.stem == "jo"
    query = SearchQuery(groups=((term,),))
    assert query.terms == (term,)
    assert query.fingerprint() == SearchQuery(groups=((term,),), text="x").fingerprint()
