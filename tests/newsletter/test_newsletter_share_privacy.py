"""Send to a friend (checked, escaped, rate-limited) and the privacy export and erasure."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from newsletter_support import html_part, text_part
from test_newsletter_delivery import active, publish

from newscms.domain import ArticleDraft
from newscms.errors import (
    InvalidAddressError,
    NotFoundError,
    RateLimitedError,
    SubscriptionTokenError,
    ValidationError,
)
from newscms.newsletter import SHARE_LIMITS

pytestmark = pytest.mark.backends


def test_share_by_email_sends_headline_summary_and_link_in_the_senders_language(
    newsletter, smtp_server, store
):
    article = publish(store, "en", "Beijing does not want", summary="Seoul (AsiaNews) - Talks.")
    message_id = newsletter.share_by_email(
        article,
        from_name="Marco",
        to_address="friend@example.org",
        note="Leggi <script>alert(1)</script> & dimmi",
        sender_key="user:42",
        locale="it",
    )
    (message,) = smtp_server.sink.to("friend@example.org")
    assert message["Message-ID"] == message_id
    assert message["Subject"] == "Marco ti ha inviato un articolo di AsiaNews"
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Marco via AsiaNews", "news@example.org")
    assert message["List-Unsubscribe"] is None  # nobody was put on a list
    text, page = text_part(message), html_part(message)
    assert "Beijing does not want" in text and "Seoul (AsiaNews) - Talks." in text
    assert "Leggi l'articolo: https://news.example.org/en/beijing-does-not-want" in text
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; dimmi" in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"note": "see https://spam.example/buy"}, "note"),
        ({"note": "visit www.spam.example"}, "note"),
        ({"note": "x" * 501}, "note"),
        ({"from_name": "Marco <marco@example.org>"}, "from_name"),
        ({"from_name": "M" * 61}, "from_name"),
        ({"from_name": "  "}, "from_name"),
        ({"from_name": "Marco\r\nBcc: victim@example.org"}, "from_name"),
        ({"to_address": "not an address"}, "to_address"),
        ({"sender_key": ""}, "sender_key"),
    ],
)
def test_share_refuses_what_would_make_it_a_relay(
    newsletter, smtp_server, store, snapshot, fields, field
):
    article = publish(store, "en", "A story")
    arguments = {
        "from_name": "Marco",
        "to_address": "f@example.org",
        "note": "",
        "sender_key": "u1",
    }
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        newsletter.share_by_email(article, **{**arguments, **fields})
    assert caught.value.field == field
    if field == "to_address":
        assert isinstance(caught.value, InvalidAddressError)
    assert snapshot() == before
    assert smtp_server.sink.received == []


def test_only_public_articles_can_be_shared(newsletter, store, smtp_server):
    with store.session() as uow:
        draft = uow.articles.create(ArticleDraft(locale="en", headline="Not yet"))
    with pytest.raises(ValidationError, match="published"):
        newsletter.share_by_email(draft, from_name="M", to_address="f@example.org", sender_key="u")
    assert smtp_server.sink.received == []


def test_rate_limits_per_sender_and_per_recipient(newsletter, smtp_server, store, clock, snapshot):
    article = publish(store, "en", "A story")
    hourly = SHARE_LIMITS["sender"][0].count
    for n in range(hourly):
        newsletter.share_by_email(
            article, from_name="M", to_address=f"f{n}@example.org", sender_key="user:1"
        )
    before = snapshot()
    with pytest.raises(RateLimitedError) as caught:
        newsletter.share_by_email(
            article, from_name="M", to_address="late@example.org", sender_key="user:1"
        )
    assert 0 < caught.value.retry_after <= 3601
    assert snapshot() == before
    clock.advance(hours=1, seconds=1)
    newsletter.share_by_email(
        article, from_name="M", to_address="late@example.org", sender_key="user:1"
    )
    per_recipient = SHARE_LIMITS["recipient"][0].count
    for n in range(per_recipient):
        newsletter.share_by_email(
            article, from_name="M", to_address="popular@example.org", sender_key=f"user:{100 + n}"
        )
    with pytest.raises(RateLimitedError, match="to one address"):
        newsletter.share_by_email(
            article, from_name="M", to_address="popular@example.org", sender_key="user:999"
        )
    assert len(smtp_server.sink.to("popular@example.org")) == per_recipient


def test_a_suppressed_recipient_gets_nothing_and_the_sender_is_not_told(
    newsletter, smtp_server, store
):
    article = publish(store, "en", "A story")
    newsletter.record_bounce("optout@example.org", kind="complaint")
    assert (
        newsletter.share_by_email(
            article, from_name="M", to_address="optout@example.org", sender_key="u"
        )
        is None
    )
    assert smtp_server.sink.received == []


def test_export_holds_everything_about_one_address(newsletter, smtp_server, store):
    article = publish(store, "en", "News")
    subscriber = active(newsletter, "me@example.org", locale="en", frequency="daily")
    newsletter.send_digests("daily")
    newsletter.share_by_email(article, from_name="M", to_address="me@example.org", sender_key="u")
    data = newsletter.export("ME@example.org")
    json.dumps(data)  # JSON-ready
    assert data["email"] == "me@example.org"
    assert data["subscriber"]["id"] == str(subscriber.id)
    assert data["subscriber"]["status"] == "active"
    assert [send["state"] for send in data["sends"]] == ["sent"]
    assert len(data["shared_articles_received"]) == 1
    with pytest.raises(NotFoundError):
        newsletter.export("stranger@example.org")


def test_erase_leaves_aggregate_counts_only(newsletter, smtp_server, store, snapshot):
    article = publish(store, "en", "News")
    subscriber = active(newsletter, "me@example.org")
    active(newsletter, "other@example.org")
    report = newsletter.send_digests("daily")
    newsletter.share_by_email(article, from_name="M", to_address="me@example.org", sender_key="u")
    newsletter.record_bounce("me@example.org", kind="complaint")
    unsubscribe = newsletter.token("unsubscribe", subscriber)
    erased = newsletter.erase("me@example.org")
    assert erased == {"subscribers": 1, "sends": 1, "suppressions": 1, "shares": 1}
    rows = repr(snapshot())
    assert "me@example.org" not in rows
    assert subscriber.id.hex not in rows.replace("-", "")
    counts = newsletter.counts()
    assert counts[f"sent:{report.digest_key}"] == 2  # the other subscriber's row + the count left
    assert counts["erased_subscribers"] == 1
    assert counts["subscribers:active"] == 1
    with pytest.raises(SubscriptionTokenError, match="no longer stored"):
        newsletter.unsubscribe(unsubscribe)
    with pytest.raises(NotFoundError):
        newsletter.erase("me@example.org")
    assert newsletter.export("other@example.org")["subscriber"] is not None


def test_share_senders_and_recipients_are_stored_as_keyed_digests(newsletter, store, smtp_server):
    article = publish(store, "en", "News", when=datetime(2026, 1, 14, tzinfo=UTC))
    newsletter.share_by_email(
        article, from_name="M", to_address="hidden@example.org", sender_key="203.0.113.7"
    )
    with store.engine.connect() as conn:
        rows = repr(conn.execute(store.tables.newsletter_shares.select()).all())
    assert "hidden@example.org" not in rows and "203.0.113.7" not in rows
