"""The statistics every product shares (sim/metrics.py): outcome shares and survival."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.metrics import (
    BREAK_EVEN_EUR,
    OUTCOME_SHARES,
    kaplan_meier,
    median_weeks_to_dropout,
    outcome_shares,
    percentiles,
    survival_by_cohort,
    survival_curves,
)
from sim.records import income_snapshot
from tests.support import small_model

# ---- percentiles -----------------------------------------------------------------------------


def test_percentiles_are_numpys_linear_ones_nan_ignored():
    rng = np.random.default_rng(5)
    x = rng.lognormal(3, 2, 401) - 50
    qs = (5, 10, 25, 50, 75, 90, 99)
    expected = np.percentile(x, qs)
    np.testing.assert_array_equal(percentiles(x, qs), expected)
    assert percentiles(pd.Series(x), 90) == pd.Series(x).quantile(0.9)  # pandas' definition too
    np.testing.assert_allclose(percentiles(np.sort(x), qs, is_sorted=True), expected, rtol=1e-12)
    with_gaps = np.concatenate([x, [np.nan] * 30])
    np.testing.assert_array_equal(percentiles(with_gaps, qs), expected)
    assert percentiles([1.0, 2.0, 3.0, 4.0], 50) == 2.5  # between the closest ranks


def test_percentiles_of_nothing_are_nan():
    assert math.isnan(percentiles([], 50))
    assert np.isnan(percentiles([np.nan, np.nan], (5, 95))).all()
    columns = percentiles(np.array([[1.0, np.nan], [3.0, np.nan]]), (5, 50, 95), axis=0)
    np.testing.assert_allclose(columns[:, 0], [1.1, 2.0, 2.9])
    assert np.isnan(columns[:, 1]).all()


# ---- outcome shares --------------------------------------------------------------------------


def test_outcome_bounds_follow_calibration():
    # docs/calibration.md: a loss below -100 EUR, break-even within +-100 EUR inclusive, a profit
    # above +100 EUR; the bounds themselves are break-even
    net = [-100.01, -BREAK_EVEN_EUR, 0.0, BREAK_EVEN_EUR, 100.01]
    for is_sorted in (False, True):
        shares = outcome_shares(net, is_sorted=is_sorted)
        assert shares == {"share_net_loss": 0.2, "share_break_even": 0.6, "share_profit": 0.2}


def test_sorted_fast_path_counts_like_the_plain_one():
    rng = np.random.default_rng(3)
    # many values on the bounds, where a binary search could be off by one
    net = np.concatenate([rng.normal(0, 300, 500), np.full(40, -100.0), np.full(40, 100.0)])
    plain = outcome_shares(net)
    assert outcome_shares(np.sort(net), is_sorted=True) == plain
    assert math.isclose(sum(plain.values()), 1.0)


def test_outcome_shares_of_nobody_are_unknown():
    assert all(math.isnan(v) for v in outcome_shares([]).values())
    assert tuple(outcome_shares([]).keys()) == OUTCOME_SHARES


def test_weekly_records_and_summary_agree_on_the_outcome_shares():
    model = small_model(400, seed=5)
    for _ in range(30):
        model.step()
    result = model.result()
    weekly, _ = income_snapshot(model.ledger)
    for key in OUTCOME_SHARES:
        assert weekly[key] == result.summary[key] == result.weekly[key].iloc[-1], key


# ---- survival --------------------------------------------------------------------------------


def test_kaplan_meier_censors_the_still_active():
    # observed to week 10: gone after 1 and after 3 weeks; one joined in week 8 and is still
    # active (seen 2 weeks); one active from week 0 to the end
    km = kaplan_meier([0, 0, 8, 0], [1, 3, -1, -1], now=10)
    assert km.share[0] == 1.0
    assert km.share[1] == 0.75  # one of four left
    assert km.share[2] == 0.75  # the late joiner leaves the risk set, not counted as gone
    assert km.share[3] == 0.375  # one of the two still seen at week 3 left
    assert np.all(km.share[3:] == 0.375)
    # the step at w rests on those seen active at least w weeks
    assert list(km.at_risk[:5]) == [4, 4, 3, 2, 1]
    assert km.at_risk[10] == 1 and len(km.share) == 11
    # joined at least w weeks before week 10, stayed or not
    assert list(km.followed[[0, 2, 3, 10]]) == [4, 4, 3, 3]


def test_kaplan_meier_beyond_the_longest_seen():
    # everyone seen has left: nobody remains, a known zero
    gone = kaplan_meier([0, 0], [2, 4], now=8)
    assert list(gone.share) == [1.0, 1.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    # the last one seen was still active: beyond that the share is unknown
    censored = kaplan_meier([0, 5], [2, -1], now=8)
    assert censored.share[2] == 0.5 and censored.share[3] == 0.5
    assert np.all(np.isnan(censored.share[4:]))
    assert censored.at_risk[3] == 1 and censored.at_risk[4] == 0


def test_kaplan_meier_horizon_cuts_without_changing_the_curve():
    join, exit_ = [0, 0, 3, 5], [6, -1, 4, 9]
    full = kaplan_meier(join, exit_, now=10)
    short = kaplan_meier(join, exit_, now=10, horizon=4)
    np.testing.assert_array_equal(short.share, full.share[:5])
    np.testing.assert_array_equal(short.at_risk, full.at_risk[:5])
    np.testing.assert_array_equal(short.followed, full.followed[:5])


def test_survival_curves_one_per_replicate():
    people = pd.DataFrame(
        {
            "point": 0,
            "replicate": [0, 0, 0, 0, 1, 1],
            "join_week": [0, 0, 8, 0, 0, 0],
            "exit_week": [1, 3, -1, -1, 5, -1],
        }
    )
    curves = survival_curves(people, 10)
    assert curves.shape == (2, 11)
    assert curves[0, 3] == 0.375
    assert curves[1, 4] == 1.0 and curves[1, 5] == 0.5


def _early_stay_late_leave(weeks: int = 104) -> tuple[np.ndarray, np.ndarray]:
    """30 joiners of week 0 stay; 500 later ones leave within 4 weeks."""
    rng = np.random.default_rng(1)
    late = rng.integers(1, 100, 500)
    join = np.concatenate([np.zeros(30, dtype=int), late])
    exit_ = np.concatenate([np.full(30, -1), np.minimum(late + rng.integers(0, 5, 500), 100)])
    return join, exit_


def test_survival_never_rises_although_later_joiners_differ():
    join, exit_ = _early_stay_late_leave()
    people = pd.DataFrame({"point": 0, "replicate": 0, "join_week": join, "exit_week": exit_})
    curve = survival_curves(people, 104)[0]
    seen = curve[~np.isnan(curve)]
    assert np.all(np.diff(seen) <= 1e-12)
    assert seen[-1] > 0  # the founders who stay


def test_cohort_survival_never_rises():
    # one cohort (weeks 0..103): only the week-0 joiners, who all stay, can be seen long;
    # counting the share active among those seen long would climb back up to 100 %
    join, exit_ = _early_stay_late_leave()
    [(start, survival)] = survival_by_cohort(join, exit_, now=104, cohort_weeks=104)
    assert start == 0
    assert np.all(np.diff(survival.share) <= 1e-12)
    assert survival.share[-1] < 0.2  # most joiners left within 4 weeks
    np.testing.assert_array_equal(survival.share, kaplan_meier(join, exit_, 104).share[:105])


def test_cohort_curve_stops_where_too_few_were_followed():
    # cohort 0: 25 joined in week 0, 5 more in week 40; seen to week 60
    join = np.array([0] * 25 + [40] * 5 + [52] * 3)
    exit_ = np.full(len(join), -1)
    (_, first), (second_start, second) = survival_by_cohort(join, exit_, now=60)
    assert len(first.share) == 61  # 25 >= 20 followed all the way
    assert second_start == 52
    # a cohort smaller than min_observed is shown while all of it was followed: 8 weeks
    assert len(second.share) == 9 and list(second.at_risk) == [3] * 9
    (_, strict), _ = survival_by_cohort(join, exit_, now=60, min_observed=26)
    assert len(strict.share) == 21  # all 30 followed only up to 20 weeks


def test_median_weeks_to_dropout():
    assert median_weeks_to_dropout([0, 2, 5, 1], [4, 12, -1, 3]) == 4.0  # 4, 10, 2 weeks
    assert math.isnan(median_weeks_to_dropout([0, 1], [-1, -1]))


@pytest.mark.parametrize("now", [0, 1])
def test_survival_at_the_start(now):
    km = kaplan_meier([0, 0, 0], [-1, -1, -1], now=now)
    assert list(km.share) == [1.0] * (now + 1)
    assert list(km.at_risk) == [3] * (now + 1)
