"""What every importer shares: the options it reads, the result it returns, its checks.

An importer is a pure function from a document (text or bytes) and its ``source`` (a
path or URL) to a :class:`ParsedSource`: article drafts ready for the store, each
carrying where it came from (``SourceRef``), how its date was read (``DateProvenance``)
and its relations to articles that may not be stored yet (``PendingTarget``). Nothing
here touches a database. Whatever an importer cannot understand becomes an
``ImportFailure`` naming the source and, where there is one, the line.

Images are the exception to that rule: a picture the source describes badly (a URL that
is not absolute http(s), a size out of range, an alt text too long) must not cost the
article, so :class:`MediaList` drops the bad piece, counts it in ``skipped`` and keeps
the rest.
"""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from newscms.domain import (
    ArticleDraft,
    Dateline,
    DateProvenance,
    MediaAttachment,
    MediaDraft,
    MediaKind,
    MediaRole,
    Rendition,
)
from newscms.domain.media import DIMENSION_MAX, PER_ARTICLE_MAX, RENDITIONS_MAX
from newscms.errors import AmbiguousDateError, DateParseError, ImportFailure, ValidationError
from newscms.importers.conventions import (
    DateConvention,
    DateEvidence,
    DateKind,
    DateVote,
    UnsettledDate,
)
from newscms.utils.dates import (
    DEFAULT_DATE_LOCALES,
    DEFAULT_ZONE,
    DateOrder,
    ParsedDate,
    infer_date_order,
    local_to_utc,
    parse_date,
)
from newscms.utils.keys import media_key
from newscms.utils.locales import normalize_locale

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Iterable, Mapping
    from uuid import UUID

__all__ = [
    "DEFAULT_OPTIONS",
    "CorpusContext",
    "ImportOptions",
    "MediaList",
    "MediaPieces",
    "ParsedSource",
    "RenditionPieces",
    "TagList",
    "absolute_url",
    "build_draft",
    "decode_text",
    "dimension",
    "http_url",
    "media_kind",
    "provenance",
    "read_date",
    "read_dateline",
    "split_dateline",
    "votes_of",
]


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to read what a source leaves open: its language, its wall clock, its date order.

    Attributes:
        locale: The locale of every article; None detects it from the document.
        timezone: IANA zone of dates written without an offset (the site's wall clock).
        date_order: How to read an article's own ``dd/dd/yyyy`` date; ``infer`` decides
            from the date itself (a field above 12) and refuses one it cannot decide.
        see_also_date_order: How to read the dates of a legacy page's "See also" list;
            None (or ``infer``) decides from the list's own dates taken together.
        date_evidence: What the corpus (the batch and the archive) proved about how the
            source writes each kind of date, per edition; a date that ``infer`` cannot
            settle from its document is read by it when it settles that kind. The
            import service fills it in (``newscms.importers.conventions``).

    Raises:
        LocaleError: ``locale`` is not a BCP 47 locale.
        ValidationError: ``timezone`` or a date order is not valid (``field`` names it).
    """

    locale: str | None = None
    timezone: str = DEFAULT_ZONE
    date_order: DateOrder = DateOrder.INFER
    see_also_date_order: DateOrder | None = None
    date_evidence: DateEvidence | None = None

    def __post_init__(self) -> None:
        if self.locale is not None:
            object.__setattr__(self, "locale", normalize_locale(self.locale))
        try:
            local_to_utc(datetime(2000, 1, 1), self.timezone)
        except ValidationError as exc:
            raise ValidationError(exc.message, field="timezone") from None
        object.__setattr__(self, "date_order", _order(self.date_order, "date_order"))
        if self.date_evidence is not None and not isinstance(self.date_evidence, DateEvidence):
            raise ValidationError("expected DateEvidence", field="date_evidence")
        if self.see_also_date_order is not None:
            order = _order(self.see_also_date_order, "see_also_date_order")
            object.__setattr__(self, "see_also_date_order", order)


def _order(value: object, name: str) -> DateOrder:
    try:
        return DateOrder(str(value).strip().lower().replace("_", "-"))
    except ValueError:
        choices = ", ".join(order.value for order in DateOrder)
        raise ValidationError(f"{value!r} is not one of {choices}", field=name) from None


DEFAULT_OPTIONS = ImportOptions()
"""The options an importer uses when none are given: detect the locale, Rome's clock, infer."""


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """What one source document holds: its drafts, in document order, and what was left out.

    Attributes:
        format: The format the document was read as (``legacy``, ``html``, ``wxr``, ...).
        drafts: One draft per article, each with its own ``source`` identity.
        skipped: Items of the document that are not articles, counted by kind (for a
            WordPress export: ``{"attachment": 3, "page": 1, "trash": 1}``), and pieces
            of an article's media that were dropped (``media:url``, ``media:size``, ...;
            see :class:`MediaList`).
        dates: The document's numeric dates that settled their own order (a field
            above 12): its votes on how the source writes dates.
    """

    format: str
    drafts: tuple[ArticleDraft, ...]
    skipped: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    dates: tuple[DateVote, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "skipped", MappingProxyType(dict(self.skipped)))


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: str | bytes, *, source: str, default: str = "utf-8") -> str:
    """Return ``data`` as text: bytes are read by their BOM, else as ``default`` (UTF-8).

    Raises:
        ImportFailure: The bytes are not valid in that encoding; the line of the first
            bad byte is named.
    """
    if isinstance(data, str):
        return data
    encoding, body = default, bytes(data)
    for bom, name in _BOMS:
        if body.startswith(bom):
            # The UTF-16/32 codecs read and drop their own BOM; UTF-8's would stay as text.
            encoding = name
            if name == "utf-8":
                body = body[len(bom) :]
            break
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        start = exc.start if isinstance(exc, UnicodeDecodeError) else 0
        line = body[:start].count(b"\n") + 1
        raise ImportFailure(
            f"is not {encoding} text ({exc}); convert it to UTF-8 first", source=source, line=line
        ) from None


def read_date(
    raw: str,
    *,
    source: str,
    line: int | None,
    order: DateOrder,
    zone: str,
    evidence: Iterable[str] = (),
    option: str = "--date-order",
    corpus: CorpusContext | None = None,
    locales: Iterable[str] = DEFAULT_DATE_LOCALES,
) -> ParsedDate:
    """Parse a date of a document, turning a refusal into an ``ImportFailure`` that says why.

    Args:
        raw: The date as written.
        source: The document, for the error message.
        line: The line of the date in the document, when known.
        order: How to read ``dd/dd/yyyy``.
        zone: IANA zone of wall times without an offset.
        evidence: Other dates of the same group, to infer the order from.
        option: The command-line option that settles an ambiguous date of this group.
        corpus: What the corpus proved about this kind of date, for a date that
            nothing in its document settles; its rule then ends in ``-corpus``.
        locales: The languages a named month is read in, the document's first.

    Returns:
        The instant in UTC and how it was read.

    Raises:
        UnsettledDate: The date is ambiguous and the corpus does not settle it (the
            message names the raw string and ``option``).
        ImportFailure: The date is not a date.
    """
    try:
        return parse_date(raw, order=order, zone=zone, evidence=evidence, locales=locales)
    except AmbiguousDateError as exc:
        convention = corpus.convention() if corpus is not None else None
        if convention is not None:
            parsed = parse_date(raw, order=convention.order, zone=zone)
            return replace(parsed, rule=f"{parsed.rule}-corpus")
        message = exc.message.replace("--date-order", option)
        if corpus is not None:
            message += f"; {corpus.why_unsettled()}"
        votes = corpus.votes if corpus is not None else ()
        raise UnsettledDate(message, source=source, line=line, votes=votes) from None
    except DateParseError as exc:
        message = exc.message.replace("--date-order", option)
        raise ImportFailure(f"cannot read the date: {message}", source=source, line=line) from None


def provenance(parsed: ParsedDate, corpus: CorpusContext | None = None) -> DateProvenance:
    """How a date was read, in the form an article keeps it (with the corpus's evidence)."""
    convention = corpus.convention() if corpus is not None else None
    return DateProvenance(
        raw=" ".join(parsed.raw.split()),
        rule=parsed.rule,
        zone=parsed.zone,
        time_known=parsed.time_known,
        evidence=convention.note if convention and parsed.rule.endswith("-corpus") else None,
    )


@dataclass(frozen=True, slots=True)
class CorpusContext:
    """One kind of date of one document, as the corpus sees it.

    Attributes:
        evidence: What the corpus proved (None: nothing was counted yet).
        locale: The document's edition.
        kind: Which of its dates.
        votes: The document's own dates that settled their order (kept on a refusal,
            so a page set aside still counts).
    """

    evidence: DateEvidence | None
    locale: str
    kind: DateKind
    votes: tuple[DateVote, ...] = ()

    def convention(self) -> DateConvention | None:
        """The convention the corpus settles for this kind of date, if it does."""
        if self.evidence is None:
            return None
        return self.evidence.convention(self.locale, self.kind)

    def why_unsettled(self) -> str:
        """Why the corpus did not settle it, for the refusal's message."""
        if self.evidence is None:
            return "no other page of the source was counted"
        month, day = self.evidence.votes.get((self.locale, self.kind), (0, 0))
        return (
            f"the corpus does not settle it either ({month} month-first and {day} day-first "
            f"{self.kind.value} dates of {self.locale} pages)"
        )


def votes_of(raws: Iterable[str], locale: str, kind: DateKind) -> tuple[DateVote, ...]:
    """The votes of the dates among ``raws`` that settle their own order."""
    found = []
    for raw in raws:
        order = infer_date_order([raw])
        if order is not None:
            found.append(DateVote(locale, kind, order))
    return tuple(found)


# "Seoul (AsiaNews) - ", "Roma (AsiaNews/Agenzie) - " with an en or em dash, and
# 北京 (亚洲新闻) with full-width brackets and dash: a short place, the source in
# brackets (ASCII or full-width) and a dash of any width (or a colon).
_PLACE = r"(?P<place>[^\W\d_][^()\uff08\uff09\[\]!?;:\"“”。\uff01\uff1f\uff1b\uff1a]{0,59}?)"
_SOURCE = r"[(\uff08]\s*(?P<source>[^()\uff08\uff09\n]{1,60}?)\s*[)\uff09]"
_DATELINE_PREFIX = re.compile(rf"{_PLACE}\s*{_SOURCE}\s*(?:[-\u2013—\uff0d]+|[:\uff1a])\s*")
_DATELINE_ALONE = re.compile(rf"{_PLACE}\s*{_SOURCE}\s*[-\u2013—\uff0d:\uff1a]*")
_MAX_PLACE_WORDS = 5


def split_dateline(paragraph: str) -> tuple[Dateline | None, str]:
    """Split ``"Seoul (AsiaNews) - The text"`` into its dateline and the text after it.

    Returns:
        The dateline (None when the paragraph does not open with one) and the rest.
    """
    match = _DATELINE_PREFIX.match(paragraph)
    if match is None or len(match["place"].split()) > _MAX_PLACE_WORDS:
        return None, paragraph
    place, source = match["place"].strip(" ,"), match["source"].strip()
    return Dateline(place=place or None, source=source or None), paragraph[match.end() :]


def read_dateline(text: str) -> Dateline | None:
    """Read a dateline written on its own: ``"Seoul (AsiaNews)"`` or just a place."""
    text = " ".join(text.split())
    if not text:
        return None
    match = _DATELINE_ALONE.fullmatch(text)
    if match is not None and len(match["place"].split()) <= _MAX_PLACE_WORDS:
        return Dateline(place=match["place"].strip(" ,"), source=match["source"].strip())
    return Dateline(place=text[:200])


def http_url(value: str) -> str | None:
    """``value`` stripped when it is an absolute http(s) URL, else None."""
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced IPv6 bracket and the like
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return None if any(char.isspace() for char in value) else value


def absolute_url(value: str, base: str | None) -> str | None:
    """``value`` made absolute against ``base`` (when given), if it is then an http(s) URL.

    A relative address with no known base stays relative and so gives None: an importer
    never guesses where a page lived.
    """
    try:
        joined = urljoin(base, value.strip()) if base else value
    except ValueError:  # an unbalanced IPv6 bracket and the like
        return None
    return http_url(joined)


class TagList:
    """An article's tags in reading order, each (kind, name) once, with the line of each.

    The first spelling of a repeated name wins (``KOREA`` and ``Korea`` are one tag).
    """

    def __init__(self) -> None:
        self.fields: list[dict[str, str]] = []
        self.lines: dict[str, int | None] = {}
        self._seen: set[tuple[str, str]] = set()

    def add(self, kind: str, name: str, *, line: int | None = None) -> None:
        """Add a tag of ``kind`` named ``name`` (blank names are ignored), read on ``line``."""
        name = " ".join(name.split())
        key = (kind, name.casefold())
        if name and key not in self._seen:
            self._seen.add(key)
            self.lines[f"tags.{len(self.fields)}"] = line
            self.fields.append({"kind": kind, "name": name})


_DIMENSION_TEXT = re.compile(r"\s*(\d{1,9})(?:\.0*)?\s*(?:px)?\s*", re.IGNORECASE)
_RENDITION_NAME_JUNK = re.compile(r"[^a-z0-9_-]+")


def dimension(value: object) -> int | None:
    """A width or height in pixels as sources write one, if it is one newscms keeps.

    ``800``, ``800.0``, ``"800"`` and ``"800px"`` are 800; zero, negative, fractional,
    non-finite and larger than ``DIMENSION_MAX`` values, booleans and anything else
    are None.
    """
    number: int
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        number = int(value)
    elif isinstance(value, str):
        match = _DIMENSION_TEXT.fullmatch(value)
        if match is None:
            return None
        number = int(match[1])
    else:
        return None
    return number if 1 <= number <= DIMENSION_MAX else None


def media_kind(mime_type: str | None) -> MediaKind | None:
    """The media kind a MIME type is of (``image/jpeg`` -> image); None for other types."""
    family = (mime_type or "").strip().lower().partition("/")[0]
    return next((kind for kind in MediaKind if kind.value == family), None)


@dataclass(frozen=True, slots=True)
class RenditionPieces:
    """One rendition of a media item as a source describes it, before it is checked."""

    name: str
    url: str
    width: object = None
    height: object = None
    mime_type: str | None = None


@dataclass(frozen=True, slots=True)
class MediaPieces:
    """What a source says about one media item, before it is checked.

    Every piece but the URL may be missing or wrong: :class:`MediaList` keeps the ones
    the domain accepts. ``width`` and ``height`` are taken as the source writes them (see
    :func:`dimension`); ``locale`` is the locale of ``alt`` and ``caption`` when it is
    not the article's.
    """

    url: str
    kind: MediaKind = MediaKind.IMAGE
    mime_type: str | None = None
    width: object = None
    height: object = None
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    copyright_holder: str | None = None
    renditions: tuple[RenditionPieces, ...] = ()
    id: UUID | None = None
    locale: str | None = None

    def over(self, other: MediaPieces) -> MediaPieces:
        """These pieces, with ``other``'s filling in those these lack (one item, two sources).

        The size is one piece: it is taken whole from ``other`` only when these have none,
        so a width of one source never pairs with a height of another.
        """
        filled: dict[str, Any] = {}
        for name in ("mime_type", "alt", "caption", "credit", "copyright_holder", "id"):
            if not getattr(self, name):
                filled[name] = getattr(other, name)
        if self.width is None and self.height is None:
            filled.update(width=other.width, height=other.height)
        if not self.renditions:
            filled["renditions"] = other.renditions
        return replace(self, **filled)


_DROPPABLE = ("mime_type", "alt", "caption", "credit", "copyright_holder", "id")


class MediaList:
    """An article's media attachments in reading order, each URL once, bad pieces counted.

    Media comes from sources that describe it loosely and from pages an attacker may have
    written, and a bad picture must not cost the article. So a piece the domain refuses
    is dropped and counted in ``skipped`` as ``media:<piece>`` and the item is kept
    without it: ``media:size`` for a width or height that is missing its pair, not a
    positive integer or too large, ``media:mime_type``, ``media:alt``,
    ``media:rendition``, ``media:rendition_mime_type`` when only a rendition's type is
    refused, ... An item whose URL is not absolute http(s) (after resolving it against
    ``base``) is dropped whole as ``media:url``, one the domain refuses otherwise as
    ``media:invalid``, and those past the per-article limit as ``media:limit``. A URL
    added again (as the store compares URLs: scheme, ``www.`` and fragment ignored)
    keeps its first role.

    Args:
        locale: The article's locale: that of every ``alt`` and ``caption``.
        skipped: The document's counter of what was left out.
        base: The address relative URLs are resolved against, when one is known.
    """

    def __init__(self, locale: str, skipped: Counter[str], *, base: str | None = None) -> None:
        self.locale = locale
        self.skipped = skipped
        self.base = base
        self.attachments: list[MediaAttachment] = []
        self._seen: set[str] = set()

    def add(self, role: MediaRole, pieces: MediaPieces) -> bool:
        """Add one item in ``role`` unless its URL is unusable or already there; True if added."""
        url = absolute_url(pieces.url, self.base)
        if url is None:
            self._drop("url")
            return False
        key = media_key(url)
        if key in self._seen:
            return False
        if len(self.attachments) >= PER_ARTICLE_MAX:
            self._drop("limit")
            return False
        media = self._draft(url, pieces)
        if media is None:
            return False
        self._seen.add(key)
        self.attachments.append(MediaAttachment(role=role, media=media))
        return True

    def has(self, url: str) -> bool:
        """Whether an item of ``url`` (resolved against ``base``) is there already."""
        absolute = absolute_url(url, self.base)
        return absolute is not None and media_key(absolute) in self._seen

    def _drop(self, piece: str) -> None:
        self.skipped[f"media:{piece}"] += 1

    def _draft(self, url: str, pieces: MediaPieces) -> MediaDraft | None:
        """The media draft of the pieces the domain accepts; None when it refuses the item."""
        locale = pieces.locale or self.locale
        fields: dict[str, Any] = {"kind": pieces.kind, "url": url}
        width, height = dimension(pieces.width), dimension(pieces.height)
        if width is not None and height is not None:
            fields.update(width=width, height=height)
        elif pieces.width is not None or pieces.height is not None:
            self._drop("size")
        for name in _DROPPABLE:
            value = getattr(pieces, name)
            if isinstance(value, str):
                value = value.strip()
            if value:
                fields[name] = {locale: value} if name in ("alt", "caption") else value
        if renditions := self._renditions(url, pieces.renditions):
            fields["renditions"] = renditions
        # Each refusal names its field: drop that one and try again, a bounded number of times.
        for _ in range(len(fields)):
            try:
                return MediaDraft(**fields)
            except ValidationError as exc:
                name = (exc.field or "").split(".")[0]
                if name in ("width", "height") and "width" in fields:
                    del fields["width"], fields["height"]
                    self._drop("size")
                elif name in _DROPPABLE and name in fields:
                    del fields[name]
                    self._drop(name)
                else:
                    break
        self._drop("invalid")
        return None

    def _renditions(self, url: str, pieces: tuple[RenditionPieces, ...]) -> tuple[Rendition, ...]:
        """The renditions the domain accepts, each name once, the original's own URL left out."""
        found: dict[str, Rendition] = {}
        for piece in pieces:
            href = absolute_url(piece.url, self.base)
            if href is not None and media_key(href) == media_key(url):
                continue  # the original itself, listed among its sizes
            name = _RENDITION_NAME_JUNK.sub("-", piece.name.strip().lower()).strip("-_")[:32]
            width, height = dimension(piece.width), dimension(piece.height)
            if (
                href is None
                or not name
                or name in found
                or width is None
                or height is None
                or len(found) >= RENDITIONS_MAX
            ):
                self._drop("rendition")
                continue
            mime = (piece.mime_type or "").strip() or None
            try:
                found[name] = Rendition(
                    name=name, url=href, width=width, height=height, mime_type=mime
                )
            except ValidationError:
                try:  # a MIME type of no media kind (an HLS playlist) drops the type only
                    found[name] = Rendition(name=name, url=href, width=width, height=height)
                except ValidationError:
                    self._drop("rendition")
                    continue
                self._drop("rendition_mime_type")
        return tuple(found.values())


def build_draft(
    *,
    document: str,
    lines: Mapping[str, int | None] | None = None,
    line: int | None = None,
    **fields: Any,
) -> ArticleDraft:
    """Build a draft, turning a refused field into an ``ImportFailure`` naming the source.

    Args:
        document: The source document, for the error message.
        lines: Where each field was read, so the error points there: a field name
            (``"headline"``) or a path into it (``"tags.2"``) -> line number.
        line: The line to name when ``lines`` does not know the field (the item's start).
        **fields: The draft's fields.

    Returns:
        The validated draft.

    Raises:
        ImportFailure: A field was refused (too long, not a URL, ...); the message says
            which and why.
    """
    try:
        return ArticleDraft(**fields)
    except ValidationError as exc:
        where = _line_of(exc.field or "", lines or {})
        message = f"cannot import this article: {exc}"
        raise ImportFailure(message, source=document, line=where or line) from None


def _line_of(field: str, lines: Mapping[str, int | None]) -> int | None:
    """The line of the most specific known path that ``field`` (``"tags.2.name"``) is under."""
    parts = field.split(".")
    for end in range(len(parts), 0, -1):
        line = lines.get(".".join(parts[:end]))
        if line is not None:
            return line
    return None
