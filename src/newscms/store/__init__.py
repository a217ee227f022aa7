"""Storage of news content: the only package that speaks SQL.

``Store`` is the entry point; a unit of work (``store.session()`` or
``store.using(host_session)``) carries the ``articles``, ``tags``, ``relations``,
``search`` and ``related`` repositories (and ``workflow``, ``revisions`` and
``legacy_urls``).
Everything returned is a domain object, never a live row. ``AsyncStore`` (the async
face, ``newscms.store.asyncio``) is imported on first use: it needs the ``async`` extra.
"""

from typing import TYPE_CHECKING

from newscms.store.articles import ArticleRepository as ArticleRepository
from newscms.store.engine import create_engine as create_engine
from newscms.store.legacy_urls import LegacyRedirect as LegacyRedirect
from newscms.store.legacy_urls import LegacyUrlConflict as LegacyUrlConflict
from newscms.store.legacy_urls import LegacyUrlRepository as LegacyUrlRepository
from newscms.store.maintenance import Optimized as Optimized
from newscms.store.migrations import SchemaStatus as SchemaStatus
from newscms.store.migrations import exclude_newscms_tables as exclude_newscms_tables
from newscms.store.related import RelatedArticle as RelatedArticle
from newscms.store.related import RelatedRepository as RelatedRepository
from newscms.store.relations import RelationRepository as RelationRepository
from newscms.store.search import SearchHit as SearchHit
from newscms.store.search import SearchRepository as SearchRepository
from newscms.store.search import reindex as reindex
from newscms.store.store import DEFAULT_DATABASE_URL as DEFAULT_DATABASE_URL
from newscms.store.store import HostUnitOfWork as HostUnitOfWork
from newscms.store.store import Store as Store
from newscms.store.store import utc_now as utc_now
from newscms.store.tables import Tables as Tables
from newscms.store.tables import build_tables as build_tables
from newscms.store.tags import TagRepository as TagRepository
from newscms.store.unit import UnitOfWork as UnitOfWork

if TYPE_CHECKING:
    from newscms.store.asyncio import AsyncStore as AsyncStore

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ArticleRepository",
    "AsyncStore",
    "HostUnitOfWork",
    "LegacyRedirect",
    "LegacyUrlConflict",
    "LegacyUrlRepository",
    "Optimized",
    "RelatedArticle",
    "RelatedRepository",
    "RelationRepository",
    "SchemaStatus",
    "SearchHit",
    "SearchRepository",
    "Store",
    "Tables",
    "TagRepository",
    "UnitOfWork",
    "build_tables",
    "create_engine",
    "exclude_newscms_tables",
    "reindex",
    "utc_now",
]


def __getattr__(name: str) -> object:
    """Import the async face only when it is asked for (it loads SQLAlchemy's asyncio)."""
    if name == "AsyncStore":
        from newscms.store.asyncio import AsyncStore

        return AsyncStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
