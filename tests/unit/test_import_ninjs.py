"""ninjs back to drafts: newscms's own output round-trips; other agencies' ninjs is read too."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from _media_fixtures import with_media
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import Article, ArticleDraft, PendingTarget, Status
from newscms.domain.ninjs_profile import PUBSTATUS, PUBSTATUS_STATUS
from newscms.errors import ImportFailure
from newscms.formats import Site, to_ninjs
from newscms.importers import ImportOptions, parse
from newscms.importers.ninjs import parse_ninjs
from newscms.utils.keys import media_key

STATUS_AFTER_EXCHANGE = {
    Status.PUBLISHED: Status.PUBLISHED,
    Status.SCHEDULED: Status.DRAFT,  # "withheld": not usable yet
    Status.DRAFT: Status.DRAFT,
    Status.ARCHIVED: Status.ARCHIVED,
}


def exchange(article: Article, site: Site | None, version: str = "2.2") -> ArticleDraft:
    document = json.dumps(to_ninjs(article, site=site, version=version), ensure_ascii=False)  # type: ignore[arg-type]
    parsed = parse_ninjs(document.encode("utf-8"), source="exchange.json")
    assert parsed.format == "ninjs"
    assert dict(parsed.skipped) == {}
    (draft,) = parsed.drafts
    return draft


def expected_target(relation: Any, site: Site | None) -> PendingTarget:
    """What the receiving site knows of a related article: a pending target."""
    if relation.target is None:
        return relation.pending  # type: ignore[no-any-return]
    target = relation.target
    url = site.public_url(target) if site is not None else None
    return PendingTarget(
        title=target.headline,
        published_at=target.published_at,
        url=url,
        slug=target.slug,
        locale=target.locale,
    )


def assert_same_article(draft: ArticleDraft, article: Article, site: Site | None) -> None:
    assert draft.id == article.id
    assert draft.locale == article.locale
    assert draft.slug == article.slug
    assert draft.headline == article.headline
    assert draft.subheadline == article.subheadline
    assert draft.summary == article.summary
    assert draft.body == article.body
    assert draft.byline == article.byline
    assert draft.dateline == article.dateline
    assert draft.status is STATUS_AFTER_EXCHANGE[article.status]
    assert draft.published_at == article.published_at
    assert draft.created_at == article.created_at
    assert draft.embargoed_until == article.embargoed_until
    assert draft.expires_at == article.expires_at
    assert [(t.kind, t.name, t.locale) for t in draft.tags] == [
        (t.kind, t.name, article.locale) for t in article.tags
    ]
    assert [r.kind for r in draft.relations] == [r.kind for r in article.relations]
    assert [r.target_id for r in draft.relations] == [None] * len(article.relations)
    assert [r.pending for r in draft.relations] == [
        expected_target(r, site) for r in article.relations
    ]
    if article.canonical_url or site is None:
        assert draft.canonical_url == article.canonical_url
    else:  # the receiving site points back to the page of origin
        assert draft.canonical_url == site.public_url(article)
    if article.source is not None:
        assert draft.source == article.source
    else:
        assert draft.source is not None
        assert (draft.source.format, draft.source.locator) == ("ninjs", f"urn:uuid:{article.id}")


@pytest.mark.parametrize("version", ["2.2", "2.1"])
@pytest.mark.parametrize("with_site", [True, False])
def test_every_example_round_trips(
    example_article: Article, site: Site, with_site: bool, version: str
) -> None:
    chosen = site if with_site else None
    assert_same_article(exchange(example_article, chosen, version), example_article, chosen)


def test_embargo_and_expiry_survive_the_exchange(asianews: Article, site: Site) -> None:
    assert asianews.published_at is not None
    embargo = asianews.published_at + timedelta(hours=2)
    expiry = asianews.published_at + timedelta(days=30)
    article = asianews.model_copy(update={"embargoed_until": embargo, "expires_at": expiry})
    draft = exchange(article, site)
    assert (draft.embargoed_until, draft.expires_at) == (embargo, expiry)


def test_media_survive_the_exchange(asianews: Article, site: Site) -> None:
    article = with_media(asianews)
    draft = exchange(article, site)
    exported = [m for m in article.media if m.url.startswith("http")]
    assert [(a.role, a.media and a.media.id) for a in draft.media] == [
        (m.role, m.id) for m in exported
    ]
    for attachment, shown in zip(draft.media, exported, strict=True):
        assert attachment.media is not None
        assert media_key(attachment.media.url) == media_key(shown.url)
        assert (attachment.media.width, attachment.media.height) == (shown.width, shown.height)
        assert attachment.media.credit == shown.credit
        assert [r.name for r in attachment.media.renditions] == [r.name for r in shown.renditions]
        if shown.caption is not None:
            assert shown.caption in attachment.media.caption.values()


def test_times_keep_their_microseconds(make: Callable[..., Article], site: Site) -> None:
    moment = datetime(2026, 1, 15, 12, 30, 15, 123456, tzinfo=UTC)
    article = make("precise", published_at=moment, created_at=moment, updated_at=moment)
    draft = exchange(article, site)
    assert draft.published_at == moment
    assert draft.created_at == moment


TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
    lambda t: t.strip()
)


@settings(max_examples=100, deadline=None)
@given(TEXT, TEXT, st.lists(TEXT, max_size=4))
def test_any_text_round_trips(
    make: Callable[..., Article], headline: str, summary: str, names: list[str]
) -> None:
    article = make(
        "any", headline=" ".join(headline.split()), summary=summary.strip(), byline=names
    )
    draft = exchange(article, None)
    assert draft.headline == article.headline
    assert draft.summary == article.summary
    assert [p.name for p in draft.byline] == [" ".join(n.split()) for n in names]


def test_every_status_survives_the_exchange_as_documented() -> None:
    for status in Status:
        assert PUBSTATUS_STATUS[PUBSTATUS[status]] is STATUS_AFTER_EXCHANGE[status]


def test_detected_and_parsed_through_the_common_entry(asianews: Article, site: Site) -> None:
    document = json.dumps([to_ninjs(asianews, site=site), to_ninjs(asianews, site=site)])
    parsed = parse(document, source="feed.json")
    assert parsed.format == "ninjs"
    assert [d.headline for d in parsed.drafts] == [asianews.headline] * 2


# An agency item in the shape of IPTC's 2.x examples (NTB, AP): no newscms conventions.
AGENCY = {
    "uri": "https://agency.example/items/20130709med123",
    "type": "text",
    "version": "6",
    "firstcreated": "2019-08-09T09:30:04Z",
    "versioncreated": "2019-08-09T09:46:53+02:00",
    "pubstatus": "usable",
    "language": "nb-NO",
    "slugline": "Skien Google",
    "by": "By Paulo Santalucia and Frances d'Emilio, NTB",
    "located": "Skien",
    "headlines": [
        {"role": "sub", "value": "Datasentre i Europa"},
        {"value": "Google har kjøpt giganttomt i Skien"},
    ],
    "descriptions": [{"role": "text", "contenttype": "text/plain", "value": "IT-giganten kjøper."}],
    "bodies": [
        {
            "role": "main",
            "contenttype": "text/plain",
            "value": "Første avsnitt.\n\nAndre <avsnitt> & mer.",
        }
    ],
    "subjects": [{"name": "Teknologi", "literal": "13010000", "rel": "about"}],
    "places": [{"name": "Telemark", "geojson": {"type": "Point", "coordinates": [9.6, 59.2]}}],
    "people": [{"name": "Sundar Pichai", "rel": "about"}],
    "organisations": [{"name": "Google"}],
    "infosources": [{"name": "NTB"}, {"name": "Reuters", "role": "cont"}],
    "associations": [
        {"name": "photo", "uri": "https://agency.example/p/1.jpg", "type": "picture"},
        {
            "name": "related",
            "uri": "https://agency.example/items/1",
            "headlines": [{"value": "Earlier"}],
        },
        {"name": "bad name!", "uri": "urn:x:2", "headlines": [{"value": "Also"}]},
        {"name": "nothing", "uri": "urn:x:3"},
    ],
}


def test_an_agency_item_is_read_by_the_generic_rules() -> None:
    parsed = parse_ninjs(json.dumps(AGENCY), source="ntb.json")
    assert dict(parsed.skipped) == {"association:picture": 1, "association:unidentified": 1}
    (draft,) = parsed.drafts
    assert draft.id is None  # not a urn:uuid
    assert draft.locale == "nb-NO"
    assert draft.headline == "Google har kjøpt giganttomt i Skien"
    assert draft.subheadline == "Datasentre i Europa"
    assert draft.summary == "IT-giganten kjøper."
    assert draft.body == "<p>Første avsnitt.</p><p>Andre &lt;avsnitt&gt; &amp; mer.</p>"
    assert [p.name for p in draft.byline] == ["Paulo Santalucia", "Frances d'Emilio", "NTB"]
    assert draft.dateline is not None
    assert (draft.dateline.place, draft.dateline.source) == ("Skien", "NTB")
    assert draft.slug is None  # an agency slugline is a label, not a URL slug
    assert draft.status is Status.PUBLISHED
    assert draft.published_at == datetime(2019, 8, 9, 9, 30, 4, tzinfo=UTC)
    assert [(t.kind, t.name) for t in draft.tags] == [
        ("topic", "Teknologi"),
        ("region", "Telemark"),
        ("person", "Sundar Pichai"),
        ("organization", "Google"),
    ]
    assert [(r.kind, r.pending.title, r.pending.url) for r in draft.relations] == [  # type: ignore[union-attr]
        ("related", "Earlier", "https://agency.example/items/1"),
        ("see_also", "Also", None),
    ]
    assert draft.canonical_url == AGENCY["uri"]
    assert draft.source is not None
    assert (draft.source.format, draft.source.locator) == ("ninjs", AGENCY["uri"])


def test_items_that_are_not_text_are_counted() -> None:
    picture = {"uri": "urn:p", "type": "picture", "headlines": [{"value": "A photo"}]}
    parsed = parse_ninjs(json.dumps([AGENCY, picture, picture]), source="mixed.json")
    assert len(parsed.drafts) == 1
    assert parsed.skipped["picture"] == 2


def test_usable_item_without_firstcreated_is_published_at_versioncreated() -> None:
    item = {**AGENCY}
    del item["firstcreated"]
    (draft,) = parse_ninjs(json.dumps(item), source="x.json").drafts
    assert draft.published_at == datetime(2019, 8, 9, 7, 46, 53, tzinfo=UTC)


def test_dates_without_offset_are_read_in_the_site_zone() -> None:
    item = {**AGENCY, "firstcreated": "2019-08-09T09:30:04"}
    options = ImportOptions(timezone="Asia/Shanghai")
    (draft,) = parse_ninjs(json.dumps(item), source="x.json", options=options).drafts
    assert draft.published_at == datetime(2019, 8, 9, 1, 30, 4, tzinfo=UTC)


def test_the_locale_option_wins_and_fills_a_missing_language() -> None:
    item = {key: value for key, value in AGENCY.items() if key != "language"}
    with pytest.raises(ImportFailure, match="--locale"):
        parse_ninjs(json.dumps(item), source="x.json")
    (draft,) = parse_ninjs(
        json.dumps(item), source="x.json", options=ImportOptions(locale="nb")
    ).drafts
    assert draft.locale == "nb"


MINIMAL = '{"uri": "urn:x", "language": "en", "headlines": [{"value": "x"}]}'


@pytest.mark.parametrize(
    ("document", "message", "line"),
    [
        ('{"uri": "urn:x",\n "headlines": [}', "is not valid JSON", 2),
        ("[]", "holds no ninjs item", None),
        ('"just a string"', "a ninjs item is a JSON object", None),
        ('{"headlines": [{"value": "x"}], "language": "en"}', "has no 'uri'", None),
        ('{"uri": "urn:x", "language": "en"}', "has no headline", None),
        (
            '{"uri": "urn:x", "language": "en", "headlines": "x"}',
            "'headlines' must be an array",
            None,
        ),
        ('{"uri": 5, "language": "en"}', "'uri' must be a string", None),
        ('{"uri": "urn:x", "headline": "x", "body_html": "<p>x</p>"}', "ninjs 1.x", None),
        ('{"uri": "urn:x", "versionCreated": "2020-01-01T00:00:00Z"}', "ninjs 3.x", None),
        (MINIMAL[:-1] + ', "pubstatus": "gone"}', "'pubstatus' 'gone'", None),
        (MINIMAL[:-1] + ', "firstcreated": "soon"}', "'firstcreated'", None),
        (
            '{"uri": "urn:x", "language": "xx-invalid", "headlines": [{"value": "x"}]}',
            "locale",
            None,
        ),
    ],
)
def test_malformed_ninjs_names_the_source(document: str, message: str, line: int | None) -> None:
    with pytest.raises(ImportFailure) as caught:
        parse_ninjs(document, source="bad.json")
    assert caught.value.source == "bad.json"
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith("bad.json")


def test_errors_in_an_array_name_the_item() -> None:
    good = {"uri": "urn:a", "language": "en", "headlines": [{"value": "Fine"}]}
    bad = {"uri": "urn:b", "language": "en"}
    with pytest.raises(ImportFailure, match="item 2: has no headline"):
        parse_ninjs(json.dumps([good, bad]), source="many.json")


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(ImportFailure) as caught:
        parse_ninjs(
            '{"uri": "urn:x", "headlines": [{"value": "caf\u00e9"}]}'.encode("latin-1"),
            source="l1.json",
        )
    assert caught.value.line == 1
