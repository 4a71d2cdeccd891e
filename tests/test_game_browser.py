# ruff: noqa: F811  (the fixtures browser and server come from test_dashboard_browser)
"""The class game in real browsers (issue 25): a teacher and a class of students, each in
a browser context of one headless Chromium, play a game of 12 months on one dashboard
server. Every student's phone shows every month without a reload; a student who closes
the tab and opens their address again goes on with their own networker; a wrong key is
refused; nicknames arrive sanitised; the class's CSV is the model's own table (the game
made again from the downloaded log in this process gives the same rows), and the reveal
on the teacher's screen says what that table says.
"""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
import time

import pytest
from support import wait_for
from test_dashboard_browser import (  # the same server, browser and page helpers
    UI_TIMEOUT,
    browser,  # noqa: F401  (a fixture)
    server,  # noqa: F401  (a fixture)
)
from test_dashboard_browser_ui import DESKTOP, PHONE, visit

from sim.i18n import fmt_eur, t

pytestmark = pytest.mark.slow  # a real browser, a server and a class: minutes

STUDENTS = 24
ROUNDS = 12
QUITTER = 5  # this student quits before month 7
RETURNER = 3  # this student closes the tab after month 4 and comes back
LAYOUT = "() => document.documentElement.scrollWidth <= innerWidth"


def month_text(r: int) -> str:
    return t("game.month_of", "en", round=r, rounds=ROUNDS)


def start_game(page) -> tuple[str, str]:
    """The teacher starts a game from the simulation page's Class panel: (code, url)."""
    page.get_by_role("button", name=t("game.start")).click()
    code = page.locator(".nws-game-code")
    code.wait_for()
    url = page.evaluate("location.href")
    assert re.search(r"[?&]teacher=[\w-]{20,}", url), url
    return code.inner_text().strip(), url


def nickname_of(i: int) -> str | None:
    """Nicknames as a class types them: plain, markup, too long, twice the same, none."""
    return {
        0: "<b>Eve</b> & <script>x</script>",
        1: "A" * 60,
        2: "Sam",
        3: "Sam",
        4: None,
    }.get(i, f"Student {i}")


def join(page, name: str | None) -> None:
    if name is None:
        page.get_by_role("button", name=t("game.join.pick")).click()
    else:
        page.get_by_label(t("game.join.nickname")).fill(name)
        page.get_by_role("button", name=t("game.join.join"), exact=True).click()
    page.get_by_text(re.compile("^You are ")).wait_for()


def player_address(page) -> str | None:
    url = page.evaluate("location.href")
    return url if re.search(r"[?&]key=[\w-]{20,}", url) else None


def flip(page, name) -> None:
    """Flip the switch called ``name`` where a finger taps it (its ripple, over the input)."""
    switch = page.get_by_role("switch", name=name)
    before = switch.get_attribute("aria-checked")
    page.locator(".v-input", has=switch).locator(".v-input--selection-controls__ripple").click()
    wait_for(lambda: switch.get_attribute("aria-checked") != before, "the switch to flip",
             UI_TIMEOUT / 1000)  # fmt: skip


def slider(page, label: str):
    return page.locator(
        f"xpath=(//*[starts-with(normalize-space(text()), '{label}')]"
        "/following::*[@role='slider'])[1]"
    )


def decide(page, i: int) -> dict:
    """Student ``i``'s choices for month 1, varied across the class; what they should be."""
    hours_steps = i % 5  # 5 h + 0 .. 4 steps of 0.5 h (arrow keys), or to the end
    want = {"approach": "friends", "autoship": True, "training": False}
    thumb = slider(page, t("game.student.hours"))
    if i % 6 == 5:
        thumb.focus()
        thumb.press("End")
        want["hours"] = 40.0
    else:
        for step in range(hours_steps):
            thumb.focus()
            thumb.press("ArrowRight")
            page.get_by_text(f"{t('game.student.hours')}: {5 + 0.5 * (step + 1):g}",
                             exact=True).wait_for()  # fmt: skip
        want["hours"] = 5 + 0.5 * hours_steps
    if i % 2:
        page.get_by_role("button", name=t("game.student.strangers"), exact=True).click()
        want["approach"] = "strangers"
    if i % 3 == 1:
        flip(page, t("game.student.autoship"))
        want["autoship"] = False
    if i % 4 == 2:
        flip(page, re.compile("^Buy the company's training"))
        want["training"] = True
    if want != {"approach": "friends", "autoship": True, "training": False, "hours": 5.0}:
        page.get_by_text(t("game.student.saved", round=1)).wait_for()  # else nothing to save
    return want


def advance(teacher, students: dict, r: int) -> float:
    """The teacher's Next month; seconds until every open student page shows month ``r``."""
    started = time.monotonic()
    teacher.get_by_role("button", name=t("game.teacher.next")).click()
    for page in students.values():
        page.get_by_text(month_text(r), exact=True).wait_for()
    return time.monotonic() - started


def test_a_class_plays_twelve_months(browser, server, tmp_path):
    from sim.game import Game, sanitise

    with visit(browser, tmp_path) as v:
        teacher = v.open(server.url, DESKTOP)
        code, teacher_url = start_game(teacher)
        assert re.fullmatch(r"[A-Z2-9]{5}", code)

        # the class joins on phones; their addresses carry their own keys
        students, urls, wants = {}, {}, {}
        for i in range(STUDENTS):
            page = v.open(f"{server.url}?game={code.lower()}", PHONE, charts=False)
            join(page, nickname_of(i))
            urls[i] = wait_for(lambda p=page: player_address(p), "the player's address",
                               UI_TIMEOUT / 1000)  # fmt: skip
            students[i] = page
        teacher.get_by_text(t("game.teacher.players", n=STUDENTS)).wait_for()

        # nicknames: no markup reaches the page, capped, unique
        shown = [re.match(r"You are (.*) in game", students[i].get_by_text(re.compile(
            "^You are ")).inner_text())[1] for i in range(STUDENTS)]  # fmt: skip
        assert shown[0] == sanitise(nickname_of(0)) and "<" not in shown[0]
        said = students[0].get_by_text(re.compile("^You are ")).inner_html()
        assert "<b>" not in said and "<script" not in said
        assert len(shown[1]) == 24
        assert shown[2] == "Sam" and shown[3] != "Sam" and shown[3].startswith("Sam")
        assert shown[4] and len(set(shown)) == STUDENTS

        # a wrong key is refused: nobody acts for another
        intruder = v.open(re.sub(r"key=[\w-]+", "key=wrong", urls[2]), PHONE, charts=False)
        intruder.get_by_text(re.compile("^This address does not belong")).wait_for()
        assert intruder.get_by_text(t("game.student.quit")).count() == 0
        v.watch.errors.clear()
        intruder.context.close()
        v.contexts.remove(intruder.context)

        for i, page in students.items():
            try:
                wants[i] = decide(page, i)
            except Exception:
                v.shoot(page, f"student-{i}-failed.png")
                print(f"student {i} failed to decide:\n{page.inner_text('body')[-1500:]}")
                raise
        v.shoot(students[2], "student-phone-before.png")
        v.shoot(teacher, "teacher-projector-start.png")

        waits = []
        for r in range(1, ROUNDS + 1):
            if r == 7:  # one student quits, after confirming
                page = students[QUITTER]
                page.get_by_role("button", name=t("game.student.quit"), exact=True).click()
                page.get_by_role("button", name=t("game.student.quit_yes")).click()
                page.get_by_text(t("game.student.quitting", round=7)).wait_for()
            waits.append(advance(teacher, students, r))
            for i, page in students.items():  # every phone shows its month
                page.get_by_text(t("game.student.month", round=r)).wait_for()
                assert page.evaluate(LAYOUT), f"student {i} scrolls sideways in month {r}"
            if r == 4:  # a student closes the tab and comes back at their address
                students[RETURNER].close()
                again = students[RETURNER].context.new_page()
                again.set_default_timeout(UI_TIMEOUT)
                v.watch.attach(again)
                again.goto(urls[RETURNER])
                again.get_by_text(f"You are {shown[RETURNER]} in game {code}.").wait_for()
                again.get_by_text(t("game.student.month", round=4)).wait_for()
                students[RETURNER] = again
            if r == 1:
                v.shoot(students[2], "student-phone-month1.png")
        students[QUITTER].get_by_text(t("game.student.gone")).first.wait_for()
        v.shoot(students[2], "student-phone-end.png")
        print(f"\nevery phone showed the month {statistics.median(waits):.1f} s (median), "
              f"{max(waits):.1f} s (max) after the teacher's click")  # fmt: skip

        # the CSV is the model's own table: the game made again from its log agrees
        teacher.get_by_text(t("game.over", rounds=ROUNDS)).wait_for()
        with teacher.expect_download() as got:
            teacher.get_by_role("button", name=t("game.teacher.log")).click()
        log = json.loads(got.value.path().read_text(encoding="utf-8"))
        with teacher.expect_download() as got:
            teacher.get_by_role("button", name=t("game.teacher.csv")).click()
        rows = list(csv.DictReader(io.StringIO(got.value.path().read_text(encoding="utf-8"))))
        game = Game.replay(log)
        model_rows = game.rows()
        assert len(rows) == len(model_rows) == STUDENTS * ROUNDS
        for got_row, want_row in zip(rows, model_rows, strict=True):
            assert got_row == {k: "" if v is None else str(v) for k, v in want_row.items()}
        by = {(int(r["player"]), int(r["round"])): r for r in rows}
        for i, want in wants.items():  # the decisions made on the phones, in the table
            first = by[(i, 1)]
            assert float(first["hours"]) == want["hours"], (i, first["hours"], want)
            assert first["approach"] == want["approach"]
            assert first["autoship"] == str(want["autoship"])
            # the choice of the training, and its fee paid in month 1 if chosen
            assert first["training"] == str(want["training"])
            assert (float(first["training_cost"]) > 0) == want["training"]
        assert by[(QUITTER, 7)]["active"] == "False" and by[(QUITTER, 6)]["active"] == "True"
        # what a phone showed is the table's row
        last = by[(2, ROUNDS)]
        students[2].get_by_text(
            f"{t('game.student.total')}: {fmt_eur(float(last['cumulative_net']))}"
        ).wait_for()

        # the reveal says what the model's reveal says
        teacher.get_by_role("button", name=t("game.teacher.reveal")).click()
        reveal = game.reveal()
        teacher.get_by_text(t("game.reveal.class_median", net=fmt_eur(reveal.class_median),
                              n=STUDENTS)).wait_for()  # fmt: skip
        teacher.get_by_text(t("game.reveal.quit_better", n=reveal.better_by_quitting,
                              total=STUDENTS)).wait_for()  # fmt: skip
        teacher.get_by_role("img", name=re.compile("recruitment tree")).wait_for()
        flip(teacher, t("game.teacher.names"))
        teacher.get_by_text(shown[2], exact=True).first.wait_for()
        v.shoot(teacher, "teacher-projector-reveal.png")

        # the teacher's page survives a reload: the state is the server's
        teacher.reload()
        teacher.get_by_text(t("game.teacher.hide_reveal")).wait_for()
        assert teacher.locator(".nws-game-code").inner_text().strip() == code
        assert teacher_url == teacher.evaluate("location.href")
