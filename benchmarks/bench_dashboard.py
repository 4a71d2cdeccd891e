"""Speed of the dashboard's Step: the model's week, the snapshot and the charts it redraws.

For each population size the model runs to week 52; then every Step is timed as the
dashboard does it: step one week, take the snapshot the page shows, and draw the seven
charts of the simulation page (the recruitment tree among them) as PNG images (the
first viewer of a run and week draws; ``dashboards.drawing`` shares the result), for a
desktop and for a phone (the "phone" rows: drawn narrow, its type readable there).
Target (issue 13): under 50 ms at 10^4 people. A second viewer of the same run and week
pays only the look-up, timed apart.

Then the page itself, in this process (``solara.render``, no browser, no network): what a
new visitor's page costs the server to build, and what a Step costs it to render (the
charts already drawn, as for every student but the first). For real browsers and a whole
class see benchmarks/load_classroom.py.

    uv run python benchmarks/bench_dashboard.py [--sizes 10000,100000] [--steps 20]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

SHORT = {"income_heatmap": "heat", "net_histogram": "hist", "survival": "surv",
         "saturation": "satur"}  # fmt: skip


def cell(xs: list[float]) -> str:
    return f"{statistics.median(xs):.1f} ({max(xs):.1f})"


def step_figures(size: int, steps: int, narrow: bool = False) -> dict[str, list[float]]:
    """Milliseconds per Step: model, snapshot, each chart (drawn for a phone where
    ``narrow``), and a second viewer's look-up."""
    from dashboards import charts, drawing
    from dashboards.live import NARROW_DPI
    from dashboards.view import snapshot
    from sim.model import NetworkMarketingModel
    from sim.scenario import load_scenario

    model = NetworkMarketingModel(load_scenario("baseline", {"population.size": size}))
    for _ in range(52):
        model.step()
    # the charts as the dashboard keeps them: one object per chart, drawn for every run
    dpi = NARROW_DPI if narrow else charts.DPI
    painters = {name: chart(model.params.simulation.weeks, "en", dpi=dpi, narrow=narrow)
                for name, chart in charts.ALL_CHARTS.items()}  # fmt: skip
    for painter in painters.values():  # the backgrounds, drawn once per server
        painter.frame(snapshot(model))
    times: dict[str, list[float]] = {k: [] for k in ("step", "snapshot", *painters, "again")}
    for _ in range(steps):
        t0 = time.perf_counter()
        model.step()
        t1 = time.perf_counter()
        view = snapshot(model)
        times["step"].append(1000 * (t1 - t0))
        times["snapshot"].append(1000 * (time.perf_counter() - t1))
        for name, painter in painters.items():
            t2 = time.perf_counter()
            # image, words and the size of its type
            data = drawing.Drawn(painter.frame(view), painter.said(view),
                                 painter.smallest_type_px())  # fmt: skip
            times[name].append(1000 * (time.perf_counter() - t2))
            drawing.images.put((view.run, view.week, name, "en", dpi, narrow), data,
                               len(data.png))  # fmt: skip
        drawing.views.put((view.run, view.week), view, 0)
        t3 = time.perf_counter()  # a second viewer: the same run and week
        again = drawing.view_at(model)
        for name in painters:
            drawing.chart_png(name, again, "en", dpi, narrow)
        times["again"].append(1000 * (time.perf_counter() - t3))
    return times


def page_figures(steps: int) -> tuple[list[float], list[float]]:
    """CPU milliseconds of building a new page, and of rendering a Step (charts drawn)."""
    import solara

    from dashboards import state
    from dashboards.app import Page

    def settled() -> None:
        while any(t.name.endswith("(runner)") and t.is_alive() for t in threading.enumerate()):
            time.sleep(0.002)

    starts, renders = [], []
    for attempt in range(4):
        state.model.value, state.view.value = None, state.FIRST_VIEW
        c0 = time.process_time()
        _, rc = solara.render(Page(), handle_error=False)
        settled()
        starts.append(1000 * (time.process_time() - c0))
        for _ in range(steps // 4):
            c1 = time.process_time()
            state.step(1)
            settled()
            if attempt:  # the first visitor draws the weeks; the others find them drawn
                renders.append(1000 * (time.process_time() - c1))
        rc.close()
    return starts[1:], renders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    from dashboards import charts

    print("ms per Step, median (max); a Step = model week + snapshot + every chart")
    names = tuple(charts.ALL_CHARTS)
    short = tuple(SHORT.get(name, name) for name in names)
    print(f"{'people':>15} {'Step':>12} {'model':>10} {'snapshot':>10} "
          + " ".join(f"{s:>10}" for s in short) + f" {'2nd viewer':>11}")  # fmt: skip
    rows = [(int(s), narrow) for s in args.sizes.split(",") for narrow in (False, True)]
    for size, narrow in rows:  # a desktop's charts, then a phone's (``live.NARROW_DPI``)
        times = step_figures(size, args.steps, narrow)
        total = [sum(parts) for parts in zip(*(times[k] for k in ("step", "snapshot", *names)),
                                             strict=True)]  # fmt: skip
        who = f"{size:,}{' phone' if narrow else ''}"
        print(f"{who:>15} {cell(total):>12} {cell(times['step']):>10} "
              f"{cell(times['snapshot']):>10} " + " ".join(f"{cell(times[n]):>10}" for n in names)
              + f" {cell(times['again']):>11}")  # fmt: skip
    starts, renders = page_figures(args.steps)
    print("the page in this process (10,000 people), CPU ms, median (max):")
    print(f"  a new visitor's page built: {cell(starts)}")
    print(f"  a Step rendered, charts already drawn: {cell(renders)}")


if __name__ == "__main__":
    main()
