"""schema.org JSON-LD, checked against the schema.org 30.0 vocabulary and read back from HTML."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from _media_fixtures import INLINE, LEAD, VIDEO, with_media
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from newscms.domain import Article, MediaRole, PendingTarget
from newscms.domain.workflow import Correction
from newscms.formats import Site, jsonld_script, to_jsonld

VOCABULARY = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "schemas"
    / "schemaorg"
    / "schemaorg-30.0-current-http.jsonld"
)
DATATYPES_FOR_TEXT = {"Text", "URL", "DateTime", "Date", "Time"}


def _ids(value: Any) -> set[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return {item["@id"].removeprefix("schema:") for item in items}


@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, tuple[set[str], set[str]]]]:
    """Superclasses of every type, and (domains, ranges) of every property."""
    graph = json.loads(VOCABULARY.read_text(encoding="utf-8"))["@graph"]
    parents: dict[str, set[str]] = {}
    properties: dict[str, tuple[set[str], set[str]]] = {}
    for node in graph:
        name = node["@id"].removeprefix("schema:")
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdf:Property" in kinds:
            domains = _ids(node.get("schema:domainIncludes"))
            ranges = _ids(node.get("schema:rangeIncludes"))
            properties[name] = (domains, ranges)
        else:
            parents[name] = _ids(node.get("rdfs:subClassOf"))
    return parents, properties


def ancestors(kind: str) -> set[str]:
    parents, _ = vocabulary()
    assert kind in parents, f"{kind} is not a schema.org type"
    seen, todo = {kind}, [kind]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def vocabulary_problems(node: dict[str, Any], path: str = "$") -> list[str]:
    """Every property that does not exist, or does not apply to its type or value."""
    _, properties = vocabulary()
    kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
    lineage = set().union(*(ancestors(kind) for kind in kinds))
    problems = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        where = f"{path}.{key}"
        if key not in properties:
            problems.append(f"{where}: no such schema.org property")
            continue
        domains, ranges = properties[key]
        if not lineage & domains:
            problems.append(f"{where}: does not apply to {kinds} (domain: {sorted(domains)})")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "@type" in item:
                if not ancestors(item["@type"]) & ranges:
                    problems.append(f"{where}: a {item['@type']} is not in {sorted(ranges)}")
                problems += vocabulary_problems(item, where)
            elif isinstance(item, dict):
                assert set(item) == {"@id"}, f"{where}: an untyped node must be a reference"
            elif isinstance(item, bool):
                problems.append(f"{where}: unexpected boolean")
            elif isinstance(item, int):
                if not ranges & {"Integer", "Number"}:
                    problems.append(f"{where}: a number is not in {sorted(ranges)}")
            elif not ranges & DATATYPES_FOR_TEXT:
                problems.append(f"{where}: text is not in {sorted(ranges)}")
    return problems


def corrected(article: Article) -> Article:
    """``article`` carrying one entry in its public correction log."""
    correction = Correction(
        id=UUID(int=7),
        created_at=datetime(2012, 6, 15, 9, 0, tzinfo=UTC),
        note="An earlier version gave the wrong date for the nuclear tests.",
        fields=("body",),
        version=2,
    )
    return article.model_copy(update={"corrections": (correction,)})


def test_the_checker_catches_wrong_properties() -> None:
    bad = {
        "@type": "NewsArticle",
        "headline": "x",
        "dateline": "Seoul",
        "nonsense": 1,
        "author": {"@type": "Place", "name": "Seoul"},
        "publisher": {"@type": "Organization", "articleBody": "x"},
    }
    assert vocabulary_problems(bad) == [
        "$.nonsense: no such schema.org property",
        "$.author: a Place is not in ['Organization', 'Person']",
        "$.publisher.articleBody: does not apply to ['Organization'] (domain: ['Article'])",
    ]


def test_every_published_example_uses_the_vocabulary_correctly(
    example_article: Article, site: Site
) -> None:
    if example_article.published_at is None:  # the site's URLs need a date
        site = Site(name=site.name, base_url=site.base_url, article_url=f"{site.base_url}{{id}}")
    document = to_jsonld(corrected(example_article), site=site, include_body=True)
    assert document["@context"] == "https://schema.org"
    assert vocabulary_problems(document) == []


def test_sample_article_fields(asianews: Article, site: Site) -> None:
    doc = to_jsonld(asianews, site=site)
    url = site.url_for(asianews)
    assert doc["@type"] == "NewsArticle"
    assert doc["headline"] == asianews.headline
    assert doc["description"] == asianews.summary
    assert "articleBody" not in doc
    assert doc["datePublished"] == "2012-06-14T00:00:00+02:00"
    assert doc["dateModified"] == "2026-01-15T13:00:00+01:00"
    assert doc["author"] == [{"@type": "Person", "name": "Joseph Yun Li-sun"}]
    assert doc["dateline"] == "Seoul (AsiaNews)"
    assert doc["articleSection"] == ["Asia"]
    assert doc["keywords"] == ["Nuclear weapons", "Arms trade"]
    assert [p["name"] for p in doc["contentLocation"]] == ["KOREA", "CHINA"]
    assert {p["@type"] for p in doc["contentLocation"]} == {"Place"}
    assert [(a["@type"], a["name"]) for a in doc["about"]] == [
        ("Place", "KOREA"),
        ("Place", "CHINA"),
        ("Person", "Liu Weimin"),
        ("Organization", "United Nations"),
    ]
    assert doc["inLanguage"] == "en"
    assert doc["isBasedOn"] == asianews.source.locator  # type: ignore[union-attr]
    assert doc["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "PIME AsiaNews",
        "url": "https://www.asianews.it/",
        "logo": {"@type": "ImageObject", "url": "https://www.asianews.it/images/logo.png"},
    }
    assert doc["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert doc["url"] == url
    assert doc["identifier"] == f"urn:uuid:{asianews.id}"
    assert "correction" not in doc
    assert "alternativeHeadline" not in doc


def test_expiry_is_the_works_expires(italian: Article, site: Site) -> None:
    until = datetime(2026, 2, 16, 6, 0, tzinfo=UTC)
    document = to_jsonld(italian.model_copy(update={"expires_at": until}), site=site)
    assert document["expires"] == "2026-02-16T07:00:00+01:00"
    assert vocabulary_problems(document) == []
    assert "expires" not in to_jsonld(italian, site=site)


def test_body_and_word_count_on_request(italian: Article, site: Site) -> None:
    doc = to_jsonld(italian, site=site, include_body=True)
    assert doc["articleBody"].startswith("Il governo cinese «sta perdendo la pazienza")
    assert "<" not in doc["articleBody"]
    assert doc["wordCount"] > 20
    assert doc["alternativeHeadline"] == italian.subheadline


def test_credits_follow_byline_roles(chinese: Article, italian: Article, site: Site) -> None:
    assert to_jsonld(chinese, site=site)["translator"] == [{"@type": "Person", "name": "王小明"}]
    doc = to_jsonld(italian, site=site)
    assert doc["author"] == [{"@type": "Person", "name": "Joseph Yun Li-sun"}]
    assert doc["editor"] == [{"@type": "Person", "name": "Bernardo Cervellera"}]


def test_a_later_version_is_a_translation_of_the_original(italian: Article, site: Site) -> None:
    doc = to_jsonld(italian, site=site)
    original = doc["translationOfWork"]
    target = italian.relations[0].target
    assert target is not None
    assert original["url"] == site.url_for(target)
    assert original["inLanguage"] == "en"
    assert original["headline"] == target.headline
    assert "workTranslation" not in doc


def test_the_original_lists_later_versions(
    asianews: Article, italian: Article, site: Site, make: Any
) -> None:
    english = make(
        "english-original",
        published_at=asianews.published_at,
        relations=[
            ("translation", italian.ref),
            ("translation", PendingTarget(title="北京不想帮助平壤", locale="zh-CN")),
        ],
    )
    doc = to_jsonld(english, site=site)
    assert "translationOfWork" not in doc
    assert [work["inLanguage"] for work in doc["workTranslation"]] == ["it", "zh-CN"]
    assert doc["workTranslation"][0]["url"] == site.url_for(italian)


def test_canonical_url_elsewhere_keeps_the_page_as_main_entity(
    italian: Article, site: Site
) -> None:
    doc = to_jsonld(italian, site=site)
    assert doc["url"] == italian.canonical_url
    assert doc["mainEntityOfPage"]["@id"] == site.url_for(italian)


def test_corrections_are_correction_comments(asianews: Article, site: Site) -> None:
    assert "correction" not in to_jsonld(asianews, site=site)
    doc = to_jsonld(corrected(asianews), site=site)
    assert doc["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version gave the wrong date for the nuclear tests.",
            "datePublished": "2012-06-15T11:00:00+02:00",
        }
    ]


def extract(page: str) -> list[Any]:
    tree = lxml_html.fromstring(page)
    return [
        json.loads(script.text) for script in tree.xpath('//script[@type="application/ld+json"]')
    ]


def page_with(script: str) -> str:
    return f"<!DOCTYPE html><html><head><title>t</title>{script}</head><body><p>x</p></body></html>"


def test_script_is_read_back_from_html(example_article: Article, site: Site) -> None:
    if example_article.published_at is None:
        return
    document = to_jsonld(corrected(example_article), site=site, include_body=True)
    assert extract(page_with(jsonld_script(document))) == [document]


def test_a_headline_cannot_close_the_script(asianews: Article, site: Site) -> None:
    hostile = asianews.model_copy(
        update={"headline": '</script><script>alert("x")</script><!-- & -->'}
    )
    script = jsonld_script(to_jsonld(hostile, site=site))
    assert script.count("<") == 2  # the opening and the closing tag, nothing else
    assert extract(page_with(script))[0]["headline"] == hostile.headline


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80))
def test_any_text_survives_the_html_round_trip(text: str) -> None:
    document = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": text}
    assert extract(page_with(jsonld_script(document))) == [document]


def test_an_illustrated_example_uses_the_vocabulary_correctly(
    example_article: Article, site: Site
) -> None:
    if example_article.published_at is None:
        site = Site(name=site.name, base_url=site.base_url, article_url=f"{site.base_url}{{id}}")
    document = to_jsonld(with_media(corrected(example_article)), site=site, include_body=True)
    assert document["image"]
    assert vocabulary_problems(document) == []
    assert extract(page_with(jsonld_script(document))) == [document]


def test_images_are_the_lead_its_large_renditions_then_the_gallery(
    asianews: Article, site: Site
) -> None:
    images = to_jsonld(with_media(asianews), site=site)["image"]
    assert [image["url"] for image in images] == [
        LEAD.url,
        LEAD.renditions[0].url,  # 16x9
        LEAD.renditions[1].url,  # 1x1; the 200x133 thumbnail is too small to stand for it
        "https://www.asianews.it/files/img/%E5%B9%B3%E5%A3%A4-street.png",  # the gallery
    ]  # the inline map is placed by the body; the video is no image
    assert images[0] == {
        "@type": "ImageObject",
        "url": LEAD.url,
        "contentUrl": LEAD.url,
        "width": {"@type": "QuantitativeValue", "value": 3000, "unitCode": "E37"},
        "height": {"@type": "QuantitativeValue", "value": 2000, "unitCode": "E37"},
        "encodingFormat": "image/jpeg",
        "caption": LEAD.caption,
        "description": LEAD.alt,
        "creditText": "Photo: AFP / Ed Jones",
        "copyrightHolder": {"@type": "Organization", "name": "Agence France-Presse"},
    }
    crop = images[2]
    assert (crop["encodingFormat"], crop["width"]["value"], crop["height"]["value"]) == (
        "image/webp",
        1200,
        1200,
    )
    assert crop["creditText"] == images[0]["creditText"]  # a crop keeps the picture's rights
    assert images[3] == {
        "@type": "ImageObject",
        "url": images[3]["url"],
        "contentUrl": images[3]["url"],
        "width": {"@type": "QuantitativeValue", "value": 800, "unitCode": "E37"},
        "height": {"@type": "QuantitativeValue", "value": 600, "unitCode": "E37"},
        "encodingFormat": "image/png",
        "caption": "Pyongyang's main street",
    }


def test_media_only_add_the_image_property(example_article: Article, site: Site) -> None:
    if example_article.published_at is None:
        site = Site(name=site.name, base_url=site.base_url, article_url=f"{site.base_url}{{id}}")
    plain = to_jsonld(example_article, site=site, include_body=True)
    assert "image" not in plain
    illustrated = to_jsonld(with_media(example_article), site=site, include_body=True)
    del illustrated["image"]
    assert illustrated == plain


def test_a_gallery_without_a_lead_has_no_renditions(asianews: Article, site: Site) -> None:
    gallery = LEAD.model_copy(update={"role": MediaRole.GALLERY})
    images = to_jsonld(with_media(asianews, gallery, VIDEO), site=site)["image"]
    assert [image["url"] for image in images] == [LEAD.url]


def test_nothing_but_http_images_is_written(asianews: Article, site: Site) -> None:
    hostile = LEAD.model_copy(update={"url": "javascript:alert(1)"})
    assert "image" not in to_jsonld(with_media(asianews, hostile, INLINE, VIDEO), site=site)
