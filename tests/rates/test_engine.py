"""The weighted-sample engine: quadrature cross-check, reweighting vs explicit simulation,
long- and short-lifetime behaviour, Monte Carlo errors, upscattering on a toy."""
import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

from hnlreach.experiments import Selection, load_experiment
from hnlreach.physics.production import production_branching_ratios
from hnlreach.rates.engine import (
    mixing_sample,
    produce,
    reference_hnl,
    signal_channels,
    simulate_at_coupling,
    upscattering_sample,
)

sys.path.insert(0, str(Path(__file__).parent))
from toy_quadrature import toy_quadrature
from toy_experiments import upscattering_toy

MASS = 1.0
CHANNEL = "D(s)+ -> mu+ N"


@pytest.fixture(scope="module")
def toy():
    return load_experiment("toy-dump")


@pytest.fixture(scope="module")
def toy_nosel(toy):
    return dataclasses.replace(toy, selection=Selection())


@pytest.fixture(scope="module")
def ds_sample(toy_nosel):
    return mixing_sample(toy_nosel, MASS, "mu", True, 600_000, rng=2, only_channels=[CHANNEL])


@pytest.fixture(scope="module")
def full_sample(toy):
    return mixing_sample(toy, MASS, "mu", True, 200_000, rng=11)


# couplings |U_mu|^2: long lifetime (decay length >> 100 m), around the maximum of N,
# and deep in the exponential fall (N ~ 5 % of its maximum)
@pytest.mark.parametrize("u2", [1e-9, 3e-4, 5e-3])
def test_engine_matches_quadrature(toy_nosel, ds_sample, u2):
    src, box = toy_nosel.sources[0], toy_nosel.fiducial["decay_volume"]
    hnl = reference_hnl(MASS, mixing="mu", majorana=True)
    br = production_branching_ratios(MASS, (0, 1, 0))[CHANNEL]
    br_vis = sum(signal_channels(toy_nosel, hnl).values())
    norm = toy_nosel.beam.pot * src.yield_per_pot * br * br_vis * toy_nosel.efficiency.constant
    quad = norm * u2 * toy_quadrature(src.spectrum, "D(s)+", "mu+", MASS, u2 * hnl.width, box,
                                      n_xf=48, n_u=24)
    n, err = ds_sample.n(u2), ds_sample.mc_error(u2)
    assert abs(n / quad - 1) < 0.03  # MC error 1.4 % at 5e-3
    assert abs(n - quad) < 3 * err + 0.005 * quad


@pytest.mark.parametrize("u2", [1e-5, 4e-4, 3e-3])
def test_reweighting_matches_explicit_simulation(toy, full_sample, u2):
    """N(g) from the one reweighted sample vs a separate run at g with decay points drawn
    from the exponential law and the selection applied at the actual decay point."""
    rng = np.random.default_rng(1234)
    hnl_g = reference_hnl(MASS, mixing="mu", majorana=True)
    from hnlreach.model import HNL
    hnl_g = HNL(MASS, mixing=(0.0, u2, 0.0), majorana=True)
    w, o, p4, _ = produce(toy, MASS, (0.0, 1.0, 0.0), 400_000, rng)
    n_sim, err_sim = simulate_at_coupling(toy, hnl_g, w, o, p4, u2, rng)
    n_rw, err_rw = full_sample.n(u2), full_sample.mc_error(u2)
    assert n_sim > 0
    assert abs(n_rw - n_sim) < 3 * np.hypot(err_rw, err_sim), (n_rw, n_sim, err_rw, err_sim)


def test_long_lifetime_scales_as_u4(full_sample):
    g = np.array([1e-12, 1e-11, 1e-10])
    n = full_sample.n(g)
    assert n / g ** 2 == pytest.approx(np.full(3, n[0] / g[0] ** 2), rel=1e-5)
    # and equals the first-order expansion g^2 sum w a (l2 - l1) Gamma_1 m / (p hbar c)
    from hnlreach.physics.constants import HBARC_GEV_M
    s = full_sample
    lin = np.sum(s.weight * s.acceptance * (s.l2 - s.l1) * s.width1 * s.mass / (s.p * HBARC_GEV_M))
    assert n[1] == pytest.approx(lin * 1e-22, rel=1e-6)


def test_short_lifetime_exponential_cutoff(full_sample):
    g = np.geomspace(1e-4, 3e-2, 60)
    n = full_sample.n(g)
    peak = n.max()
    assert n[-1] < 1e-6 * peak
    # beyond the maximum, -ln N grows (at least) linearly in g: the log-slope keeps falling,
    # far below any power law
    lg, ln = np.log(g), np.log(n)
    slope = np.diff(ln) / np.diff(lg)
    tail = g[1:] > 1e-2
    assert np.all(slope[tail] < -6)  # vs +2 at long lifetimes
    assert np.all(np.diff(slope[g[1:] > 3e-3]) < 0)
    # bound: every HNL travels >= 100 m before the decay volume
    s = full_sample
    from hnlreach.physics.constants import HBARC_GEV_M
    gg = 2e-2
    bound = gg * np.sum(s.weight * s.acceptance * np.exp(-gg * s.width1 * s.mass * 100.0 / (s.p * HBARC_GEV_M)))
    assert full_sample.n(gg) <= bound


def test_mc_error_is_consistent_between_seeds(toy):
    a = mixing_sample(toy, 0.5, "mu", True, 40_000, rng=5)
    b = mixing_sample(toy, 0.5, "mu", True, 40_000, rng=6)
    for g in (1e-9, 1e-4):
        pull = (a.n(g) - b.n(g)) / np.hypot(a.mc_error(g), b.mc_error(g))
        assert abs(pull) < 4
        assert 0 < a.mc_error(g) < 0.2 * a.n(g)


def test_vectorised_over_coupling_arrays(full_sample):
    g = np.array([[1e-8, 1e-6], [1e-4, 1e-3]])
    n = full_sample.n(g)
    assert n.shape == (2, 2)
    assert n[0, 1] == pytest.approx(full_sample.n(1e-6))


def test_deterministic_for_a_seed(toy):
    a = mixing_sample(toy, 0.7, "mu", True, 20_000, rng=3)
    b = mixing_sample(toy, 0.7, "mu", True, 20_000, rng=3)
    assert a.n(1e-6) == b.n(1e-6)


# --- upscattering on a toy -----------------------------------------------------------------------
SIGMA_PER_NUCLEON = 1e-38  # stand-in cross section [cm^2] (test only: the engine is under test)


def _stand_in_xsec(E, m, nucleus):
    from hnlreach.geometry.materials import nucleus_za
    return np.full(np.shape(E), SIGMA_PER_NUCLEON * nucleus_za(nucleus)[1])


def _stand_in_sampler(E, m, nucleus, rng):
    """Test stand-in for sample_upscattering: forward HNL with E_N = E_nu."""
    p = np.sqrt(np.clip(E * E - m * m, 0, None))
    return np.column_stack([E, 0 * E, 0 * E, p]), np.ones_like(E)


@pytest.fixture(scope="module")
def ups_experiment(tmp_path_factory):
    """A 49 m iron slab in front of a 3 x 3 x 5 m^3 fiducial box, 1 GeV numu."""
    return upscattering_toy(
        tmp_path_factory.mktemp("ups"), name="toy-upscattering", flux="0.9 1e-10\n1.1 1e-10\n",
        pot=1e20, cl=0.9, source_z=-300.0,
        materials="[materials.iron]\ndensity_g_cm3 = 7.874\nmass_fractions = { Fe56 = 1.0 }",
        volumes='  { name = "slab", shape = "box", center_m = [0.0, 0.0, -25.5], size_m = [20.0, 20.0, 49.0], material = "iron" }',
        fiducial='{ name = "fid", shape = "box", center_m = [0.0, 0.0, 2.5], size_m = [3.0, 3.0, 5.0] }',
        channels=["N -> nu gamma"])


def test_upscattering_reweighting_matches_explicit_simulation(ups_experiment):
    from hnlreach.geometry.materials import AVOGADRO
    from hnlreach.model import HNL

    m = 0.1
    s = upscattering_sample(ups_experiment, m, "mu", False, 200_000, rng=7,
                            xsec=_stand_in_xsec, sampler=_stand_in_sampler, margin_m=1.0)
    # independent run: interaction depth uniform over the slab (no importance sampling),
    # transverse position uniform over the same window
    rng = np.random.default_rng(99)
    n = 400_000
    E = rng.uniform(0.9, 1.1, n)
    xy = rng.uniform(-2.5, 2.5, (n, 2))
    z = rng.uniform(-50.0, -1.0, n)
    n_fe = 7.874 * AVOGADRO / 55.934936
    w = 1e20 * (0.2 * 1e-10) * (5.0 ** 2 * 1e4) * n_fe * SIGMA_PER_NUCLEON * 56 * 4900.0 / n
    p4, _ = _stand_in_sampler(E, m, "Fe56", rng)
    origins = np.column_stack([xy, z])
    for d in (2e-7, 2e-6, 1e-5):  # decay lengths ~ 1e3 m, 10 m, 0.4 m at 1 GeV
        hnl = HNL(m, dipole=(0.0, d, 0.0))
        n_sim, err_sim = simulate_at_coupling(ups_experiment, hnl, np.full(n, w), origins, p4, d * d, rng)
        n_rw, err_rw = s.n(d), s.mc_error(d)
        assert n_sim > 0 and err_rw < 0.1 * n_rw
        assert abs(n_rw - n_sim) < 3 * np.hypot(err_rw, err_sim), (d, n_rw, n_sim, err_rw, err_sim)
