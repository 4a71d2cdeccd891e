"""The files the tool reads besides its code: the scenario library, the lessons, and the
README (its validation table is shown on the About page). The dashboard is a package of
its own (``dashboards``), installed beside ``sim``.

They are edited where a reader of the repository looks for them, in its top-level folders
``scenarios/`` and ``lessons/``, and they travel inside the package: a
built wheel holds them in ``sim/_data/`` (see ``[tool.hatch.build.targets.wheel]`` in
pyproject.toml), where ``importlib.resources`` finds them wherever the package is installed.
A clone of the repository (uv's editable install puts the clone on ``sys.path`` and copies
nothing) has no ``sim/_data/``: there they are read where they are edited, in the clone the
package comes from. The README is the package's long description, so an installed copy
reads it from its metadata.

Only a clone is ever written to (``lessons --write``, ``validate --write-readme``): an
installed copy refuses (``require_checkout``). Where the compiled rules are cached on disk
is ``compiled_cache``'s business.
"""

from __future__ import annotations

import atexit
import getpass
import os
import shutil
import stat
import sys
import tempfile
import tomllib
from functools import cache
from importlib.resources import files
from pathlib import Path

from sim.i18n import LocalizedError, Msg

PACKAGED = "_data"  # in a wheel: sim/_data/scenarios, sim/_data/lessons
DISTRIBUTION = "networker-sim"


class OutputError(LocalizedError, OSError):
    """A folder cannot be written (exists, not writable, or an installed copy)."""


def package() -> Path:
    """The folder of the ``sim`` package. Every installer (pip, uv, ``uv tool``) unpacks a
    wheel into a folder, so its files are plain paths (a zip import is not supported)."""
    return Path(str(files("sim")))


@cache
def checkout() -> Path | None:
    """The root of the clone this package runs from, or None in an installed copy.

    A clone is the folder above the package, holding this project's pyproject.toml; an
    installed package sits in site-packages, which holds none.
    """
    root = package().parent
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return root if project.get("project", {}).get("name") == DISTRIBUTION else None


def shipped(name: str) -> Path:
    """The folder ``scenarios`` or ``lessons``: the package's own copy in an installed
    package, the one being edited in a clone."""
    packaged = package() / PACKAGED / name
    root = checkout()
    if packaged.exists() or root is None:
        return packaged  # missing only in a broken installation: its reader says what is
    return root / name


def readme() -> str | None:
    """The README: a clone's own, else the one this copy was built with (its metadata)."""
    root = checkout()
    if root is not None:
        try:
            return (root / "README.md").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        text = metadata(DISTRIBUTION).get_payload()
    except PackageNotFoundError:
        return None
    return text if isinstance(text, str) and text else None


def require_checkout(command: str, target: str) -> Path:
    """The root of the clone ``command`` rewrites ``target`` of.

    Raises:
        OutputError: this is an installed copy, which is never rewritten.
    """
    root = checkout()
    if root is None:
        raise OutputError(
            Msg("cli.error.needs_checkout", command=command, target=target, where=package())
        )
    return root


def compiled_cache() -> None:
    """Give numba's disk cache of the compiled rules (``cache=True``) a folder it may write.

    Numba keeps compiled code beside the source (``sim/__pycache__``), else in the user's
    cache folder (``~/.cache/numba``), and fails at import when it may write neither: an
    installation owned by another user, run by an account whose home is read-only. Then the
    cache goes to a folder of this user in the temporary folder (private: numba's cache files
    are pickles, and one planted by another user would run as this one). Called by
    ``sim/__init__.py``, before any module compiles; cheap, it writes nothing otherwise.
    """
    if os.environ.get("NUMBA_CACHE_DIR") or _may_write(package() / "__pycache__"):
        return
    user = _user_cache()
    if user is not None and _may_write(user / "numba"):
        return
    folder = _private_folder()
    os.environ["NUMBA_CACHE_DIR"] = str(folder)  # the workers this process starts, too
    config = sys.modules.get("numba.core.config")
    if config is not None:  # numba read its settings already: tell it directly
        config.CACHE_DIR = str(folder)


def _may_write(path: Path) -> bool:
    """Whether this process may create or write ``path``: its nearest existing folder."""
    while not path.exists():
        if path.parent == path:
            return False
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def _user_cache() -> Path | None:
    """The user's cache folder as numba finds it (``appdirs.user_cache_dir``)."""
    try:
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches"
        if os.name == "nt":
            return Path(os.environ.get("LOCALAPPDATA") or Path.home())
        return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    except (KeyError, RuntimeError):  # no home folder at all
        return None


def _private_folder() -> Path:
    """``networker-sim-numba-<user>`` in the temporary folder, this user's alone; else a
    fresh one for this process, removed at its end."""
    owner = os.getuid() if hasattr(os, "getuid") else None
    tag = owner if owner is not None else getpass.getuser()
    folder = Path(tempfile.gettempdir()) / f"networker-sim-numba-{tag}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
        mine = owner is None or st.st_uid == owner
        if stat.S_ISDIR(st.st_mode) and mine and not st.st_mode & 0o077:
            return folder
    except OSError:
        pass
    fresh = Path(tempfile.mkdtemp(prefix="networker-sim-numba-"))
    atexit.register(shutil.rmtree, fresh, ignore_errors=True)
    return fresh
