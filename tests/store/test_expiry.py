"""Expiry on every backend: an article leaves every public read at ``expires_at``, with no
job to run; ``publish_due`` announces it once; bad expiries are refused and write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from newscms.domain import ArticleDraft, ArticlePatch, RelationDraft, Status
from newscms.domain.workflow import EventKind
from newscms.errors import NotFoundError, ValidationError
from newscms.store.streaming import stream_articles, stream_sitemap_entries

pytestmark = pytest.mark.backends

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the FakeClock's starting moment
END = T0 + timedelta(hours=6)


def draft(headline: str, **fields: object) -> ArticleDraft:
    return ArticleDraft(locale="en", headline=headline, **fields)  # type: ignore[arg-type]


def _expiring_story(store):
    """A published article expiring at END, linked from and translated by lasting ones."""
    group = uuid4()
    with store.session() as uow:
        offer = uow.articles.create(
            draft(
                "Flood relief offer for subscribers",
                status=Status.PUBLISHED,
                published_at=T0,
                expires_at=END,
                tags=["Floods"],
                translation_group=group,
            )
        )
        lasting = uow.articles.create(
            ArticleDraft(
                locale="it",
                headline="Offerta per le alluvioni",
                status=Status.PUBLISHED,
                published_at=T0,
                tags=["Floods"],
                translation_group=group,
            )
        )
        linking = uow.articles.create(
            draft(
                "Floods close the valley roads",
                status=Status.PUBLISHED,
                published_at=T0 - timedelta(hours=1),
                tags=["Floods"],
                relations=[RelationDraft(kind="see_also", target_id=offer.id)],
            )
        )
        uow.legacy_urls.add(offer.id, "https://old.example.com/flood-offer-1234.html")
    return offer, lasting, linking


def _public_view(store, offer, lasting, linking) -> dict[str, object]:
    """Whether each public read shows the offer, read by read."""
    with store.session(readonly=True) as uow:
        tag = linking.tags[0].id
        try:
            uow.articles.get_by_slug("en", offer.slug, public=True)
            by_slug = True
        except NotFoundError:
            by_slug = False
        return {
            "by_slug": by_slug,
            "list": offer.id in {a.id for a in uow.articles.list(public=True).items},
            "locale": offer.id in {a.id for a in uow.articles.list(public=True, locale="en").items},
            "tag": offer.id in {a.id for a in uow.articles.list(public=True, tag=tag).items},
            "teasers": offer.id in {a.id for a in uow.articles.teasers(public=True, tag=tag).items},
            "search": offer.id in {h.article.id for h in uow.search.search("relief").items},
            "related": offer.id in {r.article.id for r in uow.related.find(linking.id)},
            "relation": any(
                r.target is not None and r.target.id == offer.id
                for r in uow.articles.get(linking.id, public=True).relations
            ),
            "translation": offer.id
            in {t.id for t in uow.articles.get(lasting.id, public=True).translations},
            "stream": offer.id in {a.id for a in stream_articles(uow)},
            "sitemap": offer.id in {e.id for e in stream_sitemap_entries(uow)},
            "redirects": bool(uow.legacy_urls.redirects(public=True)),
        }


def test_an_expired_article_leaves_every_public_read_at_its_expiry(store, clock):
    offer, lasting, linking = _expiring_story(store)
    before = _public_view(store, offer, lasting, linking)
    assert all(before.values()), before
    clock.advance(hours=6)  # exactly at expires_at: gone
    after = _public_view(store, offer, lasting, linking)
    assert not any(after.values()), after
    with store.session(readonly=True) as uow:
        kept = uow.articles.get(offer.id)  # editors still read it, status unchanged
        assert (kept.status, kept.expires_at) == (Status.PUBLISHED, END)
        assert offer.id in {a.id for a in uow.articles.list().items}
        assert uow.articles.get(lasting.id, public=True).id == lasting.id


def test_publish_due_announces_an_expiry_once(store, clock):
    offer, _, _ = _expiring_story(store)
    seen = []
    store.subscribe(seen.append)
    assert store.publish_due() == ()
    clock.advance(hours=7)
    (expired,) = store.publish_due()
    assert expired.id == offer.id
    assert [(e.kind, e.article_id) for e in seen if e.article_id == offer.id] == [
        (EventKind.EXPIRED, offer.id)
    ]
    assert store.publish_due() == ()  # exactly once
    with store.session(readonly=True) as uow:
        assert uow.revisions.list(offer.id)[-1].action == "expire"


def test_a_save_after_the_expiry_announces_it_and_publish_due_finds_nothing(store, clock):
    offer, _, _ = _expiring_story(store)
    seen = []
    store.subscribe(seen.append, kinds=["expired"])
    clock.advance(hours=7)
    with store.session() as uow:
        uow.articles.update(offer.id, ArticlePatch(expected_version=1, summary="Closed."))
    assert [e.article_id for e in seen] == [offer.id]
    assert store.publish_due() == ()
    assert [e.article_id for e in seen] == [offer.id]


def test_moving_the_expiry_later_brings_the_article_back_announced(store, clock):
    offer, _, _ = _expiring_story(store)
    clock.advance(hours=7)
    store.publish_due()
    seen = []
    store.subscribe(seen.append)
    with store.session() as uow:
        current = uow.articles.get(offer.id)
        back = uow.articles.update(
            offer.id, ArticlePatch(expected_version=current.version, expires_at=None)
        )
    assert back.expires_at is None
    assert EventKind.PUBLISHED in [e.kind for e in seen]
    with store.session(readonly=True) as uow:
        assert uow.articles.get(offer.id, public=True).id == offer.id


def test_an_expiry_set_in_the_past_hides_the_article_and_is_announced(store, clock):
    with store.session() as uow:
        article = uow.articles.create(draft("Court order", status=Status.PUBLISHED))
    clock.advance(minutes=30)
    seen = []
    store.subscribe(seen.append, kinds=["expired"])
    with store.session() as uow:
        uow.articles.update(
            article.id,
            ArticlePatch(expected_version=1, expires_at=T0 + timedelta(minutes=10)),
        )
    assert [e.article_id for e in seen] == [article.id]
    with store.session(readonly=True) as uow, pytest.raises(NotFoundError):
        uow.articles.get(article.id, public=True)
    assert store.publish_due() == ()


def test_a_scheduled_article_that_expires_stays_hidden_after_its_window(store, clock):
    start = T0 + timedelta(hours=1)
    with store.session() as uow:
        article = uow.articles.create(
            draft(
                "Live: the count",
                status=Status.SCHEDULED,
                published_at=start,
                expires_at=start + timedelta(hours=1),
            )
        )
    ids = []
    for hours in (0, 1, 2):
        clock.now = T0 + timedelta(hours=hours, minutes=30)
        with store.session(readonly=True) as uow:
            ids.append(article.id in {a.id for a in uow.articles.list(public=True).items})
    assert ids == [False, True, False]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.PUBLISHED, "published_at": T0, "expires_at": T0},
        {"status": Status.PUBLISHED, "published_at": T0, "expires_at": T0 - timedelta(days=1)},
        {
            "status": Status.PUBLISHED,
            "published_at": T0,
            "embargoed_until": T0 + timedelta(days=2),
            "expires_at": T0 + timedelta(days=1),
        },
    ],
)
def test_an_expiry_before_the_article_appears_is_refused(fields):
    with pytest.raises(ValidationError) as caught:
        draft("Never shown", **fields)
    assert caught.value.field == "expires_at"


def test_a_patch_that_would_expire_before_publication_writes_nothing(store, clock, snapshot):
    with store.session() as uow:
        article = uow.articles.create(
            draft("Offer", status=Status.PUBLISHED, published_at=T0, expires_at=END)
        )
    before = snapshot()
    for patch in (
        ArticlePatch(expected_version=1, expires_at=T0 - timedelta(hours=1)),
        ArticlePatch(expected_version=1, published_at=END + timedelta(hours=1)),
        ArticlePatch(expected_version=1, embargoed_until=END),
    ):
        with pytest.raises(ValidationError) as caught, store.session() as uow:
            uow.articles.update(article.id, patch)
        assert caught.value.field == "expires_at"
    assert snapshot() == before


def test_a_naive_expiry_is_refused():
    with pytest.raises(ValidationError):
        draft("Offer", expires_at=datetime(2026, 1, 16, 12, 0))
