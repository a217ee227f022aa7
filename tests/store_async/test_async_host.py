"""``AsyncStore.using``: newscms inside a host's own ``AsyncSession`` transaction."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from test_async_store import arun

from newscms import ArticleDraft
from newscms.errors import DuplicateError, ValidationError
from newscms.store.asyncio import AsyncStore

pytestmark = pytest.mark.backends


class Base(DeclarativeBase):
    pass


class Reader(Base):
    __tablename__ = "host_async_readers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)


@pytest.fixture
def host(engine):
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


def counts(engine: Any, astore: AsyncStore) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(Reader)) or 0,
            conn.scalar(select(func.count()).select_from(astore.tables.articles)) or 0,
        )


def test_host_commit_and_rollback_cover_both_and_events_follow_the_commit(host, clock):
    async def test(astore: AsyncStore) -> list[str]:
        seen: list[str] = []

        async def handler(event: Any) -> None:
            seen.append(event.kind.value)

        astore.subscribe(handler)
        async with AsyncSession(astore.engine) as session:
            uow = await astore.using(session, write=True, actor="host")
            await session.scalar(select(func.count()).select_from(Reader))
            await uow.articles.create(ArticleDraft(locale="en", headline="Kept"))
            session.add(Reader(id=1, email="a@example.org"))
            assert seen == []
            await session.commit()
        assert seen == ["created"]
        async with AsyncSession(astore.engine) as session:
            uow = await astore.using(session)
            await uow.articles.create(ArticleDraft(locale="en", headline="Lost"))
            session.add(Reader(id=2, email="b@example.org"))
            await session.flush()
            await session.rollback()
        assert counts(host, astore) == (1, 1)
        return seen

    assert arun(host, clock, test) == ["created"]


def test_the_async_with_form_translates_the_hosts_errors(host, clock):
    async def test(astore: AsyncStore) -> None:
        async with AsyncSession(astore.engine) as session:
            with pytest.raises(DuplicateError):
                async with astore.using(session, write=True) as uow:
                    await uow.articles.create(ArticleDraft(locale="en", headline="Lost"))
                    session.add_all([Reader(id=1, email="x@x.org"), Reader(id=2, email="x@x.org")])
                    await session.flush()
            await session.rollback()
        async with AsyncSession(astore.engine) as session:
            await session.scalar(select(1))
            with pytest.raises(ValidationError, match="first statement"):
                await astore.using(session, write=True)
        with pytest.raises(ValidationError):
            await astore.using("not a session")  # type: ignore[arg-type]
        assert counts(host, astore) == (0, 0)

    arun(host, clock, test)


def test_concurrent_host_requests_with_write_true(host, clock, backend):
    async def test(astore: AsyncStore) -> None:
        async def request(index: int) -> None:
            session = AsyncSession(astore.engine)
            async with session, astore.using(session, write=True) as uow:
                await session.scalar(select(func.count()).select_from(Reader))
                await uow.articles.create(ArticleDraft(locale="en", headline=f"Story {index}"))
                session.add(Reader(id=index, email=f"{index}@x.org"))
                await session.commit()

        # Ids from 1: MariaDB's AUTO_INCREMENT takes an explicit 0 as "the next id".
        results = await asyncio.gather(*(request(i) for i in range(1, 9)), return_exceptions=True)
        assert [r for r in results if r is not None] == []
        assert counts(host, astore) == (8, 8)

    arun(host, clock, test)
