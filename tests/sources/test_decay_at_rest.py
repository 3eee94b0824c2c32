"""Kaons decaying at rest (sources.decay_at_rest): monoenergetic HNLs from K+ -> mu+ N and the rate
normalisation of a stopped-kaon source seen by a small detector at a large angle."""
import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.experiments import experiment_from_config
from hnlreach.physics.constants import HBARC_GEV_M, LEPTON_MASS, MASS
from hnlreach.rates.engine import build_sample, produce
from hnlreach.sources.decay_at_rest import AtRestSpectrum, two_body_momentum

POT, STOPS, D = 1.0e20, 0.2, 100.0  # POT, K+ decaying at rest per POT, source-detector distance [m]


def _config(half=(0.0, 0.0, 0.0)):
    return {
        "experiment": {"name": "kdar-toy", "provenance": "test"},
        "model": {"mixing": "mu", "majorana": False, "masses": "0.1:0.3:3", "n_hnl": 4000},
        "beam": {"particle": "p", "energy_GeV": 120.0, "pot": POT},
        "production_sites": [{"name": "absorber", "pot_fraction": 1.0, "position_m": [0.0, 0.0, 0.0]}],
        "sources": [{"name": "K+ at rest", "parent": "K+", "site": "absorber", "yield_per_pot": STOPS,
                     "charge_conjugates": False, "spectrum": {"kind": "at_rest", "half_size_m": list(half)}}],
        # a 1 m cube at 100 m, at 90 degrees to the beam (+z): isotropic decays do not care
        "geometry": {"volumes": [], "fiducial": [{"name": "det", "shape": "box", "center_m": [D, 0.0, 0.0],
                                                   "size_m": [1.0, 1.0, 1.0]}]},
        "signal": {"channels": ["N -> mu- pi+"], "fiducial": ["det"]},
        "statistics": {"cl": 0.9, "method": "classical", "observed": 0, "background": 0.0},
    }


def test_at_rest_spectrum_and_points():
    s = AtRestSpectrum(MASS["K+"], (1.0, 2.0, 0.0))
    p4 = s.sample(5)
    assert np.allclose(p4[:, 1:], 0.0) and np.allclose(p4[:, 0], MASS["K+"])
    pts = s.points([10.0, 0.0, 0.0], 2000, np.random.default_rng(1))
    assert np.all(np.abs(pts - [10.0, 0.0, 0.0]) <= [1.0, 2.0, 0.0])
    assert pts[:, 1].std() > 1.0  # spread over the box (uniform: 2/sqrt(3))
    with pytest.raises(HNLInputError):
        AtRestSpectrum(MASS["K+"], (1.0, -1.0, 0.0))


def test_monoenergetic_hnl_from_kaon_at_rest():
    """Every N of K+ -> mu+ N at rest has |p| = lambda^1/2(m_K^2, m_mu^2, m_N^2) / 2 m_K (236 MeV at m_N -> 0)."""
    assert two_body_momentum(MASS["K+"], LEPTON_MASS["mu"], 0.0) == pytest.approx(0.2355, abs=3e-4)
    exp = experiment_from_config(_config(), "kdar.toml")
    for m in (0.1, 0.3):
        w, o, p4, labels = produce(exp, m, (0.0, 1.0, 0.0), 3000, np.random.default_rng(2),
                                   only_channels=["K+ -> mu+ N"])
        p = np.linalg.norm(p4[:, 1:], axis=1)
        assert np.allclose(p[w > 0], two_body_momentum(MASS["K+"], LEPTON_MASS["mu"], m), rtol=1e-9)


def test_rate_normalisation_small_detector_far_away():
    """Long-lifetime limit: N = POT x stops x BR(K -> mu N) x (A / 4 pi D^2) x (l m Gamma / p) x BR(N -> mu pi),
    with A = 1 m^2, chord l = 1 m (rays within 5 mrad of the cube's axis)."""
    from hnlreach.model import HNL

    m, u2 = 0.3, 1e-9  # above the mu pi threshold (0.245 GeV)
    exp = experiment_from_config(_config(), "kdar.toml")
    s = build_sample(exp, m, mixing="mu", majorana=False, n_hnl=4000, rng=np.random.default_rng(3))
    hnl = HNL(m, mixing=(0.0, 1.0, 0.0))
    p = two_body_momentum(MASS["K+"], LEPTON_MASS["mu"], m)
    rates = {ch: r for ch, r in zip(*_production(m))}
    expected = (POT * STOPS * rates["K+ -> mu+ N"] * u2 / (4 * np.pi * D * D)
                * (m * hnl.width * u2 / (p * HBARC_GEV_M)) * hnl.branching_ratios["N -> mu- pi+"])
    got = float(s.n(np.array([u2]))[0])
    assert got == pytest.approx(expected, rel=0.05)
    # an extended absorber (+-2 m along the line of sight) changes 1/D^2 only at the per-mille level
    s2 = build_sample(experiment_from_config(_config((2.0, 2.0, 2.0)), "kdar.toml"), m, mixing="mu",
                      majorana=False, n_hnl=4000, rng=np.random.default_rng(4))
    assert float(s2.n(np.array([u2]))[0]) == pytest.approx(expected, rel=0.06)


def _production(m):
    from hnlreach.rates.engine import production_channels

    exp = experiment_from_config(_config(), "kdar.toml")
    ch = production_channels(exp.sources[0], m, (0.0, 1.0, 0.0))
    return list(ch), [br for _, br in ch.values()]
