"""Importers: legacy pages, HTML pages, WordPress exports and ninjs into article drafts.

Pure parsing, no database: each importer turns one source document into a
``ParsedSource`` of ``ArticleDraft`` objects that carry their source identity, their
date provenance and their "see also" relations as pending targets; the import service
writes them through the store. ``parse(data, source=path)`` detects the format;
``ImportOptions`` settles what a document leaves open (locale, site time zone, the order
of ``dd/dd/yyyy`` dates).
"""

from newscms.importers.base import DEFAULT_OPTIONS as DEFAULT_OPTIONS
from newscms.importers.base import ImportOptions as ImportOptions
from newscms.importers.base import ParsedSource as ParsedSource
from newscms.importers.detect import FORMATS as FORMATS
from newscms.importers.detect import detect_format as detect_format
from newscms.importers.detect import parse as parse
from newscms.importers.html import parse_html as parse_html
from newscms.importers.legacy import parse_legacy as parse_legacy
from newscms.importers.wxr import parse_wxr as parse_wxr

__all__ = [
    "DEFAULT_OPTIONS",
    "FORMATS",
    "ImportOptions",
    "ParsedSource",
    "detect_format",
    "parse",
    "parse_html",
    "parse_legacy",
    "parse_wxr",
]
