"""Events on every backend: after commit only, reported failures, a durable outbox."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.orm import Session

from newscms.domain import ArticleDraft, ArticlePatch, Status
from newscms.domain.workflow import ArticleEvent, EventKind
from newscms.errors import DuplicateError, ValidationError

pytestmark = pytest.mark.backends


def draft(headline: str = "Typhoon hits the Philippines", **fields: object) -> ArticleDraft:
    return ArticleDraft(locale="en", headline=headline, **fields)  # type: ignore[arg-type]


def test_handlers_run_after_commit_with_id_locale_slug_old_slug_and_status(store):
    seen: list[ArticleEvent] = []
    store.subscribe(seen.append)
    with store.session() as uow:
        article = uow.articles.create(draft(status=Status.PUBLISHED))
        uow.articles.update(
            article.id,
            ArticlePatch(expected_version=1, headline="Typhoon Haiyan", regenerate_slug=True),
        )
        assert seen == []  # nothing before the commit
        uow.workflow.unpublish(article.id)
        uow.articles.delete(article.id)
    assert [e.kind for e in seen] == [
        EventKind.CREATED,
        EventKind.PUBLISHED,
        EventKind.UPDATED,
        EventKind.SLUG_CHANGED,
        EventKind.UNPUBLISHED,
        EventKind.DELETED,
    ]
    moved = seen[3]
    assert (moved.old_slug, moved.slug) == ("typhoon-hits-the-philippines", "typhoon-haiyan")
    assert moved.locale == "en" and moved.article_id == article.id
    assert seen[4].status is Status.DRAFT
    assert [e.version for e in seen] == [1, 1, 2, 2, 3, 3]


def test_no_event_for_a_rolled_back_transaction_or_a_refused_write(store):
    seen: list[ArticleEvent] = []
    store.subscribe(seen.append)
    with pytest.raises(RuntimeError), store.session() as uow:
        uow.articles.create(draft())
        raise RuntimeError("the host gave up")
    with store.session() as uow:
        kept = uow.articles.create(draft("Kept"))
        with pytest.raises(DuplicateError):
            uow.articles.create(draft("Refused", slug=kept.slug))
    assert [(e.kind, e.article_id) for e in seen] == [(EventKind.CREATED, kept.id)]
    delivered: list[ArticleEvent] = []  # the outbox holds only the committed event too
    store.drain_events(delivered.append)
    assert [(e.kind, e.article_id) for e in delivered] == [(EventKind.CREATED, kept.id)]


def test_a_failing_handler_is_reported_and_corrupts_nothing(store, caplog):
    seen: list[ArticleEvent] = []

    def broken(event: ArticleEvent) -> None:
        raise ValueError("webhook down")

    store.subscribe(broken)
    store.subscribe(seen.append, kinds=[EventKind.CREATED])
    with caplog.at_level(logging.ERROR, logger="newscms.events"), store.session() as uow:
        article = uow.articles.create(draft())
    assert [e.kind for e in seen] == [EventKind.CREATED]
    assert store.event_bus.failures == 1
    assert "webhook down" in caplog.text
    with store.session(readonly=True) as uow:
        assert uow.articles.get(article.id).headline == "Typhoon hits the Philippines"


def test_subscribe_checks_its_arguments(store):
    with pytest.raises(ValidationError, match="handler"):
        store.subscribe("not callable")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="kinds"):
        store.subscribe(print, kinds=["exploded"])


def test_host_session_events_fire_after_the_host_commits_and_never_after_rollback(store):
    seen: list[ArticleEvent] = []
    store.subscribe(seen.append)
    with Session(store.engine) as session:
        uow = store.using(session, actor="host")
        uow.articles.create(draft("Rolled back"))
        session.rollback()
    assert seen == []
    with Session(store.engine) as session:
        uow = store.using(session, actor="host")
        article = uow.articles.create(draft("Committed"))
        assert seen == []
        session.commit()
    assert [(e.kind, e.article_id) for e in seen] == [(EventKind.CREATED, article.id)]


def test_outbox_delivers_at_least_once_in_order_and_resumes_after_a_failure(store):
    with store.session() as uow:
        first = uow.articles.create(draft("First"))
        second = uow.articles.create(draft("Second"))
        uow.articles.update(first.id, ArticlePatch(expected_version=1, summary="More"))
    calls: list[tuple[EventKind, object, int | None]] = []

    def flaky(event: ArticleEvent) -> None:
        calls.append((event.kind, event.article_id, event.sequence))
        if len(calls) == 2:
            raise ConnectionError("webhook timed out")

    result = store.drain_events(flaky)
    assert result.delivered == 1 and result.remaining == 2
    assert result.error is not None and "webhook timed out" in result.error
    result = store.drain_events(lambda e: calls.append((e.kind, e.article_id, e.sequence)))
    assert result.delivered == 2 and result.remaining == 0 and result.error is None
    assert [(kind, article) for kind, article, _ in calls] == [
        (EventKind.CREATED, first.id),
        (EventKind.CREATED, second.id),  # failed, then delivered again
        (EventKind.CREATED, second.id),
        (EventKind.UPDATED, first.id),
    ]
    sequences = [seq for _, _, seq in calls]
    assert sequences[1] == sequences[2] and sequences == sorted(sequences)
    assert store.drain_events(lambda e: None).delivered == 0


def test_outbox_is_written_in_the_host_transaction(store):
    with Session(store.engine) as session:
        store.using(session).articles.create(draft("Rolled back with the host"))
        session.rollback()
    delivered: list[ArticleEvent] = []
    assert store.drain_events(delivered.append).delivered == 0
    assert delivered == []
