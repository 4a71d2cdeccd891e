"""The recruitment tree: who recruited whom, as an icicle chart that a class reads at a glance.

Every networker who ever joined is a bar at their level (founders at the top, their
recruits one level down, and so on), as wide as the share of everyone who joined below
them, themselves included: a founder whose downline holds half the company spans half the
width. Each bar is coloured by that person's net income so far (red a loss, grey about
even, blue a profit) and drawn pale once they have quit. Bars narrower than a pixel are
averaged into it, so 10^5 people stay readable. Beside the tree, each level's share of
the people and of the money received: the few at the top, most of the money.

The tree is the one of enrolment (``first_sponsor`` in the records): a person keeps their
place when their sponsor quits, so the picture only grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap, SymLogNorm

from dashboards.live import NARROW_WIDTH, LiveChart, Said, share_words
from dashboards.view import View
from sim.compensation import depths, subtree_sums
from sim.i18n import fmt_eur, fmt_int, fmt_pct, t
from sim.present import BLUE, EVEN, LOSS, PROFIT, money_label

# +-100 EUR (about break-even) in the grey middle; beyond +-10,000 the darkest colour
NET_NORM = SymLogNorm(linthresh=100.0, linscale=0.6, vmin=-10_000, vmax=10_000, base=10)
# colours at -10k, -1k, -100, 0, 100, 1k, 10k: a loss of a few hundred is plainly red; the
# ends are LOSS and PROFIT halfway to black, the pale ones halfway to white
NET_COLOURS = LinearSegmentedColormap.from_list(
    "net",
    list(zip(NET_NORM([-10_000, -1_000, -100, 0, 100, 1_000, 10_000]),
             ["#661908", LOSS, "#e59988", EVEN, "#7fbbdd", PROFIT, "#003b5d"], strict=True)),
)  # fmt: skip
QUIT_PALE = 0.7  # a quitter's colour is mixed with this much white
ROWS_PER_LEVEL = 5  # image rows per level: the last one stays white, a gap between levels
TOP_EARNERS = 3  # marked with their net income
MONEY = "#b7950b"  # the money received, beside the tree
SHARE_AXES = (0.25, 0.5, 1.0)  # the axis of the shares per level ends at the first that fits


@dataclass(frozen=True)
class Icicle:
    """Where each networker's bar lies: ``depth`` (0 for founders), left edge ``x0`` and
    ``width`` as shares of the whole width (the share of people in their subtree)."""

    depth: np.ndarray
    x0: np.ndarray
    width: np.ndarray


def icicle(sponsor: np.ndarray) -> Icicle:
    """The icicle layout of a tree given by each node's sponsor (-1 for a root).

    Roots sit side by side in the order of their ids; below a node, its recruits in the
    order they joined, each as wide as its subtree. Nodes must be numbered so that a
    sponsor's id is lower than its recruits' (the order in which people join).
    """
    sponsor = np.asarray(sponsor, dtype=np.int64)
    n = len(sponsor)
    if n == 0:
        empty = np.zeros(0)
        return Icicle(np.zeros(0, dtype=np.int64), empty, empty)
    depth = depths(sponsor)
    width = subtree_sums(sponsor, np.ones(n), depth) / n
    x0 = np.zeros(n)
    order = np.lexsort((np.arange(n), sponsor, depth))  # by level, sponsor, joining
    bounds = np.flatnonzero(np.diff(depth[order])) + 1
    for level in np.split(order, bounds):
        up = sponsor[level]
        w = width[level]
        before = np.cumsum(w) - w  # widths to the left within the level
        first = np.r_[True, up[1:] != up[:-1]]  # the first recruit of each sponsor
        group = np.cumsum(first) - 1
        start = np.where(up >= 0, x0[np.maximum(up, 0)], 0.0)
        x0[level] = start + before - before[first][group]
    return Icicle(depth, x0, width)


def raster(layout: Icicle, colours: np.ndarray, pixels: int, levels: int) -> np.ndarray:
    """The icicle as an RGB image, ``levels`` levels of ``ROWS_PER_LEVEL`` rows each and
    ``pixels`` columns; each pixel the colours of the bars within it, weighted by how much
    of it they cover (white where none)."""
    image = np.ones((levels * ROWS_PER_LEVEL, pixels, 3))
    edges = np.linspace(0.0, 1.0, pixels + 1)
    for level in range(min(levels, int(layout.depth.max(initial=-1)) + 1)):
        members = np.flatnonzero(layout.depth == level)
        members = members[np.argsort(layout.x0[members], kind="stable")]
        left, w = layout.x0[members], layout.width[members]
        # ink = what a bar adds over white: white minus its colour, times the width covered
        ink = np.column_stack([1.0 - colours[members], np.ones(len(members))])
        cum = np.vstack([np.zeros(4), np.cumsum(ink * w[:, None], axis=0)])
        k = np.searchsorted(left, edges, side="right") - 1  # the bar starting before each edge
        inside = np.clip(edges - left[np.maximum(k, 0)], 0.0, w[np.maximum(k, 0)])
        covered = np.where(
            (k >= 0)[:, None], cum[np.maximum(k, 0)] + ink[np.maximum(k, 0)] * inside[:, None], 0
        )
        per_pixel = np.diff(covered, axis=0) * pixels  # the average ink of each pixel
        row = 1.0 - per_pixel[:, :3]
        top = level * ROWS_PER_LEVEL
        image[top : top + ROWS_PER_LEVEL - 1] = np.clip(row, 0.0, 1.0)
    return image


# the colour scale as a table of 512 steps: a look-up per person instead of a colour map
# call (a company of 10^6 people: 0.03 s instead of 0.6 s)
_STEPS = np.linspace(0.0, 1.0, 512)
_EDGES = NET_NORM.inverse((_STEPS[:-1] + _STEPS[1:]) / 2)
_TABLE = NET_COLOURS(_STEPS)[:, :3]


def bar_colours(net: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Each networker's colour: net income on the red-grey-blue scale, pale if quit."""
    rgb = _TABLE[np.searchsorted(_EDGES, np.asarray(net, dtype=np.float64))]
    return np.where(np.asarray(active)[:, None], rgb, rgb * (1 - QUIT_PALE) + QUIT_PALE)


def level_shares(depth: np.ndarray, gross: np.ndarray, levels: int) -> tuple[np.ndarray, ...]:
    """Each level's share of the people and of the money received."""
    people = np.bincount(depth, minlength=levels)[:levels].astype(np.float64)
    money = np.bincount(depth, weights=np.maximum(gross, 0.0), minlength=levels)[:levels]
    return people / max(people.sum(), 1.0), money / money.sum() if money.sum() > 0 else money


class RecruitmentTree(LiveChart):
    """The recruitment tree as an icicle, with each level's share of people and money."""

    size = (8.0, 4.4)
    margins: ClassVar[dict] = {}
    # a phone: the colour scale under the tree, the notes below it wrapped
    narrow_size = (NARROW_WIDTH, 5.2)
    start_levels = 6

    def build(self) -> None:
        lang = self.lang
        fig = self.fig
        narrow = self.narrow
        if narrow:
            self.ax = ax = fig.add_axes((0.14, 0.45, 0.56, 0.44))
            self.side = side = fig.add_axes((0.73, 0.45, 0.18, 0.44), sharey=ax)
            bar = fig.add_axes((0.14, 0.35, 0.77, 0.025))
        else:
            self.ax = ax = fig.add_axes((0.075, 0.17, 0.6, 0.69))
            self.side = side = fig.add_axes((0.705, 0.17, 0.14, 0.69), sharey=ax)
            bar = fig.add_axes((0.9, 0.17, 0.016, 0.69))
        self.levels = self.start_levels
        self.pixels = max(round(ax.get_position().width * fig.get_figwidth() * fig.dpi), 50)
        self.image = self.add(ax.imshow(np.ones((ROWS_PER_LEVEL, self.pixels, 3)),
                                        aspect="auto", interpolation="nearest",
                                        extent=(0, 1, self.levels, 0)))  # fmt: skip
        # a frame paints the icicle into the pixels itself (``paint``): resampling the
        # image cost more than the rest of the chart; the image serves the downloads
        self.image.set_visible(False)
        self.painted = self.image
        self.picture = np.zeros((0, self.pixels, 3), np.uint8)
        ax.set_autoscale_on(False)
        ax.set_xlim(0, 1)
        ax.set_xticks([])
        # on a phone the level's long explanation would not fit beside the tree: the
        # panel's text and the table say what a level is
        ax.set_ylabel(t("tree.level_short" if narrow else "tree.level", lang))
        self.earners = self.add(ax.plot([], [], "v", color=BLUE, ms=7, mec="white", mew=0.8)[0])
        style = {"fontsize": self.pt(8), "color": BLUE, "ha": "center", "va": "bottom",
                 "weight": "bold"}  # fmt: skip
        self.labels = [self.add(ax.text(0, 0, "", **style)) for _ in range(TOP_EARNERS)]
        self.people = self.add(side.add_collection(PolyCollection([], facecolors=EVEN)))
        self.money = self.add(side.add_collection(PolyCollection([], facecolors=MONEY)))
        self._set_share_axis(1.0)
        side.tick_params(labelleft=False, labelsize=self.pt(7), left=False)
        side.set_title(t("tree.per_level", lang), fontsize=self.pt(8), wrap=narrow)
        keys = [side.plot([], [], color=EVEN, lw=6, label=t("tree.people", lang))[0],
                side.plot([], [], color=MONEY, lw=6, label=t("tree.money", lang))[0]]  # fmt: skip
        if narrow:  # under the notes, across the figure
            fig.legend(handles=keys, loc="lower left", bbox_to_anchor=(0.12, 0.0), ncols=2,
                       fontsize=self.pt(7), handlelength=1, frameon=False)  # fmt: skip
        else:
            side.legend(handles=keys, loc="lower right", fontsize=7, handlelength=1)
        colorbar = fig.colorbar(ScalarMappable(NET_NORM, NET_COLOURS), cax=bar,
                                orientation="horizontal" if narrow else "vertical")  # fmt: skip
        ticks = [-10_000, -1_000, -100, 0, 100, 1_000, 10_000]
        colorbar.set_ticks(ticks, labels=[money_label(x) for x in ticks])
        colorbar.ax.tick_params(labelsize=self.pt(7))
        if narrow:
            colorbar.set_label(t("tree.net", lang), fontsize=self.pt(8), labelpad=1)
        else:
            bar.set_title(t("tree.net", lang), fontsize=8, loc="center")
        x, notes = (0.03, (0.255, 0.15)) if narrow else (0.075, (0.1, 0.05))
        for y, key in zip(notes, ("tree.width", "tree.key"), strict=True):
            fig.text(x, y, t(key, lang), fontsize=self.pt(8), color="#444", va="top", wrap=narrow)
        self.title = self.add(fig.text(x, 0.985, "", fontsize=11, va="top", wrap=True) if narrow
                              else fig.text(x, 0.93, "", fontsize=11, va="bottom"))  # fmt: skip
        self._set_levels(self.levels)

    def _set_levels(self, levels: int) -> None:
        self.levels = levels
        self.ax.set_ylim(levels, 0)
        self.ax.set_yticks(np.arange(levels) + 0.5, [str(i) for i in range(levels)],
                           fontsize=self.pt(7))  # fmt: skip
        step = max(1, levels // (8 if self.narrow else 12))
        for i, label in enumerate(self.ax.get_yticklabels()):
            label.set_visible(i % step == 0)

    def _set_share_axis(self, top: float) -> None:
        self.side.set_xlim(0, top)
        ticks = [top] if self.narrow else [top / 2, top]  # a phone: room for one label
        self.side.set_xticks(ticks, [fmt_pct(x, self.lang) for x in ticks])

    def levels_for(self, deepest: int) -> int:
        """The levels the axis shows for a tree ``deepest`` levels deep: room to grow, and
        a function of the depth alone (a frame depends on its view, not on the frames
        drawn before it)."""
        levels = self.start_levels
        while levels < deepest:
            levels = max(levels + 2, int(levels * 1.5))
        return levels

    def update(self, view: View) -> tuple[int, float]:
        lang = self.lang
        layout = icicle(view.sponsor)
        deepest = int(layout.depth.max(initial=0)) + 1
        levels = self.levels_for(deepest)
        if levels != self.levels:
            self._set_levels(levels)
        colours = bar_colours(view.net, view.exit_week < 0)
        picture = raster(layout, colours, self.pixels, deepest)
        self.image.set_data(picture)  # for the downloads; a frame paints it (``paint``)
        self.image.set_extent((0, 1, deepest, 0))
        self.picture = (picture * 255).round().astype(np.uint8)
        top = np.argsort(-view.net, kind="stable")[:TOP_EARNERS]
        top = top[view.net[top] > 0]
        x = layout.x0[top] + layout.width[top] / 2
        self.earners.set_data(x, layout.depth[top] + 0.1)
        shown: list[tuple[float, int]] = []
        for i, text in enumerate(self.labels):
            where = (x[i], int(layout.depth[top[i]])) if i < len(top) else None
            # a label that would overlap a higher earner's is left out (the mark stays)
            free = where is not None and all(
                abs(where[0] - x2) > (0.3 if self.narrow else 0.15) or abs(where[1] - d2) > 1
                for x2, d2 in shown
            )
            if free:
                shown.append(where)
                text.set_position((where[0], where[1] + 0.05))
                text.set_text(fmt_eur(view.net[top[i]], lang))
            text.set_visible(free)
        people, money = level_shares(layout.depth, view.gross, deepest)
        self.shown = (people, money, view.net[top], layout.depth)  # for ``said``
        top_share = next(x for x in SHARE_AXES if x >= max(people.max(), money.max(initial=0)))
        if top_share != self.side.get_xlim()[1]:
            self._set_share_axis(top_share)
        half = 0.4
        self.people.set_verts([[(0, d - half + 0.5), (p, d - half + 0.5), (p, d + 0.5),
                                (0, d + 0.5)] for d, p in enumerate(people)])  # fmt: skip
        self.money.set_verts([[(0, d + 0.5), (m, d + 0.5), (m, d + half + 0.5),
                               (0, d + half + 0.5)] for d, m in enumerate(money)])  # fmt: skip
        key = "tree.title" if deepest > 1 else "tree.title_founders"
        self.title.set_text(t(key, lang, n=fmt_int(len(view.net), lang), levels=deepest,
                              week=view.week))  # fmt: skip
        return levels, top_share

    def said(self, view: View) -> Said:
        lang = self.lang
        people, money, earners, depth = self.shown
        columns = (t("tree.level", lang), t("said.people", lang), t("said.share_people", lang),
                   t("said.share_money", lang))  # fmt: skip
        caption = self.title.get_text()
        if len(depth) == 0:
            return Said(t("said.nobody_yet", lang, week=view.week), caption, columns, ())
        counts = np.bincount(depth, minlength=len(people))
        low = len(people) - 1
        text = " ".join([
            t("said.tree" if low > 0 else "said.tree_founders", lang, week=view.week,
              n=fmt_int(len(depth), lang), levels=low + 1),
            t("said.tree_top", lang, people=share_words(people[0], lang),
              money=share_words(money[0], lang)),
            t("said.tree_bottom", lang, level=low, people=share_words(people[low], lang),
              money=share_words(money[low], lang)) if low > 0 else "",
            t("said.tree_earners", lang, earners=", ".join(fmt_eur(x, lang) for x in earners))
            if len(earners) else "",
        ]).strip()  # fmt: skip
        rows = tuple((str(d), fmt_int(counts[d], lang), fmt_pct(people[d], lang, 1),
                      fmt_pct(money[d], lang, 1)) for d in range(len(people)))  # fmt: skip
        return Said(" ".join(text.split()), caption, columns, rows)

    def paint(self) -> None:
        """The icicle's picture into the canvas, each pixel of the axes taking the colour
        of the picture's row and column it lies in (as the image would, unresampled)."""
        height, x0, y0, x1, y1, c0, c1, r0, r1 = self.axes_pixels()
        x = (np.arange(c0, c1) + 0.5 - x0) / (x1 - x0)  # 0 .. 1 across the axes
        column = np.clip((x * self.pixels).astype(int), 0, self.pixels - 1)
        level = (np.arange(r0, r1) + 0.5 - (height - y1)) / (y1 - y0) * self.levels
        row = (level * ROWS_PER_LEVEL).astype(int)  # the picture's row; the top is level 0
        rows = int(np.count_nonzero(row < len(self.picture)))  # the levels there are
        if rows == 0:
            return
        canvas = np.asarray(self.canvas.buffer_rgba())
        canvas[r0 : r0 + rows, c0:c1, :3] = self.picture[row[:rows]][:, column]
        canvas[r0 : r0 + rows, c0:c1, 3] = 255
