"""Result folders: written whole or not at all, with a manifest that makes a run repeatable.

What the tool writes is known by name (a run's files, an experiment's), so ``--overwrite``
replaces only a folder this tool wrote, and never the current folder, the home folder or a
git work tree. Working names carry the pid and host of their process, so the next start
removes what a killed process left behind, and nothing else.
"""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.i18n import Msg
from sim.resources import OutputError

if TYPE_CHECKING:  # the command line checks an output folder before it loads the model
    import pandas as pd

    from sim.scenario import Scenario

__all__ = ["OutputError", "RunResult"]

PACKAGES = ("networker-sim", "mesa", "numpy", "pandas", "pyarrow", "scipy")
# Leftovers of a process that died (SIGKILL, power cut) carry its pid and host in their
# name, so that a later start can tell them from the work of a process still running:
# ".<name>.partial-<pid>-<host>-<random>" and ".<name>.old-<pid>-<host>-<random>" beside a
# result, "networker-sim-<kind>-<pid>-<host>-<random>" in the temporary folder.
LEFTOVER = re.compile(
    r"^(?:\.(?P<name>.+)\.(?P<kind>partial|old)|networker-sim-[a-z]+)"
    r"-(?P<pid>\d+)-(?P<host>[A-Za-z0-9-]*)-[A-Za-z0-9_]{8}$"
)
MANIFEST = "manifest.json"
RUN_FILES = (
    "weekly.parquet",
    "weekly.csv",
    "networkers.parquet",
    "networkers.csv",
    "summary.json",
)
# An experiment folder (sim/experiments.py); a file being written has a hidden working name
# (see write_atomic and written_name).
STATE_FILE = "experiment.json"
PARTS = "parts"
TABLES = ("outcomes.parquet", "bands.parquet", "failures.json")
TOP_FILES = (STATE_FILE, MANIFEST, *TABLES)
PART_FILE = re.compile(r"^(?:outcomes|weekly|networkers)-\d{5}-\d{7}\.parquet$")
Foreign = Callable[[Path], list[str]]  # the names in a folder this tool did not write


@dataclass(frozen=True)
class RunResult:
    """Everything one run produced (``NetworkMarketingModel.result``)."""

    scenario: Scenario
    seed: int
    weekly: pd.DataFrame
    networkers: pd.DataFrame
    totals: dict[str, float]
    summary: dict


def file_name(text: str, fallback: str = "scenario") -> str:
    """``text`` (a scenario's name, say: data from a file) as one safe file name, never a
    path: letters, digits, ``.``, ``_`` and ``-`` only, no leading dot or dash."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).lstrip(".-")[:100]
    return name or fallback


def cannot_create(out: Path, exc: OSError) -> OutputError:
    return OutputError(Msg("cli.error.out_create", out=out, detail=exc.strerror or exc))


def versions() -> dict[str, str]:
    """Python and the versions of the packages a result depends on."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", platform.node())[:40]


def owner_tag() -> str:
    """This process in a leftover's name: ``<pid>-<host>``."""
    return f"{os.getpid()}-{_host()}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would stop the process there: never guess
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove this tool's leftovers in ``folder`` whose process is gone; return them.

    A leftover is recognised by its name (see LEFTOVER) with the pid and host of the process
    that made it; one of a process that still runs, or of another machine, stays.
    """
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = LEFTOVER.match(entry.name)
        if m is None or m["host"] != _host() or _alive(int(m["pid"])):
            continue
        with suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    return removed


def hidden_beside(out: Path, kind: str) -> str:
    """A prefix for a hidden working name next to ``out``: ``.<name>.<kind>-<pid>-<host>-``."""
    return f".{out.name}.{kind}-{owner_tag()}-"


def written_name(name: str) -> str:
    """The name a working file of ``write_atomic`` is written for, any other name as it is:
    ``.outcomes.parquet.partial-<pid>-<host>-<random>`` -> ``outcomes.parquet``."""
    m = LEFTOVER.match(name)
    return m["name"] if m is not None and m["kind"] == "partial" else name


def write_atomic(
    path: Path, content: bytes | str | Callable[[Path], Any], *, overwrite: bool = True
) -> None:
    """Write the file ``path`` whole or not at all.

    The content goes to a hidden working file beside it (``hidden_beside``), is flushed to
    the disk and then takes the name at once: whoever reads ``path`` finds the old file or
    the new one, never part of one. An error or an interrupt removes the working file; one
    left by a process killed outright is removed by a later start (``remove_leftovers``).

    Args:
        path: the file to write; its folder must exist.
        content: the bytes, the text (written as UTF-8), or a function that writes the
            file at the path it is given (``frame.to_parquet``, say).
        overwrite: replace an existing file. Without it an existing file is never
            replaced, not even one that appears while this one is being written.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
        OSError: the file cannot be written.
    """
    path = Path(path)
    tmp = path.with_name(f"{hidden_beside(path, 'partial')}{secrets.token_hex(4)}")
    try:
        if callable(content):
            content(tmp)
        else:
            tmp.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        with open(tmp, "rb") as f:  # on the disk before it takes the name
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # unlike a rename, fails if the name was taken meanwhile
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: look, then rename
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def owned_mkdtemp(kind: str) -> Path:
    """A fresh folder in the temporary folder, named so a later start can clean it up."""
    tmp = Path(tempfile.gettempdir())
    remove_leftovers(tmp)
    return Path(tempfile.mkdtemp(prefix=f"networker-sim-{kind}-{owner_tag()}-", dir=tmp))


@contextmanager
def owned_tempdir(kind: str):
    """Like ``tempfile.TemporaryDirectory``, but a later start removes it if this one dies."""
    folder = owned_mkdtemp(kind)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def foreign_in_result(folder: Path) -> list[str]:
    """The names in ``folder`` its manifest does not list (all of them without a manifest)."""
    names = sorted(p.name for p in folder.iterdir())
    try:
        saved = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        listed = set(saved["files"]) if isinstance(saved.get("versions"), dict) else set()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return names
    return [n for n in names if n != MANIFEST and n not in listed]


def foreign_in_experiment(folder: Path) -> list[str]:
    """The names in ``folder`` an experiment does not write (all, if it has no state and no
    parts: then it is not an experiment folder, even if some names fit)."""
    names = sorted(p.name for p in folder.iterdir())
    if STATE_FILE not in names and PARTS not in names:
        return names
    foreign = []
    for name in names:
        entry = folder / name
        if name == PARTS and entry.is_dir() and not entry.is_symlink():
            foreign += [
                f"{PARTS}/{p.name}"
                for p in sorted(entry.iterdir())
                if not (
                    PART_FILE.match(written_name(p.name)) and p.is_file() and not p.is_symlink()
                )
            ]
        elif not _top_file(entry):
            foreign.append(name)
    return foreign


def _top_file(entry: Path) -> bool:
    return written_name(entry.name) in TOP_FILES and entry.is_file() and not entry.is_symlink()


def foreign_in_output(folder: Path) -> list[str]:
    """What in ``folder`` this tool did not write: [] for a run's or validation's result
    folder or an experiment folder, else the names that make it neither."""
    return min(foreign_in_result(folder), foreign_in_experiment(folder), key=len)


def is_mount_point(path: Path) -> bool:
    """Whether something is mounted on ``path`` (a resolved path).

    ``os.path.ismount`` misses a bind mount within one file system (same device, as in
    containers), so Linux's own list of mount points is asked too.
    """
    if os.path.ismount(path):
        return True
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
    except OSError:  # not Linux
        return False
    # the fifth field is the mount point, with space, tab, newline and backslash as \ooo
    unescape = partial(re.sub, r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)))
    return any(len(f := line.split(" ")) > 4 and unescape(f[4]) == str(path) for line in lines)


def refusal(out: Path, foreign: Foreign = foreign_in_output) -> Msg | None:
    """Why the existing ``out`` must not be replaced, or None: a folder this tool wrote.

    Never replaced: the current folder or a folder above it, the home folder or one above
    it, a mount point, a git work tree, a symbolic link, a file, a folder holding anything
    ``foreign`` names. An empty folder holds nothing to lose.
    """
    out = Path(out)
    path = Path(os.path.abspath(out))
    real, cwd, home = path.resolve(), Path.cwd().resolve(), Path.home().resolve()
    if path.is_symlink():
        return Msg("cli.error.replace_link", out=out)
    if real == cwd:
        return Msg("cli.error.replace_cwd", out=out)
    if real in cwd.parents:
        return Msg("cli.error.replace_cwd_parent", out=out)
    if real == home or real in home.parents:
        return Msg("cli.error.replace_home", out=out)
    if is_mount_point(real):  # a mount point cannot be renamed aside (EBUSY)
        return Msg("cli.error.replace_mount", out=out)
    if not path.is_dir():
        return Msg("cli.error.replace_file", out=out)
    if (path / ".git").exists():
        return Msg("cli.error.replace_git", out=out)
    try:
        names = foreign(path)
    except OSError as exc:
        return cannot_create(out, exc).msg
    if names:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        return Msg("cli.error.replace_foreign", out=out, files=shown)
    return None


def check_parents(out: Path, file: bool = False) -> None:
    """Fail unless the folder ``out`` goes in is a folder, and writable (or creatable);
    ``file``: ``out`` is a file (a report), not a folder.

    Writable is tried, not only asked: a folder the permissions allow may still refuse
    (``/proc``, ``/sys``, a read-only mount, a full disk), and a run should not find out
    after minutes of simulation. The trial folder is hidden and removed at once.
    """
    out = Path(out)
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(Msg("cli.error.out_parent_file", out=out, parent=parent))
            if not os.access(parent, os.W_OK):
                raise OutputError(Msg("cli.error.out_not_writable", out=out, parent=parent))
            try:
                if file:
                    handle, trial = tempfile.mkstemp(prefix=hidden_beside(out, "partial"),
                                                     dir=parent)  # fmt: skip
                    os.close(handle)
                    os.unlink(trial)
                else:
                    os.rmdir(tempfile.mkdtemp(prefix=hidden_beside(out, "partial"), dir=parent))
            except OSError as exc:
                if file:
                    detail = exc.strerror or exc
                    raise OutputError(Msg("report.error.write", path=out, detail=detail)) from None
                raise cannot_create(out, exc) from None
            break


def check_writable(
    out: Path, overwrite: bool = False, foreign: Foreign = foreign_in_output
) -> None:
    """Fail early, before a long run, if ``out`` cannot become the result folder.

    An existing ``out`` is replaced only with ``overwrite``, and only if this tool wrote it
    (see ``refusal``).
    """
    out = Path(out)
    try:
        if out.exists() or out.is_symlink():
            why = refusal(out, foreign)
            if why is not None:
                raise OutputError(why)
            if not overwrite:
                raise OutputError(Msg("cli.error.out_exists", out=out))
        check_parents(out)
    except OutputError:
        raise
    except OSError as exc:  # a name too long, a folder one may not look into
        raise cannot_create(out, exc) from None


def swap_in(new: Path, out: Path, foreign: Foreign = foreign_in_output) -> None:
    """Let the complete folder ``new`` take the name ``out``; an old ``out`` goes after.

    The old folder is checked again (it may have changed during a long run), moved aside
    under a hidden name, and removed only once ``new`` is in its place.
    """
    out = Path(os.path.abspath(out))
    if not (out.exists() or out.is_symlink()):
        os.replace(new, out)
        return
    why = refusal(out, foreign)
    if why is not None:
        raise OutputError(why)
    old = out.parent / f"{hidden_beside(out, 'old')}{secrets.token_hex(4)}"
    os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_folder(out: Path, overwrite: bool = False, foreign: Foreign = foreign_in_output):
    """Yield a temporary folder that becomes ``out`` only if the block completes.

    An exception or an interrupt removes the temporary folder, so a half-written result
    never appears under ``out``; a process killed outright leaves it hidden, and the next
    start removes it. ``overwrite`` replaces an ``out`` this tool wrote (``foreign`` says
    what in it the tool did not write: then it is refused).
    """
    check_writable(out, overwrite, foreign)
    path = Path(os.path.abspath(out))
    parent = path.parent
    created = [p for p in (parent, *parent.parents) if not p.exists()]  # to undo on failure
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(parent)
        tmp = Path(tempfile.mkdtemp(prefix=hidden_beside(path, "partial"), dir=parent))
    except OSError as exc:
        raise cannot_create(out, exc) from None
    try:
        yield tmp
        swap_in(tmp, path, foreign)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:  # innermost first; only if still empty
            with suppress(OSError):
                folder.rmdir()
        raise


SUFFIXES = {"pdf": (".pdf",), "html": (".html", ".htm")}  # the file name's ending per format


def check_report_path(path: Path, overwrite: bool = False, fmt: str | None = None) -> None:
    """Raise OutputError unless a report can be written to ``path``: before minutes of runs.

    The path must not be a folder, nor an existing file unless ``overwrite``; its folder
    must be writable (or creatable); with ``fmt``, its name must end as that format's do
    (HTML in a file called .pdf would mislead whoever opens it).
    """
    path = Path(path)
    if fmt is not None and path.suffix.lower() not in SUFFIXES[fmt]:
        ends = " / ".join(SUFFIXES[fmt])
        raise OutputError(Msg("report.error.suffix", path=path, format=fmt.upper(), suffixes=ends))
    if path.is_dir():
        raise OutputError(Msg("report.error.is_folder", path=path))
    if path.exists() and not overwrite:
        raise OutputError(Msg("report.error.exists", path=path))
    check_parents(path, file=True)  # the folder: a folder, and writable


def write_report(path: Path, data: bytes, overwrite: bool = False) -> None:
    """Write the report to ``path`` whole or not at all.

    The bytes go to a temporary file in the same folder, which then takes the name at
    once; without ``overwrite`` an existing file is never replaced, not even one that
    appears while writing. A missing folder is made.

    Raises:
        OutputError: the file exists (and not ``overwrite``), is a folder, or cannot be
            written; its message is in English, ``.message(lang)`` in any language.
    """
    path = Path(path)
    check_report_path(path, overwrite)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(path.parent)  # of a report killed while writing
    except OSError as exc:
        raise OutputError(Msg("report.error.write", path=path, detail=exc.strerror)) from None
    try:
        write_atomic(path, data, overwrite=overwrite)
    except FileExistsError:  # not ``overwrite``, and the name is taken
        raise OutputError(Msg("report.error.exists", path=path)) from None
    except OSError as exc:
        raise OutputError(Msg("report.error.write", path=path, detail=exc.strerror)) from None


def manifest(result: RunResult, elapsed: float, argv: list[str] | None = None) -> dict[str, Any]:
    return {
        "scenario": result.scenario.to_dict(),
        "seed": result.seed,
        "weeks": len(result.weekly),
        "versions": versions(),
        "elapsed_seconds": round(elapsed, 3),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": argv if argv is not None else sys.argv,
        "files": list(RUN_FILES),
    }


def write_run(
    result: RunResult,
    out: Path,
    elapsed: float,
    overwrite: bool = False,
) -> Path:
    """Write the weekly series, per-networker table, summary and manifest to ``out``."""
    with atomic_folder(out, overwrite) as tmp:
        result.weekly.to_parquet(tmp / "weekly.parquet", index=False)
        result.weekly.to_csv(tmp / "weekly.csv", index=False)
        result.networkers.to_parquet(tmp / "networkers.parquet", index=False)
        result.networkers.to_csv(tmp / "networkers.csv", index=False)
        (tmp / "summary.json").write_text(json.dumps(result.summary, indent=2) + "\n")
        (tmp / MANIFEST).write_text(json.dumps(manifest(result, elapsed), indent=2) + "\n")
    return Path(out)
