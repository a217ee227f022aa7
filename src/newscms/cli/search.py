"""``newscms search``, ``newscms reindex`` and ``newscms article related``.

Thin shells over ``uow.search.search``, ``newscms.store.search.reindex`` and
``uow.related.find``: they parse options, call the function and print the result, as a
table (matches in bold) or, with ``--json``, as the stable JSON of docs/cli.md.
"""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newscms.cli._common import CliContext, emit_json, pass_context, published_label
from newscms.formats.json import to_json

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["marked_text", "reindex_command", "related_command", "search_command"]

_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


def marked_text(fragment: str) -> Text:
    """A search hit's HTML (escaped text with ``<mark>`` around matches) as rich text."""
    text = Text()
    cursor = 0
    for match in _MARK.finditer(fragment):
        text.append(html.unescape(fragment[cursor : match.start()]))
        text.append(html.unescape(match.group(1)), style="bold yellow")
        cursor = match.end()
    text.append(html.unescape(fragment[cursor:]))
    return text


# A query may start with "-" (an exclusion): it is the query, not an unknown option.
@click.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query")
@click.option("--locale", help="Only this locale; PostgreSQL also stems the query in its language.")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Also drafts, scheduled and archived articles (what editors search).",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 200))
@click.option("--cursor", help="Cursor printed by the previous page.")
@click.option("--json", "as_json", is_flag=True, help="Print the page of hits as JSON.")
@pass_context
def search_command(
    ctx: CliContext,
    *,
    query: str,
    locale: str | None,
    everything: bool,
    limit: int,
    cursor: str | None,
    as_json: bool,
) -> None:
    """Search articles: words, "a phrase", either or other, -excluded, prefix*."""
    with ctx.store().session(readonly=True) as uow:
        page = uow.search.search(
            query, locale=locale, public=not everything, limit=limit, cursor=cursor
        )
    if as_json:
        emit_json(to_json(page))
        return
    table = Table(show_lines=True)
    for name in ("published", "locale", "slug", "headline", "snippet"):
        table.add_column(name, overflow="fold")
    for hit in page.items:
        item = hit.article
        when = published_label(item) if item.published_at else item.status.value
        table.add_row(
            when, item.locale, item.slug, marked_text(hit.headline), marked_text(hit.snippet)
        )
    ctx.console.print(table if page.items else "no articles match")
    if page.next_cursor:
        ctx.console.print(f"next page: --cursor {page.next_cursor}", soft_wrap=True)


@click.command("reindex")
@click.option("--locale", help="Only the articles of this locale.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@pass_context
def reindex_command(ctx: CliContext, *, locale: str | None, batch_size: int) -> None:
    """Rebuild the search index, one transaction per batch (the site stays up)."""
    from newscms.store.search import reindex

    store = ctx.store()
    with _progress(ctx) as show:
        done = reindex(store, locale=locale, batch_size=batch_size, progress=show)
    ctx.console.print(f"{done} articles indexed")


@contextmanager
def _progress(ctx: CliContext) -> Iterator[Callable[[int, int], None]]:
    """Show a rebuild's progress: a bar on a terminal, a line per batch otherwise."""
    console = ctx.console
    if not console.is_terminal:
        yield lambda done, total: console.print(f"indexed {done}/{total}", highlight=False)
        return
    columns = (TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("reindex", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@click.command("related")
@click.argument("slug")
@click.option("--locale", help="Locale of the slug (default: the site's default locale).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
@pass_context
def related_command(
    ctx: CliContext, *, slug: str, locale: str | None, limit: int, as_json: bool
) -> None:
    """Articles to read after SLUG: editors' picks first, then by shared rare tags."""
    store = ctx.store()
    with store.session(readonly=True) as uow:
        source = uow.articles.get_by_slug(locale or store.settings.default_locale, slug)
        related = uow.related.find(source.id, limit=limit)
    if as_json:
        emit_json([to_json(item) for item in related])
        return
    if not related:
        ctx.console.print("no related articles")
        return
    table = Table()
    for name in ("why", "published", "slug", "headline"):
        table.add_column(name, overflow="fold")
    for item in related:
        why = item.relation_kind or "related"
        if item.reason == "tags":
            why = "tags: " + ", ".join(tag.name for tag in item.shared_tags)
        table.add_row(
            why,
            published_label(item.article),
            item.article.slug,
            item.article.headline,
        )
    ctx.console.print(table)
