"""Follow mode, the tab's side: share this tab's run with a class, follow a room, leave it.

A teacher opens a room ("Show this run to the class") and every frame the teacher's page
shows from then on is published to it (``state.publish`` calls ``rooms.share``). A student
who follows a room shows its frames in a thread of their own session, like Play, paced so
that a class takes about half a core (``rooms.pace``); leaving starts the student's own run
where the teacher's stands. The rooms themselves are in ``dashboards/rooms.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import solara

from dashboards import drawing, rooms, state

FOLLOW_THREAD = "networker-sim follower"
_follower = solara.reactive(0)  # which follow loop may run (as state._player for Play)


def follow_address(search: str | None) -> None:
    """Follow the room that the tab's address names (``?follow=CODE``), once per tab: a
    student who left it stays on their own."""
    code = rooms.code_in_address(search)
    if code and rooms.from_address.value != code and rooms.following.value is None:
        rooms.from_address.value = code
        follow(code)


def start_sharing() -> None:
    room = rooms.open_room()
    if state.view.value is not None:
        room.publish(state.view.value)
    rooms.hosting.value = room


def stop_sharing() -> None:
    room = rooms.hosting.value
    if room is not None:
        rooms.close_room(room)
    rooms.hosting.value = None


def follow(code: str) -> None:
    """Show the run of room ``code`` from now on (or say that there is no such room)."""
    room = rooms.find(code)
    if room is None or not room.open:
        rooms.missing.value = rooms.shown_code(code)
        return
    if rooms.hosting.value is not None:
        stop_sharing()
    state.playing.value = False
    state.model.value = None  # the tab's own run stops; leaving goes on from the teacher's
    rooms.missing.value = None
    follower = _follower.value + 1
    _follower.value = follower
    rooms.following.value = room
    drawing.start_drawing(follow_loop, room, follower, name=FOLLOW_THREAD)


def leave() -> None:
    """Stop following: the tab's own run goes on from the teacher's frame shown (the
    scenario, settings and seed go into the controls; the first Step builds the model)."""
    rooms.following.value = None
    _follower.value += 1
    view = state.view.value
    if view is not None and view.params is not None:
        state.take_over(view)


def follow_loop(
    room: rooms.Room, follower: int, session_alive: Callable[[], bool] | None = None
) -> None:
    """Show each new frame of ``room`` in this tab until it leaves or the room closes.

    Runs in a thread that carries the tab's session (like Play): setting the view renders
    this tab's page, and a frame published meanwhile replaces the one before it."""
    alive = session_alive or state.session_alive
    with room._changed:
        room.followers += 1
    try:
        seen, ready_at = -1, 0.0
        while rooms.following.value is room and _follower.value == follower and alive():
            if drawing.ENDING.is_set():  # the server ends
                break
            wait = ready_at - time.monotonic()
            if wait > 0:
                drawing.ENDING.wait(min(wait, 1.0))
                continue
            frame, view = room.next_frame(seen, timeout=1.0)
            if not room.open:
                rooms.following.value = None
                rooms.missing.value = room.code
                break
            if view is None:
                continue
            if not state.page_connected():  # nobody to send it to: look again later
                ready_at = time.monotonic() + 1.0
                continue
            started = time.perf_counter()
            state.show(view)  # renders this tab's page, in this thread
            seen = frame
            took = time.perf_counter() - started
            ready_at = time.monotonic() + rooms.pace(took, room.followers)
    finally:
        with room._changed:
            room.followers -= 1
