"""`hnlreach events`: files by extension, metadata, one-line errors with exit status 2."""

import numpy as np
from cli_helpers import assert_one_line_error, run_cli



def test_events_parquet_and_hepmc(tmp_path):
    from hnlreach import read_events

    for ext in ("parquet", "hepmc3"):
        out = tmp_path / f"ev.{ext}"
        res = run_cli("events", "toy-dump", "--mass", "1.0", "--mixing", "mu", "--coupling", "1e-5",
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
    res = run_cli("events", "toy-dump", "--mass", "1.0", "--mixing", "mu", "--coupling", "1e-5",
              "--n", "200", "--out", str(out), "--unweighted")
    assert res.returncode == 0, res.stderr
    df = read_events(out)
    assert np.allclose(df.weight, df.attrs["hnlreach"]["weight_per_event"])


def test_impossible_pointassert_one_line_error(tmp_path):
    line = assert_one_line_error(run_cli("events", "toy-dump", "--mass", "2.5", "--mixing", "mu", "--coupling", "1e-6",
                               "--n", "10", "--out", str(tmp_path / "x.parquet")))
    assert "kinematic limit" in line
    assert not (tmp_path / "x.parquet").exists()


def test_bad_extension_and_inputs(tmp_path):
    line = assert_one_line_error(run_cli("events", "toy-dump", "--mass", "1", "--mixing", "mu", "--coupling", "1e-6",
                               "--out", str(tmp_path / "x.csv")))
    assert "extension" in line
    assert_one_line_error(run_cli("events", "toy-dump", "--mass", "-1", "--mixing", "mu", "--coupling", "1e-6",
                        "--out", str(tmp_path / "x.parquet")))
    assert_one_line_error(run_cli("events", "toy-dump", "--mass", "1", "--mixing", "mu", "--dipole", "mu",
                        "--coupling", "1e-6", "--out", str(tmp_path / "x.parquet")))
    assert_one_line_error(run_cli("events", "toy-dump", "--mass", "1", "--mixing", "mu", "--coupling", "0",
                        "--out", str(tmp_path / "x.hepmc")))
