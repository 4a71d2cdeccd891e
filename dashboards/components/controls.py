"""The controls: scenario picker, the sliders that matter most, seed, Step / Play / Pause /
Reset and speed, and a scenario file to upload. Settings take effect on Reset; an invalid
combination shows its message here and the last good model keeps running. On a phone the
settings fold away behind a button (dashboards/layout.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

import solara

from dashboards import state
from dashboards.components.md import Md
from dashboards.components.upload import ScenarioUpload
from dashboards.view import View
from sim.i18n import fmt_int, fmt_num, t
from sim.present import NOTE

settings_open = solara.reactive(False)  # on a phone: the settings are shown


@solara.component
def Controls(view: View | None = None, compact: bool = False):
    """The controls; ``compact``: only the buttons, the week and the speed, in a row (for
    presentation mode). ``view``: what the page shows, passed by the page. Solara renders
    the whole page once for every component that reads a reactive: one reader of the view
    per page keeps a Step at one render."""
    lang = state.lang.value
    view = state.view.value if view is None else view
    weeks = view.weeks if view is not None else 0
    week = view.week if view is not None else 0
    if compact:
        with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
            _Buttons(lang, week, weeks)
            solara.Text(t("ui.week_of", lang, week=week, weeks=weeks), classes=["nws-big"])
            with solara.Column(gap="0px", style={"min-width": "220px"}):
                _Speed(lang)
        return
    with solara.Column(gap="6px"):
        solara.Select(
            label=t("ui.scenario", lang),
            value=state.scenario_name.value,
            values=state.scenario_names(),
            on_value=state.load,
        )
        _Described(view, lang)
        _Buttons(lang, week, weeks)
        solara.Text(t("ui.week_of", lang, week=week, weeks=weeks))
        _Speed(lang)
        if state.frame_weeks.value > 1 and state.playing.value:
            solara.Text(
                t("ui.redraw", lang, frames=state.frame_weeks.value), style={"font-size": "0.8em"}
            )
        if state.error.value is not None:
            solara.Error(t("ui.invalid", lang) + " " + state.error_text(state.error.value, lang))
        is_open = settings_open.value
        solara.Button(
            t("controls.hide_settings" if is_open else "controls.show_settings", lang),
            text=True,
            color="primary",
            on_click=lambda: settings_open.set(not is_open),
            classes=["nws-phone-only"],
        )
        # a key: a message appearing above does not make the settings (and a file being
        # uploaded) start afresh
        with solara.Column(
            gap="6px", classes=["nws-settings", *(["nws-open"] if is_open else [])]
        ).key("settings"):
            _Settings(lang)
            ScenarioUpload(lang)
            solara.Text(t("share.hint", lang), style={"font-size": "0.8em", "color": "#555"})


@solara.component
def _Described(view: View | None, lang: str):
    """What the scenario shows and the source text it illustrates; an upload's name; what
    was changed (one component: the controls below keep their places when these change)."""
    if view is None or view.params is None:
        return
    params = view.params
    changed = state.changed_settings(params, lang)
    base = state.library(state.scenario_name.value)
    statements = " · ".join(params.statements)
    text = (params.describe(lang) if not changed else base.describe(lang)) + (
        f" ({statements})" if statements else ""
    )
    solara.Text(text, style={"font-size": "0.85em", "color": "#555", "margin-top": "-10px"})
    if state.label.value:  # an uploaded file: its name, and what it is based on
        solara.Text(t("upload.loaded", lang, name=state.label.value,
                      base=state.scenario_name.value),
                    style={"font-size": "0.9em", "font-weight": "bold"})  # fmt: skip
    if changed:
        solara.Text(t("share.changed", lang, changes=changed),
                    style={"font-size": "0.85em", "color": NOTE})  # fmt: skip


@solara.component
def _Buttons(lang: str, week: int, weeks: int):
    playing = state.playing.value
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        solara.Button(t("ui.step", lang), on_click=lambda: state.step(1),
                      disabled=playing or week >= weeks, color="primary")  # fmt: skip
        if playing:
            solara.Button(t("ui.pause", lang), on_click=lambda: state.playing.set(False),
                          color="primary")  # fmt: skip
        else:
            solara.Button(t("ui.play", lang), on_click=state.play,
                          disabled=week >= weeks, color="primary")  # fmt: skip
        solara.Button(t("ui.reset", lang), on_click=state.reset, color="secondary")


@solara.component
def _Speed(lang: str):
    solara.Text(
        f"{t('ui.speed', lang)}: {fmt_int(state.speed.value, lang)}",
        style={"font-size": "0.9em", "margin-bottom": "-14px"},
    )
    solara.SliderFloat("", value=state.speed, min=2, max=104, step=2)


@solara.component
def _Settings(lang: str):
    values = state.settings.value
    Md(f"**{t('ui.settings', lang)}** · {t('ui.pending', lang)}")
    sizes = sorted({*state.POPULATION_CHOICES, int(values["population.size"])})
    solara.Select(
        label=t("slider.population.size", lang),
        value=fmt_int(values["population.size"], lang),
        values=[fmt_int(n, lang) for n in sizes],
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
        shown = fmt_int(value, lang) if spec.integer or spec.step >= 1 else fmt_num(value, lang, 2)
        solara.Text(f"{t(f'slider.{spec.key}', lang)}: {shown}",
                    style={"font-size": "0.9em", "margin-bottom": "-14px"})  # fmt: skip
        if spec.integer:
            solara.SliderInt(
                "",
                value=int(values[spec.key]),
                min=int(spec.lo),
                max=int(spec.hi),
                step=int(spec.step),
                on_value=_setter(spec.key),
            )
        else:
            solara.SliderFloat(
                "",
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
