"""The organisations of the established baseline at its 20th year (docs/calibration.md §2b, D3).

Runs the baseline's history (the launch and ``company_age_years`` years, the history's own
seed, as ``sim.model.establish`` does) at a market size, and reports what decides the highest
income: the size and depth of the largest organisations (active downline of each active
member), how long their leaders have been members, their hours and skill, how many of their
recruits stayed, the largest monthly group volume against the rank thresholds, and why the
networkers who once led large organisations left.

    uv run python benchmarks/organisations.py 1000000
    uv run python benchmarks/organisations.py 100000 dropout.life_fulltime_factor=1.0

A run at 10^6 people takes about a minute and 2 GB.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

import numpy as np

import sim.compensation as comp
from sim.model import WEEKS_PER_MONTH, NetworkMarketingModel, warm_up_seed
from sim.population import ExitReason
from sim.scenario import load_scenario


def main(size: int, overrides: dict[str, float]) -> None:
    s = load_scenario("baseline", {"population.size": size, **overrides})
    weeks = s.simulation.company_age_years * 52
    s = replace(s, simulation=replace(s.simulation, weeks=weeks, company_age_years=0))
    model = NetworkMarketingModel(s, warm_up_seed(s.simulation.seed), detailed=False)
    lg = model.ledger
    last_year = {"on": False, "gv": np.zeros(0), "ranks": np.zeros(11, dtype=np.int64)}
    pay = comp.pay

    def pay_and_watch(tree, vol, plan):  # the month's group volumes and ranks, last year
        out = pay(tree, vol, plan)
        if last_year["on"]:
            c = comp.climb(tree, vol, plan)
            gv = np.zeros(len(c.group))
            gv[: len(last_year["gv"])] = last_year["gv"]
            last_year["gv"] = np.maximum(gv, c.group)
            last_year["ranks"] = np.bincount(c.rank[tree.active] + 1, minlength=11)
        return out

    comp.pay = pay_and_watch
    largest = np.zeros(0, dtype=np.int64)  # the largest active group each ever led
    started = time.perf_counter()
    for week in range(1, weeks + 1):
        if week == weeks - 51:
            last_year["on"] = True
            gross_before = lg.gross.copy()
        model.step()
        if week % WEEKS_PER_MONTH == 0:
            largest = np.concatenate([largest, np.zeros(lg.n - len(largest), np.int64)])
            np.maximum(largest, lg.cols["group"][: lg.n], out=largest)
    comp.pay = pay
    n, c, act = lg.n, lg.cols, lg.active
    seconds = time.perf_counter() - started
    print(f"{size:,} people {overrides}: {seconds:.0f} s, ever joined {n:,}, active {act.sum():,}")
    gross = lg.gross - np.concatenate([gross_before, np.zeros(n - len(gross_before))])
    top5 = np.sort(gross)[-5:][::-1].round()
    print(f"highest gross income in the year (margin included): {top5}")
    sponsor = np.where(act, c["sponsor"][:n], -1).astype(np.int64)
    ids = np.flatnonzero(act)
    depth = comp.depths(sponsor)
    height = np.zeros(n, dtype=np.int64)
    for d in range(depth[ids].max(), 0, -1):
        below = ids[depth[ids] == d]
        np.maximum.at(height, sponsor[below], height[below] + 1)
    group = c["group"][:n]
    print(f"organisations {np.count_nonzero(sponsor[ids] < 0):,}; "
          f"largest {np.sort(group[ids])[-10:][::-1]}")  # fmt: skip
    first = c["first_sponsor"][:n]
    kept = np.bincount(first[act & (first >= 0)], minlength=n)
    recruited = np.bincount(first[first >= 0], minlength=n)
    years = (weeks - c["join_week"][:n]) / 52
    fulltime = c["fulltime_week"][:n] >= 0
    print("leader   group depth years hours skill fulltime recruits kept  rank  max GV  gross")
    for i in ids[np.argsort(-group[ids])][:12]:
        print(f"{i:7d} {group[i]:7d} {height[i]:5d} {years[i]:5.1f} {c['hours'][i]:5.1f} "
              f"{c['skill'][i]:5.2f} {fulltime[i]!s:8} {recruited[i]:8d} {kept[i]:4d} "
              f"{c['rank'][i]:5d} {last_year['gv'][i]:7.0f} {gross[i]:6.0f}")  # fmt: skip
    print(f"members for 10 years or more: {np.count_nonzero(years[ids] >= 10):,}; "
          f"went full-time: {np.count_nonzero(fulltime[ids]):,} of the active")  # fmt: skip
    reason = c["exit_reason"][:n]
    for size_led in (20, 100):
        led = np.flatnonzero(largest >= size_led)
        left = np.bincount(reason[led], minlength=len(ExitReason))
        career = (np.where(reason[led] > 0, c["exit_week"][led], weeks) - c["join_week"][led]) / 52
        print(f"ever led {size_led} or more: {len(led):,}, active {left[0]:,}, "
              + ", ".join(f"{r.label} {left[r]:,}" for r in ExitReason if r)
              + f"; median career {np.median(career):.1f} years")  # fmt: skip
    print(f"largest group ever: {np.sort(largest)[-5:][::-1]}")
    ranks = last_year["ranks"]
    print(f"ranks at the year's last month (none, then the ladder): {ranks}")
    print(f"largest monthly group volume in the year: EUR {last_year['gv'].max():,.0f} "
          f"(Silver 9,200, Gold 32,200)")  # fmt: skip
    leaders = ids[np.argsort(-group[ids])][:100]
    share_kept = kept[leaders].sum() / max(1, recruited[leaders].sum())
    print(f"the 100 largest organisations' leaders: median {np.median(years[leaders]):.1f} years, "
          f"{np.count_nonzero(fulltime[leaders])} went full-time, "
          f"{share_kept:.0%} of their recruits active")  # fmt: skip


if __name__ == "__main__":
    pairs = (arg.split("=", 1) for arg in sys.argv[2:])
    main(int(float(sys.argv[1])), {key: float(value) for key, value in pairs})
