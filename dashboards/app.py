"""networker-sim dashboard: watch recruitment, dropout and the income distribution form.

Start it with ``uv run networker-sim dashboard`` (listens on 127.0.0.1:8765). Pick a
scenario, press Play, and watch. Everything shown comes from the model's own records; the
charts are matplotlib images, so the page needs no internet connection. The address bar
holds the setup (dashboards/address.py): a link or a reload shows the same. On a phone
the columns stack (dashboards/layout.py); presentation mode enlarges everything for a
projector.
"""

from __future__ import annotations

import solara
import solara.lab

from dashboards import address, state
from dashboards.components.about import AboutPage
from dashboards.components.compare import ComparePage
from dashboards.components.controls import Controls
from dashboards.components.hundred import HundredPanel
from dashboards.components.lessons import LessonsPage
from dashboards.components.md import Md
from dashboards.components.me import MePage
from dashboards.components.panels import ChartImage, Downloads, KeyNumbers, PyramidPanel
from dashboards.components.tree import TreePanel
from dashboards.layout import CSS
from sim.i18n import LANGS, t


@solara.component
def SimulationPage():
    lang = state.lang.value
    # the loop checks `playing` every frame: no line-by-line tracing to cancel it
    solara.use_thread(state.play_loop, dependencies=[state.playing.value], intrusive_cancel=False)
    view, slow = state.view.value, state.slow_view.value
    present = state.presentation.value
    if view is None:
        solara.ProgressLinear(True)
        with solara.Card():
            Controls()  # an address that failed shows its message here
        return
    with solara.ColumnsResponsive(12, medium=[7, 5], gutters_dense=True):
        HundredPanel(view, lang)  # the first thing on the page: what happened to people
        KeyNumbers(view, lang)
    if present:  # the controls in a row, the main chart across the whole width
        with solara.Card():
            Controls(compact=True)
        _Charts(view, slow, lang, present=True)
        return
    with solara.ColumnsResponsive(12, medium=[4, 8], large=[3, 9], gutters_dense=True):
        with solara.Card():
            Controls()
        _Charts(view, slow, lang, present=False)


@solara.component
def _Charts(view, slow, lang: str, present: bool):
    with solara.Column():
        if view.finished:
            solara.Info(t("ui.finished", lang))
        with solara.ColumnsResponsive(12, medium=[12, 12] if present else [7, 5]):
            ChartImage("income_heatmap", view, lang, timed=True)
            ChartImage("net_histogram", view, lang)
        TreePanel(slow, lang)
        with solara.ColumnsResponsive(12, medium=[6, 6] if present else [4, 4, 4]):
            ChartImage("people", view, lang)
            ChartImage("survival", slow, lang)
            ChartImage("saturation", slow, lang)
            if present:
                ChartImage("lorenz", slow, lang)
        with solara.ColumnsResponsive(12, medium=[12] if present else [4, 8]):
            if not present:
                ChartImage("lorenz", slow, lang)
            PyramidPanel(view, lang)
        if not present:
            Downloads(view, lang)


@solara.component
def Header(lang: str):
    present = state.presentation.value
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "row-gap": "4px"},
                    justify="space-between"):  # fmt: skip
        with solara.Div(classes=["nws-title"], style={"flex": "1 1 320px"}):
            Md(f"## {t('app.title', lang)} · {t('app.subtitle', lang)}")
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="6px"):
            if state.tab.value != state.TAB_ME:  # the question a visitor comes with
                solara.Button(t("app.tab_me", lang), color="primary",
                              on_click=lambda: state.tab.set(state.TAB_ME))  # fmt: skip
            solara.Button(
                t("present.off" if present else "present.on", lang),
                outlined=True,
                color="primary",
                on_click=lambda: state.presentation.set(not present),
            )
            solara.ToggleButtonsSingle(value=state.lang, values=list(LANGS))


@solara.component
def Page():
    lang = state.lang.value
    router = solara.use_router()
    # the address shows the setup, and opening an address shows its setup
    solara.use_effect(lambda: state.open_address(router.search), [router.search])
    query = solara.use_memo(
        lambda: state.current_query(),
        dependencies=[state.model.value, state.tab.value, lang, state.presentation.value],
    )
    # again when the address changes: the browser's own first report of the address
    # ("/") can arrive after the first setup was written and overwrite it
    solara.use_effect(lambda: _show_in_address(router, query), [query, router.search])
    solara.Title(t("app.title", lang))
    solara.Style(CSS)
    classes = ["nws-page", *(["nws-present"] if state.presentation.value else [])]
    with solara.Column(style={"padding": "8px"}, classes=classes):
        Header(lang)
        # the order matches state.TAB_*: a lesson's button switches to the simulation
        with solara.lab.Tabs(value=state.tab):
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


def _show_in_address(router, query: str | None) -> None:
    """Write the setup into the address bar (keeping parameters of others, ``follow``)."""
    if query is None or router.set_path is None:  # no model yet, or no browser (tests)
        return
    wanted = address.merged(router.search, query)
    if wanted != (router.search or ""):
        router.push(f"{router.path or '/'}?{wanted}")
