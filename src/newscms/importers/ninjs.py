"""IPTC ninjs 2.x (2.0 to 2.2) read back into article drafts: the exchange format between sites.

A document is one ninjs item or a JSON array of items. Items that newscms wrote
(``profile`` ``"newscms"``, see ``newscms.formats.ninjs``) come back as the article they
were: the id from ``urn:uuid:<id>``, headline and subheadline, summary, HTML body,
byline with roles, dateline (``located`` and the info source without a role), status,
publication and creation times, slug, tags with their kinds, canonical URL, source
identity, and every relation, as a *pending* target known by title, date, URL and slug
(the receiving site resolves it against its own articles).

Items from other systems are read by the same rules where they apply: ``by`` is split
into the byline, ``subjects`` are topics, ``places`` regions, ``people`` persons,
``organisations`` organizations and ``events`` events; a plain-text body becomes
paragraphs; an ``https:`` ``uri`` is the canonical URL. Their source identity is
``ninjs`` with the item's ``uri``, so importing the same item again updates it.

Associations of type ``picture``, ``graphic``, ``video`` and ``audio`` are the article's
media, each a ``MediaDraft``: its URL is the ``href`` of the rendition named
``original``, else of the largest rendition of its kind (by width times height), with
that rendition's ``width``, ``height`` and ``contenttype``; the other renditions are kept
as ``Rendition`` (name, ``href``, ``width``, ``height``, ``contenttype``). The caption is
the association's description (role ``caption``, none, ``summary`` or ``text``), else
its headline; the alt text a description of role ``alt``; both in the association's
``language``, else the article's. ``by`` (else a non-standard ``creditline``) is the
credit and ``copyrightholder`` the copyright holder; a ``urn:uuid:`` ``uri`` is the
item's id. Its role is the association's ``name`` when that is ``lead``, ``gallery`` or
``inline`` (``featureimage``, ``featuremedia``, ``main``, ... are read as ``lead``);
otherwise the first picture is the lead image unless another is named so, and the rest
are gallery items. A media association without a rendition that has an ``href`` is
counted in ``ParsedSource.skipped`` (``association:picture``, ...), as is a piece of one
the domain refuses (``media:size``, ...; see ``newscms.importers.base.MediaList``); the
article is imported all the same.

Items that are not text (pictures, audio, video, graphics) are counted in
``ParsedSource.skipped``. ninjs 1.x and 3.x documents are refused with a message that
says so.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import UUID

from newscms.domain import MediaKind, MediaRole, PendingTarget, RelationKind, Status, TagKind
from newscms.domain.ninjs_profile import (
    BYLINE_REL,
    CANONICAL_URL_ROLE,
    MEDIA_KINDS,
    NINJS_PROFILE,
    ORIGINAL_RENDITION,
    PUBSTATUS_STATUS,
    SOURCE_ROLE_PREFIX,
    TAG_COLLECTIONS,
)
from newscms.errors import ImportFailure, LocaleError, ValidationError
from newscms.importers.base import (
    DEFAULT_OPTIONS,
    ImportOptions,
    MediaList,
    MediaPieces,
    ParsedSource,
    RenditionPieces,
    TagList,
    build_draft,
    decode_text,
    dimension,
    http_url,
    media_kind,
    read_date,
)
from newscms.utils.html import html_to_text, paragraphs_to_html
from newscms.utils.locales import normalize_locale
from newscms.utils.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from newscms.domain import ArticleDraft, MediaAttachment

__all__ = ["FORMAT", "parse_ninjs"]

FORMAT = "ninjs"


_TEXT_TYPES = frozenset({"text", "composite"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SUBHEADLINE_ROLES = ("sub", "subheadline", "subtitle", "deck", "kicker")
_SUMMARY_ROLES = ("summary", "abstract", "teaser", "lead", "text", "")
# Collections whose entries are tags of one kind; ``subjects`` carry theirs in ``rel``.
_COLLECTION_KINDS = {collection: kind for kind, collection in TAG_COLLECTIONS.items()}
_TAG_COLLECTIONS = ("subjects", *TAG_COLLECTIONS.values())
# "By Jane Doe and John Roe, dpa": a leading "by" in a few languages, names split at
# commas, semicolons, ampersands, slashes and "and"/"und"/"e"/"et"/"y".
_BY_PREFIX = re.compile(r"^(?:by|von|di|par|por|door|av|de)\s+", re.IGNORECASE)
_BY_SEPARATORS = re.compile(r"\s*(?:[,;&/]|\s(?:and|und|e|et|y)\s)\s*", re.IGNORECASE)
_UUID_URN = "urn:uuid:"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_NINJS_1_KEYS = frozenset({"headline", "body_html", "body_text", "body_xhtml", "byline"})
_CAPTION_ROLES = ("caption", "", "summary", "text")
_ALT_ROLES = ("alt", "alttext", "alt-text")
# Association names that say an item is the article's lead (featured) media.
_LEAD_NAMES = frozenset(
    {"lead", "featured", "featureimage", "featuremedia", "main", "mainimage", "mainpicture"}
)
_NINJS_3_KEYS = frozenset({"firstCreated", "versionCreated", "contentCreated", "pubStatus"})


def parse_ninjs(
    data: bytes | str, *, source: str, options: ImportOptions = DEFAULT_OPTIONS
) -> ParsedSource:
    """Read a ninjs 2.x document (one item or an array of items) into article drafts.

    Args:
        data: The JSON document, as UTF-8 (or BOM-marked) bytes or as text.
        source: Its file path or URL, named by every error.
        options: ``locale`` overrides the items' ``language`` (needed when an item has
            none); ``timezone`` reads dates that lack an offset.

    Returns:
        A ``ParsedSource`` of format ``ninjs``: one draft per text item, in document order,
        and ``skipped`` counting non-text items by type, and the associations and
        pieces of media that could not be kept.

    Raises:
        ImportFailure: The JSON is malformed (with its line), is not ninjs 2.x, or an
            item cannot become an article (no headline, no language, a bad value); the
            message names the item and the field.
    """
    text = decode_text(data, source=source)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailure(
            f"is not valid JSON: {exc.msg}", source=source, line=exc.lineno
        ) from None
    except RecursionError:
        raise ImportFailure("is nested too deeply to be a ninjs document", source=source) from None
    items = document if isinstance(document, list) else [document]
    if not items:
        raise ImportFailure("holds no ninjs item (an empty array)", source=source)
    skipped: Counter[str] = Counter()
    drafts = []
    for index, item in enumerate(items):
        where = f"item {index + 1}: " if isinstance(document, list) else ""
        reader = _Item(item, where, source, options)
        kind = reader.type()
        if kind not in _TEXT_TYPES:
            skipped[kind] += 1
            continue
        drafts.append(reader.draft(skipped))
    return ParsedSource(format=FORMAT, drafts=tuple(drafts), skipped=skipped)


class _Item:
    """One ninjs item being read, with what every error message needs to say where."""

    def __init__(self, item: object, where: str, source: str, options: ImportOptions) -> None:
        self.where, self.source, self.options = where, source, options
        if not isinstance(item, dict):
            self.fail(f"a ninjs item is a JSON object, not {type(item).__name__}")
        self.item: dict[str, Any] = item
        self._check_version()
        self.uri = self.text("uri", required=True)
        self.newscms = self.item.get("profile") == NINJS_PROFILE

    def fail(self, message: str) -> NoReturn:
        raise ImportFailure(self.where + message, source=self.source)

    def _check_version(self) -> None:
        standard = self.item.get("standard")
        declared = standard.get("version") if isinstance(standard, dict) else None
        keys = self.item.keys()
        if (isinstance(declared, str) and declared.startswith("3")) or keys & _NINJS_3_KEYS:
            self.fail("is ninjs 3.x (camelCase); newscms reads ninjs 2.x: export as 2.2")
        if (isinstance(declared, str) and declared.startswith("1")) or (
            "headlines" not in keys and keys & _NINJS_1_KEYS
        ):
            self.fail("is ninjs 1.x (headline, body_html); newscms reads ninjs 2.x")

    # Typed access: ninjs from elsewhere may have anything anywhere.

    def text(
        self, key: str, *, within: dict[str, Any] | None = None, required: bool = False
    ) -> str:
        """A string field, cleaned of control characters; "" when absent."""
        holder = self.item if within is None else within
        value = holder.get(key)
        if value is None or value == "":
            if required:
                self.fail(f"has no {key!r}")
            return ""
        if not isinstance(value, str):
            self.fail(f"{key!r} must be a string, not {type(value).__name__}")
        return clean_text(value).strip()

    def entries(self, key: str, *, within: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """An array of objects; [] when absent."""
        holder = self.item if within is None else within
        value = holder.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            self.fail(f"{key!r} must be an array of objects")
        return list(value)

    def type(self) -> str:
        """The item's ninjs type (``text`` when absent)."""
        return self.text("type") or "text"

    def date(self, key: str, *, within: dict[str, Any] | None = None) -> datetime | None:
        """A ``date-time`` field as an aware UTC datetime; None when absent."""
        raw = self.text(key, within=within)
        if not raw:
            return None
        options = self.options
        try:
            parsed = read_date(
                raw, source=self.source, line=None, order=options.date_order, zone=options.timezone
            )
        except ImportFailure as exc:
            raise ImportFailure(
                f"{self.where}{key!r}: {str(exc).removeprefix(self.source + ': ')}",
                source=self.source,
            ) from None
        return parsed.value

    # The article.

    def draft(self, skipped: Counter[str]) -> ArticleDraft:
        """The item as a draft with its media; what is left out is counted in ``skipped``."""
        locale = self.options.locale or self.text("language")
        if not locale:
            self.fail("has no 'language'; pass the locale (--locale) to import it")
        tags = TagList()
        for kind, name in self._tags():
            tags.add(kind, name)
        status = self._status()
        published_at = self.date("firstcreated")
        if published_at is None and status is Status.PUBLISHED:
            published_at = self.date("versioncreated")
        fields: dict[str, Any] = {
            "id": self._id(),
            "locale": locale,
            "headline": self._headline(),
            "subheadline": self._headline(_SUBHEADLINE_ROLES) or None,
            "summary": self._summary() or None,
            "body": self._body(),
            "byline": self._byline(),
            "dateline": self._dateline(),
            "status": status,
            "published_at": published_at,
            "created_at": self.date("contentcreated"),
            "embargoed_until": self.date("embargoed"),
            "expires_at": self.date("expires"),
            "slug": self._slug(),
            "tags": [{**tag, "locale": locale} for tag in tags.fields],
            "relations": list(self._relations(locale, skipped)),
            "media": self._media(locale, skipped),
            "canonical_url": self._canonical_url(),
            "source": self._source(),
        }
        try:
            return build_draft(document=self.source, **fields)
        except ImportFailure as exc:
            raise ImportFailure(
                self.where + str(exc).removeprefix(self.source + ": "), source=self.source
            ) from None

    def _id(self) -> UUID | None:
        return _uuid_of(self.uri)

    def _headline(self, roles: tuple[str, ...] = ("main",)) -> str:
        headlines = self.entries("headlines")
        chosen = _by_role(headlines, roles)
        if roles == ("main",):
            # Without a role "main", the first headline that is not a subheadline is it.
            chosen = chosen or next(
                (h for h in headlines if h.get("role") not in _SUBHEADLINE_ROLES), None
            )
            value = self._plain(chosen) if chosen else ""
            value = value or self.text("title") or self.text("slugline")
            if not value:
                self.fail("has no headline ('headlines' with a value, or 'title')")
            return value
        return self._plain(chosen) if chosen else ""

    def _plain(self, entry: dict[str, Any]) -> str:
        """An entry's value as plain text (HTML values are turned into text)."""
        value = self.text("value", within=entry)
        return _as_plain(value, self.text("contenttype", within=entry))

    def _summary(self) -> str:
        descriptions = self.entries("descriptions")
        chosen = _by_role(descriptions, _SUMMARY_ROLES)
        return self._plain(chosen) if chosen else ""

    def _body(self) -> str:
        bodies = self.entries("bodies")
        html = [b for b in bodies if self.text("contenttype", within=b).lower() in _HTML_TYPES]
        if chosen := _by_role(html, ("main", "richtext", "")) or (html[0] if html else None):
            return self.text("value", within=chosen)
        if chosen := _by_role(bodies, ("main", "text", "")) or (bodies[0] if bodies else None):
            text = self.text("value", within=chosen)
            return paragraphs_to_html(re.split(r"\n\s*\n|\n", text))
        return ""

    def _byline(self) -> list[dict[str, str | None]]:
        if self.newscms:
            byline: list[dict[str, str | None]] = []
            for person in self.entries("people"):
                name, rel = self.text("name", within=person), self.text("rel", within=person)
                if name and "uri" not in person:  # tags carry a uri, byline people do not
                    byline.append(
                        {"name": name, "role": None if rel == BYLINE_REL else rel or None}
                    )
            return byline
        by = _BY_PREFIX.sub("", self.text("by"))
        return [{"name": name, "role": None} for name in _BY_SEPARATORS.split(by) if name.strip()]

    def _dateline(self) -> dict[str, str] | None:
        place = self.text("located")
        origin = next(
            (s for s in self.entries("infosources") if not s.get("role") and s.get("name")), None
        )
        source = self.text("name", within=origin) if origin else ""
        if not place and not source:
            return None
        return {"place": place or None, "source": source or None}  # type: ignore[dict-item]

    def _status(self) -> Status:
        pubstatus = self.text("pubstatus") or "usable"
        if pubstatus not in PUBSTATUS_STATUS:
            self.fail(f"'pubstatus' {pubstatus!r} is not one of {', '.join(PUBSTATUS_STATUS)}")
        return PUBSTATUS_STATUS[pubstatus]

    def _slug(self) -> str | None:
        # Only newscms's own slugline is a slug; elsewhere it is an editorial label.
        return self.text("slugline") or None if self.newscms else None

    def _tags(self) -> Iterator[tuple[str, str]]:
        """(kind, name) of every tag, arrays taken in document order."""
        for collection in (key for key in self.item if key in _TAG_COLLECTIONS):
            for entry in self.entries(collection):
                name = self.text("name", within=entry) or self.text("literal", within=entry)
                if not name:
                    continue
                if collection == "people" and self.newscms and "uri" not in entry:
                    continue  # a byline person, read by _byline
                if collection == "subjects":
                    rel = self.text("rel", within=entry)
                    kind = rel if self.newscms and _IDENTIFIER.match(rel) else TagKind.TOPIC
                else:
                    kind = _COLLECTION_KINDS[collection]
                yield str(kind), name

    def _relations(self, locale: str, skipped: Counter[str]) -> Iterator[dict[str, Any]]:
        for association in self.entries("associations"):
            kind = self.text("type", within=association) or "text"
            if kind in MEDIA_KINDS:
                continue  # the article's media, read by _media
            if kind not in _TEXT_TYPES:
                skipped[f"association:{kind}"] += 1
                continue
            name = self.text("name", within=association)
            relation_kind = name if _IDENTIFIER.match(name) else RelationKind.SEE_ALSO
            target = self._pending(association, locale)
            if target is None:
                skipped["association:unidentified"] += 1
                continue
            yield {"kind": relation_kind, "pending": target}

    def _media(self, locale: str, skipped: Counter[str]) -> list[MediaAttachment]:
        """The media associations as attachments, in order; unusable ones counted."""
        found: list[tuple[MediaRole | None, MediaPieces, bool]] = []
        for association in self.entries("associations"):
            kind = self.text("type", within=association) or "text"
            if kind not in MEDIA_KINDS:
                continue
            pieces = _media_pieces(association, MEDIA_KINDS[kind], locale)
            if pieces is None:
                skipped[f"association:{kind}"] += 1
                continue
            found.append((_media_role(association.get("name")), pieces, kind == "picture"))
        media = MediaList(locale, skipped)
        # The first picture leads, unless an association names another as the lead.
        lead_open = all(role is not MediaRole.LEAD for role, _, _ in found)
        for named, pieces, picture in found:
            role = named or MediaRole.GALLERY
            if named is None and picture and lead_open:
                role, lead_open = MediaRole.LEAD, False
            media.add(role, pieces)
        return media.attachments

    def _pending(self, association: dict[str, Any], locale: str) -> PendingTarget | None:
        """What the association says about its article, as a pending relation target."""
        headline = _by_role(self.entries("headlines", within=association), ("main", ""))
        url = _altid(self, association, CANONICAL_URL_ROLE) or http_url(
            self.text("uri", within=association)
        )
        slug = self.text("slugline", within=association) if self.newscms else ""
        language = self.text("language", within=association) or locale
        try:
            return PendingTarget(
                title=self._plain(headline) if headline else None,
                published_at=self.date("firstcreated", within=association),
                url=url or None,
                slug=slug or None,
                locale=language if slug else None,
            )
        except ValidationError as exc:
            if exc.field == "title":  # nothing identifies it
                return None
            self.fail(f"an association cannot be read: {exc}")

    def _canonical_url(self) -> str | None:
        return _altid(self, self.item, CANONICAL_URL_ROLE) or http_url(self.uri)

    def _source(self) -> dict[str, str]:
        for altid in self.entries("altids"):
            role = self.text("role", within=altid)
            if role.startswith(SOURCE_ROLE_PREFIX) and (value := self.text("value", within=altid)):
                return {"format": role.removeprefix(SOURCE_ROLE_PREFIX), "locator": value}
        return {"format": FORMAT, "locator": self.uri}


def _uuid_of(uri: str) -> UUID | None:
    """The id a ``urn:uuid:`` URI names; None for any other URI."""
    if not uri.lower().startswith(_UUID_URN):
        return None
    try:
        return UUID(uri[len(_UUID_URN) :])
    except ValueError:
        return None


def _as_plain(value: str, contenttype: str) -> str:
    """A headline's or description's value as plain text (HTML values turned into text)."""
    return html_to_text(value) if contenttype.lower() in _HTML_TYPES else value


def _loose(value: object) -> str:
    """A string a media association may hold, cleaned; "" for anything else.

    Media is read leniently, unlike the article: a picture described badly is dropped
    or kept without the bad piece, never a reason to refuse the article.
    """
    return clean_text(value).strip() if isinstance(value, str) else ""


def _objects(value: object) -> list[dict[str, Any]]:
    """The objects of an array a media association may hold; [] for anything else."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _loose_plain(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return ""
    return _as_plain(_loose(entry.get("value")), _loose(entry.get("contenttype")))


def _media_role(name: object) -> MediaRole | None:
    """The role an association's name gives its media item; None when it gives none."""
    text = _loose(name).lower()
    if text in _LEAD_NAMES:
        return MediaRole.LEAD
    return next((role for role in MediaRole if role.value == text), None)


def _area(rendition: dict[str, Any]) -> int:
    width, height = dimension(rendition.get("width")), dimension(rendition.get("height"))
    return width * height if width is not None and height is not None else 0


def _media_pieces(association: dict[str, Any], kind: MediaKind, locale: str) -> MediaPieces | None:
    """A media association as media pieces; None when no rendition has an ``href``."""
    renditions = [r for r in _objects(association.get("renditions")) if _loose(r.get("href"))]

    def fitness(rendition: dict[str, Any]) -> tuple[int, int]:
        # Of the item's own kind first (a video's poster is an image, its playlist no
        # video file), then of no stated type, the largest of them.
        contenttype = _loose(rendition.get("contenttype"))
        fit = 2 if media_kind(contenttype) is kind else 0 if contenttype else 1
        return fit, _area(rendition)

    main = next(
        (r for r in renditions if _loose(r.get("name")).lower() == ORIGINAL_RENDITION),
        max(renditions, key=fitness, default=None),
    )
    if main is None:
        return None
    descriptions = _objects(association.get("descriptions"))
    headline = _by_role(_objects(association.get("headlines")), ("main", ""))
    caption = _loose_plain(_by_role(descriptions, _CAPTION_ROLES)) or _loose_plain(headline)
    language = _loose(association.get("language"))
    try:
        language = normalize_locale(language) if language else locale
    except LocaleError:
        language = locale
    return MediaPieces(
        url=_loose(main.get("href")),
        kind=kind,
        mime_type=_loose(main.get("contenttype")) or None,
        width=main.get("width"),
        height=main.get("height"),
        alt=_loose_plain(_by_role(descriptions, _ALT_ROLES)),
        caption=caption,
        credit=_loose(association.get("by")) or _loose(association.get("creditline")),
        copyright_holder=_loose(association.get("copyrightholder")),
        renditions=tuple(
            RenditionPieces(
                name=_loose(rendition.get("name")),
                url=_loose(rendition.get("href")),
                width=rendition.get("width"),
                height=rendition.get("height"),
                mime_type=_loose(rendition.get("contenttype")) or None,
            )
            for rendition in renditions
            if rendition is not main
        ),
        id=_uuid_of(_loose(association.get("uri"))),
        locale=language,
    )


def _by_role(entries: list[dict[str, Any]], roles: tuple[str, ...]) -> dict[str, Any] | None:
    """The first entry whose role is the earliest of ``roles`` ("" matches no role)."""
    for role in roles:
        for entry in entries:
            if (entry.get("role") or "") == role and entry.get("value"):
                return entry
    return None


def _altid(reader: _Item, holder: dict[str, Any], role: str) -> str:
    for altid in reader.entries("altids", within=holder):
        if altid.get("role") == role:
            return reader.text("value", within=altid)
    return ""
