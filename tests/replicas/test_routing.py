"""Replica routing on a real streaming replica: reads, read-your-writes, lag, failover."""

from __future__ import annotations

import contextvars
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from newscms import ArticleDraft
from newscms.errors import NotFoundError, UnavailableError, ValidationError
from newscms.store import Store, create_engine
from newscms.store.replicas import ReplicaPolicy

pytestmark = pytest.mark.xdist_group("replica")

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def draft(label: str, **fields: object) -> ArticleDraft:
    """A published article with a headline no other test uses."""
    values: dict[str, object] = {
        "locale": "en",
        "headline": f"{label} {uuid.uuid4().hex[:12]}",
        "status": "published",
        "published_at": T0,
        "body": "<p>Seoul is worried.</p>",
        **fields,
    }
    return ArticleDraft(**values)  # type: ignore[arg-type]


def elsewhere(work, *args):  # type: ignore[no-untyped-def]
    """Run ``work`` in a fresh context: another thread or task, with no token of its own."""
    return contextvars.Context().run(work, *args)


def test_reads_run_on_the_replica_and_writes_on_the_primary(cluster):
    store = cluster.store()
    with store.session() as uow:
        assert uow.connection.engine is cluster.primary
        created = uow.articles.create(draft("Routing"))
    token = store.consistency_token
    assert token is not None and "/" in token
    with store.session(readonly=True, after=token) as uow:  # the replica, once replayed
        assert uow.connection.engine is cluster.standby
        assert uow.articles.get_by_slug("en", created.slug, public=True).id == created.id
    assert elsewhere(lambda: store.consistency_token) is None  # per thread / task
    with store.session(readonly=False) as uow:  # a read-write unit is the primary's
        assert uow.connection.engine is cluster.primary


def test_read_paths_return_on_the_replica_what_the_primary_returns(cluster):
    store = cluster.store()
    primary_only = Store(cluster.primary)
    label = uuid.uuid4().hex[:8]
    with store.session() as uow:
        first = uow.articles.create(draft("Korea", tags=[f"Korea {label}", "Nuclear"]))
        for hours in range(1, 4):
            uow.articles.create(
                draft("Tagged", tags=[f"Korea {label}"], published_at=T0 - timedelta(hours=hours))
            )
    tag = next(t for t in first.tags if t.name.startswith("Korea"))
    # Reads without a token may run on a replica that has not replayed the writes yet.
    token = store.consistency_token

    def reads(on: Store) -> tuple[object, ...]:
        with on.session(readonly=True, after=token) as uow:
            page = uow.articles.list(public=True, tag=tag.id, limit=2)
            rest = uow.articles.list(public=True, tag=tag.id, limit=2, cursor=page.next_cursor)
            return (
                uow.connection.engine,
                uow.articles.get_by_slug("en", first.slug, public=True),
                uow.articles.get(first.id),
                [a.id for a in page.items] + [a.id for a in rest.items],
                uow.tags.get_by_slug(tag.slug, locale="en"),
            )

    on_replica, on_primary = reads(store), reads(primary_only)
    assert on_replica[0] is cluster.standby
    assert on_primary[0] is cluster.primary
    assert on_replica[1:] == on_primary[1:]
    assert len(on_replica[3]) == 4


def test_read_your_writes_while_the_replica_does_not_replay(cluster):
    store = cluster.store()
    cluster.replica.pause()
    with store.session() as uow:
        created = uow.articles.create(draft("Paused"))
    token = store.consistency_token
    assert token is not None

    def read(after: str | None) -> tuple[object, float]:
        started = time.monotonic()
        with store.session(readonly=True, after=after) as uow:
            try:
                found: object = uow.articles.get_by_slug("en", created.slug).id
            except NotFoundError:
                found = None
            return (uow.connection.engine, found), time.monotonic() - started

    # A reader without the token reads the replica, which has not applied the write.
    (engine, found), _ = elsewhere(read, None)
    assert engine is cluster.standby and found is None
    # With the token it waits up to the policy's bound, then reads the primary: it sees it.
    (engine, found), took = elsewhere(read, token)
    assert engine is cluster.primary and found == created.id
    assert took >= store.replica_policy.wait * 0.9
    # Once replay goes on, the token is met on the replica again.
    cluster.replica.resume()
    cluster.replica.catch_up()
    (engine, found), took = elsewhere(read, token)
    assert engine is cluster.standby and found == created.id


def test_a_replica_lagging_past_the_bound_is_skipped(cluster):
    store = cluster.store(ReplicaPolicy(max_lag=0.5, wait=0.1, retry_after=1.0, check_every=0.1))
    with store.session() as uow:
        uow.articles.create(draft("Before"))
    cluster.replica.catch_up()
    cluster.replica.pause()
    time.sleep(0.6)
    with store.session() as uow:  # the replica receives this and does not apply it
        uow.articles.create(draft("During"))
    time.sleep(0.3)

    def where() -> object:
        with store.session(readonly=True) as uow:
            return uow.connection.engine

    # The last transaction the replica applied is older than max_lag: reads skip it.
    assert elsewhere(where) is cluster.primary
    cluster.replica.resume()
    cluster.replica.catch_up()
    time.sleep(0.15)  # the next measurement, after check_every, finds it caught up
    assert elsewhere(where) is cluster.standby


def test_reads_fail_over_to_the_primary_when_the_replica_stops(cluster):
    store = cluster.store()
    with store.session() as uow:
        created = uow.articles.create(draft("Failover"))
    cluster.replica.catch_up()
    served: list[tuple[float, object]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                with store.session(readonly=True) as uow:
                    uow.articles.get_by_slug("en", created.slug, public=True)
                    served.append((time.monotonic(), uow.connection.engine))
            except Exception as error:  # a read cut mid-flight by the shutdown
                errors.append(error)
            time.sleep(0.005)

    thread = threading.Thread(target=elsewhere, args=(reader,))
    thread.start()
    try:
        time.sleep(0.3)
        stopping_at = time.monotonic()
        cluster.replica.stop("fast")  # returns once the server is down: slower under load
        stopped_at = time.monotonic()
        time.sleep(0.5)
        cluster.replica.start()
        restarted_at = time.monotonic()
        time.sleep(store.replica_policy.retry_after + 0.5)
    finally:
        stop.set()
        thread.join()
    before = [engine for at, engine in served if at < stopping_at]
    during = [engine for at, engine in served if stopped_at + 0.2 < at < restarted_at]
    after = [
        engine for at, engine in served if at > restarted_at + store.replica_policy.retry_after
    ]
    assert before and all(engine is cluster.standby for engine in before)
    assert during and all(engine is cluster.primary for engine in during)
    assert after and after[-1] is cluster.standby, (
        store._replicas._replicas,
        time.monotonic(),
        len(after),
    )
    # Only reads already running on the replica when it went away may fail.
    assert len(errors) <= 2, errors


def test_with_the_primary_down_writes_fail_and_reads_go_on(cluster):
    with Store(cluster.primary).session() as uow:
        created = uow.articles.create(draft("Down"))
    cluster.replica.catch_up()
    url = cluster.primary.url.set(port=1)  # nothing listens there: the primary is "down"
    store = Store(create_engine(url), replicas=[cluster.standby])
    with pytest.raises(UnavailableError, match="cannot be reached"), store.session() as uow:
        uow.articles.create(draft("Refused"))
    with store.session(readonly=True) as uow:
        assert uow.articles.get_by_slug("en", created.slug, public=True).id == created.id
    # A read whose token no replica has replayed needs the primary: it fails, typed.
    future = "FFFFFFFF/0"
    with pytest.raises(UnavailableError), store.session(readonly=True, after=future):
        pass


def test_a_malformed_token_is_refused(cluster):
    store = cluster.store()
    with (
        pytest.raises(ValidationError, match="consistency token"),
        store.session(readonly=True, after="yesterday"),
    ):
        pass


def test_through_pgbouncer_with_a_replica(cluster, pgbouncer):
    """Writes through PgBouncer in transaction mode, reads on the replica, tokens between."""
    primary = create_engine(pgbouncer.url(cluster.primary.url.render_as_string(False)))
    store = Store(primary, replicas=[cluster.standby])
    statements: list[str] = []
    event.listen(primary, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for _ in range(8):  # more than psycopg's prepare_threshold (5): nothing is prepared
        with store.session() as uow:
            created = uow.articles.create(draft("Bounced"))
        with store.session(readonly=True, after=store.consistency_token) as uow:
            assert uow.articles.get_by_slug("en", created.slug).id == created.id
    assert not any("PREPARE" in statement.upper() for statement in statements)
    primary.dispose()


def test_the_async_face_routes_the_same_way(cluster):
    """``AsyncStore(replicas=...)``: reads on the replica, a token waited for without blocking."""
    import asyncio

    from newscms.store.asyncio import AsyncStore

    primary_url = cluster.primary.url.render_as_string(hide_password=False)
    replica_url = cluster.standby.url.render_as_string(hide_password=False)

    async def scenario() -> tuple[object, ...]:
        astore = AsyncStore(primary_url, replicas=[replica_url], replica_policy=cluster.policy)
        try:
            cluster.replica.pause()
            async with astore.session() as uow:
                created = await uow.articles.create(draft("Async"))
            token = astore.consistency_token
            ticks = 0

            async def tick() -> None:  # runs only if the wait yields to the event loop
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.01)
                    ticks += 1

            ticker = asyncio.create_task(tick())
            async with astore.session(readonly=True, after=token) as uow:
                found = (await uow.articles.get(created.id)).id
                where = uow.sync.connection.engine.url.port
            ticker.cancel()
            return token, found == created.id, where, ticks
        finally:
            cluster.replica.resume()
            await astore.dispose()

    token, found, port, ticks = asyncio.run(scenario())
    assert token is not None and found
    assert port == cluster.primary.url.port  # the paused replica never replayed it
    assert ticks >= 5  # the event loop ran while the read waited for a replica
