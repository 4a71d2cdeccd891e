"""The Compare page: two scenarios side by side over many replicates (the experiments
machinery), with the same kinds of charts as the simulation page."""

from __future__ import annotations

import solara
import solara.lab

from dashboards import charts, state
from dashboards.components.md import Md
from dashboards.components.panels import FigureImage
from sim.experiments import compare, run_experiment
from sim.i18n import fmt_num, fmt_pct, t

first = solara.reactive("retail_focused")
second = solara.reactive("pyramid")
runs = solara.reactive(20)
done = solara.reactive((0, 0))
TABLE = (
    "ever_joined",
    "share_net_loss",
    "share_break_even",
    "share_profit",
    "net_income_p50",
    "first_year_dropout_share",
    "top1_commission_share",
    "retail_share",
    "recruiting_reward_share",
    "pyramid_risk_red",
)


@solara.lab.task(prefer_threaded=True)
def run_pair(a: str, b: str, n: int):
    exps = []
    for i, name in enumerate((a, b)):
        exps.append(
            run_experiment(
                state.library(name),
                n,
                workers=2,
                on_progress=lambda k, total, i=i: done.set((i * n + k, 2 * n)),
            )
        )
    return exps


def _cell(key: str, x: float, lang: str) -> str:
    if key.startswith(("share_", "pyramid_risk")) or key.endswith("_share"):
        return fmt_pct(x, lang)
    return fmt_num(x, lang, 0)


@solara.component
def ComparePage():
    lang = state.lang.value
    names = state.scenario_names()
    Md(t("ui.compare_intro", lang))
    with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Select(t("ui.scenario_a", lang), value=first, values=names,
                      style={"min-width": "180px"})  # fmt: skip
        solara.Select(t("ui.scenario_b", lang), value=second, values=names,
                      style={"min-width": "180px"})  # fmt: skip
        with solara.Column(gap="0px", style={"min-width": "220px", "flex": "1 1 220px"}):
            solara.Text(f"{t('ui.runs', lang)}: {runs.value}", style={"font-size": "0.9em"})
            solara.SliderInt("", value=runs, min=5, max=100, step=5)
        solara.Button(
            t("ui.run_compare", lang),
            color="primary",
            disabled=run_pair.pending,
            on_click=lambda: run_pair(first.value, second.value, runs.value),
        )
    if run_pair.pending:
        k, total = done.value
        solara.ProgressLinear(True)
        solara.Text(t("ui.running", lang, done=k, total=total or 2 * runs.value))
    if run_pair.error:
        solara.Error(str(run_pair.exception))
    if not run_pair.finished or run_pair.value is None:
        return
    exp_a, exp_b = run_pair.value
    labels = [f"A: {first.value}", f"B: {second.value}"]
    bands, outcomes = [exp_a.bands, exp_b.bands], [exp_a.outcomes, exp_b.outcomes]
    narrow = state.narrow.value
    with solara.ColumnsResponsive(12, medium=[6, 6]):
        for column in ("active", "cumulative_net_p50"):
            FigureImage(charts.band_chart(bands, labels, column, lang, narrow),
                        charts.band_said(bands, labels, column, lang), narrow)  # fmt: skip
    with solara.ColumnsResponsive(12, medium=[5, 7]):
        FigureImage(charts.outcomes_chart(outcomes, labels, lang, narrow),
                    charts.outcomes_said(outcomes, labels, lang), narrow)  # fmt: skip
        table = compare(exp_a.outcomes, exp_b.outcomes, TABLE)
        rows = [
            f"| {t('ui.outcome', lang)} | A | B | {t('ui.difference', lang)} | "
            f"{t('ui.beyond_noise', lang)} |",
            "|---|---|---|---|---|",
        ]
        for r in table.itertuples():
            rows.append(
                f"| {t(f'column.{r.outcome}', lang)} "
                f"| {_cell(r.outcome, r.mean_a, lang)} "
                f"({_cell(r.outcome, r.p5_a, lang)} .. {_cell(r.outcome, r.p95_a, lang)}) "
                f"| {_cell(r.outcome, r.mean_b, lang)} "
                f"({_cell(r.outcome, r.p5_b, lang)} .. {_cell(r.outcome, r.p95_b, lang)}) "
                f"| {_cell(r.outcome, r.difference, lang)} "
                f"| {t('ui.yes', lang) if r.beyond_noise else t('ui.no', lang)} |"
            )
        with solara.Column():
            Md(f"**{t('ui.compare_table', lang)}**\n\n" + "\n".join(rows),
               classes=["nws-nowrap"])  # fmt: skip
