"""The shipped migrations build exactly the schema the code expects, on every backend."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, inspect, select, text

from newscms import ArticleDraft
from newscms.errors import SchemaError
from newscms.store import Store, create_engine
from newscms.store.migrations import downgrade, head_revision, include_modelled_tables
from newscms.store.search.schema import REINDEX_FLAG
from newscms.store.tables import Tables


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def fresh_engine(request: pytest.FixtureRequest, server_for) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """An empty database of its own, for tests that build and tear down the schema."""
    server = server_for(request.param)
    engine = create_engine(server.create_database())
    yield engine
    engine.dispose()


def schema_diff(engine: Engine, tables: Tables) -> list[object]:
    """What Alembic's autogenerate would change to make the database match the models.

    The search index's engine-specific tables (FTS5 and its shadow tables, the tsvector or
    FULLTEXT table) are not in the models; the same hook as the migration environment's
    leaves them out.
    """
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_name": include_modelled_tables(tables.prefix),
                "compare_type": True,
                "version_table": tables.version_table,
                "version_table_schema": tables.schema,
                "include_schemas": tables.schema is not None,
            },
        )
        return list(compare_metadata(context, tables.metadata))


def database_at(engine: Engine, revision: str, drafts: list[ArticleDraft]) -> None:
    """``drafts`` stored, then the schema taken back to ``revision``: an old database in use.

    Today's code writes today's columns, so content goes in at the head and the
    downgrades take the schema back, as an old version left it (with no reindex asked:
    that is for the upgrade under test to decide).
    """
    store = Store(engine, check_schema=False)
    store.migrate()
    with store.session() as uow:
        uow.articles.create_many(drafts)
    downgrade(engine, store.tables, revision)
    meta = store.tables.meta
    with engine.begin() as conn:
        conn.execute(meta.delete().where(meta.c.key == REINDEX_FLAG))


def newscms_tables(engine: Engine, prefix: str = "newscms_", schema: str | None = None) -> set[str]:
    return {t for t in inspect(engine).get_table_names(schema=schema) if t.startswith(prefix)}


def make_host_version_table(engine: Engine) -> Table:
    """A host application's own Alembic version table, with its own revision in it."""
    host = MetaData()
    version = Table("alembic_version", host, Column("version_num", String(32), primary_key=True))
    host.create_all(engine)
    with engine.begin() as conn:
        conn.execute(version.insert().values(version_num="host_rev_42"))
    return version


def test_upgrade_matches_models_then_downgrade_and_upgrade_again(fresh_engine: Engine) -> None:
    host_version = make_host_version_table(fresh_engine)
    store = Store(fresh_engine)
    store.migrate()
    assert store.schema_status().up_to_date
    assert schema_diff(fresh_engine, store.tables) == []
    assert "newscms_alembic_version" in inspect(fresh_engine).get_table_names()

    store.migrate()  # running it again changes nothing
    assert schema_diff(fresh_engine, store.tables) == []

    from newscms.store.migrations import downgrade

    downgrade(fresh_engine, store.tables, "base")
    assert newscms_tables(fresh_engine) == {"newscms_alembic_version"}
    assert store.schema_status().current is None

    store.migrate()
    assert schema_diff(fresh_engine, store.tables) == []
    with fresh_engine.connect() as conn:
        assert conn.execute(select(host_version.c.version_num)).scalars().all() == ["host_rev_42"]


def test_prefix_keeps_tables_and_version_table_apart(fresh_engine: Engine) -> None:
    default = Store(fresh_engine)
    custom = Store(fresh_engine, prefix="cms_")
    default.migrate()
    custom.migrate()
    assert schema_diff(fresh_engine, custom.tables) == []
    names = set(inspect(fresh_engine).get_table_names())
    assert {"cms_articles", "cms_alembic_version", "newscms_articles"} <= names
    with custom.session() as uow:
        uow.articles.create(ArticleDraft(locale="en", headline="Only in cms_"))
    with default.session() as uow:
        assert uow.articles.list().items == ()


def test_postgres_schema_option(server_for) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(server_for("postgresql").create_database())
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA news"))
        store = Store(engine, schema="news")
        store.migrate()
        assert schema_diff(engine, store.tables) == []
        assert "newscms_articles" in inspect(engine).get_table_names(schema="news")
        assert "newscms_articles" not in inspect(engine).get_table_names()
        with store.session() as uow:
            created = uow.articles.create(ArticleDraft(locale="en", headline="In a schema"))
        with store.session() as uow:
            assert uow.articles.get(created.id).headline == "In a schema"
    finally:
        engine.dispose()


def test_store_refuses_to_work_on_a_missing_or_foreign_schema(fresh_engine: Engine) -> None:
    store = Store(fresh_engine)
    with pytest.raises(SchemaError, match="newscms migrate"), store.session():
        pass
    store.migrate()
    with fresh_engine.begin() as conn:
        conn.execute(text("UPDATE newscms_alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(SchemaError, match="newer newscms"), Store(fresh_engine).session():
        pass


def test_concurrent_migrations_serialise(fresh_engine: Engine) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        try:
            barrier.wait()
            Store(fresh_engine).migrate()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Store(fresh_engine).schema_status().current == head_revision()


def test_host_autogenerate_helper_skips_newscms_tables(fresh_engine: Engine) -> None:
    from newscms.store import exclude_newscms_tables

    Store(fresh_engine).migrate()
    host = MetaData()
    Table("host_things", host, Column("id", Integer, primary_key=True))
    with fresh_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": exclude_newscms_tables()})
        diff = compare_metadata(context, host)
    # The host sees its own missing table, and nothing about newscms's tables.
    assert [d[0] for d in diff] == ["add_table"]
