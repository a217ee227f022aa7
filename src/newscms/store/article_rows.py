"""Row-level steps every article write shares: read, check the version, write, re-sync.

Both the article repository (content edits) and the workflow repository (status
changes) change an article through these functions, so "no lost updates" and "listings
stay consistent" are implemented once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from newscms.errors import ConflictError, NotFoundError
from newscms.store.relations import MatchKeys

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from uuid import UUID

    from sqlalchemy import Row

    from newscms.domain.article import Person
    from newscms.store.unit import UnitOfWork

__all__ = [
    "byline_json",
    "check_version",
    "load_row",
    "match_keys",
    "sync_listing",
    "write_columns",
]


def load_row(uow: UnitOfWork, article_id: UUID, *, lock: bool = False) -> Row[Any]:
    """The article's row; ``lock`` reads the latest commit (and locks it for this transaction).

    Raises:
        NotFoundError: no such article.
    """
    a = uow.settings.tables.articles
    query = select(a).where(a.c.id == article_id)
    if lock:
        query = query.with_for_update(read=True)
    row = uow.connection.execute(query).first()
    if row is None:
        raise NotFoundError(f"no article with id {article_id}", kind="article", key=article_id)
    return row


def _changed_since(uow: UnitOfWork, article_id: UUID, version: int) -> tuple[str, ...]:
    """Every field changed by the revisions saved after ``version``, in first-seen order."""
    r = uow.settings.tables.revisions
    rows = uow.connection.scalars(
        select(r.c.changed_fields)
        .where(r.c.article_id == article_id, r.c.version > version)
        .order_by(r.c.version)
    )
    fields: dict[str, None] = {}
    for changed in rows:
        fields.update(dict.fromkeys(changed))
    return tuple(fields)


def check_version(uow: UnitOfWork, row: Row[Any], expected: int | None) -> None:
    """Raise ``ConflictError`` when ``expected`` is given and the row is at another version.

    The error carries the current version and the fields saved since ``expected``, so
    an editor can see what to merge.
    """
    if expected is None or row.version == expected:
        return
    changed = _changed_since(uow, row.id, expected) if row.version > expected else ()
    detail = f" ({', '.join(changed)} changed)" if changed else ""
    raise ConflictError(
        f"the article is at version {row.version}, not {expected}: someone saved it in the "
        f"meantime{detail}; reload it and apply your change again",
        current_version=row.version,
        expected_version=expected,
        changed_fields=changed,
    )


def write_columns(uow: UnitOfWork, row: Row[Any], changes: dict[str, Any]) -> int:
    """Write ``changes`` if the article is still at ``row.version``; returns the new version.

    The guarded UPDATE is what makes concurrent saves safe: when another transaction
    saved first, it matches no row and the save fails with ``ConflictError``.
    """
    a = uow.settings.tables.articles
    result = uow.connection.execute(
        update(a)
        .where(a.c.id == row.id, a.c.version == row.version)
        .values(**changes, version=row.version + 1, updated_at=uow.now())
    )
    if result.rowcount == 0:
        current = load_row(uow, row.id, lock=True)
        check_version(uow, current, row.version)
        raise ConflictError(
            "the article was saved by someone else in the meantime; reload it and apply "
            "your change again",
            current_version=current.version,
            expected_version=row.version,
        )
    new_version: int = row.version + 1
    return new_version


def sync_listing(uow: UnitOfWork, article_id: UUID) -> None:
    """Copy the article's ``is_public`` and ``listed_at`` into its ``article_tags`` rows."""
    a, at = uow.settings.tables.articles, uow.settings.tables.article_tags
    row = uow.connection.execute(
        select(a.c.is_public, a.c.listed_at).where(a.c.id == article_id)
    ).one()
    uow.connection.execute(
        update(at)
        .where(at.c.article_id == article_id)
        .values(is_public=row.is_public, listed_at=row.listed_at)
    )


def byline_json(byline: Sequence[Person]) -> list[dict[str, str]]:
    """The byline as stored in the article row."""
    return [{"name": p.name, "role": p.role} if p.role else {"name": p.name} for p in byline]


def match_keys(row: Mapping[Any, Any]) -> MatchKeys:
    """What pending relations can match this article on (``row``: its column values)."""
    return MatchKeys(
        id=row["id"],
        locale=row["locale"],
        slug=row["slug"],
        title_key=row["title_key"],
        url_key=row["url_key"],
        published_at=row["published_at"],
    )
