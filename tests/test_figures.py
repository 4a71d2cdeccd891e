"""The validation figures (``networker-sim validate --out``) and the established-company
figure of docs/calibration.md: each is drawn from the tables it is given and saved."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.figures import established_company, write_validation_figures
from sim.model import run
from sim.scenario import load_scenario
from sim.validation import TARGETS


@pytest.fixture(scope="module")
def pooled() -> pd.DataFrame:
    """Two small launches as the pooled networker table of an experiment."""
    scenario = load_scenario("hype_launch", {"population.size": 800, "simulation.weeks": 60})
    tables = [run(scenario, seed).networkers.assign(point=0, replicate=seed) for seed in (1, 2)]
    return pd.concat(tables, ignore_index=True)


def test_the_validation_figures_are_written(tmp_path, pooled) -> None:
    table = pd.DataFrame([
        {"target": t.id, "mean": 0.3, "p5": 0.2, "p95": 0.4, "lo": t.lo, "hi": t.hi}
        for t in TARGETS
    ])  # fmt: skip
    names = write_validation_figures(tmp_path, table, pooled, 60)
    assert names == ["outcome_shares.png", "survival.png", "gross_income.png"]
    for name in names:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_table_without_target_c4_is_refused(tmp_path, pooled) -> None:
    table = pd.DataFrame([{"target": "C1", "mean": 0.3, "p5": 0.2, "p95": 0.4, "lo": 0, "hi": 1}])
    with pytest.raises(KeyError):
        write_validation_figures(tmp_path, table, pooled, 60)
    assert list(tmp_path.iterdir()) == []


def test_the_established_company_figure_shows_history_view_and_yearly_means() -> None:
    history = np.full((2, 104), 50.0)
    view = np.tile(np.arange(3 * 52, dtype=float), (2, 1))  # three years, rising
    fig = established_company(history, view)
    ax = fig.axes[0]
    steps = ax.lines[2].get_ydata()  # the yearly means of the view, as a step line
    assert list(steps) == [25.5, 77.5, 129.5, 129.5]
    assert len(ax.patches) == 1  # C11's band around the second year
    assert ax.lines[0].get_xdata()[-1] == 0  # the history ends at week 0
