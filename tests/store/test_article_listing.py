"""Listing articles: filters, keyset pagination newest first, and tamper-checked cursors."""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import Article, ArticleDraft, ArticlePatch, Page, Person, Status, TagInput
from newscms.domain.status import effective_status, listed_at
from newscms.errors import InvalidCursorError, ValidationError
from newscms.store import Store
from newscms.utils.slugs import slugify

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def published(headline: str, at: datetime, **fields: object) -> ArticleDraft:
    return ArticleDraft(
        locale=fields.pop("locale", "en"),  # type: ignore[arg-type]
        headline=headline,
        status=Status.PUBLISHED,
        published_at=at,
        **fields,  # type: ignore[arg-type]
    )


def walk(uow, limit: int, **filters: object) -> list[Article]:
    """Every article of a listing, page by page."""
    items: list[Article] = []
    cursor = None
    for _ in range(1000):
        page = uow.articles.list(limit=limit, cursor=cursor, **filters)
        assert isinstance(page, Page)
        assert len(page.items) <= limit
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        assert len(page.items) == limit
        cursor = page.next_cursor
    raise AssertionError("the listing never ended")


def assert_newest_first(articles: tuple[Article, ...] | list[Article]) -> None:
    """Sort times never increase down a listing (ties are ordered by id, the database's way)."""
    times = [listed_at(a.status, a.published_at, a.created_at) for a in articles]
    assert times == sorted(times, reverse=True)


# -- order and pages ----------------------------------------------------------------------


def test_listing_is_newest_first_with_drafts_by_creation_time(store, clock):
    with store.session() as uow:
        old = uow.articles.create(published("Old", T0 - timedelta(days=3)))
        planned = uow.articles.create(
            ArticleDraft(locale="en", headline="Draft", published_at=T0 + timedelta(days=9))
        )
        new = uow.articles.create(published("New", T0 - timedelta(days=1)))
        page = uow.articles.list()
    # The draft sorts by its creation time (now), not by its planned publication.
    assert [a.id for a in page.items] == [planned.id, new.id, old.id]
    assert page.next_cursor is None


def test_empty_listing(store):
    with store.session() as uow:
        page = uow.articles.list()
    assert page.items == ()
    assert page.next_cursor is None


def test_pages_cover_ties_without_duplicates_or_gaps(store, clock):
    same_moment = T0 - timedelta(hours=5)
    with store.session() as uow:
        uow.articles.create_many(published(f"Tie {n}", same_moment) for n in range(23))
        uow.articles.create_many(
            published(f"Spread {n}", T0 - timedelta(hours=n)) for n in range(1, 11)
        )
        everything = uow.articles.list(limit=200).items
    assert len(everything) == 33
    assert_newest_first(everything)
    for limit in (1, 5, 7, 33, 34):
        with store.session() as uow:
            walked = walk(uow, limit)
        assert [a.id for a in walked] == [a.id for a in everything], limit


def test_exact_multiple_of_the_page_size_ends_with_an_empty_cursor(store):
    with store.session() as uow:
        uow.articles.create_many(published(f"A {n}", T0 - timedelta(hours=n)) for n in range(10))
        first = uow.articles.list(limit=5)
        second = uow.articles.list(limit=5, cursor=first.next_cursor)
    assert first.next_cursor is not None
    assert len(second.items) == 5
    assert second.next_cursor is None


def test_pages_are_stable_when_newer_articles_arrive(store, clock):
    same_moment = T0 - timedelta(days=1)
    with store.session() as uow:
        uow.articles.create_many(published(f"Tie {n}", same_moment) for n in range(12))
        uow.articles.create_many(
            published(f"Older {n}", same_moment - timedelta(hours=n + 1)) for n in range(8)
        )
        expected = [a.id for a in uow.articles.list(limit=200).items]
    seen: list[UUID] = []
    newer: set[UUID] = set()
    cursor = None
    while True:
        with store.session() as uow:
            page = uow.articles.list(limit=6, cursor=cursor)
        seen.extend(a.id for a in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        clock.advance(minutes=1)
        with store.session() as uow:  # news keeps coming while a reader pages back
            newer.add(uow.articles.create(published("Breaking", clock.now)).id)
            uow.articles.create(published("Another tie", same_moment))
    # Every original exactly once and in order; nothing newer than the first page.
    assert [i for i in seen if i in expected] == expected
    assert len(seen) == len(set(seen))
    assert not newer & set(seen)


def test_random_page_sizes_walk_the_same_listing(store):
    with store.session() as uow:
        uow.articles.create_many(
            published(f"Story {n}", T0 - timedelta(hours=n // 4)) for n in range(26)
        )
        expected = [a.id for a in uow.articles.list(limit=200).items]

    @settings(max_examples=25, deadline=None)
    @given(sizes=st.lists(st.integers(1, 9), min_size=1, max_size=30))
    def check(sizes: list[int]) -> None:
        seen: list[UUID] = []
        cursor = None
        with store.session(readonly=True) as uow:
            for n in range(60):
                page = uow.articles.list(limit=sizes[n % len(sizes)], cursor=cursor)
                seen.extend(a.id for a in page.items)
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
        assert seen == expected

    check()


# -- filters -----------------------------------------------------------------------------


def test_filter_by_locale(store):
    with store.session() as uow:
        en = uow.articles.create(published("English", T0))
        us = uow.articles.create(published("American", T0, locale="en-US"))
        it = uow.articles.create(published("Italiano", T0, locale="it"))
        assert [a.id for a in uow.articles.list(locale="en").items] == [en.id]
        assert [a.id for a in uow.articles.list(locale="EN_us").items] == [us.id]
        assert [a.id for a in uow.articles.list(locale="it").items] == [it.id]
        assert uow.articles.list(locale="zh").items == ()


def test_filter_by_status_uses_the_status_readers_see(store, clock):
    with store.session() as uow:
        draft = uow.articles.create(ArticleDraft(locale="en", headline="Draft"))
        live = uow.articles.create(published("Live", T0 - timedelta(hours=1)))
        soon = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Soon",
                status=Status.SCHEDULED,
                published_at=T0 + timedelta(hours=1),
            )
        )
        gone = uow.articles.create(published("Gone", T0 - timedelta(hours=2)))
        uow.workflow.archive(gone.id)

    def ids(**filters: object) -> set[UUID]:
        with store.session() as uow:
            return {a.id for a in uow.articles.list(**filters).items}

    assert ids(status="draft") == {draft.id}
    assert ids(status=Status.PUBLISHED) == {live.id}
    assert ids(status="scheduled") == {soon.id}
    assert ids(status="archived") == {gone.id}
    assert ids(public=True) == {live.id}
    assert ids() == {draft.id, live.id, soon.id, gone.id}
    clock.advance(hours=1)  # the scheduled article is due: no job needed
    assert ids(status="published") == {live.id, soon.id}
    assert ids(status="scheduled") == set()
    assert ids(public=True) == {live.id, soon.id}
    with store.session() as uow:
        listed = {a.id: a for a in uow.articles.list().items}
    assert listed[soon.id].status is Status.PUBLISHED
    # A public listing never shows private statuses, whatever status is asked for.
    assert ids(status="draft", public=True) == set()
    assert ids(status="archived", public=True) == set()


def test_filter_by_tag_and_tag_kind(store):
    with store.session() as uow:
        korea = uow.tags.get_or_create("Korea", locale="en", kind="region")
        both = uow.articles.create(published("Both", T0, tags=[TagInput(id=korea.id), "Nuclear"]))
        region = uow.articles.create(
            published("Region", T0 - timedelta(hours=1), tags=[TagInput(id=korea.id)])
        )
        topic = uow.articles.create(published("Topic", T0 - timedelta(hours=2), tags=["Nuclear"]))
        uow.articles.create(published("None", T0 - timedelta(hours=3)))
        nuclear = uow.tags.get_by_slug("nuclear", locale="en")
        assert [a.id for a in uow.articles.list(tag=korea.id).items] == [both.id, region.id]
        assert [a.id for a in uow.articles.list(tag=str(nuclear.id)).items] == [both.id, topic.id]
        assert [a.id for a in uow.articles.list(tag_kind="region").items] == [both.id, region.id]
        assert [a.id for a in uow.articles.list(tag_kind="topic").items] == [both.id, topic.id]
        assert uow.articles.list(tag_kind="person").items == ()
        # A tag and a kind together: the article carries the tag and some tag of the kind.
        assert [a.id for a in uow.articles.list(tag=nuclear.id, tag_kind="region").items] == [
            both.id
        ]
        assert [a.id for a in uow.articles.list(tag=korea.id, tag_kind="topic").items] == [both.id]


def test_tag_listing_follows_later_changes_of_the_article(store, clock):
    with store.session() as uow:
        first = uow.articles.create(published("First", T0 - timedelta(days=2), tags=["Korea"]))
        second = uow.articles.create(published("Second", T0 - timedelta(days=1), tags=["Korea"]))
        korea = uow.tags.get_by_slug("korea", locale="en")
        uow.articles.update(first.id, ArticlePatch(expected_version=1, published_at=T0))
        assert [a.id for a in uow.articles.list(tag=korea.id).items] == [first.id, second.id]
        uow.workflow.archive(first.id)
        assert [a.id for a in uow.articles.list(tag=korea.id, public=True).items] == [second.id]
        assert [a.id for a in uow.articles.list(tag=korea.id, status="archived").items] == [
            first.id
        ]


def test_filter_by_byline_person(store):
    with store.session() as uow:
        joseph = uow.articles.create(
            published("One", T0, byline=[Person(name="Joseph Yun Li-sun"), "Ed"])
        )
        uow.articles.create(published("Two", T0, byline=["Bernardo Cervellera"]))
        found = uow.articles.list(person="joseph yun li-sun").items
        assert [a.id for a in found] == [joseph.id]
        assert [a.id for a in uow.articles.list(person="Ed").items] == [joseph.id]
        assert uow.articles.list(person="Joseph").items == ()


def test_filter_by_published_range(store):
    with store.session() as uow:
        articles = uow.articles.create_many(
            published(f"Day {n}", T0 - timedelta(days=n)) for n in range(5)
        )
        uow.articles.create(ArticleDraft(locale="en", headline="Never published"))
        window = uow.articles.list(
            published_after=T0 - timedelta(days=3), published_before=T0 - timedelta(days=1)
        ).items
        after = uow.articles.list(published_after=T0 - timedelta(days=1)).items
        before = uow.articles.list(published_before=T0 - timedelta(days=3)).items
    # The range includes its start and excludes its end.
    assert [a.headline for a in window] == ["Day 2", "Day 3"]
    assert [a.headline for a in after] == ["Day 0", "Day 1"]
    assert [a.headline for a in before] == ["Day 4"]
    assert len(articles) == 5


def test_filters_combine(store):
    with store.session() as uow:
        match = uow.articles.create(
            published("Match", T0 - timedelta(hours=1), locale="it", tags=["Corea"], byline=["Ed"])
        )
        uow.articles.create(
            published("Other locale", T0 - timedelta(hours=1), tags=["Corea"], byline=["Ed"])
        )
        uow.articles.create(
            published("No tag", T0 - timedelta(hours=1), locale="it", byline=["Ed"])
        )
        uow.articles.create(
            published("Other author", T0 - timedelta(hours=1), locale="it", tags=["Corea"])
        )
        uow.articles.create(
            published("Too old", T0 - timedelta(days=9), locale="it", tags=["Corea"], byline=["Ed"])
        )
        corea = uow.tags.get_by_slug("corea", locale="it")
        found = uow.articles.list(
            locale="it",
            tag=corea.id,
            tag_kind="topic",
            person="Ed",
            public=True,
            status="published",
            published_after=T0 - timedelta(days=1),
            published_before=T0,
        ).items
    assert [a.id for a in found] == [match.id]


@dataclass(frozen=True)
class Filters:
    """One combination of listing filters, and the model answer for it."""

    values: dict[str, object]

    def matches(self, article: Article, now: datetime) -> bool:
        v = self.values
        status = effective_status(article.status, article.published_at, now)
        at = article.published_at
        checks = {
            "locale": lambda wanted: article.locale == wanted,
            "status": lambda wanted: status.value == wanted,
            "public": lambda wanted: not wanted or status is Status.PUBLISHED,
            "tag": lambda wanted: wanted in {t.id for t in article.tags},
            "tag_kind": lambda wanted: wanted in {t.kind for t in article.tags},
            "person": lambda wanted: slugify(wanted) in {slugify(p.name) for p in article.byline},
            "published_after": lambda wanted: at is not None and at >= wanted,
            "published_before": lambda wanted: at is not None and at < wanted,
        }
        return all(checks[name](wanted) for name, wanted in v.items())


def test_every_filter_combination_matches_a_model(store: Store, clock):
    rng = random.Random(2012)
    people = ["Joseph Yun Li-sun", "Bernardo Cervellera", "Ed"]
    with store.session() as uow:
        tags = [
            uow.tags.get_or_create("Korea", locale="en", kind="region"),
            uow.tags.get_or_create("China", locale="en", kind="region"),
            uow.tags.get_or_create("Nuclear", locale="en"),
            uow.tags.get_or_create("Vatican", locale="en", kind="organization"),
        ]
        for n in range(40):
            status = rng.choice(list(Status))
            at = T0 + timedelta(hours=rng.randint(-40, 6) // 2)
            draft = ArticleDraft(
                locale=rng.choice(["en", "it", "en-US"]),
                headline=f"Story {n}",
                status=Status.PUBLISHED if status is Status.ARCHIVED else status,
                published_at=at if status is not Status.DRAFT or rng.random() < 0.3 else None,
                tags=[TagInput(id=t.id) for t in rng.sample(tags, rng.randint(0, 3))],
                byline=rng.sample(people, rng.randint(0, 2)),
            )
            article = uow.articles.create(draft)
            if status is Status.ARCHIVED:
                uow.workflow.archive(article.id)
    clock.advance(hours=1)  # some scheduled articles are now due
    with store.session() as uow:
        everything = list(uow.articles.list(limit=200).items)
    assert len(everything) == 40
    assert_newest_first(everything)
    now = clock.now

    filters = st.fixed_dictionaries(
        {},
        optional={
            "locale": st.sampled_from(["en", "it", "en-US"]),
            "status": st.sampled_from([s.value for s in Status]),
            "public": st.booleans(),
            "tag": st.sampled_from([t.id for t in tags]),
            "tag_kind": st.sampled_from(["region", "topic", "organization", "person"]),
            "person": st.sampled_from(people),
            "published_after": st.integers(-20, 3).map(lambda h: T0 + timedelta(hours=h)),
            "published_before": st.integers(-20, 3).map(lambda h: T0 + timedelta(hours=h)),
        },
    )

    @settings(max_examples=25, deadline=None)
    @given(values=filters, limit=st.integers(3, 15))
    def check(values: dict[str, object], limit: int) -> None:
        model = Filters(values)
        expected = [a for a in everything if model.matches(a, now)]
        with store.session(readonly=True) as uow:
            got = walk(uow, limit, **values)
        assert [a.id for a in got] == [a.id for a in expected]

    check()


# -- cursors -------------------------------------------------------------------------------


@pytest.fixture
def paged(store):
    with store.session() as uow:
        uow.articles.create_many(published(f"A {n}", T0 - timedelta(hours=n)) for n in range(6))
        page = uow.articles.list(limit=2, locale="en")
    assert page.next_cursor is not None
    return page.next_cursor


def _edit_payload(cursor: str, change) -> str:  # type: ignore[no-untyped-def]
    body, _, signature = cursor.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    change(payload)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + signature


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda c: c[:-3], id="truncated"),
        pytest.param(lambda c: c[: len(c) // 2], id="half"),
        pytest.param(lambda c: c.split(".")[0], id="no-signature"),
        pytest.param(lambda c: "garbage", id="garbage"),
        pytest.param(lambda c: "!!!.???", id="not-base64"),
        pytest.param(lambda c: "", id="empty"),
        pytest.param(lambda c: c + "A" * 3000, id="huge"),
        pytest.param(lambda c: ("B" if c[0] != "B" else "C") + c[1:], id="edited-first-char"),
        pytest.param(
            lambda c: _edit_payload(
                c, lambda p: p["k"].__setitem__(0, "2030-01-01T00:00:00+00:00")
            ),
            id="edited-position",
        ),
        pytest.param(lambda c: _edit_payload(c, lambda p: p.update(s="0" * 16)), id="edited-scope"),
    ],
)
def test_forged_cursor_is_refused(store, paged, forge):
    with store.session() as uow, pytest.raises(InvalidCursorError) as caught:
        uow.articles.list(limit=2, locale="en", cursor=forge(paged))
    assert caught.value.field == "cursor"


@pytest.mark.parametrize(
    "other",
    [
        {"locale": "it"},
        {},
        {"locale": "en", "public": True},
        {"locale": "en", "status": "published"},
        {"locale": "en", "tag_kind": "topic"},
        {"locale": "en", "published_after": T0 - timedelta(days=1)},
    ],
)
def test_cursor_of_other_filters_is_refused(store, paged, other):
    with store.session() as uow, pytest.raises(InvalidCursorError, match="same filters"):
        uow.articles.list(limit=2, cursor=paged, **other)


def test_cursor_survives_a_new_page_size_and_a_new_session(store, paged):
    with store.session() as uow:
        rest = uow.articles.list(limit=10, locale="en", cursor=paged).items
    assert [a.headline for a in rest] == ["A 2", "A 3", "A 4", "A 5"]


def test_cursor_signed_by_another_site_is_refused(store, engine, paged, clock):
    other = Store(engine, clock=clock, cursor_secret="another site's secret key")
    with other.session() as uow, pytest.raises(InvalidCursorError, match="altered"):
        uow.articles.list(limit=2, locale="en", cursor=paged)
    with store.session() as uow:  # and the store's own workers all accept it
        assert len(uow.articles.list(limit=2, locale="en", cursor=paged).items) == 2


def test_cursor_of_the_right_key_but_wrong_shape_is_refused(store, paged):
    codec = store.cursors
    scope = json.loads(base64.urlsafe_b64decode(paged.split(".")[0] + "=="))["s"]
    for key in (["not a date", "0" * 32], ["2026-01-15T12:00:00+00:00"], [1, 2], []):
        with store.session() as uow, pytest.raises(InvalidCursorError):
            uow.articles.list(limit=2, locale="en", cursor=codec.encode(key, scope))


@pytest.mark.parametrize("limit", [0, -1, 201, 10**9, "5", 2.0, True, None])
def test_limit_out_of_bounds_is_refused(store, limit):
    with store.session() as uow, pytest.raises(ValidationError) as caught:
        uow.articles.list(limit=limit)
    assert caught.value.field == "limit"


@pytest.mark.parametrize("limit", [1, 200])
def test_limit_bounds_are_accepted(store, limit):
    with store.session() as uow:
        uow.articles.create_many(published(f"A {n}", T0 - timedelta(hours=n)) for n in range(3))
        assert len(uow.articles.list(limit=limit).items) == min(limit, 3)


def test_pages_resume_after_an_embargoed_article(store, clock):
    # An embargoed article is listed when its embargo lifts, not when it was published;
    # the cursor of a page it ends must resume from there, lifted or not.
    with store.session() as uow:
        uow.articles.create_many(
            [
                published("Newest", T0 - timedelta(hours=1)),
                published(
                    "Under embargo",
                    T0 - timedelta(hours=9),
                    embargoed_until=T0 - timedelta(hours=2),
                ),
                published("Oldest", T0 - timedelta(hours=5)),
            ]
        )
    clock.now = T0 - timedelta(hours=3)  # the embargo still holds: only editors see it
    with store.session(readonly=True) as uow:
        everything = [a.headline for a in uow.articles.list(limit=10).items]
        assert [a.headline for a in walk(uow, 1)] == everything
    clock.now = T0  # lifted
    with store.session(readonly=True) as uow:
        assert [a.headline for a in walk(uow, 1, public=True)] == [
            "Newest",
            "Under embargo",
            "Oldest",
        ]
