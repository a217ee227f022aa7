"""Tags: get-or-create per kind and locale, localized names, rename, merge, counts."""

from __future__ import annotations

from uuid import uuid4

import pytest

from newscms.domain import ArticleDraft, Tag, TagInput, TagName
from newscms.errors import DuplicateError, NotFoundError, ValidationError

pytestmark = pytest.mark.backends


def article(uow, headline: str, *tags: object, locale: str = "en"):  # type: ignore[no-untyped-def]
    return uow.articles.create(ArticleDraft(locale=locale, headline=headline, tags=list(tags)))


# -- get or create -------------------------------------------------------------------------


def test_get_or_create_creates_once(store):
    with store.session() as uow:
        korea = uow.tags.get_or_create("Korea", locale="en", kind="region")
        again = uow.tags.get_or_create("KOREA", locale="en", kind="region")
    with store.session() as uow:
        later = uow.tags.get_or_create(" korea ", locale="en", kind="REGION")
    assert isinstance(korea, Tag)
    assert korea.kind == "region"
    assert korea.names == {"en": TagName(name="Korea", slug="korea")}
    assert again.id == later.id == korea.id
    with store.session() as uow:
        assert len(uow.tags.list()) == 1


def test_same_name_of_another_kind_is_another_tag(store):
    with store.session() as uow:
        region = uow.tags.get_or_create("Georgia", locale="en", kind="region")
        person = uow.tags.get_or_create("Georgia", locale="en", kind="person")
        topic = uow.tags.get_or_create("Georgia", locale="en")
    assert len({region.id, person.id, topic.id}) == 3
    assert topic.kind == "topic"
    with store.session() as uow:
        assert uow.tags.get_by_slug("georgia", locale="en", kind="person").id == person.id


def test_regional_editions_share_tag_names(store):
    with store.session() as uow:
        en = uow.tags.get_or_create("Korea", locale="en")
        us = uow.tags.get_or_create("Korea", locale="en-US")
        gb = uow.tags.get_or_create("korea", locale="en_GB")
    assert en.id == us.id == gb.id
    assert set(en.names) == {"en"}


def test_chinese_scripts_keep_their_own_names(store):
    with store.session() as uow:
        simplified = uow.tags.get_or_create("韩国", locale="zh-Hans", kind="region")
        traditional = uow.tags.get_or_create("韩国", locale="zh-Hant", kind="region")
        mainland = uow.tags.get_or_create("韩国", locale="zh-Hans-CN", kind="region")
        taiwan = uow.tags.get_or_create("韓國", locale="zh-Hant-TW", kind="region")
    assert simplified.id != traditional.id
    assert mainland.id == simplified.id
    assert set(simplified.names) == {"zh-Hans"}
    assert set(taiwan.names) == {"zh-Hant"}
    assert simplified.names["zh-Hans"].slug == "han-guo"


def test_repeated_tags_on_an_article_collapse_in_order(store):
    with store.session() as uow:
        created = article(uow, "Story", "Nuclear", "Korea", "NUCLEAR", "China")
    assert [t.name for t in created.tags] == ["Nuclear", "Korea", "China"]


def test_tag_by_unknown_id_on_an_article_is_not_found(store, snapshot):
    before = snapshot()
    with pytest.raises(NotFoundError), store.session() as uow:
        article(uow, "Story", "Nuclear", TagInput(id=uuid4()))
    assert snapshot() == before


# -- localized names -------------------------------------------------------------------------


def test_one_region_tag_named_in_three_languages(store):
    with store.session() as uow:
        korea = uow.tags.get_or_create("KOREA", locale="en", kind="region")
        uow.tags.set_name(korea.id, "COREA", locale="it")
        named = uow.tags.set_name(korea.id, "韩国", locale="zh")
    assert named.names == {
        "en": TagName(name="KOREA", slug="korea"),
        "it": TagName(name="COREA", slug="corea"),
        "zh": TagName(name="韩国", slug="han-guo"),
    }
    assert named.name_in("it").name == "COREA"
    assert named.name_in("fr").name == "KOREA"
    with store.session() as uow:
        italian = article(uow, "Seul e Pechino", TagInput(kind="region", name="COREA"), locale="it")
        chinese = article(uow, "北京", TagInput(kind="region", name="韩国"), locale="zh")
        english = article(uow, "Seoul", TagInput(kind="region", name="Korea"))
        french = article(uow, "Séoul", TagInput(id=korea.id), locale="fr")
        assert len(uow.tags.list()) == 1
    # Each article shows the tag's name in its own language (else the site's default).
    assert [(t.id, t.name, t.slug) for t in italian.tags] == [(korea.id, "COREA", "corea")]
    assert [(t.name, t.slug) for t in chinese.tags] == [("韩国", "han-guo")]
    assert [(t.name, t.slug) for t in english.tags] == [("KOREA", "korea")]
    assert [(t.name, t.slug) for t in french.tags] == [("KOREA", "korea")]
    with store.session() as uow:
        assert uow.tags.get_by_slug("corea", locale="it").id == korea.id
        assert uow.tags.get_by_slug("han-guo", locale="zh-Hans").id == korea.id
        # A slug only in the default locale is found through the fallback chain.
        assert uow.tags.get_by_slug("korea", locale="it-IT").id == korea.id
        assert {a.id for a in uow.articles.list(tag=korea.id).items} == {
            french.id,
            english.id,
            chinese.id,
            italian.id,
        }


def test_get_by_slug_of_unknown_slug_or_kind_is_not_found(store):
    with store.session() as uow:
        uow.tags.get_or_create("Korea", locale="en", kind="region")
        with pytest.raises(NotFoundError):
            uow.tags.get_by_slug("japan", locale="en")
        with pytest.raises(NotFoundError):
            uow.tags.get_by_slug("korea", locale="en", kind="topic")
        with pytest.raises(NotFoundError):
            uow.tags.get(uuid4())


# -- rename -----------------------------------------------------------------------------------


def test_rename_keeps_the_old_slug_resolving(store):
    with store.session() as uow:
        tag = uow.tags.get_or_create("Nuclear weapons", locale="en")
        tagged = article(uow, "Before the rename", "Nuclear weapons")
        renamed = uow.tags.set_name(str(tag.id), "Nuclear arms", locale="en-US")
    assert renamed.id == tag.id
    assert renamed.names == {"en": TagName(name="Nuclear arms", slug="nuclear-arms")}
    with store.session() as uow:
        old = uow.tags.get_by_slug("nuclear-weapons", locale="en")
        assert old.id == tag.id
        assert old.names["en"].slug == "nuclear-arms"  # the caller redirects to it
        assert [t.name for t in uow.articles.get(tagged.id).tags] == ["Nuclear arms"]
        # Writers still using the old name get the renamed tag, not a new one.
        later = article(uow, "After the rename", "Nuclear weapons")
        assert [(t.id, t.name) for t in later.tags] == [(tag.id, "Nuclear arms")]
        assert uow.tags.get_or_create("Nuclear weapons", locale="en").id == tag.id
        assert len(uow.tags.list()) == 1
        # Renaming back is allowed: the tag already owns that slug.
        back = uow.tags.set_name(tag.id, "Nuclear Weapons", locale="en")
    assert back.names["en"] == TagName(name="Nuclear Weapons", slug="nuclear-weapons")


def test_rename_to_a_slug_of_another_tag_is_a_duplicate(store, snapshot):
    with store.session() as uow:
        first = uow.tags.get_or_create("Korea", locale="en", kind="region")
        second = uow.tags.get_or_create("South Korea", locale="en", kind="region")
        uow.tags.get_or_create("Japan", locale="en", kind="topic")
    before = snapshot()
    with pytest.raises(DuplicateError, match="merge"), store.session() as uow:
        uow.tags.set_name(second.id, "KOREA", locale="en")
    assert snapshot() == before
    with store.session() as uow:
        # Another kind's slug is no clash.
        assert uow.tags.set_name(first.id, "Japan", locale="en").names["en"].slug == "japan"


def test_set_name_on_unknown_tag_is_not_found(store, snapshot):
    before = snapshot()
    with pytest.raises(NotFoundError), store.session() as uow:
        uow.tags.set_name(uuid4(), "Korea", locale="en")
    assert snapshot() == before


# -- merge ------------------------------------------------------------------------------------


def test_merge_moves_articles_collapses_duplicates_and_keeps_slugs(store):
    with store.session() as uow:
        into = uow.tags.get_or_create("North Korea", locale="en", kind="region")
        source = uow.tags.get_or_create("N. Korea", locale="en", kind="region")
        uow.tags.set_name(source.id, "Corea del Nord", locale="it")
        only_source = article(uow, "Only source", TagInput(id=source.id))
        only_into = article(uow, "Only into", TagInput(id=into.id))
        # The source sits before the target: the merged tag takes the source's place.
        both = article(uow, "Both", "Arms", TagInput(id=source.id), "Food", TagInput(id=into.id))
        # The target sits first: it stays there.
        both_again = article(
            uow, "Both again", TagInput(id=into.id), "Arms", TagInput(id=source.id)
        )
        merged = uow.tags.merge(source.id, str(into.id))
    assert merged.id == into.id
    assert merged.names["en"] == TagName(name="North Korea", slug="north-korea")
    assert merged.names["it"] == TagName(name="Corea del Nord", slug="corea-del-nord")
    with store.session() as uow:
        with pytest.raises(NotFoundError):
            uow.tags.get(source.id)
        assert [t.name for t in uow.articles.get(both.id).tags] == ["Arms", "North Korea", "Food"]
        assert [t.name for t in uow.articles.get(both_again.id).tags] == ["North Korea", "Arms"]
        assert [t.id for t in uow.articles.get(only_source.id).tags] == [into.id]
        assert [t.id for t in uow.articles.get(only_into.id).tags] == [into.id]
        assert {a.id for a in uow.articles.list(tag=into.id).items} == {
            only_source.id,
            only_into.id,
            both.id,
            both_again.id,
        }
        assert uow.tags.get_by_slug("n-korea", locale="en").id == into.id
        assert uow.tags.get_by_slug("corea-del-nord", locale="it").id == into.id
        assert uow.tags.get_or_create("N. Korea", locale="en", kind="region").id == into.id
        counts = {t.id: t.article_count for t in uow.tags.list(kind="region")}
    assert counts == {into.id: 4}


def test_merge_keeps_the_targets_own_names(store):
    with store.session() as uow:
        into = uow.tags.get_or_create("Korea", locale="en")
        uow.tags.set_name(into.id, "Corea", locale="it")
        source = uow.tags.get_or_create("Korean peninsula", locale="en")
        uow.tags.set_name(source.id, "Penisola coreana", locale="it")
        merged = uow.tags.merge(source.id, into.id)
        assert uow.tags.get_by_slug("penisola-coreana", locale="it").id == into.id
    assert merged.names == {
        "en": TagName(name="Korea", slug="korea"),
        "it": TagName(name="Corea", slug="corea"),
    }


def test_merge_refuses_itself_and_unknown_tags(store, snapshot):
    with store.session() as uow:
        tag = uow.tags.get_or_create("Korea", locale="en")
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(ValidationError) as caught:
            uow.tags.merge(tag.id, tag.id)
        assert caught.value.field == "into_id"
        with pytest.raises(NotFoundError):
            uow.tags.merge(uuid4(), tag.id)
        with pytest.raises(NotFoundError):
            uow.tags.merge(tag.id, uuid4())
    assert snapshot() == before


def test_merged_tag_id_on_a_later_article_is_not_found(store, snapshot):
    with store.session() as uow:
        into = uow.tags.get_or_create("Korea", locale="en")
        source = uow.tags.get_or_create("Corea", locale="en")
        article(uow, "Uses the source", TagInput(id=source.id))
        uow.tags.merge(source.id, into.id)
        # In the same unit of work: the store must not remember the merged id as valid.
        with pytest.raises(NotFoundError):
            article(uow, "Too late", TagInput(id=source.id))


# -- listing and clean-up --------------------------------------------------------------------


def test_list_counts_articles_most_used_first(store):
    with store.session() as uow:
        korea = uow.tags.get_or_create("Korea", locale="en", kind="region")
        unused = uow.tags.get_or_create("Unused", locale="en")
        article(uow, "One", "Nuclear", TagInput(id=korea.id))
        article(uow, "Two", "Nuclear", TagInput(id=korea.id))
        article(uow, "Three", "Nuclear")
        listed = uow.tags.list()
        regions = uow.tags.list(kind="region")
        used = uow.tags.list(min_count=1)
    assert [(t.names["en"].name, t.article_count) for t in listed] == [
        ("Nuclear", 3),
        ("Korea", 2),
        ("Unused", 0),
    ]
    assert all(isinstance(t, Tag) for t in listed)
    assert [t.id for t in regions] == [korea.id]
    assert unused.id not in {t.id for t in used}
    assert len(used) == 2


def test_delete_unused_keeps_tags_in_use(store):
    with store.session() as uow:
        unused = uow.tags.get_or_create("Unused", locale="en")
        uow.tags.get_or_create("Also unused", locale="en", kind="region")
        article(uow, "Uses it before", TagInput(id=unused.id))
        uow.articles.delete(uow.articles.list().items[0].id)
        story = article(uow, "Story", "Used")
        assert uow.tags.delete_unused() == 2
        assert [t.names["en"].name for t in uow.tags.list()] == ["Used"]
        assert uow.tags.delete_unused() == 0
        with pytest.raises(NotFoundError):
            article(uow, "Deleted tag", TagInput(id=unused.id))
        uow.articles.delete(story.id)
        assert uow.tags.delete_unused() == 1
        assert uow.tags.list() == ()
        # A deleted tag's name makes a new tag again.
        assert article(uow, "Again", "Used").tags[0].name == "Used"


def _updated(store) -> set[object]:  # type: ignore[no-untyped-def]
    """The articles announced ``updated`` since the last call (the outbox drained)."""
    events: list[object] = []
    store.drain_events(events.append)
    return {e.article_id for e in events if e.kind == "updated"}  # type: ignore[attr-defined]


def test_a_new_name_touches_only_the_articles_that_show_it(store):
    with store.session() as uow:
        tag = uow.tags.get_or_create("Nuclear", locale="en", kind="topic")
        english = article(uow, "Talks in Seoul", TagInput(id=tag.id))
        italian = article(uow, "Colloqui a Seul", TagInput(id=tag.id), locale="it")
        spanish = article(uow, "Charlas en Seúl", TagInput(id=tag.id), locale="es")
    _updated(store)
    with store.session() as uow:
        uow.tags.set_name(tag.id, "Nucleare", locale="it")
    # The Italian article showed the English name and now its own; the Spanish one still
    # falls back (and could have fallen back to Italian); the English one shows "Nuclear".
    assert _updated(store) == {italian.id, spanish.id}
    with store.session() as uow:
        uow.tags.set_name(tag.id, "Nuclear energy", locale="en")
        shown = uow.articles.get(spanish.id).tags[0].name
    assert _updated(store) == {english.id, spanish.id}
    assert shown == "Nuclear energy"


def test_a_merge_touches_the_moved_articles_and_those_gaining_a_name(store):
    with store.session() as uow:
        into = uow.tags.get_or_create("Human rights", locale="en", kind="topic")
        source = uow.tags.get_or_create("Diritti umani", locale="it", kind="topic")
        english = article(uow, "Rights in Asia", TagInput(id=into.id))
        italian = article(uow, "Diritti in Asia", TagInput(id=source.id), locale="it")
        french = article(uow, "Droits en Asie", TagInput(id=into.id), locale="fr")
    _updated(store)
    with store.session() as uow:
        uow.tags.merge(source.id, into.id)
        assert uow.articles.get(italian.id).tags[0].id == into.id
    assert _updated(store) == {italian.id, french.id}
    assert english.id not in _updated(store)
