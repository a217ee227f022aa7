"""Streaming reads: a whole listing in bounded memory, for feeds, exports and sitemaps.

``stream_articles`` yields complete ``Article`` objects, newest first, one keyset page
at a time (each page completed with its tags and relations in two more statements), so
memory holds one page whatever the listing's length. ``stream_sitemap_entries`` reads
only the columns a sitemap needs into small ``SitemapEntry`` objects, in pages of
thousands: no tags, no bodies, no relations, so a million-URL sitemap is written with
the memory of one page (benchmarks/workloads/sitemap.py measures it).

Both read through a unit of work. Inside ``read_snapshot(store)`` the whole stream is
one consistent view of the database at one moment of the store's clock: an article
committed (or scheduled to appear) while the stream runs is either wholly in it or not
at all, on every backend. ``store.session(readonly=True)`` works too, but PostgreSQL and
MariaDB then run at READ COMMITTED, where each page sees the commits made before it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from sqlalchemy import String, select, type_coerce

from newscms.domain.article_ref import ArticleRef
from newscms.domain.status import Status, effective_status
from newscms.errors import ValidationError
from newscms.store._base import MAX_PAGE, as_locale
from newscms.store._errors import translate_errors
from newscms.store._listing import seek_below, unexpired
from newscms.store._media_rows import load_shown
from newscms.store.unit import UnitOfWork
from newscms.utils.dates import ensure_aware

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Select, Table
    from sqlalchemy.sql import ColumnElement

    from newscms.domain.article import Article
    from newscms.domain.media import ArticleMedia
    from newscms.store.store import Store

__all__ = [
    "ARTICLE_BATCH",
    "SITEMAP_BATCH",
    "SitemapEntry",
    "read_snapshot",
    "stream_articles",
    "stream_sitemap_entries",
]

ARTICLE_BATCH = MAX_PAGE
"""Articles per page of ``stream_articles``: the store's largest listing page."""

SITEMAP_BATCH = 5000
"""Rows per page of ``stream_sitemap_entries``: large pages, small rows."""

_MAX_SITEMAP_BATCH = 50_000
_RAW = String()
"""A type with no result processing on any backend: values come back as the driver made them."""
_STATUSES = {status.value: status for status in Status}
# Isolation that keeps one snapshot for the whole transaction; SQLite's read transaction
# in WAL mode already does.
_SNAPSHOT_ISOLATION = "REPEATABLE READ"


class SitemapEntry(NamedTuple):
    """What a sitemap lists of an article, read without its body, tags or relations.

    ``status`` is the one a reader sees at the stream's moment (a scheduled article
    whose time has come is ``published``). It satisfies ``newscms.formats.SitemapItem``,
    so the sitemap writers take it in place of an ``Article``. A named tuple: immutable,
    and cheap to make a million of.
    """

    id: UUID
    locale: str
    slug: str
    headline: str
    status: Status
    published_at: datetime | None
    updated_at: datetime
    media: tuple[ArticleMedia, ...] = ()
    """The media the article shows (every role), for image sitemaps."""

    @property
    def ref(self) -> ArticleRef:
        """The entry as an ``ArticleRef``, what a host's URL callable receives."""
        return ArticleRef.of(self)


@contextmanager
def read_snapshot(store: Store) -> Iterator[UnitOfWork]:
    """A unit of work that reads one consistent snapshot, at one moment of the store's clock.

    PostgreSQL and MariaDB run it at REPEATABLE READ, so every statement sees the
    database as the first one did; SQLite's read transaction does so already. The clock
    is read once: an article scheduled to appear during a long export does not appear
    halfway through it. Use it for reads; the transaction is rolled back at the end.

    Raises:
        SchemaError: The schema is missing or behind (run ``newscms migrate``).
        StoreError: The database cannot be reached.
    """
    with translate_errors():
        cursors = store.cursors  # checks the schema once, like store.session
        moment = store.settings.now()
        settings = replace(store.settings, clock=lambda: moment)
        with store.engine.connect() as plain:
            if plain.dialect.name == "sqlite":
                connection = plain.execution_options(newscms_sqlite_begin="DEFERRED")
            else:
                connection = plain.execution_options(isolation_level=_SNAPSHOT_ISOLATION)
            transaction = connection.begin()
            try:
                yield UnitOfWork(settings, connection, cursors, readonly=True)
            finally:
                transaction.rollback()


def stream_articles(
    uow: UnitOfWork,
    *,
    public: bool = True,
    locale: str | None = None,
    status: Status | str | None = None,
    tag: UUID | str | None = None,
    tag_kind: str | None = None,
    person: str | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
    limit: int | None = None,
    batch_size: int = ARTICLE_BATCH,
) -> Iterator[Article]:
    """Every article of a listing, newest first, complete with tags and relations.

    The filters are those of ``uow.articles.list``; the stream walks its keyset pages,
    so memory holds one page (``batch_size`` articles) at a time.

    Args:
        uow: The unit of work to read in (``read_snapshot(store)`` for one snapshot).
        public: Only what the public may see now (the default, for feeds).
        locale: Only this locale.
        status: Only this status, as readers see it.
        tag: Only articles carrying this tag id.
        tag_kind: Only articles carrying a tag of this kind.
        person: Only articles whose byline credits this name.
        published_after: Only articles published at or after this moment.
        published_before: Only articles published before this moment.
        limit: Stop after this many articles (a feed's length); None for all.
        batch_size: Articles per page, 1 to 200.

    Yields:
        The articles, newest first.

    Raises:
        ValidationError: A filter, ``limit`` or ``batch_size`` is not valid (raised at
            the first ``next``, like every error of a generator).
    """
    size = _positive(batch_size, "batch_size", ARTICLE_BATCH)
    left = None if limit is None else _positive(limit, "limit", None)
    cursor: str | None = None
    while left is None or left > 0:
        page = uow.articles.list(
            public=public,
            locale=locale,
            status=status,
            tag=tag,
            tag_kind=tag_kind,
            person=person,
            published_after=published_after,
            published_before=published_before,
            limit=size if left is None else min(size, left),
            cursor=cursor,
        )
        yield from page.items
        if left is not None:
            left -= len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return


def stream_sitemap_entries(
    uow: UnitOfWork,
    *,
    public: bool = True,
    locale: str | None = None,
    published_after: datetime | None = None,
    batch_size: int = SITEMAP_BATCH,
) -> Iterator[SitemapEntry]:
    """What a sitemap lists of each article, newest first, reading only the columns it needs.

    The rows are read in keyset pages over ``(listed_at, id)`` that seek in the listing
    indexes, so page 200 costs what page 1 costs and memory holds one page.

    Args:
        uow: The unit of work to read in (``read_snapshot(store)`` for one snapshot).
        public: Only what the public may see at the unit of work's ``now`` (the
            default; sitemaps list nothing else).
        locale: Only this locale.
        published_after: Only articles published at or after this moment (the Google
            News sitemap's two days); with ``public`` the read starts at it.
        batch_size: Rows per page, 1 to 50,000.

    Yields:
        One ``SitemapEntry`` per article, newest first.

    Raises:
        ValidationError: A filter or ``batch_size`` is not valid (at the first ``next``).
    """
    size = _positive(batch_size, "batch_size", _MAX_SITEMAP_BATCH)
    wanted_locale = as_locale(locale, "locale") if locale is not None else None
    since = None
    if published_after is not None:
        since = ensure_aware(published_after, field="published_after")
    with translate_errors():
        now = uow.now()
        a = uow.settings.tables.articles
        query = _sitemap_query(a, public, wanted_locale, since, now)
        conn = uow.connection
        statuses = _STATUSES
        scheduled = Status.SCHEDULED
        # The first page starts at "now" (public) or at the top; each next one right
        # below the last row read. Each page has one upper bound on listed_at, so every
        # backend seeks to it in the index: with two (now and the last row's time)
        # SQLite ranges on the first and scans every row read before, again per page.
        page = query.where(a.c.listed_at <= now) if public else query
        tables, locales = uow.settings.tables, uow.settings.locales
        while True:
            rows = conn.execute(page.limit(size)).all()
            # One statement per page for the media of the articles that show any.
            showing = [(row[0], row[1]) for row in rows if row[8]]
            media = load_shown(conn, tables, locales, showing) if showing else {}
            for key, locale_, slug, headline, raw_status, published, updated, _, _ in rows:
                published_at = _moment(published)
                status = statuses[raw_status]
                if status is scheduled:
                    status = effective_status(status, published_at, now)
                updated_at = _moment(updated)
                assert updated_at is not None  # the column is NOT NULL
                yield SitemapEntry(
                    _uuid(key),
                    locale_,
                    slug,
                    headline,
                    status,
                    published_at,
                    updated_at,
                    media.get(key, ()),
                )
            if len(rows) < size:
                return
            last = rows[-1]
            at, last_id = _moment(last[7]), _uuid(last[0])
            assert at is not None  # the column is NOT NULL
            page = query.where(*seek_below(a.c.listed_at, a.c.id, at, last_id))


def _sitemap_query(
    a: Table, public: bool, locale: str | None, since: datetime | None, now: datetime
) -> Select[Any]:
    """The query of every page, without where the page starts.

    The columns come back as the driver gives them (``_RAW``): SQLAlchemy's per-value
    conversion would cost more than the rest of the sitemap together, so ``_uuid`` and
    ``_moment`` do it, for the columns that need it, in a fraction of the time.
    """
    conditions: list[ColumnElement[bool]] = []
    if public:
        # The rest of "public" (listed_at <= now) bounds the first page (see above).
        conditions += [a.c.is_public.is_(True), unexpired(a.c.expires_at, now)]
    if locale is not None:
        conditions.append(a.c.locale == locale)
    if since is not None:
        conditions.append(a.c.published_at >= since)
        if public:
            # A public article is listed at its publication (or its embargo's end,
            # later), so the index range can start at ``since`` too.
            conditions.append(a.c.listed_at >= since)
    columns = (
        a.c.id,
        a.c.locale,
        a.c.slug,
        a.c.headline,
        a.c.status,
        a.c.published_at,
        a.c.updated_at,
        a.c.listed_at,
        a.c.media_count,
    )
    raw: list[ColumnElement[Any]] = [type_coerce(column, _RAW) for column in columns]
    return select(*raw).where(*conditions).order_by(a.c.listed_at.desc(), a.c.id.desc())


def _uuid(value: UUID | str) -> UUID:
    """An id as the driver returned it: a ``UUID`` (PostgreSQL) or 32 hex digits."""
    return value if isinstance(value, UUID) else UUID(hex=value)


def _moment(value: datetime | str | None) -> datetime | None:
    """A ``UTCDateTime`` value as the driver returned it, as an aware UTC datetime.

    SQLite keeps UTC wall time as ISO text, MariaDB as a naive ``DATETIME``, and
    PostgreSQL returns an aware ``timestamptz`` (see ``newscms.store.types``).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _positive(value: object, field: str, most: int | None) -> int:
    """``value`` as a page size or limit: an integer from 1 (to ``most``)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < 1
        or (most is not None and value > most)
    ):
        bound = f" to {most:,}" if most is not None else " or more"
        raise ValidationError(f"must be an integer from 1{bound}", field=field)
    return value
