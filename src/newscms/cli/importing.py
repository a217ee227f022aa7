"""``newscms import PATH...``: import legacy pages, HTML pages, WordPress exports and ninjs.

A thin shell over ``newscms.services.import_files``: it turns the options into
``ImportOptions``, shows progress (a bar on a terminal, one line per file otherwise),
then the summary table, or with ``--json`` the report as one JSON document
(docs/importing.md describes it). The exit status is 1 when any file failed.
"""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newscms.cli._common import CliContext, emit_json, pass_context
from newscms.errors import LocaleError, ValidationError
from newscms.importers import FORMATS, ImportOptions
from newscms.services.archive import (
    DEFAULT_ARCHIVE,
    DEFAULT_TRANSLATION_KEY,
    ArchiveOptions,
    read_group_map,
    read_tag_map,
)
from newscms.services.importing import (
    MAX_FILE_SIZE,
    OUTCOMES,
    collect_files,
    import_files,
)
from newscms.utils.dates import DEFAULT_ZONE, DateOrder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rich.console import Console

    from newscms.services.importing import FileResult, ImportReport

__all__ = ["describe", "import_command", "summary_table"]

_ORDERS = [order.value for order in DateOrder]
# ImportOptions fields and the options that set them, to name the culprit of a refusal.
_OPTION_OF = {
    "locale": "--locale",
    "timezone": "--timezone",
    "date_order": "--date-order",
    "see_also_date_order": "--see-also-date-order",
}

_ARCHIVE_OPTION = {
    "site": "--site",
    "translation_key": "--translation-key",
    "mapping": "--translation-map/--tag-map",
    "legacy_base": "--legacy-base",
}

_SIZE = re.compile(r"\s*(\d+)\s*(?:([kmg])(?:i?b)?|b)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _byte_count(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """``--max-file-size`` as bytes: ``64M``, ``512KiB``, ``2G`` or a plain number of bytes."""
    match = _SIZE.fullmatch(value)
    count = int(match[1]) * _UNITS[(match[2] or "").lower()] if match else 0
    if count < 1:
        message = f"{value!r} is not a size: write a positive number of bytes, or 64M, 512K, 2G"
        raise click.BadParameter(message, ctx, param)
    return count


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="Read every file in this format instead of detecting it.",
)
@click.option("--locale", help="Locale of every article (BCP 47); default: detected per file.")
@click.option(
    "--timezone",
    default=DEFAULT_ZONE,
    show_default=True,
    help="IANA zone of dates written without an offset (the site's wall clock).",
)
@click.option(
    "--date-order",
    type=click.Choice(_ORDERS),
    default=DateOrder.INFER.value,
    show_default=True,
    help="How to read an article's own dd/dd/yyyy date.",
)
@click.option(
    "--see-also-date-order",
    type=click.Choice(_ORDERS),
    help="How to read the dates of a legacy page's See also list (default: from the list).",
)
@click.option(
    "--source-root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory the source identities are relative to (default: absolute paths).",
)
@click.option(
    "--max-file-size",
    metavar="SIZE",
    default=f"{MAX_FILE_SIZE // 1024**2}M",
    callback=_byte_count,
    show_default=True,
    help="The largest file read; a larger one fails, unread (K, M, G: binary units).",
)
@click.option(
    "--site",
    default=DEFAULT_ARCHIVE.site,
    show_default=True,
    help="Name of the site the pages come from: date conventions and editions are per site.",
)
@click.option(
    "--translation-key",
    metavar="REGEX",
    default=DEFAULT_TRANSLATION_KEY,
    show_default=True,
    help="Regular expression whose first group, found in a file's path, keys its story's "
    "editions; '' turns it off.",
)
@click.option(
    "--translation-map",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of locator,group: the translation group of each file (wins over the key).",
)
@click.option(
    "--tag-map",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of kind,locale,name,code: tags of one code are one tag (wins over CLDR).",
)
@click.option(
    "--places/--no-places",
    default=True,
    show_default=True,
    help="Make region tags that name a CLDR territory one tag per ISO 3166 code.",
)
@click.option(
    "--align-tags/--no-align-tags",
    default=True,
    show_default=True,
    help="After the import, make one tag of tags that stand at the same place in the "
    "editions of stories.",
)
@click.option(
    "--legacy-base",
    metavar="URL",
    default="/",
    show_default=True,
    help="URL prefix the files were served under: a file's path under the source root, "
    "joined to it, is its article's legacy URL (see 'newscms export redirects'); "
    "'' keeps only the URLs pages name themselves.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes that parse files while one writes (default: one per CPU from 1,000 files on).",
)
@click.option("--dry-run", is_flag=True, help="Parse and compare everything; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON document.")
@pass_context
def import_command(
    ctx: CliContext,
    *,
    paths: tuple[Path, ...],
    format_: str,
    locale: str | None,
    timezone: str,
    date_order: str,
    see_also_date_order: str | None,
    source_root: Path | None,
    max_file_size: int,
    site: str,
    translation_key: str,
    translation_map: Path | None,
    tag_map: Path | None,
    places: bool,
    align_tags: bool,
    legacy_base: str,
    workers: int | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import news from PATHs (files or directories, which recurse), one transaction per file.

    Importing a source again updates its article instead of duplicating it. Only
    regular files are read: in a directory, links that lead out of it, FIFOs, sockets
    and devices are skipped; named on the command line, anything but a file fails.
    The exit status is 1 when any file failed (it wrote nothing; the others were
    imported).
    """
    options = _options(locale, timezone, date_order, see_also_date_order)
    try:
        archive = ArchiveOptions(
            site=site,
            translation_key=translation_key or None,
            translation_groups=read_group_map(translation_map) if translation_map else {},
            tag_codes=read_tag_map(tag_map) if tag_map else {},
            recognize_places=places,
            align_tags=align_tags,
            legacy_base=legacy_base or None,
        )
    except ValidationError as exc:
        option = _ARCHIVE_OPTION.get(exc.field or "", "--site")
        raise click.BadParameter(exc.message, param_hint=f"'{option}'") from None
    try:
        files = collect_files(paths, source_root=source_root)
    except ValidationError as exc:
        raise click.BadParameter(exc.message, param_hint="'--source-root'") from None
    store = ctx.store()
    try:
        console = ctx.errors if as_json else ctx.console
        with _progress(console, len(files), quiet=as_json, dry_run=dry_run) as show:
            report = import_files(
                store,
                files,
                format=format_,
                options=options,
                dry_run=dry_run,
                max_file_size=max_file_size,
                progress=show,
                archive=archive,
                workers=workers,
            )
    finally:
        store.dispose()
    if as_json:
        emit_json(report.to_json())
    else:
        ctx.console.print(summary_table(report))
        for alignment in report.alignments:
            names = " / ".join(f"{name} ({loc})" for loc, name in alignment.names.items())
            ctx.console.print(
                f"[green]one tag:[/] {names}: {alignment.evidence}", soft_wrap=True, highlight=False
            )
        for conflict in report.legacy_url_conflicts:
            ctx.console.print(
                f"[yellow]legacy URL kept by another article:[/] {conflict.url} "
                f"({conflict.holder_id}, not {conflict.article_id})",
                soft_wrap=True,
                highlight=False,
            )
        for item in report.failures:
            ctx.console.print(f"[red]failed:[/] {item.error}", soft_wrap=True, highlight=False)
    if not report.ok:
        raise SystemExit(1)


def _options(
    locale: str | None, timezone: str, date_order: str, see_also_date_order: str | None
) -> ImportOptions:
    """The options as ``ImportOptions``; a refused value is a usage error naming its option."""
    try:
        return ImportOptions(
            locale=locale,
            timezone=timezone,
            date_order=DateOrder(date_order),
            see_also_date_order=DateOrder(see_also_date_order) if see_also_date_order else None,
        )
    except ValidationError as exc:
        default = "--locale" if isinstance(exc, LocaleError) else "--timezone"
        option = _OPTION_OF.get(exc.field or "", default)
        raise click.BadParameter(exc.message, param_hint=f"'{option}'") from None


@contextmanager
def _progress(
    console: Console, total: int, *, quiet: bool, dry_run: bool
) -> Iterator[Callable[[FileResult], None]]:
    """Show each file's result: a bar with counts on a terminal, else a line per file."""
    if not console.is_terminal:
        prefix = "(dry run) " if dry_run else ""
        if quiet:
            yield lambda result: None
        else:
            yield lambda result: console.print(
                prefix + describe(result), soft_wrap=True, markup=False, highlight=False
            )
        return
    counts: Counter[str] = Counter()
    columns = (
        TextColumn("checking" if dry_run else "importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("import", total=total, counts="")

        def advance(result: FileResult) -> None:
            counts.update(item.outcome for item in result.items)
            text = ", ".join(f"{counts[name]} {name}" for name in OUTCOMES if counts[name])
            bar.update(task, advance=1, counts=text)

        yield advance


def describe(result: FileResult) -> str:
    """One line saying what became of a file, for logs and non-terminal output."""
    if len(result.items) == 1 and result.items[0].source in (None, result.file):
        item = result.items[0]
        if item.outcome == "failed":
            return f"failed     {item.error}"
        if item.outcome == "skipped":
            return f"skipped    {result.file} ({item.error})"
        group = f" (editions {item.translation_group})" if item.translation_group else ""
        return f"{item.outcome:<10} {result.file} -> {item.slug or '(slug on creation)'}{group}"
    counts = Counter(item.outcome for item in result.items)
    parts = [f"{counts[name]} {name}" for name in OUTCOMES if counts[name]] or ["no articles"]
    if result.skipped:
        parts.append("skipped " + ", ".join(f"{n} {k}" for k, n in sorted(result.skipped.items())))
    return f"{result.format or '?':<10} {result.file}: {'; '.join(parts)}"


def summary_table(report: ImportReport) -> Table:
    """The report's counts as a table: outcomes, skipped kinds, relations."""
    title = "Dry run: nothing was written" if report.dry_run else "Import"
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files", str(report.files))
    for name in ("created", "updated", "unchanged", "failed"):
        style = "red" if name == "failed" and report.failed else ""
        table.add_row(name, str(getattr(report, name)), style=style)
    for kind, count in report.skipped.items():
        table.add_row(f"skipped: {kind}", str(count))
    table.add_row("relations resolved", str(report.relations_resolved))
    table.add_row("relations pending", str(report.relations_pending))
    if report.alignments:
        table.add_row("tags made one", str(len(report.alignments)))
    kept = sum(len(item.legacy_urls) for item in report.items)
    if kept:
        table.add_row("legacy URLs", str(kept - len(report.legacy_url_conflicts)))
    for (locale, kind), (month, day) in sorted(report.date_evidence.votes.items()):
        table.add_row(f"{kind.value} dates, {locale}: month-first / day-first", f"{month} / {day}")
    return table
