"""0012: the bylines of a database in use become people, and a downgrade takes them back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from test_migrations import database_at, schema_diff

from newscms import ArticleDraft
from newscms.store import Store, create_engine
from newscms.store.migrations import downgrade


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def old_engine(request: pytest.FixtureRequest, server_for) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A database at 0011 with three articles crediting two people (one in two spellings)."""
    engine = create_engine(server_for(request.param).create_database())
    drafts = [
        ArticleDraft(locale="en", headline="One", byline=["Joseph Yun Li-sun", "Jane Roe"]),
        ArticleDraft(locale="zh", headline="二", byline=["JOSEPH YUN LI-SUN"]),
        ArticleDraft(locale="en", headline="Three", byline=[{"name": "Jane Roe", "role": "photo"}]),
    ]
    database_at(engine, "0011", drafts)
    yield engine
    engine.dispose()


def test_existing_bylines_become_people_with_slugs_per_locale(old_engine: Engine) -> None:
    store = Store(old_engine, check_schema=False)
    with old_engine.connect() as conn:  # as 0011 left them: names and roles only
        bylines = conn.scalars(select(store.tables.articles.c.byline)).all()
    assert all(set(entry) <= {"name", "role"} for byline in bylines for entry in byline)
    store.migrate()
    assert schema_diff(old_engine, store.tables) == []
    with store.session(readonly=True) as uow:
        articles = {a.headline: a for a in uow.articles.list().items}
        joseph = uow.people.find("Joseph Yun Li-sun")
        jane = uow.people.find("jane roe")
        assert joseph is not None and jane is not None
        assert dict(joseph.slugs) == {"en": "joseph-yun-li-sun", "zh": "joseph-yun-li-sun"}
        assert [p.id for p in articles["One"].byline] == [joseph.id, jane.id]
        assert articles["二"].byline[0].id == joseph.id
        assert articles["二"].byline[0].name == "JOSEPH YUN LI-SUN"
        assert (articles["Three"].byline[0].role, articles["Three"].byline[0].slug) == (
            "photo",
            "jane-roe",
        )
        assert {t.headline for t in uow.people.articles(jane.id, public=False).items} == {
            "One",
            "Three",
        }
    with store.session() as uow:  # and new bylines find them
        again = uow.articles.create(ArticleDraft(locale="en", headline="Four", byline=["Jane Roe"]))
    assert again.byline[0].id == jane.id

    downgrade(old_engine, store.tables, "0011")
    with old_engine.connect() as conn:
        bylines = conn.scalars(select(store.tables.articles.c.byline)).all()
        count = conn.scalar(select(func.count()).select_from(store.tables.articles))
    assert count == 4
    assert all(set(entry) <= {"name", "role"} for byline in bylines for entry in byline)
