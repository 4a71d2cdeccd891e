"""A class on one dashboard server, measured with real browsers (issue 14).

Starts ``networker-sim dashboard`` on a free port, then opens it in N browser contexts of
one headless Chromium at the same moment (each context is a student with their own
session), and measures what each student waits for:

- page load: from opening the address until all its charts show and Step can be pressed;
- Step: from the click until the page shows the next week and its charts are redrawn.
  Every student presses Step ``--steps`` times, with a short pause between presses, all
  students at the same time.

It prints the median and maximum of both, how many students never got their charts,
the console errors, and the CPU time the server used, and whether the server met the
targets of issue 14: every page answered within 15 s, and a Step within 2 s (median)
while the whole class steps, at 24 to 30 students on a busy 2-core machine. These limits
were asserted by tests/test_classroom.py until a busy CI machine missed them (issue 20):
a test checks that every student is served, this benchmark how fast.

    uv run python benchmarks/load_classroom.py [--students 1,12,24,30] [--steps 5]

Chromium runs on the same machine as the server and costs CPU too, as a class's
browsers do not; the figures are therefore on the pessimistic side.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from dashboards.charts import ALL_CHARTS

CHARTS = len(ALL_CHARTS)  # images on the simulation page
PAGE_TARGET = 15.0  # seconds: the server's answer to every student's page (issue 14)
STEP_TARGET = 2.0  # seconds: the server's answer to a Step, median, the class stepping
# milliseconds between looks at the page; Playwright's default looks at every animation
# frame, which costs 30 pages more CPU than the pages themselves
POLL = 100
# the tests' helpers start the server and know the browser
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


@dataclass
class Figures:
    """What the students of one class waited for, in seconds."""

    students: int
    loads: list[float] = field(default_factory=list)  # one per student who got the page
    steps: list[float] = field(default_factory=list)  # one per answered Step
    server_loads: list[float] = field(default_factory=list)  # the server's share of a load
    server_steps: list[float] = field(default_factory=list)  # the server's share of a Step
    failed: list[str] = field(default_factory=list)  # what went wrong, per student
    errors: list[str] = field(default_factory=list)  # console errors
    server_cpu: float = 0.0  # CPU seconds of the server while the class ran
    browser_cpu: float = 0.0  # CPU seconds of the browser's processes
    browser_kinds: dict[str, float] = field(default_factory=dict)  # by kind of process
    browser_cpu_loading: float = 0.0  # of that, until every page had loaded
    load_wall: float = 0.0  # seconds until every page had loaded (or given up)
    wall: float = 0.0

    @staticmethod
    def cell(xs: list[float]) -> str:
        return f"{statistics.median(xs):.2f} / {max(xs):.2f}" if xs else "-"

    def targets(self) -> str:
        """Whether the server met the targets of issue 14 for this class."""
        if not self.server_loads or not self.server_steps:
            return "targets (issue 14): not measured (no page or no Step answered)"
        page, step = max(self.server_loads), statistics.median(self.server_steps)
        return (
            f"targets (issue 14): every page {page:.1f} s "
            f"({'met' if page <= PAGE_TARGET else 'MISSED'}, {PAGE_TARGET:g} s), "
            f"Step median {step:.2f} s ({'met' if step <= STEP_TARGET else 'MISSED'}, "
            f"{STEP_TARGET:g} s)"
        )

    def line(self) -> str:
        return (
            f"{self.students:>8} {self.cell(self.loads):>15} {self.cell(self.server_loads):>15} "
            f"{self.cell(self.steps):>15} {self.cell(self.server_steps):>15} "
            f"{len(self.failed):>7} {len(self.errors):>7} {self.server_cpu:>10.1f} "
            f"{self.browser_cpu:>11.1f} {self.wall:>7.1f}"
        )


HEADER = (
    f"{'students':>8} {'page med / max':>15} {'server':>15} {'Step med / max':>15} "
    f"{'server':>15} {'failed':>7} "
    f"{'errors':>7} {'server CPU':>10} {'browser CPU':>11} {'wall':>7}"
)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    """The processes below ``root`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kind(pid: int) -> str:
    try:  # Chromium rewrites its arguments as one string
        args = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
    except OSError:
        return "?"
    for arg in args:
        if arg.startswith(b"--type="):
            return arg[7:].decode()
    return Path(args[0].decode()).name if args else "?"


async def browser_cpu(seen: dict[int, tuple[str, float]], server_pid: int | None,
                      nice: bool) -> None:  # fmt: skip
    """Keep the kind and CPU seconds of every browser process below this one in ``seen``
    (a renderer's time is read before its context closes it), and with ``nice`` keep
    every browser thread behind the server, until cancelled."""
    while True:
        if nice:
            behind(server_pid)
        for pid in descendants(os.getpid()):
            if pid != server_pid:
                old = seen.get(pid, ("", 0.0))[1]
                seen[pid] = (seen.get(pid, ("",))[0] or kind(pid), max(old, cpu_seconds(pid)))
        await asyncio.sleep(0.5)


# the page is ready: its charts are there and Step can be pressed
READY = """charts => document.querySelectorAll('img.solara-image').length == charts
    && [...document.querySelectorAll('button')].some(
        b => b.textContent.trim() == 'Step' && !b.disabled)"""
WEEK = re.compile(r"^(?:Week|Woche) (\d+) ")


async def _week(page) -> int:
    text = await page.get_by_text(WEEK).first.inner_text()
    return int(WEEK.match(text.strip())[1])


async def _histogram(page) -> str:
    """The address of the net-income histogram's image: its title names the week, so
    every Step changes it."""
    return await page.locator("img.solara-image").nth(1).get_attribute("src") or ""


class Wire:
    """What went over one page's websocket, timed by the browser's network layer (Chrome
    DevTools protocol): when the page asked the server for its app ("run") and when the
    server said the app was sent ("finished"); when the page sent an event and when the
    server was idle again. The difference is the server's share of a wait, whatever the
    browser then needs to draw it."""

    def __init__(self) -> None:
        self.run = self.finished = None
        self.sent: list[float] = []  # an event (a click) sent
        self.idle: list[float] = []  # the server done with a message

    def frame_sent(self, event: dict) -> None:
        text = event["response"]["payloadData"]
        if '"method": "run"' in text or '"method":"run"' in text:
            self.run = event["timestamp"]
        elif '"event"' in text:
            self.sent.append(event["timestamp"])

    def frame_received(self, event: dict) -> None:
        text = event["response"]["payloadData"]
        if '"finished"' in text:
            self.finished = event["timestamp"]
        elif '"execution_state": "idle"' in text or '"execution_state":"idle"' in text:
            self.idle.append(event["timestamp"])

    def server_page(self) -> float | None:
        return None if self.run is None or self.finished is None else self.finished - self.run

    def server_step(self, clicked: float) -> float | None:
        """The server's time for the last event sent after ``clicked`` (browser time)."""
        sent = [s for s in self.sent if s >= clicked]
        if not sent:
            return None
        idle = [i for i in self.idle if i >= sent[0]]
        return idle[0] - sent[0] if idle else None


STEPPED = """([week, src]) => {
    const label = [...document.querySelectorAll('span')].find(
        e => e.children.length == 0 && /^(Week|Woche) \\d+ /.test(e.textContent));
    const img = document.querySelectorAll('img.solara-image')[1];
    return label && parseInt(label.textContent.split(' ')[1]) > week && img && img.src != src;
}"""


async def student(browser, url: str, steps: int, timeout: float, start: float, fig: Figures,
                  loaded: asyncio.Barrier, pause: float) -> None:  # fmt: skip
    """One student: open the page, wait for the charts, then Step ``steps`` times."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1600})
    page = await context.new_page()
    page.set_default_timeout(timeout * 1000)
    page.on("console", lambda m: fig.errors.append(m.text) if m.type == "error" else None)
    wire = Wire()
    cdp = await context.new_cdp_session(page)
    cdp.on("Network.webSocketFrameSent", wire.frame_sent)
    cdp.on("Network.webSocketFrameReceived", wire.frame_received)
    await cdp.send("Network.enable")
    try:
        try:
            await page.goto(url)
            await page.wait_for_function(READY, arg=CHARTS, polling=POLL)
            fig.loads.append(time.monotonic() - start)
            if wire.server_page() is not None:
                fig.server_loads.append(wire.server_page())
        except Exception as exc:  # a student without a page still waits for the others
            fig.failed.append(f"load: {type(exc).__name__}: {str(exc)[:120]}")
            await loaded.wait()
            return
        await loaded.wait()
        button = page.get_by_role("button", name="Step", exact=True)
        sent: list[float] = []  # browser time of each Step's click message
        for _ in range(steps):
            await asyncio.sleep(random.uniform(0.5, 1.5) * pause)
            week, src = await _week(page), await _histogram(page)
            clicked = time.monotonic()
            mark = len(wire.sent)
            try:
                await button.click()
                await page.wait_for_function(STEPPED, arg=[week, src], polling=POLL)
            except Exception as exc:
                fig.failed.append(f"step: {type(exc).__name__}: {str(exc)[:120]}")
                return
            fig.steps.append(time.monotonic() - clicked)
            if len(wire.sent) > mark:
                sent.append(wire.sent[mark])
        await asyncio.sleep(1.0)  # the server's "idle" can come after the page shows the week
        served = [wire.server_step(s) for s in sent]
        fig.server_steps.extend(s for s in served if s is not None)
    finally:
        await context.close()


def behind(server_pid: int | None) -> None:
    """Give the browser (every thread of every process below this one but the server) the
    lowest CPU priority: the students' browsers stand in for 30 computers of their own,
    so that the server is measured, not 30 copies of Chromium competing with it for two
    cores. (Linux sets priorities per thread; a new thread inherits its creator's.)"""
    for pid in descendants(os.getpid()):
        if pid == server_pid:
            continue
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError):
                    if os.getpriority(os.PRIO_PROCESS, int(tid)) < 19:
                        os.setpriority(os.PRIO_PROCESS, int(tid), 19)


async def run_class(url: str, students: int, steps: int = 5, timeout: float = 120.0,
                    pause: float = 1.0, server_pid: int | None = None,
                    nice: bool = True) -> Figures:  # fmt: skip
    """``students`` browser contexts open ``url`` at once and Step; what they waited for."""
    from playwright.async_api import async_playwright
    from support import CHROMIUM, CHROMIUM_ARGS

    fig = Figures(students)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        if nice:
            behind(server_pid)
        try:
            cpu0 = cpu_seconds(server_pid) if server_pid else 0.0
            seen: dict[int, tuple[str, float]] = {}
            sampler = asyncio.create_task(browser_cpu(seen, server_pid, nice))
            await asyncio.sleep(0.6)
            before = dict(seen)
            start = time.monotonic()
            loaded = asyncio.Barrier(students + 1)

            async def all_loaded() -> None:
                await loaded.wait()
                fig.load_wall = time.monotonic() - start
                fig.browser_cpu_loading = sum(c for _, c in seen.values()) - sum(
                    c for _, c in before.values()
                )

            watcher = asyncio.create_task(all_loaded())
            await asyncio.gather(*(
                student(browser, url, steps, timeout, start, fig, loaded, pause)
                for _ in range(students)
            ))  # fmt: skip
            await watcher
            fig.wall = time.monotonic() - start
            fig.server_cpu = (cpu_seconds(server_pid) - cpu0) if server_pid else 0.0
            sampler.cancel()
            for pid, (what, cpu) in seen.items():
                used = cpu - before.get(pid, ("", 0.0))[1]
                fig.browser_kinds[what] = fig.browser_kinds.get(what, 0.0) + used
            fig.browser_cpu = sum(fig.browser_kinds.values())
        finally:
            await browser.close()
    return fig


def main() -> None:
    from support import dashboard_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", default="1,12,24,30", help="class sizes, comma-separated")
    parser.add_argument("--steps", type=int, default=5, help="Steps per student")
    parser.add_argument("--url", help="an already running dashboard instead of a new one")
    parser.add_argument("--server-pid", type=int, help="with --url: its process, for its CPU")
    parser.add_argument("--errors", action="store_true", help="print the console errors")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f}, {os.cpu_count()} cores")  # fmt: skip
    print("seconds; a new server for each class size")
    print(HEADER)
    for n in (int(s) for s in args.students.split(",")):
        if args.url:
            fig = asyncio.run(run_class(args.url, n, args.steps, server_pid=args.server_pid))
        else:
            import tempfile

            with tempfile.TemporaryDirectory() as folder, dashboard_server(Path(folder)) as server:
                fig = asyncio.run(run_class(server.url, n, args.steps,
                                            server_pid=server.process.pid))  # fmt: skip
        print(fig.line(), flush=True)
        print(f"    {fig.targets()}")
        kinds = sorted(fig.browser_kinds.items(), key=lambda kv: -kv[1])
        print("    browser CPU by process: " + ", ".join(f"{k} {v:.1f}" for k, v in kinds)
              + f"; {fig.browser_cpu_loading:.1f} of it in the first {fig.load_wall:.0f} s, "
              "until every page had loaded")  # fmt: skip
        for reason in sorted(set(fig.failed)):
            print(f"    failed: {reason}")
        if args.errors:
            for error in sorted(set(fig.errors)):
                print(f"    console: {error[:160]}")


if __name__ == "__main__":
    main()
