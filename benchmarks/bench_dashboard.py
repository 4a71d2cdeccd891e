"""Speed of the dashboard's frame: one week's step plus the redraw of the charts.

For each population size: the model runs to week 52, then every frame is timed as the
play loop does it: step one week, take the snapshot the charts read, and draw the live
charts (income heat map, net-income histogram, people) as PNG images. The charts are
the dashboard's own objects, which draw their axes once and then only the data. The charts that
redraw every fourth frame while playing (survival, saturation, Lorenz) are timed apart.
Target (issue 4): step plus redraw under 150 ms at 10^4 people.

    uv run python benchmarks/bench_dashboard.py [--sizes 10000,100000] [--frames 20]
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    from dashboards import charts
    from dashboards.view import snapshot
    from sim.model import NetworkMarketingModel
    from sim.scenario import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--frames", type=int, default=20)
    args = parser.parse_args()
    print("frame = step one week + snapshot + live charts as PNG; ms, median (max)")
    print(
        f"{'people':>9} {'step':>12} {'snapshot':>12} {'live charts':>14} {'frame':>14} "
        f"{'slow charts':>14}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        model = NetworkMarketingModel(load_scenario("baseline", {"population.size": size}))
        for _ in range(52):
            model.step()
        live = [chart(model.params.simulation.weeks, "en") for chart in charts.LIVE_CHARTS.values()]
        slow = [chart(model.params.simulation.weeks, "en") for chart in charts.SLOW_CHARTS.values()]
        times: dict[str, list[float]] = {k: [] for k in ("step", "snap", "live", "slow")}
        for _ in range(args.frames):
            t0 = time.perf_counter()
            model.step()
            t1 = time.perf_counter()
            view = snapshot(model)
            t2 = time.perf_counter()
            for chart in live:
                chart.frame(view)
            t3 = time.perf_counter()
            for chart in slow:
                chart.frame(view)
            t4 = time.perf_counter()
            for key, dt in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                times[key].append(1000 * dt)
        frame = [
            a + b + c for a, b, c in zip(times["step"], times["snap"], times["live"], strict=True)
        ]

        def cell(xs: list[float]) -> str:
            return f"{statistics.median(xs):.0f} ({max(xs):.0f})"

        print(
            f"{size:>9,} {cell(times['step']):>12} {cell(times['snap']):>12} "
            f"{cell(times['live']):>14} {cell(frame):>14} {cell(times['slow']):>14}"
        )


if __name__ == "__main__":
    main()
