"""The command line: a thin shell over ``sim.scenario``, ``sim.model`` and ``sim.results``.

Bad input (a scenario that does not exist, an unknown key, a value out of range, malformed
TOML, an unwritable output folder) ends with one message on stderr and exit status 2.

Every text is in English or German (``--lang en|de`` before or after the command, else
$NETWORKER_SIM_LANG): tables, errors and help come from the catalogs
``sim/locales/<lang>/cli.toml`` and ``core.toml``; ``--json`` keeps English keys.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sim.i18n import (
    DEFAULT_LANG,
    LANGS,
    NO_VALUE,
    LocalizedError,
    Msg,
    count,
    fmt_eur,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_value,
    has,
    render,
    t,
)
from sim.scenario import (
    Scenario,
    Unit,
    list_scenarios,
    load_scenario,
    param_specs,
    parse_set,
    sets_nothing,
    toml_value,
)

EXIT_BAD_INPUT = 2
REPORT_FOLDER = "results"  # where `report` writes without --out, below the current folder
LANG_ENV = "NETWORKER_SIM_LANG"  # the language when --lang is not given: en or de


class UsageError(LocalizedError):
    """Bad input on the command line; shown as one message, in the chosen language."""


# ---- language ----------------------------------------------------------------------------


def default_lang() -> str:
    """$NETWORKER_SIM_LANG if it names a known language, else English."""
    lang = os.environ.get(LANG_ENV, "").strip()
    return lang if lang in LANGS else DEFAULT_LANG


def lang_env_warning(argv: list[str]) -> str | None:
    """The warning for a $NETWORKER_SIM_LANG that names no known language, if it is used
    (no --lang on the line): falling back to English without a word hides the typo."""
    value = os.environ.get(LANG_ENV, "").strip()
    given = any(a == "--lang" or a.startswith("--lang=") for a in argv)
    if not value or value in LANGS or given:
        return None
    return t("cli.note.lang_unknown", DEFAULT_LANG, env=LANG_ENV, value=repr(value),
             langs=", ".join(LANGS))  # fmt: skip


def lang_from_argv(argv: list[str]) -> str:
    """The language of ``--lang X`` or ``--lang=X`` anywhere on the line, else the default.

    The help texts are part of the parser, so the language must be known before the
    parser is built; argparse checks the value itself afterwards.
    """
    lang = default_lang()
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        if value in LANGS:
            lang = value
    return lang


# argparse writes its own words ("usage:", "options", "error:") through gettext; these
# are its English message ids with their keys under cli.argparse in the catalogs.
ARGPARSE_MESSAGES = {
    "usage: ": "usage",
    "positional arguments": "positional_arguments",
    "options": "options",
    "show this help message and exit": "help",
    "%(prog)s: error: %(message)s\n": "error",
    "argument %(argument_name)s: %(message)s": "argument",
    "the following arguments are required: %s": "required",
    "one of the arguments %s is required": "one_required",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid %(type)s value: %(value)r": "invalid_type",
    "unrecognized arguments: %s": "unrecognized",
    "not allowed with argument %s": "not_allowed_with",
    "ignored explicit argument %r": "ignored_explicit",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most_one",
    "expected at least one argument": "expected_at_least_one",
    "expected %s argument": "expected_n_one",
    "expected %s arguments": "expected_n",
}
_argparse_lang = DEFAULT_LANG


def _argparse_gettext(message: str) -> str:
    key = ARGPARSE_MESSAGES.get(message)
    return t(f"cli.argparse.{key}", _argparse_lang) if key else message


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return _argparse_gettext(singular if n == 1 else plural)


def use_argparse_language(lang: str) -> None:
    """Let argparse write its own words in ``lang`` from now on.

    argparse looks ``_`` and ``ngettext`` up as module globals each time it writes a
    message, so replacing them is enough; the texts come from the catalogs.
    """
    global _argparse_lang
    _argparse_lang = lang
    argparse._ = _argparse_gettext
    argparse.ngettext = _argparse_ngettext


# ---- the parser --------------------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """argparse's parser, with a suggestion after a mistyped choice (a command, a method)."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as exc:
            names = [str(choice) for choice in action.choices or ()]
            close = difflib.get_close_matches(str(value).lower(), names, n=1)
            if not close:
                raise
            hint = t("cli.error.did_you_mean", _argparse_lang, name=close[0])
            raise argparse.ArgumentError(action, f"{exc.message}{hint}") from None


def _help(lang: str, key: str, **values: Any) -> str:
    """A help text; argparse formats it again, so a percent sign is written %% there."""
    return t(f"cli.help.{key}", lang, **values)


def _meta(lang: str, key: str) -> str:
    """A placeholder in the usage line (SCENARIO, KEY=VALUE)."""
    return t(f"cli.metavar.{key}", lang)


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    """The command line with its help texts in ``lang``."""
    use_argparse_language(lang)
    h, meta = partial(_help, lang), partial(_meta, lang)
    parser = Parser(prog="networker-sim", description=h("description").replace("%%", "%"))
    add_lang_arg(parser, lang, default=lang)
    # the placeholder names the command in error messages ("arguments are required: ...")
    sub = parser.add_subparsers(dest="command", required=True, metavar=meta("command"))

    def command(name: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=h(name), description=h(name).replace("%%", "%"))
        add_lang_arg(p, lang)
        return p

    command("scenarios")
    params = command("params")
    params.add_argument("--markdown", action="store_true", help=h("markdown"))
    run = command("run")
    add_scenario_args(run, lang)
    run.add_argument("--json", action="store_true", help=h("run_json"))
    run.add_argument("--out", type=Path, metavar=meta("folder"), help=h("run_out"))
    run.add_argument("--overwrite", action="store_true", help=h("run_overwrite"))

    mc = command("montecarlo")
    add_scenario_args(mc, lang)
    add_experiment_args(mc, lang)
    cmp_ = command("compare")
    cmp_.add_argument("scenario", nargs=2, metavar=meta("scenario_upper"), help=h("compare_two"))
    add_scenario_args(cmp_, lang, positional=False)
    add_experiment_args(cmp_, lang)
    sweep = command("sweep")
    add_scenario_args(sweep, lang)
    sweep.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar=meta("vary"),
        required=True,
        help=h("vary"),
    )
    add_experiment_args(sweep, lang)
    val = command("validate")
    val.add_argument(
        "scenario", nargs="?", default="baseline", metavar=meta("scenario"), help=h("scenario")
    )
    add_scenario_args(val, lang, positional=False)
    add_experiment_args(val, lang, runs_default=20)
    val.add_argument(
        "--critical", default="critical", metavar=meta("scenario_upper"), help=h("critical")
    )
    val.add_argument("--write-readme", action="store_true", help=h("write_readme"))
    dash = command("dashboard")
    dash.add_argument("--host", default="127.0.0.1", metavar=meta("host"), help=h("host"))
    dash.add_argument("--port", type=int, default=8765, metavar=meta("port"), help=h("port"))
    sens = command("sensitivity")
    add_scenario_args(sens, lang)
    sens.add_argument("--params", required=True, metavar=meta("params"), help=h("params_list"))
    sens.add_argument("--method", choices=("morris", "sobol"), default="morris", help=h("method"))
    sens.add_argument("--trajectories", type=int, default=10, metavar="N", help=h("trajectories"))
    sens.add_argument("--samples", type=int, default=32, metavar="N", help=h("samples"))
    add_experiment_args(sens, lang, runs_default=3)
    add_me_parser(command("me"), lang)
    rep = command("report")
    add_scenario_args(rep, lang)
    rep.add_argument("--format", choices=("pdf", "html"), dest="fmt", help=h("report_format"))
    rep.add_argument("--out", type=Path, metavar=meta("file"), help=h("report_out"))
    rep.add_argument("--overwrite", action="store_true", help=h("report_overwrite"))
    rep.add_argument("--runs", type=int, default=10, metavar="N", help=h("report_runs"))
    rep.add_argument("--workers", type=int, metavar="N", help=h("workers"))
    rep.add_argument("--yes", action="store_true", help=h("yes"))
    les = command("lessons")
    les.add_argument("--write", action="store_true", help=h("lessons_write"))
    les.add_argument("--runs", type=int, metavar="N", help=h("lessons_runs"))
    les.add_argument("--seed", type=int, metavar="N", help=h("lessons_seed"))
    les.add_argument("--workers", type=int, metavar="N", help=h("workers"))
    return parser


def add_lang_arg(p: argparse.ArgumentParser, lang: str, default: str = argparse.SUPPRESS) -> None:
    """``--lang`` before and after the command; only the top level has a default, so a
    command's parser does not overwrite ``networker-sim --lang de run``."""
    p.add_argument("--lang", choices=LANGS, default=default, help=t("cli.help.lang", lang))


def add_me_parser(me: argparse.ArgumentParser, lang: str) -> None:
    """``me``: what would happen to a person with these traits (issue #6)."""
    from sim.profile import DEFAULT_FUTURES, EXPERIENCE, Profile

    h, meta = partial(_help, lang), partial(_meta, lang)
    d = Profile()
    me.add_argument(
        "--scenario", default="baseline", metavar=meta("scenario_upper"), help=h("me_scenario")
    )
    me.add_argument(
        "--hours",
        type=float,
        default=d.hours,
        metavar="H",
        help=h("hours", default=fmt_value(d.hours, lang)),
    )
    me.add_argument(
        "--tolerance",
        type=int,
        default=d.tolerance,
        metavar="N",
        help=h("tolerance", default=d.tolerance),
    )
    me.add_argument(
        "--friends", type=int, default=d.friends, metavar="N", help=h("friends", default=d.friends)
    )
    exp = me.add_mutually_exclusive_group()
    exp.add_argument("--experience", choices=EXPERIENCE, default=d.experience, help=h("experience"))
    exp.add_argument(
        "--experienced",
        dest="experience",
        action="store_const",
        const="experienced",
        help=h("experienced"),
    )
    me.add_argument(
        "--join-after-weeks",
        type=int,
        default=d.join_week,
        dest="join_week",
        metavar="N",
        help=h("join_week", default=d.join_week),
    )
    me.add_argument(
        "--months", type=int, default=d.months, metavar="N", help=h("months", default=d.months)
    )
    me.add_argument(
        "--futures",
        type=int,
        default=DEFAULT_FUTURES,
        metavar="N",
        help=h("futures", default=DEFAULT_FUTURES),
    )
    me.add_argument("--seed", type=int, metavar="N", help=h("seed"))
    me.add_argument(
        "--set", action="append", default=[], metavar=meta("set"), dest="overrides", help=h("set")
    )
    me.add_argument("--workers", type=int, metavar="N", help=h("workers"))
    me.add_argument("--yes", action="store_true", help=h("yes"))
    me.add_argument("--json", action="store_true", help=h("json"))
    me.set_defaults(weeks=None)


def add_scenario_args(p: argparse.ArgumentParser, lang: str, positional: bool = True) -> None:
    h, meta = partial(_help, lang), partial(_meta, lang)
    if positional:
        p.add_argument("scenario", metavar=meta("scenario"), help=h("scenario"))
    p.add_argument("--seed", type=int, metavar="N", help=h("seed"))
    p.add_argument("--weeks", type=int, metavar="N", help=h("weeks"))
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar=meta("set"),
        dest="overrides",
        help=h("set"),
    )


def add_experiment_args(p: argparse.ArgumentParser, lang: str, runs_default: int = 100) -> None:
    h, meta = partial(_help, lang), partial(_meta, lang)
    p.add_argument("--runs", type=int, default=runs_default, metavar="N", help=h("runs"))
    p.add_argument("--workers", type=int, metavar="N", help=h("workers"))
    p.add_argument("--dask", metavar=meta("address"), help=h("dask"))
    p.add_argument("--out", type=Path, metavar=meta("folder"), help=h("out"))
    p.add_argument("--overwrite", action="store_true", help=h("overwrite"))
    p.add_argument("--yes", action="store_true", help=h("yes"))
    p.add_argument("--json", action="store_true", help=h("json"))
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=h("progress"),
    )


def resolve(args: argparse.Namespace, name: str | None = None):
    """The validated scenario with --set, then --seed and --weeks applied."""
    scenario = load_scenario(name or args.scenario)
    if sets_nothing(scenario):
        print(t("cli.note.blank_scenario", args.lang, path=scenario.source), file=sys.stderr)
    if args.overrides:
        scenario = scenario.with_overrides(parse_set(args.overrides), origin="--set")
    for flag, key in (("seed", "simulation.seed"), ("weeks", "simulation.weeks")):
        if getattr(args, flag) is not None:
            scenario = scenario.with_overrides({key: getattr(args, flag)}, origin=f"--{flag}")
    return scenario


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
        return _fmt_value(key, x, lang)

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
    if elapsed is not None:
        lines.append(label("elapsed", seconds=fmt_num(elapsed, lang)))
    return "\n".join(lines)


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


def _fmt_value(col: str, x: Any, lang: str = DEFAULT_LANG) -> str:
    """An outcome's value the way its kind is read: a share, money, or a count."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return NO_VALUE
    if col.startswith("gini"):
        return fmt_num(x, lang, 2)
    if (
        col.startswith(("share_", "pyramid_risk_"))
        or col.endswith("_share")
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


def _names(outcomes: list[str], lang: str) -> tuple[list[str], int]:
    """Each outcome as "key  label" (the key is the one of --json), and their width."""
    key_width = max((len(o) for o in outcomes), default=0)
    names = [f"{o:<{key_width}}  {outcome_label(o, lang)}" for o in outcomes]
    return names, max((len(n) for n in names), default=0)


def format_describe(table, title: str, lang: str = DEFAULT_LANG) -> str:
    """Mean and 90 % range of each outcome, one line each."""
    names, width = _names(list(table.outcome), lang)
    head = t("ui.outcome", lang), t("cli.table.mean", lang), t("cli.table.range", lang)
    lines = [title, f"{head[0]:<{width}} {head[1]:>12}  {head[2]}"]
    for name, r in zip(names, table.itertuples(), strict=True):
        rng = f"{_fmt_value(r.outcome, r.p5, lang)} .. {_fmt_value(r.outcome, r.p95, lang)}"
        lines.append(f"{name:<{width}} {_fmt_value(r.outcome, r.mean, lang):>12}  {rng}")
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
                    "outcomes": _describe_json(table),
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
        print(format_compare(table, a.name, b.name, args.runs, args.lang))
    return report_failures(exps[0].failures + exps[1].failures, args.out, args.lang)


def format_compare(table, a: str, b: str, runs: int, lang: str = DEFAULT_LANG) -> str:
    """Both means and their difference per outcome, and which differences beat the noise."""
    names, width = _names(list(table.outcome) if len(table) else [], lang)
    head = [t(f"cli.compare.{k}", lang) for k in ("mean_a", "mean_b", "beyond")]
    head.insert(2, t("ui.difference", lang))
    lines = [
        t("cli.compare.title", lang, a=a, b=b, runs=count("replicates", runs, lang)),
        f"{t('ui.outcome', lang):<{width}} {head[0]:>11} {head[1]:>11} {head[2]:>11}  {head[3]}",
    ]
    for name, r in zip(names, table.itertuples(), strict=True):
        values = (_fmt_value(r.outcome, x, lang) for x in (r.mean_a, r.mean_b, r.difference))
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
                        {"parameters": p, "outcomes": _describe_json(tab)} for p, tab in per_point
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
                        f"{_fmt_value(c, tab.at[c, 'mean'], lang)} "
                        f"[{_fmt_value(c, tab.at[c, 'p5'], lang)}"
                        f"..{_fmt_value(c, tab.at[c, 'p95'], lang)}]"
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
                        {k: (_json_num(v) if isinstance(v, float) else v) for k, v in r.items()}
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
        rng = f"{_fmt_value(r.outcome, r.p5, lang)} .. {_fmt_value(r.outcome, r.p95, lang)}"
        holds = t("ui.yes" if r.holds else "cli.validate.no", lang)
        lines.append(
            f"{r.target:<4} {label:<{width}} {_fmt_value(r.outcome, r.mean, lang):>10} "
            f"{rng:>22} {_band(r, lang):>16}  {holds:<5}  "
            f"{t(f'cli.target.{r.target}', lang)}"
        )
    return "\n".join(lines)


def _check_listen(host: str, port: int) -> bool:
    """Fail now, before the address is printed, if the server could not listen on
    ``host:port`` (the port taken, say); return whether only this computer can reach it."""
    import errno
    import ipaddress
    import socket

    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        detail = getattr(exc, "strerror", None) or exc
        raise UsageError(
            Msg("cli.error.cannot_listen", host=host, port=str(port), detail=detail)
        ) from None
    family, kind, proto, _, address = found[0]  # the address the server binds
    with socket.socket(family, kind, proto) as probe:
        # as the server does: a port still closing from an earlier server counts as free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    Msg("cli.error.port_in_use", host=host, port=str(port), free=_free_port(host))
                ) from None
            detail = exc.strerror or exc
            raise UsageError(
                Msg("cli.error.cannot_listen", host=host, port=str(port), detail=detail)
            ) from None
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in found}
    return all(a.is_loopback for a in addresses)


def _free_port(host: str) -> str:
    """A port free on ``host`` now, to suggest instead of a taken one."""
    import socket

    try:
        with socket.create_server((host, 0)) as probe:
            return str(probe.getsockname()[1])
    except OSError:
        return "8766"


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve dashboards/app.py with Solara's own front-end files (no internet needed)."""
    from sim.resources import shipped

    dashboards = shipped("dashboards")  # package data (sim/resources.py)
    app = dashboards / "app.py"
    if not app.is_file():
        raise UsageError(Msg("cli.error.dashboard_missing", app=app))
    if not 0 < args.port < 65536:
        raise UsageError(Msg("cli.error.port", port=str(args.port)))
    if not _check_listen(args.host, args.port):
        print(t("cli.dashboard.open_to_network", args.lang, host=args.host), file=sys.stderr)
    url = f"http://{'localhost' if args.host == '127.0.0.1' else args.host}:{args.port}/"
    print(t("cli.dashboard.open", args.lang, url=url), flush=True)
    cmd = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host,
           "--port", str(args.port), "--production", "--no-open", "--log-level", "warning",
           "--no-check-version"]  # fmt: skip
    # Nothing leaves the machine: no version check, no usage telemetry; the front end
    # comes from the solara-assets package.
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "SOLARA_THEME_SHOW_BANNER": "False", LANG_ENV: args.lang,
           # the dashboard's own style sheet (dashboards/assets/custom.css)
           "SOLARA_ASSETS_EXTRA_LOCATIONS": str(dashboards / "assets")}  # fmt: skip
    # The app imports its parts as `dashboards.*`: the package is importable in the server
    # alone, so an installed copy adds no top-level `dashboards` to anyone's site-packages.
    path = [str(dashboards.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    env["PYTHONPATH"] = os.pathsep.join(path)
    # Become the server (no child to orphan): signals such as SIGTERM reach it directly.
    os.execve(sys.executable, cmd, env)
    return 0  # not reached


def cmd_me(args: argparse.Namespace) -> int:
    from sim.profile import (
        FOCAL_PER_REPLICATE,
        Profile,
        ProfileError,
        check_profile,
        months_to_weeks,
    )

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
        # checked before the model is loaded or any worker starts: bad input fails at once
        check_profile(profile, scenario, args.futures)
    except ProfileError as exc:
        raise UsageError(exc.message(args.lang)) from None
    cap_workers(args)
    # each run goes on to the join week and as far ahead as asked (sim.me.run_replicate)
    weeks = profile.join_week + months_to_weeks(profile.months)
    one_run = scenario.with_overrides({"simulation.weeks": weeks}, origin="me")
    runs = math.ceil(args.futures / FOCAL_PER_REPLICATE)
    check_workload(args, [one_run], runs, futures=args.futures, shared_history=True)
    from sim.me import format_outlook, what_would_happen

    outlook = what_would_happen(
        scenario, profile, args.futures, master_seed=args.seed, workers=args.workers
    )
    if args.json:
        print(json.dumps(outlook.to_dict(args.lang), ensure_ascii=False))
    else:
        print(format_outlook(outlook, args.lang))
    return 0


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
    from sim.report import build_report  # the input is good: now load the model and charts

    try:
        data = build_report(scenario, args.lang, fmt, runs=args.runs, workers=args.workers)
    except RuntimeError as exc:  # a failed replicate: the model, not the input
        print(t("cli.error.prefix", args.lang, message=exc), file=sys.stderr)
        return 1
    write_report(out, data, overwrite=args.overwrite)
    print(t("cli.report.written", args.lang, path=out, runs=count("runs", args.runs, args.lang)))
    return 0


def cmd_lessons(args: argparse.Namespace) -> int:
    """The six lessons; with --write, run their scenarios and rewrite lessons/ (of a clone)."""
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


COMMANDS = {
    "report": cmd_report,
    "lessons": cmd_lessons,
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


@contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (a supervisor, ``kill``) ends a command like Ctrl-C: the workers stop, the
    temporary folders go, and what an experiment finished stays (Python's default would
    end this process alone, on the spot)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler (main() called from a thread)
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        # None: a handler set outside Python, which cannot be put back from here
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    warning = lang_env_warning(argv)
    if warning:
        print(warning, file=sys.stderr)
    args = build_parser(lang_from_argv(argv)).parse_args(argv)
    lang = args.lang
    try:
        with _sigterm_as_interrupt():
            return COMMANDS[args.command](args)
    except LocalizedError as exc:  # bad input: a scenario, an option, an output folder
        print(t("cli.error.prefix", lang, message=exc.message(lang)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:  # past the estimate (sim/memory.py): still one message, what to change
        from sim.memory import out_of_memory

        print(t("cli.error.prefix", lang, message=out_of_memory().render(lang)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `networker-sim run baseline | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # the disk, not the input: no traceback, but not status 2
        print(t("cli.error.prefix", lang, message=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        kept = (
            t("cli.interrupted.kept", lang, folder=out)
            if out is not None
            and args.command in ("montecarlo", "compare", "sweep", "sensitivity")
            and not args.overwrite  # an overwrite cut short leaves the old folder as it was
            else t("cli.interrupted.nothing", lang)
        )
        print(t("cli.interrupted.message", lang, kept=kept), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
