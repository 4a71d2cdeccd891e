"""The networker's rules (docs/model.md section 3), on small hand-built cases.

Each test builds a tiny model with one founder and drives that networker's methods
directly: the failed-contact dropout rule (S7), confidence, reachable hours (S9), whom to
approach (warm market, cool-down, refusals) and what a pitch does.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
import support

from sim import networker
from sim.model import NetworkMarketingModel
from sim.networker import ExitReason, Networker
from sim.population import CUSTOMER, FORMER, NETWORKER, NEVER, PROSPECT

NO_SUCCESS = {
    "market.sale_rate_warm": 0.0,
    "market.sale_rate_cold": 0.0,
    "market.recruit_rate_warm": 0.0,
    "market.recruit_rate_cold": 0.0,
}
# The S7 rule alone: nothing to learn on the way (experience is worth no more than a
# beginner's skill and tolerance), every refusal counts in full.
BEGINNER = {
    "experienced.skill_factor": 1.0,
    "experienced.tolerance_factor": 1.0,
    "networker.cold_refusal_weight": 1.0,
}
ALWAYS_SUCCESS = {
    "market.sale_rate_warm": 1.0,
    "market.sale_rate_cold": 1.0,
    "market.recruit_rate_warm": 1.0,
    "market.recruit_rate_cold": 1.0,
}


def small_model(overrides: dict[str, Any] | None = None, seed: int = 7) -> NetworkMarketingModel:
    """A 50-person market with a single, inexperienced founder and no followings."""
    return support.small_model(50, seed, overrides)


def founder(model: NetworkMarketingModel, *, builder: bool = True, tolerance: float = 3.0):
    """The model's one founder, set up as a builder or product user with a known tolerance."""
    agent = model.networkers[0]
    agent.builder = builder
    agent.current_tolerance = tolerance
    agent.current_skill = 1.0
    agent.failures = 0
    return agent


def prospects(model: NetworkMarketingModel, k: int, exclude: tuple[int, ...] = ()) -> list[int]:
    """The first ``k`` prospects of the population."""
    pop = model.population
    out = [p for p in range(pop.size) if pop.state[p] == PROSPECT and p not in exclude]
    assert len(out) >= k
    return out[:k]


def approachable(model: NetworkMarketingModel, person: int, week: int) -> bool:
    """Whether ``person`` may be approached in ``week``, by the networkers' own rule."""
    return networker.approachable(model.world()._replace(week=week), person)


def assert_retired(model: NetworkMarketingModel, agent: Networker, reason: ExitReason) -> None:
    assert not agent.active
    assert not model.ledger.active[agent.nid]
    assert model.ledger.exit_reason[agent.nid] == int(reason)
    assert model.ledger.exit_week[agent.nid] == model.week
    assert model.population.state[agent.person] == FORMER


# ---- the failed-contact rule (S7) --------------------------------------------------------


def test_builder_with_tolerance_three_quits_on_third_failure_not_before():
    model = small_model()
    agent = founder(model, tolerance=3.0)

    assert agent.record_refusal() is False
    assert agent.failures == 1 and agent.active
    assert agent.record_refusal() is False
    assert agent.failures == 2 and agent.active
    assert model.ledger.exit_week[agent.nid] == -1

    assert agent.record_refusal() is True
    assert_retired(model, agent, ExitReason.DISCOURAGED)


@pytest.mark.parametrize("tolerance", [1.0, 3.0, 5.0])
def test_a_week_of_refusals_ends_after_exactly_tolerance_contacts(tolerance):
    # About 300 contacts are due this week; every one fails.
    model = small_model({**NO_SUCCESS, **BEGINNER, "market.contacts_per_hour": 30.0})
    agent = founder(model, tolerance=tolerance)
    agent.hours = 10.0

    agent.step()

    assert model.contacts_this_week == int(tolerance)
    assert agent.failures == int(tolerance)
    assert_retired(model, agent, ExitReason.DISCOURAGED)
    assert model.exits_this_week[ExitReason.DISCOURAGED] == 1


def test_fractional_tolerance_quits_on_the_next_whole_failure():
    model = small_model()
    agent = founder(model, tolerance=3.5)
    assert [agent.record_refusal() for _ in range(3)] == [False, False, False]
    assert agent.active
    assert agent.record_refusal() is True
    assert_retired(model, agent, ExitReason.DISCOURAGED)


def test_success_resets_the_run_and_raises_tolerance_by_confidence_gain():
    model = small_model({"networker.confidence_gain": 0.5})
    agent = founder(model, tolerance=3.0)
    agent.record_refusal()
    agent.record_refusal()
    assert agent.failures == 2

    agent.record_success()

    assert agent.failures == 0
    assert agent.current_tolerance == pytest.approx(3.5)
    # Now 3.5: three more failures in a row are survived, the fourth ends it.
    assert [agent.record_refusal() for _ in range(3)] == [False, False, False]
    assert agent.active
    assert agent.record_refusal() is True
    assert_retired(model, agent, ExitReason.DISCOURAGED)


def test_confidence_gain_accumulates_over_successes():
    model = small_model({"networker.confidence_gain": 2.0})
    agent = founder(model, tolerance=3.0)
    for _ in range(4):
        agent.record_success()
    assert agent.current_tolerance == pytest.approx(3.0 + 4 * 2.0)
    assert agent.failures == 0


def test_product_user_is_never_discouraged():
    model = small_model()
    agent = founder(model, builder=False, tolerance=1.0)
    results = [agent.record_refusal() for _ in range(100)]
    assert not any(results)
    assert agent.failures == 100
    assert agent.active
    assert model.ledger.active[agent.nid]
    assert model.ledger.exit_reason[agent.nid] == int(ExitReason.ACTIVE)


def test_product_user_survives_a_week_of_refusals():
    model = small_model({**NO_SUCCESS, "market.contacts_per_hour": 30.0})
    agent = founder(model, builder=False, tolerance=1.0)
    agent.hours = 10.0
    agent.step()
    assert model.contacts_this_week > 10
    # every contact was a refusal (the 50-person market may also run out: not a refusal)
    assert agent.failures == model.contacts_this_week
    assert agent.active
    assert model.exits_this_week.sum() == 0


# ---- reachable hours (S9) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (0.0, 0.0),
        (5.0, 5.0),  # all within the 15 evening hours
        (15.0, 15.0),
        (25.0, 15.0 + 0.3 * 10.0),  # 15 evening hours + 30 % of the 10 daytime hours
        (40.0, 15.0 + 0.3 * 25.0),
    ],
)
def test_contact_hours_counts_evening_hours_and_a_share_of_daytime(hours, expected):
    model = small_model({"market.evening_hours": 15.0, "market.daytime_reachable_share": 0.3})
    agent = founder(model)
    agent.hours = hours
    agent.part_time = False
    assert agent.contact_hours() == pytest.approx(expected)


def test_contact_hours_follow_the_scenario_parameters():
    model = small_model({"market.evening_hours": 10.0, "market.daytime_reachable_share": 0.5})
    agent = founder(model)
    agent.hours = 30.0
    agent.part_time = False
    assert agent.contact_hours() == pytest.approx(10.0 + 0.5 * 20.0)


def test_contact_hours_with_nobody_reachable_by_day():
    model = small_model({"market.evening_hours": 0.0, "market.daytime_reachable_share": 0.0})
    agent = founder(model)
    agent.hours = 40.0
    assert agent.contact_hours() == 0.0


def test_training_takes_its_hours_from_contact_hours():
    model = small_model({"training.hours_per_week": 2.0})
    agent = founder(model)
    agent.hours = 10.0
    agent.training_weeks = 4
    assert agent.contact_hours() == pytest.approx(8.0)
    agent.training_weeks = 0
    assert agent.contact_hours() == pytest.approx(10.0)


def test_part_timer_with_a_day_job_has_only_evening_hours():
    model = small_model({"market.evening_hours": 15.0, "market.daytime_reachable_share": 0.3})
    agent = founder(model)
    agent.hours = 25.0
    agent.part_time = True
    assert agent.contact_hours() == pytest.approx(15.0)


def test_a_part_timer_who_went_full_time_keeps_no_day_job():
    """``part_time`` is the trait at joining; ``day_job`` is what it means now (S10)."""
    model = small_model({"market.evening_hours": 15.0, "market.daytime_reachable_share": 0.3})
    agent = founder(model)
    agent.hours = 25.0
    agent.part_time = True
    assert agent.day_job
    model.ledger.fulltime_week[agent.nid] = 0
    assert agent.part_time and not agent.day_job
    assert agent.contact_hours() == pytest.approx(15.0 + 0.3 * 10.0)


# ---- whom to approach ----------------------------------------------------------------------


def test_next_contact_takes_the_warm_market_in_order_before_strangers():
    model = small_model()
    agent = founder(model)
    warm = prospects(model, 3, exclude=(agent.person,))
    agent.warm, agent.warm_next = list(warm), 0

    assert agent.next_contact() == (warm[0], True)
    assert agent.next_contact() == (warm[1], True)
    assert agent.next_contact() == (warm[2], True)
    person, is_warm = agent.next_contact()
    assert is_warm is False
    assert person >= 0 and person != agent.person
    assert approachable(model, person, model.week)


def test_next_contact_skips_warm_people_in_cool_down_or_refused_too_often():
    model = small_model()
    pop = model.population
    agent = founder(model)
    a, b, c, d = prospects(model, 4, exclude=(agent.person,))
    model.week = 10
    pop.available_from[b] = 11  # in cool-down until next week
    pop.refusals[c] = model.params.population.max_refusals  # never again
    agent.warm, agent.warm_next = [a, b, c, d], 0

    assert agent.next_contact() == (a, True)
    assert agent.next_contact() == (d, True)
    assert agent.warm_next == 4


def test_acquaintance_out_of_cool_down_is_warm_market_again():
    model = small_model()
    pop = model.population
    agent = founder(model)
    a, b = prospects(model, 2, exclude=(agent.person,))
    model.week = 10
    pop.available_from[b] = 11
    agent.warm, agent.warm_next = [b, a], 0
    assert agent.next_contact() == (a, True)  # b is in cool-down this week: skipped

    model.week = 11  # b's cool-down is over; a has been approached
    pop.available_from[a] = 10**6
    assert approachable(model, b, model.week)
    assert agent.next_contact() == (b, True)


def test_next_contact_skips_strangers_in_cool_down():
    model = small_model()
    pop = model.population
    agent = founder(model)
    agent.warm, agent.warm_next = [], 0
    (free,) = prospects(model, 1, exclude=(agent.person,))
    pop.available_from[:] = NEVER
    pop.available_from[free] = 0

    found = [agent.next_contact() for _ in range(300)]

    assert set(found) <= {(free, False), (-1, False)}
    assert (free, False) in found


def test_next_contact_finds_nobody_when_everyone_is_in_cool_down():
    model = small_model()
    agent = founder(model)
    warm = prospects(model, 3, exclude=(agent.person,))
    agent.warm, agent.warm_next = list(warm), 0
    model.population.available_from[:] = model.week + 5
    assert agent.next_contact() == (-1, False)


# ---- refusals and cool-down --------------------------------------------------------------


def test_refused_prospect_is_in_cool_down_then_never_approached_after_max_refusals():
    model = small_model(
        {**NO_SUCCESS, "population.cooldown_weeks": 26, "population.max_refusals": 2}
    )
    pop = model.population
    agent = founder(model)
    (person,) = prospects(model, 1, exclude=(agent.person,))
    model.week = 3

    assert agent.pitch(person, True) is False
    assert pop.refusals[person] == 1
    assert pop.available_from[person] == 3 + 26
    assert pop.state[person] == PROSPECT
    assert pop.approached[person]
    assert not approachable(model, person, 3)
    assert not approachable(model, person, 3 + 25)
    assert approachable(model, person, 3 + 26)

    model.week = 3 + 26
    assert agent.pitch(person, False) is False
    assert pop.refusals[person] == 2
    assert not approachable(model, person, model.week)
    assert not approachable(model, person, model.week + 10_000)
    agent.warm, agent.warm_next = [person], 0
    assert agent.next_contact()[0] != person


def test_max_refusals_one_means_a_single_no_is_final():
    model = small_model({**NO_SUCCESS, "population.max_refusals": 1})
    pop = model.population
    agent = founder(model)
    (person,) = prospects(model, 1, exclude=(agent.person,))
    agent.pitch(person, True)
    assert pop.refusals[person] == 1
    assert pop.available_from[person] == NEVER
    assert not approachable(model, person, 10**6)


@pytest.mark.parametrize("state", [CUSTOMER, NETWORKER, FORMER])
def test_a_stranger_in_the_business_is_a_short_conversation_not_a_refusal(state):
    model = small_model({**ALWAYS_SUCCESS})
    pop = model.population
    agent = founder(model)
    (person,) = prospects(model, 1, exclude=(agent.person,))
    pop.state[person] = state
    before = model.ledger.n

    assert agent.pitch(person, False) is None

    assert pop.state[person] == state
    assert pop.refusals[person] == 0
    assert pop.available_from[person] == 0
    assert model.ledger.n == before
    assert person not in agent.customers


def test_pitching_another_networkers_customer_is_neutral_and_leaves_the_customer():
    model = small_model({**ALWAYS_SUCCESS, "networker.recruiting_focus": 0.0})
    pop = model.population
    agent = founder(model)
    other_person, customer = prospects(model, 2, exclude=(agent.person,))
    other = model.enrol(other_person, agent)
    model.sell(customer, other)

    assert agent.pitch(customer, False) is None
    assert pop.state[customer] == CUSTOMER
    assert pop.seller[customer] == other.nid
    assert customer in other.customers
    assert customer not in agent.customers
    assert pop.refusals[customer] == 0


def test_successful_sales_pitch_makes_a_customer():
    model = small_model({**ALWAYS_SUCCESS, "networker.recruiting_focus": 0.0})
    pop = model.population
    agent = founder(model)
    (person,) = prospects(model, 1, exclude=(agent.person,))
    assert agent.pitch(person, True) is True
    assert pop.state[person] == CUSTOMER
    assert pop.seller[person] == agent.nid
    assert agent.customers == {person}
    assert model.population.customer_counts(model.ledger.n)[agent.nid] == 1


def test_successful_recruiting_pitch_makes_a_networker_in_the_downline():
    model = small_model({**ALWAYS_SUCCESS, "networker.recruiting_focus": 1.0})
    pop = model.population
    agent = founder(model)
    (person,) = prospects(model, 1, exclude=(agent.person,))
    assert agent.pitch(person, False) is True
    assert pop.state[person] == NETWORKER
    recruit = model.networkers[pop.networker[person]]
    assert recruit.sponsor is agent
    assert recruit in agent.downline
    assert model.ledger.sponsor[recruit.nid] == agent.nid
    assert model.ledger.recruits[agent.nid] == 1
    assert model.recruits_this_week == 1


# ---- what counts as a failed contact, and results against rejections (docs/model.md §3.5) ----


def test_acquaintances_in_the_business_are_passed_over_not_pitched():
    model = small_model(NO_SUCCESS)
    pop = model.population
    agent = founder(model, tolerance=100.0)
    friends = list(agent.warm[:3])
    pop.state[friends[0]] = NETWORKER
    pop.state[friends[1]] = FORMER
    pop.state[friends[2]] = CUSTOMER
    person, warm = agent.next_contact()
    assert warm and person not in friends
    assert pop.state[person] == PROSPECT
    later = {person for _, person in agent.warm_later}
    assert friends[2] in later  # a customer may be a prospect again later
    assert friends[0] not in later and friends[1] not in later


def test_nobody_left_ends_the_week_without_a_failure():
    model = small_model({**NO_SUCCESS, "market.contacts_per_hour": 30.0})
    pop = model.population
    agent = founder(model, tolerance=3.0)
    agent.hours = 10.0
    pop.refusals[:] = pop.params.max_refusals  # everybody refused for good
    pop.available_from[:] = 10**6
    agent.step()
    assert agent.active
    assert agent.failures == 0
    assert model.contacts_this_week == 0
    assert agent.dry_weeks == 1


def test_weeks_of_finding_nobody_end_a_builder_as_no_market():
    model = small_model({"networker.no_market_weeks": 3})
    agent = founder(model)
    agent.count_dry_week(True)
    agent.count_dry_week(True)
    agent.count_dry_week(False)  # a week with a pitch ends the streak
    assert agent.dry_weeks == 0
    for _ in range(2):
        agent.count_dry_week(True)
    assert agent.active
    agent.count_dry_week(True)
    assert_retired(model, agent, ExitReason.NO_MARKET)


def test_a_product_user_does_not_leave_for_want_of_a_market():
    model = small_model({"networker.no_market_weeks": 1})
    agent = founder(model, builder=False)
    for _ in range(5):
        agent.count_dry_week(True)
    assert agent.active


def test_a_paying_business_is_not_discouraged_by_refusals():
    model = small_model()
    agent = founder(model, tolerance=2.0)
    model.ledger.cols["paying"][agent.nid] = True
    assert [agent.record_refusal() for _ in range(50)] == [False] * 50
    assert agent.active and agent.failures == 0
    model.ledger.cols["paying"][agent.nid] = False  # once it stops paying, refusals count
    assert agent.record_refusal() is False
    assert agent.record_refusal() is True
    assert_retired(model, agent, ExitReason.DISCOURAGED)


def test_a_paid_month_resets_the_run_of_refusals():
    model = small_model({"networker.paid_month_threshold": 10.0, "costs.expenses_per_hour": 0.0})
    agent = founder(model, tolerance=100.0)
    agent.failures = 5
    model.ledger.commission[agent.nid] += 11.0  # this month's commissions pass the threshold
    model.close_month()
    assert agent.failures == 0


def test_a_month_below_the_threshold_keeps_the_run():
    model = small_model({"networker.paid_month_threshold": 10.0})
    agent = founder(model, tolerance=100.0)
    agent.failures = 5
    model.ledger.commission[agent.nid] += 9.0
    model.close_month()
    assert agent.failures == 5


def test_money_lost_beyond_the_loss_tolerance_is_a_financial_exit():
    model = small_model({"dropout.life_monthly": 0.0, "costs.own_purchase_value_share": 0.0})
    agent = founder(model)
    model.ledger.loss_tolerance[agent.nid] = 150.0
    model.close_month()  # the €100 autoship: a loss of 100, within what they accept
    assert agent.active
    model.close_month()  # 200 lost
    assert_retired(model, agent, ExitReason.FINANCIAL)


def test_a_business_pays_only_when_it_earns_more_than_it_costs_in_cash():
    """Paying (docs/model.md §3.5) is judged in cash: the autoship a builder buys to stay
    qualified is a cost of the business even where the accounting credits it as value."""
    model = small_model({"costs.own_purchase_value_share": 1.0, "costs.expenses_per_hour": 0.0,
                         "dropout.life_monthly": 0.0})  # fmt: skip
    agent = founder(model)
    model.close_month()  # the first month: the €100 autoship, nothing earned
    assert not model.ledger.paying[agent.nid]
    model.ledger.commission[agent.nid] += 90.0
    model.close_month()  # €90 earned against the €100 autoship
    assert not model.ledger.paying[agent.nid]
    model.ledger.commission[agent.nid] += 110.0
    model.close_month()
    assert model.ledger.paying[agent.nid]


# ---- effort pays (docs/model.md §3.5, §3.2, §3.7) --------------------------------------------


def test_a_strangers_no_counts_less_than_a_friends():
    model = small_model({**NO_SUCCESS, "networker.cold_refusal_weight": 0.25})
    agent = founder(model, tolerance=100.0)
    world = model.world()
    networker.record_refusal(world, agent.nid, False)
    assert agent.failures == pytest.approx(0.25)
    networker.record_refusal(world, agent.nid, True)
    assert agent.failures == pytest.approx(1.25)


def test_experience_makes_a_networker_as_good_as_an_experienced_recruit():
    params = {**NO_SUCCESS, "networker.learning_contacts": 40, "networker.cold_refusal_weight": 0.0,
              "experienced.skill_factor": 1.5, "experienced.tolerance_factor": 4.0}  # fmt: skip
    model = support.small_model(2_000, 7, params)  # strangers enough for every contact
    agent = founder(model, tolerance=10.0)
    model.ledger.cols["tolerance"][agent.nid] = 10.0  # what experience builds on
    model.ledger.cols["skill"][agent.nid] = 1.0
    skills, tolerances = [], []
    for _ in range(60):
        assert agent.make_contacts(1) == 1
        skills.append(agent.current_skill)
        tolerances.append(agent.current_tolerance)
    assert skills[0] == pytest.approx(1.0 + 0.5 / 40)
    assert all(b >= a for a, b in itertools.pairwise(skills)), "never falls"
    assert skills[-1] == pytest.approx(1.5) and tolerances[-1] == pytest.approx(40.0)
    assert skills[39] == skills[-1], "after the learning contacts it stays there"


def test_an_experienced_recruit_has_nothing_left_to_learn():
    model = small_model({**NO_SUCCESS, "networker.cold_refusal_weight": 0.0})
    agent = founder(model, tolerance=10.0)
    agent.experienced = True
    agent.make_contacts(20)
    assert agent.current_skill == 1.0 and agent.current_tolerance == 10.0


def test_a_new_customer_introduces_acquaintances_as_warm_contacts():
    model = small_model({**ALWAYS_SUCCESS, "networker.recruiting_focus": 0.0,
                         "market.referrals": 8.0})  # fmt: skip
    agent = founder(model)
    buyer = prospects(model, 1, exclude=(agent.person,))[0]
    assert agent.pitch(buyer, True) is True
    referred = {person for _, person in agent.warm_later}
    assert referred, "a mean of 8 referrals brought someone"
    assert referred <= set(model.population.acquaintances(buyer).tolist())
    assert all(model.population.state[p] == PROSPECT for p in referred)


def test_no_referrals_when_customers_introduce_nobody():
    model = small_model({**ALWAYS_SUCCESS, "networker.recruiting_focus": 0.0,
                         "market.referrals": 0.0})  # fmt: skip
    agent = founder(model)
    agent.warm = []
    agent.pitch(prospects(model, 1, exclude=(agent.person,))[0], True)
    assert agent.warm_later == []


def test_builders_meet_new_people_in_proportion_to_their_hours():
    model = support.small_model(5_000, 3, {"networker.networking_per_hour": 0.5,
                                           "population.founders": 40})  # fmt: skip
    lg = model.ledger
    lg.cols["builder"][:40] = True
    lg.cols["hours"][:20], lg.cols["hours"][20:40] = 2.0, 20.0
    lg.cols["heap_len"][:40] = 0
    model.networking(np.arange(40))
    met = lg.heap_len[:40]
    assert met[20:].sum() > 5 * met[:20].sum() > 0  # 20 h a week meet ten times as many


def test_product_users_talk_to_people_they_know_and_rarely_recruit():
    model = small_model({**ALWAYS_SUCCESS, "networker.product_user_recruiting_focus": 0.0})
    agent = founder(model, builder=False)
    agent.warm = []
    assert agent.next_contact() == (-1, False), "no strangers"
    friend = prospects(model, 1, exclude=(agent.person,))[0]
    agent.warm = [friend]
    person, warm = agent.next_contact()
    assert (person, warm) == (friend, True)
    agent.pitch(person, warm)
    assert model.population.state[friend] == CUSTOMER, "a focus of 0 never recruits"


def test_expenses_come_with_the_hours_spent_with_people():
    """A part-timer's hours beyond the evening reach nobody: they count as hours worked
    but cost no expenses (docs/model.md §3.7)."""
    evening = {"market.evening_hours": 10.0, "market.contacts_per_hour": 0.0}
    model = small_model({**NO_SUCCESS, **evening, "costs.expenses_per_hour": 1.0})
    agent = founder(model)
    agent.hours = 25.0
    agent.part_time = True
    model.step()
    assert model.ledger.hours_worked[agent.nid] == 25.0
    assert model.ledger.expenses[agent.nid] == pytest.approx(10.0)
