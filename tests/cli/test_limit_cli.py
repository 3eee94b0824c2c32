"""`hnlreach limit` / `hnlreach experiments`: one-line errors with exit status 2, and a small run."""
import csv
import io

import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.experiments import PRESET_DIR



def test_unknown_experiment():
    line = assert_one_line_error(run_cli("limit", "no-such-experiment"))
    assert "unknown experiment 'no-such-experiment'" in line and "toy-dump" in line


def test_malformed_toml(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((PRESET_DIR / "toy-dump.toml").read_text().replace("[beam]", "[beam"))
    line = assert_one_line_error(run_cli("limit", str(bad)))
    assert "malformed TOML" in line and "bad.toml" in line


def test_invalid_field_in_toml(tmp_path):
    bad = tmp_path / "neg.toml"
    bad.write_text((PRESET_DIR / "toy-dump.toml").read_text().replace("pot = 1.0e18", "pot = -5.0"))
    line = assert_one_line_error(run_cli("limit", str(bad)))
    assert "beam.pot: must be >= 0" in line


@pytest.mark.parametrize("grid", ["1.0:0.1:5", "0:1:5", "0.1:1:0", "abc", "0.1:9:5"])
def test_impossible_mass_grid(grid):
    line = assert_one_line_error(run_cli("limit", "toy-dump", "--masses", grid))
    assert "mass grid" in line


def test_bad_cl_and_conflicting_model():
    assert "--cl" in assert_one_line_error(run_cli("limit", "toy-dump", "--cl", "1.5"))
    assert "not both" in assert_one_line_error(run_cli("limit", "toy-dump", "--mixing", "mu", "--dipole", "mu"))


def test_experiments_lists_toy_dump():
    res = run_cli("experiments")
    assert res.returncode == 0 and "toy-dump" in res.stdout and "hep-ph/0609101" in res.stdout


def test_small_limit_run_csv(tmp_path):
    pytest.importorskip("hnlreach.scan")
    pytest.importorskip("hnlreach.outputs.tables")
    out = tmp_path / "toy.csv"
    res = run_cli("limit", "toy-dump", "--masses", "0.5:1.5:3", "--n-hnl", "20000", "--jobs", "1",
              "--out", str(out))
    assert res.returncode == 0, res.stderr
    text = out.read_text()
    assert text.splitlines()[0] == "# coupling: |U_mu|^2"
    rows = list(csv.reader(io.StringIO("".join(ln for ln in text.splitlines(True) if not ln.startswith("#")))))
    assert rows[0][:3] == ["mass_GeV", "lower", "upper"]
    masses = sorted({float(r[0]) for r in rows[1:]})
    assert masses == pytest.approx([0.5, 1.0, 1.5])  # linear: MAX/MIN <= 3 (hnlreach.scan)
    for r in rows[1:]:
        lo, hi = float(r[1]), float(r[2])
        assert 0 < lo < hi  # charm-produced HNLs are excluded in an interval at these masses
