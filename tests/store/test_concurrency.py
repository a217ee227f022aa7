"""Concurrent writers on the server backends: slugs, tags and versions stay correct."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest

from newscms.domain import ArticleDraft, ArticlePatch, Status, TagInput
from newscms.errors import ConflictError, NotFoundError, RetryableError, WorkflowError
from newscms.store import Store

pytestmark = pytest.mark.backends

T = TypeVar("T")


@pytest.fixture
def server_store(store: Store, backend: str) -> Store:
    """The store, on PostgreSQL and MariaDB only."""
    if backend == "sqlite":
        pytest.skip("SQLite has a single writer: each write transaction waits for the last")
    return store


def race(workers: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``work(i)`` in ``workers`` threads released together; results or errors, in order."""
    barrier = threading.Barrier(workers, timeout=30)

    def run(index: int) -> T | BaseException:
        barrier.wait()
        try:
            return work(index)
        except Exception as exc:  # collected and judged by the test
            return exc

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(workers)))


@pytest.mark.parametrize("workers", [2, 8])
def test_same_headline_at_once_gives_different_slugs(server_store, workers):
    def create(index: int) -> str:
        with server_store.session() as uow:
            return uow.articles.create(
                ArticleDraft(locale="en", headline="Earthquake in Guangdong", tags=["Earthquake"])
            ).slug

    results = race(workers, create)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    expected = {"earthquake-in-guangdong"} | {
        f"earthquake-in-guangdong-{n}" for n in range(2, workers + 1)
    }
    assert set(results) == expected
    with server_store.session() as uow:
        assert len(uow.articles.list(limit=50).items) == workers
        (tag,) = uow.tags.list()
        assert tag.article_count == workers


@pytest.mark.parametrize("workers", [2, 8])
def test_same_tag_at_once_is_one_tag(server_store, workers):
    def get_or_create(index: int) -> object:
        with server_store.session() as uow:
            return uow.tags.get_or_create("North Korea", locale="en", kind="region").id

    results = race(workers, get_or_create)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert len(set(results)) == 1
    with server_store.session() as uow:
        assert [t.id for t in uow.tags.list()] == [results[0]]


def test_new_tags_named_by_articles_at_once_are_shared(server_store):
    def create(index: int) -> list[object]:
        with server_store.session() as uow:
            article = uow.articles.create(
                ArticleDraft(
                    locale="it" if index % 2 else "it-IT",
                    headline=f"Notizia {index}",
                    tags=["Corea", TagInput(kind="region", name="Asia"), f"Solo {index}"],
                )
            )
            return [t.id for t in article.tags[:2]]

    results = race(8, create)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert len({tuple(r) for r in results}) == 1  # type: ignore[arg-type]
    with server_store.session() as uow:
        assert len(uow.tags.list()) == 2 + 8


@pytest.mark.parametrize("workers", [2, 8])
def test_updates_from_the_same_version_one_wins(server_store, workers):
    with server_store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="Draft", status=Status.PUBLISHED, tags=["Start"])
        )

    def update(index: int) -> int:
        with server_store.session() as uow:
            return uow.articles.update(
                article.id,
                ArticlePatch(expected_version=1, summary=f"Edit {index}", tags=[f"Tag {index}"]),
            ).version

    results = race(workers, update)
    wins = [i for i, r in enumerate(results) if r == 2]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(wins) == 1, results
    assert len(conflicts) == workers - 1, results
    assert all(c.current_version == 2 for c in conflicts)
    with server_store.session() as uow:
        stored = uow.articles.get(article.id)
    assert stored.version == 2
    assert stored.summary == f"Edit {wins[0]}"
    assert [t.name for t in stored.tags] == [f"Tag {wins[0]}"]


def test_archive_and_update_from_the_same_version_one_wins(server_store):
    with server_store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="Story", status=Status.PUBLISHED)
        )

    def act(index: int) -> object:
        with server_store.session() as uow:
            if index % 2:
                return uow.workflow.archive(article.id, expected_version=1).version
            return uow.articles.update(
                article.id, ArticlePatch(expected_version=1, summary="x")
            ).version

    results = race(4, act)
    assert results.count(2) == 1, results
    assert sum(isinstance(r, ConflictError) for r in results) == 3, results


def test_n_writers_m_edits_every_successful_save_is_accounted_for(server_store):
    """Editors racing on one article: no save is lost, and the history has each one."""
    writers, edits = 4, 6
    with server_store.session(actor="setup") as uow:
        article = uow.articles.create(ArticleDraft(locale="en", headline="Live blog"))

    def editor(index: int) -> int:
        saved = 0
        for edit in range(edits):
            while True:  # an editor whose save conflicts reloads and tries again
                with server_store.session(readonly=True) as uow:
                    current = uow.articles.get(article.id)
                line = f"<p>writer {index} edit {edit}</p>"
                try:
                    with server_store.session(actor=f"writer-{index}") as uow:
                        uow.articles.update(
                            article.id,
                            ArticlePatch(
                                expected_version=current.version, body=current.body + line
                            ),
                        )
                except ConflictError:
                    continue
                saved += 1
                break
        return saved

    results = race(writers, editor)
    assert results == [edits] * writers, results
    with server_store.session(readonly=True) as uow:
        final = uow.articles.get(article.id)
        history = uow.revisions.list(article.id)
    assert final.version == 1 + writers * edits
    assert [r.version for r in history] == list(range(1, final.version + 1))
    for index in range(writers):
        mine = [r for r in history if r.actor == f"writer-{index}"]
        assert len(mine) == edits
        for edit in range(edits):  # every successful save's text survived in the article
            assert f"writer {index} edit {edit}" in final.body


def test_publish_due_from_several_workers_publishes_each_article_once(server_store, clock):
    from datetime import timedelta

    from newscms.domain.workflow import EventKind

    with server_store.session() as uow:
        ids = set()
        for n in range(12):
            article = uow.articles.create(ArticleDraft(locale="en", headline=f"Due {n}"))
            uow.workflow.schedule(article.id, clock.now + timedelta(minutes=n + 1))
            ids.add(article.id)
    clock.advance(hours=1)
    events: list[object] = []
    server_store.subscribe(events.append, kinds=[EventKind.PUBLISHED])

    results = race(3, lambda _: server_store.publish_due())
    published = [a.id for batch in results for a in batch]  # type: ignore[union-attr]
    assert sorted(published) == sorted(ids)
    assert len(events) == len(ids)
    assert server_store.publish_due() == ()


# -- units of work fail whole (issue #10) ------------------------------------------------------


def _two_articles(store: Store) -> tuple[object, object]:
    with store.session() as uow:
        first = uow.articles.create(ArticleDraft(locale="en", headline="First"))
        second = uow.articles.create(ArticleDraft(locale="en", headline="Second"))
    return first.id, second.id


def test_two_editors_in_opposite_order_one_fails_whole_nothing_of_it_commits(server_store):
    """A deadlock ends the loser's whole transaction: no save of it survives, none is lost."""
    ids = _two_articles(server_store)
    both_hold_one = threading.Barrier(2, timeout=30)

    def editor(index: int) -> str:
        mine, theirs = ids if index == 0 else ids[::-1]
        with server_store.session() as uow:
            uow.articles.update(mine, ArticlePatch(expected_version=1, summary=f"by {index}"))
            both_hold_one.wait()
            uow.articles.update(theirs, ArticlePatch(expected_version=1, summary=f"by {index}"))
            # The loser's unit of work is failed for good, even if the caller goes on.
        return f"by {index}"

    results = race(2, editor)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1, results
    assert isinstance(failures[0], RetryableError), failures
    winner = next(r for r in results if isinstance(r, str))
    with server_store.session(readonly=True) as uow:
        stored = [uow.articles.get(i) for i in ids]
    assert [a.summary for a in stored] == [winner, winner]  # the loser's first save is gone
    assert [a.version for a in stored] == [2, 2]


def test_a_failed_unit_of_work_refuses_more_work_and_never_commits(server_store):
    ids = _two_articles(server_store)
    both_hold_one = threading.Barrier(2, timeout=30)

    def editor(index: int) -> str:
        mine, theirs = ids if index == 0 else ids[::-1]
        with server_store.session() as uow:
            uow.articles.update(mine, ArticlePatch(expected_version=1, summary=f"by {index}"))
            both_hold_one.wait()
            try:
                uow.articles.update(theirs, ArticlePatch(expected_version=1, summary="x"))
            except RetryableError:
                with pytest.raises(RetryableError):  # nothing else runs in it
                    uow.articles.create(ArticleDraft(locale="en", headline="After"))
                return "caught"  # and leaving the block still commits nothing
        return "won"

    results = race(2, editor)
    assert sorted(str(r) for r in results if not isinstance(r, str)) == [
        str(r) for r in results if isinstance(r, RetryableError)
    ]
    assert sum(isinstance(r, RetryableError) for r in results) == 1, results
    with server_store.session(readonly=True) as uow:
        headlines = {a.headline for a in uow.articles.list(limit=10).items}
    assert "After" not in headlines


def test_store_run_retries_the_whole_unit_until_it_commits(server_store, clock):
    from datetime import timedelta

    ids = _two_articles(server_store)
    both_hold_one = threading.Barrier(2, timeout=30)
    attempts = [0, 0]

    def editor(index: int) -> int:
        mine, theirs = ids if index == 0 else ids[::-1]
        at = clock.now + timedelta(hours=index + 1)

        def work(uow) -> int:
            attempts[index] += 1
            uow.workflow.schedule(mine, at)  # no expected version: saves queue on the row
            if attempts[index] == 1:
                both_hold_one.wait()
            uow.workflow.schedule(theirs, at)
            return attempts[index]

        return server_store.run(work, retries=5)

    results = race(2, editor)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(results) == [1, 2]  # one won at once, the other after one retry
    with server_store.session(readonly=True) as uow:
        stored = [uow.articles.get(article_id) for article_id in ids]
    assert [a.version for a in stored] == [3, 3]  # both units' saves, none lost
    assert stored[0].published_at == stored[1].published_at  # the retried unit ran last


def test_an_update_racing_a_delete_is_never_a_database_failure(server_store):
    for round_ in range(10):
        with server_store.session() as uow:
            article = uow.articles.create(
                ArticleDraft(locale="en", headline=f"Doomed {round_}", tags=["Gone"])
            )

        def act(index: int, article_id: object = article.id) -> object:
            with server_store.session() as uow:
                if index:
                    uow.articles.delete(article_id)
                    return "deleted"
                return uow.articles.update(
                    article_id, ArticlePatch(expected_version=1, summary="late edit")
                ).version

        results = race(2, act)
        for result in results:
            assert result in ("deleted", 2) or isinstance(result, NotFoundError | RetryableError), (
                results
            )


@pytest.mark.parametrize("action", ["archive", "unpublish"])
def test_status_changes_without_a_version_queue_on_every_backend(server_store, action):
    """Without ``expected_version`` nobody asked for a conflict: the changes serialise."""
    writers = 6
    with server_store.session() as uow:
        articles = [
            uow.articles.create(
                ArticleDraft(locale="en", headline=f"S{n}", status=Status.PUBLISHED)
            )
            for n in range(writers)
        ]
        target = articles[0].id

    def change(index: int) -> object:
        with server_store.session() as uow:
            if index % 2:
                return uow.workflow.publish(target).version
            return getattr(uow.workflow, action)(target).version

    results = race(writers, change)
    unexpected = [r for r in results if isinstance(r, ConflictError)]
    assert not unexpected, unexpected
    for result in results:  # a refused move is a workflow rule, never a version conflict
        assert isinstance(result, int | WorkflowError), results


def test_sixteen_writers_of_one_headline_all_get_a_slug(server_store, backend):
    """Every writer gets the next free number; none gives up (it did at 4.5-21%).

    On PostgreSQL no unit of work even needs a retry. InnoDB keeps the gap locks of a
    lost duplicate-key check until commit, so writers numbering one slug can deadlock
    there: that is a ``RetryableError``, and ``store.run`` runs the unit again.
    """
    workers = 16
    attempts: list[int] = []

    def create(index: int) -> str:
        def work(uow) -> str:
            attempts.append(index)
            draft = ArticleDraft(locale="en", headline="Typhoon hits Manila", tags=["Typhoon"])
            return uow.articles.create(draft).slug

        return server_store.run(work, retries=20)

    results = race(workers, create)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert set(results) == {"typhoon-hits-manila"} | {
        f"typhoon-hits-manila-{n}" for n in range(2, workers + 1)
    }
    if backend == "postgresql":
        assert len(attempts) == workers
