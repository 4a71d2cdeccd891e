"""Panels of the simulation page: charts, key numbers, the pyramid-risk lights, downloads,
and what a screen reader says of them: each chart's text alternative and its data as a
table, and the announcement of the week shown."""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable

import solara
from matplotlib.figure import Figure

from dashboards import charts, drawing, live, rooms, state
from dashboards.components.md import Md
from dashboards.live import Said, share_words
from dashboards.view import View
from sim.i18n import fmt_int, fmt_num, fmt_pct, t
from sim.present import LIGHTS
from sim.scenario import scenario_to_toml


@solara.component
def ChartImage(name: str, view: View, lang: str):
    """One chart as a PNG image, drawn once for its run, week, language and sharpness and
    shared with every session that shows the same (``dashboards.drawing``). Its text
    alternative (the accessible name screen readers read) and the table a button shows
    under it are made from the same frame (``LiveChart.said``)."""
    # a phone's chart is drawn for a phone, its type large enough there (``live.NARROW_PT``),
    # in presentation mode too: the phone's width is what limits it
    narrow = state.narrow.value
    dpi = live.NARROW_DPI if narrow else live.SHARP_DPI if state.presentation.value else live.DPI
    drawn = solara.use_memo(
        lambda: drawing.chart_drawn(name, view, lang, dpi, narrow), [name, view, lang, dpi, narrow]
    )
    table, set_table = solara.use_state(False)
    with solara.Column(gap="2px", classes=chart_classes(narrow)):
        NamedImage(drawn.png, drawn.said.text, {"data-type-px": f"{drawn.type_px:.2f}"})
        chart = t(f"chart.{name}_name", lang)
        solara.Button(
            t("said.hide_table" if table else "said.show_table", lang, name=chart),
            on_click=lambda: set_table(not table),
            text=True,
            color="primary",
            classes=["nws-table-toggle"],
            attributes={"aria-expanded": "true" if table else "false"},
        )
        if table:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=table_html(drawn.said),
                classes=["nws-table"],
                # a box that scrolls must be reachable by keyboard to be scrolled
                attributes={"tabindex": "0", "role": "region", "aria-label": drawn.said.caption},
            )


def chart_classes(narrow: bool) -> list[str]:
    """The classes of a chart's box: a chart, and one drawn for a phone where ``narrow``
    (``layout.CSS``)."""
    return ["nws-chart", *(["nws-narrow"] if narrow else [])]


@solara.component
def FigureImage(fig: Figure, text: str, narrow: bool):
    """A figure drawn whole (the pages "What would happen to me?" and Compare), drawn for
    a phone where ``narrow`` (``live.whole_figure``), named by ``text``; the page reports
    its smallest type in pixels (``data-type-px``) as a ``ChartImage`` does."""
    drawn = live.picture(fig)
    with solara.Column(gap="2px", classes=chart_classes(narrow)):
        NamedImage(drawn.png, text, {"data-type-px": f"{drawn.type_px:.2f}"})


@solara.component
def NamedImage(data: bytes, text: str, attributes: dict | None = None):
    """A PNG chart named by its text alternative: a wrapper with the role of an image and
    that name (and ``attributes``), the picture itself hidden from screen readers (the
    page's images are widgets, whose <img> takes no alt attribute)."""
    with (
        solara.v.Html(
            tag="div", attributes={"role": "img", "aria-label": text, **(attributes or {})}
        ),  # fmt: skip
        solara.v.Html(tag="div", attributes={"aria-hidden": "true"}),
    ):
        solara.Image(data, format="png", width="100%")


def table_html(said: Said) -> str:
    """A chart's data as an HTML table: its caption, a header cell per column, and the
    first cell of each row a header of that row."""
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in said.columns)
    body = "".join(
        f'<tr><th scope="row">{html.escape(row[0])}</th>'
        + "".join(f"<td>{html.escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in said.rows
    )
    return (f"<table><caption>{html.escape(said.caption)}</caption><thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table>")  # fmt: skip


# ---- the announcement of the week shown ------------------------------------------------------

ANNOUNCE_EVERY = 5.0  # seconds between announcements while playing: time to speak one


def announcement(view: View, lang: str) -> str:
    """The week shown and its key numbers, as a screen reader announces them."""
    if view.ever_joined == 0:
        return t("said.announce_none", lang, week=view.week)
    loss, _, profit = view.shares()
    return t("said.announce", lang, week=view.week, active=fmt_int(view.active, lang),
             joined=fmt_int(view.ever_joined, lang), loss=share_words(loss, lang),
             profit=share_words(profit, lang))  # fmt: skip


class Throttle:
    """What the live region says: a new text at once after a Step (or Pause, or the
    end), but while the weeks run by themselves (Play, or a room's teacher) at most one
    every ``every`` seconds, so that a screen reader finishes a sentence before the next
    one replaces it; the week shown when Play stops is announced."""

    def __init__(self, every: float = ANNOUNCE_EVERY):
        self.every = every
        self.text: str | None = None
        self.at = -math.inf

    def __call__(self, text: str, running: bool, now: float) -> str:
        if text != self.text and (not running or now - self.at >= self.every):
            self.text, self.at = text, now
        return self.text or text


@solara.component
def Announcer(view: View, lang: str):
    """A polite live region (visually hidden): screen readers announce the week shown
    and its key numbers when a Step shows a new week, without moving the focus."""
    running = state.playing.value or rooms.following.value is not None
    throttle = solara.use_memo(Throttle, [])
    text = throttle(announcement(view, lang), running, time.monotonic())
    solara.HTML(
        tag="div",
        unsafe_innerHTML=html.escape(text),
        classes=["nws-sr-only"],
        attributes={"role": "status", "aria-live": "polite", "aria-atomic": "true"},
    )


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
