# ruff: noqa: F811  (the fixtures page and fresh_state come from test_dashboard)
"""The keyboard shortcuts' actions (dashboards/components/keys.py), without a browser:
Step, Play/Pause, Reset and the list of keys; a page that follows a room only opens the
list. The keys themselves in a real browser: tests/test_accessibility_browser.py."""

from __future__ import annotations

from test_dashboard import (  # the same fixtures and helpers as the older page tests
    all_texts,
    fresh_state,  # noqa: F401  (autouse)
    page,  # noqa: F401  (a fixture)
    stop_playing,
    wait_for,
    walk,
)

from dashboards import rooms, state
from dashboards.components import keys
from sim.i18n import LANGS, t


def test_the_shortcuts_step_play_pause_and_reset(page):
    box, _ = page
    keys.act("step")
    keys.act("step")
    assert state.view.value.week == 2
    keys.act("play")
    assert state.playing.value
    keys.act("step")  # no Step while playing, as the Step button is disabled then
    wait_for(lambda: state.view.value.week > 2, "a week played")
    keys.act("play")
    assert not state.playing.value
    stop_playing()
    keys.act("reset")
    assert state.view.value.week == 0
    keys.act("help")
    wait_for(lambda: t("keys.title") in all_texts(box), "the list of keys")
    shown = " ".join(str(getattr(w, "unsafe_innerHTML", "")) for w in walk(box))  # Md
    for what in ("step", "play", "reset"):
        assert t(f"keys.{what}_keys") in shown
    keys.help_open.set(False)


def test_a_page_that_follows_a_room_only_opens_the_list(page):
    room = rooms.open_room()
    rooms.following.value = room
    try:
        for what in ("step", "play", "reset"):
            keys.act(what)
            assert not state.playing.value
        keys.act("help")
        assert keys.help_open.value
    finally:
        rooms.following.value = None
        keys.help_open.set(False)
        rooms.close_room(room)


def test_every_shortcut_is_listed_in_both_languages():
    for lang in LANGS:
        for what in keys.KEYS.values():
            assert t(f"keys.{what}_keys", lang) != f"keys.{what}_keys"
            assert t(f"keys.{what}", lang) != f"keys.{what}"
