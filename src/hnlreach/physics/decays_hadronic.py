"""Hadronic HNL decays for mass mixing: exclusive single-meson channels and the inclusive
quark-level width with its QCD correction (Bondarenko et al. arXiv:1805.08567 sec. 3.2-3.4).

All widths are Dirac widths for |U_alpha|^2 = 1, vectorised over the HNL mass (GeV).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from hnlreach.physics.constants import (
    F_PSEUDOSCALAR, F_VECTOR, G_F, LEPTON_MASS, M_Z, MASS, QUARK_MASS, SIN2_THETA_W, V_CKM, kallen,
)
from hnlreach.physics.decays_leptonic import phase_space_I, three_body_width

N_COLOURS = 3

# --- meson tables (name, CKM element or neutral-current factor) --------------------------------
# charged pseudoscalars h+ = (u dbar-type): CKM element |V_{q q'}| (arXiv:1805.08567 Table 8)
CHARGED_PSEUDOSCALARS = {
    "pi+": ("u", "d"), "K+": ("u", "s"), "D+": ("c", "d"), "D(s)+": ("c", "s"),
    "B+": ("u", "b"), "B(c)+": ("c", "b"),
}
NEUTRAL_PSEUDOSCALARS = ("pi0", "eta", "eta'(958)", "eta(c)(1S)")
# charged vectors treated as narrow (rho+ and K*+ are replaced by the crossed tau spectra below)
CHARGED_VECTORS = {"D*(2010)+": ("c", "d"), "D(s)*+": ("c", "s")}
# neutral vectors: Gamma(N -> nu V) = G_F^2 kappa^2 f_V^2 m^3/(32 pi) (1 + 2x)(1 - x)^2 with f_V the
# decay constant of the *electromagnetic-current* convention of F_VECTOR (<0|qbar g q|V> per
# flavour content: rho0 = (uu - dd)/sqrt2, omega = (uu + dd)/sqrt2, phi = ss, J/psi = cc; checked
# by Gamma(V -> e+ e-) in tests).  The Z vector current sum_q (T3 - 2 Q sin^2) qbar g q then gives
# kappa_rho = 1 - 2 s^2, kappa_omega = -2/3 s^2 (sqrt2 x (g_u + g_d)/2), kappa_phi = -sqrt2 (1/2 - 2/3 s^2),
# kappa_J/psi = sqrt2 (1/2 - 4/3 s^2): the convention of Coloma et al. arXiv:2007.03701.
# arXiv:1805.08567 Table 9 lists 4/3 s^2,
# 4/3 s^2 - 1, 1 - 8/3 s^2 with the same f_V: its omega, phi, J/psi widths are x4, x2, x2 larger.
NEUTRAL_VECTOR_KAPPA = {
    "omega(782)": -2.0 / 3.0 * SIN2_THETA_W,
    "phi(1020)": -math.sqrt(2.0) * (0.5 - 2.0 / 3.0 * SIN2_THETA_W),
    "J/psi(1S)": math.sqrt(2.0) * (0.5 - 4.0 / 3.0 * SIN2_THETA_W),
}
KAPPA_RHO0 = 1.0 - 2.0 * SIN2_THETA_W  # I = 1 vector part of the Z current, for N -> nu pi+ pi-

UP_QUARKS = ("u", "c")      # t is far above the mass range
DOWN_QUARKS = ("d", "s", "b")


def _xsq(m_part, mass):
    return (m_part / mass) ** 2


def width_lepton_pseudoscalar(mass, m_lepton, m_meson, f_meson, v_ckm):
    """Gamma(N -> l^- P^+) [GeV], arXiv:1805.08567 sec. 3.2.1 (charged pseudoscalar)."""
    mass = np.asarray(mass, dtype=float)
    xl, xh = _xsq(m_lepton, mass), _xsq(m_meson, mass)
    kin = ((1.0 - xl) ** 2 - xh * (1.0 + xl)) * np.sqrt(np.clip(kallen(1.0, xh, xl), 0.0, None))
    w = G_F**2 * f_meson**2 * v_ckm**2 * mass**3 / (16.0 * math.pi) * kin
    return np.where(mass > m_lepton + m_meson, np.clip(w, 0.0, None), 0.0)


def width_nu_pseudoscalar(mass, m_meson, f_meson):
    """Gamma(N -> nu P^0) [GeV], arXiv:1805.08567 sec. 3.2.1 (neutral pseudoscalar)."""
    mass = np.asarray(mass, dtype=float)
    xh = _xsq(m_meson, mass)
    w = G_F**2 * f_meson**2 * mass**3 / (32.0 * math.pi) * (1.0 - xh) ** 2
    return np.where(mass > m_meson, w, 0.0)


def width_lepton_vector(mass, m_lepton, m_meson, f_meson, v_ckm):
    """Gamma(N -> l^- V^+) [GeV], arXiv:1805.08567 sec. 3.2.1 (charged vector) with g_h = f_h m_h."""
    mass = np.asarray(mass, dtype=float)
    xl, xh = _xsq(m_lepton, mass), _xsq(m_meson, mass)
    kin = ((1.0 - xl) ** 2 + xh * (1.0 + xl) - 2.0 * xh * xh) * np.sqrt(
        np.clip(kallen(1.0, xh, xl), 0.0, None))
    w = G_F**2 * f_meson**2 * v_ckm**2 * mass**3 / (16.0 * math.pi) * kin
    return np.where(mass > m_lepton + m_meson, np.clip(w, 0.0, None), 0.0)


def width_nu_vector(mass, m_meson, f_meson, kappa):
    """Gamma(N -> nu V^0) [GeV], arXiv:1805.08567 sec. 3.2.1 (neutral vector) with g_h = f_h m_h."""
    mass = np.asarray(mass, dtype=float)
    xh = _xsq(m_meson, mass)
    w = G_F**2 * kappa**2 * f_meson**2 * mass**3 / (32.0 * math.pi) * (1.0 + 2.0 * xh) * (1.0 - xh) ** 2
    return np.where(mass > m_meson, w, 0.0)


def exclusive_charged(mass, flavour: str) -> dict[str, np.ndarray]:
    """N -> l_alpha^- h^+ for every charged pseudoscalar and vector meson: channel -> width."""
    m_l = LEPTON_MASS[flavour]
    lep = {"e": "e-", "mu": "mu-", "tau": "tau-"}[flavour]
    out = {}
    for h, (q, qp) in CHARGED_PSEUDOSCALARS.items():
        out[f"N -> {lep} {h}"] = width_lepton_pseudoscalar(mass, m_l, MASS[h], F_PSEUDOSCALAR[h], V_CKM[(q, qp)])
    for h, (q, qp) in CHARGED_VECTORS.items():
        out[f"N -> {lep} {h}"] = width_lepton_vector(mass, m_l, MASS[h], F_VECTOR[h], V_CKM[(q, qp)])
    return out


def exclusive_neutral(mass) -> dict[str, np.ndarray]:
    """N -> nu h^0 for the neutral pseudoscalars and vectors (flavour independent): channel -> width."""
    out = {}
    for h in NEUTRAL_PSEUDOSCALARS:
        out[f"N -> nu {h}"] = width_nu_pseudoscalar(mass, MASS[h], F_PSEUDOSCALAR[h])
    for h, kappa in NEUTRAL_VECTOR_KAPPA.items():
        out[f"N -> nu {h}"] = width_nu_vector(mass, MASS[h], F_VECTOR[h], kappa)
    return out


# --- strong coupling and the QCD correction ------------------------------------------------------
ALPHA_S_MZ = 0.1179   # PDG 2022 world average
_ZETA3 = 1.2020569031595942


def _beta(a, nf):
    """d a / d ln mu^2 for a = alpha_s/(4 pi), four loops (MS-bar); beta_0..beta_3 for SU(3) of van Ritbergen,
    Vermaseren, Larin, Phys. Lett. B 400 (1997) 379, hep-ph/9701390."""
    b0 = 11.0 - 2.0 / 3.0 * nf
    b1 = 102.0 - 38.0 / 3.0 * nf
    b2 = 2857.0 / 2.0 - 5033.0 / 18.0 * nf + 325.0 / 54.0 * nf**2
    b3 = (149753.0 / 6.0 + 3564.0 * _ZETA3 - (1078361.0 / 162.0 + 6508.0 / 27.0 * _ZETA3) * nf
          + (50065.0 / 162.0 + 6472.0 / 81.0 * _ZETA3) * nf**2 + 1093.0 / 729.0 * nf**3)
    return -a * a * (b0 + a * (b1 + a * (b2 + a * b3)))


@lru_cache(maxsize=1)
def _alpha_s_table():
    """alpha_s on a log grid 0.9..10 GeV from 4-loop running of alpha_s(M_Z) (RK4 in ln mu^2,
    nf = 5, 4, 3 below m_b, m_c; continuous matching at the MS-bar masses)."""
    grid = np.geomspace(0.9, 10.0, 400)[::-1]
    a = ALPHA_S_MZ / (4.0 * math.pi)
    t = math.log(M_Z**2)
    out = np.empty_like(grid)
    for i, mu in enumerate(grid):
        t_target = math.log(mu * mu)
        nsteps = max(4, int(abs(t - t_target) / 0.02))
        h = (t_target - t) / nsteps
        for _ in range(nsteps):
            mu_now = math.exp(0.5 * t)
            nf = 5 if mu_now > QUARK_MASS["b"] else (4 if mu_now > QUARK_MASS["c"] else 3)
            k1 = _beta(a, nf)
            k2 = _beta(a + 0.5 * h * k1, nf)
            k3 = _beta(a + 0.5 * h * k2, nf)
            k4 = _beta(a + h * k3, nf)
            a += h * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
        t = t_target
        out[i] = 4.0 * math.pi * a
    return np.log(grid[::-1]), out[::-1]


@lru_cache(maxsize=1)
def _alpha_s_spline():
    from scipy.interpolate import CubicSpline

    return CubicSpline(*_alpha_s_table())


def alpha_s(mu):
    """MS-bar alpha_s(mu) for 0.9 <= mu <= 10 GeV (clipped outside), 4-loop running from M_Z
    (cubic spline in ln mu through the RK4 table: smooth, so widths have no interpolation kinks)."""
    return _alpha_s_spline()(np.log(np.clip(np.asarray(mu, dtype=float), 0.9, 10.0)))


def delta_qcd(mass):
    """Loop correction to the quark-level width, arXiv:1805.08567 sec. 3.2.2 (QCD loop corrections):
    Delta_QCD = a + 5.2 a^2 + 26.4 a^3 with a = alpha_s(m_N)/pi."""
    a = alpha_s(mass) / math.pi
    return a + 5.2 * a * a + 26.4 * a**3


# --- inclusive quark-level widths -----------------------------------------------------------------
def _nc_quark_couplings(q: str, sin2w: float = SIN2_THETA_W) -> tuple[float, float]:
    """(g_L, g_R) of quark q in the Z current: g_L = T3 - Q sin^2, g_R = -Q sin^2."""
    t3, charge = (0.5, 2.0 / 3.0) if q in UP_QUARKS + ("t",) else (-0.5, -1.0 / 3.0)
    return t3 - charge * sin2w, -charge * sin2w


def inclusive_charged_quarks(mass, flavour: str, heavy_only: bool = False):
    """sum_{u,d} Gamma(N -> l_alpha^- u dbar) at tree level, |U_alpha|^2 = 1 [GeV]:
    N_c |V_ud|^2 G_F^2 m^5/(192 pi^3) I(x_u, x_d, x_l) (arXiv:1805.08567 sec. 3.2.2);
    heavy_only: only the pairs with a c or b quark (u dbar, u sbar are in `decays_crossed`)."""
    mass = np.asarray(mass, dtype=float)
    m_l = LEPTON_MASS[flavour]
    total = np.zeros_like(mass)
    for u in UP_QUARKS:
        for d in DOWN_QUARKS:
            if heavy_only and u == "u" and d in ("d", "s"):
                continue
            mu_, md_ = QUARK_MASS[u], QUARK_MASS[d]
            shape = phase_space_I(mu_ / mass, md_ / mass, m_l / mass)
            total = total + N_COLOURS * V_CKM[(u, d)] ** 2 * G_F**2 * mass**5 / (192 * math.pi**3) * shape
    return total


def inclusive_neutral_quarks(mass):
    """sum_q Gamma(N -> nu q qbar) at tree level, |U_alpha|^2 = 1 [GeV]: N_c times the NC
    formula of arXiv:1805.08567 sec. 3.1.2 with the quark Z couplings."""
    mass = np.asarray(mass, dtype=float)
    total = np.zeros_like(mass)
    for q in UP_QUARKS + DOWN_QUARKS:
        g_l, g_r = _nc_quark_couplings(q)
        total = total + N_COLOURS * three_body_width(mass, QUARK_MASS[q], QUARK_MASS[q], g_l, g_r)
    return total
