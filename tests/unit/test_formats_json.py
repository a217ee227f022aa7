"""The JSON form and its committed JSON Schema: they agree with the models and each other."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

from jsonschema import Draft202012Validator, FormatChecker

from newscms.domain import Article, Page, Relation, Tag, TagName
from newscms.formats import dump_json, json_schemas, to_json, write_json_schemas
from newscms.formats.json import SCHEMA_FILES, main

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "schema"
ISO_WITH_OFFSET = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$"


def committed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((COMMITTED / name).read_text(encoding="utf-8"))
    return data


def validate(name: str, document: Any) -> list[str]:
    validator = Draft202012Validator(committed(name), format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def tag() -> Tag:
    return Tag(
        id=UUID("3c312cb6-69c5-5065-a11a-7d4eabd920a8"),
        kind="region",
        names={
            "en": TagName(name="KOREA", slug="korea"),
            "it": TagName(name="COREA", slug="corea"),
            "zh": TagName(name="韩国", slug="han-guo"),
        },
        article_count=12,
    )


def test_committed_schemas_match_the_models() -> None:
    """Fails when a model changed: run ``python -m newscms.formats.json docs/schema``."""
    assert sorted(p.name for p in COMMITTED.glob("*.json")) == sorted(SCHEMA_FILES)
    for name, schema in json_schemas().items():
        assert committed(name) == schema, f"docs/schema/{name} is stale; regenerate it"


def test_the_schemas_are_valid_json_schemas() -> None:
    for name in SCHEMA_FILES:
        Draft202012Validator.check_schema(committed(name))


def test_every_example_article_fits_the_schema(example_article: Article) -> None:
    document = to_json(example_article)
    assert validate("article.json", document) == []
    for relation in example_article.relations:
        assert validate("relation.json", to_json(relation)) == []


def test_the_schema_refuses_what_the_form_never_writes(asianews: Article) -> None:
    document = to_json(asianews)
    del document["summary"]  # every field is always present
    document["status"] = "live"
    document["created_at"] = "yesterday"
    problems = validate("article.json", document)
    assert any("'summary' is a required property" in p for p in problems)
    assert any("'live' is not one of" in p for p in problems)
    assert any("'yesterday' is not a 'date-time'" in p for p in problems)


def test_json_form_of_the_sample(asianews: Article) -> None:
    document = to_json(asianews)
    assert list(document) == list(Article.model_fields)
    assert document["id"] == str(asianews.id)
    assert document["status"] == "published"
    assert document["published_at"] == "2012-06-13T22:00:00+00:00"
    assert document["subheadline"] is None
    assert document["byline"] == [
        {"name": "Joseph Yun Li-sun", "role": None, "id": None, "slug": None}
    ]
    assert document["tags"][0] == {
        "id": str(asianews.tags[0].id),
        "kind": "region",
        "name": "KOREA",
        "slug": "korea",
        "name_locale": None,
    }
    pending = document["relations"][0]["pending"]
    assert (
        pending["title"]
        == "Tensions between Seoul and Pyongyang rise as Cold War fears cast a shadow over Korea"
    )
    assert pending["published_at"] == "2016-02-12T14:14:00+00:00"
    assert document["date_provenance"]["time_known"] is False


def _dates(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [d for k, v in value.items() for d in _dates(v, k)]
    if isinstance(value, list):
        return [d for item in value for d in _dates(item, key)]
    return [value] if key.endswith("_at") and value is not None else []


def test_every_date_has_an_explicit_offset(example_article: Article) -> None:
    dates = _dates(to_json(example_article))
    assert dates
    assert all(re.match(ISO_WITH_OFFSET, d) for d in dates), dates


def test_the_json_form_reads_back_into_the_model(example_article: Article) -> None:
    text = dump_json(example_article)
    assert Article.model_validate_json(text) == example_article
    for relation in example_article.relations:
        assert Relation.model_validate(to_json(relation)) == relation


def test_tag_and_page(examples: list[Article]) -> None:
    tag_document = to_json(tag())
    assert validate("tag.json", tag_document) == []
    assert tag_document["names"]["zh"] == {"name": "韩国", "slug": "han-guo"}
    page = Page[Article](items=tuple(examples), next_cursor="opaque-cursor")
    page_document = to_json(page)
    assert validate("page.json", page_document) == []
    assert [item["id"] for item in page_document["items"]] == [str(a.id) for a in examples]
    assert page_document["next_cursor"] == "opaque-cursor"


def test_dump_keeps_non_ascii(chinese: Article) -> None:
    text = dump_json(chinese, indent=None)
    assert "北京“不想帮助平壤" in text
    assert "\n" not in text


def test_regeneration_entry_point(tmp_path: Path) -> None:
    written = write_json_schemas(tmp_path / "schema")
    assert [p.name for p in written] == list(SCHEMA_FILES)
    for path in written:
        assert path.read_text(encoding="utf-8") == (COMMITTED / path.name).read_text(
            encoding="utf-8"
        )
    assert main([str(tmp_path / "again")]) == 0
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == sorted(SCHEMA_FILES)


def test_module_runs_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-m", "newscms.formats.json", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == len(SCHEMA_FILES)
