"""BCP 47 locales: normalize, fall back, negotiate and name them, with CLDR data from Babel.

newscms stores every locale in one canonical spelling (``en``, ``en-US``,
``zh-Hant-TW``) so that ``"EN_us"`` and ``"en-US"`` can never become two editions.
Only language-script-region tags are accepted: that is what CLDR has data for and what
a newsroom edition is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import babel
from babel import Locale, UnknownLocaleError

from newscms.errors import LocaleError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "DEFAULT_LOCALE",
    "LocaleFallback",
    "babel_locale",
    "fallback_chain",
    "language_of",
    "locale_display_name",
    "negotiate_locale",
    "normalize_locale",
]

DEFAULT_LOCALE = "en"

# CLDR lists these codes, but they name no edition a newsroom could publish in.
_NOT_A_LANGUAGE = frozenset({"und", "mul", "mis", "zxx", "root"})

_TAG = re.compile(
    r"""^(?P<language>[a-z]{2,3})
        (?:[-_](?P<script>[a-z]{4}))?
        (?:[-_](?P<region>[a-z]{2}|[0-9]{3}))?$""",
    re.IGNORECASE | re.VERBOSE,
)


@lru_cache(maxsize=1)
def _cldr_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Every language, script and region code CLDR knows (read once, then cached)."""
    root = Locale("en")
    languages = {ident.split("_")[0] for ident in babel.localedata.locale_identifiers()}
    languages.update(str(code) for code in root.languages if "_" not in str(code))
    return (
        frozenset(languages - _NOT_A_LANGUAGE),
        frozenset(root.scripts.keys() - {"Zzzz"}),
        frozenset(root.territories.keys() - {"ZZ"}),
    )


@lru_cache(maxsize=1024)
def normalize_locale(value: str) -> str:
    """Return the canonical BCP 47 spelling of ``value`` (``"EN_us"`` -> ``"en-US"``).

    Raises:
        LocaleError: the tag is malformed, or names a language, script or region
            that CLDR does not know.
    """
    if not isinstance(value, str):
        raise LocaleError(f"a locale must be a string like 'en' or 'it-IT', not {value!r}")
    match = _TAG.match(value.strip())
    if match is None:
        raise LocaleError(
            f"{value!r} is not a locale; use a BCP 47 tag such as 'en', 'it-IT' or 'zh-Hant-TW'"
        )
    languages, scripts, regions = _cldr_names()
    language = match["language"].lower()
    script = match["script"].title() if match["script"] else None
    region = match["region"].upper() if match["region"] else None
    if language not in languages:
        raise LocaleError(f"unknown language {language!r} in locale {value!r}")
    if script is not None and script not in scripts:
        raise LocaleError(f"unknown script {script!r} in locale {value!r}")
    if region is not None and region not in regions:
        raise LocaleError(f"unknown region {region!r} in locale {value!r}")
    return "-".join(part for part in (language, script, region) if part)


def language_of(locale: str) -> str:
    """The primary language subtag of a locale (``"zh-Hant-TW"`` -> ``"zh"``)."""
    return normalize_locale(locale).split("-", 1)[0]


def fallback_chain(locale: str, default: str = DEFAULT_LOCALE) -> tuple[str, ...]:
    """Locales to try, most specific first: ``zh-Hant-TW`` -> ``zh-Hant`` -> ``zh`` -> default.

    The chain never repeats a locale and always ends with ``default``.
    """
    return LocaleFallback(normalize_locale(default)).chain(locale)


@dataclass(frozen=True, slots=True)
class LocaleFallback:
    """Which locales a read tries, in order, when a value is missing in the one it asks for.

    The chain of a locale is its own subtags, most specific first (``zh-Hant-TW`` ->
    ``zh-Hant`` -> ``zh``), then ``default``. A configured step puts its locales right
    after the subtag it is keyed on: with ``{"zh-Hant": ["zh-Hans", "en"]}`` the chain of
    ``zh-Hant-TW`` is ``zh-Hant-TW, zh-Hant, zh-Hans, en, zh`` (then the default, if
    not already there). Build one with :meth:`of`, which checks every locale.

    Attributes:
        default: The site's main locale, the last step of every chain.
        steps: (locale, locales to try after it) pairs, normalized.
    """

    default: str = DEFAULT_LOCALE
    steps: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(
        cls, default: str = DEFAULT_LOCALE, steps: Mapping[str, Sequence[str]] | None = None
    ) -> LocaleFallback:
        """A fallback policy from a ``{locale: [next, ...]}`` mapping.

        Raises:
            LocaleError: a locale is not a BCP 47 locale.
            ValidationError: ``steps`` is not a mapping of locales to lists of locales.
        """
        if steps is None:
            steps = {}
        if not isinstance(steps, Mapping):
            raise ValidationError("give {locale: [locale, ...]}", field="locale_fallbacks")
        pairs = []
        for key, value in steps.items():
            if isinstance(value, str) or not isinstance(value, Sequence):
                raise ValidationError(
                    f"the fallbacks of {key!r} must be a list of locales", field="locale_fallbacks"
                )
            pairs.append((normalize_locale(key), tuple(normalize_locale(v) for v in value)))
        return cls(normalize_locale(default), tuple(sorted(pairs)))

    def chain(self, locale: str) -> tuple[str, ...]:
        """The locales to try for ``locale``, ``locale`` itself first, never repeating one."""
        return _chain(self, locale)


@lru_cache(maxsize=1024)
def _chain(fallback: LocaleFallback, locale: str) -> tuple[str, ...]:
    parts = normalize_locale(locale).split("-")
    steps = dict(fallback.steps)
    chain: list[str] = []
    for n in range(len(parts), 0, -1):
        step = "-".join(parts[:n])
        chain.append(step)
        chain.extend(steps.get(step, ()))
    chain.append(fallback.default)
    return tuple(dict.fromkeys(chain))


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    """Parse ``Accept-Language`` into (tag, quality) pairs, best first, bad parts skipped."""
    ranges: list[tuple[str, float, int]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, number = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        if tag.strip() and 0 < quality <= 1:
            ranges.append((tag.strip(), quality, index))
    ranges.sort(key=lambda item: (-item[1], item[2]))
    return [(tag, quality) for tag, quality, _ in ranges]


def negotiate_locale(accept_language: str, available: Sequence[str], default: str) -> str:
    """Pick the best of ``available`` for an HTTP ``Accept-Language`` header.

    An exact match wins, then a match through the fallback chain of the requested tag
    (``it-CH`` is served ``it``), then an available locale of the same language
    (``zh-TW`` is served ``zh-Hant-TW``); ``default`` when nothing fits.
    """
    offered = [normalize_locale(tag) for tag in available]
    for tag, _quality in _parse_accept_language(accept_language or ""):
        if tag == "*":
            return normalize_locale(default)
        try:
            wanted = normalize_locale(tag)
        except LocaleError:
            continue
        for candidate in fallback_chain(wanted, default=wanted):
            if candidate in offered:
                return candidate
        wanted_language = wanted.split("-", 1)[0]
        wanted_region = wanted.rsplit("-", 1)[-1] if "-" in wanted else None
        same_language = [o for o in offered if o.split("-", 1)[0] == wanted_language]
        for candidate in same_language:
            if wanted_region and candidate.endswith(f"-{wanted_region}"):
                return candidate
        if same_language:
            return same_language[0]
    return normalize_locale(default)


@lru_cache(maxsize=256)
def babel_locale(locale: str) -> Locale:
    """The Babel ``Locale`` for formatting in ``locale``, falling back where CLDR has no data."""
    for candidate in fallback_chain(locale, default=language_of(locale)):
        try:
            return Locale.parse(candidate, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return Locale(DEFAULT_LOCALE)


def locale_display_name(locale: str, in_locale: str | None = None) -> str:
    """Human name of ``locale``, in its own language unless ``in_locale`` is given.

    ``locale_display_name("it")`` is ``"italiano"``; with ``in_locale="en"``, ``"Italian"``.
    """
    target = babel_locale(locale)
    reader = babel_locale(in_locale) if in_locale else target
    name = target.get_display_name(reader)
    return name or normalize_locale(locale)


def normalize_locales(values: Iterable[str]) -> tuple[str, ...]:
    """Normalize several locales, keeping order and dropping repeats."""
    return tuple(dict.fromkeys(normalize_locale(v) for v in values))
