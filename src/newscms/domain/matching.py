"""Which stored article a pending relation target names: the one matching rule.

A pending target names an article by the same URL (as ``url_key`` compares URLs), by
the same slug in the same locale, or by the same title (as ``title_key`` compares
titles) in the same locale, when the target gives one, published within
``TITLE_MATCH_WINDOW`` of the target's date, when it gives one.

The store applies the rule when a relation is added (``pick_target``: which of the
stored articles it names) and when an article arrives (``names_article``: whether a
waiting relation names it); a re-import applies it to decide whether a stored relation
is the one its source still lists. Both sides are compared by their keys, so the store
can match on indexed columns without reading the texts back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from newscms.utils.keys import title_key, url_key

if TYPE_CHECKING:
    from collections.abc import Iterable
    from uuid import UUID

    from newscms.domain.relation import PendingTarget

__all__ = [
    "TITLE_MATCH_WINDOW",
    "MatchKeys",
    "Matchable",
    "PendingKeys",
    "names_article",
    "pick_target",
]

TITLE_MATCH_WINDOW = timedelta(hours=36)
"""How far apart a see-also date and the target's publication time may be and still match.

Legacy see-also dates carry no zone and often no time: a day and a half covers every
zone offset plus an unknown time of day.
"""


@dataclass(frozen=True, slots=True)
class PendingKeys:
    """What a pending target names its article by, as the keys the store keeps of it."""

    title_key: str | None
    url_key: str | None
    slug: str | None
    locale: str | None
    published_at: datetime | None

    @classmethod
    def of(cls, pending: PendingTarget) -> PendingKeys:
        """The keys of ``pending``, derived as the store derives them for its columns."""
        return cls(
            title_key=title_key(pending.title) if pending.title else None,
            url_key=url_key(pending.url) if pending.url else None,
            slug=pending.slug,
            locale=pending.locale,
            published_at=pending.published_at,
        )


class Matchable(Protocol):
    """What a pending target is matched against, for one stored article."""

    @property
    def id(self) -> UUID: ...  # noqa: D102 - the attributes document themselves
    @property
    def locale(self) -> str: ...  # noqa: D102
    @property
    def slug(self) -> str: ...  # noqa: D102
    @property
    def title_key(self) -> str: ...  # noqa: D102
    @property
    def url_key(self) -> str | None: ...  # noqa: D102
    @property
    def published_at(self) -> datetime | None: ...  # noqa: D102


@dataclass(frozen=True, slots=True)
class MatchKeys:
    """A stored article's keys, as its row holds them.

    ``slug`` is a slug the article is known by in its locale: its current one, or a
    former one when the store looked the article up by that slug.
    """

    id: UUID
    locale: str
    slug: str
    title_key: str
    url_key: str | None
    published_at: datetime | None


def names_article(pending: PendingKeys, article: Matchable) -> bool:
    """Whether ``pending`` names ``article`` by its URL, its slug or its title and date.

    The URL is compared last: a caller may read it only when asked (a re-import does).
    """
    return (
        _same_slug(pending, article)
        or _same_title(pending, article)
        or (pending.url_key is not None and pending.url_key == article.url_key)
    )


def pick_target(pending: PendingKeys, candidates: Iterable[Matchable]) -> UUID | None:
    """The article ``pending`` names among ``candidates``, or None when none, or not one, is.

    A URL naming exactly one article wins; then the slug in its locale; then the title,
    within ``TITLE_MATCH_WINDOW`` of the given date (the closest one), or alone when no
    date is given. A URL or an undated title naming several articles names none of them.
    """
    candidates = list(candidates)
    if pending.url_key is not None:
        by_url = {c.id for c in candidates if c.url_key == pending.url_key}
        if len(by_url) == 1:
            return by_url.pop()
    slugged = next((c for c in candidates if _same_slug(pending, c)), None)
    if slugged is not None:
        return slugged.id
    # One entry per article: the caller may list an article once per key it was found by
    # (the entries differ in ``slug`` only, which a title match does not look at).
    titled = {c.id: c for c in candidates if _same_title(pending, c)}
    wanted = pending.published_at
    if not titled or (len(titled) > 1 and wanted is None):
        return None
    if wanted is None:
        return next(iter(titled))
    return min(titled.values(), key=lambda c: _distance(wanted, c.published_at)).id


def _same_slug(pending: PendingKeys, article: Matchable) -> bool:
    return pending.slug is not None and (pending.locale, pending.slug) == (
        article.locale,
        article.slug,
    )


def _same_title(pending: PendingKeys, article: Matchable) -> bool:
    return (
        pending.title_key is not None
        and pending.title_key == article.title_key
        and pending.locale in (None, article.locale)
        and _dates_match(pending.published_at, article.published_at)
    )


def _dates_match(wanted: datetime | None, actual: datetime | None) -> bool:
    if wanted is None:
        return True
    return actual is not None and abs(actual - wanted) <= TITLE_MATCH_WINDOW


def _distance(wanted: datetime, actual: datetime | None) -> timedelta:
    # A dated pending only keeps dated candidates (``_dates_match``).
    assert actual is not None
    return abs(actual - wanted)
