"""Hostile arguments to every ``newscms`` command, on every backend.

Each command gets generated arguments: hostile text for every slug, name, locale, kind,
query, cursor, time and number, mixed with real slugs and good values. Whatever it is
given, a command must end in one of three ways: success (exit 0), a one-line newscms
error (exit 1) or a click usage error (exit 2); never a traceback or another exit code.
A refused command (exit 1 or 2) leaves every row of the database as it was. Exports
are given output names only inside a temporary directory (the tests run as root).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from fuzz_values import hostile_ints
from fuzz_values import hostile_text as _any_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from newscms.cli import cli
from newscms.domain import ArticleDraft, Status
from newscms.store import Store

pytestmark = pytest.mark.backends

EXAMPLES = int(os.environ.get("NEWSCMS_FUZZ_EXAMPLES", "25"))
SLUG = "seoul-claims-pyongyang-test-fired-missiles"
TAG = "nuclear"


def _as_argv(text: str) -> str:
    """``text`` as a shell can pass it: any bytes but NUL, decoded as Python decodes argv.

    Bytes that are not UTF-8 arrive as lone surrogates U+DC80..U+DCFF (surrogateescape);
    other lone surrogates cannot come from a command line.
    """
    raw = text.encode("utf-8", "surrogatepass").replace(b"\x00", b"")
    return os.fsdecode(raw)


hostile_text = _any_text.map(_as_argv)
word = st.one_of(hostile_text, st.just(SLUG), st.just(TAG), st.just("en"), st.just("it"))
number = st.one_of(st.sampled_from(["1", "2", "0", "-1", "99999999999999999999"]), hostile_text)
number = number | hostile_ints.map(str)
moment = st.one_of(
    st.sampled_from(
        ["2026-01-15T12:00:00+00:00", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-12:00"]
    ),
    hostile_text,
)
flag = st.sampled_from([[], ["--json"]])


def _options(**choices: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """Some of the options ``choices`` names, each with a drawn value."""
    return st.fixed_dictionaries({}, optional=choices).map(
        lambda drawn: [part for name, value in drawn.items() for part in (name, value)]
    )


def _command(*words: str, args: list[Any], opts: dict[str, Any]) -> st.SearchStrategy[list[str]]:
    """``newscms WORDS ARGS... [OPTIONS]`` with drawn positional arguments and options."""
    return st.tuples(st.tuples(*args) if args else st.just(()), _options(**opts), flag).map(
        lambda parts: [*words, *parts[0], *parts[1], *parts[2]]
    )


COMMANDS: dict[str, st.SearchStrategy[list[str]]] = {
    "article list": _command(
        "article",
        "list",
        args=[],
        opts={
            "--locale": word,
            "--tag": word,
            "--kind": word,
            "--status": word,
            "--limit": number,
            "--cursor": hostile_text,
        },
    ),
    "article show": _command("article", "show", args=[word], opts={"--locale": word}),
    "article publish": _command(
        "article",
        "publish",
        args=[word],
        opts={"--locale": word, "--expected-version": number, "--actor": word, "--at": moment},
    ),
    "article schedule": _command(
        "article", "schedule", args=[word, moment], opts={"--expected-version": number}
    ),
    "article unpublish": _command("article", "unpublish", args=[word], opts={"--actor": word}),
    "article archive": _command(
        "article", "archive", args=[word], opts={"--expected-version": number}
    ),
    "article correct": _command(
        "article",
        "correct",
        args=[word],
        opts={"--note": hostile_text, "--headline": hostile_text, "--summary": hostile_text},
    ),
    "article history": _command("article", "history", args=[word], opts={"--locale": word}),
    "article diff": _command("article", "diff", args=[word, number, number], opts={}),
    "article restore": _command(
        "article", "restore", args=[word, number], opts={"--expected-version": number}
    ),
    "article related": _command("article", "related", args=[word], opts={"--limit": number}),
    "article publish-due": _command("article", "publish-due", args=[], opts={"--actor": word}),
    "tag list": _command("tag", "list", args=[], opts={"--kind": word}),
    "tag rename": _command(
        "tag", "rename", args=[word, hostile_text], opts={"--locale": word, "--kind": word}
    ),
    "tag merge": _command("tag", "merge", args=[word, word], opts={"--locale": word}),
    "tag split": _command("tag", "split", args=[word], opts={"--locale": word, "--kind": word}),
    "tag code": _command("tag", "code", args=[word, word], opts={"--kind": word}),
    "search": _command(
        "search",
        args=[hostile_text],
        opts={"--locale": word, "--limit": number, "--cursor": hostile_text},
    ),
    "export redirects": _command(
        "export",
        "redirects",
        args=[],
        opts={"--base-url": word, "--url-template": hostile_text, "--format": word},
    ),
    "events drain": _command("events", "drain", args=[], opts={"--limit": number}),
    "events prune": _command("events", "prune", args=[], opts={"--older-than-days": number}),
}


def _rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in store.tables.metadata.sorted_tables
        }


@pytest.fixture
def seeded(store: Store, reset: Callable[[], None]) -> Callable[[], None]:
    """Return a function storing the small archive the commands work on (from empty)."""

    def seed() -> None:
        reset()
        with store.session() as uow:
            first = uow.articles.create(
                ArticleDraft(
                    locale="en",
                    headline="Seoul claims Pyongyang test-fired missiles",
                    status=Status.PUBLISHED,
                    tags=["Nuclear"],
                )
            )
            uow.articles.update(first.id, first_patch())

    def first_patch() -> Any:
        from newscms.domain import ArticlePatch

        return ArticlePatch(expected_version=1, summary="A second revision to diff.")

    seed()
    return seed


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_command_ends_in_one_line_or_a_usage_error(store, seeded, command, data):
    argv = data.draw(COMMANDS[command])
    before = _rows(store)
    result = CliRunner().invoke(cli, ["--db", _url(store), *argv])
    called = " ".join(map(repr, argv))
    shown = f"newscms {called} -> {result.exit_code}: {result.output!r} {result.exception!r}"
    assert result.exit_code in (0, 1, 2), shown
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), shown
    assert "Traceback" not in result.output, shown
    if result.exit_code == 1:
        assert result.output.startswith("error: "), shown
        assert result.output.rstrip("\n").count("\n") == 0, shown
    if result.exit_code != 0:
        assert _rows(store) == before, f"a refused command changed the data: {shown}"
    elif _rows(store) != before:
        seeded()  # a command that worked changed the archive: start the next one afresh


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fmt=st.one_of(st.sampled_from(["json", "ninjs", "jsonld", "rss", "atom", "sitemap"]), word),
    name=hostile_text.filter(lambda n: "/" not in n and "\x00" not in n and n not in (".", "..")),
    zone=st.one_of(st.sampled_from(["UTC", "Pacific/Kiritimati", "Etc/GMT+12"]), hostile_text),
)
def test_export_ends_in_one_line_and_writes_only_where_asked(
    store, seeded, tmp_path_factory, fmt, name, zone
):
    out = tmp_path_factory.mktemp("export")
    target = out / name if name else out / "feed"
    before = _rows(store)
    result = CliRunner().invoke(
        cli, ["--db", _url(store), "export", fmt, "-o", str(target), "--timezone", zone]
    )
    shown = f"export {fmt!r} -o {target!r} --timezone {zone!r} -> {result.output!r}"
    assert result.exit_code in (0, 1, 2), shown
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), shown
    assert "Traceback" not in result.output, shown
    assert _rows(store) == before, shown  # an export never writes to the database
