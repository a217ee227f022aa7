"""Teasers: the page ``list`` returns, without the body, in fewer statements.

A teaser carries every field of its article but the heavy ones; its tags are named as
the article's are (locale fallback included), the order and cursors are the listing's,
and a cursor of one method pages the other.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import ArticleDraft, ArticleTeaser, Status, TagInput
from newscms.errors import InvalidCursorError, ValidationError
from newscms.store import Store

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
LEFT_OUT = {"body", "relations", "translations", "corrections", "source", "fallback_for"}


def _as_teaser(article: object) -> dict[str, object]:
    """What a teaser of ``article`` must hold: its fields but the heavy ones."""
    data = article.model_dump()  # type: ignore[attr-defined]
    return {name: value for name, value in data.items() if name not in LEFT_OUT}


@pytest.fixture
def archive(store: Store, clock) -> list[object]:  # type: ignore[no-untyped-def]
    """Forty articles in three locales, tagged at random, some not public."""
    rng = random.Random(15)
    with store.session() as uow:
        korea = uow.tags.get_or_create("Korea", locale="en", kind="region")
        uow.tags.set_name(korea.id, "Corea", locale="it")
        vatican = uow.tags.get_or_create("Vatican", locale="en", kind="organization")
        nuclear = uow.tags.get_or_create("Nucleare", locale="it")
        tags = [korea, vatican, nuclear]
        for n in range(40):
            uow.articles.create(
                ArticleDraft(
                    locale=rng.choice(["en", "it", "es"]),
                    headline=f"Story {n}",
                    body=f"<p>The body of story {n}.</p>",
                    summary=f"Summary {n}",
                    status=rng.choice([Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT]),
                    published_at=T0 - timedelta(hours=rng.randint(0, 30)),
                    tags=[TagInput(id=t.id) for t in rng.sample(tags, rng.randint(0, 3))],
                    byline=["Joseph Yun Li-sun"] if n % 3 else [],
                )
            )
    return tags


def test_teasers_are_the_listed_articles_without_the_heavy_fields(store: Store, archive) -> None:  # type: ignore[no-untyped-def]
    with store.session(readonly=True) as uow:
        full = uow.articles.list(limit=200)
        short = uow.articles.teasers(limit=200)
    assert len(short.items) == 40
    assert all(isinstance(item, ArticleTeaser) for item in short.items)
    assert [_as_teaser(a) for a in full.items] == [t.model_dump() for t in short.items]
    assert not any(hasattr(item, "body") for item in short.items)


def test_tag_names_fall_back_as_on_the_article(store: Store, archive) -> None:  # type: ignore[no-untyped-def]
    korea, _, nuclear = archive
    with store.session(readonly=True) as uow:
        spanish = uow.articles.teasers(locale="es", tag=korea.id, limit=50).items
        italian = uow.articles.teasers(locale="it", tag=korea.id, limit=50).items
        english = uow.articles.teasers(locale="en", tag=nuclear.id, limit=50).items
    assert spanish and italian and english
    # Korea has no Spanish name: its English one, saying so; Italian has its own.
    assert {(t.name, t.name_locale) for a in spanish for t in a.tags if t.id == korea.id} == {
        ("Korea", "en")
    }
    assert {(t.name, t.name_locale) for a in italian for t in a.tags if t.id == korea.id} == {
        ("Corea", None)
    }
    # A tag with no name anywhere on the chain (only Italian) shows the name it has.
    assert {(t.name, t.name_locale) for a in english for t in a.tags if t.id == nuclear.id} == {
        ("Nucleare", "it")
    }


def test_cursors_of_either_method_page_the_other(store: Store, archive) -> None:  # type: ignore[no-untyped-def]
    korea = archive[0]
    filters_of = st.fixed_dictionaries(
        {},
        optional={
            "locale": st.sampled_from(["en", "it", "es"]),
            "public": st.booleans(),
            "tag": st.just(korea.id),
            "tag_kind": st.sampled_from(["region", "organization"]),
            "person": st.just("Joseph Yun Li-sun"),
        },
    )

    @settings(max_examples=20, deadline=None)
    @given(filters=filters_of, limit=st.integers(1, 9), picks=st.lists(st.booleans(), min_size=1))
    def check(filters: dict[str, object], limit: int, picks: list[bool]) -> None:
        with store.session(readonly=True) as uow:
            expected = [a.id for a in uow.articles.list(limit=200, **filters).items]
            seen: list[object] = []
            cursor = None
            for turn in range(100):
                read = uow.articles.teasers if picks[turn % len(picks)] else uow.articles.list
                page = read(limit=limit, cursor=cursor, **filters)
                seen.extend(item.id for item in page.items)
                cursor = page.next_cursor
                if cursor is None:
                    break
        assert seen == expected

    check()


def test_a_page_of_teasers_takes_two_statements(store: Store, archive, statements) -> None:  # type: ignore[no-untyped-def]
    with store.session(readonly=True) as uow:
        italian = len(uow.articles.list(locale="it", limit=200).items)
        for limit in (1, 5, 50):
            # Every tag on an Italian page has a name on the it → en chain.
            with statements:
                page = uow.articles.teasers(locale="it", limit=limit)
            assert len(page.items) == min(limit, italian)
            assert statements.count == 2, statements.statements
            assert all(" body" not in sql.split("FROM")[0] for sql in statements.statements)
            # One more when a tag has no name on any chain of the page (Nucleare, en).
            with statements:
                uow.articles.teasers(limit=limit)
            assert statements.count <= 3, statements.statements
        with statements:
            empty = uow.articles.teasers(locale="fr")
        assert empty.items == ()
        assert statements.count == 1


def test_bad_arguments_are_refused_as_list_refuses_them(store: Store, archive) -> None:  # type: ignore[no-untyped-def]
    with store.session(readonly=True) as uow:
        cursor = uow.articles.list(limit=2, locale="en").next_cursor
        assert cursor is not None
        with pytest.raises(InvalidCursorError):
            uow.articles.teasers(limit=2, locale="it", cursor=cursor)
        with pytest.raises(InvalidCursorError):
            uow.articles.teasers(limit=2, locale="en", cursor=cursor[:-2])
        with pytest.raises(ValidationError):
            uow.articles.teasers(limit=0)
        with pytest.raises(ValidationError):
            uow.articles.teasers(locale="not a locale!")


def test_a_renamed_tag_shows_its_new_name_on_the_next_page(store: Store) -> None:
    """Tag refs are shared across pages: a rename must still show at once."""
    with store.session() as uow:
        uow.articles.create(
            ArticleDraft(locale="en", headline="Vote", status="published", tags=["Elections"])
        )
    with store.session(readonly=True) as uow:
        (before,) = uow.articles.teasers(public=True).items
    with store.session() as uow:
        uow.tags.set_name(before.tags[0].id, "Polls", locale="en")
    with store.session(readonly=True) as uow:
        (after,) = uow.articles.teasers(public=True).items
        (full,) = uow.articles.list(public=True).items
    assert [t.name for t in before.tags] == ["Elections"]
    assert [t.name for t in after.tags] == [t.name for t in full.tags] == ["Polls"]
