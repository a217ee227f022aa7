"""Digests delivered through a real SMTP server: headers, both parts, the send log, bounces."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from newsletter_support import LINKS, SECRET, html_part, link_token, text_part

from newscms.domain import ArticleDraft
from newscms.errors import DeliveryError, ValidationError
from newscms.newsletter import Mailer, Newsletter, SMTPSettings, SubscriberStatus

pytestmark = pytest.mark.backends

PUBLISHED = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)  # the day before the test clock's "now"


def publish(store, locale, headline, *, region=None, when=PUBLISHED, summary=None):  # type: ignore[no-untyped-def]
    tags = [{"kind": "region", "name": region}] if region else []
    with store.session() as uow:
        return uow.articles.create(
            ArticleDraft(
                locale=locale,
                headline=headline,
                status="published",
                published_at=when,
                summary=summary,
                tags=tags,
            )
        )


def active(newsletter, address, locale="en", **prefs):  # type: ignore[no-untyped-def]
    mailer, newsletter.mailer = newsletter.mailer, None  # no confirmation mail in the way
    try:
        subscriber = newsletter.subscribe(address, locale=locale, **prefs)
    finally:
        newsletter.mailer = mailer
    return newsletter.confirm(newsletter.token("confirm", subscriber))


def test_a_digest_is_a_well_formed_list_message(newsletter, smtp_server, store):
    publish(store, "en", "Beijing does not want", region="Korea", summary="Seoul (AsiaNews) - ...")
    publish(store, "en", "A second story", when=PUBLISHED.replace(hour=12))
    subscriber = active(newsletter, "reader@example.org")
    report = newsletter.send_digests("daily")
    assert (report.sent, report.empty, report.failed) == (1, 0, 0)
    (message,) = smtp_server.sink.to("reader@example.org")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "AsiaNews: your daily news, January 14, 2026"
    assert message["Message-ID"] == report.message_ids[0]
    assert message["Message-ID"].endswith("@example.org>")
    assert message["List-Id"] == "AsiaNews <newsletter.example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["From"].addresses[0].addr_spec == "news@example.org"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://news.example.org/newsletter/unsubscribe?token=")
    _, token = link_token(unsubscribe)
    text, page = text_part(message), html_part(message)
    assert text.index("KOREA") < text.index("OTHER NEWS") < text.index("A second story")
    assert "January 14, 2026" in text
    assert "https://news.example.org/en/beijing-does-not-want" in text
    assert 'style="' in page and "<h2" in page
    assert unsubscribe.replace("&", "&amp;") in page or unsubscribe in page
    # the links in the message resolve to the right signed actions
    prefs = next(line for line in text.splitlines() if "/preferences?" in line).split(": ", 1)[1]
    assert link_token(prefs)[0] == "preferences"
    assert (
        newsletter.update_preferences(link_token(prefs)[1], frequency="weekly").id == subscriber.id
    )
    assert newsletter.one_click_unsubscribe(token, "List-Unsubscribe=One-Click").status is (
        SubscriberStatus.UNSUBSCRIBED
    )


def test_only_confirmed_subscribers_get_mail_and_each_only_once(newsletter, smtp_server, store):
    publish(store, "en", "News of the day")
    active(newsletter, "one@example.org")
    active(newsletter, "two@example.org")
    mailer, newsletter.mailer = newsletter.mailer, None
    newsletter.subscribe("pending@example.org", locale="en")
    newsletter.mailer = mailer
    first = newsletter.send_digests("daily")
    assert first.sent == 2
    again = newsletter.send_digests("daily")
    assert (again.sent, again.already_sent) == (0, 2)
    recipients = Counter(str(m["To"]) for m in smtp_server.sink.messages)
    assert recipients == {"one@example.org": 1, "two@example.org": 1}


def test_nothing_matching_means_no_message(newsletter, smtp_server, store):
    article = publish(store, "en", "Tagged story", region="Korea")
    publish(store, "en", "Untagged story")
    other = publish(store, "en", "Elsewhere", region="India")
    active(newsletter, "korea@example.org", tags=[article.tags[0].id])
    active(newsletter, "italian@example.org", locale="it")  # no Italian articles
    report = newsletter.send_digests("daily")
    assert (report.sent, report.empty) == (1, 1)
    (message,) = smtp_server.sink.messages
    text = text_part(message)
    assert "Tagged story" in text
    assert "Untagged story" not in text and other.headline not in text


def test_bounces_and_complaints_suppress_the_address(newsletter, smtp_server, store):
    publish(store, "en", "News")
    active(newsletter, "bounced@example.org")
    active(newsletter, "complained@example.org")
    active(newsletter, "gone@example.org")
    active(newsletter, "greylisted@example.org")
    active(newsletter, "fine@example.org")
    newsletter.record_bounce("bounced@example.org", kind="hard")
    newsletter.record_bounce("complained@example.org", kind="complaint")
    with pytest.raises(ValidationError):
        newsletter.record_bounce("fine@example.org", kind="soft")
    smtp_server.sink.refuse["gone@example.org"] = "550 5.1.1 No such mailbox"
    smtp_server.sink.refuse["greylisted@example.org"] = "451 4.7.1 Try again later"
    report = newsletter.send_digests("daily")
    assert (report.sent, report.failed, report.deferred) == (1, 1, 1)
    assert newsletter.get("gone@example.org").suppressed_reason == "hard"
    assert newsletter.get("complained@example.org").status is SubscriberStatus.SUPPRESSED
    assert newsletter.get("greylisted@example.org").status is SubscriberStatus.ACTIVE
    del smtp_server.sink.refuse["greylisted@example.org"]
    retry = newsletter.send_digests("daily")
    assert (retry.sent, retry.already_sent) == (1, 1)
    assert sorted(str(m["To"]) for m in smtp_server.sink.messages) == [
        "fine@example.org",
        "greylisted@example.org",
    ]
    with pytest.raises(Exception, match="cannot receive mail"):
        newsletter.subscribe("bounced@example.org", locale="en")


def test_an_unreachable_server_is_a_delivery_error_and_nothing_is_lost(store, site, newsletter):
    publish(store, "en", "News")
    active(newsletter, "x@example.org")
    from newsletter_support import free_port

    with Mailer(SMTPSettings(port=free_port(), timeout=2)) as mailer:
        broken = Newsletter(
            store, site=site, secret=SECRET, sender="news@example.org", links=LINKS, mailer=mailer
        )
        with pytest.raises(DeliveryError, match="cannot reach"):
            broken.send_digests("daily")
    report = newsletter.send_digests("daily")  # the claim was "in doubt": kept, not resent
    assert report.in_doubt == 1
    resent = newsletter.send_digests("daily", resend_in_doubt=True)
    assert resent.sent == 1


SENDER = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from newscms.formats.site import Site
    from newscms.newsletter import Mailer, Newsletter, SMTPSettings
    from newscms.store import Store

    url, port, end = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    site = Site(name="AsiaNews", base_url="https://news.example.org/",
                article_url="https://news.example.org/{locale}/{slug}", timezone="Europe/Rome")
    with Mailer(SMTPSettings(port=port, timeout=10)) as mailer:
        Newsletter(Store(url), site=site, secret=%r, sender="news@example.org",
                   links=%r, mailer=mailer).send_digests("daily", period_end=end)
    """
) % (SECRET, LINKS)


def test_a_run_killed_mid_send_resumes_with_no_duplicate_and_no_one_skipped(
    newsletter, smtp_server, store, engine
):
    publish(store, "en", "News")
    addresses = [f"reader{n:02}@example.org" for n in range(30)]
    for address in addresses:
        active(newsletter, address)
    _, end = newsletter.period("daily")
    process: subprocess.Popen[bytes] | None = None

    def kill_at_twelve(count: int) -> None:
        if count == 12 and process is not None:
            os.kill(process.pid, signal.SIGKILL)  # after the server took it, before the log did

    smtp_server.sink.on_message = kill_at_twelve
    url = engine.url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-c", SENDER, url, str(smtp_server.port), end.isoformat()],
        stderr=subprocess.PIPE,
    )
    _, err = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, err.decode()
    assert len(smtp_server.sink.received) == 12
    smtp_server.sink.on_message = None
    report = newsletter.send_digests("daily", period_end=end)
    assert (report.already_sent, report.in_doubt, report.sent) == (11, 1, 18)
    recipients = Counter(str(m["To"]) for m in smtp_server.sink.messages)
    assert sorted(recipients) == addresses  # nobody skipped
    assert set(recipients.values()) == {1}  # nobody twice


def test_a_confirmation_that_cannot_be_sent_stores_nothing(store, site, snapshot):
    from newsletter_support import free_port

    before = snapshot()
    with Mailer(SMTPSettings(port=free_port(), timeout=2)) as mailer:
        broken = Newsletter(
            store, site=site, secret=SECRET, sender="news@example.org", links=LINKS, mailer=mailer
        )
        with pytest.raises(DeliveryError):
            broken.subscribe("new@example.org", locale="en")
    assert snapshot() == before


def test_international_addresses_travel_with_smtputf8(newsletter, smtp_server, store):
    publish(store, "en", "News")
    active(newsletter, "josé@exämple.org")
    assert newsletter.send_digests("daily").sent == 1
    (message,) = smtp_server.sink.messages
    assert str(message["To"]) == "josé@exämple.org"


def test_a_daily_digest_runs_midnight_to_midnight_across_a_dst_change(newsletter, clock):
    clock.now = datetime(2026, 3, 29, 12, tzinfo=UTC)  # Rome moved to summer time at 02:00
    start, end = newsletter.period("daily")
    assert (start.isoformat(), end.isoformat()) == (
        "2026-03-27T23:00:00+00:00",
        "2026-03-28T23:00:00+00:00",
    )
    clock.now = datetime(2026, 3, 30, 12, tzinfo=UTC)
    start, end = newsletter.period("daily")
    assert end - start == timedelta(hours=23)
    assert newsletter.period("weekly", end=end)[0].isoformat() == "2026-03-22T23:00:00+00:00"
