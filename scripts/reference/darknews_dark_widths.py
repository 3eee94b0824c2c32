"""Reference table of dark-sector HNL widths from DarkNews 0.4.8 (FermionDileptonDecay, vegas), for the tests.

Writes tests/data/decays/darknews_dark_widths.csv: Gamma(N4 -> nu e+ e-) summed over the light neutrinos
(DarkNews `nulight`), all DarkNews diagrams, for three-portal models: an off-shell heavy Z', an off-shell
light scalar (U_mu4 = 1e-8 so that the Z diagram is negligible), and mass mixing only (Z diagram; with
U_mu4 only the W does not contribute to e+ e-), Dirac and Majorana.

Usage:  python scripts/reference/darknews_dark_widths.py   (a few seconds)
"""
from __future__ import annotations

import pathlib

import DarkNews
from _darknews import model_lines, quiet, write_table
from DarkNews import model, pdg, processes

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "decays" / "darknews_dark_widths.csv"
MODELS = {
    "heavy_zprime_m015": dict(m4=0.15, mzprime=1.25, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-2),
    "heavy_zprime_m05": dict(m4=0.5, mzprime=1.25, Umu4=1e-3, UD4=1.0, gD=1.0, epsilon=1e-2),
    "scalar": dict(m4=0.15, mzprime=1.25, Umu4=1e-8, UD4=1.0, gD=0.0, epsilon=0.0, mhprime=0.3, theta=0.1, s_mu4=1e-2),
    "mixing_only": dict(m4=0.15, mzprime=1.25, Umu4=1e-3, UD4=1.0, gD=0.0, epsilon=0.0),
}
VEGAS = dict(NINT=10, NEVAL=5000, NINT_warmup=5, NEVAL_warmup=1000)
SEED = 20241206


def main():
    import numpy as np
    quiet()
    rows = []
    for name, par in MODELS.items():
        for nature in ("dirac", "majorana"):
            np.random.seed(SEED)
            bsm = model.ThreePortalModel(**par, HNLtype=nature)
            w = processes.FermionDileptonDecay(pdg.neutrino4, pdg.nulight, pdg.electron, pdg.positron, bsm).total_width(**VEGAS)
            rows.append({"model": name, "nature": nature, "width_nu_ee_GeV": f"{float(w):.6e}"})
            print(rows[-1])
    write_table(OUT, [
        f"DarkNews {DarkNews.__version__} FermionDileptonDecay(N4 -> nulight e- e+).total_width, vegas {VEGAS}, "
        f"numpy seed {SEED}",
        *model_lines(MODELS)], rows)


if __name__ == "__main__":
    main()
