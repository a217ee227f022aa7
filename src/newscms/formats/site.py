"""What the host application tells the formats about itself: name, URLs, publisher, zone.

URL building belongs to the host app, so every format that links to an article asks
``Site.url_for``. The host gives either a template, whose placeholders are filled from
the article (``"https://example.com/{locale}/{slug}"``), or a callable taking an
``Article`` or ``ArticleRef`` and returning the URL. Whatever it returns is checked to
be an absolute http(s) URL and turned into a plain-ASCII URI (non-ASCII characters
percent-encoded as UTF-8, an international host name IDNA-encoded), because feeds,
sitemaps and share links must carry URIs, not IRIs.

``url_for`` also takes any ``Linkable``: a light object with the fields a URL is made
of (the store's sitemap entries), so a million URLs need no million full articles. A
callable still receives an ``Article`` or an ``ArticleRef`` (the entry's ``ref``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newscms.domain import Article, ArticleRef
from newscms.domain.status import is_public_status
from newscms.errors import ValidationError
from newscms.utils.dates import ensure_aware, in_zone
from newscms.utils.locales import language_of

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from newscms.domain import Person, Status

__all__ = ["TEMPLATE_FIELDS", "Linkable", "Site", "UrlBuilder", "http_uri", "to_uri"]

UrlBuilder = Callable[["Article | ArticleRef"], str]
"""A host function giving the public URL of an article."""


class Linkable(Protocol):
    """What an article URL is made of; a light stand-in for an ``Article`` when streaming.

    ``ref`` is what a host's URL callable receives, since it is written for articles.
    """

    @property
    def id(self) -> UUID: ...  # noqa: D102 - the attributes document themselves
    @property
    def locale(self) -> str: ...  # noqa: D102
    @property
    def slug(self) -> str: ...  # noqa: D102
    @property
    def status(self) -> Status: ...  # noqa: D102
    @property
    def published_at(self) -> datetime | None: ...  # noqa: D102
    @property
    def ref(self) -> ArticleRef: ...  # noqa: D102


TEMPLATE_FIELDS: frozenset[str] = frozenset(
    {"id", "locale", "language", "slug", "year", "month", "day"}
)
"""Placeholders an article URL template may use; dates are taken in the site's zone."""

# Values that need no escaping in a URL path: ASCII letters, digits, "-" and "_".
_URL_SAFE_VALUE = re.compile(r"[A-Za-z0-9_-]+")
_DATE_FIELDS = frozenset({"year", "month", "day"})
_SAMPLE_VALUES = {"id": "0", "locale": "en", "language": "en", "slug": "x", "year": "2000"}

# Characters RFC 3986 allows unescaped in a URI (reserved and unreserved), plus "%" so an
# already-escaped URL is not escaped twice.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


def to_uri(url: str, *, field: str = "url") -> str:
    """Turn an absolute http(s) URL or IRI into a plain-ASCII URI, refusing anything else.

    Args:
        url: An absolute ``http`` or ``https`` URL; non-ASCII characters are allowed.
        field: Name put on the error.

    Returns:
        The URL with an IDNA host and every other non-ASCII or space character
        percent-encoded as UTF-8; an ASCII URL comes back unchanged.

    Raises:
        ValidationError: ``url`` is not an absolute http(s) URL.
    """
    if not isinstance(url, str):
        raise ValidationError(f"a URL must be a string, not {url!r}", field=field)
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError as exc:
        raise ValidationError(f"{url!r} is not a URL: {exc}", field=field) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValidationError(f"{url!r} is not an absolute http(s) URL", field=field)
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValidationError(f"{url!r} has an invalid host name", field=field) from None
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (quote(userinfo, safe=_URI_SAFE) + "@" if userinfo else "") + host
    if port is not None:
        netloc += f":{port}"
    path, query, fragment = (
        quote(part, safe=_URI_SAFE) for part in (parts.path, parts.query, parts.fragment)
    )
    return urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))


def http_uri(locator: str) -> str | None:
    """``locator`` as a URI when it is an http(s) URL; None for anything else (a file path)."""
    if not locator.lower().startswith(("http://", "https://")):
        return None
    try:
        return to_uri(locator)
    except ValidationError:
        return None


@dataclass(frozen=True, slots=True)
class Site:
    """The publication the formats speak for: name, home page, article URLs, logo, zone.

    Attributes:
        name: Publication name, as readers know it (``"AsiaNews"``); feeds, JSON-LD,
            the Google News sitemap and the printable page show it.
        base_url: Home page (``"https://www.asianews.it/"``).
        article_url: A template with placeholders from ``TEMPLATE_FIELDS``
            (``"https://www.asianews.it/{locale}/{slug}"``; the slug is percent-encoded)
            or a callable ``Article | ArticleRef -> str``.
        logo_url: Absolute URL of the publisher logo, for JSON-LD.
        publisher: The organization that publishes, when it differs from ``name``.
        timezone: IANA zone of the newsroom: machine dates are written with its offset
            and human dates read in it.
        person_url: A template of the page of a person credited on articles, with the
            placeholders ``{locale}`` and ``{slug}`` (the person's slug in that locale,
            percent-encoded): ``"https://www.asianews.it/{locale}/people/{slug}"``;
            without it no format links to people.
    """

    name: str
    base_url: str
    article_url: str | UrlBuilder
    logo_url: str | None = None
    publisher: str | None = None
    timezone: str = "UTC"
    person_url: str | None = None
    # Worked out once from the template: its placeholders, and whether it is already a
    # plain-ASCII URI (then safe values need no second pass through ``to_uri``).
    _fields: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())
    _plain: bool = field(init=False, repr=False, compare=False, default=False)
    _zone: ZoneInfo | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValidationError("a site needs a name", field="name")
        object.__setattr__(self, "base_url", to_uri(self.base_url, field="base_url"))
        if self.logo_url is not None:
            object.__setattr__(self, "logo_url", to_uri(self.logo_url, field="logo_url"))
        try:
            object.__setattr__(self, "_zone", ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
            raise ValidationError(
                f"{self.timezone!r} is not an IANA time zone such as 'Europe/Rome'",
                field="timezone",
            ) from None
        if isinstance(self.article_url, str):
            fields = _check_template(self.article_url)
            sample = self.article_url.format_map(
                {name: _SAMPLE_VALUES.get(name, "01") for name in fields}
            )
            plain = sample.isascii() and to_uri(sample, field="article_url") == sample
            object.__setattr__(self, "_fields", fields)
            object.__setattr__(self, "_plain", plain)
        elif not callable(self.article_url):
            raise ValidationError(
                "article_url must be a template string or a callable", field="article_url"
            )

    def person_page(self, person: Person, locale: str) -> str | None:
        """The page of a byline's ``person`` in ``locale`` (None without a template or slug).

        Raises:
            ValidationError: The template makes no http(s) URL.
        """
        if self.person_url is None or person.slug is None:
            return None
        try:
            url = self.person_url.format(locale=quote(locale), slug=quote(person.slug))
        except (KeyError, IndexError, ValueError):
            raise ValidationError(
                "person_url takes only the placeholders {locale} and {slug}", field="person_url"
            ) from None
        return to_uri(url, field="person_url")

    @property
    def publisher_name(self) -> str:
        """The name of the organization that publishes the site."""
        return self.publisher or self.name

    @property
    def zone(self) -> ZoneInfo:
        """The newsroom's time zone."""
        return self._zone or ZoneInfo(self.timezone)

    def url_for(self, article: Article | ArticleRef | Linkable) -> str:
        """The public URL of ``article`` on this site, as a plain-ASCII URI.

        Raises:
            ValidationError: The template needs a publication date the article does not
                have, or the callable returned something that is not an http(s) URL.
        """
        if isinstance(self.article_url, str):
            values, safe = self._template_values(article)
            url = self.article_url.format_map(values)
            if self._plain and safe:
                return url
        elif isinstance(article, Article | ArticleRef):
            url = self.article_url(article)
        else:
            url = self.article_url(article.ref)
        return to_uri(url, field="article_url")

    def public_url(self, article: Article | ArticleRef | Linkable) -> str | None:
        """The article's URL when readers can reach it (published or scheduled), else None.

        Raises:
            ValidationError: The URL could not be built (see ``url_for``).
        """
        return self.url_for(article) if is_public_status(article.status) else None

    def timestamp(self, value: datetime) -> str:
        """A machine date: ISO 8601 / RFC 3339 with the offset of the site's zone.

        Raises:
            NaiveDatetimeError: ``value`` has no time zone.
        """
        if value.tzinfo is None:
            ensure_aware(value, field="value")  # raises the error that says what to do
        local = in_zone(value, self.zone)
        if local.microsecond:
            local = local.replace(microsecond=0)
        return local.isoformat()

    def _template_values(
        self, article: Article | ArticleRef | Linkable
    ) -> tuple[dict[str, str], bool]:
        """The placeholder values, and whether they are all plain ASCII needing no escape."""
        slug = article.slug
        if not _URL_SAFE_VALUE.fullmatch(slug):
            slug = quote(slug, safe="-_")
        fields = self._fields
        values = {"locale": article.locale, "slug": slug}
        if "id" in fields:
            values["id"] = str(article.id)
        if "language" in fields:
            values["language"] = language_of(article.locale)
        if not fields & _DATE_FIELDS:
            pass
        elif article.published_at is not None:
            local = in_zone(article.published_at, self.zone)
            values["year"] = str(local.year).zfill(4)
            values["month"] = str(local.month).zfill(2)
            values["day"] = str(local.day).zfill(2)
        else:
            raise ValidationError(
                f"article {article.id} has no publication date, which the URL template "
                "needs; publish it first or give a callable that handles drafts",
                field="article_url",
            )
        return values, _URL_SAFE_VALUE.fullmatch(article.locale) is not None


def _check_template(template: str) -> frozenset[str]:
    """The placeholders of ``template``, refusing unknown ones now, not at the first article."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValidationError(
            f"{template!r} is not a valid template: {exc}", field="article_url"
        ) from None
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            raise ValidationError(
                f"{{{name}}} is not a placeholder of article URLs; use "
                + ", ".join(f"{{{n}}}" for n in sorted(TEMPLATE_FIELDS)),
                field="article_url",
            )
    if not any(name in ("id", "slug") for _, name, _, _ in fields):
        raise ValidationError(
            "the URL template must contain {slug} or {id}, or every article gets the same URL",
            field="article_url",
        )
    return frozenset(name for _, name, _, _ in fields if name)
