"""The count model of the escalation signal: NB tails, weekly baseline, re-triggering."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np

from flashpoint.trends.series import DyadDay, DyadSeries, coverage_factors
from flashpoint.trends.signals import SignalParams, baselines, evaluate, nb_tail_z, nb_tail_zs

START = date(2023, 1, 2)  # a Monday


def _day(n: int, q3: int = 0, *, covered: bool = True, volume: int = 10) -> DyadDay:
    return DyadDay(START + timedelta(days=n), covered, int(covered), volume, q3, (0, 0, q3, 0),
                   -2.0 * q3, 0.0, {}, 0, 0, 0, 0)


def _poisson_tail(k: int, mean: float) -> float:
    return 1 - sum(math.exp(-mean) * mean ** j / math.factorial(j) for j in range(k))


def test_poisson_tail_matches_the_exact_sum() -> None:
    for k, mean in ((3, 0.5), (9, 4.0), (2, 0.1), (20, 8.0)):
        p = _poisson_tail(k, mean)
        z = nb_tail_z(k, mean, mean)
        expected = -NormalDist().inv_cdf(p)
        assert abs(z - float(expected)) < 0.02, (k, mean, z, expected)


def test_overdispersion_makes_a_count_less_surprising() -> None:
    assert nb_tail_z(12, 4.0, 4.0) > nb_tail_z(12, 4.0, 12.0) > nb_tail_z(12, 4.0, 30.0) > 0
    assert nb_tail_z(3, 4.0, 4.0) == 0.0  # not above the mean


def test_vectorised_tails_equal_the_scalar_ones_including_the_shortcut() -> None:
    k = np.array([0.0, 2.0, 5.0, 9.0, 30.0, 1.0])
    mean = np.array([1.0, 1.5, 4.0, 4.0, 3.0, 0.001])
    var = np.array([1.0, 3.0, 4.0, 9.0, 6.0, 0.001])
    got = nb_tail_zs(k, mean, var)
    assert got[0] == 0.0 and got[1] < 1.6 and got[4] > 4 and got[5] > 3
    assert abs(got[3] - nb_tail_z(9, 4.0, 9.0)) < 1e-9


def test_false_alarm_rate_of_one_day_is_calibrated_on_poisson_counts() -> None:
    rng = random.Random(7)
    mean, n = 2.0, 20_000
    draws = np.random.default_rng(rng.randrange(1 << 30)).poisson(mean, n).astype(float)
    z = nb_tail_zs(draws, np.full(n, mean), np.full(n, mean))
    assert (z >= 3.0).mean() <= 0.00135 * 1.5  # discrete: at most the nominal rate, roughly


def test_cold_start_prior_and_weekly_rates() -> None:
    p = SignalParams()
    days = [START + timedelta(days=i) for i in range(70)]
    quiet = [0] * 70
    n, wd, _, _, _ = baselines(days, quiet, p)
    assert n[0] == 0 and wd[0] == p.prior_rate and wd[-1] < p.prior_rate  # nothing happens
    weekly = [4 if d.weekday() < 5 else 1 for d in days]
    n, wd, we, excess, _ = baselines(days, weekly, p)
    assert wd[-1] > 3.0 > 1.5 > we[-1]  # weekends are quieter, and the baseline knows it
    assert excess[-1] < 0.5  # the weekly pattern is not mistaken for noise


def test_seven_events_alert_on_a_saturday_but_not_on_a_weekday() -> None:
    days = [_day(n, 4 if (START + timedelta(days=n)).weekday() < 5 else 1) for n in range(96)]
    assert (START + timedelta(days=96)).weekday() == 5
    saturday = DyadSeries("A", "B", (*days, _day(96, 7)))  # seven times the weekend rate
    monday = DyadSeries("A", "B", (*days, _day(96, 1), _day(97, 1), _day(98, 7)))
    late = START + timedelta(days=60)
    assert [e.start for e in evaluate(saturday) if e.start > late] == [
        START + timedelta(days=96)]
    assert [e for e in evaluate(monday) if e.start > late] == []


def test_a_new_level_while_an_episode_is_open_re_triggers() -> None:
    rng = random.Random(3)
    counts = [rng.choice([0, 1, 1, 2]) for _ in range(130)]
    counts[100] = 9  # a spike opens an episode ...
    for n in range(104, 109):
        counts[n] = 14  # ... and a higher, sustained level three days later is a new alert
    eps = [e for e in evaluate(DyadSeries("A", "B", tuple(_day(n, c) for n, c in
                                                         enumerate(counts))))
           if e.start >= START + timedelta(days=100)]
    assert [e.start for e in eps][:2] == [START + timedelta(days=100),
                                          START + timedelta(days=104)]
    assert eps[0].state == "resolved"


def test_coverage_factors_use_the_median_of_previous_covered_days() -> None:
    vols = [10, 10, 30, 10, 40, 5]
    days = [_day(n, volume=v) for n, v in enumerate(vols)] + [_day(6, covered=False)]
    assert coverage_factors(days) == [1.0, 1.0, 10 / 30, 1.0, 10 / 40, 1.0, 0.0]
