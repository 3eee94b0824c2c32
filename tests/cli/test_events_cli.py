"""`hnlreach events`: files by extension, metadata, one-line errors with exit status 2."""
import subprocess
import sys

import numpy as np

CMD = [sys.executable, "-m", "hnlreach.cli"]


def run(*args):
    return subprocess.run([*CMD, *args], capture_output=True, text=True, timeout=120, check=False)


def _one_line_exit2(res):
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hnlreach: error:"), res.stderr
    assert "Traceback" not in res.stderr
    return lines[0]


def test_events_parquet_and_hepmc(tmp_path):
    from hnlreach import read_events

    for ext in ("parquet", "hepmc3"):
        out = tmp_path / f"ev.{ext}"
        res = run("events", "toy-dump", "--mass", "1.0", "--mixing", "mu", "--coupling", "1e-5",
                  "--n", "300", "--out", str(out), "--seed", "3", "--majorana")
        assert res.returncode == 0, res.stderr
        df = read_events(out)
        meta = df.attrs["hnlreach"]
        assert len(df) == 300 and meta["experiment"] == "toy-dump" and meta["coupling"] == 1e-5
        assert meta["nature"] == "Majorana" and np.all(df.N_pdg == 9900012)
        assert np.all(df.weight >= 0) and df.weight.sum() > 0


def test_events_unweighted(tmp_path):
    from hnlreach import read_events

    out = tmp_path / "u.parquet"
    res = run("events", "toy-dump", "--mass", "1.0", "--mixing", "mu", "--coupling", "1e-5",
              "--n", "200", "--out", str(out), "--unweighted")
    assert res.returncode == 0, res.stderr
    df = read_events(out)
    assert np.allclose(df.weight, df.attrs["hnlreach"]["weight_per_event"])


def test_impossible_point_one_line_exit2(tmp_path):
    line = _one_line_exit2(run("events", "toy-dump", "--mass", "2.5", "--mixing", "mu", "--coupling", "1e-6",
                               "--n", "10", "--out", str(tmp_path / "x.parquet")))
    assert "kinematic limit" in line
    assert not (tmp_path / "x.parquet").exists()


def test_bad_extension_and_inputs(tmp_path):
    line = _one_line_exit2(run("events", "toy-dump", "--mass", "1", "--mixing", "mu", "--coupling", "1e-6",
                               "--out", str(tmp_path / "x.csv")))
    assert "extension" in line
    _one_line_exit2(run("events", "toy-dump", "--mass", "-1", "--mixing", "mu", "--coupling", "1e-6",
                        "--out", str(tmp_path / "x.parquet")))
    _one_line_exit2(run("events", "toy-dump", "--mass", "1", "--mixing", "mu", "--dipole", "mu",
                        "--coupling", "1e-6", "--out", str(tmp_path / "x.parquet")))
    _one_line_exit2(run("events", "toy-dump", "--mass", "1", "--mixing", "mu", "--coupling", "0",
                        "--out", str(tmp_path / "x.hepmc")))
