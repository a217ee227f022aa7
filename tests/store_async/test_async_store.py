"""What only the async face has: many coroutines at once, cancellation, awaited handlers.

Each test runs its own event loop (``asyncio.run``) with an ``AsyncStore`` on the test
database of each backend; the sync suite's behaviour through the async face is in the
``test_face_*`` modules.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from _faces import async_url
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.ext.asyncio import create_async_engine as sa_create_async_engine
from sqlalchemy.util import await_only

from newscms import ArticleDraft, Store
from newscms.domain import ArticlePatch
from newscms.errors import (
    DuplicateError,
    NotFoundError,
    RetryableError,
    ValidationError,
)
from newscms.store import AsyncStore as ExportedAsyncStore
from newscms.store import UnitOfWork
from newscms.store._async import repositories as async_repositories
from newscms.store.asyncio import AsyncStore, AsyncUnitOfWork

pytestmark = pytest.mark.backends

T = TypeVar("T")


def arun(engine: Engine, clock: Any, test: Callable[[AsyncStore], Awaitable[T]]) -> T:
    """Run ``test(astore)`` in a fresh event loop, the store disposed at the end."""

    async def main() -> T:
        astore = AsyncStore(async_url(engine), clock=clock)
        try:
            return await test(astore)
        finally:
            await astore.dispose()

    return asyncio.run(main())


def draft(headline: str = "Seoul talks", **fields: Any) -> ArticleDraft:
    return ArticleDraft(locale="en", headline=headline, **fields)


def article_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Store(engine).tables.articles)) or 0


def checked_out(astore: AsyncStore) -> int:
    return astore.engine.sync_engine.pool.checkedout()  # type: ignore[attr-defined,no-any-return]


# -- construction ------------------------------------------------------------------------


def test_plain_urls_get_the_async_drivers(tmp_path):
    for url, driver in [
        (f"sqlite:///{tmp_path}/a.db", "aiosqlite"),
        ("postgresql://news@db/news", "psycopg"),
        ("mysql://news@db/news", "aiomysql"),
        ("mariadb+pymysql://news@db/news", "aiomysql"),
    ]:
        astore = AsyncStore(url)
        assert astore.engine.dialect.driver == driver
        assert astore.engine.dialect.is_async
    assert ExportedAsyncStore is AsyncStore


def test_what_is_not_an_async_engine_or_url_is_refused(tmp_path):
    sync = create_engine(f"sqlite:///{tmp_path}/b.db")
    with pytest.raises(ValidationError, match=r"use newscms\.Store") as refused:
        AsyncStore(sync)  # type: ignore[arg-type]
    assert refused.value.field == "bind"
    with pytest.raises(ValidationError, match="not a database URL"):
        AsyncStore("::nonsense::")
    with pytest.raises(ValidationError, match="AsyncStore"):
        Store(sa_create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/c.db"))  # type: ignore[arg-type]


def test_an_async_engine_of_the_host_is_prepared_and_used(engine, clock):
    async def test(_: AsyncStore) -> list[Any]:
        driver = {"sqlite": "aiosqlite", "postgresql": "psycopg"}.get(
            engine.dialect.name, "aiomysql"
        )
        url = engine.url.set(drivername=f"{engine.dialect.name}+{driver}")
        host_engine = sa_create_async_engine(url)  # the host's own, unprepared
        astore = AsyncStore(host_engine, clock=clock)
        assert astore.engine is host_engine
        async with astore.session() as uow:
            await uow.articles.create(draft())
        async with astore.session(readonly=True) as uow:
            found = (await uow.articles.list()).items
        await astore.dispose()
        return list(found)

    assert [a.slug for a in arun(engine, clock, test)] == ["seoul-talks"]


# -- the typed proxies -------------------------------------------------------------------

# Public methods of the sync repositories the write path calls on each other; the async
# face leaves them to ``run_sync``.
WRITE_PATH_HELPERS = {
    "articles": {"load_where", "apply"},
    "relations": {
        "insert_new",
        "insert",
        "resolve_pending",
        "resolve_pending_many",
        "unresolve_incoming",
        "count_incoming",
    },
    "search": {"index", "remove"},
}


@pytest.mark.parametrize(
    "name",
    ["articles", "tags", "relations", "workflow", "revisions", "search", "related", "legacy_urls"],
)
def test_every_public_repository_method_has_its_coroutine_twin(name):
    proxy_class = {
        "articles": async_repositories.AsyncArticleRepository,
        "tags": async_repositories.AsyncTagRepository,
        "relations": async_repositories.AsyncRelationRepository,
        "workflow": async_repositories.AsyncWorkflowRepository,
        "revisions": async_repositories.AsyncRevisionRepository,
        "search": async_repositories.AsyncSearchRepository,
        "related": async_repositories.AsyncRelatedRepository,
        "legacy_urls": async_repositories.AsyncLegacyUrlRepository,
    }[name]
    sync_class = proxy_class.__orig_bases__[0].__args__[0]  # type: ignore[attr-defined]
    public = {
        attr
        for attr, value in vars(sync_class).items()
        if not attr.startswith("_") and inspect.isfunction(value)
    }
    bridged = {attr for attr in vars(proxy_class) if not attr.startswith("_")}
    assert bridged == public - WRITE_PATH_HELPERS.get(name, set())
    for attr in bridged:
        assert inspect.signature(getattr(proxy_class, attr).__wrapped__) == inspect.signature(
            getattr(sync_class, attr)
        )


# -- many coroutines at once -------------------------------------------------------------


def test_many_coroutines_write_and_read_at_once(engine, clock):
    async def test(astore: AsyncStore) -> tuple[list[str], list[int]]:
        async def write(index: int) -> str:
            def work(uow: UnitOfWork) -> str:
                tags = ["Korea", f"Topic {index % 3}"]
                return uow.articles.create(draft(tags=tags)).slug

            return await astore.run(work, retries=10)

        async def read() -> int:
            async with astore.session(readonly=True) as uow:
                return len((await uow.articles.list(limit=50)).items)

        slugs = await asyncio.gather(*(write(i) for i in range(12)))
        counts = await asyncio.gather(*(read() for _ in range(6)))
        assert checked_out(astore) == 0
        return list(slugs), list(counts)

    slugs, counts = arun(engine, clock, test)
    assert sorted(slugs) == sorted(["seoul-talks"] + [f"seoul-talks-{n}" for n in range(2, 13)])
    assert counts == [12] * 6


def test_gather_over_one_unit_of_work_queues_its_calls(engine, clock):
    async def test(astore: AsyncStore) -> list[str]:
        async with astore.session() as uow:
            created = await asyncio.gather(
                *(uow.articles.create(draft(f"Story {i}")) for i in range(5))
            )
            read = await asyncio.gather(*(uow.articles.get(a.id) for a in created))
        return [a.slug for a in read]

    assert arun(engine, clock, test) == [f"story-{i}" for i in range(5)]


# -- cancellation ------------------------------------------------------------------------


def test_a_task_cancelled_inside_a_unit_rolls_back_and_returns_its_connection(engine, clock):
    async def test(astore: AsyncStore) -> int:
        wrote = asyncio.Event()

        async def editor() -> None:
            async with astore.session() as uow:
                await uow.articles.create(draft("Never committed"))
                wrote.set()
                await asyncio.sleep(60)

        task = asyncio.create_task(editor())
        await wrote.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert checked_out(astore) == 0
        async with astore.session() as uow:  # the store, and SQLite's write lock, are free
            await uow.articles.create(draft("Committed"))
        return checked_out(astore)

    assert arun(engine, clock, test) == 0
    assert article_count(engine) == 1


@pytest.mark.parametrize(
    "backend_sleep", [{"postgresql": "SELECT pg_sleep(30)", "mariadb": "SELECT SLEEP(30)"}]
)
def test_a_task_cancelled_during_a_query_rolls_back_too(engine, clock, backend, backend_sleep):
    if backend == "sqlite":
        pytest.skip("SQLite has no sleeping statement; the cancellation between calls is tested")

    async def test(astore: AsyncStore) -> None:
        wrote = asyncio.Event()

        async def editor() -> None:
            async with astore.session() as uow:
                await uow.articles.create(draft("Never committed"))
                wrote.set()
                await uow.run_sync(lambda u: u.connection.execute(text(backend_sleep[backend])))

        task = asyncio.create_task(editor())
        await wrote.wait()
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        assert checked_out(astore) == 0
        async with astore.session(readonly=True) as uow:
            assert (await uow.articles.list()).items == ()

    arun(engine, clock, test)
    assert article_count(engine) == 0


# -- event handlers ----------------------------------------------------------------------


def test_handlers_run_after_commit_only_and_async_ones_are_awaited(engine, clock, caplog):
    seen: list[tuple[str, str]] = []

    async def test(astore: AsyncStore) -> int:
        def sync_handler(event: Any) -> None:
            seen.append(("sync", event.kind.value))

        async def async_handler(event: Any) -> None:
            await asyncio.sleep(0)
            seen.append(("async", event.kind.value))

        async def broken(event: Any) -> None:
            raise RuntimeError("handler bug")

        astore.subscribe(sync_handler)
        astore.subscribe(broken, kinds=["created"])
        astore.subscribe(async_handler)
        async with astore.session() as uow:
            await uow.articles.create(draft())
            assert seen == []  # not before the commit
        assert seen == [("sync", "created"), ("async", "created")]  # awaited when the block ends
        with pytest.raises(RuntimeError, match="rolled back"):
            async with astore.session() as uow:
                await uow.articles.create(draft("Rolled back"))
                raise RuntimeError("rolled back")
        assert len(seen) == 2  # nothing after a rollback
        with pytest.raises(ValidationError):
            astore.subscribe("not callable")  # type: ignore[arg-type]
        return astore.event_bus.failures

    with caplog.at_level(logging.ERROR, logger="newscms.events"):
        assert arun(engine, clock, test) == 1
    assert "handler bug" in caplog.text


def test_the_outbox_drains_to_an_async_deliverer(engine, clock):
    async def test(astore: AsyncStore) -> list[str]:
        delivered: list[str] = []

        async def deliver(event: Any) -> None:
            await asyncio.sleep(0)
            delivered.append(event.kind.value)

        async with astore.session() as uow:
            article = await uow.articles.create(draft())
            await uow.articles.update(
                article.id,
                ArticlePatch(expected_version=article.version, headline="Seoul talks resume"),
            )
        result = await astore.drain_events(deliver)
        assert (result.delivered, result.remaining) == (len(delivered), 0)
        return delivered

    assert arun(engine, clock, test)[:2] == ["created", "updated"]


# -- failing whole and retrying ------------------------------------------------------------


def test_run_retries_a_retryable_error_and_waits_on_the_loop(engine, clock):
    async def test(astore: AsyncStore) -> tuple[str, int, int]:
        attempts = 0
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        def work(uow: UnitOfWork) -> str:
            nonlocal attempts
            attempts += 1
            article = uow.articles.create(draft())
            if attempts < 3:
                raise RetryableError("a concurrent transaction won", cause="test")
            return article.slug

        def always_loses(uow: UnitOfWork) -> None:
            raise RetryableError("a concurrent transaction won", cause="test")

        running = asyncio.create_task(ticker())
        slug = await astore.run(work, retries=3)
        running.cancel()
        with pytest.raises(RetryableError):
            await astore.run(always_loses, retries=1)
        with pytest.raises(ValidationError):
            await astore.run(work, retries=-1)
        return slug, attempts, ticks

    slug, attempts, ticks = arun(engine, clock, test)
    assert (slug, attempts) == ("seoul-talks", 3)  # the two failed attempts left nothing
    assert ticks > 0  # the loop ran while run() waited between attempts
    assert article_count(engine) == 1


def test_a_real_deadlock_between_two_coroutines_is_retried_whole(engine, clock, backend):
    if backend == "sqlite":
        pytest.skip("SQLite has a single writer: each write transaction waits for the last")

    async def test(astore: AsyncStore) -> list[int]:
        async with astore.session() as uow:
            ids = [(await uow.articles.create(draft(f"Story {i}"))).id for i in range(2)]
        both_hold_one = asyncio.Barrier(2)
        attempts = [0, 0]

        async def editor(index: int) -> int:
            mine, theirs = ids if index == 0 else ids[::-1]
            at = clock.now + timedelta(hours=index + 1)

            def work(uow: UnitOfWork) -> int:
                attempts[index] += 1
                uow.workflow.schedule(mine, at)  # no expected version: saves queue on the row
                if attempts[index] == 1:  # sync code awaiting, through the bridge
                    await_only(asyncio.wait_for(both_hold_one.wait(), 20))
                uow.workflow.schedule(theirs, at)
                return attempts[index]

            return await astore.run(work, retries=5)

        return list(await asyncio.gather(editor(0), editor(1)))

    results = arun(engine, clock, test)
    assert sorted(results)[0] == 1 and sorted(results)[1] >= 2  # one lost, ran again, won


def test_refusals_and_missing_things_are_the_sync_errors(engine, clock):
    async def test(astore: AsyncStore) -> None:
        async with astore.session() as uow:
            await uow.articles.create(draft(slug="kept"))
            with pytest.raises(DuplicateError):
                await uow.articles.create(draft("Other", slug="kept"))
            with pytest.raises(NotFoundError):
                await uow.articles.get_by_slug("en", "missing")
            with pytest.raises(ValidationError):
                await uow.articles.list(limit=0)
            assert (await uow.articles.get_by_slug("en", "kept")).slug == "kept"
        with pytest.raises(ValidationError):
            async with astore.session(actor=42):  # type: ignore[arg-type]
                pass
        assert (await astore.schema_status()).up_to_date
        assert await astore.publish_due() == ()

    arun(engine, clock, test)
    assert article_count(engine) == 1


def test_run_sync_runs_sync_code_in_the_unit(engine, clock):
    async def test(astore: AsyncStore) -> str:
        async with astore.session() as uow:
            assert isinstance(uow, AsyncUnitOfWork)
            created = await uow.run_sync(lambda u, d: u.articles.create(d), draft())
            return await uow.run_sync(lambda u: u.articles.get(created.id).slug)

    assert arun(engine, clock, test) == "seoul-talks"
