"""ninjs 2.x media associations (picture, graphic, video, audio) become an article's media.

The documents here are valid ninjs 2.2, checked against IPTC's schema, so the reader is
held to what the standard allows rather than to one writer's habits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from newscms.domain import MediaDraft, MediaKind, MediaRole
from newscms.importers import ParsedSource
from newscms.importers.ninjs import parse_ninjs

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"
SCHEMA = json.loads((SCHEMAS / "ninjs-2.2.json").read_text(encoding="utf-8"))
REGISTRY: Registry = Registry().with_resource(
    "https://geojson.org/schema/GeoJSON.json",
    Resource.from_contents(json.loads((SCHEMAS / "geojson.json").read_text(encoding="utf-8"))),
)
VALIDATOR = Draft202012Validator(SCHEMA, registry=REGISTRY)

# A TT (Swedish news agency) picture association, as in IPTC's ninjs 2.1 examples.
TT_PICTURE: dict[str, Any] = {
    "name": "a001",
    "uri": "http://tt.se/media/image/sdlk2sirkPaauM",
    "type": "picture",
    "representationtype": "partial",
    "by": "Karl Melander/TT",
    "descriptions": [{"value": "Arkivbild från militärövningen Aurora 17."}],
    "renditions": [
        {"name": "r00", "title": "Hires", "contenttype": "image/jpeg",
         "href": "https://beta.tt.se/media/a001_NormalHires.jpg", "width": 4724, "height": 3149},
        {"name": "r01", "title": "Preview", "contenttype": "image/jpeg",
         "href": "https://beta.tt.se/media/a001_NormalPreview.jpg", "width": 1024, "height": 683},
        {"name": "r03", "title": "Thumbnail", "contenttype": "image/jpeg",
         "href": "https://thumbnail.tt.se/media/a001_NormalThumbnail.jpg", "width": 256,
         "height": 171},
    ],
}  # fmt: skip


def item(*associations: dict[str, Any], checked: bool = True) -> dict[str, Any]:
    document = {
        "uri": "http://tt.se/media/text/210526-militarovning",
        "type": "text",
        "language": "sv",
        "headlines": [{"role": "main", "value": "Militärövning i jätteformat hålls 2023"}],
        "associations": list(associations),
    }
    if checked:
        VALIDATOR.validate(document)
    return document


def parsed(document: dict[str, Any]) -> ParsedSource:
    return parse_ninjs(json.dumps(document, ensure_ascii=False), source="tt.json")


def media_of(result: ParsedSource) -> list[tuple[MediaRole, MediaDraft]]:
    (draft,) = result.drafts
    pairs = []
    for attachment in draft.media:
        assert attachment.media is not None
        pairs.append((attachment.role, attachment.media))
    return pairs


def test_an_agency_picture_is_the_lead_image_from_its_largest_rendition() -> None:
    result = parsed(item(TT_PICTURE))
    ((role, image),) = media_of(result)
    assert role is MediaRole.LEAD
    assert image.url == "https://beta.tt.se/media/a001_NormalHires.jpg"
    assert (image.kind, image.mime_type, image.width, image.height) == (
        MediaKind.IMAGE,
        "image/jpeg",
        4724,
        3149,
    )
    assert image.caption == {"sv": "Arkivbild från militärövningen Aurora 17."}
    assert image.alt == {}
    assert (image.credit, image.copyright_holder) == ("Karl Melander/TT", None)
    assert image.id is None  # the uri is the agency's, not a urn:uuid
    assert [(r.name, r.width, r.height, r.mime_type) for r in image.renditions] == [
        ("r01", 1024, 683, "image/jpeg"),
        ("r03", 256, 171, "image/jpeg"),
    ]
    assert dict(result.skipped) == {}
    assert result.drafts[0].relations == ()  # media is not a related article


def test_the_rendition_named_original_wins_and_texts_follow_their_roles() -> None:
    picture = {
        "name": "lead",
        "uri": "urn:uuid:0b6f3e57-5a4e-4c36-9d5c-1f4f2c1d8a11",
        "type": "picture",
        "language": "en-GB",
        "by": "Photo: Jane Doe",
        "copyrightholder": "Agency Ltd",
        "headlines": [{"value": "Flooded street"}],
        "descriptions": [
            {"role": "alt", "contenttype": "text/plain", "value": "A street under water"},
            {"role": "caption", "contenttype": "text/html", "value": "<p>Yangon, <b>today</b></p>"},
        ],
        "renditions": [
            {"name": "original", "href": "https://x.example/o.jpg", "width": 800, "height": 600},
            {"name": "big", "href": "https://x.example/big.jpg", "width": 2000, "height": 1500},
        ],
    }
    ((role, image),) = media_of(parsed(item(picture)))
    assert role is MediaRole.LEAD
    assert (image.url, image.width, image.height) == ("https://x.example/o.jpg", 800, 600)
    assert image.alt == {"en-GB": "A street under water"}
    assert image.caption == {"en-GB": "Yangon, today"}
    assert (image.credit, image.copyright_holder) == ("Photo: Jane Doe", "Agency Ltd")
    assert image.id == UUID("0b6f3e57-5a4e-4c36-9d5c-1f4f2c1d8a11")
    assert [r.name for r in image.renditions] == ["big"]


def test_the_caption_falls_back_to_the_headline() -> None:
    picture = {**TT_PICTURE, "headlines": [{"value": "Aurora 17"}]}
    del picture["descriptions"]
    ((_, image),) = media_of(parsed(item(picture)))
    assert image.caption == {"sv": "Aurora 17"}


def test_the_first_picture_leads_the_others_are_gallery_unless_named() -> None:
    def picture(number: int, name: str) -> dict[str, Any]:
        href = f"https://x.example/{number}.jpg"
        return {"name": name, "uri": f"urn:p:{number}", "type": "picture",
                "renditions": [{"name": "r", "href": href, "width": 10, "height": 10}]}  # fmt: skip

    graphic = {**picture(0, "chart"), "type": "graphic"}
    roles = media_of(parsed(item(graphic, picture(1, "a"), picture(2, "b"), picture(3, "inline"))))
    assert [(role, m.url[-5:]) for role, m in roles] == [
        (MediaRole.GALLERY, "0.jpg"),  # a graphic does not lead by itself
        (MediaRole.LEAD, "1.jpg"),
        (MediaRole.GALLERY, "2.jpg"),
        (MediaRole.INLINE, "3.jpg"),
    ]
    named = media_of(parsed(item(picture(1, "x"), picture(2, "featureimage"))))
    assert [(role, m.url[-5:]) for role, m in named] == [
        (MediaRole.GALLERY, "1.jpg"),
        (MediaRole.LEAD, "2.jpg"),
    ]


def test_video_and_audio_take_a_file_of_their_own_kind() -> None:
    video = {
        "name": "gallery",
        "uri": "urn:v:1",
        "type": "video",
        "renditions": [
            {"name": "poster", "contenttype": "image/jpeg", "href": "https://x.example/p.jpg",
             "width": 1920, "height": 1080},
            {"name": "hls", "contenttype": "application/x-mpegURL",
             "href": "https://x.example/v.m3u8", "width": 1920, "height": 1080},
            {"name": "mp4", "contenttype": "video/mp4", "href": "https://x.example/v.mp4",
             "width": 1280, "height": 720},
        ],
    }  # fmt: skip
    audio = {
        "name": "podcast",
        "uri": "urn:a:1",
        "type": "audio",
        "renditions": [{"name": "mp3", "contenttype": "audio/mpeg", "href": "https://x.example/a"}],
    }
    result = parsed(item(video, audio))
    (video_role, clip), (audio_role, sound) = media_of(result)
    assert (video_role, clip.kind, clip.url, clip.mime_type) == (
        MediaRole.GALLERY,
        MediaKind.VIDEO,
        "https://x.example/v.mp4",
        "video/mp4",
    )
    assert [(r.name, r.mime_type) for r in clip.renditions] == [
        ("poster", "image/jpeg"),
        ("hls", None),  # a playlist is no video file: its type is dropped, counted
    ]
    assert (audio_role, sound.kind, sound.width) == (MediaRole.GALLERY, MediaKind.AUDIO, None)
    assert dict(result.skipped) == {"media:rendition_mime_type": 1}


def test_media_without_a_rendition_to_fetch_is_counted_by_type() -> None:
    bare = {"name": "photo", "uri": "https://agency.example/p/1.jpg", "type": "picture"}
    no_href = {**bare, "renditions": [{"name": "r0", "width": 10, "height": 10}]}
    result = parsed(item(bare, no_href, {**bare, "type": "audio"}))
    assert result.drafts[0].media == ()
    assert dict(result.skipped) == {"association:picture": 2, "association:audio": 1}


def test_text_associations_stay_relations() -> None:
    related = {"name": "see_also", "uri": "urn:x:1", "type": "text",
               "headlines": [{"value": "Earlier story"}]}  # fmt: skip
    result = parsed(item(related, TT_PICTURE))
    (draft,) = result.drafts
    assert [r.pending.title for r in draft.relations if r.pending] == ["Earlier story"]
    assert len(draft.media) == 1


@pytest.mark.parametrize(
    ("rendition", "skipped"),
    [
        ({"href": "javascript:alert(1)", "width": 10, "height": 10}, {"media:url": 1}),
        ({"href": "/relative.jpg", "width": 10, "height": 10}, {"media:url": 1}),
        ({"href": "https://x.example/a.jpg", "width": -5, "height": 10}, {"media:size": 1}),
        ({"href": "https://x.example/a.jpg", "width": 1e300, "height": 1}, {"media:size": 1}),
        ({"href": "https://x.example/a.jpg", "width": 12.5, "height": 1}, {"media:size": 1}),
        ({"href": "https://x.example/a.jpg", "contenttype": "text/plain"}, {"media:mime_type": 1}),
    ],
)
def test_a_bad_piece_is_dropped_and_counted_the_article_imported(
    rendition: dict[str, Any], skipped: dict[str, int]
) -> None:
    picture = {"name": "p", "uri": "urn:p", "type": "picture",
               "renditions": [{"name": "original", **rendition}]}  # fmt: skip
    result = parsed(item(picture))
    assert len(result.drafts) == 1
    assert dict(result.skipped) == skipped


def test_what_the_schema_forbids_is_read_leniently_never_fatal() -> None:
    hostile: list[dict[str, Any]] = [
        {"name": "a", "uri": "urn:1", "type": "picture", "renditions": "not a list"},
        {"name": "b", "uri": "urn:2", "type": "picture", "renditions": [7, None, {"href": 3}]},
        {"name": "c", "uri": "urn:3", "type": "picture", "by": ["x"], "language": "no such",
         "descriptions": {"value": "x"}, "headlines": [{"value": 5}],
         "renditions": [{"name": "Pic Large!", "href": "https://x.example/l.jpg", "width": "a",
                         "height": True},
                        {"name": ["x"], "href": "https://x.example/s.jpg", "width": 9, "height": 9},
                        {"name": "thumb", "href": "https://x.example/t.jpg", "width": 5,
                         "height": 5},
                        {"name": "thumb", "href": "https://x.example/t2.jpg", "width": 5,
                         "height": 5}]},
    ]  # fmt: skip
    result = parsed(item(*hostile, checked=False))
    ((role, image),) = media_of(result)
    assert role is MediaRole.LEAD
    assert image.url == "https://x.example/s.jpg"  # the largest with a usable size
    assert (image.caption, image.credit) == ({}, None)
    assert [r.name for r in image.renditions] == ["thumb"]  # no size; a name twice
    assert dict(result.skipped) == {"association:picture": 2, "media:rendition": 2}


def test_the_same_image_twice_is_kept_once() -> None:
    result = parsed(item(TT_PICTURE, {**TT_PICTURE, "name": "gallery"}))
    assert [role for role, _ in media_of(result)] == [MediaRole.LEAD]
