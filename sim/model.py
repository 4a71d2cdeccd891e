"""The company and its market as a Mesa model: the weekly and monthly schedule of docs/model.md.

Each week every active networker makes contacts (``sim.networker``): the model draws how
many for all of them at once, then the compiled rules make them networker after networker in
a random order, so that a person recruited or sold to by one is not available to a later one
and a run of refusals ends a career at the refusal that reaches the tolerance; the model
then settles what they did (enrolments, sales, exits), in bulk. Every fourth week
closes a month: customers reorder and churn, networkers pay their costs, the compensation
plan pays commissions, and some networkers quit for money or life events; those with a
sustained income go full-time. On every exit the downline and customers roll up to the
sponsor. Nothing here targets an outcome: growth, saturation, the income distribution and
the collapse of a pyramid all come out of these rules.
"""

from __future__ import annotations

import gc
from collections import ChainMap, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import mesa
import numpy as np

from sim import compensation
from sim.metrics import own_purchase_share, payout_ratio, summarize
from sim.networker import (
    ENROL,
    QUIT_DISCOURAGED,
    QUIT_NO_MARKET,
    SALE,
    Markets,
    Networker,
    Traits,
    World,
    _compact,
    contact_hours_of,
    contact_week,
    draw_contact_counts,
    draw_traits,
    meet,
)
from sim.population import (
    CUSTOMER,
    DROPOUT_REASONS,
    ELSEWHERE,
    FORMER,
    NETWORKER,
    NEVER,
    PROSPECT,
    ExitReason,
    Population,
    State,
    by_name,
)
from sim.records import Ledger, WeeklySeries, income_snapshot, networker_table
from sim.results import RunResult
from sim.scenario import Scenario, history_key, load_scenario

WEEKS_PER_MONTH = 4
WEEKS_PER_YEAR = 52


class NetworkMarketingModel(mesa.Model):
    """A network-marketing company, its networkers and the people they approach.

    Args:
        params: a validated scenario.
        seed: overrides ``params.simulation.seed``; every draw comes from this seed.
    """

    def __init__(
        self,
        params: Scenario,
        seed: int | None = None,
        *,
        start: Start | None = None,
        detailed: bool = True,
    ):
        """Args (besides the class's):
        start: the company as it stands when the view begins (``establish``); by
            default ``establish(params, seed)`` for a company older than 0 years,
            else a launch with the scenario's founders.
        detailed: record the weekly series (else only the short ``history`` a warm-up
            keeps).
        """
        self.seed = params.simulation.seed if seed is None else int(seed)
        super().__init__(rng=self.seed)
        self.params = params
        self.week = 0
        self.detailed = detailed
        if start is None and params.simulation.company_age_years > 0:
            start = establish(params, self.seed)
        self.start = start
        arrays = start.population if start is not None else None
        self.population = Population(params.population, self.rng, arrays)
        self.ledger = Ledger(
            params.costs.own_purchase_value_share,
            cols=start.ledger if start is not None else None,
        )
        self.networkers: list[Networker] = []
        self.series = WeeklySeries(params.simulation.weeks if detailed else 0)
        self.history: dict[str, list[int]] = {name: [] for name in HISTORY}
        self.markets = Markets()
        m = params.market
        # [cold sale, cold recruit, warm sale, warm recruit]: docs/model.md §3.4, with product
        # appeal (S11) folded in
        self.rates = m.product_appeal * np.array(
            [m.sale_rate_cold, m.recruit_rate_cold, m.sale_rate_warm, m.recruit_rate_warm]
        )
        # the constants of the compiled rules (``World``): the scenario's parameters of those
        # names, and a few derived ones; ``world`` adds the arrays and the week
        sections = ChainMap(*(vars(s) for s in (params.population, params.networker, m,
                                                params.experienced)))  # fmt: skip
        self.constants = {name: sections[name] for name in World._fields if name in sections}
        self.constants.update(
            rates=self.rates, size=params.population.size,
            learning=1.0 / params.networker.learning_contacts,
            training_hours=params.training.hours_per_week,
        )  # fmt: skip
        self.following: dict[int, list[Networker]] = {}
        self.enrolment_sponsors: list[int] = []  # this month's enrolments, for the plan
        self.placement = compensation.placement(params.compensation)
        self.totals = dict.fromkeys(
            [
                "retail_volume",
                "participant_purchases",
                "qualifying_purchases",
                "commissions",
                "recruiting_rewards",
                "vemma_pass",
                "vemma_paid",
                "company_revenue",
                "product_cost",
                "breakage",
            ],
            0.0,
        )
        self.paid_median_customers: list[float] = []  # per month, of the paid networkers
        # called at the start of every week, after its counters are reset: the class game
        # (``sim.game``) books its students' decisions there, so they count in that week
        self.on_week_start: Callable[[], None] | None = None
        self._reset_week()
        if start is not None:
            self._adopt(start)
            return
        founders = self.rng.choice(self.population.size, params.population.founders, replace=False)
        experienced = self.rng.random(len(founders)) < params.experienced.founder_share
        self.enrol_many(founders, np.full(len(founders), -1), experienced, pays=False)

    def _adopt(self, start: Start) -> None:
        """Take over the company as ``start`` holds it: its networkers become agents of this
        model, the binary plan places them in the order they joined, the followings still
        due are expected as before."""
        lg = self.ledger
        self.markets.adopt(start)
        nids = np.arange(lg.n)
        self.networkers.extend(Networker.enlist(self, nids.tolist(), lg.person.tolist()))
        self.placement.place_many(nids, lg.sponsor.astype(np.int64))
        self.following = {
            week: [self.networkers[nid] for nid in leaders]
            for week, leaders in start.following.items()
        }

    # ---- the weekly schedule -------------------------------------------------------------

    def _reset_week(self) -> None:
        self.contacts_this_week = 0
        self.recruits_this_week = 0
        self.exits_this_week = np.zeros(len(ExitReason), dtype=np.int64)
        self.revenue_this_week = 0.0
        self.costs_this_week = 0.0
        self.retail_this_week = 0.0
        self.purchases_this_week = 0.0
        self.goods_this_week = 0.0  # the wholesale price of the goods the company sold
        self.paid_this_week = (0.0, 0.0)
        self.breakage_this_week = 0.0

    def step(self) -> None:
        """One week: followings arrive, everyone makes contacts, maybe a month closes."""
        self.week += 1
        self._reset_week()
        if self.on_week_start is not None:
            self.on_week_start()
        self.market_lives()
        self.arrive_following()
        working = np.flatnonzero(self.ledger.active)
        reachable = self.contact_hours(working)
        self.networking(working)
        self.contacts(working)
        self.book_hours(working, reachable)
        if self.week % WEEKS_PER_MONTH == 0:
            self.close_month()
        self.record()

    def networking(self, working: np.ndarray) -> None:
        """Business builders meet new people while they work (docs/model.md §3.2): a Poisson
        number per week with a mean of their hours times the rate (the hours in which nobody
        can be pitched serve for this too), each a random person of the market, approached
        later as a warm contact if a prospect."""
        rate = self.params.networker.networking_per_hour
        if rate <= 0 or len(working) == 0:
            return
        builders = working[self.ledger.builder[working]]
        met = self.rng.poisson(rate * self.ledger.hours[builders])
        nids = np.repeat(builders, met).astype(np.int64)
        people = self.rng.integers(self.population.size, size=len(nids))
        self.introduce(nids, people)

    def introduce(self, nids: np.ndarray, people: np.ndarray) -> None:
        """Networkers ``nids`` have met ``people``: the prospects among them are new warm
        market, to approach from this week on (``sim.networker.meet``)."""
        keep = self.population.state[people] == PROSPECT
        nids, people = nids[keep].astype(np.int64), people[keep].astype(np.int64)
        start = 0
        while start < len(nids):
            start = meet(self.world(), nids, people, start)
            if start < len(nids):
                self.markets.make_room(self, int(nids[start]), 1)

    def market_lives(self) -> None:
        """A week of the market's life (docs/model.md §2.2): people leave and newcomers
        arrive, ties end and begin; a networker's new acquaintances are new warm market."""
        pop = self.population
        met = pop.week(self.rng, self.week)
        met = met[pop.state[met[:, 0]] == NETWORKER]
        self.introduce(pop.networker[met[:, 0]], met[:, 1])

    def run(self) -> None:
        """Step to the horizon (``collector_spared`` while it runs)."""
        with collector_spared():
            for _ in range(self.params.simulation.weeks - self.week):
                self.step()

    def contact_hours(self, ids: np.ndarray) -> np.ndarray:
        """Hours this week in which customers can be reached (S9), for networkers ``ids``
        (``sim.networker.reachable_hours``)."""
        return contact_hours_of(self.world(), np.asarray(ids, dtype=np.int64))

    def contact_counts(self, ids: np.ndarray) -> np.ndarray:
        """This week's number of contacts of networkers ``ids``, drawn at once
        (``sim.networker.draw_contact_counts``); a week of their training passes."""
        return draw_contact_counts(self.world(), self.rng, np.asarray(ids, dtype=np.int64))

    def contacts(self, working: np.ndarray, counts: np.ndarray | None = None) -> None:
        """Everyone's contacts of the week: counts drawn at once, then made networker by
        networker in a random order (the order matters when two approach one person)."""
        if counts is None:
            counts = self.contact_counts(working)
        busy = np.flatnonzero(counts)
        busy = busy[self.rng.permutation(len(busy))]
        nids, counts = working[busy].astype(np.int64), counts[busy].astype(np.int64)
        start = 0
        while start < len(nids):
            start, made = contact_week(self.world(), self.rng, nids, counts, start)
            self.contacts_this_week += made
            if start < len(nids):
                self.markets.make_room(self, int(nids[start]), int(counts[start]))
        self.settle()

    def world(self) -> World:
        """The arrays the compiled rules work on, as they are now, and the week's constants:
        each ``World`` field filled by its name from the population's arrays, the ledger's
        columns, the markets' arrays and the scenario's (``constants``; ``by_name``)."""
        return by_name(World, self.population.arrays(), self.ledger.cols, self.markets.arrays(),
                       self.constants, week=self.week)  # fmt: skip

    def settle(self) -> None:
        """What the compiled rules did: enrol the recruits, book the sales, retire those
        who quit (in this order: a recruit of someone who quit rolls up with the rest)."""
        mk = self.markets
        n = int(mk.counters[1])
        if n == 0:
            return
        kind, person, nid = mk.events[:n].T.copy()
        mk.counters[1] = 0
        recruit = kind == ENROL
        if recruit.any():
            self.enrol_many(person[recruit], nid[recruit])
        sale = kind == SALE
        if sale.any():
            self.book_orders(nid[sale], 1.0)
        for code, reason in ((QUIT_DISCOURAGED, ExitReason.DISCOURAGED),
                             (QUIT_NO_MARKET, ExitReason.NO_MARKET)):  # fmt: skip
            if (kind == code).any():
                self.retire_many(nid[kind == code], reason, marked=True)

    def book_hours(self, working: np.ndarray, reachable: np.ndarray) -> None:
        """Hours and expenses of everyone who worked this week: every hour counts as time
        worked; the expenses (travel, samples, phone) come with the ``reachable`` hours
        spent with people (docs/model.md §3.7)."""
        lg = self.ledger
        lg.hours_worked[working] += lg.hours[working]
        cost = self.params.costs.expenses_per_hour * reachable
        lg.expenses[working] += cost
        self.costs_this_week += float(cost.sum())

    # ---- joining, selling, leaving -------------------------------------------------------

    def enrol(
        self,
        person: int,
        sponsor: Networker | None,
        *,
        experienced: bool | None = None,
        pays: bool = True,
        traits: Traits | None = None,
        warm: list[int] | None = None,
    ) -> Networker:
        """``person`` becomes a networker below ``sponsor`` and pays to join.

        Args:
            person: the person who joins.
            sponsor: who enrols them (None for a founder).
            experienced: whether they are experienced (S8); drawn if None.
            pays: whether they pay the starter kit (founders do not).
            traits: their traits; drawn by ``draw_traits`` if None.
            warm: their warm market in the order they approach it; if None, their
                acquaintances in the social graph, shuffled.
        """
        one = None if experienced is None else np.array([experienced])
        if traits is not None:
            traits = Traits(*(np.atleast_1d(np.asarray(v)) for v in vars(traits).values()))
        nid = self.enrol_many(
            np.array([person]), np.array([sponsor.nid if sponsor is not None else -1]), one,
            pays=pays, traits=traits, warm=None if warm is None else np.asarray(warm),
        )[0]  # fmt: skip
        return self.networkers[int(nid)]

    def enrol_many(
        self,
        people: np.ndarray,
        sponsors: np.ndarray,
        experienced: np.ndarray | None = None,
        *,
        pays: bool = True,
        traits: Traits | None = None,
        warm: np.ndarray | None = None,
        trained: np.ndarray | None = None,
    ) -> np.ndarray:
        """``people`` become networkers, each below the networker in ``sponsors`` (-1 for
        none), and pay to join; ``enrol`` says more. ``trained``: whether each takes the
        training at joining (a student of ``sim.game`` decides later); by the scenario's
        ``training.share`` if None. Returns their networker ids."""
        p, pop, lg = self.params, self.population, self.ledger
        people = np.asarray(people, dtype=np.int64)
        sponsors = np.asarray(sponsors, dtype=np.int64)
        k = len(people)
        if experienced is None:
            experienced = self.rng.random(k) < p.experienced.share
        t = traits or draw_traits(p, self.rng, experienced)
        drawn = p.training.enabled & t.builder & (self.rng.random(k) < p.training.share)
        trained = drawn if trained is None else np.asarray(trained, dtype=bool)
        if trained.any():
            t = t.trained(p, trained)
        entry = p.costs.starter_kit + compensation.joining_fee(p.compensation) if pays else 0.0
        joining = entry + np.where(trained, p.training.fee, 0.0)
        nids = lg.add(
            k,
            person=people,
            sponsor=sponsors,
            first_sponsor=sponsors,
            join_week=self.week,
            exit_reason=int(ExitReason.ACTIVE),
            experienced=experienced,
            trained=trained,
            joining_costs=joining,
            training_weeks=np.where(trained, p.training.months * WEEKS_PER_MONTH, 0),
            builder=t.builder,
            part_time=t.part_time,
            hours=t.hours,
            tolerance=t.tolerance,
            current_tolerance=t.tolerance,
            skill=t.skill,
            current_skill=t.skill,
            loss_tolerance=t.loss_tolerance,
        )
        if warm is None:  # their acquaintances, each networker's in a random order
            flat, lengths = pop.shuffled_acquaintances_of(people, self.rng)
            self.markets.append(lg, nids, flat, lengths)
        else:
            self.markets.give(lg, nids, [warm.astype(np.int32)])
        self.networkers.extend(Networker.enlist(self, nids.tolist(), people.tolist()))
        pop.add_networkers(people, nids)
        sponsored = sponsors[sponsors >= 0]
        np.add.at(lg.cols["recruits"], sponsored, 1)
        self.enrolment_sponsors.extend(sponsored.tolist())
        self.placement.place_many(nids, sponsors)
        total = float(joining.sum())
        if pays:
            self.recruits_this_week += k
            self.goods_this_week += p.costs.starter_kit * k
            self.totals["participant_purchases"] += entry * k
            self.totals["qualifying_purchases"] += entry * k
        self.revenue_this_week += total
        self.costs_this_week += total
        if p.experienced.following_mean > 0:
            for nid in nids[experienced].tolist():
                self.schedule_following(self.networkers[nid])
        return nids

    def take_training(self, nids: np.ndarray) -> None:
        """Networkers ``nids`` take the company's training now and pay its fee (a student of
        the class game decides to, ``sim.game``): more skill and patience, and its hours
        taken from contact hours for its months (``Traits.trained``, docs/model.md §3.1)."""
        t, lg = self.params.training, self.ledger
        nids = np.asarray(nids, dtype=np.int64)
        lg.trained[nids] = True
        for name, factor in (("skill", t.skill_factor), ("current_skill", t.skill_factor)):
            lg.cols[name][nids] *= factor
        for name in ("tolerance", "current_tolerance"):
            lg.cols[name][nids] += t.tolerance_bonus
        lg.training_weeks[nids] = t.months * WEEKS_PER_MONTH
        lg.joining_costs[nids] += t.fee
        self.revenue_this_week += t.fee * len(nids)
        self.costs_this_week += t.fee * len(nids)

    def schedule_following(self, leader: Networker) -> None:
        """An experienced recruit's following joins below them in the coming weeks (S8)."""
        ex = self.params.experienced
        size = int(self.rng.poisson(ex.following_mean))
        for _ in range(size):
            week = self.week + 1 + int(self.rng.integers(ex.following_weeks))
            self.following.setdefault(week, []).append(leader)

    def arrive_following(self) -> None:
        """This week's followers join below their leader: each a random prospect (up to
        20 draws to find one), unless the leader has gone (then they stay away)."""
        pop = self.population
        leaders = np.array([a.nid for a in self.following.pop(self.week, []) if a.active])
        if len(leaders) == 0:
            return
        draws = self.rng.integers(pop.size, size=(len(leaders), 20))
        prospect = pop.state[draws] == PROSPECT
        found = prospect.any(axis=1)
        people = draws[found, prospect[found].argmax(axis=1)]
        people, first = np.unique(people, return_index=True)  # one person follows one leader
        self.enrol_many(people, leaders[found][first], np.zeros(len(people), dtype=bool))

    def sell(self, person: int, seller: Networker) -> None:
        """``person`` becomes ``seller``'s customer and places a first order (the compiled
        rules do the same in a pitch)."""
        self.population.sell(np.array([person]), seller.nid)
        self.book_orders(np.array([seller.nid]), 1.0)

    def book_orders(self, nids: np.ndarray, orders: float | np.ndarray) -> None:
        """Customers' orders: the seller keeps the margin and buys at wholesale."""
        lg = self.ledger
        m, margin = self.params.market, self.params.compensation.retail_margin
        value = m.order_value * np.asarray(orders, dtype=np.float64) * np.ones(len(nids))
        np.add.at(lg.retail_margin, nids, value * margin)
        np.add.at(lg.retail_wholesale_month, nids, value * (1 - margin))
        wholesale = float(value.sum() * (1 - margin))
        self.retail_this_week += wholesale
        self.goods_this_week += wholesale
        self.revenue_this_week += wholesale
        self.totals["retail_volume"] += wholesale

    def retire(self, agent: Networker, reason: ExitReason) -> None:
        """``agent`` quits: downline and customers roll up to the sponsor (docs/model.md §3)."""
        self.retire_many(np.array([agent.nid]), reason)

    def retire_many(self, nids: np.ndarray, reason: ExitReason, *, marked: bool = False) -> None:
        """Networkers ``nids`` quit for ``reason``: their downlines move up to the nearest
        sponsor who stays, who also takes over each customer with the hand-over
        probability; the other customers are lost (docs/model.md §3). ``marked``: the compiled
        rules have already made them former networkers."""
        lg, pop = self.ledger, self.population
        nids = np.asarray(nids, dtype=np.int64)
        if not marked:
            pop.mark_former(lg.cols["person"][nids])
        lg.downline_at_exit[nids] = lg.roll_up(nids)
        leaving = np.zeros(lg.n, dtype=bool)
        leaving[nids] = True
        theirs = pop.customers_of_any(leaving)
        seller = pop.seller[theirs]
        lg.customers_at_exit[nids] = np.bincount(seller, minlength=lg.n)[nids]
        heir = lg.cols["sponsor"][seller]
        kept = (heir >= 0) & (
            self.rng.random(len(theirs)) < self.params.market.handover_probability
        )
        pop.hand_over(theirs[kept], heir[kept])
        pop.lose(theirs[~kept], self.week + self.params.population.cooldown_weeks)
        lg.exit_week[nids] = self.week
        lg.exit_reason[nids] = int(reason)
        self.exits_this_week[int(reason)] += len(nids)
        # their agents stay in the model, no longer active (as the recovered stay in Mesa's
        # virus example): the ledger keeps their story, and their friends remember them

    # ---- the monthly schedule ------------------------------------------------------------

    def downline(self, active: np.ndarray | None = None) -> compensation.Downline:
        """The tree the plan pays along (``active``: ``ledger.active``, if known)."""
        lg = self.ledger
        return self.placement.downline(lg.sponsor, lg.active if active is None else active)

    def close_month(self) -> None:
        """Orders, costs, commissions, dropout by money and life, going full-time."""
        p, lg = self.params, self.ledger
        self.population.month(self.rng, self.week)
        self.customer_orders_and_churn()
        active = lg.active
        ids = np.flatnonzero(active)
        # 7. costs: fee and required or own-use purchase (which is volume too)
        purchase, qualifying = self.monthly_purchases(ids)
        lg.purchases[ids] += purchase
        lg.qualifying_purchases[ids] += qualifying
        lg.fees[ids] += p.costs.monthly_fee
        spent = float(purchase.sum() + p.costs.monthly_fee * len(ids))
        self.costs_this_week += spent
        self.revenue_this_week += spent
        self.purchases_this_week += float(purchase.sum())
        self.goods_this_week += float(purchase.sum())
        self.totals["participant_purchases"] += float(purchase.sum())
        self.totals["qualifying_purchases"] += float(qualifying.sum())
        # 8. commissions on the month's personal volume
        personal = np.zeros(lg.n)
        personal[ids] = purchase + lg.retail_wholesale_month[ids]
        tree = self.downline(active)
        volumes = compensation.Volumes(personal, self.credited_sponsors())
        paid = compensation.pay(tree, volumes, p.compensation)
        lg.commission[:] += paid.commission
        lg.recruiting_reward[:] += paid.recruiting_reward
        lg.rank[ids] = paid.rank[ids]  # the former keep the rank of their last month
        np.maximum(lg.highest_rank, lg.rank, out=lg.highest_rank)
        commissions, rewards = float(paid.commission.sum()), float(paid.recruiting_reward.sum())
        self.paid_this_week = (commissions, rewards)
        self.totals["commissions"] += commissions
        self.totals["recruiting_rewards"] += rewards
        # breakage: no draw, no rule, only what the plan kept (docs/model.md §5.3)
        self.breakage_this_week = compensation.breakage(tree, volumes, p.compensation, paid)
        self.totals["breakage"] += self.breakage_this_week
        self.vemma_test(tree, personal, paid)
        # Amway's 10-customer rule is a condition for being paid: count the paid ones
        paid_ids = ids[(paid.commission + paid.recruiting_reward)[ids] > 0]
        if len(paid_ids):
            customers = self.population.customer_counts(lg.n)
            self.paid_median_customers.append(float(np.median(customers[paid_ids])))
        self.enrolment_sponsors = []
        lg.retail_wholesale_month[:] = 0.0
        # month net; results count against rejections (docs/model.md §3.5): a month whose
        # margin and commissions pass the threshold resets the run of refusals, and a
        # business that paid more than it cost in cash (what was bought only to stay
        # qualified counts as a cost here, whatever the accounting) keeps its networker
        # from discouragement
        net, gross = lg.net, lg.gross
        lg.last_month_net[ids] = net[ids] - lg.net_at_month_start[ids]
        lg.net_at_month_start[:] = net
        month_gross = gross[ids] - lg.gross_at_month_start[ids]
        lg.gross_at_month_start[:] = gross
        outlay = lg.business_costs[ids] - lg.outlay_at_month_start[ids]
        lg.outlay_at_month_start[ids] = lg.business_costs[ids]
        lg.paying[ids] = month_gross > outlay
        lg.failures[ids[month_gross > p.networker.paid_month_threshold]] = 0
        # 9. dropout by money and life
        # (a student of the class game, ``played``, only keeps the reason: ``sim.game``)
        played = lg.played[ids]
        broke = ids[net[ids] < -lg.loss_tolerance[ids]]
        if len(broke):
            self.leave_unless_played(broke, ExitReason.FINANCIAL)
        still = ids[self.still_active(ids)]
        hit = still[self.rng.random(len(still)) < p.dropout.life_monthly]
        if len(hit):
            self.leave_unless_played(hit, ExitReason.LIFE)
        # a student decides the hours: no going full-time by the rule of S10
        self.go_full_time(ids[self.still_active(ids) & ~played])

    def leave_unless_played(self, nids: np.ndarray, reason: ExitReason) -> None:
        """Networkers ``nids`` quit for ``reason``, but for students of the class game
        (``played``), who only decide themselves: their ``would_quit`` keeps the reason (a
        bit ``1 << reason``)."""
        lg = self.ledger
        played = lg.played[nids]
        lg.would_quit[nids[played]] |= 1 << int(reason)
        if not played.all():
            self.retire_many(nids[~played], reason)

    def monthly_purchases(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What networkers ``ids`` buy from the company in a month (a builder the required
        purchase, a product user at least as much for own use; nothing for a student of the
        class game who stopped the autoship), and the part of it bought only to stay
        qualified."""
        required, own_use = self.params.costs.required_purchase, self.params.market.own_use_purchase
        builder, autoship = self.ledger.builder[ids], self.ledger.autoship[ids]
        purchase = np.where(builder, required, max(required, own_use)) * autoship
        qualifying = np.where(builder, required, max(0.0, required - own_use)) * autoship
        return purchase, qualifying

    def still_active(self, ids: np.ndarray) -> np.ndarray:
        """Whether each of networkers ``ids`` is active (``ledger.active``, for a few)."""
        return self.ledger.exit_week[ids] < 0

    def credited_sponsors(self) -> np.ndarray:
        """This month's enrolments, each credited to the recruit's sponsor as it is now.

        A sponsor who has quit since passes the credit to the upline the recruit rolled
        up to (a former networker's ``sponsor`` still points to its sponsor at exit).
        """
        lg = self.ledger
        out = np.asarray(self.enrolment_sponsors, dtype=np.int64)
        while True:
            gone = np.flatnonzero((out >= 0) & ~lg.active[np.maximum(out, 0)])
            if len(gone) == 0:
                return out
            out[gone] = lg.sponsor[out[gone]]

    def customer_orders_and_churn(self) -> None:
        """6. Customers reorder with a probability, then some stop buying."""
        m, pop = self.params.market, self.population
        customers = np.flatnonzero(pop.state == CUSTOMER)
        orders = self.rng.random(len(customers)) < m.reorder_probability
        self.book_orders(pop.seller[customers[orders]], 1.0)
        churned = customers[self.rng.random(len(customers)) < m.churn_probability]
        pop.lose(churned, self.week + self.params.population.cooldown_weeks)

    def vemma_test(
        self, tree: compensation.Downline, personal: np.ndarray, paid: compensation.Payouts
    ) -> None:
        """Count paid networkers whose own and downline volume is mostly retail."""
        total_paid = paid.commission + paid.recruiting_reward
        receivers = np.flatnonzero(total_paid > 0)
        if len(receivers) == 0:
            return
        retail = self.ledger.retail_wholesale_month * tree.active
        group_retail = compensation.subtree_sums(tree.sponsor, retail)
        group_all = compensation.subtree_sums(tree.sponsor, personal)
        passed = group_retail[receivers] > 0.5 * group_all[receivers]
        self.totals["vemma_pass"] += int(passed.sum())
        self.totals["vemma_paid"] += len(receivers)

    def go_full_time(self, ids: np.ndarray) -> None:
        """S10: a part-timer whose net income stayed above the threshold goes full-time."""
        nw, lg = self.params.networker, self.ledger
        above = lg.last_month_net[ids] > nw.fulltime_threshold
        lg.months_above[ids] = np.where(above, lg.months_above[ids] + 1, 0)
        switch = ids[(lg.months_above[ids] >= nw.fulltime_months) & (lg.fulltime_week[ids] < 0)]
        switch = switch[lg.hours[switch] < nw.fulltime_hours]
        lg.fulltime_week[switch] = self.week
        lg.hours[switch] = nw.fulltime_hours

    # ---- records ---------------------------------------------------------------------------

    def record(self) -> None:
        pop, lg = self.population, self.ledger
        active = lg.active
        counts = pop.counts()
        product_cost = self.params.compensation.product_cost_share * self.goods_this_week
        self.totals["product_cost"] += product_cost
        self.totals["company_revenue"] += self.revenue_this_week
        if not self.detailed:  # a warm-up: the few figures of its history
            for name, value in (
                ("week", self.week),
                ("active", int(counts[State.NETWORKER])),
                ("new_recruits", self.recruits_this_week),
                ("dropouts", int(self.exits_this_week.sum())),
                ("ever_joined", lg.n),
                ("formers", int(counts[FORMER])),
            ):
                self.history[name].append(value)
            return
        n = pop.size
        values = {
            "week": self.week,
            "active": int(counts[State.NETWORKER]),
            "active_builders": int(np.count_nonzero(active & lg.builder)),
            "new_recruits": self.recruits_this_week,
            "contacts": self.contacts_this_week,
            **{f"dropouts_{r.label}": int(self.exits_this_week[r]) for r in DROPOUT_REASONS},
            "prospects": int(counts[PROSPECT]),
            "customers": int(counts[CUSTOMER]),
            "networkers": int(counts[State.NETWORKER]),
            "formers": int(counts[FORMER]),
            "elsewhere": int(counts[ELSEWHERE]),
            "ever_joined": lg.n,
            "saturation_approached": float(np.count_nonzero(pop.approached)) / n,
            "saturation_joined": lg.n / n,
            "retail_volume": self.retail_this_week,
            "own_purchase_volume": self.purchases_this_week,
            "commissions": self.paid_this_week[0],
            "recruiting_rewards": self.paid_this_week[1],
            "networker_costs": self.costs_this_week,
            "company_revenue": self.revenue_this_week,
            "product_cost": product_cost,
            "company_margin": self.revenue_this_week - product_cost - sum(self.paid_this_week),
            "breakage": self.breakage_this_week,
            "payout_ratio": payout_ratio(self.totals),
            "own_purchase_share": own_purchase_share(self.totals),
        }
        income, hist = income_snapshot(lg, active)
        values.update(income)
        self.series.record(self.week, values, hist)

    # ---- results ---------------------------------------------------------------------------

    def indicator_totals(self) -> dict[str, float]:
        """The running totals the pyramid-risk indicator judges, as they stand."""
        totals = dict(self.totals)
        totals["median_customers"] = (
            float(np.mean(self.paid_median_customers))
            if self.paid_median_customers
            else float("nan")
        )
        return totals

    def result(self) -> RunResult:
        """The run's records: weekly series, per-networker table, totals and summary."""
        lg = self.ledger
        ones = lg.active.astype(np.float64)
        downline_now = (compensation.subtree_sums(lg.sponsor.astype(np.int64), ones) - 1).astype(
            np.int64
        )
        weekly = self.series.frame(self.week)
        networkers = networker_table(lg, downline_now, self.population.customer_counts(lg.n))
        totals = self.indicator_totals()
        for name in ("company_revenue", "product_cost", "breakage"):
            totals[name] = float(weekly[name].sum())
        totals["population"] = self.population.size
        summary = summarize(self.params.name, self.seed, self.week, networkers, totals)
        return RunResult(self.params, self.seed, weekly, networkers, totals, summary)


# ---- an established company (docs/model.md §2.7) -------------------------------------------

HISTORY = ("week", "active", "new_recruits", "dropouts", "ever_joined", "formers")


@dataclass(frozen=True)
class Start:
    """An established company as it stands when the view begins (week 0), as plain arrays.

    Built by ``establish``: the company is launched with its founders and runs for its age;
    then the networkers still active are kept, renumbered in the order they joined, with
    their weeks counted from the start of the view (joining before it is a negative week).
    Those who left before the view are former networkers in the market (their friends
    remember them) but no longer rows of the ledger.

    Attributes:
        weeks: the company's age in weeks.
        population: the market's arrays (``Population.ARRAYS``).
        ledger: the active networkers' ledger columns.
        warm: every networker's warm market still to approach, concatenated (their
            ``warm_start`` .. ``warm_end`` in the ledger point into it).
        pool_free, pool_person: the acquaintances put aside (heaps in the ledger).
        pool_top: the used part of the pool.
        following: followers still due, by week of the view: the leaders' ids.
        history: the weekly figures of the run before the view (``HISTORY``), week 0 being
            the start of the view.
    """

    weeks: int
    population: dict[str, np.ndarray]
    ledger: dict[str, np.ndarray]
    warm: np.ndarray
    pool_free: np.ndarray
    pool_person: np.ndarray
    pool_top: int
    following: dict[int, list[int]]
    history: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        arrays = [*self.population.values(), *self.ledger.values()]
        arrays += [self.warm, self.pool_free, self.pool_person]
        return int(sum(a.nbytes for a in arrays))

    @classmethod
    def of(cls, model: NetworkMarketingModel) -> Start:
        """The company ``model`` has built so far, seen from its current week as week 0."""
        lg, pop, mk, now = model.ledger, model.population, model.markets, model.week
        live = np.flatnonzero(lg.active)
        renumber = np.full(lg.n + 1, -1, dtype=np.int64)  # [-1] stays -1
        renumber[live] = np.arange(len(live))
        cols = {name: col[: lg.n][live].copy() for name, col in lg.cols.items()}
        for name in ("sponsor", "first_sponsor"):  # a sponsor who left before: none
            cols[name] = renumber[cols[name]].astype(np.int32)
        cols["join_week"] -= now
        # who went full-time before the view is full-time from its first week
        cols["fulltime_week"] = np.where(cols["fulltime_week"] >= 0, 0, -1).astype(np.int32)
        # their warm markets: what is still to approach
        remaining = (cols["warm_end"] - cols["warm_next"]).astype(np.int64)
        begin = np.concatenate(([0], np.cumsum(remaining)[:-1]))
        warm = np.concatenate(
            [mk.warm[a:b] for a, b in zip(cols["warm_next"], cols["warm_end"], strict=True)]
            or [np.zeros(0, np.int32)]
        ).astype(np.int32)
        cols["warm_start"] = cols["warm_next"] = begin
        cols["warm_end"] = begin + remaining
        # their heaps, packed, the weeks counted from the view
        size = int(cols["heap_len"].astype(np.int64).sum())
        pool_free = np.zeros(max(4 * (2 * size + 4 * len(live)) + 8, 1 << 12), dtype=np.int32)
        pool_person = np.zeros_like(pool_free)
        heaps = ("heap_start", "heap_len", "heap_cap")
        heap_start, heap_len, heap_cap = (lg.cols[c][: lg.n].copy() for c in heaps)
        top = _compact(mk.pool_free, mk.pool_person, heap_start, heap_len, heap_cap, live,
                       pool_free, pool_person)  # fmt: skip
        pool_free[:top] -= now
        cols["heap_start"], cols["heap_cap"] = heap_start[live], heap_cap[live]
        people = {name: a.copy() for name, a in pop.arrays().items()}
        for name in ("networker", "seller"):
            people[name] = renumber[people[name]].astype(np.int32)
        later = people["available_from"] != NEVER
        people["available_from"][later] -= now
        following = {}
        for week, leaders in model.following.items():
            kept = [int(renumber[a.nid]) for a in leaders if a.active]
            if kept and week > now:
                following[week - now] = kept
        history = {name: np.asarray(v, dtype=np.int64) for name, v in model.history.items()}
        if "week" in history:
            history["week"] = history["week"] - now
        return cls(now, people, cols, warm, pool_free, pool_person, int(top), following,
                   history)  # fmt: skip


def warm_up_seed(seed: int) -> int:
    """The seed of an established company's history before the view: one of its own, so
    that the view draws from the scenario's seed as a launch does."""
    return int(np.random.SeedSequence([int(seed), 0x5741524D]).generate_state(1)[0])


_STARTS: OrderedDict[tuple[Scenario, int], Start] = OrderedDict()
START_CACHE_BYTES = 1 << 30  # established companies kept in a process, at most


def establish(
    scenario: Scenario, seed: int, progress: Callable[[int, int], None] | None = None
) -> Start:
    """The company of ``scenario`` at the start of its view (docs/model.md §2.7): launched
    with its founders ``simulation.company_age_years`` years before week 0 and run to it
    with every rule of the model, from a seed of its own (``warm_up_seed``).

    The same scenario and seed give the same company, so a process keeps the last few it
    built (``START_CACHE_BYTES``): a dashboard's Reset and every future of ``me`` start
    from it without running the history again, with exactly the result a fresh one gives.
    ``progress`` (weeks done, weeks) is called every 52 weeks of a history it runs.
    """
    key = (history_key(scenario), int(seed))
    if key in _STARTS:
        _STARTS.move_to_end(key)
        return _STARTS[key]
    weeks = scenario.simulation.company_age_years * WEEKS_PER_YEAR
    launch = replace(scenario.simulation, weeks=max(weeks, 1), company_age_years=0)
    model = NetworkMarketingModel(replace(scenario, simulation=launch), warm_up_seed(seed),
                                  detailed=False)  # fmt: skip
    with collector_spared():
        for week in range(1, weeks + 1):
            model.step()
            if progress is not None and week % WEEKS_PER_YEAR == 0:
                progress(week, weeks)
    start = Start.of(model)
    if start.nbytes <= START_CACHE_BYTES // 4:
        _STARTS[key] = start
        while sum(s.nbytes for s in _STARTS.values()) > START_CACHE_BYTES:
            _STARTS.popitem(last=False)
    return start


def prepare() -> None:
    """Compile the contact rules now (or load them from the cache), with a tiny run: the
    first run of a fresh installation would otherwise wait for it."""
    run(load_scenario("baseline", {"population.size": 300, "simulation.weeks": 8}))


def run(scenario: Scenario, seed: int | None = None) -> RunResult:
    """Run a scenario to its horizon and return the records."""
    with collector_spared():
        model = NetworkMarketingModel(scenario, seed=seed)
        model.run()
        return model.result()


@contextmanager
def collector_spared() -> Iterator[None]:
    """Pause Python's collector of reference cycles while the block runs.

    A run makes few reference cycles, but it makes tens of thousands of new objects (the
    agents), and these set off full collections, each of which walks every object of the
    process: the imported libraries' two hundred thousand. At 10^5 people that cost a
    tenth of a run. Objects are still freed as soon as nothing refers to them; the few
    cycles made during the block wait for the collector, which runs again after it
    (``benchmarks/bench_memory.py``: the peak memory does not change). If the collector
    was paused already, it stays paused.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
