"""The model's documentation in docs/: current with the code, and self-contained.

docs/parameters.md is generated from the scenario declarations; docs/model.md's worked
examples of the compensation plans are rerun through ``compensation.pay``; every section the
code cites exists; and nothing in the repository points to documents outside it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sim import compensation
from sim.docs import parameter_reference
from sim.scenario import Compensation, param_specs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MODEL = (DOCS / "model.md").read_text(encoding="utf-8")
REGENERATE = "uv run python -m sim.docs docs/parameters.md"


def tracked_text_files() -> dict[str, str]:
    """Every file git tracks in this checkout that reads as UTF-8 text, by path."""
    try:
        names = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
        ).stdout.split("\0")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    out = {}
    for name in filter(None, names):
        try:
            out[name] = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
    return out


def test_parameter_reference_is_current():
    current = (DOCS / "parameters.md").read_text(encoding="utf-8")
    assert current == parameter_reference(), (
        f"docs/parameters.md is out of date with sim/scenario.py: run `{REGENERATE}`"
    )


def test_parameter_reference_lists_every_key_once():
    text = parameter_reference()
    for key in param_specs():
        section, name = key.split(".", 1)
        block = text.split(f"## `[{section}]`", 1)[1].split("\n## ", 1)[0]
        assert block.count(f"| `{name}` |") == 1, key


# Built from parts, so that this file does not name what it looks for.
OUTSIDE = (
    "../" + "shared",
    "shared" + "/docs",
    "seed" + "/network-marketing",
    "MODEL" + ".md",
    "CALIBRATION" + ".md",
)


def test_nothing_points_outside_the_repository():
    files = tracked_text_files()
    assert "docs/model.md" in files, "docs/ is not tracked"
    hits = [
        f"{name}:{n}: {line.strip()}"
        for name, text in files.items()
        for n, line in enumerate(text.splitlines(), 1)
        if any(word in line for word in OUTSIDE)
    ]
    assert not hits, "references to documents outside the repository:\n" + "\n".join(hits)


SECTION_HEADINGS = set(re.findall(r"^#{2,3} §(\d+(?:\.\d+)?) ", MODEL, re.MULTILINE))
CITATION = re.compile(
    r"(?:docs/model\.md|MODEL\.md)`?,? (?:§|section |Abschnitt )(\d+(?:\.\d+)?)", re.IGNORECASE
)


def test_model_sections_are_numbered_in_order():
    numbers = re.findall(r"^#{2,3} §(\d+(?:\.\d+)?) ", MODEL, re.MULTILINE)
    top = [int(n) for n in numbers if "." not in n]
    assert top == list(range(1, len(top) + 1))
    for major in top:
        subs = [int(n.split(".")[1]) for n in numbers if n.startswith(f"{major}.")]
        assert subs == list(range(1, len(subs) + 1)), f"§{major}"


def test_every_cited_section_of_the_model_exists():
    files = tracked_text_files()
    cited = {
        f"{name}: §{number}"
        for name, text in files.items()
        for number in CITATION.findall(text)
        if number not in SECTION_HEADINGS
    }
    assert not cited, f"sections cited but missing in docs/model.md: {sorted(cited)}"
    assert len([n for t in files.values() for n in CITATION.findall(t)]) > 50  # finds them


def test_every_parameter_the_model_names_exists():
    named = set(re.findall(r"`([a-z]+\.[a-z_]+)`", MODEL))
    sections = {key.split(".")[0] for key in param_specs()}
    keys = {k for k in named if k.split(".")[0] in sections}
    assert keys, "docs/model.md names no parameter"
    unknown = sorted(keys - set(param_specs()))
    assert not unknown, f"docs/model.md names parameters that do not exist: {unknown}"


# ---- docs/model.md §4: each worked example, through the plans' own function ------------------


def pay(plan: str, sponsor: list[int], personal: list[float], enrolments=(), **changes):
    """Pay one month of ``plan`` (its defaults, with ``changes``) on a hand-built tree."""
    params = replace(Compensation(), plan=plan, **changes)
    placement = compensation.placement(params)
    placement.place_many(np.arange(len(sponsor)), np.array(sponsor))
    tree = placement.downline(np.array(sponsor), np.ones(len(sponsor), dtype=bool))
    volumes = compensation.Volumes(np.array(personal, float), np.array(enrolments, np.int64))
    return compensation.pay(tree, volumes, params)


def shown(amounts: np.ndarray) -> str:
    """Payouts as docs/model.md writes them: 'A €17.80, B €8.00, C €0.00'."""
    return ", ".join(f"{'ABCD'[i]} €{x:,.2f}" for i, x in enumerate(amounts))


def section(number: str) -> str:
    return MODEL.split(f"### §{number} ", 1)[1].split("\n### ", 1)[0]


def in_text(text: str, words: str) -> bool:
    """``words`` in ``text``, ignoring line breaks and bold marks."""
    return words in re.sub(r"\s+", " ", text.replace("**", ""))


def test_unilevel_example():
    paid = pay("unilevel", [-1, 0, 1], [100, 160, 100])
    assert paid.commission.tolist() == [17.80, 8.00, 0.00]
    assert in_text(section("4.2"), "A €17.80") and in_text(section("4.2"), "B €8.00")
    unqualified = pay("unilevel", [-1, 0, 1], [90, 160, 100])
    assert in_text(section("4.2"), shown(unqualified.commission))
    bonus = pay("unilevel", [-1, 0, 1], [100, 160, 100], [1], fast_start_bonus=25.0)
    assert bonus.recruiting_reward.tolist() == [0.0, 25.0, 0.0]
    assert in_text(section("4.2"), "recruiting reward of €25.00")


def test_stairstep_examples():
    two_legs = pay("stairstep_breakaway", [-1, 0, 0], [100, 400, 300])
    assert two_legs.commission.tolist() == [27.0, 12.0, 9.0]
    assert in_text(section("4.3"), shown(two_legs.commission))
    breakaway = pay("stairstep_breakaway", [-1, 0, 0], [100, 7500, 300])
    assert breakaway.commission.tolist() == [303.0, 1575.0, 9.0]
    assert in_text(section("4.3"), shown(breakaway.commission))


def test_binary_example_and_spillover():
    assert pay("binary", [-1, 0, 0], [100, 100, 250]).commission.tolist() == [10.0, 0.0, 0.0]
    assert in_text(section("4.4"), "A €10.00")
    spilled = pay("binary", [-1, 0, 0, 0], [100, 100, 250, 100])
    assert spilled.commission.tolist() == [20.0, 0.0, 0.0, 0.0]
    assert in_text(section("4.4"), "A €20.00")
    placement = compensation.BinaryPlacement()
    placement.place_many(np.arange(4), np.array([-1, 0, 0, 0]))
    assert (placement.parent[3], placement.side[3]) == (1, 0)  # below B, as the text says


def test_recruitment_fee_example():
    paid = pay("recruitment_fee", [-1, 0, 1, 2], [0, 0, 0, 0], [2])
    assert paid.commission.sum() == 0
    assert paid.recruiting_reward.tolist() == [50.0, 100.0, 200.0, 0.0]
    assert in_text(section("4.5"), shown(paid.recruiting_reward))
    kept = Compensation().entry_fee - paid.recruiting_reward.sum()
    assert in_text(section("4.5"), f"the company keeps €{kept:.0f}")


def test_retail_margin_example():
    plan = Compensation()
    margin = 40 * plan.retail_margin
    assert in_text(section("4.1"), f"€{margin:.0f}, and €{40 - margin:.0f} of personal volume")


# the ladder of docs/model.md §4.6: Bronze, Silver, Gold
LADDER = dict(
    rank_titles=("Bronze", "Silver", "Gold"),
    rank_personal_volume=(100.0, 100.0, 100.0),
    rank_group_volume=(100.0, 500.0, 1000.0),
    rank_legs=(0, 0, 2),
    rank_leg_rank=(0, 0, 0),
    rank_levels=(1, 2, 3),
    rank_bonus=(0.0, 0.0, 50.0),
    rank_pool_share=(0.0, 0.01, 0.01),
)
RANKED = [-1, 0, 0, 1, 3]  # A sponsored B and C, B sponsored D, D sponsored E


def shown5(amounts: np.ndarray) -> str:
    return ", ".join(f"{'ABCDE'[i]} €{x:,.2f}" for i, x in enumerate(amounts))


def test_rank_examples():
    text = section("4.6")
    month = pay("unilevel", RANKED, [100, 400, 350, 150, 100], **LADDER)
    assert month.rank.tolist() == [2, 1, 0, 0, 0]
    assert month.commission.tolist() == [138.0, 22.5, 0.0, 8.0, 0.0]
    assert in_text(text, f"Paid: {shown5(month.commission)}")
    lost = pay("unilevel", RANKED, [100, 100, 350, 150, 100], **LADDER)
    assert lost.rank.tolist() == [1, 0, 0, 0, 0]
    assert lost.commission.tolist() == [51.5, 12.0, 0.0, 8.0, 0.0]
    assert in_text(text, "A €51.50") and in_text(text, "B €12.00, C €0.00, D €8.00, E €0.00")
    away = pay("stairstep_breakaway", RANKED, [100, 400, 350, 150, 100], breakaway_rank=1,
               **LADDER)  # fmt: skip
    assert away.rank.tolist() == [0, 1, 0, 0, 0]
    assert away.commission.tolist() == [29.0, 23.0, 10.5, 7.5, 0.0]
    assert in_text(text, f"Paid: {shown5(away.commission)}")
    two_legs = pay("binary", RANKED, [100, 400, 350, 150, 100], **LADDER)
    assert two_legs.rank.tolist() == [2, 1, 0, 0, 0]
    assert two_legs.commission.tolist() == [101.5, 5.5, 0.0, 0.0, 0.0]
    assert in_text(text, f"Paid: {shown5(two_legs.commission)}")


def test_generation_examples():
    text = section("4.6")
    ladder = dict(LADDER, rank_bonus=(0.0,) * 3, rank_pool_share=(0.0,) * 3,
                  rank_generations=(0, 1, 2), generation_rate=0.05)  # fmt: skip
    sponsors = [-1, 0, 0, 1, 3, 4]  # A sponsored B and C, B D, D E, E F

    def shown6(amounts: np.ndarray) -> str:
        return ", ".join(f"{'ABCDEF'[i]} €{x:,.2f}" for i, x in enumerate(amounts))

    month = pay("unilevel", sponsors, [100, 400, 350, 150, 300, 100], **ladder)
    assert month.rank.tolist() == [2, 1, 0, 1, 0, 0]
    assert month.commission.tolist() == [127.0, 54.5, 0.0, 29.0, 8.0, 0.0]
    assert in_text(text, f"Paid: {shown6(month.commission)}")
    without = pay("unilevel", sponsors, [100, 400, 350, 150, 300, 100],
                  **dict(ladder, generation_rate=0.0))  # fmt: skip
    assert (month.commission - without.commission).tolist() == [47.5, 27.5, 0.0, 0.0, 0.0, 0.0]
    assert in_text(text, "5 % of €950 = €47.50") and in_text(text, "5 % = €27.50")
    fewer = pay("unilevel", sponsors, [100, 400, 350, 150, 200, 100], **ladder)
    assert fewer.rank.tolist() == [2, 1, 0, 0, 0, 0]
    assert fewer.commission.tolist() == [118.0, 22.0, 0.0, 16.0, 8.0, 0.0]
    assert in_text(text, "A €118.00 (€75.50 + €42.50), B €22.00, C €0.00, D €16.00, E €8.00")
