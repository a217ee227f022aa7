"""Articles in the store: create, read, update, archive, delete, on every backend."""

# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscms.domain import (
    Article,
    ArticleDraft,
    ArticlePatch,
    Dateline,
    PendingTarget,
    Person,
    RelationDraft,
    SourceRef,
    Status,
)
from newscms.errors import ConflictError, DuplicateError, NotFoundError, WorkflowError
from newscms.utils.slugs import slugify

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the FakeClock's starting moment


def draft(
    headline: str = "Beijing does not want a nuclear North Korea", **fields: object
) -> ArticleDraft:
    return ArticleDraft(locale=fields.pop("locale", "en"), headline=headline, **fields)  # type: ignore[arg-type]


def assert_utc(value: datetime | None) -> None:
    assert value is not None
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)


# -- create -------------------------------------------------------------------------


def test_create_stores_every_field_and_returns_an_article(store, clock):
    with store.session() as uow:
        created = uow.articles.create(
            ArticleDraft(
                locale="EN_us",
                headline='Beijing "does not want" a nuclear North Korea',
                subheadline="China and the peninsula",
                summary="Seoul is worried.",
                body="<p>First <em>paragraph</em>.</p><script>alert(1)</script>",
                byline=[Person(name="Joseph Yun Li-sun"), Person(name="Ed", role="editor")],
                dateline=Dateline(place="Seoul", source="AsiaNews"),
                canonical_url="https://www.asianews.it/news-en/beijing-25009.html",
                source=SourceRef(format="asianews", locator="https://www.asianews.it/25009"),
            )
        )
    assert isinstance(created, Article)
    assert isinstance(created.id, UUID)
    assert created.locale == "en-US"
    assert created.slug == "beijing-does-not-want-a-nuclear-north-korea"
    assert created.headline == 'Beijing "does not want" a nuclear North Korea'
    assert created.subheadline == "China and the peninsula"
    assert created.summary == "Seoul is worried."
    assert created.body == "<p>First <em>paragraph</em>.</p>"
    assert [(p.name, p.role) for p in created.byline] == [
        ("Joseph Yun Li-sun", None),
        ("Ed", "editor"),
    ]
    assert created.dateline == Dateline(place="Seoul", source="AsiaNews")
    assert created.canonical_url == "https://www.asianews.it/news-en/beijing-25009.html"
    assert created.source == SourceRef(format="asianews", locator="https://www.asianews.it/25009")
    assert created.status is Status.DRAFT
    assert created.version == 1
    assert created.created_at == created.updated_at == clock.now
    assert created.published_at is None
    assert created.first_published_at is None
    with store.session() as uow:
        assert uow.articles.get(created.id) == created


@pytest.mark.parametrize(
    ("locale", "headline", "slug"),
    [
        (
            "en",
            "Beijing does not want a nuclear North Korea",
            "beijing-does-not-want-a-nuclear-north-korea",
        ),
        ("it", "Città del Vaticano", "citta-del-vaticano"),
        ("zh", "广东省发生地震", "guang-dong-sheng-fa-sheng-di-zhen"),
        ("ko", "북한 핵실험", "bukhan-haeksilheom"),
        ("ru", "Путин встретился с Си", "putin-vstretilsia-s-si"),
    ],
)
def test_slug_is_derived_from_the_headline_in_its_script(store, locale, headline, slug):
    with store.session() as uow:
        assert uow.articles.create(draft(headline, locale=locale)).slug == slug


def test_same_headline_gets_a_numbered_slug_per_locale(store):
    with store.session() as uow:
        first = uow.articles.create(draft("Floods in Kerala"))
        second = uow.articles.create(draft("Floods in Kerala"))
    with store.session() as uow:
        third = uow.articles.create(draft("Floods in Kerala"))
        italian = uow.articles.create(draft("Floods in Kerala", locale="it"))
        american = uow.articles.create(draft("Floods in Kerala", locale="en-US"))
    assert [first.slug, second.slug, third.slug] == [
        "floods-in-kerala",
        "floods-in-kerala-2",
        "floods-in-kerala-3",
    ]
    assert italian.slug == "floods-in-kerala"
    assert american.slug == "floods-in-kerala"


def test_numbered_slug_skips_numbers_already_taken(store):
    with store.session() as uow:
        uow.articles.create(draft("Floods in Kerala"))
        uow.articles.create(draft("Floods in Kerala", slug="floods-in-kerala-2"))
        uow.articles.create(draft("Floods in Kerala", slug="floods-in-kerala-extra"))
        assert uow.articles.create(draft("Floods in Kerala")).slug == "floods-in-kerala-3"


def test_explicit_slug_is_kept(store):
    with store.session() as uow:
        created = uow.articles.create(draft(slug="Korea-Nuclear"))
    assert created.slug == "korea-nuclear"


def test_explicit_slug_taken_is_a_duplicate_and_writes_nothing(store, snapshot):
    with store.session() as uow:
        uow.articles.create(draft("First story", slug="story"))
    before = snapshot()
    with pytest.raises(DuplicateError, match="story"), store.session() as uow:
        uow.articles.create(draft("Second story", slug="story"))
    assert snapshot() == before


def test_explicit_slug_that_was_another_articles_old_slug_is_a_duplicate(store, snapshot):
    with store.session() as uow:
        old = uow.articles.create(draft("Old headline"))
        uow.articles.update(old.id, ArticlePatch(expected_version=1, headline="New headline"))
    before = snapshot()
    with pytest.raises(DuplicateError), store.session() as uow:
        uow.articles.create(draft("Another", slug="old-headline"))
    assert snapshot() == before
    with store.session() as uow:
        # A derived slug also avoids the old one: it still redirects to the first article.
        assert uow.articles.create(draft("Old headline")).slug == "old-headline-2"


def test_explicit_id_is_kept_and_a_second_one_refused(store, snapshot):
    wanted = uuid4()
    with store.session() as uow:
        assert uow.articles.create(draft(id=wanted)).id == wanted
    before = snapshot()
    with pytest.raises(DuplicateError), store.session() as uow:
        uow.articles.create(draft("Other", id=wanted))
    assert snapshot() == before


# -- timestamps and status ------------------------------------------------------------


def test_published_without_time_is_published_now(store, clock):
    with store.session() as uow:
        article = uow.articles.create(draft(status=Status.PUBLISHED))
    assert article.status is Status.PUBLISHED
    assert article.published_at == article.first_published_at == clock.now
    for value in (article.created_at, article.updated_at, article.published_at):
        assert_utc(value)


def test_times_in_any_zone_are_stored_as_utc(store):
    rome = timezone(timedelta(hours=2))
    with store.session() as uow:
        article = uow.articles.create(
            draft(
                status=Status.PUBLISHED,
                published_at=datetime(2012, 6, 14, 9, 30, tzinfo=rome),
                created_at=datetime(2012, 6, 14, 8, 0, tzinfo=rome),
            )
        )
    with store.session() as uow:
        stored = uow.articles.get(article.id)
    assert stored.published_at == datetime(2012, 6, 14, 7, 30, tzinfo=UTC)
    assert stored.created_at == datetime(2012, 6, 14, 6, 0, tzinfo=UTC)
    assert stored.first_published_at == stored.published_at
    for value in (stored.created_at, stored.updated_at, stored.published_at):
        assert_utc(value)


def test_imported_creation_time_is_kept(store, clock):
    with store.session() as uow:
        article = uow.articles.create(draft(created_at=datetime(2012, 6, 14, tzinfo=UTC)))
    assert article.created_at == datetime(2012, 6, 14, tzinfo=UTC)
    assert article.updated_at == clock.now


def test_microseconds_survive_the_round_trip(store):
    moment = datetime(2026, 1, 1, 8, 30, 15, 123456, tzinfo=UTC)
    with store.session() as uow:
        article = uow.articles.create(draft(status=Status.PUBLISHED, published_at=moment))
    with store.session() as uow:
        assert uow.articles.get(article.id).published_at == moment


def test_scheduled_in_the_past_is_published(store, clock):
    earlier = clock.now - timedelta(minutes=5)
    with store.session() as uow:
        article = uow.articles.create(draft(status=Status.SCHEDULED, published_at=earlier))
    assert article.status is Status.PUBLISHED
    assert article.published_at == article.first_published_at == earlier


def test_scheduled_becomes_visible_when_its_time_comes(store, clock):
    later = clock.now + timedelta(hours=2)
    with store.session() as uow:
        article = uow.articles.create(draft(status=Status.SCHEDULED, published_at=later))
    assert article.status is Status.SCHEDULED
    assert article.first_published_at is None
    with store.session() as uow:
        with pytest.raises(NotFoundError):
            uow.articles.get(article.id, public=True)
        with pytest.raises(NotFoundError):
            uow.articles.get_by_slug("en", article.slug, public=True)
        assert uow.articles.get(article.id).status is Status.SCHEDULED
    clock.advance(hours=2)
    with store.session() as uow:
        seen = uow.articles.get(article.id, public=True)
        assert uow.articles.get_by_slug("en", article.slug, public=True).id == article.id
    assert seen.status is Status.PUBLISHED
    assert seen.first_published_at == later


# -- reads ----------------------------------------------------------------------------


def test_get_by_id_accepts_the_string_form(store):
    with store.session() as uow:
        article = uow.articles.create(draft())
        assert uow.articles.get(str(article.id)).id == article.id


def test_get_unknown_id_is_not_found(store):
    missing = uuid4()
    with store.session() as uow, pytest.raises(NotFoundError) as caught:
        uow.articles.get(missing)
    assert caught.value.kind == "article"
    assert caught.value.key == missing


def test_get_by_slug_normalizes_locale_and_slug(store):
    with store.session() as uow:
        article = uow.articles.create(draft(locale="en-US"))
        found = uow.articles.get_by_slug("EN_us", f"  {article.slug.upper()} ")
        assert found.id == article.id
        with pytest.raises(NotFoundError):
            uow.articles.get_by_slug("en", article.slug)  # another edition


def test_public_reads_hide_drafts_and_archived(store):
    with store.session() as uow:
        draft_article = uow.articles.create(draft("A draft"))
        published = uow.articles.create(draft("Published", status=Status.PUBLISHED))
        archived = uow.articles.create(draft("Archived", status=Status.PUBLISHED))
        uow.workflow.archive(archived.id)
    with store.session() as uow:
        assert uow.articles.get(published.id, public=True).id == published.id
        for hidden in (draft_article, archived):
            with pytest.raises(NotFoundError):
                uow.articles.get(hidden.id, public=True)
            with pytest.raises(NotFoundError):
                uow.articles.get_by_slug("en", hidden.slug, public=True)
            assert uow.articles.get(hidden.id).id == hidden.id  # editors still see it


def test_old_slug_of_a_never_published_article_resolves(store):
    with store.session() as uow:
        article = uow.articles.create(draft("Floods in Kerala"))
        updated = uow.articles.update(
            article.id, ArticlePatch(expected_version=1, headline="Floods in Kerala kill 20")
        )
    assert updated.slug == "floods-in-kerala-kill-20"
    with store.session() as uow:
        old = uow.articles.get_by_slug("en", "floods-in-kerala")
        new = uow.articles.get_by_slug("en", "floods-in-kerala-kill-20")
    assert old.id == new.id == article.id
    assert old.slug == "floods-in-kerala-kill-20"  # the caller redirects to it


def test_published_article_keeps_its_slug_when_the_headline_changes(store):
    with store.session() as uow:
        article = uow.articles.create(draft("Floods in Kerala", status=Status.PUBLISHED))
        updated = uow.articles.update(
            article.id, ArticlePatch(expected_version=1, headline="Floods in Kerala kill 20")
        )
    assert updated.slug == "floods-in-kerala"
    assert updated.headline == "Floods in Kerala kill 20"


def test_regenerate_slug_moves_a_published_article_and_keeps_the_old_slug(store):
    with store.session() as uow:
        article = uow.articles.create(draft("Floods in Kerala", status=Status.PUBLISHED))
        updated = uow.articles.update(
            article.id,
            ArticlePatch(
                expected_version=1, headline="Floods in Kerala kill 20", regenerate_slug=True
            ),
        )
    assert updated.slug == "floods-in-kerala-kill-20"
    with store.session() as uow:
        assert uow.articles.get_by_slug("en", "floods-in-kerala").slug == updated.slug


def test_explicit_new_slug_keeps_the_old_one_resolving(store):
    with store.session() as uow:
        article = uow.articles.create(draft("Floods in Kerala", status=Status.PUBLISHED))
        updated = uow.articles.update(
            article.id, ArticlePatch(expected_version=1, slug="kerala-floods")
        )
    assert updated.slug == "kerala-floods"
    assert updated.version == 2
    with store.session() as uow:
        assert uow.articles.get_by_slug("en", "floods-in-kerala").slug == "kerala-floods"
        assert uow.articles.get_by_slug("en", "kerala-floods").id == article.id


def test_explicit_new_slug_used_by_another_article_is_a_duplicate(store, snapshot):
    with store.session() as uow:
        uow.articles.create(draft("Kerala floods"))
        article = uow.articles.create(draft("Floods in Kerala"))
    before = snapshot()
    with pytest.raises(DuplicateError), store.session() as uow:
        uow.articles.update(article.id, ArticlePatch(expected_version=1, slug="kerala-floods"))
    assert snapshot() == before


def test_a_draft_takes_back_its_own_old_slug(store):
    with store.session() as uow:
        article = uow.articles.create(draft("Floods in Kerala"))
        uow.articles.update(article.id, ArticlePatch(expected_version=1, headline="Kerala"))
        back = uow.articles.update(
            article.id, ArticlePatch(expected_version=2, headline="Floods in Kerala")
        )
    assert back.slug == "floods-in-kerala"


def test_shortened_headline_of_a_draft_gets_the_shorter_slug(store):
    # "top-10" ends like a numbered slug, yet it is not "top" with a counter.
    with store.session() as uow:
        article = uow.articles.create(draft("Top 10"))
        updated = uow.articles.update(article.id, ArticlePatch(expected_version=1, headline="Top"))
    assert updated.slug == "top"


def test_new_headline_with_the_same_slug_keeps_a_numbered_slug(store):
    with store.session() as uow:
        uow.articles.create(draft("Floods in Kerala"))
        article = uow.articles.create(draft("Floods in Kerala"))
        updated = uow.articles.update(
            article.id, ArticlePatch(expected_version=1, headline="Floods in Kerala!")
        )
    assert updated.slug == "floods-in-kerala-2"
    assert updated.version == 2


# -- update ---------------------------------------------------------------------------


def test_update_changes_fields_and_bumps_version(store, clock):
    with store.session() as uow:
        article = uow.articles.create(draft(tags=["Nuclear"], byline=["Joseph Yun Li-sun"]))
    clock.advance(hours=1)
    with store.session() as uow:
        updated = uow.articles.update(
            str(article.id),
            ArticlePatch(
                expected_version=1,
                summary="New summary",
                body="<p>New body</p>",
                byline=[Person(name="Bernardo Cervellera")],
                tags=["Nuclear", "China"],
                dateline=Dateline(place="Rome"),
            ),
        )
    assert updated.version == 2
    assert updated.summary == "New summary"
    assert updated.body == "<p>New body</p>"
    assert [p.name for p in updated.byline] == ["Bernardo Cervellera"]
    assert [t.name for t in updated.tags] == ["Nuclear", "China"]
    assert updated.dateline == Dateline(place="Rome")
    assert updated.updated_at == clock.now
    assert updated.created_at == article.created_at
    with store.session() as uow:
        assert uow.articles.get(article.id) == updated


def test_update_can_clear_optional_fields(store):
    with store.session() as uow:
        article = uow.articles.create(draft(summary="Summary", subheadline="Sub"))
        updated = uow.articles.update(
            article.id, ArticlePatch(expected_version=1, summary=None, subheadline=None)
        )
    assert updated.summary is None
    assert updated.subheadline is None
    assert updated.version == 2


def test_stale_version_is_a_conflict_naming_the_current_version(store, snapshot):
    with store.session() as uow:
        article = uow.articles.create(draft())
        uow.articles.update(article.id, ArticlePatch(expected_version=1, summary="One"))
        uow.articles.update(article.id, ArticlePatch(expected_version=2, summary="Two"))
    before = snapshot()
    with pytest.raises(ConflictError, match="version 3") as caught, store.session() as uow:
        uow.articles.update(
            article.id, ArticlePatch(expected_version=1, headline="Lost", tags=["Lost"])
        )
    assert caught.value.current_version == 3
    assert caught.value.expected_version == 1
    assert snapshot() == before


def test_no_op_patch_writes_nothing_and_keeps_the_version(store, snapshot, clock):
    with store.session() as uow:
        article = uow.articles.create(
            draft(summary="Summary", tags=["Nuclear", "China"], byline=["Joseph Yun Li-sun"])
        )
    before = snapshot()
    clock.advance(hours=1)
    with store.session() as uow:
        same = uow.articles.update(
            article.id,
            ArticlePatch(
                expected_version=1,
                headline=article.headline,
                summary="Summary",
                tags=["Nuclear", "China"],
                byline=["Joseph Yun Li-sun"],
            ),
        )
    assert same == article
    assert snapshot() == before


def test_update_of_unknown_article_is_not_found(store):
    with store.session() as uow, pytest.raises(NotFoundError):
        uow.articles.update(uuid4(), ArticlePatch(expected_version=1, summary="x"))


def test_changing_published_at_moves_the_article_in_listings(store):
    with store.session() as uow:
        first = uow.articles.create(
            draft("First", status=Status.PUBLISHED, published_at=T0 - timedelta(days=2))
        )
        second = uow.articles.create(
            draft("Second", status=Status.PUBLISHED, published_at=T0 - timedelta(days=1))
        )
        assert [a.id for a in uow.articles.list().items] == [second.id, first.id]
        uow.articles.update(first.id, ArticlePatch(expected_version=1, published_at=T0))
        assert [a.id for a in uow.articles.list().items] == [first.id, second.id]


# -- archive and delete -----------------------------------------------------------------


def test_archive_hides_the_article_and_keeps_its_url(store):
    with store.session() as uow:
        article = uow.articles.create(draft(status=Status.PUBLISHED))
        archived = uow.workflow.archive(article.id)
        with pytest.raises(WorkflowError, match="cannot archive an article that is archived"):
            uow.workflow.archive(article.id)
    assert archived.status is Status.ARCHIVED
    assert archived.version == 2
    assert archived.first_published_at == article.first_published_at
    with store.session() as uow:
        assert uow.articles.get_by_slug("en", article.slug).status is Status.ARCHIVED
        assert uow.articles.list(public=True).items == ()


def test_archive_with_stale_version_is_a_conflict(store, snapshot):
    with store.session() as uow:
        article = uow.articles.create(draft(status=Status.PUBLISHED))
        uow.articles.update(article.id, ArticlePatch(expected_version=1, summary="x"))
    before = snapshot()
    with pytest.raises(ConflictError), store.session() as uow:
        uow.workflow.archive(article.id, expected_version=1)
    assert snapshot() == before


def test_delete_removes_the_article_and_everything_it_owns(store):
    with store.session() as uow:
        target = uow.articles.create(draft("Target"))
        article = uow.articles.create(
            draft(
                tags=["Nuclear"],
                byline=["Joseph Yun Li-sun"],
                relations=[RelationDraft(target_id=target.id)],
            )
        )
        uow.articles.update(article.id, ArticlePatch(expected_version=1, headline="Renamed"))
        uow.articles.delete(article.id)
    with store.session() as uow:
        with pytest.raises(NotFoundError):
            uow.articles.get(article.id)
        with pytest.raises(NotFoundError):
            uow.articles.get_by_slug("en", article.slug)
        with pytest.raises(NotFoundError):
            uow.articles.delete(article.id)
        assert uow.relations.incoming(target.id) == ()
        # Its slugs are free again.
        assert uow.articles.create(draft()).slug == article.slug


def test_delete_with_stale_version_is_a_conflict(store, snapshot):
    with store.session() as uow:
        article = uow.articles.create(draft())
        uow.articles.update(article.id, ArticlePatch(expected_version=1, summary="x"))
    before = snapshot()
    with pytest.raises(ConflictError), store.session() as uow:
        uow.articles.delete(article.id, expected_version=1)
    assert snapshot() == before
    with store.session() as uow:
        uow.articles.delete(article.id, expected_version=2)
        with pytest.raises(NotFoundError):
            uow.articles.get(article.id)


def test_deleted_target_makes_relations_pending_until_it_returns(store):
    published_at = T0 - timedelta(days=3)
    with store.session() as uow:
        target = uow.articles.create(
            draft(
                "Pyongyang tests a missile",
                status=Status.PUBLISHED,
                published_at=published_at,
                canonical_url="https://example.org/missile",
            )
        )
        source = uow.articles.create(
            draft("Seoul reacts", relations=[RelationDraft(target_id=target.id)])
        )
        uow.articles.delete(target.id)
    with store.session() as uow:
        (relation,) = uow.articles.get(source.id).relations
        assert relation.is_pending
        assert relation.pending is not None
        assert relation.pending.title == "Pyongyang tests a missile"
        assert uow.relations.count_pending() == 1
        back = uow.articles.create(
            draft(
                "Pyongyang tests a missile",
                status=Status.PUBLISHED,
                published_at=published_at,
                canonical_url="https://example.org/missile",
            )
        )
    with store.session() as uow:
        (relation,) = uow.articles.get(source.id).relations
        assert relation.target is not None
        assert relation.target.id == back.id
        assert uow.relations.count_pending() == 0


# -- sources and batches ---------------------------------------------------------------


def test_find_by_source(store):
    source = SourceRef(format="asianews", locator="https://www.asianews.it/25009")
    with store.session() as uow:
        assert uow.articles.find_by_source(source) is None
        article = uow.articles.create(draft(source=source))
        uow.articles.create(draft("Other", source=SourceRef(format="asianews", locator="x")))
        found = uow.articles.find_by_source(
            SourceRef(format="asianews", locator=" https://www.asianews.it/25009 ")
        )
        assert found is not None
        assert found.id == article.id
        assert uow.articles.find_by_source(SourceRef(format="html", locator=source.locator)) is None


def test_the_same_source_twice_is_a_duplicate(store, snapshot):
    source = SourceRef(format="asianews", locator="https://www.asianews.it/25009")
    with store.session() as uow:
        uow.articles.create(draft(source=source))
    before = snapshot()
    with pytest.raises(DuplicateError, match="update it"), store.session() as uow:
        uow.articles.create(draft("Other headline", source=source))
    assert snapshot() == before


def test_create_many_returns_articles_in_order(store):
    with store.session() as uow:
        created = uow.articles.create_many(
            draft("Floods in Kerala", tags=["Floods"]) for _ in range(3)
        )
    assert [a.slug for a in created] == [
        "floods-in-kerala",
        "floods-in-kerala-2",
        "floods-in-kerala-3",
    ]
    assert len({a.tags[0].id for a in created}) == 1
    with store.session() as uow:
        assert uow.articles.create_many([]) == []


def test_create_many_is_all_or_nothing(store, snapshot):
    with store.session() as uow:
        uow.articles.create(draft("Taken", slug="taken"))
    before = snapshot()
    with pytest.raises(DuplicateError), store.session() as uow:
        uow.articles.create_many(
            [
                draft("Fine one", tags=["New tag"]),
                draft("Fine two", relations=[RelationDraft(pending=PendingTarget(title="X"))]),
                draft("Clash", slug="taken"),
            ]
        )
    assert snapshot() == before


def test_a_refused_create_leaves_the_rest_of_the_transaction(store):
    with store.session() as uow:
        kept = uow.articles.create(draft("Kept", tags=["Kept tag"]))
        with pytest.raises(DuplicateError):
            uow.articles.create(draft("Refused", slug=kept.slug, tags=["Refused tag"]))
        # The tag cache must not remember the rolled-back tag.
        again = uow.articles.create(draft("Again", tags=["Refused tag"]))
    with store.session() as uow:
        assert uow.articles.get(kept.id).slug == kept.slug
        assert uow.articles.get(again.id).tags[0].name == "Refused tag"
        assert len(uow.tags.list()) == 2


def test_body_is_sanitized_on_update_too(store):
    with store.session() as uow:
        article = uow.articles.create(draft())
        updated = uow.articles.update(
            article.id,
            ArticlePatch(
                expected_version=1,
                body='<p onclick="x()">Hi <a href="javascript:alert(1)">there</a></p>'
                "<iframe src='https://evil'></iframe>",
            ),
        )
    assert "onclick" not in updated.body
    assert "javascript" not in updated.body
    assert "iframe" not in updated.body
    assert re.search(r"<p>Hi <a[^>]*>there</a></p>", updated.body)


# -- a model of slugs and versions -------------------------------------------------------

MODEL_HEADLINES = ("Floods in Kerala", "Floods in Kerala!", "Top 10", "Top", "Kerala", "广东 地震")


@dataclass
class Modelled:
    """What the store must hold for one article."""

    version: int
    headline: str
    published: bool
    slug: str
    history: set[str] = field(default_factory=set)


def expected_slug(base: str, others: list[Modelled]) -> str:
    taken = set().union(*(other.history for other in others))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


operations = st.lists(
    st.tuples(
        st.sampled_from(["create", "publish", "headline", "stale"]),
        st.integers(0, 30),
        st.sampled_from(MODEL_HEADLINES),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=operations)
def test_creates_and_updates_follow_the_model(store, reset, ops):
    reset()
    model: dict[UUID, Modelled] = {}
    with store.session() as uow:
        for action, pick, headline in ops:
            base = slugify(headline, locale="en")
            if action in ("create", "publish") or not model:
                status = Status.PUBLISHED if action == "publish" else Status.DRAFT
                slug = expected_slug(base, list(model.values()))
                article = uow.articles.create(draft(headline, status=status))
                assert article.slug == slug
                model[article.id] = Modelled(1, headline, action == "publish", slug, {slug})
                continue
            article_id = list(model)[pick % len(model)]
            entry = model[article_id]
            if action == "stale":
                stale = [v for v in (entry.version - 1, entry.version + 1 + pick % 3) if v >= 1]
                with pytest.raises(ConflictError):
                    uow.articles.update(
                        article_id,
                        ArticlePatch(expected_version=stale[pick % len(stale)], headline=headline),
                    )
                continue
            updated = uow.articles.update(
                article_id, ArticlePatch(expected_version=entry.version, headline=headline)
            )
            if headline != entry.headline:
                entry.version += 1
                old_base = slugify(entry.headline, locale="en")
                keeps = entry.slug == base or (
                    re.fullmatch(rf"{re.escape(base)}-\d+", entry.slug) and old_base == base
                )
                if not entry.published and not keeps:
                    others = [m for i, m in model.items() if i != article_id]
                    entry.slug = expected_slug(base, others)
                    entry.history.add(entry.slug)
                entry.headline = headline
            assert (updated.version, updated.slug) == (entry.version, entry.slug)
    with store.session() as uow:
        for article_id, entry in model.items():
            stored = uow.articles.get(article_id)
            assert (stored.version, stored.headline, stored.slug) == (
                entry.version,
                entry.headline,
                entry.slug,
            )
            for slug in entry.history:
                assert uow.articles.get_by_slug("en", slug).id == article_id
