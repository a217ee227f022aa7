"""The printable version of an article: 72-column plain text and a print-styled HTML page.

Plain text is wrapped by *display width*, not by characters: East Asian wide and
full-width characters take two columns, combining marks none, and (in Chinese, Japanese
and Korean text, where fonts draw them wide) ambiguous-width characters such as ``“`` two.
Chinese and Japanese have no spaces, so a line may break between any two wide
characters, except before closing punctuation (``。」``) or after opening punctuation
(``「“``), the basic line-breaking rules (kinsoku) of CJK typography.

Dates are in the article's locale (Babel). A time is shown only when the source recorded
one; a date-only legacy date is shown in the zone it was read in, so ``06/14/2012``
stays June 14 wherever the reader is.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import TYPE_CHECKING

from babel.lists import format_list

from newscms.errors import ValidationError
from newscms.formats._media import lead_picture, media_uri, pictures
from newscms.utils.dates import format_date, time_zone
from newscms.utils.html import html_to_text
from newscms.utils.locales import babel_locale, fallback_chain, language_of

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from newscms.domain import Article, ArticleMedia, ArticleTeaser, Dateline, Relation
    from newscms.formats.site import Site

__all__ = [
    "LABELS",
    "PRINT_CSS",
    "TEXT_WIDTH",
    "article_date",
    "byline_text",
    "dateline_text",
    "display_width",
    "printable_text",
    "see_also_items",
    "to_print_html",
    "to_text",
    "wrap",
]

TEXT_WIDTH = 72

LABELS: dict[str, dict[str, str]] = {
    "en": {"by": "by {names}", "see_also": "See also"},
    "it": {"by": "di {names}", "see_also": "Vedi anche"},
    "es": {"by": "por {names}", "see_also": "Véase también"},
    "fr": {"by": "par {names}", "see_also": "Voir aussi"},
    "de": {"by": "von {names}", "see_also": "Siehe auch"},
    "pt": {"by": "por {names}", "see_also": "Veja também"},
    "zh": {"by": "作者：{names}", "see_also": "相关新闻"},  # noqa: RUF001 - CJK punctuation
    "zh-Hant": {"by": "作者：{names}", "see_also": "相關新聞"},  # noqa: RUF001
    "ja": {"by": "文：{names}", "see_also": "関連記事"},  # noqa: RUF001
    "ko": {"by": "글: {names}", "see_also": "관련 기사"},
}
"""The words of the printable page, by locale; a locale follows its fallback chain to ``en``."""

PRINT_CSS = """\
body{font:12pt/1.5 Georgia,"Times New Roman",serif;color:#000;background:#fff;\
max-width:40em;margin:2em auto;padding:0 1em}
h1{font-size:1.7em;line-height:1.2;margin:.2em 0}
.kicker,.byline,.date,.dateline,footer{font-family:Helvetica,Arial,sans-serif;font-size:.85em}
.kicker{text-transform:uppercase;letter-spacing:.05em}
.subheadline{font-size:1.2em;font-style:italic}
.summary{font-weight:bold}
img{max-width:100%;height:auto}
@page{margin:2cm}
@media print{body{max-width:none;margin:0;padding:0}a{color:#000;text-decoration:none}\
a[href^="http"]::after{content:" (" attr(href) ")";font-size:.8em}\
h1,h2{break-after:avoid}p{orphans:3;widows:3}figure,blockquote,li{break-inside:avoid}}
"""
"""The whole style sheet of the print page: readable on screen, clean on paper."""

_CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})
# Characters a line must not start with / end with (JIS X 4051 and GB/T 15834 basics).
_NO_LINE_START = frozenset(
    "、。，．・：；？！）］｝〕〉》」』】〙〗〟’”｠»‼⁇⁈⁉ゝゞーヽヾ々〻"  # noqa: RUF001 - CJK punctuation
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ,.:;?!)]}%"
)
_NO_LINE_END = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«([{")  # noqa: RUF001 - CJK punctuation
# C0 and C1 controls (but tab and newline) and noncharacters are never printable; the
# ones that separate words (vertical tab, form feed, ...) become spaces.
_UNPRINTABLE: dict[int, str | None] = {
    code: " " if chr(code).isspace() else None
    for code in (*range(0x20), *range(0x7F, 0xA0))
    if code not in (9, 10)
}
_UNPRINTABLE |= {0xFFFE: None, 0xFFFF: None}
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable_text(text: str) -> str:
    """``text`` without controls and noncharacters, lone surrogates replaced by U+FFFD.

    What is left can be printed, written to a terminal or encoded as UTF-8.
    """
    cleaned = text.translate(_UNPRINTABLE)
    return cleaned if cleaned.isascii() else _SURROGATE.sub("\ufffd", cleaned)


def dateline_text(dateline: Dateline) -> str:
    """The dateline as printed: ``"Seoul (AsiaNews)"``, ``"Seoul"`` or ``"AsiaNews"``."""
    if dateline.place and dateline.source:
        return f"{dateline.place} ({dateline.source})"
    return dateline.place or dateline.source or ""


def article_date(article: Article | ArticleTeaser, *, site: Site | None = None) -> str | None:
    """The publication date readers see, in the article's locale; None when unpublished.

    With a time when the source recorded one (in the site's zone, UTC without a site);
    a date-only legacy date is shown in the zone it was read in.
    """
    if article.published_at is None:
        return None
    if article.published_time_known:
        zone = site.timezone if site is not None else "UTC"
        return format_date(article.published_at, article.locale, zone=zone, time=True)
    return format_date(article.published_at, article.locale, zone=_reading_zone(article, site))


def display_width(text: str, *, ambiguous_wide: bool = False) -> int:
    """Columns ``text`` takes in a monospaced font (wide East Asian characters take two)."""
    return sum(_width(char, ambiguous_wide) for char in text)


def wrap(
    text: str,
    width: int = TEXT_WIDTH,
    *,
    initial_indent: str = "",
    subsequent_indent: str = "",
    ambiguous_wide: bool = False,
) -> list[str]:
    """Wrap one paragraph into lines of at most ``width`` display columns.

    Spaces (any run of whitespace) are break points and become one space; between two
    wide characters a line may break with no space, except where CJK punctuation forbids
    it. A word wider than a line is cut.

    Raises:
        ValidationError: ``width`` leaves fewer than two columns after the indent.
    """
    room = width - max(display_width(initial_indent), display_width(subsequent_indent))
    if room < 2:
        raise ValidationError("width must leave at least two columns of text", field="width")
    lines: list[str] = []
    line: list[str] = []
    used = 0
    limit = width - display_width(initial_indent)
    for word, spaced in _units(text, ambiguous_wide):
        unit = word
        size = display_width(unit, ambiguous_wide=ambiguous_wide)
        gap = 1 if spaced and line else 0
        if line and used + gap + size > limit:
            lines.append("".join(line))
            line, used, gap = [], 0, 0
            limit = width - display_width(subsequent_indent)
        while size > limit:  # a word wider than a whole line is cut where it must be
            head, unit = _cut(unit, limit, ambiguous_wide)
            lines.append(head)
            limit = width - display_width(subsequent_indent)
            size = display_width(unit, ambiguous_wide=ambiguous_wide)
        line += [" " * gap, unit]
        used += gap + size
    if line:
        lines.append("".join(line))
    return [
        (initial_indent if index == 0 else subsequent_indent) + text_line
        for index, text_line in enumerate(lines)
    ]


def to_text(article: Article, *, site: Site | None = None, width: int = TEXT_WIDTH) -> str:
    """The article as plain text wrapped at ``width`` columns, for printing or e-mail.

    Region tags, headline, subheadline, byline, date, summary, the lead picture's
    caption and credit in brackets, body (the dateline opens
    the first paragraph, as on the page), the see-also list with dates, and the
    article's URL when a site is given. Paragraphs are separated by a blank line.

    Raises:
        ValidationError: ``width`` is too small to hold any text.
    """
    wide = language_of(article.locale) in _CJK_LANGUAGES
    labels = _labels(article.locale)

    def lines(text: str | None, hang: str = "") -> list[str]:
        wrapped: list[str] = []
        for hard_line in printable_text(text or "").split("\n"):
            if hard_line.strip():
                wrapped += wrap(hard_line, width, subsequent_indent=hang, ambiguous_wide=wide)
        return wrapped

    regions = " - ".join(tag.name for tag in article.tags_of_kind("region"))
    blocks = [
        lines(regions),
        lines(article.headline) + lines(article.subheadline),
        lines(_byline(article, labels)) + lines(article_date(article, site=site)),
        lines(article.summary),
    ]
    if (lead := lead_picture(article)) is not None and (lead.caption or lead.credit):
        # A picture cannot be printed as text; what it says and who made it can.
        caption = " ".join(part for part in (lead.caption, lead.credit) if part)
        blocks.append(lines(f"[{caption}]"))
    paragraphs = [p for p in html_to_text(article.body).split("\n\n") if p.strip()]
    if article.dateline is not None and not _opens_with_dateline(paragraphs, article.dateline):
        place = dateline_text(article.dateline)
        paragraphs[:1] = [f"{place} - {paragraphs[0]}" if paragraphs else place]
    blocks += [lines(paragraph) for paragraph in paragraphs]
    if related := list(see_also_items(article, site)):
        items = [f"- {title} ({when})" if when else f"- {title}" for title, when in related]
        blocks.append(lines(labels["see_also"]) + [n for i in items for n in lines(i, "  ")])
    if site is not None and (url := site.public_url(article)):
        blocks.append([url])  # never cut: a URL must stay clickable
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"


def to_print_html(article: Article, *, site: Site | None = None) -> str:
    """A minimal, print-styled HTML page of the article: no scripts, no site chrome.

    The page has ``<html lang dir>`` from the article's locale, a canonical link and
    ``noindex`` (the article page is the one to index), and one style sheet
    (``PRINT_CSS``) with ``@media print`` rules. Every text is escaped; the body is the
    stored, already sanitized HTML. The lead image is a ``<figure>`` before the body
    (after the summary) and the gallery follows it, each with its caption and credit.
    """
    labels = _labels(article.locale)
    locale = babel_locale(article.locale)
    url = site.public_url(article) if site is not None else None
    esc = _escape
    title = esc(article.headline) + (f" | {esc(site.name)}" if site is not None else "")
    head = [
        '<meta charset="utf-8">',
        f"<title>{title}</title>",
        '<meta name="robots" content="noindex">',
    ]
    if url:
        head.append(f'<link rel="canonical" href="{esc(url)}">')
    head.append(f"<style>\n{PRINT_CSS}</style>")
    header = []
    if regions := article.tags_of_kind("region"):
        header.append(f'<p class="kicker">{esc(" - ".join(tag.name for tag in regions))}</p>')
    header.append(f"<h1>{esc(article.headline)}</h1>")
    if article.subheadline:
        header.append(f'<p class="subheadline">{esc(article.subheadline)}</p>')
    if byline := _byline(article, labels):
        header.append(f'<p class="byline">{esc(byline)}</p>')
    if (when := article_date(article, site=site)) and article.published_at is not None:
        stamp = site.timestamp(article.published_at) if site else article.published_at.isoformat()
        header.append(f'<p class="date"><time datetime="{esc(stamp)}">{esc(when)}</time></p>')
    main = []
    if article.summary:
        main.append(f'<p class="summary">{esc(article.summary)}</p>')
    if (lead := lead_picture(article)) is not None:
        main.append(_figure(lead, "lead-image"))
    if article.dateline is not None:
        main.append(f'<p class="dateline">{esc(dateline_text(article.dateline))}</p>')
    if article.body:
        main.append(printable_text(article.body))
    main += [_figure(item, "gallery-image") for item in pictures(article) if item is not lead]
    if related := list(see_also_items(article, site, links=True)):
        items = "".join(
            f"<li>{title}{f' <time>{esc(when)}</time>' if when else ''}</li>"
            for title, when in related
        )
        heading = f"<h2>{esc(labels['see_also'])}</h2>"
        main.append(f'<section class="see-also">{heading}<ul>{items}</ul></section>')
    footer = ""
    if site is not None:
        footer = f"<footer><p>{esc(site.name)} · {esc(url or site.base_url)}</p></footer>"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(article.locale)}" dir="{locale.text_direction}">\n'
        f"<head>\n{chr(10).join(head)}\n</head>\n"
        f"<body>\n<article>\n<header>\n{chr(10).join(header)}\n</header>\n"
        f"{chr(10).join(main)}\n</article>\n{footer}\n</body>\n</html>\n"
    )


def _figure(item: ArticleMedia, kind: str) -> str:
    """An image as a ``<figure>``: the picture, then its caption and credit when known.

    ``lang`` marks alt text or a caption borrowed from another locale's edition, so a
    screen reader reads it in its own language.
    """
    esc = _escape
    image = [f'src="{esc(media_uri(item) or "")}"']
    if item.alt is not None:
        image.append(f'alt="{esc(item.alt)}"')
        if item.alt_locale:
            image.append(f'lang="{esc(item.alt_locale)}"')
    if item.width is not None and item.height is not None:
        image.append(f'width="{item.width}" height="{item.height}"')
    parts = []
    if item.caption:
        lang = f' lang="{esc(item.caption_locale)}"' if item.caption_locale else ""
        parts.append(f'<span class="caption"{lang}>{esc(item.caption)}</span>')
    if item.credit:
        parts.append(f'<span class="credit">{esc(item.credit)}</span>')
    caption = f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""
    return f'<figure class="{kind}"><img {" ".join(image)}>{caption}</figure>'


def _opens_with_dateline(paragraphs: list[str], dateline: Dateline) -> bool:
    """Whether the body already starts with its dateline (as imported bodies may)."""
    opening = paragraphs[0][:80] if paragraphs else ""
    return any(part and part in opening for part in (dateline.place, dateline.source))


def _escape(text: str) -> str:
    return html.escape(printable_text(text))


def _labels(locale: str) -> dict[str, str]:
    for candidate in fallback_chain(locale):
        if candidate in LABELS:
            return LABELS[candidate]
    return LABELS["en"]


def byline_text(article: Article) -> str | None:
    """The byline as a reader sees it in the article's language (``by A and B``), or None."""
    return _byline(article, _labels(article.locale))


def _byline(article: Article, labels: dict[str, str]) -> str | None:
    if not article.byline:
        return None
    names = format_list([p.name for p in article.byline], locale=babel_locale(article.locale))
    return labels["by"].format(names=names)


def _reading_zone(article: Article | ArticleTeaser, site: Site | None) -> str:
    """The zone a date-only legacy date was read in, else the site's, else UTC."""
    if article.date_provenance is not None:
        try:
            time_zone(article.date_provenance.zone)
        except ValidationError:
            pass
        else:
            return article.date_provenance.zone
    return site.timezone if site is not None else "UTC"


def see_also_items(
    article: Article, site: Site | None, *, links: bool = False
) -> Iterator[tuple[str, str | None]]:
    """Title and date of each ``see_also`` target (as escaped HTML, linked, when ``links``).

    Dates are written in the article's language and the zone its legacy dates were read
    in, as the legacy page shows them; every rendering of the list (printable version,
    the reference site) comes from here.
    """
    zone = _reading_zone(article, site)
    for relation in article.relations:
        if relation.kind != "see_also":
            continue
        title, when, url = _target(relation, site)
        if title is None:
            continue
        date = format_date(when, article.locale, zone=zone) if when is not None else None
        if not links:
            yield title, date
        elif url:
            yield f'<a href="{_escape(url)}">{_escape(title)}</a>', date
        else:
            yield _escape(title), date


def _target(
    relation: Relation, site: Site | None
) -> tuple[str | None, datetime | None, str | None]:
    """Title, date and public URL of a relation's target, resolved or pending."""
    target, pending = relation.target, relation.pending
    if target is not None:
        url = site.public_url(target) if site is not None else None
        return target.headline, target.published_at, url
    if pending is None:
        return None, None, None
    return pending.title or pending.url or pending.slug, pending.published_at, pending.url


def _width(char: str, ambiguous_wide: bool) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    kind = unicodedata.east_asian_width(char)
    return 2 if kind in ("W", "F") or (ambiguous_wide and kind == "A") else 1


def _units(text: str, ambiguous_wide: bool) -> Iterator[tuple[str, bool]]:
    """Split a paragraph into unbreakable units, each with "a space came before it"."""
    unit = ""
    last_width = 0  # of the unit's last visible character; combining marks take none
    spaced = pending_space = False
    for char in text:
        if char.isspace():
            pending_space = True
            continue
        width = _width(char, ambiguous_wide)
        if (
            unit
            and not pending_space
            and (
                width == 0
                or (width == 1 and last_width == 1)
                or char in _NO_LINE_START
                or unit[-1] in _NO_LINE_END
            )
        ):
            unit += char
            last_width = width or last_width
            continue
        if unit:
            yield unit, spaced
        unit, last_width, spaced, pending_space = char, width, pending_space, False
    if unit:
        yield unit, spaced


def _cut(unit: str, room: int, ambiguous_wide: bool) -> tuple[str, str]:
    """Split ``unit`` so the head fits in ``room`` (at least two) columns."""
    used = 0
    for index, char in enumerate(unit):
        used += _width(char, ambiguous_wide)
        if used > room:
            cut = max(index, 1)
            return unit[:cut], unit[cut:]
    return unit, ""
