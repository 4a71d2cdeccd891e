"""Random and hostile input at the dashboard's address and at the scenario loader (issue
20): whatever an address holds, reading it gives a setup or the tool's own messages, names
only scenarios of the library, and opens no file it names; whatever nesting a TOML text
holds, loading it gives a scenario or the tool's own message, never another exception
(a few hundred levels of brackets used to end in a RecursionError).

A printable message is checked too: no control or bidirectional character is echoed as it
is (a name with U+202E would show the rest of the line backwards).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboards import address, follow, rooms, state
from sim.scenario import (
    MAX_NESTING,
    SCENARIO_DIR,
    SECTIONS,
    ScenarioError,
    library_names,
    load_scenario,
    param_specs,
    parse_set,
    scenario_from_bytes,
)

KEYS = sorted(param_specs())
NAMES = library_names()
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FAST = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))

# files that exist outside the library: an address that names them must not open them
CANARY = Path(__file__).resolve().parent / "data" / "canary-outside-the-library.toml"
OUTSIDE = [str(CANARY), "/etc/passwd", "/etc/hostname", str(SCENARIO_DIR.parent / "README.md")]


def check_message(exc: ScenarioError) -> None:
    """The tool's own message: one line in both languages, nothing echoed raw."""
    for lang in ("en", "de"):
        text = exc.message(lang)
        assert text and "\n" not in text, text
        assert not RAW.search(text), text


# ---- strategies -------------------------------------------------------------------------------

paths = st.sampled_from(
    [
        *OUTSIDE,
        "/etc/shadow",
        "/dev/zero",
        "/proc/self/environ",
        "../../../../etc/passwd",
        "scenarios/baseline.toml",
        str(SCENARIO_DIR / "baseline.toml"),
        "./baseline",
        "baseline/",
        "~/.bashrc",
        "C:\\Windows\\win.ini",
        "file:///etc/passwd",
        "a" * 300,
        "",
    ]
)


@st.composite
def nesting(draw: st.DrawFn) -> str:
    """Brackets and braces, from a few levels to thousands, closed or not."""
    depth = draw(st.one_of(st.integers(0, 40), st.integers(0, 3000)))
    opener = draw(st.sampled_from(["[", "{a = ", "[{a = ", "{a.b.c = ", "[[", "{"]))
    inner = draw(st.sampled_from(["1", "", '"x"', "[", "a", "1.5e400"]))
    closer = {"[": "]", "{a = ": "}", "[{a = ": "}]", "{a.b.c = ": "}", "[[": "]]", "{": "}"}
    closed = draw(st.booleans())
    return opener * depth + inner + (closer[opener] * depth if closed else "")


dotted = st.builds(lambda n, k: ".".join([k] * n), st.integers(1, 3000), st.sampled_from("ab"))
values = st.one_of(
    paths,
    st.text(max_size=40),
    nesting(),
    dotted,
    st.sampled_from(NAMES),
    st.sampled_from(["nan", "inf", "-1", "1e400", "9" * 5000, "true", "[1,2", "{", "\x00"]),
)
keys = st.one_of(
    st.sampled_from([*address.OWN, "follow", "scenario", "scenario"]),
    st.sampled_from(KEYS),
    st.builds(lambda s, k: f"{s}.{k}", st.sampled_from([*SECTIONS, "x"]), st.text(max_size=8)),
    st.text(max_size=12),
)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    """An address's query: pairs of hostile keys and values, encoded or garbled."""
    pairs = draw(st.lists(st.tuples(keys, values), max_size=6))
    parts = []
    for key, value in pairs:
        how = draw(st.sampled_from(["quoted", "raw", "bytes", "double"]))
        if how == "quoted":
            parts.append(f"{quote(key, safe='')}={quote(value, safe='')}")
        elif how == "raw":
            parts.append(f"{key}={value}")
        elif how == "bytes":  # percent escapes of any bytes, not UTF-8 at all
            parts.append(f"{quote(key, safe='')}={quote_from_bytes(draw(st.binary(max_size=12)))}")
        else:  # encoded twice: %252F, a name with a percent sign in it
            parts.append(f"{key}={quote(quote(value, safe=''), safe='')}")
    sep = draw(st.sampled_from(["&", "&&", ";", "&=&"]))
    prefix = draw(st.sampled_from(["", "?", "??"]))
    return prefix + sep.join(parts)


# ---- the address ------------------------------------------------------------------------------


@pytest.mark.slow
@FAST
@given(search=st.one_of(addresses(), st.text(max_size=300)))
@example(search="scenario=%2Fetc%2Fpasswd&follow=%2Fetc%2Fshadow")
@example(search="population.size=" + quote("[" * 1000))
@example(search="scenario=" + "a" * 256)
@example(search="scenario=base%00line&name=%E2%80%AE")
def test_the_address_parser_gives_a_setup_or_messages(search: str) -> None:
    setup, _others = address.decode(search)
    assert setup.scenario is None or setup.scenario in NAMES
    assert setup.tab in address.TABS
    for exc in setup.errors:
        assert isinstance(exc, ScenarioError)
        check_message(exc)
    code = rooms.code_in_address(search)
    if code is not None:
        shown = rooms.shown_code(code)
        assert not RAW.search(shown) and len(shown) <= 60, shown
    address.merged(search, address.encode(setup))  # writing it back raises nothing either


_opened: list[str] | None = None


def _note_open(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and args and isinstance(args[0], str | bytes):
        _opened.append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_note_open)


@pytest.mark.slow
@SLOW
@given(search=addresses())
@example(search="scenario=" + quote(str(CANARY), safe="") + "&seed=3")
@example(search="scenario=%2Fetc%2Fpasswd&costs.starter_kit=" + quote("{" * 900))
def test_opening_any_address_shows_a_setup_and_reads_no_file_it_names(search: str) -> None:
    """As the page opens it: the model is built from a library scenario, a message is
    shown for what was refused, and no file named in the address is opened."""
    global _opened
    state.error.value = None
    rooms.missing.value = rooms.following.value = rooms.from_address.value = None
    _opened = []
    try:
        state.open_address(search)
        follow.follow_address(search)
    finally:
        opened, _opened = _opened, None
    assert state.scenario_name.value in NAMES
    if state.error.value is not None:
        check_message(state.error.value)
        state.error_text(state.error.value, "de")
    named = {os.path.realpath(p) for p in OUTSIDE}
    assert named.isdisjoint(opened), sorted(named & set(opened))
    if rooms.missing.value is not None:
        assert not RAW.search(rooms.missing.value) and len(rooms.missing.value) <= 60


# ---- nested TOML at the loader ----------------------------------------------------------------

nested_values = st.recursive(
    st.one_of(st.integers(-5, 5), st.booleans(), st.text(max_size=5), st.floats()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "size", "x.y"]), inner, max_size=3),
    ),
    max_leaves=30,
)


def toml_of(value) -> str:
    """A value as TOML text (inline tables and arrays at any depth)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_of(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_of(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    return repr(value) if isinstance(value, int) else str(value)  # inf, nan as TOML writes


@st.composite
def nested_files(draw: st.DrawFn) -> bytes:
    section = draw(st.sampled_from([*SECTIONS, "scenario", "x"]))
    key = draw(st.sampled_from(["size", "weeks", "plan", "unilevel_rates", "base", "name", "k"]))
    value = draw(st.one_of(nested_values.map(toml_of), nesting()))
    header = draw(st.one_of(st.just(f"[{section}]"), dotted.map(lambda d: f"[{d}]")))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + f"{header}\n{key} = {value}\n".encode()


@pytest.mark.slow
@FAST
@given(data=nested_files())
@example(data=b"[population]\nsize = " + b"[" * 600 + b"]" * 600 + b"\n")
@example(data=b"x = " + b"{a = " * 800 + b"1" + b"}" * 800)
def test_nested_toml_loads_or_is_refused_with_a_message(data: bytes) -> None:
    try:
        scenario_from_bytes(data, "nested.toml")
    except ScenarioError as exc:
        check_message(exc)
    text = data.decode("utf-8-sig")
    value = text.partition(" = ")[2].strip()
    try:
        parse_set([f"population.size={value}"])
    except ScenarioError as exc:
        check_message(exc)


@pytest.mark.parametrize("depth", [10, 17, 100, 999, 30_000])
def test_a_file_of_any_depth_is_refused_with_a_message(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("[population]\nsize = " + "[" * depth + "1" + "]" * depth + "\n")
    with pytest.raises(ScenarioError) as exc:  # a list is no size, at any depth
        load_scenario(str(path))
    check_message(exc.value)
    assert exc.value.kind == ("too_deep" if depth > MAX_NESTING else None)
