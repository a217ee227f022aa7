"""store_image and ``newscms media`` on every backend: files in tmp_path, items in the store."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from newscms.cli import cli
from newscms.cli.media import media
from newscms.errors import DuplicateError, ValidationError
from newscms.services.media import LocalDirectoryStorage, content_key, store_image
from newscms.store import Store

pytestmark = pytest.mark.backends

BASE = "https://cdn.example.com/media/"


def jpeg(size: tuple[int, int] = (1600, 1200), colour: str = "teal", orientation: int = 0) -> bytes:
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", exif=exif)
    return out.getvalue()


def files(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def storage(tmp_path: Path) -> LocalDirectoryStorage:
    return LocalDirectoryStorage(tmp_path / "media", BASE)


def test_store_image_creates_the_item_and_reads_it_back(store, storage, tmp_path):
    data = jpeg(orientation=6)
    with store.session() as uow:
        item = store_image(
            uow,
            data,
            storage=storage,
            alt={"en": "Families at the Kaesong gate", "ko": "개성 공단 앞의 가족들"},
            caption={"en": "Families wait.\nSeoul, 14 June 2012."},
            credit="Photo: AFP / Jung Yeon-je",
            copyright_holder="Agence France-Presse",
            focal_point=(0.5, 0.3),
            crops={"16x9": (16, 9)},
        )
    key = content_key(data, ".jpg")
    assert (item.storage_key, item.url) == (key, BASE + key)
    assert (item.mime_type, item.width, item.height) == ("image/jpeg", 1200, 1600)  # upright
    assert [(r.name, r.width, r.height) for r in item.renditions] == [
        ("w320", 320, 427),
        ("w640", 640, 853),
        ("16x9", 1200, 675),
    ]
    with store.session(readonly=True) as uow:
        stored = uow.media.get(item.id)
        assert uow.media.find_by_url(item.url) == stored
    assert stored == item
    assert stored.focal_point is not None
    assert (stored.focal_point.x, stored.focal_point.y) == (0.5, 0.3)
    stem = key.removesuffix(".jpg")
    assert files(tmp_path / "media") == sorted(
        [key, f"{stem}-w320.jpg", f"{stem}-w640.jpg", f"{stem}-16x9.jpg"]
    )
    assert storage.open(key) == data  # the original, byte for byte


def test_the_same_bytes_are_one_item_and_gain_only_new_texts(store, storage):
    data = jpeg()
    with store.session() as uow:
        first = store_image(uow, data, storage=storage, alt={"en": "Teal"})
    with store.session() as uow:
        again = store_image(uow, data, storage=storage, alt={"en": "Other", "it": "Verde acqua"})
    assert again.id == first.id
    assert again.alt == {"en": "Teal", "it": "Verde acqua"}
    assert again.version == first.version + 1
    with store.session() as uow:
        same = store_image(uow, data, storage=storage)
    assert same == again
    with store.session(readonly=True) as uow:
        assert len(uow.media.list().items) == 1


def test_files_stay_when_the_unit_of_work_fails_and_storing_again_completes(store, storage):
    data = jpeg()
    with pytest.raises(RuntimeError, match="after the files"), store.session() as uow:
        store_image(uow, data, storage=storage)
        raise RuntimeError("the host failed after the files were written")
    key = content_key(data, ".jpg")
    assert storage.exists(key)
    with store.session(readonly=True) as uow:
        assert uow.media.find_by_url(BASE + key) is None
    with store.session() as uow:
        item = store_image(uow, data, storage=storage)
    assert item.storage_key == key


def test_an_explicit_key_with_other_bytes_is_a_duplicate(store, storage):
    with store.session() as uow:
        store_image(uow, jpeg(), storage=storage, key="2012/06/kaesong.jpg")
    with pytest.raises(DuplicateError), store.session() as uow:
        store_image(uow, jpeg(colour="red"), storage=storage, key="2012/06/kaesong.jpg")
    assert storage.open("2012/06/kaesong.jpg") == jpeg()


def test_bytes_that_are_no_image_store_nothing(store, storage, tmp_path):
    with pytest.raises(ValidationError) as caught, store.session() as uow:
        store_image(uow, b"<html>not a picture</html>", storage=storage)
    assert caught.value.field == "data"
    assert files(tmp_path) == []
    with store.session(readonly=True) as uow:
        assert uow.media.list().items == ()


# -- newscms media ----------------------------------------------------------------------


@pytest.fixture
def url(engine, monkeypatch) -> str:
    # Until newscms/cli/__init__.py registers the group (test_the_media_group_is_registered).
    if "media" not in cli.commands:
        monkeypatch.setitem(cli.commands, "media", media)
    return engine.url.render_as_string(hide_password=False)


def test_the_media_group_is_registered():
    assert cli.commands.get("media") is media


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", url, "media", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_add_and_show(url, tmp_path):
    photo = tmp_path / "kaesong.jpg"
    photo.write_bytes(jpeg())
    media_dir = tmp_path / "public"
    store_options = ["--storage-dir", str(media_dir), "--base-url", BASE]
    code, out, err = run(
        url,
        "add",
        str(photo),
        *store_options,
        "--alt",
        "en=Families at the gate",
        "--alt",
        "it=Famiglie al cancello",
        "--caption",
        "en=Seoul [AsiaNews]",
        "--credit",
        "Photo: AFP",
        "--json",
    )
    assert (code, err) == (0, "")
    item = json.loads(out)
    assert item["alt"] == {"en": "Families at the gate", "it": "Famiglie al cancello"}
    assert (item["width"], item["height"], item["credit"]) == (1600, 1200, "Photo: AFP")
    assert [r["name"] for r in item["renditions"]] == ["w320", "w640", "w1280"]
    assert (media_dir / item["storage_key"]).read_bytes() == photo.read_bytes()

    code, out, _ = run(url, "show", item["id"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"media {item['id']}: image/jpeg 1600x1200"
    assert lines[1] == f"url {item['url']}"
    assert "caption [en]: Seoul [AsiaNews]" in lines  # printed as text, not as markup
    assert any(line.startswith("  w640 640x480 https://") for line in lines)
    code, out, _ = run(url, "show", item["id"], "--json")
    assert json.loads(out) == item

    # The same file again: the same item.
    code, out, _ = run(url, "add", str(photo), *store_options, "--json")
    assert (code, json.loads(out)["id"]) == (0, item["id"])


def test_cli_refusals_are_one_line_and_store_nothing(url, tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    media_dir = tmp_path / "public"
    store_options = ["--storage-dir", str(media_dir), "--base-url", BASE]
    code, _, err = run(url, "add", str(text), *store_options)
    assert code == 1
    assert err.startswith("error: data: is not a JPEG")
    assert err.count("\n") == 1
    assert files(tmp_path / "public") == []
    photo = tmp_path / "a.jpg"
    photo.write_bytes(jpeg((100, 100)))
    code, _, err = run(url, "add", str(photo), *store_options, "--alt", "no-equals-sign")
    assert code == 2
    assert "LOCALE=TEXT" in err
    code, _, err = run(url, "add", str(photo), "--storage-dir", str(media_dir), "--base-url", "/m/")
    assert code == 1
    assert "base_url" in err
    code, _, err = run(url, "show", "00000000-0000-0000-0000-000000000000")
    assert code == 1
    assert err.startswith("error: no media item")
    assert files(tmp_path / "public") == []


def test_cli_takes_the_storage_from_the_environment(url, tmp_path, monkeypatch):
    photo = tmp_path / "a.png"
    Image.new("RGBA", (700, 100), (0, 0, 0, 0)).save(photo)
    monkeypatch.setenv("NEWSCMS_MEDIA_DIR", str(tmp_path / "env-media"))
    monkeypatch.setenv("NEWSCMS_MEDIA_URL", "https://img.example.org")
    code, out, _ = run(url, "add", str(photo), "--json")
    assert code == 0
    item = json.loads(out)
    assert item["url"].startswith("https://img.example.org/")
    assert item["mime_type"] == "image/png"
    assert [r["name"] for r in item["renditions"]] == ["w320", "w640"]
    assert len(files(tmp_path / "env-media")) == 3


def test_store_works_from_a_plain_store_too(engine, storage):
    """The host's own Store (real clock), as the docs show it."""
    live = Store(engine)
    with live.session() as uow:
        item = store_image(uow, jpeg((500, 500)), storage=storage, renditions=(100,))
    assert [r.name for r in item.renditions] == ["w100"]
