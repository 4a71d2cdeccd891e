"""Speed of the class game (issue 25): a game of the baseline at its scenario size with 30
students, each deciding differently every round.

Target (issue 25): every round computed within 2 s on the server with 30 students. Printed:
the game's start (the company's 20 years, once per process and scenario), a join, and the
round's time (the median and the slowest of the rounds, the students' reports included),
then the reveal, the CSV rows and the log.

    uv run python benchmarks/bench_game.py [--students 30] [--rounds 12] [--seed 42]
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    from sim.game import Decision, Game
    from sim.scenario import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    scenario = load_scenario("baseline")
    started = time.perf_counter()
    game = Game.new(scenario, args.seed, rounds=args.rounds)
    took = time.perf_counter() - started
    print(f"new game (baseline, {scenario.population.size:,} people, the company's "
          f"{scenario.simulation.company_age_years} years): {took:.2f} s")  # fmt: skip
    joins = []
    players = []
    for _ in range(args.students):
        started = time.perf_counter()
        players.append(game.join())
        joins.append(time.perf_counter() - started)
    print(f"join: median {1000 * statistics.median(joins):.2f} ms, "
          f"slowest {1000 * max(joins):.2f} ms ({args.students} students)")  # fmt: skip
    rounds = []
    for r in range(args.rounds):
        for i, (pid, secret) in enumerate(players):
            if game.players[pid].active:  # varied choices: hours, focus, approach, autoship
                game.decide(pid, secret, Decision(
                    hours=[1.0, 5.0, 12.0, 30.0][(i + r) % 4], recruiting=(i % 5) / 4,
                    approach="strangers" if i % 3 == 0 else "friends",
                    autoship=i % 4 != 1, training=i % 7 == 0, quit=i % 10 == 9 and r == 3,
                ))  # fmt: skip
        started = time.perf_counter()
        game.advance()
        for pid, secret in players:
            game.report(pid, secret)
        rounds.append(time.perf_counter() - started)
    print(f"round ({args.students} students, 4 weeks, reports included): median "
          f"{1000 * statistics.median(rounds):.1f} ms, slowest {1000 * max(rounds):.1f} ms "
          f"over {args.rounds} rounds")  # fmt: skip
    for name, call in (("reveal", game.reveal), ("rows", game.rows), ("log", game.log)):
        started = time.perf_counter()
        call()
        print(f"{name}: {1000 * (time.perf_counter() - started):.1f} ms")


if __name__ == "__main__":
    main()
