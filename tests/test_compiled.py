"""The compiled rules are compiled once and then loaded from numba's cache.

A rule that numba cannot cache (a function passed as an argument, say) is compiled anew in
every process: seconds before every run, every worker of an experiment and every start of the
dashboard. The session set-up (``tests/conftest.py``) has compiled everything once; a fresh
process must then find every compiled rule it uses in the cache.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CHECK = """
import json, sys
from numba.core.registry import CPUDispatcher
import sim.compensation, sim.metrics, sim.model, sim.networker, sim.population, sim.records
sim.model.prepare()
missed = {}
for module in (sim.compensation, sim.metrics, sim.model, sim.networker, sim.population,
               sim.records):
    for name, f in vars(module).items():
        if isinstance(f, CPUDispatcher) and f.stats.cache_misses:
            missed[f"{module.__name__}.{name}"] = len(f.stats.cache_misses)
print(json.dumps(missed))
"""


@pytest.mark.slow
def test_a_fresh_process_loads_every_compiled_rule_from_the_cache():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    missed = json.loads(out.stdout.strip().splitlines()[-1])
    assert missed == {}, f"compiled anew in a fresh process (not cached): {missed}"
