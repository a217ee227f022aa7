"""People: ``uow.people``, and the profiles bylines credit.

Every byline entry credits a profile (``people``): the write path finds the profile
known by the printed name (``person_names``: every spelling, keyed by its slug), or
the one a draft names by id, and creates one for a name never seen
(``resolve_bylines``). A profile has a slug in each locale it is credited in
(``person_slugs``; former ones keep resolving), which the article row's byline JSON
carries with the id, so reading an article costs nothing more.

A change to a profile that articles show (a new name, hence new slugs; a merge of two
spellings) rewrites their bylines' id and slug and announces ``updated`` for them, as a
tag rename does; the names the articles printed stay as printed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID, uuid4

from sqlalchemy import and_, delete, insert, or_, select, tuple_, update

from newscms.domain.article import SLUG_MAX, Person
from newscms.domain.page import Page
from newscms.domain.people import PersonDraft, PersonPatch, PersonProfile
from newscms.domain.workflow import EventKind
from newscms.errors import (
    ConflictError,
    DuplicateError,
    InvalidCursorError,
    NotFoundError,
    ValidationError,
)
from newscms.store import _slugs
from newscms.store._base import Repository, as_locale, as_uuid, check_limit, expect
from newscms.store._errors import translated
from newscms.store._listing import encode_position
from newscms.store._media_rows import as_uuid_value
from newscms.store._work import Work
from newscms.utils.keys import person_key

if TYPE_CHECKING:
    import builtins
    from collections.abc import Iterable, Sequence

    from newscms.domain.article import ArticleTeaser

__all__ = ["PeopleRepository", "resolve_bylines"]

_SCOPE = "people"


class _Teasers(Protocol):
    """What ``articles`` asks of ``uow.articles`` (named here: it imports this module)."""

    def teasers(
        self,
        *,
        person_id: UUID | str | None = None,
        locale: str | None = None,
        public: bool = False,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[ArticleTeaser]: ...


class _Unit(Work, Protocol):
    """A unit of work with its articles, as ``newscms.store.UnitOfWork`` is."""

    @property
    def articles(self) -> _Teasers: ...


class PeopleRepository(Repository[_Unit]):
    """People of one unit of work."""

    # -- reads ---------------------------------------------------------------------

    @translated
    def get(self, person_id: UUID | str) -> PersonProfile:
        """The person with this id.

        Raises:
            NotFoundError: no such person.
        """
        person_id = as_uuid(person_id, "person_id")
        found = _profiles(self.uow, [person_id])
        if person_id not in found:
            raise NotFoundError(f"no person with id {person_id}", kind="person", key=person_id)
        return found[person_id]

    @translated
    def get_by_slug(self, locale: str, slug: str) -> PersonProfile:
        """The person whose slug in ``locale`` is (or was) ``slug``: their page.

        Raises:
            NotFoundError: no person has or had that slug.
        """
        locale = as_locale(locale, "locale")
        ps = self.t.person_slugs
        owner = self.conn.scalar(
            select(ps.c.person_id).where(
                ps.c.locale == locale, ps.c.slug == expect(slug, str, "slug").strip().lower()
            )
        )
        if owner is None:
            raise NotFoundError(f"no person at {locale}/{slug}", kind="person", key=slug)
        return self.get(as_uuid_value(owner))

    @translated
    def find(self, name: str) -> PersonProfile | None:
        """The person a byline printing ``name`` credits (any spelling they are known by)."""
        pn = self.t.person_names
        owner = self.conn.scalar(
            select(pn.c.person_id).where(pn.c.name_key == person_key(expect(name, str, "name")))
        )
        return None if owner is None else self.get(as_uuid_value(owner))

    @translated
    def list(self, *, limit: int = 50, cursor: str | None = None) -> Page[PersonProfile]:
        """Every person, by name, one keyset page at a time."""
        check_limit(limit)
        p = self.t.people
        query = select(p.c.id, p.c.name).order_by(p.c.name, p.c.id).limit(limit + 1)
        if cursor is not None:
            name, last = _after(self.uow.cursors.decode(cursor, _SCOPE))
            query = query.where(or_(p.c.name > name, and_(p.c.name == name, p.c.id > last)))
        rows = self.conn.execute(query).all()
        ids = [as_uuid_value(row.id) for row in rows[:limit]]
        found = _profiles(self.uow, ids)
        items = tuple(found[i] for i in ids)
        next_cursor = None
        if len(rows) > limit:
            next_cursor = encode_position(self.uow.cursors, _SCOPE, items[-1].name, items[-1].id)
        return Page(items=items, next_cursor=next_cursor)

    @translated
    def articles(
        self,
        person_id: UUID | str,
        *,
        locale: str | None = None,
        public: bool = True,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[ArticleTeaser]:
        """The articles crediting the person, newest first, as teasers, by keyset pages.

        Raises:
            NotFoundError: no such person.
        """
        person = self.get(person_id)
        return self.uow.articles.teasers(
            person_id=person.id, locale=locale, public=public, limit=limit, cursor=cursor
        )

    # -- writes --------------------------------------------------------------------

    @translated
    def create(self, draft: PersonDraft) -> PersonProfile:
        """Store a new person (slugs come when articles in a locale credit them).

        Raises:
            DuplicateError: the id is taken, or a person is known by that name already.
        """
        expect(draft, PersonDraft, "draft")
        with self.uow.atomic():
            p, pn = self.t.people, self.t.person_names
            key = person_key(draft.name)
            held = self.conn.scalar(select(pn.c.person_id).where(pn.c.name_key == key))
            if held is not None:
                raise DuplicateError(f"person {held} is known by the name {draft.name!r}")
            if draft.id is not None and self.conn.scalar(select(p.c.id).where(p.c.id == draft.id)):
                raise DuplicateError(f"a person with id {draft.id} already exists")
            person_id = draft.id or uuid4()
            now = self.uow.now()
            self.conn.execute(
                insert(p),
                [
                    {
                        "id": person_id,
                        "name": draft.name,
                        "bio": dict(draft.bio),
                        "tag_id": draft.tag_id,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                ],
            )
            self.conn.execute(
                insert(pn), [{"name_key": key, "name": draft.name, "person_id": person_id}]
            )
            return self.get(person_id)

    @translated
    def update(self, person_id: UUID | str, patch: PersonPatch) -> PersonProfile:
        """Apply ``patch`` if the person is still at ``patch.expected_version``.

        A new name becomes the profile's (the old spelling still finds it) and gives it
        new slugs where it has any (the old ones keep resolving); the articles crediting
        the person then show the new slugs and hear of it.

        Raises:
            NotFoundError: no such person.
            ConflictError: saved by someone else since that version.
            DuplicateError: another person is known by the new name.
        """
        expect(patch, PersonPatch, "patch")
        with self.uow.atomic():
            current = self.get(person_id)
            if current.version != patch.expected_version:
                raise ConflictError(
                    f"the person is at version {current.version}, not {patch.expected_version}; "
                    "reload them and apply your change again"
                )
            changes = patch.changes()
            values: dict[str, Any] = {}
            if "bio" in changes:
                values["bio"] = dict(changes["bio"])
            if "tag_id" in changes:
                values["tag_id"] = changes["tag_id"]
            renamed = "name" in changes and changes["name"] != current.name
            if renamed:
                values["name"] = changes["name"]
                _add_name(self.uow, current.id, changes["name"])
            p = self.t.people
            self.conn.execute(
                update(p)
                .where(p.c.id == current.id)
                .values(**values, version=current.version + 1, updated_at=self.uow.now())
            )
            if renamed:
                for locale in current.slugs:
                    _new_current_slug(self.uow, current.id, changes["name"], locale)
                _rewrite_bylines(self.uow, [current.id], current.id)
            return self.get(current.id)

    @translated
    def merge(self, source_id: UUID | str, into_id: UUID | str) -> PersonProfile:
        """Fold ``source`` into ``into``: two spellings of one person become one profile.

        Every article crediting ``source`` credits ``into`` (the printed names stay),
        both spellings find ``into``, and ``source``'s slugs lead to ``into``'s page;
        where ``into`` had no slug in a locale, ``source``'s becomes its own.

        Raises:
            NotFoundError: either person does not exist.
            ValidationError: they are the same person.
        """
        source, into = self.get(source_id), self.get(into_id)
        if source.id == into.id:
            raise ValidationError("a person cannot be merged into themselves", field="into_id")
        with self.uow.atomic():
            t, conn = self.t, self.conn
            conn.execute(
                update(t.person_names)
                .where(t.person_names.c.person_id == source.id)
                .values(person_id=into.id)
            )
            ps = t.person_slugs
            for locale, slug in source.slugs.items():
                keeps = locale not in into.slugs
                conn.execute(
                    update(ps).where(ps.c.locale == locale, ps.c.slug == slug).values(current=keeps)
                )
            conn.execute(update(ps).where(ps.c.person_id == source.id).values(person_id=into.id))
            ap = t.article_people
            conn.execute(update(ap).where(ap.c.person_id == source.id).values(person_id=into.id))
            _rewrite_bylines(self.uow, [source.id, into.id], into.id)
            conn.execute(delete(t.people).where(t.people.c.id == source.id))
            conn.execute(
                update(t.people)
                .where(t.people.c.id == into.id)
                .values(version=into.version + 1, updated_at=self.uow.now())
            )
            return self.get(into.id)


# -- bylines, for the write path --------------------------------------------------------


def resolve_bylines(
    uow: Work, bylines: Sequence[tuple[Sequence[Person], str]]
) -> builtins.list[tuple[Person, ...]]:
    """Each ``(byline, locale)`` with every entry's profile id and slug in that locale.

    A name no profile is known by gets a new profile; a profile credited in a locale
    for the first time gets a slug there. A few statements for the whole batch.

    Raises:
        NotFoundError: an entry names a person id that is not stored.
    """
    if not any(byline for byline, _ in bylines):
        return [tuple(byline) for byline, _ in bylines]
    t, conn, now = uow.settings.tables, uow.connection, uow.now()
    given = {person.id for byline, _ in bylines for person in byline if person.id is not None}
    names: dict[UUID, str] = {}
    if given:
        rows = conn.execute(
            select(t.people.c.id, t.people.c.name).where(t.people.c.id.in_(list(given)))
        )
        names = {as_uuid_value(row.id): row.name for row in rows}
        missing = sorted(given - names.keys(), key=str)
        if missing:
            raise NotFoundError(f"no person with id {missing[0]}", kind="person", key=missing[0])
    wanted = {
        person_key(person.name): person.name
        for byline, _ in reversed(bylines)
        for person in reversed(byline)
        if person.id is None
    }  # reversed: the first spelling of a key in the batch wins
    by_key: dict[str, UUID] = {}
    pn = t.person_names
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for key, owner in conn.execute(
            select(pn.c.name_key, pn.c.person_id).where(pn.c.name_key.in_(chunk))
        ):
            by_key[key] = as_uuid_value(owner)
    new = {key: uuid4() for key in wanted if key not in by_key}
    if new:
        conn.execute(
            insert(t.people),
            [
                {
                    "id": person_id,
                    "name": wanted[key],
                    "bio": {},
                    "tag_id": None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for key, person_id in new.items()
            ],
        )
        conn.execute(
            insert(pn),
            [{"name_key": key, "name": wanted[key], "person_id": pid} for key, pid in new.items()],
        )
        by_key.update(new)
        names.update({pid: wanted[key] for key, pid in new.items()})
    resolved = [
        [(person, person.id or by_key[person_key(person.name)]) for person in byline]
        for byline, _ in bylines
    ]
    need: set[tuple[UUID, str]] = set()
    for (_byline, locale), entries in zip(bylines, resolved, strict=True):
        need.update((profile, locale) for _person, profile in entries)
    slugs = _current_slugs(uow, {profile for profile, _locale in need})
    unslugged = sorted((pair for pair in need if pair not in slugs), key=str)
    names.update(_names_of(uow, {who for who, _ in unslugged} - names.keys()))
    first = [(who, where, names[who]) for who, where in unslugged]
    slugs.update(_first_slugs(uow, first))
    return [
        tuple(
            Person(name=person.name, role=person.role, id=pid, slug=slugs[pid, locale])
            for person, pid in entries
        )
        for (_credited, locale), entries in zip(bylines, resolved, strict=True)
    ]


# -- helpers ------------------------------------------------------------------------------


def _after(values: Sequence[object]) -> tuple[str, UUID]:
    """The (name, id) a people cursor resumes after."""
    try:
        name, last = values
        return str(name), UUID(hex=str(last))
    except (ValueError, TypeError):
        raise InvalidCursorError("the cursor's position is unreadable", field="cursor") from None


def _names_of(uow: Work, person_ids: Iterable[UUID]) -> dict[UUID, str]:
    """The profile name of each person (one statement, none for no ids)."""
    ids = list(person_ids)
    if not ids:
        return {}
    p = uow.settings.tables.people
    rows = uow.connection.execute(select(p.c.id, p.c.name).where(p.c.id.in_(ids)))
    return {as_uuid_value(row.id): row.name for row in rows}


def _current_slugs(uow: Work, person_ids: Iterable[UUID]) -> dict[tuple[UUID, str], str]:
    """Each person's current slug per locale."""
    ids = list(person_ids)
    if not ids:
        return {}
    ps = uow.settings.tables.person_slugs
    rows = uow.connection.execute(
        select(ps.c.person_id, ps.c.locale, ps.c.slug).where(
            ps.c.person_id.in_(ids), ps.c.current.is_(True)
        )
    )
    return {(as_uuid_value(row.person_id), row.locale): row.slug for row in rows}


def _base_slug(uow: Work, name: str, locale: str) -> str:
    """The slug the store's slugifier makes of a name, leaving room for ``-N``."""
    return uow.settings.slugifier(name, locale)[: SLUG_MAX - 8].rstrip("-_") or "person"


def _first_slugs(uow: Work, wanted: Sequence[tuple[UUID, str, str]]) -> dict[tuple[UUID, str], str]:
    """Slugs for people credited in a locale for the first time: ``(id, locale, name)``.

    The bases no one has (nearly all) are read in one statement and inserted in one;
    a taken base goes the long way (``_new_current_slug``, numbered).
    """
    if not wanted:
        return {}
    ps = uow.settings.tables.person_slugs
    bases = {(pid, locale): _base_slug(uow, name, locale) for pid, locale, name in wanted}
    pairs = sorted({(locale, base) for (_, locale), base in bases.items()})
    query = select(ps.c.locale, ps.c.slug).where(tuple_(ps.c.locale, ps.c.slug).in_(pairs))
    taken: set[tuple[str, str]] = {(row.locale, row.slug) for row in uow.connection.execute(query)}
    claimed: dict[tuple[UUID, str], str] = {}
    later = []
    for (pid, locale), base in bases.items():
        if (locale, base) in taken:
            later.append((pid, locale))
        else:
            taken.add((locale, base))
            claimed[pid, locale] = base
    if claimed:
        now = uow.now()
        uow.connection.execute(
            insert(ps),
            [
                {
                    "locale": locale,
                    "slug": slug,
                    "person_id": pid,
                    "current": True,
                    "created_at": now,
                }
                for (pid, locale), slug in claimed.items()
            ],
        )
    names = {(pid, locale): name for pid, locale, name in wanted}
    for pid, locale in later:
        claimed[pid, locale] = _new_current_slug(uow, pid, names[pid, locale], locale)
    return claimed


def _new_current_slug(uow: Work, person_id: UUID, name: str, locale: str) -> str:
    """A slug for ``name`` in ``locale``, made the person's current one there."""
    ps = uow.settings.tables.person_slugs
    base = _base_slug(uow, name, locale)
    slug = _slugs.free_in(uow, locale, base, person_id, slugs=ps, owner_column="person_id")
    uow.connection.execute(
        update(ps).where(ps.c.person_id == person_id, ps.c.locale == locale).values(current=False)
    )
    exists = uow.connection.scalar(
        select(ps.c.slug).where(ps.c.locale == locale, ps.c.slug == slug)
    )
    if exists is None:
        uow.connection.execute(
            insert(ps),
            [
                {
                    "locale": locale,
                    "slug": slug,
                    "person_id": person_id,
                    "current": True,
                    "created_at": uow.now(),
                }
            ],
        )
    else:  # a former slug of this very person, taken back
        uow.connection.execute(
            update(ps).where(ps.c.locale == locale, ps.c.slug == slug).values(current=True)
        )
    return slug


def _add_name(uow: Work, person_id: UUID, name: str) -> None:
    """Make ``name`` find the person too (refused when it finds someone else)."""
    pn = uow.settings.tables.person_names
    key = person_key(name)
    held = uow.connection.scalar(select(pn.c.person_id).where(pn.c.name_key == key))
    if held is None:
        uow.connection.execute(
            insert(pn), [{"name_key": key, "name": name, "person_id": person_id}]
        )
    elif as_uuid_value(held) != person_id:
        raise DuplicateError(f"person {held} is known by the name {name!r}; merge them instead")


def _rewrite_bylines(uow: Work, old_ids: Sequence[UUID], new_id: UUID) -> None:
    """Give the articles crediting ``old_ids`` the id and current slugs of ``new_id``."""
    t, conn = uow.settings.tables, uow.connection
    a, ap = t.articles, t.article_people
    old = {str(i) for i in old_ids}
    rows = conn.execute(
        select(a.c.id, a.c.locale, a.c.byline, a.c.slug, a.c.status, a.c.published_at)
        .add_columns(a.c.version, a.c.embargoed_until)
        .where(a.c.id.in_(select(ap.c.article_id).where(ap.c.person_id == new_id)))
    ).all()
    slugs = _current_slugs(uow, [new_id])
    name = _names_of(uow, [new_id])[new_id]
    changed = []
    for row in rows:
        if (new_id, row.locale) not in slugs:
            slugs[new_id, row.locale] = _new_current_slug(uow, new_id, name, row.locale)
        byline = [
            {**entry, "id": str(new_id), "slug": slugs[new_id, row.locale]}
            if entry.get("id") in old
            else entry
            for entry in row.byline
        ]
        if byline != row.byline:
            conn.execute(update(a).where(a.c.id == row.id).values(byline=byline))
            changed.append(row)
    if changed:
        uow.journal.announce(changed, EventKind.UPDATED)


def _profiles(uow: Work, ids: Sequence[UUID]) -> dict[UUID, PersonProfile]:
    """The profiles with these ids, with their names and current slugs (three statements)."""
    if not ids:
        return {}
    t, conn = uow.settings.tables, uow.connection
    p, pn = t.people, t.person_names
    rows = conn.execute(select(p).where(p.c.id.in_(list(ids)))).all()
    spellings: dict[UUID, builtins.list[str]] = defaultdict(list)
    for owner, name in conn.execute(
        select(pn.c.person_id, pn.c.name).where(pn.c.person_id.in_(list(ids))).order_by(pn.c.name)
    ):
        spellings[as_uuid_value(owner)].append(name)
    slugs: dict[UUID, dict[str, str]] = defaultdict(dict)
    for (owner, locale), slug in _current_slugs(uow, ids).items():
        slugs[owner][locale] = slug
    found = {}
    for row in rows:
        person_id = as_uuid_value(row.id)
        others = [n for n in spellings[person_id] if n != row.name]
        found[person_id] = PersonProfile(
            id=person_id,
            name=row.name,
            names=(row.name, *others),
            slugs=dict(sorted(slugs[person_id].items())),
            bio=dict(row.bio or {}),
            tag_id=as_uuid_value(row.tag_id) if row.tag_id is not None else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )
    return found
