"""The one write path on every backend: what follows a change always follows it.

Each test here failed before the write path existed (issue #10): a tag rename left the
search index and the events behind, ``publish(at=...)`` resolved no pending target, an
embargoed article was announced as published at creation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newscms.domain import ArticleDraft, ArticlePatch, PendingTarget, RelationDraft, Status
from newscms.domain.workflow import ArticleEvent, EventKind

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the FakeClock's starting moment


def hits(store, query: str) -> list[object]:
    with store.session(readonly=True) as uow:
        return [hit.article.id for hit in uow.search.search(query, public=False).items]


def recorded(store) -> list[ArticleEvent]:
    events: list[ArticleEvent] = []
    store.subscribe(events.append)
    return events


# -- tags reach the articles that show them ----------------------------------------------------


def test_renaming_a_tag_reindexes_announces_and_moves_the_fingerprint(store):
    with store.session() as uow:
        tagged = uow.articles.create(
            ArticleDraft(locale="en", headline="Talks in Seoul", tags=["Hanguk"])
        )
        other = uow.articles.create(ArticleDraft(locale="en", headline="Talks in Tokyo"))
    assert hits(store, "hanguk") == [tagged.id]
    events = recorded(store)
    with store.session() as uow:
        uow.tags.set_name(tagged.tags[0].id, "Daehan", locale="en")
    assert hits(store, "daehan") == [tagged.id]  # no `newscms reindex` needed
    assert hits(store, "hanguk") == []
    assert [(e.kind, e.article_id) for e in events] == [(EventKind.UPDATED, tagged.id)]
    with store.session(readonly=True) as uow:
        renamed = uow.articles.get(tagged.id)
        assert uow.articles.get(other.id).fingerprint == other.fingerprint
    assert renamed.version == tagged.version  # the article's own content did not change
    assert renamed.fingerprint != tagged.fingerprint  # but what readers see did


def test_renaming_a_tag_to_its_own_name_announces_nothing(store):
    with store.session() as uow:
        article = uow.articles.create(ArticleDraft(locale="en", headline="x", tags=["Korea"]))
    events = recorded(store)
    with store.session() as uow:
        uow.tags.set_name(article.tags[0].id, "Korea", locale="en")
    assert events == []


def test_merging_tags_reindexes_and_announces_the_articles_whose_tag_changed(store):
    with store.session() as uow:
        first = uow.articles.create(ArticleDraft(locale="en", headline="A", tags=["Pyongyang"]))
        second = uow.articles.create(ArticleDraft(locale="en", headline="B", tags=["Phenian"]))
    events = recorded(store)
    with store.session() as uow:
        uow.tags.merge(second.tags[0].id, first.tags[0].id)
    assert sorted(hits(store, "pyongyang"), key=str) == sorted([first.id, second.id], key=str)
    assert hits(store, "phenian") == []
    # The target's own articles show the same tag (id, name, slug) as before: unchanged.
    assert {e.article_id for e in events if e.kind is EventKind.UPDATED} == {second.id}


def test_a_rename_rolled_back_leaves_index_and_outbox_as_they_were(store, snapshot):
    with store.session() as uow:
        article = uow.articles.create(ArticleDraft(locale="en", headline="x", tags=["Korea"]))
    before = snapshot()
    with pytest.raises(RuntimeError), store.session() as uow:
        uow.tags.set_name(article.tags[0].id, "Corea", locale="en")
        raise RuntimeError("the host's own work failed")
    assert snapshot() == before


# -- related articles ------------------------------------------------------------------------


def test_editing_an_article_announces_the_articles_that_show_it(store):
    with store.session() as uow:
        target = uow.articles.create(
            ArticleDraft(locale="en", headline="Target", status=Status.PUBLISHED)
        )
        source = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Source",
                status=Status.PUBLISHED,
                relations=[RelationDraft(target_id=target.id)],
            )
        )
    events = recorded(store)
    with store.session() as uow:
        retitled = ArticlePatch(expected_version=1, headline="Target, retitled")
        uow.articles.update(target.id, retitled)
        shown = uow.articles.get(source.id, public=True)
    assert (EventKind.UPDATED, source.id) in [(e.kind, e.article_id) for e in events]
    assert shown.relations[0].target.headline == "Target, retitled"
    assert shown.fingerprint != source.fingerprint
    assert shown.version == source.version


# -- pending targets -----------------------------------------------------------------------------


def test_publishing_at_a_past_time_resolves_pending_targets_that_now_match(store):
    when = datetime(2016, 2, 12, 15, 14, tzinfo=UTC)
    with store.session() as uow:
        source = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Source",
                relations=[
                    RelationDraft(pending=PendingTarget(title="Old story", published_at=when))
                ],
            )
        )
        target = uow.articles.create(ArticleDraft(locale="en", headline="Old story"))
        assert uow.relations.outgoing(source.id)[0].target is None  # a draft has no date
        uow.workflow.publish(target.id, at=when)
        (relation,) = uow.relations.outgoing(source.id)
    assert relation.target is not None
    assert relation.target.id == target.id


# -- embargo and events ------------------------------------------------------------------------


def test_an_embargoed_article_is_announced_once_when_the_embargo_lifts(store, clock):
    lift = T0 + timedelta(hours=3)
    events = recorded(store)
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Embargoed",
                status=Status.PUBLISHED,
                published_at=T0,
                embargoed_until=lift,
            )
        )
    assert [e.kind for e in events] == [EventKind.CREATED]
    assert store.publish_due() == ()  # the embargo holds
    clock.advance(hours=3)
    (lifted,) = store.publish_due()
    assert lifted.id == article.id
    published = [e for e in events if e.kind is EventKind.PUBLISHED]
    assert len(published) == 1
    assert published[0].embargoed_until == lift
    assert store.publish_due() == ()
    with store.session() as uow:
        outbox = [
            row.kind
            for row in uow.connection.execute(
                store.tables.events.select().order_by(store.tables.events.c.id)
            ).all()
            if row.article_id == article.id
        ]
    assert outbox == ["created", "published"]


def test_publishing_an_embargoed_draft_schedules_instead_of_announcing(store, clock):
    events = recorded(store)
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="x", embargoed_until=T0 + timedelta(hours=1))
        )
        uow.workflow.publish(article.id)
    assert [e.kind for e in events] == [EventKind.CREATED, EventKind.SCHEDULED]
    clock.advance(hours=2)
    store.publish_due()
    assert [e.kind for e in events][-1] is EventKind.PUBLISHED
    assert sum(e.kind is EventKind.PUBLISHED for e in events) == 1


def test_an_edit_after_the_embargo_passed_announces_it_and_publish_due_does_not_again(store, clock):
    events = recorded(store)
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="x",
                status=Status.PUBLISHED,
                embargoed_until=T0 + timedelta(hours=1),
            )
        )
    clock.advance(hours=2)
    with store.session() as uow:
        uow.articles.update(article.id, ArticlePatch(expected_version=1, summary="Now public"))
    assert [e.kind for e in events] == [EventKind.CREATED, EventKind.UPDATED, EventKind.PUBLISHED]
    assert store.publish_due() == ()
    assert sum(e.kind is EventKind.PUBLISHED for e in events) == 1


def test_a_scheduled_article_held_by_an_embargo_is_not_announced_when_its_time_comes(store, clock):
    events = recorded(store)
    with store.session() as uow:
        uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="x",
                status=Status.SCHEDULED,
                published_at=T0 + timedelta(hours=1),
                embargoed_until=T0 + timedelta(hours=5),
            )
        )
    clock.advance(hours=2)
    assert store.publish_due() == ()
    clock.advance(hours=4)
    assert len(store.publish_due()) == 1
    assert [e.kind for e in events] == [EventKind.CREATED, EventKind.SCHEDULED, EventKind.PUBLISHED]


# -- the fingerprint -----------------------------------------------------------------------------


def test_the_fingerprint_follows_the_representation_not_the_version(store, clock):
    with store.session() as uow:
        target = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Later",
                status=Status.SCHEDULED,
                published_at=T0 + timedelta(hours=1),
            )
        )
        source = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Now",
                status=Status.PUBLISHED,
                relations=[RelationDraft(target_id=target.id)],
            )
        )
    with store.session(readonly=True) as uow:
        before = uow.articles.get(source.id, public=True)
        assert uow.articles.get(source.id, public=True).fingerprint == before.fingerprint
    assert before.relations == ()  # its target is not public yet
    clock.advance(hours=2)  # the target comes due at read time, with no write at all
    with store.session(readonly=True) as uow:
        after = uow.articles.get(source.id, public=True)
    assert len(after.relations) == 1
    assert after.fingerprint != before.fingerprint
    assert after.version == before.version


# -- units of work fail whole ------------------------------------------------------------------


def test_a_writer_that_lost_to_a_commit_fails_whole_with_a_retryable_error(store, backend):
    """SQLite's form of a lost race: a read transaction whose snapshot went stale.

    (Deadlocks on the server backends are in test_concurrency.py.)
    """
    if backend != "sqlite":
        pytest.skip("the server backends let the late writer wait for the row lock instead")
    from newscms.errors import RetryableError

    with store.session() as uow:
        article = uow.articles.create(ArticleDraft(locale="en", headline="Shared"))
    # A host's transaction begun as a reader (newscms's own write units take the write
    # lock up front, and its read-only units refuse writes).
    with store.engine.connect() as host, host.begin():
        stale = store.using(host)
        stale.articles.get(article.id)  # its snapshot starts here
        with store.session() as other:
            other.articles.update(article.id, ArticlePatch(expected_version=1, summary="theirs"))
        with pytest.raises(RetryableError):
            stale.articles.update(article.id, ArticlePatch(expected_version=1, summary="mine"))
        with pytest.raises(RetryableError):  # nothing more runs in it
            stale.articles.get(article.id)
    with store.session(readonly=True) as uow:
        assert uow.articles.get(article.id).summary == "theirs"


def test_store_run_gives_back_what_the_work_returns(store):
    created = store.run(lambda uow: uow.articles.create(ArticleDraft(locale="en", headline="Run")))
    with store.session(readonly=True) as uow:
        assert uow.articles.get(created.id).headline == "Run"
