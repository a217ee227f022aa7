"""Engines check idle connections, not every checkout, and set MySQL's isolation once.

Real servers only: a pooled connection's server session is killed from another
connection, and what the next unit of work sees is what a web app would see after a
server restart or an idle-timeout drop.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import text

from newscms.domain import ArticleDraft
from newscms.errors import StoreError, ValidationError
from newscms.store import Store, create_engine

pytestmark = pytest.mark.backends

SERVERS = ("postgresql", "mariadb")
_WHO = {"postgresql": "SELECT pg_backend_pid()", "mariadb": "SELECT CONNECTION_ID()"}
_KILL = {"postgresql": "SELECT pg_terminate_backend({})", "mariadb": "KILL {}"}


@pytest.fixture(params=SERVERS)
def server_url(request: pytest.FixtureRequest, server_for) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A migrated database on each server, and the server's name."""
    url = server_for(request.param).create_database()
    engine = create_engine(url)
    Store(engine, check_schema=False).migrate()
    engine.dispose()
    return request.param, url


def _session_id(store: Store, backend: str) -> int:
    with store.session(readonly=True) as uow:
        return int(uow.connection.execute(text(_WHO[backend])).scalar_one())


def _kill(url: str, backend: str, session_id: int) -> None:
    """End a server session from another connection, as a restart or a firewall would."""
    killer = sqlalchemy.create_engine(url.replace("mariadb://", "mysql+pymysql://", 1))
    try:
        with killer.connect() as conn:
            conn.execute(text(_KILL[backend].format(int(session_id))))
            conn.commit()
    finally:
        killer.dispose()
    time.sleep(0.05)  # let the server close the socket


def test_an_idle_connection_the_server_dropped_is_replaced_unseen(server_url):
    backend, url = server_url
    engine = create_engine(url, ping_idle_after=0.2)
    try:
        store = Store(engine)
        first = _session_id(store, backend)
        _kill(url, backend, first)
        time.sleep(0.3)  # idle for longer than ping_idle_after: pinged, found dead
        with store.session() as uow:
            uow.articles.create(ArticleDraft(locale="en", headline="After the restart"))
        assert _session_id(store, backend) != first
    finally:
        engine.dispose()


def test_a_connection_reused_within_the_interval_is_not_pinged(server_url):
    # Nothing checks it, so the unit of work that meets the dead connection fails; the
    # pool then reconnects, and the next unit of work works.
    backend, url = server_url
    engine = create_engine(url, ping_idle_after=60)
    try:
        store = Store(engine)
        first = _session_id(store, backend)
        _kill(url, backend, first)
        with pytest.raises(StoreError):
            _session_id(store, backend)
        assert _session_id(store, backend) != first
    finally:
        engine.dispose()


def test_a_read_that_meets_a_dead_connection_leaves_it_out_of_the_pool(server_url):
    # A get runs its statements on the driver directly on PostgreSQL (store._direct): its
    # unit of work fails as any other would, and the pool hands out a new connection next.
    backend, url = server_url
    engine = create_engine(url, ping_idle_after=60)
    try:
        store = Store(engine)
        with store.session() as uow:
            created = uow.articles.create(ArticleDraft(locale="en", headline="Still there"))
        first = _session_id(store, backend)
        _kill(url, backend, first)
        with pytest.raises(StoreError), store.session(readonly=True) as uow:
            uow.articles.get_by_slug("en", created.slug)
        assert _session_id(store, backend) != first
        with store.session(readonly=True) as uow:
            assert uow.articles.get_by_slug("en", created.slug).id == created.id
    finally:
        engine.dispose()


def test_pinging_every_checkout_is_still_there_for_who_wants_it(server_url):
    backend, url = server_url
    engine = create_engine(url, ping_idle_after=0)
    try:
        store = Store(engine)
        first = _session_id(store, backend)
        _kill(url, backend, first)
        assert _session_id(store, backend) != first
    finally:
        engine.dispose()


@pytest.mark.parametrize("mine", [True, False], ids=["newscms-engine", "host-engine"])
def test_mysql_units_of_work_read_committed(server_for, mine):  # type: ignore[no-untyped-def]
    # newscms's engine sets READ COMMITTED when a connection connects; a host's own
    # engine keeps its own default, and the store sets it per transaction instead.
    url = server_for("mariadb").create_database()
    engine = (
        create_engine(url)
        if mine
        else sqlalchemy.create_engine(url.replace("mariadb://", "mysql+pymysql://", 1))
    )
    try:
        store = Store(engine, check_schema=False)
        store.migrate()
        for readonly in (True, False):
            with store.session(readonly=readonly) as uow:
                level = uow.connection.execute(text("SELECT @@tx_isolation")).scalar()
            assert level == "READ-COMMITTED"
        if not mine:
            with engine.connect() as conn:  # the host's own transactions are left alone
                level = conn.execute(text("SELECT @@tx_isolation")).scalar()
            assert level == "REPEATABLE-READ"
    finally:
        engine.dispose()


@pytest.mark.parametrize("value", [-1, "1", True, float("nan"), None])
def test_ping_interval_must_be_seconds(value):
    with pytest.raises(ValidationError) as caught:
        create_engine("postgresql://postgres@127.0.0.1/test", ping_idle_after=value)
    assert caught.value.field == "ping_idle_after"


def test_sqlite_begin_errors_come_out_translated(tmp_path: Path):
    # newscms sends BEGIN to the driver itself; a write lock refused on a read-only
    # database is still a StoreError, and reads of it still work.
    path = tmp_path / "news.db"
    Store(create_engine(f"sqlite:///{path}"), check_schema=False).migrate()
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        store = Store(engine)
        with store.session(readonly=True) as uow:
            assert uow.articles.list().items == ()
        with pytest.raises(StoreError), store.session() as uow:
            uow.articles.create(ArticleDraft(locale="en", headline="Nowhere to write"))
    finally:
        engine.dispose()
