"""The demo job: a fresh SQLite database holding the example documents, and what to show.

``run_demo(output)`` removes the demo database an earlier run left in ``output``,
creates and migrates a new one, imports the example documents (``examples/``: the
legacy pages, the sample page among them, HTML pages and a WordPress export), gives
three legacy pages a lead image (``examples/media``: drawn illustrations, stored with
their renditions in ``<output>/media``) and writes the delivery outputs (RSS and
Atom feeds, a sitemap and a Google News sitemap, and the sample article as JSON,
ninjs, JSON-LD and print versions) next to it, and
returns a ``DemoReport``: the import report, the stored articles, the sample page's
article with the relations that resolved to it, and every file written. ``newscms demo``
(and ``make demo``) prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newscms.domain import ArticlePatch, SourceRef
from newscms.errors import NotFoundError, ValidationError
from newscms.services.exporting import write_demo_outputs
from newscms.services.importing import import_paths
from newscms.services.media import LocalDirectoryStorage, store_image
from newscms.store import Store, utc_now

if TYPE_CHECKING:
    from newscms.domain import Article, Relation
    from newscms.services.importing import ImportReport
    from newscms.store import UnitOfWork
    from newscms.store.store import Clock

__all__ = [
    "DEMO_DATABASE",
    "DEMO_PICTURES",
    "MEDIA_DIRECTORY",
    "MEDIA_URL",
    "SAMPLE_PAGE",
    "DemoPicture",
    "DemoReport",
    "run_demo",
]

DEMO_DATABASE = "newscms-demo.db"
"""The demo database's file name in the output directory."""

SAMPLE_PAGE = SourceRef(
    format="legacy", locator="legacy/asianews-en-2012-06-14-beijing-pyongyang.txt"
)
"""The source identity of the page newscms was made for, relative to the examples."""

MEDIA_DIRECTORY = "media"
"""The examples' directory of pictures (not documents: the import leaves it out), and the
output directory the demo stores them in."""

MEDIA_URL = "http://127.0.0.1:8000/media/"
"""Where ``newscms serve --media-dir <output>/media`` serves the demo's pictures."""


@dataclass(frozen=True, slots=True)
class DemoPicture:
    """A picture of ``examples/media`` and the legacy page whose lead image it becomes."""

    file: str
    page: str
    alt: str
    caption: str


_CREDIT = "Illustration: newscms demo"
DEMO_PICTURES = (
    DemoPicture(
        "beijing-pyongyang.jpg",
        SAMPLE_PAGE.locator,
        "A drawn map of the Korean peninsula beside the Chinese coast, two capitals marked",
        "Beijing and Pyongyang, marked on a drawn map (an illustration, not a photograph).",
    ),
    DemoPicture(
        "tacloban-relief.jpg",
        "legacy/asianews-en-2013-11-14-tacloban-relief.txt",
        "Drawn relief tents on a shore at sunset",
        "Relief tents on the shore (an illustration, not a photograph).",
    ),
    DemoPicture(
        "myanmar-floods.jpg",
        "legacy/asianews-en-2015-08-20-myanmar-floods-parishes.txt",
        "Drawn houses standing in flood water",
        "Houses in the flood water (an illustration, not a photograph).",
    ),
)
"""The demo's lead images: drawn illustrations, credited and captioned as such."""

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
        documents = sorted(p for p in examples.iterdir() if p.name != MEDIA_DIRECTORY)
        imported = import_paths(store, documents, source_root=examples)
        _attach_pictures(store, examples / MEDIA_DIRECTORY, output / MEDIA_DIRECTORY)
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


def _attach_pictures(store: Store, pictures: Path, media: Path) -> None:
    """Store the demo's pictures (with renditions) and make each its page's lead image."""
    storage = LocalDirectoryStorage(media, MEDIA_URL)
    with store.session(actor="demo") as uow:
        for picture in DEMO_PICTURES:
            path = pictures / picture.file
            article = uow.articles.find_by_source(SourceRef(format="legacy", locator=picture.page))
            if article is None or not path.is_file():
                continue  # examples without that page or picture: nothing to attach
            item = store_image(
                uow,
                path.read_bytes(),
                storage=storage,
                alt={article.locale: picture.alt},
                caption={article.locale: picture.caption},
                credit=_CREDIT,
                crops={"16x9": (16, 9), "1x1": (1, 1)},
            )
            if not any(shown.id == item.id for shown in article.media):
                patch = ArticlePatch(expected_version=article.version, media=[item.id])
                uow.articles.update(article.id, patch)


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
