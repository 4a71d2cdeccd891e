"""Helpers shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sim.model import NetworkMarketingModel
from sim.scenario import Scenario


def small_model(size: int, seed: int, overrides: dict[str, Any] | None = None):
    """A small market with one inexperienced founder and no followings."""
    base = {
        "population.size": size,
        "population.founders": 1,
        "experienced.founder_share": 0.0,
        "experienced.share": 0.0,
        "experienced.following_mean": 0.0,
    }
    scenario = Scenario().with_overrides({**base, **(overrides or {})})
    return NetworkMarketingModel(scenario, seed=seed)


def wait_for(
    condition: Callable[[], Any],
    what: str,
    timeout: float,
    poll: float = 0.1,
    detail: Callable[[], str] | None = None,
) -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds,
    saying what was awaited (and ``detail()``, the state that explains a wait)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f" ({detail()})" if detail else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{extra}")
        time.sleep(poll)


# ---- processes (Linux: read from /proc) -----------------------------------------------------


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    state: str
    cmdline: str


def in_session(sid: int) -> list[Proc]:
    """The live processes of session ``sid`` (zombies hold nothing and are not counted)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:  # ended meanwhile
            continue
        # "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses
        state, ppid, _pgrp, session = stat.rpartition(")")[2].split()[:4]
        if int(session) == sid and state != "Z":
            found.append(Proc(int(entry), int(ppid), state, cmdline.decode(errors="replace")))
    return found


def workers_of(sid: int) -> list[Proc]:
    """The pool workers of session ``sid``: the children of its fork server, or copies of
    the command that leads the session (a pool forked from a process without threads)."""
    procs = in_session(sid)
    servers = {p.pid for p in procs if "multiprocessing.forkserver" in p.cmdline}
    leader = next((p for p in procs if p.pid == sid), None)
    return [p for p in procs if p.ppid in servers
            or (leader is not None and p.ppid == sid and p.cmdline == leader.cmdline)]  # fmt: skip


def describe(procs: list[Proc]) -> str:
    return "; ".join(f"{p.pid} (parent {p.ppid}): {p.cmdline[:90]}" for p in procs) or "none"


CLI = [sys.executable, "-m", "sim.cli"]  # the command line, as a user starts it


@dataclass
class Result:
    """What a command printed and how it ended."""

    returncode: int
    stdout: str
    stderr: str


def run_command(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> Result:
    """Run ``cmd`` (e.g. ``[*CLI, "run", "baseline"]``) to its end and keep its output."""
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                       check=False)  # fmt: skip
    return Result(p.returncode, p.stdout, p.stderr)


def cli_env(request: pytest.FixtureRequest, root: Path) -> dict[str, str]:
    """The environment for command-line subprocesses: bytecode is written and cached
    between test runs (a cold start compiles the whole stack), and no terminal width."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("COLUMNS", None)
    cache = getattr(request.config, "cache", None)
    bytecode = cache.mkdir("cli-bytecode") if cache is not None else root / "bytecode"
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env
