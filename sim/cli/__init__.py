"""The command line: a thin shell over ``sim.scenario``, ``sim.model`` and ``sim.results``.

Bad input (a scenario that does not exist, an unknown key, a value out of range, malformed
TOML, an unwritable output folder) ends with one message on stderr and exit status 2.

Every text is in English or German (``--lang en|de`` before or after the command, else
$NETWORKER_SIM_LANG): tables, errors and help come from the catalogs
``sim/locales/<lang>/cli.toml`` and ``core.toml``; ``--json`` keeps English keys.

One module per command or group of commands, each with the text it prints; ``args``
builds the parser, ``shared`` holds what several commands use.
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any

from sim.cli.args import build_parser, lang_env_warning, lang_from_argv
from sim.cli.dashboard import cmd_dashboard
from sim.cli.disclosure import cmd_disclosure
from sim.cli.handouts import cmd_lessons, cmd_report
from sim.cli.many_runs import cmd_compare, cmd_montecarlo, cmd_sensitivity, cmd_sweep
from sim.cli.me import cmd_me
from sim.cli.one_run import cmd_params, cmd_run, cmd_scenarios
from sim.cli.own_company import cmd_own_company
from sim.cli.validate import cmd_validate
from sim.i18n import LocalizedError, t

EXIT_BAD_INPUT = 2

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
    "own-company": cmd_own_company,
    "disclosure": cmd_disclosure,
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
