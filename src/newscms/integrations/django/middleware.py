"""``ProblemMiddleware``: a ``NewsCMSError`` escaping a view answers as problem+json."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newscms.errors import NewsCMSError
from newscms.http import problem_response
from newscms.integrations.django.views import django_response

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["ProblemMiddleware"]


class ProblemMiddleware:
    """Answer RFC 9457 problems for newscms errors raised by any view (404, 409, 422, ...).

    Add ``"newscms.integrations.django.middleware.ProblemMiddleware"`` to ``MIDDLEWARE``.
    Other exceptions are left to Django.
    """

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        """Pass the request on; ``process_exception`` does the work."""
        return self.get_response(request)

    def process_exception(self, request: Any, exception: Exception) -> Any:
        """The problem response for a ``NewsCMSError``; None lets Django handle the rest."""
        if isinstance(exception, NewsCMSError):
            return django_response(problem_response(exception))
        return None
