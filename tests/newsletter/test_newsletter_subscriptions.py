"""Subscribe, confirm, change preferences and unsubscribe through signed links, on every backend."""

from __future__ import annotations

from uuid import uuid4

import pytest
from newsletter_support import link_token, text_part

from newscms.domain import ArticleDraft
from newscms.errors import (
    DuplicateError,
    InvalidAddressError,
    LocaleError,
    NotFoundError,
    SubscriptionTokenError,
    ValidationError,
)
from newscms.newsletter import TOKEN_LIFETIMES, Action, Frequency, SubscriberStatus

pytestmark = pytest.mark.backends


def confirm_token(smtp_server, address):  # type: ignore[no-untyped-def]
    (message,) = smtp_server.sink.to(address)
    url = next(line for line in text_part(message).splitlines() if "/confirm?" in line)
    action, token = link_token(url.split(": ", 1)[1])
    assert action == "confirm"
    return token


def test_double_opt_in_in_the_subscribers_language(newsletter, smtp_server):
    pending = newsletter.subscribe("Lucia.Rossi@Example.IT", locale="it")
    assert pending.status is SubscriberStatus.PENDING
    assert pending.email == "lucia.rossi@example.it"
    assert pending.frequency is Frequency.DAILY
    (message,) = smtp_server.sink.to("lucia.rossi@example.it")
    assert message["Subject"] == "AsiaNews: conferma la tua iscrizione"
    assert message.get_content_type() == "multipart/alternative"
    assert "Conferma di voler ricevere" in text_part(message)
    assert message["List-Unsubscribe"] is None  # not a list message: nobody is on a list yet
    confirmed = newsletter.confirm(confirm_token(smtp_server, "lucia.rossi@example.it"))
    assert confirmed.status is SubscriberStatus.ACTIVE
    assert confirmed.confirmed_at is not None
    again = newsletter.confirm(confirm_token(smtp_server, "lucia.rossi@example.it"))
    assert again.confirmed_at == confirmed.confirmed_at  # following it twice changes nothing


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "x" * 300 + "@example.org", ""])
def test_a_bad_address_is_refused_and_nothing_is_stored(newsletter, smtp_server, snapshot, address):
    before = snapshot()
    with pytest.raises(InvalidAddressError) as caught:
        newsletter.subscribe(address, locale="en")
    assert caught.value.field == "email"
    assert snapshot() == before
    assert smtp_server.sink.received == []


def test_a_duplicate_subscribe_is_refused_and_changes_nothing(newsletter, smtp_server, snapshot):
    newsletter.subscribe("anna@example.org", locale="en")
    before = snapshot()
    with pytest.raises(DuplicateError, match="awaits confirmation"):
        newsletter.subscribe("ANNA@example.org", locale="it", frequency="weekly")
    newsletter.confirm(confirm_token(smtp_server, "anna@example.org"))
    before = snapshot()
    with pytest.raises(DuplicateError, match="is subscribed"):
        newsletter.subscribe("anna@example.org", locale="en")
    assert snapshot() == before
    assert len(smtp_server.sink.to("anna@example.org")) == 1


def test_bad_preferences_are_refused_before_anything_is_stored(newsletter, snapshot):
    before = snapshot()
    with pytest.raises(LocaleError):
        newsletter.subscribe("a@example.org", locale="xx-invalid-")
    with pytest.raises(ValidationError) as caught:
        newsletter.subscribe("a@example.org", locale="en", frequency="hourly")
    assert caught.value.field == "frequency"
    with pytest.raises(ValidationError, match="no tag has the id"):
        newsletter.subscribe("a@example.org", locale="en", tags=[uuid4()])
    with pytest.raises(ValidationError) as caught:
        newsletter.subscribe("a@example.org", locale="en", tags=["not-a-uuid"])
    assert caught.value.field == "tags"
    assert snapshot() == before


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-3],
        lambda t: t[:10] + ("A" if t[10] != "A" else "B") + t[11:],
        lambda t: "",
        lambda t: "x.y.z",
    ],
    ids=["truncated", "altered", "empty", "garbage"],
)
def test_altered_tokens_are_refused_and_change_nothing(newsletter, smtp_server, snapshot, damage):
    newsletter.subscribe("b@example.org", locale="en")
    token = confirm_token(smtp_server, "b@example.org")
    before = snapshot()
    with pytest.raises(SubscriptionTokenError):
        newsletter.confirm(damage(token))
    assert snapshot() == before


def test_expired_and_foreign_tokens_are_refused(
    newsletter, smtp_server, snapshot, clock, store, site
):
    from newscms.newsletter import Newsletter

    subscriber = newsletter.subscribe("c@example.org", locale="en")
    token = confirm_token(smtp_server, "c@example.org")
    before = snapshot()
    with pytest.raises(SubscriptionTokenError, match="another action"):
        newsletter.unsubscribe(token)  # a confirm token cannot unsubscribe
    other = Newsletter(
        store,
        site=site,
        secret="another site's secret!",
        sender="n@example.org",
        links="https://x.example/{action}/{token}",
    )
    with pytest.raises(SubscriptionTokenError):
        other.confirm(token)
    clock.advance(seconds=TOKEN_LIFETIMES[Action.CONFIRM].total_seconds() + 1)
    with pytest.raises(SubscriptionTokenError, match="expired"):
        newsletter.confirm(token)
    assert snapshot() == before
    assert newsletter.get("c@example.org").status is SubscriberStatus.PENDING
    assert subscriber.id == newsletter.get("c@example.org").id


def test_preferences_change_through_a_signed_link(newsletter, smtp_server, store, snapshot):
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="Tagged", tags=[{"kind": "region", "name": "Korea"}])
        )
    korea = article.tags[0].id
    subscriber = newsletter.subscribe("d@example.org", locale="en")
    token = newsletter.token("preferences", subscriber)
    changed = newsletter.update_preferences(
        token, frequency="weekly", editions=["it", "en"], tags=[korea]
    )
    assert changed.frequency is Frequency.WEEKLY
    assert changed.editions == ("it", "en")
    assert changed.tag_ids == (korea,)
    assert changed.locale == "en"
    before = snapshot()
    with pytest.raises(ValidationError):
        newsletter.update_preferences(token, frequency="never")
    with pytest.raises(SubscriptionTokenError):
        newsletter.update_preferences(newsletter.token("unsubscribe", subscriber), locale="it")
    assert snapshot() == before


def test_unsubscribe_then_subscribe_again(newsletter, smtp_server, snapshot):
    subscriber = newsletter.subscribe("e@example.org", locale="en")
    old_confirm = confirm_token(smtp_server, "e@example.org")
    newsletter.confirm(old_confirm)
    gone = newsletter.unsubscribe(newsletter.token("unsubscribe", subscriber))
    assert gone.status is SubscriberStatus.UNSUBSCRIBED
    assert newsletter.unsubscribe(newsletter.token("unsubscribe", subscriber)) == gone  # no-op
    before = snapshot()
    with pytest.raises(SubscriptionTokenError, match="before the address unsubscribed"):
        newsletter.confirm(old_confirm)
    assert snapshot() == before
    back = newsletter.subscribe("e@example.org", locale="it")
    assert back.status is SubscriberStatus.PENDING
    assert back.id == subscriber.id
    assert back.locale == "it"


def test_unsubscribing_an_unknown_address_is_a_clear_error(newsletter, snapshot):
    before = snapshot()
    with pytest.raises(NotFoundError) as caught:
        newsletter.unsubscribe_address("nobody@example.org")
    assert caught.value.kind == "subscriber"
    with pytest.raises(InvalidAddressError):
        newsletter.unsubscribe_address("nobody")
    assert snapshot() == before


def test_one_click_needs_the_rfc_8058_body(newsletter, snapshot):
    subscriber = newsletter.subscribe("f@example.org", locale="en")
    token = newsletter.token("unsubscribe", subscriber)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        newsletter.one_click_unsubscribe(token, b"")
    assert caught.value.field == "body"
    assert snapshot() == before
    done = newsletter.one_click_unsubscribe(token, b"List-Unsubscribe=One-Click")
    assert done.status is SubscriberStatus.UNSUBSCRIBED
