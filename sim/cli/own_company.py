"""``own-company``: fit a scenario to a company's income disclosure statement, print the fit
and write the fitted scenario (``sim.own_company``); ``--template`` prints an empty table."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from sim.cli.args import UsageError
from sim.cli.shared import cap_workers
from sim.i18n import DEFAULT_LANG, NO_VALUE, Msg, fmt_eur, fmt_num, fmt_pct, t


def cmd_own_company(args: argparse.Namespace) -> int:
    from sim.published import read_statement, template

    lang = args.lang
    if args.template is not None:
        sys.stdout.write(template(args.template))
        return 0
    if args.file is None:
        raise UsageError(Msg("own.error.file_needed"))
    if args.runs < 1:
        raise UsageError(Msg("own.error.runs", value=str(args.runs)))
    statement = read_statement(args.file)  # every rule checked before a run starts
    out = args.out or Path(f"{args.file.stem}-fitted.toml")
    from sim.results import check_report_path, write_report
    from sim.scenario import library_path

    library_path(args.base)  # a name of the library, or the message with the closest one
    check_report_path(out, args.overwrite)
    cap_workers(args)
    from sim.own_company import fit, fitted_toml

    show = args.progress if args.progress is not None else sys.stderr.isatty()

    def progress(done: int, planned: int) -> None:
        if show:
            label = t("own.fit.progress", lang, company=statement.company)
            print(f"\r{label}: {done}/{planned}", end="", file=sys.stderr, flush=True)

    result = fit(statement, args.base, runs=args.runs, seed=args.seed, people=args.people,
                 start=args.start, steps=args.steps, workers=args.workers,
                 progress=progress)  # fmt: skip
    if show:
        print(file=sys.stderr)
    write_report(out, fitted_toml(result, str(args.file)).encode("utf-8"), args.overwrite)
    if args.json:
        print(json.dumps(fit_dict(result, out), ensure_ascii=False))
    else:
        print(format_fit(result, out, lang))
    return 0


def fit_dict(result, out: Path) -> dict:
    """The fit as plain data (English keys, EUR): for ``--json``."""
    rows = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in result.table.to_dict(orient="records")]  # fmt: skip
    return {
        "company": result.statement.company,
        "year": result.statement.year,
        "source": result.statement.source,
        "base": result.base,
        "people": result.people,
        "runs": result.runs,
        "seed": result.seed,
        "evaluations": result.evaluations,
        "members": result.members,
        "score": result.score,
        "start_score": result.start_score,
        "parameters": result.overrides,
        "ladder": dict(zip([r.title for r in result.statement.ranks], result.ladder, strict=True)),
        "table": rows,
        "scenario_file": str(out),
    }


def format_fit(result, out: Path | None, lang: str = DEFAULT_LANG) -> str:
    """The fit as the terminal shows it: what, the table, the score, the fitted keys, and
    where the scenario went with the command that answers "what would happen to me?"."""
    from sim.own_company import MIN_MEMBERS, describe_fit

    s = result.statement
    lines = [m.render(lang) for m in describe_fit(result, lang)]
    keys = ("rank", "published_share", "fitted_share", "published_income", "fitted_income", "error")
    heads = [t(f"own.fit.{k}", lang) for k in keys]
    rows = [
        [r.rank, fmt_pct(r.published_share, lang, 2), fmt_pct(r.fitted_share, lang, 2),
         fmt_eur(r.published_income, lang), fmt_eur(r.fitted_income, lang),
         NO_VALUE if math.isnan(r.error) else fmt_num(r.error, lang, 2)]
        for r in result.table.itertuples()
    ]  # fmt: skip
    width = [max(len(x) for x in col) for col in zip(heads, *rows, strict=True)]
    lines.append("")
    for row in [heads, *rows]:
        cells = [row[0].ljust(width[0])] + [c.rjust(w) for c, w in zip(row[1:], width[1:],
                                                                        strict=True)]  # fmt: skip
        lines.append("  ".join(cells))
    lines += ["", t("own.fit.score", lang, score=fmt_num(result.score, lang, 3),
                    start=fmt_num(result.start_score, lang, 3)),
              t("own.fit.income_note", lang, currency=s.currency, rate=fmt_num(s.rate, lang, 2),
                min=MIN_MEMBERS),
              "", t("own.fit.parameters", lang)]  # fmt: skip
    lines += [f"  {key} = {value}" for key, value in result.overrides.items()
              if not key.startswith("compensation.rank_")]  # fmt: skip
    lines += ["", t("own.fit.ladder", lang)]
    lines += [f"  {r.title}: {fmt_eur(v, lang)}"
              for r, v in zip(s.ranks, result.ladder, strict=True)]  # fmt: skip
    if out is not None:
        lines += ["", t("own.fit.written", lang, path=out), t("own.fit.me_hint", lang, path=out)]
    return "\n".join(lines)
