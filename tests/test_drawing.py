"""Charts drawn once and shared (dashboards.drawing), and what a Step and Play redraw:
a chart's image depends on its view alone, a week's charts are drawn once for every
viewer of the run, every chart shows the week the heat map shows, the heat map moves
from the first Step, and Play's frames follow its speed at once."""

from __future__ import annotations

import io
import threading

import pytest
import test_dashboard as dash

from dashboards import charts, drawing, state
from dashboards.view import snapshot
from sim.model import NetworkMarketingModel
from sim.scenario import load_scenario

fresh_state = dash.fresh_state  # the dashboard's state as a new tab finds it (autouse)
page = dash.page  # the rendered page (a fixture)


def views_of(weeks: list[int], population: int = 2_000) -> dict[int, object]:
    """Snapshots of one small run at the given weeks."""
    model = NetworkMarketingModel(load_scenario("baseline", {"population.size": population}))
    out = {}
    for week in range(max(weeks) + 1):
        if week in weeks:
            out[week] = snapshot(model)
        model.step()
    return out


@pytest.mark.slow
@pytest.mark.parametrize("narrow", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(charts.ALL_CHARTS))
def test_a_chart_depends_on_its_view_alone(name, narrow):
    """Whatever a shared chart object drew before (a later week, with taller axes, more
    joining years, a legend of more lines), a view gives the same image as on a fresh
    chart, on a desktop and on a phone."""
    views = views_of([3, 60, 120])
    chart = charts.ALL_CHARTS[name]
    shared = chart(views[3].weeks, "en", narrow=narrow)
    shared.frame(views[120])
    shared.frame(views[60])
    assert shared.frame(views[3]) == chart(views[3].weeks, "en", narrow=narrow).frame(views[3])


def test_a_weeks_charts_are_drawn_once_for_every_viewer(monkeypatch):
    """Two sessions with their own models of the same run, and eight viewers asking at
    once: each chart of a week is drawn once, and all get the same image."""
    drawn: list[str] = []
    real_draw = drawing.draw

    def counting_draw(name, view, lang, dpi=charts.DPI, narrow=False):
        drawn.append(name)
        return real_draw(name, view, lang, dpi, narrow)

    monkeypatch.setattr(drawing, "draw", counting_draw)
    scenario = load_scenario("baseline", {"population.size": 1_500, "simulation.seed": 99})
    first, second = NetworkMarketingModel(scenario), NetworkMarketingModel(scenario)
    for model in (first, second):
        for _ in range(7):
            model.step()
    views = [drawing.view_at(first), drawing.view_at(second)]
    assert views[0] is views[1]  # the snapshot too is made once
    results: list[bytes] = []

    def look(view) -> None:
        results.append(drawing.chart_png("people", view, "en"))

    threads = [threading.Thread(target=look, args=(views[k % 2],)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert drawn == ["people"]
    assert len(set(results)) == 1 and len(results) == 8


def test_the_cache_keeps_its_budget():
    cache = drawing.Cache(budget=100)
    for k in range(10):
        cache.put(k, bytes(30), 30)
    assert cache.size <= 100
    assert cache.get(9) is not None and cache.get(0) is None  # the oldest left first


def test_the_heat_map_moves_with_each_of_the_first_steps():
    """Issue 14: the heat map did not change for the first three Steps (monthly incomes
    exist from the first month's end): it marks the week shown and says when incomes
    appear."""
    views = views_of([0, 1, 2, 3, 4])
    heat = charts.IncomeHeatmap(views[0].weeks, "en")
    frames = [heat.frame(views[week]) for week in range(5)]
    assert len(set(frames)) == 5


@pytest.mark.slow
def test_every_chart_shows_the_week_of_the_heat_map_after_play(page):
    """Issue 14: survival, saturation and Lorenz lagged the heat map by up to 110 weeks
    while playing; now every chart is drawn from the same view."""
    box, rc = page
    dash.button(rc, "Play").click()
    dash.wait_for(lambda: state.view.value.week >= 30, "Play to reach week 30")
    dash.button(rc, "Pause").click()
    dash.stop_playing()
    view = state.view.value
    shown = sorted(bytes(image) for image in dash.images(box))
    assert shown == sorted(drawing.chart_png(n, view, "en") for n in charts.ALL_CHARTS)


@pytest.mark.parametrize(
    ("speed", "frame_cost", "weeks"),
    [
        (2.0, 0.05, 1),  # slow motion: a week per frame, right after any fast speed
        (26.0, 0.02, 3),  # frames cheap: at most MAX_FPS frames a second
        (26.0, 0.2, 7),  # frames dear: more weeks per frame, the speed kept
        (104.0, 1.0, 52),  # at most a year per frame
    ],
)
def test_weeks_per_frame_follows_the_speed_at_once(speed, frame_cost, weeks):
    assert state.weeks_per_frame(speed, frame_cost) == weeks


@pytest.mark.parametrize(("speed", "weeks"), [(26.0, 26), (2.0, 2), (104.0, 52)])
def test_less_motion_shows_the_same_speed_in_steps_of_a_second(speed, weeks):
    """prefers-reduced-motion: one picture a second, as many weeks on as a second holds."""
    assert state.weeks_per_frame(speed, 0.02, state.REDUCED_FPS) == weeks


@pytest.mark.slow
def test_slow_motion_after_a_fast_speed_shows_every_week(page):
    """Issue 14: slow motion stayed choppy after a fast speed (the weeks per frame came
    down one per frame, a frame lasting up to 26 s); now the next frame is a week."""
    _, rc = page
    state.speed.value = 52.0
    dash.button(rc, "Play").click()
    dash.wait_for(lambda: state.frame_weeks.value > 1, "a fast speed to show several weeks")
    state.speed.value = 2.0
    dash.wait_for(lambda: state.frame_weeks.value == 1, "slow motion to show every week",
                  timeout=10)  # fmt: skip
    dash.button(rc, "Pause").click()


def test_the_end_of_the_server_waits_for_the_threads_that_draw(monkeypatch):
    """A thread still drawing when Python tears down matplotlib and Pillow crashed the
    server (Ctrl-C while ``warm_up`` drew, issue 20): the end stops them after their
    frame and waits for them."""
    monkeypatch.setattr(drawing, "ENDING", threading.Event())
    frames, started = [], threading.Event()

    def loop() -> None:
        started.set()
        while not drawing.ENDING.is_set():
            frames.append(drawing.draw("people", state.FIRST_VIEW, "en"))

    thread = drawing.start_drawing(loop, name="a test's drawing thread")
    started.wait(10)
    drawing._end_drawing()
    assert not thread.is_alive() and frames
    drawn = []
    monkeypatch.setattr(drawing, "chart_png", lambda *args: drawn.append(args))
    drawing.warm_up(state.FIRST_VIEW, ("en", "de"))  # the server is ending: nothing drawn
    assert drawn == []


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_phones_charts_show_no_type_below_12_css_px_and_cut_no_word(lang):
    """A chart drawn for a phone, shown at the narrowest width a 390 px phone gives it
    (``live.NARROW_SHOWN``), shows its smallest text at 12 CSS px or more, at week 0 and
    with a grown company; no text sticks out of the image (German words are long)."""
    from PIL import Image

    from dashboards.live import MIN_TYPE_PX, NARROW_DPI, NARROW_SHOWN, NARROW_WIDTH

    views = views_of([0, 150])
    for name, chart in charts.ALL_CHARTS.items():
        painter = chart(260, lang, dpi=NARROW_DPI, narrow=True)
        for week, view in views.items():
            png = painter.frame(view)
            width = Image.open(io.BytesIO(png)).width
            assert width == round(NARROW_WIDTH * NARROW_DPI)
            shown = painter.smallest_type_px() * NARROW_SHOWN / width
            assert shown >= MIN_TYPE_PX, (name, week, shown)
            assert _sticking_out(painter.fig) == [], (name, week)


def test_a_desktops_chart_keeps_its_small_type_and_says_so():
    """The desktop's drawing is the one it was (7 pt legends at 80 dpi); the size it
    reports is that of its smallest text."""
    view = views_of([60])[60]
    drawn = drawing.draw("survival", view, "en")
    assert drawn.type_px == pytest.approx(7 * charts.DPI / 72)
    assert drawing.draw("survival", view, "en", narrow=True).png != drawn.png


def _sticking_out(fig) -> list[str]:
    """The texts of ``fig`` (as drawn last) that stick out of its image."""
    from dashboards.live import texts_shown

    renderer, box = fig.canvas.get_renderer(), fig.bbox.padded(1)
    return [x.get_text() for x in texts_shown(fig)
            if not box.contains(*x.get_window_extent(renderer).p0)
            or not box.contains(*x.get_window_extent(renderer).p1)]  # fmt: skip


def whole_figures(lang: str, narrow: bool) -> dict[str, object]:
    """The figures of the pages "What would happen to me?" and Compare, of made-up data of
    the shape the pages draw (an outlook's horizons; two experiments' bands and outcomes)."""
    import numpy as np
    import pandas as pd

    from dashboards.components import me
    from sim.metrics import OUTCOME_SHARES

    def share(x: float) -> dict:
        return {"share": x, "lo": max(x - 0.05, 0), "hi": min(x + 0.05, 1)}

    horizons = {m: {"net": {"p10": -90.0 * m, "p50": -40.0 * m, "p90": 25.0 * m},
                    "active": share(0.9 - m / 60), "profit": share(0.12),
                    "beats_minimum_wage": share(0.03)} for m in (3, 6, 12, 24)}  # fmt: skip
    outlook = type("Outlook", (), {"horizons": horizons})()
    weeks = np.arange(105)
    bands = [pd.DataFrame({"column": column, "week": weeks, "p5": 0.8 * k * weeks,
                           "p50": k * weeks, "p95": 1.3 * k * weeks})
             for k in (20.0, 45.0) for column in ("active", "cumulative_net_p50")]  # fmt: skip
    bands = [pd.concat(bands[:2]), pd.concat(bands[2:])]
    rng = np.random.default_rng(1)
    outcomes = [pd.DataFrame(rng.dirichlet(alpha, 5), columns=list(OUTCOME_SHARES))
                for alpha in ((8, 1, 2), (20, 1, 1))]  # fmt: skip
    names = ["A: retail_focused", "B: pyramid"]
    figures = {"fan": me.fan_chart(outlook, lang, narrow),
               "shares": me.shares_chart(outlook, lang, narrow),
               "outcomes": charts.outcomes_chart(outcomes, names, lang, narrow)}  # fmt: skip
    for column in ("active", "cumulative_net_p50"):
        figures[column] = charts.band_chart(bands, names, column, lang, narrow)
    return figures


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_figures_of_the_me_and_compare_pages_are_drawn_for_a_phone_too(lang):
    """Issue 24: the two charts of "What would happen to me?" and the three of Compare,
    drawn for a phone, show their smallest text at 12 CSS px or more where a 390 px phone
    shows them (``live.NARROW_SHOWN``), with no text sticking out of the image and the
    legend under the axes, where it hides no data; the page reports that size."""
    from PIL import Image

    from dashboards.live import MIN_TYPE_PX, NARROW_DPI, NARROW_SHOWN, NARROW_WIDTH, picture

    for name, fig in whole_figures(lang, narrow=True).items():
        drawn = picture(fig)
        width = Image.open(io.BytesIO(drawn.png)).width
        assert width == round(NARROW_WIDTH * NARROW_DPI), name
        assert drawn.type_px * NARROW_SHOWN / width >= MIN_TYPE_PX, (name, drawn.type_px)
        assert _sticking_out(fig) == [], name
        ax = fig.axes[0]
        legend = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
        assert legend.y1 <= ax.get_window_extent().y0, name
        assert len(ax.get_legend().texts) >= 2, name


def test_the_figures_of_the_me_and_compare_pages_keep_a_desktops_drawing():
    """On a desktop the figures are drawn as before (80 dpi, legends of 8 pt inside the
    axes), and the size the page reports is that of their smallest text."""
    from dashboards.live import DPI, picture

    for name, fig in whole_figures("en", narrow=False).items():
        drawn = picture(fig)
        assert fig.dpi == DPI and fig.get_figwidth() in (5.6, 6.0), name
        assert drawn.type_px == pytest.approx(8 * DPI / 72), name
        ax = fig.axes[0]
        legend = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
        assert ax.get_window_extent().contains(*legend.p0), name
