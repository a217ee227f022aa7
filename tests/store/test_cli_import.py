"""``newscms import`` on every backend: progress lines, the summary, --json, exit statuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newscms.cli import cli

pytestmark = pytest.mark.backends

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAMPLE = "asianews-en-2012-06-14-beijing-pyongyang.txt"
FAMILIES = "asianews-en-2016-02-18-kaesong-families.txt"
WXR = EXAMPLES / "wordpress" / "asianews-blog.wordpress.2024-05-10.xml"


@pytest.fixture
def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """An export directory: two legacy pages and a WordPress export."""
    directory = tmp_path / "export"
    directory.mkdir()
    for name in (SAMPLE, FAMILIES):
        shutil.copy(EXAMPLES / "legacy" / name, directory / name)
    shutil.copy(WXR, directory / "blog.xml")
    return directory


def run(url: str, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", url, *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_json_report_then_an_idempotent_second_run(url: str, pages: Path) -> None:
    code, out, err = run(url, "import", pages, "--source-root", pages, "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)  # stdout is the JSON document and nothing else
    assert (report["files"], report["created"], report["failed"]) == (3, 8, 0)
    assert report["skipped"] == {"attachment": 2, "nav_menu_item": 1, "page": 1, "trash": 1}
    assert report["relations_pending"] == 6  # the sample's five and the families' one
    assert [item["file"] for item in report["items"]][:3] == [SAMPLE, FAMILIES, "blog.xml"]
    assert report["items"][2]["source"] == "blog.xml#post-101"

    code, out, _ = run(url, "import", pages, "--source-root", pages, "--json")
    assert code == 0
    again = json.loads(out)
    assert (again["created"], again["unchanged"]) == (0, 8)
    assert [item["article_id"] for item in again["items"]] == [
        item["article_id"] for item in report["items"]
    ]


def test_plain_lines_per_file_and_the_summary_when_not_a_terminal(url: str, pages: Path) -> None:
    code, out, _ = run(url, "import", pages, "--source-root", pages)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        f"created    {SAMPLE} -> beijing-does-not-want-to-help-pyongyang-in-its-arms-race"
    )
    assert lines[1].startswith(f"created    {FAMILIES} -> families-of-kaesong-workers")
    assert lines[2] == (
        "wxr        blog.xml: 6 created; skipped 2 attachment, 1 nav_menu_item, 1 page, 1 trash"
    )
    for label in ("created", "relations resolved", "relations pending", "skipped: attachment"):
        assert label in out


def test_a_failed_file_exits_1_after_importing_the_others(url: str, pages: Path) -> None:
    (pages / "broken.txt").write_text("06/14/2012, 10.00\nTAGs\nSee also\n", encoding="utf-8")
    code, out, err = run(url, "import", pages, "--source-root", pages)
    assert code == 1
    assert err == ""
    assert "failed     broken.txt:1: the page has no headline" in out
    assert "failed: broken.txt:1: the page has no headline" in out  # repeated under the table
    code, out, _ = run(url, "import", pages, "--source-root", pages, "--json")
    assert code == 1
    report = json.loads(out)
    assert (report["failed"], report["unchanged"]) == (1, 8)
    (failed,) = [item for item in report["items"] if item["outcome"] == "failed"]
    assert failed["file"] == "broken.txt"
    assert failed["error"].startswith("broken.txt:1: ")


def test_a_dry_run_writes_nothing(url: str, pages: Path) -> None:
    code, out, _ = run(url, "import", pages, "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["created"] == 8
    code, out, _ = run(url, "import", pages, "--dry-run")
    assert code == 0
    assert out.startswith("(dry run) created    ")
    assert "Dry run: nothing was written" in out
    code, out, _ = run(url, "article", "list", "--json")
    assert json.loads(out)["items"] == []


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--locale", "xx-Nope", "Invalid value for '--locale'"),
        ("--timezone", "Mars/Olympus", "Invalid value for '--timezone'"),
        ("--date-order", "sideways", "Invalid value for '--date-order'"),
        ("--format", "docx", "Invalid value for '--format'"),
    ],
)
def test_bad_options_are_usage_errors(
    url: str, pages: Path, option: str, value: str, message: str
) -> None:
    code, out, err = run(url, "import", pages, option, value)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_missing_paths_and_roots_are_usage_errors(url: str, pages: Path, tmp_path: Path) -> None:
    code, _, err = run(url, "import", tmp_path / "nowhere")
    assert code == 2
    assert "does not exist" in err
    code, _, err = run(url, "import", pages, "--source-root", tmp_path / "elsewhere")
    assert code == 2
    assert "Invalid value for '--source-root'" in err
    assert "not inside the source root" in err


def test_a_locale_given_on_the_command_line_applies_to_every_page(url: str, pages: Path) -> None:
    code, out, _ = run(url, "import", pages / SAMPLE, "--locale", "en-GB", "--json")
    assert code == 0
    (item,) = json.loads(out)["items"]
    code, out, _ = run(url, "article", "show", item["slug"], "--locale", "en-GB", "--json")
    assert json.loads(out)["locale"] == "en-GB"
