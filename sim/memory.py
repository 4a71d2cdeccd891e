"""How much memory a run needs, and how much there is: a run too big for the machine is
refused before it starts, with both figures, instead of ending in a MemoryError.

The need is measured, not derived: peak resident memory of
``networker-sim run baseline --json`` over 260 weeks on Linux x86-64, Python 3.12,
numpy 2 (``benchmarks/bench_memory.py``, December 2026; MiB):

    people      mean_degree  peak RSS   ever joined
    10,000      20                266         1,799
    100,000     20                303        18,284
    300,000     20                363        53,870
    1,000,000   20                589       176,917
    5,000,000   20              1,804       881,664
    100,000      5                274         3,230
    100,000     80                363        29,920
    100,000    200                484        33,568

An idle process that has imported the model and loaded its compiled rules holds about
266 MiB; beyond that a run grows by about 105 bytes a person (the population's arrays,
and the ledger rows and Mesa agents of those who join) plus 11 bytes a tie of the social
graph (each tie is kept twice, as 4-byte numbers): at the baseline's 20 ties, about 320
bytes a person, so one GiB holds about 3.3 million people. The least-squares fit over the
runs above gives these figures.

An established company (issue 21) holds more: its history (everyone who joined in its 20
years) and the company of week 0 kept for the next run beside the run's own copy. Measured
peaks of the baseline (`benchmarks/bench_model.py`, `networker-sim run large_company`):
10^5 people 329 MiB, 10^6 836 MiB, 5 x 10^6 3.1 GiB, about 1.9 times what a launch needs
(``HISTORY_FACTOR``).
"""

from __future__ import annotations

import os
import re
import resource
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sim.i18n import DEFAULT_LANG, Msg, fmt_num
from sim.scenario import Scenario, ScenarioError

MIB, GIB = 2**20, 2**30
PROCESS_BYTES = 266 * MIB  # an idle process with the model imported: a worker's own
PERSON_BYTES = 105
TIE_BYTES = 11  # per person and tie of mean_degree
HISTORY_FACTOR = 1.9  # an established company's run, against a launch's (measured)
UNLIMITED = 2**60  # cgroup v1 writes "no limit" as a number near 2**63


@dataclass(frozen=True)
class Size:
    """An amount of memory in a message: '1.2 GiB' (German '1,2 GiB') or '850 MiB'."""

    n: int

    def render(self, lang: str = DEFAULT_LANG) -> str:
        if self.n >= GIB:
            return f"{fmt_num(self.n / GIB, lang, 1)} GiB"
        return f"{fmt_num(self.n / MIB, lang, 0)} MiB"

    def __str__(self) -> str:
        return self.render()


def run_bytes(scenario: Scenario) -> int:
    """The memory one run of ``scenario`` adds to a process that has imported the model."""
    pop = scenario.population
    launch = pop.size * (PERSON_BYTES + TIE_BYTES * pop.mean_degree)
    return round(launch * (HISTORY_FACTOR if scenario.simulation.company_age_years else 1.0))


@dataclass(frozen=True)
class Room:
    """Memory still to be had under one limit.

    Attributes:
        bytes: what is left under the limit now.
        source: the catalog key that names the limit (cli.error.memory_*).
        per_process: a limit every process has on its own (ulimit), rather than one all
            workers share (the machine's free memory, a cgroup).
    """

    bytes: int
    source: str
    per_process: bool


def _status_kib(field: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m[1]) * 1024 if m else None


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # cgroup v2 writes "max" for no limit


def _cgroup_room() -> int | None:
    """What the cgroup (v2 or v1) of this process still allows, page cache aside."""
    root = Path("/sys/fs/cgroup")
    try:
        lines = Path("/proc/self/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        rel = path.lstrip("/")
        if controllers == "":  # v2: the unified hierarchy
            files = ("memory.max", "memory.current", "inactive_file")
            folders = [root / rel, root]
        elif "memory" in controllers.split(","):  # v1
            files = ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file")
            folders = [root / "memory" / rel, root / "memory"]
        else:
            continue
        for folder in folders:  # inside a container the own cgroup is mounted as the root
            limit = _read_int(folder / files[0])
            if limit is None or limit >= UNLIMITED:
                continue
            usage = _read_int(folder / files[1]) or 0
            try:  # the page cache is given back before the limit bites
                stat = (folder / "memory.stat").read_text(encoding="utf-8")
                m = re.search(rf"^{files[2]} (\d+)$", stat, re.M)
                usage -= int(m[1]) if m else 0
            except OSError:
                pass
            return max(0, limit - max(0, usage))
    return None


def rooms() -> list[Room]:
    """The memory left under every limit that applies to this process."""
    out = []
    # ulimit counts address space, which outgrows resident memory: what is left is the
    # limit minus what this process has mapped already
    for which, field, key in (
        (resource.RLIMIT_AS, "VmSize", "memory_rlimit_as"),
        (resource.RLIMIT_DATA, "VmData", "memory_rlimit_data"),
    ):
        soft, _ = resource.getrlimit(which)
        used = _status_kib(field)
        if soft != resource.RLIM_INFINITY and used is not None:
            out.append(Room(max(0, soft - used), key, per_process=True))
    cgroup = _cgroup_room()
    if cgroup is not None:
        out.append(Room(cgroup, "memory_cgroup", per_process=False))
    free = _meminfo_available()
    if free is not None:
        out.append(Room(free, "memory_free", per_process=False))
    return out


def _meminfo_available() -> int | None:
    try:
        text = Path("/proc/meminfo").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"^MemAvailable:\s+(\d+) kB", text, re.M)
    return int(m[1]) * 1024 if m else None


def check_memory(scenarios: Iterable[Scenario], workers: int = 1) -> None:
    """Refuse, before anything starts, runs that do not fit in the memory there is.

    Args:
        scenarios: what will run (the largest one counts).
        workers: runs at once. With more than one, each is a worker process of its own
            (``PROCESS_BYTES`` more each); with one, the run is in this process.

    Raises:
        ScenarioError: naming the estimate, what is available and under which limit.
    """
    need_one = max((run_bytes(s) for s in scenarios), default=0)
    workers = max(1, workers)
    need_all = need_one if workers == 1 else workers * (need_one + PROCESS_BYTES)
    for room in rooms():
        # a ulimit binds each process on its own: a worker has the room this process has
        need = need_one if room.per_process else need_all
        if need <= room.bytes:
            continue
        many = workers > 1 and not room.per_process
        what = (
            Msg("cli.error.memory_runs", workers=workers) if many else Msg("cli.error.memory_run")
        )
        raise ScenarioError(
            Msg(
                "cli.error.memory",
                what=what,
                need=Size(need),
                available=Size(room.bytes),
                source=Msg(f"cli.error.{room.source}"),
                fewer=Msg("cli.error.memory_fewer") if many else "",
            ),
            key="population.size",
            kind="memory",
            need=need,
            available=room.bytes,
        )


def out_of_memory() -> Msg:
    """The message after a MemoryError the estimate did not foresee, with the tightest
    limit there is (the one that most likely bit)."""
    known = rooms()
    if not known:
        return Msg("cli.error.out_of_memory", limit="")
    room = min(known, key=lambda r: r.bytes)
    limit = Msg("cli.error.memory_limit", available=Size(room.bytes),
                source=Msg(f"cli.error.{room.source}"))  # fmt: skip
    return Msg("cli.error.out_of_memory", limit=limit)


def cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than
    the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def in_flight(workers: int | None, tasks: int) -> int:
    """How many runs go at once on a local pool of ``workers`` (default, and at most:
    every core)."""
    return max(1, min(workers or cores(), cores(), tasks))
