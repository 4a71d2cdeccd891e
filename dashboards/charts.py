"""The dashboard's charts, drawn with matplotlib; every label comes from the message catalogs.

A chart of the simulation page is a ``LiveChart``: axes, ticks and labels are drawn once;
each frame only the data (lines, bars, the heat map's image, a few texts) is drawn onto
that background and the pixels are encoded as PNG ("blitting"). That keeps a redraw in
the milliseconds, so Play stays smooth. The axes are fixed in advance (the whole horizon,
shares from 0 to 1); where a count needs a taller axis, the axis takes the next step of
1-2-5 and that background is drawn once and kept. A frame therefore depends on the view
alone, never on the frames drawn before it: one chart object can draw for every viewer
and every run (``dashboards.drawing`` shares them).

Figures are ``matplotlib.figure.Figure`` objects with their own Agg canvas (no pyplot
state), so they can be drawn in any thread. ``render(name, view, lang)`` draws a chart
whole, for the downloads.
"""

from __future__ import annotations

import io
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap, PowerNorm
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from PIL import Image

from dashboards.view import View
from sim import metrics
from sim.experiments import describe
from sim.i18n import fmt_int, fmt_num, fmt_pct, t
from sim.metrics import INCOME_BIN_EDGES, lorenz, outcome, survival_by_cohort
from sim.model import WEEKS_PER_MONTH

DPI = 80
SHARP_DPI = 160  # presentation mode: a projector shows the charts large
LOSS, EVEN, PROFIT = "#c0392b", "#95a5a6", "#27ae60"
OUTCOME_COLOURS = {metrics.LOSS: LOSS, metrics.BREAK_EVEN: EVEN, metrics.PROFIT: PROFIT}
BLUE, LIGHT_BLUE, PURPLE, ORANGE = "#1a5276", "#2e86c1", "#8e44ad", "#e67e22"
REASON_COLOURS = {
    "discouraged": ORANGE,
    "financial": LOSS,
    "life": "#7f8c8d",
    "no_market": "#8e44ad",
}
HEAT = LinearSegmentedColormap.from_list("heat", ["#ffffff", "#f9e79f", ORANGE, "#78281f"])
SYMLOG = {"linthresh": 10.0, "linscale": 0.5}
MARGINS = {"left": 0.13, "right": 0.97, "bottom": 0.15, "top": 0.9}
MONEY_TICKS = np.array([-10_000, -1_000, -100, -10, 0, 10, 100, 1_000, 10_000], dtype=float)
NET_EDGES = np.concatenate(
    [-np.array([30_000, 10_000, 3_000, 1_000, 300, 100, 30, 10.0]), [0.0],
     np.array([10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000.0])]
)  # fmt: skip


def _money_label(x: float) -> str:
    sign = "\u2212" if x < 0 else ""
    x = abs(x)
    return f"{sign}{x / 1000:g}k" if x >= 1000 else f"{sign}{x:g}"


def _money_axis(axis) -> None:
    """Plain-text ticks on a signed-log money axis (the default ticks use slow mathtext)."""
    axis.set_ticks(MONEY_TICKS, [_money_label(x) for x in MONEY_TICKS])
    axis.set_minor_locator(NullLocator())


def _bin_position(values) -> np.ndarray:
    """Where incomes fall on the heat map's bin axis (bin k spans k .. k+1)."""
    inner = INCOME_BIN_EDGES[1:-1]
    return np.interp(values, inner, np.arange(1, len(inner) + 1), left=0.5,
                     right=len(inner) + 0.5)  # fmt: skip


def nice_limit(peak: float) -> float:
    """The axis top for counts up to ``peak``: the first of 10, 20, 50, 100, 200, ... with
    a fifth of headroom. A function of the peak alone, so every frame of the same data
    looks the same, and the axis changes a few times in a run, not every week."""
    need = max(float(peak) * 1.2, 10.0)
    scale = 10.0 ** np.floor(np.log10(need))
    return float(next(m * scale for m in (1, 2, 5, 10) if m * scale >= need))


def fit_texts(fig: Figure) -> None:
    """Shrink titles and axis labels that would stick out of the figure (German words are
    long) until they fit: smaller type rather than a cut-off word."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    box = fig.bbox
    # (text, its extent's coordinates that must lie within the figure): a label's place
    # across its axis is settled only when drawn, its place along it already is
    for ax in fig.axes:
        for text, along in ((ax.title, "x"), (ax.xaxis.label, "x"), (ax.yaxis.label, "y")):
            while text.get_text() and text.get_fontsize() > 6:
                extent = text.get_window_extent(renderer)
                lo, hi = (extent.x0, extent.x1) if along == "x" else (extent.y0, extent.y1)
                top = box.x1 if along == "x" else box.y1
                if lo >= -0.5 and hi <= top + 0.5:
                    break
                text.set_fontsize(text.get_fontsize() - 0.5)


class AxesPixels(NamedTuple):
    """The axes on the canvas: the canvas height, the axes' corners (x0, y0 at the bottom
    left, y upwards) and the whole pixel columns c0..c1 and rows r0..r1 (rows downwards)."""

    height: int
    x0: float
    y0: float
    x1: float
    y1: float
    c0: int
    c1: int
    r0: int
    r1: int


class LiveChart:
    """A chart whose static parts are drawn once per layout and whose data is redrawn per
    frame. ``update`` returns the layout a view needs (a hashable value, e.g. the axis
    limits); a background is drawn once per layout and kept."""

    size = (6.4, 3.4)
    margins: ClassVar[dict] = {}
    painted = None  # an image artist hidden in frames, which ``paint`` draws instead
    layouts_kept = 8  # backgrounds kept per chart (each is one image of the chart)

    def __init__(self, weeks: int, lang: str, dpi: int = DPI):
        self.weeks, self.lang = weeks, lang
        self.fig = Figure(figsize=self.size, dpi=dpi)
        self.fig.subplots_adjust(**{**MARGINS, **self.margins})
        self.canvas = FigureCanvasAgg(self.fig)
        self.dynamic: list = []  # artists drawn every frame
        self._backgrounds: dict = {}  # layout -> the static parts drawn for it
        self.build()
        fit_texts(self.fig)

    def build(self) -> None:
        """Create axes, static decoration and the dynamic artists (``animated=True``)."""
        raise NotImplementedError

    def update(self, view: View) -> object:
        """Put the view's data into the dynamic artists and set the axes it needs; return
        that layout (hashable; None where the axes never change)."""
        raise NotImplementedError

    def add(self, artist):
        artist.set_animated(True)
        self.dynamic.append(artist)
        return artist

    def frame(self, view: View) -> bytes:
        """The chart for ``view`` as PNG bytes: the same bytes for the same view, whatever
        was drawn before."""
        layout = self.update(view)
        background = self._backgrounds.get(layout)
        if background is None:
            self.canvas.draw()  # static parts only: dynamic artists are animated
            background = self.canvas.copy_from_bbox(self.fig.bbox)
            if len(self._backgrounds) >= self.layouts_kept:
                self._backgrounds.pop(next(iter(self._backgrounds)))
            self._backgrounds[layout] = background
        else:
            self.canvas.restore_region(background)
        self.paint()
        for artist in self.dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba())
        # 256 colours are plenty for a chart and the PNG of a palette image is made in half
        # the time and is half the size (the page sends it to every viewer)
        image = image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def paint(self) -> None:
        """Draw data straight into the pixels, before the dynamic artists (the heat map,
        the tree): ``painted`` is the image artist it stands in for."""

    def axes_pixels(self) -> AxesPixels:
        """Where the axes lie on the canvas, in pixels (for ``paint``)."""
        height = self.canvas.get_width_height()[1]
        (x0, y0), (x1, y1) = self.ax.get_window_extent().get_points()
        return AxesPixels(height, x0, y0, x1, y1, int(np.ceil(x0)), int(np.floor(x1)),
                          int(np.ceil(height - y1)), int(np.floor(height - y0)))  # fmt: skip

    def full(self, view: View, dpi: int = 100) -> bytes:
        """The chart drawn whole, at print quality (for the downloads): the image that
        ``paint`` stands in for in a frame is drawn as an image here."""
        self.update(view)
        for artist in self.dynamic:
            artist.set_animated(False)
        if self.painted is not None:
            self.painted.set_visible(True)
        try:
            buf = io.BytesIO()
            self.fig.savefig(buf, format="png", dpi=dpi)
            return buf.getvalue()
        finally:
            if self.painted is not None:
                self.painted.set_visible(False)

    @staticmethod
    def _fit(ax, peak: float) -> float:
        """Set the y-axis for counts up to ``peak`` (see ``nice_limit``); its top."""
        top = nice_limit(peak)
        if ax.get_ylim() != (0, top):
            ax.set_ylim(0, top)
        return top


class IncomeHeatmap(LiveChart):
    """Week x monthly net income (half-decade bins: a signed log scale) of active
    networkers; colour = share of them; the median and 10th/90th percentiles over it."""

    size = (8.0, 4.2)
    margins: ClassVar[dict] = {"left": 0.1, "right": 0.92}

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
        self.legend = ax.legend(handles=[self.median, self.p10], loc="upper left", fontsize=8)
        # the week shown: the chart moves with every Step, also before the first month
        # closes, when nobody has a monthly income yet (week 4, docs/model.md section 3)
        self.now = self.add(ax.axvline(0, color="#555", lw=0.8, ls=":"))
        self.note = self.add(ax.text(
            0.5, 0.5, t("chart.first_month", lang, week=WEEKS_PER_MONTH), transform=ax.transAxes,
            ha="center", va="center", fontsize=9, wrap=True,
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
        ))  # fmt: skip
        inner = INCOME_BIN_EDGES[1:-1]
        ticks = [k + 1 for k, e in enumerate(inner) if abs(e) in (10, 100, 1_000, 10_000)]
        ax.set_yticks(ticks, [_money_label(inner[k - 1]) for k in ticks])
        ax.set_ylim(0, n_bins)
        ax.set_xlim(0, self.weeks)
        ax.set_xlabel(t("chart.week", lang))
        ax.set_ylabel(t("chart.monthly_net_eur", lang))
        ax.set_title(t("chart.income_over_time", lang))

    def update(self, view: View) -> None:
        hist = view.income_hist.astype(float)
        totals = hist.sum(axis=1, keepdims=True)
        share = np.divide(hist, totals, out=np.full_like(hist, np.nan), where=totals > 0)
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
        _money_axis(ax.xaxis)
        ax.set_xlim(NET_EDGES[0], NET_EDGES[-1])
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(lambda y, _: fmt_pct(y, lang))
        ax.set_xlabel(t("chart.cumulative_net_eur", lang))
        ax.set_ylabel(t("chart.share_of_joined", lang))
        self.text = self.add(ax.text(
            0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=9,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
        ))  # fmt: skip
        self.title = self.add(ax.set_title(""))

    def update(self, view: View) -> None:
        lang = self.lang
        counts, _ = np.histogram(np.clip(view.net, NET_EDGES[0], NET_EDGES[-1]), NET_EDGES)
        shares = counts / max(len(view.net), 1)
        self.bars.set_verts(self._bar_outlines(shares))
        loss, even, profit = view.shares()
        self.text.set_text("\n".join([
            t("chart.share_loss", lang, share=fmt_pct(loss, lang)),
            t("chart.share_even", lang, share=fmt_pct(even, lang)),
            t("chart.share_profit", lang, share=fmt_pct(profit, lang)),
        ]))  # fmt: skip
        self.title.set_text(t("chart.net_histogram", lang, week=view.week,
                              n=fmt_int(view.ever_joined, lang)))  # fmt: skip

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
        self.bottom.legend(fontsize=7, ncols=2, loc="upper right")
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


class SurvivalChart(LiveChart):
    """Share still active against weeks since joining, one curve per joining year."""

    size = (4.8, 3.4)
    margins: ClassVar[dict] = {"left": 0.17}

    def build(self) -> None:
        lang = self.lang
        ax = self.ax = self.fig.add_subplot()
        ax.axvline(52, color="grey", lw=0.8, ls=":")
        ax.set_ylim(0, 1)
        ax.set_xlim(0, max(self.weeks, 1))
        ax.yaxis.set_major_formatter(lambda y, _: fmt_pct(y, lang))
        ax.set_xlabel(t("chart.weeks_since_joining", lang))
        ax.set_ylabel(t("chart.share_active", lang))
        ax.set_title(t("chart.survival_title", lang))
        self.curves: list = []
        self.legend_for = 0  # the number of curves the legend names
        self.counts: list = []  # at each curve's end: the people it rests on

    def update(self, view: View) -> int:
        cohorts = survival_by_cohort(view.join_week, view.exit_week, view.week)
        while len(self.curves) < len(cohorts):  # a new joining year: a new line
            year = len(self.curves) + 1
            line = self.add(self.ax.plot(
                [], [], lw=1.5, label=t("chart.cohort", self.lang, year=year))[0])  # fmt: skip
            self.curves.append(line)
            self.counts.append(self.add(self.ax.text(0, 0, "", fontsize=7, color=line.get_color(),
                                                     va="bottom")))  # fmt: skip
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
            count.set_visible(end >= 0 and survival.share[end] == survival.share[end])
        if self.legend_for != len(cohorts):  # the legend names the joining years shown
            legend = self.ax.get_legend()
            if legend is not None:
                legend.remove()
            if cohorts:
                self.ax.legend(
                    handles=self.curves[: len(cohorts)],
                    fontsize=7,
                    loc="upper right",
                    title=t("chart.rests_on_key", self.lang),
                    title_fontsize=7,
                )
            self.legend_for = len(cohorts)
        return len(cohorts)


class SaturationChart(LiveChart):
    """How much of the market has been approached, has joined, buys, has left."""

    size = (4.8, 3.4)
    margins: ClassVar[dict] = {"left": 0.17}

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
        ax.yaxis.set_major_formatter(lambda y, _: fmt_pct(y, lang))
        ax.set_xlabel(t("chart.week", lang))
        ax.set_ylabel(t("chart.share_of_population", lang))
        ax.set_title(t("chart.saturation_title", lang))
        ax.legend(fontsize=7, loc="upper left")

    def update(self, view: View) -> None:
        s, n = view.series, view.population
        for column, line in self.lines.items():
            values = s[column] if column.startswith("saturation") else s[column] / n
            line.set_data(s.week, values)


class LorenzChart(LiveChart):
    """Lorenz curve of the money received, with its Gini coefficient."""

    size = (4.2, 3.4)
    margins: ClassVar[dict] = {"left": 0.19, "right": 0.92}

    def build(self) -> None:
        lang = self.lang
        ax = self.ax = self.fig.add_subplot()
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls=":", label=t("chart.equality", lang))
        self.curve = self.add(ax.plot([], [], color=PURPLE, lw=2, label=t("chart.lorenz", lang))[0])
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.xaxis.set_major_formatter(lambda y, _: fmt_pct(y, lang))
        ax.yaxis.set_major_formatter(lambda y, _: fmt_pct(y, lang))
        ax.set_xlabel(t("chart.share_of_people", lang))
        ax.set_ylabel(t("chart.share_of_money", lang))
        ax.legend(loc="upper left", fontsize=8)
        self.title = self.add(ax.set_title(""))

    def update(self, view: View) -> None:
        people, money = lorenz(view.gross)
        self.curve.set_data(people, money)
        self.title.set_text(t("chart.lorenz_title", self.lang,
                              gini=fmt_num(view.gini_gross(), self.lang, 2)))  # fmt: skip


# the charts of the simulation page, each drawn from the page's one view
ALL_CHARTS: dict[str, type[LiveChart]] = {
    "income_heatmap": IncomeHeatmap,
    "net_histogram": NetHistogram,
    "people": PeopleChart,
    "survival": SurvivalChart,
    "saturation": SaturationChart,
    "lorenz": LorenzChart,
}
# the recruitment tree (dashboards/tree.py) builds on LiveChart and adds itself
from dashboards import tree  # noqa: E402, F401


def render(name: str, view: View, lang: str) -> bytes:
    """A chart drawn whole as PNG, for a download."""
    return ALL_CHARTS[name](view.weeks, lang).full(view)


# ---- the compare page ------------------------------------------------------------------------


def _figure(width: float, height: float) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(**MARGINS)
    return fig, fig.add_subplot()


def png(fig: Figure, dpi: int = DPI) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def band_chart(bands: list[pd.DataFrame], names: list[str], column: str, lang: str) -> Figure:
    """A weekly column's median and 90 % band for each experiment."""
    fig, ax = _figure(6.0, 3.4)
    for frame, name, colour in zip(bands, names, [BLUE, LOSS], strict=False):
        b = frame[frame.column == column]
        ax.fill_between(b.week, b.p5, b.p95, color=colour, alpha=0.2)
        ax.plot(b.week, b.p50, color=colour, lw=2, label=name)
    label = t(f"column.{column}", lang)
    ax.set_xlabel(t("chart.week", lang))
    ax.set_ylabel(label)
    ax.set_title(t("chart.band_title", lang, column=label))
    ax.legend(fontsize=8)
    fit_texts(fig)
    return fig


def outcome_bars(outcomes: list[pd.DataFrame], names: list[str], lang: str) -> Figure:
    """Loss / break-even / profit shares of each experiment, with 90 % ranges."""
    fig, ax = _figure(6.0, 3.4)
    keys = metrics.OUTCOME_SHARES
    x = np.arange(len(keys))
    width = 0.8 / max(len(outcomes), 1)
    for i, (frame, name) in enumerate(zip(outcomes, names, strict=True)):
        spread = describe(frame, keys)
        mean, lo, hi = (spread[c].to_numpy() for c in ("mean", "p5", "p95"))
        ax.bar(x + i * width, mean, width, yerr=[mean - lo, hi - mean], capsize=3, label=name,
               color=[BLUE, LOSS][i % 2], alpha=0.85)  # fmt: skip
    ax.set_xticks(x + width * (len(outcomes) - 1) / 2, [t(f"column.{k}", lang) for k in keys])
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda y, _: fmt_pct(y, lang))
    ax.set_ylabel(t("chart.share_of_joined", lang))
    ax.set_title(t("chart.outcomes_title", lang))
    ax.legend(fontsize=8)
    fit_texts(fig)
    return fig
