"""Benchmark: a 30-mass |U_mu|^2 (mass-mixing) contour and a 30-mass d_mu (dipole) contour for the dune-nd
preset; prints wall and CPU time of each (the machine is shared: wall time alone misleads), the ratio of
each to one mass of the same contour in the same process, and the relative Monte Carlo error of N at the
excluded-interval boundaries and of the boundary couplings (LimitResult.boundary_errors with
rel_mc_error_at_boundaries and rel_coupling_error_at_boundaries): at an upper (short-lifetime) boundary N
falls steeply with the coupling, so a large error of N is a small one of the coupling."""
import time

import numpy as np

import hnlreach

N_HNL = 20_000  # the preset's default per mass


def run(masses, **model):
    t, c = time.perf_counter(), time.process_time()
    r = hnlreach.limit("dune-nd", masses=masses, n_hnl=N_HNL, jobs=1, progress="none", cache=False, **model)
    return r, time.perf_counter() - t, time.process_time() - c


def report(label, r, dt, dc, ref):
    lo = np.asarray(r.lower, dtype=float)
    errs = np.array([e for _, _, e in r.boundary_errors()]) if r.boundary_errors() else np.array([np.nan])
    cerr = r.boundary_errors("rel_coupling_error_at_boundaries")
    cerr = np.array([e for _, _, e in cerr if e is not None]) if cerr else np.array([np.nan])
    print(f"dune-nd {label}: {len(lo)} masses x {N_HNL} HNLs in {dt:.1f} s wall, {dc:.1f} s CPU (1 job) = "
          f"{dc / max(ref, 1e-9):.1f} x one mass; excluded at {np.isfinite(lo).sum()} masses, lower boundary "
          f"{np.nanmin(lo):.3g}..{np.nanmax(lo):.3g}; relative MC error of N at the boundaries: median "
          f"{np.nanmedian(errs):.3f}, max {np.nanmax(errs):.3f}; of the boundary coupling "
          f"(rel_coupling_error_at_boundaries): median {np.nanmedian(cerr):.3f}, max {np.nanmax(cerr):.3f}")


if __name__ == "__main__":
    for label, grid, model in [("|U_mu|^2 (K, D, D_s, tau; Majorana)", "0.05:1.85:30", {"mixing": "mu"}),
                               ("d_mu (upscattering; Dirac)", "0.01:1.0:30", {"dipole": "mu"})]:
        _, _, one = run([0.3], **model)
        r, dt, dc = run(grid, **model)
        report(label, r, dt, dc, one)
