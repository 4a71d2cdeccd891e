"""The experiment commands (montecarlo, compare, sweep, sensitivity) on the command line.

Each command is run as a real subprocess (``python -m sim.cli``). Starting one costs a few
seconds (importing Mesa, pandas, SciPy), so the module-scoped ``cli`` fixture starts them
all at once, two at a time, and each test checks the outcome of its own invocation. A
second stage reruns the command whose ``--out`` folder the first stage filled (resume).

No input is known that makes the model itself raise, so a failing replicate is injected
in-process (``main()`` with one worker and ``sim.model.run`` patched); that checks
the report and the exit status, not the model.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from support import CLI, Result, cli_env, run_command

import sim.model
from sim.cli import main
from sim.experiments import OUTCOMES, replicate_seeds
from sim.scenario import SCENARIO_DIR, Scenario

SMALL = ["--set", "population.size=5000", "--weeks", "104"]
TARGETS = {"share_net_loss", "first_year_dropout_share", "net_income_p50"}
TIME_LEFT = re.compile(r"\d\d:\d\d<\d\d:\d\d")  # tqdm's "elapsed<remaining"


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and Infinity, which are not JSON."""

    def refuse(name: str) -> Any:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@dataclass
class Batch:
    root: Path
    results: dict[str, Result]

    def __getitem__(self, name: str) -> Result:
        return self.results[name]


def plan(root: Path) -> dict[str, list[str]]:
    mc = ["montecarlo", "baseline", "--runs", "4", *SMALL]
    cmp_ = ["compare", "retail_focused", "pyramid", "--runs", "4", "--workers", "1", *SMALL]
    sweep = ["sweep", "baseline", "--runs", "2", "--workers", "1", *SMALL]
    sens = [
        "sensitivity",
        "baseline",
        "--params",
        "costs.monthly_fee=0:300,training.fee",
        "--set",
        "training.enabled=false",
        "--set",  # from the launch: high fees leave no established company at week 0
        "simulation.company_age_years=0",
        "--trajectories",
        "2",
        "--runs",
        "1",
        "--workers",
        "1",
        *SMALL,
    ]
    return {
        "mc_json": [*mc, "--workers", "2", "--json", "--no-progress"],
        # the same experiment on one worker, with the progress bar on stderr
        "mc_progress": [*mc, "--workers", "1", "--json", "--progress"],
        "mc_text": [*mc, "--workers", "1", "--no-progress", "--out", str(root / "mc")],
        "compare_text": [*cmp_, "--no-progress"],
        "compare_json": [*cmp_, "--json", "--no-progress"],
        "sweep_json": [*sweep, "--vary", "networker.tolerance_mean=2,8", "--json"],
        "sweep_text": [
            *sweep,
            "--runs",
            "1",
            "--vary",
            "networker.tolerance_mean=2,8",
            "--vary",
            "costs.monthly_fee=0,50",
            "--no-progress",
        ],
        "sens_json": [*sens, "--json", "--no-progress"],
        # bad input
        "runs_zero": [*mc, "--runs", "0", "--out", str(root / "bad" / "runs0")],
        "workers_negative": [*mc, "--workers", "-2", "--out", str(root / "bad" / "w")],
        "vary_malformed": [*sweep, "--vary", "networker.tolerance_mean"],
        "vary_out_of_range": [
            *sweep,
            "--vary",
            "networker.tolerance_mean=2,-3",
            "--out",
            str(root / "bad" / "vary"),
        ],
        "params_unknown": [
            "sensitivity",
            "baseline",
            "--params",
            "networker.tolerance_men,costs.monthly_fee",
            *SMALL,
        ],
        "params_one": ["sensitivity", "baseline", "--params", "costs.monthly_fee", *SMALL],
        "dask_unreachable": [*mc, "--dask", "tcp://127.0.0.1:1"],
    }


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Batch:
    root = tmp_path_factory.mktemp("experiments-cli")
    workdir = root / "cwd"
    workdir.mkdir()
    env = cli_env(request, root)

    def run(argv: list[str]) -> Result:
        return run_command([*CLI, *argv], workdir, env)

    calls = plan(root)
    # the slow one (10 s connection timeout) first, so the others overlap it
    order = ["dask_unreachable", *(n for n in calls if n != "dask_unreachable")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {n: pool.submit(run, calls[n]) for n in order}
        results = {n: f.result() for n, f in futures.items()}
        # second stage: the same command again resumes; another seed is refused
        again = pool.submit(run, calls["mc_text"])
        other = pool.submit(run, [*calls["mc_text"], "--seed", "7"])
        results["mc_resume"] = again.result()
        results["mc_other_seed"] = other.result()
    return Batch(root, results)


# ---- montecarlo ----------------------------------------------------------------------------


@pytest.mark.slow
def test_montecarlo_json(cli: Batch) -> None:
    r = cli["mc_json"]
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    data = strict_json(r.stdout)
    assert r.stdout.count("\n") == 1  # one JSON object on one line
    assert data["scenario"] == "baseline"
    assert data["runs"] == 4
    assert data["replicates"] == 4
    assert data["master_seed"] == 42
    assert data["failures"] == []
    assert set(data["outcomes"]) == set(OUTCOMES)
    for name in ("share_net_loss", "first_year_dropout_share", "net_income_p50", "ever_joined"):
        o = data["outcomes"][name]
        assert set(o) == {"mean", "p5", "p95"}
        assert o["p5"] <= o["mean"] <= o["p95"]
    assert 0 <= data["outcomes"]["share_net_loss"]["mean"] <= 1


@pytest.mark.slow
def test_montecarlo_same_result_on_one_and_two_workers(cli: Batch) -> None:
    assert cli["mc_progress"].returncode == 0, cli["mc_progress"].stderr
    assert strict_json(cli["mc_progress"].stdout) == strict_json(cli["mc_json"].stdout)


@pytest.mark.slow
def test_montecarlo_progress_bar_with_time_left(cli: Batch) -> None:
    err = cli["mc_progress"].stderr
    assert "replicates" in err
    assert "4/4" in err
    assert TIME_LEFT.search(err), err
    assert "Traceback" not in err


@pytest.mark.slow
def test_montecarlo_text_table(cli: Batch) -> None:
    r = cli["mc_text"]
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "90 % range" in r.stdout
    assert "baseline: 4 replicates (master seed 42)" in r.stdout
    lines = r.stdout.splitlines()
    for name in ("share_net_loss", "first_year_dropout_share", "net_income_p50"):
        row = next(line for line in lines if line.startswith(name))
        assert " .. " in row
    row = next(line for line in lines if line.startswith("share_net_loss"))
    assert row.count("%") == 3  # mean, low, high
    assert f"Results written to {cli.root / 'mc'}/" in r.stdout


@pytest.mark.slow
def test_montecarlo_folder(cli: Batch) -> None:
    out = cli.root / "mc"
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert outcomes.replicate.tolist() == [0, 1, 2, 3]
    assert outcomes.seed.tolist() == replicate_seeds(42, 4)
    json_out = strict_json(cli["mc_json"].stdout)
    assert outcomes.share_net_loss.mean() == pytest.approx(
        json_out["outcomes"]["share_net_loss"]["mean"]
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"] == 4
    assert manifest["master_seed"] == 42
    assert "elapsed_seconds" in manifest and "versions" in manifest
    assert (out / "bands.parquet").is_file()


@pytest.mark.slow
def test_montecarlo_same_command_resumes(cli: Batch) -> None:
    r = cli["mc_resume"]
    assert r.returncode == 0, r.stderr
    assert r.stdout == cli["mc_text"].stdout
    manifest = json.loads((cli.root / "mc" / "manifest.json").read_text())
    assert manifest["resumed_from"] == 4


@pytest.mark.slow
def test_montecarlo_other_seed_in_the_same_folder_is_refused(cli: Batch) -> None:
    r = cli["mc_other_seed"]
    assert r.returncode == 2
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert str(cli.root / "mc") in r.stderr
    assert "--overwrite" in r.stderr


# ---- compare -------------------------------------------------------------------------------


@pytest.mark.slow
def test_compare_json_has_beyond_noise_booleans(cli: Batch) -> None:
    r = cli["compare_json"]
    assert r.returncode == 0, r.stderr
    data = strict_json(r.stdout)
    assert data["scenarios"] == ["retail_focused", "pyramid"]
    assert data["runs"] == 4
    assert data["failures"] == []
    outcomes = data["outcomes"]
    assert set(outcomes) >= TARGETS
    for o in outcomes.values():
        assert isinstance(o["beyond_noise"], bool)
        assert {"mean_a", "mean_b", "difference", "p_value", "p5_a", "p95_b"} <= set(o)
        if o["mean_a"] is not None and o["mean_b"] is not None:
            assert o["difference"] == pytest.approx(o["mean_b"] - o["mean_a"])
    # a pyramid is not a retail company: some differences stand out of the noise
    assert any(o["beyond_noise"] for o in outcomes.values())
    assert outcomes["retail_share"]["beyond_noise"] is True
    assert outcomes["retail_share"]["difference"] < 0


@pytest.mark.slow
def test_compare_text_names_the_differences_beyond_noise(cli: Batch) -> None:
    r = cli["compare_text"]
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "retail_focused (A) vs pyramid (B)" in r.stdout
    assert "beyond noise?" in r.stdout
    beyond = [
        k
        for k, o in strict_json(cli["compare_json"].stdout)["outcomes"].items()
        if o["beyond_noise"]
    ]
    m = re.search(
        r"Larger than the replicate noise \(Welch t-test, p < 0\.05\): (.*)\.$", r.stdout, re.M
    )
    assert m, r.stdout
    assert m.group(1).split(", ") == beyond
    for line in r.stdout.splitlines():
        name = line.split(" ")[0]
        if name in OUTCOMES:
            assert line.rstrip().endswith("yes" if name in beyond else "no"), line


# ---- sweep ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_sweep_json_has_every_point(cli: Batch) -> None:
    r = cli["sweep_json"]
    assert r.returncode == 0, r.stderr
    data = strict_json(r.stdout)
    assert [p["parameters"] for p in data["points"]] == [
        {"networker.tolerance_mean": 2},
        {"networker.tolerance_mean": 8},
    ]
    for p in data["points"]:
        o = p["outcomes"]["share_net_loss"]
        assert o["p5"] <= o["mean"] <= o["p95"]
    low, high = (p["outcomes"]["dropouts_discouraged"]["mean"] for p in data["points"])
    assert high < low  # more tolerance, fewer give up discouraged


@pytest.mark.slow
def test_sweep_text_two_vary_is_the_cartesian_product(cli: Batch) -> None:
    r = cli["sweep_text"]
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "1 replicate per point" in lines[0]  # one, not "1 replicates" (issue 20)
    assert "tolerance_mean" in lines[1] and "monthly_fee" in lines[1]
    rows = [line.split()[:2] for line in lines[2:] if line.strip()]
    assert rows == [["2", "0"], ["2", "50"], ["8", "0"], ["8", "50"]]


# ---- sensitivity ---------------------------------------------------------------------------


@pytest.mark.slow
def test_sensitivity_json_ranks_each_target(cli: Batch) -> None:
    r = cli["sens_json"]
    assert r.returncode == 0, r.stderr
    data = strict_json(r.stdout)
    assert data["method"] == "morris"
    assert data["points"] == 6
    assert data["bounds"] == {"costs.monthly_fee": [0.0, 300.0], "training.fee": [150.0, 450.0]}
    rows = pd.DataFrame(data["indices"])
    assert set(rows.target) == TARGETS
    for _, part in rows.groupby("target"):
        assert sorted(part["rank"]) == [1, 2]
    # training is off: its fee cannot matter
    fee = rows[rows.parameter == "training.fee"]
    assert (fee.mu_star == 0).all()
    monthly = rows[(rows.parameter == "costs.monthly_fee") & (rows.target == "share_net_loss")]
    assert monthly["rank"].tolist() == [1]


# ---- bad input -----------------------------------------------------------------------------

BAD = {
    "runs_zero": ["--runs must be at least 1"],
    "workers_negative": ["--workers must be at least 1"],
    "vary_malformed": ["--vary", "networker.tolerance_mean", "section.key=value1,value2"],
    "vary_out_of_range": ["networker.tolerance_mean", "out of range"],
    "params_unknown": ["networker.tolerance_men", "did you mean 'networker.tolerance_mean'"],
    "params_one": ["at least two"],
    "dask_unreachable": ["--dask tcp://127.0.0.1:1", "cannot reach the scheduler"],
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exit_2_one_message(cli: Batch, case: str) -> None:
    r = cli[case]
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("networker-sim: error: ")
    for fragment in BAD[case]:
        assert fragment in lines[0]


@pytest.mark.slow
def test_bad_input_writes_nothing(cli: Batch) -> None:
    assert not (cli.root / "bad" / "runs0").exists()
    assert not (cli.root / "bad" / "vary").exists()


@pytest.mark.slow
def test_bad_workers_writes_nothing(cli: Batch) -> None:
    assert cli["workers_negative"].returncode == 2
    assert not (cli.root / "bad" / "w").exists()


# ---- failures, in-process ------------------------------------------------------------------


def inject_failure(monkeypatch: pytest.MonkeyPatch, bad: Any) -> None:
    """Make ``sim.model.run`` raise where ``bad(scenario, seed)`` is true."""
    real = sim.model.run

    def run(sc: Scenario, seed: int | None = None) -> Any:
        if bad(sc, seed):
            raise RuntimeError(f"injected failure for seed {seed}")
        return real(sc, seed=seed)

    monkeypatch.setattr(sim.model, "run", run)


@pytest.mark.slow
def test_failed_replicate_exit_1_names_the_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = replicate_seeds(42, 3)
    inject_failure(monkeypatch, lambda sc, seed: seed == seeds[1])
    out = tmp_path / "mc"
    argv = ["montecarlo", "baseline", "--runs", "3", "--workers", "1", *SMALL, "--out", str(out)]
    code = main([*argv, "--no-progress"])
    captured = capsys.readouterr()
    assert code == 1
    assert f"replicate 1 of point 0 failed (seed {seeds[1]}; scenario as is)" in captured.err
    assert f"RuntimeError: injected failure for seed {seeds[1]}" in captured.err
    assert f"1 replicate(s) failed; the other replicates are saved in {out}/" in captured.err
    assert "baseline: 2 replicates" in captured.out
    assert pd.read_parquet(out / "outcomes.parquet").replicate.tolist() == [0, 2]


def test_failed_sweep_point_names_its_parameters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inject_failure(monkeypatch, lambda sc, seed: sc.networker.tolerance_mean == 8)
    argv = ["sweep", "baseline", "--runs", "1", "--workers", "1", *SMALL, "--json"]
    code = main([*argv, "--vary", "networker.tolerance_mean=2,8", "--no-progress"])
    captured = capsys.readouterr()
    assert code == 1
    assert "replicate 0 of point 1 failed" in captured.err
    assert "networker.tolerance_mean=8" in captured.err
    data = strict_json(captured.out)
    assert [f["parameters"] for f in data["failures"]] == [{"networker.tolerance_mean": 8}]


def test_sweep_text_all_replicates_failed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inject_failure(monkeypatch, lambda sc, seed: True)
    argv = ["sweep", "baseline", "--runs", "1", "--workers", "1", *SMALL, "--no-progress"]
    code = main([*argv, "--vary", "networker.tolerance_mean=2,8"])
    assert code == 1
    assert "2 replicate(s) failed" in capsys.readouterr().err


def test_compare_text_all_replicates_failed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inject_failure(monkeypatch, lambda sc, seed: True)
    argv = ["compare", "baseline", "pyramid", "--runs", "1", "--workers", "1", *SMALL]
    code = main([*argv, "--no-progress"])
    assert code == 1
    assert "2 replicate(s) failed" in capsys.readouterr().err


def test_montecarlo_all_replicates_failed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inject_failure(monkeypatch, lambda sc, seed: True)
    argv = ["montecarlo", "baseline", "--runs", "2", "--workers", "1", *SMALL, "--json"]
    code = main([*argv, "--no-progress"])
    captured = capsys.readouterr()
    assert code == 1
    assert strict_json(captured.out)["replicates"] == 0
    assert "2 replicate(s) failed" in captured.err


def test_compare_uses_the_same_seeds_for_both_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (SCENARIO_DIR / "baseline.toml").read_text()
    other = tmp_path / "other.toml"
    other.write_text(text.replace("seed = 42", "seed = 7", 1), "utf-8")
    assert "seed = 7" in other.read_text()
    out = tmp_path / "cmp"
    argv = ["compare", "baseline", str(other), "--runs", "2", "--workers", "1", *SMALL]
    code = main([*argv, "--out", str(out), "--no-progress"])
    assert code == 0
    assert "the same seeds" in capsys.readouterr().out
    a, b = (pd.read_parquet(f) for f in sorted(out.glob("*/outcomes.parquet")))
    assert a.seed.tolist() == b.seed.tolist()
