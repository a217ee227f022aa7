"""Translation groups and locale fallback: editions of one story, reads that fall back."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from newscms import Store
from newscms.domain import ArticleDraft, ArticlePatch
from newscms.errors import LocaleError, NotFoundError, ValidationError
from newscms.formats import to_jsonld, to_ninjs
from newscms.formats.site import Site

pytestmark = pytest.mark.backends

WHEN = datetime(2012, 6, 14, 8, tzinfo=UTC)


def edition(uow, locale: str, headline: str, group, **fields):  # type: ignore[no-untyped-def]
    draft = ArticleDraft(
        locale=locale,
        headline=headline,
        status="published",
        published_at=fields.pop("published_at", WHEN),
        translation_group=group,
        **fields,
    )
    return uow.articles.create(draft)


def test_editions_of_a_group_list_each_other_whatever_the_order(store):
    group = uuid4()
    with store.session() as uow:
        it = edition(uow, "it", "Pechino non vuole", group)
    with store.session() as uow:
        en = edition(uow, "en", "Beijing does not want", group)
        zh = edition(uow, "zh", "北京不想", group)
    with store.session() as uow:
        stored = {a.locale: uow.articles.get(a.id) for a in (it, en, zh)}
    assert [ref.locale for ref in stored["en"].translations] == ["it", "zh"]
    assert [ref.locale for ref in stored["it"].translations] == ["en", "zh"]
    assert {ref.id for ref in stored["zh"].translations} == {it.id, en.id}
    assert all(a.translation_group == group for a in stored.values())


def test_joining_a_group_moves_the_other_editions_fingerprints_and_announces_them(store):
    group = uuid4()
    with store.session() as uow:
        it = edition(uow, "it", "Pechino", group)
    before = it.fingerprint
    events: list = []
    store.subscribe(events.append)
    with store.session() as uow:
        en = edition(uow, "en", "Beijing", group)
    with store.session() as uow:
        after = uow.articles.get(it.id)
    assert after.fingerprint != before
    assert [(e.article_id, e.kind) for e in events if e.article_id == it.id] == [(it.id, "updated")]
    assert en.id in {e.article_id for e in events}
    assert after.version == it.version  # its own content did not change


def test_leaving_a_group_by_patch_updates_both_sides(store):
    group = uuid4()
    with store.session() as uow:
        en = edition(uow, "en", "Beijing", group)
        it = edition(uow, "it", "Pechino", group)
    with store.session() as uow:
        uow.articles.update(
            it.id, ArticlePatch(expected_version=it.version, translation_group=None)
        )
    with store.session() as uow:
        assert uow.articles.get(en.id).translations == ()
        assert uow.articles.get(it.id).translation_group is None


def test_public_reads_leave_out_editions_the_public_cannot_see(store):
    group = uuid4()
    with store.session() as uow:
        en = edition(uow, "en", "Beijing", group)
        uow.articles.create(
            ArticleDraft(locale="it", headline="Pechino (bozza)", translation_group=group)
        )
    with store.session() as uow:
        assert [r.locale for r in uow.articles.get(en.id).translations] == ["it"]
        assert uow.articles.get(en.id, public=True).translations == ()


def test_formats_link_the_editions(store):
    group = uuid4()
    with store.session() as uow:
        edition(uow, "en", "Beijing", group, published_at=WHEN)
        it = edition(uow, "it", "Pechino", group, published_at=WHEN.replace(hour=10))
    with store.session() as uow:
        later = uow.articles.get(it.id)
    site = Site(
        name="News",
        base_url="https://news.example/",
        article_url="https://news.example/{locale}/{slug}",
    )
    jsonld = to_jsonld(later, site=site)
    assert jsonld["translationOfWork"]["inLanguage"] == "en"
    associations = to_ninjs(later, site=site)["associations"]
    assert [(a["name"], a["language"]) for a in associations] == [("translation", "en")]


# -- fallback ---------------------------------------------------------------------------


def test_a_slug_missing_in_a_locale_falls_back_along_the_chain_and_says_so(store):
    with store.session() as uow:
        en = edition(uow, "en", "Only in English", None)
    with store.session() as uow:
        found = uow.articles.get_by_slug("es", en.slug)
        with pytest.raises(NotFoundError):
            uow.articles.get_by_slug("es", en.slug, fallback=False)
        own = uow.articles.get_by_slug("en", en.slug)
    assert found.id == en.id
    assert found.locale == "en"
    assert found.fallback_for == "es"
    assert own.fallback_for is None


def test_a_fallback_finds_the_edition_in_the_asked_locale_when_the_group_has_one(store):
    group = uuid4()
    with store.session() as uow:
        en = edition(uow, "en", "Beijing talks", group)
        es = edition(uow, "es", "Pekín habla", group)
    with store.session() as uow:
        found = uow.articles.get_by_slug("es", en.slug)
        assert uow.articles.edition(en.id, "es").id == es.id
        assert uow.articles.edition(en.id, "it").fallback_for == "it"
    assert found.id == es.id
    assert found.fallback_for is None  # a Spanish article: its slug differs, redirect to it


def test_a_configured_chain_is_followed_in_order(engine, clock):
    store = Store(engine, clock=clock, locale_fallbacks={"zh-Hant": ["zh-Hans", "en"]})
    group = uuid4()
    with store.session() as uow:
        en = edition(uow, "en", "Beijing", group)
        hans = edition(uow, "zh-Hans", "北京", group)
    with store.session() as uow:
        assert uow.articles.edition(en.id, "zh-Hant").id == hans.id
        assert uow.articles.edition(en.id, "zh-Hant", fallback=["en"]).id == en.id
        assert uow.articles.edition(hans.id, "fr", fallback=False).id == hans.id


def test_a_tag_name_missing_in_a_locale_says_where_its_name_came_from(store):
    with store.session() as uow:
        es = uow.articles.create(
            ArticleDraft(
                locale="es",
                headline="Pekín",
                tags=[{"kind": "region", "name": "China", "locale": "en"}],
            )
        )
        en = uow.articles.create(
            ArticleDraft(
                locale="en", headline="Beijing", tags=[{"kind": "region", "name": "China"}]
            )
        )
    assert es.tags[0].name == "China"
    assert es.tags[0].name_locale == "en"
    assert en.tags[0].name_locale is None
    with store.session() as uow:  # never written back
        tag = uow.tags.get(es.tags[0].id)
    assert set(tag.names) == {"en"}


@pytest.mark.parametrize(
    ("fallbacks", "error"),
    [({"it": "en"}, ValidationError), ({"xx-!!": ["en"]}, LocaleError), ([1], ValidationError)],
)
def test_a_bad_fallback_configuration_is_refused(engine, fallbacks, error):
    with pytest.raises(error):
        Store(engine, locale_fallbacks=fallbacks)


def test_a_bad_per_call_fallback_is_refused(store):
    with store.session() as uow:
        en = edition(uow, "en", "Beijing", None)
        with pytest.raises(ValidationError):
            uow.articles.get_by_slug("es", en.slug, fallback="en")
        with pytest.raises(LocaleError):
            uow.articles.edition(en.id, "es", fallback=["not a locale"])
