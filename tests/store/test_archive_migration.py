"""A multilingual legacy archive imported unattended: dates learned from the corpus,
editions grouped by the number ending their file names, places made one tag."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from newscms.services.archive import ArchiveOptions
from newscms.services.importing import collect_files, import_files

pytestmark = pytest.mark.backends

_WORDS = {
    "en": (
        "Send to a friend",
        "by",
        "Seoul (AsiaNews) - The talks of the day were held in the city.",
    ),
    "es": (
        "Enviar a un amigo",
        "por",
        "Seúl (AsiaNews) - Las conversaciones del día fueron en la ciudad.",
    ),
}


def _page(locale: str, date: str, region: str, headline: str, topic: str) -> str:
    share, by, body = _WORDS[locale]
    return (
        "\n".join(
            [
                date,
                region,
                share,
                headline,
                f"{by} Joseph Yun",
                "A first paragraph.",
                body,
                "TAGs",
                topic,
            ]
        )
        + "\n"
    )


# (number, en header month-first, es header day-first, the day both name)
STORIES = [
    (24961, "06/14/2012, 10.30", "14/06/2012, 10.30", datetime(2012, 6, 14, 8, 30, tzinfo=UTC)),
    (24962, "07/20/2011, 09.00", "20/07/2011, 09.00", datetime(2011, 7, 20, 7, 0, tzinfo=UTC)),
    (24963, "03/25/2010, 12.00", "25/03/2010, 12.00", datetime(2010, 3, 25, 11, 0, tzinfo=UTC)),
    (24964, "01/30/2009, 18.15", "30/01/2009, 18.15", datetime(2009, 1, 30, 17, 15, tzinfo=UTC)),
    # Ambiguous on the page itself: only the corpus settles them.
    (24965, "08/02/2012, 09.30", "08/02/2012, 09.30", None),
]


@pytest.fixture
def archive(tmp_path):  # type: ignore[no-untyped-def]
    for number, en_date, es_date, _ in STORIES:
        (tmp_path / "news-en").mkdir(exist_ok=True)
        (tmp_path / "news-es").mkdir(exist_ok=True)
        (tmp_path / "news-en" / f"Beijing-talks-{number}.html").write_text(
            _page("en", en_date, "CHINA", f"Beijing talks number {number}", "Human rights"),
            encoding="utf-8",
        )
        (tmp_path / "news-es" / f"Pekin-habla-{number}.html").write_text(
            _page("es", es_date, "CHINA", f"Pekín habla número {number}", "Derechos humanos"),
            encoding="utf-8",
        )
    return tmp_path


def test_the_archive_imports_with_dates_groups_and_places(store, archive):  # type: ignore[no-untyped-def]
    files = list(collect_files([archive], source_root=archive))
    random.Random(5).shuffle(files)
    report = import_files(store, files)
    assert report.failed == 0, report.failures
    assert report.created == 2 * len(STORIES)
    items = {item.source: item for item in report.items}
    with store.session(readonly=True) as uow:
        for number, _, _, when in STORIES:
            en = uow.articles.get(items[f"news-en/Beijing-talks-{number}.html"].article_id)
            es = uow.articles.get(items[f"news-es/Pekin-habla-{number}.html"].article_id)
            if when is not None:
                assert en.published_at == es.published_at == when
            else:  # month-first in English, day-first in Spanish, as the corpus proved
                assert en.published_at == datetime(2012, 8, 2, 7, 30, tzinfo=UTC)
                assert es.published_at == datetime(2012, 2, 8, 8, 30, tzinfo=UTC)
                assert en.date_provenance.rule == "numeric-month-first-corpus"
                assert es.date_provenance.rule == "numeric-day-first-corpus"
                assert "4 month-first and 0 day-first" in en.date_provenance.evidence
            assert en.translation_group == es.translation_group is not None
            assert [ref.id for ref in en.translations] == [es.id]
            assert en.tags_of_kind("region")[0].id == es.tags_of_kind("region")[0].id
        china = uow.tags.get_by_code("CN")
        topics = uow.tags.list(kind="topic")
    assert set(china.names) == {"en", "es"}
    assert len(topics) == 1  # aligned through the translation groups
    assert {t.names["en"].name for t in topics} == {"Human rights"}
    assert {a.kind for a in report.alignments} == {"region", "topic"}
    assert report.date_evidence.votes


def test_a_date_nothing_settles_is_refused_with_what_the_corpus_counted(store, tmp_path):  # type: ignore[no-untyped-def]
    page = tmp_path / "alone-1.html"
    page.write_text(_page("en", "08/02/2012, 09.30", "CHINA", "Alone", "Topic"), encoding="utf-8")
    report = import_files(store, collect_files([tmp_path], source_root=tmp_path))
    assert report.failed == 1
    assert "the corpus does not settle it either" in report.failures[0].error
    with store.session(readonly=True) as uow:
        assert uow.articles.list().items == ()


def test_the_corpus_learned_in_one_import_settles_the_next(store, archive, tmp_path_factory):  # type: ignore[no-untyped-def]
    import_files(store, collect_files([archive], source_root=archive))
    later = tmp_path_factory.mktemp("later")
    (later / "late-30000.html").write_text(
        _page("en", "05/03/2013, 10.00", "INDIA", "A later story", "Human rights"), encoding="utf-8"
    )
    report = import_files(store, collect_files([later], source_root=later))
    assert report.failed == 0, report.failures
    with store.session(readonly=True) as uow:
        article = uow.articles.get(report.items[0].article_id)
        assert uow.tags.get_by_code("IN").names["en"].name == "INDIA"
    assert article.published_at.month == 5  # month-first, as the archive proved


def test_editions_can_be_grouped_off(store, archive):  # type: ignore[no-untyped-def]
    report = import_files(
        store,
        collect_files([archive], source_root=archive),
        archive=ArchiveOptions(translation_key=None, align_tags=False),
    )
    assert all(item.translation_group is None for item in report.items)
