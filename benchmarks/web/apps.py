"""The apps under load, each a uvicorn factory reading ``NEWSCMS_BENCH_WEB_DB``.

- ``newscms_app``: newscms's FastAPI adapter, its ready read router under ``/api``;
- ``core_app``: the same two routes written by hand with FastAPI and SQLAlchemy Core,
  serving the same JSON (the harness compares the bodies before it measures);
- ``async_app``: the same read routes of ``newscms.http`` run through ``AsyncStore``
  in ``async def`` endpoints, to set the async face against the sync one.

Both sync apps use plain ``def`` endpoints, which FastAPI runs in its thread pool, and
an engine configured by ``newscms.store.create_engine`` (the same pool, the same SQLite
pragmas), so the difference measured is newscms's own work per request.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from benchmarks.generator import NOW
from newscms import Store
from newscms.formats import Site
from newscms.store import build_tables, create_engine

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy import Connection, Row

    from newscms.store import Tables

__all__ = ["BASE_URL", "PAGE_SIZE", "async_app", "core_app", "newscms_app", "site"]

BASE_URL = "http://127.0.0.1/"
PAGE_SIZE = 20


def site() -> Site:
    """The site every app builds article URLs with."""
    return Site(name="Bench News", base_url=BASE_URL, article_url=BASE_URL + "{locale}/{slug}")


def _database_url() -> str:
    return os.environ["NEWSCMS_BENCH_WEB_DB"]


def newscms_app() -> FastAPI:
    """newscms's read router, as the docs show it (FastAPI adapter, one store)."""
    from newscms.integrations.fastapi import NewsCMS

    store = Store(_database_url(), clock=lambda: NOW)
    news = NewsCMS(store, site=site(), page_size=PAGE_SIZE)
    app = FastAPI()
    news.install(app)
    app.include_router(news.read_router(), prefix="/api")
    return app


def async_app() -> FastAPI:
    """The read routes of ``newscms.http`` served from ``async def`` through AsyncStore."""
    from newscms.http import HttpRequest, ReadAPI
    from newscms.integrations.fastapi import to_response
    from newscms.store.asyncio import AsyncStore

    store = AsyncStore(_database_url(), clock=lambda: NOW)
    api = ReadAPI(site=site(), page_size=PAGE_SIZE)
    routes = {route.name: route for route in api.routes}
    app = FastAPI()

    async def serve(name: str, request: Request, **params: str) -> Response:
        route = routes[name]
        neutral = HttpRequest(
            method=request.method,
            url=str(request.url),
            headers=dict(request.headers),
            query=dict(request.query_params),
        )
        async with store.session(readonly=True) as uow:
            answer = await uow.run_sync(lambda sync: route.handler(sync, neutral, **params))
        return to_response(answer)

    @app.get("/api/articles/{locale}/{slug}")
    async def article(locale: str, slug: str, request: Request) -> Response:
        return await serve("article", request, locale=locale, slug=slug)

    @app.get("/api/tags/{locale}/{slug}")
    async def tag(locale: str, slug: str, request: Request) -> Response:
        return await serve("tag", request, locale=locale, slug=slug)

    return app


# -- by hand ---------------------------------------------------------------------------


def core_app() -> FastAPI:
    """Article by slug and tag page, hand-written: Core statements and dicts, no newscms."""
    engine = create_engine(_database_url())
    tables = build_tables("newscms_", None)
    app = FastAPI()

    @app.get("/api/articles/{locale}/{slug}")
    def article(locale: str, slug: str) -> Response:
        with engine.connect() as conn:
            found = _article(conn, tables, locale, slug, NOW)
        if found is None:
            raise HTTPException(status_code=404)
        return _json(found)

    @app.get("/api/tags/{locale}/{slug}")
    def tag(locale: str, slug: str) -> Response:
        with engine.connect() as conn:
            page = _tag_page(conn, tables, locale, slug, NOW)
        if page is None:
            raise HTTPException(status_code=404)
        return _json(page)

    return app


def _json(data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode("utf-8"), media_type="application/json")


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _shown_status(status: str) -> str:
    # Only public rows are served: a scheduled one is due, so readers see it published.
    return "published" if status == "scheduled" else status


def _article(
    conn: Connection, t: Tables, locale: str, slug: str, now: datetime
) -> dict[str, Any] | None:
    a, s = t.articles, t.article_slugs
    row = conn.execute(
        select(a)
        .join(s, s.c.article_id == a.c.id)
        .where(s.c.locale == locale, s.c.slug == slug, a.c.is_public.is_(True))
        .where(a.c.listed_at <= now)
    ).first()
    if row is None:
        return None
    tags = _tags(conn, t, [row.id], row.locale)
    data = _fields(row, tags[row.id])
    data["relations"] = _relations(conn, t, row, now)
    return data


def _fields(row: Row[Any], tags: list[dict[str, Any]]) -> dict[str, Any]:
    source = None
    if row.source_format is not None:
        source = {"format": row.source_format, "locator": row.source_locator}
    dateline = None
    if row.dateline_place is not None or row.dateline_source is not None:
        dateline = {"place": row.dateline_place, "source": row.dateline_source}
    return {
        "id": str(row.id),
        "locale": row.locale,
        "slug": row.slug,
        "headline": row.headline,
        "subheadline": row.subheadline,
        "summary": row.summary,
        "body": row.body,
        "byline": [{"name": p["name"], "role": p.get("role")} for p in row.byline],
        "dateline": dateline,
        "status": _shown_status(row.status),
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
        "published_at": _when(row.published_at),
        "first_published_at": _when(row.first_published_at),
        "tags": tags,
        "relations": [],
        "version": row.version,
        "canonical_url": row.canonical_url,
        "source": source,
        "date_provenance": row.date_provenance,
        "embargoed_until": _when(row.embargoed_until),
        "corrections": row.corrections or [],
    }


def _tags(
    conn: Connection, t: Tables, ids: list[UUID], locale: str
) -> dict[UUID, list[dict[str, Any]]]:
    """Each article's tags in order, named in ``locale`` or else in English."""
    at, tg, tn = t.article_tags, t.tags, t.tag_names
    rows = conn.execute(
        select(at.c.article_id, at.c.tag_id, tg.c.kind, tn.c.locale, tn.c.name, tn.c.slug)
        .join(tg, tg.c.id == at.c.tag_id)
        .join(tn, tn.c.tag_id == at.c.tag_id)
        .where(at.c.article_id.in_(ids), tn.c.locale.in_({locale, "en"}))
        .order_by(at.c.article_id, at.c.position)
    )
    names: dict[tuple[UUID, UUID], dict[str, Any]] = {}
    order: dict[UUID, list[UUID]] = {article_id: [] for article_id in ids}
    for article_id, tag_id, kind, name_locale, name, slug in rows:
        key = (article_id, tag_id)
        if key not in names:
            order[article_id].append(tag_id)
            names[key] = {}
        names[key][name_locale] = {"id": str(tag_id), "kind": kind, "name": name, "slug": slug}
    return {
        article_id: [
            names[(article_id, tag_id)].get(locale) or names[(article_id, tag_id)]["en"]
            for tag_id in tag_ids
        ]
        for article_id, tag_ids in order.items()
    }


def _ref(row: Any) -> dict[str, Any]:
    """An article reference as a relation shows its source or target."""
    return {
        "id": str(row.id),
        "locale": row.locale,
        "slug": row.slug,
        "headline": row.headline,
        "status": _shown_status(row.status),
        "published_at": _when(row.published_at),
    }


def _relations(conn: Connection, t: Tables, row: Row[Any], now: datetime) -> list[Any]:
    r, target = t.relations, t.articles.alias("target")
    rows = conn.execute(
        select(
            r.c.id.label("relation_id"),
            r.c.kind,
            r.c.position,
            target.c.id,
            target.c.locale,
            target.c.slug,
            target.c.headline,
            target.c.status,
            target.c.published_at,
        )
        .join(target, target.c.id == r.c.target_id)
        .where(r.c.source_id == row.id, target.c.is_public.is_(True), target.c.listed_at <= now)
        .order_by(r.c.position)
    )
    source = _ref(row)
    return [
        {
            "id": str(rel.relation_id),
            "kind": rel.kind,
            "position": rel.position,
            "source": source,
            "target": _ref(rel),
            "pending": None,
        }
        for rel in rows
    ]


def _tag_page(
    conn: Connection, t: Tables, locale: str, slug: str, now: datetime
) -> dict[str, Any] | None:
    tg, tn, a, at = t.tags, t.tag_names, t.articles, t.article_tags
    tag = conn.execute(
        select(tg.c.id, tg.c.kind)
        .join(tn, tn.c.tag_id == tg.c.id)
        .where(tn.c.locale == locale, tn.c.slug == slug)
    ).first()
    if tag is None:
        return None
    names = {
        name.locale: {"name": name.name, "slug": name.slug}
        for name in conn.execute(
            select(tn.c.locale, tn.c.name, tn.c.slug)
            .where(tn.c.tag_id == tag.id)
            .order_by(tn.c.locale)
        )
    }
    rows = conn.execute(
        select(a)
        .select_from(at)
        .join(a, a.c.id == at.c.article_id)
        .where(at.c.tag_id == tag.id, at.c.is_public.is_(True), at.c.listed_at <= now)
        .where(a.c.locale == locale)
        .order_by(at.c.listed_at.desc(), at.c.article_id.desc())
        .limit(PAGE_SIZE + 1)
    ).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    tags = _tags(conn, t, [row.id for row in rows], locale)
    items = []
    for row in rows:
        items.append(
            {
                "id": str(row.id),
                "locale": row.locale,
                "slug": row.slug,
                "headline": row.headline,
                "subheadline": row.subheadline,
                "summary": row.summary,
                "published_at": _when(row.published_at),
                "updated_at": _when(row.updated_at),
                "tags": tags[row.id],
                "url": f"{BASE_URL}{row.locale}/{quote(row.slug, safe='')}",
            }
        )
    following = None
    if more:
        last = rows[-1]
        following = f"/api/tags/{locale}/{slug}?after={last.listed_at.isoformat()},{last.id}"
    return {
        "tag": {"id": str(tag.id), "kind": tag.kind, "names": names, "article_count": None},
        "items": items,
        "next": following,
    }
