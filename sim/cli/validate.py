"""``validate``: the scenario against the published evidence, and the table it prints."""

from __future__ import annotations

import argparse
import json
import math

from sim.cli.args import UsageError, resolve
from sim.cli.shared import check_workload, executor_for, experiment_kw, json_number, outcome_value
from sim.i18n import Msg, fmt_eur, fmt_int, fmt_pct, t


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.results import check_writable
    from sim.validation import MIN_RUNS, TAYLOR_LOSS_SHARE, VALIDATION_POINTS, run_validation

    if args.runs < MIN_RUNS:
        raise UsageError(Msg("cli.error.validate_runs", runs=str(args.runs), min=MIN_RUNS))
    if args.out is not None:
        check_writable(args.out, args.overwrite)
    scenario = resolve(args)
    critical = resolve(args, args.critical) if args.critical else None
    with executor_for(args) as executor:
        # the scenario at the points of the targets, and the critical one
        at_points = [scenario.with_overrides(p, origin="validate") for p in VALIDATION_POINTS]
        check_workload(args, at_points + ([critical] if critical else []), args.runs, executor)
        kw = experiment_kw(args, executor)  # its out and overwrite: the validation's own
        v = run_validation(scenario, args.runs, critical=critical,
                           write_readme=args.write_readme, master_seed=args.seed, **kw)  # fmt: skip
    table, exp, crit, crit_loss = v.table, v.exp, v.critical, v.critical_loss
    holds = v.holds
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "runs": args.runs,
                    "master_seed": exp.master_seed,
                    "all_hold": holds,
                    "targets": [
                        {k: json_number(v) if isinstance(v, float) else v for k, v in r.items()}
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
        print(format_validation(table, scenario.name, args.runs, exp.master_seed, args.lang))
        if crit is not None:
            loss, taylor = fmt_pct(crit_loss, args.lang), fmt_pct(TAYLOR_LOSS_SHARE, args.lang)
            critical_line = t(
                "cli.validate.critical", args.lang, scenario=critical.name, loss=loss, taylor=taylor
            )
            print(f"\n{critical_line}")
        if args.out is not None:
            print(f"\n{t('cli.validate.written', args.lang, folder=args.out)}")
    return 0 if holds else 1


def _band(row, lang: str) -> str:
    """A target's tolerance band, e.g. '40 % to 60 %' or '≤ €1,000'."""

    from sim.validation import TENTHS

    def num(x: float) -> str:
        if row.outcome.startswith("median_gross"):
            return fmt_eur(x, lang)
        return fmt_pct(x, lang, 1 if row.outcome in TENTHS else 0)

    if not math.isfinite(row.lo):
        return t("cli.validate.at_most", lang, hi=num(row.hi))
    if not math.isfinite(row.hi):
        return t("cli.validate.at_least", lang, lo=num(row.lo))
    return t("cli.validate.between", lang, lo=num(row.lo), hi=num(row.hi))


def format_validation(table, scenario: str, runs: int, seed: int, lang: str) -> str:
    """Each calibration target: simulated mean and range, the band, holds?, the source."""
    labels = [t(f"cli.target_label.{target}", lang) for target in table.target]
    width = max((len(label) for label in labels), default=0)
    head = [t(f"cli.validate.{k}", lang) for k in ("simulated", "band", "holds")]
    head.append(t("about.source", lang))
    lines = [
        t("cli.validate.title", lang, scenario=scenario, runs=fmt_int(runs, lang), seed=seed),
        f"{'#':<4} {t('ui.outcome', lang):<{width}} {head[0]:>10} "
        f"{t('cli.table.range', lang):>22} {head[1]:>16}  {head[2]:<5}  {head[3]}",
    ]
    for label, r in zip(labels, table.itertuples(), strict=True):
        rng = f"{outcome_value(r.outcome, r.p5, lang)} .. {outcome_value(r.outcome, r.p95, lang)}"
        holds = t("ui.yes" if r.holds else "cli.validate.no", lang)
        lines.append(
            f"{r.target:<4} {label:<{width}} {outcome_value(r.outcome, r.mean, lang):>10} "
            f"{rng:>22} {_band(r, lang):>16}  {holds:<5}  "
            f"{t(f'cli.target.{r.target}', lang)}"
        )
    return "\n".join(lines)
