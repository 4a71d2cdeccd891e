"""Result folders: written whole or not at all, with a manifest that makes a run repeatable."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sim.i18n import LocalizedError, Msg
from sim.model import RunResult

PACKAGES = ("networker-sim", "mesa", "numpy", "pandas", "pyarrow", "scipy")


class OutputError(LocalizedError, OSError):
    """The result folder cannot be written (exists, or not writable)."""


def versions() -> dict[str, str]:
    """Python and the versions of the packages a result depends on."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def check_writable(out: Path, overwrite: bool = False) -> None:
    """Fail early, before a long run, if ``out`` cannot become the result folder."""
    if out.exists() and not overwrite:
        raise OutputError(Msg("cli.error.out_exists", out=out))
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(Msg("cli.error.out_parent_file", out=out, parent=parent))
            if not os.access(parent, os.W_OK):
                raise OutputError(Msg("cli.error.out_not_writable", out=out, parent=parent))
            break


@contextmanager
def atomic_folder(out: Path, overwrite: bool = False):
    """Yield a temporary folder that becomes ``out`` only if the block completes.

    An exception or an interrupt removes the temporary folder, so a half-written result
    never appears under ``out``.
    """
    out = Path(out)
    check_writable(out, overwrite)
    parent = out.parent if str(out.parent) else Path(".")
    created = [p for p in (parent, *parent.parents) if not p.exists()]  # to undo on failure
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    except OSError as exc:
        raise OutputError(Msg("cli.error.out_create", out=out, detail=exc.strerror)) from None
    try:
        yield tmp
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.replace(out, old / "x")
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:  # innermost first; only if still empty
            with suppress(OSError):
                folder.rmdir()
        raise


def manifest(result: RunResult, elapsed: float, argv: list[str] | None = None) -> dict[str, Any]:
    return {
        "scenario": result.scenario.to_dict(),
        "seed": result.seed,
        "weeks": len(result.weekly),
        "versions": versions(),
        "elapsed_seconds": round(elapsed, 3),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": argv if argv is not None else sys.argv,
        "files": [
            "weekly.parquet",
            "weekly.csv",
            "networkers.parquet",
            "networkers.csv",
            "summary.json",
        ],
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
        (tmp / "manifest.json").write_text(json.dumps(manifest(result, elapsed), indent=2) + "\n")
    return Path(out)
