"""``newscms people ...``: list, rename and merge the people bylines credit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from newscms.cli._common import CliContext, emit_json, pass_context
from newscms.domain.people import PersonPatch
from newscms.formats.json import to_json

if TYPE_CHECKING:
    from newscms.domain.people import PersonProfile
    from newscms.store import UnitOfWork

__all__ = ["people"]

_PAGE = 200


@click.group()
def people() -> None:
    """List and maintain the people bylines credit."""


@people.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the people as JSON.")
@pass_context
def list_people(ctx: CliContext, *, as_json: bool) -> None:
    """List everyone credited, by name, with their spellings and slugs."""
    found: list[PersonProfile] = []
    with ctx.store().session(readonly=True) as uow:
        cursor: str | None = None
        while True:
            page = uow.people.list(limit=_PAGE, cursor=cursor)
            found.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
    if as_json:
        emit_json([to_json(person) for person in found])
        return
    table = Table()
    for name in ("name", "also credited as", "slugs", "id"):
        table.add_column(name, overflow="fold")
    for person in found:
        slugs = ", ".join(f"{slug} [{loc}]" for loc, slug in person.slugs.items())
        table.add_row(person.name, ", ".join(person.names[1:]), slugs, str(person.id))
    ctx.console.print(table)


def _find(ctx: CliContext, uow: UnitOfWork, slug: str, locale: str | None) -> PersonProfile:
    return uow.people.get_by_slug(locale or ctx.store().settings.default_locale, slug)


@people.command("rename")
@click.argument("slug")
@click.argument("name")
@click.option("--locale", help="The locale of the slug (default: the site's).")
@pass_context
def rename_person(ctx: CliContext, *, slug: str, name: str, locale: str | None) -> None:
    """Give the person SLUG the name NAME (new slugs; the old ones keep resolving)."""
    with ctx.store().session() as uow:
        found = _find(ctx, uow, slug, locale)
        renamed = uow.people.update(
            found.id, PersonPatch(expected_version=found.version, name=name)
        )
    slugs = ", ".join(f"{s} [{loc}]" for loc, s in renamed.slugs.items())
    click.echo(f"{renamed.name} ({renamed.id}): {slugs}")


@people.command("merge")
@click.argument("source_slug")
@click.argument("into_slug")
@click.option("--locale", help="The locale of both slugs (default: the site's).")
@pass_context
def merge_people(ctx: CliContext, *, source_slug: str, into_slug: str, locale: str | None) -> None:
    """Fold SOURCE_SLUG into INTO_SLUG: one person, both spellings, every slug resolving."""
    with ctx.store().session() as uow:
        source = _find(ctx, uow, source_slug, locale)
        into = _find(ctx, uow, into_slug, locale)
        merged = uow.people.merge(source.id, into.id)
    click.echo(f"{merged.name} ({merged.id}), credited as: {', '.join(merged.names)}")
