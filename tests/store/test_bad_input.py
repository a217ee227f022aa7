"""Bad input at every public entry point: a typed newscms error, and not one row written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from newscms.domain import (
    Article,
    ArticleDraft,
    ArticlePatch,
    PendingTarget,
    RelationDraft,
    SourceRef,
    Status,
    Tag,
    TagInput,
)
from newscms.errors import (
    ConflictError,
    DuplicateError,
    InvalidCursorError,
    LocaleError,
    NaiveDatetimeError,
    NewsCMSError,
    NotFoundError,
    RelationError,
    ValidationError,
)
from newscms.store import Store

pytestmark = pytest.mark.backends

NAIVE = datetime(2012, 6, 14, 0, 0)
LONG = "x" * 10_000


@dataclass(frozen=True)
class World:
    """What the bad calls aim at: stored articles, a tag, a relation, a valid cursor."""

    article: Article  # published, at version 2, with a tag and a relation
    other: Article
    tag: Tag
    other_tag: Tag
    holy_see: Tag
    relation_id: UUID
    cursor: str


@pytest.fixture
def world(store) -> World:
    with store.session() as uow:
        other = uow.articles.create(ArticleDraft(locale="en", headline="Other story"))
        article = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Pope meets journalists",
                status=Status.PUBLISHED,
                tags=["Vatican"],
                relations=[RelationDraft(target_id=other.id)],
                source=SourceRef(format="asianews", locator="https://www.asianews.it/1"),
            )
        )
        article = uow.articles.update(article.id, ArticlePatch(expected_version=1, summary="S"))
        tag = uow.tags.get(article.tags[0].id)
        other_tag = uow.tags.get_or_create("Korea", locale="en", kind="region")
        holy_see = uow.tags.get_or_create("Holy See", locale="en")
        cursor = uow.articles.list(limit=1).next_cursor
    assert cursor is not None
    return World(article, other, tag, other_tag, holy_see, article.relations[0].id, cursor)


def draft(**fields: Any) -> ArticleDraft:
    fields.setdefault("locale", "en")
    fields.setdefault("headline", "A new story")
    return ArticleDraft(**fields)


Call = Callable[[Any, World], object]

CASES: dict[str, list[Any]] = {
    "articles-read": [
        ("get int", lambda u, w: u.articles.get(123), ValidationError, "article_id"),
        ("get not a uuid", lambda u, w: u.articles.get("nope"), ValidationError, "article_id"),
        ("get None", lambda u, w: u.articles.get(None), ValidationError, "article_id"),
        ("get unknown", lambda u, w: u.articles.get(uuid4()), NotFoundError, None),
        (
            "get public draft",
            lambda u, w: u.articles.get(w.other.id, public=True),
            NotFoundError,
            None,
        ),
        ("slug bad locale", lambda u, w: u.articles.get_by_slug("xx-Fake", "x"), LocaleError, None),
        ("slug int locale", lambda u, w: u.articles.get_by_slug(5, "x"), LocaleError, None),
        (
            "slug list locale",
            lambda u, w: u.articles.get_by_slug(["en"], "x"),
            ValidationError,
            None,
        ),
        ("slug int slug", lambda u, w: u.articles.get_by_slug("en", 5), ValidationError, "slug"),
        ("slug unknown", lambda u, w: u.articles.get_by_slug("en", "missing"), NotFoundError, None),
        ("source str", lambda u, w: u.articles.find_by_source("x"), ValidationError, "source"),
        ("source None", lambda u, w: u.articles.find_by_source(None), ValidationError, "source"),
    ],
    "articles-list": [
        ("list locale", lambda u, w: u.articles.list(locale="klingon"), LocaleError, None),
        ("list locale int", lambda u, w: u.articles.list(locale=5), LocaleError, None),
        ("list status", lambda u, w: u.articles.list(status="live"), ValidationError, "status"),
        ("list status int", lambda u, w: u.articles.list(status=5), ValidationError, "status"),
        ("list tag", lambda u, w: u.articles.list(tag="korea"), ValidationError, "tag"),
        (
            "list tag kind int",
            lambda u, w: u.articles.list(tag_kind=5),
            ValidationError,
            "tag_kind",
        ),
        (
            "list tag kind bad",
            lambda u, w: u.articles.list(tag_kind="no such kind!"),
            ValidationError,
            "tag_kind",
        ),
        ("list person int", lambda u, w: u.articles.list(person=5), ValidationError, "person"),
        (
            "list after text",
            lambda u, w: u.articles.list(published_after="2012-06-14"),
            ValidationError,
            "published_after",
        ),
        (
            "list before naive",
            lambda u, w: u.articles.list(published_before=NAIVE),
            NaiveDatetimeError,
            "published_before",
        ),
        ("list limit", lambda u, w: u.articles.list(limit=0), ValidationError, "limit"),
        ("list limit big", lambda u, w: u.articles.list(limit=10_000), ValidationError, "limit"),
        (
            "list cursor",
            lambda u, w: u.articles.list(cursor="forged"),
            InvalidCursorError,
            "cursor",
        ),
        ("list cursor int", lambda u, w: u.articles.list(cursor=5), InvalidCursorError, "cursor"),
        (
            "list cursor edited",
            lambda u, w: u.articles.list(limit=1, cursor="x" + w.cursor[1:]),
            InvalidCursorError,
            "cursor",
        ),
        (
            "list cursor other filters",
            lambda u, w: u.articles.list(limit=1, locale="it", cursor=w.cursor),
            InvalidCursorError,
            "cursor",
        ),
    ],
    "articles-create": [
        ("create str", lambda u, w: u.articles.create("draft"), ValidationError, "draft"),
        (
            "create dict",
            lambda u, w: u.articles.create({"locale": "en", "headline": "x"}),
            ValidationError,
            "draft",
        ),
        (
            "create long headline",
            lambda u, w: u.articles.create(draft(headline=LONG)),
            ValidationError,
            "headline",
        ),
        (
            "create blank headline",
            lambda u, w: u.articles.create(draft(headline=" \n")),
            ValidationError,
            "headline",
        ),
        (
            "create headline int",
            lambda u, w: u.articles.create(draft(headline=5)),
            ValidationError,
            "headline",
        ),
        (
            "create locale",
            lambda u, w: u.articles.create(draft(locale="klingon")),
            LocaleError,
            "locale",
        ),
        (
            "create naive",
            lambda u, w: u.articles.create(draft(status="published", published_at=NAIVE)),
            NaiveDatetimeError,
            "published_at",
        ),
        (
            "create status",
            lambda u, w: u.articles.create(draft(status="live")),
            ValidationError,
            "status",
        ),
        (
            "create scheduled without time",
            lambda u, w: u.articles.create(draft(status="scheduled")),
            ValidationError,
            "published_at",
        ),
        (
            "create slug",
            lambda u, w: u.articles.create(draft(slug="not a slug!")),
            ValidationError,
            "slug",
        ),
        (
            "create slug taken",
            lambda u, w: u.articles.create(draft(slug=w.article.slug, tags=["New"])),
            DuplicateError,
            None,
        ),
        (
            "create id taken",
            lambda u, w: u.articles.create(draft(id=w.article.id)),
            DuplicateError,
            None,
        ),
        (
            "create source taken",
            lambda u, w: u.articles.create(draft(source=w.article.source)),
            DuplicateError,
            None,
        ),
        (
            "create self relation",
            lambda u, w: u.articles.create(
                draft(id=UUID(int=7), relations=[RelationDraft(target_id=UUID(int=7))])
            ),
            RelationError,
            None,
        ),
        (
            "create duplicate relation",
            lambda u, w: u.articles.create(
                draft(
                    relations=[
                        RelationDraft(target_id=w.other.id),
                        RelationDraft(target_id=w.other.id),
                    ]
                )
            ),
            DuplicateError,
            None,
        ),
        (
            "create unknown target",
            lambda u, w: u.articles.create(draft(relations=[RelationDraft(target_id=uuid4())])),
            NotFoundError,
            None,
        ),
        (
            "create unknown tag",
            lambda u, w: u.articles.create(draft(tags=["New", TagInput(id=uuid4())])),
            NotFoundError,
            None,
        ),
        (
            "create bad tag kind",
            lambda u, w: u.articles.create(draft(tags=[TagInput(kind="Not A Kind", name="x")])),
            ValidationError,
            "kind",
        ),
        (
            "create pending without target",
            lambda u, w: u.articles.create(
                draft(relations=[RelationDraft(pending=PendingTarget())])
            ),
            ValidationError,
            None,
        ),
        ("create_many int", lambda u, w: u.articles.create_many(5), ValidationError, "drafts"),
        (
            "create_many str items",
            lambda u, w: u.articles.create_many(["x"]),
            ValidationError,
            "drafts",
        ),
        (
            "create_many one bad",
            lambda u, w: u.articles.create_many([draft(tags=["New"]), draft(slug=w.article.slug)]),
            DuplicateError,
            None,
        ),
    ],
    "articles-update": [
        (
            "update patch str",
            lambda u, w: u.articles.update(w.article.id, "patch"),
            ValidationError,
            "patch",
        ),
        (
            "update patch dict",
            lambda u, w: u.articles.update(w.article.id, {"expected_version": 2}),
            ValidationError,
            "patch",
        ),
        (
            "update stale",
            lambda u, w: u.articles.update(
                w.article.id, ArticlePatch(expected_version=1, headline="Lost", tags=["Lost"])
            ),
            ConflictError,
            None,
        ),
        (
            "update ahead",
            lambda u, w: u.articles.update(
                w.article.id, ArticlePatch(expected_version=3, summary="x")
            ),
            ConflictError,
            None,
        ),
        (
            "update unknown",
            lambda u, w: u.articles.update(uuid4(), ArticlePatch(expected_version=1, summary="x")),
            NotFoundError,
            None,
        ),
        (
            "update bad id",
            lambda u, w: u.articles.update("x", ArticlePatch(expected_version=1, summary="x")),
            ValidationError,
            "article_id",
        ),
        (
            "update version zero",
            lambda u, w: u.articles.update(w.article.id, ArticlePatch(expected_version=0)),
            ValidationError,
            "expected_version",
        ),
        (
            "update long headline",
            lambda u, w: u.articles.update(
                w.article.id, ArticlePatch(expected_version=2, headline=LONG)
            ),
            ValidationError,
            "headline",
        ),
        (
            "update naive",
            lambda u, w: u.articles.update(
                w.article.id, ArticlePatch(expected_version=2, published_at=NAIVE)
            ),
            NaiveDatetimeError,
            "published_at",
        ),
        (
            "update clears publication time",
            lambda u, w: u.articles.update(
                w.article.id, ArticlePatch(expected_version=2, published_at=None)
            ),
            ValidationError,
            "published_at",
        ),
        (
            "update slug taken",
            lambda u, w: u.articles.update(
                w.article.id, ArticlePatch(expected_version=2, slug=w.other.slug, summary="x")
            ),
            DuplicateError,
            None,
        ),
        (
            "update unknown tag",
            lambda u, w: u.articles.update(
                w.article.id,
                ArticlePatch(expected_version=2, summary="x", tags=["New", TagInput(id=uuid4())]),
            ),
            NotFoundError,
            None,
        ),
        ("archive bad id", lambda u, w: u.workflow.archive(5), ValidationError, "article_id"),
        ("archive unknown", lambda u, w: u.workflow.archive(uuid4()), NotFoundError, None),
        (
            "archive stale",
            lambda u, w: u.workflow.archive(w.article.id, expected_version=1),
            ConflictError,
            None,
        ),
        (
            "archive version text",
            lambda u, w: u.workflow.archive(w.article.id, expected_version="2"),
            ValidationError,
            "expected_version",
        ),
        ("delete bad id", lambda u, w: u.articles.delete("nope"), ValidationError, "article_id"),
        ("delete unknown", lambda u, w: u.articles.delete(uuid4()), NotFoundError, None),
        (
            "delete stale",
            lambda u, w: u.articles.delete(w.article.id, expected_version=1),
            ConflictError,
            None,
        ),
        (
            "delete version bool",
            lambda u, w: u.articles.delete(w.other.id, expected_version=True),
            ValidationError,
            "expected_version",
        ),
    ],
    "tags": [
        ("tag get bad id", lambda u, w: u.tags.get("korea"), ValidationError, "tag_id"),
        ("tag get unknown", lambda u, w: u.tags.get(uuid4()), NotFoundError, None),
        ("tag slug int", lambda u, w: u.tags.get_by_slug(5, locale="en"), ValidationError, "slug"),
        (
            "tag slug locale",
            lambda u, w: u.tags.get_by_slug("x", locale="nope-nope"),
            LocaleError,
            None,
        ),
        (
            "tag slug kind int",
            lambda u, w: u.tags.get_by_slug("korea", locale="en", kind=5),
            ValidationError,
            "kind",
        ),
        (
            "tag slug kind bad",
            lambda u, w: u.tags.get_by_slug("korea", locale="en", kind="Not A Kind"),
            ValidationError,
            "kind",
        ),
        (
            "tag slug unknown",
            lambda u, w: u.tags.get_by_slug("nope", locale="en"),
            NotFoundError,
            None,
        ),
        ("tag list kind int", lambda u, w: u.tags.list(kind=5), ValidationError, "kind"),
        ("tag list kind bad", lambda u, w: u.tags.list(kind="Not A Kind"), ValidationError, "kind"),
        (
            "tag list min text",
            lambda u, w: u.tags.list(min_count="2"),
            ValidationError,
            "min_count",
        ),
        (
            "tag list min negative",
            lambda u, w: u.tags.list(min_count=-1),
            ValidationError,
            "min_count",
        ),
        (
            "tag create int",
            lambda u, w: u.tags.get_or_create(5, locale="en"),
            ValidationError,
            "name",
        ),
        (
            "tag create blank",
            lambda u, w: u.tags.get_or_create("  ", locale="en"),
            ValidationError,
            "name",
        ),
        (
            "tag create long",
            lambda u, w: u.tags.get_or_create(LONG, locale="en"),
            ValidationError,
            "name",
        ),
        (
            "tag create locale",
            lambda u, w: u.tags.get_or_create("x", locale="xx-YY"),
            LocaleError,
            "locale",
        ),
        (
            "tag create kind",
            lambda u, w: u.tags.get_or_create("x", locale="en", kind="Not A Kind"),
            ValidationError,
            "kind",
        ),
        (
            "tag rename bad id",
            lambda u, w: u.tags.set_name("x", "n", locale="en"),
            ValidationError,
            "tag_id",
        ),
        (
            "tag rename unknown",
            lambda u, w: u.tags.set_name(uuid4(), "n", locale="en"),
            NotFoundError,
            None,
        ),
        (
            "tag rename blank",
            lambda u, w: u.tags.set_name(w.tag.id, "", locale="en"),
            ValidationError,
            "name",
        ),
        (
            "tag rename locale",
            lambda u, w: u.tags.set_name(w.tag.id, "n", locale="zz"),
            LocaleError,
            "locale",
        ),
        (
            "tag rename taken",
            lambda u, w: u.tags.set_name(w.holy_see.id, "VATICAN", locale="en"),
            DuplicateError,
            None,
        ),
        (
            "tag merge bad id",
            lambda u, w: u.tags.merge("x", w.tag.id),
            ValidationError,
            "source_id",
        ),
        (
            "tag merge itself",
            lambda u, w: u.tags.merge(w.tag.id, w.tag.id),
            ValidationError,
            "into_id",
        ),
        ("tag merge unknown", lambda u, w: u.tags.merge(uuid4(), w.tag.id), NotFoundError, None),
    ],
    "relations": [
        ("outgoing bad id", lambda u, w: u.relations.outgoing("x"), ValidationError, "article_id"),
        ("outgoing unknown", lambda u, w: u.relations.outgoing(uuid4()), NotFoundError, None),
        ("incoming bad id", lambda u, w: u.relations.incoming(7), ValidationError, "article_id"),
        ("incoming unknown", lambda u, w: u.relations.incoming(uuid4()), NotFoundError, None),
        ("pending limit", lambda u, w: u.relations.pending(limit=0), ValidationError, "limit"),
        (
            "pending limit text",
            lambda u, w: u.relations.pending(limit="5"),
            ValidationError,
            "limit",
        ),
        (
            "add draft str",
            lambda u, w: u.relations.add(w.article.id, "x"),
            ValidationError,
            "draft",
        ),
        (
            "add bad source",
            lambda u, w: u.relations.add("x", RelationDraft(target_id=w.other.id)),
            ValidationError,
            "source_id",
        ),
        (
            "add unknown source",
            lambda u, w: u.relations.add(uuid4(), RelationDraft(target_id=w.other.id)),
            NotFoundError,
            None,
        ),
        (
            "add unknown target",
            lambda u, w: u.relations.add(w.article.id, RelationDraft(target_id=uuid4())),
            NotFoundError,
            None,
        ),
        (
            "add self",
            lambda u, w: u.relations.add(w.article.id, RelationDraft(target_id=w.article.id)),
            RelationError,
            None,
        ),
        (
            "add duplicate",
            lambda u, w: u.relations.add(
                w.article.id, RelationDraft(target_id=w.other.id), position=0
            ),
            DuplicateError,
            None,
        ),
        (
            "add position negative",
            lambda u, w: u.relations.add(
                w.article.id, RelationDraft(kind="background", target_id=w.other.id), position=-1
            ),
            ValidationError,
            "position",
        ),
        (
            "add position text",
            lambda u, w: u.relations.add(
                w.article.id, RelationDraft(kind="background", target_id=w.other.id), position="0"
            ),
            ValidationError,
            "position",
        ),
        (
            "add bad kind",
            lambda u, w: u.relations.add(
                w.article.id, RelationDraft(kind="See Also!", target_id=w.other.id)
            ),
            ValidationError,
            "kind",
        ),
        (
            "add naive pending",
            lambda u, w: u.relations.add(
                w.article.id, RelationDraft(pending=PendingTarget(title="x", published_at=NAIVE))
            ),
            NaiveDatetimeError,
            None,
        ),
        ("remove bad id", lambda u, w: u.relations.remove("x"), ValidationError, "relation_id"),
        ("remove unknown", lambda u, w: u.relations.remove(uuid4()), NotFoundError, None),
        (
            "reorder int",
            lambda u, w: u.relations.reorder(w.article.id, 5),
            ValidationError,
            "relation_ids",
        ),
        (
            "reorder str",
            lambda u, w: u.relations.reorder(w.article.id, "abc"),
            ValidationError,
            "relation_ids",
        ),
        (
            "reorder missing",
            lambda u, w: u.relations.reorder(w.article.id, []),
            ValidationError,
            "relation_ids",
        ),
        (
            "reorder foreign",
            lambda u, w: u.relations.reorder(w.article.id, [w.relation_id, uuid4()]),
            ValidationError,
            "relation_ids",
        ),
        (
            "reorder bad source",
            lambda u, w: u.relations.reorder("x", [w.relation_id]),
            ValidationError,
            "source_id",
        ),
    ],
}


def _problem(caught: BaseException | None, error: type[Exception], field: str | None) -> str:
    if caught is None:
        return "raised nothing"
    if not isinstance(caught, NewsCMSError):
        return f"raised {caught!r}, not a newscms error"
    if not isinstance(caught, error):
        return f"raised {caught!r}, not a {error.__name__}"
    if field is not None and getattr(caught, "field", None) != field:
        return f"raised {caught!r} naming {getattr(caught, 'field', None)!r}, not {field!r}"
    return "" if str(caught) else "raised an error without a message"


@pytest.mark.parametrize("group", list(CASES))
def test_bad_input_is_a_typed_error_and_writes_nothing(store, world, snapshot, group):
    before = snapshot()
    problems: list[str] = []
    for name, call, error, field in CASES[group]:
        caught: BaseException | None = None
        with store.session() as uow:
            try:
                call(uow, world)
            except Exception as exc:  # anything at all: the check below judges it
                caught = exc
            # The transaction stays usable after the refusal (and is committed).
            assert uow.articles.get(world.article.id).version == 2
        problem = _problem(caught, error, field)
        after = snapshot()
        if after != before:
            problem += " and wrote to the database"
            before = after
        if problem:
            problems.append(f"{name}: {problem.strip()}")
    assert not problems, "\n".join(problems)


def test_bad_store_settings_are_typed_errors(engine):
    with pytest.raises(ValidationError) as caught:
        Store(engine, prefix="Bad Prefix")
    assert caught.value.field == "prefix"
    with pytest.raises(ValidationError) as caught:
        Store(engine, cursor_secret="short")
    assert caught.value.field == "cursor_secret"
    with pytest.raises(LocaleError):
        Store(engine, default_locale="xx-nope")
    with pytest.raises(ValidationError) as caught:
        Store("not a database url")
    assert caught.value.field == "url"
    with pytest.raises(ValidationError):
        Store(12345)  # type: ignore[arg-type]


def test_using_something_that_is_not_a_session(store):
    with pytest.raises(ValidationError) as caught:
        store.using("not a session")  # type: ignore[arg-type]
    assert caught.value.field == "session"


def test_a_clock_giving_naive_times_is_refused(engine, snapshot):
    before = snapshot()
    store = Store(engine, clock=lambda: datetime(2026, 1, 1))
    with pytest.raises(NaiveDatetimeError) as caught, store.session() as uow:
        uow.articles.create(draft())
    assert caught.value.field == "clock"
    assert snapshot() == before


def test_a_naive_time_smuggled_past_validation_is_refused(store, snapshot):
    # model_construct skips validation; the column type still refuses the naive value.
    before = snapshot()
    sneaky = ArticleDraft.model_construct(
        **{
            **draft().model_dump(),
            "status": Status.PUBLISHED,
            "published_at": datetime(2012, 6, 14, tzinfo=UTC).replace(tzinfo=None),
        }
    )
    with pytest.raises(NaiveDatetimeError), store.session() as uow:
        uow.articles.create(sneaky)
    assert snapshot() == before
