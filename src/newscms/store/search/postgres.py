"""PostgreSQL: one ``tsvector`` per article in its own language, a GIN index, ``ts_rank``.

Each article's vector holds its prepared text twice: once through the text-search
configuration of the article's language (``italian`` for ``it``: stemmed, stop words
dropped) and once through ``simple`` (every word as it is). Fields carry weights
(A headline, B tags, C summary, D body and run-end characters), and a one-position
gap separates fields and halves, so a phrase never runs from one field into the next.
The configuration is stored with the vector.

A query term matches either half: ``to_tsquery('simple', …)`` for the exact word, and
the language configuration's stemmed form: the language of the ``locale`` searched,
or, with no locale, of every language stored (found with a skip scan of the articles'
locale index). So ``vote`` also finds ``votes`` in English articles, a stop word alone
(``the who``) still finds its phrase, and a word in any language finds its exact form.
Every term is turned into a ``tsquery`` by PostgreSQL's own functions from a bound
parameter; no text a reader typed is ever parsed as ``tsquery`` syntax.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar
from weakref import WeakKeyDictionary

from sqlalchemy import (
    BigInteger,
    Column,
    MetaData,
    String,
    Table,
    Uuid,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR, insert
from sqlalchemy.types import Double

from newscms.store.search.engine import RANK_SCALE, Match, SearchEngine
from newscms.store.search.stemming import LANGUAGES, stored_locales

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from uuid import UUID

    from sqlalchemy import Connection, Engine, Select, Subquery
    from sqlalchemy.sql import ColumnElement

    from newscms.store.search.documents import PreparedDocument
    from newscms.store.search.query import SearchQuery, Term
    from newscms.store.tables import Tables

__all__ = ["CONFIGURATIONS", "RANK_WEIGHTS", "PostgresTextSearch", "configuration_for"]

CONFIGURATIONS: dict[str, str] = LANGUAGES
"""Language subtag → text-search configuration (the Snowball stemmers' names); ``simple``
for every other language, and for these when the server lacks the configuration (older
PostgreSQL releases)."""

CANDIDATES = 2_000
"""Matches ranked at most, newest first. ``ts_rank`` reads every vector it ranks, so a
word in most articles took a second at 100,000 articles; a query matching more than this
is ranked among its newest 2,000 matches (the best of the recent ones, as a news search
wants), and one matching fewer, nearly every query, exactly as before."""

SIMPLE = "simple"
FIELD_WEIGHTS = (("headline", "A"), ("tags", "B"), ("summary", "C"), ("body", "D"), ("chars", "D"))
"""The weight class of each field in the vector."""
RANK_WEIGHTS = (0.1, 0.4, 0.6, 1.0)
"""``ts_rank`` weights of D (body), C (summary), B (tags), A (headline)."""
RANK_NORMALIZATION = 1  # divide by 1 + log(length): long bodies do not win by length alone
_WEIGHTS: ColumnElement[Any] = literal_column(
    "'{" + ", ".join(map(str, RANK_WEIGHTS)) + "}'::float4[]"
)

_AVAILABLE: WeakKeyDictionary[Engine, frozenset[str]] = WeakKeyDictionary()


def configuration_for(locale: str, available: frozenset[str]) -> str:
    """The text-search configuration of a locale's language, if the server has it."""
    name = CONFIGURATIONS.get(locale.split("-", 1)[0], SIMPLE)
    return name if name in available else SIMPLE


def _available(conn: Connection) -> frozenset[str]:
    """The configurations the server has (read once per engine)."""
    engine = conn.engine
    found = _AVAILABLE.get(engine)
    if found is None:
        names = conn.execute(text("SELECT cfgname FROM pg_catalog.pg_ts_config")).scalars()
        found = _AVAILABLE[engine] = frozenset(names)
    return found


def _config(name: str) -> ColumnElement[Any]:
    """A configuration as a ``regconfig`` constant, written into the statement.

    Not a bound text cast to ``regconfig``: that cast depends on the search path, so
    PostgreSQL would build every ``to_tsquery`` of the query again for each row it
    checks or ranks. With a constant, the planner folds each into one value. The names
    are the server's own (``pg_ts_config``), and each statement is built per set of
    configurations anyway.
    """
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a text-search configuration name: {name!r}")
    return literal_column(f"'{name}'::regconfig", type_=REGCONFIG)


def _tsquery(term: Term, config: str, name: str) -> ColumnElement[Any]:
    """One term as a tsquery of one configuration, built by PostgreSQL from plain text.

    Its texts are the bound parameters ``<name>p`` (the phrase) and ``<name>s`` (the
    prefix); ``_values`` gives them.
    """
    parts: list[ColumnElement[Any]] = []
    if term.phrase:
        parts.append(func.phraseto_tsquery(_config(config), bindparam(f"{name}p", type_=String())))
    if term.stem is not None:
        parts.append(func.to_tsquery(_config(config), bindparam(f"{name}s", type_=String())))
    result = parts[0]
    for part in parts[1:]:
        result = result.op("&&", return_type=TSQUERY)(part)
    return result


def _named(query: SearchQuery) -> list[list[tuple[str, Term]]]:
    """The query's groups, then its exclusions as a last group, each term with its name."""
    named: list[list[tuple[str, Term]]] = []
    number = 0
    for group in (*query.groups, query.excluded):
        named.append([(f"t{number + n}", term) for n, term in enumerate(group)])
        number += len(group)
    return named


def _values(query: SearchQuery) -> dict[str, str]:
    """The texts bound into ``tsquery(query, ...)``."""
    values: dict[str, str] = {}
    for group in _named(query):
        for name, term in group:
            if term.phrase:
                values[f"{name}p"] = " ".join(term.phrase)
            if term.stem is not None:
                # The stem is letters and digits only: quoted, it is one lexeme.
                values[f"{name}s"] = f"'{term.stem}':*"
    return values


def _shape(query: SearchQuery) -> tuple[tuple[tuple[bool, bool], ...], ...]:
    """What ``tsquery`` builds for a query, without its words."""
    return tuple(
        tuple((bool(term.phrase), term.stem is not None) for _, term in group)
        for group in _named(query)
    )


def _either(term: Term, configs: Sequence[str], name: str) -> ColumnElement[Any]:
    """A term matching its exact form or any configuration's stemmed form."""
    result = _tsquery(term, SIMPLE, name)
    for config in configs:
        if config != SIMPLE:
            result = result.op("||", return_type=TSQUERY)(_tsquery(term, config, name))
    return result


def tsquery(
    query: SearchQuery, configs: Sequence[str], *, exclusions: bool = True
) -> ColumnElement[Any]:
    """The query as one tsquery: each term as its exact form or its stem in ``configs``.

    Without ``exclusions`` it is the positive part only: with several configurations, a
    superset of what each configuration's query finds, which the GIN index can answer.
    """
    *groups, excluded = _named(query)
    result: ColumnElement[Any] | None = None
    for group in groups:
        name, first = group[0]
        alternatives = _either(first, configs, name)
        for name, term in group[1:]:
            alternatives = alternatives.op("||", return_type=TSQUERY)(_either(term, configs, name))
        result = (
            alternatives if result is None else result.op("&&", return_type=TSQUERY)(alternatives)
        )
    assert result is not None
    if exclusions:
        for name, term in excluded:
            # tsquery_not is the function behind the !! operator.
            result = result.op("&&", return_type=TSQUERY)(
                func.tsquery_not(_either(term, configs, name), type_=TSQUERY)
            )
    return result


class PostgresTextSearch(SearchEngine):
    """The tsvector index of a PostgreSQL database."""

    key_column: ClassVar[str] = "article_id"
    candidate_limit: ClassVar[int | None] = CANDIDATES

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.table = Table(
            self.name,
            MetaData(schema=tables.schema),
            Column("article_id", Uuid(), primary_key=True),
            Column("config", String()),
            Column("vector", TSVECTOR()),
        )
        statement = insert(self.table).values(
            article_id=bindparam("id", type_=Uuid()),
            config=bindparam("config", type_=String()),
            vector=self._vector(),
        )
        # Built once: constructing it costs more than running it.
        self._upsert = statement.on_conflict_do_update(
            index_elements=[self.table.c.article_id],
            set_={"config": statement.excluded.config, "vector": statement.excluded.vector},
        )

    @staticmethod
    def _vector() -> ColumnElement[Any]:
        """The vector of one row, from bound ``config`` and the four prepared fields."""
        gap = cast(literal("_:1"), TSVECTOR)

        def half(config: ColumnElement[Any]) -> ColumnElement[Any]:
            result: ColumnElement[Any] | None = None
            for field, weight in FIELD_WEIGHTS:
                # An untyped literal: setweight takes PostgreSQL's one-byte "char".
                part = func.setweight(
                    func.to_tsvector(config, bindparam(field, type_=String())),
                    literal_column(f"'{weight}'"),
                )
                result = (
                    part
                    if result is None
                    else (
                        result.op("||", return_type=TSVECTOR)(gap).op("||", return_type=TSVECTOR)(
                            part
                        )
                    )
                )
            assert result is not None
            return result

        language = cast(bindparam("config", type_=String()), REGCONFIG)
        simple = half(_config(SIMPLE))
        both = (
            half(language)
            .op("||", return_type=TSVECTOR)(gap)
            .op("||", return_type=TSVECTOR)(simple)
        )
        vector = case((bindparam("config", type_=String()) == SIMPLE, simple), else_=both)
        # The gaps' placeholder lexeme is removed; the positions it took stay free.
        return func.ts_delete(vector, literal("_"))

    def write(
        self,
        conn: Connection,
        documents: Sequence[PreparedDocument],
        document_ids: Mapping[UUID, int],
    ) -> None:
        """Insert or replace the vectors (one statement for all ``documents``)."""
        if not documents:
            return
        available = _available(conn)
        conn.execute(
            self._upsert,
            [
                {
                    "id": doc.article_id,
                    "config": configuration_for(doc.locale, available),
                    "headline": doc.headline,
                    "tags": doc.tags,
                    "summary": doc.summary,
                    "body": doc.body,
                    "chars": doc.chars,
                }
                for doc in documents
            ],
        )

    def _configs(self, conn: Connection, locale: str | None, cache: dict[Any, Any]) -> list[str]:
        """Configurations to read the query with: the locale's, or every stored language's."""
        available = _available(conn)
        if locale is not None:
            return [configuration_for(locale, available)]
        locales = stored_locales(conn, self.tables, cache)
        return sorted({configuration_for(loc, available) for loc in locales})

    def match(
        self, conn: Connection, query: SearchQuery, *, locale: str | None, cache: dict[Any, Any]
    ) -> Match:
        """The shape is the query's structure and the configurations read; words are bound."""
        configs = tuple(self._configs(conn, locale, cache) or [SIMPLE])
        return Match(("tsvector", configs, _shape(query)), _values(query))

    def matches(self, query: SearchQuery, match: Match) -> Select[Any]:
        """Rows whose vector matches, ranked by weighted ``ts_rank``.

        Each article is matched with its own language's stems: with a locale, that
        locale's configuration; without, the GIN index answers the query with every
        stored language's stems, and each row is then checked with its own.
        """
        exact, condition = self._condition(query, match)
        rank = func.ts_rank(_WEIGHTS, self.table.c.vector, exact, RANK_NORMALIZATION)
        # ts_rank is a float4: widened before scaling, so no digit is lost to float4.
        return select(
            self.table.c.article_id.label("key"),
            cast(cast(rank, Double()) * RANK_SCALE, BigInteger).label("rank"),
        ).where(condition)

    def unranked(self, query: SearchQuery, match: Match) -> Select[Any]:
        """What the GIN index alone finds for the query: ``matches``' rows and a few more.

        With several languages, ``matches`` checks each row with its own language's
        query, which reads the row's vector; the index answers with every language's
        stems at once without reading one, so candidates are chosen by that.
        """
        configs: tuple[str, ...] = match.shape[1]  # type: ignore[index]
        vector = self.table.c.vector
        indexed = tsquery(query, configs, exclusions=len(configs) == 1)
        return select(self.table.c.article_id.label("key")).where(vector.op("@@")(indexed))

    def ranked(self, query: SearchQuery, match: Match, candidates: Subquery) -> Select[Any]:
        """The candidates ranked: each vector read once to rank, and once more to check it.

        The candidates passed ``unranked``'s index condition. With one configuration
        that is the whole condition, so they are only ranked; with several, each row is
        checked with its own language's query (and the query's exclusions) too.
        """
        configs: tuple[str, ...] = match.shape[1]  # type: ignore[index]
        exact, _ = self._condition(query, match)
        vector = self.table.c.vector
        rank = func.ts_rank(_WEIGHTS, vector, exact, RANK_NORMALIZATION)
        # LATERAL, kept a subquery by its LIMIT: one primary-key lookup per candidate.
        # The planner cannot estimate a per-language condition, and joined as a table
        # it read every vector to hash them.
        scored = select(cast(cast(rank, Double()) * RANK_SCALE, BigInteger).label("rank")).where(
            self.table.c.article_id == candidates.c.key
        )
        if len(configs) > 1:
            scored = scored.where(vector.op("@@")(exact))
        lateral = scored.limit(1).lateral("scored")
        return select(*candidates.c, lateral.c.rank).select_from(candidates.join(lateral, true()))

    @contextmanager
    def planned_per_call(self, conn: Connection) -> Iterator[None]:
        """The block's statements unprepared (psycopg): planned with their words each time.

        After a few runs of one statement psycopg prepares it, and PostgreSQL then plans
        it once for every value. A search's plan depends on how common its words are (a
        word in most articles walks the newest rows, a rare one is looked up in the GIN
        index), and a generic plan also builds each tsquery again for every row.
        """
        driver = conn.connection.driver_connection
        threshold = getattr(driver, "prepare_threshold", None)
        if threshold is None:  # not psycopg, or prepared statements already off
            yield
            return
        driver.prepare_threshold = None  # type: ignore[union-attr]
        try:
            yield
        finally:
            driver.prepare_threshold = threshold  # type: ignore[union-attr]

    def _condition(
        self, query: SearchQuery, match: Match
    ) -> tuple[ColumnElement[Any], ColumnElement[bool]]:
        """The query each row is ranked with (its own language's), and the match condition."""
        configs: tuple[str, ...] = match.shape[1]  # type: ignore[index]
        vector = self.table.c.vector
        exact: ColumnElement[Any]
        condition: ColumnElement[bool]
        if len(configs) == 1:
            exact = tsquery(query, configs)
            condition = vector.op("@@")(exact)
        else:
            exact = case(
                {config: tsquery(query, [config]) for config in configs},
                value=self.table.c.config,
                else_=tsquery(query, [SIMPLE]),
            )
            condition = and_(
                vector.op("@@")(tsquery(query, configs, exclusions=False)),
                vector.op("@@")(exact),
            )
        return exact, condition
