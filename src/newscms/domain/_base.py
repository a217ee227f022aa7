"""The base of every domain model and the field types they share.

Models are frozen pydantic models that refuse unknown fields. Any refusal surfaces as
``newscms.errors.ValidationError`` (or a subclass such as ``LocaleError``) whose message
names the field, never as pydantic's own exception.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from newscms.errors import NaiveDatetimeError, ValidationError
from newscms.utils.dates import to_utc
from newscms.utils.locales import normalize_locale
from newscms.utils.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "DomainModel",
    "Identifier",
    "LocaleTag",
    "UTCDatetime",
    "single_line",
    "text_check",
]


class DomainModel(BaseModel):
    """Frozen, strict-about-extras model whose validation errors are newscms errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise ValidationError.from_pydantic(exc) from None

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        """Validate ``obj`` into this model, raising ``newscms.errors.ValidationError``."""
        try:
            return super().model_validate(obj, **options)
        except pydantic.ValidationError as exc:
            raise ValidationError.from_pydantic(exc) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **options: Any) -> Self:
        """Parse and validate JSON into this model, raising ``newscms.errors.ValidationError``."""
        try:
            return super().model_validate_json(json_data, **options)
        except pydantic.ValidationError as exc:
            raise ValidationError.from_pydantic(exc) from None


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            "a naive datetime was given; attach a time zone (for example tzinfo=UTC)"
        )
    return to_utc(value)


UTCDatetime = Annotated[datetime, AfterValidator(_require_aware)]
"""A timezone-aware datetime, converted to UTC; naive values are refused."""


def _locale(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a locale must be a string like 'en' or 'it-IT', not {value!r}")
    return normalize_locale(value)


LocaleTag = Annotated[str, BeforeValidator(_locale)]
"""A BCP 47 locale in canonical spelling (``"EN_us"`` is stored as ``"en-US"``)."""

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _identifier(value: object) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value.strip().lower()):
        raise ValueError(
            f"{value!r} is not a valid kind; use lowercase letters, digits and '_' "
            "(at most 32, starting with a letter)"
        )
    return value.strip().lower()


Identifier = Annotated[str, BeforeValidator(_identifier)]
"""A short lowercase kind name (``"topic"``, ``"see_also"``): extensible, still safe."""


def single_line(value: str) -> str:
    """Collapse every run of whitespace (newlines included) to one space and trim."""
    return " ".join(value.split())


def text_check(max_length: int, *, multiline: bool = False) -> Callable[[object], str]:
    """A validator for a non-blank string of at most ``max_length`` characters.

    Control characters and broken Unicode are cleaned out (``clean_text``), and
    single-line fields have their whitespace collapsed, so a headline pasted with a
    trailing newline is the same headline. Use it as ``BeforeValidator(text_check(n))``.
    """

    def check(value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {type(value).__name__}")
        cleaned = clean_text(value)
        text = cleaned.strip() if multiline else single_line(cleaned)
        if not text:
            raise ValueError("must not be blank")
        if len(text) > max_length:
            raise ValueError(f"is {len(text)} characters long; the limit is {max_length}")
        return text

    return check
