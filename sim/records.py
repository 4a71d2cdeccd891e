"""What a run records (docs/model.md section 5): the per-networker ledger and the weekly series."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from numba import njit

from sim.metrics import (
    INCOME_BIN_EDGES,
    PERCENTILES,
    outcome_shares_of,
    sorted_gini,
    sorted_outcome_counts,
    sorted_percentiles,
    top_share,
)
from sim.networker import CHOICES, CONTACTS, TRAITS
from sim.population import DROPOUT_REASONS, Column, ExitReason, declared

# A networker's career and place in the tree (docs/model.md §2.5, §3.9-§3.11), one ledger
# column each: the tree written by ``Ledger.add`` and ``Ledger.roll_up`` (the compiled rules
# below), the rest by the model's enrolments, exits and going full-time (``sim.model``).
CAREER = declared(
    Column("person", np.int32, 0, "the person in the population"),
    Column("sponsor", np.int32, -1, "the sponsor now (rolled up on exits), -1 for none"),
    Column("first_sponsor", np.int32, -1, "who enrolled the networker, -1 for founders"),
    Column("join_week", np.int32, 0, "the week of joining"),
    Column("exit_week", np.int32, -1, "the week of leaving, -1 while active"),
    Column("exit_reason", np.int8, 0, "why they left (``ExitReason``)"),
    Column("fulltime_week", np.int32, -1, "the week of going full-time (S10), -1 if never"),
    Column("months_above", np.int32, 0, "months in a row above the full-time threshold"),
    Column("recruits", np.int32, 0, "networkers personally enrolled"),
    Column("group", np.int32, 0, "active networkers in the subtree, itself included"),
    Column("downline_at_exit", np.int32, 0, "everyone below them when they left"),
    Column("customers_at_exit", np.int32, 0, "their customers when they left"),
    Column("rank", np.int8, -1,
           "the paid-as rank of the last month closed as a member (§4.6), -1 for none"),
    Column("highest_rank", np.int8, -1, "the highest rank ever reached, -1 for none"),
)  # fmt: skip

# A networker's money (docs/model.md §3.5-§3.8), EUR over the career, one ledger column each:
# written by the model's weekly and monthly schedule (``sim.model``), added up by the money
# rules below (``Money``).
MONEY = declared(
    Column("retail_margin", np.float64, 0.0, "the margin on sales to their customers"),
    Column("commission", np.float64, 0.0, "commissions on volume"),
    Column("recruiting_reward", np.float64, 0.0, "rewards for enrolments"),
    Column("joining_costs", np.float64, 0.0, "starter kit, entry fee, training fee"),
    Column("fees", np.float64, 0.0, "monthly fees"),
    Column("purchases", np.float64, 0.0, "own purchases at wholesale"),
    Column("qualifying_purchases", np.float64, 0.0, "the part bought only to stay qualified"),
    Column("expenses", np.float64, 0.0, "travel, samples, phone: with the hours with people"),
    Column("hours_worked", np.float64, 0.0, "hours worked so far"),
    Column("retail_wholesale_month", np.float64, 0.0,
           "their customers' orders this month, at wholesale"),
    Column("net_at_month_start", np.float64, 0.0, "net income at the last month's close"),
    Column("last_month_net", np.float64, np.nan, "the last month's net income, NaN before"),
    Column("gross_at_month_start", np.float64, 0.0, "gross income at the last month's close"),
    Column("outlay_at_month_start", np.float64, 0.0,
           "``business_costs`` at the last month's close"),
    Column("paying", np.bool_, False,
           "the last month's business paid more than it cost (docs/model.md §3.5)"),
)  # fmt: skip

# The ledger: every concern's columns, by name.
LEDGER_COLUMNS: dict[str, Column] = {**CAREER, **TRAITS, **CONTACTS, **CHOICES, **MONEY}


@njit(cache=True, _nrt=False)
def _join(sponsor: np.ndarray, group: np.ndarray, nids: np.ndarray) -> None:
    """Networkers ``nids`` join the tree below their ``sponsor``: each upline's ``group``
    grows by one (docs/model.md §2.5)."""
    for nid in nids:
        group[nid] = 1
        up = sponsor[nid]
        while up >= 0:
            group[up] += 1
            up = sponsor[up]


@njit(cache=True, _nrt=False)
def _leave(sponsor: np.ndarray, group: np.ndarray, leaving: np.ndarray, sizes: np.ndarray):
    """Networkers ``leaving`` leave the tree: each upline's ``group`` shrinks by one, and
    ``sizes`` gets the downline each had (docs/model.md §3.11)."""
    for i in range(len(leaving)):
        nid = leaving[i]
        sizes[i] = group[nid] - 1
        up = sponsor[nid]
        while up >= 0:
            group[up] -= 1
            up = sponsor[up]


@njit(cache=True, _nrt=False)
def _move_up(sponsor: np.ndarray, gone: np.ndarray) -> None:
    """Point every node whose sponsor is ``gone`` to the nearest sponsor above who is not
    (the ones gone too: a former networker's sponsor is the upline it left; docs/model.md
    §3.11)."""
    for node in range(len(sponsor)):
        up = sponsor[node]
        while up >= 0 and gone[up]:
            up = sponsor[up]
        sponsor[node] = up


# what a new row holds where it is not zero (an array grows with zeros)
_NEW_ROW = {name: c.initial for name, c in LEDGER_COLUMNS.items() if c.initial != 0}


class Ledger:
    """One row per networker who ever joined, as growable numpy columns.

    The ledger owns every fact about a networker, one column each, as each concern declares
    it beside its rules (``LEDGER_COLUMNS``: career and tree, traits, contacts and refusals,
    money): money, hours, the run of refusals, the warm market's bounds, and the sponsor
    tree (``sponsor``, with the size of every active subtree in ``group``, both written only
    by ``add`` and ``roll_up``). A networker is active until the model books their exit
    (``exit_week``). ``ledger.hours`` and the like are the columns, as long as ``n``.
    """

    def __init__(
        self,
        value_share: float,
        capacity: int = 256,
        cols: dict[str, np.ndarray] | None = None,
    ):
        """An empty ledger, or one holding the rows of ``cols`` (copied)."""
        self.n = 0
        self.value_share = value_share
        self.cols: dict[str, np.ndarray] = {
            name: np.zeros(capacity, dtype=c.dtype) for name, c in LEDGER_COLUMNS.items()
        }
        if cols is not None:
            self.n = n = len(cols["person"])
            self.cols = {
                name: np.concatenate([cols[name], np.zeros(max(capacity, n), dtype=c.dtype)])
                for name, c in LEDGER_COLUMNS.items()
            }

    @property
    def active(self) -> np.ndarray:
        """Whether each networker is active: no exit booked (``exit_week`` is -1)."""
        return self.cols["exit_week"][: self.n] < 0

    def add(self, count: int, **values) -> np.ndarray:
        """Append ``count`` networkers (a value or an array of ``count`` per column);
        returns their ids (nid). They join the tree below their ``sponsor``."""
        need = self.n + count
        if need > len(self.cols["person"]):
            size = max(need, 2 * len(self.cols["person"]))
            for name, col in self.cols.items():
                grown = np.zeros(size, dtype=col.dtype)
                grown[: self.n] = col[: self.n]
                self.cols[name] = grown
        nids = np.arange(self.n, need)
        rows = slice(self.n, need)
        self.n = need
        for name, value in {**_NEW_ROW, **values}.items():
            self.cols[name][rows] = value
        _join(self.cols["sponsor"], self.cols["group"], nids)
        return nids

    def children(self, nid: int) -> np.ndarray:
        """The active networkers directly below ``nid``."""
        return np.flatnonzero((self.sponsor == nid) & self.active)

    def roll_up(self, leaving: np.ndarray) -> np.ndarray:
        """Networkers ``leaving`` leave the tree: those below them move up to the nearest
        sponsor who stays. Returns the size of the downline each had (everyone below it)."""
        sponsor = self.cols["sponsor"]
        sizes = np.zeros(len(leaving), dtype=np.int64)
        _leave(sponsor, self.cols["group"], leaving, sizes)
        self.cols["group"][leaving] = 0
        gone = np.zeros(self.n, dtype=bool)
        gone[leaving] = True
        _move_up(sponsor[: self.n], gone)
        return sizes

    def money(self) -> Money:
        """The columns the money rules read (``_gross`` and ``_costs``), by name."""
        n = self.n
        return Money(*(self.cols[name][:n] for name in Money._fields))

    @property
    def gross(self) -> np.ndarray:
        """Money received: retail margin, commissions and recruiting rewards."""
        return _gross_each(self.money(), self.value_share)

    @property
    def costs(self) -> np.ndarray:
        """Money spent, less the share of own purchases counted as value received."""
        return _costs_each(self.money(), self.value_share)

    @property
    def business_costs(self) -> np.ndarray:
        """What running the business cost in cash: joining costs, fees, expenses and the
        purchases made only to stay qualified (the networker's own view of whether the
        business pays, docs/model.md §3.5; what is bought for own use is not a cost)."""
        c, n = self.cols, self.n
        return (c["joining_costs"][:n] + c["fees"][:n] + c["expenses"][:n]
                + c["qualifying_purchases"][:n])  # fmt: skip

    @property
    def net(self) -> np.ndarray:
        return _net_each(self.money(), self.value_share)


class Money(NamedTuple):
    """The money of every networker, the ledger's ``MONEY`` columns of these names: what the
    compiled money rules read (the weekly records add it up for everyone who ever joined,
    every week)."""

    retail_margin: np.ndarray
    commission: np.ndarray
    recruiting_reward: np.ndarray
    joining_costs: np.ndarray
    fees: np.ndarray
    purchases: np.ndarray
    expenses: np.ndarray


@njit(inline="always")
def _gross(m: Money, value_share: float, i: int) -> float:
    """Money received (docs/model.md §5.2): retail margin, commissions and rewards."""
    return m.retail_margin[i] + m.commission[i] + m.recruiting_reward[i]


@njit(inline="always")
def _costs(m: Money, value_share: float, i: int) -> float:
    """Money spent, less the share of own purchases counted as value received
    (docs/model.md §3.7)."""
    return m.joining_costs[i] + m.fees[i] + m.purchases[i] * (1.0 - value_share) + m.expenses[i]


@njit(inline="always")
def _net(m: Money, value_share: float, i: int) -> float:
    """Net income (docs/model.md §5.2): ``_gross`` less ``_costs``."""
    return _gross(m, value_share, i) - _costs(m, value_share, i)


# one compiled loop per rule (a rule passed as an argument is compiled anew in every process)
@njit(cache=True)
def _gross_each(m: Money, value_share: float) -> np.ndarray:
    """``_gross`` of everyone (docs/model.md §5.2)."""
    out = np.empty(len(m.retail_margin))
    for i in range(len(out)):
        out[i] = _gross(m, value_share, i)
    return out


@njit(cache=True)
def _costs_each(m: Money, value_share: float) -> np.ndarray:
    """``_costs`` of everyone (docs/model.md §3.7)."""
    out = np.empty(len(m.retail_margin))
    for i in range(len(out)):
        out[i] = _costs(m, value_share, i)
    return out


@njit(cache=True)
def _net_each(m: Money, value_share: float) -> np.ndarray:
    """``_net`` of everyone (docs/model.md §5.2)."""
    out = np.empty(len(m.retail_margin))
    for i in range(len(out)):
        out[i] = _net(m, value_share, i)
    return out


def _column_view(column: Column) -> property:
    name = column.name

    def view(self: Ledger) -> np.ndarray:
        return self.cols[name][: self.n]

    return property(view, doc=f"``{name}``: {column.meaning}.")


for _name, _column in LEDGER_COLUMNS.items():  # ``ledger.hours`` and the like
    setattr(Ledger, _name, _column_view(_column))


# The weekly series (docs/model.md §5.1), one value per week, in the order of the weekly
# table; counts are whole numbers. Money flows are EUR in that week; commissions, orders and
# monthly costs fall in the week that closes a month. The model writes them by name
# (``NetworkMarketingModel.record``), the income distribution comes from ``income_snapshot``.
def _count(name: str, meaning: str) -> Column:
    return Column(name, np.int64, 0, meaning)


def _value(name: str, meaning: str) -> Column:
    return Column(name, np.float64, 0.0, meaning)


WEEKLY = declared(
    _count("week", "the week of the view, from 1"),
    _count("active", "active networkers"),
    _count("active_builders", "active business builders"),
    _count("new_recruits", "networkers who joined and paid to"),
    _count("contacts", "contacts made"),
    *(_count(f"dropouts_{r.label}", f"networkers who left: {r.label}") for r in DROPOUT_REASONS),
    _count("prospects", "people who are prospects"),
    _count("customers", "people who are customers"),
    _count("networkers", "people who are networkers"),
    _count("formers", "people who are former networkers"),
    _count("elsewhere", "people in another network-marketing business"),
    _count("ever_joined", "everyone who was a member at any time of the view so far"),
    _value("saturation_approached", "share of the people ever pitched to"),
    _value("saturation_joined", "``ever_joined`` as a share of the people"),
    _value("retail_volume", "customers' orders at wholesale"),
    _value("own_purchase_volume", "networkers' own purchases"),
    _value("commissions", "commissions paid"),
    _value("recruiting_rewards", "recruiting rewards paid"),
    _value("networker_costs", "what the networkers spent"),
    _value("company_revenue", "what the company took in"),
    _value("product_cost", "the company's cost of the goods it sold"),
    _value("company_margin", "company revenue less product cost, commissions and rewards"),
    _value("breakage", "what the plan kept because people did not qualify"),
    _value("payout_ratio", "commissions and rewards so far over company revenue so far"),
    _value("own_purchase_share", "participants' own purchases so far over all volume so far"),
    *(_value(f"monthly_net_p{q}", f"{q}th percentile of the active's last month net")
      for q in PERCENTILES),
    *(_value(f"cumulative_net_p{q}", f"{q}th percentile of the net income of all ever joined")
      for q in PERCENTILES),
    _value("share_net_loss", "share of all ever joined with a net loss"),
    _value("share_break_even", "share of all ever joined about break-even"),
    _value("share_profit", "share of all ever joined with a profit"),
    _value("gini_net_income", "Gini of the net income of all ever joined"),
    _value("top1_commission_share", "share of commissions and rewards the top 1 % receive"),
)  # fmt: skip


@dataclass
class WeeklySeries:
    """Preallocated columns (``WEEKLY``), one row per week."""

    weeks: int

    def __post_init__(self):
        self.data = {name: np.zeros(self.weeks) for name in WEEKLY}
        # counts of active networkers per monthly-net-income bin, one row per week
        self.income_hist = np.zeros((self.weeks, len(INCOME_BIN_EDGES) - 1), dtype=np.int32)

    def record(self, week: int, values: dict[str, float], income_hist: np.ndarray) -> None:
        """Week ``week``'s ``values``, one for every series declared (``WEEKLY``)."""
        if values.keys() != self.data.keys():
            raise ValueError(f"not the weekly series: {sorted(values.keys() ^ self.data.keys())}")
        row = week - 1
        for name, value in values.items():
            self.data[name][row] = value
        self.income_hist[row] = income_hist

    def frame(self, upto: int | None = None) -> pd.DataFrame:
        counts = {name for name, c in WEEKLY.items() if c.dtype is np.int64}
        return pd.DataFrame(
            {k: v[:upto].astype(np.int64) if k in counts else v[:upto]
             for k, v in self.data.items()}
        )  # fmt: skip


_PERCENTILES = np.asarray(PERCENTILES, dtype=np.float64)
_MONTHLY_KEYS = tuple(f"monthly_net_p{q}" for q in PERCENTILES)
_CUMULATIVE_KEYS = tuple(f"cumulative_net_p{q}" for q in PERCENTILES)


def income_snapshot(
    ledger: Ledger, active: np.ndarray | None = None
) -> tuple[dict[str, float], np.ndarray]:
    """The income-distribution columns of one week, from the ledger as it stands, and the
    histogram of the active networkers' last monthly net income over ``INCOME_BIN_EDGES``
    (``active``: ``ledger.active``, if the caller has it already).
    """
    active = ledger.active if active is None else active
    net, rewards, monthly = _income_columns(
        ledger.money(), ledger.value_share, ledger.last_month_net, active
    )
    monthly.sort()  # numpy's sort: many times faster than a compiled one
    net.sort()  # one sort serves the percentiles, shares and Gini
    hist = np.diff(np.searchsorted(monthly, INCOME_BIN_EDGES, side="left"))
    out = dict(zip(_MONTHLY_KEYS, sorted_percentiles(monthly, _PERCENTILES).tolist(), strict=True))
    out.update(zip(_CUMULATIVE_KEYS, sorted_percentiles(net, _PERCENTILES).tolist(), strict=True))
    out.update(outcome_shares_of(*sorted_outcome_counts(net), len(net)))
    out["gini_net_income"] = sorted_gini(net)
    out["top1_commission_share"] = top_share(rewards)
    return out, hist


@njit(cache=True)
def _income_columns(money: Money, value_share, last_month_net, active):
    """Everyone's net income and rewards (commissions and recruiting rewards), and the
    active networkers' last monthly net where they have one, in one pass (docs/model.md
    §5.1)."""
    n = len(active)
    net = np.empty(n)
    rewards = np.empty(n)
    monthly = np.empty(n)
    m = 0
    for i in range(n):
        net[i] = _net(money, value_share, i)
        rewards[i] = money.commission[i] + money.recruiting_reward[i]
        if active[i] and not np.isnan(last_month_net[i]):
            monthly[m] = last_month_net[i]
            m += 1
    return net, rewards, monthly[:m]


def networker_table(
    ledger: Ledger, downline_now: np.ndarray, customers_now: np.ndarray
) -> pd.DataFrame:
    """The per-networker table of docs/model.md section 5."""
    active = ledger.active
    reason = np.array([r.label for r in ExitReason])[ledger.exit_reason]
    hours_worked = ledger.hours_worked
    net = ledger.net
    with np.errstate(divide="ignore", invalid="ignore"):
        per_hour = np.where(hours_worked > 0, net / hours_worked, np.nan)
    return pd.DataFrame(
        {
            "networker": np.arange(ledger.n),
            "person": ledger.person,
            "first_sponsor": ledger.first_sponsor,
            "join_week": ledger.join_week,
            "exit_week": ledger.exit_week,
            "exit_reason": reason,
            "builder": ledger.builder,
            "part_time": ledger.part_time,
            "fulltime_week": ledger.fulltime_week,
            "experienced": ledger.experienced,
            "trained": ledger.trained,
            "hours": ledger.hours,
            "tolerance": ledger.tolerance,
            "skill": ledger.skill,
            "recruits": ledger.recruits,
            "highest_rank": ledger.highest_rank,
            "last_rank": ledger.rank,
            "downline": np.where(active, downline_now, ledger.downline_at_exit),
            "customers": np.where(active, customers_now, ledger.customers_at_exit),
            "contacts": ledger.contacts,
            "retail_margin": ledger.retail_margin,
            "commission": ledger.commission,
            "recruiting_reward": ledger.recruiting_reward,
            "gross_income": ledger.gross,
            "costs": ledger.costs,
            "net_income": net,
            "hours_worked": hours_worked,
            "net_per_hour": per_hour,
        }
    )
