"""Media items on every backend: articles show them in order and role, one item per URL
with its texts per locale, changes reach the articles showing them, bad input writes
nothing."""

from __future__ import annotations

from uuid import uuid4

import pytest

from newscms.domain import (
    ArticleDraft,
    ArticlePatch,
    MediaDraft,
    MediaPatch,
    MediaRole,
    Status,
)
from newscms.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from newscms.store.streaming import stream_sitemap_entries

pytestmark = pytest.mark.backends

PHOTO = {
    "url": "https://cdn.example.com/2026/01/flood.jpg",
    "mime_type": "image/jpeg",
    "width": 1600,
    "height": 900,
    "alt": {"en": "A flooded street in Manila"},
    "caption": {"en": "Water reached the first floors on Tuesday."},
    "credit": "Photo: AFP / Ted Aljibe",
    "copyright_holder": "AFP",
    "focal_point": {"x": 0.4, "y": 0.35},
    "renditions": [
        {
            "name": "w640",
            "url": "https://cdn.example.com/2026/01/flood-w640.jpg",
            "width": 640,
            "height": 360,
        },
        {
            "name": "1x1",
            "url": "https://cdn.example.com/2026/01/flood-1x1.jpg",
            "width": 900,
            "height": 900,
        },
    ],
}
GALLERY = {"url": "https://cdn.example.com/2026/01/rescue.png", "mime_type": "image/png"}


def story(headline: str = "Floods in Manila", locale: str = "en", **fields: object) -> ArticleDraft:
    return ArticleDraft(locale=locale, headline=headline, status=Status.PUBLISHED, **fields)  # type: ignore[arg-type]


def test_an_article_shows_its_media_in_order_and_role_and_a_teaser_its_lead(store):
    with store.session() as uow:
        article = uow.articles.create(
            story(media=[{"media": PHOTO}, {"role": "gallery", "media": GALLERY}])
        )
    lead, gallery = article.media
    assert (lead.role, gallery.role) == (MediaRole.LEAD, MediaRole.GALLERY)
    assert (lead.width, lead.height, lead.credit) == (1600, 900, "Photo: AFP / Ted Aljibe")
    assert lead.alt == "A flooded street in Manila"
    assert [r.name for r in lead.renditions] == ["w640", "1x1"]
    assert lead.focal_point is not None and lead.focal_point.x == 0.4
    assert article.lead_image == lead
    with store.session(readonly=True) as uow:
        assert uow.articles.get(article.id).media == article.media
        (teaser,) = uow.articles.teasers().items
        assert teaser.media == (lead,)
        (entry,) = stream_sitemap_entries(uow)
        assert [m.url for m in entry.media] == [PHOTO["url"], GALLERY["url"]]


def test_editions_share_one_item_per_url_each_adding_its_own_texts(store):
    group = uuid4()
    with store.session() as uow:
        english = uow.articles.create(story(media=[{"media": PHOTO}], translation_group=group))
        italian = uow.articles.create(
            story(
                "Alluvioni a Manila",
                locale="it",
                translation_group=group,
                # The same picture, by another spelling of its URL, captioned in Italian.
                media=[
                    {
                        "media": {
                            **PHOTO,
                            "url": "http://www.cdn.example.com/2026/01/flood.jpg",
                            "alt": {},
                            "caption": {"it": "L'acqua ha raggiunto i primi piani."},
                        }
                    }
                ],
            )
        )
        chinese = uow.articles.create(story("马尼拉洪水", locale="zh", media=[english.media[0].id]))
        item = uow.media.get(english.media[0].id)
    assert italian.media[0].id == chinese.media[0].id == item.id
    assert dict(item.caption) == {
        "en": "Water reached the first floors on Tuesday.",
        "it": "L'acqua ha raggiunto i primi piani.",
    }
    assert item.url == PHOTO["url"]  # the first spelling stays
    shown = italian.media[0]
    assert (shown.caption, shown.caption_locale) == ("L'acqua ha raggiunto i primi piani.", None)
    assert (shown.alt, shown.alt_locale) == ("A flooded street in Manila", "en")  # marked
    assert chinese.media[0].caption_locale == "en"


def test_an_iri_and_its_percent_encoded_uri_are_one_picture(store):
    with store.session() as uow:
        first = uow.articles.create(
            story(media=[{"media": {"url": "https://cdn.example.com/平壤.jpg"}}])
        )
        again = uow.articles.create(
            story(
                "Again",
                media=[{"media": {"url": "https://cdn.example.com/%E5%B9%B3%E5%A3%A4.jpg"}}],
            )
        )
    assert first.media[0].id == again.media[0].id


def test_changing_an_item_reaches_every_article_showing_it(store):
    with store.session() as uow:
        first = uow.articles.create(story(media=[{"media": PHOTO}]))
        second = uow.articles.create(story("Rescue goes on", media=[first.media[0].id]))
        other = uow.articles.create(story("Unrelated"))
    seen = []
    store.subscribe(seen.append, kinds=["updated"])
    with store.session() as uow:
        item = uow.media.get(first.media[0].id)
        updated = uow.media.update(
            item.id, MediaPatch(expected_version=item.version, credit="Photo: Reuters")
        )
        assert updated.version == item.version + 1
        assert {ref.id for ref in uow.media.articles(item.id)} == {first.id, second.id}
    assert sorted(e.article_id for e in seen) == sorted([first.id, second.id])
    assert other.id not in {e.article_id for e in seen}
    with store.session(readonly=True) as uow:
        again = uow.articles.get(first.id)
    assert again.lead_image is not None and again.lead_image.credit == "Photo: Reuters"
    assert again.version == first.version  # its own fields did not change
    assert again.fingerprint != first.fingerprint


def test_a_stale_media_update_is_a_conflict_and_writes_nothing(store, snapshot):
    with store.session() as uow:
        item = uow.media.create(MediaDraft.model_validate(PHOTO))
        uow.media.update(item.id, MediaPatch(expected_version=1, credit="Photo: AP"))
    before = snapshot()
    with pytest.raises(ConflictError), store.session() as uow:
        uow.media.update(item.id, MediaPatch(expected_version=1, credit="Photo: EPA"))
    with pytest.raises(ValidationError), store.session() as uow:
        uow.media.update(item.id, MediaPatch(expected_version=2, mime_type="video/mp4"))
    assert snapshot() == before


def test_patching_media_replaces_the_list_and_an_equal_list_writes_nothing(store):
    with store.session() as uow:
        article = uow.articles.create(story(media=[{"media": PHOTO}]))
        photo = article.media[0].id
        same = uow.articles.update(
            article.id, ArticlePatch(expected_version=1, media=[{"id": photo}])
        )
        assert same.version == 1
        swapped = uow.articles.update(
            article.id,
            ArticlePatch(
                expected_version=1,
                media=[{"media": GALLERY}, {"role": "gallery", "id": photo}],
            ),
        )
        assert swapped.version == 2
        assert [(m.url, m.role) for m in swapped.media] == [
            (GALLERY["url"], MediaRole.LEAD),
            (PHOTO["url"], MediaRole.GALLERY),
        ]
        assert uow.revisions.list(article.id)[-1].changed_fields == ("media",)
        cleared = uow.articles.update(article.id, ArticlePatch(expected_version=2, media=[]))
    assert cleared.media == ()
    assert cleared.lead_image is None


def test_an_unknown_media_id_refuses_the_article_and_writes_nothing(store, snapshot):
    before = snapshot()
    missing = uuid4()
    with pytest.raises(NotFoundError) as caught, store.session() as uow:
        uow.articles.create(story(media=[{"media": PHOTO}, {"id": missing}]))
    assert str(missing) in str(caught.value)
    assert snapshot() == before


def test_an_item_in_use_is_not_deleted(store):
    with store.session() as uow:
        article = uow.articles.create(story(media=[{"media": PHOTO}]))
        photo = article.media[0].id
    with pytest.raises(ConflictError, match="still show"), store.session() as uow:
        uow.media.delete(photo)
    with store.session() as uow:
        uow.articles.update(article.id, ArticlePatch(expected_version=1, media=[]))
        uow.media.delete(photo)
        with pytest.raises(NotFoundError):
            uow.media.get(photo)


def test_one_item_per_url_and_keyset_pages_of_items(store, clock):
    with store.session() as uow:
        first = uow.media.create(MediaDraft.model_validate(PHOTO))
        with pytest.raises(DuplicateError, match=str(first.id)):
            uow.media.create(MediaDraft(url=PHOTO["url"].replace("https", "http")))
        for n in range(4):
            clock.advance(seconds=1)
            uow.media.create(MediaDraft(url=f"https://cdn.example.com/{n}.jpg"))
        assert uow.media.find_by_url("https://www.cdn.example.com/2026/01/flood.jpg") == first
        page = uow.media.list(limit=3)
        rest = uow.media.list(limit=3, cursor=page.next_cursor)
    urls = [item.url for item in (*page.items, *rest.items)]
    assert urls == [f"https://cdn.example.com/{n}.jpg" for n in (3, 2, 1, 0)] + [PHOTO["url"]]
    assert rest.next_cursor is None


def test_deleting_an_article_keeps_its_media_items(store):
    with store.session() as uow:
        article = uow.articles.create(story(media=[{"media": PHOTO}]))
        uow.articles.delete(article.id)
        assert uow.media.get(article.media[0].id).url == PHOTO["url"]
        assert uow.media.articles(article.media[0].id) == ()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "ftp://cdn.example.com/a.jpg"}, "url"),
        ({"url": "https://cdn.example.com/a.mp4", "mime_type": "video/mp4"}, "mime_type"),
        ({"url": "https://cdn.example.com/a.jpg", "width": 800}, "width"),
        ({"url": "https://cdn.example.com/a.jpg", "width": 0, "height": 10}, "width"),
        (
            {"url": "https://cdn.example.com/a.jpg", "storage_key": "../../etc/passwd"},
            "storage_key",
        ),
        ({"url": "https://cdn.example.com/a.jpg", "storage_key": "/abs/a.jpg"}, "storage_key"),
        (
            {"url": "https://cdn.example.com/a.jpg", "focal_point": {"x": 1.5, "y": 0}},
            "focal_point",
        ),
        (
            {
                "url": "https://cdn.example.com/a.jpg",
                "renditions": [
                    {
                        "name": "w640",
                        "url": "https://cdn.example.com/a1.jpg",
                        "width": 1,
                        "height": 1,
                    },
                    {
                        "name": "W640",
                        "url": "https://cdn.example.com/a2.jpg",
                        "width": 1,
                        "height": 1,
                    },
                ],
            },
            "renditions",
        ),
    ],
)
def test_bad_media_is_refused_by_name(fields, field):
    with pytest.raises(ValidationError) as caught:
        MediaDraft.model_validate(fields)
    assert (caught.value.field or "").startswith(field)


def test_an_attachment_is_a_stored_id_or_a_new_item_never_both():
    with pytest.raises(ValidationError):
        ArticleDraft(locale="en", headline="x", media=[{"id": uuid4(), "media": GALLERY}])
    with pytest.raises(ValidationError):
        ArticleDraft(locale="en", headline="x", media=[{"role": "cover", "media": GALLERY}])


def test_inline_images_in_the_body_name_the_media_items_they_show(store):
    body = (
        '<p>Boats <img src="https://cdn.example.com/2026/01/flood-w640.jpg" alt="x"></p>'
        '<p><img src="https://elsewhere.example/other.jpg"></p>'
        f'<p><img src="https://cdn.example.com/stale.jpg" data-media-id="{uuid4()}"></p>'
    )
    with store.session() as uow:
        article = uow.articles.create(
            story(body=body, media=[{"media": PHOTO}, {"role": "inline", "media": GALLERY}])
        )
        photo = article.media[0].id
        # The rendition's URL names the photo; an image of no attached item names none.
        assert f'flood-w640.jpg" alt="x" data-media-id="{photo}">' in article.body
        assert article.body.count("data-media-id") == 1
        moved = uow.articles.update(
            article.id,
            ArticlePatch(expected_version=1, media=[{"media": GALLERY}]),
        )
        assert "data-media-id" not in moved.body  # the photo is no longer shown
        again = uow.articles.update(
            article.id,
            ArticlePatch(
                expected_version=moved.version,
                body=f'<p><img src="{GALLERY["url"]}"></p>',
            ),
        )
    assert f'data-media-id="{again.media[0].id}"' in again.body
