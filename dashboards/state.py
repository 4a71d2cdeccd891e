"""The dashboard's state and actions: the chosen scenario and settings, the running model,
and what the charts show. Solara keeps one copy of each reactive per browser tab.

A setting changes nothing until Reset: Reset validates the settings exactly as
``networker-sim run --set`` does, and on an error keeps the last good model and shows
the message next to the controls.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import threading
import time
from dataclasses import dataclass

import solara

from dashboards import address, drawing, rooms
from dashboards.view import View, run_of
from sim.i18n import DEFAULT_LANG, LANGS, Msg, fmt_int, t
from sim.model import NetworkMarketingModel
from sim.scenario import (
    PLANS,
    SCENARIO_DIR,
    Scenario,
    ScenarioError,
    library_path,
    list_scenarios,
    load_scenario,
    scenario_from_bytes,
    upload_origin,
)

DEFAULT_SCENARIO = "baseline"
log = logging.getLogger("networker-sim.dashboard")
SEED_MAX = 2**32 - 1
SETTINGS_ORIGIN = "settings"  # where the controls' values come from, in messages
POPULATION_CHOICES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000)


@dataclass(frozen=True)
class SliderSpec:
    key: str
    lo: float
    hi: float
    step: float
    integer: bool = False


# The parameters that matter most for a newcomer, as sliders (issue 4).
SLIDERS = (
    SliderSpec("simulation.weeks", 52, 520, 52, integer=True),
    SliderSpec("networker.hours_median", 1, 40, 0.5),
    SliderSpec("market.evening_hours", 0, 40, 0.5),  # S9: when customers can be reached
    SliderSpec("networker.tolerance_mean", 1, 20, 0.1),
    SliderSpec("networker.builder_share", 0, 1, 0.05),
    SliderSpec("market.recruit_rate_warm", 0, 0.6, 0.01),
    SliderSpec("market.sale_rate_warm", 0, 0.6, 0.01),
    SliderSpec("costs.starter_kit", 0, 600, 10),
    SliderSpec("costs.required_purchase", 0, 400, 10),
    SliderSpec("costs.expenses_per_hour", 0, 15, 0.01),
    SliderSpec("costs.own_purchase_value_share", 0, 1, 0.05),
    SliderSpec("compensation.entry_fee", 0, 2000, 50),
)
SETTING_KEYS = ("population.size", "compensation.plan", *(s.key for s in SLIDERS))


def settings_of(scenario: Scenario) -> dict[str, object]:
    """The dashboard's settings as they are in ``scenario``."""
    out = {}
    for key in SETTING_KEYS:
        section, name = key.split(".")
        out[key] = getattr(getattr(scenario, section), name)
    return out


def parse_seed(text: str) -> int:
    try:
        seed = int(str(text).strip())
    except ValueError:
        seed = -1
    if not 0 <= seed <= SEED_MAX:
        raise ScenarioError(t("ui.seed_invalid"), key="simulation.seed", kind="seed")
    return seed


def start_lang() -> str:
    """The page's first language: $NETWORKER_SIM_LANG (set by the command) if it is one."""
    lang = os.environ.get("NETWORKER_SIM_LANG", "").strip()
    return lang if lang in LANGS else DEFAULT_LANG


def error_text(exc: ScenarioError, lang: str) -> str:
    """A validation error in the user's language where the catalog has it; an error in a
    control names the control, one in a file or the address the tool's way."""
    if exc.kind == "range" and exc.info.get("origin") == SETTINGS_ORIGIN:
        info = exc.info
        return t(
            "error.range",
            lang,
            key=t(f"slider.{exc.key}", lang) if exc.key in SETTING_KEYS else exc.key,
            value=_num(info["value"], lang),
            lo=_num(info["lo"], lang),
            hi=_num(info["hi"], lang),
        )
    if exc.kind == "seed":
        return t("ui.seed_invalid", lang)
    if exc.kind == "fee_shares":
        return t("error.fee_shares", lang, **{k: _num(v, lang) for k, v in exc.info.items()})
    if exc.kind == "founders":
        return t("error.founders", lang, **{k: _num(v, lang) for k, v in exc.info.items()})
    return exc.message(lang)


def _num(x: float, lang: str) -> str:
    return (
        fmt_int(x, lang)
        if float(x).is_integer()
        else f"{x:g}".replace(".", ",")
        if (lang == "de")
        else f"{x:g}"
    )


# ---- per-tab state ---------------------------------------------------------------------------

# the language `networker-sim dashboard --lang de` asked for; each browser tab can switch
lang = solara.reactive(start_lang())
TAB_SIMULATION, TAB_ME, TAB_COMPARE, TAB_DISCLOSURE, TAB_LESSONS, TAB_ABOUT = range(6)
tab = solara.reactive(TAB_SIMULATION)  # the page shown: a lesson can switch to the simulation
scenario_name = solara.reactive(DEFAULT_SCENARIO)  # the library scenario the setup starts from
settings = solara.reactive(settings_of(load_scenario(DEFAULT_SCENARIO)))
# changes of parameters without a control (from an uploaded file or an address)
extra = solara.reactive({})
label = solara.reactive(None)  # the name of an uploaded scenario
seed_text = solara.reactive("42")
presentation = solara.reactive(False)  # for a projector: large fonts, sharp charts
error = solara.reactive(None)  # (ScenarioError) shown next to the controls
model = solara.reactive(None)  # the session's NetworkMarketingModel, made by its first Step
playing = solara.reactive(False)
_player = solara.reactive(0)  # which play loop may run: Play starts a new one, the old stops
speed = solara.reactive(26.0)  # weeks per second while playing
frame_weeks = solara.reactive(1)  # weeks per redraw: more when frames cannot keep up
_step_lock = threading.Lock()  # a step and a snapshot never overlap
_turn = threading.RLock()  # one tab at a time renders a new view (``show``)
MAX_FPS = 10  # frames per second while playing: a viewer's share of a server shared by a class
# frames per second while playing when the browser asks for reduced motion (its setting
# prefers-reduced-motion, reported by dashboards/components/keys.vue): the same weeks per
# second, shown in steps of a second instead of a moving picture (WCAG 2.3.3)
REDUCED_FPS = 1
reduced_motion = solara.reactive(False)
# the screen is as narrow as a phone's (reported by keys.vue): the charts are drawn for a
# phone (``live.NARROW``), their type at least 12 CSS px as shown there
narrow = solara.reactive(False)


def scenario_names() -> list[str]:
    """The scenarios of scenarios/ (read again when the folder changes)."""
    return _scenario_names(SCENARIO_DIR.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _scenario_names(_changed: int) -> list[str]:
    return [name for name, _ in list_scenarios()]


def library(name: str) -> Scenario:
    """A scenario of scenarios/ by name, read again only when its file changes (the page
    compares the running model with it at every redraw). Only a name of the library: a
    path, from an address say, is an unknown name, and no file is looked at for it.

    Raises:
        ScenarioError: ``name`` names no scenario of the library.
    """
    path = library_path(name)
    return _library(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _library(path: str, _changed: int) -> Scenario:
    return load_scenario(path)


def build(
    name: str, values: dict, seed_value: str, more: dict | None = None, upload: str | None = None
) -> NetworkMarketingModel:
    """A new model from a scenario, the settings and ``more`` changes; raises
    ScenarioError when invalid. A changed scenario is named and described as changed."""
    seed = parse_seed(seed_value)
    base = library(name)
    scenario = base.with_overrides(
        {**(more or {}), **values, "simulation.seed": seed}, origin=SETTINGS_ORIGIN
    )
    return NetworkMarketingModel(address.named(scenario, base, upload))


def first_view() -> View:
    """The default scenario's week 0, which every new page shows: made once per server and
    shared (with its charts, ``dashboards.drawing``). A visitor who only looks costs no
    model; the first Step builds one (``running_model``)."""
    scenario = load_scenario(DEFAULT_SCENARIO)
    first = build(DEFAULT_SCENARIO, settings_of(scenario), str(scenario.simulation.seed))
    return drawing.view_at(first)


FIRST_VIEW = first_view()
view = solara.reactive(FIRST_VIEW)  # what the charts show: a run's View at one week
# the first page's charts are drawn while the server starts, not by its first visitors
drawing.start_drawing(drawing.warm_up, FIRST_VIEW, LANGS, name="networker-sim warm-up")


def running_model() -> NetworkMarketingModel | None:
    """The session's model: made from the view's scenario and seed when the session first
    steps, at the view's week (the model is reproducible: the same run)."""
    m, v = model.value, view.value
    if m is None and v is not None and v.params is not None:
        m = model.value = replay(v)
    return m


def replay(v: View) -> NetworkMarketingModel:
    """A model of ``v``'s run at ``v``'s week, run anew (the model is reproducible)."""
    m = NetworkMarketingModel(v.params, seed=v.seed)
    with _step_lock:
        for _ in range(v.week):
            m.step()
    return m


def reset() -> None:
    """Apply the settings: a new model at week 0, or an error and the old model kept."""
    try:
        new = build(scenario_name.value, settings.value, seed_text.value, extra.value, label.value)
    except ScenarioError as exc:
        error.value = exc
        return
    playing.value = False
    error.value = None
    publish(new)  # the view first: charts are rebuilt for the new horizon
    model.value = new


def load(name: str) -> None:
    """Pick a scenario: its values go into the controls, and the model restarts."""
    scenario_name.value = name
    scenario = library(name)
    extra.value, label.value = {}, None
    settings.value = settings_of(scenario)
    seed_text.value = str(scenario.simulation.seed)
    reset()


def start_from(name: str, changed: dict, seed: str, upload: str | None = None) -> None:
    """A library scenario with ``changed`` parameters into the controls, and a new model.
    Raises ScenarioError (and changes nothing) if the changes are invalid."""
    scenario = library(name).with_overrides(changed, origin=Msg("share.origin"))
    playing.value = False
    scenario_name.value = name
    settings.value = settings_of(scenario)
    extra.value = {k: v for k, v in changed.items() if k not in SETTING_KEYS}
    label.value = upload
    seed_text.value = seed
    reset()


def upload(data: bytes, filename: str) -> None:
    """An uploaded scenario file into the controls (validated exactly like a file given
    to the command line); on an error its message is shown and nothing changes. Every
    error ends here: the upload runs in a thread of its own, where an escaped exception
    would leave the page as it was, with an older message on it."""
    try:
        scenario = scenario_from_bytes(data, filename)
        base = address.closest(scenario, [library(name) for name in scenario_names()])
        start_from(base.name, address.changes(base, scenario), str(scenario.simulation.seed),
                   address.safe_name(scenario.name))  # fmt: skip
    except ScenarioError as exc:
        error.value = exc
    except Exception as exc:  # a bug, or memory: still the upload's own message
        log.warning("upload %r failed: %r", upload_origin(filename), exc)
        error.value = ScenarioError(
            Msg("upload.failed", name=upload_origin(filename), detail=type(exc).__name__)
        )


# ---- the address -------------------------------------------------------------------------


def current_setup() -> address.Setup | None:
    """What the page shows, as the address writes it (None before the first model)."""
    m = model.value
    if m is None:
        return None
    return address.Setup(
        scenario=scenario_name.value,
        overrides=address.changes(library(scenario_name.value), m.params),
        seed=str(m.params.simulation.seed),
        tab=address.TABS[tab.value],
        lang=lang.value,
        present=presentation.value,
        name=label.value,
    )


def current_query() -> str | None:
    setup = current_setup()
    return None if setup is None else address.encode(setup)


def open_address(search: str | None) -> None:
    """Show what the address says (on opening the page, and on Back and Forward). A part
    that is not valid is left out, and its message shown next to the controls."""
    setup, _ = address.decode(search)
    if not address.says_anything(search):
        return  # a bare address: the page as it is (at first the shared week 0, no model)
    now = current_setup()
    if now is not None and address.encode(setup) == address.encode(now):
        return  # the address we wrote ourselves
    if setup.lang:
        lang.value = setup.lang
    tab.value = address.TABS.index(setup.tab)
    presentation.value = setup.present
    problems = list(setup.errors)  # a name not of the library among them (address.decode)
    name = setup.scenario or DEFAULT_SCENARIO
    seed = setup.seed if setup.seed is not None else str(library(name).simulation.seed)
    try:
        start_from(name, setup.overrides, seed, setup.name)
    except ScenarioError as exc:
        problems.append(exc)
        start_from(name, {}, seed)
    if error.value is not None:  # Reset refused the seed: the scenario's own instead
        problems.append(error.value)
        load(name)
    error.value = problems[0] if problems else error.value


def set_setting(key: str, value: object) -> None:
    """A control's new value. A slider snaps a scenario's value to its steps when it is
    drawn; a change smaller than half a step is that snapping, not the user: ignore it."""
    step = next((s.step for s in SLIDERS if s.key == key), None)
    old = settings.value.get(key)
    if step is not None and isinstance(old, int | float) and abs(value - old) < step / 2:
        return
    settings.value = {**settings.value, key: value}


def publish(m: NetworkMarketingModel) -> View:
    """Show the model's current week: its snapshot (shared with every session showing the
    same run at that week) becomes the view, and the page redraws."""
    with _step_lock:
        v = drawing.view_at(m)
    show(v)
    rooms.share(v)  # and to the class, if this tab shows its run to a room
    return v


def show(v: View) -> None:
    """Make ``v`` this tab's view: its page renders, in this thread. Pages take turns
    (one Python process, one core for them all): when a class steps at once, the first
    Step is shown after one render rather than every Step after all of them."""
    with _turn:
        view.value = v


def take_over(v: View) -> None:
    """Go on from ``v`` (a frame of someone else's run) as this tab's own run: its
    scenario, settings and seed go into the controls, and the first Step builds the model
    at its week."""
    name = v.params.name
    scenario_name.value = name if name in scenario_names() else scenario_name.value
    settings.value = settings_of(v.params)
    seed_text.value = str(v.seed)
    error.value = None
    model.value = None
    view.value = v


def _kernel():
    from solara.server import kernel_context

    return kernel_context.get_current_context() if kernel_context.has_current_context() else None


def session_alive() -> bool:
    """This tab's session has not ended (always true outside a server, as in tests)."""
    kernel = _kernel()
    return kernel is None or not kernel.closed_event.is_set()


def page_connected() -> bool:
    """A browser page of this session is connected: a frame drawn now reaches someone."""
    from solara.server.kernel_context import PageStatus

    kernel = _kernel()
    if kernel is None:
        return True
    return not kernel.closed_event.is_set() and PageStatus.CONNECTED in kernel.page_status.values()


def networkers_csv() -> bytes:
    """The per-networker table of the week shown (docs/model.md section 5), as CSV; for
    a tab that follows a room, of the teacher's run, which this tab runs anew."""
    v = view.value
    m = running_model() if rooms.following.value is None else None
    if m is None or m.week != v.week or run_of(m) != v.run:
        m = replay(v)
    with _step_lock:
        table = m.result().networkers
    return table.to_csv(index=False).encode("utf-8")


def step(weeks: int = 1) -> None:
    m = running_model()
    if m is None:
        return
    with _step_lock:
        for _ in range(weeks):
            if m.week >= m.params.simulation.weeks:
                break
            m.step()
    publish(m)


def weeks_per_frame(speed_now: float, frame_cost: float, fps: float = MAX_FPS) -> int:
    """How many weeks one frame shows so that Play keeps ``speed_now`` weeks per second
    when a frame (step, snapshot, drawing, sending) costs ``frame_cost`` seconds: one week
    per frame when frames keep up, more when they cannot, at most ``fps`` frames a
    second. Decided afresh every frame, so slow motion is smooth at once after a fast
    speed."""
    fastest = max(frame_cost / 0.8, 1 / fps)  # a fifth of the time for the browser
    return max(1, min(52, math.ceil(speed_now * fastest - 1e-9)))


def play() -> None:
    """Play: a thread steps and publishes frames until Pause, the horizon or Reset. A plain
    thread (it carries the session's context), not a hook of the page: starting and
    ending it costs no render, and it plays on while another tab is shown."""
    if playing.value or running_model() is None:
        return
    player = _player.value + 1
    _player.value = player
    playing.value = True
    drawing.start_drawing(play_loop, player, name=PLAY_THREAD)


PLAY_THREAD = "networker-sim play loop"


def play_loop(player: int) -> None:
    """While playing: step the weeks of one frame, publish, wait for the frame's time."""
    cost = 0.0  # seconds a frame takes, smoothed over the last few
    while playing.value and _player.value == player and not drawing.ENDING.is_set():
        if not page_connected():  # the tab was closed: nobody watches
            playing.value = False
            break
        m = model.value
        if m is None or m.week >= m.params.simulation.weeks:
            playing.value = False
            break
        started = time.perf_counter()
        weeks = frame_weeks.value
        with _step_lock:
            for _ in range(weeks):
                if m.week >= m.params.simulation.weeks:
                    break
                m.step()
        publish(m)  # renders the page in this thread: the next frame waits for it
        took = time.perf_counter() - started
        cost = took if cost == 0 else 0.7 * cost + 0.3 * took
        pace = max(speed.value, 0.1)
        fps = REDUCED_FPS if reduced_motion.value else MAX_FPS
        frame_weeks.value = weeks_per_frame(pace, cost, fps)
        drawing.ENDING.wait(max(0.02, weeks / pace - took))
    if model.value is not None and _player.value == player and not drawing.ENDING.is_set():
        publish(model.value)


def changed_settings(params: Scenario, lang_: str) -> str:
    """What ``params`` (the run shown) change in the library scenario, in words ('' if
    nothing)."""
    changed = address.changes(library(scenario_name.value), params)
    shown = list(changed.items())[: address.SHOWN_CHANGES]
    text = "; ".join(f"{setting_label(key, lang_)} = {setting_text(key, value, lang_)}"
                     for key, value in shown)  # fmt: skip
    more = len(changed) - len(shown)
    return text + (t("share.more_changes", lang_, count=more) if more > 0 else "")


def setting_label(key: str, lang_: str) -> str:
    """A parameter's name on the page: its control's label, or its dotted key."""
    if key == "compensation.plan":
        return t("ui.plan", lang_)
    return t(f"slider.{key}", lang_) if key in SETTING_KEYS else key


def setting_text(key: str, value: object, lang_: str) -> str:
    if key == "compensation.plan":
        return t(f"plan.{value}", lang_)
    if isinstance(value, bool | str | tuple):
        return address.value_text(value)
    return _num(value, lang_)


__all__ = ["PLANS", "POPULATION_CHOICES", "SLIDERS"]
