"""Outcome statistics of a run: income distribution, dropout, and the pyramid-risk indicator.

Each statistic has one function here, which the summary, the weekly records, the handout,
the validation figures and the dashboard all call: the outcome shares (``outcome_shares``)
and survival by weeks since joining (``kaplan_meier``) in particular.

The indicator (docs/model.md section 5) informs; it is not legal advice. Its thresholds live in
``RISK_RULES`` and nowhere else.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit

if TYPE_CHECKING:
    import pandas as pd

PERCENTILES = (5, 10, 25, 50, 75, 90, 99)
BREAK_EVEN_EUR = 100.0  # docs/calibration.md: "break-even" = cumulative net within +-100 EUR
YEAR_WEEKS = 52
WEEKS_PER_MONTH_AVG = 52 / 12  # weeks in an average calendar month
# Monthly net income bins on a signed log scale (EUR), for the income heat map.
_DECADES = np.array([10.0, 30.0, 100.0, 300.0, 1_000.0, 3_000.0, 10_000.0])
INCOME_BIN_EDGES = np.concatenate([[-np.inf], -_DECADES[::-1], _DECADES, [np.inf]])
# Outcome of a networker's cumulative net income (docs/calibration.md C1-C3), see ``outcome``.
LOSS, BREAK_EVEN, PROFIT = -1, 0, 1
OUTCOME_SHARES = ("share_net_loss", "share_break_even", "share_profit")
NOT_LEGAL_ADVICE = (
    "The pyramid-risk indicator informs about a simulated company; it is not legal advice."
)


def gini(x: np.ndarray, is_sorted: bool = False) -> float:
    """Gini coefficient, defined for incomes that may be negative.

    The mean absolute difference over twice the mean absolute value (Raffinetti, Siletti
    and Vernizzi 2015): the usual Gini when every value is non-negative, and still within
    0..1 when some people lose money.
    """
    x = np.asarray(x, dtype=np.float64)
    return float(sorted_gini(x if is_sorted else np.sort(x)))


@njit(cache=True)
def sorted_gini(x: np.ndarray) -> float:
    """``gini`` of values sorted ascending (compiled: the weekly records call it too)
    (docs/model.md §5.1)."""
    n = len(x)
    scale = 0.0
    for v in x:
        scale += abs(v)
    if n < 2 or scale == 0:
        return 0.0
    weighted = 0.0  # the sum of (2 rank - n - 1) x over the ranks 1..n
    for i in range(n):
        weighted += (2 * i + 1 - n) * x[i]
    return 2.0 * weighted / (2.0 * n * scale)


def percentiles(
    x: np.ndarray | Sequence[float] | pd.Series,
    q: float | Sequence[float],
    *,
    axis: int | None = None,
    is_sorted: bool = False,
) -> Any:
    """The ``q``-th percentiles (0 to 100) of ``x``, NaN ignored; NaN where none is left.

    The definition is numpy's default (``np.percentile``, "linear"): interpolated between
    the two closest ranks, the p-th percentile of n values sits at rank p / 100 * (n - 1)
    counted from 0. ``pandas.Series.quantile`` uses the same one.

    Args:
        x: the values; with ``axis``, the percentiles of each slice along that axis.
        q: one percentile or several.
        axis: the axis along which (default: all values together).
        is_sorted: ``x`` is one-dimensional, sorted ascending and free of NaN: two look-ups
            per percentile instead of a pass over every value (for the weekly records,
            which sort once for several statistics).

    Returns:
        A float for one ``q`` of all values, else an array: ``q``'s shape first, then the
        axes of ``x`` left.
    """
    x = np.asarray(x, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if axis is None and x.size == 0:
        return np.full(q.shape, np.nan)[()]
    if is_sorted:
        return sorted_percentiles(x, np.atleast_1d(q)).reshape(q.shape)[()]
    if not np.isnan(x).any():  # the same figures; nanpercentile goes slice by slice
        return np.percentile(x, q, axis=axis)
    with warnings.catch_warnings():  # a slice with no value left: NaN, as documented
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(x, q, axis=axis)


@njit(cache=True)
def sorted_percentiles(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``percentiles`` of values sorted ascending and free of NaN, for each of ``q``
    (docs/model.md §5.1)."""
    out = np.empty(len(q))
    n = len(x)
    for k in range(len(q)):
        if n == 0:
            out[k] = np.nan
            continue
        pos = q[k] / 100 * (n - 1)
        lo = int(np.floor(pos))
        hi = min(lo + 1, n - 1)
        out[k] = x[lo] + (pos - lo) * (x[hi] - x[lo])
    return out


def outcome(net: np.ndarray | Sequence[float]) -> np.ndarray:
    """``LOSS`` below -BREAK_EVEN_EUR, ``PROFIT`` above +BREAK_EVEN_EUR, ``BREAK_EVEN``
    within +-BREAK_EVEN_EUR, both bounds included (docs/calibration.md C1-C3)."""
    net = np.asarray(net, dtype=np.float64)
    return np.where(net < -BREAK_EVEN_EUR, LOSS, np.where(net > BREAK_EVEN_EUR, PROFIT, BREAK_EVEN))


def outcome_shares(net: np.ndarray | Sequence[float], is_sorted: bool = False) -> dict[str, float]:
    """Shares of people with a net loss, about break-even and a profit (see ``outcome``).

    Args:
        net: cumulative net income of each person (EUR).
        is_sorted: ``net`` is sorted ascending: two binary searches instead of a pass
            over every person (the weekly records sort once for several statistics).

    Returns:
        ``share_net_loss``, ``share_break_even``, ``share_profit``; NaN when ``net`` is empty.
    """
    net = np.asarray(net, dtype=np.float64)
    if is_sorted:
        loss, profit = sorted_outcome_counts(net)
    else:
        kind = outcome(net)
        loss, profit = int(np.count_nonzero(kind == LOSS)), int(np.count_nonzero(kind == PROFIT))
    return outcome_shares_of(loss, profit, len(net))


def outcome_shares_of(loss: int, profit: int, n: int) -> dict[str, float]:
    """``outcome_shares`` from the counts of losses and profits among ``n`` people."""
    if n == 0:
        return dict.fromkeys(OUTCOME_SHARES, float("nan"))
    return {
        "share_net_loss": loss / n,
        "share_break_even": (n - loss - profit) / n,
        "share_profit": profit / n,
    }


@njit(cache=True)
def sorted_outcome_counts(net: np.ndarray) -> tuple[int, int]:
    """How many of ``net`` (sorted ascending) are a loss and a profit: the same bounds as
    ``outcome``, strictly below -100 and strictly above +100, by two binary searches
    (docs/model.md §5.1)."""
    loss = np.searchsorted(net, -BREAK_EVEN_EUR, side="left")
    profit = len(net) - np.searchsorted(net, BREAK_EVEN_EUR, side="right")
    return int(loss), int(profit)


def top_share(x: np.ndarray, share: float = 0.01) -> float:
    """Share of the total that the top ``share`` of people receive (at least one person)."""
    x = np.asarray(x, dtype=np.float64)
    total = x.sum()
    if len(x) == 0 or total <= 0:
        return 0.0
    k = max(1, math.ceil(share * len(x)))
    return float(np.partition(x, len(x) - k)[len(x) - k :].sum() / total)


@dataclass(frozen=True)
class RiskRule:
    """One part of the pyramid-risk indicator.

    ``higher_is_better`` says the direction; a value on the good side of ``green`` is green,
    beyond ``red`` (if any) is red, and anything between is amber.
    """

    label: str
    higher_is_better: bool
    green: float
    red: float | None
    source: str
    meaning: str
    # False: a fact about the whole industry, not a test that separates a pyramid from a
    # sales organisation; shown with its light, not part of the verdict
    decides: bool = True

    def level(self, value: float) -> str:
        if value is None or math.isnan(value):
            return "n/a"
        if self.higher_is_better:
            if value >= self.green:
                return "green"
            return "red" if self.red is not None and value < self.red else "amber"
        if value <= self.green:
            return "green"
        return "red" if self.red is not None and value > self.red else "amber"


RISK_RULES: dict[str, RiskRule] = {
    "retail_share": RiskRule(
        "retail share",
        True,
        0.70,
        0.10,
        "Amway 1979 '70 % rule'; FTC Herbalife order 2016 (2/3 of rewards from retail); "
        "red below 10 % is an assumption",
        "of all product volume is sold to customers outside the scheme",
    ),
    "recruiting_reward_share": RiskRule(
        "recruiting-reward share",
        False,
        0.25,
        0.50,
        "UWG Annex to § 3 (3) No. 14; criminal under § 16 (2) UWG",
        "of all rewards are paid for bringing in new participants",
    ),
    "vemma_share": RiskRule(
        "Vemma test",
        True,
        0.50,
        None,
        "FTC v. Vemma settlement, 2016",
        "of paid networkers have most of their own and downline volume from outside customers",
    ),
    "pay_to_play_share": RiskRule(
        "pay-to-play share",
        False,
        0.30,
        0.70,
        "Koscot test (FTC 1975); amber and red thresholds are assumptions",
        "of participants' purchases are made to join or to stay qualified",
    ),
    "median_customers": RiskRule(
        "customers per paid networker",
        True,
        10.0,
        None,
        "Amway 1979 '10-customer rule' (retail customers needed to be paid)",
        "retail customers per networker who was paid that month (median)",
    ),
    "top1_commission_share": RiskRule(
        "top-1 % commission share",
        False,
        0.50,
        None,
        "Pyramid Scheme Alert 2008: above half in 10 of 11 large companies",
        "of all commissions and rewards go to the top 1 %",
        decides=False,
    ),
}


def _fmt(key: str, value: float) -> str:
    if key == "median_customers":
        return f"{value:.1f}"
    return f"{100 * value:.0f} %"


def pyramid_risk(indicators: dict[str, float]) -> tuple[str, list[dict[str, Any]]]:
    """The verdict (green / amber / red, or n/a while no deciding rule applies) and one
    reason per part, each naming its rule."""
    parts = []
    for key, rule in RISK_RULES.items():
        value = indicators.get(key, float("nan"))
        level = rule.level(value)
        text = (
            f"{rule.label}: not applicable (nobody was paid)"
            if level == "n/a"
            else f"{rule.label}: {_fmt(key, value)} {rule.meaning} ({rule.source})"
        )
        parts.append(
            {
                "part": key,
                "value": _num(value),
                "level": level,
                "rule": rule.source,
                "text": text,
                "decides": rule.decides,
            }
        )
    levels = {p["level"] for p in parts if RISK_RULES[p["part"]].decides} - {"n/a"}
    # no rule applies yet (nobody paid, nothing bought): no verdict rather than a green one
    verdict = "red" if "red" in levels else "amber" if "amber" in levels else "green"
    return (verdict if levels else "n/a"), parts


def _num(x: Any) -> Any:
    """A JSON-safe number: NaN becomes None."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else float("nan")


def first_year_dropout_share(networkers: pd.DataFrame, weeks: int) -> float:
    """Of those who joined at least a year before the end, the share gone within a year."""
    return _gone_within_a_year(
        networkers.join_week.to_numpy(), networkers.exit_week.to_numpy(), weeks
    )


def _gone_within_a_year(join_week: np.ndarray, exit_week: np.ndarray, weeks: int) -> float:
    # those who joined before the view are the survivors of their cohorts: not counted
    eligible = (join_week >= 0) & (join_week <= weeks - YEAR_WEEKS)
    if not eligible.any():
        return float("nan")
    join_week, exit_week = join_week[eligible], exit_week[eligible]
    gone = (exit_week >= 0) & (exit_week - join_week <= YEAR_WEEKS)
    return float(gone.mean())


def first_year_dropout_by_year(networkers: pd.DataFrame, weeks: int) -> dict[str, float]:
    """C4 per joining year (docs/calibration.md C9): year n holds those who joined in weeks
    [52 (n - 1), 52 n), founders in year 1; only years seen a full year after joining."""
    join_week, exit_week = networkers.join_week.to_numpy(), networkers.exit_week.to_numpy()
    out = {}
    for year in range(1, weeks // YEAR_WEEKS):
        start = (year - 1) * YEAR_WEEKS
        cohort = (join_week >= start) & (join_week < start + YEAR_WEEKS)
        out[f"y{year}"] = _gone_within_a_year(join_week[cohort], exit_week[cohort], weeks)
    return out


def earners_discouraged_share(
    networkers: pd.DataFrame, weeks: int, monthly_income: float = 50.0
) -> float:
    """Of builders whose income from the business averaged at least ``monthly_income`` a
    month while active (counting at least one month), the share who left discouraged."""
    builders = networkers.builder.to_numpy()
    months = np.maximum(
        weeks_active(networkers, weeks).to_numpy()[builders] / WEEKS_PER_MONTH_AVG, 1.0
    )
    earners = networkers.gross_income.to_numpy()[builders] / months >= monthly_income
    if not earners.any():
        return float("nan")
    return float((networkers.exit_reason.to_numpy()[builders][earners] == "discouraged").mean())


def _active_and_quits(networkers: pd.DataFrame, years: int) -> tuple[np.ndarray, np.ndarray]:
    """Per full year of the run: the mean number active in its weeks, and the quits."""
    horizon = years * YEAR_WEEKS
    joined = np.bincount(networkers.join_week.clip(0, horizon), minlength=horizon + 1)
    gone = networkers.exit_week[(networkers.exit_week >= 0)].to_numpy()
    exits = np.bincount(gone.clip(0, horizon + 1), minlength=horizon + 2)[: horizon + 1]
    # active during week w (1..horizon): joined by w, not yet gone before w
    active = np.cumsum(joined)[1:] - np.cumsum(exits)[:-1]
    quits = exits[1:].reshape(years, YEAR_WEEKS).sum(axis=1)
    return active.reshape(years, YEAR_WEEKS).mean(axis=1), quits


def annual_turnover(networkers: pd.DataFrame, weeks: int) -> float:
    """Networkers who quit during a year over the average number active that year,
    pooled over the run's full years (docs/calibration.md C5)."""
    years = weeks // YEAR_WEEKS
    if years == 0:
        return float("nan")
    mean_active, quits = _active_and_quits(networkers, years)
    return _ratio(quits.sum(), mean_active.sum())


def active_by_year(networkers: pd.DataFrame, weeks: int) -> dict[str, float]:
    """The mean number of active networkers in each full year of the run (C11)."""
    years = weeks // YEAR_WEEKS
    if years == 0:
        return {}
    mean_active, _ = _active_and_quits(networkers, years)
    return {f"y{y + 1}": float(a) for y, a in enumerate(mean_active)}


def steadiness(by_year: dict[str, float]) -> tuple[float, float]:
    """How steady a yearly series is from its second year on (docs/calibration.md C11):
    the largest change from one year to the next, as a share of the earlier year, and
    the last year over the second. NaN for fewer than three years."""
    values = np.array([by_year[f"y{y}"] for y in range(2, len(by_year) + 1)], dtype=float)
    if len(values) < 2 or (values[:-1] <= 0).any():
        return float("nan"), float("nan")
    return float(np.max(np.abs(np.diff(values)) / values[:-1])), float(values[-1] / values[0])


HOURS_BANDS = ((0.0, 2.0), (2.0, 5.0), (5.0, 10.0), (10.0, math.inf))  # C14, h a week


def hours_band_name(lo: float, hi: float) -> str:
    return f"h{lo:g}_{hi:g}" if math.isfinite(hi) else f"h{lo:g}_"


def builder_profit_by_hours(networkers: pd.DataFrame) -> dict[str, float]:
    """Business builders' share in profit (> €100) by hours a week (docs/calibration.md
    C14): bands (lo, hi], the first from 0."""
    builders = networkers[networkers.builder.to_numpy()]
    hours, net = builders.hours.to_numpy(), builders.net_income.to_numpy()
    out = {}
    for lo, hi in HOURS_BANDS:
        band = (hours > lo) & (hours <= hi)
        out[hours_band_name(lo, hi)] = (
            float((net[band] > BREAK_EVEN_EUR).mean()) if band.any() else float("nan")
        )
    return out


def recruited_share(networkers: pd.DataFrame, who: np.ndarray | None = None) -> float:
    """Share of the networkers (``who``, default all) who ever recruited anyone (C13)."""
    recruits = networkers.recruits.to_numpy()
    if who is not None:
        recruits = recruits[who]
    return float((recruits > 0).mean()) if len(recruits) else float("nan")


def weeks_active(networkers: pd.DataFrame, weeks: int) -> pd.Series:
    """Weeks each networker was active: to the exit, or to week ``weeks`` if still active."""
    return networkers.exit_week.where(networkers.exit_week >= 0, weeks) - networkers.join_week


def gross_per_year_of_full_year_members(networkers: pd.DataFrame, weeks: int) -> np.ndarray:
    """Gross income per year of those active at least a full year (docs/calibration.md C6)."""
    tenure = weeks_active(networkers, weeks)
    full = tenure >= YEAR_WEEKS
    return (networkers.gross_income[full] * YEAR_WEEKS / tenure[full]).to_numpy()


def payout_ratio(totals: dict[str, float]) -> float:
    """Commissions and recruiting rewards over the company's revenue (docs/model.md §5.3):
    the share of every euro the company took in that its plan paid out. The retail margin
    is not in it: customers pay it to their seller, not the company."""
    paid = totals["commissions"] + totals["recruiting_rewards"]
    return _ratio(paid, totals["company_revenue"])


def own_purchase_share(totals: dict[str, float]) -> float:
    """Participants' own purchases (starter kits, entry fees, required and own-use
    purchases) over all volume, theirs and their customers' (docs/model.md §5.3): the
    complement of the pyramid-risk indicator's retail share."""
    participant = totals["participant_purchases"]
    return _ratio(participant, totals["retail_volume"] + participant)


def company_margin(totals: dict[str, float]) -> float:
    """What the company keeps of its revenue after the cost of the goods, the commissions
    and the recruiting rewards (docs/model.md §5.3)."""
    paid = totals["commissions"] + totals["recruiting_rewards"]
    return totals["company_revenue"] - totals["product_cost"] - paid


# where each euro of the company's revenue went, in the order the charts stack them
MONEY_PARTS = ("product_cost", "commissions", "recruiting_rewards", "company_margin")


def money_by_month(weekly: pd.DataFrame, weeks_per_month: int) -> pd.DataFrame:
    """The company's revenue and where it went (``MONEY_PARTS``), and the breakage, summed
    by month (the month a week falls in, from 1; docs/model.md §5.3)."""
    month = (weekly.week.to_numpy() - 1) // weeks_per_month + 1
    columns = ["company_revenue", *MONEY_PARTS, "breakage"]
    return weekly[columns].groupby(month).sum().rename_axis("month").reset_index()


def indicators(totals: dict[str, float], networkers: pd.DataFrame) -> dict[str, float]:
    """The values the pyramid-risk indicator judges, from a run's totals."""
    rewards = totals["commissions"] + totals["recruiting_rewards"]
    participant = totals["participant_purchases"]
    return {
        "retail_share": _ratio(totals["retail_volume"], totals["retail_volume"] + participant),
        # NaN while nobody has been paid: no reward can be judged yet
        "recruiting_reward_share": _ratio(totals["recruiting_rewards"], rewards),
        "vemma_share": _ratio(totals["vemma_pass"], totals["vemma_paid"]),
        "pay_to_play_share": _ratio(totals["qualifying_purchases"], participant),
        "median_customers": totals["median_customers"],
        "top1_commission_share": top_share(
            (networkers.commission + networkers.recruiting_reward).to_numpy()
        ),
    }


def summarize(
    scenario: str, seed: int, weeks: int, networkers: pd.DataFrame, totals: dict[str, float]
) -> dict[str, Any]:
    """The summary of one run: the figures of the terminal table and of ``--json``."""
    net = networkers.net_income.to_numpy()
    join_week, exit_week = networkers.join_week.to_numpy(), networkers.exit_week.to_numpy()
    n = len(net)
    # counted in numpy: the column's strings are Arrow's, whose first filter in a process
    # costs more than a small run's whole summary
    reasons = Counter(networkers.exit_reason.to_numpy(dtype=object)[exit_week >= 0])
    ind = indicators(totals, networkers)
    verdict, parts = pyramid_risk(ind)
    pct = percentiles(net, PERCENTILES)
    return {
        "scenario": scenario,
        "seed": seed,
        "weeks": weeks,
        "population": int(totals["population"]),
        "ever_joined": n,
        "active_end": int((networkers.exit_week < 0).sum()),
        "dropouts_by_reason": {
            r: int(reasons.get(r, 0)) for r in ("discouraged", "financial", "life", "no_market")
        },
        **{k: _num(v) for k, v in outcome_shares(net).items()},
        "net_income_percentiles": {f"p{q}": _num(v) for q, v in zip(PERCENTILES, pct, strict=True)},
        "mean_net_income": _num(net.mean()) if n else None,
        "gini_net_income": gini(net),
        "top1_commission_share": ind["top1_commission_share"],
        "first_year_dropout_share": _num(_gone_within_a_year(join_week, exit_week, weeks)),
        "annual_turnover": _num(annual_turnover(networkers, weeks)),
        "builder_first_year_dropout_share": _num(
            _gone_within_a_year(
                join_week[networkers.builder.to_numpy()],
                exit_week[networkers.builder.to_numpy()],
                weeks,
            )
        ),
        "first_year_dropout_share_by_year": {
            k: _num(v) for k, v in first_year_dropout_by_year(networkers, weeks).items()
        },
        "earners_discouraged_share": _num(earners_discouraged_share(networkers, weeks)),
        "median_gross_per_year_full_year": _num(
            np.median(g)
            if len(g := gross_per_year_of_full_year_members(networkers, weeks))
            else float("nan")
        ),
        "share_part_time": _num(_ratio(networkers.part_time.sum(), n)),
        "members_at_start": int((join_week <= 0).sum()),
        "ever_joined_share": _num(_ratio(n, totals["population"])),
        "recruited_share": _num(recruited_share(networkers)),
        "product_user_recruited_share": _num(
            recruited_share(networkers, ~networkers.builder.to_numpy())
        ),
        "builder_profit_share_by_hours": {
            k: _num(v) for k, v in builder_profit_by_hours(networkers).items()
        },
        "active_by_year": {k: _num(v) for k, v in active_by_year(networkers, weeks).items()},
        "median_weeks_to_dropout": _num(
            median_weeks_to_dropout(networkers.join_week, networkers.exit_week)
        ),
        "retail_share": _num(ind["retail_share"]),
        "recruiting_reward_share": _num(ind["recruiting_reward_share"]),
        "vemma_share": _num(ind["vemma_share"]),
        "pay_to_play_share": _num(ind["pay_to_play_share"]),
        "median_customers": _num(ind["median_customers"]),
        "company_revenue": _num(totals["company_revenue"]),
        "commissions_paid": _num(totals["commissions"] + totals["recruiting_rewards"]),
        # where each euro of the company's revenue went (docs/model.md §5.3)
        "product_cost": _num(totals["product_cost"]),
        "commissions": _num(totals["commissions"]),
        "recruiting_rewards": _num(totals["recruiting_rewards"]),
        "company_margin": _num(company_margin(totals)),
        "breakage": _num(totals["breakage"]),
        "payout_ratio": _num(payout_ratio(totals)),
        "own_purchase_share": _num(own_purchase_share(totals)),
        "retail_margin": _num(networkers.retail_margin.sum()),
        "pyramid_risk": verdict,
        "pyramid_risk_reasons": parts,
        "note": NOT_LEGAL_ADVICE,
    }


def median_weeks_to_dropout(
    join_week: np.ndarray | pd.Series, exit_week: np.ndarray | pd.Series
) -> float:
    """Median weeks from joining to leaving of those who left; NaN if nobody left."""
    join_week, exit_week = np.asarray(join_week), np.asarray(exit_week)
    gone = exit_week >= 0
    if not gone.any():
        return float("nan")
    return float(np.median(exit_week[gone] - join_week[gone]))


@dataclass(frozen=True)
class Survival:
    """Survival by weeks since joining; entry w of each array is for w weeks after joining.

    Attributes:
        share: share still active w weeks after joining (Kaplan-Meier); NaN where it is
            unknown: everyone who could be seen that long was still active when last seen.
        at_risk: people seen active at least w weeks after joining: the number the
            estimate's step at w rests on.
        followed: people who joined at least w weeks before the end of observation, who
            could have been seen that long whether they stayed or not.
    """

    share: np.ndarray
    at_risk: np.ndarray
    followed: np.ndarray

    def head(self, weeks: int) -> Survival:
        """The first ``weeks`` entries."""
        return Survival(self.share[:weeks], self.at_risk[:weeks], self.followed[:weeks])


def kaplan_meier(
    join_week: np.ndarray | pd.Series,
    exit_week: np.ndarray | pd.Series,
    now: int,
    horizon: int | None = None,
) -> Survival:
    """The Kaplan-Meier estimate of the share still active by weeks since joining.

    A networker who left after d weeks (``exit_week - join_week``) is an exit at d; one
    still active at week ``now`` (``exit_week`` < 0) was seen for ``now - join_week`` weeks
    and then leaves the risk set without counting as an exit (censored). The share at w is
    the product over u <= w of (1 - exits at u / at risk at u), so it never rises, even
    when the early joiners who remain are a different crowd from the later ones.

    Args:
        join_week: week each networker joined (at most ``now``).
        exit_week: week each networker left, -1 if still active.
        now: the last week observed.
        horizon: the last week since joining to report; ``now`` by default (the longest
            anyone can have been seen).
    """
    join_week = np.asarray(join_week, dtype=np.int64)
    exit_week = np.asarray(exit_week, dtype=np.int64)
    horizon = now if horizon is None else horizon
    size = horizon + 1
    left = exit_week >= 0
    duration = np.where(left, exit_week, now) - join_week
    exits = np.bincount(duration[left], minlength=size)[:size]
    at_risk = _at_least(duration, size)
    followed = _at_least(now - join_week, size)
    with np.errstate(invalid="ignore", divide="ignore"):
        step = np.where(at_risk > 0, 1 - exits / at_risk, 1.0)
    share = np.cumprod(step)
    # beyond the longest time seen the share is unknown, unless everyone had left by then
    share[(at_risk == 0) & (share > 0)] = np.nan
    return Survival(share, at_risk, followed)


def _at_least(values: np.ndarray, size: int) -> np.ndarray:
    """How many of the non-negative integers ``values`` are >= w, for w = 0 .. size - 1."""
    below = np.cumsum(np.bincount(values, minlength=size))[: size - 1]
    return len(values) - np.concatenate([[0], below]).astype(np.int64)


def survival_curves(networkers: pd.DataFrame, weeks: int) -> np.ndarray:
    """One Kaplan-Meier curve per replicate (all joiners pooled), rows = replicates.

    ``networkers`` is a pooled table with columns ``point`` and ``replicate``; entry w of
    a row is the share still active w weeks after joining, for w = 0 .. ``weeks``.
    """
    return np.array([
        kaplan_meier(rep.join_week, rep.exit_week, weeks).share
        for _, rep in networkers.groupby(["point", "replicate"])
    ])  # fmt: skip


def replicate_band(curves: np.ndarray) -> np.ndarray:
    """5th, 50th and 95th percentile over replicates (rows) of each column, NaN ignored."""
    return percentiles(curves, (5, 50, 95), axis=0)


def survival_by_cohort(
    join_week: np.ndarray,
    exit_week: np.ndarray,
    now: int,
    cohort_weeks: int = 52,
    min_observed: int = 20,
) -> list[tuple[int, Survival]]:
    """Survival (``kaplan_meier``) of each joining cohort, by weeks since joining.

    Cohorts are the networkers who joined in weeks [c, c + cohort_weeks) for c = 0,
    cohort_weeks, ...; founders (week 0) belong to the first. A curve stops where fewer
    than ``min_observed`` of its members (or the whole cohort, if smaller) joined long
    enough ago to have been seen that long: the tail would be noise.

    Returns:
        (first week of the cohort, its survival up to where it stops) for each cohort.
    """
    join_week = np.asarray(join_week)
    exit_week = np.asarray(exit_week)
    out = []
    for start in range(0, now + 1, cohort_weeks):
        members = (join_week >= start) & (join_week < start + cohort_weeks)
        if not members.any():
            continue
        first = int(join_week[members].min())
        km = kaplan_meier(join_week[members], exit_week[members], now, horizon=now - first)
        enough = int(np.count_nonzero(km.followed >= min(min_observed, int(members.sum()))))
        out.append((start, km.head(enough)))
    return out


def lorenz(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points of the Lorenz curve: cumulative share of people and of the total."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    total = x.sum()
    people = np.linspace(0.0, 1.0, len(x) + 1)
    if len(x) == 0 or total == 0:
        return people, people.copy()
    return people, np.concatenate([[0.0], np.cumsum(x) / total])
