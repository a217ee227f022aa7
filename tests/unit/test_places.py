"""Place names to ISO 3166 codes and back, through CLDR's territory names in every locale.

Expected values are CLDR's own (Babel's data), checked by hand. The examples are the
region lines of legacy news pages: one tag per country, whatever the edition's language.
"""

# Typographic apostrophes and accented names are the point here.
# ruff: noqa: RUF001

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from babel import Locale, localedata
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.errors import LocaleError, ValidationError
from newscms.utils.locales import normalize_locale
from newscms.utils.places import territory_code, territory_names

ROUND_TRIP_LOCALES = ("en", "it", "es", "zh", "fr", "de")

# Every code English CLDR lists that the module accepts: letters, no grouping.
CODES = sorted(
    code
    for code in map(str, Locale("en").territories)
    if code.isalpha() and code not in {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
)


def _babel_to_bcp47(identifier: str) -> str | None:
    try:
        return normalize_locale(identifier.replace("_", "-"))
    except LocaleError:  # variants such as ca_ES_VALENCIA are no newsroom locale
        return None


ALL_LOCALES = sorted(
    {tag for ident in localedata.locale_identifiers() if (tag := _babel_to_bcp47(ident))}
)


def _loose_fold(text: str) -> str:
    """A fold at least as forgiving as the module's: every combining mark goes.

    Two names this fold keeps apart, the module keeps apart too, so it can tell when a
    round trip may fairly fail because the locale gives the same name to two regions.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(kept.replace("\u2019", "'").split())


def _shared_in(locale: str, code: str, name: str) -> list[str]:
    """The other regions of ``locale`` (any code, groupings too) with the same name."""
    names = Locale.parse(locale, sep="-").territories
    return [
        other
        for other, value in names.items()
        if other != code and _loose_fold(value) == _loose_fold(name)
    ]


# -- recognising names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "locale", "code"),
    [
        # Legacy English region lines, upper case.
        ("CHINA", "en", "CN"),
        ("INDIA", "en", "IN"),
        ("HONG KONG", "en", "HK"),  # en says "Hong Kong SAR China"; Occitan, Somali... "Hong Kong"
        ("VATICAN", "en", "VA"),  # en says "Vatican City"; Friulian says "Vatican"
        ("VATICAN CITY", "en", "VA"),
        ("SOUTH KOREA", "en", "KR"),
        ("NORTH KOREA", "en", "KP"),
        ("PHILIPPINES", "en", "PH"),
        ("VIETNAM", "en", "VN"),
        ("MYANMAR", "en", "MM"),  # en says "Myanmar (Burma)"; German, French (CA) "Myanmar"
        ("BURMA", "en", "MM"),
        # Italian, Spanish and Chinese editions.
        ("CINA", "it", "CN"),
        ("INDIA", "it", "IN"),
        ("VATICANO", "it", "VA"),  # it says "Città del Vaticano"; Sena says "Vaticano"
        ("Città del Vaticano", "it", "VA"),
        ("CHINA", "es", "CN"),
        ("VATICANO", "es", "VA"),
        ("中国", "zh", "CN"),
        ("印度", "zh", "IN"),
        ("梵蒂冈", "zh", "VA"),
        ("中國", "zh-Hant-TW", "CN"),  # zh-Hant's own name
        ("中国", "zh-Hant-TW", "CN"),  # ... and zh's, through the chain
        ("Chine", "fr", "CN"),
        # CLDR's alternate English forms are not in Babel, but other locales use them.
        ("UK", "en", "GB"),  # Akan
        ("Ivory Coast", "en", "CI"),  # Shona, North Ndebele
        ("Czech Republic", "en", "CZ"),
        # A name of another locale is found too.
        ("CINA", "en", "CN"),
        ("中国", "en", "CN"),
        # Beyond ISO 3166-1: CLDR's codes for places.
        ("Kosovo", "en", "XK"),
        ("Canary Islands", "en", "IC"),
    ],
)
def test_recognises_region_lines(name: str, locale: str, code: str) -> None:
    assert territory_code(name, locale) == code


@pytest.mark.parametrize(
    ("name", "code"),
    [("CHINA", "CN"), ("CINA", "CN"), ("中国", "CN"), ("VATICANO", "VA")],
)
def test_recognises_names_without_a_locale(name: str, code: str) -> None:
    assert territory_code(name) == code


@pytest.mark.parametrize(
    "name",
    [
        "côte d’ivoire",  # CLDR's spelling
        "COTE D'IVOIRE",  # upper case, no accent, ASCII apostrophe
        "  Côte   d’Ivoire\t",  # spacing
        "Co\u0302te d\u2019Ivoire",  # decomposed accent
        "ＣＯＴＥ Ｄ'ＩＶＯＩＲＥ",  # full-width letters
    ],
)
def test_case_accents_apostrophes_and_spacing_do_not_matter(name: str) -> None:
    assert territory_code(name, "en") == "CI"


def test_and_is_not_ampersand_unless_cldr_spells_it() -> None:
    # en writes "Bosnia & Herzegovina" and "St. Kitts & Nevis". en-AU and Filipino
    # write "Bosnia and Herzegovina"; no locale writes "St. Kitts and Nevis", and
    # nothing rewrites one spelling into the other.
    assert territory_code("Bosnia & Herzegovina", "en") == "BA"
    assert territory_code("Bosnia and Herzegovina", "en") == "BA"
    assert territory_code("St. Kitts & Nevis", "en") == "KN"
    assert territory_code("St. Kitts and Nevis", "en") is None


@pytest.mark.parametrize(
    "name",
    [
        "US",  # CLDR's en alt-short "US" is not in Babel's data, nor any locale's name
        "Atlantis",
        "China Sea",
        "Korea",  # two countries; no locale calls either of them just "Korea"
    ],
)
def test_unknown_names(name: str) -> None:
    assert territory_code(name, "en") is None
    assert territory_code(name) is None


@pytest.mark.parametrize(
    ("name", "locale"),
    [
        ("European Union", "en"),  # a grouping, not a territory
        ("United Nations", "en"),
        ("Unknown Region", "en"),
        ("Europe", "en"),  # UN M.49 areas
        ("World", "en"),
        ("América", "es"),  # the continent in Spanish, not the United States
        ("Unione europea", "it"),
    ],
)
def test_regions_that_are_not_territories(name: str, locale: str) -> None:
    assert territory_code(name, locale) is None


def test_a_name_for_two_places_is_ambiguous() -> None:
    # Bosnian (and Akan, Bambara, ...) "Kongo" is Congo-Brazzaville; Norwegian "Kongo"
    # is Congo-Kinshasa. Across all locales the name is ambiguous...
    assert territory_code("Kongo") is None
    # ... but a locale decides before the others are considered.
    assert territory_code("Kongo", "no") == "CD"
    assert territory_code("Kongo", "bs") == "CG"
    assert territory_code("KONGO", "it") is None  # not Italian; ambiguous elsewhere


def test_accent_folding_can_make_names_ambiguous() -> None:
    # Māori: Qatar is "Katā", Chad is "Kāta". Folded, both are "kata": neither wins.
    assert Locale("mi").territories["QA"] == "Katā"
    assert Locale("mi").territories["TD"] == "Kāta"
    assert territory_code("Katā", "mi") is None
    # Yoruba: the United States "Amẹrikà" folds to the continent "Amẹ́ríkà".
    assert territory_code(Locale("yo").territories["US"], "yo") is None


def test_a_malformed_locale_is_refused() -> None:
    with pytest.raises(LocaleError):
        territory_code("China", "not a locale")


@pytest.mark.parametrize(
    "name",
    ["", "   ", "\ud800", "China\udfff", "x" * 101, "China" + " " * 200, "\x00", "\u200b"],
)
def test_odd_input_gives_none(name: str) -> None:
    assert territory_code(name) is None
    assert territory_code(name, "en") is None


@pytest.mark.parametrize("value", [None, 42, b"China", ["China"]])
def test_values_that_are_not_strings_give_none(value: object) -> None:
    assert territory_code(value) is None  # type: ignore[arg-type]


# -- names of a territory ------------------------------------------------------------------


def test_names_per_locale() -> None:
    assert territory_names("CN", ["en", "it", "es", "zh"]) == {
        "en": "China",
        "it": "Cina",
        "es": "China",
        "zh": "中国",
    }


def test_names_are_keyed_by_canonical_locale_and_follow_the_chain() -> None:
    assert territory_names("cn", ["zh_Hant", "ZH-hant-tw", "en-CN"]) == {
        "zh-Hant": "中國",
        "zh-Hant-TW": "中國",
        "en-CN": "China",  # no en-CN data in CLDR: en's name
    }


def test_locales_without_a_name_are_left_out() -> None:
    assert Locale("wa").territories.get("CN") is None  # Walloon names no territory
    assert territory_names("CN", ["en", "wa"]) == {"en": "China"}
    assert territory_names("CN", []) == {}


@pytest.mark.parametrize("code", ["EU", "UN", "ZZ", "XA", "001", "150", "XX", "CHN", "", " "])
def test_unknown_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="ISO 3166-1 alpha-2") as caught:
        territory_names(code, ["en"])
    assert caught.value.field == "code"


def test_names_refuse_a_malformed_locale() -> None:
    with pytest.raises(LocaleError):
        territory_names("CN", ["en", "??"])


# -- properties ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ROUND_TRIP_LOCALES)
def test_every_name_of_the_newsroom_locales_round_trips(locale: str) -> None:
    """Every territory's own name in these six locales is recognised as that territory.

    A name the locale gives to two regions may fairly be ambiguous; none does today.
    """
    failures = []
    for code in CODES:
        name = territory_names(code, [locale])[locale]
        found = territory_code(name, locale)
        if found != code and not (found is None and _shared_in(locale, code, name)):
            failures.append((code, name, found))
    assert failures == []


@settings(max_examples=300)
@given(code=st.sampled_from(CODES), locale=st.sampled_from(ALL_LOCALES))
def test_names_round_trip_in_every_locale_unless_shared(code: str, locale: str) -> None:
    """In any CLDR locale, a territory's name gives back its code or is ambiguous there.

    The exceptions found over all 1,143 locales are names that fold together (see
    ``test_accent_folding_can_make_names_ambiguous``); ``_shared_in`` recognises them.
    """
    name = territory_names(code, [locale]).get(locale)
    if name is None:
        return  # CLDR has no name for it in this locale
    found = territory_code(name, locale)
    if found != code:
        assert found is None, (name, found)
        assert _shared_in(locale, code, name), f"{name!r} ({code}) is unrecognised in {locale}"


SPACES = st.text(alphabet=" \t\n\u00a0\u3000", max_size=3)


@given(
    code=st.sampled_from(CODES),
    locale=st.sampled_from(ROUND_TRIP_LOCALES),
    upper=st.booleans(),
    strip_accents=st.booleans(),
    spaces=st.tuples(SPACES, SPACES.filter(bool), SPACES),
)
def test_spelling_variants_round_trip(
    code: str, locale: str, upper: bool, strip_accents: bool, spaces: tuple[str, str, str]
) -> None:
    """Upper case, missing accents and odd spacing of a name still find its territory."""
    name = territory_names(code, [locale])[locale]
    if upper:
        name = name.upper()
    if strip_accents:
        decomposed = unicodedata.normalize("NFD", name)
        name = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    lead, between, trail = spaces
    assert territory_code(lead + between.join(name.split()) + trail, locale) == code


@given(
    name=st.text(st.characters(exclude_categories=()), max_size=120),
    locale=st.sampled_from([None, "en", "it", "zh-Hant-TW", "ar"]),
)
def test_random_text_never_raises(name: str, locale: str | None) -> None:
    found = territory_code(name, locale)
    assert found is None or found in CODES


# -- laziness ------------------------------------------------------------------------------


def test_indexes_are_built_only_when_needed() -> None:
    """Importing builds nothing; a name the locale has never reads the other locales."""
    code = (
        "import newscms.utils.places as p\n"
        "print(p._global_index.cache_info().currsize, p._locale_index.cache_info().currsize)\n"
        "assert p.territory_code('CINA', 'it') == 'CN'\n"
        "print(p._global_index.cache_info().currsize, p._locale_index.cache_info().currsize)\n"
        "assert p.territory_code('VATICANO', 'it') == 'VA'\n"
        "print(p._global_index.cache_info().currsize)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:3] == ["0 0", "0 1", "1"]
