# ruff: noqa: F811  (the fixtures browser and server come from test_dashboard_browser)
"""The dashboard for screen readers in a real browser (issue 24): the charts' accessible
names, the table view of a chart, and the polite live region on Step and while playing.

Like test_dashboard_browser.py: ``networker-sim dashboard`` on a free port, Debian's
Chromium through Playwright. Screenshots go to the test's temporary folder.
"""

from __future__ import annotations

import itertools
import re
import time

import pytest
from support import wait_for
from test_dashboard_browser import (  # the same server, browser and page helpers
    Watch,
    browser,  # noqa: F401  (a fixture)
    open_page,
    server,  # noqa: F401  (a fixture)
    shoot,
    week_of,
)

from dashboards.charts import ALL_CHARTS
from dashboards.components.panels import ANNOUNCE_EVERY, announcement
from dashboards.view import snapshot
from sim.i18n import t
from sim.model import NetworkMarketingModel
from sim.scenario import load_scenario

pytestmark = pytest.mark.slow  # a real browser and a server: minutes

# every change of the live region's text, with the time it happened
OBSERVE = """() => {
  const region = document.querySelector('[aria-live="polite"]');
  window.nwsSaid = [];
  new MutationObserver(() => window.nwsSaid.push([performance.now(), region.textContent]))
    .observe(region, {childList: true, subtree: true, characterData: true});
}"""


def test_charts_tables_and_the_live_region_in_a_browser(browser, server, tmp_path):
    watch, shots = Watch(), []
    context, page = open_page(browser, server, watch)
    try:
        region = page.locator('[aria-live="polite"]')
        assert region.count() == 1 and region.get_attribute("role") == "status"
        step = page.get_by_role("button", name=t("ui.step"), exact=True)
        for _ in range(3):
            step.click()
        page.wait_for_function("() => document.body.innerText.includes('Week 3 of')")
        model = NetworkMarketingModel(load_scenario("baseline"))  # the page's run
        for _ in range(3):
            model.step()
        view = snapshot(model)
        page.wait_for_function(
            "text => document.querySelector('[aria-live=\"polite\"]').textContent === text",
            arg=announcement(view, "en"),
        )
        # every chart is an image whose accessible name is its text alternative of week 3
        names = page.get_by_role("img", name=re.compile(r"^Week 3: "))
        page.wait_for_function(
            "n => document.querySelectorAll('[role=img][aria-label^=\"Week 3: \"]').length === n",
            arg=len(ALL_CHARTS),
        )
        assert names.count() == len(ALL_CHARTS)
        # the table view of a chart: a caption, header cells, a focusable scroll box
        page.get_by_role("button", name=t("said.show_table", name=t("chart.people_name"))).click()
        table = page.get_by_role("table")
        table.wait_for()
        assert table.locator("caption").inner_text().startswith(t("chart.people_title"))
        headers = table.get_by_role("columnheader")
        assert headers.nth(1).inner_text() == t("chart.active")
        assert table.get_by_role("rowheader").all_inner_texts() == ["3", "2", "1"]
        active = table.get_by_role("row").nth(1).get_by_role("cell").first.inner_text()
        assert active == f"{view.active:,}"
        box = page.locator(".nws-table")
        box.focus()
        assert page.evaluate("document.activeElement.classList.contains('nws-table')")
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "table-view.png"))
        shots.append(tmp_path / "table-view.png")
        # Play: the live region changes at most every ANNOUNCE_EVERY seconds, and says the
        # week shown once paused
        page.evaluate(OBSERVE)
        # the slowest speed (Home on its slider): at the default 26 weeks a second a fast
        # machine reaches the horizon before Pause, and Play ends by itself
        speed = page.get_by_role("slider", name=t("ui.speed"))
        speed.focus()
        speed.press("Home")
        wait_for(lambda: speed.get_attribute("aria-valuenow") == "2", "the slowest speed", 20)
        page.get_by_role("button", name=t("ui.play"), exact=True).click()
        time.sleep(2 * ANNOUNCE_EVERY + 1)
        page.get_by_role("button", name=t("ui.pause"), exact=True).click()
        page.get_by_role("button", name=t("ui.play"), exact=True).wait_for()

        def last_said() -> tuple[int, list] | None:
            """The week shown and what was said, once the last saying is of that week."""
            week, said = week_of(page)[0], page.evaluate("window.nwsSaid")
            done = said and said[-1][1].startswith(f"Week {week}: ")
            return (week, said) if done else None

        # a busy machine may take a while for the last frame and its announcement
        week, said = wait_for(last_said, "the week shown, announced once paused", 20)
        texts = [text for _, text in said]
        playing = [at for at, _ in said[:-1]]
        gaps = [(b - a) / 1000 for a, b in itertools.pairwise(playing)]
        assert all(gap > ANNOUNCE_EVERY - 0.5 for gap in gaps), gaps
        assert week > 3 + 2 * ANNOUNCE_EVERY  # weeks ran by far faster than announcements
        shoot(page, tmp_path, "after-play.png", shots)
        print("screenshots:", *shots, "announced:", texts, sep="\n")
    finally:
        context.close()
    assert not watch.errors, watch.errors
