"""Compensation plans (docs/model.md section 4) as pure functions.

Each plan takes a downline tree and the month's volumes and returns what every networker
is paid, rounded to cents. Nodes are indexed 0..n-1; ``sponsor[i]`` is the node above
``i`` or -1. Inactive nodes (dropped-out networkers kept for their index) have no volume
and are paid nothing; the model rolls the sponsor tree up on every exit, so an active
node's sponsor is always active. The retail margin on sales to one's own customers is paid
under every plan and lives in the model, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from sim.scenario import Compensation


@dataclass(frozen=True)
class Downline:
    """The tree the plans pay along.

    Attributes:
        sponsor: sponsor of each node, -1 for none (founders, or the company).
        active: whether the node is an active networker.
        binary_parent: the binary plan's placement tree (parent position or -1).
        binary_side: 0 = left leg, 1 = right leg of ``binary_parent``.
    """

    sponsor: np.ndarray
    active: np.ndarray
    binary_parent: np.ndarray | None = None
    binary_side: np.ndarray | None = None


@dataclass(frozen=True)
class Volumes:
    """One month's volumes.

    Attributes:
        personal: wholesale EUR the node bought this month: own purchases plus its
            customers' orders (its personal volume).
        enrolment_sponsors: for each enrolment this month, the node it is credited to
            (the recruit's active sponsor), -1 if none.
    """

    personal: np.ndarray
    enrolment_sponsors: np.ndarray


@dataclass(frozen=True)
class Payouts:
    """What each node receives: commissions on volume, and rewards for enrolments."""

    commission: np.ndarray
    recruiting_reward: np.ndarray

    @property
    def total(self) -> float:
        return float(self.commission.sum() + self.recruiting_reward.sum())


def cents(x: np.ndarray) -> np.ndarray:
    """Round money to whole cents."""
    return np.round(x, 2)


@njit(cache=True)
def depths(parent: np.ndarray) -> np.ndarray:
    """Depth of every node below its root, roots at 0 (docs/model.md §4.2)."""
    depth = np.full(len(parent), -1, dtype=np.int64)
    path = np.empty(len(parent) + 1, dtype=np.int64)
    for node in range(len(parent)):
        k, up = 0, node
        while up >= 0 and depth[up] < 0:  # climb to a node whose depth is known
            path[k] = up
            k += 1
            up = parent[up]
        d = -1 if up < 0 else depth[up]
        for i in range(k - 1, -1, -1):
            d += 1
            depth[path[i]] = d
    return depth


def subtree_sums(parent: np.ndarray, values: np.ndarray, depth: np.ndarray | None = None):
    """Sum of ``values`` over each node's subtree, the node included."""
    total = values.astype(np.float64).copy()
    if depth is None:
        depth = depths(parent)
    if len(total):
        _add_up(np.asarray(parent, dtype=np.int64), total, depth)
    return total


@njit(cache=True)
def _add_up(parent: np.ndarray, total: np.ndarray, depth: np.ndarray) -> None:
    """Add each node's total to its parent's, the deepest level first and, within a level,
    in the order of the nodes: a subtree is final before it is added to the one above
    (docs/model.md §4.3)."""
    levels = depth.max() + 1
    start = np.zeros(levels + 1, dtype=np.int64)
    for d in depth:
        start[levels - d] += 1  # the deepest level at the front
    for k in range(levels):
        start[k + 1] += start[k]
    order = np.empty(len(depth), dtype=np.int64)
    for node in range(len(depth)):
        k = levels - 1 - depth[node]
        order[start[k]] = node
        start[k] += 1
    for node in order:
        if depth[node] > 0:
            total[parent[node]] += total[node]


def _qualified(tree: Downline, vol: Volumes, plan: Compensation) -> np.ndarray:
    return tree.active & (vol.personal >= plan.qualifier_volume)


def _fast_start(tree: Downline, vol: Volumes, plan: Compensation) -> np.ndarray:
    reward = np.zeros(len(tree.sponsor))
    if plan.fast_start_bonus > 0:
        e = vol.enrolment_sponsors[vol.enrolment_sponsors >= 0]
        np.add.at(reward, e, plan.fast_start_bonus)
    return reward * tree.active


def unilevel(tree: Downline, vol: Volumes, plan: Compensation) -> Payouts:
    """A fixed share of the volume of each of the first levels below, if qualified, and
    ``personal_rate`` of one's own volume.

    No compression: a commission whose receiver is not qualified stays with the company.
    """
    qualified = _qualified(tree, vol, plan)
    pay = plan.personal_rate * vol.personal * qualified  # a bonus on one's own volume
    src = np.flatnonzero(vol.personal > 0)
    up = tree.sponsor[src]
    for rate in plan.unilevel_rates:
        keep = up >= 0
        src, up = src[keep], up[keep]
        if len(src) == 0:
            break
        ok = qualified[up]
        np.add.at(pay, up[ok], rate * vol.personal[src[ok]])
        up = tree.sponsor[up]
    return Payouts(cents(pay), cents(_fast_start(tree, vol, plan)))


def stairstep_breakaway(tree: Downline, vol: Volumes, plan: Compensation) -> Payouts:
    """Amway-style: a rate by group-volume tier, paid as the difference to each leg's rate.

    A downline member whose group volume reaches the top tier breaks away: the group no
    longer counts towards the upline's tier, and the upline earns an override on it.
    """
    n = len(tree.sponsor)
    thresholds = np.asarray(plan.stairstep_thresholds)
    rates = np.concatenate([[0.0], np.asarray(plan.stairstep_rates)])
    depth = depths(tree.sponsor)
    group = vol.personal.astype(np.float64).copy()
    broke = np.zeros(n, dtype=bool)
    order = np.argsort(-depth, kind="stable")
    bounds = np.flatnonzero(np.diff(depth[order])) + 1
    for level in np.split(order, bounds):
        if len(level) == 0:
            continue
        broke[level] = group[level] >= thresholds[-1]
        if depth[level[0]] == 0:
            continue
        stay = level[~broke[level]]
        np.add.at(group, tree.sponsor[stay], group[stay])
    rate = rates[np.searchsorted(thresholds, group, side="right")]
    pay = rate * group
    child = np.flatnonzero(tree.sponsor >= 0)
    stay, away = child[~broke[child]], child[broke[child]]
    np.subtract.at(pay, tree.sponsor[stay], rate[stay] * group[stay])
    np.add.at(pay, tree.sponsor[away], plan.breakaway_override * group[away])
    pay = np.maximum(pay, 0.0) * _qualified(tree, vol, plan)
    return Payouts(cents(pay), cents(_fast_start(tree, vol, plan)))


def binary(tree: Downline, vol: Volumes, plan: Compensation) -> Payouts:
    """A share of the weaker leg's volume in the binary placement tree, if qualified."""
    if tree.binary_parent is None or tree.binary_side is None:
        raise ValueError("the binary plan needs the binary placement tree")
    n = len(tree.sponsor)
    sub = subtree_sums(tree.binary_parent, vol.personal)
    legs = np.zeros((n, 2))
    child = np.flatnonzero(tree.binary_parent >= 0)
    np.add.at(legs, (tree.binary_parent[child], tree.binary_side[child]), sub[child])
    pay = plan.binary_rate * legs.min(axis=1) * _qualified(tree, vol, plan)
    return Payouts(cents(pay), cents(_fast_start(tree, vol, plan)))


def recruitment_fee(tree: Downline, vol: Volumes, plan: Compensation) -> Payouts:
    """The pyramid scheme: fixed parts of every entry fee go to the sponsor and up the line.

    Parts with nobody above to receive them stay with the company. No volume is paid.
    """
    reward = np.zeros(len(tree.sponsor))
    up = vol.enrolment_sponsors[vol.enrolment_sponsors >= 0]
    for amount in plan.fee_shares:
        up = up[up >= 0]
        if len(up) == 0:
            break
        np.add.at(reward, up, amount)
        up = tree.sponsor[up]
    reward = reward * tree.active + _fast_start(tree, vol, plan)
    return Payouts(np.zeros(len(tree.sponsor)), cents(reward))


PLAN_FUNCTIONS = {
    "unilevel": unilevel,
    "stairstep_breakaway": stairstep_breakaway,
    "binary": binary,
    "recruitment_fee": recruitment_fee,
}


def pay(tree: Downline, vol: Volumes, plan: Compensation) -> Payouts:
    """Pay one month by the scenario's plan."""
    return PLAN_FUNCTIONS[plan.plan](tree, vol, plan)


def breakage(tree: Downline, vol: Volumes, plan: Compensation, paid: Payouts) -> float:
    """What the plan keeps because people did not qualify (docs/model.md §5.3): what it
    would pay this month if every active networker qualified, minus what it ``paid``.

    Every plan pays a qualified node at least as much as an unqualified one, so the
    breakage is never negative; a plan without qualification has none.
    """
    if np.array_equal(_qualified(tree, vol, plan), tree.active):
        return 0.0  # everyone qualified: the plan paid all it would (no second payout run)
    everyone = pay(tree, vol, replace(plan, qualifier_volume=0.0))
    return round(everyone.total - paid.total, 2)


def joining_fee(plan: Compensation) -> float:
    """What a recruit pays the plan on joining, on top of the starter kit: the entry fee of
    a recruitment-fee scheme, nothing under the other plans."""
    return plan.entry_fee if plan.plan == "recruitment_fee" else 0.0


class Placement:
    """Where a new networker sits in the tree the plan pays along: below the sponsor.

    The plans that pay along the sponsor tree need nothing more; the binary plan keeps its
    own placement tree (``BinaryPlacement``). The model calls ``place_many`` on every
    enrolment and ``downline`` at each month's close, whatever the plan.
    """

    def place_many(self, nids: np.ndarray, sponsors: np.ndarray) -> None:
        """Place networkers ``nids``, enrolled by ``sponsors`` (-1 for a founder), in this
        order: below their sponsor, which the sponsor tree says already."""

    def downline(self, sponsor: np.ndarray, active: np.ndarray) -> Downline:
        return Downline(sponsor.astype(np.int64), active.copy())


class BinaryPlacement(Placement):
    """Binary plan: two legs under every position; a recruit is placed below the sponsor,
    spilling over into the smaller leg until a free position is found."""

    def place_many(self, nids: np.ndarray, sponsors: np.ndarray) -> None:
        for nid, sponsor in zip(nids.tolist(), sponsors.tolist(), strict=True):
            self.place(nid, sponsor)

    def __init__(self):
        self.parent: list[int] = []
        self.side: list[int] = []
        self.children: list[list[int]] = []
        self.size: list[int] = []  # positions in the subtree, itself included

    def place(self, nid: int, sponsor: int) -> None:
        self.parent.append(-1)
        self.side.append(0)
        self.children.append([-1, -1])
        self.size.append(1)
        if sponsor < 0:
            return
        node = sponsor
        while True:
            kids = self.children[node]
            if kids[0] < 0 or kids[1] < 0:
                side = 0 if kids[0] < 0 else 1
                break
            node = kids[0] if self.size[kids[0]] <= self.size[kids[1]] else kids[1]
        self.children[node][side] = nid
        self.parent[nid] = node
        self.side[nid] = side
        up = node
        while up >= 0:
            self.size[up] += 1
            up = self.parent[up]

    def downline(self, sponsor: np.ndarray, active: np.ndarray) -> Downline:
        return Downline(
            sponsor.astype(np.int64),
            active.copy(),
            np.asarray(self.parent, dtype=np.int64),
            np.asarray(self.side, dtype=np.int64),
        )


def placement(plan: Compensation) -> Placement:
    """The placement a plan pays along."""
    return BinaryPlacement() if plan.plan == "binary" else Placement()
