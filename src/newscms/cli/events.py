"""``newscms events drain|prune``: deliver the durable outbox, and keep it small."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from typing import TYPE_CHECKING

import click

from newscms.cli._common import CliContext, emit_json, fail, pass_context

if TYPE_CHECKING:
    from newscms.domain.workflow import ArticleEvent
    from newscms.store.events import EventHandler

__all__ = ["events"]

_WEBHOOK_TIMEOUT = 10


@click.group()
def events() -> None:
    """Deliver article events from the outbox (webhooks, cache purges, indexers)."""


def _event_json(event: ArticleEvent) -> str:
    return json.dumps(event.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def _webhook(url: str) -> EventHandler:
    """A deliverer POSTing each event as JSON; anything but a 2xx answer is a failure."""

    def deliver(event: ArticleEvent) -> None:
        request = urllib.request.Request(
            url,
            data=_event_json(event).encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=_WEBHOOK_TIMEOUT) as response:
            if not 200 <= response.status < 300:
                raise ConnectionError(f"the webhook answered HTTP {response.status}")

    return deliver


def _print(event: ArticleEvent) -> None:
    click.echo(_event_json(event))


@events.command()
@click.option("--webhook", help="POST each event as JSON to this URL (else print JSON lines).")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--json", "as_json", is_flag=True, help="Print the drain's result as JSON.")
@pass_context
def drain(ctx: CliContext, *, webhook: str | None, limit: int, as_json: bool) -> None:
    """Deliver undelivered events in order, at least once, marking each as delivered.

    Without --webhook each event is printed as one JSON line on stdout, for a pipe, and
    the summary goes to stderr. Exits 1 when a delivery failed; that event and the ones
    after it stay for the next drain.
    """
    if webhook is not None and not webhook.startswith(("http://", "https://")):
        fail("--webhook must be an http:// or https:// URL")
    result = ctx.store().drain_events(_webhook(webhook) if webhook else _print, limit=limit)
    summary = {"delivered": result.delivered, "remaining": result.remaining, "error": result.error}
    if as_json:
        emit_json(summary)
    else:
        click.echo(f"{result.delivered} delivered, {result.remaining} waiting", err=not webhook)
    if result.error:
        fail(f"delivery stopped: {result.error}")


@events.command()
# timedelta holds at most 999,999,999 days; older than that is older than every event.
@click.option(
    "--older-than-days", default=30, show_default=True, type=click.IntRange(0, 999_999_999)
)
@pass_context
def prune(ctx: CliContext, *, older_than_days: int) -> None:
    """Delete delivered events older than the given number of days."""
    store = ctx.store()
    removed = store.prune_events(older_than=timedelta(days=older_than_days))
    click.echo(f"{removed} delivered event(s) removed")
