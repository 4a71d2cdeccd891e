"""Helpers shared by the tests."""

from __future__ import annotations

from typing import Any

from sim.model import NetworkMarketingModel
from sim.scenario import Scenario


def small_model(size: int, seed: int, overrides: dict[str, Any] | None = None):
    """A small market with one inexperienced founder and no followings."""
    base = {
        "population.size": size,
        "population.founders": 1,
        "experienced.founder_share": 0.0,
        "experienced.share": 0.0,
        "experienced.following_mean": 0.0,
    }
    scenario = Scenario().with_overrides({**base, **(overrides or {})})
    return NetworkMarketingModel(scenario, seed=seed)
