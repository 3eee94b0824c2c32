#!/usr/bin/env python3
"""Tabulate K+ and pi+ production by the Booster Neutrino Beam's 8.89 GeV/c protons on beryllium.

Parametrisation: the Feynman-scaling fit of the MiniBooNE flux paper (A.A. Aguilar-Arevalo et al.,
PRD 79 (2009) 072002, arXiv:0806.1449, sec. IV.B.2 and its K+ table; C. Mariani et al., PRD 84 (2011)
114021, arXiv:1110.0417), the model of the BNB flux simulation for K+:

    d^2 sigma / dp dOmega = c1 (p^2 / E) exp(-c3 |x_F|^c4 - c7 |p_T x_F|^c6 - c2 p_T - c5 p_T^2)

in mb / (GeV/c sr), c1 = 11.70 mb/(GeV^2/c^3 sr), c2 = 0.88 (GeV/c)^-1, c3 = 4.77, c4 = 1.51,
c5 = 2.21 (GeV/c)^-2, c6 = 2.17, c7 = 1.51, with x_F = p_L*/p_L*max in the proton-nucleon centre of
mass and p_L*max the K+ momentum when the recoil is the lightest system allowed by baryon number
and strangeness (Lambda p, 2.053 GeV).

pi+: the Sanford-Wang fit of the same paper to HARP's p Be -> pi+ data (arXiv:0806.1449 sec. IV.B.1
and its pi+ table; HARP arXiv:hep-ex/0702024):

    d^2 sigma / dp dOmega = c1 p^c2 (1 - p/(p_B - c9)) exp(-c3 p^c4 / p_B^c5 - c6 theta (p - c7 p_B cos^c8 theta))

c1..c9 = 220.7, 1.080, 1.0, 1.978, 1.32, 5.572, 0.0868, 9.686, 1.0 (p, p_B in GeV/c, theta in rad).

Per proton on target: K+ per POT in a bin = P_int x sigma_bin / sigma_inel, with the target's
interaction probability P_int = 1 - exp(-1.7) (71 cm of Be, 1.7 interaction lengths, arXiv:0806.1449
sec. III) and sigma_inel(p Be) = A / (N_A lambda_I) = 192 mb from the PDG nuclear interaction length
of Be (77.8 g/cm^2).  Kaons from re-interactions of secondaries in the thick target are not included.

Writes src/hnlreach/experiments/data/bnb/feynman_scaling_Kplus.csv and sanford_wang_piplus.csv in the (p, theta) table format of
sources/spectra.TabulatedSpectrum; the yield per POT printed here goes into the presets' TOML.

Usage: python scripts/generate/bnb_kaon_feynman_scaling.py [--outdir DIR]
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


SW_PIPLUS = (220.7, 1.080, 1.0, 1.978, 1.32, 5.572, 0.0868, 9.686, 1.0)


def sanford_wang_piplus(p, theta):
    """Sanford-Wang pi+ cross section [mb / (GeV/c sr)] (module docstring)."""
    c1, c2, c3, c4, c5, c6, c7, c8, c9 = SW_PIPLUS
    val = (c1 * p ** c2 * (1.0 - p / (P_BEAM - c9))
           * np.exp(-c3 * p ** c4 / P_BEAM ** c5 - c6 * theta * (p - c7 * P_BEAM * np.clip(np.cos(theta), 0.0, None) ** c8)))
    return np.clip(val, 0.0, None)


def table(p_edges, t_edges, n_sub=6, xsec=d2sigma_dp_domega):
    """Mesons per POT in each (p, theta) bin (midpoint sub-grid, solid angle 2 pi sin theta dtheta)."""
    out = np.zeros((p_edges.size - 1, t_edges.size - 1))
    u = (np.arange(n_sub) + 0.5) / n_sub
    for i in range(p_edges.size - 1):
        p = p_edges[i] + (p_edges[i + 1] - p_edges[i]) * u
        for j in range(t_edges.size - 1):
            t = t_edges[j] + (t_edges[j + 1] - t_edges[j]) * u
            P, T = np.meshgrid(p, t, indexing="ij")
            f = xsec(P, T) * 2.0 * np.pi * np.sin(T)
            out[i, j] = f.mean() * (p_edges[i + 1] - p_edges[i]) * (t_edges[j + 1] - t_edges[j])
    return out * P_INT / SIGMA_INEL_MB


def write(path, p_edges, t_edges, w, what):
    total = w.sum()
    lines = [f"# {what} from 8.89 GeV/c p on Be (BNB), MiniBooNE arXiv:0806.1449 production fit",
             f"# weight = mesons per POT in the bin (sum {total:.5e}); scripts/generate/bnb_kaon_feynman_scaling.py",
             "p_lo,p_hi,theta_lo,theta_hi,weight"]
    for i in range(p_edges.size - 1):
        for j in range(t_edges.size - 1):
            if w[i, j] > 0:
                lines.append(f"{p_edges[i]:.3f},{p_edges[i + 1]:.3f},{t_edges[j]:.3f},{t_edges[j + 1]:.3f},"
                             f"{w[i, j]:.6e}")
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)
    print(f"{what}: {total:.5e} per POT (p > 0.1 GeV, theta < 1.6 rad); wrote {path} ({len(lines) - 3} bins)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outdir", default=str(Path(__file__).resolve().parents[2] / "src/hnlreach/experiments/data/bnb"))
    a = ap.parse_args()
    print(f"P_int = {P_INT:.4f}, sigma_inel = {SIGMA_INEL_MB:.1f} mb")
    t_edges = np.round(np.concatenate([np.arange(0.0, 0.4, 0.02), np.arange(0.4, 1.61, 0.1)]), 3)
    p_k = np.round(np.arange(0.1, 7.61, 0.1), 3)
    write(Path(a.outdir) / "feynman_scaling_Kplus.csv", p_k, t_edges, table(p_k, t_edges), "K+")
    p_pi = np.round(np.arange(0.1, 7.81, 0.1), 3)  # SW vanishes at p = p_B - c9 = 7.89 GeV
    write(Path(a.outdir) / "sanford_wang_piplus.csv", p_pi, t_edges,
          table(p_pi, t_edges, xsec=sanford_wang_piplus), "pi+")


if __name__ == "__main__":
    main()
