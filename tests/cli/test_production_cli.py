"""`hnlreach production`: the DESIGN.md contract, and one-line errors with exit status 2."""
import json

import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.physics.production import CHANNELS, channel_branching_ratio



def test_json_contract_mu_mixing():
    res = run_cli("production", "--mass", "0.2", "--mixing", "mu", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["mass_GeV"] == 0.2
    ch = out["channels"]
    assert ch["K+ -> mu+ N"] == pytest.approx(float(channel_branching_ratio("K+ -> mu+ N", 0.2)), rel=1e-12)
    assert "pi+ -> mu+ N" not in ch  # closed: m_pi - m_mu = 0.034 GeV
    assert all(CHANNELS[k].flavour == "mu" and " -> " in k and k.endswith("N") for k in ch)
    assert all(v > 0 for v in ch.values())


def test_pattern_is_normalised():
    a = json.loads(run_cli("production", "--mass", "0.3", "--mixing", "1:1:2", "--json").stdout)["channels"]
    e = json.loads(run_cli("production", "--mass", "0.3", "--mixing", "e", "--json").stdout)["channels"]
    assert a["K+ -> pi0 e+ N"] == pytest.approx(0.25 * e["K+ -> pi0 e+ N"], rel=1e-12)
    assert "tau- -> pi- N" in a and "tau- -> pi- N" not in e


def test_plain_table():
    res = run_cli("production", "--mass", "0.5", "--mixing", "tau")
    assert res.returncode == 0, res.stderr
    assert "tau- -> pi- pi0 N" in res.stdout


@pytest.mark.parametrize("args", [("--mass", "-1", "--mixing", "e"), ("--mass", "0.1", "--mixing", "x"),
                                  ("--mass", "nan", "--mixing", "e"), ("--mass", "0.1")])
def test_bad_input_exit_2(args):
    assert_one_line_error(run_cli("production", *args))
