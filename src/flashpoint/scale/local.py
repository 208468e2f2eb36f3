"""The local batch runner: a process pool over the WARC files of a manifest.

``run_local(paths, out, options, workers=N)`` codes each WARC file in a worker process with the
shared partition function (``flashpoint.scale.partition.code_warc``; models load once per
worker), gathers the Arrow tables in the parent, drops repeated copies of an article (same
article id and text, e.g. a page in two WARC files), clusters the mentions into events with the
store's clustering (``flashpoint.scale.cluster``) and writes the layout of
``flashpoint.scale.layout`` — the same layout, ids and events as the Spark runner.

Work is shared out by file (one task per WARC file, in manifest order), so N workers need at
least N files to be busy.  ``workers=1`` runs in this process (no pool).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow as pa

from ..errors import ConfigError
from ..model import Rejection
from ..options import Options
from .layout import RunSummary, manifest_record, run_id, tally, write_local, write_manifest
from .partition import DEFAULT_BATCH, BatchJob, code_warc

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything one WARC file gave: its tables (chunks concatenated) and its rejections."""

    path: str
    articles: pa.Table
    mentions: pa.Table
    members: pa.Table
    read: int
    rejected: tuple[Rejection, ...]


def code_file(path: str, job: BatchJob) -> FileResult:
    """Run the partition function over one file and gather its chunks (worker side)."""
    chunks = list(code_warc(path, job))
    from ..export.arrow import ARTICLE_SCHEMA, MENTION_SCHEMA
    from .cluster import MEMBER_SCHEMA

    def cat(name: str, schema: pa.Schema) -> pa.Table:
        tables = [getattr(c, name) for c in chunks]
        return pa.concat_tables(tables) if tables else schema.empty_table()

    return FileResult(
        path, cat("articles", ARTICLE_SCHEMA), cat("mentions", MENTION_SCHEMA),
        cat("members", MEMBER_SCHEMA), sum(c.read for c in chunks),
        tuple(r for c in chunks for r in c.rejected),
    )


def first_of(table: pa.Table, keys: Sequence[str], order: Sequence[str] = ()) -> pa.Table:
    """One row per distinct ``keys`` (the first by ``keys`` + ``order``), sorted by keys."""
    if table.num_rows == 0:
        return table
    index = pa.array(range(table.num_rows), pa.int64())
    cols = [*keys, *order]
    ordered = table.select(cols).append_column("__row", index).sort_by(
        [(c, "ascending") for c in [*cols, "__row"]])
    seen: set[tuple[object, ...]] = set()
    keep: list[int] = []
    for row in ordered.to_pylist():
        key = tuple(row[k] for k in keys)
        if key not in seen:
            seen.add(key)
            keep.append(int(row["__row"]))
    return table.take(pa.array(keep, pa.int64()))


def default_as_of() -> datetime:
    """Now, naive UTC to the second: the first-seen time of articles without a date."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _results(paths: Sequence[str], job: BatchJob, workers: int) -> Iterator[FileResult]:
    if workers <= 1 or len(paths) <= 1:
        for path in paths:
            yield code_file(path, job)
        return
    executor: Executor = ProcessPoolExecutor(
        max_workers=min(workers, len(paths)),
        mp_context=multiprocessing.get_context("forkserver"))
    with executor:
        yield from executor.map(code_file, paths, [job] * len(paths))


def run_local(
    paths: Sequence[str],
    out: str | os.PathLike[str],
    options: Options | None = None,
    *,
    workers: int | None = None,
    as_of: datetime | None = None,
    batch: int = DEFAULT_BATCH,
) -> RunSummary:
    """Code the WARC files ``paths`` with a process pool and write the run to ``out``."""
    from ..coding import CODER_VERSION
    from ..export.arrow import articles_table, events_table, mentions_table
    from .cluster import cluster_members, members_from

    if not paths:
        raise ConfigError("no WARC files to process", "list at least one file in the manifest",
                          subject="manifest")
    opts = options or Options()
    count = workers if workers is not None else opts.effective_workers
    if count < 1:
        raise ConfigError(f"workers must be 1 or more, not {count}", "give --workers 1 or more",
                          subject="--workers")
    started = time.monotonic()
    when = as_of or default_as_of()
    job = BatchJob(opts, when, batch)
    rid = run_id(paths, CODER_VERSION)
    results = list(_results(list(paths), job, count))
    rejected = [r for res in results for r in res.rejected]
    articles = first_of(
        pa.concat_tables([articles_table([]), *(r.articles for r in results)]),
        ["article_id", "content_sha"], ["origin"])
    mentions = first_of(
        pa.concat_tables([mentions_table([]), *(r.mentions for r in results)]), ["mention_id"])
    members = [m for r in results for m in members_from(r.members)]
    events = events_table(cluster_members(members))
    write_local(out, {"articles": articles, "mentions": mentions, "events": events})
    reasons, bad = tally(rejected)
    summary = RunSummary(
        run_id=rid, out=os.fspath(out), runner=f"local[{count}]", files=len(paths),
        records=sum(r.read for r in results), articles=articles.num_rows,
        mentions=mentions.num_rows, events=events.num_rows, rejected=reasons, bad_files=bad,
        seconds=time.monotonic() - started,
    )
    write_manifest(os.fspath(out), manifest_record(summary, paths, {
        "coder_version": CODER_VERSION, "as_of": when.isoformat(),
        "options_sha256": _options_sha(opts)}))
    log.info("%s", summary.line())
    return summary


def _options_sha(options: Options) -> str:
    from dataclasses import asdict

    from ..ids import sha256_hex

    return sha256_hex(repr(sorted(asdict(options).items())))
