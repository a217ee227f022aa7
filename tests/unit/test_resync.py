"""What a re-import changes, decided without a store (test_import_service.py writes it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import pytest

from newscms.domain import (
    Article,
    ArticleDraft,
    ArticleRef,
    PendingTarget,
    RelationDraft,
    TagInput,
    TagRef,
)
from newscms.domain.resync import plan_resync
from newscms.utils import slugify

SEE_ALSO = "see_also"


def draft_of(article: Article, **fields: Any) -> ArticleDraft:
    """The draft a source that says exactly what ``article`` says would give."""
    values: dict[str, Any] = {
        "locale": article.locale,
        "headline": article.headline,
        "body": article.body,
        "published_at": article.published_at,
        "slug": article.slug,
        "tags": [TagInput(kind=tag.kind, name=tag.name) for tag in article.tags],
        "relations": [
            RelationDraft(kind=r.kind, target_id=r.target.id)
            if r.target is not None
            else RelationDraft(kind=r.kind, pending=r.pending)
            for r in article.relations
        ],
    }
    return ArticleDraft(**(values | fields))


def ref(make: Callable[..., Article], name: str, **fields: Any) -> ArticleRef:
    return make(name, **fields).ref


def slugifier(text: str, locale: str) -> str:
    return slugify(text, locale=locale)


def no_urls(article_id: UUID) -> str | None:
    raise AssertionError(f"the URL of {article_id} was read")


def plan(article: Article, draft: ArticleDraft, urls: Callable[[UUID], str | None] = no_urls):
    return plan_resync(article, draft, slugifier=slugifier, target_url=urls)


def test_a_source_that_says_what_is_stored_changes_nothing(make: Callable[..., Article]) -> None:
    targets = [(SEE_ALSO, ref(make, "drought")), (SEE_ALSO, ref(make, "rain"))]
    article = make("floods", relations=targets)
    assert plan(article, draft_of(article)) is None


def test_only_the_fields_that_differ_are_patched(make: Callable[..., Article]) -> None:
    article = make("floods", body="<p>Old</p>")
    found = plan(article, draft_of(article, body="<p>New</p>", slug=None, published_at=None))
    assert found is not None
    assert dict(found.changes) == {"body": "<p>New</p>"}


def test_tag_names_compare_as_the_store_looks_them_up(make: Callable[..., Article]) -> None:
    stored_tag = TagRef(id=uuid4(), kind="topic", name="Floods", slug="floods")
    article = make("floods", tags=[stored_tag])
    assert plan(article, draft_of(article, tags=["FLOODS!"])) is None
    assert plan(article, draft_of(article, tags=[TagInput(id=stored_tag.id)])) is None
    found = plan(article, draft_of(article, tags=["Floods", "Rain"]))
    assert found is not None
    assert list(found.changes) == ["tags"]


def test_the_see_also_list_follows_the_source(make: Callable[..., Article]) -> None:
    drought, rain, hail = ref(make, "drought"), ref(make, "rain"), ref(make, "hail")
    article = make("floods", relations=[(SEE_ALSO, drought), (SEE_ALSO, rain)])
    source = draft_of(article, relations=[RelationDraft(target_id=hail.id)])
    found = plan(article, source)
    assert found is not None
    assert [r.target.id for r in found.remove if r.target] == [drought.id, rain.id]
    assert found.add == ((0, source.relations[0]),)

    swapped = plan(article, draft_of(article, relations=draft_of(article).relations[::-1]))
    assert swapped is not None and swapped.reorder and not (swapped.add or swapped.remove)


def test_relations_of_other_kinds_are_kept(make: Callable[..., Article]) -> None:
    article = make("floods", relations=[("translation", ref(make, "alluvioni", locale="it"))])
    assert plan(article, draft_of(article, relations=[])) is None


@pytest.mark.parametrize(
    ("pending", "reads_url"),
    [
        (PendingTarget(slug="drought", locale="en"), False),
        (PendingTarget(title="Drought"), False),
        (PendingTarget(url="https://example.com/drought"), True),
    ],
)
def test_a_resolved_relation_stands_for_the_pending_target_naming_it(
    make: Callable[..., Article], pending: PendingTarget, reads_url: bool
) -> None:
    drought = ref(make, "drought")
    article = make("floods", relations=[(SEE_ALSO, drought)])
    read: list[UUID] = []

    def urls(article_id: UUID) -> str | None:
        read.append(article_id)
        return "https://www.example.com/drought/"

    source = draft_of(article, relations=[RelationDraft(pending=pending)])
    assert plan(article, source, urls) is None
    assert read == ([drought.id] if reads_url else [])
