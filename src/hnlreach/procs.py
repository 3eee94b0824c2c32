"""Local process pools whose workers die with their parent.

A ProcessPoolExecutor worker survives its parent when the parent is killed (SIGKILL, or SIGTERM
without clean-up) and keeps computing.  ``process_pool`` starts every worker with an initializer
that (1) on Linux asks the kernel to send it SIGKILL when the parent dies
(prctl(PR_SET_PDEATHSIG), via ctypes), and (2) everywhere runs a daemon thread that polls
``os.getppid()`` twice a second and exits when the parent has gone (re-parented).  ``stop_pool``
terminates the workers at once (used when the parent is interrupted: no waiting for running tasks).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
POLL_SECONDS = 0.5


def _watch_parent(parent_pid: int) -> None:
    """Worker initializer: die when the process `parent_pid` is gone, and at once on SIGTERM
    (``stop_pool``): a forked worker inherits the CLI's SIGTERM -> SystemExit handler, which the
    pool's worker loop would catch and report as the task's error before starting its next task."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def poll():
        while True:
            time.sleep(POLL_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=poll, name="hnlreach-parent-watch", daemon=True).start()


def process_pool(max_workers: int, mp_context=None):
    """A concurrent.futures.ProcessPoolExecutor whose workers exit when this process dies."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=max_workers, mp_context=mp_context,
                               initializer=_watch_parent, initargs=(os.getpid(),))


def stop_pool(pool) -> None:
    """Cancel pending tasks and terminate the workers now (running tasks are abandoned)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        try:
            p.terminate()
        except (OSError, AttributeError, ValueError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        try:
            p.join(timeout=2.0)
        except (OSError, AttributeError, ValueError, AssertionError):
            pass
