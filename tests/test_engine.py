"""The engine against a reference engine: the same rules must give the same distributions
of the main outcomes, within the noise of 20 replicates (issue 13 made the engine faster
this way; issue 21 changed the rules and wrote the reference anew).

The reference (tests/data/engine_reference.csv, written by tests/data/engine_reference.py
at the commit it names) holds 20 replicates of the baseline at the first three validation
points. Replicates of the two engines use different random draws, so each outcome is
compared as a difference of means in units of its standard error (Welch); with about 50
comparisons, a bound of 4 keeps a false alarm below one in a few hundred runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments import run_experiment
from sim.scenario import load_scenario
from sim.validation import TOLERANCE_POINTS

REFERENCE = Path(__file__).parent / "data" / "engine_reference.csv"
POINTS = [{}, *TOLERANCE_POINTS]  # as tests/data/engine_reference.py
OUTCOMES = (
    "ever_joined",  # recruits per week, times the weeks
    "share_net_loss", "share_break_even", "share_profit",  # C1-C3
    "first_year_dropout_share", "annual_turnover",  # C4, C5
    "median_gross_per_year_full_year", "share_part_time",  # C6, C7
    "builder_first_year_dropout_share",  # C8, C10
    "first_year_dropout_share_y1", "first_year_dropout_share_y2",  # C9
    "first_year_dropout_share_y3", "first_year_dropout_share_y4",
    "dropouts_discouraged", "dropouts_financial", "dropouts_life", "dropouts_no_market",
)  # fmt: skip
MAX_Z = 4.0


def welch_z(a: np.ndarray, b: np.ndarray) -> float:
    """The difference of two means in units of its standard error."""
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    diff = a.mean() - b.mean()
    return 0.0 if diff == 0 else float(abs(diff) / se) if se > 0 else float("inf")


@pytest.mark.slow
def test_the_engine_reproduces_the_reference_distributions():
    ref = pd.read_csv(REFERENCE, comment="#")
    runs = int(ref.replicate.max()) + 1
    exp = run_experiment(load_scenario("baseline"), runs, POINTS,
                         master_seed=99, workers=2)  # fmt: skip
    now = exp.outcomes
    far = []
    for point in range(len(POINTS)):
        for column in OUTCOMES:
            a = pd.to_numeric(ref[ref.point == point][column]).dropna().to_numpy()
            b = pd.to_numeric(now[now.point == point][column]).dropna().to_numpy()
            z = welch_z(b, a)
            if z > MAX_Z:
                far.append(
                    f"point {point} {column}: {b.mean():.4g} now, {a.mean():.4g} before, z={z:.1f}"
                )
    assert not far, "\n".join(far)


def test_welch_z_flags_a_shift_and_not_noise():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 20), rng.normal(0, 1, 20)
    assert welch_z(a, b) < MAX_Z
    assert welch_z(a + 3, b) > MAX_Z
