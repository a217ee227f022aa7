"""The demo job: a fresh SQLite database holding the example documents, and what to show.

``run_demo(output)`` removes the demo database an earlier run left in ``output``,
creates and migrates a new one, imports the example documents (``examples/``: the
legacy pages, the sample page among them, HTML pages and a WordPress export) and
writes the delivery outputs (RSS and Atom feeds, a sitemap and a Google News sitemap,
and the sample article as JSON, ninjs, JSON-LD and print versions) next to it, and
returns a ``DemoReport``: the import report, the stored articles, the sample page's
article with the relations that resolved to it, and every file written. ``newscms demo``
(and ``make demo``) prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newscms.domain import SourceRef
from newscms.errors import NotFoundError, ValidationError
from newscms.services.exporting import write_demo_outputs
from newscms.services.importing import import_paths
from newscms.store import Store, utc_now

if TYPE_CHECKING:
    from newscms.domain import Article, Relation
    from newscms.services.importing import ImportReport
    from newscms.store import UnitOfWork
    from newscms.store.store import Clock

__all__ = ["DEMO_DATABASE", "SAMPLE_PAGE", "DemoReport", "run_demo"]

DEMO_DATABASE = "newscms-demo.db"
"""The demo database's file name in the output directory."""

SAMPLE_PAGE = SourceRef(
    format="legacy", locator="legacy/asianews-en-2012-06-14-beijing-pyongyang.txt"
)
"""The source identity of the page newscms was made for, relative to the examples."""

# SQLite's write-ahead log and its index sit beside the database and belong to it.
_DATABASE_FILES = ("", "-wal", "-shm", "-journal")
_PAGE = 200


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What the demo built.

    Attributes:
        output_dir: The directory holding everything the demo wrote.
        database: The demo's SQLite database file.
        database_url: Its URL, for ``newscms --db URL ...``.
        examples: The directory the documents were imported from.
        imported: The import's report.
        articles: Every stored article, newest first.
        sample: The sample page's article (None when the examples lack the page).
        linked_from: Relations of other imported articles that resolved to the sample.
        outputs: Every file written into ``output_dir``, the database first.
    """

    output_dir: Path
    database: Path
    database_url: str
    examples: Path
    imported: ImportReport
    articles: tuple[Article, ...]
    sample: Article | None
    linked_from: tuple[Relation, ...]
    outputs: tuple[Path, ...]


def run_demo(
    output: Path | str, *, examples: Path | str = "examples", clock: Clock = utc_now
) -> DemoReport:
    """Build the demo database in ``output`` from the documents in ``examples``.

    Args:
        output: Directory for the database (and later outputs); created when missing.
        examples: Directory of example documents (default: ``examples`` under the
            current directory, as in the repository).
        clock: The store's clock (creation times of the imported articles).

    Returns:
        The import report, the stored articles and where everything is.

    Raises:
        NotFoundError: ``examples`` is not a directory.
        ValidationError: ``output`` cannot be used as a directory (field ``output``).
    """
    examples = Path(examples)
    if not examples.is_dir():
        raise NotFoundError(
            f"no examples directory at {examples}: run the demo from the repository root "
            "or pass --examples DIR",
            kind="directory",
            key=str(examples),
        )
    output = Path(output)
    database = output / DEMO_DATABASE
    _fresh(output, database)
    url = f"sqlite:///{database.resolve()}"
    store = Store(url, clock=clock)
    try:
        store.migrate()
        imported = import_paths(store, [examples], source_root=examples)
        with store.session(readonly=True) as uow:
            articles = _every_article(uow)
            sample = uow.articles.find_by_source(SAMPLE_PAGE)
            linked_from = uow.relations.incoming(sample.id) if sample is not None else ()
        written = write_demo_outputs(
            store,
            output,
            sample_slug=sample.slug if sample is not None else None,
            sample_locale=sample.locale if sample is not None else "en",
        )
    finally:
        store.dispose()
    return DemoReport(
        output_dir=output,
        database=database,
        database_url=url,
        examples=examples,
        imported=imported,
        articles=articles,
        sample=sample,
        linked_from=linked_from,
        outputs=(database, *written),
    )


def _fresh(output: Path, database: Path) -> None:
    """Make ``output`` a directory without the demo database of an earlier run."""
    try:
        output.mkdir(parents=True, exist_ok=True)
        for suffix in _DATABASE_FILES:
            database.with_name(database.name + suffix).unlink(missing_ok=True)
    except OSError as exc:
        raise ValidationError(
            f"cannot use {output} for the demo's outputs: {exc.strerror}", field="output"
        ) from None


def _every_article(uow: UnitOfWork) -> tuple[Article, ...]:
    """Every stored article, newest first, a page at a time."""
    articles: list[Article] = []
    cursor: str | None = None
    while True:
        page = uow.articles.list(limit=_PAGE, cursor=cursor)
        articles.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return tuple(articles)
