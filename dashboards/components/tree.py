"""The recruitment tree's panel: the chart (dashboards/tree.py) with a line on how to read it."""

from __future__ import annotations

import solara

from dashboards.components.panels import ChartImage
from dashboards.view import View
from sim.i18n import t


@solara.component
def TreePanel(view: View, lang: str):
    with (
        solara.Card(t("tree.panel", lang), classes=["nws-tree"]),
        solara.ColumnsResponsive(12, large=[9, 3], gutters_dense=True),
    ):
        ChartImage("tree", view, lang)
        solara.Text(t("tree.explain", lang), style={"font-size": "0.95em", "color": "#444"})
