"""Media files: where the bytes go, and the job that stores an image and describes it.

newscms stores what a page needs to show a picture (``MediaItem``: URL, type, size,
texts, renditions), never the bytes. The bytes go to a ``MediaStorage`` the host
chooses: ``LocalDirectoryStorage`` for a directory a web server publishes, or a few
lines over an object store (docs/media.md shows one over S3).

``store_image(uow, data, storage=...)`` is the whole job: it reads the bytes with Pillow
(``probe_image``), makes the renditions (``make_renditions``), writes them and the
original under a key derived from the content, and creates the media item; the same
bytes stored again return the item already stored.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from contextlib import suppress
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote, urlsplit

import pydantic

from newscms.domain.media import MediaDraft, Rendition, StorageKey
from newscms.errors import DuplicateError, NotFoundError, ValidationError
from newscms.services._images import (
    DEFAULT_WIDTHS,
    FORMATS,
    MAX_PIXELS,
    ImageInfo,
    RenderedImage,
    analyse,
    as_focal_point,
    make_renditions,
    probe_image,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from newscms.domain.media import FocalPoint, MediaItem

__all__ = [
    "DEFAULT_WIDTHS",
    "MAX_PIXELS",
    "ImageInfo",
    "LocalDirectoryStorage",
    "MediaRepository",
    "MediaStorage",
    "MediaUnit",
    "RenderedImage",
    "check_key",
    "content_key",
    "make_renditions",
    "probe_image",
    "rendition_key",
    "store_image",
]


class MediaStorage(Protocol):
    """Where media bytes live, by key; newscms keeps only the key and the URL.

    A key is a relative path of URL-safe characters without ``..`` segments (the
    domain's ``StorageKey``; ``check_key`` applies it). ``put`` replaces whatever the
    key held; ``delete`` of a missing key is no error.
    """

    def put(self, key: str, data: bytes, *, mime_type: str) -> None:
        """Store ``data`` under ``key``, whole or not at all."""

    def open(self, key: str) -> bytes:
        """The bytes under ``key``; ``NotFoundError`` when there are none."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds bytes."""

    def delete(self, key: str) -> None:
        """Remove ``key`` (nothing happens when it is missing)."""

    def url(self, key: str) -> str:
        """The public http(s) URL readers fetch ``key`` from."""


class MediaRepository(Protocol):
    """What ``store_image`` needs of ``uow.media``."""

    def create(self, draft: MediaDraft, /) -> MediaItem:
        """Store a new media item."""

    def find_by_url(self, url: str, /) -> MediaItem | None:
        """The media item at ``url``, if one is stored."""

    def find_or_create(self, draft: MediaDraft, /) -> MediaItem:
        """The item stored for the draft's URL (given texts it lacked), else a new one."""


class MediaUnit(Protocol):
    """A unit of work with a media repository (``store.session()`` gives one)."""

    @property
    def media(self) -> MediaRepository:
        """The media items of this unit of work."""


# -- keys ------------------------------------------------------------------------------

_KEY = pydantic.TypeAdapter(StorageKey)
_HASH_CHARS = 32  # 128 bits of SHA-256: no two different files meet in a media library


def check_key(key: str) -> str:
    """``key`` if it is a storage key (a relative, URL-safe path without ``..``).

    It is the domain's ``StorageKey`` rule, and a file's: no empty or ``.`` segment.

    Raises:
        ValidationError: ``field="key"``, with what to change.
    """
    try:
        checked = _KEY.validate_python(key)
    except pydantic.ValidationError as exc:
        raise ValidationError.from_pydantic(exc, prefix="key") from None
    if checked != key:  # the text check cleaned something out: the key is not what it says
        raise ValidationError(
            f"{key!r} is not a storage key: it has spaces or control characters", field="key"
        )
    if any(part in ("", ".") for part in key.split("/")):
        raise ValidationError(
            f"{key!r} is not a file's key: every '/'-separated part must name something",
            field="key",
        )
    return checked


def content_key(data: bytes, extension: str) -> str:
    """The key of ``data`` named by its content: ``ab/cd/abcd…(32 hex).jpg``.

    The same bytes always get the same key, so storing them again writes the same file
    and finds the same media item; the two directory levels keep any directory to a few
    hundred files.
    """
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest[:_HASH_CHARS]}{extension}"


def rendition_key(key: str, name: str, extension: str) -> str:
    """The key of rendition ``name`` beside the original: ``ab/cd/abcd-w640.jpg``."""
    path = PurePosixPath(key)
    return str(path.with_name(f"{path.stem}-{name}{extension}"))


# -- a local directory -----------------------------------------------------------------


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValidationError(
            f"{value!r} is not a base URL; give the absolute http(s) URL the directory is "
            "published at, like https://cdn.example.com/media/",
            field="base_url",
        )
    return value if value.endswith("/") else f"{value}/"


class LocalDirectoryStorage:
    """Media files in a directory under ``root``, published by a web server at ``base_url``.

    Files are written beside their destination and renamed into place once synced, so a
    reader never sees half a file and a failed write leaves the previous one; missing
    directories are created with the umask's permissions. A key never reaches outside
    ``root``: ``..`` is refused by the key rule, and a key whose path leads through a
    symbolic link out of ``root`` is refused too. ``mime_type`` is not kept: a web server
    tells the type from the file's extension.

    Args:
        root: the directory (created on the first write).
        base_url: the URL ``root`` is published at; ``url(key)`` is it plus the quoted key.
    """

    def __init__(self, root: Path | str, base_url: str) -> None:
        self.root = Path(root)
        self.base_url = _base_url(base_url)

    def __repr__(self) -> str:
        return f"LocalDirectoryStorage({str(self.root)!r}, {self.base_url!r})"

    def path(self, key: str) -> Path:
        """The file ``key`` names, every symbolic link resolved, checked to be inside root.

        Raises:
            ValidationError: ``field="key"``: not a storage key, or it leads out of root.
        """
        parts = check_key(key).split("/")
        root = self.root.resolve()
        resolved = root.joinpath(*parts).resolve()
        if resolved == root or not resolved.is_relative_to(root):
            raise ValidationError(
                f"{key!r} leads out of the storage directory {str(root)!r} "
                "(through a symbolic link)",
                field="key",
            )
        return resolved

    def put(self, key: str, data: bytes, *, mime_type: str) -> None:
        """Write ``data`` to the file of ``key``, atomically."""
        path = self.path(key)
        scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A directory swapped for a link between the check and the mkdir: refuse.
            if path.parent.resolve() != path.parent:
                raise ValidationError(f"{key!r} changed under the storage directory", field="key")
            # open() rather than tempfile: the file gets the umask's permissions, as a
            # file a web server publishes must.
            with scratch.open("xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            scratch.replace(path)
        except OSError as error:
            with suppress(OSError):
                scratch.unlink(missing_ok=True)
            raise ValidationError(
                f"cannot write {key!r} under {str(self.root)!r}: {error.strerror or error}",
                field="storage",
            ) from None
        except BaseException:
            with suppress(OSError):
                scratch.unlink(missing_ok=True)
            raise
        _sync_directory(path.parent)

    def open(self, key: str) -> bytes:
        """The bytes of the file of ``key``."""
        path = self.path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFoundError(
                f"no media file {key!r} under {str(self.root)!r}", kind="media file", key=key
            ) from None

    def exists(self, key: str) -> bool:
        """Whether the file of ``key`` exists."""
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file of ``key``; its directories stay."""
        path = self.path(key)
        with suppress(FileNotFoundError):
            path.unlink()

    def url(self, key: str) -> str:
        """``base_url`` followed by the key, percent-quoted."""
        return self.base_url + quote(check_key(key), safe="/")


def _sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable; a file system that cannot is left as it is."""
    with suppress(OSError, AttributeError):  # AttributeError: no O_DIRECTORY (Windows)
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# -- the job -----------------------------------------------------------------------------

_EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    **{fmt.extension: fmt.mime_type for fmt in FORMATS.values()},
}


def _check_extension(key: str, info: ImageInfo) -> None:
    """Refuse a key whose extension names another image type than the bytes are."""
    claimed = _EXTENSIONS.get(PurePosixPath(key).suffix.lower())
    if claimed is not None and claimed != info.mime_type:
        raise ValidationError(
            f"{key!r} names a {claimed} file, but the bytes are {info.mime_type}; "
            f"end the key in {info.extension}",
            field="key",
        )


def _holds(storage: MediaStorage, key: str, data: bytes) -> bool:
    try:
        return storage.exists(key) and storage.open(key) == data
    except NotFoundError:
        return False


def store_image(
    uow: MediaUnit,
    data: bytes,
    *,
    storage: MediaStorage,
    key: str | None = None,
    alt: Mapping[str, str] | None = None,
    caption: Mapping[str, str] | None = None,
    credit: str | None = None,
    copyright_holder: str | None = None,
    focal_point: FocalPoint | tuple[float, float] | None = None,
    renditions: Sequence[int] | None = DEFAULT_WIDTHS,
    crops: Mapping[str, tuple[int, int]] | None = None,
) -> MediaItem:
    """Store an image's bytes and renditions in ``storage`` and its description in ``uow``.

    The bytes are read whole first (``probe_image``): what Pillow cannot read, or a
    text that the domain refuses, stores nothing anywhere. Without ``key``, the key is
    derived from the content (``content_key``: ``ab/cd/<sha256>.jpg``); renditions go
    beside the original (``ab/cd/<sha256>-w640.jpg``, ``...-16x9.jpg``), written before
    it, so an original in the storage means its renditions are there too.

    When an item with the same URL is stored already, it is returned and nothing is
    written to the storage: storing the same bytes again is harmless. It gains the
    ``alt`` and ``caption`` texts of locales it had none in, as when an article
    attaches a draft of a stored URL; its other fields and texts are kept (change them
    with ``uow.media.update``). With an explicit ``key`` already stored, the storage must
    hold the same bytes under it; other bytes are a ``DuplicateError``.

    If the database write fails (or the unit of work rolls back), the files written stay
    in the storage: with a content-derived key that is harmless, since storing the same
    bytes again writes the same files and creates the item then.

    Args:
        uow: the unit of work (``with store.session() as uow``).
        data: the image file's bytes (JPEG, PNG, GIF, WebP, AVIF where Pillow has it).
        storage: where the files go.
        key: the original's key instead of the content-derived one.
        alt: alternative text per locale.
        caption: caption per locale.
        credit: the credit line shown with the picture.
        copyright_holder: who holds the rights.
        focal_point: what crops keep, as fractions of width and height from the top left.
        renditions: widths of the downscaled copies (none larger than the original).
        crops: aspect crops by rendition name: ``{"16x9": (16, 9), "1x1": (1, 1)}``.

    Returns:
        The media item created, or the one already stored with that URL.

    Raises:
        ValidationError: bytes that are not a readable image (``field="data"``), a bad
            key, rendition setting or text, or a storage that cannot be written.
        DuplicateError: ``key`` is stored already with other bytes.
    """
    point = as_focal_point(focal_point)
    info, rendered = analyse(data, widths=renditions or (), crops=crops, focal_point=point)
    derived = key is None
    if key is None:
        key = content_key(bytes(data), info.extension)
    else:
        check_key(key)
        _check_extension(key, info)
    files = [(check_key(rendition_key(key, r.name, r.extension)), r) for r in rendered]
    draft = MediaDraft(
        url=storage.url(key),
        storage_key=key,
        mime_type=info.mime_type,
        width=info.width,
        height=info.height,
        alt=alt or {},
        caption=caption or {},
        credit=credit,
        copyright_holder=copyright_holder,
        focal_point=point,
        renditions=tuple(
            Rendition(
                name=r.name,
                url=storage.url(file_key),
                width=r.width,
                height=r.height,
                mime_type=r.mime_type,
            )
            for file_key, r in files
        ),
    )
    found = uow.media.find_by_url(draft.url)
    if found is not None:
        if not derived and not _holds(storage, key, bytes(data)):
            raise DuplicateError(
                f"media {found.id} is stored at {draft.url} with other bytes than these; "
                "store them under another key, or update that item"
            )
        return uow.media.find_or_create(draft)  # gains the texts of locales it lacked
    for file_key, rendition in files:
        storage.put(file_key, rendition.data, mime_type=rendition.mime_type)
    storage.put(key, bytes(data), mime_type=info.mime_type)
    return uow.media.create(draft)
