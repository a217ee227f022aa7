"""The journal of every save: a revision per version, and the events it emits.

Each write that changes an article calls ``Journal.record`` in the same savepoint as
the change, so the revision log, the durable outbox and the after-commit events can
never disagree with the data: a rolled-back write leaves none of them behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from newscms.domain.article import CONTENT_FIELDS
from newscms.domain.status import Status, effective_status
from newscms.domain.workflow import ArticleEvent, EventKind
from newscms.store._snapshots import decode_snapshot, encode_snapshot, is_keyframe, keyframe_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy import Row

    from newscms.domain.article import Article
    from newscms.store._context import UnitState
    from newscms.store.search.repository import SearchRepository

__all__ = ["SNAPSHOT_FIELDS", "Entry", "Journal", "article_snapshot", "read_keyframe"]

SNAPSHOT_FIELDS = frozenset(
    {
        *CONTENT_FIELDS,
        "locale",
        "slug",
        "status",
        "published_at",
        "embargoed_until",
        "expires_at",
        "source",
        "date_provenance",
    }
)
"""What a revision keeps of an article (plus its tags); enough to read or restore it."""

_KEYFRAMES = "journal_keyframes"


def article_snapshot(article: Article) -> dict[str, Any]:
    """The JSON-ready state of ``article`` that a revision stores."""
    snapshot = article.model_dump(mode="json", include=set(SNAPSHOT_FIELDS))
    snapshot["tags"] = [
        {"id": str(tag.id), "kind": tag.kind, "name": tag.name, "slug": tag.slug}
        for tag in article.tags
    ]
    return snapshot


def read_keyframe(uow: UnitState, article_id: UUID, version: int) -> dict[str, Any]:
    """The snapshot of keyframe revision ``version`` (stored without a dictionary)."""
    r = uow.settings.tables.revisions
    blob = uow.connection.execute(
        select(r.c.snapshot).where(r.c.article_id == article_id, r.c.version == version)
    ).scalar_one()
    return decode_snapshot(blob, None)


@dataclass(frozen=True, slots=True)
class Entry:
    """One save to journal: the article as saved, what was done, and what to announce."""

    article: Article
    action: str
    changed: tuple[str, ...]
    events: tuple[EventKind, ...]
    old_slug: str | None = None


class Journal:
    """Writes revisions and outbox events for one unit of work."""

    def __init__(self, uow: UnitState, search: SearchRepository) -> None:
        self.uow = uow
        self.search = search

    def record(
        self,
        article: Article,
        *,
        action: str,
        changed: Iterable[str],
        events: Iterable[EventKind],
        old_slug: str | None = None,
    ) -> None:
        """Store revision ``article.version``, emit ``events`` and reindex the article.

        Every save of an article calls this (or ``record_many``) in its savepoint, which
        makes it the one place where the revision log, the outbox and the search index
        follow the article.
        """
        self.record_many([Entry(article, action, tuple(changed), tuple(events), old_slug)])

    def record_many(self, entries: Sequence[Entry]) -> None:
        """``record`` for several saves at once: one insert per table."""
        if not entries:
            return
        keyframes: dict[UUID, tuple[int, dict[str, Any]]] = self.uow.cache.setdefault(
            _KEYFRAMES, {}
        )
        revisions: list[dict[str, Any]] = []
        for entry in entries:
            article = entry.article
            snapshot = article_snapshot(article)
            base_version = None if is_keyframe(article.version) else keyframe_of(article.version)
            keyframe = None
            if base_version is not None:
                keyframe = self._keyframe(article.id, base_version, keyframes)
            else:
                keyframes[article.id] = (article.version, snapshot)
            revisions.append(
                {
                    "article_id": article.id,
                    "version": article.version,
                    "created_at": article.updated_at,
                    "actor": self.uow.actor,
                    "action": entry.action,
                    "changed_fields": list(dict.fromkeys(entry.changed)),
                    "base_version": base_version,
                    "snapshot": encode_snapshot(snapshot, keyframe),
                }
            )
        self.uow.connection.execute(insert(self.uow.settings.tables.revisions), revisions)
        self.search.index([entry.article for entry in entries])
        self.emit_many(
            [
                _event(
                    kind,
                    entry.article,
                    old_slug=entry.old_slug if kind is EventKind.SLUG_CHANGED else None,
                    at=entry.article.updated_at,
                )
                for entry in entries
                for kind in entry.events
            ]
        )

    def announce(self, rows: Iterable[Row[Any]], kind: EventKind) -> None:
        """Emit ``kind`` for article rows changed from elsewhere (a tag, a related article).

        No revision: their own fields did not change, and neither did their version.
        """
        now = self.uow.now()
        self.emit_many(
            [
                ArticleEvent.model_construct(
                    kind=kind,
                    article_id=row.id,
                    locale=row.locale,
                    slug=row.slug,
                    old_slug=None,
                    status=effective_status(Status(row.status), row.published_at, now),
                    version=row.version,
                    occurred_at=now,
                    embargoed_until=row.embargoed_until,
                    sequence=None,
                )
                for row in rows
            ]
        )

    def _keyframe(
        self, article_id: UUID, version: int, cache: dict[UUID, tuple[int, dict[str, Any]]]
    ) -> dict[str, Any]:
        cached = cache.get(article_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        snapshot = read_keyframe(self.uow, article_id, version)
        cache[article_id] = (version, snapshot)
        return snapshot

    def deleted(self, row: Row[Any]) -> None:
        """Emit the ``deleted`` event of an article row about to be removed, and unindex it."""
        self.search.remove(row.id)
        self.emit(
            ArticleEvent.model_construct(
                kind=EventKind.DELETED,
                article_id=row.id,
                locale=row.locale,
                slug=row.slug,
                old_slug=None,
                status=Status(row.status),
                version=row.version,
                occurred_at=self.uow.now(),
                embargoed_until=row.embargoed_until,
                sequence=None,
            )
        )

    def emit(self, event: ArticleEvent) -> None:
        """Queue ``event`` for after-commit handlers and write it to the durable outbox."""
        self.emit_many([event])

    def emit_many(self, events: Sequence[ArticleEvent]) -> None:
        """Queue ``events`` for after-commit handlers and write them to the outbox, in order."""
        if not events:
            return
        self.uow.events.extend(events)
        if not self.uow.settings.outbox:
            return
        self.uow.connection.execute(
            insert(self.uow.settings.tables.events),
            [
                {
                    "article_id": event.article_id,
                    "kind": event.kind.value,
                    "payload": event.model_dump(mode="json", exclude={"sequence"}),
                    "created_at": event.occurred_at,
                }
                for event in events
            ],
        )


def _event(
    kind: EventKind, article: Article, *, at: datetime, old_slug: str | None = None
) -> ArticleEvent:
    return ArticleEvent.model_construct(
        kind=kind,
        article_id=article.id,
        locale=article.locale,
        slug=article.slug,
        old_slug=old_slug,
        status=article.status,
        version=article.version,
        occurred_at=at,
        embargoed_until=article.embargoed_until,
        sequence=None,
    )
