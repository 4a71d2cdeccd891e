"""Bring your own company: a scenario fitted to a company's published income disclosure
statement (``sim.published``), so that "What would happen to me?" answers for it.

1. The company is a library scenario (``baseline`` unless chosen) at ``FIT_PEOPLE`` people,
   seen for one year from the start of its view. A member's **group volume** is the
   wholesale volume of the member and everyone below them in a month (what a plan's rank
   ladder counts), the highest month of the year: the rank achieved during the year, as
   most statements count it. A member's **income** is what the company paid them in the
   year: commissions and rewards, no retail margin, no costs (the statements' framing).
   Members are those active at the year's end.
2. The rank ladder (``compensation.rank_*``, docs/model.md §4.6) is set by the
   statement's shares: each rank starts at the group volume that puts as many simulated
   members at or above it as the statement does (quantiles of the simulated group volume
   of a year without a ladder). The ladder asks nothing else (no own volume, no legs, no
   bonus, no pool) and unlocks every level of the plan; below it nobody is paid on
   levels, as in the published plans.
3. The same year runs again with that ladder: each member's row is the highest rank the
   model gave them in the year (``ledger.rank``), so the shares and incomes shown are the
   fitted scenario's own. A few plan and market parameters (``FITTED``) are searched so
   that the average income of each rank matches: the score is the root mean square, over
   the rows with at least ``MIN_MEMBERS`` simulated members, of
   ln((1 + fitted) / (1 + published)). As in
   ``sim.calibration``: a scrambled Sobol sample of the box (with the base scenario's own
   values as its first point), then Nelder-Mead from the best; every evaluation runs the
   same seeds (common random numbers). The same statement, base, runs and seed give the
   same fit.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import local_executor, replicate_seeds
from sim.i18n import DEFAULT_LANG, Msg, t
from sim.published import (  # the fit's defaults live there: the parser needs no numpy
    DEFAULT_RUNS,
    DEFAULT_START,
    DEFAULT_STEPS,
    FIT_PEOPLE,
    Statement,
)
from sim.scenario import Scenario, load_scenario, toml_value

WEEKS = 52  # the statement's year
MIN_MEMBERS = 3  # a rank's average over fewer simulated members is not scored

# what is searched: (low, high, how it enters the scenario, why this range)
FITTED: dict[str, tuple[float, float, str]] = {
    "unilevel_scale": (0.25, 4.0, "assumption: the base plan's unilevel rates times this "
                       "factor (each at most 1); plans pay from a quarter to four times as much"),
    "market.recruit_rate_warm": (0.04, 0.3, "assumption: around the baseline's calibrated "
                                 "0.11 (docs/calibration.md, C11-C13)"),
    "networker.builder_share": (0.2, 0.9, "between Herbalife 2013 (73 % joined for the "
                                "discount) and AARP 2018 (90 % to earn)"),
    "networker.hours_median": (2.0, 15.0, "assumption: around the 5 h/week of the "
                               "Branchenreport Direktvertrieb 2009"),
}  # fmt: skip
LOG_SCALE = {"unilevel_scale"}  # searched on a log scale: a factor


class FitCancelled(Exception):
    """The fit was stopped (the dashboard's Cancel) before it finished."""


# ---- one year of a company -----------------------------------------------------------------


def year_end(scenario: Scenario, seed: int) -> pd.DataFrame:
    """The members at the end of one year of ``scenario``'s view: their highest monthly
    group volume of the year (EUR, wholesale), what the company paid them in the year, and
    the highest rank of the plan's ladder they held in a month (-1: none, or no ladder).

    The run is the model's own (``NetworkMarketingModel``); the group volume is read after
    each month's orders, from the same personal volume the plan pays on, and changes no
    draw: the year is the one ``run`` gives for the same scenario and seed.
    """
    from sim import compensation
    from sim.model import WEEKS_PER_MONTH, NetworkMarketingModel, collector_spared

    one_year = scenario.with_overrides({"simulation.weeks": WEEKS}, origin="own-company")
    model = NetworkMarketingModel(one_year, seed=seed, detailed=False)
    lg = model.ledger
    paid_before = (lg.commission + lg.recruiting_reward).copy()
    best = np.zeros(lg.n)
    highest = np.full(lg.n, -1)
    orders = model.customer_orders_and_churn

    def orders_then_volume() -> None:
        nonlocal best
        orders()
        ids = np.flatnonzero(lg.active)
        personal = np.zeros(lg.n)
        personal[ids] = model.monthly_purchases(ids)[0] + lg.retail_wholesale_month[ids]
        group = compensation.subtree_sums(lg.sponsor.astype(np.int64), personal)
        best = np.maximum(np.pad(best, (0, lg.n - len(best))), group)

    model.customer_orders_and_churn = orders_then_volume  # read, never change, the month
    with collector_spared():
        for week in range(1, WEEKS + 1):
            model.step()
            if week % WEEKS_PER_MONTH == 0:  # the month's paid-as rank, just computed
                highest = np.pad(highest, (0, lg.n - len(highest)), constant_values=-1)
                highest = np.maximum(highest, lg.rank)
    members = np.flatnonzero(lg.active)
    paid = lg.commission + lg.recruiting_reward
    paid[: len(paid_before)] -= paid_before
    best = np.pad(best, (0, lg.n - len(best)))
    highest = np.pad(highest, (0, lg.n - len(highest)), constant_values=-1)
    return pd.DataFrame(
        {"group_volume": best[members], "income": paid[members], "rank": highest[members]}
    )


# ---- the ladder and the score --------------------------------------------------------------


def ladder(statement: Statement, group_volume: np.ndarray) -> np.ndarray:
    """The group volume from which each row of ``statement.rows`` starts (the lowest row at
    0): the quantile that leaves the statement's share of members at or above it."""
    shares = np.array([r.share for r in statement.rows])
    at_or_above = np.cumsum(shares[::-1])[::-1] / shares.sum()
    if len(group_volume) == 0:
        return np.zeros(len(shares))
    starts = np.quantile(group_volume, np.clip(1 - at_or_above, 0, 1), method="higher")
    # a rank too rare for this many members (less than half of one) starts above them all
    rare = at_or_above * len(group_volume) < 0.5
    starts[rare] = math.floor(group_volume.max()) + 1.0
    starts[0] = 0.0
    for i in range(1, len(starts)):  # each rank a whole euro above the one below it
        starts[i] = max(starts[i], starts[i - 1] + 1.0)
    return starts


def rows_of(statement: Statement, members: pd.DataFrame) -> np.ndarray:
    """Each member's row of ``statement.rows``: the highest rank they held (the row without
    rank first, if the statement has one)."""
    return members["rank"].to_numpy() + (1 if statement.no_rank else 0)


def fit_table(
    statement: Statement, members: pd.DataFrame, row: np.ndarray, starts: np.ndarray
) -> pd.DataFrame:
    """Per row of the statement: the published share and income (EUR), the simulated ones
    (members in row ``row``) and the log error; rows with fewer than ``MIN_MEMBERS``
    members have no error."""
    n = max(len(members), 1)
    out = []
    for i, r in enumerate(statement.rows):
        mine = members["income"].to_numpy()[row == i]
        published = r.income * statement.rate
        fitted = float(mine.mean()) if len(mine) else math.nan
        error = math.log((1 + max(fitted, 0)) / (1 + published)) if len(mine) >= MIN_MEMBERS \
            else math.nan  # fmt: skip
        out.append({"rank": r.title, "published_share": r.share, "fitted_share": len(mine) / n,
                    "published_income": published, "fitted_income": fitted, "error": error,
                    "members": len(mine), "starts_at": float(starts[i])})  # fmt: skip
    return pd.DataFrame(out)


def score(table: pd.DataFrame) -> float:
    """The root mean square of the scored rows' log errors (inf if none is scored)."""
    errors = table["error"].dropna().to_numpy()
    return float(np.sqrt(np.mean(errors**2))) if len(errors) else math.inf


# ---- the search ----------------------------------------------------------------------------


def overrides(base: Scenario, x: np.ndarray) -> dict[str, Any]:
    """The scenario keys of a point of the search box."""
    out: dict[str, Any] = {}
    for (key, _), value in zip(FITTED.items(), x, strict=True):
        if key == "unilevel_scale":
            rates = base.compensation.unilevel_rates
            out["compensation.unilevel_rates"] = [round(min(1.0, r * float(value)), 4)
                                                  for r in rates]  # fmt: skip
        else:
            out[key] = round(float(value), 4)
    return out


def base_point(base: Scenario) -> np.ndarray:
    """The base scenario's own values in the search box (its rates at scale 1)."""
    values = base.to_dict()
    out = []
    for key, (lo, hi, _) in FITTED.items():
        if key == "unilevel_scale":
            out.append(1.0)
        else:
            sec, name = key.split(".")
            out.append(min(max(float(values[sec][name]), lo), hi))
    return np.array(out)


def with_ladder(scenario: Scenario, statement: Statement, starts: np.ndarray) -> dict[str, Any]:
    """The ``compensation.rank_*`` keys of the statement's ladder starting at ``starts``
    (one per row of ``statement.rows``; the row without rank is below the ladder)."""
    ranks = len(statement.ranks)
    gv = [round(float(v), 2) for v in starts[len(starts) - ranks :]]
    levels = len(scenario.compensation.unilevel_rates)
    return {
        "compensation.rank_titles": [r.title for r in statement.ranks],
        "compensation.rank_group_volume": gv,
        "compensation.rank_personal_volume": [0.0] * ranks,
        "compensation.rank_legs": [0] * ranks,
        "compensation.rank_leg_rank": [0] * ranks,
        "compensation.rank_levels": [levels] * ranks,
        "compensation.rank_bonus": [0.0] * ranks,
        "compensation.rank_pool_share": [0.0] * ranks,
        "compensation.rank_generations": [0] * ranks,
        "compensation.generation_rate": 0.0,
    }


@dataclass(frozen=True)
class Fit:
    """A fitted scenario and how well it fits.

    Attributes:
        statement: what it was fitted to.
        base: the library scenario it starts from.
        scenario: the fitted scenario (the base with ``overrides``).
        overrides: the fitted keys, dotted, the rank ladder's included.
        table: per row of the statement (``fit_table``), at the fitted point.
        score, start_score: the fit's score, and the base scenario's before the fit.
        ladder: the group volume from which each rank (``statement.ranks``) starts, EUR/month.
        runs, seed, people, evaluations, members: how it was fitted; ``members`` counts the
            members at year end in all runs of the fitted point.
    """

    statement: Statement
    base: str
    scenario: Scenario
    overrides: dict[str, Any]
    table: pd.DataFrame
    score: float
    start_score: float
    ladder: tuple[float, ...]
    runs: int
    seed: int
    people: int
    evaluations: int
    members: int
    factors: dict[str, float] = field(default_factory=dict)


def fit(
    statement: Statement,
    base: str | Scenario = "baseline",
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 2026,
    people: int = FIT_PEOPLE,
    start: int = DEFAULT_START,
    steps: int = DEFAULT_STEPS,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> Fit:
    """Fit ``base`` to ``statement`` (see the module's description).

    Args:
        base: the name of a library scenario (the fitted file names it as its base), or
            a scenario (the file then names its name).
        runs: replicates per evaluation, the same seeds each time.
        start, steps: Sobol points (after the base's own values), then Nelder-Mead
            evaluations at most.
        progress: called with (evaluations done, evaluations planned).
        cancel: set it to stop; ``FitCancelled`` is raised at the next evaluation.

    Raises:
        ScenarioError: ``base`` is not a scenario of the library.
        FitCancelled: ``cancel`` was set.
    """
    from scipy.optimize import minimize
    from scipy.stats import qmc

    if isinstance(base, str):
        scenario = load_scenario(base, {"population.size": people})
    else:  # a scenario at hand (a test's small company)
        scenario, base = base.with_overrides({"population.size": people}), base.name
    seeds = replicate_seeds(seed, runs)
    lo = np.array([v[0] for v in FITTED.values()])
    hi = np.array([v[1] for v in FITTED.values()])
    logs = np.array([k in LOG_SCALE for k in FITTED])
    planned = 1 + start + steps
    seen: dict[tuple, tuple[float, pd.DataFrame, np.ndarray, int]] = {}

    def to_box(u: np.ndarray) -> np.ndarray:  # the search's unit cube -> parameter values
        u = np.clip(u, 0, 1)
        return np.where(logs, lo * (hi / lo) ** u, lo + u * (hi - lo))

    def to_unit(x: np.ndarray) -> np.ndarray:
        return np.where(logs, np.log(x / lo) / np.log(hi / lo), (x - lo) / (hi - lo))

    with local_executor(workers) as pool:

        def evaluate(u: np.ndarray) -> float:
            key = tuple(np.round(np.clip(u, 0, 1), 4))
            if key in seen:
                return seen[key][0]
            if cancel is not None and cancel.is_set():
                raise FitCancelled
            keys = overrides(scenario, to_box(np.array(key)))
            point = scenario.with_overrides(keys, origin="own-company")
            plain = pd.concat(pool.map(year_end, [point] * runs, seeds), ignore_index=True)
            starts = ladder(statement, plain["group_volume"].to_numpy())
            keys |= with_ladder(scenario, statement, starts)
            point = scenario.with_overrides(keys, origin="own-company")
            members = pd.concat(pool.map(year_end, [point] * runs, seeds), ignore_index=True)
            table = fit_table(statement, members, rows_of(statement, members), starts)
            seen[key] = (score(table), table, keys, len(members))
            if progress is not None:
                progress(min(len(seen), planned), planned)
            return seen[key][0]

        first = to_unit(base_point(scenario))
        with warnings.catch_warnings():  # a count not a power of 2 is balanced less well
            warnings.simplefilter("ignore", UserWarning)
            sample = [first, *qmc.Sobol(len(lo), seed=seed).random(start)]
        start_score = evaluate(first)
        best = min(sample, key=evaluate)
        if steps > 0:
            result = minimize(evaluate, best, method="Nelder-Mead",
                              options={"maxfev": steps, "xatol": 0.01, "fatol": 0.005})  # fmt: skip
            if result.fun < evaluate(best):
                best = result.x
    key = tuple(np.round(np.clip(best, 0, 1), 4))
    final, table, keys, members = seen[key]
    x = to_box(np.array(key))
    return Fit(
        statement=statement,
        base=base,
        scenario=scenario.with_overrides(keys, origin="own-company"),
        overrides=keys,
        table=table,
        score=final,
        start_score=start_score,
        ladder=tuple(keys["compensation.rank_group_volume"]),
        runs=runs,
        seed=seed,
        people=people,
        evaluations=len(seen),
        members=members,
        factors={k: float(v) for k, v in zip(FITTED, x, strict=True)},
    )


# ---- the fitted scenario as a file ---------------------------------------------------------


def fitted_toml(f: Fit, origin: str) -> str:
    """The fitted scenario as a TOML file every command loads: the base scenario by name
    and the fitted keys, each with its source; a header says from what and how well."""
    s = f.statement
    lines = [
        f"# Fitted by `networker-sim own-company` to the income disclosure statement of "
        f"{s.company} ({s.year})",
        f"# from {Path(origin).name}: {s.source}",
        f"# Fit: base scenario {f.base} at {f.people} people, {f.runs} runs per evaluation, "
        f"{f.evaluations} evaluations, seed {f.seed}; score {f.score:.3f} "
        f"(before the fit {f.start_score:.3f}; sim/own_company.py)",
        "# rank | published share | fitted share | published income EUR | fitted income EUR "
        "| log error | members",
    ]
    for r in f.table.itertuples():
        lines.append(
            f"#   {r.rank} | {100 * r.published_share:.2f} % | {100 * r.fitted_share:.2f} % | "
            f"{r.published_income:,.0f} | {_money(r.fitted_income)} | {_num(r.error)} | "
            f"{r.members}"
        )
    name = f"own-{_slug(s.company)}-{s.year}"
    lines += [
        "",
        "[scenario]",
        f"base = {toml_value(f.base)}",
        f"name = {toml_value(name)}",
        *(f"{key} = {toml_value(t('own.fit.description', lang, company=s.company, year=s.year))}"
          for key, lang in (("description", "en"), ("description_de", "de"))),
    ]  # fmt: skip
    why = f"fitted (networker-sim own-company) to {Path(origin).name}"
    sections: dict[str, list[str]] = {"population": [
        f"size = {f.people}  # the size it was fitted at: the ladder and the shares belong to it"
    ]}  # fmt: skip
    for key, value in f.overrides.items():
        sec, name = key.split(".")
        note = why
        if name == "unilevel_rates":
            note += f": {f.base}'s rates x {f.factors['unilevel_scale']:.3g}"
        elif name == "rank_titles":
            note = f"from {Path(origin).name}"
        elif name == "rank_group_volume":
            note += ": EUR/month, quantiles of the simulated group volume"
        elif name == "generation_rate":
            note = "no generation bonus: a ladder of group volume only"
        elif name.startswith("rank_"):
            note = "a ladder of group volume only: no other requirement, bonus or pool"
            if name == "rank_levels":
                note = f"every level of {f.base}'s plan from the first rank on"
        sections.setdefault(sec, []).append(f"{name} = {toml_value(value)}  # {note}")
    for sec, entries in sections.items():
        lines += ["", f"[{sec}]", *entries]
    return "\n".join(lines) + "\n"


def _slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in out.split("-") if part)[:40] or "company"


def _money(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:,.0f}"


def _num(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:+.2f}"


def describe_fit(f: Fit, lang: str = DEFAULT_LANG) -> list[Msg]:
    """The lines above the table: what was fitted, from where, how."""
    s = f.statement
    return [
        Msg("own.fit.title", company=s.company, year=str(s.year)),
        Msg("own.fit.source", source=s.source),
        Msg(
            "own.fit.setup",
            base=f.base,
            people=f.people,
            runs=_runs(f.runs, lang),
            evaluations=f.evaluations,
            seed=str(f.seed),
            members=f.members,
        ),
    ]


def _runs(n: int, lang: str) -> str:
    from sim.i18n import count

    return count("runs", n, lang)
