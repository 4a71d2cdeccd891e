"""The scenario library (issue 7): every file loads, says what it illustrates, and its
effect shows across a fixed set of seeds.

Each effect test runs the scenario as shipped (10,000 people, 260 weeks) on the seeds
below; a run takes about a second, and runs are shared between tests of a module.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from sim.metrics import (
    earners_discouraged_share,
    first_year_dropout_share,
    kaplan_meier,
    weeks_active,
)
from sim.model import RunResult, run
from sim.scenario import STATEMENTS, ScenarioError, list_scenarios, load_scenario

SEEDS = (1, 2, 3)
LIBRARY = (
    "baseline",
    "retail_focused",
    "pyramid",
    "critical",
    "evening_side_job",
    "experienced_leader",
    "training_academy",
    "small_town",
    "binary_plan",
    "hype_launch",
    "amway_like",
    "doterra_like",
    "herbalife_like",
)


@cache
def result(name: str, seed: int, launch: bool = False) -> RunResult:
    """A scenario of the library run with ``seed``; ``launch``: from its launch (a company
    of age 0), not as the established company it may be."""
    overrides = {"simulation.company_age_years": 0} if launch else None
    return run(load_scenario(name, overrides), seed=seed)


def test_the_library_is_complete():
    assert set(LIBRARY) <= {name for name, _ in list_scenarios()}


@pytest.mark.parametrize("name", LIBRARY)
def test_every_scenario_describes_itself_in_both_languages(name):
    s = load_scenario(name)
    assert s.description and s.description_de and s.description != s.description_de
    assert s.describe("de") == s.description_de
    assert s.statements, f"{name}: which statements of the source text does it illustrate?"
    assert set(s.statements) <= set(STATEMENTS)


@pytest.mark.parametrize(
    "name, changed",
    [
        ("evening_side_job", {"networker.part_time_share": 1.0, "market.evening_hours": 8.0}),
        ("experienced_leader", {"experienced.following_mean": 40, "experienced.share": 0.02}),
        ("training_academy", {"training.enabled": True}),
        ("small_town", {"population.size": 2000}),
        ("binary_plan", {"compensation.plan": "binary"}),
        ("hype_launch", {"market.recruit_rate_warm": 0.16, "simulation.company_age_years": 0}),
    ],
)
def test_a_library_scenario_is_the_baseline_with_its_changes(name, changed):
    s, base = load_scenario(name), load_scenario("baseline")
    for key, value in changed.items():
        sec, field = key.split(".")
        assert getattr(getattr(s, sec), field) == value
    # everything else is the calibrated baseline, e.g. the calibrated tolerance and costs
    assert s.costs == base.costs
    assert s.dropout == base.dropout
    if name != "hype_launch":
        assert s.networker.tolerance_mean == base.networker.tolerance_mean


def test_base_must_name_a_scenario_in_the_library(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[scenario]\nname = "x"\nbase = "../secret"\n')
    with pytest.raises(ScenarioError, match=r"scenario\.base.*allowed is the name of a scenario"):
        load_scenario(str(path))


def test_base_values_can_be_changed_and_checked(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[scenario]\nname = "x"\nbase = "baseline"\n[population]\nsize = 10\n')
    with pytest.raises(ScenarioError, match=r"population\.size"):
        load_scenario(str(path))


def test_statements_must_be_those_of_the_source_text(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[scenario]\nname = "x"\nstatements = ["S12"]\n')
    with pytest.raises(ScenarioError, match=r"S1 to S11"):
        load_scenario(str(path))


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_evening_side_job_more_hours_do_not_buy_more_contacts(seed):
    """S9: past the evening window, an extra hour adds (almost) no contact."""
    r = result("evening_side_job", seed)
    window = r.scenario.market.evening_hours
    n = r.networkers[r.networkers.builder & (r.networkers.hours_worked > 0)]
    per_hour = n.contacts / n.hours_worked
    within = per_hour[n.hours <= window].median()
    long_days = per_hour[n.hours >= 2 * window].median()
    assert long_days < 0.6 * within, (within, long_days)
    # and nobody earns a wage: the median builder's net per hour is below the minimum wage
    assert n.net_per_hour.median() < r.scenario.reference.minimum_wage


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_experienced_leaders_are_the_showcase_earners(seed):
    """S8: the leaders' median net is far above everyone else's, and they are on stage."""
    n = result("experienced_leader", seed).networkers
    leaders, others = n[n.experienced], n[~n.experienced]
    assert leaders.net_income.median() > 1000
    assert leaders.net_income.median() > others.net_income.quantile(0.9) + 500
    top = n.nlargest(20, "net_income")
    # a few dozen leaders among thousands who joined hold a large part of the top 20
    assert top.experienced.mean() > 10 * n.experienced.mean()


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_training_keeps_builders_longer_and_costs_them_money(seed):
    """S2: trained builders give up less often; the fee is not earned back."""
    n = result("training_academy", seed).networkers
    fee = load_scenario("training_academy").training.fee
    builders = n[n.builder]
    trained, untrained = builders[builders.trained], builders[~builders.trained]
    assert len(trained) > 50 and len(untrained) > 50
    gave_up = (builders.exit_reason == "discouraged").groupby(builders.trained).mean()
    assert gave_up[True] < gave_up[False] - 0.1
    assert (trained.costs >= fee).all()  # the fee is booked as a cost of every trained one
    assert trained.net_income.median() < untrained.net_income.median() - fee / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_small_town_runs_out_of_recruits(seed):
    """Saturation: recruits per week fall below 10 % of their peak within the horizon."""
    r = result("small_town", seed)
    recruits = r.weekly.new_recruits.rolling(8).mean()
    peak_week = int(recruits.idxmax())
    after = recruits[recruits.index > peak_week]
    assert (after < 0.1 * recruits.max()).any()
    assert r.weekly.saturation_approached.iloc[-1] > 0.9


@pytest.mark.slow
def test_a_larger_market_with_the_same_founders_saturates_later():
    """Town and city launched with the same founders; the city's median recruit joins
    later (both from the launch: the established baseline has no launch in its view).
    Judged over the seeds: a run's median join week moves by weeks from seed to seed."""
    towns = [result("small_town", seed) for seed in SEEDS]
    cities = [result("baseline", seed, launch=True) for seed in SEEDS]
    assert towns[0].scenario.population.founders == cities[0].scenario.population.founders
    assert towns[0].scenario.population.size < cities[0].scenario.population.size

    def median_join(r: RunResult) -> float:
        n = r.networkers
        return float(n.join_week[n.join_week > 0].median())

    later = [median_join(c) - median_join(t) for t, c in zip(towns, cities, strict=True)]
    assert all(w > 0 for w in later) and np.mean(later) > 10, later


@pytest.mark.slow
def test_binary_plan_pays_the_members_of_week_0_far_more_often_than_newcomers():
    """Against the unilevel baseline with the same seeds: in the established company, the
    members at week 0 are paid a commission more often under the binary plan, and those
    who join in the view hardly more or less: the gap between early and late is wider (the
    legs below early members are full). The shares rest on a few hundred people a run, so
    the gap is judged over the seeds."""

    def paid_share(r: RunResult, late: bool) -> float:
        n = r.networkers
        group = n[(n.join_week > 0) == late]
        return float((group.commission > 0).mean())

    def gap(r: RunResult) -> float:
        return paid_share(r, late=False) - paid_share(r, late=True)

    uni = [result("baseline", seed) for seed in SEEDS]
    binary = [result("binary_plan", seed) for seed in SEEDS]
    for u, b in zip(uni, binary, strict=True):
        assert gap(b) > 0 and gap(u) > 0, "the members of week 0 are paid more often"
    assert sum(gap(b) for b in binary) > sum(gap(u) for u in uni) + 0.1


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_hype_launch_many_join_fast_most_quit_fast(seed):
    """S6: recruitment peaks within the first quarter; most are gone within 13 weeks, far
    more than in the baseline (refusals and a loss they did not sign up for)."""
    hype, base = result("hype_launch", seed), result("baseline", seed)
    recruits = hype.weekly.new_recruits.rolling(4).mean()
    assert int(recruits.idxmax()) <= 13
    assert recruits.max() > 2 * base.weekly.new_recruits.rolling(4).mean().max()

    def gone_within(r: RunResult, weeks: int) -> float:  # Kaplan-Meier, as the lessons count
        n, now = r.networkers, r.scenario.simulation.weeks
        return float(1 - kaplan_meier(n.join_week, n.exit_week, now, horizon=weeks).share[weeks])

    assert gone_within(hype, 13) > 0.5
    assert gone_within(hype, 13) > gone_within(base, 13) + 0.15


def builders_gone_within_a_year(r: RunResult) -> float:
    n = r.networkers
    return first_year_dropout_share(n[n.builder], r.scenario.simulation.weeks)


def test_a_builders_career_in_the_baseline_is_believable():
    """Issue 12 over the seeds: builders last months, not days; earners are not driven out
    by refusals; product users outlast builders; every reason to leave occurs."""
    runs = [result("baseline", seed) for seed in SEEDS]
    weeks = runs[0].scenario.simulation.weeks
    for r in runs:
        n = r.networkers
        builders = n[n.builder]
        assert weeks_active(builders, weeks).median() >= 6
        # one run's builders who joined in the view are a few hundred: a wide band per run,
        # C8's band for the mean of the runs
        assert 0.4 <= builders_gone_within_a_year(r) <= 0.8
        users = first_year_dropout_share(n[~n.builder], weeks)
        assert users < builders_gone_within_a_year(r) - 0.2
        assert set(n.exit_reason) >= {"discouraged", "financial", "life"}
    pooled = pd.concat([r.networkers for r in runs])
    assert earners_discouraged_share(pooled, weeks) <= 0.2


@pytest.mark.slow
def test_the_tolerance_rule_drives_builders_dropout():
    """C10 over the seeds: builders' first-year dropout falls by far as tolerance rises."""
    for seed in SEEDS:
        low = run(load_scenario("baseline", {"networker.tolerance_mean": 2}), seed=seed)
        high = run(load_scenario("baseline", {"networker.tolerance_mean": 8}), seed=seed)
        assert builders_gone_within_a_year(low) > builders_gone_within_a_year(high) + 0.15


RANKED = ("baseline", "amway_like", "doterra_like", "herbalife_like")


@pytest.mark.parametrize("name", RANKED)
def test_a_ranked_plan_is_the_baseline_with_its_ladder(name):
    """The ranked scenarios change the plan only; each has a ladder (docs/model.md §4.6)."""
    s, base = load_scenario(name), load_scenario("baseline")
    assert len(s.compensation.rank_titles) >= 8
    assert s.costs == base.costs and s.networker == base.networker and s.market == base.market


@pytest.mark.slow
@pytest.mark.parametrize("name", RANKED)
def test_few_reach_a_rank_above_the_first_and_they_earn_the_money(name):
    """Income disclosures' finding: most never rise above the entry ranks; the few who do
    receive most of the commissions."""
    n = result(name, SEEDS[0]).networkers
    assert (n.highest_rank >= n.last_rank).all()
    risen = n.highest_rank >= 1
    assert 0 < risen.mean() < 0.35, risen.mean()
    paid = n.commission + n.recruiting_reward
    assert paid[risen].sum() > 0.5 * paid.sum()
