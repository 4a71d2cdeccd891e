"""Helpers shared by the tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sim.model import NetworkMarketingModel
from sim.scenario import Scenario


def small_model(size: int, seed: int, overrides: dict[str, Any] | None = None):
    """A small market with one inexperienced founder and no followings, which does not
    change by itself (nobody leaves or arrives, no tie changes, nobody is in another
    business) unless ``overrides`` say so."""
    base = {
        "population.size": size,
        "population.market_exit_yearly": 0.0,
        "population.tie_rewiring_yearly": 0.0,
        "population.other_business_share": 0.0,
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


# ---- the dashboard server ------------------------------------------------------------------


ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the tests never download a browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 90.0  # seconds for the server to answer (imports are slow on a busy machine)


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(process: subprocess.Popen) -> None:
    """End the server's process group: the CLI and the Solara server it started."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    finally:
        # whatever of the group is left (the Solara server, if the CLI did not end it)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def dashboard_server(folder: Path) -> Iterator[Server]:
    """``networker-sim dashboard`` on a free port, in its own process group."""
    port = free_port()
    log = folder / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "dashboard", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}/", log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.answers():
            if process.poll() is not None:
                pytest.fail(f"the dashboard exited with {process.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not answer in {START_TIMEOUT:.0f} s:\n"
                            f"{server.log_tail()}")  # fmt: skip
            time.sleep(0.25)
        yield server
    finally:
        stop_group(process)
