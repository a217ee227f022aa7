# Pages in four languages and their typographic punctuation are the data under test.
# ruff: noqa: RUF001
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newscms.domain import ArticleDraft, Dateline, DateProvenance, Status
from newscms.errors import ImportFailure, NewsCMSError, ValidationError
from newscms.importers import ImportOptions, ParsedSource, parse_legacy
from newscms.importers.legacy_editions import EDITIONS, Chrome
from newscms.utils.dates import DateOrder, local_to_utc
from newscms.utils.html import paragraphs_to_html, sanitize_html

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "legacy"
SAMPLE = EXAMPLES / "asianews-en-2012-06-14-beijing-pyongyang.txt"
ROME = "Europe/Rome"

CHROME_WORDS = (
    "Send to a friend",
    "Printable version",
    "CLOSE X",
    "TAGs",
    "See also",
    "Newsletter",
    "Subscribe to Asia News updates or change your preferences",
    "Subscribe now",
    "Giovanni Paolo II",
    "Alzatevi, andiamo",
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def read(path: Path, **options: object) -> ArticleDraft:
    parsed = parse_legacy(path.read_bytes(), source=str(path), options=ImportOptions(**options))  # type: ignore[arg-type]
    assert isinstance(parsed, ParsedSource)
    assert parsed.format == "legacy"
    assert dict(parsed.skipped) == {}
    assert len(parsed.drafts) == 1
    return parsed.drafts[0]


def parse_text(text: str, source: str = "page.txt", **options: object) -> ArticleDraft:
    return parse_legacy(text, source=source, options=ImportOptions(**options)).drafts[0]  # type: ignore[arg-type]


SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
SAMPLE_BODY = [
    'The Chinese government "is losing patience with North Korea. It is certain that Beijing '
    "does not want to risk its international reputation by helping Pyongyang rearm. As much "
    "as they are allies, the Chinese know that the North Koreans do not respect their "
    "promises. For this reason, I do not believe the report that claims that Beijing is "
    'sending heavy missile launch vehicles to Pyongyang," a source in the South Korean '
    "Interior Ministry, anonymous for security reasons, told AsiaNews.",
    "In a recent article, Japan's Asahi Shimbun newspaper claims that China shipped missile "
    "launch vehicles to North Korea last year in breach of United Nations resolutions, which "
    "ban any sale and shipment of weapons and sensitive materiel to Pyongyang.",
    'According to the newspaper, "Japan, the United States and South Korea had solid evidence '
    'to prove that China" had shipped such vehicles. Their spy satellites tracked the cargo on '
    "a Cambodian-registered ship, the Harmony Wish.",
    '"This report is baseless," AsiaNews\'s source said. "As far as I know, all available means '
    "are used to monitor weapons shipments to North Korea. We would not have let this kind of "
    'cargo get through."',
    'China also denies the claim. "I want to emphasize that Chinese companies would never '
    'export products that are banned [. . .] by Security Council resolutions and Chinese law," '
    'said Liu Weimin, a spokesman for the Chinese Foreign Ministry. "China consistently opposes '
    'the proliferation of weapons of mass destruction and their carriers."',
    "The relationship between Beijing and Pyongyang has deteriorated since 2008 when the late "
    "Kim Jong-Il carried out two nuclear tests on the peninsula, breaking an international ban.",
    "After that, the United States and South Korea cut off humanitarian aid to North Korea and "
    "the six-nation talks on nuclear disarmament were suspended.",
]
SAMPLE_SEE_ALSO = [
    (
        "Tensions between Seoul and Pyongyang rise as Cold War fears cast a shadow over Korea",
        utc(2016, 2, 12, 14, 14),
    ),
    ("Tokyo to demand total nuclear power ban on Pyongyang", utc(2005, 7, 19, 22)),
    (
        "Some signs of flexibility between the United States and North Korea in Beijing",
        utc(2005, 7, 25, 22),
    ),
    ("Seoul claims Pyongyang test-fired short-range missiles", utc(2006, 3, 8, 23)),
    (
        "Ban Ki-moon should pay special attention to human rights in North Korea",
        utc(2006, 10, 22, 22),
    ),
]


# --- the sample page, field by field ------------------------------------------------------


def test_sample_page_every_field() -> None:
    draft = read(SAMPLE)

    assert draft.locale == "en"
    assert [(tag.kind, tag.name) for tag in draft.tags] == [
        ("region", "KOREA"),
        ("region", "CHINA"),
    ]
    assert draft.headline == 'Beijing "does not want to help Pyongyang in its arms race"'
    assert [person.name for person in draft.byline] == ["Joseph Yun Li-sun"]
    assert draft.dateline == Dateline(place="Seoul", source="AsiaNews")
    assert draft.summary == (
        "A source in South Korea's Interior Ministry tells AsiaNews, \"As far as I know, the "
        "report of Chinese vehicles to North Korea is false. The Chinese government has lost "
        'patience with the Kim regime, which does not respect its promises."'
    )
    assert draft.body == sanitize_html(paragraphs_to_html(SAMPLE_BODY))
    assert draft.body.startswith('<p>The Chinese government "is losing patience')
    assert "[. . .]" in draft.body
    assert "Seoul (AsiaNews)" not in draft.body

    # 14 June 2012, time not recorded, in Rome: local midnight is 22:00 UTC the day before.
    assert draft.status is Status.PUBLISHED
    assert draft.published_at == utc(2012, 6, 13, 22)
    assert draft.date_provenance == DateProvenance(
        raw="06/14/2012, 00.00",
        rule="numeric-month-first-inferred",
        zone=ROME,
        time_known=False,
    )

    assert [
        (r.kind, r.pending.title, r.pending.published_at) for r in draft.relations if r.pending
    ] == [("see_also", title, when) for title, when in SAMPLE_SEE_ALSO]
    assert all(r.pending is not None and r.pending.locale == "en" for r in draft.relations)
    assert all(r.target_id is None for r in draft.relations)

    assert draft.source is not None
    assert (draft.source.format, draft.source.locator) == ("legacy", str(SAMPLE))
    assert draft.slug is None
    assert draft.id is None
    assert draft.canonical_url is None


def test_sample_page_has_no_topic_tags() -> None:
    assert [tag for tag in read(SAMPLE).tags if tag.kind != "region"] == []


@pytest.mark.parametrize("word", CHROME_WORDS)
def test_sample_page_keeps_no_chrome(word: str) -> None:
    draft = read(SAMPLE)
    texts = [draft.headline, draft.summary or "", draft.body]
    texts += [tag.name or "" for tag in draft.tags]
    texts += [r.pending.title or "" for r in draft.relations if r.pending]
    assert all(word.casefold() not in text.casefold() for text in texts)


def test_site_zone_is_configurable() -> None:
    draft = read(SAMPLE, timezone="Asia/Seoul")
    assert draft.published_at == utc(2012, 6, 13, 15)
    assert draft.date_provenance is not None
    assert draft.date_provenance.zone == "Asia/Seoul"
    first = draft.relations[0].pending
    assert first is not None
    assert first.published_at == utc(2016, 2, 12, 6, 14)


def test_options_are_checked() -> None:
    with pytest.raises(ValidationError) as bad_zone:
        ImportOptions(timezone="Mars/Olympus")
    assert bad_zone.value.field == "timezone"
    with pytest.raises(ValidationError) as bad_order:
        ImportOptions(date_order="sideways")  # type: ignore[arg-type]
    assert bad_order.value.field == "date_order"
    assert ImportOptions(locale="EN_us").locale == "en-US"
    assert ImportOptions(date_order="day_first").date_order is DateOrder.DAY_FIRST  # type: ignore[arg-type]


# --- the example pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    locale: str
    authors: tuple[str, ...]
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    see_also: tuple[str, ...]
    dateline: tuple[str, str]
    published_at: datetime


EXPECTED = {
    "asianews-en-2012-06-14-beijing-pyongyang.txt": Expected(
        "en", ("Joseph Yun Li-sun",), ("KOREA", "CHINA"), (),
        tuple(title for title, _ in SAMPLE_SEE_ALSO), ("Seoul", "AsiaNews"), utc(2012, 6, 13, 22),
    ),
    "asianews-en-2016-02-15-kaesong-closure.txt": Expected(
        "en", ("Joseph Yun Li-sun",), ("KOREA",), ("Kaesong", "Sanctions", "Nuclear test"),
        (
            'Beijing "does not want to help Pyongyang in its arms race"',
            "Pyongyang claims its first hydrogen bomb test",
            "Families of Kaesong workers fear for their jobs as the factories fall silent",
        ),
        ("Seoul", "AsiaNews"), utc(2016, 2, 15, 9, 32),
    ),
    "asianews-en-2016-02-18-kaesong-families.txt": Expected(
        "en", ("Joseph Yun Li-sun", "Paul Kang"), ("KOREA",), (),
        (
            "Seoul shuts the Kaesong industrial park as the North expels the last "
            "South Korean managers",
        ),
        ("Paju", "AsiaNews"), utc(2016, 2, 18, 8, 5),
    ),
    "asianews-en-2013-11-14-tacloban-relief.txt": Expected(
        "en", ("Roberto Salazar", "Maria Reyes", "Paolo Fernandez"), ("PHILIPPINES",),
        ("Typhoon Haiyan", "Caritas", "Humanitarian aid"),
        ("Church opens its parishes to families fleeing the floods in Myanmar",),
        ("Tacloban", "AsiaNews"), utc(2013, 11, 14, 11, 47),
    ),
    "asianews-en-2015-08-20-myanmar-floods-parishes.txt": Expected(
        "en", (), ("MYANMAR",), ("Floods", "Caritas"),
        ("Tacloban, volunteers race to bring water and rice to typhoon survivors",),
        ("Kalay", "AsiaNews"), utc(2015, 8, 20, 16, 20),
    ),
    "asianews-it-2013-02-13-hong-kong-preghiera-papa.txt": Expected(
        "it", ("Paolo Leung",), ("CINA", "HONG KONG"),
        ("Benedetto XVI", "Rinuncia", "Chiesa cattolica"),
        ('Vescovi indiani: "Gratitudine per un pontificato di umiltà e verità"',),
        ("Hong Kong", "AsiaNews"), utc(2013, 2, 13, 10, 20),
    ),
    "asianews-it-2013-02-15-vescovi-indiani-papa.txt": Expected(
        "it", ("Nirmala Fernandes", "Anil Kumar"), ("INDIA",), (),
        (
            "Hong Kong, migliaia di fedeli in preghiera per Benedetto XVI",
            'Il Papa agli asiatici: "Non abbiate paura di annunciare il Vangelo"',
        ),
        ("Mumbai", "AsiaNews"), utc(2013, 2, 15, 15, 45),
    ),
    "asianews-es-2014-09-29-hong-kong-estudiantes.txt": Expected(
        "es", ("Paul Leung", "Ana Chow"), ("CHINA", "HONG KONG"),
        ("Occupy Central", "Democracia", "Estudiantes"),
        ("Manila: los obispos piden un plan contra la pobreza antes de la visita del Papa",),
        ("Hong Kong", "AsiaNews"), utc(2014, 9, 29, 11, 5),
    ),
    "asianews-es-2014-10-16-manila-obispos-pobreza.txt": Expected(
        "es", ("María Santos",), ("FILIPINAS",), (),
        ("Hong Kong: miles de estudiantes ocupan el centro para pedir democracia",),
        ("Manila", "AsiaNews"), utc(2014, 10, 16, 6, 30),
    ),
    "asianews-zh-2014-09-29-xianggang-zhanzhong.txt": Expected(
        "zh", ("梁保禄",), ("中国", "香港"), ("占领中环", "民主", "学生"),
        ("北京：多名声援香港的公民遭拘留",), ("香港", "亚洲新闻"), utc(2014, 9, 29, 10, 40),
    ),
    "asianews-zh-2014-10-15-beijing-shengyuan-juliu.txt": Expected(
        "zh", ("李明", "张华"), ("中国",), (),
        ("香港：数万人占领中环 警方施放催泪弹",), ("北京", "亚洲新闻"), utc(2014, 10, 15, 15, 10),
    ),
}  # fmt: skip


def test_every_example_page_is_covered() -> None:
    assert sorted(path.name for path in EXAMPLES.glob("*.txt")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 11
    assert {expected.locale for expected in EXPECTED.values()} == {"en", "it", "es", "zh"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_page(name: str) -> None:
    expected = EXPECTED[name]
    draft = read(EXAMPLES / name)
    assert draft.locale == expected.locale
    assert tuple(person.name for person in draft.byline) == expected.authors
    assert tuple(t.name for t in draft.tags if t.kind == "region") == expected.regions
    assert tuple(t.name for t in draft.tags if t.kind == "topic") == expected.topics
    assert tuple(r.pending.title for r in draft.relations if r.pending) == expected.see_also
    assert all(r.pending and r.pending.locale == expected.locale for r in draft.relations)
    assert draft.dateline == Dateline(place=expected.dateline[0], source=expected.dateline[1])
    assert draft.published_at == expected.published_at
    assert draft.status is Status.PUBLISHED
    assert draft.summary
    assert draft.body.count("<p>") >= 3
    for edition in EDITIONS:
        for phrases in edition.chrome.values():
            for phrase in phrases:
                if len(phrase) > 5:  # short words ("Tag", "关闭") occur in prose
                    assert phrase not in draft.body
                    assert phrase != draft.summary


def test_example_see_also_items_point_at_each_other() -> None:
    drafts = {name: read(EXAMPLES / name) for name in EXPECTED}
    by_headline = {draft.headline: draft for draft in drafts.values()}
    links = set()
    for draft in drafts.values():
        for relation in draft.relations:
            assert relation.pending is not None
            target = by_headline.get(relation.pending.title or "")
            if target is not None:
                # The import service matches a title within a day and a half of its date.
                assert target.published_at is not None
                assert relation.pending.published_at is not None
                assert (
                    abs(target.published_at - relation.pending.published_at).total_seconds()
                    <= 36 * 3600
                )
                links.add((draft.headline, target.headline))
    mutual = {(a, b) for a, b in links if (b, a) in links}
    assert len(mutual) >= 8  # four pairs at least, each counted both ways


def test_see_also_date_inferred_from_the_other_dates_of_the_list() -> None:
    draft = read(EXAMPLES / "asianews-en-2016-02-15-kaesong-closure.txt")
    # "06/01/2016" alone is ambiguous; the list's "14/06/2012" makes it day-first: 6 January.
    second = draft.relations[1].pending
    assert second is not None
    assert second.published_at == utc(2016, 1, 5, 23)


# --- real-world mess gives the same draft ---------------------------------------------------


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _bom(text: str) -> str:
    return "\ufeff" + text


def _blank_lines(text: str) -> str:
    return "\n\n\n" + text.replace("\n", "\n\n\n") + "\n\n"


def _no_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip())


def _trailing_spaces(text: str) -> str:
    return "\n".join(f"  {line} \t " for line in text.splitlines())


def _nbsp(text: str) -> str:
    return text.replace(" - ", "\u00a0-\u00a0").replace("by Joseph", "by\u00a0Joseph")


def _old_mac(text: str) -> str:
    return text.replace("\n", "\r")


@pytest.mark.parametrize(
    "mess", [_crlf, _bom, _blank_lines, _no_blank_lines, _trailing_spaces, _nbsp, _old_mac]
)
def test_mess_gives_the_same_draft(mess: object) -> None:
    clean = parse_text(SAMPLE_TEXT, source="sample.txt")
    messy = parse_text(mess(SAMPLE_TEXT), source="sample.txt")  # type: ignore[operator]
    assert messy == clean


def test_bytes_with_bom_and_crlf_give_the_same_draft() -> None:
    clean = parse_text(SAMPLE_TEXT, source="sample.txt")
    data = b"\xef\xbb\xbf" + SAMPLE_TEXT.replace("\n", "\r\n").encode("utf-8")
    assert parse_legacy(data, source="sample.txt").drafts[0] == clean


def test_missing_time_is_flagged_unknown() -> None:
    clean = parse_text(SAMPLE_TEXT)
    draft = parse_text(SAMPLE_TEXT.replace("06/14/2012, 00.00", "06/14/2012"))
    assert draft.published_at == clean.published_at == utc(2012, 6, 13, 22)
    assert draft.date_provenance == DateProvenance(
        raw="06/14/2012", rule="numeric-month-first-inferred", zone=ROME, time_known=False
    )
    assert draft.model_copy(update={"date_provenance": clean.date_provenance}) == clean


def test_a_recorded_time_is_kept() -> None:
    draft = parse_text(SAMPLE_TEXT.replace("06/14/2012, 00.00", "06/14/2012, 09.30"))
    assert draft.published_at == utc(2012, 6, 14, 7, 30)
    assert draft.date_provenance is not None
    assert draft.date_provenance.time_known


def test_page_without_byline() -> None:
    draft = parse_text(SAMPLE_TEXT.replace("by Joseph Yun Li-sun\n", ""))
    assert draft.byline == ()
    assert draft.headline == 'Beijing "does not want to help Pyongyang in its arms race"'
    assert draft.summary is not None
    assert draft.summary.startswith("A source in South Korea")
    assert [t.name for t in draft.tags] == ["KOREA", "CHINA"]


def test_page_without_region_line() -> None:
    draft = parse_text(SAMPLE_TEXT.replace("KOREA - CHINA\n", ""))
    assert draft.tags == ()
    assert draft.headline.startswith("Beijing")
    assert [p.name for p in draft.byline] == ["Joseph Yun Li-sun"]


def test_page_without_region_line_or_share_chrome_or_byline() -> None:
    text = SAMPLE_TEXT.replace("KOREA - CHINA\n", "").replace("Send to a friend\n\n", "", 1)
    draft = parse_text(text.replace("by Joseph Yun Li-sun\n", ""))
    assert draft.tags == ()
    assert draft.byline == ()
    assert draft.headline.startswith("Beijing")


def test_region_line_without_share_chrome() -> None:
    draft = parse_text(
        SAMPLE_TEXT.replace("Send to a friend\n\n", "", 1).replace("by Joseph Yun Li-sun\n", "")
    )
    assert [t.name for t in draft.tags] == ["KOREA", "CHINA"]
    assert draft.headline.startswith("Beijing")


def test_page_without_tags_block_or_see_also() -> None:
    head, _, _ = SAMPLE_TEXT.partition("TAGs")
    draft = parse_text(head)
    assert draft.relations == ()
    assert draft.body == read(SAMPLE).body
    see_also_only = parse_text(SAMPLE_TEXT.replace("TAGs\n", ""))
    assert len(see_also_only.relations) == 5


def test_page_without_any_chrome_still_drops_the_footer() -> None:
    text = "\n".join(
        line
        for line in SAMPLE_TEXT.splitlines()
        if line not in ("Send to a friend", "Printable version", "CLOSE X", "TAGs", "See also")
    )
    draft = parse_text(text, locale="en")
    assert draft.body == read(SAMPLE).body
    assert len(draft.relations) == 5


def test_topic_tags_one_a_line() -> None:
    text = SAMPLE_TEXT.replace(
        "TAGs\n", "TAGs\nNorth Korea\nNuclear weapons\n  Kim Jong-un  \nnorth korea\n"
    )
    draft = parse_text(text)
    assert [(t.kind, t.name) for t in draft.tags] == [
        ("region", "KOREA"),
        ("region", "CHINA"),
        ("topic", "North Korea"),
        ("topic", "Nuclear weapons"),
        ("topic", "Kim Jong-un"),
    ]


def test_chrome_worded_differently_still_parses() -> None:
    # The header's share line and the list's heading in other words: the byline still
    # marks the headline, and (title, date) pairs are still the list.
    text = SAMPLE_TEXT.replace("Send to a friend", "Share this with a friend", 1)
    draft = parse_text(text.replace("See also", "Related stories"), locale="en")
    assert draft.headline == 'Beijing "does not want to help Pyongyang in its arms race"'
    assert [t.name for t in draft.tags] == ["KOREA", "CHINA"]
    assert [r.pending.title for r in draft.relations if r.pending] == [
        t for t, _ in SAMPLE_SEE_ALSO
    ]
    assert "Share this" not in draft.body
    assert "Related stories" not in draft.body


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("by A. B. Smith", ["A. B. Smith"]),
        ("by Joseph Yun Li-sun and Paul Kang", ["Joseph Yun Li-sun", "Paul Kang"]),
        ("by Anna Lee, Paul Kang and Maria Reyes", ["Anna Lee", "Paul Kang", "Maria Reyes"]),
        ("By: Anna Lee & Paul Kang", ["Anna Lee", "Paul Kang"]),
    ],
)
def test_english_bylines(byline: str, names: list[str]) -> None:
    draft = parse_text(SAMPLE_TEXT.replace("by Joseph Yun Li-sun", byline))
    assert [p.name for p in draft.byline] == names


@pytest.mark.parametrize(
    "summary",
    [
        "By the end of the year, the talks had collapsed.",
        "By Friday, 12 people had been arrested in Seoul.",
    ],
)
def test_a_summary_opening_with_by_is_not_a_byline(summary: str) -> None:
    text = SAMPLE_TEXT.replace(
        "by Joseph Yun Li-sun\nA source in South Korea's", f"{summary}\nA source in"
    )
    draft = parse_text(text)
    assert draft.byline == ()
    assert draft.summary == summary


def _edition_page(
    edition_words: dict[str, str], byline: str, date: str = "13/02/2013, 11.20"
) -> str:
    w = edition_words
    return "\n".join(
        [
            date,
            "CINA - HONG KONG",
            w["share"],
            "",
            "Un titolo qualsiasi per la prova",
            byline,
            "Il sommario della notizia.",
            "Hong Kong (AsiaNews) – Il primo paragrafo del corpo.",
            "Il secondo paragrafo.",
            "TAGs",
            w["share"],
            w["print"],
            w["close"],
            w["see_also"],
            "Un altro titolo",
            "20/01/2013",
        ]
    )


IT_WORDS = {
    "share": "Invia ad un amico",
    "print": "Versione stampabile",
    "close": "CHIUDI X",
    "see_also": "Vedi anche",
}
ES_WORDS = {
    "share": "Enviar a un amigo",
    "print": "Versión para imprimir",
    "close": "CERRAR X",
    "see_also": "Ver también",
}


@pytest.mark.parametrize(
    ("words", "byline", "locale", "names"),
    [
        (IT_WORDS, "di Paolo Leung e Anna Rossi", "it", ["Paolo Leung", "Anna Rossi"]),
        (
            IT_WORDS,
            "di Paolo Leung, Anna Rossi e Luca Bianchi",
            "it",
            ["Paolo Leung", "Anna Rossi", "Luca Bianchi"],
        ),
        (ES_WORDS, "por Paul Leung y Ana Chow", "es", ["Paul Leung", "Ana Chow"]),
        (ES_WORDS, "de María Santos", "es", ["María Santos"]),
    ],
)
def test_editions_are_told_by_their_words(
    words: dict[str, str], byline: str, locale: str, names: list[str]
) -> None:
    draft = parse_text(_edition_page(words, byline))
    assert draft.locale == locale
    assert [p.name for p in draft.byline] == names
    assert draft.dateline == Dateline(place="Hong Kong", source="AsiaNews")
    assert draft.body.startswith("<p>Il primo paragrafo")
    assert [r.pending.title for r in draft.relations if r.pending] == ["Un altro titolo"]


@pytest.mark.parametrize(
    ("prefix", "place", "source"),
    [
        ("Seoul (AsiaNews) - ", "Seoul", "AsiaNews"),
        ("Seoul (AsiaNews) – ", "Seoul", "AsiaNews"),
        ("Seoul (AsiaNews) — ", "Seoul", "AsiaNews"),
        ("Vatican City (AsiaNews/Agencies) - ", "Vatican City", "AsiaNews/Agencies"),
        ("北京（亚洲新闻）— ", "北京", "亚洲新闻"),
        ("北京（亚洲新闻）－", "北京", "亚洲新闻"),
        ("香港（亚洲新闻）——", "香港", "亚洲新闻"),
    ],
)
def test_datelines(prefix: str, place: str, source: str) -> None:
    draft = parse_text(SAMPLE_TEXT.replace("Seoul (AsiaNews) - ", prefix))
    assert draft.dateline == Dateline(place=place, source=source)
    assert draft.body.startswith('<p>The Chinese government "is losing')


def test_first_paragraph_with_a_dateline_is_body_not_summary() -> None:
    text = SAMPLE_TEXT.replace(
        "by Joseph Yun Li-sun\nA source in South Korea's Interior Ministry",
        "by Joseph Yun Li-sun\nSKIP",
    )
    text = "\n".join(line for line in text.splitlines() if not line.startswith("SKIP"))
    draft = parse_text(text)
    assert draft.summary is None
    assert draft.dateline == Dateline(place="Seoul", source="AsiaNews")
    assert draft.body == read(SAMPLE).body


def test_locale_can_be_forced() -> None:
    draft = read(SAMPLE, locale="en-GB")
    assert draft.locale == "en-GB"
    assert all(r.pending and r.pending.locale == "en-GB" for r in draft.relations)


def test_locale_without_chrome_is_told_by_words() -> None:
    it = parse_text(
        "13/02/2013\nUn titolo della notizia\nIl sommario della notizia che non ha il resto."
    )
    assert it.locale == "it"
    zh = parse_text("13/02/2013\n香港：数万人占领中环\n学生和市民以雨伞抵挡催泪弹。")
    assert zh.locale == "zh"


# --- what the parser cannot understand ------------------------------------------------------


def test_no_date_names_file_and_line() -> None:
    text = "\n\n" + SAMPLE_TEXT.split("\n", 1)[1]
    with pytest.raises(ImportFailure) as failure:
        parse_legacy(text, source="pages/no-date.txt")
    assert failure.value.source == "pages/no-date.txt"
    assert failure.value.line == 3
    assert str(failure.value).startswith("pages/no-date.txt:3: ")
    assert "KOREA - CHINA" in str(failure.value)


def test_no_headline_names_file_and_line() -> None:
    text = (
        "06/14/2012, 00.00\nKOREA - CHINA\nSend to a friend\n\nTAGs\nSend to a friend\nSee also\n"
    )
    with pytest.raises(ImportFailure) as failure:
        parse_legacy(text, source="pages/no-headline.txt")
    assert failure.value.source == "pages/no-headline.txt"
    assert failure.value.line == 1
    assert "headline" in str(failure.value)


def test_empty_page() -> None:
    with pytest.raises(ImportFailure, match="empty"):
        parse_legacy(" \n\ufeff\n\t\n", source="empty.txt")


def test_ambiguous_page_date_names_file_raw_string_and_option() -> None:
    text = SAMPLE_TEXT.replace("06/14/2012, 00.00", "03/04/2012, 10.00")
    with pytest.raises(ImportFailure) as failure:
        parse_legacy(text, source="pages/ambiguous.txt")
    message = str(failure.value)
    assert failure.value.source == "pages/ambiguous.txt"
    assert failure.value.line == 1
    assert message.startswith("pages/ambiguous.txt:1: ")
    assert "03/04/2012, 10.00" in message
    assert "--date-order" in message
    assert "--see-also-date-order" not in message


def test_ambiguous_page_date_is_settled_by_the_option() -> None:
    text = SAMPLE_TEXT.replace("06/14/2012, 00.00", "03/04/2012, 10.00")
    month_first = parse_text(text, date_order=DateOrder.MONTH_FIRST)
    day_first = parse_text(text, date_order=DateOrder.DAY_FIRST)
    assert month_first.published_at == utc(2012, 3, 4, 9)
    assert day_first.published_at == utc(2012, 4, 3, 8)
    assert month_first.date_provenance
    assert month_first.date_provenance.rule == "numeric-month-first"


def test_page_date_read_in_the_wrong_order_says_which_option() -> None:
    with pytest.raises(ImportFailure) as failure:
        parse_legacy(
            SAMPLE_TEXT, source="p.txt", options=ImportOptions(date_order=DateOrder.DAY_FIRST)
        )
    assert "--date-order month-first" in str(failure.value)


def test_ambiguous_see_also_dates_name_their_own_option() -> None:
    head, _, _ = SAMPLE_TEXT.partition("See also")
    text = head + "See also\nOne story\n03/04/2012\nAnother story\n05/06/2013 10:00\n"
    with pytest.raises(ImportFailure) as failure:
        parse_legacy(text, source="pages/see-also.txt")
    message = str(failure.value)
    assert failure.value.line == text.splitlines().index("03/04/2012") + 1
    assert "03/04/2012" in message
    assert "--see-also-date-order" in message
    settled = parse_text(text, see_also_date_order=DateOrder.DAY_FIRST)
    assert [r.pending.published_at for r in settled.relations if r.pending] == [
        utc(2012, 4, 2, 22),
        utc(2013, 6, 5, 8),
    ]


def test_see_also_dates_are_a_group_apart_from_the_page_date() -> None:
    # The page date is month-first; that must not make the see-also dates month-first.
    draft = read(SAMPLE, date_order=DateOrder.MONTH_FIRST)
    assert [r.pending.published_at for r in draft.relations if r.pending] == [
        w for _, w in SAMPLE_SEE_ALSO
    ]


def test_impossible_see_also_date() -> None:
    text = SAMPLE_TEXT.replace("20/07/2005", "31/02/2005")
    with pytest.raises(ImportFailure) as failure:
        parse_legacy(text, source="p.txt")
    assert "31/02/2005" in str(failure.value)
    assert failure.value.line == SAMPLE_TEXT.splitlines().index("20/07/2005") + 1


def test_refused_field_names_the_line() -> None:
    text = SAMPLE_TEXT.replace("TAGs\n", "TAGs\n" + "x" * 300 + "\n")
    with pytest.raises(ImportFailure) as failure:
        parse_legacy(text, source="p.txt")
    assert failure.value.line == SAMPLE_TEXT.splitlines().index("TAGs") + 2
    assert "tags" in str(failure.value)


def test_bytes_that_are_not_utf8() -> None:
    data = SAMPLE_TEXT.encode("utf-8").replace(b"Beijing", b"Beij\xe9ng", 1)
    with pytest.raises(ImportFailure) as failure:
        parse_legacy(data, source="latin1.txt")
    assert failure.value.line == 5
    assert "UTF-8" in str(failure.value)


def test_language_that_cannot_be_told() -> None:
    with pytest.raises(ImportFailure, match="--locale"):
        parse_legacy("13/02/2013\nXyzzy plugh\nQwerty uiop.", source="p.txt")


# --- generated pages: the parse recovers what was written -----------------------------------

ALL_CHROME = {
    "".join(c for c in phrase.casefold() if c.isalnum())
    for edition in EDITIONS
    for phrases in edition.chrome.values()
    for phrase in phrases
}
BYLINE_WORDS = {word.casefold() for edition in EDITIONS for word in edition.byline}
LETTERS = "abcdefghijklmnopqrstuvwxyzàéèìòùçñöü"
word = st.text(alphabet=LETTERS + "中文新闻亚洲", min_size=1, max_size=9)
punctuation = st.sampled_from(
    ["", "", ",", ";", '"', "“", "”", "'", "’", " [. . .]", " &", " <b>", "!"]
)


@st.composite
def sentence(draw: st.DrawFn) -> str:
    first = draw(st.text(alphabet=LETTERS[:26], min_size=2, max_size=9)).capitalize()
    assume(first.casefold() not in BYLINE_WORDS)
    words = [first] + [draw(word) + draw(punctuation) for _ in range(draw(st.integers(1, 14)))]
    text = " ".join(words) + draw(st.sampled_from([".", "?", "!", '."', ""]))
    assume("".join(c for c in text.casefold() if c.isalnum()) not in ALL_CHROME)
    return text


region = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=12)
name_part = st.text(alphabet=LETTERS[:26], min_size=2, max_size=8).map(str.capitalize)
person = st.lists(name_part, min_size=1, max_size=3).map(" ".join)
tag = st.lists(st.text(alphabet=LETTERS, min_size=2, max_size=8), min_size=1, max_size=3).map(
    " ".join
)


@st.composite
def numeric_date(
    draw: st.DrawFn, order: DateOrder, with_time: bool | None = None
) -> tuple[str, datetime]:
    year, month, day = (
        draw(st.integers(1950, 2040)),
        draw(st.integers(1, 12)),
        draw(st.integers(13, 28)),
    )
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    timed = draw(st.booleans()) if with_time is None else with_time
    if not timed:
        hour = minute = 0
    first, second = (month, day) if order is DateOrder.MONTH_FIRST else (day, month)
    text = f"{first:02}/{second:02}/{year}"
    if timed:
        text += draw(st.sampled_from([f", {hour:02}.{minute:02}", f" {hour:02}:{minute:02}"]))
    return text, local_to_utc(datetime(year, month, day, hour, minute), ROME)


@dataclass
class Page:
    text: str
    locale: str
    headline: str
    published_at: datetime
    regions: list[str]
    authors: list[str]
    summary: str
    body: list[str]
    dateline: tuple[str, str] | None
    topics: list[str]
    see_also: list[tuple[str, datetime]]


@st.composite
def pages(draw: st.DrawFn) -> Page:
    edition = draw(st.sampled_from(EDITIONS))
    words = {role: phrases[0] for role, phrases in edition.chrome.items()}
    date, published_at = draw(
        numeric_date(draw(st.sampled_from([DateOrder.MONTH_FIRST, DateOrder.DAY_FIRST])))
    )
    regions = draw(st.lists(region, max_size=3, unique=True))
    headline = draw(sentence())
    authors = draw(st.lists(person, max_size=3, unique=True))
    summary = draw(sentence())
    body = draw(st.lists(sentence(), min_size=1, max_size=4))
    dateline = draw(
        st.one_of(
            st.none(),
            st.sampled_from(
                [("Seoul", "AsiaNews"), ("Città del Vaticano", "AsiaNews"), ("北京", "亚洲新闻")]
            ),
        )
    )
    topics = draw(st.lists(tag, max_size=5, unique_by=str.casefold))
    assume(all("".join(c for c in t.casefold() if c.isalnum()) not in ALL_CHROME for t in topics))
    group = draw(st.sampled_from([DateOrder.MONTH_FIRST, DateOrder.DAY_FIRST]))
    see_also = [
        (draw(sentence()), draw(numeric_date(group))) for _ in range(draw(st.integers(0, 5)))
    ]

    lines = [date]
    if regions:
        lines.append(" - ".join(regions))
    lines += [words[Chrome.SHARE], headline]
    if authors:
        joined = (
            authors[0]
            if len(authors) == 1
            else ", ".join(authors[:-1]) + f" {edition.joiners[0]} {authors[-1]}"
        )
        lines.append(f"{edition.byline[0]} {joined}")
    lines.append(summary)
    first = (
        body[0]
        if dateline is None
        else f"{dateline[0]} ({dateline[1]}) {draw(st.sampled_from(['-', '–', '—']))} {body[0]}"
    )
    lines += [first, *body[1:], words[Chrome.TAGS], *topics]
    lines += [words[Chrome.SHARE], words[Chrome.PRINT], words[Chrome.CLOSE]]
    if see_also or draw(st.booleans()):
        lines.append(words[Chrome.SEE_ALSO])
    for title, (raw, _) in see_also:
        lines += [title, raw]
    lines += [
        words[Chrome.NEWSLETTER],
        "“L’Asia: ecco il nostro comune compito!” - Giovanni Paolo II",
    ]

    separators = draw(
        st.lists(
            st.sampled_from(["\n", "\n\n", "\r\n", "\n \n", "  \n"]),
            min_size=len(lines),
            max_size=len(lines),
        )
    )
    text = "".join(line + sep for line, sep in zip(lines, separators, strict=True))
    return Page(
        text, edition.locale, headline, published_at, regions, authors, summary, body, dateline,
        topics, [(title, when) for title, (_, when) in see_also],
    )  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_generated_pages_are_recovered_exactly(page: Page) -> None:
    draft = parse_legacy(page.text, source="generated.txt").drafts[0]
    assert draft.locale == page.locale
    assert draft.headline == page.headline
    assert draft.published_at == page.published_at
    assert [p.name for p in draft.byline] == page.authors
    assert draft.summary == page.summary
    assert draft.body == sanitize_html(paragraphs_to_html(page.body))
    expected_dateline = (
        Dateline(place=page.dateline[0], source=page.dateline[1]) if page.dateline else None
    )
    assert draft.dateline == expected_dateline
    assert [(t.kind, t.name) for t in draft.tags] == [("region", r) for r in page.regions] + [
        ("topic", t) for t in page.topics
    ]
    assert [
        (r.pending.title, r.pending.published_at) for r in draft.relations if r.pending
    ] == page.see_also


page_lines = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "06/14/2012, 00.00", "03/04/2012", "31/02/2012", "14/06/2012 25:99", "KOREA - CHINA",
            "Send to a friend", "TAGs", "See also", "CLOSE X", "Newsletter", "by ", "by X",
            "Seoul (AsiaNews) - ", "di Paolo e", "作者：", "\ufeff", "\u00a0", "\x00", "\ud800",
        ]
    ),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.lists(page_lines, max_size=30).map("\n".join)))
def test_any_text_parses_or_fails_with_a_newscms_error(text: str) -> None:
    try:
        parsed = parse_legacy(text, source="fuzz.txt")
    except NewsCMSError:
        return
    assert len(parsed.drafts) == 1


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_fail_with_a_newscms_error(data: bytes) -> None:
    with contextlib.suppress(NewsCMSError):
        parse_legacy(b"06/14/2012\nKOREA\n" + data, source="fuzz.txt")
