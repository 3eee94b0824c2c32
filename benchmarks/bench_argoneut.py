"""Benchmark: the full default ArgoNeuT contour (`hnlreach limit argoneut`) on 2 cores, and the
ratio to one mass.  Target: < 60 s.  Run: python benchmarks/bench_argoneut.py"""
import functools
import time


from hnlreach.api import G_RANGE, sample_at
from hnlreach.experiments import load_experiment
from hnlreach.scan import parse_mass_grid, scan_masses


def main():
    exp = load_experiment("argoneut")
    grid = parse_mass_grid(exp.model.masses)
    factory = functools.partial(sample_at, path=str(exp.path), mixing="tau", dipole=None,
                                majorana=False, n_hnl=exp.model.n_hnl)
    n_lim = exp.statistics.events_limit()
    t0 = time.perf_counter()
    scan_masses(grid[:1], factory, n_lim, G_RANGE["mixing"], jobs=1, quiet=True)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = scan_masses(grid, factory, n_lim, G_RANGE["mixing"], jobs=2, quiet=True)
    full = time.perf_counter() - t0
    reach = max(m for m, lo in zip(grid, res.lower) if lo is not None)
    print(f"argoneut: {grid.size} masses x {exp.model.n_hnl} HNLs, 2 jobs: {full:.1f} s "
          f"(one mass: {one:.2f} s, ratio {full / one:.1f}); largest excluded mass {reach:.3f} GeV")
    print("PASS" if full < 60 else "SLOW", "(target < 60 s)")


if __name__ == "__main__":
    main()
