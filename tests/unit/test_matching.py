"""The pending-target matching rule on its own; tests/store/test_relations.py runs it stored."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from newscms.domain import PendingTarget
from newscms.domain.matching import (
    TITLE_MATCH_WINDOW,
    MatchKeys,
    PendingKeys,
    names_article,
    pick_target,
)
from newscms.utils.keys import title_key, url_key

DAY = datetime(2024, 3, 1, 12, tzinfo=UTC)


def stored(
    *,
    title: str = "Floods in the north",
    slug: str = "floods",
    locale: str = "en",
    url: str | None = None,
    published_at: datetime | None = DAY,
) -> MatchKeys:
    return MatchKeys(
        id=uuid.uuid4(),
        locale=locale,
        slug=slug,
        title_key=title_key(title),
        url_key=url_key(url) if url else None,
        published_at=published_at,
    )


def pending(**fields: object) -> PendingKeys:
    return PendingKeys.of(PendingTarget.model_validate(fields))


def test_the_keys_of_a_pending_target_are_the_store_columns() -> None:
    keys = pending(title="Floods", url="https://www.example.com/a/", slug="a", locale="en")
    assert keys.title_key == title_key("floods!")
    assert keys.url_key == url_key("http://example.com/a")
    assert (keys.slug, keys.locale, keys.published_at) == ("a", "en", None)


@pytest.mark.parametrize(
    ("target", "names"),
    [
        (pending(url="https://example.com/floods"), True),
        (pending(slug="floods", locale="en"), True),
        (pending(slug="floods", locale="it"), False),
        (pending(title="FLOODS in the north!"), True),
        (pending(title="Floods in the north", locale="it"), False),
        (pending(title="Floods in the north", published_at=DAY + TITLE_MATCH_WINDOW), True),
        (
            pending(title="Floods in the north", published_at=DAY - TITLE_MATCH_WINDOW * 1.01),
            False,
        ),
        (pending(title="Drought in the south", url="https://example.com/drought"), False),
    ],
)
def test_names_article_by_url_slug_or_title_and_date(target: PendingKeys, names: bool) -> None:
    article = stored(url="https://example.com/floods")
    assert names_article(target, article) is names
    assert (pick_target(target, [article]) == article.id) is names


def test_a_dated_title_does_not_name_an_undated_article() -> None:
    target = pending(title="Floods in the north", published_at=DAY)
    assert not names_article(target, stored(published_at=None))


def test_a_url_naming_one_article_wins_over_slug_and_title() -> None:
    by_url = stored(title="Other", slug="other", url="https://example.com/floods")
    by_slug_and_title = stored()
    target = pending(url="https://example.com/floods", slug="floods", locale="en")
    assert pick_target(target, [by_slug_and_title, by_url]) == by_url.id


def test_a_url_naming_two_articles_gives_way_to_the_slug() -> None:
    twins = [stored(slug=slug, url="https://example.com/floods") for slug in ("a", "b")]
    target = pending(url="https://example.com/floods", slug="b", locale="en")
    assert pick_target(target, twins) == twins[1].id
    assert pick_target(pending(url="https://example.com/floods"), twins) is None


def test_the_slug_wins_over_the_title() -> None:
    by_title, by_slug = stored(slug="x"), stored(title="Other", slug="floods-2")
    target = pending(title="Floods in the north", slug="floods-2", locale="en")
    assert pick_target(target, [by_title, by_slug]) == by_slug.id


def test_a_dated_title_picks_the_closest_date() -> None:
    far, near = stored(published_at=DAY - timedelta(hours=30)), stored(published_at=DAY)
    target = pending(title="Floods in the north", published_at=DAY + timedelta(hours=2))
    assert pick_target(target, [far, near]) == near.id


def test_an_undated_title_names_one_article_or_none() -> None:
    one, two = stored(), stored(published_at=DAY + timedelta(days=9))
    target = pending(title="Floods in the north")
    assert pick_target(target, [one]) == one.id
    assert pick_target(target, [one, two]) is None


def test_an_article_listed_once_per_key_it_was_found_by_counts_once() -> None:
    article = stored()
    found_again = replace(article, slug="former-slug")
    assert pick_target(pending(title="Floods in the north"), [article, found_again]) == article.id


def test_names_article_reads_the_url_only_when_slug_and_title_do_not_match() -> None:
    class Unread:
        id, locale, slug = uuid.uuid4(), "en", "floods"
        title_key, published_at = title_key("Floods in the north"), DAY

        @property
        def url_key(self) -> str | None:
            raise AssertionError("the URL was read")

    assert names_article(pending(slug="floods", locale="en", url="https://x.org/"), Unread())
    assert names_article(pending(title="Floods in the north", url="https://x.org/"), Unread())
