"""``newscms tag ...``: list, rename, merge, split, code and prune tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from newscms.cli._common import CliContext, emit_json, pass_context
from newscms.formats.json import to_json

if TYPE_CHECKING:
    from newscms.domain.tag import Tag
    from newscms.store import UnitOfWork

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


def _find(ctx: CliContext, uow: UnitOfWork, slug: str, locale: str | None, kind: str | None) -> Tag:
    return uow.tags.get_by_slug(
        slug, locale=locale or ctx.store().settings.default_locale, kind=kind
    )


@tag.command("rename")
@click.argument("slug")
@click.argument("name")
@click.option("--locale", help="The locale of the slug and of the new name.")
@click.option("--kind", help="The tag's kind, where two kinds share a slug.")
@pass_context
def rename_tag(
    ctx: CliContext, *, slug: str, name: str, locale: str | None, kind: str | None
) -> None:
    """Give the tag SLUG the name NAME in --locale (the old slug keeps resolving)."""
    store = ctx.store()
    with store.session() as uow:
        found = _find(ctx, uow, slug, locale, kind)
        renamed = uow.tags.set_name(found.id, name, locale=locale or store.settings.default_locale)
    names = ", ".join(f"{n.name} [{loc}]" for loc, n in sorted(renamed.names.items()))
    click.echo(f"{renamed.kind} tag {renamed.id}: {names}")


@tag.command("merge")
@click.argument("source_slug")
@click.argument("into_slug")
@click.option("--locale", help="The locale of both slugs.")
@click.option("--kind", help="The tags' kind, where two kinds share a slug.")
@pass_context
def merge_tags(
    ctx: CliContext, *, source_slug: str, into_slug: str, locale: str | None, kind: str | None
) -> None:
    """Fold the tag SOURCE_SLUG into INTO_SLUG: its articles move, its slugs keep resolving."""
    with ctx.store().session() as uow:
        source = _find(ctx, uow, source_slug, locale, kind)
        into = _find(ctx, uow, into_slug, locale, kind)
        merged = uow.tags.merge(source.id, into.id)
    click.echo(f"merged into {merged.kind} tag {merged.id}")


@tag.command("split")
@click.argument("slug")
@click.option("--locale", required=True, help="The locale whose name becomes a tag of its own.")
@click.option("--kind", help="The tag's kind, where two kinds share a slug.")
@pass_context
def split_tag(ctx: CliContext, *, slug: str, locale: str, kind: str | None) -> None:
    """Undo an alignment: the tag SLUG's name in --locale becomes a tag of its own.

    Articles in that locale move to the new tag; the tag's code stays where it was.
    """
    with ctx.store().session() as uow:
        found = _find(ctx, uow, slug, locale, kind)
        new = uow.tags.split(found.id, locale=locale)
    names = ", ".join(f"{n.name} [{loc}]" for loc, n in sorted(new.names.items()))
    click.echo(f"new {new.kind} tag {new.id}: {names}")


@tag.command("code")
@click.argument("slug")
@click.argument("code", required=False)
@click.option("--locale", help="The locale of the slug.")
@click.option("--kind", help="The tag's kind, where two kinds share a slug.")
@click.option("--clear", is_flag=True, help="Take the tag's code away.")
@pass_context
def code_tag(
    ctx: CliContext,
    *,
    slug: str,
    code: str | None,
    locale: str | None,
    kind: str | None,
    clear: bool,
) -> None:
    """Give the tag SLUG the outside identifier CODE (an ISO 3166 code for a place)."""
    if (code is None) == (not clear):
        raise click.UsageError("give a CODE, or --clear")
    with ctx.store().session() as uow:
        found = _find(ctx, uow, slug, locale, kind)
        changed = uow.tags.set_code(found.id, None if clear else code)
    click.echo(f"{changed.kind} tag {changed.id}: code {changed.code or '(none)'}")


@tag.command("prune")
@pass_context
def prune_tags(ctx: CliContext) -> None:
    """Delete every tag no article carries."""
    with ctx.store().session() as uow:
        removed = uow.tags.delete_unused()
    click.echo(f"{removed} unused tag(s) deleted")
