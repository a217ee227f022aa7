"""Fixtures of the store tests: a statement counter (snapshots and resets are in tests/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, event


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
