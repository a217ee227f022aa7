"""``python -m benchmarks.web`` (``make bench-web``): the read router under uvicorn and wrk.

One throwaway database is filled through newscms (``--scale`` generated articles), then
three uvicorn processes serve it on 127.0.0.1: newscms's FastAPI adapter, the same two
routes hand-written with FastAPI and SQLAlchemy Core, and newscms's routes through
``AsyncStore`` in ``async def`` endpoints. Before anything is timed the harness asks
both sync apps for the same pages and refuses to go on unless the JSON is the same.
Then, round after round, wrk loads each app in turn (the order alternates between
rounds) on two workloads: article by slug and tag page 1, each request a different
article or tag. Figures are medians over rounds; ratios divide by the hand-written app's figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import func, select

from benchmarks.databases import throwaway_database
from benchmarks.generator import NOW, articles, batched
from benchmarks.harness import BACKENDS, RESULTS_DIR, BenchmarkError
from benchmarks.machine import machine_info
from benchmarks.web.load import LoadResult, require_wrk, run_wrk
from benchmarks.web.servers import serving
from benchmarks.workloads.ingest import to_draft
from newscms import Store

if TYPE_CHECKING:
    from collections.abc import Sequence

APPS = {
    "core": "benchmarks.web.apps:core_app",
    "newscms": "benchmarks.web.apps:newscms_app",
    "newscms-async": "benchmarks.web.apps:async_app",
}
WORKLOADS = ("article", "tag")


def parser() -> argparse.ArgumentParser:
    """The command line."""
    result = argparse.ArgumentParser(prog="python -m benchmarks.web", description=__doc__)
    result.add_argument("--backend", choices=BACKENDS, default="sqlite")
    result.add_argument("--scale", type=int, default=20_000, help="articles (default 20000)")
    result.add_argument("--seconds", type=int, default=8, help="seconds per wrk run")
    result.add_argument("--connections", type=int, default=16, help="wrk connections")
    result.add_argument("--rounds", type=int, default=3, help="rounds per figure")
    result.add_argument("--output", type=Path, default=RESULTS_DIR)
    return result


def fill(url: str, scale: int) -> None:
    """Create the schema and store ``scale`` generated articles through newscms."""
    store = Store(url, clock=lambda: NOW)
    store.migrate()
    for batch in batched(articles(scale), 1000):
        with store.session() as uow:
            uow.articles.create_many([to_draft(item) for item in batch])
    store.dispose()


def paths(url: str, count: int) -> dict[str, list[str]]:
    """Request paths of each workload: public articles and tags spread over the table."""
    store = Store(url, clock=lambda: NOW)
    t = store.tables
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.articles.c.locale, t.articles.c.slug)
            .where(t.articles.c.is_public.is_(True), t.articles.c.listed_at <= NOW)
            .order_by(t.articles.c.id)
        ).all()
        step = max(1, len(rows) // count)
        article_paths = [
            f"/api/articles/{locale}/{quote(slug, safe='')}" for locale, slug in rows[::step]
        ][:count]
        used = (
            select(t.article_tags.c.tag_id)
            .group_by(t.article_tags.c.tag_id)
            .having(func.count() >= 1)
            .subquery()
        )
        tags = conn.execute(
            select(t.tag_names.c.slug)
            .join(used, used.c.tag_id == t.tag_names.c.tag_id)
            .where(t.tag_names.c.locale == "en")
            .order_by(t.tag_names.c.slug)
        ).all()
    store.dispose()
    tag_paths = [f"/api/tags/en/{quote(slug, safe='')}" for (slug,) in tags[:count]]
    return {"article": article_paths, "tag": tag_paths}


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def check_same(bases: dict[str, str], workloads: dict[str, list[str]], checks: int) -> int:
    """Raise unless every app serves the same JSON for the first ``checks`` paths."""
    checked = 0
    for name, listing in workloads.items():
        for path in listing[:checks]:
            bodies = {app: _get(base + path) for app, base in bases.items()}
            for body in bodies.values():
                if name == "tag":
                    # Cursors differ by design (newscms signs them); their presence may not.
                    body["next"] = body["next"] is not None
            reference = bodies["newscms"]
            for app, body in bodies.items():
                if body != reference:
                    keys = sorted(set(body) | set(reference))
                    differ = [k for k in keys if body.get(k) != reference.get(k)]
                    shown = "\n".join(
                        f"  {k}: newscms {json.dumps(reference.get(k))[:300]}\n"
                        f"  {' ' * len(k)}  {app} {json.dumps(body.get(k))[:300]}"
                        for k in differ
                    )
                    raise BenchmarkError(
                        f"{app} and newscms serve different JSON at {path}:\n{shown}"
                    )
            checked += 1
    return checked


def measure(
    bases: dict[str, str],
    workloads: dict[str, list[str]],
    *,
    rounds: int,
    seconds: float,
    connections: int,
) -> dict[str, dict[str, list[LoadResult]]]:
    """wrk on every app and workload, ``rounds`` times, the app order alternating."""
    results: dict[str, dict[str, list[LoadResult]]] = {
        workload: {app: [] for app in bases} for workload in workloads
    }
    order = list(bases)
    for round_index in range(rounds):
        apps = order if round_index % 2 == 0 else order[::-1]
        for workload, listing in workloads.items():
            for app in apps:
                run_wrk(bases[app], listing, seconds=1, connections=connections)  # warm
                result = run_wrk(bases[app], listing, seconds=seconds, connections=connections)
                if result.failures:
                    raise BenchmarkError(f"{app} failed {result.failures} requests on {workload}")
                results[workload][app].append(result)
                print(
                    f"  round {round_index + 1} {workload:8} {app:14}"
                    f" {result.requests_per_s:9.1f} req/s  p99 {result.p99_ms:7.2f} ms",
                    flush=True,
                )
    return results


def summary(results: dict[str, dict[str, list[LoadResult]]]) -> list[dict[str, Any]]:
    """Medians per workload and app, with ratios against the hand-written app."""
    rows = []
    for workload, apps in results.items():
        core_rps = statistics.median(r.requests_per_s for r in apps["core"])
        core_p99 = statistics.median(r.p99_ms for r in apps["core"])
        for app, runs in apps.items():
            rps = statistics.median(r.requests_per_s for r in runs)
            p99 = statistics.median(r.p99_ms for r in runs)
            rows.append(
                {
                    "workload": workload,
                    "app": app,
                    "requests_per_s": round(rps, 1),
                    "p50_ms": round(statistics.median(r.p50_ms for r in runs), 2),
                    "p99_ms": round(p99, 2),
                    "throughput_ratio": round(rps / core_rps, 2),
                    "p99_ratio": round(p99 / core_p99, 2),
                    "runs": [asdict(r) for r in runs],
                }
            )
    return rows


def render(rows: Sequence[dict[str, Any]]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| workload | app | req/s | p50 ms | p99 ms | req/s ratio | p99 ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['workload']} | {row['app']} | {row['requests_per_s']:,.0f} |"
            f" {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['throughput_ratio']:.2f} |"
            f" {row['p99_ratio']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the web benchmark and write ``web-<backend>.json`` into ``--output``."""
    options = parser().parse_args(argv)
    try:
        require_wrk()
        with throwaway_database(options.backend) as url:
            print(f"filling {options.backend} with {options.scale:,} articles ...", flush=True)
            fill(url, options.scale)
            workloads = paths(url, 400)
            with (
                serving(APPS["core"], database_url=url, ready_path="/docs") as core,
                serving(APPS["newscms"], database_url=url, ready_path="/docs") as news,
                serving(APPS["newscms-async"], database_url=url, ready_path="/docs") as anews,
            ):
                bases = {"core": core, "newscms": news, "newscms-async": anews}
                checked = check_same(bases, workloads, checks=40)
                print(f"same JSON from every app on {checked} pages; measuring", flush=True)
                results = measure(
                    bases,
                    workloads,
                    rounds=options.rounds,
                    seconds=options.seconds,
                    connections=options.connections,
                )
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    rows = summary(results)
    report = {
        "benchmark": "web",
        "backend": options.backend,
        "scale": options.scale,
        "seconds": options.seconds,
        "connections": options.connections,
        "rounds": options.rounds,
        "machine": machine_info(),
        "figures": rows,
    }
    options.output.mkdir(parents=True, exist_ok=True)
    target = options.output / f"web-{options.backend}.json"
    target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(render(rows))
    print(f"results written to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
