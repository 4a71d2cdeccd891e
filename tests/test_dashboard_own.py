"""The dashboard's "Bring your own company" panel (dashboards/components/own.py), rendered
without a browser: every input labelled, a bad table's message, a small fit in the
background, its table, the fitted scenario to download and to ask "What would happen to me?"."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara
import solara.lab
from test_dashboard import (
    all_texts,
    button,
    download,
    fresh_state,  # noqa: F401  (autouse)
    wait_for,
    walk,
)

from dashboards import state
from dashboards.components import own
from sim.i18n import t
from sim.published import template
from sim.scenario import load_scenario, scenario_from_bytes


@pytest.fixture
def panel(monkeypatch):
    # a task of this test's own, and a fit small enough for a test (a young company)
    monkeypatch.setattr(own, "fitting", solara.lab.task(own.run_fit, prefer_threaded=True))
    young = load_scenario("baseline", {"simulation.company_age_years": 3})
    monkeypatch.setattr(own, "settings", {"base": young, "runs": 1, "start": 1, "steps": 0,
                                          "workers": 1})  # fmt: skip
    own.text.set(template("csv"))
    own.file_name.set("template.csv")
    own.problem.set(None)
    own.people.set(2000)
    box, rc = solara.render(own.OwnCompanyPanel("en"), handle_error=False)
    yield box, rc
    rc.close()


def test_every_input_is_labelled(panel):
    box, _ = panel
    inputs = [w for w in walk(box)
              if isinstance(w, v.Textarea | v.Select | v.TextField | v.FileInput)]  # fmt: skip
    assert len(inputs) >= 3
    assert all(getattr(w, "label", "") for w in inputs)


def test_a_bad_table_shows_the_rule_and_where(panel):
    box, rc = panel
    own.text.set(template("csv").replace("Manager,8.0", "Manager,18.0"))
    button(rc, t("own.ui.check")).click()
    wait_for(lambda: own.problem.value is not None, "the message")
    message = own.problem.value.message("en")
    assert "template.csv" in message and "110" in message
    assert message in all_texts(box)


@pytest.mark.slow
def test_a_fit_runs_in_the_background_and_opens_me(panel):
    box, rc = panel
    button(rc, t("own.ui.fit")).click()
    wait_for(lambda: own.fitting.finished, "the fit", timeout=300)
    result, toml = own.fitting.value
    assert result.statement.company == "Example Wellness Inc."

    def table_shown():
        return [w for w in walk(box) if "Consultant" in str(getattr(w, "unsafe_innerHTML", ""))
                and "Published share" in w.unsafe_innerHTML]  # fmt: skip

    wait_for(table_shown, "the fit table")
    assert t("own.fit.title", company="Example Wellness Inc.", year="2024") in all_texts(box)
    name, data = download(box, ".toml")
    assert data.decode() == toml and name == f"{result.scenario.name}.toml"
    assert scenario_from_bytes(data, name).compensation.rank_titles == (
        "Consultant", "Manager", "Director")  # fmt: skip
    button(rc, t("own.ui.open_me")).click()
    wait_for(lambda: state.tab.value == state.TAB_ME, "the Me page")
    assert state.error.value is None
    assert state.model.value.params.compensation.rank_titles[0] == "Consultant"


def test_cancel_stops_the_fit(panel, monkeypatch):
    own._cancel.set()  # as a press of Cancel does, before the first evaluation is done
    monkeypatch.setattr(own._cancel, "clear", lambda: None)
    assert own.run_fit(template("csv"), "template.csv", 2000) is None
