# ruff: noqa: F811  (the fixtures browser and server come from test_dashboard_browser)
"""The dashboard's newer parts in a real browser (issue 14): the phone layout, the setup in
the address (a link opened elsewhere and a reload show the same), uploading a scenario
file, and the recruitment tree as weeks pass.

Like test_dashboard_browser.py: ``networker-sim dashboard`` on a free port, Debian's
Chromium through Playwright (skipped where /usr/bin/chromium is missing). Screenshots go
to the test's temporary folder; the test prints where.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support import wait_for
from test_dashboard_browser import (  # the same server, browser and page helpers
    TRANSITION_OVER,
    UI_TIMEOUT,
    Watch,
    browser,  # noqa: F401  (a fixture)
    server,  # noqa: F401  (a fixture)
    shoot,
    step_slider,
    week_of,
)

from dashboards.charts import ALL_CHARTS
from sim.i18n import LANGS, fmt_int, t
from sim.scenario import (
    MAX_SCENARIO_BYTES,
    ScenarioError,
    load_scenario,
    scenario_from_bytes,
    scenario_to_toml,
)

pytestmark = pytest.mark.slow  # a real browser and a server: minutes

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 1000}
# WCAG 1.4.10 (reflow): 320 CSS px wide; WCAG 1.4.4: a 1280 px screen zoomed to 200 %
NARROW = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 500}
TABS = ("app.tab_simulation", "app.tab_me", "app.tab_compare", "app.tab_disclosure",
        "lessons.tab", "app.tab_about")  # fmt: skip

# What sticks out to the right on the page as a person sees it: elements past the edge
# that no scroll box of their own clips (a wide table scrolls inside its box, the tab bar
# inside its slide group), buttons past either edge, and the width of each chart shown.
LAYOUT = """() => {
  const W = innerWidth, shown = e => e.getClientRects().length > 0;
  const clipped = e => { for (let p = e.parentElement; p && p !== document.body;
      p = p.parentElement) { const s = getComputedStyle(p);
      if (['auto', 'scroll'].includes(s.overflowX) && p.getBoundingClientRect().right <= W + 1)
        return true; }
    return false; };
  const name = e => `${e.tagName}.${e.className}`.slice(0, 60) + ' ' + e.innerText.slice(0, 30);
  const all = [...document.querySelectorAll('body *')].filter(shown);
  return {
    scrollWidth: document.documentElement.scrollWidth, width: W,
    past: all.filter(e => e.getBoundingClientRect().right > W + 1 && !clipped(e)).map(name),
    buttons: all.filter(e => e.tagName === 'BUTTON' && !clipped(e) && (
      e.getBoundingClientRect().right > W + 1 || e.getBoundingClientRect().left < -1)).map(name),
    charts: [...document.querySelectorAll('.v-window-item--active img.solara-image')]
      .filter(shown).map(i => Math.round(i.getBoundingClientRect().width)),
    // text running past the edge, even inside a box that scrolls: only a table may scroll
    // sideways (WCAG 1.4.10), never a paragraph
    textPast: all.filter(e => !e.closest('table, .v-slide-group, .v-tabs')
      && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
      && e.getBoundingClientRect().right > W + 1).map(name),
    breakAll: all.filter(e => getComputedStyle(e).wordBreak === 'break-all'
      && e.innerText.trim()).map(name),
  };
}"""


@dataclass
class Visit:
    """A browser context on the dashboard: its page, the screenshots taken, what it saw."""

    browser: object
    folder: Path
    watch: Watch = field(default_factory=Watch)
    shots: list[Path] = field(default_factory=list)
    contexts: list = field(default_factory=list)

    def open(self, url: str, viewport: dict, charts: bool = True):
        """A new browser context at ``url``; waits for every chart unless told not to."""
        context = self.browser.new_context(viewport=viewport, accept_downloads=True)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(UI_TIMEOUT)
        self.watch.attach(page)
        page.goto(url)
        if charts:
            wait_for(lambda: page.locator("img.solara-image").count() == len(ALL_CHARTS),
                     "every chart", UI_TIMEOUT / 1000)  # fmt: skip
        return page

    def shoot(self, page, name: str) -> None:
        shoot(page, self.folder, name, self.shots)


@contextmanager
def visit(browser, folder: Path) -> Iterator[Visit]:
    """Browser contexts that are closed afterwards, screenshots printed, and no console
    error and no request leaving the machine."""
    v = Visit(browser, folder)
    try:
        yield v
    finally:
        print(f"\nscreenshots: {folder}")
        for shot in v.shots:
            print(f"  {shot}")
        for context in v.contexts:
            context.close()
    assert v.watch.errors == []
    assert v.watch.external() == []


def open_tab(page, key: str, lang: str) -> None:
    page.get_by_role("tab", name=t(key, lang)).click()
    page.wait_for_function(TRANSITION_OVER)


def address_of(page, **wanted: str) -> str:
    """The page's address once it holds ``wanted`` (parameter -> value)."""

    def holds() -> str | None:
        url = page.evaluate("location.href")
        ok = all(re.search(f"[?&]{re.escape(k)}={re.escape(v)}(&|$)", url)
                 for k, v in wanted.items())  # fmt: skip
        return url if ok else None

    return wait_for(holds, f"the address to hold {wanted}", UI_TIMEOUT / 1000,
                    detail=lambda: page.evaluate("location.href"))  # fmt: skip


# ---- the phone layout --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "screen"),
    [(lang, "phone") for lang in LANGS] + [("de", "narrow"), ("en", "zoomed")],
)
def test_the_phone_layout_stacks_and_nothing_sticks_out(browser, server, tmp_path, lang, screen):
    """On a phone, at 320 CSS px (the width WCAG 1.4.10 asks to reflow to) and at 200 %
    zoom (WCAG 1.4.4): everything stacks, nothing needs a sideways scroll."""
    viewport = {"phone": PHONE, "narrow": NARROW, "zoomed": ZOOMED}[screen]
    with visit(browser, tmp_path) as v:
        page = v.open(f"{server.url}?lang={lang}", viewport)
        step = page.get_by_role("button", name=t("ui.step", lang), exact=True)
        for week in (1, 2, 3):
            step.click()
            page.get_by_text(t("ui.week_of", lang, week=week, weeks=260), exact=True).wait_for()
        # the controls above the charts; their settings fold away behind a button
        first_chart = page.locator("img.solara-image").first
        assert step.bounding_box()["y"] < first_chart.bounding_box()["y"]
        kit = page.get_by_text(re.compile(f"^{re.escape(t('slider.costs.starter_kit', lang))}: "))
        assert not kit.is_visible()
        for key in TABS:
            open_tab(page, key, lang)
            if key == "app.tab_disclosure":  # the statement, read from the package
                page.locator("section.disclosure").wait_for()
            layout = page.evaluate(LAYOUT)
            v.shoot(page, f"{screen}-{lang}-{key}.png")
            assert layout["scrollWidth"] <= layout["width"], key
            assert layout["past"] == [], key
            assert layout["textPast"] == [], key
            assert layout["buttons"] == [], key
            assert layout["breakAll"] == [], key  # text wraps between words
            if key == "app.tab_simulation":
                assert len(layout["charts"]) == len(ALL_CHARTS)
                assert min(layout["charts"]) >= 0.75 * viewport["width"], layout["charts"]
        open_tab(page, "app.tab_simulation", lang)
        page.get_by_role("button", name=t("controls.show_settings", lang)).click()
        kit.wait_for()
        assert page.evaluate(LAYOUT)["past"] == []


# ---- the address -------------------------------------------------------------------------------


def test_a_link_and_a_reload_show_the_same_setup(browser, server, tmp_path):
    scenario = load_scenario("baseline")
    kit, horizon = scenario.costs.starter_kit, scenario.simulation.weeks
    with visit(browser, tmp_path) as v:
        page = v.open(server.url, DESKTOP)
        step_slider(page, t("slider.costs.starter_kit"), kit, 10, 3)
        seed = page.get_by_label(t("ui.seed"))
        seed.fill("7")
        seed.press("Enter")
        page.get_by_role("button", name=t("ui.reset"), exact=True).click()
        page.get_by_text(t("ui.week_of", week=0, weeks=horizon), exact=True).wait_for()
        page.get_by_role("button", name="de", exact=True).click()
        open_tab(page, "app.tab_me", "de")
        link = address_of(page, **{"costs.starter_kit": f"{kit + 30:.1f}", "seed": "7",
                                   "tab": "me", "lang": "de"})  # fmt: skip
        v.shoot(page, "link-before.png")

        elsewhere = v.open(link, DESKTOP, charts=False)  # another browser, as a link
        for attempt in ("opened", "reloaded"):
            # the same tab, language, settings and seed
            elsewhere.get_by_role("tab", name=t("app.tab_me", "de"), selected=True).wait_for()
            setup = t("me_setup.scenario", "de", name="baseline_changed")
            elsewhere.get_by_text(setup).wait_for()
            open_tab(elsewhere, "app.tab_simulation", "de")
            shown = f"{t('slider.costs.starter_kit', 'de')}: {fmt_int(kit + 30, 'de')}"
            elsewhere.get_by_text(shown, exact=True).wait_for()
            seed = elsewhere.get_by_label(t("ui.seed", "de"))
            wait_for(lambda: seed.input_value() == "7", "the seed", UI_TIMEOUT / 1000)  # noqa: B023
            assert week_of(elsewhere, "de") == (0, horizon)
            v.shoot(elsewhere, f"link-{attempt}.png")
            if attempt == "opened":
                open_tab(elsewhere, "app.tab_me", "de")
                address_of(elsewhere, tab="me")
                elsewhere.reload()


# ---- upload ------------------------------------------------------------------------------------


def _upload(page, name: str, data: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/toml", "buffer": data}]
    )


def _refusal(data: bytes, name: str, lang: str) -> str:
    """What the page shows for a refused file: the command line's message for it."""
    with pytest.raises(ScenarioError) as info:
        scenario_from_bytes(data, name)
    return f"{t('ui.invalid', lang)} {info.value.message(lang)}"


def test_a_scenario_file_can_be_uploaded_and_a_bad_one_is_refused(browser, server, tmp_path):
    with visit(browser, tmp_path) as v:
        page = v.open(server.url, DESKTOP)
        # a good file: its values run, its name is shown, the address holds it
        changes = {"costs.starter_kit": 222.0, "simulation.seed": 11}
        good = scenario_to_toml(load_scenario("pyramid").with_overrides(changes))
        good = good.replace('name = "pyramid"', 'name = "my_company"')
        _upload(page, "my_company.toml", good.encode())
        page.get_by_text(t("upload.loaded", name="my_company", base="pyramid")).wait_for()
        page.get_by_text(f"{t('slider.costs.starter_kit')}: 222", exact=True).wait_for()
        seed = page.get_by_label(t("ui.seed"))
        wait_for(lambda: seed.input_value() == "11", "the file's seed", UI_TIMEOUT / 1000)
        address_of(page, scenario="pyramid", name="my_company")
        v.shoot(page, "upload-good.png")
        page.get_by_role("button", name=t("ui.step"), exact=True).click()
        page.get_by_text(t("ui.week_of", week=1, weeks=260), exact=True).wait_for()

        # a bad file, in German: the command line's message, nothing changes
        page.get_by_role("button", name="de", exact=True).click()
        bad = b"[costs]\nstarter_kit = -1\n"
        _upload(page, "bad.toml", bad)
        page.get_by_text(_refusal(bad, "bad.toml", "de"), exact=True).wait_for()
        assert week_of(page, "de") == (1, 260)
        v.shoot(page, "upload-bad-de.png")

        # a file of 1 MiB: refused by its size
        page.get_by_role("button", name="en", exact=True).click()
        big = b"# " + b"x" * (1 << 20)
        assert len(big) > MAX_SCENARIO_BYTES
        refusal = _refusal(big, "big.toml", "en")
        assert "1,048,578" in refusal
        _upload(page, "big.toml", big)
        page.get_by_text(refusal, exact=True).wait_for()
        assert week_of(page) == (1, 260)
        v.shoot(page, "upload-big.png")


# ---- the recruitment tree ------------------------------------------------------------------------


def test_the_recruitment_tree_grows_as_weeks_pass(browser, server, tmp_path):
    with visit(browser, tmp_path) as v:
        page = v.open(server.url, DESKTOP)
        tree = page.locator(".v-card", has_text=t("tree.panel")).locator("img.solara-image")
        tree.wait_for()
        assert tree.bounding_box()["width"] >= 300
        before = tree.get_attribute("src")
        at_start = tree.screenshot()
        for week in (1, 2, 3, 4, 5, 6):
            page.get_by_role("button", name=t("ui.step"), exact=True).click()
            page.get_by_text(t("ui.week_of", week=week, weeks=260), exact=True).wait_for()
        wait_for(lambda: tree.get_attribute("src") != before, "the tree to be redrawn",
                 UI_TIMEOUT / 1000)  # fmt: skip
        assert tree.screenshot() != at_start
        v.shoot(page, "tree-week-6.png")
        tree.screenshot(path=str(tmp_path / "tree-only-week-6.png"))
        v.shots.append(tmp_path / "tree-only-week-6.png")
