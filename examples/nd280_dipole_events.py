"""ND280 dipole-portal events: generate, save to Parquet, plot decay vertices and e+e- opening angles.

    python examples/nd280_dipole_events.py [--mass 0.1] [--coupling 1e-6] [--n 20000] [--out nd280_events]

The `nd280` preset: T2K ND280 (2019 data), dipole upscattering nu_mu A -> N A in the detector and
the rock, N -> nu e+ e- / nu gamma (Liu, Kamp, Arguelles arXiv:2412.15051).  Weights are expected
events for the preset's exposure at the given d [GeV^-1].  Public API only (import hnlreach).
Parquet needs pyarrow: pip install "hnlreach[events]".
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import hnlreach

CHARGED = (11, 13, 211, 321, 2212)  # |PDG id| of the charged decay products


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mass", type=float, default=0.1)
    ap.add_argument("--coupling", type=float, default=1e-6)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--out", default="nd280_events")
    args = ap.parse_args()

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = hnlreach.generate_events("nd280", args.mass, dipole="mu", coupling=args.coupling, n=args.n)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    hnlreach.write_events(df, out / "events.parquet")
    meta = df.attrs["hnlreach"]
    print(f"{len(df)} events, {meta['total_expected_events']:.4g} expected (selection included), "
          f"{meta['total_expected_decays_nosel']:.4g} decays in the fiducial volumes")

    # opening angle of the two charged products (e+ e- for N -> nu e+ e-); columns: docs/events.md
    slots = [c[:-4] for c in df.columns if c[0] == "d" and c[1:-4].isdigit() and c.endswith("_pdg")]  # d1..d6
    p3 = np.stack([df[[f"{s}_px", f"{s}_py", f"{s}_pz"]].to_numpy() for s in slots], axis=1)
    pdg = df[[f"{s}_pdg" for s in slots]].to_numpy()
    charged = np.isin(np.abs(pdg), CHARGED)
    two = charged.sum(axis=1) == 2
    order = np.argsort(~charged[two], axis=1, kind="stable")[:, :2]
    rows = np.arange(two.sum())[:, None]
    a, b = p3[two][rows, order][:, 0], p3[two][rows, order][:, 1]
    cosang = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    angle = np.degrees(np.arccos(np.clip(cosang, -1, 1)))

    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    w = df.weight.to_numpy()
    ax[0].hist2d(df.decay_z, df.decay_x, bins=120, weights=w, cmap="viridis")
    ax[0].set(xlabel="decay z [m]", ylabel="decay x [m]", title="decay vertices (weighted)")
    ax[1].hist(df.decay_z, bins=120, weights=w, histtype="step")
    ax[1].set(xlabel="decay z [m]", ylabel="events / bin")
    ax[2].hist(angle, bins=np.logspace(-2, 2.3, 60), weights=w[two], histtype="step")
    ax[2].set(xscale="log", xlabel="opening angle of the charged pair [deg]", ylabel="events / bin")
    fig.suptitle(rf"ND280, dipole $d_\mu$ = {args.coupling:g} GeV$^{{-1}}$, $m_N$ = {args.mass:g} GeV")
    fig.tight_layout()
    fig.savefig(out / "vertices_opening_angle.png", dpi=120)
    print(f"wrote {out / 'events.parquet'} and {out / 'vertices_opening_angle.png'}")


if __name__ == "__main__":
    main()
