# ruff: noqa: F811  (the fixtures browser and server come from test_dashboard_browser)
"""axe-core in a real browser (issue 24): no WCAG 2.0, 2.1 or 2.2 A or AA violation on
any tab of the dashboard, in English and German, on a desktop and a phone, at week 0,
after Steps and while following a teacher's room; and none in the HTML handout.

axe-core comes bundled in ``axe-playwright-python`` (the dev group); it runs in Debian's
Chromium as in test_dashboard_browser.py. A failure lists each rule with its impact, the
number of elements and where they are, so the message says what to mend.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from itertools import pairwise

import pytest
from support import CLI, ROOT, cli_env, run_command, wait_for
from test_dashboard_browser import (  # the same server, browser and page helpers
    TRANSITION_OVER,
    UI_TIMEOUT,
    browser,  # noqa: F401  (a fixture)
    server,  # noqa: F401  (a fixture)
    week_of,
)
from test_dashboard_browser_ui import DESKTOP, NARROW, PHONE, open_tab, visit

from dashboards.charts import ALL_CHARTS
from sim.i18n import LANGS, t
from sim.scenario import load_scenario

pytestmark = pytest.mark.slow  # a real browser and a server: minutes

# the rule sets of WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's tags)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
TABS = ("app.tab_simulation", "app.tab_me", "app.tab_compare", "app.tab_disclosure",
        "lessons.tab", "app.tab_about")  # fmt: skip
STEPS = 3
COMPARE_TIMEOUT = 300  # s: Compare runs 2 x 5 runs of 10^4 people on a busy machine
# resolves once the page has not changed for a second: a tab's content is drawn
SETTLED = """() => new Promise(done => { let last = performance.now();
  const seen = new MutationObserver(() => { last = performance.now(); });
  seen.observe(document.body, {childList: true, subtree: true, attributes: true,
                               characterData: true});
  const check = () => performance.now() - last > 1000 ? (seen.disconnect(), done(true))
                                                      : setTimeout(check, 100);
  setTimeout(check, 100); })"""


def axe(page) -> list[dict]:
    """The WCAG A/AA violations axe-core finds on ``page`` as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def _describe(found: dict[str, list[dict]]) -> str:
    """One line per rule: impact, rule, elements in all, the pages and a few elements."""
    nodes: Counter = Counter()
    pages: dict[str, list[str]] = {}
    impact: dict[str, str] = {}
    examples: dict[str, list[str]] = {}
    for where, violations in found.items():
        for v in violations:
            nodes[v["id"]] += len(v["nodes"])
            pages.setdefault(v["id"], []).append(where)
            impact[v["id"]] = v["impact"]
            examples.setdefault(v["id"], []).extend(
                f"{n['target']} {n['html'][:90]}" for n in v["nodes"][:2]
            )
    lines = [
        f"{impact[rule]:9} {rule:28} {nodes[rule]:4} elements on {len(pages[rule])} pages "
        f"(e.g. {pages[rule][0]}): {examples[rule][:2]}"
        for rule in sorted(nodes, key=lambda r: (-nodes[r], r))
    ]
    return "\n".join(lines)


def _assert_clean(found: dict[str, list[dict]], leave: frozenset = frozenset()) -> None:
    """No violation, but of the rules in ``leave`` (which a test of their own checks)."""
    print("\naxe-core WCAG A/AA violations:\n" + (_describe(found) or "none"))
    found = {where: [x for x in v if x["id"] not in leave] for where, v in found.items()}
    found = {where: v for where, v in found.items() if v}
    assert not found, "axe-core WCAG A/AA violations:\n" + _describe(found)


def _week_shown(page, lang: str, week: int) -> None:
    page.get_by_text(re.compile(f"^{re.escape(t('ui.week_of', lang, week=week, weeks=260))}$")
                     ).first.wait_for()  # fmt: skip


def _every_tab(page, lang: str, state: str, found: dict) -> None:
    """axe on each tab in turn, the simulation's last (it is where the page goes on)."""
    for key in (*TABS[1:], TABS[0]):
        page.get_by_role("tab", name=t(key, lang)).click()
        page.wait_for_function(TRANSITION_OVER)
        page.get_by_role("tab", name=t(key, lang), selected=True).wait_for()
        if key == "app.tab_simulation":  # built anew when shown (lazy tabs)
            wait_for(lambda: page.locator("img.solara-image:visible").count() == len(ALL_CHARTS),
                     "every chart", UI_TIMEOUT / 1000)  # fmt: skip
        page.wait_for_function(SETTLED)
        found[f"{state}/{key}"] = axe(page)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_no_wcag_violation_on_any_tab(browser, server, tmp_path, lang, device):
    viewport = DESKTOP if device == "desktop" else PHONE
    found: dict[str, list[dict]] = {}
    with visit(browser, tmp_path) as v:
        page = v.open(f"{server.url}?lang={lang}", viewport)
        _every_tab(page, lang, "week 0", found)
        step = page.get_by_role("button", name=t("ui.step", lang), exact=True)
        for week in range(1, STEPS + 1):
            step.click()
            _week_shown(page, lang, week)
        _every_tab(page, lang, f"week {STEPS}", found)
        v.shoot(page, f"axe-{device}-{lang}-steps.png")

        # the teacher shares the run; this page follows it
        page.get_by_role("button", name=t("room.share", lang)).click()
        link = page.get_by_text(re.compile(r"\?follow=[A-Z0-9]+")).first
        link.wait_for()
        code = re.search(r"\?follow=([A-Z0-9]+)", link.inner_text())[1]
        student = v.open(f"{server.url}?lang={lang}&follow={code}", viewport, charts=False)
        student.get_by_role("button", name=t("room.leave", lang)).wait_for()
        step.click()  # the room shows the teacher's next week
        _week_shown(student, lang, STEPS + 1)
        _every_tab(student, lang, "following", found)
        v.shoot(student, f"axe-{device}-{lang}-following.png")
    _assert_clean(found)


@pytest.mark.parametrize("lang", LANGS)
def test_no_wcag_violation_in_the_html_handout(browser, request, tmp_path, lang):
    out = tmp_path / f"handout-{lang}.html"
    cmd = [*CLI, "report", "baseline", "--format", "html", "--out", str(out), "--lang", lang,
           "--runs", "2", "--weeks", "52", "--workers", "1"]  # fmt: skip
    done = run_command(cmd, ROOT, cli_env(request, ROOT))
    assert done.returncode == 0, done.stderr
    found = {}
    with visit(browser, tmp_path) as v:
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(viewport=viewport)
            v.contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(UI_TIMEOUT)
            page.goto(out.as_uri())
            found[f"handout {name}"] = axe(page)
    _assert_clean(found)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_no_wcag_violation_in_the_class_game(browser, server, tmp_path, lang, device):
    """The class game's pages (issue 25): the student's join form, decisions and month on
    a phone or a desktop, the teacher's page with its controls and the reveal."""
    viewport = DESKTOP if device == "desktop" else PHONE
    found: dict[str, list[dict]] = {}
    with visit(browser, tmp_path) as v:
        teacher = v.open(f"{server.url}?lang={lang}", DESKTOP)
        teacher.get_by_role("button", name=t("game.start", lang)).click()
        code = teacher.locator(".nws-game-code")
        code.wait_for()
        student = v.open(f"{server.url}?game={code.inner_text().strip()}&lang={lang}", viewport,
                         charts=False)  # fmt: skip
        student.get_by_role("button", name=t("game.join.pick", lang)).wait_for()
        student.wait_for_function(SETTLED)
        found["game: join"] = axe(student)
        student.get_by_role("button", name=t("game.join.pick", lang)).click()
        student.get_by_text(t("game.student.decide", lang, round=1)).wait_for()
        student.wait_for_function(SETTLED)
        found["game: decisions"] = axe(student)
        teacher.get_by_role("button", name=t("game.teacher.next", lang)).click()
        student.get_by_text(t("game.student.month", lang, round=1)).wait_for()
        student.get_by_role("img", name=re.compile(".")).first.wait_for()
        student.wait_for_function(SETTLED)
        found["game: month 1"] = axe(student)
        v.shoot(student, f"axe-game-{device}-{lang}-student.png")
        teacher.get_by_role("button", name=t("game.teacher.reveal", lang)).click()
        teacher.get_by_text(t("game.reveal.title", lang)).wait_for()
        teacher.wait_for_function(SETTLED)
        found["game: teacher and reveal"] = axe(teacher)
        v.shoot(teacher, f"axe-game-{device}-{lang}-teacher.png")
    _assert_clean(found)


# ---- the keyboard alone ------------------------------------------------------------------------

# where the focus is: the control's accessible name as a screen reader would say it
# (aria-labelledby, aria-label, its label or its text), and whether it is visibly marked
FOCUS = """() => { const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const by = e.getAttribute('aria-labelledby');
  const text = by ? by.split(' ').map(i => document.getElementById(i)?.innerText || '').join(' ')
    : e.getAttribute('aria-label') || (e.labels && e.labels[0]?.innerText) || e.innerText
      || e.value || '';
  // a slider shows the focus on its thumb, a file chooser's hidden input on its field
  const box = e.querySelector('.v-slider__thumb')
    || (e.type === 'file' && e.closest('.v-input__slot')) || e;
  const s = getComputedStyle(box), r = box.getBoundingClientRect();
  return {name: text.trim().replace(/\\s+/g, ' ').slice(0, 80),
          tag: e.tagName, role: e.getAttribute('role') || '',
          marked: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          shown: r.width > 0 && r.height > 0}; }"""


# the focus is on the control called ``arg`` (its text, in any case)
FOCUSED = """name => { const e = document.activeElement;
  return !!e && e !== document.body
    && (e.innerText || e.getAttribute('aria-label') || '').trim().toLowerCase()
       === name.toLowerCase(); }"""


def tab_to(page, name: str | re.Pattern, stops: list, limit: int = 150, role: str = "") -> dict:
    """Press Tab until the focus is on the control called ``name`` (in any case); every
    stop on the way is kept in ``stops``. ``role``: "tab", "slider", or "BUTTON" (a tag)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        stops.append(focus)
        # buttons show their names in capitals (CSS): the name itself is compared
        if focus and role and role not in (focus["role"], focus["tag"]):
            continue
        if focus and (re.search(name, focus["name"]) if isinstance(name, re.Pattern)
                      else focus["name"].casefold() == name.casefold()):  # fmt: skip
            return focus
    raise AssertionError(f"Tab did not reach {name!r}: {[s and s['name'] for s in stops[-40:]]}")


def test_a_keyboard_alone_runs_the_dashboard(browser, server, tmp_path):
    """Step, Play and Pause, a setting, Reset, the shortcuts' list, "What would happen to
    me?" and a download, with no mouse; every control reached is visibly marked, and Tab
    leads on through the page and back to its top (no trap)."""
    stops: list = []
    with visit(browser, tmp_path) as v:
        page = v.open(server.url, DESKTOP)
        page.wait_for_function(SETTLED)
        kit_label = t("slider.costs.starter_kit")
        # Step by Tab and Enter
        tab_to(page, t("ui.step"), stops)
        page.keyboard.press("Enter")
        _week_shown(page, "en", 1)
        # Play and Pause by the shortcut
        page.keyboard.press("Alt+Shift+KeyP")
        pause = page.get_by_role("button", name=t("ui.pause"), exact=True)
        pause.wait_for()
        wait_for(lambda: week_of(page)[0] > 1, "a week played", UI_TIMEOUT / 1000)
        page.keyboard.press("Alt+Shift+KeyP")
        page.get_by_role("button", name=t("ui.play"), exact=True).wait_for()
        # a setting: the starter kit's slider, one step to the right
        kit = load_scenario("baseline").costs.starter_kit
        focus = tab_to(page, re.compile(f"^{re.escape(kit_label)}: "), stops)
        assert focus["role"] == "slider"
        page.keyboard.press("ArrowRight")
        page.get_by_text(f"{kit_label}: {kit + 10:.0f}", exact=True).wait_for()
        # Reset by the shortcut: week 0
        page.keyboard.press("Alt+Shift+KeyR")
        _week_shown(page, "en", 0)
        # the shortcuts' list opens by its shortcut and closes with Esc
        page.keyboard.press("Alt+Shift+KeyK")
        dialog = page.get_by_text(t("keys.title"), exact=True)
        dialog.wait_for()
        v.shoot(page, "keyboard-help.png")
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        # "What would happen to me?": its tab by Tab and Enter, then the question asked
        tab_to(page, t("app.tab_me"), stops, role="tab")
        page.keyboard.press("Enter")
        page.get_by_role("tab", name=t("app.tab_me"), selected=True).wait_for()
        tab_to(page, t("me_page.ask"), stops, role="BUTTON")
        page.keyboard.press("Enter")
        # the answer's heading takes the focus as it appears (WCAG 2.4.3), visibly
        page.wait_for_function(FOCUSED, arg=t("me_page.answer"))
        heading = page.evaluate(FOCUS)
        assert heading["tag"] == "H2" and heading["marked"], heading
        stops.append(heading)
        page.get_by_text(t("me_setup.table_title")).first.wait_for()
        v.shoot(page, "keyboard-me.png")
        # a download from the simulation's page
        tab_to(page, t("app.tab_simulation"), stops, role="tab")
        page.keyboard.press("Enter")
        page.get_by_role("tab", name=t("app.tab_simulation"), selected=True).wait_for()
        page.wait_for_function(SETTLED)
        tab_to(page, t("ui.download_scenario"), stops)
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith(".toml")
        # no trap: Tab leads on to the end of the page and back to its top
        first = next(s for s in stops if s)
        tab_to(page, first["name"], stops, limit=400)
    reached = [s for s in stops if s]
    # a clean start: pages were opened, and the server said no warning a user cannot act on
    # (Solara's SameSite cookie warning at every start, before dashboards.serving.quiet)
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "Warning" not in log and "samesite" not in log.lower(), log
    assert [s for s in reached if not s["shown"]] == []
    assert [s for s in reached if not s["marked"]] == []


def test_the_shortcuts_list_gives_the_focus_back_when_it_closes(browser, server, tmp_path):
    """WCAG 2.4.3: the list of shortcuts, opened by its button or by Alt+Shift+K, gives
    the focus back to the control that had it when it closes, by Esc or by its Close
    button; the keyboard goes on from where it was."""
    stops: list = []
    with visit(browser, tmp_path) as v:
        page = v.open(server.url, DESKTOP)
        page.wait_for_function(SETTLED)
        title = page.get_by_text(t("keys.title"), exact=True)
        # opened by its button (Enter), closed by Esc: the focus is on the button again
        tab_to(page, t("keys.button"), stops, role="BUTTON")
        page.keyboard.press("Enter")
        title.wait_for()
        page.keyboard.press("Escape")
        title.wait_for(state="hidden")
        page.wait_for_function(FOCUSED, arg=t("keys.button"))
        # opened by its shortcut while on Step, closed by its Close button: back on Step
        tab_to(page, t("ui.step"), stops)
        page.keyboard.press("Alt+Shift+KeyK")
        title.wait_for()
        close = tab_to(page, t("keys.close_button"), stops, limit=20, role="BUTTON")
        assert close["marked"]
        page.keyboard.press("Enter")
        title.wait_for(state="hidden")
        page.wait_for_function(FOCUSED, arg=t("ui.step"))
        # and the keyboard goes on from there: Enter steps
        page.keyboard.press("Enter")
        _week_shown(page, "en", 1)


# ---- charts on a phone -------------------------------------------------------------------------

# each chart as shown: its width on the page, its image's width in pixels, and the size
# of its smallest text in those pixels, as the server drew it (data-type-px)
CHART_TYPE = """() => [...document.querySelectorAll('.v-window-item--active .nws-chart')]
  .map(c => { const img = c.querySelector('img.solara-image'),
                    named = c.querySelector('[data-type-px]');
    return {name: named.getAttribute('aria-label').slice(0, 40),
            shown: img.getBoundingClientRect().width, pixels: img.naturalWidth,
            typePx: parseFloat(named.dataset.typePx)}; })"""


def _type_shown(page) -> tuple[list[dict], dict[str, float]]:
    """The charts of the tab shown (``CHART_TYPE``) and those whose smallest text, as
    shown, is below 12 CSS px (by name: that size)."""
    from dashboards.live import MIN_TYPE_PX

    found = page.evaluate(CHART_TYPE)
    shown = {c["name"]: c["shown"] / c["pixels"] * c["typePx"] for c in found}
    return found, {name: round(px, 1) for name, px in shown.items() if px < MIN_TYPE_PX}


def _at_320_px_too(page, charts: int) -> None:
    """The tab's ``charts`` charts, shown 320 CSS px wide (the phone's drawings, shown
    narrower), with no text below 12 CSS px and the page no wider than the screen."""
    page.set_viewport_size(NARROW)
    page.wait_for_function(SETTLED)
    found, small = _type_shown(page)
    assert len(found) == charts
    assert small == {}, ("320 px", small, found)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_shows_every_charts_text_at_12_css_px_or_more(browser, server, tmp_path, lang):
    """Issue 24 (WCAG 1.4.4): on a 390 px phone every chart's smallest text, as shown
    (the width shown / the image's pixels x the text's size in pixels), is 12 CSS px or
    more, at week 0 and after Steps, and at 320 px too (WCAG 1.4.10's width); a desktop
    keeps its wider drawings."""
    from dashboards.live import DPI

    with visit(browser, tmp_path) as v:
        page = v.open(f"{server.url}?lang={lang}", PHONE)
        step = page.get_by_role("button", name=t("ui.step", lang), exact=True)
        for week in (0, STEPS):
            while week_of(page, lang)[0] < week:
                step.click()
                _week_shown(page, lang, week_of(page, lang)[0] + 1)
            page.wait_for_function(SETTLED)
            found, small = _type_shown(page)
            assert len(found) == len(ALL_CHARTS)
            assert small == {}, (week, small, found)
        v.shoot(page, f"phone-charts-{lang}.png")
        _at_320_px_too(page, len(ALL_CHARTS))
        v.shoot(page, f"phone-320-charts-{lang}.png")
        desktop = v.open(f"{server.url}?lang={lang}", DESKTOP)
        desktop.wait_for_function(SETTLED)
        # the desktop's own drawings: 80 dpi, with their small legends
        drawn = [c["typePx"] for c in desktop.evaluate(CHART_TYPE)]
        assert max(drawn) <= 9 * DPI / 72, drawn


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_shows_the_me_and_compare_charts_at_12_css_px_or_more(browser, server,
                                                                       tmp_path, lang):  # fmt: skip
    """Issue 24 (WCAG 1.4.4): on a 390 px phone, and at 320 px, the two charts of "What
    would happen to me?" and the three of Compare show their smallest text at 12 CSS px or
    more, as the simulation's charts do; a desktop keeps its drawings (80 dpi, legends of
    8 pt)."""
    from dashboards.live import DPI

    with visit(browser, tmp_path) as v:
        page = v.open(f"{server.url}?lang={lang}", PHONE)
        open_tab(page, "app.tab_me", lang)
        # the page's own button: the header's of the same name is gone once the tab is built
        page.get_by_role("button", name=t("me_setup.change_it", lang), exact=True).wait_for()
        page.get_by_role("button", name=t("me_page.ask", lang), exact=True).click()
        page.get_by_text(t("me_setup.table_title", lang)).first.wait_for()
        wait_for(lambda: len(page.evaluate(CHART_TYPE)) == 2, "the answer's two charts",
                 UI_TIMEOUT / 1000)  # fmt: skip
        page.wait_for_function(SETTLED)
        found, small = _type_shown(page)
        assert small == {}, (small, found)
        v.shoot(page, f"phone-me-{lang}.png")
        _at_320_px_too(page, 2)
        page.set_viewport_size(PHONE)
        open_tab(page, "app.tab_compare", lang)
        start = page.get_by_role("button", name=t("ui.run_compare", lang))
        start.wait_for()
        page.get_by_role("slider", name=re.compile(f"^{re.escape(t('ui.runs', lang))}")).focus()
        page.keyboard.press("Home")  # the fewest runs: 5 of each scenario
        page.get_by_text(f"{t('ui.runs', lang)}: 5", exact=True).wait_for()
        start.click()
        wait_for(lambda: len(page.evaluate(CHART_TYPE)) == 3, "the comparison's three charts",
                 COMPARE_TIMEOUT)  # fmt: skip
        page.wait_for_function(SETTLED)
        found, small = _type_shown(page)
        assert small == {}, (small, found)
        v.shoot(page, f"phone-compare-{lang}.png")
        _at_320_px_too(page, 3)
        v.shoot(page, f"phone-320-compare-{lang}.png")
        # a desktop's drawings of the same answers
        page.set_viewport_size(DESKTOP)
        wait_for(lambda: max(c["typePx"] for c in page.evaluate(CHART_TYPE)) <= 9 * DPI / 72,
                 "a desktop's drawings", UI_TIMEOUT / 1000)  # fmt: skip
        assert len(page.evaluate(CHART_TYPE)) == 3


# ---- motion ------------------------------------------------------------------------------------


def _weeks_seen_while_playing(page, seconds: float) -> list[int]:
    """Press Play, read the week shown every 50 ms for ``seconds``, press Pause: the
    distinct weeks in the order they were shown."""
    page.get_by_role("button", name=t("ui.play"), exact=True).click()
    seen: list[int] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        week = week_of(page)[0]
        if not seen or seen[-1] != week:
            seen.append(week)
        page.wait_for_timeout(50)
    page.get_by_role("button", name=t("ui.pause"), exact=True).click()
    page.get_by_role("button", name=t("ui.play"), exact=True).wait_for()
    return seen


def test_play_moves_in_steps_of_a_second_when_the_browser_asks_for_less_motion(
    browser, server, tmp_path
):
    """prefers-reduced-motion (WCAG 2.3.3): Play keeps its weeks per second but shows them
    in steps of a second, not as a moving picture; the same page without the setting moves
    as before."""
    with visit(browser, tmp_path) as v:
        page = v.open(server.url, DESKTOP)
        page.emulate_media(reduced_motion="reduce")
        page.wait_for_function(SETTLED)
        calm = _weeks_seen_while_playing(page, 4.0)
        page.emulate_media(reduced_motion="no-preference")
        page.wait_for_timeout(300)
        moving = _weeks_seen_while_playing(page, 4.0)
    # about one new picture a second (the first may come at once), each many weeks on
    assert 2 <= len(calm) <= 6, calm
    assert all(b - a >= 5 for a, b in pairwise(calm[1:])), calm
    assert len(moving) > len(calm), (calm, moving)  # more pictures, each fewer weeks on
