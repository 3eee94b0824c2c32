"""Which models a preset can produce, and its per-model-class analysis settings ([analysis.*])."""
import numpy as np
import pytest
from cli_helpers import assert_one_line_error, run_cli

from hnlreach.errors import HNLInputError
from hnlreach.experiments import experiment_from_config, load_experiment, read_config, supported_models


def test_supported_models_follow_sources_and_fluxes():
    """K+ makes N only with e and mu; ND280's fluxes are nu_mu: dipole mu only; tau-only atmospheric."""
    assert supported_models("nd280") == ["mixing e", "mixing mu", "dipole mu"]
    assert supported_models("km3net-atmospheric") == ["mixing tau"]
    assert "mixing tau" in supported_models("toy-dump") and not any(
        m.startswith("dipole") for m in supported_models("toy-dump"))


@pytest.mark.parametrize("args,listed", [(("nd280", "--mixing", "tau"), "mixing e, mixing mu, dipole mu"),
                                         (("nd280", "--dipole", "e"), "mixing e, mixing mu, dipole mu"),
                                         (("toy-dump", "--dipole", "mu"), "mixing e, mixing mu, mixing tau")])
def test_unsupported_model_is_a_one_line_error_listing_the_supported(args, listed):
    line = assert_one_line_error(run_cli("limit", *args, "--masses", "0.2:0.3:2"))
    assert "cannot produce" in line and line.endswith(listed)


def test_experiments_command_lists_models():
    res = run_cli("experiments")
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    i = next(k for k, line in enumerate(lines) if line.split() and line.split()[0] == "nd280")
    assert lines[i + 1].strip() == "models: mixing e, mixing mu, dipole mu"


def test_analysis_mixing_replaces_statistics_and_efficiency():
    """nd280: dipole analysis at 95 % CL (N > 3.00), the T2K 2019 mixing search at 90 % (N > 2.30)
    with the per-channel efficiency tables (mass in MeV in the files, held at the ends)."""
    exp = load_experiment("nd280")
    assert exp.for_model(dipole="mu") is exp
    mix = exp.for_model(mixing="mu")
    assert mix.statistics.events_limit() == pytest.approx(-np.log(0.1), rel=1e-3)
    assert exp.statistics.events_limit() == pytest.approx(-np.log(0.05), rel=1e-3)
    assert mix.model.majorana and not exp.model.majorana
    e_pi = mix.efficiency(0.30, np.ones(1), "N -> mu- pi+")[0]
    assert e_pi == mix.efficiency(0.30, np.ones(1), "N -> mu+ pi-")[0] and 0.0 < e_pi < 1.0
    assert mix.efficiency(0.387, np.ones(1), "N -> mu- pi+")[0] > 0.0  # held beyond the table's 380 MeV
    assert mix.selection.max_hnl_angle_to_beam_rad is None  # the dipole analysis' cut is not applied
    # a single flavour's section wins over [analysis.mixing]: U_e uses T2K's K -> e N efficiencies
    mix_e = exp.for_model(mixing="e")
    assert "N -> e- pi+" in mix_e.signal.channels and "N -> e- pi+" not in mix.signal.channels
    assert exp.for_model(mixing="1:1:0").signal.channels == mix.signal.channels


def test_analysis_section_is_validated():
    cfg, path = read_config("nd280")
    cfg["analysis"]["mixing"]["statistics"]["cl"] = 1.5
    with pytest.raises(HNLInputError, match="cl"):
        experiment_from_config(cfg, path)
    cfg, path = read_config("nd280")
    cfg["analysis"]["mixing"]["efficiency"]["channel_tables"][0]["file"] = "no/such.csv"
    with pytest.raises(HNLInputError, match="channel_tables"):
        experiment_from_config(cfg, path)
    cfg, path = read_config("nd280")
    cfg["analysis"]["higgs"] = {}
    with pytest.raises(HNLInputError, match="analysis.higgs"):
        experiment_from_config(cfg, path)


def test_analysis_subtables_are_optional_and_inherit():
    """[analysis."mixing tau"] with only a signal table keeps the top-level statistics (0 events, 90 % CL:
    N > 2.30) and selection; it used to fail with 'statistics: missing required field'."""
    cfg, path = read_config("toy-dump")
    cfg["analysis"] = {"mixing tau": {"signal": {"channels": ["N -> nu mu+ mu-"]}}}
    exp = experiment_from_config(cfg, path)
    tau = exp.for_model(mixing="tau")
    assert list(tau.signal.channels) == ["N -> nu mu+ mu-"]
    assert tau.statistics == exp.statistics and tau.statistics.events_limit() == pytest.approx(2.303, rel=1e-3)
    assert tau.selection == exp.selection
    assert exp.for_model(mixing="e").signal.channels == exp.signal.channels


def test_error_paths_quote_keys_that_are_not_bare():
    """An error inside [analysis."mixing tau"] names the key as written in TOML (quoted), not `analysis.mixing tau`."""
    cfg, path = read_config("toy-dump")
    cfg["analysis"] = {"mixing tau": {"signal": {"chanels": ["N -> nu mu+ mu-"]}}}
    with pytest.raises(HNLInputError, match=r'analysis\."mixing tau"\.signal\.chanels: unknown key \(did you mean'):
        experiment_from_config(cfg, path)
