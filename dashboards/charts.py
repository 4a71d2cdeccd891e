"""The dashboard's charts: pure functions from a ``View`` (or experiment tables) and a
language to a matplotlib ``Figure``. Every label comes from the message catalogs.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state), so they can be
drawn in any thread and saved as PNG for the downloads.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from dashboards.view import View
from sim.i18n import fmt_pct, t
from sim.metrics import BREAK_EVEN_EUR, INCOME_BIN_EDGES, lorenz, survival_by_cohort

DPI = 80
LOSS, EVEN, PROFIT = "#c0392b", "#95a5a6", "#27ae60"
REASON_COLOURS = {"discouraged": "#e67e22", "financial": "#c0392b", "life": "#7f8c8d"}
HEAT = LinearSegmentedColormap.from_list("heat", ["#ffffff", "#f9e79f", "#e67e22", "#78281f"])
SYMLOG = {"linthresh": 10.0, "linscale": 0.5}
Y_LIMIT = 30_000.0  # where the open-ended income bins are drawn to


MARGINS = {"left": 0.13, "right": 0.97, "bottom": 0.15, "top": 0.9}
MONEY_TICKS = np.array([-10_000, -1_000, -100, -10, 0, 10, 100, 1_000, 10_000], dtype=float)


def _figure(width: float = 6.4, height: float = 3.4, **margins) -> tuple[Figure, object]:
    # Fixed margins instead of a layout engine: a constrained layout costs more than
    # drawing the chart, and the charts redraw several times a second while playing.
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(**{**MARGINS, **margins})
    return fig, fig.add_subplot()


def _money_label(x: float) -> str:
    sign = "\u2212" if x < 0 else ""
    x = abs(x)
    return f"{sign}{x / 1000:g}k" if x >= 1000 else f"{sign}{x:g}"


def _money_axis(axis) -> None:
    """Plain-text ticks on a signed-log money axis (matplotlib's default uses slow
    mathtext for every label)."""
    axis.set_ticks(MONEY_TICKS, [_money_label(x) for x in MONEY_TICKS])
    axis.set_minor_locator(NullLocator())


def png(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes: fast compression for the screen, the same for downloads."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _bin_position(values: np.ndarray) -> np.ndarray:
    """Where incomes fall on the heat map's bin axis (bin k spans k .. k+1)."""
    inner = INCOME_BIN_EDGES[1:-1]
    return np.interp(values, inner, np.arange(1, len(inner) + 1), left=0.5, right=len(inner) + 0.5)


def income_heatmap(view: View, lang: str) -> Figure:
    """Week x monthly net income (signed log bins) of active networkers; colour = share.

    The bins are half-decades (10, 30, 100, 300 ... EUR each way), so equal heights on the
    chart are a signed log scale; the median and the 10th/90th percentiles are drawn
    over it.
    """
    fig, ax = _figure(8.0, 4.2, left=0.1, right=0.97)
    hist = view.income_hist.astype(float)
    totals = hist.sum(axis=1, keepdims=True)
    share = np.divide(hist, totals, out=np.zeros_like(hist), where=totals > 0)
    n_bins = len(INCOME_BIN_EDGES) - 1
    image = ax.imshow(
        share.T if view.week else np.zeros((n_bins, 1)),
        origin="lower",
        aspect="auto",
        cmap=HEAT,
        vmin=0,
        vmax=max(0.5, share.max(initial=0)),
        extent=(0.5, view.week + 0.5 if view.week else 1, 0, n_bins),
        interpolation="nearest",
    )
    cbar = fig.colorbar(image, ax=ax, pad=0.01, fraction=0.04)
    cbar.set_label(t("chart.share_of_active", lang))
    if view.week:
        s = view.series
        ax.plot(
            s.week,
            _bin_position(s.monthly_net_p50),
            color="#1a5276",
            lw=2,
            label=t("chart.median", lang),
        )
        ax.plot(
            s.week,
            _bin_position(s.monthly_net_p10),
            color="#2e86c1",
            lw=1,
            ls="--",
            label=t("chart.p10_p90", lang),
        )
        ax.plot(s.week, _bin_position(s.monthly_net_p90), color="#2e86c1", lw=1, ls="--")
        ax.legend(loc="upper left", fontsize=8)
    zero = n_bins / 2
    ax.axhline(zero, color="black", lw=0.6)
    inner = INCOME_BIN_EDGES[1:-1]
    ticks = [k + 1 for k, e in enumerate(inner) if abs(e) in (10, 100, 1_000, 10_000)]
    ax.set_yticks(ticks, [_money_label(inner[k - 1]) for k in ticks])
    ax.set_ylim(0, n_bins)
    ax.set_xlim(0, view.weeks)
    ax.set_xlabel(t("chart.week", lang))
    ax.set_ylabel(t("chart.monthly_net_eur", lang))
    ax.set_title(t("chart.income_over_time", lang))
    return fig


def net_histogram(view: View, lang: str) -> Figure:
    """Cumulative net income of everyone who ever joined, with the outcome shares."""
    fig, ax = _figure()
    decades = np.array([10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000], dtype=float)
    edges = np.concatenate([-decades[::-1], [0.0], decades])
    net = np.clip(view.net, edges[0], edges[-1])
    counts, _ = np.histogram(net, edges)
    centres = (edges[:-1] + edges[1:]) / 2
    colours = [
        LOSS if c < -BREAK_EVEN_EUR else PROFIT if c > BREAK_EVEN_EUR else EVEN for c in centres
    ]
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=colours, edgecolor="white")
    ax.set_xscale("symlog", **SYMLOG)
    _money_axis(ax.xaxis)
    ax.set_xlim(edges[0], edges[-1])
    loss, even, profit = view.shares()
    text = "\n".join(
        [
            t("chart.share_loss", lang, share=fmt_pct(loss, lang)),
            t("chart.share_even", lang, share=fmt_pct(even, lang)),
            t("chart.share_profit", lang, share=fmt_pct(profit, lang)),
        ]
    )
    ax.text(
        0.98,
        0.95,
        text,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=9,
        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
    )
    ax.set_xlabel(t("chart.cumulative_net_eur", lang))
    ax.set_ylabel(t("chart.people", lang))
    ax.set_title(t("chart.net_histogram", lang, week=view.week, n=view.ever_joined))
    return fig


def lorenz_chart(view: View, lang: str) -> Figure:
    """Lorenz curve of the money received, with its Gini coefficient."""
    fig, ax = _figure(4.2, 3.4, left=0.17)
    people, money = lorenz(view.gross)
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls=":", label=t("chart.equality", lang))
    ax.plot(people, money, color="#8e44ad", lw=2, label=t("chart.lorenz", lang))
    ax.fill_between(people, money, people, color="#8e44ad", alpha=0.1)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(t("chart.share_of_people", lang))
    ax.set_ylabel(t("chart.share_of_money", lang))
    ax.set_title(t("chart.lorenz_title", lang, gini=f"{view.gini_gross():.2f}"))
    ax.legend(loc="upper left", fontsize=8)
    return fig


def people_chart(view: View, lang: str) -> Figure:
    """Active networkers, and new recruits and dropouts by reason per week."""
    fig = Figure(figsize=(6.4, 3.8), dpi=DPI)
    fig.subplots_adjust(**{**MARGINS, "hspace": 0.1})
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1])
    s = view.series
    top.plot(s.week, s.active, color="#1a5276", lw=2)
    top.set_ylabel(t("chart.active", lang))
    top.set_title(t("chart.people_title", lang))
    bottom.plot(s.week, s.new_recruits, color=PROFIT, lw=1.2, label=t("chart.new_recruits", lang))
    for reason, colour in REASON_COLOURS.items():
        bottom.plot(
            s.week, s[f"dropouts_{reason}"], color=colour, lw=1.2, label=t(f"reason.{reason}", lang)
        )
    bottom.legend(fontsize=7, ncols=2, loc="upper right")
    bottom.set_ylabel(t("chart.per_week", lang))
    bottom.set_xlabel(t("chart.week", lang))
    bottom.set_xlim(0, view.weeks)
    return fig


def survival_chart(view: View, lang: str) -> Figure:
    """Share still active against weeks since joining, one curve per joining year."""
    fig, ax = _figure(4.8, 3.4)
    curves = survival_by_cohort(view.join_week, view.exit_week, view.week)
    for start, alive in curves:
        year = start // 52 + 1
        ax.plot(np.arange(len(alive)), alive, lw=1.5, label=t("chart.cohort", lang, year=year))
    ax.axvline(52, color="grey", lw=0.8, ls=":")
    ax.set_ylim(0, 1)
    ax.set_xlim(0, max(view.weeks, 1))
    ax.set_xlabel(t("chart.weeks_since_joining", lang))
    ax.set_ylabel(t("chart.share_active", lang))
    ax.set_title(t("chart.survival_title", lang))
    if curves:
        ax.legend(fontsize=7)
    return fig


def saturation_chart(view: View, lang: str) -> Figure:
    """How much of the market has been approached, has joined, buys, has left."""
    fig, ax = _figure(4.8, 3.4)
    s = view.series
    n = view.population
    ax.plot(
        s.week,
        s.saturation_approached,
        color="#e67e22",
        lw=2,
        label=t("chart.ever_approached", lang),
    )
    ax.plot(s.week, s.saturation_joined, color="#1a5276", lw=2, label=t("chart.ever_joined", lang))
    ax.plot(s.week, s.customers / n, color=PROFIT, lw=1.2, label=t("chart.customers", lang))
    ax.plot(s.week, s.formers / n, color=LOSS, lw=1.2, label=t("chart.formers", lang))
    ax.set_ylim(0, 1)
    ax.set_xlim(0, view.weeks)
    ax.set_xlabel(t("chart.week", lang))
    ax.set_ylabel(t("chart.share_of_population", lang))
    ax.set_title(t("chart.saturation_title", lang))
    ax.legend(fontsize=7, loc="upper left")
    return fig


LIVE_CHARTS = {
    "income_heatmap": income_heatmap,
    "net_histogram": net_histogram,
    "people": people_chart,
}
SLOW_CHARTS = {
    "lorenz": lorenz_chart,
    "survival": survival_chart,
    "saturation": saturation_chart,
}
ALL_CHARTS = {**LIVE_CHARTS, **SLOW_CHARTS}


# ---- the compare page ------------------------------------------------------------------------


def band_chart(bands: list[pd.DataFrame], names: list[str], column: str, lang: str) -> Figure:
    """A weekly column's median and 90 % band for each experiment."""
    fig, ax = _figure(6.0, 3.4)
    for (frame, name), colour in zip(
        zip(bands, names, strict=True), ["#1a5276", "#c0392b"], strict=False
    ):
        b = frame[frame.column == column]
        ax.fill_between(b.week, b.p5, b.p95, color=colour, alpha=0.2)
        ax.plot(b.week, b.p50, color=colour, lw=2, label=name)
    ax.set_xlabel(t("chart.week", lang))
    ax.set_ylabel(t(f"column.{column}", lang))
    ax.set_title(t("chart.band_title", lang, column=t(f"column.{column}", lang)))
    ax.legend(fontsize=8)
    return fig


def outcome_bars(outcomes: list[pd.DataFrame], names: list[str], lang: str) -> Figure:
    """Loss / break-even / profit shares of each experiment, with 90 % ranges."""
    fig, ax = _figure(6.0, 3.4)
    keys = ["share_net_loss", "share_break_even", "share_profit"]
    x = np.arange(len(keys))
    width = 0.8 / max(len(outcomes), 1)
    for i, (frame, name) in enumerate(zip(outcomes, names, strict=True)):
        mean = [frame[k].mean() for k in keys]
        lo = [mean[j] - frame[k].quantile(0.05) for j, k in enumerate(keys)]
        hi = [frame[k].quantile(0.95) - mean[j] for j, k in enumerate(keys)]
        ax.bar(
            x + i * width,
            mean,
            width,
            yerr=[lo, hi],
            capsize=3,
            label=name,
            color=["#1a5276", "#c0392b"][i % 2],
            alpha=0.85,
        )
    ax.set_xticks(x + width * (len(outcomes) - 1) / 2, [t(f"column.{k}", lang) for k in keys])
    ax.set_ylim(0, 1)
    ax.set_ylabel(t("chart.share_of_joined", lang))
    ax.set_title(t("chart.outcomes_title", lang))
    ax.legend(fontsize=8)
    return fig
