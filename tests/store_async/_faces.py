"""The sync store tests, run through the async face.

``SyncOverAsync`` looks like a ``Store`` to a test, but every call it gets runs through
an ``AsyncStore`` on an event loop of its own thread: ``with store.session() as uow:``
opens an async unit of work there, and ``uow.articles.create(d)`` awaits the async
repository's ``create``. ``rerun`` copies the tests (and fixtures) of a module of
tests/store into a module here, where this directory's ``store`` fixture overrides the
sync one: one copy of each test, two faces under it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine
from sqlalchemy.util import greenlet_spawn

from newscms.store.asyncio import AsyncStore, AsyncUnitOfWork

T = TypeVar("T")

STORE_TESTS = Path(__file__).resolve().parents[1] / "store"
REPOSITORIES = (
    "articles",
    "tags",
    "relations",
    "workflow",
    "revisions",
    "search",
    "related",
    "legacy_urls",
)


def async_url(engine: Engine) -> str:
    """The URL of ``engine``'s database (``AsyncStore`` picks the async driver)."""
    return engine.url.render_as_string(hide_password=False)


class LoopThread:
    """An event loop running in a daemon thread; ``run`` awaits a coroutine there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


class SyncOverAsync:
    """A ``Store`` look-alike over an ``AsyncStore`` (the tests' sync calls, async inside)."""

    def __init__(self, astore: AsyncStore, loop: LoopThread, engine: Engine) -> None:
        self.astore = astore
        self.loop = loop
        self.engine = engine  # a sync engine on the same database, for the tests' own reads
        self.tables = astore.tables
        self.metadata = astore.metadata
        self.settings = astore.settings
        self.event_bus = astore.event_bus

    @property
    def cursors(self) -> Any:
        return self.loop.run(greenlet_spawn(lambda: self.astore._store.cursors))

    @contextmanager
    def session(self, **options: Any) -> Iterator[SyncUnit]:
        opened = self.astore.session(**options)
        unit = self.loop.run(opened.__aenter__())
        try:
            yield SyncUnit(unit, self.loop)
        except BaseException as error:
            if not self.loop.run(opened.__aexit__(type(error), error, error.__traceback__)):
                raise
        else:
            self.loop.run(opened.__aexit__(None, None, None))

    def run(self, work: Callable[..., T], **options: Any) -> T:
        return self.loop.run(self.astore.run(work, **options))

    def using(self, *args: Any, **kwargs: Any) -> Any:
        pytest.skip("a sync host Session has no async face (test_async_host.py tests AsyncSession)")

    def __getattr__(self, name: str) -> Any:
        # migrate, schema_status, publish_due, drain_events, prune_events, dispose: awaited;
        # subscribe: as it is.
        attribute = getattr(self.astore, name)
        if not asyncio.iscoroutinefunction(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            return self.loop.run(attribute(*args, **kwargs))

        return call


class SyncUnit:
    """An async unit of work seen as a sync one: each repository call awaited on the loop."""

    def __init__(self, unit: AsyncUnitOfWork, loop: LoopThread) -> None:
        self.unit = unit
        self.loop = loop
        for name in REPOSITORIES:
            setattr(self, name, _SyncRepository(getattr(unit, name), loop))
        self.connection = _SyncConnection(unit, loop)

    def now(self) -> Any:
        return self.unit.now()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unit.sync, name)  # state: failure, events, actor, settings, ...


class _SyncRepository:
    def __init__(self, repository: Any, loop: LoopThread) -> None:
        self.repository = repository
        self.loop = loop

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.repository, name)  # only what the async face offers

        def call(*args: Any, **kwargs: Any) -> Any:
            return self.loop.run(method(*args, **kwargs))

        return call


class _SyncConnection:
    """The unit's connection for a test's own statements, each run in the bridge."""

    def __init__(self, unit: AsyncUnitOfWork, loop: LoopThread) -> None:
        self.unit = unit
        self.loop = loop

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            def run(uow: Any) -> Any:
                result = getattr(uow.connection, name)(*args, **kwargs)
                if getattr(result, "returns_rows", False):
                    return result.freeze()()  # rows read inside the bridge
                return result

            return self.loop.run(self.unit.run_sync(run))

        return call


def load(module_name: str) -> Any:
    """``tests/store/<module_name>.py`` imported under a name of its own."""
    path = STORE_TESTS / f"{module_name}.py"
    spec = importlib.util.spec_from_file_location(f"async_face_{module_name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look their module up there
    spec.loader.exec_module(module)
    return module


def rerun(module_name: str, namespace: dict[str, Any]) -> None:
    """Copy the tests of ``tests/store/<module_name>.py`` that use a store into ``namespace``.

    Tests that never touch the ``store`` fixture (a URL refused, an unmigrated database
    opened with ``Store`` itself) would only run a second time unchanged, so they stay
    out. The module's fixtures come along, for the copied tests to find.
    """
    module = load(module_name)
    fixtures = {name: value for name, value in vars(module).items() if _is_fixture(value)}
    namespace.update(fixtures)
    if hasattr(module, "pytestmark"):
        namespace["pytestmark"] = module.pytestmark
    for name, value in vars(module).items():
        # The tests keep their own module's globals (helpers, constants) as they are.
        if name.startswith("test_") and _uses_store(value, fixtures):
            namespace[name] = value


# Fixtures of tests/conftest.py and of this directory that stand on ``store``.
_ON_STORE = frozenset({"store", "snapshot", "reset", "statements"})


def _uses_store(
    function: Any, fixtures: dict[str, Any], seen: frozenset[str] = frozenset()
) -> bool:
    """Whether ``function`` asks for ``store``, itself or through a fixture of its module."""
    target = inspect.unwrap(getattr(function, "_fixture_function", function))
    for parameter in inspect.signature(target).parameters:
        if parameter in _ON_STORE:
            return True
        nested = parameter in fixtures and parameter not in seen
        if nested and _uses_store(fixtures[parameter], fixtures, seen | {parameter}):
            return True
    return False


def _is_fixture(value: object) -> bool:
    return hasattr(value, "_fixture_function_marker")
