"""`hnlreach xsec|decay --model FILE`: a DarkNews parameter file or hnlreach TOML, same numbers as the API."""
import json

import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.models import load_model
from hnlreach.physics import dark_decays as dd
from hnlreach.physics import upscattering as ups

LIGHT_ZPRIME = "# light Z' (DarkNews parameter-file format)\nm4 = 0.1\nmzprime = 0.03\nepsilon = 1e-3\ngD = 1\nUmu4 = 1e-3\nUD4 = 1\n"


@pytest.fixture
def model_file(tmp_path):
    f = tmp_path / "light_zprime.txt"
    f.write_text(LIGHT_ZPRIME)
    return f


def test_xsec_model_json_equals_api(model_file):
    res = run_cli("xsec", "--model", str(model_file), "--target", "C12", "--energy", "1", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    model = load_model(model_file)
    assert out["model"] == "light_zprime" and out["hnl"] == "N4"
    for comp in ("coherent", "proton", "neutron", "total"):
        ref = ups.model_xsec(1.0, model, "C12", component=comp)
        assert out[f"{comp}_cm2"] == pytest.approx(float(ref), rel=1e-9)
        h = out["helicity_cm2"][comp]
        assert h["h=-1"] + h["h=+1"] == pytest.approx(out[f"{comp}_cm2"], rel=1e-12)


def test_decay_model_json(model_file):
    res = run_cli("decay", "--model", str(model_file), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["width_GeV"] == pytest.approx(dd.total_width(load_model(model_file)), rel=1e-12)
    assert sum(out["branching_ratios"].values()) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("args, words", [
    (("xsec", "--mass", "0.1", "--target", "C12", "--energy", "1"), "cannot be combined with --model"),
    (("xsec", "--target", "C12", "--energy", "1", "--hnl", "5"), "no N5"),
    (("decay", "--coupling", "2"), "cannot be combined with --model"),
])
def test_model_errors_are_one_line(model_file, args, words):
    res = run_cli(*args[:1], "--model", str(model_file), *args[1:])
    assert words in assert_one_line_error(res)


def test_unknown_darknews_name_is_one_line(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text(LIGHT_ZPRIME + "mzprim = 1\n")
    assert "unknown DarkNews parameter" in assert_one_line_error(run_cli("decay", "--model", str(f)))


def test_decay_model_dipole_normalisation(tmp_path):
    """--dipole-normalisation darknews with --model halves every dipole width, as for --dipole."""
    f = tmp_path / "tmm.toml"
    f.write_text("m4 = 0.1\n[dipole]\nmu4 = 2.0\n")
    out = [json.loads(run_cli("decay", "--model", str(f), *extra, "--json").stdout)
           for extra in ((), ("--dipole-normalisation", "darknews"))]
    assert out[1]["width_GeV"] == pytest.approx(0.5 * out[0]["width_GeV"], rel=1e-9)
    assert out[1]["dipole_normalisation"] == "darknews"
    ref = json.loads(run_cli("decay", "--dipole", "mu", "--mass", "0.1", "--json").stdout)
    assert out[0]["width_GeV"] == pytest.approx(ref["width_GeV"], rel=1e-3)
