"""Timing acceptances of triggers relative to the beam spill."""
from __future__ import annotations

import numpy as np

C_M_S = 299_792_458.0


def arrival_after_spill(mass: float, energies, baseline_m: float, spill_s: float,
                        window_start_s: float | None = None, window_end_s: float | None = None) -> np.ndarray:
    """Fraction of HNLs of energy E reaching a detector at baseline_m inside a trigger window, protons
    uniform over a spill of length spill_s: with dt = (L/c)(E/p - 1) the delay behind light (time of
    flight) and times counted from the arrival of light from the spill's start, the HNL arrives at
    t0 + dt, t0 uniform in [0, spill], and counts if window_start <= t0 + dt <= window_end:
    |[0, spill] & [start - dt, end - dt]| / spill.  Default window: from the end of the spill on
    (start = spill, no end), i.e. min(1, dt / spill) (e.g. MicroBooNE's trigger after the BNB spill,
    arXiv:1911.10545)."""
    e = np.asarray(energies, dtype=float)
    p = np.sqrt(np.clip(e * e - mass * mass, 1e-300, None))
    dt = baseline_m / C_M_S * (e / p - 1.0)
    start = spill_s if window_start_s is None else window_start_s
    end = np.inf if window_end_s is None else window_end_s
    lo = np.clip(start - dt, 0.0, spill_s)
    hi = np.clip(end - dt, 0.0, spill_s)
    return np.clip(hi - lo, 0.0, None) / spill_s
