"""Where the tool finds its files (sim/resources.py): in a clone, the folders being edited;
in an installed copy, the package's own (tests/test_install.py installs one); writing into
an installed copy is refused; numba's cache finds a folder it may write."""

from __future__ import annotations

import os
import stat
from importlib.util import find_spec
from pathlib import Path

import pytest

import sim.resources as resources
from sim.cli import main
from sim.lessons import LESSONS_DIR
from sim.results import OutputError
from sim.scenario import SCENARIO_DIR, list_scenarios
from sim.validation import published_block

REPO = Path(__file__).resolve().parent.parent


def test_a_clone_reads_the_folders_it_edits():
    assert resources.checkout() == REPO
    assert SCENARIO_DIR == REPO / "scenarios"
    assert LESSONS_DIR == REPO / "lessons"
    assert Path(find_spec("dashboards.app").origin) == REPO / "dashboards" / "app.py"
    assert {name for name, _ in list_scenarios()} == {p.stem for p in SCENARIO_DIR.glob("*.toml")}
    assert published_block() is not None  # the README's validation table, for the About page


def test_an_installed_copy_reads_its_package_data(monkeypatch, tmp_path):
    package = tmp_path / "site-packages" / "sim"
    (package / "_data" / "scenarios").mkdir(parents=True)
    monkeypatch.setattr(resources, "package", lambda: package)
    resources.checkout.cache_clear()
    try:
        assert resources.checkout() is None  # site-packages holds no pyproject.toml
        assert resources.shipped("scenarios") == package / "_data" / "scenarios"
    finally:
        resources.checkout.cache_clear()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [(["lessons", "--write"], "lessons --write"), (["validate", "--write-readme"], "README.md")],
)
def test_an_installed_copy_is_never_rewritten(monkeypatch, capsys, argv, fragment):
    monkeypatch.setattr(resources, "checkout", lambda: None)
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "installed copy" in lines[0], err
    with pytest.raises(OutputError):
        resources.require_checkout("lessons --write", "lessons/")


def test_numba_cache_left_alone_where_it_may_write(monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", "")  # unset for the code, put back afterwards
    monkeypatch.setattr(resources, "_may_write", lambda path: True)
    resources.compiled_cache()
    assert os.environ["NUMBA_CACHE_DIR"] == ""


def test_numba_cache_in_a_private_temporary_folder_where_nothing_else_is_writable(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("NUMBA_CACHE_DIR", "")  # unset for the code, put back afterwards
    monkeypatch.setattr(resources, "_may_write", lambda path: False)
    monkeypatch.setattr(resources.tempfile, "tempdir", str(tmp_path))
    import numba.core.config

    monkeypatch.setattr(numba.core.config, "CACHE_DIR", "")
    resources.compiled_cache()
    folder = Path(os.environ["NUMBA_CACHE_DIR"])
    assert folder.parent == tmp_path and folder.is_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    cache_dir = numba.core.config.CACHE_DIR
    assert cache_dir == str(folder)  # numba, imported already, is told too


def test_numba_cache_never_in_a_folder_others_may_write(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", "")  # unset for the code, put back afterwards
    monkeypatch.setattr(resources, "_may_write", lambda path: False)
    monkeypatch.setattr(resources.tempfile, "tempdir", str(tmp_path))
    uid = os.getuid()
    planted = tmp_path / f"networker-sim-numba-{uid}"
    planted.mkdir()
    planted.chmod(0o777)  # someone could have put cache files (pickles) in it
    resources.compiled_cache()
    folder = Path(os.environ["NUMBA_CACHE_DIR"])
    assert folder != planted and folder.parent == tmp_path
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_may_write_looks_at_the_nearest_existing_folder(tmp_path):
    assert resources._may_write(tmp_path / "not" / "yet")
    (tmp_path / "file").write_text("x")
    assert not resources._may_write(tmp_path / "file" / "below")
