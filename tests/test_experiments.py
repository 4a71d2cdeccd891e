"""Experiments in-process: seeds, executors, failures, resuming, result folders, tables,
sweeps and sensitivity analysis.

Every replicate here is small (1,500 people, 52 weeks: about 0.1 s), so an experiment of six
replicates costs about a second. The Dask and sensitivity tests are marked ``slow``.
"""

from __future__ import annotations

import gc
import json
import os
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import sim.experiments as experiments
import sim.model
from sim.experiments import (
    BAND_COLUMNS,
    OUTCOMES,
    Experiment,
    ExperimentError,
    InlineExecutor,
    compare,
    dask_executor,
    describe,
    grid,
    parse_vary,
    replicate_seeds,
    run_experiment,
)
from sim.results import foreign_in_experiment, written_name
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.sensitivity import DEFAULT_SPAN, parse_params, sensitivity

SMALL = {"population.size": 5000, "simulation.weeks": 104}
RUNS = 6
MASTER_SEED = 2024


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("baseline", SMALL)


@pytest.fixture(scope="module")
def reference(scenario: Scenario) -> Experiment:
    """Six replicates on one worker (InlineExecutor): what every other executor must give."""
    return run_experiment(scenario, RUNS, master_seed=MASTER_SEED, workers=1)


def assert_same_experiment(a: Experiment, b: Experiment) -> None:
    assert_frame_equal(a.outcomes, b.outcomes)
    assert_frame_equal(a.bands, b.bands)
    assert a.failures == b.failures == []


def no_tmp_files(folder: Path) -> list[Path]:
    """The working files of ``write_atomic`` in ``folder``: there are none after a write."""
    return [p for p in folder.rglob("*") if written_name(p.name) != p.name]


# ---- seeds ---------------------------------------------------------------------------------


def test_replicate_seeds_deterministic_and_prefix_stable() -> None:
    a = replicate_seeds(MASTER_SEED, 200)
    assert a == replicate_seeds(MASTER_SEED, 200)
    assert replicate_seeds(MASTER_SEED, 100) == a[:100]
    assert replicate_seeds(MASTER_SEED, 1) == a[:1]
    assert len(set(a)) == len(a)
    assert all(isinstance(s, int) and 0 <= s <= 2**32 - 1 for s in a)
    assert replicate_seeds(MASTER_SEED + 1, 200) != a


def test_replicate_seeds_come_from_seedsequence_spawn() -> None:
    children = np.random.SeedSequence(7).spawn(3)
    expected = [int(c.generate_state(1, np.uint32)[0]) for c in children]
    assert replicate_seeds(7, 3) == expected


@pytest.mark.slow
def test_reference_uses_the_replicate_seeds(reference: Experiment) -> None:
    out = reference.outcomes
    assert len(out) == RUNS
    assert out.point.tolist() == [0] * RUNS
    assert out.replicate.tolist() == list(range(RUNS))
    assert out.seed.tolist() == replicate_seeds(MASTER_SEED, RUNS)
    assert reference.master_seed == MASTER_SEED
    assert reference.folder is None  # a temporary folder, removed at the end
    # the replicates differ: the seeds are really used
    assert out.ever_joined.nunique() > 1


@pytest.mark.slow
def test_master_seed_defaults_to_the_scenario_seed(scenario: Scenario) -> None:
    exp = run_experiment(scenario, 2, workers=1)
    assert exp.master_seed == scenario.simulation.seed
    assert exp.outcomes.seed.tolist() == replicate_seeds(scenario.simulation.seed, 2)


# ---- the same results whatever runs them ---------------------------------------------------


@pytest.mark.slow
def test_same_outcomes_with_a_process_pool(scenario: Scenario, reference: Experiment) -> None:
    exp = run_experiment(scenario, RUNS, master_seed=MASTER_SEED, workers=2)
    assert_same_experiment(exp, reference)


@pytest.mark.slow
def test_same_outcomes_with_any_executor(scenario: Scenario, reference: Experiment) -> None:
    with ThreadPoolExecutor(4) as pool:
        exp = run_experiment(scenario, RUNS, master_seed=MASTER_SEED, executor=pool)
    assert_same_experiment(exp, reference)


@pytest.mark.slow
def test_same_outcomes_with_an_explicit_inline_executor(
    scenario: Scenario, reference: Experiment
) -> None:
    exp = run_experiment(scenario, RUNS, master_seed=MASTER_SEED, executor=InlineExecutor())
    assert_same_experiment(exp, reference)


@pytest.mark.slow
@pytest.mark.parametrize("batch_size", [1, 3])
def test_same_outcomes_whatever_the_batch_size(
    scenario: Scenario, reference: Experiment, batch_size: int
) -> None:
    exp = run_experiment(scenario, RUNS, master_seed=MASTER_SEED, workers=1, batch_size=batch_size)
    assert_same_experiment(exp, reference)


@pytest.mark.slow
def test_fewer_runs_are_the_first_replicates(scenario: Scenario, reference: Experiment) -> None:
    exp = run_experiment(scenario, 3, master_seed=MASTER_SEED, workers=1)
    assert_frame_equal(exp.outcomes, reference.outcomes.iloc[:3])


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from distributed import LocalCluster

    lc = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    )
    try:
        yield lc
    finally:
        lc.close()


@pytest.mark.slow
def test_same_outcomes_on_a_dask_cluster(
    cluster: Any, scenario: Scenario, reference: Experiment
) -> None:
    from distributed import Client

    with Client(cluster) as client:
        exp = run_experiment(
            scenario, RUNS, master_seed=MASTER_SEED, executor=client.get_executor()
        )
    assert_same_experiment(exp, reference)


@pytest.mark.slow
def test_same_outcomes_through_dask_executor(
    cluster: Any, scenario: Scenario, reference: Experiment, tmp_path: Path
) -> None:
    with dask_executor(cluster.scheduler_address) as executor:
        exp = run_experiment(
            scenario,
            RUNS,
            master_seed=MASTER_SEED,
            executor=executor,
            batch_size=4,
            out=tmp_path / "exp",
        )
    assert_same_experiment(exp, reference)
    assert len(exp.pooled_networkers().groupby("replicate")) == RUNS


# ---- a replicate that raises ---------------------------------------------------------------


def failing_run(monkeypatch: pytest.MonkeyPatch, bad_seeds: set[int]) -> None:
    """Make ``sim.model.run`` raise for the given seeds (in this process only)."""
    real = sim.model.run

    def run(sc: Scenario, seed: int | None = None) -> Any:
        if seed in bad_seeds:
            raise RuntimeError(f"injected failure for seed {seed}")
        return real(sc, seed=seed)

    monkeypatch.setattr(sim.model, "run", run)


@pytest.mark.slow
def test_a_failing_replicate_is_reported_and_the_others_are_saved(
    scenario: Scenario, reference: Experiment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = replicate_seeds(MASTER_SEED, RUNS)
    failing_run(monkeypatch, {seeds[2]})
    out = tmp_path / "exp"
    exp = run_experiment(scenario, RUNS, master_seed=MASTER_SEED, workers=1, batch_size=2, out=out)
    assert len(exp.outcomes) == RUNS - 1
    assert 2 not in exp.outcomes.replicate.tolist()
    expected = reference.outcomes[reference.outcomes.replicate != 2].reset_index(drop=True)
    assert_frame_equal(exp.outcomes, expected)
    assert len(exp.failures) == 1
    f = exp.failures[0]
    assert (f["point"], f["replicate"], f["seed"], f["parameters"]) == (0, 2, seeds[2], {})
    assert f["error"] == f"RuntimeError: injected failure for seed {seeds[2]}"
    assert "injected failure" in f["traceback"]
    # saved too: the table without the failed replicate, failures.json, the manifest
    assert_frame_equal(pd.read_parquet(out / "outcomes.parquet"), expected)
    saved = json.loads((out / "failures.json").read_text())
    assert [(s["replicate"], s["seed"], s["error"]) for s in saved] == [(2, seeds[2], f["error"])]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replicates_finished"] == RUNS - 1
    assert manifest["replicates_failed"] == 1
    assert set(exp.pooled_networkers().replicate) == set(range(RUNS)) - {2}

    # the same call, once the cause is gone, computes only the failed replicate
    monkeypatch.undo()
    calls = count_run_batch(monkeypatch)
    again = run_experiment(
        scenario, RUNS, master_seed=MASTER_SEED, workers=1, batch_size=2, out=out
    )
    assert [t.replicate for batch in calls for t in batch] == [2]
    assert again.failures == []
    assert_frame_equal(again.outcomes, reference.outcomes)


@pytest.mark.slow
def test_failures_of_a_sweep_name_the_parameters(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = replicate_seeds(MASTER_SEED, 2)
    real = sim.model.run

    def run(sc: Scenario, seed: int | None = None) -> Any:
        if sc.networker.tolerance_mean == 8 and seed == seeds[1]:
            raise ValueError("bad point")
        return real(sc, seed=seed)

    monkeypatch.setattr(sim.model, "run", run)
    points = [{"networker.tolerance_mean": 2}, {"networker.tolerance_mean": 8}]
    exp = run_experiment(scenario, 2, points, master_seed=MASTER_SEED, workers=1)
    assert len(exp.outcomes) == 3
    assert exp.failures == [
        {
            "point": 1,
            "replicate": 1,
            "seed": seeds[1],
            "parameters": {"networker.tolerance_mean": 8},
            "error": "ValueError: bad point",
            "traceback": exp.failures[0]["traceback"],
        }
    ]


# ---- resuming ------------------------------------------------------------------------------


def count_run_batch(monkeypatch: pytest.MonkeyPatch) -> list[list[Any]]:
    """Record the tasks of every ``run_batch`` call (in-process executors only)."""
    calls: list[list[Any]] = []
    real = experiments.run_batch

    def run_batch(sc: Scenario, tasks: Any) -> list[dict[str, Any]]:
        calls.append(list(tasks))
        return real(sc, tasks)

    monkeypatch.setattr(experiments, "run_batch", run_batch)
    return calls


@pytest.mark.slow
def test_interrupted_experiment_keeps_finished_batches_and_resumes(
    scenario: Scenario, reference: Experiment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exp"
    real_save = experiments._save_batch
    saved: list[int] = []

    def save(folder: Path, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(saved) == 2:
            raise KeyboardInterrupt
        failed = real_save(folder, results)
        saved.append(results[0]["task"].replicate)
        return failed

    monkeypatch.setattr(experiments, "_save_batch", save)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(scenario, 4, master_seed=MASTER_SEED, workers=1, batch_size=1, out=out)
    parts = sorted(p.name for p in (out / "parts").glob("outcomes-*.parquet"))
    assert len(parts) == 2
    assert not (out / "outcomes.parquet").exists()
    assert not (out / "manifest.json").exists()
    assert no_tmp_files(out) == []

    monkeypatch.setattr(experiments, "_save_batch", real_save)
    calls = count_run_batch(monkeypatch)
    exp = run_experiment(scenario, 4, master_seed=MASTER_SEED, workers=1, batch_size=1, out=out)
    recomputed = sorted(t.replicate for batch in calls for t in batch)
    assert recomputed == sorted(set(range(4)) - set(saved))
    assert json.loads((out / "manifest.json").read_text())["resumed_from"] == 2
    uninterrupted = run_experiment(scenario, 4, master_seed=MASTER_SEED, workers=1)
    assert_same_experiment(exp, uninterrupted)
    assert_frame_equal(exp.outcomes, reference.outcomes.iloc[:4])


@pytest.mark.slow
def test_a_finished_experiment_is_not_recomputed_and_more_runs_extend_it(
    scenario: Scenario, reference: Experiment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exp"
    first = run_experiment(scenario, 4, master_seed=MASTER_SEED, workers=1, out=out)
    calls = count_run_batch(monkeypatch)
    again = run_experiment(scenario, 4, master_seed=MASTER_SEED, workers=1, out=out)
    assert calls == []
    assert_same_experiment(again, first)
    assert json.loads((out / "manifest.json").read_text())["resumed_from"] == 4
    more = run_experiment(scenario, RUNS, master_seed=MASTER_SEED, workers=1, out=out)
    assert sorted(t.replicate for batch in calls for t in batch) == [4, 5]
    assert_same_experiment(more, reference)


@pytest.mark.slow
def test_resume_with_fewer_runs_gives_that_many_replicates(
    scenario: Scenario, tmp_path: Path
) -> None:
    out = tmp_path / "exp"
    run_experiment(scenario, 4, master_seed=MASTER_SEED, workers=1, out=out)
    exp = run_experiment(scenario, 2, master_seed=MASTER_SEED, workers=1, out=out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"] == 2
    assert len(exp.outcomes) == 2 == manifest["replicates_finished"]


@pytest.mark.slow
def test_a_folder_holding_another_experiment_is_refused(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exp"
    run_experiment(scenario, 2, master_seed=MASTER_SEED, workers=1, out=out)
    other_scenario = scenario.with_overrides({"networker.tolerance_mean": 7})
    calls = count_run_batch(monkeypatch)
    with pytest.raises(ExperimentError, match=r"different experiment.*--overwrite"):
        run_experiment(scenario, 2, master_seed=MASTER_SEED + 1, workers=1, out=out)
    with pytest.raises(ExperimentError, match="different experiment"):
        run_experiment(other_scenario, 2, master_seed=MASTER_SEED, workers=1, out=out)
    with pytest.raises(ExperimentError, match="different experiment"):
        run_experiment(
            scenario, 2, [{"networker.tolerance_mean": 7}], master_seed=MASTER_SEED, out=out
        )
    assert calls == []
    exp = run_experiment(
        scenario, 2, master_seed=MASTER_SEED + 1, workers=1, out=out, overwrite=True
    )
    assert exp.outcomes.seed.tolist() == replicate_seeds(MASTER_SEED + 1, 2)
    assert json.loads((out / "manifest.json").read_text())["master_seed"] == MASTER_SEED + 1
    assert len(list((out / "parts").glob("outcomes-*.parquet"))) >= 1
    assert set(exp.pooled_networkers().seed) == set(replicate_seeds(MASTER_SEED + 1, 2))


def test_a_folder_that_is_not_an_experiment_is_refused(scenario: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n")
    with pytest.raises(ExperimentError, match="not an experiment folder"):
        run_experiment(scenario, 2, workers=1, out=out)
    assert (out / "notes.txt").read_text() == "keep me\n"


@pytest.mark.slow
def test_interrupt_while_writing_a_part_then_resume(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exp"
    real = pd.DataFrame.to_parquet
    writes: list[str] = []

    def to_parquet(self: pd.DataFrame, path: Any, *args: Any, **kwargs: Any) -> Any:
        writes.append(str(path))
        if len(writes) == 5:  # inside the second batch: half a file, then Ctrl-C
            Path(path).write_bytes(b"PAR1 half a file")
            raise KeyboardInterrupt
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(scenario, 3, master_seed=MASTER_SEED, workers=1, batch_size=1, out=out)
    monkeypatch.undo()
    # the half-written file never got its final name, nor stayed: the first batch is done
    assert len(list((out / "parts").glob("outcomes-*.parquet"))) == 1
    assert no_tmp_files(out) == []
    calls = count_run_batch(monkeypatch)
    exp = run_experiment(scenario, 3, master_seed=MASTER_SEED, workers=1, batch_size=1, out=out)
    assert len(calls) == 2
    assert no_tmp_files(out) == []
    uninterrupted = run_experiment(scenario, 3, master_seed=MASTER_SEED, workers=1)
    assert_same_experiment(exp, uninterrupted)


def test_what_a_killed_writer_left_is_known_and_removed_on_resume(
    scenario: Scenario, tmp_path: Path
) -> None:
    """A process killed outright in the middle of a write leaves its working file; it is
    recognised as the tool's own (``--overwrite`` may replace the folder), and the next
    start on the folder removes it."""
    import subprocess
    import sys

    from sim.results import owner_tag

    out = tmp_path / "exp"
    run_experiment(scenario, 2, master_seed=MASTER_SEED, workers=1, batch_size=1, out=out)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    tag = owner_tag().replace(str(os.getpid()), gone.stdout.strip(), 1)
    left = [
        out / f".manifest.json.partial-{tag}-0a1b2c3d",
        out / "parts" / f".outcomes-00000-0000002.parquet.partial-{tag}-0a1b2c3d",
    ]
    for path in left:
        path.write_bytes(b"half a fi")
    assert [written_name(p.name) for p in left] == [
        "manifest.json",
        "outcomes-00000-0000002.parquet",
    ]
    assert foreign_in_experiment(out) == []
    run_experiment(scenario, 2, master_seed=MASTER_SEED, workers=1, batch_size=1, out=out)
    assert not any(p.exists() for p in left)
    assert no_tmp_files(out) == []


@pytest.mark.slow
def test_resume_after_interrupt_inside_a_batch_does_not_duplicate(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches finish out of order (as in a pool) and Ctrl-C hits while the first finished
    batch (replicates 2 and 3) is written: after its weekly and networkers parts, before its
    outcomes part. A resume that batches differently must not count 2 and 3 twice."""
    out = tmp_path / "exp"
    real_run_batch, real_write = experiments.run_batch, experiments.write_atomic

    interrupted = threading.Event()

    def run_batch(sc: Scenario, tasks: Any) -> list[dict[str, Any]]:
        if tasks[0].replicate == 0:
            interrupted.wait(timeout=60)  # the first batch finishes last
        return real_run_batch(sc, tasks)

    def write(path: Path, content: Any, **kw: Any) -> None:
        if path.name.startswith("outcomes-"):
            interrupted.set()
            raise KeyboardInterrupt
        real_write(path, content, **kw)

    monkeypatch.setattr(experiments, "run_batch", run_batch)
    monkeypatch.setattr(experiments, "write_atomic", write)
    with ThreadPoolExecutor(2) as pool, pytest.raises(KeyboardInterrupt):
        run_experiment(
            scenario, 4, master_seed=MASTER_SEED, executor=pool, workers=2, batch_size=2, out=out
        )
    monkeypatch.undo()
    names = sorted(f.name for f in (out / "parts").iterdir())
    assert names == ["networkers-00000-0000002.parquet", "weekly-00000-0000002.parquet"]
    exp = run_experiment(scenario, 4, master_seed=MASTER_SEED, workers=1, batch_size=3, out=out)
    uninterrupted = run_experiment(scenario, 4, master_seed=MASTER_SEED, workers=1)
    assert_same_experiment(exp, uninterrupted)
    per_replicate = exp.pooled_networkers().groupby("replicate").size()
    expected = exp.outcomes.set_index("replicate").ever_joined
    assert per_replicate.to_dict() == expected.to_dict()


def test_interrupt_with_a_temporary_folder_removes_it(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(experiments.tempfile, "tempdir", str(tmp_path))

    def save(folder: Path, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
        raise KeyboardInterrupt

    monkeypatch.setattr(experiments, "_save_batch", save)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(scenario, 2, master_seed=MASTER_SEED, workers=1)
    assert list(tmp_path.iterdir()) == []


# ---- the folder ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def swept(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Experiment:
    out = tmp_path_factory.mktemp("swept") / "exp"
    points = grid(parse_vary(["networker.tolerance_mean=2,8"]))
    return run_experiment(scenario, 2, points, master_seed=MASTER_SEED, workers=1, out=out)


@pytest.mark.slow
def test_outcomes_table(swept: Experiment) -> None:
    assert swept.folder is not None
    saved = pd.read_parquet(swept.folder / "outcomes.parquet")
    assert_frame_equal(saved, swept.outcomes)
    assert saved[["point", "replicate"]].values.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert saved["param:networker.tolerance_mean"].tolist() == [2, 2, 8, 8]
    # common random numbers: replicate i has the same seed at every point
    seeds = replicate_seeds(MASTER_SEED, 2)
    assert saved.seed.tolist() == seeds + seeds
    missing = [c for c in OUTCOMES if c not in saved]
    assert missing == []
    assert saved.share_net_loss.between(0, 1).all()
    assert (saved.ever_joined > 0).all()
    # the parameter matters: tolerance 8 keeps more networkers than tolerance 2
    by_point = saved.groupby("point").active_end.mean()
    assert by_point[1] > by_point[0]


@pytest.mark.slow
def test_bands_table(swept: Experiment) -> None:
    assert swept.folder is not None
    bands = pd.read_parquet(swept.folder / "bands.parquet")
    assert_frame_equal(bands, swept.bands)
    assert list(bands.columns) == ["point", "column", "week", "mean", "p5", "p50", "p95"]
    assert set(bands.column) == set(BAND_COLUMNS)
    assert set(bands.point) == {0, 1}
    weeks = bands.groupby(["point", "column"]).week.agg(["min", "max", "count"])
    assert (weeks["count"] == 104).all()
    ok = bands.dropna(subset=["p5", "p50", "p95"])
    assert len(ok) > 0.9 * len(bands)
    assert (ok.p5 <= ok.p50).all() and (ok.p50 <= ok.p95).all()
    assert ((ok.p5 <= ok["mean"] + 1e-9) & (ok["mean"] <= ok.p95 + 1e-9)).all()


@pytest.mark.slow
def test_pooled_networkers_has_every_replicate(swept: Experiment) -> None:
    pooled = swept.pooled_networkers()
    assert {(p, r) for p, r in zip(pooled.point, pooled.replicate, strict=True)} == {
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    }
    sizes = pooled.groupby(["point", "replicate"]).size()
    joined = swept.outcomes.set_index(["point", "replicate"]).ever_joined
    assert (sizes == joined.loc[sizes.index]).all()
    some = swept.pooled_networkers(columns=["net_income"] if "net_income" in pooled else None)
    assert len(some) == len(pooled)


@pytest.mark.slow
def test_manifest(swept: Experiment, scenario: Scenario) -> None:
    assert swept.folder is not None
    m = json.loads((swept.folder / "manifest.json").read_text())
    assert m["scenario"] == json.loads(json.dumps(scenario.to_dict()))
    assert m["master_seed"] == MASTER_SEED
    assert m["runs"] == 2
    assert m["points"] == [{"networker.tolerance_mean": 2}, {"networker.tolerance_mean": 8}]
    assert m["replicates_finished"] == 4
    assert m["replicates_failed"] == 0
    assert m["resumed_from"] == 0
    assert m["elapsed_seconds"] > 0
    assert {"python", "numpy", "pandas", "mesa"} <= set(m["versions"])
    assert json.loads((swept.folder / "failures.json").read_text()) == []
    assert no_tmp_files(swept.folder) == []


def test_temporary_folder_is_removed(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(experiments.tempfile, "tempdir", str(tmp_path))
    exp = run_experiment(scenario, 2, master_seed=MASTER_SEED, workers=1)
    assert exp.folder is None
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ExperimentError, match="out="):
        exp.pooled_networkers()


# ---- bounded memory ------------------------------------------------------------------------


def track_batches(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[str]]:
    """Weak references to every per-networker table, and the order of runs and saves."""
    refs: list[Any] = []
    events: list[str] = []
    real_run, real_save = experiments.run_batch, experiments._save_batch

    def run_batch(sc: Scenario, tasks: Any) -> list[dict[str, Any]]:
        res = real_run(sc, tasks)
        refs.extend(weakref.ref(r["networkers"]) for r in res)
        events.append("run")
        return res

    def save(folder: Path, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
        failed = real_save(folder, results)
        events.append("save")
        gc.collect()
        events.append(f"alive={sum(r() is not None for r in refs)}")
        return failed

    monkeypatch.setattr(experiments, "run_batch", run_batch)
    monkeypatch.setattr(experiments, "_save_batch", save)
    return refs, events


@pytest.mark.slow
def test_saved_batches_are_released(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, events = track_batches(monkeypatch)
    with ThreadPoolExecutor(1) as pool:
        run_experiment(
            scenario,
            10,
            master_seed=MASTER_SEED,
            executor=pool,
            workers=1,
            batch_size=1,
            out=tmp_path / "e",
        )
    alive = [int(e.split("=")[1]) for e in events if e.startswith("alive=")]
    assert len(alive) == 10
    # once a batch is saved its tables are dropped: only the window in flight
    # (2 batches per worker) and the batch in hand may be alive, not all ten
    assert max(alive) <= 3, alive


@pytest.mark.slow
def test_one_worker_interleaves_runs_and_saves(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one worker (InlineExecutor) a batch runs inside submit(): the window must
    still bound how many run before they are saved (memory, and a live progress bar)."""
    _, events = track_batches(monkeypatch)
    run_experiment(
        scenario, 6, master_seed=MASTER_SEED, workers=1, batch_size=1, out=tmp_path / "e"
    )
    ahead, most = 0, 0
    for e in events:
        ahead += {"run": 1, "save": -1}.get(e, 0)
        most = max(most, ahead)
    assert events.count("save") == 6
    assert most <= 2, events


@pytest.mark.slow
def test_a_larger_executor_is_fully_used(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(experiments, "default_workers", lambda: 2)  # a 2-core client
    lock = threading.Lock()
    running, most = 0, 0
    real = experiments.run_batch

    def run_batch(sc: Scenario, tasks: Any) -> list[dict[str, Any]]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.3)
        with lock:
            running -= 1
        return real(sc, tasks)

    monkeypatch.setattr(experiments, "run_batch", run_batch)
    with ThreadPoolExecutor(8) as pool:
        run_experiment(scenario, 8, master_seed=MASTER_SEED, executor=pool, batch_size=1)
    assert most == 8


def test_zero_workers_is_refused(scenario: Scenario) -> None:
    with pytest.raises(ExperimentError, match="at least 1"):
        run_experiment(scenario, 2, master_seed=MASTER_SEED, workers=0)


def test_negative_workers_and_zero_runs_are_refused(scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ExperimentError, match="--workers must be at least 1"):
        run_experiment(scenario, 2, workers=-1)
    with pytest.raises(ExperimentError, match="--runs must be at least 1"):
        run_experiment(scenario, 0, workers=1, out=tmp_path / "exp")
    assert not (tmp_path / "exp").exists()


# ---- describe and compare ------------------------------------------------------------------


def test_describe_mean_and_90_percent_range() -> None:
    df = pd.DataFrame(
        {
            "share_net_loss": np.arange(101) / 100,  # 0.00 .. 1.00
            "net_income_p50": [-100.0] * 101,
            "ever_joined": [None] * 100 + [5],
            "not_an_outcome": range(101),
        }
    )
    t = describe(df).set_index("outcome")
    assert list(t.index) == ["ever_joined", "share_net_loss", "net_income_p50"]
    assert t.loc["share_net_loss", "mean"] == pytest.approx(0.5)
    assert t.loc["share_net_loss", "p5"] == pytest.approx(0.05)
    assert t.loc["share_net_loss", "p95"] == pytest.approx(0.95)
    assert t.loc["share_net_loss", "n"] == 101
    assert tuple(t.loc["net_income_p50", ["mean", "p5", "p95"]]) == (-100.0, -100.0, -100.0)
    assert t.loc["ever_joined", "n"] == 1  # missing values are left out
    assert t.loc["ever_joined", "mean"] == 5


def test_describe_all_missing_gives_nan() -> None:
    t = describe(pd.DataFrame({"share_profit": [None, None]}))
    assert t.loc[0, "n"] == 0
    assert np.isnan(t.loc[0, "mean"])


def test_compare_flags_clear_differences_only() -> None:
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.01, 20)
    a = pd.DataFrame({"share_net_loss": 0.5 + noise, "net_income_p50": 100 + 10 * noise})
    b = pd.DataFrame({"share_net_loss": 0.8 + noise, "net_income_p50": 100 + 10 * noise})
    t = compare(a, b).set_index("outcome")
    assert bool(t.loc["share_net_loss", "beyond_noise"]) is True
    assert t.loc["share_net_loss", "difference"] == pytest.approx(0.3)
    assert t.loc["share_net_loss", "p_value"] < 1e-6
    assert bool(t.loc["net_income_p50", "beyond_noise"]) is False
    assert t.loc["net_income_p50", "difference"] == pytest.approx(0.0, abs=1e-9)
    assert t.loc["share_net_loss", "p5_a"] <= t.loc["share_net_loss", "mean_a"]
    assert t.loc["share_net_loss", "mean_b"] <= t.loc["share_net_loss", "p95_b"]


def test_compare_same_distribution_is_not_beyond_noise() -> None:
    rng = np.random.default_rng(1)
    a = pd.DataFrame({"share_net_loss": rng.normal(0.5, 0.05, 30)})
    b = pd.DataFrame({"share_net_loss": rng.normal(0.5, 0.05, 30)})
    assert not compare(a, b).beyond_noise.any()
    assert not compare(a, a).beyond_noise.any()


def test_compare_zero_variance() -> None:
    a = pd.DataFrame({"share_net_loss": [0.5] * 4, "share_profit": [0.1] * 4})
    b = pd.DataFrame({"share_net_loss": [0.6] * 4, "share_profit": [0.1] * 4})
    t = compare(a, b).set_index("outcome")
    assert bool(t.loc["share_net_loss", "beyond_noise"]) is True
    assert t.loc["share_net_loss", "p_value"] == 0.0
    assert bool(t.loc["share_profit", "beyond_noise"]) is False
    assert t.loc["share_profit", "p_value"] == 1.0


def test_compare_one_replicate_is_never_beyond_noise() -> None:
    t = compare(pd.DataFrame({"share_profit": [0.1]}), pd.DataFrame({"share_profit": [0.9]}))
    assert bool(t.loc[0, "beyond_noise"]) is False
    assert np.isnan(t.loc[0, "p_value"])


@pytest.mark.slow
def test_compare_on_real_experiments(scenario: Scenario, reference: Experiment) -> None:
    pyramid = load_scenario("pyramid", SMALL)
    other = run_experiment(pyramid, RUNS, master_seed=MASTER_SEED, workers=1)
    t = compare(reference.outcomes, other.outcomes).set_index("outcome")
    assert t.beyond_noise.any()
    assert not compare(reference.outcomes, reference.outcomes).beyond_noise.any()


# ---- sweeps --------------------------------------------------------------------------------


def test_parse_vary_and_grid() -> None:
    vary = parse_vary(["networker.tolerance_mean=2,4,8,16"])
    assert vary == {"networker.tolerance_mean": [2, 4, 8, 16]}
    assert grid(vary) == [{"networker.tolerance_mean": v} for v in (2, 4, 8, 16)]
    two = parse_vary(["networker.tolerance_mean=2, 8", "costs.monthly_fee=0,20.5,40"])
    points = grid(two)
    assert len(points) == 6
    assert points[0] == {"networker.tolerance_mean": 2, "costs.monthly_fee": 0}
    assert points[-1] == {"networker.tolerance_mean": 8, "costs.monthly_fee": 40}
    assert {(p["networker.tolerance_mean"], p["costs.monthly_fee"]) for p in points} == {
        (t, f) for t in (2, 8) for f in (0, 20.5, 40)
    }
    assert parse_vary(["compensation.plan=unilevel,binary"]) == {
        "compensation.plan": ["unilevel", "binary"]
    }
    assert grid({}) == [{}]


@pytest.mark.parametrize("item", ["networker.tolerance_mean", "networker.tolerance_mean=", "x= "])
def test_parse_vary_bad_syntax(item: str) -> None:
    with pytest.raises(ScenarioError, match="--vary"):
        parse_vary([item])


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ("networker.tolerance_mean=2,-5", "out of range"),
        ("networker.tolerance_men=2,4", "did you mean"),
        ("population.size=big,2000", "must be a number"),
        ("=2,4", "unknown section ''"),
    ],
)
def test_bad_sweep_point_fails_before_any_run(
    scenario: Scenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    vary: str,
    message: str,
) -> None:
    calls = count_run_batch(monkeypatch)
    points = grid(parse_vary([vary]))
    with pytest.raises(ScenarioError, match=message):
        run_experiment(scenario, 2, points, workers=1, out=tmp_path / "exp")
    assert calls == []
    assert not (tmp_path / "exp").exists()


# ---- sensitivity ---------------------------------------------------------------------------


def test_parse_params_default_span_and_clipping() -> None:
    sc = load_scenario("baseline")
    b = parse_params("networker.tolerance_mean, market.sale_rate_warm", sc)
    assert list(b) == ["networker.tolerance_mean", "market.sale_rate_warm"]
    k = sc.networker.tolerance_mean
    assert b["networker.tolerance_mean"] == pytest.approx((k * 0.5, k * 1.5))
    assert b["market.sale_rate_warm"] == pytest.approx((0.15, 0.45))
    assert DEFAULT_SPAN == 0.5
    # clipped to the allowed range: a share of 0.96 may not exceed 1
    b = parse_params("networker.part_time_share,costs.monthly_fee", sc)
    assert b["networker.part_time_share"] == pytest.approx((0.48, 1.0))
    assert b["costs.monthly_fee"] == (0.0, 1.0)  # a value of 0 spans 0 .. 1


def test_parse_params_explicit_bounds() -> None:
    sc = load_scenario("baseline")
    b = parse_params("costs.monthly_fee=0:200,networker.tolerance_mean=1.5:12", sc)
    assert b == {"costs.monthly_fee": (0.0, 200.0), "networker.tolerance_mean": (1.5, 12.0)}
    b = parse_params("market.sale_rate_warm=0.1:5,costs.monthly_fee", sc)
    assert b["market.sale_rate_warm"] == (0.1, 1.0)  # clipped


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("networker.tolerance_men,costs.monthly_fee", "did you mean 'networker.tolerance_mean'"),
        ("networker.tolerance_mean", "at least two"),
        ("", "at least two"),
        ("networker.tolerance_mean,networker.tolerance_mean", "tolerance_mean twice"),
        ("networker.tolerance_mean=5:1,costs.monthly_fee", "increasing"),
        ("networker.tolerance_mean=a:b,costs.monthly_fee", "low:high"),
        ("compensation.plan,costs.monthly_fee", "not a numeric parameter"),
        ("compensation.unilevel_rates,costs.monthly_fee", "not a numeric parameter"),
    ],
)
def test_parse_params_errors(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_params(text, load_scenario("baseline"))


SENS_PARAMS = "costs.monthly_fee=0:300,training.fee"


@pytest.fixture(scope="module")
def morris(scenario: Scenario) -> Any:
    # from the launch: a fee of hundreds a month would leave an established company of
    # 20 years with nobody at week 0, and no figure to rank
    sc = scenario.with_overrides({"training.enabled": False, "simulation.company_age_years": 0})
    bounds = parse_params(SENS_PARAMS, sc)
    return sensitivity(sc, bounds, "morris", trajectories=2, runs=1, workers=1)


@pytest.mark.slow
def test_morris_ranks_every_target(morris: Any) -> None:
    idx = morris.indices
    assert morris.method == "morris"
    assert set(idx.target) == {"share_net_loss", "first_year_dropout_share", "net_income_p50"}
    for _, part in idx.groupby("target"):
        assert set(part.parameter) == {"costs.monthly_fee", "training.fee"}
        assert sorted(part["rank"]) == [1, 2]
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(idx.columns)
    assert len(morris.experiment.points) == 2 * (2 + 1)
    assert len(morris.experiment.outcomes) == 6


@pytest.mark.slow
def test_morris_a_parameter_without_effect_ranks_last(morris: Any) -> None:
    idx = morris.indices
    for target in ("share_net_loss", "net_income_p50"):
        part = idx[idx.target == target].set_index("parameter")
        assert part.loc["training.fee", "mu_star"] == 0.0
        assert part.loc["costs.monthly_fee", "mu_star"] > 0
        assert part.loc["costs.monthly_fee", "rank"] == 1
        assert part.loc["training.fee", "rank"] == 2
    # the parameter without effect cannot matter for any target
    assert (idx[idx.parameter == "training.fee"].mu_star == 0).all()


@pytest.mark.slow
def test_sobol_tiny_run(scenario: Scenario) -> None:
    bounds = parse_params("costs.monthly_fee=0:300,networker.tolerance_mean=2:8", scenario)
    res = sensitivity(scenario, bounds, "sobol", samples=4, runs=1, workers=1)
    assert res.method == "sobol"
    assert len(res.experiment.points) == 4 * (2 + 2)
    assert {"S1", "S1_conf", "ST", "ST_conf", "rank"} <= set(res.indices.columns)
    for _, part in res.indices.groupby("target"):
        assert set(part.parameter) == set(bounds)
        assert sorted(part["rank"]) in ([1, 2], [1, 1])


def test_sensitivity_unknown_method(scenario: Scenario) -> None:
    bounds = parse_params("costs.monthly_fee=0:300,training.fee", scenario)
    with pytest.raises(ExperimentError, match="--method"):
        sensitivity(scenario, bounds, "fast", runs=1, workers=1)


@pytest.mark.slow
def test_sensitivity_integer_parameters_are_rounded(scenario: Scenario) -> None:
    bounds = parse_params("training.months=1:12,costs.monthly_fee=0:100", scenario)
    res = sensitivity(scenario, bounds, "morris", trajectories=2, runs=1, workers=1)
    months = [p["training.months"] for p in res.experiment.points]
    assert all(type(m) is int and 1 <= m <= 12 for m in months)


@pytest.mark.slow
def test_sensitivity_master_seed_zero(scenario: Scenario) -> None:
    bounds = parse_params("costs.monthly_fee=0:300,training.fee", scenario)
    res = sensitivity(scenario, bounds, trajectories=2, runs=1, workers=1, master_seed=0)
    assert res.experiment.master_seed == 0
