"""The CHARM tau-mixing limit (Boiarska et al. arXiv:2107.14685) from Python, compared with the
published curve, and the same scan for a Dirac HNL.

    python examples/charm_limit.py [--out charm_example]

Public API only: hnlreach.limit returns a LimitResult (arrays, to_csv, to_dataframe, plot, summary).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import hnlreach


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="charm_example")
    args = ap.parse_args()
    out = Path(args.out)

    res = hnlreach.limit("charm")  # the preset: tau mixing, Majorana, 90 % CL, its mass grid, seed 1
    res.to_csv(out / "charm.csv")  # + charm.json with every interval and the MC statistics
    res.plot(out / "charm.png", overlays=["CHARM-Boiarska2021"])
    print(res.summary())

    # the same grid for a Dirac HNL: half the decay width, so at long lifetimes half the events
    # (N ~ |U|^4) and a lower bound sqrt(2) higher
    grid = res.masses[~res.refined]
    dirac = hnlreach.limit("charm", majorana=False, masses=grid, refine=0, progress="none")
    maj = res.lower[~res.refined]
    both = np.isfinite(maj) & np.isfinite(dirac.lower)
    ratio = dirac.lower[both] / maj[both]
    print(f"Dirac / Majorana lower bound: median {np.median(ratio):.2f} over {both.sum()} masses (sqrt 2 = 1.41)")

    df = res.to_dataframe()
    print(df[["mass_GeV", "lower", "upper", "upper_open"]].to_string(index=False))


if __name__ == "__main__":
    main()
