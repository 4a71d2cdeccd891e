"""The Lessons page: seven lessons for the classroom (sim.lessons), each with a button that
loads its scenario into the simulation page. The text is the generated Markdown of
``lessons/<lang>/``, so the page shows the numbers the runs produced."""

from __future__ import annotations

import solara

from dashboards import state
from dashboards.components.md import Md
from sim.i18n import t
from sim.lessons import LESSONS, read_lesson

chosen = solara.reactive(1)  # the lesson shown, 1-based
# long titles wrap inside their buttons instead of running out of the card
CSS = """
.lesson-pick.v-btn { height: auto !important; min-height: 36px; padding: 6px 8px !important;
  text-transform: none; justify-content: flex-start; }
.lesson-pick .v-btn__content { white-space: normal; flex: 1 1 auto; text-align: left;
  word-break: normal; overflow-wrap: break-word; hyphens: auto; }
.lesson-load.v-btn { text-transform: none; }
"""


def open_in_simulation(name: str) -> None:
    """Load a lesson's scenario and switch to the simulation page."""
    state.load(name)
    state.tab.value = state.TAB_SIMULATION


@solara.component
def LessonsPage():
    lang = state.lang.value
    titles = {i: t(f"lessons.{lesson.key}.title", lang) for i, lesson in enumerate(LESSONS, 1)}
    solara.Style(CSS)
    with solara.ColumnsResponsive(12, medium=[4, 8], large=[3, 9], gutters_dense=True):
        with solara.Card(t("lessons.pick", lang)):
            for i, title in titles.items():
                solara.Button(
                    f"{i}. {title}",
                    text=chosen.value != i,
                    color="primary",
                    on_click=lambda i=i: chosen.set(i),
                    classes=["lesson-pick"],
                )
        with solara.Column():
            lesson = LESSONS[chosen.value - 1]
            with solara.Row(style={"flex-wrap": "wrap"}):
                for name in lesson.scenarios:
                    solara.Button(
                        t("lessons.load", lang, name=name),
                        color="primary",
                        outlined=True,
                        on_click=lambda name=name: open_in_simulation(name),
                        classes=["lesson-load"],
                    )
            text = read_lesson(chosen.value, lang)
            if text is None:
                solara.Warning(t("lessons.missing", lang))
            else:
                Md(text, style={"padding": "0 16px"})
