"""The calibration search (``python -m sim.calibration``): its score and its parameters."""

from __future__ import annotations

import math

import pandas as pd

from sim.calibration import CALIBRATED, score
from sim.scenario import param_specs


def table(*rows: tuple[float, float, float]) -> pd.DataFrame:
    return pd.DataFrame([{"mean": m, "lo": lo, "hi": hi} for m, lo, hi in rows])


def test_a_mean_in_the_middle_of_its_band_scores_zero() -> None:
    assert score(table((0.5, 0.4, 0.6))) == 0.0


def test_inside_the_band_the_edge_costs_little_and_outside_much() -> None:
    edge = score(table((0.6, 0.4, 0.6)))
    outside = score(table((0.7, 0.4, 0.6)))  # half a band width out
    assert 0 < edge < 0.1 < 5.0 <= outside


def test_a_one_sided_band_is_scaled_by_its_bound_and_a_missing_mean_costs_ten() -> None:
    assert score(table((900.0, -math.inf, 1000.0))) == 0.0
    assert score(table((1500.0, -math.inf, 1000.0))) == 5.0
    assert score(table((math.nan, 0.0, 1.0))) == 10.0


def test_every_calibrated_parameter_moves_within_what_the_scenario_allows() -> None:
    specs = param_specs()
    for key, (lo, hi, targets, why) in CALIBRATED.items():
        spec = specs[key]
        assert spec["lo"] <= lo < hi <= spec["hi"], key
        assert targets.startswith("C") and why, key
