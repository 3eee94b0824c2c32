"""Benchmark: dipole upscattering cross section on 10^5 neutrino energies (issue 3, "well under a second").

Prints wall times and their ratio to reference operations run in the same process: a NumPy op of the
same size (exp(sin(x)) on N_ENERGIES * N_NODES doubles) and, if installed, one DarkNews vegas
total_xsec call (per energy point).  No absolute-time assertion: machines differ.
Run:  python benchmarks/bench_xsec.py
"""
from __future__ import annotations


import numpy as np

from hnlreach.physics import upscattering as ups
from timing import best_of

N = 100_000




def main():
    rng = np.random.default_rng(0)
    E = rng.uniform(0.2, 10.0, N)
    x = rng.random(N * ups.N_NODES)
    t_ref = best_of(lambda: np.exp(np.sin(x)))
    print(f"reference numpy exp(sin(x)) on {x.size:.1e} doubles: {t_ref:.3f} s")
    for target, comp in [("C12", "coherent"), ("Pb208", "coherent"), ("Ar40", "proton"), ("Ar40", "total")]:
        ups.dipole_xsec(E[:10], 0.4, target, component=comp)  # warm the form-factor table
        t = best_of(lambda: ups.dipole_xsec(E, 0.4, target, component=comp))
        print(f"dipole_xsec {target:6s} {comp:9s} 1e5 energies: {t:.3f} s  ({t / t_ref:.1f} x reference op)")
    t = best_of(lambda: ups.sample_upscattering(E, 0.4, "Ar40", rng=rng), repeat=1)
    print(f"sample_upscattering Ar40 total 1e5 events: {t:.3f} s  ({t / t_ref:.1f} x reference op)")
    try:
        import logging
        import pathlib
        import sys
        sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "scripts" / "reference"))
        import darknews_xsec as ref
        logging.getLogger("logger").setLevel(logging.ERROR)
        t_dn = best_of(lambda: ref.darknews_xsec("C12", "coherent", 1.0, 0.4), repeat=1) / 2  # two helicities
        t_one = best_of(lambda: ups.dipole_xsec(E, 0.4, "C12", component="coherent")) / N
        print(f"DarkNews vegas total_xsec, one energy, one helicity: {t_dn:.3f} s; hnlreach per energy {t_one:.2e} s "
              f"(speed-up {t_dn / t_one:.1e})")
    except ImportError:
        print("DarkNews not installed: no per-point comparison")


if __name__ == "__main__":
    main()
