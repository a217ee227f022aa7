"""A site's archive migrated as one: editions grouped, tags made one, old addresses kept.

An import reads pages one by one; an archive is more than its pages. These are the
rules :func:`newscms.services.importing.import_files` applies across them, set by
:class:`ArchiveOptions`:

- **Editions of one story** share a *translation key*, by default the article number
  that ends a URL-shaped file name (``news-en/Beijing-...-24963.html`` and
  ``news-it/Pechino-...-24963.html``: ``24963``), or the group a mapping file gives the
  file (``locator,group`` CSV). Articles of one key form one translation group, whose
  id is derived from the site and the key, so it is the same in any import order and
  on every re-import.
- **Places are one tag.** A region tag whose name is a CLDR territory name in its
  page's language (CHINA, CINA, 中国) is the tag of that ISO 3166 code, carrying a name
  per locale. A mapping file (``kind,locale,name,code`` CSV) gives codes to any tag
  and wins over CLDR.
- **Other tags align through the translation groups**: the tags at the same position
  of two editions' tag lists, counted over the whole archive, become one tag when the
  evidence agrees (see :func:`align_tags`); the import report lists each alignment with
  its evidence, and ``newscms tag split`` undoes a wrong one.
- **Date conventions** are learned per site, edition and kind of date from the batch
  and the archive's earlier imports (``newscms.importers.conventions``).
- **Old addresses are kept** (``legacy_urls``): the URL a page names as its own
  (canonical link, ``og:url``, a WordPress post's ``<link>``), and for a file that is
  one page (legacy, HTML) its locator under ``legacy_base``, which by default is the
  site's root: importing a mirror of the old site's document root records
  ``/news-en/Beijing-...-24963.html`` for that file. ``resolve_legacy`` and ``newscms
  export redirects`` answer for them (docs/legacy-urls.md).
"""

from __future__ import annotations

import csv
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from sqlalchemy import select, update

from newscms.domain import TagInput
from newscms.errors import NewsCMSError, ValidationError
from newscms.importers.conventions import DateEvidence, DateKind, DateVote
from newscms.utils.keys import tag_locale
from newscms.utils.legacy_urls import parse_legacy_url
from newscms.utils.places import territory_code

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from uuid import UUID

    from newscms.domain import ArticleDraft
    from newscms.store import Store, UnitOfWork

__all__ = [
    "DEFAULT_ARCHIVE",
    "DEFAULT_TRANSLATION_KEY",
    "MIN_ALIGNMENT_EVIDENCE",
    "ArchiveOptions",
    "CodedTags",
    "TagAlignment",
    "align_tags",
    "read_group_map",
    "read_tag_map",
]

DEFAULT_TRANSLATION_KEY = r"[-_](\d{2,})\.[A-Za-z0-9]{1,5}$"
"""The article number that ends a URL-shaped file name: ``…-24963.html`` -> ``24963``."""

MIN_ALIGNMENT_EVIDENCE = 2
"""The fewest translation groups that must pair two tags before they become one."""

_AGREEMENT = 0.9  # the share of a tag's pairings that must name the same partner
_NAMESPACE = uuid.UUID("6f1c9d0e-3b1a-5c7e-9a42-6e2e5c0a1b9d")
_MAX_MAP_ROWS = 1_000_000


@dataclass(frozen=True, slots=True)
class ArchiveOptions:
    """How an import treats the pages of one site as one archive (see the module docstring).

    Attributes:
        site: The site's name: date conventions and translation keys are per site.
        translation_key: A regular expression searched in each locator whose first
            group is the story's key; None turns key-by-name off.
        translation_groups: locator -> group name, from a mapping file; wins over the key.
        tag_codes: (kind, locale, name) -> code, from a mapping file; wins over CLDR.
        recognize_places: Give region tags the ISO 3166 code of the CLDR territory they
            name, making one tag per place.
        align_tags: After the import, align tags across translation groups.
        legacy_base: The URL prefix the files of one page each were served under
            (``"/"``, ``"/archive/"``, ``"https://old.example/"``): a file's locator
            joined to it is a legacy URL of its article; None records only the URLs
            the pages name themselves.

    Raises:
        ValidationError: ``translation_key`` is not a regular expression with a group,
            or ``site`` is empty or longer than 32 characters.
    """

    site: str = "legacy"
    translation_key: str | None = DEFAULT_TRANSLATION_KEY
    translation_groups: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    tag_codes: Mapping[tuple[str, str, str], str] = field(
        default_factory=lambda: MappingProxyType({})
    )
    recognize_places: bool = True
    align_tags: bool = True
    legacy_base: str | None = "/"
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.site, str) or not 0 < len(self.site.strip()) <= 32:
            raise ValidationError("name the site in 1 to 32 characters", field="site")
        pattern = None
        if self.translation_key is not None:
            try:
                pattern = re.compile(self.translation_key)
            except (re.error, TypeError) as exc:
                raise ValidationError(
                    f"is not a regular expression: {exc}", field="translation_key"
                ) from None
            if pattern.groups < 1:
                raise ValidationError(
                    "needs a group: the part of the locator that is the story's key",
                    field="translation_key",
                )
        object.__setattr__(self, "_pattern", pattern)
        if self.legacy_base is not None:
            object.__setattr__(self, "legacy_base", _url_prefix(self.legacy_base))
        codes = {
            (kind, tag_locale(locale), " ".join(name.split()).casefold()): code
            for (kind, locale, name), code in self.tag_codes.items()
        }
        object.__setattr__(self, "tag_codes", MappingProxyType(codes))
        object.__setattr__(
            self, "translation_groups", MappingProxyType(dict(self.translation_groups))
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Mapping proxies do not pickle; the options go to worker processes.
        return (
            ArchiveOptions,
            (
                self.site,
                self.translation_key,
                dict(self.translation_groups),
                dict(self.tag_codes),
                self.recognize_places,
                self.align_tags,
                self.legacy_base,
            ),
        )

    def translation_group(self, locator: str) -> UUID | None:
        """The translation group of the page at ``locator``; None when it has no key."""
        key = self.translation_groups.get(locator)
        if key is None and self._pattern is not None:
            match = self._pattern.search(locator)
            key = match.group(1) if match is not None else None
        if not key:
            return None
        return uuid.uuid5(_NAMESPACE, f"{self.site.strip()}\x1f{key}")

    def legacy_urls(self, format: str, file: str, draft: ArticleDraft) -> tuple[str, ...]:
        """The old addresses of ``draft``'s article: the one it names, its file's under the base."""
        urls = [draft.canonical_url] if draft.canonical_url else []
        if self.legacy_base is not None and format in _PAGE_PER_FILE:
            urls.append(self.legacy_base + quote(file.lstrip("/"), safe="/%~!$&'()*+,;=:@"))
        kept: dict[str, str] = {}
        for url in urls:
            try:  # an address no request can name (too long, not http) is not kept
                kept.setdefault(parse_legacy_url(url).key, url)
            except ValidationError:
                continue
        return tuple(kept.values())

    def code_of(self, kind: str, locale: str, name: str) -> str | None:
        """The code the mapping file, else CLDR (for region tags), gives a tag name."""
        mapped = self.tag_codes.get((kind, tag_locale(locale), " ".join(name.split()).casefold()))
        if mapped is not None:
            return mapped
        if kind == "region" and self.recognize_places:
            return territory_code(name, locale)
        return None


def _url_prefix(base: object) -> str:
    """``base`` as a prefix ending in ``/``: a root-relative path or an http(s) URL."""
    if not isinstance(base, str) or not base.strip() or len(base) > 1000:
        raise ValidationError("give a path such as / or an http(s) URL", field="legacy_base")
    text = base.strip()
    parts = urlsplit(text)
    absolute = parts.scheme in ("http", "https") and bool(parts.netloc)
    if not (absolute or (text.startswith("/") and not parts.scheme and not parts.netloc)):
        raise ValidationError(
            f"{base!r} is neither a path starting with / nor an http(s) URL", field="legacy_base"
        )
    if parts.query or parts.fragment or any(ord(c) < 0x20 for c in text):
        raise ValidationError(f"{base!r} must be a plain prefix", field="legacy_base")
    return text if text.endswith("/") else text + "/"


_PAGE_PER_FILE = frozenset({"legacy", "html"})

DEFAULT_ARCHIVE = ArchiveOptions()
"""Editions keyed by the number ending their file names, places by CLDR, tags aligned."""


def with_archive_fields(draft: ArticleDraft, locator: str, options: ArchiveOptions) -> ArticleDraft:
    """``draft`` with the translation group its locator gives (a draft's own one wins)."""
    if draft.translation_group is not None:
        return draft
    group = options.translation_group(draft.source.locator if draft.source else locator)
    return draft if group is None else draft.model_copy(update={"translation_group": group})


class CodedTags:
    """The tags an import gives codes to, each (kind, code, locale, name) looked up once.

    ``tags.coded`` finds or makes the one tag of a code and gives it a name; after the
    first page naming CHINA in English, every other such page names the same tag with
    the same name, so the answer is kept. What a transaction found is kept only once
    it commits (``committed``): a rolled-back group may have made the tag it named.
    """

    def __init__(self, options: ArchiveOptions) -> None:
        self.options = options
        self.codes: set[str] = set()
        self._known: dict[tuple[str, str, str, str], UUID] = {}
        self._pending: dict[tuple[str, str, str, str], UUID] = {}

    def of(self, uow: UnitOfWork, draft: ArticleDraft) -> ArticleDraft:
        """``draft`` with every tag that has a code named by the id of that code's one tag."""
        tags: list[TagInput] = []
        coded = False
        for tag in draft.tags:
            code = None
            if tag.id is None and tag.name is not None:
                code = self.options.code_of(tag.kind, tag.locale or draft.locale, tag.name)
            if code is None or tag.name is None:
                tags.append(tag)
                continue
            locale = tag_locale(tag.locale or draft.locale)
            key = (tag.kind, code, locale, tag.name)
            found = self._known.get(key) or self._pending.get(key)
            if found is None:
                found = uow.tags.coded(code, name=tag.name, locale=locale, kind=tag.kind).id
                self._pending[key] = found
            tags.append(TagInput(id=found, kind=tag.kind))
            self.codes.add(code)
            coded = True
        return draft.model_copy(update={"tags": tuple(tags)}) if coded else draft

    def committed(self) -> None:
        """The transaction that looked tags up committed: keep what it found."""
        self._known.update(self._pending)
        self._pending.clear()

    def rolled_back(self) -> None:
        """The transaction rolled back: what it made is gone."""
        self._pending.clear()


# -- date evidence kept per site ------------------------------------------------------------


def stored_evidence(store: Store, site: str) -> DateEvidence:
    """What earlier imports of ``site`` proved about its dates."""
    with store.session(readonly=True) as uow:
        de = uow.settings.tables.date_evidence
        rows = uow.connection.execute(
            select(de.c.locale, de.c.kind, de.c.month_first, de.c.day_first).where(
                de.c.source == site
            )
        ).all()
    votes = {(row.locale, DateKind(row.kind)): (row.month_first, row.day_first) for row in rows}
    return DateEvidence(MappingProxyType(votes))


def add_evidence(uow: UnitOfWork, site: str, votes: Iterable[DateVote]) -> None:
    """Add ``votes`` (of newly imported pages) to what the archive knows of ``site``."""
    de = uow.settings.tables.date_evidence
    counted = DateEvidence.counted(votes)
    for (locale, kind), (month, day) in counted.votes.items():
        where = (de.c.source == site, de.c.locale == locale, de.c.kind == kind.value)
        row = uow.connection.execute(select(de.c.month_first, de.c.day_first).where(*where)).first()
        if row is None:
            uow.connection.execute(
                de.insert().values(
                    source=site, locale=locale, kind=kind.value, month_first=month, day_first=day
                )
            )
        else:
            uow.connection.execute(
                update(de)
                .where(*where)
                .values(month_first=row.month_first + month, day_first=row.day_first + day)
            )


# -- tags aligned across translation groups -------------------------------------------------


@dataclass(frozen=True, slots=True)
class TagAlignment:
    """Tags an import made one, and why.

    Attributes:
        tag_id: The tag they became.
        kind: Their kind.
        names: The tag's names by locale afterwards.
        merged: How many separate tags were merged into it.
        evidence: Why, in words: the CLDR territory, or the translation groups that
            paired them at the same position.
        code: The tag's code, for places.
    """

    tag_id: UUID
    kind: str
    names: Mapping[str, str]
    merged: int
    evidence: str
    code: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The alignment as ``newscms import --json`` prints it."""
        return {
            "tag_id": str(self.tag_id),
            "kind": self.kind,
            "code": self.code,
            "names": dict(self.names),
            "merged": self.merged,
            "evidence": self.evidence,
        }


def place_alignments(store: Store, codes: Iterable[str]) -> list[TagAlignment]:
    """The place tags an import gave names in several locales, as alignments to report."""
    found: list[TagAlignment] = []
    with store.session(readonly=True) as uow:
        for code in sorted(set(codes)):
            try:
                tag = uow.tags.get_by_code(code, kind="region")
            except NewsCMSError:
                continue
            if len(tag.names) > 1:
                names = {loc: n.name for loc, n in sorted(tag.names.items())}
                found.append(
                    TagAlignment(
                        tag.id,
                        tag.kind,
                        MappingProxyType(names),
                        0,
                        f"CLDR names of the territory {code} in {', '.join(names)}",
                        code,
                    )
                )
    return found


def align_tags(store: Store, *, kinds: Sequence[str] = ("region", "topic")) -> list[TagAlignment]:
    """Make one tag of the tags that stand at the same place in the editions of stories.

    For every translation group, the tags of each kind of two editions whose lists are
    as long as each other are paired by position. Two tags become one when at least
    ``MIN_ALIGNMENT_EVIDENCE`` groups pair them, at least 90% of each one's pairings
    with the other's edition name the other, and they have no name in a common locale
    (a tag with names in en and it is never merged with another having an it name).
    Tags that have a code are not merged with a tag carrying another code.

    Returns:
        What was merged, with the evidence.
    """
    with store.session(readonly=True) as uow:
        a, at, tg = (
            uow.settings.tables.articles,
            uow.settings.tables.article_tags,
            uow.settings.tables.tags,
        )
        rows = uow.connection.execute(
            select(a.c.translation_group, a.c.id, a.c.locale, tg.c.kind, at.c.tag_id)
            .join(at, at.c.article_id == a.c.id)
            .join(tg, tg.c.id == at.c.tag_id)
            .where(a.c.translation_group.is_not(None), tg.c.kind.in_(list(kinds)))
            .order_by(a.c.translation_group, a.c.id, at.c.position)
        ).all()
    lists: dict[tuple[Any, Any, str, str], list[UUID]] = defaultdict(list)
    for group, article_id, locale, kind, tag_id in rows:
        lists[(group, article_id, tag_locale(locale), kind)].append(tag_id)
    by_group: dict[tuple[Any, str], list[tuple[str, list[UUID]]]] = defaultdict(list)
    for (group, _article, locale, kind), tags in lists.items():
        by_group[(group, kind)].append((locale, tags))
    pairs: Counter[tuple[UUID, UUID]] = Counter()
    # A tag's pairings are counted per edition it is paired with: with four editions a
    # tag has three partners, and each must agree on its own.
    seen: Counter[tuple[UUID, str]] = Counter()
    locale_of: dict[UUID, str] = {}
    kind_of: dict[UUID, str] = {}
    for (_group, kind), editions in by_group.items():
        for i, (first_locale, first) in enumerate(editions):
            for second_locale, second in editions[i + 1 :]:
                if len(first) != len(second) or first_locale == second_locale:
                    continue
                for x, y in zip(first, second, strict=True):
                    kind_of[x] = kind_of[y] = kind
                    locale_of.setdefault(x, first_locale)
                    locale_of.setdefault(y, second_locale)
                    seen[(x, second_locale)] += 1
                    seen[(y, first_locale)] += 1
                    if x != y:
                        pairs[(min(x, y, key=str), max(x, y, key=str))] += 1
    agreed = [
        (x, y, n)
        for (x, y), n in pairs.items()
        if n >= MIN_ALIGNMENT_EVIDENCE
        and n >= _AGREEMENT * seen[(x, locale_of[y])]
        and n >= _AGREEMENT * seen[(y, locale_of[x])]
    ]
    return _merge_agreed(store, agreed, kind_of)


def _merge_agreed(
    store: Store, agreed: Sequence[tuple[UUID, UUID, int]], kind_of: Mapping[UUID, str]
) -> list[TagAlignment]:
    """Merge each agreed pair's tags, largest evidence first, when their names allow it."""
    alignments: dict[UUID, TagAlignment] = {}
    merged_into: dict[UUID, UUID] = {}

    def final(tag_id: UUID) -> UUID:
        while tag_id in merged_into:
            tag_id = merged_into[tag_id]
        return tag_id

    with store.session() as uow:
        for x, y, evidence in sorted(agreed, key=lambda pair: (-pair[2], str(pair[0]))):
            keep, other = final(x), final(y)
            if keep == other:
                continue
            first, second = uow.tags.get(keep), uow.tags.get(other)
            if set(first.names) & set(second.names):
                continue  # both have a name in one locale: not one concept by this rule
            if first.code and second.code and first.code != second.code:
                continue
            if second.code and not first.code:
                first, second = second, first
            tag = uow.tags.merge(second.id, first.id)
            merged_into[second.id] = tag.id
            previous = alignments.pop(second.id, None) or alignments.get(tag.id)
            count = (previous.merged if previous else 0) + 1
            reason = (
                f"{evidence} translation groups pair them at the same position of their "
                f"{kind_of.get(x, tag.kind)} tags"
            )
            if previous is not None:
                reason = f"{previous.evidence}; {reason}"
            alignments[tag.id] = TagAlignment(
                tag.id,
                tag.kind,
                MappingProxyType({loc: n.name for loc, n in sorted(tag.names.items())}),
                count,
                reason,
                tag.code,
            )
    return list(alignments.values())


# -- mapping files -------------------------------------------------------------------------


def read_group_map(path: Path | str) -> dict[str, str]:
    """A ``locator,group`` CSV file as a mapping (a header row is optional).

    Raises:
        ValidationError: the file cannot be read, or a row has not two fields.
    """
    return dict(_rows(path, 2, "locator,group"))


def read_tag_map(path: Path | str) -> dict[tuple[str, str, str], str]:
    """A ``kind,locale,name,code`` CSV file as a mapping (a header row is optional).

    Raises:
        ValidationError: the file cannot be read, or a row has not four fields.
    """
    return {
        (kind, locale, name): code
        for kind, locale, name, code in _rows(path, 4, "kind,locale,name,code")
    }


def _rows(path: Path | str, width: int, header: str) -> list[list[str]]:
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            rows = []
            for number, row in enumerate(csv.reader(handle), start=1):
                if number == 1 and ",".join(cell.strip().lower() for cell in row) == header:
                    continue
                if not row or not any(cell.strip() for cell in row):
                    continue
                if len(row) != width or not all(cell.strip() for cell in row):
                    raise ValidationError(
                        f"{path}:{number}: expected {width} non-empty fields ({header})",
                        field="mapping",
                    )
                rows.append([cell.strip() for cell in row])
                if len(rows) > _MAX_MAP_ROWS:
                    raise ValidationError(
                        f"{path}: more than {_MAX_MAP_ROWS} rows", field="mapping"
                    )
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValidationError(f"cannot read {path}: {exc}", field="mapping") from None
