"""The acceptance test: an Italian reader subscribes, confirms, reads, leaves in one click."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from newsletter_support import html_part, link_token, text_part

from newscms.domain import ArticleDraft
from newscms.newsletter import SubscriberStatus

pytestmark = pytest.mark.backends


def test_subscribe_confirm_italian_digest_and_one_click_unsubscribe(
    newsletter, smtp_server, store, clock
):
    with store.session() as uow:
        for hour, headline, region in (
            (9, "Pechino non vuole la riunificazione", "COREA"),
            (15, "I vescovi chiedono libertà religiosa", "CINA"),
            (11, "Seul e Pyongyang riaprono il dialogo", "COREA"),
        ):
            uow.articles.create(
                ArticleDraft(
                    locale="it",
                    headline=headline,
                    status="published",
                    published_at=datetime(2026, 1, 14, hour, tzinfo=UTC),
                    summary="Roma (AsiaNews) - «Un passo avanti» & altro",
                    tags=[{"kind": "region", "name": region}],
                )
            )
        uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Only in English",
                status="published",
                published_at=datetime(2026, 1, 14, 10, tzinfo=UTC),
            )
        )

    # 1. subscribe: a confirmation in Italian, nothing else
    newsletter.subscribe("giulia@example.it", locale="it-IT")
    (confirmation,) = smtp_server.sink.to("giulia@example.it")
    assert confirmation["Subject"] == "AsiaNews: conferma la tua iscrizione"
    assert confirmation["Content-Language"] == "it-IT"
    confirm_url = next(
        line.split(": ", 1)[1]
        for line in text_part(confirmation).splitlines()
        if line.startswith("Confermo l'iscrizione: ")
    )
    assert confirm_url in html_part(confirmation).replace("&amp;", "&")

    # 2. confirm by following the link
    action, token = link_token(confirm_url)
    assert action == "confirm"
    assert newsletter.confirm(token).status is SubscriberStatus.ACTIVE

    # 3. the daily digest, in Italian, grouped by region, newest first
    report = newsletter.send_digests("daily")
    assert report.sent == 1
    digest = smtp_server.sink.to("giulia@example.it")[-1]
    assert digest["Subject"] == "AsiaNews: le notizie del giorno, 14 gennaio 2026"
    text = text_part(digest)
    assert "Le notizie che ci ha chiesto, pubblicate fino al 14 gennaio 2026." in text
    assert text.index("CINA") < text.index("COREA")  # the region with the newest story first
    assert text.index("Seul e Pyongyang") < text.index("Pechino non vuole")
    assert "14 gennaio 2026" in text
    assert "Only in English" not in text
    assert "Annulla l'iscrizione: https://news.example.org/newsletter/unsubscribe?token=" in text
    page = html_part(digest)
    assert '<html lang="it-IT">' in page
    assert "«Un passo avanti» &amp; altro" in page  # escaped, in UTF-8
    assert "Cambia le tue preferenze" in page

    # 4. one click: what a mailbox provider POSTs to the List-Unsubscribe URL
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    action, token = link_token(digest["List-Unsubscribe"].strip("<>"))
    assert action == "unsubscribe"
    gone = newsletter.one_click_unsubscribe(token, b"List-Unsubscribe=One-Click")
    assert gone.status is SubscriberStatus.UNSUBSCRIBED

    # 5. and no more mail
    clock.advance(days=1)
    with store.session() as uow:
        uow.articles.create(
            ArticleDraft(
                locale="it",
                headline="Domani",
                status="published",
                published_at=clock.now - timedelta(hours=14),
            )
        )
    assert newsletter.send_digests("daily").sent == 0
    assert len(smtp_server.sink.to("giulia@example.it")) == 2
