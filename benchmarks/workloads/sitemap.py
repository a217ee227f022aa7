"""Sitemaps at scale: every public article's URL, from the store to indexed files.

newscms streams ``stream_sitemap_entries`` inside one ``read_snapshot`` into
``write_sitemaps`` (files of 50,000 URLs and their index). The baseline is what a
careful developer writes by hand: the same keyset-paged query on the same index, each
``<url>`` formatted with an f-string, files split at 50,000 and an index. Both write the
same bytes; the run compares a digest of every file, so neither can win by doing less.

Each path runs in a child process of its own (unless ``--in-process``), so its peak RSS
(``harness.peak_rss_mb``: ``VmHWM``, read by the child at its end) is the sitemap's alone.
The rate's samples are seconds per URL over chunks of 10,000 URLs, query, formatting
and writing included.

In the harness (``python -m benchmarks --workloads sitemap``) the sitemap lists what the
ingest family loaded. Loading a million articles through the API takes hours, so the
issue's million-URL figure has its own entry point, which fills the tables with
hand-written Core ``executemany`` (setup, not measured) and then measures the same way::

    python -m benchmarks.workloads.sitemap --scale 1000000 [--backend postgresql]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from xml.sax.saxutils import escape

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.engine import make_url

from benchmarks.generator import END, NOW, START, article_id, articles
from benchmarks.harness import (
    BACKENDS,
    RESULTS_DIR,
    RSS_METHOD,
    BenchmarkError,
    Figure,
    Options,
    WorkloadFamily,
    expect_equal,
    peak_rss_mb,
)
from newscms.formats import Site, write_sitemaps
from newscms.store import Store, build_tables, create_engine
from newscms.store.streaming import read_snapshot, stream_sitemap_entries
from newscms.utils import slugify
from newscms.utils.keys import title_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sqlalchemy import Engine

    from benchmarks.harness import Bench
    from newscms.store import Tables

__all__ = ["FAMILY", "SitemapJob", "SitemapResult", "bulk_load", "main"]

BASE = "https://news.example.com/"
FILES_URL = f"{BASE}sitemaps/"
SITE = Site(name="Benchmark News", base_url=BASE, article_url=BASE + "{locale}/{slug}")
URLS_PER_FILE = 50_000
CHUNK = 10_000
"""URLs per rate sample."""
ROOT = Path(__file__).resolve().parents[2]
INDEX_NAME = "sitemap"

# Bulk setup: headlines and bodies come from a pool of generated articles (the same
# generator as ingest), so a million rows take a minute to make, not hours.
POOL = 2_000
LOAD_BATCH = 10_000
PUBLISHED_SHARE = 0.95
IT_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class SitemapJob:
    """One path's sitemap run, as handed to its child process."""

    path: Literal["newscms", "core"]
    url: str
    directory: str


@dataclass(frozen=True, slots=True)
class SitemapResult:
    """Seconds per URL of each chunk, the totals, the files' digest and the memory."""

    samples: list[float]
    seconds: float
    urls: int
    files: int
    digest: str
    rss_start_mb: float
    rss_peak_mb: float


def _timed(items: Iterable[Any], samples: list[float]) -> Iterator[Any]:
    """Pass ``items`` through, appending seconds per item of every ``CHUNK`` to ``samples``."""
    clock = time.perf_counter
    start, count = clock(), 0
    for item in items:
        yield item
        count += 1
        if count == CHUNK:
            now = clock()
            samples.append((now - start) / count)
            start, count = now, 0
    if count:
        samples.append((clock() - start) / count)


def _digest(directory: Path) -> tuple[str, int]:
    """A digest of every file written (names and bytes), and how many there are."""
    digest = hashlib.sha256()
    files = sorted(directory.iterdir())
    for path in files:
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as data:
            while chunk := data.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest(), len(files)


# -- the two paths ----------------------------------------------------------------------


def newscms_sitemap(url: str, directory: Path, samples: list[float]) -> int:
    """The newscms path: stream the light entries into the sitemap writer."""
    store = Store(url, clock=lambda: NOW)
    try:
        with read_snapshot(store) as uow:
            written = write_sitemaps(
                _timed(stream_sitemap_entries(uow), samples),
                directory,
                site=SITE,
                files_url=FILES_URL,
                name=INDEX_NAME,
            )
        return written.urls
    finally:
        store.dispose()


def _core_rows(engine: Engine) -> Iterator[Any]:
    """The public articles' rows, newest first, in keyset pages of 5,000 in one transaction."""
    a = build_tables().articles
    query = (
        select(a.c.id, a.c.locale, a.c.slug, a.c.published_at, a.c.updated_at, a.c.listed_at)
        .where(a.c.is_public.is_(True), a.c.listed_at <= NOW)
        .order_by(a.c.listed_at.desc(), a.c.id.desc())
    )
    with engine.connect() as conn, conn.begin():
        page = query
        while True:
            batch = conn.execute(page.limit(5000)).all()
            yield from batch
            if len(batch) < 5000:
                return
            at, last_id = batch[-1].listed_at, batch[-1].id
            page = query.where(
                a.c.listed_at <= at,
                or_(a.c.listed_at < at, and_(a.c.listed_at == at, a.c.id < last_id)),
            )


_URLSET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
_INDEX_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)


def core_sitemap(url: str, directory: Path, samples: list[float]) -> int:
    """The baseline: the same keyset pages, each ``<url>`` formatted by hand."""
    engine = create_engine(url)
    directory.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, datetime | None]] = []  # name, newest change
    out = None
    count = 0
    try:
        for row in _timed(_core_rows(engine), samples):
            if count % URLS_PER_FILE == 0:
                if out is not None:
                    out.write(b"</urlset>\n")
                    out.close()
                files.append((f"{INDEX_NAME}-{len(files) + 1}.xml", None))
                out = (directory / files[-1][0]).open("wb")
                out.write(_URLSET_HEAD)
            changed = max(row.published_at, row.updated_at)
            stamp = changed.replace(microsecond=0).isoformat()
            loc = escape(f"{BASE}{row.locale}/{row.slug}")
            out.write(f"<url><loc>{loc}</loc><lastmod>{stamp}</lastmod></url>\n".encode())
            newest = files[-1][1]
            if newest is None or changed > newest:
                files[-1] = (files[-1][0], changed)
            count += 1
        if out is None:  # nothing public: one empty sitemap, as newscms writes
            files.append((f"{INDEX_NAME}-1.xml", None))
            out = (directory / files[-1][0]).open("wb")
            out.write(_URLSET_HEAD)
        out.write(b"</urlset>\n")
        out.close()
    finally:
        engine.dispose()
    with (directory / f"{INDEX_NAME}.xml").open("wb") as index:
        index.write(_INDEX_HEAD)
        for name, newest in files:
            stamp = "" if newest is None else newest.replace(microsecond=0).isoformat()
            lastmod = f"<lastmod>{stamp}</lastmod>" if stamp else ""
            line = f"<sitemap><loc>{FILES_URL}{name}</loc>{lastmod}</sitemap>\n"
            index.write(line.encode())
        index.write(b"</sitemapindex>\n")
    return count


PATHS = {"newscms": newscms_sitemap, "core": core_sitemap}


def write_sitemap_job(job: SitemapJob) -> SitemapResult:
    """Run one path into ``job.directory`` (emptied first), timing and digesting it."""
    directory = Path(job.directory)
    shutil.rmtree(directory, ignore_errors=True)
    rss_start = peak_rss_mb()
    samples: list[float] = []
    start = time.perf_counter()
    urls = PATHS[job.path](job.url, directory, samples)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()  # before the check below reads the files back
    digest, files = _digest(directory)
    return SitemapResult(samples, seconds, urls, files, digest, rss_start, peak)


def run_in_child(job: SitemapJob) -> SitemapResult:
    """Run ``write_sitemap_job(job)`` in a fresh interpreter, so its memory is its own."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, (str(ROOT), environment.get("PYTHONPATH")))
    )
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.workloads.sitemap", "--child", json.dumps(asdict(job))],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchmarkError(f"the {job.path} sitemap failed:\n{completed.stderr[-5000:]}")
    return SitemapResult(**json.loads(completed.stdout.splitlines()[-1]))


def measure(url: str, *, repeat: int, isolate: bool, public: int) -> list[Figure]:
    """Write the sitemap ``repeat`` times on each path; the rate and the peak RSS figures."""
    samples: dict[str, list[float]] = {"newscms": [], "core": []}
    results: dict[str, list[SitemapResult]] = {"newscms": [], "core": []}
    with tempfile.TemporaryDirectory(prefix="newscms-sitemap-") as scratch:
        for round_ in range(repeat):
            # Alternate which path goes first, so neither always meets a warmer cache.
            order = ("newscms", "core") if round_ % 2 == 0 else ("core", "newscms")
            for path in order:
                job = SitemapJob(path, url, str(Path(scratch) / path))  # type: ignore[arg-type]
                result = run_in_child(job) if isolate else write_sitemap_job(job)
                results[path].append(result)
                samples[path] += result.samples
            ours, theirs = results["newscms"][-1], results["core"][-1]
            expect_equal("the number of URLs", ours.urls, theirs.urls)
            expect_equal("the number of public articles", ours.urls, public)
            expect_equal(
                "the sitemap files (sha-256 of names and bytes)", ours.digest, theirs.digest
            )
    ours, theirs = results["newscms"], results["core"]
    urls = ours[0].urls
    best = {path: min(r.seconds for r in runs) for path, runs in results.items()}
    details = {
        "urls": urls,
        "files": ours[0].files,
        "newscms_total_s": round(best["newscms"], 3),
        "core_total_s": round(best["core"], 3),
        "newscms_overall_per_s": round(urls / best["newscms"], 1),
        "core_overall_per_s": round(urls / best["core"], 1),
    }
    memory = {
        "newscms_start_mb": round(max(r.rss_start_mb for r in ours), 1),
        "core_start_mb": round(max(r.rss_start_mb for r in theirs), 1),
        "method": RSS_METHOD
        + ("; a child process per path and round" if isolate else "; the whole harness process"),
    }
    return [
        Figure.from_samples(
            "sitemap",
            f"sitemap + index ({urls:,} URLs)",
            "rate",
            "URLs/s",
            newscms=samples["newscms"],
            core=samples["core"],
            checked=len(ours),
            **details,
        ),
        Figure.from_samples(
            "sitemap.rss",
            f"sitemap peak RSS ({urls:,} URLs)",
            "memory",
            "MB",
            newscms=[max(r.rss_peak_mb for r in ours)],
            core=[max(r.rss_peak_mb for r in theirs)],
            checked=len(ours),
            **memory,
        ),
    ]


def sqlite3_floor(url: str, tables: Tables) -> float:
    """Rows per second the bare ``sqlite3`` driver reads the sitemap's columns at.

    No conversion, no formatting, no file: the machine's floor, which relates the
    issue's absolute target to the machine the figures come from.
    """
    database = make_url(url).database
    assert database is not None
    query = (
        "SELECT id, locale, slug, headline, status, published_at, updated_at, listed_at "
        f"FROM {tables.articles.name} WHERE is_public = 1 AND listed_at <= ? "
        "ORDER BY listed_at DESC, id DESC"
    )
    now = NOW.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    connection = sqlite3.connect(database)
    try:
        start = time.perf_counter()
        rows = sum(1 for _ in connection.execute(query, (now,)))
        return rows / (time.perf_counter() - start)
    finally:
        connection.close()


def public_articles(engine: Engine, tables: Tables) -> int:
    """How many articles the public sees at the benchmark's clock: the URLs to expect."""
    a = tables.articles
    with engine.connect() as conn:
        query = select(func.count()).where(a.c.is_public.is_(True), a.c.listed_at <= NOW)
        return int(conn.scalar(query) or 0)


def run(bench: Bench) -> list[Figure]:
    """Write the sitemap of the loaded articles on both paths."""
    options = bench.options
    public = public_articles(bench.engine, bench.tables)
    bench.store.dispose()  # the children open their own connections
    figures = measure(bench.url, repeat=options.repeat, isolate=options.isolate, public=public)
    if bench.engine.dialect.name == "sqlite":
        figures[0].details["sqlite3_floor_per_s"] = round(sqlite3_floor(bench.url, bench.tables))
    return figures


FAMILY = WorkloadFamily(
    name="sitemap",
    order=40,
    description="the sitemap of every public article, streamed into files and an index",
    runner=run,
)


# -- the million-article setup ----------------------------------------------------------------


def _pool(seed: int) -> list[tuple[str, str, str, str]]:
    """(locale, headline, slug, body) of a few thousand generated articles, to reuse."""
    return [
        (item.locale, item.headline, slugify(item.headline, locale=item.locale), item.body)
        for item in articles(POOL, seed=seed)
    ]


def _rows(count: int, seed: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Article rows and their slug rows, oldest first, as newscms would have stored them."""
    pool = _pool(seed)
    keys = [title_key(headline) for _, headline, _, _ in pool]
    rng = random.Random(f"sitemap:{seed}")
    span = (END - START).total_seconds()
    for index in range(count):
        locale, headline, slug, body = pool[index % POOL]
        slug = f"{slug[:180]}-{index}"
        moment = (START + timedelta(seconds=(index + rng.random()) / count * span)).replace(
            microsecond=0
        )
        published = rng.random() < PUBLISHED_SHARE
        created = moment - timedelta(minutes=rng.randrange(0, 360))
        # A third of the articles were edited after publication.
        updated = moment + timedelta(hours=rng.randrange(1, 72)) if index % 3 == 0 else moment
        article = {
            "id": article_id(seed, index),
            "locale": locale,
            "slug": slug,
            "headline": headline,
            "body": body,
            "byline": [],
            "status": "published" if published else "draft",
            "is_public": published,
            "created_at": created,
            "updated_at": max(updated, created),
            "published_at": moment if published else None,
            "first_published_at": moment if published else None,
            "listed_at": moment if published else created,
            "version": 1,
            "title_key": keys[index % POOL],
        }
        yield article, {"locale": locale, "slug": slug, "article_id": article["id"]}


def bulk_load(engine: Engine, tables: Tables, count: int, *, seed: int = 7) -> float:
    """Fill the articles and slug tables with ``count`` rows by executemany; returns seconds."""
    start = time.perf_counter()
    batch: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def flush() -> None:
        with engine.begin() as conn:
            conn.execute(insert(tables.articles), [article for article, _ in batch])
            conn.execute(
                insert(tables.article_slugs),
                [{**slug, "created_at": NOW} for _, slug in batch],
            )
        batch.clear()

    for pair in _rows(count, seed):
        batch.append(pair)
        if len(batch) == LOAD_BATCH:
            flush()
    if batch:
        flush()
    return time.perf_counter() - start


def _articles(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(store.tables.articles)) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.workloads.sitemap",
        description="The sitemap of N articles, loaded by hand-written Core, on both paths.",
    )
    parser.add_argument("--scale", type=int, default=1_000_000, help="articles (default 1M)")
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per path (default 1)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    parser.add_argument("--in-process", action="store_true", help="no child processes")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="use this database (upgraded to the newest schema; loaded only when empty) "
        "instead of a throwaway one, so a large load is paid once",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Measure the sitemap of ``--scale`` bulk-loaded articles; print and save the figures."""
    from benchmarks.databases import server_version, throwaway_database
    from benchmarks.machine import load_average, machine_info
    from benchmarks.report import render_text, result_record, write

    args = _parser().parse_args(argv)
    if args.scale < 1 or args.repeat < 1:
        print("--scale and --repeat must be positive", file=sys.stderr)
        return 2
    options = Options(
        scale=args.scale,
        backend=args.backend,
        workloads=("sitemap",),
        repeat=args.repeat,
        seed=args.seed,
        output=args.output,
        keep=args.keep,
        isolate=not args.in_process,
    )
    started = datetime.now(UTC)
    machine = machine_info()
    machine["load_average_start"] = load_average()
    try:
        given = nullcontext(args.database) if args.database else None
        with given or throwaway_database(args.backend, keep=args.keep) as url:
            store = Store(url, check_schema=False)
            try:
                store.migrate()
                machine["server_version"] = server_version(store.engine)
                seconds = 0.0
                if not _articles(store):
                    print(f"loading {args.scale:,} articles by executemany ...", file=sys.stderr)
                    seconds = bulk_load(store.engine, store.tables, args.scale, seed=args.seed)
                    print(f"loaded in {seconds:.1f} s", file=sys.stderr)
                public = public_articles(store.engine, store.tables)
                options = replace(options, scale=_articles(store))
            finally:
                store.dispose()
            figures = measure(url, repeat=args.repeat, isolate=options.isolate, public=public)
            figures[0].details["setup_load_s"] = round(seconds, 1)
            if make_url(url).get_backend_name() == "sqlite":
                floor = round(sqlite3_floor(url, build_tables()))
                figures[0].details["sqlite3_floor_per_s"] = floor
                print(f"bare sqlite3 reads the rows at {floor:,}/s", file=sys.stderr)
            if args.keep:
                print(f"kept the database: {url}", file=sys.stderr)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    machine["load_average_end"] = load_average()
    record = result_record(
        options, figures, machine=machine, started=started, finished=datetime.now(UTC)
    )
    path = write(record, options.output)
    print(f"results: {path}", file=sys.stderr)
    print(render_text(record))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(asdict(write_sitemap_job(SitemapJob(**json.loads(sys.argv[2]))))))
    else:
        sys.exit(main())
