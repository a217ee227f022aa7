"""Validators and conditional requests: RFC 9110's comparisons and order, any header text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscms.http import (
    HttpRequest,
    etag_for,
    evaluate_preconditions,
    http_date,
    parse_entity_tags,
    parse_http_date,
    weak_etag,
)

CHANGED = datetime(2026, 1, 15, 12, 0, 30, 999_000, tzinfo=UTC)
ETAG = '"abc"'
HEADERS = ("If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since")


def _request(method: str = "GET", **headers: str) -> HttpRequest:
    fields = {name.replace("_", "-"): value for name, value in headers.items()}
    return HttpRequest(method, "https://api.example/articles/en/x", headers=fields)


def _status(request: HttpRequest, etag: str | None = ETAG) -> int | None:
    answer = evaluate_preconditions(request, etag=etag, last_modified=CHANGED)
    return None if answer is None else answer.status


def test_etag_for_is_the_quoted_fingerprint(make_article) -> None:  # type: ignore[no-untyped-def]
    article = make_article()
    assert etag_for(article) == f'"{article.fingerprint}"'
    renamed = make_article(tags=(article.tags[0].model_copy(update={"name": "COREA"}),))
    assert renamed.version == article.version
    assert etag_for(renamed) != etag_for(article)


def test_weak_etags_digest_their_parts_unambiguously() -> None:
    assert weak_etag("a", "b").startswith('W/"')
    assert weak_etag("a", "b") == weak_etag("a", b"b")
    assert weak_etag("ab", "c") != weak_etag("a", "bc")
    assert weak_etag() != weak_etag("")


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("If-None-Match", '"abc"', 304),
        ("If-None-Match", 'W/"abc"', 304),  # weak comparison
        ("If-None-Match", '"x", W/"abc" , "y"', 304),
        ("If-None-Match", "*", 304),
        ("If-None-Match", '"other"', None),
        ("If-None-Match", "garbage", None),
        ("If-Match", '"abc"', None),
        ("If-Match", '"x", "abc"', None),
        ("If-Match", "*", None),
        ("If-Match", 'W/"abc"', 412),  # strong comparison
        ("If-Match", '"other"', 412),
        ("If-Match", "abc", 412),  # not an entity tag: matches nothing
        ("If-Match", "", 412),
    ],
)
def test_entity_tag_comparisons(header: str, value: str, expected: int | None) -> None:
    assert _status(_request(**{header.replace("-", "_"): value})) == expected


def test_if_none_match_on_an_unsafe_method_is_412() -> None:
    assert _status(_request("PATCH", If_None_Match='"abc"')) == 412
    assert _status(_request("PATCH", If_None_Match='"zzz"')) is None


def test_star_depends_on_whether_a_representation_exists() -> None:
    assert _status(_request(If_Match="*"), etag=None) == 412
    assert _status(_request(If_None_Match="*"), etag=None) is None


def test_dates_compare_to_the_second() -> None:
    same = http_date(CHANGED)
    assert same == "Thu, 15 Jan 2026 12:00:30 GMT"
    earlier = http_date(CHANGED - timedelta(seconds=1))
    assert _status(_request(If_Modified_Since=same)) == 304
    assert _status(_request(If_Modified_Since=earlier)) is None
    assert _status(_request(If_Unmodified_Since=same)) is None
    assert _status(_request(If_Unmodified_Since=earlier)) == 412
    assert _status(_request("HEAD", If_Modified_Since=same)) == 304
    assert _status(_request("POST", If_Modified_Since=same)) is None  # GET and HEAD only
    assert _status(_request(If_Modified_Since="yesterday")) is None  # unreadable: ignored
    assert parse_http_date("Thursday, 15-Jan-26 12:00:30 GMT") == CHANGED.replace(microsecond=0)
    assert parse_http_date("Thu Jan 15 12:00:30 2026") == CHANGED.replace(microsecond=0)


def test_rfc_9110_order() -> None:
    same, earlier = http_date(CHANGED), http_date(CHANGED - timedelta(days=1))
    # If-Match decides before If-Unmodified-Since, which is then ignored.
    assert _status(_request(If_Match='"abc"', If_Unmodified_Since=earlier)) is None
    assert _status(_request(If_Match='"no"', If_Unmodified_Since=same)) == 412
    # A failed precondition wins over a 304.
    assert _status(_request(If_Match='"no"', If_None_Match='"abc"')) == 412
    assert _status(_request(If_Unmodified_Since=earlier, If_None_Match='"abc"')) == 412
    # If-None-Match decides alone: If-Modified-Since is ignored when it is present.
    assert _status(_request(If_None_Match='"no"', If_Modified_Since=same)) is None
    assert _status(_request(If_None_Match='"abc"', If_Modified_Since=earlier)) == 304


def test_a_304_carries_the_validators() -> None:
    answer = evaluate_preconditions(_request(If_None_Match=ETAG), etag=ETAG, last_modified=CHANGED)
    assert answer is not None
    assert answer.body == b""
    assert dict(answer.headers) == {"ETag": ETAG, "Last-Modified": http_date(CHANGED)}
    refused = evaluate_preconditions(_request(If_Match='"no"'), etag=ETAG, last_modified=None)
    assert refused is not None
    assert refused.media_type == "application/problem+json"


def test_header_names_are_read_in_any_spelling() -> None:
    request = HttpRequest("get", "https://x.example/", headers={"IF-NONE-MATCH": ETAG})
    assert request.method == "GET"
    assert request.header("if-none-match") == ETAG
    assert _status(request) == 304


@given(
    st.dictionaries(st.sampled_from(HEADERS), st.text(max_size=200), max_size=4),
    st.sampled_from(["GET", "HEAD", "PATCH", "DELETE"]),
    st.one_of(st.none(), st.sampled_from([ETAG, 'W/"abc"'])),
)
def test_any_header_text_is_read_without_error(
    headers: dict[str, str], method: str, etag: str | None
) -> None:
    answer = evaluate_preconditions(
        HttpRequest(method, "https://x.example/", headers=headers), etag=etag, last_modified=CHANGED
    )
    assert answer is None or answer.status in (304, 412)
    if answer is not None and answer.status == 304:
        assert method in ("GET", "HEAD")
    for value in headers.values():
        tags = parse_entity_tags(value)
        assert tags is None or all(tag.endswith('"') for tag in tags)
        parse_http_date(value)


@given(st.lists(st.text(alphabet="0123456789abcdef", min_size=1, max_size=8), max_size=5))
def test_a_listed_tag_matches_and_others_do_not(tags: list[str]) -> None:
    header = ", ".join(f'"{tag}"' for tag in tags)
    for tag in tags:
        assert _status(_request(If_None_Match=header), etag=f'"{tag}"') == 304
        assert _status(_request(If_Match=header), etag=f'"{tag}"') is None
    assert _status(_request(If_Match=header), etag='"not-listed"') == 412
