"""Newsletter benchmark: build and send one daily digest to many subscribers over SMTP.

``python -m benchmarks.newsletter [--subscribers 100000] [--articles 10000]`` fills a
throwaway SQLite database (or ``--db URL``) with public articles published in one day,
in two editions, tagged with regions and topics, and with confirmed subscribers whose
preferences mix editions and tags; then it sends that day's digest through
``Newsletter.send_digests`` to a local SMTP sink (aiosmtpd, in a child process so it
does not share the sender's core), and prints messages per second and the sender's
peak resident memory. The whole run goes through the public API and the send log, as
production does: one claim committed per message, and every message parsed by the
sink's SMTP session.

Subscribers are written with one bulk insert (``subscribe`` is one transaction and
one confirmation mail each, which is not what is measured); articles go through
``uow.articles.create_many``, the store's one write path.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from benchmarks.harness import peak_rss_mb

SITE_NAME = "AsiaNews"
REGIONS = ["China", "Korea", "India", "Vietnam", "Japan", "Philippines", "Indonesia", "Myanmar"]
TOPICS = ["Religious freedom", "Economy", "Human rights", "Migrants", "Environment", "Church"]
PERIOD_END = datetime(2026, 1, 15, 0, 0, tzinfo=UTC)


def _sink(
    port: int,
    ready: multiprocessing.synchronize.Event,
    counter: multiprocessing.sharedctypes.Synchronized,
) -> None:  # type: ignore[name-defined]
    """An SMTP server that accepts and counts everything (runs in a child process)."""
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _fill(store: object, *, articles: int, subscribers: int, seed: int) -> None:
    from sqlalchemy import insert

    from newscms.domain import ArticleDraft

    rng = random.Random(seed)
    start = PERIOD_END - timedelta(days=1)
    began = time.perf_counter()
    batch: list[ArticleDraft] = []
    for n in range(articles):
        locale = "en" if n % 2 == 0 else "it"
        region = rng.choice(REGIONS)
        batch.append(
            ArticleDraft(
                locale=locale,
                headline=f"{region}: story number {n} of the day",
                summary=f"{region} (AsiaNews) - The summary of story {n}, a sentence or two long.",
                body="<p>Body.</p>",
                status="published",
                published_at=start + timedelta(seconds=rng.randrange(86_400)),
                tags=[{"kind": "region", "name": region}, rng.choice(TOPICS)],
            )
        )
        if len(batch) == 500 or n == articles - 1:
            with store.session() as uow:  # type: ignore[attr-defined]
                uow.articles.create_many(batch)
            batch = []
    print(f"  {articles:,} articles written in {time.perf_counter() - began:.1f} s")
    with store.session(readonly=True) as uow:  # type: ignore[attr-defined]
        tag_ids = [tag.id for tag in uow.tags.list()]
    table = store.tables.subscribers  # type: ignore[attr-defined]
    now = PERIOD_END - timedelta(days=30)
    began = time.perf_counter()
    rows = []
    for n in range(subscribers):
        locale = rng.choice(["en", "it", "it-IT", "en-GB"])
        # Most readers follow everything or one region or topic; a few mix editions.
        roll = rng.random()
        follows = [] if roll < 0.4 else [rng.choice(tag_ids).hex] if roll < 0.9 else []
        editions = ["en", "it"] if roll >= 0.9 else []
        rows.append(
            {
                "id": uuid4(),
                "email": f"reader{n}@example.org",
                "locale": locale,
                "frequency": "daily",
                "editions": editions,
                "tag_ids": follows,
                "created_at": now,
                "updated_at": now,
                "confirmed_at": now,
            }
        )
        if len(rows) == 5000 or n == subscribers - 1:
            with store.engine.begin() as conn:  # type: ignore[attr-defined]
                conn.execute(insert(table), rows)
            rows = []
    print(f"  {subscribers:,} subscribers written in {time.perf_counter() - began:.1f} s")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.newsletter", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a throwaway SQLite file)")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    from newscms.formats.site import Site
    from newscms.newsletter import Mailer, Newsletter, SMTPSettings
    from newscms.store import Store

    with tempfile.TemporaryDirectory() as directory:
        url = args.db or f"sqlite:///{Path(directory) / 'newsletter.db'}"
        store = Store(url, clock=lambda: PERIOD_END + timedelta(hours=6))
        store.migrate()
        print(
            f"newsletter benchmark: {args.subscribers:,} subscribers, "
            f"{args.articles:,} articles, {store.engine.dialect.name}"
        )
        _fill(store, articles=args.articles, subscribers=args.subscribers, seed=args.seed)

        port = _free_port()
        ready = multiprocessing.Event()
        counter = multiprocessing.Value("l", 0)
        sink = multiprocessing.Process(target=_sink, args=(port, ready, counter), daemon=True)
        sink.start()
        ready.wait(30)
        site = Site(
            name=SITE_NAME,
            base_url="https://news.example.org/",
            article_url="https://news.example.org/{locale}/{slug}",
            timezone="UTC",
        )
        rss_before = peak_rss_mb()
        try:
            with Mailer(SMTPSettings(port=port)) as mailer:
                letter = Newsletter(
                    store,
                    site=site,
                    secret="benchmark secret, 16+ bytes",
                    sender="news@example.org",
                    links="https://news.example.org/newsletter/{action}?token={token}",
                    mailer=mailer,
                )
                began = time.perf_counter()
                report = letter.send_digests("daily", period_end=PERIOD_END)
                elapsed = time.perf_counter() - began
        finally:
            sink.terminate()
            sink.join()
        peak = peak_rss_mb()
        print(
            f"  sent {report.sent:,} messages ({report.empty:,} with nothing matching) "
            f"in {elapsed:.1f} s"
        )
        print(f"  {report.sent / elapsed:,.0f} messages/s; the sink accepted {counter.value:,}")
        print(f"  peak RSS {peak:.0f} MB (before sending: {rss_before:.0f} MB)")
        store.dispose()


if __name__ == "__main__":
    main()
