"""Worker processes that end when the tool ends, however it ends.

Left alone, a process pool's workers outlive a tool killed outright (SIGKILL, the
out-of-memory killer, a closed terminal): each holds both ends of the task queue, so it
waits on it for ever, and with the workers the fork server and multiprocessing's resource
tracker stay too, as they end only once no process holds their pipe. So every worker
watches the process that made its pool and exits the moment that process is gone; the fork
server and the tracker then find their pipes closed and end by themselves. The fork
server's own socket goes in a temporary folder named after its owner, so the next start
removes it (a ``pymp-*`` folder would stay for ever: nothing says whose it is).
"""

from __future__ import annotations

import atexit
import ctypes
import os
import select
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import contextmanager, suppress
from multiprocessing import current_process, util

from sim.results import owned_mkdtemp

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# The longest path of a Unix socket, with room to spare (104 bytes on macOS, 108 on Linux).
SOCKET_PATH_MAX = 100
ORPHANED = 70  # a worker's exit status once its tool is gone (EX_SOFTWARE: nobody reads it)


def die_with_parent() -> None:
    """On Linux, have the kernel kill this process (SIGKILL) when its parent ends.

    A worker's parent is the fork server: if the fork server dies, its workers go with it.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc with prctl: the watch below still holds
        return


def _wait_for_end(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)  # Linux 5.3+: readable once the process has ended
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # another system: ask every second
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            except OSError:  # EPERM: it runs, as someone else
                pass
            time.sleep(1.0)
    # poll, not select: select takes no descriptor above 1023, and a worker forked from a
    # process with many open files (a large pool's pipes) gets such a number
    waiting = select.poll()
    waiting.register(fd, select.POLLIN)
    while not waiting.poll():
        pass


def exit_with(pid: int) -> None:
    """End this process at once (``os._exit``) when process ``pid`` ends.

    A thread waits for it, so the process goes even in the middle of a long run; nothing is
    lost, since the process that would have taken the result is gone.
    """

    def watch() -> None:
        _wait_for_end(pid)
        os._exit(ORPHANED)

    threading.Thread(target=watch, name="networker-sim-lifeline", daemon=True).start()


def bind_worker(owner: int) -> None:
    """The initializer of the tool's pool workers: end with ``owner`` or the fork server,
    and at once on SIGTERM (``stop_workers``), without a word: a worker forked from the
    command line inherits its handler, which turns SIGTERM into a KeyboardInterrupt and
    would print a traceback from every worker stopped."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # held back while it was forked (sigterm_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    die_with_parent()
    exit_with(owner)


@contextmanager
def sigterm_held():
    """Hold SIGTERM back from this thread, and from the processes it forks meanwhile, until
    the block ends: a forked worker takes it only once ``bind_worker`` has put back the
    default handler, and this process right after the block."""
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX: nothing forks there
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def own_temp_folder() -> None:
    """Give multiprocessing a temporary folder of this tool's (for the fork server's socket).

    Its name carries this process's pid and host, so the next start removes it if this
    process is killed; at a normal end it is removed like multiprocessing's own ``pymp-*``.
    """
    config = getattr(current_process(), "_config", None)
    # multiprocessing keeps its folder in the process's private config; if that changes in
    # a later Python, or a folder is already in use, its own pymp-* folder stays in charge
    if not isinstance(config, dict) or config.get("tempdir") is not None:
        return
    folder = str(owned_mkdtemp("mp"))
    if len(folder) + len("/listener-12345678") > SOCKET_PATH_MAX:
        os.rmdir(folder)  # a long temporary folder's path: the socket would not fit
        return
    config["tempdir"] = folder
    util.Finalize(None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                  exitpriority=-100)  # fmt: skip


def stop_workers(executor: Executor) -> None:
    """End a process pool's workers now, in the middle of their tasks.

    For an interrupt: nobody waits for their results, and a worker would otherwise go on
    with the tasks already handed to it (minutes, with a long batch) before it ends.
    """
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14 and later
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with suppress(OSError, ValueError, AttributeError):  # gone already
            process.terminate()


def stop_at_exit(executor: Executor) -> None:
    """End a long-lived pool's workers as soon as this process begins to exit.

    For a server's pool: at exit Python would first wait for the tasks the workers hold
    (a question being answered, or queued), long after the server stopped answering.
    """

    def stop() -> None:
        stop_workers(executor)
        executor.shutdown(wait=False, cancel_futures=True)

    # Python waits for the pools in threading's exit hooks, the last registered first:
    # this one comes after concurrent.futures registered its own
    before_threads_end(stop)


def before_threads_end(hook: Callable[[], None]) -> None:
    """Call ``hook`` as this process begins to exit, before Python waits for its threads
    and long before it tears its modules down (a daemon thread still inside a C library
    then crashes the process).

    threading's exit hooks run first, the last registered first; ``atexit``'s later.
    """
    register = getattr(threading, "_register_atexit", None)
    if register is None:  # another Python: after the wait, but still before the end
        atexit.register(hook)
        return
    try:
        register(hook)
    except RuntimeError:  # the process is exiting already
        hook()
