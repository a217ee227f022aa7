"""Revision history on every backend: every save recorded, diffed, restored, compact."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from newscms.domain import ArticleDraft, ArticlePatch, Status
from newscms.errors import ConflictError, NotFoundError

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_every_save_stores_a_revision_with_who_when_and_what(store, clock):
    with store.session(actor="alice") as uow:
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="First headline", body="<p>One.</p>", tags=["Korea"])
        )
    clock.advance(minutes=5)
    with store.session(actor="bob") as uow:
        uow.articles.update(
            article.id,
            ArticlePatch(
                expected_version=1, headline="Second headline", summary="Now with a summary"
            ),
        )
        uow.workflow.publish(article.id)
    with store.session(readonly=True) as uow:
        history = uow.revisions.list(article.id)
    assert [(r.version, r.actor, r.action) for r in history] == [
        (1, "alice", "create"),
        (2, "bob", "update"),
        (3, "bob", "publish"),
    ]
    assert history[0].created_at == T0
    assert history[1].created_at == T0.replace(minute=5)
    assert "headline" in history[0].changed_fields and "tags" in history[0].changed_fields
    assert history[1].changed_fields == ("headline", "slug", "summary")
    assert history[2].changed_fields == ("published_at", "status")
    assert history[1].snapshot["headline"] == "Second headline"
    assert history[1].snapshot["tags"][0]["name"] == "Korea"
    assert history[2].snapshot["status"] == Status.PUBLISHED.value


def test_diff_is_field_by_field_with_a_readable_body_diff(store):
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Floods",
                body="<p>The river rose.</p><p>Schools closed.</p>",
            )
        )
        uow.articles.update(
            article.id,
            ArticlePatch(
                expected_version=1,
                body="<p>The river rose by two metres.</p><p>Schools closed.</p>",
                byline=["Maria Rossi"],
            ),
        )
        diff = uow.revisions.diff(article.id, 1, 2)
    fields = {change.field: change for change in diff.changes}
    assert set(fields) == {"body", "byline"}
    maria = fields["byline"].after[0]
    assert fields["byline"].before == [] and fields["byline"].after == [
        {"name": "Maria Rossi", "role": None, "id": maria["id"], "slug": "maria-rossi"}
    ]
    body = fields["body"].text_diff
    assert body is not None
    assert "-The river rose.\n" in body and "+The river rose by two metres.\n" in body
    assert "Schools closed." not in body.replace(" Schools closed.", "")  # unchanged context


def test_restore_brings_old_content_back_as_a_new_revision(store):
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="Original", summary="First", tags=["A", "B"])
        )
        uow.articles.update(
            article.id,
            ArticlePatch(expected_version=1, headline="Rewritten", summary=None, tags=["C"]),
        )
        restored = uow.revisions.restore(article.id, 1, expected_version=2)
        history = uow.revisions.list(article.id)
    assert restored.version == 3
    assert restored.headline == "Original"
    assert restored.summary == "First"
    assert [t.name for t in restored.tags] == ["A", "B"]
    assert [r.action for r in history] == ["create", "update", "restore"]
    assert history[2].snapshot["headline"] == "Original"


def test_restore_with_a_stale_version_conflicts_and_unknown_revisions_are_not_found(
    store, snapshot
):
    with store.session() as uow:
        article = uow.articles.create(ArticleDraft(locale="en", headline="Original"))
        uow.articles.update(article.id, ArticlePatch(expected_version=1, headline="New"))
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(ConflictError):
            uow.revisions.restore(article.id, 1, expected_version=1)
        with pytest.raises(NotFoundError):
            uow.revisions.get(article.id, 9)
        with pytest.raises(NotFoundError):
            uow.revisions.diff(article.id, 1, 9)
    assert snapshot() == before


def test_conflict_names_what_changed_since_the_editors_version(store):
    with store.session() as uow:
        article = uow.articles.create(ArticleDraft(locale="en", headline="Original"))
        uow.articles.update(article.id, ArticlePatch(expected_version=1, summary="Added"))
        uow.articles.update(article.id, ArticlePatch(expected_version=2, body="<p>Body</p>"))
    with pytest.raises(ConflictError) as caught, store.session() as uow:
        uow.articles.update(article.id, ArticlePatch(expected_version=1, headline="Mine"))
    assert caught.value.current_version == 3
    assert caught.value.changed_fields == ("summary", "body")
    assert "summary, body changed" in str(caught.value)


def test_a_hundred_revisions_of_a_10_kb_article_stay_small(store):
    rng = random.Random(7)
    words = [
        "government", "ministry", "north", "korea", "china", "missile", "talks", "source",
        "report", "security", "council", "resolution", "peninsula", "nuclear", "shipment",
    ]  # fmt: skip
    paragraphs = [" ".join(rng.choice(words) for _ in range(60)) + "." for _ in range(22)]
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Revisions",
                body="".join(f"<p>{p}</p>" for p in paragraphs),
            )
        )
        assert len(article.body) >= 10_000
        version = 1
        for edit in range(99):  # a sub-editor's small changes, one word at a time
            index = rng.randrange(len(paragraphs))
            tokens = paragraphs[index].split(" ")
            tokens[rng.randrange(len(tokens) - 1)] = f"edit{edit}"
            paragraphs[index] = " ".join(tokens)
            updated = uow.articles.update(
                article.id,
                ArticlePatch(
                    expected_version=version, body="".join(f"<p>{p}</p>" for p in paragraphs)
                ),
            )
            version = updated.version
        revisions = store.tables.revisions
        stored = uow.connection.scalar(
            select(func.sum(func.length(revisions.c.snapshot))).where(
                revisions.c.article_id == article.id
            )
        )
        count = uow.connection.scalar(
            select(func.count()).where(revisions.c.article_id == article.id)
        )
        last = uow.revisions.get(article.id, 100)
    assert count == 100
    assert last.snapshot["body"] == updated.body
    # 100 full copies would be over 1 MB; keyframes plus deltas must stay far below.
    print(f"100 revisions of a {len(article.body):,}-character body: {stored:,} bytes")
    assert stored < 120_000, stored


def test_revisions_saved_with_z_dates_diff_as_unchanged_dates(store):
    """Snapshots written before dates had one JSON form (``...Z``) read as today's form."""
    from sqlalchemy import update

    from newscms.store._snapshots import decode_snapshot, encode_snapshot

    published = datetime(2012, 6, 14, 8, 30, tzinfo=UTC)
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="Floods", status="published", published_at=published)
        )
        uow.articles.update(article.id, ArticlePatch(expected_version=1, headline="Big floods"))
    r = store.tables.revisions
    with store.engine.begin() as conn:
        rows = conn.execute(
            select(r.c.version, r.c.snapshot)
            .where(r.c.article_id == article.id)
            .order_by(r.c.version)
        ).all()
        first = decode_snapshot(rows[0].snapshot, None)
        second = decode_snapshot(rows[1].snapshot, first)
        assert first["published_at"] == "2012-06-14T08:30:00+00:00"
        old_first = {**first, "published_at": "2012-06-14T08:30:00Z"}
        old_second = {**second, "published_at": "2012-06-14T08:30:00Z"}
        for version, blob in (
            (1, encode_snapshot(old_first, None)),
            (2, encode_snapshot(old_second, old_first)),
        ):
            conn.execute(
                update(r)
                .where(r.c.article_id == article.id, r.c.version == version)
                .values(snapshot=blob)
            )
    with store.session(readonly=True) as uow:
        diff = uow.revisions.diff(article.id, 1, 2)
        assert uow.revisions.get(article.id, 1).snapshot["published_at"] == (
            "2012-06-14T08:30:00+00:00"
        )
    assert [change.field for change in diff.changes] == ["headline"]
