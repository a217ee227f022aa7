"""The one write path of articles: every change to one goes through here.

Create (one or a batch), update, workflow transitions, corrections, restores, import
re-syncs and deletes are thin entries into these functions, which do the follow-ups in
one fixed order, in the savepoint of the change:

1. lock the row (concurrent writers of one article queue instead of failing) and check
   the version the caller read;
2. derive the listing columns (``is_public``, ``listed_at``) from status, publication
   time and embargo (``expires_at``, the third, is the caller's);
3. the guarded write;
4. the slug, claimed in the slug history;
5. the byline's people, the tags and the media links;
6. the tags' listing rows;
7. pending relations that now name the article, when a key they match on changed;
8. the journal: revision, events (``published`` only once the public can see it,
   ``expired`` once it no longer can), search document;
9. the articles that show this one (in their relations, or as another edition of
   their translation group) hear that it changed.

Changes that reach articles from elsewhere (a tag renamed or merged) go through
``touch``: the search documents and events of every article showing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update

from newscms.domain.status import Status, is_public_status, listed_at
from newscms.domain.workflow import EventKind
from newscms.errors import ConflictError, NotFoundError
from newscms.store import _slugs
from newscms.store._creation import insert_articles, match_keys, people_rows, tag_rows
from newscms.store._direct import Prepared
from newscms.store._journal import SNAPSHOT_FIELDS, Entry
from newscms.store._listing import LISTING_COLUMNS, is_visible
from newscms.store._loading import loader_for
from newscms.store._media_rows import MediaLinks, link_rows

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy import Row, Select

    from newscms.domain.article import Article, ArticleDraft, Person
    from newscms.store._work import Work
    from newscms.store.tables import Tables

__all__ = [
    "Change",
    "articles_tagged",
    "check_version",
    "create",
    "delete_article",
    "lock_row",
    "new_correction",
    "save",
    "touch",
]

# Columns a pending relation matches an article on: a change to one may resolve some.
_MATCHED = frozenset({"title_key", "url_key", "published_at", "locale"})
# Columns an article's reference in other articles' relations shows.
_SHOWN_BY_OTHERS = frozenset(
    {"headline", "status", "published_at", *LISTING_COLUMNS, "translation_group"}
)
_TOUCH_BATCH = 500
_LOAD = ("write_path", "load")


@dataclass(slots=True)
class Change:
    """What one save writes, decided from the locked row before anything is written.

    ``columns`` are the article columns to set (the listing columns are derived here),
    ``fields`` the article fields the revision names, ``events`` what the caller
    announces: ``published`` is judged by the write path (see ``_announcements``).
    ``slug_base`` is set when ``slug`` was derived from the headline, so a lost race
    for it moves on to the next free number.
    """

    columns: dict[str, Any]
    fields: Sequence[str]
    events: Sequence[EventKind]
    slug: str | None = None
    slug_base: str | None = None
    tag_ids: Sequence[UUID] | None = None
    byline: Sequence[Person] | None = None
    media: MediaLinks | None = None


def lock_row(uow: Work, article_id: UUID) -> Row[Any]:
    """The article's row, locked until the transaction ends, as last committed.

    Concurrent writers of one article queue here and each sees the previous one's
    save, instead of a stale read that would fail at the guarded write (SQLite's single
    writer already serialises them).

    Raises:
        NotFoundError: no such article.
    """
    a = uow.settings.tables.articles
    query = select(a).where(a.c.id == article_id)
    if uow.dialect != "sqlite":
        # NO KEY UPDATE (PostgreSQL) still lets other transactions insert rows that
        # reference this one (a relation to it); MariaDB reads it as FOR UPDATE.
        query = query.with_for_update(key_share=True)
    row = uow.connection.execute(query).first()
    if row is None:
        raise NotFoundError(f"no article with id {article_id}", kind="article", key=article_id)
    return row


def check_version(uow: Work, row: Row[Any], expected: int | None) -> None:
    """Raise ``ConflictError`` when ``expected`` is given and the row is at another version.

    The error carries the current version and the fields saved since ``expected``, so
    an editor can see what to merge.
    """
    if expected is None or row.version == expected:
        return
    changed = _changed_since(uow, row.id, expected) if row.version > expected else ()
    detail = f" ({', '.join(changed)} changed)" if changed else ""
    raise ConflictError(
        f"the article is at version {row.version}, not {expected}: someone saved it in the "
        f"meantime{detail}; reload it and apply your change again",
        current_version=row.version,
        expected_version=expected,
        changed_fields=changed,
    )


def _changed_since(uow: Work, article_id: UUID, version: int) -> tuple[str, ...]:
    """Every field changed by the revisions saved after ``version``, in first-seen order."""
    r = uow.settings.tables.revisions
    rows = uow.connection.scalars(
        select(r.c.changed_fields)
        .where(r.c.article_id == article_id, r.c.version > version)
        .order_by(r.c.version)
    )
    fields: dict[str, None] = {}
    for changed in rows:
        fields.update(dict.fromkeys(changed))
    return tuple(fields)


def load(uow: Work, article_ids: Sequence[UUID]) -> list[Article]:
    """The complete articles ``article_ids`` name, in that order, as editors see them.

    Raises:
        NotFoundError: one of them is not stored.
    """
    t = uow.settings.tables
    loader = loader_for(t, uow.settings.locales)
    statement = loader.statements.get(_LOAD)
    if statement is None:
        ids = bindparam("ids", expanding=True, type_=t.articles.c.id.type)
        statement = loader.statements[_LOAD] = Prepared(
            select(*loader.article_columns).where(t.articles.c.id.in_(ids))
        )
    rows = statement.mappings(uow.connection, {"ids": list(article_ids)})
    found = {a.id: a for a in loader.load(uow.connection, rows, now=uow.now())}
    missing = [i for i in article_ids if i not in found]
    if missing:
        raise NotFoundError(f"no article with id {missing[0]}", kind="article", key=missing[0])
    return [found[i] for i in article_ids]


# -- changing a stored article -----------------------------------------------------------


def save(
    uow: Work,
    article_id: UUID,
    expected_version: int | None,
    decide: Callable[[Row[Any]], Change | None],
    *,
    action: str,
) -> Article:
    """Change one stored article: ``decide(row)`` says what, this writes it and its follow-ups.

    ``decide`` sees the locked, current row and returns ``None`` when nothing changes
    (then nothing is written and the version stays).

    Raises:
        NotFoundError: no such article.
        ConflictError: ``expected_version`` is given and no longer current.
    """
    with uow.atomic():
        row = lock_row(uow, article_id)
        check_version(uow, row, expected_version)
        change = decide(row)
        if change is None:
            return load(uow, [article_id])[0]
        return _write(uow, row, change, action)


def _write(uow: Work, row: Row[Any], change: Change, action: str) -> Article:
    conn, t, now = uow.connection, uow.settings.tables, uow.now()
    columns = _with_listing(row, change.columns)
    before: Mapping[str, Any] = dict(row._mapping)
    _guarded_update(uow, row, columns, now)
    slug = row.slug
    if change.slug is not None:
        slug = _slugs.reslug(uow, row.id, row.locale, change.slug, base=change.slug_base)
    after = {**before, **columns, "slug": slug}
    if change.byline is not None:
        ap = t.article_people
        conn.execute(delete(ap).where(ap.c.article_id == row.id))
        if change.byline:
            conn.execute(insert(ap), people_rows(row.id, change.byline))
    if change.tag_ids is not None:
        at = t.article_tags
        conn.execute(delete(at).where(at.c.article_id == row.id))
        if change.tag_ids:
            conn.execute(insert(at), tag_rows(row.id, change.tag_ids, after))
    elif listing := {name: after[name] for name in LISTING_COLUMNS if name in columns}:
        at = t.article_tags
        conn.execute(update(at).where(at.c.article_id == row.id).values(**listing))
    if change.media is not None:
        am = t.article_media
        conn.execute(delete(am).where(am.c.article_id == row.id))
        if change.media:
            conn.execute(insert(am), link_rows(row.id, change.media))
    if _MATCHED & columns.keys() or change.slug is not None:
        uow.relations.resolve_pending(match_keys(after))
    article = load(uow, [row.id])[0]
    events = _announcements(change.events, before, after, now)
    if change.slug is not None:
        events.append(EventKind.SLUG_CHANGED)
    uow.journal.record(
        article, action=action, changed=change.fields, events=events, old_slug=row.slug
    )
    if _SHOWN_BY_OTHERS & columns.keys() or change.slug is not None:
        _announce_sources(uow, row.id, after["translation_group"])
        if before["translation_group"] not in (None, after["translation_group"]):
            _announce_sources(uow, row.id, before["translation_group"])
    return article


def _with_listing(row: Row[Any], columns: dict[str, Any]) -> dict[str, Any]:
    """``columns`` plus the listing columns they imply (visibility and listing time)."""
    if not {"status", "published_at", "embargoed_until"} & columns.keys():
        return columns
    status = Status(columns.get("status", row.status))
    derived = {
        "is_public": is_public_status(status),
        "listed_at": listed_at(
            status,
            columns.get("published_at", row.published_at),
            row.created_at,
            columns.get("embargoed_until", row.embargoed_until),
        ),
    }
    return {**columns, **{k: v for k, v in derived.items() if getattr(row, k) != v}}


def _guarded_update(uow: Work, row: Row[Any], columns: dict[str, Any], now: datetime) -> None:
    """Write ``columns`` if the article is still at ``row.version`` (it is: the row is locked).

    The version guard stays as a second line: a write that matches no row is a
    conflict, never a lost update.
    """
    a = uow.settings.tables.articles
    result = uow.connection.execute(
        update(a)
        .where(a.c.id == row.id, a.c.version == row.version)
        .values(**columns, version=row.version + 1, updated_at=now)
    )
    if result.rowcount == 0:
        raise ConflictError(
            "the article was saved by someone else in the meantime; reload it and apply "
            "your change again"
        )


def _announced(values: Mapping[str, Any]) -> bool:
    """Whether the public could see the article when it was last written (announced)."""
    return _visible(values, values["updated_at"])


def _visible(values: Mapping[str, Any], now: datetime) -> bool:
    """Whether the public sees an article with these column ``values`` at ``now``."""
    return is_visible(values["is_public"], values["listed_at"], values["expires_at"], now)


def _announcements(
    requested: Iterable[EventKind],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    now: datetime,
) -> list[EventKind]:
    """The events of a save: ``requested``, with ``published`` sent exactly once.

    ``published`` goes out when the public can see the article now and could not at its
    last write: never while an embargo or a publication time holds it back (then a
    requested ``published`` becomes ``scheduled``), and once when it comes due, from
    ``publish_due`` or from whichever save sees it first.
    """
    visible = _visible(after, now)
    events: list[EventKind] = [kind for kind in requested if kind is not EventKind.PUBLISHED]
    expired = after["expires_at"] is not None and after["expires_at"] <= now
    held_back = EventKind.PUBLISHED in requested and not visible and not expired
    if held_back and EventKind.SCHEDULED not in events:
        events.append(EventKind.SCHEDULED)
    if visible and (before is None or not _announced(before)):
        events.append(EventKind.PUBLISHED)
    if (
        expired
        and before is not None
        and _announced(before)
        and EventKind.UNPUBLISHED not in events
        and EventKind.ARCHIVED not in events
    ):
        events.append(EventKind.EXPIRED)
    return events


# -- creating ---------------------------------------------------------------------------------


def create(uow: Work, drafts: Sequence[ArticleDraft]) -> list[Article]:
    """Store new articles in the savepoint of the caller, with every follow-up of a save.

    The batch is checked and inserted in a few statements per table (see
    ``store._creation``); each article gets its first revision, its events and its
    search document.
    """
    ids = insert_articles(uow, drafts)
    articles = load(uow, ids)
    now = uow.now()
    entries = []
    for article in articles:
        after = {
            "is_public": is_public_status(article.status),
            "listed_at": listed_at(
                article.status, article.published_at, article.created_at, article.embargoed_until
            ),
            "expires_at": article.expires_at,
        }
        requested = [EventKind.CREATED]
        if article.status is Status.SCHEDULED:
            requested.append(EventKind.SCHEDULED)
        events = _announcements(requested, None, after, now)
        fields = [f for f in SNAPSHOT_FIELDS if getattr(article, f) not in (None, "", ())]
        if article.tags:
            fields.append("tags")
        entries.append(Entry(article, "create", tuple(sorted(fields)), tuple(events)))
    uow.journal.record_many(entries)
    _announce_joined(uow, articles)
    return articles


# -- deleting ---------------------------------------------------------------------------------


def delete_article(uow: Work, article_id: UUID, expected_version: int | None) -> None:
    """Delete an article for good; relations pointing at it become pending again.

    Its revisions go with it; it leaves the search index and a ``deleted`` event is
    emitted, and the articles that showed it in their relations hear of it.
    """
    a = uow.settings.tables.articles
    with uow.atomic():
        row = lock_row(uow, article_id)
        check_version(uow, row, expected_version)
        _announce_sources(uow, row.id, row.translation_group)
        uow.relations.unresolve_incoming(row)
        uow.journal.deleted(row)
        uow.connection.execute(delete(a).where(a.c.id == article_id))


# -- changes that reach articles from elsewhere -------------------------------------------------


def touch(uow: Work, article_ids: Iterable[UUID], *, reindex: bool = True) -> int:
    """Bring articles whose representation changed from elsewhere back in step.

    A tag renamed or merged, a related article edited or deleted: the articles showing
    it keep their version, but their fingerprint moves, each gets an ``updated`` event
    and (with ``reindex``, for what their search document holds) a fresh search
    document. Returns how many were touched.
    """
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), _TOUCH_BATCH):
        chunk = ids[start : start + _TOUCH_BATCH]
        if reindex:
            uow.search.index(load(uow, chunk))
        rows = uow.connection.execute(
            _statements(uow.settings.tables).announced, {"ids": chunk}
        ).all()
        uow.journal.announce(rows, EventKind.UPDATED)
    return len(ids)


def articles_tagged(uow: Work, tag_ids: Iterable[UUID]) -> list[UUID]:
    """The articles carrying any of ``tag_ids`` (to ``touch`` after a tag change)."""
    at = uow.settings.tables.article_tags
    return list(
        dict.fromkeys(
            uow.connection.scalars(select(at.c.article_id).where(at.c.tag_id.in_(list(tag_ids))))
        )
    )


def _announce_sources(uow: Work, article_id: UUID, group: UUID | None) -> None:
    """Announce ``updated`` for the other articles that show ``article_id``.

    Those are the articles whose relations name it and the other editions of its
    translation ``group``. One statement reads them (their search documents do not
    hold related headlines, so nothing is reindexed).
    """
    statement = _statements(uow.settings.tables).sources_showing
    rows = uow.connection.execute(statement, {"id": article_id, "group": group}).all()
    if rows:
        uow.journal.announce(rows, EventKind.UPDATED)


def _announce_joined(uow: Work, created: Sequence[Article]) -> None:
    """Announce ``updated`` for stored editions of the groups new articles joined."""
    groups = list({a.translation_group for a in created} - {None})
    if not groups:
        return
    statement = _statements(uow.settings.tables).editions
    new = [a.id for a in created]
    rows = uow.connection.execute(statement, {"groups": groups, "new": new}).all()
    if rows:
        uow.journal.announce(rows, EventKind.UPDATED)


@dataclass(frozen=True, slots=True)
class _Statements:
    """The write path's own reads, built once per set of tables.

    Building a statement costs SQLAlchemy more than SQLite takes to run it.
    """

    sources_showing: Select[Any]
    announced: Select[Any]
    editions: Select[Any]


@lru_cache(maxsize=32)
def _statements(t: Tables) -> _Statements:
    a, r = t.articles, t.relations
    one = bindparam("id", type_=r.c.target_id.type)
    names = ("id", "locale", "slug", "status", "published_at", "version", "embargoed_until")
    ids = bindparam("ids", expanding=True, type_=a.c.id.type)
    columns = [a.c[name] for name in names]
    group = bindparam("group", type_=a.c.translation_group.type)
    groups = bindparam("groups", expanding=True, type_=a.c.translation_group.type)
    new = bindparam("new", expanding=True, type_=a.c.id.type)
    sources = select(r.c.source_id).where(r.c.target_id == one, r.c.source_id != one)
    shown = or_(a.c.id.in_(sources), and_(a.c.translation_group == group, a.c.id != one))
    return _Statements(
        sources_showing=select(*columns).where(shown).order_by(a.c.id),
        announced=select(*columns).where(a.c.id.in_(ids)).order_by(a.c.id),
        editions=select(*columns)
        .where(a.c.translation_group.in_(groups), a.c.id.not_in(new))
        .order_by(a.c.id),
    )


def new_correction(now: datetime, note: str, fields: Sequence[str], version: int) -> dict[str, Any]:
    """One entry of the public correction log, as stored in the article row."""
    return {
        "id": uuid4().hex,
        "created_at": now.isoformat(),
        "note": note,
        "fields": list(fields),
        "version": version,
    }
