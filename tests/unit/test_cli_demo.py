"""``newscms demo``: the example documents imported into a fresh SQLite database, shown."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newscms.cli import cli
from newscms.errors import ValidationError
from newscms.services import run_demo
from newscms.services.demo import DEMO_DATABASE, DEMO_PICTURES, MEDIA_DIRECTORY, MEDIA_URL

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = [
    p
    for p in EXAMPLES.rglob("*")
    if p.is_file() and not p.name.startswith(".") and MEDIA_DIRECTORY not in p.parts
]


def demo(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["demo", *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_demo_imports_the_examples_and_shows_the_sample_page(tmp_path: Path) -> None:
    output = tmp_path / "demo-output"
    code, out, err = demo("--output", output, "--examples", EXAMPLES)
    assert (code, err) == (0, "")
    database = output / DEMO_DATABASE
    assert database.is_file()
    assert f"Database: {database}" in out
    assert f"Explore it: newscms --db sqlite:///{database.resolve()} article list" in out
    # The sample page's region tags and its five "See also" items, none of them imported.
    assert "region tags: KOREA, CHINA" in out
    assert "Tokyo to demand total nuclear power ban on Pyongyang (Jul 20, 2005)" in out
    assert out.count("pending: not imported yet") == 5
    assert "published Jun 14, 2012" in out
    # The Kaesong closure page's "See also" names the sample page: it resolved to it.
    assert (
        "linked from: Seoul shuts the Kaesong industrial park as the North expels the last "
        "South Korean managers (Feb 15, 2016), its see_also  resolved"
    ) in out.replace("\n", " ")
    with sqlite3.connect(database) as connection:
        (stored,) = connection.execute("select count(*) from newscms_articles").fetchone()
    assert stored == 21  # 11 legacy pages, 4 HTML pages, 6 WordPress posts
    assert re.search(rf"│ created +│ +{stored} │", out), out


def test_running_the_demo_again_starts_from_a_fresh_database(tmp_path: Path) -> None:
    first = run_demo(tmp_path, examples=EXAMPLES)
    second = run_demo(tmp_path, examples=EXAMPLES)
    assert second.imported.created == first.imported.created == len(second.articles) == 21
    assert second.imported.failed == 0
    sample_file = "beijing-does-not-want-to-help-pyongyang-in-its-arms-race"
    assert second.outputs[0] == tmp_path / DEMO_DATABASE
    assert {p.name for p in second.outputs[1:]} == {
        "feed.rss",
        "feed.atom",
        "sitemap.xml",
        "sitemap-1.xml",
        "news-sitemap.xml",
        "news-sitemap-1.xml",
        *(
            f"{sample_file}{suffix}"
            for suffix in (".json", ".ninjs.json", ".jsonld", ".txt", ".html")
        ),
    }
    assert all(path.is_file() and path.stat().st_size > 0 for path in second.outputs)
    assert second.sample is not None
    assert [t.name for t in second.sample.tags if t.kind == "region"] == ["KOREA", "CHINA"]
    assert len(second.sample.relations) == 5
    assert [r.source.headline[:24] for r in second.linked_from] == ["Seoul shuts the Kaesong "]
    # Every example document's articles are among them.
    assert {a.source.locator.split("#")[0] for a in second.articles if a.source} == {
        p.relative_to(EXAMPLES).as_posix() for p in EXAMPLE_FILES
    }


def test_a_missing_examples_directory_is_one_clear_line(tmp_path: Path) -> None:
    code, out, err = demo("--output", tmp_path / "out", "--examples", tmp_path / "nowhere")
    assert code == 1
    assert out == ""
    assert err == (
        f"error: no examples directory at {tmp_path / 'nowhere'}: run the demo from the "
        "repository root or pass --examples DIR\n"
    )


def test_an_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a directory", encoding="utf-8")
    code, _, err = demo("--output", taken, "--examples", EXAMPLES)
    assert code == 2
    assert "Invalid value for '--output'" in err
    with pytest.raises(ValidationError, match=r"cannot use .* for the demo's outputs") as caught:
        run_demo(taken, examples=EXAMPLES)
    assert caught.value.field == "output"
    assert taken.read_text(encoding="utf-8") == "not a directory"


def test_the_sample_shows_its_lead_image_with_caption_and_credit_in_every_output(
    tmp_path: Path,
) -> None:
    report = run_demo(tmp_path, examples=EXAMPLES)
    assert report.sample is not None
    lead = report.sample.lead_image
    assert lead is not None
    (picture,) = (p for p in DEMO_PICTURES if p.page.endswith("beijing-pyongyang.txt"))
    assert (lead.caption, lead.alt, lead.credit) == (
        picture.caption,
        picture.alt,
        "Illustration: newscms demo",
    )
    assert (lead.width, lead.height) == (1200, 675)  # read from the file, not declared
    assert lead.url.startswith(MEDIA_URL)
    stored = tmp_path / MEDIA_DIRECTORY / lead.url.removeprefix(MEDIA_URL)
    assert stored.read_bytes() == (EXAMPLES / MEDIA_DIRECTORY / picture.file).read_bytes()
    assert {r.name for r in lead.renditions} == {"w320", "w640", "16x9", "1x1"}
    outputs = {p.name: p.read_text(encoding="utf-8") for p in report.outputs[1:]}
    stem = report.sample.slug
    for name in (f"{stem}.json", f"{stem}.ninjs.json", f"{stem}.jsonld", f"{stem}.html"):
        assert lead.url in outputs[name], name
    for name in ("feed.rss", "feed.atom", "sitemap-1.xml"):  # the news sitemap: 2 days only
        assert lead.url in outputs[name], name
    assert "Illustration: newscms demo" in outputs[f"{stem}.html"]
    assert "[Beijing and Pyongyang, marked on a drawn map" in outputs[f"{stem}.txt"]
    assert sum(1 for a in report.articles if a.lead_image is not None) >= len(DEMO_PICTURES)
