"""The class games a dashboard server keeps (dashboards/game.py, issue 25): join codes,
the teacher's and the players' secrets, the addresses, forgetting and the caps; and a real
game played through the registry as the pages play it."""

from __future__ import annotations

import threading
import time

import pytest

from dashboards import game as games
from dashboards.rooms import ALPHABET


class Stub:
    """Stands in for ``sim.game.Game`` where only the registry is tested (codes, caps)."""

    def __init__(self, code: str):
        self.code, self.round, self.rounds, self.players = code, 0, 12, []


@pytest.fixture(autouse=True)
def no_games():
    games.clear()
    yield
    games.clear()


def test_join_codes_are_short_unambiguous_and_distinct():
    codes = {games.register(Stub, "baseline").code for _ in range(games.MAX_GAMES)}
    assert len(codes) == games.MAX_GAMES
    for code in codes:
        assert len(code) == games.CODE_LENGTH and set(code) <= set(ALPHABET)
        assert not set(code) & set("IO01")  # read off a projector without a mistake
        assert games.find(code.lower()) is games.find(f" {code} ") is not None


def test_the_game_is_made_with_the_code_it_is_kept_under():
    table = games.register(Stub, "baseline")
    assert table.game.code == table.code


def test_a_teacher_secret_is_long_random_and_checked_exactly():
    a, b = games.register(Stub, "baseline"), games.register(Stub, "baseline")
    assert len(a.teacher) >= 22 and a.teacher != b.teacher
    assert a.is_teacher(a.teacher)
    assert not a.is_teacher(b.teacher)
    assert not a.is_teacher(a.teacher[:-1])
    assert not a.is_teacher(a.teacher + "x")
    assert not a.is_teacher("")
    assert not a.is_teacher(None)


def test_the_oldest_game_makes_way_when_the_server_is_full():
    first = games.register(Stub, "baseline")
    time.sleep(0.01)
    rest = [games.register(Stub, "baseline") for _ in range(games.MAX_GAMES - 1)]
    rest[0].show_names(True)  # touched: not the oldest any more
    newest = games.register(Stub, "baseline")
    assert games.find(first.code) is None and not first.open
    assert all(games.find(t.code) is t for t in [*rest, newest])


def test_a_game_nobody_touched_for_a_day_is_forgotten(monkeypatch):
    old = games.register(Stub, "baseline")
    old.touched -= games.FORGET_AFTER + 1
    fresh = games.register(Stub, "baseline")
    assert games.find(old.code) is None and not old.open
    assert games.find(fresh.code) is fresh


def test_a_code_is_taken_while_its_game_is_made_and_freed_if_making_fails():
    made = threading.Event()
    seen: list[str] = []

    def slow(code: str) -> Stub:
        seen.append(code)
        assert games.find(code) is None  # not shown before it exists ...
        assert code in games._games  # ... but no other game can take its code
        made.set()
        return Stub(code)

    table = games.register(slow, "baseline")
    assert made.is_set() and seen == [table.code] and games.find(table.code) is table

    def broken(code: str) -> Stub:
        seen.append(code)
        raise RuntimeError("no memory")

    with pytest.raises(RuntimeError):
        games.register(broken, "baseline")
    assert seen[-1] not in games._games


@pytest.mark.parametrize(
    ("search", "link"),
    [
        ("?game=abcd2", games.Link("ABCD2")),
        ("game=ABCD2&teacher=s3cr3t", games.Link("ABCD2", teacher="s3cr3t")),
        ("?game=ABCD2&player=3&key=k-_y", games.Link("ABCD2", player=3, key="k-_y")),
        ("?game=ABCD2&player=-1&key=x", games.Link("ABCD2", player=None, key="x")),
        ("?game=ABCD2&player=3e4&key=x", games.Link("ABCD2", player=None, key="x")),
        ("?game=ABCD2&player=99999999&key=x", games.Link("ABCD2", player=None, key="x")),
        ("?game=%3Cb%3EAB", games.Link("<B>AB")),  # shown escaped by the page
        ("?game=&player=1", None),
        ("?follow=ABCD", None),
        ("", None),
        (None, None),
        ("?game=A" + "x" * games.MAX_QUERY, None),
    ],
)
def test_the_address_names_the_game_and_the_role(search, link):
    assert games.link_in_address(search) == link


def test_a_secret_in_the_address_is_cut_to_a_sane_length():
    link = games.link_in_address("?game=ABCDE&teacher=" + "t" * 5000)
    assert link is not None and len(link.teacher) == games.MAX_KEY


# ---- a real game through the registry ------------------------------------------------------


@pytest.fixture(scope="module")
def small_game():
    """A real game on a small company: the registry's calls into sim.game."""
    from sim.game import Game
    from sim.scenario import load_scenario

    scenario = load_scenario("baseline", {"population.size": 1500})

    def make(code: str) -> Game:
        return Game.new(scenario, seed=7, rounds=3, code=code)

    return make


def test_players_join_decide_and_see_every_round(small_game):
    from sim.game import Decision

    table = games.register(small_game, "baseline")
    seen = table.count(teacher=False)
    pid, key = table.join("Ada")
    assert table.count(teacher=False) == seen  # a join wakes the teacher's page only
    assert table.count(teacher=True) > seen
    assert table.check(pid, key) and not table.check(pid, key[:-1] + "x")
    assert not table.check(pid + 1, key) and not table.check(pid, None)
    with pytest.raises(PermissionError):
        table.decide(pid, "wrong", Decision(hours=10))
    table.decide(pid, key, Decision(hours=10, autoship=False))
    assert pid in table.decided
    assert table.advance()
    assert table.count(teacher=False) > seen and table.decided == set()
    assert table.round_seconds is not None and table.round_seconds > 0
    months = table.game.player(pid, key).months
    assert [m.round for m in months] == [1]
    nets = table.nets()
    assert len(nets) == table.game.model.ledger.n
    assert nets[table.game.player(pid, key).nid] == months[-1].cumulative_net
    assert table.advance() and table.advance() and table.finished
    assert not table.advance()  # the game is over: nothing happens


def test_a_page_waiting_for_the_game_wakes_when_a_round_is_played(small_game):
    table = games.register(small_game, "baseline")
    seen = table.count(teacher=False)
    woke: list[int] = []
    waiter = threading.Thread(target=lambda: woke.append(table.wait(False, seen, 30)))
    waiter.start()
    time.sleep(0.1)
    table.advance()
    waiter.join(10)
    assert woke and woke[0] != seen


def test_the_timer_advances_and_pauses(small_game, monkeypatch):
    table = games.register(small_game, "baseline")
    table.set_timer(1)
    games_round = lambda: table.game.round  # noqa: E731
    deadline = time.monotonic() + 60
    while games_round() < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert games_round() == 1
    table.pause(True)
    assert table.seconds_left() is not None
    time.sleep(1.5)
    assert games_round() == 1  # paused: no round
    table.pause(False)
    while games_round() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert games_round() == 2
    table.set_timer(None)
    time.sleep(1.5)
    assert games_round() == 2


def test_a_full_game_refuses_one_more_player(small_game, monkeypatch):
    monkeypatch.setattr(games, "MAX_PLAYERS", 2)
    table = games.register(small_game, "baseline")
    table.join(None), table.join(None)
    with pytest.raises(OverflowError):
        table.join("Late")


def test_a_replay_is_a_new_game_with_the_same_results(small_game):
    from sim.game import Decision

    table = games.register(small_game, "baseline")
    players = [table.join(name) for name in ("Ada", "Bo", None)]
    for i, (pid, key) in enumerate(players):
        table.decide(pid, key, Decision(hours=2 + 8 * i, approach=("friends", "strangers")[i % 2]))
    table.advance()
    table.decide(*players[0], Decision(hours=3, quit=True))
    table.advance()
    again = games.replay_game(table)
    assert again.code != table.code and again.replay_of == table.code
    assert games.find(again.code) is again and again.teacher != table.teacher
    assert again.game.rows() == table.game.rows()
