"""Errors as problem+json: every class of the error tree has a decided status."""

from __future__ import annotations

import inspect
import json
import logging
from typing import Any

import pytest

import newscms.errors
from newscms.errors import (
    ConflictError,
    DateParseError,
    ImportFailure,
    InvalidCursorError,
    LocaleError,
    MissingDependencyError,
    NewsCMSError,
    NotFoundError,
    RetryableError,
    StoreError,
    ValidationError,
)
from newscms.http import PROBLEMS, problem_response, validation_problem

ERROR_CLASSES = sorted(
    (
        kind
        for _, kind in inspect.getmembers(newscms.errors, inspect.isclass)
        if issubclass(kind, NewsCMSError)
    ),
    key=lambda kind: kind.__name__,
)

# The statuses of the shared contract (docs/http.md repeats them).
CONTRACT = {
    "NewsCMSError": 500,
    "ValidationError": 422,
    "LocaleError": 422,
    "NaiveDatetimeError": 422,
    "DateParseError": 422,
    "AmbiguousDateError": 422,
    "InvalidCursorError": 400,
    "QueryError": 400,
    "NotFoundError": 404,
    "RetryableError": 503,
    "ConflictError": 409,
    "DuplicateError": 409,
    "RelationError": 422,
    "IntegrityError": 409,
    "WorkflowError": 409,
    "PreviewTokenError": 403,
    "InvalidAddressError": 422,
    "SubscriptionTokenError": 403,
    "RateLimitedError": 429,
    "DeliveryError": 503,
    "ImportFailure": 422,
    "StoreError": 503,
    "SchemaError": 503,
    "UnavailableError": 503,
    "MigrationError": 503,
    "MissingDependencyError": 500,
    "ReadOnlyError": 500,
}


def _instance(kind: type[NewsCMSError]) -> NewsCMSError:  # noqa: PLR0911 - one per constructor
    """An error of ``kind`` with a message, whatever its constructor asks for."""
    if issubclass(kind, DateParseError):
        return kind("cannot read it", raw="32/13/2012", field="published_at")
    if issubclass(kind, ValidationError):
        return kind("is wrong", field="headline")
    if issubclass(kind, NotFoundError):
        return kind("no article with slug 'x' in en", kind="article", key=("en", "x"))
    if issubclass(kind, RetryableError):
        return kind("another transaction won; try again", cause="deadlock detected")
    if issubclass(kind, ImportFailure):
        return kind("no headline", source="page.html", line=3)
    if issubclass(kind, MissingDependencyError):
        return kind("fastapi", extra="fastapi")
    return kind("refused: secret internals")


def _body(response: Any) -> dict[str, Any]:
    assert response.media_type == "application/problem+json"
    data: dict[str, Any] = json.loads(response.body)
    return data


@pytest.mark.parametrize("kind", ERROR_CLASSES, ids=lambda kind: kind.__name__)
def test_every_error_class_has_a_decided_answer(kind: type[NewsCMSError]) -> None:
    assert kind in PROBLEMS, f"decide the HTTP status of {kind.__name__} in newscms.http"
    assert PROBLEMS[kind].status == CONTRACT[kind.__name__]
    response = problem_response(_instance(kind))
    body = _body(response)
    assert response.status == body["status"] == CONTRACT[kind.__name__]
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert body["type"].startswith(("urn:newscms:problem:", "about:blank"))


def test_validation_errors_list_every_field_and_a_path_error_is_a_404() -> None:
    error = ValidationError("two things")
    error.problems = (("locale", "not a locale"), ("headline", "must not be blank"))
    body = _body(problem_response(error))
    assert body["status"] == 422
    assert body["errors"] == [
        {"field": "locale", "message": "not a locale"},
        {"field": "headline", "message": "must not be blank"},
    ]
    in_path = problem_response(LocaleError("'xx-!!' is not a locale", field="locale"), in_path=True)
    assert in_path.status == 404
    assert _body(in_path)["errors"] == [{"field": "locale", "message": "'xx-!!' is not a locale"}]
    cursor = problem_response(InvalidCursorError("forged", field="cursor"))
    assert cursor.status == 400
    assert problem_response(NotFoundError("no", kind="tag", key="x"), in_path=True).status == 404


def test_conflicts_say_what_changed_and_retryable_ones_when_to_retry() -> None:
    conflict = ConflictError(
        "stale", current_version=3, expected_version=2, changed_fields=("headline",)
    )
    body = _body(problem_response(conflict))
    assert (body["current_version"], body["expected_version"], body["changed_fields"]) == (
        3, 2, ["headline"],
    )  # fmt: skip
    retry = problem_response(RetryableError("try again", cause="deadlock detected"))
    assert retry.header("retry-after") == "1"
    assert "deadlock" not in retry.body.decode()  # type: ignore[union-attr]
    assert _body(problem_response(NotFoundError("no", kind="tag", key="x")))["kind"] == "tag"


def test_internals_are_logged_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="newscms.http"):
        for error in (RuntimeError("password=hunter2"), StoreError("password=hunter2 at db:5432")):
            response = problem_response(error)
            assert response.status in (500, 503)
            assert "hunter2" not in response.body.decode()  # type: ignore[union-attr]
    assert len(caplog.records) == 2
    assert problem_response(KeyError("x")).status == 500
    assert _body(problem_response(KeyError("x")))["type"] == "about:blank"


def test_an_application_subclass_answers_as_its_parent() -> None:
    class EmbargoedError(NotFoundError):
        pass

    assert problem_response(EmbargoedError("hidden", kind="article", key=1)).status == 404


def test_framework_validation_errors_read_like_ours() -> None:
    response = validation_problem([("limit", "not an integer"), ("", "body missing")])
    body = _body(response)
    assert response.status == 422
    assert body["errors"] == [
        {"field": "limit", "message": "not an integer"},
        {"field": "", "message": "body missing"},
    ]
    assert body["detail"] == "limit: not an integer; body missing"
