"""Coroutine twins of the repositories, one line per method and no rule of their own.

Each attribute below names a method of the sync repository; reading it on an async
repository gives a coroutine function with the very same parameters and result
(``Callable[P, Coroutine[..., T]]``, checked by mypy), which runs the sync method in
SQLAlchemy's greenlet bridge on the unit of work's connection. So there is one source
for every rule and two faces over it. The write-path helpers that the repositories
call on each other (``apply``, ``insert_new``, ``index``, ...) are not offered here:
they belong inside a unit of work's own calls (``await uow.run_sync(...)`` reaches
everything).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

from newscms.store.articles import ArticleRepository
from newscms.store.legacy_urls import LegacyUrlRepository
from newscms.store.media import MediaRepository
from newscms.store.people import PeopleRepository
from newscms.store.related import RelatedRepository
from newscms.store.relations import RelationRepository
from newscms.store.revisions import RevisionRepository
from newscms.store.search.repository import SearchRepository
from newscms.store.tags import TagRepository
from newscms.store.workflow import WorkflowRepository

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from typing import Self

__all__ = [
    "AsyncArticleRepository",
    "AsyncLegacyUrlRepository",
    "AsyncMediaRepository",
    "AsyncPeopleRepository",
    "AsyncRelatedRepository",
    "AsyncRelationRepository",
    "AsyncRepository",
    "AsyncRevisionRepository",
    "AsyncSearchRepository",
    "AsyncTagRepository",
    "AsyncWorkflowRepository",
    "Runner",
]

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")


class Runner(Protocol):
    """What runs a sync call for an async repository: the async unit of work."""

    async def call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``function(*args, **kwargs)`` in the greenlet bridge, one call at a time."""
        ...


class AsyncRepository(Generic[R]):
    """An async repository: the sync one of the same unit of work, called through ``unit``."""

    def __init__(self, unit: Runner, repository: R) -> None:
        self._unit = unit
        self.sync = repository

    def __repr__(self) -> str:
        return f"<{type(self).__name__} over {type(self.sync).__name__}>"


class _Bridged(Generic[P, T]):
    """A sync repository method, offered as a coroutine method of the async repository."""

    def __init__(self, method: Callable[Concatenate[Any, P], T]) -> None:
        self._method = method
        self.__name__ = method.__name__
        self.__doc__ = method.__doc__
        self.__wrapped__ = method

    def __set_name__(self, owner: type, name: str) -> None:
        if name != self.__name__:  # pragma: no cover - a typo in the tables below
            raise TypeError(f"{owner.__name__}.{name} bridges {self.__name__}")

    @overload
    def __get__(self, instance: None, owner: type) -> Self: ...

    @overload
    def __get__(
        self, instance: AsyncRepository[Any], owner: type
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    def __get__(
        self, instance: AsyncRepository[Any] | None, owner: type
    ) -> Self | Callable[P, Coroutine[Any, Any, T]]:
        if instance is None:
            return self
        bound: Callable[P, T] = getattr(instance.sync, self.__name__)
        unit = instance._unit

        @functools.wraps(self._method)
        async def call(*args: P.args, **kwargs: P.kwargs) -> T:
            return await unit.call(bound, *args, **kwargs)

        return call


class AsyncArticleRepository(AsyncRepository[ArticleRepository]):
    """``uow.articles`` of an async unit of work: see ``ArticleRepository``."""

    get = _Bridged(ArticleRepository.get)
    get_by_slug = _Bridged(ArticleRepository.get_by_slug)
    edition = _Bridged(ArticleRepository.edition)
    find_by_source = _Bridged(ArticleRepository.find_by_source)
    list = _Bridged(ArticleRepository.list)
    teasers = _Bridged(ArticleRepository.teasers)
    create = _Bridged(ArticleRepository.create)
    create_many = _Bridged(ArticleRepository.create_many)
    stored_of = _Bridged(ArticleRepository.stored_of)
    update = _Bridged(ArticleRepository.update)
    delete = _Bridged(ArticleRepository.delete)


class AsyncTagRepository(AsyncRepository[TagRepository]):
    """``uow.tags`` of an async unit of work: see ``TagRepository``."""

    get = _Bridged(TagRepository.get)
    get_by_slug = _Bridged(TagRepository.get_by_slug)
    list = _Bridged(TagRepository.list)
    get_or_create = _Bridged(TagRepository.get_or_create)
    set_name = _Bridged(TagRepository.set_name)
    merge = _Bridged(TagRepository.merge)
    get_by_code = _Bridged(TagRepository.get_by_code)
    set_code = _Bridged(TagRepository.set_code)
    coded = _Bridged(TagRepository.coded)
    split = _Bridged(TagRepository.split)
    place = _Bridged(TagRepository.place)
    children = _Bridged(TagRepository.children)
    breadcrumbs = _Bridged(TagRepository.breadcrumbs)
    delete_unused = _Bridged(TagRepository.delete_unused)


class AsyncRelationRepository(AsyncRepository[RelationRepository]):
    """``uow.relations`` of an async unit of work: see ``RelationRepository``."""

    outgoing = _Bridged(RelationRepository.outgoing)
    incoming = _Bridged(RelationRepository.incoming)
    pending = _Bridged(RelationRepository.pending)
    count_pending = _Bridged(RelationRepository.count_pending)
    add = _Bridged(RelationRepository.add)
    remove = _Bridged(RelationRepository.remove)
    reorder = _Bridged(RelationRepository.reorder)


class AsyncWorkflowRepository(AsyncRepository[WorkflowRepository]):
    """``uow.workflow`` of an async unit of work: see ``WorkflowRepository``."""

    publish = _Bridged(WorkflowRepository.publish)
    schedule = _Bridged(WorkflowRepository.schedule)
    unpublish = _Bridged(WorkflowRepository.unpublish)
    archive = _Bridged(WorkflowRepository.archive)
    publish_due = _Bridged(WorkflowRepository.publish_due)
    correct = _Bridged(WorkflowRepository.correct)
    preview_token = _Bridged(WorkflowRepository.preview_token)
    preview = _Bridged(WorkflowRepository.preview)


class AsyncRevisionRepository(AsyncRepository[RevisionRepository]):
    """``uow.revisions`` of an async unit of work: see ``RevisionRepository``."""

    list = _Bridged(RevisionRepository.list)
    get = _Bridged(RevisionRepository.get)
    diff = _Bridged(RevisionRepository.diff)
    restore = _Bridged(RevisionRepository.restore)


class AsyncSearchRepository(AsyncRepository[SearchRepository]):
    """``uow.search`` of an async unit of work: see ``SearchRepository``."""

    search = _Bridged(SearchRepository.search)
    count = _Bridged(SearchRepository.count)
    reindex = _Bridged(SearchRepository.reindex)
    reindex_tag = _Bridged(SearchRepository.reindex_tag)
    reindex_batch = _Bridged(SearchRepository.reindex_batch)
    clear_reindex_flag = _Bridged(SearchRepository.clear_reindex_flag)


class AsyncRelatedRepository(AsyncRepository[RelatedRepository]):
    """``uow.related`` of an async unit of work: see ``RelatedRepository``."""

    find = _Bridged(RelatedRepository.find)


class AsyncLegacyUrlRepository(AsyncRepository[LegacyUrlRepository]):
    """``uow.legacy_urls`` of an async unit of work: see ``LegacyUrlRepository``."""

    resolve = _Bridged(LegacyUrlRepository.resolve)
    article = _Bridged(LegacyUrlRepository.article)
    of = _Bridged(LegacyUrlRepository.of)
    redirects = _Bridged(LegacyUrlRepository.redirects)
    add = _Bridged(LegacyUrlRepository.add)
    add_many = _Bridged(LegacyUrlRepository.add_many)
    remove = _Bridged(LegacyUrlRepository.remove)


class AsyncMediaRepository(AsyncRepository[MediaRepository]):
    """``uow.media`` of an async unit of work: see ``MediaRepository``."""

    get = _Bridged(MediaRepository.get)
    find_by_url = _Bridged(MediaRepository.find_by_url)
    list = _Bridged(MediaRepository.list)
    articles = _Bridged(MediaRepository.articles)
    create = _Bridged(MediaRepository.create)
    find_or_create = _Bridged(MediaRepository.find_or_create)
    update = _Bridged(MediaRepository.update)
    delete = _Bridged(MediaRepository.delete)


class AsyncPeopleRepository(AsyncRepository[PeopleRepository]):
    """``uow.people`` of an async unit of work: see ``PeopleRepository``."""

    get = _Bridged(PeopleRepository.get)
    get_by_slug = _Bridged(PeopleRepository.get_by_slug)
    find = _Bridged(PeopleRepository.find)
    list = _Bridged(PeopleRepository.list)
    articles = _Bridged(PeopleRepository.articles)
    create = _Bridged(PeopleRepository.create)
    update = _Bridged(PeopleRepository.update)
    merge = _Bridged(PeopleRepository.merge)
