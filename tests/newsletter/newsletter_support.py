"""What the newsletter tests share besides fixtures: the SMTP sink and message helpers."""

from __future__ import annotations

import email
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from newscms.newsletter import SMTPSettings

SECRET = "a newsletter secret of the tests"
LINKS = "https://news.example.org/newsletter/{action}?token={token}"


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Sink:
    """What the SMTP server accepted, and how it should answer the next recipients."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    on_message: Callable[[int], None] | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        if self.on_message is not None:
            self.on_message(len(self.received))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        """Every accepted message, parsed back."""
        return [
            email.message_from_bytes(content, policy=policy.default)  # type: ignore[misc]
            for _, _, content in self.received
        ]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages accepted for one recipient."""
        return [m for m in self.messages if str(m["To"]) == address]


@dataclass
class SMTPServer:
    """A running aiosmtpd server and the sink it delivers into."""

    host: str
    port: int
    sink: Sink

    @property
    def settings(self) -> SMTPSettings:
        """Settings a ``Mailer`` connects to this server with."""
        return SMTPSettings(host=self.host, port=self.port, timeout=10)


def link_token(url: str) -> tuple[str, str]:
    """The action and the token of a newsletter link."""
    parts = urlsplit(url)
    return parts.path.rsplit("/", 1)[1], unquote(parse_qs(parts.query)["token"][0])


def text_part(message: EmailMessage) -> str:
    """The plain-text alternative of a message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(message: EmailMessage) -> str:
    """The HTML alternative of a message."""
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
