"""Tests of hnlreach.sources.meson_decays: HNL momenta from meson and tau decays."""
import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.physics import production as pr
from hnlreach.physics.constants import LEPTON_MASS, M_TAU, MASS
from hnlreach.sources.meson_decays import (
    chain_branching_ratio, sample_channel_rest_frame, hnl_momenta_from_chain, hnl_momenta_from_parents, hnl_momenta_rest_frame,
)


def mass2(p4):
    return p4[:, 0] ** 2 - np.sum(p4[:, 1:] ** 2, axis=1)


def random_parents(name, n, rng):
    p = rng.exponential(20.0, (n, 3))
    return np.column_stack([np.sqrt(MASS[name] ** 2 + (p**2).sum(1)), p])


@pytest.mark.parametrize("channel,m", [("K+ -> mu+ N", 0.2), ("D(s)+ -> tau+ N", 0.1),
                                       ("tau- -> K- N", 0.5), ("pi+ -> e+ N", 0.1)])
def test_two_body_rest_frame_energy_exact(channel, m):
    c = pr.CHANNELS[channel]
    M = MASS[c.parent]
    mo = MASS[[p for p in c.products if p != "N"][0]]
    e = hnl_momenta_rest_frame(channel, m, 1000, 1)[:, 0]
    np.testing.assert_allclose(e, (M**2 + m**2 - mo**2) / (2 * M), rtol=1e-12)


@pytest.mark.parametrize("channel,m", [("K+ -> mu+ N", 0.3), ("K+ -> pi0 e+ N", 0.2),
                                       ("D0 -> K*(892)- mu+ N", 0.6), ("tau- -> nu(tau) e- N", 1.0)])
def test_boosted_invariant_mass(channel, m):
    rng = np.random.default_rng(2)
    parent = pr.CHANNELS[channel].parent
    p4 = hnl_momenta_from_parents(channel, m, random_parents(parent, 5000, rng), rng)
    np.testing.assert_allclose(np.sqrt(mass2(p4)), m, rtol=1e-9)


def _q2_cdf_check(q2, dgamma, lo, hi):
    """Kolmogorov distance between sampled q^2 and the analytic dGamma/dq^2."""
    grid = np.linspace(lo, hi, 4001)
    pdf = dgamma(grid)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * np.diff(grid))])
    cdf /= cdf[-1]
    emp = np.searchsorted(np.sort(q2), grid) / q2.size
    return np.max(np.abs(emp - cdf))


@pytest.mark.parametrize("channel,m", [("K+ -> pi0 mu+ N", 0.15), ("D0 -> K- e+ N", 0.8),
                                       ("D+ -> K*(892)~0 mu+ N", 0.5), ("K(L)0 -> pi+ e- N", 0.3),
                                       ("B0 -> D*(2010)- mu+ N", 2.0), ("B+ -> D~0 tau+ N", 1.0),
                                       ("B(c)+ -> J/psi(1S) e+ N", 1.5), ("B0 -> pi- mu+ N", 3.0),
                                       ("D(s)+ -> phi(1020) e+ N", 0.3)])
def test_semileptonic_q2_spectrum_matches_width_formula(channel, m):
    """The sampler uses the matrix element behind the width: the sampled q^2 = (p_l + p_N)^2 follows
    dGamma/dq^2 (Kolmogorov distance < 1.5 % with 40k events; pure phase space fails this)."""
    c = pr.CHANNELS[channel]
    p = c.params
    M, mx, ml = MASS[c.parent], MASS[p["daughter"]], LEPTON_MASS[p["lepton"]]
    p4, names = sample_channel_rest_frame(channel, m, 40000, np.random.default_rng(3))
    assert names == ("N", p["lepton"] + c.name.split()[3][-1], p["daughter"])
    ql = p4[:, 0] + p4[:, 1]
    q2 = ql[:, 0] ** 2 - np.sum(ql[:, 1:] ** 2, axis=1)
    np.testing.assert_allclose(np.sum(p4, axis=1), np.tile([M, 0, 0, 0], (40000, 1)), atol=1e-9)
    dg = lambda x: pr.semileptonic_dgamma_dq2(c.parent, p["daughter"], p["form"], ml, m, x)  # noqa: E731
    lo, hi = (ml + m) ** 2 * (1 + 1e-9), (M - mx) ** 2 * (1 - 1e-9)
    assert _q2_cdf_check(q2, dg, lo, hi) < 0.015
    flat = lambda x: np.sqrt(pr.kallen(M * M, mx * mx, x) * pr.kallen(x, ml * ml, m * m)) / x  # noqa: E731
    assert _q2_cdf_check(q2, flat, lo, hi) > 0.03  # the test can tell the matrix element apart


def test_tau_leptonic_spectra_depend_on_which_mixing():
    """tau -> l nu~ N (N takes nu_tau's place) and tau -> nu_tau l N (N takes nu_l~'s place) have
    equal widths but different N spectra: <E_N> from the V-A matrix element, computed by quadrature."""
    from scipy.integrate import quad

    m, M = 0.5, M_TAU
    rng = np.random.default_rng(4)
    ea = hnl_momenta_rest_frame("tau- -> e- nu(e)~ N", m, 60000, rng)[:, 0].mean()
    eb = hnl_momenta_rest_frame("tau- -> nu(tau) e- N", m, 60000, rng)[:, 0].mean()

    def mean_energy(pair_has_n):
        # pair (a,b) invariant mass s; E of z = (M^2 + m_z^2 - s)/(2M); E of pair member averaged
        me = LEPTON_MASS["e"]
        if pair_has_n:  # (N, e) pair, z = nu: <E_N> at fixed s = (E_pair * E*_N + ...) -> E_pair E*_N / sqrt(s)
            lo, hi = (m + me) ** 2, M**2
            def w(s):
                return pr.muon_decay_matrix_element(M, m, me, 0.0, s) * np.sqrt(pr.kallen(s, m * m, me * me)) / s * (M**2 - s)
            def e(s):
                e_pair = (M**2 + s) / (2 * M)
                return e_pair * (s + m * m - me * me) / (2 * s)
        else:  # (e, nu_tau) pair, z = N
            lo, hi = me**2, (M - m) ** 2
            def w(s):
                return pr.muon_decay_matrix_element(M, me, 0.0, m, s) * (s - me**2) / s * np.sqrt(pr.kallen(M * M, s, m * m))
            def e(s):
                return (M**2 + m * m - s) / (2 * M)
        return quad(lambda s: w(s) * e(s), lo, hi)[0] / quad(w, lo, hi)[0]

    assert ea == pytest.approx(mean_energy(True), rel=3e-3)
    assert eb == pytest.approx(mean_energy(False), rel=3e-3)
    assert abs(ea - eb) > 0.02


def test_chain_ds_tau_hnl():
    """D_s at rest: tau energy fixed; HNL energies from tau -> pi N lie in the boost interval
    gamma(E* -/+ beta p*) and average gamma E* (isotropic, tau polarisation neglected)."""
    m = 0.6
    M = MASS["D(s)+"]
    rng = np.random.default_rng(5)
    ds = np.tile([M, 0, 0, 0], (50000, 1))
    hnl, tau = hnl_momenta_from_chain("tau- -> pi- N", m, ds, rng, return_tau=True)
    e_tau = (M**2 + M_TAU**2) / (2 * M)
    np.testing.assert_allclose(tau[:, 0], e_tau, rtol=1e-12)
    gamma, beta = e_tau / M_TAU, np.sqrt(1 - (M_TAU / e_tau) ** 2)
    e_star = (M_TAU**2 + m**2 - MASS["pi+"] ** 2) / (2 * M_TAU)
    p_star = np.sqrt(e_star**2 - m**2)
    assert hnl[:, 0].min() >= gamma * (e_star - beta * p_star) - 1e-9
    assert hnl[:, 0].max() <= gamma * (e_star + beta * p_star) + 1e-9
    assert hnl[:, 0].mean() == pytest.approx(gamma * e_star, rel=2e-3)
    np.testing.assert_allclose(np.sqrt(mass2(hnl)), m, rtol=1e-9)
    # boosted D_s: HNL follows the parent direction on average
    ds2 = random_parents("D(s)+", 20000, rng)
    h2 = hnl_momenta_from_chain("tau- -> pi- pi0 N", 0.3, ds2, rng)
    cos = np.sum(h2[:, 1:] * ds2[:, 1:], 1) / np.linalg.norm(h2[:, 1:], axis=1) / np.linalg.norm(ds2[:, 1:], axis=1)
    assert np.median(cos) > 0.99
    assert chain_branching_ratio("tau- -> pi- N", 0.6) == pytest.approx(
        pr.channel_branching_ratio("D(s)+ -> tau+ N", 1e-9) * pr.channel_branching_ratio("tau- -> pi- N", 0.6))


def test_bad_input():
    with pytest.raises(HNLInputError):
        hnl_momenta_rest_frame("K+ -> mu+ N", 0.5, 10)  # closed
    with pytest.raises(HNLInputError):
        hnl_momenta_from_parents("K+ -> mu+ N", 0.1, np.zeros((3, 3)))
    with pytest.raises(HNLInputError):
        hnl_momenta_from_chain("K+ -> mu+ N", 0.1, np.zeros((3, 4)))
