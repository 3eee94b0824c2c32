"""`hnlreach xsec`: the DESIGN.md contract (keys, per-nucleus sums, default d = 1), and one-line errors."""
import json

import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.physics import upscattering as ups

KEYS = ("coherent_cm2", "proton_cm2", "neutron_cm2", "total_cm2")


def run(*args):
    return run_cli("xsec", *args)


def xsec(*args):
    res = run(*args, "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_json_contract_and_agreement_with_api():
    out = xsec("--dipole", "mu", "--mass", "0.4", "--target", "C12", "--energy", "1.0")
    assert all(k in out for k in KEYS)
    assert out["total_cm2"] == pytest.approx(out["coherent_cm2"] + out["proton_cm2"] + out["neutron_cm2"], rel=1e-12)
    assert out["coupling"] == 1.0  # default d = 1 GeV^-1
    for k, comp in zip(KEYS, ("coherent", "proton", "neutron", "total")):
        assert out[k] == pytest.approx(float(ups.dipole_xsec(1.0, 0.4, "C12", component=comp)), rel=1e-12)
    # DarkNews 0.4.8 (tests/data/upscattering/darknews_xsec.csv, d = 1): coherent 1.3779e-28, proton (x6) 1.2924e-28
    assert out["coherent_cm2"] == pytest.approx(1.377866e-28, rel=0.01)
    assert out["proton_cm2"] == pytest.approx(1.292382e-28, rel=0.01)


def test_coupling_scales_as_d_squared_and_nubar_majorana_flags():
    ref = xsec("--dipole", "mu", "--mass", "0.2", "--target", "Pb208", "--energy", "2")
    small = xsec("--dipole", "mu", "--mass", "0.2", "--target", "Pb208", "--energy", "2", "--coupling", "1e-6")
    assert small["total_cm2"] == pytest.approx(1e-12 * ref["total_cm2"], rel=1e-12)
    bar = xsec("--dipole", "mu", "--mass", "0.2", "--target", "Pb208", "--energy", "2", "--antineutrino", "--majorana")
    assert bar["total_cm2"] == ref["total_cm2"] and bar["projectile"] == "anti-nu_mu" and bar["nature"] == "Majorana"


def test_free_proton_and_below_threshold():
    p = xsec("--dipole", "mu", "--mass", "0.4", "--target", "p", "--energy", "3")
    assert p["coherent_cm2"] == 0 and p["neutron_cm2"] == 0 and p["proton_cm2"] > 0
    # kinematically closed (E < m + m^2/2M) is not an error: sigma = 0
    closed = xsec("--dipole", "mu", "--mass", "0.7", "--target", "C12", "--energy", "0.5")
    assert all(closed[k] == 0.0 for k in KEYS)
    assert closed["threshold_GeV"]["coherent"] == pytest.approx(0.7 + 0.49 / (2 * 11.1749), rel=1e-4)


@pytest.mark.parametrize("args", [
    ("--dipole", "mu", "--mass", "-0.1", "--target", "C12", "--energy", "1"),
    ("--dipole", "mu", "--mass", "0.1", "--target", "Unobtainium", "--energy", "1"),
    ("--dipole", "mu", "--mass", "0.1", "--target", "C12", "--energy", "-1"),
    ("--dipole", "mu", "--mass", "0.1", "--target", "C12", "--energy", "0"),
    ("--mixing", "mu", "--mass", "0.1", "--target", "C12", "--energy", "1"),
    ("--dipole", "1:1:0", "--mass", "0.1", "--target", "C12", "--energy", "1"),
    ("--dipole", "mu", "--mass", "0.1", "--target", "C12", "--energy", "1", "--coupling", "nan"),
])
def test_bad_input_is_one_line_exit_2(args):
    assert_one_line_error(run(*args, "--json"))
