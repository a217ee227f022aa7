"""``newscms tag ...``: list tags with their article counts."""

from __future__ import annotations

import click
from rich.table import Table

from newscms.cli._common import CliContext, emit_json, pass_context
from newscms.formats.json import to_json

__all__ = ["tag"]


@click.group()
def tag() -> None:
    """List and maintain tags."""


@tag.command("list")
@click.option("--kind", help="Only tags of this kind (topic, region, person, ...).")
@click.option("--json", "as_json", is_flag=True, help="Print the tags as JSON.")
@pass_context
def list_tags(ctx: CliContext, *, kind: str | None, as_json: bool) -> None:
    """List tags, most used first, with their names in every locale."""
    with ctx.store().session(readonly=True) as uow:
        tags = uow.tags.list(kind=kind)
    if as_json:
        emit_json([to_json(t) for t in tags])
        return
    table = Table()
    for name in ("kind", "articles", "names", "id"):
        table.add_column(name, overflow="fold")
    for item in tags:
        names = ", ".join(f"{n.name} [{loc}]" for loc, n in sorted(item.names.items()))
        table.add_row(item.kind, str(item.article_count or 0), names, str(item.id))
    ctx.console.print(table)
