"""Reads hand out plain domain objects, loaded in a bounded number of statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum
from uuid import UUID

import pydantic
import pytest

from newscms.domain import (
    Article,
    ArticleDraft,
    ArticleRef,
    PendingTarget,
    Person,
    Relation,
    RelationDraft,
    Status,
    Tag,
    TagInput,
    TagRef,
)

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
MAX_LISTING_STATEMENTS = 4


@pytest.fixture
def newsroom(store):
    """60 published articles, each with three tags, a stored and a pending relation."""
    with store.session() as uow:
        korea = uow.tags.get_or_create("Korea", locale="en", kind="region")
        uow.tags.set_name(korea.id, "Corea", locale="it")
        uow.tags.set_name(korea.id, "韩国", locale="zh")
        anchor = uow.articles.create(
            ArticleDraft(locale="en", headline="Anchor", status=Status.PUBLISHED, published_at=T0)
        )
        uow.articles.create_many(
            ArticleDraft(
                locale=("en", "it", "zh")[n % 3],
                headline=f"Story {n}",
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(hours=n + 1),
                byline=[Person(name="Joseph Yun Li-sun")],
                tags=[TagInput(id=korea.id), f"Topic {n % 7}", TagInput(kind="person", name="Kim")],
                relations=[
                    RelationDraft(target_id=anchor.id),
                    RelationDraft(pending=PendingTarget(title=f"Missing {n}")),
                ],
            )
            for n in range(60)
        )
    return korea


def _walk(value: object, path: str = "") -> None:
    """Fail on anything in a read result that is not plain data or a domain model."""
    if isinstance(value, pydantic.BaseModel):
        assert type(value).__module__.startswith("newscms.domain"), path
        for name in type(value).model_fields:
            _walk(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, tuple | list):
        assert isinstance(value, tuple), f"{path} is a mutable {type(value).__name__}"
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(key, f"{path} key")
            _walk(item, f"{path}[{key!r}]")
    else:
        assert value is None or isinstance(value, str | int | float | datetime | UUID | Enum), (
            f"{path} is a {type(value).__module__}.{type(value).__name__}"
        )


FILTERS = ({}, {"public": True}, {"locale": "it"}, {"tag_kind": "person"})


def test_listing_costs_the_same_few_statements_whatever_the_page_size(store, newsroom, statements):
    with store.session() as uow:
        for filters in FILTERS:
            counts = {}
            for limit in (5, 50):
                with statements:
                    page = uow.articles.list(limit=limit, **filters)
                counts[limit] = statements.count
                stories = [a for a in page.items if a.headline != "Anchor"]
                assert all(len(a.tags) == 3 and len(a.relations) == 2 for a in stories)
                with statements:
                    uow.articles.list(limit=limit, cursor=page.next_cursor, **filters)
                assert statements.count == counts[limit]
            assert counts[5] == counts[50] <= MAX_LISTING_STATEMENTS, (
                filters,
                statements.statements,
            )


def test_other_reads_are_bounded(store, newsroom, statements):
    with store.session() as uow:
        article = uow.articles.list(limit=1).items[0]
        reads = [
            lambda: uow.articles.list(limit=50, tag=newsroom.id, person="Joseph Yun Li-sun"),
            lambda: uow.articles.get(article.id),
            lambda: uow.articles.get_by_slug(article.locale, article.slug, public=True),
            lambda: uow.relations.outgoing(article.id),
            lambda: uow.relations.incoming(article.id),
            lambda: uow.relations.pending(limit=50),
            uow.tags.list,
        ]
        for read in reads:
            with statements:
                read()
            assert statements.count <= MAX_LISTING_STATEMENTS, statements.statements


def test_reads_return_plain_domain_objects(store, newsroom):
    with store.session() as uow:
        page = uow.articles.list(limit=50)
        single = uow.articles.get(page.items[0].id)
        by_slug = uow.articles.get_by_slug(single.locale, single.slug)
        tags = uow.tags.list()
        tag = uow.tags.get(newsroom.id)
        outgoing = uow.relations.outgoing(single.id)
        pending = uow.relations.pending()
        anchor = uow.articles.get_by_slug("en", "anchor")
        incoming = uow.relations.incoming(anchor.id)
    # Used after the transaction ended: nothing is lazy, nothing is attached.
    assert all(isinstance(a, Article) for a in page.items)
    assert all(isinstance(t, TagRef) for a in page.items for t in a.tags)
    assert all(isinstance(r, Relation) for a in page.items for r in a.relations)
    assert all(isinstance(r.source, ArticleRef) for r in outgoing + pending + incoming)
    assert all(isinstance(t, Tag) for t in tags)
    assert len(incoming) == 60
    for value in (page, single, by_slug, tags, tag, outgoing, pending, incoming):
        _walk(value)
    # What the store built without validation is valid and equal when validated again.
    assert Article.model_validate(single.model_dump()) == single
    assert Tag.model_validate(tag.model_dump()) == tag
    with pytest.raises(pydantic.ValidationError):
        single.headline = "changed"  # type: ignore[misc]
    zh = next(a for a in page.items if a.locale == "zh")
    assert zh.tags[0].name == "韩国"
