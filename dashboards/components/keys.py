"""Keyboard shortcuts for the simulation (Step, Play/Pause, Reset) and the dialog that
lists them (issue 24). A shortcut is Alt+Shift and a letter: a single letter would fire
while a screen reader user types or moves through the page (WCAG 2.1.4). The same listener
reports the browser's prefers-reduced-motion setting (``state.reduced_motion``) and whether
the screen is as narrow as a phone's (``state.narrow``: the charts are drawn for it), and
gives the focus back to where it was when the list closes."""

from __future__ import annotations

import solara

from dashboards import rooms, state
from dashboards.components.md import Md
from dashboards.layout import PHONE_MAX
from sim.i18n import t

# the key (KeyboardEvent.code) pressed with Alt+Shift, and what it does
KEYS = {"KeyS": "step", "KeyP": "play", "KeyR": "reset", "KeyK": "help"}
help_open = solara.reactive(False)


def act(what: str) -> None:
    """Do what a shortcut asks; on a page that follows a room only the help (it runs no
    model of its own, and has no buttons for the rest)."""
    if what == "help":
        help_open.set(True)
    elif rooms.following.value is not None:
        return
    elif what == "step" and not state.playing.value:
        state.step(1)
    elif what == "play":
        if state.playing.value:
            state.playing.set(False)
        else:
            state.play()
    elif what == "reset":
        state.reset()


@solara.component_vue("keys.vue")
def _Listen(
    codes: dict,
    listing: bool,
    phone_max: int,
    event_shortcut=None,
    event_reduced_motion=None,
    event_narrow=None,
):
    pass


@solara.component
def KeyboardHelp(lang: str):
    """The shortcuts' listener, a button that opens their list, and the list (Esc or
    Close closes it, and the focus returns to the control that had it before)."""
    _Listen(codes=KEYS, listing=help_open.value, phone_max=PHONE_MAX, event_shortcut=act,
            event_reduced_motion=lambda on: state.reduced_motion.set(bool(on)),
            event_narrow=lambda on: state.narrow.set(bool(on)))  # fmt: skip
    solara.Button(t("keys.button", lang), outlined=True, color="primary",
                  on_click=lambda: help_open.set(True))  # fmt: skip
    rows = "\n".join(
        f"| {t(f'keys.{what}_keys', lang)} | {t(f'keys.{what}', lang)} |"
        for what in ("step", "play", "reset", "help", "tab", "press", "slider", "close")
    )
    if not help_open.value:  # the list is built when asked for, not on every page
        return
    dialog = solara.v.Dialog(v_model=True, on_v_model=help_open.set, max_width=560)
    with dialog, solara.Card(t("keys.title", lang)):
        Md(f"| {t('keys.key', lang)} | {t('keys.does', lang)} |\n|---|---|\n{rows}")
        solara.Button(t("keys.close_button", lang), color="primary",
                      on_click=lambda: help_open.set(False))  # fmt: skip
