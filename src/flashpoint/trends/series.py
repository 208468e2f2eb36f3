"""Daily series per directed dyad, built from events (clustered mentions), not raw reports.

Every calendar day between ``start`` and ``end`` is present.  A day is *covered* when at least
one article published that day mentions either side; a day without coverage is not a day
without events, so signals skip it (it is neither evaluated nor part of a baseline).  Events
carry the act's date, so a recap counts for the day it recalls, never for the article's.

Coverage normalisation: a day's counts are scaled by ``min(1, ref / volume)`` where ``volume``
is the number of coded events of either actor that day and ``ref`` the median volume of the
covered days before it: a busy news day (many events about the actors) does not look like a war,
and a quiet day is never inflated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..store import Store

DEESCALATION_PLOVER = ("RETREAT", "AGREE", "SUPPORT")


class DyadDay(NamedTuple):
    """One calendar day of one directed dyad (immutable; a NamedTuple rather than a frozen
    dataclass because every update builds a year of them per dyad, ten times faster)."""

    day: date
    covered: bool  # an article published that day mentions either side
    articles: int  # articles published that day mentioning either side (summed over sides)
    volume: int  # coded events of either actor dated that day (the larger side)
    events: int
    quad: tuple[int, int, int, int]  # events per QuadClass 1..4
    goldstein_sum: float
    goldstein_mean: float
    plover: Mapping[str, int]
    retreat: int  # RETREAT events of the dyad
    agree_support: int  # AGREE / SUPPORT events of the dyad
    retreat_untargeted: int  # RETREAT events of the source without a target
    max_sources: int  # independent sources of the best-sourced event that day

    @property
    def material_share(self) -> float:
        """Share of the day's events that are material conflict (QuadClass 4)."""
        return self.quad[3] / self.events if self.events else 0.0


@dataclass(frozen=True, slots=True)
class DyadSeries:
    source: str
    target: str
    days: tuple[DyadDay, ...]

    def weekly(self) -> list[dict[str, Any]]:
        """Weekly aggregates (ISO weeks, Monday first) of the daily series."""
        weeks: dict[date, dict[str, Any]] = {}
        for d in self.days:
            monday = d.day - timedelta(days=d.day.weekday())
            w = weeks.setdefault(monday, {"week": monday, "events": 0, "q1": 0, "q2": 0,
                                          "q3": 0, "q4": 0, "goldstein_sum": 0.0,
                                          "covered_days": 0})
            w["events"] += d.events
            for i in range(4):
                w[f"q{i + 1}"] += d.quad[i]
            w["goldstein_sum"] += d.goldstein_sum
            w["covered_days"] += int(d.covered)
        return [weeks[k] for k in sorted(weeks)]


def coverage_factors(days: Sequence[DyadDay], window: int = 90) -> list[float]:
    """Per day, the factor ``min(1, ref / volume)`` of the module docstring (0 when uncovered).

    ``ref`` is the median volume of the last ``window`` covered days before the day, from one
    sort of the sliding windows (vectorised: a year of days costs well under a millisecond)."""
    covered = [i for i, d in enumerate(days) if d.covered]
    out = [0.0] * len(days)
    if not covered:
        return out
    vols = np.array([days[i].volume for i in covered], dtype=np.float64)
    n = len(vols)
    width = max(window, 1)
    padded = np.concatenate([np.full(width, np.nan), vols])
    ordered = np.sort(sliding_window_view(padded, width)[:n], axis=1)  # NaN (no day) last
    rows = np.arange(n)
    count = np.minimum(rows, width)
    ref = (ordered[rows, np.maximum(count - 1, 0) // 2] + ordered[rows, count // 2]) / 2
    ref = np.where(count > 0, ref, vols)
    factor = np.where((vols > 0) & (ref > 0), np.minimum(1.0, ref / np.maximum(vols, 1)), 1.0)
    for i, f in zip(covered, factor.tolist(), strict=True):
        out[i] = f
    return out


def normalised(days: Sequence[DyadDay], values: Sequence[float],
               window: int = 90) -> list[float]:
    """``values`` scaled for coverage (see the module docstring); uncovered days give 0."""
    factors = coverage_factors(days, window)
    return [v * f for v, f in zip(values, factors, strict=True)]


def build(
    source: str,
    target: str,
    dyad_rows: Iterable[Mapping[str, Any]],
    actor_rows: Iterable[Mapping[str, Any]],
    start: date,
    end: date,
) -> DyadSeries:
    """The dense daily series of ``source -> target`` from ``start`` to ``end`` (inclusive),
    from ``Store.dyad_daily`` and ``Store.actor_daily`` rows."""
    by_day = {r["day"]: r for r in dyad_rows
              if r["source"] == source and r["target"] == target}
    sides: dict[date, list[int]] = {}  # day -> [articles, volume, untargeted]
    for a in actor_rows:
        if a["actor"] not in (source, target):
            continue
        got = sides.setdefault(a["day"], [0, 0, 0])
        got[0] += int(a["articles"])
        got[1] = max(got[1], int(a["events"]))
        if a["actor"] == source:
            got[2] = int(a["retreat_untargeted"])
    days: list[DyadDay] = []
    none: Mapping[str, int] = MappingProxyType({})
    nothing = [0, 0, 0]
    day = start
    one = timedelta(days=1)
    while day <= end:
        arts, vol, untargeted = sides.get(day, nothing)
        r = by_day.get(day)
        if r is None:  # most days of most dyads: no event
            days.append(DyadDay(day, arts > 0, arts, vol, 0, (0, 0, 0, 0), 0.0, 0.0, none, 0,
                                0, untargeted, 0))
        else:
            days.append(DyadDay(
                day, arts > 0, arts, vol, int(r["events"]),
                (int(r["q1"]), int(r["q2"]), int(r["q3"]), int(r["q4"])),
                float(r["goldstein_sum"]), float(r["goldstein_mean"]), dict(r["plover"]),
                int(r["retreat"]), int(r["agree_support"]), untargeted, int(r["max_sources"])))
        day += one
    return DyadSeries(source, target, tuple(days))


def load(store: Store, pairs: Sequence[tuple[str, str]], *, since: date | None = None,
         until: date | None = None) -> list[DyadSeries]:
    """Dense daily series of ``pairs`` through the store (two aggregate queries).

    The range runs from ``since`` (else the first day either side was covered, or the first
    event day) to ``until`` (exclusive; else the last day with data of either side)."""
    if not pairs:
        return []
    rows = store.dyad_daily(dyads=list(pairs), since=since, until=until)
    actors = sorted({k for pair in pairs for k in pair})
    arows = store.actor_daily(actors, since=since, until=until)
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        by_pair.setdefault((r["source"], r["target"]), []).append(r)
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for r in arows:
        by_actor.setdefault(r["actor"], []).append(r)
    out = []
    for s, t in pairs:  # grouped once above: a day of many dyads is not pairs x rows
        mine = by_pair.get((s, t), [])
        sides = by_actor.get(s, []) + (by_actor.get(t, []) if t != s else [])
        covered = [r["day"] for r in sides if r["articles"] > 0]
        if not mine and not covered:
            continue
        # by default the series starts at the first covered day: history recalled later
        # (dated before any coverage) cannot raise alerts and would only add empty decades.
        first = since or min(covered or [r["day"] for r in mine])
        last_days = [r["day"] for r in mine] + [r["day"] for r in sides]
        last = until - timedelta(days=1) if until else max(last_days)
        out.append(build(s, t, mine, sides, first, last))
    return out
