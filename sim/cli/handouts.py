"""``report`` and ``lessons``: the printable handout and the lessons' measured numbers."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sim.cli.args import UsageError, resolve
from sim.cli.shared import cap_workers, check_workload
from sim.i18n import Msg, count, t

REPORT_FOLDER = "results"  # where `report` writes without --out, below the current folder


def cmd_report(args: argparse.Namespace) -> int:
    """The handout of a scenario as PDF or HTML, written whole or not at all (issue 7)."""
    from sim.results import check_report_path, file_name, write_report

    suffix = args.out.suffix.lower() if args.out else ""
    fmt = args.fmt or ("html" if suffix in (".html", ".htm") else "pdf")
    scenario = resolve(args)
    # the name comes from a file: data, never a path; results/ is ignored by git in a clone
    out = args.out or Path(REPORT_FOLDER, f"{file_name(scenario.name)}-handout-{args.lang}.{fmt}")
    if args.runs < 1:
        raise UsageError(Msg("cli.error.runs", value=str(args.runs)))
    check_report_path(out, args.overwrite, fmt)
    cap_workers(args)
    check_workload(args, [scenario], args.runs)
    from sim.cli.disclosure import Progress
    from sim.disclosure import company_people, stored_disclosure
    from sim.report import build_report  # the input is good: now load the model and charts

    # the income disclosure at company scale: as shipped or cached, else computed once
    progress = Progress(args.lang, company_people(scenario))
    disclosure = stored_disclosure(scenario, progress=progress)[0] if fmt == "html" else None
    progress.end()
    try:
        data = build_report(scenario, args.lang, fmt, runs=args.runs, workers=args.workers,
                            disclosure=disclosure)  # fmt: skip
    except RuntimeError as exc:  # a failed replicate: the model, not the input
        print(t("cli.error.prefix", args.lang, message=exc), file=sys.stderr)
        return 1
    write_report(out, data, overwrite=args.overwrite)
    print(t("cli.report.written", args.lang, path=out, runs=count("runs", args.runs, args.lang)))
    return 0


def cmd_lessons(args: argparse.Namespace) -> int:
    """The seven lessons; with --write, run their scenarios and rewrite lessons/ (of a clone)."""
    from sim.lessons import LESSONS, LESSONS_DIR, MASTER_SEED, RUNS, measure_all, write_lessons
    from sim.resources import require_checkout

    runs = RUNS if args.runs is None else args.runs
    seed = MASTER_SEED if args.seed is None else args.seed
    if args.write:
        require_checkout("lessons --write", "lessons/")  # an installed copy is never changed
        if runs < 1:
            raise UsageError(Msg("cli.error.runs", value=str(runs)))
    for number, lesson in enumerate(LESSONS, start=1):
        print(
            t(
                "cli.lessons.item",
                args.lang,
                number=number,
                title=t(f"lessons.{lesson.key}.title", args.lang),
                scenarios=", ".join(lesson.scenarios),
                path=shown_path(LESSONS_DIR / args.lang / lesson.filename(number)),
            )
        )
    if not args.write:
        return 0
    cap_workers(args)
    numbers = measure_all(runs, seed, workers=args.workers, progress=sys.stderr.isatty())
    write_lessons(numbers, LESSONS_DIR, runs, seed)
    folder = shown_path(LESSONS_DIR)
    print(t("cli.lessons.written", args.lang, folder=folder, runs=runs, seed=seed))
    return 0


def shown_path(path: Path) -> str:
    """``path`` relative to the current folder if it lies below it, else in full."""
    relative = os.path.relpath(path)
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    return str(path) if outside else relative
