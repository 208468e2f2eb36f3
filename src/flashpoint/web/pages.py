"""Server-rendered analyst dashboard (issue 6): overview, dyad timeline, map, article reader,
search.

``mount(app)`` registers the page routes and ``/static``; ``create_app`` (web/app.py) calls it.
The store is ``request.app.state.store`` and the options ``request.app.state.options``.

Design:
- HTML is rendered on the server with Jinja2 (autoescape on, strict undefined); charts are inline
  SVG built in ``web/svg.py``; interaction is plain links and GET forms, so every page works
  without JavaScript and under the app's CSP (no inline script or style anywhere).
- Filters live in the query string (``?since=&until=&day=``), so a view can be shared.
- Everything from articles is escaped; only http(s) URLs become links (``page_text.safe_url``).
- Handlers are sync functions: FastAPI runs them in its thread pool, so a slow store read does
  not block the event loop.  A ``FlashpointError`` becomes an HTML error page with its status.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..errors import FlashpointError, InputError
from ..model import actor_key
from ..store import Store
from . import svg
from .assets import INSTALL_HINT, country_paths
from .page_data import (
    MAX_MAP_EVENTS,
    day_events,
    dyad_alerts_by_day,
    dyad_series,
    map_points,
    parse_day,
    parse_key,
    rank_dyads,
    ranked_from_rows,
)
from .page_text import (
    clip,
    evidence_spans,
    highlight_article,
    highlight_terms,
    quote_spans,
    safe_url,
    search_terms,
)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"
MAX_QUERY_CHARS = 200
SEARCH_LIMIT = 100
ALERT_LIMIT = 20


@functools.cache
def templates() -> Jinja2Templates:
    """The Jinja2 environment (autoescape on, undefined variables are errors)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_url"] = safe_url
    env.filters["clip"] = clip
    env.globals["dyad_url"] = dyad_url
    env.globals["actor_key"] = actor_key
    env.globals["QUAD_NAMES"] = svg.QUAD_NAMES
    return Jinja2Templates(env=env)


def dyad_url(source: str, target: str, **query: str | None) -> str:
    """``/dyad/SRC/TGT`` with the non-empty query parameters."""
    path = f"/dyad/{quote(source, safe='')}/{quote(target, safe='')}"
    return path + _qs(query)


def _qs(query: Mapping[str, str | None]) -> str:
    kept = {k: v for k, v in query.items() if v}
    return "?" + urlencode(kept) if kept else ""


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _render(request: Request, name: str, context: dict[str, Any],
            status: int = 200) -> Response:
    return templates().TemplateResponse(request, name, context, status_code=status)


def _page(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Turn a ``FlashpointError`` raised by a page handler into an HTML error page."""

    @functools.wraps(handler)
    def wrapped(request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return handler(request, *args, **kwargs)
        except FlashpointError as exc:
            return _render(request, "error.html", {"title": "Error", "error": exc},
                           status=exc.http_status)

    return wrapped


@_page
def overview(request: Request, since: str | None = None, actor: str | None = None,
             top: int = 20) -> Response:
    """Top escalating dyads with sparklines, latest alerts, search box."""
    started = time.perf_counter()
    store = _store(request)
    if not 1 <= top <= 200:
        raise InputError(f"top {top} is out of range", "give a number from 1 to 200",
                         subject="top")
    key = parse_key(actor, "actor") if actor else None
    start = parse_day(since, "since")
    ranker = getattr(request.app.state, "ranker", None)
    stale = False
    if ranker is not None and start is None:  # the API's stored ranking (fast on big stores)
        got = ranker.ranking(store, actor=key, top=top)
        ranked = ranked_from_rows(got["rows"])
        stale = bool(got.get("stale"))
    else:  # computed live, like `flashpoint dyads --since`
        ranked = rank_dyads(store, since=start, actor=key, top=top)
    rows = [{"dyad": r, "url": dyad_url(r.source, r.target),
             "spark": svg.sparkline(r.spark, label=f"conflict events of {r.source} → "
                                    f"{r.target}, last {len(r.spark)} days")}
            for r in ranked]
    alerts = store.alerts(limit=ALERT_LIMIT)
    return _render(request, "overview.html", {
        "title": "Overview", "rows": rows, "alerts": alerts, "since": since or "",
        "actor": key or "", "top": top, "stale": stale,
        "render_ms": round((time.perf_counter() - started) * 1000, 1)})


@_page
def dyad(request: Request, source: str, target: str, since: str | None = None,
         until: str | None = None, day: str | None = None) -> Response:
    """Stacked QuadClass timeline of one dyad; ``?day=`` lists that day's events."""
    store = _store(request)
    src, tgt = parse_key(source, "source"), parse_key(target, "target")
    start, end = parse_day(since, "since"), parse_day(until, "until")
    chosen = parse_day(day, "day")
    # the series from the server's daily tables when it has them (as /api/.../series does):
    # a live aggregation over every event takes seconds on a store of millions
    ranker = getattr(request.app.state, "ranker", None)
    source_of_days = ranker.daily(store)[0] if ranker is not None else store
    series = dyad_series(source_of_days, src, tgt, since=start, until=end)
    alerts = store.alerts(dyad=(src, tgt), limit=1000)

    def day_href(d: date) -> str:
        return dyad_url(src, tgt, since=since, until=until, day=d.isoformat())

    chart = svg.timeline(series.days, alerts, day_href, selected=chosen)
    view = day_events(store, src, tgt, chosen) if chosen else None
    covered = sum(1 for d in series.days if d.covered)
    return _render(request, "dyad.html", {
        "title": f"{src} → {tgt}", "source": src, "target": tgt, "chart": chart,
        "days": series.days, "day_href": day_href, "covered": covered,
        "alerts": alerts, "alerts_by_day": dyad_alerts_by_day(alerts), "view": view,
        "since": since or "", "until": until or "", "chosen": chosen,
        "reverse_url": dyad_url(tgt, src, since=since, until=until, day=day),
        "clear_url": dyad_url(src, tgt, since=since, until=until)})


@_page
def event_map(request: Request, since: str | None = None, until: str | None = None,
              actor: str | None = None, plover: str | None = None, quad: int | None = None,
              world: str | None = None) -> Response:
    """Country outlines (world-atlas, when installed) and events by location."""
    store = _store(request)
    if quad is not None and quad not in (1, 2, 3, 4):
        raise InputError(f"quad {quad} is not a QuadClass", "give 1, 2, 3 or 4", subject="quad")
    key = parse_key(actor, "actor") if actor else None
    pl = parse_key(plover, "plover") if plover else None
    events = store.events(actor=key, since=parse_day(since, "since"),
                          until=parse_day(until, "until"), plover=pl, quad=quad,
                          limit=MAX_MAP_EVENTS)
    places = map_points(events)
    base = {"since": since, "until": until, "actor": key, "plover": pl,
            "quad": str(quad) if quad else None}
    points = [svg.MapPoint(p.lat, p.lon, p.place, p.country, p.events,
                           "/search" + _qs({"place": p.place, "since": since, "until": until,
                                            "actor": key, "plover": pl}))
              for p in places]
    countries = country_paths(request.app.state.options.assets)
    zoom_world = bool(world)
    return _render(request, "map.html", {
        "title": "Event map", "map": svg.world_map(points, countries, world=zoom_world),
        "places": places, "points": points, "outlines": countries is not None,
        "install_hint": INSTALL_HINT, "total": len(events),
        "located": sum(p.events for p in places), "truncated": len(events) >= MAX_MAP_EVENTS,
        "filters": {k: v or "" for k, v in base.items()}, "world": zoom_world,
        "toggle_url": "/map" + _qs({**base, "world": None if zoom_world else "1"})})


@_page
def article(request: Request, article_id: str) -> Response:
    """One article: clean text, evidence sentences in <mark>, quotes marked, its reports."""
    store = _store(request)
    if not article_id.isalnum() or len(article_id) > 64:
        raise InputError(f"{article_id[:40]!r} is not an article id",
                         "use an id from an event's source list", subject="article")
    art = store.get_article(article_id)
    mentions = store.mentions(article_id=article_id, limit=1000)
    quotes = store.quotes(article_id=article_id, limit=1000)
    spans = evidence_spans(art.text, mentions) + quote_spans(art.text, quotes)
    return _render(request, "article.html", {
        "title": art.title or art.article_id, "article": art,
        "paragraphs": highlight_article(art.text, spans),
        "mentions": sorted(mentions, key=lambda m: (m.sentence_index, m.mention_id)),
        "quotes": quotes})


@_page
def search(request: Request, q: str = "", since: str | None = None, until: str | None = None,
           place: str | None = None, actor: str | None = None,
           plover: str | None = None) -> Response:
    """Events whose evidence sentence contains ``q`` (or that happened at ``place``)."""
    store = _store(request)
    text = q.strip()[:MAX_QUERY_CHARS]
    key = parse_key(actor, "actor") if actor else None
    pl = parse_key(plover, "plover") if plover else None
    start, end = parse_day(since, "since"), parse_day(until, "until")
    events = []
    if text or place or key or pl:
        limit = MAX_MAP_EVENTS if place else SEARCH_LIMIT
        events = store.events(text=text or None, since=start, until=end, actor=key,
                              plover=pl, limit=limit)
        if place:
            events = [e for e in events
                      if e.location is not None and e.location.place_name == place]
        events = events[:SEARCH_LIMIT]
    terms = search_terms(text)
    rows = [{"event": e, "evidence": highlight_terms(e.evidence, terms),
             "url": dyad_url(e.source_key, e.target_key, day=e.event_date)
             if e.target_key and e.event_date else None} for e in events]
    return _render(request, "search.html", {
        "title": f"Search: {text}" if text else "Search", "q": text, "rows": rows,
        "since": since or "", "until": until or "", "place": place or "",
        "limit": SEARCH_LIMIT})


def mount(app: FastAPI) -> None:
    """Register the dashboard page routes on ``app`` and mount ``/static``."""
    routes: list[tuple[str, Callable[..., Response], str]] = [
        ("/", overview, "page_overview"),
        ("/dyad/{source}/{target}", dyad, "page_dyad"),
        ("/map", event_map, "page_map"),
        ("/articles/{article_id}", article, "page_article"),
        ("/search", search, "page_search"),
    ]
    for path, handler, name in routes:
        app.add_api_route(path, handler, methods=["GET"], name=name,
                          response_class=HTMLResponse, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
