"""Every error newscms raises, under one root so callers can catch them all.

The tree::

    NewsCMSError
    ├── ValidationError              bad input; ``field`` names what was refused
    │   ├── LocaleError              unknown or malformed BCP 47 locale
    │   ├── NaiveDatetimeError       a datetime without a time zone
    │   ├── DateParseError           a date string no rule understands
    │   │   └── AmbiguousDateError   day-first or month-first cannot be decided
    │   ├── InvalidCursorError       a pagination cursor that is forged or stale
    │   ├── QueryError               a search query that cannot be run
    │   └── InvalidAddressError      an e-mail address that cannot receive mail
    ├── NotFoundError                the thing asked for does not exist
    ├── ConflictError                a write based on a stale version
    │   └── RetryableError           a concurrent transaction won; run the unit of work again
    ├── IntegrityError               a write that would break a rule of the data
    │   ├── DuplicateError           the same thing twice (slug, relation, tag name)
    │   └── RelationError            a relation that cannot exist (self-link, …)
    ├── WorkflowError                an editorial transition that is not allowed
    ├── PreviewTokenError            a preview token that is tampered, expired or foreign
    ├── SubscriptionTokenError       a newsletter link that is tampered, expired or spent
    ├── RateLimitedError             too many messages from one sender or to one address
    ├── DeliveryError                the SMTP server refused or could not be reached
    ├── ImportFailure                a source document the importers cannot read
    ├── ReadOnlyError                a write asked of a read-only unit of work
    ├── StoreError                   the database refused or is unreachable
    │   ├── UnavailableError         the primary cannot be reached: no writes for now
    │   ├── SchemaError              the schema is missing or older than this newscms
    │   └── MigrationError           a migration could not run
    └── MissingDependencyError       an optional extra is not installed

``ValidationError`` and its children are also ``ValueError`` so generic code that
catches ``ValueError`` keeps working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pydantic

__all__ = [
    "AmbiguousDateError",
    "ConflictError",
    "DateParseError",
    "DeliveryError",
    "DuplicateError",
    "ImportFailure",
    "IntegrityError",
    "InvalidAddressError",
    "InvalidCursorError",
    "LocaleError",
    "MigrationError",
    "MissingDependencyError",
    "NaiveDatetimeError",
    "NewsCMSError",
    "NotFoundError",
    "PreviewTokenError",
    "QueryError",
    "RateLimitedError",
    "ReadOnlyError",
    "RelationError",
    "RetryableError",
    "SchemaError",
    "StoreError",
    "SubscriptionTokenError",
    "UnavailableError",
    "ValidationError",
    "WorkflowError",
]


class NewsCMSError(Exception):
    """Root of every error newscms raises on purpose."""


class ValidationError(NewsCMSError, ValueError):
    """Input was refused; ``field`` is the dotted path of the (first) offending value.

    ``problems`` lists every refusal as ``(field, message)`` pairs when several fields
    were wrong at once.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        self.message = message
        self.problems: tuple[tuple[str, str], ...] = ((field or "", message),)
        super().__init__(f"{field}: {message}" if field else message)

    @classmethod
    def from_pydantic(
        cls, exc: pydantic.ValidationError, *, prefix: str | None = None
    ) -> ValidationError:
        """Turn pydantic's report into ours: every failure listed, the first one's field kept.

        A failure raised by one of our own validators keeps its class (``LocaleError``,
        ``NaiveDatetimeError``, ...) and its details, with the field path prepended.
        """
        problems: list[tuple[str, str]] = []
        first: ValidationError | None = None
        for err in exc.errors(include_url=False):
            where = ".".join(str(part) for part in (prefix, *err["loc"]) if part not in (None, ""))
            original = err.get("ctx", {}).get("error")
            if isinstance(original, ValidationError):
                first = first or original
                for field, message in original.problems:
                    problems.append((".".join(p for p in (where, field) if p), message))
            else:
                problems.append((where, err["msg"].removeprefix("Value error, ")))
        kind = type(first) if first is not None else cls
        error = kind.__new__(kind)
        if first is not None:
            error.__dict__.update(first.__dict__)
        text = "; ".join(f"{field}: {message}" if field else message for field, message in problems)
        ValueError.__init__(error, text or f"invalid {exc.title}")
        error.problems = tuple(problems)
        error.field = problems[0][0] if problems else prefix
        error.message = problems[0][1] if len(problems) == 1 else text
        return error

    def __str__(self) -> str:
        return str(self.args[0])


class LocaleError(ValidationError):
    """A locale is not a known BCP 47 tag (``"en-US"``, ``"zh-Hant-TW"``, ``"it"``)."""


class NaiveDatetimeError(ValidationError):
    """A datetime carries no time zone, so the moment it names is unknown."""


class DateParseError(ValidationError):
    """A date string matches none of the supported formats."""

    def __init__(self, message: str, *, raw: str, field: str | None = None) -> None:
        self.raw = raw
        super().__init__(message, field=field)


class AmbiguousDateError(DateParseError):
    """``03/04/2012`` could be March or April and nothing says which."""


class InvalidCursorError(ValidationError):
    """A pagination cursor was tampered with, truncated, or made for another query."""


class QueryError(ValidationError):
    """A search query cannot be run as typed; the message says what to change."""


class InvalidAddressError(ValidationError):
    """An e-mail address is malformed, too long, or has a domain that cannot exist."""


class NotFoundError(NewsCMSError, LookupError):
    """The article, tag, relation or revision asked for does not exist."""

    def __init__(self, message: str, *, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(message)


class ConflictError(NewsCMSError):
    """A write lost to another one; nothing was written.

    For a save based on an old version, ``current_version`` is the version now stored,
    ``expected_version`` the one the caller gave and ``changed_fields`` what changed
    since then (empty when unknown), so an editor can merge. Both versions are ``None``
    when the caller named none (a conflict between concurrent transactions).
    """

    def __init__(
        self,
        message: str,
        *,
        current_version: int | None = None,
        expected_version: int | None = None,
        changed_fields: Sequence[str] = (),
        current: Mapping[str, Any] | None = None,
    ) -> None:
        self.current_version = current_version
        self.expected_version = expected_version
        self.changed_fields = tuple(changed_fields)
        self.current = dict(current or {})
        super().__init__(message)


class RetryableError(ConflictError):
    """A deadlock, serialization failure or lock timeout ended the unit of work.

    Nothing of the unit of work was committed and nothing more runs in it. Run the
    whole unit again (``store.run(work, retries=N)`` does); ``cause`` is the
    database's own words.
    """

    def __init__(self, message: str, *, cause: str) -> None:
        self.cause = cause
        super().__init__(message)


class IntegrityError(NewsCMSError):
    """A write would break a rule of the stored data; nothing was written."""


class DuplicateError(IntegrityError):
    """The same slug, relation or tag name already exists."""


class RelationError(IntegrityError):
    """A relation cannot exist as asked (an article linked to itself, a bad target)."""


class WorkflowError(NewsCMSError):
    """An editorial status transition that the workflow does not allow."""


class PreviewTokenError(NewsCMSError):
    """A preview token is malformed, tampered with, expired or for another article."""


class SubscriptionTokenError(NewsCMSError):
    """A newsletter link (confirm, preferences, unsubscribe) is altered, expired or spent.

    Nothing was changed; the reader can ask for a new link by subscribing again.
    """


class RateLimitedError(NewsCMSError):
    """Too many messages from one sender or to one recipient; ``retry_after`` is in seconds."""

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class DeliveryError(NewsCMSError):
    """The SMTP server refused a message or could not be reached; ``code`` is its reply."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        self.code = code
        super().__init__(message)


class ImportFailure(NewsCMSError):
    """A source document could not be imported; ``source`` and ``line`` say where."""

    def __init__(self, message: str, *, source: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class ReadOnlyError(NewsCMSError):
    """A write was asked of a read-only unit of work (``store.session(readonly=True)``).

    Such a unit may run on a replica, and on PostgreSQL its statements are not one
    transaction, so nothing it would write could be atomic: write in ``store.session()``.
    """


class StoreError(NewsCMSError):
    """The database refused an operation or could not be reached."""


class UnavailableError(StoreError):
    """The primary database cannot be reached, so nothing can be written for now.

    Reads of a store with replicas go on being served by them meanwhile; retry the
    write once the primary is back.
    """


class SchemaError(StoreError):
    """The newscms tables are missing or older than this version of newscms."""


class MigrationError(StoreError):
    """An Alembic migration of the newscms tables failed."""


class MissingDependencyError(NewsCMSError, ImportError):
    """An optional feature needs an extra that is not installed."""

    def __init__(self, package: str, *, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{package} is not installed; install it with: pip install 'newscms[{extra}]'"
        )
