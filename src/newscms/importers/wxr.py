"""WordPress exports (WXR, the XML of Tools -> Export) read into article drafts.

Every ``<item>`` of ``wp:post_type`` ``post`` becomes a draft:

- headline from ``<title>``; summary from ``excerpt:encoded`` (as plain text);
- body from ``content:encoded`` after WordPress's own paragraph rule (``wpautop``: the
  editor stores paragraphs as text separated by blank lines, without ``<p>``), with
  the ``[caption]`` shortcode made a ``<figure>`` and media shortcodes dropped; the
  draft then sanitizes it;
- byline: ``dc:creator`` (a login) mapped to the ``wp:author`` display name, else
  its first and last name, else the login itself;
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
  identity across re-imports;
- media: the attachments (``wp:post_type`` ``attachment``) the post shows, each a
  ``MediaDraft``: its featured image (``_thumbnail_id``) in the lead role, the
  attachments its body shows as ``<img>`` in the inline role (found by the
  ``wp-image-<id>`` class WordPress writes, else by URL, the size variants
  ``-300x200.jpg``, ``-scaled`` and ``-rotated`` included), and those of a
  ``[gallery]`` shortcode (its ``ids``, else the post's own attachments) in the
  gallery role, in that order.

An attachment's URL is ``wp:attachment_url``; its MIME type ``wp:post_mime_type`` when
the export has one (WordPress's own does not), else the one its file extension names;
its alt text the ``_wp_attachment_image_alt`` postmeta and its caption the attachment's
excerpt, both in the post's locale (the title is a file name, not an alt text, and the
description is shown on the attachment's own page only, so neither is used); its size,
credit, copyright holder and renditions (the ``sizes`` WordPress made) come from the
``_wp_attachment_metadata`` postmeta, which is PHP ``serialize()`` output read by
:func:`newscms.utils.php.php_unserialize`. A piece that cannot be read is dropped and counted
(``media:metadata``, ``media:size``, ...; see ``newscms.importers.base.MediaList``), a
featured or gallery image missing from the export as ``media:missing``.

Other post types (pages, navigation menu items, revisions, ...) are not articles: they
are counted in ``ParsedSource.skipped`` by post type, as are posts in the trash or
auto-drafts (by status) and untitled posts (``"untitled"``), and the attachments no
imported post shows (``"attachment"``: unattached uploads, a page's images).

The XML is parsed by lxml with entity resolution, DTD loading and network access off
and without ``huge_tree``: nothing is fetched and no entity is expanded, and a document
that declares entities (an XML bomb, an external entity) is refused outright, since
WordPress never writes one.
"""

from __future__ import annotations

import mimetypes
import re
from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from newscms.domain import MediaKind, MediaRole, Status, TagKind
from newscms.errors import ImportFailure, LocaleError
from newscms.importers.base import (
    DEFAULT_OPTIONS,
    ImportOptions,
    MediaList,
    MediaPieces,
    ParsedSource,
    RenditionPieces,
    TagList,
    absolute_url,
    build_draft,
    http_url,
    media_kind,
    provenance,
    read_date,
)
from newscms.utils.html import html_to_text
from newscms.utils.locales import normalize_locale
from newscms.utils.php import PhpValue, php_unserialize

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

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
_ATTACHMENT_TYPE = "attachment"

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


# The image sizes WordPress makes of an upload are named "<name>-<w>x<h>.<ext>", and an
# upload too large (WordPress 5.3+) or rotated is kept as "<name>-scaled.<ext>" or
# "<name>-rotated.<ext>": all of them are that one attachment.
_SIZE_VARIANT = re.compile(r"-(?:\d{1,5}x\d{1,5}|scaled|rotated)(?=\.[A-Za-z0-9]{1,5}$)")
_WP_IMAGE_CLASS = re.compile(r"(?:^|\s)wp-image-(\d{1,20})(?=\s|$)")
_GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.IGNORECASE)
_GALLERY_IDS = re.compile(r"\b(?:ids|include)\s*=\s*[\"']?([\d,\s]*)", re.IGNORECASE)
# mimetypes' built-in table only (the host's mime.types files differ between machines),
# with a web format Python 3.11's table lacks.
_MIME_TYPES = mimetypes.MimeTypes(filenames=())
_MIME_TYPES.add_type("image/webp", ".webp")


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
        ``skipped`` counting pages, menu items, trashed posts, the attachments no
        post shows and the pieces of media left out, ...

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
        if post_type == _ATTACHMENT_TYPE:
            continue  # counted below, once it is known which posts show it
        if post_type != _ARTICLE_TYPE:
            skipped[post_type] += 1
        elif status in _SKIPPED_STATUSES:
            skipped[status] += 1
        elif not _text(item, "title"):
            skipped["untitled"] += 1
        else:
            drafts.append(export.draft(item, status, skipped))
    if unshown := export.library.unshown():
        skipped[_ATTACHMENT_TYPE] += unshown
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
    """What every post of one export shares: namespaces, authors, language, media, options."""

    def __init__(
        self, channel: Any, wp: str, root: Any, source: str, options: ImportOptions
    ) -> None:
        self.wp = wp
        self.excerpt = (root.nsmap or {}).get("excerpt") or f"{wp}excerpt/"
        site = _text(channel, f"{{{wp}}}base_site_url") or _text(channel, "link")
        self.library = _Library(channel.iterfind("item"), wp, self.excerpt, http_url(site))
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

    def draft(self, item: Any, status: str, skipped: Counter[str]) -> ArticleDraft:
        """One post as a draft, with the media it shows (what is dropped counted in ``skipped``)."""
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
        locale = self._locale(language, line)
        content = item.findtext(f"{{{CONTENT_NAMESPACE}}}encoded") or ""
        body = autop(content)
        media = MediaList(locale, skipped)
        self.library.show(media, post_id, _postmeta(item, wp), content, body)
        return build_draft(
            document=self.source,
            lines=tags.lines,
            line=line,
            locale=locale,
            headline=_text(item, "title"),
            summary=excerpt or None,
            body=body,
            byline=[{"name": self.authors.get(creator, creator)}] if creator else [],
            status=STATUSES.get(status, Status.DRAFT),
            published_at=published.value if published else None,
            slug=slug or None,
            tags=tags.fields,
            canonical_url=http_url(_text(item, "link")),
            source={"format": FORMAT, "locator": locator},
            date_provenance=provenance(published) if published else None,
            media=media.attachments,
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


def _postmeta(item: Any, wp: str) -> dict[str, str]:
    """An item's postmeta, key -> value (the first value of a repeated key)."""
    found: dict[str, str] = {}
    for meta in item.iterfind(f"{{{wp}}}postmeta"):
        key = _text(meta, f"{{{wp}}}meta_key")
        if key and key not in found:
            found[key] = meta.findtext(f"{{{wp}}}meta_value") or ""
    return found


def _upload_key(url: str, *, variant: bool = False) -> str | None:
    """A key of an uploaded file's URL that ignores scheme, ``www.``, query and fragment.

    With ``variant``, WordPress's size suffixes are ignored too, so every size of an
    upload has the key of the upload itself.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.netloc:
        return None
    path = unquote(parts.path)
    if variant:
        path = _SIZE_VARIANT.sub("", _SIZE_VARIANT.sub("", path))
    return parts.netloc.lower().removeprefix("www.") + path


@dataclass(frozen=True, slots=True)
class _Metadata:
    """What ``_wp_attachment_metadata`` says of an image: size, credits, made sizes."""

    width: object = None
    height: object = None
    credit: str | None = None
    copyright_holder: str | None = None
    sizes: tuple[RenditionPieces, ...] = ()


def _read_metadata(raw: str, url: str) -> _Metadata | None:
    """The metadata WordPress serialized, each size's URL next to ``url``; None if unreadable."""
    try:
        value = php_unserialize(raw)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    image_meta = value.get("image_meta")
    texts = image_meta if isinstance(image_meta, dict) else {}
    sizes: list[RenditionPieces] = []
    made = value.get("sizes")
    for name, size in (made if isinstance(made, dict) else {}).items():
        file = size.get("file") if isinstance(size, dict) else None
        # A size is a file next to the upload: a path or URL there is not WordPress's.
        if not isinstance(size, dict) or not isinstance(file, str) or re.search(r"[/\\:?#]", file):
            sizes.append(RenditionPieces(name=str(name), url=""))  # counted as dropped
            continue
        mime = size.get("mime-type")
        sizes.append(
            RenditionPieces(
                name=str(name),
                url=urljoin(url, file),
                width=size.get("width"),
                height=size.get("height"),
                mime_type=mime if isinstance(mime, str) else None,
            )
        )
    return _Metadata(
        width=value.get("width"),
        height=value.get("height"),
        credit=_php_text(texts.get("credit")),
        copyright_holder=_php_text(texts.get("copyright")),
        sizes=tuple(sizes),
    )


def _php_text(value: PhpValue) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class _Attachment:
    """One attachment item of the export, as posts refer to it."""

    index: int
    post_id: str
    parent: str
    url: str
    mime_type: str | None
    alt: str
    caption: str
    metadata: str
    order: tuple[int, int]


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


class _Library:
    """The export's attachments, found by post id and by URL, and which ones posts show."""

    def __init__(self, items: Iterable[Any], wp: str, excerpt: str, site: str | None) -> None:
        self.site = site
        self.attachments: list[_Attachment] = []
        self.by_id: dict[str, _Attachment] = {}
        self.by_url: dict[str, _Attachment] = {}
        self.by_variant: dict[str, _Attachment] = {}
        self.children: dict[str, list[_Attachment]] = {}
        self.shown: set[int] = set()
        self._metadata: dict[int, _Metadata | None] = {}
        for item in items:
            if _text(item, f"{{{wp}}}post_type") != _ATTACHMENT_TYPE:
                continue
            meta = _postmeta(item, wp)
            post_id = _text(item, f"{{{wp}}}post_id")
            attachment = _Attachment(
                index=len(self.attachments),
                post_id=post_id,
                parent=_text(item, f"{{{wp}}}post_parent"),
                url=_text(item, f"{{{wp}}}attachment_url"),
                mime_type=_text(item, f"{{{wp}}}post_mime_type") or None,
                alt=meta.get("_wp_attachment_image_alt", "").strip(),
                caption=html_to_text(item.findtext(f"{{{excerpt}}}encoded") or ""),
                metadata=meta.get("_wp_attachment_metadata", ""),
                order=(_number(_text(item, f"{{{wp}}}menu_order")), _number(post_id)),
            )
            self.attachments.append(attachment)
            if post_id:
                self.by_id.setdefault(post_id, attachment)
            self.children.setdefault(attachment.parent, []).append(attachment)
            if (key := _upload_key(attachment.url)) is not None:
                self.by_url.setdefault(key, attachment)
            if (key := _upload_key(attachment.url, variant=True)) is not None:
                self.by_variant.setdefault(key, attachment)

    def unshown(self) -> int:
        """How many attachments no imported post shows."""
        return len(self.attachments) - len(self.shown)

    def show(
        self, media: MediaList, post_id: str, meta: Mapping[str, str], content: str, body: str
    ) -> None:
        """Add what one post shows to ``media``: featured image, body images, galleries."""
        if thumbnail := meta.get("_thumbnail_id", "").strip():
            self._add(media, MediaRole.LEAD, self.by_id.get(thumbnail))
        for image_id, src in _body_images(body):
            found = self.by_id.get(image_id) if image_id else None
            self._add(media, MediaRole.INLINE, found or self._by_url(src), missing_ok=True)
        for ids in _galleries(content):
            if ids is None:  # [gallery] alone shows the post's own attachments
                children = self.children.get(post_id, []) if post_id else []
                for child in sorted(children, key=lambda attachment: attachment.order):
                    mime = self._mime_type(child)  # WordPress's galleries show images only
                    if mime is None or media_kind(mime) is MediaKind.IMAGE:
                        self._add(media, MediaRole.GALLERY, child)
            else:
                for image_id in ids:
                    self._add(media, MediaRole.GALLERY, self.by_id.get(image_id))

    def _by_url(self, src: str) -> _Attachment | None:
        url = absolute_url(src, self.site)
        if url is None:
            return None
        exact = _upload_key(url)
        variant = _upload_key(url, variant=True)
        return (self.by_url.get(exact) if exact else None) or (
            self.by_variant.get(variant) if variant else None
        )

    def _add(
        self,
        media: MediaList,
        role: MediaRole,
        attachment: _Attachment | None,
        *,
        missing_ok: bool = False,
    ) -> None:
        if attachment is None:
            if not missing_ok:  # a body image that is no attachment is just the body's
                media.skipped["media:missing"] += 1
            return
        self.shown.add(attachment.index)
        if media.has(attachment.url):
            return
        mime = self._mime_type(attachment)
        # Posts show it as an image: without a known type it is one.
        kind = media_kind(mime) if mime else MediaKind.IMAGE
        if kind is None:
            media.skipped["media:kind"] += 1
            return
        if http_url(attachment.url) is None:
            media.add(role, MediaPieces(url=attachment.url))  # refused, counted as media:url
            return
        metadata = self._read(attachment)
        if metadata is None and attachment.metadata.strip():
            media.skipped["media:metadata"] += 1
        media.add(
            role,
            MediaPieces(
                url=attachment.url,
                kind=kind,
                mime_type=mime,
                width=metadata.width if metadata else None,
                height=metadata.height if metadata else None,
                alt=attachment.alt,
                caption=attachment.caption,
                credit=metadata.credit if metadata else None,
                copyright_holder=metadata.copyright_holder if metadata else None,
                renditions=metadata.sizes if metadata else (),
            ),
        )

    def _mime_type(self, attachment: _Attachment) -> str | None:
        if attachment.mime_type:
            return attachment.mime_type
        try:
            path = urlsplit(attachment.url).path
        except ValueError:
            return None
        return _MIME_TYPES.guess_type(path, strict=False)[0]

    def _read(self, attachment: _Attachment) -> _Metadata | None:
        """The attachment's metadata, read once; an unreadable one is counted at each use."""
        if not attachment.metadata.strip():
            return None
        if attachment.index not in self._metadata:
            self._metadata[attachment.index] = _read_metadata(attachment.metadata, attachment.url)
        return self._metadata[attachment.index]


def _body_images(html: str) -> Iterator[tuple[str | None, str]]:
    """The ``<img>`` of a post's body in order: the attachment id its class names, its src."""
    if "<img" not in html.lower():
        return
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.LxmlError, ValueError):
        return
    for image in root.iter("img"):
        match = _WP_IMAGE_CLASS.search(image.get("class") or "")
        yield (match[1] if match else None), (image.get("src") or "").strip()


def _galleries(content: str) -> Iterator[list[str] | None]:
    """The ``[gallery]`` shortcodes of a post: the ids each lists, None for "the post's own"."""
    for gallery in _GALLERY.finditer(content):
        listed = _GALLERY_IDS.search(gallery[1])
        ids = [part.strip() for part in listed[1].split(",") if part.strip()] if listed else []
        yield ids or None
