"""networker-sim dashboard: watch recruitment, dropout and the income distribution form.

Start it with ``uv run networker-sim dashboard`` (listens on 127.0.0.1:8765). Pick a
scenario, press Play, and watch. Everything shown comes from the model's own records; the
charts are matplotlib images, so the page needs no internet connection. The address bar
holds the setup (dashboards/address.py): a link or a reload shows the same. On a phone
the columns stack (dashboards/layout.py); presentation mode enlarges everything for a
projector. A teacher's run can be shown on every student's screen (dashboards/rooms.py);
the charts of a week are drawn once for every viewer (dashboards/drawing.py). An address
with ``?game=CODE`` shows a class game instead (dashboards/game.py): every student plays
one networker in the teacher's company.
"""

from __future__ import annotations

import solara
import solara.lab

from dashboards import address, rooms, serving, state
from dashboards import game as games
from dashboards.components.about import AboutPage
from dashboards.components.access import Access
from dashboards.components.compare import ComparePage
from dashboards.components.controls import Controls
from dashboards.components.disclosure import DisclosurePage
from dashboards.components.game import GamePage
from dashboards.components.hundred import HundredPanel
from dashboards.components.keys import KeyboardHelp
from dashboards.components.lessons import LessonsPage
from dashboards.components.md import Md
from dashboards.components.me import MePage
from dashboards.components.panels import (
    Announcer,
    ChartImage,
    Downloads,
    KeyNumbers,
    PyramidPanel,
)
from dashboards.components.room import RoomPanel
from dashboards.components.tree import TreePanel
from dashboards.layout import CSS
from sim.i18n import LANGS, t

serving.install()  # Solara's own files compressed once, not for every page


@solara.component
def SimulationPage():
    lang = state.lang.value
    view = state.view.value  # the one reader of the view: a Step renders the page once
    present = state.presentation.value
    following = rooms.following.value is not None  # a follower's page shows the teacher's run
    Announcer(view, lang)  # screen readers hear the week shown (a polite live region)
    with solara.ColumnsResponsive(12, medium=[7, 5], gutters_dense=True):
        HundredPanel(view, lang)  # the first thing on the page: what happened to people
        KeyNumbers(view, lang)
    if present:  # the controls in a row, the main chart across the whole width
        with solara.Card():
            if not following:
                Controls(view, compact=True)
            RoomPanel(view).key("room")  # the room code on the projector
        _Charts(view, lang, present=True)
        return
    with solara.ColumnsResponsive(12, medium=[4, 8], large=[3, 9], gutters_dense=True):
        with solara.Card():
            if not following:
                Controls(view)
            RoomPanel(view).key("room")  # the same panel with or without the controls
        _Charts(view, lang, present=False)


@solara.component
def _Charts(view, lang: str, present: bool):
    with solara.Column():
        if view.finished:
            solara.Info(t("ui.finished", lang))
        with solara.ColumnsResponsive(12, medium=[12, 12] if present else [7, 5]):
            ChartImage("income_heatmap", view, lang)
            ChartImage("net_histogram", view, lang)
        TreePanel(view, lang)
        with solara.ColumnsResponsive(12, medium=[6, 6] if present else [4, 4, 4]):
            ChartImage("people", view, lang)
            ChartImage("survival", view, lang)
            ChartImage("saturation", view, lang)
            if present:
                ChartImage("lorenz", view, lang)
        with solara.ColumnsResponsive(12, medium=[12] if present else [4, 8]):
            if not present:
                ChartImage("lorenz", view, lang)
            PyramidPanel(view, lang)
        with solara.ColumnsResponsive(12, medium=[12] if present else [8]):
            ChartImage("money", view, lang)  # where each euro of the company's revenue went
        if not present:
            Downloads(view, lang)


@solara.component
def Header(lang: str, game: bool = False):
    present = state.presentation.value
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "row-gap": "4px"},
                    justify="space-between"):  # fmt: skip
        with solara.Div(classes=["nws-title"], style={"flex": "1 1 320px"}):
            Md(f"# {t('app.title', lang)} · {t('app.subtitle', lang)}")
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="6px"):
            if state.tab.value != state.TAB_ME and not game:  # a visitor's question
                solara.Button(t("app.tab_me", lang), color="primary",
                              on_click=lambda: state.tab.set(state.TAB_ME))  # fmt: skip
            solara.Button(
                t("present.off" if present else "present.on", lang),
                outlined=True,
                color="primary",
                on_click=lambda: state.presentation.set(not present),
            )
            KeyboardHelp(lang)  # the shortcuts for Step, Play/Pause, Reset and their list
            solara.ToggleButtonsSingle(value=state.lang, values=list(LANGS))


@solara.component
def Page():
    lang = state.lang.value
    router = solara.use_router()
    game = games.link_in_address(router.search)  # a class game's page instead of the tabs
    # the address shows the setup, and opening an address shows its setup
    solara.use_effect(lambda: _open_address(router.search), [router.search])
    query = solara.use_memo(
        lambda: state.current_query(),
        dependencies=[state.model.value, state.tab.value, lang, state.presentation.value],
    )
    # again when the address changes: the browser's own first report of the address
    # ("/") can arrive after the first setup was written and overwrite it
    solara.use_effect(lambda: _show_in_address(router, None if game else query),
                      [query, router.search])  # fmt: skip
    solara.Title(t("app.title", lang))
    solara.Style(CSS)
    Access(lang)  # html lang, pinch-zoom, names for assistive technology
    classes = ["nws-page", *(["nws-present"] if state.presentation.value else [])]
    with solara.Column(style={"padding": "8px"}, classes=classes):
        Header(lang, game=game is not None)
        if game is not None:
            GamePage(game)
            return
        # the order matches state.TAB_*: a lesson's button switches to the simulation;
        # lazy: only the tab shown is built, which is most of what a new session costs
        with solara.lab.Tabs(value=state.tab, lazy=True):
            with solara.lab.Tab(t("app.tab_simulation", lang)):
                SimulationPage()
            with solara.lab.Tab(t("app.tab_me", lang)):
                MePage()
            with solara.lab.Tab(t("app.tab_compare", lang)):
                ComparePage()
            with solara.lab.Tab(t("app.tab_disclosure", lang)):
                DisclosurePage()
            with solara.lab.Tab(t("lessons.tab", lang)):
                LessonsPage()
            with solara.lab.Tab(t("app.tab_about", lang)):
                AboutPage()


def _open_address(search: str | None) -> None:
    """Show the setup of the address; a game's address has only its language."""
    if games.link_in_address(search) is None:
        state.open_address(search)
        return
    setup, _ = address.decode(search)
    if setup.lang:
        state.lang.value = setup.lang


def _show_in_address(router, query: str | None) -> None:
    """Write the setup into the address bar (keeping parameters of others, ``follow``)."""
    if query is None or router.set_path is None:  # no model yet, or no browser (tests)
        return
    wanted = address.merged(router.search, query)
    if wanted != (router.search or ""):
        router.push(f"{router.path or '/'}?{wanted}")
