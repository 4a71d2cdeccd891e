"""Rooms: the teacher's run live on every student's screen (the tab's actions, to share a
run, follow and leave a room, are in ``dashboards/follow.py``).

A teacher opens a room ("Show this run to the class") and gets a code of four characters;
every frame the teacher's page shows from then on (a Step, Play, Reset, another scenario)
is published to the room. A student who opens ``/?follow=CODE``, or enters the code,
sees the room's latest frame: the teacher's View object itself, and through
``dashboards.drawing`` the same chart images. A follower therefore costs no simulation and
no drawing (only a chart in a language nobody drew yet): what it costs is its own page
being sent. A follower whose page is still being sent when the next frame comes skips to
the newest frame instead of queueing them, and while the teacher plays, a class of
followers together takes about half a core (``pace``). Leaving follow mode starts the
student's own run where the teacher's stands: same scenario, settings, seed and week.

Rooms live in the server process (one Python process serves every session) and are
forgotten when their teacher stops sharing, or after a day without a frame.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from urllib.parse import parse_qsl

import solara

from dashboards.address import MAX_QUERY
from dashboards.view import View
from sim.scenario import cut

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: a code read off a projector
CODE_LENGTH = 4
MAX_ROOMS = 200  # a server for a school, not for the internet: old rooms make way
FORGET_AFTER = 24 * 3600.0  # seconds without a frame
FOLLOWERS_CPU = 0.5  # cores that the followers of a playing room may take together


class Room:
    """A teacher's run as the class sees it: the latest frame and its number."""

    def __init__(self, code: str):
        self.code = code
        self.view: View | None = None
        self.frame = 0  # counts the frames published
        self.followers = 0
        self.open = True
        self.touched = time.monotonic()
        self._changed = threading.Condition()

    def publish(self, view: View) -> None:
        """The teacher's page shows ``view``: every follower will show it next."""
        with self._changed:
            if view is self.view:
                return
            self.view = view
            self.frame += 1
            self.touched = time.monotonic()
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.open = False
            self._changed.notify_all()

    def next_frame(self, seen: int, timeout: float) -> tuple[int, View | None]:
        """The newest frame after frame ``seen`` (frames in between are skipped), or
        ``(seen, None)`` after ``timeout`` seconds without one or when the room closed."""
        with self._changed:
            self._changed.wait_for(lambda: self.frame != seen or not self.open, timeout)
            if self.frame == seen or not self.open:
                return seen, None
            return self.frame, self.view


_rooms: dict[str, Room] = {}
_rooms_lock = threading.Lock()


def make_way(kept: dict, forget_after: float, most: int) -> None:
    """Close and drop what ``kept`` (code: a room or a class game, each with ``touched``
    and ``close``) has not touched for ``forget_after`` seconds, then the oldest until
    fewer than ``most`` remain. One touched at infinity (being made) never makes way: if
    it is the oldest, OverflowError. The caller holds the registry's lock."""
    now = time.monotonic()
    for code in [c for c, r in kept.items() if now - r.touched > forget_after]:
        kept.pop(code).close()
    while len(kept) >= most:
        code, oldest = min(kept.items(), key=lambda item: item[1].touched)
        if math.isinf(oldest.touched):
            raise OverflowError(most)
        kept.pop(code).close()


def unused_code(kept: dict, length: int = CODE_LENGTH) -> str:
    """A code of ``length`` characters of ``ALPHABET`` that ``kept`` has not."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if code not in kept:
            return code


def open_room() -> Room:
    """A new room with a code no open room has."""
    with _rooms_lock:
        make_way(_rooms, FORGET_AFTER, MAX_ROOMS)
        code = unused_code(_rooms)
        room = _rooms[code] = Room(code)
        return room


def find(code: str) -> Room | None:
    """The open room with this code (any case, spaces ignored), if there is one."""
    with _rooms_lock:
        return _rooms.get(normal_code(code))


def normal_code(text: str) -> str:
    return "".join(str(text).split()).upper()


def close_room(room: Room) -> None:
    with _rooms_lock:
        if _rooms.get(room.code) is room:
            del _rooms[room.code]
    room.close()


def shown_code(text: str) -> str:
    """A code asked for, as a message repeats it: decoded, on one line, cut short."""
    return cut(normal_code(text))


def code_in_address(search: str | None) -> str | None:
    """The room code of an address's query (``follow=ABCD``, decoded), if it names one."""
    text = (search or "").lstrip("?")
    if len(text) > MAX_QUERY:
        return None  # not read at all (address.decode says so)
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key == "follow" and value:
            return normal_code(value)
    return None


def pace(render_seconds: float, followers: int) -> float:
    """Seconds a follower waits after showing a frame before it shows the next one, so
    that the followers of a playing room together take about ``FOLLOWERS_CPU`` cores:
    a class of 30 sees the teacher's Play at one or two frames a second, and every Step
    at once (a Step comes after a pause longer than this)."""
    return min(5.0, render_seconds * max(followers, 1) / FOLLOWERS_CPU)


# ---- per browser tab ------------------------------------------------------------------------

hosting = solara.reactive(None)  # the Room this tab shows its run to
following = solara.reactive(None)  # the Room whose run this tab shows
missing = solara.reactive(None)  # a code asked for that names no open room
from_address = solara.reactive(None)  # the code of the tab's address, once it was followed


def share(view: View) -> None:
    """Publish a frame of this tab's run to its room, if it shares one."""
    room = hosting.value
    if room is not None:
        room.publish(view)
