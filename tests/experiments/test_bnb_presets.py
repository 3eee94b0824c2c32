"""BNB presets (miniboone, microboone): shipped fluxes against the flux papers, geometry numbers,
supported models (miniboone, sbnd, icarus, microboone: dipole and mass mixing from BNB K+,
tests/experiments/test_microboone_mixing.py)."""
import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.experiments import load_experiment


def _integral(f):
    v = np.clip(f.values, 0.0, None)
    return float(np.sum(v) * np.diff(f.energies).mean())  # 50 MeV bin centres: bin sum


def _fluxes(name):
    """Fluxes by name, without the POT-share normalisation (MiniBooNE's two horn modes)."""
    out = {}
    for f in load_experiment(name).fluxes:
        mode, _, short = f.name.rpartition(" ")
        if mode in ("", "FHC"):
            out[short] = f
    return out


def _share(name):
    exp = load_experiment(name)
    return exp.beam.runs[0][1] / exp.beam.pot if len(exp.beam.runs) > 1 else 1.0


def test_miniboone_flux_integral_and_composition():
    """MiniBooNE arXiv:0806.1449: nu_mu flux 5.19e-10 /cm^2/POT at the detector in neutrino mode;
    composition nu_mu 93.6 %, nu_mu-bar 5.86 %, nu_e 0.52 %, nu_e-bar 0.05 %; mean nu_mu energy ~0.8 GeV."""
    fl = _fluxes("miniboone")
    tot = {k: _integral(f) / _share("miniboone") for k, f in fl.items()}
    assert tot["numu"] == pytest.approx(5.19e-10, rel=0.02)
    s = sum(tot.values())
    for k, frac in (("numu", 0.936), ("numubar", 0.0586), ("nue", 0.0052), ("nuebar", 0.0005)):
        assert tot[k] / s == pytest.approx(frac, rel=0.1 if k == "nuebar" else 0.02)
    f = fl["numu"]
    mean = np.sum(f.energies * f.values) / np.sum(f.values)
    assert 0.75 < mean < 0.85


def test_microboone_flux_is_the_bnb_at_470_m():
    """Same beam, nearer: the nu_mu flux ratio MicroBooNE / MiniBooNE follows 1/L^2 from the middle of
    the 50 m decay pipe ((541 - 25)/(470 - 25))^2 = 1.345 within 10 % (the releases differ in detector
    averaging), and the mean energy agrees within 5 %."""
    ub, mb = _fluxes("microboone")["numu"], _fluxes("miniboone")["numu"]
    assert _integral(ub) == pytest.approx(7.38e-10, rel=0.01)  # MCC9 flux; arXiv:1905.09694's release: 7.357e-10
    assert _integral(ub) / (_integral(mb) / _share("miniboone")) == pytest.approx(((541 - 25) / (470 - 25)) ** 2, rel=0.1)
    mean = lambda f: np.sum(f.energies * f.values) / np.sum(f.values)  # noqa: E731
    assert mean(ub) == pytest.approx(mean(mb), rel=0.05)


def test_geometry_numbers():
    ub = load_experiment("microboone")
    tpc = ub.fiducial["active_tpc"]
    assert tpc.volume_m3 * 1.3954 == pytest.approx(86.3, rel=0.01)  # 85 t active argon (arXiv:1612.05824)
    mb = load_experiment("miniboone")
    assert mb.fiducial["fiducial"].radius == 5.0
    assert [p for _, p in mb.beam.runs] == pytest.approx([18.75e20, 11.27e20]) and ub.beam.pot == pytest.approx(6.80e20)


def test_miniboone_antineutrino_mode():
    """RHC (MiniBooNE release): nu_mu-bar 2.93e-10 /cm^2/POT with a 16 % wrong-sign nu_mu component
    (ratio 0.185), softer than the neutrino mode (mean 0.66 vs 0.81 GeV); each mode's flux carries its
    share of the total POT, so that flux x total POT is the flux x the run's POT."""
    exp = load_experiment("miniboone")
    fl = {f.name: f for f in exp.fluxes}
    share = exp.beam.runs[1][1] / exp.beam.pot
    nubar, nu = _integral(fl["RHC numubar"]) / share, _integral(fl["RHC numu"]) / share
    assert nubar == pytest.approx(2.93e-10, rel=0.01)
    assert nu / nubar == pytest.approx(0.185, rel=0.02)
    f = fl["RHC numubar"]
    assert np.sum(f.energies * f.values) / np.sum(f.values) == pytest.approx(0.66, abs=0.02)


def test_sbnd_flux_against_the_bnb_at_110_m():
    """SBND's digitised flux (not an official release): 1.55e-8 nu_mu /cm^2/POT.  The 1/L^2 law from the
    middle of the decay pipe predicts MiniBooNE x (516/85)^2 = 1.91e-8; at 110 m, 60 m from the end of
    a 50 m pipe, the source is not a point: the law overestimates the nearest detector, measured 0.81,
    asserted in 0.7-1.0.  Mean energy within 15 % of MiniBooNE's."""
    sb, mb = _fluxes("sbnd")["numu"], _fluxes("miniboone")["numu"]
    tot = float(np.trapezoid(sb.values, sb.energies))
    assert tot == pytest.approx(1.55e-8, rel=0.02)
    assert 0.7 < tot / (_integral(mb) / _share("miniboone") * (516 / 85) ** 2) < 1.0
    mean = lambda f: np.sum(f.energies * f.values) / np.sum(f.values)  # noqa: E731
    assert mean(sb) == pytest.approx(mean(mb), rel=0.15)


@pytest.mark.parametrize("name", ["miniboone", "sbnd", "icarus"])
def test_dipole_and_bnb_mixing(name):
    """Dipole portal and mass mixing from the BNB K+ / pi+ sources (tests/experiments/test_bnb_mixing_presets.py);
    no tau source."""
    exp = load_experiment(name)
    assert set(exp.supported_models()) == {"dipole mu", "dipole e", "mixing e", "mixing mu"}
    with pytest.raises(HNLInputError, match="mixing e, mixing mu"):
        exp.check_model(mixing="tau")


def test_microboone_models():
    exp = load_experiment("microboone")
    assert set(exp.supported_models()) == {"mixing e", "mixing mu", "dipole mu", "dipole e"}
    with pytest.raises(HNLInputError, match="supports: mixing e, mixing mu, dipole e, dipole mu"):
        exp.check_model(mixing="tau")


def test_miniboone_events_vertices():
    """Events: decays inside the 5 m fiducial sphere; production in the oil and in the soil, which
    reaches 491 m upstream (the end of the decay region); both decay channels present."""
    from hnlreach.outputs.events import generate_events

    ev = generate_events("miniboone", 0.2, dipole="mu", coupling=2e-7, n=800, seed=3)
    df = ev if hasattr(ev, "columns") else ev.to_dataframe()
    r = np.sqrt(df.decay_x ** 2 + df.decay_y ** 2 + df.decay_z ** 2)
    assert r.max() <= 5.0 + 1e-9
    assert set(df.material) == {"soil", "mineral_oil"}
    assert -491.0 - 1e-6 <= df.prod_z.min() < -100.0
