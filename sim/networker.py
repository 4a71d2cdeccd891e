"""The networker: a Mesa agent who spends a week contacting people (docs/model.md section 3).

When does a networker give up? ``record_refusal``: after *k* refusals in a row, *k* being
the networker's tolerance (the source text's "three or four", S7), unless the business
pays: a paying month resets the run (``sim.model``), and a networker whose business pays
more than it costs is not discouraged at all, only prospects less. Only a prospect who says
no is a refusal: acquaintances already in the business are not pitched, a stranger in the
business is a short conversation, and finding nobody ends the week's prospecting
(``make_contacts``; weeks in a row of that end a career as ``no_market``). Money, the other
reasons to quit and the monthly schedule live in ``sim.model``.

The rules of a contact are compiled functions (numba) on the model's arrays, gathered in a
``World``: the model runs a whole week of contacts in one call (``contact_week``), networker
after networker in a random order, so that a person recruited or sold to by one networker is
not available to a later one and a run of refusals ends a career at the refusal that reaches
the tolerance. The ``Networker`` agent's methods call the same functions for one networker.
What the compiled code cannot do itself (create a networker, book money, roll up a downline)
it writes as events, which the model settles right after (``NetworkMarketingModel.settle``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

import mesa
import numpy as np
from numba import njit

from sim.population import (
    CUSTOMER,
    ELSEWHERE,
    FORMER,
    NETWORKER,
    PROSPECT,
    Column,
    ExitReason,
    by_name,
    declared,
    mark_former,
)

if TYPE_CHECKING:
    from sim.scenario import Scenario

__all__ = [
    "CHOICES", "COLD_TRIES", "CONTACTS", "TRAITS", "ExitReason", "Networker", "TraitParams",
    "Traits", "World", "draw_traits",
]  # fmt: skip

COLD_TRIES = 8  # random draws to find a stranger who may be approached
MAX_REFERRALS = 8  # acquaintances one new customer or recruit introduces, at most

# Events the compiled code leaves for the model to settle: (kind, person, networker id).
ENROL, SALE, QUIT_DISCOURAGED, QUIT_NO_MARKET = 0, 1, 2, 3
# What a pitch came to.
REFUSED, SUCCESS, NEITHER = 0, 1, 2


@dataclass(frozen=True)
class Traits:
    """What new networkers bring (docs/model.md section 2), fixed at joining: one value each,
    or one array each for a batch of newcomers.

    Attributes:
        builder: builds a business (True) or joined to buy at the discount (False).
        part_time: part-time at joining: keeps a day job (until going full-time, S10).
        hours: hours per week.
        tolerance: refusals in a row they take before quitting (S7).
        skill: multiplier on the success of every pitch.
        loss_tolerance: EUR of cumulative loss they accept before quitting.
    """

    builder: bool | np.ndarray
    part_time: bool | np.ndarray
    hours: float | np.ndarray
    tolerance: float | np.ndarray
    skill: float | np.ndarray
    loss_tolerance: float | np.ndarray

    def trained(self, params: Scenario, who: bool | np.ndarray = True) -> Traits:
        """The same people after the company's training (S2), for those ``who`` took it:
        more skill, more patience."""
        t = params.training
        return replace(self, skill=np.where(who, self.skill * t.skill_factor, self.skill),
                       tolerance=np.where(who, self.tolerance + t.tolerance_bonus,
                                          self.tolerance))  # fmt: skip

    def __len__(self) -> int:
        return np.size(self.hours)


# What a networker brings (docs/model.md §2.4), one ledger column each (``sim.records``),
# fixed at joining but for ``hours`` (full-time: ``sim.model.go_full_time``, S10).
TRAITS = declared(
    Column("builder", np.bool_, False, "builds a business (True) or buys at the discount"),
    Column("part_time", np.bool_, False, "part-time at joining: a day job until full-time"),
    Column("hours", np.float64, 0.0, "hours per week (as now: full-time ones work more)"),
    Column("tolerance", np.float64, 0.0, "refusals in a row taken, at joining (S7)"),
    Column("skill", np.float64, 0.0, "multiplier on the success of every pitch, at joining"),
    Column("loss_tolerance", np.float64, 0.0, "EUR of cumulative loss taken before quitting"),
    Column("experienced", np.bool_, False, "brings experience from another company (S8)"),
    Column("trained", np.bool_, False, "took the company's training (S2)"),
)


class TraitParams(NamedTuple):
    """The scenario's parameters of ``draw_traits``, each under its scenario key's name
    (``networker.*``; the factors ``experienced.*``)."""

    builder_share: float
    part_time_share: float
    hours_median: float
    hours_sigma: float
    hours_max_part_time: float
    product_user_hours: float
    fulltime_hours: float
    persistent_share: float
    persistent_tolerance_mean: float
    tolerance_mean: float
    skill_sigma: float
    skill_factor: float
    tolerance_factor: float
    loss_tolerance_median: float
    loss_tolerance_sigma: float


def draw_traits(params: Scenario, rng: np.random.Generator, experienced: np.ndarray) -> Traits:
    """The traits of newcomers, one per element of ``experienced``, from the model's RNG."""
    experienced = np.asarray(experienced, dtype=bool)
    p = by_name(TraitParams, params.networker, params.experienced)
    return Traits(*_draw_traits(rng, experienced, p))


@njit(cache=True)
def _draw_traits(rng, experienced, p: TraitParams):
    """``draw_traits`` (docs/model.md §2.4): each trait drawn for all newcomers in turn (the
    order of the draws is part of what a seed reproduces)."""
    n = len(experienced)
    builder = np.empty(n, dtype=np.bool_)
    for i in range(n):  # experienced recruits always build a business (S8)
        builder[i] = rng.random() < p.builder_share or experienced[i]
    part_time = np.empty(n, dtype=np.bool_)
    for i in range(n):
        part_time[i] = rng.random() < p.part_time_share
    hours = np.empty(n)
    for i in range(n):  # part-timers: log-normal around the median, capped
        part_hours = min(p.hours_max_part_time, p.hours_median * rng.lognormal(0.0, p.hours_sigma))
        if not builder[i]:
            hours[i] = p.product_user_hours
        else:
            hours[i] = part_hours if part_time[i] else p.fulltime_hours
    persistent = np.empty(n, dtype=np.bool_)
    for i in range(n):
        persistent[i] = rng.random() < p.persistent_share
    # refusals taken in a row (S7): most around the mean, a persistent few far more
    long_tail = np.empty(n)
    for i in range(n):
        long_tail[i] = 1.0 + rng.exponential(max(p.persistent_tolerance_mean - 1.0, 1e-9))
    tolerance = np.empty(n)
    for i in range(n):
        usual = 1.0 + rng.poisson(max(p.tolerance_mean - 1.0, 0.0))
        tolerance[i] = np.floor(long_tail[i] if persistent[i] else usual)
        if experienced[i]:
            tolerance[i] *= p.tolerance_factor
    skill = np.empty(n)
    for i in range(n):
        skill[i] = rng.lognormal(0.0, p.skill_sigma)
        if experienced[i]:
            skill[i] *= p.skill_factor
    loss = np.empty(n)
    for i in range(n):  # the loss they accept before they quit for money
        loss[i] = p.loss_tolerance_median * rng.lognormal(0.0, p.loss_tolerance_sigma)
    return builder, part_time, hours, tolerance, skill, loss


# A networker's contacts and refusals (docs/model.md §3.1-§3.5), one ledger column each
# (``sim.records``), written by the compiled rules below and by ``Markets``.
CONTACTS = declared(
    Column("current_skill", np.float64, 0.0, "``skill`` as it is now, grown with experience"),
    Column("current_tolerance", np.float64, 0.0,
           "refusals in a row taken now: ``tolerance`` grown by experience and successes"),
    Column("failures", np.float64, 0.0, "the current run of refusals (a stranger's weighted)"),
    Column("dry_weeks", np.int32, 0, "weeks in a row of finding nobody to pitch"),
    Column("contacts", np.int64, 0, "contacts made so far"),
    Column("training_weeks", np.int32, 0, "weeks of training still to come"),
    Column("warm_start", np.int64, 0, "their warm market: ``Markets.warm[warm_start:warm_end]``"),
    Column("warm_next", np.int64, 0, "the next of their warm market to approach"),
    Column("warm_end", np.int64, 0, "the end of their warm market"),
    Column("heap_start", np.int64, 0, "acquaintances put aside: a heap in the ``Markets`` pool"),
    Column("heap_len", np.int32, 0, "how many acquaintances are put aside"),
    Column("heap_cap", np.int32, 0, "the heap's room in the pool"),
)  # fmt: skip

# How networkers approach people: friends first, then strangers (the model's rule), or
# strangers only (a student's choice in the class game, ``sim.game``).
FRIENDS_FIRST, STRANGERS_ONLY = 0, 1

# A student's choices in the class game (``sim.game``), one ledger column each, read only
# where ``played`` is set (the hot loops read that one flag): the model's networkers keep the
# initial values and the rules as they are. Played networkers never
# quit by a rule of the model (only the student decides to); ``would_quit`` keeps the reasons
# the rules gave (a bit ``1 << ExitReason`` each) and ``failures_peak`` the longest run of
# refusals, for the student's report of the month.
CHOICES = declared(
    Column("played", np.bool_, False, "a student of the class game decides for this networker"),
    Column("recruiting_share", np.float64, np.nan,
           "a played networker: the share of pitches that recruit (NaN for the others)"),
    Column("approach", np.int8, FRIENDS_FIRST,
           "a played networker: friends first, or strangers only"),
    Column("autoship", np.bool_, True, "keeps the monthly purchase"),
    Column("would_quit", np.int8, 0,
           "a played networker: the reasons a rule would have quit, bit ``1 << ExitReason``"),
    Column("failures_peak", np.float64, 0.0, "a played networker: the longest run of refusals"),
    Column("refusals_heard", np.int64, 0, "a played networker: refusals heard so far"),
)  # fmt: skip

# the reasons a played networker's ``would_quit`` keeps (bits of ``ExitReason``)
WOULD_DISCOURAGE, WOULD_NO_MARKET = 1 << ExitReason.DISCOURAGED, 1 << ExitReason.NO_MARKET


class World(NamedTuple):
    """The arrays a week of contacts reads and writes, and the week's constants, each under
    its one name (``NetworkMarketingModel.world`` fills them by name, ``by_name``).

    People (by person): their states (``sim.population.PEOPLE``, those the rules read) and
    the social graph ``indptr``/``indices``/``degree``. Networkers (by networker id): the
    ledger's columns of those names (``TRAITS``, ``CONTACTS``, ``CHOICES`` and, from
    ``sim.records``,
    ``person``, ``fulltime_week`` and ``paying``); a networker's warm market is
    ``warm[warm_next:warm_end]``, in the order they approach it; acquaintances put aside for
    later sit in a heap per networker (``heap_start``/``heap_len``/``heap_cap`` into the
    pool ``pool_free``/``pool_person``, ordered by the week they are free again).
    ``events`` collects what the model settles; ``counters`` holds the pool's top and the
    number of events (``Markets``). The constants are the scenario's parameters of the same
    name, but for ``rates``, ``learning`` (per contact: ``1 / learning_contacts``) and
    ``training_hours`` (``training.hours_per_week``).
    """

    # people
    state: np.ndarray
    available_from: np.ndarray
    refusals: np.ndarray
    approached: np.ndarray
    former_friends: np.ndarray
    seller: np.ndarray
    degree: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    # networkers
    person: np.ndarray
    builder: np.ndarray
    part_time: np.ndarray
    hours: np.ndarray
    experienced: np.ndarray
    skill: np.ndarray
    tolerance: np.ndarray
    current_skill: np.ndarray
    current_tolerance: np.ndarray
    failures: np.ndarray
    dry_weeks: np.ndarray
    contacts: np.ndarray
    training_weeks: np.ndarray
    fulltime_week: np.ndarray
    paying: np.ndarray
    played: np.ndarray
    recruiting_share: np.ndarray
    approach: np.ndarray
    would_quit: np.ndarray
    failures_peak: np.ndarray
    refusals_heard: np.ndarray
    warm_next: np.ndarray
    warm_end: np.ndarray
    heap_start: np.ndarray
    heap_len: np.ndarray
    heap_cap: np.ndarray
    # the warm markets, the pool and the events (Markets)
    warm: np.ndarray
    pool_free: np.ndarray
    pool_person: np.ndarray
    events: np.ndarray
    counters: np.ndarray
    # the week's constants
    rates: np.ndarray  # success rates: [cold sale, cold recruit, warm sale, warm recruit]
    week: int
    size: int
    max_refusals: int
    cooldown_weeks: int
    word_of_mouth: float
    recruiting_focus: float
    product_user_recruiting_focus: float
    cold_refusal_weight: float
    referrals: float
    learning: float
    skill_factor: float
    tolerance_factor: float
    confidence_gain: float
    no_market_weeks: int
    paid_prospecting: float
    contacts_per_hour: float
    evening_hours: float
    daytime_reachable_share: float
    training_hours: float


POOL_TOP, N_EVENTS = 0, 1

# How the rules are compiled: cached on disk (the first run compiles everything, about half
# a minute), small rules inlined, and without reference counting (``_nrt=False``): they
# allocate nothing,
# and counting the references of the World's many arrays on every call cost 30 times the
# work of a contact.
COMPILED = {"cache": True, "_nrt": False}
INLINE = {**COMPILED, "inline": "always"}


# ---- the rules of a contact, compiled ------------------------------------------------------


@njit(**INLINE)
def _event(w: World, kind: int, person: int, nid: int) -> None:
    """Leave an event for the model to settle: an enrolment or a sale (docs/model.md
    §3.4), or a networker who quits (§3.5)."""
    k = w.counters[N_EVENTS]
    w.events[k, 0] = kind
    w.events[k, 1] = person
    w.events[k, 2] = nid
    w.counters[N_EVENTS] = k + 1


@njit(**INLINE)
def _heap_less(w: World, i: int, j: int) -> bool:
    """Whether pool entry ``i`` is free before ``j`` (earliest week, then person;
    docs/model.md §3.2)."""
    fi, fj = w.pool_free[i], w.pool_free[j]
    return fi < fj or (fi == fj and w.pool_person[i] < w.pool_person[j])


@njit(**INLINE)
def _heap_swap(w: World, i: int, j: int) -> None:
    """Swap pool entries ``i`` and ``j`` (docs/model.md §3.2)."""
    w.pool_free[i], w.pool_free[j] = w.pool_free[j], w.pool_free[i]
    w.pool_person[i], w.pool_person[j] = w.pool_person[j], w.pool_person[i]


@njit(**INLINE)
def heap_push(w: World, nid: int, free: int, person: int) -> None:
    """Put ``person`` aside for networker ``nid`` until week ``free`` (docs/model.md §3.2)."""
    start, n = w.heap_start[nid], w.heap_len[nid]
    if n == w.heap_cap[nid]:  # full: move to the top of the pool with twice the room
        cap = max(4, 2 * n)
        top = w.counters[POOL_TOP]
        for i in range(n):
            w.pool_free[top + i] = w.pool_free[start + i]
            w.pool_person[top + i] = w.pool_person[start + i]
        w.counters[POOL_TOP] = top + cap
        w.heap_start[nid], w.heap_cap[nid] = top, cap
        start = top
    i = start + n
    w.pool_free[i], w.pool_person[i] = free, person
    w.heap_len[nid] = n + 1
    while i > start:
        parent = start + (i - start - 1) // 2
        if not _heap_less(w, i, parent):
            break
        _heap_swap(w, i, parent)
        i = parent


@njit(**INLINE)
def heap_pop(w: World, nid: int) -> int:
    """The person put aside by ``nid`` who is free earliest, taken out of the heap
    (docs/model.md §3.2)."""
    start, n = w.heap_start[nid], w.heap_len[nid] - 1
    person = w.pool_person[start]
    w.heap_len[nid] = n
    if n == 0:
        return person
    w.pool_free[start], w.pool_person[start] = w.pool_free[start + n], w.pool_person[start + n]
    i = 0
    while True:
        smallest, left = i, 2 * i + 1
        for child in (left, left + 1):
            if child < n and _heap_less(w, start + child, start + smallest):
                smallest = child
        if smallest == i:
            return person
        _heap_swap(w, start + i, start + smallest)
        i = smallest


@njit(**INLINE)
def approachable(w: World, person: int) -> bool:
    """Not in cool-down after a refusal, and not refused too often (docs/model.md §2.3)."""
    return w.available_from[person] <= w.week and w.refusals[person] < w.max_refusals


@njit(**INLINE)
def defer(w: World, nid: int, person: int) -> None:
    """Keep an acquaintance for later, unless they refused for good: a prospect in
    cool-down until it ends, a customer or someone in another business until they could be
    a prospect again (a customer who stops buying is in cool-down first; docs/model.md §3.2)."""
    if w.refusals[person] >= w.max_refusals:
        return
    taken = w.state[person] == CUSTOMER or w.state[person] == ELSEWHERE
    free = w.week + w.cooldown_weeks if taken else w.available_from[person]
    heap_push(w, nid, free, person)


@njit(**INLINE)
def next_contact(w: World, rng: np.random.Generator, nid: int) -> tuple[int, bool]:
    """The next person for ``nid`` to approach: the warm market first, then strangers.

    The networker knows which acquaintances are already networkers, former networkers,
    customers or in another business and passes them over (all but the first two may be
    prospects again later). Acquaintances in cool-down wait in the networker's heap and are
    approached again, earliest first, once it has passed; so do new acquaintances
    (``meet``). Product users approach only people they know; a student who chose
    strangers (``STRANGERS_ONLY``) only strangers. Returns the person (or -1 if nobody could
    be found) and whether it is warm (docs/model.md §3.2).
    """
    if w.played[nid] and w.approach[nid] == STRANGERS_ONLY:
        return cold_contact(w, rng, nid)
    while w.warm_next[nid] < w.warm_end[nid]:
        person = w.warm[w.warm_next[nid]]
        w.warm_next[nid] += 1
        s = w.state[person]
        if s == PROSPECT and approachable(w, person):
            return person, True
        if s in (PROSPECT, CUSTOMER, ELSEWHERE):
            defer(w, nid, person)
    while w.heap_len[nid] > 0 and w.pool_free[w.heap_start[nid]] <= w.week:
        person = heap_pop(w, nid)
        s = w.state[person]
        if s in (NETWORKER, FORMER) or w.refusals[person] >= w.max_refusals:
            continue  # will never be a prospect to approach again
        if s != PROSPECT or w.available_from[person] > w.week:
            defer(w, nid, person)  # still buying, elsewhere, or refused again by someone else
            continue
        return person, True
    if not w.builder[nid]:
        return -1, False  # a product user does not approach strangers
    return cold_contact(w, rng, nid)


@njit(**INLINE)
def cold_contact(w: World, rng: np.random.Generator, nid: int) -> tuple[int, bool]:
    """A stranger for ``nid`` to approach: a few random draws for someone approachable
    (-1 if none was found; docs/model.md §3.2)."""
    me = w.person[nid]
    for _ in range(COLD_TRIES):
        person = int(rng.random() * w.size)
        if person != me and approachable(w, person):
            return person, False
    return -1, False


@njit(**INLINE)
def word_of_mouth(w: World, person: int) -> float:
    """Acceptance factor: falls with the share of acquaintances who dropped out
    (docs/model.md §2.3)."""
    deg = w.degree[person]
    if deg == 0:
        return 1.0
    return max(0.0, 1.0 - w.word_of_mouth * w.former_friends[person] / deg)


@njit(**INLINE)
def refuse(w: World, person: int) -> None:
    """``person`` says no: a cool-down, or never again after too many refusals
    (docs/model.md §2.3)."""
    w.refusals[person] += 1
    if w.refusals[person] >= w.max_refusals:
        w.available_from[person] = np.iinfo(np.int32).max
    else:
        w.available_from[person] = w.week + w.cooldown_weeks


@njit(**INLINE)
def pitch(w: World, rng: np.random.Generator, nid: int, person: int, warm: bool) -> int:
    """One pitch, a sale or a recruitment by the networker's focus.

    Returns SUCCESS, REFUSED (the prospect goes into cool-down), or NEITHER if the person
    turned out to be in the business already (a stranger who is a networker, a former
    networker or another networker's customer). A recruit becomes a networker at once, so
    that nobody else approaches them; the model enrols them when it settles the events
    (docs/model.md §3.4).
    """
    w.approached[person] = True
    if w.state[person] != PROSPECT:
        return NEITHER
    focus = w.recruiting_focus if w.builder[nid] else w.product_user_recruiting_focus
    if w.played[nid]:  # a student's own share (``sim.game``)
        focus = w.recruiting_share[nid]
    recruit = rng.random() < focus
    chance = w.rates[2 * int(warm) + int(recruit)] * w.current_skill[nid] * word_of_mouth(w, person)
    if rng.random() < chance:
        if recruit:
            w.state[person] = NETWORKER
            _event(w, ENROL, person, nid)
        else:
            w.state[person] = CUSTOMER
            w.seller[person] = nid
            _event(w, SALE, person, nid)
        refer(w, rng, nid, person)
        return SUCCESS
    refuse(w, person)
    if warm:
        defer(w, nid, person)
    return REFUSED


@njit(**INLINE)
def learn(w: World, nid: int, before: int) -> None:
    """Experience (docs/model.md §3.5): every contact makes a networker a little more
    skilled and persistent, until after ``1 / learning`` contacts they are as skilled and
    persistent as an experienced recruit (S8) who joined with their traits. An experienced
    recruit has learnt it all already."""
    if w.experienced[nid] or w.contacts[nid] * w.learning >= 1.0:
        return
    w.current_skill[nid] += w.skill[nid] * (w.skill_factor - 1.0) * w.learning
    w.current_tolerance[nid] += w.tolerance[nid] * (w.tolerance_factor - 1.0) * w.learning


@njit(**INLINE)
def refer(w: World, rng: np.random.Generator, nid: int, person: int) -> None:
    """A new customer or recruit introduces some of their acquaintances (a Poisson number
    with mean ``referrals``, at most ``MAX_REFERRALS``): the networker will approach them
    as warm contacts, from this week on (docs/model.md §3.2)."""
    start, degree = w.indptr[person], w.indptr[person + 1] - w.indptr[person]
    if degree == 0 or w.referrals <= 0:
        return
    # a Poisson count (Knuth's product of uniforms: the mean is small), capped
    limit, product, count = np.exp(-w.referrals), rng.random(), 0
    while product > limit and count < MAX_REFERRALS:
        count += 1
        product *= rng.random()
    for _ in range(count):
        friend = w.indices[start + int(rng.random() * degree)]
        if friend != w.person[nid] and w.state[friend] == PROSPECT:
            heap_push(w, nid, w.week, friend)


@njit(**INLINE)
def quit_now(w: World, nid: int, kind: int) -> None:
    """``nid`` leaves in the middle of the week: out of the business for everyone at once;
    the model settles the rest (downline, customers, records; docs/model.md §3.5)."""
    person = w.person[nid]
    mark_former(w, person)
    _event(w, kind, person, nid)


@njit(**INLINE)
def record_success(w: World, nid: int) -> None:
    """A yes ends the run of failures and builds a little confidence (docs/model.md §3.5)."""
    w.failures[nid] = 0
    w.current_tolerance[nid] += w.confidence_gain


@njit(**INLINE)
def record_refusal(w: World, nid: int, warm: bool = True) -> bool:
    """A no: one more refusal in a row (a stranger's counts ``cold_refusal_weight`` of a
    friend's). Returns True if the networker gives up (S7).

    Only business builders are discouraged this way; product users joined to buy and
    leave for other reasons (docs/model.md section 2). A builder whose business pays more
    than it costs (``paying``, set at each month's close) shrugs refusals off (docs/model.md §3.5).
    A played networker (``sim.game``) hears every no as well, but only the student decides
    to quit: the rule's verdict is kept in ``would_quit``.
    """
    if w.played[nid]:
        w.refusals_heard[nid] += 1
    if w.paying[nid]:
        return False
    w.failures[nid] += 1.0 if warm else w.cold_refusal_weight
    if w.played[nid]:
        w.failures_peak[nid] = max(w.failures_peak[nid], w.failures[nid])
    if w.builder[nid] and w.failures[nid] >= w.current_tolerance[nid]:
        if w.played[nid]:
            w.would_quit[nid] |= WOULD_DISCOURAGE
            return False
        quit_now(w, nid, QUIT_DISCOURAGED)
        return True
    return False


@njit(**INLINE)
def count_dry_week(w: World, nid: int, dry: bool) -> None:
    """Weeks in a row of finding nobody to pitch; enough of them and a builder leaves
    (docs/model.md §3.5)."""
    if not dry:
        w.dry_weeks[nid] = 0
        return
    w.dry_weeks[nid] += 1
    if w.builder[nid] and w.dry_weeks[nid] >= w.no_market_weeks:
        if w.played[nid]:  # only the student decides (``record_refusal``)
            w.would_quit[nid] |= WOULD_NO_MARKET
            return
        quit_now(w, nid, QUIT_NO_MARKET)


@njit(**INLINE)
def make_contacts(w: World, rng: np.random.Generator, nid: int, n: int) -> int:
    """``n`` contacts of networker ``nid``: whom, what, and the outcome of each (docs/model.md
    §3.2-§3.5). Returns the number of contacts made."""
    made = pitched = 0
    for _ in range(n):
        person, warm = next_contact(w, rng, nid)
        if person < 0:
            break  # nobody left to approach: the week's prospecting ends, no failure
        made += 1
        learn(w, nid, w.contacts[nid] + made - 1)
        outcome = pitch(w, rng, nid, person, warm)
        if outcome == NEITHER:
            continue  # a stranger already in the business: a short conversation
        pitched += 1
        if outcome == SUCCESS:
            record_success(w, nid)
        elif record_refusal(w, nid, warm):
            break
    w.contacts[nid] += made
    if w.state[w.person[nid]] == NETWORKER:
        count_dry_week(w, nid, pitched == 0 or made < n)
    return made


@njit(**INLINE)
def reachable_hours(
    hours: float,
    training: bool,
    day_job: bool,
    training_hours: float,
    evening: float,
    daytime_share: float,
) -> float:
    """Hours of a week in which customers can be reached (S9). Part-timers keep their day
    job: they work in the evening, when customers are at home. Full-timers also work by
    day, when only some customers can be reached. Training takes its hours first
    (docs/model.md §3.1)."""
    if training:
        hours = max(0.0, hours - training_hours)
    at_home = min(hours, evening)
    return at_home if day_job else at_home + daytime_share * (hours - at_home)


@njit(**INLINE)
def contact_hours(w: World, nid: int) -> float:
    """``reachable_hours`` of networker ``nid`` this week: a part-timer keeps the day job
    until going full-time (``fulltime_week``, S10; docs/model.md §3.1)."""
    day_job = w.part_time[nid] and w.fulltime_week[nid] < 0
    return reachable_hours(w.hours[nid], w.training_weeks[nid] > 0, day_job, w.training_hours,
                           w.evening_hours, w.daytime_reachable_share)  # fmt: skip


@njit(cache=True)
def draw_contact_counts(w: World, rng: np.random.Generator, ids: np.ndarray) -> np.ndarray:
    """This week's number of contacts of networkers ``ids``: Poisson, with a mean of their
    reachable hours times the contacts per hour, less while the business pays (they
    prospect less) and after weeks of finding nobody (docs/model.md §3.1). A week of
    training passes."""
    counts = np.empty(len(ids), dtype=np.int64)
    for k in range(len(ids)):
        nid = ids[k]
        rate = w.contacts_per_hour * contact_hours(w, nid)
        w.training_weeks[nid] = max(w.training_weeks[nid] - 1, 0)
        if w.paying[nid]:
            rate *= w.paid_prospecting
        rate /= 1 + w.dry_weeks[nid]
        counts[k] = rng.poisson(rate)
    return counts


@njit(cache=True)
def contact_hours_of(w: World, ids: np.ndarray) -> np.ndarray:
    """``contact_hours`` of networkers ``ids`` (docs/model.md §3.1)."""
    out = np.empty(len(ids), dtype=np.float64)
    for k in range(len(ids)):
        out[k] = contact_hours(w, ids[k])
    return out


@njit(**INLINE)
def room_needed(w: World, nid: int, n: int) -> int:
    """Pool room the networker's ``n`` contacts may take, at most: every acquaintance
    they pass over, pop or refuse may be put aside, and each move doubles the heap
    (docs/model.md §3.2)."""
    pushes = w.heap_len[nid] + (w.warm_end[nid] - w.warm_next[nid]) + n * (1 + MAX_REFERRALS)
    return 4 * (w.heap_len[nid] + pushes) + 8


@njit(**COMPILED)
def contact_week(
    w: World, rng: np.random.Generator, nids: np.ndarray, counts: np.ndarray, start: int
) -> tuple[int, int]:
    """The week's contacts of networkers ``nids[start:]`` (in this order), ``counts`` each.

    Stops early, before a networker whose contacts might not fit in the pool or the events
    buffer; returns (where it stopped, the contacts made) so that the model can grow them
    and go on from there (docs/model.md §3.1).
    """
    made = 0
    for i in range(start, len(nids)):
        nid, n = nids[i], counts[i]
        room = room_needed(w, nid, n)
        if w.counters[POOL_TOP] + room > len(w.pool_free) or w.counters[N_EVENTS] + n + 1 > len(
            w.events
        ):
            return i, made
        if w.state[w.person[nid]] == NETWORKER:
            made += make_contacts(w, rng, nid, n)
    return len(nids), made


@njit(**COMPILED)
def meet(w: World, nids: np.ndarray, people: np.ndarray, start: int) -> int:
    """Networkers ``nids[start:]`` have met ``people`` (new acquaintances, docs/model.md
    §2.2): each is put aside to be approached from this week on, as a warm contact. Stops
    early, before a networker whose heap might not fit in the pool; returns where it
    stopped, so that the model can grow the pool and go on."""
    for i in range(start, len(nids)):
        nid = nids[i]
        if w.counters[POOL_TOP] + 4 * (w.heap_len[nid] + 2) > len(w.pool_free):
            return i
        heap_push(w, nid, w.week, people[i])
    return len(nids)


# ---- the agent -----------------------------------------------------------------------------


def _column(name: str, kind: type = float) -> property:
    """An attribute read from and written to the networker's ledger row (the column's
    declaration says what it means)."""

    def get(self: Networker):
        return kind(self.model.ledger.cols[name][self.nid])

    def put(self: Networker, value) -> None:
        self.model.ledger.cols[name][self.nid] = value

    return property(get, put, doc={**TRAITS, **CONTACTS}[name].meaning)


class Networker(mesa.Agent):
    """An independent distributor: who they approach and when they give up.

    Everything about a networker lives in the model's ledger (one row per networker) and
    the attributes below read through to it; the methods run the compiled rules above for
    this one networker, and the model settles what they did. A networker who quits stays
    an agent of the model, no longer ``active``, with an exit week and reason.

    Attributes:
        nid: index of this networker in the model's ledger arrays.
        person: index of the person in the population.
    """

    # sim.model.NetworkMarketingModel, which imports this module: named by its base here
    model: mesa.Model

    builder = _column("builder", bool)
    part_time = _column("part_time", bool)
    hours = _column("hours")
    experienced = _column("experienced", bool)
    skill = _column("skill")
    tolerance = _column("tolerance")
    current_skill = _column("current_skill")
    current_tolerance = _column("current_tolerance")
    failures = _column("failures")
    dry_weeks = _column("dry_weeks", int)
    training_weeks = _column("training_weeks", int)

    def __init__(self, model: mesa.Model, nid: int, person: int):
        super().__init__(model)
        self.nid = nid
        self.person = person

    @classmethod
    def enlist(cls, model: mesa.Model, nids: list[int], people: list[int]) -> list:
        """New networkers ``nids`` (persons ``people``), each registered with the model by
        Mesa's public path (``mesa.Agent.__init__``), in this order: about 3 µs an agent,
        2 % of a run at 10^5 people (benchmarks/bench_model.py)."""
        return [cls(model, n, q) for n, q in zip(nids, people, strict=True)]

    @property
    def active(self) -> bool:
        return bool(self.model.ledger.cols["exit_week"][self.nid] < 0)

    @property
    def day_job(self) -> bool:
        """Keeps a day job: part-time at joining and not gone full-time since (S10)."""
        cols = self.model.ledger.cols
        return bool(cols["part_time"][self.nid] and cols["fulltime_week"][self.nid] < 0)

    @property
    def sponsor(self) -> Networker | None:
        """The networker above (upline), or None for a founder."""
        up = int(self.model.ledger.cols["sponsor"][self.nid])
        return self.model.networkers[up] if up >= 0 else None

    @property
    def downline(self) -> set[Networker]:
        """The active networkers directly below (recruits, and those rolled up to here)."""
        below = self.model.ledger.children(self.nid)
        return {self.model.networkers[int(c)] for c in below}

    @property
    def customers(self) -> set[int]:
        """The people this networker serves."""
        return {int(p) for p in self.model.population.customers_of(self.nid)}

    @property
    def warm(self) -> list[int]:
        """Their acquaintances in the order they approach them."""
        cols = self.model.ledger.cols
        start = cols["warm_start"][self.nid]
        return self.model.markets.warm[start : cols["warm_end"][self.nid]].tolist()

    @warm.setter
    def warm(self, people: list[int]) -> None:
        self.model.markets.give(self.model.ledger, np.array([self.nid]), [np.asarray(people)])

    @property
    def warm_next(self) -> int:
        """How far into ``warm`` the networker has got."""
        cols = self.model.ledger.cols
        return int(cols["warm_next"][self.nid] - cols["warm_start"][self.nid])

    @warm_next.setter
    def warm_next(self, k: int) -> None:
        cols = self.model.ledger.cols
        cols["warm_next"][self.nid] = cols["warm_start"][self.nid] + k

    @property
    def warm_later(self) -> list[tuple[int, int]]:
        """Acquaintances put aside: (the week they are free again, person), in heap order."""
        return self.model.markets.later(self.model.ledger, self.nid)

    def contact_hours(self) -> float:
        """Hours this week in which customers can be reached (S9): ``model.contact_hours``."""
        return float(self.model.contact_hours(np.array([self.nid]))[0])

    def step(self) -> None:
        """A week of contacts, for this networker alone (the model runs everyone's at once,
        ``NetworkMarketingModel.contacts``)."""
        if self.active:
            ids = np.array([self.nid])
            self.model.contacts(ids, self.model.contact_counts(ids))

    def _run(self, rule, *args, random: bool = True):
        """Run one compiled rule for this networker, then settle what it did."""
        model = self.model
        model.markets.make_room(model, self.nid, 64)
        world = model.world()
        out = rule(world, model.rng, self.nid, *args) if random else rule(world, self.nid, *args)
        model.settle()
        return out

    def make_contacts(self, n: int) -> int:
        """``n`` contacts: whom, what, and the outcome of each (docs/model.md §3.2-§3.5)."""
        return self._run(make_contacts, n)

    def next_contact(self) -> tuple[int, bool]:
        person, warm = self._run(next_contact)
        return int(person), bool(warm)

    def pitch(self, person: int, warm: bool) -> bool | None:
        """True on success, False on a refusal, None if the person was in the business."""
        return {SUCCESS: True, REFUSED: False, NEITHER: None}[self._run(pitch, person, warm)]

    def record_success(self) -> None:
        self._run(record_success, random=False)

    def record_refusal(self) -> bool:
        return bool(self._run(record_refusal, random=False))

    def count_dry_week(self, dry: bool) -> None:
        self._run(count_dry_week, dry, random=False)


# ---- where the warm markets live ---------------------------------------------------------


@njit(**COMPILED)
def _compact(old_free, old_person, heap_start, heap_len, heap_cap, live, new_free, new_person):
    """Pack the heaps of networkers ``live`` into the new pool, each with room to
    grow (docs/model.md §3.2); returns the pool's new top."""
    top = 0
    for nid in live:
        n, start = heap_len[nid], heap_start[nid]
        cap = max(4, 2 * n)
        for i in range(n):
            new_free[top + i] = old_free[start + i]
            new_person[top + i] = old_person[start + i]
        heap_start[nid], heap_cap[nid] = top, cap
        top += cap
    return top


class Markets:
    """Everyone's warm market and the acquaintances they put aside, in flat arrays.

    A networker's warm market is a slice of ``warm`` (its bounds are ledger columns); the
    heaps of acquaintances put aside share one pool, which ``make_room`` compacts and grows;
    ``events`` holds what the compiled rules did, until the model settles it.
    """

    ARRAYS = ("warm", "pool_free", "pool_person", "events", "counters")

    def __init__(self):
        self.warm = np.zeros(1 << 12, dtype=np.int32)
        self.warm_top = 0
        self.pool_free = np.zeros(1 << 12, dtype=np.int32)
        self.pool_person = np.zeros(1 << 12, dtype=np.int32)
        self.events = np.zeros((1 << 12, 3), dtype=np.int64)
        self.counters = np.zeros(2, dtype=np.int64)

    def arrays(self) -> dict[str, np.ndarray]:
        """Its arrays (``ARRAYS``), not copied: the ones the compiled rules receive."""
        return {name: getattr(self, name) for name in self.ARRAYS}

    def adopt(self, start) -> None:
        """Take over the warm markets and heaps of an established company (``sim.model.Start``;
        the ledger's columns point into them)."""
        self.warm = np.concatenate([start.warm, np.zeros(1 << 12, dtype=np.int32)])
        self.warm_top = len(start.warm)
        self.pool_free = start.pool_free.copy()
        self.pool_person = start.pool_person.copy()
        self.counters[POOL_TOP] = start.pool_top

    def give(self, ledger, nids: np.ndarray, people: list[np.ndarray]) -> None:
        """Networkers ``nids`` will approach ``people[i]``, in this order."""
        flat = np.concatenate(people) if people else np.zeros(0, np.int32)
        lengths = np.array([len(p) for p in people], dtype=np.int64)
        self.append(ledger, nids, flat, lengths)

    def append(self, ledger, nids: np.ndarray, flat: np.ndarray, lengths: np.ndarray) -> None:
        """``give``, with the lists concatenated (``flat``) and their ``lengths``."""
        need = self.warm_top + len(flat)
        if need > len(self.warm):
            grown = np.zeros(max(need, 2 * len(self.warm)), dtype=np.int32)
            grown[: self.warm_top] = self.warm[: self.warm_top]
            self.warm = grown
        self.warm[self.warm_top : need] = flat
        starts = self.warm_top + np.concatenate(([0], np.cumsum(lengths)[:-1]))
        cols = ledger.cols
        cols["warm_start"][nids] = starts
        cols["warm_next"][nids] = starts
        cols["warm_end"][nids] = starts + lengths
        self.warm_top = need

    def later(self, ledger, nid: int) -> list[tuple[int, int]]:
        start, n = ledger.cols["heap_start"][nid], ledger.cols["heap_len"][nid]
        return list(zip(self.pool_free[start : start + n].tolist(),
                        self.pool_person[start : start + n].tolist(), strict=True))  # fmt: skip

    def make_room(self, model: mesa.Model, nid: int, contacts: int) -> None:
        """Room in the pool and the events buffer for ``contacts`` contacts of ``nid``."""
        if self.counters[N_EVENTS] + contacts + 1 > len(self.events):
            model.settle()
            if contacts + 1 > len(self.events):
                self.events = np.zeros((2 * (contacts + 1), 3), dtype=np.int64)
        cols = model.ledger.cols
        heap_len = int(cols["heap_len"][nid])
        room = 4 * (2 * heap_len + int(cols["warm_end"][nid] - cols["warm_next"][nid]))
        room += 4 * contacts * (1 + MAX_REFERRALS) + 8
        if self.counters[POOL_TOP] + room <= len(self.pool_free):
            return
        live = np.flatnonzero(model.ledger.active | (np.arange(model.ledger.n) == nid))
        size = int(cols["heap_len"][live].astype(np.int64).sum())
        capacity = max(len(self.pool_free), 4 * (2 * size + 4 * len(live) + room))
        new_free = np.zeros(capacity, dtype=np.int32)
        new_person = np.zeros(capacity, dtype=np.int32)
        self.counters[POOL_TOP] = _compact(
            self.pool_free, self.pool_person, cols["heap_start"], cols["heap_len"],
            cols["heap_cap"], live, new_free, new_person,
        )  # fmt: skip
        self.pool_free, self.pool_person = new_free, new_person
        gone = np.ones(model.ledger.n, dtype=bool)
        gone[live] = False
        cols["heap_len"][: model.ledger.n][gone] = 0  # the heaps of those who left are dropped
