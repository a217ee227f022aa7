"""Hostile values at every public function of the store's API, on every backend.

Each surface draws its arguments from strategies of hostile values (text with lone
surrogates, controls, bidi overrides and combining marks; datetimes naive, at the ends
of time and in every zone; integers past every column; junk ids, cursors and tokens;
values of the wrong type) mixed with real ids of a small stored archive, and asserts:

- only ``NewsCMSError`` subclasses escape;
- a refused call leaves the transaction exactly as it was: every row of every table,
  read in the same transaction, is the same afterwards (and the transaction goes on).

Every example runs in one transaction that is rolled back afterwards, so all start from
the same archive. The number of examples per surface is ``NEWSCMS_FUZZ_EXAMPLES``
(CI: the fixed-seed profile's small budget; ``make fuzz``: 10,000).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from fuzz_values import anything, hostile_datetimes, hostile_ints, hostile_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from newscms.domain import (
    ArticleDraft,
    ArticlePatch,
    PendingTarget,
    RelationDraft,
    Status,
)
from newscms.errors import NewsCMSError
from newscms.store import Store, UnitOfWork

pytestmark = pytest.mark.backends

EXAMPLES = int(os.environ.get("NEWSCMS_FUZZ_EXAMPLES", "25"))
SECRET = "a preview secret of the host app"


class _RollBack(Exception):
    """Ends an example's transaction without committing anything."""


@dataclass(frozen=True)
class Archive:
    """Real ids of the stored archive, mixed into the hostile values."""

    article: UUID
    other: UUID
    slug: str
    tag: UUID
    relation: UUID
    token: str

    def ids(self) -> st.SearchStrategy[Any]:
        """A real id, its string form, or anything at all."""
        real = [self.article, self.other, str(self.article), self.tag, self.relation]
        return st.one_of(st.sampled_from(real), st.uuids(), anything)

    def versions(self) -> st.SearchStrategy[Any]:
        return st.one_of(st.sampled_from([None, 1, 2, 3]), hostile_ints, anything)


@pytest.fixture
def archive(store: Store) -> Archive:
    with store.session() as uow:
        first = uow.articles.create(
            ArticleDraft(
                locale="en",
                headline="Seoul claims Pyongyang test-fired missiles",
                body="<p>The launch came hours before talks.</p>",
                status=Status.PUBLISHED,
                tags=["Nuclear", {"kind": "region", "name": "KOREA"}],
            )
        )
        second = uow.articles.create(
            ArticleDraft(
                locale="it",
                headline="Pechino non vuole aiutare Pyongyang",
                relations=[
                    RelationDraft(target_id=first.id),
                    RelationDraft(pending=PendingTarget(title="Later story")),
                ],
            )
        )
        token = uow.workflow.preview_token(second.id, secret=SECRET)
        relation = uow.relations.outgoing(second.id)[0].id
    return Archive(first.id, second.id, first.slug, first.tags[0].id, relation, token)


def _rows(uow: UnitOfWork, store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every newscms table, as this transaction sees it."""
    return {
        table.name: sorted((tuple(row) for row in uow.connection.execute(select(table))), key=repr)
        for table in store.tables.metadata.sorted_tables
    }


def _try(store: Store, call: Callable[[UnitOfWork], object]) -> None:
    """Run ``call``; a refusal must be typed and leave the transaction untouched."""
    try:
        with store.session() as uow:
            before = _rows(uow, store)
            try:
                call(uow)
            except NewsCMSError:
                assert _rows(uow, store) == before, "a refused call changed the data"
            raise _RollBack
    except _RollBack:
        pass


Surface = Callable[[UnitOfWork, Archive, st.DataObject], object]


def _draft(data: st.DataObject) -> Any:
    """A draft built from hostile fields, or the hostile value itself when refused."""
    fields = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "locale": st.one_of(st.just("en"), hostile_text),
                "headline": st.one_of(st.just("A headline"), hostile_text),
                "body": hostile_text,
                "summary": hostile_text,
                "slug": hostile_text,
                "status": st.one_of(st.sampled_from(list(Status)), hostile_text),
                "published_at": hostile_datetimes,
                "embargoed_until": hostile_datetimes,
                "tags": st.lists(st.one_of(hostile_text, anything), max_size=3),
                "byline": st.lists(hostile_text, max_size=2),
                "canonical_url": hostile_text,
            },
        )
    )
    fields.setdefault("locale", "en")
    fields.setdefault("headline", "A headline")
    try:
        return ArticleDraft(**fields)
    except NewsCMSError:
        return data.draw(anything)


def _patch(data: st.DataObject, archive: Archive) -> Any:
    fields = data.draw(
        st.fixed_dictionaries(
            {"expected_version": archive.versions()},
            optional={
                "headline": hostile_text,
                "slug": hostile_text,
                "body": hostile_text,
                "published_at": hostile_datetimes,
                "embargoed_until": hostile_datetimes,
                "tags": st.lists(hostile_text, max_size=2),
                "regenerate_slug": st.booleans(),
            },
        )
    )
    try:
        return ArticlePatch(**fields)
    except NewsCMSError:
        return data.draw(anything)


def _relation(data: st.DataObject, archive: Archive) -> Any:
    try:
        return RelationDraft(
            kind=data.draw(st.one_of(st.just("see_also"), hostile_text)),
            target_id=data.draw(st.one_of(st.none(), st.sampled_from([archive.article]))),
            pending=None
            if data.draw(st.booleans())
            else PendingTarget(
                title=data.draw(hostile_text),
                published_at=data.draw(st.one_of(st.none(), hostile_datetimes)),
            ),
        )
    except NewsCMSError:
        return data.draw(anything)


SURFACES: dict[str, Surface] = {
    "articles.get": lambda uow, a, d: uow.articles.get(d.draw(a.ids()), public=d.draw(anything)),
    "articles.get_by_slug": lambda uow, a, d: uow.articles.get_by_slug(
        d.draw(st.one_of(st.just("en"), hostile_text, anything)),
        d.draw(st.one_of(st.just(a.slug), hostile_text, anything)),
    ),
    "articles.list": lambda uow, a, d: uow.articles.list(
        **d.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "locale": st.one_of(hostile_text, anything),
                    "status": st.one_of(hostile_text, anything),
                    "public": anything,
                    "tag": a.ids(),
                    "tag_kind": st.one_of(hostile_text, anything),
                    "person": st.one_of(hostile_text, anything),
                    "published_after": st.one_of(hostile_datetimes, anything),
                    "published_before": st.one_of(hostile_datetimes, anything),
                    "limit": st.one_of(hostile_ints, anything),
                    "cursor": st.one_of(hostile_text, anything),
                },
            )
        )
    ),
    "articles.create": lambda uow, a, d: uow.articles.create(_draft(d)),
    "articles.create_many": lambda uow, a, d: uow.articles.create_many(
        d.draw(st.one_of(st.lists(st.builds(lambda: _draft(d)), max_size=3), anything))
    ),
    "articles.update": lambda uow, a, d: uow.articles.update(d.draw(a.ids()), _patch(d, a)),
    "articles.delete": lambda uow, a, d: uow.articles.delete(
        d.draw(a.ids()), expected_version=d.draw(a.versions())
    ),
    "tags.get_by_slug": lambda uow, a, d: uow.tags.get_by_slug(
        d.draw(st.one_of(hostile_text, anything)),
        locale=d.draw(st.one_of(st.just("en"), hostile_text, anything)),
        kind=d.draw(st.one_of(st.none(), hostile_text)),
    ),
    "tags.list": lambda uow, a, d: uow.tags.list(
        kind=d.draw(st.one_of(st.none(), hostile_text, anything)),
        min_count=d.draw(st.one_of(hostile_ints, anything)),
    ),
    "tags.get_or_create": lambda uow, a, d: uow.tags.get_or_create(
        d.draw(st.one_of(hostile_text, anything)),
        locale=d.draw(st.one_of(st.just("en"), hostile_text, anything)),
        kind=d.draw(st.one_of(st.just("topic"), hostile_text, anything)),
    ),
    "tags.set_name": lambda uow, a, d: uow.tags.set_name(
        d.draw(a.ids()),
        d.draw(st.one_of(hostile_text, anything)),
        locale=d.draw(st.one_of(st.just("en"), hostile_text, anything)),
    ),
    "tags.merge": lambda uow, a, d: uow.tags.merge(d.draw(a.ids()), d.draw(a.ids())),
    "relations.add": lambda uow, a, d: uow.relations.add(
        d.draw(a.ids()),
        _relation(d, a),
        position=d.draw(st.one_of(st.none(), hostile_ints, anything)),
    ),
    "relations.remove": lambda uow, a, d: uow.relations.remove(d.draw(a.ids())),
    "relations.reorder": lambda uow, a, d: uow.relations.reorder(
        d.draw(a.ids()), d.draw(st.one_of(st.lists(a.ids(), max_size=3), anything))
    ),
    "relations.outgoing": lambda uow, a, d: uow.relations.outgoing(d.draw(a.ids())),
    "relations.pending": lambda uow, a, d: uow.relations.pending(
        limit=d.draw(st.one_of(hostile_ints, anything))
    ),
    "workflow.publish": lambda uow, a, d: uow.workflow.publish(
        d.draw(a.ids()),
        at=d.draw(st.one_of(st.none(), hostile_datetimes, anything)),
        expected_version=d.draw(a.versions()),
    ),
    "workflow.schedule": lambda uow, a, d: uow.workflow.schedule(
        d.draw(a.ids()),
        d.draw(st.one_of(hostile_datetimes, anything)),
        expected_version=d.draw(a.versions()),
    ),
    "workflow.archive": lambda uow, a, d: uow.workflow.archive(
        d.draw(a.ids()), expected_version=d.draw(a.versions())
    ),
    "workflow.correct": lambda uow, a, d: uow.workflow.correct(
        d.draw(a.ids()), _patch(d, a), note=d.draw(st.one_of(hostile_text, anything))
    ),
    "workflow.preview_token": lambda uow, a, d: uow.workflow.preview_token(
        d.draw(a.ids()),
        secret=d.draw(st.one_of(st.just(SECRET), hostile_text, anything)),
        ttl=d.draw(st.one_of(st.timedeltas(), anything)),
    ),
    "workflow.preview": lambda uow, a, d: uow.workflow.preview(
        d.draw(st.one_of(st.just(a.token), hostile_text, anything)),
        secret=d.draw(st.one_of(st.just(SECRET), hostile_text, anything)),
        article_id=d.draw(st.one_of(st.none(), a.ids())),
    ),
    "revisions.diff": lambda uow, a, d: uow.revisions.diff(
        d.draw(a.ids()), d.draw(a.versions()), d.draw(a.versions())
    ),
    "revisions.restore": lambda uow, a, d: uow.revisions.restore(
        d.draw(a.ids()), d.draw(a.versions()), expected_version=d.draw(a.versions())
    ),
    "search.search": lambda uow, a, d: uow.search.search(
        d.draw(st.one_of(hostile_text, anything)),
        locale=d.draw(st.one_of(st.none(), hostile_text)),
        public=d.draw(anything),
        published_after=d.draw(st.one_of(st.none(), hostile_datetimes)),
        limit=d.draw(st.one_of(st.just(20), hostile_ints)),
        cursor=d.draw(st.one_of(st.none(), hostile_text)),
    ),
    "related.find": lambda uow, a, d: uow.related.find(
        d.draw(a.ids()), limit=d.draw(st.one_of(st.just(10), hostile_ints, anything))
    ),
    "articles.edition": lambda uow, a, d: uow.articles.edition(
        d.draw(a.ids()),
        d.draw(st.one_of(st.just("es"), hostile_text, anything)),
        fallback=d.draw(st.one_of(st.booleans(), st.lists(hostile_text, max_size=3), anything)),
    ),
    "tags.get_by_code": lambda uow, a, d: uow.tags.get_by_code(
        d.draw(st.one_of(st.just("CN"), hostile_text, anything)),
        kind=d.draw(st.one_of(st.just("region"), hostile_text, anything)),
    ),
    "tags.set_code": lambda uow, a, d: uow.tags.set_code(
        d.draw(a.ids()), d.draw(st.one_of(st.none(), st.just("KR"), hostile_text, anything))
    ),
    "tags.coded": lambda uow, a, d: uow.tags.coded(
        d.draw(st.one_of(st.just("CN"), hostile_text, anything)),
        name=d.draw(st.one_of(st.just("CINA"), hostile_text, anything)),
        locale=d.draw(st.one_of(st.just("it"), hostile_text, anything)),
        kind=d.draw(st.one_of(st.just("region"), hostile_text, anything)),
    ),
    "tags.split": lambda uow, a, d: uow.tags.split(
        d.draw(a.ids()), locale=d.draw(st.one_of(st.just("en"), hostile_text, anything))
    ),
    "legacy_urls.add": lambda uow, a, d: uow.legacy_urls.add(
        d.draw(a.ids()), d.draw(st.one_of(st.just("/news-en/x-1.html"), hostile_text, anything))
    ),
    "legacy_urls.add_many": lambda uow, a, d: uow.legacy_urls.add_many(
        d.draw(
            st.one_of(
                st.lists(st.tuples(a.ids(), st.one_of(hostile_text, anything)), max_size=3),
                anything,
            )
        )
    ),
    "legacy_urls.resolve": lambda uow, a, d: uow.legacy_urls.resolve(
        d.draw(st.one_of(hostile_text, anything))
    ),
    "legacy_urls.redirects": lambda uow, a, d: uow.legacy_urls.redirects(
        after=d.draw(st.one_of(st.none(), hostile_text, anything)),
        limit=d.draw(st.one_of(st.just(10), hostile_ints, anything)),
    ),
}


@pytest.mark.parametrize("surface", sorted(SURFACES))
@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_only_typed_errors_escape_and_refusals_change_nothing(store, archive, surface, data):
    _try(store, lambda uow: SURFACES[surface](uow, archive, data))


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(older_than=st.one_of(st.timedeltas(), anything), limit=st.one_of(hostile_ints, anything))
def test_store_maintenance_takes_hostile_arguments(store, archive, older_than, limit):
    for call in (
        lambda: store.prune_events(older_than=older_than),
        lambda: store.drain_events(lambda event: None, limit=limit),
        lambda: store.run(lambda uow: None, retries=limit),
    ):
        with contextlib.suppress(NewsCMSError):
            call()
