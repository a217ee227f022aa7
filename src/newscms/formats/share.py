"""Send to a friend: a ``mailto:`` link and share links for the common networks.

Every value is percent-encoded as UTF-8 with nothing left unescaped but RFC 3986's
unreserved characters, so a headline in any script, with quotes, ``&``, ``#``, ``?``,
``+`` or ``=``, arrives intact: spaces are ``%20`` (RFC 6068 forbids ``+`` for a space
in ``mailto:``, and some share endpoints read ``+`` literally), line breaks in an e-mail
body are ``%0D%0A``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from newscms.errors import ValidationError
from newscms.formats.printable import printable_text
from newscms.formats.site import to_uri

if TYPE_CHECKING:
    from collections.abc import Mapping

    from newscms.domain import Article
    from newscms.formats.site import Site

__all__ = ["SHARE_ENDPOINTS", "SharePayload", "mailto_url", "share_payload"]

SHARE_ENDPOINTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "x": ("https://twitter.com/intent/tweet", (("text", "title"), ("url", "url"))),
    "facebook": ("https://www.facebook.com/sharer/sharer.php", (("u", "url"),)),
    "linkedin": ("https://www.linkedin.com/sharing/share-offsite/", (("url", "url"),)),
    "whatsapp": ("https://wa.me/", (("text", "title_and_url"),)),
    "telegram": ("https://t.me/share/url", (("url", "url"), ("text", "title"))),
    "reddit": ("https://www.reddit.com/submit", (("url", "url"), ("title", "title"))),
}
"""Each network's share endpoint and its query parameters (parameter, what it carries)."""


@dataclass(frozen=True, slots=True)
class SharePayload:
    """What a "send to a friend" or share button needs, already encoded.

    Attributes:
        url: The article's URL.
        title: The headline, as shared.
        text: The plain-text message (headline, summary, URL) of the e-mail.
        mailto: A ``mailto:`` URL with that subject and body and no recipient.
        networks: Share URL per network name (``x``, ``facebook``, ``linkedin``,
            ``whatsapp``, ``telegram``, ``reddit``, ``email``).
    """

    url: str
    title: str
    text: str
    mailto: str
    networks: Mapping[str, str] = field(default_factory=dict)


def mailto_url(*, subject: str, body: str, to: str = "") -> str:
    """A ``mailto:`` URL (RFC 6068) with a subject and a body, for any script.

    Args:
        subject: The subject line; line breaks become spaces.
        body: The message; any line ending becomes CRLF, as RFC 6068 asks.
        to: Recipient address; empty lets the reader choose.

    Returns:
        ``mailto:[to]?subject=...&body=...`` with every value percent-encoded as UTF-8.
    """
    subject = " ".join(printable_text(subject).split())
    lines = printable_text(body.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    body_value = "%0D%0A".join(_encode(line) for line in lines)
    return f"mailto:{quote(to, safe='@')}?subject={_encode(subject)}&body={body_value}"


def share_payload(
    article: Article, url: str | None = None, *, site: Site | None = None
) -> SharePayload:
    """The share links of an article: e-mail and every network in ``SHARE_ENDPOINTS``.

    Args:
        article: The article to share.
        url: Its public URL; taken from ``site`` when not given.
        site: Builds the URL when ``url`` is None.

    Returns:
        The payload, every URL ready to put in an ``href``.

    Raises:
        ValidationError: Neither ``url`` nor ``site`` was given, or the URL is not an
            absolute http(s) URL.
    """
    if url is None:
        if site is None:
            raise ValidationError("give the article's url, or a site to build it", field="url")
        url = site.url_for(article)
    link = to_uri(url)
    title = " ".join(printable_text(article.headline).split())
    parts = [title, printable_text(article.summary or "").strip(), link]
    text = "\n\n".join(part for part in parts if part)
    mailto = mailto_url(subject=title, body=text)
    values = {"url": link, "title": title, "title_and_url": f"{title} {link}"}
    networks = {
        name: endpoint
        + "?"
        + "&".join(f"{param}={_encode(values[what])}" for param, what in params)
        for name, (endpoint, params) in SHARE_ENDPOINTS.items()
    }
    networks["email"] = mailto
    return SharePayload(url=link, title=title, text=text, mailto=mailto, networks=networks)


def _encode(value: str) -> str:
    return quote(value, safe="", encoding="utf-8")
