"""``newscms export FORMAT``: stored articles as JSON, ninjs, JSON-LD, feeds, sitemaps, print."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from newscms.cli._common import CliContext, fail, pass_context
from newscms.domain.status import Status
from newscms.errors import ValidationError
from newscms.services.exporting import (
    DEFAULT_URL_TEMPLATE,
    FEED_LIMIT,
    FORMATS,
    ExportFilter,
    ExportOptions,
    export,
    make_site,
)
from newscms.services.importing import portable_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from newscms.formats import NinjsVersion, Site

__all__ = ["export_command"]

BASE_URL_ENV = "NEWSCMS_BASE_URL"
SITE_NAME_ENV = "NEWSCMS_SITE_NAME"
URL_TEMPLATE_ENV = "NEWSCMS_URL_TEMPLATE"


def _output_path(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """``-o`` as a path; an empty one is a usage error (``Path("")`` would mean ``.``)."""
    if value is None:
        return None
    if not value:
        message = "is empty: give the path of a file (or, for sitemaps, a directory)"
        raise click.BadParameter(message, ctx, param)
    return Path(value)


@click.command("export")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(list(FORMATS)))
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    callback=_output_path,
    help="File to write (default: stdout); for sitemap and news-sitemap, a directory.",
)
@click.option("--locale", help="Only this locale (BCP 47); also the feed's language.")
@click.option("--tag", "tag_slug", help="Only articles with this tag slug.")
@click.option("--kind", "tag_kind", help="Kind of --tag (topic, region, ...), or alone: any tag.")
@click.option("--status", type=click.Choice([s.value for s in Status]), help="Only this status.")
@click.option(
    "--public/--all",
    "public",
    default=None,
    help="Only what the public sees now, or every status "
    "[default: --public for feeds and sitemaps, --all otherwise].",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help=f"At most this many articles, newest first [default: {FEED_LIMIT} for feeds, all].",
)
@click.option("--slug", help="One article (json, ninjs, jsonld, print), in --locale.")
@click.option("--base-url", envvar=BASE_URL_ENV, help=f"The site's home page (or {BASE_URL_ENV}).")
@click.option(
    "--site-name", envvar=SITE_NAME_ENV, help="Publication name [default: the host name]."
)
@click.option(
    "--url-template",
    envvar=URL_TEMPLATE_ENV,
    default=DEFAULT_URL_TEMPLATE,
    show_default=True,
    help="Article URLs: {base_url}, {locale}, {language}, {slug}, {id}, {year}, {month}, {day}.",
)
@click.option("--timezone", default="UTC", show_default=True, help="The newsroom's IANA zone.")
@click.option(
    "--ninjs-version", type=click.Choice(["2.2", "2.1"]), default="2.2", show_default=True
)
@click.option(
    "--full-content", is_flag=True, help="Feeds: each body as HTML, not only the summary."
)
@click.option("--html", is_flag=True, help="print: the print-styled HTML page (needs --slug).")
@click.option("--title", help="Feeds: the title [default: the site name].")
@click.option("--description", help="Feeds: one sentence about the listing.")
@click.option("--feed-url", help="Feeds: where the feed will be served (its self link).")
@click.option(
    "--files-url", help="Sitemaps: where the directory will be served [default: --base-url]."
)
@pass_context
def export_command(
    ctx: CliContext,
    *,
    format_name: str,
    output: Path | None,
    locale: str | None,
    tag_slug: str | None,
    tag_kind: str | None,
    status: str | None,
    public: bool | None,
    limit: int | None,
    slug: str | None,
    base_url: str | None,
    site_name: str | None,
    url_template: str,
    timezone: str,
    ninjs_version: NinjsVersion,
    full_content: bool,
    html: bool,
    title: str | None,
    description: str | None,
    feed_url: str | None,
    files_url: str | None,
) -> None:
    """Export stored articles in FORMAT, streaming: any number of articles fits in memory.

    FORMAT is json, ninjs, jsonld, rss, atom, sitemap, news-sitemap or print.
    Feeds and sitemaps take what the public sees; json, ninjs, jsonld and print take
    every status unless --public is given. sitemap and news-sitemap write a directory
    (-o DIR): the index (sitemap.xml, news-sitemap.xml) and its numbered files. Every
    format but json, ninjs and print needs --base-url for the article URLs.
    """
    site: Site | None = None
    if base_url is not None:
        site = make_site(base_url, name=site_name, url_template=url_template, timezone=timezone)
    filters = ExportFilter(
        locale=locale,
        tag=tag_slug,
        tag_kind=tag_kind,
        status=status,
        public=public,
        limit=limit,
        slug=slug,
    )
    options = ExportOptions(
        ninjs_version=ninjs_version,
        full_content=full_content,
        html=html,
        title=title,
        description=description,
        feed_url=feed_url,
        files_url=files_url,
    )
    if output is None and FORMATS[format_name].directory:
        fail(f"{format_name} writes a directory of files: give it with -o DIR")
    store = ctx.store()
    with ExitStack() as stack:
        progress = _progress(ctx.errors, stack)
        try:
            result = export(
                store,
                format_name,
                output if output is not None else sys.stdout.buffer,
                site=site,
                filters=filters,
                options=options,
                progress=progress,
            )
            if output is None:
                _flush_stdout()
        except ValidationError as exc:
            if output is None and exc.field == "output":
                _silence_stdout()
            raise
    if output is not None:
        unit = "URL" if FORMATS[format_name].directory else "article"
        files = f"{len(result.paths)} files in " if len(result.paths) > 1 else ""
        noun = unit if result.count == 1 else f"{unit}s"
        where = portable_name(os.fspath(output))
        ctx.errors.print(
            f"wrote {result.count:,} {noun} to {files}{where}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )


def _flush_stdout() -> None:
    """Hand stdout what is buffered now, so a refused write is this command's error."""
    try:
        sys.stdout.buffer.flush()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ValidationError(f"cannot write stdout: {reason}", field="output") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null: what it refused must not fail again as Python exits."""
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (a test runner's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def _progress(console: Console, stack: ExitStack) -> Callable[[int], None] | None:
    """A progress line on stderr when it is a terminal; None (silence) otherwise."""
    if not console.is_terminal:
        return None
    bar = stack.enter_context(
        Progress(
            SpinnerColumn(),
            TextColumn("exporting: {task.completed:,} articles"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
    )
    task = bar.add_task("export", total=None)

    def advance(done: int) -> None:
        bar.update(task, completed=done)

    return advance
