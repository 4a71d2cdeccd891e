# ruff: noqa: F811  (the fixtures page and fresh_state come from test_dashboard)
"""The dashboard for screen readers (issue 24, part 3): every chart says what it shows now,
in numbers and words and in both languages, from the data of the frame it draws; its data
as a table; the week shown announced in a polite live region, throttled while playing."""

from __future__ import annotations

import re

import ipywidgets
import numpy as np
import pandas as pd
import pytest
from test_dashboard import (  # the same fixtures and helpers as the older page tests
    button,
    fresh_state,  # noqa: F401  (autouse)
    page,  # noqa: F401  (a fixture)
    walk,
)

from dashboards import charts, drawing, state
from dashboards.components import panels
from dashboards.live import Said, share_words
from dashboards.view import snapshot
from sim.i18n import LANGS, fmt_eur, fmt_int, fmt_pct, t
from sim.metrics import INCOME_BIN_EDGES, money_by_month
from sim.model import WEEKS_PER_MONTH, NetworkMarketingModel
from sim.scenario import load_scenario

WEEK = {"en": "Week", "de": "Woche"}


@pytest.fixture(scope="module")
def views():
    """A small run at week 0 and at week 30 (past the first month's close)."""
    model = NetworkMarketingModel(load_scenario("baseline", {"population.size": 2_000}))
    out = [snapshot(model)]
    for _ in range(30):
        model.step()
    out.append(snapshot(model))
    return out


def said(name: str, view, lang: str) -> tuple[charts.LiveChart, Said]:
    chart = charts.ALL_CHARTS[name](view.weeks, lang)
    chart.frame(view)
    return chart, chart.said(view)


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_says_the_week_it_shows_in_both_languages(views, lang):
    for view in views:
        for name in charts.ALL_CHARTS:
            _, words = said(name, view, lang)
            assert f"{WEEK[lang]} {view.week}" in words.text, (name, words.text)
            assert "{" not in words.text and words.caption, name
            assert len(words.columns) >= 2, name
            for row in words.rows:
                assert len(row) == len(words.columns), name


@pytest.mark.parametrize("lang", LANGS)
def test_the_texts_state_the_views_figures(views, lang):
    view = views[1]
    active, joined = fmt_int(view.active, lang), fmt_int(view.ever_joined, lang)
    assert view.active > 0 and view.ever_joined > view.active
    for name in ("income_heatmap", "people"):
        text = said(name, view, lang)[1].text
        assert f"{WEEK[lang]} {view.week}: {active} " in text, (name, text)
    for name in ("net_histogram", "tree"):
        assert joined in said(name, view, lang)[1].text, name
    loss, even, profit = view.shares()
    text = said("net_histogram", view, lang)[1].text
    for share in (loss, even, profit):
        assert share_words(share, lang) in text
    # at week 0 the heat map has no month yet and says so, with the active count
    first = said("income_heatmap", views[0], lang)[1].text
    assert fmt_int(views[0].active, lang) in first and str(WEEKS_PER_MONTH) in first


def test_the_words_are_the_figures_the_chart_draws(views):
    view = views[1]
    # the histogram: its text box and its text give the same shares; the table's people
    # add up to everyone who joined
    chart, words = said("net_histogram", view, "en")
    loss = view.shares()[0]
    assert fmt_pct(loss, "en") in chart.text.get_text() and f"({fmt_pct(loss)})" in words.text
    assert sum(int(row[1].replace(",", "")) for row in words.rows) == view.ever_joined
    # the people chart: the active count is the line's last point, and the table's newest row
    chart, words = said("people", view, "en")
    assert np.asarray(chart.active.get_data()[1])[-1] == view.active
    assert words.rows[0][:2] == (str(view.week), fmt_int(view.active))
    assert len(words.rows) == view.week
    # the heat map: the share who lost more than €10 in the month is the drawn column's
    chart, words = said("income_heatmap", view, "en")
    hist = view.income_hist[-1]
    lost = hist[INCOME_BIN_EDGES[1:] <= -10].sum() / hist.sum()
    assert f"{share_words(lost, 'en')} of them lost" in words.text
    assert [int(row[1]) for row in words.rows] == hist.tolist()
    p90 = view.series.monthly_net_p90.iloc[-1]
    assert f"more than {fmt_eur(p90)}." in words.text
    # the money chart: the revenue of the months drawn
    chart, words = said("money", view, "en")
    months = money_by_month(view.series, WEEKS_PER_MONTH)
    assert fmt_eur(months.company_revenue.sum()) in words.text
    assert len(words.rows) == len(months) and words.rows[0][0] == str(months.month.iloc[-1])
    # the Lorenz curve's table ends with everyone and all the money
    assert said("lorenz", view, "en")[1].rows[-1] == ("100 %", "100.0 %")
    # the tree: one row per level drawn, the people on them adding up to everyone
    chart, words = said("tree", view, "de")
    assert words.caption == chart.title.get_text()
    assert sum(int(row[1].replace(".", "")) for row in words.rows) == view.ever_joined


def test_shares_in_words_and_numbers():
    assert share_words(0.52, "en") == "about half (52 %)"
    assert share_words(0.52, "de") == "etwa die Hälfte (52 %)"
    assert share_words(0.34, "en") == "about a third (34 %)"
    assert share_words(0.12, "de") == "etwa ein Zehntel (12 %)"
    assert share_words(0.004, "en") == "only 0.4 %"
    assert share_words(0.98, "de") == "98,0 %"
    assert share_words(0.0, "en") == "0 %" and share_words(1.0, "en") == "100 %"
    assert share_words(float("nan"), "en") == "\u2013"


def test_a_charts_table_has_a_caption_and_header_cells():
    words = Said("alt", "Money <by> month", ("Month", "Revenue"), (("1", "€5"), ("2", "€7")))
    table = panels.table_html(words)
    assert "<caption>Money &lt;by&gt; month</caption>" in table
    assert table.count('<th scope="col">') == 2 and table.count('<th scope="row">') == 2
    assert '<tr><th scope="row">2</th><td>€7</td></tr>' in table


def test_the_announcement_waits_while_playing_and_not_after_a_step():
    throttle = panels.Throttle(every=5.0)
    assert throttle("week 1", running=False, now=100.0) == "week 1"  # a Step: at once
    assert throttle("week 2", running=False, now=100.5) == "week 2"
    assert throttle("week 3", running=True, now=101.0) == "week 2"  # Play: too soon
    assert throttle("week 9", running=True, now=105.6) == "week 9"  # five seconds on
    assert throttle("week 10", running=True, now=106.5) == "week 9"
    assert throttle("week 11", running=False, now=106.7) == "week 11"  # Pause: at once


def test_the_announcement_states_the_week_and_key_numbers(views):
    view = views[1]
    loss, _, profit = view.shares()
    for lang in LANGS:
        text = panels.announcement(view, lang)
        assert text.startswith(f"{WEEK[lang]} {view.week}: {fmt_int(view.active, lang)} ")
        assert fmt_int(view.ever_joined, lang) in text
        assert share_words(loss, lang) in text and share_words(profit, lang) in text


def test_the_cache_keeps_the_words_of_the_frame(views):
    view = state.FIRST_VIEW
    drawn = drawing.chart_drawn("people", view, "de")
    assert drawn.png == drawing.chart_png("people", view, "de")
    assert drawn.said == said("people", view, "de")[1]


def chart_names(box) -> list[str]:
    """The accessible names of the charts: their wrappers with the role of an image, each
    holding one chart image hidden from screen readers."""
    out = []
    for w in walk(box):
        attributes = getattr(w, "attributes", None) or {}
        if attributes.get("role") == "img":
            assert any(isinstance(x, ipywidgets.Image) for x in walk(w))
            out.append(attributes["aria-label"])
    return out


def live_region(box) -> str:
    found = [w for w in walk(box) if (getattr(w, "attributes", None) or {}).get("aria-live")]
    assert len(found) == 1, "one live region"
    assert found[0].attributes["aria-live"] == "polite"
    return found[0].unsafe_innerHTML


def test_the_page_gives_every_chart_its_words_and_a_table(page):
    box, rc = page
    for _ in range(6):
        button(rc, "Step").click()
    view = state.view.value
    assert view.week == 6
    assert live_region(box) == panels.announcement(view, "en")
    pictures = chart_names(box)
    assert len(pictures) == len(charts.ALL_CHARTS)
    for text in pictures:
        assert text.startswith("Week 6: "), text
    name = t("chart.people_name")
    button(rc, t("said.show_table", name=name)).click()
    tables = [w for w in walk(box) if "<caption>" in str(getattr(w, "unsafe_innerHTML", ""))]
    assert len(tables) == 1 and tables[0].attributes["tabindex"] == "0"
    cells = re.findall(r'<th scope="row">(\d+)</th><td>([\d,]+)</td>', tables[0].unsafe_innerHTML)
    assert cells[0] == ("6", fmt_int(view.active)) and len(cells) == 6
    button(rc, t("said.hide_table", name=name)).click()
    assert not [w for w in walk(box) if "<caption>" in str(getattr(w, "unsafe_innerHTML", ""))]
    state.lang.value = "de"
    assert live_region(box) == panels.announcement(view, "de")
    assert all(text.startswith("Woche 6: ") for text in chart_names(box))


def test_the_compare_pages_charts_in_words():
    bands = [
        pd.DataFrame({"column": "active", "week": [1, 2], "p5": [9.0, 90], "p50": [10.0, 120],
                      "p95": [11.0, 150]}),
        pd.DataFrame({"column": "active", "week": [1, 2], "p5": [1.0, 2], "p50": [1.0, 3],
                      "p95": [1.0, 4]}),
    ]  # fmt: skip
    text = charts.band_said(bands, ["A: x", "B: y"], "active", "de")
    assert "Woche 2" in text and "A: x: Median 120 (90 bis 150); B: y: Median 3 (2 bis 4)" in text
    outcomes = [pd.DataFrame({"share_net_loss": [0.6, 0.7], "share_break_even": [0.3, 0.2],
                              "share_profit": [0.1, 0.1]})]  # fmt: skip
    text = charts.outcomes_said(outcomes, ["A: x"], "en")
    assert "A: x: a loss of more than €100 65 %" in text
    assert "a profit of more than €100 10 %" in text
