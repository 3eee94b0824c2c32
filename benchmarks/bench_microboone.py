"""Benchmark: 30-mass contours for the microboone preset, dipole (d_mu, upscattering in the argon and soil)
and mass mixing (|U_mu|^2, BNB K+ decaying in flight and at rest, N -> mu pi in the HNL trigger window); prints wall and CPU time (the machine
is shared: wall time alone misleads), the ratio to a one-mass reference run in the same process, the
relative MC error of N at the boundaries and of the boundary couplings (mc.rel_coupling_error_at_boundaries).

Usage: python benchmarks/bench_microboone.py [dipole] [mixing]   (both by default)
"""
import sys
import time

import numpy as np

import hnlreach

SCENARIOS = {
    "dipole": dict(dipole="mu", masses="0.01:0.9:30", n_hnl=20_000),
    "mixing": dict(mixing="mu", masses="0.25:0.385:30", n_hnl=20_000),
}


def _run(kw, masses):
    t, c = time.perf_counter(), time.process_time()
    r = hnlreach.limit("microboone", **{**kw, "masses": masses}, jobs=1, progress="none", cache=False)
    return r, time.perf_counter() - t, time.process_time() - c


def _errors(r, key):
    e = r.boundary_errors(key) if r.boundary_errors(key) else []
    return np.array([x for _, _, x in e]) if e else np.array([np.nan])


def bench(name):
    kw = SCENARIOS[name]
    one = [float(kw["masses"].split(":")[1]) * 0.9]
    _run(kw, one)  # warm-up: the preset's set-up (pion reconstruction, cross-section tables) once per process
    _, ref_wall, ref_cpu = _run(kw, one)  # one mass, same options
    r, dt, dc = _run(kw, kw["masses"])
    lo = np.asarray(r.lower, dtype=float)
    ok = np.isfinite(lo)
    en = _errors(r, "rel_mc_error_at_boundaries")
    eg = _errors(r, "rel_coupling_error_at_boundaries")
    unit = "GeV^-1" if "dipole" in kw else ""
    print(f"microboone {name}: 30 masses x {kw['n_hnl']} HNLs (precision loop on) in {dt:.1f} s wall, "
          f"{dc:.1f} s CPU (1 job) = {dc / max(ref_cpu, 1e-9):.0f} x one mass ({ref_cpu:.2f} s CPU); "
          f"excluded at {ok.sum()} masses, lower boundary {np.nanmin(lo):.3g}..{np.nanmax(lo):.3g} {unit}; "
          f"MC error of N at the boundaries: median {np.nanmedian(en):.3f}, max {np.nanmax(en):.3f}; "
          f"rel_coupling_error_at_boundaries: median {np.nanmedian(eg):.3f}, max {np.nanmax(eg):.3f}")


if __name__ == "__main__":
    for name in (sys.argv[1:] or list(SCENARIOS)):
        bench(name)
