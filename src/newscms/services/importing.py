"""Import source documents into a store: each file whole or not at all, idempotent, reported.

``import_paths(store, ["export/"])`` walks the paths (a directory recurses in sorted
order; hidden files and directories are left out; binary files found in a directory are
skipped), reads each file as bytes, parses it with ``newscms.importers.parse`` and
writes its drafts through the store's unit of work:

- **Only regular files, bounded.** A FIFO, socket or device is refused before it is
  opened (a FIFO would wait forever for a writer, ``/dev/zero`` never ends); a file is
  read up to ``max_file_size`` bytes (``MAX_FILE_SIZE`` unless told otherwise), and a
  larger one, or one that grows past it while read, fails.
- **Never out of the tree.** A symbolic link found in a directory is followed only
  when it leads inside that directory, each directory walked once (a link loop ends);
  a link leading out of it, or nowhere, is skipped and reported. A file named
  explicitly is read wherever it leads: the caller chose it.
- **Each file whole or not at all.** A file that cannot be read or parsed, or whose
  writes the store refuses, leaves no rows at all: it is reported as failed, with the
  error (naming the file and, where there is one, the line), and the import goes on
  with the next file. A WordPress export is one file: all of its posts are imported, or
  none. For speed, files are written in groups of ``IMPORT_GROUP`` in one transaction,
  their new articles created in one batch; a group in which the store refuses anything
  is rolled back and written again one transaction per file, which names the culprit.
- **Idempotent.** Each draft carries its source identity (format and locator). A source
  imported before is found again (``find_by_source``) and only the fields that differ
  from the stored article are sent, based on the version read; when nothing differs
  nothing is written and the article is reported ``unchanged``. The source owns the
  article's content and its "see also" list: see-also relations the source no longer
  lists are removed, new ones added, and they follow the source's order. Relations of
  other kinds (a translation or follow-up an editor added) are added when the source
  names them and never removed. Status, id, creation time and a slug the store derived
  stay as the first import (and the editors since) made them.
- **Relations resolve in any order.** See-also items are pending relations until the
  article they name is stored; the store resolves them whichever arrives first.
- **Dry run.** The same reading, parsing and comparison in read-only transactions:
  the report says what would be created, updated or left unchanged; nothing is written.

A file's locator (its source identity, and the name every message gives) is its
absolute path, or its path relative to ``source_root`` when one is given, so that an
export directory can move, or be imported on another machine, and still be recognized.
It is written by ``portable_name``: a name that is not UTF-8 (or holds controls) gets
``%XX`` escapes, so that it is valid text and two names never share a locator.
"""

from __future__ import annotations

import codecs
import multiprocessing
import os
import re
import stat
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from newscms.domain import ArticlePatch
from newscms.domain.resync import ResyncPlan, plan_resync
from newscms.errors import ImportFailure, NewsCMSError, NotFoundError, SchemaError, ValidationError
from newscms.importers import DEFAULT_OPTIONS, FORMATS, ImportOptions, parse
from newscms.importers.conventions import DateEvidence, DateVote, UnsettledDate
from newscms.services.archive import (
    DEFAULT_ARCHIVE,
    ArchiveOptions,
    CodedTags,
    TagAlignment,
    add_evidence,
    align_tags,
    place_alignments,
    stored_evidence,
    with_archive_fields,
)
from newscms.utils.dates import DateOrder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from uuid import UUID

    from newscms.domain import Article, ArticleDraft
    from newscms.store import Store, UnitOfWork
    from newscms.store.legacy_urls import LegacyUrlConflict

__all__ = [
    "BINARY_FILE",
    "BROKEN_LINK",
    "IMPORT_ACTOR",
    "MAX_FILE_SIZE",
    "OUTCOMES",
    "OUTSIDE_LINK",
    "SPECIAL_FILE",
    "FileResult",
    "ImportItem",
    "ImportReport",
    "Outcome",
    "SourceFile",
    "collect_files",
    "import_files",
    "import_paths",
    "portable_name",
]

Outcome = Literal["created", "updated", "unchanged", "failed", "skipped"]
OUTCOMES: tuple[Outcome, ...] = ("created", "updated", "unchanged", "failed", "skipped")
"""What can happen to an item, in the order reports list them."""

IMPORT_ACTOR = "newscms import"
"""The actor recorded on the revisions an import saves."""

BINARY_FILE = "binary file"
"""The ``skipped`` kind of files found in a directory that are not text documents."""

SPECIAL_FILE = "not a regular file"
"""The ``skipped`` kind of FIFOs, sockets and devices found in a directory (never opened)."""

OUTSIDE_LINK = "link out of the tree"
"""The ``skipped`` kind of symbolic links in a directory that lead out of it (not followed)."""

BROKEN_LINK = "broken link"
"""The ``skipped`` kind of symbolic links in a directory that lead nowhere, or in a loop."""

MAX_FILE_SIZE = 64 * 1024 * 1024
"""The most bytes an import reads of one file unless told otherwise (docs/importing.md)."""

# Reads of a file larger than it said it was when opened (one growing while it is read).
_CHUNK = 1024 * 1024

# Articles are text; a NUL byte in the first kilobytes means an image, a PDF, a font...
# (git and grep use the same rule), unless a UTF-16/32 byte order mark explains it.
_SNIFF = 8192
_WIDE_BOMS = (codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# Changes after which the store resolves pending relations naming the article again.
_MATCHED_FIELDS = frozenset({"headline", "canonical_url", "published_at", "slug"})


# -- what an import is made of ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to import.

    Attributes:
        path: Where it is on disk (for a file reached through a link inside a walked
            directory, where the link leads).
        locator: Its source identity and the name every message gives: the absolute
            path, or the path relative to the import's ``source_root``, as
            ``portable_name`` writes it.
        explicit: True when the caller named the file itself (it is always parsed,
            and a symbolic link is followed); False when it was found in a directory
            (binary files are skipped, and a link is not followed when it is read).
        refused: Why the walk refused this entry (a link out of the tree, a FIFO, a
            directory that cannot be read); it is reported, never opened. None for a
            file to read.
        kind: The ``skipped`` kind a refused entry is counted as; None when it fails.
    """

    path: Path
    locator: str
    explicit: bool = True
    refused: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class ImportItem:
    """What happened to one article of a source file, or to a file that failed or was skipped.

    Attributes:
        file: The locator of the file the item comes from.
        outcome: ``created``, ``updated``, ``unchanged``, ``failed`` or ``skipped``.
        source: The article's source locator (``file#post-12`` for a post of a
            WordPress export); None for a file that failed or was skipped as a whole.
        format: The format the file was read as; None when it was never parsed.
        article_id: The stored article's id (None in a dry run before creation).
        slug: The stored article's slug (None in a dry run before creation).
        error: Why the item failed (the message names the file and, where there is
            one, the line) or was skipped; None otherwise.
        translation_group: The group of the story's editions the article is in.
        legacy_urls: The old addresses of the article this import recorded (or, in a
            dry run, would record); see ``ArchiveOptions.legacy_base``.
    """

    file: str
    outcome: Outcome
    source: str | None = None
    format: str | None = None
    article_id: UUID | None = None
    slug: str | None = None
    error: str | None = None
    translation_group: UUID | None = None
    legacy_urls: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The item as the JSON object ``newscms import --json`` prints."""
        return {
            "file": self.file,
            "outcome": self.outcome,
            "source": self.source,
            "format": self.format,
            "article_id": str(self.article_id) if self.article_id else None,
            "slug": self.slug,
            "error": self.error,
            "translation_group": str(self.translation_group) if self.translation_group else None,
            "legacy_urls": list(self.legacy_urls),
        }


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file's import: its items, what it held that is not an article, what it resolved.

    Attributes:
        file: The file's locator.
        format: The format it was read as; None when it was never parsed.
        items: One item per article (or a single failed or skipped item).
        skipped: Parts of the document that are not articles, counted by kind.
        relations_resolved: Relations that found their target through this file's writes.
    """

    file: str
    format: str | None
    items: tuple[ImportItem, ...]
    skipped: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    relations_resolved: int = 0

    def __reduce__(self) -> tuple[Any, ...]:
        # A mapping proxy does not pickle; worker processes send results back.
        return (
            FileResult,
            (self.file, self.format, self.items, dict(self.skipped), self.relations_resolved),
        )

    @property
    def failed(self) -> bool:
        """True when the file was rolled back (it wrote nothing)."""
        return any(item.outcome == "failed" for item in self.items)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, in a dry run, would do).

    Attributes:
        items: Every item, in import order.
        files: How many files were looked at.
        created: Articles created.
        updated: Stored articles changed (fields or see-also list).
        unchanged: Stored articles the source did not change (nothing was written).
        failed: Files that failed and were rolled back.
        skipped: What was not imported, counted by kind (WordPress attachments and
            pages, binary files, ...).
        relations_resolved: Relations that found their target during this import:
            new relations to stored articles, and pending ones the new articles resolved.
        relations_pending: Relations in the store still waiting for their target.
        dry_run: True when nothing was written.
        alignments: Tags the import made one across languages, with the evidence.
        date_evidence: What the batch and the archive proved about the source's dates.
        legacy_url_conflicts: Old addresses a page named that another article already
            holds (they keep resolving to that one; ``newscms`` never moves them).
    """

    items: tuple[ImportItem, ...]
    files: int
    created: int
    updated: int
    unchanged: int
    failed: int
    skipped: Mapping[str, int]
    relations_resolved: int
    relations_pending: int
    dry_run: bool = False
    alignments: tuple[TagAlignment, ...] = ()
    date_evidence: DateEvidence = field(default_factory=DateEvidence)
    legacy_url_conflicts: tuple[LegacyUrlConflict, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return self.failed == 0

    @property
    def failures(self) -> tuple[ImportItem, ...]:
        """The failed items, with their errors."""
        return tuple(item for item in self.items if item.outcome == "failed")

    @classmethod
    def from_files(
        cls,
        results: Sequence[FileResult],
        *,
        relations_pending: int,
        dry_run: bool = False,
        alignments: Sequence[TagAlignment] = (),
        date_evidence: DateEvidence | None = None,
        legacy_url_conflicts: Sequence[LegacyUrlConflict] = (),
    ) -> ImportReport:
        """Add up the files' results into one report."""
        items = tuple(item for result in results for item in result.items)
        outcomes = Counter(item.outcome for item in items)
        skipped: Counter[str] = Counter()
        for result in results:
            skipped.update(result.skipped)
        return cls(
            items=items,
            files=len(results),
            created=outcomes["created"],
            updated=outcomes["updated"],
            unchanged=outcomes["unchanged"],
            failed=outcomes["failed"],
            skipped=MappingProxyType(dict(sorted(skipped.items()))),
            relations_resolved=sum(result.relations_resolved for result in results),
            relations_pending=relations_pending,
            dry_run=dry_run,
            alignments=tuple(alignments),
            date_evidence=date_evidence or DateEvidence(),
            legacy_url_conflicts=tuple(legacy_url_conflicts),
        )

    def to_json(self) -> dict[str, Any]:
        """The report as the JSON document ``newscms import --json`` prints (docs/importing.md)."""
        return {
            "dry_run": self.dry_run,
            "files": self.files,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "skipped": dict(self.skipped),
            "relations_resolved": self.relations_resolved,
            "relations_pending": self.relations_pending,
            "alignments": [alignment.to_json() for alignment in self.alignments],
            "date_evidence": [
                {"locale": locale, "kind": kind.value, "month_first": month, "day_first": day}
                for (locale, kind), (month, day) in sorted(self.date_evidence.votes.items())
            ],
            "legacy_url_conflicts": [
                {
                    "url": conflict.url,
                    "article_id": str(conflict.article_id),
                    "held_by": str(conflict.holder_id),
                }
                for conflict in self.legacy_url_conflicts
            ],
            "items": [item.to_json() for item in self.items],
        }


# -- finding the files ---------------------------------------------------------------------


def collect_files(
    paths: Iterable[Path | str] | Path | str, *, source_root: Path | str | None = None
) -> tuple[SourceFile, ...]:
    """The files ``paths`` name, in import order, each once, none reached from outside its tree.

    A directory contributes its files recursively, sorted by path, leaving out hidden
    files and directories (``.git``, ``.DS_Store``). A symbolic link found there is
    followed only when it leads to a file or directory inside that directory; a link
    that leads out of it or nowhere, anything that is not a regular file (a FIFO, a
    socket, a device) and a directory that cannot be read are kept as refused entries,
    which an import reports without opening them. A file the walk reaches both by its
    own path and through a link is taken once, by its own path. A path named explicitly
    is taken as given, a symbolic link included (it is followed wherever it leads); one
    that does not exist is kept: importing it reports it as failed.

    Args:
        paths: Files and directories (or a single one).
        source_root: Directory the locators are relative to; None for absolute paths.

    Returns:
        The files, each with its locator.

    Raises:
        ValidationError: A file lies outside ``source_root`` (field ``source_root``).
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    root = _absolute(Path(source_root)) if source_root is not None else None
    found: dict[str, SourceFile] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for key, file in _Tree(path, root).walk():
                found.setdefault(key, file)
        else:
            found.setdefault(_real(path), SourceFile(path, _locator(path, root), True))
    return tuple(found.values())


def portable_name(name: str) -> str:
    """``name``, a path as ``os.fsdecode`` gives it, as text every database and terminal keeps.

    A locator must be valid UTF-8 on one line, and two file names must never give one
    locator. So each byte that is not UTF-8 becomes ``%XX``, and so do the UTF-8 bytes
    of a control character, of whitespace other than a single inner space, and of a
    ``%`` followed by two hex digits; ``urllib.parse.unquote_to_bytes`` gives the name's
    bytes back. A name of plain text (nearly all of them) is returned as it is.
    """
    return _UNSAFE.sub(_escaped, name)


# What a locator cannot hold as it is: surrogates (``os.fsdecode``'s undecodable bytes),
# what ``clean_text`` drops, whitespace a single-line field collapses, and a "%" that
# would read as an escape.
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]|[^\S ]|^ | \Z|(?<= ) |%(?=[0-9A-Fa-f]{2})"
)


def _escaped(match: re.Match[str]) -> str:
    char = match[0]
    if "\udc80" <= char <= "\udcff":  # the byte os.fsdecode could not decode
        return f"%{ord(char) - 0xDC00:02X}"
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))


def _absolute(path: Path) -> Path:
    """The absolute, normalized path, symbolic links kept: the export's layout is the identity."""
    return Path(os.path.abspath(path))


def _real(path: Path | str) -> str:
    """Where ``path`` leads, every link followed: two paths to one file are one file."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):  # a name no file can have (a NUL byte): its own key
        return os.fspath(path)


def _locator(path: Path, root: Path | None) -> str:
    absolute = _absolute(path)
    if root is None:
        return portable_name(absolute.as_posix())
    try:
        return portable_name(absolute.relative_to(root).as_posix())
    except ValueError:
        raise ValidationError(
            f"{portable_name(str(path))} is not inside the source root "
            f"{portable_name(str(root))}; import it on its own or choose a source root "
            "that holds every file",
            field="source_root",
        ) from None


class _Tree:
    """A directory walked for import: never out of it through a link, never twice, never forever.

    The directory's own tree is walked first, so a file keeps its own path when a link
    also leads to it; the directories that links inside the tree lead to come after,
    each once (a directory already walked, a link loop included, is not walked again).
    The walk keeps an explicit stack: a hostile tree thousands of levels deep ends in
    the file system's path limit, not in a ``RecursionError``.
    """

    def __init__(self, directory: Path, root: Path | None) -> None:
        self.directory = directory
        self.root = root
        self.top = _real(directory)
        self.walked: set[tuple[int, int]] = set()
        self.files: dict[str, tuple[Path, SourceFile, bool]] = {}  # by real path
        self.refused: list[tuple[Path, SourceFile]] = []
        self.linked: list[tuple[Path, str]] = []  # directories reached through a link

    def walk(self) -> list[tuple[str, SourceFile]]:
        """Every entry, sorted by path, each with its key (the real path, for files)."""
        self._scan(self.directory, self.top, linked=False)
        while self.linked:
            self.linked.sort(key=lambda pair: pair[0].parts, reverse=True)
            self._scan(*self.linked.pop(), linked=True)
        entries = [(path, key, file) for key, (path, file, _) in self.files.items()]
        entries += [(path, str(_absolute(path)), file) for path, file in self.refused]
        entries.sort(key=lambda entry: entry[0].relative_to(self.directory).parts)
        return [(key, file) for _, key, file in entries]

    def _scan(self, start: Path, real_start: str, *, linked: bool) -> None:
        stack = [(start, real_start)]
        while stack:
            directory, real = stack.pop()
            try:
                status = os.stat(real)
                if (status.st_dev, status.st_ino) in self.walked:
                    continue
                self.walked.add((status.st_dev, status.st_ino))
                with os.scandir(real) as listing:
                    entries = list(listing)
            except OSError as exc:
                self._refuse(directory, f"cannot be read: {exc.strerror or exc}", None)
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                path = directory / entry.name
                inner = os.path.join(real, entry.name)
                try:
                    if entry.is_symlink():
                        self._link(path, inner)
                    elif entry.is_dir(follow_symlinks=False):
                        stack.append((path, inner))
                    elif entry.is_file(follow_symlinks=False):
                        self._file(path, inner, linked=linked)
                    else:
                        mode = entry.stat(follow_symlinks=False).st_mode
                        self._refuse(path, f"{_kind_of(mode)}, not a regular file", SPECIAL_FILE)
                except OSError as exc:  # gone since the listing, or unreadable
                    self._refuse(path, f"cannot be read: {exc.strerror or exc}", None)

    def _link(self, path: Path, inner: str) -> None:
        try:
            target = os.path.realpath(inner, strict=True)
            mode = os.stat(target).st_mode
        except OSError as exc:  # dangling, a loop, or through an unreadable directory
            self._refuse(path, f"a broken symbolic link: {exc.strerror or exc}", BROKEN_LINK)
            return
        if os.path.commonpath([target, self.top]) != self.top:
            reason = f"a symbolic link to {portable_name(target)}, outside the directory imported"
            self._refuse(path, reason, OUTSIDE_LINK)
        elif stat.S_ISDIR(mode):
            self.linked.append((path, target))
        elif stat.S_ISREG(mode):
            self._file(path, target, linked=True)
        else:
            self._refuse(
                path, f"a symbolic link to {_kind_of(mode)}, not a regular file", SPECIAL_FILE
            )

    def _file(self, path: Path, real: str, *, linked: bool) -> None:
        # A file reached through a link is read at its real path, and every walked file
        # with O_NOFOLLOW: a link swapped in after the walk is not followed either.
        known = self.files.get(real)
        if known is None or (known[2] and not linked):
            source = SourceFile(Path(real) if linked else path, _locator(path, self.root), False)
            self.files[real] = (path, source, linked)

    def _refuse(self, path: Path, reason: str, kind: str | None) -> None:
        locator = _locator(path, self.root)
        self.refused.append((path, SourceFile(path, locator, False, refused=reason, kind=kind)))


def _kind_of(mode: int) -> str:
    """What a file that is not a regular one is, for messages."""
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "a special file"


def _is_binary(data: bytes) -> bool:
    head = data[:_SNIFF]
    return b"\x00" in head and not head.startswith(_WIDE_BOMS)


def _read_bounded(path: Path, limit: int, *, follow: bool) -> bytes:
    """A regular file's bytes, at most ``limit`` of them; anything else is refused unopened.

    The file is looked at before it is opened, so a FIFO is never opened (which would
    wait for a writer) nor a device (which may never end, or act on being opened). It is
    opened without blocking and looked at again (it may have been swapped in between),
    and read up to ``limit + 1`` bytes in bounded reads, so a file that grows while it
    is read cannot make the import hold more.

    Raises:
        _FileFailed: The message says why (without the file's name).
    """
    try:
        status = os.stat(path, follow_symlinks=follow)
    except (OSError, ValueError) as exc:
        raise _FileFailed(f"cannot be read: {_reason(exc)}") from None
    _check_regular(status.st_mode, status.st_size, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | (0 if follow else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise _FileFailed(f"cannot be read: {_reason(exc)}") from None
    try:
        opened = os.fstat(descriptor)
        _check_regular(opened.st_mode, opened.st_size, limit)
        os.set_blocking(descriptor, True)
        chunks: list[bytes] = []
        left = limit + 1
        # The whole file (and the byte that tells it has grown) in one read, usually.
        want = opened.st_size + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, max(want, _CHUNK)))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            want = _CHUNK
    except OSError as exc:
        raise _FileFailed(f"cannot be read: {_reason(exc)}") from None
    finally:
        os.close(descriptor)
    if left <= 0:
        raise _FileFailed(_too_large(limit))
    return b"".join(chunks)


def _check_regular(mode: int, size: int, limit: int) -> None:
    if not stat.S_ISREG(mode):
        raise _FileFailed(
            f"is {_kind_of(mode)}, not a regular file; only regular files are imported"
        )
    if size > limit:
        raise _FileFailed(_too_large(limit, size))


def _too_large(limit: int, size: int | None = None) -> str:
    what = f"is {_size(size)}, more" if size is not None else "is larger"
    return (
        f"{what} than the import's limit of {_size(limit)} per file; if it is one "
        "document, import it with a larger --max-file-size"
    )


def _size(count: int) -> str:
    """A byte count as people read it: ``64 MiB``, ``1.5 GiB``, ``200 bytes``."""
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            break
        value /= 1024
    if unit == "bytes":
        return f"{count:,} bytes"
    return f"{value:.1f} {unit}".replace(".0 ", " ")


def _reason(exc: OSError | ValueError) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


# -- importing -----------------------------------------------------------------------------


def import_paths(
    store: Store,
    paths: Iterable[Path | str] | Path | str,
    *,
    format: str = "auto",
    options: ImportOptions = DEFAULT_OPTIONS,
    dry_run: bool = False,
    source_root: Path | str | None = None,
    max_file_size: int = MAX_FILE_SIZE,
    progress: Callable[[FileResult], None] | None = None,
    archive: ArchiveOptions = DEFAULT_ARCHIVE,
    workers: int | None = None,
) -> ImportReport:
    """Import the files and directories ``paths`` name into ``store``.

    Args:
        store: The store to write to (migrated).
        paths: Files and directories (directories recurse; see ``collect_files``).
        format: ``auto`` (detect each file's format) or one of ``FORMATS``.
        options: Locale, site time zone and date orders; see ``ImportOptions``.
        dry_run: Parse and compare everything, write nothing.
        source_root: Directory the source locators are relative to; None for absolute.
        max_file_size: The most bytes read of one file: a larger one fails, unread.
        progress: Called with each file's result as soon as it is done.
        archive: How the pages form one archive: translation groups, tags made one,
            legacy URLs, the site date conventions are learned for; see
            ``newscms.services.archive``.
        workers: Processes that read and parse files while this one writes; None for
            one per CPU (at most 8) from ``PARALLEL_FROM`` files on, else this process.

    Returns:
        What was created, updated, left unchanged, skipped and failed, file by file.

    Raises:
        ValidationError: ``format``, ``options`` or ``max_file_size`` is not valid, or a
            file lies outside ``source_root``.
        SchemaError: The store's schema is missing or behind (run ``newscms migrate``).
    """
    files = collect_files(paths, source_root=source_root)
    return import_files(
        store,
        files,
        format=format,
        options=options,
        dry_run=dry_run,
        max_file_size=max_file_size,
        progress=progress,
        archive=archive,
        workers=workers,
    )


def import_files(
    store: Store,
    files: Iterable[SourceFile],
    *,
    format: str = "auto",
    options: ImportOptions = DEFAULT_OPTIONS,
    dry_run: bool = False,
    max_file_size: int = MAX_FILE_SIZE,
    progress: Callable[[FileResult], None] | None = None,
    archive: ArchiveOptions = DEFAULT_ARCHIVE,
    workers: int | None = None,
) -> ImportReport:
    """Import files found by ``collect_files``, each whole or not at all; see ``import_paths``.

    Pages whose dates only the corpus can settle are set aside while the batch is read,
    then imported with the conventions the whole batch and the archive proved.

    Raises:
        ValidationError: ``format``, ``options`` or ``max_file_size`` is not valid.
        SchemaError: The store's schema is missing or behind (run ``newscms migrate``).
    """
    chosen = format.strip().lower() if isinstance(format, str) else format
    if chosen not in ("auto", *FORMATS):
        choices = ", ".join(("auto", *FORMATS))
        raise ValidationError(f"{format!r} is not one of {choices}", field="format")
    if not isinstance(options, ImportOptions):
        raise ValidationError(
            f"expected ImportOptions, got {type(options).__name__}", field="options"
        )
    if isinstance(max_file_size, bool) or not isinstance(max_file_size, int) or max_file_size < 1:
        raise ValidationError(
            f"must be a positive number of bytes, not {max_file_size!r}", field="max_file_size"
        )
    if not isinstance(archive, ArchiveOptions):
        raise ValidationError(
            f"expected ArchiveOptions, got {type(archive).__name__}", field="archive"
        )
    importer = _Importer(
        store, chosen, options, dry_run=dry_run, max_file_size=max_file_size, archive=archive
    )
    results: list[FileResult] = []

    def report(result: FileResult) -> None:
        results.append(result)
        if progress is not None:
            progress(result)

    files = list(files)
    processes = _workers(workers, len(files))
    # One pool for both passes: starting worker processes (each imports newscms) is
    # paid once, not again for the pages set aside.
    with _reading_pool(processes) as pool:
        groups = _groups(files, IMPORT_GROUP)
        for group, reads in _reads(importer.reader(), groups, pool):
            for result in importer.run_group(group, reads):
                report(result)
        evidence = DateEvidence.counted(stored_evidence(store, archive.site), importer.votes)
        if importer.deferred:
            importer.options = replace(options, date_evidence=evidence)
            importer.defer = False
            later = _groups(importer.deferred, IMPORT_GROUP)
            for group, reads in _reads(importer.reader(), later, pool):
                for result in importer.run_group(group, reads):
                    report(result)
    alignments: list[TagAlignment] = []
    if not dry_run:
        with store.session(actor=IMPORT_ACTOR) as uow:
            add_evidence(uow, archive.site, importer.created_votes)
        alignments = place_alignments(store, importer.coded.codes)
        if archive.align_tags:
            alignments += align_tags(store)
    with store.session(readonly=True) as uow:
        pending = uow.relations.count_pending()
    return ImportReport.from_files(
        results,
        relations_pending=pending,
        dry_run=dry_run,
        alignments=alignments,
        date_evidence=evidence,
        legacy_url_conflicts=importer.url_conflicts,
    )


IMPORT_GROUP = 100
"""Files written in one transaction when none of them is refused (see ``import_files``)."""

PARALLEL_FROM = 1000
"""The fewest files an import reads in worker processes by default (below, starting
them costs more than they save)."""


def _workers(asked: int | None, files: int) -> int:
    """How many processes read files: as asked, else one per CPU for a large import.

    Raises:
        ValidationError: ``asked`` is not a positive number.
    """
    if asked is None:
        return min(os.cpu_count() or 1, 8) if files >= PARALLEL_FROM else 1
    if isinstance(asked, bool) or not isinstance(asked, int) or asked < 1:
        raise ValidationError(f"must be a positive number, not {asked!r}", field="workers")
    return asked


def _groups(files: Iterable[SourceFile], size: int) -> Iterator[list[SourceFile]]:
    group: list[SourceFile] = []
    for file in files:
        group.append(file)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A file read and parsed: its format, its drafts, what it held besides articles."""

    format: str
    drafts: list[ArticleDraft]
    skipped: Mapping[str, int]
    dates: tuple[DateVote, ...] = ()


def _failed(file: SourceFile, failure: _FileFailed) -> FileResult:
    item = ImportItem(file.locator, "failed", format=failure.format, error=str(failure))
    return FileResult(file.locator, failure.format, (item,))


class _DraftRefused(Exception):
    """A draft's write was refused: ends the file's transaction, which rolls it all back."""

    def __init__(self, draft: ArticleDraft, error: NewsCMSError) -> None:
        self.draft = draft
        self.error = error
        super().__init__(str(error))


class _FileFailed(Exception):
    """A file cannot be imported; the message names it (and the line, when there is one)."""

    def __init__(self, message: str, format: str | None = None) -> None:
        self.format = format
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class _Deferred:
    """A page set aside until the batch's dates are counted, with its own dates' votes."""

    votes: tuple[DateVote, ...]


_Read: TypeAlias = "_Parsed | FileResult | _Deferred"


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads and parses files, with nothing but its settings: it runs in worker processes."""

    format: str
    options: ImportOptions
    archive: ArchiveOptions
    max_file_size: int
    defer: bool

    def read_group(self, files: Sequence[SourceFile]) -> list[_Read]:
        """``read`` of each file, in order (one task of a worker)."""
        return [self.read(file) for file in files]

    def read(self, file: SourceFile) -> _Read:
        """The file's drafts, or its result when it is refused, unreadable, unparsable or binary.

        ``_Deferred`` when only the corpus can settle one of its dates and this is the
        first pass.
        """
        if file.refused is not None:
            if file.kind is None:
                return _failed(file, _FileFailed(f"{file.locator}: {file.refused}"))
            item = ImportItem(file.locator, "skipped", error=file.refused)
            return FileResult(file.locator, None, (item,), MappingProxyType({file.kind: 1}))
        try:
            try:
                data = _read_bounded(file.path, self.max_file_size, follow=file.explicit)
            except _FileFailed as failure:
                raise _FileFailed(f"{file.locator}: {failure}") from None
            if not file.explicit and _is_binary(data):
                item = ImportItem(file.locator, "skipped", error="a binary file, not a document")
                return FileResult(file.locator, None, (item,), MappingProxyType({BINARY_FILE: 1}))
            try:
                parsed = parse(data, source=file.locator, format=self.format, options=self.options)
            except UnsettledDate as exc:
                if self.defer:
                    return _Deferred(exc.votes)
                raise _FileFailed(str(exc)) from None
            except NewsCMSError as exc:
                raise _FileFailed(str(exc)) from None
            except Exception as exc:  # a parser bug must not stop a migration of 100,000 files
                message = (
                    f"{file.locator}: unexpected {type(exc).__name__} ({exc}); please report it"
                )
                raise _FileFailed(message) from exc
        except _FileFailed as failure:
            return _failed(file, failure)
        drafts = [
            with_archive_fields(_without_repeated_relations(draft), file.locator, self.archive)
            for draft in parsed.drafts
        ]
        return _Parsed(parsed.format, drafts, dict(parsed.skipped), parsed.dates)


@dataclass(frozen=True, slots=True)
class _Pool:
    """Worker processes reading files, and how many there are."""

    executor: ProcessPoolExecutor
    workers: int


@contextmanager
def _reading_pool(workers: int) -> Iterator[_Pool | None]:
    """Worker processes that read files, or None to read in this process (one worker)."""
    if workers <= 1:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as executor:
        yield _Pool(executor, workers)


def _reads(
    reader: _Reader, groups: Iterable[list[SourceFile]], pool: _Pool | None
) -> Iterator[tuple[list[SourceFile], list[_Read]]]:
    """Each group of files with what reading it gave, read ahead by ``pool``'s processes.

    At most two groups per worker are read ahead of the writes, so memory stays bounded
    whatever the number of files. Without a pool everything is read in this process.
    """
    if pool is None:
        for group in groups:
            yield group, reader.read_group(group)
        return
    ahead: deque[tuple[list[SourceFile], Future[list[_Read]]]]
    ahead = deque()
    for group in groups:
        ahead.append((group, pool.executor.submit(reader.read_group, group)))
        if len(ahead) > 2 * pool.workers:
            done, future = ahead.popleft()
            yield done, future.result()
    while ahead:
        done, future = ahead.popleft()
        yield done, future.result()


class _Importer:
    """Imports files one by one into a store, with the same format, options and mode."""

    def __init__(
        self,
        store: Store,
        format: str,
        options: ImportOptions,
        *,
        dry_run: bool,
        max_file_size: int,
        archive: ArchiveOptions = DEFAULT_ARCHIVE,
    ) -> None:
        self.store = store
        self.format = format
        self.options = options
        self.dry_run = dry_run
        self.max_file_size = max_file_size
        self.archive = archive
        # Pass one sets aside the pages only the corpus can date; pass two reads them.
        self.defer = options.date_order is DateOrder.INFER
        self.deferred: list[SourceFile] = []
        self.votes: list[DateVote] = []
        self.created_votes: list[DateVote] = []
        self.coded = CodedTags(archive)
        self.url_conflicts: list[LegacyUrlConflict] = []

    def run_group(
        self, files: Sequence[SourceFile], reads: Sequence[_Read] | None = None
    ) -> list[FileResult]:
        """Import ``files`` in one transaction, or each in its own if one is refused.

        Bad input never raises: a file that cannot be read, parsed or stored is a
        failed result, and nothing of it is stored.
        The new articles of the whole group are created together (``create_many``);
        the outcome of every file is the one ``run`` would report. ``reads`` are the
        files already read (by worker processes); pages only the corpus can date are
        set aside (``deferred``) while the first pass counts the batch's dates.
        """
        if reads is None:
            reads = [self.reader().read(file) for file in files]
        read: list[tuple[SourceFile, _Parsed | FileResult]] = []
        for file, r in zip(files, reads, strict=True):
            if isinstance(r, _Deferred):
                self.votes.extend(r.votes)
                self.deferred.append(file)
                continue
            if isinstance(r, _Parsed) and self.defer:
                self.votes.extend(r.dates)
            read.append((file, r))
        parsed = [(file, r) for file, r in read if not isinstance(r, FileResult)]
        written: dict[str, FileResult] = {}
        if not self.dry_run and len(parsed) > 1:
            try:
                written = self._write_group(parsed)
            except SchemaError:
                raise
            except (NewsCMSError, _DraftRefused):
                written = {}  # rolled back: each file on its own says which one failed
        results = [
            r if isinstance(r, FileResult) else written.get(file.locator) or self._store(file, r)
            for file, r in read
        ]
        for (_file, r), result in zip(read, results, strict=True):
            if isinstance(r, _Parsed) and any(i.outcome == "created" for i in result.items):
                self.created_votes.extend(r.dates)
        return results

    def reader(self) -> _Reader:
        """What reads and parses this import's files, in this process or a worker."""
        return _Reader(self.format, self.options, self.archive, self.max_file_size, self.defer)

    def _store(self, file: SourceFile, parsed: _Parsed) -> FileResult:
        """Write (or, in a dry run, plan) one file's drafts in one transaction."""
        drafts = parsed.drafts
        try:
            if self.dry_run:
                items, resolved = self._plan(file.locator, parsed.format, drafts), 0
            else:
                items, resolved = self._write(file.locator, parsed.format, drafts)
        except SchemaError:
            raise  # no file can be imported until the schema is migrated
        except _DraftRefused as refused:
            message = _naming(refused.error, _locator_of(refused.draft, file.locator))
            if len(drafts) > 1:
                message += f" (the file's {len(drafts) - 1} other articles were not imported)"
            return _failed(file, _FileFailed(message, parsed.format))
        except NewsCMSError as exc:  # the transaction itself failed (commit, connection)
            return _failed(file, _FileFailed(_naming(exc, file.locator), parsed.format))
        return FileResult(file.locator, parsed.format, tuple(items), parsed.skipped, resolved)

    def _write_group(self, files: Sequence[tuple[SourceFile, _Parsed]]) -> dict[str, FileResult]:
        """Write several files in one transaction, their new articles in one batch."""
        results: dict[str, FileResult] = {}
        urls: list[tuple[UUID, str]] = []
        with self._transaction() as uow:
            drafts = [self._coded(uow, d) for _, parsed in files for d in parsed.drafts]
            stored = uow.articles.stored_of(drafts)
            new = [d for d, known in zip(drafts, stored, strict=True) if not known]
            created = dict(zip(map(id, new), uow.articles.create_many(new), strict=True))
            incoming = uow.relations.count_incoming([a.id for a in created.values()])
            coded = iter(drafts)
            for file, parsed in files:
                items: list[ImportItem] = []
                resolved = 0
                for draft in (next(coded) for _ in parsed.drafts):
                    article = created.get(id(draft))
                    if article is None:
                        try:
                            outcome, article, resolved_here = self._write_one(uow, draft)
                        except NewsCMSError as exc:
                            raise _DraftRefused(draft, exc) from None
                    else:
                        outcome = "created"
                        resolved_here = incoming.get(article.id, 0) + sum(
                            r.target is not None for r in article.relations
                        )
                    resolved += resolved_here
                    item = self._item(file.locator, parsed.format, outcome, draft, article)
                    urls.extend((article.id, url) for url in item.legacy_urls)
                    items.append(item)
                results[file.locator] = FileResult(
                    file.locator, parsed.format, tuple(items), parsed.skipped, resolved
                )
            conflicts = uow.legacy_urls.add_many(urls)
        self.url_conflicts.extend(conflicts)
        return results

    def _write(
        self, file: str, format: str, drafts: Sequence[ArticleDraft]
    ) -> tuple[list[ImportItem], int]:
        items: list[ImportItem] = []
        resolved = 0
        with self._transaction() as uow:
            for draft in drafts:
                try:
                    outcome, article, resolved_here = self._write_one(uow, self._coded(uow, draft))
                except SchemaError:
                    raise
                except NewsCMSError as exc:
                    raise _DraftRefused(draft, exc) from None
                resolved += resolved_here
                items.append(self._item(file, format, outcome, draft, article))
            urls = [(i.article_id, url) for i in items if i.article_id for url in i.legacy_urls]
            conflicts = uow.legacy_urls.add_many(urls)
        self.url_conflicts.extend(conflicts)
        return items, resolved

    @contextmanager
    def _transaction(self) -> Iterator[UnitOfWork]:
        """A unit of work for writes; the coded tags it found are kept once it commits."""
        try:
            with self.store.session(actor=IMPORT_ACTOR) as uow:
                yield uow
        except BaseException:
            self.coded.rolled_back()
            raise
        self.coded.committed()

    def _coded(self, uow: UnitOfWork, draft: ArticleDraft) -> ArticleDraft:
        """The draft with its tags that have a code (places) named by their one tag's id."""
        return self.coded.of(uow, draft)

    def _write_one(self, uow: UnitOfWork, draft: ArticleDraft) -> tuple[Outcome, Article, int]:
        """Create or update the article of one draft; returns relations it resolved too."""
        stored = _find(uow, draft)
        if stored is None:
            article = uow.articles.create(draft)
            resolved = sum(relation.target is not None for relation in article.relations)
            # Every relation pointing at a new article was pending until this create.
            resolved += len(uow.relations.incoming(article.id))
            return "created", article, resolved
        plan = self._resync(uow, stored, draft)
        if plan is None:
            return "unchanged", stored, 0
        return _apply(uow, stored, plan)

    def _plan(self, file: str, format: str, drafts: Sequence[ArticleDraft]) -> list[ImportItem]:
        items: list[ImportItem] = []
        with self.store.session(readonly=True) as uow:
            for draft in drafts:
                try:
                    stored = _find(uow, draft)
                    if stored is None:
                        items.append(self._item(file, format, "created", draft, None))
                        continue
                    plan = self._resync(uow, stored, draft)
                except SchemaError:
                    raise
                except NewsCMSError as exc:
                    raise _DraftRefused(draft, exc) from None
                outcome: Outcome = "unchanged" if plan is None else "updated"
                items.append(self._item(file, format, outcome, draft, stored))
        return items

    def _resync(self, uow: UnitOfWork, stored: Article, draft: ArticleDraft) -> ResyncPlan | None:
        """What a re-import of ``draft`` changes on ``stored`` (reads only); None for nothing."""
        return plan_resync(
            stored, draft, slugifier=self.store.settings.slugifier, target_url=_TargetUrls(uow)
        )

    def _item(
        self,
        file: str,
        format: str,
        outcome: Outcome,
        draft: ArticleDraft,
        article: Article | None,
    ) -> ImportItem:
        """One draft's item: the stored article's id, slug and group (the draft's in a plan)."""
        return ImportItem(
            file,
            outcome,
            source=_locator_of(draft, file),
            format=format,
            article_id=article.id if article is not None else draft.id,
            slug=article.slug if article is not None else draft.slug,
            translation_group=(article or draft).translation_group,
            legacy_urls=self.archive.legacy_urls(format, file, draft),
        )


def _locator_of(draft: ArticleDraft, file: str) -> str:
    return draft.source.locator if draft.source is not None else file


def _naming(error: NewsCMSError, locator: str) -> str:
    """The error's message, prefixed with the locator unless it already names it."""
    text = str(error)
    return text if text.startswith(locator) else f"{locator}: {text}"


def _without_repeated_relations(draft: ArticleDraft) -> ArticleDraft:
    """The draft with each relation once: a list naming a story twice keeps it once."""
    unique = tuple(dict.fromkeys(draft.relations))
    if len(unique) == len(draft.relations):
        return draft
    return draft.model_copy(update={"relations": unique})


def _find(uow: UnitOfWork, draft: ArticleDraft) -> Article | None:
    """The article an earlier import of this draft's source stored, if any.

    A draft that carries its own id (a ninjs document newscms wrote) also finds the
    article with that id, so a site's own export comes back onto the same articles.

    Raises:
        ImportFailure: The stored article is in another locale (articles cannot move).
    """
    stored = uow.articles.find_by_source(draft.source) if draft.source is not None else None
    if stored is None and draft.id is not None:
        try:
            stored = uow.articles.get(draft.id)
        except NotFoundError:
            return None
    if stored is not None and stored.locale != draft.locale:
        raise ImportFailure(
            f"was imported in {stored.locale} and now reads as {draft.locale}; an article "
            f"cannot change locale: import it with --locale {stored.locale}, or delete the "
            "stored article first",
            source=_locator_of(draft, "the source"),
        )
    return stored


# -- re-imports: making the stored article say what the source says ----------------------


def _apply(uow: UnitOfWork, stored: Article, plan: ResyncPlan) -> tuple[Outcome, Article, int]:
    """Write a re-import's plan; returns the outcome, the article and the relations it resolved."""
    article, resolved = stored, 0
    if plan.changes:
        watched = bool(_MATCHED_FIELDS & plan.changes.keys())
        before = len(uow.relations.incoming(stored.id)) if watched else 0
        patch = ArticlePatch(expected_version=stored.version, **plan.changes)
        article = uow.articles.update(stored.id, patch)
        if watched:
            resolved += len(uow.relations.incoming(stored.id)) - before
    for relation in plan.remove:
        uow.relations.remove(relation.id)
    ids = dict(plan.kept)
    for index, wanted in plan.add:
        added = uow.relations.add(stored.id, wanted)
        ids[index] = added.id
        resolved += added.target is not None
    if plan.reorder:
        owned = [ids[index] for index in sorted(ids)]
        current = [relation.id for relation in uow.relations.outgoing(stored.id)]
        uow.relations.reorder(stored.id, [*owned, *(i for i in current if i not in owned)])
    # The store writes nothing for a patch that changes nothing it stores (a tag
    # named by a former slug is the same tag): then the article is unchanged.
    wrote = article.version != stored.version or bool(plan.add or plan.remove or plan.reorder)
    return ("updated" if wrote else "unchanged"), article, resolved


class _TargetUrls:
    """Canonical URLs of relation targets, read on demand (an article ref does not carry it)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.known: dict[UUID, str | None] = {}

    def __call__(self, article_id: UUID) -> str | None:
        if article_id not in self.known:
            self.known[article_id] = self.uow.articles.get(article_id).canonical_url
        return self.known[article_id]
