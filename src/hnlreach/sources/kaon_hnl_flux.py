"""HNL flux at a distant detector from the nu_mu flux of K+ -> mu+ nu_mu (two-body decays in flight).

Derivation (this module; two-body kinematics, e.g. PDG "Kinematics" sec. 49.4).  A kaon decaying
in flight towards a far detector (angle to the line of sight << 1/gamma) sends a daughter X of mass
m_X (rest-frame momentum p*_X, rapidity y*_X) into the detector's solid angle only if X is emitted
along the kaon direction: theta* = 0 (forward branch) or theta* = pi (backward branch, only if the
kaon rapidity Y exceeds y*_X).  Near those directions p_T = p* sin theta* = p sin theta, so the
solid-angle Jacobian is dOmega*/dOmega = (p_X / p*_X)^2, and the lab energy is
E_X = m_X cosh(Y +- y*_X).  With the kaon rapidity as the common variable, a kaon population that
produces the nu flux Phi_nu(E_nu) (E_nu = p*_nu e^Y) produces the HNL flux

    Phi_N(E_N) = rho (p*_nu / p*_N)^2  p_N  sum_{Y = Y_lab -+ y*_N, Y >= 0} Phi_nu(p*_nu e^Y) / (p*_nu e^Y),

Y_lab = arccosh(E_N / m_N), rho = Gamma(K -> l N) / Gamma(K -> mu nu) (Shrock's ratio, Liu et al. arXiv:2412.15051
supplement; physics.production.leptonic_width).  For m_N -> 0 and l = mu it returns Phi_nu.
Approximations: all kaons point at the detector (ND280 is 2.5 deg off axis, ~ 0.3/gamma_K), the
K+ nu_mu flux also contains K_mu3 neutrinos (5 % of K+ -> mu nu), and the HNL's own decay on the way
is not included here (the engine applies the survival probability).
"""
from __future__ import annotations

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import LEPTON_MASS, M_MU, MASS, kallen

_LEPTONS = {"mu": M_MU, "e": LEPTON_MASS["e"]}


def rest_frame_momentum(M: float, m1: float, m2: float) -> float:
    """Daughter momentum in the rest frame of M -> m1 m2."""
    return float(np.sqrt(max(kallen(M * M, m1 * m1, m2 * m2), 0.0)) / (2.0 * M))


def shrock_ratio(mass: float, lepton: str = "mu", parent: str = "K+") -> float:
    """Gamma(P -> l N) / Gamma(P -> mu nu) per unit |U_l|^2 (Shrock 1981; Liu et al. arXiv:2412.15051 supplement)."""
    from hnlreach.physics.production import leptonic_width

    if lepton not in _LEPTONS:
        raise HNLInputError(f"lepton must be 'mu' or 'e', got {lepton!r}")
    num = leptonic_width(parent, _LEPTONS[lepton], mass, 1.0)
    den = leptonic_width(parent, M_MU, 0.0, 1.0)
    return float(num / den)


def hnl_flux_from_nu_flux(energies, mass: float, nu_flux, lepton: str = "mu", parent: str = "K+"):
    """dPhi_N/dE_N per unit |U_l|^2 at energies E_N [GeV] from the nu flux of P -> mu nu.

    nu_flux: callable E_nu -> dPhi_nu/dE_nu (any units; the result has the same units)."""
    m = float(mass)
    M = MASS[parent]
    m_l = _LEPTONS.get(lepton)
    if m_l is None:
        raise HNLInputError(f"lepton must be 'mu' or 'e', got {lepton!r}")
    if not (0.0 < m < M - m_l):
        raise HNLInputError(f"HNL mass {m} GeV is outside (0, m_{parent} - m_{lepton}) for {parent} -> {lepton} N")
    E = np.asarray(energies, dtype=float)
    p_nu = rest_frame_momentum(M, M_MU, 0.0)
    p_n = rest_frame_momentum(M, m_l, m)
    y_star = np.arcsinh(p_n / m)
    above = E > m
    y_lab = np.arccosh(np.where(above, E / m, 1.0))
    p_lab = m * np.sinh(y_lab)
    total = np.zeros_like(E)
    for Y in (y_lab - y_star, y_lab + y_star):
        ok = above & (Y >= 0.0)
        e_nu = p_nu * np.exp(np.where(ok, Y, 0.0))
        total += np.where(ok, np.asarray(nu_flux(e_nu), dtype=float) / e_nu, 0.0)
    return shrock_ratio(m, lepton, parent) * (p_nu / p_n) ** 2 * p_lab * total


def _lab_at_angle(gamma, m, p_star, cos_a, sign):
    """Lab momentum and solid-angle Jacobian dOmega*/dOmega of a daughter (mass m, rest momentum
    p_star) emitted at lab angle arccos(cos_a) from a parent of Lorentz factor gamma; sign picks the
    root (+1: forward-CM branch).  E* = gamma (E - beta p cos a) solved for p; Jacobian
    p^2 / (gamma p* |p - beta E cos a|) (e.g. Byckling & Kajantie, Particle Kinematics, ch. 3)."""
    beta = np.sqrt(1.0 - 1.0 / gamma**2)
    e_star = np.hypot(p_star, m)
    a = 1.0 - (beta * cos_a) ** 2
    b = e_star / gamma * beta * cos_a
    disc = b * b - a * (m * m - (e_star / gamma) ** 2)
    ok = disc >= 0.0
    p = (b + sign * np.sqrt(np.where(ok, disc, 0.0))) / a
    ok &= p > 0.0
    E = np.hypot(p, m)
    jac = p * p / (gamma * p_star * np.maximum(np.abs(p - beta * E * cos_a), 1e-300))
    return np.where(ok, p, 0.0), np.where(ok, E, 0.0), np.where(ok, jac, 0.0)


def hnl_flux_off_axis(edges, mass: float, nu_flux, off_axis_rad: float, lepton: str = "mu",
                      parent: str = "K+", n_gamma: int = 20000):
    """Bin-averaged dPhi_N/dE_N on energy bins `edges` for a detector at angle off_axis_rad from
    the kaon direction (all kaons parallel): the kaon Lorentz factor is the common variable,
    Phi_N dE_N = rho Phi_nu dE_nu J_N / J_nu summed over both CM branches (module docstring; for
    off_axis_rad = 0 this is `hnl_flux_from_nu_flux`)."""
    m = float(mass)
    M = MASS[parent]
    m_l = _LEPTONS.get(lepton)
    if m_l is None or not (0.0 < m < M - m_l):
        raise HNLInputError(f"no {parent} -> {lepton} N decay for an HNL of {m} GeV")
    edges = np.asarray(edges, dtype=float)
    cos_a = np.cos(float(off_axis_rad))
    p_nu = rest_frame_momentum(M, M_MU, 0.0)
    p_n = rest_frame_momentum(M, m_l, m)
    y = np.linspace(np.log(1.0 + 1e-6), np.log(200.0), n_gamma + 1)  # ln gamma grid
    yc = 0.5 * (y[1:] + y[:-1])
    gamma = np.exp(yc)
    dgamma = gamma * np.diff(y)
    _, e_nu, j_nu = _lab_at_angle(gamma, 0.0, p_nu, cos_a, +1.0)
    # dE_nu/dgamma numerically, then kaon density f(gamma) = Phi_nu |dE_nu/dgamma| / J_nu
    de_dg = np.gradient(e_nu, gamma)
    f = np.asarray(nu_flux(e_nu), dtype=float) * np.abs(de_dg) / np.maximum(j_nu, 1e-300)
    hist = np.zeros(edges.size - 1)
    for sign in (+1.0, -1.0):
        _, e_n, j_n = _lab_at_angle(gamma, m, p_n, cos_a, sign)
        hist += np.histogram(e_n, bins=edges, weights=f * j_n * dgamma)[0]
    return shrock_ratio(m, lepton, parent) * hist / np.diff(edges)


ND280_OFF_AXIS_RAD = np.radians(2.5)  # ND280 off-axis angle (T2K, NIM A 659 (2011) 106)


def nd280_hnl_flux(energies, mass: float, lepton: str = "mu", off_axis_rad: float = ND280_OFF_AXIS_RAD):
    """HNL flux at ND280 (FHC) from K+ -> l+ N, dPhi/dE [N / cm^2 / POT / GeV] per unit |U_l|^2,
    at bin centres `energies` (50 MeV bins around them unless they are irregular)."""
    from hnlreach.sources.neutrino_flux import interpolate_flux, nd280_kaon_numu_flux

    e_t, v_t = nd280_kaon_numu_flux()
    nu = lambda e: interpolate_flux(e, e_t, v_t)  # noqa: E731
    E = np.asarray(energies, dtype=float)
    if off_axis_rad == 0.0:
        return hnl_flux_from_nu_flux(E, mass, nu, lepton)
    edges = np.concatenate([[E[0] - 0.025], 0.5 * (E[1:] + E[:-1]), [E[-1] + 0.025]])
    return hnl_flux_off_axis(edges, mass, nu, off_axis_rad, lepton)
