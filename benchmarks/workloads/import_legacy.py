"""Import of legacy pages (issue #3): files from disk, through newscms and through Core.

The pages come from ``generator.legacy_pages``: variants of the example pages of every
edition, each with its own headline, date and a "See also" list that names earlier
pages (resolved on arrival), later pages (pending until they arrive) and a story never
imported (pending for good).

Both paths read the same files, parse them with the same parser
(``newscms.importers.parse``) and store what it holds:

- newscms: ``newscms.services.import_files`` as a host calls it (source lookup, the
  articles, the pending relations it resolves, the search index, revisions and events,
  the report), with whatever transactions it chooses (it may write a group of files
  per transaction, falling back to one per file); the archive-migration work the Core
  baseline does not do (translation groups, places by CLDR, tag alignment) is turned
  off here, so both paths store the same rows (``PLAIN_IMPORT``);
- Core (``core.CoreImporter``): the same rows written by hand into the ``core_`` tables:
  the source lookup that makes a re-import an update, a free slug, the article, slug,
  byline, tag and relation rows, see-also targets found by title key, pending ones
  resolved when their article arrives, and the search index, statement by statement
  (the straightforward importer), in the same transactions as newscms (a group of
  ``IMPORT_GROUP`` files each). It writes no revisions and no events: newscms's
  history and outbox are part of its cost.

The pages are imported into the database the ingest family loaded (a site with an
archive, as an import meets it), in chunks of ``CHUNK`` pages, alternating which path
goes first; each chunk's time per page is one sample. Afterwards both table sets are
compared (row counts per table, search index included, and a sample of pages field by
field), so the baseline cannot win by doing less. Generating the files is outside the
timed region; reading and parsing them is inside both paths (the parse rate alone is in
the figure's details, as are statements per page). The import runs once per run
(``--repeat`` does not apply: a second import of the same files would be a no-op).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select

from benchmarks.core import IMPORT_OPTIONS, CoreImporter, comparable_row
from benchmarks.generator import batched, legacy_pages
from benchmarks.harness import BenchmarkError, Figure, WorkloadFamily, expect_equal
from benchmarks.workloads.ingest import table_counts
from newscms.importers import parse
from newscms.services import collect_files, import_files
from newscms.services.archive import ArchiveOptions
from newscms.services.importing import IMPORT_GROUP

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from sqlalchemy import Connection, Engine

    from benchmarks.harness import Bench
    from newscms.services import SourceFile
    from newscms.store import Tables

__all__ = ["FAMILY", "pages_for"]

PAGES = 10_000
QUICK_PAGES = 500
"""Pages imported per path (never more than ``--scale``): issue #3 asks for 10,000."""
CHUNK = 100
"""Pages per sample."""
FINGERPRINTED = 50
PLAIN_IMPORT = ArchiveOptions(
    translation_key=None, recognize_places=False, align_tags=False, legacy_base=None
)
"""The import without the archive-migration work, which the Core baseline does not do."""


def pages_for(bench: Bench) -> int:
    """How many pages this run imports."""
    return min(QUICK_PAGES if bench.options.quick else PAGES, bench.options.scale)


# -- checking both paths stored the same thing ---------------------------------------------


def _fingerprints(conn: Connection, t: Tables, locators: list[str]) -> dict[str, list[Any]]:
    """What is stored about some pages, keyed by source: ids differ between the paths."""
    a, at, tn, r, ap = t.articles, t.article_tags, t.tag_names, t.relations, t.article_people
    target = a.alias("target")
    skip = {"id", "created_at", "updated_at"}
    columns = [c for c in a.c if c.name not in skip]
    found: dict[str, list[Any]] = {}
    ids: dict[UUID, str] = {}
    for row in conn.execute(select(a.c.id, *columns).where(a.c.source_locator.in_(locators))):
        ids[row.id] = row.source_locator
        found[row.source_locator] = [comparable_row(row)[1:]]
    queries = (
        select(at.c.article_id, tn.c.slug, at.c.position, at.c.listed_at)
        .join(tn, tn.c.tag_id == at.c.tag_id)
        .where(at.c.article_id.in_(ids))
        .order_by(at.c.article_id, at.c.position),
        select(r.c.source_id, r.c.kind, r.c.position, target.c.source_locator, r.c.pending_title)
        .outerjoin(target, target.c.id == r.c.target_id)
        .where(r.c.source_id.in_(ids))
        .order_by(r.c.source_id, r.c.position),
        select(ap.c.article_id, ap.c.position, ap.c.person_key, ap.c.name)
        .where(ap.c.article_id.in_(ids))
        .order_by(ap.c.article_id, ap.c.position),
    )
    for query in queries:
        for row in conn.execute(query):
            found[ids[row[0]]].append(tuple(row)[1:])
    return found


def verify(bench: Bench, files: Sequence[SourceFile]) -> int:
    """Check both paths stored the same rows; returns how many pages were compared."""
    rng = bench.rng("import")
    sample = [f.locator for f in rng.sample(list(files), min(FINGERPRINTED, len(files)))]
    with bench.engine.connect() as conn:
        expect_equal(
            "the number of rows in each table after the import",
            table_counts(conn, bench.tables),
            table_counts(conn, bench.core_tables),
        )
        ours = _fingerprints(conn, bench.tables, sample)
        theirs = _fingerprints(conn, bench.core_tables, sample)
    for locator in sample:
        expect_equal(f"the stored rows of {locator}", ours.get(locator), theirs.get(locator))
    return len(sample)


# -- the figure ----------------------------------------------------------------------------


class _StatementCounter:
    """Counts the statements each path sends, to show where the time per page goes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.path = ""
        self.counts: Counter[str] = Counter()
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
        self.counts[self.path] += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def run(bench: Bench) -> list[Figure]:
    """Import the generated pages through both paths and report pages per second."""
    count = pages_for(bench)
    clock = time.perf_counter
    core = CoreImporter(bench.engine, bench.core_tables, bench.now)
    samples: dict[str, list[float]] = defaultdict(list)
    totals: Counter[str] = Counter()
    created: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="newscms-import-bench-") as tmp:
        directory = Path(tmp)
        legacy_pages(directory, count)
        files = collect_files([directory], source_root=directory)
        start = clock()
        for file in files:
            parse(file.path.read_bytes(), source=file.locator, options=IMPORT_OPTIONS)
        parse_seconds = clock() - start

        def newscms_path(chunk: list[SourceFile]) -> int:
            report = import_files(bench.store, chunk, options=IMPORT_OPTIONS, archive=PLAIN_IMPORT)
            if not report.ok:
                raise BenchmarkError(f"newscms failed to import: {report.failures[0].error}")
            return report.created

        paths = {"newscms": newscms_path, "core": core.run}
        counter = _StatementCounter(bench.engine)
        try:
            for index, chunk in enumerate(batched(files, CHUNK)):
                order = ("newscms", "core") if index % 2 == 0 else ("core", "newscms")
                for name in order:
                    counter.path = name
                    begin = clock()
                    created[name] += paths[name](chunk)
                    seconds = clock() - begin
                    totals[name] += seconds
                    samples[name].append(seconds / len(chunk))
        finally:
            counter.close()
        expect_equal("the number of articles created", created["newscms"], created["core"])
        if created["newscms"] != count:
            raise BenchmarkError(f"{created['newscms']} of {count} pages were imported")
        checked = verify(bench, files)
        if bench.options.profile is not None:
            extra = legacy_pages(directory / "profiled", min(count, 1000), prefix="p")
            with bench.profiling("import-newscms"):
                import_files(
                    bench.store, collect_files(extra), options=IMPORT_OPTIONS, archive=PLAIN_IMPORT
                )
    details = {
        "pages": count,
        "chunk": CHUNK,
        "parse_only_per_s": round(count / parse_seconds, 1),
        "newscms_overall_per_s": round(count / totals["newscms"], 1),
        "core_overall_per_s": round(count / totals["core"], 1),
        "newscms_statements_per_page": round(counter.counts["newscms"] / count, 1),
        "core_statements_per_page": round(counter.counts["core"] / count, 1),
        "work": "both paths: read, parse, content rows, pending relations, search index; "
        "newscms also writes revisions and outbox events; both commit once per group of "
        f"{IMPORT_GROUP} files",
    }
    return [
        Figure.from_samples(
            "import.legacy",
            f"import legacy pages from disk ({count:,})",
            "rate",
            "pages/s",
            newscms=samples["newscms"],
            core=samples["core"],
            checked=checked,
            **details,
        )
    ]


FAMILY = WorkloadFamily(
    name="import",
    order=95,
    description="import generated legacy pages from disk (parse and store)",
    runner=run,
)
