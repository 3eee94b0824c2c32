"""Cosmic-ray protons and their charm production in the atmosphere (Boiarska et al. arXiv:2107.14685 appendix B).

- ``proton_flux``: the primary proton spectrum of Boiarska et al. arXiv:2107.14685 eq. (B1) (a knee at 5e6 GeV).
- ``sigma_pp_total_mb``: the PDG high-energy fit of sigma_tot(pp) (PDG Review of Particle Physics,
  "Plots of cross sections and related quantities", eq. for sigma^{ab} with the COMPETE/PDG
  parameters of 2016-2018: Z = 34.41 mb, Y1 = 13.07 mb, Y2 = 7.394 mb, eta1 = 0.4473,
  eta2 = 0.5486, M = 2.1206 GeV, B = pi (hbar c)^2 / M^2).
- ``sigma_ccbar_mb``: sigma(pp -> c cbar X), log-log interpolation of measured total charm cross
  sections (experiments/data/km3net/sigma_ccbar_pp.csv, with references).  Boiarska et al. arXiv:2107.14685 eq. (B3)
  uses FONLL; the measured points bracket FONLL within its (large) scale uncertainty.
- ``charm_fraction``: sigma(pp -> c cbar X) / sigma_pp,total, the probability per collision of a
  primary proton to make a c cbar pair (the approach of Boiarska et al. arXiv:2107.14685 eq. B3).
Energies: E is the proton energy in the frame of the atmosphere (lab) [GeV].
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from hnlreach.physics.constants import GEV2_TO_CM2, M_PROTON

KNEE_GEV = 5.0e6  # knee of the proton flux, Boiarska et al. arXiv:2107.14685 eq. (B1)
SIGMA_CC_TABLE = Path(__file__).resolve().parents[1] / "experiments" / "data" / "km3net" / "sigma_ccbar_pp.csv"
_HBARC2_MB_GEV2 = GEV2_TO_CM2 * 1e27  # (hbar c)^2 in mb GeV^2 (1 mb = 1e-27 cm^2)


def proton_flux(energy):
    """dPhi/(dOmega dt dS dE) [GeV^-1 sr^-1 cm^-2 s^-1], Boiarska et al. arXiv:2107.14685 eq. (B1):
    1.7 E^-2.7 below 5e6 GeV, 174 E^-3 above (E in GeV)."""
    e = np.asarray(energy, dtype=float)
    return np.where(e < KNEE_GEV, 1.7 * e ** -2.7, 174.0 * e ** -3.0)


def sqrt_s(energy):
    """Centre-of-mass energy [GeV] of a proton of lab energy E on a nucleon at rest."""
    e = np.asarray(energy, dtype=float)
    return np.sqrt(2.0 * M_PROTON ** 2 + 2.0 * M_PROTON * e)


def sigma_pp_total_mb(energy):
    """sigma_tot(pp) [mb] at lab energy E (PDG fit, module docstring)."""
    s = sqrt_s(energy) ** 2
    M = 2.1206
    B = math.pi * _HBARC2_MB_GEV2 / M ** 2
    s_M = (2.0 * M_PROTON + M) ** 2
    return 34.41 + B * np.log(s / s_M) ** 2 + 13.07 * s ** -0.4473 - 7.394 * s ** -0.5486


@lru_cache(maxsize=1)
def _cc_table():
    a = np.loadtxt(SIGMA_CC_TABLE, delimiter=",", comments="#", ndmin=2)
    return np.log(a[:, 0]), np.log(a[:, 1])


def sigma_ccbar_mb(energy):
    """sigma(pp -> c cbar X) [mb] at lab energy E: log-log interpolation of the measured table,
    linear extrapolation in log-log outside it, capped at sigma_tot/3."""
    x, y = _cc_table()
    ls = np.log(sqrt_s(energy))
    lo_slope = (y[1] - y[0]) / (x[1] - x[0])
    hi_slope = (y[-1] - y[-2]) / (x[-1] - x[-2])
    val = np.interp(ls, x, y)
    val = np.where(ls < x[0], y[0] + lo_slope * (ls - x[0]), val)
    val = np.where(ls > x[-1], y[-1] + hi_slope * (ls - x[-1]), val)
    return np.minimum(np.exp(val), sigma_pp_total_mb(energy) / 3.0)


def charm_fraction(energy):
    """c cbar pairs per pp collision, sigma(pp -> c cbar X) / sigma_pp,total (Boiarska et al. arXiv:2107.14685 eq. B3)."""
    return sigma_ccbar_mb(energy) / sigma_pp_total_mb(energy)
