"""Read-only units of work: they refuse writes, and on PostgreSQL skip BEGIN and COMMIT.

At READ COMMITTED each PostgreSQL statement has its own snapshot inside a transaction
too, so a read-only unit runs its statements unbracketed; at a stricter level, and on
SQLite and MariaDB, it keeps one transaction and one snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, func, select

from newscms.domain import ArticleDraft
from newscms.errors import ReadOnlyError
from newscms.store import Store, build_tables, create_engine

pytestmark = pytest.mark.backends

DRAFT = ArticleDraft(locale="en", headline="Readers only", body="<p>Text.</p>", status="published")


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(build_tables().articles)).one()[0])


def test_a_readonly_unit_refuses_every_write_and_changes_nothing(store: Store) -> None:
    with store.session() as uow:
        tag = uow.tags.get_or_create("Elections", locale="en")
    with store.session(readonly=True) as uow:
        with pytest.raises(ReadOnlyError, match="read-only"):
            uow.articles.create(DRAFT)
        with pytest.raises(ReadOnlyError):
            uow.tags.get_or_create("Budget", locale="en")
        with pytest.raises(ReadOnlyError):
            uow.tags.set_name(tag.id, "Votes", locale="en")
        # Reads still work in the same unit after a refusal.
        assert uow.articles.list().items == ()
    assert _count(store.engine) == 0
    with store.session(readonly=True) as uow:
        assert [t.names["en"].name for t in uow.tags.list()] == ["Elections"]


@pytest.fixture
def postgres_url(server_for) -> str:  # type: ignore[no-untyped-def]
    """A migrated database on the test PostgreSQL server."""
    url: str = server_for("postgresql").create_database()
    engine = create_engine(url)
    Store(engine, check_schema=False).migrate()
    engine.dispose()
    return url


def _pooled(url: str, **options: object) -> Iterator[Store]:
    engine = create_engine(url, pool_size=1, max_overflow=0, **options)
    try:
        store = Store(engine)
        with store.session() as uow:  # the first unit connects: the level is known
            uow.articles.create(DRAFT)
        yield store
    finally:
        engine.dispose()


@pytest.fixture
def committed(postgres_url: str) -> Iterator[Store]:
    """A store on one pooled PostgreSQL connection at the default READ COMMITTED."""
    yield from _pooled(postgres_url)


def _status(uow: object) -> TransactionStatus:
    return uow.connection.connection.dbapi_connection.info.transaction_status  # type: ignore[attr-defined,no-any-return]


def test_a_readonly_unit_at_read_committed_opens_no_server_transaction(committed: Store) -> None:
    with committed.session(readonly=True) as uow:
        assert len(uow.articles.list().items) == 1
        assert _status(uow) is TransactionStatus.IDLE  # no BEGIN was sent
    with committed.session() as uow:
        uow.articles.list()
        assert _status(uow) is TransactionStatus.INTRANS


def test_a_readonly_unit_at_read_committed_sees_what_committed_meanwhile(
    committed: Store, postgres_url: str
) -> None:
    other = Store(postgres_url)
    try:
        with committed.session(readonly=True) as uow:
            assert len(uow.articles.list().items) == 1
            with other.session() as writer:
                writer.articles.create(DRAFT.model_copy(update={"headline": "Second"}))
            # What a READ COMMITTED transaction's next statement would see too.
            assert len(uow.articles.list().items) == 2
    finally:
        other.engine.dispose()


def test_a_write_unit_on_the_connection_a_reader_used_is_one_transaction(
    committed: Store,
) -> None:
    with committed.session(readonly=True) as uow:
        uow.articles.list()
    with pytest.raises(RuntimeError), committed.session() as uow:
        uow.articles.create(DRAFT.model_copy(update={"headline": "Rolled back"}))
        raise RuntimeError("the block fails after the write")
    assert _count(committed.engine) == 1


def test_a_stricter_isolation_level_keeps_the_readers_snapshot(postgres_url: str) -> None:
    for store in _pooled(postgres_url, isolation_level="REPEATABLE READ"):
        other = Store(postgres_url)
        try:
            with store.session(readonly=True) as uow:
                assert len(uow.articles.list().items) == 1
                assert _status(uow) is TransactionStatus.INTRANS
                with other.session() as writer:
                    writer.articles.create(DRAFT.model_copy(update={"headline": "Unseen"}))
                assert len(uow.articles.list().items) == 1  # one snapshot for the unit
        finally:
            other.engine.dispose()
