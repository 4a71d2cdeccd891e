"""What the charts show of a running model: a snapshot of its records at one week.

The dashboard never computes statistics from agents: it copies the records the model
keeps (weekly series, the per-networker ledger) into a ``View`` that charts read. The play
loop makes the snapshot between steps, so a chart never sees a model halfway through a
week.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.metrics import (
    gini,
    indicators,
    median_weeks_to_dropout,
    outcome_shares,
    pyramid_risk,
    top_share,
)
from sim.model import NetworkMarketingModel
from sim.scenario import Scenario


@dataclass(frozen=True)
class View:
    """The model's records at ``week`` (weekly series up to that week, ledger columns)."""

    scenario: str
    week: int
    weeks: int
    population: int
    series: pd.DataFrame
    income_hist: np.ndarray
    net: np.ndarray
    gross: np.ndarray
    rewards: np.ndarray
    join_week: np.ndarray
    exit_week: np.ndarray
    exit_reason: np.ndarray
    sponsor: np.ndarray  # who enrolled each networker (-1 for founders): the recruitment tree
    risk: str
    risk_parts: list[dict]
    params: Scenario | None = None  # the run's scenario, resolved
    seed: int | None = None  # the run's seed

    @property
    def run(self) -> Hashable:
        """What determines the run (``run_of``): views of one run at one week are equal."""
        return None if self.params is None else (self.params, self.seed)

    @property
    def ever_joined(self) -> int:
        return len(self.net)

    @property
    def active(self) -> int:
        """Networkers active now."""
        return int(np.count_nonzero(self.exit_week < 0))

    @property
    def finished(self) -> bool:
        return self.week >= self.weeks

    def shares(self) -> tuple[float, float, float]:
        """Shares of everyone who ever joined with a loss, about break-even, a profit
        (NaN before anyone joined)."""
        s = outcome_shares(self.net)
        return s["share_net_loss"], s["share_break_even"], s["share_profit"]

    def gini_gross(self) -> float:
        return gini(self.gross)

    def top1_share(self) -> float:
        return top_share(self.rewards)

    def median_weeks_to_dropout(self) -> float:
        return median_weeks_to_dropout(self.join_week, self.exit_week)


def run_of(model: NetworkMarketingModel) -> Hashable:
    """What determines a model's every week: its resolved scenario and its seed (the model
    is reproducible), so two models with the same run show the same at the same week."""
    return (model.params, model.seed)


def snapshot(model: NetworkMarketingModel) -> View:
    """Copy what the charts need from the model at its current week."""
    lg = model.ledger
    week = model.week
    series = model.series.frame(week)
    rewards = lg.commission + lg.recruiting_reward
    totals = model.indicator_totals()
    frame = pd.DataFrame({"commission": lg.commission, "recruiting_reward": lg.recruiting_reward})
    risk, parts = pyramid_risk(indicators(totals, frame))
    return View(
        scenario=model.params.name,
        week=week,
        weeks=model.params.simulation.weeks,
        population=model.population.size,
        series=series,
        income_hist=model.series.income_hist[:week].copy(),
        net=lg.net.copy(),
        gross=lg.gross.copy(),
        rewards=rewards,
        join_week=lg.join_week.copy(),
        exit_week=lg.exit_week.copy(),
        exit_reason=lg.exit_reason.copy(),
        sponsor=lg.first_sponsor.copy(),
        risk=risk,
        risk_parts=parts,
        params=model.params,
        seed=model.seed,
    )
