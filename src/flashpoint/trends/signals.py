"""The escalation / de-escalation score of a directed dyad, per channel.

Channels: ``material`` = QuadClass 4 events (troops, attacks), ``verbal`` = QuadClass 3
(accusations, demands).  For each *covered* day t (see ``series``) the channel count x_t
(events that day, normalised for coverage and rounded to a whole count) is compared with a
baseline: the covered days in [t - ``baseline_days``, t - 1].

Counts, not z-scores of counts.  Daily event counts are small, skewed and overdispersed: a
Gaussian z on the raw counts (or on MAD) misjudges both sparse dyads (MAD 0) and busy ones.  So
the question asked each day is "how surprising is this count for this dyad?", answered with the
upper tail probability of a negative binomial (NB) predictive distribution, reported on the
z scale (z = Φ⁻¹(1 - p)) so scores of all dyads are comparable.

Baseline.  The window's values are winsorised at median + 3·spread (spread = the larger of
IQR/1.349 and the Poisson spread sqrt(mean)), so a past escalation does not raise the bar for
the next one.  From the winsorised window (n days, sum S, variance v):
- rate: a Gamma(a, b) prior on the Poisson rate, b = ``prior_days`` pseudo-days at
  ``prior_rate`` events/day (a = b·prior_rate) — the *cold-start prior*: a dyad with little
  history is compared with "almost nothing happens"; μ = (S + a) / (n + b);
- overdispersion: once n >= ``min_dispersion_days``, the excess variance e = max(0, v - mean);
- predictive of the sum of m days: mean M = m·μ, variance V = m·(μ + e) + m²·(μ + e)/(n + b)
  (the last term is the uncertainty of the estimated rate), matched to an NB with
  size M² / (V - M).  With no overdispersion this is the exact Gamma-Poisson predictive.
One conflict event on a dyad with weeks of silence is news (p ≈ a/(n+b)); on a dyad with a
steady rate of conflict, it is not.

Two tests, either of which fires (and only on a day whose count is above the level):
- spike: the day's count alone, z_1 >= ``z_spike``;
- sustained rise: the sum of the last m covered days (m in ``sustained_days``), each against
  the baseline of the first day of the run (so the run does not dilute its own baseline),
  max z_m >= ``z_sustained``.  A moderate rise that no single day proves is found in 2-3 days.
The score is the larger of the two z values.  ``level``/``scale`` of a day are the predictive
mean and standard deviation of one day's count.

De-escalation: y_t = 2·RETREAT + AGREE/SUPPORT of the dyad, plus 2·the source's untargeted
RETREATs (a unilateral reduction; only after material conflict), counted only when the dyad
had conflict (QuadClass 3 or 4) in the ``after_conflict_days`` before; its channel is
material when a RETREAT is part of it, else verbal.  Scored the same way against its own baseline.

Episodes: a firing day with no open episode opens one; it stays open while days keep firing
and is resolved after ``release_days`` covered days without firing.  A new level re-triggers:
a firing day after at least ``retrigger_quiet`` quiet covered days whose count is above the
open episode's peak count resolves that episode and opens a new one (a second escalation that
starts while the first is still open is reported, not folded into the old alert).

Calibrated with ``bench/alerts.py`` (its docstring describes the synthetic year).
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist
from typing import Any

from .series import DyadSeries, coverage_factors

Z_MAX = 38.0  # the z of a tail probability too small for a double
NEAR_SD = 1.5


@dataclass(frozen=True, slots=True)
class SignalParams:
    baseline_days: int = 90
    prior_days: float = 2.0
    prior_rate: float = 1e-4  # events/day of "almost nothing happens"
    z_spike: float = 3.4  # calibrated with bench/alerts.py (see its docstring)
    z_sustained: float = 3.4
    sustained_days: tuple[int, ...] = (2, 3)
    min_dispersion_days: int = 14
    weekly_prior: float = 10.0
    winsor_spreads: float = 4.0
    release_days: int = 7
    retrigger_quiet: int = 2
    after_conflict_days: int = 14


@dataclass(frozen=True, slots=True)
class DayScore:
    day: date
    value: float
    level: float
    scale: float
    n_baseline: int
    z: float  # spike: the day alone
    z_sustained: float  # the best run of ``sustained_days`` ending that day
    fired: str  # "" | spike | sustained

    @property
    def score(self) -> float:
        return max(self.z, self.z_sustained)


@dataclass(frozen=True, slots=True)
class Episode:
    channel: str
    direction: str
    start: date
    last_fired: date
    resolved: bool
    peak: DayScore
    first: DayScore
    fired_days: tuple[date, ...] = field(default=())

    @property
    def state(self) -> str:
        if self.resolved:
            return "resolved"
        return "new" if len(self.fired_days) == 1 else "ongoing"

    def baseline(self) -> dict[str, Any]:
        f = self.first
        return {"level": round(f.level, 4), "scale": round(f.scale, 4),
                "baseline_days": f.n_baseline, "value": round(f.value, 4),
                "z": round(f.z, 3), "z_sustained": round(f.z_sustained, 3), "test": f.fired,
                "peak_day": self.peak.day.isoformat(), "peak_score": round(self.peak.score, 3),
                "last_day": self.last_fired.isoformat(), "fired_days": len(self.fired_days)}


@dataclass(frozen=True, slots=True)
class _Base:
    """The baseline of one day: rate on weekdays and at weekends, excess variance, prior-weighted
    days n + b."""

    n: int
    rates: tuple[float, float]  # weekday, weekend
    excess: float
    weight: float


def nb_tail_z(k: int, mean: float, var: float) -> float:
    """z = Φ⁻¹(1 - P(X >= k)) for X negative binomial with ``mean`` and ``var`` (Poisson when
    ``var <= mean``); 0 when ``k`` is not above the mean.  Within ``NEAR_SD`` standard
    deviations of the mean (p > 0.05: never a firing day) the normal approximation
    (k - mean) / sd stands in for it, which keeps a year of days cheap."""
    if k <= mean or k <= 0:
        return 0.0
    mean = max(mean, 1e-12)
    near = (k - mean) / math.sqrt(max(var, mean))
    if near < NEAR_SD:
        return near
    if var > mean * (1 + 1e-9):
        size = mean * mean / (var - mean)
        q = mean / (size + mean)  # failure probability of the NB
        log_pk = (math.lgamma(k + size) - math.lgamma(size) - math.lgamma(k + 1)
                  + size * math.log1p(-q) + k * math.log(q))
    else:
        size, q = math.inf, 0.0
        log_pk = k * math.log(mean) - mean - math.lgamma(k + 1)
    # P(X >= k) = pmf(k)·(1 + r_k + r_k·r_{k+1} + ...), r_j = pmf(j+1)/pmf(j) < 1 past the mode
    total, term, j = 1.0, 1.0, k
    while term > 1e-10 * total and j < k + 10_000:
        term *= (j + size) / (j + 1) * q if q else mean / (j + 1)
        total += term
        j += 1
    log_p = log_pk + math.log(total)
    if log_p < -700:
        return Z_MAX
    p = math.exp(log_p)
    return near if p >= 0.05 else min(Z_MAX, -NormalDist().inv_cdf(p))


def _predictive(base: _Base, days: Sequence[date]) -> tuple[float, float]:
    """Mean and variance of the sum of the counts of ``days`` under ``base``."""
    m = len(days)
    mean = sum(base.rates[d.weekday() >= 5] for d in days)
    per_day = mean / m + base.excess
    return mean, m * per_day + m * m * per_day / base.weight


class _Window:
    """The covered days of the last ``baseline_days``: their counts sorted (all days, and per
    group: weekdays, weekends) with running sums, so each day's baseline is O(window)."""

    def __init__(self) -> None:
        self.days: deque[tuple[date, int]] = deque()
        self.ordered: list[int] = []
        self.groups: tuple[list[int], list[int]] = ([], [])
        self.total = [0, 0]
        self.squares = [0, 0]

    def _put(self, day: date, k: int, sign: int) -> None:
        g = int(day.weekday() >= 5)
        if sign > 0:
            bisect.insort(self.ordered, k)
            bisect.insort(self.groups[g], k)
        else:
            del self.ordered[bisect.bisect_left(self.ordered, k)]
            del self.groups[g][bisect.bisect_left(self.groups[g], k)]
        self.total[g] += sign * k
        self.squares[g] += sign * k * k

    def add(self, day: date, k: int) -> None:
        self.days.append((day, k))
        self._put(day, k, 1)

    def drop_before(self, day: date, horizon: int) -> None:
        while self.days and (day - self.days[0][0]).days > horizon:
            old, k = self.days.popleft()
            self._put(old, k, -1)

    def baseline(self, p: SignalParams) -> _Base:
        n = len(self.ordered)
        a, b = p.prior_rate * p.prior_days, p.prior_days
        if not n:
            return _Base(0, (a / b, a / b), 0.0, b)
        o = self.ordered
        med = o[n // 2] if n % 2 else (o[n // 2 - 1] + o[n // 2]) / 2
        spread = max((o[(3 * n) // 4] - o[n // 4]) / 1.349, math.sqrt(sum(self.total) / n))
        cap = med + p.winsor_spreads * spread + 1
        sums, within = [0.0, 0.0], 0.0
        for g, values in enumerate(self.groups):
            tail = values[bisect.bisect_right(values, cap):]  # the few values above the cap
            sums[g] = self.total[g] - sum(tail) + cap * len(tail)
            squares = self.squares[g] - sum(v * v for v in tail) + cap * cap * len(tail)
            if values:
                within += squares - sums[g] * sums[g] / len(values)
        total = sums[0] + sums[1]
        rate = (total + a) / (n + b)
        # weekly seasonality: each group's share of the events over its share of the days,
        # shrunk towards 1 by ``weekly_prior`` pseudo-events
        rates = []
        for g, values in enumerate(self.groups):
            share = len(values) / n
            factor = ((sums[g] + p.weekly_prior * share) / ((total + p.weekly_prior) * share)
                      if values else 1.0)
            rates.append(rate * factor)
        excess = 0.0
        if n >= p.min_dispersion_days:
            excess = max(0.0, within / (n - 2) - total / n)
        return _Base(n, (rates[0], rates[1]), excess, n + b)


def score_days(series: DyadSeries, values: Sequence[float],
               p: SignalParams) -> list[DayScore]:
    """Scores of every covered day of ``series`` for the (already normalised) ``values``."""
    out: list[DayScore] = []
    window = _Window()
    run: list[tuple[date, int, _Base]] = []  # the last covered days: day, count, baseline
    longest = max(p.sustained_days, default=1)
    for d, x in zip(series.days, values, strict=True):
        if not d.covered:
            continue
        window.drop_before(d.day, p.baseline_days)
        base = window.baseline(p)
        k = int(x + 0.5)
        run.append((d.day, k, base))
        if len(run) > longest:
            del run[0]
        mean, var = _predictive(base, [d.day])
        z = nb_tail_z(k, mean, var)
        zs = 0.0
        if k > mean:
            for m in p.sustained_days:
                if m <= len(run):
                    mean_m, var_m = _predictive(run[-m][2], [r[0] for r in run[-m:]])
                    zs = max(zs, nb_tail_z(sum(r[1] for r in run[-m:]), mean_m, var_m))
        fired = ("spike" if z >= p.z_spike
                 else "sustained" if zs >= p.z_sustained and k > mean else "")
        out.append(DayScore(d.day, x, mean, math.sqrt(var), base.n, z, zs, fired))
        window.add(d.day, k)
    return out


def episodes(scores: Sequence[DayScore], channel: str, direction: str,
             p: SignalParams) -> list[Episode]:
    """Group firing days into episodes (see the module docstring)."""
    found: list[Episode] = []
    open_: Episode | None = None
    quiet = 0
    for s in scores:
        if s.fired:
            if (open_ is not None and quiet >= p.retrigger_quiet
                    and s.value > open_.peak.value):
                found.append(_resolved(open_))
                open_ = None
            quiet = 0
            if open_ is None:
                open_ = Episode(channel, direction, s.day, s.day, False, s, s, (s.day,))
            else:
                peak = s if s.score > open_.peak.score else open_.peak
                open_ = Episode(channel, direction, open_.start, s.day, False, peak,
                                open_.first, (*open_.fired_days, s.day))
        elif open_ is not None:
            quiet += 1
            if quiet >= p.release_days:
                found.append(_resolved(open_))
                open_ = None
    if open_ is not None:
        found.append(open_)
    return found


def _resolved(ep: Episode) -> Episode:
    return Episode(ep.channel, ep.direction, ep.start, ep.last_fired, True, ep.peak, ep.first,
                   ep.fired_days)


def channel_values(series: DyadSeries, channel: str, direction: str,
                   p: SignalParams) -> list[float]:
    """The raw daily intensity of one channel and direction (before normalisation)."""
    days = series.days
    if direction == "escalation":
        q = 3 if channel == "material" else 2
        return [float(d.quad[q]) for d in days]
    values: list[float] = []
    last_conflict: date | None = None
    last_material: date | None = None
    for d in days:
        recent = (last_conflict is not None
                  and (d.day - last_conflict).days <= p.after_conflict_days)
        # an untargeted reduction answers a material build-up, not words
        unilateral = (last_material is not None
                      and (d.day - last_material).days <= p.after_conflict_days)
        retreat = 2.0 * (d.retreat + (d.retreat_untargeted if unilateral else 0))
        if not recent:
            values.append(0.0)
        elif channel == "material":
            values.append(retreat)
        else:
            values.append(float(d.agree_support) if not retreat else 0.0)
        if d.quad[2] or d.quad[3]:
            last_conflict = d.day
        if d.quad[3]:
            last_material = d.day
    return values


CHANNELS = (("escalation", "material"), ("escalation", "verbal"),
            ("de-escalation", "material"), ("de-escalation", "verbal"))


def _channel_scores(series: DyadSeries, factors: Sequence[float], channel: str,
                    direction: str, p: SignalParams) -> list[DayScore]:
    raw = channel_values(series, channel, direction, p)
    if not any(raw):
        return []  # nothing ever happened on this channel: no day can fire
    return score_days(series, [v * f for v, f in zip(raw, factors, strict=True)], p)


def evaluate(series: DyadSeries, p: SignalParams | None = None) -> list[Episode]:
    """Every episode of every channel and direction of a dyad's series."""
    params = p or SignalParams()
    factors = coverage_factors(series.days, params.baseline_days)
    found: list[Episode] = []
    for direction, channel in CHANNELS:
        scores = _channel_scores(series, factors, channel, direction, params)
        found += episodes(scores, channel, direction, params)
    return found


def current_score(series: DyadSeries, p: SignalParams | None = None) -> float:
    """The escalation score of the last covered day (largest over both channels)."""
    params = p or SignalParams()
    factors = coverage_factors(series.days, params.baseline_days)
    best = 0.0
    for channel in ("material", "verbal"):
        scores = _channel_scores(series, factors, channel, "escalation", params)
        if scores:
            best = max(best, scores[-1].score)
    return best
