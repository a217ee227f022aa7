"""Messages as the standard library's ``email`` package builds them, and what they say.

Every message is ``multipart/alternative`` (plain text first, then HTML with inline CSS,
which is all most mail clients apply), UTF-8 throughout, with a ``Message-ID`` the send
log records. Digests carry ``List-Id`` and RFC 8058 one-click unsubscribe
(``List-Unsubscribe`` + ``List-Unsubscribe-Post``), which mailbox providers require of
bulk senders. Digest bodies are rendered once per group of subscribers who would get
the same articles; only the per-subscriber links differ, filled into placeholders.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING

from newscms.newsletter._words import words_for
from newscms.utils.dates import format_date

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from newscms.formats.site import Site
    from newscms.newsletter.models import DigestSection

__all__ = [
    "PREFERENCES_SLOT",
    "UNSUBSCRIBE_SLOT",
    "MessageTemplate",
    "build_message",
    "digest_template",
    "render_confirmation",
    "render_digest",
    "render_share",
]

UNSUBSCRIBE_SLOT = "https://slot.invalid/text/unsubscribe"
PREFERENCES_SLOT = "https://slot.invalid/text/preferences"
"""Placeholders of a rendered digest, replaced by each subscriber's own signed links."""
_HTML_SLOTS = {
    UNSUBSCRIBE_SLOT: "https://slot.invalid/html/unsubscribe",
    PREFERENCES_SLOT: "https://slot.invalid/html/preferences",
}
_TO_SLOT = "x-newscms-recipient@slot.invalid"
_ID_SLOT = "<x-newscms-message-id@slot.invalid>"
_HEADER_SLOT = "https://slot.invalid/header/unsubscribe"
_MAX_LINE = 998  # RFC 5322: what an 8bit body line may hold

_POLICY = policy.SMTP
_BODY = "font-family:Georgia,'Times New Roman',serif;color:#1a1a1a;background:#ffffff;"
_WRAP = "max-width:640px;margin:0 auto;padding:16px;"
_H1 = "font-size:22px;margin:0 0 8px 0;"
_H2 = (
    "font-size:15px;text-transform:uppercase;letter-spacing:1px;color:#8a1c1c;"
    "border-bottom:1px solid #dddddd;margin:24px 0 8px 0;padding-bottom:4px;"
)
_LINK = "color:#1a1a1a;font-size:18px;font-weight:bold;text-decoration:none;"
_META = "color:#666666;font-size:13px;margin:2px 0;"
_P = "font-size:15px;line-height:1.45;margin:4px 0 14px 0;"
_FOOT = "color:#666666;font-size:12px;border-top:1px solid #dddddd;margin-top:24px;padding-top:8px;"
_BUTTON = (
    "display:inline-block;background:#8a1c1c;color:#ffffff;padding:10px 18px;"
    "text-decoration:none;font-weight:bold;"
)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _lines(text: str, width: int = 76) -> list[str]:
    """Plain text wrapped for a mail reader (and under the 998-octet line limit)."""
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _he(text: str) -> str:
    """Escaped HTML text, broken into lines: an 8bit body has no line over 998 octets."""
    return "\n".join(textwrap.wrap(_e(text), 200, break_on_hyphens=False))


def _page(locale: str, title: str, inner: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{_e(locale)}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title></head>"
        f'<body style="{_BODY}"><div style="{_WRAP}">\n{inner}\n</div></body></html>\n'
    )


def render_digest(
    sections: Sequence[DigestSection],
    *,
    locale: str,
    site: Site,
    frequency: str,
    last_day: datetime,
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a digest, with the link placeholders left in."""
    words = words_for(locale)
    day = format_date(last_day, locale, zone=site.timezone)
    subject = words[f"subject_{frequency}"].format(site=site.name, date=day)
    intro = words["intro"].format(date=day)
    text = [*_lines(intro), ""]
    parts = [f'<h1 style="{_H1}">{_e(site.name)}</h1>', f'<p style="{_P}">{_he(intro)}</p>']
    for section in sections:
        text += [section.title.upper(), "=" * len(section.title), ""]
        parts.append(f'<h2 style="{_H2}">{_e(section.title)}</h2>')
        for item in section.items:
            when = format_date(item.published_at, locale, zone=site.timezone)
            summary = _lines(item.summary) if item.summary else []
            text += [*_lines(item.headline), when, *summary, item.url, ""]
            parts.append(
                f'<p style="margin:12px 0 0 0;"><a href="{_e(item.url)}" style="{_LINK}">\n'
                f'{_he(item.headline)}</a></p>\n<p style="{_META}">{_e(when)}</p>'
                + (f'\n<p style="{_P}">{_he(item.summary)}</p>' if item.summary else "")
            )
    why = words["why"].format(site=site.name)
    text += [
        "-- ",
        *_lines(why),
        f"{words['preferences']}: {PREFERENCES_SLOT}",
        f"{words['unsubscribe']}: {UNSUBSCRIBE_SLOT}",
    ]
    parts.append(
        f'<p style="{_FOOT}">{_he(why)}<br>\n'
        f'<a href="{_HTML_SLOTS[PREFERENCES_SLOT]}" style="color:#666666;">'
        f"{_e(words['preferences'])}</a> ·\n"
        f'<a href="{_HTML_SLOTS[UNSUBSCRIBE_SLOT]}" style="color:#666666;">'
        f"{_e(words['unsubscribe'])}</a></p>"
    )
    return subject, "\n".join(text) + "\n", _page(locale, subject, "\n".join(parts))


def fill_links(text: str, links: dict[str, str], *, html_part: bool = False) -> str:
    """Put a subscriber's links into the slots of a rendered digest part."""
    for slot, url in links.items():
        text = text.replace(_HTML_SLOTS[slot] if html_part else slot, _e(url) if html_part else url)
    return text


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """A digest serialized once for every subscriber with the same preferences.

    The ``email`` package builds and encodes it (8bit UTF-8, so the slots survive as
    written); each subscriber's copy is the same bytes with its address, Message-ID and
    signed links put in the slots. Serializing 100,000 messages is what a run would
    otherwise spend its time on.
    """

    data: bytes

    def fill(self, *, to: str, message_id: str, links: dict[str, str]) -> bytes:
        """The message of one subscriber, ready for SMTP."""
        data = self.data
        unsubscribe = links[UNSUBSCRIBE_SLOT]
        for slot, value in (
            (_TO_SLOT, to),
            (_ID_SLOT, message_id),
            (_HEADER_SLOT, unsubscribe),
            *links.items(),
            *((_HTML_SLOTS[slot], _e(url)) for slot, url in links.items()),
        ):
            data = data.replace(slot.encode("ascii"), value.encode("utf-8"))
        return data


def digest_template(
    *,
    sender: Address,
    subject: str,
    text: str,
    html_part: str,
    date: datetime,
    locale: str,
    list_id: str,
) -> MessageTemplate | None:
    """The digest as a template, or None when a line is too long for an 8bit body.

    A None caller builds each message whole instead (quoted-printable), which is slower
    and always right.
    """
    longest = max(len(line.encode("utf-8")) for line in (text + html_part).splitlines())
    if longest > _MAX_LINE - 300:  # room for the links that replace the slots
        return None
    message = build_message(
        sender=sender,
        to=_TO_SLOT,
        subject=subject,
        text=text,
        html_part=html_part,
        message_id=_ID_SLOT,
        date=date,
        locale=locale,
        list_id=list_id,
        unsubscribe_url=_HEADER_SLOT,
        cte="8bit",
    )
    return MessageTemplate(message.as_bytes())


def render_confirmation(*, locale: str, site: Site, confirm_url: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the double opt-in message."""
    words = words_for(locale)
    subject = words["confirm_subject"].format(site=site.name)
    body = words["confirm_body"].format(site=site.name)
    text = f"{body}\n\n{words['confirm_action']}: {confirm_url}\n\n{words['confirm_ignore']}\n"
    inner = (
        f'<h1 style="{_H1}">{_e(site.name)}</h1><p style="{_P}">{_e(body)}</p>'
        f'<p><a href="{_e(confirm_url)}" style="{_BUTTON}">{_e(words["confirm_action"])}</a></p>'
        f'<p style="{_FOOT}">{_e(words["confirm_ignore"])}</p>'
    )
    return subject, text, _page(locale, subject, inner)


def render_share(
    *,
    locale: str,
    site: Site,
    from_name: str,
    headline: str,
    summary: str,
    url: str,
    note: str,
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a "send to a friend" message; every value escaped."""
    words = words_for(locale)
    subject = words["share_subject"].format(name=from_name, site=site.name)
    intro = words["share_intro"].format(name=from_name, site=site.name)
    why = words["share_why"].format(name=from_name, site=site.name)
    text = [intro, ""]
    inner = [f'<p style="{_P}">{_e(intro)}</p>']
    if note:
        text += [words["share_note"], *(f"> {line}" for line in note.splitlines()), ""]
        quoted = "<br>".join(_e(line) for line in note.splitlines())
        inner.append(
            f'<p style="{_META}">{_e(words["share_note"])}</p>'
            f'<blockquote style="{_P}border-left:3px solid #dddddd;padding-left:8px;">'
            f"{quoted}</blockquote>"
        )
    text += [headline, *([summary] if summary else []), f"{words['read']}: {url}", "", "-- ", why]
    inner.append(
        f'<p style="margin:12px 0 0 0;"><a href="{_e(url)}" style="{_LINK}">{_e(headline)}</a></p>'
        + (f'<p style="{_P}">{_e(summary)}</p>' if summary else "")
        + f'<p><a href="{_e(url)}" style="{_BUTTON}">{_e(words["read"])}</a></p>'
        + f'<p style="{_FOOT}">{_e(why)}</p>'
    )
    return subject, "\n".join(text) + "\n", _page(locale, subject, "".join(inner))


def build_message(
    *,
    sender: Address,
    to: str,
    subject: str,
    text: str,
    html_part: str,
    message_id: str,
    date: datetime,
    locale: str,
    list_id: str | None = None,
    unsubscribe_url: str | None = None,
    cte: str | None = None,
) -> EmailMessage:
    """A ``multipart/alternative`` message, headers encoded by the ``email`` package.

    ``list_id`` and ``unsubscribe_url`` make it a list message: ``List-Id``,
    ``List-Unsubscribe`` and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``.
    """
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = Address(addr_spec=to)
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    if list_id is not None:
        message["List-Id"] = list_id
    if unsubscribe_url is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, charset="utf-8", cte=cte)
    message.add_alternative(html_part, subtype="html", charset="utf-8", cte=cte)
    message["Content-Language"] = locale  # after the parts: set_content drops Content-*
    return message
