"""newscms: a small, exact, fast headless CMS content library for news publishers.

The content model (``ArticleDraft`` → ``Article``, ``Tag``, ``Relation``) and the errors
are importable from here without loading any database code; ``Store`` (and
``UnitOfWork``) load SQLAlchemy only when first used::

    from newscms import ArticleDraft, Store

    store = Store("sqlite:///news.db")
    store.migrate()
    with store.session() as uow:
        article = uow.articles.create(ArticleDraft(locale="en", headline="Hello"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newscms._version import __version__
from newscms.domain import (
    Article,
    ArticleDraft,
    ArticlePatch,
    ArticleRef,
    ArticleTeaser,
    Dateline,
    DateProvenance,
    MediaAttachment,
    MediaDraft,
    MediaItem,
    MediaPatch,
    MediaRole,
    Page,
    PendingTarget,
    Person,
    PersonDraft,
    PersonPatch,
    PersonProfile,
    Relation,
    RelationDraft,
    RelationKind,
    SourceRef,
    Status,
    Tag,
    TagInput,
    TagKind,
    TagName,
    TagRef,
)
from newscms.errors import (
    ConflictError,
    DuplicateError,
    NewsCMSError,
    NotFoundError,
    RetryableError,
    ValidationError,
)

if TYPE_CHECKING:
    from newscms.store import Store, UnitOfWork

__all__ = [
    "Article",
    "ArticleDraft",
    "ArticlePatch",
    "ArticleRef",
    "ArticleTeaser",
    "ConflictError",
    "DateProvenance",
    "Dateline",
    "DuplicateError",
    "MediaAttachment",
    "MediaDraft",
    "MediaItem",
    "MediaPatch",
    "MediaRole",
    "NewsCMSError",
    "NotFoundError",
    "Page",
    "PendingTarget",
    "Person",
    "PersonDraft",
    "PersonPatch",
    "PersonProfile",
    "Relation",
    "RelationDraft",
    "RelationKind",
    "RetryableError",
    "SourceRef",
    "Status",
    "Store",
    "Tag",
    "TagInput",
    "TagKind",
    "TagName",
    "TagRef",
    "UnitOfWork",
    "ValidationError",
    "__version__",
]

_LAZY = {"Store": "newscms.store", "UnitOfWork": "newscms.store"}


def __getattr__(name: str) -> Any:
    """Load the store on first use, so ``import newscms`` never imports SQLAlchemy."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newscms' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
