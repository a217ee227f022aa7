"""Search: newscms's ``uow.search.search`` against the same statements written in Core.

Three kinds of public searches, 20 hits each with the highlighted headline and snippet:

- ``search.topic``: what readers type, a topic from the headlines ("fuel price",
  "census", "siccità"), each matching about 1-3% of the articles;
- ``search.rare``: a topic and a place ("cathedral manila"): a handful of hits;
- ``search.common``: a word of most bodies ("government"): the worst case, where the
  engine ranks most of the archive to return the best 20.

The baseline is what a developer would write against newscms's schema with the engine
in hand: the engine's statement (FTS5 ``MATCH`` with weighted bm25 on SQLite; the
tsvector query matching each row with its own language on PostgreSQL; ``MATCH ...
AGAINST`` in boolean mode on MariaDB) joined to the filter rows, ordered and cut in
the database, then the page loaded with the three statements every Core read uses.
On PostgreSQL both rank only the newest ``CANDIDATES`` public matches, as newscms does.
It prepares query words and highlights hits with newscms's pure text functions (as the
ingest baseline sanitizes with newscms's ``sanitize_html``), so both paths' hits are
compared exactly: ids, order, scores, highlighted headlines and snippets.

What the index costs on the write path is inside the ingest figure: both paths index
every article they load (see ``workloads/ingest.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Double,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import REGCONFIG

from benchmarks import core
from benchmarks.harness import Figure, Samples, WorkloadFamily, duel, expect_equal
from newscms.store.search.postgres import CANDIDATES, CONFIGURATIONS
from newscms.store.search.query import parse_query
from newscms.store.search.snippets import highlight, snippet
from newscms.store.search.stemming import language_of, stem_tokens
from newscms.store.search.text import plain_text, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy import Connection
    from sqlalchemy.sql import ColumnElement

    from benchmarks.harness import Bench
    from newscms import Page
    from newscms.store import Tables
    from newscms.store.search import SearchHit

__all__ = ["FAMILY", "QUERIES", "core_search"]

LIMIT = 20
QUERIES: dict[str, tuple[str, ...]] = {
    "topic": (
        "fuel price",
        "census",
        "cathedral",
        "tax amnesty",
        "vaccination",
        "land seizures",
        "rail link",
        "arms race",
        "youth festival",
        "child labour",
        "anti-graft",
        "rice exports",
        "siccità",
        "censimento",
        "cattedrale",
        "pellegrini",
    ),
    "rare": (
        "cathedral manila",
        "census seoul",
        "fuel price rome",
        "amnesty tokyo",
        "vaccination hanoi",
        "rail link jakarta",
        "siccità roma",
        "cattedrale milano",
    ),
    "common": ("government", "people", "church", "market", "security", "health"),
}
TITLES = {
    "topic": "search, a topic of the headlines (1-3% of articles)",
    "rare": "search, a topic and a place (a handful of hits)",
    "common": "search, a word in most bodies (worst case)",
}
BM25 = (10.0, 4.0, 1.0, 6.0, 1.0)  # headline, summary, body, tags, chars
PG_WEIGHTS = "'{0.1, 0.4, 0.6, 1.0}'::float4[]"
SCALE = 1_000_000_000


@dataclass(frozen=True, slots=True)
class CoreHit:
    """A baseline hit: the article with tags and relations, its rank and highlights."""

    article: core.CoreArticle
    rank: int
    headline: str
    snippet: str


# -- the baseline ------------------------------------------------------------------------


def _words(query: str) -> list[list[str]]:
    """The query's words, each as the tokens the index holds (``anti-graft`` is two,
    matched as a phrase); the workload's queries are plain words."""
    return [found for word in query.split() if (found := tokens(word))]


def _forms(word: Sequence[str], languages: Sequence[str]) -> list[tuple[str, ...]]:
    """A word as SQLite and MariaDB are asked for it: as written, or as a stem of a
    language stored (their indexes hold the stems newscms's ``stemming`` makes)."""
    forms = [tuple(word), *(tuple(stem_tokens(word, language)) for language in languages)]
    return list(dict.fromkeys(forms))


def _sqlite_matches(
    t: Tables, words: Sequence[Sequence[str]], languages: Sequence[str]
) -> tuple[Any, ColumnElement[Any], Any]:
    name = f"{t.prefix}search_index"
    fts = table(name, column("rowid"))
    hidden = literal_column(f'"{name}"')
    rank = cast(-func.bm25(hidden, *BM25) * SCALE, BigInteger)
    expression = " AND ".join(
        "(" + " OR ".join('"' + " ".join(form) + '"' for form in _forms(word, languages)) + ")"
        for word in words
    )
    d = t.search_documents
    return fts.join(d, d.c.id == fts.c.rowid), rank, hidden.op("MATCH")(expression)


def _postgres_matches(
    t: Tables, words: Sequence[Sequence[str]], configs: Sequence[str], now: datetime
) -> tuple[Any, ColumnElement[Any], Any]:
    idx = table(f"{t.prefix}search_index", column("article_id"), column("config"), column("vector"))

    def term(word: Sequence[str], config: str) -> ColumnElement[Any]:
        return func.phraseto_tsquery(cast(literal(config), REGCONFIG), " ".join(word))

    def query(languages: Sequence[str]) -> ColumnElement[Any]:
        result: ColumnElement[Any] | None = None
        for word in words:
            either = term(word, "simple")
            for config in languages:
                either = either.op("||")(term(word, config))
            result = either if result is None else result.op("&&")(either)
        assert result is not None
        return result

    exact = case(
        {config: query([config]) for config in configs},
        value=idx.c.config,
        else_=query([]),
    )
    condition = and_(idx.c.vector.op("@@")(query(configs)), idx.c.vector.op("@@")(exact))
    rank = cast(
        cast(func.ts_rank(literal_column(PG_WEIGHTS), idx.c.vector, exact, 1), Double) * SCALE,
        BigInteger,
    )
    d = t.search_documents
    # Only the newest CANDIDATES public rows the GIN index finds (every language's stems
    # at once, no vector read) are ranked, as newscms ranks them.
    found, newest = idx.alias("found"), d.alias("newest")
    indexed = found.c.vector.op("@@")(query(configs))
    candidates = (
        select(newest.c.article_id)
        .join(found, found.c.article_id == newest.c.article_id)
        .where(indexed, newest.c.is_public.is_(True), newest.c.listed_at <= now)
        .order_by(newest.c.listed_at.desc(), newest.c.article_id.desc())
        .limit(CANDIDATES)
    )
    condition = and_(condition, d.c.article_id.in_(candidates))
    return idx.join(d, d.c.article_id == idx.c.article_id), rank, condition


def _mariadb_matches(
    t: Tables, words: Sequence[Sequence[str]], languages: Sequence[str]
) -> tuple[Any, ColumnElement[Any], Any]:
    idx = table(f"{t.prefix}search_index", column("article_id"), column("document"))

    def padded(word: Sequence[str]) -> str:
        found = [token.ljust(3, "_") for token in word]
        return found[0] if len(found) == 1 else '"' + " ".join(found) + '"'

    def either(word: Sequence[str]) -> str:
        forms = [padded(form) for form in _forms(word, languages)]
        return forms[0] if len(forms) == 1 else "(" + " ".join(forms) + ")"

    against = " ".join("+" + either(word) for word in words)
    relevance = literal_column(f"MATCH (document) AGAINST ('{against}' IN BOOLEAN MODE)")
    d = t.search_documents
    return (
        idx.join(d, d.c.article_id == idx.c.article_id),
        cast(relevance * SCALE, BigInteger),
        relevance,
    )


def core_search(
    conn: Connection, t: Tables, query: str, now: datetime, configs: Sequence[str]
) -> list[CoreHit]:
    """The best ``LIMIT`` public hits of a query of plain words, written by hand."""
    words = _words(query)
    dialect = conn.dialect.name
    languages = [config for config in configs if config != "simple"]
    if dialect == "sqlite":
        joined, rank, condition = _sqlite_matches(t, words, languages)
    elif dialect == "postgresql":
        joined, rank, condition = _postgres_matches(t, words, configs, now)
    else:
        joined, rank, condition = _mariadb_matches(t, words, languages)
    d, a = t.search_documents, t.articles
    top = (
        select(d.c.article_id, d.c.listed_at, rank.label("rank"))
        .select_from(joined)
        .where(condition, d.c.is_public.is_(True), d.c.listed_at <= now)
        .order_by(rank.desc(), d.c.listed_at.desc(), d.c.article_id.desc())
        .limit(LIMIT)
        .subquery()
    )
    rows = conn.execute(
        select(a, top.c.rank)
        .join(top, top.c.article_id == a.c.id)
        .order_by(top.c.rank.desc(), top.c.listed_at.desc(), top.c.article_id.desc())
    ).all()
    parsed = parse_query(query)
    hits = []
    for found, row in zip(core.complete(conn, t, rows, now), rows, strict=True):
        text = "\n\n".join(
            part for part in (row.subheadline, row.summary, plain_text(row.body)) if part
        )
        language = language_of(row.locale)
        hits.append(
            CoreHit(
                found,
                row.rank,
                highlight(row.headline, parsed, language=language),
                snippet(text, parsed, language=language),
            )
        )
    return hits


def _configs(bench: Bench) -> list[str]:
    """The text-search configurations of the locales the generator writes."""
    return sorted({CONFIGURATIONS.get(locale, "simple") for locale in ("en", "it")})


# -- measuring -------------------------------------------------------------------------------


def _same(kind: str, query: str, ours: Page[SearchHit], theirs: list[CoreHit]) -> None:
    expect_equal(
        f"search.{kind} {query!r}: the hits",
        [(h.article.id, round(h.score * SCALE), h.headline, h.snippet) for h in ours.items],
        [(h.article.row.id, h.rank, h.headline, h.snippet) for h in theirs],
    )


def _measure(bench: Bench, kind: str) -> Figure:
    options = bench.options
    queries = QUERIES[kind]
    keys = [queries[n % len(queries)] for n in range(options.operations)]
    warm = list(queries[: max(1, min(options.warmup, len(queries)))])
    configs = _configs(bench)
    ours, theirs = Samples(), Samples()
    checked = 0
    hits: list[int] = []

    def check(query: str, a: Page[SearchHit], b: list[CoreHit]) -> None:
        _same(kind, query, a, b)
        hits.append(len(a.items))

    for _ in range(options.repeat):
        with (
            bench.store.session(readonly=True) as uow,
            bench.engine.connect() as conn,
            conn.begin(),
        ):
            checked += duel(
                keys,
                lambda query: uow.search.search(query, limit=LIMIT),
                lambda query: core_search(conn, bench.tables, query, bench.now, configs),
                check,
                newscms_samples=ours,
                core_samples=theirs,
                checks=options.checks,
                warmup=warm,
            )
    with bench.profiling(f"search.{kind}"), bench.store.session(readonly=True) as uow:
        for query in keys:
            uow.search.search(query, limit=LIMIT)
    return Figure.from_samples(
        f"search.{kind}",
        TITLES[kind],
        "latency",
        "ms",
        newscms=ours,
        core=theirs,
        checked=checked,
        queries=list(queries),
        page_size=LIMIT,
        mean_hits_per_page=round(sum(hits) / len(hits), 1) if hits else 0,
    )


def run(bench: Bench) -> list[Figure]:
    """Time the three kinds of searches."""
    return [_measure(bench, kind) for kind in QUERIES]


FAMILY = WorkloadFamily(
    name="search",
    order=30,
    description="full-text search: a topic, a topic and a place, a word of most bodies",
    runner=run,
)
