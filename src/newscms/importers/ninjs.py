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

Items that are not text (pictures, audio, video, graphics) and associated media are
counted in ``ParsedSource.skipped``. ninjs 1.x and 3.x documents are refused with a
message that says so.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import UUID

from newscms.domain import PendingTarget, RelationKind, Status, TagKind
from newscms.domain.ninjs_profile import (
    BYLINE_REL,
    CANONICAL_URL_ROLE,
    NINJS_PROFILE,
    PUBSTATUS_STATUS,
    SOURCE_ROLE_PREFIX,
    TAG_COLLECTIONS,
)
from newscms.errors import ImportFailure, ValidationError
from newscms.importers.base import (
    DEFAULT_OPTIONS,
    ImportOptions,
    ParsedSource,
    TagList,
    build_draft,
    decode_text,
    http_url,
    read_date,
)
from newscms.utils.html import html_to_text, paragraphs_to_html
from newscms.utils.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from newscms.domain import ArticleDraft

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
        and ``skipped`` counting non-text items and associated media by type.

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
        """The item as a draft; media associations are counted in ``skipped``."""
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
        if not self.uri.lower().startswith(_UUID_URN):
            return None
        try:
            return UUID(self.uri[len(_UUID_URN) :])
        except ValueError:
            return None

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
        if self.text("contenttype", within=entry).lower() in _HTML_TYPES:
            return html_to_text(value)
        return value

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
