"""The compiled rules mean what their Python says (issue 22): every scenario of the library,
on small random worlds, gives the same run bit for bit with the rules compiled (numba) and
run as plain Python (``NUMBA_DISABLE_JIT=1``). The day a compiled rule and its Python
meaning part (a numba-only shortcut, an integer that overflows only when compiled, a random
draw numba makes differently), this test names the scenario where they did.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.model import run
from sim.scenario import library_names, load_scenario

# Small worlds drawn once from a fixed seed: a size, a short history, a horizon, a seed and a
# denser or sparser social graph, per scenario of the library.
_draw = np.random.default_rng(22)
WORLDS = [
    {
        "scenario": name,
        "seed": int(_draw.integers(2**31)),
        "set": {
            "population.size": int(_draw.integers(400, 1500)),
            "population.mean_degree": float(np.round(_draw.uniform(40, 160))),
            "simulation.weeks": int(_draw.integers(20, 60)),
        },
        "history_years": int(_draw.integers(1, 3)),
    }
    for name in library_names()
]


def digests(worlds: list[dict]) -> dict[str, list]:
    """Each world's run: how many joined, and a digest of its weekly and networker tables."""
    out = {}
    for world in worlds:
        scenario = load_scenario(world["scenario"]).with_overrides(world["set"])
        if scenario.simulation.company_age_years:  # an established company: a short history
            years = {"simulation.company_age_years": world["history_years"]}
            scenario = scenario.with_overrides(years)
        result = run(scenario, world["seed"])
        digest = hashlib.sha256()
        for table in (result.weekly, result.networkers):
            digest.update(pd.util.hash_pandas_object(table, index=True).values.tobytes())
            digest.update(",".join(table.columns).encode())
        out[world["scenario"]] = [result.summary["ever_joined"], digest.hexdigest()]
    return out


# The same, in a process whose rules run as plain Python.
UNCOMPILED = """
import json, sys
sys.path.insert(0, sys.argv[1])
from test_uncompiled import digests
print(json.dumps(digests(json.loads(sys.argv[2]))))
"""


def uncompiled(worlds: list[dict]) -> dict[str, list]:
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    argv = [sys.executable, "-c", UNCOMPILED, str(Path(__file__).parent), json.dumps(worlds)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def same_runs(worlds: list[dict]) -> None:
    compiled, plain = digests(worlds), uncompiled(worlds)
    assert set(compiled) == {world["scenario"] for world in worlds}
    assert all(joined > 10 for joined, _ in compiled.values())  # real runs, not empty ones
    parted = {
        name: (compiled[name], plain[name]) for name in compiled if compiled[name] != plain[name]
    }
    assert parted == {}, f"compiled and uncompiled rules part in: {parted}"


def test_the_baseline_runs_the_same_compiled_and_uncompiled() -> None:
    """The fast loop's check: the established baseline, its market renewing."""
    same_runs([world for world in WORLDS if world["scenario"] == "baseline"])


@pytest.mark.slow
def test_every_scenario_runs_the_same_compiled_and_uncompiled() -> None:
    same_runs(WORLDS)
