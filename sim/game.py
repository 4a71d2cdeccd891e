"""The class game (issue 25): every student runs one networker inside the teacher's company.

The company is the scenario's established company (``sim.model.establish``), run by the
model's rules as always. Students join it like anyone else (as ``sim.me`` lets people like
the user join): a random prospect of the market, sponsored by a random active networker, with
their own acquaintances of the social graph as warm market. A round is a month of the model
(four weeks, closed by the month's money). Before each round a student decides (``Decision``)
the hours, the share of pitches that recruit, whether to approach friends first or strangers
only, whether to keep the autoship, whether to buy the training, and whether to quit; a
student who does not decide keeps the last choices. The model reads these choices from the
played networker's ledger columns (``sim.networker.CHOICES``); every other networker keeps the
columns' initial values, which leave the rules as they are, so a game without students is the
simulation unchanged. Refusals reach a student as they reach anyone, but no rule of the model
ends a student's membership: the month's report says when a rule would have (``lost_heart``).

Everything random comes from the model's generator, in the order of the game's calls: the same
scenario, seed, joins and decisions in the same rounds give the same game (``log``/``replay``).
"""

from __future__ import annotations

import hmac
import math
import random
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from functools import wraps
from numbers import Real
from typing import Any

import numpy as np

from sim.i18n import DEFAULT_LANG, KeyedError, t
from sim.model import WEEKS_PER_MONTH, NetworkMarketingModel, collector_spared
from sim.networker import FRIENDS_FIRST, STRANGERS_ONLY, draw_traits
from sim.population import PROSPECT, ExitReason
from sim.scenario import SECTIONS, Scenario, param_specs, scenario_from_dict

HOURS = (0.5, 40.0)  # hours per week a student may choose
APPROACHES = {"friends": FRIENDS_FIRST, "strangers": STRANGERS_ONLY}
MAX_ROUNDS = 60  # five years of months
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed in class
CODE_LENGTH = 5
NICKNAME_MAX = 24
SIMILAR_HOURS = 0.25  # the reveal's simulated networkers with similar hours: within ±25 %
LOG_VERSION = 1
ADJECTIVES = (
    "Brave", "Calm", "Clever", "Curious", "Eager", "Fast", "Gentle", "Happy", "Honest", "Jolly",
    "Kind", "Lucky", "Merry", "Noble", "Quick", "Quiet", "Sunny", "Swift", "Wise", "Witty",
)  # fmt: skip
ANIMALS = (
    "Badger", "Beaver", "Crane", "Dolphin", "Eagle", "Falcon", "Fox", "Gecko", "Hare", "Heron",
    "Koala", "Lynx", "Marten", "Otter", "Owl", "Panda", "Puffin", "Raven", "Seal", "Wolf",
)  # fmt: skip


class GameError(KeyedError):
    """A choice or request the game refuses; ``key`` names its message under ``game.error``
    in sim/locales/<lang>/core.toml."""

    PREFIX = "game.error"


def _number(x: Any) -> bool:
    """A finite number (numpy's too), not a truth value."""
    return isinstance(x, Real) and not isinstance(x, bool | np.bool_) and math.isfinite(x)


@dataclass(frozen=True)
class Decision:
    """A student's choices for the coming month, checked when made (``GameError``).

    Attributes:
        hours: hours per week, ``HOURS`` (0.5 to 40).
        recruiting: the share of pitches aimed at recruiting, the rest at selling, 0 to 1.
        approach: "friends": friends first, those who said no before again once their
            cool-down has passed, strangers only when no friend can be approached that week
            (the model's rule for every networker); "strangers": strangers only.
        autoship: keep the monthly purchase (the scenario's ``costs.required_purchase``).
        training: buy the company's training (once, on the scenario's terms).
        quit: leave the company now; final.
    """

    hours: float = 5.0
    recruiting: float = 0.5
    approach: str = "friends"
    autoship: bool = True
    training: bool = False
    quit: bool = False

    def __post_init__(self) -> None:
        lo, hi = HOURS
        if not (_number(self.hours) and lo <= self.hours <= hi):
            raise GameError("hours", value=_shown(self.hours), lo=lo, hi=hi)
        if not (_number(self.recruiting) and 0 <= self.recruiting <= 1):
            raise GameError("recruiting", value=_shown(self.recruiting))
        if self.approach not in APPROACHES:
            raise GameError("approach", value=_shown(self.approach),
                            choices=" / ".join(APPROACHES))  # fmt: skip
        for name in ("autoship", "training", "quit"):
            value = getattr(self, name)
            if not isinstance(value, bool | np.bool_):
                raise GameError("flag", name=name, value=_shown(value))
            object.__setattr__(self, name, bool(value))
        object.__setattr__(self, "hours", float(self.hours))
        object.__setattr__(self, "recruiting", float(self.recruiting))

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: Decision | None = None) -> Decision:
        """A decision from plain data (a form, a log): the keys given replace ``base``'s."""
        names = [f.name for f in fields(cls)]
        if not isinstance(data, dict):
            raise GameError("unknown", choice=_shown(data), keys=", ".join(names))
        for key in data:
            if key not in names:
                raise GameError("unknown", choice=_shown(key), keys=", ".join(names))
        return replace(base or DEFAULT_DECISION, **data)


def _shown(value: Any) -> str:
    """A value as an error message shows it: one line, at most 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def default_decision(scenario: Scenario) -> Decision:
    """What a student starts with: the scenario's median hours of a part-timer
    (``networker.hours_median``) and the share of a builder's pitches that recruit
    (``networker.recruiting_focus``), friends first as every networker approaches people,
    the autoship kept (as every member buys it), no training, staying in."""
    nw = scenario.networker
    return Decision(hours=min(max(nw.hours_median, HOURS[0]), HOURS[1]),
                    recruiting=nw.recruiting_focus)  # fmt: skip


_SPECS = param_specs()
# the defaults of the scenario parameters (networker.hours_median 5 h/week: Branchenreport
# Direktvertrieb 2009; networker.recruiting_focus 0.5: assumption), as ``default_decision``
DEFAULT_DECISION = Decision(hours=_SPECS["networker.hours_median"]["default"],
                            recruiting=_SPECS["networker.recruiting_focus"]["default"])  # fmt: skip


@dataclass(frozen=True)
class MonthReport:
    """One student's month (a round), as the student sees it. Money in EUR.

    Attributes:
        round: the round (month) of the game, from 1.
        contacts: people approached this month.
        refusals: no's heard this month.
        customers_won: new customers this month (those handed over by a downline who quit
            included); ``customers``: all of them at the month's end.
        recruits: networkers personally enrolled this month.
        commissions: commissions and recruiting rewards.
        retail_margin: the margin on sales to customers.
        purchases: own purchases (the autoship), as paid.
        fees: monthly fees.
        joining: the starter kit and entry fee (in the month of joining).
        training: the training's fee (in the month it was bought).
        expenses: travel, samples, phone: the other costs of the hours with people.
        product_value: the part of the purchases the scenario counts as value received
            (``costs.own_purchase_value_share``): net = money in - money out + this.
        money_in, money_out: the sums of the above.
        net: the month's net income, as the model's ledger counts it.
        cumulative_net: the net income since joining (the ledger's ``net``).
        rank: the paid-as rank of the month (-1 for none).
        active: still a member at the month's end.
        lost_heart: a rule of the model would have made the student give up this month
            after too many refusals in a row (``refusals_in_a_row`` reached ``tolerance``).
        refusals_in_a_row: the longest run of refusals this month (a stranger's no counts
            the scenario's ``cold_refusal_weight``).
        tolerance: the refusals in a row the student's rule takes (it grows with experience).
        would_quit: the reasons for which a rule of the model would have ended the
            membership this month (discouraged, financial, life, no_market; none: empty).
        percentile: where ``cumulative_net`` stands among everyone who was a member (the
            company's members at the start and everyone who joined since), 0 to 100.
    """

    round: int
    contacts: int
    refusals: int
    customers_won: int
    customers: int
    recruits: int
    commissions: float
    retail_margin: float
    purchases: float
    fees: float
    joining: float
    training: float
    expenses: float
    product_value: float
    money_in: float
    money_out: float
    net: float
    cumulative_net: float
    rank: int
    active: bool
    lost_heart: bool
    refusals_in_a_row: float
    tolerance: float
    would_quit: tuple[str, ...]
    percentile: float


@dataclass
class Player:
    """A student in the game.

    Attributes:
        pid: the player's id (0, 1, ... in the order of joining).
        nickname: as shown (sanitised, unique in the game).
        nid: the networker the student runs (a row of the model's ledger).
        joined: the round the student plays first (1 for those who joined before round 1).
        decision: the choices for the coming round (the last ones if none were made).
        decisions: the choices of every round played, by round.
        months: the reports of every round played.
        quit_round: the round in which the student left, or None.
        net_after_first: cumulative net income after the first round played.
    """

    pid: int
    nickname: str
    nid: int
    joined: int
    decision: Decision
    decisions: dict[int, Decision] = field(default_factory=dict)
    months: list[MonthReport] = field(default_factory=list)
    quit_round: int | None = None
    net_after_first: float | None = None
    secret: str = field(default="", repr=False)
    customers_before: set[int] = field(default_factory=set, repr=False)

    @property
    def active(self) -> bool:
        return self.quit_round is None


@dataclass(frozen=True)
class RoundResult:
    """What a round did, for everyone's screen.

    Attributes:
        round: the round just played.
        week: the model's week at its end.
        students: students in the game; ``students_active``: still members.
        members_active: active members of the company (students included).
        seconds: the time the round took to compute.
    """

    round: int
    week: int
    students: int
    students_active: int
    members_active: int
    seconds: float


@dataclass(frozen=True)
class StudentResult:
    """One student at the reveal: ``net`` (cumulative), its ``percentile``, ``active``,
    ``net_after_first`` (quitting after the first month would have left this),
    ``better_by_quitting`` (that was more than ``net``), ``hours`` (mean hours a week while a
    member) and the median net of the simulated networkers with similar hours who joined in
    the game's window (``similar_median``, ``similar_n`` of them)."""

    pid: int
    nickname: str
    nid: int
    net: float
    percentile: float
    active: bool
    net_after_first: float
    better_by_quitting: bool
    hours: float
    similar_median: float
    similar_n: int


@dataclass(frozen=True)
class Reveal:
    """The teacher's reveal (issue 25 §3).

    Attributes:
        round: rounds played.
        students: every student (``StudentResult``).
        class_median: the students' median cumulative net income.
        similar_median: the median net of the simulated networkers who joined in the game's
            window (from the first student's joining to now) and work within ±25 % of a
            student's hours (``similar_n`` of them): the class against people like them.
        better_by_quitting: students who would have done better by quitting after month one.
        share_net_le_zero: the share of everyone who was a member with a net income of 0 or
            less (students and simulated).
        members_net: every member's cumulative net income (for the distribution chart).
        student_nids: the students' networker ids (to mark them in the recruitment tree).
        window: the weeks (first, last) in which the compared networkers joined.
    """

    round: int
    students: tuple[StudentResult, ...]
    class_median: float
    similar_median: float
    similar_n: int
    better_by_quitting: int
    share_net_le_zero: float
    members_net: tuple[float, ...]
    student_nids: tuple[int, ...]
    window: tuple[int, int]


def _locked(method: Callable) -> Callable:
    """The method under the game's lock: a server calls a game from many threads at once
    (students deciding while the teacher advances), and the model is not thread-safe."""

    @wraps(method)
    def locked(self: Game, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return locked


def sanitise(nickname: str) -> str:
    """A nickname as the game shows it: printable letters, digits, spaces and a few signs
    (no markup), whitespace collapsed, at most ``NICKNAME_MAX`` characters; "" if none."""
    text = unicodedata.normalize("NFKC", str(nickname))
    text = "".join(c if c.isprintable() else " " for c in text)
    text = re.sub(r"<[^>]*>", " ", text)  # markup goes whole, not only its brackets
    text = re.sub(r"[<>&\"'`\\/{}\[\]|$*_#=~^]", "", text)
    text = " ".join(text.split())
    return text[:NICKNAME_MAX].strip()


class Game:
    """A class game: one company, its students and their rounds (see the module's text).

    Create it with ``Game.new``; ``replay`` makes the same game again from its ``log``.
    """

    def __init__(self, scenario: Scenario, seed: int, rounds: int, code: str):
        if not (isinstance(rounds, int) and 1 <= rounds <= MAX_ROUNDS):
            raise GameError("rounds", value=_shown(rounds), hi=MAX_ROUNDS)
        self.scenario = scenario
        self.seed = int(seed)
        self.rounds = rounds
        self.code = code
        self.round = 0  # rounds played
        sc = scenario.with_overrides({"simulation.weeks": rounds * WEEKS_PER_MONTH}, origin="game")
        self.model = NetworkMarketingModel(sc, seed=self.seed)
        self.model.on_week_start = self._book_decisions
        self.players: list[Player] = []
        self.events: list[dict[str, Any]] = []
        self.default_decision = default_decision(scenario)
        self._due: list[tuple[Player, Decision]] = []
        self._names = random.Random(self.seed)  # nicknames only: the model's draws stay apart
        self._first_nid, self._first_week = 0, 0
        self._carry = dict.fromkeys(_WEEK_COUNTS, 0)
        self.lock = threading.RLock()

    @classmethod
    def new(cls, scenario: Scenario, seed: int, rounds: int = 12, code: str | None = None) -> Game:
        """A new game of ``rounds`` months in the company of ``scenario`` (built from
        ``seed``), with a new join code unless ``code`` is given."""
        code = code or "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        return cls(scenario, seed, rounds, code)

    @property
    def over(self) -> bool:
        """Whether every round has been played."""
        return self.round >= self.rounds

    @property
    def week(self) -> int:
        """The model's week (0 before round 1; a round is ``WEEKS_PER_MONTH`` weeks)."""
        return self.model.week

    # ---- students --------------------------------------------------------------------------

    @_locked
    def join(self, nickname: str | None = None) -> tuple[int, str]:
        """A student joins the company now (before round 1, or before the coming round):
        returns the player's id and secret."""
        if self.over:
            raise GameError("over", rounds=self.rounds)
        name = self._unique(sanitise(nickname) if nickname is not None else "")
        joined = self._enrol(name)
        self.events.append({"join": name})
        return joined

    def _unique(self, name: str) -> str:
        if not name:
            name = f"{self._names.choice(ADJECTIVES)} {self._names.choice(ANIMALS)}"
        taken = {p.nickname for p in self.players}
        if name not in taken:
            return name
        k = 2
        while (candidate := f"{name[: NICKNAME_MAX - len(str(k)) - 1]} {k}") in taken:
            k += 1
        return candidate

    def _enrol(self, name: str) -> tuple[int, str]:
        model, lg = self.model, self.model.ledger
        prospects = np.flatnonzero(model.population.state == PROSPECT)
        if len(prospects) == 0:
            raise GameError("full")
        person = int(model.rng.choice(prospects))
        active = np.flatnonzero(lg.active)
        sponsor = int(model.rng.choice(active)) if len(active) else -1
        # what the student cannot know about themselves is drawn by the model's rules
        traits = draw_traits(model.params, model.rng, np.array([False]))
        d = self.default_decision
        traits = replace(traits, builder=np.array([True]), hours=np.array([d.hours]),
                         part_time=np.array([self._part_time(d.hours)]))  # fmt: skip
        before = {count: getattr(model, count) for count in _WEEK_COUNTS}
        nid = int(model.enrol_many(np.array([person]), np.array([sponsor]), np.array([False]),
                                   traits=traits, trained=np.array([False]))[0])  # fmt: skip
        # the week of joining is recorded already (or is week 0, which has no record): the
        # starter kit and the recruit count in the coming week of the weekly series
        for count in _WEEK_COUNTS:
            self._carry[count] += getattr(model, count) - before[count]
        lg.played[nid] = True
        player = Player(pid=len(self.players), nickname=name, nid=nid, joined=self.round + 1,
                        decision=d, secret=secrets.token_urlsafe(16))  # fmt: skip
        self._choose(player, d)
        self.players.append(player)
        if len(self.players) == 1:  # the reveal compares with those who joined since
            self._first_nid, self._first_week = nid, model.week
        return player.pid, player.secret

    def _part_time(self, hours: float) -> bool:
        """A student who works more than a part-timer can has no day job (S9, S10)."""
        return hours <= self.model.params.networker.hours_max_part_time

    @_locked
    def player(self, pid: int, secret: str) -> Player:
        """The player ``pid``, for the holder of its secret (else ``PermissionError``)."""
        ok = isinstance(pid, int | np.integer) and not isinstance(pid, bool)
        ok = ok and 0 <= pid < len(self.players)
        given = secret.encode() if isinstance(secret, str) else b""
        real = self.players[pid].secret.encode() if ok else secrets.token_bytes(22)
        if not hmac.compare_digest(given, real) or not ok:
            raise PermissionError(t("game.error.secret", DEFAULT_LANG, pid=_shown(pid)))
        return self.players[pid]

    @_locked
    def decide(self, pid: int, secret: str, decision: Decision) -> None:
        """The choices of player ``pid`` for the coming round (they stay until changed)."""
        player = self.player(pid, secret)
        if not isinstance(decision, Decision):
            decision = Decision.from_dict(decision, player.decision)
        if not player.active:
            raise GameError("left")
        if self.over:
            raise GameError("over", rounds=self.rounds)
        player.decision = decision
        self.events.append({"decide": int(pid), **asdict(decision)})

    @_locked
    def report(self, pid: int, secret: str) -> list[MonthReport]:
        """The months of player ``pid`` so far."""
        return list(self.player(pid, secret).months)

    @_locked
    def standing(self, pid: int) -> float:
        """Where player ``pid``'s net income stands among everyone who was a member, 0-100."""
        return self._percentile(float(self.model.ledger.net[self.players[pid].nid]))

    def _percentile(self, x: float, net: np.ndarray | None = None) -> float:
        net = self.model.ledger.net if net is None else net
        below, same = np.count_nonzero(net < x), np.count_nonzero(net == x)
        return float(100.0 * (below + 0.5 * same) / len(net))

    # ---- rounds ----------------------------------------------------------------------------

    @_locked
    def advance(self) -> RoundResult:
        """One month for everyone: the students' choices take effect at its first week
        (those who did not decide keep the last ones), the model runs four weeks, and every
        student gets the month's report."""
        if self.over:
            raise GameError("over", rounds=self.rounds)
        began = time.perf_counter()
        self.events.append({"advance": self.round + 1})
        lg = self.model.ledger
        self._due = [(p, p.decision) for p in self.players if p.active]
        before = {p.pid: self._snapshot(p) for p in self.players}
        with collector_spared():
            for _ in range(WEEKS_PER_MONTH):
                self.model.step()
        self.round += 1
        net = lg.net
        for p in self.players:
            self._close(p, before[p.pid], net)
        return RoundResult(
            round=self.round,
            week=self.model.week,
            students=len(self.players),
            students_active=sum(p.active for p in self.players),
            members_active=int(np.count_nonzero(lg.active)),
            seconds=time.perf_counter() - began,
        )

    def _book_decisions(self) -> None:
        """The model's hook at the start of a week: the round's choices, at its first week
        (and the joins since the last week, in its counts)."""
        for name, value in self._carry.items():
            setattr(self.model, name, getattr(self.model, name) + value)
        self._carry = dict.fromkeys(_WEEK_COUNTS, 0)
        due, self._due = self._due, []
        if not due:
            return
        quits = [p for p, d in due if d.quit]
        for p in quits:
            p.quit_round = self.round + 1
        if quits:
            self.model.retire_many(np.array([p.nid for p in quits]), ExitReason.CHOSE)
        stay = [(p, d) for p, d in due if not d.quit]
        trained = [p.nid for p, d in stay if d.training and not self.model.ledger.trained[p.nid]]
        for p, d in stay:
            self._choose(p, d)
            p.decisions[self.round + 1] = d
        for p, d in due:
            p.decisions.setdefault(self.round + 1, d)
        if trained:
            self.model.take_training(np.array(trained))

    def _choose(self, player: Player, d: Decision) -> None:
        """Write the choices into the player's ledger row, where the rules read them."""
        lg, nid = self.model.ledger, player.nid
        lg.hours[nid] = d.hours
        lg.part_time[nid] = self._part_time(d.hours)
        lg.recruiting_share[nid] = d.recruiting
        lg.approach[nid] = APPROACHES[d.approach]
        lg.autoship[nid] = d.autoship

    def _snapshot(self, player: Player) -> dict[str, Any]:
        """The player's ledger row before a round (a newcomer's: before joining, so that
        the first month shows the starter kit); the month's rule verdicts start anew."""
        lg, nid = self.model.ledger, player.nid
        lg.would_quit[nid] = 0
        lg.failures_peak[nid] = lg.failures[nid]
        if not player.months:
            return {**dict.fromkeys(_COUNTED, 0.0), "trained": False, "net": 0.0}
        snap = {name: float(lg.cols[name][nid]) for name in _COUNTED}
        snap["trained"] = bool(lg.trained[nid])
        snap["net"] = float(lg.net[nid])
        player.customers_before = set(self.model.population.customers_of(nid).tolist())
        return snap

    def _close(self, player: Player, before: dict[str, Any], net: np.ndarray) -> None:
        """The month's report of ``player`` from the ledger's change since ``before``."""
        lg, nid, p = self.model.ledger, player.nid, self.model.params
        now = {name: float(lg.cols[name][nid]) for name in _COUNTED}
        d = {name: now[name] - before[name] for name in _COUNTED}
        training = p.training.fee if lg.trained[nid] and not before["trained"] else 0.0
        customers = set(self.model.population.customers_of(nid).tolist())
        commissions = d["commission"] + d["recruiting_reward"]
        joining = d["joining_costs"] - training
        money_in = commissions + d["retail_margin"]
        money_out = d["purchases"] + d["fees"] + joining + training + d["expenses"]
        cumulative = float(net[nid])
        reason = int(lg.would_quit[nid])
        report = MonthReport(
            round=self.round,
            contacts=int(d["contacts"]),
            refusals=int(d["refusals_heard"]),
            customers_won=len(customers - player.customers_before),
            customers=len(customers),
            recruits=int(d["recruits"]),
            commissions=commissions,
            retail_margin=d["retail_margin"],
            purchases=d["purchases"],
            fees=d["fees"],
            joining=joining,
            training=training,
            expenses=d["expenses"],
            product_value=d["purchases"] * p.costs.own_purchase_value_share,
            money_in=money_in,
            money_out=money_out,
            net=cumulative - before["net"],
            cumulative_net=cumulative,
            rank=int(lg.rank[nid]),
            active=player.active,
            lost_heart=bool(reason & (1 << ExitReason.DISCOURAGED)),
            refusals_in_a_row=float(lg.failures_peak[nid]),
            tolerance=float(lg.current_tolerance[nid]),
            would_quit=tuple(r.label for r in ExitReason if reason & (1 << r) and r),
            percentile=self._percentile(cumulative, net),
        )
        player.months.append(report)
        if player.net_after_first is None:
            player.net_after_first = cumulative

    # ---- the reveal and the records --------------------------------------------------------

    @_locked
    def reveal(self) -> Reveal:
        """The class in the distribution of all members, and against simulated networkers
        with similar hours who joined in the game's window (issue 25 §3)."""
        lg = self.model.ledger
        net = lg.net
        first = self._first_week if self.players else self.model.week
        since = np.arange(lg.n) >= (self._first_nid if self.players else lg.n)
        simulated = ~lg.played & lg.builder & since
        # hours a week (as now for the simulated: their hours change only by going full-time)
        sim_hours = lg.hours
        students, pooled = [], np.zeros(lg.n, dtype=bool)
        for p in self.players:
            weeks = max(1, int(lg.exit_week[p.nid] if not p.active else self.model.week)
                        - int(lg.join_week[p.nid]))  # fmt: skip
            hours = float(lg.hours_worked[p.nid]) / weeks if self.round else p.decision.hours
            similar = simulated & (np.abs(sim_hours - hours) <= SIMILAR_HOURS * hours)
            pooled |= similar
            x = float(net[p.nid])
            after_first = p.net_after_first if p.net_after_first is not None else x
            students.append(StudentResult(
                pid=p.pid, nickname=p.nickname, nid=p.nid, net=x,
                percentile=self._percentile(x, net), active=p.active,
                net_after_first=after_first, better_by_quitting=after_first > x,
                hours=hours, similar_median=_median(net[similar]),
                similar_n=int(similar.sum()),
            ))  # fmt: skip
        return Reveal(
            round=self.round,
            students=tuple(students),
            class_median=_median(np.array([s.net for s in students])),
            similar_median=_median(net[pooled]),
            similar_n=int(pooled.sum()),
            better_by_quitting=sum(s.better_by_quitting for s in students),
            share_net_le_zero=float(np.mean(net <= 0)) if lg.n else math.nan,
            members_net=tuple(float(x) for x in net),
            student_nids=tuple(p.nid for p in self.players),
            window=(first, self.model.week),
        )

    @_locked
    def rows(self) -> list[dict[str, Any]]:
        """One row per student and round played: the choices and the month (for a CSV).

        The choices keep their names (``training``: whether the student chose the training;
        empty in the months after quitting); the month's money for the training is
        ``training_cost`` (``MonthReport.training``), so that neither hides the other."""
        out = []
        for p in self.players:
            for month in p.months:
                d = p.decisions.get(month.round)
                choices = asdict(d) if d is not None else dict.fromkeys(asdict(DEFAULT_DECISION))
                report = {("training_cost" if k == "training" else k): v
                          for k, v in asdict(month).items()}  # fmt: skip
                out.append({"game": self.code, "seed": self.seed, "scenario": self.scenario.name,
                            "player": p.pid, "nickname": p.nickname, "networker": p.nid,
                            **choices, **report,
                            "would_quit": " ".join(month.would_quit)})  # fmt: skip
        return out

    @_locked
    def log(self) -> dict[str, Any]:
        """The game as plain data, as JSON reads it back (lists, not tuples): the scenario,
        the seed, the rounds and every join, decision and round in order; ``replay`` makes
        the same game from this object or from its JSON."""
        scenario = _plain(self.scenario.to_dict())
        return {
            "version": LOG_VERSION,
            "code": self.code,
            "seed": self.seed,
            "rounds": self.rounds,
            "scenario": {
                "scenario": {k: scenario[k] for k in _TEXTS},
                **{sec: scenario[sec] for sec in SECTIONS},
            },
            "events": [_plain(e) for e in self.events],
        }

    @classmethod
    def replay(cls, log: dict[str, Any]) -> Game:
        """The game of ``log`` made again: the same results, new secrets."""
        try:
            if log.get("version") != LOG_VERSION:
                raise GameError("log", problem=f"version {_shown(log.get('version'))}")
            code = str(log["code"])
            if not (4 <= len(code) <= 6 and set(code) <= set(ALPHABET)):
                raise GameError("log", problem=f"code {_shown(code)}")
            scenario = scenario_from_dict(log["scenario"], "game log")
            game = cls(scenario, int(log["seed"]), log["rounds"], code)
            for event in log["events"]:
                if "join" in event:
                    game._enrol(game._unique(sanitise(str(event["join"]))))
                    game.events.append({"join": game.players[-1].nickname})
                elif "decide" in event:
                    choices = {k: v for k, v in event.items() if k != "decide"}
                    p = game.players[int(event["decide"])]
                    game.decide(p.pid, p.secret, Decision.from_dict(choices))
                elif "advance" in event:
                    game.advance()
                else:
                    raise GameError("log", problem=_shown(event))
        except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
            if isinstance(exc, GameError) and exc.key == "log":
                raise
            raise GameError("log", problem=_shown(str(exc))) from exc
        return game


# the model's counts of a week that an enrolment adds to (``enrol_many``)
_WEEK_COUNTS = ("recruits_this_week", "revenue_this_week", "costs_this_week", "goods_this_week")
_TEXTS = ("name", "description", "description_de", "statements")  # a scenario's [scenario]
_COUNTED = ("commission", "recruiting_reward", "retail_margin", "purchases", "fees",
            "joining_costs", "expenses", "contacts", "refusals_heard", "recruits")  # fmt: skip


def _plain(value: Any) -> Any:
    """``value`` as JSON reads it back: tuples as lists, numpy's numbers as Python's, keys as
    text, so that a log replays the same whether or not it went through a file."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _median(x: np.ndarray) -> float:
    return float(np.median(x)) if len(x) else math.nan
