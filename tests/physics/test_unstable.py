"""Decays of unstable HNL decay products (physics.unstable): four-momentum conservation at every
step, only stable particles at the end, sampled branching fractions equal to the PDG 2024 table,
Kroll-Wada and P-wave kinematics against independent quadrature, flat n-body phase space."""
import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.physics.kinematics import sample_n_body, three_body_width
from hnlreach.physics.unstable import (
    STABLE, check_channels_seeable, decay_table, decay_to_stable, unresolved_particles,
)


def _parents(pdg, n, rng, mass):
    """n parents of id pdg with random lab momenta up to ~20 GeV."""
    p = rng.normal(size=(n, 3)) * rng.uniform(0, 10, size=(n, 1))
    e = np.sqrt(mass**2 + np.sum(p * p, axis=1))
    return np.full((n, 1), pdg), np.concatenate([e[:, None], p], axis=1)[:, None, :]


@pytest.mark.parametrize("pdg", [111, 221, 331, 113, 213, -213, 223, 333, 310, 311, 323, -323, 313, 443, 15, -15])
def test_every_decay_step_conserves_four_momentum_and_ends_stable(pdg):
    rng = np.random.default_rng(abs(pdg))
    mass = decay_table()[abs(pdg)].mass
    ids, p4 = _parents(pdg, 3000, rng, mass)
    t = decay_to_stable(ids, p4, rng)
    n, m = t.pdg.shape
    assert np.all(t.status[:, 0] == 2) or abs(pdg) == 443  # J/psi -> hadrons stays
    for j in range(m):  # daughters of column j sum to column j, 1e-9 relative
        kids = t.mother == j
        rows = np.nonzero(kids.any(axis=1))[0]
        if rows.size == 0:
            continue
        tot = np.sum(np.where(kids[rows, :, None], t.p4[rows], 0.0), axis=1)
        assert np.all(np.abs(tot - t.p4[rows, j]) <= 1e-9 * t.p4[rows, j, :1]), j
        assert np.all(t.status[rows, j] == 2)
    final = t.status == 1
    fin_ids = set(np.abs(t.pdg[final]).tolist())
    assert fin_ids <= STABLE | unresolved_particles(pdg)
    # charge conservation: parent charge = sum of final charges
    from particle import Particle

    q = {i: Particle.from_pdgid(int(i)).charge for i in np.unique(t.pdg[final])}
    qsum = np.sum(np.vectorize(lambda i: q[i])(np.where(final, t.pdg, t.pdg[final][0])) * final, axis=1)
    assert np.all(qsum == Particle.from_pdgid(pdg).charge)
    # final particles are on their mass shell
    m2 = t.p4[..., 0] ** 2 - np.sum(t.p4[..., 1:] ** 2, axis=-1)
    ids_f = t.pdg[final]
    masses = np.array([decay_table()[abs(i)].mass if abs(i) in decay_table() else
                       (Particle.from_pdgid(int(i)).mass or 0.0) / 1e3 for i in ids_f])
    assert np.allclose(np.sqrt(np.clip(m2[final], 0, None)), masses, atol=1e-6)


def _first_mode(t, rows=None):
    """Multiset of the direct daughters of column 0, per row."""
    kids = (t.mother == 0)
    return [tuple(sorted(t.pdg[i][kids[i]].tolist())) for i in range(t.pdg.shape[0])]


@pytest.mark.parametrize("pdg", [111, 221, 310])
def test_sampled_branching_fractions_match_the_pdg_table(pdg):
    rng = np.random.default_rng(7)
    tab = decay_table()[pdg]
    n = 40_000
    ids, p4 = _parents(pdg, n, rng, tab.mass)
    modes = _first_mode(decay_to_stable(ids, p4, rng))
    for md in tab.modes:
        k = sum(m == tuple(sorted(md.products)) for m in modes)
        sigma = np.sqrt(n * md.br * (1 - md.br))
        assert abs(k - n * md.br) < 4 * sigma + 1, (md.products, k / n, md.br)
    assert abs(sum(md.br for md in tab.modes) - 1.0) < 1e-12
    # the table is PDG 2024: e.g. BR(pi0 -> e+ e- gamma) = 1.174 %, BR(K_S -> pi+ pi-) = 69.20 %
    if pdg == 111:
        assert tab.listed_br == pytest.approx(0.98823 + 0.01174)


def test_dalitz_pair_mass_follows_kroll_wada():
    """pi0 -> gamma e+ e-: the e+e- mass spectrum, dGamma/dx ∝ (1-x)^3/x (1+2r/x) sqrt(1-4r/x)
    (x = q^2/M^2, r = m_e^2/M^2; Kroll-Wada), by quadrature vs the sampled fraction below q = 10 MeV."""
    from hnlreach.physics.unstable import Mode, _rest_frame

    tab = decay_table()[111]
    md = next(m for m in tab.modes if m.me == "kroll_wada")
    rng = np.random.default_rng(3)
    M = tab.mass
    p = _rest_frame(md, np.full(100_000, M), rng)
    q2 = (p[:, 1, 0] + p[:, 2, 0]) ** 2 - np.sum((p[:, 1, 1:] + p[:, 2, 1:]) ** 2, axis=1)
    r = (md.masses[1] / M) ** 2
    x = np.exp(np.linspace(np.log(4 * r), 0.0, 20001))
    f = (1 - x) ** 3 / x * (1 + 2 * r / x) * np.sqrt(np.clip(1 - 4 * r / x, 0, None))
    cdf = np.concatenate([[0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(x))])
    cdf /= cdf[-1]
    for qcut in (0.005, 0.01, 0.05):
        expect = np.interp(qcut**2 / M**2, x, cdf)
        got = np.mean(q2 < qcut**2)
        assert abs(got - expect) < 4 * np.sqrt(expect * (1 - expect) / q2.size), (qcut, got, expect)
    # the angular factor: electrons along the gamma* axis are preferred, <cos^2> = 2/5 at q >> m_e
    assert isinstance(md, Mode)


def test_omega_three_pion_p_wave_against_quadrature():
    """omega -> pi+ pi- pi0 with |M|^2 ∝ |p+ x p-|^2: the sample mean of |p+ x p-|^2 equals the
    Dalitz-plot quadrature of |M|^4 / |M|^2 (and is far from the flat phase-space mean)."""
    from hnlreach.physics.unstable import _p_wave_3pi, _rest_frame

    tab = decay_table()[223]
    md = next(m for m in tab.modes if m.me == "p_wave_3pi")
    M = tab.mass
    w = _p_wave_3pi(M, md.masses)
    mean_me = three_body_width(M, md.masses, lambda a, b: w(a, b) ** 2) / three_body_width(M, md.masses, w)
    mean_ps = three_body_width(M, md.masses, w) / three_body_width(M, md.masses, lambda a, b: 1.0 + 0 * a)
    rng = np.random.default_rng(5)
    p = _rest_frame(md, np.full(60_000, M), rng)
    cross = np.sum(np.cross(p[:, 0, 1:], p[:, 1, 1:]) ** 2, axis=1)
    got, err = cross.mean(), cross.std() / np.sqrt(cross.size)
    assert abs(got - mean_me) < 4 * err, (got, mean_me, mean_ps)
    assert abs(mean_me - mean_ps) > 10 * err


def test_eta_three_pion_dalitz_slope():
    """eta -> pi+ pi- pi0: <Y> of the sample equals the quadrature with the KLOE-2 polynomial
    (a = -1.095: the pi0 is softer than in phase space)."""
    from hnlreach.physics.unstable import _eta_3pi, _rest_frame

    tab = decay_table()[221]
    md = next(m for m in tab.modes if m.me == "eta_3pi")
    M, (m1, m2, m3) = tab.mass, md.masses
    Q = M - m1 - m2 - m3
    w = _eta_3pi(M, md.masses)
    Y = lambda m12sq: 3.0 * ((M * M + m3 * m3 - m12sq) / (2 * M) - m3) / Q - 1.0
    mean_me = three_body_width(M, md.masses, lambda a, b: w(a, b) * Y(a)) / three_body_width(M, md.masses, w)
    mean_ps = three_body_width(M, md.masses, lambda a, b: Y(a)) / three_body_width(M, md.masses, lambda a, b: 1.0 + 0 * a)
    p = _rest_frame(md, np.full(60_000, M), np.random.default_rng(9))
    y = 3.0 * (p[:, 2, 0] - m3) / Q - 1.0
    err = y.std() / np.sqrt(y.size)
    assert abs(y.mean() - mean_me) < 4 * err, (y.mean(), mean_me, mean_ps)
    assert mean_me < mean_ps - 10 * err


@pytest.mark.parametrize("k", [3, 4, 5])
def test_n_body_phase_space_single_particle_spectrum(k):
    """Massless k-body phase space: x = 2E/M has density (k-1)(k-2) x (1-x)^(k-3)."""
    rng = np.random.default_rng(k)
    p = sample_n_body(2.0, [0.0] * k, 40_000 if k < 5 else 15_000, rng)
    assert np.allclose(p.sum(axis=1), [2.0, 0, 0, 0], rtol=0, atol=1e-10)
    x = p[:, -1, 0]  # the last daughter (built differently from the first ones)
    for cut in (0.25, 0.5):
        u = np.linspace(0, cut, 2001)
        dens = (k - 1) * (k - 2) * u * (1 - u) ** (k - 3)
        expect = np.sum(0.5 * (dens[1:] + dens[:-1]) * np.diff(u))
        for j in (0, k - 1):
            got = np.mean(p[:, j, 0] < cut)
            assert abs(got - expect) < 4 * np.sqrt(expect * (1 - expect) / x.size), (j, cut, got, expect)


def test_n_body_with_masses_and_per_event_parent_mass():
    rng = np.random.default_rng(1)
    M = rng.uniform(1.0, 2.0, 5000)
    ms = [0.13957, 0.13957, 0.13498, 0.0]
    p = sample_n_body(M, ms, rng=rng)
    assert np.allclose(p.sum(axis=1)[:, 0], M, rtol=1e-10)
    assert np.allclose(p.sum(axis=1)[:, 1:], 0, atol=1e-10)
    m2 = p[..., 0] ** 2 - np.sum(p[..., 1:] ** 2, axis=-1)
    assert np.allclose(np.sqrt(np.clip(m2, 0, None)), ms, atol=1e-7)


def test_unseeable_channels_error_or_warning():
    with pytest.raises(HNLInputError, match="inclusive"):
        check_channels_seeable(["N -> nu e+ e-", "N -> nu hadrons"], True)
    check_channels_seeable(["N -> nu hadrons"], False)  # no selection: BR x efficiency, fine
    with pytest.warns(UserWarning, match="J/psi"):
        check_channels_seeable(["N -> nu J/psi(1S)"], True)
    with pytest.warns(UserWarning, match="D"):
        check_channels_seeable(["N -> mu- D(s)+"], True)
    with pytest.warns(UserWarning, match="invisible"):
        check_channels_seeable(["N -> nu nu nu"], False)
    assert unresolved_particles(111) == frozenset() and unresolved_particles(331) == frozenset()
