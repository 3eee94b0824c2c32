#!/usr/bin/env python3
"""K+ decaying at rest in the NuMI hadron absorber, per proton on the NuMI target: our model estimate (a
lower bound), compared in experiments/data/numi_absorber/README.md with the normalisation of MicroBooNE's signal
simulation, which the `microboone-numi` preset uses (81x this estimate).

Model (first interaction only):
  stops/POT = f_abs x sum_bins n_K+(p, theta) x P_stop(p)
  f_abs   = 0.10: fraction of the 120 GeV protons that reach the absorber (ArgoNeuT arXiv:2106.13684,
            as in experiments/argoneut.toml);
  n_K+    = K+ per inelastic p p collision at 120 GeV, PYTHIA 8 (data/argoneut/pythia8_pp_120GeV_Kplus.csv,
            0.311 K+ per collision);
  P_stop  = probability that a K+ of momentum p comes to rest in aluminium (the absorber core) before it
            interacts or decays: exp(-R(p)/lambda_I - integral dt/tau), R the CSDA range from the Bethe
            formula (PDG Review "Passage of particles through matter" eq. 34.5, no density effect: beta gamma
            < 3 here), lambda_I = 107.2 g/cm^2 (PDG atomic and nuclear properties, Al nuclear interaction
            length, for protons; used for K+: ASSUMPTION), and the proper time spent slowing down.
The hadronic cascade of the secondaries in the absorber (which makes further slow kaons) and the nuclear
target (intranuclear cascade, target fragmentation) are NOT modelled: this is a lower estimate.

Usage: python scripts/generate/numi_absorber_kdar.py
"""
from __future__ import annotations

import numpy as np

M_K, M_E = 0.493677, 0.000511  # GeV (PDG)
CTAU_K = 3.712  # m, K+ (PDG)
AL = {"Z_over_A": 13 / 26.9815, "I_GeV": 166e-9, "rho": 2.699, "lambda_I": 107.2}  # PDG Al
K_BETHE = 0.307075e-3  # GeV cm^2 / g (PDG: K = 4 pi N_A r_e^2 m_e c^2)
F_ABS = 0.10
TABLE = "src/hnlreach/experiments/data/argoneut/pythia8_pp_120GeV_Kplus.csv"
K_PER_COLLISION = 0.311
G4NUMI = "src/hnlreach/experiments/data/argoneut/g4numi_le_target_Kplus.csv"  # K+ per 1e9 POT


def dedx(p):
    """Mean stopping power -dE/dx [GeV cm^2/g] of a K+ of momentum p [GeV] in Al (Bethe, PDG eq. 34.5)."""
    bg = p / M_K
    g = np.sqrt(1 + bg * bg)
    b2 = bg * bg / (g * g)
    tmax = 2 * M_E * bg * bg / (1 + 2 * g * M_E / M_K + (M_E / M_K) ** 2)
    arg = 2 * M_E * bg * bg * tmax / AL["I_GeV"] ** 2
    return K_BETHE * AL["Z_over_A"] / b2 * (0.5 * np.log(arg) - b2)


def stop_probability(p_grid):
    """P_stop(p) on a grid of momenta [GeV]: no inelastic interaction and no decay while slowing down."""
    out = np.zeros_like(p_grid)
    for i, p0 in enumerate(p_grid):
        p = np.linspace(0.03, p0, 2000) if p0 > 0.03 else np.array([p0])
        e = np.sqrt(p * p + M_K * M_K)
        dxdp = (p / e) / dedx(p)  # dE = (p/E) dp; dx [g/cm^2] = dE / (dE/dx)
        r = np.trapezoid(dxdp, p) if p.size > 1 else 0.0
        # proper time: dtau = dx / (beta gamma c) with x in m: dx_m = dx_gcm2 / rho / 100
        dtau = dxdp / AL["rho"] / 100.0 / (p / M_K)
        ctau = np.trapezoid(dtau, p) if p.size > 1 else 0.0
        out[i] = np.exp(-r / AL["lambda_I"] - ctau / CTAU_K)
    return out


def read(path):
    rows = np.loadtxt([ln for ln in open(path) if ln.strip() and ln[0].isdigit()], delimiter=",", ndmin=2)
    pc = np.sqrt(rows[:, 0] * rows[:, 1])
    pz = pc * np.cos(0.5 * (rows[:, 2] + rows[:, 3]))
    return pc, pz, rows[:, 4]


def main():
    pc, pz, w = read(TABLE)
    ps = stop_probability(pc)
    per_coll = K_PER_COLLISION * np.sum(w * ps) / np.sum(w)
    print(f"P_stop at p = 0.3, 0.5, 1, 2 GeV: {stop_probability(np.array([0.3, 0.5, 1.0, 2.0])).round(3)}")
    print(f"stopped K+ per inelastic p p collision at 120 GeV (PYTHIA 8): {per_coll:.4e}")
    print(f"  -> per POT (x {F_ABS} of protons reaching the absorber): {F_ABS * per_coll:.4e}")
    # Thick nuclear target: G4NuMI's K+ leaving the 2-interaction-length graphite NuMI target per POT vs
    # PYTHIA p p x 0.87 interacting protons, both weighted with P_stop, inside the MIPP acceptance
    # (p_z >= 0.3 GeV) where both are defined.
    gc, gz, gw = read(G4NUMI)
    num = np.sum(gw * 1e-9 * stop_probability(gc) * (gz >= 0.3))
    den = 0.87 * K_PER_COLLISION * np.sum(w * ps * (pz >= 0.3)) / np.sum(w)
    ratio = num / den
    print(f"G4NuMI / PYTHIA (x 0.87) for stopping-weighted K+, p_z >= 0.3 GeV: {ratio:.3f}")
    print(f"stopped K+ per POT, thick-target corrected: {F_ABS * per_coll * ratio:.4e}")


if __name__ == "__main__":
    main()
