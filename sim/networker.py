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

import math
from enum import IntEnum
from typing import TYPE_CHECKING

import mesa

from sim.population import CUSTOMER, FORMER, NETWORKER, PROSPECT

if TYPE_CHECKING:
    from sim.model import NetworkMarketingModel

COLD_TRIES = 8  # random draws to find a stranger who may be approached


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


class Networker(mesa.Agent):
    """An independent distributor.

    Attributes:
        nid: index of this networker in the model's ledger arrays.
        person: index of the person in the population.
        sponsor: the networker above (upline), or None for a founder.
        downline: networkers directly below (recruits, and those rolled up to here).
        builder: builds a business (True) or joined to buy at the discount (False).
        hours: hours per week.
        tolerance: refusals in a row the networker takes before quitting.
        failures: the current run of refusals.
        dry_weeks: weeks in a row in which the networker found nobody to pitch.
        skill: multiplier on the success of every pitch.
        customers: the people this networker serves.
    """

    model: NetworkMarketingModel

    def __init__(
        self,
        model: NetworkMarketingModel,
        nid: int,
        person: int,
        sponsor: Networker | None,
        *,
        builder: bool,
        part_time: bool,
        hours: float,
        tolerance: float,
        skill: float,
        experienced: bool,
        warm: list[int],
    ):
        super().__init__(model)
        self.nid = nid
        self.person = person
        self.sponsor = sponsor
        self.downline: set[Networker] = set()
        self.builder = builder
        self.part_time = part_time
        self.hours = hours
        self.tolerance = tolerance
        self.failures = 0
        self.dry_weeks = 0
        self.skill = skill
        self.experienced = experienced
        self.customers: set[int] = set()
        self.warm = warm
        self.warm_next = 0
        self.warm_later: list[int] = []  # acquaintances in cool-down: warm again after it
        self.training_weeks = 0
        self.active = True
        self._rate_key: tuple | None = None
        self._rate = 0.0

    def contact_hours(self) -> float:
        """Hours this week in which customers can be reached (S9).

        Part-timers keep their day job: they work in the evening, when customers are at
        home. Full-timers also work by day, when only some customers can be reached.
        """
        m = self.model.params.market
        hours = self.hours
        if self.training_weeks > 0:
            hours = max(0.0, hours - self.model.params.training.hours_per_week)
        evening = min(hours, m.evening_hours)
        if self.part_time:
            return evening
        return evening + m.daytime_reachable_share * (hours - evening)

    def contact_rate(self) -> float:
        """Expected contacts this week (cached while hours and job stay the same)."""
        if self.training_weeks > 0:
            self.training_weeks -= 1
            return self.contact_hours() * self.model.params.market.contacts_per_hour
        key = (self.hours, self.part_time)
        if self._rate_key != key:
            self._rate_key = key
            self._rate = self.contact_hours() * self.model.params.market.contacts_per_hour
        return self._rate

    def step(self) -> None:
        """A week of contacts: whom, what, and the outcome of each (MODEL.md section 3)."""
        if not self.active:
            return
        model = self.model
        rate = self.contact_rate()
        if model.ledger.cols["paying"][self.nid]:
            rate *= model.params.networker.paid_prospecting  # the business pays: less effort
        if self.dry_weeks:
            rate /= 1 + self.dry_weeks  # a networker who keeps finding nobody works less
        if rate <= 0:
            return
        rnd = model.random
        if rate > 30:
            n = poisson(rnd, rate)
        else:
            # poisson() inlined for its most common answer, no contact this week: this
            # runs for every active networker every week (the same draws, the same counts)
            limit = math.exp(-rate)
            prod = rnd.random()
            if prod <= limit:
                return
            n, prod = 1, prod * rnd.random()
            while prod > limit:
                n += 1
                prod *= rnd.random()
        if n == 0:
            return
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
        Returns the person (or -1 if nobody could be found) and whether it is warm.
        """
        pop = self.model.population
        week = self.model.week
        # Population.approachable, inlined: this loop runs for every contact
        free_from, refusals, limit = pop.available_from, pop.refusals, pop.params.max_refusals
        state = pop.state
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
        if later:
            i = 0
            while i < len(later):
                person = later[i]
                s = state[person]
                if s in (NETWORKER, FORMER) or refusals[person] >= limit:
                    del later[i]  # will never be a prospect to approach again
                    continue
                if s == PROSPECT and free_from[person] <= week:
                    del later[i]
                    return person, True
                i += 1
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
        pop.approached[person] = True
        if pop.state[person] != PROSPECT:
            return None
        recruit = model.random.random() < model.recruiting_focus
        chance = model.base_rate[warm][recruit] * self.skill * pop.word_of_mouth(person)
        if model.random.random() < chance:
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
        """Keep an acquaintance in cool-down for later, unless they refused for good."""
        if self.model.population.refusals[person] < self.model.population.params.max_refusals:
            self.warm_later.append(person)

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


def poisson(rnd, lam: float) -> int:
    """A Poisson count from Python's ``random.Random`` (fast for the small means here)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rnd.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k, prod = 0, rnd.random()
    while prod > limit:
        k += 1
        prod *= rnd.random()
    return k
