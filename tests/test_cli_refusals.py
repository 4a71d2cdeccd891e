"""Faults that used to end in a traceback, a raw errno or silence (issue 11), through the
real command line: each ends with one message that says what is wrong and what to do,
exit status 2, and nothing left behind; a note on stderr where the run goes on.

Every subprocess is started once, two at a time, by the module-scoped ``cli`` fixture (a
start costs a few seconds of imports); each test checks the outcome of its own call.
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support import CLI, Result, cli_env, run_command

from sim.cli import main
from sim.memory import GIB, Room, check_memory
from sim.model import run as run_model
from sim.results import write_run
from sim.scenario import ScenarioError, load_scenario

SMALL = ["--set", "population.size=200", "--weeks", "4"]
SENS = ["sensitivity", "baseline", "--params", "costs.monthly_fee,training.fee", "--runs", "1"]
PREFIX = "networker-sim: error: "


@dataclass
class Call:
    argv: list[str]
    expect: list[str] = field(default_factory=list)  # fragments the message names
    env: dict[str, str] = field(default_factory=dict)
    address_space: int | None = None  # ulimit -v of the child, in bytes
    mount: str = ""  # shell lines run first in a private mount namespace (unshare -m)


@dataclass
class Batch:
    root: Path
    calls: dict[str, Call]
    results: dict[str, Result | None]  # None: the fault cannot be made here


def plan(root: Path) -> dict[str, Call]:
    """Write the inputs under ``root`` and say what to run."""
    (root / "afile").write_text("not a folder\n")
    folder = root / "scenarios_folder"
    folder.mkdir()
    (folder / "a.toml").write_text("[population]\nsize = 300\n")
    (root / "empty.toml").write_text("")
    (root / "comments.toml").write_text("# only a comment\n\n# and another\n")
    readonly = root / "readonly"
    readonly.mkdir()
    mounted = root / "mounted"  # a result folder of the tool, with a mount on it
    tiny = load_scenario("baseline", {"population.size": 200, "simulation.weeks": 2})
    write_run(run_model(tiny), mounted, 0.1)
    long_name = str(root / ("a" * 300))
    ro_mount = f"mount --bind {readonly} {readonly} && mount -o remount,bind,ro {readonly}"
    return {
        # 1. counts of the sensitivity methods
        "trajectories_0": Call(
            [*SENS, *SMALL, "--trajectories", "0"],
            ["--trajectories 0", "out of range", "from 2 to 10,000"],
        ),
        "trajectories_neg": Call(
            [*SENS, *SMALL, "--trajectories", "-1"], ["--trajectories -1", "from 2 to 10,000"]
        ),
        "samples_0": Call(
            [*SENS, *SMALL, "--method", "sobol", "--samples", "0"],
            ["--samples 0", "from 2 to 65,536"],
        ),
        # 2. a run too big for the memory there is, refused before it starts
        "memory_run": Call(
            [
                "run",
                "baseline",
                "--set",
                "population.size=5000000",
                "--set",
                "population.mean_degree=100",
                "--out",
                str(root / "m1"),
            ],
            ["this run needs about 10.7 GiB", "is available", "ulimit -v", "population.size"],
            address_space=2 * GIB,
        ),
        "memory_montecarlo": Call(
            [
                "montecarlo",
                "baseline",
                "--set",
                "population.size=5000000",
                "--set",
                "population.mean_degree=100",
                "--runs",
                "2",
                "--workers",
                "2",
                "--out",
                str(root / "m2"),
            ],
            ["needs about 10.7 GiB", "ulimit -v"],
            address_space=2 * GIB,
        ),
        # 3. --out that cannot become a folder
        "out_file": Call(
            ["montecarlo", "baseline", *SMALL, "--runs", "1", "--out", str(root / "afile")],
            ["afile", "is a file"],
        ),
        "out_below_file": Call(
            ["montecarlo", "baseline", *SMALL, "--runs", "1", "--out", str(root / "afile" / "sub")],
            ["afile is a file, not a folder"],
        ),
        "out_long_name": Call(
            ["montecarlo", "baseline", *SMALL, "--runs", "1", "--out", long_name],
            ["cannot create the folder", "File name too long"],
        ),
        "run_out_long_name": Call(
            ["run", "baseline", *SMALL, "--out", long_name],
            ["cannot create the folder", "File name too long"],
        ),
        "out_cwd": Call(
            ["run", "baseline", *SMALL, "--out", ".", "--overwrite"],
            [".: is the current folder", "never replaces it"],
        ),
        "out_readonly": Call(
            ["montecarlo", "baseline", *SMALL, "--runs", "1", "--out", str(readonly / "new")],
            [f"{readonly} is not writable"],
            mount=ro_mount,
        ),
        "run_out_readonly": Call(
            ["run", "baseline", *SMALL, "--out", str(readonly / "new")],
            [f"{readonly} is not writable"],
            mount=ro_mount,
        ),
        "out_mount_point": Call(
            ["run", "baseline", *SMALL, "--out", str(mounted), "--overwrite"],
            [str(mounted), "is a mount point"],
            mount=f"mount --bind {mounted} {mounted}",
        ),
        # 4. a key given twice
        "set_twice": Call(
            [
                "run",
                "baseline",
                "--weeks",
                "4",
                "--set",
                "population.size=200",
                "--set",
                "population.size=300",
            ],
            ["population.size is given twice", "population.size=200", "population.size=300"],
        ),
        "vary_twice": Call(
            [
                "sweep",
                "baseline",
                *SMALL,
                "--vary",
                "costs.monthly_fee=0,10",
                "--vary",
                "costs.monthly_fee=20",
            ],
            ["--vary costs.monthly_fee", "twice"],
        ),
        # 6. a huge number, compact
        "huge_number": Call(
            ["run", "baseline", "--set", "population.size=1e308"],
            ["population.size = 1e+308 is out of range"],
        ),
        # 7. a folder as the scenario
        "scenario_folder": Call(
            ["run", str(folder), *SMALL], [str(folder), "is a folder, not a scenario file"]
        ),
        "scenario_folder_slash": Call(
            ["run", "scenarios_folder/", *SMALL], ["scenarios_folder/", "is a folder"]
        ),
        # 8. TOML's true, not Python's True
        "bool_as_plan": Call(
            ["run", "baseline", *SMALL, "--set", "compensation.plan=true"],
            ["compensation.plan = true is not one of"],
        ),
        "bool_as_number": Call(
            ["run", "baseline", "--weeks", "4", "--set", "population.size=false"],
            ["must be a number, got false"],
        ),
        # 5. and 9.: the command goes on, with a word on stderr
        "lang_unknown": Call(["run", "baseline", *SMALL], env={"NETWORKER_SIM_LANG": "xx"}),
        "lang_unknown_overridden": Call(
            ["run", "baseline", *SMALL, "--lang", "de"], env={"NETWORKER_SIM_LANG": "xx"}
        ),
        "empty_scenario": Call(["run", str(root / "empty.toml"), *SMALL]),
        "comments_scenario": Call(["run", str(root / "comments.toml"), *SMALL]),
    }


def _can_unshare() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Batch:
    root = tmp_path_factory.mktemp("refusals")
    workdir = root / "cwd"
    workdir.mkdir()
    calls = plan(root)
    env = cli_env(request, root)
    env.pop("NETWORKER_SIM_LANG", None)
    unshare = _can_unshare()

    def run(name: str, call: Call) -> Result | None:
        cmd = [*CLI, *call.argv]
        if call.address_space is not None:  # the shell's ulimit counts KiB
            limit = f"ulimit -v {call.address_space // 1024}"
            cmd = ["sh", "-c", limit + ' && exec "$@"', "sh", *cmd]
        if call.mount:
            if not unshare:
                return None
            script = call.mount + ' && exec "$@"'
            cmd = ["unshare", "-m", "sh", "-c", script, "sh", *cmd]
        # the scenario folder is named relative to the root in one case
        cwd = root if name == "scenario_folder_slash" else workdir
        return run_command(cmd, cwd, {**env, **call.env})

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run, name, call) for name, call in calls.items()}
        results = {name: f.result() for name, f in futures.items()}
    return Batch(root, calls, results)


REFUSED = [
    "trajectories_0",
    "trajectories_neg",
    "samples_0",
    "memory_run",
    "memory_montecarlo",
    "out_file",
    "out_below_file",
    "out_long_name",
    "run_out_long_name",
    "out_cwd",
    "out_readonly",
    "run_out_readonly",
    "out_mount_point",
    "set_twice",
    "vary_twice",
    "huge_number",
    "scenario_folder",
    "scenario_folder_slash",
    "bool_as_plan",
    "bool_as_number",
]


@pytest.mark.slow
@pytest.mark.parametrize("case", REFUSED)
def test_refused_with_one_message_exit_2(cli: Batch, case: str) -> None:
    res = cli.results[case]
    if res is None:
        pytest.skip("needs a private mount namespace (unshare -m) to make the fault")
    assert res.returncode == 2, f"exit {res.returncode}\nstdout: {res.stdout}\n{res.stderr}"
    assert "Traceback" not in res.stderr and "[Errno" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith(PREFIX), lines[0]
    assert len(lines[0]) < 600, "a value repeated at full length"
    for fragment in cli.calls[case].expect:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert res.stdout == ""


@pytest.mark.slow
def test_refusals_leave_nothing_behind(cli: Batch) -> None:
    root = cli.root
    assert not (root / "m1").exists() and not (root / "m2").exists()
    assert (root / "afile").read_text() == "not a folder\n"
    assert list((root / "readonly").iterdir()) == []
    assert sorted(p.name for p in (root / "cwd").iterdir()) == []
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".")]
    assert leftovers == [], "working folders left beside the results"


@pytest.mark.slow
def test_a_mount_point_keeps_its_result(cli: Batch) -> None:
    root = cli.root
    if cli.results["out_mount_point"] is None:
        pytest.skip("needs a private mount namespace (unshare -m)")
    assert (root / "mounted" / "manifest.json").is_file()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".mounted")) == []


@pytest.mark.slow
def test_unknown_language_warns_once_and_runs_in_english(cli: Batch) -> None:
    res = cli.results["lang_unknown"]
    assert res.returncode == 0, res.stderr
    lines = res.stderr.strip().splitlines()
    assert lines == [
        "networker-sim: warning: NETWORKER_SIM_LANG='xx' is not a supported language "
        "(supported: en, de); using English"
    ]
    assert res.stdout.startswith("Scenario ")


@pytest.mark.slow
def test_unknown_language_is_not_mentioned_when_lang_is_given(cli: Batch) -> None:
    res = cli.results["lang_unknown_overridden"]
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert res.stdout.startswith("Szenario ")


@pytest.mark.slow
@pytest.mark.parametrize("case", ["empty_scenario", "comments_scenario"])
def test_blank_scenario_runs_the_defaults_with_a_note(cli: Batch, case: str) -> None:
    res = cli.results[case]
    assert res.returncode == 0, res.stderr
    path = cli.calls[case].argv[1]
    assert res.stderr.strip().splitlines() == [
        f"networker-sim: note: {path} sets nothing (it is empty or holds only comments): the "
        "run uses every default (networker-sim params lists them)"
    ]
    assert "200 people" in res.stdout  # the --set still applies


# ---- in-process: what a subprocess cannot show -------------------------------------------


def test_memory_shared_by_workers_counts_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario("baseline", {"population.size": 3_000_000})
    rooms = [Room(2 * GIB, "memory_free", per_process=False)]
    monkeypatch.setattr("sim.memory.rooms", lambda: rooms)
    check_memory([scenario], workers=1)  # 1.7 GiB in this process (an established company)
    with pytest.raises(ScenarioError) as exc:
        check_memory([scenario], workers=2)  # two workers of 2.0 GiB each: do not
    message = exc.value.message()
    assert message.startswith("2 runs at once need")
    assert "2.0 GiB is available (free memory, MemAvailable)" in message
    assert "fewer workers (--workers)" in message
    assert "4,0 GiB" in exc.value.message("de")


def test_memory_error_past_the_estimate_is_one_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("sim.model.run", out_of_memory)
    out = tmp_path / "out"
    code = main(["run", "baseline", *SMALL, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX + "ran out of memory")
    assert "lower population.size" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_memory_error_in_an_experiment_stops_it_with_one_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # not a failed replicate among others: every later one would fail the same way
    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("sim.model.run", out_of_memory)
    code = main(["montecarlo", "baseline", *SMALL, "--runs", "2", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and "replicate" not in err
    assert err.strip().splitlines()[-1].startswith(PREFIX + "ran out of memory")
    assert len(err.strip().splitlines()) == 1
