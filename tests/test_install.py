"""The package stands alone (issue 15): the wheel is built, installed into a fresh virtual
environment, and the tool is used from a folder outside the checkout, as by someone who ran
``pip install networker-sim-*.whl`` or ``uv tool install .``.

Building and installing take a minute (uv caches the dependencies); every command then runs
with that environment's ``networker-sim`` and nothing of the checkout on its path.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import describe, in_session, wait_for

from sim.lessons import LESSONS

REPO = Path(__file__).resolve().parent.parent
SMALL = ["--set", "population.size=400", "--weeks", "8"]
UV = os.environ.get("UV") or shutil.which("uv")  # `uv run pytest` names its own uv in $UV

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(UV is None, reason="needs uv (run the tests with `uv run pytest`)"),
]


@dataclass
class Installed:
    wheel: Path
    venv: Path
    elsewhere: Path  # a folder outside the checkout, the current folder of every command
    env: dict[str, str]

    @property
    def tool(self) -> str:
        return str(self.venv / "bin" / "networker-sim")

    @property
    def package(self) -> Path:
        found = list(self.venv.glob("lib/python3*/site-packages/sim"))
        assert len(found) == 1, found
        return found[0]

    def run(self, *argv: str, timeout: float = 600) -> subprocess.CompletedProcess:
        cmd = [self.tool, *argv]
        return subprocess.run(cmd, cwd=self.elsewhere, env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False)  # fmt: skip


def uv(*argv: str, cwd: Path) -> None:
    p = subprocess.run([UV, *argv], cwd=cwd, capture_output=True, text=True, timeout=900,
                       check=False)  # fmt: skip
    assert p.returncode == 0, f"uv {' '.join(argv)}:\n{p.stdout}\n{p.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("install")
    uv("build", "--wheel", "--out-dir", str(root / "dist"), str(REPO), cwd=root)
    (wheel,) = (root / "dist").glob("networker_sim-*.whl")
    venv = root / "venv"
    uv("venv", "--quiet", "--python", sys.executable, str(venv), cwd=root)
    uv("pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel), cwd=root)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    ours = ("VIRTUAL_ENV", "PYTHON", "UV", "NETWORKER_SIM", "NUMBA")  # nothing of the checkout
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env["TMPDIR"] = str(root / "tmp")  # what the tool keeps there stays with the test
    (root / "tmp").mkdir()
    return Installed(wheel, venv, elsewhere, env)


def test_the_wheel_carries_the_data_inside_the_package(installed):
    names = zipfile.ZipFile(installed.wheel).namelist()
    for name in ("sim/_data/scenarios/baseline.toml", "sim/_data/lessons/de/README.md",
                 "dashboards/app.py", "dashboards/components/me.py", "dashboards/assets/custom.css",
                 "sim/locales/de/cli.toml", "sim/cli/__init__.py",
                 "sim/_data/disclosures/baseline.json",
                 "sim/_data/scenarios/companies/template.csv",
                 "sim/_data/scenarios/companies/doterra_2017.toml",
                 "sim/_data/scenarios/companies/nuskin_canada_2020.toml",
                 "sim/locales/de/own.toml", "dashboards/components/own.py",
                 "sim/cli/__main__.py"):  # fmt: skip
        assert name in names
    # the two packages and nothing else: no top-level scenarios/ or README in site-packages
    tops = {n.split("/")[0] for n in names if not n.startswith("networker_sim-")}
    assert tops == {"sim", "dashboards"}


def test_scenarios_run_and_a_scenario_by_path(installed):
    res = installed.run("scenarios")
    assert res.returncode == 0 and "\nbaseline " in f"\n{res.stdout}", res.stderr
    res = installed.run("run", "baseline", *SMALL)
    assert res.returncode == 0, res.stderr
    assert "baseline (seed 42, 8 weeks, 400 people)" in res.stdout
    (installed.elsewhere / "mine.toml").write_text(
        '[scenario]\nname = "mine"\ndescription = "x"\nbase = "small_town"\n', encoding="utf-8"
    )
    res = installed.run("run", "mine.toml", *SMALL)
    assert res.returncode == 0 and "mine (seed" in res.stdout, res.stderr
    (installed.elsewhere / "mine.toml").unlink()


def test_report_writes_below_the_current_folder(installed):
    res = installed.run("report", "baseline", *SMALL, "--runs", "1", "--workers", "1",
                        "--format", "html")  # fmt: skip
    assert res.returncode == 0, res.stderr
    handout = installed.elsewhere / "results" / "baseline-handout-en.html"
    assert handout.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in installed.elsewhere.iterdir()] == ["results"]
    shutil.rmtree(installed.elsewhere / "results")


def test_own_company_prints_its_template(installed):
    res = installed.run("own-company", "--template", "toml")
    assert res.returncode == 0 and res.stdout.startswith("# Your company's income"), res.stderr


def test_me_answers(installed):
    res = installed.run("me", "--futures", "5", "--months", "2", "--workers", "1", *SMALL[:2])
    assert res.returncode == 0, res.stderr
    assert "2 months" in res.stdout


def test_lessons_are_listed_from_the_package_and_never_rewritten(installed):
    res = installed.run("lessons")
    assert res.returncode == 0, res.stderr
    listed = [Path(line.rsplit("  ", 1)[1]) for line in res.stdout.splitlines()]
    assert len(listed) == len(LESSONS) and all(p.is_file() for p in listed)
    assert all(installed.package in p.parents for p in listed)
    before = {p: p.read_bytes() for p in listed}
    for argv in (["lessons", "--write"], ["validate", "--write-readme"]):
        res = installed.run(*argv)
        assert res.returncode == 2
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "installed copy" in lines[0] and "clone" in lines[0], lines
    assert before == {p: p.read_bytes() for p in listed}


def test_dask_is_an_extra(installed):
    res = installed.run("montecarlo", "baseline", "--runs", "1", "--dask", "tcp://127.0.0.1:1")
    assert res.returncode == 2
    assert "pip install 'networker-sim[cluster]'" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def test_the_dashboard_serves_its_page_and_ends_with_sigterm(installed):
    port = free_port()
    log = open(installed.elsewhere.parent / "dashboard.log", "wb")  # noqa: SIM115 (closed below)
    server = subprocess.Popen([installed.tool, "dashboard", "--port", str(port)],
                              cwd=installed.elsewhere, env=installed.env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip

    def page() -> bytes | None:
        if server.poll() is not None:
            pytest.fail(f"the dashboard ended with {server.returncode}: {log_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                return response.read() if response.status == 200 else None
        except OSError:
            return None

    def log_text() -> str:
        return (installed.elsewhere.parent / "dashboard.log").read_text(errors="replace")[-2000:]

    try:
        # the page is served only once the app has been imported (Solara loads it at start)
        body = wait_for(page, "the dashboard's page", 300, poll=0.5)
        assert b"<html" in body.lower()
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        wait_for(lambda: not in_session(server.pid), "every process of the dashboard to end",
                 30, detail=lambda: describe(in_session(server.pid)))  # fmt: skip
    finally:
        for proc in in_session(server.pid):
            os.kill(proc.pid, signal.SIGKILL)
        if server.poll() is None:
            server.kill()
            server.wait()
        log.close()


UNSHARE = shutil.which("unshare")


@pytest.mark.skipif(
    UNSHARE is None or os.geteuid() != 0, reason="read-only mounts need unshare as root"
)
@pytest.mark.parametrize("home", ["writable", "read-only"])
def test_runs_from_a_read_only_installation(installed, home, tmp_path):
    """Installed by another user, the package may not be written: numba's compiled rules
    (cache=True) go to the user's cache, else to a private folder of the temporary folder."""
    sim, home_dir, tmp = installed.package, tmp_path / "home", tmp_path / "tmp"
    home_dir.mkdir()
    tmp.mkdir()
    lock = f"mount -t tmpfs -o ro tmpfs {home_dir} && " if home == "read-only" else ""
    env = {**installed.env, "HOME": str(home_dir), "TMPDIR": str(tmp)}
    env.pop("XDG_CACHE_HOME", None)
    script = (f"mount --bind {sim} {sim} && mount -o remount,bind,ro {sim} && {lock}"
              f"exec {installed.tool} run baseline {' '.join(SMALL)}")  # fmt: skip
    p = subprocess.run([UNSHARE, "-m", "sh", "-c", script], cwd=installed.elsewhere, env=env,
                       capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
    if p.returncode != 0 and "mount" in p.stderr and "Traceback" not in p.stderr:
        pytest.skip(f"no private mounts here: {p.stderr.strip()}")
    assert p.returncode == 0, p.stderr
    assert "8 weeks, 400 people" in p.stdout
    cached = home_dir / ".cache" / "numba" if home == "writable" else tmp
    assert any(cached.rglob("*.nbi")), f"no compiled rules cached in {cached}"
