"""The printable handout (sim/report.py): its pages, its numbers, its languages, its files."""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from sim.experiments import run_experiment
from sim.i18n import fmt_eur, fmt_int, fmt_pct, t
from sim.metrics import RISK_RULES, pyramid_risk
from sim.report import (
    build_report,
    handout,
    parameter_rows,
    render_html,
    render_pdf,
    representative_seed,
    risk_panel,
    scenario_words,
)
from sim.results import OutputError, write_report
from sim.scenario import load_scenario, param_specs

RUNS = 3


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("baseline").with_overrides(
        {"population.size": 2000, "simulation.weeks": 104}, origin="test"
    )


@pytest.fixture(scope="module")
def outcomes(scenario) -> pd.DataFrame:
    """The same replicates the report runs, run here on their own."""
    return run_experiment(scenario, RUNS, workers=1).outcomes


@pytest.fixture(scope="module")
def pdfs(scenario) -> dict[str, bytes]:
    return {
        lang: build_report(scenario, lang, "pdf", runs=RUNS, workers=1) for lang in ("en", "de")
    }


@pytest.fixture(scope="module")
def html_de(scenario) -> str:
    return build_report(scenario, "de", "html", runs=RUNS, workers=1).decode("utf-8")


def pdf_text(data: bytes) -> str:
    """The text of every page, with line breaks and non-breaking spaces as plain spaces."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().replace("\xa0", " ").split()) for page in pages)


def plain(message: str) -> str:
    return " ".join(message.replace("\xa0", " ").split())


def mean(outcomes: pd.DataFrame, column: str) -> float:
    return float(pd.to_numeric(outcomes[column], errors="coerce").mean())


# ---- the PDF ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "de"])
def test_pdf_has_a_few_a4_pages(pdfs, lang):
    reader = PdfReader(io.BytesIO(pdfs[lang]))
    assert 2 <= len(reader.pages) <= 9  # words, charts, money, risk, sources (the plan: 3 pages)
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_german_pdf_speaks_german(pdfs, scenario):
    text = pdf_text(pdfs["de"])
    for heading in (
        "Das Szenario in Worten",
        "Was die Läufe zeigen",
        "Die wichtigsten Diagramme",
        "Ist es ein Schneeballsystem?",
        "Quellen und Annahmen",
    ):
        assert heading in text
    for char in ("€", "ä", "ö", "ü", "ß"):
        assert char in text
    assert "baseline" in text
    assert plain(scenario.describe("de")) in text
    assert "keine Rechtsberatung" in text
    assert "Nettoeinkommen" in text and "Wochen" in text
    assert "What the runs show" not in text


def test_english_pdf_speaks_english(pdfs, scenario):
    text = pdf_text(pdfs["en"])
    for heading in (
        "The scenario in words",
        "What the runs show",
        "The key charts",
        "Is it a pyramid?",
        "Sources and assumptions",
    ):
        assert heading in text
    assert plain(scenario.describe("en")) in text
    assert "not legal advice" in text
    assert "Was die Läufe zeigen" not in text


@pytest.mark.parametrize("lang", ["en", "de"])
def test_findings_are_the_numbers_of_the_runs(pdfs, outcomes, lang):
    text = pdf_text(pdfs[lang])
    per_100 = {
        k: fmt_int(100 * mean(outcomes, f"share_{k}"), lang)
        for k in ("net_loss", "break_even", "profit")
    }
    assert (
        plain(
            t(
                "report.finding_outcomes",
                lang,
                loss=per_100["net_loss"],
                even=per_100["break_even"],
                profit=per_100["profit"],
            )
        )
        in text
    )
    median = fmt_eur(mean(outcomes, "net_income_p50"), lang)
    assert plain(t("report.finding_median", lang, median=median)) in text
    first_year = fmt_pct(mean(outcomes, "first_year_dropout_share"), lang)
    assert plain(t("report.finding_dropout", lang, share=first_year)) in text
    top = fmt_pct(mean(outcomes, "top1_commission_share"), lang)
    assert plain(t("report.finding_top", lang, share=top)) in text
    # the pictured run is one of the replicates: the one with the median loss share
    assert (
        plain(t("report.caption_income", lang, seed=representative_seed(outcomes), runs=RUNS))
        in text
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_where_each_euro_went_is_the_mean_of_the_runs(pdfs, outcomes, lang):
    text = pdf_text(pdfs[lang])
    revenue = mean(outcomes, "company_revenue")
    parts = ("product_cost", "commissions", "recruiting_rewards", "company_margin")
    shares = {k: fmt_pct(mean(outcomes, k) / revenue, lang) for k in parts}
    split = t("report.money_split", lang, revenue=fmt_eur(revenue, lang), **shares)
    assert plain(split) in text
    ratio = fmt_pct(mean(outcomes, "payout_ratio"), lang)
    assert plain(t("report.money_payout", lang, ratio=ratio)) in text
    breakage = fmt_eur(mean(outcomes, "breakage"), lang)
    assert plain(t("report.money_breakage", lang, breakage=breakage)) in text


@pytest.mark.parametrize("lang", ["en", "de"])
def test_verdict_is_the_rules_applied_to_the_mean_of_the_runs(pdfs, outcomes, lang):
    verdict, _ = pyramid_risk({key: mean(outcomes, key) for key in RISK_RULES})
    text = pdf_text(pdfs[lang])
    assert (
        plain(t("report.finding_verdict", lang, verdict=t(f"risk.verdict_{verdict}", lang))) in text
    )
    counts = outcomes.pyramid_risk.value_counts()
    intro = t(
        "report.risk_intro",
        lang,
        runs=fmt_int(RUNS, lang),
        **{lvl: fmt_int(counts.get(lvl, 0), lang) for lvl in ("red", "amber", "green")},
    )
    assert plain(intro) in text
    for key in RISK_RULES:
        assert plain(t(f"risk.{key}.label", lang)) in text


def test_every_parameter_is_listed_with_its_source(pdfs):
    text = pdf_text(pdfs["de"])
    for key in param_specs():
        assert key in text
    assert plain(t("param.networker.tolerance_mean.source", "de")) in text
    assert plain(t("report.default_was", "de", value="3,5 Kontakte")) in text  # 4.7 in baseline


@pytest.mark.slow
def test_same_inputs_give_the_same_bytes(pdfs, scenario):
    """Two runs of everything (replicates, charts, layout) agree to the byte."""
    again = build_report(scenario, "de", "pdf", runs=RUNS, workers=1)
    assert again == pdfs["de"]
    assert b"/CreationDate (D:20000101000000Z)" in again  # fixed, not the clock


@pytest.mark.slow
def test_another_master_seed_gives_other_numbers(scenario, pdfs):
    other = handout(scenario, "de", runs=RUNS, master_seed=7, workers=1)
    assert render_pdf(other) != pdfs["de"]
    assert "Master-Seed 7" in other.settings


# ---- the HTML ---------------------------------------------------------------------------------


def test_html_is_one_file_that_fetches_nothing(html_de):
    assert html_de.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in html_de
    assert (
        html_de.count('<img src="data:image/png;base64,') == 4
    )  # income, outcomes, survival, money
    links = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", html_de, re.IGNORECASE)
    assert links and all(link.startswith("data:") for link in links), links
    assert "<script" not in html_de.lower()
    assert "<link" not in html_de.lower()
    assert "@import" not in html_de and "url(" not in html_de
    assert "@media print" in html_de


def test_html_images_are_pngs_and_text_is_german(html_de):
    first = re.search(r'src="data:image/png;base64,([^"]+)"', html_de).group(1)
    assert base64.b64decode(first).startswith(b"\x89PNG\r\n\x1a\n")
    assert "Was die Läufe zeigen" in html_de
    assert "keine Rechtsberatung" in html_de


def test_html_escapes_text(scenario):
    h = handout(scenario, "en", runs=1, workers=1)
    evil = dataclasses.replace(h, scenario_line='<script>alert("x")</script> & co')
    page = render_html(evil).decode("utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page


# ---- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "fmt", "word"), [("fr", "pdf", "language"), ("en", "docx", "format")]
)
def test_unknown_language_or_format_is_refused_before_anything_runs(scenario, lang, fmt, word):
    # an executor that breaks when used: the check must come before the replicates
    with pytest.raises(ValueError, match=word) as info:
        build_report(scenario, lang, fmt, runs=RUNS, executor=object())
    assert repr(lang if word == "language" else fmt) in str(info.value)


# ---- the parts --------------------------------------------------------------------------------


def test_parameter_rows_mark_assumptions_and_changed_defaults():
    rows = {r.key: r for r in parameter_rows(load_scenario("baseline"), "en")}
    assert list(rows) == list(param_specs())
    assert rows["networker.tolerance_mean"].value == "5 contacts\ndefault: 3.5 contacts"
    assert not rows["networker.tolerance_mean"].assumption
    assert rows["population.founders"].assumption
    assert rows["population.size"].value == "10,000 people"
    assert rows["compensation.plan"].value == "Unilevel"
    assert rows["compensation.unilevel_rates"].value == "0.08 / 0.05 / 0.04 / 0.04 / 0.04"
    de = {r.key: r for r in parameter_rows(load_scenario("baseline"), "de")}
    assert de["training.enabled"].value == "nein"
    assert de["experienced.skill_factor"].value == "1,5-fach"


def test_scenario_words_follow_the_plan():
    pyramid = scenario_words(load_scenario("pyramid"), "de")
    assert "Einstiegsgebühr von 500 €" in pyramid
    assert t("report.words_no_kit", "de") in pyramid
    assert t("report.words_no_purchase", "de") in pyramid
    baseline = scenario_words(load_scenario("baseline"), "en")
    assert "€100 for a starter kit" in baseline and "entry fee" not in baseline


def test_risk_panel_judges_the_mean_and_names_thresholds():
    values = {key: [0.6, 0.6] for key in RISK_RULES}
    values["retail_share"] = [0.04, 0.08]  # mean 6 %: below the red line of 10 %
    values["median_customers"] = [12.0, 14.0]
    verdict, rows = risk_panel(pd.DataFrame(values), "en")
    assert verdict == "red"
    retail = rows[0]
    assert (retail.level, retail.value, retail.thresholds) == (
        "red",
        "6 %",
        "green ≥ 70 %; red < 10 %",
    )
    customers = next(r for r in rows if r.label == t("risk.median_customers.label", "en"))
    assert (customers.level, customers.value) == ("green", "13.0")
    concentration = rows[-1]
    assert t("risk.not_in_verdict", "en") in concentration.text


def test_representative_seed_is_the_median_loss_run():
    outcomes = pd.DataFrame(
        {"seed": [11, 22, 33, 44, 55], "share_net_loss": [0.9, 0.1, 0.5, 0.45, 0.2]}
    )
    assert representative_seed(outcomes) == 44  # median 0.45


# ---- writing ----------------------------------------------------------------------------------


def test_write_report_writes_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "out" / "handout.pdf"  # the folder is made
    write_report(path, b"first")
    assert path.read_bytes() == b"first"
    with pytest.raises(OutputError, match="already exists") as info:
        write_report(path, b"second")
    assert "existiert schon" in info.value.message("de")
    assert path.read_bytes() == b"first"
    write_report(path, b"second", overwrite=True)
    assert path.read_bytes() == b"second"
    assert os.listdir(path.parent) == ["handout.pdf"]  # no temporary file left behind


def test_write_report_refuses_a_folder(tmp_path):
    with pytest.raises(OutputError, match="folder"):
        write_report(tmp_path, b"x", overwrite=True)


def test_write_report_is_all_or_nothing(tmp_path, monkeypatch):
    path = tmp_path / "handout.html"
    path.write_bytes(b"old")

    def broken_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_disk)
    with pytest.raises(OutputError, match="No space left"):
        write_report(path, b"new", overwrite=True)
    with pytest.raises(OutputError):
        write_report(tmp_path / "fresh.html", b"new")
    assert path.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["handout.html"]


@pytest.mark.parametrize("hard_links", [True, False])
def test_write_report_never_replaces_a_file_that_appears_meanwhile(
    tmp_path, monkeypatch, hard_links
):
    path = tmp_path / "handout.pdf"
    link = os.link

    def someone_else_first(src, dst):
        Path(dst).write_bytes(b"theirs")  # another program takes the name just now
        if not hard_links:  # a file system without hard links
            raise OSError(1, "Operation not permitted")
        link(src, dst)

    monkeypatch.setattr(os, "link", someone_else_first)
    with pytest.raises(OutputError, match="already exists"):
        write_report(path, b"mine")
    assert path.read_bytes() == b"theirs"
    assert os.listdir(tmp_path) == ["handout.pdf"]


def test_write_report_works_without_hard_links(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    write_report(tmp_path / "handout.pdf", b"data")
    assert (tmp_path / "handout.pdf").read_bytes() == b"data"
    assert os.listdir(tmp_path) == ["handout.pdf"]


# ---- the command line ---------------------------------------------------------------------


@pytest.mark.slow
def test_report_command_writes_a_german_pdf(tmp_path, capsys):
    from sim.cli import main

    out = tmp_path / "handout.pdf"
    args = ["report", "baseline", "--lang", "de", "--out", str(out), "--runs", "2",
            "--workers", "1", "--set", "population.size=1500", "--weeks", "52"]  # fmt: skip
    assert main(args) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "Handout geschrieben" in capsys.readouterr().out
    # again: the file exists, so it stops at once with exit 2 and a German message
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("networker-sim: Fehler:") and str(out) in err


def test_report_command_takes_the_format_from_the_file_name(tmp_path):
    from sim.cli import main

    out = tmp_path / "handout.html"
    assert main(["report", "pyramid", "--out", str(out), "--runs", "1", "--workers", "1",
                 "--set", "population.size=1000", "--weeks", "26"]) == 0  # fmt: skip
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
