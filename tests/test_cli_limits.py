"""Limits on work and the smaller hostile inputs of issue 20, through ``main()``: workers
capped at the cores, a large job refused without a terminal (or asked at one), output
folders tried before the first run, a suggestion for a mistyped command, a range message
for a negative join week, singular counts; and the lifeline of a pool's workers with a
descriptor number above 1023.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from sim import experiments, lifeline, workload
from sim.cli import main
from sim.memory import cores

SMALL = ["--set", "population.size=300", "--set", "population.founders=5", "--weeks", "6"]
ME_SMALL = ["--set", "population.size=300", "--set", "population.founders=5"]
TIMES = "\u00d7"  # the multiplication sign of the catalogs


def error_lines(capsys: pytest.CaptureFixture) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


def test_a_mistyped_command_or_choice_gets_a_suggestion(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["rn", "baseline"])
    assert exc.value.code == 2
    assert "invalid choice: 'rn'" in capsys.readouterr().err.splitlines()[-1]
    with pytest.raises(SystemExit):
        main(["montecarl", "baseline"])
    assert capsys.readouterr().err.rstrip().endswith("(did you mean 'montecarlo'?)")
    with pytest.raises(SystemExit):
        main(["--lang", "de", "sensitivity", "baseline", "--params", "a,b", "--method", "morrs"])
    assert capsys.readouterr().err.rstrip().endswith("(meintest du 'morris'?)")
    with pytest.raises(SystemExit):
        main(["xyzzy"])  # nothing close: no suggestion
    assert "did you mean" not in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_negative_join_week_is_out_of_range(capsys, lang):
    assert main(["--lang", lang, "me", "--join-after-weeks", "-1"]) == 2
    (line,) = error_lines(capsys)
    assert "--join-after-weeks -1" in line and "260" in line
    assert ("out of range" if lang == "en" else "außerhalb") in line
    assert "horizon" not in line.split(";")[0] and "Zeithorizont" not in line.split(";")[0]


def test_more_workers_than_cores_are_capped_with_a_note(capsys):
    """--workers 1000 forked a thousand processes (and their lifelines printed hundreds
    of tracebacks); now the pool has one worker per core."""
    argv = ["montecarlo", "baseline", *SMALL, "--runs", "2", "--workers", "1000", "--json"]
    assert main(argv) == 0
    err = error_lines(capsys)
    assert err == [
        f"networker-sim: note: --workers 1000 is more than this computer's {cores()} cores; "
        f"using {cores()} workers (more would only wait for a core)"
    ]
    assert experiments.usable_workers(1000) == cores()
    assert experiments.usable_workers(None) == cores()
    assert experiments.usable_workers(1) == 1


LARGE = {
    "me": ["me", "--futures", "10000000"],
    "sweep": [
        "sweep",
        "baseline",
        "--vary",
        "population.size=" + ",".join(str(1000 + i) for i in range(1000)),
        "--runs",
        "1000",
    ],
    "montecarlo": ["montecarlo", "baseline", "--runs", "200000"],
    "sensitivity": [
        "sensitivity",
        "baseline",
        "--params",
        "market.sale_rate_warm,costs.starter_kit",
        "--trajectories",
        "10000",
        "--runs",
        "100",
    ],
}


@pytest.mark.parametrize("command", list(LARGE))
def test_a_large_job_without_a_terminal_is_refused_with_its_estimate(capsys, command):
    """These started at once, for days (issue 20). Without a terminal to ask at (CI, a
    script, a pipe) the job is refused: one message with the estimate and --yes."""
    assert not sys.stdin.isatty()
    assert main(LARGE[command]) == 2
    (line,) = error_lines(capsys)
    assert line.startswith("networker-sim: error: not started: ")
    assert " runs, " in line and "at once, about " in line  # the estimate
    assert "--yes" in line or "more memory than the" in line  # or too large for any --yes


def test_a_job_too_large_for_the_memory_is_refused_even_with_yes(capsys):
    assert main(["me", "--futures", str(10**12), "--yes"]) == 2
    (line,) = error_lines(capsys)
    assert "would hold more memory than the" in line and "available" in line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def everything_large(monkeypatch):
    """Every job counts as large: what happens to one, on a small one."""
    monkeypatch.setattr(workload, "LARGE_SECONDS", -1.0)


@pytest.mark.slow
def test_a_large_job_runs_when_confirmed(capsys, monkeypatch, everything_large):
    argv = ["montecarlo", "baseline", *SMALL, "--runs", "2", "--workers", "1", "--json"]
    assert main(argv) == 2  # no terminal
    assert main([*argv, "--yes"]) == 0  # --yes: the estimate as a note, and the job
    (note,) = error_lines(capsys)[1:]
    assert note.startswith("networker-sim: note: a large job: 2 runs, 1 at once, about ")
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "a large job" in err and "Start it? [y/N]" in err
    monkeypatch.setattr(sys, "stdin", Terminal("\n"))  # Enter: the default, no
    assert main(argv) == 2
    assert capsys.readouterr().err.rstrip().endswith("error: not started (answered no)")
    monkeypatch.setattr(sys, "stdin", Terminal("ja\n"))
    assert main(["--lang", "de", *argv]) == 0
    assert "Starten? [j/N]" in capsys.readouterr().err


def test_the_readme_jobs_are_not_large():
    """What the README shows runs without a question."""
    from sim.scenario import load_scenario

    baseline = load_scenario("baseline")
    assert not workload.estimate([baseline], 100, 2).large  # montecarlo's default
    assert not workload.estimate([baseline, load_scenario("critical")], 20, 2).large
    assert not workload.estimate([baseline], 80, 2, futures=400).large  # me's default


def proc_available() -> bool:
    return Path("/proc/self").is_dir()


@pytest.mark.skipif(not proc_available(), reason="needs /proc (Linux)")
@pytest.mark.parametrize(
    ("argv", "stage"),
    [
        (["run", "baseline", "--out", "/proc/networker-sim-x"], "sim.model.run"),
        (["montecarlo", "baseline", "--runs", "2", "--out", "/proc/x"], "sim.experiments.schedule"),
        (["report", "baseline", "--runs", "1", "--out", "/proc/x.pdf"], "sim.report.build_report"),
    ],
    ids=["run", "montecarlo", "report"],
)
def test_an_output_that_cannot_be_written_is_refused_before_the_first_run(
    capsys, monkeypatch, argv, stage
):
    """``--out /proc/x`` ran the whole simulation before the folder was refused."""
    module, _, name = stage.rpartition(".")

    def never(*args, **kwargs):
        raise AssertionError(f"{stage} was called")

    monkeypatch.setattr(sys.modules.get(module) or __import__(module, fromlist=[name]), name, never)
    assert main(argv) == 2
    (line,) = error_lines(capsys)
    assert "/proc/" in line and ("cannot create" in line or "cannot write" in line), line


def test_one_future_and_one_month_are_singular(capsys):
    argv = ["me", *ME_SMALL, "--futures", "1", "--months", "1", "--workers", "1"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"1 possible future (1 run {TIMES} up to 5 people like you" in out
    assert "After 1 month, about" in out and "by 1 month " in out
    assert "1 months" not in out and "1 runs" not in out
    assert main(["--lang", "de", *argv]) == 0
    out = capsys.readouterr().out
    assert f"1 mögliche Zukunft (1 Lauf {TIMES} bis zu 5" in out and "Nach 1 Monat machen" in out
    assert main(["me", *ME_SMALL, "--futures", "12", "--months", "3", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert f"12 possible futures (3 runs {TIMES} up to 5" in out and "After 3 months, about" in out
    argv = ["montecarlo", "baseline", *SMALL, "--runs", "1", "--workers", "1"]
    assert main(argv) == 0
    assert "baseline: 1 replicate (master seed 42)" in capsys.readouterr().out


def test_the_lifeline_waits_on_a_descriptor_above_1023():
    """select() takes no descriptor above 1023: a worker forked from a process with many
    open files (a pool of hundreds) printed a ValueError from its lifeline thread."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"at most {hard} open files here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = []
    try:
        while not held or held[-1] < 1030:
            held.append(os.dup(0))
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
        lifeline._wait_for_end(child.pid)  # its pidfd is above 1023
        assert child.wait(timeout=10) == 0
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
