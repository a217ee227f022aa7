"""``uow.search``: full-text search, and the index every save keeps in step.

Writes: ``Journal.record_many`` calls ``index(articles)`` in the savepoint of every save of an
article (create, update, correction, restore, every status change, ``publish_due``) and
``Journal.deleted`` calls ``remove`` before a delete, so the index changes in the same
transaction as the article: a rolled-back save leaves the index as it was, a committed
one leaves no stale entry. Each save costs two statements: the filter row (copied from
the article row) and the engine's text row.

Reads: ``search`` parses the query (``query.py``), asks the engine for matching
documents with their rank, filters, orders and cuts them in the database, and loads
the page's articles in the same statement; tags and relations follow in two more. The
statement is built once per shape of query and filters, then only executed. Where the
engine shows index changes only after the commit (MariaDB), the articles this unit of
work indexed are matched in Python instead (``_with_pending``), so a transaction always
finds what it saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    Uuid,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    select,
)

from newscms.domain.page import Page
from newscms.domain.search_hit import SearchHit
from newscms.errors import SchemaError, ValidationError
from newscms.store._base import Repository, as_locale, as_uuid, check_limit
from newscms.store._context import UnitState
from newscms.store._cursor import query_fingerprint
from newscms.store._errors import translated
from newscms.store._listing import (
    article_filter,
    decode_position,
    encode_position,
    status_conditions,
)
from newscms.store._loading import loader_for
from newscms.store.search.documents import prepare, upsert_documents
from newscms.store.search.engine import RANK_SCALE
from newscms.store.search.query import parse_query
from newscms.store.search.registry import engine_for
from newscms.store.search.schema import REINDEX_FLAG
from newscms.store.search.snippets import highlight, snippet
from newscms.store.search.stemming import language_of
from newscms.store.search.text import plain_text
from newscms.store.types import UTCDateTime

if TYPE_CHECKING:
    import builtins
    from collections.abc import Iterable, Sequence
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy import Row, Select
    from sqlalchemy.sql import ColumnElement, FromClause

    from newscms.domain.article import Article
    from newscms.domain.status import Status
    from newscms.store._cursor import CursorCodec
    from newscms.store._listing import ArticleFilter
    from newscms.store.search.engine import Match, SearchEngine
    from newscms.store.search.query import SearchQuery

__all__ = ["REINDEX_BATCH", "Progress", "SearchRepository", "in_batches"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while the index is rebuilt."""

REINDEX_BATCH = 500
_PENDING = "search_indexed_here"
STATEMENTS = 256
"""Search statements kept per engine (one per query shape and filter combination)."""

# Stores whose index is known to be built, checked once each. A store is known here by
# its cursor codec, the one object every unit of work of a store shares.
_READY: WeakKeyDictionary[CursorCodec, bool] = WeakKeyDictionary()


class SearchRepository(Repository[UnitState]):
    """Full-text search of one unit of work."""

    @property
    def _engine(self) -> SearchEngine:
        return engine_for(self.conn, self.t)

    # -- reads ---------------------------------------------------------------------

    @translated
    def search(
        self,
        query: str,
        *,
        locale: str | None = None,
        public: bool = True,
        status: Status | str | None = None,
        tag: UUID | str | None = None,
        tag_kind: str | None = None,
        published_after: datetime | None = None,
        published_before: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[SearchHit]:
        """Articles matching ``query``, best first, one page at a time.

        The query syntax is a search box's: words (all of them must match),
        ``"a phrase"``, ``either or other``, ``-excluded``, ``prefix*`` (see
        docs/search.md). Headline matches rank above tag, summary and body matches.

        Args:
            query: what the reader typed, at most 500 characters.
            locale: only this locale; the query is also read with this language's
                stemmer only (without it, with those of every language stored).
            public: only what the public may see now (the default; editors pass
                ``False`` to search drafts and archives too).
            status: only this status as readers see it.
            tag: only articles carrying this tag id.
            tag_kind: only articles carrying a tag of this kind.
            published_after: only articles published at or after this moment.
            published_before: only articles published before this moment.
            limit: page size, 1 to 200.
            cursor: ``next_cursor`` of the previous page, unchanged.

        Raises:
            QueryError: the query is empty, too long, or only excludes words.
            InvalidCursorError: the cursor was edited or belongs to another search.
            SchemaError: the index of articles stored before the search index existed
                has not been built yet (run ``newscms reindex``).
        """
        parsed = parse_query(query)  # what the reader asked, highlighted as typed
        filters = article_filter(
            locale=locale,
            status=status,
            public=public,
            tag=tag,
            tag_kind=tag_kind,
            person=None,
            published_after=published_after,
            published_before=published_before,
        )
        check_limit(limit)
        self._require_index()
        scope = query_fingerprint("search", parsed.key(), *filters.values())
        after = None
        if cursor is not None:
            after = decode_position(self.uow.cursors, cursor, scope, ranked=True)
        now = self.uow.now()
        engine = self._engine
        asked = engine.searched(self.conn, parsed, locale=filters.locale, cache=self.uow.cache)
        pending = self._pending() if engine.indexes_at_commit else set()
        statement, values = self._statement(asked, filters, after, now, hide=bool(pending))
        if pending:
            values["pending"] = list(pending)
        with engine.planned_per_call(self.conn):
            rows: Sequence[Row[Any]] = self.conn.execute(
                statement, {**values, "limit": limit + 1}
            ).all()
        if pending:
            rows = self._with_pending(
                rows, query=asked, f=filters, after=after, values=values, size=limit + 1
            )
        loader = loader_for(self.t, self.uow.settings.locales)
        articles = loader.load(
            self.conn, [row._mapping for row in rows[:limit]], now=now, public=filters.public
        )
        hits = tuple(
            _hit(article, row.search_rank, parsed)
            for article, row in zip(articles, rows, strict=False)
        )
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = encode_position(
                self.uow.cursors, scope, last.search_rank, last.listed_at, last.id
            )
        return Page[SearchHit].model_construct(items=hits, next_cursor=next_cursor)

    def _statement(
        self,
        query: SearchQuery,
        f: ArticleFilter,
        after: tuple[int, datetime, UUID] | None,
        now: datetime,
        *,
        hide: bool = False,
    ) -> tuple[Select[Any], dict[str, Any]]:
        """The search statement for the query's shape (built once) and the values to bind.

        With ``hide``, the articles in ``:pending`` are left out (see ``_with_pending``).
        """
        engine = self._engine
        match = engine.match(self.conn, query, locale=f.locale, cache=self.uow.cache)
        shape = (match.shape, _filter_shape(f), after is not None, hide)
        statement = engine.statements.get(shape)
        if statement is None:
            if len(engine.statements) >= STATEMENTS:
                engine.statements.clear()
            statement = engine.statements[shape] = self._build(
                query, match, f, paging=after is not None, hide=hide
            )
        values: dict[str, Any] = {
            **match.values,
            "now": now,
            "locale": f.locale,
            "published_after": f.published_after,
            "published_before": f.published_before,
            "tag": f.tag,
            "tag_kind": f.tag_kind,
        }
        if engine.candidate_limit is not None:
            values["candidate_limit"] = engine.candidate_limit
        if after is not None:
            values["last_rank"], values["last_at"], values["last_id"] = after
        return statement, values

    def _build(
        self, query: SearchQuery, match: Match, f: ArticleFilter, *, paging: bool, hide: bool
    ) -> Select[Any]:
        """One statement: matches, filtered and ordered, the top ``:limit`` with their rows."""
        engine = self._engine
        a = self.t.articles
        if engine.candidate_limit is not None:
            # The bounded candidates drive: only they are ranked, and the filters were
            # applied in choosing them.
            candidates = self._candidates(query, match, f).subquery("candidates")
            ranked = engine.ranked(query, match, candidates).subquery("ranked")
            key, listed, rank = ranked.c.key, ranked.c.listed_at, ranked.c.rank
            source: FromClause = ranked
            conditions = []
        else:
            d = self.t.search_documents
            matches = engine.matches(query, match).subquery("matches")
            key, listed, rank = d.c.article_id, d.c.listed_at, matches.c.rank
            source = matches.join(d, d.c[engine.key_column] == matches.c.key)
            conditions = self._conditions(f)
        if hide:
            conditions.append(key.not_in(bindparam("pending", expanding=True)))
        if paging:
            last_rank = bindparam("last_rank", type_=BigInteger())
            moment = bindparam("last_at", type_=UTCDateTime())
            ident = bindparam("last_id", type_=Uuid())
            conditions.append(
                or_(
                    rank < last_rank,
                    and_(
                        rank == last_rank,
                        or_(listed < moment, and_(listed == moment, key < ident)),
                    ),
                )
            )
        top = (
            select(key.label("article_id"), listed.label("sort_at"), rank.label("search_rank"))
            .select_from(source)
            .where(*conditions)
            .order_by(rank.desc(), listed.desc(), key.desc())
            .limit(bindparam("limit", type_=Integer()))
            .subquery("top")
        )
        return (
            select(a, top.c.search_rank)
            .join(top, top.c.article_id == a.c.id)
            .order_by(top.c.search_rank.desc(), top.c.sort_at.desc(), top.c.article_id.desc())
        )

    def _candidates(self, query: SearchQuery, match: Match, f: ArticleFilter) -> Select[Any]:
        """The newest ``candidate_limit`` matches passing the filters: those ranked.

        Their article id (``key``) and listing time. Without paging conditions, so every
        page of a search ranks the same set.
        """
        engine = self._engine
        found = engine.unranked(query, match).subquery("found")
        d = self.t.search_documents.alias("candidates")
        return (
            select(d.c.article_id.label("key"), d.c.listed_at)
            .select_from(found.join(d, d.c[engine.key_column] == found.c.key))
            .where(*self._conditions(f, d))
            .order_by(d.c.listed_at.desc(), d.c.article_id.desc())
            .limit(bindparam("candidate_limit", type_=Integer()))
        )

    def _conditions(
        self, f: ArticleFilter, documents: FromClause | None = None
    ) -> builtins.list[ColumnElement[bool]]:
        """The listing filters on the index's copy of the article's columns, as parameters."""
        d = self.t.search_documents if documents is None else documents
        at = self.t.article_tags
        conditions = status_conditions(
            f,
            is_public=d.c.is_public,
            listed=d.c.listed_at,
            expires=d.c.expires_at,
            status=d.c.status,
            now=bindparam("now", type_=UTCDateTime()),
        )
        if f.locale is not None:
            conditions.append(d.c.locale == bindparam("locale", type_=String()))
        if f.published_after is not None:
            conditions.append(d.c.published_at >= bindparam("published_after", type_=UTCDateTime()))
        if f.published_before is not None:
            conditions.append(d.c.published_at < bindparam("published_before", type_=UTCDateTime()))
        if f.tag is not None:
            conditions.append(
                exists().where(
                    at.c.article_id == d.c.article_id,
                    at.c.tag_id == bindparam("tag", type_=Uuid()),
                )
            )
        if f.tag_kind is not None:
            tg = self.t.tags
            conditions.append(
                exists().where(
                    at.c.article_id == d.c.article_id,
                    tg.c.id == at.c.tag_id,
                    tg.c.kind == bindparam("tag_kind", type_=String()),
                )
            )
        return conditions

    def _with_pending(
        self,
        rows: Sequence[Row[Any]],
        *,
        query: SearchQuery,
        f: ArticleFilter,
        after: tuple[int, datetime, UUID] | None,
        values: dict[str, Any],
        size: int,
    ) -> Sequence[Row[Any]]:
        """Add the articles this unit of work indexed, matched as the transaction sees them.

        For an engine whose index changes only show after the commit (MariaDB): their
        stored text is read back in this transaction (so a rolled-back save is never
        found), matched in Python, filtered like the rest, and merged in rank order.
        """
        engine = self._engine
        ranks: dict[UUID, int] = {}
        for article_id, stored in engine.stored(self.conn, self._pending()).items():
            rank = engine.score(query, stored)
            if rank is not None:
                ranks[article_id] = rank
        if not ranks:
            return rows
        a, d = self.t.articles, self.t.search_documents
        found = self.conn.execute(
            select(a, case(ranks, value=a.c.id, else_=0).label("search_rank"))
            .join(d, d.c.article_id == a.c.id)
            .where(a.c.id.in_(list(ranks)), *self._conditions(f)),
            values,
        ).all()
        extra = [row for row in found if after is None or _position(row) < after]
        return sorted([*rows, *extra], key=_position, reverse=True)[:size]

    def _pending(self) -> set[UUID]:
        """Articles this unit of work indexed (kept only where the index commits late).

        Lost when a write of the unit of work fails (its cache is cleared): such
        articles are then found after the commit only, never wrongly.
        """
        pending: set[UUID] = self.uow.cache.setdefault(_PENDING, set())
        return pending

    def _require_index(self) -> None:
        """Refuse to search an index that misses the articles stored before it existed."""
        if _READY.get(self.uow.cursors):
            return
        meta = self.t.meta
        if self.conn.scalar(select(meta.c.value).where(meta.c.key == REINDEX_FLAG)) is not None:
            raise SchemaError(
                "the search index must be rebuilt once: it does not hold the articles stored "
                "before it was added, or before this newscms changed how it indexes them; run "
                "`newscms reindex` (or newscms.store.search.reindex(store))"
            )
        _READY[self.uow.cursors] = True

    # -- writes (the journal calls these in the savepoint of every save) -------------

    def index(self, articles: Sequence[Article]) -> None:
        """Index ``articles`` as they were just saved (two statements for all of them)."""
        self._write(articles)

    def remove(self, article_id: UUID) -> None:
        """Take an article out of the index (its engine row goes with its filter row)."""
        d = self.t.search_documents
        self.conn.execute(delete(d).where(d.c.article_id == article_id))

    def _write(self, articles: Sequence[Article]) -> None:
        if not articles:
            return
        documents = [prepare(article) for article in articles]
        ids = upsert_documents(self.conn, self.t, [doc.article_id for doc in documents])
        engine = self._engine
        engine.write(self.conn, documents, ids)
        if engine.indexes_at_commit:
            self._pending().update(doc.article_id for doc in documents)

    # -- rebuilding ------------------------------------------------------------------

    @translated
    def reindex(
        self,
        *,
        locale: str | None = None,
        batch_size: int = REINDEX_BATCH,
        progress: Progress | None = None,
    ) -> int:
        """Rebuild the index of every article (of ``locale``) in this unit of work.

        Use it after editing article rows behind newscms's back, or after renaming or
        merging tags (their names are indexed with the articles). For a large site,
        ``newscms.store.search.reindex(store)`` rebuilds in one transaction per batch.

        Returns:
            The number of articles indexed.
        """
        locale = as_locale(locale, "locale") if locale is not None else None
        done = in_batches(
            lambda after: self.reindex_batch(locale=locale, after=after, size=batch_size),
            total=self.count(locale=locale),
            progress=progress,
        )
        if locale is None:
            self.clear_reindex_flag()
        return done

    @translated
    def reindex_tag(self, tag_id: UUID | str) -> int:
        """Reindex every article carrying a tag, whose name changed (a rename or a merge).

        Tag names are indexed with each article; the tag repository's writes do not go
        through the article journal, so call this after them, in the same unit of work.

        Returns:
            The number of articles indexed.
        """
        tag_id = as_uuid(tag_id, "tag_id")
        a, at = self.t.articles, self.t.article_tags
        ids = self.conn.scalars(select(at.c.article_id).where(at.c.tag_id == tag_id)).all()
        loader = loader_for(self.t, self.uow.settings.locales)
        now = self.uow.now()
        with self.uow.atomic():
            for start in range(0, len(ids), REINDEX_BATCH):
                chunk = list(ids[start : start + REINDEX_BATCH])
                rows = self.conn.execute(select(a).where(a.c.id.in_(chunk))).mappings().all()
                self._write(loader.load(self.conn, rows, now=now))
        return len(ids)

    @translated
    def count(self, *, locale: str | None = None) -> int:
        """How many articles (of ``locale``) there are to index."""
        a = self.t.articles
        query = select(func.count()).select_from(a)
        if locale is not None:
            query = query.where(a.c.locale == locale)
        return int(self.conn.scalar(query) or 0)

    @translated
    def reindex_batch(
        self, *, locale: str | None, after: UUID | None, size: int
    ) -> tuple[int, UUID | None]:
        """Index the next ``size`` articles by id after ``after``.

        Returns how many were indexed and where the next batch starts (``None`` when
        this was the last).
        """
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValidationError("must be a positive integer", field="batch_size")
        a = self.t.articles
        query = select(a).order_by(a.c.id).limit(size)
        if locale is not None:
            query = query.where(a.c.locale == locale)
        if after is not None:
            query = query.where(a.c.id > after)
        rows = self.conn.execute(query).mappings().all()
        loader = loader_for(self.t, self.uow.settings.locales)
        articles = loader.load(self.conn, rows, now=self.uow.now())
        with self.uow.atomic():
            self._write(articles)
        following = rows[-1]["id"] if len(rows) == size else None
        return len(rows), following

    def clear_reindex_flag(self) -> None:
        """Record that the index holds every article (a full rebuild has just run)."""
        meta = self.t.meta
        self.conn.execute(delete(meta).where(meta.c.key == REINDEX_FLAG))


def _position(row: Row[Any]) -> tuple[int, datetime, UUID]:
    """Where a hit sorts: rank, then publication order, then id (all descending)."""
    return (row.search_rank, row.listed_at, row.id)


def _filter_shape(f: ArticleFilter) -> tuple[object, ...]:
    """Which filters a search uses (their values are bound, not part of the statement)."""
    return (
        f.public,
        f.status,
        f.locale is not None,
        f.published_after is not None,
        f.published_before is not None,
        f.tag is not None,
        f.tag_kind is not None,
    )


def _hit(article: Article, rank: int, query: SearchQuery) -> SearchHit:
    """A hit: the article, its score, and its headline and snippet with the matches marked."""
    language = language_of(article.locale)
    return SearchHit.model_construct(
        article=article,
        score=rank / RANK_SCALE,
        headline=highlight(article.headline, query, language=language),
        snippet=snippet(_snippet_text(article), query, language=language),
    )


def _snippet_text(article: Article) -> str:
    """The text a snippet is cut from: subheadline, summary and body."""
    parts: Iterable[str | None] = (article.subheadline, article.summary, plain_text(article.body))
    return "\n\n".join(part for part in parts if part)


def in_batches(
    batch: Callable[[UUID | None], tuple[int, UUID | None]],
    *,
    total: int,
    progress: Progress | None,
) -> int:
    """Run ``batch(after)`` from the start until it says there is no next batch.

    ``batch`` returns how many articles it indexed and the key to resume after (``None``
    at the end); ``progress`` hears the running count. Returns the count.
    """
    done = 0
    after: UUID | None = None
    while True:
        indexed, after = batch(after)
        done += indexed
        if progress is not None and indexed:
            progress(done, total)
        if after is None:
            return done
