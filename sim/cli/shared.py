"""What several commands share: the workers and the workload check of an experiment, its
failures, and an outcome's value and name as a table shows them.
"""

from __future__ import annotations

import argparse
import math
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.cli.args import UsageError
from sim.i18n import DEFAULT_LANG, NO_VALUE, Msg, fmt_eur, fmt_int, fmt_num, fmt_pct, has, t
from sim.scenario import Scenario, toml_value


@contextmanager
def executor_for(args: argparse.Namespace):
    """The executor of an experiment command: Dask if asked, else None (a local pool);
    ``--workers`` capped at what it runs at once (``cap_workers``)."""
    from sim.experiments import dask_executor

    if args.dask:
        with dask_executor(args.dask) as executor:
            cap_workers(args, executor)
            yield executor
    else:
        cap_workers(args)
        yield None


def cap_workers(args: argparse.Namespace, executor=None) -> None:
    """``--workers`` at most the cores of this computer (or the threads of the Dask
    cluster behind ``executor``), with a note when it asked for more: more workers than
    cores only wait for a core, and each costs a process."""
    from sim.experiments import usable_workers

    asked = getattr(args, "workers", None)
    if asked is None or asked < 1:
        return  # the default, or refused with its own message
    used = usable_workers(asked, executor)
    if used < asked:
        where = "cores" if executor is None else "cluster"
        print(t(f"cli.note.workers_{where}", args.lang, asked=asked, used=used), file=sys.stderr)
        args.workers = used


def check_workload(
    args: argparse.Namespace,
    scenarios: list[Scenario],
    runs: int,
    executor=None,
    futures: int = 0,
    shared_history: bool = False,
) -> None:
    """A large job (``sim.workload``: hours, or gigabytes) says its estimate up front and
    starts only when confirmed at a terminal, or with ``--yes``; without a terminal to ask
    at (a script, a pipe) it is refused, in one message that holds the estimate. A job
    that cannot fit in memory is refused even with ``--yes``.

    Raises:
        UsageError: the job is large and not confirmed, or too large for the memory.
        ScenarioError: the runs in flight do not fit (``sim.memory.check_memory``).
    """
    from sim.experiments import capacity
    from sim.memory import Size, check_memory, rooms
    from sim.workload import estimate

    if runs < 1 or not scenarios:
        return  # refused with its own message
    at_once = args.workers or (capacity(executor) if executor is not None else None)
    est = estimate(scenarios, runs, at_once, futures=futures, shared_history=shared_history)
    if not est.large:
        return
    if executor is None:  # the runs at once first: the message that says what to lower
        check_memory(scenarios, est.workers)
    job = Msg("cli.job", runs=Msg(f"count.runs_{'one' if est.runs == 1 else 'many'}",
              n=est.runs), workers=est.workers, time=Duration(est.seconds),
              memory=Size(est.memory))  # fmt: skip
    shared = [room for room in rooms() if not room.per_process]  # the machine's, a cgroup's
    if shared and est.memory > min(room.bytes for room in shared):
        room = min(shared, key=lambda r: r.bytes)  # no --yes makes it fit
        raise UsageError(Msg("cli.error.job_memory", job=job, available=Size(room.bytes),
                             source=Msg(f"cli.error.{room.source}")))  # fmt: skip
    if args.yes:
        print(t("cli.note.large_job", args.lang, job=job.render(args.lang)), file=sys.stderr)
        return
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError(Msg("cli.error.large_job", job=job))
    print(t("cli.note.large_job", args.lang, job=job.render(args.lang)), file=sys.stderr)
    print(t("cli.note.confirm", args.lang), end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    if answer not in t("cli.note.yes_answers", args.lang).split(","):
        raise UsageError(Msg("cli.error.declined"))


@dataclass(frozen=True)
class Duration:
    """A time span in a message: '40 s', '25 min', '3.5 h', '12.3 days' (German: 3,5 Std.)."""

    seconds: float

    def render(self, lang: str = DEFAULT_LANG) -> str:
        s = self.seconds
        if s < 90:
            return t("cli.duration.seconds", lang, n=fmt_int(max(1, s), lang))
        if s < 90 * 60:
            return t("cli.duration.minutes", lang, n=fmt_int(s / 60, lang))
        if s < 36 * 3600:
            return t("cli.duration.hours", lang, n=fmt_num(s / 3600, lang))
        return t("cli.duration.days", lang, n=fmt_num(s / 86400, lang))


def experiment_kw(args: argparse.Namespace, executor) -> dict[str, Any]:
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    return {
        "executor": executor,
        "workers": args.workers,
        "out": args.out,
        "overwrite": args.overwrite,
        "progress": progress,
        "lang": args.lang,
    }


def report_failures(
    failures: list[dict[str, Any]], out: Path | None, lang: str = DEFAULT_LANG
) -> int:
    """Name every failed replicate with its seed and parameters; exit 1 if any."""
    for f in failures:
        params = ", ".join(f"{k}={toml_value(v)}" for k, v in f["parameters"].items())
        print(
            t(
                "cli.failure.replicate",
                lang,
                replicate=f["replicate"],
                point=f["point"],
                seed=f["seed"],
                params=params or t("cli.failure.as_is", lang),
                error=f["error"],
            ),
            file=sys.stderr,
        )
    if failures:
        where = t("cli.failure.saved", lang, folder=out) if out else ""
        print(t("cli.failure.count", lang, n=len(failures), where=where), file=sys.stderr)
    return 1 if failures else 0


def outcome_value(col: str, x: Any, lang: str = DEFAULT_LANG) -> str:
    """An outcome's value the way its kind is read: a share, money, or a count."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return NO_VALUE
    if col.startswith("gini"):
        return fmt_num(x, lang, 2)
    if (
        col.startswith(("share_", "pyramid_risk_"))
        or col.endswith(("_share", "_ratio"))
        or col in ("annual_turnover", "active")  # "active": C11's changes and ratios
    ):
        return fmt_pct(x, lang, 1)
    if col.startswith(("net_income", "median_gross")):
        return fmt_eur(x, lang)
    return fmt_num(x, lang, 1) if abs(x) < 100 else fmt_int(x, lang)


def outcome_label(outcome: str, lang: str = DEFAULT_LANG) -> str:
    """An outcome's name for people: the dashboard's column label where it has one."""
    for key in (f"column.{outcome}", f"cli.outcome.{outcome}"):
        if has(key, lang):
            return t(key, lang)
    return outcome


def json_number(x: Any) -> Any:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)
