"""miniboone and sbnd mass mixing: the BNB K+ / pi+ sources of microboone seen from 541 m and 110 m
(TOML only); same source, different distance; long-lived rates scale as volume / distance^2."""
from dataclasses import replace

import numpy as np
import pytest

from hnlreach.experiments import load_experiment
from hnlreach.rates.engine import build_sample


def _kaon(exp):
    return next(s for s in exp.sources if s.parent == "K+")


@pytest.mark.parametrize("name,z", [("miniboone", -541.0), ("sbnd", -110.0)])
def test_same_bnb_kaon_source_at_its_distance(name, z):
    """The unfocused Feynman-scaling K+ (arXiv:0806.1449; microboone's in-flight K+ is the same table
    reweighted to MicroBooNE's nu_mu-from-K+ flux, test_microboone_mixing.py)."""
    exp = load_experiment(name)
    k = _kaon(exp)
    assert k.yield_per_pot == pytest.approx(5.41064e-2) and k.focusing == "none"
    assert k.site.position_m[2] == pytest.approx(z)
    assert {"mixing e", "mixing mu"} <= set(exp.supported_models())
    assert "mixing tau" not in exp.supported_models()


def test_long_lived_rate_scales_with_volume_over_distance_squared():
    """K+ -> mu N, N -> mu pi at |U|^2 = 1e-9 (decay length >> detectors): MiniBooNE / MicroBooNE per POT =
    (V_MB / V_uB) x (d_uB / d_MB)^2 = (523.6 / 61.86) x (445 / 516)^2 = 6.3 (d from the middle of the 50 m
    pipe), to 25 % (the HNL beam is not flat over the detectors, the pipe is not a point)."""
    from hnlreach.sources.decay_in_flight import DecayRegion

    n = {}
    k_mb = _kaon(load_experiment("miniboone"))
    k_ub = replace(k_mb, site=replace(k_mb.site, position_m=np.array([0.0, 0.0, -470.0])),
                   decay_region=DecayRegion(z_end=-420.0, radius=0.91, z_start=-470.0))  # the same K+ 470 m away
    for name in ("miniboone", "microboone"):
        exp = load_experiment(name).for_model(mixing="mu")
        exp = replace(exp, sources=(k_mb if name == "miniboone" else k_ub,),
                      signal=replace(exp.signal, channels=("N -> mu- pi+", "N -> mu+ pi-")),
                      efficiency=replace(exp.efficiency, arrival_after_spill=None, constant=1.0))  # microboone's trigger, fiducial
        s = build_sample(exp, 0.3, mixing="mu", majorana=False, n_hnl=3000, rng=np.random.default_rng(2))
        n[name] = float(s.n(np.array([1e-9]))[0]) / exp.beam.pot
    assert n["miniboone"] / n["microboone"] == pytest.approx(523.6 / 61.86 * (445 / 516) ** 2, rel=0.25)
