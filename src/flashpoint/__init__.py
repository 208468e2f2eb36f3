"""Flashpoint: from raw news to coded political events with evidence, and escalation alerts.

Public API::

    import flashpoint
    report = flashpoint.ingest(["articles/"], db="flashpoint.duckdb")
    with flashpoint.open_store("flashpoint.duckdb") as store:
        for article in store.articles(limit=10):
            print(article.title)
    coded = flashpoint.code_article(article)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import FlashpointError
from .model import (
    Actor,
    Alert,
    Article,
    Coded,
    Event,
    IngestReport,
    Mention,
    Place,
    Quote,
    RawDocument,
    Rejection,
    Sentence,
)
from .options import Options
from .version import __version__

if TYPE_CHECKING:
    from .pipeline import ingest
    from .store import Store, open_store

__all__ = [
    "Actor",
    "Alert",
    "Article",
    "Coded",
    "Event",
    "FlashpointError",
    "IngestReport",
    "Mention",
    "Options",
    "Place",
    "Quote",
    "RawDocument",
    "Rejection",
    "Sentence",
    "Store",
    "__version__",
    "code_article",
    "ingest",
    "open_store",
]


def __getattr__(name: str) -> Any:
    # Heavy stages import lazily so ``import flashpoint`` stays fast.
    if name == "ingest":
        from .pipeline import ingest

        return ingest
    if name in {"open_store", "Store"}:
        from . import store

        return getattr(store, name)
    if name == "code_article":
        from .coding import code_article

        return code_article
    raise AttributeError(f"module 'flashpoint' has no attribute {name!r}")
