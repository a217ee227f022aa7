"""Revision history: list the saves of an article, compare two, restore one.

Every save of an article (creation, edit, status change, correction, restore) stores a
revision: who, when, which fields changed, and a full snapshot. Restoring writes the old
content as a *new* revision, so history only ever grows.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import select

from newscms.domain.article import CONTENT_FIELDS, ArticlePatch
from newscms.domain.tag import TagInput
from newscms.domain.workflow import FieldChange, Revision, RevisionDiff
from newscms.errors import NotFoundError, ValidationError
from newscms.store import _write_path
from newscms.store._base import Repository, as_uuid, as_version
from newscms.store._errors import translated
from newscms.store._journal import read_keyframe
from newscms.store._patches import patch_change
from newscms.store._snapshots import decode_snapshot
from newscms.store._work import Work
from newscms.utils.html import html_to_text

if TYPE_CHECKING:
    from sqlalchemy import Row

    from newscms.domain.article import Article

__all__ = ["RevisionRepository"]

# Fields compared line by line as readable text rather than as whole values.
_TEXT_FIELDS = frozenset({"body", "summary"})

# What a restore brings back: the content, not the editorial state (status, dates, slug).
_RESTORED = CONTENT_FIELDS


class RevisionRepository(Repository[Work]):
    """Revisions of one unit of work."""

    @translated
    def list(self, article_id: UUID | str) -> tuple[Revision, ...]:
        """Every revision of the article, oldest first."""
        article_id = as_uuid(article_id, "article_id")
        r = self.t.revisions
        rows = self.conn.execute(
            select(r).where(r.c.article_id == article_id).order_by(r.c.version)
        ).all()
        if not rows:
            self._require_article(article_id)
        keyframes: dict[int, dict[str, Any]] = {}
        result = []
        for row in rows:
            snapshot = self._decode(row, keyframes)
            if row.base_version is None:
                keyframes[row.version] = snapshot
            result.append(self._revision(row, snapshot))
        return tuple(result)

    @translated
    def get(self, article_id: UUID | str, version: int) -> Revision:
        """One revision of the article.

        Raises:
            NotFoundError: the article has no such revision.
        """
        article_id = as_uuid(article_id, "article_id")
        checked = as_version(version, "version")
        r = self.t.revisions
        row = self.conn.execute(
            select(r).where(r.c.article_id == article_id, r.c.version == checked)
        ).first()
        if row is None:
            self._require_article(article_id)
            raise NotFoundError(
                f"article {article_id} has no revision {version}",
                kind="revision",
                key=(article_id, version),
            )
        return self._revision(row, self._decode(row, {}))

    @translated
    def diff(self, article_id: UUID | str, from_version: int, to_version: int) -> RevisionDiff:
        """Field-by-field differences between two revisions; text fields as a unified diff."""
        before = self.get(article_id, from_version)
        after = self.get(article_id, to_version)
        changes = []
        for field in sorted(before.snapshot.keys() | after.snapshot.keys()):
            old, new = before.snapshot.get(field), after.snapshot.get(field)
            if old == new:
                continue
            text_diff = None
            if field in _TEXT_FIELDS:
                text_diff = _text_diff(field, old, new, from_version, to_version)
            changes.append(FieldChange(field=field, before=old, after=new, text_diff=text_diff))
        return RevisionDiff(
            article_id=before.article_id,
            from_version=before.version,
            to_version=after.version,
            changes=tuple(changes),
        )

    @translated
    def restore(self, article_id: UUID | str, version: int, *, expected_version: int) -> Article:
        """Bring back revision ``version``'s content as a new revision.

        Status, publication dates and the slug stay as they are now: a restore is an
        edit, not a time machine. Tags come back by id, or by name where a tag has
        since been deleted.

        Raises:
            NotFoundError: no such revision.
            ConflictError: the article is no longer at ``expected_version``.
        """
        revision = self.get(article_id, version)
        snapshot = revision.snapshot
        known = set(
            self.conn.scalars(
                select(self.t.tags.c.id).where(
                    self.t.tags.c.id.in_([UUID(t["id"]) for t in snapshot["tags"]])
                )
            )
        )
        tags = [
            TagInput(id=UUID(t["id"]))
            if UUID(t["id"]) in known
            else TagInput(name=t["name"], kind=t["kind"])
            for t in snapshot["tags"]
        ]
        content = {name: snapshot.get(name) for name in _RESTORED}
        # Names as printed, found again: the profile then credited may have been merged.
        content["byline"] = [
            {"name": entry["name"], "role": entry.get("role")} for entry in content["byline"] or ()
        ]
        patch = ArticlePatch.model_validate(
            {"expected_version": expected_version, **content, "tags": tags}
        )
        return _write_path.save(
            self.uow,
            revision.article_id,
            patch.expected_version,
            lambda row: patch_change(self.uow, row, patch),
            action="restore",
        )

    # -- helpers -------------------------------------------------------------------

    def _decode(self, row: Row[Any], keyframes: dict[int, dict[str, Any]]) -> dict[str, Any]:
        if row.base_version is None:
            return decode_snapshot(row.snapshot, None)
        keyframe = keyframes.get(row.base_version)
        if keyframe is None:
            keyframe = read_keyframe(self.uow, row.article_id, row.base_version)
            keyframes[row.base_version] = keyframe
        return decode_snapshot(row.snapshot, keyframe)

    @staticmethod
    def _revision(row: Row[Any], snapshot: dict[str, Any]) -> Revision:
        return Revision.model_construct(
            article_id=row.article_id,
            version=row.version,
            created_at=row.created_at,
            actor=row.actor,
            action=row.action,
            changed_fields=tuple(row.changed_fields),
            snapshot=_current_dates(snapshot),
        )

    def _require_article(self, article_id: UUID) -> None:
        a = self.t.articles
        if self.conn.scalar(select(a.c.id).where(a.c.id == article_id)) is None:
            raise NotFoundError(f"no article with id {article_id}", kind="article", key=article_id)


def _text_diff(field: str, old: Any, new: Any, from_version: int, to_version: int) -> str:
    """A unified diff of two text values, HTML read as paragraphs of plain text."""

    def lines(value: Any) -> list[str]:
        if not value:
            return []
        text = html_to_text(value) if field == "body" else str(value)
        return [line + "\n" for line in text.splitlines()]

    if not isinstance(old, str | None) or not isinstance(new, str | None):
        raise ValidationError("not a text field", field=field)
    return "".join(
        difflib.unified_diff(
            lines(old),
            lines(new),
            fromfile=f"{field}@{from_version}",
            tofile=f"{field}@{to_version}",
        )
    )


_DATE_FIELDS = ("published_at", "embargoed_until")


def _current_dates(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with its dates in today's JSON form (``+00:00``).

    Revisions saved by newscms 0.1.0 and earlier wrote UTC as ``Z``; read as they are, a diff
    across the upgrade would report every date as changed. A copy is made: decoded
    keyframes are compression dictionaries and must stay byte for byte as stored.
    """
    stale = [
        name
        for name in _DATE_FIELDS
        if isinstance(snapshot.get(name), str) and snapshot[name].endswith("Z")
    ]
    if not stale:
        return snapshot
    return {**snapshot, **{name: snapshot[name][:-1] + "+00:00" for name in stale}}
