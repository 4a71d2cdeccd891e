"""What issue 21 measured from outside, measured again: the market an established baseline
lives in, over a ten-year view of 10^5 people.

Prints the yearly active series (the history before week 0 and the view), builders' share
in profit and median career by weekly hours, survival by joining year, who ever recruited,
and `me` for 2 h and 20 h a week joining after 104 weeks; with ``--figure`` it also draws the
active series of the history and the view (the figure of docs/calibration.md).

    uv run python benchmarks/living_market.py [--runs 4] [--size 100000] [--figure PATH]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

BANDS = [0, 2, 5, 10, 20, np.inf]


def one_run(size: int, weeks: int, seed: int) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    from sim.model import NetworkMarketingModel
    from sim.scenario import load_scenario

    scenario = load_scenario("baseline", {"population.size": size, "simulation.weeks": weeks})
    model = NetworkMarketingModel(scenario, seed=seed)
    model.run()
    result = model.result()
    return model.start.history["active"], result.weekly.active.to_numpy(), result.networkers


def yearly(series: np.ndarray) -> list[int]:
    years = len(series) // 52
    return series[-years * 52 :].reshape(years, 52).mean(axis=1).round().astype(int).tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--futures", type=int, default=400)
    parser.add_argument("--figure", help="write the figure of the active series here (PNG)")
    args = parser.parse_args()
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(one_run, [args.size] * args.runs, [args.weeks] * args.runs,
                             range(1, args.runs + 1)))  # fmt: skip
    history = np.array([h for h, _, _ in runs], dtype=float)
    view = np.array([v for _, v, _ in runs], dtype=float)
    tables = [t.assign(run=i) for i, (_, _, t) in enumerate(runs)]
    nw = pd.concat(tables, ignore_index=True)
    print(f"baseline, {args.size:,} people, {args.runs} runs (seeds 1-{args.runs}), means:")
    print("  yearly active, the history (years -20 to -1):", yearly(history.mean(axis=0)))
    print("  yearly active, the view (years 1 to 10):     ", yearly(view.mean(axis=0)))
    joined = nw[nw.join_week > 0]
    per_year = joined.groupby(joined.join_week // 52).size() / args.runs
    print("  joined per year of the view:", per_year.round().astype(int).tolist())
    print(f"  members of the view: {len(nw) / args.runs / args.size:.1%} of the market")

    tenure = nw.exit_week.where(nw.exit_week >= 0, args.weeks) - nw.join_week
    builders = nw.assign(tenure=tenure, band=pd.cut(nw.hours, BANDS))[nw.builder]
    table = builders.groupby("band", observed=True).agg(
        people=("hours", "size"),
        in_profit=("net_income", lambda x: f"{(x > 100).mean():.1%}"),
        median_career_weeks=("tenure", "median"),
    )
    print("\nbusiness builders by hours a week (everyone who was a member in the view):")
    print(table.to_string())

    print("\nsurvival by joining year of the view (those who joined in it):")
    rows = []
    for year in range(args.weeks // 52 - 1):
        cohort = joined[(joined.join_week // 52) == year]
        gone = lambda w, c=cohort: ((c.exit_week >= 0) & (c.exit_week - c.join_week <= w)).mean()  # noqa: E731
        rows.append({"year": year + 1, "people": len(cohort) // args.runs,
                     "active after 13 weeks": f"{1 - gone(13):.0%}",
                     "gone within 52 weeks": f"{gone(52):.0%}"})  # fmt: skip
    print(pd.DataFrame(rows).to_string(index=False))
    recruited = nw.recruits > 0
    print(f"\never recruited anyone: {recruited.mean():.1%} of everyone, "
          f"{recruited[nw.builder].mean():.1%} of builders, "
          f"{recruited[~nw.builder].mean():.1%} of product users")  # fmt: skip

    from sim.me import Profile, format_outlook, what_would_happen
    from sim.scenario import load_scenario

    for hours in (2, 20):
        profile = Profile(hours=hours, tolerance=4, friends=80, join_week=104)
        outlook = what_would_happen(load_scenario("baseline"), profile, args.futures, workers=2)
        print("\n" + "\n".join(format_outlook(outlook).splitlines()[:8]))

    if args.figure:
        from sim.figures import established_company

        established_company(history, view).savefig(args.figure)
        print(f"\nfigure written to {args.figure}")


if __name__ == "__main__":
    main()
