"""SMTP delivery: one connection reused for a whole run, STARTTLS and auth as configured.

``Mailer.send`` answers with the server's verdict. A definite reply is a
``DeliveryError`` with its ``code`` (5xx permanent, 4xx temporary); a lost connection
or a timeout is a ``DeliveryError`` with ``code=None``: the message may or may not
have been accepted, and the send log keeps it "in doubt" rather than sending twice.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from newscms.errors import DeliveryError

if TYPE_CHECKING:
    from collections.abc import Callable
    from email.message import EmailMessage
    from types import TracebackType

__all__ = ["Mailer", "SMTPSettings"]


@dataclass(frozen=True, slots=True)
class SMTPSettings:
    """Where and how to hand messages over.

    Attributes:
        host: SMTP server name or address.
        port: 25 or 587 for STARTTLS, 465 for implicit TLS.
        starttls: Upgrade the connection with STARTTLS before authenticating.
        implicit_tls: Connect over TLS from the start (port 465).
        username: Authenticate with this user (and ``password``) when given.
        password: The password for ``username``.
        timeout: Seconds to wait for the server at each step.
        local_hostname: The name given in EHLO (else the machine's).
    """

    host: str = "127.0.0.1"
    port: int = 25
    starttls: bool = False
    implicit_tls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    local_hostname: str | None = None


class Mailer:
    """Sends ``EmailMessage`` objects over one SMTP connection, opened on first use."""

    def __init__(self, settings: SMTPSettings | None = None) -> None:
        self.settings = settings or SMTPSettings()
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        try:
            smtp: smtplib.SMTP
            if s.implicit_tls:
                smtp = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, local_hostname=s.local_hostname,
                    context=context,
                )  # fmt: skip
            else:
                smtp = smtplib.SMTP(
                    s.host, s.port, timeout=s.timeout, local_hostname=s.local_hostname
                )
                if s.starttls:
                    smtp.starttls(context=context)
            smtp.ehlo_or_helo_if_needed()
            if s.username is not None:
                smtp.login(s.username, s.password or "")
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(
                f"the SMTP server {s.host}:{s.port} refused the session: {_said(error)}",
                code=error.smtp_code,
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(
                f"cannot reach the SMTP server {s.host}:{s.port}: {error}"
            ) from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server for its ``To`` address.

        Raises:
            DeliveryError: the server refused it (``code`` is its reply) or the
                connection failed (``code`` is None: the outcome is unknown).
        """
        if self._smtp is None:
            self._smtp = self._connect()
        smtp = self._smtp
        self._deliver(lambda: smtp.send_message(message))

    def send_bytes(self, sender: str, recipient: str, data: bytes) -> None:
        """Hand an already serialized message (CRLF, 8bit allowed) to the server.

        Raises:
            DeliveryError: as ``send``.
        """
        if self._smtp is None:
            self._smtp = self._connect()
        smtp = self._smtp
        options = ["BODY=8BITMIME"] if smtp.has_extn("8bitmime") else []
        if not (sender + recipient).isascii():
            if not smtp.has_extn("smtputf8"):
                raise DeliveryError("the SMTP server cannot take international addresses", code=553)
            options.append("SMTPUTF8")
        self._deliver(lambda: smtp.sendmail(sender, [recipient], data, mail_options=options))

    def _deliver(self, hand_over: Callable[[], dict[str, tuple[int, bytes]]]) -> None:
        try:
            refused = hand_over()
        except smtplib.SMTPRecipientsRefused as error:
            code, said = next(iter(error.recipients.values()))
            raise DeliveryError(
                f"the SMTP server refused the recipient: {code} {_text(said)}", code=code
            ) from None
        except smtplib.SMTPServerDisconnected as error:
            self._smtp = None
            raise DeliveryError(f"the SMTP server closed the connection: {error}") from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(
                f"the SMTP server refused the message: {_said(error)}", code=error.smtp_code
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise DeliveryError(f"the SMTP connection failed: {error}") from None
        if refused:  # one recipient per message: a partial refusal is a refusal
            code, said = next(iter(refused.values()))
            raise DeliveryError(f"the SMTP server refused: {code} {_text(said)}", code=code)

    def close(self) -> None:
        """Say QUIT and close the connection (a later ``send`` opens a new one)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _text(said: bytes | str) -> str:
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else said


def _said(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_text(error.smtp_error)}"
