"""The dashboard's charts, drawn with matplotlib; every label comes from the message catalogs.

The charts of the simulation page are ``LiveChart``s (``dashboards/live.py``: the static
parts drawn once, the data per frame), listed in ``ALL_CHARTS``; the recruitment tree is in
``dashboards/tree.py``. ``render(name, view, lang)`` draws a chart whole, for the
downloads. Below them, the figures of the compare page. Colours, money ticks and the
outcome bars are the ones of the handout and the figures (``sim/present.py``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap, PowerNorm
from matplotlib.figure import Figure

from dashboards.live import (
    DPI,  # noqa: F401  (charts.DPI: the desktop's resolution, for the tests and benchmarks)
    NARROW_WIDTH,
    LiveChart,
    Said,
    bin_labels,
    finish_figure,
    picture,
    share_words,
    whole_figure,
)
from dashboards.tree import RecruitmentTree
from dashboards.view import View
from sim.experiments import describe
from sim.i18n import NO_VALUE, fmt_eur, fmt_int, fmt_num, fmt_pct, t
from sim.metrics import (
    INCOME_BIN_EDGES,
    OUTCOME_SHARES,
    lorenz,
    money_by_month,
    outcome,
    survival_by_cohort,
)
from sim.model import WEEKS_PER_MONTH
from sim.present import (
    BLUE,
    LIGHT_BLUE,
    LOSS,
    MONEY_COLOURS,
    ORANGE,
    OUTCOME_COLOURS,
    PROFIT,
    PURPLE,
    REASON_COLOURS,
    SERIES,
    SYMLOG,
    band,
    money_axis,
    money_label,
    money_title,
    outcome_bars,
    share_axis,
)

NARROW_MONEY_TICKS = (-10_000, -100, 0, 100, 10_000)
HEAT = LinearSegmentedColormap.from_list("heat", ["#ffffff", "#f9e79f", ORANGE, "#78281f"])

NET_EDGES = np.concatenate(
    [-np.array([30_000, 10_000, 3_000, 1_000, 300, 100, 30, 10.0]), [0.0],
     np.array([10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000.0])]
)  # fmt: skip


def _bin_position(values) -> np.ndarray:
    """Where incomes fall on the heat map's bin axis (bin k spans k .. k+1)."""
    inner = INCOME_BIN_EDGES[1:-1]
    return np.interp(values, inner, np.arange(1, len(inner) + 1), left=0.5,
                     right=len(inner) + 0.5)  # fmt: skip


def _bin_rows(edges, counts, shares, lang: str) -> tuple[tuple[str, ...], ...]:
    """A table's rows of money bins: the bin, how many people, their share."""
    labels = bin_labels(edges, lang)
    return tuple((label, fmt_int(n, lang), fmt_pct(x, lang, 1))
                 for label, n, x in zip(labels, counts, shares, strict=True))  # fmt: skip


class IncomeHeatmap(LiveChart):
    """Week x monthly net income (half-decade bins: a signed log scale) of active
    networkers; colour = share of them; the median and 10th/90th percentiles over it."""

    size = (8.0, 4.2)
    margins: ClassVar[dict] = {"left": 0.1, "right": 0.92}
    narrow_size = (NARROW_WIDTH, 3.8)
    narrow_margins: ClassVar[dict] = {"left": 0.22, "right": 0.77}

    def build(self) -> None:
        lang = self.lang
        ax = self.ax = self.fig.add_subplot()
        n_bins = len(INCOME_BIN_EDGES) - 1
        self.grid = np.full((n_bins, self.weeks), np.nan)
        # the image artist serves the colour bar and the downloads; a frame paints the cells
        # into the pixels itself (``paint``), ten times faster than resampling an image
        self.image = ax.imshow(
            self.grid, origin="lower", aspect="auto", cmap=HEAT, interpolation="nearest",
            norm=PowerNorm(0.5, vmin=0, vmax=1), extent=(0.5, self.weeks + 0.5, 0, n_bins),
        )  # fmt: skip
        self.image.set_visible(False)
        self.painted = self.image
        self.colours = (HEAT(np.arange(HEAT.N)) * 255).round().astype(np.uint8)
        self.cells = np.zeros((n_bins, self.weeks, 4), np.uint8)
        self.pixels = None  # where each cell lies in the canvas, found at the first frame
        cbar = self.fig.colorbar(self.image, ax=ax, pad=0.01, fraction=0.05, aspect=30)
        cbar.set_label(t("chart.share_of_active", lang))
        cbar.set_ticks([0, 0.1, 0.25, 0.5, 1], labels=["0", "10 %", "25 %", "50 %", "100 %"])
        self.median = self.add(ax.plot([], [], color=BLUE, lw=2, label=t("chart.median", lang))[0])
        self.p10 = self.add(ax.plot([], [], color=LIGHT_BLUE, lw=1, ls="--",
                                    label=t("chart.p10_p90", lang))[0])  # fmt: skip
        self.p90 = self.add(ax.plot([], [], color=LIGHT_BLUE, lw=1, ls="--")[0])
        # drawn after the cells each frame, so that the cells do not cover them
        self.add(ax.axhline(n_bins / 2, color="black", lw=0.6))
        # the legend is part of the background (drawing it costs more than the rest of a
        # frame): the cells are not painted under it
        self.legend = self.add_legend(ax, [self.median, self.p10], loc="upper left", fontsize=8)
        # the week shown: the chart moves with every Step, also before the first month
        # closes, when nobody has a monthly income yet (week 4, docs/model.md section 3)
        self.now = self.add(ax.axvline(0, color="#555", lw=0.8, ls=":"))
        self.note = self.add(ax.text(
            0.5, 0.5, t("chart.first_month", lang, week=WEEKS_PER_MONTH), transform=ax.transAxes,
            ha="center", va="center", fontsize=self.pt(9), wrap=True,
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
        ))  # fmt: skip
        inner = INCOME_BIN_EDGES[1:-1]
        ticks = [k + 1 for k, e in enumerate(inner) if abs(e) in (10, 100, 1_000, 10_000)]
        ax.set_yticks(ticks, [money_label(inner[k - 1]) for k in ticks])
        ax.set_ylim(0, n_bins)
        ax.set_xlim(0, self.weeks)
        ax.set_xlabel(t("chart.week", lang))
        ax.set_ylabel(t("chart.monthly_net_eur", lang))
        ax.set_title(t("chart.income_over_time", lang))

    def update(self, view: View) -> None:
        hist = view.income_hist.astype(float)
        totals = hist.sum(axis=1, keepdims=True)
        share = np.divide(hist, totals, out=np.full_like(hist, np.nan), where=totals > 0)
        self.hist, self.share = hist, share  # for ``said``
        self.grid[:] = np.nan
        self.grid[:, : view.week] = share.T
        self.image.set_data(self.grid)
        # the colour of each cell as the image would draw it (PowerNorm 0.5: the square root)
        index = np.minimum((np.sqrt(np.nan_to_num(self.grid)) * HEAT.N).astype(int), HEAT.N - 1)
        self.cells[:] = self.colours[index]
        self.cells[np.isnan(self.grid), 3] = 0
        s = view.series
        self.median.set_data(s.week, _bin_position(s.monthly_net_p50))
        self.p10.set_data(s.week, _bin_position(s.monthly_net_p10))
        self.p90.set_data(s.week, _bin_position(s.monthly_net_p90))
        self.now.set_xdata([view.week, view.week])
        self.note.set_visible(view.week < WEEKS_PER_MONTH)

    def said(self, view: View) -> Said:
        lang = self.lang
        edges = INCOME_BIN_EDGES
        columns = (t("chart.monthly_net_eur", lang), t("said.people_active", lang),
                   t("chart.share_of_active", lang))  # fmt: skip
        caption = t("said.heatmap_caption", lang, week=view.week)
        weeks = np.flatnonzero(self.hist.sum(axis=1) > 0)  # weeks with an income to show
        if view.week < WEEKS_PER_MONTH or len(weeks) == 0:
            text = t("said.heatmap_none", lang, week=view.week,
                     active=fmt_int(view.active, lang), first=WEEKS_PER_MONTH)  # fmt: skip
            return Said(text, caption, columns, ())
        last = weeks[-1]
        hist, share = self.hist[last], self.share[last]
        row = view.series.iloc[last]  # the week whose percentiles the lines end at
        text = t(
            "said.heatmap", lang, week=view.week, active=fmt_int(hist.sum(), lang),
            lost=share_words(share[edges[1:] <= -10].sum(), lang),
            made=share_words(share[edges[:-1] >= 10].sum(), lang),
            median=fmt_eur(row.monthly_net_p50, lang), p90=fmt_eur(row.monthly_net_p90, lang),
        )  # fmt: skip
        return Said(text, caption, columns, _bin_rows(edges, hist, share, lang))

    def paint(self) -> None:
        if self.pixels is None:
            self.pixels = self._cell_of_pixel()
        rows, columns, row_bin, column_week, free = self.pixels
        canvas = np.asarray(self.canvas.buffer_rgba())[rows, columns]
        cells = self.cells[row_bin[:, None], column_week[None, :]]
        shown = (cells[..., 3] > 0) & free
        canvas[shown] = cells[shown]

    def _cell_of_pixel(self) -> tuple[slice, slice, np.ndarray, np.ndarray, np.ndarray]:
        """The canvas rows and columns inside the axes, the bin and week each shows, and
        which of these pixels the legend leaves free."""
        height, x0, y0, x1, y1, c0, c1, r0, r1 = self.axes_pixels()
        x = (np.arange(c0, c1) + 0.5 - x0) / (x1 - x0) * self.weeks  # data x: weeks
        week = np.floor(x - 0.5).astype(int)  # week k + 1 spans k + 0.5 .. k + 1.5
        inside = np.flatnonzero((week >= 0) & (week < self.weeks))
        c0, c1, week = c0 + inside[0], c0 + inside[-1] + 1, week[inside]
        y = (height - np.arange(r0, r1) - 0.5 - y0) / (y1 - y0) * self.grid.shape[0]
        row_bin = np.clip(np.floor(y).astype(int), 0, self.grid.shape[0] - 1)
        (lx0, ly0), (lx1, ly1) = self.legend.get_window_extent().get_points()
        rows, columns = np.arange(r0, r1)[:, None], np.arange(c0, c1)[None, :]
        under = (columns >= np.floor(lx0)) & (columns <= np.ceil(lx1)) & (
            rows >= np.floor(height - ly1)) & (rows <= np.ceil(height - ly0))  # fmt: skip
        return slice(r0, r1), slice(c0, c1), row_bin, week, ~under


class NetHistogram(LiveChart):
    """Cumulative net income of everyone who ever joined, with the outcome shares."""

    narrow_margins: ClassVar[dict] = {"right": 0.92}

    def build(self) -> None:
        lang = self.lang
        ax = self.ax = self.fig.add_subplot()
        centres = (NET_EDGES[:-1] + NET_EDGES[1:]) / 2
        colours = [OUTCOME_COLOURS[kind] for kind in outcome(centres)]
        # the bars as one collection: drawn in one call, not one call per bar
        self.bars = self.add(ax.add_collection(PolyCollection(
            self._bar_outlines(np.zeros(len(centres))), facecolors=colours, edgecolors="white",
        ), autolim=False))  # fmt: skip
        ax.set_xscale("symlog", **SYMLOG)
        # a phone: every other tick, the labels would touch at its size
        money_axis(ax.xaxis, *([NARROW_MONEY_TICKS] if self.narrow else []))
        ax.set_xlim(NET_EDGES[0], NET_EDGES[-1])
        ax.set_ylim(0, 1)
        share_axis(ax.yaxis, lang)
        ax.set_xlabel(t("chart.cumulative_net_eur", lang))
        ax.set_ylabel(t("chart.share_of_joined", lang))
        self.text = self.add(ax.text(
            0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=self.pt(9),
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
        ))  # fmt: skip
        self.title = self.add(ax.set_title("", wrap=self.narrow))

    def update(self, view: View) -> None:
        lang = self.lang
        counts, _ = np.histogram(np.clip(view.net, NET_EDGES[0], NET_EDGES[-1]), NET_EDGES)
        shares = counts / max(len(view.net), 1)
        self.counts, self.shares = counts, shares  # for ``said``
        self.bars.set_verts(self._bar_outlines(shares))
        loss, even, profit = view.shares()
        self.text.set_text("\n".join([
            t("chart.share_loss", lang, share=fmt_pct(loss, lang)),
            t("chart.share_even", lang, share=fmt_pct(even, lang)),
            t("chart.share_profit", lang, share=fmt_pct(profit, lang)),
        ]))  # fmt: skip
        self.title.set_text(t("chart.net_histogram", lang, week=view.week,
                              n=fmt_int(view.ever_joined, lang)))  # fmt: skip

    def said(self, view: View) -> Said:
        lang = self.lang
        loss, even, profit = view.shares()
        if view.ever_joined == 0:
            text = t("said.nobody_yet", lang, week=view.week)
        else:
            text = t("said.net_histogram", lang, week=view.week,
                     n=fmt_int(view.ever_joined, lang), loss=share_words(loss, lang),
                     even=share_words(even, lang), profit=share_words(profit, lang))  # fmt: skip
        columns = (t("chart.cumulative_net_eur", lang), t("said.people", lang),
                   t("chart.share_of_joined", lang))  # fmt: skip
        rows = _bin_rows(NET_EDGES, self.counts, self.shares, lang)
        return Said(text, self.title.get_text(), columns, rows)

    @staticmethod
    def _bar_outlines(heights: np.ndarray) -> np.ndarray:
        left, right = NET_EDGES[:-1], NET_EDGES[1:]
        bottom = np.zeros_like(heights)
        xs = np.stack([left, left, right, right], axis=1)
        ys = np.stack([bottom, heights, heights, bottom], axis=1)
        return np.stack([xs, ys], axis=2)


class PeopleChart(LiveChart):
    """Active networkers; new recruits and dropouts by reason per week."""

    size = (6.4, 3.8)
    margins: ClassVar[dict] = {"hspace": 0.12}
    narrow_size = (NARROW_WIDTH, 5.0)
    narrow_margins: ClassVar[dict] = {"hspace": 0.12, "top": 0.9}

    def build(self) -> None:
        lang = self.lang
        self.top, self.bottom = self.fig.subplots(2, 1, sharex=True)
        self.active = self.add(self.top.plot([], [], color=BLUE, lw=2)[0])
        self.top.set_ylabel(t("chart.active", lang))
        self.top.set_title(t("chart.people_title", lang))
        self.top.set_ylim(0, 10)
        self.lines = {"new_recruits": self.add(self.bottom.plot(
            [], [], color=PROFIT, lw=1.2, label=t("chart.new_recruits", lang))[0])}  # fmt: skip
        for reason, colour in REASON_COLOURS.items():
            self.lines[f"dropouts_{reason}"] = self.add(self.bottom.plot(
                [], [], color=colour, lw=1.2, label=t(f"reason.{reason}", lang))[0])  # fmt: skip
        self.add_legend(self.bottom, list(self.lines.values()), fontsize=7, ncols=2,
                        loc="upper right")  # fmt: skip
        self.bottom.set_ylabel(t("chart.per_week", lang))
        self.bottom.set_xlabel(t("chart.week", lang))
        self.bottom.set_xlim(0, self.weeks)
        self.bottom.set_ylim(0, 10)

    def update(self, view: View) -> tuple[float, float]:
        s = view.series
        self.active.set_data(s.week, s.active)
        for column, line in self.lines.items():
            line.set_data(s.week, s[column])
        peak = max((s[c].max() for c in self.lines), default=0) if len(s) else 0
        return self._fit(self.top, s.active.max() if len(s) else 0), self._fit(self.bottom, peak)

    def said(self, view: View) -> Said:
        lang = self.lang
        weeks, active = (np.asarray(a) for a in self.active.get_data())
        per_week = {c: np.asarray(line.get_data()[1]) for c, line in self.lines.items()}
        names = {c: line.get_label() for c, line in self.lines.items()}
        columns = (t("chart.week", lang), t("chart.active", lang), *names.values())
        caption = t("said.newest_first", lang, title=t("chart.people_title", lang))
        if len(weeks) == 0:
            text = t("said.people_start", lang, week=view.week, active=fmt_int(view.active, lang))
            return Said(text, caption, columns, ())
        peak = int(np.argmax(active))
        gone = [c for c in per_week if c.startswith("dropouts_")]
        reasons = ", ".join(f"{names[c]}: {fmt_int(per_week[c][-1], lang)}" for c in gone
                            if per_week[c][-1] > 0)  # fmt: skip
        text = t("said.people_now", lang, week=int(weeks[-1]), active=fmt_int(active[-1], lang),
                 peak=fmt_int(active[peak], lang), peak_week=int(weeks[peak]),
                 new=fmt_int(per_week["new_recruits"][-1], lang),
                 gone=fmt_int(sum(per_week[c][-1] for c in gone), lang),
                 reasons=f" ({reasons})" if reasons else "")  # fmt: skip
        rows = tuple(
            (str(int(weeks[k])), fmt_int(active[k], lang),
             *(fmt_int(per_week[c][k], lang) for c in per_week))
            for k in range(len(weeks) - 1, -1, -1)
        )  # fmt: skip
        return Said(text, caption, columns, rows)


class SurvivalChart(LiveChart):
    """Share still active against weeks since joining, one curve per joining year."""

    size = (4.8, 3.4)
    margins: ClassVar[dict] = {"left": 0.17}
    narrow_size = (NARROW_WIDTH, 3.6)

    def build(self) -> None:
        lang = self.lang
        ax = self.ax = self.fig.add_subplot()
        ax.axvline(52, color="grey", lw=0.8, ls=":")
        ax.set_ylim(0, 1)
        ax.set_xlim(0, max(self.weeks, 1))
        share_axis(ax.yaxis, lang)
        ax.set_xlabel(t("chart.weeks_since_joining", lang))
        ax.set_ylabel(t("chart.share_active", lang))
        ax.set_title(t("chart.survival_title", lang))
        self.curves: list = []
        self.legend_for = 0  # the number of curves the legend names
        self.counts: list = []  # at each curve's end: the people it rests on

    def update(self, view: View) -> int:
        cohorts = survival_by_cohort(view.join_week, view.exit_week, view.week)
        self.cohorts = cohorts  # for ``said``
        while len(self.curves) < len(cohorts):  # a new joining year: a new line
            year = len(self.curves) + 1
            line = self.add(self.ax.plot(
                [], [], lw=1.5, label=t("chart.cohort", self.lang, year=year))[0])  # fmt: skip
            self.curves.append(line)
            self.counts.append(self.add(self.ax.text(
                0, 0, "", fontsize=self.pt(7), color=line.get_color(), va="bottom")))  # fmt: skip
        for k, (line, count) in enumerate(zip(self.curves, self.counts, strict=True)):
            shown = k < len(cohorts)
            line.set_visible(shown)
            count.set_visible(False)
            if not shown:
                continue
            survival = cohorts[k][1]
            line.set_data(np.arange(len(survival.share)), survival.share)
            # how many people the curve rests on: all who joined that year, and how many
            # of them are still followed where the curve ends
            end = len(survival.share) - 1
            count.set_text(t("chart.rests_on", self.lang,
                             joined=fmt_int(survival.at_risk[0], self.lang),
                             left=fmt_int(survival.at_risk[end], self.lang)))  # fmt: skip
            count.set_position((end, survival.share[end]))
            # on a phone the counts would cover each other and the curves: the table has them
            count.set_visible(not self.narrow and end >= 0
                              and survival.share[end] == survival.share[end])  # fmt: skip
        if self.legend_for != len(cohorts):  # the legend names the joining years shown
            legend = self.ax.get_legend()
            if legend is not None:
                legend.remove()
            if cohorts:
                self.add_legend(
                    self.ax,
                    self.curves[: len(cohorts)],
                    fontsize=7,
                    loc="upper right",
                    title=None if self.narrow else t("chart.rests_on_key", self.lang),
                    title_fontsize=7,
                )
            self.legend_for = len(cohorts)
        return len(cohorts)

    SAID_AFTER = (4, 13, 26, 52, 104)  # weeks since joining in the table

    def said(self, view: View) -> Said:
        lang = self.lang
        columns = (t("said.cohort", lang), t("said.people_joined", lang),
                   *(t("said.after_weeks", lang, weeks=w) for w in self.SAID_AFTER))  # fmt: skip
        caption = t("chart.survival_title", lang)
        parts, rows = [], []
        for k, (_, survival) in enumerate(self.cohorts):
            share, end = survival.share, len(survival.share) - 1
            if end < 1 or share[end] != share[end]:  # no curve yet
                continue
            at = min(52, end)
            parts.append(t("said.survival_cohort", lang, year=k + 1,
                           joined=fmt_int(survival.at_risk[0], lang),
                           share=share_words(share[at], lang), weeks=at))  # fmt: skip
            rows.append((t("chart.cohort", lang, year=k + 1), fmt_int(survival.at_risk[0], lang),
                         *(fmt_pct(share[w], lang) if w <= end else NO_VALUE
                           for w in self.SAID_AFTER)))  # fmt: skip
        text = (t("said.survival", lang, week=view.week, cohorts="; ".join(parts)) if parts
                else t("said.survival_none", lang, week=view.week))  # fmt: skip
        return Said(text, caption, columns, tuple(rows))


class SaturationChart(LiveChart):
    """How much of the market has been approached, has joined, buys, has left."""

    size = (4.8, 3.4)
    margins: ClassVar[dict] = {"left": 0.17}
    narrow_size = (NARROW_WIDTH, 3.6)

    def build(self) -> None:
        lang = self.lang
        ax = self.ax = self.fig.add_subplot()
        spec = [("saturation_approached", ORANGE, 2, "chart.ever_approached"),
                ("saturation_joined", BLUE, 2, "chart.ever_joined"),
                ("customers", PROFIT, 1.2, "chart.customers"),
                ("formers", LOSS, 1.2, "chart.formers")]  # fmt: skip
        self.lines = {c: self.add(ax.plot([], [], color=col, lw=lw, label=t(key, lang))[0])
                      for c, col, lw, key in spec}  # fmt: skip
        ax.set_ylim(0, 1)
        ax.set_xlim(0, self.weeks)
        share_axis(ax.yaxis, lang)
        ax.set_xlabel(t("chart.week", lang))
        ax.set_ylabel(t("chart.share_of_population", lang))
        ax.set_title(t("chart.saturation_title", lang))
        self.add_legend(ax, list(self.lines.values()), fontsize=7, loc="upper left")

    def update(self, view: View) -> None:
        s, n = view.series, view.population
        for column, line in self.lines.items():
            values = s[column] if column.startswith("saturation") else s[column] / n
            line.set_data(s.week, values)

    def said(self, view: View) -> Said:
        lang = self.lang
        data = {c: np.asarray(line.get_data()[1]) for c, line in self.lines.items()}
        weeks = np.asarray(next(iter(self.lines.values())).get_data()[0])
        columns = (t("chart.week", lang), *(line.get_label() for line in self.lines.values()))
        caption = t("said.newest_first", lang, title=t("chart.saturation_title", lang))
        if len(weeks) == 0:
            return Said(t("said.nothing_yet", lang, week=view.week), caption, columns, ())
        last = {c: fmt_pct(v[-1], lang, 1) for c, v in data.items()}
        text = t("said.saturation", lang, week=int(weeks[-1]),
                 population=fmt_int(view.population, lang),
                 approached=last["saturation_approached"], joined=last["saturation_joined"],
                 customers=last["customers"], formers=last["formers"])  # fmt: skip
        rows = tuple((str(int(weeks[k])), *(fmt_pct(v[k], lang, 1) for v in data.values()))
                     for k in range(len(weeks) - 1, -1, -1))  # fmt: skip
        return Said(text, caption, columns, rows)


class LorenzChart(LiveChart):
    """Lorenz curve of the money received, with its Gini coefficient."""

    size = (4.2, 3.4)
    margins: ClassVar[dict] = {"left": 0.19, "right": 0.92}
    narrow_size = (NARROW_WIDTH, 3.6)
    narrow_margins: ClassVar[dict] = {"right": 0.91}

    def build(self) -> None:
        lang = self.lang
        ax = self.ax = self.fig.add_subplot()
        equal = ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls=":",
                        label=t("chart.equality", lang))[0]  # fmt: skip
        self.curve = self.add(ax.plot([], [], color=PURPLE, lw=2, label=t("chart.lorenz", lang))[0])
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        share_axis(ax.xaxis, lang)
        share_axis(ax.yaxis, lang)
        ax.set_xlabel(t("chart.share_of_people", lang))
        ax.set_ylabel(t("chart.share_of_money", lang))
        self.add_legend(ax, [equal, self.curve], loc="upper left", fontsize=8)
        self.title = self.add(ax.set_title("", wrap=self.narrow))

    def update(self, view: View) -> None:
        people, money = lorenz(view.gross)
        self.curve.set_data(people, money)
        self.title.set_text(t("chart.lorenz_title", self.lang,
                              gini=fmt_num(view.gini_gross(), self.lang, 2)))  # fmt: skip

    def said(self, view: View) -> Said:
        lang = self.lang
        people, money = (np.asarray(a, dtype=float) for a in self.curve.get_data())
        columns = (t("said.poorest", lang), t("said.their_money", lang))
        if len(people) < 2 or not np.isfinite(money).all() or money[-1] <= 0:
            return Said(t("said.no_money_yet", lang, week=view.week), self.title.get_text(),
                        columns, ())  # fmt: skip
        at = lambda x: float(np.interp(x, people, money))  # noqa: E731
        text = t("said.lorenz", lang, week=view.week, gini=fmt_num(view.gini_gross(), lang, 2),
                 bottom=share_words(at(0.5), lang), top10=share_words(1 - at(0.9), lang),
                 top1=share_words(1 - at(0.99), lang))  # fmt: skip
        rows = tuple((fmt_pct(x, lang), fmt_pct(at(x), lang, 1))
                     for x in np.linspace(0.1, 1.0, 10))  # fmt: skip
        return Said(text, self.title.get_text(), columns, rows)


class MoneyChart(LiveChart):
    """Where each euro of the company's revenue went, month by month (the handout's
    ``money_bars``, drawn as one collection per part): the cost of the goods, commissions,
    recruiting rewards and what the company kept; the payout ratio and the breakage so far
    in the title."""

    size = (6.4, 3.4)
    margins: ClassVar[dict] = {"left": 0.14}
    narrow_size = (NARROW_WIDTH, 3.6)
    narrow_margins: ClassVar[dict] = {"left": 0.2, "top": 0.84}

    def build(self) -> None:
        lang = self.lang
        ax = self.ax = self.fig.add_subplot()
        self.months = max(self.weeks // WEEKS_PER_MONTH, 1)
        self.bars = {
            part: self.add(ax.add_collection(PolyCollection(
                [], facecolors=colour, edgecolors="none", label=t(f"chart.money_{part}", lang),
            ), autolim=False))
            for part, colour in MONEY_COLOURS.items()
        }  # fmt: skip
        ax.set_xlim(0.5, self.months + 0.5)
        ax.set_ylim(0, 10)
        ax.yaxis.set_major_formatter(lambda y, _: money_label(y))
        ax.set_xlabel(t("chart.month", lang))
        ax.set_ylabel(t("chart.eur_per_month", lang))
        self.add_legend(ax, list(self.bars.values()), fontsize=7, loc="upper center",
                        ncols=len(self.bars), frameon=False)  # fmt: skip
        self.title = self.add(ax.set_title("", wrap=self.narrow))
        self.title.set_fontsize(self.pt(9))

    def update(self, view: View) -> float:
        months = money_by_month(view.series, WEEKS_PER_MONTH)
        self.by_month = months  # for ``said``
        x = months.month.to_numpy(dtype=float)
        bottom = np.zeros(len(months))
        for part, bars in self.bars.items():
            height = np.maximum(months[part].to_numpy(dtype=float), 0.0)
            bars.set_verts(self._outlines(x, bottom, bottom + height))
            bottom += height
        s = view.series
        ratio = s.payout_ratio.iloc[-1] if len(s) else float("nan")
        breakage = s.breakage.sum() if len(s) else 0.0
        self.title.set_text(money_title({"payout_ratio": ratio, "breakage": breakage}, self.lang))
        return self._fit(self.ax, bottom.max(initial=0.0))

    def said(self, view: View) -> Said:
        lang = self.lang
        months = self.by_month
        columns = (t("chart.month", lang), t("said.revenue", lang),
                   *(t(f"chart.money_{part}", lang) for part in self.bars))  # fmt: skip
        caption = t("said.newest_first", lang, title=self.title.get_text())
        revenue = float(months.company_revenue.sum()) if len(months) else 0.0
        if revenue <= 0:
            return Said(t("said.no_money_yet", lang, week=view.week), caption, columns, ())
        share = {part: share_words(float(months[part].sum()) / revenue, lang) for part in self.bars}
        text = t("said.money", lang, week=view.week, months=len(months),
                 revenue=fmt_eur(revenue, lang), **share)  # fmt: skip
        rows = tuple(
            (str(int(m.month)), fmt_eur(m.company_revenue, lang),
             *(fmt_eur(getattr(m, part), lang) for part in self.bars))
            for m in months.iloc[::-1].itertuples()
        )  # fmt: skip
        return Said(text, caption, columns, rows)

    @staticmethod
    def _outlines(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        left, right = x - 0.45, x + 0.45
        xs = np.stack([left, left, right, right], axis=1)
        ys = np.stack([lo, hi, hi, lo], axis=1)
        return np.stack([xs, ys], axis=2)


# the charts of the simulation page, each drawn from the page's one view
ALL_CHARTS: dict[str, type[LiveChart]] = {
    "income_heatmap": IncomeHeatmap,
    "net_histogram": NetHistogram,
    "people": PeopleChart,
    "survival": SurvivalChart,
    "saturation": SaturationChart,
    "lorenz": LorenzChart,
    "money": MoneyChart,
    "tree": RecruitmentTree,
}


def render(name: str, view: View, lang: str) -> bytes:
    """A chart drawn whole as PNG, for a download."""
    return ALL_CHARTS[name](view.weeks, lang).full(view)


# ---- the compare page ------------------------------------------------------------------------


def _figure(width: float, height: float, narrow: bool) -> tuple[Figure, object]:
    fig = whole_figure((width, height), narrow)
    return fig, fig.add_subplot()


def png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes (``live.picture``)."""
    return picture(fig).png


def band_chart(bands: list[pd.DataFrame], names: list[str], column: str, lang: str,
               narrow: bool = False) -> Figure:  # fmt: skip
    """A weekly column's median and 90 % band for each experiment (for a phone where
    ``narrow``)."""
    fig, ax = _figure(6.0, 3.4, narrow)
    for frame, name, colour in zip(bands, names, SERIES, strict=False):
        b = _band(frame, column)
        band(ax, b.week, b.p5, b.p50, b.p95, colour, label=name)
    label = t(f"column.{column}", lang)
    ax.set_xlabel(t("chart.week", lang))
    if not narrow:  # on a phone the title alone names it: a label beside would not fit
        ax.set_ylabel(label)
    ax.set_title(t("chart.band_title", lang, column=label))
    ax.legend(fontsize=8)
    return finish_figure(fig, narrow)


def _band(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame[frame.column == column]


def band_said(bands: list[pd.DataFrame], names: list[str], column: str, lang: str) -> str:
    """``band_chart`` in words: where each experiment's median and band end."""
    value = fmt_eur if column.startswith("cumulative_net") else fmt_int
    parts = []
    for frame, name in zip(bands, names, strict=False):
        b = _band(frame, column)
        if len(b):
            end = b.iloc[-1]
            parts.append(t("said.band_item", lang, name=name, p50=value(end.p50, lang),
                           p5=value(end.p5, lang), p95=value(end.p95, lang)))  # fmt: skip
    week = int(_band(bands[0], column).week.max()) if len(bands) else 0
    return t("said.band", lang, column=t(f"column.{column}", lang), week=week,
             items="; ".join(parts))  # fmt: skip


def _spreads(outcomes: list[pd.DataFrame]) -> list[pd.DataFrame]:
    return [describe(frame, OUTCOME_SHARES) for frame in outcomes]


def outcomes_chart(outcomes: list[pd.DataFrame], names: list[str], lang: str,
                   narrow: bool = False) -> Figure:  # fmt: skip
    """Loss / break-even / profit shares of each experiment, with 90 % ranges (for a
    phone where ``narrow``)."""
    fig, ax = _figure(6.0, 3.4, narrow)
    outcome_bars(ax, _spreads(outcomes), names, lang)
    return finish_figure(fig, narrow)


def outcomes_said(outcomes: list[pd.DataFrame], names: list[str], lang: str) -> str:
    """``outcomes_chart`` in words: each experiment's mean shares and their 90 % ranges."""
    parts = []
    for spread, name in zip(_spreads(outcomes), names, strict=False):
        kinds = zip(("loss", "even", "profit"), spread.itertuples(), strict=True)
        shares = [t("said.outcome_item", lang, what=t(f"said.outcome_{k}", lang),
                    mean=fmt_pct(r.mean, lang), p5=fmt_pct(r.p5, lang), p95=fmt_pct(r.p95, lang))
                  for k, r in kinds]  # fmt: skip
        parts.append(f"{name}: {', '.join(shares)}")
    return t("said.outcomes", lang, items="; ".join(parts))
