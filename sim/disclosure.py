"""The income disclosure, two ways (issue 23, docs/model.md §5.6): what a company publishes
about one year of its members' income, and the truth about the same year beside it.

A company's income disclosure statement (IDS) counts the members who were still active at
the year's end and reached a paid rank, and shows what the company paid them (commissions
and recruiting rewards), rank by rank; its fine print says that members who left, expenses
and purchases are not in it. The truth counts everyone who was a member at any time of the
year, with what the business brought them (gross income with the retail margin) less what
it cost them (``Ledger.business_costs``). The recruiter's story is the top 0.1 %.

Both come from one year (52 weeks) of the scenario as an established company at company
scale (``COMPANY_SCALE`` people, or the scenario's size if larger): ``disclose`` steps it
and reads the ledger at each month's close. At 10^6 people that takes most of a minute, so
``stored_disclosure`` keeps each one computed: in the package for the scenario library
(``scripts/disclosures.py`` writes them) and in the user's cache folder for the rest.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.i18n import DEFAULT_LANG, fmt_eur, fmt_int, fmt_pct, t
from sim.scenario import Scenario, history_key

if TYPE_CHECKING:
    import pandas as pd

COMPANY_SCALE = 1_000_000  # people in the market of a disclosure, unless the scenario has more
YEAR_WEEKS = 52
TOP_SHARE = 0.001  # the recruiter's story: the top 0.1 % of members
EUR_PER_USD = 0.92  # assumption: the ECB's average reference rate of 2024 (1.082 USD per EUR)
CENT = 0.005  # money within half a cent of zero is zero
GAINED_MUCH = 1_000.0  # EUR: the pictograph's line between gaining a little and more
PAID_RANK = "paid"  # the one implicit rank of a plan without a ladder
FORMAT = 1  # of the stored files: a change in what they hold raises it

# the targets D1-D3 (docs/calibration.md): (low, high) of a share, or a threshold in EUR
D1_LIMIT_EUR = 1_000 * EUR_PER_USD  # FTC staff report on 70 IDS, Sept 2024: >= 75 % get less
D1_MIN_SHARE = 0.75
D2_RANGE = (0.50, 0.90)  # Herbalife 2012 88 %, AdvoCare 2016 72 %, FTC 2024
D3_TOP_EUR = 100_000 * EUR_PER_USD  # Herbalife 2013: at least one member earns this much

# The pictograph's categories (Bosley et al. 2025, J. Consumer Policy 48), by net income in
# the year: a loss, nothing (within a cent of zero), a gain below GAINED_MUCH, and more.
PICTOGRAPH = ("lost", "nothing", "gained_little", "gained_more")
MARKS = dict(zip(PICTOGRAPH, "xo+#", strict=True))  # the pictograph as text


@dataclass(frozen=True)
class RankRow:
    """One paid rank as the company's disclosure shows it: the members still active at
    the year's end whose highest rank in the year it was, and what the company paid them
    in the year (commissions and recruiting rewards, EUR)."""

    rank: int
    title: str
    members: int
    share_of_active: float
    mean: float
    median: float
    low: float
    high: float


@dataclass(frozen=True)
class CompanyFraming:
    """The disclosure as companies publish it (``RankRow`` per rank of the ladder).

    Attributes:
        active_end: members active at the year's end (the statement's denominator).
        ranked: of these, the ones who reached a paid rank in the year.
        ranks: one row per rank, lowest first.
        left_excluded: members who left during the year: not in the statement.
    """

    active_end: int
    ranked: int
    ranks: tuple[RankRow, ...]
    left_excluded: int

    @property
    def ranked_share(self) -> float:
        return self.ranked / self.active_end if self.active_end else 0.0


@dataclass(frozen=True)
class Truth:
    """The same year for everyone who was a member at any time of it (who quit and who
    joined included): net income = gross (retail margin, commissions, recruiting rewards)
    less the business's costs (joining costs, fees, expenses and the purchases made only to
    stay qualified; what is bought for own use is not a cost: ``Ledger.business_costs``).

    Attributes:
        members: everyone who was a member at any time of the year.
        joined, left: of these, who joined during the year, who left during it.
        median_net, mean_net: EUR in the year.
        share_nothing: received nothing at all (gross 0).
        share_lost: net income below zero.
        pictograph: of 100 members, how many in each of ``PICTOGRAPH`` (sums to 100).
        counts: the members in each of ``PICTOGRAPH``.
    """

    members: int
    joined: int
    left: int
    median_net: float
    mean_net: float
    share_nothing: float
    share_lost: float
    pictograph: tuple[int, int, int, int]
    counts: tuple[int, int, int, int]


@dataclass(frozen=True)
class RecruiterStory:
    """The top ``TOP_SHARE`` of members by gross income in the year, the success story a
    recruiter tells: how many people that is, their average gross and net income, the
    least of them (the threshold), and the single highest."""

    people: int
    mean_gross: float
    mean_net: float
    threshold_gross: float
    highest_gross: float
    highest_net: float


@dataclass(frozen=True)
class Target:
    """A target D1-D3 measured on the disclosure (docs/calibration.md)."""

    key: str
    value: float
    low: float | None
    high: float | None
    holds: bool


@dataclass(frozen=True)
class Disclosure:
    """One year of an established company, two ways (``disclose``).

    Attributes:
        scenario: the scenario's name.
        seed, people: the run's seed and the people in its market.
        company_age_years: the company's age at the year's start.
        ladder: the rank titles of the plan's ladder; empty: one implicit rank, "paid".
        company, truth, recruiter: the three views.
        targets: D1-D3.
        key: what the disclosure depends on, hashed (``disclosure_key``).
    """

    scenario: str
    seed: int
    people: int
    company_age_years: int
    ladder: tuple[str, ...]
    company: CompanyFraming
    truth: Truth
    recruiter: RecruiterStory
    targets: tuple[Target, ...]
    key: str = ""
    weeks: int = YEAR_WEEKS
    eur_per_usd: float = EUR_PER_USD
    version: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        """Every figure, JSON-safe (NaN becomes None)."""
        return _json_safe(asdict(self))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Disclosure:
        """The disclosure ``to_dict`` gave (as read back from JSON)."""
        c, tr = d["company"], d["truth"]
        company = CompanyFraming(
            c["active_end"], c["ranked"], tuple(RankRow(**_nan(r)) for r in c["ranks"]),
            c["left_excluded"],
        )  # fmt: skip
        truth = Truth(**{**tr, "pictograph": tuple(tr["pictograph"]),
                         "counts": tuple(tr["counts"])})  # fmt: skip
        return cls(
            **{k: v for k, v in d.items()
               if k not in ("company", "truth", "recruiter", "targets", "ladder")},
            ladder=tuple(d["ladder"]), company=company, truth=truth,
            recruiter=RecruiterStory(**d["recruiter"]),
            targets=tuple(Target(**x) for x in d["targets"]),
        )  # fmt: skip

    def rank_table(self) -> pd.DataFrame:
        """The company's framing, one row per rank."""
        import pandas as pd  # a second and a half: not for the text from the cache

        cols = list(RankRow.__dataclass_fields__)
        return pd.DataFrame([asdict(r) for r in self.company.ranks], columns=cols)

    def frame(self) -> pd.DataFrame:
        """Every figure as a long table (``view``, ``row``, ``measure``, ``value``): the CSV."""
        import pandas as pd

        rows: list[tuple[str, str, str, Any]] = []
        for r in self.company.ranks:
            for k, v in asdict(r).items():
                if k not in ("rank", "title"):
                    rows.append(("company", r.title, k, v))
        for k in ("active_end", "ranked", "left_excluded"):
            rows.append(("company", "", k, getattr(self.company, k)))
        for k, v in asdict(self.truth).items():
            if k in ("pictograph", "counts"):
                rows += [("truth", cat, k, n) for cat, n in zip(PICTOGRAPH, v, strict=True)]
            else:
                rows.append(("truth", "", k, v))
        rows += [("recruiter", "", k, v) for k, v in asdict(self.recruiter).items()]
        for x in self.targets:
            rows += [("target", x.key, "value", x.value), ("target", x.key, "holds", x.holds)]
        return pd.DataFrame(rows, columns=["view", "row", "measure", "value"])


def _nan(d: dict[str, Any]) -> dict[str, Any]:
    """The figures ``to_dict`` wrote as None (a rank nobody reached) as NaN again."""
    return {k: math.nan if v is None else v for k, v in d.items()}


def _json_safe(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_json_safe(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


# ---- the year ------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]  # (stage "history" or "year", done, total)


def company_people(scenario: Scenario, people: int | None = None) -> int:
    """The people of a disclosure's market: ``people``, else ``COMPANY_SCALE`` or the
    scenario's size if larger."""
    return max(COMPANY_SCALE, scenario.population.size) if people is None else int(people)


def at_company_scale(scenario: Scenario, seed: int | None = None,
                     people: int | None = None) -> Scenario:  # fmt: skip
    """The scenario of a disclosure: ``people`` in the market, one year, the seed.

    Raises:
        ScenarioError: ``people`` or ``seed`` out of range (the message names the key).
    """
    values: dict[str, Any] = {
        "population.size": company_people(scenario, people),
        "simulation.weeks": YEAR_WEEKS,
    }
    if seed is not None:
        values["simulation.seed"] = int(seed)
    return scenario.with_overrides(values, origin="disclosure")


def disclose(
    scenario: Scenario,
    seed: int | None = None,
    people: int | None = None,
    progress: Progress | None = None,
) -> Disclosure:
    """One year of ``scenario`` as an established company, two ways.

    Args:
        scenario: a validated scenario; its ``simulation.company_age_years`` of history
            come first (``sim.model.establish``), then 52 weeks of its view.
        seed: the seed (default: the scenario's).
        people: the people in the market (default: ``company_people``).
        progress: called with ("history", weeks done, weeks) as the history runs (once
            with 0 first), then ("year", months done, 13) at each month's close.

    Raises:
        ScenarioError: ``people`` or ``seed`` out of range.
    """
    from sim.model import WEEKS_PER_MONTH, NetworkMarketingModel, establish

    s = at_company_scale(scenario, seed, people)
    seed = s.simulation.seed
    months = YEAR_WEEKS // WEEKS_PER_MONTH
    age = s.simulation.company_age_years
    start = None
    if age > 0:
        if progress:
            progress("history", 0, age * YEAR_WEEKS)
        start = establish(
            s, seed, progress and (lambda done, all_: progress("history", done, all_))
        )
    model = NetworkMarketingModel(s, seed, start=start, detailed=False)
    lg = model.ledger
    n0 = lg.n
    gross0, costs0 = lg.gross.copy(), lg.business_costs.copy()
    paid_before = _company_paid(lg)
    highest = np.full(n0, -1, dtype=np.int64)
    ladder = tuple(getattr(s.compensation, "rank_titles", ()) or ())
    if progress:
        progress("year", 0, months)
    for week in range(1, YEAR_WEEKS + 1):
        model.step()
        if week % WEEKS_PER_MONTH:
            continue
        paid_now = _company_paid(lg)
        highest = _grow(highest, lg.n, -1)
        if ladder:  # the ledger has a rank column always: -1 for all without a ladder
            rank = lg.cols["rank"][: lg.n].astype(np.int64)
        else:
            rank = np.where(paid_now - _grow(paid_before, lg.n, 0.0) > CENT, 0, -1)
        np.maximum(highest, rank, out=highest)
        paid_before = paid_now
        if progress:
            progress("year", week // WEEKS_PER_MONTH, months)
    n = lg.n
    gross = lg.gross - _grow(gross0, n, 0.0)
    net = gross - (lg.business_costs - _grow(costs0, n, 0.0))
    company_paid = _company_paid(lg) - _grow(_company_paid_of(start, n0), n, 0.0)
    active = lg.active
    left = lg.exit_week >= 0
    titles = ladder or (PAID_RANK,)
    return Disclosure(
        scenario=scenario.name,
        seed=seed,
        people=s.population.size,
        company_age_years=s.simulation.company_age_years,
        ladder=ladder,
        company=company_framing(company_paid, highest, active, titles, int(left.sum())),
        truth=truth_of(gross, net, joined=n - n0, left=int(left.sum())),
        recruiter=recruiter_story(gross, net),
        targets=targets(company_paid),
        key=disclosure_key(s),
        version=package_version(),
    )


def _company_paid(lg) -> np.ndarray:
    """What the company paid each networker so far: commissions and recruiting rewards."""
    return lg.commission + lg.recruiting_reward


def _company_paid_of(start, n0: int) -> np.ndarray:
    if start is None:
        return np.zeros(n0)
    return (start.ledger["commission"] + start.ledger["recruiting_reward"]).astype(np.float64)


def _grow(a: np.ndarray, n: int, fill: float) -> np.ndarray:
    """``a`` padded with ``fill`` to length ``n`` (the rows of those who joined since)."""
    if len(a) >= n:
        return a
    return np.concatenate([a, np.full(n - len(a), fill, dtype=a.dtype)])


def company_framing(
    paid: np.ndarray, highest: np.ndarray, active: np.ndarray, titles: tuple[str, ...],
    left: int,
) -> CompanyFraming:  # fmt: skip
    """The company's statement: the members active at the year's end, by the highest paid
    rank they reached in the year, with what the company paid them (``paid``, EUR)."""
    active_end = int(active.sum())
    rows = []
    for r, title in enumerate(titles):
        x = paid[active & (highest == r)]
        if len(x):
            stats = (float(x.mean()), float(np.median(x)), float(x.min()), float(x.max()))
        else:
            stats = (math.nan,) * 4
        share = len(x) / active_end if active_end else 0.0
        rows.append(RankRow(r, title, len(x), share, *stats))
    ranked = int((active & (highest >= 0)).sum())
    return CompanyFraming(active_end, ranked, tuple(rows), left)


def truth_of(gross: np.ndarray, net: np.ndarray, joined: int, left: int) -> Truth:
    """The year for everyone who was a member in it: ``gross`` and ``net`` income each."""
    members = len(net)
    counts = pictograph_counts(net)
    if members == 0:
        return Truth(0, joined, left, math.nan, math.nan, 0.0, 0.0, (0, 0, 0, 0), counts)
    return Truth(
        members=members,
        joined=joined,
        left=left,
        median_net=float(np.median(net)),
        mean_net=float(net.mean()),
        share_nothing=float(np.count_nonzero(gross <= CENT)) / members,
        share_lost=counts[0] / members,
        pictograph=largest_remainder(counts, 100),
        counts=counts,
    )


def pictograph_counts(net: np.ndarray) -> tuple[int, int, int, int]:
    """How many of ``net`` fall in each of ``PICTOGRAPH``."""
    lost = int(np.count_nonzero(net < -CENT))
    nothing = int(np.count_nonzero(np.abs(net) <= CENT))
    more = int(np.count_nonzero(net >= GAINED_MUCH))
    return lost, nothing, len(net) - lost - nothing - more, more


def largest_remainder(counts: tuple[int, ...], total: int) -> tuple[int, ...]:
    """``counts`` scaled to sum to exactly ``total`` (Hamilton's largest-remainder method):
    each gets the whole part of its share, the ones left go to the largest remainders (ties
    to the earlier category)."""
    whole = sum(counts)
    if whole == 0:
        return tuple(0 for _ in counts)
    exact = [c * total / whole for c in counts]
    out = [math.floor(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return tuple(out)


def recruiter_story(gross: np.ndarray, net: np.ndarray) -> RecruiterStory:
    """The top ``TOP_SHARE`` of members by gross income (at least one person)."""
    if len(gross) == 0:
        return RecruiterStory(0, *(math.nan,) * 5)
    k = max(1, math.ceil(TOP_SHARE * len(gross)))
    order = np.argsort(-gross, kind="stable")
    top = order[:k]
    best = order[0]
    return RecruiterStory(
        people=k,
        mean_gross=float(gross[top].mean()),
        mean_net=float(net[top].mean()),
        threshold_gross=float(gross[top[-1]]),
        highest_gross=float(gross[best]),
        highest_net=float(net[best]),
    )


def targets(company_paid: np.ndarray) -> tuple[Target, ...]:
    """D1-D3 (docs/calibration.md) over everyone who was a member at any time of the year,
    on what the company paid them in it (an IDS's measure: before expenses, without the
    retail margin, which is not in the company's books)."""
    n = len(company_paid)
    d1 = float(np.count_nonzero(company_paid <= D1_LIMIT_EUR)) / n if n else math.nan
    d2 = float(np.count_nonzero(company_paid <= CENT)) / n if n else math.nan
    d3 = float(company_paid.max()) if n else 0.0
    lo2, hi2 = D2_RANGE
    return (
        Target("D1", d1, D1_MIN_SHARE, None, bool(d1 >= D1_MIN_SHARE)),
        Target("D2", d2, lo2, hi2, bool(lo2 <= d2 <= hi2)),
        Target("D3", d3, D3_TOP_EUR, None, bool(d3 >= D3_TOP_EUR)),
    )


# ---- in words ------------------------------------------------------------------------------


def rank_title(title: str, ladder: bool, lang: str = DEFAULT_LANG) -> str:
    """A rank's name: the ladder's own title, or the implicit paid rank's in ``lang``."""
    return title if ladder else t("disclosure.rank_paid", lang)


def rank_share(share: float, lang: str = DEFAULT_LANG) -> str:
    """A rank's share of the active members as a statement prints it: a rank of a few in a
    thousand is "0.43 %", not "0 %" (nobody is "0 %" unless nobody holds the rank)."""
    digits = 0 if share == 0 or share >= 0.1 else 1 if share >= 0.01 else 2
    return fmt_pct(share, lang, digits)


def pictograph_rows(counts: tuple[int, ...]) -> list[str]:
    """The pictograph of 100 as 10 rows of 10 marks, the categories in order."""
    marks = "".join(mark * n for mark, n in zip(MARKS.values(), counts, strict=True))
    return [marks[i : i + 10] for i in range(0, 100, 10)]


def pictograph_labels(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """The names of the pictograph's categories (``PICTOGRAPH``) in ``lang``."""
    limit = fmt_eur(GAINED_MUCH, lang)
    return {key: t(f"disclosure.{key}", lang, limit=limit) for key in MARKS}


def target_line(x: Target, lang: str = DEFAULT_LANG) -> str:
    """A target D1-D3 in words: what it counts, its value, its band and whether it holds."""
    if x.key == "D3":
        value, low, high = fmt_eur(x.value, lang), fmt_eur(x.low, lang), ""
    else:
        value, low = fmt_pct(x.value, lang, 1), fmt_pct(x.low, lang)
        high = fmt_pct(x.high, lang) if x.high is not None else ""
    limit = t("disclosure.usd", lang, usd=fmt_int(1000, lang), eur=fmt_eur(D1_LIMIT_EUR, lang))
    verdict = t(f"disclosure.{'holds' if x.holds else 'fails'}", lang)
    text = t(f"disclosure.{x.key}", lang, value=value, low=low, high=high, limit=limit)
    return f"{text}: {verdict}"


# ---- kept once computed --------------------------------------------------------------------


def package_version() -> str:
    try:
        return version("networker-sim")
    except PackageNotFoundError:
        return "0"


def disclosure_key(scenario: Scenario) -> str:
    """What a disclosure of ``scenario`` (as ``at_company_scale`` made it) depends on,
    hashed: its history's content (``sim.scenario.history_key``), the people, the seed, the
    package's version and the stored format."""
    content = repr((history_key(scenario), scenario.simulation.seed, package_version(), FORMAT))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]


class Source(StrEnum):
    """Where a disclosure shown came from."""

    SHIPPED = "shipped"  # the package's, computed by scripts/disclosures.py
    CACHE = "cache"  # the user's cache folder
    COMPUTED = "computed"  # just now


SHIPPED_FOLDER = "disclosures"  # sim/_data/disclosures/<name>.json in a wheel
_NAME = re.compile(r"[a-z0-9_]+")


def cache_folder() -> Path | None:
    """The user's cache folder for disclosures (``~/.cache/networker-sim/disclosures``)."""
    from sim.resources import _user_cache

    user = _user_cache()
    return None if user is None else user / "networker-sim" / SHIPPED_FOLDER


def shipped_path(name: str) -> Path | None:
    """The package's disclosure of the library scenario ``name`` (it may not exist)."""
    from sim.resources import shipped

    return shipped(SHIPPED_FOLDER) / f"{name}.json" if _NAME.fullmatch(name) else None


def read_disclosure(path: Path, key: str) -> Disclosure | None:
    """The disclosure stored at ``path`` if it is there, whole, and of ``key``."""
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        if d.get("key") != key:
            return None
        return Disclosure.from_dict(d)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, half a file of an older format, or not ours: compute anew


def disclosure_json(d: Disclosure) -> str:
    return json.dumps(d.to_dict(), ensure_ascii=False, indent=1) + "\n"


def stored_disclosure(
    scenario: Scenario,
    seed: int | None = None,
    people: int | None = None,
    progress: Progress | None = None,
) -> tuple[Disclosure, Source]:
    """``disclose``, computed once and kept: the package's copy for a library scenario
    as shipped, else the user's cache, else computed now and written to the cache (whole
    or not at all; a cache that cannot be written is left out).

    Raises:
        ScenarioError: ``people`` or ``seed`` out of range.
    """
    from sim.results import write_atomic

    key = disclosure_key(at_company_scale(scenario, seed, people))
    path = shipped_path(scenario.name)
    if path is not None and (d := read_disclosure(path, key)) is not None:
        return d, Source.SHIPPED
    folder = cache_folder()
    if folder is not None and (d := read_disclosure(folder / f"{key}.json", key)) is not None:
        return d, Source.CACHE
    d = disclose(scenario, seed, people, progress)
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / f"{key}.json", disclosure_json(d))
        except OSError:
            pass  # a read-only home: shown all the same, computed again next time
    return d, Source.COMPUTED
