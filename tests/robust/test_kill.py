"""Workers die with their parent; interrupted writes leave no temporary file (issue: fail loud, lose nothing)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

SRC = os.environ.get("HNLREACH_TEST_SRC", str(Path(__file__).resolve().parents[2] / "src"))


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _start(args, cwd):
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "hnlreach.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_children(proc, n, timeout=60.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        kids = [k for k in _children(proc.pid) if _alive(k)]
        if len(kids) >= n:
            time.sleep(1.0)  # let them pick up a mass
            return [k for k in _children(proc.pid) if _alive(k)]
        if proc.poll() is not None:
            pytest.fail(f"command ended early: {proc.stderr.read().decode()}")
        time.sleep(0.1)
    pytest.fail("workers did not start")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_limit_jobs2_killed_leaves_no_worker_and_no_temp(tmp_path, sig):
    proc = _start(["limit", "toy-dump", "--jobs", "2", "--masses", "0.5:1.5:40", "--n-hnl", "1000000",
                   "--out", "lim.csv", "--plot", "lim.png"], tmp_path)
    workers = _wait_children(proc, 2)
    assert len(workers) >= 2
    proc.send_signal(sig)
    proc.wait(timeout=30)
    t0 = time.time()
    while time.time() - t0 < 5.0 and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "pool workers outlived their parent by 5 s"
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file
    if sig == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM
        assert b"Traceback" not in proc.stderr.read()
