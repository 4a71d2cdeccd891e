"""What would happen to me? (sim/me.py and the ``me`` command, issue #6).

Statistical tests with fixed seeds on small populations: each compares many futures of
people like the user, and a difference has to exceed the noise.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import me
from sim.cli import main
from sim.experiments import local_executor
from sim.me import what_would_happen, wilson
from sim.model import NetworkMarketingModel
from sim.profile import Profile, ProfileError, check_profile
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"population.size": 2000, "population.founders": 10}


def small(**overrides) -> object:
    return load_scenario("baseline").with_overrides({**SMALL, **overrides})


def last(outlook) -> dict:
    return outlook.horizons[max(outlook.horizons)]


def test_wilson_interval():
    lo, hi = wilson(50, 100)
    assert lo == pytest.approx(0.4038, abs=1e-3) and hi == pytest.approx(0.5962, abs=1e-3)
    assert wilson(0, 40)[0] == 0.0 and wilson(40, 40)[1] == 1.0
    assert wilson(1, 100)[0] > 0


def test_horizons_follow_the_months():
    assert me.horizon_months(24) == [3, 6, 12, 24]
    assert me.horizon_months(9) == [3, 6, 9]
    assert [me.months_to_weeks(m) for m in (3, 6, 12, 24)] == [13, 26, 52, 104]


def test_more_tolerance_keeps_people_active_longer():
    sc = small()
    futures = {
        k: what_would_happen(sc, Profile(hours=6, tolerance=k, months=6), 60, workers=1)
        for k in (2, 40)
    }
    low, high = (futures[k].rows.query("weeks == 26").weeks_active for k in (2, 40))
    se = np.sqrt(low.var() / len(low) + high.var() / len(high))
    assert high.mean() - low.mean() > 3 * se
    assert last(futures[40])["active"]["share"] >= last(futures[2])["active"]["share"]


@pytest.mark.slow
def test_higher_monthly_costs_mean_lower_net_income():
    # The baseline counts own purchases as value received (they are volume that pays the
    # upline, so a higher required purchase can even raise a recruiter's net); counted as
    # costs, as the critical literature does, they are what the user pays every month.
    profile = Profile(hours=6, tolerance=60, months=6)
    nets = {}
    for cost in (0.0, 300.0):
        sc = small(**{"costs.required_purchase": cost, "costs.own_purchase_value_share": 0.0})
        out = what_would_happen(sc, profile, 60, workers=1)
        nets[cost] = out.rows.query("weeks == 26").net
    se = np.sqrt(nets[0.0].var() / 60 + nets[300.0].var() / 60)
    assert nets[0.0].mean() - nets[300.0].mean() > 3 * se


@pytest.mark.slow
def test_joining_a_saturated_market_late_brings_fewer_recruits():
    # a launch saturates its market (an established company's market has renewed)
    sc = small(**{"simulation.weeks": 300, "simulation.company_age_years": 0})
    recruits = {}
    for week in (0, 250):
        profile = Profile(hours=10, tolerance=200, friends=40, join_week=week, months=6)
        out = what_would_happen(sc, profile, 60, workers=1)
        recruits[week] = out.rows.query("weeks == 26").recruits
    se = np.sqrt(recruits[0].var() / 60 + recruits[250].var() / 60)
    assert recruits[0].mean() - recruits[250].mean() > 3 * se


def _enrol_twins(model: NetworkMarketingModel, profile: Profile) -> tuple[int, int]:
    """A focal networker and an ordinary one with the same traits, built the same way."""
    focal = me.enrol_focal(model, profile)
    pop = model.population
    person = int(model.rng.choice(np.flatnonzero(pop.state == me.PROSPECT)))
    active = np.flatnonzero(model.ledger.active)
    sponsor = model.networkers[int(model.rng.choice(active))]
    traits, experienced = me.focal_traits(model, profile)
    warm = me.warm_market(model, person, profile.friends)
    ordinary = model.enrol(person, sponsor, experienced=experienced, traits=traits, warm=warm)
    return focal.nid, ordinary.nid


@pytest.mark.slow
def test_focal_networkers_behave_like_ordinary_ones():
    sc = small(**{"simulation.weeks": 60})
    profile = Profile(hours=6, tolerance=6, friends=30)
    rows = {"focal": [], "ordinary": []}
    for seed in range(40):
        model = NetworkMarketingModel(sc, seed=seed)
        for _ in range(8):
            model.step()
        pairs = [_enrol_twins(model, profile) for _ in range(3)]
        agents = {a.nid: a for a in model.networkers}
        # the same class, the same attributes: the model cannot tell them apart
        for f, o in pairs:
            assert type(agents[f]) is type(agents[o])
            assert set(vars(agents[f])) == set(vars(agents[o]))
        for _ in range(26):
            model.step()
        lg = model.ledger
        for f, o in pairs:
            for kind, nid in (("focal", f), ("ordinary", o)):
                end = model.week if lg.active[nid] else lg.exit_week[nid]
                rows[kind].append((end - lg.join_week[nid], lg.contacts[nid], lg.active[nid]))
    focal, ordinary = (np.array(rows[k], dtype=float) for k in ("focal", "ordinary"))
    for col in range(3):  # weeks active, contacts, still active
        a, b = focal[:, col], ordinary[:, col]
        se = np.sqrt(a.var() / len(a) + b.var() / len(b)) + 1e-9
        assert abs(a.mean() - b.mean()) < 3 * se, (col, a.mean(), b.mean())
    # and nothing in the rules knows about focal networkers
    for module in ("sim/model.py", "sim/networker.py"):
        assert "focal" not in (ROOT / module).read_text().lower()


def test_skipping_the_run_once_everyone_quit_changes_nothing():
    """After the last focal networker quits the run stops; their rows would not change."""
    sc = small()
    profile = Profile(hours=6, tolerance=3, months=6)
    early = me.run_replicate(sc, profile, seed=7, focal=3)
    sc_full = sc.with_overrides({"simulation.weeks": me.months_to_weeks(6)})
    model = NetworkMarketingModel(sc_full, seed=7)
    nids = np.array([me.enrol_focal(model, profile).nid for _ in range(3)])
    full = []
    for week in range(1, me.months_to_weeks(6) + 1):
        model.step()
        if week in {13, 26, 9}:
            full += me.snapshot(model, nids, week)
    key = lambda r: (r["weeks"], r["focal"])  # noqa: E731
    assert sorted(early, key=key) == sorted(full, key=key)


def test_same_answer_on_one_and_two_workers():
    sc = small()
    profile = Profile(hours=6, tolerance=8, months=3)
    one = what_would_happen(sc, profile, 12, workers=1)
    two = what_would_happen(sc, profile, 12, workers=2)
    pool = local_executor(2)  # the dashboard's way: one pool of its own for every question
    try:
        shared = what_would_happen(sc, profile, 12, executor=pool)
        again = what_would_happen(sc, profile, 12, executor=pool)
    finally:
        pool.shutdown()
    assert one.rows.equals(two.rows) and one.rows.equals(shared.rows)
    assert one.to_dict() == two.to_dict() == shared.to_dict() == again.to_dict()


def test_friends_make_the_warm_market():
    model = NetworkMarketingModel(small(), seed=3)
    person = 5
    degree = len(model.population.acquaintances(person))
    few = me.warm_market(model, person, 3)
    many = me.warm_market(model, person, degree + 50)
    assert len(few) == 3 and set(few) <= set(model.population.acquaintances(person).tolist())
    assert len(many) == degree + 50 == len(set(many)) and person not in many


@pytest.mark.parametrize(
    "profile",
    [
        Profile(hours=-1),
        Profile(hours=0),
        Profile(tolerance=0),
        Profile(friends=-1),
        Profile(experience="guru"),
        Profile(months=0),
        Profile(join_week=10_000),
    ],
)
def test_bad_profiles_are_refused(profile):
    with pytest.raises(ProfileError):
        check_profile(profile, load_scenario("baseline"))


@pytest.mark.parametrize(
    "args",
    [
        ["--hours", "-3"],
        ["--tolerance", "0"],
        ["--scenario", "no_such_scenario"],
        ["--friends", "-1"],
        ["--join-after-weeks", "261"],
        ["--futures", "0"],
    ],
)
def test_bad_input_on_the_command_line_exits_2(args):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "me", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stdout == ""


JSON_KEYS = {
    "scenario", "profile", "futures", "replicates", "focal_per_replicate", "master_seed",
    "minimum_wage", "own_purchase_value_share", "break_even_eur", "horizons", "promise",
    "dropout_reasons", "lang", "summary", "note",
}  # fmt: skip
HORIZON_KEYS = {
    "months", "weeks", "active", "profit", "net", "hours_invested", "net_per_hour",
    "beats_minimum_wage", "minimum_wage_job", "weeks_active_mean", "recruits_mean",
}  # fmt: skip
SHARE_KEYS = {"share", "lo", "hi", "k", "n"}


def test_json_has_the_documented_keys(capsys):
    argv = ["me", "--hours", "6", "--tolerance", "4", "--friends", "80", "--months", "12",
            "--futures", "10", "--workers", "1", "--json", "--lang", "de",
            "--set", "population.size=2000", "--set", "population.founders=10"]  # fmt: skip
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == JSON_KEYS
    assert [h["months"] for h in data["horizons"]] == [3, 6, 12]
    for h in data["horizons"]:
        assert set(h) == HORIZON_KEYS
        for k in ("active", "profit", "beats_minimum_wage"):
            assert set(h[k]) == SHARE_KEYS and h[k]["n"] == 10
            assert h[k]["lo"] <= h[k]["share"] <= h[k]["hi"]
        assert set(h["net"]) == {"p10", "p50", "p90"}
    assert set(data["dropout_reasons"]["among_stopped"]) == {
        "discouraged",
        "financial",
        "life",
        "no_market",
    }
    assert set(data["promise"]["ahead_of_minimum_wage_job"]) == SHARE_KEYS
    assert "Modell" in data["note"] and "100" in data["summary"]


def test_text_output_is_translated(capsys):
    argv = ["me", "--futures", "5", "--workers", "1", "--months", "3", "--lang", "de",
            "--set", "population.size=2000", "--set", "population.founders=10"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Noch aktiv" in out and "keine Vorhersage" in out
    assert re.search(r"\d+ % \(\d+\u2013\d+\)", out)  # every share with its interval
