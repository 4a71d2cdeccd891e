"""The people of the market and their social graph, held in arrays (not agents).

Every person is, at any time, exactly one of ``PROSPECT``, ``CUSTOMER``, ``NETWORKER`` or
``FORMER`` (MODEL.md section 2); a former networker's ``ExitReason`` says why they left.
The social graph is stored as CSR arrays so that a population of a million people fits in
memory. The population owns who buys from whom: ``seller`` by customer, and its index
``clients`` by networker, both written only by ``sell``, ``hand_over`` and ``lose``.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.scenario import Population as PopulationParams


class State(IntEnum):
    PROSPECT = 0
    CUSTOMER = 1
    NETWORKER = 2
    FORMER = 3


PROSPECT, CUSTOMER, NETWORKER, FORMER = (int(s) for s in State)


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


def social_graph(
    n: int, mean_degree: float, local_share: float, tail: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A clustered graph with a heavy-tailed degree, as CSR (indptr, indices).

    Local ties join each person to the nearest people on a ring (neighbourhoods, work,
    family: they close triangles); the other ties are drawn by Chung-Lu weights from a
    Pareto law, so a few people know very many. Duplicates and self-ties are dropped.
    """
    k_local = min(round(mean_degree * local_share / 2), max((n - 1) // 2, 0))
    src_parts, dst_parts = [], []
    people = np.arange(n, dtype=np.int64)
    for offset in range(1, k_local + 1):
        src_parts.append(people)
        dst_parts.append((people + offset) % n)
    n_random = round(n * (mean_degree - 2 * k_local) / 2)
    if n_random > 0:
        weight = rng.pareto(tail - 1.0, n) + 1.0
        weight /= weight.sum()
        src_parts.append(rng.choice(n, n_random, p=weight))
        dst_parts.append(rng.choice(n, n_random, p=weight))
    src = np.concatenate(src_parts) if src_parts else np.zeros(0, np.int64)
    dst = np.concatenate(dst_parts) if dst_parts else np.zeros(0, np.int64)
    keep = src != dst
    a = np.concatenate([src[keep], dst[keep]])
    b = np.concatenate([dst[keep], src[keep]])
    key = np.sort(a * n + b)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    a, b = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    return indptr, b.astype(np.int32)


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
        self.clients: list[set[int]] = []  # by networker id: the customers they serve
        # Views of the same memory: one element of a view is a Python number, which the
        # per-contact code compares and adds many times faster than a numpy scalar.
        self.v_state = memoryview(self.state)
        self.v_available_from = memoryview(self.available_from)
        self.v_refusals = memoryview(self.refusals)
        self.v_approached = memoryview(self.approached)
        self.v_degree = memoryview(self.degree)
        self.v_former_friends = memoryview(self.former_friends)

    def acquaintances(self, person: int) -> np.ndarray:
        return self.indices[self.indptr[person] : self.indptr[person + 1]]

    def approachable(self, person: int, week: int) -> bool:
        """Not in cool-down after a refusal, and not refused too often."""
        return (
            self.available_from[person] <= week and self.refusals[person] < self.params.max_refusals
        )

    def word_of_mouth(self, person: int) -> float:
        """Acceptance factor: falls with the share of acquaintances who dropped out."""
        deg = self.v_degree[person]
        if deg == 0:
            return 1.0
        return max(0.0, 1.0 - self.params.word_of_mouth * self.v_former_friends[person] / deg)

    def refuse(self, person: int, week: int) -> None:
        refusals = self.v_refusals[person] + 1
        self.v_refusals[person] = refusals
        if refusals >= self.params.max_refusals:
            self.v_available_from[person] = NEVER
        else:
            self.v_available_from[person] = week + self.params.cooldown_weeks

    def add_networker(self, person: int, nid: int) -> None:
        """``person`` joins as networker ``nid`` (ids are given in order, from 0)."""
        self.state[person] = NETWORKER
        self.networker[person] = nid
        self.approached[person] = True
        self.clients.append(set())

    def sell(self, person: int, nid: int) -> None:
        """``person`` becomes a customer of networker ``nid``."""
        self.state[person] = CUSTOMER
        self.seller[person] = nid
        self.clients[nid].add(person)

    def hand_over(self, person: int, nid: int) -> None:
        """A customer passes to networker ``nid`` (their seller quit)."""
        self.clients[self.seller[person]].discard(person)
        self.seller[person] = nid
        self.clients[nid].add(person)

    def lose(self, person: int, available_from: int) -> None:
        """A customer stops buying and is a prospect again from ``available_from`` on."""
        self.clients[self.seller[person]].discard(person)
        self.state[person] = PROSPECT
        self.seller[person] = -1
        self.available_from[person] = max(self.available_from[person], available_from)

    def customer_counts(self, n: int) -> np.ndarray:
        """Customers served by each of networkers 0..n-1."""
        buyers = self.seller[self.state == CUSTOMER]
        return np.bincount(buyers, minlength=n)[:n].astype(np.int64)

    def counts(self) -> np.ndarray:
        """Number of people in each state, indexed by ``State``."""
        return np.bincount(self.state, minlength=len(State))
