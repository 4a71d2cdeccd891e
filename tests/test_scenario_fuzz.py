"""Fuzzing the two ways a scenario comes in: any TOML file and any ``--set`` item gives a
valid scenario or the tool's own error (a message for one line), never another exception.

The loaders are called in-process (a subprocess per case would take hours); a few cases go
through ``main()`` to check that the command line turns them into exit status 2 without a
traceback.
"""

from __future__ import annotations

import json
import re
import tempfile
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.cli.args import UsageError
from sim.scenario import (
    SCENARIO_DIR,
    SCENARIO_KEYS,
    SECTIONS,
    Scenario,
    ScenarioError,
    load_scenario,
    param_specs,
    parse_set,
    scenario_from_dict,
    scenario_to_toml,
    toml_value,
)

SPECS = param_specs()
KEYS = sorted(SPECS)
NAMES = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- values: of any type, and near each parameter's range -----------------------------------

scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(["unilevel", "binary", "recruitment_fee", "stairstep_breakaway", "S1"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.dictionaries(st.text(max_size=8), inner, max_size=3),
    ),
    max_leaves=8,
)


@st.composite
def near_range(draw: st.DrawFn, key: str) -> Any:
    """A value of the right kind for ``key``, often valid, sometimes just outside."""
    spec = SPECS[key]
    if spec.get("choices"):
        return draw(st.sampled_from(spec["choices"]))
    if spec["lo"] is None:
        return draw(st.booleans())
    lo, hi = spec["lo"], spec["hi"]
    span = max(1.0, hi - lo)
    number = st.one_of(
        st.floats(lo, hi),
        st.integers(int(lo), int(min(hi, lo + 1000))),
        st.floats(lo - span, hi + span),
    )
    if isinstance(spec["default"], tuple):
        lo_n, hi_n = spec["length"]
        return draw(st.lists(number, min_size=max(0, lo_n - 1), max_size=hi_n + 1))
    return draw(number)


def any_value(key: str) -> st.SearchStrategy[Any]:
    return st.one_of(near_range(key), values) if key in SPECS else values


# ---- TOML files -------------------------------------------------------------------------------


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def dump_toml(data: dict[str, Any]) -> str:
    """``data`` as a TOML file: plain keys first, then one [table] per dict."""
    lines = [f"{_key(k)} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for name, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{_key(name)}]")
            lines += [f"{_key(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


section_names = st.one_of(st.sampled_from([*SECTIONS, "scenario"]), st.text(max_size=10))


@st.composite
def scenario_data(draw: st.DrawFn) -> dict[str, Any]:
    """A parsed scenario file: known and unknown sections and keys, values of any kind."""
    data: dict[str, Any] = {}
    for section in draw(st.lists(section_names, max_size=4, unique=True)):
        if section == "scenario":
            keys = st.one_of(st.sampled_from(SCENARIO_KEYS), st.text(max_size=8))
            table = {}
            for key in draw(st.lists(keys, max_size=4, unique=True)):
                if key == "base":
                    table[key] = draw(st.one_of(st.sampled_from(NAMES), values))
                elif key == "statements":
                    table[key] = draw(st.one_of(st.lists(st.sampled_from(["S1", "S7"])), values))
                else:
                    table[key] = draw(st.one_of(st.text(max_size=30), values))
            data[section] = table
            continue
        if draw(st.integers(0, 9)) == 0:  # a section that is not a table
            data[section] = draw(scalars)
            continue
        known = [k.split(".")[1] for k in KEYS if k.startswith(f"{section}.")]
        names = (
            st.one_of(st.sampled_from(known), st.text(max_size=8)) if known else st.text(max_size=8)
        )
        table = {}
        for name in draw(st.lists(names, max_size=5, unique=True)):
            table[name] = draw(any_value(f"{section}.{name}"))
        data[section] = table
    return data


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="fuzz-") as path:
        yield Path(path)


def load_text(folder: Path, text: str) -> Scenario | None:
    """The scenario in a file holding ``text``, or None for the tool's own refusal."""
    path = folder / "fuzz.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        return load_scenario(str(path))
    except ScenarioError as exc:
        message = exc.message("de")  # every message renders in both languages
        assert message and len(exc.message().splitlines()) == 1, exc.message()
        return None


@pytest.mark.slow
@FUZZ
@given(data=scenario_data())
def test_any_scenario_data_loads_or_is_refused(folder: Path, data: dict[str, Any]) -> None:
    scenario = load_text(folder, dump_toml(data))
    if scenario is not None:  # a valid scenario is written back unchanged
        again = scenario_from_dict(tomllib.loads(scenario_to_toml(scenario)), "again", "x")
        assert replace(again, source=scenario.source) == scenario


toml_fragments = st.one_of(
    st.sampled_from(["[population]", "[scenario]", "[[population]]", "[networker", "\n", "="]),
    st.sampled_from([f"{k.split('.')[1]} = " for k in KEYS]),
    st.builds(lambda v: toml_value(v), values),
    st.text(max_size=12),
)


@pytest.mark.slow
@FUZZ
@given(text=st.one_of(st.text(max_size=200), st.lists(toml_fragments, max_size=12).map("".join)))
def test_any_text_as_a_scenario_file_loads_or_is_refused(folder: Path, text: str) -> None:
    load_text(folder, text)


# ---- --set ------------------------------------------------------------------------------------

set_keys = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from(KEYS).map(str.upper),
    st.builds(lambda s, k: f"{s}.{k}", section_names, st.text(max_size=8)),
    st.text(max_size=15),
)


@st.composite
def set_items(draw: st.DrawFn) -> str:
    key = draw(set_keys)
    value = draw(
        st.one_of(
            any_value(key).map(toml_value),
            st.text(max_size=20),
            st.sampled_from(["", "true", "1e308", "-0", "nan", "[1,", "inf", "0x10", "1_000"]),
        )
    )
    sep = draw(st.sampled_from(["=", " = ", "", ":"]))
    return f"{key}{sep}{value}"


def apply_set(items: list[str]) -> Scenario | None:
    """What ``resolve`` does with --set items, or None for the tool's own refusal."""
    try:
        return Scenario().with_overrides(parse_set(items), origin="--set")
    except (ScenarioError, UsageError) as exc:
        assert exc.message("de") and len(exc.message().splitlines()) == 1, exc.message()
        return None


@pytest.mark.slow
@FUZZ
@given(items=st.lists(set_items(), min_size=1, max_size=4))
def test_any_set_item_applies_or_is_refused(items: list[str]) -> None:
    scenario = apply_set(items)
    if scenario is not None:
        for key, value in parse_set(items).items():
            section, name = key.split(".")
            got = getattr(getattr(scenario, section), name)
            assert got == (tuple(value) if isinstance(value, list) else value) or got != got


# capsys is read (and so emptied) in every example: sharing it across examples is safe
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(item=set_items())
@example(item="population.size=1e308")
@example(item="training.enabled=1")
@example(item="compensation.unilevel_rates=[0.1, true]")
@example(item="networker.tolerance_mean = 6")
def test_set_through_the_command_line_is_exit_0_or_2_without_traceback(
    item: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # a small market for one week: a valid item runs in a moment; --weeks wins over
    # simulation.weeks, and population.size given again is refused
    argv = ["run", "baseline", "--set=population.size=60", f"--set={item}", "--weeks", "1"]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: e.g. a value it reads as another option
        code = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code in (0, 2), err
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
