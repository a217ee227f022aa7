"""The repositories inside a host application's own SQLAlchemy session and transaction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, ForeignKey, MetaData, String, Uuid, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from newscms.domain import ArticleDraft, ArticlePatch, RelationDraft, Status
from newscms.errors import ConflictError, DuplicateError, RelationError
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
