"""``newscms init``, ``migrate`` and ``optimize``: create, upgrade and maintain the tables."""

from __future__ import annotations

import click

from newscms.cli._common import CliContext, emit_json, fail, pass_context

__all__ = ["init", "migrate", "optimize"]


@click.command()
@pass_context
def init(ctx: CliContext) -> None:
    """Create the newscms tables in the database (safe to run again)."""
    store = ctx.store(check_schema=False)
    store.migrate()
    status = store.schema_status()
    ctx.console.print(
        f"newscms tables ready in {store.engine.url.render_as_string()} (schema {status.current})"
    )


@click.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.option("--check", is_flag=True, help="Only report; exit 1 when the schema is behind.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_context
def migrate(ctx: CliContext, *, revision: str, check: bool, as_json: bool) -> None:
    """Upgrade the newscms tables to the newest schema (or to --revision)."""
    store = ctx.store(check_schema=False)
    before = store.schema_status()
    if not check:
        store.migrate(revision)
    after = store.schema_status()
    if as_json:
        emit_json({"before": before.current, "current": after.current, "head": after.head})
    elif check:
        click.echo(f"schema {after.current or 'absent'}, newest {after.head}")
    elif before.current == after.current:
        click.echo(f"schema already at {after.current}")
    else:
        click.echo(f"schema upgraded from {before.current or 'nothing'} to {after.current}")
    if check and not after.up_to_date:
        behind = f"{after.current or 'absent'} < {after.head}"
        fail(f"the schema is behind ({behind}); run `newscms migrate`")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@pass_context
def optimize(ctx: CliContext, *, as_json: bool) -> None:
    """Refresh the planner's statistics and compact the search index (after a big import)."""
    done = ctx.store().optimize()
    if as_json:
        emit_json(
            {
                "tables": list(done.tables),
                "search_index": done.search_index,
                "seconds": done.seconds,
            }
        )
        return
    compacted = ", search index compacted" if done.search_index else ""
    click.echo(
        f"statistics refreshed on {len(done.tables)} tables{compacted} in {done.seconds:.1f} s"
    )
