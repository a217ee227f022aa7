"""The base of every domain model and the field types they share.

Models are frozen pydantic models that refuse unknown fields. Any refusal surfaces as
``newscms.errors.ValidationError`` (or a subclass such as ``LocaleError``) whose message
names the field, never as pydantic's own exception.

Dates serialize the same way in every JSON output: ``model_dump(mode="json")``,
``model_dump_json`` (and so ``Article.fingerprint``) and ``newscms.formats.to_json``
all write ISO 8601 with an explicit offset, ``"2012-06-13T22:00:00+00:00"``, the form
of ``newscms.utils.dates.isoformat`` (pydantic on its own would write ``...Z``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import core_schema

from newscms.errors import NaiveDatetimeError, ValidationError
from newscms.utils.dates import to_utc
from newscms.utils.locales import normalize_locale
from newscms.utils.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import GetCoreSchemaHandler

__all__ = [
    "DomainModel",
    "Identifier",
    "LocaleTag",
    "UTCDatetime",
    "single_line",
    "text_check",
]

# ``datetime.isoformat`` is what ``utils.dates.isoformat`` writes for the aware values
# models hold; called directly because it runs for every date of every JSON dump.
_ISO_DATETIME = core_schema.plain_serializer_function_ser_schema(
    datetime.isoformat, info_arg=False, when_used="json"
)
# Keys of a core schema that hold no schema of a value to walk into.
_NOT_SCHEMAS = frozenset({"metadata", "serialization", "cls", "ref", "config"})


def _iso_datetimes(node: object) -> None:
    """Give every datetime in a core schema the ISO serializer (in place), in JSON mode."""
    if isinstance(node, dict):
        if node.get("type") == "datetime" and "serialization" not in node:
            node["serialization"] = _ISO_DATETIME
        for key, value in node.items():
            if key not in _NOT_SCHEMAS:
                _iso_datetimes(value)
    elif isinstance(node, list):
        for item in node:
            _iso_datetimes(item)


class DomainModel(BaseModel):
    """Frozen, strict-about-extras model whose validation errors are newscms errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler, /
    ) -> core_schema.CoreSchema:
        """The model's schema with its dates written as ``utils.dates.isoformat`` does."""
        schema = handler(source)
        _iso_datetimes(schema)
        return schema

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


URL_MAX = 2000

Url = Annotated[str, BeforeValidator(text_check(URL_MAX))]
"""A URL as text (at most ``URL_MAX`` characters), not checked further."""

_HTTP_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def _http_url(value: str) -> str:
    if not _HTTP_URL.match(value):
        raise ValueError(f"{value!r} is not an absolute http(s) URL")
    return value


HttpUrl = Annotated[Url, AfterValidator(_http_url)]
"""An absolute http(s) URL: what a page links to and readers can fetch."""
