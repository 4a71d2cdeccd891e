"""Bring your own company: the disclosure table (sim/published.py), the fit
(sim/own_company.py) and the ``own-company`` command."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.model import run
from sim.own_company import fit, fitted_toml, ladder, score, year_end
from sim.published import (
    COMPANIES,
    StatementError,
    published_names,
    read_statement,
    statement_from_bytes,
    template,
)
from sim.scenario import MAX_RANKS, MAX_SCENARIO_BYTES, load_scenario

HEAD = "company,Acme\ncurrency,EUR\nyear,2020\nsource,IDS 2020 page 2\n"
COLUMNS = "title,share_percent,average_income,median_income\n"
GOOD_ROWS = "Starter,70,100,\nLeader,25,1000,500\nStar,5,20000,\n"


def csv_table(head: str = HEAD, columns: str = COLUMNS, rows: str = GOOD_ROWS) -> bytes:
    return (head + columns + rows).encode()


# ---- the table -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "toml"])
def test_the_templates_round_trip(fmt):
    shipped = read_statement(COMPANIES / f"template.{fmt}")
    assert shipped.ranks and shipped.no_rank is not None
    for text, name in ((shipped.to_toml(), "again.toml"), (shipped.to_csv(), "again.csv")):
        again = statement_from_bytes(text.encode(), name)
        assert (again.company, again.currency, again.year, again.source) == (
            shipped.company, shipped.currency, shipped.year, shipped.source)  # fmt: skip
        assert again.rows == shipped.rows


def test_both_templates_hold_the_same_table():
    csv_ = read_statement(COMPANIES / "template.csv")
    toml_ = read_statement(COMPANIES / "template.toml")
    assert csv_.rows == toml_.rows and csv_.company == toml_.company


def test_the_template_command_prints_the_shipped_file(capsys):
    assert main(["own-company", "--template", "toml"]) == 0
    assert capsys.readouterr().out == template("toml")


def test_published_statements_are_valid_and_add_up():
    assert {"doterra_2017", "nuskin_canada_2020"} <= set(published_names())
    for name in published_names():
        s = read_statement(COMPANIES / f"{name}.toml")
        assert abs(sum(r.share for r in s.rows) - 1) < 0.005
        assert s.source and s.year


@pytest.mark.parametrize("name", ["doterra_2017", "nuskin_canada_2020"])
def test_the_shipped_fitted_scenario_loads_and_names_its_statement(name):
    path = COMPANIES / f"{name}-fitted.toml"
    scenario = load_scenario(str(path))
    assert scenario.compensation.rank_titles == tuple(
        r.title for r in read_statement(COMPANIES / f"{name}.toml").ranks
    )
    head = path.read_text(encoding="utf-8").splitlines()
    assert f"{name}.toml" in head[1]
    after, before = re.search(r"score ([\d.]+) \(before the fit ([\d.]+)", head[2]).groups()
    assert float(after) < float(before)


def test_the_nu_skin_table_keeps_the_unpaid_members_as_the_row_without_rank():
    # the statement lists only those paid in an average month (21.7 % of the active)
    s = read_statement(COMPANIES / "nuskin_canada_2020.toml")
    assert s.no_rank is not None and s.no_rank.share == pytest.approx(0.783)
    assert sum(r.share for r in s.ranks) == pytest.approx(0.217)
    assert s.ranks[0].income == 12 * 36 and s.ranks[-1].income == 12 * 24413  # monthly x 12


def test_usd_is_converted_at_the_stated_rate():
    s = statement_from_bytes(csv_table(HEAD.replace("EUR", "USD")), "a.csv")
    assert s.rate == 0.92


def test_a_table_reads_numbers_as_published():
    s = statement_from_bytes(csv_table(rows='Starter,70 %,"$1,200.50",\nLeader,30,"2,000",\n'),
                             "a.csv")  # fmt: skip
    assert s.ranks[0].income == 1200.5 and s.ranks[0].share == 0.7


BAD = [
    # (what, content, name, rule, words the message must hold)
    ("shares", csv_table(rows="Starter,70,100,\nLeader,20,1000,\n"), "a.csv", "sum", ["90"]),
    ("negative", csv_table(rows="Starter,70,-5,\nLeader,30,1000,\n"), "a.csv", "negative",
     ["line 6", "-5"]),
    ("median", csv_table(rows="Starter,70,5,-1\nLeader,30,1000,\n"), "a.csv", "negative",
     ["line 6", "median_income"]),
    ("order", csv_table(rows="Starter,70,100,\nLeader,30,50,\n"), "a.csv", "order",
     ["line 7", "'Leader'", "'Starter'"]),
    ("duplicate", csv_table(rows="Starter,70,100,\nstarter,30,1000,\n"), "a.csv", "duplicate",
     ["line 7", "line 6"]),
    ("column", csv_table(columns="title,share_percent\n", rows="Starter,100\n"), "a.csv",
     "missing_column", ["line 5", "average_income"]),
    ("header", HEAD.encode(), "a.csv", "no_header", ["title"]),
    ("share", csv_table(rows="Starter,170,100,\n"), "a.csv", "share_range", ["line 6", "170"]),
    ("number", csv_table(rows="Starter,seventy,100,\n"), "a.csv", "number", ["line 6"]),
    ("currency", csv_table(HEAD.replace("EUR", "GBP")), "a.csv", "currency", ["GBP"]),
    ("year", csv_table(HEAD.replace("2020", "20")), "a.csv", "year", ["20"]),
    ("key", csv_table(HEAD.replace("source,IDS 2020 page 2\n", "")), "a.csv", "missing_key",
     ["source"]),
    ("cells", csv_table(rows="Starter,100,1,2,3\n"), "a.csv", "row_length", ["line 6"]),
    ("ranks", csv_table(rows=""), "a.csv", "no_ranks", []),
    ("many", csv_table(rows="".join(f"R{i},{100 / 21},{i}\n" for i in range(21))), "a.csv",
     "too_many_ranks", [str(MAX_RANKS)]),
    ("long", csv_table(rows=f"{'A' * 41},100,1\n"), "a.csv", "title_long", ["line 6", "40"]),
    ("toml order", b'company="A"\ncurrency="EUR"\nyear=2020\nsource="s"\n'
     b'[[rank]]\ntitle="A"\nshare_percent=50\naverage_income=10\n'
     b'[[rank]]\ntitle="B"\nshare_percent=50\naverage_income=1\n', "a.toml", "order", ["rank 2"]),
    ("toml key", b'company="A"\ncurrency="EUR"\nyear=2020\nsource="s"\n'
     b'[[rank]]\ntitle="A"\nshare_percent=100\naverage_incme=10\n', "a.toml",
     "unknown_row_key", ["rank 1", "average_incme"]),
    ("size", b"#" * (MAX_SCENARIO_BYTES + 1), "a.csv", "too_large", []),
]  # fmt: skip


@pytest.mark.parametrize("what, content, name, rule, words", BAD, ids=[b[0] for b in BAD])
def test_each_rule_has_its_message(what, content, name, rule, words):
    with pytest.raises(StatementError) as caught:
        statement_from_bytes(content, name)
    err = caught.value
    assert err.kind == rule
    english, german = err.message("en"), err.message("de")
    assert english.startswith(name) and german.startswith(name)
    assert english != german
    for word in words:
        assert word in english
    for word in (w.replace("line", "Zeile").replace("rank ", "Rang ") for w in words):
        assert word in german


def test_a_bad_table_exits_with_status_2_without_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_table(rows="Starter,60,100,\nLeader,30,1000,\n"))
    assert main(["own-company", str(bad), "--out", str(tmp_path / "f.toml")]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "90" in err and "Traceback" not in err
    assert not (tmp_path / "f.toml").exists()
    assert main(["--lang", "de", "own-company", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv" in capsys.readouterr().err


# ---- the fit -------------------------------------------------------------------------------


def test_the_ladder_puts_the_published_shares_at_each_rank():
    s = statement_from_bytes(csv_table(), "a.csv")
    volume = np.arange(1, 1001, dtype=float)
    starts = ladder(s, volume)
    assert list(starts[1:]) == [701.0, 951.0]
    rows = np.searchsorted(starts, volume, side="right") - 1
    assert np.bincount(rows).tolist() == [700, 250, 50]


def test_a_rank_too_rare_for_the_members_is_above_them_all():
    s = statement_from_bytes(csv_table(rows="Starter,99.99,100,\nTop,0.01,5000,\n"), "a.csv")
    starts = ladder(s, np.arange(1, 101, dtype=float))
    assert starts[1] > 100


def test_the_score_is_the_rms_of_scored_log_errors():
    table = pd.DataFrame({"error": [np.log(2), -np.log(2), np.nan]})
    assert score(table) == pytest.approx(np.log(2))


def test_reading_the_year_changes_no_draw():
    scenario = load_scenario("baseline", {"population.size": 2000, "simulation.weeks": 52})
    members = year_end(scenario, 7)
    table = run(scenario, 7).networkers
    active = table[table["exit_week"] < 0]
    assert len(members) == len(active)
    # who joined in the year was paid nothing before it: the same payments, member by member
    new = active["join_week"].to_numpy() >= 0
    paid = (active["commission"] + active["recruiting_reward"]).to_numpy()
    assert np.allclose(np.sort(members["income"].to_numpy()[new]), np.sort(paid[new]))
    assert (members["group_volume"] >= scenario.costs.required_purchase).all()
    assert (members["income"] >= 0).all()


def young():
    """The baseline company 3 years old: a short history, a quick fit."""
    return load_scenario("baseline", {"simulation.company_age_years": 3})


@pytest.fixture(scope="module")
def tiny_fit():
    # published incomes far above the baseline's: the fit has to move the plan
    s = statement_from_bytes(csv_table(rows="Starter,70,300,\nLeader,25,3000,\nStar,5,20000,\n"),
                             "acme.csv")  # fmt: skip
    return fit(s, young(), runs=2, people=2000, start=3, steps=6, workers=1, seed=3)


def test_a_small_fit_improves_the_score(tiny_fit):
    assert tiny_fit.score < tiny_fit.start_score
    table = tiny_fit.table
    assert table["fitted_share"].sum() == pytest.approx(1.0)
    assert list(table["rank"]) == ["Starter", "Leader", "Star"]
    assert tiny_fit.overrides["compensation.unilevel_rates"] != list(
        load_scenario("baseline").compensation.unilevel_rates
    )


def test_the_fit_is_reproducible(tiny_fit):
    again = fit(tiny_fit.statement, young(), runs=2, people=2000, start=3, steps=6, workers=1,
                seed=3)  # fmt: skip
    assert again.overrides == tiny_fit.overrides
    pd.testing.assert_frame_equal(again.table, tiny_fit.table)


def test_the_fitted_file_loads_as_a_scenario(tiny_fit, tmp_path):
    path = tmp_path / "acme-fitted.toml"
    path.write_text(fitted_toml(tiny_fit, "acme.csv"), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Fitted by `networker-sim own-company`") and "acme.csv" in text
    loaded = load_scenario(str(path))
    assert loaded.population.size == 2000
    for key, value in tiny_fit.overrides.items():
        sec, name = key.split(".")
        got = getattr(getattr(loaded, sec), name)
        assert (list(got) if isinstance(got, tuple) else got) == value
    assert "Acme" in loaded.description and "Acme" in loaded.description_de


@pytest.mark.slow
def test_the_command_writes_the_fit_and_names_the_next_step(tmp_path, capsys):
    table = tmp_path / "acme.csv"
    table.write_bytes(csv_table())
    out = tmp_path / "fitted.toml"
    args = ["own-company", str(table), "--out", str(out), "--people", "1500", "--runs", "1",
            "--start", "2", "--steps", "0", "--workers", "1", "--json"]  # fmt: skip
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["company"] == "Acme" and len(data["table"]) == 3
    assert data["scenario_file"] == str(out) and out.is_file()
    load_scenario(str(out))
    assert main(args) == 2  # the file exists now: refused without --overwrite
    assert "--overwrite" in capsys.readouterr().err
    assert main([*args[:-1], "--overwrite", "--lang", "de"]) == 0
    text = capsys.readouterr().out
    assert "networker-sim me --scenario" in text and "Rangleiter" in text
