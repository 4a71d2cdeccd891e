"""The palette colour-blind viewers can tell apart (issue 24): the colour science checked
against published values, the palette's distances under each simulated deficiency, the
contrast of its text, the marks that tell outcomes apart without colour, and
docs/colours.md current with them."""

from __future__ import annotations

import importlib.util
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from sim import present
from sim.colour_vision import DEFICIENCIES, ciede2000, contrast, distance, luminance

ROOT = Path(__file__).resolve().parent.parent
MIN_OUTCOMES = 20.0  # CIEDE2000 between loss, about even and profit, under every deficiency
MIN_PICTOGRAPH = 15.0  # between the pictograph's four categories
TEXT_CONTRAST = 4.5  # WCAG 2.2 SC 1.4.3, normal text


def _script():
    spec = importlib.util.spec_from_file_location("palette", ROOT / "scripts" / "palette.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 17, 25, 34 and their CIEDE2000
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_gives_the_published_differences(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(np.array(lab2), np.array(lab1)) == pytest.approx(expected, abs=1e-4)


def test_contrast_is_wcags():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just too light
    assert luminance("#ffffff") == pytest.approx(1.0)


def test_the_simulations_keep_grey_and_confuse_what_they_should():
    for matrix in DEFICIENCIES.values():  # white stays white, greys stay grey
        assert np.allclose(matrix.sum(axis=1), 1.0, atol=1e-5)
    assert distance("#808080", "#808080", "deuteranopia") == 0.0
    # red and green, far apart to normal eyes, much closer without M or L cones
    red, green = "#cc3311", "#33aa00"
    assert distance(red, green, "deuteranopia") < 0.3 * distance(red, green)
    assert distance(red, green, "protanopia") < 0.5 * distance(red, green)
    # blue and green apart to them, close without S cones
    assert distance("#0077bb", "#009988", "tritanopia") < 0.5 * distance("#0077bb", "#009988")


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_outcome_colours_are_apart_for_every_eye(deficiency):
    colours = [present.LOSS, present.EVEN, present.PROFIT]
    assert colours == list(present.OUTCOME_COLOURS.values())
    for a, b in combinations(colours, 2):
        assert distance(a, b, deficiency) >= MIN_OUTCOMES, (a, b, deficiency)


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_the_pictographs_colours_are_apart_for_every_eye(deficiency):
    for a, b in combinations(present.PICTOGRAPH_COLOURS.values(), 2):
        assert distance(a, b, deficiency) >= MIN_PICTOGRAPH, (a, b, deficiency)


def test_text_colours_reach_4_5_to_1():
    text = {"note": present.NOTE, "tree labels": present.BLUE,
            **{f"level {k}": c for k, c in present.LIGHT_TEXT.items()}}  # fmt: skip
    for use, colour in text.items():
        assert contrast(colour, "#ffffff") >= TEXT_CONTRAST, use


def test_outcome_marks_and_graphics_reach_3_to_1():
    """The outcome colours are the marks a reader must see on white (WCAG 1.4.11)."""
    for colour in [*present.OUTCOME_COLOURS.values(), *present.PICTOGRAPH_COLOURS.values()]:
        assert contrast(colour, "#ffffff") >= 3.0, colour


def test_outcomes_are_told_apart_without_colour():
    hatches = list(present.OUTCOME_HATCHES.values())
    assert len(set(hatches)) == len(hatches)
    marks = list(present.PICTOGRAPH_MARKS.values())
    assert len(set(marks)) == len(marks)
    svg = present.pictograph_svg((40, 30, 20, 10), "t")
    assert svg.count("<rect ") == 100
    # a minus is one stroke, a plus two, two pluses four: 40 + 0 + 40 + 40
    assert svg.count("<line ") == 40 * 1 + 30 * 0 + 20 * 2 + 10 * 4


def test_the_outcome_bars_are_hatched_by_outcome():
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.metrics import OUTCOME_SHARES

    ax = Figure().add_subplot()
    spread = pd.DataFrame({"mean": [0.5, 0.3, 0.2], "p5": [0.4, 0.2, 0.1],
                           "p95": [0.6, 0.4, 0.3]}, index=list(OUTCOME_SHARES))  # fmt: skip
    present.outcome_bars(ax, [spread], None, "en")
    bars = ax.patches
    assert [b.get_hatch() or "" for b in bars] == list(present.OUTCOME_HATCHES.values())
    colours = [tuple(np.round(b.get_facecolor()[:3], 3)) for b in bars]
    expected = [tuple(np.round(np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)]) / 255, 3))
                for c in present.OUTCOME_COLOURS.values()]  # fmt: skip
    assert colours == expected


def test_docs_colours_md_is_current():
    page = (ROOT / "docs" / "colours.md").read_text(encoding="utf-8")
    assert _script().tables() in page, "docs/colours.md is out of date: run scripts/palette.py"
