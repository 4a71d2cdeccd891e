"""networker-sim dashboard: watch recruitment, dropout and the income distribution form.

Start it with ``uv run networker-sim dashboard`` (listens on 127.0.0.1:8765). Pick a
scenario, press Play, and watch. Everything shown comes from the model's own records; the
charts are matplotlib images, so the page needs no internet connection.
"""

from __future__ import annotations

import solara
import solara.lab

from dashboards import rooms, serving, state
from dashboards.components.about import AboutPage
from dashboards.components.compare import ComparePage
from dashboards.components.controls import Controls
from dashboards.components.lessons import LessonsPage
from dashboards.components.md import Md
from dashboards.components.me import MePage
from dashboards.components.panels import ChartImage, Downloads, KeyNumbers, PyramidPanel
from dashboards.components.room import RoomPanel
from sim.i18n import LANGS, t

serving.install()  # Solara's own files compressed once, not for every page


@solara.component
def SimulationPage():
    lang = state.lang.value
    solara.use_effect(state.initial, [])
    view = state.view.value
    with solara.Columns([1, 3], gutters_dense=True):
        with solara.Card():
            if rooms.following.value is None:  # a follower's page shows the teacher's run
                Controls(view)
            RoomPanel(view).key("room")  # the same panel with or without the controls
        with solara.Column():
            if view is None:
                solara.ProgressLinear(True)
                return
            if view.finished:
                solara.Info(t("ui.finished", lang))
            KeyNumbers(view, lang)
            with solara.Columns([3, 2]):
                ChartImage("income_heatmap", view, lang)
                ChartImage("net_histogram", view, lang)
            with solara.Columns([1, 1, 1]):
                ChartImage("people", view, lang)
                ChartImage("survival", view, lang)
                ChartImage("saturation", view, lang)
            with solara.Columns([1, 2]):
                ChartImage("lorenz", view, lang)
                PyramidPanel(view, lang)
            Downloads(view, lang)


@solara.component
def Page():
    lang = state.lang.value
    solara.Title(t("app.title", lang))
    with solara.Column(style={"padding": "8px"}):
        with solara.Row(style={"align-items": "center"}, justify="space-between"):
            Md(f"## {t('app.title', lang)} · {t('app.subtitle', lang)}")
            solara.ToggleButtonsSingle(value=state.lang, values=list(LANGS))
        # the order matches state.TAB_*: a lesson's button switches to the simulation;
        # lazy: only the tab shown is built, which is most of what a new session costs
        with solara.lab.Tabs(value=state.tab, lazy=True):
            with solara.lab.Tab(t("app.tab_simulation", lang)):
                SimulationPage()
            with solara.lab.Tab(t("app.tab_me", lang)):
                MePage()
            with solara.lab.Tab(t("app.tab_compare", lang)):
                ComparePage()
            with solara.lab.Tab(t("lessons.tab", lang)):
                LessonsPage()
            with solara.lab.Tab(t("app.tab_about", lang)):
                AboutPage()
