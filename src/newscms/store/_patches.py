"""What an ``ArticlePatch`` changes in a stored article, decided before anything is written.

Updates, corrections, restores and import re-syncs all describe their change as a
patch; this turns one into the write path's ``Change`` (or ``None`` when it changes
nothing stored), with the derived columns and the re-slug rule in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from newscms.domain.article import Person
from newscms.domain.media import MediaRole
from newscms.domain.status import Status, check_expiry
from newscms.domain.workflow import EventKind
from newscms.errors import ValidationError
from newscms.store import _slugs, _tag_resolution
from newscms.store._creation import byline_json
from newscms.store._media_rows import MediaLinks, as_uuid_value
from newscms.store._write_path import Change, new_correction
from newscms.store.media import resolve_attachments, shown_at
from newscms.store.people import resolve_bylines
from newscms.utils.html import link_media_images
from newscms.utils.keys import source_key, title_key, url_key

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from sqlalchemy import Row

    from newscms.domain.article import ArticlePatch
    from newscms.store._context import UnitState
    from newscms.store._work import Work

__all__ = ["patch_change"]

# Article columns and the article field each one belongs to, for the revision log.
_COLUMN_FIELDS = {
    "media_count": "media",
    "dateline_place": "dateline",
    "dateline_source": "dateline",
    "source_format": "source",
    "source_locator": "source",
    "source_key": "source",
}
_DATES = ("published_at", "embargoed_until", "expires_at")
_DERIVED_COLUMNS = frozenset({"title_key", "url_key", "listed_at", "is_public", "corrections"})


def patch_change(
    uow: Work, row: Row[Any], patch: ArticlePatch, *, correction: str | None = None
) -> Change | None:
    """The change ``patch`` makes to the article in ``row``; ``None`` when it changes nothing.

    With ``correction``, the change is also entered in the article's public correction
    log with that note, and announced as ``corrected`` instead of ``updated``.
    """
    columns = _column_changes(uow, row, patch)
    slug, slug_base = _slug_change(uow, row, patch)
    tag_ids = _tag_change(uow, row, patch)
    media = _media_change(uow, row, patch)
    if media is not None:
        columns["media_count"] = len(media)
    if "body" in columns or media is not None:
        links = media if media is not None else _stored_links(uow, row) if row.media_count else []
        urls = shown_at(uow, [links]) if links else {}
        linked = link_media_images(columns.get("body", row.body), urls)
        if linked != row.body:
            columns["body"] = linked
        else:
            columns.pop("body", None)
    fields = _changed_fields(columns, tags=tag_ids is not None, slug=slug is not None)
    if not fields:
        return None
    if correction is not None:
        columns["corrections"] = [
            *(row.corrections or []),
            new_correction(uow.now(), correction, fields, row.version + 1),
        ]
    return Change(
        columns=columns,
        fields=fields,
        events=[EventKind.CORRECTED if correction is not None else EventKind.UPDATED],
        slug=slug,
        slug_base=slug_base,
        tag_ids=tag_ids,
        byline=_stored_byline(columns["byline"]) if "byline" in columns else None,
        media=media,
    )


def _stored_byline(stored: Sequence[dict[str, str]]) -> tuple[Person, ...]:
    """A resolved byline back from its stored form (what the people rows are made of)."""
    return tuple(Person.model_validate(entry) for entry in stored)


def _column_changes(uow: Work, row: Row[Any], patch: ArticlePatch) -> dict[str, Any]:
    """The article columns ``patch`` changes, with their lookup keys kept consistent."""
    wanted: dict[str, Any] = {}
    given = patch.changes()
    for name in ("headline", "subheadline", "summary", "body", "canonical_url"):
        if name in given:
            wanted[name] = given[name]
    if "byline" in given:
        (byline,) = resolve_bylines(uow, [(patch.byline or (), row.locale)])
        wanted["byline"] = byline_json(byline)
    if "dateline" in given:
        wanted["dateline_place"] = patch.dateline.place if patch.dateline else None
        wanted["dateline_source"] = patch.dateline.source if patch.dateline else None
    if "source" in given:
        src = patch.source
        wanted["source_format"] = src.format if src else None
        wanted["source_locator"] = src.locator if src else None
        wanted["source_key"] = source_key(src.format, src.locator) if src else None
    if "date_provenance" in given:
        wanted["date_provenance"] = (
            patch.date_provenance.model_dump() if patch.date_provenance else None
        )
    if "headline" in wanted:
        wanted["title_key"] = title_key(wanted["headline"])
    if "canonical_url" in wanted:
        wanted["url_key"] = url_key(wanted["canonical_url"]) if wanted["canonical_url"] else None
    wanted.update(_date_changes(row, given))
    if "translation_group" in given:
        wanted["translation_group"] = given["translation_group"]
    return {key: value for key, value in wanted.items() if getattr(row, key) != value}


def _date_changes(row: Row[Any], given: dict[str, Any]) -> dict[str, Any]:
    """The publication, embargo and expiry times a patch sets, checked with the stored ones."""
    wanted = {name: given[name] for name in _DATES if name in given}
    if (
        "published_at" in wanted
        and wanted["published_at"] is None
        and row.status != Status.DRAFT.value
    ):
        raise ValidationError(
            f"a {row.status} article needs a publication time", field="published_at"
        )
    if wanted:
        published, embargo, expiry = (wanted.get(name, getattr(row, name)) for name in _DATES)
        check_expiry(expiry, published, embargo)
    return wanted


def _slug_change(
    uow: UnitState, row: Row[Any], patch: ArticlePatch
) -> tuple[str | None, str | None]:
    """The slug the article moves to (``None``: it keeps its own) and its derived base.

    An explicit slug is taken as given (no base); a draft that was never published
    follows its headline; ``regenerate_slug`` asks for the headline's slug at any time.
    """
    if patch.slug is not None:
        return (patch.slug if patch.slug != row.slug else None), None
    headline_changed = patch.headline is not None and patch.headline != row.headline
    never_published = row.first_published_at is None and row.status == Status.DRAFT.value
    if patch.regenerate_slug or (headline_changed and never_published):
        base = _slugs.derive_slug(uow, patch.headline or row.headline, row.locale)
        # "x-2" already says "x" when it was numbered from "x", but "top-10" derived
        # from "Top 10" does not say "Top": compare with the old headline's slug too.
        numbered = _slugs.strip_number(row.slug) == base
        if base == row.slug or (
            numbered and _slugs.derive_slug(uow, row.headline, row.locale) == base
        ):
            return None, None  # the slug already says this headline
        return _slugs.free_slug(uow, row.locale, base, row.id), base
    return None, None


def _tag_change(uow: UnitState, row: Row[Any], patch: ArticlePatch) -> list[UUID] | None:
    """The tag ids ``patch`` gives the article, or ``None`` when its tags stay as they are."""
    if patch.tags is None:
        return None
    tag_ids = _tag_resolution.resolve(uow, patch.tags, locale=row.locale)
    at = uow.settings.tables.article_tags
    current = uow.connection.scalars(
        at.select()
        .with_only_columns(at.c.tag_id)
        .where(at.c.article_id == row.id)
        .order_by(at.c.position)
    ).all()
    return None if list(current) == tag_ids else tag_ids


def _media_change(uow: Work, row: Row[Any], patch: ArticlePatch) -> MediaLinks | None:
    """The media links ``patch`` gives the article, or ``None`` when they stay as they are."""
    if patch.media is None:
        return None
    links = resolve_attachments(uow, [(patch.media, row.locale)])[0]
    return None if _stored_links(uow, row) == links else links


def _stored_links(uow: Work, row: Row[Any]) -> MediaLinks:
    """The media the article shows now, in order and role."""
    am = uow.settings.tables.article_media
    current = uow.connection.execute(
        select(am.c.media_id, am.c.role).where(am.c.article_id == row.id).order_by(am.c.position)
    ).all()
    return [(as_uuid_value(media_id), MediaRole(role)) for media_id, role in current]


def _changed_fields(changes: dict[str, Any], *, tags: bool, slug: bool) -> Sequence[str]:
    """The article fields a set of column changes touches, for the revision log."""
    fields = [
        _COLUMN_FIELDS.get(column, column) for column in changes if column not in _DERIVED_COLUMNS
    ]
    if tags:
        fields.append("tags")
    if slug:
        fields.append("slug")
    return sorted(set(fields))
