"""``newscms demo``: build the demo database from the example documents and show it.

A thin shell over ``newscms.services.run_demo``: it prints the import's summary, the
stored articles, the sample page's region tags, its "see also" items and the imported
pages that link to it, and where the database and the other outputs are.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newscms.cli._common import CliContext, pass_context
from newscms.cli.articles import article_table
from newscms.cli.importing import summary_table
from newscms.domain import TagKind
from newscms.services.demo import MEDIA_DIRECTORY, SAMPLE_PAGE, run_demo
from newscms.utils.dates import DEFAULT_ZONE, format_date

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from rich.console import Console

    from newscms.domain import Article, Relation

__all__ = ["demo"]


@click.command()
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Directory for the demo database and outputs (an old demo database is replaced).",
)
@click.option(
    "--examples",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("examples"),
    show_default=True,
    help="Directory of example documents to import.",
)
@pass_context
def demo(ctx: CliContext, *, output: Path, examples: Path) -> None:
    """Import the example documents into a fresh SQLite database and show the result.

    The demo uses its own database in --output; --db is not used.
    """
    report = run_demo(output, examples=examples)
    console = ctx.console
    console.print(summary_table(report.imported))
    for item in report.imported.failures:
        console.print(f"[red]failed:[/] {item.error}", soft_wrap=True, highlight=False)
    console.print(article_table(report.articles, title=f"Articles imported from {examples}"))
    if report.sample is None:
        console.print(f"The sample page {SAMPLE_PAGE.locator} is not among the examples.")
    else:
        _show_sample(console, report.sample, report.linked_from)
    console.print(f"\nDatabase: {report.database} ({report.database_url})", soft_wrap=True)
    console.print(f"Outputs in {report.output_dir}/:", soft_wrap=True)
    for path in report.outputs:
        console.print(f"  {path}", soft_wrap=True, highlight=False)
    console.print(f"Explore it: newscms --db {report.database_url} article list", soft_wrap=True)
    media = report.output_dir / MEDIA_DIRECTORY
    browse = f"{_program()} serve --db {report.database_url} --media-dir {media}"
    console.print(f"Browse it at http://127.0.0.1:8000/ after running: {browse}", soft_wrap=True)
    if not report.imported.ok:
        raise SystemExit(1)


def _program() -> str:
    """How to run ``newscms`` from here: its name when it is on PATH, else the path used.

    ``make demo`` runs ``.venv/bin/newscms``, which a fresh clone does not have on PATH.
    """
    used = sys.argv[0]
    if Path(used).name != "newscms" or os.sep not in used:
        return "newscms"
    found = shutil.which("newscms")
    if found is not None and Path(found).resolve() == Path(used).resolve():
        return "newscms"
    return used


def _show_sample(console: Console, sample: Article, linked_from: Sequence[Relation]) -> None:
    """The sample page's article: headline, date, region tags, "see also" items, links to it."""
    zone = sample.date_provenance.zone if sample.date_provenance else DEFAULT_ZONE
    console.print(f"\n[bold]The sample page[/] ({SAMPLE_PAGE.locator})", highlight=False)
    console.print(f"  {sample.headline}", highlight=False, markup=False)
    if sample.published_at is not None:
        console.print(f"  published {_day(sample.published_at, sample.locale, zone)}")
    regions = ", ".join(tag.name for tag in sample.tags_of_kind(TagKind.REGION)) or "none"
    console.print(f"  region tags: {regions}", highlight=False, markup=False)
    console.print("  see also:")
    for relation in sample.relations:
        target, pending = relation.target, relation.pending
        if target is not None:
            when = _day(target.published_at, sample.locale, zone) if target.published_at else ""
            line = f"    {target.headline} ({when}) -> /{target.slug}  resolved"
        elif pending is not None:
            label = pending.title or pending.url or pending.slug or ""
            when = _day(pending.published_at, sample.locale, zone) if pending.published_at else ""
            line = f"    {label} ({when})  pending: not imported yet"
        else:
            continue
        console.print(line, soft_wrap=True, highlight=False, markup=False)
    for relation in linked_from:
        source = relation.source
        when = _day(source.published_at, source.locale, zone) if source.published_at else ""
        line = f"  linked from: {source.headline} ({when}), its {relation.kind}  resolved"
        console.print(line, soft_wrap=True, highlight=False, markup=False)


def _day(value: datetime, locale: str, zone: str) -> str:
    """A date as the site's readers see it (legacy dates are wall-clock dates in its zone)."""
    return format_date(value, locale, zone=zone, format="medium")
