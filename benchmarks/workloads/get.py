"""Get by (locale, slug): the article page, with its tags and its related articles.

Two figures: the call alone inside an open unit of work (what the issue's target is
about), and a whole request, one unit of work per read (connection, BEGIN, COMMIT;
on PostgreSQL newscms's read-only unit sends no BEGIN and COMMIT). The second's
details give what the unit of work adds on each side (``newscms_unit_us``,
``core_unit_us``). The baseline does the same three statements by hand on the same
tables.

On SQLite the same three statements are also timed through the bare ``sqlite3``
driver (no types converted, no objects built): the floor on this machine today, which
relates the issue's absolute targets (measured when raw ``sqlite3`` took ~40 µs) to
the machine the figures come from.
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

from sqlalchemy import select

from benchmarks import core
from benchmarks.harness import Figure, Samples, WorkloadFamily, duel, expect_equal

if TYPE_CHECKING:
    from benchmarks.harness import Bench
    from newscms import Article

__all__ = ["FAMILY", "same_article"]

Key = tuple[str, str]

# The baseline's three statements as plain SQL, for the sqlite3 floor ({p} is the prefix).
FLOOR_SQL = (
    "SELECT a.* FROM {p}articles a JOIN {p}article_slugs s ON s.article_id = a.id"
    " WHERE s.locale = ? AND s.slug = ? AND a.is_public = 1 AND a.listed_at <= ?",
    "SELECT at.tag_id, t.kind, n.locale, n.name, n.slug FROM {p}article_tags at"
    " JOIN {p}tags t ON t.id = at.tag_id JOIN {p}tag_names n ON n.tag_id = at.tag_id"
    " WHERE at.article_id = ? AND n.locale IN (?, 'en') ORDER BY at.position",
    "SELECT r.id, r.kind, r.position, r.target_id, t.slug, t.headline FROM {p}relations r"
    " LEFT JOIN {p}articles t ON t.id = r.target_id WHERE r.source_id = ?"
    " AND (r.target_id IS NULL OR (t.is_public = 1 AND t.listed_at <= ?)) ORDER BY r.position",
)


def same_article(what: str, ours: Article, theirs: core.CoreArticle | None) -> None:
    """Raise unless both paths returned the same article, tags and relations."""
    if theirs is None:
        expect_equal(what, ours.id, None)
        return
    row = theirs.row
    expect_equal(
        f"{what}: the article",
        (ours.id, ours.locale, ours.slug, ours.headline, ours.body, ours.version),
        (row.id, row.locale, row.slug, row.headline, row.body, row.version),
    )
    expect_equal(
        f"{what}: its tags",
        [(tag.id, tag.kind, tag.name, tag.slug) for tag in ours.tags],
        [(tag.id, tag.kind, tag.name, tag.slug) for tag in theirs.tags],
    )
    expect_equal(
        f"{what}: its relations",
        [
            (
                rel.id,
                rel.kind,
                rel.target.id if rel.target else None,
                rel.target.slug if rel.target else None,
            )
            for rel in ours.relations
        ],
        [(rel.id, rel.kind, rel.target_id, rel.target_slug) for rel in theirs.relations],
    )


def _keys(bench: Bench, count: int) -> list[Key]:
    """Public articles spread over the whole table (ids are random, so id order is)."""
    a = bench.tables.articles
    step = max(1, bench.options.scale // max(count, 1))
    with bench.engine.connect() as conn:
        rows = conn.execute(
            select(a.c.locale, a.c.slug).where(a.c.is_public.is_(True)).order_by(a.c.id)
        ).all()
    keys = [(row.locale, row.slug) for row in rows[::step]]
    bench.rng("get").shuffle(keys)
    return keys


def sqlite3_floor(bench: Bench, keys: list[Key]) -> list[float]:
    """Seconds per get through the bare sqlite3 driver (the machine's floor), per key."""
    now = bench.now.strftime("%Y-%m-%d %H:%M:%S.%f")  # how SQLAlchemy stores it in SQLite
    article, tags, relations = (sql.format(p=bench.tables.prefix) for sql in FLOOR_SQL)
    samples = []
    clock = time.perf_counter
    with bench.engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        assert driver is not None
        for locale, slug in keys:
            start = clock()
            row = driver.execute(article, (locale, slug, now)).fetchone()
            driver.execute(tags, (row[0], locale)).fetchall()
            driver.execute(relations, (row[0], now)).fetchall()
            samples.append(clock() - start)
    return samples


def run(bench: Bench) -> list[Figure]:
    """Time newscms's ``get_by_slug`` against the hand-written three statements."""
    options = bench.options
    keys = _keys(bench, options.operations + options.warmup)
    warmup, timed = keys[: options.warmup], keys[options.warmup :] or keys
    store, tables, now = bench.store, bench.tables, bench.now

    def check(key: Key, ours: Article, theirs: core.CoreArticle | None) -> None:
        same_article(f"get_by_slug{key}", ours, theirs)

    in_uow, in_uow_core = Samples(), Samples()
    per_request, per_request_core = Samples(), Samples()
    checked = [0, 0]
    for _ in range(options.repeat):
        with store.session(readonly=True) as uow, bench.engine.connect() as conn, conn.begin():
            checked[0] += duel(
                timed,
                lambda key: uow.articles.get_by_slug(*key, public=True),
                lambda key: core.get_by_slug(conn, tables, *key, now),
                check,
                newscms_samples=in_uow,
                core_samples=in_uow_core,
                checks=options.checks,
                warmup=warmup,
            )

        def request(key: Key) -> Article:
            with store.session(readonly=True) as uow:
                return uow.articles.get_by_slug(*key, public=True)

        def request_core(key: Key) -> core.CoreArticle | None:
            with bench.engine.connect() as conn, conn.begin():
                return core.get_by_slug(conn, tables, *key, now)

        checked[1] += duel(
            timed,
            request,
            request_core,
            check,
            newscms_samples=per_request,
            core_samples=per_request_core,
            checks=options.checks,
            warmup=warmup,
        )
    with bench.profiling("get.slug"), store.session(readonly=True) as uow:
        for key in timed:
            uow.articles.get_by_slug(*key, public=True)
    floor = {}
    if bench.engine.dialect.name == "sqlite":
        samples = sqlite3_floor(bench, timed * options.repeat)
        floor["sqlite3_floor_us"] = round(statistics.median(samples) * 1e6, 1)
    return [
        Figure.from_samples(
            "get.slug",
            "get by (locale, slug) + tags + related",
            "latency",
            "µs",
            newscms=in_uow,
            core=in_uow_core,
            checked=checked[0],
            scope="inside an open unit of work / connection",
            **floor,
        ),
        Figure.from_samples(
            "get.slug.request",
            "  the same, one unit of work per request",
            "latency",
            "µs",
            newscms=per_request,
            core=per_request_core,
            checked=checked[1],
            scope="store.session(readonly=True) / engine.connect() + begin() per read",
            # What a unit of work adds to the read (issue #15: <= 30 µs on SQLite,
            # <= 100 µs on PostgreSQL): the per-request median less the in-unit one.
            newscms_unit_us=_unit_cost(per_request, in_uow),
            core_unit_us=_unit_cost(per_request_core, in_uow_core),
        ),
    ]


def _unit_cost(per_request: Samples, inside: Samples) -> float:
    """Microseconds a unit of work of its own adds to a read (difference of medians)."""
    return round((statistics.median(per_request) - statistics.median(inside)) * 1e6, 1)


FAMILY = WorkloadFamily(
    name="get",
    order=10,
    description="get by (locale, slug) with tags and related articles",
    runner=run,
)
