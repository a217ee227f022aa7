"""``newscms export FORMAT``: stored articles as JSON, ninjs, JSON-LD, feeds, sitemaps, print.

``newscms export redirects --format csv|nginx`` writes the redirect map from the
articles' legacy URLs to their new ones instead (``export_redirects``).
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click
from click.core import ParameterSource
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from newscms.cli._common import CliContext, fail, pass_context
from newscms.domain.status import Status
from newscms.errors import ValidationError
from newscms.services.exporting import (
    DEFAULT_URL_TEMPLATE,
    FEED_LIMIT,
    FORMATS,
    REDIRECT_FORMATS,
    ExportFilter,
    ExportOptions,
    export,
    export_redirects,
    make_site,
)
from newscms.services.importing import portable_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from newscms.formats import NinjsVersion, Site
    from newscms.services.exporting import ExportResult

__all__ = ["export_command"]

BASE_URL_ENV = "NEWSCMS_BASE_URL"
SITE_NAME_ENV = "NEWSCMS_SITE_NAME"
URL_TEMPLATE_ENV = "NEWSCMS_URL_TEMPLATE"
REDIRECTS = "redirects"
# The listing filters (parameter: option), which a redirect map does not take.
_FILTERS = {
    "locale": "--locale",
    "tag_slug": "--tag",
    "tag_kind": "--kind",
    "status": "--status",
    "public": "--public/--all",
    "limit": "--limit",
    "slug": "--slug",
}


def _output_path(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """``-o`` as a path; an empty one is a usage error (``Path("")`` would mean ``.``)."""
    if value is None:
        return None
    if not value:
        message = "is empty: give the path of a file (or, for sitemaps, a directory)"
        raise click.BadParameter(message, ctx, param)
    return Path(value)


@click.command("export")
@click.argument("format_name", metavar="FORMAT", type=click.Choice([*FORMATS, REDIRECTS]))
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    callback=_output_path,
    help="File to write (default: stdout); for sitemap and news-sitemap, a directory.",
)
@click.option(
    "--format",
    "redirect_format",
    type=click.Choice(list(REDIRECT_FORMATS)),
    help="redirects: a CSV file (legacy_url,new_url) or an nginx map [default: csv].",
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
    redirect_format: str | None,
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

    FORMAT redirects writes the map from the legacy URLs of public articles to their
    URLs on --base-url (see --url-template), as CSV or, with --format nginx, a map
    block for nginx's http context (docs/legacy-urls.md).
    """
    site: Site | None = None
    if base_url is not None:
        site = make_site(base_url, name=site_name, url_template=url_template, timezone=timezone)
    if format_name == REDIRECTS:
        _check_redirect_options(click.get_current_context())
        if site is None:
            fail(f"redirects sends readers to the new site: give --base-url (or {BASE_URL_ENV})")
        result = _written(
            ctx,
            output,
            "legacy URLs",
            lambda target, progress: export_redirects(
                ctx.store(), target, site=site, format=redirect_format or "csv", progress=progress
            ),
        )
        unit = "redirect"
    else:
        if redirect_format is not None:
            raise click.UsageError("--format is the format of FORMAT redirects; drop it")
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
        result = _written(
            ctx,
            output,
            "articles",
            lambda target, progress: export(
                ctx.store(),
                format_name,
                target,
                site=site,
                filters=filters,
                options=options,
                progress=progress,
            ),
        )
        unit = "URL" if FORMATS[format_name].directory else "article"
    if output is not None:
        files = f"{len(result.paths)} files in " if len(result.paths) > 1 else ""
        noun = unit if result.count == 1 else f"{unit}s"
        where = portable_name(os.fspath(output))
        ctx.errors.print(
            f"wrote {result.count:,} {noun} to {files}{where}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )


def _check_redirect_options(click_context: click.Context) -> None:
    """Refuse the listing filters for redirects: the map holds every public article's URLs."""
    for parameter, option in _FILTERS.items():
        if click_context.get_parameter_source(parameter) is ParameterSource.COMMANDLINE:
            raise click.UsageError(
                f"redirects maps the legacy URLs of every public article; drop {option}"
            )


def _written(
    ctx: CliContext,
    output: Path | None,
    things: str,
    write: Callable[[Path | IO[bytes], Callable[[int], None] | None], ExportResult],
) -> ExportResult:
    """Run one export into ``-o`` or stdout, with a progress line on a terminal.

    What stdout could not take is this command's error, and stdout is then silenced so
    the refusal does not come back as Python exits.
    """
    with ExitStack() as stack:
        progress = _progress(ctx.errors, stack, things)
        try:
            result = write(output if output is not None else sys.stdout.buffer, progress)
            if output is None:
                _flush_stdout()
        except ValidationError as exc:
            if output is None and exc.field == "output":
                _silence_stdout()
            raise
    return result


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


def _progress(
    console: Console, stack: ExitStack, things: str = "articles"
) -> Callable[[int], None] | None:
    """A progress line on stderr when it is a terminal; None (silence) otherwise."""
    if not console.is_terminal:
        return None
    bar = stack.enter_context(
        Progress(
            SpinnerColumn(),
            TextColumn(f"exporting: {{task.completed:,}} {things}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
    )
    task = bar.add_task("export", total=None)

    def advance(done: int) -> None:
        bar.update(task, completed=done)

    return advance
