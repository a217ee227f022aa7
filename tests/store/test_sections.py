"""Sections on every backend: section tags form an ordered tree with breadcrumbs, an
article's first section is its primary one, and the tree survives merges and deletes."""

from __future__ import annotations

import pytest

from newscms.domain import ArticleDraft, Status
from newscms.errors import ValidationError

pytestmark = pytest.mark.backends


def section(name: str) -> dict[str, str]:
    return {"kind": "section", "name": name}


def test_sections_form_an_ordered_tree_with_breadcrumbs(store, snapshot):
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Talks in Beijing",
                status=Status.PUBLISHED,
                tags=[section("Korea"), section("Politics"), "Nuclear"],
            )
        )
        korea = article.tags[0]
        world = uow.tags.get_or_create("World", locale="en", kind="section")
        asia = uow.tags.get_or_create("Asia", locale="en", kind="section")
        europe = uow.tags.get_or_create("Europe", locale="en", kind="section")
        uow.tags.place(asia.id, parent_id=world.id, position=1)
        uow.tags.place(europe.id, parent_id=world.id, position=0)
        uow.tags.place(korea.id, parent_id=asia.id)
        assert [t.names["en"].name for t in uow.tags.breadcrumbs(korea.id)] == [
            "World",
            "Asia",
            "Korea",
        ]
        assert [t.names["en"].name for t in uow.tags.children(world.id)] == ["Europe", "Asia"]
        assert {t.names["en"].name for t in uow.tags.children()} == {"World", "Politics"}
        assert [t.id for t in uow.articles.teasers(tag=korea.id, public=True).items] == [article.id]
    assert article.section is not None and article.section.id == korea.id  # the primary one
    assert [t.name for t in article.tags_of_kind("section")][1:] == ["Politics"]
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(ValidationError, match="under itself"):
            uow.tags.place(world.id, parent_id=korea.id)
        with pytest.raises(ValidationError, match="only sections"):
            uow.tags.place(article.tags[2].id, parent_id=world.id)
        with pytest.raises(ValidationError):
            uow.tags.place(korea.id, parent_id=world.id, position=-1)
    assert snapshot() == before


def test_a_merged_sections_subsections_move_with_it_and_a_deleted_ones_go_to_the_top(store):
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(locale="en", headline="Seoul", tags=[section("Korea"), section("Asia")])
        )
        korea, asia = article.tags
        old = uow.tags.get_or_create("Far East", locale="en", kind="section")
        empty = uow.tags.get_or_create("Unused", locale="en", kind="section")
        uow.tags.place(korea.id, parent_id=old.id)
        uow.tags.merge(old.id, asia.id)
        assert uow.tags.get(korea.id).parent_id == asia.id
        uow.tags.place(asia.id, parent_id=empty.id)
        assert uow.tags.delete_unused() == 1
        assert uow.tags.get(asia.id).parent_id is None
        assert [t.id for t in uow.tags.breadcrumbs(korea.id)] == [asia.id, korea.id]
