"""The synthetic legacy archive of issue #12 (``benchmarks/archive.py``) is what it says.

Deterministic for a seed; the shares of ambiguous and month-name header dates are as
asked; every page parses, given its edition's conventions, to the date, tags, byline and
"See also" list its manifest entry names; the manifest's locators are the ones
``collect_files`` gives; the editions of a story share the key the default translation
key pattern takes from the file name, and a country has one CLDR name per edition.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from newscms.errors import ImportFailure
from newscms.importers import ImportOptions, parse
from newscms.services import collect_files
from newscms.services.archive import DEFAULT_TRANSLATION_KEY, ArchiveOptions
from newscms.utils.dates import infer_date_order
from newscms.utils.places import territory_code

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gen(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # benchmarks/ is a top-level package of the repository, not part of the wheel.
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import archive

    return archive


def _files(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*.html"))
    }


def test_the_same_seed_writes_the_same_archive(gen: ModuleType, tmp_path: Path) -> None:
    first = gen.write_archive(tmp_path / "a", 30, seed=3)
    second = gen.write_archive(tmp_path / "b", 30, seed=3, shuffle=False)
    other = gen.write_archive(tmp_path / "c", 30, seed=4)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")  # the write order changes no byte
    assert first.pages == second.pages
    assert first.pages != other.pages
    assert _files(tmp_path / "a") != _files(tmp_path / "c")
    assert len(first.pages) == 30 * 4
    assert len(first.stories()) == 30


@pytest.mark.parametrize(("ambiguous", "month_named"), [(0.4, 0.25), (0.4, 0.0), (0.1, 0.6)])
def test_the_shares_are_as_asked(
    gen: ModuleType, tmp_path: Path, ambiguous: float, month_named: float
) -> None:
    archive = gen.write_archive(
        tmp_path, 200, seed=5, ambiguous_share=ambiguous, month_name_share=month_named
    )
    pages = archive.pages
    assert sum(p.ambiguous for p in pages) / len(pages) == pytest.approx(ambiguous, abs=0.01)
    assert sum(p.month_name for p in pages) / len(pages) == pytest.approx(month_named, abs=0.01)
    for locale in archive.editions:
        numeric = [p for p in pages if p.locale == locale and not p.month_name]
        proving = [p for p in numeric if not p.ambiguous]
        assert len(proving) >= 20, locale  # plenty of dates prove each edition's way
        for page in numeric:
            # The string alone tells the order exactly when the manifest says it does.
            order = infer_date_order([page.header])
            expected = None if page.ambiguous else gen.header_order(locale)
            assert order is expected, page.header


def test_the_shares_are_checked(gen: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="shares"):
        gen.write_archive(tmp_path, 5, seed=1, ambiguous_share=0.8, month_name_share=0.3)
    with pytest.raises(ValueError, match="shares"):
        gen.write_archive(tmp_path, 5, seed=1, ambiguous_share=-0.1)
    with pytest.raises(ValueError, match="editions"):
        gen.write_archive(tmp_path, 5, seed=1, editions=("en", "fr"))
    with pytest.raises(ValueError, match="stories"):
        gen.write_archive(tmp_path, 0, seed=1)


def test_header_dates_are_written_as_each_edition_writes_them(
    gen: ModuleType, tmp_path: Path
) -> None:
    archive = gen.write_archive(tmp_path, 120, seed=9)
    assert ImportOptions().timezone == gen.SITE_ZONE
    zone = ZoneInfo(gen.SITE_ZONE)
    numeric = re.compile(r"(\d\d)/(\d\d)/(\d{4}), (\d\d)\.(\d\d)")
    for page in archive.pages:
        wall = page.published_at.astimezone(zone)
        assert page.published_at.tzinfo is UTC
        if not page.time_known:
            assert (wall.hour, wall.minute) == (0, 0)  # midnight: the time was not recorded
        if page.month_name:
            expected = format_date(wall.date(), format="long", locale=page.locale)
            assert page.header.startswith(expected), page.header
            assert (page.header != expected) is page.time_known
            continue
        match = numeric.fullmatch(page.header)
        assert match is not None, page.header
        first, second, year, hour, minute = map(int, match.groups())
        month, day = (first, second) if page.locale == "en" else (second, first)
        assert datetime(year, month, day, hour, minute, tzinfo=zone) == wall
    headers = {p.locale: p.header for p in archive.pages if p.month_name and p.time_known}
    assert re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}, \d\d\.\d\d", headers["en"])
    assert re.fullmatch(r"\d{1,2} [a-z]+ \d{4}, \d\d\.\d\d", headers["it"])
    assert re.fullmatch(r"\d{1,2} de [a-z]+ de \d{4}, \d\d\.\d\d", headers["es"])
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d\.\d\d", headers["zh"])


@pytest.mark.parametrize("month_named", [0.0, 0.25])
def test_every_page_parses_to_its_manifest_entry(
    gen: ModuleType, tmp_path: Path, month_named: float
) -> None:
    archive = gen.write_archive(tmp_path, 150, seed=11, month_name_share=month_named)
    headlines = {(p.story, p.locale): p.headline for p in archive.pages}
    dates = {p.story: p.published_at for p in archive.pages}
    for page in archive.pages:
        options = ImportOptions(
            date_order=gen.header_order(page.locale), see_also_date_order=gen.SEE_ALSO_ORDER
        )
        data = (archive.directory / page.locator).read_bytes()
        (draft,) = parse(data, source=page.locator, options=options).drafts
        assert draft.published_at == page.published_at, page.locator
        assert draft.date_provenance is not None
        assert draft.date_provenance.time_known is page.time_known, page.locator
        assert draft.locale == page.locale
        assert draft.headline == page.headline
        assert [(t.kind, t.name) for t in draft.tags] == [
            ("region", page.region),
            *(("topic", name) for name in page.topics),
        ]
        assert tuple(person.name for person in draft.byline) == page.byline
        assert draft.dateline is not None
        assert draft.dateline.source in ("AsiaNews", "亚洲新闻")
        assert draft.summary
        pending = [relation.pending for relation in draft.relations]
        assert [(p.title, p.published_at) for p in pending if p is not None] == [
            (headlines[(story, page.locale)], dates[story]) for story in page.see_also
        ], page.locator
        assert all(dates[story] <= page.published_at for story in page.see_also)


def test_the_pages_parse_without_help_but_the_ambiguous_ones(
    gen: ModuleType, tmp_path: Path
) -> None:
    archive = gen.write_archive(tmp_path, 60, seed=2, month_name_share=0.0)
    refused = set()
    for page in archive.pages:
        try:
            parse((archive.directory / page.locator).read_bytes(), source=page.locator)
        except ImportFailure:
            refused.add(page.locator)
    assert {p.locator for p in archive.pages if p.ambiguous} <= refused
    assert len(refused) < len(archive.pages)  # the others settle themselves


def test_the_locators_are_the_ones_collect_files_gives(gen: ModuleType, tmp_path: Path) -> None:
    archive = gen.write_archive(tmp_path, 40, seed=6)
    files = collect_files([tmp_path], source_root=tmp_path)
    assert [file.locator for file in files] == [page.locator for page in archive.pages]
    assert {file.locator.split("/")[0] for file in files} == {
        f"news-{locale}" for locale in gen.EDITIONS
    }
    assert archive.page(files[0].locator) == archive.pages[0]


def test_the_editions_of_a_story_share_its_translation_key(gen: ModuleType, tmp_path: Path) -> None:
    archive = gen.write_archive(tmp_path, 50, seed=8)
    options = ArchiveOptions()
    groups = set()
    for story in archive.stories():
        pages = archive.pages_of(story)
        assert [p.locale for p in pages] == list(gen.EDITIONS)
        keys = {re.search(DEFAULT_TRANSLATION_KEY, p.locator)[1] for p in pages}  # type: ignore[index]
        assert keys == {str(story)}
        (group,) = {options.translation_group(p.locator) for p in pages}
        assert group is not None
        groups.add(group)
        # One story, one set of tags in every edition, at the same positions.
        concepts = {
            tuple(
                next(i for i, names in enumerate(gen.TOPICS) if names[p.locale] == topic)
                for topic in p.topics
            )
            for p in pages
        }
        assert len(concepts) == 1
        assert len({p.country for p in pages}) == 1
        assert len({p.see_also for p in pages}) == 1
    assert len(groups) == len(archive.stories())


def test_each_country_has_one_cldr_name_per_edition(gen: ModuleType, tmp_path: Path) -> None:
    archive = gen.write_archive(tmp_path, 120, seed=4)
    countries = archive.countries()
    assert set(countries) <= set(gen.COUNTRIES)
    assert len(countries) >= 12
    for code, names in countries.items():
        assert set(names) == set(gen.EDITIONS)
        for locale, name in names.items():
            assert name == name.upper()
            assert territory_code(name, locale) == code, (code, locale, name)
    assert countries["CN"] == {"en": "CHINA", "es": "CHINA", "it": "CINA", "zh": "中国"}
    per_country = Counter(page.country for page in archive.pages)
    assert max(per_country.values()) < len(archive.pages) / 4  # spread over the pool
