"""Legacy URLs: what is accepted, what two spellings match, and that nothing else escapes."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from newscms.errors import ValidationError
from newscms.utils.legacy_urls import (
    LEGACY_URL_MAX,
    legacy_url_key,
    normalize_legacy_url,
    parse_legacy_url,
)

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
RESERVED = ":/?#[]@!$&'()*+,;="
SUB_DELIMS = "!$&'()*+,;=:@"
# Characters a URI cannot carry as they are (percent-encoded by the normalisation).
NOT_IN_URIS = ' "<>[\\]^`{|}'
PLAIN = r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*"
NORMALIZED = re.compile(rf"/{PLAIN}(%[0-9A-F]{{2}}{PLAIN})*")


@pytest.mark.parametrize(
    ("spellings", "path"),
    [
        (
            [
                "http://www.asianews.it/news-en/x-24963.html",
                "HTTPS://Other.Example:8080/news-en/x-24963.html#comments",
                "//www.asianews.it/news-en/x-24963.html",
                "/news-en/x-24963.html",
                "news-en/x-24963.html",
                "  /news-en/x-24963.html  ",
                "/news-en/./old/../x-24963.html",
                "http://old.example//news-en/x-24963.html?",
                "/%6Eews-en/x-24963.html",
            ],
            "/news-en/x-24963.html",
        ),
        (["/%7Euser/caf%c3%a9", "/~user/café", "/%7euser/caf%C3%A9"], "/~user/caf%C3%A9"),
        (['/a b/"q"', "/a%20b/%22q%22"], "/a%20b/%22q%22"),
        (["/news.php?id=5&lang=en", "news.php?id=5&lang=en#top"], "/news.php?id=5&lang=en"),
        (["/q?%7e=%2f&x=%e9"], "/q?~=%2F&x=%E9"),  # reserved and Latin-1 escapes stay
        (["/100%", "/100%25"], "/100%25"),  # a "%" starting no escape is itself
        (["/a/b/..", "/a/b/../", "/a/."], "/a/"),
        (["http://host", "http://host/", "/"], "/"),
    ],
)
def test_spellings_of_one_address_match(spellings: list[str], path: str) -> None:
    assert {normalize_legacy_url(spelling) for spelling in spellings} == {path}
    assert len({legacy_url_key(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("/News.html", "/news.html"),  # case is significant on real servers
        ("/dir", "/dir/"),  # so is a final slash
        ("/a%2Fb", "/a/b"),  # an escaped reserved character is not that character
        ("/x.html?id=1", "/x.html?id=2"),
        ("/x.html?id=1", "/x.html"),
        ("/café", "/cafe%CC%81"),  # no Unicode normalisation: NFC and NFD bytes differ
        ("/a//b", "/a/b"),
        ("/caf%E9", "/caf%C3%A9"),  # Latin-1 and UTF-8 escapes
    ],
)
def test_different_addresses_do_not_match(one: str, other: str) -> None:
    assert legacy_url_key(one) != legacy_url_key(other)


def test_the_recorded_url_keeps_what_was_given_but_the_fragment() -> None:
    parsed = parse_legacy_url(" http://www.asianews.it/news-en/X.html?a=1#top ")
    assert parsed.url == "http://www.asianews.it/news-en/X.html?a=1"
    assert parsed.path == "/news-en/X.html?a=1"
    assert re.fullmatch(r"[0-9a-f]{64}", parsed.key)
    assert parse_legacy_url("news-en/x.html").url == "/news-en/x.html"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "must be a string, not NoneType"),
        (b"/x.html", "must be a string, not bytes"),
        ("mailto:desk@asianews.it", "'mailto' URL"),
        ("javascript:alert(1)", "'javascript' URL"),
        ("ftp://old.example/x.html", "'ftp' URL"),
        ("#comments", "names no page"),
        ("?id=5", "names no page"),
        ("http:/news-en/x.html", "no host name"),
        ("http:///x.html", "no host name"),
        ("///x.html", "no host name"),
        ("http://[::1/x", "is not a URL"),
        ("/a\tb", "control character"),
        ("/a\nb", "control character"),
        ("/a\x85b", "control character"),
        ("/caf\udce9", "not Unicode"),
        ("/" + "x" * LEGACY_URL_MAX, "2,001 characters"),
        ("x" * LEGACY_URL_MAX, "2,001 characters"),  # with its "/", one too many
    ],
)
def test_what_is_not_a_legacy_url_is_refused_by_name(url: object, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_legacy_url(url)
    assert refused.value.field == "url"
    assert says in str(refused.value)


def test_a_long_url_is_refused_with_a_short_message() -> None:
    with pytest.raises(ValidationError) as refused:
        parse_legacy_url("gopher:" + "x" * 1990)
    assert len(str(refused.value)) < 300


# -- properties -------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [*UNRESERVED[:6], *"-._~", *SUB_DELIMS, *NOT_IN_URIS, "/", "//", ".", "..", "%", "%2F",
     "%2f", "%7E", "%7e", "%41", "%c3%a9", "%E9", "%zz", "é", "中", "😀", "?", "#"]
)  # fmt: skip
_URLISH = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["", "/", "//host", "http://host", "https://a.b:81", "HTTP://x"]),
    st.lists(_PIECES, max_size=30).map("".join),
)


@settings(max_examples=500)
@given(st.one_of(_URLISH, st.text(max_size=60)))
@example("A #")  # the space before the fragment went with it only on a second reading
def test_normalisation_is_idempotent_and_its_form_is_plain(url: str) -> None:
    try:
        parsed = parse_legacy_url(url)
    except ValidationError:
        return
    assert normalize_legacy_url(parsed.path) == parsed.path
    assert legacy_url_key(parsed.path) == parsed.key
    assert parse_legacy_url(parsed.url).path == parsed.path  # the record matches as given
    assert NORMALIZED.fullmatch(parsed.path), parsed.path
    assert not parsed.path.startswith("//")
    assert len(parsed.url) <= LEGACY_URL_MAX


def _encoded(character: str, upper: bool) -> str:
    hexes = [f"{byte:02X}" if upper else f"{byte:02x}" for byte in character.encode()]
    return "".join(f"%{h}" for h in hexes)


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(UNRESERVED + '/é中😀 "<>{}|'),
                st.characters(codec="utf-8", categories=["L", "N", "S", "Zs"]),
            ),
            st.booleans(),  # percent-encode this one?
            st.booleans(),  # upper-case hex?
        ),
        min_size=1,
        max_size=25,
    ),
    st.sampled_from(["", "http://www.asianews.it", "https://other.example"]),
    st.sampled_from(["", "#top", "#"]),
)
def test_equivalent_spellings_have_one_key(  # any but a reserved character may be escaped
    characters: list[tuple[str, bool, bool]], host: str, fragment: str
) -> None:
    plain = host + "/" + "".join(c for c, _, _ in characters)
    assume(plain == plain.strip())  # spaces around a URL are no part of it
    spelled = (
        host
        + "/"
        + "".join(
            _encoded(c, upper) if encode and c not in RESERVED else c
            for c, encode, upper in characters
        )
    )
    try:
        expected = legacy_url_key(plain)
    except ValidationError:
        return  # "." and ".." segments and the like: tested by example above
    assert legacy_url_key(spelled + fragment) == expected


@settings(max_examples=500)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.characters(codec="utf-8")).map(lambda t: "http://" + t),
        st.text().map(lambda t: "/" + t),
        st.binary(),
        st.integers(),
        st.none(),
        st.lists(st.text(), max_size=2),
    )
)
def test_nothing_but_a_validation_error_ever_escapes(value: object) -> None:
    try:
        parsed = parse_legacy_url(value)
    except ValidationError as refused:
        field = refused.field
    else:
        assert isinstance(value, str)
        assert parsed.key == legacy_url_key(value)
        return
    assert field == "url"
