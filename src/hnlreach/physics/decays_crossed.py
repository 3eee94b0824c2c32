"""N -> l- + light hadrons by crossing the measured tau hadronic spectra, and the light-quark continuum.

The charged current u dbar / u sbar that makes tau- -> nu H- also makes N -> l- H+.  With the
spectral density F_H(s) fixed by the tau (`hnlreach.physics.tau_decays`: measured BR and line shape,
V^2 F_H(s) = BR_H Gamma_tau 16 pi/(G_F^2 m_tau^3) rho_H(s) / int rho_H K_1(s, 0) ds),

    Gamma(N -> l- H+) = G_F^2 m_N^3/(16 pi) int ds V^2 F_H(s) K_N(s),
    K_N(s) = lambda^1/2(1, s/m^2, x_l)[(1 - x_l)^2 + (s/m^2)(1 + x_l) - 2 s^2/m^4],  x_l = m_l^2/m^2,

the spectral generalisation of the narrow N -> l V width of Bondarenko et al. arXiv:1805.08567
sec. 3.2.1 (F = f_V^2 delta(s - m_V^2) gives it back).  This replaces the narrow rho+ and K*+ (the
rho width included) and adds every multi-hadron class (3 pi, 4 pi, K pi pi, ...).  The neutral
current's isovector part gives N -> nu pi+ pi- = (kappa_rho^2/2)/|V_ud|^2 x the same integral with
m_l = 0 (CVC; kappa_rho = 1 - 2 sin^2 theta_W as for the narrow rho0 of 1805.08567 sec. 3.2.1).

Above s ~ 2-3 GeV^2 the tau spectra end (s < m_tau^2) and quark-hadron duality holds for V + A
(Braaten, Narison, Pich NPB 373 (1992) 581; ALEPH arXiv:1312.1501 Fig. 5): the measured classes are
faded out and the perturbative spectral density F = N_c (|V_ud|^2 + |V_us|^2)/(6 pi^2) r(s) faded in
with a C2 smoothstep in s over LIGHT_WINDOW_S, r(s) = 1 + a + 1.640 a^2 - 10.28 a^3, a = alpha_s(sqrt s)/pi
(R-ratio coefficients for n_f = 3, Gorishny-Kataev-Larin PLB 259 (1991) 144).  The continuum is the
light-quark part of the channel 'N -> l- hadrons+'.  Every width here is smooth in m_N above its
threshold.  N_c/(6 pi^2) is the parton-model density that gives N_c G_F^2 m^5/(192 pi^3) (checked in tests).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from hnlreach.physics import tau_decays as td
from hnlreach.physics.constants import G_F, HBAR_GEV_S, LEPTON_MASS, LIFETIME_S, MASS, V_CKM
from hnlreach.physics.decays_hadronic import N_COLOURS, alpha_s
from hnlreach.physics.kinematics import endpoint_nodes

LIGHT_WINDOW_S = (2.0, 3.0)  # GeV^2
_LEP = {"e": "e-", "mu": "mu-", "tau": "tau-"}
_CONJ = {"pi-": "pi+", "pi+": "pi-", "K-": "K+", "K+": "K-", "K0": "K~0", "K~0": "K0"}
NU_PIPI = "N -> nu pi+ pi-"


def smoothstep2(t):
    """C2 smoothstep 6t^5 - 15t^4 + 10t^3 on [0, 1] (0 below, 1 above)."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * t * (10.0 + t * (-15.0 + 6.0 * t))


def continuum_weight(s):
    """w(s): 0 below LIGHT_WINDOW_S[0], 1 above LIGHT_WINDOW_S[1] (share of the perturbative density)."""
    lo, hi = LIGHT_WINDOW_S
    return smoothstep2((np.asarray(s, dtype=float) - lo) / (hi - lo))


def kinematic_factor_n(s, mass, m_lepton):
    """K_N(s) of the module docstring (spin-1 hadronic system of mass^2 s in N -> l H): the tau K_1
    with the N as parent and the lepton as recoil."""
    return td.kinematic_factor_spin1(s, m_lepton, parent_mass=mass)


def charged_channel(class_name: str, flavour: str) -> str:
    """'tau- -> pi- pi0 N' -> 'N -> e- pi+ pi0' (the hadrons of N -> l- H+ are the conjugates)."""
    prods = td.CLASSES_BY_NAME[class_name].products
    return f"N -> {_LEP[flavour]} " + " ".join(_CONJ.get(p, p) for p in prods)


def _tau_width() -> float:
    return HBAR_GEV_S / LIFETIME_S["tau-"]


def crossed_width(class_name: str, mass, m_lepton: float):
    """Gamma(N -> l- H+) [GeV] at |U|^2 = 1 for tau class H (module docstring), vectorised."""
    c = td.CLASSES_BY_NAME[class_name]
    mass = np.atleast_1d(np.asarray(mass, dtype=float))
    hi = np.clip(mass - m_lepton, 0.0, None) ** 2
    open_ = hi > c.s_threshold
    s, w = endpoint_nodes(np.full_like(hi, c.s_threshold), np.where(open_, hi, c.s_threshold * 1.0001), td.N_NODES)
    f = c.shape(s) * (1.0 - continuum_weight(s)) * kinematic_factor_n(s, mass[:, None], m_lepton)
    integral = np.sum(f * w, axis=-1) / td._massless_integral(class_name)
    out = (mass / td.M_TAU) ** 3 * c.br_pdg * _tau_width() * integral
    return np.where(open_, out, 0.0)


def r_qcd(s):
    """R-ratio QCD correction 1 + a + 1.640 a^2 - 10.28 a^3 at mu = sqrt(s), n_f = 3 (docstring)."""
    a = alpha_s(np.sqrt(np.asarray(s, dtype=float))) / math.pi
    return 1.0 + a + 1.640 * a * a - 10.28 * a**3


def light_continuum_width(mass, m_lepton: float):
    """Perturbative u dbar + u sbar continuum of N -> l- hadrons+ [GeV], weighted by continuum_weight."""
    mass = np.atleast_1d(np.asarray(mass, dtype=float))
    lo = LIGHT_WINDOW_S[0]
    hi = np.clip(mass - m_lepton, 0.0, None) ** 2
    open_ = hi > lo
    s, w = endpoint_nodes(np.full_like(hi, lo), np.where(open_, hi, lo * 1.0001), td.N_NODES)
    dens = N_COLOURS * (V_CKM["u", "d"] ** 2 + V_CKM["u", "s"] ** 2) / (6.0 * math.pi**2)
    f = dens * continuum_weight(s) * r_qcd(s) * kinematic_factor_n(s, mass[:, None], m_lepton)
    out = G_F**2 * mass**3 / (16.0 * math.pi) * np.sum(f * w, axis=-1)
    return np.where(open_, out, 0.0)


def charged_widths(mass, flavour: str) -> dict[str, np.ndarray]:
    """N -> l_alpha- H+ for every crossed tau class: channel -> width [GeV] (|U_alpha|^2 = 1)."""
    m_l = LEPTON_MASS[flavour]
    return {charged_channel(c.name, flavour): crossed_width(c.name, mass, m_l) for c in td.TAU_HADRONIC_CLASSES}


def charged_thresholds(flavour: str) -> dict[str, float]:
    m_l = LEPTON_MASS[flavour]
    return {charged_channel(c.name, flavour): m_l + math.sqrt(c.s_threshold) for c in td.TAU_HADRONIC_CLASSES}


def nu_pipi_width(mass, kappa: float):
    """Gamma(N -> nu pi+ pi-) [GeV]: (kappa^2/2)/|V_ud|^2 x the crossed pi pi0 width at m_l = 0 (CVC).
    The pi+ pi- threshold (2 m_pi+) is used for the lower end; the tau pi- pi0 shape is kept."""
    mass = np.atleast_1d(np.asarray(mass, dtype=float))
    w = crossed_width("tau- -> pi- pi0 N", mass, 0.0)
    return np.where(mass > 2.0 * MASS["pi+"], 0.5 * kappa**2 / V_CKM["u", "d"] ** 2 * w, 0.0)


def class_of_channel(channel: str) -> tuple[str, float] | None:
    """(tau class, lepton mass) for a crossed channel name (either charge), or None."""
    return _channel_classes().get(channel)


@lru_cache(maxsize=1)
def _channel_classes() -> dict[str, tuple[str, float]]:
    from hnlreach.physics.decays import conjugate_channel  # decays imports this module

    out = {NU_PIPI: ("tau- -> pi- pi0 N", 0.0), "N -> nu pi- pi+": ("tau- -> pi- pi0 N", 0.0)}
    for fl in _LEP:
        for c in td.TAU_HADRONIC_CLASSES:
            name = charged_channel(c.name, fl)
            out.setdefault(name, (c.name, LEPTON_MASS[fl]))
            out.setdefault(conjugate_channel(name), (c.name, LEPTON_MASS[fl]))
    return out


def sample_s(class_name: str, mass: float, m_lepton: float, n: int, rng) -> np.ndarray:
    """n hadronic masses squared for N -> l H from rho_H(s)(1 - w(s)) K_N(s) (inverse CDF)."""
    c = td.CLASSES_BY_NAME[class_name]
    th = c.s_threshold if m_lepton > 0 else (2.0 * MASS["pi+"]) ** 2
    return td.sample_inverse_cdf(
        lambda s: c.shape(s) * (1.0 - continuum_weight(s)) * kinematic_factor_n(s, mass, m_lepton),
        th, (mass - m_lepton) ** 2, n, rng)
