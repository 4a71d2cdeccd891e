"""The "What would happen to me?" page: a person describes themselves, the model runs many
futures in which people like them join (sim.me), and the page shows what happened to them,
first from the futures finished after a few seconds, then refined as more finish."""

from __future__ import annotations

import threading
from concurrent.futures import Executor

import numpy as np
import solara
import solara.lab
from matplotlib.figure import Figure

from dashboards import state
from dashboards.components.md import Md
from dashboards.components.own import OwnCompanyPanel
from dashboards.components.panels import FigureImage
from dashboards.live import finish_figure, whole_figure
from sim.experiments import local_executor
from sim.i18n import count, fmt_eur, fmt_pct, t
from sim.lifeline import stop_at_exit
from sim.me import (
    Outlook,
    model_note,
    outlook_table,
    plain_summary,
    promise_text,
    reasons_text,
)
from sim.present import BAND_ALPHA, BLUE, LOSS, NOTE, PROFIT
from sim.profile import EXPERIENCE, Profile, ProfileError
from sim.scenario import Scenario

FUTURES = 400
hours = solara.reactive(5.0)
tolerance = solara.reactive(4)
friends = solara.reactive(50)
experience = solara.reactive("none")
join_week = solara.reactive(0)
months = solara.reactive(24)
outlook = solara.reactive(None)  # the latest (partial or final) Outlook
asked_for = solara.reactive(None)  # the Scenario of the last question
questions = solara.reactive(0)  # questions asked in this session
heard = solara.reactive(0)  # the question whose answer's heading has taken the focus
_pool: list[Executor] = []  # one process pool per server: no start-up per question
_pool_lock = threading.Lock()  # two first questions at once start one pool


def executor() -> Executor:
    """The server's process pool, started by the first question (most visitors never ask
    one); its workers end when the server ends."""
    with _pool_lock:
        if not _pool:
            pool = local_executor(None)
            stop_at_exit(pool)
            _pool.append(pool)
        return _pool[0]


def answer(scenario: Scenario, profile: Profile) -> Outlook:
    """What would happen to people like ``profile`` in ``scenario`` (run by ``ask``)."""
    from sim.me import what_would_happen

    asked_for.set(scenario)
    return what_would_happen(scenario, profile, FUTURES, executor=executor(),
                             on_partial=outlook.set)  # fmt: skip


ask = solara.lab.task(answer, prefer_threaded=True)


def on_screen() -> Scenario:
    """The scenario as set on the Simulation page (the run it shows)."""
    m, v = state.model.value, state.view.value
    if m is not None:
        return m.params
    if v is not None and v.params is not None:  # before the first Step, or a room's run
        return v.params
    return state.library(state.scenario_name.value)


def fan_chart(o: Outlook, lang: str, narrow: bool = False) -> Figure:
    """Cumulative net income of people like the user: median and 10th-90th percentile
    (for a phone where ``narrow``)."""
    fig = whole_figure((5.6, 3.4), narrow)
    ax = fig.add_subplot()
    m, lo, mid, hi = _fan(o)
    ax.fill_between(m, lo, hi, color=BLUE, alpha=BAND_ALPHA, label=t("me_page.p10_p90", lang))
    ax.plot(m, mid, color=BLUE, lw=2, marker="o", label=t("me_page.median", lang))
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel(t("me_page.months", lang))
    ax.set_ylabel(t("chart.cumulative_net_eur", lang))
    ax.set_title(t("me_page.fan_title", lang))
    ax.legend(fontsize=8)
    return finish_figure(fig, narrow)


def _fan(o: Outlook) -> tuple[list, ...]:
    """The months of the fan chart (from 0) and its 10th, 50th and 90th percentiles."""
    net = [o.horizons[k]["net"] for k in o.horizons]
    return ([0, *o.horizons], *([0.0] + [n[q] for n in net] for q in ("p10", "p50", "p90")))


def fan_said(o: Outlook, lang: str) -> str:
    """``fan_chart`` in words: the median and the 10th to 90th percentile at each horizon."""
    m, lo, mid, hi = _fan(o)
    items = [t("said.fan_item", lang, months=count("months", m[k], lang),
               p50=fmt_eur(mid[k], lang), p10=fmt_eur(lo[k], lang), p90=fmt_eur(hi[k], lang))
             for k in range(1, len(m))]  # fmt: skip
    return t("said.fan", lang, items="; ".join(items))


SHARES = (("active", BLUE), ("profit", PROFIT), ("beats_minimum_wage", LOSS))


def shares_said(o: Outlook, lang: str) -> str:
    """``shares_chart`` in words: each chance at each horizon."""
    items = []
    for m in o.horizons:
        at = o.horizons[m]
        chances = ", ".join(f"{t(f'me_page.{key}', lang)} {fmt_pct(at[key]['share'], lang)}"
                            for key, _ in SHARES)  # fmt: skip
        items.append(f"{count('months', m, lang)}: {chances}")
    return t("said.shares", lang, items="; ".join(items))


def shares_chart(o: Outlook, lang: str, narrow: bool = False) -> Figure:
    """Still active, in profit, beating the minimum wage: share with its 95 % interval (for
    a phone where ``narrow``)."""
    fig = whole_figure((5.6, 3.4), narrow)
    ax = fig.add_subplot()
    keys = SHARES
    x = np.arange(len(o.horizons))
    width = 0.8 / len(keys)
    for i, (key, colour) in enumerate(keys):
        s = [o.horizons[m][key] for m in o.horizons]
        share = np.array([v["share"] for v in s])
        err = [share - [v["lo"] for v in s], np.array([v["hi"] for v in s]) - share]
        ax.bar(x + i * width, share, width, yerr=err, capsize=3, color=colour,
               label=t(f"me_page.{key}", lang))  # fmt: skip
    if narrow:  # "12 months" under each group would touch its neighbours on a phone
        ax.set_xticks(x + width, [str(m) for m in o.horizons])
        ax.set_xlabel(t("me_page.months", lang))
    else:
        ax.set_xticks(x + width, [count("months", m, lang) for m in o.horizons])
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda y, _: fmt_pct(y, lang))
    ax.set_title(t("me_page.shares_title", lang))
    ax.legend(fontsize=8)
    return finish_figure(fig, narrow)


def table(o: Outlook, lang: str) -> str:
    """The figures by horizon as a Markdown table (rows: figures; columns: months)."""
    (_, heads), *rows = outlook_table(o, lang)
    lines = [f"| | {' | '.join(heads)} |", "|---" * (len(heads) + 1) + "|"]
    lines += [f"| {label.strip()} | {' | '.join(cells)} |" for label, cells in rows]
    return "\n".join(lines)


def _ask(scenario: Scenario, profile: Profile) -> None:
    outlook.set(None)
    questions.set(questions.value + 1)
    ask(scenario, profile)


@solara.component_vue("heading.vue")
def AnswerHeading(text: str, focus: bool, event_focused=None):
    """The answer's heading; it takes the focus while ``focus`` is true (a screen reader
    reads it, the keyboard goes on from it) and then calls ``event_focused``."""


@solara.component
def MePage():
    lang = state.lang.value
    scenario = on_screen()
    Md(t("me_page.intro", lang))
    with solara.Details(t("own.ui.title", lang)):
        OwnCompanyPanel(lang)
    with solara.ColumnsResponsive(12, medium=[4, 8], large=[3, 9], gutters_dense=True):
        with solara.Card():
            solara.Text(f"{t('me_page.hours', lang)}: {hours.value:g}")
            solara.SliderFloat("", value=hours, min=0.5, max=40, step=0.5)
            solara.Text(f"{t('me_page.tolerance', lang)}: {tolerance.value}")
            solara.SliderInt("", value=tolerance, min=1, max=30)
            solara.Text(f"{t('me_page.friends', lang)}: {friends.value}")
            solara.SliderInt("", value=friends, min=0, max=500, step=5)
            labels = {t(f"me.experience_{e}", lang): e for e in EXPERIENCE}
            solara.Select(
                t("me_page.experience", lang),
                value=t(f"me.experience_{experience.value}", lang),
                values=list(labels),
                on_value=lambda label: experience.set(labels[label]),
            )
            solara.Text(f"{t('me_page.join_week', lang)}: {join_week.value}")
            solara.SliderInt("", value=join_week, min=0, max=156, step=4)
            solara.Text(f"{t('me_page.look_ahead', lang)}: {months.value}")
            solara.SliderInt("", value=months, min=3, max=48, step=3)
            profile = Profile(hours.value, tolerance.value, friends.value, experience.value,
                              join_week.value, months.value)  # fmt: skip
            solara.Button(t("me_page.ask", lang), color="primary", disabled=ask.pending,
                          on_click=lambda: _ask(scenario, profile))  # fmt: skip
            _Setup(scenario, lang)
        with solara.Column():
            o = ask.value if ask.finished and ask.value is not None else outlook.value
            if ask.error:
                exc = ask.exception
                solara.Error(exc.message(lang) if isinstance(exc, ProfileError) else str(exc))
            if ask.pending:
                solara.ProgressLinear(True)
                if o is not None:
                    solara.Text(t("me_page.refining", lang, done=o.futures, total=FUTURES))
            if o is None:
                return
            if asked_for.value is not None and asked_for.value != scenario:
                solara.Warning(t("me_setup.stale", lang, name=asked_for.value.name))
            # the focus moves to the answer as it appears, once per question
            AnswerHeading(text=t("me_page.answer", lang), focus=heard.value != questions.value,
                          event_focused=lambda _: heard.set(questions.value))  # fmt: skip
            Md(plain_summary(o, lang), style={"font-size": "1.1em"}, classes=["nws-big"])
            narrow = state.narrow.value
            with solara.ColumnsResponsive(12, medium=[6, 6]):
                FigureImage(fan_chart(o, lang, narrow), fan_said(o, lang), narrow)
                FigureImage(shares_chart(o, lang, narrow), shares_said(o, lang), narrow)
            Md(f"**{t('me_setup.table_title', lang)}**\n\n{table(o, lang)}",
               classes=["nws-nowrap"])  # fmt: skip
            Md(f"{promise_text(o, lang)}\n\n{reasons_text(o, lang)}")
            solara.Info(model_note(o, lang))


@solara.component
def _Setup(scenario: Scenario, lang: str):
    """Which scenario the answer is for: the one on the Simulation page, with its changes."""
    solara.Text(t("me_setup.scenario", lang, name=scenario.name), style={"font-size": "0.9em"})
    changed = state.changed_settings(scenario, lang)
    if changed:
        solara.Text(t("me_setup.changed", lang, changes=changed),
                    style={"font-size": "0.85em", "color": NOTE})  # fmt: skip
    solara.Button(t("me_setup.change_it", lang), text=True, color="primary",
                  on_click=lambda: state.tab.set(state.TAB_SIMULATION))  # fmt: skip
