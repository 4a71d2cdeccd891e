"""The controls: scenario picker, the sliders that matter most, seed, Step / Play / Pause /
Reset and speed. Settings take effect on Reset; an invalid combination shows its message
here and the last good model keeps running."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

import solara

from dashboards import state
from dashboards.components.md import Md
from dashboards.view import View
from sim.i18n import fmt_int, fmt_num, t


@solara.component
def Controls(view: View | None = None):
    """``view``: what the page shows, passed by the page. Solara renders the whole page
    once for every component that reads a reactive: one reader of the view per page
    keeps a Step at one render."""
    lang = state.lang.value
    values = state.settings.value
    view = state.view.value if view is None else view
    weeks = view.weeks if view is not None else 0
    week = view.week if view is not None else 0
    with solara.Column(gap="6px"):
        solara.Select(
            label=t("ui.scenario", lang),
            value=state.scenario_name.value,
            values=state.scenario_names(),
            on_value=state.load,
        )
        if view is not None:  # what the scenario shows, and the source text it illustrates
            scenario = view.params
            statements = " · ".join(scenario.statements)
            solara.Text(
                scenario.describe(lang) + (f" ({statements})" if statements else ""),
                style={"font-size": "0.85em", "color": "#555", "margin-top": "-10px"},
            )
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            solara.Button(
                t("ui.step", lang),
                on_click=lambda: state.step(1),
                disabled=state.playing.value or week >= weeks,
                color="primary",
            )
            if state.playing.value:
                solara.Button(
                    t("ui.pause", lang), on_click=lambda: state.playing.set(False), color="primary"
                )
            else:
                solara.Button(
                    t("ui.play", lang),
                    on_click=state.play,
                    disabled=week >= weeks,
                    color="primary",
                )
            solara.Button(t("ui.reset", lang), on_click=state.reset, color="secondary")
        solara.Text(t("ui.week_of", lang, week=week, weeks=weeks))
        solara.Text(
            f"{t('ui.speed', lang)}: {fmt_int(state.speed.value, lang)}",
            style={"font-size": "0.9em", "margin-bottom": "-14px"},
        )
        solara.SliderFloat("", value=state.speed, min=2, max=104, step=2)
        if state.frame_weeks.value > 1 and state.playing.value:
            solara.Text(
                t("ui.redraw", lang, frames=state.frame_weeks.value), style={"font-size": "0.8em"}
            )
        if state.error.value is not None:
            solara.Error(t("ui.invalid", lang) + " " + state.error_text(state.error.value, lang))
        Md(f"**{t('ui.settings', lang)}** · {t('ui.pending', lang)}")
        solara.Select(
            label=t("slider.population.size", lang),
            value=fmt_int(values["population.size"], lang),
            values=[fmt_int(n, lang) for n in state.POPULATION_CHOICES],
            on_value=_set_population,
        )
        solara.Select(
            label=t("ui.plan", lang),
            value=t(f"plan.{values['compensation.plan']}", lang),
            values=[t(f"plan.{p}", lang) for p in state.PLANS],
            on_value=_plan_setter(lang),
        )
        for spec in state.SLIDERS:
            value = values[spec.key]
            shown = (
                fmt_int(value, lang) if spec.integer or spec.step >= 1 else fmt_num(value, lang, 2)
            )
            solara.Text(f"{t(f'slider.{spec.key}', lang)}: {shown}",
                        style={"font-size": "0.9em", "margin-bottom": "-14px"})  # fmt: skip
            label = ""
            if spec.integer:
                solara.SliderInt(
                    label,
                    value=int(values[spec.key]),
                    min=int(spec.lo),
                    max=int(spec.hi),
                    step=int(spec.step),
                    on_value=_setter(spec.key),
                )
            else:
                solara.SliderFloat(
                    label,
                    value=float(values[spec.key]),
                    min=spec.lo,
                    max=spec.hi,
                    step=spec.step,
                    on_value=_setter(spec.key),
                )
        solara.InputText(t("ui.seed", lang), value=state.seed_text, continuous_update=False)


# The controls' callbacks are the same objects at every render: a Step renders the controls
# again (the week changes), and a control whose arguments are all unchanged is skipped.


@cache
def _setter(key: str) -> Callable[[object], None]:
    return partial(state.set_setting, key)


def _set_population(text: str) -> None:
    state.set_setting("population.size", int(text.replace(",", "").replace(".", "")))


@cache
def _plan_setter(lang: str) -> Callable[[str], None]:
    def set_plan(label: str) -> None:
        state.set_setting("compensation.plan", next(p for p in state.PLANS
                                                    if t(f"plan.{p}", lang) == label))  # fmt: skip

    return set_plan
