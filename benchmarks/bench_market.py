"""Speed of an established company (issue 21): its history, the view, and `me` in it.

Prints, for the baseline at 10^5 people with a ten-year view: the time to build the company
of week 0 (twenty years of history, ``sim.model.establish``), the view with that company
taken from the process's cache (as every Reset of the dashboard and every future of `me`
take it), and both together; then `me` with the README's 400 futures on two workers, for
the baseline (10^4 people) as it is.
Targets: the ten-year view of 10^5 people in at most 3 s of simulation, its history reused;
`me` with 400 futures in at most 20 s on two cores.

    uv run python benchmarks/bench_market.py [--size 100000] [--weeks 520] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    from sim import model as sim_model
    from sim.me import Profile, what_would_happen
    from sim.model import NetworkMarketingModel, establish, prepare
    from sim.scenario import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--futures", type=int, default=400)
    args = parser.parse_args()
    prepare()  # the compiled rules loaded once, not timed
    history, view, both = [], [], []
    for seed in range(1, args.repeat + 1):
        scenario = load_scenario("baseline", {"population.size": args.size,
                                              "simulation.weeks": args.weeks,
                                              "simulation.seed": seed})  # fmt: skip
        sim_model._STARTS.clear()
        started = time.perf_counter()
        establish(scenario, seed)
        history.append(time.perf_counter() - started)
        started = time.perf_counter()
        model = NetworkMarketingModel(scenario, seed=seed)  # the company from the cache
        model.run()
        model.result()
        view.append(time.perf_counter() - started)
        both.append(history[-1] + view[-1])
    years = args.weeks // 52
    print(f"baseline, {args.size:,} people, a {years}-year view, seeds 1-{args.repeat} "
          "(median, min-max):")  # fmt: skip
    for label, times in (("history of 20 years (establish)", history),
                         (f"{years}-year view, history reused", view),
                         ("both", both)):  # fmt: skip
        print(f"  {label:<34} {statistics.median(times):6.2f} s  "
              f"({min(times):.2f}-{max(times):.2f})")  # fmt: skip
    scenario = load_scenario("baseline")
    profile = Profile(hours=6, tolerance=4, friends=80, join_week=104)
    started = time.perf_counter()
    what_would_happen(scenario, profile, args.futures, workers=2)
    print(f"me, {args.futures} futures (README example), 2 workers, pool started for the "
          f"call: {time.perf_counter() - started:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
