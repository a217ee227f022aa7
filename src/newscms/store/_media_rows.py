"""The rows of media items and of the media articles show, read and written as domain models.

Shared by the media repository (``store.media``), the write path (an article's media
links) and the loader (what an article shows), with no dependency on either.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import bindparam, select

from newscms.domain.media import (
    ArticleMedia,
    FocalPoint,
    MediaItem,
    MediaKind,
    MediaRole,
    Rendition,
)
from newscms.utils.keys import media_key

if TYPE_CHECKING:
    import builtins
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from sqlalchemy import Connection, RowMapping

    from newscms.domain.media import MediaDraft
    from newscms.store.tables import Tables
    from newscms.utils.locales import LocaleFallback

__all__ = [
    "MediaLinks",
    "as_uuid_value",
    "link_rows",
    "load_shown",
    "media_item",
    "new_row",
    "stored_columns",
]

MediaLinks = list[tuple[UUID, MediaRole]]
"""What an article shows: media ids in order, each with its role."""


def link_rows(article_id: UUID, links: MediaLinks) -> builtins.list[dict[str, Any]]:
    """The ``article_media`` rows of an article's media links, in order."""
    return [
        {"article_id": article_id, "position": position, "media_id": media_id, "role": role.value}
        for position, (media_id, role) in enumerate(links)
    ]


def load_shown(
    conn: Connection,
    tables: Tables,
    locales: LocaleFallback,
    articles: Iterable[tuple[Any, str]],
    *,
    lead_only: bool = False,
) -> dict[Any, tuple[ArticleMedia, ...]]:
    """What each ``(article id, locale)`` shows, in order, texts along the locale's chain.

    Keyed by the id as given. One statement for the whole page; ``lead_only`` reads
    only lead items (what a teaser shows).
    """
    wanted = dict(articles)
    if not wanted:
        return {}
    am, m = tables.article_media, tables.media
    query = (
        select(am.c.article_id, am.c.role, m)
        .join(m, m.c.id == am.c.media_id)
        .where(am.c.article_id.in_(bindparam("ids", expanding=True, type_=am.c.article_id.type)))
        .order_by(am.c.article_id, am.c.position)
    )
    if lead_only:
        query = query.where(am.c.role == MediaRole.LEAD.value)
    by_key = {as_uuid_value(key).hex: key for key in wanted}
    shown: dict[Any, builtins.list[ArticleMedia]] = defaultdict(list)
    chains: dict[str, tuple[str, ...]] = {}
    for row in conn.execute(query, {"ids": [as_uuid_value(key) for key in wanted]}).all():
        mapping = row._mapping
        article_key = by_key.get(as_uuid_value(mapping["article_id"]).hex)
        if article_key is None:
            continue
        locale = wanted[article_key]
        chain = chains.get(locale)
        if chain is None:
            chain = chains[locale] = locales.chain(locale)
        shown[article_key].append(
            ArticleMedia.of(media_item(mapping), MediaRole(mapping["role"]), chain)
        )
    return {key: tuple(items) for key, items in shown.items()}


def as_uuid_value(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def new_row(draft: MediaDraft, now: datetime) -> dict[str, Any]:
    """The ``media`` row of a new item."""
    return {
        "id": draft.id or uuid4(),
        **stored_columns(draft),
        "url_key": media_key(draft.url),
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def stored_columns(item: MediaDraft | MediaItem) -> dict[str, Any]:
    """The stored columns of an item's own fields."""
    return {
        "kind": item.kind.value,
        "url": item.url,
        "storage_key": item.storage_key,
        "mime_type": item.mime_type,
        "width": item.width,
        "height": item.height,
        "alt": dict(item.alt),
        "caption": dict(item.caption),
        "credit": item.credit,
        "copyright_holder": item.copyright_holder,
        "focal_point": item.focal_point.model_dump() if item.focal_point else None,
        "renditions": [r.model_dump() for r in item.renditions],
    }


def media_item(m: Mapping[str, Any] | RowMapping) -> MediaItem:
    """A ``media`` row (or new row's values) as a ``MediaItem``, trusted as stored."""
    focal = m["focal_point"]
    return MediaItem.model_construct(
        id=as_uuid_value(m["id"]),
        kind=MediaKind(m["kind"]),
        url=m["url"],
        storage_key=m["storage_key"],
        mime_type=m["mime_type"],
        width=m["width"],
        height=m["height"],
        alt=dict(m["alt"] or {}),
        caption=dict(m["caption"] or {}),
        credit=m["credit"],
        copyright_holder=m["copyright_holder"],
        focal_point=FocalPoint.model_construct(**focal) if focal else None,
        renditions=tuple(Rendition.model_construct(**r) for r in m["renditions"] or ()),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=m["version"],
    )
