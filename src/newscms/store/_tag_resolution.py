"""Tag ids for the tags articles name: get-or-create, race-safe, cached per transaction.

Every article write names its tags by name (or id); this turns them into ids, creating
the missing tags in one insert per table for a whole batch. Lookups are cached for the
rest of the transaction, which makes bulk imports cheap; two writers creating the same
tag at once get the same tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select

from newscms.errors import NotFoundError
from newscms.utils.keys import tag_locale

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from newscms.domain.tag import TagInput
    from newscms.store._context import UnitState

__all__ = ["forget_cached", "forget_names", "resolve", "resolve_many"]

_CACHE = "tag_ids"
_KNOWN = "known_tag_ids"
_SLUGS = "tag_slugs_by_name"


def forget_names(uow: UnitState) -> None:
    """Drop cached tag ids by name: a tag was renamed."""
    uow.cache.pop(_CACHE, None)


def forget_cached(uow: UnitState) -> None:
    """Drop cached tag ids: tags were deleted, or a savepoint that made some undone."""
    uow.cache.pop(_CACHE, None)
    uow.cache.pop(_KNOWN, None)


def resolve(uow: UnitState, specs: Iterable[TagInput], *, locale: str) -> list[UUID]:
    """Tag ids for ``specs`` in order, creating missing tags; repeats collapse.

    Names are looked up in the spec's locale or ``locale``; lookups are cached for
    the rest of the transaction, which makes bulk imports cheap.
    """
    return resolve_many(uow, [(list(specs), locale)])[0]


def resolve_many(
    uow: UnitState, items: Sequence[tuple[Sequence[TagInput], str]]
) -> list[list[UUID]]:
    """``resolve`` for several articles at once: one lookup, one insert per table."""
    cache: dict[tuple[str, str, str], UUID] = uow.cache.setdefault(_CACHE, {})
    slugs: dict[tuple[str, str], str] = uow.cache.setdefault(_SLUGS, {})
    slugifier = uow.settings.slugifier
    wanted: list[list[UUID | tuple[str, str, str]]] = []
    missing: dict[tuple[str, str, str], str] = {}
    for specs, locale in items:
        keys: list[UUID | tuple[str, str, str]] = []
        for spec in specs:
            if spec.id is not None:
                keys.append(spec.id)
                continue
            assert spec.name is not None
            loc = tag_locale(spec.locale or locale)
            slug = slugs.get((loc, spec.name))
            if slug is None:
                slug = slugs[loc, spec.name] = slugifier(spec.name, loc)
            key = (spec.kind, loc, slug)
            keys.append(key)
            if key not in cache:
                missing.setdefault(key, spec.name)
        wanted.append(keys)
    if missing:
        cache.update(_lookup(uow, missing))
        _create_all(uow, {key: name for key, name in missing.items() if key not in cache})
    _check_ids_exist(uow, [k for keys in wanted for k in keys if isinstance(k, UUID)])
    return [
        list(dict.fromkeys(k if isinstance(k, UUID) else cache[k] for k in keys)) for keys in wanted
    ]


def _create_all(uow: UnitState, names: dict[tuple[str, str, str], str]) -> None:
    """Create the tags ``names`` lists (key -> name) and cache their ids.

    One insert per table; if a concurrent writer created one of them first, the
    batch is undone and each tag is created (or found) on its own.
    """
    if not names:
        return
    cache: dict[tuple[str, str, str], UUID] = uow.cache[_CACHE]
    ids = {key: uuid4() for key in names}
    now = uow.now()
    try:
        with uow.retryable_insert():
            uow.connection.execute(
                insert(uow.settings.tables.tags),
                [{"id": ids[k], "kind": k[0], "created_at": now} for k in names],
            )
            uow.connection.execute(
                insert(uow.settings.tables.tag_slugs),
                [{"kind": k[0], "locale": k[1], "slug": k[2], "tag_id": ids[k]} for k in names],
            )
            uow.connection.execute(
                insert(uow.settings.tables.tag_names),
                [
                    {"tag_id": ids[k], "locale": k[1], "name": name, "slug": k[2]}
                    for k, name in names.items()
                ],
            )
    except sa_exc.IntegrityError:
        if uow.dialect == "sqlite":  # one writer: no race, a real conflict
            raise
        for key, name in names.items():
            cache[key] = _create(uow, key, name)
        return
    cache.update(ids)


def _lookup(
    uow: UnitState, keys: Iterable[tuple[str, str, str]], *, lock: bool = False
) -> dict[Any, UUID]:
    ts = uow.settings.tables.tag_slugs
    keys = set(keys)
    query = select(ts.c.kind, ts.c.locale, ts.c.slug, ts.c.tag_id).where(
        ts.c.slug.in_({slug for _, _, slug in keys})
    )
    if lock:  # see rows committed after this transaction's snapshot (MySQL)
        query = query.with_for_update(read=True)
    found: dict[tuple[str, str, str], UUID] = {}
    for row in uow.connection.execute(query):
        key = (row.kind, row.locale, row.slug)
        if key in keys:
            found[key] = row.tag_id
    return found


def _create(uow: UnitState, key: tuple[str, str, str], name: str) -> UUID:
    kind, locale, slug = key
    tag_id = uuid4()
    try:
        with uow.retryable_insert():
            uow.connection.execute(
                insert(uow.settings.tables.tags).values(id=tag_id, kind=kind, created_at=uow.now())
            )
            uow.connection.execute(
                insert(uow.settings.tables.tag_slugs).values(
                    kind=kind, locale=locale, slug=slug, tag_id=tag_id
                )
            )
            uow.connection.execute(
                insert(uow.settings.tables.tag_names).values(
                    tag_id=tag_id, locale=locale, name=name, slug=slug
                )
            )
    except sa_exc.IntegrityError:
        # A concurrent writer created the same tag first: use theirs.
        theirs = _lookup(uow, [key], lock=True).get(key)
        if theirs is None:
            raise
        return theirs
    return tag_id


def _check_ids_exist(uow: UnitState, ids: Sequence[UUID]) -> None:
    known: set[UUID] = uow.cache.setdefault(_KNOWN, set())
    unknown = set(ids) - known
    if not unknown:
        return
    tg = uow.settings.tables.tags
    found = set(uow.connection.scalars(select(tg.c.id).where(tg.c.id.in_(unknown))))
    if missing := unknown - found:
        missing_id = sorted(missing)[0]
        raise NotFoundError(f"no tag with id {missing_id}", kind="tag", key=missing_id)
    known.update(found)
