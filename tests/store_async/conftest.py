"""Fixtures of the async-face tests: an ``AsyncStore`` on each backend's test database.

``store`` overrides the sync one of tests/conftest.py with ``SyncOverAsync``, so the
store tests copied here (``_faces.rerun``) run through the async face unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _faces import LoopThread, SyncOverAsync, async_url, load
from sqlalchemy import Engine, event

from newscms.store.asyncio import AsyncStore


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[LoopThread]:
    """One event loop in a thread of its own for the whole session."""
    thread = LoopThread()
    yield thread
    thread.close()


@pytest.fixture
def store(engine: Engine, clock, loop_thread: LoopThread) -> Iterator[SyncOverAsync]:  # type: ignore[no-untyped-def]
    """The store tests' ``store``, every call of which runs through an ``AsyncStore``."""
    astore = AsyncStore(async_url(engine), clock=clock)
    yield SyncOverAsync(astore, loop_thread, engine)
    loop_thread.run(astore.dispose())


@pytest.fixture
def statements(store: SyncOverAsync) -> Iterator[object]:
    """tests/store's statement counter, on the engine the async face really uses."""
    log = load("conftest").StatementLog()
    engine = store.astore.engine.sync_engine

    def before_cursor_execute(conn, cursor, statement, parameters, context, many):  # type: ignore[no-untyped-def]
        if log.recording:
            log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    yield log
    event.remove(engine, "before_cursor_execute", before_cursor_execute)
