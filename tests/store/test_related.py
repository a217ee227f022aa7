"""Related articles: editors' picks first, then shared rare tags, then recency; bounded cost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from newscms.domain import ArticleDraft, PendingTarget, RelationDraft, Status, TagInput
from newscms.errors import NotFoundError, ValidationError
from newscms.store import related as related_module
from newscms.store.related import DF_CAP, rarity

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def draft(headline: str, hours_ago: float, **fields: object) -> ArticleDraft:
    fields.setdefault("locale", "en")
    fields.setdefault("status", Status.PUBLISHED)
    return ArticleDraft(  # type: ignore[arg-type]
        headline=headline, published_at=T0 - timedelta(hours=hours_ago), **fields
    )


@pytest.fixture
def newsroom(store):
    """A source article with rare and common tags, and every kind of neighbour."""
    with store.session() as uow:
        # "Asia" is on every story; "Kaesong" on three, "Korea" on several.
        filler = uow.articles.create_many(
            draft(f"Asia roundup {n}", 100 + n, tags=["Asia"]) for n in range(12)
        )
        made = {
            "old-kaesong": draft("Kaesong talks began in 2004", 5000, tags=["Kaesong", "Asia"]),
            "korea-asia": draft("Korea and Asia", 3, tags=["Korea", "Asia"]),
            "korea-only": draft("Korea today", 2, tags=["Korea"]),
            "korea-two": draft("Korea yesterday", 4, tags=["Korea"]),
            "asia-only": draft("Asia today", 1, tags=["Asia"]),
            "kaesong-korea": draft("Kaesong and Korea", 50, tags=["Kaesong", "Korea"]),
            "italian": draft(
                "Kaesong in italiano", 1, locale="it", tags=[TagInput(name="Kaesong", locale="en")]
            ),
            "draft": draft("Kaesong draft", 1, status=Status.DRAFT, tags=["Kaesong", "Korea"]),
            "scheduled": ArticleDraft(
                locale="en",
                headline="Kaesong tomorrow",
                status=Status.SCHEDULED,
                published_at=T0 + timedelta(days=1),
                tags=["Kaesong", "Korea"],
            ),
            "picked": draft("An editor's pick", 400, tags=["Elsewhere"]),
            "picked-korea": draft("Picked and tagged", 30, tags=["Korea", "Kaesong"]),
            "picked-draft": draft("A picked draft", 10, status=Status.DRAFT),
            "picked-italian": draft("Scelto", 10, locale="it"),
        }
        articles = {label: uow.articles.create(spec) for label, spec in made.items()}
        source = uow.articles.create(
            draft(
                "Kaesong complex reopens",
                0.5,
                tags=["Kaesong", "Korea", "Asia"],
                relations=[
                    RelationDraft(target_id=articles["picked"].id),
                    RelationDraft(pending=PendingTarget(title="Not stored yet")),
                    RelationDraft(target_id=articles["picked-draft"].id),
                    RelationDraft(target_id=articles["picked-italian"].id),
                    RelationDraft(target_id=articles["picked-korea"].id, kind="follow_up"),
                ],
            )
        )
    articles["source"] = source
    articles.update({f"filler-{n}": article for n, article in enumerate(filler)})
    return articles


def labels(newsroom, related) -> list[str]:
    by_id = {article.id: label for label, article in newsroom.items()}
    return [by_id[item.article.id] for item in related]


def test_picks_first_in_order_then_rare_tags_then_recency(store, newsroom):
    with store.session(readonly=True) as uow:
        related = uow.related.find(newsroom["source"].id, limit=10)
    assert labels(newsroom, related) == [
        "picked",  # the editors' order, whatever the tags
        "picked-korea",
        "kaesong-korea",  # shares the two rarer tags
        "old-kaesong",  # Kaesong (the rarest) + Asia, however old
        "korea-asia",
        "korea-only",  # Korea alone: the newest first
        "korea-two",
        "asia-only",  # only the common tag: the newest ones
        "filler-0",
        "filler-1",
    ]
    picked, follow_up, best = related[0], related[1], related[2]
    assert (picked.reason, picked.relation_kind, picked.score) == ("relation", "see_also", None)
    assert (follow_up.reason, follow_up.relation_kind) == ("relation", "follow_up")
    assert best.reason == "tags" and best.relation_kind is None
    assert {tag.name for tag in best.shared_tags} == {"Kaesong", "Korea"}
    scores = [item.score for item in related if item.reason == "tags"]
    assert scores == sorted(scores, reverse=True)
    # Public articles: Kaesong 5 (the Italian one counts), Korea 6.
    assert best.score == pytest.approx(rarity(5) + rarity(6))


def test_never_itself_twice_private_or_another_locale(store, newsroom):
    with store.session(readonly=True) as uow:
        related = uow.related.find(newsroom["source"].id, limit=200)
    found = labels(newsroom, related)
    assert len(found) == len(set(found))
    for excluded in ("source", "draft", "scheduled", "italian", "picked-draft", "picked-italian"):
        assert excluded not in found
    assert all(item.article.status is Status.PUBLISHED for item in related)
    assert all(item.article.locale == "en" for item in related)
    assert len(found) == 2 + 6 + 12  # every public English neighbour, and no more


def test_a_draft_source_gets_suggestions_too(store, newsroom):
    with store.session(readonly=True) as uow:
        related = uow.related.find(newsroom["draft"].id, limit=3)
    assert labels(newsroom, related) == ["source", "picked-korea", "kaesong-korea"]


def test_an_article_without_tags_or_picks_has_none(store):
    with store.session() as uow:
        lonely = uow.articles.create(draft("Alone", 1))
        assert uow.related.find(lonely.id) == ()


def test_unknown_articles_and_bad_limits_are_refused(store, newsroom):
    with store.session(readonly=True) as uow:
        with pytest.raises(NotFoundError):
            uow.related.find(uuid4())
        with pytest.raises(ValidationError):
            uow.related.find("not an id")
        with pytest.raises(ValidationError):
            uow.related.find(newsroom["source"].id, limit=0)


def test_a_popular_tag_suggests_only_its_newest_articles(store, newsroom, monkeypatch):
    monkeypatch.setattr(related_module, "WINDOW", 2)
    with store.session(readonly=True) as uow:
        related = uow.related.find(newsroom["source"].id, limit=20)
    found = labels(newsroom, related)
    # Each tag's window holds its two newest stories; older ones are not read at all.
    assert set(found) == {
        "picked",
        "picked-korea",
        "kaesong-korea",  # Kaesong's two newest: picked-korea (a pick) and this one
        "korea-only",  # Korea's: korea-only and korea-asia
        "korea-asia",
        "asia-only",  # Asia's: asia-only and korea-asia
    }


def test_rarity_is_an_idf_capped_for_common_tags():
    assert rarity(1) > rarity(10) > rarity(DF_CAP) == rarity(DF_CAP * 50) > 0
    assert rarity(0) == rarity(1)


def test_the_cost_does_not_grow_with_the_archive(store, newsroom, statements):
    with store.session(readonly=True) as uow:
        with statements:
            uow.related.find(newsroom["source"].id)
        small = statements.count
        uow.related.find(newsroom["source"].id)  # warm
    with store.session() as uow:
        uow.articles.create_many(
            draft(f"More Asia {n}", 200 + n, tags=["Asia", "Korea"]) for n in range(60)
        )
    with store.session(readonly=True) as uow, statements:
        uow.related.find(newsroom["source"].id)
    assert statements.count == small <= 7, statements.statements
