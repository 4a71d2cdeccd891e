"""Who is asking "what would happen to me?": the traits a person states about themselves,
and which profiles the model can answer for (issue #6).

Apart from ``sim.me``, which runs the futures, so that the command line builds its options
and refuses a profile it cannot answer for without loading the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.i18n import KeyedError

if TYPE_CHECKING:
    from sim.scenario import Scenario

EXPERIENCE = ("none", "some", "experienced")
# 400 futures keep the 95 % interval of any share within +-5 percentage points (worst
# case p = 0.5: 1.96 * 0.5 / sqrt(400) = 4.9 points).
DEFAULT_FUTURES = 400
FOCAL_PER_REPLICATE = 5  # people like the user joining in each run of the model
MAX_MONTHS = 120
MAX_WEEKS = 2600  # the scenario's own limit on simulation.weeks


class ProfileError(KeyedError):
    """A profile that cannot be simulated; ``key`` names its message under ``me.error`` in
    sim/locales/<lang>/*.toml."""

    PREFIX = "me.error"


@dataclass(frozen=True)
class Profile:
    """The person asking.

    Attributes:
        hours: hours per week they would put in.
        tolerance: "no" answers in a row they take before giving up.
        friends: size of their circle of friends and acquaintances (warm market).
        experience: "none", "some" or "experienced" (with an existing following, S8).
        join_week: weeks after the start of the view at which they join (the launch, for
            a company of age 0; else an established company's week 0).
        months: how far to look ahead.
    """

    hours: float = 5.0
    tolerance: int = 4
    friends: int = 50
    experience: str = "none"
    join_week: int = 0
    months: int = 24


def months_to_weeks(months: float) -> int:
    """Weeks in ``months`` calendar months: 3 -> 13, 6 -> 26, 12 -> 52, 24 -> 104."""
    return round(months * 52 / 12)


def check_profile(profile: Profile, scenario: Scenario, futures: int = DEFAULT_FUTURES) -> None:
    """Raise ``ProfileError`` for a profile the model cannot answer for."""
    if not (isinstance(profile.hours, int | float) and 0 < profile.hours <= 100):
        raise ProfileError("hours", value=profile.hours)
    if int(profile.tolerance) != profile.tolerance or not 1 <= profile.tolerance <= 10_000:
        raise ProfileError("tolerance", value=profile.tolerance)
    size = scenario.population.size
    if int(profile.friends) != profile.friends or not 0 <= profile.friends < size:
        raise ProfileError("friends", value=profile.friends, size=size - 1)
    if profile.experience not in EXPERIENCE:
        raise ProfileError("experience", value=profile.experience, choices=" / ".join(EXPERIENCE))
    if not 1 <= profile.months <= MAX_MONTHS:
        raise ProfileError("months", value=profile.months, hi=MAX_MONTHS)
    horizon = scenario.simulation.weeks
    if profile.join_week < 0:  # before the launch: out of range, not beyond the horizon
        raise ProfileError("join_week_range", value=profile.join_week, horizon=horizon)
    if profile.join_week > horizon:
        raise ProfileError("join_week", value=profile.join_week, horizon=horizon)
    if profile.join_week + months_to_weeks(profile.months) > MAX_WEEKS:
        raise ProfileError("too_long", hi=MAX_WEEKS)
    if futures < 1:
        raise ProfileError("futures", value=futures)
