"""``disclosure``: one year of a scenario's company at company scale, as its income
disclosure statement frames it and as it was for everyone (``sim.disclosure``), side by
side, with the pictograph, the recruiter's story and the targets D1-D3.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sim.cli.args import UsageError, resolve
from sim.i18n import DEFAULT_LANG, Msg, fmt_eur, fmt_int, fmt_pct, t

COLUMN = 58  # the width of the company's column in the text
OUT_SUFFIXES = (".csv", ".json")


def cmd_disclosure(args: argparse.Namespace) -> int:
    from sim.memory import check_memory
    from sim.results import check_report_path

    scenario = resolve(args)
    if args.people is not None:  # out of range: the message names --people
        scenario = scenario.with_overrides({"population.size": args.people}, origin="--people")
    out: Path | None = args.out
    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(Msg("cli.error.disclosure_suffix", path=out))
    if out is not None:
        check_report_path(out, overwrite=True)
    from sim.disclosure import Source, at_company_scale, stored_disclosure

    at_scale = at_company_scale(scenario, args.seed, args.people)
    check_memory([at_scale])
    started = time.perf_counter()
    progress = Progress(args.lang, at_scale.population.size)
    d, source = stored_disclosure(scenario, args.seed, args.people, progress)
    progress.end()
    elapsed = time.perf_counter() - started
    if out is not None:
        write_disclosure(d, out)
    if args.json:
        print(json.dumps(d.to_dict(), ensure_ascii=False))
    else:
        seconds = f"{elapsed:.0f}" if source is Source.COMPUTED else ""
        print(format_disclosure(d, source.value, args.lang, seconds))
        if out is not None:
            print(f"\n{t('disclosure.written', args.lang, path=out)}")
    return 0


def write_disclosure(d, out: Path) -> None:
    """The disclosure as a CSV (every figure, a long table) or JSON file, whole or not at
    all."""
    from sim.disclosure import disclosure_json
    from sim.results import write_report

    data = disclosure_json(d) if out.suffix.lower() == ".json" else d.frame().to_csv(index=False)
    write_report(out, data.encode("utf-8"), overwrite=True)


class Progress:
    """What the disclosure is doing, on stderr: a line per stage, and at a terminal the
    year or month it has reached."""

    def __init__(self, lang: str, people: int):
        self.lang, self.people, self.stage = lang, people, ""
        self.tty = sys.stderr.isatty()

    def end(self) -> None:
        if self.tty and self.stage:
            print(file=sys.stderr, flush=True)

    def __call__(self, stage: str, done: int, total: int) -> None:
        from sim.model import WEEKS_PER_YEAR

        lang = self.lang
        if stage != self.stage:
            self.stage = stage
            if self.tty:
                print(file=sys.stderr)
            if stage == "history":
                years = total // WEEKS_PER_YEAR
                people = fmt_int(self.people, lang)
                text = t("disclosure.progress_history", lang, years=years, people=people)
                print(text, file=sys.stderr, flush=True)
            else:
                print(t("disclosure.progress_year", lang), file=sys.stderr, flush=True)
        if not self.tty:
            return
        if stage == "history":
            done, total = done // WEEKS_PER_YEAR, total // WEEKS_PER_YEAR
        line = t(f"disclosure.progress_{stage}_done", lang, done=done, total=total)
        print(f"\r{line}", end="", file=sys.stderr, flush=True)


def side_by_side(left: list[str], right: list[str], width: int = COLUMN) -> list[str]:
    rows = max(len(left), len(right))
    left = left + [""] * (rows - len(left))
    right = right + [""] * (rows - len(right))
    return [f"{a:<{width}}  {b}".rstrip() for a, b in zip(left, right, strict=True)]


def wrap(text: str, width: int = COLUMN) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, subsequent_indent="  ") or [""]


def format_disclosure(d, source: str, lang: str = DEFAULT_LANG, seconds: str = "") -> str:
    """The disclosure as text: both framings side by side, the pictograph with its legend,
    the recruiter's story and D1-D3."""
    # here, not at the top: `networker-sim --help` must not load numpy (test_cli_startup.py)
    from sim.disclosure import (
        MARKS,
        pictograph_labels,
        pictograph_rows,
        rank_share,
        rank_title,
        target_line,
    )

    c, tr, r = d.company, d.truth, d.recruiter

    def eur(x: float) -> str:
        return fmt_eur(x, lang)

    people = fmt_int(d.people, lang)
    if d.company_age_years > 0:
        title = t("disclosure.title", lang, name=d.scenario, age=d.company_age_years,
                  people=people, seed=d.seed)  # fmt: skip
    else:
        title = t("disclosure.title_launch", lang, name=d.scenario, people=people, seed=d.seed)
    lines = [title, t(f"disclosure.source_{source}", lang, seconds=seconds), ""]
    left = [t("disclosure.company_head", lang), "",
            t("disclosure.company_active", lang, n=fmt_int(c.active_end, lang)),
            t("disclosure.company_ranked", lang, n=fmt_int(c.ranked, lang),
              share=fmt_pct(c.ranked_share, lang)), ""]  # fmt: skip
    for row in c.ranks:
        title = rank_title(row.title, bool(d.ladder), lang)
        left += wrap(
            t(
                "disclosure.company_rank",
                lang,
                title=title,
                n=fmt_int(row.members, lang),
                share=rank_share(row.share_of_active, lang),
            )
        )
        left.append(
            t("disclosure.company_rank_money", lang, mean=eur(row.mean), median=eur(row.median))
        )
        left.append(t("disclosure.company_rank_range", lang, low=eur(row.low), high=eur(row.high)))
    left.append("")
    left += wrap(t("disclosure.company_fine_print", lang, left=fmt_int(c.left_excluded, lang)))
    right = [t("disclosure.truth_head", lang), "",
             t("disclosure.truth_members", lang, n=fmt_int(tr.members, lang)),
             t("disclosure.truth_moves", lang, joined=fmt_int(tr.joined, lang),
               left=fmt_int(tr.left, lang)),
             t("disclosure.truth_net", lang),
             t("disclosure.truth_net_values", lang, median=eur(tr.median_net),
               mean=eur(tr.mean_net)),
             t("disclosure.truth_nothing", lang, share=fmt_pct(tr.share_nothing, lang)),
             t("disclosure.truth_lost", lang, share=fmt_pct(tr.share_lost, lang)), "",
             *wrap(t("disclosure.truth_costs", lang))]  # fmt: skip
    lines += side_by_side(left, right)
    labels = pictograph_labels(lang)
    lines += ["", t("disclosure.pictograph_head", lang), ""]
    lines += [f"  {row}" for row in pictograph_rows(tr.pictograph)]
    lines += [""] + [
        "  " + t("disclosure.legend", lang, mark=mark, label=labels[key], n=n)
        for (key, mark), n in zip(MARKS.items(), tr.pictograph, strict=True)
    ]
    lines += ["", t("disclosure.recruiter_head", lang)]
    lines += wrap(t("disclosure.recruiter_top", lang, n=fmt_int(r.people, lang),
                    members=fmt_int(tr.members, lang), gross=eur(r.mean_gross),
                    net=eur(r.mean_net), threshold=eur(r.threshold_gross)), 100)  # fmt: skip
    lines.append(t("disclosure.recruiter_best", lang, gross=eur(r.highest_gross),
                   net=eur(r.highest_net)))  # fmt: skip
    lines += ["", t("disclosure.targets_head", lang)]
    lines += [f"  {target_line(x, lang)}" for x in d.targets]
    return "\n".join(lines)
