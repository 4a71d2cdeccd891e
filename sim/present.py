"""One way to present: the palette, the money labels of chart axes and the charts drawn in
more than one place, shared by the dashboard (``dashboards/``), the handout
(``sim/report.py``) and the validation figures (``sim/figures.py``).

A chart function here draws onto an ``Axes`` it is given: the figure's size, resolution and
type sizes belong to the medium (a projector, an A4 page), what the chart shows and in
which colours does not. Labels come from the message catalogs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.ticker import NullLocator

from sim import metrics
from sim.i18n import fmt_eur, fmt_pct, t

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis

# ---- the palette ------------------------------------------------------------------------------
# Paul Tol's colour schemes for colour-blind viewers (P. Tol, "Colour Schemes", SRON technical
# note SRON/EPS/TN/09-002, issue 3.2, 2021; https://personal.sron.nl/~pault/): red, blue,
# cyan and orange of "vibrant", the blue and yellow of "high contrast", the wine of "muted",
# the purple of "bright"; the grey is ours (dark enough for 3:1 on white). Loss and profit
# are red and blue, not red and green: the distances under simulated protanopia,
# deuteranopia and tritanopia (``sim.colour_vision``) and the contrasts on white are in
# docs/colours.md, printed by ``scripts/palette.py`` and asserted
# by tests/test_colour_vision.py.

BLUE, LIGHT_BLUE, PURPLE, ORANGE, GREY = "#004488", "#33bbee", "#882255", "#ee7733", "#888888"
LOSS, EVEN, PROFIT = "#cc3311", GREY, "#0077bb"
OUTCOME_COLOURS = {metrics.LOSS: LOSS, metrics.BREAK_EVEN: EVEN, metrics.PROFIT: PROFIT}
REASON_COLOURS = {"discouraged": ORANGE, "financial": LOSS, "life": GREY, "no_market": PURPLE}
# pyramid risk, a light beside its level in words: Tol's teal, yellow ("high contrast") and red
LIGHTS = {"green": "#009988", "amber": "#ddaa33", "red": LOSS, "n/a": EVEN}
NOTE = "#aa3377"  # a note beside a control (text): a setting changed, a profile adjusted
SERIES = (BLUE, LOSS)  # experiments side by side: the first, the second
SERIES_HATCHES = ("", "//")  # ... and told apart without colour
MONEY_COLOURS = dict(zip(metrics.MONEY_PARTS, (GREY, BLUE, ORANGE, PURPLE), strict=True))
# the income disclosure's pictograph of 100 members (``sim.disclosure.PICTOGRAPH``): the
# more gained, the darker
PICTOGRAPH_COLOURS = {"lost": LOSS, "nothing": EVEN, "gained_little": PROFIT,
                      "gained_more": BLUE}  # fmt: skip
# the words of LIGHTS' levels in colours dark enough to read (4.5:1 on white): Tol's muted
# green, his dark yellow #997700 darkened to reach 4.5:1, red
LIGHT_TEXT = {"green": "#117733", "amber": "#886600", "red": LOSS, "n/a": "#666666"}
# outcomes told apart without colour (WCAG 1.4.1): a minus for a loss, nothing for about
# even, a plus for a profit; on bars as hatching, on a square or a figure as white strokes
OUTCOME_HATCHES = {metrics.LOSS: "--", metrics.BREAK_EVEN: "", metrics.PROFIT: "++"}
_MINUS = ((0.2, 0.5, 0.8, 0.5),)
_PLUS = ((0.2, 0.5, 0.8, 0.5), (0.5, 0.2, 0.5, 0.8))
# the pictograph's marks, strokes (x0, y0, x1, y1) in a unit square: -, none, +, ++
PICTOGRAPH_MARKS = {
    "lost": _MINUS,
    "nothing": (),
    "gained_little": _PLUS,
    "gained_more": ((0.1, 0.5, 0.46, 0.5), (0.28, 0.32, 0.28, 0.68),
                    (0.54, 0.5, 0.9, 0.5), (0.72, 0.32, 0.72, 0.68)),
}  # fmt: skip
BAND_ALPHA = 0.2  # a range (90 % of runs, 10th to 90th percentile) in its line's colour

# ---- money on an axis -------------------------------------------------------------------------

MONEY_TICKS = np.array([-10_000, -1_000, -100, -10, 0, 10, 100, 1_000, 10_000], dtype=float)
SYMLOG = {"linthresh": 10.0, "linscale": 0.5}  # a signed-log money axis


def money_label(x: float) -> str:
    """A tick of a money axis: "1k" for a thousand, a minus sign (U+2212) below zero; the
    same in every language."""
    sign = "\u2212" if x < 0 else ""
    x = abs(x)
    return f"{sign}{x / 1000:g}k" if x >= 1000 else f"{sign}{x:g}"


def money_axis(axis: Axis, ticks=MONEY_TICKS) -> None:
    """Plain-text ticks on a signed-log money axis (the default ticks use slow mathtext)."""
    axis.set_ticks(ticks, [money_label(x) for x in ticks])
    axis.set_minor_locator(NullLocator())


def share_axis(axis: Axis, lang: str) -> None:
    """A share from 0 to 1, in per cent."""
    axis.set_major_formatter(lambda y, _: fmt_pct(y, lang))


# ---- charts drawn in more than one place ------------------------------------------------------


def outcome_bars(ax: Axes, spreads: list[pd.DataFrame], names: list[str] | None, lang: str) -> None:
    """Loss / break-even / profit shares of everyone who joined: the mean of the runs, with
    a whisker over 90 % of them, the mean written above each bar.

    Args:
        ax: where to draw.
        spreads: one table per experiment, rows in the order of ``metrics.OUTCOME_SHARES``,
            with the columns ``mean``, ``p5`` and ``p95`` (``experiments.describe``).
        names: the experiments' names for the legend; a single experiment without a name is
            coloured by outcome (red, grey, blue) and hatched (-, none, +), several by
            experiment (the second hatched).
        lang: the language of the labels.
    """
    x = np.arange(len(metrics.OUTCOME_SHARES))
    n = max(len(spreads), 1)
    width = 0.6 if n == 1 else 0.8 / n
    by_outcome = n == 1 and not names
    for i, spread in enumerate(spreads):
        mean, lo, hi = (spread[c].to_numpy(dtype=float) for c in ("mean", "p5", "p95"))
        colour = list(OUTCOME_COLOURS.values()) if by_outcome else SERIES[i % len(SERIES)]
        hatch = (list(OUTCOME_HATCHES.values()) if by_outcome
                 else SERIES_HATCHES[i % len(SERIES_HATCHES)])  # fmt: skip
        at = x + (i - (n - 1) / 2) * width
        ax.bar(at, mean, width, yerr=[mean - lo, hi - mean], capsize=3, color=colour,
               hatch=hatch, edgecolor="white", lw=0, label=names[i] if names else None)  # fmt: skip
        for xi, m, h in zip(at, mean, hi, strict=True):
            ax.text(xi, min(h + 0.02, 0.97), fmt_pct(m, lang), ha="center", va="bottom",
                    fontsize="small", fontweight="bold")  # fmt: skip
    ax.set_xticks(x, [t(f"chart.outcome_{k}", lang) for k in ("loss", "even", "profit")])
    ax.set_ylim(0, 1)
    share_axis(ax.yaxis, lang)
    ax.set_ylabel(t("chart.share_of_joined", lang))
    ax.set_title(t("chart.outcomes_title", lang))
    if names:
        ax.legend(fontsize=8, loc="upper right")


def band(ax: Axes, x, lo, mid, hi, colour: str = BLUE, label: str | None = None,
         band_label: str | None = None) -> None:  # fmt: skip
    """A median line over its range (90 % of runs, or percentiles) in the same colour."""
    ax.fill_between(x, lo, hi, color=colour, alpha=BAND_ALPHA, lw=0, label=band_label)
    ax.plot(x, mid, color=colour, lw=2, label=label)


def money_title(summary: dict, lang: str) -> str:
    """The title of the chart of where each euro went: the payout ratio and the breakage
    (``summary``: a run's summary, or any dict with those two keys)."""
    return t("chart.money_title", lang, ratio=fmt_pct(summary["payout_ratio"], lang),
             breakage=fmt_eur(summary["breakage"], lang))  # fmt: skip


def money_bars(ax: Axes, months: pd.DataFrame, lang: str) -> None:
    """Where each euro of the company's revenue went, month by month: the cost of the goods,
    commissions, recruiting rewards and what the company kept, stacked (a month in which
    the company paid out more than it kept shows no margin).

    Args:
        ax: where to draw.
        months: ``metrics.money_by_month`` of a run's weekly series.
        lang: the language of the labels.
    """
    bottom = np.zeros(len(months))
    for part, colour in MONEY_COLOURS.items():
        height = np.maximum(months[part].to_numpy(dtype=float), 0.0)
        ax.bar(months.month, height, 0.9, bottom=bottom, color=colour, lw=0,
               label=t(f"chart.money_{part}", lang))  # fmt: skip
        bottom += height
    ax.set_xlim(0.5, max(len(months), 1) + 0.5)
    ax.set_ylim(0, max(bottom.max(initial=0.0) * 1.25, 1.0))  # room for the legend
    ax.set_xlabel(t("chart.month", lang))
    ax.set_ylabel(t("chart.eur_per_month", lang))
    ax.yaxis.set_major_formatter(lambda y, _: money_label(y))
    ax.legend(fontsize=7, loc="upper center", ncols=len(MONEY_COLOURS), frameon=False)


def pictograph_cell(key: str, x: float, y: float, size: float) -> str:
    """One member of the pictograph as SVG: a square in the colour of ``key`` (a category
    of ``PICTOGRAPH_COLOURS``) with its white mark, top left at (x, y)."""
    width = max(size * 0.14, 1.0)
    marks = "".join(
        f'<line x1="{x + x0 * size:g}" y1="{y + y0 * size:g}" x2="{x + x1 * size:g}" '
        f'y2="{y + y1 * size:g}"/>'
        for x0, y0, x1, y1 in PICTOGRAPH_MARKS[key]
    )
    strokes = f'<g stroke="#fff" stroke-width="{width:g}">{marks}</g>' if marks else ""
    return (f'<rect x="{x:g}" y="{y:g}" width="{size:g}" height="{size:g}" rx="2" '
            f'fill="{PICTOGRAPH_COLOURS[key]}"/>{strokes}')  # fmt: skip


def pictograph_svg(counts: tuple[int, ...], title: str, cell: int = 14) -> str:
    """The disclosure's 100 members as an inline SVG: 10 rows of 10 squares, the
    categories of ``PICTOGRAPH_COLOURS`` in order, row by row (``counts`` sums to 100),
    each with its mark (``PICTOGRAPH_MARKS``)."""
    keys = [k for k, n in zip(PICTOGRAPH_COLOURS, counts, strict=True) for _ in range(n)]
    size = 10 * cell
    squares = "".join(
        pictograph_cell(key, (i % 10) * cell + 1, (i // 10) * cell + 1, cell - 2)
        for i, key in enumerate(keys)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img"><title>{title}</title>{squares}</svg>'
    )
