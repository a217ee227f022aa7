"""``newscms newsletter ...``: subscribers, digests (--dry-run, send), export and erase.

The newsletter's configuration (secret, sender, site, SMTP server) comes from options
on the group or their environment variables, so a cron line stays short::

    NEWSCMS_NEWSLETTER_SECRET=... newscms newsletter send --frequency daily
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from newscms.cli._common import CliContext, emit_json, pass_context
from newscms.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    from newscms.newsletter import Newsletter, SendReport, Subscriber

__all__ = ["newsletter"]

_ENV = "NEWSCMS_NEWSLETTER_"


@dataclass
class _Config:
    secret: str | None
    sender: str | None
    site_name: str
    site_url: str
    article_url: str | None
    links: str | None
    timezone: str
    smtp_host: str
    smtp_port: int
    starttls: bool
    implicit_tls: bool
    smtp_user: str | None
    smtp_password: str | None

    def build(self, ctx: CliContext, stack: ExitStack) -> Newsletter:
        from newscms.formats.site import Site
        from newscms.newsletter import Mailer, Newsletter, SMTPSettings

        for name, value in (("--secret", self.secret), ("--from", self.sender)):
            if not value:
                raise ValidationError(f"give {name} (or set {_ENV}{name[2:].upper()})")
        base = self.site_url.rstrip("/")
        site = Site(
            name=self.site_name,
            base_url=self.site_url,
            article_url=self.article_url or base + "/{locale}/{slug}",
            timezone=self.timezone,
        )
        mailer = stack.enter_context(
            Mailer(
                SMTPSettings(
                    host=self.smtp_host,
                    port=self.smtp_port,
                    starttls=self.starttls,
                    implicit_tls=self.implicit_tls,
                    username=self.smtp_user,
                    password=self.smtp_password,
                )
            )
        )
        assert self.secret is not None
        assert self.sender is not None
        return Newsletter(
            ctx.store(),
            site=site,
            secret=self.secret,
            sender=self.sender,
            links=self.links or base + "/newsletter/{action}?token={token}",
            mailer=mailer,
        )


def _show(subscriber: Subscriber) -> dict[str, object]:
    return {
        "id": str(subscriber.id),
        "email": subscriber.email,
        "locale": subscriber.locale,
        "frequency": subscriber.frequency.value,
        "editions": list(subscriber.editions),
        "tags": [str(t) for t in subscriber.tag_ids],
        "status": subscriber.status.value,
    }


def _report(report: SendReport) -> dict[str, object]:
    return {
        "digest": report.digest_key,
        "sent": report.sent,
        "already_sent": report.already_sent,
        "in_doubt": report.in_doubt,
        "empty": report.empty,
        "failed": report.failed,
        "deferred": report.deferred,
    }


def _period_end(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("use ISO 8601 with an offset", field="--period-end") from None


@click.group()
@click.option("--secret", envvar=f"{_ENV}SECRET", help="Key signing the links (16+ bytes).")
@click.option("--from", "sender", envvar=f"{_ENV}FROM", help="The From address of every message.")
@click.option("--site-name", envvar=f"{_ENV}SITE_NAME", default="News", show_default=True)
@click.option(
    "--site-url", envvar=f"{_ENV}SITE_URL", default="https://localhost/", show_default=True
)
@click.option("--article-url", envvar=f"{_ENV}ARTICLE_URL", help="Article URL template.")
@click.option("--links", envvar=f"{_ENV}LINKS", help="Link template with {action} and {token}.")
@click.option("--timezone", envvar=f"{_ENV}TIMEZONE", default="UTC", show_default=True)
@click.option("--smtp-host", envvar=f"{_ENV}SMTP_HOST", default="127.0.0.1", show_default=True)
@click.option("--smtp-port", envvar=f"{_ENV}SMTP_PORT", default=25, show_default=True, type=int)
@click.option("--starttls", is_flag=True, envvar=f"{_ENV}STARTTLS", help="Use STARTTLS.")
@click.option("--implicit-tls", is_flag=True, envvar=f"{_ENV}TLS", help="TLS from the start.")
@click.option("--smtp-user", envvar=f"{_ENV}SMTP_USER")
@click.option("--smtp-password", envvar=f"{_ENV}SMTP_PASSWORD")
@click.pass_context
def newsletter(ctx: click.Context, /, **options: object) -> None:
    """Manage newsletter subscribers and send digests."""
    ctx.meta["newsletter"] = _Config(**options)  # type: ignore[arg-type]


def _config() -> _Config:
    config: _Config = click.get_current_context().meta["newsletter"]
    return config


@newsletter.command("subscribe")
@click.argument("email")
@click.option("--locale", required=True, help="The subscriber's language (it, en-GB, ...).")
@click.option(
    "--frequency", default="daily", show_default=True, help="each_article, daily, weekly."
)
@click.option("--edition", "editions", multiple=True, help="An edition (locale) to follow.")
@click.option("--tag", "tags", multiple=True, help="A tag id to follow (topic, region).")
@click.option("--json", "as_json", is_flag=True, help="Print the subscriber as JSON.")
@pass_context
def subscribe_command(
    ctx: CliContext,
    *,
    email: str,
    locale: str,
    frequency: str,
    editions: tuple[str, ...],
    tags: tuple[str, ...],
    as_json: bool,
) -> None:
    """Subscribe EMAIL (pending) and mail it the confirmation link."""
    with ExitStack() as stack:
        subscriber = (
            _config()
            .build(ctx, stack)
            .subscribe(email, locale=locale, frequency=frequency, editions=editions, tags=tags)
        )
    if as_json:
        emit_json(_show(subscriber))
    else:
        click.echo(f"{subscriber.email}: {subscriber.status.value}, confirmation sent")


@newsletter.command("confirm")
@click.argument("token")
@pass_context
def confirm_command(ctx: CliContext, *, token: str) -> None:
    """Confirm the subscription a confirmation link's TOKEN names."""
    with ExitStack() as stack:
        subscriber = _config().build(ctx, stack).confirm(token)
    click.echo(f"{subscriber.email}: {subscriber.status.value}")


@newsletter.command("preferences")
@click.argument("token")
@click.option("--locale")
@click.option("--frequency")
@click.option("--edition", "editions", multiple=True)
@click.option("--tag", "tags", multiple=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def preferences_command(
    ctx: CliContext,
    *,
    token: str,
    locale: str | None,
    frequency: str | None,
    editions: tuple[str, ...],
    tags: tuple[str, ...],
    as_json: bool,
) -> None:
    """Change the preferences a preferences link's TOKEN names (only the options given)."""
    with ExitStack() as stack:
        subscriber = (
            _config()
            .build(ctx, stack)
            .update_preferences(
                token,
                locale=locale,
                frequency=frequency,
                editions=editions or None,
                tags=tags or None,
            )
        )
    if as_json:
        emit_json(_show(subscriber))
    else:
        click.echo(f"{subscriber.email}: {subscriber.frequency.value}, {subscriber.status.value}")


@newsletter.command("digest")
@click.option("--dry-run", is_flag=True, help="Build every message and send none.")
@click.option("--frequency", default="daily", show_default=True)
@click.option("--period-end", help="End of the period (ISO 8601); default the last one.")
@click.option("--show", type=int, default=0, help="Print the first N messages whole.")
@pass_context
def digest_command(
    ctx: CliContext, *, dry_run: bool, frequency: str, period_end: str | None, show: int
) -> None:
    """Preview a digest run: who would get what (needs --dry-run; `send` sends)."""
    if not dry_run:
        raise ValidationError("add --dry-run to preview, or run `newscms newsletter send`")
    count = 0
    with ExitStack() as stack:
        letter = _config().build(ctx, stack)
        for subscriber, message in letter.digest_messages(
            frequency, period_end=_period_end(period_end)
        ):
            count += 1
            if count <= show:
                click.echo(message.as_string())
            else:
                click.echo(f"{subscriber.email}\t{message['Subject']}")
    click.echo(f"{count} messages would be sent", err=True)


@newsletter.command("send")
@click.option("--frequency", default="daily", show_default=True)
@click.option("--period-end", help="End of the period (ISO 8601); default the last one.")
@click.option("--resend-in-doubt", is_flag=True, help="Send again what a crash left unknown.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
def send_command(
    ctx: CliContext,
    *,
    frequency: str,
    period_end: str | None,
    resend_in_doubt: bool,
    as_json: bool,
) -> None:
    """Send the digest of the period to every active subscriber (resumable)."""
    with ExitStack() as stack:
        letter = _config().build(ctx, stack)
        progress: Callable[[SendReport], None] | None = None
        if ctx.errors.is_terminal:
            bar = stack.enter_context(
                Progress(
                    SpinnerColumn(),
                    TextColumn("sending: {task.completed:,} messages"),
                    TimeElapsedColumn(),
                    console=ctx.errors,
                    transient=True,
                )
            )
            task = bar.add_task("send", total=None)

            def progress(report: SendReport) -> None:
                bar.update(task, completed=report.sent)

        report = letter.send_digests(
            frequency,
            period_end=_period_end(period_end),
            resend_in_doubt=resend_in_doubt,
            progress=progress,
        )
    if as_json:
        emit_json(_report(report))
    else:
        click.echo(
            f"{report.digest_key}: {report.sent} sent, {report.already_sent} already sent, "
            f"{report.in_doubt} in doubt, {report.empty} with nothing new, "
            f"{report.failed} failed, {report.deferred} deferred"
        )


@newsletter.command("export")
@click.argument("email")
@pass_context
def export_command(ctx: CliContext, *, email: str) -> None:
    """Print everything stored about EMAIL as JSON (a subject access request)."""
    with ExitStack() as stack:
        emit_json(_config().build(ctx, stack).export(email))


@newsletter.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Erase without asking.")
@pass_context
def erase_command(ctx: CliContext, *, email: str, yes: bool) -> None:
    """Erase everything stored about EMAIL; only aggregate counts remain."""
    if not yes:
        click.confirm(f"erase everything stored about {email}?", abort=True, err=True)
    with ExitStack() as stack:
        erased = _config().build(ctx, stack).erase(email)
    emit_json(erased)


@newsletter.command("unsubscribe")
@click.argument("email")
@pass_context
def unsubscribe_command(ctx: CliContext, *, email: str) -> None:
    """Unsubscribe EMAIL directly (a reader's request by other means)."""
    with ExitStack() as stack:
        subscriber = _config().build(ctx, stack).unsubscribe_address(email)
    click.echo(f"{subscriber.email}: {subscriber.status.value}")


@newsletter.command("bounce")
@click.argument("email")
@click.option("--kind", type=click.Choice(["hard", "complaint"]), default="hard", show_default=True)
@pass_context
def bounce_command(ctx: CliContext, *, email: str, kind: str) -> None:
    """Suppress EMAIL after a hard bounce or a complaint."""
    with ExitStack() as stack:
        _config().build(ctx, stack).record_bounce(email, kind=kind)
    click.echo(f"{email}: suppressed ({kind})")
