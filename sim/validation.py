"""The calibration targets of ``shared/docs/CALIBRATION.md`` and how a scenario meets them.

Each target is computed from a run's own outputs (the summary of ``sim.metrics``), as the
mean and 90 % range over replicates; it holds when the mean lies in the band. The
targets describe the world, not the model: nothing here feeds back into a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiments import Experiment, run_experiment
from sim.scenario import Scenario

MIN_RUNS = 20  # CALIBRATION.md: the mean over at least 20 seeds


@dataclass(frozen=True)
class Target:
    """A public figure the baseline must reproduce, with its tolerance band."""

    id: str
    outcome: str  # the summary key it is computed from
    lo: float
    hi: float
    source: str

    def holds(self, value: float) -> bool:
        return bool(self.lo <= value <= self.hi)


INF = float("inf")
TARGETS = (
    Target("C1", "share_net_loss", 0.40, 0.60,
           "AARP Foundation MLM survey, 2018: 'nearly half lost money'"),
    Target("C2", "share_break_even", 0.15, 0.35,
           "AARP 2018: 'a quarter made no money'"),
    Target("C3", "share_profit", 0.15, 0.35,
           "AARP 2018 (the remainder, about a quarter)"),
    Target("C4", "first_year_dropout_share", 0.40, 0.60,
           "AARP 2018 ('about half quit within the first year'); Young Living 2018 income "
           "disclosure: 47 % of one year's enrollees made no purchase the next year"),
    Target("C5", "annual_turnover", 0.40, 0.90,
           "Direct Selling Association: 43.3 % (US, 2018); Pyramid Scheme Alert 2008: 60-90 %"),
    Target("C6", "median_gross_per_year_full_year", -INF, 1000.0,
           "FTC staff report on 70 income disclosure statements, Sept 2024: 'the vast "
           "majority received $1,000 or less per year'"),
    Target("C7", "share_part_time", 0.90, INF,
           "BDD member survey: 96 % work as a side job"),
)  # fmt: skip
TAYLOR_LOSS_SHARE = 0.99  # Jon M. Taylor, The Case (for and) against MLM, ch. 7


def target_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Every target: the simulated mean and 90 % range, the band, the source, holds?"""
    rows = []
    for target in TARGETS:
        values = pd.to_numeric(outcomes[target.outcome], errors="coerce").dropna()
        mean = float(values.mean()) if len(values) else float("nan")
        rows.append({
            "target": target.id,
            "outcome": target.outcome,
            "mean": mean,
            "p5": float(values.quantile(0.05)) if len(values) else float("nan"),
            "p95": float(values.quantile(0.95)) if len(values) else float("nan"),
            "lo": target.lo,
            "hi": target.hi,
            "holds": target.holds(mean) if not np.isnan(mean) else False,
            "runs": len(values),
            "source": target.source,
        })  # fmt: skip
    return pd.DataFrame(rows)


def validate(
    scenario: Scenario, runs: int = MIN_RUNS, **experiment_kw
) -> tuple[pd.DataFrame, Experiment]:
    """Run the scenario ``runs`` times and compare it with every target."""
    exp = run_experiment(scenario, runs, **experiment_kw)
    return target_table(exp.outcomes), exp
