"""Benchmark: a 30 x 30 (m4, Umu4) contour of a light-Z' model at MiniBooNE on 2 cores, and the DarkNews cost
of the same grid.  Target: < 60 s.  Run: python benchmarks/bench_dark_contour.py [--no-darknews]

Model (hnlreach TOML, docs/models.md): Dirac N4, m_Z' = 0.03 GeV, epsilon = 1e-3, gD = 1, U_D4 = 1,
Umu4 = 1e-3 the reference of the y-axis.  hnlreach limit --model: 30 values of m4 in 0.02-0.5 GeV (one
weighted sample each, grown until the boundary Umu4 has a 3 % MC error), Umu4 from the factorisation
sigma ∝ Umu4^2, Gamma ∝ Umu4^2 (rates.dark.coupling_scaling) on the scan's coupling grid (16 points per
decade) with root-finding; then N(m4, Umu4) is evaluated on the 30 x 30 grid from the same samples.
DarkNews 0.4.8 has no factorisation: one GenLauncher run per (m4, Umu4) point, timed here once in the
same process (miniboone_fhc, its default neval) and multiplied by 900."""
import functools
import os
import sys
import tempfile
import time

import numpy as np

MODEL = """name = "light Z' benchmark"
nature = "dirac"
m4 = 0.1
mzprime = 0.03
epsilon = 1e-3
gD = 1.0
[mixing]
mu4 = 1e-3
D4 = 1.0
"""


def cpu():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def darknews_point() -> float:
    """Wall time of one DarkNews event-rate run at one model point (miniboone_fhc, N4 -> nu e+ e-)."""
    import logging

    from DarkNews.GenLauncher import GenLauncher

    logging.getLogger("logger").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        gen = GenLauncher(experiment="miniboone_fhc", decay_product="e+e-", m4=0.1, mzprime=0.03, epsilon=1e-3,
                          gD=1.0, Umu4=1e-3, UD4=1.0, HNLtype="dirac", pandas=True, parquet=False, numpy=False,
                          hepevt=False, loglevel="ERROR", path=d)
        gen.run(loglevel="ERROR")
        return time.perf_counter() - t0


def main():
    import hnlreach
    from hnlreach.rates.dark import dark_sample_at

    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write(MODEL)
        path = f.name
    model = hnlreach.load_model(path)
    t0, c0 = time.perf_counter(), cpu()
    res = hnlreach.limit("miniboone", model=model, coupling_parameter="Umu4", masses="0.02:0.5:30", refine=0,
                         jobs=2, progress="none", cache=False)
    wall, cpu_s = time.perf_counter() - t0, cpu() - c0
    errs = np.array([e for _, _, e in res.boundary_errors("rel_coupling_error_at_boundaries")])
    errs_n = np.array([e for _, _, e in res.boundary_errors()])
    print(f"light Z' at miniboone, {len(res.masses)} m4 values x Umu4 (root-finding), 2 jobs: {wall:.1f} s wall, "
          f"{cpu_s:.1f} s CPU")
    print(f"  scaling: {res.model['scaling']}")
    print(f"  MC error of the boundary Umu4: median {100 * np.median(errs):.2g} %, max {100 * errs.max():.2g} %; "
          f"of N there: median {100 * np.median(errs_n):.2g} %, max {100 * errs_n.max():.2g} %")
    print(f"  Umu4 lower boundary: {res.lower[0]:.3g} at m4 = {res.masses[0]:.3g} GeV ... {res.lower[-1]:.3g} at "
          f"{res.masses[-1]:.3g} GeV")
    # the 30 x 30 table of expected events from one sample per m4
    t1 = time.perf_counter()
    factory = functools.partial(dark_sample_at, experiment="miniboone", model=model, parameter="Umu4",
                                mass_parameter="m4", n_hnl=20_000)
    u = np.geomspace(1e-6, 1e-2, 30)
    table = np.array([factory(m, np.random.default_rng(i)).n(u) for i, m in enumerate(res.masses)])
    print(f"  30 x 30 N(m4, Umu4) table (1 job, one sample per m4): {time.perf_counter() - t1:.1f} s; "
          f"N ranges {table.min():.3g} .. {table.max():.3g}")
    print("PASS" if wall < 60 else "SLOW", "(target < 60 s)")
    if "--no-darknews" not in sys.argv:
        try:
            dn = darknews_point()
        except Exception as exc:  # DarkNews missing or failing: say so, do not hide it
            print(f"  DarkNews point: not timed ({exc})")
        else:
            print(f"  DarkNews 0.4.8: one (m4, Umu4) point {dn:.1f} s (no decay probability, no geometry); "
                  f"900 points ~ {900 * dn / 60:.0f} min, {900 * dn / wall:.0f}x the hnlreach contour")
    os.unlink(path)


if __name__ == "__main__":
    main()
