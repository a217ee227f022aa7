# ruff: noqa: RUF001 - CJK punctuation and typographic dashes are what is tested
"""The printable version: 72 display columns of plain text, and a print-styled HTML page."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from _media_fixtures import GALLERY, INLINE, LEAD, VIDEO, with_media
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from newscms.domain import Article, Dateline, DateProvenance
from newscms.errors import ValidationError
from newscms.formats import Site, article_date, to_print_html, to_text, wrap
from newscms.formats.printable import display_width, printable_text

CLOSING = "、。，．：；？！）」』】》”’"
OPENING = "（「『【《“‘"


def text_lines(article: Article, site: Site | None) -> list[str]:
    url = site.public_url(article) if site is not None else None
    return [line for line in to_text(article, site=site).splitlines() if line != url]


@pytest.mark.parametrize("with_site", [True, False])
def test_every_line_fits_72_columns(example_article: Article, site: Site, with_site: bool) -> None:
    chosen = site if with_site else None
    wide = example_article.locale.startswith("zh")
    for line in text_lines(example_article, chosen):
        assert display_width(line, ambiguous_wide=wide) <= 72, line
        assert line == line.rstrip()


def test_sample_article_as_text(asianews: Article, site: Site) -> None:
    text = to_text(asianews, site=site)
    blocks = text.split("\n\n")
    assert blocks[0] == "KOREA - CHINA"
    assert blocks[1] == asianews.headline
    assert blocks[2] == "by Joseph Yun Li-sun\nJune 14, 2012"  # no time: the source had none
    assert blocks[3].startswith("A source in South Korea's Interior Ministry tells AsiaNews,")
    assert blocks[4].startswith('Seoul (AsiaNews) - The Chinese government "is losing patience')
    assert (
        "See also\n- Tensions between Seoul and Pyongyang rise as Cold War fears cast a\n" in text
    )
    assert "  shadow over Korea (February 12, 2016)\n" in text
    assert "- Tokyo to demand total nuclear power ban on Pyongyang (July 20, 2005)\n" in text
    assert text.endswith(f"\n\n{site.url_for(asianews)}\n")
    assert "[. . .]" in text


def test_the_url_line_is_never_cut(asianews: Article, site: Site) -> None:
    url = site.url_for(asianews)
    assert len(url) > 72
    assert url in to_text(asianews, site=site).splitlines()


def test_italian_labels_names_and_date(italian: Article, site: Site) -> None:
    text = to_text(italian, site=site)
    assert "di Joseph Yun Li-sun e Bernardo Cervellera\n15 gennaio 2026 16:00" in text
    assert "Vedi anche\n- Seul e Pyongyang, cresce la tensione" in text


def test_chinese_wraps_by_display_width_and_keeps_punctuation(chinese: Article, site: Site) -> None:
    lines = text_lines(chinese, site)
    assert "作者：李顺和王小明" in lines
    assert "2012年6月14日 03:30" in lines
    body = [line for line in lines if display_width(line, ambiguous_wide=True) > 60]
    assert body, "Chinese paragraphs fill their lines"
    for line in filter(None, lines):
        assert line[0] not in CLOSING, line
        assert line[-1] not in OPENING, line
    opening = next(index for index, line in enumerate(lines) if line.startswith("首尔"))
    assert "中国政府“正在对朝鲜失去耐心。" in "".join(lines[opening : opening + 3])


def test_date_only_legacy_dates_stay_on_their_day(asianews: Article) -> None:
    # 06/14/2012 was read at midnight in Rome (22:00 UTC the day before): without a site
    # the date is still shown in the zone it was read in.
    assert article_date(asianews) == "June 14, 2012"
    known = asianews.model_copy(update={"date_provenance": None})
    assert article_date(known) == "June 13, 2012, 10:00\u202fPM"  # CLDR's narrow space

    def read_in(zone: str) -> Article:
        provenance = DateProvenance(raw="x", rule="iso-8601", zone=zone, time_known=False)
        return asianews.model_copy(update={"date_provenance": provenance})

    assert article_date(read_in("+02:00")) == "June 14, 2012"  # a recorded offset is a zone
    assert article_date(read_in("Mars/Olympus")) == "June 13, 2012"  # unknown: UTC fallback


def test_unpublished_article_has_no_date(make: Callable[..., Article]) -> None:
    assert article_date(make("draft", published_at=None)) is None


def test_dateline_is_not_repeated_when_the_body_has_it(make: Callable[..., Article]) -> None:
    article = make(
        "repeat",
        body="<p>Seoul (AsiaNews) – Five missiles.</p>",
        dateline=Dateline(place="Seoul", source="AsiaNews"),
    )
    assert "Seoul (AsiaNews) – Five missiles." in to_text(article).splitlines()
    bare = make("no-body", body="", dateline=Dateline(place="Seoul", source="AsiaNews"))
    assert "\n\nSeoul (AsiaNews)\n" in to_text(bare)


def test_hostile_text_is_printable(hostile: Article) -> None:
    text = to_text(hostile)
    assert text.isprintable() is False  # newlines
    assert all(ch.isprintable() or ch == "\n" for ch in text)
    assert 'Bad chars & <tags> "quotes" \ufffd here' in text
    assert "Line one line two & more" in text
    text.encode("utf-8")


def test_display_width() -> None:
    assert display_width("abc") == 3
    assert display_width("中文") == 4
    assert display_width("ｶﾀｶﾅ") == 4  # half-width katakana
    assert display_width("e\u0301") == 1  # e and a combining acute accent
    assert display_width("“”") == 2
    assert display_width("“”", ambiguous_wide=True) == 4


def test_wrap_cuts_words_longer_than_a_line() -> None:
    assert wrap("a" * 10 + " b", 4) == ["aaaa", "aaaa", "aa b"]
    assert wrap("中文中文中", 4) == ["中文", "中文", "中"]
    assert wrap("one two three", 8, initial_indent="- ", subsequent_indent="  ") == [
        "- one",
        "  two",
        "  three",
    ]


def test_wrap_needs_room() -> None:
    with pytest.raises(ValidationError) as caught:
        wrap("text", 3, initial_indent="- ")
    assert caught.value.field == "width"


WORDS = st.lists(
    st.one_of(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzàé", min_size=1, max_size=15),
        st.text(alphabet="北京平壤韩国中国政府正在对朝鲜失去耐心", min_size=1, max_size=40),
        st.text(alphabet=CLOSING + OPENING, min_size=1, max_size=2),
        st.text(alphabet="abc\u0301\u0308", min_size=1, max_size=6),
        st.just("https://www.asianews.it/news-en/a-very-long-address-that-does-not-fit"),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(
    WORDS,
    st.lists(st.sampled_from([" ", "", "  ", "\t"]), min_size=40, max_size=40),
    st.integers(8, 80),
)
@example(["“北京”", "。"], [""] * 40, 8)
def test_wrap_fits_and_keeps_every_character(words: list[str], gaps: list[str], width: int) -> None:
    text = "".join(word + gap for word, gap in zip(words, gaps, strict=False))
    lines = wrap(text, width, ambiguous_wide=True)
    for line in lines:
        assert display_width(line, ambiguous_wide=True) <= width
        assert line == line.strip()
        assert line
    assert "".join("".join(lines).split()) == "".join(text.split())


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_printable_text_is_always_encodable(text: str) -> None:
    cleaned = printable_text(text)
    cleaned.encode("utf-8")
    assert all(unicodedata.category(ch) != "Cc" or ch in "\t\n" for ch in cleaned)


def page(article: Article, site: Site | None) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(to_print_html(article, site=site))


def test_print_page(example_article: Article, site: Site) -> None:
    for chosen in (site, None):
        root = page(example_article, chosen)
        assert root.get("lang") == example_article.locale
        assert root.get("dir") == "ltr"
        assert root.xpath("//script") == []
        assert not [a for el in root.iter() for a in el.attrib if a.startswith("on")]
        assert root.xpath("string(//h1)") == example_article.headline
        (style,) = root.xpath("//style/text()")
        assert "@media print" in style
        assert root.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_print_page_of_the_sample(asianews: Article, site: Site) -> None:
    root = page(asianews, site)
    url = site.url_for(asianews)
    assert root.xpath("//link[@rel='canonical']/@href") == [url]
    assert root.xpath("string(//title)") == f"{asianews.headline} | AsiaNews"
    assert root.xpath("//time/@datetime")[0] == "2012-06-14T00:00:00+02:00"
    assert root.xpath("string(//p[@class='date'])") == "June 14, 2012"
    assert root.xpath("string(//p[@class='dateline'])") == "Seoul (AsiaNews)"
    items = root.xpath("//section[@class='see-also']/ul/li")
    assert len(items) == 5
    assert (
        items[1].text_content()
        == "Tokyo to demand total nuclear power ban on Pyongyang July 20, 2005"
    )
    assert len(root.xpath("//article/p")) > 8


def test_print_page_links_public_related_articles(site: Site, make: Callable[..., Article]) -> None:
    target = make("target", headline="Target & <co>")
    article = make("with-link", relations=[("see_also", target.ref)])
    root = page(article, site)
    (link,) = root.xpath("//section[@class='see-also']//a")
    assert link.get("href") == site.url_for(target)
    assert link.text == "Target & <co>"


def test_print_page_escapes_everything(hostile: Article) -> None:
    evil = hostile.model_copy(
        update={"headline": "<script>alert(1)</script> & <b>", "locale": "ar"}
    )
    markup = to_print_html(evil)
    assert "<script>" not in markup
    root = lxml_html.document_fromstring(markup)
    assert root.xpath("string(//h1)") == "<script>alert(1)</script> & <b>"
    assert root.get("dir") == "rtl"


def test_scheduled_article_date_is_its_publication_time(make: Callable[..., Article]) -> None:
    article = make("scheduled", published_at=datetime(2026, 3, 9, 8, 30, tzinfo=UTC), locale="it")
    assert article_date(article) == "9 marzo 2026 08:30"


FIGURE = re.compile(r'\n<figure class="(?:lead|gallery)-image">.*?</figure>', re.DOTALL)


def test_the_lead_image_opens_the_body_and_the_gallery_follows(
    asianews: Article, site: Site
) -> None:
    root = page(with_media(asianews), site)
    blocks = [el.get("class") or el.tag for el in root.xpath("//article/*")]
    lead = blocks.index("lead-image")
    assert blocks[lead - 1 : lead + 2] == ["summary", "lead-image", "dateline"]
    assert blocks[-2:] == ["gallery-image", "see-also"]  # after the body, before "See also"
    assert blocks.count("lead-image") == blocks.count("gallery-image") == 1  # no map, no video
    (image,) = root.xpath("//figure[@class='lead-image']/img")
    assert dict(image.attrib) == {
        "src": LEAD.url,
        "alt": LEAD.alt,
        "width": "3000",
        "height": "2000",
    }
    (caption,) = root.xpath("//figure[@class='lead-image']/figcaption")
    assert caption.xpath("string(span[@class='caption'])") == LEAD.caption
    assert caption.xpath("string(span[@class='credit'])") == "Photo: AFP / Ed Jones"
    (gallery,) = root.xpath("//figure[@class='gallery-image']")
    assert gallery.xpath("img/@src") == [
        "https://www.asianews.it/files/img/%E5%B9%B3%E5%A3%A4-street.png"
    ]
    assert gallery.xpath("img/@alt") == []  # none is known: none is made up
    assert gallery.xpath("figcaption/span/@lang") == ["it"]  # borrowed from the Italian edition


def test_media_only_add_figures(example_article: Article, site: Site) -> None:
    for chosen in (site, None):
        plain = to_print_html(example_article, site=chosen)
        illustrated = to_print_html(with_media(example_article), site=chosen)
        # An article with nothing but figures in its main part leaves an empty line.
        empty = "</header>\n\n</article>"
        assert FIGURE.sub("", illustrated) == plain.replace(empty, "</header>\n</article>")
        others = with_media(example_article, INLINE, VIDEO)
        assert to_print_html(others, site=chosen) == plain


def test_a_gallery_without_a_lead_follows_the_body(asianews: Article) -> None:
    root = page(with_media(asianews, GALLERY, GALLERY), None)
    assert root.xpath("//figure/@class") == ["gallery-image", "gallery-image"]
    bare = LEAD.model_copy(update={"caption": None, "credit": None, "alt": None, "width": None})
    root = page(with_media(asianews, bare.model_copy(update={"height": None})), None)
    (figure,) = root.xpath("//figure")
    assert figure.xpath("figcaption") == []
    assert dict(figure.find("img").attrib) == {"src": LEAD.url}


def test_media_texts_are_escaped(hostile: Article) -> None:
    evil = LEAD.model_copy(
        update={
            "url": 'https://x.test/a.jpg" onerror="alert(1)',
            "alt": '"><script>alert(1)</script>',
            "caption": "<img src=x onerror=alert(1)> & \x1b",
            "credit": "</figcaption><script>",
            "alt_locale": 'en" onclick="x',
        }
    )
    markup = to_print_html(with_media(hostile, evil))
    root = lxml_html.document_fromstring(markup)
    assert root.xpath("//script") == []
    assert not [a for el in root.iter() for a in el.attrib if a.startswith("on")]
    (image,) = root.xpath("//figure/img")
    assert image.get("src") == "https://x.test/a.jpg%22%20onerror=%22alert(1)"  # a URI
    assert image.get("alt") == '"><script>alert(1)</script>'
    assert root.xpath("string(//span[@class='caption'])") == "<img src=x onerror=alert(1)> & "
    assert root.xpath("string(//span[@class='credit'])") == "</figcaption><script>"
    unusable = LEAD.model_copy(update={"url": "javascript:alert(1)"})
    assert "<figure" not in to_print_html(with_media(hostile, unusable))


def test_the_text_version_names_the_lead_picture_by_its_caption_and_credit(
    asianews: Article, site: Site
) -> None:
    text = to_text(with_media(asianews), site=site)
    expected = f"[{LEAD.caption} Photo: AFP / Ed Jones]"
    assert " ".join(expected.split()) in " ".join(text.split())
    assert "[" not in to_text(asianews, site=site).split("\n\n")[3]  # no picture, no line
