"""The dashboard in a classroom, in real browsers (issue 14): a teacher's run followed live
by the class; a class of 24 opening one server at once and stepping; the server stopped
with SIGTERM while the class is connected leaves no process behind.

Needs Chromium at /usr/bin/chromium, like tests/test_dashboard_browser.py (whose helpers
this module uses); without it the tests are skipped.
"""

from __future__ import annotations

import asyncio
import re
import signal
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import test_dashboard_browser as ui
from support import CHROMIUM, ROOT, dashboard_server, describe, in_session, wait_for

from dashboards.charts import ALL_CHARTS
from sim.i18n import t

pytestmark = pytest.mark.slow  # a real browser and a server: minutes

browser = ui.browser  # the module's Chromium (a fixture)
server = ui.server  # the module's dashboard (a fixture)
CLASS = 24  # students of the load test: the issue asks for at least 24 browser contexts
STEPS = 4  # Steps per student, a second or two apart


def room_code(page) -> str:
    """The code the teacher's page shows after "Show this run to the class"."""
    text = page.get_by_text(re.compile(r"\?follow=[A-Z0-9]{4}")).first.inner_text()
    return re.search(r"\?follow=([A-Z0-9]{4})", text)[1]


def test_a_teachers_run_on_a_students_screen(browser, server, tmp_path):
    shots: list[Path] = []
    teacher_watch, student_watch = ui.Watch(), ui.Watch()
    teacher_context, teacher = ui.open_page(browser, server, teacher_watch)
    student_context = None
    try:
        horizon = ui.week_of(teacher)[1]
        teacher.get_by_role("button", name=t("room.share"), exact=True).click()
        code = room_code(teacher)
        ui.shoot(teacher, tmp_path, "01-teacher-shares.png", shots)

        # the student opens the link: the teacher's run, no controls of their own
        student_context = browser.new_context(viewport={"width": 1280, "height": 2300})
        student = student_context.new_page()
        student.set_default_timeout(ui.UI_TIMEOUT)
        student_watch.attach(student)
        student.goto(f"{server.url}?follow={code}")
        student.get_by_role("button", name=t("room.leave"), exact=True).wait_for()
        wait_for(lambda: student.locator("img.solara-image").count() == len(ALL_CHARTS),
                 "every chart", ui.UI_TIMEOUT / 1000)  # fmt: skip
        assert student.get_by_role("button", name=t("ui.step"), exact=True).count() == 0
        before = ui.chart_sources(student)

        # the teacher steps twice: the student's page shows week 2 and new charts
        step = teacher.get_by_role("button", name=t("ui.step"), exact=True)
        step.click()
        teacher.get_by_text(t("ui.week_of", week=1, weeks=horizon), exact=True).wait_for()
        step.click()
        teacher.get_by_text(t("ui.week_of", week=2, weeks=horizon), exact=True).wait_for()
        student.get_by_text(t("ui.week_of", week=2, weeks=horizon), exact=True).wait_for()
        ui.wait_for_new_charts(student, before, 1)
        teacher.get_by_text(t("room.watching", n=1), exact=True).wait_for()  # after a render
        ui.shoot(student, tmp_path, "02-student-follows.png", shots)

        # the student leaves and goes on alone from week 2; the teacher stays at week 2
        student.get_by_role("button", name=t("room.leave"), exact=True).click()
        own_step = student.get_by_role("button", name=t("ui.step"), exact=True)
        own_step.click()
        student.get_by_text(t("ui.week_of", week=3, weeks=horizon), exact=True).wait_for()
        assert ui.week_of(teacher) == (2, horizon)
        ui.shoot(student, tmp_path, "03-student-alone.png", shots)

        # a code that names no room says so
        student.get_by_label(t("room.code")).fill("ZZZZ")
        student.get_by_role("button", name=t("room.follow"), exact=True).click()
        student.get_by_text(t("room.unknown", code="ZZZZ")).wait_for()
    finally:
        print(f"\nscreenshots: {tmp_path}")
        for shot in shots:
            print(f"  {shot}")
        if student_context is not None:
            student_context.close()
        teacher_context.close()
    assert teacher_watch.errors == [] and student_watch.errors == []
    assert teacher_watch.external() == [] and student_watch.external() == []


def _load_figures(url: str, students: int, server_pid: int):
    """A class of ``students`` opening ``url`` at once and stepping (its own event loop in
    a thread: the module's browser runs Playwright's synchronous API in this one)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from load_classroom import run_class

    lesson = run_class(url, students, steps=STEPS, timeout=180, pause=2.0, server_pid=server_pid)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, lesson).result()


@pytest.mark.slow
def test_a_class_of_24_on_one_server(tmp_path):
    """24 students open one server at once and step: every student gets the page with
    its charts, and the server answers every page and (nearly) every Step, without the
    front end losing a widget.

    How fast is measured, not asserted (a shared CI machine missed 15 s once, issue 20):
    the figures are printed here, and benchmarks/load_classroom.py measures the same for
    1, 12, 24 and 30 students against the targets of issue 14 (every page within 15 s, a
    Step within 2 s). The browsers run on the same two cores at the lowest CPU priority,
    standing in for the students' own computers."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}: apt-get install -y chromium")
    pytest.importorskip("playwright.async_api")
    with dashboard_server(tmp_path) as running:
        fig = _load_figures(running.url, CLASS, running.process.pid)
    print(f"\n{fig.students} students: page {Figure(fig.loads)}, server {Figure(fig.server_loads)}"
          f"; Step {Figure(fig.steps)}, server {Figure(fig.server_steps)}; server CPU "
          f"{fig.server_cpu:.1f} s, browsers {fig.browser_cpu:.1f} s; {fig.targets()}")  # fmt: skip
    assert fig.failed == [], fig.failed
    assert len(fig.loads) == CLASS and len(fig.server_loads) == CLASS
    assert len(fig.steps) == CLASS * STEPS and len(fig.server_steps) >= CLASS * STEPS * 0.9
    assert not [e for e in fig.errors if "widget model not found" in e], fig.errors


class Figure:
    """Median and maximum of some seconds, for the test's printout."""

    def __init__(self, xs: list[float]):
        self.xs = xs

    def __str__(self) -> str:
        if not self.xs:
            return "-"
        return f"median {statistics.median(self.xs):.2f} s, max {max(self.xs):.2f} s"


def test_sigterm_with_a_class_connected_leaves_no_process(browser, tmp_path):
    """SIGTERM to the server while a teacher shares a playing run with a follower and the
    pages are open: the server ends, and so does every process it started."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("finds the processes through /proc (Linux)")
    with dashboard_server(tmp_path) as running:
        sid = running.process.pid
        contexts = []
        try:
            teacher_context, teacher = ui.open_page(browser, running, ui.Watch())
            contexts.append(teacher_context)
            teacher.get_by_role("button", name=t("room.share"), exact=True).click()
            code = room_code(teacher)
            student_context = browser.new_context()
            contexts.append(student_context)
            student = student_context.new_page()
            student.goto(f"{running.url}?follow={code}")
            student.get_by_role("button", name=t("room.leave"), exact=True).wait_for(
                timeout=ui.UI_TIMEOUT
            )
            teacher.get_by_role("button", name=t("ui.play"), exact=True).click()
            wait_for(lambda: ui.week_of(teacher)[0] >= 2, "Play to run", ui.UI_TIMEOUT / 1000)
            running.process.send_signal(signal.SIGTERM)  # the pages are still open
            started = time.monotonic()
            running.process.wait(timeout=60)
            print(f"\nthe server ended {time.monotonic() - started:.1f} s after SIGTERM")
            wait_for(lambda: not in_session(sid), "every process of the server to end", 30,
                     detail=lambda: describe(in_session(sid)))  # fmt: skip
            assert not running.answers()
        finally:
            for context in contexts:
                context.close()
