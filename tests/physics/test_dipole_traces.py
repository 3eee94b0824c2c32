"""The dipole portal from one Lagrangian, L = d nu-bar_L sigma_{mu nu} F^{mu nu} N + h.c.: N -> nu gamma,
N -> nu e+ e- (via gamma*) and nu A -> N A from explicit Dirac traces (numpy 4x4 matrices) with one
vertex function, compared with hnlreach.physics.dipole / upscattering to 1e-6."""
import math

import numpy as np
import pytest

from hnlreach.physics import dipole as dp
from hnlreach.physics import upscattering as ups
from hnlreach.physics.constants import ALPHA_EM, M_E, M_MU
from hnlreach.physics.nuclei import Nucleus

I2, Z2 = np.eye(2), np.zeros((2, 2))
PAULI = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
GAMMA = [np.block([[I2, Z2], [Z2, -I2]]).astype(complex)] + [np.block([[Z2, s], [-s, Z2]]).astype(complex) for s in PAULI]
G5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
ONE = np.eye(4, dtype=complex)
PL, PR = (ONE - G5) / 2, (ONE + G5) / 2
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
SIGMA = [[0.5j * (GAMMA[a] @ GAMMA[b] - GAMMA[b] @ GAMMA[a]) for b in range(4)] for a in range(4)]  # sigma^{ab}
E_CHARGE = math.sqrt(4 * math.pi * ALPHA_EM)


def slash(p):
    return sum(METRIC[i, i] * p[i] * GAMMA[i] for i in range(4))


def bar(m):
    return GAMMA[0] @ m.conj().T @ GAMMA[0]


def vertex(q, eps):
    """The Lagrangian's vertex for a photon (momentum q out of the N line, polarisation/current eps):
    F^{mu nu} -> i (q^mu eps^nu - q^nu eps^mu), so d sigma_{mu nu} F^{mu nu} -> 2 i d sigma_{mu nu} q^mu eps^nu
    (d = 1); the chiral projection of nu-bar_L = nu-bar P_R stands to its left."""
    ql, el = METRIC @ q, METRIC @ eps
    return 2j * sum(SIGMA[a][b] * ql[a] * el[b] for a in range(4) for b in range(4))


def decay_tensor(p1, m, p2, q):
    """H^{nu rho} = Tr[p2/ P_R V^nu (p1/ + m) V-bar^rho P_L] with V^nu = vertex(q, e_nu) (N -> nu gamma*)."""
    basis = np.eye(4)
    V = [vertex(q, basis[n]) for n in range(4)]
    return np.array([[np.trace(slash(p2) @ PR @ V[a] @ (slash(p1) + m * ONE) @ bar(V[b]) @ PL)
                      for b in range(4)] for a in range(4)])


def test_nu_gamma_width_from_the_trace():
    """Gamma(N -> nu gamma), Dirac: sum over the two photon polarisations, average over the N spin;
    equals d^2 m^3/(4 pi) = dipole.gamma_nu_gamma (default normalisation) to 1e-12; DarkNews's is 1/2."""
    m = 0.37
    p1 = np.array([m, 0, 0, 0])
    k = np.array([m / 2, 0, 0, m / 2])
    p2 = p1 - k
    H = decay_tensor(p1, m, p2, k)
    pols = [np.array([0, 1.0, 0, 0]), np.array([0, 0, 1.0, 0])]
    msq = sum(np.einsum("a,ab,b->", e, H, e) for e in pols).real / 2  # N spin average (eps^a upper)
    width = msq * (m / 2) / (8 * math.pi * m * m)  # two-body: |M|^2 p* / (8 pi m^2)
    assert width == pytest.approx(m**3 / (4 * math.pi), rel=1e-12)
    assert dp.gamma_nu_gamma(m, 1.0) == pytest.approx(width, rel=1e-12)
    assert dp.gamma_nu_gamma(m, 1.0, normalisation="darknews") == pytest.approx(width / 2, rel=1e-12)
    # gauge invariance of the same tensor: vertex(k, k) = 0, i.e. k^a H^{ab} = 0
    assert np.max(np.abs(k @ H)) < 1e-12 * np.max(np.abs(H))


def _gamma_star_frame(m, q2):
    """N at rest -> nu along +z (energy e2) + gamma* along -z: (e2, gamma, beta) of the gamma* frame."""
    e2 = (m * m - q2) / (2 * m)
    eq = m - e2
    return e2, eq / math.sqrt(q2), -e2 / eq


def _s_range(m, ml, q2):
    """Range of s = m^2(nu l-) at fixed q^2: p2.k2 = e2 gamma (1 - beta)(sqrt(q2)/2 - p* cos)."""
    e2, gam, bet = _gamma_star_frame(m, q2)
    pl = math.sqrt(q2 / 4 - ml * ml)
    c = 2 * e2 * gam * (1 - bet)
    return ml * ml + c * (math.sqrt(q2) / 2 - pl), ml * ml + c * (math.sqrt(q2) / 2 + pl)


def _dalitz_point(m, ml, q2, s_nl):
    """Momenta of N(p1) -> nu(p2) l-(k2) l+(k3) for q^2 = m^2(l l), s_nl = m^2(nu l-)."""
    e2, gam, bet = _gamma_star_frame(m, q2)
    p1 = np.array([m, 0, 0, 0])
    p2 = np.array([e2, 0, 0, e2])
    q = p1 - p2
    pl = math.sqrt(q2 / 4 - ml * ml)
    cos = (math.sqrt(q2) / 2 - (s_nl - ml * ml) / (2 * e2 * gam * (1 - bet))) / pl
    assert abs(cos) <= 1 + 1e-12
    cos = min(1.0, max(-1.0, cos))
    rest = np.array([math.sqrt(q2) / 2, pl * math.sqrt(1 - cos * cos), 0, pl * cos])
    k2 = np.array([gam * (rest[0] + bet * rest[3]), rest[1], 0, gam * (rest[3] + bet * rest[0])])
    return p1, p2, k2, q - k2, q


def _trace_msq_nu_ll(m, ml, q2, s_nl):
    """Spin-averaged |M|^2 of N -> nu l- l+ through gamma*, d = 1: (e/q^2)^2 H_{nu rho} L^{nu rho}."""
    p1, p2, k2, k3, q = _dalitz_point(m, ml, q2, s_nl)
    H = decay_tensor(p1, m, p2, q)
    L = np.array([[np.trace((slash(k2) + ml * ONE) @ GAMMA[a] @ (slash(k3) - ml * ONE) @ GAMMA[b])
                   for b in range(4)] for a in range(4)])
    # photon propagator: the vertex's eps^a is the lepton current e J^a / q^2 (upper index)
    val = np.einsum("ab,ab->", H, L) * E_CHARGE**2 / q2**2 / 2
    assert abs(val.imag) < 1e-10 * abs(val.real)
    return val.real


@pytest.mark.parametrize("m,ml", [(0.1, M_E), (0.5, M_MU), (1.3, M_E)])
def test_nu_ll_matrix_element_and_kroll_wada_from_the_trace(m, ml):
    """|M|^2 from the trace = dipole.dipole_msq_nu_ll (1e-9) at Dalitz points; its integral over
    m^2(nu l-) at fixed q^2 (a quadratic polynomial: 3-point Gauss-Legendre is exact) = the Kroll-Wada
    dGamma/dq^2 of the code (1e-6); both in the default (Lagrangian) normalisation, d = 1."""
    rng = np.random.default_rng(7)
    for frac in (0.05, 0.3, 0.8):
        q2 = 4 * ml * ml + frac * (m * m - 4 * ml * ml)
        lo, hi = _s_range(m, ml, q2)
        for s in lo + (hi - lo) * rng.uniform(0.02, 0.98, 2):
            code = dp.dipole_msq_nu_ll(m, ml, s, q2)
            assert _trace_msq_nu_ll(m, ml, q2, s) == pytest.approx(float(code), rel=1e-9)
        x, w = np.polynomial.legendre.leggauss(3)
        nodes = lo + 0.5 * (hi - lo) * (x + 1)
        inner = 0.5 * (hi - lo) * sum(wi * _trace_msq_nu_ll(m, ml, q2, si) for wi, si in zip(w, nodes))
        dgamma = inner / (256 * math.pi**3 * m**3)  # PDG kinematics eq. (49.22)
        assert dgamma == pytest.approx(float(dp.dgamma_nu_ll_dq2(q2, m, ml)), rel=1e-6)


def test_nu_ll_to_nu_gamma_ratio_is_normalisation_free():
    for norm in dp.NORMALISATIONS:
        w = dp.dipole_partial_widths(0.3, (0, 1e-6, 0), normalisation=norm)
        assert w["N -> nu e+ e-"] / w["N -> nu gamma"] == pytest.approx(
            dp.gamma_nu_ll(0.3, M_E) / dp.gamma_nu_gamma(0.3, 1.0), rel=1e-12)


@pytest.mark.parametrize("E,m,frac", [(1.0, 0.3, 0.2), (3.0, 0.7, 0.6), (0.8, 0.05, 0.01)])
def test_upscattering_on_a_point_like_target_from_the_same_vertex(E, m, frac):
    """nu(k1) A(k2) -> N(k3) A(k4) on a point-like spin-0 target of charge e (mass M): the h.c. term
    N-bar sigma F P_L nu of the same Lagrangian, vertex(q) with q = k1 - k3, target current e (k2 + k4);
    dsigma/dQ^2 = sum|M|^2 / (16 pi (s - M^2)^2) (the massless nu has one helicity: no spin average)
    = upscattering's to 1e-6."""
    M = 5.0
    lo, hi = (float(x) for x in ups.q2_range(E, m, M))
    Q2 = lo * (hi / lo) ** frac
    E_N = E - Q2 / (2 * M)
    p_N = math.sqrt(E_N**2 - m * m)
    cos = (E_N - (m * m + Q2) / (2 * E)) / p_N
    k1, k2 = np.array([E, 0, 0, E]), np.array([M, 0, 0, 0])
    k3 = np.array([E_N, p_N * math.sqrt(1 - cos * cos), 0, p_N * cos])
    k4 = k1 + k2 - k3
    q = k1 - k3
    J = E_CHARGE * (k2 + k4)  # target current, contracted as the "polarisation" of the vertex
    # amplitude u-bar(k3) [vertex]-bar-structure: N-bar sigma q P_L nu (the h.c. of nu-bar P_R sigma N)
    V = bar(vertex(q, J)) @ PL
    msq = np.trace((slash(k3) + m * ONE) @ V @ slash(k1) @ bar(V)).real / Q2**2
    ours = msq / (16 * math.pi * (2 * M * E) ** 2)  # massless nu: its one helicity, no 1/2 average
    fake = Nucleus("C12", 1, 12, M)
    code = ups._dsigma_dQ2_gev(E, Q2, m, fake, "coherent") / float(ups.coherent_form_factor(Q2, fake)) ** 2
    assert float(code) == pytest.approx(ours, rel=1e-6)
