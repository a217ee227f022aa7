"""Date conventions learned from a corpus: how a source writes ``dd/dd/yyyy``, by evidence.

A legacy site writes its numeric dates one way per edition and per kind of date (the
sample pages: month-first English headers, day-first "See also" lists), but a single
page rarely proves which: ``08/02/2012`` reads both ways. Across a batch, though,
every date with a field above 12 settles its own order, and those votes settle the
rest. :class:`DateEvidence` counts them by (edition locale, kind of date);
:meth:`DateEvidence.convention` decides only when the votes are many enough and agree
(see ``MIN_VOTES`` and ``MAX_DISSENT``), so a mixed or thin corpus still refuses.

An importer reports what each page's dates proved (``ParsedSource.dates``); the import
service adds them up over the batch and the archive, and parses the pages that need
it again with the evidence in ``ImportOptions.date_evidence``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from newscms.errors import ImportFailure
from newscms.utils.dates import DateOrder

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "MAX_DISSENT",
    "MIN_VOTES",
    "DateConvention",
    "DateEvidence",
    "DateKind",
    "DateVote",
    "UnsettledDate",
]

MIN_VOTES = 3
"""The fewest self-settling dates a convention is learned from."""

MAX_DISSENT = 0.05
"""The largest share of votes for the other order a convention tolerates (typos happen)."""


class DateKind(StrEnum):
    """Which dates of a page a convention is about: a site may write each kind its own way."""

    HEADER = "header"
    SEE_ALSO = "see-also"


@dataclass(frozen=True, slots=True)
class DateVote:
    """One date that settled its own order: in which edition, of which kind, which order."""

    locale: str
    kind: DateKind
    order: DateOrder


@dataclass(frozen=True, slots=True)
class DateConvention:
    """The order a corpus writes one kind of date in, and the votes it rests on."""

    order: DateOrder
    month_first: int
    day_first: int
    locale: str
    kind: DateKind

    @property
    def note(self) -> str:
        """The evidence in words, as the date's provenance records it."""
        return (
            f"inferred from the corpus: {self.month_first} month-first and {self.day_first} "
            f"day-first {self.kind.value} dates of {self.locale} pages"
        )


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """Votes for each order, by (locale, kind): what a batch and an archive proved.

    Attributes:
        votes: (locale, kind) -> (month-first votes, day-first votes).
    """

    votes: Mapping[tuple[str, DateKind], tuple[int, int]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __reduce__(self) -> tuple[object, ...]:
        # A mapping proxy does not pickle; the evidence goes to worker processes.
        return (DateEvidence, (dict(self.votes),))

    @classmethod
    def counted(cls, *sources: Iterable[DateVote] | DateEvidence) -> DateEvidence:
        """The evidence of several vote lists and evidences together."""
        totals: dict[tuple[str, DateKind], list[int]] = {}
        for source in sources:
            if isinstance(source, DateEvidence):
                for key, (month, day) in source.votes.items():
                    slot = totals.setdefault(key, [0, 0])
                    slot[0] += month
                    slot[1] += day
                continue
            for vote in source:
                slot = totals.setdefault((vote.locale, vote.kind), [0, 0])
                slot[vote.order is DateOrder.DAY_FIRST] += 1
        return cls(MappingProxyType({key: (m, d) for key, (m, d) in totals.items()}))

    def convention(self, locale: str, kind: DateKind) -> DateConvention | None:
        """The order ``kind`` dates of ``locale`` pages are written in; None when unsettled.

        Settled when at least ``MIN_VOTES`` dates voted and at most ``MAX_DISSENT`` of
        them for the other order.
        """
        month, day = self.votes.get((locale, kind), (0, 0))
        total = month + day
        if total < MIN_VOTES:
            return None
        if day <= total * MAX_DISSENT:
            return DateConvention(DateOrder.MONTH_FIRST, month, day, locale, kind)
        if month <= total * MAX_DISSENT:
            return DateConvention(DateOrder.DAY_FIRST, month, day, locale, kind)
        return None


class UnsettledDate(ImportFailure):
    """A page has a date that neither it nor the evidence given settles (yet).

    ``votes`` are the dates of the page that did settle themselves, so an import that
    sets the page aside until the whole batch is counted does not lose them.
    """

    def __init__(
        self, message: str, *, source: str, line: int | None, votes: tuple[DateVote, ...]
    ) -> None:
        super().__init__(message, source=source, line=line)
        self.votes = votes
