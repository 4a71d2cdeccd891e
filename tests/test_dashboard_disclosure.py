# ruff: noqa: F811  (the fixtures page and fresh_state come from test_dashboard)
"""The Disclosure page (issue 23): a library scenario's disclosure at company scale shown at
once from the package, another setup computed once on the server's one disclosure thread,
with its progress, then kept; the figures downloadable as CSV and JSON."""

from __future__ import annotations

import json

import pytest
from test_dashboard import (
    download,
    fresh_state,  # noqa: F401  (autouse)
    page,  # noqa: F401  (a fixture)
    wait_for,
    walk,
)

import sim.disclosure
from dashboards import state
from dashboards.components import disclosure as panel
from sim.i18n import t


def shown_html(box) -> str:
    """The disclosure's HTML as the page holds it ('' while it is computed)."""
    return "".join(
        w.unsafe_innerHTML
        for w in walk(box)
        if '<section class="disclosure">' in getattr(w, "unsafe_innerHTML", "")
    )


def test_the_baselines_disclosure_is_shown_from_the_package(page):
    box, _ = page
    panel.choice.value = panel.CURRENT
    state.tab.value = state.TAB_DISCLOSURE
    html = wait_for(lambda: "<table" in shown_html(box) and shown_html(box), "the disclosure")
    assert t("disclosure.company_head", "en") in html
    assert t("disclosure.truth_head", "en") in html
    assert "<svg" in html  # the pictograph of 100 members
    shipped = json.loads(sim.disclosure.shipped_path("baseline").read_text(encoding="utf-8"))
    name, data = download(box, "disclosure.json")
    assert name == "baseline-disclosure.json"
    assert json.loads(data)["key"] == shipped["key"]
    _, csv = download(box, "disclosure.csv")
    assert csv.decode("utf-8").startswith("view,row,measure,value")


@pytest.mark.slow
def test_a_changed_setup_is_computed_once_then_kept(page, monkeypatch, tmp_path):
    box, _ = page
    monkeypatch.setattr(sim.disclosure, "COMPANY_SCALE", 3_000)  # a small company, quickly
    monkeypatch.setattr(sim.disclosure, "cache_folder", lambda: tmp_path)
    state.set_setting("costs.starter_kit", 250.0)
    state.reset()
    panel.choice.value = panel.CURRENT
    state.tab.value = state.TAB_DISCLOSURE
    html = wait_for(lambda: shown_html(box), "the computed disclosure", timeout=120)
    assert t("disclosure.company_head", "en") in html
    assert len(list(tmp_path.glob("*.json"))) == 1  # kept for next time
    key, again = panel.ask(state.view.value.params)
    assert again.done()  # the one computation, not a second
    assert again.result()[0].key == key


def test_german_page_in_german(page):
    box, _ = page
    state.lang.value = "de"
    panel.choice.value = "baseline"
    state.tab.value = state.TAB_DISCLOSURE
    html = wait_for(lambda: shown_html(box), "the disclosure")
    assert t("disclosure.company_head", "de") in html
    assert t("disclosure.company_head", "en") not in html
