"""What every ``newscms`` command shares: the store it works on, output, and error handling.

Commands stay thin: they parse options, call one public function and print its result.
Errors newscms raises on purpose print one line on stderr and exit with status 1; no
traceback reaches the user.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console

from newscms.errors import NewsCMSError
from newscms.utils.dates import in_zone, time_zone

if TYPE_CHECKING:
    from newscms.domain.article import Article
    from newscms.store import Store

__all__ = [
    "CliContext",
    "NewsCMSGroup",
    "emit_json",
    "fail",
    "pass_context",
    "published_label",
]

DATABASE_ENV = "NEWSCMS_DATABASE_URL"


@dataclass
class CliContext:
    """Options given before the command, and the store made from them on first use."""

    database_url: str
    prefix: str
    console: Console = field(default_factory=lambda: Console(highlight=False))
    errors: Console = field(default_factory=lambda: Console(stderr=True, highlight=False))
    _store: Store | None = None

    def store(self, *, check_schema: bool = True) -> Store:
        """The ``Store`` for ``--db`` (created once per command run)."""
        if self._store is None:
            from newscms.store import Store

            self._store = Store(self.database_url, prefix=self.prefix, check_schema=check_schema)
        return self._store

    def close(self) -> None:
        """Close the store's connections (the command is over)."""
        if self._store is not None:
            self._store.dispose()
            self._store = None


pass_context = click.make_pass_decorator(CliContext)


def published_label(item: Article) -> str:
    """The publication time as the source site showed it (its zone), else in UTC.

    A legacy date without a time stays on its day: 14 June read in Rome is not shown as
    13 June, 22:00 UTC.
    """
    if item.published_at is None:
        return "—"
    if item.date_provenance is None:
        return item.published_at.strftime("%Y-%m-%d %H:%M UTC")
    local = in_zone(item.published_at, time_zone(item.date_provenance.zone))
    return local.strftime("%Y-%m-%d %H:%M" if item.published_time_known else "%Y-%m-%d")


def emit_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout: UTF-8, stable key order, one document."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


def fail(message: str, *, status: int = 1) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``status``.

    Bytes a terminal cannot show (a lone surrogate from a file name that is not UTF-8,
    quoted back in the message) and line breaks are written as escapes.
    """
    safe = message.encode("utf-8", "backslashreplace").decode("utf-8")
    # One line, whatever the message quotes back (a value with a newline in it).
    safe = safe.replace("\r", "\\r").replace("\n", "\\n")
    click.echo(f"error: {safe}", err=True)
    sys.exit(status)


class NewsCMSGroup(click.Group):
    """A click group that turns newscms errors into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report expected failures without a traceback."""
        try:
            return super().invoke(ctx)
        except NewsCMSError as error:
            fail(str(error))
        except KeyboardInterrupt:
            fail("interrupted", status=130)
