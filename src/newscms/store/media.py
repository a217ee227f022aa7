"""Media items: ``uow.media``, and the media articles show.

A media item is the metadata of an image (or video, audio) whose bytes are in the
host's storage: one item per URL (``url_key``), its alt text and caption per locale,
credit, renditions. Articles show items in order, each in a role (``article_media``);
the write path resolves what an article draft attaches (``resolve_attachments``) and
the loader reads what an article shows (``load_shown``) only for articles that show
any (``articles.media_count``), so an article without media costs nothing more.

Changing an item reaches the articles showing it as a tag rename does: they keep their
version, their fingerprint moves and each gets an ``updated`` event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, insert, or_, select, update

from newscms.domain.media import (
    MediaDraft,
    MediaItem,
    MediaPatch,
)
from newscms.domain.page import Page
from newscms.domain.workflow import EventKind
from newscms.errors import ConflictError, DuplicateError, NotFoundError
from newscms.store._base import Repository, as_uuid, as_version, check_limit, expect
from newscms.store._errors import translated
from newscms.store._listing import decode_position, encode_position
from newscms.store._loading import article_ref
from newscms.store._media_rows import (
    MediaLinks,
    as_uuid_value,
    media_item,
    new_row,
    stored_columns,
)
from newscms.store._work import Work
from newscms.utils.keys import media_key

if TYPE_CHECKING:
    import builtins
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy import Connection, Select

    from newscms.domain.article_ref import ArticleRef
    from newscms.domain.media import MediaAttachment
    from newscms.store.tables import Tables

__all__ = ["MediaRepository", "resolve_attachments", "shown_at"]

_SCOPE = "media"
_CHUNK = 500


class MediaRepository(Repository[Work]):
    """Media items of one unit of work."""

    # -- reads ---------------------------------------------------------------------

    @translated
    def get(self, media_id: UUID | str) -> MediaItem:
        """The media item with this id.

        Raises:
            NotFoundError: no such item.
        """
        media_id = as_uuid(media_id, "media_id")
        found = _items(self.conn, self.t, [media_id])
        if media_id not in found:
            raise NotFoundError(f"no media item with id {media_id}", kind="media", key=media_id)
        return found[media_id]

    @translated
    def find_by_url(self, url: str) -> MediaItem | None:
        """The item stored for ``url`` (scheme, ``www.`` and a trailing slash aside), if any."""
        m = self.t.media
        row = self.conn.execute(
            select(m).where(m.c.url_key == media_key(expect(url, str, "url")))
        ).first()
        return None if row is None else media_item(row._mapping)

    @translated
    def list(self, *, limit: int = 20, cursor: str | None = None) -> Page[MediaItem]:
        """Media items, newest first, one keyset page at a time."""
        check_limit(limit)
        m = self.t.media
        query = select(m).order_by(m.c.created_at.desc(), m.c.id.desc()).limit(limit + 1)
        if cursor is not None:
            at, last = decode_position(self.uow.cursors, cursor, _SCOPE)
            query = query.where(
                m.c.created_at <= at,
                or_(m.c.created_at < at, and_(m.c.created_at == at, m.c.id < last)),
            )
        rows = self.conn.execute(query).all()
        items = tuple(media_item(row._mapping) for row in rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            last_item = items[-1]
            next_cursor = encode_position(
                self.uow.cursors, _SCOPE, last_item.created_at, last_item.id
            )
        return Page(items=items, next_cursor=next_cursor)

    @translated
    def articles(self, media_id: UUID | str) -> tuple[ArticleRef, ...]:
        """The articles showing the item (any status), newest first: where it is used."""
        media_id = as_uuid(media_id, "media_id")
        self.get(media_id)
        now = self.uow.now()
        return tuple(
            article_ref(
                id=as_uuid_value(row.id),
                locale=row.locale,
                slug=row.slug,
                headline=row.headline,
                status=row.status,
                published_at=row.published_at,
                now=now,
            )
            for row in self.conn.execute(_showing(self.t, media_id)).all()
        )

    # -- writes --------------------------------------------------------------------

    @translated
    def create(self, draft: MediaDraft) -> MediaItem:
        """Store a new media item.

        Raises:
            DuplicateError: an item with this id or this URL is already stored.
        """
        expect(draft, MediaDraft, "draft")
        with self.uow.atomic():
            m = self.t.media
            if draft.id is not None and self.conn.scalar(select(m.c.id).where(m.c.id == draft.id)):
                raise DuplicateError(f"a media item with id {draft.id} already exists")
            key = media_key(draft.url)
            held = self.conn.scalar(select(m.c.id).where(m.c.url_key == key))
            if held is not None:
                raise DuplicateError(
                    f"media item {held} already has the URL {draft.url}; attach that one"
                )
            row = new_row(draft, self.uow.now())
            self.conn.execute(insert(m), [row])
            return media_item(row)

    @translated
    def find_or_create(self, draft: MediaDraft) -> MediaItem:
        """The item stored for ``draft``'s URL, else a new one: what an article attaching it gets.

        A stored item gains the alt texts and captions ``draft`` has in locales it had
        none in (the articles showing it hear of it); its other fields stay.
        """
        expect(draft, MediaDraft, "draft")
        with self.uow.atomic():
            found = self.find_by_url(draft.url)
            if found is None:
                return self.create(draft)
            completed = _with_new_texts(found, draft, self.uow.now())
            if completed is None:
                return found
            _save(self.uow, found, completed)
            return completed

    @translated
    def update(self, media_id: UUID | str, patch: MediaPatch) -> MediaItem:
        """Apply ``patch`` if the item is still at ``patch.expected_version``.

        The articles showing the item hear of it (``updated`` events, new fingerprints).

        Raises:
            NotFoundError: no such item.
            ConflictError: it was saved by someone else since that version.
            DuplicateError: the new URL is another item's.
            ValidationError: the patched item would break a rule (a type of another
                kind, a width without a height, two renditions of one name).
        """
        expect(patch, MediaPatch, "patch")
        media_id = as_uuid(media_id, "media_id")
        with self.uow.atomic():
            current = self.get(media_id)
            if current.version != patch.expected_version:
                raise ConflictError(
                    f"the media item is at version {current.version}, not "
                    f"{patch.expected_version}; reload it and apply your change again"
                )
            changes = patch.changes()
            if "url" in changes:
                key = media_key(changes["url"])
                held = self.conn.scalar(
                    select(self.t.media.c.id).where(
                        self.t.media.c.url_key == key, self.t.media.c.id != media_id
                    )
                )
                if held is not None:
                    raise DuplicateError(f"media item {held} already has the URL {changes['url']}")
            updated = MediaItem.model_validate(
                {
                    **current.model_dump(),
                    **changes,
                    "version": current.version + 1,
                    "updated_at": self.uow.now(),
                }
            )
            _save(self.uow, current, updated)
            return updated

    @translated
    def delete(self, media_id: UUID | str, *, expected_version: int | None = None) -> None:
        """Remove a media item no article shows (its bytes stay in your storage).

        Raises:
            NotFoundError: no such item.
            ConflictError: an article still shows it, or it is no longer at
                ``expected_version``.
        """
        media_id = as_uuid(media_id, "media_id")
        expected_version = as_version(expected_version)
        with self.uow.atomic():
            current = self.get(media_id)
            if expected_version is not None and current.version != expected_version:
                raise ConflictError(
                    f"the media item is at version {current.version}, not {expected_version}"
                )
            am = self.t.article_media
            shown = self.conn.scalar(
                select(func.count()).select_from(am).where(am.c.media_id == media_id)
            )
            if shown:
                raise ConflictError(
                    f"{shown} article(s) still show media item {media_id}; detach it first "
                    "(uow.media.articles lists them)"
                )
            self.conn.execute(delete(self.t.media).where(self.t.media.c.id == media_id))


# -- what articles attach and show ------------------------------------------------------


def resolve_attachments(
    uow: Work, attachments: Sequence[tuple[Sequence[MediaAttachment], str]]
) -> builtins.list[MediaLinks]:
    """The media links of each article's attachments (with its locale), in a few statements.

    Stored items named by id must exist; a new item whose URL is stored already is that
    item, given the alt texts and captions of locales it had none in (the articles
    showing it hear of it); items new to the store are inserted, once per URL even when
    several articles of the batch attach them.

    Raises:
        NotFoundError: an attachment names a media id that is not stored.
    """
    if not any(items for items, _ in attachments):
        return [[] for _ in attachments]
    conn, t, now = uow.connection, uow.settings.tables, uow.now()
    wanted_ids = {a.id for items, _ in attachments for a in items if a.id is not None}
    drafts: dict[str, MediaDraft] = {}
    for items, _ in attachments:
        for attachment in items:
            if attachment.media is not None:
                key = media_key(attachment.media.url)
                drafts[key] = (
                    _merged(drafts[key], attachment.media) if key in drafts else attachment.media
                )
    m = t.media
    if wanted_ids:
        found = set(conn.scalars(select(m.c.id).where(m.c.id.in_(list(wanted_ids)))))
        missing = sorted(wanted_ids - found, key=str)
        if missing:
            raise NotFoundError(f"no media item with id {missing[0]}", kind="media", key=missing[0])
    stored: dict[str, MediaItem] = {}
    keys = list(drafts)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        for row in conn.execute(select(m).where(m.c.url_key.in_(chunk))).all():
            stored[row.url_key] = media_item(row._mapping)
    new_rows = [new_row(draft, now) for key, draft in drafts.items() if key not in stored]
    if new_rows:
        conn.execute(insert(m), new_rows)
    ids = {row["url_key"]: row["id"] for row in new_rows}
    for key, item in stored.items():
        ids[key] = item.id
        completed = _with_new_texts(item, drafts[key], now)
        if completed is not None:
            _save(uow, item, completed)
    return [
        [(_linked(attachment, ids), attachment.role) for attachment in items]
        for items, _ in attachments
    ]


def shown_at(uow: Work, links: Iterable[MediaLinks]) -> dict[str, UUID]:
    """Each URL the linked items are reachable at (``media_key``) to the item's id.

    Their own URLs and their renditions': what ``utils.html.link_media_images`` matches.
    """
    ids = list({media_id for linked in links for media_id, _ in linked})
    urls: dict[str, UUID] = {}
    if not ids:
        return urls
    for item in _items(uow.connection, uow.settings.tables, ids).values():
        for url in (item.url, *(r.url for r in item.renditions)):
            urls.setdefault(media_key(url), item.id)
    return urls


def _linked(attachment: MediaAttachment, ids: Mapping[str, UUID]) -> UUID:
    """The media id an attachment names: its own, or the item stored for its draft's URL."""
    if attachment.id is not None:
        return attachment.id
    assert attachment.media is not None  # MediaAttachment holds one or the other
    return ids[media_key(attachment.media.url)]


def _items(conn: Connection, tables: Tables, ids: Sequence[UUID]) -> dict[UUID, MediaItem]:
    m = tables.media
    rows = conn.execute(select(m).where(m.c.id.in_(list(ids)))).all()
    return {item.id: item for item in (media_item(row._mapping) for row in rows)}


def _merged(first: MediaDraft, other: MediaDraft) -> MediaDraft:
    """Two drafts of one URL in a batch as one: the first's fields, both's locales' texts."""
    return first.model_copy(
        update={"alt": {**other.alt, **first.alt}, "caption": {**other.caption, **first.caption}}
    )


def _with_new_texts(item: MediaItem, draft: MediaDraft, now: datetime) -> MediaItem | None:
    """``item`` given the texts ``draft`` has in locales it lacks, or None if it lacks none."""
    alt = {**draft.alt, **item.alt}
    caption = {**draft.caption, **item.caption}
    if alt == item.alt and caption == item.caption:
        return None
    return item.model_copy(
        update={"alt": alt, "caption": caption, "version": item.version + 1, "updated_at": now}
    )


def _save(uow: Work, before: MediaItem, after: MediaItem) -> None:
    """Write ``after`` over ``before`` (guarded by version) and tell the articles showing it."""
    m = uow.settings.tables.media
    values = {**stored_columns(after), "url_key": media_key(after.url), "version": after.version}
    result = uow.connection.execute(
        update(m)
        .where(m.c.id == before.id, m.c.version == before.version)
        .values(**values, updated_at=after.updated_at)
    )
    if result.rowcount == 0:
        raise ConflictError("the media item was saved by someone else in the meantime; reload it")
    # What their search documents hold is unchanged; what readers see of them is not.
    uow.journal.announce(
        uow.connection.execute(_showing(uow.settings.tables, before.id)).all(),
        EventKind.UPDATED,
    )


def _showing(t: Tables, media_id: UUID) -> Select[Any]:
    """The articles showing a media item, newest first, with what events and refs need."""
    a, am = t.articles, t.article_media
    shown = select(am.c.article_id).where(am.c.media_id == media_id)
    columns = ("id", "locale", "slug", "headline", "status", "published_at", "version")
    return (
        select(*(a.c[name] for name in columns), a.c.embargoed_until)
        .where(a.c.id.in_(shown))
        .order_by(a.c.listed_at.desc(), a.c.id.desc())
    )
