"""The escalation signal on synthetic daily series (no store needed)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from flashpoint.trends.series import DyadDay, DyadSeries, normalised
from flashpoint.trends.signals import SignalParams, current_score, evaluate

START = date(2023, 1, 1)


def _day(n: int, *, q3: int = 0, q4: int = 0, retreat: int = 0, untargeted: int = 0,
         agree: int = 0, covered: bool = True, volume: int = 10) -> DyadDay:
    events = q3 + q4 + retreat + agree
    return DyadDay(day=START + timedelta(days=n), covered=covered, articles=int(covered),
                   volume=volume, events=events, quad=(agree, retreat, q3, q4),
                   goldstein_sum=-2.0 * q3 - 8.0 * q4, goldstein_mean=0.0, plover={},
                   retreat=retreat, agree_support=agree, retreat_untargeted=untargeted,
                   max_sources=1)


def _series(days: list[DyadDay]) -> DyadSeries:
    return DyadSeries("SRB", "KSV", tuple(days))


def test_quiet_dyad_gives_no_alert() -> None:
    assert evaluate(_series([_day(n) for n in range(120)])) == []


def test_first_material_conflict_on_a_quiet_dyad_alerts_material_escalation() -> None:
    days = [_day(n) for n in range(60)] + [_day(60, q4=1)] + [_day(n) for n in range(61, 70)]
    (ep,) = evaluate(_series(days))
    assert (ep.direction, ep.channel, ep.start) == ("escalation", "material",
                                                    START + timedelta(days=60))
    assert ep.state == "resolved" and ep.baseline()["baseline_days"] == 60


def test_verbal_and_material_channels_are_separate() -> None:
    days = [_day(n) for n in range(30)] + [_day(30, q3=2)]
    (ep,) = evaluate(_series(days))
    assert ep.channel == "verbal" and ep.state == "new"


def test_steady_conflict_is_the_baseline_not_an_alert() -> None:
    rng = random.Random(5)
    days = [_day(n, q3=rng.choice([1, 2, 2, 3])) for n in range(150)]
    late = [e for e in evaluate(_series(days)) if e.start > START + timedelta(days=40)]
    assert late == []


def test_uncovered_days_are_neither_scored_nor_baseline() -> None:
    days = [_day(n, covered=False) for n in range(30)] + [_day(30, q4=1, covered=False)]
    assert evaluate(_series(days)) == []


def test_busy_news_day_is_scaled_down() -> None:
    days = [_day(n, volume=10) for n in range(20)] + [_day(20, q3=4, volume=40)]
    values = normalised(days, [float(d.quad[2]) for d in days])
    assert values[-1] == 1.0 and values[0] == 0.0


def test_retreat_after_material_conflict_is_de_escalation() -> None:
    days = ([_day(n) for n in range(30)] + [_day(30, q4=2)] + [_day(n) for n in range(31, 35)]
            + [_day(35, untargeted=1)])
    found = {(e.direction, e.channel) for e in evaluate(_series(days))}
    assert ("de-escalation", "material") in found


def test_retreat_without_prior_conflict_is_not_de_escalation() -> None:
    days = [_day(n) for n in range(30)] + [_day(30, retreat=1, untargeted=1)]
    assert evaluate(_series(days)) == []


def test_current_score_ranks_a_fresh_escalation_first() -> None:
    calm = _series([_day(n) for n in range(40)])
    hot = _series([_day(n) for n in range(39)] + [_day(39, q4=3)])
    assert current_score(hot) > 5.0 > current_score(calm)


def test_planted_five_sd_shift_is_found_within_two_days() -> None:
    rng = random.Random(11)
    base = [rng.choice([0, 0, 1, 1, 2]) for _ in range(120)]  # robust SD about 1.5
    days = [_day(n, q3=v) for n, v in enumerate(base[:100])]
    days += [_day(100 + n, q3=v + 7) for n, v in enumerate(base[100:110])]
    eps = [e for e in evaluate(_series(days), SignalParams()) if e.channel == "verbal"
           and e.start >= START + timedelta(days=100)]
    assert eps and eps[0].start <= START + timedelta(days=102)
