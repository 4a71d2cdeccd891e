"""Scenario parameters: every default with its meaning, range and source; TOML loading;
``--set`` overrides; validation with messages that name the file, the key and the range.

A scenario file is TOML with one table per section below. Any key it leaves out keeps the
default given here. Files are parsed as data (``tomllib``), never executed.
"""

from __future__ import annotations

import difflib
import json
import re
import stat
import tomllib
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from datetime import date, time
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from sim.i18n import COMPACT_FROM, DEFAULT_LANG, LocalizedError, Msg, fmt_value, t
from sim.resources import shipped

SCENARIO_DIR = shipped("scenarios")  # the scenario library: package data (sim/resources.py)
PLANS = ("unilevel", "stairstep_breakaway", "binary", "recruitment_fee")
MAX_RANKS = 20  # ranks of a ladder, at most (published plans have 8 to 15)
RANK_TITLE_CHARS = 40  # characters of a rank's title, at most
MAX_GENERATIONS = 10  # generations a rank may unlock (published plans pay up to 6 or 7)


class ScenarioError(LocalizedError, ValueError):
    """A scenario file or override is malformed, unknown or out of range.

    ``str(error)`` is the English message; ``error.message("de")`` the same in German
    (the message is a catalog entry under ``cli.error``, see ``sim.i18n.Msg``).

    Attributes:
        key: the dotted parameter the error is about, if one.
        kind: "range" (value out of range), or None for any other error.
        lo, hi, value: for "range", the allowed range and the rejected value.
    """

    def __init__(self, message: str | Msg, key: str | None = None, kind: str | None = None, **info):
        super().__init__(message)
        self.key, self.kind, self.info = key, kind, info


SHOWN_MAX = 60  # characters of a rejected value a message repeats


def toml_value(v: Any) -> str:
    """``v`` as TOML writes it: true and false (not Python's True), "text", [1, 2], 0.5."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        # a TOML basic string: JSON's escapes are TOML's, bar DEL, which TOML escapes too
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, date | time):
        return v.isoformat()  # TOML's own dates and times
    if isinstance(v, tuple | list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, int) and abs(v) >= COMPACT_FROM:
        return fmt_value(v)  # 1e+400, not 401 digits
    return repr(v)


def shown(v: Any) -> str:
    """A rejected value in a message: as TOML writes it, cut short if long; text in single
    quotes (TOML's literal string) where it can be, like the names in other messages."""
    if isinstance(v, str) and "'" not in v and v.isprintable():
        return cut(f"'{v}'")
    return cut(toml_value(v))


def cut(text: str) -> str:
    """Text a message repeats, on one line and cut short if long."""
    text = one_line(text)
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 3] + "..."


def one_line(text: Any, keep: str = "") -> str:
    """Text (a path, say) for a one-line message: a control character escaped, as \\r, and
    so is a bidirectional one (U+202E would show the rest of the line backwards); the
    characters in ``keep`` (a newline, say) stay as they are."""
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in str(text))


def _did_you_mean(close: list[str]) -> Msg | str:
    """The hint after an unknown name: the closest known one, if any is close."""
    return Msg("cli.error.did_you_mean", name=close[0]) if close else ""


@dataclass(frozen=True)
class Unit:
    """A parameter's unit in a message, with its leading space.

    English shows the unit as this file writes it (EUR/month); other languages show the
    catalog's ``unit.*`` name (German: € pro Monat, -fach without a space).
    """

    code: str

    def render(self, lang: str = DEFAULT_LANG) -> str:
        if not self.code:
            return ""
        text = self.code if lang == DEFAULT_LANG else t(f"unit.{self.code}", lang)
        return text if text.startswith("-") else f" {text}"


def p(default: Any, lo: float | None, hi: float | None, unit: str, doc: str, source: str, **kw):
    """A parameter: its default, allowed range, unit, meaning and source (or 'assumption')."""
    meta = {"lo": lo, "hi": hi, "unit": unit, "doc": doc, "source": source, **kw}
    if isinstance(default, list):
        return field(default_factory=lambda: tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Simulation:
    weeks: int = p(
        260, 1, 2600, "weeks", "Horizon; one step is one week", "docs/model.md §2: 5 years"
    )
    seed: int = p(42, 0, 2**32 - 1, "", "Seed of the random number generator", "assumption")
    company_age_years: int = p(
        0,
        0,
        100,
        "years",
        "Age of the company when the view starts: 0 shows the launch; an older company has "
        "run that long before week 0, with its organisation, customers and former members",
        "assumption (docs/model.md §2.7)",
    )


@dataclass(frozen=True)
class Population:
    size: int = p(10_000, 50, 5_000_000, "people", "People in the market", "docs/model.md §2")
    mean_degree: float = p(
        20.0, 2, 200, "ties", "Mean acquaintances per person", "docs/model.md §2"
    )
    local_tie_share: float = p(
        0.5, 0, 1, "", "Share of ties to neighbours on a ring: gives clustering", "assumption"
    )
    degree_tail: float = p(
        2.5, 1.5, 10, "", "Pareto exponent of the other ties: heavy-tailed degree", "assumption"
    )
    founders: int = p(20, 1, 100_000, "people", "Networkers at the launch", "assumption")
    cooldown_weeks: int = p(
        26,
        0,
        520,
        "weeks",
        "After a refusal, not approached again for this long",
        "docs/model.md §2",
    )
    max_refusals: int = p(
        2,
        1,
        100,
        "",
        "After this many refusals a person is never approached again",
        "docs/model.md §2",
    )
    word_of_mouth: float = p(
        1.0,
        0,
        10,
        "",
        "Acceptance falls by this times the share of a person's acquaintances who dropped out",
        "assumption (negative word of mouth, docs/model.md §2)",
    )
    market_exit_yearly: float = p(
        0.05,
        0,
        0.5,
        "/year",
        "Share of the people in the market who leave it in a year (moving away, death); "
        "each is replaced by a newcomer in the same place of the social graph",
        "bpb Sozialbericht 2024: 3.3 % of Germany's population moved to another district in "
        "2021 (1991-2019: a little over 3 %); Destatis: deaths about 1.1 % and moves abroad "
        "about 0.9 % of the population a year",
    )
    tie_rewiring_yearly: float = p(
        0.11,
        0,
        2,
        "/year",
        "Share of a person's ties beyond the neighbourhood that end in a year while both "
        "stay, each replaced by a new acquaintance",
        "Mollenhorst, Volker & Flap 2014 (Social Networks 37): 48 % of network members "
        "still in the network after 7 years; with 5 % of acquaintances leaving a year and "
        "neighbourhood ties kept, 2 x (ln(1/0.48)/7 - 0.05) = 0.11 (docs/model.md §2.2)",
    )
    refusal_memory_years: float = p(
        3.0,
        0.1,
        1000,
        "years",
        "Mean time until a refusal is forgotten (circumstances change): the person may be "
        "approached again and may say yes then",
        "assumption (docs/model.md §2.3)",
    )
    other_business_share: float = p(
        0.02,
        0,
        0.5,
        "",
        "Share of the people who are in another network-marketing business at any time "
        "and cannot be won",
        "assumption, bounded by AARP 2018: 7.7 % of US adults have ever joined any MLM",
    )
    other_business_years: float = p(
        1.5,
        0.1,
        100,
        "years",
        "Mean time a person stays in another network-marketing business",
        "assumption (AARP 2018: about half quit within the first year)",
    )


@dataclass(frozen=True)
class Networker:
    builder_share: float = p(
        0.5,
        0,
        1,
        "",
        "Share of joiners who build a business (the rest are product users)",
        "docs/model.md §6: assumption between AARP 2018 and Herbalife/doTERRA",
    )
    part_time_share: float = p(
        0.96, 0, 1, "", "Share of joiners who work part-time", "BDD member survey 2016"
    )
    hours_median: float = p(
        5.0,
        0.1,
        80,
        "h/week",
        "Median hours per week of a part-time builder",
        "Branchenreport Direktvertrieb 2009",
    )
    hours_sigma: float = p(
        1.0,
        0,
        3,
        "",
        "Log-normal spread of part-time hours (75th percentile about 10 h)",
        "Branchenreport Direktvertrieb 2009: three quarters work 15 h or less",
    )
    hours_max_part_time: float = p(30.0, 0.5, 80, "h/week", "Cap on part-time hours", "assumption")
    fulltime_hours: float = p(40.0, 1, 100, "h/week", "Hours of a full-timer", "assumption")
    product_user_hours: float = p(
        0.5, 0, 40, "h/week", "Hours a product user spends talking about it", "assumption"
    )
    tolerance_mean: float = p(
        3.5,
        1,
        1000,
        "contacts",
        "Mean failed contacts in a row a beginner takes before quitting",
        "source text S7: 'three to four'",
    )
    persistent_share: float = p(
        0.2, 0, 1, "", "Share of builders who are far more persistent (long tail)", "assumption"
    )
    persistent_tolerance_mean: float = p(
        30.0, 1, 10_000, "contacts", "Mean tolerance of the persistent minority", "assumption"
    )
    confidence_gain: float = p(
        0.5, 0, 100, "contacts", "Tolerance gained with each successful contact", "assumption"
    )
    cold_refusal_weight: float = p(
        0.25,
        0,
        1,
        "",
        "How much a stranger's no counts towards the run of refusals, against a friend's 1",
        "assumption (docs/model.md §3.5: AARP 2018, 39 % of those who stopped found "
        "pitching friends and family awkward, the most common reason)",
    )
    skill_sigma: float = p(0.3, 0, 3, "", "Log-normal spread of sales skill around 1", "assumption")
    networking_per_hour: float = p(
        0.1,
        0,
        10,
        "people/h",
        "New acquaintances a business builder makes per hour of work (events, clubs, online "
        "groups): approached later as warm contacts",
        "assumption (docs/model.md §3.2: networking is the trade's own advice)",
    )
    learning_contacts: float = p(
        200.0,
        1,
        1_000_000,
        "contacts",
        "Contacts of experience after which a networker is as skilled and persistent as an "
        "experienced recruit (S8); skill and tolerance grow evenly on the way",
        "assumption (docs/model.md §3.5: experience raises what a networker can take)",
    )
    recruiting_focus: float = p(
        0.5,
        0,
        1,
        "",
        "Share of a business builder's pitches that are recruiting pitches (the rest sell)",
        "assumption",
    )
    product_user_recruiting_focus: float = p(
        0.1,
        0,
        1,
        "",
        "Share of a product user's pitches that are recruiting pitches: they talk about the "
        "product and approach only people they know",
        "assumption (Herbalife 2012 income disclosure: 71 % never sponsored anyone; "
        "docs/model.md §3.3)",
    )
    loss_tolerance_median: float = p(
        500.0,
        0,
        1_000_000,
        "EUR",
        "Median cumulative loss a networker accepts before quitting",
        "assumption",
    )
    loss_tolerance_sigma: float = p(
        0.8, 0, 5, "", "Log-normal spread of the loss tolerance", "assumption"
    )
    paid_month_threshold: float = p(
        20.0,
        0,
        1_000_000,
        "EUR/month",
        "Retail margin and commissions in a month above which the month counts as a "
        "success and ends the run of refusals",
        "assumption (docs/model.md §3.5: 'a small threshold')",
    )
    paid_prospecting: float = p(
        0.5,
        0,
        1,
        "",
        "Share of the usual contacts made by a networker whose business pays more than it costs",
        "assumption (docs/model.md §3.5: they prospect less instead of quitting)",
    )
    no_market_weeks: int = p(
        13,
        1,
        520,
        "weeks",
        "Weeks in a row of finding nobody to pitch after which a builder leaves (no_market)",
        "assumption (docs/model.md §3.5)",
    )
    fulltime_threshold: float = p(
        2000.0,
        0,
        1_000_000,
        "EUR/month",
        "Net monthly income that makes a part-timer go full-time",
        "assumption (source text S10)",
    )
    fulltime_months: int = p(
        3,
        1,
        120,
        "months",
        "Months in a row above the threshold before going full-time",
        "assumption",
    )


@dataclass(frozen=True)
class Experienced:
    share: float = p(
        0.02, 0, 1, "", "Share of recruits who are experienced", "docs/model.md §6: assumption"
    )
    founder_share: float = p(0.2, 0, 1, "", "Share of founders who are experienced", "assumption")
    skill_factor: float = p(1.5, 1, 20, "x", "Skill multiplier of the experienced", "assumption")
    tolerance_factor: float = p(
        4.0, 1, 1000, "x", "Tolerance multiplier of the experienced", "assumption"
    )
    following_mean: float = p(
        15.0,
        0,
        10_000,
        "people",
        "Mean size of the following an experienced recruit brings",
        "assumption (source text S8)",
    )
    following_weeks: int = p(
        8, 1, 520, "weeks", "The following joins spread over this many weeks", "assumption"
    )


@dataclass(frozen=True)
class Market:
    contacts_per_hour: float = p(
        1.0, 0, 30, "contacts/h", "Contacts per reachable hour (a Poisson count)", "assumption"
    )
    evening_hours: float = p(
        15.0,
        0,
        100,
        "h/week",
        "Hours a week in which customers are reachable after a day job",
        "assumption (source text S9: reachable from late afternoon)",
    )
    daytime_reachable_share: float = p(
        0.3, 0, 1, "", "Share of daytime hours in which customers are reachable", "assumption (S9)"
    )
    sale_rate_warm: float = p(
        0.30, 0, 1, "", "Success of a sales pitch to an acquaintance", "assumption"
    )
    sale_rate_cold: float = p(
        0.02, 0, 1, "", "Success of a sales pitch to a stranger", "assumption"
    )
    recruit_rate_warm: float = p(
        0.25, 0, 1, "", "Success of a recruiting pitch to an acquaintance", "assumption"
    )
    recruit_rate_cold: float = p(
        0.005, 0, 1, "", "Success of a recruiting pitch to a stranger", "assumption"
    )
    product_appeal: float = p(
        1.0, 0, 10, "x", "Product appeal and marketing multiplier on success", "assumption (S11)"
    )
    referrals: float = p(
        1.0,
        0,
        8,
        "people",
        "Acquaintances a new customer or recruit introduces to the networker, on average: "
        "they are approached as warm contacts",
        "assumption (docs/model.md §3.2: referrals and home parties, the way direct "
        "sellers reach friends of friends)",
    )
    order_value: float = p(
        40.0, 0, 100_000, "EUR", "Retail value of one customer order", "assumption"
    )
    reorder_probability: float = p(
        0.6, 0, 1, "/month", "Chance a customer orders again in a month", "assumption"
    )
    churn_probability: float = p(
        0.1, 0, 1, "/month", "Chance a customer stops buying in a month", "assumption"
    )
    handover_probability: float = p(
        0.5, 0, 1, "", "Chance a quitting networker's customer is kept by the sponsor", "assumption"
    )
    own_use_purchase: float = p(
        50.0,
        0,
        100_000,
        "EUR/month",
        "What a product user buys for own use (wholesale)",
        "assumption",
    )


@dataclass(frozen=True)
class Compensation:
    plan: str = p(
        "unilevel", None, None, "", "Compensation plan", "docs/model.md §4", choices=PLANS
    )
    retail_margin: float = p(
        0.25,
        0,
        0.95,
        "",
        "Share of the retail price the seller keeps",
        "docs/model.md §6: typical 20-35 %",
    )
    qualifier_volume: float = p(
        100.0,
        0,
        1_000_000,
        "EUR/month",
        "Own monthly volume needed to be paid commissions",
        "docs/model.md §6: Young Living-like plan",
    )
    unilevel_rates: tuple[float, ...] = p(
        [0.08, 0.05, 0.04, 0.04, 0.04],
        0,
        1,
        "",
        "Unilevel: share of downline volume per level",
        "docs/model.md §6: Young Living-like plan",
        length=(1, 30),
    )
    personal_rate: float = p(
        0.0,
        0,
        1,
        "",
        "Unilevel: bonus on one's own monthly volume, if qualified",
        "assumption (Avon- and Tupperware-like plans pay on own sales)",
    )
    stairstep_thresholds: tuple[float, ...] = p(
        [250.0, 750.0, 1500.0, 3000.0, 5000.0, 7500.0],
        0,
        1e9,
        "EUR/month",
        "Stairstep: group volume at which each tier starts",
        "assumption (Amway-like tiers)",
        length=(1, 30),
    )
    stairstep_rates: tuple[float, ...] = p(
        [0.03, 0.06, 0.09, 0.12, 0.15, 0.21],
        0,
        1,
        "",
        "Stairstep: rate of each tier",
        "assumption (Amway-like: 3 % up to 21 %)",
        length=(1, 30),
    )
    breakaway_override: float = p(
        0.04,
        0,
        1,
        "",
        "Stairstep: override on a breakaway group's volume",
        "assumption (Amway-like)",
    )
    binary_rate: float = p(
        0.10, 0, 1, "", "Binary: share of the weaker leg's monthly volume", "assumption (typical)"
    )
    fast_start_bonus: float = p(
        0.0,
        0,
        100_000,
        "EUR",
        "Bonus per personally enrolled recruit (a recruiting reward)",
        "assumption",
    )
    entry_fee: float = p(
        500.0,
        0,
        1_000_000,
        "EUR",
        "recruitment_fee: entry fee a recruit pays",
        "docs/model.md §6: FHTM $299, Vemma about $500",
    )
    fee_shares: tuple[float, ...] = p(
        [200.0, 100.0, 50.0, 50.0],
        0,
        1_000_000,
        "EUR",
        "recruitment_fee: amount of each entry fee paid to the sponsor and the levels above",
        "docs/model.md §6: most of it paid up the line",
        length=(1, 30),
    )
    product_cost_share: float = p(
        0.22,
        0,
        1,
        "",
        "The company's cost of the goods it sells, as a share of their wholesale price",
        "assumption, near the gross margins large direct sellers report (Herbalife's 10-K: "
        "gross profit about 78-80 % of net sales; not checked against one year's filing)",
    )
    # The rank ladder (docs/model.md §4.6): parallel lists, one entry per rank, the lowest
    # rank first; all empty means a plan without ranks.
    rank_titles: tuple[str, ...] = p(
        [],
        1,
        RANK_TITLE_CHARS,
        "characters",
        "Ranks: the title of each rank, the lowest first (none: a plan without ranks)",
        "assumption (every real plan has titles; the library's plans cite theirs)",
        length=(0, MAX_RANKS),
    )
    rank_personal_volume: tuple[float, ...] = p(
        [],
        0,
        1_000_000,
        "EUR/month",
        "Ranks: own monthly volume (PV) each rank needs",
        "assumption (published plans ask 50-250 EUR a month, e.g. doTERRA, Young Living)",
        length=(0, MAX_RANKS),
    )
    rank_group_volume: tuple[float, ...] = p(
        [],
        0,
        1e9,
        "EUR/month",
        "Ranks: monthly group volume (own and downline, less groups that broke away) each "
        "rank needs",
        "assumption (published plans ask from a few hundred EUR up to millions a month)",
        length=(0, MAX_RANKS),
    )
    rank_legs: tuple[int, ...] = p(
        [],
        0,
        100,
        "",
        "Ranks: frontline legs each rank needs, each with someone at rank_leg_rank or above",
        "assumption (published plans ask up to 6-8 qualified legs, e.g. Amway's Diamond)",
        length=(0, MAX_RANKS),
    )
    rank_leg_rank: tuple[int, ...] = p(
        [],
        0,
        MAX_RANKS - 1,
        "",
        "Ranks: the rank (its index, from 0) a qualifying leg must hold someone at",
        "assumption (docs/model.md §4.6)",
        length=(0, MAX_RANKS),
    )
    rank_levels: tuple[int, ...] = p(
        [],
        0,
        30,
        "",
        "Ranks: unilevel levels paid at each rank (depth unlocked by rank; at most the "
        "levels of unilevel_rates)",
        "assumption (Young Living and doTERRA unlock levels by rank)",
        length=(0, MAX_RANKS),
    )
    rank_bonus: tuple[float, ...] = p(
        [],
        0,
        1_000_000,
        "EUR/month",
        "Ranks: bonus paid each month the rank is held, if qualified",
        "assumption (rank bonuses of published plans, e.g. Herbalife's, Amway's)",
        length=(0, MAX_RANKS),
    )
    rank_pool_share: tuple[float, ...] = p(
        [],
        0,
        0.05,
        "",
        "Ranks: share of the company's monthly volume pooled for a rank, split equally among "
        "everyone holding it or a higher one",
        "assumption (leadership pools of 1-2 %: doTERRA's Diamond pool, Herbalife's Mark "
        "Hughes bonus)",
        length=(0, MAX_RANKS),
    )
    # Generation (leadership) bonuses (docs/model.md §4.6): per rank like the lists above,
    # but may stay empty in a plan with ranks (no generations)
    rank_generations: tuple[int, ...] = p(
        [],
        0,
        MAX_GENERATIONS,
        "",
        "Ranks: generations of leaders below paid at each rank (0: none; the lowest rank "
        "with one earns and cuts generations; empty: no generation bonus)",
        "assumption (Young Living's Generation Leadership Bonus: Silver 2 up to Crown Diamond 6 "
        "generations)",
        length=(0, MAX_RANKS),
    )
    generation_rate: float = p(
        0.0,
        0,
        0.2,
        "",
        "Generation bonus: share of each paid generation's monthly volume",
        "assumption (Young Living: 5 % per generation; Herbalife's royalty overrides up to 5 %)",
    )
    breakaway_rank: int = p(
        -1,
        -1,
        MAX_RANKS - 1,
        "",
        "Stairstep: the rank at which a downline member breaks away (-1: when its group "
        "volume reaches the top tier)",
        "assumption (Herbalife: a Supervisor breaks away; Amway: the top tier)",
    )


@dataclass(frozen=True)
class Costs:
    starter_kit: float = p(
        100.0, 0, 100_000, "EUR", "Starter kit a recruit pays", "docs/model.md §6"
    )
    monthly_fee: float = p(
        0.0, 0, 100_000, "EUR/month", "Fee for back office, website and the like", "assumption"
    )
    required_purchase: float = p(
        100.0,
        0,
        100_000,
        "EUR/month",
        "Own purchase required to stay qualified (autoship)",
        "docs/model.md §6: typical autoship",
    )
    expenses_per_hour: float = p(
        3.0,
        0,
        10_000,
        "EUR/h",
        "Travel, samples, phone per hour worked",
        "My Daily Choice survey: $1,608/year, about 10 h/week",
    )
    own_purchase_value_share: float = p(
        0.0,
        0,
        1,
        "",
        "Share of own purchases counted as value received",
        "docs/model.md §3.7: none, as the critical literature counts it",
    )


@dataclass(frozen=True)
class Dropout:
    life_monthly: float = p(
        0.01, 0, 1, "/month", "Chance of quitting for a life event in a month", "assumption"
    )
    life_fulltime_factor: float = p(
        0.25,
        0,
        1,
        "",
        "Share of that chance for a networker who went full-time on the business's income (S10)",
        "assumption",
    )


@dataclass(frozen=True)
class Training:
    enabled: bool = p(
        False, None, None, "", "Whether the company offers training", "docs/model.md §3 (S2)"
    )
    share: float = p(0.5, 0, 1, "", "Share of builders who take the training", "assumption")
    fee: float = p(300.0, 0, 100_000, "EUR", "Cost of the training, paid at joining", "assumption")
    months: int = p(3, 1, 120, "months", "Length of the training", "assumption")
    hours_per_week: float = p(
        2.0, 0, 80, "h/week", "Hours of training a week, taken from contact hours", "assumption"
    )
    skill_factor: float = p(1.3, 1, 10, "x", "Skill multiplier after training", "assumption")
    tolerance_bonus: float = p(
        2.0, 0, 1000, "contacts", "Tolerance added by the training", "assumption"
    )


@dataclass(frozen=True)
class Reference:
    minimum_wage: float = p(
        13.90,
        0,
        1000,
        "EUR/h",
        "Statutory minimum wage per hour, the side-job reference",
        "Germany 2026: €13.90 per hour (Mindestlohn)",
    )


SECTIONS: dict[str, type] = {
    "simulation": Simulation,
    "population": Population,
    "networker": Networker,
    "experienced": Experienced,
    "market": Market,
    "compensation": Compensation,
    "costs": Costs,
    "dropout": Dropout,
    "training": Training,
    "reference": Reference,
}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: one frozen dataclass per section."""

    name: str = "default"
    description: str = ""
    description_de: str = ""
    statements: tuple[str, ...] = ()  # the source text's statements it shows (docs/model.md §1)
    simulation: Simulation = field(default_factory=Simulation)
    population: Population = field(default_factory=Population)
    networker: Networker = field(default_factory=Networker)
    experienced: Experienced = field(default_factory=Experienced)
    market: Market = field(default_factory=Market)
    compensation: Compensation = field(default_factory=Compensation)
    costs: Costs = field(default_factory=Costs)
    dropout: Dropout = field(default_factory=Dropout)
    training: Training = field(default_factory=Training)
    reference: Reference = field(default_factory=Reference)
    source: str = ""

    def describe(self, lang: str = "en") -> str:
        """The one-line description in ``lang`` (German falls back to English)."""
        return self.description_de if lang == "de" and self.description_de else self.description

    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario as plain data (lists for tuples), e.g. for a manifest."""
        out = asdict(self)
        for sec in SECTIONS:
            out[sec] = {k: list(v) if isinstance(v, tuple) else v for k, v in out[sec].items()}
        return out

    def with_overrides(self, overrides: dict[str, Any], origin: str | Msg = "--set") -> Scenario:
        """A copy with dotted-path values replaced, validated like a file.

        ``origin`` names where the values come from in error messages (--set, a file).
        """
        raw: dict[str, dict[str, Any]] = {}
        for key, value in overrides.items():
            sec, _, name = key.partition(".")
            _check_key(sec, name, origin, dotted=True)
            raw.setdefault(sec, {})[name] = value
        changes = {}
        for sec, values in raw.items():
            current = getattr(self, sec)
            changes[sec] = replace(current, **_validate_section(sec, values, origin))
        out = replace(self, **changes)
        _check_cross(out, origin)
        return out


def param_specs() -> dict[str, dict[str, Any]]:
    """Every parameter by dotted path: default, range, unit, meaning, source."""
    specs = {}
    for sec, cls in SECTIONS.items():
        for f in fields(cls):
            default = f.default if f.default is not MISSING else f.default_factory()
            specs[f"{sec}.{f.name}"] = {"default": default, **f.metadata}
    return specs


def _type_of(cls: type, name: str) -> Any:
    return get_type_hints(cls)[name]


def _check_key(sec: str, name: str, origin: str, dotted: bool = False) -> None:
    if sec not in SECTIONS:
        close = difflib.get_close_matches(sec, list(SECTIONS), n=1)
        raise ScenarioError(
            Msg(
                "cli.error.unknown_section",
                origin=origin,
                section=cut(sec),
                hint=_did_you_mean(close),
                sections=", ".join(SECTIONS),
            )
        )
    names = [f.name for f in fields(SECTIONS[sec])]
    if name not in names:
        all_keys = list(param_specs())
        close = difflib.get_close_matches(f"{sec}.{name}", all_keys, n=1, cutoff=0.5)
        raise ScenarioError(
            Msg(
                "cli.error.unknown_key",
                origin=origin,
                key=cut(f"{sec}.{name}"),
                hint=_did_you_mean(close),
            )
        )


def range_msg(meta: dict[str, Any]) -> Msg:
    """The allowed range of a parameter, e.g. 'from 1 to 1,000 contacts', in any language."""
    return Msg("cli.error.range", lo=meta["lo"], hi=meta["hi"], unit=Unit(meta["unit"]))


def _coerce(sec: str, name: str, value: Any, origin: str) -> Any:
    cls = SECTIONS[sec]
    meta = next(f.metadata for f in fields(cls) if f.name == name)
    typ = _type_of(cls, name)
    key = f"{sec}.{name}"
    if get_origin(typ) is tuple:
        item_t = get_args(typ)[0]
        if not isinstance(value, list | tuple):
            kind = "cli.error.not_a_text_list" if item_t is str else "cli.error.not_a_list"
            raise ScenarioError(Msg(kind, origin=origin, key=key, value=shown(value)))
        lo_n, hi_n = meta["length"]
        if not lo_n <= len(value) <= hi_n:
            raise ScenarioError(
                Msg("cli.error.list_length", origin=origin, key=key, lo=lo_n, hi=hi_n)
            )
        return tuple(_scalar(key, v, item_t, meta, origin) for v in value)
    return _scalar(key, value, typ, meta, origin)


def _scalar(key: str, value: Any, typ: type, meta: dict[str, Any], origin: str) -> Any:
    if typ is bool:
        if not isinstance(value, bool):
            raise ScenarioError(
                Msg("cli.error.not_a_bool", origin=origin, key=key, value=shown(value))
            )
        return value
    if typ is str and not meta.get("choices"):  # a text: its length in characters
        if not isinstance(value, str) or not meta["lo"] <= len(value) <= meta["hi"]:
            raise ScenarioError(
                Msg("cli.error.not_a_text", origin=origin, key=key, value=shown(value),
                    lo=meta["lo"], hi=meta["hi"]),
                key=key,
            )  # fmt: skip
        return value
    if typ is str:
        choices = meta.get("choices")
        if not isinstance(value, str) or (choices and value not in choices):
            close = difflib.get_close_matches(str(value), choices or [], n=1)
            raise ScenarioError(
                Msg(
                    "cli.error.not_a_choice",
                    origin=origin,
                    key=key,
                    value=shown(value),
                    choices=", ".join(choices or []),
                    hint=_did_you_mean(close),
                )
            )
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(
            Msg("cli.error.not_a_number", origin=origin, key=key, value=shown(value))
        )
    if typ is int:
        if isinstance(value, float) and not value.is_integer():
            raise ScenarioError(
                Msg("cli.error.not_whole", origin=origin, key=key, value=shown(value))
            )
        value = int(value)
    else:
        value = float(value)
    if not meta["lo"] <= value <= meta["hi"]:
        raise ScenarioError(
            Msg(
                "cli.error.out_of_range",
                origin=origin,
                key=key,
                value=value,
                range=range_msg(meta),
            ),
            key=key,
            kind="range",
            lo=meta["lo"],
            hi=meta["hi"],
            value=value,
            origin=origin,
        )
    return value


def _validate_section(sec: str, values: Any, origin: str) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise ScenarioError(Msg("cli.error.not_a_table", origin=origin, section=cut(sec)))
    out = {}
    for name, value in values.items():
        _check_key(sec, name, origin)
        out[name] = _coerce(sec, name, value, origin)
    return out


def _check_cross(s: Scenario, origin: str) -> None:
    c = s.compensation
    if len(c.stairstep_thresholds) != len(c.stairstep_rates):
        raise ScenarioError(Msg("cli.error.stairstep_lengths", origin=origin))
    if list(c.stairstep_thresholds) != sorted(c.stairstep_thresholds):
        raise ScenarioError(Msg("cli.error.stairstep_order", origin=origin))
    if c.plan == "recruitment_fee" and sum(c.fee_shares) > c.entry_fee:
        raise ScenarioError(
            Msg("cli.error.fee_shares", origin=origin, total=sum(c.fee_shares), fee=c.entry_fee),
            key="compensation.entry_fee",
            kind="fee_shares",
            total=sum(c.fee_shares),
            fee=c.entry_fee,
        )
    _check_ladder(c, origin)
    if s.population.founders > s.population.size:
        raise ScenarioError(
            # the values as written in the file (no thousands separators): key = value
            Msg(
                "cli.error.founders",
                origin=origin,
                founders=str(s.population.founders),
                size=str(s.population.size),
            ),
            key="population.founders",
            kind="founders",
            founders=s.population.founders,
            size=s.population.size,
        )


RANK_LISTS = ("rank_titles", "rank_personal_volume", "rank_group_volume", "rank_legs",
              "rank_leg_rank", "rank_levels", "rank_bonus", "rank_pool_share")  # fmt: skip
# what a higher rank must ask (or pay) at least as much of as the rank below it
RANK_NON_DECREASING = ("rank_personal_volume", "rank_group_volume", "rank_legs", "rank_levels",
                       "rank_generations")  # fmt: skip


def _check_ladder(c: Compensation, origin: str) -> None:
    """The rank ladder's rules across its lists (docs/model.md §4.6): one entry per rank in
    every list, unique titles, requirements that do not fall up the ladder, and leg ranks
    and the breakaway rank that are ranks of the ladder."""
    ranks = len(c.rank_titles)

    def fail(name: str, msg: str, **values) -> ScenarioError:
        key = f"compensation.{name}"
        return ScenarioError(Msg(f"cli.error.{msg}", origin=origin, key=key, **values), key=key,
                             kind="ladder")  # fmt: skip

    for name in RANK_LISTS[1:]:
        if len(getattr(c, name)) != ranks:
            raise fail(name, "rank_lengths", n=len(getattr(c, name)), ranks=ranks)
    if c.rank_generations and len(c.rank_generations) != ranks:  # empty: no generations
        raise fail("rank_generations", "rank_generations_lengths", n=len(c.rank_generations),
                   ranks=ranks)  # fmt: skip
    if c.generation_rate > 0 and not any(c.rank_generations):
        raise fail("generation_rate", "generation_rate", value=c.generation_rate)
    seen: set[str] = set()
    for title in c.rank_titles:
        if title in seen:
            raise fail("rank_titles", "rank_title_twice", title=shown(title))
        seen.add(title)
    for name in RANK_NON_DECREASING:
        values = getattr(c, name)
        for r in range(1, len(values)):
            if values[r] < values[r - 1]:
                raise fail(name, "rank_order", value=values[r], title=shown(c.rank_titles[r]),
                           below=values[r - 1], lower=shown(c.rank_titles[r - 1]))  # fmt: skip
    for r in range(ranks):
        if c.rank_legs[r] > 0 and r == 0:
            raise fail("rank_legs", "rank_legs_lowest", value=c.rank_legs[0],
                       title=shown(c.rank_titles[0]))  # fmt: skip
        if c.rank_legs[r] > 0 and c.rank_leg_rank[r] >= r:
            raise fail("rank_leg_rank", "rank_leg_rank", value=c.rank_leg_rank[r],
                       title=shown(c.rank_titles[r]), index=r)  # fmt: skip
    if c.breakaway_rank >= ranks:
        raise fail("breakaway_rank", "breakaway_rank", value=c.breakaway_rank, hi=ranks - 1)


STATEMENTS = tuple(f"S{i}" for i in range(1, 12))  # docs/model.md §1: S1 .. S11


SCENARIO_KEYS = ("name", "description", "description_de", "statements", "base")
MAX_BASE_DEPTH = 4  # a scenario on a scenario on ...: deep enough, and no cycles


def scenario_from_dict(
    data: dict[str, Any], origin: str, name: str = "custom", _depth: int = 0
) -> Scenario:
    """Validate parsed TOML data into a Scenario.

    With ``[scenario] base = "baseline"`` the file starts from that scenario in
    scenarios/ (by name only, never a path) and changes only the keys it lists.
    """
    data = dict(data)
    meta = data.pop("scenario", {})
    if not isinstance(meta, dict):
        raise ScenarioError(Msg("cli.error.scenario_table", origin=origin))
    for key in meta:
        if key not in SCENARIO_KEYS:
            raise ScenarioError(
                Msg(
                    "cli.error.scenario_key",
                    origin=origin,
                    key=cut(key),
                    keys=", ".join(SCENARIO_KEYS),
                )
            )
    statements = meta.get("statements", [])
    if not isinstance(statements, list) or any(x not in STATEMENTS for x in statements):
        raise ScenarioError(
            Msg(
                "cli.error.statements",
                origin=origin,
                value=shown(statements),
                first=STATEMENTS[0],
                last=STATEMENTS[-1],
            ),
            key="scenario.statements",
        )
    sections = {}
    for sec, vals in data.items():
        if not isinstance(vals, dict):
            raise ScenarioError(Msg("cli.error.outside_section", origin=origin, section=cut(sec)))
        if sec not in SECTIONS:
            _check_key(sec, "", origin)
        sections[sec] = _validate_section(sec, vals, origin)
    # texts every output repeats: a control or bidirectional character is shown escaped
    # (a name written backwards with U+202E, a terminal's escape sequence)
    texts = {
        "name": one_line(meta.get("name", name)),
        "description": one_line(meta.get("description", ""), keep="\n"),
        "description_de": one_line(meta.get("description_de", ""), keep="\n"),
        "statements": tuple(statements),
        "source": origin,
    }
    if "base" in meta:
        base = _load_base(meta["base"], origin, _depth)
        changes = {sec: replace(getattr(base, sec), **vals) for sec, vals in sections.items()}
        s = replace(base, **texts, **changes)
    else:
        s = Scenario(**texts, **{sec: SECTIONS[sec](**vals) for sec, vals in sections.items()})
    _check_cross(s, origin)
    return s


def _load_base(base: Any, origin: str, depth: int) -> Scenario:
    """The scenario a file builds on: a name in scenarios/, at most a few levels deep."""
    names = library_names()
    if not isinstance(base, str) or base not in names:
        raise ScenarioError(
            Msg("cli.error.base_unknown", origin=origin, value=shown(base), names=", ".join(names)),
            key="scenario.base",
        )
    if depth >= MAX_BASE_DEPTH:
        raise ScenarioError(
            Msg("cli.error.base_depth", origin=origin, value=shown(base), depth=MAX_BASE_DEPTH),
            key="scenario.base",
        )
    path = SCENARIO_DIR / f"{base}.toml"
    return scenario_from_dict(_read_toml(path), str(path), base, depth + 1)


def _read_toml(path: Path) -> dict[str, Any]:
    """A scenario file's data: a regular file of at most ``MAX_SCENARIO_BYTES``, checked
    before a byte is read (a device or a pipe would never end, a huge file fill memory)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(Msg("cli.error.not_a_file", path=one_line(path)))
        check_size(info.st_size, one_line(path))
        with open(path, "rb") as f:
            data = f.read(MAX_SCENARIO_BYTES + 1)  # a file that grew since: still bounded
    except OSError as exc:
        raise ScenarioError(Msg("cli.error.cannot_read", path=one_line(path), detail=exc)) from None
    return toml_from_bytes(data, one_line(path))


def toml_from_bytes(data: bytes, origin: str) -> dict[str, Any]:
    """The TOML data of a scenario file's bytes: bounded, UTF-8 (a byte-order mark, as
    Windows Notepad writes one, is skipped), and parsed as data."""
    check_size(len(data), origin)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(Msg("cli.error.cannot_read", path=origin, detail=exc)) from None
    return _parse_toml(text, origin)


def _parse_toml(text: str, path: Path | str) -> dict[str, Any]:
    check_bounds(text, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(
            Msg("cli.error.malformed_toml", path=path, detail=_toml_problem(exc))
        ) from None
    except (ValueError, RecursionError) as exc:  # past the bounds above: still a message
        raise ScenarioError(Msg("cli.error.malformed_toml", path=path, detail=exc)) from None
    check_shape(data, path)
    return data


MAX_SCENARIO_BYTES = 64 * 1024  # every parameter set fits in a tenth of it
MAX_NESTING = 16  # levels of [ ] and { }: a scenario file needs 3 (table, value, list)
MAX_KEYS = 500  # keys in a file: every parameter of every section is about 90
MAX_DIGITS = 100  # of a number: Python reads no whole number of more than 4,300 digits
# the parts of TOML in which brackets, braces and = do not count: strings and comments
_TOML_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?"""(?!")'  # a multi-line basic string
    r"|'''.*?'''(?!')"  # a multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*"'  # a basic string
    r"|'[^'\n]*'"  # a literal string
    r"|#[^\n]*"  # a comment
    rf"|\d[\d_]{{{MAX_DIGITS},}}"  # a number too long to be meant
    r"|[\[\]{}=]",
    re.S,
)


def check_bounds(text: str, origin: Path | str | Msg) -> None:
    """Refuse TOML nested deeper than ``MAX_NESTING``, with more than ``MAX_KEYS`` keys
    or a number of more than ``MAX_DIGITS`` digits, before it is parsed: the parser
    recurses once per level (a few hundred levels end Python's stack), and Python refuses
    to read a whole number of thousands of digits (a ValueError, not a TOML error)."""
    depth = deepest = keys = 0
    for m in _TOML_TOKENS.finditer(text):
        c = m[0]
        if c[0].isdigit():
            raise ScenarioError(Msg("cli.error.too_many_digits", path=origin, limit=MAX_DIGITS),
                                kind="too_many_digits")  # fmt: skip
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                break
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == "=":
            keys += 1
    _check_counts(deepest, keys, origin)


def check_shape(data: Any, origin: Path | str | Msg) -> None:
    """The same limits on parsed data (dotted keys, ``a.b.c = 1``, nest without brackets):
    nothing that reads a scenario has to walk more than ``MAX_NESTING`` levels."""
    deepest = keys = 0
    stack = [(data, 0)]  # the document itself is no level: its tables are the first
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING or keys > MAX_KEYS:
            break
        if isinstance(value, dict):
            keys += len(value)
            stack += [(v, depth + 1) for v in value.values()]
        elif isinstance(value, list):
            stack += [(v, depth + 1) for v in value if isinstance(v, dict | list)]
    _check_counts(deepest, keys, origin)


def _check_counts(deepest: int, keys: int, origin: Path | str | Msg) -> None:
    if deepest > MAX_NESTING:
        raise ScenarioError(Msg("cli.error.too_deep", path=origin, limit=MAX_NESTING),
                            kind="too_deep")  # fmt: skip
    if keys > MAX_KEYS:
        raise ScenarioError(Msg("cli.error.too_many_keys", path=origin, limit=MAX_KEYS),
                            kind="too_many_keys")  # fmt: skip


def upload_origin(filename: str) -> str:
    """How messages name an uploaded file: its name without any folder, on one line."""
    return cut(one_line(Path(str(filename).replace("\\", "/")).name)) or "upload.toml"


def check_size(size: int, origin: str) -> None:
    """Refuse a scenario file (``origin`` in the message) larger than
    ``MAX_SCENARIO_BYTES``: before it is read, where its size is known."""
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            Msg("cli.error.too_large", path=origin, size=size, limit=MAX_SCENARIO_BYTES),
            kind="too_large",
        )


def scenario_from_bytes(data: bytes, filename: str) -> Scenario:
    """A scenario file's content (an upload), validated exactly like a file on disk.

    The name comes from ``[scenario] name`` or the file name; it is data, never a path.

    Raises:
        ScenarioError: the file is larger than ``MAX_SCENARIO_BYTES``, is not UTF-8 text,
            is not TOML, is nested too deep or holds too many keys, or holds a value
            ``load_scenario`` would refuse; the message names the file and, where there is
            one, the key and the allowed range.
    """
    origin = upload_origin(filename)
    return scenario_from_dict(toml_from_bytes(data, origin), origin, name=Path(origin).stem)


def _toml_problem(exc: tomllib.TOMLDecodeError) -> Msg | str:
    """tomllib's message with its place in the file in words of any language.

    tomllib says what is wrong in English only ("Invalid value"); the line and column,
    which a reader needs most, are put into the reader's language.
    """
    m = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(exc), re.S)
    if m is None:
        return str(exc)
    return Msg("cli.error.toml_at", problem=m[1], line=str(m[2]), column=str(m[3]))


def library_names() -> list[str]:
    """The names of the scenarios in the library (scenarios/), sorted."""
    return [path.stem for path in sorted(SCENARIO_DIR.glob("*.toml"))]


def library_path(name: str) -> Path:
    """The file of the library scenario ``name``: a name only, never a path; anything else
    is an unknown name, and no file is looked at for it.

    Raises:
        ScenarioError: ``name`` is not the name of a scenario in the library.
    """
    if name not in library_names():
        raise unknown_scenario(name)
    return SCENARIO_DIR / f"{name}.toml"


def unknown_scenario(name: str) -> ScenarioError:
    """The error for a name that names no scenario of the library, with the closest one."""
    known = library_names()
    close = difflib.get_close_matches(str(name), known, n=1)
    return ScenarioError(
        Msg(
            "cli.error.unknown_scenario",
            name=cut(name),
            hint=_did_you_mean(close),
            known=", ".join(known),
        )
    )


def resolve_path(name_or_path: str) -> Path:
    """A scenario named by its file stem in the scenario library, or by a path."""
    path = Path(name_or_path)
    as_path = path.suffix == ".toml" or path.parent != Path(".") or name_or_path.endswith("/")
    if not as_path and name_or_path in library_names():  # a name wins over a folder here
        return SCENARIO_DIR / f"{name_or_path}.toml"
    try:
        if path.is_dir():
            raise ScenarioError(Msg("cli.error.scenario_folder", path=one_line(name_or_path)))
        if as_path and path.is_file():
            return path
        if as_path and path.exists():  # a device, a pipe: reading it might never end
            raise ScenarioError(Msg("cli.error.not_a_file", path=one_line(name_or_path)))
    except OSError as exc:  # a name too long for the system, a folder one may not enter
        if as_path:
            detail = exc.strerror or exc
            raise ScenarioError(
                Msg("cli.error.cannot_read", path=one_line(name_or_path), detail=detail)
            ) from None
    if as_path:
        raise ScenarioError(Msg("cli.error.not_found", path=one_line(name_or_path)))
    raise unknown_scenario(name_or_path)


def history_key(scenario: Scenario) -> Scenario:
    """What an established company's history depends on (``sim.model.establish``): the
    scenario without its texts, its horizon and its seed (the seed is given apart)."""
    sim = replace(scenario.simulation, weeks=1, seed=0)
    return replace(scenario, name="", description="", description_de="", statements=(),
                   source="", simulation=sim)  # fmt: skip


def load_scenario(name_or_path: str, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, validate and override a scenario file.

    Raises:
        ScenarioError: with a message naming the file, the key and the allowed range.
    """
    path = resolve_path(name_or_path)
    scenario = scenario_from_dict(_read_toml(path), str(path), name=path.stem)
    if overrides:
        scenario = scenario.with_overrides(overrides)
    return scenario


def sets_nothing(scenario: Scenario) -> bool:
    """Whether the file ``scenario`` came from is empty or holds only comments, so that
    it runs every default (most likely not what its author meant)."""
    path = Path(scenario.source)
    try:
        return path.is_file() and not _read_toml(path)
    except (OSError, ScenarioError):
        return False  # loaded a moment ago: a change since is the next run's business


def parse_set(items: list[str], origin: str | Msg = "--set") -> dict[str, Any]:
    """Parse ``key=value`` overrides; the value is read as a TOML value, else as text.

    ``origin`` names where the items come from in the messages of ``parse_value``.
    """
    out: dict[str, Any] = {}
    written: dict[str, str] = {}  # the value of each key as given, for a key given twice
    for item in items:
        key, sep, text = item.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or "." not in key:
            raise ScenarioError(Msg("cli.error.set_syntax", item=shown(item)))
        if key in written:  # keeping either silently would hide a typo in a long command
            raise ScenarioError(
                Msg("cli.error.set_twice", key=cut(key), first=cut(written[key]), second=cut(text)),
                key=key,
            )
        out[key] = parse_value(text, Msg("cli.error.origin_key", origin=origin, key=cut(key)))
        written[key] = text
    return out


def parse_value(text: str, origin: str | Msg) -> Any:
    """A value as ``--set`` writes it: a TOML value (``0.5``, ``true``, ``[1, 2]``), else
    the text itself; bounded like a file (``check_bounds``) before it is parsed."""
    check_bounds(text, origin)
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, ValueError):  # not TOML: the text as it is
        return text
    check_shape(value, origin)  # an inline table's dotted keys nest without brackets
    return value


def list_scenarios(lang: str = DEFAULT_LANG) -> list[tuple[str, str]]:
    """(name, one-line description in ``lang``) of every scenario in the library.

    German shows ``description_de`` where a file has one, else the English description.
    """
    out = []
    for name in library_names():
        try:
            meta = _read_toml(SCENARIO_DIR / f"{name}.toml").get("scenario", {})
        except ScenarioError:
            out.append((name, t("cli.scenarios.unreadable", lang)))
            continue
        text = meta.get("description_de") if lang == "de" else None
        out.append((name, str(text or meta.get("description", "")).strip()))
    return out


def scenario_to_toml(scenario: Scenario) -> str:
    """The scenario as a complete TOML file that ``load_scenario`` reads back unchanged."""

    lines = [
        "# Written by networker-sim: every parameter of the scenario, resolved.",
        "# Sources and ranges of each key: `networker-sim params`.",
        "",
        "[scenario]",
        f"name = {toml_value(scenario.name)}",
        f"description = {toml_value(scenario.description)}",
        f"description_de = {toml_value(scenario.description_de)}",
        f"statements = {toml_value(scenario.statements)}",
    ]
    for sec in SECTIONS:
        lines += ["", f"[{sec}]"]
        part = getattr(scenario, sec)
        lines += [f"{f.name} = {toml_value(getattr(part, f.name))}" for f in fields(part)]
    return "\n".join(lines) + "\n"
