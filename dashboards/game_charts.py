"""The class game's charts: a student's place in the company's income distribution (small,
for a phone), every student in it (for the projector), and the recruitment tree with the
students marked. Matplotlib images in the project's palette (``sim.present``); money on the
signed-log axis of the other charts.
"""

from __future__ import annotations

import itertools
from base64 import b64encode
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from matplotlib.figure import Figure

from dashboards.charts import png
from dashboards.tree import RecruitmentTree, icicle
from dashboards.view import View
from sim.i18n import t
from sim.present import BLUE, EVEN, LOSS, ORANGE, SYMLOG, money_axis

BINS = 40
STUDENT = ORANGE  # a student's mark, against the grey members


def _f(x: np.ndarray) -> np.ndarray:
    """Money on the axis' signed-log scale (linear within +-10, then logarithmic)."""
    return np.sign(x) * np.log10(1 + np.abs(x) / SYMLOG["linthresh"])


def _f_inv(y: np.ndarray) -> np.ndarray:
    return np.sign(y) * SYMLOG["linthresh"] * (10 ** np.abs(y) - 1)


def money_bins(nets: np.ndarray, *more: float) -> np.ndarray:
    """Bin edges even on the signed-log axis, from the lowest to the highest value."""
    values = np.concatenate([np.asarray(nets, float), np.asarray(more, float), [-100.0, 100.0]])
    lo, hi = _f(np.array([values.min(), values.max()]))
    return _f_inv(np.linspace(lo, hi, BINS + 1))


def _histogram(ax, nets: np.ndarray, edges: np.ndarray, lang: str) -> float:
    counts, _ = np.histogram(nets, bins=edges)
    colours = [LOSS if hi <= -100 else BLUE if lo >= 100 else EVEN
               for lo, hi in itertools.pairwise(edges)]  # fmt: skip
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=colours, lw=0)
    ax.set_xscale("symlog", **SYMLOG)
    money_axis(ax.xaxis)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(t("game.student.chart_x", lang), fontsize=8)
    ax.set_ylabel(t("game.student.chart_y", lang), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return float(counts.max(initial=1))


@dataclass(frozen=True)
class Standing:
    """All members' net since joining, drawn once per round and language for every
    student: ``at(net)`` is where a net income lies across the image (0 to 1), and
    ``top``/``bottom`` where the axes are (0 at the image's top), for the student's own
    mark laid over the image by the page."""

    png: bytes
    left: float
    right: float
    top: float
    bottom: float
    lo: float
    hi: float
    scale: object  # the x axis' signed-log transform (matplotlib's own)

    @cached_property
    def base64(self) -> str:
        """The image as a data address takes it: encoded once for every phone."""
        return b64encode(self.png).decode()

    def at(self, net: float) -> float:
        x, lo, hi = self.scale.transform(np.array([min(max(net, self.lo), self.hi), self.lo,
                                                    self.hi]))  # fmt: skip
        return self.left + (x - lo) / max(hi - lo, 1e-9) * (self.right - self.left)


def standing(nets: np.ndarray, lang: str) -> Standing:
    """The phone's chart of the company's income distribution, without a student's mark
    (``Standing.at`` places it): one drawing serves the whole class."""
    fig = Figure(figsize=(3.9, 2.3), dpi=100)
    fig.subplots_adjust(left=0.16, right=0.97, top=0.86, bottom=0.22)
    ax = fig.add_subplot()
    edges = money_bins(nets)
    _histogram(ax, nets, edges, lang)
    ax.set_title(t("game.student.chart_title", lang), fontsize=9)
    box = ax.get_position()
    return Standing(png(fig), box.x0, box.x1, 1 - box.y1, 1 - box.y0, edges[0], edges[-1],
                    ax.xaxis.get_transform())  # fmt: skip


def class_png(nets: np.ndarray, students: list[tuple[float, str]], lang: str) -> bytes:
    """All members' net since joining with every student marked below the bars (and
    named, when ``students`` carries names): for the projector."""
    fig = Figure(figsize=(8.0, 3.6), dpi=100)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.16)
    ax = fig.add_subplot()
    mine = [net for net, _ in students]
    top = _histogram(ax, nets, money_bins(nets, *mine), lang)
    ax.set_ylim(-0.25 * top, top * 1.05)
    ax.set_yticks([y for y in ax.get_yticks() if 0 <= y <= top * 1.05])  # no count below 0
    ax.axhline(0, color="#444", lw=0.6)
    order = np.argsort(mine, kind="stable")
    for rank, i in enumerate(order):
        net, name = students[i]
        y = -0.07 * top - (rank % 3) * 0.06 * top  # three rows: neighbours stay apart
        ax.plot([net], [y], "^", color=STUDENT, ms=7, mec="white", mew=0.6)
        if name:
            ax.annotate(name, (net, y), xytext=(4, -3), textcoords="offset points",
                        fontsize=6.5, color="#222")  # fmt: skip
    ax.set_title(t("game.reveal.distribution", lang), fontsize=11)
    return png(fig)


class MarkedTree(RecruitmentTree):
    """The recruitment tree with the networkers ``marked`` (ledger ids) as triangles."""

    def __init__(self, weeks: int, lang: str, marked: np.ndarray, dpi: int = 100):
        self.marked = np.asarray(marked, dtype=np.int64)
        super().__init__(weeks, lang, dpi=dpi)

    def build(self) -> None:
        super().build()
        self.students = self.add(self.ax.plot([], [], "^", color=STUDENT, ms=8, mec="black",
                                              mew=0.8)[0])  # fmt: skip

    def update(self, view: View):
        layout = super().update(view)
        placed = icicle(view.sponsor)
        ids = self.marked[(self.marked >= 0) & (self.marked < len(view.sponsor))]
        x = placed.x0[ids] + placed.width[ids] / 2
        self.students.set_data(x, placed.depth[ids] + 0.85)
        return layout


def tree_png(view: View, marked: np.ndarray, lang: str) -> bytes:
    return MarkedTree(view.weeks, lang, marked).full(view, dpi=100)
