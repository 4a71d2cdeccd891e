"""The market lives (docs/model.md §2.2, §2.3, §2.7): people come and go, ties change,
refusals fade, other businesses compete, and an established company starts the view.

Each rule is checked on its own, on small markets, for what a user relies on: the graph
keeps its shape, word of mouth keeps count, nobody is lost or counted twice, and an
established company is the same whether it was built now or taken from the cache.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import support

from sim import model as model_module
from sim.model import NetworkMarketingModel, Start, establish, run
from sim.population import (
    CUSTOMER,
    ELSEWHERE,
    FORMER,
    NETWORKER,
    NEVER,
    PROSPECT,
    Population,
    renew,
    rewire,
)
from sim.scenario import Scenario, load_scenario


def market(size: int = 2_000, seed: int = 3, **population) -> Population:
    params = replace(Scenario().population, size=size, **population)
    return Population(params, np.random.default_rng(seed))


def edges(pop: Population) -> set[tuple[int, int]]:
    rows = np.repeat(np.arange(pop.size), np.diff(pop.indptr))
    return set(zip(rows.tolist(), pop.indices.tolist(), strict=True))


def former_friends_recounted(pop: Population) -> np.ndarray:
    rows = np.repeat(np.arange(pop.size), np.diff(pop.indptr))
    return np.bincount(rows, weights=pop.state[pop.indices] == FORMER, minlength=pop.size)


# ---- ties change (§2.2) ----------------------------------------------------------------------


def test_rewiring_keeps_everyones_number_of_acquaintances_and_the_neighbourhood():
    pop = market()
    pop.state[::7] = FORMER
    pop.former_friends[:] = former_friends_recounted(pop)
    before = edges(pop)
    ring = {(a, b) for a, b in before
            if min(abs(a - b), pop.size - abs(a - b)) <= pop.k_local}  # fmt: skip
    met = np.empty((4 * 500, 2), dtype=np.int64)
    k = rewire(np.random.default_rng(1), pop.people(), pop.k_local, 500, met)
    after = edges(pop)
    assert len(before - after) >= 500, "most swaps were made"
    assert np.array_equal(np.diff(pop.indptr), pop.degree), "degrees kept"
    assert all((b, a) in after for a, b in after), "ties go both ways"
    assert all(a != b for a, b in after), "nobody is their own acquaintance"
    for row in range(pop.size):  # no tie twice
        people = pop.indices[pop.indptr[row] : pop.indptr[row + 1]]
        assert len(np.unique(people)) == len(people)
    assert ring <= after, "neighbourhood ties are left alone"
    np.testing.assert_array_equal(pop.former_friends, former_friends_recounted(pop))
    # everyone who gained a tie is told whom they met (a tie may also begin and end within
    # the same week)
    pairs = {tuple(p) for p in met[:k].tolist()}
    assert after - before <= pairs


def test_a_newcomer_takes_the_place_of_someone_who_left_the_market():
    pop = market(seed=4)
    leaver = 100
    pop.state[leaver] = FORMER
    pop.refusals[leaver] = 1
    pop.approached[leaver] = True
    pop.former_friends[:] = former_friends_recounted(pop)
    friends = pop.acquaintances(leaver).copy()
    met = np.empty((len(friends), 2), dtype=np.int64)
    k = renew(pop.people(), np.array([leaver]), 30, met)
    assert pop.state[leaver] == PROSPECT and pop.refusals[leaver] == 0
    assert not pop.approached[leaver] and pop.available_from[leaver] == 30
    np.testing.assert_array_equal(pop.former_friends, former_friends_recounted(pop))
    assert sorted(met[:k, 0].tolist()) == sorted(friends.tolist())
    assert (met[:k, 1] == leaver).all()


def test_active_networkers_do_not_leave_the_market_and_the_population_keeps_its_size():
    model = support.small_model(3_000, 5, {"population.market_exit_yearly": 0.5})
    for _ in range(52):
        model.step()
    lg, pop = model.ledger, model.population
    assert (pop.state[lg.person[lg.active]] == NETWORKER).all()
    counts = pop.counts()
    assert counts.sum() == pop.size
    assert counts[NETWORKER] == np.count_nonzero(lg.active)


def test_newcomers_arrive_at_the_stated_rate():
    params = replace(Scenario().population, size=20_000, market_exit_yearly=0.2,
                     tie_rewiring_yearly=0.0)  # fmt: skip
    pop = Population(params, np.random.default_rng(2))
    pop.approached[:] = True
    rng = np.random.default_rng(3)
    for week in range(52):
        pop.week(rng, week)
    renewed = 1 - pop.approached.mean()
    assert 0.16 < renewed < 0.20  # 1 - exp(-0.2) = 0.181 of the people in a year


def test_a_networker_meets_new_acquaintances_as_warm_market():
    model = support.small_model(2_000, 6, {"population.tie_rewiring_yearly": 2.0,
                                           "networker.networking_per_hour": 0.0})  # fmt: skip
    agent = model.networkers[0]
    agent.warm = []
    agent.hours = 0.0  # no contacts: whoever is put aside stays there
    for _ in range(20):
        model.step()
        if agent.warm_later:
            break
    met = {person for _, person in agent.warm_later}
    assert met, "new ties were put aside to approach"
    assert met <= set(model.population.acquaintances(agent.person).tolist())
    assert all(week == model.week for week, _ in agent.warm_later), "from the week they met"


# ---- refusals fade, other businesses (§2.3) ------------------------------------------------


def test_a_refusal_is_forgotten_and_the_person_may_be_asked_again():
    pop = market(1_000, refusal_memory_years=0.1)
    pop.refusals[:10] = 2
    pop.available_from[:10] = NEVER
    rng = np.random.default_rng(1)
    for month in range(26):
        pop.month(rng, 4 * month)
    assert (pop.refusals[:10] == 0).all()
    assert (pop.available_from[:10] < NEVER).all()


def test_the_share_in_other_businesses_stays_where_it_is():
    pop = market(20_000, other_business_share=0.05, other_business_years=0.5)
    rng = np.random.default_rng(5)
    start = np.flatnonzero(pop.state == ELSEWHERE)
    assert 0.04 < len(start) / pop.size < 0.06
    for month in range(26):
        pop.month(rng, 4 * month)
    now = pop.state == ELSEWHERE
    assert 0.04 < now.mean() < 0.06
    assert now[start].mean() < 0.5, "people come and go"


def test_someone_in_another_business_is_put_aside_not_pitched():
    model = support.small_model(200, 8, {"population.other_business_share": 0.0})
    agent = model.networkers[0]
    other = next(p for p in range(200) if model.population.state[p] == PROSPECT
                 and p != agent.person)  # fmt: skip
    model.population.state[other] = ELSEWHERE
    agent.warm = [other]
    person, _ = agent.next_contact()
    assert person != other
    assert any(p == other for _, p in agent.warm_later)


# ---- an established company (§2.7) ---------------------------------------------------------


@pytest.fixture(scope="module")
def company() -> tuple[Scenario, Start]:
    scenario = load_scenario("baseline", {"population.size": 3_000,
                                          "simulation.company_age_years": 8,
                                          "simulation.weeks": 104})  # fmt: skip
    return scenario, establish(scenario, 11)


def test_an_established_company_starts_with_its_organisation_in_place(company):
    scenario, start = company
    model = NetworkMarketingModel(scenario, seed=11)
    lg, pop = model.ledger, model.population
    assert lg.n > 0 and lg.active.all(), "week 0 holds the active networkers only"
    assert (lg.join_week <= 0).all() and (lg.join_week < 0).any()
    assert (pop.state[lg.person] == NETWORKER).all()
    np.testing.assert_array_equal(pop.networker[lg.person], np.arange(lg.n))
    assert np.count_nonzero(pop.state == NETWORKER) == lg.n
    sponsor = lg.sponsor
    assert ((sponsor == -1) | (sponsor < np.arange(lg.n))).all(), "sponsors joined earlier"
    customers = np.flatnonzero(pop.state == CUSTOMER)
    assert len(customers) and (pop.seller[customers] < lg.n).all()
    assert np.count_nonzero(pop.state == FORMER) > lg.n, "former members are in the market"
    np.testing.assert_array_equal(pop.former_friends, former_friends_recounted(pop))
    assert len(start.history["active"]) == 8 * 52


def test_an_established_company_is_the_same_from_the_cache_and_built_anew(company, monkeypatch):
    scenario, _ = company
    cached = run(scenario, seed=11)
    monkeypatch.setattr(model_module, "_STARTS", type(model_module._STARTS)())
    fresh = run(scenario, seed=11)
    assert cached.summary == fresh.summary
    assert cached.weekly.equals(fresh.weekly)
    assert cached.networkers.equals(fresh.networkers)


def test_the_view_depends_on_its_own_seed_and_not_on_the_horizon(company):
    scenario, start = company
    longer = scenario.with_overrides({"simulation.weeks": 208})
    assert establish(longer, 11) is start, "the history is the same for any horizon"
    a = NetworkMarketingModel(scenario, seed=11, start=start)
    b = NetworkMarketingModel(scenario, seed=12, start=start)
    for _ in range(26):
        a.step()
        b.step()
    assert a.ledger.n != b.ledger.n or not np.array_equal(a.ledger.net, b.ledger.net)


def test_a_company_of_age_zero_is_a_launch():
    scenario = load_scenario("hype_launch", {"population.size": 1_000, "simulation.weeks": 8})
    model = NetworkMarketingModel(scenario, seed=1)
    assert model.start is None
    assert model.ledger.n == scenario.population.founders
    assert (model.ledger.join_week == 0).all()
