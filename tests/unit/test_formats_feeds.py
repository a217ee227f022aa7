"""RSS 2.0 and Atom 1.0: read back with feedparser, Atom validated with RFC 4287's RELAX NG."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from _media_fixtures import GALLERY, INLINE, LEAD, VIDEO, with_media
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from newscms.domain import Article
from newscms.errors import ValidationError
from newscms.formats import Site, iter_atom, iter_rss, write_atom, write_rss
from newscms.formats.feeds import ATOM_NS, MEDIA_NS, xml_text

ATOM_RNG = Path(__file__).resolve().parents[1] / "data" / "schemas" / "atom.rng"
RELAX_NG = etree.RelaxNG(etree.parse(str(ATOM_RNG)))
NS = {"a": ATOM_NS}
WRITERS = {"rss": write_rss, "atom": write_atom}


def feed(
    kind: str,
    articles: Any,
    site: Site,
    *,
    locale: str | None = "en",
    full_content: bool = False,
    **extra: Any,
) -> bytes:
    out = io.BytesIO()
    options: dict[str, Any] = {
        "site": site,
        "title": "AsiaNews: Korea & China",
        "link": "https://www.asianews.it/en/korea",
        "description": "The latest news from the two Koreas and China",
        "locale": locale,
        "self_url": f"https://www.asianews.it/en/korea.{kind}",
        "full_content": full_content,
    }
    WRITERS[kind](articles, out, **(options | extra))
    return out.getvalue()


def atom_problems(document: bytes) -> list[str]:
    """RELAX NG errors, plus the two rules of RFC 4287 a grammar cannot express."""
    root = etree.fromstring(document)
    problems = [str(error) for error in RELAX_NG.error_log] if not RELAX_NG.validate(root) else []
    entries = root.findall("a:entry", NS)
    if not root.findall("a:author", NS) and not all(e.findall("a:author", NS) for e in entries):
        problems.append("4.1.1: the feed has no author and some entry has none")
    for entry in entries:
        alternate = [
            link
            for link in entry.findall("a:link", NS)
            if link.get("rel", "alternate") == "alternate"
        ]
        if entry.find("a:content", NS) is None and not alternate:
            name = entry.findtext("a:id", namespaces=NS)
            problems.append(f"4.1.1.2: entry {name} has no content and no alternate link")
    return problems


def parsed(document: bytes) -> Any:
    result = feedparser.parse(document)
    assert result.bozo == 0, result.get("bozo_exception")
    return result


def html_shape(fragment: str) -> list[tuple[str, list[tuple[str, str]], str, str]]:
    """Elements, attributes and texts of an HTML fragment: what survives re-serializing."""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return [
        (el.tag, sorted(el.attrib.items()), (el.text or "").strip(), (el.tail or "").strip())
        for el in root.iter()
    ]


def utc_tuple(value: datetime) -> tuple[int, ...]:
    return tuple(value.astimezone(UTC).timetuple())[:6]


def test_the_atom_checks_catch_broken_feeds(asianews: Article, site: Site) -> None:
    document = feed("atom", [asianews], site)
    root = etree.fromstring(document)
    root.remove(root.find("a:author", NS))
    entry = root.find("a:entry", NS)
    for name in ("author", "link"):
        entry.remove(entry.find(f"a:{name}", NS))
    entry.remove(entry.find("a:id", NS))
    problems = atom_problems(etree.tostring(root))
    assert any("RELAXNG" in problem for problem in problems)  # the entry lost its id
    assert problems[-2:] == [
        "4.1.1: the feed has no author and some entry has none",
        "4.1.1.2: entry None has no content and no alternate link",
    ]


@pytest.mark.parametrize("full_content", [False, True])
@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_every_field_reads_back(
    examples: list[Article], site: Site, kind: str, full_content: bool
) -> None:
    published = [a for a in examples if a.published_at is not None]
    document = feed(kind, iter(published), site, full_content=full_content)
    if kind == "atom":
        assert atom_problems(document) == []
    result = parsed(document)
    assert result.feed.title == "AsiaNews: Korea & China"
    assert result.feed.link == "https://www.asianews.it/en/korea"
    assert result.feed.title_detail.language == "en"
    assert len(result.entries) == len(published)
    for article, entry in zip(published, result.entries, strict=True):  # newest first, as given
        assert entry.id == f"urn:uuid:{article.id}"
        assert entry.title == article.headline
        assert entry.link == site.url_for(article)
        assert entry.title_detail.language == article.locale
        assert entry.published_parsed is not None
        assert tuple(entry.published_parsed)[:6] == utc_tuple(article.published_at)  # type: ignore[arg-type]
        if kind == "atom":
            assert tuple(entry.updated_parsed)[:6] == utc_tuple(
                max(article.updated_at, article.published_at)  # type: ignore[type-var]
            )
        assert [a["name"] for a in entry.get("authors", [])] == [p.name for p in article.byline]
        assert [t.term for t in entry.get("tags", [])] == [t.name for t in article.tags]
        if kind == "rss":
            assert [t.scheme for t in entry.get("tags", [])] == [t.kind for t in article.tags]
        if article.summary:
            assert entry.summary == article.summary
        else:  # feedparser fills a missing summary from the content
            assert entry.get("summary") in (None, *(c.value for c in entry.get("content", [])))
        contents = [html_shape(c.value) for c in entry.get("content", [])]
        assert contents == ([html_shape(article.body)] if full_content and article.body else [])


def test_rss_guids_are_not_permalinks(asianews: Article, site: Site) -> None:
    root = etree.fromstring(feed("rss", [asianews], site))
    guid = root.find("channel/item/guid")
    assert guid is not None
    assert guid.get("isPermaLink") == "false"
    assert guid.text == f"urn:uuid:{asianews.id}"
    assert root.find("channel/item/author") is None  # RSS <author> wants an e-mail address


def test_dates_are_rfc_822_and_rfc_3339_in_the_site_zone(asianews: Article, site: Site) -> None:
    rss = etree.fromstring(feed("rss", [asianews], site))
    assert rss.findtext("channel/item/pubDate") == "Thu, 14 Jun 2012 00:00:00 +0200"
    atom = etree.fromstring(feed("atom", [asianews], site))
    assert atom.findtext("a:entry/a:published", namespaces=NS) == "2012-06-14T00:00:00+02:00"


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("which", ["chinese", "italian"])
def test_chinese_and_italian_feeds(
    kind: str, which: str, chinese: Article, italian: Article, site: Site
) -> None:
    article = chinese if which == "chinese" else italian
    document = feed(kind, [article], site, locale=article.locale, full_content=True)
    if kind == "atom":
        assert atom_problems(document) == []
    result = parsed(document)
    assert result.feed.title_detail.language == article.locale
    (entry,) = result.entries
    assert entry.title == article.headline
    assert entry.summary == article.summary
    assert html_shape(entry.content[0].value) == html_shape(article.body)
    assert [t.term for t in entry.tags] == [t.name for t in article.tags]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_characters_xml_cannot_carry_never_break_the_feed(
    kind: str, hostile: Article, site: Site
) -> None:
    document = feed(kind, [hostile], site, full_content=True)
    if kind == "atom":
        assert atom_problems(document) == []
    (entry,) = parsed(document).entries
    assert entry.title == xml_text(hostile.headline) == 'Bad  chars  & <tags> "quotes"  here'
    assert entry.summary == "Line one  line two  & more"
    assert entry.authors[0]["name"] == "Escape"
    assert entry.tags[0].term == "CtrlTag"


@settings(max_examples=120, deadline=None)
@given(st.text(min_size=1, max_size=60), st.sampled_from(sorted(WRITERS)))
def test_any_headline_gives_a_well_formed_feed(
    make: Callable[..., Article], site: Site, headline: str, kind: str
) -> None:
    article = make("any", headline=headline, summary=headline)
    document = feed(kind, [article], site)
    assert len(parsed(document).entries) == 1
    # feedparser "repairs" text that looks like mojibake, so read the exact text with lxml.
    title = etree.fromstring(document).find(
        ".//item/title" if kind == "rss" else ".//a:entry/a:title", NS
    )
    assert title is not None
    assert (title.text or "") == xml_text(headline)


def test_input_is_consumed_lazily_once(examples: list[Article], site: Site) -> None:
    handed_out: list[Article] = []

    def listing() -> Iterator[Article]:
        for article in examples:
            if article.published_at is not None:
                handed_out.append(article)
                yield article

    document = feed("atom", listing(), site)
    assert len(parsed(document).entries) == len(handed_out) > 3


def test_feed_updated_defaults_to_the_first_article(italian: Article, site: Site) -> None:
    root = etree.fromstring(feed("atom", [italian], site))
    assert root.findtext("a:updated", namespaces=NS) == site.timestamp(italian.updated_at)
    given = datetime(2026, 1, 15, 17, 0, tzinfo=UTC)
    root = etree.fromstring(feed("atom", [italian], site, updated=given))
    assert root.findtext("a:updated", namespaces=NS) == "2026-01-15T18:00:00+01:00"


def test_an_empty_atom_feed_needs_updated(site: Site) -> None:
    with pytest.raises(ValidationError) as caught:
        feed("atom", [], site)
    assert caught.value.field == "updated"
    document = feed("atom", [], site, updated=datetime(2026, 1, 15, tzinfo=UTC))
    assert atom_problems(document) == []
    assert parsed(document).entries == []
    assert parsed(feed("rss", [], site)).entries == []


def test_feed_links_must_be_http_urls(asianews: Article, site: Site) -> None:
    with pytest.raises(ValidationError) as caught:
        feed("rss", [asianews], site, link="javascript:alert(1)")
    assert caught.value.field == "link"


MEDIA_MARKUP = re.compile(
    rb'<enclosure [^>]*></enclosure>|<link rel="enclosure" [^>]*></link>'
    rb"|<media:content [^>]*>.*?</media:content>",
    re.DOTALL,
)


@pytest.mark.parametrize("full_content", [False, True])
@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_the_lead_image_is_an_enclosure_and_media_content(
    examples: list[Article], site: Site, kind: str, full_content: bool
) -> None:
    published = [a for a in examples if a.published_at is not None]
    document = feed(kind, [with_media(a) for a in published], site, full_content=full_content)
    if kind == "atom":
        assert atom_problems(document) == []
    plain = parsed(feed(kind, published, site, full_content=full_content))
    for entry, before in zip(parsed(document).entries, plain.entries, strict=True):
        # What feedparser reads of the article itself is untouched by its picture.
        for field in ("title", "summary", "content", "authors", "tags", "link", "published"):
            assert entry.get(field) == before.get(field), field
        (enclosure,) = entry.enclosures
        assert (enclosure.href, enclosure.type) == (LEAD.url, "image/jpeg")
        assert enclosure.get("length") == ("0" if kind == "rss" else None)
        assert entry.media_content == [
            {
                "url": LEAD.url,
                "medium": "image",
                "type": "image/jpeg",
                "width": "3000",
                "height": "2000",
            }
        ]
        assert entry.media_thumbnail == [
            {"url": LEAD.renditions[2].url, "width": "200", "height": "133"}
        ]
        assert entry.media_credit == [{"content": "Photo: AFP / Ed Jones"}]
        assert entry.media_copyright == "Agence France-Presse"


@pytest.mark.parametrize("full_content", [False, True])
@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_media_only_add_their_own_elements(
    examples: list[Article], site: Site, kind: str, full_content: bool
) -> None:
    published = [a for a in examples if a.published_at is not None]
    plain = feed(kind, published, site, full_content=full_content)
    assert b"media" not in plain
    assert b"enclosure" not in plain
    illustrated = feed(kind, [with_media(a) for a in published], site, full_content=full_content)
    assert MEDIA_MARKUP.sub(b"", illustrated) == plain
    # No lead image (a gallery, an inline map, a video): nothing at all is added.
    others = [with_media(a, GALLERY, INLINE, VIDEO) for a in published]
    assert feed(kind, others, site, full_content=full_content) == plain


def test_a_lead_image_without_a_type_has_no_rss_enclosure(asianews: Article, site: Site) -> None:
    untyped = LEAD.model_copy(update={"mime_type": None, "renditions": ()})
    rss = etree.fromstring(feed("rss", [with_media(asianews, untyped)], site))
    assert rss.find("channel/item/enclosure") is None  # RSS requires a type
    (content,) = rss.findall(f"channel/item/{{{MEDIA_NS}}}content")
    assert dict(content.attrib) == {
        "url": LEAD.url,
        "medium": "image",
        "width": "3000",
        "height": "2000",
    }
    assert content.find(f"{{{MEDIA_NS}}}thumbnail") is None  # no rendition is small
    atom = etree.fromstring(feed("atom", [with_media(asianews, untyped)], site))
    (link,) = atom.findall("a:entry/a:link[@rel='enclosure']", NS)
    assert dict(link.attrib) == {"rel": "enclosure", "href": LEAD.url}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_media_texts_cannot_break_the_feed(kind: str, asianews: Article, site: Site) -> None:
    hostile = LEAD.model_copy(
        update={"credit": "Esc\x1bape & <b>", "copyright_holder": "\ufffe</media:content>"}
    )
    document = feed(kind, [with_media(asianews, hostile)], site)
    if kind == "atom":
        assert atom_problems(document) == []
    (entry,) = parsed(document).entries
    assert entry.media_credit == [{"content": "Escape & <b>"}]
    assert entry.media_copyright == "</media:content>"


def test_feeds_with_media_still_stream_one_chunk_per_item(
    examples: list[Article], site: Site
) -> None:
    published = [with_media(a) for a in examples if a.published_at is not None]
    options = {"site": site, "title": "T", "link": "https://www.asianews.it/"}
    rss = list(iter_rss(iter(published), description="D", **options))  # type: ignore[arg-type]
    atom = list(iter_atom(iter(published), **options))  # type: ignore[arg-type]
    assert len(rss) == len(atom) == len(published) + 2  # the head, each item, the end
    assert all(chunk.count(b"<media:content ") == 1 for chunk in rss[1:-1])
