"""`hnlreach decay`: the DESIGN.md contract, and one-line errors with exit status 2."""
import json

import pytest
from cli_helpers import assert_one_line_error, run_cli



def test_json_contract_tau_mixing():
    res = run_cli("decay", "--mass", "1.0", "--mixing", "tau", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for key in ("mass_GeV", "coupling", "width_GeV", "ctau_m", "branching_ratios"):
        assert key in out
    assert out["mass_GeV"] == 1.0 and out["coupling"] == 1.0
    assert abs(sum(out["branching_ratios"].values()) - 1.0) < 1e-12
    assert all(ch.startswith("N -> ") for ch in out["branching_ratios"])
    # c*tau = hbar c / Gamma
    assert out["ctau_m"] == pytest.approx(1.973269804e-16 / out["width_GeV"], rel=1e-8)


def test_majorana_doubles_width_and_splits_charge_conjugates():
    d = json.loads(run_cli("decay", "--mass", "0.5", "--mixing", "mu", "--json", "--dirac").stdout)
    m = json.loads(run_cli("decay", "--mass", "0.5", "--mixing", "mu", "--json", "--majorana").stdout)
    assert m["width_GeV"] == pytest.approx(2 * d["width_GeV"], rel=1e-12)
    assert "N -> mu- pi+" in d["branching_ratios"] and "N -> mu+ pi-" not in d["branching_ratios"]
    assert m["branching_ratios"]["N -> mu+ pi-"] == pytest.approx(m["branching_ratios"]["N -> mu- pi+"])


def test_coupling_scales_width():
    a = json.loads(run_cli("decay", "--mass", "0.3", "--dipole", "mu", "--json").stdout)
    b = json.loads(run_cli("decay", "--mass", "0.3", "--dipole", "mu", "--coupling", "1e-6", "--json").stdout)
    assert b["width_GeV"] == pytest.approx(1e-12 * a["width_GeV"], rel=1e-10)
    assert "N -> nu gamma" in a["branching_ratios"]


@pytest.mark.parametrize("args", [
    ("--mass", "-1", "--mixing", "tau"),
    ("--mass", "7", "--mixing", "tau"),
    ("--mass", "0.5", "--mixing", "sigma"),
    ("--mass", "0.5", "--mixing", "1:2"),
    ("--mass", "0.5", "--mixing", "1:x:2"),
    ("--mass", "0.5", "--mixing", "-1:1:1"),
    ("--mass", "0.5"),
    ("--mass", "0.5", "--mixing", "e", "--dipole", "mu"),
    ("--mass", "abc", "--mixing", "e"),
    ("--mass", "nan", "--mixing", "e"),
    ("--mass", "0.5", "--mixing", "e", "--coupling", "-3"),
])
def test_bad_input_is_one_line_exit_2(args):
    assert_one_line_error(run_cli("decay", *args))
