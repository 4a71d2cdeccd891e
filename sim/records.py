"""What a run records (docs/model.md section 5): the per-networker ledger and the weekly series."""

from __future__ import annotations

from dataclasses import dataclass

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
from sim.population import ExitReason

# Ledger columns and their dtypes. Money is in EUR, cumulative over the networker's career.
LEDGER_COLUMNS: dict[str, type] = {
    "person": np.int32,
    "sponsor": np.int32,  # current sponsor (rolled up on exits), -1 for none: the one tree
    "first_sponsor": np.int32,  # who enrolled the networker, -1 for founders
    "join_week": np.int32,
    "exit_week": np.int32,  # -1 while active
    "exit_reason": np.int8,  # ExitReason
    "builder": np.bool_,
    "part_time": np.bool_,  # at joining
    "fulltime_week": np.int32,  # week of going full-time, -1 if never
    "experienced": np.bool_,
    "trained": np.bool_,
    "hours": np.float64,  # hours per week (current)
    "training_weeks": np.int32,  # weeks of training still to come
    "tolerance": np.float64,  # at joining
    "skill": np.float64,  # at joining
    "current_skill": np.float64,  # grown with experience (docs/model.md §3.5)
    "loss_tolerance": np.float64,
    "recruits": np.int32,  # personally enrolled
    "downline_at_exit": np.int32,
    "customers_at_exit": np.int32,  # current ones: Population.customers_of
    "contacts": np.int64,
    "hours_worked": np.float64,
    "retail_margin": np.float64,
    "commission": np.float64,
    "recruiting_reward": np.float64,
    "joining_costs": np.float64,  # starter kit, entry fee, training fee
    "fees": np.float64,
    "purchases": np.float64,  # own purchases at wholesale
    "qualifying_purchases": np.float64,  # the part bought only to stay qualified
    "expenses": np.float64,
    "months_above": np.int32,  # months in a row above the full-time threshold
    "net_at_month_start": np.float64,
    "last_month_net": np.float64,  # NaN until a month was completed
    "gross_at_month_start": np.float64,
    "outlay_at_month_start": np.float64,  # business_costs at the last month's close
    "paying": np.bool_,  # last month's business paid more than it cost (docs/model.md §3.5)
    "failures": np.float64,  # the current run of refusals (a stranger's weighted)
    "dry_weeks": np.int32,  # weeks in a row of finding nobody to pitch
    "retail_wholesale_month": np.float64,  # customers' orders this month, wholesale value
    "patience": np.float64,  # refusals in a row taken now: tolerance grown by successes
    "group": np.int32,  # active networkers in the subtree, itself included (while active)
    "warm_start": np.int64,  # the warm market: Markets.warm[warm_start:warm_end]
    "warm_next": np.int64,
    "warm_end": np.int64,
    "heap_start": np.int64,  # acquaintances put aside: a heap in the Markets pool
    "heap_len": np.int32,
    "heap_cap": np.int32,
}


@njit(cache=True, _nrt=False)
def _join(sponsor: np.ndarray, group: np.ndarray, nids: np.ndarray) -> None:
    for nid in nids:
        group[nid] = 1
        up = sponsor[nid]
        while up >= 0:
            group[up] += 1
            up = sponsor[up]


@njit(cache=True, _nrt=False)
def _leave(sponsor: np.ndarray, group: np.ndarray, leaving: np.ndarray, sizes: np.ndarray):
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
    (the ones gone too: a former networker's sponsor is the upline it left)."""
    for node in range(len(sponsor)):
        up = sponsor[node]
        while up >= 0 and gone[up]:
            up = sponsor[up]
        sponsor[node] = up


_NEW_ROW = {"exit_week": -1, "fulltime_week": -1, "last_month_net": np.nan}  # not zero


class Ledger:
    """One row per networker who ever joined, as growable numpy columns.

    The ledger owns every fact about a networker: money, hours, the run of refusals, the
    warm market's bounds, and the sponsor tree (``sponsor``, with the size of every active
    subtree in ``group``, both written only by ``add`` and ``roll_up``). A networker is
    active until the model books their exit (``exit_week``).
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
            name: np.zeros(capacity, dtype=dt) for name, dt in LEDGER_COLUMNS.items()
        }
        if cols is not None:
            self.n = n = len(cols["person"])
            self.cols = {
                name: np.concatenate([cols[name], np.zeros(max(capacity, n), dtype=dt)])
                for name, dt in LEDGER_COLUMNS.items()
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

    def money(self) -> tuple[np.ndarray, ...]:
        """The columns the money rules read: ``_gross`` and ``_costs``."""
        c, n = self.cols, self.n
        return tuple(c[name][:n] for name in MONEY_COLUMNS)

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


# The money of a networker (row ``i`` of the ledger's money columns, in this order), compiled:
# the weekly records add it up for everyone who ever joined, every week.
MONEY_COLUMNS = (
    "retail_margin", "commission", "recruiting_reward",
    "joining_costs", "fees", "purchases", "expenses",
)  # fmt: skip


@njit(inline="always")
def _gross(m: tuple, value_share: float, i: int) -> float:
    return m[0][i] + m[1][i] + m[2][i]


@njit(inline="always")
def _costs(m: tuple, value_share: float, i: int) -> float:
    return m[3][i] + m[4][i] + m[5][i] * (1.0 - value_share) + m[6][i]


@njit(inline="always")
def _net(m: tuple, value_share: float, i: int) -> float:
    return _gross(m, value_share, i) - _costs(m, value_share, i)


# one compiled loop per rule (a rule passed as an argument is compiled anew in every process)
@njit(cache=True)
def _gross_each(m: tuple, value_share: float) -> np.ndarray:
    out = np.empty(len(m[0]))
    for i in range(len(out)):
        out[i] = _gross(m, value_share, i)
    return out


@njit(cache=True)
def _costs_each(m: tuple, value_share: float) -> np.ndarray:
    out = np.empty(len(m[0]))
    for i in range(len(out)):
        out[i] = _costs(m, value_share, i)
    return out


@njit(cache=True)
def _net_each(m: tuple, value_share: float) -> np.ndarray:
    out = np.empty(len(m[0]))
    for i in range(len(out)):
        out[i] = _net(m, value_share, i)
    return out


def _column_view(name: str) -> property:
    def view(self: Ledger) -> np.ndarray:
        return self.cols[name][: self.n]

    return property(view, doc=f"The ``{name}`` column of the networkers so far.")


for _name in LEDGER_COLUMNS:  # ``ledger.hours`` and the like: a column, as long as ``n``
    setattr(Ledger, _name, _column_view(_name))


# Weekly series: one value per week (docs/model.md section 5). Money flows are EUR in that week;
# commissions, orders and monthly costs fall in the week that closes a month.
SERIES = (
    ["week", "active", "active_builders", "new_recruits", "contacts"]
    + ["dropouts_discouraged", "dropouts_financial", "dropouts_life", "dropouts_no_market"]
    + ["prospects", "customers", "networkers", "formers", "elsewhere", "ever_joined"]
    + ["saturation_approached", "saturation_joined"]
    + ["retail_volume", "own_purchase_volume", "commissions", "recruiting_rewards"]
    + ["networker_costs", "company_revenue"]
    + [f"monthly_net_p{q}" for q in PERCENTILES]
    + [f"cumulative_net_p{q}" for q in PERCENTILES]
    + ["share_net_loss", "share_break_even", "share_profit", "gini_net_income"]
    + ["top1_commission_share"]
)


COUNTS = frozenset(SERIES[: SERIES.index("ever_joined") + 1])  # whole numbers


@dataclass
class WeeklySeries:
    """Preallocated columns, one row per week."""

    weeks: int

    def __post_init__(self):
        self.data = {name: np.zeros(self.weeks) for name in SERIES}
        # counts of active networkers per monthly-net-income bin, one row per week
        self.income_hist = np.zeros((self.weeks, len(INCOME_BIN_EDGES) - 1), dtype=np.int32)

    def record(self, week: int, values: dict[str, float], income_hist: np.ndarray) -> None:
        row = week - 1
        for name, value in values.items():
            self.data[name][row] = value
        self.income_hist[row] = income_hist

    def frame(self, upto: int | None = None) -> pd.DataFrame:
        data = self.data
        return pd.DataFrame(
            {k: v[:upto].astype(np.int64) if k in COUNTS else v[:upto] for k, v in data.items()}
        )


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
def _income_columns(money, value_share, last_month_net, active):
    """Everyone's net income and rewards (commissions and recruiting rewards), and the
    active networkers' last monthly net where they have one, in one pass."""
    n = len(active)
    net = np.empty(n)
    rewards = np.empty(n)
    monthly = np.empty(n)
    m = 0
    for i in range(n):
        net[i] = _net(money, value_share, i)
        rewards[i] = money[1][i] + money[2][i]
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
