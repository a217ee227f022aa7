"""``newscms search``, ``newscms reindex`` and ``newscms article related`` on every backend."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import delete

from newscms.cli import cli
from newscms.domain import ArticleDraft, RelationDraft, Status
from newscms.store import Store

pytestmark = pytest.mark.backends


@pytest.fixture
def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def run(url: str, *args: str) -> tuple[int, str, str]:
    runner = CliRunner(env={"COLUMNS": "250"})  # wide enough that no cell wraps
    result = runner.invoke(cli, ["--db", url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def newsroom(engine) -> dict[str, object]:
    """Stories published now (the CLI reads the real clock)."""
    store = Store(engine)
    with store.session() as uow:
        first = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Kaesong complex reopens",
                summary="Factories restart near the border.",
                tags=["Kaesong", "Korea"],
                status=Status.PUBLISHED,
            )
        )
        second = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Workers return to Kaesong",
                tags=["Kaesong"],
                status=Status.PUBLISHED,
                relations=[RelationDraft(target_id=first.id)],
            )
        )
        draft = uow.articles.create(
            ArticleDraft(locale="en", headline="Kaesong draft notes", status=Status.DRAFT)
        )
        italian = uow.articles.create(
            ArticleDraft(
                locale="it", headline="Riapre Kaesong, città industriale", status=Status.PUBLISHED
            )
        )
    return {"first": first, "second": second, "draft": draft, "italian": italian}


def test_search_prints_hits_and_json(url, newsroom):
    code, out, _ = run(url, "search", "kaesong")
    assert code == 0
    assert "Kaesong complex reopens" in out and "Workers return to Kaesong" in out
    assert "Kaesong draft notes" not in out
    code, out, _ = run(url, "search", "citta", "--json")
    assert code == 0
    page = json.loads(out)
    (hit,) = page["items"]
    assert hit["article"]["slug"] == newsroom["italian"].slug
    assert hit["headline"] == "Riapre Kaesong, <mark>città</mark> industriale"
    assert set(hit) == {"article", "score", "headline", "snippet"}
    assert page["next_cursor"] is None


def test_search_options_filter_and_page(url, newsroom):
    code, out, _ = run(url, "search", "kaesong", "--all", "--json", "--locale", "en")
    assert {h["article"]["headline"] for h in json.loads(out)["items"]} == {
        "Kaesong complex reopens",
        "Workers return to Kaesong",
        "Kaesong draft notes",
    }
    code, out, _ = run(url, "search", "kaesong", "--limit", "1", "--json")
    first = json.loads(out)
    assert len(first["items"]) == 1 and first["next_cursor"]
    code, out, _ = run(url, "search", "kaesong", "--limit", "1", "--cursor", first["next_cursor"])
    assert code == 0 and "next page: --cursor" in out
    code, out, _ = run(url, "search", "zzzz")
    assert code == 0 and "no articles match" in out


def test_search_errors_are_one_line(url, newsroom):
    code, out, err = run(url, "search", "-kaesong")
    assert code == 1
    assert err.strip() == (
        "error: query: nothing to search for: type at least one word "
        "(exclusions alone find nothing)"
    )
    assert "Traceback" not in out + err
    code, _, err = run(url, "search", "x" * 600)
    assert code == 1 and "at most 500" in err


def test_reindex_rebuilds_with_progress(url, newsroom, engine):
    store = Store(engine)
    with engine.begin() as conn:
        conn.execute(delete(store.tables.search_documents))
    code, out, _ = run(url, "search", "kaesong", "--json")
    assert json.loads(out)["items"] == []
    code, out, _ = run(url, "reindex", "--locale", "it", "--batch-size", "1")
    assert code == 0
    assert "indexed 1/1" in out and "1 articles indexed" in out
    code, out, _ = run(url, "reindex")
    assert code == 0 and "4 articles indexed" in out
    code, out, _ = run(url, "search", "kaesong", "--json")
    assert len(json.loads(out)["items"]) == 3


def test_article_related_lists_picks_then_tags(url, newsroom):
    code, out, _ = run(url, "article", "related", newsroom["second"].slug, "--json")
    assert code == 0
    (pick,) = json.loads(out)
    assert pick["reason"] == "relation" and pick["relation_kind"] == "see_also"
    assert pick["article"]["slug"] == newsroom["first"].slug
    code, out, _ = run(url, "article", "related", newsroom["first"].slug)
    assert code == 0
    assert "tags: Kaesong" in out and "workers-return-to-kaesong" in out
    code, out, _ = run(url, "article", "related", newsroom["italian"].slug, "--locale", "it")
    assert code == 0 and "no related articles" in out
    code, _, err = run(url, "article", "related", "no-such-story")
    assert code == 1 and "no article with slug" in err
