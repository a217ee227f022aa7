"""``newscms article ...``: list and show stored articles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from newscms.cli._common import CliContext, emit_json, pass_context, published_label
from newscms.domain.status import Status
from newscms.formats.json import to_json

if TYPE_CHECKING:
    from collections.abc import Sequence

    from newscms.domain.article import Article

__all__ = ["article"]


@click.group()
def article() -> None:
    """List and show articles, and move them through the editorial workflow."""


def article_table(articles: Sequence[Article], *, title: str | None = None) -> Table:
    """A rich table of articles: date, locale, status, slug, headline, tags."""
    table = Table(title=title, show_lines=False)
    for name in ("published", "locale", "status", "slug", "headline", "tags"):
        table.add_column(name, overflow="fold")
    for item in articles:
        tags = ", ".join(f"{t.name} ({t.kind})" for t in item.tags)
        table.add_row(
            published_label(item), item.locale, item.status.value, item.slug, item.headline, tags
        )
    return table


@article.command("list")
@click.option("--locale", help="Only this locale (BCP 47, e.g. en, it, zh-Hans).")
@click.option("--tag", "tag_slug", help="Only articles with this tag slug.")
@click.option(
    "--kind", "tag_kind", help="Kind of --tag (topic, region, ...), or alone: any tag of it."
)
@click.option("--status", type=click.Choice([s.value for s in Status]), help="Only this status.")
@click.option("--public", is_flag=True, help="Only what the public can see now.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 200))
@click.option("--cursor", help="Cursor printed by the previous page.")
@click.option("--json", "as_json", is_flag=True, help="Print the page as JSON.")
@pass_context
def list_articles(
    ctx: CliContext,
    *,
    locale: str | None,
    tag_slug: str | None,
    tag_kind: str | None,
    status: str | None,
    public: bool,
    limit: int,
    cursor: str | None,
    as_json: bool,
) -> None:
    """List articles, newest first, one page at a time."""
    store = ctx.store()
    with store.session(readonly=True) as uow:
        tag_id = None
        if tag_slug is not None:
            tag_locale = locale or store.settings.default_locale
            tag_id = uow.tags.get_by_slug(tag_slug, locale=tag_locale, kind=tag_kind).id
        page = uow.articles.list(
            locale=locale,
            status=status,
            public=public,
            tag=tag_id,
            tag_kind=tag_kind if tag_slug is None else None,
            limit=limit,
            cursor=cursor,
        )
    if as_json:
        emit_json(to_json(page))
        return
    ctx.console.print(article_table(page.items))
    if page.next_cursor:
        ctx.console.print(f"next page: --cursor {page.next_cursor}", soft_wrap=True)


@article.command("show")
@click.argument("slug")
@click.option("--locale", help="Locale of the slug (default: the site's default locale).")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@pass_context
def show_article(ctx: CliContext, *, slug: str, locale: str | None, as_json: bool) -> None:
    """Show one article by its slug (an old slug finds it too)."""
    store = ctx.store()
    with store.session(readonly=True) as uow:
        found = uow.articles.get_by_slug(locale or store.settings.default_locale, slug)
    if as_json:
        emit_json(to_json(found))
        return
    console = ctx.console
    if found.slug != slug:
        console.print(f"[yellow]{slug!r} is a former slug; the article is now at {found.slug!r}[/]")
    console.print(f"[bold]{found.headline}[/]")
    if found.subheadline:
        console.print(found.subheadline)
    details = [
        f"id {found.id}",
        f"locale {found.locale}",
        f"status {found.status.value}",
        f"version {found.version}",
    ]
    if found.published_at:
        details.append(f"published {found.published_at.isoformat()}")
    console.print(" · ".join(details))
    if found.byline:
        console.print("by " + ", ".join(p.name for p in found.byline))
    if found.dateline:
        console.print(f"dateline {found.dateline.place or ''} ({found.dateline.source or ''})")
    if found.tags:
        console.print("tags: " + ", ".join(f"{t.name} ({t.kind})" for t in found.tags))
    if found.summary:
        console.print(f"\n{found.summary}\n")
    for relation in found.relations:
        target = relation.target
        if target is not None:
            when = target.published_at.date().isoformat() if target.published_at else "—"
            console.print(f"  {relation.kind}: {target.headline} ({when}) /{target.slug}")
        elif relation.pending is not None:
            pending = relation.pending
            label = pending.title or pending.url or pending.slug
            console.print(f"  {relation.kind}: {label} [dim](pending)[/]")
