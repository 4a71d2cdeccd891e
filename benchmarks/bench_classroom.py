"""Speed of the classroom materials: the handout of the baseline (PDF and HTML, 10 runs on
2 workers) and the regeneration of all six lessons (10 runs of each of their 7 scenarios).

A teacher waits for a handout at the command line; it should take well under a minute.

    uv run python benchmarks/bench_classroom.py [--runs 10]
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    from sim.lessons import measure_all
    from sim.report import build_report
    from sim.scenario import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    scenario = load_scenario("baseline")
    for fmt in ("pdf", "html"):
        started = time.perf_counter()
        data = build_report(scenario, "de", fmt, runs=args.runs, workers=2)
        took = time.perf_counter() - started
        print(f"handout baseline ({fmt}, {args.runs} runs, 2 workers): {took:.1f} s, "
              f"{len(data) / 1024:.0f} KiB")  # fmt: skip
    started = time.perf_counter()
    measure_all(args.runs, workers=2)
    print(f"all six lessons ({args.runs} runs per scenario, 2 workers): "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
