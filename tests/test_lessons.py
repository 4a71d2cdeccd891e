"""The seven lessons (sim/lessons.py, lessons/): every text in both languages, every number
from runs, and the committed Markdown matching a fresh computation."""

from __future__ import annotations

import re
import string

import pytest

from sim.i18n import LANGS, catalog, t
from sim.lessons import (
    KIND_OF,
    LESSONS,
    LESSONS_DIR,
    MASTER_SEED,
    N_DISCUSS,
    N_WATCH,
    RUNS,
    Runs,
    company_kind,
    lesson_files,
    lesson_markdown,
    measure_all,
    read_lesson,
    write_lessons,
)
from sim.scenario import STATEMENTS, list_scenarios, load_scenario

SMALL = {"population.size": 1500, "simulation.weeks": 104}


@pytest.fixture(scope="module")
def small_numbers() -> dict[str, dict[str, float]]:
    """Every lesson's numbers from two small runs per scenario (seconds, not minutes)."""
    return measure_all(runs=2, workers=1, overrides=SMALL)


def test_seven_lessons_on_the_issue_topics():
    assert [lesson.key for lesson in LESSONS] == [
        "give_up", "money", "saturation", "pyramid", "showcase", "evening", "class_game",
    ]  # fmt: skip
    known = {name for name, _ in list_scenarios()}
    for lesson in LESSONS:
        assert lesson.scenarios and set(lesson.scenarios) <= known
        assert set(lesson.statements) <= set(STATEMENTS)
    assert {"S7", "S5", "S8", "S4", "S9"} <= {s for x in LESSONS for s in x.statements}


def test_gone_within_counts_recent_joiners_for_the_weeks_they_were_seen():
    """Kaplan-Meier, as the handout and the dashboard: two people who joined two weeks
    before the end and are still active say nothing about week 13, so two of the four
    seen that long left (a plain count of everyone would say two in six). The members an
    established company had at week 0 (negative join weeks) are survivors of their cohorts,
    seen only from week 0 on: they are left out, as in ``first_year_dropout_share``."""
    import pandas as pd

    runs = Runs(load_scenario("baseline", {"simulation.weeks": 100}), exp=None)
    runs.__dict__["networkers"] = pd.DataFrame(
        {
            "join_week": [0, 0, 0, 0, 98, 98, -300, -300, -50],
            "exit_week": [5, 5, -1, -1, -1, -1, -1, -1, 60],
        }
    )
    assert runs.gone_within(13) == pytest.approx(0.5)
    assert runs.gone_within(4) == 0.0
    assert len(runs.in_view()) == 6


@pytest.mark.slow
def test_each_lesson_says_which_scenarios_show_a_launch(small_numbers):
    """Issue 21: the baseline is an established company; saturation is what a launch shows.
    Every scenario a lesson lists says which it is, from its ``company_age_years``."""
    files = lesson_files(small_numbers, runs=2, master_seed=7)
    for lang in LANGS:
        for number, lesson in enumerate(LESSONS, start=1):
            text = files[f"{lang}/{lesson.filename(number)}"]
            for name in lesson.scenarios:
                scenario = load_scenario(name)
                label = company_kind(scenario, lang)
                assert f"- `{name}` ({label}): " in text
                age = scenario.simulation.company_age_years
                assert (str(age) in label) if age > 0 else label == t("lessons.launch", lang)
    # what the texts say of them: the saturation lesson contrasts launches with the baseline
    kinds = {name: load_scenario(name).simulation.company_age_years for name in
             ("small_town", "hype_launch", "pyramid", "baseline", "binary_plan",
              "retail_focused", "experienced_leader", "evening_side_job")}  # fmt: skip
    assert kinds["small_town"] == kinds["hype_launch"] == kinds["pyramid"] == 0
    assert min(v for k, v in kinds.items() if k not in ("small_town", "hype_launch", "pyramid")) > 0


def test_a_launch_runs_out_and_the_established_company_does_not(small_numbers):
    """Lesson 3's claim, on the small runs: the town recruits far fewer in its second
    year than in its first; the established baseline's active networkers stay level."""
    sat = small_numbers["saturation"]
    assert sat["recruits_second"] < 0.6 * sat["recruits_first"]
    assert sat["baseline_active_min"] > 0.7 * sat["baseline_active_max"]
    assert sat["baseline_recruits_min"] > 0


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_has_all_its_texts(lang):
    cat = catalog(lang)
    parts = ["title", "question", "shows"]
    parts += [f"watch_{i}" for i in range(1, N_WATCH + 1)]
    parts += [f"discuss_{i}" for i in range(1, N_DISCUSS + 1)]
    missing = [
        f"lessons.{lesson.key}.{part}"
        for lesson in LESSONS
        for part in parts
        if f"lessons.{lesson.key}.{part}" not in cat
    ]
    assert not missing
    assert all(f"lessons.statement.{s}" in cat for s in STATEMENTS)


def test_every_number_in_a_lesson_comes_from_its_runs(small_numbers):
    """A placeholder of a "shows" text that no run produces would be a typed-in number."""
    for lesson in LESSONS:
        produced = set(small_numbers[lesson.key])
        assert produced <= set(KIND_OF), f"{lesson.key}: numbers without a format"
        for lang in LANGS:
            text = t(f"lessons.{lesson.key}.shows", lang, **{n: "1" for n in produced})
            names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert not names
            placeholders = {
                f
                for _, f, _, _ in string.Formatter().parse(
                    catalog(lang)[f"lessons.{lesson.key}.shows"]
                )
                if f
            }
            assert placeholders <= produced, f"{lesson.key} ({lang}): {placeholders - produced}"
            # no digits typed into the sentence but fixed thresholds (€100, 13 weeks, top 1 %)
            # and week 0, the name of the view's start (docs/model.md §2.7)
            fixed = re.sub(r"\{[a-z0-9_]+\}", "", catalog(lang)[f"lessons.{lesson.key}.shows"])
            assert set(re.findall(r"\d+", fixed)) <= {"0", "1", "10", "100", "13", "20"}, (
                lesson.key,
                lang,
            )


def test_lessons_render_in_both_languages(small_numbers):
    files = lesson_files(small_numbers, runs=2, master_seed=7)
    assert len(files) == 2 * (len(LESSONS) + 1)
    for lang in LANGS:
        for number, lesson in enumerate(LESSONS, start=1):
            text = files[f"{lang}/{lesson.filename(number)}"]
            assert text.startswith(f"# {t('lessons.lesson', lang, number=number)}: ")
            for heading in ("question", "scenarios", "watch", "discuss", "shows"):
                assert f"## {t(f'lessons.{heading}', lang)}" in text
            assert "{" not in text and "}" not in text
            for name in lesson.scenarios:
                assert f"`{name}`" in text
    de = files["de/05-showcase.md"]
    assert "Führungskräfte" in de and "Leaders" not in de


def test_german_lessons_write_numbers_the_german_way(small_numbers):
    files = lesson_files(small_numbers)
    money = files["de/02-money.md"]
    assert re.search(r"verloren \d+ % von ihnen", money)
    assert re.search(r"-?\d[\d.]* €", money)
    assert not re.search(r"€\d", money)


def test_write_lessons_replaces_the_folder_whole(tmp_path, small_numbers):
    folder = tmp_path / "lessons"
    (folder / "en").mkdir(parents=True)
    (folder / "en" / "stale.md").write_text("old")
    paths = write_lessons(small_numbers, folder, runs=2, master_seed=7)
    assert not (folder / "en" / "stale.md").exists()
    assert all(p.is_file() for p in paths)
    assert read_lesson(1, "de", folder).startswith("# Einheit 1")
    assert read_lesson(1, "en", tmp_path / "nowhere") is None


@pytest.mark.slow
def test_the_committed_lessons_match_fresh_runs():
    """The numbers in lessons/ are generated, not typed in: regenerate and compare.

    If this fails after a change to the model, run `uv run networker-sim lessons --write`.
    """
    fresh = lesson_files(measure_all(RUNS, MASTER_SEED))
    for rel, text in fresh.items():
        path = LESSONS_DIR / rel
        assert path.is_file(), f"{path} is missing"
        assert path.read_text(encoding="utf-8") == text, f"{path} is out of date"


def test_lessons_command_lists_the_lessons(capsys):
    from sim.cli import main

    assert main(["lessons", "--lang", "de"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(LESSONS)
    assert lines[0].startswith(f"1. {t('lessons.give_up.title', 'de')}")
    assert "de/01-give-up.md" in lines[0]


@pytest.mark.slow
def test_lessons_write_reruns_the_scenarios_into_the_folder(tmp_path, monkeypatch, capsys):
    import sim.lessons
    from sim.cli import main

    monkeypatch.setattr(sim.lessons, "LESSONS_DIR", tmp_path / "lessons")
    assert main(["lessons", "--write", "--runs", "1", "--seed", "5", "--workers", "1"]) == 0
    assert "1 runs per scenario, master seed 5" in capsys.readouterr().out
    text = (tmp_path / "lessons" / "en" / "04-pyramid.md").read_text(encoding="utf-8")
    assert "mean over 1 runs of each scenario (master seed 5)" in text
    assert (tmp_path / "lessons" / "de" / "README.md").is_file()


def test_lessons_write_refuses_zero_runs(capsys):
    from sim.cli import main

    assert main(["lessons", "--write", "--runs", "0", "--lang", "de"]) == 2
    assert "Fehler" in capsys.readouterr().err


@pytest.mark.parametrize("lang", LANGS)
def test_the_class_game_lesson_is_planned_for_45_minutes(lang):
    """The game's lesson (issue 25) is a timed plan: guess before, play, reveal, compare
    after; its steps add up to one lesson of 45 minutes in both languages."""
    cat = catalog(lang)
    games = [lesson for lesson in LESSONS if lesson.game]
    assert [lesson.key for lesson in games] == ["class_game"]
    steps = [cat[f"lessons.class_game.plan_{i}"] for i in range(1, games[0].plan + 1)]
    minutes = [int(m) for step in steps for m in re.findall(r"\((\d+) [Mm]in", step)]
    assert len(minutes) == len(steps) and sum(minutes) == 45
    text = lesson_markdown(7, games[0], dict.fromkeys(KIND_OF, 0.5), lang)
    assert t("lessons.plan", lang) in text
    assert t("lessons.how_to_play", lang, name="baseline") in text
    assert t("lessons.how_to_load", lang, name="baseline") not in text
