"""Driver errors become newscms errors at the store's edge, with what to do next."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlalchemy import Engine, insert, text, update

from newscms.domain import ArticleDraft
from newscms.errors import (
    DuplicateError,
    IntegrityError,
    NewsCMSError,
    SchemaError,
    StoreError,
    ValidationError,
)
from newscms.store import Store, create_engine
from newscms.store._errors import translate_errors

pytestmark = pytest.mark.backends

BACKENDS = ("sqlite", "postgresql", "mariadb")


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, server_for) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A database on which ``migrate()`` was never run."""
    engine = create_engine(server_for(request.param).create_database())
    yield engine
    engine.dispose()


def draft() -> ArticleDraft:
    return ArticleDraft(locale="en", headline="Pope meets journalists")


# -- schema ------------------------------------------------------------------------------------


def test_unmigrated_database_says_to_run_migrate(empty_engine):
    store = Store(empty_engine)
    assert store.schema_status().current is None
    assert not store.schema_status().up_to_date
    with pytest.raises(SchemaError, match="newscms migrate"), store.session() as uow:
        uow.articles.create(draft())
    with pytest.raises(SchemaError, match="newscms migrate"), empty_engine.connect() as conn:
        store.using(conn)
    with pytest.raises(SchemaError, match="newscms migrate"):
        store.cursors  # noqa: B018 - reading the property checks the schema


def test_unmigrated_database_without_the_startup_check_still_says_migrate(empty_engine):
    store = Store(empty_engine, check_schema=False, cursor_secret="a secret of sixteen bytes")
    with pytest.raises(SchemaError, match="newscms migrate") as caught, store.session() as uow:
        uow.articles.list()
    assert caught.value.__cause__ is not None  # the driver's error is kept for debugging


def test_migrate_then_work(empty_engine):
    store = Store(empty_engine)
    store.migrate()
    assert store.schema_status().up_to_date
    with store.session() as uow:
        assert uow.articles.create(draft()).slug == "pope-meets-journalists"


def test_schema_of_a_newer_newscms_says_to_upgrade(empty_engine):
    Store(empty_engine).migrate()
    store = Store(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("UPDATE newscms_alembic_version SET version_num = 'ffff9999'"))
    with pytest.raises(SchemaError, match="upgrade newscms"), store.session():
        pass


# -- unreachable servers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        "mysql+pymysql://root@127.0.0.1:1/nowhere?connect_timeout=2",
        "sqlite:////nonexistent-directory/for/newscms/test.db",
    ],
    ids=["postgresql", "mariadb", "sqlite"],
)
def test_unreachable_database_is_a_store_error(url):
    store = Store(url)
    try:
        with pytest.raises(StoreError) as caught, store.session() as uow:
            uow.articles.list()
        assert "\n" not in str(caught.value).strip()
        assert not isinstance(caught.value, SchemaError)
        with pytest.raises(StoreError):
            store.schema_status()
        with pytest.raises(StoreError):
            store.migrate()
    finally:
        store.dispose()


def test_unknown_database_on_a_live_server_is_a_store_error(server_for):
    for backend in ("postgresql", "mariadb"):
        server = server_for(backend)
        url = server.admin_url.rsplit("/", 1)[0] + f"/newscms_missing_{uuid4().hex[:8]}"
        store = Store(url)
        try:
            with pytest.raises(StoreError) as caught, store.session():
                pass
        finally:
            store.dispose()
        # Migrating would not help: the message must not send the caller there.
        assert not isinstance(caught.value, SchemaError), caught.value


# -- errors from the database itself -------------------------------------------------------------


def test_unique_violation_is_a_duplicate_error(store, engine):
    with store.session() as uow:
        article = uow.articles.create(draft())
    slugs = store.tables.article_slugs
    row = {
        "locale": "en",
        "slug": article.slug,
        "article_id": article.id,
        "created_at": article.created_at,
    }
    with pytest.raises(DuplicateError) as caught, translate_errors(), engine.begin() as conn:
        conn.execute(insert(slugs).values(**row))
    assert isinstance(caught.value, IntegrityError)
    assert caught.value.__cause__ is not None


def test_foreign_key_violation_is_an_integrity_error(store, engine):
    slugs = store.tables.article_slugs
    row = {"locale": "en", "slug": "orphan", "article_id": uuid4(), "created_at": datetime.now(UTC)}
    with pytest.raises(IntegrityError) as caught, translate_errors(), engine.begin() as conn:
        conn.execute(insert(slugs).values(**row))
    assert not isinstance(caught.value, DuplicateError)


def test_value_the_database_cannot_hold_is_a_validation_error(store, engine, backend):
    if backend == "sqlite":
        pytest.skip("SQLite does not enforce column lengths")
    with store.session() as uow:
        article = uow.articles.create(draft())
    articles = store.tables.articles
    with pytest.raises(ValidationError), translate_errors(), engine.begin() as conn:
        conn.execute(update(articles).where(articles.c.id == article.id).values(headline="x" * 600))


def test_errors_inside_a_unit_of_work_come_out_translated(store):
    with pytest.raises(StoreError) as caught, store.session() as uow:
        uow.connection.execute(text("SELECT no_such_column FROM newscms_articles"))
    assert isinstance(caught.value, NewsCMSError)


@pytest.mark.parametrize(
    "statement",
    ["ROLLBACK TO SAVEPOINT no_such_savepoint", "SELECT no_such_function_at_all(1)"],
)
def test_other_missing_things_are_not_a_missing_schema(store, statement):
    with pytest.raises(StoreError) as caught, store.session() as uow:
        uow.connection.execute(text(statement))
    assert not isinstance(caught.value, SchemaError), caught.value


def test_missing_table_is_a_schema_error(store, engine):
    with (
        pytest.raises(SchemaError, match="newscms migrate"),
        translate_errors(),
        engine.connect() as conn,
    ):
        conn.execute(text("SELECT id FROM newscms_no_such_table"))
