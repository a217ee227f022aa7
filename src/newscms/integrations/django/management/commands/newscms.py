"""``manage.py newscms <args>``: the ``newscms`` command on the project's database.

Everything after ``newscms`` goes to the newscms CLI unchanged (``manage.py newscms
article list --json``, ``manage.py newscms --help``); ``--db`` is the URL newscms builds
from ``DATABASES`` and the table prefix is the store's.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from contextlib import ExitStack, redirect_stderr, redirect_stdout
from typing import Any

import click
from django.core.management.base import BaseCommand, CommandError  # type: ignore[import-untyped]

from newscms.integrations.django._store import get_store

__all__ = ["Command"]


class Command(BaseCommand):  # type: ignore[misc]
    """Run the newscms CLI with the store of ``DATABASES`` (see ``manage.py newscms --help``)."""

    help = "Run a newscms command on the database newscms uses in this project."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Take every argument as is: the newscms CLI parses them."""
        parser.add_argument("arguments", nargs=argparse.REMAINDER)

    def run_from_argv(self, argv: list[str]) -> None:
        """``manage.py newscms ...``: hand the arguments to newscms, exit with its status."""
        sys.exit(_run(argv[2:], prog_name=f"{argv[0]} {argv[1]}"))

    def handle(self, *args: Any, **options: Any) -> None:
        """``call_command("newscms", ...)``: run it, output to the given streams.

        Raises:
            CommandError: the newscms command failed (its message was printed on stderr).
        """
        with ExitStack() as streams:
            if options.get("stdout") is not None:
                streams.enter_context(redirect_stdout(options["stdout"]))
            if options.get("stderr") is not None:
                streams.enter_context(redirect_stderr(options["stderr"]))
            status = _run([*args, *options.get("arguments", [])], prog_name="newscms")
        if status:
            raise CommandError(f"newscms exited with status {status}", returncode=status)


def _run(arguments: list[str], *, prog_name: str) -> int:
    from newscms.cli import cli

    store = get_store()
    url = store.engine.url.render_as_string(hide_password=False)
    prefix = store.settings.tables.prefix
    try:
        with warnings.catch_warnings():
            # Django's in-memory test database is a mode=memory URI; the CLI runs in one
            # thread, for which SQLAlchemy's one-connection-per-thread pool is right.
            warnings.filterwarnings("ignore", "Selection of the SingletonThreadPool", Warning)
            cli.main(
                [f"--db={url}", f"--prefix={prefix}", *arguments], prog_name, standalone_mode=False
            )
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0
