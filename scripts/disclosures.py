"""Compute the scenario library's income disclosures at company scale and write them to
``disclosures/<name>.json`` (shipped in the wheel as ``sim/_data/disclosures``), where
``networker-sim disclosure`` and the report read them at once instead of computing for
most of a minute (``sim.disclosure.stored_disclosure``).

Run it after a change to the model, a library scenario or the package's version (a stored
disclosure whose key no longer matches is ignored, and computed again in the user's
cache): ``uv run python scripts/disclosures.py [NAME ...]``; every scenario of the library
by default, one after the other (a run at 10^6 people needs about 2 GB).
``tests/test_disclosure.py::test_the_shipped_baseline_is_what_the_model_gives`` (slow)
recomputes the baseline's and compares.
"""

from __future__ import annotations

import sys
import time

from sim.disclosure import SHIPPED_FOLDER, disclose, disclosure_json
from sim.resources import require_checkout
from sim.results import write_atomic
from sim.scenario import library_names, load_scenario


def main(names: list[str]) -> int:
    folder = require_checkout("scripts/disclosures.py", SHIPPED_FOLDER) / SHIPPED_FOLDER
    folder.mkdir(exist_ok=True)
    for name in names or library_names():
        started = time.perf_counter()
        d = disclose(load_scenario(name))
        write_atomic(folder / f"{name}.json", disclosure_json(d))
        seconds = time.perf_counter() - started
        print(f"{name}: {d.people:,} people, {d.truth.members:,} members, {seconds:.0f} s",
              flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
