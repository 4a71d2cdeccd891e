"""Peak memory of one run, for the estimate in ``sim/memory.py`` and the README.

Runs ``networker-sim run baseline --json`` in a fresh process per size (and per number of
acquaintances) and prints its peak resident memory (``ru_maxrss`` of the child), the
people who ever joined, and the fit the estimate uses: a fixed part for a process that has
imported the model, plus bytes a person and bytes a tie.

    uv run python benchmarks/bench_memory.py [--sizes 10000,100000,1000000] [--degrees 5,80]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

# the child reports its own peak, whatever ran before it
CHILD = """import resource, sys
from sim.cli import main
code = main(sys.argv[1:])
sys.stderr.write(f"MAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n")
sys.exit(code)
"""


def peak(args: list[str]) -> tuple[float, dict]:
    """Peak RSS in MiB of ``networker-sim`` with ``args``, and its JSON summary."""
    cmd = [sys.executable, "-c", CHILD, *args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=dict(os.environ))
    kib = int(out.stderr.rsplit("MAXRSS", 1)[1].split()[0])
    return kib / 1024, json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,300000,1000000,5000000")
    parser.add_argument("--degrees", default="5,80", help="mean_degree at 10^5 people")
    args = parser.parse_args()
    rows = []
    cases = [(int(s), 20.0) for s in args.sizes.split(",")]
    cases += [(100_000, float(d)) for d in args.degrees.split(",") if d]
    print(f"{'people':>10} {'ties':>5} {'peak MiB':>9} {'ever joined':>12}")
    for size, degree in cases:
        mib, summary = peak(["run", "baseline", "--json", "--set", f"population.size={size}",
                             "--set", f"population.mean_degree={degree:g}"])  # fmt: skip
        rows.append((size, degree, mib))
        print(f"{size:>10,} {degree:>5g} {mib:>9,.0f} {summary['ever_joined']:>12,}")
    sizes = np.array([r[0] for r in rows], dtype=float)
    ties = np.array([r[0] * r[1] for r in rows], dtype=float)
    mib = np.array([r[2] for r in rows])
    fit, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(rows)), sizes, ties]), mib * 2**20)
    print(f"fit: {fit[0] / 2**20:,.0f} MiB + {fit[1]:,.0f} bytes a person + {fit[2]:,.1f} "
          f"bytes a tie")  # fmt: skip


if __name__ == "__main__":
    main()
