"""The networker: a Mesa agent who spends a week contacting people (MODEL.md section 3).

When does a networker give up? ``Networker.record_refusal``: after *k* refusals in a row,
*k* being the networker's tolerance (the source text's "three or four", S7), unless the
business pays: a paying month resets the run (``sim.model``), and a networker whose business
pays more than it costs is not discouraged at all, only prospects less. Only a prospect who
says no is a refusal: acquaintances already in the business are not pitched, a stranger in
the business is a short conversation, and finding nobody ends the week's prospecting
(``Networker.step``; weeks in a row of that end a career as ``no_market``). Money, the other
reasons to quit and the monthly schedule live in ``sim.model``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from heapq import heappop, heappush
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.population import CUSTOMER, FORMER, NETWORKER, PROSPECT, ExitReason

if TYPE_CHECKING:
    import random

    from sim.model import NetworkMarketingModel
    from sim.scenario import Scenario

__all__ = ["COLD_TRIES", "ExitReason", "Networker", "Traits", "draw_traits"]

COLD_TRIES = 8  # random draws to find a stranger who may be approached


@dataclass(frozen=True)
class Traits:
    """What a new networker brings (MODEL.md section 2), fixed at joining.

    Attributes:
        builder: builds a business (True) or joined to buy at the discount (False).
        part_time: keeps a day job.
        hours: hours per week.
        tolerance: refusals in a row they take before quitting (S7).
        skill: multiplier on the success of every pitch.
        loss_tolerance: EUR of cumulative loss they accept before quitting.
    """

    builder: bool
    part_time: bool
    hours: float
    tolerance: float
    skill: float
    loss_tolerance: float

    def trained(self, params: Scenario) -> Traits:
        """The same person after the company's training (S2): more skill, more patience."""
        t = params.training
        return replace(self, skill=self.skill * t.skill_factor,
                       tolerance=self.tolerance + t.tolerance_bonus)  # fmt: skip


def draw_traits(
    params: Scenario, rnd: random.Random, rng: np.random.Generator, experienced: bool
) -> Traits:
    """The traits of a new networker, drawn from the model's two generators."""
    nw, ex = params.networker, params.experienced
    builder = experienced or rnd.random() < nw.builder_share
    part_time = rnd.random() < nw.part_time_share
    if not builder:
        hours = nw.product_user_hours
    elif part_time:
        hours = min(nw.hours_max_part_time, nw.hours_median * rng.lognormal(0, nw.hours_sigma))
    else:
        hours = nw.fulltime_hours
    if rnd.random() < nw.persistent_share:
        tolerance = 1.0 + rng.exponential(max(nw.persistent_tolerance_mean - 1.0, 1e-9))
    else:
        tolerance = 1.0 + rng.poisson(max(nw.tolerance_mean - 1.0, 0.0))
    tolerance = float(np.floor(tolerance))
    skill = float(rng.lognormal(0.0, nw.skill_sigma))
    if experienced:
        skill *= ex.skill_factor
        tolerance *= ex.tolerance_factor
    loss = float(nw.loss_tolerance_median * rng.lognormal(0.0, nw.loss_tolerance_sigma))
    return Traits(builder, part_time, float(hours), tolerance, skill, loss)


def _column(name: str, doc: str, kind: type = float) -> property:
    """An attribute read from and written to the networker's ledger row."""

    def get(self: Networker):
        return kind(self.model.ledger.cols[name][self.nid])

    def put(self: Networker, value) -> None:
        self.model.ledger.cols[name][self.nid] = value

    return property(get, put, doc=doc)


class Networker(mesa.Agent):
    """An independent distributor: who they approach and when they give up.

    The agent holds what only its own decisions need (its warm market and its current
    tolerance); everything the monthly code reads lives in the model's ledger, and the
    attributes below read through to it.

    Attributes:
        nid: index of this networker in the model's ledger arrays.
        person: index of the person in the population.
        tolerance: refusals in a row the networker takes now (it grows with successes).
        warm: their acquaintances in the order they approach them.
    """

    model: NetworkMarketingModel

    builder = _column("builder", "Builds a business (True) or buys at the discount.", bool)
    hours = _column("hours", "Hours per week.")
    skill = _column("skill", "Multiplier on the success of every pitch.")
    experienced = _column("experienced", "Brings experience from another company.", bool)
    failures = _column("failures", "The current run of refusals.", int)
    dry_weeks = _column("dry_weeks", "Weeks in a row of finding nobody to pitch.", int)
    training_weeks = _column("training_weeks", "Weeks of training still to come.", int)

    def __init__(
        self, model: NetworkMarketingModel, nid: int, person: int, tolerance: float,
        warm: list[int],
    ):  # fmt: skip
        super().__init__(model)
        self.nid = nid
        self.person = person
        self.tolerance = tolerance
        self.warm = warm
        self.warm_next = 0
        # acquaintances in cool-down, warm again after it: a heap of (free from week, person)
        self.warm_later: list[tuple[int, int]] = []

    @property
    def active(self) -> bool:
        return bool(self.model.population.state[self.person] == NETWORKER)

    @property
    def part_time(self) -> bool:
        """Keeps a day job: part-time at joining and not gone full-time since (S10)."""
        cols = self.model.ledger.cols
        return bool(cols["part_time"][self.nid] and cols["fulltime_week"][self.nid] < 0)

    @part_time.setter
    def part_time(self, value: bool) -> None:
        self.model.ledger.cols["part_time"][self.nid] = value

    @property
    def sponsor(self) -> Networker | None:
        """The networker above (upline), or None for a founder."""
        up = int(self.model.ledger.cols["sponsor"][self.nid])
        return self.model.networkers[up] if up >= 0 else None

    @property
    def downline(self) -> set[Networker]:
        """The networkers directly below (recruits, and those rolled up to here)."""
        return {self.model.networkers[c] for c in self.model.ledger.children[self.nid]}

    @property
    def customers(self) -> set[int]:
        """The people this networker serves."""
        return self.model.population.clients[self.nid]

    def contact_hours(self) -> float:
        """Hours this week in which customers can be reached (S9): ``model.contact_hours``."""
        return float(self.model.contact_hours(np.array([self.nid]))[0])

    def step(self) -> None:
        """A week of contacts, for this networker alone (the model draws everyone's at
        once, ``NetworkMarketingModel.contacts``, and calls ``make_contacts``)."""
        if not self.active:
            return
        n = int(self.model.contact_counts(np.array([self.nid]))[0])
        if n:
            self.make_contacts(n)

    def make_contacts(self, n: int) -> None:
        """``n`` contacts: whom, what, and the outcome of each (MODEL.md section 3)."""
        model = self.model
        made = pitched = 0
        for _ in range(n):
            person, warm = self.next_contact()
            if person < 0:
                break  # nobody left to approach: the week's prospecting ends, no failure
            made += 1
            outcome = self.pitch(person, warm)
            if outcome is None:
                continue  # a stranger already in the business: a short conversation
            pitched += 1
            if outcome:
                self.record_success()
            elif self.record_refusal():
                break
        model.contacts_this_week += made
        model.ledger.cols["contacts"][self.nid] += made
        if self.active:
            self.count_dry_week(pitched == 0 or made < n)

    def count_dry_week(self, dry: bool) -> None:
        """Weeks in a row of finding nobody to pitch; enough of them and a builder leaves."""
        if not dry:
            self.dry_weeks = 0
            return
        self.dry_weeks += 1
        if self.builder and self.dry_weeks >= self.model.params.networker.no_market_weeks:
            self.model.retire(self, ExitReason.NO_MARKET)

    def next_contact(self) -> tuple[int, bool]:
        """The next person to approach: the warm market first, then strangers.

        The networker knows which acquaintances are already networkers, former networkers
        or customers and passes them over (a customer may be a prospect again later).
        Acquaintances in cool-down wait in ``warm_later`` (a heap by the week they are
        free again) and are approached again, earliest first, once it has passed.
        Returns the person (or -1 if nobody could be found) and whether it is warm.
        """
        pop = self.model.population
        week = self.model.week
        # Population.approachable, inlined (and on the arrays' views, which give Python
        # numbers): this loop runs for every contact
        state, free_from, refusals = pop.v_state, pop.v_available_from, pop.v_refusals
        limit = pop.params.max_refusals
        warm = self.warm
        while self.warm_next < len(warm):
            person = warm[self.warm_next]
            self.warm_next += 1
            s = state[person]
            if s == PROSPECT and free_from[person] <= week and refusals[person] < limit:
                return person, True
            if s in (PROSPECT, CUSTOMER):
                self.defer(person)
        later = self.warm_later
        while later and later[0][0] <= week:
            _, person = heappop(later)
            s = state[person]
            if s in (NETWORKER, FORMER) or refusals[person] >= limit:
                continue  # will never be a prospect to approach again
            if s == CUSTOMER or free_from[person] > week:
                self.defer(person)  # still buying, or refused again by someone else
                continue
            return person, True
        draw, size = self.model.random.random, pop.size
        for _ in range(COLD_TRIES):
            person = int(draw() * size)
            if person != self.person and free_from[person] <= week and refusals[person] < limit:
                return person, False
        return -1, False

    def pitch(self, person: int, warm: bool) -> bool | None:
        """One pitch, a sale or a recruitment by the networker's focus.

        Returns True on success, False on a refusal (the prospect goes into cool-down), and
        None if the person turned out to be in the business already (a stranger who is a
        networker, a former networker or another networker's customer): neither.
        """
        model = self.model
        pop = model.population
        pop.v_approached[person] = True
        if pop.v_state[person] != PROSPECT:
            return None
        rnd = model.random.random
        recruit = rnd() < model.recruiting_focus
        chance = model.base_rate[warm][recruit] * self.skill * pop.word_of_mouth(person)
        if rnd() < chance:
            if recruit:
                model.enrol(person, self)
            else:
                model.sell(person, self)
            return True
        pop.refuse(person, model.week)
        if warm:
            self.defer(person)
        return False

    def defer(self, person: int) -> None:
        """Keep an acquaintance for later, unless they refused for good: a prospect in
        cool-down until it ends, a customer until they could be a prospect again (a customer
        who stops buying is in cool-down first)."""
        pop = self.model.population
        if pop.v_refusals[person] >= pop.params.max_refusals:
            return
        if pop.v_state[person] == CUSTOMER:
            free = self.model.week + pop.params.cooldown_weeks
        else:
            free = pop.v_available_from[person]
        heappush(self.warm_later, (free, person))

    def record_success(self) -> None:
        """A yes ends the run of failures and builds a little confidence."""
        self.failures = 0
        self.tolerance += self.model.params.networker.confidence_gain

    def record_refusal(self) -> bool:
        """A no: one more refusal in a row. Returns True if the networker gives up (S7).

        Only business builders are discouraged this way; product users joined to buy and
        leave for other reasons (MODEL.md section 2). A builder whose business pays more
        than it costs (``paying``, set at each month's close) shrugs refusals off.
        """
        if self.model.ledger.cols["paying"][self.nid]:
            return False
        self.failures += 1
        if self.builder and self.failures >= self.tolerance:
            self.model.retire(self, ExitReason.DISCOURAGED)
            return True
        return False
