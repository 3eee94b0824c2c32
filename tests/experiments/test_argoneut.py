"""ArgoNeuT preset (ArgoNeuT arXiv:2106.13684): normalisation, directed sampling, selection physics, reduced contour."""
import numpy as np
import pytest

from hnlreach.detection.argoneut import inclusive_tau_channels, sample, select_muon_pairs
from hnlreach.experiments import load_experiment
from hnlreach.rates.engine import production_channels, reference_hnl


@pytest.fixture(scope="module")
def exp():
    return load_experiment("argoneut")


def test_preset_exposure_sites_statistics(exp):
    assert exp.beam.pot == pytest.approx(1.25e20)
    assert exp.sites["target"].pot_fraction == 0.87 and exp.sites["absorber"].pot_fraction == 0.10
    assert exp.sites["absorber"].position_m[2] == 715.0
    tpc = exp.fiducial["tpc"]
    assert tuple(tpc.size) == (0.47, 0.40, 0.90)
    assert tpc.center[2] - 0.45 == pytest.approx(1033.0)
    assert exp.fiducial["cavern"].size[2] == pytest.approx(0.63)
    # Bayesian uniform prior, 0 observed, b = 0.4 +- 0.2, 21.2 % syst: above the b = 0 value 2.30
    assert 2.30 < exp.statistics.events_limit() < 2.8


def test_tau_yield_is_argoneuts(exp):
    """Sum over sites of yield x BR(parent -> tau nu) = 2.1e-7 + 3.0e-7 per interacting proton."""
    for site in ("target", "absorber"):
        taus = sum(s.yield_per_pot * s.tau_branching_ratio for s in exp.sources
                   if s.site.name == site and s.tau_chain)
        assert taus == pytest.approx(5.1e-7, rel=2e-3)


def test_inclusive_tau_model_ratio(exp):
    """Exclusive/inclusive tau -> N X production = 0.81 at 0.5 GeV (tests/physics/test_production.py)."""
    src = next(s for s in exp.sources if s.name == "Ds_plus_target")
    pattern = (0.0, 0.0, 1.0)
    ex = production_channels(src, 0.5, pattern)
    inc = inclusive_tau_channels(ex, 0.5, 0.9, pattern)
    tot = lambda c: sum(v[1] for v in c.values() if v[0] != "direct")  # noqa: E731
    assert tot(ex) / tot(inc) == pytest.approx(0.81, abs=0.02)
    from hnlreach.physics.production import tau_pseudoscalar_width

    k = tau_pseudoscalar_width("pi+", 0.5, 1.0) / tau_pseudoscalar_width("pi+", 0.0, 1.0)
    assert tot(inc) == pytest.approx(0.0548 * 0.9 * k, rel=1e-9)


def test_directed_sampling_matches_isotropic():
    """Forcing N directions into a cone reproduces isotropic decays' rate and mean energy there."""
    from hnlreach.physics.constants import LEPTON_MASS
    from hnlreach.sources.directed import cone_directions, lab_momenta_along
    from hnlreach.sources.meson_decays import hnl_momenta_from_parents, sample_channel_rest_frame

    rng = np.random.default_rng(3)
    n = 400_000
    p = rng.uniform(5, 40, n)
    th = rng.normal(0, 0.03, n)
    mt = LEPTON_MASS["tau"]
    tau = np.stack([np.sqrt(p * p + mt * mt), p * np.sin(th), 0 * p, p * np.cos(th)], 1)
    ch, m, alpha = "tau- -> pi- pi0 N", 0.6, 0.02
    iso = hnl_momenta_from_parents(ch, m, tau, rng)
    inside = iso[:, 3] / np.linalg.norm(iso[:, 1:], axis=1) > np.cos(alpha)
    rest, names = sample_channel_rest_frame(ch, m, n, rng)
    dirs, dom = cone_directions([0, 0, 1.0], alpha, n, rng)
    p4, dens = lab_momenta_along(tau, m, np.linalg.norm(rest[:, names.index("N"), 1:], axis=1), dirs, rng)
    w = dom / (4 * np.pi) * dens
    assert w.sum() / n == pytest.approx(inside.mean(), rel=0.04)
    assert np.sum(w * p4[:, 0]) / w.sum() == pytest.approx(iso[inside, 0].mean(), rel=0.03)


def _efficiency(exp, energy, z_offset=None, n=6000, seed=0):
    rng = np.random.default_rng(seed)
    h = reference_hnl(0.45, mixing="tau")
    mom = np.tile([0.0, 0.0, np.sqrt(energy ** 2 - 0.45 ** 2)], (n, 1))
    tpc = exp.fiducial["tpc"]
    if z_offset is None:
        pts = tpc.center + rng.uniform(-0.5, 0.5, (n, 3)) * tpc.size
    else:
        pts = np.column_stack([rng.uniform(-0.2, 0.2, (n, 2)), np.full(n, 1033.0 - z_offset)])
    _, prod = h.sample_decays("N -> nu mu+ mu-", n, rng, momenta=mom)
    prod = np.asarray(prod)
    return select_muon_pairs(exp, pts, prod[:, 1], prod[:, 2], 0.004).mean()


def test_selection_energy_dependence(exp):
    """ArgoNeuT arXiv:2106.13684 Fig. 4: flat at high E_N, falling at low E_N (muons must reach the MINOS-ND);
    cavern decays less efficient further upstream."""
    e2, e10, e20, e40 = (_efficiency(exp, e) for e in (2.0, 10.0, 20.0, 40.0))
    assert e2 < 0.1 < 0.8 < e10 <= e20 + 0.03
    assert e40 == pytest.approx(e20, abs=0.05)
    c25, c50 = _efficiency(exp, 40.0, 0.25), _efficiency(exp, 40.0, 0.50)
    assert 0 < c50 < c25 < e40


def test_energy_loss_threshold(exp):
    """A muon pair that cannot range 1 m into the MINOS-ND fails; a 5 GeV collinear pair passes."""
    v = np.array([[0.0, 0.0, 1033.2]])
    slow = np.array([[0.35, 0.0, 0.0, np.sqrt(0.35 ** 2 - 0.10566 ** 2)]])
    fast = np.array([[5.0, 0.0, 0.0, np.sqrt(25.0 - 0.10566 ** 2)]])
    assert not select_muon_pairs(exp, v, slow, fast, 0.004)[0]
    assert select_muon_pairs(exp, v, fast, fast, 0.004)[0]


def test_bad_model_input(exp):
    from hnlreach.errors import HNLInputError

    with pytest.raises(HNLInputError):
        sample(exp, 0.5, dipole="mu", n_hnl=10)


@pytest.fixture(scope="module")
def reduced(exp):
    from hnlreach.outputs.published import load_published
    from hnlreach.validation.argoneut import run_limits
    from hnlreach.validation.compare import compare

    masses = np.array([0.3, 0.5, 0.7, 0.75, 0.9])
    lo, hi = run_limits(masses, n_hnl=15000, jobs=1)[exp.statistics.events_limit()]
    return masses, lo, hi, compare(masses, lo, hi, load_published("ArgoNeuT2021"))


def test_default_contour_against_published(reduced):
    """Default physics (tau -> N + hadrons crossed from the tau spectra, every tau decay mode) vs the
    published contour (mass axis corrected): lower boundary 0.96 / 1.05 / 1.75 x the published at
    0.3 / 0.5 / 0.7 GeV in this reduced MC (before the crossing, with pi, K, narrow rho, K*, l nu only:
    ~1.34 / 1.45 / 1.97), and the region closes between 0.75 and 0.9 GeV (published 0.977) because
    the multi-hadron and leptonic modes fall faster with m_N than the paper's 0.9 K(m)."""
    masses, lo, hi, c = reduced
    r = c.ratio_lower[:4]
    assert np.all(r[:2] > 0.75) and np.all(r[:2] < 1.35) and r[2] < 2.5
    assert lo[3] is not None and lo[4] is None


def test_mass_reach_with_the_papers_tau_model(exp):
    """Issue 5: largest excluded mass near the published 0.988 GeV.  With ArgoNeuT's (arXiv:2106.13684) own tau -> N X
    model (0.9 |U|^2 K(m)) the contour ends at 0.95 +- 0.03 GeV (the tip moves with the MC seed, since
    there max_g N(g) ~ N_limit); our exclusive channels end at ~0.83 GeV (reproduce report)."""
    from hnlreach.validation.argoneut import run_limits

    masses = np.array([0.925, 1.0])
    lo, _ = run_limits(masses, tau_inclusive_fraction=0.9, n_hnl=40000, jobs=1)[exp.statistics.events_limit()]
    assert lo[0] is not None, lo  # 0.925 GeV excluded (published end point 0.988 GeV)
    assert lo[1] is None  # and nothing beyond the published end point


def test_issue_criterion_with_the_papers_tau_model(exp):
    """Issue 5: with ArgoNeuT's (arXiv:2106.13684) own tau -> N X model the lower boundary is within a factor 1.5 of the
    published one (mass axis corrected) from 0.3 to 0.75 GeV, and 1.5-1.8 nearer the tip (0.8-0.9 GeV,
    where the reduced MC is noisiest; full run in the reproduce report)."""
    from hnlreach.outputs.published import load_published
    from hnlreach.validation.argoneut import run_limits
    from hnlreach.validation.compare import compare

    masses = np.array([0.3, 0.5, 0.7, 0.8])
    lo, hi = run_limits(masses, tau_inclusive_fraction=0.9, n_hnl=15000, jobs=1)[exp.statistics.events_limit()]
    c = compare(masses, lo, hi, load_published("ArgoNeuT2021"))
    assert np.all(np.abs(np.log(c.ratio_lower[:3])) < np.log(1.5)), c.ratio_lower
    assert 1.0 < c.ratio_lower[3] < 2.0


def test_tau_production_models():
    """BR(tau -> N X)/|U|^2: at m_N -> 0 the exclusive sum is every tau decay (pi, K, l nu nu and the
    crossed multi-hadron classes, 0.99) and the inclusive model 0.9; the exclusive sum falls faster
    with mass (ratio decreasing) and both vanish above the thresholds."""
    from hnlreach.detection.argoneut import tau_to_hnl_branching

    assert tau_to_hnl_branching(1e-3, 0.9) == pytest.approx(0.9, rel=1e-3)
    assert tau_to_hnl_branching(1e-3) == pytest.approx(1.0, abs=0.03)
    ratios = [tau_to_hnl_branching(m) / tau_to_hnl_branching(m, 0.9) for m in (0.3, 0.6, 0.9, 1.2)]
    assert np.all(np.diff(ratios) < 0) and ratios[-1] < 0.3
    assert tau_to_hnl_branching(1.7) < 1e-5 and tau_to_hnl_branching(1.7, 0.9) == 0.0  # only l nu N open
    assert tau_to_hnl_branching(1.8) == 0.0


def test_gs2007_width_variant_moves_upper_boundary_down(exp):
    """Width-model test (reproduce report): with Gorbunov-Shaposhnikov widths the sample carries
    their total width; the lower boundary does not move (same Gamma(nu mu mu), total width ~cancels)
    below the eta threshold; at 0.7 GeV GS's larger total width (x1.10) lowers the upper boundary by
    ~15 %, away from the published contour, and weakens the lower one by a few %."""
    from hnlreach.errors import HNLInputError
    from hnlreach.physics.decays_gs2007 import GS2007HNL
    from hnlreach.validation.argoneut import run_limits

    s = sample(exp, 0.8, mixing="tau", n_hnl=2000, rng=1, width_model="gs2007")
    assert s.width1 == pytest.approx(GS2007HNL(0.8, mixing=(0, 0, 1)).width)
    with pytest.raises(HNLInputError):
        sample(exp, 0.8, mixing="tau", n_hnl=10, width_model="nope")
    masses = np.array([0.4, 0.7])
    n_lim = exp.statistics.events_limit()
    lo, hi = run_limits(masses, n_hnl=8000, jobs=1)[n_lim]
    lo_gs, hi_gs = run_limits(masses, n_hnl=8000, jobs=1, width_model="gs2007")[n_lim]
    assert lo_gs[0] / lo[0] == pytest.approx(1.0, abs=0.02) and hi_gs[0] / hi[0] == pytest.approx(1.0, abs=0.02)
    assert 1.0 < lo_gs[1] / lo[1] < 1.15
    assert 0.75 < hi_gs[1] / hi[1] < 0.95
