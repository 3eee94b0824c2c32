"""Dipole-portal (transition magnetic moment) HNL decays: N -> nu gamma and N -> nu l+ l- via gamma*.

Convention (Liu et al. arXiv:2412.15051 eq. 2):  L = d_alpha  nu-bar_alpha sigma_{mu nu} F^{mu nu} N + h.c.,  d in GeV^-1;
tools that write L = (mu_tr/2) nu-bar sigma F N use mu_tr = 2 d (Hostert's NuTools 2022 talk; DarkNews `mu_tr_a4`, whose
internal vertex is t_a4 = mu_tr/2 = d, DarkNews/model.py `_set_vertices_common`).

Normalisation (one Lagrangian for production and decay).  With the chiral projection of the
operator, the explicit trace (tests/physics/test_dipole_traces.py, numpy Dirac matrices) gives for a
Dirac HNL
    Gamma(N -> nu gamma) = |d|^2 m^3 / (4 pi)      (Majorana: x 2, N -> nu gamma and nu-bar gamma),
with |d|^2 = sum_alpha |d_alpha|^2 -- as Magill et al. arXiv:1803.03262 and Brdar et al.
arXiv:2007.15563 (without a projection it would be m^3/(2 pi)).  The same operator gives the
upscattering cross section of `hnlreach.physics.upscattering` (equal to DarkNews 0.4.8's to 1e-3).
This is the default, normalisation="lagrangian".

normalisation="darknews" reproduces DarkNews 0.4.8 (`decay_rates.gamma_Ni_to_Nj_gamma`, the code
the ND280 analysis of Liu et al. ran on): Gamma(N -> nu gamma) = |d|^2 m^3 / (8 pi), half of the
above for the same d (every dipole width is halved; its upscattering is unchanged), i.e. a lifetime
2x longer relative to production.  Use it only to reproduce results obtained with DarkNews.

N -> nu l+ l- through gamma*: the spin-summed |M|^2 is derived here (derivation in
`_dipole_msq_reduced`) with the *same* coupling normalisation as the photon channel, so that
Gamma(nu l l)/Gamma(nu gamma) is the convention-free QED ratio.  Integrated over the lepton angles it
factorises (Kroll-Wada form, cf. Magill et al. 1803.03262 sec. II):
    dGamma/dq^2 = Gamma_gamma (1 - x)^2 (1 + x/2) * alpha/(3 pi q^2) (1 + 2 m_l^2/q^2) sqrt(1 - 4 m_l^2/q^2),
    x = q^2/m^2,  4 m_l^2 < q^2 < m^2,
exact in m_l.  At m = 100 MeV, BR(nu e+ e-) = 0.58 % (Liu et al. arXiv:2412.15051 quotes "~0.7 %" from arXiv:2109.03831).
Known discrepancy: DarkNews 0.4.8's own dilepton amplitude (`diff_gamma_Ni_to_Nj_ell_ell`, TMM_SQR)
uses dij = Tih/2 = d/2, i.e. a *second* halving, and its nu l+ l- width is exactly 1/2 of ours in
the "darknews" normalisation (its internal BR(nu e e) at 100 MeV is 0.29 %); we keep the physical
ratio to the photon width in both normalisations.
Interference with the mixing (Z/W) amplitudes is neglected (Liu et al. arXiv:2412.15051 sec. II).
"""
from __future__ import annotations

import math

import numpy as np

from hnlreach.errors import HNLInputError
from hnlreach.physics.constants import ALPHA_EM, LEPTON_MASS
from hnlreach.physics.kinematics import gauss_legendre

__all__ = [
    "DIPOLE_CHANNELS", "NORMALISATIONS", "check_normalisation", "gamma_nu_gamma", "dgamma_nu_ll_dq2", "gamma_nu_ll",
    "dipole_msq_nu_ll", "dipole_partial_widths",
]

DIPOLE_CHANNELS = {"N -> nu gamma": None, "N -> nu e+ e-": "e", "N -> nu mu+ mu-": "mu"}
# width factor relative to the self-consistent ("lagrangian") normalisation
NORMALISATIONS = {"lagrangian": 1.0, "darknews": 0.5}


def check_normalisation(normalisation: str) -> float:
    """Width factor of a dipole normalisation name (module docstring); HNLInputError if unknown."""
    try:
        return NORMALISATIONS[normalisation]
    except (KeyError, TypeError):
        raise HNLInputError(f"unknown dipole normalisation {normalisation!r}: use one of "
                            f"{', '.join(NORMALISATIONS)}") from None


def _check(mass, dipole):
    m = float(mass)
    if not math.isfinite(m) or m <= 0:
        raise HNLInputError(f"HNL mass must be a positive number of GeV, got {mass!r}")
    d = tuple(float(x) for x in dipole)
    if len(d) != 3 or not all(math.isfinite(x) for x in d):
        raise HNLInputError(f"dipole needs three finite couplings (d_e, d_mu, d_tau), got {dipole!r}")
    return m, sum(x * x for x in d)


def gamma_nu_gamma(mass: float, d2: float, majorana: bool = False, normalisation: str = "lagrangian") -> float:
    """Gamma(N -> nu gamma) = d^2 m^3/(4 pi) (x2 Majorana) from L = d nu-bar_L sigma F N + h.c.;
    d^2 m^3/(8 pi) with normalisation="darknews" (DarkNews 0.4.8 `gamma_Ni_to_Nj_gamma`)."""
    f = check_normalisation(normalisation)
    return (2.0 if majorana else 1.0) * f * d2 * mass**3 / (4.0 * math.pi)


def dgamma_nu_ll_dq2(q2, mass: float, m_l: float, d2: float = 1.0, majorana: bool = False,
                     normalisation: str = "lagrangian"):
    """dGamma(N -> nu l+ l-)/dq^2 [GeV^-1], q^2 = m_ll^2; gamma_gamma x Kroll-Wada factor (module doc)."""
    q2 = np.asarray(q2, dtype=float)
    x = q2 / mass**2
    r = 4.0 * m_l**2 / q2
    ok = (r < 1.0) & (x < 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = (gamma_nu_gamma(mass, d2, majorana, normalisation) * (1.0 - x) ** 2 * (1.0 + 0.5 * x)
               * ALPHA_EM / (3.0 * math.pi * q2) * (1.0 + 0.5 * r) * np.sqrt(np.clip(1.0 - r, 0, None)))
    return np.where(ok, val, 0.0)


def gamma_nu_ll(mass: float, m_l: float, d2: float = 1.0, majorana: bool = False,
                normalisation: str = "lagrangian") -> float:
    """Gamma(N -> nu l+ l-) through gamma*: dGamma/dq^2 integrated in ln q^2 (Gauss-Legendre, exact
    to < 1e-10 relative)."""
    if mass <= 2.0 * m_l:
        return 0.0
    hi = math.log(mass**2)
    # substitution q^2 = 4 m^2 + s^2 removes the sqrt threshold; then split in ln
    nodes, weights = gauss_legendre(200)  # computed once per process
    # first part: q^2 in [4m^2, 16m^2 or m^2] with q^2 = 4 m_l^2 + s^2
    q2_mid = min(16.0 * m_l**2, mass**2)
    s_max = math.sqrt(q2_mid - 4.0 * m_l**2)
    s = 0.5 * s_max * (nodes + 1.0)
    part1 = 0.5 * s_max * np.sum(weights * 2.0 * s * dgamma_nu_ll_dq2(4.0 * m_l**2 + s * s, mass, m_l, d2, majorana,
                                                                          normalisation))
    part2 = 0.0
    if q2_mid < mass**2:
        lo = math.log(q2_mid)
        t = lo + 0.5 * (hi - lo) * (nodes + 1.0)
        q2 = np.exp(t)
        part2 = 0.5 * (hi - lo) * np.sum(weights * q2 * dgamma_nu_ll_dq2(q2, mass, m_l, d2, majorana,
                                                                                    normalisation))
    return float(part1 + part2)


def _dipole_msq_reduced(mass, m_l, q2, s_nl_minus):
    """Spin-summed |M|^2 / (d^2 e^2) for N(p1) -> nu(p2) l-(k2) l+(k3) via gamma*, no chiral projection.

    Derivation: Gordon identity u-bar(p2) i sigma^{mu nu} q_nu u(p1) = u-bar(p2)[P^mu - M gamma^mu]u(p1),
    P = p1 + p2, q = p1 - p2 (m_nu = 0), vertex 2 d sigma^{mu nu} q_nu (from F_{mu nu}).  Then
    H^{mu nu} = 4[(p1.p2) P^mu P^nu - 2 M^2 p2^mu p2^nu - M^2 (p1.p2) g^{mu nu}]   (q_mu H^{mu nu} = 0),
    L_{mu nu} = 4[k2 k3 + k3 k2 - g (q^2/2)],  sum|M|^2 = 4 d^2 e^2 H.L / q^4 with
    H.L = 16[(p1.p2)(2 (P.k2)(P.k3) - P^2 q^2/2) - 4 M^2 (p2.k2)(p2.k3) + M^2 (p1.p2)(q^2 + 2 m_l^2)].
    The q^2 -> 0 photon limit of the same algebra gives sum|M|^2 = 4 d^2 * 4 M^4, i.e. Gamma = d^2 m^3/(2 pi).
    """
    M2 = mass * mass
    ml2 = m_l * m_l
    p1p2 = 0.5 * (M2 - q2)
    p2k2 = 0.5 * (s_nl_minus - ml2)
    s_nl_plus = M2 + 2.0 * ml2 - q2 - s_nl_minus
    p2k3 = 0.5 * (s_nl_plus - ml2)
    Pk2 = 2.0 * p2k2 + 0.5 * q2
    Pk3 = 2.0 * p2k3 + 0.5 * q2
    P2 = 2.0 * M2 - q2
    HL = 16.0 * (p1p2 * (2.0 * Pk2 * Pk3 - 0.5 * P2 * q2) - 4.0 * M2 * p2k2 * p2k3 + M2 * p1p2 * (q2 + 2.0 * ml2))
    return 4.0 * HL / (q2 * q2)


def dipole_msq_nu_ll(mass, m_l, s_nl_minus, q2, d2: float = 1.0, majorana: bool = False,
                     normalisation: str = "lagrangian"):
    """Spin-averaged |M|^2 for N -> nu l- l+ via gamma*, as a function of the Dalitz variables
    m^2(nu l-) and q^2 = m^2(l- l+): the unprojected trace times 1/2 (chiral projection P_R on the
    nu-bar side: one nu helicity) times 1/2 (N spin average), times the normalisation factor.
    Symmetric in l- <-> l+, so the same expression holds for Majorana (x2 overall)."""
    e2 = 4.0 * math.pi * ALPHA_EM
    f = check_normalisation(normalisation)
    return (2.0 if majorana else 1.0) * 0.25 * f * d2 * e2 * _dipole_msq_reduced(mass, m_l, q2, s_nl_minus)


def dipole_partial_widths(mass: float, dipole, majorana: bool = False,
                          normalisation: str = "lagrangian") -> dict[str, float]:
    """Partial widths [GeV] of the dipole portal: N -> nu gamma, N -> nu e+ e-, N -> nu mu+ mu-
    (the latter two open above 2 m_l); d = (d_e, d_mu, d_tau) in GeV^-1, summed in quadrature
    over the (unobserved) neutrino flavour; normalisation "lagrangian" (default) or "darknews"."""
    m, d2 = _check(mass, dipole)
    check_normalisation(normalisation)
    out = {"N -> nu gamma": gamma_nu_gamma(m, d2, majorana, normalisation)}
    for ch, fl in DIPOLE_CHANNELS.items():
        if fl is not None and m > 2.0 * LEPTON_MASS[fl]:
            out[ch] = gamma_nu_ll(m, LEPTON_MASS[fl], d2, majorana, normalisation)
    return out
