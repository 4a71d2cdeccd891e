"""Figures of simulation against evidence, written by ``networker-sim validate --out``.

Plain matplotlib ``Figure`` objects (no pyplot state), saved as PNG. They only draw: the
statistics they show come from ``sim.metrics``, the targets from the validation table;
colours and the outcome bars are those of the dashboard and the handout (``sim/present.py``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.metrics import (
    YEAR_WEEKS,
    gross_per_year_of_full_year_members,
    replicate_band,
    survival_curves,
)
from sim.present import BLUE, EVEN, LOSS, band, outcome_bars

GREY, RED = EVEN, LOSS  # the evidence: a survey's band in grey, a published line in red


def outcome_shares(table: pd.DataFrame) -> Figure:
    """Simulated loss / break-even / profit shares (mean, 90 % range) against the survey."""
    fig = Figure(figsize=(6.4, 3.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    rows = table.set_index("target").loc[["C1", "C2", "C3"]]  # in the order of OUTCOME_SHARES
    outcome_bars(ax, [rows], None, "en")
    for i, row in enumerate(rows.itertuples()):
        ax.fill_between([i - 0.4, i + 0.4], row.lo, row.hi, color=GREY, alpha=0.35,
                        label="AARP 2018 band" if i == 0 else None)  # fmt: skip
    ax.set_title("Outcomes of everyone who joined: simulation and survey")
    ax.legend(fontsize=8)
    return fig


def survival(curves: np.ndarray, c4: tuple[float, float]) -> Figure:
    """Share still active by weeks since joining (median and 90 % band over replicates),
    with the one-year band of target C4 (its first-year dropout from ``c4[0]`` to ``c4[1]``)."""
    fig = Figure(figsize=(6.4, 3.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    weeks = np.arange(curves.shape[1])
    lo, mid, hi = replicate_band(curves)
    band(ax, weeks, lo, mid, hi, label="simulated (median)", band_label="90 % of replicates")
    c4_lo, c4_hi = c4
    ax.errorbar([YEAR_WEEKS], [1 - (c4_lo + c4_hi) / 2], yerr=[[(c4_hi - c4_lo) / 2]],
                color=RED, capsize=6, lw=2, label="C4: AARP 2018 / Young Living 2018")  # fmt: skip
    ax.set_ylim(0, 1)
    ax.set_xlim(0, weeks[-1])
    ax.set_xlabel("weeks since joining")
    ax.set_ylabel("share still active")
    ax.set_title("How long people stay: simulation and the one-year band")
    ax.legend(fontsize=8)
    return fig


def gross_income(values: np.ndarray) -> Figure:
    """Gross income per year of those active a full year, against the FTC statement."""
    fig = Figure(figsize=(6.4, 3.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    edges = np.concatenate([[0], np.geomspace(10, 1e6, 26)])
    ax.hist(np.clip(values, 0, 1e6), bins=edges, color=BLUE, weights=np.full(len(values),
            1 / max(len(values), 1)))  # fmt: skip
    ax.set_xscale("symlog", linthresh=10)
    ax.axvline(1000, color=RED, lw=2, label="FTC 2024: most received $1,000 or less a year")
    if len(values):
        ax.axvline(np.median(values), color="black", ls="--",
                   label=f"simulated median: €{np.median(values):,.0f}")  # fmt: skip
    ax.set_xlabel("gross income per year (€, money received before costs)")
    ax.set_ylabel("share of those active a full year")
    ax.set_title("Gross income of those active at least a year")
    ax.legend(fontsize=8)
    return fig


def write_validation_figures(folder: Path, table: pd.DataFrame, networkers: pd.DataFrame,
                             weeks: int) -> list[str]:  # fmt: skip
    """Save the three figures; return their file names."""
    row = table.set_index("target").loc["C4"]
    c4 = (float(row.lo), float(row.hi))
    figures = {
        "outcome_shares.png": outcome_shares(table),
        "survival.png": survival(survival_curves(networkers, weeks), c4),
        # per person (gross over their own time active): the replicates pool as they are
        "gross_income.png": gross_income(gross_per_year_of_full_year_members(networkers, weeks)),
    }
    for name, fig in figures.items():
        fig.savefig(folder / name)
    return list(figures)


def established_company(history: np.ndarray, view: np.ndarray) -> Figure:
    """Active networkers week by week, before and during the view of an established
    company (rows: runs; the history's weeks are counted back from week 0), with the yearly
    means of the view and target C11's band around its second year."""
    fig = Figure(figsize=(7.2, 3.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    before = np.arange(-history.shape[1] + 1, 1) / YEAR_WEEKS
    after = np.arange(1, view.shape[1] + 1) / YEAR_WEEKS
    ax.plot(before, history.mean(axis=0), color=GREY, lw=1.2,
            label="the company's history: launch, boom, bust, steady state")  # fmt: skip
    ax.plot(after, view.mean(axis=0), color=BLUE, lw=1.2, label="the view (week 0 on)")
    years = view.shape[1] // YEAR_WEEKS
    yearly = view[:, : years * YEAR_WEEKS].mean(axis=0).reshape(years, YEAR_WEEKS).mean(axis=1)
    ax.step(np.arange(years + 1), np.append(yearly, yearly[-1]), where="post", color="black",
            lw=1.5, label="yearly mean of the view")  # fmt: skip
    if years >= 2:
        ax.axhspan(0.7 * yearly[1], 1.3 * yearly[1], xmin=0, xmax=1, color=GREY, alpha=0.2,
                   label="C11: year 10 within 70-130 % of year 2")  # fmt: skip
    ax.axvline(0, color=RED, lw=1)
    ax.set_xlabel("years from the start of the view (week 0)")
    ax.set_ylabel("active networkers (mean of the runs)")
    ax.set_title("An established company: how week 0 is reached, and a steady view")
    ax.legend(fontsize=7, loc="upper right")
    return fig
