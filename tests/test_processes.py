"""Nothing left behind however the tool ends (issue 11): the real command line runs as a
subprocess in its own session and is killed outright (SIGKILL) mid-work; then no process it
started may survive, no half-written result may be visible, what it left hidden is removed
at the next start, and an experiment resumed from its folder gives what an uninterrupted
one gives.

The processes are found through /proc (Linux only): everything the command starts (the
fork server, the resource tracker, the workers) stays in its session, also once its
parent is gone. Every wait is on a condition, with time to spare on a busy machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd
import pytest
from support import CLI, Result, describe, in_session, run_command, wait_for, workers_of

from sim.results import LEFTOVER, MANIFEST, PARTS

pytestmark = [
    pytest.mark.slow,  # commands started, killed and resumed: minutes
    pytest.mark.skipif(
        not Path("/proc/self/stat").exists(), reason="finds the processes through /proc (Linux)"
    ),
]

SMALL = ["--set", "population.size=2000", "--weeks", "52", "--seed", "11"]
EXPERIMENT = ["montecarlo", "baseline", *SMALL, "--runs", "12", "--workers", "2"]
START = 180.0  # seconds until the workers run (imports are slow on a busy machine)
GONE = 20.0  # seconds for every process of a killed command to end


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict:
    """The environment of the commands: bytecode kept (as in test_cli) and a temporary
    folder of their own, so that what they leave there can be seen."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cache = getattr(request.config, "cache", None)
    root = tmp_path_factory.mktemp("proc")
    env["PYTHONPYCACHEPREFIX"] = str(
        cache.mkdir("cli-bytecode") if cache is not None else root / "bytecode"
    )
    return env


@contextmanager
def command(argv: list[str], env: dict, cwd: Path) -> Iterator[subprocess.Popen]:
    """``networker-sim argv`` in a session of its own; whatever is left of the session is
    killed at the end, so a failing test does not leave processes behind either."""
    log = open(cwd / "command.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *argv],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        for proc in in_session(process.pid):
            with suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
        process.wait(timeout=30)
        log.close()


def kill_and_check_nothing_survives(process: subprocess.Popen) -> None:
    """SIGKILL the command alone (not its session) and wait until its session is empty."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    wait_for(lambda: not in_session(process.pid), "every process of the killed command to end",
             GONE, poll=0.2, detail=lambda: describe(in_session(process.pid)))  # fmt: skip


def run_cli(argv: list[str], env: dict, cwd: Path) -> Result:
    return run_command([*CLI, *argv], cwd, env, timeout=900)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if LEFTOVER.match(p.name))


def short_tmp(factory: pytest.TempPathFactory) -> Path:
    """A temporary folder for the command with a short path: the fork server's socket goes
    in it, and a socket's path has at most about 100 bytes."""
    return factory.mktemp("t")


def test_killed_experiment_leaves_no_process_and_no_temporary_folder(
    env: dict, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = short_tmp(tmp_path_factory)
    env = {**env, "TMPDIR": str(tmp)}
    with command(EXPERIMENT, env, tmp_path) as process:
        wait_for(lambda: len(workers_of(process.pid)) >= 2, "two pool workers", START,
                 detail=lambda: describe(in_session(process.pid)))  # fmt: skip
        assert process.poll() is None
        kill_and_check_nothing_survives(process)
    # what it left is named after it (multiprocessing's own pymp-* would carry no owner) ...
    left = sorted(p.name for p in tmp.iterdir())
    assert left and all(LEFTOVER.match(n) and f"-{process.pid}-" in n for n in left), left
    # ... so the next start removes it, and leaves nothing of its own
    done = run_cli(["montecarlo", "baseline", *SMALL, "--runs", "2", "--workers", "2"], env,
                   tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(tmp.iterdir()) == []


def test_sigterm_ends_the_experiment_and_its_workers_cleanly(
    env: dict, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = short_tmp(tmp_path_factory)
    with command(EXPERIMENT, {**env, "TMPDIR": str(tmp)}, tmp_path) as process:
        wait_for(lambda: len(workers_of(process.pid)) >= 2, "two pool workers", START,
                 detail=lambda: describe(in_session(process.pid)))  # fmt: skip
        process.send_signal(signal.SIGTERM)  # as a supervisor stops it: the command alone
        assert process.wait(timeout=60) == 130
        wait_for(lambda: not in_session(process.pid), "every process to end", GONE,
                 poll=0.2, detail=lambda: describe(in_session(process.pid)))  # fmt: skip
    log = (tmp_path / "command.log").read_text()
    assert "Traceback" not in log and "leaked" not in log, log
    assert sorted(tmp.iterdir()) == []  # its temporary folders went with it


def test_experiment_killed_between_batches_resumes_to_the_same_result(
    env: dict, tmp_path: Path
) -> None:
    out = tmp_path / "mc"
    argv = [*EXPERIMENT, "--out", str(out)]
    with command(argv, env, tmp_path) as process:
        wait_for(lambda: list((out / PARTS).glob("outcomes-*.parquet")), "a finished batch",
                 START, detail=lambda: (tmp_path / "command.log").read_text())  # fmt: skip
        assert process.poll() is None, "the experiment ended before it could be interrupted"
        kill_and_check_nothing_survives(process)
    kept = len(list((out / PARTS).glob("outcomes-*.parquet")))
    assert kept > 0 and not (out / MANIFEST).exists()
    assert leftovers(tmp_path) == []  # the folder itself is the experiment: nothing hidden

    resumed = run_cli(argv, env, tmp_path)
    whole = run_cli([*EXPERIMENT, "--out", str(tmp_path / "whole")], env, tmp_path)
    assert (resumed.returncode, whole.returncode) == (0, 0), resumed.stderr + whole.stderr
    manifest = pd.read_json(out / MANIFEST, typ="series")
    assert 0 < manifest["resumed_from"] < 12
    assert resumed.stdout.replace(str(out), "X") == whole.stdout.replace(
        str(tmp_path / "whole"), "X"
    )
    for table in ("outcomes.parquet", "bands.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / table), pd.read_parquet(tmp_path / "whole" / table)
        )
    assert leftovers(tmp_path) == []


# The command, made to die by SIGKILL in the middle of writing its result: right after its
# first table reached the hidden working folder (a power cut there, at a known moment).
DIES_WHILE_WRITING = """
import os, signal, sys
import pandas as pd
written = pd.DataFrame.to_parquet
def then_die(self, *args, **kwargs):
    written(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
pd.DataFrame.to_parquet = then_die
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_run_killed_while_writing_leaves_no_visible_result_and_is_cleaned_next_time(
    env: dict, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    argv = ["run", "baseline", *SMALL, "--out", str(out), "--overwrite"]
    killed = run_command([sys.executable, "-c", DIES_WHILE_WRITING, *argv], tmp_path, env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # killed while writing: no result shows, and its half-written folder is marked stale
    assert not out.exists()
    stale = leftovers(tmp_path)
    assert stale and all(n.startswith(".run.partial-") for n in stale), stale
    assert any((tmp_path / n / "weekly.parquet").exists() for n in stale)  # killed mid-write

    again = run_cli(argv, env, tmp_path)
    assert again.returncode == 0, again.stderr
    assert leftovers(tmp_path) == []
    assert (out / MANIFEST).exists()
