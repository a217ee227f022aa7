"""``newscms article publish|schedule|unpublish|archive|correct|history|diff|restore``.

Each command finds the article by slug (in ``--locale``, default the site's locale),
calls one workflow method and prints the result; ``--version`` makes the change
conditional on the version the editor saw, exactly like the API's ``expected_version``.
"""

from __future__ import annotations

import functools
import getpass
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from newscms.cli._common import CliContext, emit_json, pass_context
from newscms.domain.article import ArticlePatch
from newscms.errors import ValidationError
from newscms.formats.json import to_json

if TYPE_CHECKING:
    from collections.abc import Callable

    from newscms.domain.article import Article
    from newscms.store import UnitOfWork

__all__ = ["WORKFLOW_COMMANDS"]


def _moment(value: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"{value!r} is not an ISO 8601 time like 2026-03-09T08:30+01:00", field=option
        ) from None
    if moment.tzinfo is None:
        raise ValidationError("give the time with its offset, e.g. +01:00 or Z", field=option)
    return moment


def _actor(value: str | None) -> str | None:
    if value:
        return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


locale_option = click.option("--locale", help="Locale of the slug (default: the site's).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
actor_option = click.option("--actor", help="Who makes the change (default: your user name).")


@dataclass(frozen=True, slots=True)
class Target:
    """The article a change command works on, and how the change is made and shown."""

    slug: str
    locale: str | None
    expected_version: int | None
    actor: str | None
    as_json: bool


def change_command(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command the options every change shares, gathered into one ``Target``.

    The command itself declares only its own options (below this decorator).
    """

    @functools.wraps(func)
    def command(
        ctx: CliContext,
        *,
        slug: str,
        locale: str | None,
        expected_version: int | None,
        actor: str | None,
        as_json: bool,
        **own: Any,
    ) -> None:
        func(ctx, Target(slug, locale, expected_version, actor, as_json), **own)

    shared = (
        click.argument("slug"),
        locale_option,
        click.option(
            "--expected-version", type=int, help="Only if the article is still at this version."
        ),
        actor_option,
        json_option,
    )
    decorated: Callable[..., None] = pass_context(command)
    for option in reversed(shared):
        decorated = option(decorated)
    return decorated


def _change(
    ctx: CliContext, target: Target, action: Callable[[UnitOfWork, Article], Article]
) -> None:
    """Find the target article, apply ``action`` in one transaction, print the result."""
    store = ctx.store()
    with store.session(actor=_actor(target.actor)) as uow:
        found = uow.articles.get_by_slug(
            target.locale or store.settings.default_locale, target.slug
        )
        changed = action(uow, found)
    if target.as_json:
        emit_json(to_json(changed))
        return
    when = changed.published_at.isoformat() if changed.published_at else "no publication time"
    if changed.expires_at is not None:
        when += f", expires {changed.expires_at.isoformat()}"
    ctx.console.print(
        f"{changed.locale}/{changed.slug}: {changed.status.value}, version {changed.version}, "
        f"{when}"
    )


@click.command()
@change_command
@click.option("--at", help="A past publication time (ISO 8601 with offset); default now.")
def publish(ctx: CliContext, target: Target, *, at: str | None) -> None:
    """Publish a draft or scheduled article now."""
    moment = _moment(at, "at") if at else None
    _change(
        ctx,
        target,
        lambda uow, a: uow.workflow.publish(
            a.id, at=moment, expected_version=target.expected_version
        ),
    )


@click.command()
@change_command
@click.argument("at")
def schedule(ctx: CliContext, target: Target, *, at: str) -> None:
    """Schedule an article for AT (ISO 8601 with offset, e.g. 2026-03-09T08:30+01:00)."""
    moment = _moment(at, "at")
    _change(
        ctx,
        target,
        lambda uow, a: uow.workflow.schedule(
            a.id, moment, expected_version=target.expected_version
        ),
    )


@click.command()
@change_command
def unpublish(ctx: CliContext, target: Target) -> None:
    """Take an article back to draft."""
    _change(
        ctx,
        target,
        lambda uow, a: uow.workflow.unpublish(a.id, expected_version=target.expected_version),
    )


@click.command()
@change_command
def archive(ctx: CliContext, target: Target) -> None:
    """Take an article out of public view for good."""
    _change(
        ctx,
        target,
        lambda uow, a: uow.workflow.archive(a.id, expected_version=target.expected_version),
    )


@click.command()
@change_command
@click.argument("at", required=False)
@click.option("--never", is_flag=True, help="Remove the expiry: the article stays public.")
def expire(ctx: CliContext, target: Target, *, at: str | None, never: bool) -> None:
    """Take an article out of public view at AT (ISO 8601 with offset), or --never."""
    if (at is None) == (not never):
        raise ValidationError("give a time (AT) or --never, not both", field="at")
    moment = _moment(at, "at") if at else None

    def action(uow: UnitOfWork, found: Article) -> Article:
        patch = ArticlePatch(
            expected_version=target.expected_version or found.version, expires_at=moment
        )
        return uow.articles.update(found.id, patch)

    _change(ctx, target, action)


@click.command()
@change_command
@click.option("--note", required=True, help="The public correction note readers will see.")
@click.option("--headline", help="The corrected headline.")
@click.option("--summary", help="The corrected summary.")
@click.option(
    "--body-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file holding the corrected body (HTML).",
)
def correct(
    ctx: CliContext,
    target: Target,
    *,
    note: str,
    headline: str | None,
    summary: str | None,
    body_file: Path | None,
) -> None:
    """Correct a published article and log the correction publicly."""
    fields: dict[str, Any] = {}
    if headline is not None:
        fields["headline"] = headline
    if summary is not None:
        fields["summary"] = summary
    if body_file is not None:
        try:
            fields["body"] = body_file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"{body_file} is not UTF-8 text (byte {exc.start}); convert it first",
                field="body_file",
            ) from None
        except OSError as exc:
            raise ValidationError(
                f"cannot read {body_file}: {exc.strerror}", field="body_file"
            ) from None
    if not fields:
        raise ValidationError("give --headline, --summary or --body-file", field="changes")

    def action(uow: UnitOfWork, found: Article) -> Article:
        patch = ArticlePatch.model_validate(
            {"expected_version": target.expected_version or found.version, **fields}
        )
        return uow.workflow.correct(found.id, patch, note=note)

    _change(ctx, target, action)


@click.command()
@click.argument("slug")
@locale_option
@json_option
@pass_context
def history(ctx: CliContext, *, slug: str, locale: str | None, as_json: bool) -> None:
    """List every saved revision of an article: who, when, what changed."""
    store = ctx.store()
    with store.session(readonly=True) as uow:
        found = uow.articles.get_by_slug(locale or store.settings.default_locale, slug)
        revisions = uow.revisions.list(found.id)
    if as_json:
        emit_json(
            [
                {
                    "version": r.version,
                    "created_at": r.created_at.isoformat(),
                    "actor": r.actor,
                    "action": r.action,
                    "changed_fields": list(r.changed_fields),
                }
                for r in revisions
            ]
        )
        return
    table = Table(title=f"{found.locale}/{found.slug}")
    for name in ("version", "when", "who", "action", "changed"):
        table.add_column(name, overflow="fold")
    for r in revisions:
        table.add_row(
            str(r.version),
            r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            r.actor or "—",
            r.action,
            ", ".join(r.changed_fields),
        )
    ctx.console.print(table)


@click.command()
@click.argument("slug")
@click.argument("from_version", type=int)
@click.argument("to_version", type=int)
@locale_option
@json_option
@pass_context
def diff(
    ctx: CliContext,
    *,
    slug: str,
    from_version: int,
    to_version: int,
    locale: str | None,
    as_json: bool,
) -> None:
    """Show what changed between two revisions, field by field."""
    store = ctx.store()
    with store.session(readonly=True) as uow:
        found = uow.articles.get_by_slug(locale or store.settings.default_locale, slug)
        result = uow.revisions.diff(found.id, from_version, to_version)
    if as_json:
        emit_json(result.model_dump(mode="json"))
        return
    if not result.changes:
        click.echo(f"versions {from_version} and {to_version} are the same")
    for change in result.changes:
        click.echo(f"== {change.field}")
        if change.text_diff is not None:
            click.echo(change.text_diff.rstrip("\n"))
        else:
            click.echo(f"- {change.before!r}\n+ {change.after!r}")


@click.command()
@change_command
@click.argument("version", type=int)
def restore(ctx: CliContext, target: Target, *, version: int) -> None:
    """Bring back the content of revision VERSION as a new revision."""
    _change(
        ctx,
        target,
        lambda uow, a: uow.revisions.restore(
            a.id, version, expected_version=target.expected_version or a.version
        ),
    )


@click.command("publish-due")
@actor_option
@json_option
@pass_context
def publish_due(ctx: CliContext, *, actor: str | None, as_json: bool) -> None:
    """Record the publication of scheduled articles whose time has come (safe to repeat)."""
    done = ctx.store().publish_due(actor=_actor(actor))
    if as_json:
        emit_json([{"id": str(a.id), "locale": a.locale, "slug": a.slug} for a in done])
        return
    click.echo(f"{len(done)} article(s) published")
    for item in done:
        click.echo(f"  {item.locale}/{item.slug}")


WORKFLOW_COMMANDS = (
    publish,
    schedule,
    expire,
    unpublish,
    archive,
    correct,
    history,
    diff,
    restore,
    publish_due,
)
"""The sub-commands this module adds to ``newscms article``."""
