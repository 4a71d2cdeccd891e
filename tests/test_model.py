"""The model: roll-up on exit, and invariants of whole runs of every scenario file.

The whole runs are shrunk (3,000 people, two years) so that the file runs in seconds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import support

from sim.model import NetworkMarketingModel, RunResult
from sim.networker import ExitReason, Networker
from sim.population import CUSTOMER, ELSEWHERE, FORMER, NETWORKER, PROSPECT
from sim.scenario import SCENARIO_DIR, Scenario, load_scenario

SCENARIOS = sorted(path.stem for path in SCENARIO_DIR.glob("*.toml"))
SMALL = {"population.size": 10_000, "simulation.weeks": 104}
DROPOUT_COLUMNS = {
    "discouraged": "dropouts_discouraged",
    "financial": "dropouts_financial",
    "life": "dropouts_life",
    "no_market": "dropouts_no_market",
}


def test_every_scenario_file_is_covered():
    assert len(SCENARIOS) >= 3
    assert {"baseline", "pyramid", "retail_focused"} <= set(SCENARIOS)


# ---- roll-up on exit -------------------------------------------------------------------------


def small_model(overrides: dict[str, Any] | None = None, seed: int = 3) -> NetworkMarketingModel:
    """A 200-person market with one inexperienced founder and no followings."""
    return support.small_model(200, seed, overrides)


def take_prospects(model: NetworkMarketingModel, k: int) -> list[int]:
    pop = model.population
    return [int(p) for p in np.flatnonzero(pop.state == PROSPECT)[:k]]


def build_line(model: NetworkMarketingModel) -> dict[str, Networker]:
    """A <- B <- {C, D}, C <- E; B has two customers."""
    a = model.networkers[0]
    people = take_prospects(model, 6)
    b = model.enrol(people[0], a)
    c = model.enrol(people[1], b)
    d = model.enrol(people[2], b)
    e = model.enrol(people[3], c)
    model.sell(people[4], b)
    model.sell(people[5], b)
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def test_retiring_networker_rolls_its_downline_up_to_its_sponsor():
    model = small_model()
    t = build_line(model)
    a, b, c, d, e = (t[k] for k in "ABCDE")
    lg = model.ledger
    assert lg.sponsor[c.nid] == b.nid and lg.sponsor[d.nid] == b.nid

    model.retire(b, ExitReason.LIFE)

    assert c.sponsor is a and d.sponsor is a
    assert a.downline == {c, d}
    assert b.downline == set()
    assert lg.sponsor[c.nid] == a.nid
    assert lg.sponsor[d.nid] == a.nid
    # Deeper levels are untouched: E stays below C.
    assert e.sponsor is c and c.downline == {e}
    assert lg.sponsor[e.nid] == c.nid
    # Who enrolled them does not change.
    assert lg.first_sponsor[c.nid] == b.nid
    # B's record of the exit.
    assert not b.active and not lg.active[b.nid]
    assert lg.exit_reason[b.nid] == int(ExitReason.LIFE)
    assert lg.exit_week[b.nid] == model.week
    assert lg.downline_at_exit[b.nid] == 3  # C, D and E
    assert lg.customers_at_exit[b.nid] == 2
    assert model.population.state[b.person] == FORMER
    assert model.exits_this_week[ExitReason.LIFE] == 1


def test_retiring_founder_makes_its_recruits_roots():
    model = small_model()
    t = build_line(model)
    a, b = t["A"], t["B"]
    model.retire(a, ExitReason.DISCOURAGED)
    assert b.sponsor is None
    assert model.ledger.sponsor[b.nid] == -1
    assert a.downline == set()


def test_retiring_increments_former_friends_of_acquaintances():
    model = small_model()
    t = build_line(model)
    pop = model.population
    friends = pop.acquaintances(t["B"].person)
    before = pop.former_friends[friends].copy()
    model.retire(t["B"], ExitReason.FINANCIAL)
    np.testing.assert_array_equal(pop.former_friends[friends], before + 1)


def test_customers_are_handed_to_the_sponsor_with_handover_probability_one():
    model = small_model({"market.handover_probability": 1.0})
    t = build_line(model)
    a, b = t["A"], t["B"]
    pop, lg = model.population, model.ledger
    mine = set(b.customers)
    assert len(mine) == 2

    model.retire(b, ExitReason.LIFE)

    assert a.customers == mine
    assert b.customers == set()
    for person in mine:
        assert pop.state[person] == CUSTOMER
        assert pop.seller[person] == a.nid
    counts = pop.customer_counts(lg.n)
    assert counts[a.nid] == 2
    assert counts[b.nid] == 0


def test_customers_are_lost_with_handover_probability_zero():
    model = small_model({"market.handover_probability": 0.0, "population.cooldown_weeks": 26})
    t = build_line(model)
    a, b = t["A"], t["B"]
    pop, lg = model.population, model.ledger
    mine = set(b.customers)
    model.week = 5

    model.retire(b, ExitReason.LIFE)

    assert a.customers == set()
    assert pop.customer_counts(lg.n)[a.nid] == 0
    for person in mine:
        assert pop.state[person] == PROSPECT
        assert pop.seller[person] == -1
        assert pop.available_from[person] >= 5 + 26


def test_customers_of_a_retiring_founder_are_lost():
    model = small_model({"market.handover_probability": 1.0})
    a = model.networkers[0]
    (person,) = take_prospects(model, 1)
    model.sell(person, a)
    model.retire(a, ExitReason.LIFE)
    assert model.population.state[person] == PROSPECT
    assert model.population.seller[person] == -1


def test_enrolment_is_credited_to_the_recruits_active_sponsor_at_month_close():
    model = small_model(
        {
            "compensation.plan": "recruitment_fee",
            "compensation.entry_fee": 500.0,
            "compensation.fee_shares": [200.0, 100.0],
            "dropout.life_monthly": 0.0,
            "networker.loss_tolerance_median": 1_000_000.0,
            "networker.loss_tolerance_sigma": 0.0,
        }
    )
    a = model.networkers[0]
    p, q = take_prospects(model, 2)
    b = model.enrol(p, a)  # credited to A
    c = model.enrol(q, b)  # credited to B
    model.retire(b, ExitReason.DISCOURAGED)  # C rolls up: A is now C's active sponsor
    assert c.sponsor is a
    model.week = 4
    model.close_month()
    # Both recruits now sit directly below A: A is the sponsor of both, 2 x 200.
    assert model.ledger.recruiting_reward[a.nid] == pytest.approx(400.0)


# ---- whole runs of every scenario ----------------------------------------------------------


Finished = tuple[NetworkMarketingModel, RunResult]


def run_model(scenario: Scenario, seed: int | None = None) -> Finished:
    model = NetworkMarketingModel(scenario, seed=seed)
    model.run()
    return model, model.result()


@pytest.fixture(scope="module", params=SCENARIOS)
def finished(request) -> Finished:
    """Each scenario file, shrunk, run to its end (once per module)."""
    return run_model(load_scenario(request.param).with_overrides(SMALL))


@pytest.mark.slow
def test_run_is_not_trivial(finished):
    _, res = finished
    assert len(res.weekly) == 104
    assert res.weekly.week.tolist() == list(range(1, 105))
    assert res.weekly.new_recruits.sum() > 0
    assert len(res.networkers) > res.summary["members_at_start"] > 0


def test_state_counts_sum_to_the_population_every_week(finished):
    model, res = finished
    w = res.weekly
    n = model.population.size
    total = w.prospects + w.customers + w.networkers + w.formers + w.elsewhere
    assert (total == n).all()
    assert (w.active == w.networkers).all()
    start = res.summary["members_at_start"]  # the founders, or an established organisation
    assert start == (model.params.population.founders if model.start is None
                     else model.start.ledger["person"].size)  # fmt: skip
    assert (w.ever_joined == start + w.new_recruits.cumsum()).all()
    exits = w[list(DROPOUT_COLUMNS.values())].sum(axis=1).cumsum()
    assert (w.networkers == start + w.new_recruits.cumsum() - exits).all()


def test_states_agree_with_the_ledger_and_the_agents(finished):
    model, _ = finished
    pop, lg = model.population, model.ledger
    assert set(np.unique(pop.state)) <= {PROSPECT, CUSTOMER, NETWORKER, FORMER, ELSEWHERE}
    # Every active networker is one person, in state NETWORKER; a former networker's place
    # may have passed to a newcomer since (docs/model.md §2.2).
    active = lg.active
    assert len(np.unique(lg.person[active])) == np.count_nonzero(active)
    assert (pop.state[lg.person[active]] == NETWORKER).all()
    np.testing.assert_array_equal(pop.networker[lg.person[active]], np.flatnonzero(active))
    assert np.count_nonzero(pop.state == NETWORKER) == np.count_nonzero(active)
    assert (pop.networker[pop.state == PROSPECT] == -1).all()
    # Every customer is served by an active networker who lists them.
    customers = np.flatnonzero(pop.state == CUSTOMER)
    sellers = pop.seller[customers]
    assert lg.active[sellers].all()
    for person, seller in zip(customers, sellers, strict=True):
        assert person in model.networkers[seller].customers
    assert (pop.seller[pop.state != CUSTOMER] == -1).all()
    counts = pop.customer_counts(lg.n)
    assert counts[lg.active].sum() == len(customers)
    for agent in model.networkers:
        assert agent.active == bool(lg.active[agent.nid])
        assert len(agent.customers) == counts[agent.nid]


def in_view(model: NetworkMarketingModel, table: pd.DataFrame, column: str) -> pd.Series:
    """A career total of the per-networker table less what it was at week 0: the part of
    it that happened in the view (an established company's members came with careers)."""
    before = np.zeros(len(table))
    if model.start is not None:
        start = model.start.ledger[column]
        before[: len(start)] = start
    return table[column] - before


def test_money_is_conserved_to_the_cent(finished):
    model, res = finished
    w = res.weekly
    nw = res.networkers.assign(**{c: in_view(model, res.networkers, c)
                                  for c in ("commission", "recruiting_reward")})  # fmt: skip
    paid_to_networkers = nw.commission.sum() + nw.recruiting_reward.sum()
    paid_by_week = w.commissions.sum() + w.recruiting_rewards.sum()
    assert round(paid_to_networkers, 2) == round(paid_by_week, 2)
    assert round(nw.commission.sum(), 2) == round(w.commissions.sum(), 2)
    assert round(nw.recruiting_reward.sum(), 2) == round(w.recruiting_rewards.sum(), 2)
    assert round(res.totals["commissions"], 2) == round(w.commissions.sum(), 2)
    assert round(res.totals["recruiting_rewards"], 2) == round(w.recruiting_rewards.sum(), 2)
    # Every amount paid is whole cents.
    for col in ("commission", "recruiting_reward"):
        np.testing.assert_allclose(nw[col], np.round(nw[col], 2), atol=1e-6)
    # Plans pay only in the week that closes a month.
    paid = w[(w.commissions + w.recruiting_rewards) > 0]
    assert (paid.week % 4 == 0).all()
    # Per networker: net income is gross income less costs.
    nw = res.networkers
    np.testing.assert_allclose(nw.net_income, nw.gross_income - nw.costs, atol=1e-6)
    np.testing.assert_allclose(
        nw.gross_income, nw.retail_margin + nw.commission + nw.recruiting_reward, atol=1e-6
    )


def test_where_each_euro_goes_adds_up_every_month(finished):
    model, res = finished
    w, s = res.weekly, res.summary
    comp = model.params.compensation
    # the company's cost of goods: retail orders, own purchases and starter kits
    goods = (
        w.retail_volume + w.own_purchase_volume + model.params.costs.starter_kit * w.new_recruits
    )
    np.testing.assert_allclose(w.product_cost, comp.product_cost_share * goods, atol=1e-6)
    # every month, each euro of revenue went to goods, commissions, rewards or the margin
    parts = ["product_cost", "commissions", "recruiting_rewards", "company_margin"]
    month = (w.week - 1) // 4
    by_month = w.groupby(month)[[*parts, "company_revenue"]].sum()
    np.testing.assert_allclose(by_month[parts].sum(axis=1), by_month.company_revenue, atol=0.005)
    assert sum(s[k] for k in parts) == pytest.approx(s["company_revenue"])
    # breakage is kept in the week that closes a month, and never negative
    assert (w.breakage >= 0).all()
    assert (w.breakage[w.week % 4 != 0] == 0).all()
    assert s["breakage"] == pytest.approx(w.breakage.sum())
    assert s["own_purchase_share"] == pytest.approx(1 - s["retail_share"])
    ratio = w.payout_ratio.dropna()
    assert s["payout_ratio"] == pytest.approx(ratio.iloc[-1])
    if comp.plan != "recruitment_fee":  # a lawful plan pays less than it takes in
        assert ((ratio >= 0) & (ratio <= 1)).all()
        assert 0 <= s["payout_ratio"] <= 1


def test_breakage_when_the_autoship_does_not_qualify():
    # the qualifier above the required purchase: those without customers are not paid
    _, res = run_model(
        load_scenario("baseline").with_overrides({**SMALL, "compensation.qualifier_volume": 150})
    )
    w = res.weekly
    assert w.breakage.sum() > 0
    assert (w.breakage >= 0).all()


def test_every_exit_is_recorded_once_with_a_consistent_reason(finished):
    model, res = finished
    nw, w = res.networkers, res.weekly
    exited = nw[nw.exit_week >= 0]
    assert len(exited) == w[list(DROPOUT_COLUMNS.values())].to_numpy().sum()
    assert len(exited) > 0
    # Still active <=> no exit week <=> reason "active".
    assert ((nw.exit_week < 0) == (nw.exit_reason == "active")).all()
    assert ((nw.exit_week < 0) == model.ledger.active).all()
    assert set(exited.exit_reason) <= set(DROPOUT_COLUMNS)
    assert (exited.exit_week >= exited.join_week).all()
    assert (exited.exit_week <= len(w)).all()
    # Week by week and reason by reason, the table matches the series.
    for reason, column in DROPOUT_COLUMNS.items():
        per_week = exited[exited.exit_reason == reason].groupby("exit_week").size()
        per_week = per_week.reindex(w.week, fill_value=0).to_numpy()
        np.testing.assert_array_equal(per_week, w[column].to_numpy(), err_msg=reason)
    # Money and life events are checked only when a month closes.
    monthly = exited[exited.exit_reason.isin(["financial", "life"])]
    assert (monthly.exit_week % 4 == 0).all()


def test_sponsor_chains_are_acyclic_and_active(finished):
    model, _ = finished
    lg = model.ledger
    sponsor, active, n = lg.sponsor, lg.active, lg.n
    for nid in np.flatnonzero(active):
        node, steps = int(nid), 0
        while node >= 0:
            node = int(sponsor[node])
            steps += 1
            assert steps < n, f"sponsor chain from {nid} does not end"
    up = sponsor[active]
    assert ((up == -1) | active[np.maximum(up, 0)]).all()
    # The agents agree with the ledger, both ways.
    for agent in model.networkers:
        if not agent.active:
            continue
        expected = -1 if agent.sponsor is None else agent.sponsor.nid
        assert sponsor[agent.nid] == expected
        assert all(child.active and child.sponsor is agent for child in agent.downline)
        below = {int(i) for i in np.flatnonzero(active & (sponsor == agent.nid))}
        assert {child.nid for child in agent.downline} == below


def test_new_recruits_never_exceed_prospects_at_the_start_of_the_week(finished):
    model, res = finished
    w = res.weekly
    p = model.params.population
    at_start = np.concatenate([[p.size], w.prospects.to_numpy()[:-1]])
    assert (w.new_recruits.to_numpy() <= at_start).all()
    assert w.new_recruits.sum() == len(res.networkers) - res.summary["members_at_start"]


def test_per_networker_contacts_add_up_to_the_weekly_contacts(finished):
    model, res = finished
    assert res.weekly.contacts.sum() > 0
    assert in_view(model, res.networkers, "contacts").sum() == res.weekly.contacts.sum()


# ---- reproducibility ------------------------------------------------------------------------

REPRO = {"population.size": 2000, "simulation.weeks": 52}


def test_same_seed_gives_identical_frames():
    scenario = load_scenario("baseline").with_overrides(REPRO)
    _, first = run_model(scenario, seed=11)
    _, second = run_model(scenario, seed=11)
    pd.testing.assert_frame_equal(first.weekly, second.weekly)
    pd.testing.assert_frame_equal(first.networkers, second.networkers)
    assert first.totals == second.totals


def test_seed_argument_and_scenario_seed_are_the_same_seed():
    scenario = load_scenario("baseline").with_overrides({**REPRO, "simulation.seed": 11})
    _, by_param = run_model(scenario)
    _, by_arg = run_model(scenario, seed=11)
    pd.testing.assert_frame_equal(by_param.weekly, by_arg.weekly)
    assert by_param.seed == by_arg.seed == 11


def test_different_seeds_give_different_results():
    scenario = load_scenario("baseline").with_overrides(REPRO)
    _, first = run_model(scenario, seed=11)
    _, second = run_model(scenario, seed=12)
    assert not first.weekly.equals(second.weekly)
    assert not first.networkers.equals(second.networkers)
    assert first.weekly.contacts.tolist() != second.weekly.contacts.tolist()


# ---- the other plans end to end ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("plan", ["binary", "stairstep_breakaway"])
def test_other_plans_run_end_to_end(plan):
    scenario = load_scenario("baseline").with_overrides({**SMALL, "compensation.plan": plan})
    model, res = run_model(scenario)
    nw, w = res.networkers, res.weekly
    assert len(w) == 104
    assert w.commissions.sum() > 0
    paid = in_view(model, nw, "commission").sum()
    assert paid == pytest.approx(w.commissions.sum(), abs=0.005)
    people = w.prospects + w.customers + w.networkers + w.formers + w.elsewhere
    assert (people == model.population.size).all()
    assert (nw.exit_week >= 0).sum() == w[list(DROPOUT_COLUMNS.values())].to_numpy().sum()
    # the summary tells of every plan's run: its networkers and what the plan paid them
    assert res.summary["ever_joined"] == len(nw)
    paid = w.commissions.sum() + w.recruiting_rewards.sum()  # in the view
    assert res.summary["commissions_paid"] == pytest.approx(paid, abs=0.01)
    if plan == "binary":
        parent = np.asarray(model.placement.parent)
        side = np.asarray(model.placement.side)
        assert len(parent) == model.ledger.n
        # At most one child on each side of every position.
        placed = parent >= 0
        pairs = parent[placed] * 2 + side[placed]
        assert len(np.unique(pairs)) == len(pairs)
        # A recruit is placed somewhere below the networker who enrolled them.
        for nid in np.flatnonzero(model.ledger.first_sponsor >= 0):
            node, target = int(parent[nid]), int(model.ledger.first_sponsor[nid])
            while node >= 0 and node != target:
                node = int(parent[node])
            assert node == target


def test_networkers_are_mesa_agents_registered_by_mesa():
    """Every networker who ever joined is an agent of the model, registered by Mesa's
    public path: once, in joining order, with distinct unique ids, also by type; the
    ones who quit stay agents, no longer active."""
    model = small_model({"population.size": 3000, "population.founders": 20})
    for _ in range(60):
        model.step()
    agents = list(model.agents)
    assert agents == model.networkers and len(agents) == model.ledger.n > 20
    assert [a.nid for a in agents] == list(range(len(agents)))
    assert len({a.unique_id for a in agents}) == len(agents)
    assert list(model.agents_by_type[Networker]) == agents
    assert all(a.model is model for a in agents)
    assert any(not a.active for a in agents)


def test_a_run_gives_the_collector_back_as_it_found_it():
    """``run`` pauses Python's cycle collector while it runs (a tenth of a run's time at
    10^5 people); afterwards it runs again, also when the run failed, and a collector
    paused by the caller stays paused."""
    import gc

    from sim.model import collector_spared, run

    seen = []
    model = small_model()
    model.step = lambda: seen.append(gc.isenabled())
    model.run()
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(ZeroDivisionError), collector_spared():
        assert not gc.isenabled()
        1 / 0  # noqa: B018
    assert gc.isenabled()
    gc.disable()
    try:
        run(load_scenario("baseline", {"population.size": 300, "simulation.weeks": 4}))
        assert not gc.isenabled()
    finally:
        gc.enable()


# ---- state declared once, beside its rules (docs/model.md §2.4, §5.1) -----------------------


def test_every_ledger_column_is_declared_by_one_concern():
    from sim.networker import CHOICES, CONTACTS, TRAITS
    from sim.records import CAREER, LEDGER_COLUMNS, MONEY, Ledger

    concerns = [CAREER, TRAITS, CONTACTS, CHOICES, MONEY]
    assert sum(len(c) for c in concerns) == len(LEDGER_COLUMNS)
    ledger = Ledger(0.0)
    nids = ledger.add(2, person=[5, 6], sponsor=-1)
    for name, column in LEDGER_COLUMNS.items():
        assert ledger.cols[name].dtype == column.dtype, name
        assert column.meaning and Ledger.__dict__[name].__doc__.startswith(f"``{name}``")
        if name not in ("person", "group"):  # a new row holds what its column declares
            # (but its person, and the tree it joins: ``group`` counts itself)
            np.testing.assert_array_equal(getattr(ledger, name)[nids], column.new(2))


def test_the_compiled_rules_receive_every_array_by_its_name():
    """``World``'s arrays are the population's, the ledger's and the markets' arrays of the
    same names, its constants the scenario's parameters of the same names."""
    from sim.networker import World
    from sim.population import by_name

    model = small_model()
    world = model.world()
    sources = {**model.population.arrays(), **model.ledger.cols, **model.markets.arrays()}
    for name in World._fields:
        if name in sources:
            assert getattr(world, name) is sources[name], name
    p = model.params
    assert world.current_tolerance is model.ledger.cols["current_tolerance"]
    assert world.cooldown_weeks == p.population.cooldown_weeks
    assert world.product_user_recruiting_focus == p.networker.product_user_recruiting_focus
    assert world.skill_factor == p.experienced.skill_factor  # not the training's
    with pytest.raises(TypeError, match=r"nothing gives World\.rates"):
        by_name(World, sources, p.population)


def test_every_weekly_series_is_written_and_counts_are_whole_numbers():
    from sim.records import WEEKLY, WeeklySeries

    model = small_model()
    model.step()
    frame = model.series.frame(model.week)
    assert list(frame.columns) == list(WEEKLY)
    counts = [name for name, c in WEEKLY.items() if c.dtype is np.int64]
    assert counts[0] == "week" and counts[-1] == "ever_joined"
    assert all(frame[name].dtype == np.int64 for name in counts)
    with pytest.raises(ValueError, match="not the weekly series"):
        WeeklySeries(1).record(1, {"week": 1}, np.zeros(0))


# ---- ranks (docs/model.md §4.6) ----------------------------------------------------------------


def test_ranks_are_recorded_each_month_lost_and_the_highest_kept():
    ladder = {
        "compensation.rank_titles": ["Member", "Leader", "Director"],
        "compensation.rank_personal_volume": [100.0, 100.0, 100.0],
        "compensation.rank_group_volume": [150.0, 400.0, 1500.0],
        "compensation.rank_legs": [0, 1, 2],
        "compensation.rank_leg_rank": [0, 0, 1],
        "compensation.rank_levels": [1, 3, 5],
        "compensation.rank_bonus": [0.0, 5.0, 40.0],
        "compensation.rank_pool_share": [0.0, 0.0, 0.01],
        "compensation.rank_generations": [],  # not the baseline's generations: no bonus
        "compensation.generation_rate": 0.0,
    }
    scenario = load_scenario("hype_launch").with_overrides(
        {"population.size": 3000, "simulation.weeks": 60, **ladder}
    )
    model = NetworkMarketingModel(scenario, seed=4)
    seen_max = np.full(0, -1, dtype=np.int8)
    lost = 0
    for week in range(1, 61):
        model.step()
        if week % 4:
            continue
        lg = model.ledger
        seen_max = np.concatenate([seen_max, np.full(lg.n - len(seen_max), -1, np.int8)])
        np.maximum(seen_max, lg.rank, out=seen_max)
        np.testing.assert_array_equal(lg.highest_rank, seen_max)
        lost += int(np.count_nonzero(lg.active & (lg.rank < lg.highest_rank)))
    assert lost > 0, "nobody ever lost a rank"
    nw = model.result().networkers
    assert {"highest_rank", "last_rank"} <= set(nw.columns)
    assert nw.highest_rank.max() == 2 and (nw.highest_rank >= nw.last_rank).all()
    assert nw.last_rank.min() == -1
