# ruff: noqa: RUF001 - multilingual text with typographic apostrophes is what is tested
"""Full-text search: one multilingual corpus, the same queries and hits on every backend.

The corpus mixes English, Italian, Spanish, Chinese and a little Japanese, Korean and
Russian, with drafts, a scheduled article and an archived one. Every query in
``CASES`` must find exactly its expected articles on SQLite (FTS5), PostgreSQL
(tsvector) and MariaDB (FULLTEXT). Then: ranking, filters, pagination, and the index
following every write in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, inspect, select, text
from sqlalchemy.orm import Session

from newscms.domain import ArticleDraft, ArticlePatch, Status, TagInput
from newscms.errors import InvalidCursorError, QueryError, SchemaError, ValidationError
from newscms.store import Store
from newscms.store.search import reindex
from newscms.store.search.schema import REINDEX_FLAG, index_table_name

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the FakeClock's start

# label: (locale, headline, summary, body, tags, status)
CORPUS: dict[str, dict[str, Any]] = {
    "en-reunions": {
        "locale": "en",
        "headline": "Seoul and Pyongyang agree on family reunions",
        "summary": "The two Koreas will hold reunions in August.",
        "body": "<p>Officials from <b>North Korea</b> and South Korea met in the border "
        "village of Panmunjom.</p>",
        "tags": [TagInput(kind="region", name="Korea"), "Family reunions"],
    },
    "en-pope": {
        "locale": "en",
        "headline": "Pope Francis visits Manila",
        "summary": "A mass for the survivors.",
        "body": "<p>He met typhoon survivors from Tacloban.</p>",
        "tags": [
            TagInput(kind="person", name="Pope Francis"),
            TagInput(kind="region", name="Philippines"),
        ],
    },
    "en-election": {
        "locale": "en",
        "headline": "Polls open in India's general election",
        "summary": "Millions queue at polling stations.",
        "body": "<p>Voting lasts five weeks; votes are counted in May.</p>",
        "tags": ["Elections", TagInput(kind="region", name="India")],
    },
    "en-missile": {
        "locale": "en",
        "headline": "UN Security Council condemns missile test",
        "summary": None,
        "body": "<p>The U.N. council met after the launch; a nuclear test may follow.</p>",
        "tags": [
            TagInput(kind="organization", name="United Nations"),
            TagInput(kind="region", name="Korea"),
        ],
    },
    "en-draft": {
        "locale": "en",
        "headline": "Kim Jong-un health rumours",
        "summary": "Unconfirmed reports from Seoul.",
        "body": "<p>Nothing is confirmed.</p>",
        "tags": [TagInput(kind="region", name="Korea")],
        "status": Status.DRAFT,
    },
    "en-scheduled": {
        "locale": "en",
        "headline": "Nobel peace prize laureate announced",
        "summary": None,
        "body": "<p>The committee in Oslo announced the laureate.</p>",
        "tags": [],
        "status": Status.SCHEDULED,
        "published_at": T0 + timedelta(days=1),
    },
    "en-archived": {
        "locale": "en",
        "headline": "Seoul Olympics, 1988: a retrospective",
        "summary": None,
        "body": "<p>Thirty years on.</p>",
        "tags": [],
        "archive": True,
    },
    "it-reunions": {
        "locale": "it",
        "headline": "Seúl e Pyongyang: accordo sui ricongiungimenti familiari",
        "summary": "Le due Coree si incontrano ad agosto.",
        "body": "<p>La città di Seúl ha ospitato l’incontro.</p>",
        "tags": [TagInput(kind="region", name="Corea")],
    },
    "it-pope": {
        "locale": "it",
        "headline": "Il Papa a Manila tra i sopravvissuti del tifone",
        "summary": None,
        "body": "<p>Messa a Tacloban.</p>",
        "tags": [TagInput(kind="person", name="Papa Francesco")],
    },
    "it-city": {
        "locale": "it",
        "headline": "Perché la città vecchia è in festa",
        "summary": "Tre giorni di musica.",
        "body": "<p>Il sindaco ha aperto la festa.</p>",
        "tags": [],
    },
    "es-reunions": {
        "locale": "es",
        "headline": "Seúl y Pyongyang acuerdan reuniones familiares",
        "summary": "Los líderes de Corea del Norte y del Sur se reunieron.",
        "body": "<p>Fue un encuentro histórico.</p>",
        "tags": [TagInput(kind="region", name="Corea del Norte")],
    },
    "es-vaccines": {
        "locale": "es",
        "headline": "El niño y la niña: campaña de vacunación en Bogotá",
        "summary": None,
        "body": "<p>La campaña llega a cada escuela.</p>",
        "tags": ["Salud"],
    },
    "zh-beijing": {
        "locale": "zh",
        "headline": "北京市政府宣布新的空气污染治理计划",
        "summary": "北京市今天宣布了计划。",
        "body": "<p>空气质量将在三年内改善。</p>",
        "tags": [TagInput(kind="region", name="北京")],
    },
    "zh-panmunjom": {
        "locale": "zh",
        "headline": "韩朝领导人在板门店会面",
        "summary": None,
        "body": "<p>双方讨论了离散家属团聚问题。</p>",
        "tags": [TagInput(kind="region", name="韩国")],
    },
    "ja-quake": {
        "locale": "ja",
        "headline": "東京都で地震、被害は軽微",
        "summary": None,
        "body": "<p>気象庁によると、震源は千葉県沖です。</p>",
        "tags": [TagInput(kind="region", name="日本")],
    },
    "ko-summit": {
        "locale": "ko",
        "headline": "서울에서 남북 정상회담 개최",
        "summary": None,
        "body": "<p>서울과 평양의 지도자들이 만났다.</p>",
        "tags": [],
    },
    "th-flood": {
        "locale": "th",
        "headline": "กรุงเทพมหานครเตรียมรับมือน้ำท่วม",
        "summary": None,
        "body": "<p>ตามรายงานของกรมอุตุนิยมวิทยา ฝนจะตกหนัก</p>",
        "tags": [TagInput(kind="region", name="ประเทศไทย")],
    },
    "th-rates": {
        "locale": "th",
        "headline": "ธนาคารแห่งประเทศไทยคงอัตราดอกเบี้ย",
        "summary": None,
        "body": "<p>นักเศรษฐศาสตร์คาดการณ์ไว้แล้ว</p>",
        "tags": [],
    },
    "ru-moscow": {
        "locale": "ru",
        "headline": "Москва и Пекин подписали соглашение",
        "summary": None,
        "body": "<p>Ёлка на Красной площади.</p>",
        "tags": [TagInput(kind="region", name="Россия")],
    },
}

# (query, filters, expected labels): the same hits on every backend.
CASES: list[tuple[str, dict[str, Any], set[str]]] = [
    ("Seoul", {}, {"en-reunions"}),
    ("Seul", {}, {"it-reunions", "es-reunions"}),
    ("seúl", {}, {"it-reunions", "es-reunions"}),
    ("SEÚL", {}, {"it-reunions", "es-reunions"}),
    ('"north korea"', {}, {"en-reunions"}),
    ("korea", {}, {"en-reunions", "en-missile"}),
    ("pope or papa", {}, {"en-pope", "it-pope"}),
    ("pyongyang -ricongiungimenti", {}, {"en-reunions", "es-reunions"}),
    ("perche citta", {}, {"it-city"}),
    ("PERCHÉ", {}, {"it-city"}),
    ("nino", {}, {"es-vaccines"}),
    ("niño bogota", {}, {"es-vaccines"}),
    ("北京", {}, {"zh-beijing"}),
    ("京", {}, {"zh-beijing", "ja-quake"}),  # 北京 and 東京
    ("市政府", {}, {"zh-beijing"}),
    ("板门店", {}, {"zh-panmunjom"}),
    ("团聚", {}, {"zh-panmunjom"}),
    ("東京", {}, {"ja-quake"}),
    ("地震", {}, {"ja-quake"}),
    ("気象庁", {}, {"ja-quake"}),  # kanji, then kana, as CJK bigrams
    ("によると", {}, {"ja-quake"}),
    # Thai is cut into syllables at index and query time: a word is found inside a
    # compound and inside a sentence, and a syllable is not found inside another one.
    ("กรุงเทพ", {}, {"th-flood"}),  # in กรุงเทพมหานคร
    ("น้ำท่วม", {}, {"th-flood"}),
    ("ฝนตก", {}, set()),  # not next to each other: ฝน จะ ตก
    ("ฝน ตก", {}, {"th-flood"}),
    ('"ประเทศไทย"', {}, {"th-flood", "th-rates"}),  # a tag and inside a compound
    ("ธนาคาร ดอกเบี้ย", {}, {"th-rates"}),
    ("ตา", {}, set()),  # a bigram of ตาม, not a syllable of the text
    ("ดอกเบี้ย", {"locale": "th"}, {"th-rates"}),
    ("서울", {}, {"ko-summit"}),
    ("평양", {}, {"ko-summit"}),
    ("москва", {}, {"ru-moscow"}),
    ("елка", {}, {"ru-moscow"}),
    ("ЁЛКА", {}, {"ru-moscow"}),
    ("vot*", {}, {"en-election"}),
    # Words are stemmed by the article's language on every engine (Snowball: PostgreSQL's
    # configurations, PyStemmer on SQLite and MariaDB), at index and query time.
    ("vote", {}, {"en-election"}),  # votes, Voting
    ("voted", {}, {"en-election"}),
    ("counts", {}, {"en-election"}),  # counted
    ("official", {}, {"en-reunions"}),  # Officials
    ("reunion", {}, {"en-reunions", "es-reunions"}),  # reunions, reuniones
    ("reunion", {"locale": "es"}, {"es-reunions"}),
    ('"family reunion"', {}, {"en-reunions"}),  # a phrase of stems
    ("korea -reunion", {}, {"en-missile"}),  # an exclusion excludes the stems too
    ("ricongiungimento", {}, {"it-reunions"}),  # ricongiungimenti
    ("campanas", {}, {"es-vaccines"}),  # campaña
    ("reunio*", {}, {"en-reunions", "es-reunions"}),  # a prefix, of words and stems
    ("officials*", {}, {"en-reunions"}),  # longer than its stem (offici): still found
    ("typhoon", {}, {"en-pope"}),
    ("tacloban", {}, {"en-pope", "it-pope"}),
    ("missile test", {}, {"en-missile"}),
    ('"test missile"', {}, set()),
    ("(un) OR [nations]", {}, {"en-missile", "es-reunions"}),  # Spanish "un"
    ("(nations) OR [unesco]", {}, {"en-missile"}),
    ("u.n.", {}, {"en-missile"}),
    ("nuclear -missile", {}, set()),
    ("corea", {}, {"it-reunions", "es-reunions"}),
    ('"corea del norte"', {}, {"es-reunions"}),
    ("nobel", {}, set()),
    ("kim", {}, set()),
    ("retrospective", {}, set()),
    ("zzzz", {}, set()),
    # Filters.
    ("seoul", {"public": False}, {"en-reunions", "en-draft", "en-archived"}),
    ("nobel", {"public": False}, {"en-scheduled"}),
    ("kim", {"public": False, "status": "draft"}, {"en-draft"}),
    ("seoul", {"public": False, "status": "archived"}, {"en-archived"}),
    ("nobel", {"public": False, "status": "scheduled"}, {"en-scheduled"}),
    ("seoul", {"status": "draft"}, set()),
    ("seul", {"locale": "it"}, {"it-reunions"}),
    ("pyongyang", {"locale": "es"}, {"es-reunions"}),
    ("manila", {"tag_kind": "person"}, {"en-pope", "it-pope"}),
    ("korea", {"tag_kind": "organization"}, {"en-missile"}),
    ("tacloban", {"locale": "en", "tag_kind": "region"}, {"en-pope"}),
]


def _create(store: Store, clock: Any) -> dict[str, Any]:
    """The corpus, published an hour apart, newest last; returns {label: article}."""
    made: dict[str, Any] = {}
    with store.session() as uow:
        for number, (label, spec) in enumerate(CORPUS.items()):
            status = spec.get("status", Status.PUBLISHED)
            published_at = spec.get("published_at")
            if published_at is None and status is Status.PUBLISHED:
                published_at = T0 - timedelta(hours=len(CORPUS) - number)
            made[label] = uow.articles.create(
                ArticleDraft(
                    locale=spec["locale"],
                    headline=spec["headline"],
                    summary=spec["summary"],
                    body=spec["body"],
                    tags=spec["tags"],
                    status=Status.PUBLISHED if spec.get("archive") else status,
                    published_at=published_at
                    or (T0 - timedelta(days=30) if spec.get("archive") else None),
                )
            )
            if spec.get("archive"):
                made[label] = uow.workflow.archive(made[label].id)
    return made


@pytest.fixture
def corpus(store: Store, clock: Any) -> dict[str, Any]:
    return _create(store, clock)


def _labels(corpus: dict[str, Any], hits: Any) -> list[str]:
    by_id = {article.id: label for label, article in corpus.items()}
    return [by_id[hit.article.id] for hit in hits]


def _find(store: Store, corpus: dict[str, Any], query: str, **filters: Any) -> list[str]:
    filters = dict(filters)
    for key in ("tag",):
        if key in filters and isinstance(filters[key], str):
            filters[key] = corpus[filters[key]].tags[0].id
    with store.session(readonly=True) as uow:
        page = uow.search.search(query, limit=50, **filters)
    return _labels(corpus, page.items)


def test_every_query_finds_the_same_articles_on_every_backend(store, corpus):
    wrong = []
    for query, filters, expected in CASES:
        found = _find(store, corpus, query, **filters)
        if set(found) != expected or len(found) != len(set(found)):
            wrong.append(f"{query!r} {filters}: found {sorted(found)}, expected {sorted(expected)}")
    assert wrong == []


def test_a_tag_filter_composes_with_the_query(store, corpus):
    korea = corpus["en-reunions"].tags[0]
    with store.session(readonly=True) as uow:
        page = uow.search.search("test", tag=korea.id)
        dated = uow.search.search(
            "korea",
            published_after=corpus["en-missile"].published_at,
            published_before=T0,
        )
        before = uow.search.search("korea", published_before=corpus["en-missile"].published_at)
    assert _labels(corpus, page.items) == ["en-missile"]
    assert _labels(corpus, dated.items) == ["en-missile"]
    assert _labels(corpus, before.items) == ["en-reunions"]


def test_hits_carry_the_article_and_escaped_highlights(store, corpus):
    with store.session(readonly=True) as uow:
        hit = next(h for h in uow.search.search("Seul").items if h.article.locale == "it")
        (ko,) = uow.search.search("평양").items
        zh = next(h for h in uow.search.search("京").items if h.article.locale == "zh")
    assert hit.article.headline.startswith("Seúl")
    assert hit.article.tags and hit.article.body
    assert "<mark>Seúl</mark>" in hit.headline
    assert "<mark>Seúl</mark>" in hit.snippet
    assert "평양" in ko.snippet and "<mark>평양</mark>" in ko.snippet
    assert zh.headline.startswith("北<mark>京</mark>市")
    assert hit.score > 0


def test_highlights_escape_the_text_around_marks(store):
    with store.session() as uow:
        uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Tom & Jerry <script>alert(1)</script> cartoon",
                summary="Cats & mice: <b>cartoon</b> history",
                status=Status.PUBLISHED,
            )
        )
    with store.session(readonly=True) as uow:
        (hit,) = uow.search.search("cartoon").items
    assert hit.headline == (
        "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt; <mark>cartoon</mark>"
    )
    assert "&lt;b&gt;<mark>cartoon</mark>&lt;/b&gt;" in hit.snippet


def test_headline_matches_rank_above_tag_summary_and_body_matches(store):
    with store.session() as uow:
        for n, (headline, summary, body, tags) in enumerate(
            [
                ("A story about rice", "Farmers talk.", "<p>Prices of harvest rise.</p>", []),
                ("Harvest festival opens", "Farmers talk.", "<p>Prices rise.</p>", []),
                ("A story about wheat", "Farmers talk.", "<p>Prices rise.</p>", ["Harvest"]),
                ("A story about maize", "The harvest.", "<p>Prices rise.</p>", []),
            ]
        ):
            uow.articles.create(
                ArticleDraft(
                    locale="en",
                    headline=headline,
                    summary=summary,
                    body=body,
                    tags=tags,
                    status=Status.PUBLISHED,
                    published_at=T0 - timedelta(hours=n + 1),
                )
            )
    with store.session(readonly=True) as uow:
        page = uow.search.search("harvest")
    order = [hit.article.headline for hit in page.items]
    assert order == [
        "Harvest festival opens",
        "A story about wheat",
        "A story about maize",
        "A story about rice",
    ]
    assert [hit.score for hit in page.items] == sorted(
        (hit.score for hit in page.items), reverse=True
    )


def test_pages_follow_each_other_without_gaps_or_repeats(store):
    with store.session() as uow:
        uow.articles.create_many(
            ArticleDraft(
                locale="en",
                headline=f"Bulletin {n}: market news" + " market" * (n % 4),
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(hours=n % 5, minutes=n),
            )
            for n in range(27)
        )
    with store.session(readonly=True) as uow:
        everything = [hit.article.id for hit in uow.search.search("market", limit=50).items]
        pages, cursor = [], None
        while True:
            page = uow.search.search("market", limit=5, cursor=cursor)
            pages += [hit.article.id for hit in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert len(everything) == 27
        assert pages == everything
        first = uow.search.search("market", limit=5)
        with pytest.raises(InvalidCursorError):
            uow.search.search("news", limit=5, cursor=first.next_cursor)
        with pytest.raises(InvalidCursorError):
            uow.search.search("market", locale="it", limit=5, cursor=first.next_cursor)
        with pytest.raises(InvalidCursorError):
            uow.search.search("market", limit=5, cursor=first.next_cursor + "x")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "nothing to search for"),
        ('"" () -', "nothing to search for"),
        ("-seoul", "exclusions alone"),
        ("a*", "at least 2 letters"),
        ("x" * 501, "at most 500"),
        (" ".join(f"w{n}" for n in range(40)), "at most 32"),
    ],
)
def test_queries_that_cannot_run_are_clear_query_errors(store, query, message):
    with store.session(readonly=True) as uow, pytest.raises(QueryError, match=message) as error:
        uow.search.search(query)
    assert error.value.field == "query"


def test_bad_arguments_are_validation_errors(store):
    with store.session(readonly=True) as uow:
        for kwargs in (
            {"limit": 0},
            {"limit": 500},
            {"status": "bogus"},
            {"locale": "xx-??"},
            {"tag": "not-a-uuid"},
            {"published_after": datetime(2026, 1, 1)},
        ):
            with pytest.raises(ValidationError):
                uow.search.search("seoul", **kwargs)
        with pytest.raises(QueryError):
            uow.search.search(None)  # type: ignore[arg-type]


# -- the index follows every write, in the same transaction ---------------------------------


def _public_hits(store: Store, query: str, **filters: Any) -> list[Any]:
    with store.session(readonly=True) as uow:
        return [hit.article.id for hit in uow.search.search(query, **filters).items]


@pytest.fixture
def story(store):
    with store.session() as uow:
        return uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Floods hit Jakarta",
                summary="Thousands evacuated.",
                body="<p>Rivers burst their banks.</p>",
                tags=["Weather"],
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(hours=1),
            )
        )


def test_an_update_replaces_the_old_words_at_once(store, story):
    with store.session() as uow:
        uow.articles.update(
            story.id,
            ArticlePatch(expected_version=story.version, headline="Drought grips Manila"),
        )
        # Inside the same transaction, before it commits: the new words, never the old.
        assert uow.search.search("jakarta").items == ()
        assert [hit.article.id for hit in uow.search.search("drought").items] == [story.id]
    assert _public_hits(store, "jakarta") == []
    assert _public_hits(store, "manila") == [story.id]
    assert _public_hits(store, "evacuated") == [story.id]


def test_a_tag_change_is_searchable_at_once(store, story):
    with store.session() as uow:
        uow.articles.update(
            story.id, ArticlePatch(expected_version=story.version, tags=["Climate"])
        )
    assert _public_hits(store, "climate") == [story.id]
    assert _public_hits(store, "weather") == []


def test_unpublish_archive_and_delete_leave_no_public_hit(store, story):
    with store.session() as uow:
        uow.workflow.unpublish(story.id)
    assert _public_hits(store, "jakarta") == []
    assert _public_hits(store, "jakarta", public=False) == [story.id]
    with store.session() as uow:
        uow.workflow.publish(story.id)
    assert _public_hits(store, "jakarta") == [story.id]
    with store.session() as uow:
        uow.workflow.archive(story.id)
    assert _public_hits(store, "jakarta") == []
    assert _public_hits(store, "jakarta", public=False, status="archived") == [story.id]
    with store.session() as uow:
        uow.articles.delete(story.id)
    assert _public_hits(store, "jakarta", public=False) == []
    with store.engine.connect() as conn:
        documents = store.tables.search_documents
        assert conn.execute(select(documents)).all() == []


def test_corrections_and_restores_reindex(store, story):
    with store.session() as uow:
        corrected = uow.workflow.correct(
            story.id,
            ArticlePatch(expected_version=story.version, summary="Hundreds evacuated."),
            note="Fewer people left than first reported.",
        )
    assert _public_hits(store, "thousands") == []
    assert _public_hits(store, "hundreds") == [story.id]
    with store.session() as uow:
        uow.revisions.restore(story.id, story.version, expected_version=corrected.version)
    assert _public_hits(store, "thousands") == [story.id]
    assert _public_hits(store, "hundreds") == []


def test_a_scheduled_article_is_found_once_due_without_any_job(store, clock):
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Budget speech",
                status=Status.SCHEDULED,
                published_at=T0 + timedelta(hours=2),
            )
        )
    assert _public_hits(store, "budget") == []
    clock.advance(hours=3)
    assert _public_hits(store, "budget") == [article.id]
    store.publish_due()
    assert _public_hits(store, "budget") == [article.id]


def test_an_embargo_hides_the_article_until_it_lifts(store, clock):
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Quarterly results",
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(hours=1),
                embargoed_until=T0 + timedelta(hours=1),
            )
        )
    assert _public_hits(store, "quarterly") == []
    clock.advance(hours=2)
    assert _public_hits(store, "quarterly") == [article.id]


def test_a_transaction_finds_what_it_saved_by_its_stems(store):
    # On MariaDB the unsaved article is matched in Python: with the same stems.
    with store.session() as uow:
        saved = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Parliament voted on the budgets",
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(hours=1),
            )
        )
        for query in ("vote", "budget", '"voting on the budget"', "parliaments"):
            hits = uow.search.search(query)
            assert [hit.article.id for hit in hits.items] == [saved.id], query
        assert uow.search.search("budget -votes").items == ()
    assert _public_hits(store, "votes") == [saved.id]


def test_hits_mark_the_words_of_the_query_words_stems(store, corpus):
    with store.session(readonly=True) as uow:
        (hit,) = uow.search.search("vote count").items
    assert hit.article.id == corpus["en-election"].id
    assert "<mark>Voting</mark> lasts five weeks; <mark>votes</mark> are <mark>counted</mark>" in (
        hit.snippet
    )


def test_postgresql_ranks_a_bounded_set_of_the_newest_matches(store, backend, monkeypatch):
    if backend != "postgresql":
        pytest.skip("only PostgreSQL's ranking reads every matching document")
    from newscms.store.search.postgres import PostgresTextSearch

    monkeypatch.setattr(PostgresTextSearch, "candidate_limit", 6)
    with store.session() as uow:
        made = uow.articles.create_many(
            ArticleDraft(
                locale="en",
                headline=f"Harvest report {n}"
                + " harvest" * (n % 4)
                + (" special" if n in (3, 9, 12, 14) else ""),
                body="<p>grain</p>" if n == 0 else "<p>crops</p>",
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(hours=n),
            )
            for n in range(15)
        )
    newest = {article.id for article in made[:6]}
    with store.session(readonly=True) as uow:
        first = uow.search.search("harvest", limit=4)
        second = uow.search.search("harvest", limit=4, cursor=first.next_cursor)
        # A word in more articles than the bound: the best of its newest six, paged.
        found = [hit.article.id for hit in (*first.items, *second.items)]
        assert set(found) == newest and len(found) == 6
        assert second.next_cursor is None
        scores = [hit.score for hit in (*first.items, *second.items)]
        assert scores == sorted(scores, reverse=True)
        # Under the bound, every match is ranked, as before.
        assert [hit.article.id for hit in uow.search.search("grain").items] == [made[0].id]
        # The bound applies to what the whole query matches: four, older ones included.
        special = {hit.article.id for hit in uow.search.search("harvest special").items}
        assert special == {made[n].id for n in (3, 9, 12, 14)}


def test_articles_of_languages_without_a_stemmer_are_indexed_as_written(store):
    with store.session() as uow:
        chinese = uow.articles.create(
            ArticleDraft(locale="zh", headline="北京 voted", status=Status.PUBLISHED)
        )
    assert _public_hits(store, "voted") == [chinese.id]
    assert _public_hits(store, "北京") == [chinese.id]
    assert _public_hits(store, "vote") == []


def test_a_rolled_back_transaction_leaves_the_index_as_it_was(store, story):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.session() as uow:
        uow.articles.update(
            story.id, ArticlePatch(expected_version=story.version, headline="Volcano erupts")
        )
        uow.articles.create(
            ArticleDraft(locale="en", headline="Volcano ash cloud", status=Status.PUBLISHED)
        )
        raise Boom
    assert _public_hits(store, "volcano") == []
    assert _public_hits(store, "jakarta") == [story.id]


def test_a_transaction_pages_through_what_it_saved(store, story):
    with store.session() as uow:
        made = uow.articles.create_many(
            ArticleDraft(
                locale="en",
                headline=f"Monsoon update {n}" + " monsoon" * (n % 3),
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(minutes=n),
            )
            for n in range(7)
        )
        seen, cursor = [], None
        while True:
            page = uow.search.search("monsoon", limit=3, cursor=cursor)
            seen += [hit.article.id for hit in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(article.id for article in made)
        assert [h.article.id for h in uow.search.search("monsoon", limit=50).items] == seen


def test_a_refused_write_leaves_the_index_as_it_was(store, story):
    from newscms.errors import ConflictError

    with store.session() as uow:
        with pytest.raises(ConflictError):
            uow.articles.update(story.id, ArticlePatch(expected_version=99, headline="Earthquake"))
        assert uow.search.search("earthquake").items == ()
        assert [hit.article.id for hit in uow.search.search("jakarta").items] == [story.id]


def test_inside_a_host_session_no_stale_hit_and_a_rollback_restores(store, story):
    with Session(store.engine) as session:
        uow = store.using(session)
        uow.articles.update(
            story.id, ArticlePatch(expected_version=story.version, headline="Heatwave in Rome")
        )
        # The new words and never the old, before the host commits.
        assert uow.search.search("jakarta").items == ()
        assert [hit.article.id for hit in uow.search.search("heatwave").items] == [story.id]
        session.rollback()
    assert _public_hits(store, "jakarta") == [story.id]
    assert _public_hits(store, "heatwave") == []
    with Session(store.engine) as session:
        uow = store.using(session)
        uow.articles.update(
            story.id, ArticlePatch(expected_version=story.version, headline="Heatwave in Rome")
        )
        session.commit()
    assert _public_hits(store, "heatwave") == [story.id]
    assert _public_hits(store, "jakarta") == []


# -- rebuilding ---------------------------------------------------------------------------


def test_reindex_rebuilds_what_was_lost_and_fixes_renamed_tags(store, corpus):
    korea = corpus["en-missile"].tags[1]
    with store.session() as uow:
        uow.tags.set_name(korea.id, "Korean peninsula", locale="en")
    with store.engine.begin() as conn:
        conn.execute(delete(store.tables.search_documents))
    assert _find(store, corpus, "seoul") == []
    progress: list[tuple[int, int]] = []
    assert reindex(
        store, batch_size=5, progress=lambda done, total: progress.append((done, total))
    ) == len(CORPUS)
    assert progress[-1] == (len(CORPUS), len(CORPUS))
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    for query, filters, expected in CASES:
        if "korea" not in query:
            assert set(_find(store, corpus, query, **filters)) == expected, query
    assert set(_find(store, corpus, "peninsula")) == {"en-reunions", "en-missile"}


def test_reindex_tag_follows_a_rename_in_the_same_transaction(store, corpus):
    korea = corpus["en-missile"].tags[1]
    with store.session() as uow:
        uow.tags.set_name(korea.id, "Korean peninsula", locale="en")
        assert uow.search.reindex_tag(korea.id) == 3  # two public articles and a draft
        hits = uow.search.search("peninsula", public=False).items
        assert {hit.article.id for hit in hits} == {
            corpus[label].id for label in ("en-reunions", "en-missile", "en-draft")
        }


def test_reindex_of_one_locale_leaves_the_others_alone(store, corpus):
    with store.engine.begin() as conn:
        conn.execute(delete(store.tables.search_documents))
    assert reindex(store, locale="it") == 3
    assert set(_find(store, corpus, "tacloban")) == {"it-pope"}
    with store.session() as uow:
        assert uow.search.reindex() == len(CORPUS)
    assert set(_find(store, corpus, "tacloban")) == {"en-pope", "it-pope"}


def test_an_index_older_than_its_articles_asks_for_a_reindex(store, corpus, engine: Engine):
    meta = store.tables.meta
    with engine.begin() as conn:
        conn.execute(meta.insert().values(key=REINDEX_FLAG, value="0003"))
    fresh = Store(engine)  # a new process: nothing known about the index yet
    with fresh.session(readonly=True) as uow, pytest.raises(SchemaError, match="newscms reindex"):
        uow.search.search("seoul")
    reindex(fresh)
    with engine.connect() as conn:
        assert conn.execute(select(meta).where(meta.c.key == REINDEX_FLAG)).first() is None
    with fresh.session(readonly=True) as uow:
        assert len(uow.search.search("seoul").items) == 1


# -- the engine-specific index -------------------------------------------------------------


def _engine_rows(engine: Engine, store: Store) -> int:
    name = index_table_name(store.tables.prefix)
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {name}")).scalar() or 0)


def test_no_engine_row_outlives_its_article(store, engine: Engine):
    # Each test starts from cleaned tables: the index was emptied with them.
    assert _engine_rows(engine, store) == 0
    with store.session() as uow:
        kept = uow.articles.create(
            ArticleDraft(locale="en", headline="Kept", status=Status.PUBLISHED)
        )
        uow.articles.create(ArticleDraft(locale="en", headline="Gone", status=Status.PUBLISHED))
    assert _engine_rows(engine, store) == 2
    # Deleted behind newscms's back: the foreign keys (and on SQLite a trigger) follow.
    with engine.begin() as conn:
        articles = store.tables.articles
        conn.execute(delete(articles).where(articles.c.headline == "Gone"))
    assert _engine_rows(engine, store) == 1
    assert _public_hits(store, "gone") == []
    assert _public_hits(store, "kept") == [kept.id]


def test_the_engine_index_is_what_migration_0003_promises(store, engine: Engine, backend):
    name = index_table_name(store.tables.prefix)
    inspector = inspect(engine)
    assert name in inspector.get_table_names()
    if backend == "sqlite":
        with engine.connect() as conn:
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": name}
            ).scalar()
            trigger = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                {"t": store.tables.search_documents.name},
            ).scalar()
        assert "fts5" in sql and "ascii" in sql
        assert trigger == f"{name}_unindex"
    elif backend == "postgresql":
        columns = {c["name"]: str(c["type"]) for c in inspector.get_columns(name)}
        assert columns == {"article_id": "UUID", "config": "VARCHAR(32)", "vector": "TSVECTOR"}
        (gin,) = inspector.get_indexes(name)
        assert gin["column_names"] == ["vector"]
        assert gin["dialect_options"]["postgresql_using"] == "gin"
    else:
        columns = {c["name"] for c in inspector.get_columns(name)}
        assert columns == {"article_id", "document"}
        assert any(
            ix.get("type") == "FULLTEXT" or "FULLTEXT" in str(ix)
            for ix in inspector.get_indexes(name)
        )
