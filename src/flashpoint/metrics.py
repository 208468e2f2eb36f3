"""Scoring helpers for ``flashpoint eval``: P/R/F1 over sets, accuracy, bootstrap intervals."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def prf_sets(gold: set[Hashable], pred: set[Hashable]) -> PRF:
    tp = len(gold & pred)
    return PRF(tp, len(pred) - tp, len(gold) - tp)


def per_label(items: Sequence[tuple[set[Any], set[Any]]], label: Callable[[Any], str]
              ) -> dict[str, PRF]:
    """P/R/F1 per label over (gold set, predicted set) pairs; ``label`` maps a tuple to a label."""
    out: dict[str, PRF] = {}
    for gold, pred in items:
        labels = {label(x) for x in gold} | {label(x) for x in pred}
        for lab in labels:
            g = {x for x in gold if label(x) == lab}
            p = {x for x in pred if label(x) == lab}
            out[lab] = out.get(lab, PRF(0, 0, 0)) + prf_sets(g, p)
    return dict(sorted(out.items()))


def bootstrap(items: Sequence[T], stat: Callable[[Sequence[T]], float], *, rounds: int = 1000,
              seed: int = 7, alpha: float = 0.05) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of ``stat`` over resampled ``items``."""
    if not items:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(items)
    values = sorted(stat([items[rng.randrange(n)] for _ in range(n)]) for _ in range(rounds))
    lo = values[int(alpha / 2 * rounds)]
    hi = values[min(rounds - 1, int((1 - alpha / 2) * rounds))]
    return (round(lo, 4), round(hi, 4))


def micro_f1(items: Sequence[tuple[set[Any], set[Any]]]) -> float:
    total = PRF(0, 0, 0)
    for gold, pred in items:
        total = total + prf_sets(gold, pred)
    return total.f1


def accuracy(pairs: Sequence[tuple[Any, Any]]) -> float:
    return sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else 0.0


def confusion(pairs: Sequence[tuple[Any, Any]]) -> dict[str, dict[str, int]]:
    counts = Counter((str(g), str(p)) for g, p in pairs)
    labels = sorted({k for pair in counts for k in pair})
    return {g: {p: counts.get((g, p), 0) for p in labels} for g in labels}


def class_prf(pairs: Sequence[tuple[Any, Any]]) -> dict[str, dict[str, float | int]]:
    labels = sorted({str(g) for g, _ in pairs} | {str(p) for _, p in pairs})
    out = {}
    for lab in labels:
        tp = sum(1 for g, p in pairs if str(g) == lab and str(p) == lab)
        fp = sum(1 for g, p in pairs if str(g) != lab and str(p) == lab)
        fn = sum(1 for g, p in pairs if str(g) == lab and str(p) != lab)
        out[lab] = PRF(tp, fp, fn).as_dict()
    return out
