#!/usr/bin/env python3
"""Charm spectra at another beam energy from the 400 GeV PYTHIA tables by Feynman scaling (an
APPROXIMATION, stated wherever the files are used): at fixed x_F and p_T the momentum scales with
the beam energy, p -> k p, and the production angle theta ~ p_T / p -> theta / k (k = E / 400 GeV).
It ignores the growth of <p_T> and the change of the x_F shape with sqrt(s).  Used for NuTeV
(800 GeV, k = 2) until PYTHIA tables at 800 GeV are generated (scripts/generate/charm_spectra.py).

Usage: python scripts/generate/scale_charm_spectra.py --energy 800
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "src" / "hnlreach" / "data" / "charm"
SPECIES = ["D0", "Dbar0", "Dplus", "Dminus", "Dsplus", "Dsminus"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--energy", type=float, required=True, help="target beam energy [GeV]")
    args = ap.parse_args()
    k = args.energy / 400.0
    for sp in SPECIES:
        src = DATA / f"pythia8_pp_400GeV_{sp}.csv"
        head = [ln for ln in src.read_text().splitlines() if ln.startswith("#")]
        d = np.loadtxt(src, delimiter=",", comments="#", skiprows=len(head) + 1, ndmin=2)
        d[:, 0:2] *= k
        d[:, 2:4] /= k
        out = DATA / f"pythia8_pp_400GeV_scaled_to_{args.energy:g}GeV_{sp}.csv"
        lines = [f"# {sp} spectrum at {args.energy:g} GeV by Feynman scaling of the 400 GeV PYTHIA 8 table "
                 f"(p x {k:g}, theta / {k:g}; an approximation: scripts/generate/scale_charm_spectra.py)",
                 *head, "p_lo,p_hi,theta_lo,theta_hi,weight",
                 *(f"{a:.6g},{b:.6g},{c:.6g},{e:.6g},{w:.6g}" for a, b, c, e, w in d)]
        out.write_text("\n".join(lines) + "\n")
        print("wrote", out)


if __name__ == "__main__":
    main()
