"""The estimates of ``sim.workload`` against the measured time of the jobs they estimate:
``montecarlo`` at 10^3, 10^4 and 10^5 people, a sweep over weeks, and ``me``. Each job
runs through the command line in a fresh process (as a user starts it, start-up
included), and the table shows the estimate, the wall time, and their ratio; the
constants in ``sim/workload.py`` come from these figures (a ratio near 1 on two cores).

    uv run python benchmarks/bench_workload.py [--workers 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

JOBS = [
    ("montecarlo 10^3 x 200", ["montecarlo", "baseline", "--set", "population.size=1000",
                               "--runs", "200"]),
    ("montecarlo 10^4 x 100", ["montecarlo", "baseline", "--runs", "100"]),
    ("montecarlo 10^5 x 10", ["montecarlo", "baseline", "--set", "population.size=100000",
                              "--runs", "10"]),
    ("sweep weeks 52..520 x 20", ["sweep", "baseline", "--vary",
                                  "simulation.weeks=52,156,260,520", "--runs", "20"]),
    ("me 400 futures", ["me", "--hours", "6", "--friends", "80", "--join-after-weeks", "104"]),
    ("me 2,000 futures", ["me", "--futures", "2000"]),
]  # fmt: skip


def estimated(argv: list[str], workers: int) -> float:
    """The estimate the command line makes for ``argv`` (sim.workload)."""
    from sim.experiments import grid, parse_vary
    from sim.profile import FOCAL_PER_REPLICATE, months_to_weeks
    from sim.scenario import load_scenario, parse_set
    from sim.workload import estimate

    command = argv[0]
    if command == "me":
        futures = int(argv[argv.index("--futures") + 1]) if "--futures" in argv else 400
        join = (
            int(argv[argv.index("--join-after-weeks") + 1]) if "--join-after-weeks" in argv else 0
        )
        scenario = load_scenario("baseline", {"simulation.weeks": join + months_to_weeks(24)})
        runs = -(-futures // FOCAL_PER_REPLICATE)
        return estimate([scenario], runs, workers, futures=futures).seconds
    sets = [argv[i + 1] for i, a in enumerate(argv) if a == "--set"]
    scenario = load_scenario(argv[1], parse_set(sets))
    runs = int(argv[argv.index("--runs") + 1])
    if command == "sweep":
        points = grid(parse_vary([argv[argv.index("--vary") + 1]]))
        return estimate([scenario.with_overrides(p) for p in points], runs, workers).seconds
    return estimate([scenario], runs, workers).seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "sim.cli", "run", "baseline", "--weeks", "2"],
                   capture_output=True, check=True)  # the compiled rules, loaded once  # fmt: skip
    print(f"{'job':<26} {'estimate':>9} {'measured':>9} {'ratio':>6}")
    for name, argv in JOBS:
        cmd = [sys.executable, "-m", "sim.cli", *argv, "--workers", str(args.workers), "--json"]
        started = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        took = time.perf_counter() - started
        guess = estimated(argv, args.workers)
        print(f"{name:<26} {guess:>8.1f}s {took:>8.1f}s {took / guess:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
