"""Ingest: the generated articles, in batches of 1,000, through both paths.

newscms builds an ``ArticleDraft`` per article (validation, sanitizing) and stores each
batch with ``uow.articles.create_many`` in one unit of work: slugs, tags, relations, the
search index (``search_documents`` and the engine's text index), and its journal (a
revision and outbox events per article). The baseline (``core.CoreLoader``) writes the
same content rows, the same search index rows (text prepared by newscms's ``prepare``),
a first revision per article (its row as zlib-compressed JSON) and the same outbox
events into a second, identical set of tables (prefix ``core_``) with executemany, as
issue #15 asks (revisions and events on both sides). After loading, the row counts of
every content, journal and index table are compared, and a sample of articles field by
field, index text included.

Each path runs in a child process of its own, so its peak RSS (``VmHWM`` of
``/proc/self/status``, read by the child at its end; ``ru_maxrss`` off Linux, see
``harness.peak_rss_mb``) belongs to it alone. Generating the articles is outside the
timed region on both paths.

This family always runs: it loads the data every other workload reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import String, cast, column, func, select, table

from benchmarks.core import CoreLoader, comparable_row
from benchmarks.generator import (
    NOW,
    TAG_LOCALE,
    GeneratedArticle,
    article_id,
    articles,
    batched,
)
from benchmarks.harness import (
    RSS_METHOD,
    BenchmarkError,
    Figure,
    WorkloadFamily,
    expect_equal,
    peak_rss_mb,
    profiler,
)
from newscms import ArticleDraft, Dateline, Person, RelationDraft, Status, Store, TagInput
from newscms.store import build_tables, create_engine
from newscms.store.search.documents import FIELDS

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy import Connection

    from benchmarks.harness import Bench
    from newscms.store import Tables

__all__ = ["FAMILY", "IngestJob", "IngestResult", "table_counts", "to_draft"]

CORE_PREFIX = "core_"
TABLES = (
    "articles",
    "article_slugs",
    "article_people",
    "tags",
    "tag_names",
    "tag_slugs",
    "article_tags",
    "relations",
    "search_documents",
)
"""The tables both paths fill (plus the engine's text index, ``<prefix>search_index``)."""
JOURNAL = ("revisions", "events")
"""The history and outbox tables, which both ingest paths fill (the importers: newscms only)."""
ROOT = Path(__file__).resolve().parents[2]
FINGERPRINTED = 50
"""Articles compared column by column between the two table sets after loading."""


def to_draft(item: GeneratedArticle) -> ArticleDraft:
    """The draft a caller of newscms writes for a generated article."""
    return ArticleDraft(
        id=item.id,
        locale=item.locale,
        headline=item.headline,
        summary=item.summary,
        body=item.body,
        byline=tuple(Person(name=name) for name in item.byline),
        dateline=Dateline(place=item.dateline_place, source=item.dateline_source),
        status=Status.PUBLISHED if item.published else Status.DRAFT,
        published_at=item.published_at,
        created_at=item.created_at,
        tags=tuple(
            TagInput(kind=spec.kind, name=spec.name, locale=TAG_LOCALE) for spec in item.tags
        ),
        relations=tuple(RelationDraft(target_id=target) for target in item.see_also),
    )


@dataclass(frozen=True, slots=True)
class IngestJob:
    """One path's load, as handed to its child process."""

    path: Literal["newscms", "core"]
    url: str
    count: int
    seed: int
    batch_size: int
    profile: Path | None = None


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Seconds per article of each batch, the total, and the child's memory."""

    samples: list[float]
    seconds: float
    rss_start_mb: float
    rss_peak_mb: float


def ingest(job: IngestJob) -> IngestResult:
    """Load ``job.count`` generated articles through one path, timing each batch."""
    engine = create_engine(job.url)
    samples: list[float] = []
    clock = time.perf_counter
    try:
        if job.path == "newscms":
            store = Store(engine, clock=lambda: NOW)

            def load(batch: list[GeneratedArticle]) -> None:
                drafts = [to_draft(item) for item in batch]
                with store.session() as uow:
                    uow.articles.create_many(drafts)

        else:
            loader = CoreLoader(build_tables(CORE_PREFIX), NOW)

            def load(batch: list[GeneratedArticle]) -> None:
                with engine.begin() as conn:
                    loader.load(conn, batch)

        rss_start = peak_rss_mb()
        total = 0.0
        stream = batched(articles(job.count, seed=job.seed), job.batch_size)
        with profiler(job.profile) if job.profile else nullcontext():
            for batch in stream:
                start = clock()
                load(batch)
                seconds = clock() - start
                total += seconds
                samples.append(seconds / len(batch))
        return IngestResult(samples, total, rss_start, peak_rss_mb())
    finally:
        engine.dispose()


def run_in_child(job: IngestJob) -> IngestResult:
    """Run ``ingest(job)`` in a fresh interpreter, so its memory is measured alone."""
    environment = dict(os.environ)
    # benchmarks/ is a package of the repository, not of the installed newscms.
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, (str(ROOT), environment.get("PYTHONPATH")))
    )
    arguments = {**asdict(job), "profile": str(job.profile) if job.profile else None}
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.workloads.ingest", json.dumps(arguments)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchmarkError(f"the {job.path} ingest failed:\n{completed.stderr[-5000:]}")
    return IngestResult(**json.loads(completed.stdout.splitlines()[-1]))


def _child_main(argument: str) -> None:
    values = json.loads(argument)
    profile = values.pop("profile")
    result = ingest(IngestJob(**values, profile=Path(profile) if profile else None))
    print(json.dumps(asdict(result)))


# -- checking that both paths stored the same thing -----------------------------------------


def table_counts(conn: Connection, tables: Tables, *, journal: bool = False) -> dict[str, int]:
    """Rows in each table both paths write, the engine's text index included.

    With ``journal``, the revisions and outbox events too.
    """
    counts = {
        name: int(conn.scalar(select(func.count()).select_from(getattr(tables, name))) or 0)
        for name in TABLES + (JOURNAL if journal else ())
    }
    index = table(f"{tables.prefix}search_index")
    counts["search_index"] = int(conn.scalar(select(func.count()).select_from(index)) or 0)
    return counts


def index_rows(conn: Connection, t: Tables, ids: list[UUID]) -> dict[UUID, tuple[Any, ...]]:
    """What the engine's text index holds for some articles, comparable across table sets."""
    d = t.search_documents
    name = f"{t.prefix}search_index"
    dialect = conn.dialect.name
    if dialect == "sqlite":
        fts = table(name, column("rowid"), *(column(field) for field in FIELDS))
        query = select(d.c.article_id, *(fts.c[field] for field in FIELDS)).join(
            fts, fts.c.rowid == d.c.id
        )
    elif dialect == "postgresql":
        idx = table(name, column("article_id"), column("config"), column("vector"))
        query = select(d.c.article_id, idx.c.config, cast(idx.c.vector, String)).join(
            idx, idx.c.article_id == d.c.article_id
        )
    else:
        idx = table(name, column("article_id"), column("document"))
        query = select(d.c.article_id, idx.c.document).join(idx, idx.c.article_id == d.c.article_id)
    filters = select(
        d.c.article_id, d.c.locale, d.c.status, d.c.is_public, d.c.listed_at, d.c.published_at
    ).where(d.c.article_id.in_(ids))
    found = {row[0]: tuple(row)[1:] for row in conn.execute(filters)}
    for row in conn.execute(query.where(d.c.article_id.in_(ids))):
        found[row[0]] = found.get(row[0], ()) + tuple(row)[1:]
    return found


def _fingerprints(conn: Connection, t: Tables, ids: list[UUID]) -> dict[UUID, list[Any]]:
    """Everything stored about some articles, with tags named by slug (tag ids differ)."""
    a, at, tn, r, ap, s = (
        t.articles,
        t.article_tags,
        t.tag_names,
        t.relations,
        t.article_people,
        t.article_slugs,
    )
    columns = [c for c in a.c if c.name not in ("id",)]
    found: dict[UUID, list[Any]] = {
        row.id: [comparable_row(row)[1:]]
        for row in conn.execute(select(a.c.id, *columns).where(a.c.id.in_(ids)))
    }
    queries = (
        select(at.c.article_id, tn.c.slug, at.c.position, at.c.is_public, at.c.listed_at)
        .join(tn, tn.c.tag_id == at.c.tag_id)
        .where(at.c.article_id.in_(ids))
        .order_by(at.c.article_id, at.c.position),
        select(r.c.source_id, r.c.kind, r.c.position, r.c.target_id, r.c.target_key)
        .where(r.c.source_id.in_(ids))
        .order_by(r.c.source_id, r.c.position),
        select(ap.c.article_id, ap.c.position, ap.c.person_key, ap.c.name)
        .where(ap.c.article_id.in_(ids))
        .order_by(ap.c.article_id, ap.c.position),
        select(s.c.article_id, s.c.locale, s.c.slug).where(s.c.article_id.in_(ids)),
    )
    for query in queries:
        for row in conn.execute(query):
            found[row[0]].append(tuple(row)[1:])
    return found


def verify(bench: Bench) -> int:
    """Check both loads stored the same rows; returns how many articles were compared."""
    rng = bench.rng("ingest")
    indexes = rng.sample(range(bench.options.scale), min(FINGERPRINTED, bench.options.scale))
    ids = [article_id(bench.options.seed, index) for index in indexes]
    with bench.engine.connect() as conn:
        expect_equal(
            "the number of rows in each table",
            table_counts(conn, bench.tables, journal=True),
            table_counts(conn, bench.core_tables, journal=True),
        )
        ours, theirs = (
            _fingerprints(conn, bench.tables, ids),
            _fingerprints(conn, bench.core_tables, ids),
        )
        indexed = index_rows(conn, bench.tables, ids), index_rows(conn, bench.core_tables, ids)
    for key in ids:
        expect_equal(f"the stored rows of article {key}", ours.get(key), theirs.get(key))
        expect_equal(
            f"the search index rows of article {key}", indexed[0].get(key), indexed[1].get(key)
        )
    return len(ids)


def run(bench: Bench) -> list[Figure]:
    """Load the data through both paths and report throughput and peak memory."""
    options = bench.options
    bench.store.dispose()  # the children open their own connections
    results = {}
    for path in ("newscms", "core"):
        profile = (
            options.profile / f"ingest-{path}.txt"
            if options.profile and path == "newscms"
            else None
        )
        job = IngestJob(path, bench.url, options.scale, options.seed, options.batch_size, profile)
        results[path] = run_in_child(job) if options.isolate else ingest(job)
    checked = verify(bench)
    ours, theirs = results["newscms"], results["core"]
    details = {
        "batch_size": options.batch_size,
        "batches": len(ours.samples),
        "newscms_total_s": round(ours.seconds, 3),
        "core_total_s": round(theirs.seconds, 3),
        "newscms_overall_per_s": round(options.scale / ours.seconds, 1),
        "core_overall_per_s": round(options.scale / theirs.seconds, 1),
        "work": "both paths: sanitize, slug, content rows, search index (filter rows and "
        "the engine's text index), a first revision and the outbox events per article",
    }
    memory = {
        "newscms_start_mb": round(ours.rss_start_mb, 1),
        "core_start_mb": round(theirs.rss_start_mb, 1),
        "method": RSS_METHOD
        + ("; a child process per path" if options.isolate else "; the whole harness process"),
    }
    return [
        Figure.from_samples(
            "ingest",
            f"ingest + search index (batches of {options.batch_size:,})",
            "rate",
            "articles/s",
            newscms=ours.samples,
            core=theirs.samples,
            checked=checked,
            **details,
        ),
        Figure.from_samples(
            "ingest.rss",
            f"ingest peak RSS ({options.scale:,} articles)",
            "memory",
            "MB",
            newscms=[ours.rss_peak_mb],
            core=[theirs.rss_peak_mb],
            checked=checked,
            **memory,
        ),
    ]


FAMILY = WorkloadFamily(
    name="ingest",
    order=0,
    description="load the articles in batches (always runs: it loads the data)",
    runner=run,
)


if __name__ == "__main__":
    _child_main(sys.argv[1])
