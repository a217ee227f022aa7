"""Send to a friend: every share URL decodes back, with urllib, to exactly what was shared."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import Article
from newscms.errors import ValidationError
from newscms.formats import Site, mailto_url, share_payload
from newscms.formats.printable import printable_text
from newscms.formats.share import SHARE_ENDPOINTS

# After encoding, only unreserved characters, escapes and the query's own delimiters remain.
ENCODED = re.compile(r"[A-Za-z0-9\-._~%]*")
TRICKY = 'Pechino «non vuole» "aiutare" & Pyongyang #1? 1+1=2; 50% d\'accordo / 北京“不想” 한국'


def query(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        assert ENCODED.fullmatch(key), pair
        assert ENCODED.fullmatch(value), pair
    return parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


def decode_mailto(url: str) -> tuple[str, str, str]:
    assert url.startswith("mailto:")
    recipient, _, fields = url.removeprefix("mailto:").partition("?")
    values = {}
    for pair in fields.split("&"):
        key, _, value = pair.partition("=")
        assert ENCODED.fullmatch(value), value
        values[key] = unquote(value, encoding="utf-8", errors="strict")
    return unquote(recipient), values["subject"], values["body"]


@pytest.mark.parametrize("which", ["asianews", "chinese", "italian"])
def test_every_link_decodes_to_the_article(
    which: str, asianews: Article, chinese: Article, italian: Article, site: Site
) -> None:
    article = {"asianews": asianews, "chinese": chinese, "italian": italian}[which]
    payload = share_payload(article, site=site)
    url = site.url_for(article)
    assert payload.url == url
    assert payload.title == article.headline
    assert set(payload.networks) == {*SHARE_ENDPOINTS, "email"}
    expected = {
        "x": {"text": [article.headline], "url": [url]},
        "facebook": {"u": [url]},
        "linkedin": {"url": [url]},
        "whatsapp": {"text": [f"{article.headline} {url}"]},
        "telegram": {"url": [url], "text": [article.headline]},
        "reddit": {"url": [url], "title": [article.headline]},
    }
    for network, values in expected.items():
        link = payload.networks[network]
        assert urlsplit(link).scheme == "https"
        assert link.startswith(SHARE_ENDPOINTS[network][0] + "?")
        assert query(link) == values, network
    recipient, subject, body = decode_mailto(payload.networks["email"])
    assert recipient == ""
    assert subject == article.headline
    assert body == payload.text.replace("\n", "\r\n")
    assert body.startswith(article.headline + "\r\n\r\n")
    assert body.endswith("\r\n\r\n" + url)
    if article.summary:
        assert article.summary in body


def test_tricky_headline_and_spaces(make: Callable[..., Article], site: Site) -> None:
    payload = share_payload(make("tricky", headline=TRICKY), site=site)
    assert "+" not in payload.mailto  # RFC 6068: a space is %20, never +
    assert "%20" in payload.mailto
    for escaped in ("%2B", "%23", "%26", "%3F", "%22"):  # + # & ? "
        assert escaped in payload.mailto
    _, subject, _ = decode_mailto(payload.mailto)
    assert subject == TRICKY
    assert query(payload.networks["x"])["text"] == [TRICKY]


def test_mailto_with_a_recipient_and_line_endings() -> None:
    url = mailto_url(
        subject="Ciao\nmondo", body="riga 1\nriga 2\r\nriga 3\rfine", to="amico@example.com"
    )
    assert url.startswith("mailto:amico@example.com?subject=Ciao%20mondo&body=")
    _, subject, body = decode_mailto(url)
    assert subject == "Ciao mondo"
    assert body == "riga 1\r\nriga 2\r\nriga 3\r\nfine"


def test_an_explicit_url_wins_and_is_made_a_uri(asianews: Article) -> None:
    payload = share_payload(asianews, "https://例え.jp/news/北京?q=1 2")
    assert payload.url == "https://xn--r8jz45g.jp/news/%E5%8C%97%E4%BA%AC?q=1%202"
    assert query(payload.networks["facebook"]) == {"u": [payload.url]}


def test_a_url_is_needed(asianews: Article) -> None:
    with pytest.raises(ValidationError) as caught:
        share_payload(asianews)
    assert caught.value.field == "url"
    with pytest.raises(ValidationError):
        share_payload(asianews, "javascript:alert(1)")


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_headline_round_trips(make: Callable[..., Article], site: Site, headline: str) -> None:
    payload = share_payload(make("any", headline=headline), site=site)
    shared = " ".join(printable_text(headline).split())
    assert payload.title == shared
    _, subject, body = decode_mailto(payload.mailto)
    assert subject == shared
    assert body.startswith(shared)
    assert query(payload.networks["reddit"])["title"] == [shared]
    assert query(payload.networks["telegram"])["url"] == [payload.url]
