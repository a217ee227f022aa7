"""Rebuilding the search index of a whole store, one short transaction per batch.

Apart from the repository because it works on a ``Store`` (it opens its own units of
work), which the repository, built by every unit of work, must not know of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscms.store._base import as_locale, expect
from newscms.store._errors import translate_errors
from newscms.store.search.repository import REINDEX_BATCH, Progress, in_batches

if TYPE_CHECKING:
    from uuid import UUID

    from newscms.store.store import Store

__all__ = ["reindex"]


def reindex(
    store: Store,
    *,
    locale: str | None = None,
    batch_size: int = REINDEX_BATCH,
    progress: Progress | None = None,
) -> int:
    """Rebuild the search index of ``store``, one transaction per batch of articles.

    Readers and writers carry on meanwhile: each batch is a short transaction, and an
    article saved during the rebuild is indexed by its own save. With ``locale`` only
    that locale's articles are rebuilt.

    Returns:
        The number of articles indexed.
    """
    expect(batch_size, int, "batch_size")
    with store.session(readonly=True) as uow:
        locale = as_locale(locale, "locale") if locale is not None else None
        total = uow.search.count(locale=locale)

    def batch(after: UUID | None) -> tuple[int, UUID | None]:
        with store.session() as uow:
            return uow.search.reindex_batch(locale=locale, after=after, size=batch_size)

    done = in_batches(batch, total=total, progress=progress)
    if locale is None:
        with translate_errors(), store.session() as uow:
            uow.search.clear_reindex_flag()
    return done
