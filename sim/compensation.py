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
    """What each node receives: commissions on volume (rank bonuses and leadership pools
    included), and rewards for enrolments; and the rank each was paid as (-1 for none; all
    -1 under a plan without ranks)."""

    commission: np.ndarray
    recruiting_reward: np.ndarray
    rank: np.ndarray | None = None

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


@dataclass(frozen=True)
class Climb:
    """The month's ranks and groups, computed bottom-up (docs/model.md §4.6).

    Attributes:
        rank: each node's paid-as rank, -1 for none (all -1 without a ladder).
        group: each node's group volume: its own and its downline's personal volume, less
            the groups below that broke away.
        broke: whether the node's group broke away from its sponsor's (stairstep only).
        generations: each node's volume in the generations its rank unlocks (0 for none).
    """

    rank: np.ndarray
    group: np.ndarray
    broke: np.ndarray
    generations: np.ndarray


def climb(tree: Downline, vol: Volumes, plan: Compensation) -> Climb:
    """Every node's rank and group volume this month, deepest first: the highest rank whose
    own volume, group volume and legs it reaches (docs/model.md §4.6).

    Under the stairstep plan a group breaks away when its head reaches ``breakaway_rank``,
    or, with -1, when its group volume reaches the top tier; it then no longer counts
    towards the group above. A leg is a frontline member whose subtree (breakaway or not)
    holds someone at the leg's rank or above.

    A generation is cut by every leader, a node at the lowest rank with generations
    (``rank_generations``) or above: the first generation of a leader is the first leaders
    below, each with their organisation down to (not including) the next leaders; the second
    generation is those next leaders' and so on.
    """
    ladder = [np.asarray(getattr(plan, name)) for name in _LADDER]
    generations = plan.rank_generations or (0,) * len(plan.rank_titles)
    stairstep = plan.plan == "stairstep_breakaway"
    top_tier = plan.stairstep_thresholds[-1] if stairstep else np.inf
    breakaway_rank = plan.breakaway_rank if stairstep else -1
    rank, group, broke, paid_generations = _climb(
        np.asarray(tree.sponsor, dtype=np.int64), tree.active,
        np.asarray(vol.personal, dtype=np.float64), depths(tree.sponsor),
        *(a.astype(t) for a, t in zip(ladder, _LADDER_TYPES, strict=True)),
        np.asarray(generations, dtype=np.int64), float(top_tier), int(breakaway_rank),
    )  # fmt: skip
    return Climb(rank, group, broke, paid_generations)


# the ladder's requirements, as ``_climb`` reads them
_LADDER = ("rank_personal_volume", "rank_group_volume", "rank_legs", "rank_leg_rank")
_LADDER_TYPES = (np.float64, np.float64, np.int64, np.int64)


@njit(cache=True)
def _climb(sponsor, active, personal, depth, need_pv, need_gv, need_legs, leg_rank,
           generations, top_tier, breakaway_rank):  # fmt: skip
    """``climb``'s ranks, groups, breakaways and generation volumes, in one pass from the
    deepest level up and, within a level, in the order of the nodes (as ``_add_up``: the same
    sums to the bit)."""
    n, ranks = len(sponsor), len(need_pv)
    rank = np.full(n, -1, dtype=np.int8)
    top = np.full(n, -1, dtype=np.int8)  # the highest rank in each subtree
    group = personal.copy()
    broke = np.zeros(n, dtype=np.bool_)
    kinds = 0  # legs[node, k]: frontline legs holding someone at rank k or above
    for r in range(ranks):
        if need_legs[r] > 0:
            kinds = max(kinds, leg_rank[r] + 1)
    legs = np.zeros((n if kinds else 0, kinds), dtype=np.int32)
    gens, cut = 0, ranks  # generations at most; the lowest rank that cuts a generation
    for r in range(ranks - 1, -1, -1):
        if generations[r] > 0:
            gens, cut = max(gens, generations[r]), r
    # own[node]: the node's volume and that of its organisation down to the next leaders;
    # gen[node, j]: the own volumes of the leaders in its subtree with j leaders above them
    # (the node itself counted if a leader), from the node down
    own = personal.copy() if gens else np.zeros(0)
    gen = np.zeros((n if gens else 0, gens + 1))
    paid_generations = np.zeros(n)
    levels = depth.max() + 1 if n else 0
    start = np.zeros(levels + 1, dtype=np.int64)
    for d in depth:
        start[levels - d] += 1  # the deepest level at the front
    for k in range(levels):
        start[k + 1] += start[k]
    order = np.empty(n, dtype=np.int64)
    for node in range(n):
        k = levels - 1 - depth[node]
        order[start[k]] = node
        start[k] += 1
    for node in order:
        if active[node]:
            # volumes first: they do not fall up the ladder, so no rank above the first
            # one missed is reached; then the legs, from the highest rank down
            r = 0
            while r < ranks and personal[node] >= need_pv[r] and group[node] >= need_gv[r]:
                r += 1
            r -= 1
            while r >= 0 and need_legs[r] > 0 and legs[node, leg_rank[r]] < need_legs[r]:
                r -= 1
            rank[node] = r
            top[node] = max(top[node], r)
        leader = gens > 0 and rank[node] >= cut
        if leader:  # its own block is generation 0 for the leaders above it
            for j in range(gens, 0, -1):
                gen[node, j] = gen[node, j - 1]
            gen[node, 0] = own[node]
            for j in range(1, generations[rank[node]] + 1):
                paid_generations[node] += gen[node, j]
        if breakaway_rank >= 0:
            broke[node] = rank[node] >= breakaway_rank
        else:
            broke[node] = group[node] >= top_tier
        up = sponsor[node]
        if depth[node] > 0:
            if not broke[node]:
                group[up] += group[node]
            top[up] = max(top[up], top[node])
            for k in range(min(top[node] + 1, kinds)):
                legs[up, k] += 1
            if gens:
                if top[node] >= cut:  # a subtree without leaders has no generations to add
                    for j in range(gens):
                        gen[up, j] += gen[node, j]
                if not leader:
                    own[up] += own[node]
    return rank, group, broke, paid_generations


def has_ranks(plan: Compensation) -> bool:
    """Whether the plan has a rank ladder."""
    return len(plan.rank_titles) > 0


def _rank_money(ranked: Climb, qualified: np.ndarray, vol: Volumes, plan: Compensation):
    """Rank bonuses, generation bonuses and leadership pools of the month (docs/model.md
    §4.6), if qualified.

    A leader is paid ``generation_rate`` of the volume of each generation its rank unlocks.

    Each rank's pool, its share of the company's volume, is split equally among everyone
    holding that rank or a higher one, each share cut to whole cents (the split never pays
    more than the pool); the shares of the unqualified, and a pool nobody holds, stay with
    the company.
    """
    rank = ranked.rank
    held = rank >= 0
    bonus = np.asarray(plan.rank_bonus, dtype=np.float64)
    pay = np.where(held, bonus[np.maximum(rank, 0)], 0.0)
    if plan.generation_rate > 0:
        pay += plan.generation_rate * ranked.generations
    volume = float(vol.personal.sum())
    for r, share in enumerate(plan.rank_pool_share):
        holders = np.count_nonzero(rank >= r)
        if share > 0 and holders:
            each = np.floor(round(share * volume * 100 / holders, 6)) / 100
            pay[rank >= r] += each
    return pay * qualified


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
    rank = None
    paid_levels = qualified  # without ranks: every level to the qualified
    if has_ranks(plan):  # the depth a rank unlocks: rank_levels of it, none below the ladder
        ranked = climb(tree, vol, plan)
        rank = ranked.rank
        depth = np.concatenate([np.asarray(plan.rank_levels, dtype=np.int64), [0]])[rank]
        pay += _rank_money(ranked, qualified, vol, plan)
    src = np.flatnonzero(vol.personal > 0)
    up = tree.sponsor[src]
    for level, rate in enumerate(plan.unilevel_rates):
        keep = up >= 0
        src, up = src[keep], up[keep]
        if len(src) == 0:
            break
        if rank is not None:
            paid_levels = qualified & (depth > level)
        ok = paid_levels[up]
        np.add.at(pay, up[ok], rate * vol.personal[src[ok]])
        up = tree.sponsor[up]
    return Payouts(cents(pay), cents(_fast_start(tree, vol, plan)), _ranks_of(rank, tree))


def stairstep_breakaway(tree: Downline, vol: Volumes, plan: Compensation) -> Payouts:
    """Amway-style: a rate by group-volume tier, paid as the difference to each leg's rate.

    A downline member whose group volume reaches the top tier breaks away: the group no
    longer counts towards the upline's tier, and the upline earns an override on it.
    """
    thresholds = np.asarray(plan.stairstep_thresholds)
    rates = np.concatenate([[0.0], np.asarray(plan.stairstep_rates)])
    ranked = climb(tree, vol, plan)
    group, broke = ranked.group, ranked.broke
    rate = rates[np.searchsorted(thresholds, group, side="right")]
    pay = rate * group
    child = np.flatnonzero(tree.sponsor >= 0)
    stay, away = child[~broke[child]], child[broke[child]]
    np.subtract.at(pay, tree.sponsor[stay], rate[stay] * group[stay])
    np.add.at(pay, tree.sponsor[away], plan.breakaway_override * group[away])
    qualified = _qualified(tree, vol, plan)
    pay = np.maximum(pay, 0.0) * qualified
    if has_ranks(plan):
        pay += _rank_money(ranked, qualified, vol, plan)
    return Payouts(cents(pay), cents(_fast_start(tree, vol, plan)), ranked.rank)


def binary(tree: Downline, vol: Volumes, plan: Compensation) -> Payouts:
    """A share of the weaker leg's volume in the binary placement tree, if qualified."""
    if tree.binary_parent is None or tree.binary_side is None:
        raise ValueError("the binary plan needs the binary placement tree")
    n = len(tree.sponsor)
    sub = subtree_sums(tree.binary_parent, vol.personal)
    legs = np.zeros((n, 2))
    child = np.flatnonzero(tree.binary_parent >= 0)
    np.add.at(legs, (tree.binary_parent[child], tree.binary_side[child]), sub[child])
    qualified = _qualified(tree, vol, plan)
    pay = plan.binary_rate * legs.min(axis=1) * qualified
    rank = None
    if has_ranks(plan):  # ranks along the sponsor tree, as the plan counts them
        ranked = climb(tree, vol, plan)
        rank = ranked.rank
        pay += _rank_money(ranked, qualified, vol, plan)
    return Payouts(cents(pay), cents(_fast_start(tree, vol, plan)), _ranks_of(rank, tree))


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
    # ranks, if the scenario has a ladder, are recorded; a pyramid scheme pays none of them
    rank = climb(tree, vol, plan).rank if has_ranks(plan) else None
    return Payouts(np.zeros(len(tree.sponsor)), cents(reward), _ranks_of(rank, tree))


def _ranks_of(rank: np.ndarray | None, tree: Downline) -> np.ndarray:
    """The ranks computed, or -1 for everyone (a plan without ranks)."""
    return np.full(len(tree.sponsor), -1, dtype=np.int8) if rank is None else rank


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

    "Qualified" is ``qualifier_volume``: with a rank ladder, everyone keeps the rank they
    reached (a rank is earned with volume and legs, not waived), so depth a low rank does
    not unlock, and a pool nobody holds, are the plan's design, not breakage; a rank bonus
    or pool share withheld from an unqualified holder is breakage.

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
