"""Session set-up: compile the model's rules once, before any test starts a process.

The contact rules are compiled on first use and cached on disk (``sim.networker``); on a
fresh checkout that takes some seconds, which a test that starts the command line or a
server under a time limit should not pay.
"""

from __future__ import annotations

from sim.model import prepare


def pytest_sessionstart(session) -> None:
    prepare()
