"""Calibrate the escalation signal on a synthetic year of daily events (issue 5).

For each dyad: a Poisson baseline of verbal-conflict events per day (rate drawn from 0.1..4),
and at most one planted escalation of +k robust SD (k = 2, 3 or 5; robust SD of the baseline =
max(1.4826·MAD, sqrt(rate))) lasting 5 days.  Reports recall (an episode starting within 2 days
of the plant's start) per effect size, and false alerts (episodes starting outside a plant,
after a 28-day warm-up) per dyad-year.

    .venv/bin/python bench/alerts.py [--dyads 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from datetime import date, timedelta

from flashpoint.trends.series import DyadDay, DyadSeries
from flashpoint.trends.signals import SignalParams, evaluate

START = date(2023, 1, 1)


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _series(counts: list[int]) -> DyadSeries:
    return DyadSeries("A", "B", tuple(
        DyadDay(day=START + timedelta(days=n), covered=True, articles=1, volume=10, events=c,
                quad=(0, 0, c, 0), goldstein_sum=-2.0 * c, goldstein_mean=-2.0 if c else 0.0,
                plover={}, retreat=0, agree_support=0, retreat_untargeted=0, max_sources=1)
        for n, c in enumerate(counts)))


def run(dyads: int, seed: int, params: SignalParams) -> dict[str, float]:
    rng = random.Random(seed)
    hits: dict[int, list[int]] = {2: [], 3: [], 5: []}
    false = 0
    for i in range(dyads):
        lam = rng.uniform(0.1, 4.0)
        counts = [_poisson(rng, lam) for _ in range(365)]
        effect = (2, 3, 5, 0)[i % 4]
        plant = rng.randrange(120, 355) if effect else -100
        if effect:
            sd = max(1.4826 * 0.67 * math.sqrt(lam), math.sqrt(lam), 0.5)
            for d in range(plant, min(plant + 5, 365)):
                counts[d] += round(effect * sd)
        eps = [e for e in evaluate(_series(counts), params)
               if e.channel == "verbal" and e.direction == "escalation"]
        starts = [(e.start - START).days for e in eps]
        if effect:
            hits[effect].append(int(any(plant <= s <= plant + 2 for s in starts)))
        false += sum(1 for s in starts if s >= 28 and not plant <= s <= plant + 6)
    out = {f"recall_+{k}sd": sum(v) / len(v) for k, v in hits.items() if v}
    out["false_per_dyad_year"] = false / dyads * 365 / (365 - 28)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyads", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t = time.perf_counter()
    print(run(args.dyads, args.seed, SignalParams()), f"{time.perf_counter() - t:.1f}s")


if __name__ == "__main__":
    main()
