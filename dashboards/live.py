"""The dashboard's live charts: axes, ticks and labels are drawn once; each frame only the
data (lines, bars, the heat map's image, a few texts) is drawn onto that background and the
pixels are encoded as PNG ("blitting"). That keeps a redraw in the milliseconds, so Play
stays smooth. The axes are fixed in advance (the whole horizon, shares from 0 to 1); where a
count needs a taller axis, the axis takes the next step of 1-2-5 and that background is
drawn once and kept. A frame therefore depends on the view alone, never on the frames drawn
before it: one chart object can draw for every viewer and every run (``dashboards.drawing``
shares them).

Figures are ``matplotlib.figure.Figure`` objects with their own Agg canvas (no pyplot
state), so they can be drawn in any thread. The charts themselves are in
``dashboards/charts.py`` and ``dashboards/tree.py``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from dashboards.view import View
from sim.i18n import fmt_eur, fmt_pct, t

DPI = 80
SHARP_DPI = 160  # presentation mode: a projector shows the charts large
MARGINS = {"left": 0.13, "right": 0.97, "bottom": 0.15, "top": 0.9}

# A phone's drawing ("narrow"): the page shows a chart as wide as the phone less 8 px (the
# tree in its card 16 px less: layout.CSS), so a chart drawn for a desktop shrinks there
# and its small type (7 pt at 80 dpi) ends up at 5 CSS px. A phone's chart is drawn
# NARROW_WIDTH inches wide with no type below NARROW_PT: shown at NARROW_SHOWN CSS px or
# wider, its smallest text is MIN_TYPE_PX or more (issue 24; WCAG 1.4.4 asks for text that
# can be read without zooming), down to the narrowest screen WCAG 1.4.10 asks a page to
# work on, 320 CSS px (the tree there: 304 px; 10.5 pt). The size shown depends on the
# inches alone, not on the dpi; NARROW_DPI keeps the lines sharp on a phone's dense screen
# at about a desktop chart's number of pixels (the drawing's cost).
MIN_TYPE_PX = 12
NARROW_SHOWN = 304
NARROW_WIDTH = 3.6
NARROW_PT = np.ceil(MIN_TYPE_PX * NARROW_WIDTH * 72 / NARROW_SHOWN * 2) / 2  # 10.5 pt
NARROW_DPI = 120
NARROW_MARGINS = {"left": 0.23, "right": 0.95, "bottom": 0.17, "top": 0.86}


def nice_limit(peak: float) -> float:
    """The axis top for counts up to ``peak``: the first of 10, 20, 50, 100, 200, ... with
    a fifth of headroom. A function of the peak alone, so every frame of the same data
    looks the same, and the axis changes a few times in a run, not every week."""
    need = max(float(peak) * 1.2, 10.0)
    scale = 10.0 ** np.floor(np.log10(need))
    return float(next(m * scale for m in (1, 2, 5, 10) if m * scale >= need))


def fit_texts(fig: Figure, smallest: float = 6, wrap: bool = False) -> None:
    """Shrink titles and axis labels that would stick out of the figure (German words are
    long) until they fit: smaller type rather than a cut-off word, but not below
    ``smallest`` points; where that is not enough and ``wrap`` allows, the text is broken
    into two lines (a phone's chart, ``NARROW_PT``)."""
    renderer = _canvas(fig).get_renderer()
    box = fig.bbox

    def fits(text: Text, along: str) -> bool:
        extent = text.get_window_extent(renderer)
        lo, hi = (extent.x0, extent.x1) if along == "x" else (extent.y0, extent.y1)
        return lo >= -0.5 and hi <= (box.x1 if along == "x" else box.y1) + 0.5

    # (text, its extent's coordinates that must lie within the figure): a label's place
    # across its axis is settled only when drawn, its place along it already is
    for ax in fig.axes:
        for text, along in ((ax.title, "x"), (ax.xaxis.label, "x"), (ax.yaxis.label, "y")):
            while text.get_text() and text.get_fontsize() > smallest and not fits(text, along):
                text.set_fontsize(max(text.get_fontsize() - 0.5, smallest))
            words = text.get_text()
            if wrap and " " in words and "\n" not in words:
                for lines in (2, 3):  # as few lines as fit
                    if fits(text, along):
                        break
                    text.set_text(broken(words, lines))


def place_legend(fig: Figure, ax, handles: list, narrow: bool, **wide):
    """The legend of ``handles``: where ``wide`` says on a desktop; on a phone (``narrow``)
    under the axes, across the figure, in two columns where they fit, else one, in type of
    ``NARROW_PT`` (a legend inside the axes at that size would hide the data), the axes
    raised to leave room for it."""
    if not narrow:
        return ax.legend(handles=handles, **wide)
    renderer = _canvas(fig).get_renderer()
    title = wide.get("title")
    for columns in (2, 1):  # two columns if they fit across the figure
        legend = ax.legend(handles=handles, loc="lower center", ncols=columns, frameon=False,
                           fontsize=NARROW_PT, bbox_to_anchor=(0.5, 0.0),
                           bbox_transform=fig.transFigure, borderaxespad=0.2, title=title,
                           title_fontsize=NARROW_PT)  # fmt: skip
        extent = legend.get_window_extent(renderer)
        if extent.x0 >= 0 and extent.x1 <= fig.bbox.x1:
            break
    rows = -(-len(handles) // columns) + (1 if title else 0)
    # the legend's rows and, above them, the x axis' tick labels and its label
    below = rows * NARROW_PT * 1.4 + 6 + 3.4 * NARROW_PT
    fig.subplots_adjust(bottom=below / (fig.get_figheight() * 72))
    return legend


def _canvas(fig: Figure) -> FigureCanvasAgg:
    """``fig``'s Agg canvas (made where it has none yet)."""
    return fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)


# ---- figures drawn whole (the pages "What would happen to me?" and Compare) ------------------


def whole_figure(size: tuple[float, float], narrow: bool = False) -> Figure:
    """A figure drawn whole, not frame by frame: ``size`` inches at ``DPI`` on a desktop;
    for a phone (``narrow``) ``NARROW_WIDTH`` inches wide at ``NARROW_DPI`` with a phone's
    margins, as a phone's ``LiveChart``. Finish it with ``finish_figure``."""
    fig = Figure(figsize=(NARROW_WIDTH, size[1]) if narrow else size,
                 dpi=NARROW_DPI if narrow else DPI)  # fmt: skip
    fig.subplots_adjust(**{**MARGINS, **(NARROW_MARGINS if narrow else {})})
    return fig


def finish_figure(fig: Figure, narrow: bool = False) -> Figure:
    """``fig`` made ready to draw: on a phone every text raised to ``NARROW_PT`` at least
    and each legend moved under its axes (``place_legend``); then titles and axis labels
    fitted into the figure (``fit_texts``), the axes lowered under a title of three lines.
    A desktop's figure is only fitted."""
    if narrow:
        raise_type(fig)
        for ax in fig.axes:
            if ax.get_legend() is not None:
                ax.get_legend().remove()
                place_legend(fig, ax, ax.get_legend_handles_labels()[0], narrow=True)
    fit_texts(fig, smallest=NARROW_PT if narrow else 6, wrap=narrow)
    if narrow:  # a title of more lines than the margin holds lowers the axes
        _canvas(fig).draw()  # the tick labels are laid out only when drawn
        renderer = fig.canvas.get_renderer()
        added = max(_break_names(ax, renderer) for ax in fig.axes)
        if added:  # the axes raised over the names' new lines
            bottom = fig.subplotpars.bottom + added * NARROW_PT * 1.2 / (fig.get_figheight() * 72)
            fig.subplots_adjust(bottom=bottom)
        above = max(ax.title.get_window_extent(renderer).y1 for ax in fig.axes) + 2
        if above > fig.bbox.y1:
            top = fig.subplotpars.top - (above - fig.bbox.y1) / fig.bbox.height
            fig.subplots_adjust(top=top)
    return fig


def raise_type(fig: Figure) -> None:
    """Every text of ``fig`` and every axis' tick labels (made only when drawn) at
    ``NARROW_PT`` or larger: a phone's drawing."""
    for text in fig.findobj(Text):
        text.set_fontsize(max(text.get_fontsize(), NARROW_PT))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_major_ticks()
            size = ticks[0].label1.get_fontsize() if ticks else NARROW_PT
            axis.set_tick_params(which="both", labelsize=max(size, NARROW_PT))


def _break_names(ax, renderer) -> int:
    """Names under the x axis (such as the outcomes') wider than each name's share of the
    axis: their lines that are too wide broken in two; the number of lines this adds."""
    ticks, labels = ax.get_xticks(), ax.get_xticklabels()
    room = ax.get_window_extent(renderer).width / max(len(ticks), 1) - 4
    names, wide = [], False
    for label in labels:
        lines = label.get_text().split("\n")
        # a line's width, as its share of the longest line's characters
        width = label.get_window_extent(renderer).width / max(len(x) for x in lines)
        too_wide = [" " in x and len(x) * width > room for x in lines]
        wide |= any(too_wide)
        names.append(
            "\n".join(broken(x, 2) if cut else x for x, cut in zip(lines, too_wide, strict=True))
        )
    if not wide:
        return 0
    before = max(x.get_text().count("\n") for x in labels)
    ax.set_xticks(ticks, names)
    return max(n.count("\n") for n in names) - before


class Picture(NamedTuple):
    """A figure drawn whole: its PNG and its smallest text in the image's pixels (the
    page reports it as a ``LiveChart``'s, ``smallest_type_px``)."""

    png: bytes
    type_px: float


def picture(fig: Figure) -> Picture:
    """``fig`` drawn as PNG at its own dpi, with the size of its smallest text shown."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    smallest = min((text.get_fontsize() for text in texts_shown(fig)), default=0.0)
    return Picture(buf.getvalue(), smallest * fig.dpi / 72)


def broken(words: str, lines: int) -> str:
    """``words`` in up to ``lines`` lines of about equal length, broken at the spaces
    nearest to the equal parts' ends."""
    spaces = [k for k, c in enumerate(words) if c == " "]
    cuts = sorted({min(spaces, key=lambda k: abs(k - len(words) * j / lines))
                   for j in range(1, lines)})  # fmt: skip
    parts = [words[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(words)], strict=True)]
    return "\n".join(parts)


@dataclass(frozen=True)
class Said:
    """A chart in words, for those who cannot see it (screen readers): ``text``, its text
    alternative (what it shows now, in numbers and words), and its data as a table
    (``caption``, column headers, rows whose first cell names the row), every cell
    written out in the chart's language."""

    text: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# the fractions a share is put into words with: "about a third (34 %)"
FRACTIONS = {0.1: "tenth", 0.2: "fifth", 0.25: "quarter", 1 / 3: "third", 0.4: "two_fifths",
             0.5: "half", 0.6: "three_fifths", 2 / 3: "two_thirds", 0.75: "three_quarters",
             0.8: "four_fifths", 0.9: "nine_tenths"}  # fmt: skip


def share_words(share: float, lang: str) -> str:
    """A share in words and as a percentage, e.g. 'about half (52 %)'; near none or all,
    where no fraction fits the sentence in both languages, the percentage alone."""
    if share != share or share <= 0 or share >= 1:
        return fmt_pct(share, lang)
    if share < 0.05 or share > 0.95:  # no fraction fits: the number alone, more exactly
        return t("said.only", lang, share=fmt_pct(share, lang, 1)) if share < 0.05 else (
            fmt_pct(share, lang, 1))  # fmt: skip
    word = FRACTIONS[min(FRACTIONS, key=lambda f: abs(f - share))]
    return t("said.share_words", lang, words=t(f"said.frac_{word}", lang),
             share=fmt_pct(share, lang))  # fmt: skip


def bin_labels(edges: np.ndarray, lang: str) -> list[str]:
    """Money bins in words: the first and the last open ('less than -€10,000', '€10,000
    or more'), the others 'from .. to ..'."""
    out = []
    for k in range(len(edges) - 1):
        if k == 0:
            out.append(t("said.below", lang, x=fmt_eur(edges[1], lang)))
        elif k == len(edges) - 2:
            out.append(t("said.above", lang, x=fmt_eur(edges[k], lang)))
        else:
            out.append(t("said.range", lang, lo=fmt_eur(edges[k], lang),
                         hi=fmt_eur(edges[k + 1], lang)))  # fmt: skip
    return out


def texts_shown(fig: Figure) -> list[Text]:
    """The texts a drawing of ``fig`` shows: visible, not empty, and of an axis's tick
    labels those of the ticks within its limits (matplotlib keeps labels for the others)."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in (*axis.get_major_ticks(), *axis.get_minor_ticks()):
                if not lo - 1e-9 * abs(hi - lo) <= tick.get_loc() <= hi + 1e-9 * abs(hi - lo):
                    hidden.update((id(tick.label1), id(tick.label2)))
    return [text for text in fig.findobj(Text) if id(text) not in hidden
            and text.get_visible() and text.get_text().strip()]  # fmt: skip


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
    narrow_size = (NARROW_WIDTH, 3.2)  # a phone's drawing (``narrow``)
    narrow_margins: ClassVar[dict] = {}
    painted = None  # an image artist hidden in frames, which ``paint`` draws instead
    layouts_kept = 8  # backgrounds kept per chart (each is one image of the chart)

    def __init__(self, weeks: int, lang: str, dpi: int = DPI, narrow: bool = False):
        self.weeks, self.lang, self.narrow = weeks, lang, narrow
        self.smallest = NARROW_PT if narrow else 0.0  # no type below this (points)
        self.fig = Figure(figsize=self.narrow_size if narrow else self.size, dpi=dpi)
        margins = {**NARROW_MARGINS, **self.narrow_margins} if narrow else self.margins
        self.fig.subplots_adjust(**{**MARGINS, **margins})
        self.canvas = FigureCanvasAgg(self.fig)
        self.dynamic: list = []  # artists drawn every frame
        # layout -> the static parts drawn for it, and their smallest type (points)
        self._backgrounds: dict = {}
        self._smallest = np.inf  # the smallest type of the frame drawn last (points)
        self.build()
        if narrow:
            raise_type(self.fig)
        fit_texts(self.fig, smallest=NARROW_PT if narrow else 6, wrap=narrow)

    def pt(self, size: float) -> float:
        """A type size in points, raised to a phone's smallest where drawn for a phone."""
        return max(size, self.smallest)

    def add_legend(self, ax, handles: list, **wide):
        """The legend of ``handles`` (``place_legend``)."""
        return place_legend(self.fig, ax, handles, self.narrow, **wide)

    def smallest_type_px(self) -> float:
        """The size of the smallest text of the frame just drawn, in the image's pixels
        (the page turns it into CSS pixels as shown: tests/test_accessibility_browser.py)."""
        return float(self._smallest) * self.fig.dpi / 72 if np.isfinite(self._smallest) else 0.0

    def build(self) -> None:
        """Create axes, static decoration and the dynamic artists (``animated=True``)."""
        raise NotImplementedError

    def update(self, view: View) -> object:
        """Put the view's data into the dynamic artists and set the axes it needs; return
        that layout (hashable; None where the axes never change)."""
        raise NotImplementedError

    def said(self, view: View) -> Said:
        """The chart of ``view`` in words and as a table, from the data ``update(view)``
        has just put into the chart (call it after ``frame`` or ``update``)."""
        raise NotImplementedError

    def add(self, artist):
        artist.set_animated(True)
        self.dynamic.append(artist)
        return artist

    def frame(self, view: View) -> bytes:
        """The chart for ``view`` as PNG bytes: the same bytes for the same view, whatever
        was drawn before."""
        layout = self.update(view)
        kept = self._backgrounds.get(layout)
        if kept is None:
            self.canvas.draw()  # static parts only: dynamic artists are animated
            # its smallest type, found once per layout (it takes as long as a frame)
            static = [x.get_fontsize() for x in texts_shown(self.fig) if not x.get_animated()]
            kept = (self.canvas.copy_from_bbox(self.fig.bbox), min(static, default=np.inf))
            if len(self._backgrounds) >= self.layouts_kept:
                self._backgrounds.pop(next(iter(self._backgrounds)))
            self._backgrounds[layout] = kept
        else:
            self.canvas.restore_region(kept[0])
        self.paint()
        smallest = kept[1]
        for artist in self.dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
                if isinstance(artist, Text) and artist.get_text().strip():
                    smallest = min(smallest, artist.get_fontsize())
        self._smallest = smallest
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
