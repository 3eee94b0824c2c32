"""Dirac algebra for numerical helicity amplitudes (Dirac representation, metric (+,-,-,-)).

Used to evaluate tree-level amplitudes straight from the Feynman rules of a Lagrangian, with the
interference of every diagram and a definite helicity of each external fermion (the method of
helicity-amplitude codes, e.g. Murayama, Watanabe, Hagiwara, HELAS, KEK-91-11).  Arrays of four-vectors
have shape (n, 4); spinors (n, 4) complex.
"""
from __future__ import annotations

import numpy as np

_I2 = np.eye(2)
_SIGMA = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)
GAMMA = np.zeros((4, 4, 4), dtype=complex)
GAMMA[0] = np.block([[_I2, 0 * _I2], [0 * _I2, -_I2]])
for _k in range(3):
    GAMMA[_k + 1] = np.block([[0 * _I2, _SIGMA[_k]], [-_SIGMA[_k], 0 * _I2]])
GAMMA5 = np.block([[0 * _I2, _I2], [_I2, 0 * _I2]]).astype(complex)
PL = 0.5 * (np.eye(4) - GAMMA5)
PR = 0.5 * (np.eye(4) + GAMMA5)
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
# sigma^{mu nu} = i/2 [gamma^mu, gamma^nu]
SIGMA_MUNU = 0.5j * (np.einsum("mab,nbc->mnac", GAMMA, GAMMA) - np.einsum("nab,mbc->mnac", GAMMA, GAMMA))


def lower(p):
    """p_mu from p^mu."""
    return p * np.array([1.0, -1.0, -1.0, -1.0])


def dot(a, b):
    """Minkowski product of (..., 4) arrays (complex allowed)."""
    return a[..., 0] * b[..., 0] - a[..., 1] * b[..., 1] - a[..., 2] * b[..., 2] - a[..., 3] * b[..., 3]


def _two_spinor(theta, hel, phi=None):
    """Helicity eigenstate chi_hel along (sin theta cos phi, sin theta sin phi, cos theta), shape (n, 2)."""
    c, s = np.cos(0.5 * theta), np.sin(0.5 * theta)
    if phi is None:
        return np.stack([c, s], -1) if hel > 0 else np.stack([-s, c], -1)
    e = np.exp(1j * np.asarray(phi))
    return np.stack([c + 0j, e * s], -1) if hel > 0 else np.stack([-np.conj(e) * s, c + 0j], -1)


def u_helicity(E, p, theta, hel, phi=None):
    """Dirac spinor u(p, hel) of momentum |p| along polar angle theta (azimuth phi, default 0), helicity hel = +-1."""
    chi = _two_spinor(theta, hel, phi)
    m = np.sqrt(np.maximum(E * E - p * p, 0.0))
    a = np.sqrt(E + m)[..., None]
    b = np.sqrt(np.maximum(E - m, 0.0))[..., None]
    return np.concatenate([a * chi, hel * b * chi], -1).astype(complex)


def v_helicity(E, p, theta, hel):
    """Antiparticle spinor of helicity hel: v(p, hel) = gamma5 u(p, -hel) (satisfies (pslash + m) v = 0)."""
    return u_helicity(E, p, theta, -hel) @ GAMMA5.T


def u_spin(p4, m, s):
    """u(p, s) in the standard basis (spin s = +-1 along z in the rest frame); any complete basis does for spin sums."""
    E = p4[..., 0]
    xi = np.array([1.0, 0.0]) if s > 0 else np.array([0.0, 1.0])
    sig_p = np.einsum("kab,nk->nab", _SIGMA, p4[..., 1:])
    lower_part = np.einsum("nab,b->na", sig_p, xi) / np.sqrt(E + m)[..., None]
    upper = np.sqrt(E + m)[..., None] * xi[None, :]
    return np.concatenate([upper, lower_part], -1).astype(complex)


def bar(u):
    return np.conj(u) @ GAMMA[0]


def current(ubar, matrix, u):
    """ubar Gamma^mu u for Gamma^mu = matrix (4, 4, 4) [mu, a, b] -> (n, 4) with an upper index."""
    return np.einsum("na,mab,nb->nm", ubar, matrix, u)


def scalar(ubar, matrix, u):
    return np.einsum("na,ab,nb->n", ubar, matrix, u)
