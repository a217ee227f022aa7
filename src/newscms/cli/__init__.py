"""The ``newscms`` admin command: a thin shell over the library's public functions.

Every command works on the database given by ``--db`` or ``NEWSCMS_DATABASE_URL``
(default ``sqlite:///newscms.db``). ``--json`` output is stable and documented in
docs/cli.md, so scripts can parse it.
"""

from __future__ import annotations

import click

from newscms._version import __version__
from newscms.cli._common import DATABASE_ENV, CliContext, NewsCMSGroup
from newscms.cli.articles import article
from newscms.cli.demo import demo
from newscms.cli.events import events
from newscms.cli.export import export_command
from newscms.cli.importing import import_command
from newscms.cli.media import media
from newscms.cli.newsletter import newsletter
from newscms.cli.people import people
from newscms.cli.schema import init, migrate, optimize
from newscms.cli.search import reindex_command, related_command, search_command
from newscms.cli.serve import serve
from newscms.cli.tags import tag
from newscms.cli.workflow import WORKFLOW_COMMANDS

__all__ = ["cli", "main"]


@click.group(cls=NewsCMSGroup)
@click.option(
    "--db",
    "database_url",
    envvar=DATABASE_ENV,
    default="sqlite:///newscms.db",
    show_default=True,
    help=f"Database URL (or set {DATABASE_ENV}).",
)
@click.option("--prefix", default="newscms_", show_default=True, help="Table name prefix.")
@click.version_option(__version__, prog_name="newscms")
@click.pass_context
def cli(ctx: click.Context, database_url: str, prefix: str) -> None:
    """Manage news content stored by newscms."""
    ctx.obj = CliContext(database_url=database_url, prefix=prefix)
    ctx.call_on_close(ctx.obj.close)


for command in (init, migrate, article, tag, events, import_command, export_command, demo):
    cli.add_command(command)
for command in (search_command, reindex_command, optimize, serve, newsletter, media, people):
    cli.add_command(command)
for command in WORKFLOW_COMMANDS:
    article.add_command(command)
article.add_command(related_command)


def main() -> None:
    """Entry point of the ``newscms`` console script."""
    cli(prog_name="newscms")
