"""Speed of one run: the baseline at 10^4, 10^5 and 10^6 people over 260 weeks.

Prints wall time, networker-weeks per second, contacts per second and peak memory.
Each size runs in a fresh process, so the peak memory is that run's own.
Targets (issue 2): 10^4 people in under 1 s; 10^6 in under 3 minutes and 4 GiB.

    uv run python benchmarks/bench_model.py [--sizes 10000,100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
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
    started = time.perf_counter()
    result = run(scenario)
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "size": size,
        "wall_s": wall,
        "networker_weeks": int(result.weekly.active.sum()),
        "contacts": int(result.weekly.contacts.sum()),
        "ever_joined": result.summary["ever_joined"],
        "peak_mib": peak_kib / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (seeds 1..N)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child, args.weeks, args.seed)))
        return
    print(f"baseline, {args.weeks} weeks, {args.repeat} run(s) per size (fresh process each)")
    header = (
        f"{'people':>10} {'wall s (min/median/max)':>26} {'ever joined':>12} "
        f"{'networker-weeks/s':>18} {'contacts/s':>12} {'peak MiB':>9}"
    )
    print(header)
    for size in (int(s) for s in args.sizes.split(",")):
        runs = []
        for seed in range(1, args.repeat + 1):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(size),
                    "--weeks",
                    str(args.weeks),
                    "--seed",
                    str(seed),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        walls = sorted(r["wall_s"] for r in runs)
        med = walls[len(walls) // 2]
        nw = sum(r["networker_weeks"] for r in runs) / sum(walls)
        ct = sum(r["contacts"] for r in runs) / sum(walls)
        joined = sorted(r["ever_joined"] for r in runs)[len(runs) // 2]
        peak = max(r["peak_mib"] for r in runs)
        wall_txt = f"{walls[0]:.2f} / {med:.2f} / {walls[-1]:.2f}"
        print(f"{size:>10,} {wall_txt:>26} {joined:>12,} {nw:>18,.0f} {ct:>12,.0f} {peak:>9,.0f}")


if __name__ == "__main__":
    main()
