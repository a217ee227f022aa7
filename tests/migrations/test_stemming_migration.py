"""0009: databases whose index holds words as written are asked for one reindex.

SQLite and MariaDB index stems since 0009; an archive indexed before holds the words as
written, which a query no longer asks for alone. Such a database (with articles in a
stemmed language) is flagged, searches ask for ``newscms reindex`` until it has run,
and afterwards ``vote`` finds ``voted``. PostgreSQL, which always stemmed, is not.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from test_migrations import database_at

from newscms import ArticleDraft, Status
from newscms.errors import SchemaError
from newscms.store import Store, create_engine
from newscms.store.migrations import downgrade
from newscms.store.search import reindex
from newscms.store.search.schema import REINDEX_FLAG


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def old_engine(request: pytest.FixtureRequest, server_for) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A database at 0008."""
    engine = create_engine(server_for(request.param).create_database())
    Store(engine, check_schema=False).migrate("0008")
    yield engine
    engine.dispose()


def _flag(engine: Engine, store: Store) -> str | None:
    meta = store.tables.meta
    with engine.connect() as conn:
        return conn.execute(select(meta.c.value).where(meta.c.key == REINDEX_FLAG)).scalar()


def _add(engine: Engine, locale: str, headline: str) -> None:
    draft = ArticleDraft(locale=locale, headline=headline, status=Status.PUBLISHED)
    database_at(engine, "0008", [draft])


def test_an_archive_in_a_stemmed_language_is_flagged_where_newscms_stems(
    old_engine: Engine,
) -> None:
    _add(old_engine, "en", "Parliament voted")
    store = Store(old_engine, check_schema=False)
    store.migrate()
    if old_engine.dialect.name == "postgresql":
        assert _flag(old_engine, store) is None
    else:
        assert _flag(old_engine, store) == "0009"
        with Store(old_engine).session(readonly=True) as uow, pytest.raises(SchemaError):
            uow.search.search("vote")
        reindex(Store(old_engine))
    with Store(old_engine).session(readonly=True) as uow:
        assert [hit.article.headline for hit in uow.search.search("vote").items] == [
            "Parliament voted"
        ]
    # Back at 0008 the index holds stems, which that code does not ask for: flagged again.
    downgrade(old_engine, store.tables, "0008")
    expected = None if old_engine.dialect.name == "postgresql" else "0009"
    assert _flag(old_engine, store) == expected


def test_an_archive_without_a_stemmed_language_needs_no_reindex(old_engine: Engine) -> None:
    _add(old_engine, "zh", "北京")
    store = Store(old_engine, check_schema=False)
    store.migrate()
    assert _flag(old_engine, store) is None
    with Store(old_engine).session(readonly=True) as uow:
        assert len(uow.search.search("北京").items) == 1
