"""Start-up time of the command line: how long each command takes to answer when it has
no simulation to run (help, the scenario list, the parameter table, every kind of bad input),
and, for scale, one short run.

Target (issue 15): `--help`, `scenarios`, `params`, every usage error and every scenario
error answer in under 0.5 s. Each command is started afresh as a user starts it (the
`networker-sim` script of this environment, or ``--cli``), once to warm the bytecode
cache, then ``--repeat`` times; printed are the median and fastest wall time and the median
CPU time (user + system of the process and its children: on a shared, busy machine the
steadier figure). ``--importtime`` adds the slowest imports of ``--help``.

    uv run python benchmarks/bench_startup.py [--repeat 5] [--importtime]
    PYTHONPATH=/path/to/other/checkout uv run python benchmarks/bench_startup.py \
        --cli "python -m sim.cli"      # another version of the code, e.g. before a change
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SLOW = 0.5  # seconds: the limit for an answer that needs no simulation


def commands(folder: Path, taken_port: int) -> dict[str, list[str]]:
    """What a user types, by what it shows; ``folder`` holds a malformed scenario file."""
    bad = folder / "broken.toml"
    bad.write_text("[population]\nsize = = 3\n", encoding="utf-8")
    return {
        "--help": ["--help"],
        "run --help": ["run", "--help"],
        "me --help": ["me", "--help"],
        "scenarios": ["scenarios"],
        "params": ["params"],
        "usage: unknown command": ["frobnicate"],
        "usage: no scenario given": ["run"],
        "usage: not a number": ["run", "baseline", "--weeks", "x"],
        "usage: montecarlo --runs 0": ["montecarlo", "baseline", "--runs", "0"],
        "usage: sweep --vary malformed": ["sweep", "baseline", "--vary", "nokey"],
        "usage: sensitivity --params unknown": ["sensitivity", "baseline", "--params", "a.b"],
        "usage: validate --runs 5": ["validate", "--runs", "5"],
        "usage: me --hours 0": ["me", "--hours", "0"],
        "usage: report --runs 0": ["report", "baseline", "--runs", "0"],
        "usage: lessons --write --runs 0": ["lessons", "--write", "--runs", "0"],
        "usage: dashboard port taken": ["dashboard", "--port", str(taken_port)],
        "scenario: unknown name": ["run", "nosuch"],
        "scenario: missing file": ["run", str(folder / "missing.toml")],
        "scenario: malformed TOML": ["run", str(bad)],
        "scenario: value out of range": ["run", "baseline", "--set", "population.size=-5"],
        "scenario: unknown key": ["montecarlo", "baseline", "--set", "networker.nope=1"],
        "lessons (the list)": ["lessons"],
        "run baseline --weeks 4 (simulates)": ["run", "baseline", "--weeks", "4"],
    }


def command_line() -> list[str]:
    """The ``networker-sim`` script beside this Python, else ``python -m sim.cli``."""
    script = Path(sys.executable).parent / "networker-sim"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sim.cli"]


# as a user's shell has it: bytecode is written once and reused (the warm-up start writes it)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall time, CPU time and exit status of one start of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.returncode


def slowest_imports(cmd: list[str], cwd: Path, n: int = 12) -> list[str]:
    """The ``n`` imports of ``cmd`` with the largest cumulative time."""
    python = [sys.executable, "-X", "importtime", "-m", "sim.cli"]
    p = subprocess.run([*python, *cmd], cwd=cwd, env=ENV, capture_output=True, text=True,
                       check=False)  # fmt: skip
    rows = []
    for line in p.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.removeprefix("import time:").split("|")
            if cumulative.strip().isdigit():  # the name is indented by its depth
                rows.append((int(cumulative), name.rstrip().removeprefix(" ")))
    rows.sort(reverse=True)
    total = sum(c for c, name in rows if not name.startswith(" "))
    lines = [f"  all imports: {total / 1e6:.2f} s"]
    lines += [f"  {c / 1e6:6.2f} s  {name}" for c, name in rows[:n]]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--cli", help="the command to time (default: networker-sim here)")
    args = parser.parse_args()
    cli = shlex.split(args.cli) if args.cli else command_line()
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    # a port in use, for the dashboard's error; nobody else's port is touched
    with socket.create_server(("127.0.0.1", 0)) as taken:
        try:
            print(f"{' '.join(cli)}  ({args.repeat} starts each, after one to warm up)")
            head = ("command", "exit", "median", "fastest", "CPU")
            print(f"{head[0]:<40} {head[1]:>4} {head[2]:>8} {head[3]:>8} {head[4]:>8}")
            for label, argv in commands(folder, taken.getsockname()[1]).items():
                timed([*cli, *argv], folder)
                walls, cpus, code = [], [], 0
                for _ in range(args.repeat):
                    wall, cpu, code = timed([*cli, *argv], folder)
                    walls.append(wall)
                    cpus.append(cpu)
                median, fastest, cpu = statistics.median(walls), min(walls), statistics.median(cpus)
                slow = fastest > SLOW and "simulates" not in label
                print(
                    f"{label:<40} {code:>4} {median:>7.2f}s {fastest:>7.2f}s {cpu:>7.2f}s"
                    + ("  (over 0.5 s)" if slow else "")
                )
            if args.importtime:
                print("\nslowest imports of --help:")
                print("\n".join(slowest_imports(["--help"], folder)))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{os.cpu_count()} cores; the machine is shared, so figures vary from run to run.")


if __name__ == "__main__":
    main()
