"""Benchmark: a 50-mass contour of toy-dump with 1e5 HNLs per mass (target: < 20 s on 2 cores).

    python benchmarks/bench_toy_dump.py [--masses 0.2:1.9:50] [--n-hnl 100000] [--jobs 2]

Runs exactly what `hnlreach limit toy-dump` runs (engine sample per mass + hnlreach.scan root
finding on both boundaries, local processes) and prints the wall time of the whole contour and
its ratio to the time of one mass in this process (a machine-independent figure of merit:
perfect 2-core scaling of 50 masses would be 25x).
"""
from __future__ import annotations

import argparse
import functools
import os
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--masses", default="0.2:1.9:50")
    ap.add_argument("--n-hnl", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    t_start = time.perf_counter()
    from hnlreach.api import G_RANGE, sample_at
    from hnlreach.experiments import load_experiment
    from hnlreach.scan import find_excluded_intervals, parse_mass_grid, scan_masses

    exp = load_experiment("toy-dump")
    n_limit = exp.statistics.events_limit()
    masses = parse_mass_grid(args.masses)
    factory = functools.partial(sample_at, path="toy-dump", mixing="mu", dipole=None, majorana=True,
                                n_hnl=args.n_hnl)

    def one(m, seed):
        s = factory(m, np.random.default_rng(seed))
        return find_excluded_intervals(s.n, n_limit, G_RANGE["mixing"])

    mid = float(masses[len(masses) // 2])
    one(mid, 0)  # warm-up: imports, particle tables
    t0 = time.perf_counter()
    one(mid, 1)
    t_one = time.perf_counter() - t0

    t1 = time.perf_counter()
    result = scan_masses(masses, factory, n_limit, G_RANGE["mixing"], seed=args.seed, jobs=args.jobs,
                         quiet=True)
    t_all = time.perf_counter() - t1
    n_excl = sum(r.lower is not None for r in result.results)
    n_entries = [r.stats.get("n_entries", 0) for r in result.results]
    print(f"toy-dump contour: {len(masses)} masses x {args.n_hnl} HNLs/mass, jobs={args.jobs}, "
          f"cpu_count={os.cpu_count()}; excluded at {n_excl}/{len(masses)} masses; "
          f"decay-volume entries/mass {min(n_entries)}..{max(n_entries)}")
    print(f"  one mass (sample + both boundaries, in-process): {t_one:.3f} s")
    print(f"  full contour: {t_all:.2f} s = {t_all / t_one:.1f} x one mass "
          f"(serial would be {len(masses)} x); setup {t0 - t_start:.2f} s")
    print(f"  target < 20 s: {'PASS' if t_all < 20 else 'FAIL'}")


if __name__ == "__main__":
    main()
