"""Charts drawn once and shared by every viewer of the dashboard server.

What a chart of the simulation page shows depends on the run (scenario and seed), the week,
the chart and the language, and on nothing else: the model is reproducible, and a chart's
frame depends on its view alone (``dashboards.charts``). So the first session that needs
a week's snapshot or a chart image makes it, and every other session showing the same run
at the same week gets the same object: a class that steps the default scenario costs one
snapshot and one drawing per week shown, not one per student, and a new student's first
page (the default scenario at week 0, made by ``warm_up`` when the server starts) costs no
drawing at all.

A Solara server is one Python process whose sessions share one core (the GIL): work saved
here is what lets 30 students use one server. Both caches are bounded by size and forget
the least recently used entries first; everything here is safe to call from any thread.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import NamedTuple

from dashboards.charts import ALL_CHARTS
from dashboards.live import DPI, NARROW_DPI, LiveChart, Said
from dashboards.view import View, run_of, snapshot
from sim.lifeline import before_threads_end
from sim.model import NetworkMarketingModel

MIB = 2**20


class Cache:
    """A thread-safe mapping that keeps at most ``budget`` bytes, least recently used
    entries leaving first."""

    def __init__(self, budget: int):
        self.budget = budget
        self.size = 0
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: object, size: int) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (value, size)
            self.size += size
            while self.size > self.budget and len(self._items) > 1:
                _, (_, gone) = self._items.popitem(last=False)
                self.size -= gone

    def __len__(self) -> int:
        return len(self._items)


views = Cache(256 * MIB)  # (run, week) -> View
images = Cache(256 * MIB)  # (run, week, chart, lang, dpi, narrow) -> Drawn
# one chart object per (chart, horizon, language, dpi, narrow), each drawn by one thread at
# a time
_painters: dict[tuple[str, int, str, int, bool], tuple[LiveChart, threading.Lock]] = {}
_painters_lock = threading.Lock()
# the same work asked for by many sessions at once is done once: the others wait for it
_making: dict[Hashable, threading.Lock] = {}
_making_lock = threading.Lock()


def _view_size(v: View) -> int:
    arrays = (v.income_hist, v.net, v.gross, v.rewards, v.join_week, v.exit_week, v.exit_reason)
    return sum(a.nbytes for a in arrays) + int(v.series.memory_usage(index=False).sum()) + 4096


def _once(key: Hashable, cache: Cache, make: Callable[[], object], size: Callable) -> object:
    """``cache[key]``, made by ``make`` if missing; concurrent callers make it once."""
    found = cache.get(key)
    if found is not None:
        return found
    with _making_lock:
        lock = _making.setdefault(key, threading.Lock())
    with lock:
        found = cache.get(key)
        if found is None:
            found = make()
            cache.put(key, found, size(found))
    with _making_lock:
        _making.pop(key, None)
    return found


def view_at(model: NetworkMarketingModel) -> View:
    """The snapshot of ``model`` at its current week. The caller holds the model still
    (no step runs meanwhile)."""
    return _once((run_of(model), model.week), views, lambda: snapshot(model), _view_size)


def _painter(name: str, weeks: int, lang: str, dpi: int,
             narrow: bool) -> tuple[LiveChart, threading.Lock]:  # fmt: skip
    key = (name, weeks, lang, dpi, narrow)
    with _painters_lock:
        if key not in _painters:
            chart = ALL_CHARTS[name](weeks, lang, dpi=dpi, narrow=narrow)
            _painters[key] = (chart, threading.Lock())
        return _painters[key]


class Drawn(NamedTuple):
    """A chart of one view: its image, and the same in words and as a table (``said``),
    made from the data of that very frame; ``type_px``: its smallest text, in the image's
    pixels (the page reports it, so that a test can measure the type as shown)."""

    png: bytes
    said: Said
    type_px: float


def draw(name: str, view: View, lang: str, dpi: int = DPI, narrow: bool = False) -> Drawn:
    """Chart ``name`` of ``view`` in ``lang`` as PNG bytes at ``dpi`` (for a phone where
    ``narrow``) and in words, drawn for this view by a chart object shared with every
    other run of the same horizon."""
    chart, lock = _painter(name, view.weeks, lang, dpi, narrow)
    with lock:
        return Drawn(chart.frame(view), chart.said(view), chart.smallest_type_px())


def chart_drawn(name: str, view: View, lang: str, dpi: int = DPI, narrow: bool = False) -> Drawn:
    """Chart ``name`` of ``view`` in ``lang`` at ``dpi`` (presentation mode draws sharper
    charts), for a phone where ``narrow``, and in words: drawn once, then shared."""
    if view.run is None:  # a view that names no run cannot be shared
        return draw(name, view, lang, dpi, narrow)
    key = (view.run, view.week, name, lang, dpi, narrow)
    return _once(key, images, lambda: draw(name, view, lang, dpi, narrow), _drawn_size)


def _drawn_size(drawn: Drawn) -> int:
    said = drawn.said
    return len(drawn.png) + 2 * (len(said.text) + sum(len(c) for r in said.rows for c in r)) + 4096


def chart_png(name: str, view: View, lang: str, dpi: int = DPI, narrow: bool = False) -> bytes:
    """Chart ``name`` of ``view`` as PNG bytes (``chart_drawn``)."""
    return chart_drawn(name, view, lang, dpi, narrow).png


def warm_up(view: View, langs: tuple[str, ...]) -> None:
    """Draw every chart of ``view`` (the first page every new session shows) now, for a
    desktop and a phone (``NARROW_DPI``), so that no session waits for them; stop early
    when the server ends."""
    for narrow, dpi in ((False, DPI), (True, NARROW_DPI)):
        for lang in langs:
            for name in ALL_CHARTS:
                if ENDING.is_set():
                    return
                chart_png(name, view, lang, dpi, narrow)


# ---- threads that draw, and the server's end -------------------------------------------------

ENDING = threading.Event()  # the server is ending: a thread that draws stops after its frame
ENDING_WAIT = 10.0  # seconds the end waits for each such thread
_drawing: set[threading.Thread] = set()
_drawing_lock = threading.Lock()


def start_drawing(target: Callable[..., None], *args, name: str) -> threading.Thread:
    """Start a thread that draws (charts, or a page that shows them) and that the server's
    end waits for: a thread still inside matplotlib or Pillow while Python tears down their
    modules crashes the process (a segmentation fault on Ctrl-C within a second of the
    start, while ``warm_up`` drew; issue 20). Its loop stops once ``ENDING`` is set."""
    thread = threading.Thread(target=_forgotten_after, args=(target, *args), name=name,
                              daemon=True)  # fmt: skip
    with _drawing_lock:
        _drawing.add(thread)
    thread.start()
    return thread


def _forgotten_after(target: Callable[..., None], *args) -> None:
    try:
        target(*args)
    finally:
        with _drawing_lock:
            _drawing.discard(threading.current_thread())


def _end_drawing() -> None:
    ENDING.set()
    with _drawing_lock:
        threads = list(_drawing)
    for thread in threads:
        if thread is not threading.current_thread():
            thread.join(timeout=ENDING_WAIT)


before_threads_end(_end_drawing)
