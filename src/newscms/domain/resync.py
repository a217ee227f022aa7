"""Re-imports: what makes a stored article say what a new draft of its source says.

A source owns the article's content and its "see also" list: a re-import sets the
content fields that differ, removes the see-also relations the source no longer lists,
adds the new ones and puts them in the source's order. Relations of other kinds (a
translation or follow-up an editor added) are added when the source names them and
never removed. A source without a date, slug or translation group says nothing about
them, and status, id and creation time are never the source's to change.

``plan_resync`` only compares: the caller writes the plan (the import service does,
through one unit of work) and gives the one thing a comparison may need to read, the
canonical URL of a relation's target (an ``ArticleRef`` does not carry it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from newscms.domain.article import CONTENT_FIELDS as ARTICLE_CONTENT
from newscms.domain.matching import PendingKeys, names_article
from newscms.domain.relation import RelationKind
from newscms.utils.keys import media_key, tag_locale, title_key, url_key

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime
    from uuid import UUID

    from newscms.domain.article import Article, ArticleDraft, Person
    from newscms.domain.article_ref import ArticleRef
    from newscms.domain.media import ArticleMedia, MediaAttachment
    from newscms.domain.relation import Relation, RelationDraft
    from newscms.domain.tag import TagInput, TagRef

__all__ = ["CONTENT_FIELDS", "OWNED_KINDS", "ResyncPlan", "plan_resync"]

CONTENT_FIELDS = (*ARTICLE_CONTENT, "date_provenance")
"""Content a source carries; a re-import makes the stored article's equal to it."""

OWNED_KINDS = frozenset({RelationKind.SEE_ALSO.value})
"""The relation kinds a source owns outright: the legacy "See also" list."""


@dataclass(frozen=True, slots=True)
class ResyncPlan:
    """What a re-import changes on a stored article; never empty (see ``plan_resync``).

    Attributes:
        changes: The patch's fields: those whose source value differs from the stored one.
        kept: Source relation index -> the stored relation standing for it.
        add: Source relations (with their index) the article does not have yet.
        remove: Stored see-also relations the source no longer lists.
        reorder: Whether the relations must be put in order: the source's first, in
            the source's order, then the others in theirs.
    """

    changes: Mapping[str, Any]
    kept: Mapping[int, UUID]
    add: tuple[tuple[int, RelationDraft], ...]
    remove: tuple[Relation, ...]
    reorder: bool


def plan_resync(
    stored: Article,
    draft: ArticleDraft,
    *,
    slugifier: Callable[[str, str], str],
    target_url: Callable[[UUID], str | None],
) -> ResyncPlan | None:
    """What turns ``stored`` into what ``draft`` (a new draft of its source) says.

    Args:
        stored: The article an earlier import of the draft's source stored.
        draft: The source as it reads now.
        slugifier: The store's slugifier, to see tag names as the store looks them up.
        target_url: The canonical URL of a stored article, by id; asked only when a
            relation can be told from another by its target's URL alone.

    Returns:
        The changes, or None when the stored article already says what the source says.
    """
    changes = _field_changes(stored, draft, slugifier)
    unclaimed = list(stored.relations)
    kept: dict[int, UUID] = {}
    add: list[tuple[int, RelationDraft]] = []
    for index, wanted in enumerate(draft.relations):
        match = next(
            (r for r in unclaimed if r.kind == wanted.kind and _stands_for(r, wanted, target_url)),
            None,
        )
        if match is None:
            add.append((index, wanted))
        else:
            unclaimed.remove(match)
            kept[index] = match.id
    remove = tuple(r for r in unclaimed if r.kind in OWNED_KINDS)
    index_of = {relation_id: index for index, relation_id in kept.items()}
    # After the removals and with the additions last, the source's relations must
    # come first, in the source's order, and the others after them, in theirs.
    removed = {relation.id for relation in remove}
    order = [index_of.get(r.id) for r in stored.relations if r.id not in removed]
    order += [index for index, _ in add]
    ranked = sorted(index for index in order if index is not None)
    expected = [*ranked, *(None for index in order if index is None)]
    reorder = order != expected
    if not (changes or add or remove or reorder):
        return None
    return ResyncPlan(changes, kept, tuple(add), remove, reorder)


def _field_changes(
    stored: Article, draft: ArticleDraft, slugifier: Callable[[str, str], str]
) -> dict[str, Any]:
    """The patch fields whose source value differs from the stored article's."""
    changes = {
        name: getattr(draft, name)
        for name in CONTENT_FIELDS
        if name != "byline" and _plain(getattr(draft, name)) != _plain(getattr(stored, name))
    }
    if not _same_byline(draft.byline, stored.byline):
        changes["byline"] = draft.byline
    # A source without a date or slug says nothing about them: the stored ones stay.
    if draft.published_at is not None and draft.published_at != stored.published_at:
        changes["published_at"] = draft.published_at
    if draft.slug is not None and draft.slug != stored.slug:
        changes["slug"] = draft.slug
    if draft.translation_group is not None and draft.translation_group != stored.translation_group:
        changes["translation_group"] = draft.translation_group
    if draft.source is not None and _plain(draft.source) != _plain(stored.source):
        changes["source"] = draft.source
    if not _same_tags(draft.tags, stored.tags, draft.locale, slugifier):
        changes["tags"] = draft.tags
    # A source without media says nothing about them: images an editor added stay.
    if draft.media and not _same_media(draft.media, stored.media):
        changes["media"] = draft.media
    return changes


def _same_byline(wanted: Sequence[Person], stored: Sequence[Person]) -> bool:
    """Whether the draft credits the stored byline: the same names and roles, in order.

    The stored entries carry the profiles the store found for the names; a draft that
    names a profile (``id``) must name the same one.
    """
    return len(wanted) == len(stored) and all(
        (item.name, item.role) == (shown.name, shown.role) and item.id in (None, shown.id)
        for item, shown in zip(wanted, stored, strict=True)
    )


def _same_media(wanted: Sequence[MediaAttachment], stored: Sequence[ArticleMedia]) -> bool:
    """Whether the draft attaches the stored media, in order and role (a URL names its item)."""
    if len(wanted) != len(stored):
        return False
    return all(
        item.role == shown.role
        and (
            item.id == shown.id
            if item.media is None
            else media_key(item.media.url) == media_key(shown.url)
        )
        for item, shown in zip(wanted, stored, strict=True)
    )


def _plain(value: Any) -> Any:
    """``value`` with models as dicts, so equal content compares equal however it was built."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _same_tags(
    wanted: Sequence[TagInput],
    stored: Sequence[TagRef],
    locale: str,
    slugifier: Callable[[str, str], str],
) -> bool:
    """Whether the draft's tags are the stored ones, in order, as the store would look them up.

    A name is the tag of that kind whose slug in the locale is the name's slug (see
    ``TagRepository.resolve``); repeats collapse.
    """
    keys: list[object] = []
    for tag in wanted:
        if tag.id is not None:
            keys.append(tag.id)
        else:
            assert tag.name is not None  # a TagInput has a name or an id
            where = tag_locale(tag.locale or locale)
            keys.append((tag.kind, slugifier(tag.name, where)))
    keys = list(dict.fromkeys(keys))
    if len(keys) != len(stored):
        return False
    return all(
        key == (tag.id if not isinstance(key, tuple) else (tag.kind, tag.slug))
        for key, tag in zip(keys, stored, strict=True)
    )


def _stands_for(
    relation: Relation, wanted: RelationDraft, target_url: Callable[[UUID], str | None]
) -> bool:
    """Whether a stored relation is the one a source relation asks for (same kind assumed)."""
    if wanted.target_id is not None:
        return relation.target is not None and relation.target.id == wanted.target_id
    assert wanted.pending is not None  # a relation draft has a target id or a pending target
    if relation.target is None:
        return relation.pending is not None and _plain(relation.pending) == _plain(wanted.pending)
    # A resolved relation stands for the pending target that names its target.
    return names_article(PendingKeys.of(wanted.pending), _Target(relation.target, target_url))


class _Target:
    """A relation's target as the matching rule sees it; its URL is read only when asked."""

    __slots__ = ("_ref", "_url")

    def __init__(self, ref: ArticleRef, url: Callable[[UUID], str | None]) -> None:
        self._ref = ref
        self._url = url

    @property
    def id(self) -> UUID:
        return self._ref.id

    @property
    def locale(self) -> str:
        return self._ref.locale

    @property
    def slug(self) -> str:
        return self._ref.slug

    @property
    def title_key(self) -> str:
        return title_key(self._ref.headline)

    @property
    def url_key(self) -> str | None:
        url = self._url(self._ref.id)
        return url_key(url) if url is not None else None

    @property
    def published_at(self) -> datetime | None:
        return self._ref.published_at
