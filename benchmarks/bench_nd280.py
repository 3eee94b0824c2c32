"""Benchmark: a 40-mass dipole contour for the ND280 2019 preset on 2 cores (target < 2 min);
prints the wall time and its ratio to the time of one mass."""
import time

import numpy as np

from hnlreach.validation.nd280_dipole import contour

if __name__ == "__main__":
    t = time.perf_counter()
    contour("nd280", [0.3], n_hnl=20_000, jobs=1)
    t1 = time.perf_counter() - t
    t = time.perf_counter()
    r = contour("nd280", np.geomspace(0.02, 1.0, 40), n_hnl=20_000, jobs=2)
    dt = time.perf_counter() - t
    ok = [m for m, lo in zip(r.masses, r.lower) if lo is not None]
    print(f"40 masses in {dt:.1f} s on 2 jobs (one mass: {t1:.1f} s; ratio {dt / t1:.1f}); "
          f"limit from {min(ok):.3f} to {max(ok):.3f} GeV; {'PASS' if dt < 120 else 'FAIL'} (< 120 s)")
