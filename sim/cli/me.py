"""``me``: what would happen to me, for one person's profile."""

from __future__ import annotations

import argparse
import json
import math

from sim.cli.args import UsageError, resolve
from sim.cli.shared import cap_workers, check_workload


def cmd_me(args: argparse.Namespace) -> int:
    from sim.profile import (
        FOCAL_PER_REPLICATE,
        Profile,
        ProfileError,
        check_profile,
        months_to_weeks,
    )

    scenario = resolve(args)
    profile = Profile(
        hours=args.hours,
        tolerance=args.tolerance,
        friends=args.friends,
        experience=args.experience,
        join_week=args.join_week,
        months=args.months,
    )
    try:
        # checked before the model is loaded or any worker starts: bad input fails at once
        check_profile(profile, scenario, args.futures)
    except ProfileError as exc:
        raise UsageError(exc.message(args.lang)) from None
    cap_workers(args)
    # each run goes on to the join week and as far ahead as asked (sim.me.run_replicate)
    weeks = profile.join_week + months_to_weeks(profile.months)
    one_run = scenario.with_overrides({"simulation.weeks": weeks}, origin="me")
    runs = math.ceil(args.futures / FOCAL_PER_REPLICATE)
    check_workload(args, [one_run], runs, futures=args.futures, shared_history=True)
    from sim.me import format_outlook, what_would_happen

    outlook = what_would_happen(
        scenario, profile, args.futures, master_seed=args.seed, workers=args.workers
    )
    if args.json:
        print(json.dumps(outlook.to_dict(args.lang), ensure_ascii=False))
    else:
        print(format_outlook(outlook, args.lang))
    return 0
