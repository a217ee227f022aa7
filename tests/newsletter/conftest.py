"""Fixtures of the newsletter tests: a real SMTP server on 127.0.0.1 and a newsletter on it.

The server is aiosmtpd in a thread of the test process, on a free port; it keeps every
message it accepts (parsed back with the standard library) and can be told to refuse a
recipient, so delivery is tested end to end without a mock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from newsletter_support import LINKS, SECRET, Sink, SMTPServer, free_port

from newscms.formats.site import Site
from newscms.newsletter import Mailer, Newsletter


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server on 127.0.0.1, stopped at the end of the test."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    try:
        yield SMTPServer("127.0.0.1", port, sink)
    finally:
        controller.stop()


@pytest.fixture
def site() -> Site:
    """The publication the messages speak for."""
    return Site(
        name="AsiaNews",
        base_url="https://news.example.org/",
        article_url="https://news.example.org/{locale}/{slug}",
        timezone="Europe/Rome",
    )


@pytest.fixture
def newsletter(store: Any, site: Site, smtp_server: SMTPServer) -> Iterator[Newsletter]:
    """A newsletter on the test store, delivering to the test SMTP server."""
    with Mailer(smtp_server.settings) as mailer:
        yield Newsletter(
            store, site=site, secret=SECRET, sender="news@example.org", links=LINKS, mailer=mailer
        )
