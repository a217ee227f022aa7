"""0007 adds the newsletter tables on top of a database already in use, and takes them away."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, inspect, select
from test_migrations import database_at, schema_diff

from newscms import ArticleDraft
from newscms.store import Store, create_engine
from newscms.store.migrations import downgrade

NEWSLETTER_TABLES = {
    "newscms_subscribers",
    "newscms_newsletter_sends",
    "newscms_newsletter_suppressions",
    "newscms_newsletter_shares",
    "newscms_newsletter_counts",
}


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def old_engine(request: pytest.FixtureRequest, server_for) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A database at 0006 with an article in it."""
    engine = create_engine(server_for(request.param).create_database())
    database_at(engine, "0006", [ArticleDraft(locale="en", headline="Before the newsletter")])
    yield engine
    engine.dispose()


def test_upgrade_to_0007_keeps_the_content_and_downgrade_drops_only_the_newsletter(
    old_engine: Engine,
) -> None:
    assert not NEWSLETTER_TABLES & set(inspect(old_engine).get_table_names())
    store = Store(old_engine)
    store.migrate()
    assert set(inspect(old_engine).get_table_names()) >= NEWSLETTER_TABLES
    assert schema_diff(old_engine, store.tables) == []
    with store.session() as uow:
        assert [a.headline for a in uow.articles.list().items] == ["Before the newsletter"]

    downgrade(old_engine, store.tables, "0006")
    assert not NEWSLETTER_TABLES & set(inspect(old_engine).get_table_names())
    with old_engine.connect() as conn:  # today's code reads only today's schema
        assert conn.scalar(select(func.count()).select_from(store.tables.articles)) == 1
