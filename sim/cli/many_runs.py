"""``montecarlo``, ``compare``, ``sweep`` and ``sensitivity``: experiments of many
replicates, and the tables they print.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from sim.cli.args import resolve
from sim.cli.shared import (
    check_workload,
    executor_for,
    experiment_kw,
    json_number,
    outcome_label,
    outcome_value,
    report_failures,
)
from sim.i18n import DEFAULT_LANG, NO_VALUE, Msg, count, fmt_int, fmt_num, render, t


def outcome_names(outcomes: list[str], lang: str) -> tuple[list[str], int]:
    """Each outcome as "key  label" (the key is the one of --json), and their width."""
    key_width = max((len(o) for o in outcomes), default=0)
    names = [f"{o:<{key_width}}  {outcome_label(o, lang)}" for o in outcomes]
    return names, max((len(n) for n in names), default=0)


def format_describe(table, title: str, lang: str = DEFAULT_LANG) -> str:
    """Mean and 90 % range of each outcome, one line each."""
    names, width = outcome_names(list(table.outcome), lang)
    head = t("ui.outcome", lang), t("cli.table.mean", lang), t("cli.table.range", lang)
    lines = [title, f"{head[0]:<{width}} {head[1]:>12}  {head[2]}"]
    for name, r in zip(names, table.itertuples(), strict=True):
        rng = f"{outcome_value(r.outcome, r.p5, lang)} .. {outcome_value(r.outcome, r.p95, lang)}"
        lines.append(f"{name:<{width}} {outcome_value(r.outcome, r.mean, lang):>12}  {rng}")
    return "\n".join(lines)


def describe_json(table) -> dict[str, Any]:
    return {
        r.outcome: {"mean": json_number(r.mean), "p5": json_number(r.p5), "p95": json_number(r.p95)}
        for r in table.itertuples()
    }


def cmd_montecarlo(args: argparse.Namespace) -> int:
    from sim.experiments import describe, run_experiment

    scenario = resolve(args)
    with executor_for(args) as executor:
        check_workload(args, [scenario], args.runs, executor)
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
                    "outcomes": describe_json(table),
                    "failures": exp.failures,
                }
            )
        )
    else:
        title = t(
            "cli.montecarlo.title",
            args.lang,
            scenario=scenario.name,
            n=count("replicates", len(exp.outcomes), args.lang),
            seed=exp.master_seed,
        )
        print(format_describe(table, title, args.lang))
        if args.out:
            print(f"\n{t('cli.written', args.lang, folder=args.out)}")
    return report_failures(exp.failures, args.out, args.lang)


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.experiments import compare, run_experiment
    from sim.results import file_name

    a, b = (resolve(args, name) for name in args.scenario)
    exps = []
    with executor_for(args) as executor:
        check_workload(args, [a, b], args.runs, executor)
        for i, sc in enumerate((a, b)):
            kw = experiment_kw(args, executor)
            if args.out:
                kw["out"] = args.out / f"{i}-{file_name(sc.name)}"
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
                            k: json_number(v) if k != "beyond_noise" else v
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
        print(format_compare(table, a.name, b.name, args.runs, args.lang))
    return report_failures(exps[0].failures + exps[1].failures, args.out, args.lang)


def format_compare(table, a: str, b: str, runs: int, lang: str = DEFAULT_LANG) -> str:
    """Both means and their difference per outcome, and which differences beat the noise."""
    names, width = outcome_names(list(table.outcome) if len(table) else [], lang)
    head = [t(f"cli.compare.{k}", lang) for k in ("mean_a", "mean_b", "beyond")]
    head.insert(2, t("ui.difference", lang))
    lines = [
        t("cli.compare.title", lang, a=a, b=b, runs=count("replicates", runs, lang)),
        f"{t('ui.outcome', lang):<{width}} {head[0]:>11} {head[1]:>11} {head[2]:>11}  {head[3]}",
    ]
    for name, r in zip(names, table.itertuples(), strict=True):
        values = (outcome_value(r.outcome, x, lang) for x in (r.mean_a, r.mean_b, r.difference))
        mark = t("ui.yes" if r.beyond_noise else "ui.no", lang)
        lines.append(f"{name:<{width}} " + " ".join(f"{v:>11}" for v in values) + f"  {mark}")
    # the outcomes by their --json keys, so that a script can pick them from this line too
    beyond = table[table.beyond_noise].outcome.tolist() if len(table) else []
    listed = ", ".join(beyond) if beyond else t("cli.compare.none", lang)
    lines.append(f"\n{t('cli.compare.beyond_list', lang, outcomes=listed)}")
    return "\n".join(lines)


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
    from sim.experiments import describe, grid, parse_vary, run_experiment

    scenario = resolve(args)
    points = grid(parse_vary(args.vary))
    # each point as it runs (its values checked now, before anything starts)
    origin = Msg("cli.error.origin_point")
    at_points = [scenario.with_overrides(point, origin=origin) for point in points]
    with executor_for(args) as executor:
        check_workload(args, at_points, args.runs, executor)
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
                        {"parameters": p, "outcomes": describe_json(tab)} for p, tab in per_point
                    ],
                    "failures": exp.failures,
                }
            )
        )
    else:
        import pandas as pd

        lang = args.lang
        keys = list(points[0])
        labels = [outcome_label(c, lang) for c in SWEEP_COLUMNS]
        widths = [max(24, len(label)) for label in labels]
        header = "  ".join(f"{k.split('.')[-1]:>14}" for k in keys)
        header += "".join(f"  {label:>{w}}" for label, w in zip(labels, widths, strict=True))
        runs = count("replicates", args.runs, lang)
        title = t("cli.sweep.title", lang, scenario=scenario.name, runs=runs)
        lines = [title, header]
        for point, table in per_point:
            row = "  ".join(f"{render(point[k], lang):>14}" for k in keys)
            tab = table.set_index("outcome") if len(table) else pd.DataFrame()
            for c, w in zip(SWEEP_COLUMNS, widths, strict=True):
                cell = (
                    (
                        f"{outcome_value(c, tab.at[c, 'mean'], lang)} "
                        f"[{outcome_value(c, tab.at[c, 'p5'], lang)}"
                        f"..{outcome_value(c, tab.at[c, 'p95'], lang)}]"
                    )
                    if c in tab.index
                    else NO_VALUE
                )
                row += f"  {cell:>{w}}"
            lines.append(row)
        print("\n".join(lines))
    return report_failures(exp.failures, args.out, args.lang)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from sim.sensitivity import check_design, costliest, parse_params, point_count, sensitivity

    scenario = resolve(args)
    bounds = parse_params(args.params, scenario)
    check_design(args.method, args.trajectories, args.samples)
    points = point_count(args.method, len(bounds), args.trajectories, args.samples)
    with executor_for(args) as executor:
        check_workload(args, [costliest(scenario, bounds)] * points, args.runs, executor)
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
                        {k: (json_number(v) if isinstance(v, float) else v) for k, v in r.items()}
                        for r in idx.to_dict("records")
                    ],
                    "failures": res.experiment.failures,
                }
            )
        )
    else:
        points = len(res.experiment.points)
        print(format_sensitivity(idx, scenario.name, args.method, points, args.runs, args.lang))
    return report_failures(res.experiment.failures, args.out, args.lang)


def _sig(x: float, lang: str, digits: int) -> str:
    """``x`` to ``digits`` significant digits, with the language's decimal mark."""
    text = f"{x:.{digits}g}"
    return text.replace(".", ",") if lang == "de" else text


def format_sensitivity(idx, scenario: str, method: str, points: int, runs: int, lang: str) -> str:
    """The parameters ranked by influence, per target outcome."""
    lines = [
        t(
            "cli.sensitivity.title",
            lang,
            scenario=scenario,
            method=t(f"cli.sensitivity.{method}", lang),
            points=fmt_int(points, lang),
            runs=fmt_int(runs, lang),
        )
    ]
    rank, param = t("cli.sensitivity.rank", lang), t("cli.sensitivity.parameter", lang)
    if not len(idx):  # every replicate failed: report_failures says which and why
        return lines[0]
    for target, part in idx.groupby("target", sort=False):
        lines.append(f"\n{target}  {outcome_label(target, lang)}")
        # mu*, sigma, S1 and ST are the methods' own symbols, the same in every language
        if method == "morris":
            lines.append(f"  {rank:>4}  {param:<36} {'mu*':>10} {'±':>8} {'sigma':>10}")
            for r in part.itertuples():
                lines.append(
                    f"  {r.rank:>4}  {r.parameter:<36} {_sig(r.mu_star, lang, 4):>10} "
                    f"{_sig(r.mu_star_conf, lang, 3):>8} {_sig(r.sigma, lang, 4):>10}"
                )
        else:
            lines.append(f"  {rank:>4}  {param:<36} {'S1':>8} {'ST':>8} {'±ST':>8}")
            for r in part.itertuples():
                lines.append(
                    f"  {r.rank:>4}  {r.parameter:<36} {fmt_num(r.S1, lang, 3):>8} "
                    f"{fmt_num(r.ST, lang, 3):>8} {fmt_num(r.ST_conf, lang, 3):>8}"
                )
    return "\n".join(lines)
