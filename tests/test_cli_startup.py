"""A command that needs no simulation answers without loading one (issue 15).

`--help`, the scenario list, the parameter table and every refusal of bad input must come
back at once; loading the simulation stack (Mesa, pandas, numba, SciPy, matplotlib) takes
seconds. Each case starts a fresh interpreter, runs the command line in it and reports
which heavy modules got imported. The time itself is measured by
benchmarks/bench_startup.py, not asserted here (the machine is shared).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import cli_env

HEAVY = ("numpy", "pandas", "mesa", "numba", "scipy", "matplotlib", "pyarrow", "solara",
         "distributed", "SALib", "fpdf", "sim.model")  # fmt: skip

# Runs the command line in this interpreter, then reports its exit status, what it wrote
# on stderr, and which of HEAVY are loaded.
PROBE = """
import contextlib, io, json, sys
from sim.cli import main
err = io.StringIO()
try:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"code": code, "stderr": err.getvalue(), "heavy": heavy}}))
"""

TWO = "networker.tolerance_mean,market.sale_rate_warm"
WEEKS = ",".join(str(w) for w in range(100, 1100))  # a sweep of 1,000 points
CASES = {
    "help": (["--help"], 0),
    "help of run": (["run", "--help"], 0),
    "help of me": (["me", "--help"], 0),
    "help in German": (["--lang", "de", "sweep", "--help"], 0),
    "scenarios": (["scenarios"], 0),
    "params": (["params", "--markdown"], 0),
    "lessons listed": (["lessons"], 0),
    "unknown command": (["frobnicate"], 2),
    "no scenario": (["run"], 2),
    "not a number": (["run", "baseline", "--weeks", "x"], 2),
    "zero runs": (["montecarlo", "baseline", "--runs", "0"], 2),
    "zero workers": (["compare", "baseline", "pyramid", "--workers", "0"], 2),
    "malformed --vary": (["sweep", "baseline", "--vary", "nokey"], 2),
    "unknown --params": (["sensitivity", "baseline", "--params", "a.b,c.d"], 2),
    "one trajectory": (["sensitivity", "baseline", "--trajectories", "1", "--params", TWO], 2),
    "validate below 20 runs": (["validate", "--runs", "5"], 2),
    "me with no hours": (["me", "--hours", "0"], 2),
    "report with no runs": (["report", "baseline", "--runs", "0"], 2),
    "report to a wrong suffix": (["report", "baseline", "--out", "x.txt", "--format", "pdf"], 2),
    "lessons with no runs": (["lessons", "--write", "--runs", "0"], 2),
    "dashboard on port 0": (["dashboard", "--port", "0"], 2),
    "unknown scenario": (["run", "nosuch"], 2),
    "missing scenario file": (["run", "missing.toml"], 2),
    "malformed scenario file": (["run", "broken.toml"], 2),
    "value out of range": (["run", "baseline", "--set", "population.size=-5"], 2),
    "unknown key": (["montecarlo", "baseline", "--set", "networker.nope=1"], 2),
    "bad value in me": (["me", "--set", "costs.starter_kit=-1"], 2),
    # issue 20: hostile input and large jobs are refused as fast
    "a typo of a command": (["rn", "baseline"], 2),
    "a name too long": (["run", "a" * 256], 2),
    "nested too deep": (["run", "baseline", "--set", "population.size=" + "[" * 500], 2),
    "a negative join week": (["me", "--join-after-weeks", "-1"], 2),
    "a large me": (["me", "--futures", "10000000"], 2),
    "a large montecarlo": (["montecarlo", "baseline", "--runs", "200000"], 2),
    "a large sweep": (
        ["sweep", "baseline", "--runs", "1000", "--vary", f"simulation.weeks={WEEKS}"],
        2,
    ),
    "an output that cannot be made": (["run", "baseline", "--out", "afile/x"], 2),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_answers_without_loading_the_simulation(case, tmp_path, request):
    argv, code = CASES[case]
    (tmp_path / "broken.toml").write_text("[population]\nsize = = 3\n", encoding="utf-8")
    (tmp_path / "afile").write_text("not a folder\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv], cwd=tmp_path,
                       env=cli_env(request, tmp_path), capture_output=True, text=True,
                       timeout=120, check=False)  # fmt: skip
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.splitlines()[-1])
    assert out["code"] == code, out["stderr"]
    if code == 2:
        assert "Traceback" not in out["stderr"]
    assert out["heavy"] == [], f"`networker-sim {' '.join(argv)}` loaded {out['heavy']}"


@pytest.mark.slow
def test_the_probe_sees_a_simulation_load(tmp_path, request):
    """The probe itself works: a command that simulates does load the model."""
    argv = ["run", "baseline", "--set", "population.size=100", "--weeks", "1"]
    p = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv], cwd=tmp_path,
                       env=cli_env(request, tmp_path), capture_output=True, text=True,
                       timeout=300, check=False)  # fmt: skip
    out = json.loads(p.stdout.splitlines()[-1])
    assert out["code"] == 0, out["stderr"]
    assert {"sim.model", "mesa", "numpy"} <= set(out["heavy"])


def test_dask_without_distributed_says_how_to_install_it(tmp_path, request):
    """Dask's distributed is an extra: without it, --dask is one line on how to get it."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    # a package named distributed that cannot be imported stands in for a missing one
    (blocker / "distributed.py").write_text("raise ImportError('not installed')\n")
    env = cli_env(request, tmp_path)
    env["PYTHONPATH"] = str(blocker)
    argv = ["montecarlo", "baseline", "--runs", "1", "--dask", "tcp://127.0.0.1:1"]
    p = subprocess.run([sys.executable, "-m", "sim.cli", *argv], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "networker-sim[cluster]" in lines[0] and "--dask" in lines[0]
    assert not list(Path(tmp_path).glob("*.parquet"))
