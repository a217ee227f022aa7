"""``newscms newsletter ...`` against a real SMTP server: the commands are thin and say why."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from newsletter_support import SECRET, link_token, text_part
from test_newsletter_delivery import PUBLISHED, publish

from newscms.cli import cli

pytestmark = pytest.mark.backends

END = "2026-01-15T00:00:00+01:00"


@pytest.fixture
def run(engine, smtp_server):  # type: ignore[no-untyped-def]
    url = engine.url.render_as_string(hide_password=False)

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(
            cli,
            [
                "--db",
                url,
                "newsletter",
                "--secret",
                SECRET,
                "--from",
                "news@example.org",
                "--site-name",
                "AsiaNews",
                "--site-url",
                "https://news.example.org/",
                "--timezone",
                "Europe/Rome",
                "--smtp-port",
                str(smtp_server.port),
                *args,
            ],
            catch_exceptions=False,
        )
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_the_whole_life_of_a_subscriber_from_the_command_line(run, smtp_server, store):
    publish(store, "it", "Pechino non vuole", region="COREA", when=PUBLISHED)
    code, out, _ = run("subscribe", "Lucia@example.it", "--locale", "it", "--json")
    assert code == 0
    assert json.loads(out)["status"] == "pending"
    (confirmation,) = smtp_server.sink.to("lucia@example.it")
    url = next(line for line in text_part(confirmation).splitlines() if "/confirm?" in line)
    code, out, _ = run("confirm", link_token(url.split(": ", 1)[1])[1])
    assert (code, out) == (0, "lucia@example.it: active\n")

    code, out, err = run("digest", "--dry-run", "--period-end", END)
    assert code == 0
    assert out == "lucia@example.it\tAsiaNews: le notizie del giorno, 14 gennaio 2026\n"
    assert "1 messages would be sent" in err
    assert len(smtp_server.sink.received) == 1  # a dry run sends nothing

    code, out, _ = run("send", "--period-end", END, "--json")
    assert code == 0
    assert json.loads(out) | {"digest": None} == {
        "digest": None,
        "sent": 1,
        "already_sent": 0,
        "in_doubt": 0,
        "empty": 0,
        "failed": 0,
        "deferred": 0,
    }
    code, out, _ = run("send", "--period-end", END, "--json")
    assert json.loads(out)["already_sent"] == 1

    code, out, _ = run("export", "lucia@example.it")
    assert code == 0
    assert [send["state"] for send in json.loads(out)["sends"]] == ["sent"]
    code, out, _ = run("erase", "lucia@example.it", "--yes")
    assert (code, json.loads(out)["subscribers"]) == (0, 1)


def test_errors_are_one_line_and_exit_1(run, snapshot):
    before = snapshot()
    for args, message in (
        (("subscribe", "not-an-address", "--locale", "en"), "error: email:"),
        (("unsubscribe", "nobody@example.org"), "error: no subscriber has this address"),
        (("confirm", "forged.token"), "error: this confirm link"),
        (("digest",), "error: add --dry-run"),
        (("export", "nobody@example.org"), "error: nothing is stored"),
    ):
        code, _, err = run(*args)
        assert code == 1, args
        assert err.startswith(message), err
        assert err.count("\n") == 1
    assert snapshot() == before
