"""The command line: a thin shell over ``sim.scenario``, ``sim.model`` and ``sim.results``.

Bad input (a scenario that does not exist, an unknown key, a value out of range, malformed
TOML, an unwritable output folder) ends with one message on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim.scenario import (
    ScenarioError,
    fmt_number,
    list_scenarios,
    load_scenario,
    param_specs,
    parse_set,
)

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input on the command line; the message is shown as it is."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="networker-sim",
        description="Agent-based simulation of network marketing: recruitment, sales, "
        "dropout and the income distribution.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("scenarios", help="list the scenarios with one-line descriptions")
    params = sub.add_parser("params", help="every scenario parameter: default, range, source")
    params.add_argument("--markdown", action="store_true", help="as a Markdown table")
    run = sub.add_parser("run", help="run one scenario and print a summary")
    add_scenario_args(run)
    run.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    run.add_argument("--out", type=Path, help="write weekly series, networkers and manifest here")
    run.add_argument("--overwrite", action="store_true", help="replace an existing --out folder")

    mc = sub.add_parser("montecarlo", help="many replicates of one scenario: mean and 90 %% range")
    add_scenario_args(mc)
    add_experiment_args(mc)
    cmp_ = sub.add_parser("compare", help="two scenarios over many replicates, side by side")
    cmp_.add_argument("scenario", nargs=2, metavar="SCENARIO", help="two scenario names or paths")
    add_scenario_args(cmp_, positional=False)
    add_experiment_args(cmp_)
    sweep = sub.add_parser("sweep", help="replicates at every combination of varied parameters")
    add_scenario_args(sweep)
    sweep.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        required=True,
        help="a parameter and its values, e.g. networker.tolerance_mean=2,4,8,16 (repeatable)",
    )
    add_experiment_args(sweep)
    val = sub.add_parser("validate", help="the baseline against every calibration target")
    val.add_argument("scenario", nargs="?", default="baseline")
    add_scenario_args(val, positional=False)
    add_experiment_args(val, runs_default=20)
    val.add_argument(
        "--critical",
        default="critical",
        help="the scenario that brackets it with critical accounting ('' to skip)",
    )
    val.add_argument(
        "--write-readme", action="store_true", help="put the generated table into README.md"
    )
    dash = sub.add_parser("dashboard", help="start the dashboard in the browser")
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    dash.add_argument("--port", type=int, default=8765, help="port (8765)")
    sens = sub.add_parser("sensitivity", help="rank parameters by influence (Morris or Sobol)")
    add_scenario_args(sens)
    sens.add_argument(
        "--params",
        required=True,
        metavar="KEY[=LO:HI],...",
        help="parameters to vary, comma-separated; without bounds the scenario's value "
        "-50 %% .. +50 %%",
    )
    sens.add_argument("--method", choices=("morris", "sobol"), default="morris")
    sens.add_argument("--trajectories", type=int, default=10, help="Morris trajectories")
    sens.add_argument("--samples", type=int, default=32, help="Sobol base samples")
    add_experiment_args(sens, runs_default=3)
    add_me_parser(sub)
    return parser


def add_me_parser(sub) -> None:
    """``me``: what would happen to a person with these traits (issue #6)."""
    from sim.i18n import LANGS
    from sim.me import DEFAULT_FUTURES, EXPERIENCE, Profile

    d = Profile()
    me = sub.add_parser("me", help="what would happen to me? futures of a person like you")
    me.add_argument("--scenario", default="baseline", help="scenario name or path (baseline)")
    me.add_argument("--hours", type=float, default=d.hours, help=f"hours per week ({d.hours:g})")
    me.add_argument(
        "--tolerance",
        type=int,
        default=d.tolerance,
        help=f"no's in a row you take before giving up, 1 or more ({d.tolerance})",
    )
    me.add_argument(
        "--friends",
        type=int,
        default=d.friends,
        help=f"friends and acquaintances you would talk to ({d.friends})",
    )
    exp = me.add_mutually_exclusive_group()
    exp.add_argument("--experience", choices=EXPERIENCE, default=d.experience, help="(none)")
    exp.add_argument(
        "--experienced",
        dest="experience",
        action="store_const",
        const="experienced",
        help="shortcut for --experience experienced (with an existing following)",
    )
    me.add_argument(
        "--join-after-weeks",
        type=int,
        default=d.join_week,
        dest="join_week",
        help=f"weeks after the company's launch that you join ({d.join_week})",
    )
    me.add_argument(
        "--months", type=int, default=d.months, help=f"months to look ahead ({d.months})"
    )
    me.add_argument(
        "--futures",
        type=int,
        default=DEFAULT_FUTURES,
        help=f"possible futures to simulate ({DEFAULT_FUTURES})",
    )
    me.add_argument("--seed", type=int, help="master seed; default: the scenario's")
    me.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="overrides",
        help="override a scenario parameter, e.g. costs.required_purchase=50",
    )
    me.add_argument("--workers", type=int, help="local worker processes (default: cores)")
    me.add_argument("--lang", choices=LANGS, default="en", help="language of the texts (en)")
    me.add_argument("--json", action="store_true", help="print one JSON object")
    me.set_defaults(weeks=None)


def add_scenario_args(p: argparse.ArgumentParser, positional: bool = True) -> None:
    if positional:
        p.add_argument("scenario", help="a name in scenarios/ (e.g. baseline) or a TOML path")
    p.add_argument("--seed", type=int, help="random (master) seed; default: the scenario's")
    p.add_argument("--weeks", type=int, help="horizon in weeks (default: the scenario's)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="overrides",
        help="override a parameter by its dotted path, e.g. population.size=50000",
    )


def add_experiment_args(p: argparse.ArgumentParser, runs_default: int = 100) -> None:
    p.add_argument("--runs", type=int, default=runs_default, help="replicates (per point)")
    p.add_argument("--workers", type=int, help="local worker processes (default: cores)")
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster, tcp://host:8786")
    p.add_argument("--out", type=Path, help="experiment folder; rerun the command to resume")
    p.add_argument("--overwrite", action="store_true", help="start afresh in --out")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar with the time left (default: when stderr is a terminal)",
    )


def resolve(args: argparse.Namespace, name: str | None = None):
    """The validated scenario with --set, then --seed and --weeks applied."""
    scenario = load_scenario(name or args.scenario)
    if args.overrides:
        scenario = scenario.with_overrides(parse_set(args.overrides), origin="--set")
    for flag, key in (("seed", "simulation.seed"), ("weeks", "simulation.weeks")):
        if getattr(args, flag) is not None:
            scenario = scenario.with_overrides({key: getattr(args, flag)}, origin=f"--{flag}")
    return scenario


def cmd_scenarios(args: argparse.Namespace) -> int:
    rows = list_scenarios()
    width = max((len(name) for name, _ in rows), default=0)
    for name, description in rows:
        print(f"{name:<{width}}  {description}")
    return 0


def params_table(markdown: bool = False) -> str:
    """Every parameter with its default, range, unit, meaning and source."""
    lines = []
    if markdown:
        lines += [
            "| key | default | range | unit | meaning | source |",
            "|---|---|---|---|---|---|",
        ]
    for key, spec in param_specs().items():
        default = spec["default"]
        if isinstance(default, tuple):
            default = "[" + ", ".join(f"{x:g}" for x in default) + "]"
        elif isinstance(default, bool):
            default = str(default).lower()
        if spec.get("choices"):
            rng = " / ".join(spec["choices"])
        elif spec["lo"] is None:
            rng = "true / false"
        else:
            rng = f"{fmt_number(spec['lo'])} .. {fmt_number(spec['hi'])}"
        if markdown:
            lines.append(
                f"| `{key}` | {default} | {rng} | {spec['unit']} | {spec['doc']} "
                f"| {spec['source']} |"
            )
        else:
            lines.append(f"{key} = {default}  [{rng}] {spec['unit']}")
            lines.append(f"    {spec['doc']}. Source: {spec['source']}")
    return "\n".join(lines)


def cmd_params(args: argparse.Namespace) -> int:
    print(params_table(args.markdown))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.model import run
    from sim.results import check_writable, write_run

    scenario = resolve(args)
    if args.out is not None:
        check_writable(args.out, args.overwrite)
    started = time.perf_counter()
    result = run(scenario)
    elapsed = time.perf_counter() - started
    if args.out is not None:
        write_run(result, args.out, elapsed, overwrite=args.overwrite)
    if args.json:
        print(json.dumps(result.summary, ensure_ascii=False))
    else:
        print(format_summary(result.summary, elapsed))
        if args.out is not None:
            print(f"\nResults written to {args.out}/")
    return 0


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _eur(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.0f} EUR"


def format_summary(s: dict[str, Any], elapsed: float | None = None) -> str:
    """The terminal table of one run."""
    drops = s["dropouts_by_reason"]
    pct = s["net_income_percentiles"]
    rows = [
        (
            "Scenario",
            f"{s['scenario']} (seed {s['seed']}, {s['weeks']} weeks, {s['population']:,} people)",
        ),
        ("People who ever joined", f"{s['ever_joined']:,}"),
        ("Active at the end", f"{s['active_end']:,}"),
        ("Dropouts by reason", ", ".join(f"{k} {v:,}" for k, v in drops.items())),
        ("First-year dropout share", _pct(s["first_year_dropout_share"])),
        ("Net loss (< -100 EUR)", _pct(s["share_net_loss"])),
        ("About break-even", _pct(s["share_break_even"])),
        ("Profit (> 100 EUR)", _pct(s["share_profit"])),
        ("Net income p5 / p25 / p50", " / ".join(_eur(pct[k]) for k in ("p5", "p25", "p50"))),
        ("Net income p75 / p90 / p99", " / ".join(_eur(pct[k]) for k in ("p75", "p90", "p99"))),
        ("Gini of net income", f"{s['gini_net_income']:.2f}"),
        ("Top 1 % share of commissions", _pct(s["top1_commission_share"])),
        ("Retail share of volume", _pct(s["retail_share"])),
        ("Recruiting-reward share", _pct(s["recruiting_reward_share"])),
        ("Pyramid risk", s["pyramid_risk"].upper()),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    marks = {"green": "ok ", "amber": "!  ", "red": "!! ", "n/a": "-  "}
    lines += [
        f"  {marks[r['level']]}{r['text']}"
        + ("" if r.get("decides", True) else " (an industry-wide fact, not part of the verdict)")
        for r in s["pyramid_risk_reasons"]
    ]
    lines.append(f"  {s['note']}")
    if elapsed is not None:
        lines.append(f"({elapsed:.1f} s)")
    return "\n".join(lines)


@contextmanager
def executor_for(args: argparse.Namespace):
    """The executor of an experiment command: Dask if asked, else None (a local pool)."""
    from sim.experiments import dask_executor

    if args.dask:
        with dask_executor(args.dask) as executor:
            yield executor
    else:
        yield None


def experiment_kw(args: argparse.Namespace, executor) -> dict[str, Any]:
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    return {
        "executor": executor,
        "workers": args.workers,
        "out": args.out,
        "overwrite": args.overwrite,
        "progress": progress,
    }


def report_failures(failures: list[dict[str, Any]], out: Path | None) -> int:
    """Name every failed replicate with its seed and parameters; exit 1 if any."""
    for f in failures:
        params = ", ".join(f"{k}={v}" for k, v in f["parameters"].items()) or "scenario as is"
        print(
            f"networker-sim: replicate {f['replicate']} of point {f['point']} failed "
            f"(seed {f['seed']}; {params}): {f['error']}",
            file=sys.stderr,
        )
    if failures:
        where = f"; the other replicates are saved in {out}/" if out else ""
        print(f"networker-sim: {len(failures)} replicate(s) failed{where}", file=sys.stderr)
    return 1 if failures else 0


def _fmt_value(col: str, x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if (
        col.startswith(("share_", "pyramid_risk_"))
        or col.endswith("_share")
        or col in ("gini_net_income", "annual_turnover")
    ):
        return f"{100 * x:.1f} %" if not col.startswith("gini") else f"{x:.2f}"
    if col.startswith(("net_income_", "median_gross")):
        return f"{x:,.0f} EUR"
    return f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}"


def format_describe(table, title: str) -> str:
    lines = [title, f"{'outcome':<28} {'mean':>12}  90 % range"]
    for r in table.itertuples():
        rng = f"{_fmt_value(r.outcome, r.p5)} .. {_fmt_value(r.outcome, r.p95)}"
        lines.append(f"{r.outcome:<28} {_fmt_value(r.outcome, r.mean):>12}  {rng}")
    return "\n".join(lines)


def _describe_json(table) -> dict[str, Any]:
    return {
        r.outcome: {"mean": _json_num(r.mean), "p5": _json_num(r.p5), "p95": _json_num(r.p95)}
        for r in table.itertuples()
    }


def _json_num(x: Any) -> Any:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def cmd_montecarlo(args: argparse.Namespace) -> int:
    from sim.experiments import describe, run_experiment

    scenario = resolve(args)
    with executor_for(args) as executor:
        exp = run_experiment(scenario, args.runs, **experiment_kw(args, executor))
    table = describe(exp.outcomes)
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "runs": args.runs,
                    "master_seed": exp.master_seed,
                    "replicates": len(exp.outcomes),
                    "outcomes": _describe_json(table),
                    "failures": exp.failures,
                }
            )
        )
    else:
        print(
            format_describe(
                table,
                f"{scenario.name}: {len(exp.outcomes)} replicates (master seed {exp.master_seed})",
            )
        )
        if args.out:
            print(f"\nResults written to {args.out}/")
    return report_failures(exp.failures, args.out)


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.experiments import compare, run_experiment

    a, b = (resolve(args, name) for name in args.scenario)
    exps = []
    with executor_for(args) as executor:
        for i, sc in enumerate((a, b)):
            kw = experiment_kw(args, executor)
            if args.out:
                kw["out"] = args.out / f"{i}-{sc.name}"
            # one master seed for both (the first scenario's unless --seed): replicate i
            # of A and of B share a seed, so their difference is not seed noise
            master = args.seed if args.seed is not None else a.simulation.seed
            exps.append(run_experiment(sc, args.runs, master_seed=master, **kw))
    table = compare(exps[0].outcomes, exps[1].outcomes)
    if args.json:
        print(
            json.dumps(
                {
                    "scenarios": [a.name, b.name],
                    "runs": args.runs,
                    "outcomes": {
                        r["outcome"]: {
                            k: _json_num(v) if k != "beyond_noise" else v
                            for k, v in r.items()
                            if k != "outcome"
                        }
                        for r in table.to_dict("records")
                    },
                    "failures": exps[0].failures + exps[1].failures,
                }
            )
        )
    else:
        na, nb = a.name, b.name
        lines = [
            f"{na} (A) vs {nb} (B): {args.runs} replicates each, the same seeds",
            f"{'outcome':<28} {'A mean':>11} {'B mean':>11} {'B - A':>11}  beyond noise?",
        ]
        for r in table.itertuples():
            mark = "yes" if r.beyond_noise else "no"
            lines.append(
                f"{r.outcome:<28} {_fmt_value(r.outcome, r.mean_a):>11} "
                f"{_fmt_value(r.outcome, r.mean_b):>11} {_fmt_value(r.outcome, r.difference):>11}"
                f"  {mark}"
            )
        beyond = table[table.beyond_noise].outcome.tolist() if len(table) else []
        lines.append(
            f"\nLarger than the replicate noise (Welch t-test, p < 0.05): "
            f"{', '.join(beyond) if beyond else 'none'}."
        )
        print("\n".join(lines))
    return report_failures(exps[0].failures + exps[1].failures, args.out)


SWEEP_COLUMNS = (
    "ever_joined",
    "share_net_loss",
    "share_profit",
    "first_year_dropout_share",
    "net_income_p50",
    "top1_commission_share",
    "pyramid_risk_red",
)


def cmd_sweep(args: argparse.Namespace) -> int:
    import pandas as pd

    from sim.experiments import describe, grid, parse_vary, run_experiment

    scenario = resolve(args)
    points = grid(parse_vary(args.vary))
    with executor_for(args) as executor:
        exp = run_experiment(scenario, args.runs, points, **experiment_kw(args, executor))
    per_point = []
    for i, point in enumerate(points):
        table = describe(exp.outcomes[exp.outcomes.point == i])
        per_point.append((point, table))
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "runs": args.runs,
                    "points": [
                        {"parameters": p, "outcomes": _describe_json(t)} for p, t in per_point
                    ],
                    "failures": exp.failures,
                }
            )
        )
    else:
        keys = list(points[0])
        header = "  ".join(f"{k.split('.')[-1]:>14}" for k in keys)
        header += "".join(f"  {c:>24}" for c in SWEEP_COLUMNS)
        lines = [f"{scenario.name}: {args.runs} replicates per point; mean [90 % range]", header]
        for point, table in per_point:
            row = "  ".join(f"{point[k]!s:>14}" for k in keys)
            t = table.set_index("outcome") if len(table) else pd.DataFrame()
            for c in SWEEP_COLUMNS:
                cell = (
                    (
                        f"{_fmt_value(c, t.at[c, 'mean'])} [{_fmt_value(c, t.at[c, 'p5'])}"
                        f"..{_fmt_value(c, t.at[c, 'p95'])}]"
                    )
                    if c in t.index
                    else "n/a"
                )
                row += f"  {cell:>24}"
            lines.append(row)
        print("\n".join(lines))
    return report_failures(exp.failures, args.out)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from sim.sensitivity import parse_params, sensitivity

    scenario = resolve(args)
    bounds = parse_params(args.params, scenario)
    with executor_for(args) as executor:
        res = sensitivity(
            scenario,
            bounds,
            args.method,
            trajectories=args.trajectories,
            samples=args.samples,
            runs=args.runs,
            **experiment_kw(args, executor),
        )
    idx = res.indices
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "method": args.method,
                    "bounds": {k: list(v) for k, v in bounds.items()},
                    "points": len(res.experiment.points),
                    "runs": args.runs,
                    "indices": [
                        {k: (_json_num(v) if isinstance(v, float) else v) for k, v in r.items()}
                        for r in idx.to_dict("records")
                    ],
                    "failures": res.experiment.failures,
                }
            )
        )
    else:
        lines = [
            f"{scenario.name}: {args.method} sensitivity, {len(res.experiment.points)} "
            f"points x {args.runs} replicates"
        ]
        for target, part in idx.groupby("target", sort=False):
            lines.append(f"\n{target}")
            if args.method == "morris":
                lines.append(
                    f"  {'rank':>4}  {'parameter':<36} {'mu*':>10} {'+-':>8} {'sigma':>10}"
                )
                for r in part.itertuples():
                    lines.append(
                        f"  {r.rank:>4}  {r.parameter:<36} {r.mu_star:>10.4g} "
                        f"{r.mu_star_conf:>8.3g} {r.sigma:>10.4g}"
                    )
            else:
                lines.append(f"  {'rank':>4}  {'parameter':<36} {'S1':>8} {'ST':>8} {'+-ST':>8}")
                for r in part.itertuples():
                    lines.append(
                        f"  {r.rank:>4}  {r.parameter:<36} {r.S1:>8.3f} {r.ST:>8.3f} "
                        f"{r.ST_conf:>8.3f}"
                    )
        print("\n".join(lines))
    return report_failures(res.experiment.failures, args.out)


def cmd_validate(args: argparse.Namespace) -> int:
    import tempfile

    from sim.experiments import run_experiment
    from sim.results import atomic_folder, check_writable, versions
    from sim.validation import (
        MIN_RUNS,
        README,
        TAYLOR_LOSS_SHARE,
        band_text,
        markdown_table,
        replace_block,
        target_table,
    )

    if args.runs < MIN_RUNS:
        raise UsageError(f"--runs {args.runs}: the targets need at least {MIN_RUNS} seeds")
    if args.out is not None:
        check_writable(args.out, args.overwrite)
    scenario = resolve(args)
    critical = resolve(args, args.critical) if args.critical else None
    with executor_for(args) as executor, tempfile.TemporaryDirectory() as work:
        kw = experiment_kw(args, executor)
        kw["out"], kw["overwrite"] = Path(work) / "baseline", False
        exp = run_experiment(scenario, args.runs, master_seed=args.seed, **kw)
        crit = None
        if critical is not None:
            kw["out"] = Path(work) / "critical"
            crit = run_experiment(critical, args.runs, master_seed=args.seed, **kw)
        table = target_table(exp.outcomes)
        block = markdown_table(table, scenario.name, args.runs, exp.master_seed)
        crit_loss = float(crit.outcomes.share_net_loss.mean()) if crit is not None else None
        if crit is not None:
            block += (
                f"\n\nThe `{critical.name}` scenario (every required purchase counted as a cost, "
                f"realistic expenses) brackets it: {100 * crit_loss:.0f} % of everyone who "
                f"joined lose money, against Jon M. Taylor's \"about "
                f'{100 * TAYLOR_LOSS_SHARE:.0f} %" (The Case (for and) against Multi-level '
                "Marketing, ch. 7)."
            )
        if args.out is not None:
            from sim.figures import write_validation_figures

            with atomic_folder(args.out, args.overwrite) as tmp:
                table.to_csv(tmp / "validation.csv", index=False)
                (tmp / "validation.md").write_text(block + "\n")
                exp.outcomes.to_parquet(tmp / "outcomes.parquet")
                pooled = exp.pooled_networkers(["join_week", "exit_week", "gross_income"])
                figures = write_validation_figures(tmp, table, pooled, scenario.simulation.weeks)
                manifest = {
                    "scenario": scenario.to_dict(),
                    "runs": args.runs,
                    "master_seed": exp.master_seed,
                    "versions": versions(),
                    "critical": critical.to_dict() if critical else None,
                    "files": ["validation.csv", "validation.md", "outcomes.parquet", *figures],
                }
                (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if args.write_readme:
        README.write_text(replace_block(README.read_text(encoding="utf-8"), block),
                          encoding="utf-8")  # fmt: skip
    holds = bool(table.holds.all())
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "runs": args.runs,
                    "master_seed": exp.master_seed,
                    "all_hold": holds,
                    "targets": [
                        {k: _json_num(v) if isinstance(v, float) else v for k, v in r.items()}
                        for r in table.to_dict("records")
                    ],
                    "critical": None
                    if crit is None
                    else {
                        "scenario": critical.name,
                        "share_net_loss": crit_loss,
                        "taylor_share_net_loss": TAYLOR_LOSS_SHARE,
                    },
                }
            )
        )
    else:
        lines = [
            f"{scenario.name}: {args.runs} seeds (master seed {exp.master_seed})",
            f"{'#':<3} {'outcome':<32} {'simulated':>10} {'90 % range':>22} "
            f"{'band':>16}  holds  source",
        ]
        for r in table.itertuples():
            rng = f"{_fmt_value(r.outcome, r.p5)} .. {_fmt_value(r.outcome, r.p95)}"
            lines.append(
                f"{r.target:<3} {r.outcome:<32} {_fmt_value(r.outcome, r.mean):>10} "
                f"{rng:>22} {band_text(r):>16}  {'yes' if r.holds else 'NO':<5}  "
                f"{r.source}"
            )
        if crit is not None:
            lines.append(
                f"\n{critical.name}: {100 * crit_loss:.0f} % of everyone who joined "
                f"lose money (Jon M. Taylor: about {100 * TAYLOR_LOSS_SHARE:.0f} %)"
            )
        if args.out is not None:
            lines.append(f"\nTable and figures written to {args.out}/")
        print("\n".join(lines))
    return 0 if holds else 1


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve dashboards/app.py with Solara's own front-end files (no internet needed)."""
    app = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
    if not app.is_file():
        raise UsageError(f"{app}: the dashboard is missing from this installation")
    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: allowed from 1 to 65535")
    url = f"http://{'localhost' if args.host == '127.0.0.1' else args.host}:{args.port}/"
    print(f"networker-sim dashboard: open {url} in a browser (Ctrl+C stops it)", flush=True)
    cmd = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host,
           "--port", str(args.port), "--production", "--no-open", "--log-level", "warning",
           "--no-check-version"]  # fmt: skip
    # Nothing leaves the machine: no version check, no usage telemetry; the front end
    # comes from the solara-assets package.
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "SOLARA_THEME_SHOW_BANNER": "False"}  # fmt: skip
    # Become the server (no child to orphan): signals such as SIGTERM reach it directly.
    os.execve(sys.executable, cmd, env)
    return 0  # not reached


def cmd_me(args: argparse.Namespace) -> int:
    from sim.me import Profile, ProfileError, check_profile, format_outlook, what_would_happen

    scenario = resolve(args)
    profile = Profile(
        hours=args.hours,
        tolerance=args.tolerance,
        friends=args.friends,
        experience=args.experience,
        join_week=args.join_week,
        months=args.months,
    )
    try:
        # checked before any worker starts, so bad input fails at once
        check_profile(profile, scenario, args.futures)
        outlook = what_would_happen(
            scenario, profile, args.futures, master_seed=args.seed, workers=args.workers
        )
    except ProfileError as exc:
        raise UsageError(exc.message(args.lang)) from None
    if args.json:
        print(json.dumps(outlook.to_dict(args.lang), ensure_ascii=False))
    else:
        print(format_outlook(outlook, args.lang))
    return 0


COMMANDS = {
    "dashboard": cmd_dashboard,
    "validate": cmd_validate,
    "scenarios": cmd_scenarios,
    "params": cmd_params,
    "run": cmd_run,
    "montecarlo": cmd_montecarlo,
    "compare": cmd_compare,
    "sweep": cmd_sweep,
    "sensitivity": cmd_sensitivity,
    "me": cmd_me,
}


def main(argv: list[str] | None = None) -> int:
    from sim.experiments import ExperimentError
    from sim.results import OutputError

    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (ScenarioError, OutputError, UsageError, ExperimentError) as exc:
        print(f"networker-sim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `networker-sim run baseline | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # the disk, not the input: no traceback, but not status 2
        print(f"networker-sim: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        kept = (
            f"finished replicates are kept in {out}/; run the same command to resume"
            if out is not None and args.command not in ("run",)
            else "nothing was written"
        )
        print(f"networker-sim: interrupted; {kept}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
