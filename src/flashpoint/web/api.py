"""The JSON API under ``/api/`` (issue 6): events, dyads, series, alerts, articles, quotes,
stats, health, and ``POST /api/articles`` (ingest; only with ``api_token``).

Thin: parse and check parameters, call the ``Store`` interface (``app.state.store``: the owner
or a client of the owner, so the API works while another process ingests), convert records to
JSON.  Errors are raised as ``flashpoint.errors`` classes and answered in the one error shape
of ``web.errors``.  Lists are capped (``MAX_LIMIT``); ``/api/events`` pages with an opaque
cursor (``next_cursor``; ``null`` on the last page).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from ..errors import NotFoundError
from ..store import Store
from ..version import __version__
from . import api_rank
from .api_articles import router as articles_router
from .deps import (
    actor_key,
    decode_cursor,
    encode_cursor,
    get_store,
    parse_bbox,
    parse_dyad,
    plain,
)

MAX_LIMIT = 500
router = APIRouter(prefix="/api", tags=["api"])
router.include_router(articles_router)

StoreDep = Annotated[Store, Depends(get_store)]
Since = Annotated[date | None, Query(description="From this day on (inclusive), YYYY-MM-DD.")]
Until = Annotated[date | None, Query(description="Before this day (exclusive), YYYY-MM-DD.")]
Key = Annotated[str, Path(min_length=1, max_length=24, pattern=r"^[A-Za-z0-9_]+$")]


def _ranker(request: Request) -> api_rank.Ranker:
    ranker: api_rank.Ranker = request.app.state.ranker
    return ranker


@router.get("/health")
def health(store: StoreDep, request: Request) -> dict[str, Any]:
    """Liveness and the store this server reads (503 in the error shape when it cannot)."""
    maintenance = getattr(request.app.state, "maintenance", None)
    return {"status": "ok", "version": __version__,
            "store": {"path": store.path, "owner": store.is_owner,
                      "schema_version": store.schema_version()},
            "background": maintenance.status() if maintenance is not None else None}


@router.get("/stats")
def stats(store: StoreDep, request: Request) -> dict[str, Any]:
    """Counts of the store, the trend watermark, the search index (backend, when it was built,
    mentions pending) and the dyad ranking (basis, when it was built)."""
    counts = store.stats()
    ranking = store.dyad_ranking(top=0)
    trend = store.trend_state()
    maintenance = getattr(request.app.state, "maintenance", None)
    out: dict[str, Any] = plain({
        **counts,
        "trends": trend,
        "search": store.search_status(),
        "daily_tables": store.daily_status(),
        "ranking": {"basis": ranking["basis"], "built_at": ranking["built_at"],
                    "stale": ranking["built_at"] is None
                    or ranking["basis"] != trend["events_updated"],
                    "last_error": _ranker(request).last_error},
        "maintenance": maintenance.status() if maintenance is not None else None,
    })
    return out


@router.get("/events")
def events(
    store: StoreDep,
    since: Since = None,
    until: Until = None,
    actor: Annotated[str | None, Query(max_length=24, description="Either side.")] = None,
    dyad: Annotated[str | None, Query(max_length=50, description="SRC:TGT, e.g. SRB:KSV; "
                                      "SRC: for events without a target.")] = None,
    cameo: Annotated[str | None, Query(pattern=r"^[0-9]{1,4}$",
                                       description="CAMEO root or code prefix.")] = None,
    plover: Annotated[str | None, Query(max_length=40)] = None,
    quad: Annotated[int | None, Query(ge=1, le=4, description="QuadClass 1..4.")] = None,
    bbox: Annotated[str | None, Query(max_length=100,
                                      description="minlon,minlat,maxlon,maxlat")] = None,
    q: Annotated[str | None, Query(max_length=200,
                                   description="Full-text search over evidence sentences.")
                 ] = None,
    search: Annotated[Literal["auto", "fts", "ilike"], Query(
        description="Search backend: fts index, ILIKE substring, or auto.")] = "auto",
    story: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> dict[str, Any]:
    """Events, newest event date first, filtered; ``next_cursor`` pages on."""
    found = store.events_page(
        dyad=parse_dyad(dyad) if dyad else None,
        actor=actor_key(actor, "actor") if actor else None,
        since=since, until=until, cameo=cameo, plover=plover, quad=quad, story=story,
        text=q, bbox=parse_bbox(bbox) if bbox else None, mode=search,
        after=decode_cursor(cursor) if cursor else None, limit=limit + 1)
    more = len(found) > limit
    page = found[:limit]
    last = page[-1] if page else None
    out: dict[str, Any] = {
        "items": [plain(e) for e in page],
        "next_cursor": encode_cursor(last.event_date, last.event_id) if more and last else None,
    }
    if q:
        out["search"] = "ilike" if search == "ilike" else store.search_status()["backend"]
    return out


@router.get("/events/{event_id}")
def event(
    store: StoreDep,
    event_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> dict[str, Any]:
    """One event with its mentions (evidence sentences) and their articles."""
    ev = store.event(event_id)
    mentions = store.mentions(event_id=event_id, limit=1000)
    articles: dict[str, dict[str, Any]] = {}
    for m in mentions:
        if m.article_id not in articles:
            a = store.get_article(m.article_id)
            articles[a.article_id] = {
                "article_id": a.article_id, "title": a.title, "url": a.url,
                "source": a.source, "published": plain(a.published), "story_id": a.story_id}
    return {"event": plain(ev), "mentions": [plain(m) for m in mentions],
            "articles": list(articles.values())}


@router.get("/dyads")
def dyads(
    store: StoreDep,
    request: Request,
    top: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    since: Since = None,
    actor: Annotated[str | None, Query(max_length=24)] = None,
) -> dict[str, Any]:
    """Directed dyads ranked by current escalation score (as ``flashpoint dyads``)."""
    key = actor_key(actor, "actor") if actor else None
    if since is not None:
        daily, stale = _ranker(request).daily(store)
        rows = api_rank.compute(daily, since=since, actor=key)[:top]
        return {"items": [api_rank.item(r) for r in rows], "computed": "live",
                "basis": None, "stale": stale}
    got = _ranker(request).ranking(store, actor=key, top=top)
    return {"items": [api_rank.item(r) for r in got["rows"]], "computed": "stored",
            "basis": plain(got["basis"]), "built_at": plain(got["built_at"]),
            "stale": got["stale"]}


@router.get("/dyads/{source}/{target}/series")
def series(store: StoreDep, request: Request, source: Key, target: Key, since: Since = None,
           until: Until = None) -> dict[str, Any]:
    """The daily series of one directed dyad: every calendar day, ``covered`` marking days
    with coverage of either side, and the alerts of the dyad (also as markers per day).
    ``stale``: events changed since the daily tables were built (being rebuilt)."""
    from ..trends.series import load

    pair = (actor_key(source, "source"), actor_key(target, "target"))
    daily, stale = _ranker(request).daily(store)
    found = load(daily, [pair], since=since, until=until)
    if not found:
        raise NotFoundError(f"no events or coverage for {pair[0]}:{pair[1]}",
                            "check the actor keys with /api/dyads", subject=f"{pair[0]}:{pair[1]}")
    alerts = store.alerts(dyad=pair, limit=1000)
    marks: dict[str, list[dict[str, Any]]] = {}
    for a in alerts:
        marks.setdefault(a.day, []).append({
            "alert_id": a.alert_id, "direction": a.direction, "channel": a.channel,
            "score": a.score, "state": a.state, "single_source": a.single_source})
    days = [{"day": d.day.isoformat(), "covered": d.covered, "articles": d.articles,
             "volume": d.volume, "events": d.events, "q1": d.quad[0], "q2": d.quad[1],
             "q3": d.quad[2], "q4": d.quad[3], "goldstein_sum": round(d.goldstein_sum, 3),
             "goldstein_mean": round(d.goldstein_mean, 3),
             "material_share": round(d.material_share, 3), "plover": dict(d.plover),
             "alerts": marks.get(d.day.isoformat(), [])} for d in found[0].days]
    return {"source": pair[0], "target": pair[1], "days": days,
            "alerts": [plain(a) for a in alerts], "stale": stale}


@router.get("/alerts")
def alerts(
    store: StoreDep,
    since: Since = None,
    until: Until = None,
    dyad: Annotated[str | None, Query(max_length=50, description="SRC:TGT")] = None,
    revisions: bool = False,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Escalation / de-escalation alerts (latest revision of each), newest day first."""
    pair = parse_dyad(dyad, open_target=False) if dyad else None
    rows = store.alerts(dyad=(pair[0], pair[1] or "") if pair else None, since=since,
                        until=until, revisions=revisions, limit=limit, offset=offset)
    return {"items": [plain(a) for a in rows]}


@router.get("/quotes")
def quotes(
    store: StoreDep,
    article_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=24, description="Speaker's key.")] = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Quotes with their speakers, newest article first."""
    rows = store.quotes(article_id=article_id,
                        actor=actor_key(actor, "actor") if actor else None,
                        since=since, until=until, limit=limit, offset=offset)
    return {"items": [plain(q) for q in rows]}
