"""Batch-runner throughput: articles/s of the local runner (1 and 2 workers) and of Spark
(local[1] and local[2]) on the same WARC files, plus the stages that bound a cluster run.

Builds ``--n`` distinct HTML pages from the bundled ``examples/corpus/txt`` articles (own URL,
outlet and publication date each; ``flashpoint.scale.sample``) spread over ``--files`` gzipped
WARC files, then times, each from a cold start (worker processes load the models):

- ``read``: WARC parsing alone (``flashpoint.sources.warc.iter_warc``), records/s;
- ``clean``: reading + HTML extraction and language id (``flashpoint.clean``), articles/s;
- ``local[1]``, ``local[2]``: ``run_local`` end to end (code, cluster, write Parquet);
- ``spark local[1]``, ``spark local[2]``: ``run_spark`` end to end in a fresh session (the
  session start is timed apart); needs Java 17, pyspark and pandas (skipped otherwise).

    .venv/bin/python bench/scale.py [--n 240] [--files 4] [--no-spark] [--json FILE]

Prints figures (and writes them as JSON with ``--json``); asserts nothing.  The machine's cores
are shared, so run it on an idle machine; ``docs/scaling.md`` turns the figures into a
projection for a month of CC-NEWS.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus" / "txt"
START = datetime(2023, 9, 1, 6, 0, tzinfo=UTC)
AS_OF = datetime(2024, 1, 1)


def build(folder: Path, n: int, files: int) -> list[str]:
    from flashpoint.scale.sample import corpus_pages, split_warcs

    pages = corpus_pages(CORPUS, n, start=START)
    return [str(p) for p in split_warcs(folder, pages, files, prefix="bench")]


def time_read(paths: list[str]) -> dict[str, Any]:
    from flashpoint.model import Rejection
    from flashpoint.options import Options
    from flashpoint.sources.warc import iter_warc

    opts = Options()
    started = time.perf_counter()
    records = sum(1 for p in paths for item in iter_warc(Path(p), opts)
                  if not isinstance(item, Rejection))
    seconds = time.perf_counter() - started
    size = sum(Path(p).stat().st_size for p in paths)
    return {"stage": "read", "items": records, "seconds": seconds,
            "rate": records / seconds, "mib_per_s": size / seconds / 2**20}


def time_clean(paths: list[str]) -> dict[str, Any]:
    from flashpoint.clean import clean
    from flashpoint.model import Rejection
    from flashpoint.options import Options
    from flashpoint.sources.warc import iter_warc

    opts = Options()
    docs = [d for p in paths for d in iter_warc(Path(p), opts) if not isinstance(d, Rejection)]
    clean(docs[0], opts)  # language model and extractor loaded before timing
    started = time.perf_counter()
    count = sum(1 for d in docs if clean(d, opts))
    seconds = time.perf_counter() - started
    return {"stage": "clean", "items": count, "seconds": seconds, "rate": count / seconds}


def time_code(paths: list[str]) -> dict[str, Any]:
    """The whole worker stage (read, clean, code) in this process with warm models, by wall
    and CPU time: CPU seconds per article are what a dedicated core would need (robust to
    other load on a shared machine)."""
    from flashpoint.options import Options
    from flashpoint.scale.partition import BatchJob, code_warc

    job = BatchJob(Options(), AS_OF)
    list(code_warc(paths[0], job))  # models, lexicons and dictionaries loaded before timing
    wall, cpu = time.perf_counter(), time.process_time()
    chunks = [c for p in paths for c in code_warc(p, job)]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    count = sum(c.articles.num_rows for c in chunks)
    mentions = sum(c.mentions.num_rows for c in chunks)
    return {"stage": "code (warm)", "items": count, "seconds": wall, "rate": count / wall,
            "cpu_seconds": cpu, "cpu_rate": count / cpu, "mentions": mentions}


def time_local(paths: list[str], out: Path, workers: int) -> dict[str, Any]:
    """In a fresh interpreter, so model loading is counted as a real run pays it."""
    code = (
        "import json, sys, time\n"
        "from datetime import datetime\n"
        "from flashpoint.scale.local import run_local\n"
        "t = time.perf_counter()\n"
        f"s = run_local({paths!r}, {str(out)!r}, workers={workers}, "
        "as_of=datetime(2024, 1, 1))\n"
        "print(json.dumps({'articles': s.articles, 'events': s.events, "
        "'seconds': time.perf_counter() - t}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return {"stage": f"local[{workers}]", "items": data["articles"], "events": data["events"],
            "seconds": data["seconds"], "rate": data["articles"] / data["seconds"]}


def spark_missing() -> str | None:
    if shutil.which("java") is None:
        return "java not found"
    for module in ("pyspark", "pandas"):
        if importlib.util.find_spec(module) is None:
            return f"{module} not installed"
    return None


def time_spark(paths: list[str], out: Path, cores: int) -> dict[str, Any]:
    code = (
        "import json, logging, time\n"
        "from datetime import datetime\n"
        "from flashpoint.scale.spark import run_spark, spark_session\n"
        "t = time.perf_counter()\n"
        f"spark = spark_session('local[{cores}]', app='flashpoint-bench')\n"
        "spark.sparkContext.setLogLevel('ERROR')\n"
        "boot = time.perf_counter() - t\n"
        f"s = run_spark({paths!r}, {str(out)!r}, spark=spark, as_of=datetime(2024, 1, 1))\n"
        "spark.stop()\n"
        "print(json.dumps({'articles': s.articles, 'events': s.events, "
        "'seconds': s.seconds, 'session': boot}))\n"
    )
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return {"stage": f"spark local[{cores}]", "items": data["articles"],
            "events": data["events"], "seconds": data["seconds"],
            "session_seconds": data["session"], "rate": data["articles"] / data["seconds"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=240, help="articles (distinct pages)")
    parser.add_argument("--files", type=int, default=4, help="WARC files")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fp-bench-scale-"))
    results: list[dict[str, Any]] = []
    try:
        paths = build(folder, args.n, args.files)
        size = sum(Path(p).stat().st_size for p in paths)
        print(f"{args.n} articles in {args.files} WARC files ({size / 2**20:.1f} MiB), "
              f"{os.cpu_count()} cores")
        runs = [lambda: time_read(paths), lambda: time_clean(paths), lambda: time_code(paths),
                lambda: time_local(paths, folder / "l1", 1),
                lambda: time_local(paths, folder / "l2", 2)]
        reason = None if not args.no_spark else "--no-spark"
        reason = reason or spark_missing()
        if reason is None:
            runs += [lambda: time_spark(paths, folder / "s1", 1),
                     lambda: time_spark(paths, folder / "s2", 2)]
        for run in runs:
            res = run()
            results.append(res)
            extra = f", session start {res['session_seconds']:.1f} s" \
                if "session_seconds" in res else ""
            if "cpu_rate" in res:
                extra = (f", {res['cpu_rate']:.1f} /CPU-s, "
                         f"{res['mentions'] / res['items']:.1f} mentions/article")
            print(f"{res['stage']:>16}: {res['items']:5d} in {res['seconds']:7.2f} s = "
                  f"{res['rate']:8.1f} /s{extra}", flush=True)
        if reason is not None:
            print(f"spark: skipped ({reason})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
