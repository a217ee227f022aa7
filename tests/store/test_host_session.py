"""The repositories inside a host application's own SQLAlchemy session and transaction."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, ForeignKey, MetaData, String, Uuid, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from newscms.domain import ArticleDraft, ArticlePatch, RelationDraft, Status
from newscms.errors import (
    ConflictError,
    DuplicateError,
    RelationError,
    RetryableError,
    ValidationError,
)
from newscms.store import Store

pytestmark = pytest.mark.backends


class HostBase(DeclarativeBase):
    """The host application's own declarative base, with its own MetaData."""

    metadata = MetaData()


class Subscription(HostBase):
    """A host table that refers to a newscms article by id (no foreign key across apps)."""

    __tablename__ = "host_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    article_id: Mapped[object | None] = mapped_column(Uuid(), nullable=True)


class Note(HostBase):
    """A second host table, with a foreign key inside the host's own schema."""

    __tablename__ = "host_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("host_subscriptions.id"))
    text: Mapped[str] = mapped_column(String(200))


@pytest.fixture
def host(engine: Engine) -> Iterator[Engine]:
    """The host's tables, created beside newscms's for one test and dropped after."""
    HostBase.metadata.drop_all(engine)
    HostBase.metadata.create_all(engine)
    yield engine
    HostBase.metadata.drop_all(engine)


def draft(headline: str = "Pope meets journalists", **fields: object) -> ArticleDraft:
    return ArticleDraft(locale="en", headline=headline, **fields)  # type: ignore[arg-type]


def counts(store: Store) -> tuple[int, int]:
    """(host subscriptions, newscms articles) as another connection sees them."""
    with store.engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(Subscription)) or 0,
            conn.scalar(select(func.count()).select_from(store.tables.articles)) or 0,
        )


def test_commit_keeps_host_rows_and_articles_together(store, host):
    with Session(host) as session:
        session.add(Subscription(id=1, email="reader@example.org"))
        session.flush()
        uow = store.using(session)
        article = uow.articles.create(draft(tags=["Vatican"], status=Status.PUBLISHED))
        session.get(Subscription, 1).article_id = article.id  # type: ignore[union-attr]
        assert uow.articles.get(article.id).id == article.id  # visible inside the transaction
        assert counts(store) == (0, 0)  # and nowhere else before the commit
        session.commit()
    assert counts(store) == (1, 1)
    with store.session() as uow:
        assert uow.articles.get(article.id).tags[0].name == "Vatican"
    with Session(host) as session:
        assert session.get(Subscription, 1).article_id == article.id  # type: ignore[union-attr]


def test_rollback_removes_host_rows_and_articles_together(store, host, snapshot):
    before = snapshot()
    with Session(host) as session:
        session.add(Subscription(id=1, email="reader@example.org"))
        uow = store.using(session)
        target = uow.articles.create(draft("Target"))
        uow.articles.create(draft(tags=["Vatican"], relations=[RelationDraft(target_id=target.id)]))
        uow.tags.get_or_create("Korea", locale="en", kind="region")
        session.rollback()
    assert counts(store) == (0, 0)
    assert snapshot() == before


def test_closing_the_session_without_commit_writes_nothing(store, host, snapshot):
    before = snapshot()
    with Session(host) as session:
        session.add(Subscription(id=1, email="reader@example.org"))
        store.using(session).articles.create(draft())
    assert counts(store) == (0, 0)
    assert snapshot() == before


def test_a_refused_write_keeps_the_host_transaction_usable(store, host):
    with Session(host) as session:
        session.add(Subscription(id=1, email="first@example.org"))
        session.flush()
        uow = store.using(session)
        kept = uow.articles.create(draft(slug="pope"))
        # Each refusal below rolls back only its own savepoint. On PostgreSQL a failed
        # statement outside a savepoint would abort the whole host transaction.
        with pytest.raises(DuplicateError):
            uow.articles.create(draft("Another", slug="pope", tags=["Lost tag"]))
        with pytest.raises(ConflictError):
            uow.articles.update(kept.id, ArticlePatch(expected_version=7, headline="Lost"))
        with pytest.raises(RelationError):
            uow.relations.add(kept.id, RelationDraft(target_id=kept.id))
        korea = uow.tags.get_or_create("Korea", locale="en")
        uow.tags.get_or_create("Pope", locale="en")
        with pytest.raises(DuplicateError):
            uow.tags.set_name(korea.id, "Pope", locale="en")
        session.add(Note(id=1, subscription_id=1, text="still working"))
        session.add(Subscription(id=2, email="second@example.org"))
        session.flush()
        later = store.using(session).articles.create(draft("Later"))
        session.commit()
    assert counts(store) == (2, 2)
    with store.session() as uow:
        assert uow.articles.get(kept.id).headline == "Pope meets journalists"
        assert uow.articles.get(later.id).slug == "later"
        assert {t.names["en"].name for t in uow.tags.list()} == {"Korea", "Pope"}
    with Session(host) as session:
        assert session.get(Note, 1).text == "still working"  # type: ignore[union-attr]


def test_a_host_failure_rolls_back_newscms_writes_too(store, host, snapshot):
    before = snapshot()
    with Session(host) as session:
        session.add(Subscription(id=1, email="same@example.org"))
        session.flush()
        store.using(session).articles.create(draft())
        session.add(Subscription(id=2, email="same@example.org"))
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            session.flush()  # the host's own error, for the host to handle
        session.rollback()
    assert counts(store) == (0, 0)
    assert snapshot() == before


def test_using_a_plain_connection(store, host):
    with host.connect() as conn:
        with conn.begin():
            conn.execute(Subscription.__table__.insert().values(id=1, email="a@example.org"))
            store.using(conn).articles.create(draft())
        assert counts(store) == (1, 1)
        transaction = conn.begin()
        conn.execute(Subscription.__table__.insert().values(id=2, email="b@example.org"))
        store.using(conn).articles.create(draft())
        transaction.rollback()
    assert counts(store) == (1, 1)


# -- store.using(session, write=True) and the translated block -------------------------------

REQUESTS = 16


def _concurrent_requests(store: Store, host: Engine, *, write: bool) -> list[object]:
    """REQUESTS threads, each a host request: read, newscms write, host insert, commit.

    Each runs its request again after a ``RetryableError`` (as ``store.run`` would);
    the result per thread is how many attempts it lost, the ten ``RetryableError`` it
    lost with, or the exception it ended with (and what it had lost to before).
    """
    start = threading.Barrier(REQUESTS, timeout=60)
    lost_to: list[list[RetryableError]] = [[] for _ in range(REQUESTS)]

    def request(index: int) -> object:
        start.wait()
        for lost in range(10):
            try:
                with Session(host) as session, store.using(session, write=write) as uow:
                    session.scalar(select(func.count()).select_from(Subscription))  # host read
                    story = uow.articles.create(draft(f"Story {index}", tags=["Shared"]))
                    # Ids from 1: MariaDB's AUTO_INCREMENT takes an explicit 0 as "the next id".
                    reader = Subscription(id=index + 1, email=f"{index}@x.org", article_id=story.id)
                    session.add(reader)
                    session.commit()
                return lost
            except RetryableError as error:
                lost_to[index].append(error)
                time.sleep(random.uniform(0, 0.01 * 2**lost))  # as store.run backs off
            except BaseException as error:
                return (error, lost_to[index])
        return lost_to[index]

    with ThreadPoolExecutor(REQUESTS) as pool:
        return list(pool.map(request, range(REQUESTS)))


def test_write_true_read_then_write_requests_all_succeed(store, host, backend):
    results = _concurrent_requests(store, host, write=True)
    assert [r for r in results if not isinstance(r, int)] == []
    if backend == "sqlite":
        assert results == [0] * REQUESTS  # the write lock taken up front: no request lost
    assert counts(store) == (REQUESTS, REQUESTS)


def test_without_write_lost_requests_get_newscms_errors_never_raw_ones(store, host):
    # The reported failure: a deferred SQLite transaction that has read cannot take the
    # write lock once another request wrote, in newscms's write or in the host's flush.
    results = _concurrent_requests(store, host, write=False)
    assert [r for r in results if not isinstance(r, int | list)] == []  # lost, never raw
    committed = sum(isinstance(r, int) for r in results)
    assert counts(store) == (committed, committed)  # each request whole or not at all


def test_write_true_after_the_first_statement_is_refused(store, host, snapshot):
    before = snapshot()
    with Session(host) as session:
        session.scalar(select(func.count()).select_from(Subscription))
        with pytest.raises(ValidationError, match="before the transaction's first statement") as e:
            store.using(session, write=True)
        assert e.value.field == "write"
    with host.connect() as conn:
        conn.execute(select(1))
        with pytest.raises(ValidationError):
            store.using(conn, write=True)
    with pytest.raises(ValidationError):
        store.using(Session(host), write="yes")  # type: ignore[arg-type]
    assert snapshot() == before


def test_write_true_inside_a_begun_but_unused_session(store, host):
    with Session(host) as session, session.begin():
        uow = store.using(session, write=True)  # session.begin() alone holds no connection
        session.add(Subscription(id=1, email="a@example.org"))
        uow.articles.create(draft())
    with host.connect() as conn:
        with store.using(conn, write=True) as uow:
            uow.articles.create(draft("On a connection"))
        conn.commit()
    assert counts(store) == (1, 2)


def test_the_with_form_translates_the_hosts_own_errors(store, host, snapshot):
    before = snapshot()
    with Session(host) as session:
        refused = pytest.raises(DuplicateError, match=r"(?i)unique|duplicate")
        with refused, store.using(session) as uow:
            uow.articles.create(draft())
            session.add(Subscription(id=1, email="same@example.org"))
            session.add(Subscription(id=2, email="same@example.org"))
            session.flush()  # the host's IntegrityError leaves the block as newscms's
        session.rollback()
    assert snapshot() == before


def test_the_with_form_refuses_to_end_cleanly_after_a_caught_conflict(store, host, snapshot):
    before = snapshot()
    with Session(host) as session:
        with pytest.raises(RetryableError), store.using(session) as uow:
            uow.articles.create(draft())
            uow.fail(RuntimeError("deadlock detected"))  # what a lost race leaves behind
        with pytest.raises(RetryableError):
            session.commit()
        session.rollback()
    assert snapshot() == before
