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
    from collections.abc import Callable, Collection
    from uuid import UUID

    from sqlalchemy import Table

    from newscms.store._context import UnitState

__all__ = ["claim_slug", "derive_slug", "free_in", "free_slug", "insert_with_slug", "reslug"]

# Each lost attempt means another writer committed that slug, so this bounds the writers
# one headline can race against at once, not the work done: attempts stop at the first win.
_SLUG_ATTEMPTS = 200
_SUFFIX = re.compile(r"-(\d+)$")


def derive_slug(uow: UnitState, headline: str, locale: str) -> str:
    """The slug the store's slugifier makes of ``headline``, leaving room for ``-N``."""
    slug = uow.settings.slugifier(headline, locale)
    return slug[: SLUG_MAX - 8].rstrip("-_") or slug[: SLUG_MAX - 8]


def strip_number(slug: str) -> str:
    """``slug`` without a ``-N`` suffix the allocator may have added."""
    return _SUFFIX.sub("", slug)


def free_slug(
    uow: UnitState,
    locale: str,
    base: str,
    article_id: UUID,
    *,
    reserved: Collection[str] = (),
) -> str:
    """``base``, or ``base-2``, ``base-3``…: the first that no other article has or had.

    ``reserved`` slugs count as taken too: a batch's earlier articles, or the slugs this
    writer lost a race for (their winner may not have committed, or this transaction's
    snapshot may predate it, so a read would offer them again).
    """
    return free_in(
        uow,
        locale,
        base,
        article_id,
        slugs=uow.settings.tables.article_slugs,
        owner_column="article_id",
        reserved=reserved,
    )


def free_in(
    uow: UnitState,
    locale: str,
    base: str,
    owner_id: UUID,
    *,
    slugs: Table,
    owner_column: str,
    reserved: Collection[str] = (),
) -> str:
    """``free_slug`` over any table of slugs per locale (``s``) owned by ``owner_column``."""
    # "base" and every "base-…" in one index range ("." follows "-"), not a LIKE scan.
    s = slugs
    query = select(s.c.slug, s.c[owner_column]).where(
        s.c.locale == locale, s.c.slug >= base, s.c.slug < f"{base}."
    )
    taken = {t for t in reserved if t == base or t.startswith(f"{base}-")}
    for slug, owner in uow.connection.execute(query):
        if slug != base and not slug.startswith(f"{base}-"):
            continue
        if owner == owner_id:
            if slug == base:
                return base  # an old slug of this very owner: take it back
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


def insert_with_slug(uow: UnitState, values: dict[str, Any], explicit: str | None) -> str:
    """Insert a new article row under the first free slug; returns the slug it got.

    Raises:
        DuplicateError: the ``explicit`` slug is taken.
    """
    locale, article_id = values["locale"], values["id"]
    articles = uow.settings.tables.articles
    base = None if explicit else derive_slug(uow, values["headline"], locale)

    def write(slug: str) -> None:
        uow.connection.execute(insert(articles).values(slug=slug, **values))
        claim_slug(uow, locale, slug, article_id)

    first = explicit or free_slug(uow, locale, base or "", article_id)
    values["slug"] = _take_first_free(
        uow, first, locale=locale, base=base, article_id=article_id, write=write
    )
    return str(values["slug"])


def _take_first_free(
    uow: UnitState,
    slug: str,
    *,
    locale: str,
    base: str | None,
    article_id: UUID,
    write: Callable[[str], None],
) -> str:
    """``write(slug)``; after each race lost to a concurrent writer, the next free number.

    Without a ``base`` (a slug the caller chose) a lost race is a ``DuplicateError``.
    """
    lost: set[str] = set()
    for _attempt in range(_SLUG_ATTEMPTS):
        try:
            with uow.retryable_insert():
                write(slug)
        except sa_exc.IntegrityError:
            if base is None:
                raise DuplicateError(
                    f"the slug {slug!r} is already used in {locale}; choose another"
                ) from None
            # The winner may not have committed yet, so a read would not show it.
            lost.add(slug)
            slug = free_slug(uow, locale, base, article_id, reserved=lost)
            continue
        return slug
    raise DuplicateError(
        f"could not allocate a free slug for {base!r} in {locale}: {_SLUG_ATTEMPTS} "
        "concurrent writers took every one tried; give this article an explicit slug"
    )


def claim_slug(uow: UnitState, locale: str, slug: str, article_id: UUID) -> None:
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


def reslug(
    uow: UnitState, article_id: UUID, locale: str, slug: str, *, base: str | None = None
) -> str:
    """Move a stored article to ``slug``; its former slugs keep resolving to it.

    With ``base`` (a slug derived from the headline, not one the caller chose), a race
    lost to a concurrent writer moves on to the next free number. Returns the slug.

    Raises:
        DuplicateError: another article has or had the chosen ``slug``.
    """
    articles = uow.settings.tables.articles

    def write(chosen: str) -> None:
        claim_slug(uow, locale, chosen, article_id)
        uow.connection.execute(
            update(articles).where(articles.c.id == article_id).values(slug=chosen)
        )

    return _take_first_free(uow, slug, locale=locale, base=base, article_id=article_id, write=write)
