"""Timing acceptances of triggers relative to the beam spill."""
from __future__ import annotations

import numpy as np

C_M_S = 299_792_458.0


def arrival_after_spill(mass: float, energies, baseline_m: float, spill_s: float) -> np.ndarray:
    """Fraction of HNLs of energy E reaching a detector at baseline_m after the end of a beam spill of
    length spill_s, protons uniform over the spill: min(1, dt / spill), dt = (L/c)(E/p - 1) the delay behind
    light (time of flight; e.g. MicroBooNE's trigger after the BNB spill, arXiv:1911.10545)."""
    e = np.asarray(energies, dtype=float)
    p = np.sqrt(np.clip(e * e - mass * mass, 1e-300, None))
    dt = baseline_m / C_M_S * (e / p - 1.0)
    return np.clip(dt / spill_s, 0.0, 1.0)
