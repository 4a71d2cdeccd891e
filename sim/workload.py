"""How long a job of many runs will take and how much memory it will hold, estimated before
it starts: a command says so up front, and asks before a job of hours (issue 20).

The figures are measured, not derived (``benchmarks/bench_workload.py``, on the project's
two-core machines, Python 3.12, December 2026): a command starts in about
``START_SECONDS`` (imports, the compiled rules, the pool); a run of ``montecarlo`` then
costs about ``RUN_SECONDS`` of a worker's time for the model, its results and its files,
plus ``PERSON_WEEK_SECONDS`` for each person and week of the market (the people who join
are a share of it in every scenario of the library). Measured against estimated, 200 runs
of 10^3 people, 100 of 10^4, 10 of 10^5 and ``me`` with 400 futures came within 20 %; an
estimate is good to a factor of about two: enough to tell a minute from an hour, and an
hour from a week.

Memory: the runs in flight (``sim.memory``), and what an experiment keeps of every run until
its tables are written: the summary and a few weekly columns (``KEPT_RUN_BYTES`` and
``KEPT_WEEK_BYTES``), or for ``me`` the checkpoints of every future (``KEPT_FUTURE_BYTES``):
1,500 runs of 260 weeks held 124 MiB more than 100 runs, 8,000 futures 39 MiB more than 50.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.memory import PROCESS_BYTES, cores, run_bytes
from sim.scenario import Scenario

START_SECONDS = 4.0
RUN_SECONDS = 0.16
PERSON_WEEK_SECONDS = 8.5e-8
KEPT_RUN_BYTES = 4096  # a run's outcome row and its bookkeeping
KEPT_WEEK_BYTES = 340  # the weekly columns of the bands, per week and run
KEPT_FUTURE_BYTES = 5120  # a future of `me`: its checkpoints
LARGE_SECONDS = 15 * 60  # longer than this: asked before it starts
LARGE_BYTES = 4 * 2**30  # more memory than this: asked too


@dataclass(frozen=True)
class Estimate:
    """What a job will cost.

    Attributes:
        runs: model runs in all.
        workers: runs at once.
        seconds: wall time, at ``workers`` runs at once.
        memory: bytes held at the peak, by this process and its workers together.
    """

    runs: int
    workers: int
    seconds: float
    memory: int

    @property
    def large(self) -> bool:
        """Whether the job is worth a question before it starts."""
        return self.seconds > LARGE_SECONDS or self.memory > LARGE_BYTES


def run_seconds(scenario: Scenario, history: bool = True) -> float:
    """A worker's seconds for one run of ``scenario``: its weeks, and with ``history`` the
    years an established company ran before week 0 (``sim.model.establish``; measured
    the same per person and week)."""
    weeks = scenario.simulation.weeks
    if history:
        weeks += history_weeks(scenario)
    return RUN_SECONDS + PERSON_WEEK_SECONDS * scenario.population.size * weeks


def history_weeks(scenario: Scenario) -> int:
    """The weeks an established company runs before its view (0 for a launch)."""
    return 52 * scenario.simulation.company_age_years


def estimate(
    scenarios: Sequence[Scenario],
    runs: int,
    workers: int | None = None,
    futures: int = 0,
    shared_history: bool = False,
) -> Estimate:
    """The cost of ``runs`` runs of each of ``scenarios`` (the points of a sweep, the two
    scenarios of a comparison) on ``workers`` at once (default: every core; a Dask
    cluster's threads).

    Args:
        futures: for ``me``, the futures whose checkpoints are kept (instead of the weekly
            bands of an experiment).
        shared_history: every run starts from one established company, built once (``me``)
            rather than once a run.
    """
    total = runs * len(scenarios)
    at_once = max(1, min(workers or cores(), total))  # a cluster may have more than cores()
    work = runs * sum(run_seconds(s, history=not shared_history) for s in scenarios)
    if shared_history:
        work += sum(run_seconds(s) - run_seconds(s, history=False) for s in scenarios)
    seconds = START_SECONDS + work / at_once
    largest = max((run_bytes(s) for s in scenarios), default=0)
    running = largest if at_once == 1 else at_once * (largest + PROCESS_BYTES)
    if futures:
        kept = futures * KEPT_FUTURE_BYTES
    else:
        weeks = max((s.simulation.weeks for s in scenarios), default=0)
        kept = total * (KEPT_RUN_BYTES + weeks * KEPT_WEEK_BYTES)
    return Estimate(total, at_once, seconds, PROCESS_BYTES + running + kept)


def me_runs(futures: int, per_run: int) -> int:
    """The model runs ``me`` makes for ``futures`` futures of ``per_run`` people each."""
    return math.ceil(futures / max(1, per_run))
