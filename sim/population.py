"""The people of the market and their social graph, held in arrays (not agents).

Every person is, at any time, exactly one of ``PROSPECT``, ``CUSTOMER``, ``NETWORKER`` or
``FORMER`` (docs/model.md section 2); a former networker's ``ExitReason`` says why they left.
The social graph is stored as CSR arrays so that a population of a million people fits in
memory. The population owns who buys from whom: ``seller``, by customer.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

from sim.scenario import Population as PopulationParams


class State(IntEnum):
    PROSPECT = 0
    CUSTOMER = 1
    NETWORKER = 2
    FORMER = 3


STATES = tuple(int(s) for s in State)
PROSPECT, CUSTOMER, NETWORKER, FORMER = STATES


class ExitReason(IntEnum):
    """Why a networker stopped. 0 means still active."""

    ACTIVE = 0
    DISCOURAGED = 1
    FINANCIAL = 2
    LIFE = 3
    NO_MARKET = 4  # kept finding nobody to approach: the market is saturated

    @property
    def label(self) -> str:
        return self.name.lower()


NEVER = np.iinfo(np.int32).max


@njit(cache=True, _nrt=False)
def mark_former(state, former_friends, indptr, indices, person) -> None:
    """``person`` leaves the business: a former networker, whom their acquaintances know
    as one who dropped out (it colours what they think of the next pitch)."""
    state[person] = FORMER
    for i in range(indptr[person], indptr[person + 1]):
        former_friends[indices[i]] += 1


@njit(cache=True, _nrt=False)
def _mark_formers(state, former_friends, indptr, indices, people) -> None:
    for person in people:
        mark_former(state, former_friends, indptr, indices, person)


@njit(cache=True)
def _shuffled_rows(indptr, indices, rows, keys):
    """The rows of the graph concatenated, each ordered by its part of ``keys`` (ties in
    the graph's order)."""
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


def social_graph(
    n: int, mean_degree: float, local_share: float, tail: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A clustered graph with a heavy-tailed degree, as CSR (indptr, indices).

    Local ties join each person to the nearest people on a ring (neighbourhoods, work,
    family: they close triangles); the other ties are drawn by Chung-Lu weights from a
    Pareto law, so a few people know very many. Duplicates and self-ties are dropped.
    """
    k_local = min(round(mean_degree * local_share / 2), max((n - 1) // 2, 0))
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
    over the whole array for each of millions of draws)."""
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
    ``src[i]``-``dst[i]``, both ways, without self-ties and duplicates, each row sorted."""
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


class Population:
    """People's states and the social graph.

    Attributes:
        state: one ``State`` per person.
        seller: the networker id serving a customer, or -1.
        networker: the networker id of a person who is or was a networker, or -1.
        refusals: how often the person said no.
        available_from: the week from which the person may be approached again.
        approached: whether anyone ever pitched to the person.
        former_friends: how many of the person's acquaintances have dropped out.
    """

    def __init__(self, params: PopulationParams, rng: np.random.Generator):
        n = params.size
        self.params = params
        self.size = n
        self.indptr, self.indices = social_graph(
            n, params.mean_degree, params.local_tie_share, params.degree_tail, rng
        )
        self.degree = np.diff(self.indptr).astype(np.int32)
        self.state = np.zeros(n, dtype=np.int8)
        self.seller = np.full(n, -1, dtype=np.int32)
        self.networker = np.full(n, -1, dtype=np.int32)
        self.refusals = np.zeros(n, dtype=np.int8)
        self.available_from = np.zeros(n, dtype=np.int32)
        self.approached = np.zeros(n, dtype=bool)
        self.former_friends = np.zeros(n, dtype=np.int32)

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
        _mark_formers(self.state, self.former_friends, self.indptr, self.indices, people)

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

    def counts(self) -> np.ndarray:
        """Number of people in each state, indexed by ``State``."""
        # a comparison per state: vectorised, where a histogram of a million small
        # integers is a chain of dependent increments
        s = self.state
        return np.array([np.count_nonzero(s == k) for k in STATES], dtype=np.int64)
