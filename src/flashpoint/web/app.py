"""The FastAPI application of ``flashpoint serve``: the JSON API (``web.api``) under ``/api/``,
the dashboard pages (``web.pages``) everywhere else, one error shape and security headers on
every response (``web.errors``).

``create_app(options, store=...)`` serves an open ``Store`` (the caller closes it); without one
it opens ``options.db`` itself (as the owner, or as a client when another process owns the
store) and closes it when the app shuts down.  With ``background=True`` the app runs
``api_tasks.Maintenance`` while it lives (started and stopped by the ASGI lifespan, so by
uvicorn and by ``with TestClient(app)``): the ``--watch`` loop if a watcher is given, search
index rebuilds and the dyad ranking.  Without it (the default, for tests and embedding) nothing
runs in the background: a stale ranking is recomputed within the request that needs it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ..options import Options
from ..store import Store
from ..trends.watch import Watcher
from ..version import __version__
from . import errors
from .api_rank import Ranker
from .api_tasks import Maintenance

DESCRIPTION = """Coded political events (CAMEO/PLOVER) with their evidence sentences, per-dyad
escalation series and alerts. Every error is `{"error": {"code", "status", "message", "fix",
"subject"}}`. Writes (`POST /api/articles`) need `Authorization: Bearer <api_token>` and are off
unless `api_token` is configured."""


def create_app(
    options: Options,
    *,
    store: Store | None = None,
    background: bool = False,
    watcher: Watcher | None = None,
    interval: float = 60.0,
) -> FastAPI:
    """The application serving ``store`` (or ``options.db``); see the module docstring.

    ``watcher`` (a ``trends.watch.Watcher`` on the same store) runs one cycle every
    ``interval`` seconds in the background thread; it implies ``background``.
    """
    own = store is None
    st = store if store is not None else _open(options)
    run_background = background or watcher is not None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        maintenance: Maintenance | None = app.state.maintenance
        if maintenance is not None:
            maintenance.start()
        try:
            yield
        finally:
            if maintenance is not None:
                maintenance.stop()
            app.state.ranker.join(timeout=30.0)
            if own:
                st.close()

    # No /docs or /redoc: FastAPI's pages load Swagger/ReDoc from a CDN, which the dashboard's
    # no-CDN rule and CSP forbid. The spec itself is served at /openapi.json.
    app = FastAPI(title="Flashpoint", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.store = st
    app.state.options = options
    app.state.ranker = Ranker(background=run_background)
    app.state.maintenance = (Maintenance(st, app.state.ranker, watcher=watcher,
                                         interval=interval) if run_background else None)
    errors.install(app)

    from .api import router

    app.include_router(router)

    from . import pages

    pages.mount(app)
    return app


def _open(options: Options) -> Store:
    from ..store import open_store

    return open_store(options.db, options)
