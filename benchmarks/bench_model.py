"""Speed of one run: the baseline at 10^4, 10^5 and 10^6 people over 260 weeks.

Prints the wall time of the view and, apart, of the established company's history before it
(20 years, built once per scenario and seed: sim.model.establish), networker-weeks per
second over both, contacts per second, peak memory, and the start-up: a tiny run before the
timed one, which loads the compiled rules (once a process).
Each size runs in a fresh process, so the peak memory is that run's own.
Targets (issue 13): 10^4 people in under 0.15 s; 10^6 in under 20 s and 2 GiB; at 10^5 and
10^6 at least 10 times the networker-weeks per second of the engine before it (97e8194,
measured with ``--against``).

    uv run python benchmarks/bench_model.py [--sizes 10000,100000,1000000] [--repeat 3]

``--against DIR`` also times the checkout in DIR (a worktree of an earlier commit, e.g.
``git worktree add /tmp/before <commit>``) in the same run, alternating the two for each
seed so that both see the same machine load, and prints the ratio of their throughputs.
Its children import ``sim`` from DIR (PYTHONPATH) with this environment's packages.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def one_run(size: int, weeks: int, seed: int) -> dict:
    from sim.model import run
    from sim.scenario import load_scenario

    scenario = load_scenario(
        "baseline", {"population.size": size, "simulation.weeks": weeks, "simulation.seed": seed}
    )
    # a tiny run first: it loads the compiled rules from their cache (or compiles them),
    # a cost paid once per process, not per run
    started = time.perf_counter()
    run(load_scenario("baseline", {"population.size": 300, "simulation.weeks": 8}))
    startup = time.perf_counter() - started
    # an established company's history first, timed apart (sim.model.establish; checkouts
    # from before issue 21 have none): the run then takes it from the process's cache
    history, history_weeks = 0.0, 0
    if getattr(scenario.simulation, "company_age_years", 0):
        from sim.model import establish

        started = time.perf_counter()
        start = establish(scenario, seed)
        history = time.perf_counter() - started
        history_weeks = int(start.history["active"].sum())
    started = time.perf_counter()
    result = run(scenario)
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "size": size,
        "wall_s": wall,
        "history_s": history,
        "history_networker_weeks": history_weeks,
        "startup_s": startup,
        "networker_weeks": int(result.weekly.active.sum()),
        "contacts": int(result.weekly.contacts.sum()),
        "ever_joined": result.summary["ever_joined"],
        "peak_mib": peak_kib / 1024,
        "sim": sys.modules["sim"].__file__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (seeds 1..N)")
    parser.add_argument("--against", help="also time the checkout in this folder")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child, args.weeks, args.seed)))
        return
    trees = {"this": None} | ({"before": os.path.abspath(args.against)} if args.against else {})
    print(f"baseline, {args.weeks} weeks, {args.repeat} run(s) per size (fresh process each)")
    for label, tree in trees.items():
        print(f"  {label}: {tree or 'this checkout'}")
    header = (
        f"{'people':>10} {'code':>7} {'view s (min/median/max)':>26} {'history s':>10} "
        f"{'ever joined':>12} {'networker-weeks/s':>18} {'contacts/s':>12} {'peak MiB':>9} "
        f"{'start-up s':>10}"
    )
    print(header)
    for size in (int(s) for s in args.sizes.split(",")):
        runs: dict[str, list[dict]] = {label: [] for label in trees}
        for seed in range(1, args.repeat + 1):
            for label, tree in trees.items():
                runs[label].append(child(size, args.weeks, seed, tree))
        speed = {}
        for label, rs in runs.items():
            walls = sorted(r["wall_s"] for r in rs)
            med = walls[len(walls) // 2]
            hist = sorted(r.get("history_s", 0.0) for r in rs)[len(rs) // 2]
            # over the history and the view together: the engine's speed on every week it ran
            weeks = sum(r["networker_weeks"] + r.get("history_networker_weeks", 0) for r in rs)
            speed[label] = weeks / (sum(walls) + sum(r.get("history_s", 0.0) for r in rs))
            ct = sum(r["contacts"] for r in rs) / sum(walls)
            joined = sorted(r["ever_joined"] for r in rs)[len(rs) // 2]
            peak = max(r["peak_mib"] for r in rs)
            wall_txt = f"{walls[0]:.2f} / {med:.2f} / {walls[-1]:.2f}"
            startup = sorted(r["startup_s"] for r in rs)[len(rs) // 2]
            print(
                f"{size:>10,} {label:>7} {wall_txt:>26} {hist:>10.2f} {joined:>12,} "
                f"{speed[label]:>18,.0f} {ct:>12,.0f} {peak:>9,.0f} {startup:>10.2f}"
            )
        if "before" in speed:
            print(f"{size:>10,} {'ratio':>7} this / before networker-weeks/s: "
                  f"{speed['this'] / speed['before']:.2f}")  # fmt: skip


def child(size: int, weeks: int, seed: int, tree: str | None) -> dict:
    """One run in a fresh process; ``tree``: import ``sim`` from that checkout instead."""
    env = dict(os.environ)
    if tree:
        env["PYTHONPATH"] = tree + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, os.path.abspath(__file__), "--child", str(size), "--weeks", str(weeks),
           "--seed", str(seed)]  # fmt: skip
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=tree)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if tree and not result["sim"].startswith(tree):
        raise SystemExit(f"the run imported {result['sim']}, not the code in {tree}")
    return result


if __name__ == "__main__":
    main()
