"""The ``newscms`` command on every backend: schema, listing, workflow, history, events."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from click.testing import CliRunner

from newscms.cli import cli
from newscms.domain import ArticleDraft, Status
from newscms.store import Store

pytestmark = pytest.mark.backends


@pytest.fixture
def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def live_store(engine) -> Store:
    """A store on the test database with the real clock, as the CLI sees it."""
    return Store(engine)


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", url, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def story(live_store: Store):
    with live_store.session() as uow:
        return uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Kaesong closure hits families",
                body="<p>The complex closed.</p>",
                tags=[{"kind": "region", "name": "KOREA"}],
            )
        )


def test_migrate_check_and_init_report_the_schema(url):
    code, out, _ = run(url, "migrate", "--check", "--json")
    assert code == 0
    status = json.loads(out)
    assert status["current"] == status["head"]
    code, out, _ = run(url, "init")
    assert code == 0
    assert "newscms tables ready" in out


def test_list_show_and_tags_with_stable_json(url, story):
    code, out, _ = run(url, "article", "list", "--json")
    assert code == 0
    page = json.loads(out)
    assert [item["slug"] for item in page["items"]] == [story.slug]
    assert page["next_cursor"] is None
    code, out, _ = run(url, "article", "show", story.slug, "--json")
    shown = json.loads(out)
    assert shown["id"] == str(story.id)
    assert shown["tags"][0]["name"] == "KOREA"
    code, out, _ = run(url, "article", "list", "--tag", "korea", "--kind", "region", "--json")
    assert code == 0
    assert [item["id"] for item in json.loads(out)["items"]] == [str(story.id)]
    code, out, _ = run(url, "article", "list")
    assert "Kaesong" in out  # the table, for people
    code, out, _ = run(url, "tag", "list", "--json")
    assert json.loads(out)[0]["article_count"] == 1


def test_errors_are_one_line_on_stderr_with_status_1(url):
    code, out, err = run(url, "article", "show", "no-such-story")
    assert code == 1
    assert out == ""
    assert err.strip() == "error: no article with slug 'no-such-story' in en"
    code, _, err = run(url, "article", "list", "--locale", "xx")
    assert code == 1
    assert err.startswith("error: ")
    assert "Traceback" not in err


def test_workflow_commands_move_an_article_and_record_history(url, story, live_store):
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    code, out, err = run(url, "article", "schedule", story.slug, future, "--actor", "ed")
    assert code == 0, err
    assert "scheduled" in out
    code, _, err = run(url, "article", "publish", story.slug, "--expected-version", "1")
    assert code == 1
    assert "at version 2, not 1" in err
    assert run(url, "article", "unpublish", story.slug)[0] == 0
    code, out, _ = run(url, "article", "publish", story.slug, "--json")
    assert code == 0
    assert json.loads(out)["status"] == Status.PUBLISHED.value
    code, out, err = run(
        url,
        "article",
        "correct",
        story.slug,
        "--summary",
        "Families wait for news.",
        "--note",
        "An earlier version left out the families' reaction.",
    )
    assert code == 0, err
    code, out, _ = run(url, "article", "history", story.slug, "--json")
    history = json.loads(out)
    assert [h["action"] for h in history] == [
        "create",
        "schedule",
        "unpublish",
        "publish",
        "correct",
    ]
    assert history[1]["actor"] == "ed"
    code, out, _ = run(url, "article", "diff", story.slug, "4", "5")
    assert "== summary" in out
    code, out, _ = run(url, "article", "restore", story.slug, "1", "--json")
    assert code == 0
    assert json.loads(out)["summary"] is None
    assert run(url, "article", "archive", story.slug)[0] == 0
    with live_store.session(readonly=True) as uow:
        final = uow.articles.get(story.id)
    assert final.status is Status.ARCHIVED
    assert [c.note for c in final.corrections] == [
        "An earlier version left out the families' reaction."
    ]


def test_expire_sets_and_removes_an_expiry_and_refuses_a_bad_one(url, story, live_store):
    assert run(url, "article", "publish", story.slug)[0] == 0
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    code, out, err = run(url, "article", "expire", story.slug, past)
    assert code == 1
    assert "expires_at" in err  # before its publication: refused, nothing written
    soon = datetime.now(UTC) + timedelta(days=2)
    code, out, err = run(url, "article", "expire", story.slug, soon.isoformat())
    assert code == 0, err
    assert "expires" in out
    with live_store.session(readonly=True) as uow:
        assert uow.articles.get(story.id).expires_at == soon
    assert run(url, "article", "expire", story.slug)[0] == 1  # neither a time nor --never
    code, out, err = run(url, "article", "expire", story.slug, "--never", "--json")
    assert code == 0, err
    assert json.loads(out)["expires_at"] is None


def test_people_are_listed_renamed_and_merged(url, live_store):
    with live_store.session() as uow:
        one = uow.articles.create(ArticleDraft(locale="en", headline="One", byline=["Joe Yun"]))
        two = uow.articles.create(ArticleDraft(locale="en", headline="Two", byline=["J. Yun"]))
    code, out, err = run(url, "people", "merge", "j-yun", "joe-yun")
    assert code == 0, err
    assert "credited as: Joe Yun, J. Yun" in out
    code, out, err = run(url, "people", "rename", "joe-yun", "Joseph Yun")
    assert code == 0, err
    assert "joseph-yun [en]" in out
    code, out, _ = run(url, "people", "list", "--json")
    (person,) = json.loads(out)
    assert (person["name"], person["slugs"]) == ("Joseph Yun", {"en": "joseph-yun"})
    assert person["id"] == str(one.byline[0].id)
    with live_store.session(readonly=True) as uow:
        assert uow.articles.get(two.id).byline[0].slug == "joseph-yun"
    code, _, err = run(url, "people", "merge", "nobody", "joseph-yun")
    assert code == 1
    assert "no person at en/nobody" in err


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, object]]] = []
    fail_after = 10**6

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if len(self.received) >= self.fail_after:
            self.send_response(503)
        else:
            self.received.append(json.loads(body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return


@pytest.fixture
def webhook():
    _Hook.received = []
    _Hook.fail_after = 10**6
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Hook
    server.shutdown()
    server.server_close()


def test_events_drain_posts_to_a_webhook_and_resumes_after_a_failure(url, story, webhook):
    hook_url, hook = webhook
    run(url, "article", "publish", story.slug)
    hook.fail_after = 1
    code, _, err = run(url, "events", "drain", "--webhook", hook_url)
    assert code == 1
    assert "HTTP Error 503" in err or "503" in err
    assert [e["kind"] for e in hook.received] == ["created"]
    hook.fail_after = 10**6
    code, out, _ = run(url, "events", "drain", "--webhook", hook_url, "--json")
    assert code == 0
    assert json.loads(out) == {"delivered": 1, "remaining": 0, "error": None}
    assert [e["kind"] for e in hook.received] == ["created", "published"]
    assert hook.received[1]["slug"] == story.slug


def test_events_drain_prints_json_lines_without_a_webhook(url, story):
    code, out, _ = run(url, "events", "drain")
    assert code == 0
    (line,) = out.splitlines()
    assert json.loads(line)["article_id"] == str(story.id)
    code, out, _ = run(url, "events", "prune", "--older-than-days", "0")
    assert code == 0
    assert "1 delivered event(s) removed" in out


def test_tag_rename_merge_and_prune(url, live_store):
    with live_store.session() as uow:
        uow.articles.create(ArticleDraft(locale="en", headline="One", tags=["Burma"]))
        uow.articles.create(ArticleDraft(locale="en", headline="Two", tags=["Myanmar"]))
        uow.tags.get_or_create("Unused", locale="en")
    code, out, err = run(url, "tag", "rename", "burma", "Myanmar (Burma)")
    assert code == 0, err
    assert "Myanmar (Burma) [en]" in out
    code, out, err = run(url, "tag", "merge", "myanmar", "burma")  # old slug still finds it
    assert code == 0, err
    code, out, _ = run(url, "tag", "prune")
    assert "1 unused tag(s) deleted" in out
    code, out, _ = run(url, "tag", "list", "--json")
    (only,) = json.loads(out)
    assert only["article_count"] == 2
    assert only["names"]["en"]["name"] == "Myanmar (Burma)"
    code, _, err = run(url, "tag", "merge", "nothing", "burma")
    assert code == 1
    assert err.startswith("error: no tag with slug 'nothing'")
