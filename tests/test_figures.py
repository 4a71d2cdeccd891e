"""The survival curves of the validation figures and the handout (sim/figures.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.figures import survival_curves


def test_survival_is_kaplan_meier_with_the_still_active_censored():
    # four joiners over 10 weeks: gone after 1 and after 3 weeks; one joined in week 8 and
    # is still active (seen 2 weeks); one active from week 0 to the end
    people = pd.DataFrame(
        {"point": 0, "replicate": 0, "join_week": [0, 0, 8, 0], "exit_week": [1, 3, -1, -1]}
    )
    curve = survival_curves(people, 10)[0]
    assert curve[0] == 1.0
    assert curve[1] == 0.75  # one of four left
    assert curve[2] == 0.75  # the late joiner is censored, not counted as gone
    assert curve[3] == 0.375  # one of the two still seen at week 3 left
    assert np.all(curve[3:] == 0.375)


def test_survival_never_rises_although_later_cohorts_differ():
    rng = np.random.default_rng(1)
    early = pd.DataFrame({"join_week": 0, "exit_week": -1}, index=range(30))  # stay
    late = pd.DataFrame(
        {"join_week": rng.integers(1, 100, 500), "exit_week": -1}
    )  # leave within 4 weeks
    late["exit_week"] = np.minimum(late.join_week + rng.integers(0, 5, 500), 100)
    people = pd.concat([early, late], ignore_index=True).assign(point=0, replicate=0)
    curve = survival_curves(people, 104)[0]
    seen = curve[~np.isnan(curve)]
    assert np.all(np.diff(seen) <= 1e-12)
    assert seen[-1] > 0  # the founders who stay
