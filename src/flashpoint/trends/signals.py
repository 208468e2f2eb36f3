"""The escalation / de-escalation score of a directed dyad, per channel.

Channels: ``material`` = QuadClass 4 events (troops, attacks), ``verbal`` = QuadClass 3
(accusations, demands).  For each *covered* day t (see ``series``) the channel intensity x_t
(events that day, normalised for coverage) is compared with a baseline: the covered days in
[t - ``baseline_days``, t - 1].

Baseline with a cold-start prior.  With n baseline days, level m and spread s of the baseline
(the mean winsorised at median + 3·s, and the larger of 1.4826·MAD and the Poisson spread
sqrt(mean), because sparse counts have a MAD of 0), shrink towards the prior (level 0,
spread ``prior_scale``) with weight w = n / (n + ``prior_days``):
level = w·m,  scale = sqrt(w·s² + (1 - w)·prior_scale²).
So a dyad with little history is judged against "almost nothing happens" with a small spread:
one conflict event on a quiet dyad is news; on a dyad with a steady rate of conflict, it is not.

Three tests, any of which fires:
- spike: robust z_t = (x_t - level) / scale >= ``z_spike``;
- EWMA: e_t = λ·x_t + (1-λ)·e_{t-1}, z = (e_t - level) / (scale·sqrt(λ/(2-λ))) >= ``z_ewma``;
- changepoint (one-sided CUSUM on z): S_t = max(0, S_{t-1} + min(z_t, 5) - k) >= ``cusum_h``.
The score is the largest of the z statistics (and S_t).

De-escalation: y_t = 2·RETREAT + AGREE/SUPPORT of the dyad, plus 2·the source's untargeted
RETREATs (a unilateral reduction; only after material conflict), counted only when the dyad
had conflict (QuadClass 3 or 4) in the ``after_conflict_days`` before; its channel is
material when a RETREAT is part of it, else verbal.  Scored the same way against its own baseline.

Episodes: a firing day with no open episode opens one; it stays open while days keep firing
and is resolved after ``release_days`` covered days without firing.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .series import DyadSeries, normalised


@dataclass(frozen=True, slots=True)
class SignalParams:
    baseline_days: int = 90
    prior_days: float = 28.0
    prior_scale: float = 0.15
    z_spike: float = 5.0
    z_ewma: float = 4.0  # calibrated with bench/alerts.py (see its docstring)
    ewma_lambda: float = 0.3
    cusum_k: float = 1.0
    cusum_h: float = 8.0
    release_days: int = 7
    after_conflict_days: int = 14


@dataclass(frozen=True, slots=True)
class DayScore:
    day: date
    value: float
    level: float
    scale: float
    n_baseline: int
    z: float
    ewma_z: float
    cusum: float
    fired: str  # "" | spike | ewma | cusum

    @property
    def score(self) -> float:
        return max(self.z, self.ewma_z, self.cusum)


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
                "z": round(f.z, 3), "ewma_z": round(f.ewma_z, 3), "cusum": round(f.cusum, 3),
                "test": f.fired, "peak_day": self.peak.day.isoformat(),
                "peak_score": round(self.peak.score, 3),
                "last_day": self.last_fired.isoformat(), "fired_days": len(self.fired_days)}


def _baseline(history: Sequence[float], p: SignalParams) -> tuple[float, float]:
    n = len(history)
    w = n / (n + p.prior_days)
    if n:
        med = statistics.median(history)
        mad = 1.4826 * statistics.median(abs(v - med) for v in history)
        spread = max(mad, math.sqrt(max(statistics.fmean(history), 0.0)))
        # level: the mean winsorised at median + 3 spreads (counts are skewed: their median
        # sits below the mean, which would make an ordinary day look like a rise)
        mean = statistics.fmean(min(v, med + 3 * spread) for v in history)
    else:
        mean, spread = 0.0, 0.0
    level = w * mean
    scale = math.sqrt(w * spread * spread + (1 - w) * p.prior_scale * p.prior_scale)
    return level, max(scale, 1e-6)


def score_days(series: DyadSeries, values: Sequence[float],
               p: SignalParams) -> list[DayScore]:
    """Scores of every covered day of ``series`` for the (already normalised) ``values``."""
    out: list[DayScore] = []
    history: list[tuple[date, float]] = []
    ewma = 0.0
    cusum = 0.0
    factor = math.sqrt(p.ewma_lambda / (2 - p.ewma_lambda))
    for d, x in zip(series.days, values, strict=True):
        if not d.covered:
            continue
        recent = [v for day, v in history if (d.day - day).days <= p.baseline_days]
        level, scale = _baseline(recent, p)
        ewma = p.ewma_lambda * x + (1 - p.ewma_lambda) * (ewma if history else level)
        z = (x - level) / scale
        ez = (ewma - level) / (scale * factor)
        cusum = max(0.0, cusum + min(z, 5.0) - p.cusum_k)
        fired = ("spike" if z >= p.z_spike else "ewma" if ez >= p.z_ewma and x > level
                 else "cusum" if cusum >= p.cusum_h and x > level else "")
        out.append(DayScore(d.day, x, level, scale, len(recent), z, ez, cusum, fired))
        history.append((d.day, x))
    return out


def episodes(scores: Sequence[DayScore], channel: str, direction: str,
             p: SignalParams) -> list[Episode]:
    """Group firing days into episodes (see the module docstring)."""
    found: list[Episode] = []
    open_: Episode | None = None
    quiet = 0
    for s in scores:
        if s.fired:
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
                found.append(Episode(channel, direction, open_.start, open_.last_fired, True,
                                     open_.peak, open_.first, open_.fired_days))
                open_ = None
    if open_ is not None:
        found.append(open_)
    return found


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


def evaluate(series: DyadSeries, p: SignalParams | None = None) -> list[Episode]:
    """Every episode of every channel and direction of a dyad's series."""
    params = p or SignalParams()
    found: list[Episode] = []
    for direction, channel in CHANNELS:
        raw = channel_values(series, channel, direction, params)
        values = normalised(series.days, raw, params.baseline_days)
        found += episodes(score_days(series, values, params), channel, direction, params)
    return found


def current_score(series: DyadSeries, p: SignalParams | None = None) -> float:
    """The escalation score of the last covered day (largest over both channels)."""
    params = p or SignalParams()
    best = 0.0
    for channel in ("material", "verbal"):
        raw = channel_values(series, channel, "escalation", params)
        scores = score_days(series, normalised(series.days, raw, params.baseline_days), params)
        if scores:
            best = max(best, scores[-1].score)
    return best
