"""Relations: add, remove, reorder, list both ways, and pending targets that resolve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from newscms.domain import (
    ArticleDraft,
    ArticlePatch,
    ArticleRef,
    PendingTarget,
    Relation,
    RelationDraft,
    Status,
)
from newscms.errors import DuplicateError, NotFoundError, RelationError, ValidationError
from newscms.store.relations import TITLE_MATCH_WINDOW

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SEE_ALSO_DATE = datetime(2016, 2, 12, 14, 14, tzinfo=UTC)  # "12/02/2016 15:14" in Rome


def story(headline: str, **fields: object) -> ArticleDraft:
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("published_at", T0 - timedelta(days=1))
    return ArticleDraft(locale=fields.pop("locale", "en"), headline=headline, **fields)  # type: ignore[arg-type]


def to(target_id, kind: str = "see_also") -> RelationDraft:  # type: ignore[no-untyped-def]
    return RelationDraft(kind=kind, target_id=target_id)


def pending(**target: object) -> RelationDraft:
    return RelationDraft(pending=PendingTarget(**target))  # type: ignore[arg-type]


# -- add, list, remove, reorder ----------------------------------------------------------------


def test_add_lists_outgoing_and_incoming_with_slug_headline_and_date(store):
    with store.session() as uow:
        source = uow.articles.create(story("Seoul reacts"))
        first = uow.articles.create(story("Pyongyang tests a missile", published_at=SEE_ALSO_DATE))
        second = uow.articles.create(story("Beijing is silent"))
        added = uow.relations.add(source.id, to(first.id))
        uow.relations.add(str(source.id), to(second.id, "background"))
        outgoing = uow.relations.outgoing(source.id)
        incoming = uow.relations.incoming(first.id)
        loaded = uow.articles.get(source.id).relations
    assert isinstance(added, Relation)
    assert added.position == 0
    assert added.kind == "see_also"
    assert [(r.kind, r.position, r.target.id) for r in outgoing] == [  # type: ignore[union-attr]
        ("see_also", 0, first.id),
        ("background", 1, second.id),
    ]
    target = outgoing[0].target
    assert isinstance(target, ArticleRef)
    assert (target.slug, target.headline, target.published_at, target.status) == (
        "pyongyang-tests-a-missile",
        "Pyongyang tests a missile",
        SEE_ALSO_DATE,
        Status.PUBLISHED,
    )
    assert outgoing[0].source.id == source.id
    assert loaded == outgoing
    (back,) = incoming
    assert back.source.slug == "seoul-reacts"
    assert back.source.headline == "Seoul reacts"
    assert back.source.published_at == source.published_at
    assert back.target is not None
    assert back.target.id == first.id


def test_incoming_lists_newest_source_first(store):
    with store.session() as uow:
        target = uow.articles.create(story("Target"))
        old = uow.articles.create(story("Old", published_at=T0 - timedelta(days=5)))
        new = uow.articles.create(story("New", published_at=T0 - timedelta(hours=1)))
        uow.relations.add(old.id, to(target.id))
        uow.relations.add(new.id, to(target.id, "follow_up"))
        incoming = uow.relations.incoming(target.id)
    assert [(r.source.id, r.kind) for r in incoming] == [
        (new.id, "follow_up"),
        (old.id, "see_also"),
    ]


def test_add_at_a_position_shifts_the_others(store):
    with store.session() as uow:
        source = uow.articles.create(story("Source"))
        a, b, c = (uow.articles.create(story(name)) for name in ("A", "B", "C"))
        uow.relations.add(source.id, to(a.id))
        uow.relations.add(source.id, to(b.id))
        inserted = uow.relations.add(source.id, to(c.id), position=0)
        order = [r.target.headline for r in uow.relations.outgoing(source.id)]  # type: ignore[union-attr]
    assert inserted.position == 0
    assert order == ["C", "A", "B"]


def test_remove_and_reorder(store, snapshot):
    with store.session() as uow:
        source = uow.articles.create(story("Source"))
        targets = [uow.articles.create(story(name)) for name in ("A", "B", "C")]
        ids = [uow.relations.add(source.id, to(t.id)).id for t in targets]
        uow.relations.remove(str(ids[1]))
        reordered = uow.relations.reorder(source.id, [str(ids[2]), ids[0]])
    assert [(r.id, r.position) for r in reordered] == [(ids[2], 0), (ids[0], 1)]
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(NotFoundError):
            uow.relations.remove(ids[1])
        for wrong in ([ids[0]], [ids[0], ids[0]], [ids[0], ids[2], ids[1]], [ids[0], uuid4()]):
            with pytest.raises(ValidationError) as caught:
                uow.relations.reorder(source.id, wrong)
            assert caught.value.field == "relation_ids"
        with pytest.raises(NotFoundError):
            uow.relations.reorder(uuid4(), [])
    assert snapshot() == before
    with store.session() as uow:
        assert [r.id for r in uow.articles.get(source.id).relations] == [ids[2], ids[0]]


def test_relations_in_a_draft_keep_their_order(store):
    with store.session() as uow:
        a = uow.articles.create(story("A"))
        b = uow.articles.create(story("B"))
        source = uow.articles.create(
            story(
                "Source",
                relations=[to(b.id), pending(title="Not yet here"), to(a.id, "correction")],
            )
        )
    assert [(r.position, r.kind, r.is_pending) for r in source.relations] == [
        (0, "see_also", False),
        (1, "see_also", True),
        (2, "correction", False),
    ]


# -- refused relations -------------------------------------------------------------------------


def test_self_link_is_refused_and_nothing_written(store, snapshot):
    with store.session() as uow:
        article = uow.articles.create(story("Alone"))
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(RelationError):
            uow.relations.add(article.id, to(article.id))
        wanted = uuid4()
        with pytest.raises(RelationError):
            uow.articles.create(story("Self", id=wanted, relations=[to(wanted)]))
    assert snapshot() == before


def test_duplicate_relation_is_refused_and_nothing_written(store, snapshot):
    with store.session() as uow:
        source = uow.articles.create(story("Source"))
        target = uow.articles.create(story("Target"))
        uow.relations.add(source.id, to(target.id))
        uow.relations.add(source.id, pending(title="Later", published_at=SEE_ALSO_DATE))
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(DuplicateError):
            uow.relations.add(source.id, to(target.id), position=0)
        with pytest.raises(DuplicateError):
            uow.relations.add(source.id, pending(title="Later", published_at=SEE_ALSO_DATE))
        # A pending target that names the stored target is the same relation.
        with pytest.raises(DuplicateError):
            uow.relations.add(source.id, pending(title="Target"))
        with pytest.raises(DuplicateError):
            uow.articles.create(story("Twice", relations=[to(target.id), to(target.id)]))
    assert snapshot() == before
    with store.session() as uow:
        # Another kind of relation to the same target is allowed.
        uow.relations.add(source.id, to(target.id, "follow_up"))
        assert len(uow.relations.outgoing(source.id)) == 3


def test_relation_to_an_unknown_article_is_refused(store, snapshot):
    with store.session() as uow:
        source = uow.articles.create(story("Source"))
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(NotFoundError):
            uow.relations.add(source.id, to(uuid4()))
        with pytest.raises(NotFoundError):
            uow.relations.add(uuid4(), to(source.id))
        with pytest.raises(NotFoundError):
            uow.relations.outgoing(uuid4())
        with pytest.raises(NotFoundError):
            uow.relations.incoming(uuid4())
    assert snapshot() == before


# -- pending targets ---------------------------------------------------------------------------


def test_pending_targets_are_stored_and_listed(store, clock):
    with store.session() as uow:
        source = uow.articles.create(
            story(
                "Seoul reacts",
                relations=[
                    pending(title="Beijing and Pyongyang", published_at=SEE_ALSO_DATE),
                    pending(url="https://www.asianews.it/news-en/35000.html"),
                ],
            )
        )
        clock.advance(minutes=1)
        later = uow.articles.create(
            story("Another", relations=[pending(slug="some-story", locale="it")])
        )
        listed = uow.relations.pending()
        assert uow.relations.count_pending() == 3
        assert len(uow.relations.pending(limit=1)) == 1
    # Oldest first: the relations of the first source, then the later one.
    assert [r.source.id for r in listed] == [source.id, source.id, later.id]
    assert all(r.is_pending and r.target is None for r in listed)
    assert {r.pending for r in listed[:2]} == {
        PendingTarget(title="Beijing and Pyongyang", published_at=SEE_ALSO_DATE),
        PendingTarget(url="https://www.asianews.it/news-en/35000.html"),
    }
    assert listed[2].pending == PendingTarget(slug="some-story", locale="it")
    assert {r.pending for r in source.relations} == {r.pending for r in listed[:2]}


def _resolves(store, target: ArticleDraft, relation: RelationDraft, *, target_first: bool) -> bool:  # type: ignore[no-untyped-def]
    """Store a source with ``relation`` and the ``target``, in either order."""
    with store.session() as uow:
        if target_first:
            stored = uow.articles.create(target)
            source = uow.articles.create(story("Source", relations=[relation]))
        else:
            source = uow.articles.create(story("Source", relations=[relation]))
            stored = uow.articles.create(target)
    with store.session() as uow:
        (found,) = uow.relations.outgoing(source.id)
        assert uow.relations.count_pending() == (1 if found.is_pending else 0)
        if found.is_pending:
            assert uow.relations.incoming(stored.id) == ()
            return False
        assert found.pending is None
        assert found.target is not None
        assert found.target.id == stored.id
        assert [r.source.id for r in uow.relations.incoming(stored.id)] == [source.id]
        return True


both_orders = pytest.mark.parametrize(
    "target_first", [True, False], ids=["target-first", "relation-first"]
)


@both_orders
@pytest.mark.parametrize(
    ("hours", "resolves"),
    [(0, True), (-35, True), (35, True), (37, False), (-37, False), (24 * 30, False)],
)
def test_pending_title_resolves_within_the_date_window(store, target_first, hours, resolves):
    assert timedelta(hours=35) < TITLE_MATCH_WINDOW < timedelta(hours=37)
    target = story(
        "Beijing “does not want” a nuclear North Korea",
        published_at=SEE_ALSO_DATE + timedelta(hours=hours),
    )
    relation = pending(
        title='BEIJING "does not want" a nuclear North Korea', published_at=SEE_ALSO_DATE
    )
    assert _resolves(store, target, relation, target_first=target_first) is resolves


@both_orders
def test_pending_title_without_a_date_resolves_by_title(store, target_first):
    relation = pending(title="Pope meets journalists")
    assert _resolves(store, story("Pope meets journalists"), relation, target_first=target_first)


@both_orders
def test_pending_title_in_another_locale_does_not_resolve(store, target_first):
    relation = pending(title="Pope meets journalists", locale="it")
    assert not _resolves(
        store, story("Pope meets journalists"), relation, target_first=target_first
    )


@both_orders
def test_pending_url_resolves_against_the_canonical_url(store, target_first):
    target = story("Anything", canonical_url="https://www.asianews.it/news-en/35000.html")
    relation = pending(url="http://asianews.it/news-en/35000.html/#comments")
    assert _resolves(store, target, relation, target_first=target_first)


@both_orders
def test_pending_url_of_another_page_does_not_resolve(store, target_first):
    target = story("Anything", canonical_url="https://www.asianews.it/news-en/35000.html")
    relation = pending(url="https://www.asianews.it/news-en/35001.html")
    assert not _resolves(store, target, relation, target_first=target_first)


@both_orders
def test_pending_slug_resolves_in_its_locale(store, target_first):
    relation = pending(slug="papa-incontra-i-giornalisti", locale="it")
    target = story("Papa incontra i giornalisti", locale="it")
    assert _resolves(store, target, relation, target_first=target_first)


@both_orders
def test_pending_slug_of_another_locale_does_not_resolve(store, target_first):
    relation = pending(slug="papa-incontra-i-giornalisti", locale="es")
    target = story("Papa incontra i giornalisti", locale="it")
    assert not _resolves(store, target, relation, target_first=target_first)


def test_pending_resolves_on_a_headline_change(store):
    with store.session() as uow:
        source = uow.articles.create(story("Source", relations=[pending(title="Final headline")]))
        target = uow.articles.create(story("Working headline"))
        assert uow.relations.count_pending() == 1
        uow.articles.update(target.id, ArticlePatch(expected_version=1, headline="Final headline"))
        (relation,) = uow.relations.outgoing(source.id)
    assert relation.target is not None
    assert relation.target.id == target.id


def test_pending_title_picks_the_closest_date(store):
    with store.session() as uow:
        uow.articles.create(story("Floods", published_at=SEE_ALSO_DATE - timedelta(hours=30)))
        near = uow.articles.create(story("Floods", published_at=SEE_ALSO_DATE + timedelta(hours=2)))
        source = uow.articles.create(
            story("Source", relations=[pending(title="Floods", published_at=SEE_ALSO_DATE)])
        )
    assert source.relations[0].target is not None
    assert source.relations[0].target.id == near.id


def test_pending_that_names_its_own_source_waits_for_another_article(store):
    with store.session() as uow:
        source = uow.articles.create(story("Floods", relations=[pending(title="Floods")]))
        assert source.relations[0].is_pending
        other = uow.articles.create(story("Floods"))
        (relation,) = uow.relations.outgoing(source.id)
    assert relation.target is not None
    assert relation.target.id == other.id


def test_pending_resolution_that_would_duplicate_a_relation_collapses(store):
    with store.session() as uow:
        target = uow.articles.create(story("Target", canonical_url="https://example.org/t"))
        uow.articles.delete(target.id)
        source = uow.articles.create(
            story(
                "Source",
                relations=[pending(title="Target"), pending(url="https://example.org/t")],
            )
        )
        assert uow.relations.count_pending() == 2
        back = uow.articles.create(story("Target", canonical_url="https://example.org/t"))
        relations = uow.relations.outgoing(source.id)
        assert uow.relations.count_pending() == 0
    assert [r.target.id for r in relations] == [back.id]  # type: ignore[union-attr]


def test_public_reads_leave_out_relations_to_hidden_articles(store):
    with store.session() as uow:
        hidden = uow.articles.create(story("Hidden", status=Status.DRAFT))
        shown = uow.articles.create(story("Shown"))
        source = uow.articles.create(
            story("Source", relations=[to(hidden.id), to(shown.id), pending(title="Not here")])
        )
        public = uow.articles.get(source.id, public=True)
        private = uow.articles.get(source.id)
    assert [r.target.id if r.target else None for r in public.relations] == [shown.id, None]
    assert len(private.relations) == 3


@pytest.mark.parametrize("stored_first", [True, False], ids=["stored-first", "pending-first"])
def test_a_draft_mixing_stored_and_pending_targets_keeps_both(store, stored_first):
    from newscms.domain import ArticleDraft, PendingTarget, RelationDraft

    with store.session() as uow:
        stored = uow.articles.create(ArticleDraft(locale="en", headline="Already here"))
        to_stored = RelationDraft(target_id=stored.id)
        to_pending = RelationDraft(pending=PendingTarget(title="Not yet here", locale="en"))
        relations = [to_stored, to_pending] if stored_first else [to_pending, to_stored]
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="Mixed list", relations=relations)
        )
        later = uow.articles.create(ArticleDraft(locale="en", headline="Not yet here"))
        targets = [r.target.id for r in uow.relations.outgoing(article.id) if r.target]
    expected = [stored.id, later.id] if stored_first else [later.id, stored.id]
    assert targets == expected
