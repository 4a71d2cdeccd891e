"""The compiled rules mean what their Python says (issue 22): every scenario of the library,
on small random worlds, gives the same run bit for bit with the rules compiled (numba) and
run as plain Python (``NUMBA_DISABLE_JIT=1``). The day a compiled rule and its Python
meaning part (a numba-only shortcut, an integer that overflows only when compiled, a random
draw numba makes differently), this test names the scenario where they did.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from sim.scenario import library_names

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

RUN = """
import hashlib, json, sys
import pandas as pd
from sim.model import run
from sim.scenario import load_scenario

out = {}
for world in json.loads(sys.argv[1]):
    scenario = load_scenario(world["scenario"]).with_overrides(world["set"])
    if scenario.simulation.company_age_years:  # an established company: a short history
        scenario = scenario.with_overrides(
            {"simulation.company_age_years": world["history_years"]})
    result = run(scenario, world["seed"])
    digest = hashlib.sha256()
    for table in (result.weekly, result.networkers):
        digest.update(pd.util.hash_pandas_object(table, index=True).values.tobytes())
        digest.update(",".join(table.columns).encode())
    out[world["scenario"]] = [result.summary["ever_joined"], digest.hexdigest()]
print(json.dumps(out))
"""


def runs(compiled: bool) -> dict[str, list]:
    env = dict(os.environ)
    env.pop("NUMBA_DISABLE_JIT", None)
    if not compiled:
        env["NUMBA_DISABLE_JIT"] = "1"
    done = subprocess.run([sys.executable, "-c", RUN, json.dumps(WORLDS)], env=env,
                          capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_rules_give_the_same_runs_compiled_and_uncompiled() -> None:
    compiled, plain = runs(compiled=True), runs(compiled=False)
    assert set(compiled) == set(library_names())
    assert sum(joined for joined, _ in compiled.values()) > 10 * len(compiled)  # real runs
    parted = {
        name: (compiled[name], plain[name]) for name in compiled if compiled[name] != plain[name]
    }
    assert parted == {}, f"compiled and uncompiled rules part in: {parted}"
