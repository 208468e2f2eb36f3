"""Coding throughput: articles/s of ``code_articles`` (whole process, both cores) and peak RSS,
with a naive baseline (full spaCy pipeline over every sentence) timed in the same run.

Workloads:
(a) event-dense articles of ~600 words built from development-set sentences
    (../shared/eval/dev, read at run time, never stored);
(b) a mixed news stream: 1 article in 4 political (as in a), the rest ordinary prose.

    .venv/bin/python bench/code.py [--n 200] [--workers 2]

Prints figures; asserts nothing (targets: (a) >= 15 articles/s and >= 4x naive,
(b) >= 40 articles/s, peak RSS <= 1 GiB).

Measured (2026-11-27, 2-core machine, --n 200): session 4 (coder fp-coder-0.3), three runs:
dense 18.8-21.5 articles/s vs naive 9.4-11.9 (1.6-2.3x); parse only 39.2-43.6 (3.3-4.3x the
naive run beside it); mixed 52-68 articles/s (5.5-6.7x); peak RSS 366 MiB.  Session 3 (five
runs): dense 20.3-24.8 vs naive 8.9-12.8 (1.7-2.5x); mixed 57-76.  Before the parse moved to
numpy ops and one BLAS thread: dense 15.1, mixed 43.7.  "parse only" is the model pass over
every sentence and nothing else, the ceiling of any coder that parses the sentences it codes.
In the dense workload 97 % of sentences are candidates (an actor and a trigger) and 86 % yield
a mention, so the fast path saves little there; the rest of the coding (actors, frames, dates,
places, quotes, tone: pure Python, ~0.05-0.06 s per article) is what holds the ratio near
2x.  The naive figure varies most between runs: it keeps OpenBLAS's default threads, which spin
against the sibling worker; the machine is shared, so figures move by ~10 % between runs.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev"

_PROSE = [
    "The bakery on the corner opened early as usual and the queue stretched past the bus stop.",
    "Rain is expected in the afternoon, with temperatures a little below the seasonal average.",
    "The home side scored twice in the second half to win the match in front of a full stadium.",
    "Visitors to the exhibition can see more than two hundred paintings from private collections.",
    "The recipe calls for ripe tomatoes, a handful of basil and a generous splash of olive oil.",
    "Commuters faced delays after a signal fault slowed trains during the morning rush hour.",
    "The library will extend its opening hours during the examination period next month.",
    "A local choir performed a programme of folk songs at the town hall on Saturday evening.",
    "Gardeners are advised to water young plants in the evening when the soil is cooler.",
    "The new cafe serves breakfast all day and has already become popular with students.",
    "Engineers finished resurfacing the ring road two days ahead of the planned schedule.",
    "The museum's summer workshops for children are fully booked for the third year running.",
]


def dev_sentences() -> list[str]:
    out: list[str] = []
    for name in ("conflibert_cameo_train.jsonl", "plover_gold_records.jsonl"):
        path = DEV / name
        if not path.is_file():
            raise SystemExit(f"{path} not found: the bench builds its articles from the dev sets")
        with path.open(encoding="utf-8") as fh:
            out.extend(json.loads(line)["text"] for line in fh if line.strip())
    return out


def article(sentences: list[str], rng: random.Random, words: int = 600) -> str:
    paras, para, count = [], [], 0
    while count < words:
        s = rng.choice(sentences)
        para.append(s)
        count += len(s.split())
        if len(para) == 3:
            paras.append(" ".join(para))
            para = []
    if para:
        paras.append(" ".join(para))
    return "\n\n".join(paras)


def make_articles(kind: str, n: int) -> list[str]:
    rng = random.Random(42)
    political = dev_sentences()
    if kind == "dense":
        return [article(political, rng) for _ in range(n)]
    return [article(political, rng) if i % 4 == 0 else article(_PROSE, rng) for i in range(n)]


def _code_chunk(texts: list[str], enrich: bool = True) -> int:
    from datetime import UTC, datetime

    from flashpoint.coding import code_articles
    from flashpoint.evaluate import sentence_article
    from flashpoint.options import Options

    when = datetime(2023, 9, 30, tzinfo=UTC)
    arts = [sentence_article(t, f"bench-{i}-{hash(t)}", when) for i, t in enumerate(texts)]
    return sum(len(c.mentions) for c in code_articles(arts, Options(enrich=enrich)))


def _code_chunk_bare(texts: list[str]) -> int:
    return _code_chunk(texts, enrich=False)


@functools.cache
def _naive_pipeline() -> Any:
    import spacy

    from flashpoint.nlp import MODEL_NAME

    return spacy.load(MODEL_NAME)  # every component: tagger, parser, NER, lemmatizer …


def _naive_chunk(texts: list[str]) -> int:
    from flashpoint.nlp import split_sentences

    nlp = _naive_pipeline()
    sents = [s.text for t in texts for s in split_sentences(t)]
    return sum(len(d) for d in nlp.pipe(sents, batch_size=64))


def _parse_only_chunk(texts: list[str]) -> int:
    from flashpoint.nlp import parse, split_sentences

    sents = [s.text for t in texts for s in split_sentences(t)]
    return sum(len(d) for d in parse(sents))


def _warm(_: int) -> int:
    from flashpoint.coding import coder_context
    from flashpoint.context import load_gazetteer
    from flashpoint.nlp import full_pipeline

    coder_context()
    full_pipeline()
    _naive_pipeline()
    load_gazetteer()
    return os.getpid()


def timed(pool: ProcessPoolExecutor, func: object, texts: list[str], workers: int,
          repeat: int = 2) -> float:
    """Best of ``repeat`` runs (the machine is shared: the minimum is the least disturbed)."""
    chunk = max(1, len(texts) // (workers * 4))
    parts = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        list(pool.map(func, parts))  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - start)
    return best


def peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    print(f"code bench: {args.n} articles per workload, {args.workers} workers, "
          f"python {sys.version.split()[0]}")
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(_warm, range(args.workers)))
        print(f"start-up (models, lexicon, dictionaries, gazetteer): "
              f"{time.perf_counter() - start:.1f} s")
        for kind in ("dense", "mixed"):
            texts = make_articles(kind, args.n)
            ours = timed(pool, _code_chunk, texts, args.workers)
            bare = timed(pool, _code_chunk_bare, texts, args.workers)
            naive = timed(pool, _naive_chunk, texts, args.workers)
            print(f"{kind:6s} flashpoint {args.n / ours:7.1f} articles/s   naive full parse "
                  f"{args.n / naive:7.1f} articles/s   speed-up {naive / ours:4.1f}x   "
                  f"enrichment (places, quotes, tone) adds {100 * (ours - bare) / bare:4.1f} %")
            if kind == "dense":
                only = timed(pool, _parse_only_chunk, texts, args.workers)
                print(f"{'':6s} parse only (every sentence, nothing else) {args.n / only:7.1f} "
                      f"articles/s = ceiling {naive / only:4.1f}x naive")
    print(f"peak RSS (largest process + largest worker): {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
