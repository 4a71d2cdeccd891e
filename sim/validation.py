"""The calibration targets of ``docs/calibration.md`` and how a scenario meets them.

Each target is computed from a run's own outputs (the summary of ``sim.metrics``), as the
mean and 90 % range over replicates; it holds when the mean lies in the band. The
targets describe the world, not the model: nothing here feeds back into a run.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.experiments import Experiment, run_experiment, spread
from sim.resources import readme, require_checkout
from sim.scenario import Scenario

if TYPE_CHECKING:  # imported where they compute: `validate --runs 5` is refused at once
    import pandas as pd

MIN_RUNS = 20  # docs/calibration.md: the mean over at least 20 seeds


@dataclass(frozen=True)
class Target:
    """A public figure the baseline must reproduce, with its tolerance band."""

    id: str
    outcome: str  # the summary key it is computed from
    lo: float
    hi: float
    source: str
    # "mean": the mean of ``outcome`` at the scenario as it is; "every": every column
    # ``outcome_y*`` (one per joining year, those of ``years`` if given) must hold, the one
    # farthest from the band's middle is shown; "difference": ``outcome`` at
    # TOLERANCE_POINTS[0] minus at [1], paired by replicate (common random numbers);
    # "change" and "ratio": the steadiness of the yearly columns ``outcome_y*`` (the largest
    # change from one year to the next, and the last year over the second, of each run);
    # "fall": the largest fall from one band to the next of the columns ``outcome_h*``
    kind: str = "mean"
    point: int = 0  # the validation point it is read on (LIVING: the ten-year view)
    years: tuple[int, int] | None = None  # for "every": the first and last year

    def holds(self, value: float) -> bool:
        return bool(self.lo <= value <= self.hi)


INF = float("inf")
TARGETS = (
    Target("C1", "share_net_loss", 0.40, 0.60,
           "AARP Foundation MLM survey, 2018: 'nearly half lost money'"),
    Target("C2", "share_break_even", 0.15, 0.35,
           "AARP 2018: 'a quarter made no money'"),
    Target("C3", "share_profit", 0.15, 0.35,
           "AARP 2018 (the remainder, about a quarter)"),
    Target("C4", "first_year_dropout_share", 0.40, 0.60,
           "AARP 2018 ('about half quit within the first year'); Young Living 2018 income "
           "disclosure: 47 % of one year's enrollees made no purchase the next year"),
    Target("C5", "annual_turnover", 0.40, 0.90,
           "Direct Selling Association: 43.3 % (US, 2018); Pyramid Scheme Alert 2008: 60-90 %"),
    Target("C6", "median_gross_per_year_full_year", -INF, 1000.0,
           "FTC staff report on 70 income disclosure statements, Sept 2024: 'the vast "
           "majority received $1,000 or less per year'"),
    Target("C7", "share_part_time", 0.90, INF,
           "BDD member survey: 96 % work as a side job"),
    Target("C8", "builder_first_year_dropout_share", 0.40, 0.70,
           "AARP 2018: 90 % joined to make money, and about half quit within the first year"),
    Target("C9", "first_year_dropout_share", 0.40, 0.75,
           "AARP 2018 counts participants whenever they joined", kind="every"),
    Target("C10", "builder_first_year_dropout_share", 0.20, INF,
           "the source text (S7): rejections are why beginners stop", kind="difference"),
    Target("C11a", "active", 0.0, 0.20,
           "companies decades old with about half of the base replaced each year (Amway "
           "since 1959; FTC on Herbalife, 2016)", kind="change", point=3),
    Target("C11b", "active", 0.70, 1.30,
           "companies decades old with about half of the base replaced each year (Amway "
           "since 1959; FTC on Herbalife, 2016)", kind="ratio", point=3),
    Target("C12", "ever_joined_share", -INF, 0.077,
           "AARP 2018: 7.7 % of US adults have ever joined any MLM", point=3),
    Target("C13a", "recruited_share", 0.20, 0.35,
           "Herbalife 2012 income disclosure: 71 % never sponsored anyone", point=3),
    Target("C13b", "product_user_recruited_share", -INF, 0.15,
           "Herbalife 2012 income disclosure: 71 % never sponsored anyone", point=3),
    Target("C14", "builder_profit_share", -INF, 0.03,
           "S10 and every income disclosure: the few earners are those who work the business",
           kind="fall", point=3),
    Target("C15", "first_year_dropout_share", 0.35, 0.65,
           "AARP 2018 counts participants whenever they joined; an established company's "
           "newcomers meet the same odds", kind="every", point=3, years=(2, 9)),
)  # fmt: skip
# D1-D3 (docs/calibration.md §2b) are read on a year at company scale, not here: they are
# ``sim.disclosure.targets``, shown by `networker-sim disclosure` (10^6 people take a minute).
# C10 compares builders' first-year dropout at these two tolerances (docs/calibration.md)
TOLERANCE_POINTS = ({"networker.tolerance_mean": 2.0}, {"networker.tolerance_mean": 8.0})
# C11-C15 are read on a ten-year view of a market of 10^5 people (docs/calibration.md)
LIVING = {"population.size": 100_000, "simulation.weeks": 520}
VALIDATION_POINTS = [{}, *TOLERANCE_POINTS, LIVING]  # point 0 is the scenario as it is
TAYLOR_LOSS_SHARE = 0.99  # Jon M. Taylor, The Case (for and) against MLM, ch. 7


def _target_values(target: Target, outcomes: pd.DataFrame) -> tuple:
    """The per-replicate values a target is judged on, the column they come from, and for
    "fall" the figure judged (computed on the mean of the runs)."""
    import numpy as np
    import pandas as pd

    from sim.metrics import HOURS_BANDS, hours_band_name, steadiness

    def column(frame: pd.DataFrame, name: str) -> pd.Series:
        if name not in frame:
            return pd.Series(dtype=float)
        return pd.to_numeric(frame[name], errors="coerce")

    point = outcomes.point if "point" in outcomes else pd.Series(0, index=outcomes.index)
    base = outcomes[point == target.point]
    if target.kind == "difference":
        if "replicate" not in outcomes or not (point == 2).any():
            return pd.Series(dtype=float), target.outcome
        low, high = (outcomes[point == i].set_index("replicate") for i in (1, 2))
        diff = column(low, target.outcome) - column(high, target.outcome)
        return diff.dropna(), target.outcome
    if target.kind in ("change", "ratio"):
        names = sorted((c for c in base.columns if c.startswith(f"{target.outcome}_y")),
                       key=lambda c: int(c.rsplit("_y", 1)[1]))  # fmt: skip
        if len(names) < 3:
            return pd.Series(dtype=float), target.outcome
        which = 0 if target.kind == "change" else 1
        values = [
            steadiness({f"y{i + 1}": row[name] for i, name in enumerate(names)})[which]
            for _, row in base[names].iterrows()
        ]
        return pd.Series(values, dtype=float).dropna(), target.outcome
    if target.kind == "fall":
        names = [f"{target.outcome}_{hours_band_name(lo, hi)}" for lo, hi in HOURS_BANDS]
        if any(n not in base for n in names) or base.empty:
            return pd.Series(dtype=float), target.outcome
        shares = base[names].apply(pd.to_numeric, errors="coerce")
        # judged on the mean shares: one run's bands are few people each
        falls = shares.iloc[:, :-1].to_numpy() - shares.iloc[:, 1:].to_numpy()
        per_run = pd.Series(np.nanmax(falls, axis=1))
        mean_fall = float(np.max(shares.mean().to_numpy()[:-1] - shares.mean().to_numpy()[1:]))
        return per_run.dropna(), target.outcome, mean_fall
    if target.kind == "every":
        names = sorted(c for c in base.columns if c.startswith(f"{target.outcome}_y")
                       and column(base, c).notna().any())  # fmt: skip
        if target.years is not None:
            first, last = target.years
            names = [c for c in names if first <= int(c.rsplit("_y", 1)[1]) <= last]
        middle = (target.lo + target.hi) / 2

        def distance(name: str) -> float:
            mean = column(base, name).mean()
            return abs(mean - middle) if not math.isnan(mean) else INF

        if not names:
            return pd.Series(dtype=float), target.outcome
        worst = max(names, key=distance)
        return column(base, worst).dropna(), worst
    return column(base, target.outcome).dropna(), target.outcome


def target_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Every target: the simulated mean and 90 % range, the band, the source, holds?

    ``outcomes`` holds the replicates of ``VALIDATION_POINTS`` (column ``point``); without
    the tolerance points, C10 has no value and does not hold.
    """
    import pandas as pd

    rows = []
    for target in TARGETS:
        values, shown, *judged = _target_values(target, outcomes)
        s = spread(values)  # the mean and 90 % range of ``describe``
        if judged:  # a figure judged on the means, not the mean of the runs' figures
            s["mean"] = judged[0]
        # for "every", the year shown is the one farthest from the middle: if it holds,
        # every year does (the band is symmetric about its middle)
        holds = target.holds(s["mean"]) if not math.isnan(s["mean"]) else False
        rows.append({
            "target": target.id,
            "outcome": target.outcome,
            "shown": shown,
            "mean": s["mean"],
            "p5": s["p5"],
            "p95": s["p95"],
            "lo": target.lo,
            "hi": target.hi,
            "holds": holds,
            "runs": s["n"],
            "source": target.source,
        })  # fmt: skip
    return pd.DataFrame(rows)


@dataclass
class Validation:
    """A scenario checked against every target: the table and the runs behind it.

    Attributes:
        table: one row per target (``target_table``).
        exp: the scenario's experiment (point 0) with the tolerance points of C10.
        block: the table as the README's Markdown block.
        critical: the bracketing scenario's experiment, if one was run.
        critical_loss: its mean share with a net loss (against Jon M. Taylor's 99 %).
    """

    table: pd.DataFrame
    exp: Experiment
    block: str
    critical: Experiment | None = None
    critical_loss: float | None = None

    @property
    def holds(self) -> bool:
        return bool(self.table.holds.all())


def run_validation(
    scenario: Scenario,
    runs: int = MIN_RUNS,
    *,
    critical: Scenario | None = None,
    out: Path | None = None,
    overwrite: bool = False,
    write_readme: bool = False,
    master_seed: int = 42,
    **experiment_kw,
) -> Validation:
    """Run ``scenario`` ``runs`` times (and at the tolerances of C10) against every target.

    Args:
        scenario: the scenario to check (the baseline, normally).
        runs: replicates per point, at least ``MIN_RUNS``.
        critical: a scenario that brackets it (every purchase a cost), run as well.
        out: a folder for the table (CSV, Markdown), the outcomes, figures and manifest,
            written whole or not at all (``sim.results.atomic_folder``).
        overwrite: replace ``out`` if it is a result folder of this tool.
        write_readme: replace the README's validation block with the new table (in a
            clone only: an installed copy refuses before any run).
        master_seed: the replicates' master seed.
        **experiment_kw: passed to ``run_experiment`` (executor, workers, progress, lang).
    """
    from sim.results import atomic_folder, owned_tempdir, versions, write_atomic

    clone = require_checkout("validate --write-readme", "README.md") if write_readme else None
    with owned_tempdir("validate") as work:
        exp = run_experiment(scenario, runs, VALIDATION_POINTS, master_seed=master_seed,
                             out=Path(work) / "baseline", **experiment_kw)  # fmt: skip
        crit = None
        if critical is not None:
            crit = run_experiment(critical, runs, master_seed=master_seed,
                                  out=Path(work) / "critical", **experiment_kw)  # fmt: skip
        table = target_table(exp.outcomes)
        block = markdown_table(table, scenario.name, runs, exp.master_seed)
        crit_loss = float(crit.outcomes.share_net_loss.mean()) if crit is not None else None
        if crit is not None:
            block += (
                f"\n\nThe `{critical.name}` scenario (every required purchase counted as a cost, "
                f"realistic expenses) brackets it: {100 * crit_loss:.0f} % of everyone who "
                f"joined lose money, against Jon M. Taylor's \"about "
                f'{100 * TAYLOR_LOSS_SHARE:.0f} %" (The Case (for and) against Multi-level '
                "Marketing, ch. 7)."
            )
        if out is not None:
            from sim.figures import write_validation_figures

            with atomic_folder(out, overwrite) as tmp:
                table.to_csv(tmp / "validation.csv", index=False)
                (tmp / "validation.md").write_text(block + "\n")
                exp.outcomes[exp.outcomes.point == 0].to_parquet(tmp / "outcomes.parquet")
                pooled = exp.pooled_networkers(["join_week", "exit_week", "gross_income"])
                pooled = pooled[pooled.point == 0]  # the scenario as it is, not C10's points
                figures = write_validation_figures(tmp, table, pooled, scenario.simulation.weeks)
                manifest = {
                    "scenario": scenario.to_dict(),
                    "runs": runs,
                    "master_seed": exp.master_seed,
                    "versions": versions(),
                    "critical": critical.to_dict() if critical else None,
                    "files": ["validation.csv", "validation.md", "outcomes.parquet", *figures],
                }
                (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if clone is not None:
        readme_file = clone / "README.md"
        write_atomic(readme_file, replace_block(readme_file.read_text(encoding="utf-8"), block))
    return Validation(table, exp, block, crit, crit_loss)


# shares shown to a tenth of a per cent: their band's bound is not a whole per cent
TENTHS = frozenset({"ever_joined_share"})


def _fmt(outcome: str, x: float) -> str:
    if not math.isfinite(x):
        return ""
    if outcome.startswith("median_gross"):
        return f"€{x:,.0f}"
    return f"{100 * x:.1f} %" if outcome in TENTHS else f"{100 * x:.0f} %"


def band_text(row) -> str:
    if not math.isfinite(row.lo):
        return f"≤ {_fmt(row.outcome, row.hi)}"
    if not math.isfinite(row.hi):
        return f"≥ {_fmt(row.outcome, row.lo)}"
    return f"{_fmt(row.outcome, row.lo)} to {_fmt(row.outcome, row.hi)}"


def markdown_table(table: pd.DataFrame, scenario: str, runs: int, seed: int) -> str:
    """The validation table as Markdown (README, About page, ``validate --out``)."""
    lines = [
        f"`{scenario}`, mean and 90 % range over {runs} seeds (master seed {seed}):",
        "",
        "| # | target | simulated | 90 % range | band | holds | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.target} | {LABELS[r.target]} | {_fmt(r.outcome, r.mean)} "
            f"| {_fmt(r.outcome, r.p5)} to {_fmt(r.outcome, r.p95)} | {band_text(r)} "
            f"| {'yes' if r.holds else '**no**'} | {r.source} |"
        )
    return "\n".join(lines)


LABELS = {
    "C1": "share of ever joined with a net loss (below -€100)",
    "C2": "share of ever joined about break-even (±€100)",
    "C3": "share of ever joined with a profit (> €100)",
    "C4": "share of a joining cohort gone 52 weeks after joining",
    "C5": "annual turnover: quits in a year ÷ average active",
    "C6": "median gross income per year of those active a full year",
    "C7": "share of ever joined who work part-time",
    "C8": "share of business builders gone 52 weeks after joining",
    "C9": "C4 for every joining year (the year farthest from the band's middle)",
    "C10": "builders' C8 at tolerance 2 minus at tolerance 8",
    "C11a": "ten years: the largest change of the yearly active from one year to the next",
    "C11b": "ten years: yearly active in year 10 ÷ year 2",
    "C12": "share of the market who were members within the ten years",
    "C13a": "share of everyone who joined who ever recruited anyone",
    "C13b": "the same for product users",
    "C14": "builders in profit by hours (≤ 2, 2-5, 5-10, > 10 h): the largest fall",
    "C15": "C4 for every joining year 2-9 of a ten-year view (the farthest from the middle)",
}
README_START = "<!-- validation table: generated by `networker-sim validate --write-readme` -->"
README_END = "<!-- end of validation table -->"


def replace_block(text: str, block: str) -> str:
    """``text`` with the generated validation block replaced (or appended)."""
    new = f"{README_START}\n{block}\n{README_END}"
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        _, tail = rest.split(README_END, 1)
        return head + new + tail
    return text.rstrip("\n") + "\n\n" + new + "\n"


def read_block(text: str) -> str | None:
    """The generated validation block of a README, if it has one."""
    if README_START not in text or README_END not in text:
        return None
    return text.split(README_START, 1)[1].split(README_END, 1)[0].strip("\n")


def published_block() -> str | None:
    """The validation table as the README shows it (the About page shows it too)."""
    text = readme()
    return read_block(text) if text else None
