"""Hostile inputs (issue 20): about 390 bad inputs through every way in, and what became of
each: its exit status or the message shown, a traceback or not, and whether the dashboard
read a file outside the scenario library.

    uv run python benchmarks/hostile.py [--checkout PATH] [--only CHANNEL] [--no-server]

Channels: ``cli`` (command-line options), ``file`` (a scenario file given to ``run``),
``set`` (``--set``), ``address`` (the dashboard's address, opened in-process as the page
opens it), ``upload`` (a scenario file uploaded to the dashboard, in-process), and
``server`` (a few of the same through a real server and Chromium, plus Ctrl-C right after
the first page load and the warnings a start prints). ``--checkout`` runs the cases against
another clone (its code is put first on ``PYTHONPATH``), e.g. the code before a fix
(``git worktree add /tmp/before <commit>``). Before issue 20, ``--workers 10**9`` forked
processes until the system stopped it: that case is given 15 s, and a few large jobs 45 s
each, after which the table says they were still working.

A refused input passes when it ends with exit status 2 and one message (the command line)
or one message on the page (the dashboard), without a traceback, without a control or
bidirectional character echoed raw, and, for the dashboard, without opening the file it
names. An accepted input passes when it runs (exit 0) or loads without a message.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|Fatal Python error|Exception in thread"
)
MESSAGE = re.compile(r"^networker-sim( \S+)?: (error|Fehler): ", re.M)  # argparse's too
# characters that must never be echoed as they are: C0 controls but tab and newline, DEL,
# C1 controls, and the bidirectional controls (a name written backwards, U+202E)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
BIG_BYTES = 300 * 2**20  # a sparse file of zeros: what reading it costs, not the disk
MB = 2**20


@dataclass
class Case:
    channel: str
    name: str
    expect: str  # "refuse" or "ok"
    argv: list[str] = field(default_factory=list)
    search: str | None = None
    data: str | None = None  # upload: the file's bytes, latin-1 decoded (JSON carries text)
    filename: str = "upload.toml"
    size: int | None = None  # upload: the size the browser reports (default: the real one)
    target: str | None = None  # a file outside the library that the input names
    timeout: float = 45.0  # seconds; a job still working then has started what it should refuse


@dataclass
class Outcome:
    channel: str
    name: str
    expect: str
    outcome: str
    traceback: bool
    outside: bool | None  # None: not a question for this channel
    raw: bool = False
    messages: int = 0
    text: str = ""
    passed: bool = False
    seconds: float = 0.0


# ---- the inputs --------------------------------------------------------------------------------


def deep(n: int, left: str = "[", right: str = "]", inner: str = "1") -> str:
    return left * n + inner + right * n


def inline_tables(n: int) -> str:
    return "{a = " * n + "1" + "}" * n


def prepare(work: Path) -> dict[str, Path]:
    """The files the cases name: scenario files good and bad, a canary outside the library,
    a large file, a FIFO."""
    files: dict[str, Path] = {}
    canary = work / "hostile-canary"
    canary.mkdir()
    (canary / "secret.toml").write_text('password = "hunter2"\n[db]\nuser = "root"\n')
    (canary / "secret").write_text('password = "hunter2"\n')
    files["canary"] = canary / "secret.toml"
    files["canary_stem"] = canary / "secret"
    big = canary / "big.toml"
    with open(big, "wb") as f:
        f.truncate(BIG_BYTES)
    files["big"] = big
    fifo = work / "fifo.toml"
    os.mkfifo(fifo)
    files["fifo"] = fifo
    (work / "tiny.toml").write_text(
        '[scenario]\nbase = "baseline"\n[population]\nsize = 300\nfounders = 5\n'
        "[simulation]\nweeks = 12\n"
    )
    files["tiny"] = work / "tiny.toml"
    (work / "a-folder.toml").mkdir()
    files["folder"] = work / "a-folder.toml"
    (work / "afile").write_text("x")
    files["afile"] = work / "afile"
    link = work / "shadow-link.toml"
    link.symlink_to("/etc/shadow")
    files["link"] = link
    return files


def bad_files() -> list[tuple[str, str, bytes]]:
    """(name, expect, content) of scenario files, for the file and upload channels."""
    big_keys = "[population]\n" + "".join(f"k{i} = 1\n" for i in range(6000))
    many_keys = "[population]\n" + "".join(f"k{i} = 1\n" for i in range(200_000))
    u = "utf-8"
    return [
        ("empty file", "ok", b""),
        ("only a comment", "ok", b"# nothing\n"),
        ("UTF-8 byte-order mark", "ok", b"\xef\xbb\xbf[population]\nsize = 400\n"),
        ("byte-order mark, CRLF lines", "ok", b"\xef\xbb\xbf[population]\r\nsize = 400\r\n"),
        ("byte-order mark, then bad TOML", "refuse", b"\xef\xbb\xbf[population\n"),
        ("two byte-order marks", "refuse", b"\xef\xbb\xbf\xef\xbb\xbf[population]\n"),
        ("UTF-16 with its mark", "refuse", "[population]\nsize = 400\n".encode("utf-16")),
        ("not UTF-8 (latin-1)", "refuse", "# \u00e4\n".encode("latin-1")),
        ("NUL bytes", "refuse", b"[population]\x00\nsize = 1\n"),
        ("binary noise", "refuse", bytes(range(256)) * 4),
        ("arrays 100 deep", "refuse", f"[population]\nsize = {deep(100)}\n".encode()),
        ("arrays 500 deep", "refuse", f"[population]\nsize = {deep(500)}\n".encode()),
        ("arrays 1,000 deep", "refuse", f"[population]\nsize = {deep(1000)}\n".encode()),
        ("arrays 20,000 deep", "refuse", f"[population]\nsize = {deep(20000)}\n".encode()),
        ("arrays 500 deep, unclosed", "refuse", f"x = {'[' * 500}".encode()),
        (
            "inline tables 500 deep",
            "refuse",
            f"[population]\nsize = {inline_tables(500)}\n".encode(),
        ),
        ("inline tables 2,000 deep", "refuse", f"x = {inline_tables(2000)}\n".encode()),
        ("mixed [{ 600 deep", "refuse", ("x = " + "[{a = " * 300 + "1" + "}]" * 300).encode()),
        ("table header 1,000 parts", "refuse", ("[" + ".".join(["a"] * 1000) + "]\n").encode()),
        ("table header 20,000 parts", "refuse", ("[" + ".".join(["a"] * 20000) + "]\n").encode()),
        ("dotted key 5,000 parts", "refuse", (".".join(["a"] * 5000) + " = 1\n").encode()),
        (
            "array of tables 1,000 parts",
            "refuse",
            ("[[" + ".".join(["a"] * 1000) + "]]\n").encode(),
        ),
        ("6,000 keys", "refuse", big_keys.encode()),
        ("200,000 keys", "refuse", many_keys.encode()),
        ("2 MB comment", "refuse", b"#" + b"x" * 2_000_000 + b"\n"),
        ("one 1 MB line of digits", "refuse", b"[population]\nsize = " + b"1" * 1_000_000),
        ("integer of 4,000 digits", "refuse", b"[population]\nsize = " + b"9" * 4000 + b"\n"),
        ("size = inf", "refuse", b"[population]\nsize = inf\n"),
        ("size = nan", "refuse", b"[population]\nsize = nan\n"),
        ("weeks = -inf", "refuse", b"[simulation]\nweeks = -inf\n"),
        ("size = 1e400", "refuse", b"[population]\nsize = 1e400\n"),
        ("size = 1.5", "refuse", b"[population]\nsize = 1.5\n"),
        ("size = true", "refuse", b"[population]\nsize = true\n"),
        ("size as text", "refuse", b'[population]\nsize = "1000"\n'),
        ("size is a date", "refuse", b"[population]\nsize = 2024-01-01\n"),
        ("size is a table", "refuse", b"[population]\nsize = {a = 1}\n"),
        ("size is a list", "refuse", b"[population]\nsize = [1, 2]\n"),
        ("size = 0", "refuse", b"[population]\nsize = 0\n"),
        ("size = 10**12", "refuse", b"[population]\nsize = 1000000000000\n"),
        ("rates: empty list", "refuse", b"[compensation]\nunilevel_rates = []\n"),
        (
            "rates: 31 items",
            "refuse",
            ("[compensation]\nunilevel_rates = [" + ",".join(["0.01"] * 31) + "]\n").encode(),
        ),
        (
            "rates: 100,000 items",
            "refuse",
            ("[compensation]\nunilevel_rates = [" + ",".join(["0"] * 100_000) + "]\n").encode(),
        ),
        ("rates: nested", "refuse", b"[compensation]\nunilevel_rates = [[0.1]]\n"),
        ("plan is a path", "refuse", b'[compensation]\nplan = "../../etc/passwd"\n'),
        ("value outside a section", "refuse", b'password = "hunter2"\n'),
        ("section is a number", "refuse", b"population = 5\n"),
        ("array of tables", "refuse", b"[[population]]\nsize = 400\n"),
        ("unknown section", "refuse", b"[populaton]\nsize = 400\n"),
        ("unknown key", "refuse", b"[population]\nsiez = 400\n"),
        ("key with U+202E", "refuse", '[population]\n"si\u202eze" = 400\n'.encode(u)),
        ("section with NUL escape", "refuse", b'["pop\\u0000"]\nx = 1\n'),
        ("section of 10,000 chars", "refuse", ("[" + "p" * 10000 + "]\n").encode()),
        ("table twice", "refuse", b"[population]\n[population]\n"),
        ("key twice", "refuse", b"[population]\nsize = 1\nsize = 2\n"),
        ("unclosed string", "refuse", b'[scenario]\nname = "abc\n'),
        ("base is a path", "refuse", b'[scenario]\nbase = "../../../../etc/passwd"\n'),
        ("base is absolute", "refuse", b'[scenario]\nbase = "/etc/passwd"\n'),
        ("base is a number", "refuse", b"[scenario]\nbase = 5\n"),
        ("base is unknown", "refuse", b'[scenario]\nbase = "nope"\n'),
        ("unknown scenario key", "refuse", b"[scenario]\nowner = 1\n"),
        ("statements not a list", "refuse", b'[scenario]\nstatements = "S1"\n'),
        ("statements unknown", "refuse", b'[scenario]\nstatements = ["S99"]\n'),
        ("scenario is a number", "refuse", b"scenario = 1\n"),
        ("founders above size", "refuse", b"[population]\nsize = 100\nfounders = 200\n"),
        ("name with NUL", "ok", b'[scenario]\nname = "a\\u0000b"\n[population]\nsize = 400\n'),
        (
            "name with U+202E",
            "ok",
            '[scenario]\nname = "evil\u202etxt.exe"\n[population]\nsize = 400\n'.encode(u),
        ),
        (
            "name with newline and ESC",
            "ok",
            b'[scenario]\nname = "a\\nb\\u001b[31m"\n[population]\nsize = 400\n',
        ),
        (
            "name of 10,000 chars",
            "ok",
            ('[scenario]\nname = "' + "n" * 10000 + '"\n[population]\nsize = 400\n').encode(),
        ),
        (
            "name is a path",
            "ok",
            b'[scenario]\nname = "../../etc/passwd"\n[population]\nsize = 400\n',
        ),
        (
            "description of 50 KB",
            "ok",
            (
                '[scenario]\ndescription = "' + "d" * 50_000 + '"\n[population]\nsize = 400\n'
            ).encode(),
        ),
    ]


def cli_cases(files: dict[str, Path]) -> list[Case]:
    tiny = str(files["tiny"])
    small = ["--set", "population.size=300", "--set", "population.founders=5", "--weeks", "8"]
    cases: list[tuple[str, str, list[str]]] = [
        # commands
        ("no command", "refuse", []),
        ("typo: rn", "refuse", ["rn", "baseline"]),
        ("typo: runn", "refuse", ["runn", "baseline"]),
        ("typo: montecarl", "refuse", ["montecarl", "baseline"]),
        ("typo: dashbord", "refuse", ["dashbord"]),
        ("typo: scenarois", "refuse", ["scenarois"]),
        ("command in capitals", "refuse", ["RUN", "baseline"]),
        ("empty command", "refuse", [""]),
        ("unknown option", "refuse", ["run", "baseline", "--sed", "1"]),
        ("--lang xx", "refuse", ["--lang", "xx", "scenarios"]),
        ("--method typo", "refuse", ["sensitivity", tiny, "--params", "a", "--method", "morrs"]),
        ("run without a scenario", "refuse", ["run"]),
        # scenario names
        ("name of 256 chars", "refuse", ["run", "a" * 256]),
        ("name of 5,000 chars", "refuse", ["run", "b" * 5000]),
        ("name with U+202E", "refuse", ["run", "base\u202eline"]),
        ("name with ESC", "refuse", ["run", "base\x1b[31mline"]),
        ("name with newline", "refuse", ["run", "base\nline"]),
        ("name: empty", "refuse", ["run", ""]),
        ("name: .", "refuse", ["run", "."]),
        ("name: ..", "refuse", ["run", ".."]),
        ("name: /", "refuse", ["run", "/"]),
        ("name: -", "refuse", ["run", "-"]),
        ("name in capitals", "refuse", ["run", "BASELINE"]),
        ("name: baseline.toml (not here)", "refuse", ["run", "baseline.toml"]),
        ("path: /etc/shadow", "refuse", ["run", "/etc/shadow"]),
        ("path: /etc", "refuse", ["run", "/etc"]),
        ("path: /dev/zero", "refuse", ["run", "/dev/zero"]),
        ("path: /dev/stdin", "refuse", ["run", "/dev/stdin"]),
        ("path: /proc/self/environ", "refuse", ["run", "/proc/self/environ"]),
        ("path: a FIFO", "refuse", ["run", str(files["fifo"])]),
        ("path: a folder named .toml", "refuse", ["run", str(files["folder"])]),
        ("path: 300 MB of zeros", "refuse", ["run", str(files["big"])]),
        ("path: link to /etc/shadow", "refuse", ["run", str(files["link"])]),
        ("path: a name too long", "refuse", ["run", "/tmp/" + "c" * 300 + ".toml"]),
        # numbers
        ("--seed -1", "refuse", ["run", tiny, "--seed", "-1"]),
        ("--seed 2**40", "refuse", ["run", tiny, "--seed", str(2**40)]),
        ("--seed abc", "refuse", ["run", tiny, "--seed", "abc"]),
        ("--weeks 0", "refuse", ["run", tiny, "--weeks", "0"]),
        ("--weeks 10**9", "refuse", ["run", tiny, "--weeks", str(10**9)]),
        ("--weeks 1e3", "refuse", ["run", tiny, "--weeks", "1e3"]),
        ("--runs 0", "refuse", ["montecarlo", tiny, "--runs", "0"]),
        ("--runs -5", "refuse", ["montecarlo", tiny, "--runs", "-5"]),
        ("--runs 10**12", "refuse", ["montecarlo", tiny, "--runs", str(10**12)]),
        (
            "montecarlo baseline --runs 200,000",
            "refuse",
            ["montecarlo", "baseline", "--runs", "200000"],
        ),
        ("--workers 0", "refuse", ["montecarlo", tiny, "--runs", "2", "--workers", "0"]),
        ("--workers -1", "refuse", ["montecarlo", tiny, "--runs", "2", "--workers", "-1"]),
        ("--workers abc", "refuse", ["montecarlo", tiny, "--runs", "2", "--workers", "abc"]),
        ("--workers 1000", "ok", ["montecarlo", tiny, "--runs", "4", "--workers", "1000"]),
        ("--workers 10**9", "ok", ["montecarlo", tiny, "--runs", "2", "--workers", str(10**9)]),
        (
            "me --workers 500",
            "ok",
            ["me", "--scenario", tiny, "--futures", "10", "--workers", "500"],
        ),
        (
            "--dask to a closed port",
            "refuse",
            ["montecarlo", tiny, "--runs", "2", "--dask", "tcp://127.0.0.1:9"],
        ),
        ("--dask not an address", "refuse", ["montecarlo", tiny, "--runs", "2", "--dask", "::::"]),
        # output folders
        ("run --out /proc/x", "refuse", ["run", "baseline", "--out", "/proc/x"]),
        ("run --out /sys/x", "refuse", ["run", "baseline", "--out", "/sys/x"]),
        ("run --out /", "refuse", ["run", tiny, "--out", "/"]),
        ("run --out /etc", "refuse", ["run", tiny, "--out", "/etc"]),
        ("run --out /dev/null", "refuse", ["run", tiny, "--out", "/dev/null"]),
        ("run --out an existing file", "refuse", ["run", tiny, "--out", str(files["afile"])]),
        ("run --out below a file", "refuse", ["run", tiny, "--out", str(files["afile"]) + "/x"]),
        ("run --out a name too long", "refuse", ["run", tiny, "--out", "d" * 300]),
        ("run --out empty", "refuse", ["run", tiny, "--out", ""]),
        (
            "montecarlo --out /proc/x",
            "refuse",
            ["montecarlo", tiny, "--runs", "2", "--out", "/proc/x"],
        ),
        (
            "sweep --out /proc/x",
            "refuse",
            ["sweep", tiny, "--vary", "population.size=300,400", "--runs", "2", "--out", "/proc/x"],
        ),
        (
            "compare --out /proc/x",
            "refuse",
            ["compare", tiny, tiny, "--runs", "2", "--out", "/proc/x"],
        ),
        ("validate --out /proc/x", "refuse", ["validate", "--out", "/proc/x"]),
        (
            "report --out /proc/x.pdf",
            "refuse",
            ["report", tiny, "--runs", "1", "--out", "/proc/x.pdf"],
        ),
        ("report --out /etc", "refuse", ["report", tiny, "--runs", "1", "--out", "/etc"]),
        ("report --out x.txt", "refuse", ["report", tiny, "--runs", "1", "--out", "x.txt"]),
        ("report --runs 0", "refuse", ["report", tiny, "--runs", "0"]),
        ("report --format doc", "refuse", ["report", tiny, "--format", "doc"]),
        # sweeps and sensitivity
        ("--vary without =", "refuse", ["sweep", tiny, "--vary", "population.size"]),
        ("--vary empty values", "refuse", ["sweep", tiny, "--vary", "population.size="]),
        ("--vary unknown key", "refuse", ["sweep", tiny, "--vary", "population.siez=1,2"]),
        ("--vary out of range", "refuse", ["sweep", tiny, "--vary", "population.size=1,2"]),
        ("--vary 500 deep", "refuse", ["sweep", tiny, "--vary", f"population.size={deep(500)}"]),
        (
            "--vary twice",
            "refuse",
            ["sweep", tiny, "--vary", "population.size=300", "--vary", "population.size=400"],
        ),
        (
            "sweep 1,000 points x 1,000 runs",
            "refuse",
            [
                "sweep",
                "baseline",
                "--vary",
                "population.size=" + ",".join(str(1000 + i) for i in range(1000)),
                "--runs",
                "1000",
            ],
        ),
        ("--params one only", "refuse", ["sensitivity", tiny, "--params", "market.sale_rate_warm"]),
        ("--params unknown", "refuse", ["sensitivity", tiny, "--params", "a.b,c.d"]),
        (
            "--params bad range",
            "refuse",
            ["sensitivity", tiny, "--params", "market.sale_rate_warm=1:x,costs.starter_kit"],
        ),
        (
            "--trajectories 0",
            "refuse",
            [
                "sensitivity",
                tiny,
                "--params",
                "market.sale_rate_warm,costs.starter_kit",
                "--trajectories",
                "0",
            ],
        ),
        (
            "--samples 10**9",
            "refuse",
            [
                "sensitivity",
                tiny,
                "--params",
                "market.sale_rate_warm,costs.starter_kit",
                "--method",
                "sobol",
                "--samples",
                str(10**9),
            ],
        ),
        (
            "sensitivity 10,000 trajectories x 100 runs",
            "refuse",
            [
                "sensitivity",
                "baseline",
                "--params",
                "market.sale_rate_warm,costs.starter_kit",
                "--trajectories",
                "10000",
                "--runs",
                "100",
            ],
        ),
        # me
        ("me --hours -1", "refuse", ["me", "--hours", "-1"]),
        ("me --hours nan", "refuse", ["me", "--hours", "nan"]),
        ("me --hours inf", "refuse", ["me", "--hours", "inf"]),
        ("me --tolerance 0", "refuse", ["me", "--tolerance", "0"]),
        ("me --friends -1", "refuse", ["me", "--friends", "-1"]),
        ("me --friends 10**9", "refuse", ["me", "--friends", str(10**9)]),
        ("me --experience guru", "refuse", ["me", "--experience", "guru"]),
        ("me --join-after-weeks -1", "refuse", ["me", "--join-after-weeks", "-1"]),
        ("me --join-after-weeks 10**9", "refuse", ["me", "--join-after-weeks", str(10**9)]),
        ("me --months 0", "refuse", ["me", "--months", "0"]),
        ("me --months 10**6", "refuse", ["me", "--months", str(10**6)]),
        ("me --futures 0", "refuse", ["me", "--futures", "0"]),
        ("me --futures 10,000,000", "refuse", ["me", "--futures", "10000000"]),
        ("me --futures 10**12", "refuse", ["me", "--futures", str(10**12)]),
        ("me --scenario /etc/shadow", "refuse", ["me", "--scenario", "/etc/shadow"]),
        # other commands
        ("compare one scenario", "refuse", ["compare", tiny]),
        ("validate --runs 1", "refuse", ["validate", "--runs", "1"]),
        ("validate --critical /etc/shadow", "refuse", ["validate", "--critical", "/etc/shadow"]),
        ("dashboard --port 0", "refuse", ["dashboard", "--port", "0"]),
        ("dashboard --port 70000", "refuse", ["dashboard", "--port", "70000"]),
        ("dashboard --host 999.1.1.1", "refuse", ["dashboard", "--host", "999.1.1.1"]),
        ("dashboard --host empty", "refuse", ["dashboard", "--host", ""]),
        ("lessons --write --runs 0", "refuse", ["lessons", "--write", "--runs", "0"]),
        # accepted, as a check of the harness
        ("scenarios", "ok", ["scenarios"]),
        ("run a small scenario", "ok", ["run", tiny]),
        ("run with a German error", "refuse", ["--lang", "de", "run", "nope"]),
    ]
    out = [Case("cli", name, expect, argv) for name, expect, argv in cases]
    for case in out:
        if case.name == "--workers 10**9":  # without a cap: processes until the system stops it
            case.timeout = 15.0
    for case in out:
        if case.argv[:1] == ["run"] and case.expect == "ok" and case.argv[1:2] != [tiny]:
            case.argv += small
    return out


def file_cases(work: Path) -> list[Case]:
    small = ["--set", "population.size=300", "--set", "population.founders=5", "--weeks", "8"]
    out = []
    for i, (name, expect, data) in enumerate(bad_files()):
        path = work / "files" / f"case{i:03d}.toml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        extra = small if expect == "ok" else []
        out.append(Case("file", name, expect, ["run", str(path), *extra]))
    return out


def set_cases(files: dict[str, Path]) -> list[Case]:
    tiny = str(files["tiny"])
    items = [
        ("no =", "refuse", "population.size"),
        ("no dot", "refuse", "size=1"),
        ("only =", "refuse", "="),
        ("empty key", "refuse", "=1"),
        ("unknown section", "refuse", "populaton.size=1"),
        ("unknown key", "refuse", "population.siez=1"),
        ("scenario.name", "refuse", "scenario.name=x"),
        ("key of 10,000 chars", "refuse", "population." + "k" * 10000 + "=1"),
        ("key with U+202E", "refuse", "population.si\u202eze=1"),
        ("key with ESC", "refuse", "population.si\x1bze=1"),
        ("value: empty", "refuse", "population.size="),
        ("value: text", "refuse", "population.size=many"),
        ("value: 100 deep", "refuse", f"population.size={deep(100)}"),
        ("value: 500 deep", "refuse", f"population.size={deep(500)}"),
        ("value: 60,000 deep", "refuse", f"population.size={deep(60_000)}"),
        ("value: unclosed 500", "refuse", "population.size=" + "[" * 500),
        ("value: inline tables 500", "refuse", f"population.size={inline_tables(500)}"),
        ("value: 100,000 chars", "refuse", "population.size=" + "9" * 100_000),
        ("value: 1e400", "refuse", "population.size=1e400"),
        ("value: nan", "refuse", "market.sale_rate_warm=nan"),
        ("value: inf", "refuse", "market.sale_rate_warm=inf"),
        ("value: -inf", "refuse", "costs.starter_kit=-inf"),
        ("value: a date", "refuse", "population.size=1979-05-27"),
        ("value: a list for a number", "refuse", "population.size=[1,2]"),
        ("value: NUL text", "refuse", 'compensation.plan="a\\u0000b"'),
        ("value: U+202E text", "refuse", "compensation.plan=uni\u202elevel"),
        ("value: plan is a path", "refuse", "compensation.plan=../../etc/passwd"),
        (
            "value: list of 50,000",
            "refuse",
            "compensation.unilevel_rates=[" + ",".join(["0"] * 50_000) + "]",
        ),
        ("value: seed 2**33", "refuse", "simulation.seed=8589934592"),
        ("value: weeks 0", "refuse", "simulation.weeks=0"),
        ("value: 5,000,000,000 people", "refuse", "population.size=5000000000"),
        ("founders above the size", "refuse", "population.founders=100000"),
    ]
    out = [Case("set", name, expect, ["run", tiny, "--set", item]) for name, expect, item in items]
    out.append(
        Case(
            "set",
            "same key twice",
            "refuse",
            ["run", tiny, "--set", "population.size=300", "--set", "population.size=400"],
        )
    )
    many = [a for i in range(3000) for a in ("--set", f"population.k{i}=1")]
    out.append(Case("set", "3,000 --set items", "refuse", ["run", tiny, *many]))
    out.append(Case("set", "a good --set", "ok", ["run", tiny, "--set", "population.size=350"]))
    return out


def address_cases(files: dict[str, Path], checkout: Path) -> list[Case]:
    canary, stem, big = str(files["canary"]), str(files["canary_stem"]), str(files["big"])
    library_file = str(checkout / "scenarios" / "baseline.toml")
    rel = os.path.relpath(canary, checkout)
    scenario_values = [
        ("/etc/passwd", "/etc/passwd"),
        ("/etc/shadow", "/etc/shadow"),
        ("/etc/hostname", "/etc/hostname"),
        ("a missing file", "/nonexistent/missing.toml"),
        ("a folder: /etc", "/etc"),
        ("/dev/zero", "/dev/zero"),
        ("/proc/self/environ", "/proc/self/environ"),
        ("a TOML file outside", canary),
        ("a TOML file outside, no suffix", stem),
        ("a TOML file outside, relative", rel),
        ("300 MB of zeros", big),
        ("the FIFO", str(files["fifo"])),
        ("a library file by its path", library_file),
        ("scenarios/baseline.toml", "scenarios/baseline.toml"),
        ("baseline.toml", "baseline.toml"),
        ("./baseline", "./baseline"),
        ("baseline/", "baseline/"),
        ("../scenarios/baseline", "../scenarios/baseline"),
        ("..", ".."),
        ("/", "/"),
        ("~root/.bashrc", "~root/.bashrc"),
        ("C:\\Windows\\win.ini", "C:\\Windows\\win.ini"),
        ("file:///etc/passwd", "file:///etc/passwd"),
        ("BASELINE", "BASELINE"),
        ("name with NUL", "base\x00line"),
        ("name with U+202E", "base\u202eline"),
        ("name with ESC", "\x1b[2J"),
        ("name of 256 chars", "a" * 256),
        ("name of 5,000 chars", "b" * 5000),
        ("an unknown name", "no_such_one"),
    ]
    out = []
    targets = {"/etc/passwd", "/etc/shadow", "/etc/hostname", "/dev/zero", "/proc/self/environ",
               canary, stem, big, str(files["fifo"])}  # fmt: skip
    for name, value in scenario_values:
        target = value if value in targets else (canary if value == rel else None)
        out.append(Case("address", f"scenario={name}", "refuse",
                        search="?" + _q("scenario", value) + "&seed=7", target=target))  # fmt: skip
    out.append(
        Case(
            "address",
            "scenario=/etc/passwd, double-encoded",
            "refuse",
            search="?scenario=%252Fetc%252Fpasswd",
        )
    )
    out.append(
        Case(
            "address",
            "scenario given twice",
            "refuse",
            search="?scenario=baseline&scenario=" + _pct("/etc/passwd"),
            target="/etc/passwd",
        )
    )
    params = [
        ("arrays 500 deep", "refuse", f"population.size={_pct(deep(500))}"),
        ("arrays 3,000 deep", "refuse", f"population.size={_pct(deep(3000))}"),
        ("inline tables 500 deep", "refuse", f"population.size={_pct(inline_tables(500))}"),
        ("unclosed [ 1,000", "refuse", f"population.size={_pct('[' * 1000)}"),
        ("unknown key", "refuse", "population.siez=5"),
        ("unknown section with ESC (not ours: kept)", "ok", "popul%1Bation.size=5"),
        ("key with U+202E", "refuse", "population.si%E2%80%AEze=5"),
        ("value out of range", "refuse", "costs.starter_kit=-5"),
        ("value nan", "refuse", "costs.starter_kit=nan"),
        ("value 1e400", "refuse", "costs.starter_kit=1e400"),
        ("value of 10,000 chars", "refuse", "costs.starter_kit=" + "9" * 10000),
        ("plan is a path", "refuse", "compensation.plan=%2Fetc%2Fpasswd"),
        ("5,000,001 people", "refuse", "population.size=5000001"),
        ("2,600 weeks of 300,000 people", "ok", "population.size=300000&simulation.weeks=2600"),
        ("seed -1", "refuse", "seed=-1"),
        ("seed abc", "refuse", "seed=abc"),
        ("seed of 400 digits", "refuse", "seed=" + "9" * 400),
        ("address over 16 KiB", "refuse", "x=" + "y" * 20000),
        ("follow an unknown room", "refuse", "follow=ABCD"),
        ("follow a path", "refuse", "follow=%2Fetc%2Fpasswd"),
        ("follow a script", "refuse", "follow=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        ("follow with NUL", "refuse", "follow=AB%00CD"),
        ("follow with U+202E", "refuse", "follow=AB%E2%80%AECD"),
        ("follow of 5,000 chars", "refuse", "follow=" + "Z" * 5000),
        ("follow twice", "refuse", "follow=ABCD&follow=%2Fetc%2Fshadow"),
        ("tab is a path", "ok", "scenario=baseline&tab=..%2F..%2Fetc"),
        ("lang is a path", "ok", "scenario=baseline&lang=..%2Fetc"),
        ("name is a path", "ok", "scenario=baseline&name=..%2F..%2Fetc%2Fpasswd"),
        ("name with NUL", "ok", "scenario=baseline&name=a%00b"),
        ("present=yes", "ok", "scenario=baseline&present=yes"),
        ("bad percent escapes", "refuse", "scenario=%ZZ%FF%FE"),
        ("invalid UTF-8", "refuse", "scenario=%FF%FE%FD"),
        ("only separators", "ok", "&&&&;;;"),
        ("= alone", "ok", "="),
        ("keys without values", "ok", "scenario&seed&tab"),
        ("a fragment", "refuse", "scenario=%2Fetc%2Fpasswd%23frag"),
        ("scenario[]=", "ok", "scenario[]=baseline"),
        ("a library scenario", "ok", "scenario=pyramid&seed=3"),
    ]
    for name, expect, query in params:
        target = "/etc/passwd" if "passwd" in query and "scenario=" in query else None
        out.append(Case("address", name, expect, search="?" + query, target=target))
    return out


def upload_cases() -> list[Case]:
    out = [
        Case("upload", f"file: {name}", expect, data=data.decode("latin-1"), filename=f"c{i}.toml")
        for i, (name, expect, data) in enumerate(bad_files())
        if len(data) < 3_000_000
    ]
    ok = b"[population]\nsize = 400\n".decode("latin-1")
    deep_file = f"[population]\nsize = {deep(600)}\n"
    for name, filename in [
        ("name: a path", "../../etc/passwd.toml"),
        ("name: absolute", "/etc/shadow"),
        ("name: Windows path", "C:\\Users\\x\\..\\..\\secret.toml"),
        ("name: NUL", "a\x00b.toml"),
        ("name: U+202E", "evil\u202elmot.exe"),
        ("name: 5,000 chars", "n" * 5000 + ".toml"),
        ("name: empty", ""),
    ]:
        out.append(Case("upload", name, "ok", data=ok, filename=filename))
        out.append(Case("upload", name + ", deep content", "refuse", data=deep_file,
                        filename=filename))  # fmt: skip
    out.append(
        Case("upload", "size reported 10, sent 2 MB", "refuse", data="#" + "x" * 2_000_000, size=10)
    )
    out.append(Case("upload", "size reported 1 GB", "refuse", data=ok, size=2**30))
    out.append(Case("upload", "size reported -1", "refuse", data="x" * 70_000, size=-1))
    return out


def _pct(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _q(key: str, value: str) -> str:
    return f"{key}={_pct(value)}"


# ---- the command line: one process per case ----------------------------------------------


def env_for(checkout: Path, extra: list[str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*(extra or []), str(checkout)])
    env.pop("COLUMNS", None)
    env["NETWORKER_SIM_LANG"] = "en"
    return env


def run_cli(case: Case, checkout: Path, work: Path) -> Outcome:
    started = time.monotonic()
    cmd = [sys.executable, "-m", "sim.cli", *case.argv]
    try:
        p = subprocess.Popen(cmd, cwd=work, env=env_for(checkout), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)  # fmt: skip
    except (ValueError, OSError) as exc:  # an argument the system refuses (a NUL)
        return Outcome(case.channel, case.name, case.expect, f"not started: {exc}", False, None)
    try:
        out, err = p.communicate(timeout=case.timeout)
        code: int | None = p.returncode
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        code = None
    text = out.decode("utf-8", "replace") + err.decode("utf-8", "replace")
    tb = bool(TRACEBACK.search(text))
    messages = len(MESSAGE.findall(err.decode("utf-8", "replace")))
    if code is None:
        outcome = f"timeout {case.timeout:.0f} s (working)"
    elif code < 0:
        outcome = f"signal {-code}"
    else:
        outcome = f"exit {code}"
    first = next((ln for ln in err.decode("utf-8", "replace").splitlines()
                  if MESSAGE.match(ln)), "")  # fmt: skip
    if not first:
        first = (err or out).decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        first = first[0]
    raw = bool(RAW.search(text))
    if case.expect == "refuse":
        passed = code == 2 and not tb and messages == 1 and not raw
    else:
        passed = code == 0 and not tb and not raw
    return Outcome(case.channel, case.name, case.expect, outcome, tb, None, raw, messages,
                   first[:160], passed, time.monotonic() - started)  # fmt: skip


# ---- the dashboard in-process: a worker process with the checkout's code ----------------------


def worker(cases_file: Path, out_file: Path) -> None:
    """Open each address and upload as the page does; note the files opened."""
    opened: list[str] = []

    def hook(event: str, args: tuple) -> None:
        if event == "open" and args and isinstance(args[0], str | bytes):
            opened.append(os.path.abspath(os.fsdecode(args[0])))

    sys.addaudithook(hook)
    from dashboards import follow, rooms, state
    from sim.i18n import t
    from sim.scenario import ScenarioError

    try:
        from dashboards.components.upload import receive
    except ImportError:
        receive = None
    cases = [Case(**c) for c in json.loads(cases_file.read_text())]
    canary_dir = os.environ["HOSTILE_CANARY"]
    results = []
    for case in cases:
        state.playing.value = False
        state.error.value = None
        rooms.missing.value = rooms.following.value = rooms.from_address.value = None
        stale = ScenarioError("STALE MESSAGE")
        if case.channel == "upload":
            state.error.value = stale  # an older message: the upload must replace it
        opened.clear()
        started = time.monotonic()
        tb, text = False, ""
        rss0 = _rss()
        try:
            if case.channel == "address":
                search = case.search.removeprefix("?")  # as the page's router gives it
                state.open_address(search)
                follow.follow_address(search)
            else:
                data = case.data.encode("latin-1")
                size = len(data) if case.size is None else case.size
                receive({"name": case.filename, "size": size}, lambda n, d=data: d[:n])
        except BaseException as exc:  # what the page would show as a traceback
            tb = True
            text = "".join(traceback.format_exception_only(exc)).strip()[-160:]
        seconds = time.monotonic() - started
        grew = (_rss() - rss0) / MB
        shown = []
        if state.error.value is not None:
            shown.append(state.error_text(state.error.value, "en"))
        if rooms.missing.value is not None:
            shown.append(t("room.unknown", "en", code=rooms.missing.value))
        if not tb:
            text = " | ".join(shown)
        stale_kept = case.channel == "upload" and state.error.value is stale
        mine = [p for p in opened if case.target and (
            os.path.realpath(p) == os.path.realpath(case.target) or p == case.target)]  # fmt: skip
        mine += [p for p in opened if p.startswith(canary_dir)]
        outside = bool(mine) if case.channel == "address" else None
        raw = bool(RAW.search(text)) if not tb else False
        if case.expect == "refuse":
            passed = bool(shown) and not tb and not outside and not raw and not stale_kept
        else:
            passed = not tb and not raw and not (case.channel == "upload" and (
                state.error.value is not None))  # fmt: skip
        outcome = "traceback" if tb else "old message kept" if stale_kept else (
            "message" if shown else "loaded")  # fmt: skip
        if grew > 50:
            outcome += f" (+{grew:.0f} MB)"
        results.append(asdict(Outcome(case.channel, case.name, case.expect, outcome, tb, outside,
                                      raw, len(shown), text[:160], passed, seconds)))  # fmt: skip
    out_file.write_text(json.dumps(results))


def _rss() -> int:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    m = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(m[1]) * 1024 if m else 0


def run_in_process(cases: list[Case], checkout: Path, work: Path, canary: Path) -> list[Outcome]:
    cases_file, out_file = work / "inproc-cases.json", work / "inproc-out.json"
    cases_file.write_text(json.dumps([asdict(c) for c in cases]))
    env = env_for(checkout)
    env["HOSTILE_CANARY"] = str(canary)
    p = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker",
                        str(cases_file), str(out_file)], cwd=work, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=3600, check=False)  # fmt: skip
    if not out_file.exists():
        sys.exit(f"the in-process worker failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return [Outcome(**r) for r in json.loads(out_file.read_text())]


# ---- a real server and a real browser ----------------------------------------------------

SITECUSTOMIZE = textwrap.dedent("""
    import os, sys
    _log, _watch = os.environ.get("HOSTILE_OPEN_LOG"), os.environ.get("HOSTILE_WATCH")
    if _log and _watch:
        _paths = tuple(_watch.split(os.pathsep))
        def _hook(event, args):
            if event == "open" and args and isinstance(args[0], (str, bytes)):
                path = os.path.abspath(os.fsdecode(args[0]))
                if path.startswith(_paths):
                    with open(_log, "a", encoding="utf-8") as f:
                        f.write(path + "\\n")
        sys.addaudithook(_hook)
""")


class Dashboard:
    """``networker-sim dashboard`` of the checkout, with the files it opens watched."""

    def __init__(self, checkout: Path, work: Path, watch: list[str]):
        hooks = work / "hooks"
        hooks.mkdir(exist_ok=True)
        (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
        self.opened = work / f"opened-{time.monotonic_ns()}.log"
        self.log = work / f"server-{time.monotonic_ns()}.log"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = env_for(checkout, [str(hooks)])
        env["HOSTILE_OPEN_LOG"], env["HOSTILE_WATCH"] = str(self.opened), os.pathsep.join(watch)
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(self.port)],
                cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 180
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start:\n{self.text()[-2000:]}")
            time.sleep(0.2)

    def _answers(self) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(self.url, timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def opened_files(self) -> list[str]:
        return self.opened.read_text().splitlines() if self.opened.exists() else []

    def rss(self) -> int:
        m = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{self.process.pid}/status").read_text(),
                      re.M)  # fmt: skip
        return int(m[1]) * 1024 if m else 0

    def stop(self, sig: int = signal.SIGTERM) -> int | None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            return None


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def page_text(page, wait_for: str | None, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            text = page.inner_text("body")
        if wait_for is None or re.search(wait_for, text):
            break
        time.sleep(0.3)
    return text


def run_server(checkout: Path, work: Path, files: dict[str, Path]) -> list[Outcome]:
    from playwright.sync_api import sync_playwright

    canary, big = str(files["canary"]), str(files["big"])
    watch = ["/etc/passwd", "/etc/shadow", "/proc/self/environ", str(files["canary"].parent)]
    # the page's messages: a setting refused (ui.invalid), a room missing, a traceback
    error_re = r"(are not valid|There is no room|Traceback|could not be loaded)"
    results: list[Outcome] = []
    deep_file = work / "deep-upload.toml"
    deep_file.write_text(f"[population]\nsize = {deep(600)}\n")
    addresses = [
        ("scenario=/etc/passwd", "refuse", "?" + _q("scenario", "/etc/passwd"), "/etc/passwd"),
        ("scenario=/etc/shadow", "refuse", "?" + _q("scenario", "/etc/shadow"), "/etc/shadow"),
        ("scenario=a missing file", "refuse", "?" + _q("scenario", "/nonexistent/x.toml"), None),
        ("scenario=a TOML file outside", "refuse", "?" + _q("scenario", canary), canary),
        ("scenario=300 MB of zeros", "refuse", "?" + _q("scenario", big), big),
        ("arrays 500 deep", "refuse", "?population.size=" + _pct(deep(500)), None),
        ("follow a path", "refuse", "?follow=%2Fetc%2Fpasswd", None),
        ("name with U+202E", "refuse", "?scenario=base%E2%80%AEline", None),
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        server = Dashboard(checkout, work, watch)
        try:
            for name, expect, query, target in addresses:
                before_log, before_rss = len(server.text()), server.rss()
                context = browser.new_context()
                page = context.new_page()
                started = time.monotonic()
                page.goto(server.url + query)
                text = page_text(page, error_re)
                context.close()
                log = server.text()[before_log:]
                tb = "Traceback" in text or bool(TRACEBACK.search(log))
                opened = server.opened_files()
                outside = bool(target) and any(os.path.realpath(p) == os.path.realpath(target)
                                               for p in opened)  # fmt: skip
                leak = "password" in text or "hunter2" in text
                grew = (server.rss() - before_rss) / MB
                line = next((ln for ln in text.splitlines() if re.search(error_re, ln)), "")
                outcome = ("traceback" if tb else "message" if line else "no message") + (
                    f" (+{grew:.0f} MB)" if grew > 50 else "")  # fmt: skip
                if leak:
                    outcome += " (leaks key names)"
                if "%2F" in line:
                    outcome += " (URL-encoded)"
                raw = bool(RAW.search(line))
                passed = bool(line) and not tb and not outside and not leak and not raw and (
                    "%2F" not in line) and grew < 50  # fmt: skip
                results.append(Outcome("server", name, expect, outcome, tb, outside, raw, 1,
                                       line[:160], passed, time.monotonic() - started))  # fmt: skip
            # an upload through the page's file chooser
            before_log = len(server.text())
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.url)
            page_text(page, r"Week|Woche")
            page.set_input_files("input[type=file]", str(deep_file))
            text = page_text(page, error_re)
            context.close()
            time.sleep(1)
            log = server.text()[before_log:]
            tb = "Traceback" in text or bool(TRACEBACK.search(log))
            line = next((ln for ln in text.splitlines() if re.search(error_re, ln)), "")
            shown = "traceback" if tb else "message" if line else "no message"
            results.append(Outcome("server", "upload: arrays 600 deep", "refuse", shown, tb,
                                   None, False, 1, line[:160], bool(line) and not tb))  # fmt: skip
            # what the start and the pages printed: Solara's cookie warning, say
            printed = server.text()
            warned = len(re.findall(r"Warning\b", printed))
            results.append(Outcome("server", "pages served: library warnings printed", "ok",
                                   f"{warned} warnings", False, None, False, 0,
                                   _last_line(printed) if warned else "", warned == 0))  # fmt: skip
        finally:
            code = server.stop(signal.SIGTERM)
            tail = server.text()
            orphans = "Orphan widgets" in tail
            results.append(Outcome("server", "SIGTERM after the cases", "ok",
                                   f"exit {code}" + (" (orphan widgets)" if orphans else ""),
                                   bool(TRACEBACK.search(tail)), None, False, 0, "",
                                   code in (0, -15, 143) and not orphans))  # fmt: skip
        # Ctrl-C as the first page is asked for, right when the server answers (the first
        # charts may still be being drawn), each on a fresh server; exit 1 is Solara's own
        # end on Ctrl-C ("Aborted."), a segmentation fault is not
        for attempt in range(1, 7):
            server = Dashboard(checkout, work, watch)
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.url, wait_until="commit")
            code = server.stop(signal.SIGINT)
            context.close()
            text = server.text()
            fatal = "Fatal Python error" in text or code in (139, -11)
            outcome = f"exit {code}" + (" (segfault)" if fatal else "")
            passed = code in (0, 1, 130, -2) and not fatal
            results.append(Outcome("server", f"Ctrl-C at the first page ({attempt})", "ok",
                                   outcome, fatal or bool(TRACEBACK.search(text)), None,
                                   False, 0, _last_line(text), passed))  # fmt: skip
        browser.close()
    return results


def _last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1][:160] if lines else ""


# ---- the table ------------------------------------------------------------------------------


def table(results: list[Outcome]) -> str:
    lines = [f"{'#':>3}  {'channel':<7}  {'case':<44} {'expect':<6}  {'outcome':<28} tb  "
             f"out  pass  message"]  # fmt: skip
    for i, r in enumerate(results, 1):
        out = "-" if r.outside is None else "YES" if r.outside else "no"
        shown = r.text.encode("unicode_escape").decode("ascii")[:90]
        lines.append(f"{i:>3}  {r.channel:<7}  {r.name[:44]:<44} {r.expect:<6}  "
                     f"{r.outcome[:28]:<28} {'YES' if r.traceback else 'no ':<3} {out:<4} "
                     f"{'ok' if r.passed else 'FAIL':<5} {shown}")  # fmt: skip
    return "\n".join(lines)


def summary(results: list[Outcome]) -> str:
    lines = [f"{'channel':<8} {'cases':>5} {'passed':>6} {'tracebacks':>10} {'outside reads':>13} "
             f"{'refused, not exit 2/message':>27} {'raw echo':>8}"]  # fmt: skip
    channels = list(dict.fromkeys(r.channel for r in results))
    for ch in [*channels, "all"]:
        rs = [r for r in results if ch in ("all", r.channel)]
        not2 = sum(1 for r in rs if r.expect == "refuse" and not r.passed and not r.traceback)
        lines.append(f"{ch:<8} {len(rs):>5} {sum(r.passed for r in rs):>6} "
                     f"{sum(r.traceback for r in rs):>10} {sum(bool(r.outside) for r in rs):>13} "
                     f"{not2:>27} {sum(r.raw for r in rs):>8}")  # fmt: skip
    # an existence oracle: does a missing file answer otherwise than an existing one?
    answers = {}
    for r in results:
        if r.channel == "address" and r.name.startswith("scenario=") and r.text:
            text = re.sub(r" \(did you mean '[^']*'\?\)", "", r.text.split(". Known")[0])
            answers[r.name] = re.sub(r"'[^']*'", "'…'", text)
    distinct = sorted(set(answers.values()))
    lines.append(f"\naddress scenario=<not a library name>: {len(answers)} answers, "
                 f"{len(distinct)} different wordings (1 = no oracle)")  # fmt: skip
    for wording in distinct[:12]:
        lines.append(f"    {wording[:110]}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=HERE, help="the clone to try")
    parser.add_argument("--only", action="append", default=[], help="a channel (repeatable)")
    parser.add_argument("--no-server", action="store_true", help="skip the real server")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    checkout = args.checkout.resolve()
    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        files = prepare(work)
        wanted = set(args.only) or {"cli", "file", "set", "address", "upload", "server"}
        if args.no_server:
            wanted.discard("server")
        cases: list[Case] = []
        if "cli" in wanted:
            cases += cli_cases(files)
        if "file" in wanted:
            cases += file_cases(work)
        if "set" in wanted:
            cases += set_cases(files)
        results: list[Outcome] = []
        for case in cases:
            results.append(run_cli(case, checkout, work))
            print(f"  {case.channel} {case.name}: {results[-1].outcome}", file=sys.stderr,
                  flush=True)  # fmt: skip
        inproc = []
        if "address" in wanted:
            inproc += address_cases(files, checkout)
        if "upload" in wanted:
            inproc += upload_cases()
        if inproc:
            results += run_in_process(inproc, checkout, work, files["canary"].parent)
        if "server" in wanted:
            if Path("/usr/bin/chromium").exists():
                results += run_server(checkout, work, files)
            else:
                print("no Chromium at /usr/bin/chromium: the server channel is skipped",
                      file=sys.stderr)  # fmt: skip
        print(table(results))
        print()
        print(f"checkout: {checkout}")
        print(summary(results))
        if args.json:
            args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
