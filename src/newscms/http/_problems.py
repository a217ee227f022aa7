"""Errors as HTTP responses: RFC 9457 ``application/problem+json`` built from ``newscms.errors``.

Every class of the error tree has its status here, decided once; ``problem_response``
looks an error up by its class's ancestry, so an application's own subclass answers as
its parent does. What a client may fix is said in ``detail`` and, for refused input,
field by field in ``errors``; what only an operator can fix (the database, a missing
extra) is logged, and the client reads a generic sentence.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from newscms.errors import (
    AmbiguousDateError,
    ConflictError,
    DateParseError,
    DeliveryError,
    DuplicateError,
    ImportFailure,
    IntegrityError,
    InvalidAddressError,
    InvalidCursorError,
    LocaleError,
    MigrationError,
    MissingDependencyError,
    NaiveDatetimeError,
    NewsCMSError,
    NotFoundError,
    PreviewTokenError,
    QueryError,
    RateLimitedError,
    ReadOnlyError,
    RelationError,
    RetryableError,
    SchemaError,
    StoreError,
    SubscriptionTokenError,
    UnavailableError,
    ValidationError,
    WorkflowError,
)
from newscms.http._messages import HttpResponse, json_body

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "PROBLEMS",
    "PROBLEM_MEDIA_TYPE",
    "Problem",
    "precondition_failed",
    "problem_for",
    "problem_response",
    "validation_problem",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"

_logger = logging.getLogger("newscms.http")


class Problem:
    """How one error class answers: status, title, and whether its message may be shown."""

    __slots__ = ("public", "status", "title")

    def __init__(self, status: int, title: str, *, public: bool = True) -> None:
        self.status = status
        self.title = title
        self.public = public

    def __repr__(self) -> str:
        return f"Problem({self.status}, {self.title!r}, public={self.public})"


PROBLEMS: dict[type[BaseException], Problem] = {
    NewsCMSError: Problem(500, "Internal server error", public=False),
    ValidationError: Problem(422, "Invalid input"),
    LocaleError: Problem(422, "Invalid locale"),
    NaiveDatetimeError: Problem(422, "Date without a time zone"),
    DateParseError: Problem(422, "Unreadable date"),
    AmbiguousDateError: Problem(422, "Ambiguous date"),
    InvalidCursorError: Problem(400, "Invalid cursor"),
    QueryError: Problem(400, "Invalid search query"),
    NotFoundError: Problem(404, "Not found"),
    ConflictError: Problem(409, "Edit conflict"),
    RetryableError: Problem(503, "Concurrent change, try again"),
    IntegrityError: Problem(409, "Integrity conflict"),
    DuplicateError: Problem(409, "Already exists"),
    RelationError: Problem(422, "Invalid relation"),
    WorkflowError: Problem(409, "Transition not allowed"),
    PreviewTokenError: Problem(403, "Invalid preview token"),
    InvalidAddressError: Problem(422, "Invalid e-mail address"),
    SubscriptionTokenError: Problem(403, "Invalid or expired newsletter link"),
    RateLimitedError: Problem(429, "Too many messages"),
    DeliveryError: Problem(503, "Mail delivery unavailable", public=False),
    ImportFailure: Problem(422, "Unreadable source document"),
    ReadOnlyError: Problem(500, "Internal server error", public=False),
    StoreError: Problem(503, "Storage unavailable", public=False),
    SchemaError: Problem(503, "Storage not ready", public=False),
    UnavailableError: Problem(503, "Storage unavailable", public=False),
    MigrationError: Problem(503, "Storage not ready", public=False),
    MissingDependencyError: Problem(500, "Internal server error", public=False),
}
"""The answer of every class of ``newscms.errors``; a test keeps it complete."""

_INTERNAL = Problem(500, "Internal server error", public=False)
_HIDDEN_DETAIL = {
    500: "the server could not complete the request",
    503: "the service is unavailable for a moment; try again later",
}
_NOT_FOUND = PROBLEMS[NotFoundError]
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def problem_for(error: BaseException) -> Problem:
    """How ``error`` answers: its class's entry in ``PROBLEMS``, else its nearest parent's."""
    for kind in type(error).__mro__:
        problem = PROBLEMS.get(kind)
        if problem is not None:
            return problem
    return _INTERNAL


def problem_response(error: BaseException, *, in_path: bool = False) -> HttpResponse:
    """The RFC 9457 problem response for ``error``.

    The body is ``{"type", "title", "status", "detail", "errors": [{"field",
    "message"}]}``, plus the versions and changed fields of a ``ConflictError``
    (``current_version``, ``expected_version``, ``changed_fields``) and the ``kind`` of
    what a ``NotFoundError`` did not find. A ``RetryableError`` adds ``Retry-After: 1``,
    a ``RateLimitedError`` ``Retry-After`` with its own wait.

    Args:
        error: What the request raised; anything that is not a ``NewsCMSError`` is a
            500 whose body says nothing about it (it is logged instead).
        in_path: ``error`` is about a value of the URL's path (a locale or slug that
            names no page): a ``ValidationError`` is then a 404, its field detail kept.

    Returns:
        The response, with ``Content-Type: application/problem+json``.
    """
    problem = problem_for(error)
    if in_path and isinstance(error, ValidationError):
        problem = _NOT_FOUND
    if problem.public:
        detail = str(error)
    else:
        _logger.error(
            "%s answered as HTTP %s", type(error).__name__, problem.status, exc_info=error
        )
        detail = _HIDDEN_DETAIL.get(problem.status, _HIDDEN_DETAIL[500])
    problems = error.problems if isinstance(error, ValidationError) else ()
    extra: dict[str, Any] = {}
    if isinstance(error, ConflictError):
        extra = {
            "current_version": error.current_version,
            "expected_version": error.expected_version,
            "changed_fields": list(error.changed_fields),
        }
    elif isinstance(error, NotFoundError):
        extra = {"kind": error.kind}
    kind = _type_of(error, problem)
    headers: tuple[tuple[str, str], ...] = ()
    if isinstance(error, RetryableError):
        headers = (("Retry-After", "1"),)
    elif isinstance(error, RateLimitedError):
        headers = (("Retry-After", str(max(1, error.retry_after))),)
    return _problem(
        problem.status, problem.title, detail,
        problems=problems, kind=kind, extra=extra, headers=headers,
    )  # fmt: skip


def validation_problem(
    problems: Iterable[tuple[str, str]], *, detail: str | None = None
) -> HttpResponse:
    """A 422 problem listing refused fields, for errors a framework found itself.

    An adapter turns its framework's request validation errors (FastAPI's
    ``RequestValidationError``) into ``(field, message)`` pairs and answers with this,
    so they read exactly like the library's own ``ValidationError``.
    """
    listed = tuple(problems)
    text = detail or "; ".join(
        f"{field}: {message}" if field else message for field, message in listed
    )
    error = ValidationError(text or "the request is not valid")
    error.problems = listed
    return problem_response(error)


def _type_of(error: BaseException, problem: Problem) -> str:
    """The problem's ``type``: a URN naming the error class that answered."""
    if problem is _INTERNAL:
        return "about:blank"
    if problem is _NOT_FOUND:
        return "urn:newscms:problem:not-found"
    kind = next(k for k in type(error).__mro__ if PROBLEMS.get(k) is problem)
    words = _WORD_START.sub("-", kind.__name__.removesuffix("Error")).lower()
    return f"urn:newscms:problem:{words}"


def _problem(
    status: int,
    title: str,
    detail: str,
    *,
    problems: Iterable[tuple[str, str]] = (),
    kind: str = "about:blank",
    extra: dict[str, Any] | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": kind,
        "title": title,
        "status": status,
        "detail": detail,
        "errors": [{"field": field, "message": message} for field, message in problems],
        **(extra or {}),
    }
    return HttpResponse(status, (("Content-Type", PROBLEM_MEDIA_TYPE), *headers), json_body(body))


def precondition_failed(detail: str) -> HttpResponse:
    """412: the representation the client based its request on is not the current one."""
    return _problem(
        412, "Precondition failed", detail, kind="urn:newscms:problem:precondition-failed"
    )
