"""The HTTP server of issue 6: a JSON API under ``/api/`` and the analyst dashboard pages.

``create_app(options, store=...)`` (``flashpoint.web.app``) builds the FastAPI application;
``flashpoint serve`` runs it with uvicorn.  See ``docs/web.md``.
"""

from __future__ import annotations
