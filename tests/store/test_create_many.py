"""create_many: a batch is checked and inserted together, exactly like one create per draft."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from newscms.domain import (
    ArticleDraft,
    PendingTarget,
    Person,
    RelationDraft,
    SourceRef,
    Status,
    TagInput,
)
from newscms.errors import DuplicateError, NotFoundError, RelationError

pytestmark = pytest.mark.backends

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def story(headline: str, *, hours: int = 0, **fields: object) -> ArticleDraft:
    return ArticleDraft(
        locale=fields.pop("locale", "en"),  # type: ignore[arg-type]
        headline=headline,
        status=Status.PUBLISHED,
        published_at=T0 - timedelta(hours=hours),
        **fields,  # type: ignore[arg-type]
    )


def test_same_headline_in_one_batch_gets_numbered_slugs(store):
    with store.session() as uow:
        uow.articles.create(story("Seoul talks"))
        made = uow.articles.create_many(
            [story("Seoul talks"), story("Seoul talks"), story("Seoul talks", locale="it")]
        )
    assert [(a.locale, a.slug) for a in made] == [
        ("en", "seoul-talks-2"),
        ("en", "seoul-talks-3"),
        ("it", "seoul-talks"),
    ]


@pytest.mark.parametrize(
    "drafts",
    [
        pytest.param(
            [story("One", slug="same"), story("Two", slug="same")], id="explicit slug twice"
        ),
        pytest.param(
            [
                story("One", source=SourceRef(format="legacy", locator="a.html")),
                story("Two", source=SourceRef(format="legacy", locator="a.html")),
            ],
            id="source twice",
        ),
        pytest.param([story("One", slug="taken")], id="explicit slug stored"),
        pytest.param(
            [story("One", source=SourceRef(format="legacy", locator="stored.html"))],
            id="source stored",
        ),
    ],
)
def test_duplicates_refuse_the_whole_batch(store, snapshot, drafts):
    with store.session() as uow:
        uow.articles.create(
            story("Stored", slug="taken", source=SourceRef(format="legacy", locator="stored.html"))
        )
    before = snapshot()
    with store.session() as uow, pytest.raises(DuplicateError):
        uow.articles.create_many([story("Fine"), *drafts])
    assert snapshot() == before


def test_bad_targets_and_tag_ids_refuse_the_whole_batch(store, snapshot):
    with store.session() as uow:
        uow.articles.create(story("Stored"))
    before = snapshot()
    missing = UUID(int=1)
    for drafts, error in (
        ([story("A", relations=[RelationDraft(target_id=missing)])], NotFoundError),
        ([story("A", id=missing, relations=[RelationDraft(target_id=missing)])], RelationError),
        ([story("A", tags=[TagInput(id=missing)])], NotFoundError),
    ):
        with store.session() as uow, pytest.raises(error):
            uow.articles.create_many([story("Fine", tags=["Korea"]), *drafts])
        assert snapshot() == before


def test_articles_of_one_batch_relate_to_each_other_in_any_order(store):
    with store.session() as uow:
        earlier = uow.articles.create(
            story("Older story", relations=[RelationDraft(pending=PendingTarget(title="Later"))])
        )
        first, second = uow.articles.create_many(
            [
                story(
                    "First of batch",
                    relations=[RelationDraft(pending=PendingTarget(title="Second of batch"))],
                ),
                story("Second of batch", hours=1),
            ]
        )
        later = uow.articles.create(story("Later"))
    with store.session(readonly=True) as uow:
        assert [r.target.id for r in uow.relations.outgoing(first.id)] == [second.id]
        assert [r.target.id for r in uow.relations.outgoing(earlier.id)] == [later.id]


def test_batch_keeps_bylines_tags_and_order(store):
    with store.session() as uow:
        korea = uow.tags.get_or_create("Korea", locale="en", kind="region")
        made = uow.articles.create_many(
            story(
                f"Story {n}",
                hours=n,
                byline=[Person(name="Kim Min-ji"), Person(name=f"Writer {n}")],
                tags=[TagInput(id=korea.id), f"Topic {n % 2}", "Topic 0"],
            )
            for n in range(5)
        )
    with store.session(readonly=True) as uow:
        again = [uow.articles.get(a.id) for a in made]
        by_person = uow.articles.list(person="Kim Min-ji", limit=10).items
        topics = {t.name: t.id for a in again for t in a.tags if t.name.startswith("Topic")}
    assert again == made
    assert [a.headline for a in made] == [f"Story {n}" for n in range(5)]
    assert [[t.name for t in a.tags] for a in made][:2] == [
        ["Korea", "Topic 0"],
        ["Korea", "Topic 1", "Topic 0"],
    ]
    assert len(topics) == 2
    assert [a.id for a in by_person] == [a.id for a in made]


def test_a_batch_costs_a_bounded_number_of_statements(store, statements):
    with store.session() as uow:
        uow.articles.create(story("Warm up", tags=["Korea"]))
        with statements:
            uow.articles.create_many(
                story(
                    f"Story {n}", hours=n, tags=["Korea", f"Topic {n}"], byline=[Person(name="Li")]
                )
                for n in range(40)
            )
    # One statement per table and check, whatever the batch size (40 here); the byline's
    # people take six (names known, new people and names, slugs known, free, new).
    assert statements.count <= 31, statements.statements
