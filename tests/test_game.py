"""The class game (sim/game.py, issue 25): choices checked, students kept apart, the rules of
the model honoured, a game replayed exactly, and a game without students the simulation
unchanged."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.game import (
    DEFAULT_DECISION,
    NICKNAME_MAX,
    Decision,
    Game,
    GameError,
    default_decision,
    sanitise,
)
from sim.model import NetworkMarketingModel
from sim.population import ExitReason
from sim.scenario import load_scenario

# a small established company: 2,000 people, 5 years old (a game of the baseline is the same
# code at 10,000 people and 20 years: benchmarks/bench_game.py)
SMALL = {"population.size": 2000, "simulation.company_age_years": 5}


def small(**overrides):
    return load_scenario("baseline").with_overrides({**SMALL, **overrides})


@pytest.fixture(scope="module")
def scenario():
    return small()


def played(scenario, decisions: dict[int, Decision], rounds: int = 3, students: int = 4,
           seed: int = 5) -> tuple[Game, list[tuple[int, str]]]:  # fmt: skip
    """A game with ``students`` students, ``decisions`` by player made before round 1."""
    game = Game.new(scenario, seed, rounds=rounds, code="TEST1")
    players = [game.join() for _ in range(students)]
    for pid, decision in decisions.items():
        game.decide(*players[pid], decision)
    for _ in range(rounds):
        game.advance()
    return game, players


# ---- decisions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "key", "words"),
    [
        ({"hours": 0.4}, "hours", "0.5 to 40"),
        ({"hours": 41}, "hours", "0.5 to 40"),
        ({"hours": float("nan")}, "hours", "0.5 to 40"),
        ({"hours": "5"}, "hours", "'5'"),
        ({"recruiting": 1.5}, "recruiting", "from 0 (all selling) to 1"),
        ({"recruiting": -0.1}, "recruiting", "from 0"),
        ({"approach": "everyone"}, "approach", "friends / strangers"),
        ({"autoship": "yes"}, "flag", "autoship 'yes'"),
        ({"quit": 1}, "flag", "quit 1"),
    ],
)
def test_a_decision_out_of_range_is_refused_with_a_clear_message(changes, key, words):
    with pytest.raises(GameError) as caught:
        Decision(**{**vars(DEFAULT_DECISION), **changes})
    assert caught.value.key == key
    assert words in str(caught.value)
    german = caught.value.message("de")
    assert german != str(caught.value) and german


def test_unknown_choices_are_named():
    with pytest.raises(GameError, match=r"Unknown choice .hour.: the choices are hours, rec"):
        Decision.from_dict({"hour": 5})
    assert Decision.from_dict({"hours": 10}).hours == 10.0


def test_a_decision_as_plain_data_changes_only_what_it_names(scenario):
    game = Game.new(scenario, 1, rounds=1)
    pid, secret = game.join()
    game.decide(pid, secret, Decision(approach="strangers", autoship=False))
    game.decide(pid, secret, {"hours": 12})
    d = game.player(pid, secret).decision
    assert (d.hours, d.approach, d.autoship) == (12.0, "strangers", False)
    with pytest.raises(GameError, match="Hours per week 99"):
        game.decide(pid, secret, {"hours": 99})


def test_the_default_decision_is_the_scenarios_median_networker(scenario):
    d = default_decision(scenario)
    assert d.hours == scenario.networker.hours_median
    assert d.recruiting == scenario.networker.recruiting_focus
    assert (d.approach, d.autoship, d.training, d.quit) == ("friends", True, False, False)
    assert d == DEFAULT_DECISION  # the baseline keeps the parameters' defaults


# ---- students -----------------------------------------------------------------------------


def test_a_wrong_secret_or_player_is_refused(scenario):
    game = Game.new(scenario, 1, rounds=2)
    pid, secret = game.join("Ada")
    other, other_secret = game.join("Bo")
    assert game.player(pid, secret).nickname == "Ada"
    for bad_pid, bad_secret in ((pid, other_secret), (pid, ""), (pid, None), (7, secret),
                                (-1, secret), (True, other_secret)):  # fmt: skip
        with pytest.raises(PermissionError):
            game.player(bad_pid, bad_secret)
    with pytest.raises(PermissionError):
        game.decide(pid, other_secret, Decision(quit=True))
    with pytest.raises(PermissionError):
        game.report(other, secret)
    assert len(secret) >= 20 and secret != other_secret


def test_nicknames_are_sanitised_capped_unique_and_generated(scenario):
    assert sanitise("  <b>Anna</b>\n\t  Lena ") == "Anna Lena"
    assert sanitise("<script>alert(1)</script>Bob") == "alert(1) Bob"
    assert sanitise("x" * 100) == "x" * NICKNAME_MAX
    assert sanitise("\u202eevil\x00") == "evil"
    game = Game.new(scenario, 1, rounds=1)
    for name in ("Anna", "Anna", "Anna", None, "<i></i>", "y" * 30, "y" * 30):
        game.join(name)
    names = [p.nickname for p in game.players]
    assert names[:3] == ["Anna", "Anna 2", "Anna 3"]
    assert len(set(names)) == len(names)
    assert all(0 < len(n) <= NICKNAME_MAX for n in names)
    assert " " in names[3] and names[4]  # generated: an adjective and an animal


def test_students_join_as_networkers_of_the_company(scenario):
    game = Game.new(scenario, 3, rounds=1)
    before = game.model.ledger.n
    pid, _ = game.join()
    lg, nid = game.model.ledger, game.players[pid].nid
    assert nid == before and lg.played[nid] and lg.active[nid] and lg.builder[nid]
    assert lg.sponsor[nid] >= 0 and lg.active[lg.sponsor[nid]]
    assert not lg.trained[nid] and lg.joining_costs[nid] == scenario.costs.starter_kit
    person = lg.person[nid]
    warm = game.model.networkers[nid].warm
    assert sorted(warm) == sorted(game.model.population.acquaintances(person).tolist())


# ---- the rules honoured ---------------------------------------------------------------------


def test_a_student_who_quits_stays_quit_and_earns_nothing_afterwards(scenario):
    game, players = played(scenario, {0: Decision(quit=True)}, rounds=3)
    months = game.report(*players[0])
    lg, nid = game.model.ledger, game.players[0].nid
    assert not lg.active[nid] and lg.exit_reason[nid] == ExitReason.CHOSE
    assert [m.active for m in months] == [False, False, False]
    assert all(m.contacts == 0 and m.money_in == 0 for m in months)
    assert [m.net for m in months[1:]] == [0.0, 0.0]
    assert months[0].net == -scenario.costs.starter_kit  # the starter kit, nothing more
    with pytest.raises(GameError, match="left the company"):
        game.decide(*players[0], Decision())
    # a quit is final: a later decision cannot bring the student back
    assert game.players[0].quit_round == 1


def test_autoship_off_lowers_purchases(scenario):
    game, players = played(scenario, {0: Decision(autoship=False)}, rounds=2)
    off = game.report(*players[0])
    on = game.report(*players[1])
    assert [m.purchases for m in off] == [0.0, 0.0]
    assert [m.purchases for m in on] == [scenario.costs.required_purchase] * 2


def test_more_hours_mean_more_contacts(scenario):
    few = Decision(hours=1.0)
    many = Decision(hours=30.0)
    game, players = played(scenario, {0: few, 1: few, 2: many, 3: many}, rounds=3)
    contacts = [sum(m.contacts for m in game.report(*p)) for p in players]
    assert min(contacts[2:]) > max(contacts[:2])


def test_strangers_means_cold_contacts_only(scenario):
    strangers, friends = Decision(approach="strangers", hours=20), Decision(hours=20)
    game, players = played(scenario, {0: strangers, 1: friends}, rounds=2)
    cold, warm = (game.model.networkers[p.nid] for p in game.players[:2])
    assert sum(m.contacts for m in game.report(*players[0])) > 0
    assert cold.warm_next == 0  # not one friend approached
    assert warm.warm_next > 0  # as a student who approaches friends first does


def test_played_networkers_never_quit_by_themselves_but_lose_heart(scenario):
    # tolerance 1 and many contacts: the refusal rule fires at once
    game = Game.new(scenario, 11, rounds=4)
    players = [game.join() for _ in range(6)]
    lg = game.model.ledger
    for pid, secret in players:
        nid = game.players[pid].nid
        lg.tolerance[nid] = lg.current_tolerance[nid] = 1.0
        lg.loss_tolerance[nid] = 1.0  # and the money rule too
        game.decide(pid, secret, Decision(hours=30, recruiting=1.0))
    for _ in range(4):
        game.advance()
    assert all(lg.active[p.nid] for p in game.players)
    months = [m for pid, secret in players for m in game.report(pid, secret)]
    hearts = [m for m in months if m.lost_heart]
    assert hearts, "the rule never fired"
    assert all(m.refusals_in_a_row >= m.tolerance for m in hearts)
    assert {r for m in months for r in m.would_quit} >= {"discouraged", "financial"}


def test_the_months_money_adds_up_to_the_models_ledger(scenario):
    decisions = {0: Decision(training=True), 1: Decision(autoship=False, recruiting=1.0)}
    game, players = played(scenario, decisions, rounds=3)
    lg = game.model.ledger
    for pid, secret in players:
        months = game.report(pid, secret)
        nid = game.players[pid].nid
        for m in months:
            assert m.net == pytest.approx(m.money_in - m.money_out + m.product_value)
        assert sum(m.net for m in months) == pytest.approx(lg.net[nid])
        assert months[-1].cumulative_net == lg.net[nid]
        assert sum(m.contacts for m in months) == lg.contacts[nid]
        assert sum(m.recruits for m in months) == lg.recruits[nid]
        assert sum(m.commissions for m in months) == pytest.approx(
            lg.commission[nid] + lg.recruiting_reward[nid]
        )
        assert sum(m.purchases for m in months) == pytest.approx(lg.purchases[nid])
    trained = game.report(*players[0])
    assert [m.training for m in trained] == [scenario.training.fee, 0.0, 0.0]
    assert lg.trained[game.players[0].nid]
    rows = game.rows()
    assert len(rows) == 3 * len(players)
    assert {r["player"] for r in rows} == set(range(len(players)))
    row = next(r for r in rows if r["player"] == 1 and r["round"] == 3)
    assert row["autoship"] is False and row["recruiting"] == 1.0
    assert row["cumulative_net"] == lg.net[game.players[1].nid]
    # the choice and its money are columns of their own: who chose the training, what it cost
    first = [r for r in rows if r["round"] == 1]
    assert [r["training"] for r in first] == [True, False, False, False]
    assert [r["training_cost"] for r in first] == [scenario.training.fee, 0.0, 0.0, 0.0]
    assert [r["training"] for r in rows if r["player"] == 0] == [True, True, True]
    assert [r["training_cost"] for r in rows if r["player"] == 0][1:] == [0.0, 0.0]
    assert scenario.training.fee > 0


def test_standing_is_the_percentile_among_all_members(scenario):
    game, players = played(scenario, {}, rounds=1)
    net = game.model.ledger.net
    x = net[game.players[0].nid]
    expected = 100 * (np.sum(net < x) + 0.5 * np.sum(net == x)) / len(net)
    assert game.standing(0) == pytest.approx(expected)
    assert game.report(*players[0])[-1].percentile == pytest.approx(expected)


def test_late_joiners_play_from_the_coming_round(scenario):
    game = Game.new(scenario, 2, rounds=3)
    first = game.join()
    game.advance()
    late = game.join()
    game.advance()
    game.advance()
    assert [m.round for m in game.report(*first)] == [1, 2, 3]
    assert [m.round for m in game.report(*late)] == [2, 3]
    assert game.report(*late)[0].joining == scenario.costs.starter_kit
    with pytest.raises(GameError, match="game is over"):
        game.advance()
    with pytest.raises(GameError, match="game is over"):
        game.join()


def test_the_reveal(scenario):
    game, _ = played(scenario, {0: Decision(quit=True), 1: Decision(hours=10)}, rounds=3)
    reveal = game.reveal()
    lg = game.model.ledger
    assert reveal.student_nids == tuple(p.nid for p in game.players)
    assert len(reveal.members_net) == lg.n
    assert reveal.share_net_le_zero == pytest.approx(np.mean(lg.net <= 0))
    quitter = reveal.students[0]
    assert not quitter.active and quitter.net == quitter.net_after_first
    assert not quitter.better_by_quitting
    assert reveal.students[1].hours == pytest.approx(10.0)
    assert reveal.class_median == pytest.approx(np.median([s.net for s in reveal.students]))
    assert reveal.better_by_quitting == sum(s.better_by_quitting for s in reveal.students)
    assert reveal.window[1] == game.model.week


# ---- reproducible --------------------------------------------------------------------------


def test_a_replay_gives_the_same_game(scenario):
    game = Game.new(scenario, 9, rounds=3)
    a = game.join("Ada")
    game.join()
    game.decide(*a, Decision(hours=12, approach="strangers", training=True))
    game.advance()
    c = game.join("Cy")
    game.decide(*c, Decision(quit=True))
    game.advance()
    game.decide(*a, Decision(autoship=False))
    game.advance()
    log = game.log()
    assert json.loads(json.dumps(log)) == log  # the log is its JSON: a file replays the same
    json.dumps(game.rows())
    again = Game.replay(log)  # the log object itself, as the dashboard's replay button
    assert again.rows() == game.rows()
    assert Game.replay(json.loads(json.dumps(log))).rows() == game.rows()
    assert again.code == game.code and again.seed == game.seed
    assert again.players[0].secret != game.players[0].secret
    np.testing.assert_array_equal(again.model.ledger.net, game.model.ledger.net)


def test_a_broken_log_is_refused(scenario):
    log = Game.new(scenario, 1, rounds=1).log()
    for broken in ({**log, "version": 99}, {**log, "events": [{"dance": 1}]},
                   {**log, "events": [{"decide": 0, "hours": 5}]}, {"version": 1},
                   {**log, "code": "<b>"}, {**log, "rounds": 0},
                   {**log, "scenario": {"costs": {"starter_kit": -1}}}):  # fmt: skip
        with pytest.raises(GameError, match="not a game log"):
            Game.replay(broken)


def test_the_same_seed_and_choices_give_the_same_rows(scenario):
    rows = [played(scenario, {1: Decision(hours=9)}, rounds=2)[0].rows() for _ in range(2)]
    for r in rows:
        for row in r:
            row.pop("game")
    assert rows[0] == rows[1]


def test_no_student_means_the_simulation_unchanged(scenario):
    """A game's company without students runs exactly as the model alone."""
    game = Game.new(scenario, 4, rounds=3)
    for _ in range(3):
        game.advance()
    sc = scenario.with_overrides({"simulation.weeks": 12})
    model = NetworkMarketingModel(sc, seed=4)
    for _ in range(12):
        model.step()
    for name, col in model.ledger.cols.items():
        np.testing.assert_array_equal(col[: model.ledger.n], game.model.ledger.cols[name][
            : game.model.ledger.n], err_msg=name)  # fmt: skip
    assert game.model.series.frame(12).equals(model.series.frame(12))


def test_the_weekly_series_counts_the_students_who_join(scenario):
    """Students join before a round, when the week of joining is recorded already (or is
    week 0, which has none): their recruits and starter kits count in the coming week."""
    game = Game.new(scenario, 4, rounds=2)
    at_start = game.model.ledger.n
    game.join()
    game.advance()
    game.join()
    game.join()
    game.advance()
    weekly = game.model.series.frame(8)
    assert weekly.new_recruits.sum() == game.model.ledger.n - at_start
    assert weekly.new_recruits.iloc[4] >= 2  # week 5, the first of round 2
    assert weekly.company_revenue.iloc[4] >= 2 * scenario.costs.starter_kit


def test_students_may_act_while_the_teacher_advances(scenario):
    """A server calls the game from many threads: choices, reports and joins meanwhile."""
    from concurrent.futures import ThreadPoolExecutor

    game = Game.new(scenario, 6, rounds=3)
    players = [game.join() for _ in range(8)]

    def student(i: int) -> int:
        pid, secret = players[i]
        for r in range(30):
            try:
                game.decide(pid, secret, Decision(hours=1 + (i + r) % 20))
            except GameError as exc:  # the rounds ran out first (a busy machine): fine
                assert exc.key == "over"
            game.report(pid, secret)
            game.standing(pid)
        return pid

    with ThreadPoolExecutor(4) as pool:
        busy = [pool.submit(student, i) for i in range(8)]
        for _ in range(3):
            game.advance()
        assert sorted(b.result() for b in busy) == list(range(8))
    assert all(len(game.report(*p)) == 3 for p in players)
