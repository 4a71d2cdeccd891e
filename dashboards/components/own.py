"""Bring your own company: a panel of the "What would happen to me?" page where a user
enters or uploads the income disclosure statement of the company they consider
(``sim.published``), fits the model to it in the background (``sim.own_company``, with
progress and Cancel), reads the fit table, downloads the fitted scenario and asks "What
would happen to me?" in that company (the fitted scenario goes to the page like an upload).
"""

from __future__ import annotations

import math
import threading

import solara
import solara.lab

from dashboards import state
from dashboards.components.md import Md
from dashboards.components.upload import FileChooser
from sim.i18n import NO_VALUE, Msg, fmt_eur, fmt_num, fmt_pct, t
from sim.own_company import FIT_PEOPLE, Fit, FitCancelled, describe_fit, fit, fitted_toml
from sim.published import (
    COMPANIES,
    StatementError,
    check_table_size,
    published_names,
    statement_from_bytes,
    template,
)
from sim.scenario import MAX_SCENARIO_BYTES

SIZES = (10_000, FIT_PEOPLE)  # the market while fitting: quick, or as the command line fits
text = solara.reactive(template("csv"))  # the table as the user edits it (CSV or TOML)
file_name = solara.reactive("template.csv")  # the name messages and the download use
problem = solara.reactive(None)  # the table's StatementError, if any
people = solara.reactive(SIZES[0])
progress = solara.reactive((0, 0))  # evaluations done, planned
settings: dict = {}  # keyword arguments of ``fit`` a test makes small
_cancel = threading.Event()


def check(content: str, name: str):
    """The table as entered, checked: the statement, or None with ``problem`` set."""
    try:
        statement = statement_from_bytes(content.encode("utf-8"), name)
    except StatementError as exc:
        problem.set(exc)
        return None
    problem.set(None)
    return statement


def run_fit(content: str, name: str, size: int) -> tuple[Fit, str] | None:
    """Fit in the background (run by ``fitting``): the fit and its TOML, or None if the
    table is not valid or the fit was cancelled."""
    statement = check(content, name)
    if statement is None:
        return None
    _cancel.clear()
    progress.set((0, 0))
    try:
        result = fit(statement, people=size, progress=lambda d, n: progress.set((d, n)),
                     cancel=_cancel, **settings)  # fmt: skip
    except FitCancelled:
        return None
    return result, fitted_toml(result, name)


fitting = solara.lab.task(run_fit, prefer_threaded=True)


def receive(info: dict, read) -> None:
    """An uploaded table into the editor (at most ``MAX_SCENARIO_BYTES``)."""
    name = str(info.get("name", "upload.csv"))
    try:
        check_table_size(int(info.get("size", 0)), name)
        data = read(MAX_SCENARIO_BYTES + 1)
        check_table_size(len(data), name)
        content = data.decode("utf-8-sig")
    except StatementError as exc:
        problem.set(exc)
        return
    except UnicodeDecodeError as exc:
        problem.set(StatementError(Msg("cli.error.cannot_read", path=name, detail=exc)))
        return
    text.set(content)
    file_name.set(name)
    check(content, name)


def fit_markdown(result: Fit, lang: str) -> str:
    """The fit table as Markdown, with the score below it."""
    keys = ("rank", "published_share", "fitted_share", "published_income", "fitted_income",
            "error")  # fmt: skip
    lines = ["| " + " | ".join(t(f"own.fit.{k}", lang) for k in keys) + " |",
             "|---" + "|--:" * (len(keys) - 1) + "|"]  # fmt: skip
    for r in result.table.itertuples():
        error = NO_VALUE if math.isnan(r.error) else fmt_num(r.error, lang, 2)
        shares = (fmt_pct(r.published_share, lang, 2), fmt_pct(r.fitted_share, lang, 2))
        incomes = (fmt_eur(r.published_income, lang), fmt_eur(r.fitted_income, lang))
        cells = [r.rank, *shares, *incomes, error]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    score = t("own.fit.score", lang, score=fmt_num(result.score, lang, 3),
              start=fmt_num(result.start_score, lang, 3))  # fmt: skip
    return "\n".join(lines) + f"\n\n{score}"


def open_me(toml: str, name: str) -> None:
    """The fitted scenario onto the page, as an upload; then "What would happen to me?"."""
    state.upload(toml.encode("utf-8"), name)
    if state.error.value is None:
        state.tab.set(state.TAB_ME)


@solara.component
def OwnCompanyPanel(lang: str):
    with solara.Card(t("own.ui.title", lang)) as main:
        Md(t("own.ui.intro", lang))
        examples = {t("own.ui.template", lang): "template", **{n: n for n in published_names()}}

        def load_example(label: str) -> None:
            stem = examples[label]
            name = f"{stem}.csv" if stem == "template" else f"{stem}.toml"
            content = template("csv") if stem == "template" else (COMPANIES / name).read_text(
                encoding="utf-8")  # fmt: skip
            text.set(content)
            file_name.set(name)
            check(content, name)

        solara.Select(t("own.ui.example", lang), value=None, values=list(examples),
                      on_value=load_example)  # fmt: skip
        solara.Text(t("own.ui.upload", lang), style={"font-size": "0.9em"})
        _Chooser()
        solara.InputTextArea(t("own.ui.table", lang, name=file_name.value), value=text, rows=12,
                             continuous_update=False)  # fmt: skip
        sizes = {fmt_num(n, lang, 0): n for n in SIZES}
        solara.Select(t("own.ui.people", lang), value=fmt_num(people.value, lang, 0),
                      values=list(sizes), on_value=lambda s: people.set(sizes[s]))  # fmt: skip
        with solara.Row():
            solara.Button(t("own.ui.check", lang),
                          on_click=lambda: check(text.value, file_name.value))  # fmt: skip
            solara.Button(t("own.ui.fit", lang), color="primary", disabled=fitting.pending,
                          on_click=lambda: fitting(text.value, file_name.value,
                                                   people.value))  # fmt: skip
            solara.Button(t("own.ui.cancel", lang), disabled=not fitting.pending,
                          on_click=_cancel.set)  # fmt: skip
        if problem.value is not None:
            solara.Error(problem.value.message(lang))
        if fitting.pending:
            done, planned = progress.value
            solara.ProgressLinear(100 * done / planned if planned else True)
            solara.Text(t("own.ui.progress", lang, done=done, planned=planned or NO_VALUE))
        elif fitting.error:
            solara.Error(str(fitting.exception))
        elif fitting.finished and fitting.value is None and problem.value is None:
            solara.Info(t("own.fit.cancelled", lang))
        if fitting.finished and fitting.value is not None:
            result, toml = fitting.value
            for line in describe_fit(result, lang):
                solara.Text(line.render(lang))
            Md(fit_markdown(result, lang), classes=["nws-nowrap"])
            name = f"{result.scenario.name}.toml"
            solara.FileDownload(toml, filename=name, label=t("own.ui.download", lang))
            solara.Button(t("own.ui.open_me", lang), color="primary",
                          on_click=lambda: open_me(toml, name))  # fmt: skip
    return main


@solara.component
def _Chooser():
    """The file chooser for a table (the scenario upload's: it works on a phone)."""
    return FileChooser(".csv,.toml", receive, label=t("own.ui.choose", state.lang.value))
