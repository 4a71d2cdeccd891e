"""Scenario parameters, scenario files and their validation (sim/scenario.py, scenarios/)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from sim.scenario import (
    MAX_KEYS,
    MAX_NESTING,
    MAX_SCENARIO_BYTES,
    PLANS,
    SCENARIO_DIR,
    SECTIONS,
    Population,
    Scenario,
    ScenarioError,
    library_names,
    library_path,
    list_scenarios,
    load_scenario,
    param_specs,
    parse_set,
    scenario_from_bytes,
)

EXPECTED_SCENARIOS = {"baseline", "retail_focused", "pyramid"}
SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.toml"))

# What counts as "a source": the word "assumption", or a citation: a project document
# (docs/model.md §6), a source text (S7, "source text S9"), a survey, or a dated publication.
SOURCE_RE = re.compile(
    r"assumption"
    r"|\b[\w-]+\.md\b"
    r"|\bS\d+\b"
    r"|\bsurvey\b"
    r"|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def has_source(text: str) -> bool:
    return bool(SOURCE_RE.search(text))


# ---- the source checker itself must be able to say no --------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("assumption", True),
        ("EUR; Assumption (none)", True),
        ("docs/model.md §6: typical 20-35 %", True),
        ("source text S7 ('three to four')", True),
        ("BDD member survey (Germany, 2016 data)", True),
        ("", False),
        ("EUR", False),
        ("per month", False),
        ("two levels", False),
    ],
)
def test_source_checker(text: str, expected: bool) -> None:
    assert has_source(text) is expected


# ---- scenario files -----------------------------------------------------------------------


def test_the_three_scenarios_exist() -> None:
    assert {p.stem for p in SCENARIO_FILES} >= EXPECTED_SCENARIOS


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_scenario_loads_by_name_and_by_path(path: Path) -> None:
    by_name = load_scenario(path.stem)
    by_path = load_scenario(str(path))
    assert isinstance(by_name, Scenario)
    assert by_name.name == path.stem
    assert by_name.description.strip()
    # the same parameters whichever way the scenario is named
    assert {k: v for k, v in by_name.to_dict().items() if k != "source"} == {
        k: v for k, v in by_path.to_dict().items() if k != "source"
    }


def test_list_scenarios_names_and_descriptions() -> None:
    listed = dict(list_scenarios())
    assert set(listed) == {p.stem for p in SCENARIO_FILES}
    for name, description in listed.items():
        meta = tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text("utf-8"))["scenario"]
        assert description == meta["description"].strip()
        assert description and description != "(unreadable)"


def test_keys_a_file_leaves_out_keep_their_defaults() -> None:
    pyramid = load_scenario("pyramid")
    assert "population" not in tomllib.loads((SCENARIO_DIR / "pyramid.toml").read_text("utf-8"))
    assert pyramid.population == Population()
    assert pyramid.compensation.plan == "recruitment_fee"


def _split_comment(rest: str) -> tuple[Any, str] | None:
    """The TOML value and the comment of the text after ``key =``; None if not one line."""
    cuts = [m.start() for m in re.finditer("#", rest)] + [len(rest)]
    for cut in cuts:
        try:
            value = tomllib.loads(f"v = {rest[:cut].strip()}")["v"]
        except tomllib.TOMLDecodeError:
            continue
        return value, rest[cut + 1 :].strip()
    return None


def _is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, list) and any(_is_numeric(v) for v in value)


def numeric_lines(text: str) -> list[tuple[int, str, str, str]]:
    """(line number, table, key, comment) of every numeric ``key = value`` line in a table."""
    out = []
    table = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = re.fullmatch(r"\[([\w.]+)\]\s*(#.*)?", stripped)
        if header:
            table = header.group(1)
            continue
        m = re.fullmatch(r"([A-Za-z_][\w-]*)\s*=\s*(.*)", stripped)
        assert m, f"line {number}: not a 'key = value' line: {line!r}"
        if table is None:
            continue
        parsed = _split_comment(m.group(2))
        assert parsed is not None, f"line {number}: value not on one line: {line!r}"
        value, comment = parsed
        if _is_numeric(value):
            out.append((number, table, m.group(1), comment))
    return out


def test_numeric_line_parser_finds_a_missing_source() -> None:
    text = '[scenario]\nname = "x"\n[market]\na = 1.0  # assumption\nb = 2  # EUR\nc = [1, 2]\n'
    lines = numeric_lines(text)
    assert [(n, k) for n, _, k, _ in lines] == [(4, "a"), (5, "b"), (6, "c")]
    assert [k for _, _, k, c in lines if not has_source(c)] == ["b", "c"]


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_number_in_a_scenario_file_has_a_source_comment(path: Path) -> None:
    lines = numeric_lines(path.read_text("utf-8"))
    assert lines, f"{path.name}: no numeric lines found (parser broken?)"
    missing = [
        f"{path.name}:{n}: [{table}] {key}  # {comment!r}"
        for n, table, key, comment in lines
        if not has_source(comment)
    ]
    assert not missing, "numbers without a source or 'assumption':\n" + "\n".join(missing)


# ---- parameter specs ----------------------------------------------------------------------


SPECS = param_specs()


def test_param_specs_cover_every_field() -> None:
    expected = {f"{sec}.{f.name}" for sec, cls in SECTIONS.items() for f in fields(cls)}
    assert set(SPECS) == expected
    assert len(SPECS) > 50


@pytest.mark.parametrize("key", sorted(SPECS))
def test_param_spec_is_documented_and_default_in_range(key: str) -> None:
    spec = SPECS[key]
    assert isinstance(spec["doc"], str) and spec["doc"].strip(), f"{key}: no doc"
    assert isinstance(spec["source"], str) and has_source(spec["source"]), (
        f"{key}: source {spec['source']!r} is neither a source nor 'assumption'"
    )
    assert "unit" in spec
    default, lo, hi = spec["default"], spec["lo"], spec["hi"]
    if isinstance(default, bool):
        assert lo is None and hi is None
    elif isinstance(default, str):
        assert default in spec["choices"], f"{key}: default {default!r} not a choice"
    else:
        assert lo is not None and hi is not None, f"{key}: numeric parameter without a range"
        assert lo <= hi
        values = default if isinstance(default, tuple) else (default,)
        if isinstance(default, tuple):
            lo_n, hi_n = spec["length"]
            assert lo_n <= len(default) <= hi_n, f"{key}: default has a wrong length"
        for v in values:
            assert isinstance(v, int | float) and not isinstance(v, bool)
            assert lo <= v <= hi, f"{key}: default {v} outside {lo}..{hi}"


def test_plan_choices() -> None:
    assert SPECS["compensation.plan"]["choices"] == PLANS


# ---- validation: files and --set overrides say the same ------------------------------------

# (dotted key, value as TOML text, fragments the message must contain)
BAD_VALUES = [
    pytest.param(
        "networker.tolerance_men",
        "6",
        ["unknown key", "'networker.tolerance_men'", "did you mean 'networker.tolerance_mean'"],
        id="unknown-key",
    ),
    pytest.param(
        "netwrker.tolerance_mean",
        "6",
        ["unknown section", "'netwrker'", "did you mean 'networker'"],
        id="unknown-section",
    ),
    pytest.param(
        "population.size", '"big"', ["population.size", "must be a number", "'big'"], id="str"
    ),
    pytest.param(
        "population.size", "true", ["population.size", "must be a number"], id="bool-for-int"
    ),
    pytest.param(
        "population.size", "2000.5", ["population.size", "whole number"], id="float-for-int"
    ),
    pytest.param("training.enabled", "1", ["training.enabled", "true or false"], id="int-for-bool"),
    pytest.param(
        "compensation.unilevel_rates",
        "0.1",
        ["compensation.unilevel_rates", "list"],
        id="scalar-for-list",
    ),
    pytest.param(
        "compensation.unilevel_rates",
        "[]",
        ["compensation.unilevel_rates", "1 to 30 entries"],
        id="empty-list",
    ),
    pytest.param(
        "population.size",
        "10",
        ["population.size = 10", "out of range", "from 50 to 5e+06 people"],
        id="below-range",
    ),
    pytest.param(
        "market.sale_rate_warm",
        "1.5",
        ["market.sale_rate_warm = 1.5", "out of range", "from 0 to 1"],
        id="above-range",
    ),
    pytest.param(
        "compensation.unilevel_rates",
        "[0.1, 2]",
        ["compensation.unilevel_rates = 2", "out of range", "from 0 to 1"],
        id="list-item-range",
    ),
    pytest.param("market.order_value", "nan", ["market.order_value", "out of range"], id="nan"),
    pytest.param(
        "simulation.weeks", "0", ["simulation.weeks = 0", "from 1 to 2600 weeks"], id="weeks-0"
    ),
    pytest.param(
        "compensation.plan",
        '"unilevl"',
        ["compensation.plan = 'unilevl'", "is not one of", "did you mean 'unilevel'"],
        id="unknown-plan",
    ),
    pytest.param(
        "compensation.plan",
        '"binar"',
        ["did you mean 'binary'"],
        id="unknown-plan-binary",
    ),
    pytest.param(
        "population.founders",
        "20000",
        ["population.founders = 20000", "out of range", "population.size = 10000"],
        id="founders-above-size",
    ),
]


NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?(?![\w])")


def canonical(text: str) -> str:
    """Numbers written the same whatever the formatting: '5e+06', '5,000,000', '5000000'."""
    return NUMBER_RE.sub(lambda m: repr(float(m.group().replace(",", ""))), text)


def assert_mentions(message: str, fragments: list[str]) -> None:
    for fragment in fragments:
        assert canonical(fragment) in canonical(message), f"{fragment!r} not in {message!r}"


def test_canonical_numbers() -> None:
    assert canonical("from 50 to 5,000,000 people") == canonical("from 50 to 5e+06 people")
    assert canonical("size = 10") != canonical("size = 100")
    assert canonical("p5 S7 tolerance_mean") == "p5 S7 tolerance_mean"


def _file_with(tmp_path: Path, key: str, value: str) -> Path:
    sec, _, name = key.partition(".")
    path = tmp_path / "bad.toml"
    path.write_text(f'[scenario]\nname = "bad"\n\n[{sec}]\n{name} = {value}\n', "utf-8")
    return path


@pytest.mark.parametrize(("key", "value", "fragments"), BAD_VALUES)
def test_bad_value_in_a_file(tmp_path: Path, key: str, value: str, fragments: list[str]) -> None:
    path = _file_with(tmp_path, key, value)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    message = str(exc.value)
    assert message.startswith(f"{path}: "), message
    assert_mentions(message, fragments)


@pytest.mark.parametrize(("key", "value", "fragments"), BAD_VALUES)
def test_bad_value_as_override(key: str, value: str, fragments: list[str]) -> None:
    overrides = parse_set([f"{key}={value}"])
    with pytest.raises(ScenarioError) as exc:
        load_scenario("baseline", overrides)
    message = str(exc.value)
    assert message.startswith("--set: "), message
    assert_mentions(message, fragments)


@pytest.mark.parametrize(("key", "value", "fragments"), BAD_VALUES)
def test_file_and_override_give_the_same_message(
    tmp_path: Path, key: str, value: str, fragments: list[str]
) -> None:
    path = _file_with(tmp_path, key, value)
    with pytest.raises(ScenarioError) as from_file:
        load_scenario(str(path))
    with pytest.raises(ScenarioError) as from_set:
        Scenario().with_overrides(parse_set([f"{key}={value}"]))
    assert str(from_file.value).removeprefix(f"{path}: ") == str(from_set.value).removeprefix(
        "--set: "
    )


@pytest.mark.parametrize(
    ("key", "set_text", "toml_text"),
    [
        ("population.size", "2000", "2000"),
        ("population.size", "1e4", "1e4"),
        ("networker.tolerance_mean", "6", "6"),
        ("market.sale_rate_warm", "1", "1.0"),
        ("market.sale_rate_warm", "0", "0"),
        ("compensation.plan", "binary", '"binary"'),
        ("compensation.plan", '"stairstep_breakaway"', '"stairstep_breakaway"'),
        ("compensation.unilevel_rates", "[0.1, 0.05]", "[0.1, 0.05]"),
        ("training.enabled", "true", "true"),
    ],
)
def test_valid_values_pass_in_files_and_overrides(
    tmp_path: Path, key: str, set_text: str, toml_text: str
) -> None:
    sec, _, name = key.partition(".")
    from_set = getattr(load_scenario("baseline", parse_set([f"{key}={set_text}"])), sec)
    from_file = getattr(load_scenario(str(_file_with(tmp_path, key, toml_text))), sec)
    assert getattr(from_set, name) == getattr(from_file, name)
    assert type(getattr(from_set, name)) is type(getattr(from_file, name))
    assert type(getattr(from_set, name)) is type(SPECS[key]["default"])


def test_int_parameter_given_as_whole_float_becomes_int() -> None:
    s = load_scenario("baseline", {"population.size": 2000.0})
    assert s.population.size == 2000 and type(s.population.size) is int


def test_override_leaves_the_original_untouched() -> None:
    base = load_scenario("baseline")
    before = base.networker.tolerance_mean
    changed = base.with_overrides({"networker.tolerance_mean": 6})
    assert changed.networker.tolerance_mean == 6.0
    assert base.networker.tolerance_mean == before != 6.0


# ---- cross-field checks ---------------------------------------------------------------------


def test_fee_shares_above_entry_fee_rejected() -> None:
    with pytest.raises(ScenarioError, match=r"fee_shares add up to 400 EUR.*entry_fee = 300"):
        load_scenario("pyramid", {"compensation.entry_fee": 300})
    # the same check when both come in one override set
    with pytest.raises(ScenarioError, match="fee_shares"):
        load_scenario(
            "baseline",
            {"compensation.plan": "recruitment_fee", "compensation.fee_shares": [400, 200]},
        )
    # exactly equal is allowed
    ok = load_scenario("pyramid", {"compensation.entry_fee": 400})
    assert ok.compensation.entry_fee == 400


def test_fee_shares_above_entry_fee_rejected_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "fees.toml"
    path.write_text(
        '[compensation]\nplan = "recruitment_fee"\nentry_fee = 100.0\nfee_shares = [80.0, 40.0]\n',
        "utf-8",
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    assert str(exc.value).startswith(str(path))
    assert "fee_shares add up to 120 EUR" in str(exc.value)


def test_founders_above_size_rejected() -> None:
    with pytest.raises(ScenarioError, match=r"population\.founders = 3000 is out of range"):
        load_scenario("baseline", {"population.size": 2000, "population.founders": 3000})
    with pytest.raises(ScenarioError, match=r"population\.size = 100"):
        load_scenario("baseline", {"population.size": 100, "population.founders": 101})
    ok = load_scenario("baseline", {"population.size": 100, "population.founders": 100})
    assert ok.population.founders == 100


def test_stairstep_lengths_and_order_checked() -> None:
    with pytest.raises(ScenarioError, match="same number of entries"):
        load_scenario("baseline", {"compensation.stairstep_rates": [0.1]})
    with pytest.raises(ScenarioError, match="increasing"):
        load_scenario(
            "baseline",
            {
                "compensation.stairstep_thresholds": [500.0, 100.0],
                "compensation.stairstep_rates": [0.1, 0.2],
            },
        )


# ---- malformed TOML, missing files, unknown names ------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[population]\nsize = 2000\nmean_degree = = 3\n", 3),
        ('[scenario]\nname = "x"\n\n\n[market\norder_value = 4\n', 5),
        ("[population]\nsize = 2000\nsize = 3000\n", 3),
        ('[scenario]\ndescription = "unterminated\n', 2),
    ],
    ids=["double-equals", "unclosed-table", "duplicate-key", "unterminated-string"],
)
def test_malformed_toml_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    message = str(exc.value)
    assert message.startswith(str(path)), message
    assert "malformed TOML" in message
    assert f"line {line}" in message, message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "missing.toml"
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    assert str(path) in str(exc.value)
    assert "not found" in str(exc.value)


def test_unreadable_file_is_a_scenario_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[scenario]\nname = "caf\xe9"\n')
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(str(path))


def test_unknown_scenario_name_suggests_closest() -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario("baselin")
    message = str(exc.value)
    assert "unknown scenario 'baselin'" in message
    assert "did you mean 'baseline'" in message
    for name in EXPECTED_SCENARIOS:
        assert name in message


def test_unknown_plan_suggests_closest_for_every_plan() -> None:
    for plan in PLANS:
        typo = plan[:-1]
        with pytest.raises(ScenarioError, match=f"did you mean '{plan}'"):
            load_scenario("baseline", {"compensation.plan": typo})


def test_unknown_key_in_scenario_table_rejected(tmp_path: Path) -> None:
    path = tmp_path / "meta.toml"
    path.write_text('[scenario]\nname = "x"\ndescripton = "typo"\n', "utf-8")
    with pytest.raises(ScenarioError, match=r"unknown key 'scenario\.descripton'"):
        load_scenario(str(path))


# ---- parse_set ------------------------------------------------------------------------------


def test_parse_set_values() -> None:
    parsed = parse_set(
        [
            "population.size=2000",
            "networker.tolerance_mean=6.5",
            "population.size2=1e4",
            "a.neg=-3",
            "compensation.unilevel_rates=[0.1, 0.05]",
            "compensation.plan=binary",
            'compensation.plan2="stairstep_breakaway"',
            "training.enabled=true",
            " market.order_value = 40 ",
            "x.y=a=b",
        ]
    )
    assert parsed == {
        "population.size": 2000,
        "networker.tolerance_mean": 6.5,
        "population.size2": 10000.0,
        "a.neg": -3,
        "compensation.unilevel_rates": [0.1, 0.05],
        "compensation.plan": "binary",
        "compensation.plan2": "stairstep_breakaway",
        "training.enabled": True,
        "market.order_value": 40,
        "x.y": "a=b",
    }
    assert type(parsed["population.size"]) is int
    assert type(parsed["networker.tolerance_mean"]) is float


def test_parse_set_refuses_a_key_given_twice() -> None:
    # keeping either value silently would hide a typo in a long command line
    with pytest.raises(ScenarioError) as exc:
        parse_set(["population.size=1", "networker.tolerance_mean=4", " population.size = 2"])
    message = str(exc.value)
    assert "population.size is given twice" in message
    assert "population.size=1" in message and "population.size=2" in message


@pytest.mark.parametrize("item", ["population.size", "size=3", "=3", "population.size:3"])
def test_parse_set_bad_syntax(item: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_set([item])
    assert repr(item) in str(exc.value)
    assert "section.key=value" in str(exc.value)


# ---- bounded input (issue 20) ----------------------------------------------------------------


def deep(n: int) -> str:
    return "[" * n + "1" + "]" * n


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 500, 20_000])
def test_deep_nesting_is_refused_before_parsing(tmp_path: Path, depth: int) -> None:
    """A few hundred levels used to end Python's stack (RecursionError, exit 1)."""
    path = tmp_path / "deep.toml"
    path.write_text(f"[population]\nsize = {deep(depth)}\n")
    for load in (
        lambda: load_scenario(str(path)),
        lambda: scenario_from_bytes(path.read_bytes(), "deep.toml"),
        lambda: parse_set([f"population.size={deep(depth)}"]),
    ):
        with pytest.raises(ScenarioError) as exc:
            load()
        assert exc.value.kind == "too_deep"
        assert f"more than {MAX_NESTING} levels" in str(exc.value)
    with pytest.raises(ScenarioError, match=re.escape(str(path))):
        load_scenario(str(path))


@pytest.mark.parametrize(
    "text",
    [
        "[" + ".".join(["a"] * 5000) + "]\n",  # a table header of dotted parts
        ".".join(["a"] * 5000) + " = 1\n",  # a dotted key
        "[population]\nsize = {" + ".".join(["a"] * 5000) + " = 1}\n",  # inside a value
    ],
    ids=["header", "key", "inline"],
)
def test_dotted_keys_nest_too(tmp_path: Path, text: str) -> None:
    path = tmp_path / "dotted.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    assert exc.value.kind == "too_deep"


def test_brackets_in_strings_and_comments_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "quoted.toml"
    many = "[{" * 40
    path.write_text(
        f'# {many}\n[scenario]\nname = "{many}"\ndescription = """\n{many}\n"""\n'
        f"description_de = '''{many}'''\n[population]\nsize = 400 # {many}\n"
    )
    scenario = load_scenario(str(path))
    assert scenario.population.size == 400 and scenario.name == many


def test_too_many_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text("[population]\n" + "".join(f"k{i} = 1\n" for i in range(MAX_KEYS + 1)))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    assert exc.value.kind == "too_many_keys" and str(path) in str(exc.value)


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "large.toml"
    with open(path, "wb") as f:
        f.truncate(300 * 2**20)  # sparse: reading it would cost 300 MB, not the disk
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    assert exc.value.kind == "too_large"
    assert "314,572,800 bytes" in str(exc.value) and f"{MAX_SCENARIO_BYTES:,}" in str(exc.value)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Windows Notepad starts a UTF-8 file with one."""
    data = "\ufeff[population]\r\nsize = 400\r\n".encode()
    path = tmp_path / "notepad.toml"
    path.write_bytes(data)
    assert load_scenario(str(path)).population.size == 400
    assert scenario_from_bytes(data, "notepad.toml").population.size == 400


def test_a_pipe_or_device_is_not_read(tmp_path: Path) -> None:
    """Opening a FIFO would wait for a writer for ever, reading /dev/zero never ends."""
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        with pytest.raises(ScenarioError, match="not a regular file"):
            load_scenario(path)


@pytest.mark.parametrize("name", ["a" * 256, "b" * 5000])
def test_a_name_too_long_for_a_file_is_an_unknown_name(name: str) -> None:
    """It used to end in a raw [Errno 36] with exit status 1."""
    with pytest.raises(ScenarioError) as exc:
        load_scenario(name)
    text = str(exc.value)
    assert text.startswith("unknown scenario") and "Errno" not in text and len(text) < 400


def test_names_and_descriptions_are_escaped(tmp_path: Path) -> None:
    """A control or bidirectional character (U+202E shows the rest of a line backwards)
    is kept as its escape in every text a scenario's name or description goes into."""
    path = tmp_path / "evil.toml"
    path.write_text(
        '[scenario]\nname = "a\\u0000b\u202ec\\u001b[31m"\n'
        'description = "line one\\nline two\u2066"\n'
    )
    s = load_scenario(str(path))
    assert s.name == "a\\x00b\\u202ec\\x1b[31m"
    assert s.description == "line one\nline two\\u2066"


def test_library_names_are_names_only() -> None:
    assert "baseline" in library_names()
    assert library_path("baseline") == SCENARIO_DIR / "baseline.toml"
    for value in ("/etc/passwd", str(SCENARIO_DIR / "baseline.toml"), "./baseline",
                  "../scenarios/baseline", "baseline.toml", "base\x00line"):  # fmt: skip
        with pytest.raises(ScenarioError) as exc:
            library_path(value)
        assert str(exc.value).startswith("unknown scenario")


# ---- the rank ladder (docs/model.md §4.6) ------------------------------------------------------

LADDER_TOML = """[compensation]
rank_titles = ["Bronze", "Silver", "Gold"]
rank_personal_volume = [100.0, 100.0, 100.0]
rank_group_volume = [100.0, 500.0, 1000.0]
rank_legs = [0, 0, 2]
rank_leg_rank = [0, 0, 1]
rank_levels = [1, 2, 3]
rank_bonus = [0.0, 0.0, 50.0]
rank_pool_share = [0.0, 0.0, 0.01]
"""


def ladder_file(tmp_path: Path, change: str = "") -> Path:
    """A scenario file with the ladder above, one line of it replaced by ``change``."""
    lines = LADDER_TOML.splitlines()
    if change:
        key = change.split(" = ")[0]
        lines = [change if line.startswith(f"{key} = ") else line for line in lines]
        if not any(line.startswith(f"{key} = ") for line in LADDER_TOML.splitlines()):
            lines.append(change)
    path = tmp_path / "ladder.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_a_ladder_loads_and_no_ladder_is_the_default(tmp_path: Path) -> None:
    comp = load_scenario(str(ladder_file(tmp_path))).compensation
    assert comp.rank_titles == ("Bronze", "Silver", "Gold")
    assert comp.rank_legs == (0, 0, 2) and comp.rank_bonus == (0.0, 0.0, 50.0)
    assert all(isinstance(x, int) for x in comp.rank_levels)
    for name in ("rank_titles", "rank_bonus", "rank_levels"):
        assert SPECS[f"compensation.{name}"]["default"] == ()
    assert SPECS["compensation.breakaway_rank"]["default"] == -1


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        ('rank_titles = ["Bronze", "Silver"]',
         ["compensation.rank_personal_volume has 3 entries", "rank_titles 2"]),
        ('rank_titles = ["Bronze", "Silver", "Bronze"]', ["'Bronze' appears twice"]),
        ('rank_titles = ["Bronze", "", "Gold"]', ["'' is not allowed", "1 to 40 characters"]),
        ('rank_titles = ["Bronze", 2, "Gold"]', ["rank_titles: 2 is not allowed"]),
        ('rank_titles = "Bronze"', ["rank_titles must be a list of texts"]),
        ("rank_group_volume = [100.0, 1000.0, 500.0]",
         ["rank_group_volume: 500 for rank 'Gold' is less than 1,000 for rank 'Silver'"]),
        ("rank_levels = [2, 1, 3]", ["rank_levels: 1 for rank 'Silver' is less than 2"]),
        ("rank_leg_rank = [0, 0, 2]",
         ["rank_leg_rank = 2 for rank 'Gold': a leg must hold a lower rank"]),
        ("rank_legs = [1, 1, 2]",  # the lowest rank has no rank below it for its legs
         ["rank_legs = 1 for the lowest rank 'Bronze'", "allowed is 0"]),
        ("breakaway_rank = 3", ["breakaway_rank = 3 is out of range", "0 to 2"]),
        ("rank_pool_share = [0.0, 0.0, 0.5]", ["rank_pool_share = 0.5 is out of range"]),
        ("rank_legs = [0, 0, 1.5]", ["must be a whole number"]),
        ("rank_generations = [0, 1]",
         ["compensation.rank_generations has 2 entries", "rank_titles 3", "or none"]),
        ("rank_generations = [0, 2, 1]",
         ["rank_generations: 1 for rank 'Gold' is less than 2 for rank 'Silver'"]),
        ("rank_generations = [0, 1, 11]", ["rank_generations = 11 is out of range"]),
        ("generation_rate = 0.05",
         ["compensation.generation_rate = 0.05 pays nothing", "compensation.rank_generations"]),
        ("generation_rate = 0.5", ["generation_rate = 0.5 is out of range"]),
    ],
)  # fmt: skip
def test_ladder_errors_name_the_file_the_key_and_the_rule(
    tmp_path: Path, change: str, fragments: list[str]
) -> None:
    path = ladder_file(tmp_path, change)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    message = str(exc.value)
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, message
    assert exc.value.message("de") != message  # German too


def test_a_ladder_error_exits_with_2_and_one_line(tmp_path: Path, capsys) -> None:
    from sim.cli import main

    path = ladder_file(tmp_path, 'rank_titles = ["Bronze", "Silver", "Bronze"]')
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "compensation.rank_titles" in err and not out.exists()


def test_generations_load_and_may_stay_empty_in_a_ladder(tmp_path: Path) -> None:
    path = ladder_file(tmp_path, "rank_generations = [0, 1, 2]")
    path.write_text(path.read_text("utf-8") + "generation_rate = 0.05\n", "utf-8")
    comp = load_scenario(str(path)).compensation
    assert comp.rank_generations == (0, 1, 2) and comp.generation_rate == 0.05
    assert load_scenario(str(ladder_file(tmp_path))).compensation.rank_generations == ()
    assert SPECS["compensation.generation_rate"]["default"] == 0.0


def test_a_ladder_by_set_too() -> None:
    lists = ("rank_personal_volume", "rank_group_volume", "rank_legs", "rank_leg_rank",
             "rank_levels", "rank_bonus", "rank_pool_share")  # fmt: skip
    one_rank = {f"compensation.{k}": [0] for k in lists}
    s = load_scenario("pyramid", {"compensation.rank_titles": ["A"], **one_rank})
    assert s.compensation.rank_titles == ("A",)
    with pytest.raises(ScenarioError, match="rank_personal_volume has 0 entries"):
        load_scenario("pyramid", {"compensation.rank_titles": ["A"]})
