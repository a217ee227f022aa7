"""One digest run: a period's articles read once per edition, digests rendered per segment.

Subscribers with the same locale, editions and tags get the same digest, so a run
renders it once and keeps the last ``_SEGMENTS`` of them; only the links differ.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from newscms.formats.printable import printable_text
from newscms.newsletter._messages import (
    UNSUBSCRIBE_SLOT,
    MessageTemplate,
    digest_template,
    fill_links,
    render_digest,
)
from newscms.newsletter._words import words_for
from newscms.newsletter.models import DigestItem, DigestSection, Frequency, Subscriber
from newscms.store.streaming import read_snapshot, stream_articles

if TYPE_CHECKING:
    from newscms.domain.article import Article
    from newscms.newsletter.service import Newsletter

_PERIOD_LIMIT = 5000  # articles per edition a run reads for one period, newest first
_SEGMENTS = 1024  # rendered digests kept per run, one per distinct set of preferences


class Run:
    """One period's articles, read once per edition, and the digests rendered from them."""

    def __init__(
        self, newsletter: Newsletter, frequency: Frequency, start: datetime, end: datetime
    ) -> None:
        self.newsletter = newsletter
        self.frequency = frequency
        self.start = start
        self.end = end
        self._items: dict[str, tuple[DigestItem, ...]] = {}
        self._rendered: OrderedDict[tuple[Any, ...], _Rendered | None] = OrderedDict()
        self.date = newsletter.store.settings.now()

    def items(self, edition: str) -> tuple[DigestItem, ...]:
        """The public articles of ``edition`` published in the period, newest first."""
        if edition not in self._items:
            site = self.newsletter.site
            other = words_for(edition)["other"]
            with read_snapshot(self.newsletter.store) as uow:
                self._items[edition] = tuple(
                    _item(article, site.url_for(article), other)
                    for article in stream_articles(
                        uow,
                        locale=edition,
                        published_after=self.start,
                        published_before=self.end,
                        limit=_PERIOD_LIMIT,
                    )
                )
        return self._items[edition]

    def render(self, subscriber: Subscriber) -> _Rendered | None:
        """Sections, parts (with link slots) and template for this subscriber's preferences."""
        segment = (subscriber.locale, subscriber.followed_editions, subscriber.tag_ids)
        if segment in self._rendered:
            self._rendered.move_to_end(segment)
            return self._rendered[segment]
        wanted = frozenset(subscriber.tag_ids)
        chosen: list[DigestItem] = []
        for edition in subscriber.followed_editions:
            chosen += [i for i in self.items(edition) if not wanted or i.tag_ids & wanted]
        chosen.sort(key=lambda i: i.published_at, reverse=True)
        chosen = chosen[: self.newsletter.digest_limit]
        result = None
        if chosen:
            groups: dict[str, list[DigestItem]] = {}
            for item in chosen:
                groups.setdefault(item.group, []).append(item)
            other = {words_for(e)["other"] for e in subscriber.followed_editions}
            ordered = sorted(groups.items(), key=lambda g: g[0] in other)  # "other" last
            sections = tuple(DigestSection(title=t, items=tuple(i)) for t, i in ordered)
            parts = render_digest(
                sections,
                locale=subscriber.locale,
                site=self.newsletter.site,
                frequency=self.frequency.value,
                last_day=self.end - timedelta(microseconds=1),
            )
            subject, text, page = parts
            template = digest_template(
                sender=self.newsletter.sender,
                subject=subject,
                text=text,
                html_part=page,
                date=self.date,
                locale=subscriber.locale,
                list_id=self.newsletter.list_id,
            )
            result = sections, parts, template
        self._rendered[segment] = result
        if len(self._rendered) > _SEGMENTS:
            self._rendered.popitem(last=False)
        return result

    def message(self, subscriber: Subscriber, key: str) -> tuple[str, bytes] | None:
        """The Message-ID and bytes of one subscriber's digest, or None when nothing matched."""
        built = self.render(subscriber)
        if built is None:
            return None
        _sections, (subject, text, page), template = built
        newsletter = self.newsletter
        links = newsletter._slots(subscriber)
        # Deterministic: a message sent twice by mistake is recognisably the same one.
        message_id = f"<{self._key_digest(key)}.{subscriber.id.hex}@{newsletter.domain}>"
        if template is not None:
            return message_id, template.fill(
                to=subscriber.email, message_id=message_id, links=links
            )
        message = newsletter._message(
            subscriber.email,
            subject,
            fill_links(text, links),
            fill_links(page, links, html_part=True),
            subscriber.locale,
            message_id=message_id,
            unsubscribe_url=links[UNSUBSCRIBE_SLOT],
        )
        return message_id, message.as_bytes()

    def _key_digest(self, key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()[:16]


_Rendered = tuple[tuple[DigestSection, ...], tuple[str, str, str], MessageTemplate | None]


def _item(article: Article, url: str, other: str) -> DigestItem:
    regions = article.tags_of_kind("region")
    return DigestItem(
        id=article.id,
        locale=article.locale,
        headline=" ".join(printable_text(article.headline).split()),
        summary=" ".join(printable_text(article.summary or "").split()),
        url=url,
        published_at=article.published_at or article.created_at,
        group=regions[0].name if regions else other,
        tag_ids=frozenset(tag.id for tag in article.tags),
    )
