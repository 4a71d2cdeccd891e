"""``scenarios``, ``params`` and ``run``: the scenario library, the parameters, one run and
the summary it prints.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from sim.cli.args import resolve
from sim.cli.shared import outcome_value
from sim.i18n import DEFAULT_LANG, fmt_eur, fmt_int, fmt_num, fmt_pct, fmt_value, t
from sim.scenario import Unit, list_scenarios, param_specs


def cmd_scenarios(args: argparse.Namespace) -> int:
    rows = list_scenarios(args.lang)
    width = max((len(name) for name, _ in rows), default=0)
    for name, description in rows:
        print(f"{name:<{width}}  {description}")
    return 0


def params_table(markdown: bool = False, lang: str = DEFAULT_LANG) -> str:
    """Every parameter with its default, range, unit, meaning and source."""
    lines = []
    if markdown:
        head = (
            t(f"about.{c}", lang) for c in ("key", "default", "range", "unit", "meaning", "source")
        )
        lines += ["| " + " | ".join(head) + " |", "|---|---|---|---|---|---|"]
    for key, spec in param_specs().items():
        default = spec["default"]
        if isinstance(default, tuple):
            sep = t("cli.params.list_separator", lang)
            default = "[" + sep.join(fmt_value(x, lang) for x in default) + "]"
        elif isinstance(default, bool):
            default = str(default).lower()  # a TOML literal, the same in every language
        elif not isinstance(default, str):
            default = fmt_value(default, lang)
        if spec.get("choices"):
            rng = " / ".join(spec["choices"])
        elif spec["lo"] is None:
            rng = "true / false"
        else:
            rng = f"{fmt_value(spec['lo'], lang)} .. {fmt_value(spec['hi'], lang)}"
        unit = Unit(spec["unit"]).render(lang)
        doc, source = t(f"param.{key}.doc", lang), t(f"param.{key}.source", lang)
        if markdown:
            lines.append(f"| `{key}` | {default} | {rng} | {unit.strip()} | {doc} | {source} |")
        else:
            lines.append(f"{key} = {default}  [{rng}{unit}]")
            lines.append(f"    {t('cli.params.doc', lang, doc=doc, source=source)}")
    return "\n".join(lines)


def cmd_params(args: argparse.Namespace) -> int:
    print(params_table(args.markdown, args.lang))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.memory import check_memory
    from sim.results import check_writable, write_run

    scenario = resolve(args)
    if args.out is not None:
        check_writable(args.out, args.overwrite)
    check_memory([scenario])
    from sim.model import run  # the input is good: now load the model (seconds)

    started = time.perf_counter()
    result = run(scenario)
    elapsed = time.perf_counter() - started
    if args.out is not None:
        write_run(result, args.out, elapsed, overwrite=args.overwrite)
    if args.json:
        print(json.dumps(result.summary, ensure_ascii=False))
    else:
        print(format_summary(result.summary, elapsed, args.lang))
        if args.out is not None:
            print(f"\n{t('cli.written', args.lang, folder=args.out)}")
    return 0


def format_summary(
    s: dict[str, Any], elapsed: float | None = None, lang: str = DEFAULT_LANG
) -> str:
    """The terminal table of one run."""

    def label(key: str, **values: Any) -> str:
        return t(f"cli.summary.{key}", lang, **values)

    def num(key: str, x: Any) -> str:
        return outcome_value(key, x, lang)

    drops = s["dropouts_by_reason"]
    pct = s["net_income_percentiles"]
    scenario = label(
        "scenario_value",
        scenario=s["scenario"],
        seed=s["seed"],
        weeks=s["weeks"],
        people=fmt_int(s["population"], lang),
    )
    # rows the dashboard names too take its labels (ui.*, column.*)
    rows = [
        (t("ui.scenario", lang), scenario),
        (t("column.ever_joined", lang), fmt_int(s["ever_joined"], lang)),
        (t("column.members_at_start", lang), fmt_int(s["members_at_start"], lang)),
        (t("column.active_end", lang), fmt_int(s["active_end"], lang)),
        (
            label("dropouts"),
            ", ".join(f"{t(f'reason.{k}', lang)} {fmt_int(v, lang)}" for k, v in drops.items()),
        ),
        (label("first_year"), num("first_year_dropout_share", s["first_year_dropout_share"])),
        (t("column.share_net_loss", lang), num("share_net_loss", s["share_net_loss"])),
        (label("break_even"), num("share_break_even", s["share_break_even"])),
        (label("profit"), num("share_profit", s["share_profit"])),
        (label("net_low"), " / ".join(num("net_income", pct[k]) for k in ("p5", "p25", "p50"))),
        (label("net_high"), " / ".join(num("net_income", pct[k]) for k in ("p75", "p90", "p99"))),
        *(
            (t(f"column.{key}", lang), num(key, s[key]))
            for key in (
                "gini_net_income",
                "top1_commission_share",
                "retail_share",
                "recruiting_reward_share",
            )
        ),
        (label("risk"), label(f"level_{s['pyramid_risk']}")),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    marks = {"green": "ok ", "amber": "!  ", "red": "!! ", "n/a": "-  "}
    lines += [f"  {marks[r['level']]}{risk_reason(r, lang)}" for r in s["pyramid_risk_reasons"]]
    lines.append(f"  {t('risk.not_legal_advice', lang)}")
    lines += where_the_money_went(s, lang)
    if elapsed is not None:
        lines.append(label("elapsed", seconds=fmt_num(elapsed, lang)))
    return "\n".join(lines)


def where_the_money_went(s: dict[str, Any], lang: str = DEFAULT_LANG) -> list[str]:
    """The company's revenue split into goods, commissions, rewards and margin; the payout
    ratio, the breakage and the own-purchase share (docs/model.md §5.3)."""
    revenue = s["company_revenue"]

    def part(key: str) -> str:
        share = s[key] / revenue if revenue else None
        name = t(f"cli.money.{key}", lang)
        return t("cli.money.part", lang, name=name, eur=fmt_eur(s[key], lang),
                 share=fmt_pct(share, lang, 1))  # fmt: skip

    def share(key: str) -> str:
        return t(f"cli.money.{key}", lang, share=fmt_pct(s[key], lang, 1))

    def eur(key: str) -> str:
        return t(f"cli.money.{key}", lang, eur=fmt_eur(s[key], lang))

    parts = ("product_cost", "commissions", "recruiting_rewards", "company_margin")
    rows = [*(part(key) for key in parts), share("payout_ratio"), eur("breakage"),
            share("own_purchase_share"), eur("retail_margin")]  # fmt: skip
    return ["", t("cli.money.title", lang, revenue=fmt_eur(revenue, lang))] + [
        f"  {row}" for row in rows
    ]


def risk_reason(part: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    """One part of the pyramid-risk indicator in words: its value, meaning and rule."""
    key = part["part"]
    if part["level"] == "n/a":
        text = t("risk.not_applicable", lang)
    else:
        value = part["value"]
        shown = fmt_num(value, lang) if key == "median_customers" else fmt_pct(value, lang)
        text = t(f"risk.{key}.text", lang, value=shown)
    extra = "" if part.get("decides", True) else f" {t('risk.not_in_verdict', lang)}"
    return f"{t(f'risk.{key}.label', lang)}: {text}{extra} ({t(f'risk.{key}.source', lang)})"
