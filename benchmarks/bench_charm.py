#!/usr/bin/env python3
"""Time the default CHARM tau-mixing contour (`hnlreach limit charm` defaults: 24 masses x 60000
HNLs) in one process and with all cores, and the KM3NeT default contour.

Usage: python benchmarks/bench_charm.py
"""
import time

import numpy as np


def main():
    from hnlreach.experiments import load_experiment
    from hnlreach.scan import parse_mass_grid
    from hnlreach.validation.charm import contour

    for name in ("charm", "km3net-atmospheric"):
        exp = load_experiment(name)
        grid = parse_mass_grid(exp.model.masses)
        for jobs in (1, None):
            t0 = time.perf_counter()
            res = contour(name, grid, jobs=jobs)
            dt = time.perf_counter() - t0
            lo = np.array([np.nan if x is None else x for x in res.lower])
            print(f"{name}: {grid.size} masses x {exp.model.n_hnl} HNLs, jobs={jobs or 'all'}: {dt:.2f} s "
                  f"(min lower |U|^2 {np.nanmin(lo):.3e})")


if __name__ == "__main__":
    main()
