# ruff: noqa: F811  (the fixtures page and fresh_state come from test_dashboard)
"""The dashboard's newer parts without a browser (issue 14): the setup in the address, the
scenario upload, "out of 100", the recruitment tree, the Me page on the settings shown,
and charts whose texts fit. The page itself is rendered with ``solara.render``; the
browser tests (test_dashboard_browser_ui.py) cover what only a browser shows.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from urllib.parse import quote

import ipyvuetify as v
import numpy as np
import pytest
import solara.lab
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from PIL import Image
from test_dashboard import (  # the same fixtures and helpers as the older page tests
    all_texts,
    button,
    download,
    fresh_state,  # noqa: F401  (autouse)
    images,
    page,  # noqa: F401  (a fixture)
    slider,
    wait_for,
    walk,
)

from dashboards import address, charts, state
from dashboards.components import hundred as hundred_panel
from dashboards.components import me
from dashboards.components.upload import receive
from dashboards.tree import Icicle, bar_colours, icicle, raster
from dashboards.view import snapshot
from sim.experiments import InlineExecutor
from sim.i18n import LANGS, t
from sim.metrics import outcome_shares
from sim.model import NetworkMarketingModel
from sim.scenario import (
    MAX_SCENARIO_BYTES,
    SCENARIO_DIR,
    ScenarioError,
    load_scenario,
    param_specs,
    parse_set,
    scenario_from_bytes,
    scenario_to_toml,
    unknown_scenario,
)

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# ---- the address -----------------------------------------------------------------------------


def test_every_parameter_value_goes_through_the_address_unchanged():
    """A value written into the address is read back exactly as ``--set`` reads it."""
    for key, spec in param_specs().items():
        value = spec["default"]
        text = address.value_text(value)
        assert parse_set([f"{key}={text}"])[key] == (list(value) if isinstance(value, tuple)
                                                     else value), key  # fmt: skip


def test_an_address_holds_the_setup_and_keeps_other_parameters():
    setup = address.Setup(scenario="pyramid", overrides={"costs.starter_kit": 600.0,
                          "compensation.plan": "binary"}, seed="7", tab="me", lang="de",
                          present=True)  # fmt: skip
    query = address.encode(setup)
    decoded, others = address.decode(f"?follow=ABCD&{query}")
    assert decoded == setup
    assert others == [("follow", "ABCD")]
    assert address.merged(f"follow=ABCD&{query}", query) == f"{query}&follow=ABCD"
    assert "costs.starter_kit=600.0" in query and "compensation.plan=binary" in query


def test_an_overlong_address_is_not_read():
    setup, _ = address.decode("costs.starter_kit=1&" + "x" * address.MAX_QUERY)
    assert setup.overrides == {}
    assert [e.message("de") for e in setup.errors] == [
        t("share.too_long", "de", limit=f"{address.MAX_QUERY:,}".replace(",", "."))
    ]


@pytest.mark.slow
def test_opening_an_address_shows_its_setup(page):
    box, _ = page
    state.open_address("scenario=retail_focused&costs.starter_kit=600&"
                       "compensation.plan=binary&seed=7&tab=me&lang=de")  # fmt: skip
    params = state.model.value.params
    assert (params.costs.starter_kit, params.compensation.plan) == (600, "binary")
    assert params.simulation.seed == 7
    assert state.scenario_name.value == "retail_focused"
    assert (state.tab.value, state.lang.value) == (state.TAB_ME, "de")
    assert state.settings.value["costs.starter_kit"] == 600
    state.tab.value = state.TAB_SIMULATION  # tabs are built when shown
    assert (
        slider(box, "costs.starter_kit", "de")[0] == f"{t('slider.costs.starter_kit', 'de')}: 600"
    )
    # the page writes the same setup back (as the browser's address shows it)
    again, _ = address.decode(state.current_query())
    assert again.overrides == {"costs.starter_kit": 600.0, "compensation.plan": "binary"}
    assert (again.scenario, again.seed, again.tab, again.lang) == ("retail_focused", "7",
                                                                   "simulation", "de")  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_an_invalid_address_shows_the_message_and_the_rest(page, lang):
    state.lang.value = lang
    state.open_address("scenario=baseline&costs.starter_kit=-5&seed=9")
    exc = state.error.value
    assert isinstance(exc, ScenarioError) and exc.key == "costs.starter_kit"
    # the tool's message, naming where the value came from
    assert state.error_text(exc, lang) == exc.message(lang)
    assert exc.message(lang).startswith(f"{t('share.origin', lang)}: costs.starter_kit = -5")
    assert state.model.value.params.costs.starter_kit == load_scenario("baseline").costs.starter_kit
    assert state.model.value.params.simulation.seed == 9  # the valid parts are kept
    state.open_address("scenario=no_such_one&seed=9")
    assert state.scenario_name.value == state.DEFAULT_SCENARIO
    assert "no_such_one" in state.error.value.message(lang)


# the files this process opens while ``opened_files`` listens (an audit hook stays for
# the whole test session, so it does nothing unless asked)
_opened: list[str] | None = None


def _note_open(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and args and isinstance(args[0], str | bytes):
        _opened.append(os.path.abspath(os.fsdecode(args[0])))


sys.addaudithook(_note_open)


@contextlib.contextmanager
def opened_files():
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


@pytest.mark.slow
def test_the_address_names_only_library_scenarios(page, tmp_path):
    """A path in ``?scenario=`` used to be read: /etc/shadow answered "malformed TOML", a
    missing file "not found", another TOML file its key names (issue 20). Now any value
    that is not a library name gets the answer of an unknown name, and nothing is read."""
    secret = tmp_path / "secret.toml"
    secret.write_text('password = "hunter2"\n')
    values = [
        "/etc/passwd",
        "/etc/shadow",
        "/nonexistent/missing.toml",
        str(secret),
        str(secret.with_suffix("")),
        os.path.relpath(secret),
        str(SCENARIO_DIR / "baseline.toml"),  # the library's own file, by its path
        "./baseline",
        "a" * 256,
        "base\x00line",
        "base\u202eline",
    ]
    for value in values:
        with opened_files() as opened:
            state.open_address(f"scenario={quote(value, safe='')}&seed=9")
        shown = state.error_text(state.error.value, "en")
        assert shown == unknown_scenario(value).message("en"), value
        assert "hunter2" not in shown and "password" not in shown
        assert not RAW.search(shown), shown
        assert state.scenario_name.value == state.DEFAULT_SCENARIO
        assert state.model.value.params.simulation.seed == 9  # the rest of the address holds
        outside = [p for p in opened if p.startswith(("/etc", "/nonexistent", str(tmp_path)))]
        assert outside == [], (value, outside)


def test_deep_nesting_in_the_address_is_a_message(page):
    state.open_address("scenario=pyramid&population.size=" + quote("[" * 600 + "]" * 600))
    assert state.error.value.kind == "too_deep"
    assert state.error_text(state.error.value, "de").startswith(t("share.origin", "de"))
    assert state.model.value.params.name == "pyramid"


@pytest.mark.slow
def test_an_invalid_seed_in_the_address_gives_the_scenarios_own(page):
    state.step(1)
    state.open_address("scenario=pyramid&seed=abc&tab=compare")
    assert state.error_text(state.error.value, "de") == t("ui.seed_invalid", "de")
    assert state.model.value.params.name == "pyramid"
    assert state.model.value.params.simulation.seed == load_scenario("pyramid").simulation.seed
    assert state.model.value.week == 0
    assert state.tab.value == state.TAB_COMPARE


@pytest.mark.slow
def test_a_bare_address_leaves_the_page_as_it_is(page):
    state.step(2)
    model = state.model.value
    state.open_address(None)
    state.open_address("")
    assert state.model.value is model


# ---- a changed scenario says so ----------------------------------------------------------------


@pytest.mark.slow
def test_the_downloaded_scenario_names_its_changes(page):
    """Issue 14: after switching to binary the file still said 'baseline ... unilevel'."""
    box, rc = page
    rc.find(v.Select, label=t("ui.plan")).widget.v_model = t("plan.binary")
    button(rc, "Reset").click()
    name, data = download(box, ".toml")
    text = data.decode("utf-8")
    loaded = scenario_from_bytes(data, name)
    assert name == "baseline_changed.toml"
    assert loaded.compensation.plan == "binary"
    assert "unilevel" not in loaded.description.lower()
    assert "compensation.plan = binary" in loaded.description
    assert "compensation.plan = binary" in loaded.description_de
    assert loaded.statements == ()
    assert 'name = "baseline_changed"' in text
    # the page says what was changed, in words
    assert f"{t('share.changed', changes=f'{t("ui.plan")} = {t("plan.binary")}')}" in all_texts(box)


@pytest.mark.slow
def test_a_new_seed_alone_keeps_the_scenarios_name(page):
    _, rc = page
    state.seed_text.value = "5"
    button(rc, "Reset").click()
    assert state.model.value.params.name == "baseline"
    assert state.model.value.params.simulation.seed == 5


# ---- upload ------------------------------------------------------------------------------------


def _file(**changes) -> bytes:
    scenario = load_scenario("retail_focused").with_overrides(changes)
    return scenario_to_toml(scenario).replace('"retail_focused"', '"my_company"').encode()


@pytest.mark.slow
def test_an_uploaded_file_runs_with_every_value_it_holds(page):
    data = _file(**{"costs.starter_kit": 222.0, "population.size": 5000,
                    "market.order_value": 55.5, "simulation.seed": 3})  # fmt: skip
    state.upload(data, "my_company.toml")
    assert state.error.value is None
    params = state.model.value.params
    uploaded = scenario_from_bytes(data, "my_company.toml")
    assert address.changes(uploaded, params) == {}
    assert params.simulation.seed == 3
    assert params.name == "my_company"
    assert state.scenario_name.value == "retail_focused"  # the closest library scenario
    # the address holds it all, and opening it elsewhere gives the same values
    query = state.current_query()
    assert "name=my_company" in query and "costs.starter_kit=222.0" in query
    state.load("pyramid")
    state.open_address(query)
    assert address.changes(uploaded, state.model.value.params) == {}
    assert state.model.value.params.name == "my_company"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "data",
    [
        b"[costs]\nstarter_kit = -1\n",  # out of range
        b"[costs]\nstarter_kit = \n",  # not TOML
        b"[cost]\nstarter_kit = 1\n",  # unknown section
        "[costs]\nstarter_kit = 1 # \u00e4".encode("latin-1"),  # not UTF-8
        b"x" * (MAX_SCENARIO_BYTES + 1),  # too large
    ],
    ids=["range", "toml", "section", "encoding", "size"],
)
def test_a_bad_upload_is_refused_with_the_tools_message(page, data, lang):
    box, _ = page
    state.lang.value = lang
    model = state.model.value
    state.upload(data, "../../etc/bad.toml")
    with pytest.raises(ScenarioError) as info:
        scenario_from_bytes(data, "bad.toml")  # what the command line would say
    assert state.model.value is model
    shown = state.error_text(state.error.value, lang)
    assert shown == state.error_text(info.value, lang)
    assert "bad.toml" in shown and "etc" not in shown
    assert f"{t('ui.invalid', lang)} {shown}" in all_texts(box)


def test_an_upload_shows_its_own_message_whatever_goes_wrong(page, monkeypatch):
    """An error the upload thread did not catch used to leave an older message on the
    page (issue 20): deep nesting (RecursionError), or anything unforeseen."""
    model = state.model.value
    state.error.value = ScenarioError("an older message")
    receive({"name": "deep.toml", "size": 1300}, lambda n: b"x = " + b"[" * 650 + b"]" * 650)
    assert state.error.value.kind == "too_deep" and "deep.toml" in str(state.error.value)

    def broken(data: bytes, filename: str):
        raise RuntimeError("unforeseen")

    monkeypatch.setattr(state, "scenario_from_bytes", broken)
    state.error.value = ScenarioError("an older message")
    receive({"name": "../../odd\u202e.toml", "size": 10}, lambda n: b"x")
    for lang in LANGS:
        shown = state.error_text(state.error.value, lang)
        assert shown == t("upload.failed", lang, name="odd\\u202e.toml", detail="RuntimeError")
    state.error.value = ScenarioError("an older message")
    receive({"name": "odd.toml", "size": "many"}, lambda n: b"x")  # a browser's odd report
    assert "odd.toml" in str(state.error.value)
    assert state.model.value is model


@pytest.mark.slow
def test_a_large_upload_is_refused_before_it_is_read(page):
    reads = []
    receive({"name": "big.toml", "size": 1 << 20}, lambda n: reads.append(n) or b"")
    assert reads == []
    assert state.error.value.kind == "too_large"
    assert "1,048,576" in state.error.value.message("en")
    good = _file(**{"costs.starter_kit": 77.0})
    receive({"name": "ok.toml", "size": len(good)}, lambda n: reads.append(n) or good[:n])
    assert reads == [MAX_SCENARIO_BYTES + 1]
    assert state.model.value.params.costs.starter_kit == 77


# ---- out of 100 ----------------------------------------------------------------------------------


def test_out_of_100_adds_up_and_follows_the_outcome_shares():
    rng = np.random.default_rng(3)
    net = rng.normal(-150, 400, 777)
    active = rng.random(777) < 0.3
    counts = hundred_panel.hundred(net, active)
    assert sum(counts.values()) == 100
    shares = outcome_shares(net)
    for outcome, key in zip(hundred_panel.OUTCOMES, shares, strict=True):
        total = counts[(outcome, True)] + counts[(outcome, False)]
        assert abs(total - 100 * shares[key]) <= 1, outcome
    quit_share = 100 * np.count_nonzero(~active) / len(active)
    assert abs(sum(counts[(o, False)] for o in hundred_panel.OUTCOMES) - quit_share) <= 1
    # three people: a loss (quit), about even (active), a profit (active)
    three = hundred_panel.hundred([-500.0, 0.0, 900.0], [False, True, True])
    assert sum(three.values()) == 100
    assert {k for k, n in three.items() if n} == {("loss", False), ("even", True),
                                                   ("profit", True)}  # fmt: skip
    assert set(three.values()) == {0, 33, 34}
    assert sum(hundred_panel.hundred([], []).values()) == 0


@pytest.mark.slow
def test_out_of_100_is_the_first_thing_on_the_simulation_page(page):
    box, rc = page
    for _ in range(6):
        button(rc, "Step").click()
    view = state.view.value
    counts = hundred_panel.hundred(view.net, view.exit_week < 0)
    html = [
        w.unsafe_innerHTML
        for w in walk(box)
        if "nws-hundred" in str(getattr(w, "unsafe_innerHTML", ""))
    ]
    assert html, "the picture of 100 people is missing"
    assert html[0].count("<i class=") == 100
    for outcome in hundred_panel.OUTCOMES:
        for active in (True, False):
            assert (
                html[0].count(f'<i class="{outcome}{"a" if active else "q"}">')
                == counts[(outcome, active)]
            )
    cards = [w for w in walk(box) if isinstance(w, v.Card)]
    assert t("hundred.title") in str(cards[0].children)


# ---- the recruitment tree --------------------------------------------------------------------


def test_the_icicle_of_a_small_tree():
    """0 and 1 are founders; 2 and 3 were recruited by 0, 4 by 2."""
    layout = icicle(np.array([-1, -1, 0, 0, 2]))
    assert layout.depth.tolist() == [0, 0, 1, 1, 2]
    assert np.allclose(layout.width, [0.8, 0.2, 0.4, 0.2, 0.2])  # subtree sizes / 5
    assert np.allclose(layout.x0, [0.0, 0.8, 0.0, 0.4, 0.0])
    assert icicle(np.array([], dtype=int)).depth.size == 0


def test_the_raster_averages_bars_narrower_than_a_pixel():
    layout = Icicle(np.array([0, 0, 0]), np.array([0.0, 0.25, 0.5]), np.array([0.25, 0.25, 0.5]))
    colours = np.array([[1.0, 0, 0], [0, 0, 1.0], [0, 1.0, 0]])
    image = raster(layout, colours, pixels=2, levels=1)
    assert np.allclose(image[0, 0], [0.5, 0, 0.5])  # red and blue, a quarter each
    assert np.allclose(image[0, 1], [0, 1, 0])
    assert np.allclose(image[-1], 1.0)  # the gap below a level stays white
    half = raster(Icicle(np.array([0]), np.array([0.0]), np.array([0.5])), colours[:1], 1, 1)
    assert np.allclose(half[0, 0], [1.0, 0.5, 0.5])  # half red, half white


def test_quitters_are_pale_profit_is_blue_and_loss_red():
    """Red and blue, the pair colour-blind viewers tell apart (sim/present.py)."""
    active, quit_ = bar_colours(np.array([5000.0, 5000.0]), np.array([True, False]))
    assert active[2] > active[0] and active[2] > active[1]  # blue
    assert (quit_ > active).all()  # mixed with white
    lost, _ = bar_colours(np.array([-5000.0, -5000.0]), np.array([True, False]))
    assert lost[0] > lost[1] and lost[0] > lost[2]  # red


@pytest.mark.slow
def test_the_tree_chart_grows_with_the_company(page):
    box, rc = page
    chart = charts.ALL_CHARTS["tree"](state.view.value.weeks, "en")
    start = state.view.value
    first = chart.frame(start)
    # an established company: week 0 shows its organisation, many levels deep
    levels = int(icicle(start.sponsor).depth.max()) + 1
    assert levels > 1
    assert chart.title.get_text() == t("tree.title", n=f"{start.ever_joined:,}", levels=levels,
                                       week=0)  # fmt: skip
    for _ in range(8):
        button(rc, "Step").click()
    view = state.view.value
    assert chart.frame(view) != first
    levels = int(icicle(view.sponsor).depth.max()) + 1
    assert levels > 1
    assert chart.title.get_text() == t("tree.title", n=f"{view.ever_joined:,}", levels=levels,
                                       week=8)  # fmt: skip
    # the page shows the tree of the week shown, as any chart object draws it
    assert charts.ALL_CHARTS["tree"](view.weeks, "en").frame(view) in images(box)


def test_the_tree_follows_the_records_sponsor_of_enrolment():
    model = NetworkMarketingModel(load_scenario("baseline", {"population.size": 2000}))
    for _ in range(30):
        model.step()
    view = snapshot(model)
    table = model.result().networkers
    assert (view.sponsor == table.first_sponsor.to_numpy()).all()
    layout = icicle(view.sponsor)
    founders = view.sponsor < 0
    assert np.isclose(layout.width[founders].sum(), 1.0)


# ---- the pyramid light, the Me page, the Compare page -------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_no_verdict_before_any_rule_applies(page, lang):
    box, _ = page
    state.lang.value = lang
    assert state.view.value.week == 0
    assert state.view.value.risk == "n/a"
    texts = all_texts(box)
    assert t("risk.verdict_n/a", lang) in texts
    assert t("risk.verdict_green", lang) not in texts


@pytest.mark.slow
def test_the_me_page_answers_for_the_settings_on_screen(page, monkeypatch):
    """Issue 14: with a 600 EUR starter kit set, the answer was the default one."""
    box, rc = page
    _, kit = slider(box, "costs.starter_kit")
    kit.v_model = 600
    button(rc, "Reset").click()
    on_screen = state.model.value.params
    monkeypatch.setattr(me, "executor", lambda: InlineExecutor())
    monkeypatch.setattr(me, "FUTURES", 10)
    # a task of this test's own: its answer does not stay on the page of later tests
    monkeypatch.setattr(me, "ask", solara.lab.task(me.answer, prefer_threaded=True))
    me.months.set(3)
    state.tab.value = state.TAB_ME
    assert f"{t('me_setup.scenario', name='baseline_changed')}" in all_texts(box)
    button(rc, t("me_page.ask")).click()
    wait_for(lambda: me.ask.finished, "the answer", timeout=300)
    assert me.asked_for.value == on_screen
    assert me.ask.value.scenario == "baseline_changed"
    rows = me.ask.value.rows
    joining = on_screen.costs.starter_kit  # every future paid the kit on screen
    assert (rows.net <= -joining + rows.gross + 1e-6).all()
    # the figures are a table of the page, not 5,000 px of monospace text
    assert not [w for w in walk(box) if isinstance(w, v.Html) and w.tag == "pre"]
    tables = [w.unsafe_innerHTML for w in walk(box)
              if "<table" in str(getattr(w, "unsafe_innerHTML", ""))]  # fmt: skip
    assert any(t("me.row_active") in html for html in tables)
    summaries = [text for text in all_texts(box) if "Imagine 100 people" in text]
    assert len(summaries) <= 1 and not any(
        "Imagine 100 people" in html for html in tables
    )  # the summary once, not again below the table
    me.outlook.set(None)
    me.asked_for.set(None)


def test_hours_are_singular_for_one_hour():
    from sim.me import hours_text

    assert hours_text(1.2, "en") == "about 1 hour"
    assert hours_text(1.0, "de") == "etwa 1 Stunde"
    assert hours_text(12.0, "en") == "about 12 hours"


def test_the_compare_slider_shows_its_number(page):
    box, _ = page
    state.tab.value = state.TAB_COMPARE
    assert f"{t('ui.runs')}: 20" in all_texts(box)


# ---- chart texts fit -------------------------------------------------------------------------


def _outside(fig) -> list[str]:
    """Titles, axis labels and other texts (not tick labels) that stick out of ``fig``."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ticks = {id(x) for ax in fig.axes for x in ax.get_xticklabels() + ax.get_yticklabels()}
    out = []
    for text in fig.findobj(Text):
        if id(text) in ticks or not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < -1 or box.x1 > fig.bbox.width + 1 or box.y1 > fig.bbox.height + 1:
            out.append(text.get_text())
    return out


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_text_fits_its_chart(lang):
    """Issue 14: a German chart title was cut ("...90-%-Berei")."""
    from sim.experiments import run_experiment

    model = NetworkMarketingModel(load_scenario("baseline", {"population.size": 3000}))
    for _ in range(110):
        model.step()
    view = snapshot(model)
    for name, kind in charts.ALL_CHARTS.items():
        chart = kind(view.weeks, lang)
        chart.full(view, dpi=charts.DPI)
        assert _outside(chart.fig) == [], name
    small = {"population.size": 800, "simulation.weeks": 26}
    exps = [run_experiment(load_scenario(n, small), 2, workers=1) for n in ("critical", "pyramid")]
    names = ["A: critical", "B: pyramid"]
    for column in ("active", "cumulative_net_p50"):
        fig = charts.band_chart([e.bands for e in exps], names, column, lang)
        assert _outside(fig) == [], column
    assert _outside(charts.outcomes_chart([e.outcomes for e in exps], names, lang)) == []


def test_survival_curves_say_how_many_people_they_rest_on():
    model = NetworkMarketingModel(load_scenario("baseline", {"population.size": 3000}))
    for _ in range(60):
        model.step()
    view = snapshot(model)
    chart = charts.SurvivalChart(view.weeks, "en")
    chart.frame(view)
    # the first cohort: those who joined in the view's first year (the members at week 0
    # are no cohort of the view)
    first_year = int(np.count_nonzero((view.join_week >= 0) & (view.join_week < 52)))
    shown = [c.get_text() for c in chart.counts if c.get_visible()]
    assert shown[0].startswith(f"n = {first_year:,} → ")
    assert len(shown) == 2  # two joining years so far


def _png_widths(box) -> list[int]:
    return [Image.open(io.BytesIO(png)).size[0] for png in images(box)]


@pytest.mark.slow
def test_presentation_mode_draws_sharp_charts(page):
    box, _ = page
    n = len(charts.ALL_CHARTS)  # the simulation page's charts come first
    normal = _png_widths(box)[:n]
    state.presentation.value = True
    try:
        assert sorted(_png_widths(box)[:n]) == sorted(2 * w for w in normal)  # 160 dpi, not 80
        assert t("present.off") in all_texts(box)
    finally:
        state.presentation.value = False
