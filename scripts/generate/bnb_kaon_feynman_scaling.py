#!/usr/bin/env python3
"""Tabulate K+ production by the Booster Neutrino Beam's 8.89 GeV/c protons on beryllium.

Parametrisation: the Feynman-scaling fit of the MiniBooNE flux paper (A.A. Aguilar-Arevalo et al.,
PRD 79 (2009) 072002, arXiv:0806.1449, sec. IV.B.2 and its K+ table; C. Mariani et al., PRD 84 (2011)
114021, arXiv:1110.0417), the model of the BNB flux simulation for K+:

    d^2 sigma / dp dOmega = c1 (p^2 / E) exp(-c3 |x_F|^c4 - c7 |p_T x_F|^c6 - c2 p_T - c5 p_T^2)

in mb / (GeV/c sr), c1 = 11.70 mb/(GeV^2/c^3 sr), c2 = 0.88 (GeV/c)^-1, c3 = 4.77, c4 = 1.51,
c5 = 2.21 (GeV/c)^-2, c6 = 2.17, c7 = 1.51, with x_F = p_L*/p_L*max in the proton-nucleon centre of
mass and p_L*max the K+ momentum when the recoil is the lightest system allowed by baryon number
and strangeness (Lambda p, 2.053 GeV).

Per proton on target: K+ per POT in a bin = P_int x sigma_bin / sigma_inel, with the target's
interaction probability P_int = 1 - exp(-1.7) (71 cm of Be, 1.7 interaction lengths, arXiv:0806.1449
sec. III) and sigma_inel(p Be) = A / (N_A lambda_I) = 192 mb from the PDG nuclear interaction length
of Be (77.8 g/cm^2).  Kaons from re-interactions of secondaries in the thick target are not included.

Writes src/hnlreach/experiments/data/bnb/feynman_scaling_Kplus.csv in the (p, theta) table format of
sources/spectra.TabulatedSpectrum; the yield per POT printed here goes into the presets' TOML.

Usage: python scripts/generate/bnb_kaon_feynman_scaling.py [--out FILE]
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

M_P, M_K = 0.938272, 0.493677
P_BEAM = 8.89  # GeV/c
C = dict(c1=11.70, c2=0.88, c3=4.77, c4=1.51, c5=2.21, c6=2.17, c7=1.51)
RECOIL_MIN = 2.053  # Lambda + p [GeV]
P_INT = 1.0 - math.exp(-1.7)
SIGMA_INEL_MB = 9.0122 / (6.02214076e23 * 77.8) * 1e27  # A / (N_A lambda_I), cm^2 -> mb


def d2sigma_dp_domega(p, theta):
    """Feynman-scaling K+ cross section [mb / (GeV/c sr)] at lab momentum p [GeV] and angle theta."""
    e_beam = math.hypot(P_BEAM, M_P)
    s = 2.0 * M_P * M_P + 2.0 * M_P * e_beam
    rs = math.sqrt(s)
    gamma, gb = (e_beam + M_P) / rs, P_BEAM / rs
    e = np.hypot(p, M_K)
    pt, pl = p * np.sin(theta), p * np.cos(theta)
    pl_cm = gamma * pl - gb * e
    e_max = (s + M_K ** 2 - RECOIL_MIN ** 2) / (2.0 * rs)
    xf = pl_cm / math.sqrt(e_max ** 2 - M_K ** 2)
    c = C
    val = c["c1"] * p * p / e * np.exp(-c["c3"] * np.abs(xf) ** c["c4"] - c["c7"] * np.abs(pt * xf) ** c["c6"]
                                        - c["c2"] * pt - c["c5"] * pt * pt)
    return np.where(np.abs(xf) <= 1.0, val, 0.0)


def table(p_edges, t_edges, n_sub=6):
    """K+ per POT in each (p, theta) bin (midpoint sub-grid, solid angle 2 pi sin theta dtheta)."""
    out = np.zeros((p_edges.size - 1, t_edges.size - 1))
    u = (np.arange(n_sub) + 0.5) / n_sub
    for i in range(p_edges.size - 1):
        p = p_edges[i] + (p_edges[i + 1] - p_edges[i]) * u
        for j in range(t_edges.size - 1):
            t = t_edges[j] + (t_edges[j + 1] - t_edges[j]) * u
            P, T = np.meshgrid(p, t, indexing="ij")
            f = d2sigma_dp_domega(P, T) * 2.0 * np.pi * np.sin(T)
            out[i, j] = f.mean() * (p_edges[i + 1] - p_edges[i]) * (t_edges[j + 1] - t_edges[j])
    return out * P_INT / SIGMA_INEL_MB


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[2]
                                         / "src/hnlreach/experiments/data/bnb/feynman_scaling_Kplus.csv"))
    a = ap.parse_args()
    p_edges = np.round(np.arange(0.1, 7.61, 0.1), 3)
    t_edges = np.round(np.concatenate([np.arange(0.0, 0.4, 0.02), np.arange(0.4, 1.61, 0.1)]), 3)
    w = table(p_edges, t_edges)
    total = w.sum()
    print(f"K+ per POT (p > 0.1 GeV, theta < 1.6 rad): {total:.5e}; P_int = {P_INT:.4f}, "
          f"sigma_inel = {SIGMA_INEL_MB:.1f} mb")
    lines = ["# K+ from 8.89 GeV/c p on Be (BNB): Feynman-scaling fit of MiniBooNE arXiv:0806.1449 (Mariani et al. "
             "arXiv:1110.0417)",
             f"# weight = K+ per POT in the bin (sum {total:.5e}); scripts/generate/bnb_kaon_feynman_scaling.py",
             "p_lo,p_hi,theta_lo,theta_hi,weight"]
    for i in range(p_edges.size - 1):
        for j in range(t_edges.size - 1):
            if w[i, j] > 0:
                lines.append(f"{p_edges[i]:.3f},{p_edges[i + 1]:.3f},{t_edges[j]:.3f},{t_edges[j + 1]:.3f},"
                             f"{w[i, j]:.6e}")
    tmp = Path(a.out).with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(a.out)
    print(f"wrote {a.out} ({len(lines) - 3} bins)")


if __name__ == "__main__":
    main()
