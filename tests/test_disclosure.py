"""The income disclosure, two ways (sim/disclosure.py, docs/model.md §5.5): the rules of
each framing on hand-made figures, the year of a small company against a run of the same
year, what is kept once computed, and the command ``networker-sim disclosure``."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import disclosure as disc
from sim.cli import main
from sim.cli.disclosure import format_disclosure
from sim.disclosure import (
    Disclosure,
    RankRow,
    Source,
    at_company_scale,
    company_framing,
    disclose,
    disclosure_key,
    largest_remainder,
    pictograph_counts,
    pictograph_rows,
    read_disclosure,
    recruiter_story,
    shipped_path,
    stored_disclosure,
    targets,
    truth_of,
)
from sim.i18n import t
from sim.model import NetworkMarketingModel
from sim.scenario import ScenarioError, library_names, load_scenario

SMALL = 5000  # people: a company of a few dozen members, two seconds
NO_LADDER = {f"compensation.{k}": [] for k in ("rank_titles", "rank_personal_volume",
             "rank_group_volume", "rank_legs", "rank_leg_rank", "rank_levels", "rank_bonus",
             "rank_pool_share", "rank_generations")}  # fmt: skip
NO_LADDER["compensation.generation_rate"] = 0.0


def plain_baseline():
    """The baseline without its rank ladder: one implicit rank, "paid" (these tests were
    written before the baseline had a ladder; the ladder's rows are tested on their own)."""
    return load_scenario("baseline", NO_LADDER)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder, in pytest's temporary folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "networker-sim" / "disclosures"


@pytest.fixture(scope="module")
def small() -> Disclosure:
    return disclose(plain_baseline(), people=SMALL)


# ---- the rules, on hand-made figures ---------------------------------------------------------


def test_largest_remainder_sums_to_exactly_100() -> None:
    assert largest_remainder((1, 1, 1), 100) == (34, 33, 33)  # a tie goes to the first
    assert largest_remainder((256, 0, 3, 1), 100) == (99, 0, 1, 0)  # 98.46, 0, 1.15, 0.38
    assert largest_remainder((0, 0, 0, 0), 100) == (0, 0, 0, 0)
    rng = np.random.default_rng(1)
    for _ in range(200):
        counts = tuple(int(x) for x in rng.integers(0, 1000, 4))
        shown = largest_remainder(counts, 100)
        if sum(counts):
            assert sum(shown) == 100
            # each is its exact share rounded down or up
            for c, s in zip(counts, shown, strict=True):
                assert abs(s - 100 * c / sum(counts)) < 1


def test_pictograph_categories_by_net_income() -> None:
    net = np.array([-500.0, -0.01, 0.0, 0.004, 0.01, 999.99, 1000.0, 25_000.0])
    # lost / nothing (within half a cent) / gained under €1,000 / €1,000 or more
    assert pictograph_counts(net) == (2, 2, 2, 2)


def test_the_company_counts_the_active_by_highest_rank_and_pays_only_commissions() -> None:
    paid = np.array([0.0, 100.0, 300.0, 5000.0, 9999.0, 50.0])
    highest = np.array([-1, 0, 0, 1, 1, 0])
    active = np.array([True, True, True, True, False, False])  # the last two left
    c = company_framing(paid, highest, active, ("Silver", "Gold"), left=2)
    assert (c.active_end, c.ranked, c.left_excluded) == (4, 3, 2)
    silver, gold = c.ranks
    assert (silver.title, silver.members, silver.share_of_active) == ("Silver", 2, 0.5)
    assert (silver.mean, silver.median, silver.low, silver.high) == (200.0, 200.0, 100.0, 300.0)
    # the one who earned most left during the year: not in the company's figures
    assert (gold.members, gold.high) == (1, 5000.0)
    assert c.ranked_share == 0.75


def test_a_rank_nobody_reached_shows_no_figures() -> None:
    c = company_framing(np.zeros(2), np.array([0, -1]), np.ones(2, bool), ("A", "B"), 0)
    assert c.ranks[1].members == 0 and math.isnan(c.ranks[1].mean)
    assert json.loads(json.dumps(disc._json_safe({"x": c.ranks[1].mean}))) == {"x": None}


def test_the_truth_counts_everyone_with_nothing_and_losses() -> None:
    gross = np.array([0.0, 0.0, 50.0, 2000.0])
    net = np.array([-100.0, 0.0, -20.0, 1500.0])
    tr = truth_of(gross, net, joined=1, left=2)
    assert (tr.members, tr.joined, tr.left) == (4, 1, 2)
    assert tr.share_nothing == 0.5 and tr.share_lost == 0.5
    assert tr.median_net == -10.0 and tr.mean_net == 345.0
    assert tr.counts == (2, 1, 0, 1) and tr.pictograph == (50, 25, 0, 25)


def test_the_recruiters_story_is_the_top_tenth_of_a_percent() -> None:
    gross = np.arange(2500, dtype=float)  # the top 0.1 %: 2.5, so 3 people
    r = recruiter_story(gross, gross - 100)
    assert r.people == 3
    assert (r.highest_gross, r.threshold_gross, r.mean_gross) == (2499.0, 2497.0, 2498.0)
    assert r.mean_net == 2398.0
    assert recruiter_story(np.array([5.0]), np.array([1.0])).people == 1  # at least one


def test_targets_d1_to_d3_on_company_payments() -> None:
    limit = 1000 * disc.EUR_PER_USD  # $1,000 in EUR
    paid = np.array([0.0] * 6 + [limit, limit + 1, 50.0, 100_000.0])
    d1, d2, d3 = targets(paid)
    assert (d1.key, d1.value, d1.holds) == ("D1", 0.8, True)  # 8 of 10 at most $1,000
    assert (d2.value, d2.holds) == (0.6, True)  # 6 of 10 received nothing
    assert (d3.value, d3.holds) == (100_000.0, True)  # >= $100k = €92,000
    d1, d2, d3 = targets(np.zeros(10))
    assert d1.holds and not d2.holds and not d3.holds  # all unpaid: above D2's 90 %


# ---- one year of a small company -------------------------------------------------------------


def test_the_year_adds_up(small: Disclosure) -> None:
    c, tr = small.company, small.truth
    assert small.people == SMALL and small.weeks == 52 and small.ladder == ()
    assert tr.members > 10
    assert sum(tr.counts) == tr.members and sum(tr.pictograph) == 100
    # the company's statement leaves out who left and who reached no paid rank
    assert c.active_end == tr.members - tr.left
    assert c.left_excluded == tr.left
    assert 0 < c.ranked <= c.active_end
    (paid,) = c.ranks
    assert paid.title == "paid" and paid.members == c.ranked
    assert 0 < paid.low <= paid.median <= paid.high and paid.low <= paid.mean <= paid.high
    assert small.recruiter.people == 1
    assert small.recruiter.highest_gross >= small.recruiter.threshold_gross
    assert [x.key for x in small.targets] == ["D1", "D2", "D3"]


def test_the_year_is_the_year_of_a_run_of_the_scenario(small: Disclosure) -> None:
    """The same scenario, seed and people run for 52 weeks as ``run`` does (the weekly
    records kept): the same members, the same exits."""
    s = at_company_scale(plain_baseline(), people=SMALL)
    model = NetworkMarketingModel(s)
    members_at_start = model.ledger.n
    model.run()
    lg = model.ledger
    assert small.truth.members == lg.n
    assert small.truth.joined == lg.n - members_at_start
    assert small.company.active_end == int(lg.active.sum())
    # what the company paid in the year: the weekly series' commissions and rewards
    weekly = model.series.frame()
    in_year = weekly["commissions"].sum() + weekly["recruiting_rewards"].sum()
    ranked = small.company.ranks[0]
    # paid to those still active and ranked, plus to the ones who left or were not ranked
    assert ranked.mean * ranked.members <= in_year + 1e-6


def test_same_seed_same_disclosure_other_seed_other(small: Disclosure) -> None:
    again = disclose(plain_baseline(), people=SMALL)
    assert again == small
    assert again.to_dict() == small.to_dict()
    other = disclose(plain_baseline(), seed=7, people=SMALL)
    assert other.seed == 7 and other.key != small.key
    assert other.to_dict() != small.to_dict()


def test_a_rank_nobody_reached_reads_back_as_no_figure(small: Disclosure) -> None:
    empty = RankRow(1, "Diamond", 0, 0.0, math.nan, math.nan, math.nan, math.nan)
    company = replace(small.company, ranks=(*small.company.ranks, empty))
    d = replace(small, company=company)
    back = Disclosure.from_dict(json.loads(json.dumps(d.to_dict(), allow_nan=False)))
    row = back.company.ranks[-1]
    assert row.members == 0 and all(
        math.isnan(x) for x in (row.mean, row.median, row.low, row.high)
    )
    assert back.to_dict() == d.to_dict()


def test_to_dict_is_json_and_reads_back(small: Disclosure) -> None:
    text = json.dumps(small.to_dict(), allow_nan=False)
    assert Disclosure.from_dict(json.loads(text)) == small
    table = small.frame()
    assert list(table.columns) == ["view", "row", "measure", "value"]
    assert set(table["view"]) == {"company", "truth", "recruiter", "target"}
    assert list(small.rank_table()["title"]) == ["paid"]


def test_company_scale_by_default() -> None:
    s = load_scenario("baseline")
    assert at_company_scale(s).population.size == 1_000_000
    assert at_company_scale(s).simulation.weeks == 52
    big = load_scenario("large_company")
    assert at_company_scale(big).population.size == big.population.size  # larger: kept
    with pytest.raises(ScenarioError, match=r"population\.size"):
        at_company_scale(s, people=10)


def test_a_launch_has_a_first_year() -> None:
    d = disclose(load_scenario("hype_launch"), people=2000)
    assert d.company_age_years == 0
    assert d.truth.joined == d.truth.members - load_scenario("hype_launch").population.founders


# ---- kept once computed ----------------------------------------------------------------------


def test_computed_once_then_read_from_the_cache(cache: Path, small: Disclosure) -> None:
    s = plain_baseline()
    d, source = stored_disclosure(s, people=SMALL)
    assert source is Source.COMPUTED and d == small
    assert [p.name for p in cache.iterdir()] == [f"{d.key}.json"]  # no working file left
    again, source = stored_disclosure(s, people=SMALL)
    assert source is Source.CACHE and again == d
    # another seed is another disclosure
    assert stored_disclosure(s, seed=7, people=SMALL)[1] is Source.COMPUTED


def test_a_damaged_cache_file_is_computed_anew(cache: Path, small: Disclosure) -> None:
    cache.mkdir(parents=True)
    path = cache / f"{small.key}.json"
    path.write_text('{"key": "' + small.key + '", "truth": ', encoding="utf-8")
    d, source = stored_disclosure(plain_baseline(), people=SMALL)
    assert source is Source.COMPUTED and d == small
    assert Disclosure.from_dict(json.loads(path.read_text(encoding="utf-8"))) == small


def test_every_library_scenario_ships_its_disclosure_of_today() -> None:
    """A library scenario changed without ``scripts/disclosures.py`` run again would be
    computed for a minute on the user's machine (the slow test below checks the figures)."""
    for name in library_names():
        key = disclosure_key(at_company_scale(load_scenario(name)))
        d = read_disclosure(shipped_path(name), key)
        assert d is not None, f"run: uv run python scripts/disclosures.py {name}"
        assert d.scenario == name and d.people >= 1_000_000


def test_the_shipped_disclosure_is_read_in_a_moment(cache: Path) -> None:
    d, source = stored_disclosure(load_scenario("baseline"))
    assert source is Source.SHIPPED and d.people == 1_000_000
    assert not cache.exists()  # nothing computed, nothing written


@pytest.mark.slow
def test_the_shipped_baseline_is_what_the_model_gives(cache: Path) -> None:
    """The baseline at 10^6 people, computed again (about a minute): the shipped file is
    what the model gives today."""
    s = load_scenario("baseline")
    shipped, source = stored_disclosure(s)
    assert source is Source.SHIPPED
    assert disclose(s).to_dict() == shipped.to_dict()  # NaN (a rank nobody reached) as None


# ---- the command -----------------------------------------------------------------------------

ARGS = ["disclosure", "baseline", "--people", str(SMALL)]


def test_the_command_shows_both_framings(cache: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(ARGS) == 0
    out, err = capsys.readouterr()
    assert "Building the company's 20 years at 5,000 people" in err
    assert "The year of the disclosure" in err
    for head in ("WHAT THE COMPANY PUBLISHES", "THE SAME YEAR FOR EVERYONE",
                 "WHAT THE RECRUITER TELLS", "Out of 100 members"):  # fmt: skip
        assert head in out
    rows = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    grid = [r for r in rows if len(r) == 10 and set(r) <= set("xo+#")]
    assert len(grid) == 10
    assert "(computed in " in out
    for key in ("D1", "D2", "D3"):
        assert any(line.strip().startswith(key) for line in out.splitlines())
    assert main(ARGS) == 0  # the second time: from the cache, no progress
    out, err = capsys.readouterr()
    assert "(computed before, read from the cache)" in out and err == ""


def test_the_command_in_german(cache: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([*ARGS, "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert "WAS DAS UNTERNEHMEN VERÖFFENTLICHT" in out and "DASSELBE JAHR FÜR ALLE" in out
    assert "5.000 Menschen" in out and "Von 100 Mitgliedern" in out


def test_json_and_files(cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([*ARGS, "--json", "--out", str(tmp_path / "d.csv")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["people"] == SMALL and len(printed["targets"]) == 3
    table = pd.read_csv(tmp_path / "d.csv")
    members = table[(table.view == "truth") & (table.measure == "members")]["value"]
    assert int(members.iloc[0]) == printed["truth"]["members"]
    assert main([*ARGS, "--out", str(tmp_path / "d.json")]) == 0
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8")) == printed
    assert "Disclosure written to" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "d.csv", "d.json"]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([*ARGS, "--out", "d.txt"], "must end in .csv or .json"),
        (["disclosure", "baseline", "--people", "10"], "--people"),
        (["disclosure", "no_such_scenario"], "no_such_scenario"),
        (["disclosure", "baseline", "--people", "x"], "invalid int value"),
    ],
)
def test_bad_input_exits_2(argv, says, cache: Path, capsys: pytest.CaptureFixture) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_the_pictograph_is_ten_rows_of_ten() -> None:
    assert pictograph_rows((97, 0, 2, 1)) == ["x" * 10] * 9 + ["xxxxxxx++#"]


def test_text_names_the_ladders_own_titles(small: Disclosure) -> None:
    """With a ladder (``compensation.rank_titles``) its titles are shown as they are."""
    rank = replace(small.company.ranks[0], title="Diamond")
    laddered = replace(small, ladder=("Diamond",),
                       company=replace(small.company, ranks=(rank,)))  # fmt: skip
    assert "Diamond: " in format_disclosure(laddered, "cache")
    assert "Paid (any commission or reward): " in format_disclosure(small, "cache")


# ---- the report's section --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_report_shows_both_framings_and_the_pictograph(small: Disclosure, lang: str) -> None:
    from sim.present import PICTOGRAPH_COLOURS
    from sim.report import disclosure_section

    page = disclosure_section(small, lang)
    # 100 squares, and one beside each category's line of the legend
    assert page.count("<rect ") == 100 + len(PICTOGRAPH_COLOURS) and "<svg" in page
    for key in ("company_head", "truth_head", "recruiter_head", "pictograph_head"):
        assert t(f"disclosure.{key}", lang) in page
    # each category's squares in its colour, as many as the pictograph says (and its legend's)
    for colour, n in zip(PICTOGRAPH_COLOURS.values(), small.truth.pictograph, strict=True):
        assert page.count(f'fill="{colour}"') == n + 1
    assert disclosure_section(None, lang) == ""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_pdf_shows_both_framings_and_the_pictograph(small: Disclosure, lang: str) -> None:
    import io

    from pypdf import PdfReader

    from sim.report import build_report

    scenario = plain_baseline().with_overrides(
        {"population.size": 2000, "simulation.weeks": 52}, origin="test"
    )
    pdf = build_report(scenario, lang, "pdf", runs=2, workers=1, disclosure=small)
    text = " ".join(
        " ".join(page.extract_text().replace("\xa0", " ").split())
        for page in PdfReader(io.BytesIO(pdf)).pages
    )
    for key in ("h_disclosure", "company_head", "truth_head", "recruiter_head", "pictograph_head"):
        assert t(f"disclosure.{key}", lang) in text
    assert t("disclosure.rank_paid", lang) in text  # the company's table, row by row
    for target in small.targets:
        assert target.key in text
    without = build_report(scenario, lang, "pdf", runs=2, workers=1)
    assert t("disclosure.company_head", lang) not in " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(without)).pages
    )


def test_a_small_rank_is_not_shown_as_nobody() -> None:
    assert disc.rank_share(0.0043, "en") == "0.43 %"
    assert disc.rank_share(0.0043, "de") == "0,43 %"
    assert disc.rank_share(0.088, "en") == "8.8 %"
    assert disc.rank_share(0.88, "en") == "88 %"
    assert disc.rank_share(0.0, "en") == "0 %"
