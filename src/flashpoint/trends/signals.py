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

Baseline.  The window's values are winsorised at median + 4·spread + 1 (spread = the larger
of IQR/1.349 and the Poisson spread sqrt(mean)), so a past escalation does not raise the bar for
the next one while the ordinary tail of the counts stays in.  From the winsorised window (n
days, sum S):
- rate: a Gamma(a, b) prior on the Poisson rate, b = ``prior_days`` pseudo-days at
  ``prior_rate`` events/day (a = b·prior_rate) — the *cold-start prior*: a dyad with little
  history is compared with "almost nothing happens"; μ = (S + a) / (n + b).  b is small (2
  days) so that a dyad with a history is judged by its history, not pulled towards zero;
- weekly seasonality: news has quieter weekends, so weekdays and weekends (Sat/Sun) get their
  own rate, μ times the group's share of the events over its share of the days, shrunk towards
  1 by ``weekly_prior`` pseudo-events (a sparse dyad keeps one rate);
- overdispersion: once n >= ``min_dispersion_days``, the excess variance e = max(0, v - mean)
  with v the variance within the two groups (the weekly pattern is not noise);
- predictive of the sum of m days: mean M = Σ of the days' rates, variance
  V = m·(M/m + e) + m²·(M/m + e)/(n + b) (the last term is the uncertainty of the estimated
  rate), matched to an NB with size M² / (V - M).  With no overdispersion this is the exact
  Gamma-Poisson predictive.  On Poisson and NB counts of known rate the one-day test fires at
  its nominal rate (tests/trends/test_signals_counts.py).
One conflict event on a dyad with weeks of silence is news (p ≈ a/(n+b)); on a dyad with a
steady rate of conflict, it is not.

Two tests, either of which fires (and only on a day whose count is above the level):
- spike: the day's count alone, z_1 >= ``z_spike``;
- sustained rise: the sum of the last m covered days (m in ``sustained_days``), each against
  the baseline of the first day of the run (so the run does not dilute its own baseline),
  max z_m >= ``z_sustained``.  A moderate rise that no single day proves is found in 2-3 days.
The score is the larger of the two z values.  ``level``/``scale`` of a day are the predictive
mean and standard deviation of one day's count.  A spike is held to a stricter threshold than a
sustained rise: single days of overdispersed counts produce most chance extremes, and a real
escalation lasts.  (A tail is computed exactly except for counts within 1.5 SD of a mean of at
least 1 with at most geometric skew, whose z < 1.6 is taken from the normal approximation.)

Speed: the baselines of all days are computed at once with windowed histograms (numpy), the
tails are vectorised, and DayScores are only made for firing days, so a dyad-year costs about a
millisecond (``bench/alerts.py`` times 500 dyad-years).

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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from .series import DyadSeries, coverage_factors

Array = npt.NDArray[np.float64]
Z_MAX = 38.0  # the z of a tail probability too small for a double
NEAR_SD = 1.5


@dataclass(frozen=True, slots=True)
class SignalParams:
    baseline_days: int = 90
    prior_days: float = 2.0
    prior_rate: float = 1e-4  # events/day of "almost nothing happens"
    z_spike: float = 3.4  # calibrated with bench/alerts.py (see its docstring)
    z_sustained: float = 2.7
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


def _window_quantile(cum: Array, position: Array, values: Array) -> Array:
    """Per row, the value at 0-based ``position`` of the sorted window whose cumulative
    histogram over the sorted distinct ``values`` is ``cum``."""
    index = (cum <= position[:, None]).sum(axis=1)
    found: Array = values[np.minimum(index, len(values) - 1)]
    return found


def baselines(days: Sequence[date], counts: Sequence[int],
              p: SignalParams) -> tuple[Array, Array, Array, Array, Array]:
    """The baseline of each of the covered ``days`` (sorted) from the ``counts`` of the days
    before it within ``baseline_days``: window size n, weekday and weekend rates, excess
    variance and prior-weighted days n + b (see the module docstring).

    Vectorised over days with windowed histograms of the distinct counts, so a year costs a
    few array operations, not a Python loop over the window."""
    ords = np.array([d.toordinal() for d in days], dtype=np.int64)
    weekend = (ords - 1) % 7 >= 5  # ordinal 1 (1 Jan 0001) was a Monday
    k = np.asarray(counts, dtype=np.float64)
    values, index = np.unique(k, return_inverse=True)
    onehot = np.zeros((len(k), len(values)), dtype=np.float64)
    onehot[np.arange(len(k)), index] = 1.0
    zero = np.zeros((1, len(values)))
    cum_all = np.vstack([zero, np.cumsum(onehot, axis=0)])
    cum_we = np.vstack([zero, np.cumsum(onehot * weekend[:, None], axis=0)])
    lo = np.searchsorted(ords, ords - p.baseline_days, side="left")
    hi = np.arange(len(k))
    hist = cum_all[hi] - cum_all[lo]  # the window of each day: days lo .. day - 1
    hist_we = cum_we[hi] - cum_we[lo]
    n = hist.sum(axis=1)
    n_we = hist_we.sum(axis=1)
    some = np.maximum(n, 1.0)
    cum = np.cumsum(hist, axis=1)
    half = np.floor(n / 2)
    upper = _window_quantile(cum, half, values)
    lower = _window_quantile(cum, np.maximum(half - 1, 0), values)
    med = np.where(n % 2 == 1, upper, (lower + upper) / 2)
    iqr = (_window_quantile(cum, np.floor(3 * n / 4), values)
           - _window_quantile(cum, np.floor(n / 4), values))
    raw_mean = (hist @ values) / some
    spread = np.maximum(iqr / 1.349, np.sqrt(raw_mean))
    cap = med + p.winsor_spreads * spread + 1
    clipped = np.minimum(values[None, :], cap[:, None])
    s_we = (hist_we * clipped).sum(axis=1)
    total = (hist * clipped).sum(axis=1)
    squares = (hist * clipped * clipped).sum(axis=1)
    s_wd = total - s_we
    sq_we = (hist_we * clipped * clipped).sum(axis=1)
    n_wd = n - n_we
    within = (squares - sq_we - s_wd * s_wd / np.maximum(n_wd, 1)
              + sq_we - s_we * s_we / np.maximum(n_we, 1))
    a, b = p.prior_rate * p.prior_days, p.prior_days
    rate = (total + a) / (n + b)
    # weekly seasonality: each group's share of the events over its share of the days,
    # shrunk towards 1 by ``weekly_prior`` pseudo-events
    share_we = n_we / some
    share_wd = n_wd / some
    f_we = np.where(n_we > 0, (s_we + p.weekly_prior * share_we)
                    / ((total + p.weekly_prior) * np.maximum(share_we, 1e-12)), 1.0)
    f_wd = np.where(n_wd > 0, (s_wd + p.weekly_prior * share_wd)
                    / ((total + p.weekly_prior) * np.maximum(share_wd, 1e-12)), 1.0)
    excess = np.where(n >= p.min_dispersion_days,
                      np.maximum(0.0, within / np.maximum(n - 2, 1) - total / some), 0.0)
    return n, rate * f_wd, rate * f_we, excess, n + b


@dataclass(frozen=True, slots=True)
class _Scored:
    """The scores of the covered days of one channel, as arrays (DayScores made on demand)."""

    days: list[date]
    raw: list[float]
    level: Array
    scale: Array
    n: Array
    z: Array
    z_sustained: Array
    fired: list[str]

    def day_score(self, i: int) -> DayScore:
        return DayScore(self.days[i], self.raw[i], float(self.level[i]), float(self.scale[i]),
                        int(self.n[i]), float(self.z[i]), float(self.z_sustained[i]),
                        self.fired[i])


def _score(series: DyadSeries, values: Sequence[float], p: SignalParams) -> _Scored:
    days = [d.day for d in series.days if d.covered]
    raw = [x for d, x in zip(series.days, values, strict=True) if d.covered]
    if not days:
        empty = np.zeros(0)
        return _Scored([], [], empty, empty, empty, empty, empty, [])
    counts = [int(x + 0.5) for x in raw]
    n, rate_wd, rate_we, excess, weight = baselines(days, counts, p)
    weekend = (np.array([d.toordinal() for d in days]) - 1) % 7 >= 5
    day_rate = np.where(weekend, rate_we, rate_wd)
    day_var = (day_rate + excess) * (1 + 1 / weight)
    k = np.asarray(counts, dtype=np.float64)
    cum_k = np.concatenate([[0.0], np.cumsum(k)])
    cum_we = np.concatenate([[0.0], np.cumsum(weekend)])
    index = np.arange(len(days))
    sustained = np.zeros(len(days))
    # every test of the channel (the spike and each run length) in ONE nb_tail_zs call: the
    # call's fixed numpy overhead, not its size, is what a day's update pays for
    ks, means, variances, owners = [k], [day_rate], [day_var], []
    for m in p.sustained_days:
        if m < 1 or m > len(days):
            continue
        first = np.maximum(index - m + 1, 0)  # the run's first day: its baseline is used
        run_sum = cum_k[index + 1] - cum_k[first]
        run_we = cum_we[index + 1] - cum_we[first]
        mean = rate_we[first] * run_we + rate_wd[first] * (m - run_we)
        per_day = mean / m + excess[first]
        var = m * per_day + m * m * per_day / weight[first]
        test = (index >= m - 1) & (run_sum > mean) & (k > day_rate)
        if test.any():
            ks.append(run_sum[test])
            means.append(mean[test])
            variances.append(var[test])
            owners.append(test)
    zs = nb_tail_zs(np.concatenate(ks), np.concatenate(means), np.concatenate(variances))
    spike = zs[:len(days)]
    at = len(days)
    for test in owners:
        size = int(test.sum())
        sustained[test] = np.maximum(sustained[test], zs[at:at + size])
        at += size
    fired = np.where(spike >= p.z_spike, "spike",
                     np.where((sustained >= p.z_sustained) & (k > day_rate), "sustained", ""))
    return _Scored(days, raw, day_rate, np.sqrt(day_var), n, spike, sustained,
                   fired.tolist())


def score_days(series: DyadSeries, values: Sequence[float],
               p: SignalParams) -> list[DayScore]:
    """Scores of every covered day of ``series`` for the (already normalised) ``values``."""
    scored = _score(series, values, p)
    return [scored.day_score(i) for i in range(len(scored.days))]


_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)
_INV_CDF = np.frompyfunc(NormalDist().inv_cdf, 1, 1)


def _lgamma(x: Array) -> Array:
    return np.asarray(_LGAMMA(x), dtype=np.float64)


def nb_tail_z(k: int, mean: float, var: float) -> float:
    """z = Φ⁻¹(1 - P(X >= k)) for X negative binomial with ``mean`` and ``var`` (Poisson when
    ``var <= mean``); 0 when ``k`` is not above the mean."""
    return float(nb_tail_zs(np.array([float(k)]), np.array([mean]), np.array([var]))[0])


def nb_tail_zs(k: Array, mean: Array, var: Array) -> Array:
    """``nb_tail_z`` of arrays (vectorised: the tail sum runs over all of them at once)."""
    out = np.zeros(len(k))
    todo = (k > mean) & (k > 0)
    over_all = var > mean * (1 + 1e-9)
    size_all = np.where(over_all, mean * mean / np.maximum(var - mean, 1e-300), np.inf)
    # shortcut: with a mean of at least 1 and at most geometric skew (size >= 1), a count
    # within NEAR_SD standard deviations of the mean has a tail above 0.06 (z < 1.6, far from
    # any threshold): the normal approximation stands in for it
    near = (k - mean) / np.sqrt(np.maximum(var, 1e-12))
    easy = todo & (mean >= 1) & (size_all >= 1) & (near < NEAR_SD)
    out[easy] = near[easy]
    todo &= ~easy
    if not todo.any():
        return out
    kk, mu = k[todo], np.maximum(mean[todo], 1e-12)
    over = over_all[todo]
    size = np.where(over, size_all[todo], 1.0)
    q = np.where(over, mu / (size + mu), 0.0)  # failure probability of the NB
    log_fact = _lgamma(kk + 1)
    log_nb = (_lgamma(kk + size) - _lgamma(size) - log_fact + size * np.log1p(-q)
              + kk * np.log(np.maximum(q, 1e-300)))
    log_pois = kk * np.log(mu) - mu - log_fact
    log_pk = np.where(over, log_nb, log_pois)
    # P(X >= k) = pmf(k)·(1 + r_k + r_k·r_{k+1} + ...), r_j = pmf(j+1)/pmf(j) < 1 past the mode
    # summed in slabs of 32 terms: one slab is enough unless the tail is very long
    total = np.ones(len(kk))
    last = np.ones(len(kk))
    steps = np.arange(32, dtype=np.float64)
    base = kk.copy()
    for _ in range(400):
        j = base[:, None] + steps[None, :]
        ratio = np.where(over[:, None], (j + size[:, None]) / (j + 1) * q[:, None],
                         mu[:, None] / (j + 1))
        terms = last[:, None] * np.cumprod(ratio, axis=1)
        total += terms.sum(axis=1)
        last = terms[:, -1]
        base += 32
        if (last <= 1e-7 * total).all():
            break
    log_p = log_pk + np.log(total)
    p = np.exp(np.maximum(log_p, -700.0))
    z = np.where(log_p < -700, Z_MAX, 0.0)
    mid = (log_p >= -700) & (p < 0.5)
    if mid.any():
        z[mid] = np.minimum(Z_MAX, -np.asarray(_INV_CDF(p[mid]), dtype=np.float64))
    out[todo] = z
    return out


def episodes(scores: Sequence[DayScore], channel: str, direction: str,
             p: SignalParams) -> list[Episode]:
    """Group firing days into episodes (see the module docstring); ``scores`` are the scores
    of consecutive covered days."""
    return _group([(i, s) for i, s in enumerate(scores) if s.fired], len(scores), channel,
                  direction, p)


def _group(fired: Sequence[tuple[int, DayScore]], n_days: int, channel: str, direction: str,
           p: SignalParams) -> list[Episode]:
    """``episodes`` from the firing days only, each with its index among the ``n_days``
    covered days (the quiet days between two firing days are the gap between the indices)."""
    found: list[Episode] = []
    open_: Episode | None = None
    last = -1
    for i, s in fired:
        quiet = i - last - 1
        if open_ is not None and (quiet >= p.release_days or (
                quiet >= p.retrigger_quiet and s.value > open_.peak.value)):
            found.append(_resolved(open_))
            open_ = None
        if open_ is None:
            open_ = Episode(channel, direction, s.day, s.day, False, s, s, (s.day,))
        else:
            peak = s if s.score > open_.peak.score else open_.peak
            open_ = Episode(channel, direction, open_.start, s.day, False, peak,
                            open_.first, (*open_.fired_days, s.day))
        last = i
    if open_ is not None:
        found.append(_resolved(open_) if n_days - last - 1 >= p.release_days else open_)
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
    if not any(d.retreat or d.agree_support or d.retreat_untargeted for d in days):
        return [0.0] * len(days)
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
                    direction: str, p: SignalParams) -> _Scored | None:
    raw = channel_values(series, channel, direction, p)
    if not any(raw):
        return None  # nothing ever happened on this channel: no day can fire
    return _score(series, [v * f for v, f in zip(raw, factors, strict=True)], p)


def evaluate(series: DyadSeries, p: SignalParams | None = None) -> list[Episode]:
    """Every episode of every channel and direction of a dyad's series."""
    params = p or SignalParams()
    factors = coverage_factors(series.days, params.baseline_days)
    found: list[Episode] = []
    for direction, channel in CHANNELS:
        scored = _channel_scores(series, factors, channel, direction, params)
        if scored is None:
            continue
        fired = [(i, scored.day_score(i)) for i, f in enumerate(scored.fired) if f]
        found += _group(fired, len(scored.days), channel, direction, params)
    return found


def current_score(series: DyadSeries, p: SignalParams | None = None) -> float:
    """The escalation score of the last covered day (largest over both channels)."""
    params = p or SignalParams()
    factors = coverage_factors(series.days, params.baseline_days)
    best = 0.0
    for channel in ("material", "verbal"):
        scored = _channel_scores(series, factors, channel, "escalation", params)
        if scored is not None and scored.days:
            best = max(best, float(scored.z[-1]), float(scored.z_sustained[-1]))
    return best
