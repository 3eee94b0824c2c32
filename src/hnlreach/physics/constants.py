"""Physical constants, particle masses and hadronic inputs (GeV, metres, seconds).

Masses and lifetimes come from the `particle` package (PDG tables); electroweak
constants from PDG 2022; hadronic decay constants and CKM elements as quoted in
Bondarenko et al., arXiv:1805.08567 (Tables 2, 8, 9) unless stated otherwise.
"""
from __future__ import annotations

import math

from hepunits import constants as _hc
from particle import Particle

# --- electroweak and unit constants (PDG 2022) ---------------------------------
G_F = 1.1663788e-5  # Fermi constant [GeV^-2], PDG 2022
ALPHA_EM = 1.0 / 137.035999084  # fine-structure constant at q^2 = 0
SIN2_THETA_W = 0.23121  # sin^2(theta_W) MS-bar at M_Z, PDG 2022
M_Z = 91.1876  # Z mass [GeV], PDG 2022
HBARC_GEV_M = _hc.hbarc / (1e3 * 1e3)  # hbar*c in GeV*m (hepunits: MeV*mm) = 1.9733e-16
HBAR_GEV_S = _hc.hbar / (1e3 * 1e9)  # hbar in GeV*s (hepunits: MeV*ns) = 6.582e-25
GEV2_TO_CM2 = (HBARC_GEV_M * 100.0) ** 2  # (hbar c)^2 in GeV^2 cm^2 = 3.894e-28
C_LIGHT_M_S = _hc.c_light / (1e3 / 1e9)  # speed of light in m/s (hepunits: mm/ns)

# --- particle names and PDG ids -----------------------------------------------
# The names used in channel strings are the `particle` package's names.
PDGID = {
    "e-": 11, "mu-": 13, "tau-": 15, "nu": 12,
    "pi+": 211, "pi0": 111, "K+": 321, "K0": 311, "K(L)0": 130, "eta": 221, "eta'(958)": 331,
    "rho(770)+": 213, "rho(770)0": 113, "omega(782)": 223, "phi(1020)": 333,
    "K*(892)+": 323, "K*(892)0": 313,
    "D+": 411, "D0": 421, "D(s)+": 431, "D*(2010)+": 413, "D*(2007)0": 423, "D(s)*+": 433,
    "B+": 521, "B0": 511, "B(s)0": 531, "B(c)+": 541, "eta(c)(1S)": 441, "J/psi(1S)": 443,
    "p": 2212, "n": 2112, "gamma": 22,
}


def _mass(pdgid: int) -> float:
    """PDG mass in GeV from the `particle` package."""
    return Particle.from_pdgid(pdgid).mass / 1e3


def _lifetime(pdgid: int) -> float:
    """PDG lifetime in seconds from the `particle` package."""
    return Particle.from_pdgid(pdgid).lifetime * 1e-9


MASS = {name: _mass(pid) for name, pid in PDGID.items() if name not in ("nu", "gamma")}
MASS["nu"] = 0.0
MASS["gamma"] = 0.0
# charge-conjugate aliases for convenience
for _n in ("e", "mu", "tau"):
    MASS[_n + "+"] = MASS[_n + "-"]
MASS["pi-"] = MASS["pi+"]
MASS["K-"] = MASS["K+"]
MASS["D-"] = MASS["D+"]
MASS["D(s)-"] = MASS["D(s)+"]
MASS["D~0"] = MASS["D0"]
MASS["D*(2010)-"] = MASS["D*(2010)+"]
MASS["D*(2007)~0"] = MASS["D*(2007)0"]
MASS["D(s)*-"] = MASS["D(s)*+"]
MASS["rho(770)-"] = MASS["rho(770)+"]
MASS["K*(892)-"] = MASS["K*(892)+"]
MASS["K~0"] = MASS["K0"]
MASS["K*(892)~0"] = MASS["K*(892)0"]
for _nu in ("nu(e)", "nu(mu)", "nu(tau)", "nu(e)~", "nu(mu)~", "nu(tau)~"):
    MASS[_nu] = 0.0

M_E = MASS["e-"]
M_MU = MASS["mu-"]
M_TAU = MASS["tau-"]
M_PROTON = MASS["p"]
M_NEUTRON = MASS["n"]
LEPTON_MASS = {"e": M_E, "mu": M_MU, "tau": M_TAU}
FLAVOURS = ("e", "mu", "tau")

LIFETIME_S = {
    "mu-": _lifetime(13), "tau-": _lifetime(15), "pi+": _lifetime(211), "K+": _lifetime(321),
    "K(L)0": _lifetime(130),
    "D+": _lifetime(411), "D0": _lifetime(421), "D(s)+": _lifetime(431),
    "B+": _lifetime(521), "B0": _lifetime(511), "B(s)0": _lifetime(531), "B(c)+": _lifetime(541),
}

# --- CKM matrix elements (PDG 2022 central values, moduli) ---------------------
V_CKM = {
    ("u", "d"): 0.97373, ("u", "s"): 0.2243, ("u", "b"): 3.82e-3,
    ("c", "d"): 0.221, ("c", "s"): 0.975, ("c", "b"): 40.8e-3,
    ("t", "d"): 8.6e-3, ("t", "s"): 41.5e-3, ("t", "b"): 1.014,
}

# --- meson decay constants [GeV] (arXiv:1805.08567 Tables 8 and 9) -------------
# Charged pseudoscalars: <0|A_mu|P(p)> = i f_P p_mu.  Neutral ones enter through
# the Z current with the conventions of arXiv:1805.08567 eq. (3.7)-(3.9).
F_PSEUDOSCALAR = {
    "pi+": 0.1302, "pi0": 0.1302, "K+": 0.1556, "D+": 0.212, "D(s)+": 0.249,
    "B+": 0.187, "B(s)0": 0.227, "B(c)+": 0.434,
    "eta": 0.0817, "eta'(958)": -0.0947, "eta(c)(1S)": 0.237,
}
# Vector mesons: <0|V_mu|V(p, eps)> = i f_V m_V eps_mu (arXiv:1805.08567 Table 9).
F_VECTOR = {
    "rho(770)+": 0.210, "rho(770)0": 0.210, "omega(782)": 0.195, "phi(1020)": 0.229,
    "K*(892)+": 0.204, "D*(2010)+": 0.252, "D(s)*+": 0.290, "J/psi(1S)": 0.411,
}

# Fundamental quark masses used by the inclusive hadronic width [GeV].
QUARK_MASS = {"u": 2.16e-3, "d": 4.67e-3, "s": 0.093, "c": 1.27, "b": 4.18}


def kallen(a, b, c):
    """Källén triangle function lambda(a, b, c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc."""
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


def ctau_m(width_gev: float) -> float:
    """Proper decay length c*tau in metres for a total width in GeV."""
    return math.inf if width_gev <= 0.0 else HBARC_GEV_M / width_gev
