"""The command line in English and German: ``--lang en|de`` (before or after the command,
or $NETWORKER_SIM_LANG), every text from the catalogs, errors and ``--help`` included.

Every command runs in-process through ``sim.cli.main`` on a tiny market, once in each
language; the module-scoped ``outputs`` fixture runs them all once for every test.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import sim.model
from sim import validation
from sim.cli import main
from sim.cli.args import ARGPARSE_MESSAGES, build_parser, lang_from_argv
from sim.cli.many_runs import SWEEP_COLUMNS
from sim.disclosure import MARKS
from sim.experiments import OUTCOMES, replicate_seeds
from sim.i18n import LANGS, catalog, t
from sim.scenario import (
    PLANS,
    SCENARIO_DIR,
    ScenarioError,
    library_names,
    list_scenarios,
    load_scenario,
)
from sim.sensitivity import TARGETS as SENSITIVITY_TARGETS
from sim.validation import TARGETS as VALIDATION_TARGETS

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--set", "population.size=2000", "--weeks", "30"]
EXPERIMENT = [*SMALL, "--runs", "2", "--workers", "1", "--no-progress"]
COMMANDS = {
    "scenarios": ["scenarios"],
    "params": ["params"],
    "run": ["run", "baseline", *SMALL],
    "montecarlo": ["montecarlo", "baseline", *EXPERIMENT],
    "compare": ["compare", "retail_focused", "pyramid", *EXPERIMENT],
    "sweep": ["sweep", "baseline", *EXPERIMENT, "--vary", "networker.tolerance_mean=2,8"],
    "sensitivity": [
        "sensitivity", "baseline", "--params", "costs.monthly_fee=0:300,training.fee",
        "--trajectories", "2", *SMALL, "--runs", "1", "--workers", "1", "--no-progress",
    ],
    "validate": [
        "validate", *SMALL, "--runs", "20", "--critical", "", "--workers", "1", "--no-progress",
    ],
    "me": ["me", "--futures", "5", "--months", "3", "--workers", "1",
           "--set", "population.size=2000", "--set", "population.founders=10"],
    "report": ["report", "baseline", *SMALL, "--runs", "1", "--workers", "1", "--overwrite",
               "--out", "{report}"],  # a file in pytest's temporary folder (see outputs)
    "lessons": ["lessons"],
    "disclosure": ["disclosure", "baseline", "--set", "population.size=2000"],  # the shipped one
    "own-company": ["own-company", str(ROOT / "tests" / "data" / "own_table.csv"),
                    "--people", "1500", "--runs", "1", "--start", "1", "--steps", "0",
                    "--workers", "1", "--no-progress", "--overwrite", "--out", "{own}"],
}  # fmt: skip
# Labels of the English output that must not be left in the German one.
ENGLISH_LABELS = {"Scenario", "Dropouts", "replicates", "Results", "written", "outcome", "mean"}
# Words both outputs may share: names (of scenarios, plans, sources, methods), symbols, and
# short words that are German too.
SHARED_WORDS = {
    *(p.stem for p in SCENARIO_DIR.glob("*.toml")),
    *PLANS,
    "AARP", "Alert", "Amway", "Association", "BDD", "Bonus", "Branchenreport", "Choice",
    "Daily", "Direct", "Direktvertrieb", "FHTM", "FTC", "Foundation", "Herbalife", "Living",
    "Median", "Mindestlohn", "Morris", "My", "Networker", "Networkers", "Pyramid", "Scheme",
    "Selling", "Sobol", "Stairstep", "UWG", "Unilevel", "Vemma", "Young", "Taylor", "Jon",
    "Welch", "Gini", "Seed", "Koscot", "Avon", "Tupperware", "doTERRA",
    "mu", "sigma", "ok", "true", "false", "an", "in", "en", "de", "run", "me", "Provision",
    "Handout", "Destatis", "bpb", "Sozialbericht", "Mollenhorst", "Volker", "Flap", "Social",
    "Networks", "MLM", "ln",
    "EUR", "Acme",  # a currency's code; the made-up company of tests/data/own_table.csv
    "breakage",  # a column key of the experiment tables (keys are the same in every language)
    # the plans' own rank titles (names, as the companies print them), and the names of their
    # bonuses and volumes as the plans spell them
    *(word for name in library_names() for title in load_scenario(name).compensation.rank_titles
      for word in title.split()),
    "PV", "Generation", "Leadership",
}  # fmt: skip
# Whole words: not a part of a key (share_net_loss), a path or a dotted name.
WORD = re.compile(r"(?<![\w./'-])[^\W\d_]{2,}(?![\w./'-])")


@dataclass
class Output:
    code: int
    out: str
    err: str


def call(argv: list[str]) -> Output:
    """``main(argv)`` with its stdout and stderr; ``--help`` and argparse errors included."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Output(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Output]:
    """Every command in English and German (--lang before the command for German)."""
    report = str(tmp_path_factory.mktemp("report") / "h.pdf")
    own = str(tmp_path_factory.mktemp("own") / "fitted.toml")
    results = {}
    with pytest.MonkeyPatch.context() as mp:
        # the words, not the figures: validate's ten years of 10^5 people (C11-C15) in a
        # market of the others' size
        small = {"population.size": 2000, "simulation.weeks": 104}
        mp.setattr(validation, "VALIDATION_POINTS", [*validation.VALIDATION_POINTS[:3], small])
        for name, argv in COMMANDS.items():
            argv = [{"{report}": report, "{own}": own}.get(a, a) for a in argv]
            results[name, "en"] = call(argv)
            results[name, "de"] = call(["--lang", "de", *argv])
    return results


def words(text: str) -> set[str]:
    return set(WORD.findall(text))


# ---- choosing the language -----------------------------------------------------------------


def test_lang_from_argv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETWORKER_SIM_LANG", raising=False)
    assert lang_from_argv(["run", "baseline"]) == "en"
    assert lang_from_argv(["--lang", "de", "run", "baseline"]) == "de"
    assert lang_from_argv(["run", "baseline", "--lang", "de"]) == "de"
    assert lang_from_argv(["run", "baseline", "--lang=de"]) == "de"
    assert lang_from_argv(["run", "--", "--lang", "de"]) == "en"
    assert lang_from_argv(["run", "--lang", "fr"]) == "en"  # argparse rejects it afterwards
    monkeypatch.setenv("NETWORKER_SIM_LANG", "de")
    assert lang_from_argv(["run", "baseline"]) == "de"
    assert lang_from_argv(["run", "baseline", "--lang", "en"]) == "en"
    monkeypatch.setenv("NETWORKER_SIM_LANG", "fr")
    assert lang_from_argv(["run", "baseline"]) == "en"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_takes_lang_before_and_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETWORKER_SIM_LANG", raising=False)
    needs = {
        "run": ["baseline"],
        "montecarlo": ["baseline"],
        "compare": ["a", "b"],
        "sweep": ["baseline", "--vary", "x.y=1"],
        "sensitivity": ["baseline", "--params", "x"],
        "report": ["baseline"],
        "disclosure": ["baseline"],
    }
    names = set(_subcommands(build_parser()))
    assert names == set(COMMANDS) | {"dashboard"}
    for name in names:
        argv = [name, *needs.get(name, [])]
        assert build_parser().parse_args(argv).lang == "en"
        assert build_parser().parse_args([*argv, "--lang", "de"]).lang == "de"
        assert build_parser().parse_args(["--lang", "de", *argv]).lang == "de"
        # the command's own --lang wins over the one before it
        assert build_parser().parse_args(["--lang", "de", *argv, "--lang", "en"]).lang == "en"


def test_bad_lang_is_refused_exit_2() -> None:
    res = call(["run", "baseline", "--lang", "fr"])
    assert res.code == 2
    assert "--lang" in res.err and "'fr'" in res.err


def test_environment_variable_sets_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETWORKER_SIM_LANG", "de")
    res = call(["scenarios"])
    assert res.code == 0
    assert res.out.splitlines() == call(["--lang", "de", "scenarios"]).out.splitlines()
    assert call(["scenarios", "--lang", "en"]).out != res.out
    monkeypatch.setenv("NETWORKER_SIM_LANG", "xx")  # not a language: English
    assert call(["scenarios"]).out == call(["--lang", "en", "scenarios"]).out


# ---- every command in German ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_runs_in_both_languages(outputs: dict, name: str) -> None:
    for lang in LANGS:
        res = outputs[name, lang]
        assert res.code in (0, 1), (lang, res.err)  # validate: 1 when a target misses
        assert "Traceback" not in res.err
        assert res.out.strip()
    assert outputs[name, "en"].out != outputs[name, "de"].out


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_german_output_has_no_english_leftovers(outputs: dict, name: str) -> None:
    en, de = outputs[name, "en"].out, outputs[name, "de"].out
    assert not words(de) & ENGLISH_LABELS, sorted(words(de) & ENGLISH_LABELS)
    leftovers = (words(en) & words(de)) - SHARED_WORDS
    leftovers = {w for w in leftovers if set(w) - set(MARKS.values())}  # the pictograph's rows
    assert not leftovers, f"English words left in the German output of {name}: {leftovers}"


@pytest.mark.slow
def test_run_in_german(outputs: dict) -> None:
    de = outputs["run", "de"].out
    assert de.startswith("Szenario ")
    assert "baseline (Seed 42, 30 Wochen, 2.000 Menschen)" in de
    for key in ("column.ever_joined", "cli.summary.dropouts", "cli.summary.net_low"):
        assert t(key, "de") in de
    assert re.search(r"\d+,\d %", de)  # German decimal comma
    assert re.search(r"-?\d+ €", de)  # euros after the number
    assert t("risk.not_legal_advice", "de") in de
    risk = next(line for line in de.splitlines() if line.startswith("Schneeball-Risiko"))
    assert risk.split()[-1] in {"GRÜN", "GELB", "ROT"}


@pytest.mark.slow
def test_english_run_table_keeps_its_labels(outputs: dict) -> None:
    en = outputs["run", "en"].out
    assert en.startswith("Scenario ")
    assert "baseline (seed 42, 30 weeks, 2,000 people)" in en
    assert "not legal advice" in en


@pytest.mark.slow
def test_scenarios_in_german_use_description_de(outputs: dict) -> None:
    lines = outputs["scenarios", "de"].out.strip().splitlines()
    listed = {line.split()[0]: line.split(maxsplit=1)[1] for line in lines}
    assert listed == dict(list_scenarios("de"))
    assert dict(list_scenarios("en"))["baseline"] != listed["baseline"]


@pytest.mark.slow
def test_params_in_german(outputs: dict) -> None:
    de = outputs["params", "de"].out
    assert t("param.networker.tolerance_mean.doc", "de") in de
    assert "Quelle:" in de and "Source:" not in de
    assert "population.size = 10.000" in de  # German thousands separator
    assert "[50 .. 5.000.000 Menschen]" in de


@pytest.mark.slow
def test_experiment_tables_in_german(outputs: dict) -> None:
    mc = outputs["montecarlo", "de"].out
    assert "baseline: 2 Wiederholungen (Master-Seed 42)" in mc
    assert t("cli.table.range", "de") in mc
    row = next(line for line in mc.splitlines() if line.startswith("share_net_loss"))
    assert t("column.share_net_loss", "de") in row and row.count(",") >= 3
    cmp_ = outputs["compare", "de"].out
    assert "retail_focused (A) gegen pyramid (B)" in cmp_
    assert "Welch-t-Test, p < 0,05" in cmp_
    assert outputs["sweep", "de"].out.startswith("baseline: 2 Wiederholungen pro Punkt")
    assert "Sensitivität nach Morris" in outputs["sensitivity", "de"].out
    val = outputs["validate", "de"].out
    assert "baseline: 20 Seeds (Master-Seed 42)" in val
    assert t("cli.target.C7", "de") in val


@pytest.mark.slow
def test_json_stays_english_and_unchanged(outputs: dict) -> None:
    en = call(["run", "baseline", *SMALL, "--json"])
    de = call(["--lang", "de", "run", "baseline", *SMALL, "--json"])
    assert en.code == de.code == 0
    assert json.loads(de.out) == json.loads(en.out)
    mc_en = call(["montecarlo", "baseline", *EXPERIMENT, "--json"])
    mc_de = call(["montecarlo", "baseline", *EXPERIMENT, "--json", "--lang", "de"])
    assert json.loads(mc_de.out) == json.loads(mc_en.out)


def test_every_table_outcome_has_a_label_in_both_languages() -> None:
    from sim.cli.shared import outcome_label

    for outcome in {*OUTCOMES, *SWEEP_COLUMNS, *SENSITIVITY_TARGETS}:
        labels = {lang: outcome_label(outcome, lang) for lang in LANGS}
        assert outcome not in labels.values(), f"no label for {outcome}"
        assert labels["en"] != labels["de"], outcome


def test_validation_sources_match_the_targets() -> None:
    for target in VALIDATION_TARGETS:
        assert t(f"cli.target.{target.id}", "en") == target.source
        assert t(f"cli.target.{target.id}", "de") != target.source


def test_progress_bar_in_german(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--lang", "de", "montecarlo", "baseline", *SMALL, "--runs", "2", "--workers", "1"]
    assert main([*argv, "--progress", "--json"]) == 0
    err = capsys.readouterr().err
    assert "Wiederholungen" in err and "2/2" in err
    assert "replicates" not in err


# ---- errors in German ----------------------------------------------------------------------


def _one_german_error(res: Output) -> str:
    assert res.code == 2, (res.out, res.err)
    assert res.out == ""
    assert "Traceback" not in res.err
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    assert lines[0].startswith("networker-sim: Fehler: "), lines[0]
    return lines[0]


def test_german_range_error_names_file_key_and_range(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text("[scenario]\nname = 'tiny'\n\n[population]\nsize = 10\n", "utf-8")
    out = tmp_path / "out"
    line = _one_german_error(call(["run", str(path), "--lang", "de", "--out", str(out)]))
    assert str(path) in line
    assert "population.size = 10" in line
    assert "außerhalb des erlaubten Bereichs" in line
    assert "von 50 bis 5.000.000 Menschen" in line
    assert not out.exists()
    english = call(["run", str(path)]).err.strip()
    assert english == (
        f"networker-sim: error: {path}: population.size = 10 is out of range: "
        "allowed from 50 to 5,000,000 people"
    )


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["run", "baseline", "--set", "networker.tolerance_men=6"],
         ["unbekannter Schlüssel 'networker.tolerance_men'",
          "meintest du 'networker.tolerance_mean'"]),
        (["run", "baseline", "--set", "population.size=big"],
         ["population.size", "muss eine Zahl sein", "'big'"]),
        (["run", "baseline", "--set", "compensation.plan=binar"],
         ["compensation.plan", "keiner der erlaubten Werte", "meintest du 'binary'"]),
        (["run", "baseline", "--set", "costs.starter_kit=-5"],
         ["costs.starter_kit = -5", "von 0 bis 100.000 €"]),
        (["run", "baseline", "--set", "population.size"], ["--set", "abschnitt.schlüssel=wert"]),
        (["run", "pyramidd"], ["unbekanntes Szenario 'pyramidd'", "meintest du 'pyramid'"]),
        (["run", "missing/nothing.toml"], ["missing/nothing.toml", "nicht gefunden"]),
        (["montecarlo", "baseline", "--runs", "0"], ["--runs muss mindestens 1 sein"]),
        (["sweep", "baseline", "--vary", "networker.tolerance_mean=2,-3", *SMALL],
         ["Parameterpunkt", "networker.tolerance_mean = -3", "außerhalb"]),
        (["sensitivity", "baseline", "--params", "costs.monthly_fee"],
         ["--params", "mindestens zwei Parameter"]),
        (["validate", "--runs", "5"], ["--runs 5", "mindestens 20"]),
        (["dashboard", "--port", "0"], ["--port 0", "erlaubt sind 1 bis 65535"]),
    ],
)  # fmt: skip
def test_german_errors(argv: list[str], fragments: list[str]) -> None:
    line = _one_german_error(call(["--lang", "de", *argv]))
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"


def test_german_error_for_malformed_toml(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[scenario]\nname = "broken"\n[population]\nsize = = 2000\n', "utf-8")
    line = _one_german_error(call(["--lang", "de", "run", str(path)]))
    assert str(path) in line and "fehlerhaftes TOML" in line and "(Zeile 4, Spalte" in line
    english = call(["run", str(path)]).err
    assert "malformed TOML" in english and "(at line 4, column" in english


def test_german_error_for_an_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    line = _one_german_error(call(["run", "baseline", *SMALL, "--out", str(out), "--lang", "de"]))
    assert str(out) in line and "existiert schon" in line and "--overwrite" in line


def test_argparse_errors_in_german() -> None:
    res = call(["--lang", "de", "run"])
    assert res.code == 2
    assert "Aufruf: networker-sim run" in res.err
    assert "networker-sim run: Fehler: diese Argumente fehlen: szenario" in res.err
    res = call(["--lang", "de", "run", "baseline", "--weeks", "abc"])
    assert "ungültiger Wert für int: 'abc'" in res.err
    res = call(["--lang", "de", "runn"])
    assert "ungültige Auswahl: 'runn'" in res.err
    for text in ("usage:", "error:", "required", "invalid"):
        assert text not in res.err
    # and English again afterwards: the language is chosen anew for every parser
    res = call(["run"])
    assert "usage: networker-sim run" in res.err
    assert "error: the following arguments are required: scenario" in res.err


def test_error_message_in_any_language() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario("baseline", {"market.sale_rate_warm": 1.5})
    assert exc.value.message("en") == str(exc.value)
    assert "is out of range: allowed from 0 to 1" in str(exc.value)
    german = exc.value.message("de")
    assert "market.sale_rate_warm = 1,5" in german and "von 0 bis 1" in german
    assert exc.value.kind == "range" and exc.value.info["hi"] == 1  # the dashboard's view


def test_failed_replicate_reported_in_german(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = replicate_seeds(42, 2)
    real = sim.model.run

    def run(sc, seed=None):
        if seed == seeds[1]:
            raise RuntimeError("injected")
        return real(sc, seed=seed)

    monkeypatch.setattr(sim.model, "run", run)
    out = tmp_path / "mc"
    argv = ["montecarlo", "baseline", *EXPERIMENT, "--out", str(out), "--lang", "de"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"Wiederholung 1 von Punkt 0 ist fehlgeschlagen (Seed {seeds[1]}; Szenario" in err
    assert f"1 Wiederholung(en) fehlgeschlagen; die übrigen Wiederholungen sind in {out}/" in err


def test_interrupt_in_german(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.model, "run", interrupted)
    res = call(["--lang", "de", "run", "baseline", *SMALL])
    assert res.code == 130
    assert res.err.strip() == "networker-sim: abgebrochen; es wurde nichts geschrieben"


# ---- help ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], *([name] for name in [*COMMANDS, "dashboard"])])
def test_help_in_german(command: list[str]) -> None:
    res = call(["--lang", "de", *command, "--help"])
    assert res.code == 0
    assert res.out.startswith("Aufruf: networker-sim")
    assert "Optionen:" in res.out and "diese Hilfe zeigen und beenden" in res.out
    for english in ("usage:", "options:", "positional arguments", "show this help"):
        assert english not in res.out
    assert t("cli.help.lang", "de").split()[0] in res.out
    english = call([*command, "--help"])
    assert english.out.startswith("usage: networker-sim") and "options:" in english.out


def test_argparse_catalog_matches_argparse() -> None:
    """The English entries are argparse's own message ids, so English output is unchanged."""
    source = inspect.getsource(argparse)
    for msgid, key in ARGPARSE_MESSAGES.items():
        assert t(f"cli.argparse.{key}", "en") == msgid
        assert repr(msgid)[1:-1] in source or msgid in source, f"argparse has no {msgid!r}"
    assert {f"cli.argparse.{k}" for k in ARGPARSE_MESSAGES.values()} == {
        k for k in catalog("en") if k.startswith("cli.argparse.")
    }


# ---- no untranslated output ----------------------------------------------------------------

# print("...") or print(f"...") whose literal text (outside {...} fields) has letters: an
# English text that bypasses the catalogs. An f-string made of t(...) calls is fine.
PRINT_LITERAL = re.compile(r"""\bprint\(\s*[rRfF]*(["'])(.*?)(?<!\\)\1""", re.S)
FIELD = re.compile(r"\{(?:[^{}]|\{[^{}]*\})*\}")


def untranslated_prints(source: str) -> list[str]:
    found = []
    for m in PRINT_LITERAL.finditer(source):
        text = FIELD.sub("", m.group(2))
        text = re.sub(r"\\[ntr]", " ", text)
        if re.search(r"[^\W\d_]{2,}", text):
            found.append(m.group(0))
    return found


def test_the_print_scan_finds_english() -> None:
    assert untranslated_prints('print("Results written")')
    assert untranslated_prints('print(\n    f"{n} replicates (seed {s})", file=sys.stderr)')
    assert not untranslated_prints("print(f\"\\n{t('cli.written', lang, folder=out)}\")")
    assert not untranslated_prints('print(f"{name:<{width}}  {description}")')


def test_cli_prints_no_english_literals() -> None:
    found = [f"{path.name}: {literal}" for path in sorted((ROOT / "sim" / "cli").glob("*.py"))
             for literal in untranslated_prints(path.read_text("utf-8"))]  # fmt: skip
    assert not found, f"print() with text that is not from the catalogs: {found}"


@pytest.mark.parametrize(
    "module",
    [*(f"cli/{p.stem}" for p in sorted((ROOT / "sim" / "cli").glob("*.py"))),
     "scenario", "experiments", "results", "sensitivity"],
)  # fmt: skip
def test_errors_are_raised_with_catalog_messages(module: str) -> None:
    """An error raised with an f-string would reach a German reader in English."""
    source = (ROOT / "sim" / f"{module}.py").read_text("utf-8")
    found = re.findall(r"raise \w+Error\(\s*[rRfF]*[\"'][^\n]*", source)
    assert not found, found
