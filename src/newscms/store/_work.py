"""``Work``: a unit of work as the write path uses it, with the services it calls.

The write path needs relations (pending targets), the journal and the search index of
the unit of work, and nothing above them; this names exactly those, so the write path
and the repositories built on it import no module that imports them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from newscms.store._context import UnitState

if TYPE_CHECKING:
    from newscms.store._journal import Journal
    from newscms.store.relations import RelationRepository
    from newscms.store.search.repository import SearchRepository

__all__ = ["Work"]


class Work(UnitState, Protocol):
    """A unit of work with the relations, journal and search index it writes through."""

    @property
    def relations(self) -> RelationRepository:
        """Relations of this unit of work (pending targets resolve through it)."""

    @property
    def journal(self) -> Journal:
        """Revisions, events and search documents of every save."""

    @property
    def search(self) -> SearchRepository:
        """The search index kept in step with every save."""
