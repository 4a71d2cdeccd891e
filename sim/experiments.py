"""Experiments: many replicates of a scenario, comparisons, sweeps and sensitivity analysis.

One run is one possible future; an experiment runs many. Every replicate's seed comes from
one master seed through ``numpy.random.SeedSequence.spawn``, so the same master seed gives
the same results on 1, 2 or 16 workers, locally or on a Dask cluster. Replicates travel in
batches (process start-up and task overhead would dominate single runs); every finished
batch is written to the experiment folder at once, so an interrupted experiment keeps
what it finished and the same call resumes instead of recomputing it. Only a replicate's
summary and a few weekly columns stay in memory; the pooled per-networker table lives on
disk.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.i18n import DEFAULT_LANG, LocalizedError, Msg, t
from sim.lifeline import bind_worker, own_temp_folder, sigterm_held, stop_workers
from sim.memory import check_memory, cores, in_flight
from sim.results import (
    MANIFEST,
    PARTS,
    STATE_FILE,
    TABLES,
    OutputError,
    cannot_create,
    check_parents,
    foreign_in_output,
    hidden_beside,
    owned_mkdtemp,
    refusal,
    remove_leftovers,
    swap_in,
    versions,
    write_atomic,
)
from sim.scenario import Scenario, ScenarioError, cut, parse_value, shown

# numpy, pandas and the model are imported by the functions that compute, so that the
# command line checks its input with this module before loading anything heavy
if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# Weekly columns kept per replicate for the time-series bands (a few numbers a week).
BAND_COLUMNS = (
    "active",
    "new_recruits",
    "dropouts_discouraged",
    "dropouts_financial",
    "dropouts_life",
    "dropouts_no_market",
    "customers",
    "saturation_approached",
    "saturation_joined",
    "monthly_net_p50",
    "cumulative_net_p50",
    "share_net_loss",
    "commissions",
)
# The outcomes tables show (the summary keys of `run --json`, flattened).
OUTCOMES = (
    "ever_joined",
    "active_end",
    "dropouts_discouraged",
    "dropouts_financial",
    "dropouts_life",
    "dropouts_no_market",
    "share_net_loss",
    "share_break_even",
    "share_profit",
    "net_income_p5",
    "net_income_p10",
    "net_income_p25",
    "net_income_p50",
    "net_income_p75",
    "net_income_p90",
    "net_income_p99",
    "gini_net_income",
    "top1_commission_share",
    "first_year_dropout_share",
    "annual_turnover",
    "builder_first_year_dropout_share",
    "earners_discouraged_share",
    "median_gross_per_year_full_year",
    "share_part_time",
    "median_weeks_to_dropout",
    "retail_share",
    "recruiting_reward_share",
    "pay_to_play_share",
    "payout_ratio",
    "breakage",
    "own_purchase_share",
    "pyramid_risk_red",
    "pyramid_risk_amber",
    "pyramid_risk_green",
)


class ExperimentError(LocalizedError, ValueError):
    """An experiment cannot start (bad arguments, or a folder holding another experiment)."""


def replicate_seeds(master_seed: int, runs: int) -> list[int]:
    """Seeds of replicates 0..runs-1: child i of the master seed's SeedSequence.

    Child i does not depend on ``runs``, so 100 replicates are the first 100 of 200.
    """
    import numpy as np

    children = np.random.SeedSequence(master_seed).spawn(runs)
    return [int(c.generate_state(1, np.uint32)[0]) for c in children]


def _number(value: Any) -> Any:
    """A figure nobody could be counted for (None) is a missing number, NaN: a column
    stays numeric whichever replicates share a batch."""
    return float("nan") if value is None else value


def flat_outcomes(summary: dict[str, Any]) -> dict[str, Any]:
    """One replicate's summary as a flat row of numbers."""
    row: dict[str, Any] = {}
    for key, value in summary.items():
        if key == "dropouts_by_reason":
            row.update({f"dropouts_{k}": v for k, v in value.items()})
        elif key == "net_income_percentiles":
            row.update({f"net_income_{k}": _number(v) for k, v in value.items()})
        elif key in ("first_year_dropout_share_by_year", "builder_profit_share_by_hours",
                     "active_by_year"):  # fmt: skip
            stem = key.removesuffix("_by_year").removesuffix("_by_hours")
            row.update({f"{stem}_{k}": _number(v) for k, v in value.items()})
        elif key == "pyramid_risk":
            row["pyramid_risk"] = value
            for level in ("red", "amber", "green"):
                row[f"pyramid_risk_{level}"] = float(value == level)
        elif isinstance(value, int | float) or value is None:
            row[key] = _number(value)
    return row


@dataclass(frozen=True)
class Task:
    """One replicate: which parameter point, which replicate of it, its seed."""

    point: int
    replicate: int
    seed: int
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int]:
        return (self.point, self.replicate)


def run_batch(scenario: Scenario, tasks: Sequence[Task]) -> list[dict[str, Any]]:
    """Run replicates in one worker. A replicate that raises is reported, not fatal."""
    from sim.model import run

    out = []
    for task in tasks:
        try:
            sc = scenario.with_overrides(task.overrides) if task.overrides else scenario
            result = run(sc, seed=task.seed)
        except MemoryError:  # not this replicate's fault: the next would fail alike
            raise
        except Exception as exc:  # reported with its seed and parameters; the rest go on
            out.append(
                {
                    "task": task,
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(limit=6),
                }
            )
            continue
        weekly = result.weekly[["week", *BAND_COLUMNS]].copy()
        net = result.networkers
        out.append(
            {
                "task": task,
                "outcome": flat_outcomes(result.summary),
                "weekly": weekly,
                "networkers": net,
            }
        )
    return out


class InlineExecutor(Executor):
    """Runs each task at once in this process: the executor for one worker."""

    _max_workers = 1

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def default_workers() -> int:
    """The workers of a local pool: one per core (more would only wait for a core)."""
    return cores()


def usable_workers(workers: int | None, executor: Executor | None = None) -> int:
    """How many workers make sense: ``workers`` (default: all), at most the cores of this
    computer, or the threads of the cluster behind ``executor``. A pool of a thousand
    processes on two cores runs no faster than one of two, and forking it takes minutes
    and gigabytes."""
    most = capacity(executor) if executor is not None else default_workers()
    return most if workers is None else max(1, min(workers, most))


def capacity(executor: Executor) -> int:
    """How many tasks an executor runs at once: its workers, a Dask cluster's threads."""
    client = getattr(executor, "_client", None)  # distributed's ClientExecutor
    if client is not None:
        with suppress(Exception):
            return max(1, sum(client.nthreads().values()))
    return max(1, getattr(executor, "_max_workers", None) or default_workers())


def local_executor(workers: int | None) -> Executor:
    """A process pool of ``workers`` (default: the number of cores); inline for one."""
    if workers is not None and workers < 1:
        raise ExperimentError(Msg("cli.error.workers", value=str(workers)))
    workers = usable_workers(workers)
    if workers == 1:
        return InlineExecutor()
    own_temp_folder()
    alone = threading.active_count() == 1 and "fork" in get_all_start_methods()
    if alone:
        # the command line: copies of this process, with the model imported and its
        # compiled rules loaded, start at once (a run takes a fraction of a second now;
        # seconds of start-up per pool would cost more than the second worker gains)
        from sim.model import prepare

        prepare()
        ctx = get_context("fork")
    else:
        # other threads (the dashboard's server): forking them is unsafe; a fork server
        # that has imported the model (a plain spawn would import it in every worker)
        ctx = get_context("forkserver")
        ctx.set_forkserver_preload(["sim.model", "sim.experiments"])
    # every worker ends when this process ends, even by SIGKILL (see sim.lifeline)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=bind_worker, initargs=(os.getpid(),)
    )
    if alone:  # fork every worker now, while this process has no other Python thread
        with warnings.catch_warnings():
            # Python counts the threads of native libraries too (numpy's BLAS, the
            # allocator of pyarrow), which wait idle and prepare for a fork themselves
            warnings.filterwarnings("ignore", ".*multi-threaded.*fork", DeprecationWarning)
            with sigterm_held():  # a copy takes SIGTERM only once it is a worker
                first = pool.submit(os.getpid)
            first.result()
    return pool


@contextmanager
def dask_executor(address: str):
    """An executor on a Dask distributed cluster (``tcp://scheduler:8786``)."""
    try:
        from distributed import Client
    except ImportError:  # an optional extra, networker-sim[cluster]
        raise ExperimentError(Msg("cli.error.dask_missing")) from None

    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExperimentError(Msg("cli.error.dask", address=address, detail=exc)) from None
    try:
        yield client.get_executor()
    finally:
        client.close()


@dataclass
class Experiment:
    """The results of an experiment.

    Attributes:
        outcomes: one row per replicate: point, replicate, seed, the varied parameters,
            and the summary outcomes.
        bands: per point and week, the mean and 5/50/95 % quantiles of weekly columns.
        failures: replicates that raised, with seed, parameters and error.
        folder: where the parts and tables are (None once a temporary folder is gone).
        points: the parameter overrides of each point.
    """

    outcomes: pd.DataFrame
    bands: pd.DataFrame
    failures: list[dict[str, Any]]
    folder: Path | None
    points: list[dict[str, Any]]
    master_seed: int

    def pooled_networkers(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The per-networker table of every replicate, with point and replicate columns."""
        import pandas as pd

        if self.folder is None:
            raise ExperimentError(Msg("cli.error.pooled_temporary"))
        files = sorted((self.folder / PARTS).glob("networkers-*.parquet"))
        cols = None if columns is None else ["point", "replicate", *columns]
        if not files:
            return pd.DataFrame(columns=cols)
        return pd.concat([pd.read_parquet(f, columns=cols) for f in files], ignore_index=True)


def _config(scenario: Scenario, points: list[dict], runs: int, master_seed: int) -> dict:
    return {
        "scenario": scenario.to_dict(),
        "points": points,
        "runs": runs,
        "master_seed": master_seed,
    }


def open_folder(out: Path, overwrite: bool) -> Path:
    """The folder an experiment writes into: ``out`` itself (new, or resumed), or with
    ``overwrite`` a hidden one beside it that replaces ``out`` only once complete."""
    out = Path(out)
    try:
        return _open_folder(out, overwrite)
    except OutputError:
        raise
    except OSError as exc:  # a name too long, a folder one may not look into
        raise cannot_create(out, exc) from None


def _open_folder(out: Path, overwrite: bool) -> Path:
    check_parents(out)
    parent = Path(os.path.abspath(out)).parent
    if parent.is_dir():
        remove_leftovers(parent)  # of an overwrite that was killed
    if out.exists() or out.is_symlink():
        if overwrite:
            why = refusal(out, foreign_in_output)
            if why is not None:
                raise OutputError(why)
            try:
                return Path(tempfile.mkdtemp(prefix=hidden_beside(out, "partial"), dir=parent))
            except OSError as exc:
                raise cannot_create(out, exc) from None
        if not out.is_dir():
            raise OutputError(Msg("cli.error.replace_file", out=out))
        if not os.access(out, os.W_OK):
            raise OutputError(Msg("cli.error.out_not_writable", out=out, parent=out))
    return out


def _damaged(folder: Path, name: str, exc: BaseException) -> ExperimentError:
    """A file of the experiment cannot be read: say which, why, and what to do."""
    lines = str(exc).strip().splitlines()
    detail = lines[0] if lines else type(exc).__name__
    return ExperimentError(Msg("cli.error.resume_damaged", folder=folder, file=name, detail=detail))


def _read_state(folder: Path, out: Path) -> dict[str, Any]:
    try:
        saved = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except ValueError as exc:  # malformed JSON, or not UTF-8
        raise _damaged(out, STATE_FILE, exc) from None
    if not isinstance(saved, dict):
        raise ExperimentError(Msg("cli.error.resume_not_state", folder=out, file=STATE_FILE))
    return saved


def _prepare_folder(folder: Path, config: dict, out: Path | None = None) -> set[tuple[int, int]]:
    """Create or reopen an experiment folder; return the replicates already finished.

    ``out`` is the folder as the user named it, for messages (default ``folder``).
    """
    import pandas as pd
    import pyarrow.parquet as pq

    out = folder if out is None else out
    state = folder / STATE_FILE
    if folder.exists() and any(folder.iterdir()):
        if not state.exists():
            raise ExperimentError(Msg("cli.error.not_an_experiment", folder=out))
        saved = _read_state(folder, out)
        mine = json.loads(json.dumps(config))
        if (
            saved.get("scenario") != mine["scenario"]
            or saved.get("points") != mine["points"]
            or saved.get("master_seed") != mine["master_seed"]
        ):
            raise ExperimentError(Msg("cli.error.other_experiment", folder=out))
    parts = folder / PARTS
    try:
        parts.mkdir(parents=True, exist_ok=True)
        for where in (folder, parts):  # writes cut short by a process killed outright
            remove_leftovers(where)
        write_atomic(state, json.dumps(config, indent=2) + "\n")
        tags = {f.name.removeprefix("outcomes-") for f in parts.glob("outcomes-*.parquet")}
        for f in [*parts.glob("weekly-*.parquet"), *parts.glob("networkers-*.parquet")]:
            if f.name.split("-", 1)[1] not in tags:  # a batch cut short before its outcomes
                f.unlink()
    except OSError as exc:
        raise cannot_create(out, exc) from None
    done: set[tuple[int, int]] = set()
    for f in sorted(parts.glob("*.parquet")):  # a damaged part fails now, not after the runs
        try:
            if f.name.startswith("outcomes-"):
                part = pd.read_parquet(f, columns=["point", "replicate"])
                done.update(zip(part.point.tolist(), part.replicate.tolist(), strict=True))
            else:
                pq.read_metadata(f)
        except (ValueError, OSError, KeyError) as exc:
            raise _damaged(out, f"{PARTS}/{f.name}", exc) from None
    return done


def _save_batch(folder: Path, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Save a batch's replicates; return the failed ones with seed, parameters and error."""
    import pandas as pd

    failed = [
        {
            "point": r["task"].point,
            "replicate": r["task"].replicate,
            "seed": r["task"].seed,
            "parameters": r["task"].overrides,
            "error": r["error"],
            "traceback": r["traceback"],
        }
        for r in results
        if "error" in r
    ]
    ok = [r for r in results if "outcome" in r]
    if not ok:
        return failed
    first = ok[0]["task"]
    tag = f"{first.point:05d}-{first.replicate:07d}"
    rows, weekly, networkers = [], [], []
    for r in ok:
        t: Task = r["task"]
        ids = {"point": t.point, "replicate": t.replicate, "seed": t.seed}
        rows.append({**ids, **{f"param:{k}": v for k, v in t.overrides.items()}, **r["outcome"]})
        weekly.append(r["weekly"].assign(**ids))
        networkers.append(r["networkers"].assign(**ids))
    parts = folder / PARTS
    # outcomes last: a batch counts as done only once all three files are in place
    for name, frame in (
        ("weekly", weekly),
        ("networkers", networkers),
        ("outcomes", [pd.DataFrame(rows)]),
    ):
        data = pd.concat(frame, ignore_index=True)
        write_atomic(parts / f"{name}-{tag}.parquet", data.to_parquet)
    return failed


def schedule[T, R](
    work: Callable[[list[T]], R],
    tasks: Sequence[T],
    on_batch: Callable[[R], None],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    batch_size: int | None = None,
    max_batch: int = 50,
) -> None:
    """Run ``work`` on batches of ``tasks``; hand each batch's result to ``on_batch``.

    Results arrive in the order batches finish, which depends on the workers: a caller
    that needs the same answer on any number of workers orders them itself (by replicate,
    whose seed is fixed by ``replicate_seeds``). Only a bounded window of batches is in
    flight, so memory does not grow with the number of tasks.

    Args:
        work: runs one batch in a worker (picklable: a module-level function, or a
            ``functools.partial`` of one).
        tasks: what to run, in order.
        on_batch: called in this process with each finished batch's result.
        executor: any ``concurrent.futures.Executor``; default a local process pool,
            ended (workers and all) when this returns or raises.
        workers: size of the default pool (default: the number of cores).
        batch_size: tasks per batch (default: about 4 batches per worker, at most
            ``max_batch``: task overhead would dominate single runs, long batches would
            leave workers idle at the end).
        max_batch: the longest default batch (shorter ones report back sooner).
    """
    own_executor = executor is None
    if own_executor:
        executor = local_executor(workers if len(tasks) > 1 else 1)
    try:
        n_workers = usable_workers(workers, executor)
        size = batch_size or max(1, min(max_batch, math.ceil(len(tasks) / (4 * n_workers))))
        batches = (list(tasks[i : i + size]) for i in range(0, len(tasks), size))
        pending = {executor.submit(work, b) for b in itertools.islice(batches, 2 * n_workers)}
        try:
            while pending:
                ready, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in ready:
                    on_batch(future.result())
                    nxt = next(batches, None)
                    if nxt is not None:
                        pending.add(executor.submit(work, nxt))
        except BaseException:
            for f in pending:
                f.cancel()
            if own_executor:  # an interrupt: what the workers hold would be thrown away
                stop_workers(executor)
            raise
    finally:
        if own_executor:
            executor.shutdown(wait=True, cancel_futures=True)


def run_experiment(
    scenario: Scenario,
    runs: int,
    points: list[dict[str, Any]] | None = None,
    *,
    master_seed: int | None = None,
    executor: Executor | None = None,
    workers: int | None = None,
    out: Path | str | None = None,
    overwrite: bool = False,
    batch_size: int | None = None,
    progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    lang: str = DEFAULT_LANG,
) -> Experiment:
    """Run ``runs`` replicates at every parameter point (default: the scenario as it is).

    Args:
        scenario: the validated scenario every point starts from.
        runs: replicates per point; replicate i has the same seed at every point
            (common random numbers make differences between points less noisy).
        points: parameter overrides per point (dotted keys), validated like ``--set``.
        master_seed: the seed the replicate seeds come from (default: the scenario's).
        executor: any ``concurrent.futures.Executor``; default a local process pool.
        workers: size of the default pool (default: the number of cores).
        out: the experiment folder; finished batches are kept there and a repeated call
            resumes. Default: a temporary folder, removed at the end.
        overwrite: start afresh in ``out`` even if it holds another experiment.
        batch_size: replicates per task (default: enough for about 4 tasks per worker).
        progress: show a progress bar with the time left on stderr.
        on_progress: called with (replicates finished, replicates in all) after each batch.
        lang: the language of the progress bar (en or de).
    """
    if runs < 1:
        raise ExperimentError(Msg("cli.error.runs", value=str(runs)))
    if workers is not None and workers < 1:
        raise ExperimentError(Msg("cli.error.workers", value=str(workers)))
    points = points or [{}]
    # fail fast, before any worker starts or any folder is made
    origin = Msg("cli.error.origin_point")
    runs_of = [scenario.with_overrides(ov, origin=origin) if ov else scenario for ov in points]
    if executor is None:  # a cluster's memory is the cluster's business
        check_memory(runs_of, in_flight(workers, len(points) * runs))
    master_seed = scenario.simulation.seed if master_seed is None else int(master_seed)
    seeds = replicate_seeds(master_seed, runs)
    tasks = [Task(pi, r, seeds[r], dict(ov)) for pi, ov in enumerate(points) for r in range(runs)]
    target = None if out is None else Path(out)
    folder = owned_mkdtemp("exp") if target is None else open_folder(target, overwrite)
    scratch = folder != target  # a temporary or hidden folder: removed, or swapped in at the end
    try:
        done = _prepare_folder(folder, _config(scenario, points, runs, master_seed), target)
        todo = [t for t in tasks if t.key not in done]
        failures: list[dict[str, Any]] = []
        bar = _progress(len(tasks), len(tasks) - len(todo), progress, lang)
        started = time.perf_counter()
        n_done = len(tasks) - len(todo)

        def save(results: list[dict[str, Any]]) -> None:
            nonlocal n_done
            failures.extend(_save_batch(folder, results))
            bar.update(len(results))
            n_done += len(results)
            if on_progress is not None:
                on_progress(n_done, len(tasks))

        try:
            schedule(partial(run_batch, scenario), todo, save, executor=executor,
                     workers=workers, batch_size=batch_size)  # fmt: skip
        finally:
            bar.close()
        outcomes, bands = _collect(folder, len(points), runs)
        failures.sort(key=lambda f: (f["point"], f["replicate"]))
        write_atomic(folder / TABLES[0], outcomes.to_parquet)
        write_atomic(folder / TABLES[1], bands.to_parquet)
        write_atomic(folder / TABLES[2], json.dumps(failures, indent=2))
        manifest = {
            **_config(scenario, points, runs, master_seed),
            "replicates_finished": len(outcomes),
            "replicates_failed": len(failures),
            "resumed_from": len(tasks) - len(todo),
            "elapsed_seconds": round(time.perf_counter() - started, 3),
            "versions": versions(),
            "files": [*TABLES, f"{PARTS}/networkers-*.parquet", f"{PARTS}/weekly-*.parquet"],
        }
        write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2))
        if target is not None and scratch:  # --overwrite: the new experiment is complete
            swap_in(folder, target, foreign_in_output)
    except BaseException:
        if scratch:  # an overwrite cut short leaves the old folder as it was
            shutil.rmtree(folder, ignore_errors=True)
        raise
    if target is None:
        shutil.rmtree(folder, ignore_errors=True)
    return Experiment(outcomes, bands, failures, target, points, master_seed)


def _collect(folder: Path, n_points: int, runs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """This experiment's outcomes and bands from the parts on disk.

    The folder may hold more replicates than asked for (an earlier call with more runs);
    only replicates 0..runs-1 of each point count.
    """
    import pandas as pd

    parts = folder / PARTS
    files = sorted(parts.glob("outcomes-*.parquet"))
    if not files:
        return pd.DataFrame(columns=["point", "replicate", "seed"]), pd.DataFrame()
    outcomes = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    outcomes = outcomes[(outcomes.replicate < runs) & (outcomes.point < n_points)]
    outcomes = outcomes.sort_values(["point", "replicate"], ignore_index=True)
    weekly = pd.concat(
        [
            pd.read_parquet(f, columns=["point", "replicate", "week", *BAND_COLUMNS])
            for f in sorted(parts.glob("weekly-*.parquet"))
        ],
        ignore_index=True,
    )
    weekly = weekly[(weekly.replicate < runs) & (weekly.point < n_points)]
    return outcomes, time_bands(weekly)


def time_bands(weekly: pd.DataFrame) -> pd.DataFrame:
    """Per point and week: mean and the 5 / 50 / 95 % quantiles of each band column."""
    import numpy as np
    import pandas as pd

    from sim.metrics import replicate_band

    frames = []
    for point, sub in weekly.groupby("point"):
        sub = sub.sort_values(["replicate", "week"])
        weeks = np.sort(sub.week.unique())
        n_rep = sub.replicate.nunique()
        for col in BAND_COLUMNS:
            values = sub[col].to_numpy(dtype=float).reshape(n_rep, len(weeks))
            q = replicate_band(values)
            with warnings.catch_warnings():  # a week where every replicate is NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(values, axis=0)
            frames.append(
                pd.DataFrame(
                    {
                        "point": point,
                        "column": col,
                        "week": weeks,
                        "mean": mean,
                        "p5": q[0],
                        "p50": q[1],
                        "p95": q[2],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, initial: int, show: bool, lang: str = DEFAULT_LANG):
    if not show:
        return _NoBar()
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: a pool may still be forked from here
    return tqdm(
        total=total,
        initial=initial,
        unit=t("cli.progress.unit", lang),
        file=sys.stderr,
        smoothing=0.1,
        desc=t("cli.progress.replicates", lang),
        dynamic_ncols=True,
    )


# ---- tables ------------------------------------------------------------------------------


def spread(values: pd.Series | np.ndarray) -> dict[str, float]:
    """Mean and 90 % range (5th to 95th percentile) of values across replicates, and how
    many there are; values that are not numbers are left out."""
    import numpy as np
    import pandas as pd

    from sim.metrics import percentiles

    v = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=np.float64)
    if len(v) == 0:
        return {"mean": np.nan, "p5": np.nan, "p95": np.nan, "n": 0}
    p5, p95 = percentiles(v, (5, 95))
    return {"mean": float(v.mean()), "p5": float(p5), "p95": float(p95), "n": len(v)}


def describe(outcomes: pd.DataFrame, columns: Sequence[str] = OUTCOMES) -> pd.DataFrame:
    """Mean and 90 % range (5th to 95th percentile) of each outcome across replicates."""
    import pandas as pd

    return pd.DataFrame(
        [{"outcome": col, **spread(outcomes[col])} for col in columns if col in outcomes]
    )


def compare(a: pd.DataFrame, b: pd.DataFrame, columns: Sequence[str] = OUTCOMES) -> pd.DataFrame:
    """Outcome by outcome: both means, their difference, and whether it exceeds the noise.

    A difference counts as larger than the replicate noise when Welch's t-test gives
    p < 0.05 (two-sided); with no variance on either side, any difference counts.
    """
    import numpy as np
    import pandas as pd
    from scipy import stats

    rows = []
    for col in columns:
        if col not in a or col not in b:
            continue
        x = pd.to_numeric(a[col], errors="coerce").dropna().to_numpy()
        y = pd.to_numeric(b[col], errors="coerce").dropna().to_numpy()
        if len(x) == 0 or len(y) == 0:
            continue
        sa, sb = spread(x), spread(y)
        diff = y.mean() - x.mean()
        if len(x) < 2 or len(y) < 2:
            p = np.nan
        elif x.std() == 0 and y.std() == 0:
            p = 0.0 if diff != 0 else 1.0
        else:
            with warnings.catch_warnings():  # near-identical samples: precision notes
                warnings.simplefilter("ignore", RuntimeWarning)
                p = float(stats.ttest_ind(x, y, equal_var=False).pvalue)
        rows.append(
            {
                "outcome": col,
                **{f"{k}_a": sa[k] for k in ("mean", "p5", "p95")},
                **{f"{k}_b": sb[k] for k in ("mean", "p5", "p95")},
                "difference": diff,
                "p_value": p,
                "beyond_noise": bool(p < 0.05) if not np.isnan(p) else False,
            }
        )
    return pd.DataFrame(rows)


def parse_vary(items: Sequence[str]) -> dict[str, list[Any]]:
    """``key=v1,v2,...`` (repeatable) into {key: [values]}; values read as TOML numbers."""
    vary: dict[str, list[Any]] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not text.strip():
            raise ScenarioError(Msg("cli.error.vary_syntax", item=shown(item)))
        key = key.strip()
        origin = Msg("cli.error.origin_key", origin="--vary", key=cut(key))
        values = [parse_value(v.strip(), origin) for v in text.split(",")]
        if key in vary:  # one of the two lists would be dropped without a word
            raise ScenarioError(Msg("cli.error.vary_twice", key=cut(key)), key=key)
        vary[key] = values
    return vary


def grid(vary: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the varied values, as parameter points."""
    points: list[dict[str, Any]] = [{}]
    for key, values in vary.items():
        points = [{**p, key: v} for p in points for v in values]
    return points
