"""Delivery formats: pure functions from domain objects to documents.

JSON with a published schema, IPTC ninjs, schema.org JSON-LD, RSS and Atom, sitemaps
and Google News sitemaps, a printable version and share links. Nothing here opens a
database session: give the functions articles (from the store, or built by hand) and,
where URLs are needed, a ``Site`` describing the host application.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from newscms.formats.feeds import iter_atom as iter_atom
from newscms.formats.feeds import iter_rss as iter_rss
from newscms.formats.feeds import write_atom as write_atom
from newscms.formats.feeds import write_rss as write_rss
from newscms.formats.jsonld import jsonld_script as jsonld_script
from newscms.formats.jsonld import to_jsonld as to_jsonld
from newscms.formats.ninjs import NinjsVersion as NinjsVersion
from newscms.formats.ninjs import to_ninjs as to_ninjs
from newscms.formats.printable import article_date as article_date
from newscms.formats.printable import to_print_html as to_print_html
from newscms.formats.printable import to_text as to_text
from newscms.formats.printable import wrap as wrap
from newscms.formats.share import SharePayload as SharePayload
from newscms.formats.share import mailto_url as mailto_url
from newscms.formats.share import share_payload as share_payload
from newscms.formats.site import Linkable as Linkable
from newscms.formats.site import Site as Site
from newscms.formats.site import UrlBuilder as UrlBuilder
from newscms.formats.sitemaps import SitemapFile as SitemapFile
from newscms.formats.sitemaps import SitemapItem as SitemapItem
from newscms.formats.sitemaps import SitemapSet as SitemapSet
from newscms.formats.sitemaps import iter_news_sitemap as iter_news_sitemap
from newscms.formats.sitemaps import iter_sitemap as iter_sitemap
from newscms.formats.sitemaps import news_language as news_language
from newscms.formats.sitemaps import write_news_sitemap as write_news_sitemap
from newscms.formats.sitemaps import write_news_sitemaps as write_news_sitemaps
from newscms.formats.sitemaps import write_sitemap as write_sitemap
from newscms.formats.sitemaps import write_sitemap_index as write_sitemap_index
from newscms.formats.sitemaps import write_sitemaps as write_sitemaps

if TYPE_CHECKING:
    from newscms.formats.json import dump_json as dump_json
    from newscms.formats.json import json_schemas as json_schemas
    from newscms.formats.json import to_json as to_json
    from newscms.formats.json import write_json_schemas as write_json_schemas

# Imported on first use, so ``python -m newscms.formats.json`` (which regenerates the
# committed schemas) runs that module once instead of after the package imported it.
_LAZY = dict.fromkeys(
    ("dump_json", "json_schemas", "to_json", "write_json_schemas"), "newscms.formats.json"
)

__all__ = [
    "Linkable",
    "NinjsVersion",
    "SharePayload",
    "Site",
    "SitemapFile",
    "SitemapItem",
    "SitemapSet",
    "UrlBuilder",
    "article_date",
    "dump_json",
    "iter_atom",
    "iter_news_sitemap",
    "iter_rss",
    "iter_sitemap",
    "json_schemas",
    "jsonld_script",
    "mailto_url",
    "news_language",
    "share_payload",
    "to_json",
    "to_jsonld",
    "to_ninjs",
    "to_print_html",
    "to_text",
    "wrap",
    "write_atom",
    "write_json_schemas",
    "write_news_sitemap",
    "write_news_sitemaps",
    "write_rss",
    "write_sitemap",
    "write_sitemap_index",
    "write_sitemaps",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
