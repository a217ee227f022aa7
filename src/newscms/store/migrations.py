"""Run the migrations shipped with newscms, from code, on the caller's connection.

Alembic is configured entirely in code: its scripts ship inside the wheel
(``newscms/alembic``), the version table is ``<prefix>alembic_version`` so a host's own
``alembic_version`` is never touched, and ``logging.fileConfig`` is never called, so
the host's logging stays as the host set it. Concurrent ``migrate()`` calls are
serialised with a database lock held until the migration has committed (a transaction
advisory lock, ``GET_LOCK`` on the connection, or SQLite's write lock), so the next
runner reads the version the previous one wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic import command, op
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from newscms.errors import MigrationError, NewsCMSError, SchemaError
from newscms.store._errors import translate_errors
from newscms.store._locks import LockBusy, busy_message, connection_lock, transaction_lock
from newscms.store.search.schema import REINDEX_FLAG, is_engine_specific

if TYPE_CHECKING:
    from collections.abc import Callable

    from alembic.runtime.environment import EnvironmentContext
    from sqlalchemy import Connection, Engine

    from newscms.store.tables import Tables

__all__ = [
    "SchemaStatus",
    "current_prefix",
    "current_schema",
    "downgrade",
    "exclude_newscms_tables",
    "flag_search_reindex",
    "head_revision",
    "include_modelled_tables",
    "migrate",
    "run_environment",
    "schema_status",
    "script_location",
    "unflag_search_reindex",
]

_LOCK_NAME = "newscms_migrate"
_LOCK_WAIT_SECONDS = 300
_LOCK_BUSY = busy_message("migrating this database")


def script_location() -> Path:
    """Where the migration scripts are: inside the installed package, else the source tree."""
    packaged = resources.files("newscms") / "alembic"
    if packaged.is_dir():
        return Path(str(packaged))
    source_tree = Path(__file__).resolve().parents[3] / "alembic"
    if (source_tree / "env.py").is_file():
        return source_tree
    raise MigrationError("the newscms migration scripts are missing from this installation")


@lru_cache(maxsize=1)
def _script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    """The newest migration revision this version of newscms ships."""
    head = _script_directory().get_current_head()
    if head is None:
        raise MigrationError("no newscms migrations were found")
    return head


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where a database's newscms schema stands against this version of newscms."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        """True when the database is at the newest revision."""
        return self.current == self.head

    def require_current(self) -> None:
        """Raise ``SchemaError`` with the command to run unless the schema is current."""
        if self.up_to_date:
            return
        if self.current is None:
            raise SchemaError(
                "this database has no newscms tables yet; run `newscms migrate` "
                "(or call store.migrate()) to create them"
            )
        known = {script.revision for script in _script_directory().walk_revisions()}
        if self.current not in known:
            raise SchemaError(
                f"the newscms schema is at revision {self.current}, which this newscms does "
                f"not know: the database was migrated by a newer newscms; upgrade newscms"
            )
        raise SchemaError(
            f"the newscms schema is at revision {self.current} but this newscms needs "
            f"{self.head}; run `newscms migrate` (or call store.migrate())"
        )


def schema_status(connection: Connection, tables: Tables) -> SchemaStatus:
    """Read the newscms revision recorded in the database (``None`` when never migrated)."""
    context = MigrationContext.configure(
        connection,
        opts={"version_table": tables.version_table, "version_table_schema": tables.schema},
    )
    return SchemaStatus(current=context.get_current_revision(), head=head_revision())


def _config(connection: Connection, tables: Tables) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.attributes["connection"] = connection
    config.attributes["newscms_tables"] = tables
    return config


def _run(engine: Engine, tables: Tables, action: Callable[[Config], None]) -> None:
    with translate_errors(), engine.connect() as plain:
        connection = plain.execution_options(newscms_sqlite_begin="IMMEDIATE")
        try:
            with (
                connection_lock(
                    connection, _LOCK_NAME, wait_seconds=_LOCK_WAIT_SECONDS, database=tables.schema
                ),
                connection.begin(),
            ):
                transaction_lock(connection, _LOCK_NAME)
                _migrate_in(connection, tables, action)
        except LockBusy as busy:
            raise MigrationError(_LOCK_BUSY(busy)) from busy


def _migrate_in(connection: Connection, tables: Tables, action: Callable[[Config], None]) -> None:
    """Run an Alembic command on ``connection``; its failures become ``MigrationError``."""
    try:
        action(_config(connection, tables))
    except NewsCMSError:
        raise
    except Exception as exc:
        raise MigrationError(f"migration failed: {exc}") from exc


def migrate(engine: Engine, tables: Tables, revision: str = "head") -> None:
    """Upgrade the newscms tables to ``revision`` (default: the newest)."""
    _run(engine, tables, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, tables: Tables, revision: str = "base") -> None:
    """Downgrade the newscms tables to ``revision`` (``"base"`` drops them all)."""
    _run(engine, tables, lambda config: command.downgrade(config, revision))


def _tables_in_context() -> Tables:
    from alembic import context

    tables: Tables = context.config.attributes["newscms_tables"]
    return tables


def current_prefix() -> str:
    """The table prefix of the migration being run (for use inside migration scripts)."""
    return _tables_in_context().prefix


def current_schema() -> str | None:
    """The database schema of the migration being run (for use inside migration scripts)."""
    return _tables_in_context().schema


def _meta_table() -> sa.TableClause:
    return sa.table(
        f"{current_prefix()}meta", sa.column("key"), sa.column("value"), schema=current_schema()
    )


def flag_search_reindex(revision: str) -> None:
    """Record that the search index must be rebuilt (for use inside migration scripts).

    Searches then raise ``SchemaError`` asking for ``newscms reindex`` until it has run,
    rather than quietly missing words indexed the old way. ``revision`` is kept as the
    flag's value; an existing flag is left as it is.
    """
    meta = _meta_table()
    found = op.get_bind().execute(sa.select(meta.c.key).where(meta.c.key == REINDEX_FLAG))
    if found.first() is None:
        op.execute(meta.insert().values(key=REINDEX_FLAG, value=revision))


def unflag_search_reindex(revision: str) -> None:
    """Drop the reindex flag ``revision`` set, if it is still there (inside migrations)."""
    meta = _meta_table()
    op.execute(meta.delete().where(meta.c.key == REINDEX_FLAG, meta.c.value == revision))


def exclude_newscms_tables(prefix: str = "newscms_") -> Callable[..., bool]:
    """An ``include_name`` hook for a host's Alembic ``env.py`` that skips newscms tables.

    ``context.configure(..., include_name=exclude_newscms_tables())`` keeps the host's
    autogenerate from proposing to drop or alter the tables newscms migrates itself.
    """

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        del parent_names
        return not (type_ == "table" and name is not None and name.startswith(prefix))

    return include_name


def include_modelled_tables(prefix: str) -> Callable[..., bool]:
    """An ``include_name`` hook comparing exactly the tables the models describe.

    It keeps newscms's tables (those starting with ``prefix``) but not the search
    index's engine-specific ones (an FTS5 virtual table and its shadow tables on SQLite,
    the tsvector or FULLTEXT table elsewhere, PostgreSQL's index of the filter rows),
    which migrations create per engine and ``newscms.store.search.schema`` names.
    """

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        del parent_names
        if type_ == "table":
            return (
                name is not None
                and name.startswith(prefix)
                and not is_engine_specific(name, prefix)
            )
        if type_ == "index":
            return name is None or not is_engine_specific(name, prefix)
        return True

    return include_name


def run_environment(context: EnvironmentContext) -> None:
    """Body of ``alembic/env.py``: migrate only newscms tables on the given connection."""
    connection = context.config.attributes.get("connection")
    tables: Tables | None = context.config.attributes.get("newscms_tables")
    if connection is None or tables is None:
        raise MigrationError(
            "newscms migrations run from code: use `newscms migrate` or store.migrate(), "
            "not the alembic command line"
        )
    context.configure(
        connection=connection,
        target_metadata=tables.metadata,
        version_table=tables.version_table,
        version_table_schema=tables.schema,
        include_name=include_modelled_tables(tables.prefix),
        include_schemas=tables.schema is not None,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
