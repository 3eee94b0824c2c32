"""Independent fits of tau hadronic spectra (for tests that cross-check the package's line shapes)."""
import numpy as np

from hnlreach.physics import tau_decays as td
from hnlreach.physics.constants import MASS

M_PI = MASS["pi+"]


def _k(s):
    return np.sqrt(np.clip(s - 4 * M_PI**2, 0, None)) / 2


def _h(s):
    rs = np.sqrt(s)
    return 2 / np.pi * _k(s) / rs * np.log((rs + 2 * _k(s)) / (2 * M_PI))


def _bw_gs(s, M, G):
    """Gounaris-Sakurai, PRL 21 (1968) 244 (form of Belle, arXiv:0805.3773 eqs. (8)-(12))."""
    km, eps = _k(M * M), 1e-6
    dh = (_h(M * M + eps) - _h(M * M - eps)) / (2 * eps)
    f = G * M * M / km**3 * (_k(s) ** 2 * (_h(s) - _h(M * M)) + (M * M - s) * km**2 * dh)
    d = (3 / np.pi * M_PI**2 / km**2 * np.log((M + 2 * km) / (2 * M_PI)) + M / (2 * np.pi * km)
         - M_PI**2 * M / (np.pi * km**3))
    return M * M * (1 + d * G / M) / (M * M - s + f - 1j * M * G * (M / np.sqrt(s)) * (_k(s) / km) ** 3)


def _shape_pipi_belle(s):
    """Belle tau -> pi pi0 nu fit (arXiv:0805.3773 Table IV, GS, rho(770), rho(1450), rho(1700))."""
    beta, gam = 0.15 * np.exp(1j * np.radians(202)), 0.028 * np.exp(1j * np.radians(24))
    f = (_bw_gs(s, 0.7746, 0.1481) + beta * _bw_gs(s, 1.446, 0.434) + gam * _bw_gs(s, 1.728, 0.164)) / (1 + beta + gam)
    return (2 * _k(s) / np.sqrt(s)) ** 3 * np.abs(f) ** 2


def _shape_3pi_cleo(masses):
    """a1 parameters of the CLEO tau -> pi- 2pi0 nu fit, PRD 61 (2000) 012002 (m = 1.331, Gamma = 0.814)."""
    th = sum(masses) ** 2
    return lambda s: td.shape_three_pion(s, (1.331, 0.814), th)


