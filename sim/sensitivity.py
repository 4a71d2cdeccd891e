"""Which parameters matter: Morris screening and Sobol indices with SALib.

The parameter points come from SALib's samplers, every point runs the same replicate
seeds (common random numbers), and SALib's analysers turn the replicate means into
indices. Nothing here estimates an index by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.experiments import Experiment, ExperimentError, run_experiment
from sim.i18n import Msg
from sim.scenario import SECTIONS, Scenario, ScenarioError, cut, param_specs

if TYPE_CHECKING:  # imported where they compute: bad --params are refused at once
    import pandas as pd

# The outcomes a prospective networker cares about most (issue 3).
TARGETS = ("share_net_loss", "first_year_dropout_share", "net_income_p50")
METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4
# Morris needs two trajectories for a spread (sigma), Sobol two samples for a confidence
# interval; the upper bounds keep a typo (100000) from starting a week of runs.
TRAJECTORIES = (2, 10_000)
SAMPLES = (2, 65_536)
DEFAULT_SPAN = 0.5  # without explicit bounds: the scenario's value -50 % .. +50 %


def parse_params(text: str, scenario: Scenario) -> dict[str, tuple[float, float]]:
    """``key`` or ``key=lo:hi``, comma-separated, into bounds within the allowed ranges."""
    specs = param_specs()
    bounds: dict[str, tuple[float, float]] = {}
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        key, sep, span = item.partition("=")
        if key in bounds:  # one of the two ranges would be dropped without a word
            raise ScenarioError(Msg("cli.error.params_twice", key=cut(key)), key=key)
        spec = specs.get(key)
        if spec is None:
            scenario.with_overrides({key: 0}, origin="--params")  # raises with a suggestion
        if spec is None or spec["lo"] is None or isinstance(spec["default"], tuple):
            raise ScenarioError(Msg("cli.error.params_not_numeric", key=cut(key)))
        section, name = key.split(".")
        value = float(getattr(getattr(scenario, section), name))
        if sep:
            try:
                lo, hi = (float(x) for x in span.split(":"))
            except ValueError:
                raise ScenarioError(
                    Msg("cli.error.params_syntax", item=repr(item), key=key)
                ) from None
        else:
            lo, hi = value * (1 - DEFAULT_SPAN), value * (1 + DEFAULT_SPAN)
            if lo == hi:
                hi = lo + 1.0
        lo, hi = max(lo, spec["lo"]), min(hi, spec["hi"])
        if not lo < hi:
            raise ScenarioError(
                Msg("cli.error.params_range", item=repr(item), lo=spec["lo"], hi=spec["hi"])
            )
        bounds[key] = (lo, hi)
    if len(bounds) < 2:
        raise ScenarioError(Msg("cli.error.params_two"))
    return bounds


def _is_int(key: str) -> bool:
    section, name = key.split(".")
    return SECTIONS[section].__dataclass_fields__[name].type in ("int", int)


@dataclass
class Sensitivity:
    """Indices per target outcome and parameter, ranked by influence."""

    method: str
    indices: pd.DataFrame  # target, parameter, index columns, rank
    experiment: Experiment
    problem: dict[str, Any]


def check_design(method: str, trajectories: int, samples: int) -> None:
    """Refuse an unknown method, or a number of trajectories or samples out of range."""
    if method not in METHODS:
        raise ExperimentError(
            Msg("cli.error.method", choices=", ".join(METHODS), value=repr(method))
        )
    for flag, value, (lo, hi) in (
        ("--trajectories", trajectories, TRAJECTORIES),
        ("--samples", samples, SAMPLES),
    ):
        if not lo <= value <= hi:  # SALib would return no points, and no indices, silently
            raise ExperimentError(
                Msg("cli.error.count_range", flag=flag, value=str(value), lo=lo, hi=hi)
            )


def costliest(scenario: Scenario, bounds: dict[str, tuple[float, float]]) -> Scenario:
    """``scenario`` with the parameters that make a run longer (people, weeks, ties) at
    the top of their ranges: the run an estimate of the analysis counts with."""
    top = {}
    for key in ("population.size", "population.mean_degree", "simulation.weeks"):
        if key in bounds:
            top[key] = round(bounds[key][1]) if _is_int(key) else bounds[key][1]
    return scenario.with_overrides(top, origin="--params") if top else scenario


def point_count(method: str, parameters: int, trajectories: int, samples: int) -> int:
    """The parameter points ``sensitivity`` runs: trajectories x (k + 1) for Morris,
    samples x (k + 2) for Sobol (first-order and total indices)."""
    if method == "morris":
        return trajectories * (parameters + 1)
    return samples * (parameters + 2)


def sensitivity(
    scenario: Scenario,
    bounds: dict[str, tuple[float, float]],
    method: str = "morris",
    *,
    trajectories: int = 10,
    samples: int = 32,
    runs: int = 3,
    targets: Sequence[str] = TARGETS,
    **experiment_kw,
) -> Sensitivity:
    """Rank parameters by their influence on the target outcomes.

    Args:
        bounds: parameter ranges, e.g. ``parse_params("networker.tolerance_mean", s)``.
        method: "morris" (elementary effects, cheap screening: trajectories x (k + 1)
            points) or "sobol" (variance shares: samples x (k + 2) points).
        runs: replicates per point, averaged before the analysis.
        experiment_kw: passed to ``run_experiment`` (executor, workers, out, progress ...).
    """
    check_design(method, trajectories, samples)
    import numpy as np
    import pandas as pd
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    names = list(bounds)
    problem = {"num_vars": len(names), "names": names, "bounds": [bounds[n] for n in names]}
    seed = experiment_kw.pop("master_seed", None)
    seed = scenario.simulation.seed if seed is None else int(seed)
    if method == "morris":
        x = morris_sample.sample(problem, N=trajectories, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        x = sobol_sample.sample(problem, N=samples, calc_second_order=False, seed=seed)
    points = [
        {n: (round(v) if _is_int(n) else float(v)) for n, v in zip(names, row, strict=True)}
        for row in x
    ]
    exp = run_experiment(scenario, runs, points, master_seed=seed, **experiment_kw)
    means = exp.outcomes.groupby("point")[list(targets)].mean().reindex(range(len(points)))
    rows = []
    for target in targets:
        y = means[target].to_numpy(dtype=float)
        if np.isnan(y).all():
            continue
        y = np.where(np.isnan(y), np.nanmean(y), y)
        if method == "morris":
            si = morris_analyze.analyze(problem, x, y, num_levels=MORRIS_LEVELS, seed=seed)
            for i, name in enumerate(names):
                rows.append(
                    {
                        "target": target,
                        "parameter": name,
                        "mu_star": si["mu_star"][i],
                        "mu_star_conf": si["mu_star_conf"][i],
                        "sigma": si["sigma"][i],
                    }
                )
        else:
            si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
            for i, name in enumerate(names):
                rows.append(
                    {
                        "target": target,
                        "parameter": name,
                        "S1": si["S1"][i],
                        "S1_conf": si["S1_conf"][i],
                        "ST": si["ST"][i],
                        "ST_conf": si["ST_conf"][i],
                    }
                )
    indices = pd.DataFrame(rows)
    if len(indices):
        key = "mu_star" if method == "morris" else "ST"
        indices["rank"] = (
            indices.groupby("target")[key].rank(ascending=False, method="min").astype(int)
        )
        indices = indices.sort_values(["target", "rank"], ignore_index=True)
    return Sensitivity(method, indices, exp, problem)
