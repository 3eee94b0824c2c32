"""Tests of hnlreach.physics.decay_sampling: conservation, matrix-element distributions, polarisation."""

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.model import HNL
from hnlreach.physics.constants import M_E, MASS
from hnlreach.physics.decay_sampling import analysing_power, mixing_msq_nu_ll, product_mass, sample_decay
from hnlreach.physics.dipole import dgamma_nu_ll_dq2, dipole_msq_nu_ll
from hnlreach.physics.kinematics import dalitz_limits_m23sq, invariant_mass_sq, three_body_width


def mass_sq(p4):
    return p4[..., 0] ** 2 - np.sum(p4[..., 1:] ** 2, axis=-1)


MODELS = [
    HNL(1.2, mixing=(0.625, 0.3125, 0.0625), majorana=True),
    HNL(0.3, mixing=(0.0, 1.0, 0.0)),
    HNL(0.5, dipole=(0.0, 1e-6, 0.0), majorana=True),
    HNL(0.1, dipole=(0.0, 1e-6, 0.0), mixing=(0.0, 1e-3, 0.0)),
    HNL(4.0, mixing=(0.0, 0.0, 1.0)),
]


@pytest.mark.parametrize("hnl", MODELS, ids=lambda h: f"m{h.mass}")
def test_every_visible_channel_conserves_four_momentum(hnl):
    n = 2000
    rng = np.random.default_rng(1)
    pN = rng.normal(scale=5.0, size=(n, 3))
    parent = np.concatenate([np.sqrt(hnl.mass**2 + (pN**2).sum(1))[:, None], pN], axis=1)
    for ch in hnl.partial_widths:
        if "hadrons" in ch:
            with pytest.raises(HNLInputError):
                sample_decay(hnl, ch, 10, rng)
            continue
        ids, rest = sample_decay(hnl, ch, n, rng)
        prods = ch.split()[2:]
        assert ids.shape == (len(prods),) and rest.shape == (n, len(prods), 4)
        np.testing.assert_allclose(rest.sum(axis=1), np.broadcast_to([hnl.mass, 0, 0, 0], (n, 4)),
                                   atol=1e-9 * hnl.mass, err_msg=ch)
        for i, p in enumerate(prods):
            m = 0.0 if p == "nu" else product_mass(p)
            np.testing.assert_allclose(mass_sq(rest[:, i]), m * m, atol=1e-9 * hnl.mass**2,
                                       err_msg=f"{ch}: {p}")
        _, lab = sample_decay(hnl, ch, n, rng, momenta=pN)
        np.testing.assert_allclose(lab.sum(axis=1), parent, rtol=1e-9, atol=1e-9, err_msg=ch)


def test_pdg_ids_and_order():
    h = HNL(1.0, mixing=(0.5, 0.5, 0.0), majorana=True)
    assert list(sample_decay(h, "N -> nu e+ e-", 1, 0)[0]) == [12, -11, 11]
    assert list(sample_decay(h, "N -> e- mu+ nu", 1, 0)[0]) == [11, -13, 14]
    assert list(sample_decay(h, "N -> mu+ e- nu", 1, 0)[0]) == [-13, 11, -12]
    assert list(sample_decay(h, "N -> mu+ pi-", 1, 0)[0]) == [-13, -211]
    assert list(sample_decay(h, "N -> nu rho(770)0", 1, 0)[0]) == [12, 113]


def test_rng_reproducible():
    h = HNL(0.3, mixing=(1.0, 0, 0))
    a = sample_decay(h, "N -> nu e+ e-", 100, 5)[1]
    b = sample_decay(h, "N -> nu e+ e-", 100, np.random.default_rng(5))[1]
    np.testing.assert_array_equal(a, b)


def _bin_probs_m23(M, masses, edges, msq, nodes=24):
    """Bin probabilities of m23^2 from |M|^2 integrated over m12^2 (Gauss-Legendre)."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        y = a + 0.5 * (b - a) * (x + 1)
        lo, hi = dalitz_limits_m23sq(M, masses[::-1], y)  # m12^2 limits at fixed m23^2
        s = lo[:, None] + (hi - lo)[:, None] * 0.5 * (x[None, :] + 1)
        inner = (0.5 * w[None, :] * msq(s, np.broadcast_to(y[:, None], s.shape))).sum(1) * (hi - lo)
        out.append(0.5 * (b - a) * np.sum(w * inner))
    p = np.array(out)
    return p / p.sum()


def _bin_probs_m12(M, masses, edges, msq, nodes=24, log_y=False):
    """Bin probabilities of m12^2 (inner integral over m23^2 in ln m23^2 if log_y)."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        s = a + 0.5 * (b - a) * (x + 1)
        lo, hi = dalitz_limits_m23sq(M, masses, s)
        if log_y:
            llo, lhi = np.log(lo), np.log(hi)
            y = np.exp(llo[:, None] + (lhi - llo)[:, None] * 0.5 * (x[None, :] + 1))
            inner = (0.5 * w[None, :] * y * msq(np.broadcast_to(s[:, None], y.shape), y)).sum(1) * (lhi - llo)
        else:
            y = lo[:, None] + (hi - lo)[:, None] * 0.5 * (x[None, :] + 1)
            inner = (0.5 * w[None, :] * msq(np.broadcast_to(s[:, None], y.shape), y)).sum(1) * (hi - lo)
        out.append(0.5 * (b - a) * np.sum(w * inner))
    p = np.array(out)
    return p / p.sum()


def _chi2(counts, probs):
    exp = counts.sum() * probs
    return float(np.sum((counts - exp) ** 2 / exp))


@pytest.mark.parametrize("hnl", [HNL(0.3, mixing=(1.0, 0, 0)), HNL(0.3, mixing=(0, 1.0, 0)),
                                 HNL(0.3, mixing=(1.0, 0, 0), majorana=True)],
                         ids=["e-Dirac", "mu-Dirac", "e-Majorana"])
def test_mixing_nu_ee_dalitz_chi2(hnl):
    """Sampled m_ee^2 and m_{nu e-}^2 of N -> nu e+ e- follow the V-A |M|^2 (chi^2, fixed seed)."""
    M, masses = hnl.mass, (0.0, M_E, M_E)  # internal order (nu, e-, e+)
    msq = lambda s, q2: mixing_msq_nu_ll(M, "e", hnl.mixing, s, q2, hnl.majorana)  # noqa: E731
    n = 200_000
    ids, p4 = sample_decay(hnl, "N -> nu e+ e-", n, 7)
    nu, ep, em = p4[:, 0], p4[:, 1], p4[:, 2]
    q2 = invariant_mass_sq(ep, em)
    s = invariant_mass_sq(nu, em)
    e23 = np.linspace(4 * M_E**2, M**2, 21)
    e12 = np.linspace(M_E**2, (M - M_E) ** 2, 21)
    c23, _ = np.histogram(q2, e23)
    c12, _ = np.histogram(s, e12)
    p23, p12 = _bin_probs_m23(M, masses, e23, msq), _bin_probs_m12(M, masses, e12, msq)
    assert _chi2(c23, p23) < 45 and _chi2(c12, p12) < 45  # 19 dof, p ~ 1e-3
    # power: flat phase space is rejected by the same test
    flat = _bin_probs_m12(M, masses, e12, lambda s, q2: np.ones_like(s))
    assert _chi2(c12, flat) > 200
    # and the l- <-> l+ asymmetry of the Dirac V-A element is seen (Majorana: symmetric)
    s_plus = invariant_mass_sq(nu, ep)
    asym = (np.mean(s) - np.mean(s_plus)) / np.mean(s)
    if hnl.majorana:
        assert abs(asym) < 0.01
    else:
        assert abs(asym) > 0.03


@pytest.mark.parametrize("mixing,channel", [((1.0, 0, 0), "N -> nu e+ e-"), ((0, 1.0, 0), "N -> nu e+ e-"),
                                            ((0, 1.0, 0), "N -> nu mu+ mu-"), ((0.3, 0.2, 0.5), "N -> nu mu+ mu-")])
@pytest.mark.parametrize("majorana", [False, True])
def test_matrix_element_integrates_to_partial_width(mixing, channel, majorana):
    """The sampler's |M|^2 integrates to the width of physics.decays (same operator) within 1e-3."""
    hnl = HNL(0.6, mixing=mixing, majorana=majorana)
    fl = "e" if "e+" in channel else "mu"
    ml = MASS[fl + "-"]
    g = three_body_width(hnl.mass, (0.0, ml, ml),
                         lambda s, q2: mixing_msq_nu_ll(hnl.mass, fl, hnl.mixing, s, q2, majorana))
    assert g == pytest.approx(hnl.partial_widths[channel], rel=1e-3)


def test_cc_matrix_element_integrates_to_partial_width():
    from hnlreach.physics.decay_sampling import cc_msq

    for hnl, ch, (fa, fb) in [(HNL(0.8, mixing=(1, 0, 0)), "N -> e- mu+ nu", ("e", "mu")),
                              (HNL(2.5, mixing=(0, 0.5, 0), majorana=True), "N -> mu+ tau- nu", ("mu", "tau"))]:
        ma, mb = MASS[fa + "-"], MASS[fb + "-"]
        u = dict(zip(("e", "mu", "tau"), hnl.mixing))[fa]
        g = three_body_width(hnl.mass, (ma, 0.0, mb), lambda x, y: cc_msq(hnl.mass, ma, mb, u, x))
        assert g == pytest.approx(hnl.partial_widths[ch], rel=1e-3)


@pytest.mark.parametrize("mass", [0.1, 0.5])
def test_dipole_nu_ee_mee_distribution_chi2(mass):
    """m_ee^2 of dipole N -> nu e+ e- follows dGamma/dq^2 (log bins; chi^2, fixed seed)."""
    from scipy.integrate import quad

    hnl = HNL(mass, dipole=(0.0, 1e-6, 0.0))
    n = 100_000
    _, p4 = sample_decay(hnl, "N -> nu e+ e-", n, 3)
    q2 = invariant_mass_sq(p4[:, 1], p4[:, 2])
    edges = np.geomspace(4 * M_E**2, mass**2, 21)
    counts, _ = np.histogram(q2, edges)
    probs = np.array([quad(dgamma_nu_ll_dq2, a, b, args=(mass, M_E))[0] for a, b in zip(edges[:-1], edges[1:])])
    probs /= probs.sum()
    assert _chi2(counts, probs) < 45
    # power: a phase-space-only m_ee^2 spectrum is far off
    flat = np.diff(edges) / (edges[-1] - edges[0])
    assert _chi2(counts, flat) > 1000
    # and the nu-e distribution at fixed q^2 follows the full |M|^2: check the m_{nu e-}^2 projection
    msq = lambda s, q2: dipole_msq_nu_ll(mass, M_E, s, q2)  # noqa: E731
    e12 = np.linspace(M_E**2, (mass - M_E) ** 2, 11)
    c12, _ = np.histogram(invariant_mass_sq(p4[:, 0], p4[:, 2]), e12)
    p12 = _bin_probs_m12(mass, (0.0, M_E, M_E), e12, msq, nodes=64, log_y=True)
    assert _chi2(c12, p12) < 30  # 9 dof


def test_polarised_two_body_asymmetries():
    n = 200_000
    # Dirac N -> nu pi0: left-handed nu, dN/dcos ∝ 1 - P cos(theta_nu)
    h = HNL(0.3, mixing=(0, 1.0, 0))
    _, p4 = sample_decay(h, "N -> nu pi0", n, 1, polarisation=1.0)
    cos = p4[:, 0, 3] / np.linalg.norm(p4[:, 0, 1:], axis=1)
    assert np.mean(cos) == pytest.approx(-1 / 3, abs=0.005)
    # along the flight direction when momenta are given
    pN = np.tile([3.0, 0.0, 0.0], (n, 1))
    _, lab = sample_decay(h, "N -> nu pi0", n, 2, momenta=pN, polarisation=-1.0)
    assert np.all(np.isfinite(lab))
    # N -> mu- pi+: a -> -1 for m_mu -> 0, |a| < 1 with the muon mass; mean cos = a P / 3
    a = analysing_power(h, ["mu-", "pi+"])
    assert -1.0 < a < -0.5
    assert analysing_power(h, ["mu+", "pi-"]) == pytest.approx(-a)
    _, p4 = sample_decay(h, "N -> mu- pi+", n, 3, polarisation=0.5)
    cos = p4[:, 0, 3] / np.linalg.norm(p4[:, 0, 1:], axis=1)
    assert np.mean(cos) == pytest.approx(a * 0.5 / 3, abs=0.005)
    # Majorana nu pi0: isotropic
    hm = HNL(0.3, mixing=(0, 1.0, 0), majorana=True)
    assert analysing_power(hm, ["nu", "pi0"]) == 0.0
    with pytest.raises(HNLInputError):
        sample_decay(h, "N -> nu e+ e-", 10, 1, polarisation=1.0)


def test_bad_channels():
    h = HNL(0.3, mixing=(0, 1.0, 0))
    for bad in ("N -> nu hadrons", "nu e+ e-", "N ->", "N -> mu- foo+"):
        with pytest.raises(HNLInputError):
            sample_decay(h, bad, 10, 1)
    with pytest.raises(HNLInputError):
        sample_decay(h, "N -> mu- K*(892)+", 10, 1)  # closed at 0.3 GeV
    with pytest.raises(HNLInputError):
        sample_decay(h, "N -> nu e+ e-", 10, 1, momenta=np.zeros((5, 3)))
