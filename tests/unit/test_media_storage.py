"""Media storage without a database: keys, LocalDirectoryStorage, and what store_image writes.

``store_image`` runs here against an in-memory media repository, to prove what reaches
the storage and in which order; tests/store/test_media_service.py runs it on the store.
"""

from __future__ import annotations

import io
import os
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from newscms.domain import MediaDraft, MediaItem
from newscms.errors import DuplicateError, NotFoundError, ValidationError
from newscms.services.media import (
    LocalDirectoryStorage,
    MediaStorage,
    check_key,
    content_key,
    rendition_key,
    store_image,
)

BASE = "https://cdn.example.com/media/"


@pytest.fixture
def storage(tmp_path: Path) -> LocalDirectoryStorage:
    return LocalDirectoryStorage(tmp_path / "media", BASE)


def files(root: Path) -> list[str]:
    """Every file under ``root``, as keys."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


def jpeg(size: tuple[int, int] = (1600, 900), colour: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


# -- keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "../x",
        "a/../../x",
        "a/..",
        "..",
        "/etc/passwd",
        "//cdn/x",
        "a//b",
        "./x",
        "a/./b",
        "a/",
        "",
        "a b.jpg",
        "a\x00b.jpg",
        "a\nb.jpg",
        "..\\x",
        "C:\\x.jpg",
        "x" * 501,
        "caffè.jpg",
    ],
)
def test_a_key_that_is_not_a_relative_file_path_is_refused(key, storage, tmp_path):
    with pytest.raises(ValidationError) as caught:
        check_key(key)
    assert caught.value.field == "key"
    for attempt in (
        lambda: storage.put(key, b"x", mime_type="image/jpeg"),
        lambda: storage.open(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
        lambda: storage.url(key),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert files(tmp_path) == []


@pytest.mark.parametrize("key", ["a.jpg", "ab/cd/ef.jpg", "...", "a..b/c.jpg", ".hidden", "x~y"])
def test_relative_keys_are_taken_as_they_are(key):
    assert check_key(key) == key


def test_content_keys_are_the_hash_in_two_directory_levels():
    key = content_key(b"the same bytes", ".jpg")
    assert key == content_key(b"the same bytes", ".jpg")
    assert key != content_key(b"other bytes", ".jpg")
    first, second, name = key.split("/")
    assert name.startswith(first + second)
    assert len(name) == 32 + len(".jpg")
    assert check_key(key) == key


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("ab/cd/abcd.jpg", "ab/cd/abcd-w640.jpg"),
        ("photos/beijing.jpeg", "photos/beijing-w640.jpg"),
        ("no-extension", "no-extension-w640.jpg"),
        ("anim.gif", "anim-w640.png"),
    ],
)
def test_rendition_keys_sit_beside_the_original(key, expected):
    extension = ".png" if key.endswith(".gif") else ".jpg"
    assert rendition_key(key, "w640", extension) == expected


SEGMENT_CHARS = "abcXYZ019._~!$&'()*+,;=:@-"


@settings(max_examples=200)
@given(
    st.text(alphabet=st.sampled_from([*SEGMENT_CHARS, "/", "\\", " ", "é", "\x00"]), max_size=40)
)
def test_any_key_accepted_names_a_file_inside_the_root(key):
    root = Path("/srv/media")
    storage = LocalDirectoryStorage(root, BASE)
    try:
        check_key(key)
    except ValidationError as error:
        refused: ValidationError | None = error
    else:
        refused = None
    if refused is not None:
        assert refused.field == "key"
        return
    segments = key.split("/")
    assert not key.startswith("/")
    assert all(s not in ("", ".", "..") for s in segments)
    path = storage.path(key)
    assert path.is_relative_to(root)
    assert path != root
    assert unquote(storage.url(key).removeprefix(BASE)) == key


@settings(max_examples=100)
@given(
    st.lists(
        st.text(alphabet=SEGMENT_CHARS, min_size=1, max_size=12).filter(
            lambda s: s not in (".", "..")
        ),
        min_size=1,
        max_size=5,
    )
)
def test_keys_made_of_real_segments_are_accepted(segments):
    key = "/".join(segments)
    assert check_key(key) == key


# -- LocalDirectoryStorage ----------------------------------------------------------------


def test_put_open_exists_delete_and_url(storage, tmp_path):
    implements: MediaStorage = storage  # the protocol, checked by mypy on the tests too
    implements.put("ab/cd/photo.jpg", b"first", mime_type="image/jpeg")
    assert storage.open("ab/cd/photo.jpg") == b"first"
    assert storage.exists("ab/cd/photo.jpg")
    assert not storage.exists("ab/cd")  # a directory is no file
    assert not storage.exists("ab/cd/other.jpg")
    storage.put("ab/cd/photo.jpg", b"second", mime_type="image/jpeg")
    assert (tmp_path / "media/ab/cd/photo.jpg").read_bytes() == b"second"
    assert storage.url("ab/cd/photo.jpg") == BASE + "ab/cd/photo.jpg"
    storage.delete("ab/cd/photo.jpg")
    storage.delete("ab/cd/photo.jpg")  # gone already: no error
    assert not storage.exists("ab/cd/photo.jpg")
    with pytest.raises(NotFoundError, match="no media file"):
        storage.open("ab/cd/photo.jpg")
    with pytest.raises(NotFoundError):
        storage.open("ab")  # a directory
    assert files(tmp_path) == []


def test_urls_quote_what_a_url_path_must_not_hold_raw():
    storage = LocalDirectoryStorage("/srv/media", "https://cdn.example.com/m")
    assert storage.base_url == "https://cdn.example.com/m/"
    assert storage.url("a@b/c(1)+d.jpg") == "https://cdn.example.com/m/a%40b/c%281%29%2Bd.jpg"


@pytest.mark.parametrize(
    "base_url",
    ["/media/", "ftp://cdn.example.com/", "cdn.example.com/media", "https:///x", "https://a/?v=1"],
)
def test_a_base_url_must_be_an_absolute_http_url(base_url):
    with pytest.raises(ValidationError) as caught:
        LocalDirectoryStorage("/srv/media", base_url)
    assert caught.value.field == "base_url"


def test_files_get_the_umask_permissions_and_no_scratch_file_stays(storage, tmp_path):
    umask = os.umask(0o022)
    try:
        storage.put("a/b.jpg", b"data", mime_type="image/jpeg")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "media/a/b.jpg").stat().st_mode) == 0o644
    assert files(tmp_path) == ["media/a/b.jpg"]


def test_a_failed_write_leaves_the_previous_file_whole(storage, tmp_path, monkeypatch):
    storage.put("a.jpg", b"previous", mime_type="image/jpeg")

    def full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ValidationError, match="No space left on device") as caught:
        storage.put("a.jpg", b"new bytes", mime_type="image/jpeg")
    assert caught.value.field == "storage"
    assert (tmp_path / "media/a.jpg").read_bytes() == b"previous"
    assert files(tmp_path) == ["media/a.jpg"]


def test_a_symbolic_link_out_of_the_root_is_not_followed(storage, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret")
    root = tmp_path / "media"
    root.mkdir()
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "leak.jpg").symlink_to(outside / "secret.txt")
    for key in ("escape/new.jpg", "escape/deeper/new.jpg", "escape/secret.txt", "leak.jpg"):
        with pytest.raises(ValidationError, match="leads out of the storage directory"):
            storage.put(key, b"x", mime_type="image/jpeg")
        with pytest.raises(ValidationError):
            storage.open(key)
        with pytest.raises(ValidationError):
            storage.delete(key)
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (outside / "secret.txt").read_bytes() == b"secret"


def test_a_symbolic_link_inside_the_root_and_a_linked_root_are_fine(tmp_path):
    real = tmp_path / "real"
    (real / "photos").mkdir(parents=True)
    (real / "latest").symlink_to(real / "photos", target_is_directory=True)
    linked = tmp_path / "linked"
    linked.symlink_to(real, target_is_directory=True)
    storage = LocalDirectoryStorage(linked, BASE)
    storage.put("latest/a.jpg", b"x", mime_type="image/jpeg")
    assert (real / "photos/a.jpg").read_bytes() == b"x"
    assert storage.open("photos/a.jpg") == b"x"


def test_a_key_under_a_file_is_a_storage_error(storage):
    storage.put("a.jpg", b"x", mime_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        storage.put("a.jpg/b.jpg", b"x", mime_type="image/jpeg")
    assert caught.value.field == "storage"


# -- store_image, on an in-memory repository ------------------------------------------------


class MemoryMedia:
    """``uow.media`` as store_image sees it, in a dict."""

    def __init__(self) -> None:
        self.items: dict[str, MediaItem] = {}

    def create(self, draft: MediaDraft, /) -> MediaItem:
        assert draft.url not in self.items
        now = datetime(2026, 1, 15, tzinfo=UTC)
        item = MediaItem(
            **draft.model_dump(exclude={"id"}),
            id=uuid.uuid4(),
            created_at=now,
            updated_at=now,
            version=1,
        )
        self.items[item.url] = item
        return item

    def find_by_url(self, url: str, /) -> MediaItem | None:
        return self.items.get(url)

    def find_or_create(self, draft: MediaDraft, /) -> MediaItem:
        found = self.items.get(draft.url)
        if found is None:
            return self.create(draft)
        texts = {"alt": {**draft.alt, **found.alt}, "caption": {**draft.caption, **found.caption}}
        if texts == {"alt": found.alt, "caption": found.caption}:
            return found
        updated = found.model_copy(update={**texts, "version": found.version + 1})
        self.items[updated.url] = updated
        return updated


class MemoryUnit:
    def __init__(self) -> None:
        self.media = MemoryMedia()


class Recording(LocalDirectoryStorage):
    """A local storage that remembers the order of its writes."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, BASE)
        self.puts: list[str] = []

    def put(self, key: str, data: bytes, *, mime_type: str) -> None:
        super().put(key, data, mime_type=mime_type)
        self.puts.append(key)


def test_store_image_writes_renditions_then_the_original_under_its_content_key(tmp_path):
    storage, uow = Recording(tmp_path / "media"), MemoryUnit()
    data = jpeg()
    item = store_image(uow, data, storage=storage, crops={"1x1": (1, 1)}, alt={"en": "Navy"})
    key = content_key(data, ".jpg")
    stem = key.removesuffix(".jpg")
    renditions = [f"{stem}-{name}.jpg" for name in ("w320", "w640", "w1280", "1x1")]
    assert storage.puts == [*renditions, key]
    assert storage.open(key) == data
    assert (item.url, item.storage_key, item.mime_type) == (BASE + key, key, "image/jpeg")
    assert (item.width, item.height, item.alt) == (1600, 900, {"en": "Navy"})
    assert [(r.name, r.width, r.height, r.url) for r in item.renditions] == [
        ("w320", 320, 180, f"{BASE}{stem}-w320.jpg"),
        ("w640", 640, 360, f"{BASE}{stem}-w640.jpg"),
        ("w1280", 1280, 720, f"{BASE}{stem}-w1280.jpg"),
        ("1x1", 900, 900, f"{BASE}{stem}-1x1.jpg"),
    ]


def test_the_same_bytes_again_write_nothing_and_add_only_missing_texts(tmp_path):
    storage, uow = Recording(tmp_path / "media"), MemoryUnit()
    data = jpeg()
    first = store_image(uow, data, storage=storage, alt={"en": "Navy"}, credit="AFP")
    written = list(storage.puts)
    again = store_image(
        uow, data, storage=storage, alt={"en": "Changed", "it": "Blu"}, credit="Reuters"
    )
    assert storage.puts == written
    assert again.id == first.id
    assert again.alt == {"en": "Navy", "it": "Blu"}
    assert again.credit == "AFP"
    assert again.version == 2
    assert store_image(uow, data, storage=storage).version == 2  # nothing new: no write
    assert len(uow.media.items) == 1


@pytest.mark.parametrize(
    ("data", "options", "field"),
    [
        (b"GIF89a but not really", {}, "data"),
        (jpeg(), {"alt": {"xx-not-a-locale-at-all": "Navy"}}, "alt"),
        (jpeg(), {"caption": {"en": "   "}}, "caption.en"),
        (jpeg(), {"key": "../escape.jpg"}, "key"),
        (jpeg(), {"key": "photo.png"}, "key"),
        (jpeg(), {"crops": {"bad name!": (1, 1)}}, "crops.bad name!"),
        (jpeg(), {"renditions": (0,)}, "widths"),
    ],
)
def test_nothing_is_stored_when_the_bytes_or_the_description_are_refused(
    tmp_path, data, options, field
):
    storage, uow = Recording(tmp_path / "media"), MemoryUnit()
    with pytest.raises(ValidationError) as caught:
        store_image(uow, data, storage=storage, **options)
    assert (caught.value.field or "").startswith(field)
    assert storage.puts == []
    assert files(tmp_path) == []
    assert uow.media.items == {}


def test_an_explicit_key_keeps_its_name_and_gets_renditions_beside_it(tmp_path):
    storage, uow = Recording(tmp_path / "media"), MemoryUnit()
    data = jpeg((800, 600))
    item = store_image(uow, data, storage=storage, key="2012/06/kaesong.jpeg")
    assert storage.puts == [
        "2012/06/kaesong-w320.jpg",
        "2012/06/kaesong-w640.jpg",
        "2012/06/kaesong.jpeg",
    ]
    assert item.url == BASE + "2012/06/kaesong.jpeg"
    # The same bytes under the same key: the stored item.
    assert store_image(uow, data, storage=storage, key="2012/06/kaesong.jpeg").id == item.id
    # Other bytes under it: refused, and the stored file is left alone.
    with pytest.raises(DuplicateError, match="other bytes"):
        store_image(uow, jpeg((800, 600), "red"), storage=storage, key="2012/06/kaesong.jpeg")
    assert storage.open("2012/06/kaesong.jpeg") == data


def test_no_renditions_when_asked_for_none_or_the_picture_is_small(tmp_path):
    storage, uow = Recording(tmp_path / "media"), MemoryUnit()
    assert store_image(uow, jpeg(), storage=storage, renditions=None).renditions == ()
    assert store_image(uow, jpeg((300, 200)), storage=storage).renditions == ()
    assert len(storage.puts) == 2
