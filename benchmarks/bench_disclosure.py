"""How soon a user sees a disclosure at company scale (issue 23: within 2 s of asking).

1. In a real browser: starts ``networker-sim dashboard`` on a free port, opens it in
   headless Chromium, clicks the "Income disclosure" tab and times until the company's
   framing is on the screen: the baseline's disclosure (10^6 people), shipped with the
   package. Then once more in a new page (a second visitor).
2. In this process: reading a kept disclosure (``stored_disclosure``: the package's copy),
   and computing one anew at ``--people`` (default 10^6: the history and the year).

    uv run python benchmarks/bench_disclosure.py [--people 1000000] [--no-compute]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def in_browser(url: str, visits: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    from sim.i18n import t

    seconds = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for _ in range(visits):
            page = browser.new_page()
            page.goto(url)
            tab = page.get_by_role("tab", name=t("app.tab_disclosure", "en"))
            tab.wait_for(timeout=90_000)
            asked = time.perf_counter()
            tab.click()
            page.get_by_text(t("disclosure.company_head", "en")).wait_for(timeout=120_000)
            seconds.append(time.perf_counter() - asked)
            page.close()
        browser.close()
    return seconds


def main() -> None:
    from support import dashboard_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--no-compute", action="store_true", help="skip computing one anew")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, dashboard_server(Path(folder)) as server:
        shown = in_browser(server.url, args.visits)
    print(f"browser, tab clicked until the framing shows: first {shown[0]:.2f} s, "
          f"median {statistics.median(shown):.2f} s, max {max(shown):.2f} s "
          f"({args.visits} visits)")  # fmt: skip

    from sim.disclosure import disclose, stored_disclosure
    from sim.scenario import load_scenario

    scenario = load_scenario("baseline")
    started = time.perf_counter()
    d, source = stored_disclosure(scenario)
    print(f"stored_disclosure(baseline): {time.perf_counter() - started:.2f} s ({source.value}, "
          f"{d.people:,} people)")  # fmt: skip
    if not args.no_compute:
        started = time.perf_counter()
        disclose(scenario, people=args.people)
        print(f"disclose(baseline) computed anew at {args.people:,} people: "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
