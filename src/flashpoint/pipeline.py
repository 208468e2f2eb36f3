"""Ingest orchestration: sources → documents → clean articles (in worker processes) → store.

This module only wires stages together; each stage lives in its own module.  CPU-heavy work
(cleaning, MinHash signatures, coding) runs in a process pool so both cores are used; the store
decides duplicates and versions in one place (its owner process).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import datetime
from typing import IO, Any

from .ids import sha256_hex
from .model import Coded, IngestReport, RawDocument, Rejection
from .options import Options
from .prepare import Job, Prepared, prepare_many
from .sources import Fetcher, iter_many
from .store import Store, open_store
from .version import __version__

Progress = Callable[[int, int | None], None]  # (documents done, total if known)

# Below this many documents a process pool costs more than it saves.  Worker processes import
# only ``flashpoint.prepare`` (cleaning, signatures, coding), never the store.
_POOL_MIN_DOCS = 24


def _chunks(items: Iterator[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    while True:
        chunk = list(itertools.islice(items, size))
        if not chunk:
            return
        yield chunk


def ingest(
    sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    store: Store | None = None,
    db: str | os.PathLike[str] | None = None,
    options: Options | None = None,
    published: datetime | None = None,
    source: str | None = None,
    fetcher: Fetcher | None = None,
    stdin: IO[bytes] | None = None,
    code: bool | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files, folders, globs, URLs or ``-`` (stdin JSONL) into the store.

    Bad inputs never abort the batch: each becomes a ``Rejection`` in the report.  Writes are
    idempotent, so running the same command again after a crash stores only what is missing.
    """
    opts = options or Options.load()
    do_code = opts.code if code is None else code
    specs = [os.fspath(sources)] if isinstance(sources, str | os.PathLike) else [
        os.fspath(s) for s in sources
    ]
    own_store = store is None
    st = store if store is not None else open_store(db if db is not None else opts.db, opts)
    try:
        return _run(st, specs, opts, Job(opts, published, source, do_code), fetcher, stdin,
                    progress)
    finally:
        if own_store:
            st.close()


def _manifest(specs: Sequence[str], job: Job) -> dict[str, Any]:
    return {
        "flashpoint": __version__,
        "inputs": list(specs),
        "published_override": job.published.isoformat() if job.published else None,
        "source_override": job.source,
        "code": job.code,
        "options_sha256": sha256_hex(repr(job.options)),
    }


def _run(
    store: Store,
    specs: Sequence[str],
    options: Options,
    job: Job,
    fetcher: Fetcher | None,
    stdin: IO[bytes] | None,
    progress: Progress | None,
) -> IngestReport:
    run_id = store.start_run("ingest", _manifest(specs, job))
    counts = {"read": 0, "new": 0, "updated": 0, "duplicate": 0, "near_duplicate": 0}
    rejected: list[Rejection] = []
    docs: list[RawDocument] = []
    pending_rejections: list[Rejection] = []

    def items() -> Iterator[RawDocument]:
        for item in iter_many(specs, options, fetcher=fetcher, stdin=stdin):
            if isinstance(item, Rejection):
                pending_rejections.append(item)
                continue
            yield item

    stream = items()
    # Peek far enough to know whether a pool is worth starting.
    docs = list(itertools.islice(stream, _POOL_MIN_DOCS))
    source_iter = itertools.chain(docs, stream)
    workers = options.effective_workers
    use_pool = workers > 1 and len(docs) >= _POOL_MIN_DOCS
    executor: Executor | None = None
    if use_pool:
        executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("forkserver")
        )
    try:
        done = 0
        for results in _process(source_iter, job, executor, options.batch_size, workers):
            batch: list[Prepared] = []
            for res in results:
                counts["read"] += 1
                if isinstance(res, Rejection):
                    rejected.append(res)
                else:
                    batch.append(res)
            if batch:
                outcomes = store.add_articles([(p.article, p.signature) for p in batch])
                for outcome in outcomes:
                    counts[outcome.status] = counts.get(outcome.status, 0) + 1
                coded = [p.coded for p in batch if p.coded is not None]
                if coded:
                    _store_coded(store, coded, outcomes)
            if pending_rejections:
                counts["read"] += len(pending_rejections)
                rejected.extend(pending_rejections)
                pending_rejections.clear()
            done += len(results)
            if progress is not None:
                progress(done, None)
        if pending_rejections:
            counts["read"] += len(pending_rejections)
            rejected.extend(pending_rejections)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    if rejected:
        store.add_rejections(run_id, rejected)
    report = IngestReport(
        read=counts["read"], new=counts["new"], updated=counts["updated"],
        duplicate=counts["duplicate"], near_duplicate=counts["near_duplicate"],
        rejected=tuple(rejected), run_id=run_id,
    )
    store.finish_run(run_id, {**counts, "rejected": len(rejected)})
    if job.code and (counts["new"] or counts["updated"] or counts["near_duplicate"]):
        from .trends import update

        update(store, options)  # series and alerts follow the new articles
    return report


def _store_coded(store: Store, coded: Sequence[Coded], outcomes: Sequence[Any]) -> None:
    add = getattr(store, "add_coded", None)
    if add is None:
        return
    changed = {o.article_id for o in outcomes if o.status != "duplicate"}
    todo = [c for c in coded if c.article_id in changed]
    if todo:
        add(todo)


def _process(
    docs: Iterator[RawDocument],
    job: Job,
    executor: Executor | None,
    batch_size: int,
    workers: int,
) -> Iterator[list[Prepared | Rejection]]:
    """Yield prepared results batch by batch, keeping at most two batches in flight."""
    if executor is None:
        for chunk in _chunks(docs, batch_size):
            yield prepare_many(chunk, job)
        return
    # Split each batch into one sub-chunk per worker; overlap the next batch with the write.
    sub = max(1, batch_size // (workers * 2))
    chunks = _chunks(docs, batch_size)
    in_flight: list[Any] = []

    def submit(chunk: list[RawDocument]) -> list[Any]:
        return [executor.submit(prepare_many, chunk[i:i + sub], job)
                for i in range(0, len(chunk), sub)]

    first = next(chunks, None)
    if first is None:
        return
    in_flight = submit(first)
    for chunk in chunks:
        nxt = submit(chunk)
        yield [r for f in in_flight for r in f.result()]
        in_flight = nxt
    yield [r for f in in_flight for r in f.result()]
