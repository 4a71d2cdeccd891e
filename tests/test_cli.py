"""The command line, run as a real subprocess (``python -m sim.cli`` and the installed
``networker-sim`` entry point), plus in-process tests of the atomic output folder.

Starting the CLI costs 1.5 to 3.5 s (importing Mesa, pandas and SciPy), so every subprocess
this module needs is started once, in parallel, by the module-scoped ``cli`` fixture; each
test then checks the outcome of its own invocation.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.cli import main
from sim.cli.args import build_parser, resolve
from sim.model import run as run_model
from sim.results import write_run
from sim.scenario import SCENARIO_DIR, list_scenarios, load_scenario

SMALL = ["--set", "population.size=5000", "--weeks", "104"]
README_COMMAND = (
    "networker-sim run baseline --set population.size=50000 --set networker.tolerance_mean=6"
)
SUMMARY_LINES = [
    "Scenario",
    "People who ever joined",
    "Active at the end",
    "Dropouts by reason",
    "First-year dropout share",
    "Net loss",
    "About break-even",
    "Profit",
    "Net income p5 / p25 / p50",
    "Net income p75 / p90 / p99",
    "Gini of net income",
    "Top 1 % share of commissions",
    "Retail share of volume",
    "Recruiting-reward share",
    "Pyramid risk",
]
PERCENTILE_KEYS = ["p5", "p10", "p25", "p50", "p75", "p90", "p99"]
SHARE_KEYS = [
    "share_net_loss",
    "share_break_even",
    "share_profit",
    "gini_net_income",
    "top1_commission_share",
    "first_year_dropout_share",
    "retail_share",
    "recruiting_reward_share",
]
OUT_FILES = {
    "weekly.parquet",
    "weekly.csv",
    "networkers.parquet",
    "networkers.csv",
    "summary.json",
    "manifest.json",
}

NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?(?![\w])")


def canonical(text: str) -> str:
    """Numbers written the same whatever the formatting: '5e+06', '5,000,000', '5000000'."""
    return NUMBER_RE.sub(lambda m: repr(float(m.group().replace(",", ""))), text)


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and Infinity, which are not JSON."""

    def refuse(name: str) -> Any:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


# ---- the batch of subprocesses -------------------------------------------------------------


@dataclass
class Invocation:
    argv: list[str]
    entry_point: bool = False
    expect: list[str] = field(default_factory=list)  # fragments the bad-input message names
    out: Path | None = None  # the --out folder that must not appear


@dataclass
class Batch:
    root: Path
    entry_point: str | None
    calls: dict[str, Invocation]
    results: dict[str, subprocess.CompletedProcess[str]]

    def __getitem__(self, name: str) -> subprocess.CompletedProcess[str]:
        return self.results[name]


BAD_TOML = {
    "malformed.toml": '[scenario]\nname = "broken"\n[population]\nsize = = 2000\n',
}


def plan_invocations(root: Path) -> dict[str, Invocation]:
    """Write the inputs under ``root`` and say what to run."""
    inputs = root / "inputs"
    inputs.mkdir()
    for name, text in BAD_TOML.items():
        (inputs / name).write_text(text, "utf-8")
    shutil.copy(SCENARIO_DIR / "baseline.toml", inputs / "my_baseline.toml")

    # bad input: (argv, fragments the message must name, through the entry point?)
    bad: dict[str, tuple[list[str], list[str], bool]] = {
        "unknown_key": (
            ["run", "baseline", *SMALL, "--set", "networker.tolerance_men=6"],
            ["networker.tolerance_men", "did you mean 'networker.tolerance_mean'"],
            False,
        ),
        "wrong_type": (
            ["run", "baseline", "--weeks", "52", "--set", "population.size=big"],
            ["population.size", "must be a number", "big"],
            False,
        ),
        "out_of_range": (
            ["run", "baseline", "--weeks", "52", "--set", "population.size=10"],
            ["population.size = 10", "out of range", "from 50 to 5000000 people"],
            False,
        ),
        "unknown_plan": (
            ["run", "baseline", *SMALL, "--set", "compensation.plan=binar"],
            ["compensation.plan", "binar", "did you mean 'binary'"],
            False,
        ),
        "bad_set_syntax": (
            ["run", "baseline", *SMALL, "--set", "population.size"],
            ["population.size", "section.key=value"],
            False,
        ),
        "missing_file": (
            ["run", str(inputs / "missing.toml"), *SMALL],
            [str(inputs / "missing.toml"), "not found"],
            False,
        ),
        "malformed_toml": (
            ["run", str(inputs / "malformed.toml"), *SMALL],
            [str(inputs / "malformed.toml"), "malformed TOML", "line 4"],
            False,
        ),
        # the installed entry point must pass main()'s exit status on
        "unknown_scenario": (
            ["run", "pyramidd", *SMALL],
            ["unknown scenario 'pyramidd'", "did you mean 'pyramid'"],
            True,
        ),
    }
    calls: dict[str, Invocation] = {}
    for case, (argv, expect, entry_point) in bad.items():
        out = root / "bad" / case / "out"
        out.parent.mkdir(parents=True)
        calls[case] = Invocation([*argv, "--out", str(out)], entry_point, expect, out)

    existing = root / "exists" / "out"
    existing.mkdir(parents=True)
    (existing / "marker.txt").write_text("keep me\n")
    calls["out_exists"] = Invocation(
        ["run", "baseline", *SMALL, "--out", str(existing)],
        expect=[str(existing), "did not write (marker.txt)", "--overwrite"],
    )
    # --overwrite replaces only a folder this tool wrote: not one with a file of someone else
    foreign = root / "foreign" / "out"
    foreign.mkdir(parents=True)
    (foreign / "marker.txt").write_text("keep me\n")
    calls["overwrite_foreign"] = Invocation(
        ["run", "baseline", *SMALL, "--out", str(foreign), "--overwrite"],
        expect=[str(foreign), "did not write (marker.txt)", "not replaced"],
    )

    # happy paths
    calls["scenarios"] = Invocation(["scenarios"])
    calls["json_a"] = Invocation(["run", "baseline", *SMALL, "--seed", "7", "--json"])
    calls["json_b"] = Invocation(["run", "baseline", *SMALL, "--seed", "7", "--json"])
    calls["out"] = Invocation(
        [
            "run",
            str(inputs / "my_baseline.toml"),
            "--seed",
            "7",
            "--weeks",
            "104",
            "--set",
            "population.size=5000",
            "--out",
            str(root / "happy" / "run7"),
        ]
    )
    # also the summary table: a run without --json, replacing an earlier result of 8 weeks
    replace = root / "replace" / "out"
    old = load_scenario("baseline", {"population.size": 200, "simulation.weeks": 8})
    write_run(run_model(old), replace, 0.1)
    calls["table_overwrite"] = Invocation(
        ["run", "baseline", *SMALL, "--out", str(replace), "--overwrite"]
    )
    return calls


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Batch:
    root = tmp_path_factory.mktemp("cli")
    calls = plan_invocations(root)
    entry_point = shutil.which("networker-sim", path=str(Path(sys.executable).parent))
    workdir = root / "cwd"
    workdir.mkdir()
    # Without bytecode every start compiles pandas, SciPy and Mesa again (about 3.5 s instead
    # of 1.5 s): let the subprocesses keep their bytecode in pytest's cache folder, outside
    # the sources. Python checks it against the sources' mtimes, so edits are picked up.
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    bytecode = cache.mkdir("cli-bytecode") if cache is not None else root / "bytecode"
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)

    def run(inv: Invocation) -> subprocess.CompletedProcess[str]:
        if inv.entry_point:
            if entry_point is None:
                return subprocess.CompletedProcess(inv.argv, -1, "", "entry point not found")
            cmd = [entry_point, *inv.argv]
        else:
            cmd = [sys.executable, "-m", "sim.cli", *inv.argv]
        try:
            return subprocess.run(
                cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=300, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:  # fail that test, not all
            return subprocess.CompletedProcess(cmd, -1, "", f"could not run {cmd}: {exc}")

    results = {"scenarios": run(calls["scenarios"])}  # first alone: it fills the bytecode cache
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {n: pool.submit(run, inv) for n, inv in calls.items() if n not in results}
        results |= {name: f.result() for name, f in futures.items()}
    return Batch(root, entry_point, calls, results)


# ---- bad input -----------------------------------------------------------------------------

BAD_CASES = [
    "unknown_key",
    "wrong_type",
    "out_of_range",
    "unknown_plan",
    "bad_set_syntax",
    "missing_file",
    "malformed_toml",
    "unknown_scenario",
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_one_message_exit_2_nothing_written(cli: Batch, case: str) -> None:
    inv, res = cli.calls[case], cli[case]
    assert res.returncode == 2, f"exit {res.returncode}\nstdout: {res.stdout}\nstderr: {res.stderr}"
    assert "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one message, got:\n{res.stderr}"
    assert lines[0].startswith("networker-sim: error: "), lines[0]
    for fragment in inv.expect:
        assert canonical(fragment) in canonical(lines[0]), f"{fragment!r} not in {lines[0]!r}"
    assert res.stdout == ""
    assert inv.out is not None
    assert not inv.out.exists()
    assert list(inv.out.parent.iterdir()) == [], "leftovers next to the --out folder"


def test_argparse_type_error_exit_2_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exc:
        main(["run", "baseline", "--weeks", "abc", "--out", str(out)])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "Traceback" not in err
    assert "--weeks" in err and "'abc'" in err
    assert list(tmp_path.iterdir()) == []


def assert_refused_and_kept(cli: Batch, call: str, folder: str) -> None:
    """One error line naming what the call expects; the user's folder untouched."""
    inv, res = cli.calls[call], cli[call]
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    line = res.stderr.strip()
    assert "\n" not in line and line.startswith("networker-sim: error: ")
    for fragment in inv.expect:
        assert fragment in line
    kept = cli.root / folder / "out"
    assert [p.name for p in kept.iterdir()] == ["marker.txt"]
    assert (kept / "marker.txt").read_text() == "keep me\n"
    assert [p.name for p in kept.parent.iterdir()] == ["out"], "leftovers beside it"


def test_out_onto_existing_folder_without_overwrite(cli: Batch) -> None:
    assert_refused_and_kept(cli, "out_exists", "exists")


# ---- happy paths ---------------------------------------------------------------------------


def test_entry_point_is_installed(cli: Batch) -> None:
    assert cli.entry_point is not None, "networker-sim is not installed next to sys.executable"


def test_scenarios_lists_every_scenario_file_with_its_description(cli: Batch) -> None:
    res = cli["scenarios"]
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    lines = res.stdout.strip().splitlines()
    listed = {line.split()[0]: line.split(maxsplit=1)[1] for line in lines}
    assert set(listed) == {p.stem for p in SCENARIO_DIR.glob("*.toml")}
    assert {"baseline", "retail_focused", "pyramid", "critical"} <= set(listed)
    for name, description in list_scenarios():
        assert description and listed[name] == description


def test_run_prints_the_summary_table(cli: Batch) -> None:
    res = cli["table_overwrite"]
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    lines = res.stdout.splitlines()
    for label in SUMMARY_LINES:
        assert any(line.startswith(label) for line in lines), f"no line {label!r}"
    assert "baseline (seed 42, 104 weeks, 5,000 people)" in res.stdout
    risk = next(line for line in lines if line.startswith("Pyramid risk"))
    assert risk.split()[-1] in {"GREEN", "AMBER", "RED"}
    assert "not legal advice" in res.stdout
    assert "Results written to" in res.stdout


def _check_summary(s: dict[str, Any], scenario: str, seed: int, weeks: int) -> None:
    assert s["scenario"] == scenario
    assert s["seed"] == seed and type(s["seed"]) is int
    assert s["weeks"] == weeks and type(s["weeks"]) is int
    for key in ("ever_joined", "active_end"):
        assert type(s[key]) is int, key
    # the members at week 0 and the recruits since; nobody beyond the market
    assert 0 < s["members_at_start"] < s["ever_joined"] <= 5000
    assert 0 <= s["active_end"] <= s["ever_joined"]
    drops = s["dropouts_by_reason"]
    assert isinstance(drops, dict) and drops
    assert all(isinstance(k, str) and type(v) is int and v >= 0 for k, v in drops.items())
    assert sum(drops.values()) == s["ever_joined"] - s["active_end"]
    for key in SHARE_KEYS:
        assert isinstance(s[key], float | int) and not isinstance(s[key], bool), key
        assert 0 <= s[key] <= 1, (key, s[key])
    assert math.isclose(s["share_net_loss"] + s["share_break_even"] + s["share_profit"], 1.0)
    pct = s["net_income_percentiles"]
    assert isinstance(pct, dict)
    assert set(PERCENTILE_KEYS) <= set(pct)
    values = [pct[k] for k in PERCENTILE_KEYS]
    assert all(isinstance(v, float | int) for v in values)
    assert values == sorted(values)
    assert s["pyramid_risk"] in {"green", "amber", "red"}


def test_json_is_one_object_with_the_required_keys(cli: Batch) -> None:
    res = cli["json_a"]
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    summary = strict_json(res.stdout)  # the whole of stdout: nothing before or after
    assert isinstance(summary, dict)
    _check_summary(summary, "baseline", 7, 104)


def test_same_seed_twice_gives_identical_json(cli: Batch) -> None:
    a, b = cli["json_a"], cli["json_b"]
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_out_writes_series_table_summary_and_manifest(cli: Batch) -> None:
    res = cli["out"]
    out = cli.root / "happy" / "run7"
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert str(out) in res.stdout
    assert {p.name for p in out.iterdir()} == OUT_FILES
    assert [p.name for p in out.parent.iterdir()] == ["run7"], "temporary folders left over"

    weekly = pd.read_parquet(out / "weekly.parquet")
    assert len(weekly) == 104
    assert weekly.week.tolist() == list(range(1, 105))
    weekly_csv = pd.read_csv(out / "weekly.csv")
    assert weekly_csv.shape == weekly.shape
    assert list(weekly_csv.columns) == list(weekly.columns)

    summary = strict_json((out / "summary.json").read_text())
    _check_summary(summary, "baseline", 7, 104)
    networkers = pd.read_parquet(out / "networkers.parquet")
    assert len(networkers) == summary["ever_joined"]
    assert len(pd.read_csv(out / "networkers.csv")) == len(networkers)
    assert {"join_week", "exit_week", "exit_reason", "net_income"} <= set(networkers.columns)

    manifest = strict_json((out / "manifest.json").read_text())
    assert manifest["seed"] == 7
    resolved = manifest["scenario"]
    assert resolved["name"] == "baseline"
    assert resolved["simulation"] == {"weeks": 104, "seed": 7, "company_age_years": 20}
    assert resolved["population"]["size"] == 5000
    baseline = load_scenario("baseline")
    assert resolved["networker"]["tolerance_mean"] == baseline.networker.tolerance_mean
    assert resolved["compensation"]["unilevel_rates"] == [0.08, 0.05, 0.04, 0.04, 0.04]
    versions = manifest["versions"]
    for package in ("mesa", "numpy", "pandas"):
        assert versions[package] == version(package)
    assert "python" in versions
    assert isinstance(manifest["elapsed_seconds"], float | int)
    assert manifest["elapsed_seconds"] >= 0


def test_summary_json_equals_json_output_for_the_same_seed(cli: Batch) -> None:
    written = strict_json((cli.root / "happy" / "run7" / "summary.json").read_text())
    assert written == strict_json(cli["json_a"].stdout)


def test_overwrite_replaces_the_folder(cli: Batch) -> None:
    res = cli["table_overwrite"]
    out = cli.root / "replace" / "out"
    assert res.returncode == 0, res.stderr
    assert {p.name for p in out.iterdir()} == OUT_FILES
    assert [p.name for p in out.parent.iterdir()] == ["out"], "temporary folders left over"
    assert len(pd.read_parquet(out / "weekly.parquet")) == 104  # the old result had 8 weeks


def test_overwrite_refuses_a_folder_with_files_the_tool_did_not_write(cli: Batch) -> None:
    assert_refused_and_kept(cli, "overwrite_foreign", "foreign")


def test_readme_command_resolves() -> None:
    args = build_parser().parse_args(shlex.split(README_COMMAND)[1:])
    scenario = resolve(args)
    assert scenario.population.size == 50_000
    assert scenario.networker.tolerance_mean == 6.0
    assert scenario.simulation == load_scenario("baseline").simulation


REPO = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """The ``networker-sim`` command lines in the README's code blocks, comments removed."""
    text = (REPO / "README.md").read_text("utf-8")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip().removeprefix("uv run ")
            if line.startswith("networker-sim "):
                commands.append(line)
    return commands


def test_readme_lists_the_override_command() -> None:
    assert README_COMMAND in readme_commands()


@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_is_accepted(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # the README's paths are relative to the repository
    args = build_parser().parse_args(shlex.split(command)[1:])
    if args.command == "run":
        resolve(args)  # validates, without running the simulation


def test_resolve_applies_seed_and_weeks() -> None:
    args = build_parser().parse_args(["run", "pyramid", "--seed", "9", "--weeks", "13"])
    scenario = resolve(args)
    assert (scenario.simulation.seed, scenario.simulation.weeks) == (9, 13)
    assert scenario.compensation.plan == "recruitment_fee"


# ---- atomic output folder (in-process) -----------------------------------------------------


@pytest.fixture(scope="module")
def tiny_result() -> Any:
    from sim.model import run

    return run(load_scenario("baseline", {"population.size": 200, "simulation.weeks": 8}))


def _interrupt_after_first_file(
    monkeypatch: pytest.MonkeyPatch, exc: BaseException, seen: list[list[str]]
) -> None:
    """Make DataFrame.to_csv raise ``exc``, noting what the temporary folder held by then."""

    def failing_to_csv(self: pd.DataFrame, path: Any = None, *args: Any, **kwargs: Any) -> None:
        seen.append(sorted(p.name for p in Path(path).parent.iterdir()))
        raise exc

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_to_csv)


@pytest.mark.parametrize(
    "exc", [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")]
)
def test_write_run_interrupted_midway_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_result: Any, exc: BaseException
) -> None:
    from sim.results import write_run

    seen: list[list[str]] = []
    _interrupt_after_first_file(monkeypatch, exc, seen)
    out = tmp_path / "result"
    with pytest.raises(type(exc)):
        write_run(tiny_result, out, 0.1)
    assert seen == [["weekly.parquet"]], "the failure did not come midway"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "a partial temporary folder was left"


def test_write_run_failing_on_second_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_result: Any
) -> None:
    from sim.results import write_run

    real: Callable[..., Any] = pd.DataFrame.to_parquet
    calls: list[str] = []

    def to_parquet(self: pd.DataFrame, path: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(Path(path).name)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
    out = tmp_path / "result"
    with pytest.raises(OSError):
        write_run(tiny_result, out, 0.1)
    assert calls == ["weekly.parquet", "networkers.parquet"]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_failed_overwrite_keeps_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_result: Any
) -> None:
    from sim.results import write_run

    out = tmp_path / "result"
    write_run(tiny_result, out, 0.1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _interrupt_after_first_file(monkeypatch, KeyboardInterrupt(), [])
    with pytest.raises(KeyboardInterrupt):
        write_run(tiny_result, out, 0.2, overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["result"]


def test_write_run_complete_and_clean(tmp_path: Path, tiny_result: Any) -> None:
    from sim.results import OutputError, write_run

    out = tmp_path / "result"
    write_run(tiny_result, out, 0.1)
    assert {p.name for p in out.iterdir()} == OUT_FILES
    with pytest.raises(OutputError, match="already exists"):
        write_run(tiny_result, out, 0.1)
    write_run(tiny_result, out, 0.2, overwrite=True)
    assert {p.name for p in out.iterdir()} == OUT_FILES
    assert strict_json((out / "manifest.json").read_text())["elapsed_seconds"] == 0.2
    assert [p.name for p in tmp_path.iterdir()] == ["result"], "temporary folders left over"


def test_main_interrupted_while_writing_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[list[str]] = []
    _interrupt_after_first_file(monkeypatch, KeyboardInterrupt(), seen)
    out = tmp_path / "result"
    code = main(
        ["run", "baseline", "--set", "population.size=200", "--weeks", "8", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 130
    assert "interrupted" in err and "Traceback" not in err
    assert seen == [["weekly.parquet"]]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_main_bad_input_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result"
    code = main(["run", "baseline", "--set", "networker.tolerance_men=6", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("networker-sim: error: ")
    assert "networker.tolerance_mean" in captured.err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_interrupted_write_into_a_new_nested_folder_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_result: Any
) -> None:
    from sim.results import write_run

    _interrupt_after_first_file(monkeypatch, KeyboardInterrupt(), [])
    with pytest.raises(KeyboardInterrupt):
        write_run(tiny_result, tmp_path / "a" / "b" / "out", 0.1)
    assert list(tmp_path.iterdir()) == []


def test_bad_seed_is_not_blamed_on_set(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "baseline", "--set", "population.size=2000", "--seed", "-1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "simulation.seed" in err
    assert "--set:" not in err


# ---- the dashboard command (issue 11) --------------------------------------------------------


class _ServerStarted(Exception):
    """Raised instead of becoming the Solara server (os.execve)."""


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commands `dashboard` would become; os.execve records them instead."""
    started: list[list[str]] = []

    def execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        started.append(argv)
        raise _ServerStarted

    monkeypatch.setattr(os, "execve", execve)
    return started


@pytest.mark.parametrize(
    ("lang", "fragments"),
    [("en", ["already in use", "--port"]), ("de", ["schon belegt", "--port"])],
)
def test_dashboard_on_a_port_in_use_is_refused_before_the_address_is_shown(
    no_server: list[list[str]], capsys: pytest.CaptureFixture[str], lang: str, fragments: list[str]
) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:  # listening: the port is in use
        port = taken.getsockname()[1]
        code = main(["--lang", lang, "dashboard", "--port", str(port)])
    out, err = capsys.readouterr()
    assert (code, out, no_server) == (2, "", [])
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(port) in err and all(f in err for f in fragments), err
    suggested = int(err.rsplit("--port ", 1)[1].strip())
    assert suggested != port and 0 < suggested < 65536


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_dashboard_open_to_the_network_warns(
    no_server: list[list[str]], capsys: pytest.CaptureFixture[str], host: str, warned: bool
) -> None:
    import socket

    with socket.create_server((host, 0)) as probe:
        port = probe.getsockname()[1]
    for lang, words in (("en", "anyone"), ("de", "jeder")):
        with pytest.raises(_ServerStarted):
            main(["--lang", lang, "dashboard", "--host", host, "--port", str(port)])
        out, err = capsys.readouterr()
        assert f":{port}/" in out  # the address is shown, and the server starts
        assert (words in err and host in err and "127.0.0.1" in err) is warned, err
    assert len(no_server) == 2 and no_server[0][no_server[0].index("--host") + 1] == host


@pytest.mark.parametrize(("lang", "text"), [("en", "90 % range"), ("de", "90-%-Bereich")])
def test_a_command_help_shows_a_percent_sign_once(capsys, lang, text):
    with pytest.raises(SystemExit):
        main(["--lang", lang, "montecarlo", "--help"])
    out = capsys.readouterr().out
    assert text in out
    assert "%%" not in out
