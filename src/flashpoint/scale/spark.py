"""The Spark runner: the same partition function and clustering on a cluster.

DataFrame API only (``mapInArrow``), so the job also runs under Spark Connect, where RDDs do
not exist.  The plan:

1. a DataFrame of the manifest's WARC paths, spread round-robin over ``partitions`` tasks;
2. ``mapInArrow(code)``: each task runs ``flashpoint.scale.partition.code_warc`` over its files
   (models load once per Python worker; Spark reuses workers) and emits packed rows
   ``(path, kind, payload)`` — ``kind`` is ``articles`` / ``mentions`` / ``members`` (payload:
   an Arrow IPC stream of that table) or ``report`` (payload: JSON with the records read and
   the rejections).  This DataFrame is persisted: coding runs once;
3. articles and mentions are unpacked, copies dropped (``dropDuplicates``), repartitioned by
   ``date`` and written as Parquet (zstd) partitioned by ``date``;
4. members are hash-partitioned by group key (source key, target key, CAMEO root), sorted
   within partitions and clustered group after group (``cluster_batches``, the store's pure
   clustering), then repartitioned by ``date`` and written;
5. the reports are collected on the driver into ``DIR/_manifest.json``.

Output directories are written with ``mode("overwrite")``, so re-running a manifest replaces
the previous output.  ``spark-submit`` usage is in ``docs/scaling.md``.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from ..errors import ConfigError
from ..options import Options
from .layout import (
    PARTITION,
    RunSummary,
    manifest_record,
    run_id,
    schema_of,
    tally,
    with_date,
    write_manifest,
)
from .partition import DEFAULT_BATCH, BatchJob, Chunk, code_warc

PACKED = pa.schema([("path", pa.string()), ("kind", pa.string()), ("payload", pa.binary())])
GROUP_COLUMNS = ["source_key", "target_key", "cameo_root"]
_SPARK_CONF = {
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.compression.codec": "zstd",
}


def _nullable(schema: pa.Schema) -> pa.Schema:
    """Spark's DataFrames are nullable throughout; Arrow batches handed over must say so."""
    return pa.schema([f.with_nullable(True) for f in schema]).remove_metadata()


def dated_schema(kind: str) -> pa.Schema:
    """The Arrow schema of one output kind with the ``date`` partition column, as Spark sees it."""
    return _nullable(schema_of(kind).append(pa.field(PARTITION, pa.string())))


def _ipc(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _packed(chunk: Chunk) -> pa.RecordBatch:
    # Record-level rejections travel as counts (a month of CC-NEWS has millions of them);
    # file-level ones in full.  The workers log every one.
    reasons, bad = tally(chunk.rejected)
    report = json.dumps({"read": chunk.read, "reasons": reasons, "bad_files": bad})
    rows = [(chunk.path, "report", report.encode("utf-8"))]
    for kind in ("articles", "mentions", "members"):
        table: pa.Table = getattr(chunk, kind)
        if table.num_rows:
            rows.append((chunk.path, kind, _ipc(table)))
    return pa.RecordBatch.from_pylist(
        [{"path": p, "kind": k, "payload": b} for p, k, b in rows], schema=PACKED)


@dataclass(frozen=True, slots=True)
class CodeFiles:
    """``mapInArrow`` function: rows of WARC paths in, packed chunks out."""

    job: BatchJob

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for path in batch.column("path").to_pylist():
                for chunk in code_warc(str(path), self.job):
                    yield _packed(chunk)


@dataclass(frozen=True, slots=True)
class Unpack:
    """``mapInArrow`` function: packed payloads of one kind in, that kind's rows (+ date) out."""

    kind: str  # articles | mentions | members

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from .cluster import MEMBER_SCHEMA

        for batch in batches:
            for payload in batch.column("payload").to_pylist():
                table = pa.ipc.open_stream(payload).read_all()
                if self.kind == "members":
                    table = table.cast(_nullable(MEMBER_SCHEMA))
                else:
                    table = with_date(table, self.kind).cast(dated_schema(self.kind))
                yield from table.to_batches()


def cluster_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` function: sorted members of whole groups in, events (+ date) out."""
    from .cluster import cluster_batches

    schema = dated_schema("events")
    for out in cluster_batches(batches):
        table = with_date(pa.Table.from_batches([out]), "events").cast(schema)
        yield from table.to_batches()


def spark_session(master: str | None = None, app: str = "flashpoint") -> Any:
    """A Spark session configured for the runner (``master`` e.g. ``local[2]``; ``None`` lets
    ``spark-submit`` or the environment decide).  Sets ``PYSPARK_PYTHON`` to this interpreter
    unless it is set already."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError("pyspark is not installed",
                          "pip install 'flashpoint[spark]' (and Java 17)",
                          subject="spark") from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            builder = (builder.config("spark.driver.host", "127.0.0.1")
                       .config("spark.driver.bindAddress", "127.0.0.1")
                       .config("spark.ui.enabled", "false")
                       .config("spark.sql.shuffle.partitions", "4"))
    for key, value in _SPARK_CONF.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _write(df: Any, out: str, kind: str) -> None:
    (df.repartition(PARTITION).write.mode("overwrite").partitionBy(PARTITION)
     .option("compression", "zstd").parquet(f"{out.rstrip('/')}/{kind}"))


def run_spark(
    paths: Sequence[str],
    out: str,
    options: Options | None = None,
    *,
    spark: Any = None,
    master: str | None = None,
    as_of: datetime | None = None,
    batch: int = DEFAULT_BATCH,
    partitions: int | None = None,
) -> RunSummary:
    """Code the WARC files ``paths`` on Spark and write the run to ``out`` (any URI Spark
    writes to).  ``spark``: an existing session (e.g. Spark Connect), else one is made."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.storagelevel import StorageLevel

    from ..coding import CODER_VERSION
    from ..model import Rejection
    from .cluster import MEMBER_SCHEMA
    from .local import default_as_of

    if not paths:
        raise ConfigError("no WARC files to process", "list at least one file in the manifest",
                          subject="manifest")
    session = spark if spark is not None else spark_session(master)
    for key, value in _SPARK_CONF.items():
        session.conf.set(key, value)
    started = time.monotonic()
    when = as_of or default_as_of()
    job = BatchJob(options or Options(), when, batch)
    tasks = partitions or max(1, min(len(paths), _parallelism(session)))
    files = session.createDataFrame([(i, str(p)) for i, p in enumerate(paths)],
                                    "idx int, path string").repartition(tasks)
    packed = files.mapInArrow(CodeFiles(job), from_arrow_schema(PACKED))
    packed = packed.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        def unpack(kind: str, schema: pa.Schema) -> Any:
            rows = packed.filter(F.col("kind") == kind).select("payload")
            return rows.mapInArrow(Unpack(kind), from_arrow_schema(schema))

        reports = [json.loads(r["payload"]) for r in
                   packed.filter(F.col("kind") == "report").select("payload").collect()]
        articles = unpack("articles", dated_schema("articles")).dropDuplicates(
            ["article_id", "content_sha"])
        mentions = unpack("mentions", dated_schema("mentions")).dropDuplicates(["mention_id"])
        members = unpack("members", _nullable(MEMBER_SCHEMA))
        events = (members.repartition(*GROUP_COLUMNS)
                  .sortWithinPartitions(*GROUP_COLUMNS, "mention_id")
                  .mapInArrow(cluster_partition, from_arrow_schema(dated_schema("events"))))
        _write(articles, out, "articles")
        _write(mentions, out, "mentions")
        _write(events, out, "events")
    finally:
        packed.unpersist()
    counts = {k: _count(session, f"{out.rstrip('/')}/{k}")
              for k in ("articles", "mentions", "events")}
    reasons: Counter[str] = Counter()
    for rep in reports:
        reasons.update(rep["reasons"])
    _, bad = tally(Rejection(b["path"], b["reason"], b["detail"])
                   for rep in reports for b in rep["bad_files"])
    summary = RunSummary(
        run_id=run_id(paths, CODER_VERSION), out=out, runner=f"spark[{_master(session)}]",
        files=len(paths), records=sum(int(rep["read"]) for rep in reports),
        articles=counts["articles"], mentions=counts["mentions"], events=counts["events"],
        rejected=dict(sorted(reasons.items())), bad_files=bad, seconds=time.monotonic() - started,
    )
    write_manifest(out, manifest_record(summary, paths, {
        "coder_version": CODER_VERSION, "as_of": when.isoformat(), "tasks": tasks}))
    return summary


def _count(session: Any, folder: str) -> int:
    """Rows written under ``folder`` (read from the Parquet footers); 0 when none were."""
    from pyspark.errors import AnalysisException

    try:
        return int(session.read.parquet(folder).count())
    except AnalysisException:  # nothing written: Spark cannot infer a schema
        return 0


def _parallelism(session: Any) -> int:
    try:
        return int(session.sparkContext.defaultParallelism)
    except Exception:  # Spark Connect has no SparkContext
        return 2


def _master(session: Any) -> str:
    try:
        return str(session.sparkContext.master)
    except Exception:
        return "connect"
