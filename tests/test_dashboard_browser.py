"""The dashboard in a real browser: ``networker-sim dashboard`` runs as a subprocess and
headless Chromium (driven by Playwright) uses it as a person would: Step, Play and Pause,
a slider and Reset, the language switch, the scenario download.

Needs Chromium at /usr/bin/chromium (``apt-get install -y chromium``); without it the
browser tests are skipped. Screenshots go to the test's temporary folder; the test
prints where.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    dashboard_server,
    describe,
    in_session,
    wait_for,
    workers_of,
)

from dashboards.charts import ALL_CHARTS
from dashboards.state import DEFAULT_SCENARIO, SLIDERS
from sim.i18n import fmt_int, fmt_num, t
from sim.scenario import load_scenario, scenario_to_toml

pytestmark = pytest.mark.slow  # a real browser and a server: minutes

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # no Playwright: the browser fixture skips every test here
    PlaywrightTimeout = TimeoutError


ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# milliseconds for anything on the page: every wait is for something the page shows, so a
# generous limit costs nothing when the machine is fast and holds when it is busy
UI_TIMEOUT = 120_000


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium not installed at {CHROMIUM}: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    with dashboard_server(tmp_path_factory.mktemp("dashboard")) as running:
        yield running


# ---- the page --------------------------------------------------------------------------------


@dataclass
class Watch:
    """What the page did that it should not: console errors, page errors, requests that
    leave the machine."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: self.errors.append(f"console: {m.text}")
                if m.type == "error" else None)  # fmt: skip
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: self.requests.append(ws.url))

    def external(self) -> list[str]:
        return sorted(
            {
                url
                for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob")
                and urlsplit(url).hostname not in LOCAL_HOSTS
            }
        )


def open_page(browser, server: Server, watch: Watch):
    context = browser.new_context(viewport={"width": 1280, "height": 2300}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT)
    watch.attach(page)
    page.goto(server.url)
    page.get_by_role("button", name=t("ui.step"), exact=True).wait_for()
    wait_for(lambda: page.locator("img.solara-image").count() == len(ALL_CHARTS),
             "every chart", UI_TIMEOUT / 1000)  # fmt: skip
    return context, page


def week_of(page, lang: str = "en") -> tuple[int, int]:
    """The week and horizon the controls show ("Week 3 of 260")."""
    pattern = t("ui.week_of", lang, week="(\\d+)", weeks="(\\d+)")
    label = page.get_by_text(re.compile(f"^{pattern}$"))
    match = re.fullmatch(pattern, label.inner_text().strip())
    assert match, label.inner_text()
    return int(match[1]), int(match[2])


def settled_week(page, quiet: float = 1.5) -> int | None:
    """The week shown if it does not change for ``quiet`` seconds, else None."""
    week = week_of(page)[0]
    deadline = time.monotonic() + quiet
    while time.monotonic() < deadline:
        time.sleep(0.25)
        if week_of(page)[0] != week:
            return None
    return week


def chart_sources(page) -> list[str]:
    return page.locator("img.solara-image").evaluate_all("imgs => imgs.map(i => i.src)")


def wait_for_new_charts(page, before: list[str], which: int) -> None:
    wait_for(lambda: chart_sources(page)[which] != before[which], f"chart {which} to be redrawn",
             UI_TIMEOUT / 1000)  # fmt: skip


def slider_after(page, label_start: str):
    """The slider below the text (or with the label) that starts with ``label_start``."""
    return page.locator(
        f"xpath=(//*[starts-with(normalize-space(text()), '{label_start}')]"
        "/following::*[@role='slider'])[1]"
    )


def pause_or_finish(page) -> None:
    """Press Pause, unless the run ends first: on a busy machine the page can show week 8
    while the model is near its end, and then Pause is gone before it can be pressed."""
    pause = page.get_by_role("button", name=t("ui.pause"), exact=True)
    pause.or_(page.get_by_text(t("ui.finished"))).first.wait_for()
    with suppress(PlaywrightTimeout):
        pause.click(timeout=10_000)
    page.get_by_role("button", name=t("ui.play"), exact=True).wait_for()


def step_slider(page, label: str, start: int, step: int, steps: int) -> None:
    """Move the slider below ``label`` ``steps`` steps to the right, one key press at a
    time, each one seen in the label before the next.

    On a busy machine the page can redraw the controls while they are used (the last
    frames of a run arrive late), and the redraw takes the keyboard focus away: a press
    the label does not show within a while is made again, on the slider as it is now.
    """
    shown = page.get_by_text(re.compile(f"^{re.escape(label)}: "))
    for i in range(1, steps + 1):
        want = f"{label}: {fmt_int(start + i * step)}"
        for _attempt in range(3):
            thumb = slider_after(page, label)
            thumb.focus()
            thumb.press("ArrowRight")
            with suppress(PlaywrightTimeout):
                page.get_by_text(want, exact=True).wait_for(timeout=UI_TIMEOUT / 4)
                break
            assert shown.inner_text() == f"{label}: {fmt_int(start + (i - 1) * step)}", (
                f"the slider moved past {want}: {shown.inner_text()}"
            )
        else:
            pytest.fail(f"the slider did not reach {want!r}: {shown.inner_text()!r}")


MOVING = ", ".join(  # a tab's content that is still sliding in or out
    [
        ".v-window__container--is-active",
        '[class*="-transition-enter"]',
        '[class*="-transition-leave"]',
    ]
)
TRANSITION_OVER = f"""() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
    () => done(!document.querySelector('{MOVING}')))))"""


def open_tab(page, name: str) -> None:
    """Click a tab and wait until its slide-in has ended."""
    page.get_by_role("tab", name=name).click()
    page.wait_for_function(TRANSITION_OVER)


def shoot(page, folder: Path, name: str, shots: list[Path]) -> None:
    """A screenshot of the whole page (the viewport is as tall as the simulation page)."""
    path = folder / name
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    shots.append(path)


# ---- the tests -------------------------------------------------------------------------------


def test_the_dashboard_in_a_browser(browser, server, tmp_path):
    watch = Watch()
    shots: list[Path] = []
    context, page = open_page(browser, server, watch)
    try:
        scenario = load_scenario(DEFAULT_SCENARIO)
        horizon = scenario.simulation.weeks
        assert week_of(page) == (0, horizon)
        shoot(page, tmp_path, "01-start-en.png", shots)
        first_chart = page.locator("img.solara-image").first
        at_start = first_chart.screenshot()

        # Step: one week on; the histogram's title names the week
        before = chart_sources(page)
        page.get_by_role("button", name=t("ui.step"), exact=True).click()
        page.get_by_text(t("ui.week_of", week=1, weeks=horizon), exact=True).wait_for()
        wait_for_new_charts(page, before, 1)

        # Play until week 8, then Pause: the weeks stop. On a busy machine the page can
        # lag seconds behind the model, so Pause is given time to arrive and settle.
        page.get_by_role("button", name=t("ui.play"), exact=True).click()
        wait_for(lambda: week_of(page)[0] >= 8, "Play to reach week 8", UI_TIMEOUT / 1000)
        paused = time.monotonic()
        pause_or_finish(page)
        paused_at = wait_for(lambda: settled_week(page), "the week to stand still",
                             UI_TIMEOUT / 1000)  # fmt: skip
        print(f"\nPause took {time.monotonic() - paused:.1f} s to stop the page at week "
              f"{paused_at}")  # fmt: skip
        assert paused_at >= 8
        after_play = first_chart.screenshot()
        assert after_play != at_start, "the income heat map did not change while playing"
        shoot(page, tmp_path, "02-paused-en.png", shots)

        # a slider (three steps to the right) and Reset: a new run at week 0
        kit = scenario.costs.starter_kit
        kit_label = t("slider.costs.starter_kit")
        page.get_by_text(f"{kit_label}: {fmt_int(kit)}", exact=True).wait_for()
        step_slider(page, kit_label, kit, 10, 3)
        assert week_of(page)[0] == paused_at  # pending until Reset
        before = chart_sources(page)
        page.get_by_role("button", name=t("ui.reset"), exact=True).click()
        page.get_by_text(t("ui.week_of", week=0, weeks=horizon), exact=True).wait_for()
        wait_for_new_charts(page, before, 0)
        assert first_chart.screenshot() != after_play
        shoot(page, tmp_path, "03-reset-en.png", shots)

        # the scenario file: it has the new value and the command line runs it
        with page.expect_download() as info:
            page.get_by_role("button", name=t("ui.download_scenario")).click()
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        assert path.suffix == ".toml"
        assert load_scenario(str(path)).costs.starter_kit == kit + 30
        run = subprocess.run(
            [sys.executable, "-m", "sim.cli", "run", str(path), "--weeks", "4",
             "--set", "population.size=1000", "--json"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        summary = json.loads(run.stdout)
        assert summary["weeks"] == 4
        assert summary["population"] == 1000

        # German: labels, the week, the charts
        before = chart_sources(page)
        page.get_by_role("button", name="de", exact=True).click()
        page.get_by_role("button", name=t("ui.step", "de"), exact=True).wait_for()
        assert page.get_by_role("button", name=t("ui.step"), exact=True).count() == 0
        assert week_of(page, "de") == (0, horizon)
        page.get_by_text(f"{t('slider.costs.starter_kit', 'de')}: {fmt_int(kit + 30, 'de')}",
                         exact=True).wait_for()  # fmt: skip
        wait_for_new_charts(page, before, 0)
        page.get_by_role("button", name=t("ui.step", "de"), exact=True).click()
        page.get_by_text(t("ui.week_of", "de", week=1, weeks=horizon), exact=True).wait_for()
        shoot(page, tmp_path, "04-simulation-de.png", shots)
        open_tab(page, t("app.tab_compare", "de"))
        page.get_by_role("button", name=t("ui.run_compare", "de")).wait_for()
        shoot(page, tmp_path, "05-compare-de.png", shots)
        open_tab(page, t("app.tab_about", "de"))
        page.get_by_text(t("about.params_title", "de")).wait_for()
        page.get_by_text("population.size", exact=True).wait_for()
        shoot(page, tmp_path, "06-about-de.png", shots)
        # Lessons: a lesson's text, and its button loads the scenario into the simulation
        open_tab(page, t("lessons.tab", "de"))
        page.get_by_role("button", name=f"3. {t('lessons.saturation.title', 'de')}").click()
        title = f"{t('lessons.lesson', 'de', number=3)}: {t('lessons.saturation.title', 'de')}"
        page.get_by_role("heading", name=title).wait_for()
        shoot(page, tmp_path, "07-lessons-de.png", shots)
        page.get_by_role("button", name=t("lessons.load", "de", name="small_town")).click()
        page.get_by_text(t("ui.week_of", "de", week=0, weeks=horizon), exact=True).wait_for()
        assert page.get_by_role("tab", name=t("app.tab_simulation", "de"), selected=True).count()
        page.get_by_role("button", name="en", exact=True).click()
        page.get_by_role("button", name=t("ui.step"), exact=True).wait_for()
    finally:
        print(f"\nscreenshots: {tmp_path}")
        for shot in shots:
            print(f"  {shot}")
        context.close()

    assert watch.errors == []
    assert watch.external() == []
    assert any(url.startswith(server.url) for url in watch.requests)


def _off_grid_setting() -> tuple[str, float, bytes]:
    """A scenario file with a value that its slider's steps cannot show exactly: the
    baseline with its starter kit a third of a step off the slider's grid."""
    spec = next(s for s in SLIDERS if s.key == "costs.starter_kit")
    section, key = spec.key.split(".")
    value = getattr(getattr(load_scenario(DEFAULT_SCENARIO), section), key) + spec.step / 3
    if value > spec.hi:
        value -= spec.step
    value = int(value) if spec.integer else value
    changed = load_scenario(DEFAULT_SCENARIO).with_overrides({spec.key: value})
    text = scenario_to_toml(changed).replace(f'name = "{DEFAULT_SCENARIO}"', 'name = "off_grid"')
    return spec.key, value, text.encode()


def test_opening_the_page_keeps_the_scenarios_values(browser, server, tmp_path):
    """A scenario whose value lies between a slider's steps keeps its value: the slider
    shows it as it is, and the scenario saved from the page holds it unchanged."""
    key, value, data = _off_grid_setting()
    spec = next(s for s in SLIDERS if s.key == key)
    watch = Watch()
    context, page = open_page(browser, server, watch)
    try:
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "off_grid.toml", "mimeType": "application/toml", "buffer": data}]
        )
        page.get_by_text(t("upload.loaded", name="off_grid", base=DEFAULT_SCENARIO)).wait_for()
        shown = fmt_int(value) if spec.integer or spec.step >= 1 else fmt_num(value, "en", 2)
        label = page.get_by_text(re.compile(f"^{re.escape(t(f'slider.{key}'))}: "))
        label.wait_for()
        page.get_by_role("button", name=t("ui.reset"), exact=True).click()
        weeks = load_scenario(DEFAULT_SCENARIO).simulation.weeks
        page.get_by_text(t("ui.week_of", week=0, weeks=weeks), exact=True).wait_for()
        with page.expect_download() as info:
            page.get_by_role("button", name=t("ui.download_scenario")).click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        section, field_name = key.split(".")
        saved = getattr(getattr(load_scenario(str(path)), section), field_name)
        assert (label.inner_text(), saved) == (f"{t(f'slider.{key}')}: {shown}", value)
    finally:
        context.close()


def test_sigterm_stops_the_dashboard_server(tmp_path):
    with dashboard_server(tmp_path) as server:
        server.process.send_signal(signal.SIGTERM)  # the CLI only, as a supervisor does
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while server.answers() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not server.answers(), "the Solara server still answers after SIGTERM"


def test_ctrl_c_as_the_first_page_loads_ends_the_server_cleanly_and_quietly(tmp_path):
    """Ctrl-C right when the server answered its first page, while the first page's
    charts were still being drawn in a thread, crashed the server at the interpreter's
    end (exit 139, "Fatal Python error: Segmentation fault", 5 times of 5); and every
    start printed Solara's 14-line cookie warning (issue 20). No browser is needed: the
    server's first answer is the first page."""
    for attempt in range(3):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        with dashboard_server(folder) as server:  # it has answered the page at "/"
            os.killpg(server.process.pid, signal.SIGINT)  # as Ctrl-C in a terminal
            code = server.process.wait(timeout=60)
            log = server.log.read_text(encoding="utf-8", errors="replace")
        assert "Fatal Python error" not in log and code not in (-11, 139), log[-3000:]
        assert "Warning" not in log and "Traceback" not in log, log


def test_the_me_pool_starts_with_a_question_and_ends_with_the_server(browser, tmp_path):
    """Opening the page, even the "What would happen to me?" tab, starts no worker
    processes; the first question does; SIGTERM of the server ends them all (issue 11)."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("finds the processes through /proc (Linux)")
    with dashboard_server(tmp_path) as server:
        sid = server.process.pid  # the server's own session: its pool stays in it
        context, page = open_page(browser, server, Watch())
        try:
            open_tab(page, t("app.tab_me"))
            # the page's own button: the header's button of the same name (which leads to
            # this tab) is gone once the tab is built
            page.get_by_role("button", name=t("me_setup.change_it"), exact=True).wait_for()
            ask = page.get_by_role("button", name=t("me_page.ask"), exact=True)
            ask.wait_for()
            assert [p.pid for p in in_session(sid)] == [sid], describe(in_session(sid))
            ask.click()
            wait_for(lambda: workers_of(sid), "the pool's workers", UI_TIMEOUT / 1000,
                     detail=lambda: describe(in_session(sid)))  # fmt: skip
        finally:
            context.close()
        server.process.send_signal(signal.SIGTERM)  # mid-question: the workers are busy
        server.process.wait(timeout=60)
        wait_for(lambda: not in_session(sid), "every process of the server to end", 30,
                 detail=lambda: describe(in_session(sid)))  # fmt: skip
