"""Fixtures of the HTTP layer's unit tests: articles built by hand, a site."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from newscms.domain import Article, Status, TagRef
from newscms.formats import Site

T0 = datetime(2026, 1, 15, 12, 0, 30, 250_000, tzinfo=UTC)


@pytest.fixture
def http_site() -> Site:
    """A site whose article URLs are ``https://news.example/{locale}/{slug}``."""
    return Site(
        name="Example News",
        base_url="https://news.example/",
        article_url="https://news.example/{locale}/{slug}",
    )


@pytest.fixture
def make_article() -> Callable[..., Article]:
    """Build a published ``Article`` (fields overridable), as the store would return it."""

    def make(name: str = "story", **fields: Any) -> Article:
        values: dict[str, Any] = {
            "id": uuid.uuid5(uuid.NAMESPACE_URL, f"https://news.example/{name}"),
            "locale": "en",
            "slug": name,
            "headline": name.replace("-", " ").title(),
            "summary": "In short.",
            "body": "<p>The whole story.</p>",
            "status": Status.PUBLISHED,
            "created_at": T0 - timedelta(hours=1),
            "updated_at": T0,
            "published_at": T0 - timedelta(minutes=30),
            "first_published_at": T0 - timedelta(minutes=30),
            "version": 1,
            "tags": (
                TagRef(
                    id=uuid.uuid5(uuid.NAMESPACE_URL, "tag/korea"),
                    kind="region",
                    name="KOREA",
                    slug="korea",
                ),
            ),
        }
        values.update(fields)
        return Article(**values)

    return make
