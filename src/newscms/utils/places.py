# ruff: noqa: RUF002, RUF003 - CLDR's typographic apostrophe is what this module folds
"""Countries and territories by name, in any CLDR locale, and their names back.

A newsroom's archive tags the same country as ``CHINA`` in English and Spanish, ``CINA``
in Italian and ``中国`` in Chinese. :func:`territory_code` turns each of those into the
one ISO 3166 code (``"CN"``) so that an importer can make them a single tag, and
:func:`territory_names` gives that tag its name in every edition's locale.

Every name comes from the CLDR territory names Babel ships; nothing here is written by
hand per country. A short form CLDR does not have in any locale is not recognised,
and belongs in the importer's own mapping instead. (CLDR's alternate forms, such as
English "UK" or "Ivory Coast", are not in Babel's data: Babel drops ``alt`` entries.
Most of them still work, because some other locale uses them as its main name.)

Names are compared with case, accents, apostrophe style and spacing folded away
(``"COTE D'IVOIRE"`` is ``"Côte d’Ivoire"``), but nothing else: ``"and"`` is not ``"&"``
unless a locale spells it so.
"""

from __future__ import annotations

import pickle
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError, localedata

from newscms.errors import ValidationError
from newscms.utils.locales import fallback_chain, language_of, normalize_locale

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["territory_code", "territory_names"]

# CLDR region codes that are letters but name no place a story happens in: groupings
# (European Union, Eurozone, United Nations, Outlying Oceania), the unknown region and
# the regions of the pseudo-locales. The numeric codes (UN M.49 areas such as "001"
# World or "150" Europe) are left out by their form.
_NOT_TERRITORIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})

# The longest CLDR territory name is 81 characters (Maltese, Hong Kong); anything much
# longer is a sentence, not a place name, and is refused before any work is done on it.
_MAX_NAME_LENGTH = 100

# Accents are the Unicode blocks of generic combining diacritics. The vowel signs of
# Indic, Thai or Tibetan scripts are combining marks too, but they are letters of the
# word: folding them would merge, for instance, Ghana and Guinea in Dzongkha.
_ACCENTS = re.compile(
    "["
    "\u0300-\u036f"  # Combining Diacritical Marks
    "\u1ab0-\u1aff"  # ... Extended
    "\u1dc0-\u1dff"  # ... Supplement
    "\u20d0-\u20ff"  # ... for Symbols
    "\ufe20-\ufe2f"  # Combining Half Marks
    "]+"
)
# CLDR writes typographic apostrophes ("Côte d’Ivoire"); people type the ASCII one.
_APOSTROPHES = ("\u2018", "\u2019", "\u02bc")

# What an index holds for a name: the one territory it names, or None when it names
# several codes (ambiguous) or a region that is no territory ("Europe", "America" as
# the continent).
_Index = dict[str, str | None]


def territory_code(name: str, locale: str | None = None) -> str | None:
    """The ISO 3166 code of the country or territory ``name`` names, in any CLDR locale.

    ``territory_code("CHINA")``, ``territory_code("Cina", "it")`` and
    ``territory_code("中国", "zh")`` are all ``"CN"``. Case, accents, apostrophe style
    and runs of spaces do not matter.

    With ``locale``, the names of that locale and of its parents (``zh-Hant-TW``, then
    ``zh-Hant``, then ``zh``) decide first, so that a name one language gives to another
    place does not get in the way; a name they do not have is looked up in every CLDR
    locale. Within whichever set of locales decides, a name given to two different
    places is ambiguous and gives ``None``: ``"Kongo"`` is Congo-Brazzaville in Bosnian
    but Congo-Kinshasa in Norwegian, so it is ``None`` alone, ``"CD"`` with ``"no"``.

    Besides ISO 3166-1 codes, the result can be one of CLDR's other codes for a place
    (``"XK"`` Kosovo, ``"IC"`` Canary Islands, ``"EA"`` Ceuta and Melilla, ``"AC"``
    Ascension Island, ...). Names of groupings (European Union, United Nations) and of
    continents and other UN M.49 areas are not territories and give ``None``.

    The first lookup without a locale, or of a name the locale does not have, reads the
    names of every CLDR locale once (under a second).

    Args:
        name: the place name as written, e.g. a legacy region line (``"HONG KONG"``).
        locale: the BCP 47 locale ``name`` is written in, when known.

    Returns:
        The code, or ``None`` when no CLDR name matches, the match is ambiguous, or
        ``name`` is not a usable string (empty, over 100 characters, not a ``str``).

    Raises:
        LocaleError: ``locale`` is not a BCP 47 locale CLDR knows.
    """
    if not isinstance(name, str) or len(name) > _MAX_NAME_LENGTH:
        return None
    key = _normalize(name)
    if not key:
        return None
    if locale is not None:
        names = _locale_index(normalize_locale(locale))
        if key in names:
            return names[key]
    return _global_index().get(key)


def territory_names(code: str, locales: Iterable[str]) -> dict[str, str]:
    """The CLDR name of territory ``code`` in each of ``locales``, for a tag's display names.

    ``territory_names("CN", ["en", "it", "zh"])`` is
    ``{"en": "China", "it": "Cina", "zh": "中国"}``. A locale is named through its
    parents (``zh-Hant-TW`` -> ``zh-Hant`` -> ``zh``); a locale CLDR has no name for
    the territory in is left out.

    Args:
        code: a code :func:`territory_code` can return, in any letter case (``"cn"``).
        locales: BCP 47 locales.

    Returns:
        Each locale's name, keyed by the locale's canonical spelling (``"zh-Hant"``).

    Raises:
        ValidationError: ``code`` is not a country or territory code CLDR names.
        LocaleError: one of ``locales`` is not a BCP 47 locale CLDR knows.
    """
    wanted = code.strip().upper() if isinstance(code, str) else ""
    if wanted not in _territory_codes():
        raise ValidationError(
            f"{code!r} is not a country or territory code; use an ISO 3166-1 alpha-2 "
            "code such as 'CN', or territory_code() to find one from a name",
            field="code",
        )
    names: dict[str, str] = {}
    for locale in locales:
        tag = normalize_locale(locale)
        name = next(
            (found for part in _chain(tag) if (found := _cldr_names(part).get(wanted))),
            None,
        )
        if name:
            names[tag] = name
    return names


def _normalize(text: str) -> str:
    """``text`` as compared: casefolded, accents and apostrophe style folded, spaces single.

    Compatibility forms are folded too (NFKC: full-width letters, ligatures).
    """
    if text.isascii():  # the common case; nothing but case and spaces to fold
        return " ".join(text.lower().split())
    folded = _ACCENTS.sub("", unicodedata.normalize("NFKD", text).casefold())
    for apostrophe in _APOSTROPHES:
        if apostrophe in folded:
            folded = folded.replace(apostrophe, "'")
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def _chain(locale: str) -> tuple[str, ...]:
    """``locale`` and its parents, most specific first, without the site default."""
    return fallback_chain(locale, default=language_of(locale))


@lru_cache(maxsize=1)
def _territory_codes() -> frozenset[str]:
    """Every code that names a country or territory (English CLDR lists them all)."""
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(code for code in codes if code.isalpha() and code not in _NOT_TERRITORIES)


@lru_cache(maxsize=256)
def _cldr_names(locale: str) -> Mapping[str, str]:
    """The territory names of the CLDR locale for canonical ``locale``; empty if none."""
    try:
        return Locale.parse(locale, sep="-").territories
    except (UnknownLocaleError, ValueError):
        return {}


def _build_index(names: Iterable[tuple[str, str]]) -> _Index:
    """Index ``(code, name)`` pairs by folded name, resolving each name to one code or None."""
    codes_by_name: dict[str, set[str]] = {}
    folded: dict[str, str] = {}  # most names recur in many locales; fold each once
    for code, name in names:
        key = folded.get(name)
        if key is None:
            key = folded[name] = _normalize(name)
        codes_by_name.setdefault(key, set()).add(code)
    territories = _territory_codes()
    return {
        key: next(iter(codes)) if len(codes) == 1 and not codes - territories else None
        for key, codes in codes_by_name.items()
        if key
    }


@lru_cache(maxsize=64)
def _locale_index(locale: str) -> _Index:
    """The names of ``locale`` and of its parents, as they decide for that locale."""
    return _build_index(
        (str(code), name) for part in _chain(locale) for code, name in _cldr_names(part).items()
    )


@lru_cache(maxsize=1)
def _global_index() -> _Index:
    """The names of every CLDR locale (about 250,000; 39,000 once folded), read once."""
    return _build_index(
        (code, name)
        for identifier in localedata.locale_identifiers()
        for code, name in _own_names(identifier).items()
    )


def _own_names(identifier: str) -> dict[str, str]:
    """The territory names Babel's file for locale ``identifier`` defines itself.

    Inherited names are defined by the parent locale, which is read in its turn, so
    the union over all locales is complete. Reading the file directly rather than with
    ``babel.localedata.load`` matters: ``load`` merges and caches each locale's whole
    data (dates, numbers, zones), which for all 1,100 locales takes 2.5 s and keeps
    about 200 MB alive, against 0.5 s and nothing kept for the names alone. The file is
    Babel's own package data, read the way Babel reads it.
    """
    with open(localedata.resolve_locale_filename(identifier), "rb") as file:
        data: Any = pickle.load(file)
    territories = data.get("territories", {}) if isinstance(data, dict) else {}
    return {
        str(code): name
        for code, name in territories.items()
        if isinstance(name, str)  # never otherwise today; a future alias would be skipped
    }
