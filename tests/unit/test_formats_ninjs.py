"""ninjs 2.2 / 2.1 output, checked against IPTC's own schemas with format checking on."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from _media_fixtures import ALL_MEDIA, INLINE, LEAD, VIDEO, with_media
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from newscms.domain import Article, MediaKind, Status
from newscms.errors import ValidationError
from newscms.formats import Site, to_ninjs
from newscms.formats.ninjs import NINJS_SCHEMAS
from newscms.utils.html import html_to_text, word_count

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"
GEOJSON_ID = "https://geojson.org/schema/GeoJSON.json"


def _offline(uri: str) -> Resource:
    raise AssertionError(f"the validator tried to fetch {uri}; every schema must be local")


def validator(version: str) -> Draft202012Validator:
    """IPTC's schema with the GeoJSON schema registered locally and format checking on."""
    schema = json.loads((SCHEMAS / f"ninjs-{version}.json").read_text(encoding="utf-8"))
    geojson = json.loads((SCHEMAS / "geojson.json").read_text(encoding="utf-8"))
    registry: Registry = Registry(retrieve=_offline).with_resource(  # type: ignore[call-arg]
        GEOJSON_ID, Resource.from_contents(geojson)
    )
    checker = FormatChecker()
    # Without these checkers "format" is only an annotation and nothing would be checked.
    assert {"uri", "date-time"} <= set(checker.checkers)
    return Draft202012Validator(schema, registry=registry, format_checker=checker)


VALIDATORS = {version: validator(version) for version in NINJS_SCHEMAS}


def errors(document: dict[str, Any], version: str = "2.2") -> list[str]:
    found = VALIDATORS[version].iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


SUITE = sorted((SCHEMAS / "ninjs-testsuite-2.2").rglob("*.json"))


@pytest.mark.parametrize("path", SUITE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_iptc_test_suite_passes_and_fails_as_iptc_says(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    if path.parent.name == "should_pass":
        assert errors(document) == []
    else:
        assert path.parent.name == "should_fail"
        assert errors(document) != []


def test_suite_has_both_kinds() -> None:
    assert {path.parent.name for path in SUITE} == {"should_pass", "should_fail"}


def test_format_checking_is_really_on(asianews: Article, site: Site) -> None:
    document = to_ninjs(asianews, site=site)
    document["firstcreated"] = "14/06/2012"
    document["uri"] = "not a uri"
    messages = errors(document)
    assert any(m.startswith("firstcreated:") for m in messages)
    assert any(m.startswith("uri:") for m in messages)


@pytest.mark.parametrize("version", sorted(NINJS_SCHEMAS))
def test_every_example_is_valid_ninjs(example_article: Article, site: Site, version: str) -> None:
    for with_site in (site, None):
        document = to_ninjs(example_article, site=with_site, version=version)  # type: ignore[arg-type]
        assert errors(document, version) == []
        assert document["standard"]["version"] == version
        json.dumps(document, ensure_ascii=False).encode("utf-8")


def test_embargo_is_written_and_valid(italian: Article, site: Site) -> None:
    until = datetime(2026, 1, 16, 6, 0, tzinfo=UTC)
    document = to_ninjs(italian.model_copy(update={"embargoed_until": until}), site=site)
    assert document["embargoed"] == "2026-01-16T07:00:00+01:00"
    assert errors(document) == []
    assert "embargoed" not in to_ninjs(italian, site=site)


@pytest.mark.parametrize("version", ["2.2", "2.1"])
def test_expiry_is_written_and_valid(italian: Article, site: Site, version: str) -> None:
    until = datetime(2026, 2, 16, 6, 0, tzinfo=UTC)
    article = italian.model_copy(update={"expires_at": until})
    document = to_ninjs(article, site=site, version=version)  # type: ignore[arg-type]
    assert document["expires"] == "2026-02-16T07:00:00+01:00"
    assert errors(document, version) == []
    assert "expires" not in to_ninjs(italian, site=site)


def test_unknown_version_is_refused(asianews: Article) -> None:
    with pytest.raises(ValidationError) as caught:
        to_ninjs(asianews, version="3.1")  # type: ignore[arg-type]
    assert caught.value.field == "version"


def test_sample_article_fields(asianews: Article, site: Site) -> None:
    doc = to_ninjs(asianews, site=site)
    assert doc["uri"] == f"urn:uuid:{asianews.id}"
    assert uuid.UUID(doc["uri"].removeprefix("urn:uuid:")) == asianews.id
    assert doc["type"] == "text"
    assert doc["version"] == "1"
    assert doc["language"] == "en"
    assert doc["slugline"] == asianews.slug
    assert doc["pubstatus"] == "usable"
    # 06/14/2012 with no time, read in Rome: the site's zone gives back the page's date.
    assert doc["firstcreated"] == "2012-06-14T00:00:00+02:00"
    assert doc["versioncreated"] == "2026-01-15T13:00:00+01:00"
    assert doc["headlines"] == [
        {"role": "main", "contenttype": "text/plain", "value": asianews.headline}
    ]
    assert doc["descriptions"][0]["value"] == asianews.summary
    (body,) = doc["bodies"]
    assert body["contenttype"] == "text/html"
    assert body["value"] == asianews.body
    text = html_to_text(asianews.body)
    assert body["charcount"] == len(text)
    assert body["wordcount"] == word_count(text) > 250
    assert doc["by"] == "Joseph Yun Li-sun"
    assert doc["people"][0] == {"name": "Joseph Yun Li-sun", "rel": "author"}
    assert doc["located"] == "Seoul"
    assert doc["infosources"] == [
        {"name": "AsiaNews"},
        {"name": "www.asianews.it", "uri": asianews.source.locator, "role": "import"},  # type: ignore[union-attr]
    ]
    assert [(p["name"], p["literal"]) for p in doc["places"]] == [
        ("KOREA", "korea"),
        ("CHINA", "china"),
    ]
    assert [(s["name"], s["rel"]) for s in doc["subjects"]] == [
        ("Nuclear weapons", "topic"),
        ("Arms trade", "topic"),
        ("Asia", "section"),
    ]
    assert doc["people"][1]["name"] == "Liu Weimin"
    assert doc["people"][1]["uri"].startswith("urn:uuid:")
    assert doc["organisations"][0]["name"] == "United Nations"
    assert doc["altids"] == [
        {"role": "canonical-url", "value": site.url_for(asianews)},
        {"role": "source:legacy", "value": asianews.source.locator},  # type: ignore[union-attr]
    ]


def test_see_also_are_pending_associations_in_order(asianews: Article) -> None:
    associations = to_ninjs(asianews)["associations"]
    assert [a["name"] for a in associations] == ["see_also"] * 5
    assert [a["headlines"][0]["value"] for a in associations] == [
        r.pending.title for r in asianews.relations if r.pending
    ]
    first = associations[0]
    assert first["uri"] == f"urn:uuid:{asianews.relations[0].id}"
    assert first["firstcreated"] == "2016-02-12T14:14:00+00:00"  # 15:14 in Rome
    assert "altids" not in first  # nothing known but the title and the date


def test_resolved_and_pending_associations(italian: Article, site: Site) -> None:
    translation, see_also = to_ninjs(italian, site=site)["associations"]
    target = italian.relations[0].target
    assert target is not None
    assert translation["name"] == "translation"
    assert translation["uri"] == f"urn:uuid:{target.id}"
    assert translation["language"] == "en"
    assert translation["pubstatus"] == "usable"
    assert translation["altids"] == [{"role": "canonical-url", "value": site.url_for(target)}]
    assert see_also["altids"][0]["value"] == italian.relations[1].pending.url  # type: ignore[union-attr]


def test_canonical_url_wins_over_the_site_url(italian: Article, site: Site) -> None:
    altids = to_ninjs(italian, site=site)["altids"]
    assert altids == [{"role": "canonical-url", "value": italian.canonical_url}]


@pytest.mark.parametrize(
    ("status", "pubstatus"),
    [
        (Status.PUBLISHED, "usable"),
        (Status.SCHEDULED, "withheld"),
        (Status.DRAFT, "withheld"),
        (Status.ARCHIVED, "canceled"),
    ],
)
def test_pubstatus_follows_status(asianews: Article, status: Status, pubstatus: str) -> None:
    assert to_ninjs(asianews.model_copy(update={"status": status}))["pubstatus"] == pubstatus


def test_bare_draft_has_no_empty_fields(make: Any) -> None:
    draft = make("bare", status=Status.DRAFT, published_at=None, first_published_at=None)
    doc = to_ninjs(draft)
    assert "firstcreated" not in doc
    for name in ("bodies", "descriptions", "people", "by", "located", "associations", "altids"):
        assert name not in doc
    assert doc["pubstatus"] == "withheld"


def test_figure_captions_are_not_counted(italian: Article) -> None:
    (body,) = to_ninjs(italian)["bodies"]
    assert "Il leader nordcoreano" in body["value"]
    assert body["charcount"] == len(html_to_text(italian.body)) - len("Il leader nordcoreano") - 2


def test_cjk_words_are_counted_per_character(site: Site, make: Any) -> None:
    article = make("zh", locale="zh-CN", headline="标题", body="<p>中国政府</p>")
    (body,) = to_ninjs(article, site=site)["bodies"]
    assert body["wordcount"] == 4
    assert body["charcount"] == 4


def test_byline_roles_and_names_in_the_article_language(site: Site, chinese: Article) -> None:
    doc = to_ninjs(chinese, site=site)
    assert doc["by"] == "李顺和王小明"
    assert doc["people"] == [
        {"name": "李顺", "rel": "author"},
        {"name": "王小明", "rel": "translator"},
    ]


@pytest.mark.parametrize("version", sorted(NINJS_SCHEMAS))
def test_every_illustrated_example_is_valid_ninjs(
    example_article: Article, site: Site, version: str
) -> None:
    for with_site in (site, None):
        document = to_ninjs(with_media(example_article), site=with_site, version=version)  # type: ignore[arg-type]
        assert errors(document, version) == []
        assert [a["type"] for a in document["associations"]][-4:] == [
            "picture",
            "picture",
            "picture",
            "video",
        ]


def test_media_follow_the_relations_as_associations(asianews: Article) -> None:
    associations = to_ninjs(with_media(asianews))["associations"]
    assert [a["name"] for a in associations] == ["see_also"] * 5 + [
        "lead",
        "gallery",
        "inline",
        "gallery",
    ]
    lead, gallery, inline, video = associations[5:]
    assert lead == {
        "name": "lead",
        "uri": f"urn:uuid:{LEAD.id}",
        "type": "picture",
        "language": "en",
        "descriptions": [
            {"role": "caption", "contenttype": "text/plain", "value": LEAD.caption},
            {"role": "alt", "contenttype": "text/plain", "value": LEAD.alt},
        ],
        "by": "Photo: AFP / Ed Jones",
        "copyrightholder": "Agence France-Presse",
        "renditions": [
            {
                "name": "original",
                "href": LEAD.url,
                "contenttype": "image/jpeg",
                "width": 3000,
                "height": 2000,
            },
            {
                "name": "16x9",
                "href": LEAD.renditions[0].url,
                "contenttype": "image/jpeg",
                "width": 1600,
                "height": 900,
            },
            {
                "name": "1x1",
                "href": LEAD.renditions[1].url,
                "contenttype": "image/webp",
                "width": 1200,
                "height": 1200,
            },
            {"name": "thumbnail", "href": LEAD.renditions[2].url, "width": 200, "height": 133},
        ],
    }
    assert gallery["language"] == "it"  # the caption came from the Italian edition
    assert gallery["renditions"] == [
        {
            "name": "original",
            "href": "https://www.asianews.it/files/img/%E5%B9%B3%E5%A3%A4-street.png",
            "contenttype": "image/png",
            "width": 800,
            "height": 600,
        }
    ]
    assert inline == {
        "name": "inline",
        "uri": f"urn:uuid:{INLINE.id}",
        "type": "picture",
        "renditions": [{"name": "original", "href": INLINE.url, "contenttype": "image/gif"}],
    }
    assert (video["type"], video["by"]) == ("video", "KCNA")


def test_an_alt_text_alone_gives_the_language(asianews: Article) -> None:
    sound = VIDEO.model_copy(
        update={
            "kind": MediaKind.AUDIO,
            "mime_type": "audio/mpeg",
            "caption": None,
            "alt": "Il suono della parata",
            "alt_locale": "it",
            "width": None,
            "height": None,
        }
    )
    (entry,) = to_ninjs(with_media(asianews, sound))["associations"][5:]
    assert entry["type"] == "audio"
    assert entry["language"] == "it"
    assert entry["descriptions"] == [
        {"role": "alt", "contenttype": "text/plain", "value": "Il suono della parata"}
    ]
    assert entry["renditions"] == [
        {"name": "original", "href": VIDEO.url, "contenttype": "audio/mpeg"}
    ]
    assert errors(to_ninjs(with_media(asianews, sound))) == []


def test_media_only_add_associations(example_article: Article, site: Site) -> None:
    plain = to_ninjs(example_article, site=site)
    illustrated = to_ninjs(with_media(example_article), site=site)
    added = illustrated.pop("associations")[len(plain.get("associations", [])) :]
    assert [entry["uri"] for entry in added] == [item.id.urn for item in ALL_MEDIA]
    if "associations" in plain:
        illustrated["associations"] = plain["associations"]
    assert illustrated == plain
    unusable = with_media(example_article, LEAD.model_copy(update={"url": "ftp://x/y"}))
    assert to_ninjs(unusable, site=site) == plain  # no http URL, nothing written
