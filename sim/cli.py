"""The command line: a thin shell over ``sim.scenario``, ``sim.model`` and ``sim.results``.

Bad input (a scenario that does not exist, an unknown key, a value out of range, malformed
TOML, an unwritable output folder) ends with one message on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
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
    run.add_argument("scenario", help="a name in scenarios/ (e.g. baseline) or a path to a TOML")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    run.add_argument("--weeks", type=int, help="horizon in weeks (default: the scenario's)")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="overrides",
        help="override a parameter by its dotted path, e.g. population.size=50000",
    )
    run.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    run.add_argument("--out", type=Path, help="write weekly series, networkers and manifest here")
    run.add_argument("--overwrite", action="store_true", help="replace an existing --out folder")
    return parser


def resolve(args: argparse.Namespace):
    """The validated scenario of a ``run``, with --set, --seed and --weeks applied."""
    overrides: dict[str, Any] = parse_set(args.overrides)
    if args.seed is not None:
        overrides["simulation.seed"] = args.seed
    if args.weeks is not None:
        overrides["simulation.weeks"] = args.weeks
    scenario = load_scenario(args.scenario)
    if overrides:
        origin = "command line" if not args.overrides else "--set"
        scenario = scenario.with_overrides(overrides, origin=origin)
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
    from sim.results import OutputError, write_run

    scenario = resolve(args)
    if args.out is not None and args.out.exists() and not args.overwrite:
        raise OutputError(f"{args.out}: already exists; choose another folder or pass --overwrite")
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
    lines += [f"  {marks[r['level']]}{r['text']}" for r in s["pyramid_risk_reasons"]]
    lines.append(f"  {s['note']}")
    if elapsed is not None:
        lines.append(f"({elapsed:.1f} s)")
    return "\n".join(lines)


COMMANDS = {"scenarios": cmd_scenarios, "params": cmd_params, "run": cmd_run}


def main(argv: list[str] | None = None) -> int:
    from sim.results import OutputError

    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (ScenarioError, OutputError, UsageError) as exc:
        print(f"networker-sim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("networker-sim: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
