"""``newscms import`` and ``export`` given hostile paths, run as a user would (issue #14).

FIFOs, devices, symbolic links out of the tree or in a loop, names that are not UTF-8,
unreadable files, directories where a file is expected: every one is refused or written
through as it should be, with one line on stderr and never a traceback.

Some of these run the command in a subprocess, for what only a real process has: its own
argv and stdout, a time limit (a FIFO opened for reading waits forever) and a memory
limit (``/dev/zero`` never ends). The tests run as root here: where a broken export
would replace a device node or ``/dev/stdout`` of the machine itself, they write to an
identical node made in ``tmp_path`` first, and to the machine's own only once that one
survived.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newscms.cli import cli
from newscms.domain import ArticleDraft, Status
from newscms.errors import ValidationError
from newscms.services import import_paths
from newscms.services.exporting import export
from newscms.store import Store

pytestmark = pytest.mark.backends

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAMPLE = EXAMPLES / "legacy" / "asianews-en-2012-06-14-beijing-pyongyang.txt"
AS_ROOT = os.geteuid() == 0
# The child's address space: far above what an import needs, far below what an unbounded
# read of /dev/zero would take from the machine.
MEMORY_LIMIT = 1024**3
CHILD = (
    "import resource, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
    "from newscms.cli import main; main()"
)


def page(headline: str) -> str:
    """A legacy page: what the importers read as one article."""
    return (
        f"02/15/2016, 10.32\nKOREA\nSend to a friend\n\n{headline}\n\nby Joseph Yun Li-sun\n"
        "A summary of the story.\n\nSeoul (AsiaNews) - The first paragraph.\n\nTAGs\n"
    )


@pytest.fixture
def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def run(url: str, *args: str | Path) -> tuple[int, str, str]:
    """The command in this process, as ``CliRunner`` runs it; raw exceptions surface."""
    result = CliRunner().invoke(cli, ["--db", url, *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# As root, a /dev of the child's own: a tmpfs in a mount namespace, holding only stdout.
NAMESPACE = ["unshare", "--mount", "--propagation", "private", "sh", "-c"]
PRIVATE_DEV = 'mount -t tmpfs newscms-test /dev && ln -s /proc/self/fd/1 /dev/stdout && exec "$@"'


@functools.cache
def _no_private_dev() -> str:
    """Why a child cannot have a /dev of its own here; empty when it can."""
    if shutil.which("unshare") is None:
        return "no unshare"
    probe = subprocess.run(
        [*NAMESPACE, PRIVATE_DEV, "sh", "true"], capture_output=True, check=False
    )
    if probe.returncode == 0:
        return ""
    return probe.stderr.decode(errors="replace").strip() or f"status {probe.returncode}"


def child(
    url: str,
    *args: str | bytes | Path,
    stdout: int | object = subprocess.PIPE,
    unprivileged: bool = False,
    private_dev: bool = False,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """The command in a process of its own, bounded in time and memory.

    ``unprivileged`` drops root's power to read any file (as a user is), where there
    is one to drop. ``private_dev`` gives root's child a ``/dev`` of its own, so that
    what it does to ``/dev/stdout`` happens to that one only.
    """
    command: list[str | bytes | Path] = [sys.executable, "-c", CHILD, "--db", url, *args]
    if unprivileged and AS_ROOT:
        if shutil.which("setpriv") is None:
            pytest.skip("root cannot be refused a file without setpriv")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    if private_dev and AS_ROOT:
        refused = _no_private_dev()
        if refused:
            pytest.skip(f"root's child cannot have a /dev of its own here: {refused}")
        command = [*NAMESPACE, PRIVATE_DEV, "sh", *command]
    return subprocess.run(
        command,
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
    )


def one_line_error(stderr: bytes | str) -> str:
    """stderr when it is one line of valid UTF-8 and no traceback."""
    text = stderr.decode("utf-8") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text, text
    assert text.count("\n") == 1, text
    return text


# -- import: only regular files, bounded ----------------------------------------------------


def test_a_fifo_named_on_the_command_line_is_refused_unopened(url: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pages.txt"
    os.mkfifo(fifo)
    done = child(url, "import", fifo, "--json", timeout=60)  # opened, it would wait forever
    assert done.returncode == 1, done.stderr
    (item,) = json.loads(done.stdout)["items"]
    assert item["outcome"] == "failed"
    assert item["error"] == (
        f"{fifo}: is a FIFO, not a regular file; only regular files are imported"
    )
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dev_zero_is_refused_before_a_byte_is_read(url: str) -> None:
    done = child(url, "import", "/dev/zero")
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr == b""
    lines = done.stdout.decode().splitlines()
    assert lines[0] == (
        "failed     /dev/zero: is a character device, not a regular file; "
        "only regular files are imported"
    )


def test_fifos_sockets_and_devices_in_a_directory_are_skipped(url: str, tmp_path: Path) -> None:
    root = tmp_path / "export"
    root.mkdir()
    (root / "story.txt").write_text(page("Seoul shuts the Kaesong park"), encoding="utf-8")
    os.mkfifo(root / "incoming.txt")
    if AS_ROOT:
        os.mknod(root / "zero.txt", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    done = child(url, "import", root, "--source-root", root, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    found = {item["file"]: (item["outcome"], item["error"]) for item in report["items"]}
    assert found.pop("story.txt")[0] == "created"
    expected = {"incoming.txt": ("skipped", "a FIFO, not a regular file")}
    if AS_ROOT:
        expected["zero.txt"] = ("skipped", "a character device, not a regular file")
    assert found == expected
    assert report["skipped"] == {"not a regular file": len(expected)}


def test_a_file_larger_than_the_limit_fails_and_writes_nothing(
    url: str, tmp_path: Path, snapshot: Callable[[], object]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text(page("Seoul shuts the Kaesong park"), encoding="utf-8")
    size = story.stat().st_size
    before = snapshot()
    code, out, err = run(url, "import", story, "--max-file-size", str(size - 1), "--json")
    assert (code, err) == (1, "")
    (item,) = json.loads(out)["items"]
    assert item["outcome"] == "failed"
    assert item["error"] == (
        f"{story}: is {size:,} bytes, more than the import's limit of {size - 1:,} bytes "
        "per file; if it is one document, import it with a larger --max-file-size"
    )
    assert snapshot() == before
    code, out, _ = run(url, "import", story, "--max-file-size", str(size), "--json")
    assert code == 0
    assert json.loads(out)["created"] == 1


def test_a_file_longer_than_it_says_is_read_no_further_than_the_limit(
    url: str, tmp_path: Path
) -> None:
    # /proc files say they are empty and hold more: a file growing while it is read.
    maps = Path("/proc/self/maps")
    if not maps.is_file() or maps.stat().st_size != 0:
        pytest.skip("needs Linux's /proc, whose files say they are empty")
    code, out, err = run(url, "import", maps, "--max-file-size", "64", "--json")
    assert (code, err) == (1, "")
    (item,) = json.loads(out)["items"]
    assert item["error"] == (
        "/proc/self/maps: is larger than the import's limit of 64 bytes per file; "
        "if it is one document, import it with a larger --max-file-size"
    )


@pytest.mark.parametrize("value", ["0", "-1", "lots", "64X", ""])
def test_a_size_that_is_not_one_is_a_usage_error(url: str, value: str) -> None:
    code, out, err = run(url, "import", SAMPLE, "--max-file-size", value)
    assert (code, out) == (2, "")
    assert "Invalid value for '--max-file-size'" in err
    assert "Traceback" not in err


def test_sizes_are_read_in_binary_units(url: str, tmp_path: Path) -> None:
    code, out, _ = run(url, "import", SAMPLE, "--max-file-size", "2KiB", "--json")
    assert code == 1
    assert "more than the import's limit of 2 KiB per file" in json.loads(out)["items"][0]["error"]
    code, out, _ = run(url, "import", SAMPLE, "--max-file-size", "1M", "--json")
    assert code == 0


def test_the_service_refuses_a_limit_that_is_not_a_positive_count(
    store: Store, tmp_path: Path
) -> None:
    for bad in (0, -5, True, 1.5, "64M"):
        with pytest.raises(ValidationError) as caught:
            import_paths(store, [SAMPLE], max_file_size=bad)  # type: ignore[arg-type]
        assert caught.value.field == "max_file_size"


def test_an_unreadable_file_and_directory_fail_with_one_line_each(url: str, tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "private").mkdir(parents=True)
    (root / "story.txt").write_text(page("Seoul shuts the Kaesong park"), encoding="utf-8")
    (root / "locked.txt").write_text(page("Families of Kaesong workers"), encoding="utf-8")
    (root / "private" / "hidden.txt").write_text(page("A story no one sees"), encoding="utf-8")
    (root / "locked.txt").chmod(0)
    (root / "private").chmod(0)
    try:
        done = child(url, "import", root, "--source-root", root, unprivileged=True)
        named = child(url, "import", root / "locked.txt", unprivileged=True)
    finally:
        (root / "private").chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert done.stderr == b""
    lines = done.stdout.decode().splitlines()
    assert "failed     locked.txt: cannot be read: Permission denied" in lines
    assert "failed     private: cannot be read: Permission denied" in lines
    assert any(line.startswith("created    story.txt -> ") for line in lines)
    assert named.returncode == 2  # named on the command line: a usage error
    assert f"Path '{root / 'locked.txt'}' is not readable." in named.stderr.decode()
    assert b"Traceback" not in named.stderr


# -- import: symbolic links never lead out of the tree ---------------------------------------


@pytest.fixture
def linked_tree(tmp_path: Path) -> Path:
    """An export whose links lead out of it, nowhere, in circles, and within it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(page("A page from outside the export"), encoding="utf-8")
    root = tmp_path / "export"
    (root / "2024").mkdir(parents=True)
    (root / ".drafts").mkdir()
    (root / "2024" / "story.txt").write_text(page("Seoul shuts the Kaesong park"), "utf-8")
    (root / ".drafts" / "next.txt").write_text(page("Families of Kaesong workers"), "utf-8")
    links = {
        "passwd.txt": "/etc/passwd",
        "secret.txt": "../outside/secret.txt",
        "elsewhere": str(outside),
        "dangling.txt": "nowhere.txt",
        "loop-a": "loop-b",
        "loop-b": "loop-a",
        "latest.txt": "2024/story.txt",  # inside: the same file, taken once
        "current": "2024",  # inside: the same directory, walked once
        "2024/up": "..",  # a loop through the tree itself
        "next.txt": ".drafts/next.txt",  # inside, and only reached through the link
    }
    for name, target in links.items():
        (root / name).symlink_to(target)
    return root


def test_links_out_of_the_tree_are_skipped_and_the_tree_walked_once(
    url: str, linked_tree: Path, tmp_path: Path
) -> None:
    root = linked_tree
    done = child(url, "import", root, "--source-root", root, "--json", timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    found = {item["file"]: (item["outcome"], item["error"]) for item in report["items"]}
    loop = "a broken symbolic link: Too many levels of symbolic links"
    assert found == {
        "2024/story.txt": ("created", None),
        "dangling.txt": ("skipped", "a broken symbolic link: No such file or directory"),
        "elsewhere": (
            "skipped",
            f"a symbolic link to {tmp_path / 'outside'}, outside the directory imported",
        ),
        "loop-a": ("skipped", loop),
        "loop-b": ("skipped", loop),
        "next.txt": ("created", None),
        "passwd.txt": ("skipped", "a symbolic link to /etc/passwd, outside the directory imported"),
        "secret.txt": (
            "skipped",
            f"a symbolic link to {tmp_path / 'outside' / 'secret.txt'}, "
            "outside the directory imported",
        ),
    }
    assert report["skipped"] == {"broken link": 3, "link out of the tree": 3}
    _, out, _ = run(url, "article", "list", "--json")
    headlines = sorted(item["headline"] for item in json.loads(out)["items"])
    assert headlines == ["Families of Kaesong workers", "Seoul shuts the Kaesong park"]


def test_a_link_named_on_the_command_line_is_followed(url: str, linked_tree: Path) -> None:
    code, out, err = run(url, "import", linked_tree / "secret.txt", "--json")
    assert (code, err) == (0, "")
    (item,) = json.loads(out)["items"]
    assert (item["outcome"], item["source"]) == ("created", str(linked_tree / "secret.txt"))


def test_a_directory_that_links_to_itself_ends(url: str, tmp_path: Path) -> None:
    root = tmp_path / "export"
    root.mkdir()
    (root / "story.txt").write_text(page("Seoul shuts the Kaesong park"), encoding="utf-8")
    (root / "again").symlink_to(".")
    (root / "deeper").symlink_to(root / "again")
    done = child(url, "import", root, "--source-root", root, "--json", timeout=60)
    assert done.returncode == 0, done.stderr
    assert [item["file"] for item in json.loads(done.stdout)["items"]] == ["story.txt"]


# -- import: names that are not UTF-8 stay distinct ---------------------------------------


def test_names_that_are_not_utf8_keep_their_own_articles(url: str, tmp_path: Path) -> None:
    root = tmp_path / "export"
    root.mkdir()
    for byte, headline in ((b"\xff", "Seoul shuts the Kaesong park"), (b"\xfe", "Families")):
        name = os.fsencode(root) + b"/story-" + byte + b".txt"
        with open(name, "wb") as file:
            file.write(page(headline).encode())
    first = child(url, "import", root, "--source-root", root, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout.decode("utf-8"))  # stdout is UTF-8, as promised
    assert [(i["source"], i["outcome"]) for i in report["items"]] == [
        ("story-%FE.txt", "created"),
        ("story-%FF.txt", "created"),
    ]
    for _ in range(2):
        again = child(url, "import", root, "--source-root", root, "--json")
        assert again.returncode == 0, again.stderr
        items = json.loads(again.stdout)["items"]
        assert [(i["source"], i["outcome"]) for i in items] == [
            ("story-%FE.txt", "unchanged"),
            ("story-%FF.txt", "unchanged"),
        ]
        assert [i["article_id"] for i in items] == [i["article_id"] for i in report["items"]]


def test_a_name_that_is_not_utf8_on_the_command_line(url: str, tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/\xe9t\xe9.txt"  # Latin-1 "été.txt"
    with open(name, "wb") as file:
        file.write(page("Seoul shuts the Kaesong park").encode())
    done = child(url, "import", name, "--source-root", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8").startswith("created    %E9t%E9.txt -> seoul-shuts")
    missing = child(url, "import", os.fsencode(tmp_path) + b"/\xff.txt")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in missing.stderr
    elsewhere = child(url, "import", name, "--source-root", os.fsencode(tmp_path) + b"/\xff")
    assert elsewhere.returncode == 2
    assert b"Traceback" not in elsewhere.stderr


# -- export: writes through to what -o names --------------------------------------------------


@pytest.fixture
def stories(store: Store) -> None:
    with store.session() as uow:
        for headline in ("Seoul shuts the Kaesong park", "Families of Kaesong workers"):
            draft = ArticleDraft(locale="en", headline=headline, status=Status.PUBLISHED)
            uow.articles.create(draft)


def devices(tmp_path: Path, name: str) -> Iterator[Path]:
    """``/dev/<name>``; as root, an identical node in ``tmp_path`` first (see the module)."""
    if AS_ROOT:
        real = os.stat(f"/dev/{name}")
        copy = tmp_path / name
        os.mknod(copy, stat.S_IFCHR | 0o666, real.st_rdev)
        yield copy
    yield Path(f"/dev/{name}")


def assert_device(path: Path, name: str) -> None:
    status = os.lstat(path)
    assert stat.S_ISCHR(status.st_mode), f"{path} is no longer a device"
    assert status.st_rdev == os.stat(f"/dev/{name}").st_rdev


def test_dev_null_is_written_to_not_replaced(url: str, stories: None, tmp_path: Path) -> None:
    for device in devices(tmp_path, "null"):
        code, out, err = run(url, "export", "json", "-o", device)
        assert_device(device, "null")
        assert (code, out) == (0, "")
        assert err == f"wrote 2 articles to {device}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == (["null"] if AS_ROOT else [])


def test_dev_full_is_an_error_not_a_success(url: str, stories: None, tmp_path: Path) -> None:
    for device in devices(tmp_path, "full"):
        code, out, err = run(url, "export", "json", "-o", device)
        assert_device(device, "full")
        assert (code, out) == (1, "")
        assert one_line_error(err) == (
            f"error: output: cannot write {device}: No space left on device\n"
        )


def test_stdout_full_is_an_error_not_a_traceback(url: str, stories: None) -> None:
    with open("/dev/full", "wb") as full:
        done = child(url, "export", "json", stdout=full)
    assert done.returncode == 1
    assert one_line_error(done.stderr) == (
        "error: output: cannot write <stdout>: No space left on device\n"
    )


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_stdout_by_name_is_where_the_shell_pointed_it(
    url: str, stories: None, tmp_path: Path, name: str
) -> None:
    # A rename into /proc fails, but as root one onto /dev/stdout would delete the
    # machine's: that one is written in a /dev of the child's own.
    private = name == "/dev/stdout"
    piped = child(url, "export", "json", "-o", name, private_dev=private)
    assert piped.returncode == 0, piped.stderr
    assert len(json.loads(piped.stdout)["items"]) == 2
    log = tmp_path / "log"
    log.write_text("earlier lines\n", encoding="utf-8")
    with open(log, "ab") as appended:  # the shell's >> log
        done = child(url, "export", "json", "-o", name, stdout=appended, private_dev=private)
    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier lines\n{\n")
    assert len(json.loads(text.removeprefix("earlier lines\n"))["items"]) == 2


def test_a_link_to_a_file_is_written_through(url: str, stories: None, tmp_path: Path) -> None:
    target = tmp_path / "site" / "feed.json"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "feed.json"
    link.symlink_to(target)
    code, _, err = run(url, "export", "json", "-o", link)
    assert code == 0, err
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert len(json.loads(target.read_text(encoding="utf-8"))["items"]) == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file it replaced kept its mode
    assert sorted(p.name for p in target.parent.iterdir()) == ["feed.json"]  # no scratch left


def test_a_dangling_link_names_the_file_to_create(url: str, stories: None, tmp_path: Path) -> None:
    link = tmp_path / "feed.json"
    link.symlink_to("published.json")
    code, _, err = run(url, "export", "json", "-o", link)
    assert code == 0, err
    assert link.is_symlink()
    assert len(json.loads((tmp_path / "published.json").read_bytes())["items"]) == 2


def test_a_fifo_is_written_as_a_stream(url: str, stories: None, tmp_path: Path) -> None:
    fifo = tmp_path / "feed.json"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as reader:
            received.append(reader.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    code, _, err = run(url, "export", "json", "-o", fifo)
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert len(json.loads(received[0])["items"]) == 2


def test_a_directory_for_one_file_is_refused(url: str, stories: None, tmp_path: Path) -> None:
    directory = tmp_path / "feeds"
    directory.mkdir()
    code, out, err = run(url, "export", "json", "-o", directory)
    assert (code, out) == (1, "")
    assert one_line_error(err) == (
        f"error: output: {directory} is a directory; the json format writes one file: "
        "give the file's path\n"
    )
    assert list(directory.iterdir()) == []


def test_an_empty_output_is_a_usage_error(
    url: str, stories: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for format in ("json", "sitemap"):
        code, out, err = run(url, "export", format, "-o", "", "--base-url", "https://x.org")
        assert (code, out) == (2, "")
        assert "Invalid value for '-o' / '--output': is empty" in err
        assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_service_refuses_an_empty_output(store: Store, stories: None) -> None:
    with pytest.raises(ValidationError) as caught:
        export(store, "json", "")
    assert caught.value.field == "output"


def test_a_sitemap_into_a_device_or_a_file_is_refused(
    url: str, stories: None, tmp_path: Path
) -> None:
    blocker = tmp_path / "sitemaps"
    blocker.write_text("a file", encoding="utf-8")
    for target in (*devices(tmp_path, "null"), blocker):
        code, out, err = run(url, "export", "sitemap", "-o", target, "--base-url", "https://x.org")
        assert (code, out) == (1, "")
        assert one_line_error(err) == (
            f"error: output: {target} is not a directory; the sitemap format writes a "
            "directory of files: give its path\n"
        )
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_an_output_name_that_is_not_utf8(url: str, stories: None, tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/feed-\xff.json"
    done = child(url, "export", "json", "-o", name)
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode("utf-8") == f"wrote 2 articles to {tmp_path}/feed-%FF.json\n"
    with open(name, "rb") as file:
        assert len(json.load(file)["items"]) == 2
    missing = os.fsencode(tmp_path) + b"/\xff/\xfe/feed.json"
    blocked = child(url, "export", "json", "-o", os.fsencode(tmp_path) + b"/feed-\xff.json/x")
    assert blocked.returncode == 1
    assert one_line_error(blocked.stderr) == (
        f"error: output: cannot write {tmp_path}/feed-%FF.json/x: Not a directory\n"
    )
    assert child(url, "export", "json", "-o", missing).returncode == 0  # parents are made
