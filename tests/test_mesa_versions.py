"""The model runs on the newest Mesa 3 and on the Mesa 4 pre-release, with Mesa's deprecation
warnings as errors (issue 22): it uses Mesa only through its public API (``mesa.Model`` with
``rng``, ``mesa.Agent.__init__``, ``model.agents``), so the range in pyproject.toml
(``mesa>=3.5,<5``) is what this test proves.

Each Mesa is layered over the project's environment by ``uv run --with`` (downloaded once
into uv's cache), and the model's and the networker's tests run there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UV = os.environ.get("UV") or shutil.which("uv")  # `uv run pytest` names its own uv in $UV

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(UV is None, reason="needs uv (run the tests with `uv run pytest`)"),
]


def with_mesa(spec: str, *argv: str) -> subprocess.CompletedProcess:
    python = ["python", "-W", "error::DeprecationWarning"]
    cmd = [UV, "run", "--frozen", "--with", spec, *python, *argv]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=1200,
                          check=False)  # fmt: skip


@pytest.mark.parametrize(("spec", "major"), [("mesa>=3.5,<4", "3"), ("mesa>=4.0.0a0,<5", "4")])
def test_the_model_runs_on_mesa(spec: str, major: str) -> None:
    version = with_mesa(spec, "-c", "import mesa; print(mesa.__version__)")
    assert version.returncode == 0, version.stderr[-2000:]
    assert version.stdout.strip().split(".")[0] == major, version.stdout
    tests = ["tests/test_model.py", "tests/test_networker.py"]
    run = with_mesa(spec, "-m", "pytest", *tests, "-q", "-m", "not slow", "-p", "no:cacheprovider",
                    "-W", "error::DeprecationWarning")  # fmt: skip
    assert run.returncode == 0, f"Mesa {version.stdout.strip()}:\n{run.stdout[-3000:]}"
