"""Benchmark: a 30-mass |U_mu|^2 contour for the ND280 2019 preset (HNLs from K+ decays in flight,
sources/beamline.py) on 2 cores -- exactly `hnlreach limit nd280 --mixing mu --masses 0.15:0.385:30`;
prints the wall time, the time of one mass, the relative Monte Carlo error of N at the boundaries,
and the ratio to T2K's profiled 2019 limit (like for like: Majorana, U_mu only, 1.2-2.0 expected
from the FHC-only K+ flux, docs/validation/nd280-mixing-validation)."""
import functools
import time

import numpy as np

from hnlreach.experiments import load_experiment
from hnlreach.scan import scan_masses
from hnlreach.validation.compare import contour_bounds
from hnlreach.validation.nd280_mixing import _engine_sample, load_profiled

N_HNL = 40_000  # the preset's [analysis.mixing] n_hnl

if __name__ == "__main__":
    exp = load_experiment("nd280").for_model(mixing="mu")
    f = functools.partial(_engine_sample, path=str(exp.path), majorana=True, n_hnl=N_HNL)
    n_lim = exp.statistics.events_limit()
    t = time.perf_counter()
    scan_masses([0.3], f, n_lim, (1e-16, 1.0), seed=1, jobs=1, quiet=True)
    t1 = time.perf_counter() - t
    masses = np.linspace(0.15, 0.385, 30)
    t = time.perf_counter()
    r = scan_masses(masses, f, n_lim, (1e-16, 1.0), seed=1, jobs=2, quiet=True)
    dt = time.perf_counter() - t
    errs = [x.stats.get("rel_mc_error_at_boundaries", []) for x in r.results]
    lo_err = np.array([e[0] for e in errs if len(e)])
    up_err = np.array([e[1] for e in errs if len(e) > 1])
    ref = np.array([contour_bounds(load_profiled(), [m])[0][0] for m in masses])
    ratio = np.array(r.lower, dtype=float) / ref
    print(f"30 masses x {N_HNL} HNLs in {dt:.1f} s on 2 jobs (one mass: {t1:.1f} s); relative MC error of N "
          f"at the lower boundaries: median {np.median(lo_err):.3f}, max {lo_err.max():.3f} (N ∝ U^4 there: "
          f"error in U^2 is half of it); at the upper (prompt-decay, U^2 ~ 0.1-1) boundaries: median "
          f"{np.median(up_err):.2f} (exponential tail sampled by few fast HNLs); lower boundary / T2K 2019 profiled: {np.nanmin(ratio):.2f}-{np.nanmax(ratio):.2f}")
