"""A neutrino-electron-elastic-like selection plug-in (hnlreach.plugins): one forward electromagnetic shower.

nu-e elastic analyses keep showers with E theta^2 below a cut (kinematics of nu e -> nu e:
E_e theta_e^2 < 2 m_e; MINERvA cuts at 0.0032 GeV rad^2, Park et al. arXiv:1512.07699, Valencia et al.
arXiv:1906.00111).  Used by the minerva preset for N -> nu gamma and N -> nu e+ e-: the shower is the
sum of the visible products (photons, electrons; neutrinos are never visible), E its energy and theta
its angle to the beam (+z).
"""
from __future__ import annotations

import numpy as np

_INVISIBLE = (12, 14, 16)


def select(pdg, p4, vertices, *, experiment, max_e_theta2_GeV: float = 0.0032):
    """pdg (n, k), p4 (n, k, 4): True where the visible shower has E theta^2 < max_e_theta2_GeV."""
    visible = ~np.isin(np.abs(np.asarray(pdg)), _INVISIBLE) & (np.asarray(pdg) != 0)
    shower = np.where(visible[..., None], p4, 0.0).sum(axis=1)
    p = np.linalg.norm(shower[:, 1:], axis=1)
    cos_t = np.divide(shower[:, 3], p, out=np.ones_like(p), where=p > 0)
    theta = np.arccos(np.clip(cos_t, -1.0, 1.0))
    return (p > 0) & (shower[:, 0] * theta * theta < max_e_theta2_GeV)
