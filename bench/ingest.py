"""Ingest throughput: articles/s and peak RSS for >= 2,000 articles without coding.

Generates variations of the bundled sample corpus (paragraphs recombined, numbers and dates
changed) as plain text with page residue, JSONL and HTML pages, then times
``flashpoint ingest DIR --no-code`` on each (whole process, all cores) into a fresh store.

    .venv/bin/python bench/ingest.py [--n 2000] [--workers 0] [--keep DIR]

Prints figures; asserts nothing (targets: >= 200 articles/s text/JSONL, >= 80 articles/s HTML,
peak RSS <= 500 MiB).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"

RESIDUE_TOP = ['" "', "0 {n}", "Skip to content"]
RESIDUE_BOTTOM = ["Share this:", "Like this:", "About Author", "Leave a Reply",
                  "Your email address will not be published. Required fields are marked *",
                  "%d bloggers like this:"]


def paragraph_pool() -> list[str]:
    """Paragraphs of the sample corpus, cleaned by Flashpoint itself."""
    from flashpoint.clean import clean
    from flashpoint.model import Rejection
    from flashpoint.options import Options
    from flashpoint.sources import iter_documents

    opts = Options()
    pool: list[str] = []
    for sub in ("txt", "html", "rss", "jsonl"):
        for doc in iter_documents(str(CORPUS / sub), opts):
            if isinstance(doc, Rejection):
                continue
            try:
                art = clean(doc, opts)
            except Exception:  # the bench only needs text
                continue
            pool.extend(p for p in art.paragraphs if len(p) > 80)
    if len(pool) < 20:
        raise SystemExit("sample corpus too small: run from the repository root")
    return pool


def variant(pool: list[str], i: int) -> tuple[str, str]:
    rng = random.Random(i)
    paras = rng.sample(pool, k=min(len(pool), rng.randint(4, 8)))
    paras = [p.replace("2023", str(2023 - rng.randint(0, 3))) for p in paras]
    title = f"{paras[0].split('.')[0][:80]} (report {i})"
    body = "\n\n".join([f"Report {i}: figures checked on day {rng.randint(1, 28)}.", *paras])
    return title, body


def write_sets(pool: list[str], n: int, out: Path) -> dict[str, Path]:
    sets = {"txt": out / "txt", "jsonl": out / "jsonl", "html": out / "html"}
    for d in sets.values():
        d.mkdir(parents=True)
    with (sets["jsonl"] / "articles.jsonl").open("w", encoding="utf-8") as jl:
        for i in range(n):
            title, body = variant(pool, i)
            top = [r.format(n=i % 97) for r in RESIDUE_TOP]
            (sets["txt"] / f"{i:05d}.txt").write_text(
                "\n\n".join([*top, title, body, *RESIDUE_BOTTOM]) + "\n", encoding="utf-8")
            jl.write(json.dumps({"id": f"bench-{i}", "url": f"https://bench.example/{i}",
                                 "title": title, "text": body,
                                 "published": f"2023-09-{1 + i % 28:02d}T08:00:00+00:00",
                                 "source": f"Outlet {i % 7}"}) + "\n")
            paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n\n"))
            (sets["html"] / f"{i:05d}.html").write_text(
                "<!doctype html><html><head><meta charset='utf-8'>"
                f"<title>{html.escape(title)}</title>"
                f"<meta property='article:published_time' content='2023-09-{1 + i % 28:02d}"
                "T08:00:00+02:00'><meta property='og:site_name' content='Bench Daily'></head>"
                "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
                f"<article><h1>{html.escape(title)}</h1>{paras}</article>"
                "<aside>Most read: Weather | Sport | Markets</aside>"
                "<footer>© Bench Daily. All rights reserved.</footer></body></html>",
                encoding="utf-8")
    return sets


def tree_rss_kib(pid: int) -> int:
    """Resident set size of a process and all its descendants (KiB), from /proc."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed_ingest(path: Path, db: Path, workers: int) -> tuple[float, int, str]:
    cmd = [sys.executable, "-m", "flashpoint", "ingest", str(path), "--no-code", "-q",
           "--db", str(db)]
    if workers:
        cmd += ["--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ingest failed: {err}")
    return elapsed, peak, out.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="fp-bench-"))
    try:
        pool = paragraph_pool()
        sets = write_sets(pool, args.n, work / "data")
        print(f"ingest bench: {args.n} articles per format, {os.cpu_count()} cores, "
              f"workers={args.workers or 'all'}")
        for name, path in sets.items():
            elapsed, peak, summary = timed_ingest(path, work / f"{name}.duckdb", args.workers)
            print(f"{name:5s}  {args.n / elapsed:7.1f} articles/s  {elapsed:6.1f} s  "
                  f"peak RSS {peak / 1024:6.0f} MiB  [{summary}]")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
