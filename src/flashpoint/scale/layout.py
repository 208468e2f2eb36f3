"""The output layout of a batch run, its manifest, and idempotent (re)writing.

One layout for every runner (local process pool, Spark), so outputs are interchangeable::

    DIR/events/date=YYYY-MM-DD/*.parquet      EVENT_SCHEMA (flashpoint.export.arrow)
    DIR/mentions/date=YYYY-MM-DD/*.parquet    MENTION_SCHEMA, date = the mention's event date
    DIR/articles/date=YYYY-MM-DD/*.parquet    ARTICLE_SCHEMA, date = the publication date (UTC)
    DIR/_manifest.json                        run id, inputs, versions, counts, bad files

Parquet files are zstd-compressed; a row without a date goes to
``date=__HIVE_DEFAULT_PARTITION__`` (the Hive/Spark convention).  The ``date`` column lives in
the directory names only; readers restore it (``read_output``, DuckDB
``read_parquet(..., hive_partitioning = true)``, ``spark.read.parquet``).

Idempotence: ``run_id`` is derived from the manifest's contents (the WARC paths, in order) and
the coder version, event ids from the events themselves, and a run replaces each of the three
directories as a whole, so running a manifest again gives the same ids and overwrites the
previous output instead of adding to it.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds

from ..errors import ConfigError, InputError
from ..ids import sha256_hex, short_id
from ..model import Rejection

KINDS = ("articles", "mentions", "events")
DATE_OF = {"articles": "published_date", "mentions": "event_date", "events": "event_date"}
PARTITION = "date"
NO_DATE = "__HIVE_DEFAULT_PARTITION__"
MANIFEST = "_manifest.json"
MAX_MANIFEST_LINES = 1_000_000
_PARTITIONING = ds.partitioning(pa.schema([(PARTITION, pa.string())]), flavor="hive")


def schema_of(kind: str) -> pa.Schema:
    """The Arrow schema of one output kind (``articles``, ``mentions``, ``events``)."""
    from ..export import arrow

    schemas = {"articles": arrow.ARTICLE_SCHEMA, "mentions": arrow.MENTION_SCHEMA,
               "events": arrow.EVENT_SCHEMA}
    if kind not in schemas:
        raise ConfigError(f"unknown output kind {kind!r}", "use one of " + ", ".join(KINDS),
                          subject="kind")
    return schemas[kind]


def read_manifest(path: str | os.PathLike[str], base: str | None = None) -> list[str]:
    """The WARC paths a manifest lists (``warc.paths`` or ``warc.paths.gz``: one a line, ``#``
    comments and blank lines skipped).  A relative path is taken relative to ``base``, else to
    the manifest's folder (Common Crawl lists ``crawl-data/CC-NEWS/...``)."""
    source = Path(path)
    try:
        raw = source.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read the manifest ({exc})",
                         "give a text file with one WARC path per line (optionally gzipped)",
                         subject=str(source)) from exc
    root = base if base is not None else str(source.resolve().parent)
    out: list[str] = []
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if "://" not in entry and not os.path.isabs(entry):
            entry = root.rstrip("/") + "/" + entry
        out.append(entry)
        if len(out) > MAX_MANIFEST_LINES:
            raise InputError(f"the manifest lists more than {MAX_MANIFEST_LINES} files",
                             "split it into several runs", subject=str(source))
    if not out:
        raise InputError("the manifest lists no WARC files",
                         "write one WARC path per line", subject=str(source))
    return out


def run_id(paths: Sequence[str], coder_version: str) -> str:
    """The run's id: the same manifest contents and coder version give the same id."""
    return short_id("run", coder_version, sha256_hex("\n".join(paths)))


def with_date(table: pa.Table, kind: str) -> pa.Table:
    """``table`` cast to its kind's schema with the ``date`` partition column appended."""
    table = table.cast(schema_of(kind))
    day = table.column(DATE_OF[kind]).cast(pa.string())  # ISO YYYY-MM-DD, null stays null
    return table.append_column(PARTITION, day)


def write_local(out: str | os.PathLike[str], tables: dict[str, pa.Table]) -> None:
    """Write the tables in the layout, each kind replacing its previous directory whole.

    Each kind is first written to ``DIR/.staging-<kind>`` and then moved into place, so a
    crash leaves either the old or the new directory of a kind, never a mix.
    """
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    options = ds.ParquetFileFormat().make_write_options(compression="zstd")
    for kind in KINDS:
        table = with_date(tables[kind], kind).sort_by([(PARTITION, "ascending")])
        staging = root / f".staging-{kind}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        if table.num_rows:
            ds.write_dataset(
                table, staging, format="parquet", partitioning=_PARTITIONING,
                file_options=options, basename_template="part-{i}.zstd.parquet",
                existing_data_behavior="overwrite_or_ignore",
            )
        target = root / kind
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)


def read_output(out: str | os.PathLike[str], kind: str) -> pa.Table:
    """One kind of a run's output (written by any runner) as a table of its schema + ``date``."""
    schema = schema_of(kind)
    folder = Path(out) / kind
    if not folder.is_dir():
        raise InputError(f"no {kind}/ folder in the run output",
                         "give the --out folder of a finished batch or spark run",
                         subject=str(out))
    data = ds.dataset(folder, format="parquet", partitioning=_PARTITIONING)
    table = data.to_table()
    if table.num_rows == 0:
        table = schema.empty_table().append_column(PARTITION, pa.array([], pa.string()))
    columns = [table.column(n).cast(f.type) for n, f in zip(schema.names, schema, strict=True)]
    day = table.column(PARTITION).cast(pa.string())
    return pa.Table.from_arrays([*columns, day], schema=schema.append(
        pa.field(PARTITION, pa.string())))


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did (also written, with more detail, to ``DIR/_manifest.json``)."""

    run_id: str
    out: str
    runner: str
    files: int
    records: int
    articles: int
    mentions: int
    events: int
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> count
    bad_files: tuple[dict[str, str], ...] = ()  # {path, reason, detail}
    seconds: float = 0.0

    @property
    def bad_records(self) -> int:
        return sum(self.rejected.values()) - len(self.bad_files)

    def line(self) -> str:
        return (f"run {self.run_id}: {self.files} files, {self.records} records, "
                f"{self.articles} articles, {self.mentions} mentions, {self.events} events, "
                f"{self.bad_records} records rejected, {len(self.bad_files)} bad files "
                f"({self.seconds:.1f} s) -> {self.out}")


def tally(rejections: Iterable[Rejection]) -> tuple[dict[str, int], tuple[dict[str, str], ...]]:
    """Rejections as counts by reason, and the file-level ones (bad files) in full."""
    from .partition import is_file_level

    reasons: Counter[str] = Counter()
    bad: list[dict[str, str]] = []
    for r in rejections:
        reasons[r.reason] += 1
        if is_file_level(r):
            bad.append({"path": r.origin, "reason": r.reason, "detail": r.detail})
    return dict(sorted(reasons.items())), tuple(sorted(bad, key=lambda b: b["path"]))


def manifest_record(summary: RunSummary, paths: Sequence[str], extra: dict[str, Any]) -> dict[
        str, Any]:
    """The JSON object written to ``DIR/_manifest.json``."""
    from ..version import __version__

    return {
        "run_id": summary.run_id, "runner": summary.runner, "flashpoint": __version__,
        "inputs_sha256": sha256_hex("\n".join(paths)), "inputs": list(paths),
        "counts": {"files": summary.files, "records": summary.records,
                   "articles": summary.articles, "mentions": summary.mentions,
                   "events": summary.events, "bad_records": summary.bad_records,
                   "bad_files": len(summary.bad_files)},
        "rejected": summary.rejected, "bad_files": list(summary.bad_files),
        "seconds": round(summary.seconds, 3), **extra,
    }


def write_manifest(out: str, record: dict[str, Any]) -> None:
    """Write ``_manifest.json`` (replaced atomically on a local disk; any pyarrow filesystem,
    e.g. ``s3://``, otherwise)."""
    text = json.dumps(record, indent=2, sort_keys=True, default=str) + "\n"
    if "://" not in out or out.startswith("file://"):
        root = Path(out.removeprefix("file://"))
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / (MANIFEST + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(root / MANIFEST)
        return
    from pyarrow import fs

    filesystem, where = fs.FileSystem.from_uri(out)
    with filesystem.open_output_stream(where.rstrip("/") + "/" + MANIFEST) as stream:
        stream.write(text.encode("utf-8"))


def load_manifest(out: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(out) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the run manifest ({exc})",
                         "give the --out folder of a finished batch or spark run",
                         subject=str(path)) from exc
    if not isinstance(data, dict):
        raise InputError("the run manifest is not a JSON object", "run the batch again",
                         subject=str(path))
    return data
