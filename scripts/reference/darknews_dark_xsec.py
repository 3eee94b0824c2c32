"""Reference table of dark-sector upscattering cross sections from DarkNews (vegas), for the tests.

Writes tests/data/upscattering/darknews_dark_xsec.csv: nu_mu + target -> N4 + target in three DarkNews
three-portal models (below), per nucleus (DarkNews multiplies p-el / n-el by Z / A - Z), per HNL helicity
(DarkNews 'conserving' h = -1, 'flipping' h = +1), all diagrams (DarkNews diagrams=['total']: Z', Z, h' and
their interference), Dirac N4.  hnlreach reads the same parameters with hnlreach.models.from_darknews_parameters.

Usage:  python scripts/reference/darknews_dark_xsec.py   (a few minutes on one core)
"""
from __future__ import annotations

import pathlib
import time

import DarkNews
from _darknews import helicity_xsecs, model_lines, quiet, write_table
from DarkNews import model
from DarkNews.nuclear_tools import NuclearTarget

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "upscattering" / "darknews_dark_xsec.csv"
MODELS = {  # DarkNews ThreePortalModel keywords
    "light_zprime": dict(m4=0.1, mzprime=0.03, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-3),
    "heavy_zprime": dict(m4=0.1, mzprime=1.25, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-2),
    "light_scalar": dict(m4=0.1, mzprime=1.25, Umu4=1e-3, UD4=1.0, gD=0.0, epsilon=0.0, mhprime=0.05, theta=0.1,
                         s_mu4=1e-2),
}
TARGETS = ["C12", "Ar40"]
REGIMES = {"coherent": "coherent", "p-el": "proton", "n-el": "neutron"}
ENERGIES = [0.5, 1.0, 3.0]
VEGAS = dict(NINT=10, NEVAL=4000, NINT_warmup=5, NEVAL_warmup=1000)
SEED = 20241206


def main():
    quiet()
    rows = []
    t0 = time.time()
    for name, par in MODELS.items():
        bsm = model.ThreePortalModel(**par)
        for target in TARGETS:
            nuc = NuclearTarget(target)
            for regime, comp in REGIMES.items():
                for E in ENERGIES:
                    out = helicity_xsecs(bsm, nuc, regime, E, ["total"], SEED, VEGAS)
                    rows.append({"model": name, "target": target, "component": comp, "E_nu_GeV": E,
                                 "sigma_hel_conserving_cm2": f"{out[0]:.6e}", "sigma_hel_flipping_cm2": f"{out[1]:.6e}",
                                 "sigma_cm2": f"{out[0] + out[1]:.6e}"})
                    print(rows[-1], f"{time.time() - t0:.0f} s", flush=True)
    write_table(OUT, [
        f"DarkNews {DarkNews.__version__} UpscatteringProcess.total_xsec(diagrams=['total']), vegas {VEGAS}, "
        f"numpy seed {SEED}; nu_mu projectile, Dirac N4, per nucleus (nucleon terms x Z or x (A-Z))",
        *model_lines(MODELS)], rows)
    print(f"wrote {len(rows)} rows to {OUT} in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
