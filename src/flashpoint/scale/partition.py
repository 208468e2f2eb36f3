"""The one partition function every batch runner shares: WARC files → coded Arrow tables.

``code_warc(path, job)`` reads one WARC file with ``flashpoint.sources.warc`` (the same reader
``flashpoint ingest`` uses: capped decompression, bad records become rejections), cleans every
kept record with ``flashpoint.clean.clean`` and codes the articles in batches with
``flashpoint.coding.code_articles`` (models load once per process, behind cached loaders).  It
yields ``Chunk``s of at most ``job.batch`` articles, each holding three Arrow tables:

- ``articles`` (``flashpoint.export.arrow.ARTICLE_SCHEMA``),
- ``mentions`` (``MENTION_SCHEMA``),
- ``members``: what event clustering needs of each non-negated mention and its article
  (``flashpoint.scale.cluster.MEMBER_SCHEMA``; clustering is a second, shuffled stage).

The local process pool and the Spark ``mapInArrow`` job both call ``code_warc``; neither holds
any coding logic.  It never raises for bad input: an unreadable or damaged file and every bad
record become ``Rejection``s in the chunks (a file-level one has the file as its origin, a
record-level one ``<file>#<n>``), and the job goes on with the next record or file.

A batch run has no store, so there is no cross-article near-duplicate detection: every article
is its own story (``story_id = article_id``).  Publication times come from the page (JSON-LD,
meta tags); the WARC date is a crawl date and is never used as one.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from ..errors import FlashpointError, InputError
from ..model import Article, Coded, RawDocument, Rejection
from ..options import Options

log = logging.getLogger(__name__)

_RECORD_ORIGIN = re.compile(r"#\d+$")
DEFAULT_BATCH = 64  # articles coded (and parsed by spaCy) together


@dataclass(frozen=True, slots=True)
class BatchJob:
    """What every worker needs: the options, the run's reference time and the batch size.

    ``as_of`` (naive UTC) stands in for "first seen" of an article without a publication time,
    as the ingest time does in the store; a run passes one value to every worker.
    """

    options: Options
    as_of: datetime
    batch: int = DEFAULT_BATCH


@dataclass(frozen=True, slots=True)
class Chunk:
    """The coded output of up to ``job.batch`` articles of one WARC file."""

    path: str
    articles: pa.Table
    mentions: pa.Table
    members: pa.Table
    read: int = 0  # documents and rejections taken from the file for this chunk
    rejected: tuple[Rejection, ...] = field(default=())


def local_path(path: str) -> Path | None:
    """The local file a manifest entry names (plain path or ``file://``), else ``None``."""
    if path.startswith("file://"):
        return Path(path[len("file://"):])
    if "://" in path:
        return None
    return Path(path)


def is_file_level(rejection: Rejection) -> bool:
    """Whether a rejection is about a whole file (unreadable, not a WARC, damaged) rather than
    one record of it (origin ``<file>#<n>``)."""
    return _RECORD_ORIGIN.search(rejection.origin) is None


def code_warc(path: str, job: BatchJob) -> Iterator[Chunk]:
    """Chunks of coded articles of one WARC file (see the module docstring); never raises.
    An http(s) URL is first downloaded to a temporary file (``HttpFetcher.download``: the
    private-address rule, redirects, ``max_warc_bytes``), deleted when the file is done."""
    if path.startswith(("http://", "https://")):
        with tempfile.TemporaryDirectory(prefix="flashpoint-warc-") as tmp:
            saved = Path(tmp) / "input.warc.gz"
            try:
                _download(path, saved, job.options)
            except FlashpointError as exc:
                yield _chunk(path, [], [], 1, [Rejection(
                    path, "unreachable", f"{path}: {exc.message} — {exc.fix}")])
                return
            yield from _code_local(path, saved, job)
        return
    local = local_path(path)
    if local is None:
        yield _chunk(path, [], [], 1, [Rejection(
            path, "unsupported-path",
            f"{path}: only local paths, file:// and http(s) URLs can be read — for Common "
            "Crawl, run with --base https://data.commoncrawl.org/ instead of s3://")])
        return
    yield from _code_local(path, local, job)


def _download(url: str, dest: Path, options: Options) -> None:
    from ..sources.fetch import HttpFetcher

    with HttpFetcher(options) as fetcher:
        fetcher.download(url, dest, options.max_warc_bytes)


def _code_local(path: str, local: Path, job: BatchJob) -> Iterator[Chunk]:
    """``code_warc`` of a file on disk (``path``: the name the manifest gives it)."""
    from ..sources.warc import iter_warc
    docs: list[RawDocument] = []
    rejected: list[Rejection] = []
    read = 0
    items = iter_warc(local, job.options)
    while True:
        try:
            item = next(items)
        except StopIteration:
            break
        except Exception as exc:  # a reader bug must not stop the whole job
            rejected.append(Rejection(path, "invalid-warc", f"{path}: reading failed ({exc}) "
                                      "— check the file; the records before were kept"))
            read += 1
            break
        read += 1
        if isinstance(item, Rejection):
            rejected.append(item)
            continue
        docs.append(item)
        if len(docs) >= job.batch:
            yield _code_docs(path, docs, rejected, read, job)
            docs, rejected, read = [], [], 0
    if docs or rejected or read:
        yield _code_docs(path, docs, rejected, read, job)


def code_paths(paths: Iterable[str], job: BatchJob) -> Iterator[Chunk]:
    """``code_warc`` over several files, in order."""
    for path in paths:
        yield from code_warc(path, job)


def _code_docs(
    path: str, docs: Sequence[RawDocument], rejected: list[Rejection], read: int, job: BatchJob
) -> Chunk:
    from ..clean import clean

    articles: list[Article] = []
    for doc in docs:
        try:
            art = clean(doc, job.options)
        except InputError as exc:
            rejected.append(Rejection(doc.origin, exc.reason, exc.message))
            continue
        except FlashpointError as exc:
            rejected.append(Rejection(doc.origin, exc.code, exc.message))
            continue
        except Exception as exc:  # one bad page never stops the job
            rejected.append(Rejection(doc.origin, "clean-failed",
                                      f"{doc.origin}: cleaning failed ({exc!r}) — skipped"))
            continue
        articles.append(replace(art, raw=b"", story_id=art.article_id))
    coded = _code(articles, job.options, rejected)
    for r in rejected:
        log.warning("rejected %s: %s", r.reason, r.detail or r.origin)
    return _chunk(path, articles, coded, read, rejected, job.as_of)


def _code(
    articles: Sequence[Article], options: Options, rejected: list[Rejection]
) -> list[Coded | None]:
    """The coding of each article (None when coding it failed: recorded as a rejection)."""
    if not articles or not options.code:
        return [None] * len(articles)
    from ..coding import code_article, code_articles

    try:
        return list(code_articles(articles, options))
    except Exception:  # find the article that fails, code the others
        log.warning("batch coding failed; coding the %d articles one by one", len(articles))
    out: list[Coded | None] = []
    for art in articles:
        try:
            out.append(code_article(art, options))
        except Exception as exc:
            rejected.append(Rejection(art.origin, "coding-failed",
                                      f"{art.origin}: coding failed ({exc!r}) — the article "
                                      "is kept without events"))
            out.append(None)
    return out


def _chunk(
    path: str,
    articles: Sequence[Article],
    coded: Sequence[Coded | None],
    read: int,
    rejected: Sequence[Rejection],
    as_of: datetime | None = None,
) -> Chunk:
    from ..export.arrow import articles_table, mentions_table
    from .cluster import members_of, members_table

    with_tone = [replace(a, tone=c.tone) if c is not None and c.tone is not None else a
                 for a, c in zip(articles, coded, strict=True)]
    mentions = [m for c in coded if c is not None for m in c.mentions]
    members = [mem for a, c in zip(with_tone, coded, strict=True) if c is not None
               for mem in members_of(a, c.mentions, as_of or datetime(1970, 1, 1))]
    return Chunk(path, articles_table(with_tone), mentions_table(mentions),
                 members_table(members), read, tuple(rejected))
