"""Class games in the server process: a game by its join code, its teacher's secret, its
players' secrets, its timer, and what every page of the game shows after each round.

The teacher starts a game (``open_game``) and gets a join code and a teacher link
(``?game=CODE&teacher=SECRET``); a student opens ``?game=CODE``, picks a nickname and
continues at ``?game=CODE&player=ID&key=SECRET``. The game itself, its model and its
rules, is ``sim.game.Game``; this module keeps it between page loads (a reload, a lost
connection, the teacher's page closed and opened again), lets one thread at a time call
into it, and wakes the pages of the game when something changed. A round is computed
once (``Table.advance``) and every student's page is built from the reports it left; the
chart of the income distribution is drawn once per round and language for the whole class
(each page lays its student's mark over it), and a page re-renders only the parts a round
changed (the decision's controls stay as they are until the student changes them).

Games live in the server process and nowhere else: nothing is written to disk, and
ending the server ends every game. A game nobody touched for a day is forgotten, and at
most ``MAX_GAMES`` are kept (the oldest makes way): a model of an established company
takes memory.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import numpy as np

from dashboards.address import MAX_QUERY
from dashboards.rooms import make_way, normal_code, unused_code

if TYPE_CHECKING:
    from dashboards.view import View
    from sim.game import Decision, Game

CODE_LENGTH = 5  # as sim.game's codes: 32^5 codes, none guessed by trying a few
MAX_GAMES = 12  # games kept at once: each holds a model of its company (tens of MB)
FORGET_AFTER = 24 * 3600.0  # seconds without a round, a join or a decision
MAX_PLAYERS = 60  # students in one game: a class, twice over
DEFAULT_ROUNDS = 12  # a year of months (issue 25)
MAX_ROUNDS = 36
TIMER_CHOICES = (30, 60, 90, 120, 180, 300)  # seconds between rounds when the timer runs
TIMER_THREAD = "networker-sim game timer"
MAX_KEY = 64  # characters of a secret read from an address (token_urlsafe(16) has 22)


@dataclass(frozen=True)
class Link:
    """What a game's address says: the code, and a teacher's or a player's secret."""

    code: str
    teacher: str | None = None
    player: int | None = None
    key: str | None = None


def link_in_address(search: str | None) -> Link | None:
    """The game link of an address's query (``game=CODE`` with ``teacher=`` or
    ``player=`` and ``key=``), if it names a game; a player id that is not a number
    is read as none (the page then asks for a nickname)."""
    text = (search or "").lstrip("?")
    if len(text) > MAX_QUERY:
        return None
    values = dict(parse_qsl(text, keep_blank_values=True))
    code = normal_code(values.get("game", ""))[: CODE_LENGTH * 2]
    if not code:
        return None
    player = values.get("player", "")
    return Link(
        code=code,
        teacher=values.get("teacher", "")[:MAX_KEY] or None,
        player=int(player) if player.isdigit() and len(player) < 6 else None,
        key=values.get("key", "")[:MAX_KEY] or None,
    )


def same_secret(given: str | None, secret: str) -> bool:
    """``given`` is ``secret``, compared in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), secret.encode())


class Table:
    """One class game as the server keeps it.

    Every call into ``game`` holds ``lock``. ``public`` counts what every page must show
    (a round, the timer, pause, the reveal, nicknames); ``activity`` counts that and what
    only the teacher's page shows (a join, a decision).
    """

    def __init__(self, game: Game, code: str, scenario: str, replay_of: str | None = None):
        self.game = game
        self.code = code
        self.scenario = scenario
        self.replay_of = replay_of  # the code of the game this one replays
        self.teacher = secrets.token_urlsafe(16)
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.public = 0
        self.activity = 0
        self.open = True
        self.touched = time.monotonic()
        self.names_shown = False
        self.revealed = False
        self.timer: int | None = None  # seconds between rounds while the timer runs
        self.timer_paused = False
        self.next_at: float | None = None  # when the timer advances next (monotonic)
        self.left = 0.0  # seconds the paused timer had left
        self.decided: set[int] = set()  # players who decided for the coming round
        self._nets: tuple[int, np.ndarray] | None = None  # (round, every member's net)
        self._view: tuple[int, View] | None = None  # (round, the company's snapshot)
        self.round_seconds: float | None = None  # the last round: advance + reports
        self.round_began = 0.0  # when the last round began (monotonic)
        self.views_seconds: float | None = None  # ... until the last student's page was built
        self._built: set[int] = set()  # students whose page of this round was built
        self.charts: dict[tuple, Any] = {}  # (who, round, lang) -> the drawing
        self._timer_thread: threading.Thread | None = None

    # ---- players ----------------------------------------------------------------------------

    def join(self, nickname: str | None) -> tuple[int, str]:
        """A new player (``sim.game.Game.join``); raises OverflowError when the game is
        full, ``sim.game.GameError`` when it is over."""
        with self.lock:
            if len(self.game.players) >= MAX_PLAYERS:
                raise OverflowError(MAX_PLAYERS)
            pid, secret = self.game.join(nickname)
            self._touch(public=False)
            return pid, secret

    def check(self, pid: int, key: str | None) -> bool:
        """``key`` is player ``pid``'s secret."""
        with self.lock:
            try:
                self.game.player(pid, key or "")
            except PermissionError:
                return False
            return True

    def decide(self, pid: int, key: str, decision: Decision) -> None:
        """A player's choices for the coming round; raises PermissionError for a wrong key
        and ``sim.game.GameError`` for a choice the game refuses."""
        with self.lock:
            self.game.decide(pid, key, decision)
            self.decided.add(pid)
            self._touch(public=False)

    def is_teacher(self, secret: str | None) -> bool:
        return same_secret(secret, self.teacher)

    def nets(self) -> np.ndarray:
        """Every member's net income since joining (students and simulated), this round:
        what the charts of a student's place are drawn from."""
        with self.lock:
            if self._nets is None or self._nets[0] != self.game.round:
                self._nets = (self.game.round, self.game.model.ledger.net.copy())
            return self._nets[1]

    def snapshot(self) -> View:
        """The company as the simulation page's charts read it (the recruitment tree)."""
        from dashboards.view import snapshot

        with self.lock:
            if self._view is None or self._view[0] != self.game.round:
                self._view = (self.game.round, snapshot(self.game.model))
            return self._view[1]

    # ---- rounds -----------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.game.round >= self.game.rounds

    def advance(self) -> bool:
        """One month for everyone, and every player's report of it; False once the game
        is over (nothing happens then)."""
        with self.lock:
            if self.finished:
                return False
            self.round_began = started = time.monotonic()
            self.game.advance()  # every student's report of the month is made here, once
            self.nets()  # and what every student's chart is drawn from
            self.round_seconds = time.monotonic() - started
            self.views_seconds = None
            self._built = set()
            self.decided = set()
            if self.finished:
                self.timer, self.next_at = None, None
            elif self.timer is not None and not self.timer_paused:
                self.next_at = time.monotonic() + self.timer
            self._touch()
            return True

    def set_timer(self, seconds: int | None) -> None:
        """Advance every ``seconds`` from now (None: only the teacher's button does)."""
        with self.lock:
            self.timer = seconds
            self.timer_paused = False
            self.next_at = None if seconds is None else time.monotonic() + seconds
            self._touch()
        running = self._timer_thread is not None and self._timer_thread.is_alive()
        if seconds is not None and not running:
            from dashboards import drawing  # the server's threads: ended with the server

            self._timer_thread = drawing.start_drawing(_run_timer, self, name=TIMER_THREAD)

    def pause(self, paused: bool) -> None:
        """Hold the timer (the time left is kept) or let it run on."""
        with self.lock:
            if self.timer is None or paused == self.timer_paused:
                return
            now = time.monotonic()
            if paused:
                self.left = max(0.0, (self.next_at or now) - now)
                self.next_at = None
            else:
                self.next_at = now + self.left
            self.timer_paused = paused
            self._touch()

    def seconds_left(self) -> float | None:
        with self.lock:
            if self.timer is None:
                return None
            if self.timer_paused:
                return self.left
            return max(0.0, (self.next_at or time.monotonic()) - time.monotonic())

    def show_names(self, shown: bool) -> None:
        with self.lock:
            self.names_shown = shown
            self._touch(public=False)  # the teacher's page shows names, no student's

    def reveal(self, shown: bool) -> None:
        with self.lock:
            self.revealed = shown
            self._touch(public=False)

    # ---- waking the pages -------------------------------------------------------------------

    def _touch(self, public: bool = True) -> None:
        """Something changed: wake the pages (every page, or the teacher's only)."""
        with self._changed:
            self.touched = time.monotonic()
            self.activity += 1
            if public:
                self.public += 1
            self._changed.notify_all()

    def wait(self, teacher: bool, seen: int, timeout: float) -> int:
        """The change counter a page follows once it differs from ``seen``, or ``seen``
        after ``timeout`` seconds (or when the game ended)."""
        count = (lambda: self.activity) if teacher else (lambda: self.public)
        with self._changed:
            self._changed.wait_for(lambda: count() != seen or not self.open, timeout)
            return count()

    def built(self, pid: int, round_: int) -> None:
        """Student ``pid``'s page of round ``round_`` is built: how long after the round
        began the last first page of it so far was (the server's side of a round, shown
        to the teacher)."""
        with self.lock:
            if round_ == self.game.round and round_ > 0 and pid not in self._built:
                self._built.add(pid)
                self.views_seconds = time.monotonic() - self.round_began
                self.activity += 1  # the teacher's page shows it; nobody else's
                self._changed.notify_all()

    def count(self, teacher: bool) -> int:
        return self.activity if teacher else self.public

    def close(self) -> None:
        with self._changed:
            self.open = False
            self.timer, self.next_at = None, None
            self._changed.notify_all()

    def chart(self, pid: int, lang: str, draw: Callable[[], object]) -> Any:
        """A chart of this round (``pid`` -1 and below: the class's) in ``lang``, drawn
        once (``draw``)."""
        key = (pid, self.game.round, lang)
        found = self.charts.get(key)
        if found is None:
            found = draw()
            with self.lock:
                self.charts = {k: v for k, v in self.charts.items() if k[1] == key[1]}
                self.charts[key] = found
        return found


def _run_timer(table: Table) -> None:
    """Advance ``table`` whenever its timer says, until the timer stops or the game ends."""
    from dashboards import drawing

    while table.open and not drawing.ENDING.is_set():
        with table._changed:
            if table.timer is None:
                return
            due = table.next_at
            wait = 1.0 if due is None else max(0.0, due - time.monotonic())
            if wait > 0:
                table._changed.wait(min(wait, 1.0))
                continue
        table.advance()


# ---- the registry ------------------------------------------------------------------------------

_games: dict[str, Table] = {}
_games_lock = threading.Lock()
_RESERVED = Table.__new__(Table)  # a code taken by a game being made
_RESERVED.touched = float("inf")


def register(make: Callable[[str], Game], scenario: str, replay_of: str | None = None) -> Table:
    """Keep the game ``make(code)`` makes under a new join code ``code``; forgotten and
    surplus games make way. The code is reserved while the game is made (seconds: the
    company's history is built), so that two teachers never get the same one."""
    with _games_lock:
        make_way(_games, FORGET_AFTER, MAX_GAMES)  # a game being made never makes way
        code = unused_code(_games, CODE_LENGTH)
        _games[code] = _RESERVED
    try:
        game = make(code)
    except BaseException:
        with _games_lock:
            _games.pop(code, None)
        raise
    table = Table(game, code, scenario, replay_of)
    with _games_lock:
        _games[code] = table
    return table


def open_game(scenario: str, rounds: int = DEFAULT_ROUNDS, seed: int | None = None) -> Table:
    """A new game on library scenario ``scenario`` with ``rounds`` months (a seed of its
    own unless given). Raises ScenarioError for a name the library does not have and
    ValueError for rounds outside 1..MAX_ROUNDS."""
    from dashboards.state import library
    from sim.game import Game

    if not 1 <= rounds <= MAX_ROUNDS:
        raise ValueError(f"rounds {rounds} outside 1..{MAX_ROUNDS}")
    chosen = secrets.randbelow(2**31) if seed is None else seed
    base = library(scenario)
    return register(lambda code: Game.new(base, seed=chosen, rounds=rounds, code=code), scenario)


def replay_game(table: Table) -> Table:
    """A new game played from ``table``'s log: the same joins and decisions, round by
    round (``sim.game.Game.replay``), under a join code of its own; its players are the
    same, their secrets new (the game's own code, in its log and CSV, stays)."""
    from sim.game import Game

    with table.lock:
        log = table.game.log()
    return register(lambda _code: Game.replay(log), table.scenario, replay_of=table.code)


def find(code: str) -> Table | None:
    """The open game with this code (any case, spaces ignored), if there is one."""
    with _games_lock:
        found = _games.get(normal_code(code))
    return None if found is _RESERVED else found


def close_game(table: Table) -> None:
    with _games_lock:
        if _games.get(table.code) is table:
            del _games[table.code]
    table.close()


def clear() -> None:
    """Forget every game (tests)."""
    with _games_lock:
        for table in _games.values():
            if table is not _RESERVED:
                table.close()
        _games.clear()
