"""Application services: whole jobs built from the store, the importers and the formats.

``import_paths`` imports source documents (legacy pages, HTML pages, WordPress exports,
ninjs) into a store, one transaction per file, idempotently, and reports what it did;
``store_image`` stores a picture's bytes and renditions in a ``MediaStorage`` and
describes it in the store; ``run_demo`` builds the demo database from the example
documents. The ``newscms`` CLI
is a thin shell over these functions, and so can any other host program be.
"""

from newscms.services.demo import DemoReport as DemoReport
from newscms.services.demo import run_demo as run_demo
from newscms.services.importing import FileResult as FileResult
from newscms.services.importing import ImportItem as ImportItem
from newscms.services.importing import ImportReport as ImportReport
from newscms.services.importing import SourceFile as SourceFile
from newscms.services.importing import collect_files as collect_files
from newscms.services.importing import import_files as import_files
from newscms.services.importing import import_paths as import_paths
from newscms.services.media import LocalDirectoryStorage as LocalDirectoryStorage
from newscms.services.media import MediaStorage as MediaStorage
from newscms.services.media import store_image as store_image

__all__ = [
    "DemoReport",
    "FileResult",
    "ImportItem",
    "ImportReport",
    "LocalDirectoryStorage",
    "MediaStorage",
    "SourceFile",
    "collect_files",
    "import_files",
    "import_paths",
    "run_demo",
    "store_image",
]
