"""The plans the hot statements rely on do not change when the planner gets statistics.

Almost every relation is resolved, so its pending keys are NULL; SQLite's ANALYZE counts
the NULLs as one value, and with full indexes an edit's pending-relation lookups then
scanned the whole relations table. The indexes are partial (migration 0008): this
records the plans of an edit, a tag page, a locale page and a get before and after
``Store.optimize`` and requires them equal and free of full scans of the big tables.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, event

from newscms import ArticleDraft, ArticlePatch
from newscms.cli import cli
from newscms.domain.relation import RelationDraft
from newscms.store import Store, create_engine

_FULL_SCAN = re.compile(
    r"\bSCAN newscms_(relations|articles|article_tags|article_slugs)\b(?! USING)"
)


@pytest.fixture
def sqlite_engine(server_for) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A fresh migrated SQLite database (the backend whose plans flipped)."""
    engine = create_engine(server_for("sqlite").create_database())
    Store(engine, check_schema=False).migrate()
    yield engine
    engine.dispose()


def _hot_statements(store: Store, engine: Engine) -> list[tuple[str, Any]]:
    """The SELECTs of an edit with re-slug, a tag page, a locale page and a get."""
    with store.session() as uow:
        drafts = [
            ArticleDraft(
                locale="en" if n % 5 else "it",
                headline=f"Story number {n}",
                body=f"<p>Body {n}</p>",
                status="published",
                tags=[f"topic {n % 7}", "news"],
            )
            for n in range(300)
        ]
        articles = uow.articles.create_many(drafts)
        for source, target in zip(articles[1:], articles, strict=False):
            uow.relations.add(source.id, RelationDraft(target_id=target.id))
    seen: list[tuple[str, Any]] = []

    def record(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if not many and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with store.session() as uow:
            edited = uow.articles.get(articles[150].id)
            uow.articles.update(
                edited.id,
                ArticlePatch(
                    expected_version=edited.version, headline="A new headline", regenerate_slug=True
                ),
            )
        with store.session(readonly=True) as uow:
            tag = uow.tags.get_by_slug("topic-3", locale="en")
            uow.articles.list(tag=tag.id, public=True, limit=20)
            uow.articles.list(locale="it", public=True, limit=20)
            uow.articles.teasers(tag=tag.id, public=True, limit=20)
            uow.articles.get_by_slug("en", articles[11].slug, public=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _plans(engine: Engine, statements: list[tuple[str, Any]]) -> list[str]:
    """Each statement's access paths. A bloom filter SQLite adds once it has statistics
    only skips probes of the same index search, so it is not part of the plan here."""
    with engine.connect() as conn:
        return [
            "\n".join(
                str(row[-1])
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
                if not str(row[-1]).startswith("BLOOM FILTER")
            )
            for sql, params in statements
        ]


def test_plans_are_the_same_after_optimize_and_scan_no_big_table(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    store = Store(engine)
    statements = _hot_statements(store, engine)
    assert any("pending_title_key" in sql for sql, _ in statements)
    before = _plans(engine, statements)
    done = store.optimize()
    assert done.search_index
    assert "newscms_relations" in done.tables
    after = _plans(engine, statements)
    assert after == before
    scans = [plan for plan in after if _FULL_SCAN.search(plan)]
    assert scans == []


def test_optimize_on_every_backend_keeps_the_data_and_is_repeatable(store: Store) -> None:
    with store.session() as uow:
        uow.articles.create(ArticleDraft(locale="en", headline="Kept", status="published"))
    first = store.optimize()
    second = store.optimize()
    assert first.tables == second.tables
    assert {"newscms_articles", "newscms_relations"} <= {t.rpartition(".")[2] for t in first.tables}
    assert first.search_index is (store.engine.dialect.name == "sqlite")
    with store.session(readonly=True) as uow:
        assert [a.headline for a in uow.articles.list().items] == ["Kept"]
        assert [hit.article.headline for hit in uow.search.search("kept").items] == ["Kept"]


def test_cli_optimize_reports_what_it_did(store: Store) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, "optimize", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert "newscms_articles" in {t.rpartition(".")[2] for t in report["tables"]}
    assert report["seconds"] >= 0
    plain = CliRunner().invoke(cli, ["--db", url, "optimize"], catch_exceptions=False)
    assert plain.exit_code == 0 and "statistics refreshed on" in plain.output


@pytest.fixture
def postgres_store(server_for) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    """A store on a fresh migrated PostgreSQL database."""
    engine = create_engine(server_for("postgresql").create_database())
    store = Store(engine, check_schema=False)
    store.migrate()
    yield store
    engine.dispose()


def _search_plan(store: Store, query: str) -> str:
    """PostgreSQL's plan of the public search statement of ``query``."""
    seen: list[tuple[str, Any]] = []

    def record(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if "ts_rank" in statement:
            seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        with store.session(readonly=True) as uow:
            uow.search.search(query, locale="en")
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    ((sql, params),) = seen
    with store.engine.connect() as conn:
        return "\n".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {sql}", params))


def test_postgresql_finds_a_common_words_candidates_by_walking_the_newest(
    postgres_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word in most articles: the newest rows are checked until the bound is reached
    (the recent index, newest first), rather than every match read and sorted; a rare
    word is still found through the GIN index."""
    from newscms.store.search.postgres import PostgresTextSearch

    monkeypatch.setattr(PostgresTextSearch, "candidate_limit", 40)
    store = postgres_store
    with store.session() as uow:
        uow.articles.create_many(
            ArticleDraft(
                locale="en",
                headline=f"Report {n}",
                body=f"<p>The government said {'nothing' if n % 20 else 'cathedral'} {n}.</p>",
                status="published",
            )
            for n in range(2_000)
        )
    store.optimize()
    common = _search_plan(store, "government")
    assert "Index Scan Backward using ix_newscms_search_index_recent" in common
    rare = _search_plan(store, "cathedral")
    assert "Bitmap Index Scan on ix_newscms_search_index_vector" in rare
    assert "ix_newscms_search_index_recent" not in rare


def test_postgresql_plans_each_search_with_its_words(postgres_store: Store) -> None:
    """psycopg prepares a statement run often; a search must not be (its plan depends on
    how common its words are), and the connection's other statements still are."""
    store = postgres_store
    with store.session() as uow:
        uow.articles.create(ArticleDraft(locale="en", headline="Harvest", status="published"))
    with store.session(readonly=True) as uow:
        driver = uow.connection.connection.driver_connection
        threshold = driver.prepare_threshold  # type: ignore[union-attr]
        for _ in range(12):
            assert len(uow.search.search("harvest").items) == 1
        assert driver.prepare_threshold == threshold  # type: ignore[union-attr]
        prepared = uow.connection.exec_driver_sql(
            "SELECT statement FROM pg_prepared_statements"
        ).scalars()
        statements = list(prepared)
    assert not [sql for sql in statements if "ts_rank" in sql]
    assert threshold is not None and statements  # the loader's reads were prepared
