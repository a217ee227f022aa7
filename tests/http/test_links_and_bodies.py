"""Next-page links, the teaser projection, streamed bodies, and HEAD."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscms.domain import Article, Page
from newscms.formats import to_json
from newscms.http import (
    TEASER_FIELDS,
    HttpRequest,
    HttpResponse,
    finish,
    gathered,
    link_header,
    next_link,
    release_after,
    teaser,
)
from newscms.http._links import replace_segments

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
VALUES = st.text(max_size=12).filter(lambda text: "\x00" not in text)


@given(st.lists(st.tuples(NAMES, VALUES), max_size=6), st.text(min_size=1, max_size=40))
def test_next_link_keeps_every_other_parameter(params: list[tuple[str, str]], cursor: str) -> None:
    url = "https://api.example/api/articles?" + urlencode([*params, ("cursor", "old")])
    page = Page[Article](items=(), next_cursor=cursor)
    following = next_link(page, HttpRequest("GET", url))
    assert following is not None
    assert following.isascii()
    query = parse_qsl(urlsplit(following).query, keep_blank_values=True)
    assert [pair for pair in query if pair[0] != "cursor"] == [
        p for p in params if p[0] != "cursor"
    ]
    assert [value for name, value in query if name == "cursor"] == [cursor]
    assert link_header(following) == ("Link", f'<{following}>; rel="next"')


def test_the_last_page_has_no_next_link() -> None:
    assert next_link(Page[Article](items=()), HttpRequest("GET", "https://x.example/a")) is None


def test_a_moved_address_replaces_segments_and_keeps_the_query() -> None:
    url = "https://x.example/api/articles/en/old-slug/ninjs?x=1"
    assert replace_segments(url, ("en", "新しい"), keep=1) == (
        "https://x.example/api/articles/en/%E6%96%B0%E3%81%97%E3%81%84/ninjs?x=1"
    )
    assert replace_segments("https://x.example/a/EN/s", ("en", "s")) == "https://x.example/a/en/s"


def test_a_teaser_is_the_article_json_without_its_body(make_article, http_site) -> None:  # type: ignore[no-untyped-def]
    article = make_article()
    projected = teaser(article, http_site)
    full = to_json(article)
    assert projected == {
        **{name: full[name] for name in TEASER_FIELDS},
        "url": "https://news.example/en/story",
    }
    assert "body" not in projected


def test_gathered_chunks_keep_every_byte_and_close_their_source() -> None:
    closed = []

    def chunks():  # type: ignore[no-untyped-def]
        try:
            for number in range(1000):
                yield str(number).encode() * 10
        finally:
            closed.append(True)

    source = chunks()
    pieces = list(gathered(source, size=1000))
    assert b"".join(pieces) == b"".join(str(n).encode() * 10 for n in range(1000))
    assert all(len(piece) >= 1000 for piece in pieces[:-1])
    assert closed == [True]
    early = gathered(chunks(), size=10)
    next(early)
    early.close()
    assert closed == [True, True]


@pytest.mark.parametrize("stop", ["exhausted", "closed", "never started"])
def test_release_after_runs_once_however_the_body_ends(stop: str) -> None:
    released = []
    body = release_after(
        HttpResponse(200, body=iter([b"a", b"b"])), lambda: released.append(1)
    ).body
    assert not isinstance(body, bytes)
    if stop == "exhausted":
        assert b"".join(body) == b"ab"
    elif stop == "closed":
        next(body)
        body.close()  # type: ignore[attr-defined]
    else:
        body.close()  # type: ignore[attr-defined]
    assert released == [1]
    assert list(itertools.islice(body, 1)) == []
    assert released == [1]
    bytes_body = release_after(HttpResponse(200, body=b"x"), lambda: released.append(2))
    assert bytes_body.body == b"x"
    assert released == [1, 2]


def test_head_drops_the_body_and_keeps_its_length() -> None:
    get = HttpResponse(200, (("Content-Type", "application/json"),), b"{}")
    head = finish(HttpRequest("HEAD", "https://x.example/"), get)
    assert head.body == b""
    assert head.header("content-length") == "2"
    assert head.media_type == "application/json"
    closed = []

    def stream():  # type: ignore[no-untyped-def]
        try:
            yield b"x"
        finally:
            closed.append(True)

    body = stream()
    next(body)
    assert (
        finish(HttpRequest("HEAD", "https://x.example/"), HttpResponse(200, body=body)).body == b""
    )
    assert closed == [True]
    assert finish(HttpRequest("GET", "https://x.example/"), get) is get
