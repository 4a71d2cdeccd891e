"""The command line's arguments: the parser and its help in English or German (``--lang``,
else $NETWORKER_SIM_LANG), argparse's own words from the catalogs, the usage error.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

from sim.i18n import DEFAULT_LANG, LANGS, LocalizedError, fmt_value, t
from sim.scenario import load_scenario, parse_set, sets_nothing

LANG_ENV = "NETWORKER_SIM_LANG"  # the language when --lang is not given: en or de


class UsageError(LocalizedError):
    """Bad input on the command line; shown as one message, in the chosen language."""


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
    add_own_company_parser(command("own-company"), lang)
    rep = command("report")
    add_scenario_args(rep, lang)
    rep.add_argument("--format", choices=("pdf", "html"), dest="fmt", help=h("report_format"))
    rep.add_argument("--out", type=Path, metavar=meta("file"), help=h("report_out"))
    rep.add_argument("--overwrite", action="store_true", help=h("report_overwrite"))
    rep.add_argument("--runs", type=int, default=10, metavar="N", help=h("report_runs"))
    rep.add_argument("--workers", type=int, metavar="N", help=h("workers"))
    rep.add_argument("--yes", action="store_true", help=h("yes"))
    dis = command("disclosure")
    dis.add_argument("scenario", metavar=meta("scenario"), help=h("scenario"))
    dis.add_argument("--people", type=int, metavar="N", help=h("disclosure_people"))
    dis.add_argument("--seed", type=int, metavar="N", help=h("seed"))
    dis.add_argument(
        "--set", action="append", default=[], metavar=meta("set"), dest="overrides", help=h("set")
    )
    dis.add_argument("--json", action="store_true", help=h("disclosure_json"))
    dis.add_argument("--out", type=Path, metavar=meta("file"), help=h("disclosure_out"))
    dis.set_defaults(weeks=None)
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


def add_own_company_parser(own: argparse.ArgumentParser, lang: str) -> None:
    """``own-company``: a scenario fitted to a company's income disclosure statement."""
    from sim.published import DEFAULT_RUNS, DEFAULT_START, DEFAULT_STEPS, FIT_PEOPLE

    h, meta = partial(_help, lang), partial(_meta, lang)
    own.add_argument("file", nargs="?", type=Path, metavar=meta("file"), help=h("own_file"))
    own.add_argument("--template", choices=("csv", "toml"), help=h("own_template"))
    own.add_argument("--out", type=Path, metavar=meta("file"), help=h("own_out"))
    own.add_argument("--overwrite", action="store_true", help=h("report_overwrite"))
    own.add_argument(
        "--base", default="baseline", metavar=meta("scenario_upper"), help=h("own_base")
    )
    own.add_argument("--runs", type=int, default=DEFAULT_RUNS, metavar="N",
                     help=h("own_runs", default=DEFAULT_RUNS))  # fmt: skip
    own.add_argument("--seed", type=int, default=2026, metavar="N", help=h("own_seed"))
    own.add_argument("--people", type=int, default=FIT_PEOPLE, metavar="N",
                     help=h("own_people", default=fmt_value(FIT_PEOPLE, lang)))  # fmt: skip
    own.add_argument("--start", type=int, default=DEFAULT_START, metavar="N",
                     help=h("own_start", default=DEFAULT_START))  # fmt: skip
    own.add_argument("--steps", type=int, default=DEFAULT_STEPS, metavar="N",
                     help=h("own_steps", default=DEFAULT_STEPS))  # fmt: skip
    own.add_argument("--workers", type=int, metavar="N", help=h("workers"))
    own.add_argument("--json", action="store_true", help=h("json"))
    own.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help=h("progress")
    )


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
