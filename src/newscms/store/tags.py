"""Tags: race-safe get-or-create, localized names, rename and merge with old slugs kept."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from sqlalchemy import delete, exists, func, insert, select, update

from newscms.domain.tag import Tag, TagInput, TagName
from newscms.errors import DuplicateError, NotFoundError, ValidationError
from newscms.store import _tag_resolution, _write_path
from newscms.store._base import Repository, as_count, as_kind, as_locale, as_lookup, as_uuid
from newscms.store._errors import translated
from newscms.store._work import Work
from newscms.utils.keys import tag_locale

if TYPE_CHECKING:
    import builtins
    from collections.abc import Sequence
    from uuid import UUID


__all__ = ["TagRepository"]

_CODED = "coded_tag_ids"
_SECTION = "section"
_MAX_DEPTH = 64  # deeper than any section tree; a cycle made behind newscms's back ends
_CODE_LENGTH = 32


def _as_code(code: object) -> str:
    """A tag code as stored: stripped, upper-cased (ISO codes are), at most 32 characters."""
    if not isinstance(code, str) or not code.strip() or len(code.strip()) > _CODE_LENGTH:
        raise ValidationError(
            f"a tag code is 1 to {_CODE_LENGTH} characters, like 'CN'", field="code"
        )
    text = code.strip().upper()
    if not all(c.isascii() and (c.isalnum() or c in "-_.:") for c in text):
        raise ValidationError(
            "a tag code is ASCII letters, digits and - _ . : (like 'CN' or 'US-CA')",
            field="code",
        )
    return text


class TagRepository(Repository[Work]):
    """Tags of one unit of work."""

    # -- reads ---------------------------------------------------------------------

    @translated
    def get(self, tag_id: UUID | str) -> Tag:
        """The tag with this id, with all its localized names.

        Raises:
            NotFoundError: no such tag.
        """
        tag_id = as_uuid(tag_id, "tag_id")
        tags = self._load([tag_id])
        if not tags:
            raise NotFoundError(f"no tag with id {tag_id}", kind="tag", key=tag_id)
        return tags[0]

    @translated
    def get_by_slug(self, slug: str, *, locale: str, kind: str | None = None) -> Tag:
        """The tag whose slug in ``locale`` is (or was, before a rename or merge) ``slug``.

        Without ``kind`` any kind matches; ``region`` before ``topic`` is not implied, so
        pass ``kind`` where two kinds share a slug.

        Raises:
            NotFoundError: no tag has or had this slug.
        """
        locale = as_locale(locale, "locale")
        key = as_lookup(slug, "slug")
        if key is None:
            raise NotFoundError(
                f"no tag with slug {slug!r} in {locale}", kind="tag", key=(locale, slug)
            )
        chain = self.uow.settings.locales.chain(tag_locale(locale))
        ts = self.t.tag_slugs
        query = select(ts.c.tag_id, ts.c.locale, ts.c.kind).where(
            ts.c.slug == key.strip().lower(), ts.c.locale.in_(chain)
        )
        if kind is not None:
            query = query.where(ts.c.kind == as_kind(kind, "kind"))
        rows = self.conn.execute(query).all()
        if not rows:
            raise NotFoundError(
                f"no tag with slug {slug!r} in {locale}", kind="tag", key=(locale, slug)
            )
        best = min(rows, key=lambda row: (chain.index(row.locale), row.kind))
        return self._load([best.tag_id])[0]

    @translated
    def list(self, *, kind: str | None = None, min_count: int = 0) -> tuple[Tag, ...]:
        """Every tag (of ``kind``) with its article count, most used first, then by id.

        Raises:
            ValidationError: ``kind`` is not a kind name or ``min_count`` not a count.
        """
        kind = as_kind(kind, "kind") if kind is not None else None
        min_count = as_count(min_count, "min_count", least=0)
        at, tg = self.t.article_tags, self.t.tags
        count = func.count(at.c.article_id).label("article_count")
        query = (
            select(tg.c.id, count)
            .select_from(tg)
            .outerjoin(at, at.c.tag_id == tg.c.id)
            .group_by(tg.c.id)
            .order_by(count.desc(), tg.c.id)
        )
        if kind is not None:
            query = query.where(tg.c.kind == kind)
        if min_count:
            query = query.having(count >= min_count)
        counts = {row.id: row.article_count for row in self.conn.execute(query)}
        tags = {tag.id: tag for tag in self._load(list(counts))}
        return tuple(
            tags[tag_id].model_copy(update={"article_count": n}) for tag_id, n in counts.items()
        )

    def _load(self, ids: Sequence[UUID]) -> builtins.list[Tag]:
        if not ids:
            return []
        tg, tn = self.t.tags, self.t.tag_names
        query = (
            select(tg.c.id, tg.c.kind, tg.c.code, tg.c.parent_id, tg.c.position)
            .add_columns(tn.c.locale, tn.c.name, tn.c.slug)
            .join(tn, tn.c.tag_id == tg.c.id)
            .where(tg.c.id.in_(list(ids)))
        )
        names: dict[UUID, dict[str, TagName]] = defaultdict(dict)
        rows: dict[UUID, Any] = {}
        for row in self.conn.execute(query):
            rows[row.id] = row
            names[row.id][row.locale] = TagName.model_construct(name=row.name, slug=row.slug)
        return [
            Tag.model_construct(
                id=i,
                kind=rows[i].kind,
                names=dict(names[i]),
                article_count=None,
                code=rows[i].code,
                parent_id=rows[i].parent_id,
                position=rows[i].position,
            )
            for i in ids
            if i in rows
        ]

    # -- writes --------------------------------------------------------------------

    @translated
    def get_or_create(self, name: str, *, locale: str, kind: str = "topic") -> Tag:
        """The tag of ``kind`` named ``name`` in ``locale``, created if it does not exist.

        Two writers creating the same tag at once get the same tag. A name that matches
        a renamed or merged tag's old slug returns that tag.
        """
        spec = TagInput(name=name, kind=kind, locale=locale)
        with self.uow.atomic():
            (tag_id,) = _tag_resolution.resolve(
                self.uow, [spec], locale=as_locale(locale, "locale")
            )
        return self._load([tag_id])[0]

    @translated
    def set_name(self, tag_id: UUID | str, name: str, *, locale: str) -> Tag:
        """Give the tag ``name`` in ``locale``: a rename, or a new translation of the tag.

        The previous slug in that locale keeps resolving to this tag. Every article
        that shows the name (carrying the tag, in that locale or in one where the tag has
        no name of its own, which may fall back to it) is reindexed and announced
        (``updated``) in the same transaction: searches find the new name at once.
        Articles showing their own locale's name are not: nothing they show changed.

        Raises:
            NotFoundError: no such tag.
            DuplicateError: another tag of the same kind already uses that slug.
        """
        locale = as_locale(locale, "locale")
        tag = self.get(tag_id)
        checked = TagInput(name=name, kind=tag.kind, locale=locale)
        if checked.name is None or checked.locale is None:  # a name is what is asked for
            raise ValidationError("give the tag's new name", field="name")
        loc = tag_locale(checked.locale)
        slug = self.uow.settings.slugifier(checked.name, loc)
        ts, tn = self.t.tag_slugs, self.t.tag_names
        current = tag.names.get(loc)
        if current is not None and (current.name, current.slug) == (checked.name, slug):
            return tag  # already so named: nothing to write, nothing to announce
        with self.uow.atomic():
            owner = self.conn.scalar(
                select(ts.c.tag_id).where(
                    ts.c.kind == tag.kind, ts.c.locale == loc, ts.c.slug == slug
                )
            )
            if owner is not None and owner != tag.id:
                raise DuplicateError(
                    f"another {tag.kind} tag already uses the slug {slug!r} in {loc}; "
                    "merge the two tags instead"
                )
            if owner is None:
                self.conn.execute(
                    insert(ts).values(kind=tag.kind, locale=loc, slug=slug, tag_id=tag.id)
                )
            values = {"name": checked.name, "slug": slug}
            changed = self.conn.execute(
                update(tn).where(tn.c.tag_id == tag.id, tn.c.locale == loc).values(**values)
            )
            if changed.rowcount == 0:
                self.conn.execute(insert(tn).values(tag_id=tag.id, locale=loc, **values))
            _write_path.touch(self.uow, self._showing(tag, new_locales={loc}))
        _tag_resolution.forget_names(self.uow)
        return self.get(tag.id)

    def _showing(self, tag: Tag, *, new_locales: set[str]) -> builtins.list[UUID]:
        """The articles carrying ``tag`` whose shown name names in ``new_locales`` may change.

        Those are the articles in those locales and in locales the tag has no name in
        (which fall back); an article shows its own locale's name, when there is one.
        """
        at, a = self.t.article_tags, self.t.articles
        rows = self.conn.execute(
            select(at.c.article_id, a.c.locale)
            .join(a, a.c.id == at.c.article_id)
            .where(at.c.tag_id == tag.id)
        ).all()
        own = set(tag.names) - new_locales
        return [row.article_id for row in rows if tag_locale(row.locale) not in own]

    @translated
    def merge(self, source_id: UUID | str, into_id: UUID | str) -> Tag:
        """Fold tag ``source_id`` into ``into_id``: articles move over, old slugs resolve.

        An article carrying both keeps one, at the better of the two positions; names
        the target lacks are taken from the source. The source tag is then deleted, and
        every article whose tag changed is reindexed and announced (``updated``): those
        that carried the source, and those carrying the target in a locale it had no
        name in (the source's name may now be theirs).

        Raises:
            NotFoundError: either tag does not exist.
            ValidationError: a tag cannot be merged into itself.
        """
        source = self.get(as_uuid(source_id, "source_id"))
        into = self.get(as_uuid(into_id, "into_id"))
        if source.id == into.id:
            raise ValidationError("a tag cannot be merged into itself", field="into_id")
        at, ts, tn, tg = self.t.article_tags, self.t.tag_slugs, self.t.tag_names, self.t.tags
        with self.uow.atomic():
            changed = [
                *self.conn.scalars(select(at.c.article_id).where(at.c.tag_id == source.id)),
                *self._showing(into, new_locales=set()),
            ]
            both = select(at.c.article_id).where(at.c.tag_id == into.id).scalar_subquery()
            shared = self.conn.execute(
                select(at.c.article_id, at.c.position).where(
                    at.c.tag_id == source.id, at.c.article_id.in_(both)
                )
            ).all()
            for article_id, position in shared:
                self.conn.execute(
                    update(at)
                    .where(
                        at.c.article_id == article_id,
                        at.c.tag_id == into.id,
                        at.c.position > position,
                    )
                    .values(position=position)
                )
            self.conn.execute(delete(at).where(at.c.tag_id == source.id, at.c.article_id.in_(both)))
            self.conn.execute(update(at).where(at.c.tag_id == source.id).values(tag_id=into.id))
            self.conn.execute(update(ts).where(ts.c.tag_id == source.id).values(tag_id=into.id))
            for locale, tag_name in source.names.items():
                if locale not in into.names:
                    self.conn.execute(
                        insert(tn).values(
                            tag_id=into.id, locale=locale, name=tag_name.name, slug=tag_name.slug
                        )
                    )
            # A merged section's subsections go with it.
            self.conn.execute(
                update(tg).where(tg.c.parent_id == source.id).values(parent_id=into.id)
            )
            self.conn.execute(delete(tg).where(tg.c.id == source.id))
            _write_path.touch(self.uow, changed)
        _tag_resolution.forget_cached(self.uow)
        return self.get(into.id)

    # -- sections: a tree of section tags ------------------------------------------

    @translated
    def place(
        self, tag_id: UUID | str, *, parent_id: UUID | str | None = None, position: int = 0
    ) -> Tag:
        """Put the section ``tag_id`` under ``parent_id`` (None: at the top), at ``position``.

        Siblings are ordered by position, then by name; an article's first section tag
        is its primary section, the others its secondary ones.

        Raises:
            NotFoundError: either tag does not exist.
            ValidationError: a tag is not a section, or the move would make a cycle.
        """
        tag = self.get(tag_id)
        if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < 2**31:
            raise ValidationError("must be an integer from 0", field="position")
        if tag.kind != _SECTION:
            raise ValidationError(
                f"only sections have parents; this tag is a {tag.kind}", field="tag_id"
            )
        parent = None
        if parent_id is not None:
            parent = self.get(parent_id)
            if parent.kind != _SECTION:
                raise ValidationError(
                    f"a section's parent must be a section, not a {parent.kind}", field="parent_id"
                )
            if tag.id in {t.id for t in self.breadcrumbs(parent.id)}:
                raise ValidationError(
                    "a section cannot be put under itself or its subsections", field="parent_id"
                )
        with self.uow.atomic():
            tg = self.t.tags
            self.conn.execute(
                update(tg)
                .where(tg.c.id == tag.id)
                .values(parent_id=parent.id if parent else None, position=position)
            )
        return self.get(tag.id)

    @translated
    def children(self, tag_id: UUID | str | None = None) -> tuple[Tag, ...]:
        """The sections under ``tag_id`` (the top-level ones for None), in order."""
        tg = self.t.tags
        query = select(tg.c.id).where(tg.c.kind == _SECTION)
        if tag_id is None:
            query = query.where(tg.c.parent_id.is_(None))
        else:
            query = query.where(tg.c.parent_id == as_uuid(tag_id, "tag_id"))
        ids = list(self.conn.scalars(query))
        found = self._load(ids)
        locale = self.uow.settings.default_locale  # siblings of a position sort by this name
        return tuple(sorted(found, key=lambda t: (t.position, t.name_in(locale).name, str(t.id))))

    @translated
    def breadcrumbs(self, tag_id: UUID | str) -> tuple[Tag, ...]:
        """The section's path from the top of the tree down to it (it included)."""
        path: builtins.list[Tag] = []
        current: UUID | None = as_uuid(tag_id, "tag_id")
        while current is not None and len(path) < _MAX_DEPTH:
            tag = self.get(current)
            path.append(tag)
            current = tag.parent_id
        return tuple(reversed(path))

    @translated
    def get_by_code(self, code: str, *, kind: str = "region") -> Tag:
        """The tag of ``kind`` whose concept has this ``code`` (``"CN"`` for China).

        Raises:
            NotFoundError: no tag of that kind carries the code.
        """
        kind, key = as_kind(kind, "kind"), _as_code(code)
        tg = self.t.tags
        tag_id = self.conn.scalar(select(tg.c.id).where(tg.c.kind == kind, tg.c.code == key))
        if tag_id is None:
            raise NotFoundError(f"no {kind} tag with code {key}", kind="tag", key=key)
        return self.get(tag_id)

    @translated
    def set_code(self, tag_id: UUID | str, code: str | None) -> Tag:
        """Give the tag the outside identifier ``code`` (None takes it away).

        Raises:
            NotFoundError: no such tag.
            DuplicateError: another tag of the same kind has that code.
        """
        tag = self.get(tag_id)
        key = _as_code(code) if code is not None else None
        tg = self.t.tags
        if key is not None:
            owner = self.conn.scalar(
                select(tg.c.id).where(tg.c.kind == tag.kind, tg.c.code == key, tg.c.id != tag.id)
            )
            if owner is not None:
                raise DuplicateError(
                    f"the {tag.kind} tag {owner} already has the code {key}; merge the two tags"
                )
        with self.uow.atomic():
            self.conn.execute(update(tg).where(tg.c.id == tag.id).values(code=key))
        return self.get(tag.id)

    @translated
    def coded(self, code: str, *, name: str, locale: str, kind: str = "region") -> Tag:
        """The one tag of the concept ``code``, with ``name`` as its name in ``locale``.

        The tag carrying the code is found, else the tag named ``name`` (which gets the
        code), else a new one. It gets ``name`` in ``locale`` when it has no name there;
        a separate tag already so named is merged into it. This is how an import makes
        CHINA (en), CINA (it) and 中国 (zh) one tag of code ``CN``.

        Raises:
            ValidationError: ``code``, ``name``, ``locale`` or ``kind`` is not valid.
        """
        kind, key = as_kind(kind, "kind"), _as_code(code)
        spec = TagInput(name=name, kind=kind, locale=as_locale(locale, "locale"))
        assert spec.name is not None  # checked by TagInput
        assert spec.locale is not None
        loc = tag_locale(spec.locale)
        slug = self.uow.settings.slugifier(spec.name, loc)
        cache: dict[tuple[str, str, str], UUID] = self.uow.cache.setdefault(_CODED, {})
        known = cache.get((kind, key, f"{loc}:{slug}"))
        if known is not None:
            return self.get(known)
        tg, ts = self.t.tags, self.t.tag_slugs
        with self.uow.atomic():
            by_code = self.conn.scalar(select(tg.c.id).where(tg.c.kind == kind, tg.c.code == key))
            by_name = self.conn.scalar(
                select(ts.c.tag_id).where(ts.c.kind == kind, ts.c.locale == loc, ts.c.slug == slug)
            )
            if by_code is None:
                if by_name is None:
                    tag = self.get_or_create(spec.name, locale=spec.locale, kind=kind)
                else:
                    tag = self.get(by_name)
                # A name already taken by another concept's tag stays that tag's.
                if tag.code is None:
                    self.conn.execute(update(tg).where(tg.c.id == tag.id).values(code=key))
                    tag = self.get(tag.id)
            else:
                tag = self.get(by_code)
                if by_name is not None and by_name != by_code:
                    other = self.get(by_name)
                    if other.code is None:
                        tag = self.merge(by_name, by_code)
                elif by_name is None and loc not in tag.names:
                    tag = self.set_name(tag.id, spec.name, locale=spec.locale)
        cache[(kind, key, f"{loc}:{slug}")] = tag.id
        return tag

    @translated
    def split(self, tag_id: UUID | str, *, locale: str) -> Tag:
        """Undo an alignment: the tag's name in ``locale`` becomes a tag of its own.

        Articles in that locale carrying the tag move to the new tag; the old slug in
        that locale now resolves to it. The code stays with the original tag. Returns
        the new tag.

        Raises:
            NotFoundError: no such tag.
            ValidationError: the tag has no name in ``locale``, or no other name.
        """
        tag = self.get(tag_id)
        loc = tag_locale(as_locale(locale, "locale"))
        if loc not in tag.names:
            raise ValidationError(f"the tag has no name in {loc}", field="locale")
        if len(tag.names) == 1:
            raise ValidationError("the tag has no other name to split from", field="locale")
        a, at, ts, tn = self.t.articles, self.t.article_tags, self.t.tag_slugs, self.t.tag_names
        new_id = uuid4()
        with self.uow.atomic():
            self.conn.execute(
                insert(self.t.tags).values(id=new_id, kind=tag.kind, created_at=self.uow.now())
            )
            self.conn.execute(
                update(tn).where(tn.c.tag_id == tag.id, tn.c.locale == loc).values(tag_id=new_id)
            )
            self.conn.execute(
                update(ts).where(ts.c.tag_id == tag.id, ts.c.locale == loc).values(tag_id=new_id)
            )
            moved = [
                article_id
                for article_id, article_locale in self.conn.execute(
                    select(at.c.article_id, a.c.locale)
                    .join(a, a.c.id == at.c.article_id)
                    .where(at.c.tag_id == tag.id)
                )
                if tag_locale(article_locale) == loc
            ]
            if moved:
                self.conn.execute(
                    update(at)
                    .where(at.c.tag_id == tag.id, at.c.article_id.in_(moved))
                    .values(tag_id=new_id)
                )
            _write_path.touch(self.uow, _write_path.articles_tagged(self.uow, [tag.id, new_id]))
        _tag_resolution.forget_cached(self.uow)
        self.uow.cache.pop(_CODED, None)
        return self.get(new_id)

    @translated
    def delete_unused(self) -> int:
        """Delete every tag no article carries; returns how many were deleted.

        A subsection of a deleted section moves to the top of the tree.
        """
        at, tg = self.t.article_tags, self.t.tags
        unused = ~exists().where(at.c.tag_id == tg.c.id)
        with self.uow.atomic():
            # A section in use whose parent goes moves to the top of the tree.
            gone = select(tg.c.id).where(unused)
            self.conn.execute(
                update(tg).where(tg.c.parent_id.in_(gone.scalar_subquery())).values(parent_id=None)
            )
            result = self.conn.execute(delete(tg).where(unused))
        _tag_resolution.forget_cached(self.uow)
        return int(result.rowcount)
