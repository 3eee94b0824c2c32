"""Preset ps191: loads with its pi+ / K+ beamline sources, rebuilds the nu_mu flux by parent it was
made from, and runs `hnlreach limit` / `hnlreach events`."""
import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.experiments import load_experiment
from hnlreach.sources.neutrino_flux import interpolate_flux
from hnlreach.validation import ps191 as v
from hnlreach.validation.nd280_mixing import rederived_nu_flux


@pytest.fixture(scope="module")
def exp():
    return load_experiment("ps191")


def test_preset_loads(exp):
    """0.86e19 POT, decay volume 6 x 3 x 12 m from 128 m to 140 m, pi+ and K+ beamline sources, e and
    mu mixing only (no nu flux to upscatter: a dipole is a one-line error), Dirac, N > 2.30."""
    assert exp.beam.pot == pytest.approx(0.86e19)
    box = exp.fiducial["decay_volume"]
    assert np.allclose(box.size, [6.0, 3.0, 12.0])
    target = exp.sites["target"].position_m
    assert box.center[2] - 0.5 * box.size[2] - target[2] == pytest.approx(128.0)
    assert sorted(s.parent for s in exp.sources) == ["K+", "pi+"]
    assert exp.supported_models() == ["mixing e", "mixing mu"]
    assert not exp.model.majorana
    assert exp.statistics.events_limit() == pytest.approx(2.303, abs=0.01)
    with pytest.raises(HNLInputError, match="supports: mixing e, mixing mu"):
        exp.check_model(dipole="mu")
    # per POT: ~0.1 pi+ and ~0.02 K+ decaying in the first 50 m towards the detector
    yields = {s.parent: s.yield_per_pot for s in exp.sources}
    assert 0.05 < yields["pi+"] < 0.3 and 0.005 < yields["K+"] < 0.05


@pytest.mark.parametrize("source, edges", [
    ("K+ in flight", [0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0]),
    ("pi+ in flight", [0.1, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0]),
])
def test_flux_by_parent_rederived_from_sampled_parents(exp, source, edges):
    """The sampled parents, decayed into nu_mu towards the detector by Monte Carlo (sources.directed's
    two-body Jacobian, not the unfolding's kernel), give back the input table: every bin and the
    integral within 10 % (K+ above 0.3 GeV: forward two-body decays give E_nu >= p* = 236 MeV; pi+
    below 4 GeV, 99.7 % of its flux: above, the check's sampled pions are too few)."""
    edges = np.asarray(edges)
    e, val = v.input_table(source)
    ours = rederived_nu_flux(exp, edges, 1_000_000, 3, source=source)
    ref = np.array([np.mean(interpolate_flux(np.linspace(a, b, 200), e, val)) for a, b in zip(edges[:-1], edges[1:])])
    assert np.all(np.abs(ours / ref - 1.0) < 0.10), ours / ref
    w = np.diff(edges)
    assert (ours * w).sum() / (ref * w).sum() == pytest.approx(1.0, abs=0.05)


def test_flux_tables_match_the_published_total():
    """pi+ table + K+ table integrate to PS191's published total nu_mu flux (Bernardi et al. 1988,
    per 0.2 GeV through 6 x 3 m^2 for 0.89e19 POT) within 10 %."""
    assert v.published_total_check() == pytest.approx(1.0, abs=0.10)


def test_tiny_limits_and_events(tmp_path):
    """`hnlreach limit ps191 --mixing e|mu` and `hnlreach events ps191` run end to end (small samples):
    the U_e limit is stronger at 0.3 GeV (K -> e N, N -> e pi) than at 0.05 GeV, Majorana below Dirac."""
    import hnlreach

    r = hnlreach.limit("ps191", mixing="e", masses=[0.05, 0.3], n_hnl=2000, jobs=1, progress="none",
                       refine=0, precision=None, cache=False).to_dataframe()
    assert 1e-6 < r.lower[0] < 1e-4 and 1e-9 < r.lower[1] < 1e-7
    m = hnlreach.limit("ps191", mixing="e", majorana=True, masses=[0.3], n_hnl=2000, jobs=1, progress="none",
                       refine=0, precision=None, cache=False).to_dataframe()
    assert m.lower[0] / r.lower[1] == pytest.approx(2 ** -0.5, rel=0.15)
    mu = hnlreach.limit("ps191", mixing="mu", masses=[0.3], n_hnl=2000, jobs=1, progress="none",
                        refine=0, precision=None, cache=False).to_dataframe()
    assert 1e-9 < mu.lower[0] < 1e-7
    ev = hnlreach.generate_events("ps191", 0.2, mixing="e", coupling=1e-8, n=50, seed=1)
    assert len(ev) == 50
