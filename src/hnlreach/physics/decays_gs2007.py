"""Diagnostic: HNL decay widths of Gorbunov & Shaposhnikov (GS), arXiv:0705.1729, JHEP 10 (2007) 015
[Erratum: JHEP 11 (2013) 101] -- the widths the ArgoNeuT paper (ArgoNeuT arXiv:2106.13684; its ref. [17]) cites.

NOT the default physics (that is `hnlreach.physics.decays`, Bondarenko et al. arXiv:1805.08567).
Used by `hnlreach reproduce argoneut-2021` to test whether the paper's choice of widths explains
the difference between our contour and the published one.

Source of the formulas.  The text of 0705.1729 was not retrievable here beyond its abstract, so
the formulas are those of sec. 4 ("decays of sterile neutrinos") of GS as transcribed by public
codes that state they follow it: GAMBIT NeutrinoBit (`NeutrinoBit/src/RHN.cpp`, 2017-2019:
"All formulae for Gamma come from arXiv:0705.1729, except where mentioned", constants included)
and the original SHiP FairShip `python/hnl.py` (E. Graverini 2014; later updated to 1805.08567).
Equation numbers of GS could not be checked and are therefore not quoted.  What GS do
differently from 1805.08567 below ~1.2 GeV (all that matters for tau mixing, where every
charged-current channel is closed below m_tau + m_pi = 1.92 GeV):

* N -> nu l+ l-: the same closed form (C1..C4 with the logarithm L, below) as 1805.08567
  eq. (3.4) -- 1805.08567 took it from GS(-erratum) -- so Gamma(nu mu mu) agrees with ours
  to the numerical precision of our three-body integral (test_decays_gs2007).
* N -> nu eta: f_eta = 1.2 f_pi = 156 MeV (1805.08567: 81.7 MeV, i.e. a 3.6x smaller width);
  N -> nu eta': f = 58.5 MeV (1805.08567: 94.7 MeV).
* N -> nu rho0: g_rho^2 G_F^2 M^3/(16 pi m_rho^2) (1 + 2x^2)(1 - x^2)^2 with g_rho = 0.102 GeV^2
  and no Z-coupling factor (1 - 2 sin^2 theta_W)^2: 2.7x the 1805.08567 width.
* no N -> nu omega, nu phi (not in GS), no multi-hadron channels (GS work with single mesons).

Dirac / Majorana.  GS write each width for one charge state (N -> l^- h^+, N -> nu X); a Majorana
HNL also decays into the charge conjugates, doubling the total width (FairShip multiplies every
GS width by 2 "Majorana case (charge conjugate channels)").  The functions here return the Dirac
widths as written; `gs2007_partial_widths(..., majorana=True)` doubles them in the convention of
`hnlreach.physics.decays` (conjugate channels listed separately, neutral final states x2).
"""
from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.model import HNL
from hnlreach.physics.constants import (
    FLAVOURS,
    G_F,
    LEPTON_MASS,
    MASS,
    SIN2_THETA_W,
    V_CKM,
    kallen,
)

# GS constants (as used by GAMBIT NeutrinoBit's GS widths) [GeV, GeV^2 for g_rho]
F_PI = 0.130
F_K = 0.1598
F_ETA = 1.2 * F_PI  # 0.156
F_ETAPRIME = 0.0585
G_RHO = 0.102  # <0|V_mu|rho> = g_rho eps_mu
MAX_MASS_GEV = 1.5  # single-meson model: multi-hadron states (not in GS's list) matter above

_LEP = {"e": "e-", "mu": "mu-", "tau": "tau-"}
_ANTI = {"e": "e+", "mu": "mu+", "tau": "tau+"}


def _unit(mass):
    """G_F^2 M^5 / (192 pi^3) [GeV]."""
    return G_F**2 * np.asarray(mass, dtype=float) ** 5 / (192.0 * math.pi**3)


def nc_coefficients(same_flavour: bool, sin2w: float = SIN2_THETA_W) -> tuple[float, float]:
    """GS (C1, C2) of N -> nu_alpha l_beta+ l_beta- for beta != alpha (NC only), or (C3, C4) for
    beta = alpha (NC + CC): C = (1 -+ 4 s^2 + 8 s^4)/4, (s^2/2)(2 s^2 -+ 1)."""
    s = 1.0 if same_flavour else -1.0
    return 0.25 * (1.0 + s * 4.0 * sin2w + 8.0 * sin2w**2), 0.5 * sin2w * (2.0 * sin2w + s)


def _log_term(x2):
    """x^4 L(x) with GS's L = ln[(1 - 3x^2 - (1 - x^2) sqrt(1 - 4x^2)) / (x^2 (1 + sqrt(1 - 4x^2)))];
    the argument -> x^4 for small x (series), where the direct form cancels numerically."""
    r = np.sqrt(np.clip(1.0 - 4.0 * x2, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        arg = (1.0 - 3.0 * x2 - (1.0 - x2) * r) / (x2 * (1.0 + r))
        small = x2 * x2 * (1.0 + 4.0 * x2 + 14.0 * x2 * x2)
        arg = np.where(x2 < 1e-4, small, arg)
        out = x2 * x2 * np.log(np.where(arg > 0, arg, 1.0))
    return np.where(x2 > 0, out, 0.0)


def width_nu_ll(mass, m_lepton, same_flavour: bool):
    """Gamma(N -> nu_alpha l+ l-) [GeV] for |U_alpha|^2 = 1, GS (erratum form):
    G_F^2 M^5/(192 pi^3) [C1 ((1 - 14x^2 - 2x^4 - 12x^6) sqrt(1-4x^2) + 12 x^4 (x^4 - 1) L)
                          + 4 C2 (x^2 (2 + 10x^2 - 12x^4) sqrt(1-4x^2) + 6 x^4 (1 - 2x^2 + 2x^4) L)],
    x = m_l/M; massless limit G_F^2 M^5 C1/(192 pi^3)."""
    mass = np.asarray(mass, dtype=float)
    x2 = (m_lepton / mass) ** 2
    c1, c2 = nc_coefficients(same_flavour)
    r = np.sqrt(np.clip(1.0 - 4.0 * x2, 0.0, None))
    x4l = _log_term(x2)
    bracket = (c1 * ((1.0 - 14.0 * x2 - 2.0 * x2**2 - 12.0 * x2**3) * r + 12.0 * (x2**2 - 1.0) * x4l)
               + 4.0 * c2 * (x2 * (2.0 + 10.0 * x2 - 12.0 * x2**2) * r + 6.0 * (1.0 - 2.0 * x2 + 2.0 * x2**2) * x4l))
    return np.where(mass > 2.0 * m_lepton, np.clip(_unit(mass) * bracket, 0.0, None), 0.0)


def width_invisible(mass):
    """Gamma(N -> nu_alpha nu nubar) summed over flavours, GS: G_F^2 M^5/(192 pi^3) for |U|^2 = 1."""
    return _unit(mass)


def width_l_l_nu(mass, m_a, m_b):
    """Gamma(N -> l_a- l_b+ nu_b), a != b, |U_a|^2 = 1, GS: the muon-decay function of the heavier
    lepton, G_F^2 M^5/(192 pi^3) (1 - 8x^2 + 8x^6 - x^8 - 12 x^4 ln x^2), x = max(m_a, m_b)/M."""
    mass = np.asarray(mass, dtype=float)
    x2 = (max(m_a, m_b) / mass) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 1.0 - 8.0 * x2 + 8.0 * x2**3 - x2**4 - 12.0 * x2**2 * np.log(np.where(x2 > 0, x2, 1.0))
    return np.where(mass > m_a + m_b, np.clip(_unit(mass) * f, 0.0, None), 0.0)


def width_nu_pseudoscalar(mass, m_meson, f_meson):
    """Gamma(N -> nu_alpha P0), GS: G_F^2 f^2 M^3/(32 pi) (1 - x^2)^2."""
    mass = np.asarray(mass, dtype=float)
    x2 = (m_meson / mass) ** 2
    return np.where(mass > m_meson, G_F**2 * f_meson**2 * mass**3 / (32.0 * math.pi) * (1.0 - x2) ** 2, 0.0)


def width_nu_rho0(mass):
    """Gamma(N -> nu_alpha rho0), GS: g_rho^2 G_F^2 M^3/(16 pi m_rho^2) (1 + 2x^2)(1 - x^2)^2."""
    mass = np.asarray(mass, dtype=float)
    m_rho = MASS["rho(770)0"]
    x2 = (m_rho / mass) ** 2
    w = G_RHO**2 * G_F**2 * mass**3 / (16.0 * math.pi * m_rho**2) * (1.0 + 2.0 * x2) * (1.0 - x2) ** 2
    return np.where(mass > m_rho, w, 0.0)


def width_lepton_pseudoscalar(mass, m_lepton, m_meson, f_meson, v_ckm):
    """Gamma(N -> l- P+), GS: G_F^2 f^2 |V|^2 M^3/(16 pi) [(1 - xl^2)^2 - xh^2 (1 + xl^2)] lambda^1/2."""
    mass = np.asarray(mass, dtype=float)
    xl, xh = (m_lepton / mass) ** 2, (m_meson / mass) ** 2
    kin = ((1.0 - xl) ** 2 - xh * (1.0 + xl)) * np.sqrt(np.clip(kallen(1.0, xh, xl), 0.0, None))
    w = G_F**2 * f_meson**2 * v_ckm**2 * mass**3 / (16.0 * math.pi) * kin
    return np.where(mass > m_lepton + m_meson, np.clip(w, 0.0, None), 0.0)


def width_lepton_rho(mass, m_lepton):
    """Gamma(N -> l- rho+), GS: g_rho^2 G_F^2 |V_ud|^2 M^3/(8 pi m_rho^2)
    [(1 - xl^2)^2 + xh^2 (1 + xl^2 - 2 xh^2)] lambda^1/2."""
    mass = np.asarray(mass, dtype=float)
    m_rho = MASS["rho(770)+"]
    xl, xh = (m_lepton / mass) ** 2, (m_rho / mass) ** 2
    kin = ((1.0 - xl) ** 2 + xh * (1.0 + xl - 2.0 * xh)) * np.sqrt(np.clip(kallen(1.0, xh, xl), 0.0, None))
    w = G_RHO**2 * G_F**2 * V_CKM["u", "d"] ** 2 * mass**3 / (8.0 * math.pi * m_rho**2) * kin
    return np.where(mass > m_lepton + m_rho, np.clip(w, 0.0, None), 0.0)


def gs2007_unit_widths(mass, flavour: str) -> dict[str, np.ndarray]:
    """Dirac GS partial widths [GeV] for |U_flavour|^2 = 1, vectorised over mass (zeros where closed);
    channel names as in `hnlreach.physics.decays`."""
    if flavour not in FLAVOURS:
        raise HNLInputError(f"unknown mixing flavour {flavour!r}: use e, mu or tau")
    m = np.atleast_1d(np.asarray(mass, dtype=float))
    if np.any(~np.isfinite(m)) or np.any(m <= 0) or np.any(m > MAX_MASS_GEV):
        raise HNLInputError(f"the GS 2007 single-meson width model is implemented for 0 < m_N <= {MAX_MASS_GEV} GeV")
    ml = LEPTON_MASS
    out = {"N -> nu nu nu": width_invisible(m)}
    for beta in FLAVOURS:
        out[f"N -> nu {_ANTI[beta]} {_LEP[beta]}"] = width_nu_ll(m, ml[beta], beta == flavour)
        if beta != flavour:
            out[f"N -> {_LEP[flavour]} {_ANTI[beta]} nu"] = width_l_l_nu(m, ml[flavour], ml[beta])
    out["N -> nu pi0"] = width_nu_pseudoscalar(m, MASS["pi0"], F_PI)
    out["N -> nu eta"] = width_nu_pseudoscalar(m, MASS["eta"], F_ETA)
    out["N -> nu eta'(958)"] = width_nu_pseudoscalar(m, MASS["eta'(958)"], F_ETAPRIME)
    out["N -> nu rho(770)0"] = width_nu_rho0(m)
    lep = _LEP[flavour]
    out[f"N -> {lep} pi+"] = width_lepton_pseudoscalar(m, ml[flavour], MASS["pi+"], F_PI, V_CKM["u", "d"])
    out[f"N -> {lep} K+"] = width_lepton_pseudoscalar(m, ml[flavour], MASS["K+"], F_K, V_CKM["u", "s"])
    out[f"N -> {lep} rho(770)+"] = width_lepton_rho(m, ml[flavour])
    return out


def gs2007_partial_widths(mass: float, mixing, majorana: bool) -> dict[str, float]:
    """Channel -> GS width [GeV] for (|U_e|^2, |U_mu|^2, |U_tau|^2); open channels only; Majorana
    convention of `hnlreach.physics.decays.mixing_partial_widths`."""
    from hnlreach.physics.decays import combine_flavours

    return combine_flavours(
        mixing, lambda f: {ch: float(w[0]) for ch, w in gs2007_unit_widths(float(mass), f).items()}, majorana)


class GS2007HNL(HNL):
    """An HNL (mass mixing only) whose widths follow Gorbunov-Shaposhnikov 2007; decay kinematics
    (sample_decays) are those of the default model."""

    @cached_property
    def partial_widths(self) -> dict[str, float]:
        if any(self.dipole):
            raise HNLInputError("the GS 2007 width model covers mass mixing only")
        return gs2007_partial_widths(self.mass, self.mixing, self.majorana)

