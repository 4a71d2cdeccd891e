"""The people of the market and their social graph, held in arrays (not agents).

Every person is, at any time, exactly one of ``PROSPECT``, ``CUSTOMER``, ``NETWORKER``,
``FORMER`` or ``ELSEWHERE`` (in another network-marketing business; docs/model.md §2.3); a
former networker's ``ExitReason`` says why they left. The social graph is stored as CSR
arrays so that a population of a million people fits in memory. The population owns who
buys from whom (``seller``, by customer) and how the market lives (docs/model.md §2.2-§2.3):
people leave and newcomers take their place (``renew``), ties beyond the neighbourhood end
and new ones begin (``rewire``), refusals fade and people come and go from other businesses
(``Population.month``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, NamedTuple

import numpy as np
from numba import njit

from sim.scenario import Population as PopulationParams


class State(IntEnum):
    PROSPECT = 0
    CUSTOMER = 1
    NETWORKER = 2
    FORMER = 3
    ELSEWHERE = 4  # in another network-marketing business: not to be won for now


STATES = tuple(int(s) for s in State)
PROSPECT, CUSTOMER, NETWORKER, FORMER, ELSEWHERE = STATES


class ExitReason(IntEnum):
    """Why a networker stopped. 0 means still active."""

    ACTIVE = 0
    DISCOURAGED = 1
    FINANCIAL = 2
    LIFE = 3
    NO_MARKET = 4  # kept finding nobody to approach: the market is saturated
    CHOSE = 5  # a student of the class game decided to leave (``sim.game``), no rule of the model

    @property
    def label(self) -> str:
        return self.name.lower()


# the reasons the model's rules give (docs/model.md §3.5, §3.8): the weekly series counts each
DROPOUT_REASONS = (ExitReason.DISCOURAGED, ExitReason.FINANCIAL, ExitReason.LIFE,
                   ExitReason.NO_MARKET)  # fmt: skip


NEVER = np.iinfo(np.int32).max


class Column(NamedTuple):
    """A per-person (or per-networker) array, declared once, beside the rules that write it
    (as Starsim's ``define_states``): whoever holds such arrays (``Population``, the ledger
    of ``sim.records``) makes them from their declarations, and the compiled rules receive
    them by this name (``People``, ``sim.networker.World``; ``by_name``).

    Attributes:
        name: the array's one name, from the scenario key to the exported table.
        dtype: its numpy type.
        initial: the value of a new row.
        meaning: what it holds, in a line.
    """

    name: str
    dtype: type
    initial: float
    meaning: str

    def new(self, n: int) -> np.ndarray:
        """``n`` new rows."""
        return np.full(n, self.initial, dtype=self.dtype)


def declared(*columns: Column) -> dict[str, Column]:
    """Declarations by name (a name declared twice is an error)."""
    out = {c.name: c for c in columns}
    if len(out) != len(columns):
        names = [c.name for c in columns]
        raise ValueError(f"declared twice: {sorted({x for x in names if names.count(x) > 1})}")
    return out


def by_name(cls: type, *sources: Any, **given: Any) -> Any:
    """``cls`` (a NamedTuple) with every field taken by its name: from ``given``, else from
    the first of ``sources`` (mappings, or objects such as a scenario's section) that has
    it. This is how the compiled rules receive state and parameters: by name, never by
    position."""
    found: dict[str, Any] = {}
    for source in reversed(sources):  # the first source wins
        found.update(source if isinstance(source, Mapping) else vars(source))
    found.update(given)
    try:
        return cls._make(map(found.__getitem__, cls._fields))  # faster than keywords
    except KeyError as missing:
        raise TypeError(f"nothing gives {cls.__name__}.{missing.args[0]}") from None


WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 13  # months of four weeks (docs/model.md §2.1)


def weekly_chance(per_year: float, periods: int = WEEKS_PER_YEAR) -> float:
    """The chance per period of an event that happens at ``per_year`` a year (a rate, as
    a share of those at risk), constant over the year."""
    return 1.0 - float(np.exp(-per_year / periods))


class People(NamedTuple):
    """What the compiled rules of the market receive, by name: every person's state
    (``PEOPLE``) and the social graph (CSR, with its ``owner_guide``)."""

    state: np.ndarray
    seller: np.ndarray
    networker: np.ndarray
    refusals: np.ndarray
    available_from: np.ndarray
    approached: np.ndarray
    former_friends: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    guide: np.ndarray


@njit(cache=True, _nrt=False)
def mark_former(p: People, person: int) -> None:
    """``person`` leaves the business: a former networker, whom their acquaintances know
    as one who dropped out (it colours what they think of the next pitch; docs/model.md §2.3)."""
    p.state[person] = FORMER
    for i in range(p.indptr[person], p.indptr[person + 1]):
        p.former_friends[p.indices[i]] += 1


@njit(cache=True, _nrt=False)
def _mark_formers(p: People, people: np.ndarray) -> None:
    """``mark_former`` for each of ``people`` (docs/model.md §2.3)."""
    for person in people:
        mark_former(p, person)


@njit(cache=True)
def _shuffled_rows(indptr, indices, rows, keys):
    """The rows of the graph concatenated, each ordered by its part of ``keys`` (ties in
    the graph's order; docs/model.md §2.4)."""
    out = np.empty(len(keys), dtype=indices.dtype)
    order = np.empty(64, dtype=np.int64)
    top = 0
    for r in rows:
        start, length = indptr[r], indptr[r + 1] - indptr[r]
        key = keys[top : top + length]
        if length > 64:
            order = np.argsort(key, kind="mergesort")
        else:  # most rows are short: a stable insertion sort of their places
            for k in range(length):
                m = k - 1
                while m >= 0 and key[order[m]] > key[k]:
                    order[m + 1] = order[m]
                    m -= 1
                order[m + 1] = k
        for k in range(length):
            out[top + k] = indices[start + order[k]]
        top += length
        if len(order) < 64:
            order = np.empty(64, dtype=np.int64)
    return out


def local_ties(n: int, mean_degree: float, local_share: float) -> int:
    """How many of the next people on the ring each person is tied to (both ways)."""
    return min(round(mean_degree * local_share / 2), max((n - 1) // 2, 0))


def social_graph(
    n: int, mean_degree: float, local_share: float, tail: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A clustered graph with a heavy-tailed degree, as CSR (indptr, indices).

    Local ties join each person to the nearest people on a ring (neighbourhoods, work,
    family: they close triangles); the other ties are drawn by Chung-Lu weights from a
    Pareto law, so a few people know very many. Duplicates and self-ties are dropped.
    """
    k_local = local_ties(n, mean_degree, local_share)
    n_random = round(n * (mean_degree - 2 * k_local) / 2)
    src = dst = np.zeros(0, np.int64)
    if n_random > 0:
        weight = rng.pareto(tail - 1.0, n) + 1.0
        weight /= weight.sum()
        # the draws of ``rng.choice(n, n_random, p=weight)``, twice, found faster
        cdf = weight.cumsum()
        cdf /= cdf[-1]
        guide = cdf.searchsorted(np.arange(n + 1) / n, side="right")
        src = _search_sorted_right(cdf, guide, rng.random(n_random))
        dst = _search_sorted_right(cdf, guide, rng.random(n_random))
    return _undirected_csr(n, k_local, src, dst)


@njit(cache=True)
def _search_sorted_right(cdf, guide, u):
    """``cdf.searchsorted(u, side="right")``, each search narrowed by a guide table:
    ``guide[j]`` is where ``j / len(cdf)`` would go (the same answers, without a search
    over the whole array for each of millions of draws; docs/model.md §2.2)."""
    m = len(cdf)
    out = np.empty(len(u), dtype=np.int64)
    for k in range(len(u)):
        x = u[k]
        j = int(x * m)
        lo = guide[max(j - 1, 0)]
        hi = guide[min(j + 2, m)]
        while lo < hi:
            mid = (lo + hi) >> 1
            if cdf[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        out[k] = lo
    return out


@njit(cache=True)
def _undirected_csr(n, k_local, src, dst):
    """CSR of the ring ties (each person to the next ``k_local``) and the ties
    ``src[i]``-``dst[i]``, both ways, without self-ties and duplicates, each row sorted
    (docs/model.md §2.2)."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        ptr[i + 1] = 2 * k_local
    for e in range(len(src)):
        if src[e] != dst[e]:
            ptr[src[e] + 1] += 1
            ptr[dst[e] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    fill = ptr[:-1].copy()
    idx = np.empty(ptr[n], dtype=np.int32)
    for i in range(n):
        for off in range(1, k_local + 1):
            j = (i + off) % n
            idx[fill[i]] = j
            fill[i] += 1
            idx[fill[j]] = i
            fill[j] += 1
    for e in range(len(src)):
        a, b = src[e], dst[e]
        if a != b:
            idx[fill[a]] = b
            fill[a] += 1
            idx[fill[b]] = a
            fill[b] += 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    top = 0
    for i in range(n):  # sort each row and drop duplicates, compacting in place
        row = idx[ptr[i] : ptr[i + 1]]
        if len(row) > 32:
            row.sort()
        else:  # most rows are short: insertion sort
            for k in range(1, len(row)):
                v, m = row[k], k - 1
                while m >= 0 and row[m] > v:
                    row[m + 1] = row[m]
                    m -= 1
                row[m + 1] = v
        prev = -1
        for v in row:
            if v != prev:
                idx[top] = v
                top += 1
                prev = v
        indptr[i + 1] = top
    return indptr, idx[:top].copy()


# Every person's state (docs/model.md §2.3), one array each, written by the rules of this
# module (``Population``, ``renew``, ``mark_former``) and by the compiled contact rules of
# ``sim.networker`` (which receive them by name).
PEOPLE = declared(
    Column("state", np.int8, PROSPECT, "one ``State`` per person"),
    Column("seller", np.int32, -1, "the networker id serving a customer, or -1"),
    Column("networker", np.int32, -1, "the networker id of one who is or was a networker, or -1"),
    Column("refusals", np.int8, 0, "how often the person said no (they fade, §2.3)"),
    Column("available_from", np.int32, 0, "the week from which they may be approached again"),
    Column("approached", np.bool_, False, "whether anyone ever pitched to the person"),
    Column("former_friends", np.int32, 0, "how many of their acquaintances dropped out"),
)


class Population:
    """People's states (``PEOPLE``, each an attribute) and the social graph (CSR:
    ``indptr``, ``indices``, with every person's ``degree``)."""

    ARRAYS = ("indptr", "indices", "degree", *PEOPLE)

    def __init__(
        self,
        params: PopulationParams,
        rng: np.random.Generator,
        arrays: dict[str, np.ndarray] | None = None,
    ):
        """A new market of ``params.size`` people (graph and all drawn from ``rng``), or the
        market held in ``arrays`` (``ARRAYS``, copied), as an established company left it."""
        n = params.size
        self.params = params
        self.size = n
        self.k_local = local_ties(n, params.mean_degree, params.local_tie_share)
        if arrays is not None:
            for name in self.ARRAYS:
                setattr(self, name, arrays[name].copy())
            self.guide = owner_guide(self.indptr)
            return
        self.indptr, self.indices = social_graph(
            n, params.mean_degree, params.local_tie_share, params.degree_tail, rng
        )
        self.degree = np.diff(self.indptr).astype(np.int32)
        self.guide = owner_guide(self.indptr)
        for name, column in PEOPLE.items():
            setattr(self, name, column.new(n))
        # some are in another network-marketing business already (docs/model.md §2.3)
        self.state[rng.random(n) < params.other_business_share] = ELSEWHERE

    def arrays(self) -> dict[str, np.ndarray]:
        """The market's arrays (``ARRAYS``), not copied."""
        return {name: getattr(self, name) for name in self.ARRAYS}

    def people(self) -> People:
        """The market's arrays as the compiled rules receive them, not copied."""
        return by_name(People, self.arrays(), guide=self.guide)

    def acquaintances(self, person: int) -> np.ndarray:
        return self.indices[self.indptr[person] : self.indptr[person + 1]]

    def shuffled_acquaintances_of(
        self, people: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """The acquaintances of each of ``people``, each person's in a random order (from
        ``rng``), concatenated, and how many each has."""
        lengths = self.degree[people].astype(np.int64)
        keys = rng.random(int(lengths.sum()))
        return _shuffled_rows(self.indptr, self.indices, np.asarray(people), keys), lengths

    def mark_former(self, people: np.ndarray) -> None:
        _mark_formers(self.people(), people)

    def add_networkers(self, people: np.ndarray, nids: np.ndarray) -> None:
        """``people`` join as networkers ``nids``."""
        self.state[people] = NETWORKER
        self.networker[people] = nids
        self.approached[people] = True

    def customers_of_any(self, leaving: np.ndarray) -> np.ndarray:
        """The customers whose seller is one of the networkers flagged in ``leaving``."""
        customers = np.flatnonzero(self.state == CUSTOMER)  # vectorised: faster than a loop
        return customers[leaving[self.seller[customers]]]

    def customers_of(self, nid: int) -> np.ndarray:
        """The people networker ``nid`` serves."""
        return np.flatnonzero((self.seller == nid) & (self.state == CUSTOMER))

    def sell(self, people: np.ndarray, nid: int) -> None:
        """``people`` become customers of networker ``nid``."""
        self.state[people] = CUSTOMER
        self.seller[people] = nid

    def hand_over(self, people: np.ndarray, nids: np.ndarray) -> None:
        """Customers pass to networkers ``nids`` (their seller quit)."""
        self.seller[people] = nids

    def lose(self, people: np.ndarray, available_from: int) -> None:
        """Customers stop buying and are prospects again from ``available_from`` on."""
        self.state[people] = PROSPECT
        self.seller[people] = -1
        self.available_from[people] = np.maximum(self.available_from[people], available_from)

    def customer_counts(self, n: int) -> np.ndarray:
        """Customers served by each of networkers 0..n-1."""
        buyers = self.seller[self.state == CUSTOMER]
        return np.bincount(buyers, minlength=n)[:n].astype(np.int64)

    # ---- the market lives (docs/model.md §2.2, §2.3) ----------------------------------------

    def week(self, rng: np.random.Generator, week: int) -> np.ndarray:
        """A week of the market's life: some people leave and newcomers take their places;
        some ties beyond the neighbourhood end and new ones begin. Active networkers stay
        (moving away is one of their life events, docs/model.md §3.9). Returns who met whom
        (rows of person, new acquaintance)."""
        p = self.params
        leaving = np.zeros(0, dtype=np.int64)
        if p.market_exit_yearly > 0:
            k = int(rng.binomial(self.size, weekly_chance(p.market_exit_yearly)))
            leaving = np.unique(rng.integers(self.size, size=k))
            leaving = leaving[self.state[leaving] != NETWORKER]
        swaps = 0
        if p.tie_rewiring_yearly > 0:
            others = max(len(self.indices) - 2 * self.k_local * self.size, 0) // 2
            swaps = int(rng.binomial(others, weekly_chance(p.tie_rewiring_yearly)) // 2)
        degree = self.degree[leaving].sum() if len(leaving) else 0
        met = np.empty((int(degree) + 4 * swaps, 2), dtype=np.int64)
        people = self.people()
        k = renew(people, leaving, week, met)
        k += rewire(rng, people, self.k_local, swaps, met[k:])
        return met[:k]

    def month(self, rng: np.random.Generator, week: int) -> None:
        """A month of the market's life: refusals fade, and people join and leave other
        network-marketing businesses."""
        p = self.params
        said_no = np.flatnonzero(self.refusals)
        forget = said_no[rng.random(len(said_no)) < weekly_chance(1 / p.refusal_memory_years,
                                                                   MONTHS_PER_YEAR)]  # fmt: skip
        self.refusals[forget] -= 1
        free = forget[(self.available_from[forget] == NEVER)
                      & (self.refusals[forget] < p.max_refusals)]  # fmt: skip
        self.available_from[free] = week
        if p.other_business_share > 0:
            leave = weekly_chance(1 / p.other_business_years, MONTHS_PER_YEAR)
            # joining at the rate that keeps the share where it is among the people left
            join = leave * p.other_business_share / max(1 - p.other_business_share, 1e-9)
            elsewhere = np.flatnonzero(self.state == ELSEWHERE)
            prospects = np.flatnonzero(self.state == PROSPECT)
            self.state[prospects[rng.random(len(prospects)) < join]] = ELSEWHERE
            self.state[elsewhere[rng.random(len(elsewhere)) < leave]] = PROSPECT

    def counts(self) -> np.ndarray:
        """Number of people in each state, indexed by ``State``."""
        # a comparison per state: vectorised, where a histogram of a million small
        # integers is a chain of dependent increments
        s = self.state
        return np.array([np.count_nonzero(s == k) for k in STATES], dtype=np.int64)


# ---- the market lives (docs/model.md §2.2, §2.3) -------------------------------------------


@njit(cache=True, _nrt=False)
def _ring_distance(a: int, b: int, n: int) -> int:
    """How far apart ``a`` and ``b`` live on the ring of ``n`` people (docs/model.md
    §2.2)."""
    d = abs(a - b)
    return min(d, n - d)


@njit(cache=True, _nrt=False)
def _position(indptr, indices, row: int, person: int) -> int:
    """Where ``person`` sits in ``row`` of the graph, or -1 (docs/model.md §2.2)."""
    for i in range(indptr[row], indptr[row + 1]):
        if indices[i] == person:
            return i
    return -1


GUIDE_STEP = 64  # entries of the graph per step of the guide to their rows


def owner_guide(indptr: np.ndarray) -> np.ndarray:
    """The row of every ``GUIDE_STEP``-th entry of the graph: a short walk from there finds
    any entry's row (``_owner``) without a binary search's cache misses."""
    entries = np.arange(0, max(int(indptr[-1]), 1), GUIDE_STEP)
    return (np.searchsorted(indptr, entries, side="right") - 1).astype(np.int32)


@njit(cache=True, _nrt=False)
def _owner(indptr, guide, entry: int) -> int:
    """The row that holds ``entry`` of the graph (docs/model.md §2.2)."""
    row = guide[entry // GUIDE_STEP]
    while indptr[row + 1] <= entry:
        row += 1
    return row


@njit(cache=True, _nrt=False)
def _tied(indptr, indices, a: int, b: int) -> bool:
    """Whether ``a`` and ``b`` are acquainted (the shorter of their rows is searched)
    (docs/model.md §2.2)."""
    if indptr[a + 1] - indptr[a] <= indptr[b + 1] - indptr[b]:
        return _position(indptr, indices, a, b) >= 0
    return _position(indptr, indices, b, a) >= 0


@njit(cache=True, _nrt=False)
def _met(met, k: int, person: int, other: int) -> int:
    """Write that ``person`` met ``other`` into row ``k`` of ``met`` (docs/model.md §2.2);
    returns the next row."""
    met[k, 0] = person
    met[k, 1] = other
    return k + 1


@njit(cache=True, _nrt=False)
def _other_tie(rng, indptr, guide, indices, k_local: int, n: int, m: int) -> int:
    """A random entry of the graph that is a tie beyond the ring's neighbourhood, or -1
    (docs/model.md §2.2)."""
    for _ in range(32):
        e = int(rng.random() * m)
        if _ring_distance(_owner(indptr, guide, e), indices[e], n) > k_local:
            return e
    return -1


@njit(cache=True)
def rewire(rng, p: People, k_local: int, swaps: int, met: np.ndarray) -> int:
    """End ``2 * swaps`` ties beyond the neighbourhood and begin as many new ones, keeping
    everyone's number of acquaintances: each swap takes two such ties a-b and c-d and makes
    them a-d and c-b (a degree-preserving double-edge swap). Ties to the ``k_local`` nearest
    people on the ring (neighbourhood, family) are left alone, so that the graph keeps its
    clustering. Word of mouth follows (``former_friends``). Writes who met whom into ``met``
    (one row each way) and returns how many rows it wrote (docs/model.md §2.2)."""
    indptr, guide, indices = p.indptr, p.guide, p.indices
    state, former_friends = p.state, p.former_friends
    n = len(indptr) - 1
    m = len(indices)
    k = 0
    if m == 0 or n < 4:
        return 0
    for _ in range(swaps):
        for _attempt in range(16):
            e1 = _other_tie(rng, indptr, guide, indices, k_local, n, m)
            e2 = _other_tie(rng, indptr, guide, indices, k_local, n, m)
            if e1 < 0 or e2 < 0:
                continue
            a, b = np.int64(_owner(indptr, guide, e1)), np.int64(indices[e1])
            c, d = np.int64(_owner(indptr, guide, e2)), np.int64(indices[e2])
            if a in (c, d) or b in (c, d):
                continue
            if _ring_distance(a, d, n) <= k_local or _ring_distance(c, b, n) <= k_local:
                continue
            if _tied(indptr, indices, a, d) or _tied(indptr, indices, c, b):
                continue  # a tie that exists already
            fb, fd = _position(indptr, indices, b, a), _position(indptr, indices, d, c)
            indices[e1], indices[fb], indices[e2], indices[fd] = d, c, b, a
            was_a, was_b = int(state[a] == FORMER), int(state[b] == FORMER)
            was_c, was_d = int(state[c] == FORMER), int(state[d] == FORMER)
            former_friends[a] += was_d - was_b
            former_friends[b] += was_c - was_a
            former_friends[c] += was_b - was_d
            former_friends[d] += was_a - was_c
            k = _met(met, k, a, d)
            k = _met(met, k, b, c)
            k = _met(met, k, c, b)
            k = _met(met, k, d, a)
            break
    return k


@njit(cache=True)
def renew(p: People, people: np.ndarray, week: int, met: np.ndarray) -> int:
    """``people`` leave the market and newcomers take their places in the social graph (a
    new neighbour moves in): prospects who were never approached, whom everyone they are
    tied to meets anew. Their acquaintances no longer count a former networker who left.
    Writes who met whom into ``met`` and returns how many rows it wrote (docs/model.md §2.2)."""
    state, seller, networker, refusals = p.state, p.seller, p.networker, p.refusals
    available_from, approached, former_friends = p.available_from, p.approached, p.former_friends
    indptr, indices = p.indptr, p.indices
    k = 0
    for person in people:
        if state[person] == FORMER:
            for i in range(indptr[person], indptr[person + 1]):
                former_friends[indices[i]] -= 1
        state[person] = PROSPECT
        seller[person] = -1
        networker[person] = -1
        refusals[person] = 0
        available_from[person] = week
        approached[person] = False
        formers = 0
        for i in range(indptr[person], indptr[person + 1]):
            x = indices[i]
            formers += int(state[x] == FORMER)
            k = _met(met, k, x, person)
        former_friends[person] = formers
    return k
