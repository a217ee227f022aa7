"""WordPress exports keep their images: featured, inline and gallery attachments as media.

Also PHP's ``serialize()`` format, which ``_wp_attachment_metadata`` is written in.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import ArticleDraft, MediaDraft, MediaKind, MediaRole
from newscms.errors import ImportFailure
from newscms.importers import ParsedSource, parse_wxr
from newscms.utils.php import PhpValue, php_unserialize

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "examples"
    / "wordpress"
    / "asianews-blog.wordpress.2024-05-10.xml"
)
UPLOADS = "https://blog.example/wp-content/uploads/2024/01"


def php(value: Any) -> str:
    """PHP's ``serialize()`` of a Python value (dicts and lists are arrays)."""
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        return f"d:{value!r};"
    if isinstance(value, str):
        return f's:{len(value.encode("utf-8"))}:"{value}";'
    items = enumerate(value) if isinstance(value, list) else value.items()
    pairs = [(key, item) for key, item in items]
    return f"a:{len(pairs)}:{{" + "".join(php(k) + php(v) for k, v in pairs) + "}"


def metadata(width: Any = 1024, height: Any = 683, *, name: str = "photo", **extra: Any) -> str:
    sizes = {
        "thumbnail": {"file": f"{name}-150x150.jpg", "width": 150, "height": 150,
                      "mime-type": "image/jpeg"},
        "medium": {"file": f"{name}-300x200.jpg", "width": 300, "height": 200,
                   "mime-type": "image/jpeg"},
    }  # fmt: skip
    image_meta = {"credit": "", "copyright": "", "keywords": []}
    file = f"2024/01/{name}.jpg"
    return php(
        {"width": width, "height": height, "file": file, "sizes": sizes, "image_meta": image_meta}
        | extra
    )


def meta(key: str, value: str) -> str:
    return (
        f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
    )


def post(
    post_id: int,
    body: str = "Text.",
    *,
    thumbnail: int | str | None = None,
    language: str | None = None,
    post_type: str = "post",
    status: str = "publish",
) -> str:
    polylang = f'<category domain="language" nicename="{language}">L</category>' if language else ""
    return f"""<item><title>Post {post_id}</title><dc:creator>jdoe</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2024-01-10 10:00:00</wp:post_date_gmt>
<wp:post_name>post-{post_id}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>{post_type}</wp:post_type>{polylang}
{meta("_thumbnail_id", str(thumbnail)) if thumbnail is not None else ""}</item>
"""


def attachment(
    post_id: int,
    url: str,
    *,
    parent: int = 0,
    alt: str | None = None,
    caption: str = "",
    description: str = "",
    data: str | None = None,
    mime: str | None = None,
    order: int = 0,
) -> str:
    return f"""<item><title>file-{post_id}</title><dc:creator>jdoe</dc:creator>
<content:encoded><![CDATA[{description}]]></content:encoded>
<excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:status>inherit</wp:status>
<wp:post_parent>{parent}</wp:post_parent><wp:menu_order>{order}</wp:menu_order>
<wp:post_type>attachment</wp:post_type>
{f"<wp:post_mime_type>{mime}</wp:post_mime_type>" if mime else ""}
<wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>
{meta("_wp_attachment_metadata", data) if data is not None else ""}
{meta("_wp_attachment_image_alt", alt) if alt is not None else ""}</item>
"""


def export(*items: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Blog</title><link>https://blog.example</link><language>en-US</language>
<wp:base_site_url>https://blog.example</wp:base_site_url>
<wp:author><wp:author_login>jdoe</wp:author_login>
<wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name></wp:author>
{"".join(items)}</channel></rss>""".encode()


def parsed(*items: str) -> ParsedSource:
    return parse_wxr(export(*items), source="blog.xml")


def media_of(draft: ArticleDraft) -> list[tuple[MediaRole, MediaDraft]]:
    pairs = []
    for item in draft.media:
        assert item.media is not None
        pairs.append((item.role, item.media))
    return pairs


# The sample export: the issue's done-criterion.


def test_the_sample_keeps_its_images_and_authors() -> None:
    result = parse_wxr(SAMPLE.read_bytes(), source="export.xml")
    drafts = {d.source.locator.partition("#")[2]: d for d in result.drafts if d.source}
    (lead, lead_image), (inline, inline_image) = media_of(drafts["post-101"])
    assert (lead, inline) == (MediaRole.LEAD, MediaRole.INLINE)
    assert lead_image.url == (
        "https://blog.asianews.example/wp-content/uploads/2023/11/san-jose-boats.jpg"
    )
    assert (lead_image.kind, lead_image.mime_type) == (MediaKind.IMAGE, "image/jpeg")
    assert (lead_image.width, lead_image.height) == (800, 533)
    assert lead_image.alt == {"en-US": "New boats on the beach of San Jose"}
    assert lead_image.caption == {
        "en-US": "The new boats of San Jose, built in the parish workshop."
    }
    assert (lead_image.credit, lead_image.copyright_holder) == ("Maria Reyes/AsiaNews", "AsiaNews")
    assert [(r.name, r.width, r.height) for r in lead_image.renditions] == [
        ("medium", 300, 200),
        ("thumbnail", 150, 150),
        ("medium_large", 768, 512),
    ]
    assert lead_image.renditions[0].url == (
        "https://blog.asianews.example/wp-content/uploads/2023/11/san-jose-boats-300x200.jpg"
    )
    # The body shows the cooperative's 300x200 size; the attachment is the original.
    assert inline_image.url.endswith("/2023/11/san-jose-cooperative.jpg")
    assert (inline_image.width, inline_image.height) == (1024, 683)
    assert inline_image.alt == {"en-US": "Women of the cooperative sorting the morning catch"}
    assert all(not d.media for key, d in drafts.items() if key != "post-101")
    # The unattached upload and the About page's photo are shown by no post.
    assert result.skipped["attachment"] == 2
    assert not [key for key in result.skipped if key.startswith("media:")]
    assert {key: [p.name for p in d.byline] for key, d in drafts.items()} == {
        "post-101": ["Maria Reyes"],
        "post-102": ["李明"],
        "post-103": ["Paul Kang"],  # no display name: first and last name
        "post-104": ["Paul Kang"],
        "post-105": ["AsiaNews Desk"],
        "post-107": ["Maria Reyes"],
    }


def test_a_creator_missing_from_the_authors_is_credited_by_login() -> None:
    item = post(1).replace("<dc:creator>jdoe</dc:creator>", "<dc:creator>ghost</dc:creator>")
    (draft,) = parsed(item).drafts
    assert [p.name for p in draft.byline] == ["ghost"]


# Which attachments a post shows, and in which role.


def test_featured_inline_and_gallery_images_in_that_order() -> None:
    body = f'<p><img class="wp-image-12" src="{UPLOADS}/two-300x200.jpg"></p>[gallery ids="13,14"]'
    result = parsed(
        post(1, body, thumbnail=11),
        attachment(11, f"{UPLOADS}/one.jpg", parent=1, data=metadata(name="one")),
        attachment(12, f"{UPLOADS}/two.jpg", parent=1),
        attachment(13, f"{UPLOADS}/three.png"),
        attachment(14, f"{UPLOADS}/four.webp"),
    )
    (draft,) = result.drafts
    assert [(role, m.url.rsplit("/", 1)[1], m.mime_type) for role, m in media_of(draft)] == [
        (MediaRole.LEAD, "one.jpg", "image/jpeg"),
        (MediaRole.INLINE, "two.jpg", "image/jpeg"),
        (MediaRole.GALLERY, "three.png", "image/png"),
        (MediaRole.GALLERY, "four.webp", "image/webp"),
    ]
    assert "attachment" not in result.skipped


def test_body_images_are_found_by_url_with_size_suffixes_and_either_scheme() -> None:
    body = (
        '<img src="http://blog.example/wp-content/uploads/2024/01/big-1024x683.jpg">'
        '<img src="/wp-content/uploads/2024/01/turned-300x300.jpg">'
        '<img src="https://elsewhere.example/hotlinked.jpg">'
    )
    result = parsed(
        post(1, body),
        attachment(21, f"{UPLOADS}/big-scaled.jpg", parent=1),
        attachment(22, f"{UPLOADS}/turned-rotated.jpg", parent=7),
    )
    (draft,) = result.drafts
    assert [(role, m.url) for role, m in media_of(draft)] == [
        (MediaRole.INLINE, f"{UPLOADS}/big-scaled.jpg"),
        (MediaRole.INLINE, f"{UPLOADS}/turned-rotated.jpg"),
    ]
    assert "hotlinked" in draft.body  # a body image that is no attachment stays in the body
    assert dict(result.skipped) == {}


def test_a_featured_image_also_in_the_body_is_attached_once_as_lead() -> None:
    body = f'<img class="wp-image-5" src="{UPLOADS}/a.jpg">'
    (draft,) = parsed(post(1, body, thumbnail=5), attachment(5, f"{UPLOADS}/a.jpg")).drafts
    assert [role for role, _ in media_of(draft)] == [MediaRole.LEAD]


def test_a_gallery_without_ids_shows_the_posts_own_images_in_menu_order() -> None:
    result = parsed(
        post(1, "Before [gallery columns=2] after"),
        attachment(31, f"{UPLOADS}/c.jpg", parent=1, order=2),
        attachment(32, f"{UPLOADS}/a.jpg", parent=1, order=1),
        attachment(33, f"{UPLOADS}/report.pdf", parent=1),
        attachment(34, f"{UPLOADS}/other.jpg", parent=2),
    )
    (draft,) = result.drafts
    assert [(role, m.url.rsplit("/", 1)[1]) for role, m in media_of(draft)] == [
        (MediaRole.GALLERY, "a.jpg"),
        (MediaRole.GALLERY, "c.jpg"),
    ]
    assert "[gallery" not in draft.body
    assert result.skipped["attachment"] == 2  # the PDF, and the image of a post not exported


def test_attachments_no_imported_post_shows_are_counted() -> None:
    result = parsed(
        post(1, thumbnail=41),
        post(2, thumbnail=42, status="trash"),
        post(3, thumbnail=43, post_type="page"),
        attachment(41, f"{UPLOADS}/shown.jpg", parent=1),
        attachment(42, f"{UPLOADS}/of-trash.jpg", parent=2),
        attachment(43, f"{UPLOADS}/of-page.jpg", parent=3),
        attachment(44, f"{UPLOADS}/unattached.jpg"),
    )
    assert dict(result.skipped) == {"attachment": 3, "trash": 1, "page": 1}


def test_texts_are_in_the_posts_locale_and_alt_only_from_the_alt_field() -> None:
    result = parsed(
        post(1, thumbnail=51, language="zh"),
        attachment(
            51,
            f"{UPLOADS}/class.jpg",
            parent=1,
            alt="粤语班",
            caption="<em>香港</em>的粤语班",
            description="A long description for the attachment page.",
        ),
        post(2, thumbnail=52),
        attachment(52, f"{UPLOADS}/no-alt.jpg", parent=2),
    )
    (_, zh), (_, en) = (media_of(draft)[0] for draft in result.drafts)
    assert (zh.alt, zh.caption) == ({"zh": "粤语班"}, {"zh": "香港的粤语班"})
    assert (en.alt, en.caption) == ({}, {})  # not the title, not the description


def test_credit_and_copyright_come_from_the_image_meta() -> None:
    data = metadata(image_meta={"credit": "Jane Doe/Agency", "copyright": "Agency", "iso": "0"})
    (draft,) = parsed(post(1, thumbnail=6), attachment(6, f"{UPLOADS}/p.jpg", data=data)).drafts
    ((_, image),) = media_of(draft)
    assert (image.credit, image.copyright_holder) == ("Jane Doe/Agency", "Agency")


def test_a_declared_mime_type_wins_and_a_document_is_no_image() -> None:
    result = parsed(
        post(1, '<img class="wp-image-62" src="x">', thumbnail=61),
        attachment(61, f"{UPLOADS}/file", mime="image/gif"),
        attachment(62, f"{UPLOADS}/report.pdf"),
    )
    (draft,) = result.drafts
    assert [(m.url.rsplit("/", 1)[1], m.mime_type) for _, m in media_of(draft)] == [
        ("file", "image/gif")
    ]
    assert result.skipped["media:kind"] == 1


# Hostile and broken exports: the bad piece goes, counted; the post is imported.


def test_a_featured_image_missing_from_the_export_is_counted() -> None:
    result = parsed(post(1, thumbnail=999), post(2, thumbnail="not-an-id"))
    assert [d.media for d in result.drafts] == [(), ()]
    assert dict(result.skipped) == {"media:missing": 2}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://blog.example/a.jpg",
        "/wp-content/uploads/a.jpg",
        "https://blog.example/a b.jpg",
        "",
    ],
)
def test_an_attachment_url_that_is_not_absolute_http_is_dropped(url: str) -> None:
    result = parsed(post(1, thumbnail=7), attachment(7, url))
    (draft,) = result.drafts
    assert draft.media == ()
    assert dict(result.skipped) == {"media:url": 1}


@pytest.mark.parametrize(
    "data",
    [
        'a:2:{s:5:"width";i:800;s:6:"height";i:533;',  # cut short
        'a:1:{s:9:"width";i:800;}',  # a wrong string length (a search-replace broke it)
        'O:8:"stdClass":1:{s:5:"width";i:800;}',  # an object
        'a:1:{s:5:"sizes";r:1;}',  # a reference
        "a:1:{" * 100 + "}" * 100,  # nested too deeply
        "{width: 800}",
        's:3:"abc";',  # not an array
    ],
)
def test_unreadable_metadata_is_counted_and_the_image_kept(data: str) -> None:
    result = parsed(post(1, thumbnail=8), attachment(8, f"{UPLOADS}/a.jpg", alt="A", data=data))
    ((_, image),) = media_of(result.drafts[0])
    assert (image.url, image.alt, image.width, image.renditions) == (
        f"{UPLOADS}/a.jpg",
        {"en-US": "A"},
        None,
        (),
    )
    assert dict(result.skipped) == {"media:metadata": 1}


@pytest.mark.parametrize(
    ("width", "height"),
    [(-800, 533), (0, 533), (800, 10**18), (800, None), ("800", "wide"), (1e308, 5.5), (True, 2)],
)
def test_sizes_out_of_range_are_dropped_and_counted(width: Any, height: Any) -> None:
    data = metadata(width, height)
    result = parsed(post(1, thumbnail=9), attachment(9, f"{UPLOADS}/photo.jpg", data=data))
    ((_, image),) = media_of(result.drafts[0])
    assert (image.width, image.height) == (None, None)
    assert len(image.renditions) == 2
    assert dict(result.skipped) == {"media:size": 1}


def test_bad_renditions_and_texts_are_dropped_one_by_one() -> None:
    sizes = {
        "ok": {"file": "p-300x200.jpg", "width": 300, "height": 200},
        "huge": {"file": "p-huge.jpg", "width": 10**9, "height": 200},
        "elsewhere": {"file": "https://evil.example/x.jpg", "width": 300, "height": 200},
        "escape": {"file": "../../../x.jpg", "width": 300, "height": 200},
        "no file": {"width": 300, "height": 200},
        "Fancy Name!": {"file": "p-fancy.jpg", "width": 10, "height": 10, "mime-type": "text/html"},
        "": "not an array",
    }
    data = php({"width": 1200, "height": 800, "sizes": sizes, "image_meta": {"credit": "x" * 301}})
    item = attachment(10, f"{UPLOADS}/p.jpg", alt="a" * 1001, caption="Fine.", data=data)
    result = parsed(post(1, thumbnail=10), item)
    ((_, image),) = media_of(result.drafts[0])
    assert [(r.name, r.url.rsplit("/", 1)[1], r.mime_type) for r in image.renditions] == [
        ("ok", "p-300x200.jpg", None),
        ("fancy-name", "p-fancy.jpg", None),
    ]
    assert (image.width, image.alt, image.caption, image.credit) == (
        1200,
        {},
        {"en-US": "Fine."},
        None,
    )
    assert dict(result.skipped) == {
        "media:rendition": 5,
        "media:rendition_mime_type": 1,
        "media:alt": 1,
        "media:credit": 1,
    }


def test_entities_stay_refused_and_character_references_are_just_text() -> None:
    bomb = export(post(1)).replace(
        b"<rss", b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n<rss', 1
    )
    with pytest.raises(ImportFailure, match="declares XML entities"):
        parse_wxr(bomb, source="bomb.xml")
    encoded = (
        "<item><title>f</title><wp:post_id>3</wp:post_id><wp:post_type>attachment</wp:post_type>"
        "<wp:attachment_url>&#104;ttps://blog.example/wp-content/uploads/2024/01/a.jpg"
        "</wp:attachment_url></item>"
    )
    (draft,) = parsed(post(1, thumbnail=3), encoded).drafts
    assert [m.url for _, m in media_of(draft)] == [f"{UPLOADS}/a.jpg"]


def test_more_media_than_an_article_holds_is_counted() -> None:
    images = "".join(f'<img class="wp-image-{n}" src="x">' for n in range(1000, 1105))
    items = [attachment(n, f"{UPLOADS}/i{n}.jpg") for n in range(1000, 1105)]
    result = parsed(post(1, images), *items)
    assert len(result.drafts[0].media) == 100
    assert dict(result.skipped) == {"media:limit": 5}


# PHP's serialize() format.


def test_php_values_of_every_supported_kind() -> None:
    text = (
        'a:7:{i:0;N;i:1;b:1;s:1:"i";i:-42;s:1:"d";d:0.5;s:1:"s";s:6:"città";s:1:"e";a:0:{}'
        's:1:"f";d:-INF;}'
    )
    assert php_unserialize(text) == {
        0: None, 1: True, "i": -42, "d": 0.5, "s": "città", "e": {}, "f": -math.inf
    }  # fmt: skip
    assert php_unserialize(b"  i:7;\n") == 7


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x",
        "i:;",
        "i:1",
        "i:12345678901234567890;",  # past PHP_INT_MAX's 19 digits
        "i:" + "9" * 5000 + ";",
        "d:1.2.3;",
        "b:2;",
        's:-1:"";',
        's:99999999999:"";',
        's:5:"abc";',
        "a:9999999999:{i:0;N;}",
        "a:1:{N;N;}",  # a null key
        "a:1:{a:0:{}i:1;}",  # an array key
        'O:8:"stdClass":0:{}',
        'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}',
        "r:1;",
        "R:1;",
        "i:1;i:2;",
        "a:0:{}}" + "a:1:{i:0;" * 40 + "N;" + "}" * 40,
    ],
)
def test_anything_else_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="not PHP serialize"):
        php_unserialize(text)


def test_nesting_is_bounded() -> None:
    assert php_unserialize("a:1:{i:0;" * 31 + "N;" + "}" * 31) is not None
    with pytest.raises(ValueError, match="deeper than 32"):
        php_unserialize("a:1:{i:0;" * 33 + "N;" + "}" * 33)


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
php_values: st.SearchStrategy[PhpValue] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: st.dictionaries(st.integers(-1000, 1000) | texts, children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=200)
@given(php_values)
def test_what_php_serializes_reads_back_the_same(value: PhpValue) -> None:
    assert php_unserialize(php(value)) == value


php_pieces = st.sampled_from(
    ["a:", "s:", "i:", "d:", "b:", "O:", "r:", "N;", "{", "}", ";", ":", '"', "0", "1", "9",
     "-", ".", "e", "INF", "é", "\x00", 'a:1:{s:5:"width";i:800;}', 's:4:"ab";']
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(php_pieces, max_size=30).map("".join) | st.binary(max_size=60))
def test_any_input_is_a_value_or_a_value_error(data: str | bytes) -> None:
    try:
        php_unserialize(data)
    except ValueError as exc:
        message = str(exc)
    else:
        return
    assert message.startswith("not PHP serialize() data at byte ")


@settings(max_examples=100)
@given(st.lists(php_pieces.filter(lambda piece: piece != "\x00"), max_size=30).map("".join))
def test_any_metadata_leaves_the_post_importable(data: str) -> None:  # (XML has no NUL)
    result = parsed(post(1, thumbnail=2), attachment(2, f"{UPLOADS}/a.jpg", data=data))
    assert [len(draft.media) for draft in result.drafts] == [1]
