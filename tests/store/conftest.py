"""Fixtures shared by the store tests: table snapshots, a table reset, a statement counter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, select

from newscms.store import Store, Tables

Snapshot = dict[str, list[tuple[Any, ...]]]


def _sort_key(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(repr(value) for value in row)


@pytest.fixture
def snapshot(store: Store) -> Callable[[], Snapshot]:
    """Return a function reading every row of every newscms table, in a stable order.

    Two equal snapshots mean nothing at all was written in between.
    """
    tables: Tables = store.tables

    def take() -> Snapshot:
        with store.engine.connect() as conn:
            return {
                table.name: sorted(
                    (tuple(row) for row in conn.execute(select(table))), key=_sort_key
                )
                for table in tables.metadata.sorted_tables
            }

    return take


@pytest.fixture
def reset(store: Store) -> Callable[[], None]:
    """Return a function emptying every content table (for each hypothesis example)."""
    tables: Tables = store.tables

    def run() -> None:
        with store.engine.begin() as conn:
            for table in reversed(tables.metadata.sorted_tables):
                if table is not tables.meta:
                    conn.execute(delete(table))

    return run


@dataclass
class StatementLog:
    """SQL statements sent to the database while ``recording`` is on."""

    statements: list[str] = field(default_factory=list)
    recording: bool = False

    @property
    def count(self) -> int:
        """How many statements were recorded."""
        return len(self.statements)

    def record(self) -> StatementLog:
        """Forget earlier statements and start recording."""
        self.statements.clear()
        self.recording = True
        return self

    def __enter__(self) -> StatementLog:
        return self.record()

    def __exit__(self, *exc: object) -> None:
        self.recording = False


@pytest.fixture
def statements(engine: Engine) -> Iterator[StatementLog]:
    """Count the statements the engine sends (``with statements: ...``)."""
    log = StatementLog()

    def before_cursor_execute(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if log.recording:
            log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    yield log
    event.remove(engine, "before_cursor_execute", before_cursor_execute)
