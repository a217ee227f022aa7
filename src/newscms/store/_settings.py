"""What a store knows and every unit of work of it reads: tables, clock, slugifier.

Its own module, below ``store`` and ``unit``, so both (and the repositories) can name
it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from newscms.errors import NaiveDatetimeError
from newscms.utils.slugs import LocaleSlugifier

if TYPE_CHECKING:
    from newscms.store.tables import Tables
    from newscms.utils.locales import LocaleFallback

__all__ = ["Clock", "Slugifier", "StoreSettings", "default_slugifier", "utc_now"]

Clock = Callable[[], datetime]
"""Returns the current moment as an aware datetime; inject one to test time-based rules."""

Slugifier = Callable[[str, str], str]
"""Turns (text, locale) into a URL slug; newscms's own handles every script."""


def utc_now() -> datetime:
    """The current moment in UTC (the default clock)."""
    return datetime.now(UTC)


default_slugifier: Slugifier = LocaleSlugifier()
"""Newscms's slugifier: per-script romanization, Unicode slugs for the languages written
in Arabic script, at most 80 characters, cached (``newscms.utils.slugs.LocaleSlugifier``)."""


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """What a unit of work needs to know about its store."""

    tables: Tables
    clock: Clock
    slugifier: Slugifier
    locales: LocaleFallback
    outbox: bool = True

    @property
    def default_locale(self) -> str:
        """The site's main locale, the last step of every fallback chain."""
        return self.locales.default

    def now(self) -> datetime:
        """The injected clock's current moment, checked to be aware and returned in UTC."""
        value = self.clock()
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError("the store's clock returned a naive datetime", field="clock")
        return value.astimezone(UTC)
