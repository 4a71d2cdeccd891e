"""Panels of the simulation page: charts, key numbers, the pyramid-risk lights, downloads."""

from __future__ import annotations

from collections.abc import Callable

import solara

from dashboards import charts, drawing, live, state
from dashboards.components.md import Md
from dashboards.view import View
from sim.i18n import fmt_int, fmt_num, fmt_pct, t
from sim.present import LIGHTS
from sim.scenario import scenario_to_toml


@solara.component
def ChartImage(name: str, view: View, lang: str):
    """One chart as a PNG image, drawn once for its run, week, language and sharpness and
    shared with every session that shows the same (``dashboards.drawing``)."""
    dpi = live.SHARP_DPI if state.presentation.value else live.DPI
    data = solara.use_memo(
        lambda: drawing.chart_png(name, view, lang, dpi), [name, view, lang, dpi]
    )
    solara.Image(data, format="png", width="100%")


@solara.component
def KeyNumbers(view: View, lang: str):
    with solara.Card(t("numbers.title", lang)):
        if view.ever_joined == 0:
            solara.Text(t("numbers.none_yet", lang))
            return
        loss, _, profit = view.shares()
        lines = [
            t(
                "numbers.joined",
                lang,
                joined=fmt_int(view.ever_joined, lang),
                loss=fmt_pct(loss, lang),
                profit=fmt_pct(profit, lang),
            )
        ]
        weeks = view.median_weeks_to_dropout()
        if weeks == weeks:  # not NaN: somebody has given up
            key = "numbers.dropout_one" if round(weeks) == 1 else "numbers.dropout"
            lines.append(t(key, lang, weeks=fmt_num(weeks, lang, 0)))
        lines.append(t("numbers.top", lang, share=fmt_pct(view.top1_share(), lang)))
        lines.append(
            t(
                "numbers.active",
                lang,
                active=fmt_int(view.active, lang),
                week=view.week,
            )
        )
        Md(" ".join(lines), style={"font-size": "1.15em"})


def _risk_value(part: dict, lang: str) -> str:
    if part["value"] is None:
        return ""
    if part["part"] == "median_customers":
        return fmt_num(part["value"], lang, 1)
    return fmt_pct(part["value"], lang)


@solara.component
def PyramidPanel(view: View, lang: str):
    with solara.Card(t("risk.title", lang)):
        with solara.Row(style={"align-items": "center"}):
            solara.Text("●", style={"color": LIGHTS[view.risk], "font-size": "2em"})
            solara.Text(t(f"risk.verdict_{view.risk}", lang), style={"font-weight": "bold"})
        for part in view.risk_parts:
            key = part["part"]
            text = (
                t("risk.not_applicable", lang)
                if part["level"] == "n/a"
                else t(f"risk.{key}.text", lang, value=_risk_value(part, lang))
            )
            with solara.Row(style={"align-items": "baseline"}, gap="6px"):
                solara.Text("●", style={"color": LIGHTS[part["level"]], "font-size": "1.3em"})
                extra = "" if part.get("decides", True) else f" {t('risk.not_in_verdict', lang)}"
                Md(
                    f"**{t(f'risk.{key}.label', lang)}**: {text}{extra} "
                    f"*({t(f'risk.{key}.source', lang)})*"
                )
        solara.Info(t("risk.not_legal_advice", lang))


@solara.component
def Downloads(view: View, lang: str):
    params = view.params
    # what each button downloads, read from the page's state when it is pressed: the same
    # callables at every render, so that a Step does not restart the downloads' threads
    # (each restart renders the whole page again)
    data = solara.use_memo(_download_data, [])
    with solara.Card(t("ui.downloads", lang)):
        if params is None:
            return
        solara.FileDownload(
            data["scenario"],
            filename=f"{params.name}.toml",
            label=t("ui.download_scenario", lang),
        )
        solara.FileDownload(
            data["weekly"],
            filename=f"{params.name}-weekly.csv",
            label=t("ui.download_csv", lang),
        )
        solara.FileDownload(
            state.networkers_csv,
            filename=f"{params.name}-networkers-week{view.week}.csv",
            label=t("ui.download_networkers", lang),
        )
        for name in charts.ALL_CHARTS:
            solara.FileDownload(
                data[name],
                filename=f"{params.name}-{name}-week{view.week}.png",
                label=t("ui.download_png", lang, name=t(f"chart.{name}_name", lang)),
            )


def _download_data() -> dict[str, Callable[[], bytes]]:
    def chart(name: str) -> Callable[[], bytes]:
        return lambda: charts.render(name, state.view.value, state.lang.value)

    return {
        "scenario": lambda: scenario_to_toml(state.view.value.params).encode("utf-8"),
        "weekly": lambda: state.view.value.series.to_csv(index=False).encode("utf-8"),
        **{name: chart(name) for name in charts.ALL_CHARTS},
    }
