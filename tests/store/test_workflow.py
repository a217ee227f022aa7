"""The editorial workflow on every backend: transitions, scheduling, embargo, corrections,
previews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newscms.domain import ArticleDraft, ArticlePatch, Status
from newscms.domain.workflow import EventKind
from newscms.errors import (
    ConflictError,
    NotFoundError,
    PreviewTokenError,
    ValidationError,
    WorkflowError,
)

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the FakeClock's starting moment
SECRET = "a preview secret of the host app"


def draft(
    headline: str = "Seoul claims Pyongyang test-fired missiles", **fields: object
) -> ArticleDraft:
    return ArticleDraft(locale="en", headline=headline, **fields)  # type: ignore[arg-type]


def public_ids(store) -> list[object]:
    with store.session(readonly=True) as uow:
        return [a.id for a in uow.articles.list(public=True).items]


# -- the status machine ------------------------------------------------------------------


def test_publish_sets_first_published_once_and_republish_keeps_the_date(store, clock):
    with store.session() as uow:
        article = uow.articles.create(draft())
        published = uow.workflow.publish(article.id)
    assert published.status is Status.PUBLISHED
    assert published.published_at == published.first_published_at == T0
    clock.advance(days=1)
    with store.session() as uow:
        unpublished = uow.workflow.unpublish(article.id)
    assert unpublished.status is Status.DRAFT
    assert unpublished.first_published_at == T0
    assert public_ids(store) == []
    clock.advance(days=1)
    with store.session() as uow:
        again = uow.workflow.publish(article.id, expected_version=unpublished.version)
    assert again.published_at == again.first_published_at == T0  # never moves
    assert again.updated_at == T0 + timedelta(days=2)
    assert public_ids(store) == [article.id]


@pytest.mark.parametrize(
    ("setup", "action", "message"),
    [
        ("draft", "unpublish", "cannot unpublish an article that is draft"),
        ("published", "publish", "cannot publish an article that is published"),
        ("published", "schedule", "cannot schedule an article that is published"),
        ("archived", "publish", "cannot publish an article that is archived"),
        ("archived", "archive", "cannot archive an article that is archived"),
    ],
)
def test_invalid_transitions_are_clear_errors_and_write_nothing(
    store, clock, snapshot, setup, action, message
):
    with store.session() as uow:
        article = uow.articles.create(draft())
        if setup != "draft":
            uow.workflow.publish(article.id)
        if setup == "archived":
            uow.workflow.archive(article.id)
    before = snapshot()
    with pytest.raises(WorkflowError, match=message), store.session() as uow:
        if action == "schedule":
            uow.workflow.schedule(article.id, T0 + timedelta(days=1))
        else:
            getattr(uow.workflow, action)(article.id)
    assert snapshot() == before


def test_stale_version_on_a_transition_is_a_conflict(store):
    with store.session() as uow:
        article = uow.articles.create(draft())
        uow.articles.update(article.id, ArticlePatch(expected_version=1, summary="New"))
    with pytest.raises(ConflictError) as caught, store.session() as uow:
        uow.workflow.publish(article.id, expected_version=1)
    assert caught.value.current_version == 2
    assert caught.value.changed_fields == ("summary",)


# -- scheduling without cron ---------------------------------------------------------------


def test_scheduled_article_appears_when_its_time_passes_without_any_job(store, clock):
    at = T0 + timedelta(hours=2)
    with store.session() as uow:
        article = uow.articles.create(draft())
        scheduled = uow.workflow.schedule(article.id, at)
    assert scheduled.status is Status.SCHEDULED
    with store.session(readonly=True) as uow:
        with pytest.raises(NotFoundError):
            uow.articles.get(article.id, public=True)
        with pytest.raises(NotFoundError):
            uow.articles.get_by_slug("en", article.slug, public=True)
        assert uow.articles.list(public=True).items == ()
    clock.advance(hours=2)
    with store.session(readonly=True) as uow:
        seen = uow.articles.get(article.id, public=True)
        assert seen.status is Status.PUBLISHED
        assert seen.first_published_at == at
        assert [a.id for a in uow.articles.list(public=True).items] == [article.id]


def test_schedule_refuses_a_past_time_and_publish_a_future_one(store):
    with store.session() as uow:
        article = uow.articles.create(draft())
        with pytest.raises(WorkflowError, match="publish the article instead"):
            uow.workflow.schedule(article.id, T0 - timedelta(minutes=1))
        with pytest.raises(WorkflowError, match="schedule the article instead"):
            uow.workflow.publish(article.id, at=T0 + timedelta(minutes=1))
        with pytest.raises(ValidationError, match="timezone-aware"):
            uow.workflow.schedule(article.id, datetime(2030, 1, 1))


def test_publish_due_records_the_transition_once_with_its_event(store, clock):
    seen: list[object] = []
    store.subscribe(seen.append, kinds=["published"])
    with store.session() as uow:
        due = uow.articles.create(draft("Due"))
        later = uow.articles.create(draft("Later"))
        uow.workflow.schedule(due.id, T0 + timedelta(hours=1))
        uow.workflow.schedule(later.id, T0 + timedelta(days=1))
    assert seen == []
    clock.advance(hours=1)
    first = store.publish_due(actor="scheduler")
    second = store.publish_due()
    assert [a.id for a in first] == [due.id]
    assert first[0].status is Status.PUBLISHED
    assert first[0].published_at == first[0].first_published_at == T0 + timedelta(hours=1)
    assert second == ()
    assert [(e.kind, e.article_id) for e in seen] == [(EventKind.PUBLISHED, due.id)]
    with store.session(readonly=True) as uow:
        history = uow.revisions.list(due.id)
        assert [(r.action, r.actor) for r in history][-1] == ("publish", "scheduler")


# -- embargo ---------------------------------------------------------------------------------


def test_embargoed_article_is_hidden_from_the_public_until_it_lifts(store, clock):
    lift = T0 + timedelta(hours=3)
    with store.session() as uow:
        article = uow.articles.create(
            draft(status=Status.PUBLISHED, published_at=T0, embargoed_until=lift, tags=["Nuclear"])
        )
    tag = article.tags[0].id
    with store.session(readonly=True) as uow:
        assert uow.articles.get(article.id).embargoed_until == lift  # editors see it
        with pytest.raises(NotFoundError):
            uow.articles.get(article.id, public=True)
        assert uow.articles.list(public=True, tag=tag).items == ()
    clock.advance(hours=3)
    with store.session(readonly=True) as uow:
        assert uow.articles.get(article.id, public=True).published_at == T0
        assert [a.id for a in uow.articles.list(public=True, tag=tag).items] == [article.id]
    lifted = store.publish_due()
    assert [a.embargoed_until for a in lifted] == [lift]  # the record keeps the embargo
    assert store.publish_due() == ()


def test_extending_an_embargo_hides_the_article_again(store, clock):
    with store.session() as uow:
        article = uow.articles.create(draft(status=Status.PUBLISHED, tags=["Nuclear"]))
        uow.articles.update(
            article.id,
            ArticlePatch(expected_version=1, embargoed_until=T0 + timedelta(days=1)),
        )
    assert public_ids(store) == []
    with store.session(readonly=True) as uow:
        assert uow.articles.list(public=True, tag=article.tags[0].id).items == ()


# -- corrections -------------------------------------------------------------------------------


def test_correction_keeps_the_publication_date_and_logs_the_note(store, clock):
    with store.session() as uow:
        article = uow.articles.create(
            draft(status=Status.PUBLISHED, body="<p>The tests were in 2008.</p>")
        )
    clock.advance(days=2)
    with store.session(actor="desk") as uow:
        corrected = uow.workflow.correct(
            article.id,
            ArticlePatch(expected_version=1, body="<p>The tests were in 2006 and 2009.</p>"),
            note="An earlier version gave the wrong years for the nuclear tests.",
        )
    assert corrected.published_at == article.published_at
    assert corrected.first_published_at == article.first_published_at
    assert corrected.updated_at == T0 + timedelta(days=2)
    (entry,) = corrected.corrections
    assert entry.note == "An earlier version gave the wrong years for the nuclear tests."
    assert entry.fields == ("body",)
    assert entry.created_at == T0 + timedelta(days=2)
    assert entry.version == 2
    with store.session(readonly=True) as uow:
        assert uow.articles.get(article.id, public=True).corrections == (entry,)
        assert uow.revisions.get(article.id, 2).action == "correct"


def test_corrections_need_a_published_article_a_note_and_the_same_date(store, snapshot):
    with store.session() as uow:
        drafted = uow.articles.create(draft("Draft"))
        live = uow.articles.create(draft("Live", status=Status.PUBLISHED))
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(WorkflowError, match="only published articles"):
            uow.workflow.correct(
                drafted.id, ArticlePatch(expected_version=1, summary="x"), note="n"
            )
        with pytest.raises(ValidationError, match="public note"):
            uow.workflow.correct(live.id, ArticlePatch(expected_version=1, summary="x"), note="  ")
        with pytest.raises(ValidationError, match="original publication date"):
            uow.workflow.correct(
                live.id,
                ArticlePatch(expected_version=1, published_at=T0 - timedelta(days=1)),
                note="Moved",
            )
    assert snapshot() == before


# -- previews ----------------------------------------------------------------------------------


def test_preview_token_opens_one_unpublished_article_until_it_expires(store, clock):
    with store.session() as uow:
        secret_story = uow.articles.create(draft("Embargoed scoop"))
        other = uow.articles.create(draft("Another draft"))
        token = uow.workflow.preview_token(secret_story.id, secret=SECRET, ttl=timedelta(hours=1))
    with store.session(readonly=True) as uow:
        shown = uow.workflow.preview(token, secret=SECRET, article_id=secret_story.id)
        assert shown.id == secret_story.id
        assert shown.status is Status.DRAFT
        with pytest.raises(PreviewTokenError, match="another article"):
            uow.workflow.preview(token, secret=SECRET, article_id=other.id)
        with pytest.raises(PreviewTokenError, match="another secret"):
            uow.workflow.preview(token, secret="not the host's secret at all")
        tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        with pytest.raises(PreviewTokenError):
            uow.workflow.preview(tampered, secret=SECRET)
        with pytest.raises(PreviewTokenError):
            uow.workflow.preview("garbage", secret=SECRET)
    clock.advance(hours=1)
    with store.session(readonly=True) as uow, pytest.raises(PreviewTokenError, match="expired"):
        uow.workflow.preview(token, secret=SECRET)


def test_preview_token_arguments_are_checked(store):
    with store.session() as uow:
        article = uow.articles.create(draft())
        with pytest.raises(ValidationError, match="secret"):
            uow.workflow.preview_token(article.id, secret="short")
        with pytest.raises(ValidationError, match="ttl"):
            uow.workflow.preview_token(article.id, secret=SECRET, ttl=timedelta(days=31))
