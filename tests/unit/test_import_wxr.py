# Posts in Chinese and their typographic punctuation are the data under test.
# ruff: noqa: RUF001
from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.domain import ArticleDraft, DateProvenance, Status
from newscms.errors import ImportFailure, NewsCMSError
from newscms.importers import ImportOptions, ParsedSource, parse_wxr
from newscms.importers.wxr import autop

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "examples"
    / "wordpress"
    / "asianews-blog.wordpress.2024-05-10.xml"
)
DATA = EXAMPLE.read_bytes()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def parsed(**options: object) -> ParsedSource:
    return parse_wxr(DATA, source="export.xml", options=ImportOptions(**options))  # type: ignore[arg-type]


def post(post_id: int, **options: object) -> ArticleDraft:
    for draft in parsed(**options).drafts:
        assert draft.source is not None
        if draft.source.locator == f"export.xml#post-{post_id}":
            return draft
    raise AssertionError(f"no post {post_id}")


def test_posts_in_order_and_what_was_skipped() -> None:
    result = parsed()
    assert result.format == "wxr"
    assert [d.source.locator for d in result.drafts if d.source] == [
        f"export.xml#post-{n}" for n in (101, 102, 103, 104, 105, 107)
    ]
    # Two of the four attachments: the unattached upload and the About page's photo; post
    # 101 shows the other two (test_import_media_wxr.py).
    assert dict(result.skipped) == {"attachment": 2, "page": 1, "nav_menu_item": 1, "trash": 1}


def test_published_post_every_field() -> None:
    draft = post(101)
    assert draft.locale == "en-US"
    assert (
        draft.headline == "Tacloban, ten years after Haiyan: the fishing village the parish rebuilt"
    )
    assert draft.summary == (
        "Ten years after the typhoon, the fishermen of San Jose have new homes, new boats and a "
        "cooperative of their own."
    )
    assert [p.name for p in draft.byline] == ["Maria Reyes"]
    assert draft.status is Status.PUBLISHED
    assert draft.published_at == utc(2023, 11, 8, 8, 30)
    assert draft.date_provenance == DateProvenance(
        raw="2023-11-08 08:30:00", rule="iso-8601", zone="UTC", time_known=True
    )
    assert draft.slug == "tacloban-ten-years-after-haiyan"
    assert [(t.kind, t.name) for t in draft.tags] == [
        ("section", "Asia"),
        ("section", "Philippines"),
        ("topic", "Caritas"),
        ("topic", "Typhoon Haiyan"),
    ]
    assert (
        draft.canonical_url
        == "https://blog.asianews.example/2023/11/08/tacloban-ten-years-after-haiyan/"
    )
    assert draft.dateline is None


def test_content_without_p_tags_becomes_paragraphs() -> None:
    body = post(101).body
    assert body.startswith("<p>Ten years ago Typhoon Haiyan wiped out the fishing village")
    assert "parish &amp; its volunteers.</p>" in body
    # One newline inside a paragraph is a line break, as WordPress shows it.
    assert 'reached his roof.<br>\n"The parish gave us wood' in body
    assert '<blockquote><p>"Rebuilding the houses' in body
    assert "<ul>\n<li>240 houses rebuilt</li>" in body
    assert "<p><ul>" not in body
    # [caption] becomes a figure with its caption.
    assert (
        '<figure><img src="https://blog.asianews.example/wp-content/uploads/2023/11/san-jose-boats.jpg"'
        in body
    )
    assert (
        "<figcaption>The new boats of San Jose, built in the parish workshop.</figcaption></figure>"
        in body
    )
    assert "[caption" not in body
    assert "[/caption]" not in body


def test_hostile_content_is_sanitized() -> None:
    body = post(101).body
    assert "<script" not in body
    assert "hijack" not in body
    assert "javascript:" not in body
    assert "Do not click" in body


def test_unicode_slug_is_percent_decoded_and_language_from_polylang() -> None:
    draft = post(102)
    assert draft.slug == "香港-教区为新移民开设粤语班"
    assert draft.locale == "zh"
    assert draft.headline == "香港：教区为新移民开设粤语班"
    assert [p.name for p in draft.byline] == ["李明"]
    assert [(t.kind, t.name) for t in draft.tags] == [("section", "中国"), ("topic", "新移民")]
    assert draft.summary is None
    # Block-editor content is HTML already: its paragraphs are kept, not wrapped again.
    assert draft.body.count("<p>") == 3
    assert "<p><p>" not in draft.body
    assert "wp:paragraph" not in draft.body


def test_draft_falls_back_to_the_local_date_in_the_site_zone() -> None:
    draft = post(103)
    assert draft.status is Status.DRAFT
    assert draft.slug is None  # WordPress leaves drafts' post_name empty: the store derives one
    assert draft.published_at == utc(2024, 5, 9, 15, 45)  # 17:45 in Rome (CEST)
    assert draft.date_provenance == DateProvenance(
        raw="2024-05-09 17:45:00", rule="iso-8601", zone="Europe/Rome", time_known=True
    )
    assert [p.name for p in draft.byline] == ["Paul Kang"]  # no display name: first + last
    seoul = post(103, timezone="Asia/Seoul")
    assert seoul.published_at == utc(2024, 5, 9, 8, 45)
    # Posts with a GMT date do not depend on the site zone.
    assert post(101, timezone="Asia/Seoul").published_at == post(101).published_at


def test_statuses() -> None:
    assert post(104).status is Status.SCHEDULED
    assert post(104).published_at == utc(2024, 6, 25, 7)
    assert post(105).status is Status.DRAFT  # private
    assert post(107).status is Status.DRAFT  # pending
    assert post(107).published_at == utc(2024, 5, 8, 6, 40)


def test_locale_option_wins() -> None:
    assert {d.locale for d in parsed(locale="it").drafts} == {"it"}


def test_text_and_bytes_give_the_same_result() -> None:
    assert parse_wxr(DATA.decode("utf-8"), source="export.xml") == parse_wxr(
        DATA, source="export.xml"
    )


def test_other_wxr_versions() -> None:
    old = DATA.replace(b"http://wordpress.org/export/1.2/", b"http://wordpress.org/export/1.1/")
    assert len(parse_wxr(old, source="export.xml").drafts) == 6


def _wxr(items: str, language: str = "<language>en</language>") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        f"<channel>{language}{items}</channel></rss>"
    ).encode()


def test_untitled_posts_are_skipped_and_counted() -> None:
    result = parse_wxr(
        _wxr("<item><title></title><wp:post_type>post</wp:post_type></item>"), source="x.xml"
    )
    assert result.drafts == ()
    assert dict(result.skipped) == {"untitled": 1}


def test_post_without_any_date() -> None:
    item = (
        "<item><title>T</title><wp:post_id>9</wp:post_id><wp:status>draft</wp:status>"
        "<wp:post_date>0000-00-00 00:00:00</wp:post_date>"
        "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt></item>"
    )
    draft = parse_wxr(_wxr(item), source="x.xml").drafts[0]
    assert draft.published_at is None
    assert draft.status is Status.DRAFT
    assert draft.source is not None
    assert draft.source.locator == "x.xml#post-9"


def test_scheduled_post_without_date_names_its_line() -> None:
    item = "<item>\n<title>T</title>\n<wp:status>future</wp:status>\n</item>"
    with pytest.raises(ImportFailure) as failure:
        parse_wxr(_wxr(item), source="x.xml")
    assert failure.value.line == 2
    assert "published_at" in str(failure.value)


def test_bad_date_names_its_line() -> None:
    item = "<item><title>T</title>\n<wp:post_date_gmt>2024-02-31 10:00:00</wp:post_date_gmt></item>"
    with pytest.raises(ImportFailure) as failure:
        parse_wxr(_wxr(item), source="x.xml")
    assert failure.value.line == 3
    assert "2024-02-31" in str(failure.value)


def test_language_is_needed() -> None:
    with pytest.raises(ImportFailure, match="--locale"):
        parse_wxr(_wxr("<item><title>T</title></item>", language=""), source="x.xml")


def test_malformed_xml_names_file_and_line() -> None:
    broken = DATA.replace(b"</wp:post_name>", b"</wp:post_nam>", 1)
    line = DATA[: DATA.index(b"</wp:post_name>")].count(b"\n") + 1
    with pytest.raises(ImportFailure) as failure:
        parse_wxr(broken, source="exports/site.xml")
    assert failure.value.source == "exports/site.xml"
    assert failure.value.line == line
    assert str(failure.value).startswith(f"exports/site.xml:{line}: ")


def test_rss_that_is_not_a_wordpress_export() -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0">'
        b"<channel><item><title>x</title></item></channel></rss>"
    )
    with pytest.raises(ImportFailure, match="WordPress"):
        parse_wxr(feed, source="feed.xml")
    with pytest.raises(ImportFailure, match="WordPress"):
        parse_wxr(b"<html><body/></html>", source="page.xml")


def test_empty_document() -> None:
    with pytest.raises(ImportFailure):
        parse_wxr(b"", source="empty.xml")


def test_external_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doc = _wxr("<item><title>&xxe;</title><content:encoded>&xxe;</content:encoded></item>")
    doc = doc.replace(
        b"<rss", f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<rss'.encode(), 1
    )
    with pytest.raises(ImportFailure) as failure:
        parse_wxr(doc, source="evil.xml")
    assert "entities" in str(failure.value)
    assert "TOP-SECRET-VALUE" not in str(failure.value)


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    doc = _wxr("<item><title>&a9;</title></item>").replace(
        b"<rss", f"<!DOCTYPE rss [{entities}]>\n<rss".encode(), 1
    )
    with pytest.raises(ImportFailure):
        parse_wxr(doc, source="bomb.xml")


def test_network_is_never_used() -> None:
    doc = _wxr("<item><title>T</title></item>").replace(
        b"<rss", b'<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/never.dtd">\n<rss', 1
    )
    assert parse_wxr(doc, source="dtd.xml").drafts[0].headline == "T"


@pytest.mark.parametrize(
    ("content", "html"),
    [
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
        ("Line one\nline two", "<p>Line one<br />\nline two</p>"),
        ("\n\n\nSpaced\n\n\n\nout\n\n", "<p>Spaced</p>\n<p>out</p>"),
        (
            "Text\n<blockquote>Quote</blockquote>\nMore",
            "<p>Text</p>\n<blockquote><p>Quote</p></blockquote>\n<p>More</p>",
        ),
        ("<h2>Title</h2>\nBody", "<h2>Title</h2>\n<p>Body</p>"),
        ("<pre>a\n\nb</pre>", "<pre>a\n\nb</pre>"),
        ("One<br><br>Two", "<p>One</p>\n<p>Two</p>"),
        ('[gallery ids="1,2"]\n\nAfter', "<p>After</p>"),
        (
            "[embed]https://example.org/v[/embed]",
            '<p><a href="https://example.org/v">https://example.org/v</a></p>',
        ),
        (
            "<!-- wp:paragraph --><p>Block</p><!-- /wp:paragraph -->",
            "<!-- wp:paragraph --><p>Block</p><!-- /wp:paragraph -->",
        ),
        ("", ""),
    ],
)
def test_autop(content: str, html: str) -> None:
    assert autop(content) == html


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_parse_or_a_newscms_error(data: bytes) -> None:
    with contextlib.suppress(NewsCMSError):
        parse_wxr(data, source="fuzz.xml")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(DATA) - 1), st.integers(1, 200), st.binary(max_size=20))
def test_damaged_exports_give_a_parse_or_a_newscms_error(
    start: int, length: int, junk: bytes
) -> None:
    with contextlib.suppress(NewsCMSError):
        parse_wxr(DATA[:start] + junk + DATA[start + length :], source="fuzz.xml")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_content_becomes_html(content: str) -> None:
    assert isinstance(autop(content), str)
