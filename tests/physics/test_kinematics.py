"""Tests of hnlreach.physics.kinematics: momenta, boosts, two- and three-body phase space."""
import numpy as np
import pytest

from hnlreach.physics.constants import M_E, M_MU, MASS
from hnlreach.physics.kinematics import (
    boost, boost_to_lab, dalitz_limits_m23sq, invariant_mass_sq, isotropic_directions,
    sample_three_body, sample_two_body, two_body_momentum,
)

M_PI = MASS["pi+"]


def mass_sq(p4):
    return p4[..., 0] ** 2 - np.sum(p4[..., 1:] ** 2, axis=-1)


def test_two_body_momentum_pion_decay():
    # pi+ -> mu+ nu: p* = (m_pi^2 - m_mu^2) / (2 m_pi) = 29.79 MeV (PDG)
    p = two_body_momentum(M_PI, M_MU, 0.0)
    assert p == pytest.approx((M_PI**2 - M_MU**2) / (2 * M_PI), rel=1e-12)
    assert p == pytest.approx(0.02979, abs=2e-5)


def test_two_body_momentum_arrays_and_threshold():
    M = np.array([0.1, 0.2, 0.5])
    p = two_body_momentum(M, M_MU, M_MU)
    assert p.shape == (3,)
    assert p[0] == 0.0  # closed below 2 m_mu
    assert p[2] == pytest.approx(np.sqrt(0.25**2 - M_MU**2), rel=1e-12)


def test_isotropic_directions():
    d = isotropic_directions(200_000, np.random.default_rng(1))
    assert d.shape == (200_000, 3)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0, rtol=1e-12)
    assert np.all(np.abs(d.mean(axis=0)) < 0.01)
    np.testing.assert_allclose((d**2).mean(axis=0), 1 / 3, atol=0.005)


def test_boost_particle_at_rest():
    beta = np.array([0.3, -0.4, 0.5])
    g = 1 / np.sqrt(1 - beta @ beta)
    p = boost(np.array([2.0, 0, 0, 0]), beta)
    np.testing.assert_allclose(p, [2 * g, *(2 * g * beta)], rtol=1e-13)


def test_boost_inverse_and_invariance():
    rng = np.random.default_rng(2)
    p3 = rng.normal(size=(1000, 3))
    p4 = np.concatenate([np.sqrt(0.1**2 + (p3**2).sum(1))[:, None], p3], axis=1)
    beta = isotropic_directions(1000, rng) * rng.uniform(0, 0.999, (1000, 1))
    q = boost(p4, beta)
    np.testing.assert_allclose(mass_sq(q), 0.01, rtol=1e-9)
    np.testing.assert_allclose(boost(q, -beta), p4, rtol=1e-9, atol=1e-12)


def test_boost_collinear_composition():
    # two boosts along z compose with the relativistic velocity-addition law
    b1, b2 = 0.6, 0.7
    p = np.array([1.3, 0.2, -0.1, 0.4])
    two = boost(boost(p, [0, 0, b1]), [0, 0, b2])
    one = boost(p, [0, 0, (b1 + b2) / (1 + b1 * b2)])
    np.testing.assert_allclose(two, one, rtol=1e-12)


def test_boost_non_collinear_is_not_a_pure_boost():
    # two non-collinear boosts = boost times Wigner rotation: energies agree, directions do not
    p = np.array([1.0, 0.0, 0.0, 0.0])
    two = boost(boost(p, [0.6, 0, 0]), [0, 0.6, 0])
    gamma_tot = 1 / np.sqrt(1 - 0.6**2) ** 2
    assert two[0] == pytest.approx(gamma_tot, rel=1e-12)


def test_boost_rejects_superluminal():
    with pytest.raises(ValueError):
        boost(np.array([1.0, 0, 0, 0]), np.array([0.6, 0.8, 0.1]))


def test_sample_two_body_conservation():
    p4 = sample_two_body(M_PI, M_MU, 0.0, 10_000, 3)
    np.testing.assert_allclose(p4.sum(axis=1), np.broadcast_to([M_PI, 0, 0, 0], (10_000, 4)),
                               atol=1e-9 * M_PI)
    np.testing.assert_allclose(mass_sq(p4[:, 0]), M_MU**2, rtol=1e-9)
    np.testing.assert_allclose(mass_sq(p4[:, 1]), 0.0, atol=1e-12)


def test_boost_to_lab_conserves_parent_momentum():
    rng = np.random.default_rng(4)
    n, M = 5000, 0.3
    rest = sample_three_body(M, (0.0, M_E, M_E), n, rng)
    pN = rng.normal(scale=20.0, size=(n, 3))
    parent = np.concatenate([np.sqrt(M**2 + (pN**2).sum(1))[:, None], pN], axis=1)
    lab = boost_to_lab(rest, parent)
    assert lab.shape == (n, 3, 4)
    np.testing.assert_allclose(lab.sum(axis=1), parent, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(mass_sq(lab[:, 1]) / M_E**2, 1.0, atol=1e-4)  # cancellation at E~20 GeV
    # single-particle form (n, 4)
    np.testing.assert_allclose(boost_to_lab(rest[:, 0], parent), lab[:, 0], rtol=1e-12)
    # parent itself boosted from rest gives back parent
    at_rest = np.broadcast_to([M, 0, 0, 0], (n, 4))
    np.testing.assert_allclose(boost_to_lab(at_rest, parent), parent, rtol=1e-9)


@pytest.mark.parametrize("masses", [(0.0, M_E, M_E), (M_MU, 0.0, M_E), (0.1, 0.05, 0.12)])
def test_sample_three_body_conservation_and_masses(masses):
    M = 0.3
    p4, (x, y) = sample_three_body(M, masses, 20_000, np.random.default_rng(5), return_dalitz=True)
    np.testing.assert_allclose(p4.sum(axis=1), np.broadcast_to([M, 0, 0, 0], (20_000, 4)),
                               atol=1e-9 * M)
    for i, m in enumerate(masses):
        np.testing.assert_allclose(mass_sq(p4[:, i]), m * m, atol=1e-12)
    np.testing.assert_allclose(invariant_mass_sq(p4[:, 0], p4[:, 1]), x, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(invariant_mass_sq(p4[:, 1], p4[:, 2]), y, rtol=1e-9, atol=1e-12)


def _m12_density(M, masses, edges, weight=None, nsub=400):
    """Bin probabilities of m12^2: integral over m23^2 of the weight, by midpoint rule."""
    from scipy.integrate import quad

    probs = []
    for a, b in zip(edges[:-1], edges[1:]):
        xs = a + (np.arange(nsub) + 0.5) * (b - a) / nsub
        lo, hi = dalitz_limits_m23sq(M, masses, xs)
        if weight is None:
            vals = hi - lo
        else:
            vals = np.array([quad(lambda y: weight(x, y), l, h)[0] for x, l, h in zip(xs, lo, hi)])
        probs.append(vals.mean() * (b - a))
    probs = np.array(probs)
    return probs / probs.sum()


@pytest.mark.parametrize("weighted", [False, True])
def test_three_body_dalitz_distribution_chi2(weighted):
    """Phase space (flat Dalitz) and an |M|^2 = m12^2 m23^2 weight reproduce the projected m12^2
    distribution (chi^2 test, fixed seed)."""
    M, masses = 0.5, (M_MU, 0.0, M_PI)
    wfun = (lambda x, y: x * y) if weighted else None
    n = 200_000
    _, (x, _) = sample_three_body(M, masses, n, np.random.default_rng(6), weight=wfun,
                                  return_dalitz=True)
    edges = np.linspace((masses[0] + masses[1]) ** 2, (M - masses[2]) ** 2, 21)
    counts, _ = np.histogram(x, edges)
    expected = n * _m12_density(M, masses, edges, wfun, nsub=40 if weighted else 400)
    chi2 = np.sum((counts - expected) ** 2 / expected)
    assert chi2 < 45  # 20 bins: p ~ 1e-3
    # and a wrong hypothesis (flat vs weighted) is rejected by the same test
    wrong = n * _m12_density(M, masses, edges, None if weighted else (lambda x, y: x * y), nsub=40)
    assert np.sum((counts - wrong) ** 2 / wrong) > 200


def test_three_body_return_weights():
    p4, w = sample_three_body(0.3, (0.0, M_E, M_E), 1000, 1, weight=lambda x, y: x + y,
                              return_weights=True)
    assert p4.shape == (1000, 3, 4) and w.shape == (1000,)
    x = invariant_mass_sq(p4[:, 0], p4[:, 1])
    y = invariant_mass_sq(p4[:, 1], p4[:, 2])
    np.testing.assert_allclose(w, x + y, rtol=1e-9)


def test_three_body_closed_channel_raises():
    with pytest.raises(ValueError):
        sample_three_body(0.2, (M_MU, M_MU, 0.0), 10, 1)
