"""networker-sim: an agent-based simulation of network marketing (docs/model.md)."""

from sim.resources import compiled_cache

compiled_cache()  # before any module compiles its rules (numba, cache=True)
