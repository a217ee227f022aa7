"""Fixtures of the store tests: a fourth backend and a statement counter.

The whole store suite also runs through PgBouncer in transaction mode (``pgbouncer``):
the PostgreSQL server behind the pooler that tests/conftest.py starts, which proves
newscms keeps no state in a database session. Snapshots and resets are in tests/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, event


@pytest.fixture(scope="session", params=("sqlite", "postgresql", "mariadb", "pgbouncer"))
def migrated_engine(
    request: pytest.FixtureRequest, migrated_engine_for: Callable[[str], Engine]
) -> Engine:
    """One migrated database per backend, PgBouncer included, for the whole session."""
    return migrated_engine_for(request.param)


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
