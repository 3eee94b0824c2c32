"""K+- -> l N decaying in flight in the NuMI decay pipe (argoneut preset, sources.decay_in_flight)."""
import dataclasses

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.experiments import experiment_from_config, load_experiment, read_config
from hnlreach.physics.constants import HBAR_GEV_S, HBARC_GEV_M, LIFETIME_S, M_MU, MASS
from hnlreach.rates.engine import production_channels
from hnlreach.sources.decay_in_flight import (
    DecayRegion,
    decay_points,
    focus_parallel,
    source_parents,
)

CTAU_K = LIFETIME_S["K+"] * HBARC_GEV_M / HBAR_GEV_S  # 3.71 m


@pytest.fixture(scope="module")
def exp():
    return load_experiment("argoneut")


@pytest.fixture(scope="module")
def kaons(exp):
    return [s for s in exp.sources if s.decay_region is not None]


def test_kaon_sources_of_the_preset(kaons):
    assert [s.parent for s in kaons] == ["K+", "K+"]  # K- as the CP image of K+
    assert all(s.focusing == "none" and s.site.name == "target" for s in kaons)  # default: unfocused
    # PYTHIA 8 pp at 120 GeV: more K+ than K- (valence u quarks of the beam)
    assert kaons[0].yield_per_pot > kaons[1].yield_per_pot > 0.1
    assert kaons[0].decay_region.z_end == 720.0 and kaons[0].decay_region.radius == 1.0


def test_exit_distance_geometry():
    reg = DecayRegion(z_end=720.0, radius=1.0)
    th = np.array([0.0, 1e-3, 0.01, 0.2])
    d = np.stack([np.sin(th), 0 * th, np.cos(th)], axis=1)
    L = reg.exit_distance(np.zeros((4, 3)), d)
    expect = np.minimum(720.0 / np.cos(th), np.where(th > 0, 1.0 / np.maximum(np.sin(th), 1e-300), np.inf))
    np.testing.assert_allclose(L, expect, rtol=1e-12)
    # backwards: leaves at once; outside the cylinder: nothing
    assert reg.exit_distance([[0, 0, 0]], [[0, 0, -1.0]])[0] == 0.0
    assert reg.exit_distance([[2.0, 0, 10]], [[0, 0, 1.0]])[0] == 0.0
    with pytest.raises(HNLInputError):
        DecayRegion(z_end=0.0, radius=1.0)


def test_decay_probability_and_points_follow_the_exponential_law():
    rng = np.random.default_rng(3)
    n, p = 200_000, 10.0
    mk = MASS["K+"]
    parents = np.tile([np.hypot(p, mk), 0.0, 0.0, p], (n, 1))
    reg = DecayRegion(z_end=720.0, radius=1.0)
    pts, w = decay_points(parents, np.zeros((n, 3)), reg, CTAU_K, rng)
    lam = p / mk * CTAU_K  # 75 m
    np.testing.assert_allclose(w, 1.0 - np.exp(-720.0 / lam), rtol=1e-12)
    z = pts[:, 2]
    assert np.all((z >= 0) & (z <= 720.0)) and np.all(pts[:, :2] == 0)
    # truncated exponential: mean and a quantile
    P = 1.0 - np.exp(-720.0 / lam)
    mean = lam - 720.0 * np.exp(-720.0 / lam) / P
    assert abs(z.mean() - mean) < 4 * z.std() / np.sqrt(n)
    assert abs(np.mean(z < 100.0) - (1 - np.exp(-100.0 / lam)) / P) < 0.005


def test_focus_parallel_keeps_momentum(kaons):
    rng = np.random.default_rng(1)
    par = kaons[1].spectrum.sample(1000, rng)
    foc = focus_parallel(par)
    np.testing.assert_allclose(np.linalg.norm(foc[:, 1:], axis=1), np.linalg.norm(par[:, 1:], axis=1))
    np.testing.assert_array_equal(foc[:, 0], par[:, 0])
    assert np.all(foc[:, 1:3] == 0) and np.all(foc[:, 3] > 0)
    # ideally focused kaons decay with the on-axis probability 1 - exp(-720 m / lambda)
    par, pts, w = source_parents(dataclasses.replace(kaons[1], focusing="parallel"), 2000, rng)
    lam = par[:, 3] / MASS["K+"] * CTAU_K
    np.testing.assert_allclose(w, -np.expm1(-720.0 / lam), rtol=1e-9)
    assert np.all(pts[:, :2] == 0) and np.all(pts[:, 2] <= 720.0)


def test_no_contribution_for_tau_mixing_or_above_threshold(kaons):
    for src in kaons:
        assert production_channels(src, 0.3, (0.0, 0.0, 1.0)) == {}
        # K+ -> mu+ N closes at m_K - m_mu = 0.388 GeV, K+ -> e+ N at m_K - m_e
        assert production_channels(src, MASS["K+"] - M_MU + 1e-3, (0.0, 1.0, 0.0)) == {}
        assert production_channels(src, MASS["K+"], (1.0, 0.0, 0.0)) == {}
        assert "K+ -> mu+ N" in production_channels(src, 0.3, (0.0, 1.0, 0.0))


def test_shrock_factor_scaling(kaons):
    """BR(K -> mu N)/|U_mu|^2 = BR(K -> mu nu) x Shrock ratio (Shrock 1981), PDG BR(K -> mu nu) =
    63.56 %; our tree-level width (f_K = 155.6 MeV, no radiative corrections) gives 62.2 %."""
    from hnlreach.sources.kaon_hnl_flux import shrock_ratio

    for m in (0.05, 0.25, 0.3, 0.35):
        br = production_channels(kaons[0], m, (0.0, 1.0, 0.0))["K+ -> mu+ N"][1]
        assert br == pytest.approx(0.6356 * shrock_ratio(m), rel=0.03)
    # the ratio rises above 1 (helicity lifting) before phase space closes it
    assert shrock_ratio(0.3) > shrock_ratio(0.1) > 1.0


def _hnls_in_tpc(exp, src, mass, n, rng):
    """HNLs per POT per |U_mu|^2 whose line crosses the TPC."""
    from hnlreach.geometry.volumes import ray_interval
    from hnlreach.sources.directed import directed_hnls

    targets = [exp.fiducial[f] for f in exp.signal.fiducial]
    total = 0.0
    for ch, (kind, br) in production_channels(src, mass, (0.0, 1.0, 0.0)).items():
        parents, origin, w_src = source_parents(src, n, rng)
        p4, w_dir = directed_hnls(kind, ch, mass, parents, origin, targets, rng, src.parent)
        live = w_dir > 0
        d = p4[live, 1:] / np.linalg.norm(p4[live, 1:], axis=1)[:, None]
        l1, l2 = ray_interval(exp.fiducial["tpc"], origin[live], d)
        w = (src.site.pot_fraction * src.yield_per_pot * br / n) * (w_src * w_dir)[live]
        total += w[l2 > l1].sum()
    return total


def test_focused_flux_exceeds_unfocused(exp, kaons):
    rng = np.random.default_rng(7)
    k_minus = kaons[1]
    unf = _hnls_in_tpc(exp, k_minus, 0.3, 20_000, rng)
    foc = _hnls_in_tpc(exp, dataclasses.replace(k_minus, focusing="parallel"), 0.3, 20_000, rng)
    assert unf > 0 and foc > 2.0 * unf


def test_tau_mixing_sample_unchanged_by_kaon_sources(exp):
    """Kaon sources contribute nothing to tau mixing and draw no random numbers."""
    from hnlreach.detection.argoneut import sample

    no_k = dataclasses.replace(exp, sources=tuple(s for s in exp.sources if s.decay_region is None))
    a = sample(exp, 0.5, mixing="tau", n_hnl=3000, rng=11)
    b = sample(no_k, 0.5, mixing="tau", n_hnl=3000, rng=11)
    np.testing.assert_array_equal(a.weight, b.weight)
    np.testing.assert_array_equal(a.acceptance, b.acceptance)

    # mu mixing: the kaons dominate the D(s) sources at 0.3 GeV (long-lifetime signal ~ w acc dl / p)
    def signal(s):
        return np.sum(s.weight * s.acceptance * (s.l2 - s.l1) / s.p)

    mu_k = sample(exp, 0.3, mixing="mu", n_hnl=3000, rng=11)
    mu_d = sample(no_k, 0.3, mixing="mu", n_hnl=3000, rng=11)
    assert signal(mu_k) > 1e3 * signal(mu_d) > 0


def test_schema_focusing_needs_decay_in_flight():
    cfg, path = read_config("argoneut")
    src = next(s for s in cfg["sources"] if "decay_in_flight" in s)
    bad = {**cfg, "sources": [{k: v for k, v in src.items() if k != "decay_in_flight"}]}
    with pytest.raises(HNLInputError, match="focusing needs decay_in_flight"):
        experiment_from_config(bad, path)
    bad = {**cfg, "sources": [{**src, "focusing": "perfect"}]}
    with pytest.raises(HNLInputError, match="focusing"):
        experiment_from_config(bad, path)


def test_g4numi_thick_target_tables():
    """The G4NuMI-reweighted tables hold PPFX's K per POT (header) and are softer than PYTHIA p p:
    fewer kaons above 10 GeV, more below 4 GeV (thick target: absorption, secondary production)."""
    from pathlib import Path

    import hnlreach.experiments as ex
    from hnlreach.sources.spectra import TabulatedSpectrum

    base = Path(ex.__file__).parent / "data" / "argoneut"
    for name, per_pot in (("Kplus", 0.34348), ("Kminus", 0.21815)):
        g4 = TabulatedSpectrum.from_csv(base / f"g4numi_le_target_{name}.csv", MASS["K+"])
        py = TabulatedSpectrum.from_csv(base / f"pythia8_pp_120GeV_{name}.csv", MASS["K+"])
        assert g4.counts.sum() * 1e-9 == pytest.approx(per_pot, rel=1e-3)

        def above(s, p):
            mid = 0.5 * (s.p_edges[1:] + s.p_edges[:-1])
            return s.counts[mid > p].sum() / s.counts.sum()

        assert above(g4, 10.0) < 0.8 * above(py, 10.0)
        assert 1 - above(g4, 4.0) > 1 - above(py, 4.0)
