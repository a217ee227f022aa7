"""Prepared reads: on SQLite they skip SQLAlchemy's execution, not its rules.

The statements that complete articles (and a get's or a listing's own) run on the
sqlite3 driver directly. What they return must be what ``Connection.execute`` returns,
value for value and type for type; their statements must still reach the engine's
cursor events; a driver error must still come out as a newscms error; outside a
transaction they must begin one as SQLAlchemy does.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import event, text

from newscms.domain import (
    ArticleDraft,
    ArticlePatch,
    PendingTarget,
    Person,
    RelationDraft,
    Status,
    TagInput,
)
from newscms.errors import NewsCMSError
from newscms.store import Store, create_engine
from newscms.store._direct import Prepared, read_together
from newscms.store._loading import loader_for

pytestmark = pytest.mark.backends

DIRECT_DRIVERS = ("pysqlite", "psycopg", "pymysql")
"""The drivers prepared reads run on directly (the others keep SQLAlchemy's execution)."""

T0 = datetime(2020, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _typed(rows: Any) -> list[tuple[tuple[type, Any], ...]]:
    """Rows as (type, value) pairs: equal values of different types must not pass."""
    return [tuple((type(value), value) for value in row) for row in rows]


@pytest.fixture
def stored(store: Store) -> dict[str, Any]:
    """Articles with everything a read converts: moments, JSON, ids, flags, nulls."""
    group = uuid4()
    with store.session() as uow:
        place = uow.tags.get_or_create("Korea", locale="en", kind="region")
        uow.tags.set_name(place.id, "Corea", locale="it")
        first = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Talks resume in Seoul",
                body="<p>Delegations met on Monday.</p>",
                byline=(Person(name="Ana Ruiz", role="reporter"),),
                status=Status.PUBLISHED,
                published_at=T0,
                tags=(TagInput(name="Korea", locale="en", kind="region"), TagInput(name="Talks")),
                relations=(
                    RelationDraft(pending=PendingTarget(title="An older story", published_at=T0)),
                ),
                translation_group=group,
            )
        )
        second = uow.articles.create(
            ArticleDraft(
                locale="it",
                headline="Riprendono i colloqui a Seul",
                status=Status.SCHEDULED,
                published_at=T0 + timedelta(days=36500),
                tags=(TagInput(name="Corea", locale="it", kind="region"),),
                relations=(RelationDraft(target_id=first.id),),
                translation_group=group,
            )
        )
        uow.articles.update(
            first.id, ArticlePatch(expected_version=first.version, summary="Talks resumed.")
        )
    return {"first": first.id, "second": second.id, "tag": place.id}


def test_prepared_rows_are_what_sqlalchemy_returns(store: Store, stored: dict[str, Any]) -> None:
    loader = loader_for(store.tables, store.settings.locales)
    ids = [stored["first"], stored["second"]]
    with store.session(readonly=True) as uow:
        # Warm the repositories' own statements (a get, a listing, a page of teasers).
        article = uow.articles.get(stored["first"])
        uow.articles.get_by_slug("en", article.slug, public=True)
        uow.articles.list(tag=stored["tag"])
        uow.articles.teasers(locale="it")
        group = article.translation_group
        cases: list[tuple[Prepared, dict[str, Any]]] = [
            (loader._tags_of[0], {"id": ids[0]}),
            (loader._tags_of[1], {"ids": ids, "locales": ["en", "it"]}),
            # Expansions are kept by list lengths: other lengths, then the first again.
            (loader._tags_of[1], {"ids": ids[:1], "locales": ["it"]}),
            (loader._tags_of[1], {"ids": ids[::-1], "locales": ["it", "en", "fr"]}),
            (loader._tags_of[1], {"ids": [], "locales": ["en"]}),
            (loader._tags_of[1], {"ids": ids, "locales": ["en", "it"]}),
            (loader._relations_of[0], {"id": ids[1]}),
            (loader._relations_of[1], {"ids": ids}),
            (loader._editions_of, {"groups": [group]}),
            (loader._names_of, {"tags": [stored["tag"]]}),
        ]
        now = uow.now()
        known = {
            "id": ids[0],
            "ids": ids,
            "locale": "en",
            "slug": article.slug,
            "tag": stored["tag"],
            "now": now,
            "limit": 20,
            "after_at": now + timedelta(days=1),
            "after_id": ids[0],
        }
        for prepared in loader.statements.values():
            # Shapes other tests cached may bind more: those values are left NULL.
            binds = prepared.statement.compile(dialect=uow.connection.dialect).binds
            missing = {name: None for name, bind in binds.items() if bind.required}
            cases.append((prepared, {**missing, **known}))
        conn = uow.connection
        on_driver = conn.dialect.driver in DIRECT_DRIVERS
        found = 0
        for prepared, values in cases:
            assert (prepared._direct(conn) is not None) is on_driver
            direct = prepared.all(conn, values)
            through_sqlalchemy = conn.execute(prepared.statement, values).all()
            found += bool(direct)
            assert _typed(direct) == _typed(through_sqlalchemy), prepared.statement
            mapped = prepared.mappings(conn, values)
            assert [dict(m) for m in mapped] == [dict(row._mapping) for row in through_sqlalchemy]
        # Other tests' statement shapes may be cached too; this test's own find rows.
        assert found >= 10


def test_a_missing_value_is_refused_as_sqlalchemy_refuses_it(
    store: Store, stored: dict[str, Any]
) -> None:
    loader = loader_for(store.tables, store.settings.locales)
    with pytest.raises(NewsCMSError, match="value is required"), store.session() as uow:
        loader._tags_of[0].all(uow.connection, {})
    with pytest.raises(NewsCMSError, match="value is required"), store.session() as uow:
        loader._tags_of[1].all(uow.connection, {"locales": ["en"]})  # the expanding one


def test_what_watches_statements_gets_sqlalchemys_execution(
    store: Store, stored: dict[str, Any]
) -> None:
    """Listeners (counters, tracing) and the statement log see every read, with a context."""
    seen: list[tuple[str, Any]] = []

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):  # type: ignore[no-untyped-def]
        seen.append((statement, context))

    loader = loader_for(store.tables, store.settings.locales)
    event.listen(store.engine, "before_cursor_execute", before)
    try:
        with store.session(readonly=True) as uow:
            seen.clear()
            uow.articles.get(stored["second"])
            assert loader._tags_of[0]._direct(uow.connection) is None
    finally:
        event.remove(store.engine, "before_cursor_execute", before)
    # The article, its tags, its relations, its editions; each with its execution context.
    assert len(seen) == 4
    assert "newscms_article_tags" in seen[1][0]
    assert all(context is not None for _, context in seen)
    logger = logging.getLogger("sqlalchemy.engine.Engine")
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with store.session(readonly=True) as uow:
            assert loader._tags_of[0]._direct(uow.connection) is None
    finally:
        logger.setLevel(level)
    with store.session(readonly=True) as uow:
        on_driver = uow.connection.dialect.driver in DIRECT_DRIVERS
        assert (loader._tags_of[0]._direct(uow.connection) is not None) is on_driver
        mapped = uow.connection.execution_options(schema_translate_map={None: None})
        assert loader._tags_of[0]._direct(mapped) is None


def test_a_driver_error_is_a_newscms_error_and_changes_nothing(
    store: Store, stored: dict[str, Any]
) -> None:
    if store.engine.dialect.name in ("mysql", "mariadb"):
        pytest.skip("MariaDB commits a DROP TABLE at once; the error is made by dropping one")
    with pytest.raises(NewsCMSError), store.session() as uow:
        uow.connection.execute(text("DROP TABLE newscms_tag_names"))
        uow.articles.get(stored["first"])
    with store.session(readonly=True) as uow:
        assert [tag.name for tag in uow.articles.get(stored["first"]).tags] == ["Korea", "Talks"]


def test_outside_a_transaction_a_prepared_read_begins_one(
    store: Store, stored: dict[str, Any]
) -> None:
    loader = loader_for(store.tables, store.settings.locales)
    with store.engine.connect() as conn:
        assert not conn.in_transaction()
        rows = loader._tags_of[0].all(conn, {"id": stored["first"]})
        assert conn.in_transaction()
        assert len(rows) == 3  # Korea in two locales, Talks in one
        conn.rollback()


def test_error_listeners_keep_sqlalchemys_execution(store: Store, stored: dict[str, Any]) -> None:
    loader = loader_for(store.tables, store.settings.locales)
    prepared = loader._tags_of[0]

    def on_error(context: Any) -> None:
        """A listener that only watches."""

    event.listen(store.engine, "handle_error", on_error)
    try:
        with store.session(readonly=True) as uow:
            assert prepared._direct(uow.connection) is None
    finally:
        event.remove(store.engine, "handle_error", on_error)


def test_sqlites_named_parameters_keep_sqlalchemys_execution(server_for) -> None:  # type: ignore[no-untyped-def]
    """The compiled statements use ``?``: an engine set to named parameters is served too."""
    url = server_for("sqlite").create_database()
    migrating = Store(url)
    migrating.migrate()
    migrating.dispose()
    named = Store(create_engine(url, paramstyle="named"))
    try:
        with named.session() as uow:
            created = uow.articles.create(
                ArticleDraft(locale="en", headline="Named", tags=(TagInput(name="Korea"),))
            )
        with named.session(readonly=True) as uow:
            loader = loader_for(named.tables, named.settings.locales)
            assert loader._tags_of[0]._direct(uow.connection) is None
            assert [tag.name for tag in uow.articles.get(created.id).tags] == ["Korea"]
    finally:
        named.dispose()


def _independent_reads(store: Store, stored: dict[str, Any]) -> list[tuple[Prepared, Any]]:
    loader = loader_for(store.tables, store.settings.locales)
    ids = [stored["first"], stored["second"]]
    with store.session(readonly=True) as uow:
        group = uow.articles.get(stored["first"]).translation_group
    return [
        (loader._tags_of[1], {"ids": ids, "locales": ["en", "it"]}),
        (loader._relations_of[1], {"ids": ids}),
        (loader._editions_of, {"groups": [group]}),
    ]


def test_reads_together_are_the_rows_of_each_read(store: Store, stored: dict[str, Any]) -> None:
    reads = _independent_reads(store, stored)
    with store.session(readonly=True) as uow:
        together = read_together(uow.connection, reads)
        apart = [prepared.all(uow.connection, values) for prepared, values in reads]
    assert [_typed(rows) for rows in together] == [_typed(rows) for rows in apart]
    assert all(together)


def test_postgresql_sends_independent_reads_in_one_round_trip(
    store: Store, stored: dict[str, Any], tmp_path: Any
) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("psycopg pipelines reads; the other drivers run them one by one")
    reads = _independent_reads(store, stored)
    trace = tmp_path / "libpq.trace"
    with store.session(readonly=True) as uow, trace.open("w") as out:
        pgconn = uow.connection.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
        pgconn.trace(out.fileno())
        try:
            assert all(read_together(uow.connection, reads))
        finally:
            pgconn.untrace()
    sent = [line.split("\t") for line in trace.read_text().splitlines()]
    syncs = [fields for fields in sent if fields[1:2] == ["F"] and "Sync" in fields]
    assert len([fields for fields in sent if "Execute" in fields]) == 3
    assert len(syncs) == 1  # the server answered all three at once
