#!/usr/bin/env python3
"""K+ at the BNB normalised to MicroBooNE's nu_mu-from-K+ flux (the microboone preset's mass-mixing source).

Input: the nu_mu flux from K+ at MicroBooNE of the MicroBooNE BNB flux simulation (horn focusing included),
as stored in S. Porzio's MicroBooNE HNL analysis code (github.com/sdporzio/LArHNL, commit b77bc05;
src/hnlreach/experiments/data/bnb/microboone_numu_by_parent.dat, column 1).  It has two parts:

* in flight (E_nu > 0.3 GeV): the Feynman-scaling K+ production table of arXiv:0806.1449
  (feynman_scaling_Kplus.csv) flown unfocused (produced directions) through the target hall + 50 m decay
  pipe (r = 0.91 m) gives, by the point-detector estimator at MicroBooNE (K+ -> mu+ nu and K_mu3 counted at
  the two-body momentum, sources.beamline.effective_two_body), a nu_mu spectrum 0.6 x the input's.  Each
  kaon momentum bin is reweighted by a factor f(p) >= 0 so that the unfocused kaons reproduce the input
  spectrum (Richardson-Lucy iterations from f = 1, Lucy 1974, AJ 79, 745; response matrix from 400000
  sampled kaons).  The horn's effect enters as more kaons with the unfocused angular spread, not as
  narrower kaon beams (conservative for HNLs near the K -> mu N end point, which follow their kaon).
* at rest: the 236 MeV line (K+ -> mu+ nu of kaons stopping in the target, horn and absorber): line flux
  Phi_line (0.20-0.26 GeV minus the linear continuum under it) = K+ at rest per POT x BR(K_mu2) / (4 pi L^2)
  with L = 470 m (target; the HNL flux per nu of an isotropic source does not depend on L).

Writes src/hnlreach/experiments/data/bnb/feynman_scaling_Kplus_uboone.csv (weights in K+ per POT) and prints
the two yields per POT for microboone.toml.

Usage: python scripts/generate/bnb_kaon_uboone_flux_by_parent.py [--outdir DIR]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from hnlreach.physics.constants import LIFETIME_S, HBAR_GEV_S, HBARC_GEV_M, MASS
from hnlreach.physics import production as prod
from hnlreach.sources.beamline import effective_two_body, point_flux
from hnlreach.sources.decay_in_flight import DecayRegion, decay_points
from hnlreach.sources.spectra import TabulatedSpectrum

DATA = Path(__file__).resolve().parents[2] / "src/hnlreach/experiments/data/bnb"
L_TARGET_M = 470.0
E_FIT = np.round(np.arange(0.3, 8.01, 0.1), 2)  # nu energy bins of the in-flight fit [GeV]


def load_flux():
    a = np.loadtxt(DATA / "microboone_numu_by_parent.dat")
    return a[:, 0], a[:, 1]


def binned(e, v, edges):
    """Flux per bin [nu / cm^2 / POT] of a per-GeV table, fine trapezoids."""
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        x = np.linspace(lo, hi, 201)
        out.append(np.trapezoid(np.interp(x, e, v), x))
    return np.array(out)


def response(spec: TabulatedSpectrum, n: int, seed: int = 11):
    """K[i, j]: nu_mu per cm^2 at MicroBooNE in E_FIT bin i per K+ produced in momentum bin j."""
    rng = np.random.default_rng(seed)
    k = spec.sample(n, rng)
    p = np.linalg.norm(k[:, 1:], axis=1)
    ctau = LIFETIME_S["K+"] * HBARC_GEV_M / HBAR_GEV_S
    region = DecayRegion(z_end=-420.0, radius=0.91, z_start=-470.0)
    origin = np.broadcast_to([0.0, 0.0, -L_TARGET_M], (n, 3))
    pts, w = decay_points(k, origin, region, ctau, rng)
    p_star, br = effective_two_body("K+", "mu")
    e, dens = point_flux(k, pts, [0.0, 0.0, 0.0], 0.0, p_star, rng)
    j = np.clip(np.digitize(p, spec.p_edges) - 1, 0, spec.p_edges.size - 2)
    i = np.digitize(e, E_FIT) - 1
    ok = (i >= 0) & (i < E_FIT.size - 1)
    K = np.zeros((E_FIT.size - 1, spec.p_edges.size - 1))
    per_bin = np.bincount(j, minlength=spec.p_edges.size - 1).astype(float)  # sampled kaons per p bin
    np.add.at(K, (i[ok], j[ok]), (w * br * dens)[ok])
    return K / np.maximum(per_bin, 1.0)[None, :], spec.counts.sum(axis=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outdir", default=str(DATA))
    ap.add_argument("--iterations", type=int, default=50)
    a = ap.parse_args()
    e, v = load_flux()
    spec = TabulatedSpectrum.from_csv(DATA / "feynman_scaling_Kplus.csv", MASS["K+"])
    K, kaons = response(spec, 400_000)
    A = K * kaons[None, :]  # nu per cm^2 per POT in bin i from the kaons of p bin j (unweighted)
    target = binned(e, v, E_FIT)
    f = np.ones(A.shape[1])
    col = A.sum(axis=0)
    live = col > 0
    for _ in range(a.iterations):  # Richardson-Lucy on the multiplicative weights
        pred = A @ f
        r = np.divide(target, pred, out=np.zeros_like(target), where=pred > 0)
        f = np.where(live, f * (A.T @ r) / np.maximum(col, 1e-300), 1.0)
    pred = A @ f
    print(f"in flight: input {target.sum():.4e}, unfocused model {(A.sum(axis=1)).sum():.4e}, reweighted "
          f"{pred.sum():.4e} nu_mu/cm^2/POT (E > 0.3 GeV)")
    for lo, hi in ((0.3, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 5.0), (5.0, 8.0)):
        s = (E_FIT[:-1] >= lo) & (E_FIT[:-1] < hi)
        print(f"  {lo:.1f}-{hi:.1f} GeV: reweighted / input {pred[s].sum() / target[s].sum():.3f}")
    w = spec.counts * f[:, None]
    rows = ["# K+ from 8.89 GeV/c p on Be (BNB): Feynman-scaling production (arXiv:0806.1449) reweighted in momentum so",
            "# that, flown unfocused through the decay pipe, it reproduces MicroBooNE's nu_mu-from-K+ flux above 0.3 GeV",
            f"# (microboone_numu_by_parent.dat); weight = K+ per POT (sum {w.sum():.5e}); "
            "scripts/generate/bnb_kaon_uboone_flux_by_parent.py",
            "p_lo,p_hi,theta_lo,theta_hi,weight"]
    pe, te = spec.p_edges, spec.theta_edges
    for i in range(pe.size - 1):
        for j in range(te.size - 1):
            if w[i, j] > 0:
                rows.append(f"{pe[i]:.3f},{pe[i + 1]:.3f},{te[j]:.3f},{te[j + 1]:.3f},{w[i, j]:.6e}")
    out = Path(a.outdir) / "feynman_scaling_Kplus_uboone.csv"
    tmp = out.with_suffix(".tmp")
    tmp.write_text("\n".join(rows) + "\n")
    tmp.replace(out)
    print(f"K+ in flight: {w.sum():.5e} per POT (Feynman scaling: {spec.counts.sum():.5e}); wrote {out}")
    # the 236 MeV line of K+ decaying at rest
    lo, hi = 0.20, 0.26
    x = np.linspace(lo, hi, 601)
    cont = np.interp(x, [lo, hi], np.interp([lo, hi], e, v))
    line = np.trapezoid(np.interp(x, e, v) - cont, x)
    br = float(prod.channel_branching_ratio("K+ -> mu+ N", 1e-5))
    n_rest = line * 4.0 * np.pi * (L_TARGET_M * 100.0) ** 2 / br
    print(f"K+ at rest: line {line:.4e} nu_mu/cm^2/POT, BR(K_mu2) {br:.4f} -> {n_rest:.5e} K+ at rest per POT")


if __name__ == "__main__":
    main()
