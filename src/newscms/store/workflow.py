"""The editorial workflow: publish, schedule, unpublish, archive, correct, preview.

``draft → scheduled → published → archived``, and ``unpublish`` back to draft; any other
move is a ``WorkflowError``. Statuses are judged as readers see them: a scheduled
article whose time has passed *is* published, with no job having run. ``publish_due``
exists for hosts that want the transition recorded (and its event sent) on time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, literal, or_, select

from newscms.domain.article import ArticlePatch
from newscms.domain.status import Status, Transition, check_transition, effective_status
from newscms.domain.workflow import EventKind
from newscms.errors import NotFoundError, PreviewTokenError, ValidationError, WorkflowError
from newscms.store import _write_path
from newscms.store._base import Repository, as_uuid, as_version, expect
from newscms.store._errors import translated
from newscms.store._patches import patch_change
from newscms.store._work import Work
from newscms.store._write_path import Change
from newscms.utils.text import clean_text
from newscms.utils.tokens import make_preview_token, read_preview_token

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from sqlalchemy import Row

    from newscms.domain.article import Article

__all__ = ["WorkflowRepository"]

_EVENTS = {
    Transition.PUBLISH: EventKind.PUBLISHED,
    Transition.SCHEDULE: EventKind.SCHEDULED,
    Transition.UNPUBLISH: EventKind.UNPUBLISHED,
    Transition.ARCHIVE: EventKind.ARCHIVED,
}
_NOTE_MAX = 2000
_MAX_PREVIEW_TTL = timedelta(days=30)


def _aware(value: object, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError("must be a datetime", field=field)
    if value.utcoffset() is None:
        raise ValidationError("must be timezone-aware", field=field)
    return value


class WorkflowRepository(Repository[Work]):
    """Status changes, corrections and previews of one unit of work."""

    # -- status transitions -----------------------------------------------------------

    @translated
    def publish(
        self,
        article_id: UUID | str,
        *,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Article:
        """Publish a draft or scheduled article now (or at a past moment ``at``).

        A republished article keeps its original publication date unless ``at`` is
        given; ``first_published_at`` never moves once set.

        Raises:
            WorkflowError: the article is already published or archived, or ``at`` is
                in the future (use ``schedule``).
        """
        at = _aware(at, "at") if at is not None else None
        now = self.uow.now()
        if at is not None and at > now:
            raise WorkflowError("that time is in the future: schedule the article instead")

        def values(row: Row[Any]) -> dict[str, Any]:
            republished = row.first_published_at is not None and row.published_at is not None
            published_at = at or (row.published_at if republished else now)
            return {
                "published_at": published_at,
                "first_published_at": row.first_published_at or published_at,
            }

        return self._move(article_id, Transition.PUBLISH, expected_version, values)

    @translated
    def schedule(
        self, article_id: UUID | str, at: datetime, *, expected_version: int | None = None
    ) -> Article:
        """Schedule a draft to be published at ``at`` (or move a scheduled article's time).

        Until ``at`` passes the article is invisible to every public read; then it
        reads as published, without any job running.

        Raises:
            WorkflowError: the article is published or archived, or ``at`` is not in the
                future (use ``publish``).
        """
        at = _aware(at, "at")
        if at <= self.uow.now():
            raise WorkflowError("that time has passed: publish the article instead")
        return self._move(
            article_id, Transition.SCHEDULE, expected_version, lambda row: {"published_at": at}
        )

    @translated
    def unpublish(self, article_id: UUID | str, *, expected_version: int | None = None) -> Article:
        """Take a published, scheduled or archived article back to draft.

        Its publication dates are kept, so publishing it again keeps its place in time.
        """
        return self._move(article_id, Transition.UNPUBLISH, expected_version, lambda row: {})

    @translated
    def archive(self, article_id: UUID | str, *, expected_version: int | None = None) -> Article:
        """Take an article out of public view for good, keeping it and its URL history."""
        return self._move(article_id, Transition.ARCHIVE, expected_version, lambda row: {})

    def _move(
        self,
        article_id: UUID | str,
        action: Transition,
        expected_version: int | None,
        values: Callable[[Row[Any]], dict[str, Any]],
    ) -> Article:
        article_id = as_uuid(article_id, "article_id")
        expected_version = as_version(expected_version)

        def decide(row: Row[Any]) -> Change:
            current = effective_status(Status(row.status), row.published_at, self.uow.now())
            target = check_transition(action, current)
            return _transition(row, {"status": target.value, **values(row)}, _EVENTS[action])

        return _write_path.save(self.uow, article_id, expected_version, decide, action=action.value)

    # -- scheduled work -----------------------------------------------------------------

    @translated
    def publish_due(self) -> tuple[Article, ...]:
        """Record every due transition: scheduled articles due, embargoes lifted, expiries.

        A publication or a lifted embargo is announced with one ``published`` event
        (carrying the embargo that lifted), an expiry with one ``expired`` event (an
        ``expire`` revision), each exactly once: a second run, or another worker
        running at the same time, finds nothing left to do (rows being processed
        elsewhere are skipped, not waited for), and neither does a run after a save
        that already announced it. Readers never wait for this: visibility is decided
        at read time.
        """
        a = self.t.articles
        now = self.uow.now()
        due = (
            select(a.c.id, a.c.status, a.c.listed_at.label("due_at"))
            .where(
                or_(
                    and_(a.c.status == Status.SCHEDULED.value, a.c.listed_at <= now),
                    # Published but held back at its last write, and no longer.
                    and_(
                        a.c.status == Status.PUBLISHED.value,
                        a.c.embargoed_until.is_not(None),
                        a.c.listed_at <= now,
                        a.c.listed_at > a.c.updated_at,
                    ),
                )
            )
            .order_by(a.c.listed_at, a.c.id)
        )
        # Public and not yet expired at its last write, expired now (the partial index
        # on expires_at holds only the articles that have an expiry).
        expiring = (
            select(a.c.id, literal(_EXPIRING).label("status"), a.c.expires_at.label("due_at"))
            .where(
                a.c.expires_at.is_not(None),
                a.c.expires_at <= now,
                a.c.expires_at > a.c.updated_at,
                a.c.is_public.is_(True),
                a.c.listed_at <= a.c.updated_at,
            )
            .order_by(a.c.expires_at, a.c.id)
        )
        if self.uow.dialect != "sqlite":
            due, expiring = (q.with_for_update(skip_locked=True) for q in (due, expiring))
        found: dict[Any, tuple[Any, str]] = {}
        for query in (due, expiring):
            for article_id, status, due_at in self.conn.execute(query).all():
                # A publication's save announces an expiry too: one save per article.
                found.setdefault(article_id, (due_at, status))
        done = []
        for article_id, (_, status) in sorted(
            found.items(), key=lambda item: (item[1][0], item[0])
        ):
            action = _DUE_ACTIONS.get(status, "lift_embargo")
            done.append(_write_path.save(self.uow, article_id, None, _due_change, action=action))
        return tuple(done)

    # -- corrections --------------------------------------------------------------------

    @translated
    def correct(self, article_id: UUID | str, patch: ArticlePatch, *, note: str) -> Article:
        """Correct a published article: apply ``patch`` and log it publicly with ``note``.

        The correction keeps the original publication date (a patch may not move it)
        and emits ``corrected``. The log appears in the article's JSON and JSON-LD.

        Raises:
            WorkflowError: the article is not published (edit drafts with ``update``).
            ValidationError: the note is blank or too long, or the patch moves the
                publication date.
        """
        expect(patch, ArticlePatch, "patch")
        if not isinstance(note, str) or not clean_text(note).strip():
            raise ValidationError("a correction needs a public note", field="note")
        if len(note) > _NOTE_MAX:
            raise ValidationError(f"is longer than {_NOTE_MAX} characters", field="note")
        if "published_at" in patch.model_fields_set:
            raise ValidationError(
                "a correction keeps the original publication date", field="published_at"
            )
        article_id = as_uuid(article_id, "article_id")
        note = " ".join(clean_text(note).split())

        def decide(row: Row[Any]) -> Change | None:
            status = effective_status(Status(row.status), row.published_at, self.uow.now())
            if status is not Status.PUBLISHED:
                raise WorkflowError(
                    f"only published articles are corrected; this one is {status.value} "
                    "(edit it with update)"
                )
            return patch_change(self.uow, row, patch, correction=note)

        return _write_path.save(
            self.uow, article_id, patch.expected_version, decide, action="correct"
        )

    # -- previews -----------------------------------------------------------------------

    @translated
    def preview_token(
        self,
        article_id: UUID | str,
        *,
        secret: bytes | str,
        ttl: timedelta = timedelta(hours=24),
    ) -> str:
        """A signed token letting a front end show this article before it is public.

        ``secret`` is yours (keep it out of the database); the token expires after
        ``ttl`` (at most 30 days) and opens this one article only.
        """
        article_id = as_uuid(article_id, "article_id")
        if not isinstance(ttl, timedelta) or not timedelta(0) < ttl <= _MAX_PREVIEW_TTL:
            raise ValidationError("must be a positive timedelta of at most 30 days", field="ttl")
        a = self.t.articles
        if self.conn.scalar(select(a.c.id).where(a.c.id == article_id)) is None:
            raise NotFoundError(f"no article with id {article_id}", kind="article", key=article_id)
        return make_preview_token(article_id, secret=secret, expires_at=self.uow.now() + ttl)

    @translated
    def preview(
        self, token: str, *, secret: bytes | str, article_id: UUID | str | None = None
    ) -> Article:
        """The article a preview token opens, whatever its status or embargo.

        Pass the ``article_id`` the front end is about to show, so a token for one
        article can never open another.

        Raises:
            PreviewTokenError: the token is tampered, expired, signed with another
                secret, or for another article.
            NotFoundError: the article no longer exists.
        """
        granted = read_preview_token(token, secret=secret, now=self.uow.now())
        if article_id is not None and as_uuid(article_id, "article_id") != granted:
            raise PreviewTokenError("this preview token is for another article")
        return _write_path.load(self.uow, [granted])[0]


def _transition(row: Row[Any], columns: dict[str, Any], event: EventKind) -> Change:
    """The write path's change for a status move (the listing columns follow from it)."""
    changed = sorted(key for key, value in columns.items() if getattr(row, key) != value)
    fields = [name for name in changed if name != "first_published_at"]
    return Change(columns=columns, fields=fields, events=[event])


_EXPIRING = "expiring"
_DUE_ACTIONS = {Status.SCHEDULED.value: "publish", _EXPIRING: "expire"}


def _due_change(row: Row[Any]) -> Change:
    """What ``publish_due`` records for a due row: the status it has come to, if any."""
    columns: dict[str, Any] = {}
    if row.status == Status.SCHEDULED.value:
        columns = {
            "status": Status.PUBLISHED.value,
            "first_published_at": row.first_published_at or row.published_at,
        }
    return _transition(row, columns, EventKind.PUBLISHED)
