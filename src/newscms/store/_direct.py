"""Hot read statements run on the driver directly, compiled once.

A get or a listing page runs three small statements. SQLAlchemy's execution machinery
(an execution context, a result object, its metadata) costs each of them more than
SQLite takes to run it, about a third of a local PostgreSQL round trip through psycopg
and half of a MariaDB one through PyMySQL. A ``Prepared`` statement is compiled once
per dialect with its bind and result converters taken from the column types, so its
rows are what ``Connection.execute`` would give, without that machinery; its driver
errors go through the connection's own error handling (``DBAPIError``, and
invalidation when the server went away). Other drivers run the statement through
SQLAlchemy as usual.

Where something watches the engine's statements (cursor or error event listeners, the
statement log), the statement runs through SQLAlchemy, which serves them; the rows are
the same either way (``tests/store/test_direct_reads.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc

if TYPE_CHECKING:
    from sqlalchemy import Connection, Select
    from sqlalchemy.engine import Dialect

__all__ = ["Prepared"]

_Convert = Callable[[Any], Any]

_DRIVERS = {"pysqlite": "qmark", "psycopg": "pyformat", "pymysql": "pyformat"}
"""The drivers run directly, each with the parameter style its compiled SQL uses."""


class _Compiled:
    """A statement compiled for one dialect, with its columns' converters."""

    __slots__ = ("binds", "compiled", "keys", "names", "positional", "results", "sql")

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.compiled = compiled
        columns = statement.selected_columns
        self.keys: tuple[str, ...] = tuple(columns.keys())
        if len(set(self.keys)) != len(self.keys):
            raise TypeError("a prepared statement needs a distinct key per column")
        # The columns whose values the driver's differ from (moments, JSON, ids, flags).
        self.results: tuple[tuple[int, _Convert], ...] = tuple(
            (index, convert)
            for index, column in enumerate(columns)
            if (convert := column.type.dialect_impl(dialect).result_processor(dialect, None))
        )
        # Each bound value's converter, from its type (as SQLAlchemy binds it).
        self.binds: dict[str, _Convert] = {}
        for name, bind in compiled.binds.items():
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if convert is not None:
                self.binds[name] = convert
        # Parameters by position (SQLite's ``?``) or by name (psycopg's ``%(name)s``).
        self.positional = bool(compiled.positional)
        # A statement without expanding (IN) parameters renders the same SQL every time.
        self.sql: str | None = None
        self.names: tuple[str, ...] = ()
        if not compiled.post_compile_params and not compiled.literal_execute_params:
            self.sql = compiled.string
            self.names = tuple(compiled.positiontup or compiled.binds)

    def parameters(self, values: Mapping[str, Any]) -> tuple[str, tuple[Any, ...] | dict[str, Any]]:
        """The SQL and the converted parameters for ``values``, as the driver takes them."""
        binds = self.binds
        defaults = self.compiled.binds
        if self.sql is not None:
            sql, names, given = self.sql, self.names, values
        else:
            state = self.compiled.construct_expanded_state(dict(values))
            sql, given = state.statement, state.parameters
            names = tuple(state.positiontup or state.parameters)
            binds = {**binds, **state.processors}
        out = []
        for name in names:
            if name in given:
                value = given[name]
            elif defaults[name].required:
                raise exc.InvalidRequestError(f"A value is required for bind parameter {name!r}")
            else:
                value = defaults[name].value
            convert = binds.get(name)
            out.append(convert(value) if convert is not None else value)
        if self.positional:
            return sql, tuple(out)
        return sql, dict(zip(names, out, strict=True))

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[Any]:
        """Run on the driver with ``values``; each value converted as its column's type does."""
        sql, parameters = self.parameters(values)
        found = _run(conn, sql, parameters)
        results = self.results
        if not results:
            return found
        converted = []
        for row in found:
            cells = list(row)
            for index, convert in results:
                value = cells[index]
                if value is not None:
                    cells[index] = convert(value)
            converted.append(tuple(cells))
        return converted


class Prepared:
    """A read statement built once, run through the driver directly where that pays."""

    __slots__ = ("_compiled", "statement")

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        # By dialect: one set of tables (and its statements) may serve several engines.
        self._compiled: dict[tuple[object, ...], _Compiled] = {}

    def all(self, conn: Connection, values: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """The rows, as tuples in the statement's column order."""
        compiled = self._direct(conn)
        if compiled is None:
            return conn.execute(self.statement, dict(values)).all()
        return compiled.rows(conn, values)

    def mappings(self, conn: Connection, values: Mapping[str, Any]) -> Sequence[Mapping[Any, Any]]:
        """The rows, as mappings of column key to value."""
        compiled = self._direct(conn)
        if compiled is None:
            return conn.execute(self.statement, dict(values)).mappings().all()
        keys = compiled.keys
        return [dict(zip(keys, row, strict=True)) for row in compiled.rows(conn, values)]

    def _direct(self, conn: Connection) -> _Compiled | None:
        """The compiled form where ``conn`` runs it directly, else None.

        Directly means a driver of ``_DRIVERS`` with its default parameter style, in a
        begun transaction (outside one, SQLAlchemy's execution begins it, as it should),
        with nothing watching the engine's statements: cursor and error event listeners
        (statement counters, tracing such as OpenTelemetry's or Sentry's, which keep
        state on the execution context) and the engine's statement log (``echo``) get
        SQLAlchemy's execution, which serves them; so does a connection that maps schema
        names (its SQL is not the compiled one).
        """
        dialect = conn.dialect
        if _DRIVERS.get(dialect.driver) != dialect.paramstyle or not conn.in_transaction():
            return None
        dispatch = conn.dispatch
        if (
            dispatch.before_cursor_execute
            or dispatch.after_cursor_execute
            or dialect.dispatch.handle_error
            or conn.engine.logger.isEnabledFor(logging.INFO)
            or "schema_translate_map" in conn.get_execution_options()
        ):
            return None
        key = (type(dialect), dialect.paramstyle, dialect.server_version_info)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(self.statement, dialect)
        return compiled


def _run(conn: Connection, sql: str, parameters: tuple[Any, ...] | dict[str, Any]) -> list[Any]:
    """Execute on the connection's driver connection; errors handled as SQLAlchemy does.

    A driver error goes through the connection's own handler: it is raised as
    SQLAlchemy's ``DBAPIError`` and, when it says the server went away, the connection
    is invalidated so the pool does not hand it out again.
    """
    driver = conn.connection.dbapi_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        cursor.execute(sql, parameters)
        return list(cursor.fetchall())
    except Exception as error:  # handled, and raised again, as SQLAlchemy does
        conn._handle_dbapi_exception(error, sql, parameters, cursor, None)
        raise  # not reached: the handler raises
    finally:
        cursor.close()
