"""The class game's pages rendered in the test process (``solara.render``, no browser):
the student's controls make the decisions the game books, a wrong key shows the join form
and nothing of the player, the teacher's controls advance, and the language is the tab's
(issue 25). The browser test (tests/test_game_browser.py) plays a whole class."""

from __future__ import annotations

import re

import ipyvuetify as v
import pytest
import solara
from test_dashboard import all_texts, button, wait_for, walk

from dashboards import game as games
from dashboards import state
from dashboards.components.game import GamePage, plain, rows_csv
from sim.i18n import t


def texts(box) -> str:
    """Everything the page says, its HTML blocks' text included, as one string."""
    parts = set(all_texts(box))
    for w in walk(box):
        inner = getattr(w, "unsafe_innerHTML", None)
        if isinstance(inner, str):
            parts.add(re.sub(r"<[^>]+>", "", inner))
    return "\n".join(sorted(parts))


@pytest.fixture
def table():
    from sim.game import Game
    from sim.scenario import load_scenario

    state.lang.value = "en"
    scenario = load_scenario("baseline", {"population.size": 1500})
    made = games.register(lambda code: Game.new(scenario, seed=5, rounds=3, code=code), "baseline")
    yield made
    games.clear()
    state.lang.value = "en"


def render(link: games.Link):
    return solara.render(GamePage(link), handle_error=False)


def test_a_student_decides_with_the_controls_and_the_game_books_it(table):
    pid, key = table.join("Ada")
    box, rc = render(games.Link(table.code, player=pid, key=key))
    try:
        wait_for(lambda: "You are Ada in game" in texts(box), "the student's page")
        button(rc, t("game.student.strangers"))
        rc.find(v.BtnToggle).widget.v_model = 1  # the second button: strangers
        assert table.game.player(pid, key).decision.approach == "strangers"
        assert pid in table.decided
        wait_for(lambda: t("game.student.saved", round=1) in texts(box), "the saved note")
        autoship = rc.find(v.Switch, label=t("game.student.autoship")).widget
        autoship.v_model = False
        assert table.game.player(pid, key).decision.autoship is False
        hours = rc.find(v.Slider).widgets[0]
        hours.v_model = 12.5
        decision = table.game.player(pid, key).decision
        assert (decision.hours, decision.approach, decision.autoship) == (12.5, "strangers", False)

        button(rc, t("game.student.quit")).click()  # asks first
        assert not table.game.player(pid, key).decision.quit
        button(rc, t("game.student.quit_yes")).click()
        assert table.game.player(pid, key).decision.quit
        table.advance()
        wait_for(lambda: t("game.student.month", round=1) in texts(box), "the month's report")
        wait_for(lambda: t("game.student.gone") in texts(box), "the student has left")
        assert not rc.find(v.Btn, children=[t("game.student.quit")]).widgets
        rows = rows_csv(table).decode().splitlines()
        assert len(rows) == 2 and rows[0].startswith("game,seed,scenario,player")
        assert ",strangers," in rows[1] and ",Ada," in rows[1]
    finally:
        rc.close()


def test_a_wrong_key_shows_nothing_of_the_player(table):
    pid, key = table.join("Bo")
    table.decide(pid, key, table.game.player(pid, key).decision)
    box, rc = render(games.Link(table.code, player=pid, key=key[:-2] + "xx"))
    try:
        said = texts(box)
        assert t("game.wrong_key", code=table.code) in said
        assert "Bo" not in said and t("game.join.join") in said  # the join form instead
        assert not rc.find(v.Btn, children=[t("game.student.quit")]).widgets
    finally:
        rc.close()


def test_the_teacher_needs_the_secret_and_advances_the_game(table):
    box, rc = render(games.Link(table.code, teacher="not-it"))
    try:
        assert t("game.wrong_teacher", code=table.code) in texts(box)
        assert not rc.find(v.Btn, children=[t("game.teacher.next")]).widgets
    finally:
        rc.close()
    table.join("Cy")
    box, rc = render(games.Link(table.code, teacher=table.teacher))
    try:
        assert table.code in texts(box)
        button(rc, t("game.teacher.next")).click()
        assert table.game.round == 1
        wait_for(lambda: t("game.month_of", round=1, rounds=3) in texts(box), "month 1")
        button(rc, t("game.teacher.reveal")).click()
        wait_for(lambda: t("game.reveal.title") in texts(box), "the reveal")
        button(rc, t("game.teacher.timer_start")).click()
        assert table.timer == games.TIMER_CHOICES[1]
        button(rc, t("game.teacher.pause")).click()
        assert table.timer_paused
        button(rc, t("game.teacher.timer_stop")).click()
        assert table.timer is None
    finally:
        rc.close()


def test_the_page_speaks_the_tabs_language(table):
    state.lang.value = "de"
    pid, key = table.join(None)
    box, rc = render(games.Link(table.code, player=pid, key=key))
    try:
        said = texts(box)
        assert t("game.student.decide", "de", round=1) in said
        assert t("game.student.decide", "en", round=1) not in said
    finally:
        rc.close()


def test_an_unknown_code_says_so_and_a_nickname_is_never_markup():
    box, rc = render(games.Link("ZZZZZ"))
    try:
        assert t("game.unknown", code="ZZZZZ") in texts(box)
    finally:
        rc.close()
    assert plain("*Ada*_[x](y)<b>") == "\\*Ada\\*\\_\\[x\\]\\(y\\)&lt;b&gt;"


def test_a_round_renders_the_students_page_but_not_the_controls_of_an_unchanged_decision(
    table, monkeypatch
):
    """30 phones are built after every round (issue 25: within 2 s): a round re-renders the
    month, not the sliders and switches of a decision that did not change."""
    from dashboards.components import game as page

    renders = []
    draw = page.Controls.f
    monkeypatch.setattr(page.Controls, "f", lambda *a, **k: (renders.append(1), draw(*a, **k))[1])
    pid, key = table.join("Di")
    box, rc = render(games.Link(table.code, player=pid, key=key))
    try:
        wait_for(lambda: "You are Di in game" in texts(box), "the student's page")
        first = len(renders)
        assert first >= 1
        table.advance()
        wait_for(lambda: t("game.student.month", round=1) in texts(box), "the month's report")
        assert t("game.student.decide", round=2) in texts(box)  # the card's title moved on
        assert len(renders) == first  # the controls stayed as they were
        rc.find(v.Switch, label=t("game.student.autoship")).widget.v_model = False
        assert table.game.player(pid, key).decision.autoship is False
        assert len(renders) == first + 1  # a choice renders them
        wait_for(lambda: t("game.student.saved", round=2) in texts(box), "the saved note")
        table.advance()
        wait_for(lambda: t("game.student.month", round=2) in texts(box), "month 2")
        assert t("game.student.saved", round=3) not in texts(box)  # a new round, undecided
        assert rc.find(v.Switch, label=t("game.student.autoship")).widget.v_model is False
    finally:
        rc.close()


def test_the_months_figures_add_up_to_its_net_on_the_students_page(table):
    """Money in - money out (+ the products kept, where the scenario counts them as value)
    is the month's net the page shows: a student who checks the sum finds it."""
    pid, key = table.join("Bea")
    box, rc = render(games.Link(table.code, player=pid, key=key))
    try:
        table.advance()
        wait_for(lambda: t("game.student.month", round=1) in texts(box), "the month's report")
        shown = texts(box)
        month = table.game.report(pid, key)[-1]
        assert month.product_value > 0  # the baseline counts own purchases as value
        assert t("game.student.product_value") in shown
        total = month.money_in - month.money_out + month.product_value
        assert total == pytest.approx(month.net)
    finally:
        rc.close()
