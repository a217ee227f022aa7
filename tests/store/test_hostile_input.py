"""Hostile values on the API and the CLI (issue #14): typed errors, data untouched.

Each case here escaped as a raw exception (or a traceback) before: datetimes that UTC
cannot hold, lone surrogates in lookups, versions past what an integer column holds,
durations past what a datetime holds, files that are not UTF-8.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from newscms.cli import cli
from newscms.domain import ArticleDraft, PendingTarget, Status
from newscms.errors import NewsCMSError, NotFoundError, ValidationError
from newscms.formats.ninjs import to_ninjs
from newscms.formats.site import Site
from newscms.store import Store
from newscms.utils.dates import format_date, in_zone, to_utc

pytestmark = pytest.mark.backends

BEFORE_YEAR_ONE = datetime(1, 1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
AFTER_YEAR_9999 = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))
EDGES = [BEFORE_YEAR_ONE, AFTER_YEAR_9999]


@pytest.fixture
def story(store: Store):
    with store.session() as uow:
        return uow.articles.create(
            ArticleDraft(locale="en", headline="Border talks", status=Status.PUBLISHED)
        )


@pytest.mark.parametrize("moment", EDGES, ids=["year-1", "year-9999"])
def test_moments_utc_cannot_hold_are_validation_errors_everywhere(store, story, snapshot, moment):
    before = snapshot()
    with pytest.raises(ValidationError, match="published_at"):
        ArticleDraft(locale="en", headline="x", published_at=moment)
    with store.session(readonly=True) as uow:
        with pytest.raises(ValidationError) as listed:
            uow.articles.list(published_after=moment)
        assert listed.value.field == "published_after"
        with pytest.raises(ValidationError) as searched:
            uow.search.search("border", published_before=moment)
        assert searched.value.field == "published_before"
    with pytest.raises(NewsCMSError), store.session() as uow:
        uow.workflow.schedule(story.id, moment)
    assert snapshot() == before


def test_moments_near_the_ends_of_time_are_shown_in_utc_where_a_zone_cannot(store):
    kiritimati = Site(
        name="News",
        base_url="https://news.example/",
        article_url="https://news.example/{locale}/{slug}",
        timezone="Pacific/Kiritimati",
    )
    late = datetime(9999, 12, 31, 20, tzinfo=UTC)  # already 10000-01-01 in Kiritimati
    assert in_zone(late, kiritimati.zone) == late
    with store.session() as uow:
        article = uow.articles.create(
            ArticleDraft(
                locale="en", headline="Far future", status=Status.PUBLISHED, published_at=late
            )
        )
    assert to_ninjs(article, site=kiritimati)["firstcreated"].startswith("9999-12-31T20:00:00")
    assert format_date(late, "en", zone="Pacific/Kiritimati", format="medium") == "Dec 31, 9999"
    assert to_utc(late) == late


def test_lone_surrogates_in_lookups_find_nothing(store, story):
    with store.session(readonly=True) as uow:
        with pytest.raises(NotFoundError):
            uow.articles.get_by_slug("en", "border\udcff")
        with pytest.raises(NotFoundError):
            uow.tags.get_by_slug("\udcff\udcfe", locale="en")


def test_a_pending_slug_with_lone_surrogates_is_cleaned_before_it_is_stored(store, story):
    pending = PendingTarget(slug="old\udcffstory", locale="en")
    assert pending.slug == "old\ufffdstory"


@pytest.mark.parametrize("version", [0, -1, 2**31, 2**63, True])
def test_revision_numbers_past_an_integer_column_are_validation_errors(store, story, version):
    with store.session() as uow:
        with pytest.raises(ValidationError):
            uow.revisions.get(story.id, version)
        with pytest.raises(ValidationError):
            uow.revisions.diff(story.id, 1, version)
        with pytest.raises(ValidationError):
            uow.revisions.restore(story.id, version, expected_version=1)


def test_pruning_events_older_than_all_time_prunes_nothing(store, story):
    assert store.prune_events(older_than=timedelta.max) == 0


# -- the CLI: one line, never a traceback ------------------------------------------------------


def run(engine, *args: str) -> tuple[int, str]:
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_diff_with_a_version_past_any_integer_is_one_line(engine, story):
    code, output = run(engine, "article", "diff", story.slug, "1", "99999999999999999999")
    assert code == 1
    assert output.strip().count("\n") == 0
    assert output.startswith("error: version:")


def test_cli_prune_with_days_past_any_date_is_a_usage_error(engine, story):
    code, output = run(engine, "events", "prune", "--older-than-days", "99999999999")
    assert code == 2
    assert "Traceback" not in output
    code, output = run(engine, "events", "prune", "--older-than-days", "999999999")
    assert code == 0
    assert "0 delivered event(s) removed" in output


def test_cli_show_with_undecodable_bytes_is_not_found(engine, story):
    code, output = run(engine, "article", "show", "\udcff\udcfe")
    assert code == 1
    assert output.startswith("error: no article with slug")


def test_cli_correct_with_a_body_file_that_is_not_utf8_is_one_line(engine, story, tmp_path):
    body = tmp_path / "body.html"
    body.write_bytes(b"\xff\xfe<p>Latin-1 \xe9</p>")
    code, output = run(
        engine, "article", "correct", story.slug, "--body-file", str(body), "--note", "Fixed."
    )
    assert code == 1
    assert (
        output.strip() == f"error: body_file: {body} is not UTF-8 text (byte 0); convert it first"
    )
