"""tests/store/test_legacy_url_repository.py, run through the async face (AsyncStore).

``_faces.SyncUnit`` wraps the repositories of ``_faces.REPOSITORIES``, so each call of
``uow.legacy_urls`` is awaited on the async face.
"""

import inspect

from _faces import rerun

from newscms.store import Store
from newscms.store.asyncio import AsyncStore

rerun("test_legacy_url_repository", globals())


def test_the_store_resolves_legacy_urls_on_the_async_face_too() -> None:
    assert inspect.iscoroutinefunction(AsyncStore.resolve_legacy)
    assert inspect.signature(AsyncStore.resolve_legacy) == inspect.signature(Store.resolve_legacy)
