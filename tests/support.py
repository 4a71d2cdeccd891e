"""Helpers shared by the tests."""

from __future__ import annotations

import time
from collections.abc import Callable
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


def wait_for(
    condition: Callable[[], Any],
    what: str,
    timeout: float,
    poll: float = 0.1,
    detail: Callable[[], str] | None = None,
) -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds,
    saying what was awaited (and ``detail()``, the state that explains a wait)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f" ({detail()})" if detail else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{extra}")
        time.sleep(poll)
