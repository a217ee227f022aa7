"""Fixtures of the adapter tests: a site, and a store on each backend with a little news in it.

``news`` is what every adapter's tests can reuse: public articles in two locales (one a
translation of another), tags, an article reached by a former slug, and a draft.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from uuid import UUID

import pytest

from newscms import ArticleDraft, ArticlePatch, RelationDraft, Store
from newscms.formats import Site

with warnings.catch_warnings():
    # Starlette's test client warns when it finds httpx rather than httpx2; which one
    # is installed is no matter for these tests.
    warnings.simplefilter("ignore", DeprecationWarning)
    import starlette.testclient  # noqa: F401 - imported once, quietly, for the tests


@dataclass(frozen=True)
class News:
    """What ``news`` stored, for the tests to ask for."""

    store: Store
    lead: UUID  # en, published, tagged; its slug was changed after publication
    lead_slug: str
    former_slug: str
    translation: UUID  # it, the lead's translation
    translation_slug: str
    draft: UUID  # never published
    region_id: UUID
    region_slug: str  # the lead's region tag in en
    public_en: int  # how many public articles in en


@pytest.fixture
def site() -> Site:
    """The site the adapters build URLs for."""
    return Site(
        name="AsiaNews",
        base_url="https://www.asianews.it/",
        article_url="https://www.asianews.it/{locale}/{slug}",
        timezone="Europe/Rome",
    )


@pytest.fixture
def news(store: Store, clock) -> News:  # type: ignore[no-untyped-def]
    """A migrated store (each backend in turn) holding a few articles, tags and a draft."""
    with store.session() as uow:
        lead = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Beijing talks with Pyongyang",
                summary="China does not want to help North Korea's arms race.",
                body="<p>Seoul (AsiaNews) - A source in the ministry...</p>",
                byline=["Joseph Yun Li-sun"],
                status="published",
                tags=[{"name": "KOREA", "kind": "region"}, "Nuclear weapons"],
            )
        )
        former = lead.slug
        lead = uow.articles.update(
            lead.id, ArticlePatch(expected_version=lead.version, slug="beijing-pyongyang-talks")
        )
        for number in range(3):
            clock.advance(minutes=10)
            uow.articles.create(
                ArticleDraft(
                    locale="en",
                    headline=f"Briefing number {number + 1}",
                    status="published",
                    tags=["Nuclear weapons"],
                )
            )
        clock.advance(minutes=10)
        translation = uow.articles.create(
            ArticleDraft(
                locale="it",
                headline="Colloqui tra Pechino e Pyongyang",
                status="published",
                tags=[{"name": "COREA", "kind": "region"}],
                relations=[RelationDraft(kind="translation", target_id=lead.id)],
            )
        )
        draft = uow.articles.create(ArticleDraft(locale="en", headline="Not yet"))
        region = next(tag for tag in lead.tags if tag.kind == "region")
    clock.advance(minutes=1)
    return News(
        store=store,
        lead=lead.id,
        lead_slug=lead.slug,
        former_slug=former,
        translation=translation.id,
        translation_slug=translation.slug,
        draft=draft.id,
        region_id=region.id,
        region_slug=region.slug,
        public_en=4,
    )
