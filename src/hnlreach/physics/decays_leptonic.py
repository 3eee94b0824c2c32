"""Three-body HNL decays through a four-fermion V-A x (L, R) contact interaction.

Conventions (mass mixing, Bondarenko, Boyarsky, Gorbunov, Ruchayskiy arXiv:1805.08567 sec. 3.1):
every three-body mode N -> nu f1 fbar2 is written, after a Fierz rearrangement of the
charged-current term, as

    L_eff = -(4 G_F / sqrt 2) U_alpha [nubar gamma^mu P_L N] [fbar1 gamma_mu (C_L P_L + C_R P_R) f2]

so that C_L = 1, C_R = 0 is the pure charged-current (CC) mode N -> l_a^- l_b^+ nu_b and
C_L = g_L (+1 with the CC interference), C_R = g_R are the neutral-current (NC) modes.
The spin-summed squared amplitude is

    sum|M|^2 = 128 G_F^2 [C_L^2 (p_N.p_2)(p_nu.p_1) + C_R^2 (p_N.p_1)(p_nu.p_2)
                          + C_L C_R m_1 m_2 (p_N.p_nu)]

(checked with explicit Dirac matrices in tests/physics/test_decays.py).  Integrated over
the Dalitz plot it gives, in units of G_F^2 m^5 / (192 pi^3),

    (C_L^2 + C_R^2) I(0, x_1, x_2) + C_L C_R J(x_1, x_2),   x_i = m_i / m_N,

with I the function of arXiv:1805.08567 sec. 3.1.1 (symmetric in its arguments) and J the
L-R interference integral defined in `interference_integral`.  For equal masses this is
the NC formula of the paper's sec. 3.1.2 (C_1..C_4 coefficients).
"""
from __future__ import annotations

import math

import numpy as np

from hnlreach.physics.constants import G_F, LEPTON_MASS, SIN2_THETA_W, kallen
from hnlreach.physics.kinematics import endpoint_nodes

_N_GAUSS = 48  # Gauss-Legendre nodes of the s integrals (kinematics.endpoint_nodes)


def width_unit(mass):
    """G_F^2 m^5 / (192 pi^3) [GeV]: the muon-decay-like width scale."""
    return G_F**2 * np.asarray(mass, dtype=float) ** 5 / (192.0 * math.pi**3)


def _s_nodes(lo, hi):
    """Quadrature nodes s (shape (..., n)) and weights ds on [lo, max(lo, hi)] (arrays broadcast)."""
    return endpoint_nodes(lo, np.maximum(hi, lo), _N_GAUSS)


def phase_space_I(x, y, z):
    """I(x, y, z) of arXiv:1805.08567 sec. 3.1.1, masses in units of m_N; I(0,0,0) = 1.

    I = 12 int_{(x+y)^2}^{(1-z)^2} ds/s (s - x^2 - y^2)(1 + z^2 - s) lambda^1/2(s,x^2,y^2) lambda^1/2(1,s,z^2);
    zero where x + y + z >= 1.  Vectorised over broadcast arrays.
    """
    x, y, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, y, z)))
    s, ds = _s_nodes((x + y) ** 2, (1.0 - z) ** 2)
    x2, y2, z2 = (x * x)[..., None], (y * y)[..., None], (z * z)[..., None]
    lam1 = np.sqrt(np.clip(kallen(s, x2, y2), 0.0, None))
    lam2 = np.sqrt(np.clip(kallen(1.0, s, z2), 0.0, None))
    f = (s - x2 - y2) * (1.0 + z2 - s) * lam1 * lam2 / s
    out = 12.0 * np.sum(f * ds, axis=-1)
    return np.where(x + y + z < 1.0, out, 0.0)


def interference_integral(x1, x2):
    """J(x1, x2) = 24 x1 x2 int_{(x1+x2)^2}^1 ds (1 - s)^2 lambda^1/2(s, x1^2, x2^2) / s.

    The C_L C_R term of the Dalitz-integrated rate (massless neutrino), in units of
    G_F^2 m^5/(192 pi^3); for x1 = x2 = x it equals 4 x^2(2 + 10x^2 - 12x^4) sqrt(1-4x^2) + 24 x^4(...)L,
    i.e. 4x the C_2/C_4 function of arXiv:1805.08567 sec. 3.1.2.
    """
    x1, x2 = np.broadcast_arrays(np.asarray(x1, dtype=float), np.asarray(x2, dtype=float))
    s, ds = _s_nodes((x1 + x2) ** 2, 1.0)
    lam = np.sqrt(np.clip(kallen(s, (x1 * x1)[..., None], (x2 * x2)[..., None]), 0.0, None))
    out = 24.0 * x1 * x2 * np.sum((1.0 - s) ** 2 * lam / s * ds, axis=-1)
    return np.where(x1 + x2 < 1.0, out, 0.0)


def three_body_width(mass, m1, m2, c_left, c_right=0.0):
    """Width [GeV] of N -> nu f1 fbar2 for the contact interaction of the module docstring
    with |U|^2 = 1 and unit colour factor (arXiv:1805.08567 sec. 3.1)."""
    mass = np.asarray(mass, dtype=float)
    x1, x2 = m1 / mass, m2 / mass
    shape = (c_left**2 + c_right**2) * phase_space_I(0.0, x1, x2)
    if c_right != 0.0:
        shape = shape + c_left * c_right * interference_integral(x1, x2)
    return np.where(mass > m1 + m2, width_unit(mass) * shape, 0.0)


def leptonic_couplings(alpha: str, beta: str, sin2w: float = SIN2_THETA_W) -> tuple[float, float]:
    """(C_L, C_R) of N -> nu_alpha l_beta^- l_beta^+ for mixing with flavour alpha.

    Neutral current: C_L = g_L = -1/2 + sin^2 theta_W, C_R = g_R = sin^2 theta_W; for alpha = beta
    the Fierzed charged current adds +1 to C_L (arXiv:1805.08567 sec. 3.1.2: C_1 = C_L^2 + C_R^2,
    C_2 = C_L C_R for alpha != beta, C_3, C_4 likewise for alpha = beta).  The operator is
    -(4 G_F/sqrt2) U_alpha [nubar_alpha g^mu P_L N][lbar_beta g_mu (C_L P_L + C_R P_R) l_beta]; for
    the CC mode N -> l_alpha^- l_beta^+ nu_beta (alpha != beta) use (C_L, C_R) = (1, 0) with
    f1 = l_alpha^-, fbar2 = l_beta^+.
    """
    if alpha not in LEPTON_MASS or beta not in LEPTON_MASS:
        raise ValueError(f"unknown lepton flavours {alpha!r}, {beta!r}")
    c_left = -0.5 + sin2w + (1.0 if alpha == beta else 0.0)
    return c_left, sin2w


def invisible_width(mass):
    """Gamma(N -> nu_alpha nu nubar) summed over the three neutrino flavours, |U_alpha|^2 = 1
    (arXiv:1805.08567 sec. 3.1.2: sum_beta (1 + delta_ab) G_F^2 m^5/(768 pi^3) = G_F^2 m^5/(192 pi^3))."""
    return width_unit(mass)


def charged_current_width(mass, alpha: str, beta: str):
    """Gamma(N -> l_alpha^- l_beta^+ nu_beta), alpha != beta, |U_alpha|^2 = 1 (arXiv:1805.08567 sec. 3.1.1)."""
    return three_body_width(mass, LEPTON_MASS[alpha], LEPTON_MASS[beta], 1.0, 0.0)


def neutral_current_width(mass, alpha: str, beta: str):
    """Gamma(N -> nu_alpha l_beta^- l_beta^+) incl. CC interference for alpha = beta, |U_alpha|^2 = 1
    (arXiv:1805.08567 sec. 3.1.2)."""
    c_left, c_right = leptonic_couplings(alpha, beta)
    m_l = LEPTON_MASS[beta]
    return three_body_width(mass, m_l, m_l, c_left, c_right)
