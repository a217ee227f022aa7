"""The expected-slug table, per script, and the properties every slug keeps.

tests/data/slugs/expected.tsv holds real-looking headlines written for each locale and
the slug a reader of that language expects; a note says where the library's reading is
known to differ from the textbook one. A change of any slug in it is a change of what
new articles are called, and must be deliberate.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement

from newscms.utils.slugs import DEFAULT_UNICODE_LOCALES, LocaleSlugifier, slugify

ROOT = Path(__file__).parents[2]
TABLE = ROOT / "tests/data/slugs/expected.tsv"
LOCALES = ("ja", "zh-Hans", "zh-Hant", "ko", "th", "hi", "ar", "vi")


def _rows() -> list[tuple[str, str, str]]:
    with TABLE.open(encoding="utf-8") as file:
        lines = (line for line in file if not line.startswith("#"))
        return [(row[0], row[1], row[2]) for row in csv.reader(lines, delimiter="\t")]


ROWS = _rows()


def test_table_has_ten_headlines_per_locale() -> None:
    counts = Counter(locale for locale, _, _ in ROWS)
    assert {locale: counts[locale] for locale in LOCALES} == {
        locale: max(counts[locale], 10) for locale in LOCALES
    }


@pytest.mark.parametrize(("locale", "headline", "expected"), ROWS, ids=[r[1] for r in ROWS])
def test_expected_slug(locale: str, headline: str, expected: str) -> None:
    assert LocaleSlugifier()(headline, locale) == expected


def test_default_strategies_in_short() -> None:
    assert slugify("東京", locale="ja") == "tokyo"
    assert slugify("大阪市長", locale="ja") == "osaka-shicho"
    assert slugify("香港銀行業") == "xiang-gang-yin-hang-ye"
    assert slugify("กรุงเทพมหานคร") == "krungthepmahanakhon"
    assert slugify("भारत") == "bharat"
    assert slugify("Hà Nội") == "ha-noi"


def test_kanji_beside_kana_are_japanese_without_a_locale() -> None:
    assert slugify("東京の空") == "tokyo-no-sora"
    assert slugify("東京") == "dong-jing"  # Han alone reads as Mandarin
    assert slugify("北京の空", locale="zh") == "bei-jing-no-kong"


def test_hepburn_particles_and_long_vowels() -> None:
    assert slugify("ちょっと待って") == "chotto-matte"
    assert slugify("大学へ行く") == "daigaku-e-iku"
    assert slugify("パンを食べた") == "pan-o-tabeta"
    assert slugify("思う", locale="ja") == "omou"  # u of a verb ending is no long vowel
    assert slugify("ラーメン") == "ramen"


def test_thai_is_cut_into_words() -> None:
    assert slugify("ราคาทองคำพุ่งสูง") == "rakha-thongkham-phung-sung"


def test_hindi_schwa_deletion() -> None:
    assert slugify("कमला") == "kamla"  # medial, VC_CV
    assert slugify("क्षेत्र") == "kshetra"  # kept after a cluster ending in a semivowel
    assert slugify("संसद") == "sansad"  # kept when nasalized, final one dropped
    assert slugify("न") == "na"  # one syllable keeps it


# --- Unicode slugs -------------------------------------------------------------------


def test_unicode_slugs_keep_the_script() -> None:
    assert slugify("東京都で地震が発生", unicode=True) == "東京都で地震が発生"
    assert slugify("Città del Vaticano: «il Papa»", unicode=True) == "città-del-vaticano-il-papa"
    assert slugify("नई दिल्ली में बारिश", unicode=True) == "नई-दिल्ली-में-बारिश"
    assert slugify("ΑΘΗΝΑ", unicode=True) == "αθηνα"
    assert slugify("🎉", unicode=True).startswith("n-")


def test_unicode_slugs_are_nfc() -> None:
    assert slugify("cafe\u0301", unicode=True) == "caf\u00e9"


def test_locale_slugifier_chooses_by_locale() -> None:
    default = LocaleSlugifier()
    assert "ar" in DEFAULT_UNICODE_LOCALES
    assert default("القاهرة تستضيف قمة عربية", "ar-EG") == "القاهرة-تستضيف-قمة-عربية"
    assert default("القاهرة", "en") == "lqhr"
    chinese = LocaleSlugifier(unicode_locales=["zh-Hant"])
    assert chinese("香港銀行業", "zh-Hant-HK") == "香港銀行業"
    assert chinese("香港银行业", "zh-Hans") == "xiang-gang-yin-hang-ye"
    assert chinese("القاهرة", "ar") == "lqhr"
    assert LocaleSlugifier(unicode_locales=(), separator="_")("Hà Nội", "vi") == "ha_noi"


def test_locale_slugifier_refuses_bad_configuration() -> None:
    with pytest.raises(ValueError, match="max_length"):
        LocaleSlugifier(max_length=3)
    with pytest.raises(ValueError, match="locale"):
        LocaleSlugifier(unicode_locales=["klingon"])


def test_unicode_slug_is_percent_encoded_in_every_url_written() -> None:
    import json

    from newscms import ArticleDraft, Status, Store
    from newscms.formats import Site, iter_news_sitemap, iter_rss, iter_sitemap, to_jsonld

    now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    store = Store("sqlite://", clock=lambda: now, slugifier=LocaleSlugifier())
    store.migrate()
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="ar",
                headline="القاهرة تستضيف قمة عربية",
                status=Status.PUBLISHED,
                published_at=now,
            )
        )
    assert article.slug == "القاهرة-تستضيف-قمة-عربية"
    site = Site(
        name="News",
        base_url="https://news.example",
        article_url="https://news.example/{locale}/{slug}",
    )
    url = site.url_for(article)
    assert url.isascii()
    assert unquote(url) == "https://news.example/ar/القاهرة-تستضيف-قمة-عربية"
    feeds = {
        "rss": b"".join(
            iter_rss([article], site=site, title="News", link=site.base_url, description="d")
        ).decode(),
        "sitemap": b"".join(iter_sitemap([article], site=site)).decode(),
        "news-sitemap": b"".join(iter_news_sitemap([article], site=site, now=now)).decode(),
        "json-ld": json.dumps(to_jsonld(article, site=site), ensure_ascii=False),
    }
    for name, text in feeds.items():
        assert url in text, name
        assert f"/ar/{article.slug}" not in text, name  # never a raw IRI


# --- Properties ----------------------------------------------------------------------

_SCRIPTS = st.one_of(
    st.characters(min_codepoint=0x0E01, max_codepoint=0x0E4E),  # Thai
    st.characters(min_codepoint=0x0905, max_codepoint=0x094D),  # Devanagari
    st.characters(min_codepoint=0x3041, max_codepoint=0x30FC),  # kana
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # Han
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul
    st.characters(min_codepoint=0x0621, max_codepoint=0x064A),  # Arabic
    st.sampled_from("abcxyzàđệ019 -,."),
)
_HEADLINES = st.text(_SCRIPTS, min_size=1, max_size=40)
_LOCALE_CHOICES = st.sampled_from([None, *LOCALES, "en"])


@settings(max_examples=150, deadline=None)
@given(text=_HEADLINES, locale=_LOCALE_CHOICES, unicode=st.booleans())
def test_never_empty_and_deterministic(text: str, locale: str | None, unicode: bool) -> None:
    slug = slugify(text, locale=locale, unicode=unicode)
    assert slug
    assert slugify(text, locale=locale, unicode=unicode) == slug
    if not unicode:
        assert re.fullmatch("[a-z0-9]+(?:-[a-z0-9]+)*", slug)


@settings(max_examples=150, deadline=None)
@given(
    text=_HEADLINES,
    locale=_LOCALE_CHOICES,
    unicode=st.booleans(),
    max_length=st.integers(8, 60),
)
def test_cut_within_the_limit_at_a_word(
    text: str, locale: str | None, unicode: bool, max_length: int
) -> None:
    full = slugify(text, locale=locale, unicode=unicode, max_length=10_000)
    cut = slugify(text, locale=locale, unicode=unicode, max_length=max_length)
    assert len(cut) <= max_length
    if full.startswith("n-"):
        return
    words = full.split("-")
    if len(words[0]) >= max_length:
        assert cut == words[0][:max_length]  # a first word too long is cut, never dropped
    else:
        kept = cut.split("-")
        assert kept == words[: len(kept)]  # whole words only
        following = words[len(kept) : len(kept) + 1]
        assert not following or len(cut) + 1 + len(following[0]) > max_length


# --- Licences and import cost --------------------------------------------------------


def _requirement_names(requirements: list[str]) -> list[str]:
    """The distributions these requirements install here (markers evaluated, no extras)."""
    parsed = [Requirement(req) for req in requirements]
    return [r.name for r in parsed if r.marker is None or r.marker.evaluate({"extra": ""})]


# Offered under a permissive licence *or* the GPL: the user takes the permissive one.
DUAL_LICENSED = {"text-unidecode": "Artistic License"}


def test_core_dependencies_carry_no_gpl() -> None:
    core = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    seen: set[str] = set()
    queue = _requirement_names(core)
    while queue:
        name = queue.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        meta = metadata.metadata(name)
        licence = " ".join(
            [
                meta.get("License-Expression") or "",
                meta.get("License") or "",
                *meta.get_all("Classifier", []),
            ]
        )
        if name in DUAL_LICENSED:
            assert DUAL_LICENSED[name] in licence, name
            continue
        assert "GPL" not in licence.replace("LGPL", "").replace("Lesser General Public", ""), name
        queue += _requirement_names(metadata.requires(name) or [])
    assert "pykakasi" not in seen
    assert {"cutlet", "unidic-lite", "pythainlp", "opencc", "indic-transliteration"} <= seen


def test_romanizers_load_on_first_use_of_their_script() -> None:
    code = (
        "import sys; from newscms.utils.slugs import slugify; slugify('Roma 2026');"
        "heavy = {'pypinyin', 'opencc', 'cutlet', 'fugashi', 'pythainlp', 'indic_transliteration'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("locale", ["hi", "th", "ar", "ja"])
def test_a_unicode_slug_given_by_an_editor_is_accepted(locale: str) -> None:
    """Vowel signs and viramas are part of a word: an editor may type the slug they show."""
    from newscms import ArticleDraft

    headline = {"hi": "भारत की जीत", "th": "ทีมชาติไทยชนะ", "ar": "ارتفاع أسعار النفط", "ja": "東京"}
    slug = slugify(headline[locale], locale=locale, unicode=True)
    assert ArticleDraft(locale=locale, headline=headline[locale], slug=slug).slug == slug
