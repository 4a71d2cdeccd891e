"""The Disclosure page: one year of the company at company scale, as its income disclosure
statement shows it and as it was for everyone who was a member (``sim.disclosure``).

A library scenario's disclosure is shipped with the package and shown at once; any other
setup is computed once (about a minute at 10^6 people) and kept in the user's cache. The
server computes one disclosure at a time: a class that asks for the same one waits for the
one computation, and a second one waits its turn (a company of 10^6 people holds about a
gigabyte while it runs).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import solara

from dashboards import state
from dashboards.components.md import Md
from sim.disclosure import (
    Disclosure,
    Source,
    at_company_scale,
    disclosure_json,
    disclosure_key,
    stored_disclosure,
)
from sim.i18n import fmt_int, t
from sim.report import disclosure_section
from sim.scenario import Scenario, ScenarioError

CURRENT = ""  # the choice "the setup of the simulation page"
CSS = """
.nws-disclosure .framings { display: flex; flex-wrap: wrap; gap: 1em; }
.nws-disclosure .framings > div { flex: 1 1 280px; min-width: 0; border: 1px solid #ccc;
  padding: .2em .8em; }
/* a table wider than a phone scrolls inside its own box; the text around it reflows */
.nws-disclosure table { border-collapse: collapse; font-size: .9em; display: block;
  overflow-x: auto; max-width: 100%; }
.nws-disclosure th, .nws-disclosure td { padding: 2px 6px; text-align: right; }
.nws-disclosure th:first-child, .nws-disclosure td:first-child { text-align: left; }
.nws-disclosure .small { font-size: .85em; }
.nws-disclosure ul.legend { list-style: none; padding-left: 0; }
.nws-disclosure .legend .box { display: inline-block; width: .9em; height: .9em;
  margin-right: .3em; vertical-align: middle; }
"""

choice = solara.reactive(CURRENT)  # the scenario shown: the current setup or a library name
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="networker-sim disclosure")
_asked: dict[str, Future] = {}  # by disclosure key: one computation however many ask
_asked_lock = threading.Lock()
_progress: dict[str, tuple[str, int, int]] = {}  # by key: the last (stage, done, total)


def chosen_scenario(name: str) -> Scenario | None:
    """The scenario of a choice: the simulation page's setup (``CURRENT``) or a library
    scenario as it is shipped."""
    if name == CURRENT:
        v = state.view.value
        return None if v is None else v.params
    return state.library(name)


def ask(scenario: Scenario) -> tuple[str, Future]:
    """The disclosure of ``scenario``, computed on the server's one disclosure thread (or
    the computation already under way for the same company)."""
    key = disclosure_key(at_company_scale(scenario))
    with _asked_lock:
        future = _asked.get(key)
        if future is None or (future.done() and future.exception() is not None):
            future = _asked[key] = _pool.submit(_compute, key, scenario)
    return key, future


def _compute(key: str, scenario: Scenario) -> tuple[Disclosure, Source, float]:
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        _progress[key] = (stage, done, total)

    d, source = stored_disclosure(scenario, progress=progress)
    return d, source, time.perf_counter() - started


@solara.component
def DisclosurePage():
    lang = state.lang.value
    name = choice.value
    scenario = solara.use_memo(lambda: chosen_scenario(name), [name, state.view.value])
    names = state.scenario_names()
    labels = {CURRENT: t("disclosure_page.current", lang)} | {n: n for n in names}
    solara.Style(CSS)
    Md(f"### {t('disclosure_page.title', lang)}\n\n{t('disclosure_page.intro', lang)}")
    solara.Select(
        t("disclosure_page.scenario", lang),
        value=labels.get(name, name),
        values=list(labels.values()),
        on_value=lambda label: choice.set(
            next((k for k, v in labels.items() if v == label), CURRENT)
        ),
        style={"max-width": "360px"},
    )
    if scenario is None:
        return
    try:
        key, future = ask(scenario)
    except ScenarioError as exc:
        solara.Error(exc.message(lang))
        return
    _Shown(key, future, scenario.name, lang)


@solara.component
def _Shown(key: str, future: Future, name: str, lang: str):
    """The disclosure once its future is done; until then the progress, every second."""
    _tick, set_tick = solara.use_state(0)  # a new value redraws

    def wait(cancel: threading.Event) -> None:
        while not future.done() and not cancel.is_set():
            time.sleep(0.5)
            set_tick(lambda x: x + 1)
        set_tick(lambda x: x + 1)

    solara.use_thread(wait, dependencies=[key], intrusive_cancel=False)
    if not future.done():
        stage, done, total = _progress.get(key, ("history", 0, 0))
        people = fmt_int(1_000_000, lang)
        text = t(f"disclosure_page.computing_{stage}", lang, done=done, total=total,
                 people=people)  # fmt: skip
        solara.ProgressLinear(value=100 * done / total if total else True)
        solara.Info(text)
        return
    if future.exception() is not None:
        solara.Error(t("disclosure_page.failed", lang, detail=str(future.exception())))
        return
    d, source, seconds = future.result()
    note = t(f"disclosure.source_{source.value}", lang, seconds=f"{seconds:.0f}")
    solara.Text(note, style={"font-size": "0.85em"})
    solara.HTML(tag="div", unsafe_innerHTML=disclosure_section(d, lang),
                classes=["nws-disclosure"])  # fmt: skip
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(
            lambda: d.frame().to_csv(index=False).encode("utf-8"),
            filename=f"{name}-disclosure.csv",
            label=t("disclosure_page.download_csv", lang),
        )
        solara.FileDownload(
            lambda: disclosure_json(d).encode("utf-8"),
            filename=f"{name}-disclosure.json",
            label=t("disclosure_page.download_json", lang),
        )
