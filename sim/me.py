"""What would happen to me? The futures of one person with given traits (issue #6).

The method is the honest one: in every replicate, a few "focal" networkers with the
user's traits join at the chosen week of the view, as random prospects of the population,
sponsored by random active networkers. An established company (``company_age_years``) is
built once, and every replicate starts from it at week 0 (``sim.model.establish``): the
futures are those of the company the user would join, not of a launch. From then on the
people like the user are ordinary networkers: they join through
``NetworkMarketingModel.enrol`` like everyone else and follow exactly the same rules; the
model and the agent do not know who is focal. We only read their ledger rows 3, 6, 12 and
24 months after they joined. Every share comes with a Wilson 95 % confidence interval.

Traits the user states (hours, tolerance, friends, experience) are set; everything the user
cannot know about themselves (the loss they would accept before quitting, whether the
company's training picks them) is drawn by the model's own rules. The person asking, and
which profiles the model can answer for, are ``sim.profile``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import replicate_seeds, schedule
from sim.i18n import DEFAULT_LANG, LANGS, NO_VALUE, count, fmt_eur, fmt_int, fmt_num, fmt_pct, t
from sim.memory import check_memory, in_flight
from sim.metrics import BREAK_EVEN_EUR, PROFIT, outcome, percentiles
from sim.model import NetworkMarketingModel, Start, establish
from sim.networker import ExitReason, Networker, Traits, draw_traits
from sim.population import PROSPECT
from sim.profile import (
    DEFAULT_FUTURES,
    FOCAL_PER_REPLICATE,
    Profile,
    check_profile,
    months_to_weeks,
)
from sim.scenario import Scenario

HORIZON_MONTHS = (3, 6, 12, 24)
PROMISE_MONTHS = 2  # S6: "a lot of money within one or two months"
SKILL = {"none": 1.0, "some": 1.2}  # "experienced" takes the scenario's skill factor
Z95 = 1.959963984540054
REASONS = (ExitReason.DISCOURAGED, ExitReason.FINANCIAL, ExitReason.LIFE, ExitReason.NO_MARKET)


def horizon_months(months: int) -> list[int]:
    """The months reported: 3, 6, 12, 24 up to ``months``, and ``months`` itself."""
    return sorted({m for m in HORIZON_MONTHS if m <= months} | {months})


# ---- one future --------------------------------------------------------------------------


def warm_market(model: NetworkMarketingModel, person: int, friends: int) -> list[int]:
    """The user's warm market: ``friends`` people, in the order they will be approached.

    The person's acquaintances in the social graph come first (shuffled, as the model does
    for everyone); if the graph gives fewer than the user says they have, random prospects
    top the list up: people the graph does not link to them but who are their friends.
    """
    pop = model.population
    acquaintances = pop.acquaintances(person).copy()
    model.rng.shuffle(acquaintances)
    warm = [int(x) for x in acquaintances[:friends]]
    missing = friends - len(warm)
    if missing > 0:
        candidates = np.flatnonzero(pop.state == PROSPECT)
        candidates = candidates[~np.isin(candidates, [*warm, person])]
        extra = model.rng.choice(candidates, size=min(missing, len(candidates)), replace=False)
        warm += [int(x) for x in extra]
    return warm


def focal_traits(model: NetworkMarketingModel, profile: Profile) -> tuple[Traits, bool]:
    """The traits ``enrol`` takes, and whether the person counts as experienced.

    The loss tolerance is drawn by ``draw_traits`` (the user cannot know it). Experience
    multiplies the skill by the scenario's factor; the tolerance stays the user's own
    answer, which already describes them (multiplying it would count it twice).
    """
    experienced = profile.experience == "experienced"
    drawn = draw_traits(model.params, model.rng, np.array([experienced]))
    skill = model.params.experienced.skill_factor if experienced else SKILL[profile.experience]
    traits = Traits(
        builder=True,
        part_time=profile.hours <= model.params.networker.hours_max_part_time,
        hours=float(profile.hours),
        tolerance=float(profile.tolerance),
        skill=float(skill),
        loss_tolerance=float(drawn.loss_tolerance[0]),
    )
    return traits, experienced


def enrol_focal(model: NetworkMarketingModel, profile: Profile) -> Networker:
    """A person like the user joins now: a random prospect, below a random active networker."""
    pop = model.population
    prospects = np.flatnonzero(pop.state == PROSPECT)
    if len(prospects) == 0:
        raise RuntimeError("no prospect left in the population to join")
    person = int(model.rng.choice(prospects))
    active = np.flatnonzero(model.ledger.active)
    sponsor = model.networkers[int(model.rng.choice(active))] if len(active) else None
    traits, experienced = focal_traits(model, profile)
    warm = warm_market(model, person, int(profile.friends))
    return model.enrol(person, sponsor, experienced=experienced, traits=traits, warm=warm)


def snapshot(model: NetworkMarketingModel, nids: np.ndarray, weeks: int) -> list[dict]:
    """The focal networkers' ledger rows ``weeks`` after they joined."""
    lg = model.ledger
    net, gross = lg.net[nids], lg.gross[nids]
    rows = []
    for i, nid in enumerate(nids):
        active = bool(lg.active[nid])
        end = model.week if active else int(lg.exit_week[nid])
        rows.append(
            {
                "focal": i,
                "weeks": weeks,
                "active": active,
                "net": float(net[i]),
                "gross": float(gross[i]),
                "hours_worked": float(lg.hours_worked[nid]),
                "exit_reason": ExitReason(int(lg.exit_reason[nid])).label,
                "weeks_active": end - int(lg.join_week[nid]),
                "contacts": int(lg.contacts[nid]),
                "recruits": int(lg.recruits[nid]),
                "customers": len(model.population.customers_of(nid)),
            }
        )
    return rows


def run_replicate(
    scenario: Scenario, profile: Profile, seed: int, focal: int, start: Start | None = None
) -> list[dict]:
    """One replicate: the company runs from the start of the view to the join week,
    ``focal`` people like the user join, and their ledger rows are read at every
    checkpoint. ``start``: the established company at week 0 (``sim.model.establish``),
    the same for every replicate of a question."""
    weeks = months_to_weeks(profile.months)
    checkpoints = {months_to_weeks(m) for m in horizon_months(profile.months)}
    checkpoints.add(min(weeks, months_to_weeks(PROMISE_MONTHS)))
    # the series is sized by the horizon: make it just long enough
    sc = scenario.with_overrides({"simulation.weeks": profile.join_week + weeks}, origin="me")
    model = NetworkMarketingModel(sc, seed=seed, start=start)
    while model.week < profile.join_week:
        model.step()
    nids = np.array([enrol_focal(model, profile).nid for _ in range(focal)], dtype=np.int64)
    rows: list[dict] = []
    for week in range(1, weeks + 1):
        if not model.ledger.active[nids].any():
            # Everyone has quit: a former networker's ledger row no longer changes (no
            # costs, no hours, no volume, hence no pay), so the rest of the run is skipped.
            for later in sorted(c for c in checkpoints if c >= week):
                rows += snapshot(model, nids, later)
            break
        model.step()
        if week in checkpoints:
            rows += snapshot(model, nids, week)
    return rows


def run_batch(
    scenario: Scenario,
    profile: Profile,
    tasks: Sequence[tuple[int, int, int]],
    start: Start | None = None,
) -> list[dict]:
    """Replicates ``(replicate, seed, focal)`` in one worker; rows carry the replicate."""
    out = []
    for replicate, seed, focal in tasks:
        for row in run_replicate(scenario, profile, seed, focal, start):
            out.append({"replicate": replicate, "seed": seed, **row})
    return out


# ---- statistics ------------------------------------------------------------------------


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a share k/n (95 % by default); NaN for n = 0."""
    if n == 0:
        return math.nan, math.nan
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # exact at the ends (the formula leaves rounding noise such as 3e-18 there)
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo, hi


def share(mask: np.ndarray | pd.Series, n: int | None = None) -> dict[str, float]:
    """A share with its Wilson 95 % interval: {"share", "lo", "hi", "k", "n"}."""
    mask = np.asarray(mask, dtype=bool)
    n = len(mask) if n is None else n
    k = int(mask.sum())
    lo, hi = wilson(k, n)
    return {"share": k / n if n else math.nan, "lo": lo, "hi": hi, "k": k, "n": n}


def quantiles(x: np.ndarray | pd.Series) -> dict[str, float]:
    """10th, 50th and 90th percentile (NaN when empty)."""
    p10, p50, p90 = percentiles(x, (10, 50, 90))
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}


def horizon_figures(rows: pd.DataFrame, profile: Profile, minimum_wage: float) -> dict[str, Any]:
    """The figures of one checkpoint over all futures."""
    weeks = int(rows.weeks.iloc[0])
    hours = rows.hours_worked.to_numpy()
    net = rows.net.to_numpy()
    per_hour = np.where(hours > 0, net / np.where(hours > 0, hours, 1.0), np.nan)
    return {
        "weeks": weeks,
        "active": share(rows.active),
        "profit": share(outcome(net) == PROFIT),
        "net": quantiles(net),
        "hours_invested": quantiles(hours),
        "net_per_hour": quantiles(per_hour),
        "beats_minimum_wage": share((hours > 0) & (net > minimum_wage * hours)),
        # the side job for the same hours a week, kept for the whole period
        "minimum_wage_job": minimum_wage * profile.hours * weeks,
        "weeks_active_mean": float(rows.weeks_active.mean()),
        "recruits_mean": float(rows.recruits.mean()),
    }


@dataclass
class Outlook:
    """What would happen to the user: the figures of every horizon, with intervals.

    Attributes:
        scenario: the scenario's name.
        profile: the person asking.
        futures: focal networkers simulated (possible futures).
        replicates: model runs; ``focal_per_replicate`` futures each (the last maybe fewer).
        master_seed: the seed every replicate seed comes from.
        minimum_wage: EUR per hour, the side-job reference.
        company_age_years: the company's age at week 0 (0: the user joins a launch).
        own_purchase_value_share: share of own purchases the scenario counts as value.
        horizons: by months: the figures of ``horizon_figures``.
        promise: S6 checked at 2 months: share ahead of a minimum-wage job, median net.
        reasons: at the last horizon: share of futures stopped, and each exit reason's
            share among those who stopped.
        rows: every focal networker at every checkpoint (not part of ``to_dict``).
    """

    scenario: str
    profile: Profile
    futures: int
    replicates: int
    focal_per_replicate: int
    master_seed: int
    minimum_wage: float
    company_age_years: int
    own_purchase_value_share: float
    horizons: dict[int, dict[str, Any]]
    promise: dict[str, Any]
    reasons: dict[str, Any]
    rows: pd.DataFrame = field(repr=False)

    def to_dict(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """Plain data for JSON: NaN becomes None; with the plain-language texts."""
        data = {
            "scenario": self.scenario,
            "profile": asdict(self.profile),
            "futures": self.futures,
            "replicates": self.replicates,
            "focal_per_replicate": self.focal_per_replicate,
            "master_seed": self.master_seed,
            "minimum_wage": self.minimum_wage,
            "own_purchase_value_share": self.own_purchase_value_share,
            "break_even_eur": BREAK_EVEN_EUR,
            "horizons": [{"months": m, **h} for m, h in self.horizons.items()],
            "promise": self.promise,
            "dropout_reasons": self.reasons,
            "lang": lang,
            "summary": plain_summary(self, lang),
            "note": model_note(self, lang),
        }
        return _json_safe(data)


def _json_safe(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _json_safe(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_json_safe(v) for v in x]
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, np.generic):
        return _json_safe(x.item())
    return x


def summarise(
    rows: pd.DataFrame, profile: Profile, minimum_wage: float
) -> tuple[dict[int, dict], dict, dict]:
    """Horizons, the promise and the dropout reasons from the focal rows."""
    by_weeks = dict(tuple(rows.groupby("weeks")))
    horizons = {
        m: horizon_figures(by_weeks[months_to_weeks(m)], profile, minimum_wage)
        for m in horizon_months(profile.months)
    }
    promise_weeks = min(months_to_weeks(profile.months), months_to_weeks(PROMISE_MONTHS))
    early = by_weeks[promise_weeks]
    job = minimum_wage * profile.hours * promise_weeks
    promise = {
        "months": PROMISE_MONTHS,
        "weeks": promise_weeks,
        "minimum_wage_job": job,
        "ahead_of_minimum_wage_job": share(early.net.to_numpy() > job),
        "net_median": quantiles(early.net)["p50"],
    }
    last = by_weeks[months_to_weeks(profile.months)]
    stopped = ~last.active.to_numpy()
    n_stopped = int(stopped.sum())
    reasons = {
        "months": profile.months,
        "stopped": share(stopped),
        "among_stopped": {
            r.label: share(last.exit_reason.to_numpy()[stopped] == r.label, n_stopped)
            for r in REASONS
        },
    }
    return horizons, promise, reasons


def what_would_happen(
    scenario: Scenario,
    profile: Profile,
    futures: int = DEFAULT_FUTURES,
    *,
    master_seed: int | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    focal_per_replicate: int = FOCAL_PER_REPLICATE,
    on_partial: Callable[[Outlook], None] | None = None,
) -> Outlook:
    """Simulate ``futures`` people like the user and summarise what happened to them.

    Args:
        scenario: the company and its market.
        profile: the person asking.
        futures: focal networkers in all (about ``futures / focal_per_replicate`` runs).
        master_seed: replicate seeds come from it (default: the scenario's seed); the same
            seed gives the same answer on any number of workers.
        workers: local worker processes (default: the number of cores).
        executor: any ``concurrent.futures.Executor`` instead of the local pool.
        focal_per_replicate: people like the user joining in each run.
        on_partial: called with the outlook of the futures finished so far, after each
            batch (a dashboard shows first results and refines them).

    Raises:
        ProfileError: a profile (or number of futures) the model cannot answer for.
    """
    check_profile(profile, scenario, futures)
    master = scenario.simulation.seed if master_seed is None else int(master_seed)
    per = max(1, int(focal_per_replicate))
    runs = math.ceil(futures / per)
    seeds = replicate_seeds(master, runs)
    tasks = [(i, s, min(per, futures - i * per)) for i, s in enumerate(seeds)]
    if executor is None:  # a cluster's memory is the cluster's business
        check_memory([scenario], in_flight(workers, runs))
    rows: list[dict] = []
    done_runs = 0

    def collect(result: list[dict]) -> None:
        nonlocal done_runs
        rows.extend(result)
        done_runs += len({row["replicate"] for row in result})
        if on_partial is not None and done_runs < runs:
            finished = sum(1 for row in rows if row["weeks"] == rows[0]["weeks"])
            on_partial(_outlook(scenario, profile, rows, done_runs, per, master, finished))

    # an established company is built once, from the master seed: every future joins
    # the same company at week 0 of its view, and differs from there on
    start = establish(scenario, master) if scenario.simulation.company_age_years else None
    # short batches: the first partial answer comes after a few seconds
    schedule(partial(run_batch, scenario, profile, start=start), tasks, collect,
             executor=executor, workers=workers, max_batch=20)  # fmt: skip
    return _outlook(scenario, profile, rows, runs, per, master, futures)


def _outlook(scenario: Scenario, profile: Profile, rows: list[dict], runs: int, per: int,
             master: int, futures: int) -> Outlook:  # fmt: skip
    """The outlook of the futures in ``rows`` (all of them, or those finished so far)."""
    frame = pd.DataFrame(rows).sort_values(["replicate", "focal", "weeks"], ignore_index=True)
    wage = scenario.reference.minimum_wage
    horizons, promise, reasons = summarise(frame, profile, wage)
    return Outlook(
        scenario=scenario.name,
        profile=profile,
        futures=futures,
        replicates=runs,
        focal_per_replicate=per,
        master_seed=master,
        minimum_wage=wage,
        company_age_years=scenario.simulation.company_age_years,
        own_purchase_value_share=scenario.costs.own_purchase_value_share,
        horizons=horizons,
        promise=promise,
        reasons=reasons,
        rows=frame,
    )


# ---- texts -------------------------------------------------------------------------------


def fmt_share(s: dict[str, float], lang: str = DEFAULT_LANG) -> str:
    """'31 % (27-36)' with an en dash: a share and its 95 % interval, in percent."""
    if s["share"] is None or s["share"] != s["share"]:
        return NO_VALUE
    return f"{fmt_pct(s['share'], lang)} ({_bound(s['lo'], lang)}\u2013{_bound(s['hi'], lang)})"


def _bound(x: float, lang: str) -> str:
    """An interval bound in percent: one decimal within 1 % of the ends, so that 0.4 does
    not read 0 and 99.6 does not read 100."""
    return fmt_num(100 * x, lang, 1 if 0 < x < 0.01 or 0.99 < x < 1 else 0)


def _eur_h(x: float, lang: str) -> str:
    if x != x:
        return NO_VALUE
    return (
        f"{fmt_num(x, lang, 2)} €"
        if lang == "de"
        else f"€{fmt_num(x, lang, 2)}".replace("€-", "-€")
    )


def _people(s: dict[str, float]) -> str:
    """A share as 'out of 100 people': a whole number."""
    return NO_VALUE if s["share"] != s["share"] else str(round(100 * s["share"]))


def main_reason(outlook: Outlook) -> str | None:
    """The exit reason most of those who stopped gave, or None if nobody stopped."""
    among = outlook.reasons["among_stopped"]
    if outlook.reasons["stopped"]["k"] == 0:
        return None
    return max(among, key=lambda r: among[r]["k"])


def plain_summary(outlook: Outlook, lang: str = DEFAULT_LANG) -> str:
    """A paragraph a 16-year-old understands, with the numbers of the last horizon."""
    months = max(outlook.horizons)
    h = outlook.horizons[months]
    reason = main_reason(outlook)
    return t(
        "me.summary",
        lang,
        week=fmt_int(outlook.profile.join_week, lang),
        months=count("after_months", months, lang),
        active=_people(h["active"]),
        profit=_people(h["profit"]),
        median=fmt_eur(h["net"]["p50"], lang),
        hours=hours_text(h["hours_invested"]["p50"], lang),
        per_hour=_eur_h(h["net_per_hour"]["p50"], lang),
        wage=_eur_h(outlook.minimum_wage, lang),
        beats=_people(h["beats_minimum_wage"]),
        reason=t(f"me.because_{reason}", lang) if reason else t("me.because_none", lang),
        promise=_people(outlook.promise["ahead_of_minimum_wage_job"]),
        promise_months=PROMISE_MONTHS,
    )


def when_text(company_age_years: int, lang: str = DEFAULT_LANG) -> str:
    """Which company the user joins: 'after the launch', or 'of a company 20 years old'."""
    if company_age_years <= 0:
        return t("me.when_launch", lang)
    return t("me.when_established", lang, years=fmt_int(company_age_years, lang))


def hours_text(hours: float, lang: str = DEFAULT_LANG) -> str:
    """'about 1 hour', 'about 12 hours' (rounded to whole hours)."""
    shown = fmt_int(hours, lang) if hours == hours else NO_VALUE
    return t("me.hours_one" if shown == "1" else "me.hours_many", lang, hours=shown)


def model_note(outlook: Outlook, lang: str = DEFAULT_LANG) -> str:
    """The note that this is a model, not a forecast, with its main assumptions."""
    value_share = outlook.own_purchase_value_share
    purchases = t("me.purchases_cost" if value_share == 0 else "me.purchases_value", lang)
    return t("me.note", lang, scenario=outlook.scenario, purchases=purchases)


def format_outlook(outlook: Outlook, lang: str = DEFAULT_LANG) -> str:
    """The compact terminal report: a table by horizon, the references, reasons, texts."""
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}")
    p = outlook.profile
    lines = [
        t(
            "me.title",
            lang,
            scenario=outlook.scenario,
            hours=fmt_value_h(p.hours, lang),
            tolerance=p.tolerance,
            friends=fmt_int(p.friends, lang),
            experience=t(f"me.experience_{p.experience}", lang),
            week=fmt_int(p.join_week, lang),
            when=when_text(outlook.company_age_years, lang),
        ),
        t(
            "me.futures",
            lang,
            futures=count("futures", outlook.futures, lang),
            replicates=count("runs", outlook.replicates, lang),
            per=outlook.focal_per_replicate,
            seed=outlook.master_seed,
        ),
    ]
    table = outlook_table(outlook, lang)
    head = max(len(label) for label, _ in table)
    width = max(len(c) for _, cells in table for c in cells)
    for label, cells in table:
        lines.append(f"{label:<{head}}  " + "  ".join(f"{c:>{width}}" for c in cells))
    lines += [promise_text(outlook, lang), reasons_text(outlook, lang)]
    lines += ["", plain_summary(outlook, lang), "", model_note(outlook, lang)]
    return "\n".join(lines)


def outlook_table(outlook: Outlook, lang: str = DEFAULT_LANG) -> list[tuple[str, list[str]]]:
    """The figures by horizon as (row label, one cell per horizon); the first row holds
    the column heads (its label is empty)."""
    months = list(outlook.horizons)
    hs = [outlook.horizons[m] for m in months]

    def rng(q: dict[str, float]) -> str:
        return f"{fmt_eur(q['p10'], lang)} .. {fmt_eur(q['p90'], lang)}"

    return [
        ("", [count("months", m, lang) for m in months]),
        (t("me.row_active", lang), [fmt_share(h["active"], lang) for h in hs]),
        (t("me.row_profit", lang), [fmt_share(h["profit"], lang) for h in hs]),
        (t("me.row_net", lang), [fmt_eur(h["net"]["p50"], lang) for h in hs]),
        (t("me.row_net_range", lang), [rng(h["net"]) for h in hs]),
        (t("me.row_hours", lang), [fmt_int(h["hours_invested"]["p50"], lang) for h in hs]),
        (t("me.row_per_hour", lang), [_eur_h(h["net_per_hour"]["p50"], lang) for h in hs]),
        (
            t("me.row_beats", lang, wage=_eur_h(outlook.minimum_wage, lang)),
            [fmt_share(h["beats_minimum_wage"], lang) for h in hs],
        ),
        (t("me.row_wage_job", lang), [fmt_eur(h["minimum_wage_job"], lang) for h in hs]),
    ]


def promise_text(outlook: Outlook, lang: str = DEFAULT_LANG) -> str:
    """The promise of quick money (S6) checked against the futures."""
    pr = outlook.promise
    return t(
        "me.promise",
        lang,
        share=fmt_share(pr["ahead_of_minimum_wage_job"], lang),
        weeks=pr["weeks"],
        wage_job=fmt_eur(pr["minimum_wage_job"], lang),
        median=fmt_eur(pr["net_median"], lang),
    )


def reasons_text(outlook: Outlook, lang: str = DEFAULT_LANG) -> str:
    """Why people like the user stopped, the most frequent reason first."""
    rs = outlook.reasons
    ranked = sorted(rs["among_stopped"].items(), key=lambda kv: -kv[1]["k"])
    return (
        t(
            "me.reasons",
            lang,
            months=count("after_months", rs["months"], lang),
            stopped=fmt_share(rs["stopped"], lang),
        )
        + " "
        + ", ".join(f"{t(f'reason.{r}', lang)} {fmt_share(s, lang)}" for r, s in ranked)
    )


def fmt_value_h(x: float, lang: str) -> str:
    text = f"{x:g}"
    return text.replace(".", ",") if lang == "de" else text
