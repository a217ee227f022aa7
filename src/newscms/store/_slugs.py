"""Article slugs: derived from the headline, unique per locale, never given back.

Every slug an article ever had stays in ``article_slugs``, so old URLs keep resolving
and no other article can take them. A derived slug that is taken gets the first free
``-2``, ``-3``…; a writer that loses a race for one (PostgreSQL and MariaDB let
concurrent transactions try the same number) reads what has committed since and tries
the next free number, as often as there are writers in the race.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select, update

from newscms.domain.article import SLUG_MAX
from newscms.errors import DuplicateError

if TYPE_CHECKING:
    from collections.abc import Collection
    from uuid import UUID

    from newscms.store.unit import UnitOfWork

__all__ = ["claim_slug", "derive_slug", "free_slug", "insert_with_slug", "reslug"]

# Each lost attempt means another writer committed that slug, so this bounds the writers
# one headline can race against at once, not the work done: attempts stop at the first win.
_SLUG_ATTEMPTS = 200
_SUFFIX = re.compile(r"-(\d+)$")


def derive_slug(uow: UnitOfWork, headline: str, locale: str) -> str:
    """The slug the store's slugifier makes of ``headline``, leaving room for ``-N``."""
    slug = uow.settings.slugifier(headline, locale)
    return slug[: SLUG_MAX - 8].rstrip("-_") or slug[: SLUG_MAX - 8]


def strip_number(slug: str) -> str:
    """``slug`` without a ``-N`` suffix the allocator may have added."""
    return _SUFFIX.sub("", slug)


def free_slug(
    uow: UnitOfWork,
    locale: str,
    base: str,
    article_id: UUID,
    *,
    locked: bool = False,
    reserved: Collection[str] = (),
) -> str:
    """``base``, or ``base-2``, ``base-3``…: the first that no other article has or had.

    ``reserved`` slugs count as taken too (a batch's earlier articles, or slugs this
    writer just lost a race for). ``locked`` reads the latest commit, not the snapshot.
    """
    s = uow.settings.tables.article_slugs
    # "base" and every "base-…" in one index range ("." follows "-"), not a LIKE scan.
    query = select(s.c.slug, s.c.article_id).where(
        s.c.locale == locale, s.c.slug >= base, s.c.slug < f"{base}."
    )
    if locked:
        query = query.with_for_update(read=True)
    taken = {t for t in reserved if t == base or t.startswith(f"{base}-")}
    for slug, owner in uow.connection.execute(query):
        if slug != base and not slug.startswith(f"{base}-"):
            continue
        if owner == article_id:
            if slug == base:
                return base  # an old slug of this very article: take it back
            continue
        taken.add(slug)
    if base not in taken:
        return base
    numbers = {
        int(m.group(1)) for t in taken if (m := _SUFFIX.search(t)) and t[: m.start()] == base
    }
    n = 2
    while n in numbers:
        n += 1
    return f"{base}-{n}"


def insert_with_slug(uow: UnitOfWork, values: dict[str, Any], explicit: str | None) -> str:
    """Insert a new article row under the first free slug; returns the slug it got.

    Raises:
        DuplicateError: the ``explicit`` slug is taken.
    """
    locale = values["locale"]
    base = explicit or derive_slug(uow, values["headline"], locale)
    lost: set[str] = set()
    for attempt in range(_SLUG_ATTEMPTS):
        slug = (
            base
            if explicit
            else free_slug(uow, locale, base, values["id"], reserved=lost)
        )
        try:
            with uow.retryable_insert():
                uow.connection.execute(
                    insert(uow.settings.tables.articles).values(slug=slug, **values)
                )
                claim_slug(uow, locale, slug, values["id"])
        except sa_exc.IntegrityError:
            if explicit:
                raise DuplicateError(
                    f"the slug {slug!r} is already used in {locale}; choose another"
                ) from None
            # A concurrent writer took it; it may not have committed yet, so the next
            # read might not show it: remember it ourselves.
            lost.add(slug)
            continue
        values["slug"] = slug
        return slug
    raise DuplicateError(
        f"could not allocate a free slug for {base!r} in {locale}: {_SLUG_ATTEMPTS} "
        "concurrent writers took every one tried; give this article an explicit slug"
    )


def claim_slug(uow: UnitOfWork, locale: str, slug: str, article_id: UUID) -> None:
    """Record ``slug`` in the article's slug history (refused if another article had it)."""
    s = uow.settings.tables.article_slugs
    owner = uow.connection.scalar(
        select(s.c.article_id).where(s.c.locale == locale, s.c.slug == slug)
    )
    if owner is None:
        uow.connection.execute(
            insert(s).values(locale=locale, slug=slug, article_id=article_id, created_at=uow.now())
        )
    elif owner != article_id:
        raise DuplicateError(f"the slug {slug!r} is already used in {locale}")


def reslug(uow: UnitOfWork, article_id: UUID, locale: str, slug: str) -> None:
    """Move a stored article to ``slug``; its former slugs keep resolving to it.

    Raises:
        DuplicateError: another article has or had ``slug``.
    """
    a = uow.settings.tables.articles
    try:
        with uow.retryable_insert():
            claim_slug(uow, locale, slug, article_id)
            uow.connection.execute(update(a).where(a.c.id == article_id).values(slug=slug))
    except sa_exc.IntegrityError:
        raise DuplicateError(
            f"the slug {slug!r} is already used in {locale}; choose another"
        ) from None
