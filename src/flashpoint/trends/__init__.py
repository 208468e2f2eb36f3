"""Trends (issue 5): daily dyad series, the escalation signal, alerts.

``update(store, options)`` is the one entry point the pipeline calls after an ingest.
"""

from __future__ import annotations

from .alerts import refresh, update

__all__ = ["refresh", "update"]
