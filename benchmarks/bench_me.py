"""Speed of "What would happen to me?": 1,000 futures on the local pool, and how soon the
dashboard page has a first answer when its worker pool is already running.

Targets (issue 6): 1,000 futures in under 20 s on 2 cores for the baseline; the page shows
first results within 3 s and refines them as more futures finish.

    uv run python benchmarks/bench_me.py [--futures 1000]
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    from sim.experiments import local_executor
    from sim.me import Profile, what_would_happen
    from sim.scenario import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--futures", type=int, default=1000)
    args = parser.parse_args()
    scenario = load_scenario("baseline")
    started = time.perf_counter()
    what_would_happen(scenario, Profile(), args.futures, workers=2)
    cold = time.perf_counter() - started
    print(f"{args.futures} futures, 2 workers, pool started for the call: {cold:.1f} s")
    pool = local_executor(2)
    pool.submit(int).result()  # the dashboard starts its pool when the page opens
    first: list[float] = []
    started = time.perf_counter()
    what_would_happen(scenario, Profile(), 400, executor=pool,
                      on_partial=lambda o: first.append(time.perf_counter() - started))  # fmt: skip
    total = time.perf_counter() - started
    pool.shutdown()
    print(
        f"dashboard page (400 futures, warm pool): first answer after {first[0]:.1f} s, "
        f"{len(first)} refinements, whole answer after {total:.1f} s"
    )


if __name__ == "__main__":
    main()
