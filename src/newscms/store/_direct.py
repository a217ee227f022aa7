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
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc

if TYPE_CHECKING:
    from sqlalchemy import Connection, Select
    from sqlalchemy.engine import Dialect
    from sqlalchemy.sql.compiler import ExpandedState

__all__ = ["Prepared", "read_together"]

_Convert = Callable[[Any], Any]

_DRIVERS = {"pysqlite": "qmark", "psycopg": "pyformat", "pymysql": "pyformat"}
"""The drivers run directly, each with the parameter style its compiled SQL uses."""


class _Slot:
    """Where one parameter of an expanded statement takes its value from.

    A parameter (``index`` None) or one element of an expanding (IN) parameter's list.
    """

    __slots__ = ("index", "name")

    def __init__(self, name: str, index: int | None) -> None:
        self.name = name
        self.index = index


_Expansion = tuple[str, tuple[str, ...], tuple[_Slot, ...], dict[str, _Convert]]
"""An expanded statement: its SQL, parameter names, their slots and converters."""

_EXPANSIONS_KEPT = 64


class _Compiled:
    """A statement compiled for one dialect, with its columns' converters."""

    __slots__ = (
        "binds",
        "compiled",
        "expanding",
        "expansions",
        "keys",
        "plain",
        "positional",
        "results",
    )

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
        # A statement without expanding (IN) parameters renders the same SQL every time;
        # one with them renders the same SQL for the same list lengths, so its expansion
        # is kept by lengths (``_expand``). Values rendered into the SQL keep neither.
        self.plain: _Expansion | None = None
        self.expanding: tuple[str, ...] | None = None
        self.expansions: dict[tuple[int, ...], _Expansion] = {}
        if not compiled.post_compile_params and not compiled.literal_execute_params:
            names = tuple(compiled.positiontup or compiled.binds)
            self.plain = (compiled.string, names, tuple(_Slot(n, None) for n in names), self.binds)
        elif not compiled.literal_execute_params and all(
            bind.expanding for bind in compiled.post_compile_params
        ):
            late = compiled.post_compile_params
            self.expanding = tuple(name for name, bind in compiled.binds.items() if bind in late)

    def _expand(self, values: Mapping[str, Any]) -> tuple[_Expansion, Mapping[str, Any]]:
        """The statement expanded for ``values``, and the mapping its slots read from.

        Kept per list lengths: SQLAlchemy expands it once with placeholders for values,
        which then say where each parameter of the expanded SQL takes its value from.
        A statement with values rendered into its SQL is expanded for each call.
        """
        expanding = self.expanding
        if expanding is None:
            state = self.compiled.construct_expanded_state(dict(values))
            return self._expansion(state), state.parameters
        defaults = self.compiled.binds
        lists = []
        for name in expanding:
            if name in values:
                lists.append(values[name])
            elif defaults[name].required:
                raise exc.InvalidRequestError(f"A value is required for bind parameter {name!r}")
            else:
                lists.append(defaults[name].value)
        lengths = tuple(len(found) for found in lists)
        expansion = self.expansions.get(lengths)
        if expansion is None:
            probe: dict[str, Any] = {
                name: _Slot(name, None) for name in defaults if name not in expanding
            }
            for name, length in zip(expanding, lengths, strict=True):
                probe[name] = [_Slot(name, index) for index in range(length)]
            expansion = self._expansion(self.compiled.construct_expanded_state(probe))
            if len(self.expansions) >= _EXPANSIONS_KEPT:
                self.expansions.clear()
            self.expansions[lengths] = expansion
        return expansion, {**values, **dict(zip(expanding, lists, strict=True))}

    def _expansion(self, state: ExpandedState) -> _Expansion:
        """An expanded state as SQL, names, slots (a probe's placeholders) and converters."""
        names = tuple(state.positiontup or state.parameters)
        slots = tuple(_slot_of(name, state.parameters) for name in names)
        return state.statement, names, slots, {**self.binds, **state.processors}

    def parameters(self, values: Mapping[str, Any]) -> tuple[str, tuple[Any, ...] | dict[str, Any]]:
        """The SQL and the converted parameters for ``values``, as the driver takes them."""
        if self.plain is not None:
            (sql, names, slots, binds), given = self.plain, values
        else:
            (sql, names, slots, binds), given = self._expand(values)
        defaults = self.compiled.binds
        out = []
        for name, slot in zip(names, slots, strict=True):
            source = slot.name
            if slot.index is not None:
                value = given[source][slot.index]
            elif source in given:
                value = given[source]
            elif defaults[source].required:
                raise exc.InvalidRequestError(f"A value is required for bind parameter {source!r}")
            else:
                value = defaults[source].value
            convert = binds.get(name)
            out.append(convert(value) if convert is not None else value)
        if self.positional:
            return sql, tuple(out)
        return sql, dict(zip(names, out, strict=True))

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[Any]:
        """Run on the driver with ``values``; each value converted as its column's type does."""
        sql, parameters = self.parameters(values)
        return self.converted(_run(conn, sql, parameters))

    def converted(self, found: list[Any]) -> list[Any]:
        """The driver's rows with each value converted as its column's type does."""
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
        return self._rows(conn, values, self._direct(conn))

    def _rows(
        self, conn: Connection, values: Mapping[str, Any], compiled: _Compiled | None
    ) -> Sequence[Sequence[Any]]:
        """``all``'s rows, run directly with ``compiled`` or through SQLAlchemy without."""
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


def read_together(
    conn: Connection, reads: Sequence[tuple[Prepared, Mapping[str, Any]]]
) -> list[Sequence[Sequence[Any]]]:
    """The rows of independent reads (as ``Prepared.all``), in one round trip where it can.

    psycopg sends them in one pipeline, so the server answers all of them at once
    instead of one round trip each; elsewhere (or where SQLAlchemy runs them, see
    ``Prepared``) they run one after the other.
    """
    compiled = [prepared._direct(conn) for prepared, _ in reads]
    direct = [found for found in compiled if found is not None]
    driver = conn.connection.dbapi_connection
    pipeline = getattr(driver, "pipeline", None)
    if len(direct) < max(len(reads), 2) or pipeline is None or not _pipelines_supported():
        return [
            prepared._rows(conn, values, found)
            for found, (prepared, values) in zip(compiled, reads, strict=True)
        ]
    statements = [
        found.parameters(values) for found, (_, values) in zip(direct, reads, strict=True)
    ]
    assert driver is not None
    cursors = []
    sql, parameters = statements[0]
    try:
        with pipeline():
            for sql, parameters in statements:
                cursor = driver.cursor()
                cursors.append(cursor)
                cursor.execute(sql, parameters)
            fetched = [list(cursor.fetchall()) for cursor in cursors]
    except Exception as error:  # handled, and raised again, as SQLAlchemy does
        conn._handle_dbapi_exception(error, sql, parameters, cursors[-1] if cursors else None, None)
        raise  # not reached: the handler raises
    finally:
        for cursor in cursors:
            cursor.close()
    return [found.converted(rows) for found, rows in zip(direct, fetched, strict=True)]


@cache
def _pipelines_supported() -> bool:
    """Whether psycopg's libpq can pipeline (libpq 14 and later); asked once, when needed."""
    import psycopg  # an optional driver: there when its connection is

    return bool(psycopg.Pipeline.is_supported())


def _slot_of(name: str, parameters: Mapping[str, Any]) -> _Slot:
    """The slot of an expanded parameter: the placeholder the probe put there, or itself."""
    found = parameters.get(name)
    return found if isinstance(found, _Slot) else _Slot(name, None)


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
