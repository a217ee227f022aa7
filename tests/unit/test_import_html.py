# Pages in four languages and their typographic punctuation are the data under test.
# ruff: noqa: RUF001
from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import ArticleDraft, Dateline, DateProvenance, Status
from newscms.errors import ImportFailure, NewsCMSError
from newscms.importers import ImportOptions, parse_html
from newscms.importers import html as html_importer
from newscms.utils.html import html_to_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "html"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def read(name: str, **options: object) -> ArticleDraft:
    path = EXAMPLES / name
    parsed = parse_html(path.read_bytes(), source=str(path), options=ImportOptions(**options))  # type: ignore[arg-type]
    assert parsed.format == "html"
    assert len(parsed.drafts) == 1
    return parsed.drafts[0]


def tags(draft: ArticleDraft) -> list[tuple[str, str | None]]:
    return [(tag.kind, tag.name) for tag in draft.tags]


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<!doctype html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def test_example_files_are_all_covered() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.html")) == [
        "jsonld-and-opengraph.html",
        "jsonld-graph.html",
        "jsonld-newsarticle.html",
        "opengraph-only.html",
    ]


def test_json_ld_only() -> None:
    draft = read("jsonld-newsarticle.html")
    assert draft.locale == "en"
    assert draft.headline == "Manila, parishes open their doors to families evicted from the bay"
    assert draft.summary == (
        "More than 2,000 informal settlers were moved out of the shoreline of Manila Bay. The "
        'archdiocese offers shelter, meals and legal help: "They are not squatters, they are our '
        'parishioners."'
    )
    assert [p.name for p in draft.byline] == ["Maria Reyes", "Roberto Salazar"]
    assert draft.dateline == Dateline(place="Manila", source="AsiaNews")
    assert draft.status is Status.PUBLISHED
    assert draft.published_at == utc(2019, 8, 16, 8, 45)
    assert draft.date_provenance == DateProvenance(
        raw="2019-08-16T10:45:00+02:00", rule="iso-8601", zone="+02:00", time_known=True
    )
    assert tags(draft) == [
        ("topic", "Manila Bay"),
        ("topic", "Urban poor"),
        ("topic", "Evictions"),
        ("topic", "Caritas"),
        ("section", "Philippines"),
    ]
    assert draft.canonical_url == (
        "https://www.asianews.example/en/news/"
        "manila-parishes-open-their-doors-to-families-evicted-from-the-bay-48213.html"
    )
    assert draft.source is not None
    assert (draft.source.format, draft.source.locator) == (
        "html",
        str(EXAMPLES / "jsonld-newsarticle.html"),
    )


def test_article_element_loses_its_chrome_and_keeps_the_story() -> None:
    body = read("jsonld-newsarticle.html").body
    text = html_to_text(body)
    assert text.startswith("Manila (AsiaNews) - Since Monday")
    assert text.endswith("promised by the city.")
    chrome = (
        "PHILIPPINES", "by Maria Reyes", "Send to a friend", "Share", "Advertisement",
        "Related", "Typhoon relief", "08/16/2019", "adSlots", "<h1", "<header",
    )  # fmt: skip
    for furniture in chrome:
        assert furniture not in body
    assert "<figure>" in body
    assert "<figcaption>Families carry what they could save" in body
    # Relative links and images are made absolute against the canonical URL.
    assert 'src="https://www.asianews.example/files/2019/08/manila-bay.jpg"' in body
    assert (
        'href="https://www.asianews.example/en/news/manila-bay-rehabilitation-47990.html"' in body
    )
    assert body.count("<p>") == 4


def test_open_graph_only() -> None:
    draft = read("opengraph-only.html")
    assert draft.locale == "it-IT"
    assert draft.headline == (
        "Mumbai, le suore di Madre Teresa aprono una nuova casa per i malati di tubercolosi"
    )
    assert draft.summary == (
        'La casa ospiterà 60 pazienti delle baraccopoli di Dharavi. "Nessuno deve morire da '
        'solo", dice la superiora.'
    )
    assert [p.name for p in draft.byline] == ["Nirmala Fernandes"]
    assert draft.published_at == utc(2020, 7, 21, 7, 15)
    assert draft.status is Status.PUBLISHED
    assert tags(draft) == [
        ("topic", "Missionarie della carità"),
        ("topic", "Tubercolosi"),
        ("topic", "Dharavi"),
        ("section", "India"),
    ]
    assert draft.canonical_url == (
        "https://www.asianews.example/it/notizie/mumbai-nuova-casa-tubercolosi-50112.html"
    )
    assert draft.dateline is None
    assert draft.body.startswith("<p>Mumbai (AsiaNews) - Le Missionarie della carità")
    assert "di Nirmala Fernandes" not in draft.body
    assert "21/07/2020" not in draft.body
    assert "Facebook" not in draft.body
    assert "javascript:" not in draft.body
    assert "onclick" not in draft.body


def test_json_ld_wins_over_open_graph() -> None:
    draft = read("jsonld-and-opengraph.html")
    assert draft.locale == "es"
    assert (
        draft.headline == "Yakarta: miles de voluntarios limpian las playas tras las inundaciones"
    )
    assert draft.summary is not None
    assert draft.summary.startswith("Jóvenes musulmanes, cristianos y budistas")
    assert [p.name for p in draft.byline] == ["Ana Chow"]
    assert draft.published_at == utc(2021, 1, 14, 0, 30)  # JSON-LD's, not og's 07:00 UTC
    assert draft.dateline == Dateline(place="Yakarta")
    assert tags(draft) == [
        ("topic", "Indonesia"),
        ("topic", "Medio ambiente"),
        ("topic", "Diálogo interreligioso"),
        ("section", "Indonesia"),
        ("section", "Ecología"),
    ]
    assert draft.canonical_url == (
        "https://www.asianews.example/es/noticias/yakarta-voluntarios-playas-52001.html"
    )


def test_itemprop_article_body_is_the_body() -> None:
    body = read("jsonld-and-opengraph.html").body
    assert body.startswith("<p>Yakarta (AsiaNews) – Más de tres mil voluntarios")
    assert "<blockquote>" in body
    assert "<iframe" not in body
    assert "onclick" not in body
    assert "Yakarta: miles de voluntarios limpian" not in body  # the <h1> outside the body


def test_graph_with_references_and_body_from_json_ld() -> None:
    draft = read("jsonld-graph.html")
    assert draft.locale == "zh-Hans"
    assert draft.headline == "北京：教区为农民工子女开办暑期学校"
    assert [p.name for p in draft.byline] == ["李明", "张华"]  # resolved from @id references
    assert draft.published_at == utc(2022, 7, 18, 8, 20)
    assert draft.dateline == Dateline(place="北京", source="亚洲新闻")
    assert tags(draft) == [
        ("topic", "农民工"),
        ("topic", "教育"),
        ("topic", "志愿者"),
        ("section", "中国"),
    ]
    # mainEntityOfPage names the WebPage node: its url, not its "#webpage" id.
    assert (
        draft.canonical_url
        == "https://www.asianews.example/zh/news/beijing-summer-school-53310.html"
    )
    assert draft.body.count("<p>") == 3
    assert draft.body.startswith("<p>北京（亚洲新闻）— 今年暑假")
    assert "暑期学校完全免费" in draft.body


def test_headline_fallbacks() -> None:
    h1 = parse_html(
        page(body="<h1> From the   h1 </h1><article><p>x</p></article>"), source="p.html"
    )
    assert h1.drafts[0].headline == "From the h1"
    title = page(
        '<title>From the title | AsiaNews</title><meta property="og:site_name" content="AsiaNews">'
    )
    assert parse_html(title, source="p.html").drafts[0].headline == "From the title"


def test_no_date_makes_a_draft_without_published_at() -> None:
    draft = parse_html(
        page("<title>A headline</title>", "<article><p>Text.</p></article>"), source="p.html"
    ).drafts[0]
    assert draft.status is Status.DRAFT
    assert draft.published_at is None
    assert draft.date_provenance is None
    assert draft.body == "<p>Text.</p>"


def test_no_headline_is_an_import_failure() -> None:
    with pytest.raises(ImportFailure) as failure:
        parse_html(page(body="<p>Only text.</p>"), source="pages/none.html")
    assert failure.value.source == "pages/none.html"
    assert "headline" in str(failure.value)


def test_empty_page_is_an_import_failure() -> None:
    with pytest.raises(ImportFailure, match="empty"):
        parse_html(b"  \n ", source="empty.html")


def test_language_is_needed() -> None:
    text = "<html><head><title>T</title></head><body></body></html>"
    with pytest.raises(ImportFailure, match="--locale"):
        parse_html(text, source="p.html")
    assert (
        parse_html(text, source="p.html", options=ImportOptions(locale="fr")).drafts[0].locale
        == "fr"
    )


def test_date_without_offset_is_read_in_the_site_zone() -> None:
    head = '<title>T</title><meta property="article:published_time" content="2020-01-15T10:00:00">'
    rome = parse_html(page(head), source="p.html").drafts[0]
    seoul = parse_html(
        page(head), source="p.html", options=ImportOptions(timezone="Asia/Seoul")
    ).drafts[0]
    assert rome.published_at == utc(2020, 1, 15, 9)
    assert seoul.published_at == utc(2020, 1, 15, 1)


def test_unreadable_date_is_an_import_failure_naming_it() -> None:
    with pytest.raises(ImportFailure) as failure:
        parse_html(
            page(ld('{"@type": "NewsArticle", "headline": "H", "datePublished": "yesterday"}')),
            source="p.html",
        )
    assert "yesterday" in str(failure.value)
    assert failure.value.line == 1


def test_a_broken_json_ld_block_does_not_hide_open_graph() -> None:
    head = (
        ld('{"@type": "NewsArticle", "headline": ') + '<meta property="og:title" content="From OG">'
    )
    assert parse_html(page(head), source="p.html").drafts[0].headline == "From OG"


def test_json_ld_variants() -> None:
    data = """[
      {"@type": "Organization", "name": "AsiaNews"},
      {"@type": ["schema:BlogPosting"], "name": "Named, not headlined",
       "author": ["Anna Lee", {"@type": "Person", "givenName": "Paul", "familyName": "Kang"},
                  {"@type": "Organization", "name": "AsiaNews Desk"}],
       "keywords": ["Peace", "peace", "Youth"],
       "inLanguage": {"@type": "Language", "name": "Korean", "alternateName": "ko"},
       "url": "/news/relative.html",
       "datePublished": "2020-01-15"}
    ]"""
    draft = parse_html(page(ld(data)), source="https://www.example.org/section/index.html").drafts[
        0
    ]
    assert draft.headline == "Named, not headlined"
    assert [p.name for p in draft.byline] == ["Anna Lee", "Paul Kang", "AsiaNews Desk"]
    assert tags(draft) == [("topic", "Peace"), ("topic", "Youth")]
    assert draft.locale == "ko"
    assert draft.canonical_url == "https://www.example.org/news/relative.html"
    assert draft.date_provenance is not None
    assert draft.date_provenance.time_known is False


def test_author_meta_that_is_a_profile_url_is_not_a_name() -> None:
    head = (
        '<title>T</title><meta property="article:author" content="https://facebook.com/someone">'
        '<meta name="author" content="Anna Lee">'
    )
    assert [p.name for p in parse_html(page(head), source="p.html").drafts[0].byline] == [
        "Anna Lee"
    ]


def test_hostile_body_is_sanitized() -> None:
    body = (
        '<article><h1>Headline</h1><p onclick="steal()">Hello <a href="javascript:alert(1)">x</a>'
        '<img src="x.jpg" onerror="steal()"></p><script>document.cookie</script>'
        '<style>p{}</style><p style="color:red">World<iframe src="https://evil.example"></iframe></p>'
        '<form action="/login"><input name="p"></form></article>'
    )
    draft = parse_html(page("<title>T</title>", body), source="p.html").drafts[0]
    for bad in (
        "script",
        "document.cookie",
        "javascript:",
        "onclick",
        "onerror",
        "style",
        "iframe",
        "form",
        "<input",
    ):
        assert bad not in draft.body
    assert "Hello" in draft.body
    assert "World" in draft.body


def test_charset_from_meta_in_bytes() -> None:
    data = page('<meta charset="iso-8859-1"><title>Città</title>').encode("latin-1")
    assert parse_html(data, source="p.html").drafts[0].headline == "Città"
    undeclared = page("<title>Città</title>").encode("cp1252")
    assert parse_html(undeclared, source="p.html").drafts[0].headline == "Città"


def test_text_with_xml_declaration() -> None:
    text = '<?xml version="1.0" encoding="utf-8"?>' + page("<title>Declared</title>")
    assert parse_html(text, source="p.html").drafts[0].headline == "Declared"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_parse_or_a_newscms_error(data: bytes) -> None:
    try:
        parsed = parse_html(data, source="fuzz.html")
    except NewsCMSError:
        return
    assert len(parsed.drafts) == 1


html_pieces = st.sampled_from(
    [
        "<html>", '<html lang="en">', "<head>", "<title>", "</title>", "<article>", "</article>",
        "<h1>", "</h1>", "<p>", "</p>", '<meta property="og:title" content="x">',
        '<meta property="article:published_time" content="2020-13-45T99:00">',
        '<script type="application/ld+json">', "</script>", '{"@type":"NewsArticle","headline":',
        '"H"', "}", '{"@graph":[', "]", '"datePublished":"2020-01-01T00:00:00Z"', ",",
        '<div itemprop="articleBody">', "</div>", "<!--", "-->", "&amp;", "\x00", "\ud800",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(html_pieces, st.text(max_size=20)), max_size=40).map("".join))
def test_any_markup_gives_a_parse_or_a_newscms_error(text: str) -> None:
    with contextlib.suppress(NewsCMSError):
        parse_html(text, source="fuzz.html", options=ImportOptions(locale="en"))


def test_a_json_ld_block_past_libxml2s_text_limit_is_read_whole() -> None:
    # libxml2 cuts text nodes at 10 MB unless huge_tree; the cut block was skipped and the
    # page had "no headline".
    data = '{"@type": "NewsArticle", "headline": "Big one", "text": "%s"}' % ("x" * 11_000_000)
    draft = parse_html(page(ld(data), "<article><p>Story</p></article>"), source="big.html")
    assert draft.drafts[0].headline == "Big one"


def test_a_json_ld_block_nested_too_deeply_is_refused_saying_so() -> None:
    data = '{"@type": "NewsArticle", "headline": "Deep", "x": %s}' % ("[" * 5000 + "]" * 5000)
    with pytest.raises(ImportFailure, match="JSON-LD block is nested too deeply") as failure:
        parse_html(page("<title>T</title>" + ld(data), "<h1>H</h1>"), source="deep.html")
    assert failure.value.line == 1


def test_a_deep_json_ld_block_does_not_hide_the_article_in_another() -> None:
    deep = "[" * 5000 + "]" * 5000
    article = '{"@type": "NewsArticle", "headline": "Found"}'
    parsed = parse_html(page(ld(deep) + ld(article)), source="p.html")
    assert parsed.drafts[0].headline == "Found"


def test_a_json_ld_block_too_long_is_refused_saying_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_importer, "_JSON_LD_MAX", 100)
    data = '{"@type": "NewsArticle", "headline": "Long", "text": "%s"}' % ("x" * 200)
    with pytest.raises(ImportFailure, match=r"JSON-LD block is 2\d\d characters long"):
        parse_html(page(ld(data), "<h1>H</h1>"), source="long.html")


def test_huge_tree_still_expands_no_entity_and_fetches_nothing() -> None:
    doctype = (
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    )
    text = doctype + page("<title>Entities</title>", "<article><p>&b;&b;&x;</p></article>")[15:]
    draft = parse_html(text, source="p.html", options=ImportOptions(locale="en")).drafts[0]
    assert draft.headline == "Entities"
    assert "aaaa" not in draft.body
    assert "root:" not in draft.body
    assert "&amp;b;&amp;b;&amp;x;" in draft.body
