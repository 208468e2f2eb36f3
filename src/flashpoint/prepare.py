"""The CPU-heavy part of ingest, run in worker processes: clean, sign, code.

Kept apart from ``pipeline`` so workers import only what they use (no store, no DuckDB); the
heavy stage modules are imported on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .errors import FlashpointError, InputError
from .model import Article, Coded, RawDocument, Rejection
from .options import Options


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document after the CPU-heavy stages: its article, MinHash signature and coding."""

    article: Article
    signature: bytes
    coded: Coded | None = None


@dataclass(frozen=True, slots=True)
class Job:
    options: Options
    published: datetime | None
    source: str | None
    code: bool


def prepare(doc: RawDocument, job: Job) -> Prepared | Rejection:
    """Clean one document (and code it when asked). Pure: runs in any process."""
    from .clean import clean
    from .dedup import signature

    try:
        article = clean(doc, job.options, published=job.published, source=job.source)
        sig = signature(article.text, job.options)
        coded = _code(article, job.options) if job.code else None
    except InputError as exc:
        return Rejection(doc.origin, exc.reason, exc.message)
    except FlashpointError as exc:
        return Rejection(doc.origin, exc.code, exc.message)
    if coded is not None and coded.tone is not None:
        article = replace(article, tone=coded.tone)
    return Prepared(article, sig, coded)


def _code(article: Article, options: Options) -> Coded | None:
    try:
        from .coding import code_article  # the coder is optional until it is installed
    except ImportError:
        return None
    result: Coded = code_article(article, options)
    return result


def prepare_many(docs: Sequence[RawDocument], job: Job) -> list[Prepared | Rejection]:
    return [prepare(d, job) for d in docs]
