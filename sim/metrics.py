"""Outcome statistics of a run: income distribution, dropout, and the pyramid-risk indicator.

The indicator (MODEL.md section 5) informs; it is not legal advice. Its thresholds live in
``RISK_RULES`` and nowhere else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

PERCENTILES = (5, 10, 25, 50, 75, 90, 99)
BREAK_EVEN_EUR = 100.0  # CALIBRATION.md: "break-even" = cumulative net within +-100 EUR
YEAR_WEEKS = 52
WEEKS_PER_MONTH_AVG = 52 / 12  # weeks in an average calendar month
# Monthly net income bins on a signed log scale (EUR), for the income heat map.
_DECADES = np.array([10.0, 30.0, 100.0, 300.0, 1_000.0, 3_000.0, 10_000.0])
INCOME_BIN_EDGES = np.concatenate([[-np.inf], -_DECADES[::-1], _DECADES, [np.inf]])
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
    if not is_sorted:
        x = np.sort(x)
    n = len(x)
    scale = np.abs(x).sum()
    if n < 2 or scale == 0:
        return 0.0
    rank = np.arange(1, n + 1)
    mean_abs_diff_sum = 2.0 * np.sum((2 * rank - n - 1) * x)
    return float(mean_abs_diff_sum / (2.0 * n * scale))


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
    """The verdict (green / amber / red) and one reason per part, each naming its rule."""
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
    levels = {p["level"] for p in parts if RISK_RULES[p["part"]].decides}
    verdict = "red" if "red" in levels else "amber" if "amber" in levels else "green"
    return verdict, parts


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
    eligible = networkers[networkers.join_week <= weeks - YEAR_WEEKS]
    if len(eligible) == 0:
        return float("nan")
    gone = (eligible.exit_week >= 0) & (eligible.exit_week - eligible.join_week <= YEAR_WEEKS)
    return float(gone.mean())


def first_year_dropout_by_year(networkers: pd.DataFrame, weeks: int) -> dict[str, float]:
    """C4 per joining year (CALIBRATION.md C9): year n holds those who joined in weeks
    [52 (n - 1), 52 n), founders in year 1; only years seen a full year after joining."""
    out = {}
    for year in range(1, weeks // YEAR_WEEKS):
        start = (year - 1) * YEAR_WEEKS
        cohort = networkers[
            (networkers.join_week >= start) & (networkers.join_week < start + YEAR_WEEKS)
        ]
        out[f"y{year}"] = first_year_dropout_share(cohort, weeks)
    return out


def earners_discouraged_share(
    networkers: pd.DataFrame, weeks: int, monthly_income: float = 50.0
) -> float:
    """Of builders whose income from the business averaged at least ``monthly_income`` a
    month while active (counting at least one month), the share who left discouraged."""
    builders = networkers[networkers.builder]
    months = np.maximum(weeks_active(builders, weeks) / WEEKS_PER_MONTH_AVG, 1.0)
    earners = builders[builders.gross_income / months >= monthly_income]
    if len(earners) == 0:
        return float("nan")
    return float((earners.exit_reason == "discouraged").mean())


def annual_turnover(networkers: pd.DataFrame, weeks: int) -> float:
    """Networkers who quit during a year over the average number active that year,
    pooled over the run's full years (CALIBRATION.md C5)."""
    years = weeks // YEAR_WEEKS
    if years == 0:
        return float("nan")
    horizon = years * YEAR_WEEKS
    joined = np.bincount(networkers.join_week.clip(0, horizon), minlength=horizon + 1)
    gone = networkers.exit_week[(networkers.exit_week >= 0)].to_numpy()
    exits = np.bincount(gone.clip(0, horizon + 1), minlength=horizon + 2)[: horizon + 1]
    # active during week w (1..horizon): joined by w, not yet gone before w
    active = np.cumsum(joined)[1:] - np.cumsum(exits)[:-1]
    quits = exits[1:].reshape(years, YEAR_WEEKS).sum(axis=1)
    mean_active = active.reshape(years, YEAR_WEEKS).mean(axis=1)
    return _ratio(quits.sum(), mean_active.sum())


def weeks_active(networkers: pd.DataFrame, weeks: int) -> pd.Series:
    """Weeks each networker was active: to the exit, or to week ``weeks`` if still active."""
    return networkers.exit_week.where(networkers.exit_week >= 0, weeks) - networkers.join_week


def gross_per_year_of_full_year_members(networkers: pd.DataFrame, weeks: int) -> np.ndarray:
    """Gross income per year of those active at least a full year (CALIBRATION.md C6)."""
    tenure = weeks_active(networkers, weeks)
    full = tenure >= YEAR_WEEKS
    return (networkers.gross_income[full] * YEAR_WEEKS / tenure[full]).to_numpy()


def indicators(totals: dict[str, float], networkers: pd.DataFrame) -> dict[str, float]:
    """The values the pyramid-risk indicator judges, from a run's totals."""
    rewards = totals["commissions"] + totals["recruiting_rewards"]
    participant = totals["participant_purchases"]
    return {
        "retail_share": _ratio(totals["retail_volume"], totals["retail_volume"] + participant),
        "recruiting_reward_share": _ratio(totals["recruiting_rewards"], rewards)
        if rewards > 0
        else 0.0,
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
    n = len(net)
    reasons = networkers.exit_reason[networkers.exit_week >= 0].value_counts()
    ind = indicators(totals, networkers)
    verdict, parts = pyramid_risk(ind)
    pct = np.percentile(net, PERCENTILES) if n else [float("nan")] * len(PERCENTILES)
    stayed = networkers[networkers.exit_week >= 0]
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
        "share_net_loss": _num(_ratio(np.count_nonzero(net < -BREAK_EVEN_EUR), n)),
        "share_break_even": _num(_ratio(np.count_nonzero(np.abs(net) <= BREAK_EVEN_EUR), n)),
        "share_profit": _num(_ratio(np.count_nonzero(net > BREAK_EVEN_EUR), n)),
        "net_income_percentiles": {f"p{q}": _num(v) for q, v in zip(PERCENTILES, pct, strict=True)},
        "mean_net_income": _num(net.mean()) if n else None,
        "gini_net_income": gini(net),
        "top1_commission_share": ind["top1_commission_share"],
        "first_year_dropout_share": _num(first_year_dropout_share(networkers, weeks)),
        "annual_turnover": _num(annual_turnover(networkers, weeks)),
        "builder_first_year_dropout_share": _num(
            first_year_dropout_share(networkers[networkers.builder], weeks)
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
        "median_weeks_to_dropout": _num(
            (stayed.exit_week - stayed.join_week).median() if len(stayed) else float("nan")
        ),
        "retail_share": _num(ind["retail_share"]),
        "recruiting_reward_share": _num(ind["recruiting_reward_share"]),
        "vemma_share": _num(ind["vemma_share"]),
        "pay_to_play_share": _num(ind["pay_to_play_share"]),
        "median_customers": _num(ind["median_customers"]),
        "company_revenue": _num(totals["company_revenue"]),
        "commissions_paid": _num(totals["commissions"] + totals["recruiting_rewards"]),
        "pyramid_risk": verdict,
        "pyramid_risk_reasons": parts,
        "note": NOT_LEGAL_ADVICE,
    }


def survival_by_cohort(
    join_week: np.ndarray,
    exit_week: np.ndarray,
    now: int,
    cohort_weeks: int = 52,
    min_observed: int = 20,
) -> list[tuple[int, np.ndarray]]:
    """Share of each joining cohort still active, by weeks since joining.

    Cohorts are the networkers who joined in weeks [c, c + cohort_weeks) for c = 0,
    cohort_weeks, ...; founders (week 0) belong to the first. At w weeks since joining
    only members who joined at least w weeks before ``now`` count, and the curve stops
    where fewer than ``min_observed`` of them (or the whole cohort, if smaller) remain;
    a still-active networker counts as active up to ``now``.

    Returns:
        (first week of the cohort, share active at 0, 1, 2, ... weeks since joining).
    """
    join_week = np.asarray(join_week)
    exit_week = np.asarray(exit_week)
    tenure = np.where(exit_week >= 0, exit_week, now + 1) - join_week
    out = []
    for start in range(0, now + 1, cohort_weeks):
        members = (join_week >= start) & (join_week < start + cohort_weeks)
        if not members.any():
            continue
        weeks = np.arange(now - join_week[members].min() + 1)
        # at w weeks since joining, count only those who joined at least w weeks ago
        observed = (now - join_week[members])[None, :] >= weeks[:, None]
        alive = (tenure[members][None, :] > weeks[:, None]) & observed
        seen = observed.sum(axis=1)
        # stop where too few members can have been observed that long: the tail is noise
        enough = seen >= min(min_observed, int(members.sum()))
        out.append((start, alive.sum(axis=1)[enough] / seen[enough]))
    return out


def lorenz(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points of the Lorenz curve: cumulative share of people and of the total."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    total = x.sum()
    people = np.linspace(0.0, 1.0, len(x) + 1)
    if len(x) == 0 or total == 0:
        return people, people.copy()
    return people, np.concatenate([[0.0], np.cumsum(x) / total])
