"""WordPress exports (WXR, the XML of Tools -> Export) read into article drafts.

Every ``<item>`` of ``wp:post_type`` ``post`` becomes a draft:

- headline from ``<title>``; summary from ``excerpt:encoded`` (as plain text);
- body from ``content:encoded`` after WordPress's own paragraph rule (``wpautop``: the
  editor stores paragraphs as text separated by blank lines, without ``<p>``), with
  the ``[caption]`` shortcode made a ``<figure>`` and media shortcodes dropped; the
  draft then sanitizes it;
- byline: ``dc:creator`` (a login) mapped to the ``wp:author`` display name;
- published_at from ``wp:post_date_gmt``; drafts carry ``0000-00-00 00:00:00`` there,
  so ``wp:post_date`` read in ``ImportOptions.timezone`` is used instead;
- status: ``publish`` -> published, ``future`` -> scheduled, ``draft``, ``pending``,
  ``private`` and any custom status -> draft;
- slug: ``wp:post_name``, percent-decoded and lowercased, kept as imported (empty on
  drafts: the store derives one);
- tags: categories (``domain="category"``) as section tags, ``post_tag`` as topic tags;
- locale: ``ImportOptions.locale``, else a Polylang ``language`` term on the post,
  else the channel's ``<language>``;
- canonical_url from ``<link>``; the source locator is ``<file>#post-<wp:post_id>``
  (``<file>#<guid>`` when an export has no post ids), so each post keeps its own
  identity across re-imports.

Other post types (attachments, pages, navigation menu items, revisions, ...) are not
articles: they are counted in ``ParsedSource.skipped`` by post type, as are posts in
the trash or auto-drafts (by status) and untitled posts (``"untitled"``).

The XML is parsed by lxml with entity resolution, DTD loading and network access off
and without ``huge_tree``: nothing is fetched and no entity is expanded, and a document
that declares entities (an XML bomb, an external entity) is refused outright, since
WordPress never writes one.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from lxml import etree

from newscms.domain import Status, TagKind
from newscms.errors import ImportFailure, LocaleError
from newscms.importers.base import (
    DEFAULT_OPTIONS,
    ImportOptions,
    ParsedSource,
    TagList,
    build_draft,
    http_url,
    provenance,
    read_date,
)
from newscms.utils.html import html_to_text
from newscms.utils.locales import normalize_locale

if TYPE_CHECKING:
    from newscms.domain import ArticleDraft
    from newscms.utils.dates import ParsedDate

__all__ = ["FORMAT", "STATUSES", "autop", "parse_wxr"]

FORMAT = "wxr"

WP_NAMESPACE_PREFIX = "http://wordpress.org/export/"
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"

STATUSES: dict[str, Status] = {
    "publish": Status.PUBLISHED,
    "future": Status.SCHEDULED,
    "draft": Status.DRAFT,
    "pending": Status.DRAFT,
    "private": Status.DRAFT,
}
"""WordPress post statuses and the status each article gets; others become drafts."""

_SKIPPED_STATUSES = frozenset({"trash", "auto-draft", "inherit"})
_NO_DATE = "0000-00-00 00:00:00"
_ARTICLE_TYPE = "post"

# wpautop's block elements (WordPress's $allblocks): text between them is not a <p>.
_BLOCKS = (
    "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    "|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    "|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_TAG = rf"</?{_BLOCKS}(?=[\s/>])[^>]*>"
# wpautop's steps, in its order: (pattern, replacement), applied to the <p>-wrapped text.
_AUTOP_CLEANUP: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"<p>\s*</p>", ""),
        (r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>"),
        (rf"<p>\s*({_BLOCK_TAG})\s*</p>", r"\1"),
        (r"<p>(<li.+?)</p>", r"\1"),
        (r"<p><blockquote([^>]*)>", r"<blockquote\1><p>"),
        (r"</blockquote></p>", "</p></blockquote>"),
        (rf"<p>\s*({_BLOCK_TAG})", r"\1"),
        (rf"({_BLOCK_TAG})\s*</p>", r"\1"),
        (r"<br\s*/?>", "<br />"),
        (r"(?<!<br />)\s*\n", "<br />\n"),
        (rf"({_BLOCK_TAG})\s*<br />", r"\1"),
        (r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[\s/>])", r"\1"),
        (r"\n</p>$", "</p>"),
    )
)
_BLOCK_OPEN = re.compile(rf"(<{_BLOCKS}[\s/>])", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"(</{_BLOCKS}>)", re.IGNORECASE)
_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# Newlines in <pre> and in scripts are the content's own; they must not become <br />.
_KEEP_NEWLINES = re.compile(r"<(pre|script|style|svg|math)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_LONE_SHORTCODE = re.compile(
    r"<p>\s*(\[(caption|embed|gallery|playlist|audio|video)\b[^\]]*\](?:.*?\[/\2\])?)\s*</p>",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_EDITOR = "<!-- wp:"
_CAPTION = re.compile(r"\[caption\b[^\]]*\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL)
_CAPTION_MEDIA = re.compile(
    r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.IGNORECASE | re.DOTALL)
# Media shortcodes render players and galleries from data the export keeps elsewhere.
_MEDIA_SHORTCODES = re.compile(
    r"\[(gallery|playlist|audio|video)\b[^\]]*\](?:.*?\[/\1\])?", re.IGNORECASE | re.DOTALL
)


def autop(text: str) -> str:
    """Turn WordPress post content into HTML paragraphs, as WordPress shows it.

    This is WordPress's ``wpautop``, step by step: text separated by blank lines
    becomes ``<p>`` paragraphs and a single newline a ``<br />``; block elements (lists,
    quotes, figures, ``<p>`` already there) are not wrapped; ``<pre>`` and scripts keep
    their newlines. Content written in the block editor (``<!-- wp:`` comments) is
    already HTML and WordPress does not run wpautop on it, so neither does this.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _BLOCK_EDITOR in text or not text.strip():
        return _shortcodes(text.strip())
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match[0])
        # A <pre> stays a block for the steps below; the rest are dropped by the sanitizer.
        tag = "pre" if match[1].lower() == "pre" else "span"
        return f'<{tag} data-newscms-kept="{len(kept) - 1}"></{tag}>'

    text = _KEEP_NEWLINES.sub(keep, text)
    text = _TAG.sub(lambda tag: tag[0].replace("\n", " "), text)
    text = _DOUBLE_BR.sub("\n\n", text + "\n")
    text = _BLOCK_CLOSE.sub(r"\1\n\n", _BLOCK_OPEN.sub(r"\n\n\1", text))
    paragraphs = [chunk.strip("\n") for chunk in _PARAGRAPH_BREAK.split(text) if chunk.strip()]
    text = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    for pattern, replacement in _AUTOP_CLEANUP:
        text = pattern.sub(replacement, text)
    for index, original in enumerate(kept):
        tag = "pre" if original[1:4].lower() == "pre" else "span"
        text = text.replace(f'<{tag} data-newscms-kept="{index}"></{tag}>', original)
    # Like WordPress's shortcode_unautop: a shortcode alone in its paragraph is no paragraph.
    return _shortcodes(_LONE_SHORTCODE.sub(r"\1", text)).strip()


def _shortcodes(text: str) -> str:
    def caption(match: re.Match[str]) -> str:
        inner = _CAPTION_MEDIA.fullmatch(match[1])
        if inner is None:
            return match[1]
        media, words = inner[1], inner[2].strip()
        caption = f"<figcaption>{words}</figcaption>" if words else ""
        return f"<figure>{media}{caption}</figure>"

    def embed(match: re.Match[str]) -> str:
        url = escape(match[1].strip())
        return f'<p><a href="{url}">{url}</a></p>'

    text = _CAPTION.sub(caption, text)
    text = _EMBED.sub(embed, text)
    return _MEDIA_SHORTCODES.sub("", text)


def parse_wxr(
    data: str | bytes, *, source: str, options: ImportOptions = DEFAULT_OPTIONS
) -> ParsedSource:
    """Read the posts of a WordPress export into drafts, counting what is not a post.

    Args:
        data: The export, as bytes (any encoding its XML declaration names) or text.
        source: The file path or URL: with ``#post-<id>`` each post's source identity,
            and the name every error message gives.
        options: Locale and the site's time zone (for drafts' local dates).

    Returns:
        A ``ParsedSource`` of format ``wxr``: one draft per post, in export order, and
        ``skipped`` counting attachments, pages, menu items, trashed posts, ...

    Raises:
        ImportFailure: The XML is malformed (with the line lxml reports), declares
            entities, is not a WordPress export, or a post cannot be read.
    """
    root = _parse_xml(data, source)
    channel = root.find("channel") if root.tag == "rss" else None
    wp = _wp_namespace(root)
    if channel is None or wp is None:
        raise ImportFailure(
            "is not a WordPress export: expected <rss><channel> with the "
            f"{WP_NAMESPACE_PREFIX}1.2/ namespace (Tools -> Export writes it)",
            source=source,
            line=root.sourceline,
        )
    export = _Export(channel, wp, root, source, options)
    drafts: list[ArticleDraft] = []
    skipped: Counter[str] = Counter()
    for item in channel.iterfind("item"):
        post_type = _text(item, f"{{{wp}}}post_type") or _ARTICLE_TYPE
        status = _text(item, f"{{{wp}}}status") or "publish"
        if post_type != _ARTICLE_TYPE:
            skipped[post_type] += 1
        elif status in _SKIPPED_STATUSES:
            skipped[status] += 1
        elif not _text(item, "title"):
            skipped["untitled"] += 1
        else:
            drafts.append(export.draft(item, status))
    return ParsedSource(FORMAT, tuple(drafts), skipped)


def _parse_xml(data: str | bytes, source: str) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        encoding="utf-8" if isinstance(data, str) else None,
    )
    # Text has no bytes left to declare an encoding for: give lxml UTF-8 and say so.
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else bytes(data)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportFailure(
            f"is not well-formed XML: {exc.msg}", source=source, line=exc.lineno
        ) from None
    except (etree.LxmlError, ValueError) as exc:
        raise ImportFailure(f"cannot be read as XML: {exc}", source=source) from None
    if root is None:
        raise ImportFailure("is empty", source=source)
    # lxml-stubs do not know DTD.iterentities(); lxml has had it since 2.x.
    dtd: Any = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ImportFailure(
            "declares XML entities, which WordPress exports never do; refused (an entity "
            "can expand without bound or read files)",
            source=source,
            line=1,
        )
    return root


def _wp_namespace(root: Any) -> str | None:
    """The ``wp`` namespace of the export's WXR version (1.0, 1.1 or 1.2)."""
    for uri in (root.nsmap or {}).values():
        if isinstance(uri, str) and uri.startswith(WP_NAMESPACE_PREFIX) and "excerpt" not in uri:
            return uri
    return None


def _text(element: Any, path: str) -> str:
    """The stripped text at ``path`` under ``element``; empty when absent."""
    return (element.findtext(path) or "").strip()


class _Export:
    """What every post of one export shares: namespaces, authors, language, options."""

    def __init__(
        self, channel: Any, wp: str, root: Any, source: str, options: ImportOptions
    ) -> None:
        self.wp = wp
        self.excerpt = (root.nsmap or {}).get("excerpt") or f"{wp}excerpt/"
        self.source = source
        self.options = options
        self.language = _text(channel, "language")
        self.authors: dict[str, str] = {}
        for author in channel.iterfind(f"{{{wp}}}author"):
            login = _text(author, f"{{{wp}}}author_login")
            full = " ".join(
                _text(author, f"{{{wp}}}author_{part}_name") for part in ("first", "last")
            ).strip()
            name = _text(author, f"{{{wp}}}author_display_name") or full or login
            if login:
                self.authors[login] = name

    def draft(self, item: Any, status: str) -> ArticleDraft:
        """One post as a draft."""
        wp, line = self.wp, item.sourceline
        post_id, guid = _text(item, f"{{{wp}}}post_id"), _text(item, "guid")
        if post_id:
            locator = f"{self.source}#post-{post_id}"
        else:  # hand-made exports: the guid, else the item's place in the file
            locator = f"{self.source}#{guid}" if guid else f"{self.source}#line-{line}"
        published = self._date(item)
        tags = TagList()
        language = None
        for category in item.iterfind("category"):
            domain, name = category.get("domain"), (category.text or "").strip()
            if domain == "category":
                tags.add(TagKind.SECTION, name, line=category.sourceline)
            elif domain == "post_tag":
                tags.add(TagKind.TOPIC, name, line=category.sourceline)
            elif domain == "language":  # Polylang's per-post language
                language = category.get("nicename") or name
        creator = _text(item, f"{{{DC_NAMESPACE}}}creator")
        excerpt = html_to_text(item.findtext(f"{{{self.excerpt}}}encoded") or "")
        slug = unquote(_text(item, f"{{{wp}}}post_name")).lower()
        return build_draft(
            document=self.source,
            lines=tags.lines,
            line=line,
            locale=self._locale(language, line),
            headline=_text(item, "title"),
            summary=excerpt or None,
            body=autop(item.findtext(f"{{{CONTENT_NAMESPACE}}}encoded") or ""),
            byline=[{"name": self.authors.get(creator, creator)}] if creator else [],
            status=STATUSES.get(status, Status.DRAFT),
            published_at=published.value if published else None,
            slug=slug or None,
            tags=tags.fields,
            canonical_url=http_url(_text(item, "link")),
            source={"format": FORMAT, "locator": locator},
            date_provenance=provenance(published) if published else None,
        )

    def _date(self, item: Any) -> ParsedDate | None:
        """The GMT date, else (drafts) the local one in the site's zone; None if neither."""
        for name, zone in (("post_date_gmt", "UTC"), ("post_date", self.options.timezone)):
            element = item.find(f"{{{self.wp}}}{name}")
            raw = (element.text or "").strip() if element is not None else ""
            if raw and raw != _NO_DATE:
                return read_date(
                    raw,
                    source=self.source,
                    line=element.sourceline,
                    order=self.options.date_order,
                    zone=zone,
                )
        return None

    def _locale(self, language: str | None, line: int | None) -> str:
        if self.options.locale is not None:
            return self.options.locale
        for candidate in (language, self.language):
            if candidate:
                try:
                    return normalize_locale(candidate)
                except LocaleError:
                    continue
        raise ImportFailure(
            "cannot tell the post's language: the export has no usable <language>; "
            "pass --locale (ImportOptions.locale)",
            source=self.source,
            line=line,
        )
