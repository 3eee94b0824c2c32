"""Polarised dark-sector decays (hnlreach.physics.dark_decay_sampling, dark_decays.msq_three_body):
analytic polarised forms, rotation covariance, sum rules, Dirac/Majorana asymmetries, DarkNews where right."""
import math

import numpy as np
import pytest

from hnlreach.errors import HNLInputError
from hnlreach.models import DarkSector, from_darknews_parameters
from hnlreach.physics import dark_decay_sampling as S
from hnlreach.physics import dark_decays as dd
from hnlreach.physics import helicity_amplitudes as ha
from hnlreach.physics.constants import M_E

DIPOLE = dict(m4=0.1, mu_tr={("mu", 4): 2.0})  # d = 1 GeV^-1
LIGHT = dict(m4=0.3, mzprime=0.03, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-3)
HEAVY = dict(m4=0.5, mzprime=1.25, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-2)


def _random_config(m, n, rng, m_a=0.0, ml=M_E):
    q2 = rng.uniform(4 * ml * ml + 1e-4, (m - m_a) ** 2 * 0.95, n)
    ka, k2, k3, _, _ = dd._pair_kinematics(m, m_a, ml, q2, rng.uniform(-1, 1, n))
    R = S._random_rotations(n, rng)
    return S._rotate(R, ka), S._rotate(R, k2), S._rotate(R, k3)


def test_contact_limit_is_polarised_muon_decay():
    """Z' far heavier than N, left-handed lepton coupling (gV = gA = g): the amplitude is Fierz-identical to
    mu- -> e- nu_e-bar nu_mu, |M_s|^2 = 8 C^2 ((p_N - m s).k_l+)(k_l-.k_nu), C = 2 g V / m_Z'^2, s the spin
    four-vector (the (1 + gamma5 sslash)/2 projector; e.g. Okun, Leptons and Quarks, sec. 4; Michel 1950)."""
    V, g, MZ = 1e-3, 1e-3, 1000.0
    m = DarkSector(m4=1.0, mzprime=MZ, generic={"d_mu4": V, "deV": g, "deA": g})
    ka, k2, k3 = _random_config(1.0, 200, np.random.default_rng(1))
    msq = dd.msq_three_body(m, 4, 1, "e", ka, k2, k3)
    C = 2 * g * V / MZ ** 2
    for i, sz in enumerate((1, -1)):
        ref = 8 * C * C * (k3[:, 0] + sz * k3[:, 3]) * ha.dot(k2, ka)  # (p - m s).k3 = m (E3 + s_z k3_z)
        assert msq[i].sum(axis=0) == pytest.approx(ref, rel=1e-5)


def test_michel_asymmetry_from_the_sampler():
    """Same contact model: for P = +1 the l- follows x^2 [(3 - 2x) - cos(theta) (2x - 1)] (mu- decay, Michel
    rho = 3/4, xi = 1): <cos theta_l-> = -1/9, and the sampled weights average to the branching ratio 1."""
    m = DarkSector(m4=1.0, mzprime=1000.0, generic={"d_mu4": 1e-3, "deV": 1e-3, "deA": 1e-3})
    n = 20_000
    out = S.sample_dark_decay(m, 4, +1.0, np.tile([1.0, 0, 0, 0], (n, 1)), rng=2,
                              channels=["N4 -> nu_mu e+ e-"])
    w = out.weights
    c = out.momenta[:, 1, 3] / np.linalg.norm(out.momenta[:, 1, 1:], axis=1)
    mean = np.sum(w * c) / np.sum(w)
    assert mean == pytest.approx(-1 / 9, abs=4 * 0.58 / math.sqrt(n))
    br = dd.partial_widths(m)["N4 -> nu_mu e+ e-"] / dd.total_width(m)
    assert w.mean() == pytest.approx(br, rel=4 * w.std() / w.mean() / math.sqrt(n))
    x = 2 * out.momenta[:, 1, 0]  # energy spectrum x^2 (3 - 2x) (massless limit): <x> = 7/10
    assert np.sum(w * x) / np.sum(w) == pytest.approx(0.7, abs=0.01)


@pytest.mark.parametrize("par,j,a", [(dict(LIGHT, m4=0.02, mhprime=0.05, s_mu4=1e-2, mu_tr_mu4=1e-6), 4, 1),
                                     (dict(m4=0.15, m5=0.4, mzprime=1.25, Umu4=1e-3, Umu5=1e-3, UD4=0.5,
                                           UD5=0.8, gD=1.0, epsilon=1e-2, mu_tr_45=1e-6, HNLtype="majorana"), 5, 3)])
def test_spin_flip_is_a_rotation_and_orientations_average_out(par, j, a):
    """Rotation covariance of the spinor amplitudes: |M_{s=+1}|^2 of a configuration turned by pi about x
    equals |M_{s=-1}|^2 of the original, for every daughter helicity; hence the orientation average of the
    polarised |M|^2 (all it depends on is n_spin . body axes, linearly) is the spin average, and the
    polarised distributions integrate to the unpolarised width for both helicities."""
    model = from_darknews_parameters(par)
    m = model.mass(j)
    m_a = 0.0 if a < 3 else model.mass(a + 1)
    ka, k2, k3 = _random_config(m, 50, np.random.default_rng(3), m_a=m_a)
    flip = np.diag([1.0, -1.0, -1.0])
    Rx = np.broadcast_to(flip, (50, 3, 3))
    inc = ("Z'", "h'", "gamma")
    msq = dd.msq_three_body(model, j, a, "e", ka, k2, k3, include=inc)
    msq_f = dd.msq_three_body(model, j, a, "e", S._rotate(Rx, ka), S._rotate(Rx, k2), S._rotate(Rx, k3), include=inc)
    assert msq_f[0] == pytest.approx(msq[1], rel=1e-9)
    # so the two orientations R and R_x(pi) R average the polarised |M|^2 to the spin average
    assert 0.5 * (msq[0].sum(0) + msq_f[0].sum(0)) == pytest.approx(0.5 * msq.sum(axis=(0, 1)), rel=1e-9)


def test_nu_gamma_asymmetry_and_majorana_normalisation():
    """N -> nu gamma: dGamma/dcos = Gamma/2 (1 + alpha P cos theta_nu) (Balantekin, de Gouvea, Kayser
    arXiv:1808.10518): alpha = +1 for a Dirac HNL with a left-handed nu (a photon has helicity +-1, so the nu
    goes along the spin); Majorana: nu (alpha = +1) and nu-bar (alpha = -1) cancel, isotropic, and the
    distribution integrates to the full Majorana width 2 d^2 m^3/(4 pi).  DarkNews 0.4.8's Majorana
    diff_gamma_Ni_to_Nj_gamma integrates to half of its own gamma_Ni_to_Nj_gamma."""
    x, w = np.polynomial.legendre.leggauss(8)
    dirac, maj = DarkSector(**DIPOLE), DarkSector(**DIPOLE, nature="majorana")
    full = {"dirac": dd.total_width(dirac), "majorana": dd.total_width(maj)}
    assert full["majorana"] == pytest.approx(2 * full["dirac"])
    ch = "N4 -> nu_mu gamma"
    for P in (1.0, -1.0):
        d = S.polarised_dgamma_dcos(dirac, 4, ch, P, x)
        assert d == pytest.approx(dd.partial_widths(dirac)[ch] / 2 * (1 + P * x), rel=1e-10)
        mj = S.polarised_dgamma_dcos(maj, 4, ch, P, x)
        assert np.sum(w * mj) == pytest.approx(dd.partial_widths(maj)[ch], rel=1e-12)
        assert np.ptp(mj) < 1e-12 * mj.max()
    n = 40_000
    rest = np.tile([0.1, 0.0, 0.0, 0.0], (n, 1))  # at rest: spin along +z
    for P in (1.0, -1.0):
        c = S.sample_dark_decay(dirac, 4, P, rest, rng=4, channels=[ch]).momenta[:, 0, 3] / 0.05
        assert np.mean(c > 0) - np.mean(c < 0) == pytest.approx(P / 2, abs=4 * 0.5 / math.sqrt(n))  # A_FB = alpha P/2
        out = S.sample_dark_decay(maj, 4, P, rest, rng=5, channels=[ch])
        c = out.momenta[:, 0, 3] / 0.05
        nubar = out.pdg[:, 0] < 0
        assert abs(np.mean(c)) < 4 * 0.58 / math.sqrt(n)
        assert np.mean(c[nubar]) == pytest.approx(-P / 3, abs=4 * 0.6 / math.sqrt(nubar.sum()))
    dr = pytest.importorskip("DarkNews.decay_rates")
    v = 1.0
    dn_int = np.sum(w * dr.diff_gamma_Ni_to_Nj_gamma(x, v, 0.1, 0.0, HNLtype="majorana", h=-1))
    assert dn_int == pytest.approx(0.5 * dr.gamma_Ni_to_Nj_gamma(v, 0.1, 0.0, HNLtype="majorana"))
    # Dirac shape: DarkNews 1 - h cos(theta_gamma) = ours 1 + h cos(theta_nu)
    for h in (1, -1):
        dn = dr.diff_gamma_Ni_to_Nj_gamma(-x, v, 0.1, 0.0, HNLtype="dirac", h=h)
        ours = S.polarised_dgamma_dcos(dirac, 4, ch, h, x)
        assert dn / dn.sum() == pytest.approx(ours / ours.sum(), rel=1e-10)


def test_two_body_scalar_and_zprime_against_darknews():
    """Dirac N -> nu h': DarkNews's diff_gamma_Ni_to_Nj_S (angle of h') equals ours (angle of nu = pi - it).
    Dirac N -> nu Z': ours follows angular momentum, alpha_nu = (2x - 1)/(2x + 1); DarkNews 0.4.8's
    diff_gamma_Ni_to_Nj_V, documented as the angle of the vector, has the opposite sign -- a defect (it
    contradicts its own photon distribution, the x -> 0 transverse limit)."""
    dr = pytest.importorskip("DarkNews.decay_rates")
    x, _ = np.polynomial.legendre.leggauss(8)
    s = DarkSector(m4=0.3, mhprime=0.1, s={("mu", 4): 1e-2})
    for h in (1, -1):
        dn = dr.diff_gamma_Ni_to_Nj_S(-x, 1e-2, 0.3, 0.0, 0.1, HNLtype="dirac", h=h)
        assert S.polarised_dgamma_dcos(s, 4, "N4 -> nu_mu h'", h, x) == pytest.approx(dn, rel=1e-10)
    z = from_darknews_parameters(LIGHT)
    xx = (0.03 / 0.3) ** 2
    dn = dr.diff_gamma_Ni_to_Nj_V(np.array([1.0, -1.0]), 1.0, 0.3, 0.0, 0.03, HNLtype="dirac", h=1)
    alpha_dn_vector = (dn[0] - dn[1]) / (dn[0] + dn[1])
    assert alpha_dn_vector == pytest.approx((2 * xx - 1) / (2 * xx + 1), rel=1e-9)  # DarkNews: the Z' goes back
    assert dd.two_body_asymmetry(z, 4, 1, "Z'") == pytest.approx((2 * xx - 1) / (2 * xx + 1), rel=1e-9)  # ours: the nu


def test_on_shell_zprime_decay_keeps_the_two_body_asymmetry():
    """N -> nu Z'(-> e+ e-) sampled from the three-body amplitude at q^2 = m_Z'^2: the nu direction follows
    the two-body (1 + alpha P cos)/2 (<cos> = alpha P / 3), the pair mass is m_Z'; weights average to BR."""
    z = from_darknews_parameters(LIGHT)
    alpha = dd.two_body_asymmetry(z, 4, 1, "Z'")
    n = 20_000
    out = S.sample_dark_decay(z, 4, -1.0, np.tile([0.3, 0, 0, 0], (n, 1)), rng=6)
    assert out.channels == ("N4 -> nu_mu Z'(-> e+ e-)",) + tuple(c for c in S.decay_channels(z, 4) if "mixing" in c)
    sel = out.channel == 0
    p = out.momenta[sel]
    c = p[:, 0, 3] / np.linalg.norm(p[:, 0, 1:], axis=1)
    assert np.mean(c) == pytest.approx(-alpha / 3, abs=4 * 0.58 / math.sqrt(sel.sum()))
    q = p[:, 1] + p[:, 2]
    assert np.sqrt(ha.dot(q, q)) == pytest.approx(0.03, rel=1e-9)
    assert out.weights.mean() == pytest.approx(1.0, rel=0.01)


def test_majorana_three_body_has_no_neutrino_asymmetry():
    """de Gouvea, Fox, Kayser, Kelly arXiv:2104.05719: a polarised Majorana HNL decaying into nu l+ l- (same
    flavour) has no forward/backward asymmetry of the neutrino; a Dirac one has.  Heavy off-shell Z'."""
    n = 20_000
    rest = np.tile([0.5, 0, 0, 0], (n, 1))
    means = {}
    for nature in ("dirac", "majorana"):
        out = S.sample_dark_decay(from_darknews_parameters(dict(HEAVY, HNLtype=nature)), 4, 1.0, rest, rng=7,
                                  channels=["N4 -> nu_mu e+ e-"])
        c = out.momenta[:, 0, 3] / np.linalg.norm(out.momenta[:, 0, 1:], axis=1)
        means[nature] = np.sum(out.weights * c) / out.weights.sum()
    err = 4 * 0.58 / math.sqrt(n)
    assert abs(means["majorana"]) < err
    assert abs(means["dirac"]) > 5 * err


def test_lab_frame_and_cascade_bookkeeping():
    """Boosted products conserve the HNL four-momentum; the N5 -> N4 e e daughter carries a helicity of +-1;
    the sampled channel frequencies follow the widths; bad input is an HNLInputError."""
    par = dict(m4=0.15, m5=0.4, mzprime=1.25, Umu4=1e-3, Umu5=1e-3, UD4=0.5, UD5=0.8, gD=1.0, epsilon=1e-2,
               HNLtype="majorana")
    model = from_darknews_parameters(par)
    rng = np.random.default_rng(8)
    n = 4000
    p = rng.normal(size=(n, 3)) * 2
    pN = np.column_stack([np.sqrt(0.16 + np.sum(p * p, 1)), p])
    vis = S.visible_channels(model, 5)
    out = S.sample_dark_decay(model, 5, rng.choice([-1.0, 1.0], n), pN, rng=9, channels=vis)
    assert np.abs(out.momenta.sum(axis=1) - pN).max() < 1e-9
    widths = S.decay_channels(model, 5)
    assert sum(widths.values()) == pytest.approx(dd.total_width(model, 5), rel=1e-12)
    k = out.channels.index("N5 -> N4 e+ e-")
    frac = widths["N5 -> N4 e+ e-"] / sum(widths[c] for c in vis)
    assert np.mean(out.channel == k) == pytest.approx(frac, abs=4 * math.sqrt(frac * (1 - frac) / n))
    h = out.daughter_helicity[out.channel == k]
    assert set(np.unique(h)) == {-1, 1}
    assert np.all(out.daughter_helicity[out.pdg[:, 0] != 9900012] == 0)
    mix = S.sample_dark_decay(model, 5, 1.0, pN[:100], rng=10, channels=["N5 -> mu- pi+ (mixing)"])  # decay_sampling
    assert np.all(mix.pdg[:, :2] == [13, 211]) and np.abs(mix.momenta.sum(axis=1) - pN[:100]).max() < 1e-9
    with pytest.raises(HNLInputError):
        S.sample_dark_decay(model, 5, 2.0, pN)
    with pytest.raises(HNLInputError):
        S.sample_dark_decay(model, 5, 1.0, pN, channels=["N5 -> nu_mu gamma"])
    with pytest.raises(HNLInputError):
        S.sample_dark_decay(model, 5, 1.0, pN[:, :3])
    with pytest.raises(HNLInputError):
        S.sample_dark_decay(model, 5, 1.0, pN, anti=True)  # Majorana


@pytest.mark.parametrize("nature", ["dirac", "majorana"])
def test_polarised_three_body_against_darknews(nature):
    """DarkNews 0.4.8 diff_gamma_Ni_to_Nj_ell_ell (its polarised N4 -> nu e+ e-, helicity h along z: Z' and Z
    with interference; heavy Z', where DarkNews is right) at our phase-space points: it is our |M_s|^2 (nu and
    nu-bar summed for Majorana) times its constant 1/(2m) 1/(32 m^2 (2 pi)^4) and its (e_DN/e)^2 = 1.0191^2,
    point by point within 1 % (the rest: the Z-Z' interference sign, docs/models.md), for h = +1 and -1."""
    dnm = pytest.importorskip("DarkNews.model")
    from DarkNews import decay_rates as dr
    from DarkNews import pdg, processes
    par = dict(HEAVY, HNLtype=nature)
    bsm, ours = dnm.ThreePortalModel(**par), from_darknews_parameters(par)
    m, n = par["m4"], 40
    ka, k2, k3 = _random_config(m, n, np.random.default_rng(11))
    msq = dd.msq_three_body(ours, 4, 1, "e", ka, k2, k3)
    if nature == "majorana":
        msq = msq + dd.msq_three_body(ours, 4, 1, "e", ka, k2, k3, conjugate=True)
    unit = [k[:, 1:] / np.linalg.norm(k[:, 1:], axis=1)[:, None] for k in (k3, ka)]
    c3, c4, c34 = unit[0][:, 2], unit[1][:, 2], np.sum(unit[0] * unit[1], axis=1)
    phi34 = np.arccos(np.clip((c3 * c34 - c4) / np.sqrt((1 - c3 ** 2) * (1 - c34 ** 2)), -1, 1))
    ps = [ha.dot(k2 + k3, k2 + k3), ha.dot(k2 + ka, k2 + ka), ha.dot(k3 + ka, k3 + ka), c3, phi34]
    const = 1 / (2 * m) / (32 * m * m * (2 * math.pi) ** 4) * 1.0191 ** 2
    for h, i in ((1, 0), (-1, 1)):
        proc = processes.FermionDileptonDecay(pdg.neutrino4, pdg.nulight, pdg.electron, pdg.positron, bsm, h_parent=h)
        ratio = dr.diff_gamma_Ni_to_Nj_ell_ell(ps, proc) / (const * msq[i].sum(axis=0))
        assert ratio == pytest.approx(np.ones(n), rel=0.015)
