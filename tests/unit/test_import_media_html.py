"""HTML pages keep their lead image: JSON-LD ``image`` and Open Graph ``og:image``."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import MediaDraft, MediaRole
from newscms.domain.media import DIMENSION_MAX
from newscms.errors import NewsCMSError
from newscms.importers import ImportOptions, ParsedSource, parse_html
from newscms.importers.html import og_images

PAGE_URL = "https://news.example/2024/05/story.html"


def page(head: str = "", *, ld: dict[str, Any] | None = None) -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return (
        f'<html lang="en"><head><title>Story</title>{head}{script}</head>'
        "<body><article><p>Text.</p></article></body></html>"
    )


def og(**properties: str) -> str:
    """Open Graph meta tags: ``image_width="1200"`` is ``og:image:width``."""
    return "".join(
        f'<meta property="og:{key.replace("_", ":", 1)}" content="{value}">'
        for key, value in properties.items()
    )


def meta(prop: str, content: str) -> str:
    return f'<meta property="{prop}" content="{content}">'


def parsed(html: str, source: str = PAGE_URL) -> ParsedSource:
    return parse_html(html, source=source)


def lead(result: ParsedSource) -> MediaDraft | None:
    (draft,) = result.drafts
    if not draft.media:
        return None
    (item,) = draft.media
    assert item.role is MediaRole.LEAD
    assert item.media is not None
    return item.media


def test_og_image_with_its_structured_properties() -> None:
    head = "".join(
        [
            meta("og:image", "http://cdn.news.example/a.jpg"),
            meta("og:image:secure_url", "https://cdn.news.example/a.jpg"),
            meta("og:image:type", "image/jpeg"),
            meta("og:image:width", "1200"),
            meta("og:image:height", "630"),
            meta("og:image:alt", "Rescuers on the shore"),
        ]
    )
    result = parsed(page(head))
    image = lead(result)
    assert image is not None
    assert image.url == "https://cdn.news.example/a.jpg"  # the https secure_url wins
    assert (image.mime_type, image.width, image.height) == ("image/jpeg", 1200, 630)
    assert image.alt == {"en": "Rescuers on the shore"}
    assert dict(result.skipped) == {}


def test_each_og_image_has_the_properties_that_follow_it() -> None:
    document = lxml.html.document_fromstring(
        page(
            meta("og:image:secure_url", "https://x.example/first.jpg")
            + meta("og:image", "http://x.example/first.jpg")
            + meta("og:image:url", "http://x.example/first.jpg")  # the same image, again
            + meta("og:image:width", "800")
            + meta("og:image:width", "900")  # repeated: the first counts
            + meta("og:image", "https://x.example/second.jpg")
            + meta("og:image:height", "400")
            + meta("og:title", "not an image property")
        )
    )
    assert og_images(document) == [
        {"secure_url": "https://x.example/first.jpg", "url": "http://x.example/first.jpg",
         "width": "800"},
        {"url": "https://x.example/second.jpg", "height": "400"},
    ]  # fmt: skip


def test_json_ld_image_object_with_every_detail() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "H",
        "image": {
            "@type": "ImageObject",
            "contentUrl": "https://news.example/files/flood.jpg",
            "width": {"@type": "QuantitativeValue", "value": 1600, "unitCode": "E37"},
            "height": "900px",
            "caption": "Flooded streets of Yangon.",
            "creditText": "Ko Aung/AsiaNews",
            "copyrightHolder": {"@type": "Organization", "name": "AsiaNews"},
            "encodingFormat": "image/jpeg",
        },
    }
    image = lead(parsed(page(ld=ld)))
    assert image is not None
    assert image.model_dump(exclude_defaults=True) == {
        "url": "https://news.example/files/flood.jpg",
        "mime_type": "image/jpeg",
        "width": 1600,
        "height": 900,
        "caption": {"en": "Flooded streets of Yangon."},
        "credit": "Ko Aung/AsiaNews",
        "copyright_holder": "AsiaNews",
    }


def test_json_ld_wins_on_details_and_open_graph_fills_the_gaps_for_one_image() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "H",
        "image": [{"@id": "#primary"}, "https://news.example/other.jpg"],
        "@graph": [],
    }
    graph = {
        "@graph": [
            ld,
            {"@type": "ImageObject", "@id": "#primary", "url": "/files/a.jpg", "caption": "LD"},
        ]
    }
    head = (
        og(image="https://www.news.example/files/a.jpg", image_alt="OG alt")
        + meta("og:image:width", "10")
        + meta("og:image:height", "20")
    )
    image = lead(parsed(page(head, ld=graph)))
    assert image is not None
    assert image.url == "https://news.example/files/a.jpg"  # JSON-LD's spelling of the URL
    assert (image.caption, image.alt) == ({"en": "LD"}, {"en": "OG alt"})
    assert (image.width, image.height) == (10, 20)


def test_one_lead_image_only_json_ld_first() -> None:
    images = ["https://a.example/1.jpg", "https://a.example/2.jpg"]
    ld = {"@type": "NewsArticle", "headline": "H", "image": images}
    result = parsed(page(og(image="https://a.example/og.jpg"), ld=ld))
    image = lead(result)
    assert image is not None
    assert image.url == "https://a.example/1.jpg"
    assert dict(result.skipped) == {}


def test_relative_urls_resolve_against_the_canonical_url() -> None:
    head = '<link rel="canonical" href="https://news.example/en/story">' + og(image="/img/a.jpg")
    image = lead(parsed(page(head), source="mirror/story.html"))
    assert image is not None
    assert image.url == "https://news.example/img/a.jpg"
    protocol_relative = lead(parsed(page(og(image="//cdn.example/b.jpg"))))
    assert protocol_relative is not None
    assert protocol_relative.url == "https://cdn.example/b.jpg"


def test_a_relative_url_without_a_known_base_is_skipped_never_invented() -> None:
    result = parsed(page(og(image="/img/a.jpg")), source="mirror/story.html")
    assert lead(result) is None
    assert dict(result.skipped) == {"media:url": 1}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://x.example/a.jpg",
        "file:///etc/passwd",
        "https://",
        "https://[::1/a.jpg",
    ],
)
def test_an_image_url_that_is_not_http_is_skipped_and_the_next_one_used(url: str) -> None:
    ld = {"@type": "NewsArticle", "headline": "H", "image": url}
    result = parsed(page(og(image="https://x.example/ok.jpg"), ld=ld), source="page.html")
    image = lead(result)
    assert image is not None
    assert image.url == "https://x.example/ok.jpg"
    assert dict(result.skipped) == {"media:url": 1}


@pytest.mark.parametrize(
    ("width", "height"),
    [("-1", "630"), ("0", "630"), ("1e9", "630"), ("9" * 40, "630"), ("1200", ""), ("12.5", "6")],
)
def test_bad_sizes_are_dropped_and_counted_the_image_kept(width: str, height: str) -> None:
    head = og(image="https://x.example/a.jpg", image_width=width, image_height=height)
    result = parsed(page(head))
    image = lead(result)
    assert image is not None
    assert (image.width, image.height) == (None, None)
    assert dict(result.skipped) == {"media:size": 1}


def test_bad_texts_and_types_are_dropped_and_counted() -> None:
    head = og(image="https://x.example/a.jpg", image_type="text/html", image_alt="a" * 1001)
    result = parsed(page(head))
    image = lead(result)
    assert image is not None
    assert (image.mime_type, image.alt) == (None, {})
    assert dict(result.skipped) == {"media:mime_type": 1, "media:alt": 1}


def test_json_ld_image_of_odd_shapes_is_read_or_ignored() -> None:
    odd: list[Any] = [None, 42, [], [None, {"@type": "ImageObject"}], {"url": [3]}, {"url": 5}]
    for value in odd:
        ld = {"@type": "NewsArticle", "headline": "H", "image": value}
        result = parsed(page(ld=ld))
        assert result.drafts[0].media == ()
    ld = {"@type": "NewsArticle", "headline": "H", "image": {"url": [7, "https://x.example/a"]}}
    image = lead(parsed(page(ld=ld)))
    assert image is not None
    assert image.url == "https://x.example/a"


def test_json_ld_authors_fill_the_byline() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "H",
        "author": [{"@type": "Organization", "name": "AsiaNews Desk"}, "Jane Doe"],
    }
    (draft,) = parsed(page(ld=ld)).drafts
    assert [p.name for p in draft.byline] == ["AsiaNews Desk", "Jane Doe"]


og_keys = st.sampled_from(
    ["og:image", "og:image:url", "og:image:secure_url", "og:image:type", "og:image:width",
     "og:image:height", "og:image:alt", "og:title", "OG:IMAGE", "og:image:"]
)  # fmt: skip
og_values = st.one_of(
    st.sampled_from(
        ["https://x.example/a.jpg", "http://x.example/b.png", "//cdn.example/c.jpg", "/d.jpg",
         "javascript:alert(1)", "data:,x", "1200", "-5", "0", "1e400", "99999999999", "image/png",
         "text/html", "&amp;", "", " ", "https://[::1"]
    ),
    st.text(max_size=30),
)  # fmt: skip


def meta_tags(pairs: list[tuple[str, str]]) -> str:
    return "".join(
        f'<meta property="{key}" content="{value.replace(chr(34), "&quot;")}">'
        for key, value in pairs
    )


@settings(max_examples=200)
@given(st.lists(st.tuples(og_keys, og_values), max_size=12))
def test_og_images_group_every_image_property_in_order(pairs: list[tuple[str, str]]) -> None:
    with contextlib.suppress(NewsCMSError, ValueError):  # text lxml refuses (NUL)
        document = lxml.html.document_fromstring(page(meta_tags(pairs)))
        images = og_images(document)
        pieces = {"url", "secure_url", "type", "width", "height", "alt"}
        assert all(image and set(image) <= pieces for image in images)
        assert all(value == value.strip() and value for image in images for value in image.values())
        starts = sum(1 for key, value in pairs if key.lower() in ("og:image",) and value.strip())
        assert len(images) <= len(pairs)
        assert len(images) >= min(starts, 1)


@settings(max_examples=200)
@given(st.lists(st.tuples(og_keys, og_values), max_size=12), st.sampled_from([PAGE_URL, "p.html"]))
def test_any_og_image_tags_give_a_valid_lead_or_none(
    pairs: list[tuple[str, str]], source: str
) -> None:
    try:
        result = parse_html(page(meta_tags(pairs)), source=source, options=ImportOptions("en"))
    except NewsCMSError:
        return
    (draft,) = result.drafts
    assert len(draft.media) <= 1
    for item in draft.media:
        assert item.media is not None
        assert item.media.url.startswith(("http://", "https://"))
        sizes = (item.media.width, item.media.height)
        assert sizes == (None, None) or all(1 <= size <= DIMENSION_MAX for size in sizes)  # type: ignore[operator]
    assert all(key.startswith("media:") and count > 0 for key, count in result.skipped.items())
