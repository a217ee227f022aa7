"""People on every backend: bylines credit profiles found by any spelling, with a slug per
locale; merges and renames keep old slugs resolving and reach the articles; bad input
writes nothing."""

from __future__ import annotations

from uuid import uuid4

import pytest

from newscms.domain import ArticleDraft, ArticlePatch, Status
from newscms.domain.people import PersonDraft, PersonPatch
from newscms.errors import ConflictError, DuplicateError, NotFoundError, ValidationError

pytestmark = pytest.mark.backends


def story(headline: str, byline: list[object], locale: str = "en") -> ArticleDraft:
    return ArticleDraft(
        locale=locale,
        headline=headline,
        status=Status.PUBLISHED,
        byline=byline,  # type: ignore[arg-type]
    )


def test_a_byline_name_is_one_person_in_every_edition_and_spelling_case(store, clock):
    with store.session() as uow:
        first = uow.articles.create(
            story(
                "Talks in Beijing",
                ["Joseph Yun Li-sun", {"name": "Jane Roe", "role": "photographer"}],
            )
        )
        clock.advance(minutes=1)
        chinese = uow.articles.create(story("北京会谈", ["JOSEPH YUN LI-SUN"], locale="zh"))
        person = uow.people.get(first.byline[0].id)
    reporter, photographer = first.byline
    assert chinese.byline[0].id == reporter.id != photographer.id
    assert (photographer.name, photographer.role) == ("Jane Roe", "photographer")
    assert chinese.byline[0].name == "JOSEPH YUN LI-SUN"  # printed as the article printed it
    assert person.name == "Joseph Yun Li-sun"
    assert dict(person.slugs) == {"en": "joseph-yun-li-sun", "zh": "joseph-yun-li-sun"}
    assert reporter.slug == "joseph-yun-li-sun"
    with store.session(readonly=True) as uow:
        assert uow.articles.get(first.id).byline == first.byline  # no statement more to read
        assert uow.people.get_by_slug("zh", "joseph-yun-li-sun").id == person.id
        assert uow.people.find("joseph yun li-sun").id == person.id  # type: ignore[union-attr]
        assert [t.id for t in uow.people.articles(person.id).items] == [chinese.id, first.id]
        assert [t.id for t in uow.people.articles(person.id, locale="en").items] == [first.id]


def test_a_byline_may_credit_a_profile_by_id_with_its_own_credit_line(store):
    with store.session() as uow:
        person = uow.people.create(PersonDraft(name="Maria Rossi", bio={"it": "Corrispondente."}))
        article = uow.articles.create(
            story("Roma", [{"name": "M. Rossi, a Roma", "id": person.id}], locale="it")
        )
        with pytest.raises(NotFoundError):
            uow.articles.create(story("Nessuno", [{"name": "X", "id": uuid4()}]))
    assert article.byline[0].id == person.id
    assert article.byline[0].name == "M. Rossi, a Roma"
    assert article.byline[0].slug == "maria-rossi"
    with store.session(readonly=True) as uow:
        assert uow.people.find("M. Rossi, a Roma") is None  # a credit line is no new spelling


def test_merging_two_spellings_keeps_both_names_and_old_slugs_and_reaches_the_articles(store):
    with store.session() as uow:
        right = uow.articles.create(story("One", ["Joseph Yun Li-sun"]))
        wrong = uow.articles.create(story("Two", ["J. Yun Li-sun"]))
    seen = []
    store.subscribe(seen.append, kinds=["updated"])
    with store.session() as uow:
        merged = uow.people.merge(wrong.byline[0].id, right.byline[0].id)
    assert merged.id == right.byline[0].id
    assert merged.names == ("Joseph Yun Li-sun", "J. Yun Li-sun")
    assert wrong.id in {e.article_id for e in seen}
    with store.session(readonly=True) as uow:
        again = uow.articles.get(wrong.id)
        assert (again.byline[0].id, again.byline[0].slug) == (merged.id, "joseph-yun-li-sun")
        assert again.byline[0].name == "J. Yun Li-sun"
        assert again.version == wrong.version  # its own fields did not change
        assert uow.people.get_by_slug("en", "j-yun-li-sun").id == merged.id  # old slug
        with pytest.raises(NotFoundError):
            uow.people.get(wrong.byline[0].id)
        assert {t.id for t in uow.people.articles(merged.id).items} == {right.id, wrong.id}
        assert {a.id for a in uow.articles.list(person="J. Yun Li-sun").items} == {
            right.id,
            wrong.id,
        }
    with store.session() as uow:  # a later byline in the old spelling credits the merged one
        later = uow.articles.create(story("Three", ["J. Yun Li-sun"]))
    assert later.byline[0].id == merged.id


def test_renaming_gives_new_slugs_and_the_old_ones_keep_resolving(store):
    with store.session() as uow:
        article = uow.articles.create(story("One", ["Joe Yun"]))
        person = uow.people.get(article.byline[0].id)
        renamed = uow.people.update(person.id, PersonPatch(expected_version=1, name="Joseph Yun"))
        assert renamed.slugs["en"] == "joseph-yun"
        assert uow.people.get_by_slug("en", "joe-yun").id == person.id
        assert uow.articles.get(article.id).byline[0].slug == "joseph-yun"
        assert uow.articles.get(article.id).byline[0].name == "Joe Yun"
        assert uow.people.find("Joe Yun").id == person.id  # type: ignore[union-attr]


def test_bad_people_changes_are_refused_and_write_nothing(store, snapshot):
    with store.session() as uow:
        one = uow.articles.create(story("One", ["Ann Lee"])).byline[0]
        other = uow.articles.create(story("Two", ["Bo Chan"])).byline[0]
    before = snapshot()
    with pytest.raises(DuplicateError), store.session() as uow:
        uow.people.create(PersonDraft(name="ann  LEE"))
    with pytest.raises(DuplicateError), store.session() as uow:
        uow.people.update(one.id, PersonPatch(expected_version=1, name="Bo Chan"))
    with pytest.raises(ConflictError), store.session() as uow:
        uow.people.update(one.id, PersonPatch(expected_version=7, bio={"en": "x"}))
    with pytest.raises(ValidationError), store.session() as uow:
        uow.people.merge(one.id, one.id)
    with pytest.raises(NotFoundError), store.session() as uow:
        uow.people.merge(uuid4(), other.id)
    with pytest.raises(ValidationError):
        PersonDraft(name="   ")
    assert snapshot() == before


def test_people_pages_by_name_and_a_patch_of_the_byline(store):
    with store.session() as uow:
        article = uow.articles.create(story("One", ["Zoe Park", "Al Kim"]))
        for name in ("Mia Cho", "Ben Ha"):
            uow.people.create(PersonDraft(name=name))
        page = uow.people.list(limit=3)
        rest = uow.people.list(limit=3, cursor=page.next_cursor)
        patched = uow.articles.update(
            article.id, ArticlePatch(expected_version=1, byline=["Al Kim", "Mia Cho"])
        )
    assert [p.name for p in (*page.items, *rest.items)] == [
        "Al Kim",
        "Ben Ha",
        "Mia Cho",
        "Zoe Park",
    ]
    assert rest.next_cursor is None
    assert [p.slug for p in patched.byline] == ["al-kim", "mia-cho"]
    with store.session(readonly=True) as uow:
        zoe = uow.people.find("Zoe Park")
        assert zoe is not None
        assert uow.people.articles(zoe.id).items == ()
