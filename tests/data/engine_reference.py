"""Writes engine_reference.csv: the baseline's outcomes from the engine before the bulk
week (issue 13), so that tests/test_engine.py can compare the engine of today with it.

    uv run python tests/data/engine_reference.py   # at the commit whose engine is the reference

20 replicates (master seed 7, not the validation's 42) at the first three validation
points (the baseline, tolerance_mean 2 and 8), one row per replicate and point. Written
again whenever the rules change on purpose (issue 21: the market lives); an engine that
only runs the same rules faster must reproduce it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from sim.experiments import run_experiment
from sim.scenario import load_scenario
from sim.validation import TOLERANCE_POINTS

OUT = Path(__file__).with_suffix(".csv")
MASTER_SEED = 7
RUNS = 20
POINTS = [{}, *TOLERANCE_POINTS]  # the baseline as it is, and at the tolerances of C10


def main() -> None:
    exp = run_experiment(load_scenario("baseline"), RUNS, POINTS,
                         master_seed=MASTER_SEED, workers=2)  # fmt: skip
    numeric = exp.outcomes.select_dtypes("number")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()  # fmt: skip
    with OUT.open("w") as f:
        f.write(f"# engine reference: commit {commit}, master seed {MASTER_SEED}\n")
        numeric.to_csv(f, index=False)
    print(f"{OUT}: {len(numeric)} rows, {len(numeric.columns)} columns")


if __name__ == "__main__":
    main()
