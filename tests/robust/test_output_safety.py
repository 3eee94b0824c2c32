"""Output safety: special files never replaced, outputs committed together, temporaries removed."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from hnlreach.outputs import atomic
from hnlreach.outputs.tables import read_limit_csv, write_limit_outputs


def _result():
    from hnlreach.api import LimitResult
    from hnlreach.outputs.coupling import Coupling

    return LimitResult(experiment="toy-dump", coupling=Coupling.parse("|U_mu|^2"),
                       model={"mixing": "mu", "dipole": None, "nature": "Dirac"}, cl=0.9, n_limit=2.3,
                       masses=np.array([0.5, 1.0]), intervals=[[(1e-8, 1e-3)], []],
                       open_lower=np.array([False, False]), open_upper=np.array([False, False]), seed=1)


def _result_csv():
    from hnlreach.outputs.tables import limit_csv_text

    return limit_csv_text(_result())


def _reader(path, sink):
    with open(path, "rb") as fh:
        sink.append(fh.read())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_stands_in_for_dev_null(tmp_path):
    """`--out /dev/null` as root replaced the device and wrote /dev/null.json: a FIFO (a special
    file like /dev/null) is written directly, stays a FIFO, and no sidecar appears next to it."""
    fifo = tmp_path / "null"
    os.mkfifo(fifo)
    got: list = []
    t = threading.Thread(target=_reader, args=(fifo, got), daemon=True)
    t.start()
    try:
        csv, js = write_limit_outputs(fifo, _result())
    finally:
        if t.is_alive() and not got:  # unblock the reader if nothing opened the FIFO for writing
            with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb", closefd=True):
                pass
    t.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert js is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]
    text = got[0].decode()
    assert "\n0.5,1.000000e-08," in text and text == _result_csv()


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_dev_null_is_written_not_replaced():
    assert atomic.special_file("/dev/null")
    ino = os.stat("/dev/null").st_ino
    atomic.atomic_write_text("/dev/null", "x\n")
    with atomic.atomic_path("/dev/null") as p:
        assert str(p) == "/dev/null"
    st = os.stat("/dev/null")
    assert stat.S_ISCHR(st.st_mode) and st.st_ino == ino
    assert not os.path.exists("/dev/null.json")


def test_socket_is_refused(tmp_path):
    import socket

    from hnlreach.errors import HNLInputError

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(HNLInputError, match="socket"):
            atomic.check_output_path(path)
        with pytest.raises(HNLInputError, match="socket"):
            atomic.atomic_write_text(path, "x")
        assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_sidecar_records_csv_hash(tmp_path):
    import hashlib
    import json

    csv, js = write_limit_outputs(tmp_path / "lim.csv", _result())
    meta = json.loads(js.read_text())
    assert meta["csv_sha256"] == hashlib.sha256(csv.read_bytes()).hexdigest()
    assert read_limit_csv(csv)["masses"].tolist() == [0.5, 1.0]


def test_commit_group_all_or_nothing(tmp_path):
    """A failure after the CSV and JSON temporaries are written (e.g. the plot fails) leaves the
    old set untouched and no temporary; success replaces all three."""
    for name in ("a.csv", "a.json", "a.png"):
        (tmp_path / name).write_text("old")
    with pytest.raises(RuntimeError):
        with atomic.commit_group():
            atomic.atomic_write_text(tmp_path / "a.csv", "new")
            atomic.atomic_write_text(tmp_path / "a.json", "new")
            assert (tmp_path / "a.csv").read_text() == "old"  # nothing visible before the end
            raise RuntimeError("plot failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.json", "a.png"]
    assert {p.read_text() for p in tmp_path.iterdir()} == {"old"}
    with atomic.commit_group():
        for name in ("a.csv", "a.json", "a.png"):
            atomic.atomic_write_text(tmp_path / name, "new")
    assert {p.read_text() for p in tmp_path.iterdir()} == {"new"}
    assert not atomic._LIVE_TEMPS


def test_stale_temporary_of_killed_writer_is_swept(tmp_path):
    """A writer killed with SIGKILL cannot clean up; the next write of the same target removes
    its temporary (its PID is dead), but not one of a running writer."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".big.hepmc3.{dead.pid}.abcd.tmp"
    live = tmp_path / f".big.hepmc3.{os.getppid()}.efgh.tmp"
    stale.write_text("partial")
    live.write_text("in progress")
    atomic.atomic_write_text(tmp_path / "big.hepmc3", "done")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["big.hepmc3", live.name])


SLOW_WRITER = """
import sys, time
from hnlreach.outputs.atomic import atomic_open, install_signal_handlers
install_signal_handlers()  # as hnlreach.cli.main does
with atomic_open(sys.argv[1], "w") as fh:
    fh.write("partial")
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_write_removes_temporary(tmp_path, sig):
    target = tmp_path / "big.hepmc3"
    target.write_text("old")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(atomic.__file__).parents[2]),
                                                       os.environ.get("PYTHONPATH", "")]))
    p = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    assert p.stdout.readline().strip() == b"writing"
    assert len(list(tmp_path.iterdir())) == 2  # target + temporary
    p.send_signal(sig)
    p.wait(20)
    assert p.returncode != 0
    assert [x.name for x in tmp_path.iterdir()] == ["big.hepmc3"]
    assert target.read_text() == "old"
