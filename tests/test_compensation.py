"""Every plan pays the right cents on small trees built by hand (docs/model.md section 4).

The expected payouts are worked out in the tests with the arithmetic written out. The
sponsor tree used by most tests::

    A(0) ── B(1) ── C(2) ── E(4)
     └───── D(3)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sim.compensation import (
    Downline,
    Payouts,
    Volumes,
    binary,
    breakage,
    cents,
    climb,
    depths,
    pay,
    placement,
    recruitment_fee,
    stairstep_breakaway,
    subtree_sums,
    unilevel,
)
from sim.scenario import Compensation

A, B, C, D, E = range(5)
SPONSOR = np.array([-1, A, B, A, C])
NO_ENROLMENTS = np.zeros(0, dtype=np.int64)


def tree(active: list[bool] | None = None, **binary_tree) -> Downline:
    act = np.ones(5, dtype=bool) if active is None else np.array(active)
    return Downline(SPONSOR.copy(), act, **binary_tree)


def volumes(personal: list[float], enrolments: list[int] | None = None) -> Volumes:
    e = NO_ENROLMENTS if enrolments is None else np.array(enrolments, dtype=np.int64)
    return Volumes(np.array(personal, dtype=np.float64), e)


def plan(**kw) -> Compensation:
    return replace(Compensation(), **kw)


def assert_cents(actual: np.ndarray, expected: list[float]) -> None:
    """Equal to the cent (the plans round, so exact equality after rounding is required)."""
    assert_array_equal(np.round(actual * 100).astype(np.int64), np.round(np.array(expected) * 100))


# ---- helpers -------------------------------------------------------------------------------


def test_depths_of_a_forest():
    parent = np.array([-1, 0, 1, 0, 2, -1, 5])
    assert_array_equal(depths(parent), [0, 1, 2, 1, 3, 0, 1])


def test_subtree_sums_of_a_forest():
    parent = np.array([-1, 0, 1, 0, 2, -1, 5])
    values = np.array([1.0, 2, 3, 4, 5, 6, 7])
    # 4: 5; 2: 3+5 = 8; 1: 2+8 = 10; 3: 4; 0: 1+10+4 = 15; 6: 7; 5: 6+7 = 13
    assert_array_equal(subtree_sums(parent, values), [15, 10, 8, 4, 5, 13, 7])


def test_subtree_sums_when_children_come_before_parents():
    parent = np.array([2, -1, 1, 0])  # chain 1 -> 2 -> 0 -> 3
    assert_array_equal(depths(parent), [2, 0, 1, 3])
    values = np.array([1.0, 10, 100, 1000])
    assert_array_equal(subtree_sums(parent, values), [1001, 1111, 1101, 1000])


def test_cents_rounds_to_whole_cents():
    assert_array_equal(cents(np.array([8.6415, 0.004, 0.006, 12.344999])), [8.64, 0.0, 0.01, 12.34])


# ---- unilevel ------------------------------------------------------------------------------


def test_unilevel_pays_each_level_up_to_the_last_rate():
    rates = plan(plan="unilevel", unilevel_rates=(0.10, 0.05), qualifier_volume=100.0)
    vol = volumes([100, 200, 300, 50, 400])
    out = unilevel(tree(), vol, rates)
    expected = [
        0.10 * (200 + 50) + 0.05 * 300,  # A: B and D at level 1, C at level 2; E is level 3
        0.10 * 300 + 0.05 * 400,  # B: C, then E
        0.10 * 400,  # C: E
        0.0,  # D: no downline (and unqualified: 50 < 100)
        0.0,  # E: no downline
    ]
    assert expected == [40.0, 50.0, 40.0, 0.0, 0.0]
    assert_cents(out.commission, expected)
    assert_cents(out.recruiting_reward, [0, 0, 0, 0, 0])


def test_unilevel_unqualified_upline_gets_nothing_and_no_compression():
    rates = plan(plan="unilevel", unilevel_rates=(0.10, 0.05), qualifier_volume=100.0)
    vol = volumes([100, 90, 300, 50, 400])  # B buys 90 < 100: not qualified
    out = unilevel(tree(), vol, rates)
    # A: 0.10 * (90 + 50) + 0.05 * 300 = 14 + 15 = 29; B's share of C and E stays with
    # the company (not passed up to A); C: 0.10 * 400 = 40.
    assert_cents(out.commission, [29.0, 0.0, 40.0, 0.0, 0.0])
    assert out.total == pytest.approx(69.0)


def test_unilevel_inactive_node_gets_nothing():
    rates = plan(plan="unilevel", unilevel_rates=(0.10, 0.05), qualifier_volume=100.0)
    vol = volumes([100, 200, 300, 50, 400])
    out = unilevel(tree(active=[True, True, False, True, True]), vol, rates)
    # C would earn 0.10 * 400 = 40 but is inactive; the others as in the full example.
    assert_cents(out.commission, [40.0, 50.0, 0.0, 0.0, 0.0])


def test_unilevel_rounds_to_cents():
    rates = plan(plan="unilevel", unilevel_rates=(0.07,), qualifier_volume=0.0)
    vol = volumes([0, 123.45, 0, 0, 0])
    out = unilevel(tree(), vol, rates)
    # 0.07 * 123.45 = 8.6415 -> 8.64
    assert out.commission[A] == 8.64
    assert_cents(out.commission, [8.64, 0, 0, 0, 0])


# ---- stairstep with breakaway --------------------------------------------------------------

STAIRSTEP = plan(
    plan="stairstep_breakaway",
    stairstep_thresholds=(200.0, 600.0, 1200.0),
    stairstep_rates=(0.05, 0.10, 0.20),
    breakaway_override=0.04,
    qualifier_volume=100.0,
)
STAIR_VOL = [250, 150, 300, 500, 800]


def test_stairstep_tier_differential_and_breakaway():
    out = stairstep_breakaway(tree(), volumes(STAIR_VOL), STAIRSTEP)
    # Group volumes, bottom up (A 250, B 150, C 300, D 500, E 800 personal):
    #   E = 800; C = 300 + 800 = 1100; B = 150 + 1100 = 1250 >= 1200 (top tier): B breaks
    #   away; D = 500; A = 250 + 500 = 750 (B's 1250 does not count to A's tier)
    # Tier rates: A 750 -> 10 %, B 1250 -> 20 %, C 1100 -> 10 %, D 500 -> 5 %, E 800 -> 10 %
    a = 0.10 * 750 - 0.05 * 500 + 0.04 * 1250  # 75 - 25 + 50 (override on B's group) = 100
    b = 0.20 * 1250 - 0.10 * 1100  # 250 - 110 = 140
    c = 0.10 * 1100 - 0.10 * 800  # 110 - 80 = 30
    d = 0.05 * 500  # 25
    e = 0.10 * 800  # 80
    assert [a, b, c, d, e] == pytest.approx([100.0, 140.0, 30.0, 25.0, 80.0])
    assert_cents(out.commission, [a, b, c, d, e])
    assert_cents(out.recruiting_reward, [0, 0, 0, 0, 0])


def test_stairstep_below_the_first_tier_pays_nothing():
    out = stairstep_breakaway(tree(), volumes([100, 0, 0, 0, 0]), STAIRSTEP)
    # A's group is 100 < 200: no tier, no pay, though A is qualified.
    assert_cents(out.commission, [0, 0, 0, 0, 0])


def test_stairstep_without_breakaway_counts_the_whole_group():
    out = stairstep_breakaway(tree(), volumes([250, 150, 300, 500, 600]), STAIRSTEP)
    # E = 600; C = 300 + 600 = 900; B = 150 + 900 = 1050 < 1200: B stays in A's group;
    # A = 250 + 1050 + 500 = 1800 -> 20 %; B 10 %, C 10 %, D 5 %, E 10 %
    a = 0.20 * 1800 - 0.10 * 1050 - 0.05 * 500  # 360 - 105 - 25 = 230
    b = 0.10 * 1050 - 0.10 * 900  # 105 - 90 = 15
    c = 0.10 * 900 - 0.10 * 600  # 90 - 60 = 30
    assert [a, b, c] == pytest.approx([230.0, 15.0, 30.0])
    assert_cents(out.commission, [a, b, c, 0.05 * 500, 0.10 * 600])


def test_stairstep_unqualified_networker_gets_nothing():
    out = stairstep_breakaway(tree(), volumes(STAIR_VOL), replace(STAIRSTEP, qualifier_volume=200))
    # B buys 150 < 200 and gets nothing; the others (250, 300, 500, 800) qualify and are
    # paid as before: A's override on B's group does not depend on B qualifying.
    assert_cents(out.commission, [100.0, 0.0, 30.0, 25.0, 80.0])


def test_stairstep_inactive_node_gets_nothing():
    out = stairstep_breakaway(
        tree(active=[True, True, True, False, True]), volumes(STAIR_VOL), STAIRSTEP
    )
    assert_cents(out.commission, [100.0, 140.0, 30.0, 0.0, 80.0])


# ---- binary --------------------------------------------------------------------------------
# Placement tree (not the sponsor tree): A has B (left) and D (right); B has C (left) and
# E (right); D has F (left) only.

BIN_PARENT = np.array([-1, A, B, A, B, D])
BIN_SIDE = np.array([0, 0, 0, 1, 1, 0])
BINARY = plan(plan="binary", binary_rate=0.10, qualifier_volume=100.0)


def binary_tree(active: list[bool] | None = None) -> Downline:
    act = np.ones(6, dtype=bool) if active is None else np.array(active)
    sponsor = np.array([-1, A, A, A, B, D])
    return Downline(sponsor, act, BIN_PARENT.copy(), BIN_SIDE.copy())


def test_binary_pays_on_the_weaker_leg():
    vol = volumes([100, 100, 300, 250, 50, 100])
    out = binary(binary_tree(), vol, BINARY)
    # Subtrees: C 300, E 50, F 100; B = 100 + 300 + 50 = 450; D = 250 + 100 = 350
    # A: legs 450 / 350 -> 0.10 * 350 = 35
    # B: legs 300 / 50  -> 0.10 * 50  = 5
    # D: legs 100 / 0   -> 0 (one leg only); C, E, F: no legs
    assert_cents(out.commission, [35.0, 5.0, 0.0, 0.0, 0.0, 0.0])


def test_binary_unqualified_networker_gets_nothing():
    vol = volumes([100, 90, 300, 250, 50, 100])  # B buys 90 < 100
    out = binary(binary_tree(), vol, BINARY)
    # A: legs 440 / 350 -> 35; B: unqualified, would have had 0.10 * 50 = 5
    assert_cents(out.commission, [35.0, 0.0, 0.0, 0.0, 0.0, 0.0])


def test_binary_inactive_node_gets_nothing():
    vol = volumes([100, 100, 300, 250, 50, 100])
    out = binary(binary_tree(active=[False, True, True, True, True, True]), vol, BINARY)
    assert_cents(out.commission, [0.0, 5.0, 0.0, 0.0, 0.0, 0.0])


def test_binary_rounds_to_cents():
    vol = volumes([100, 100, 0, 33.333, 0, 0])
    out = binary(binary_tree(), vol, replace(BINARY, binary_rate=0.07))
    # A: legs 100 / 33.333 -> 0.07 * 33.333 = 2.33331 -> 2.33
    assert out.commission[A] == 2.33


def test_binary_needs_the_placement_tree():
    with pytest.raises(ValueError, match="placement tree"):
        binary(tree(), volumes([100] * 5), BINARY)


# ---- recruitment fee (pyramid) -------------------------------------------------------------

PYRAMID = plan(plan="recruitment_fee", entry_fee=500.0, fee_shares=(200.0, 100.0, 50.0))


def test_recruitment_fee_shares_go_up_the_line_and_stop_at_the_root():
    # Three enrolments this month, credited to E, D and A.
    vol = volumes([100, 100, 100, 100, 100], enrolments=[E, D, A])
    out = recruitment_fee(tree(), vol, PYRAMID)
    # E's recruit: E 200, C 100, B 50 (shares run out before A)
    # D's recruit: D 200, A 100; nobody above A: the 50 stays with the company
    # A's recruit: A 200; 100 + 50 stay with the company
    expected = [100 + 200, 50, 100, 200, 200]
    assert expected == [300, 50, 100, 200, 200]
    assert_cents(out.recruiting_reward, expected)
    assert_cents(out.commission, [0, 0, 0, 0, 0])
    assert out.total == pytest.approx(850.0)  # of 3 x 500 in fees


def test_recruitment_fee_pays_nothing_without_enrolments_whatever_the_volume():
    out = recruitment_fee(tree(), volumes([1000] * 5), PYRAMID)
    assert out.total == 0.0


def test_recruitment_fee_inactive_node_gets_nothing_but_passes_the_line_on():
    vol = volumes([0, 0, 0, 0, 0], enrolments=[E])
    out = recruitment_fee(tree(active=[True, True, False, True, True]), vol, PYRAMID)
    # E 200; C (inactive) would get 100: kept by the company; B 50
    assert_cents(out.recruiting_reward, [0, 50, 0, 0, 200])


def test_recruitment_fee_adds_the_fast_start_bonus():
    vol = volumes([0, 0, 0, 0, 0], enrolments=[D, D])
    out = recruitment_fee(tree(), vol, replace(PYRAMID, fast_start_bonus=10.0))
    # D: 2 x (200 + 10) = 420; A: 2 x 100 = 200
    assert_cents(out.recruiting_reward, [200, 0, 0, 420, 0])


# ---- fast-start bonus and dispatch ---------------------------------------------------------


@pytest.mark.parametrize("plan_fn", [unilevel, stairstep_breakaway, binary])
def test_fast_start_bonus_per_enrolment_to_active_sponsors_only(plan_fn):
    comp = replace(STAIRSTEP, plan=plan_fn.__name__, fast_start_bonus=25.0, unilevel_rates=(0.1,))
    bt = binary_tree(active=[True, True, False, True, True, True])
    vol = volumes([0, 0, 0, 0, 0, 0], enrolments=[A, A, B, C, -1])
    out = plan_fn(bt, vol, comp)
    # A: 2 x 25; B: 25; C is inactive: nothing; -1 (no sponsor): nobody
    assert_cents(out.recruiting_reward, [50, 25, 0, 0, 0, 0])
    assert_cents(out.commission, [0, 0, 0, 0, 0, 0])


def test_no_fast_start_bonus_by_default():
    vol = volumes([0, 0, 0, 0, 0], enrolments=[A, B])
    out = unilevel(tree(), vol, Compensation())
    assert Compensation().fast_start_bonus == 0.0
    assert out.total == 0.0


@pytest.mark.parametrize(
    "plan_fn", [unilevel, stairstep_breakaway, binary, recruitment_fee], ids=lambda f: f.__name__
)
def test_pay_dispatches_on_the_plan_name(plan_fn):
    comp = replace(STAIRSTEP, plan=plan_fn.__name__, fee_shares=(200.0, 100.0, 50.0))
    bt = binary_tree()
    vol = volumes([100, 100, 300, 250, 50, 100], enrolments=[E, D])
    got, want = pay(bt, vol, comp), plan_fn(bt, vol, comp)
    assert isinstance(got, Payouts)
    assert_array_equal(got.commission, want.commission)
    assert_array_equal(got.recruiting_reward, want.recruiting_reward)
    assert got.total > 0


# ---- breakage: what the plan keeps because people did not qualify ----------------------------


def test_breakage_of_the_unilevel_plan_is_the_unqualified_networkers_pay():
    rates = plan(plan="unilevel", unilevel_rates=(0.10, 0.05), qualifier_volume=100.0)
    vol = volumes([100, 90, 300, 50, 400])  # B (90) and D (50) do not qualify
    paid = unilevel(tree(), vol, rates)  # A 29, C 40 (the example above)
    # Everyone qualified: A 29; B 0.10 * 300 + 0.05 * 400 = 50; C 40; D, E nothing below.
    # 119 - 69 = 50: B's pay; D would have earned nothing.
    assert breakage(tree(), vol, rates, paid) == 50.0


def test_breakage_of_the_stairstep_plan():
    comp = replace(STAIRSTEP, qualifier_volume=200)
    paid = stairstep_breakaway(tree(), volumes(STAIR_VOL), comp)
    # B (150 < 200) loses its 140 (0.20 * 1250 - 0.10 * 1100); the others are paid as if
    # all qualified (test_stairstep_tier_differential_and_breakaway): 375 - 235 = 140.
    assert paid.total == pytest.approx(235.0)
    assert breakage(tree(), volumes(STAIR_VOL), comp, paid) == 140.0


def test_breakage_of_the_binary_plan_in_cents():
    vol = volumes([100, 90, 300, 250, 50, 100])  # B buys 90 < 100
    comp = replace(BINARY, binary_rate=0.07)
    paid = binary(binary_tree(), vol, comp)
    # B's weaker leg is E's 50: 0.07 * 50 = 3.50 kept; A is paid 0.07 * 350 = 24.50.
    assert paid.total == pytest.approx(24.5)
    assert breakage(binary_tree(), vol, comp, paid) == 3.5


def test_no_breakage_when_everyone_qualifies_or_the_plan_asks_for_no_volume():
    rates = plan(plan="unilevel", unilevel_rates=(0.10, 0.05), qualifier_volume=100.0)
    vol = volumes([100, 200, 300, 100, 400])
    assert breakage(tree(), vol, rates, unilevel(tree(), vol, rates)) == 0.0
    fees = plan(plan="recruitment_fee", fee_shares=(200.0, 100.0))
    vol = volumes([0, 0, 0, 0, 0], enrolments=[E, D])
    assert breakage(tree(), vol, fees, recruitment_fee(tree(), vol, fees)) == 0.0


# ---- ranks (docs/model.md §4.6) ----------------------------------------------------------------

LADDER = dict(
    rank_titles=("Bronze", "Silver", "Gold"),
    rank_personal_volume=(100.0, 100.0, 100.0),
    rank_group_volume=(100.0, 500.0, 1000.0),
    rank_legs=(0, 0, 2),
    rank_leg_rank=(0, 0, 1),  # Gold: two legs holding a Silver
    rank_levels=(1, 2, 3),
    rank_bonus=(0.0, 10.0, 50.0),
    rank_pool_share=(0.0, 0.0, 0.0),
)


def test_ranks_need_pv_gv_and_legs_each():
    # A(0) - B(1) - C(2) - E(4), A - D(3); PV 100 each, C 400: groups E 100, C 500, B 600,
    # D 100, A 800
    ranked = climb(tree(), volumes([100, 100, 400, 100, 100]), plan(**LADDER))
    assert ranked.rank.tolist() == [1, 1, 1, 0, 0]
    assert_cents(ranked.group, [800, 600, 500, 100, 100])
    low_pv = climb(tree(), volumes([50, 100, 400, 100, 100]), plan(**LADDER))
    assert low_pv.rank[A] == -1  # the group is there, the own volume is not


def test_a_leg_counts_once_however_many_ranks_it_holds_and_at_any_depth():
    # B's leg holds two Silvers (B and C), D's leg none: one qualifying leg, no Gold
    one_leg = climb(tree(), volumes([100, 500, 500, 100, 100]), plan(**LADDER))
    assert one_leg.rank.tolist() == [1, 1, 1, 0, 0]
    # D a Silver too: two legs with a Silver (C's two levels down in B's leg); A Gold
    two = climb(tree(), volumes([100, 100, 500, 500, 100]), plan(**LADDER))
    assert two.rank.tolist() == [2, 1, 1, 1, 0]


def test_inactive_nodes_hold_no_rank_and_no_leg():
    act = [True, True, True, False, True]
    ranked = climb(tree(act), volumes([100, 100, 500, 0, 100]), plan(**LADDER))
    assert ranked.rank[D] == -1 and ranked.rank[A] == 1


def test_unilevel_depth_unlocked_by_rank_and_none_below_the_ladder():
    comp = plan(**LADDER, unilevel_rates=(0.10, 0.10, 0.10))
    # ranks: A Silver (2 levels), B Silver (2), C Silver, D Bronze, E Bronze
    paid = unilevel(tree(), volumes([100, 100, 400, 100, 100]), comp)
    # A: level 1 B 100 + D 100, level 2 C 400 (E at level 3 is locked): 20 + 40 + bonus 10
    # B: C 400 + E 100 = 50 + 10; C: E 100 = 10 + 10
    assert_cents(paid.commission, [70.0, 60.0, 20.0, 0.0, 0.0])
    below = unilevel(tree(), volumes([100, 100, 400, 100, 100]),
                     replace(comp, rank_personal_volume=(150.0, 150.0, 150.0)))  # fmt: skip
    assert below.rank.tolist() == [-1, -1, 1, -1, -1]  # C alone reaches a rank: Silver
    assert_cents(below.commission, [0.0, 0.0, 20.0, 0.0, 0.0])  # below it: no level at all


def test_a_ladder_that_asks_nothing_and_pays_nothing_changes_no_payout():
    free = dict(LADDER, rank_personal_volume=(0.0,) * 3, rank_group_volume=(0.0,) * 3,
                rank_legs=(0, 0, 0), rank_levels=(5, 5, 5), rank_bonus=(0.0,) * 3)  # fmt: skip
    five, six = volumes([100, 400, 7500, 100, 90], [B]), volumes([100, 400, 7500, 100, 90, 60])
    for fn, t, vol in ((unilevel, tree(), five), (stairstep_breakaway, tree(), five),
                       (binary, binary_tree(), six)):  # fmt: skip
        bare, ranked = fn(t, vol, plan()), fn(t, vol, plan(**free))
        assert_array_equal(bare.commission, ranked.commission)
        assert_array_equal(bare.recruiting_reward, ranked.recruiting_reward)
        assert (bare.rank == -1).all() and (ranked.rank == 2).all()


def test_stairstep_breaks_away_at_a_rank():
    comp = plan(**LADDER, plan="stairstep_breakaway", breakaway_rank=1)
    # C (group 500, Silver) breaks away: B's group is 100, A's 100 + 100 + 100 = 300
    ranked = climb(tree(), volumes([100, 100, 400, 100, 100]), comp)
    assert ranked.broke.tolist() == [False, False, True, False, False]
    assert_cents(ranked.group, [300, 100, 500, 100, 100])
    assert ranked.rank.tolist() == [0, 0, 1, 0, 0]  # A and B lost Silver to the breakaway
    paid = stairstep_breakaway(tree(), volumes([100, 100, 400, 100, 100]), comp)
    # C: 3 % x 500 - E's 0 = 15 + Silver bonus 10; B: group 100 pays no tier, override
    # 4 % x 500 = 20; A: 3 % x 300 = 9
    assert_cents(paid.commission, [9.0, 20.0, 25.0, 0.0, 0.0])


def test_rank_bonus_and_pool_only_to_the_qualified_and_the_pool_split_in_whole_cents():
    comp = plan(**dict(LADDER, rank_pool_share=(0.01, 0.0, 0.0)), unilevel_rates=(0.0,))
    vol = volumes([100, 100, 400, 100, 300])  # the company's volume: 1,000; pool €10.00
    paid = unilevel(tree(), vol, comp)
    # five hold Bronze or more: €2.00 each; Silvers A, B, C get the €10 bonus
    assert_cents(paid.commission, [12.0, 12.0, 12.0, 2.0, 2.0])
    three = unilevel(tree([True, True, True, False, False]), volumes([100, 100, 800, 0, 0]),
                     comp)  # fmt: skip
    assert_cents(three.commission, [3.33 + 10, 3.33 + 10, 3.33 + 10, 0, 0])  # 10 / 3, cut
    # A, B, D, E unqualified (a qualifier of 350): their bonus and pool share stay with the company
    unq = unilevel(tree(), vol, replace(comp, qualifier_volume=350.0))
    assert_cents(unq.commission, [0.0, 0.0, 12.0, 0.0, 0.0])
    assert breakage(tree(), vol, replace(comp, qualifier_volume=350.0), unq) == 28.0


def test_a_pool_nobody_holds_stays_with_the_company_and_is_no_breakage():
    comp = plan(**dict(LADDER, rank_pool_share=(0.0, 0.0, 0.02)), qualifier_volume=0.0)
    vol = volumes([100, 100, 400, 100, 100])  # nobody is Gold
    paid = unilevel(tree(), vol, comp)
    assert paid.rank.max() < 2
    assert breakage(tree(), vol, comp, paid) == 0.0


def test_recruitment_fee_records_ranks_and_pays_none_of_them():
    comp = plan(**LADDER, plan="recruitment_fee")
    paid = recruitment_fee(tree(), volumes([100, 100, 400, 100, 100]), comp)
    assert paid.rank.tolist() == [1, 1, 1, 0, 0]
    assert paid.commission.sum() == 0 and paid.recruiting_reward.sum() == 0


@pytest.mark.parametrize("name", ["unilevel", "stairstep_breakaway", "binary"])
def test_breakage_with_ranks_is_never_negative(name):
    rng = np.random.default_rng(7)
    comp = plan(**dict(LADDER, rank_pool_share=(0.01, 0.0, 0.02)), plan=name,
                breakaway_rank=1 if name == "stairstep_breakaway" else -1)  # fmt: skip
    for _ in range(40):
        n = int(rng.integers(2, 40))
        sponsor = np.array([-1] + [int(rng.integers(0, i)) for i in range(1, n)])
        active = rng.random(n) < 0.9
        active[0] = True
        sponsor[~active] = -1  # an inactive node is kept for its index only
        sponsor = np.where(active[np.maximum(sponsor, 0)], sponsor, -1)
        placed = placement(comp)
        placed.place_many(np.arange(n), sponsor)
        t = placed.downline(sponsor, active)
        vol = Volumes(rng.choice([0.0, 50.0, 100.0, 300.0, 900.0], n) * active, NO_ENROLMENTS)
        paid = pay(t, vol, comp)
        assert breakage(t, vol, comp, paid) >= 0.0


# ---- generation bonuses (docs/model.md §4.6) -----------------------------------------------------

# leaders: Silver (1 generation) and Gold (2); ranks by group volume alone, so that a leader
# with little own volume holds its rank and is not qualified
GENERATIONS = dict(LADDER, rank_personal_volume=(0.0,) * 3, rank_legs=(0, 0, 0),
                   rank_bonus=(0.0,) * 3, rank_generations=(0, 1, 2), generation_rate=0.10,
                   unilevel_rates=(0.0,), qualifier_volume=0.0)  # fmt: skip


def generations_by_hand(sponsor: np.ndarray, rank: np.ndarray, personal: np.ndarray,
                        unlocked: tuple[int, ...]) -> np.ndarray:  # fmt: skip
    """Each node's volume in the generations its rank unlocks, the slow way: walk down from
    every leader and count the leaders met on the way (the node's own block is generation 0)."""
    cut = min(r for r, g in enumerate(unlocked) if g > 0)
    children: dict[int, list[int]] = {}
    for node, up in enumerate(sponsor.tolist()):
        children.setdefault(up, []).append(node)
    out = np.zeros(len(sponsor))
    for leader in np.flatnonzero(rank >= cut):
        stack = [(c, 0) for c in children.get(int(leader), [])]
        while stack:
            node, met = stack.pop()
            met += rank[node] >= cut
            if 1 <= met <= unlocked[rank[leader]]:
                out[leader] += personal[node]
            stack += [(c, met) for c in children.get(node, [])]
    return out


def test_generations_are_cut_at_the_leaders_as_by_hand_on_random_trees():
    rng = np.random.default_rng(11)
    comp = plan(**dict(GENERATIONS, rank_generations=(0, 2, 3)))
    for _ in range(60):
        n = int(rng.integers(2, 60))
        sponsor = np.array([-1] + [int(rng.integers(0, i)) for i in range(1, n)])
        vol = volumes(rng.choice([0.0, 100.0, 200.0, 600.0], n).tolist())
        ranked = climb(Downline(sponsor, np.ones(n, dtype=bool)), vol, comp)
        expected = generations_by_hand(sponsor, ranked.rank, vol.personal, (0, 2, 3))
        assert_cents(ranked.generations, expected.tolist())


def test_a_rank_unlocks_its_number_of_generations():
    # a chain A - B - C - D - E, everyone a leader (group 500 or more), 100 each but E 500
    chain = Downline(np.array([-1, 0, 1, 2, 3]), np.ones(5, dtype=bool))
    vol = volumes([100, 100, 100, 100, 500])
    silver = unilevel(chain, vol, plan(**dict(GENERATIONS, rank_group_volume=(0.0, 0.0, 1e9))))
    assert silver.rank.tolist() == [1] * 5
    assert_cents(silver.commission, [10.0, 10.0, 10.0, 50.0, 0.0])  # one generation: the next
    gold = unilevel(chain, vol, plan(**dict(GENERATIONS, rank_group_volume=(0.0, 0.0, 0.0))))
    assert gold.rank.tolist() == [2] * 5
    assert_cents(gold.commission, [20.0, 20.0, 60.0, 50.0, 0.0])  # two: the next two leaders


def test_an_unqualified_leader_is_not_paid_but_still_cuts_and_it_is_breakage():
    # A - B - C - E, A - D; C a Silver by group (400 + 100), the others Bronze
    comp = plan(**dict(GENERATIONS, qualifier_volume=50.0))
    vol = volumes([100, 100, 400, 100, 100])
    paid = unilevel(tree(), vol, comp)
    assert paid.rank.tolist() == [1, 1, 1, 0, 0]  # A, B (groups 800, 600) and C Silver
    assert_cents(paid.commission, [10.0, 50.0, 0.0, 0.0, 0.0])  # A: B's 100; B: C's 500
    b_unqualified = volumes([100, 40, 460, 100, 100])
    unq = unilevel(tree(), b_unqualified, comp)
    assert unq.rank.tolist() == [1, 1, 1, 0, 0]
    # B is not paid its generation (C's €560); A's first generation still ends at B
    assert_cents(unq.commission, [4.0, 0.0, 0.0, 0.0, 0.0])
    assert breakage(tree(), b_unqualified, comp, unq) == 56.0


def test_no_generation_keys_pay_as_before():
    vol = volumes([100, 400, 7500, 100, 90], [B])
    for name in ("unilevel", "stairstep_breakaway", "binary"):
        t = tree() if name != "binary" else None
        if t is None:
            placed = placement(plan(plan="binary"))
            placed.place_many(np.arange(5), SPONSOR)
            t = placed.downline(SPONSOR, np.ones(5, dtype=bool))
        bare = pay(t, vol, plan(**LADDER, plan=name))
        for extra in ({"rank_generations": (0, 0, 0)}, {"rank_generations": (0, 1, 2)}):
            other = pay(t, vol, plan(**LADDER, plan=name, **extra))  # a rate of 0: no bonus
            assert_array_equal(bare.commission, other.commission)
        assert (climb(t, vol, plan(**LADDER)).generations == 0).all()


@pytest.mark.parametrize("name", ["unilevel", "stairstep_breakaway", "binary"])
def test_breakage_with_generations_is_never_negative(name):
    rng = np.random.default_rng(5)
    comp = plan(**dict(LADDER, rank_generations=(0, 1, 3), generation_rate=0.05), plan=name,
                breakaway_rank=1 if name == "stairstep_breakaway" else -1)  # fmt: skip
    for _ in range(40):
        n = int(rng.integers(2, 40))
        sponsor = np.array([-1] + [int(rng.integers(0, i)) for i in range(1, n)])
        placed = placement(comp)
        placed.place_many(np.arange(n), sponsor)
        t = placed.downline(sponsor, np.ones(n, dtype=bool))
        vol = Volumes(rng.choice([0.0, 50.0, 100.0, 300.0, 900.0], n), NO_ENROLMENTS)
        paid = pay(t, vol, comp)
        assert breakage(t, vol, comp, paid) >= 0.0
