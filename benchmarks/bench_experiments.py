"""Throughput of experiments: replicates per minute at 1 and 2 workers, the speed-up, and
the overhead of the Dask path against the local process pool.

Target (issue 13): a parallel efficiency of at least 0.85 with 2 workers on 2 cores for the
baseline (a speed-up of 1.7).
Each configuration runs the same replicates (the same master seed); the pool's or the
cluster's start-up is part of the measured time, as it is for a user, the one-time loading
of the compiled rules is not (it is paid before either).

    uv run python benchmarks/bench_experiments.py [--runs 40] [--size 10000]
"""

from __future__ import annotations

import argparse
import time


def timed(label: str, fn) -> float:
    started = time.perf_counter()
    exp = fn()
    wall = time.perf_counter() - started
    n = len(exp.outcomes)
    print(f"{label:<34} {wall:8.1f} s  {60 * n / wall:8.1f} replicates/min  ({n} replicates)")
    return wall


def main() -> None:
    from sim.experiments import run_experiment
    from sim.scenario import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    scenario = load_scenario("baseline", {"population.size": args.size})
    # the compiled rules are loaded once per process, before both: whichever configuration
    # ran first would otherwise pay it alone
    from sim.model import run

    run(load_scenario("baseline", {"population.size": 300, "simulation.weeks": 8}))
    print(f"baseline, {args.size:,} people, {scenario.simulation.weeks} weeks, {args.runs} runs")
    one = timed("local, 1 worker", lambda: run_experiment(scenario, args.runs, workers=1))
    two = timed("local pool, 2 workers", lambda: run_experiment(scenario, args.runs, workers=2))
    speedup = one / two
    print(f"speed-up with 2 workers: {speedup:.2f} (parallel efficiency {speedup / 2:.0%})")
    if args.no_dask:
        return
    from distributed import Client, LocalCluster

    def on_dask():
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            return run_experiment(scenario, args.runs, executor=client.get_executor(), workers=2)

    dask = timed("Dask LocalCluster, 2 workers", on_dask)
    print(
        f"Dask overhead against the local pool: {dask / two - 1:+.0%} "
        f"({dask - two:+.1f} s, cluster start-up included)"
    )


if __name__ == "__main__":
    main()
